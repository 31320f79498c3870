//! capture: (part of) an authorized payment. Checks, in Antom's order: unknown payment
//! (AUTH_NOT_FOUND), currency, cancelled (AUTH_CANCELLED), not authorized
//! (ORDER_STATUS_INVALID), expired authorization (AUTH_EXPIRED), closed by an earlier
//! `isLastCapture` (ORDER_STATUS_INVALID), Σ captures over the authorized amount
//! (CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT). Success sends CAPTURE_RESULT.

use antom_client::codes;
use antom_client::model::{Amount, CaptureRequest, CaptureResponse};
use antom_client::ResultInfo;
use chrono::{DateTime, Utc};

use super::operation::{Checks, Operation, Shape};
use super::replay::{inconsistent, refuse, rejected_before};
use crate::lifecycle::capture::{self, NewCapture};
use crate::lifecycle::Tx;
use crate::state::{fingerprint, Capture, Fingerprint, Scope, Stage, State};
use crate::validation::{self as v, Checked};
use crate::views::{self, time};

impl Operation for CaptureRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        v::id("captureRequestId", &self.capture_request_id)?;
        v::id("paymentId", &self.payment_id)?;
        v::amount("captureAmount", &self.capture_amount).map(|_| ())
    }

    fn handle(self, tx: &mut Tx<'_>, shape: Shape) -> CaptureResponse {
        let fingerprint = key_fields(&self.payment_id, &self.capture_amount);
        let key = self.capture_request_id.as_str();
        if let Some(existing) = tx.st.capture_by_request_id(key) {
            return if key_fields(&existing.payment_id, &existing.amount) == fingerprint {
                response(existing)
            } else {
                CaptureResponse::new(inconsistent("captureRequestId"))
            };
        }
        if let Some(result) = rejected_before(tx.st, Scope::Capture, key, &fingerprint, "captureRequestId") {
            return CaptureResponse::new(result);
        }
        let minor = self.capture_amount.minor_units().unwrap_or_default();
        if let Err(result) = check(tx.st, &self, minor, tx.now) {
            return CaptureResponse::new(refuse(tx.st, Scope::Capture, key, fingerprint, result));
        }
        let new = NewCapture {
            request_id: self.capture_request_id,
            amount: self.capture_amount,
            is_last: self.is_last_capture.unwrap_or(false),
            force_processing: shape.processing,
        };
        let index = capture::create(tx, &self.payment_id, new);
        response(&tx.st.captures()[index])
    }
}

/// What a repeated captureRequestId must repeat: the payment and the amount.
fn key_fields(payment_id: &str, amount: &Amount) -> Fingerprint {
    fingerprint(&[payment_id, &amount.currency, &amount.value])
}

fn check(st: &State, request: &CaptureRequest, minor: i64, now: DateTime<Utc>) -> Result<(), ResultInfo> {
    let Some(payment) = st
        .payments()
        .get(&request.payment_id)
        .filter(|p| p.stage.is_payment())
    else {
        return Err(ResultInfo::failed(
            codes::AUTH_NOT_FOUND,
            "No authorization with this paymentId.",
        ));
    };
    v::same_currency("captureAmount", &request.capture_amount, &payment.amount.currency)
        .map_err(|invalid| ResultInfo::failed(invalid.code, invalid.message))?;
    match payment.stage {
        Stage::Cancelled { .. } => {
            return Err(ResultInfo::failed(
                codes::AUTH_CANCELLED,
                "The authorization was cancelled.",
            ))
        }
        Stage::Authorized => {}
        Stage::AwaitingCard | Stage::AwaitingChallenge | Stage::Settling { .. } | Stage::Failed { .. } => {
            return Err(ResultInfo::failed(
                codes::ORDER_STATUS_INVALID,
                "The payment is not authorized.",
            ))
        }
    }
    if payment.auth_expires_at.is_some_and(|at| now > at) {
        return Err(ResultInfo::failed(
            codes::AUTH_EXPIRED,
            "The authorization has expired.",
        ));
    }
    let captures: Vec<&Capture> = st.captures_of(&payment.id).collect();
    if captures.iter().any(|c| c.is_last && !c.status.is_failed()) {
        return Err(ResultInfo::failed(
            codes::ORDER_STATUS_INVALID,
            "The authorization was closed by a capture with isLastCapture.",
        ));
    }
    if st.committed_capture_minor(&payment.id) + minor > payment.minor() {
        return Err(ResultInfo::failed(
            codes::CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT,
            "The total captured amount would exceed the authorized amount.",
        ));
    }
    Ok(())
}

/// The capture answer for a capture's current state (also its idempotent replay).
fn response(capture: &Capture) -> CaptureResponse {
    let result = views::tx_result(&capture.status, codes::CAPTURE_IN_PROCESS);
    let succeeded = capture.status.is_success();
    CaptureResponse {
        capture_request_id: Some(capture.request_id.clone()),
        capture_id: Some(capture.id.clone()),
        payment_id: Some(capture.payment_id.clone()),
        capture_amount: Some(capture.amount.clone()),
        capture_time: capture.status.settled_at().filter(|_| succeeded).map(time),
        acquirer_reference_no: succeeded.then(|| capture.acquirer_reference_no.clone()),
        ..CaptureResponse::new(result)
    }
}
