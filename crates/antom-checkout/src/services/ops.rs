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

use antom_client::model::{CancelRequest, CaptureRequest, RefundRequest};
use chrono::Utc;
use domain::{CancelRequestId, CaptureRequestId, CommandError, Event, Money, RecordStatus, RefundRequestId};
use serde::Serialize;
use serde_json::json;

use super::antom_facts;
use super::inquiry::inquire_payment;
use super::intents::{self, Action, Wanted};
use super::order_sync::{apply_facts, Schedule};
use crate::error::ApiError;
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

fn order_not_found() -> ApiError {
    ApiError::NotFound {
        code: "ORDER_NOT_FOUND",
    }
}

fn invalid_state(message: impl Into<String>) -> ApiError {
    ApiError::Conflict {
        code: "INVALID_STATE",
        message: message.into(),
    }
}

/// The contract's status and code for a refused command.
fn command_error(e: CommandError) -> ApiError {
    let message = e.to_string();
    match e.code() {
        "INVALID_STATE" => invalid_state(message),
        "AMOUNT_EXCEEDS_AUTHORIZED" => ApiError::Unprocessable {
            code: "AMOUNT_EXCEEDS_AUTHORIZED",
            message,
        },
        "AMOUNT_EXCEEDS_CAPTURED" => ApiError::Unprocessable {
            code: "AMOUNT_EXCEEDS_CAPTURED",
            message,
        },
        "CURRENCY_MISMATCH" => ApiError::Unprocessable {
            code: "CURRENCY_MISMATCH",
            message,
        },
        _ => ApiError::Unprocessable {
            code: "INVALID_AMOUNT",
            message,
        },
    }
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn lock(state: &AppState, order_id: &str) -> Result<LockedOrder, ApiError> {
    if order_id.len() > 64 {
        return Err(order_not_found());
    }
    state
        .store
        .lock_order(order_id)
        .await?
        .ok_or_else(order_not_found)
}

/// Refuses (rolling back) or records the request and its intent, and commits: step (1) above.
async fn record_request(
    mut locked: LockedOrder,
    event: Event,
    actor: &str,
    details: serde_json::Value,
    intent: &crate::persistence::Intent,
) -> Result<StoredOrder, ApiError> {
    let now = Utc::now();
    if let Err(e) = locked.order_mut().apply(&event) {
        locked.rollback().await?;
        return Err(invalid_state(format!("{} was refused: {e}", event.kind())));
    }
    locked.record_intent(intent);
    let entry = TimelineEntry {
        at: now,
        event_type: event.kind().to_owned(),
        actor: actor.to_owned(),
        details,
    };
    let next = locked.order().next_check_at(now, 0);
    let stored = locked.stored.clone();
    let mut stored = StoredOrder {
        order: locked.order().clone(),
        ..stored
    };
    stored.next_check_at = next;
    locked.commit(&[entry], next, Some(0)).await?;
    Ok(stored)
}

fn payment_id(stored: &StoredOrder) -> Result<String, ApiError> {
    stored
        .order
        .payment()
        .payment_id
        .clone()
        .ok_or_else(|| invalid_state("Antom's paymentId is not known yet; sync the order first"))
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
    locked: LockedOrder,
    wanted: &Wanted,
    now: chrono::DateTime<Utc>,
) -> Result<Step, ApiError> {
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
            Err(ApiError::Conflict {
                code: "IDEMPOTENCY_KEY_REUSED",
                message: e.to_string(),
            })
        }
    }
}

/// Rolls back a refused action, writes the refusal to the order's timeline, and returns it.
async fn refuse(
    state: &AppState,
    locked: LockedOrder,
    action: Action,
    actor: &str,
    error: ApiError,
    details: serde_json::Value,
) -> Result<ApiError, ApiError> {
    let order_id = locked.order().id().as_str().to_owned();
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
    Ok(error)
}

