//! `admin_intents`: one row per ops action sent to Antom, for the double-click rule.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admin_intents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: String,
    /// `capture`, `cancel` or `refund`.
    pub action: String,
    /// Hex SHA-256 of what makes two requests identical (the amount, or "everything").
    pub fingerprint: String,
    /// Hex SHA-256 of the request's `Idempotency-Key`, when it had one.
    pub key_hash: Option<String>,
    /// The capture, cancel or refund request id the action recorded.
    #[sea_orm(unique)]
    pub request_id: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
