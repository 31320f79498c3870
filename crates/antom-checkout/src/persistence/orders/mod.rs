//! Orders: insert, load, look up by any request id, and (in `lock`) change under a row lock.
//!
//! The `orders.snapshot` column holds the whole [`Order`]; loading parses it (which re-checks the
//! domain invariants) and refuses a snapshot that does not parse or names another order. Every
//! save also rewrites the projections (`projections.rs`).

mod list;
mod lock;
mod projections;

use chrono::{DateTime, Utc};
use domain::Order;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::batch::Batch;
use super::entities::{captures, order_items, orders, refunds};
use super::{buyers, db_time, db_time_opt, timeline, Store, StoreError, TimelineEntry};

pub use list::{InvalidCursor, OrderCursor, OrderFilter, OrderPage};
pub use lock::LockedOrder;

/// A new order to store, with its first timeline entries.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder<'a> {
    pub order: &'a Order,
    /// Hex SHA-256 of the order token handed to the buyer.
    pub token_hash: &'a str,
    pub buyer_id: Option<&'a str>,
    /// Hex SHA-256 of the single-use return token in the web `paymentRedirectUrl`, if any.
    pub return_token_hash: Option<&'a str>,
    pub timeline: &'a [TimelineEntry],
    /// When the reconciler should first look at the order.
    pub next_check_at: Option<DateTime<Utc>>,
}

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

impl Store {
    /// Stores a new order in one transaction: its buyer (unless known), the `orders` row, its
    /// items, the payment projection and `new.timeline`. A reused order id or payment request id
    /// is [`StoreError::Conflict`], on whichever unique key of the order or payment row the
    /// database checks first (`orders.id` or `payments.order_id`; `orders.payment_request_id` or
    /// `payments.payment_request_id`).
    pub async fn insert_order(&self, new: NewOrder<'_>) -> Result<(), StoreError> {
        let order = new.order;
        let order_id = order.id().as_str();
        let now = Utc::now();
        let mut batch = Batch::new(self.backend());
        if let Some(buyer_id) = new.buyer_id {
            buyers::stage_ensure(&mut batch, buyer_id, now);
        }
        batch.push(orders::Entity::insert(new_order_row(&new, now)?));
        let items = order.items().iter().map(|item| order_items::ActiveModel {
            order_id: Set(order_id.to_owned()),
            sku: Set(item.sku().as_str().to_owned()),
            name: Set(item.name().to_owned()),
            quantity: Set(i32::try_from(item.quantity().get()).expect("a quantity is at most 99")),
            unit_minor: Set(item.unit_price().minor()),
            currency: Set(item.unit_price().currency().code().to_owned()),
            ..Default::default()
        });
        batch.push(order_items::Entity::insert_many(items));
        projections::stage(&mut batch, None, order, now);
        timeline::stage(&mut batch, order_id, new.timeline);
        batch.execute_atomically(&self.write).await?;
        Ok(())
    }

    /// The order as last committed, without locking it.
    pub async fn order(&self, id: &str) -> Result<Option<StoredOrder>, StoreError> {
        orders::Entity::find_by_id(id)
            .one(&self.read)
            .await?
            .map(stored_order)
            .transpose()
    }

    /// By Antom's `paymentId` (known once a result or inquiry told us).
    pub async fn order_id_by_payment_id(&self, payment_id: &str) -> Result<Option<String>, StoreError> {
        Ok(orders::Entity::find()
            .select_only()
            .column(orders::Column::Id)
            .filter(orders::Column::PaymentId.eq(payment_id))
            .into_tuple()
            .one(&self.read)
            .await?)
    }

    pub async fn order_id_by_capture_request_id(
        &self,
        capture_request_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(captures::Entity::find()
            .select_only()
            .column(captures::Column::OrderId)
            .filter(captures::Column::CaptureRequestId.eq(capture_request_id))
            .into_tuple()
            .one(&self.read)
            .await?)
    }

    pub async fn order_id_by_refund_request_id(
        &self,
        refund_request_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(refunds::Entity::find()
            .select_only()
            .column(refunds::Column::OrderId)
            .filter(refunds::Column::RefundRequestId.eq(refund_request_id))
            .into_tuple()
            .one(&self.read)
            .await?)
    }
}

fn new_order_row(new: &NewOrder<'_>, now: DateTime<Utc>) -> Result<orders::ActiveModel, StoreError> {
    let order = new.order;
    Ok(orders::ActiveModel {
        id: Set(order.id().as_str().to_owned()),
        status: Set(order.status().as_str().to_owned()),
        currency: Set(order.currency().code().to_owned()),
        total_minor: Set(order.total().minor()),
        snapshot: Set(snapshot_json(order)?),
        token_hash: Set(new.token_hash.to_owned()),
        buyer_id: Set(new.buyer_id.map(str::to_owned)),
        payment_request_id: Set(order.payment().request_id.as_str().to_owned()),
        payment_id: Set(order.payment().payment_id.clone()),
        review_required: Set(!order.review().is_empty()),
        session_expires_at: Set(db_time_opt(order.session_expires_at())),
        auth_expires_at: Set(db_time_opt(order.payment().auth_expires_at)),
        next_check_at: Set(db_time_opt(new.next_check_at)),
        check_attempts: Set(0),
        version: Set(0),
        created_at: Set(db_time(order.created_at())),
        updated_at: Set(db_time(now)),
        buyer_inquiry_at: Set(None),
        return_token_hash: Set(new.return_token_hash.map(str::to_owned)),
        return_token_used_at: Set(None),
    })
}

fn snapshot_json(order: &Order) -> Result<String, StoreError> {
    serde_json::to_string(order)
        .map_err(|e| StoreError::CorruptSnapshot(format!("order {}: cannot serialise: {e}", order.id())))
}

/// Parses a row; the snapshot must be a valid order with the row's id.
fn stored_order(row: orders::Model) -> Result<StoredOrder, StoreError> {
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
