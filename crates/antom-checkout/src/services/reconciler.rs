//! The reconciliation worker: every `RECONCILE_INTERVAL_SECS` it claims the orders whose check
//! is due and asks Antom about whatever is still open, so a lost webhook never loses a payment:
//! payments still processing (inquiryPayment), captures and cancels still processing
//! (inquiryPayment transactions, then a resend of the identical request, which Antom's
//! idempotency makes safe), refunds still processing (inquiryRefund; a refund Antom has never
//! seen is resent with the same refundRequestId, one it is processing is never resent),
//! sessions Antom does not know once their expiry plus `ANTOM_CLOSE_WINDOW_SECS` has passed
//! (→ EXPIRED; a payment Antom knows is inquired until Antom settles it, however late),
//! automatic captures not yet seen (inquiryPayment transactions), authorizations past
//! `authExpiryTime` (always scheduled, so they are checked when they lapse); and
//! card vaultings still processing (inquireVaulting, `vaulting_sync`).
//! Every answer is applied through the same locked path as a webhook.
//!
//! Once a minute it also keeps the stores bounded (`housekeeping`): verified notifications
//! older than `INBOX_RETENTION_DAYS`, security events as old, idempotency keys and ops intents
//! older than a day; and it drops stale rate-limiter keys.

use chrono::{Duration, Utc};
use domain::{CaptureRequestId, Event, Money, OrderId, SessionTimes};

use super::error::ServiceError;
use super::inquiry::{inquire_payment, inquire_refunds, InquiryResult};
use super::ops::send::{send_cancel, send_capture};
use super::order_sync::{apply_events, Schedule};
use super::vaulting_sync;
use crate::state::AppState;

const ACTOR: &str = "worker:reconciler";
/// A claimed order is not handed to another replica for this long.
const LEASE_SECONDS: i64 = 60;
/// Orders looked at per round.
const BATCH: u64 = 50;

/// How often the worker prunes old rows and limiter keys.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs forever (until the task is aborted).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    let interval = state.settings.reconcile_interval;
    tokio::spawn(async move {
        let mut last_housekeeping: Option<tokio::time::Instant> = None;
        loop {
            tokio::time::sleep(interval).await;
            match run_once(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(checked = n, "reconciled"),
                Err(e) => tracing::warn!(error = %e, "reconciliation round failed"),
            }
            if last_housekeeping.is_none_or(|at| at.elapsed() >= HOUSEKEEPING_EVERY) {
                last_housekeeping = Some(tokio::time::Instant::now());
                if let Err(e) = housekeeping(&state, Utc::now()).await {
                    tracing::warn!(error = %e, "housekeeping failed");
                }
            }
        }
    })
}

/// What one housekeeping pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub inbox: u64,
    pub security_events: u64,
    pub idempotency_keys: u64,
    pub intents: u64,
}

/// Deletes what is past its retention at `now`, and drops stale rate-limiter keys.
pub async fn housekeeping(state: &AppState, now: chrono::DateTime<Utc>) -> Result<Pruned, ServiceError> {
    let retention = Duration::from_std(state.settings.inbox_retention).unwrap_or(Duration::days(90));
    let pruned = Pruned {
        inbox: state.store.prune_inbox(now - retention).await?,
        security_events: state.store.prune_security_events(now - retention).await?,
        idempotency_keys: state
            .store
            .prune_idempotency_keys(now - crate::persistence::KEY_TTL)
            .await?,
        intents: state.store.prune_intents(now - Duration::days(1)).await?,
    };
    state.limits.sweep();
    if pruned != Pruned::default() {
        tracing::info!(?pruned, "pruned old rows");
    }
    Ok(pruned)
}

/// One round: claim due orders and reconcile each, then the vaultings still processing past
/// their grace (inquireVaulting). Returns how many orders and vaultings were looked at.
pub async fn run_once(state: &AppState) -> Result<usize, ServiceError> {
    let now = Utc::now();
    let claimed = state
        .store
        .claim_due_orders(now, Duration::seconds(LEASE_SECONDS), BATCH)
        .await?;
    for order_id in &claimed {
        if let Err(e) = reconcile_order(state, order_id).await {
            tracing::warn!(order_id = order_id.as_str(), error = %e, "could not reconcile");
        }
    }
    let vaultings = vaulting_sync::reconcile_due(state, Duration::seconds(LEASE_SECONDS), BATCH).await?;
    Ok(claimed.len() + vaultings)
}

/// Brings one order as far towards its final state as Antom's answers allow.
pub async fn reconcile_order(state: &AppState, order_id: &OrderId) -> Result<(), ServiceError> {
    let Some(mut stored) = state.store.order(order_id).await? else {
        return Ok(());
    };
    // Until Antom says otherwise, it knows the payment: only its "no such payment" lets a
    // session be expired locally.
    let mut antom_knows_payment = true;
    if stored.order.open_at_antom().needs_payment_inquiry() {
        match inquire_payment(state, &stored, ACTOR, Schedule::Attempt).await? {
            InquiryResult::Applied(report) => stored = report.order,
            InquiryResult::NotAtAntom => antom_knows_payment = false,
            InquiryResult::NoAnswer { .. } | InquiryResult::NoOrder => {}
        }
    }
    let mut stored = inquire_refunds(state, stored, ACTOR).await?;

    // Whatever the inquiry could not settle is resent with the identical request id.
    let now = Utc::now();
    let open = stored.order.open_at_antom();
    let captures: Vec<(CaptureRequestId, Money)> = open
        .captures
        .iter()
        .filter_map(|c| c.amount.map(|amount| (c.request_id.clone(), amount)))
        .collect();
    let cancel = open.cancel.map(|c| c.request_id.clone());
    for (request_id, amount) in captures {
        stored = send_capture(state, &stored, &request_id, amount).await?;
    }
    if let Some(request_id) = cancel {
        stored = send_cancel(state, &stored, &request_id).await?;
    }

    let mut events = Vec::new();
    if stored
        .order
        .is_session_overdue(now, session_times(state), antom_knows_payment)
    {
        events.push(Event::SessionExpired { at: now });
    }
    if stored.order.is_authorization_overdue(now) {
        events.push(Event::AuthorizationExpired { at: now });
    }
    // Always apply (even nothing): it reschedules the next check with backoff.
    apply_events(&state.store, order_id, &events, ACTOR, now).await?;
    Ok(())
}

/// The session lifetime the server asks Antom for, and Antom's close window after it.
pub fn session_times(state: &AppState) -> SessionTimes {
    SessionTimes {
        validity: Duration::from_std(state.settings.payment_session_expiry).unwrap_or(Duration::hours(1)),
        close_window: Duration::from_std(state.settings.antom_close_window).unwrap_or(Duration::minutes(20)),
    }
}
