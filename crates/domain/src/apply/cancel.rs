//! Cancel (void) of an authorisation.
//!
//! An order has at most one current cancel attempt. A new request may replace an attempt that
//! FAILED; while one is in flight or succeeded, another request is illegal and results for other
//! request ids are unknown records. A result for an unknown id with no current attempt (or a
//! failed one) creates it, so a result that overtakes our request event is not lost. Whether a
//! cancel success is compatible with captures is the invariants' call (never both).

use super::outcome::{Applied, Change, NotApplied};
use super::record::settle;
use crate::ids::CancelRequestId;
use crate::order::Order;
use crate::records::{Cancel, Failure, RecordKind};
use crate::status::{OrderStatus, RecordStatus};

const CANCEL_ALLOWED: &[OrderStatus] = &[OrderStatus::Authorized, OrderStatus::CaptureFailed];

impl Order {
    pub(super) fn on_cancel_requested(
        &mut self,
        kind: &'static str,
        request_id: &CancelRequestId,
    ) -> Applied {
        if let Some(cancel) = &self.cancel {
            if cancel.request_id == *request_id {
                return Err(NotApplied::Duplicate);
            }
        }
        if let Some(reason) = self.new_cancel_refusal() {
            return Err(self.illegal(kind, CANCEL_ALLOWED, reason));
        }
        self.cancel = Some(Cancel {
            request_id: request_id.clone(),
            status: RecordStatus::Processing,
            failure: None,
        });
        Ok(vec![created(request_id, RecordStatus::Processing)])
    }

    pub(super) fn on_cancel_succeeded(&mut self, request_id: &CancelRequestId) -> Applied {
        self.on_cancel_result(request_id, RecordStatus::Success, None)
    }

    pub(super) fn on_cancel_failed(&mut self, request_id: &CancelRequestId, failure: Failure) -> Applied {
        self.on_cancel_result(request_id, RecordStatus::Fail, Some(failure))
    }

    fn on_cancel_result(
        &mut self,
        request_id: &CancelRequestId,
        reported: RecordStatus,
        failure: Option<Failure>,
    ) -> Applied {
        match self.cancel.as_mut() {
            Some(cancel) if cancel.request_id == *request_id => {
                if !settle(&mut cancel.status, reported, RecordKind::Cancel)? {
                    return Err(NotApplied::Duplicate);
                }
                cancel.failure = failure;
                Ok(vec![Change::StatusChanged {
                    record: RecordKind::Cancel,
                    request_id: request_id.to_string(),
                    from: RecordStatus::Processing,
                    to: reported,
                }])
            }
            Some(cancel) if cancel.status != RecordStatus::Fail => Err(NotApplied::UnknownRecord {
                record: RecordKind::Cancel,
                request_id: request_id.to_string(),
            }),
            Some(_) | None => {
                self.cancel = Some(Cancel {
                    request_id: request_id.clone(),
                    status: reported,
                    failure,
                });
                Ok(vec![created(request_id, reported)])
            }
        }
    }

    fn new_cancel_refusal(&self) -> Option<&'static str> {
        if self.payment.status != RecordStatus::Success {
            Some("the payment is not authorized")
        } else if self.cancel_status() == Some(RecordStatus::Processing) {
            Some("another cancel is in flight")
        } else if self.cancel_status() == Some(RecordStatus::Success) {
            Some("the payment is already canceled")
        } else if !self.captured_amount().is_zero() || !self.capture_in_flight().is_zero() {
            Some("a capture succeeded or is in flight")
        } else if self.authorization_expired {
            Some("the authorization expired")
        } else {
            None
        }
    }
}

fn created(request_id: &CancelRequestId, status: RecordStatus) -> Change {
    Change::Created {
        record: RecordKind::Cancel,
        request_id: request_id.to_string(),
        status,
    }
}

#[cfg(test)]
mod tests {
    use crate::invariants::InvariantViolation;
    use crate::records::RecordKind;
    use crate::status::{OrderStatus, RecordStatus};
    use crate::testkit::*;
    use crate::NotApplied;

