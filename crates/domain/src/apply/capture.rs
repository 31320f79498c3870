//! Captures: our requests and Antom's results, in any order.
//!
//! A new capture request must fit in what is still capturable (authorised − captured − in
//! flight) and needs a live, uncanceled authorisation. A result for an unknown request id (Antom's
//! automatic capture, or a result that overtook our own request event) creates the record; the
//! request event then only fills in `requested_at` (and the amount of a failure). A success also
//! proves the authorisation succeeded and was still alive.

use chrono::{DateTime, Utc};

use super::outcome::{changed, Applied, Change, NotApplied};
use super::record::{fill, learn_external_id, settle};
use crate::ids::CaptureRequestId;
use crate::invariants::InvariantViolation;
use crate::money::Money;
use crate::order::Order;
use crate::records::{Capture, Failure, RecordKind};
use crate::status::{OrderStatus, RecordStatus};

/// Where a new capture request is legal (the other conditions are in `new_capture_refusal`).
const CAPTURE_ALLOWED: &[OrderStatus] = &[
    OrderStatus::Authorized,
    OrderStatus::CapturePending,
    OrderStatus::Captured,
    OrderStatus::CaptureFailed,
    OrderStatus::PartiallyRefunded,
    OrderStatus::Refunded,
];

impl Order {
    pub(super) fn on_capture_requested(
        &mut self,
        kind: &'static str,
        request_id: &CaptureRequestId,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Applied {
        if let Some(index) = self.capture_index(request_id) {
            self.expect_amount(self.captures[index].amount, amount)?;
            let capture = &mut self.captures[index];
            let learned =
                fill(&mut capture.amount, Some(&amount)) | fill(&mut capture.requested_at, Some(&at));
            return changed(capture_details(learned, request_id));
        }
        self.expect_currency(amount)?;
        if let Some(reason) = self.new_capture_refusal() {
            return Err(self.illegal(kind, CAPTURE_ALLOWED, reason));
        }
        let capturable = self.capturable_amount();
        if amount.minor() > capturable.minor() {
            return Err(InvariantViolation::CaptureExceedsCapturable {
                requested: amount,
                capturable,
            }
            .into());
        }
        self.captures.push(Capture {
            request_id: request_id.clone(),
            amount: Some(amount),
            status: RecordStatus::Processing,
            capture_id: None,
            failure: None,
            requested_at: Some(at),
            captured_at: None,
        });
        Ok(vec![created(request_id, RecordStatus::Processing)])
    }

    pub(super) fn on_capture_succeeded(
        &mut self,
        request_id: &CaptureRequestId,
        capture_id: Option<&String>,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Applied {
        let mut changes = Vec::new();
        match self.capture_index(request_id) {
            Some(index) => {
                self.expect_amount(self.captures[index].amount, amount)?;
                let capture = &mut self.captures[index];
                if settle(&mut capture.status, RecordStatus::Success, RecordKind::Capture)? {
                    changes.push(status_changed(request_id, RecordStatus::Success));
                }
                let learned = learn_external_id(&mut capture.capture_id, capture_id, RecordKind::Capture)?
                    | fill(&mut capture.captured_at, Some(&at))
                    | fill(&mut capture.amount, Some(&amount));
                if changes.is_empty() {
                    // Already SUCCESS: the payment success was implied when it became so.
                    return changed(capture_details(learned, request_id));
                }
            }
            None => {
                self.expect_currency(amount)?;
                self.captures.push(Capture {
                    request_id: request_id.clone(),
                    amount: Some(amount),
                    status: RecordStatus::Success,
                    capture_id: capture_id.cloned(),
                    failure: None,
                    requested_at: None,
                    captured_at: Some(at),
                });
                changes.push(created(request_id, RecordStatus::Success));
            }
        }
        self.imply_payment_success(&mut changes)?;
        if self.authorization_expired {
            self.authorization_expired = false;
            changes.push(Change::AuthorizationExpiryCleared);
        }
        Ok(changes)
    }

    pub(super) fn on_capture_failed(&mut self, request_id: &CaptureRequestId, failure: Failure) -> Applied {
        match self.capture_index(request_id) {
            Some(index) => {
                let capture = &mut self.captures[index];
                if !settle(&mut capture.status, RecordStatus::Fail, RecordKind::Capture)? {
                    return Err(NotApplied::Duplicate);
                }
                capture.failure = Some(failure);
                Ok(vec![status_changed(request_id, RecordStatus::Fail)])
            }
            None => {
                self.captures.push(Capture {
                    request_id: request_id.clone(),
                    amount: None,
                    status: RecordStatus::Fail,
                    capture_id: None,
                    failure: Some(failure),
                    requested_at: None,
                    captured_at: None,
                });
                Ok(vec![created(request_id, RecordStatus::Fail)])
            }
        }
    }

    /// Accepted without change while the capture is PROCESSING (the caller keeps inquiring).
    pub(super) fn on_capture_still_unknown(&mut self, request_id: &CaptureRequestId) -> Applied {
        match self.capture_index(request_id).map(|i| self.captures[i].status) {
            Some(RecordStatus::Processing) => Ok(Vec::new()),
            Some(RecordStatus::Success | RecordStatus::Fail) => Err(NotApplied::Duplicate),
            None => Err(NotApplied::UnknownRecord {
                record: RecordKind::Capture,
                request_id: request_id.to_string(),
            }),
        }
    }

    fn capture_index(&self, request_id: &CaptureRequestId) -> Option<usize> {
        self.captures
            .iter()
            .position(|capture| capture.request_id == *request_id)
    }

    fn new_capture_refusal(&self) -> Option<&'static str> {
        if self.payment.status != RecordStatus::Success {
            Some("the payment is not authorized")
        } else if self.cancel_status() == Some(RecordStatus::Success) {
            Some("the payment is canceled")
        } else if self.cancel_status() == Some(RecordStatus::Processing) {
            Some("a cancel is in flight")
        } else if self.authorization_expired {
            Some("the authorization expired")
        } else {
            None
        }
    }
}

fn created(request_id: &CaptureRequestId, status: RecordStatus) -> Change {
    Change::Created {
        record: RecordKind::Capture,
        request_id: request_id.to_string(),
        status,
    }
}

fn status_changed(request_id: &CaptureRequestId, to: RecordStatus) -> Change {
    Change::StatusChanged {
        record: RecordKind::Capture,
        request_id: request_id.to_string(),
        from: RecordStatus::Processing,
        to,
    }
}

fn capture_details(learned: bool, request_id: &CaptureRequestId) -> Vec<Change> {
    if learned {
        vec![Change::DetailsLearned {
            record: RecordKind::Capture,
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

    #[test]
    fn request_then_success_captures() {
        let mut order = order_after(&[paid()]);
        let transition = order.apply(&capture_requested("c1", 4_000)).unwrap();
        assert_eq!(transition.to, OrderStatus::CapturePending);
        assert_eq!(order.capture_in_flight(), sgd(4_000));
        assert_eq!(order.capturable_amount(), sgd(6_000));
        let transition = order.apply(&capture_succeeded("c1", 4_000)).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::CapturePending, OrderStatus::Captured)
        );
        let capture = &order.captures()[0];
        assert_eq!(capture.status, RecordStatus::Success);
        assert_eq!(capture.capture_id.as_deref(), Some("antom-c1"));
        assert_eq!(capture.requested_at, Some(t(10)));
        assert_eq!(capture.captured_at, Some(t(11)));
        assert_eq!(order.captured_amount(), sgd(4_000));
        assert_eq!(order.capturable_amount(), sgd(6_000));
        assert_eq!(
            order.apply(&capture_succeeded("c1", 4_000)),
            Err(NotApplied::Duplicate)
        );
        assert_eq!(
            order.apply(&capture_requested("c1", 4_000)),
            Err(NotApplied::Duplicate)
        );
    }

    #[test]
    fn a_failed_capture_leaves_the_authorization_capturable() {
        let mut order = order_after(&[paid(), capture_requested("c1", TOTAL)]);
        let transition = order.apply(&capture_failed("c1")).unwrap();
        assert_eq!(transition.to, OrderStatus::CaptureFailed);
        assert_eq!(order.captures()[0].failure.as_ref().unwrap().code, "PROCESS_FAIL");
        assert_eq!(order.capturable_amount(), sgd(TOTAL));
        assert_eq!(order.apply(&capture_failed("c1")), Err(NotApplied::Duplicate));
        order.apply(&capture_requested("c2", TOTAL)).unwrap();
        assert_eq!(order.status(), OrderStatus::CapturePending);
    }

    #[test]
    fn terminal_captures_do_not_regress() {
        let mut order = order_after(&[paid(), capture_succeeded("c1", 100)]);
        assert_eq!(
            order.apply(&capture_failed("c1")),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Capture,
                current: RecordStatus::Success,
                reported: RecordStatus::Fail
            })
        );
        let mut order = order_after(&[paid(), capture_failed("c1")]);
        assert_eq!(
            order.apply(&capture_succeeded("c1", 100)),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Capture,
                current: RecordStatus::Fail,
                reported: RecordStatus::Success
            })
        );
    }

    #[test]
    fn a_request_must_fit_in_the_capturable_amount() {
        let mut order = order_after(&[paid(), capture_requested("c1", 6_000)]);
        assert_eq!(
            order.apply(&capture_requested("c2", 4_001)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::CaptureExceedsCapturable {
                    requested: sgd(4_001),
                    capturable: sgd(4_000)
                }
            })
        );
        order.apply(&capture_requested("c2", 4_000)).unwrap();
    }

    #[test]
    fn a_zero_capture_is_refused_by_the_invariants() {
        let mut order = order_after(&[paid()]);
        assert_eq!(
            order.apply(&capture_requested("c1", 0)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::BadRecordAmount {
                    record: RecordKind::Capture,
                    request_id: "c1".into()
                }
            })
        );
    }

    #[test]
    fn requests_are_refused_without_a_live_authorization() {
        let cases = [
            (vec![], "the payment is not authorized"),
            (vec![failed()], "the payment is not authorized"),
            (vec![paid(), cancel_requested("x1")], "a cancel is in flight"),
            (
                vec![paid(), cancel_requested("x1"), cancel_succeeded("x1")],
                "the payment is canceled",
            ),
            (vec![paid(), auth_expired()], "the authorization expired"),
        ];
        for (history, expected) in cases {
            let mut order = order_after(&history);
            match order.apply(&capture_requested("c1", 100)) {
                Err(NotApplied::IllegalInState { reason, event, .. }) => {
                    assert_eq!((reason, event), (expected, "CAPTURE_REQUESTED"));
                }
                other => panic!("expected IllegalInState, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_capture_in_another_currency_is_not_applied() {
        let mut order = order_after(&[paid()]);
        let request = Event::CaptureRequested {
            request_id: cap("c1"),
            amount: jpy(100),
            at: t(1),
        };
        assert_eq!(order.apply(&request).unwrap_err().code(), "CURRENCY_MISMATCH");
        let result = Event::CaptureSucceeded {
            request_id: cap("c1"),
            capture_id: None,
            amount: jpy(100),
            at: t(1),
        };
        assert_eq!(order.apply(&result).unwrap_err().code(), "CURRENCY_MISMATCH");
    }

    #[test]
    fn a_result_for_another_amount_is_not_applied() {
        let mut order = order_after(&[paid(), capture_requested("c1", 4_000)]);
        assert_eq!(
            order.apply(&capture_succeeded("c1", 5_000)),
            Err(NotApplied::AmountMismatch {
                expected: sgd(4_000),
                reported: sgd(5_000)
            })
        );
        assert_eq!(
            order.apply(&capture_requested("c1", 5_000)),
            Err(NotApplied::AmountMismatch {
                expected: sgd(4_000),
                reported: sgd(5_000)
            })
        );
    }

    #[test]
    fn captured_can_never_exceed_authorized() {
        let mut order = order_after(&[paid(), capture_succeeded("auto-1", TOTAL)]);
        assert_eq!(
            order.apply(&capture_succeeded("auto-2", 1)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::CapturedExceedsAuthorized {
                    captured: sgd(TOTAL + 1),
                    authorized: sgd(TOTAL)
                }
            })
        );
    }

    #[test]
    fn a_capture_success_after_cancel_is_refused() {
        let mut order = order_after(&[paid(), cancel_requested("x1"), cancel_succeeded("x1")]);
        assert_eq!(
            order.apply(&capture_succeeded("auto-1", TOTAL)),
            Err(NotApplied::InvariantViolated {
                violation: InvariantViolation::CanceledWithCaptures { captured: sgd(TOTAL) }
            })
        );
        assert_eq!(order.status(), OrderStatus::Canceled);
    }

    #[test]
    fn a_capture_success_before_the_payment_result_implies_authorization() {
        let mut order = order_after(&[session_created()]);
        let transition = order.apply(&capture_succeeded("auto-1", TOTAL)).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::PendingPayment, OrderStatus::Captured)
        );
        assert_eq!(order.payment().status, RecordStatus::Success);
        assert_eq!(order.authorized_amount(), sgd(TOTAL));
        assert_eq!(order.captures()[0].requested_at, None);
    }

    #[test]
    fn a_capture_success_on_a_failed_payment_conflicts() {
        let mut order = order_after(&[failed()]);
        assert_eq!(
            order.apply(&capture_succeeded("auto-1", TOTAL)),
            Err(NotApplied::ConflictsWithTerminal {
                record: RecordKind::Payment,
                current: RecordStatus::Fail,
                reported: RecordStatus::Success
            })
        );
        assert!(order.captures().is_empty());
    }

    #[test]
    fn a_late_request_event_fills_in_what_the_result_lacked() {
        let mut order = order_after(&[paid(), capture_failed("c1")]);
        assert_eq!(order.captures()[0].amount, None);
        assert_eq!(order.status(), OrderStatus::CaptureFailed);
        order.apply(&capture_requested("c1", 700)).unwrap();
        assert_eq!(order.captures()[0].amount, Some(sgd(700)));
        assert_eq!(order.captures()[0].requested_at, Some(t(10)));
        assert_eq!(order.captures()[0].status, RecordStatus::Fail);
        assert_eq!(
            order.apply(&capture_requested("c1", 700)),
            Err(NotApplied::Duplicate)
        );
    }

    #[test]
    fn still_unknown_keeps_the_capture_processing() {
        let mut order = order_after(&[paid(), capture_requested("c1", 100)]);
        let transition = order.apply(&capture_unknown("c1")).unwrap();
        assert!(transition.changes.is_empty());
        assert_eq!(transition.to, OrderStatus::CapturePending);
        assert_eq!(
            order.apply(&capture_unknown("c9")),
            Err(NotApplied::UnknownRecord {
                record: RecordKind::Capture,
                request_id: "c9".into()
            })
        );
        order.apply(&capture_succeeded("c1", 100)).unwrap();
        assert_eq!(order.apply(&capture_unknown("c1")), Err(NotApplied::Duplicate));
    }

    #[test]
    fn a_capture_success_proves_the_authorization_was_alive() {
        let mut order = order_after(&[paid(), auth_expired()]);
        assert_eq!(order.status(), OrderStatus::Expired);
        order.apply(&capture_succeeded("auto-1", TOTAL)).unwrap();
        assert!(!order.authorization_expired());
        assert_eq!(order.status(), OrderStatus::Captured);
    }

    #[test]
    fn antom_capture_ids_must_not_change() {
        let mut order = order_after(&[paid(), capture_succeeded("c1", 100)]);
        let other = Event::CaptureSucceeded {
            request_id: cap("c1"),
            capture_id: Some("other".into()),
            amount: sgd(100),
            at: t(11),
        };
        assert_eq!(order.apply(&other).unwrap_err().code(), "INVARIANT_VIOLATED");
    }
}
