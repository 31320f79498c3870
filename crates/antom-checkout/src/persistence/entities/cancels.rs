//! `cancels`: projection of `Order::cancel()`. The domain keeps only the current attempt; rows
//! of attempts it replaced stay here with their last status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cancels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cancel_request_id: String,
    pub order_id: String,
    pub status: String,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
