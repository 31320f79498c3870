//! `orders`: the order aggregate as a JSON snapshot, plus the columns ops and workers query.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `OrderStatus::as_str()` of the snapshot.
    pub status: String,
    pub currency: String,
    pub total_minor: i64,
    /// `serde_json` of `domain::Order`: the source of truth.
    pub snapshot: String,
    /// Hex SHA-256 of the buyer's order token.
    pub token_hash: String,
    pub buyer_id: Option<String>,
    pub payment_request_id: String,
    pub payment_id: Option<String>,
    pub review_required: bool,
    pub session_expires_at: Option<DateTimeUtc>,
    pub auth_expires_at: Option<DateTimeUtc>,
    /// When the reconciler should look at the order next; `None` when settled.
    pub next_check_at: Option<DateTimeUtc>,
    pub check_attempts: i32,
    /// Bumped by every `lock_order`: the write that takes the row lock.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When a buyer's page load last inquired Antom (at most one such inquiry per interval).
    pub buyer_inquiry_at: Option<DateTimeUtc>,
    /// SHA-256 of the single-use token in the web `paymentRedirectUrl` (never the order token).
    pub return_token_hash: Option<String>,
    pub return_token_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
