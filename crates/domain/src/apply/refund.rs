//! Refunds: our requests and Antom's results, in any order.
//!
//! A new refund request needs something captured and must fit in what is still refundable
//! (captured − refunded − in flight). A result for an unknown request id creates the record; the
//! request event then fills in `requested_at`, the reason and (for a failure) the amount. A
//! success that would make refunded exceed captured is refused by the invariants.

use chrono::{DateTime, Utc};

use super::outcome::{changed, Applied, Change, NotApplied};
use super::record::{fill, learn_external_id, settle};
use crate::ids::RefundRequestId;
use crate::invariants::InvariantViolation;
use crate::money::Money;
use crate::order::Order;
use crate::records::{Failure, RecordKind, Refund};
use crate::status::{OrderStatus, RecordStatus};

const REFUND_ALLOWED: &[OrderStatus] = &[
    OrderStatus::CapturePending,
    OrderStatus::Captured,
    OrderStatus::PartiallyRefunded,
];

impl Order {
    pub(super) fn on_refund_requested(
        &mut self,
        kind: &'static str,
        request_id: &RefundRequestId,
        amount: Money,
        reason: Option<&String>,
        at: DateTime<Utc>,
    ) -> Applied {
        if let Some(index) = self.refund_index(request_id) {
            self.expect_amount(self.refunds[index].amount, amount)?;
            let refund = &mut self.refunds[index];
            let learned = fill(&mut refund.amount, Some(&amount))
                | fill(&mut refund.requested_at, Some(&at))
                | fill(&mut refund.reason, reason);
            return changed(refund_details(learned, request_id));
        }
        self.expect_currency(amount)?;
        if self.payment.status != RecordStatus::Success || self.captured_amount().is_zero() {
            return Err(self.illegal(kind, REFUND_ALLOWED, "nothing is captured"));
        }
        let refundable = self.refundable_amount();
        if amount.minor() > refundable.minor() {
            return Err(InvariantViolation::RefundExceedsRefundable {
                requested: amount,
                refundable,
            }
            .into());
        }
        self.refunds.push(Refund {
            request_id: request_id.clone(),
            amount: Some(amount),
            status: RecordStatus::Processing,
            refund_id: None,
            reason: reason.cloned(),
            failure: None,
            requested_at: Some(at),
            refunded_at: None,
        });
        Ok(vec![created(request_id, RecordStatus::Processing)])
    }

