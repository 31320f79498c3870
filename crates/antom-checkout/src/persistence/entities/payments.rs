//! `payments`: projection of `Order::payment()`; one per order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub payment_request_id: String,
    #[sea_orm(unique)]
    pub order_id: String,
    pub payment_id: Option<String>,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub paid_at: Option<DateTimeUtc>,
    pub auth_expires_at: Option<DateTimeUtc>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
