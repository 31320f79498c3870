//! Ops actions: capture, cancel, refund, sync.
//!
//! Every action follows the same order, which is what makes a retry after a crash or timeout
//! safe: (1) under the order lock, validate the command in the domain and record the
//! `*Requested` event with a fresh request id, and commit — the id is stored before Antom
//! hears of it; (2) call Antom with that id; (3) apply the answer through the locked sync path.
//! An unknown answer leaves the record PROCESSING; the reconciler finishes it with the same id.
//!
//! Step (1) also applies the double-click rule (`intents`): a request identical to one recorded
//! under the same lock moments earlier (or carrying the same `Idempotency-Key`) records
//! nothing and is answered with that request's result, so double clicks, two operators and two
//! replicas reach Antom once, and so does a retry after a replica died mid-request. Refused
//! actions (409, 422) are written to the order's timeline too.

use chrono::Utc;
use domain::{
    CancelRequestId, CaptureRequestId, CommandError, Event, Money, OrderId, RecordStatus, RefundRequestId,
};
use serde::Serialize;
use serde_json::json;

pub mod send;

use send::{send_cancel, send_capture, send_refund};

use super::error::ServiceError;
use super::inquiry::{inquire_payment, inquire_refunds, InquiryResult};
use super::intents::{self, Action, Wanted};
use super::order_sync::Schedule;
use crate::persistence::{LockedOrder, StoredOrder, TimelineEntry};
use crate::state::AppState;

/// How long a repeated request waits for the first one's answer from Antom before it answers
/// with the record as it stands (still PROCESSING, settled later by the reconciler).
const REPEAT_WAIT: std::time::Duration = std::time::Duration::from_secs(12);

