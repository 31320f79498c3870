//! Asking Antom about a payment (inquiryPayment) and its refunds (inquiryRefund), and applying
//! the answers through the same path a notification takes. Used by the result page, the
//! reconciler and ops' "sync". Both take the order as the caller read it and return it as the
//! answers left it.

use antom_client::model::{InquiryPaymentRequest, InquiryRefundRequest};
use antom_client::Outcome;
use chrono::Utc;
use domain::Refund;

use super::antom_facts;
use super::error::ServiceError;
use super::ops::send::send_refund;
use super::order_sync::{apply_events, apply_facts, Schedule, SyncReport};
use crate::persistence::StoredOrder;
use crate::state::AppState;

/// What the inquiry learned.
#[derive(Debug)]
pub enum InquiryResult {
    /// Antom answered and the answer was applied.
    Applied(Box<SyncReport>),
    /// Antom does not know the payment (yet): e.g. a session nobody has paid.
    NotAtAntom,
    /// No final answer (Unknown outcome or an error code); nothing changed.
    NoAnswer { code: String },
    /// No such order here.
    NoOrder,
}

/// `schedule` says whether an answer that changes nothing counts as a reconciler attempt.
pub async fn inquire_payment(
    state: &AppState,
    stored: &StoredOrder,
    actor: &str,
    schedule: Schedule,
) -> Result<InquiryResult, ServiceError> {
    let order_id = stored.order.id();
    let payment = stored.order.payment();
    let request = match &payment.payment_id {
        Some(payment_id) => InquiryPaymentRequest::by_payment_id(payment_id.clone()),
        None => InquiryPaymentRequest::by_payment_request_id(payment.request_id.as_str().to_owned()),
    };
    let outcome = state.antom.send(&request).await;
    match &outcome {
        Outcome::Success(response) => {
            let now = Utc::now();
            let facts = antom_facts::inquiry(response, &stored.order, now)?;
            let report = apply_facts(&state.store, order_id, &facts, actor, now, schedule).await?;
            Ok(report.map_or(InquiryResult::NoOrder, |r| InquiryResult::Applied(Box::new(r))))
        }
        _ if outcome.is_not_found() => Ok(InquiryResult::NotAtAntom),
        other => Ok(InquiryResult::NoAnswer {
            code: other.code().to_owned(),
        }),
    }
}

/// inquiryRefund for every refund still processing; resends the refunds Antom never received.
/// Returns the order as the answers left it.
pub async fn inquire_refunds(
    state: &AppState,
    stored: StoredOrder,
    actor: &str,
) -> Result<StoredOrder, ServiceError> {
    let open: Vec<Refund> = stored
        .order
        .open_at_antom()
        .refunds
        .into_iter()
        .cloned()
        .collect();
    let mut latest = stored;
    for refund in open {
        let request = InquiryRefundRequest::by_refund_request_id(refund.request_id.as_str().to_owned());
        let now = Utc::now();
        let outcome = state.antom.send(&request).await;
        match &outcome {
            Outcome::Success(response) => {
                let events = antom_facts::refund_inquiry(&refund.request_id, response, now)?;
                let order_id = latest.order.id().clone();
                if let Some(report) = apply_events(&state.store, &order_id, &events, actor, now).await? {
                    latest = report.order;
                }
            }
            _ if outcome.is_not_found() => {
                if let Some(amount) = refund.amount {
                    latest = send_refund(
                        state,
                        &latest,
                        &refund.request_id,
                        amount,
                        refund.reason.as_deref(),
                    )
                    .await?;
                }
            }
            _ => {}
        }
    }
    Ok(latest)
}
