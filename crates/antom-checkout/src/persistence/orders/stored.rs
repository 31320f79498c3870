//! An order as stored: the domain aggregate, parsed from its snapshot (which re-checks the
//! domain invariants), and what only the server keeps about it.

use chrono::{DateTime, Utc};
use domain::{Order, OrderId};

use super::super::entities::orders;
use super::super::error::StoreError;

/// An order as stored: the aggregate plus what only the server keeps about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    pub order: Order,
    pub token_hash: String,
    pub buyer_id: Option<String>,
    pub review_required: bool,
    pub next_check_at: Option<DateTime<Utc>>,
    pub check_attempts: i32,
    /// Incremented by every [`Store::lock_order`].
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn snapshot_json(order: &Order) -> Result<String, StoreError> {
    serde_json::to_string(order)
        .map_err(|e| StoreError::CorruptSnapshot(format!("order {}: cannot serialise: {e}", order.id())))
}

/// An order id read from the database (written from an [`OrderId`], so it parses).
pub(in crate::persistence) fn stored_id(raw: String) -> Result<OrderId, StoreError> {
    OrderId::parse(&raw).map_err(|e| StoreError::CorruptSnapshot(format!("order id {raw:?}: {e}")))
}

/// Parses a row; the snapshot must be a valid order with the row's id.
pub(super) fn stored_order(row: orders::Model) -> Result<StoredOrder, StoreError> {
    let order: Order = serde_json::from_str(&row.snapshot)
        .map_err(|e| StoreError::CorruptSnapshot(format!("order {}: {e}", row.id)))?;
    if order.id().as_str() != row.id {
        return Err(StoreError::CorruptSnapshot(format!(
            "order {}: snapshot is of order {}",
            row.id,
            order.id()
        )));
    }
    Ok(StoredOrder {
        order,
        token_hash: row.token_hash,
        buyer_id: row.buyer_id,
        review_required: row.review_required,
        next_check_at: row.next_check_at,
        check_attempts: row.check_attempts,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