/// `{"capture": {"captureRequestId", "status", "amount"}}` inner object.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureView {
    pub capture_request_id: String,
    pub status: &'static str,
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelView {
    pub cancel_request_id: String,
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    pub refund_request_id: String,
    pub status: &'static str,
    pub amount: Money,
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn lock(state: &AppState, order_id: &OrderId) -> Result<LockedOrder, ServiceError> {
    state
        .store
        .lock_order(order_id)
        .await?
        .ok_or(ServiceError::OrderNotFound)
}

/// Refuses (rolling back) or records the request and its intent, and commits: step (1) above.
async fn record_request(
    mut locked: LockedOrder,
    event: Event,
    actor: &str,
    details: serde_json::Value,
    intent: &crate::persistence::Intent,
) -> Result<StoredOrder, ServiceError> {
    let now = Utc::now();
    if let Err(e) = locked.order_mut().apply(&event) {
        locked.rollback().await?;
        return Err(ServiceError::InvalidState(format!(
            "{} was refused: {e}",
            event.kind()
        )));
    }
    locked.record_intent(intent);
    // The domain event itself goes with the ops details, as every applied fact's entry does,
    // so the timeline alone replays into the order (the soak's ledger check does).
    let mut details = details;
    details["event"] = json!(event);
    let entry = TimelineEntry {
        at: now,
        event_type: event.kind().to_owned(),
        actor: actor.to_owned(),
        details,
    };
    let next = locked.order().next_check_at(now, 0);
    Ok(locked.commit(&[entry], next, Some(0)).await?)
}

/// What the double-click rule decided for a request, under the order's lock.
enum Step {
    /// Go ahead: nothing identical was recorded before.
    New(Box<LockedOrder>),
    /// The request repeats the one that recorded this request id.
    Repeat(String),
}

/// Applies the double-click rule under the lock: rolls back and names the earlier request when
/// this one repeats it.
async fn check_repeat(
    mut locked: LockedOrder,
    wanted: &Wanted,
    now: chrono::DateTime<Utc>,
) -> Result<Step, ServiceError> {
    let prior = locked
        .intents(
            wanted.action.as_str(),
            now - intents::WINDOW,
            wanted.key_hash.as_deref(),
        )
        .await?;
    match intents::repeated(&prior, wanted, now) {
        Ok(None) => Ok(Step::New(Box::new(locked))),
        Ok(Some(intent)) => {
            let request_id = intent.request_id.clone();
            locked.rollback().await?;
            Ok(Step::Repeat(request_id))
        }
        Err(e) => {
            locked.rollback().await?;
            let _: intents::KeyReused = e;
            Err(ServiceError::KeyReused)
        }
    }
}

/// Rolls back a refused action, writes the refusal to the order's timeline, and returns it.
async fn refuse(
    state: &AppState,
    locked: LockedOrder,
    action: Action,
    actor: &str,
    error: CommandError,
    details: serde_json::Value,
) -> Result<ServiceError, ServiceError> {
    let order_id = locked.order().id().clone();
    locked.rollback().await?;
    let mut details = details;
    details["action"] = json!(action.as_str());
    details["code"] = json!(error.code());
    details["message"] = json!(error.to_string());
    let entry = TimelineEntry {
        at: Utc::now(),
        event_type: "ADMIN_ACTION_REFUSED".into(),
        actor: actor.to_owned(),
        details,
    };
    state.store.append_timeline(&order_id, &[entry]).await?;
    Ok(ServiceError::Command(error))
}

/// Waits (bounded) until `settled` says the record the earlier request made has an answer from
/// Antom, and returns the order as it then is.
async fn await_settled(
    state: &AppState,
    order_id: &OrderId,
    settled: impl Fn(&StoredOrder) -> bool,
) -> Result<StoredOrder, ServiceError> {
    let deadline = tokio::time::Instant::now() + REPEAT_WAIT;
    loop {
        let stored = state
            .store
            .order(order_id)
            .await?
            .ok_or(ServiceError::OrderNotFound)?;
        if settled(&stored) || tokio::time::Instant::now() >= deadline {
            return Ok(stored);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn capture(
    state: &AppState,
    order_id: &OrderId,
    amount: Option<Money>,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<CaptureView, ServiceError> {
    let now = Utc::now();
    let wanted = Wanted::new(Action::Capture, amount, idempotency_key);
    let locked = match check_repeat(lock(state, order_id).await?, &wanted, now).await? {
        Step::New(locked) => *locked,
        Step::Repeat(request_id) => {
            let id = CaptureRequestId::parse(&request_id).map_err(ServiceError::inconsistent)?;
            return repeated_capture(state, order_id, &id).await;
        }
    };
    let prepared = locked.order().prepare_capture(amount, now);
    let amount = match prepared {
        Ok(amount) => amount,
        Err(e) => {
            let details = json!({ "amount": amount });
            return Err(refuse(state, locked, Action::Capture, actor, e, details).await?);
        }
    };
    let request_id = CaptureRequestId::parse(&new_id()).expect("uuid is a valid id");
    let event = Event::CaptureRequested {
        request_id: request_id.clone(),
        amount,
        at: now,
    };
    let stored = record_request(
        locked,
        event,
        actor,
        json!({"captureRequestId": request_id.as_str(), "amount": amount}),
        &wanted.intent(request_id.as_str(), actor, now),
    )
    .await?;
    let stored = send_capture(state, &stored, &request_id, amount).await?;
    capture_view(&stored, &request_id)
}

/// The answer to a capture request that repeats an earlier one: that capture, once Antom
/// answered it.
async fn repeated_capture(
    state: &AppState,
    order_id: &OrderId,
    id: &CaptureRequestId,
) -> Result<CaptureView, ServiceError> {
    let stored = await_settled(state, order_id, |stored| {
        stored
            .order
            .captures()
            .iter()
            .any(|c| &c.request_id == id && c.status != RecordStatus::Processing)
    })
    .await?;
    capture_view(&stored, id)
}

fn capture_view(stored: &StoredOrder, id: &CaptureRequestId) -> Result<CaptureView, ServiceError> {
    let capture = stored
        .order
        .captures()
        .iter()
        .find(|c| &c.request_id == id)
        .ok_or_else(|| ServiceError::inconsistent("capture record vanished"))?;
    Ok(CaptureView {
        capture_request_id: id.as_str().to_owned(),
        status: capture.status.as_str(),
        amount: capture.amount.unwrap_or_else(|| stored.order.total()),
    })
}

pub async fn cancel(
    state: &AppState,
    order_id: &OrderId,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<CancelView, ServiceError> {
    let now = Utc::now();
    let wanted = Wanted::new(Action::Cancel, None, idempotency_key);
    let locked = match check_repeat(lock(state, order_id).await?, &wanted, now).await? {
        Step::New(locked) => *locked,
        Step::Repeat(request_id) => {
            let stored = await_settled(state, order_id, |stored| {
                stored.order.cancel().is_none_or(|c| {
                    c.request_id.as_str() != request_id || c.status != RecordStatus::Processing
                })
            })
            .await?;
            return Ok(cancel_view(&stored, &request_id));
        }
    };
    if let Err(e) = locked.order().prepare_cancel(now) {
        return Err(refuse(state, locked, Action::Cancel, actor, e, json!({})).await?);
    }
    let request_id = CancelRequestId::parse(&new_id()).expect("uuid is a valid id");
    let event = Event::CancelRequested {
        request_id: request_id.clone(),
    };
    let stored = record_request(
        locked,
        event,
        actor,
        json!({"cancelRequestId": request_id.as_str()}),
        &wanted.intent(request_id.as_str(), actor, now),
    )
    .await?;
    let stored = send_cancel(state, &stored, &request_id).await?;
    Ok(cancel_view(&stored, request_id.as_str()))
}

fn cancel_view(stored: &StoredOrder, request_id: &str) -> CancelView {
    let status = stored
        .order
        .cancel()
        .filter(|c| c.request_id.as_str() == request_id)
        .map_or("PROCESSING", |c| c.status.as_str());
    CancelView {
        cancel_request_id: request_id.to_owned(),
        status,
    }
}

pub async fn refund(
    state: &AppState,
    order_id: &OrderId,
    amount: Money,
    reason: Option<String>,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<RefundView, ServiceError> {
    if reason.as_ref().is_some_and(|r| r.chars().count() > 256) {
        return Err(ServiceError::invalid("reason is at most 256 characters"));
    }
    let now = Utc::now();
    let wanted = Wanted::new(Action::Refund, Some(amount), idempotency_key);
    let locked = match check_repeat(lock(state, order_id).await?, &wanted, now).await? {
        Step::New(locked) => *locked,
        Step::Repeat(request_id) => {
            let stored = await_settled(state, order_id, |stored| {
                stored
                    .order
                    .refunds()
                    .iter()
                    .any(|r| r.request_id.as_str() == request_id && r.status != RecordStatus::Processing)
            })
            .await?;
            return Ok(refund_view(&stored, &request_id, amount));
        }
    };
    let amount = match locked.order().prepare_refund(amount, now) {
        Ok(amount) => amount,
        Err(e) => {
            let details = json!({ "amount": amount, "reason": reason });
            return Err(refuse(state, locked, Action::Refund, actor, e, details).await?);
        }
    };
    let request_id = RefundRequestId::parse(&new_id()).expect("uuid is a valid id");
    let event = Event::RefundRequested {
        request_id: request_id.clone(),
        amount,
        reason: reason.clone(),
        at: now,
    };
    let details = json!({"refundRequestId": request_id.as_str(), "amount": amount, "reason": reason});
    let intent = wanted.intent(request_id.as_str(), actor, now);
    let stored = record_request(locked, event, actor, details, &intent).await?;
    let stored = send_refund(state, &stored, &request_id, amount, reason.as_deref()).await?;
    Ok(refund_view(&stored, request_id.as_str(), amount))
}

fn refund_view(stored: &StoredOrder, request_id: &str, requested: Money) -> RefundView {
    let refund = stored
        .order
        .refunds()
        .iter()
        .find(|r| r.request_id.as_str() == request_id);
    RefundView {
        refund_request_id: request_id.to_owned(),
        status: refund.map_or("PROCESSING", |r| r.status.as_str()),
        amount: refund.and_then(|r| r.amount).unwrap_or(requested),
    }
}

/// Inquires Antom now about the payment, its captures, cancel and refunds, and applies the answers.
/// Returns the order as the answers left it.
pub async fn sync(state: &AppState, order_id: &OrderId, actor: &str) -> Result<StoredOrder, ServiceError> {
    let stored = state
        .store
        .order(order_id)
        .await?
        .ok_or(ServiceError::OrderNotFound)?;
    let stored = match inquire_payment(state, &stored, actor, Schedule::Keep).await? {
        InquiryResult::Applied(report) => report.order,
        InquiryResult::NotAtAntom | InquiryResult::NoAnswer { .. } | InquiryResult::NoOrder => stored,
    };
    inquire_refunds(state, stored, actor).await
}
