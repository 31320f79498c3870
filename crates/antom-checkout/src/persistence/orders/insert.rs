//! Storing a new order: its buyer, row, items, projections and first timeline entries, as one
//! atomic statement.

use chrono::{DateTime, Utc};
use domain::Order;
use sea_orm::{EntityTrait, Set};

use super::super::batch::Batch;
use super::super::entities::{order_items, orders};
use super::super::error::StoreError;
use super::super::store::Store;
use super::super::time::{db_time, db_time_opt};
use super::super::timeline::TimelineEntry;
use super::super::{buyers, timeline};
use super::projections;
use super::stored::snapshot_json;

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
        timeline::stage(&mut batch, order.id(), new.timeline);
        self.write_atomically(batch).await?;
        Ok(())
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
