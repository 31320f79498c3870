//! `refunds`: projection of `Order::refunds()`. `next_attempt_at` and `attempts` belong to the
//! refund worker and are never overwritten by the projection.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub refund_request_id: String,
    pub order_id: String,
    pub refund_id: Option<String>,
    pub status: String,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub reason: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub requested_at: Option<DateTimeUtc>,
    pub refunded_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
