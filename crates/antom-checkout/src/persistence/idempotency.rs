//! `Idempotency-Key` support: the first request with a key does the work, later ones with the
//! same key and body get its response replayed.
//!
//! `begin_idempotent` claims the key with `INSERT … ON CONFLICT DO NOTHING`: exactly one caller
//! inserts the row (and gets [`IdempotencyBegin::Started`]), however many race. The row stays
//! "in progress" (no status) until `complete_idempotent` stores the response, or
//! `abandon_idempotent` deletes it so the client may retry.
//!
//! Keys do not live forever: a key older than [`KEY_TTL`] is forgotten (the next request with
//! it starts afresh; the worker prunes them), and a key left in progress for longer than
//! [`IN_PROGRESS_TIMEOUT`] (its process died mid-request) may be claimed again. Both
//! takeovers are conditional updates on the `created_at` that was read, so of several callers
//! racing for a stale key exactly one wins.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::entities::idempotency_keys;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

/// How long a stored answer is replayed.
pub const KEY_TTL: Duration = Duration::hours(24);
/// How long a key may stay "in progress" before another request may claim it.
pub const IN_PROGRESS_TIMEOUT: Duration = Duration::seconds(120);

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// This request owns the key: do the work, then complete or abandon it.
    Started,
    /// The same request was answered before: send this again.
    Replay { status: u16, body: String },
    /// The same request is being handled right now.
    InProgress,
    /// The key was used with a different request body.
    Mismatch,
}

/// Attempts to claim a key that keeps changing under our feet before giving up with
/// `InProgress`.
const CLAIM_ATTEMPTS: usize = 3;

impl Store {
    pub async fn begin_idempotent(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<IdempotencyBegin, StoreError> {
        for _ in 0..CLAIM_ATTEMPTS {
            let claim = idempotency_keys::ActiveModel {
                scope: Set(scope.to_owned()),
                key: Set(key.to_owned()),
                request_hash: Set(request_hash.to_owned()),
                status_code: Set(None),
                response_body: Set(None),
                created_at: Set(db_time(now)),
            };
            let inserted = idempotency_keys::Entity::insert(claim)
                .on_conflict(
                    OnConflict::columns([idempotency_keys::Column::Scope, idempotency_keys::Column::Key])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.write)
                .await?;
            if inserted == 1 {
                return Ok(IdempotencyBegin::Started);
            }
            let Some(row) = idempotency_keys::Entity::find_by_id((scope.to_owned(), key.to_owned()))
                .one(&self.read)
                .await?
            else {
                continue; // abandoned between our insert and our read: try to claim it again
            };
            if row.created_at + KEY_TTL <= now {
                // Expired: forget it (if nobody else did first) and claim it afresh.
                idempotency_keys::Entity::delete_many()
                    .filter(idempotency_keys::Column::Scope.eq(scope))
                    .filter(idempotency_keys::Column::Key.eq(key))
                    .filter(idempotency_keys::Column::CreatedAt.eq(row.created_at))
                    .exec(&self.write)
                    .await?;
                continue;
            }
            if row.request_hash != request_hash {
                return Ok(IdempotencyBegin::Mismatch);
            }
            return match row.status_code {
                None if row.created_at + IN_PROGRESS_TIMEOUT <= now => {
                    // Its owner died mid-request: take the key over.
                    let taken = idempotency_keys::Entity::update_many()
                        .set(idempotency_keys::ActiveModel {
                            created_at: Set(db_time(now)),
                            ..Default::default()
                        })
                        .filter(idempotency_keys::Column::Scope.eq(scope))
                        .filter(idempotency_keys::Column::Key.eq(key))
                        .filter(idempotency_keys::Column::StatusCode.is_null())
                        .filter(idempotency_keys::Column::CreatedAt.eq(row.created_at))
                        .exec(&self.write)
                        .await?;
                    if taken.rows_affected == 1 {
                        Ok(IdempotencyBegin::Started)
                    } else {
                        continue;
                    }
                }
                None => Ok(IdempotencyBegin::InProgress),
                Some(status) => Ok(IdempotencyBegin::Replay {
                    status: u16::try_from(status).map_err(|_| {
                        StoreError::CorruptSnapshot(format!("idempotency key {scope}/{key}: status {status}"))
                    })?,
                    body: row.response_body.unwrap_or_default(),
                }),
            };
        }
        Ok(IdempotencyBegin::InProgress)
    }

    /// Stores the response of the request that owns the key. `NotFound` if the key is not in
    /// progress (never claimed, already completed or abandoned).
    pub async fn complete_idempotent(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        let done = idempotency_keys::ActiveModel {
            status_code: Set(Some(i32::from(status))),
            response_body: Set(Some(body.to_owned())),
            ..Default::default()
        };
        let updated = idempotency_keys::Entity::update_many()
            .set(done)
            .filter(idempotency_keys::Column::Scope.eq(scope))
            .filter(idempotency_keys::Column::Key.eq(key))
            .filter(idempotency_keys::Column::StatusCode.is_null())
            .exec(&self.write)
            .await?;
        if updated.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Releases an in-progress key after an error that should not be replayed. A completed key
    /// is left alone.
    pub async fn abandon_idempotent(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::Scope.eq(scope))
            .filter(idempotency_keys::Column::Key.eq(key))
            .filter(idempotency_keys::Column::StatusCode.is_null())
            .exec(&self.write)
            .await?;
        Ok(())
    }

    /// Deletes keys created before `before` (expired ones: `now - KEY_TTL`). Returns how many.
    pub async fn prune_idempotency_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let deleted = idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::CreatedAt.lt(db_time(before)))
            .exec(&self.write)
            .await?;
        Ok(deleted.rows_affected)
    }
}
