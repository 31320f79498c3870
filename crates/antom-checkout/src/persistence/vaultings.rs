//! Vaulting attempts: stored before Antom is asked (so the worker can always find them), then
//! settled under a row lock exactly like orders: [`Store::lock_vaulting`] starts a transaction
//! whose first statement is a write to the row (PostgreSQL row lock; SQLite write lock), the
//! caller decides with `domain::VaultingAttempt`, and [`LockedVaulting::commit`] writes the
//! result, and on success the card, in the same transaction. `saved_cards.vaulting_request_id`
//! is unique: the last line of defence against one vaulting giving two cards.
//!
//! The worker claims due vaultings like orders (`claims.rs`): a conditional update of
//! `next_check_at` that exactly one replica wins.

use chrono::{DateTime, Duration, Utc};
use domain::{CardId, RecordStatus, VaultingRequestId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait, Set};

use super::batch::Batch;
use super::cards::NewCard;
use super::entities::{saved_cards, vaultings};
use super::error::StoreError;
use super::store::Store;
use super::time::{db_time, db_time_opt};
use super::write_tx::WriteTx;

/// A vaulting to store before calling Antom.
#[derive(Debug, Clone, Copy)]
pub struct NewVaulting<'a> {
    pub request_id: &'a VaultingRequestId,
    pub buyer_id: &'a str,
    pub now: DateTime<Utc>,
    /// When the worker should first inquire, should no result arrive.
    pub next_check_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVaulting {
    pub request_id: VaultingRequestId,
    pub buyer_id: String,
    pub status: RecordStatus,
    pub card_id: Option<CardId>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_check_at: Option<DateTime<Utc>>,
    pub check_attempts: i32,
}

/// What a settled (or still open) vaulting becomes.
#[derive(Debug)]
pub enum VaultingUpdate {
    /// SUCCESS, with the card to insert.
    Vaulted(NewCard),
    /// FAIL with Antom's code and message.
    Failed { code: String, message: String },
    /// Still PROCESSING: look again then.
    Recheck {
        next_check_at: DateTime<Utc>,
        check_attempts: i32,
    },
}

/// A vaulting read inside a transaction that holds its row lock.
#[derive(Debug)]
pub struct LockedVaulting {
    tx: WriteTx,
    pub stored: StoredVaulting,
}

fn parse_status(raw: &str) -> Result<RecordStatus, StoreError> {
    match raw {
        "PROCESSING" => Ok(RecordStatus::Processing),
        "SUCCESS" => Ok(RecordStatus::Success),
        "FAIL" => Ok(RecordStatus::Fail),
        other => Err(StoreError::CorruptSnapshot(format!("vaulting status {other:?}"))),
    }
}

/// An id read from the database (written from a checked id, so it parses).
fn parse_id<T, E: std::fmt::Display>(parse: fn(&str) -> Result<T, E>, raw: &str) -> Result<T, StoreError> {
    parse(raw).map_err(|e| StoreError::CorruptSnapshot(format!("id {raw:?}: {e}")))
}

fn from_row(row: vaultings::Model) -> Result<StoredVaulting, StoreError> {
    Ok(StoredVaulting {
        status: parse_status(&row.status)?,
        request_id: parse_id(VaultingRequestId::parse, &row.vaulting_request_id)?,
        buyer_id: row.buyer_id,
        card_id: row
            .card_id
            .as_deref()
            .map(|id| parse_id(CardId::parse, id))
            .transpose()?,
        failure_code: row.failure_code,
        failure_message: row.failure_message,
        created_at: row.created_at,
        next_check_at: row.next_check_at,
        check_attempts: row.check_attempts,
    })
}

