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
mod payment;
mod refund;

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::event::Event;
use crate::invariants::InvariantViolation;
use crate::money::Money;
use crate::order::Order;
use crate::records::{Failure, RecordKind};
use crate::status::{OrderStatus, RecordStatus};

/// What an accepted event did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub from: OrderStatus,
    pub to: OrderStatus,
    /// Empty only for `*StillUnknown` events, which are accepted without changing anything.
    pub changes: Vec<Change>,
}

/// One change to the order's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    SessionCreated,
    SessionExpired,
    /// A payment success arrived after the session had been marked expired.
    SessionExpiryCleared,
    AuthorizationExpired,
    /// A capture success arrived after the authorisation had been marked expired.
    AuthorizationExpiryCleared,
    Created {
        record: RecordKind,
        request_id: String,
        status: RecordStatus,
    },
    StatusChanged {
        record: RecordKind,
        request_id: String,
        from: RecordStatus,
        to: RecordStatus,
    },
    /// Missing details (Antom's id, a time, an amount, a reason) were filled in.
    DetailsLearned {
        record: RecordKind,
        request_id: String,
    },
}

/// Why an event was not applied. The order is unchanged in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplied {
    #[error("the fact is already applied")]
    Duplicate,
    #[error("{event} does not apply while the order is {current}: {reason} (applies in: {})", list(.allowed))]
    IllegalInState {
        current: OrderStatus,
        allowed: Vec<OrderStatus>,
        event: &'static str,
        reason: &'static str,
    },
    #[error("reported amount {reported} differs from the expected {expected}")]
    AmountMismatch { expected: Money, reported: Money },
    #[error("reported currency {reported} differs from the order currency {expected}")]
    CurrencyMismatch { expected: Currency, reported: Currency },
    #[error("{record} is already {current}; {reported} was reported")]
    ConflictsWithTerminal {
        record: RecordKind,
        current: RecordStatus,
        reported: RecordStatus,
    },
    #[error("no {record} with request id {request_id} is known")]
    UnknownRecord { record: RecordKind, request_id: String },
    #[error("refused: {violation}")]
    InvariantViolated { violation: InvariantViolation },
}

impl NotApplied {
    /// Whether a person should look at the order: Antom reported something that contradicts
    /// what we know. Duplicates, facts that arrive in a state where they do not apply, and
    /// results for requests we do not know are routine and only logged.
    pub fn needs_review(&self) -> bool {
        match self {
            NotApplied::AmountMismatch { .. }
            | NotApplied::CurrencyMismatch { .. }
            | NotApplied::ConflictsWithTerminal { .. }
            | NotApplied::InvariantViolated { .. } => true,
            NotApplied::Duplicate | NotApplied::IllegalInState { .. } | NotApplied::UnknownRecord { .. } => {
                false
            }
        }
    }

    /// Stable code for the timeline and logs.
    pub fn code(&self) -> &'static str {
        match self {
            NotApplied::Duplicate => "DUPLICATE",
            NotApplied::IllegalInState { .. } => "ILLEGAL_IN_STATE",
            NotApplied::AmountMismatch { .. } => "AMOUNT_MISMATCH",
            NotApplied::CurrencyMismatch { .. } => "CURRENCY_MISMATCH",
            NotApplied::ConflictsWithTerminal { .. } => "CONFLICTS_WITH_TERMINAL",
            NotApplied::UnknownRecord { .. } => "UNKNOWN_RECORD",
            NotApplied::InvariantViolated { .. } => "INVARIANT_VIOLATED",
        }
    }
}

impl From<InvariantViolation> for NotApplied {
    fn from(violation: InvariantViolation) -> Self {
        NotApplied::InvariantViolated { violation }
    }
}

fn list(statuses: &[OrderStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
    names.join(", ")
}

/// What a handler returns: the changes it made to the scratch copy.
type Applied = Result<Vec<Change>, NotApplied>;

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

    /// A reported amount must be in the order currency.
    fn expect_currency(&self, reported: Money) -> Result<(), NotApplied> {
        if reported.currency() == self.currency() {
            Ok(())
        } else {
            Err(NotApplied::CurrencyMismatch {
                expected: self.currency(),
                reported: reported.currency(),
            })
        }
    }

    /// A reported amount must equal the one we know (currency checked first).
    fn expect_amount(&self, expected: Option<Money>, reported: Money) -> Result<(), NotApplied> {
        self.expect_currency(reported)?;
        match expected {
            Some(expected) if expected != reported => Err(NotApplied::AmountMismatch { expected, reported }),
            Some(_) | None => Ok(()),
        }
    }

    fn illegal(&self, event: &'static str, allowed: &[OrderStatus], reason: &'static str) -> NotApplied {
        NotApplied::IllegalInState {
            current: self.status(),
            allowed: allowed.to_vec(),
            event,
            reason,
        }
    }
}

fn failure(code: &str, message: &str) -> Failure {
    Failure {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// Fills `slot` if it is empty; returns whether it did.
fn fill<T: Clone>(slot: &mut Option<T>, value: Option<&T>) -> bool {
    match (slot.as_ref(), value) {
        (None, Some(value)) => {
            *slot = Some(value.clone());
            true
        }
        (Some(_), _) | (None, None) => false,
    }
}

/// Like [`fill`], but Antom's ids identify the record: a different one is refused.
fn learn_external_id(
    slot: &mut Option<String>,
    reported: Option<&String>,
    record: RecordKind,
) -> Result<bool, NotApplied> {
    match (slot.as_ref(), reported) {
        (Some(known), Some(reported)) if known != reported => Err(InvariantViolation::ExternalIdChanged {
            record,
            known: known.clone(),
            reported: reported.clone(),
        }
        .into()),
        (Some(_), _) | (None, None) => Ok(false),
        (None, Some(reported)) => {
            *slot = Some(reported.clone());
            Ok(true)
        }
    }
}

/// Moves a record's status to a reported terminal one. `Ok(true)` when it changed, `Ok(false)`
/// when the record already had that status; the opposite terminal status is a conflict.
fn settle(status: &mut RecordStatus, reported: RecordStatus, record: RecordKind) -> Result<bool, NotApplied> {
    match *status {
        RecordStatus::Processing => {
            *status = reported;
            Ok(true)
        }
        RecordStatus::Success | RecordStatus::Fail if *status == reported => Ok(false),
        RecordStatus::Success | RecordStatus::Fail => Err(NotApplied::ConflictsWithTerminal {
            record,
            current: *status,
            reported,
        }),
    }
}

/// A handler that changed nothing reports the fact as a duplicate.
fn changed(changes: Vec<Change>) -> Applied {
    if changes.is_empty() {
        Err(NotApplied::Duplicate)
    } else {
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
