//! cancel: by `paymentId` (preferred) or `paymentRequestId`. An unpaid order is closed for the
//! buyer; an authorization is released if it was never captured and is at most 7 days (scaled)
//! old. Cancelling twice answers S with the first cancelTime.

use antom_client::codes;
use antom_client::model::{CancelRequest, CancelResponse};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use crate::clock::nominal;
use crate::lifecycle::{payment, Tx};
use crate::state::{Payment, Stage, State};
use crate::validation::{self as v, Checked, Invalid};
use crate::views::time;

impl Operation for CancelRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        if self.payment_id.is_none() && self.payment_request_id.is_none() {
            return Err(Invalid::param(
                "paymentId",
                "paymentId or paymentRequestId is required",
            ));
        }
        v::optional_id("paymentId", self.payment_id.as_deref())?;
        v::optional_id("paymentRequestId", self.payment_request_id.as_deref())
    }

    fn handle(self, tx: &mut Tx<'_>, _shape: Shape) -> CancelResponse {
        let (payment_id, already_cancelled) = {
            let Some(found) = tx
                .st
                .find_payment(self.payment_id.as_deref(), self.payment_request_id.as_deref())
            else {
                return CancelResponse::new(ResultInfo::failed(
                    codes::ORDER_NOT_EXIST,
                    "The payment does not exist.",
                ));
            };
            if let Err(result) = check(tx, found) {
                return CancelResponse::new(result);
            }
            (found.id.clone(), matches!(found.stage, Stage::Cancelled { .. }))
        };
        if !already_cancelled {
            payment::cancel(tx, &payment_id);
        }
        let payment = &tx.st.payments()[&payment_id];
        let Stage::Cancelled { at } = payment.stage else {
            unreachable!("the payment was just cancelled")
        };
        CancelResponse {
            payment_id: Some(payment.id.clone()),
            payment_request_id: Some(payment.request_id.clone()),
            cancel_time: Some(time(at)),
            ..CancelResponse::new(ResultInfo::success())
        }
    }
}

fn check(tx: &Tx<'_>, payment: &Payment) -> Result<(), ResultInfo> {
    let invalid = |why: &str| Err(ResultInfo::failed(codes::ORDER_STATUS_INVALID, why));
    match payment.stage {
        Stage::AwaitingCard | Stage::AwaitingChallenge | Stage::Settling { .. } | Stage::Cancelled { .. } => {
            Ok(())
        }
        Stage::Failed { .. } => invalid("The payment failed; there is nothing to cancel."),
        Stage::Authorized if captured(tx.st, payment) => {
            invalid("The payment was captured; refund it instead.")
        }
        Stage::Authorized => {
            let window_end = payment
                .authorized_at
                .map(|at| tx.clock.after(at, nominal::CANCEL_WINDOW));
            if window_end.is_some_and(|end| tx.now > end) {
                Err(ResultInfo::failed(
                    codes::CANCEL_WINDOW_EXCEED,
                    "The authorization is older than the cancel window (7 days).",
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// A capture that succeeded or may still succeed blocks the cancel.
fn captured(st: &State, payment: &Payment) -> bool {
    st.committed_capture_minor(&payment.id) > 0
}