impl Store {
    /// Stores a PROCESSING vaulting. A reused id is [`StoreError::Conflict`].
    pub async fn insert_vaulting(&self, new: NewVaulting<'_>) -> Result<(), StoreError> {
        let now = db_time(new.now);
        let row = vaultings::ActiveModel {
            vaulting_request_id: Set(new.request_id.as_str().to_owned()),
            buyer_id: Set(new.buyer_id.to_owned()),
            status: Set(RecordStatus::Processing.as_str().to_owned()),
            card_id: Set(None),
            failure_code: Set(None),
            failure_message: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            next_check_at: Set(Some(db_time(new.next_check_at))),
            check_attempts: Set(0),
        };
        vaultings::Entity::insert(row)
            .exec_without_returning(&self.write)
            .await?;
        Ok(())
    }

    pub async fn vaulting(
        &self,
        request_id: &VaultingRequestId,
    ) -> Result<Option<StoredVaulting>, StoreError> {
        vaultings::Entity::find_by_id(request_id.as_str())
            .one(&self.read)
            .await?
            .map(from_row)
            .transpose()
    }

    /// Locks the vaulting row and reads it, in one `UPDATE … RETURNING *` as orders are locked;
    /// `None` (nothing held) when there is none.
    pub async fn lock_vaulting(
        &self,
        request_id: &VaultingRequestId,
    ) -> Result<Option<LockedVaulting>, StoreError> {
        let lock = vaultings::Entity::update_many()
            .col_expr(vaultings::Column::UpdatedAt, Expr::value(db_time(Utc::now())))
            .filter(vaultings::Column::VaultingRequestId.eq(request_id.as_str()))
            .into_query()
            .returning_all()
            .to_owned();
        let (tx, mut rows) = self.begin_write(self.backend().build(&lock)).await?;
        let Some(row) = rows.pop() else {
            tx.rollback().await?;
            return Ok(None);
        };
        Ok(Some(LockedVaulting {
            tx,
            stored: from_row(vaultings::Model::from_query_result(&row, "")?)?,
        }))
    }

    /// Claims up to `limit` vaultings whose check is due, for `lease` (as orders are claimed).
    pub async fn claim_due_vaultings(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<VaultingRequestId>, StoreError> {
        let claimed = super::claims::claim_due::<vaultings::Entity>(
            &self.write,
            vaultings::Column::VaultingRequestId,
            vaultings::Column::NextCheckAt,
            now,
            lease,
            limit,
        )
        .await?;
        claimed
            .iter()
            .map(|id| parse_id(VaultingRequestId::parse, id))
            .collect()
    }
}

impl LockedVaulting {
    /// Writes `update` (and the card it brings) and commits.
    pub async fn commit(self, update: VaultingUpdate) -> Result<(), StoreError> {
        let LockedVaulting { tx, stored } = self;
        let now = Utc::now();
        let mut batch = Batch::new(tx.backend());
        let mut row = vaultings::ActiveModel {
            updated_at: Set(db_time(now)),
            ..Default::default()
        };
        match update {
            VaultingUpdate::Vaulted(card) => {
                row.status = Set(RecordStatus::Success.as_str().to_owned());
                row.card_id = Set(Some(card.id.as_str().to_owned()));
                row.next_check_at = Set(None);
                batch.push(saved_cards::Entity::insert(card.row(
                    &stored.buyer_id,
                    &stored.request_id,
                    now,
                )));
            }
            VaultingUpdate::Failed { code, message } => {
                row.status = Set(RecordStatus::Fail.as_str().to_owned());
                row.failure_code = Set(Some(code));
                row.failure_message = Set(Some(message));
                row.next_check_at = Set(None);
            }
            VaultingUpdate::Recheck {
                next_check_at,
                check_attempts,
            } => {
                row.next_check_at = Set(db_time_opt(Some(next_check_at)));
                row.check_attempts = Set(check_attempts);
            }
        }
        batch.push(
            vaultings::Entity::update_many()
                .set(row)
                .filter(vaultings::Column::VaultingRequestId.eq(stored.request_id.as_str())),
        );
        tx.commit_with(batch).await?;
        Ok(())
    }

    /// Releases the lock without writing.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}
