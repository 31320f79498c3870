//! Validating ops commands before anything is sent to Antom.
//!
//! The server calls `prepare_*` under the order lock, then records the matching `*Requested`
//! event with a fresh request id and only then calls Antom. Refusing here turns into the
//! contract's 409/422 answers instead of an Antom round trip that would fail anyway (or, worse,
//! succeed against our rules). The checks use the caller's `now` for deadlines.

use chrono::{DateTime, Duration, Utc};

use crate::currency::Currency;
use crate::money::Money;
use crate::order::Order;
use crate::status::{OrderStatus, RecordStatus};

/// Cards can be canceled (voided) up to 7 days after authorisation (Antom's rule for cards).
pub const CANCEL_WINDOW_DAYS: i64 = 7;

/// Why a command is refused. [`CommandError::code`] is the contract's stable error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("the order is {current}: {reason}")]
    InvalidState {
        current: OrderStatus,
        reason: &'static str,
    },
    #[error("{requested} exceeds the capturable {capturable}")]
    AmountExceedsAuthorized { requested: Money, capturable: Money },
    #[error("{requested} exceeds the refundable {refundable}")]
    AmountExceedsCaptured { requested: Money, refundable: Money },
    #[error("the amount is in {requested} but the order in {expected}")]
    CurrencyMismatch { expected: Currency, requested: Currency },
    #[error("the amount must be greater than zero")]
    InvalidAmount,
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::InvalidState { .. } => "INVALID_STATE",
            CommandError::AmountExceedsAuthorized { .. } => "AMOUNT_EXCEEDS_AUTHORIZED",
            CommandError::AmountExceedsCaptured { .. } => "AMOUNT_EXCEEDS_CAPTURED",
            CommandError::CurrencyMismatch { .. } => "CURRENCY_MISMATCH",
            CommandError::InvalidAmount => "INVALID_AMOUNT",
        }
    }
}

impl Order {
    /// The amount to capture: `None` means everything still capturable. Needs a successful,
    /// uncanceled authorisation (no cancel in flight) that has not expired at `now`, Antom's
    /// paymentId, and no other capture in flight (one capture at a time: its result decides
    /// what is left).
    pub fn prepare_capture(&self, amount: Option<Money>, now: DateTime<Utc>) -> Result<Money, CommandError> {
        self.require_live_authorization(now)?;
        self.require_payment_id()?;
        if !self.capture_in_flight().is_zero() {
            return Err(self.invalid_state("a capture is already in progress for this order"));
        }
        let capturable = self.capturable_amount();
        let Some(amount) = amount else {
            if capturable.is_zero() {
                return Err(self.invalid_state("nothing is left to capture"));
            }
            return Ok(capturable);
        };
        self.check_amount(amount)?;
        if amount.minor() > capturable.minor() {
            return Err(CommandError::AmountExceedsAuthorized {
                requested: amount,
                capturable,
            });
        }
        Ok(amount)
    }

    /// Cancel (void) is possible for a live authorisation with nothing captured or capturing,
    /// no cancel done or in flight, within [`CANCEL_WINDOW_DAYS`] of `paid_at`.
    pub fn prepare_cancel(&self, now: DateTime<Utc>) -> Result<(), CommandError> {
        self.require_live_authorization(now)?;
        self.require_payment_id()?;
        if !self.captured_amount().is_zero() || !self.capture_in_flight().is_zero() {
            return Err(self.invalid_state("a capture succeeded or is in flight"));
        }
        let window_closed = self
            .payment
            .paid_at
            .is_some_and(|paid_at| now > paid_at + Duration::days(CANCEL_WINDOW_DAYS));
        if window_closed {
            return Err(self.invalid_state("the 7-day cancel window has passed"));
        }
        Ok(())
    }

    /// A refund needs something captured and must fit in what is still refundable. `_now` is
    /// taken for symmetry and for a future refund window: the window is per merchant contract
    /// and Antom enforces it (`REFUND_WINDOW_EXCEED`).
    pub fn prepare_refund(&self, amount: Money, _now: DateTime<Utc>) -> Result<Money, CommandError> {
        if self.payment.status != RecordStatus::Success || self.captured_amount().is_zero() {
            return Err(self.invalid_state("nothing is captured"));
        }
        self.require_payment_id()?;
        self.check_amount(amount)?;
        let refundable = self.refundable_amount();
        if amount.minor() > refundable.minor() {
            return Err(CommandError::AmountExceedsCaptured {
                requested: amount,
                refundable,
            });
        }
        Ok(amount)
    }

