//! Asking Antom about a payment (inquiryPayment) and applying the answer through the same path
//! a notification takes. Used by the result page, the reconciler and ops' "sync".

use antom_client::codes;
use antom_client::model::InquiryPaymentRequest;
use antom_client::Outcome;
use chrono::Utc;

use super::antom_facts;
use super::order_sync::{apply_facts, Schedule, SyncReport};
use crate::persistence::StoreError;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum InquiryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("Antom's answer could not be read: {0}")]
    Facts(#[from] antom_facts::FactError),
}

/// What the inquiry learned.
#[derive(Debug)]
pub enum InquiryResult {
    /// Antom answered and the answer was applied.
    Applied(SyncReport),
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
    order_id: &str,
    actor: &str,
    schedule: Schedule,
) -> Result<InquiryResult, InquiryError> {
    let Some(stored) = state.store.order(order_id).await? else {
        return Ok(InquiryResult::NoOrder);
    };
    let payment = stored.order.payment();
    let request = match &payment.payment_id {
        Some(payment_id) => InquiryPaymentRequest::by_payment_id(payment_id.clone()),
        None => InquiryPaymentRequest::by_payment_request_id(payment.request_id.as_str().to_owned()),
    };
    match state.antom.send(&request).await {
        Outcome::Success(response) => {
            let now = Utc::now();
            let facts = antom_facts::inquiry(&response, &stored.order, now)?;
            let report = apply_facts(&state.store, order_id, &facts, actor, now, schedule).await?;
            Ok(report.map_or(InquiryResult::NoOrder, InquiryResult::Applied))
        }
        Outcome::Failed { code, .. } if code == codes::ORDER_NOT_EXIST => Ok(InquiryResult::NotAtAntom),
        other => Ok(InquiryResult::NoAnswer {
            code: other.code().to_owned(),
        }),
    }
}
