//! Ops actions: capture, cancel, refund, sync.
//!
//! Every action follows the same order, which is what makes a retry after a crash or timeout
//! safe: (1) under the order lock, validate the command in the domain and record the
//! `*Requested` event with a fresh request id, and commit — the id is stored before Antom
//! hears of it; (2) call Antom with that id; (3) apply the answer through the locked sync path.
//! An unknown answer leaves the record PROCESSING; the reconciler finishes it with the same id.
//! Because step (1) refuses while another capture/cancel is in flight, concurrent identical
//! requests (double clicks, two operators, two replicas) reach Antom once.

use antom_client::model::{CancelRequest, CaptureRequest, RefundRequest};
use antom_client::Outcome;
use chrono::Utc;
use domain::{CancelRequestId, CaptureRequestId, CommandError, Event, Money, RecordStatus, RefundRequestId};
use serde::Serialize;
use serde_json::json;

use super::antom_facts;
use super::inquiry::inquire_payment;
use super::order_sync::{apply_events, next_check_at};
use crate::error::ApiError;
use crate::persistence::{LockedOrder, StoredOrder, TimelineEntry};
use crate::state::AppState;

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

/// Refuses (rolling back) or records the request and commits: step (1) above.
async fn record_request(
    mut locked: LockedOrder,
    event: Event,
    actor: &str,
    details: serde_json::Value,
) -> Result<StoredOrder, ApiError> {
    let now = Utc::now();
    if let Err(e) = locked.order_mut().apply(&event) {
        locked.rollback().await?;
        return Err(invalid_state(format!("{} was refused: {e}", event.kind())));
    }
    let entry = TimelineEntry {
        at: now,
        event_type: event.kind().to_owned(),
        actor: actor.to_owned(),
        details,
    };
    let next = next_check_at(locked.order(), now, 0);
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

pub async fn capture(
    state: &AppState,
    order_id: &str,
    amount: Option<Money>,
    actor: &str,
) -> Result<CaptureView, ApiError> {
    let locked = lock(state, order_id).await?;
    let order = locked.order();
    let now = Utc::now();
    let in_flight = order
        .captures()
        .iter()
        .any(|c| c.status == RecordStatus::Processing);
    let prepared = if in_flight {
        Err(invalid_state("a capture is already in progress for this order"))
    } else if order.payment().payment_id.is_none() && order.payment().status == RecordStatus::Success {
        Err(invalid_state(
            "Antom's paymentId is not known yet; sync the order first",
        ))
    } else {
        order.prepare_capture(amount, now).map_err(command_error)
    };
    let amount = match prepared {
        Ok(amount) => amount,
        Err(e) => {
            locked.rollback().await?;
            return Err(e);
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
    )
    .await?;
    send_capture(state, order_id, &stored, &request_id, amount).await?;
    capture_view(state, order_id, &request_id).await
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
    let events = antom_facts::capture_outcome(request_id, amount, &outcome, Utc::now());
    apply_events(&state.store, order_id, &events, "antom:capture", Utc::now()).await?;
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

pub async fn cancel(state: &AppState, order_id: &str, actor: &str) -> Result<CancelView, ApiError> {
    let locked = lock(state, order_id).await?;
    let now = Utc::now();
    let order = locked.order();
    let prepared = if order
        .cancel()
        .is_some_and(|c| c.status == RecordStatus::Processing)
    {
        Err(invalid_state("a cancellation is already in progress"))
    } else {
        order.prepare_cancel(now).map_err(command_error)
    };
    if let Err(e) = prepared {
        locked.rollback().await?;
        return Err(e);
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
    )
    .await?;
    send_cancel(state, order_id, &stored, &request_id).await?;
    let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
    let status = stored.order.cancel().map_or("PROCESSING", |c| c.status.as_str());
    Ok(CancelView {
        cancel_request_id: request_id.as_str().to_owned(),
        status,
    })
}

/// Cancel carries no idempotency key at Antom; it is idempotent by nature, so resending is safe.
pub async fn send_cancel(
    state: &AppState,
    order_id: &str,
    stored: &StoredOrder,
    request_id: &CancelRequestId,
) -> Result<(), ApiError> {
    let request = CancelRequest::by_payment_id(payment_id(stored)?);
    let events = match state.antom.send(&request).await {
        Outcome::Success(_) => vec![Event::CancelSucceeded {
            request_id: request_id.clone(),
        }],
        Outcome::Failed { code, message, .. } => {
            vec![Event::CancelFailed {
                request_id: request_id.clone(),
                code,
                message,
            }]
        }
        Outcome::Unknown { .. } => Vec::new(),
    };
    apply_events(&state.store, order_id, &events, "antom:cancel", Utc::now()).await?;
    Ok(())
}

pub async fn refund(
    state: &AppState,
    order_id: &str,
    amount: Money,
    reason: Option<String>,
    actor: &str,
) -> Result<RefundView, ApiError> {
    if reason.as_ref().is_some_and(|r| r.chars().count() > 256) {
        return Err(ApiError::bad_request("reason is at most 256 characters"));
    }
    let locked = lock(state, order_id).await?;
    let now = Utc::now();
    let amount = match locked.order().prepare_refund(amount, now).map_err(command_error) {
        Ok(amount) => amount,
        Err(e) => {
            locked.rollback().await?;
            return Err(e);
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
    let stored = record_request(locked, event, actor, details).await?;
    send_refund(state, order_id, &stored, &request_id, amount, reason.as_deref()).await?;
    let stored = state.store.order(order_id).await?.ok_or_else(order_not_found)?;
    let status = stored
        .order
        .refunds()
        .iter()
        .find(|r| r.request_id == request_id)
        .map_or("PROCESSING", |r| r.status.as_str());
    Ok(RefundView {
        refund_request_id: request_id.as_str().to_owned(),
        status,
        amount,
    })
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
    let events = antom_facts::refund_outcome(request_id, amount, &outcome, Utc::now());
    apply_events(&state.store, order_id, &events, "antom:refund", Utc::now()).await?;
    Ok(())
}

/// Inquires Antom now about the payment, its captures, cancel and refunds, and applies the answers.
pub async fn sync(state: &AppState, order_id: &str, actor: &str) -> Result<(), ApiError> {
    if state.store.order(order_id).await?.is_none() {
        return Err(order_not_found());
    }
    inquire_payment(state, order_id, actor)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    super::reconciler::inquire_refunds(state, order_id, actor).await?;
    Ok(())
}
