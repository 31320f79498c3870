//! What the metrics' gauges read from the database: how far behind the reconciler is, how many
//! verified notifications wait to be applied, and the open authorizations (by age, and those
//! lapsing within a day: captures at risk). Read every few seconds by `services::ops_gauges`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::{inbox, orders};
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

/// The snapshot the gauges show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsSnapshot {
    /// Seconds since the oldest order check fell due (0 when none is due).
    pub reconciler_lag_secs: f64,
    /// Verified notifications with no outcome yet.
    pub inbox_backlog: u64,
    /// Authorized, not captured or voided: (age bucket label, count), every bucket present.
    pub open_authorizations: Vec<(&'static str, u64)>,
    /// Open authorizations that lapse within 24 hours.
    pub expiring_within_24h: u64,
}

/// Age buckets of open authorizations: (label, upper bound in hours).
pub const AGE_BUCKETS: [(&str, i64); 4] = [("lt_1d", 24), ("1d_3d", 72), ("3d_7d", 168), ("ge_7d", i64::MAX)];

impl Store {
    pub async fn ops_snapshot(&self, now: DateTime<Utc>) -> Result<OpsSnapshot, StoreError> {
        let oldest_due: Option<Option<DateTime<Utc>>> = orders::Entity::find()
            .select_only()
            .column(orders::Column::NextCheckAt)
            .filter(orders::Column::NextCheckAt.lte(db_time(now)))
            .order_by_asc(orders::Column::NextCheckAt)
            .limit(1)
            .into_tuple()
            .one(&self.read)
            .await?;
        let reconciler_lag_secs = oldest_due
            .flatten()
            .map(|due| (now - due).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        let inbox_backlog = inbox::Entity::find()
            .filter(inbox::Column::Verdict.eq("VERIFIED"))
            .filter(inbox::Column::Outcome.is_null())
            .count(&self.read)
            .await?;
        let open: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = orders::Entity::find()
            .select_only()
            .column(orders::Column::CreatedAt)
            .column(orders::Column::AuthExpiresAt)
            .filter(orders::Column::Status.eq(domain::OrderStatus::Authorized.as_str()))
            .into_tuple()
            .all(&self.read)
            .await?;
        let mut buckets: Vec<(&'static str, u64)> = AGE_BUCKETS.iter().map(|(l, _)| (*l, 0)).collect();
        let mut expiring_within_24h = 0;
        for (created_at, expires_at) in open {
            let age_hours = (now - created_at).num_hours();
            let index = AGE_BUCKETS
                .iter()
                .position(|(_, bound)| age_hours < *bound)
                .unwrap_or(AGE_BUCKETS.len() - 1);
            buckets[index].1 += 1;
            if expires_at.is_some_and(|at| at <= now + Duration::hours(24)) {
                expiring_within_24h += 1;
            }
        }
        Ok(OpsSnapshot {
            reconciler_lag_secs,
            inbox_backlog,
            open_authorizations: buckets,
            expiring_within_24h,
        })
    }
}