    fn require_live_authorization(&self, now: DateTime<Utc>) -> Result<(), CommandError> {
        let expired = self.authorization_expired
            || self
                .payment
                .auth_expires_at
                .is_some_and(|deadline| deadline <= now);
        let reason = if self.payment.status != RecordStatus::Success {
            "the payment is not authorized"
        } else if self.cancel_status() == Some(RecordStatus::Success) {
            "the payment is canceled"
        } else if self.cancel_status() == Some(RecordStatus::Processing) {
            "a cancel is in flight"
        } else if expired {
            "the authorization expired"
        } else {
            return Ok(());
        };
        Err(self.invalid_state(reason))
    }

    /// Antom's capture, cancel and refund name the payment by Antom's paymentId; an order whose
    /// success arrived without one is synced first.
    fn require_payment_id(&self) -> Result<(), CommandError> {
        match self.payment.payment_id {
            Some(_) => Ok(()),
            None => Err(self.invalid_state("Antom's paymentId is not known yet; sync the order first")),
        }
    }

    fn check_amount(&self, amount: Money) -> Result<(), CommandError> {
        if amount.currency() != self.currency() {
            return Err(CommandError::CurrencyMismatch {
                expected: self.currency(),
                requested: amount.currency(),
            });
        }
        if amount.is_zero() {
            return Err(CommandError::InvalidAmount);
        }
        Ok(())
    }

