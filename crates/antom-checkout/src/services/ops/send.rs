//! Sending ops requests to Antom and applying the answers: steps (2) and (3) of every action,
//! also what the worker resends (with the same request id) when Antom never answered. Each
//! returns the order as the answer left it.

use antom_client::model::{CancelRequest, CaptureRequest, RefundRequest};
use chrono::Utc;
use domain::{CancelRequestId, CaptureRequestId, Money, RefundRequestId};

use crate::persistence::StoredOrder;
use crate::services::antom_facts::{self, Facts};
use crate::services::error::ServiceError;
use crate::services::order_sync::{apply_facts, Schedule};
use crate::state::AppState;

fn payment_id(stored: &StoredOrder) -> Result<String, ServiceError> {
    stored.order.payment().payment_id.clone().ok_or_else(|| {
        ServiceError::InvalidState("Antom's paymentId is not known yet; sync the order first".into())
    })
}

/// Applies what Antom answered to the order `stored` describes.
async fn apply_answer(
    state: &AppState,
    stored: &StoredOrder,
    facts: &Facts,
    actor: &str,
) -> Result<StoredOrder, ServiceError> {
    let report = apply_facts(
        &state.store,
        stored.order.id(),
        facts,
        actor,
        Utc::now(),
        Schedule::Attempt,
    )
    .await?
    .ok_or(ServiceError::OrderNotFound)?;
    Ok(report.order)
}

/// Step (2) and (3) of a capture; also the reconciler's resend with the same id.
pub async fn send_capture(
    state: &AppState,
    stored: &StoredOrder,
    request_id: &CaptureRequestId,
    amount: Money,
) -> Result<StoredOrder, ServiceError> {
    let request = CaptureRequest::new(
        request_id.as_str().to_owned(),
        payment_id(stored)?,
        antom_facts::amount(amount),
    );
    let outcome = state.antom.send(&request).await;
    let facts = antom_facts::capture_outcome(request_id, amount, &outcome, Utc::now());
    apply_answer(state, stored, &facts, "antom:capture").await
}

/// Cancel carries no idempotency key at Antom; it is idempotent by nature, so resending is safe.
pub async fn send_cancel(
    state: &AppState,
    stored: &StoredOrder,
    request_id: &CancelRequestId,
) -> Result<StoredOrder, ServiceError> {
    let request = CancelRequest::by_payment_id(payment_id(stored)?);
    let facts = antom_facts::cancel_outcome(request_id, &state.antom.send(&request).await);
    apply_answer(state, stored, &facts, "antom:cancel").await
}

/// Sends a refund. Antom's REFUND_IN_PROCESS is never resent (the client's resend advice), it
/// waits for the notification or inquiryRefund.
pub async fn send_refund(
    state: &AppState,
    stored: &StoredOrder,
    request_id: &RefundRequestId,
    amount: Money,
    reason: Option<&str>,
) -> Result<StoredOrder, ServiceError> {
    let mut request = RefundRequest::new(
        request_id.as_str().to_owned(),
        payment_id(stored)?,
        antom_facts::amount(amount),
    );
    request.refund_reason = reason.map(str::to_owned);
    request.refund_notify_url = Some(state.url("/webhooks/antom/refunds"));
    let outcome = state.antom.send(&request).await;
    let facts = antom_facts::refund_outcome(request_id, amount, &outcome, Utc::now());
    apply_answer(state, stored, &facts, "antom:refund").await
}
