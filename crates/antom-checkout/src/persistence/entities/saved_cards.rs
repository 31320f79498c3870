//! `saved_cards`: vaulted cards; the Antom card token only as AES-256-GCM ciphertext.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub buyer_id: String,
    #[sea_orm(unique)]
    pub vaulting_request_id: Option<String>,
    pub brand: String,
    pub masked_card_no: String,
    pub last_four: String,
    pub expiry_month: String,
    pub expiry_year: String,
    pub token_ciphertext: String,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
