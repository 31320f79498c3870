//! Listing orders for ops (newest first, keyset-paged) and for the reconciler (due first).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::{OrderId, OrderStatus};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::super::entities::orders;
use super::super::error::StoreError;
use super::super::store::Store;
use super::super::time::db_time;
use super::stored::{stored_id, stored_order, StoredOrder};

/// Largest page [`Store::list_orders`] returns.
pub const MAX_PAGE: u64 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Clamped to `1..=100`.
    pub limit: u64,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<OrderCursor>,
    /// Only orders whose authorisation expires before this time.
    pub auth_expiring_before: Option<DateTime<Utc>>,
}

impl Default for OrderFilter {
    fn default() -> Self {
        OrderFilter {
            status: None,
            limit: 50,
            cursor: None,
            auth_expiring_before: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    pub orders: Vec<StoredOrder>,
    /// `None` on the last page.
    pub next_cursor: Option<OrderCursor>,
}

/// A position in the newest-first order list: the `(created_at, id)` of the last order shown.
/// Opaque to clients: base64url of `{created_at}|{id}`; [`OrderCursor::parse`] it at the
/// boundary and show it with `to_string()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCursor {
    created_at: DateTime<Utc>,
    id: OrderId,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

impl OrderCursor {
    pub fn parse(raw: &str) -> Result<OrderCursor, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| InvalidCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| InvalidCursor)?;
        let (created_at, id) = text.split_once('|').ok_or(InvalidCursor)?;
        let created_at = DateTime::parse_from_rfc3339(created_at)
            .map_err(|_| InvalidCursor)?
            .with_timezone(&Utc);
        let id = OrderId::parse(id).map_err(|_| InvalidCursor)?;
        Ok(OrderCursor {
            created_at: db_time(created_at),
            id,
        })
    }

    fn after(order: &StoredOrder) -> OrderCursor {
        OrderCursor {
            created_at: order.created_at,
            id: order.order.id().clone(),
        }
    }
}

impl fmt::Display for OrderCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let created_at = self.created_at.to_rfc3339_opts(SecondsFormat::Micros, true);
        let raw = format!("{created_at}|{}", self.id);
        f.write_str(&URL_SAFE_NO_PAD.encode(raw))
    }
}

impl Store {
    /// Newest first (`created_at`, then id, descending).
    pub async fn list_orders(&self, filter: OrderFilter) -> Result<OrderPage, StoreError> {
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let mut query = orders::Entity::find();
        if let Some(status) = filter.status {
            query = query.filter(orders::Column::Status.eq(status.as_str()));
        }
        if let Some(before) = filter.auth_expiring_before {
            query = query.filter(orders::Column::AuthExpiresAt.lt(db_time(before)));
        }
        if let Some(cursor) = &filter.cursor {
            query = query.filter(
                Condition::any()
                    .add(orders::Column::CreatedAt.lt(cursor.created_at))
                    .add(
                        Condition::all()
                            .add(orders::Column::CreatedAt.eq(cursor.created_at))
                            .add(orders::Column::Id.lt(cursor.id.as_str())),
                    ),
            );
        }
        let mut orders = query
            .order_by_desc(orders::Column::CreatedAt)
            .order_by_desc(orders::Column::Id)
            .limit(limit + 1)
            .all(&self.read)
            .await?
            .into_iter()
            .map(stored_order)
            .collect::<Result<Vec<_>, _>>()?;
        let more = orders.len() as u64 > limit;
        orders.truncate(limit as usize);
        let next_cursor = if more {
            orders.last().map(OrderCursor::after)
        } else {
            None
        };
        Ok(OrderPage { orders, next_cursor })
    }

    /// Ids of orders whose `next_check_at` has come, the longest-waiting first.
    pub async fn due_orders(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<OrderId>, StoreError> {
        let ids: Vec<String> = orders::Entity::find()
            .select_only()
            .column(orders::Column::Id)
            .filter(orders::Column::NextCheckAt.lte(db_time(now)))
            .order_by_asc(orders::Column::NextCheckAt)
            .order_by_asc(orders::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.read)
            .await?;
        ids.into_iter().map(stored_id).collect()
    }
}
