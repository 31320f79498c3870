//! Refreshes the database-derived gauges (reconciler lag, inbox backlog, open authorizations by
//! age, authorizations lapsing within 24 h) every few seconds, so a scrape never queries the
//! database and scrapes cannot add load.

use std::time::Duration;

use chrono::Utc;

use crate::metrics::OpsGauges;
use crate::state::AppState;

/// How often the gauges are read from the database.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// Reads once now, then every [`INTERVAL`], until aborted.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            refresh(&state).await;
        }
    })
}

/// One read; a failure is logged and the previous values stay.
pub async fn refresh(state: &AppState) {
    match state.store.ops_snapshot(Utc::now()).await {
        Ok(snapshot) => state.metrics.set_ops_gauges(OpsGauges {
            reconciler_lag_secs: snapshot.reconciler_lag_secs,
            inbox_backlog: snapshot.inbox_backlog,
            open_authorizations: &snapshot.open_authorizations,
            expiring_within_24h: snapshot.expiring_within_24h,
        }),
        Err(e) => tracing::warn!(error = %e, "could not read the ops gauges"),
    }
}