    #[test]
    fn request_then_success_cancels() {
        let mut order = order_after(&[paid()]);
        let transition = order.apply(&cancel_requested("x1")).unwrap();
        assert_eq!(transition.to, OrderStatus::Authorized);
        assert_eq!(order.cancel().unwrap().status, RecordStatus::Processing);
        let transition = order.apply(&cancel_succeeded("x1")).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::Authorized, OrderStatus::Canceled)
        );
        assert_eq!(order.capturable_amount(), sgd(0));
        assert_eq!(order.apply(&cancel_succeeded("x1")), Err(NotApplied::Duplicate));
        assert_eq!(order.apply(&cancel_requested("x1")), Err(NotApplied::Duplicate));
    }

    #[test]
    fn a_failed_cancel_can_be_retried_with_a_new_request() {
        let mut order = order_after(&[paid(), cancel_requested("x1")]);
        order.apply(&cancel_failed("x1")).unwrap();
        assert_eq!(order.status(), OrderStatus::Authorized);
        assert_eq!(order.apply(&cancel_failed("x1")), Err(NotApplied::Duplicate));
        order.apply(&cancel_requested("x2")).unwrap();
        order.apply(&cancel_succeeded("x2")).unwrap();
        assert_eq!(order.cancel().unwrap().request_id, cx("x2"));
        assert_eq!(order.status(), OrderStatus::Canceled);
    }

    #[test]
    fn terminal_cancels_do_not_regress() {
        let mut order = order_after(&[paid(), cancel_requested("x1"), cancel_succeeded("x1")]);
        assert_eq!(
            order.apply(&cancel_failed("x1")),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Cancel,
                current: RecordStatus::Success,
                reported: RecordStatus::Fail
            })
        );
        let mut order = order_after(&[paid(), cancel_requested("x1"), cancel_failed("x1")]);
        assert_eq!(
            order.apply(&cancel_succeeded("x1")),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Cancel,
                current: RecordStatus::Fail,
                reported: RecordStatus::Success
            })
        );
    }

    #[test]
    fn requests_are_refused_when_cancel_is_impossible() {
        let cases = [
            (vec![], "the payment is not authorized"),
            (
                vec![paid(), cancel_requested("x0")],
                "another cancel is in flight",
            ),
            (
                vec![paid(), cancel_requested("x0"), cancel_succeeded("x0")],
                "the payment is already canceled",
            ),
            (
                vec![paid(), capture_requested("c1", 1)],
                "a capture succeeded or is in flight",
            ),
            (
                vec![paid(), capture_succeeded("c1", 1)],
                "a capture succeeded or is in flight",
            ),
            (vec![paid(), auth_expired()], "the authorization expired"),
        ];
        for (history, expected) in cases {
            let mut order = order_after(&history);
            match order.apply(&cancel_requested("x1")) {
                Err(NotApplied::IllegalInState { reason, .. }) => assert_eq!(reason, expected),
                other => panic!("expected IllegalInState, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_cancel_success_once_captured_is_refused() {
        let mut order = order_after(&[paid(), capture_succeeded("c1", 100)]);
        assert_eq!(
            order.apply(&cancel_succeeded("x1")),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::CanceledWithCaptures { captured: sgd(100) }
            })
        );
    }

    #[test]
    fn a_result_before_the_request_creates_the_cancel() {
        let mut order = order_after(&[paid()]);
        order.apply(&cancel_succeeded("x1")).unwrap();
        assert_eq!(order.status(), OrderStatus::Canceled);
        assert_eq!(order.apply(&cancel_requested("x1")), Err(NotApplied::Duplicate));
        let mut order = order_after(&[paid()]);
        order.apply(&cancel_failed("x1")).unwrap();
        assert_eq!(order.cancel().unwrap().status, RecordStatus::Fail);
        assert_eq!(order.apply(&cancel_requested("x1")), Err(NotApplied::Duplicate));
    }

    #[test]
    fn results_for_another_attempt_are_unknown_while_one_is_current() {
        let mut order = order_after(&[paid(), cancel_requested("x1")]);
        assert_eq!(
            order.apply(&cancel_succeeded("x2")),
            Err(NotApplied::UnknownRecord {
                record: RecordKind::Cancel,
                request_id: "x2".into()
            })
        );
    }

    #[test]
    fn a_canceled_unpaid_payment_reads_canceled_even_if_a_success_follows() {
        let mut order = order_after(&[cancel_succeeded("x1")]);
        assert_eq!(order.status(), OrderStatus::Canceled);
        order.apply(&paid()).unwrap();
        assert_eq!(order.status(), OrderStatus::Canceled);
    }
}
