//! refund: captured money back to the buyer, partially and several times while Σ refunds ≤
//! Σ captured. A payment that was never captured, failed or is processing → ORDER_STATUS_INVALID;
//! cancelled → ORDER_IS_CANCELED. Success sends REFUND_RESULT to `refundNotifyUrl`.

use antom_client::codes;
use antom_client::model::{Amount, RefundRequest, RefundResponse};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use super::replay::{inconsistent, refuse, rejected_before};
use crate::lifecycle::refund::{self, NewRefund};
use crate::lifecycle::Tx;
use crate::state::{fingerprint, Fingerprint, Refund, Scope, Stage, State};
use crate::validation::{self as v, Checked};
use crate::views::{self, time};

/// Antom documents refundNotifyUrl as String(1024).
const MAX_REFUND_NOTIFY_URL: usize = 1024;

impl Operation for RefundRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        v::id("refundRequestId", &self.refund_request_id)?;
        v::id("paymentId", &self.payment_id)?;
        v::amount("refundAmount", &self.refund_amount)?;
        v::optional_id("referenceRefundId", self.reference_refund_id.as_deref())?;
        if let Some(reason) = &self.refund_reason {
            v::text("refundReason", reason, 256, false)?;
        }
        v::optional_url(
            "refundNotifyUrl",
            self.refund_notify_url.as_deref(),
            MAX_REFUND_NOTIFY_URL,
        )
    }

    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> RefundResponse {
        let fingerprint = key_fields(&self.payment_id, &self.refund_amount);
        let key = self.refund_request_id.as_str();
        if let Some(existing) = tx.st.refund_by_request_id(key) {
            return if key_fields(&existing.payment_id, &existing.amount) == fingerprint {
                response(existing)
            } else {
                RefundResponse::new(inconsistent("refundRequestId"))
            };
        }
        if let Some(result) = rejected_before(tx.st, Scope::Refund, key, &fingerprint, "refundRequestId") {
            return RefundResponse::new(result);
        }
        let minor = self.refund_amount.minor_units().unwrap_or_default();
        if let Err(result) = check(tx.st, &self, minor) {
            return RefundResponse::new(refuse(tx.st, Scope::Refund, key, fingerprint, result));
        }
        let new = NewRefund {
            request_id: self.refund_request_id,
            amount: self.refund_amount,
            notify_url: self.refund_notify_url,
            force_processing: shape.processing,
        };
        let index = refund::create(tx, &self.payment_id, new);
        response(&tx.st.refunds()[index])
    }
}

/// What a repeated refundRequestId must repeat: the payment and the amount.
fn key_fields(payment_id: &str, amount: &Amount) -> Fingerprint {
    fingerprint(&[payment_id, &amount.currency, &amount.value])
}

fn check(st: &State, request: &RefundRequest, minor: i64) -> Result<(), ResultInfo> {
    let Some(payment) = st
        .payments()
        .get(&request.payment_id)
        .filter(|p| p.stage.is_payment())
    else {
        return Err(ResultInfo::failed(
            codes::ORDER_NOT_EXIST,
            "The payment does not exist.",
        ));
    };
    v::same_currency("refundAmount", &request.refund_amount, &payment.amount.currency)
        .map_err(|invalid| ResultInfo::failed(invalid.code, invalid.message))?;
    let not_refundable = |why: &str| Err(ResultInfo::failed(codes::ORDER_STATUS_INVALID, why));
    match payment.stage {
        Stage::Cancelled { .. } => {
            return Err(ResultInfo::failed(
                codes::ORDER_IS_CANCELED,
                "The payment was cancelled.",
            ))
        }
        Stage::AwaitingCard | Stage::AwaitingChallenge | Stage::Settling { .. } => {
            return not_refundable("The payment is still processing.")
        }
        Stage::Failed { .. } => return not_refundable("The payment failed."),
        Stage::Authorized => {}
    }
    let captured = st.captured_minor(&payment.id);
    if captured == 0 {
        return not_refundable("Nothing was captured; cancel the authorization instead.");
    }
    if st.committed_refund_minor(&payment.id) + minor > captured {
        return Err(ResultInfo::failed(
            codes::REFUND_AMOUNT_EXCEED,
            "The total refunded amount would exceed the captured amount.",
        ));
    }
    Ok(())
}

/// The refund answer for a refund's current state (also its idempotent replay).
fn response(refund: &Refund) -> RefundResponse {
    let succeeded = refund.status.is_success();
    RefundResponse {
        refund_request_id: Some(refund.request_id.clone()),
        refund_id: Some(refund.id.clone()),
        payment_id: Some(refund.payment_id.clone()),
        refund_amount: Some(refund.amount.clone()),
        refund_time: refund.status.settled_at().filter(|_| succeeded).map(time),
        acquirer_reference_no: succeeded.then(|| refund.acquirer_reference_no.clone()),
        ..RefundResponse::new(views::tx_result(&refund.status, codes::REFUND_IN_PROCESS))
    }
}
