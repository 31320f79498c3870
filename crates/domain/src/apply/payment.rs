//! The payment session and the authorisation result.
//!
//! `PaymentPending` never changes the status (the payment starts PROCESSING); it can only teach
//! Antom's payment id, so after a final result it is a `Duplicate` unless it carries an id we
//! lacked. A success for a payment already SUCCESS (e.g. implied earlier by a capture result)
//! fills in the authorisation details it brings.

use chrono::{DateTime, Utc};

use super::outcome::{changed, Applied, Change, NotApplied};
use super::record::{fill, learn_external_id, settle};
use crate::money::Money;
use crate::order::Order;
use crate::records::{CardSummary, Failure, RecordKind};
use crate::status::RecordStatus;

/// The fields of `Event::PaymentSucceeded`.
pub(super) struct Success<'a> {
    pub payment_id: Option<&'a String>,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub auth_expires_at: Option<DateTime<Utc>>,
    pub card: Option<&'a CardSummary>,
}

impl Order {
    pub(super) fn on_session_created(&mut self, expires_at: DateTime<Utc>) -> Applied {
        if self.session_expires_at.is_some() {
            return Err(NotApplied::Duplicate);
        }
        self.session_expires_at = Some(expires_at);
        Ok(vec![Change::SessionCreated])
    }

    pub(super) fn on_payment_pending(&mut self, payment_id: Option<&String>) -> Applied {
        let learned = self.learn_payment_id(payment_id)?;
        changed(self.payment_details(learned))
    }

    pub(super) fn on_payment_succeeded(&mut self, success: Success<'_>) -> Applied {
        self.expect_amount(Some(self.payment.amount), success.amount)?;
        let mut changes = Vec::new();
        self.settle_payment(RecordStatus::Success, &mut changes)?;
        let mut learned = self.learn_payment_id(success.payment_id)?;
        let payment = &mut self.payment;
        learned |= fill(&mut payment.paid_at, Some(&success.paid_at));
        learned |= fill(&mut payment.auth_expires_at, success.auth_expires_at.as_ref());
        learned |= fill(&mut payment.card, success.card);
        if changes.is_empty() {
            changes = self.payment_details(learned);
        }
        changed(changes)
    }

    pub(super) fn on_payment_failed(&mut self, payment_id: Option<&String>, failure: Failure) -> Applied {
        let mut changes = Vec::new();
        self.settle_payment(RecordStatus::Fail, &mut changes)?;
        let learned = self.learn_payment_id(payment_id)?;
        if changes.is_empty() {
            changes = self.payment_details(learned);
        } else {
            self.payment.failure = Some(failure);
        }
        changed(changes)
    }

    /// A capture succeeded, so the authorisation did, whether or not we have heard so.
    pub(super) fn imply_payment_success(&mut self, changes: &mut Vec<Change>) -> Result<(), NotApplied> {
        self.settle_payment(RecordStatus::Success, changes)
    }

    /// PROCESSING → `reported`. A success also clears an earlier session-expired mark: the
    /// buyer did pay, so the order must not read EXPIRED.
    fn settle_payment(
        &mut self,
        reported: RecordStatus,
        changes: &mut Vec<Change>,
    ) -> Result<(), NotApplied> {
        let from = self.payment.status;
        if !settle(&mut self.payment.status, reported, RecordKind::Payment)? {
            return Ok(());
        }
        changes.push(Change::StatusChanged {
            record: RecordKind::Payment,
            request_id: self.payment.request_id.to_string(),
            from,
            to: reported,
        });
        if reported == RecordStatus::Success && self.session_expired {
            self.session_expired = false;
            changes.push(Change::SessionExpiryCleared);
        }
        Ok(())
    }

    fn learn_payment_id(&mut self, reported: Option<&String>) -> Result<bool, NotApplied> {
        learn_external_id(&mut self.payment.payment_id, reported, RecordKind::Payment)
    }

    fn payment_details(&self, learned: bool) -> Vec<Change> {
        if learned {
            vec![Change::DetailsLearned {
                record: RecordKind::Payment,
                request_id: self.payment.request_id.to_string(),
            }]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::event::Event;
    use crate::invariants::InvariantViolation;
    use crate::records::RecordKind;
    use crate::status::{OrderStatus, RecordStatus};
    use crate::testkit::*;
    use crate::NotApplied;

    #[test]
    fn session_created_records_the_deadline_once() {
        let mut order = new_order();
        let transition = order.apply(&session_created()).unwrap();
        assert_eq!(transition.from, OrderStatus::PendingPayment);
        assert_eq!(transition.to, OrderStatus::PendingPayment);
        assert_eq!(order.session_expires_at(), Some(t(60)));
        let later = Event::SessionCreated {
            session_expires_at: t(90),
        };
        assert_eq!(order.apply(&later), Err(NotApplied::Duplicate));
        assert_eq!(order.session_expires_at(), Some(t(60)));
    }

    #[test]
    fn payment_succeeded_authorizes() {
        let mut order = order_after(&[session_created()]);
        let transition = order.apply(&paid()).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::PendingPayment, OrderStatus::Authorized)
        );
        let payment = order.payment();
        assert_eq!(payment.status, RecordStatus::Success);
        assert_eq!(payment.payment_id.as_deref(), Some("pay-1"));
        assert_eq!(payment.paid_at, Some(t(0)));
        assert_eq!(payment.auth_expires_at, Some(t(days(7))));
        assert_eq!(payment.card.as_ref().unwrap().last4, "1111");
        assert_eq!(order.authorized_amount(), sgd(TOTAL));
        assert_eq!(order.capturable_amount(), sgd(TOTAL));
    }

