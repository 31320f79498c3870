//! Changing an order under its row lock.
//!
//! `lock_order` begins a transaction whose first statement locks and reads the row at once:
//! `UPDATE orders SET version = version + 1 WHERE id = $1 RETURNING *`. On PostgreSQL that row
//! lock is held until commit, so a second `lock_order` of the same order waits there and then
//! reads the snapshot the first one committed. On SQLite the same write takes the database write
//! lock immediately (this process has one writer connection; another process, such as the admin
//! CLI, waits up to the busy timeout); starting with a read instead would let two connections
//! hold read snapshots and then fail to upgrade. The save is one [`Batch`] and the commit; on a
//! SQLite file BEGIN travels with the lock and COMMIT with the save (`write_tx`).
//! Dropping a [`LockedOrder`] without committing rolls back.

use chrono::{DateTime, Utc};
use domain::{Order, OrderId, PaymentRequestId};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveValue, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait, Set, UpdateMany,
};

use super::super::batch::Batch;
use super::super::entities::{admin_intents, inbox as inbox_rows, orders};
use super::super::error::StoreError;
use super::super::inbox::InboxOutcome;
use super::super::intents::{self, Intent};
use super::super::store::Store;
use super::super::time::{db_time, db_time_opt};
use super::super::timeline::TimelineEntry;
use super::super::write_tx::WriteTx;
use super::super::{inbox, timeline};
use super::projections;
use super::stored::{snapshot_json, stored_order, StoredOrder};

/// An order read inside a transaction that holds its row lock.
#[derive(Debug)]
pub struct LockedOrder {
    tx: WriteTx,
    pub stored: StoredOrder,
    /// The snapshot as read: what the projections in the database describe.
    before: Order,
    /// The outcome of the inbox delivery being applied, written with the save.
    inbox_outcome: Option<UpdateMany<inbox_rows::Entity>>,
    /// An ops intent recorded with the save.
    intent: Option<admin_intents::ActiveModel>,
}

impl Store {
    /// Locks the order row and reads it. `None` (and nothing held) when there is no such order.
    pub async fn lock_order(&self, id: &OrderId) -> Result<Option<LockedOrder>, StoreError> {
        self.lock_order_where(orders::Column::Id.eq(id.as_str())).await
    }

    /// [`Store::lock_order`] by the order's paymentRequestId (unique), as Antom's payment
    /// notifications name it.
    pub async fn lock_order_by_payment_request_id(
        &self,
        payment_request_id: &PaymentRequestId,
    ) -> Result<Option<LockedOrder>, StoreError> {
        self.lock_order_where(orders::Column::PaymentRequestId.eq(payment_request_id.as_str()))
            .await
    }

    /// The lock and the read are one statement: `UPDATE … SET version = version + 1 WHERE …
    /// RETURNING *`. `condition` matches at most one row (a primary or unique key).
    async fn lock_order_where(&self, condition: SimpleExpr) -> Result<Option<LockedOrder>, StoreError> {
        let lock = orders::Entity::update_many()
            .col_expr(orders::Column::Version, Expr::col(orders::Column::Version).add(1))
            .filter(condition)
            .into_query()
            .returning_all()
            .to_owned();
        let (tx, mut rows) = self.begin_write(self.backend().build(&lock)).await?;
        let (Some(row), true) = (rows.pop(), rows.is_empty()) else {
            tx.rollback().await?;
            return Ok(None);
        };
        let stored = stored_order(orders::Model::from_query_result(&row, "")?)?;
        Ok(Some(LockedOrder {
            tx,
            before: stored.order.clone(),
            stored,
            inbox_outcome: None,
            intent: None,
        }))
    }
}

impl LockedOrder {
    pub fn order(&self) -> &Order {
        &self.stored.order
    }

    pub fn order_mut(&mut self) -> &mut Order {
        &mut self.stored.order
    }

    /// Saves the order and commits: the snapshot and the columns derived from it (status,
    /// `review_required`, payment id, expiry times), the projections, and `timeline`.
    ///
    /// `next_check_at` is written as given (`None`: nothing for the reconciler to do);
    /// `check_attempts` is kept when `None`. Returns the order as now stored, so callers
    /// need not read it again.
    pub async fn commit(
        self,
        timeline: &[TimelineEntry],
        next_check_at: Option<DateTime<Utc>>,
        check_attempts: Option<i32>,
    ) -> Result<StoredOrder, StoreError> {
        let LockedOrder {
            tx,
            mut stored,
            before,
            inbox_outcome,
            intent,
        } = self;
        let order = &stored.order;
        let now = Utc::now();
        let row = orders::ActiveModel {
            status: Set(order.status().as_str().to_owned()),
            snapshot: Set(snapshot_json(order)?),
            review_required: Set(!order.review().is_empty()),
            payment_id: Set(order.payment().payment_id.clone()),
            session_expires_at: Set(db_time_opt(order.session_expires_at())),
            auth_expires_at: Set(db_time_opt(order.payment().auth_expires_at)),
            next_check_at: Set(db_time_opt(next_check_at)),
            check_attempts: check_attempts.map_or(ActiveValue::NotSet, Set),
            updated_at: Set(db_time(now)),
            ..Default::default()
        };
        let mut batch = Batch::new(tx.backend());
        batch.push(
            orders::Entity::update_many()
                .set(row)
                .filter(orders::Column::Id.eq(order.id().as_str())),
        );
        projections::stage(&mut batch, Some(&before), order, now);
        timeline::stage(&mut batch, order.id(), timeline);
        if let Some(update) = inbox_outcome {
            batch.push(update);
        }
        if let Some(intent) = intent {
            batch.push(admin_intents::Entity::insert(intent));
        }
        tx.commit_with(batch).await?;
        stored.review_required = !stored.order.review().is_empty();
        stored.next_check_at = next_check_at;
        stored.check_attempts = check_attempts.unwrap_or(stored.check_attempts);
        stored.updated_at = now;
        Ok(stored)
    }

    /// Records what handling an inbox delivery did (see [`Store::set_inbox_outcome`]), written
    /// by [`LockedOrder::commit`] with the change: the outcome commits or rolls back with it.
    pub fn set_inbox_outcome(&mut self, inbox_id: i64, outcome: InboxOutcome, detail: Option<&str>) {
        let order_id = self.stored.order.id();
        self.inbox_outcome = Some(inbox::outcome_update(inbox_id, Some(order_id), outcome, detail));
    }

    /// The ops intents of `action` on this order since `since`, or with `key_hash` (any age),
    /// newest first: read under the lock, so an intent committed before it is seen.
    pub async fn intents(
        &mut self,
        action: &str,
        since: DateTime<Utc>,
        key_hash: Option<&str>,
    ) -> Result<Vec<Intent>, StoreError> {
        intents::find(&mut self.tx, self.stored.order.id(), action, since, key_hash).await
    }

    /// Records an ops intent, written by [`LockedOrder::commit`] with the change.
    pub fn record_intent(&mut self, intent: &Intent) {
        self.intent = Some(intents::row(self.stored.order.id(), intent));
    }

    /// Releases the lock without saving anything.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}
