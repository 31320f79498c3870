//! An order's timeline: every fact applied or refused and every ops action, for people.
//!
//! Entries are written in the same transaction as the order change they describe
//! ([`super::LockedOrder::commit`], [`Store::insert_order`]); [`Store::append_timeline`] is for
//! what happens outside a lock (a rejected request, an unknown outcome).

use chrono::{DateTime, Utc};
use domain::{Event, OrderId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::batch::Batch;
use super::entities::timeline;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// An [`Event::kind`] or one of the server's own entry types (`ORDER_CREATED`, …).
    pub event_type: String,
    /// Who caused it: `buyer`, `antom:notification`, `admin:{token name}`, …
    pub actor: String,
    /// JSON object.
    pub details: serde_json::Value,
}

impl TimelineEntry {
    /// An entry for a domain event, with the event itself as details.
    pub fn event(at: DateTime<Utc>, actor: &str, event: &Event) -> TimelineEntry {
        TimelineEntry {
            at,
            event_type: event.kind().to_owned(),
            actor: actor.to_owned(),
            details: serde_json::to_value(event).unwrap_or(serde_json::Value::Null),
        }
    }
}

impl Store {
    /// Oldest first (by time, then by the order they were written).
    pub async fn timeline(&self, order_id: &OrderId) -> Result<Vec<TimelineEntry>, StoreError> {
        timeline::Entity::find()
            .filter(timeline::Column::OrderId.eq(order_id.as_str()))
            .order_by_asc(timeline::Column::At)
            .order_by_asc(timeline::Column::Id)
            .all(&self.read)
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }

    /// Appends entries outside any order lock.
    pub async fn append_timeline(
        &self,
        order_id: &OrderId,
        entries: &[TimelineEntry],
    ) -> Result<(), StoreError> {
        insert(&self.write, order_id, entries).await
    }
}

/// Writes `entries` with `db` (a transaction or the pool).
pub(super) async fn insert(
    db: &impl ConnectionTrait,
    order_id: &OrderId,
    entries: &[TimelineEntry],
) -> Result<(), StoreError> {
    let mut batch = Batch::new(db.get_database_backend());
    stage(&mut batch, order_id, entries);
    batch.execute(db).await?;
    Ok(())
}

/// Adds the insert of `entries` (if any) to `batch`.
pub(super) fn stage(batch: &mut Batch, order_id: &OrderId, entries: &[TimelineEntry]) {
    if entries.is_empty() {
        return;
    }
    let rows = entries.iter().map(|entry| timeline::ActiveModel {
        order_id: Set(order_id.as_str().to_owned()),
        at: Set(db_time(entry.at)),
        event_type: Set(entry.event_type.clone()),
        actor: Set(entry.actor.clone()),
        details: Set(entry.details.to_string()),
        ..Default::default()
    });
    batch.push(timeline::Entity::insert_many(rows));
}

fn from_row(row: timeline::Model) -> Result<TimelineEntry, StoreError> {
    let details = serde_json::from_str(&row.details)
        .map_err(|e| StoreError::CorruptSnapshot(format!("timeline entry {}: details: {e}", row.id)))?;
    Ok(TimelineEntry {
        at: row.at,
        event_type: row.event_type,
        actor: row.actor,
        details,
    })
}