    #[test]
    fn the_same_success_again_is_a_duplicate() {
        let mut order = order_after(&[paid()]);
        assert_eq!(order.apply(&paid()), Err(NotApplied::Duplicate));
    }

    #[test]
    fn a_success_for_another_amount_or_currency_is_not_applied() {
        let mut order = new_order();
        assert_eq!(
            order.apply(&paid_with(sgd(TOTAL - 1))),
            Err(NotApplied::AmountMismatch {
                expected: sgd(TOTAL),
                reported: sgd(TOTAL - 1)
            })
        );
        assert_eq!(
            order.apply(&paid_with(jpy(TOTAL))),
            Err(NotApplied::CurrencyMismatch {
                expected: sgd(1).currency(),
                reported: jpy(1).currency()
            })
        );
        assert_eq!(order, new_order());
    }

    #[test]
    fn payment_failed_is_final() {
        let mut order = new_order();
        let transition = order.apply(&failed()).unwrap();
        assert_eq!(transition.to, OrderStatus::PaymentFailed);
        assert_eq!(order.payment().failure.as_ref().unwrap().code, "DO_NOT_HONOR");
        assert_eq!(order.apply(&failed()), Err(NotApplied::Duplicate));
        assert_eq!(
            order.apply(&paid()),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Payment,
                current: RecordStatus::Fail,
                reported: RecordStatus::Success
            })
        );
        assert_eq!(order.status(), OrderStatus::PaymentFailed);
    }

    #[test]
    fn a_failure_after_success_does_not_regress() {
        let mut order = order_after(&[paid()]);
        let refusal = order.apply(&failed()).unwrap_err();
        assert_eq!(
            refusal,
            NotApplied::ConflictsWithTerminal {
                record: RecordKind::Payment,
                current: RecordStatus::Success,
                reported: RecordStatus::Fail
            }
        );
        assert!(refusal.needs_review());
        assert_eq!(order.status(), OrderStatus::Authorized);
    }

    #[test]
    fn pending_only_teaches_the_payment_id() {
        let mut order = new_order();
        assert_eq!(order.apply(&pending(None)), Err(NotApplied::Duplicate));
        let transition = order.apply(&pending(Some("pay-1"))).unwrap();
        assert_eq!(transition.to, OrderStatus::PendingPayment);
        assert_eq!(order.payment().payment_id.as_deref(), Some("pay-1"));
        assert_eq!(order.apply(&pending(Some("pay-1"))), Err(NotApplied::Duplicate));
    }

    #[test]
    fn pending_after_a_result_is_a_duplicate() {
        let mut order = order_after(&[paid()]);
        assert_eq!(order.apply(&pending(Some("pay-1"))), Err(NotApplied::Duplicate));
        let mut order = order_after(&[failed()]);
        assert_eq!(order.apply(&pending(None)), Err(NotApplied::Duplicate));
    }

    #[test]
    fn a_late_pending_still_fills_a_missing_payment_id() {
        let no_id = Event::PaymentFailed {
            payment_id: None,
            code: "ORDER_IS_CLOSED".into(),
            message: "closed".into(),
        };
        let mut order = order_after(&[no_id]);
        order.apply(&pending(Some("pay-1"))).unwrap();
        assert_eq!(order.payment().payment_id.as_deref(), Some("pay-1"));
        assert_eq!(order.status(), OrderStatus::PaymentFailed);
    }

    #[test]
    fn antom_ids_must_not_change() {
        let mut order = order_after(&[pending(Some("pay-1"))]);
        let refusal = order.apply(&pending(Some("pay-2"))).unwrap_err();
        assert_eq!(
            refusal,
            NotApplied::InvariantViolated {
                violation: InvariantViolation::ExternalIdChanged {
                    record: RecordKind::Payment,
                    known: "pay-1".into(),
                    reported: "pay-2".into()
                }
            }
        );
        assert!(refusal.needs_review());
    }

    #[test]
    fn success_after_an_implied_success_fills_the_details() {
        let mut order = order_after(&[capture_succeeded("auto-1", TOTAL)]);
        assert_eq!(order.payment().status, RecordStatus::Success);
        assert_eq!(order.payment().paid_at, None);
        let transition = order.apply(&paid()).unwrap();
        assert_eq!(transition.to, OrderStatus::Captured);
        assert_eq!(order.payment().paid_at, Some(t(0)));
        assert_eq!(order.payment().card.as_ref().unwrap().brand, "VISA");
        assert_eq!(order.apply(&paid()), Err(NotApplied::Duplicate));
    }

    #[test]
    fn success_clears_an_earlier_session_expiry() {
        let mut order = order_after(&[session_created(), session_expired()]);
        assert_eq!(order.status(), OrderStatus::Expired);
        order.apply(&paid()).unwrap();
        assert!(!order.session_expired());
        assert_eq!(order.status(), OrderStatus::Authorized);
    }
}
