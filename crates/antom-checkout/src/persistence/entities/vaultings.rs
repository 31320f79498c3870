//! `vaultings`: card-vaulting attempts, until their result is known.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vaultings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vaulting_request_id: String,
    pub buyer_id: String,
    pub status: String,
    pub card_id: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub next_check_at: Option<DateTimeUtc>,
    pub check_attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
