//! `captures`: projection of `Order::captures()`. `next_attempt_at` and `attempts` belong to
//! the capture worker and are never overwritten by the projection.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "captures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub capture_request_id: String,
    pub order_id: String,
    pub capture_id: Option<String>,
    pub status: String,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub requested_at: Option<DateTimeUtc>,
    pub captured_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
