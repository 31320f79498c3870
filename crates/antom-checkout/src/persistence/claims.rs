//! Claiming reconciliation work so that several server replicas on one database never process
//! the same order at the same time.
//!
//! A claim is a conditional update that moves the order's `next_check_at` a lease into the
//! future only if it still holds the due value we read: exactly one replica's update matches
//! (PostgreSQL row lock; SQLite's single writer), the others see zero rows and skip the order.
//! This is the portable equivalent of `SELECT … FOR UPDATE SKIP LOCKED`. If the claimant dies,
//! the lease expires and another replica picks the order up.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::orders;
use super::{db_time, Store, StoreError};

impl Store {
    /// Claims up to `limit` orders whose check is due, for `lease`. Returns their ids.
    pub async fn claim_due_orders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<String>, StoreError> {
        let due: Vec<(String, Option<DateTime<Utc>>)> = orders::Entity::find()
            .select_only()
            .column(orders::Column::Id)
            .column(orders::Column::NextCheckAt)
            .filter(orders::Column::NextCheckAt.lte(db_time(now)))
            .order_by_asc(orders::Column::NextCheckAt)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for (id, seen) in due {
            let Some(seen) = seen else { continue };
            let result = orders::Entity::update_many()
                .col_expr(orders::Column::NextCheckAt, Expr::value(db_time(now + lease)))
                .filter(orders::Column::Id.eq(id.as_str()))
                .filter(orders::Column::NextCheckAt.eq(seen))
                .exec(&self.db)
                .await?;
            if result.rows_affected == 1 {
                claimed.push(id);
            }
        }
        Ok(claimed)
    }
}