/// Waits (bounded) until `settled` says the record the earlier request made has an answer from
/// Antom, and returns the order as it then is.
async fn await_settled(
    state: &AppState,
    order_id: &str,
    settled: impl Fn(&StoredOrder) -> bool,
) -> Result<StoredOrder, ApiError> {
    let deadline = tokio::time::Instant::now() + REPEAT_WAIT;
    loop {
        let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
        if settled(&stored) || tokio::time::Instant::now() >= deadline {
            return Ok(stored);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn capture(
    state: &AppState,
    order_id: &str,
    amount: Option<Money>,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<CaptureView, ApiError> {
    let now = Utc::now();
    let wanted = Wanted::new(Action::Capture, amount, idempotency_key);
    let locked = match check_repeat(lock(state, order_id).await?, &wanted, now).await? {
        Step::New(locked) => *locked,
        Step::Repeat(request_id) => {
            let id = CaptureRequestId::parse(&request_id).map_err(|e| ApiError::Internal(e.into()))?;
            return repeated_capture(state, order_id, &id).await;
        }
    };
    let prepared = locked.order().prepare_capture(amount, now).map_err(command_error);
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
    send_capture(state, order_id, &stored, &request_id, amount).await?;
    capture_view(state, order_id, &request_id).await
}

/// The answer to a capture request that repeats an earlier one: that capture, once Antom
/// answered it.
async fn repeated_capture(
    state: &AppState,
    order_id: &str,
    id: &CaptureRequestId,
) -> Result<CaptureView, ApiError> {
    await_settled(state, order_id, |stored| {
        stored
            .order
            .captures()
            .iter()
            .any(|c| &c.request_id == id && c.status != RecordStatus::Processing)
    })
    .await?;
    capture_view(state, order_id, id).await
}

/// Step (2) and (3) of a capture; also the reconciler's resend with the same id.
pub async fn send_capture(
    state: &AppState,
    order_id: &str,
    stored: &StoredOrder,
    request_id: &CaptureRequestId,
    amount: Money,
) -> Result<(), ApiError> {
    let request = CaptureRequest::new(
        request_id.as_str().to_owned(),
        payment_id(stored)?,
        antom_facts::amount(amount),
    );
    let outcome = state.antom.send(&request).await;
    let facts = antom_facts::capture_outcome(request_id, amount, &outcome, Utc::now());
    apply_facts(
        &state.store,
        order_id,
        &facts,
        "antom:capture",
        Utc::now(),
        Schedule::Attempt,
    )
    .await?;
    Ok(())
}

async fn capture_view(
    state: &AppState,
    order_id: &str,
    id: &CaptureRequestId,
) -> Result<CaptureView, ApiError> {
    let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
    let capture = stored
        .order
        .captures()
        .iter()
        .find(|c| &c.request_id == id)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("capture record vanished")))?;
    Ok(CaptureView {
        capture_request_id: id.as_str().to_owned(),
        status: capture.status.as_str(),
        amount: capture.amount.unwrap_or_else(|| stored.order.total()),
    })
}

pub async fn cancel(
    state: &AppState,
    order_id: &str,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<CancelView, ApiError> {
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
    if let Err(e) = locked.order().prepare_cancel(now).map_err(command_error) {
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
    send_cancel(state, order_id, &stored, &request_id).await?;
    let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
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

/// Cancel carries no idempotency key at Antom; it is idempotent by nature, so resending is safe.
pub async fn send_cancel(
    state: &AppState,
    order_id: &str,
    stored: &StoredOrder,
    request_id: &CancelRequestId,
) -> Result<(), ApiError> {
    let request = CancelRequest::by_payment_id(payment_id(stored)?);
    let facts = antom_facts::cancel_outcome(request_id, &state.antom.send(&request).await);
    apply_facts(
        &state.store,
        order_id,
        &facts,
        "antom:cancel",
        Utc::now(),
        Schedule::Attempt,
    )
    .await?;
    Ok(())
}

pub async fn refund(
    state: &AppState,
    order_id: &str,
    amount: Money,
    reason: Option<String>,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<RefundView, ApiError> {
    if reason.as_ref().is_some_and(|r| r.chars().count() > 256) {
        return Err(ApiError::bad_request("reason is at most 256 characters"));
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
    let amount = match locked.order().prepare_refund(amount, now).map_err(command_error) {
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
    send_refund(state, order_id, &stored, &request_id, amount, reason.as_deref()).await?;
    let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
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

/// Sends a refund. Antom's REFUND_IN_PROCESS is never resent (the client's resend advice), it
/// waits for the notification or inquiryRefund.
pub async fn send_refund(
    state: &AppState,
    order_id: &str,
    stored: &StoredOrder,
    request_id: &RefundRequestId,
    amount: Money,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let mut request = RefundRequest::new(
        request_id.as_str().to_owned(),
        payment_id(stored)?,
        antom_facts::amount(amount),
    );
    request.refund_reason = reason.map(str::to_owned);
    request.refund_notify_url = Some(state.url("/webhooks/antom/refunds"));
    let outcome = state.antom.send(&request).await;
    let facts = antom_facts::refund_outcome(request_id, amount, &outcome, Utc::now());
    apply_facts(
        &state.store,
        order_id,
        &facts,
        "antom:refund",
        Utc::now(),
        Schedule::Attempt,
    )
    .await?;
    Ok(())
}

/// Inquires Antom now about the payment, its captures, cancel and refunds, and applies the answers.
pub async fn sync(state: &AppState, order_id: &str, actor: &str) -> Result<(), ApiError> {
    if state.store.order(order_id).await?.is_none() {
        return Err(order_not_found());
    }
    inquire_payment(state, order_id, actor, Schedule::Keep)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    super::reconciler::inquire_refunds(state, order_id, actor).await?;
    Ok(())
}
