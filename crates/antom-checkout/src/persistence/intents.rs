//! Ops intents: one row per capture, cancel or refund an operator sent, read and written under
//! the order's lock so that of two identical requests the second sees the first.
//!
//! The rule deciding what counts as identical lives in `services::intents`; this module only
//! stores rows and reads them back.

use chrono::{DateTime, Utc};
use domain::OrderId;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QueryTrait, Set,
};

use super::entities::admin_intents;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;
use super::write_tx::WriteTx;

/// An intent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// `capture`, `cancel` or `refund`.
    pub action: String,
    /// Hex SHA-256 of what makes two requests identical.
    pub fingerprint: String,
    /// Hex SHA-256 of the request's `Idempotency-Key`, if it had one.
    pub key_hash: Option<String>,
    /// The capture, cancel or refund request id it recorded.
    pub request_id: String,
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

/// The intents of `action` on `order_id` created at or after `since`, or carrying `key_hash`
/// (whatever their age), newest first. Run on the order's locking transaction.
pub(super) async fn find(
    tx: &mut WriteTx,
    order_id: &OrderId,
    action: &str,
    since: DateTime<Utc>,
    key_hash: Option<&str>,
) -> Result<Vec<Intent>, StoreError> {
    let mut recent_or_keyed = Condition::any().add(admin_intents::Column::CreatedAt.gte(db_time(since)));
    if let Some(key_hash) = key_hash {
        recent_or_keyed = recent_or_keyed.add(admin_intents::Column::KeyHash.eq(key_hash));
    }
    let select = admin_intents::Entity::find()
        .filter(admin_intents::Column::OrderId.eq(order_id.as_str()))
        .filter(admin_intents::Column::Action.eq(action))
        .filter(recent_or_keyed)
        .order_by_desc(admin_intents::Column::CreatedAt)
        .order_by_desc(admin_intents::Column::Id)
        .build(tx.backend());
    let rows = tx.query_all(select).await?;
    let rows = rows
        .iter()
        .map(|row| admin_intents::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|row| Intent {
            action: row.action,
            fingerprint: row.fingerprint,
            key_hash: row.key_hash,
            request_id: row.request_id,
            actor: row.actor,
            created_at: row.created_at,
        })
        .collect())
}

/// The row for an intent of `order_id`.
pub(super) fn row(order_id: &OrderId, intent: &Intent) -> admin_intents::ActiveModel {
    admin_intents::ActiveModel {
        order_id: Set(order_id.as_str().to_owned()),
        action: Set(intent.action.clone()),
        fingerprint: Set(intent.fingerprint.clone()),
        key_hash: Set(intent.key_hash.clone()),
        request_id: Set(intent.request_id.clone()),
        actor: Set(intent.actor.chars().take(256).collect()),
        created_at: Set(db_time(intent.created_at)),
        ..Default::default()
    }
}

impl Store {
    /// Deletes intents created before `before`. Returns how many.
    pub async fn prune_intents(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let deleted = admin_intents::Entity::delete_many()
            .filter(admin_intents::Column::CreatedAt.lt(db_time(before)))
            .exec(&self.write)
            .await?;
        Ok(deleted.rows_affected)
    }
}
