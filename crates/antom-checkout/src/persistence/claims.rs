//! Claiming reconciliation work so that several server replicas on one database never process
//! the same order at the same time.
//!
//! A claim is a conditional update that moves the order's `next_check_at` a lease into the
//! future only if it still holds the due value we read: exactly one replica's update matches
//! (PostgreSQL row lock; SQLite's single writer), the others see zero rows and skip the order.
//! This is the portable equivalent of `SELECT … FOR UPDATE SKIP LOCKED`. If the claimant dies,
//! the lease expires and another replica picks the order up.

use chrono::{DateTime, Duration, Utc};
use domain::OrderId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::orders;
use super::error::StoreError;
use super::orders::stored_id;
use super::store::Store;
use super::time::db_time;

impl Store {
    /// Claims up to `limit` orders whose check is due, for `lease`. Returns their ids.
    pub async fn claim_due_orders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<OrderId>, StoreError> {
        let claimed = claim_due::<orders::Entity>(
            &self.write,
            orders::Column::Id,
            orders::Column::NextCheckAt,
            now,
            lease,
            limit,
        )
        .await?;
        claimed.into_iter().map(stored_id).collect()
    }

    /// Claims the right to inquire Antom about an order on a buyer's behalf: true for at most
    /// one caller per `interval` per order, whichever replica they reach.
    pub async fn claim_buyer_inquiry(
        &self,
        order_id: &OrderId,
        now: DateTime<Utc>,
        interval: Duration,
    ) -> Result<bool, StoreError> {
        let claimed = orders::Entity::update_many()
            .col_expr(orders::Column::BuyerInquiryAt, Expr::value(db_time(now)))
            .filter(orders::Column::Id.eq(order_id.as_str()))
            .filter(
                Condition::any()
                    .add(orders::Column::BuyerInquiryAt.is_null())
                    .add(orders::Column::BuyerInquiryAt.lte(db_time(now - interval))),
            )
            .exec(&self.write)
            .await?;
        Ok(claimed.rows_affected == 1)
    }
}

impl Store {
    /// Spends an order's single-use return token: true for exactly one caller presenting the
    /// right token (hex SHA-256 `token_hash`) while it is unspent.
    pub async fn spend_return_token(
        &self,
        order_id: &OrderId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let spent = orders::Entity::update_many()
            .col_expr(orders::Column::ReturnTokenUsedAt, Expr::value(db_time(now)))
            .filter(orders::Column::Id.eq(order_id.as_str()))
            .filter(orders::Column::ReturnTokenHash.eq(token_hash))
            .filter(orders::Column::ReturnTokenUsedAt.is_null())
            .exec(&self.write)
            .await?;
        Ok(spent.rows_affected == 1)
    }
}

/// The claim for any table with a string id and a `next_check_at` column.
pub(super) async fn claim_due<E: EntityTrait>(
    db: &DatabaseConnection,
    id: E::Column,
    next_check_at: E::Column,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<String>, StoreError> {
    let due: Vec<(String, Option<DateTime<Utc>>)> = E::find()
        .select_only()
        .column(id)
        .column(next_check_at)
        .filter(next_check_at.lte(db_time(now)))
        .order_by_asc(next_check_at)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for (row_id, seen) in due {
        let Some(seen) = seen else { continue };
        let result = E::update_many()
            .col_expr(next_check_at, Expr::value(db_time(now + lease)))
            .filter(id.eq(row_id.as_str()))
            .filter(next_check_at.eq(seen))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            claimed.push(row_id);
        }
    }
    Ok(claimed)
}
