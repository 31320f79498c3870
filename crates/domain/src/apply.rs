//! Applying facts to an order: the one way an order changes.
//!
//! `apply` works on a scratch copy, runs the invariants and only then replaces the order, so a
//! refused event leaves no trace. The rules every handler follows:
//!
//! * Terminal records never regress. The same terminal fact again is [`NotApplied::Duplicate`];
//!   the opposite terminal fact is [`NotApplied::ConflictsWithTerminal`] (the caller records it
//!   and flags the order).
//! * A fact that adds nothing is `Duplicate`, but one that adds missing details (an Antom id, a
//!   time, the reason of a refund) to a known record is applied. Details already known are kept
//!   (first wins) except Antom's ids, which must not change ([`InvariantViolation::ExternalIdChanged`]).
//! * Results may arrive before our own request events: a capture, refund or cancel result for an
//!   unknown request id creates the record, and the later `*Requested` event only fills in what
//!   the result could not carry. A capture success implies the payment succeeded.
//! * Amounts and currencies reported by Antom must match what we know; a mismatch is never
//!   applied.
//!
//! Per-flow handlers live in `apply/`.

mod cancel;
mod capture;
mod expiry;
mod outcome;
mod payment;
mod record;
mod refund;

use crate::event::Event;
use crate::order::Order;

use outcome::Applied;
use record::failure;

pub use outcome::{Change, NotApplied, Transition};

impl Order {
    /// Applies one fact. On `Ok` the order has changed (except for `*StillUnknown`, see
    /// [`Transition::changes`]); on `Err` it is exactly as before.
    pub fn apply(&mut self, event: &Event) -> Result<Transition, NotApplied> {
        let from = self.status();
        let mut next = self.clone();
        let changes = next.dispatch(event)?;
        next.check_invariants()?;
        let to = next.status();
        *self = next;
        Ok(Transition { from, to, changes })
    }

    fn dispatch(&mut self, event: &Event) -> Applied {
        let kind = event.kind();
        match event {
            Event::SessionCreated { session_expires_at } => self.on_session_created(*session_expires_at),
            Event::PaymentPending { payment_id } => self.on_payment_pending(payment_id.as_ref()),
            Event::PaymentSucceeded {
                payment_id,
                amount,
                paid_at,
                auth_expires_at,
                card,
            } => self.on_payment_succeeded(payment::Success {
                payment_id: payment_id.as_ref(),
                amount: *amount,
                paid_at: *paid_at,
                auth_expires_at: *auth_expires_at,
                card: card.as_ref(),
            }),
            Event::PaymentFailed {
                payment_id,
                code,
                message,
            } => self.on_payment_failed(payment_id.as_ref(), failure(code, message)),
            Event::CaptureRequested {
                request_id,
                amount,
                at,
            } => self.on_capture_requested(kind, request_id, *amount, *at),
            Event::CaptureSucceeded {
                request_id,
                capture_id,
                amount,
                at,
            } => self.on_capture_succeeded(request_id, capture_id.as_ref(), *amount, *at),
            Event::CaptureFailed {
                request_id,
                code,
                message,
            } => self.on_capture_failed(request_id, failure(code, message)),
            Event::CaptureStillUnknown { request_id, .. } => self.on_capture_still_unknown(request_id),
            Event::CancelRequested { request_id } => self.on_cancel_requested(kind, request_id),
            Event::CancelSucceeded { request_id } => self.on_cancel_succeeded(request_id),
            Event::CancelFailed {
                request_id,
                code,
                message,
            } => self.on_cancel_failed(request_id, failure(code, message)),
            Event::RefundRequested {
                request_id,
                amount,
                reason,
                at,
            } => self.on_refund_requested(kind, request_id, *amount, reason.as_ref(), *at),
            Event::RefundSucceeded {
                request_id,
                refund_id,
                amount,
                at,
            } => self.on_refund_succeeded(request_id, refund_id.as_ref(), *amount, *at),
            Event::RefundFailed {
                request_id,
                code,
                message,
            } => self.on_refund_failed(request_id, failure(code, message)),
            Event::RefundStillUnknown { request_id, .. } => self.on_refund_still_unknown(request_id),
            Event::AuthorizationExpired { .. } => self.on_authorization_expired(kind),
            Event::SessionExpired { .. } => self.on_session_expired(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invariants::InvariantViolation;
    use crate::records::RecordKind;
    use crate::status::{OrderStatus, RecordStatus};
    use crate::testkit::*;

    #[test]
    fn a_refused_event_leaves_the_order_untouched() {
        let mut order = order_after(&[paid()]);
        let before = order.clone();
        let refusal = order.apply(&capture_requested("c1", TOTAL + 1)).unwrap_err();
        assert_eq!(refusal.code(), "INVARIANT_VIOLATED");
        assert_eq!(order, before);
    }

    #[test]
    fn review_is_needed_only_for_contradictions() {
        let money = sgd(1);
        let cases = [
            (NotApplied::Duplicate, false),
            (
                NotApplied::IllegalInState {
                    current: OrderStatus::Authorized,
                    allowed: vec![],
                    event: "X",
                    reason: "r",
                },
                false,
            ),
            (
                NotApplied::UnknownRecord {
                    record: RecordKind::Capture,
                    request_id: "c".into(),
                },
                false,
            ),
            (
                NotApplied::AmountMismatch {
                    expected: money,
                    reported: money,
                },
                true,
            ),
            (
                NotApplied::CurrencyMismatch {
                    expected: money.currency(),
                    reported: money.currency(),
                },
                true,
            ),
            (
                NotApplied::ConflictsWithTerminal {
                    record: RecordKind::Payment,
                    current: RecordStatus::Success,
                    reported: RecordStatus::Fail,
                },
                true,
            ),
            (InvariantViolation::SessionExpiredAfterPayment.into(), true),
        ];
        for (refusal, review) in cases {
            assert_eq!(refusal.needs_review(), review, "{refusal}");
        }
    }

    #[test]
    fn illegal_in_state_names_the_event_and_allowed_states() {
        let mut order = new_order();
        let refusal = order.apply(&cancel_requested("x1")).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "CANCEL_REQUESTED does not apply while the order is PENDING_PAYMENT: \
             the payment is not authorized (applies in: AUTHORIZED, CAPTURE_FAILED)"
        );
    }

    #[test]
    fn transitions_serialise_for_the_timeline() {
        let mut order = new_order();
        let transition = order.apply(&paid()).unwrap();
        let json = serde_json::to_value(&transition).unwrap();
        assert_eq!(json["from"], "PENDING_PAYMENT");
        assert_eq!(json["to"], "AUTHORIZED");
        assert_eq!(json["changes"][0]["type"], "STATUS_CHANGED");
        assert_eq!(json["changes"][0]["record"], "payment");
        assert_eq!(json["changes"][0]["requestId"], "payreq-1");
        assert_eq!(json["changes"][0]["to"], "SUCCESS");
    }
}