    pub(super) fn on_refund_succeeded(
        &mut self,
        request_id: &RefundRequestId,
        refund_id: Option<&String>,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Applied {
        match self.refund_index(request_id) {
            Some(index) => {
                self.expect_amount(self.refunds[index].amount, amount)?;
                let refund = &mut self.refunds[index];
                let settled = settle(&mut refund.status, RecordStatus::Success, RecordKind::Refund)?;
                let learned = learn_external_id(&mut refund.refund_id, refund_id, RecordKind::Refund)?
                    | fill(&mut refund.refunded_at, Some(&at))
                    | fill(&mut refund.amount, Some(&amount));
                if settled {
                    Ok(vec![status_changed(request_id, RecordStatus::Success)])
                } else {
                    changed(refund_details(learned, request_id))
                }
            }
            None => {
                self.expect_currency(amount)?;
                self.refunds.push(Refund {
                    request_id: request_id.clone(),
                    amount: Some(amount),
                    status: RecordStatus::Success,
                    refund_id: refund_id.cloned(),
                    reason: None,
                    failure: None,
                    requested_at: None,
                    refunded_at: Some(at),
                });
                Ok(vec![created(request_id, RecordStatus::Success)])
            }
        }
    }

    pub(super) fn on_refund_failed(&mut self, request_id: &RefundRequestId, failure: Failure) -> Applied {
        match self.refund_index(request_id) {
            Some(index) => {
                let refund = &mut self.refunds[index];
                if !settle(&mut refund.status, RecordStatus::Fail, RecordKind::Refund)? {
                    return Err(NotApplied::Duplicate);
                }
                refund.failure = Some(failure);
                Ok(vec![status_changed(request_id, RecordStatus::Fail)])
            }
            None => {
                self.refunds.push(Refund {
                    request_id: request_id.clone(),
                    amount: None,
                    status: RecordStatus::Fail,
                    refund_id: None,
                    reason: None,
                    failure: Some(failure),
                    requested_at: None,
                    refunded_at: None,
                });
                Ok(vec![created(request_id, RecordStatus::Fail)])
            }
        }
    }

    /// Accepted without change while the refund is PROCESSING (the caller keeps inquiring).
    pub(super) fn on_refund_still_unknown(&mut self, request_id: &RefundRequestId) -> Applied {
        match self.refund_index(request_id).map(|i| self.refunds[i].status) {
            Some(RecordStatus::Processing) => Ok(Vec::new()),
            Some(RecordStatus::Success | RecordStatus::Fail) => Err(NotApplied::Duplicate),
            None => Err(NotApplied::UnknownRecord {
                record: RecordKind::Refund,
                request_id: request_id.to_string(),
            }),
        }
    }

    fn refund_index(&self, request_id: &RefundRequestId) -> Option<usize> {
        self.refunds
            .iter()
            .position(|refund| refund.request_id == *request_id)
    }
}

fn created(request_id: &RefundRequestId, status: RecordStatus) -> Change {
    Change::Created {
        record: RecordKind::Refund,
        request_id: request_id.to_string(),
        status,
    }
}

fn status_changed(request_id: &RefundRequestId, to: RecordStatus) -> Change {
    Change::StatusChanged {
        record: RecordKind::Refund,
        request_id: request_id.to_string(),
        from: RecordStatus::Processing,
        to,
    }
}

fn refund_details(learned: bool, request_id: &RefundRequestId) -> Vec<Change> {
    if learned {
        vec![Change::DetailsLearned {
            record: RecordKind::Refund,
            request_id: request_id.to_string(),
        }]
    } else {
        Vec::new()
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

    fn captured() -> Vec<Event> {
        vec![
            paid(),
            capture_requested("c1", 6_000),
            capture_succeeded("c1", 6_000),
        ]
    }

    #[test]
    fn partial_then_full_refund() {
        let mut order = order_after(&captured());
        order.apply(&refund_requested("r1", 2_000)).unwrap();
        assert_eq!(order.refund_in_flight(), sgd(2_000));
        assert_eq!(order.refundable_amount(), sgd(4_000));
        let transition = order.apply(&refund_succeeded("r1", 2_000)).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::Captured, OrderStatus::PartiallyRefunded)
        );
        let refund = &order.refunds()[0];
        assert_eq!(refund.reason.as_deref(), Some("damaged"));
        assert_eq!(refund.refund_id.as_deref(), Some("antom-r1"));
        order.apply(&refund_requested("r2", 4_000)).unwrap();
        let transition = order.apply(&refund_succeeded("r2", 4_000)).unwrap();
        assert_eq!(transition.to, OrderStatus::Refunded);
        assert_eq!(order.refunded_amount(), sgd(6_000));
        assert_eq!(order.refundable_amount(), sgd(0));
        assert_eq!(
            order.apply(&refund_succeeded("r2", 4_000)),
            Err(NotApplied::Duplicate)
        );
    }

    #[test]
    fn a_failed_refund_frees_the_amount() {
        let mut order = order_after(&captured());
        order.apply(&refund_requested("r1", 6_000)).unwrap();
        assert_eq!(order.refundable_amount(), sgd(0));
        order.apply(&refund_failed("r1")).unwrap();
        assert_eq!(order.refundable_amount(), sgd(6_000));
        assert_eq!(order.status(), OrderStatus::Captured);
        assert_eq!(order.apply(&refund_failed("r1")), Err(NotApplied::Duplicate));
    }