    fn invalid_state(&self, reason: &'static str) -> CommandError {
        CommandError::InvalidState {
            current: self.status(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::testkit::*;

    fn reason(result: Result<impl std::fmt::Debug, CommandError>) -> &'static str {
        match result {
            Err(CommandError::InvalidState { reason, .. }) => reason,
            other => panic!("expected INVALID_STATE, got {other:?}"),
        }
    }

    #[test]
    fn full_capture_takes_everything_still_capturable() {
        let order = order_after(&[paid()]);
        assert_eq!(order.prepare_capture(None, t(1)), Ok(sgd(TOTAL)));
        let order = order_after(&[paid(), capture_succeeded("c1", 3_000)]);
        assert_eq!(order.prepare_capture(None, t(1)), Ok(sgd(7_000)));
        // One capture at a time: the one in flight decides what is left.
        let order = order_after(&[
            paid(),
            capture_succeeded("c1", 3_000),
            capture_requested("c2", 2_000),
        ]);
        assert_eq!(
            reason(order.prepare_capture(None, t(1))),
            "a capture is already in progress for this order"
        );
        let order = order_after(&[paid(), capture_succeeded("c1", TOTAL)]);
        assert_eq!(
            reason(order.prepare_capture(None, t(1))),
            "nothing is left to capture"
        );
    }

    #[test]
    fn every_command_needs_antoms_payment_id() {
        let unnamed = Event::PaymentSucceeded {
            payment_id: None,
            amount: sgd(TOTAL),
            paid_at: t(0),
            auth_expires_at: Some(t(days(7))),
            card: None,
        };
        let order = order_after(std::slice::from_ref(&unnamed));
        let why = "Antom's paymentId is not known yet; sync the order first";
        assert_eq!(reason(order.prepare_capture(None, t(1))), why);
        assert_eq!(reason(order.prepare_cancel(t(1))), why);
        let captured = order_after(&[unnamed, capture_succeeded("c1", 100)]);
        assert_eq!(reason(captured.prepare_refund(sgd(100), t(1))), why);
    }

    #[test]
    fn partial_capture_is_checked_against_what_is_capturable() {
        let order = order_after(&[paid(), capture_succeeded("c1", 3_000)]);
        assert_eq!(order.prepare_capture(Some(sgd(7_000)), t(1)), Ok(sgd(7_000)));
        let err = order.prepare_capture(Some(sgd(7_001)), t(1)).unwrap_err();
        assert_eq!(
            err,
            CommandError::AmountExceedsAuthorized {
                requested: sgd(7_001),
                capturable: sgd(7_000)
            }
        );
        assert_eq!(err.code(), "AMOUNT_EXCEEDS_AUTHORIZED");
        let err = order.prepare_capture(Some(sgd(0)), t(1)).unwrap_err();
        assert_eq!(
            (err.clone(), err.code()),
            (CommandError::InvalidAmount, "INVALID_AMOUNT")
        );
        let err = order.prepare_capture(Some(jpy(1)), t(1)).unwrap_err();
        assert_eq!(err.code(), "CURRENCY_MISMATCH");
    }

    #[test]
    fn capture_needs_a_live_authorization() {
        let cases = [
            (vec![], t(1), "the payment is not authorized"),
            (vec![failed()], t(1), "the payment is not authorized"),
            (
                vec![paid(), cancel_requested("x1")],
                t(1),
                "a cancel is in flight",
            ),
            (
                vec![paid(), cancel_succeeded("x1")],
                t(1),
                "the payment is canceled",
            ),
            (vec![paid()], t(days(7)), "the authorization expired"),
            (vec![paid(), auth_expired()], t(1), "the authorization expired"),
        ];
        for (history, now, expected) in cases {
            let order = order_after(&history);
            let err = order.prepare_capture(None, now).unwrap_err();
            assert_eq!(err.code(), "INVALID_STATE");
            assert_eq!(reason(Err::<(), _>(err)), expected);
        }
        let order = order_after(&[paid()]);
        assert!(order.prepare_capture(None, t(days(7) - 1)).is_ok());
    }

    #[test]
    fn cancel_rules() {
        let order = order_after(&[paid()]);
        assert_eq!(order.prepare_cancel(t(days(7) - 1)), Ok(()));
        let cases = [
            (vec![], t(1), "the payment is not authorized"),
            (
                vec![paid(), capture_requested("c1", 1)],
                t(1),
                "a capture succeeded or is in flight",
            ),
            (
                vec![paid(), capture_succeeded("c1", 1)],
                t(1),
                "a capture succeeded or is in flight",
            ),
            (
                vec![paid(), cancel_requested("x1")],
                t(1),
                "a cancel is in flight",
            ),
            (
                vec![paid(), cancel_succeeded("x1")],
                t(1),
                "the payment is canceled",
            ),
            (vec![paid(), auth_expired()], t(1), "the authorization expired"),
        ];
        for (history, now, expected) in cases {
            assert_eq!(reason(order_after(&history).prepare_cancel(now)), expected);
        }
        let failed_cancel = order_after(&[paid(), cancel_requested("x1"), cancel_failed("x1")]);
        assert_eq!(failed_cancel.prepare_cancel(t(1)), Ok(()));
    }

    #[test]
    fn cancel_window_is_seven_days_after_payment() {
        // An authorisation valid longer than the cancel window.
        let long_auth = crate::event::Event::PaymentSucceeded {
            payment_id: Some("pay-1".into()),
            amount: sgd(TOTAL),
            paid_at: t(0),
            auth_expires_at: Some(t(days(30))),
            card: None,
        };
        let order = order_after(&[long_auth]);
        assert_eq!(order.prepare_cancel(t(days(7))), Ok(()));
        assert_eq!(
            reason(order.prepare_cancel(t(days(7) + 1))),
            "the 7-day cancel window has passed"
        );
    }

    #[test]
    fn refund_rules() {
        let order = order_after(&[
            paid(),
            capture_succeeded("c1", 6_000),
            refund_requested("r1", 1_000),
        ]);
        assert_eq!(order.prepare_refund(sgd(5_000), t(1)), Ok(sgd(5_000)));
        let err = order.prepare_refund(sgd(5_001), t(1)).unwrap_err();
        assert_eq!(
            err,
            CommandError::AmountExceedsCaptured {
                requested: sgd(5_001),
                refundable: sgd(5_000)
            }
        );
        assert_eq!(err.code(), "AMOUNT_EXCEEDS_CAPTURED");
        assert_eq!(
            order.prepare_refund(sgd(0), t(1)),
            Err(CommandError::InvalidAmount)
        );
        assert_eq!(
            order.prepare_refund(jpy(1), t(1)),
            Err(CommandError::CurrencyMismatch {
                expected: sgd(1).currency(),
                requested: jpy(1).currency()
            })
        );
        for history in [vec![], vec![paid()], vec![paid(), capture_requested("c1", 1)]] {
            assert_eq!(
                reason(order_after(&history).prepare_refund(sgd(1), t(1))),
                "nothing is captured"
            );
        }
    }

    #[test]
    fn invalid_state_reports_the_current_status() {
        let order = order_after(&[paid(), capture_succeeded("c1", TOTAL)]);
        assert_eq!(
            order.prepare_cancel(t(1)),
            Err(CommandError::InvalidState {
                current: OrderStatus::Captured,
                reason: "a capture succeeded or is in flight"
            })
        );
    }
}
