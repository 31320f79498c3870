//! `inbox`: every notification received, with its verdict and what applying it did.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub received_at: DateTimeUtc,
    pub route: String,
    /// JSON object of the relevant headers.
    pub headers: String,
    pub body: String,
    /// `VERIFIED` or `REJECTED`.
    pub verdict: String,
    pub reject_reason: Option<String>,
    /// Hex SHA-256 of the raw body for verified deliveries; `None` for rejected ones.
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub notify_type: Option<String>,
    pub order_id: Option<String>,
    pub outcome: Option<String>,
    pub outcome_detail: Option<String>,
    pub delivery_count: i32,
    pub last_received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