    #[test]
    fn terminal_refunds_do_not_regress() {
        let mut order = order_after(&captured());
        order.apply(&refund_succeeded("r1", 100)).unwrap();
        assert_eq!(
            order.apply(&refund_failed("r1")),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Refund,
                current: RecordStatus::Success,
                reported: RecordStatus::Fail
            })
        );
        order.apply(&refund_failed("r2")).unwrap();
        assert_eq!(
            order.apply(&refund_succeeded("r2", 100)),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Refund,
                current: RecordStatus::Fail,
                reported: RecordStatus::Success
            })
        );
    }

    #[test]
    fn a_request_needs_something_captured() {
        for history in [vec![], vec![paid()], vec![paid(), capture_requested("c1", 100)]] {
            let mut order = order_after(&history);
            match order.apply(&refund_requested("r1", 100)) {
                Err(NotApplied::IllegalInState { reason, .. }) => {
                    assert_eq!(reason, "nothing is captured");
                }
                other => panic!("expected IllegalInState, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_request_must_fit_in_the_refundable_amount() {
        let mut order = order_after(&captured());
        order.apply(&refund_requested("r1", 5_000)).unwrap();
        assert_eq!(
            order.apply(&refund_requested("r2", 1_001)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::RefundExceedsRefundable {
                    requested: sgd(1_001),
                    refundable: sgd(1_000)
                }
            })
        );
    }

    #[test]
    fn refunded_can_never_exceed_captured() {
        let mut order = order_after(&captured());
        assert_eq!(
            order.apply(&refund_succeeded("r1", 6_001)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::RefundedExceedsCaptured {
                    refunded: sgd(6_001),
                    captured: sgd(6_000)
                }
            })
        );
        let mut order = order_after(&[paid()]);
        assert_eq!(
            order.apply(&refund_succeeded("r1", 1)).unwrap_err().code(),
            "INVARIANT_VIOLATED"
        );
    }

    #[test]
    fn amounts_and_currencies_must_match() {
        let mut order = order_after(&captured());
        order.apply(&refund_requested("r1", 1_000)).unwrap();
        assert_eq!(
            order.apply(&refund_succeeded("r1", 999)),
            Err(NotApplied::AmountMismatch {
                expected: sgd(1_000),
                reported: sgd(999)
            })
        );
        let foreign = Event::RefundSucceeded {
            request_id: rf("r1"),
            refund_id: None,
            amount: jpy(1_000),
            at: t(1),
        };
        assert_eq!(order.apply(&foreign).unwrap_err().code(), "CURRENCY_MISMATCH");
    }

    #[test]
    fn a_result_before_the_request_creates_the_refund_and_the_request_fills_it_in() {
        let mut order = order_after(&captured());
        order.apply(&refund_succeeded("r1", 1_000)).unwrap();
        assert_eq!(order.refunds()[0].reason, None);
        let transition = order.apply(&refund_requested("r1", 1_000)).unwrap();
        assert_eq!(transition.to, OrderStatus::PartiallyRefunded);
        assert_eq!(order.refunds()[0].reason.as_deref(), Some("damaged"));
        assert_eq!(order.refunds()[0].requested_at, Some(t(20)));
        assert_eq!(
            order.apply(&refund_requested("r1", 1_000)),
            Err(NotApplied::Duplicate)
        );
    }

    #[test]
    fn still_unknown_keeps_the_refund_processing() {
        let mut order = order_after(&captured());
        assert_eq!(
            order.apply(&refund_unknown("r1")),
            Err(NotApplied::UnknownRecord {
                record: RecordKind::Refund,
                request_id: "r1".into()
            })
        );
        order.apply(&refund_requested("r1", 100)).unwrap();
        assert!(order.apply(&refund_unknown("r1")).unwrap().changes.is_empty());
        order.apply(&refund_failed("r1")).unwrap();
        assert_eq!(order.apply(&refund_unknown("r1")), Err(NotApplied::Duplicate));
    }
}
