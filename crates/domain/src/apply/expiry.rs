//! Deadlines passing, as decided by the worker with its clock (see
//! [`Order::is_session_overdue`] and [`Order::is_authorization_overdue`]).
//!
//! `SessionExpired` is a flag, accepted while the payment is PROCESSING or FAIL, so the outcome
//! (EXPIRED) does not depend on whether the closing failure or the worker came first; once the
//! payment succeeded it is illegal (and a later success clears it). `AuthorizationExpired` applies
//! only to a successful, uncanceled authorisation with nothing captured or capturing.

use super::outcome::{Applied, Change, NotApplied};
use crate::order::Order;
use crate::status::{OrderStatus, RecordStatus};

impl Order {
    pub(super) fn on_session_expired(&mut self, kind: &'static str) -> Applied {
        if self.session_expired {
            return Err(NotApplied::Duplicate);
        }
        match self.payment.status {
            RecordStatus::Success => Err(self.illegal(
                kind,
                &[OrderStatus::PendingPayment, OrderStatus::PaymentFailed],
                "the payment succeeded",
            )),
            RecordStatus::Processing | RecordStatus::Fail => {
                self.session_expired = true;
                Ok(vec![Change::SessionExpired])
            }
        }
    }

    pub(super) fn on_authorization_expired(&mut self, kind: &'static str) -> Applied {
        if self.authorization_expired {
            return Err(NotApplied::Duplicate);
        }
        if !self.authorization_can_expire() {
            return Err(self.illegal(
                kind,
                &[OrderStatus::Authorized, OrderStatus::CaptureFailed],
                "only an authorization with nothing captured, capturing or canceled can expire",
            ));
        }
        self.authorization_expired = true;
        Ok(vec![Change::AuthorizationExpired])
    }
}

#[cfg(test)]
mod tests {
    use crate::status::OrderStatus;
    use crate::testkit::*;
    use crate::{NotApplied, SessionTimes};

    /// An hour's session, closed by Antom the moment it ends.
    const NO_WINDOW: SessionTimes = SessionTimes {
        validity: chrono::Duration::hours(1),
        close_window: chrono::Duration::zero(),
    };

    #[test]
    fn an_unpaid_session_expires() {
        let mut order = order_after(&[session_created()]);
        assert!(!order.is_session_overdue(t(59), NO_WINDOW, false));
        assert!(order.is_session_overdue(t(60), NO_WINDOW, false));
        let transition = order.apply(&session_expired()).unwrap();
        assert_eq!(
            (transition.from, transition.to),
            (OrderStatus::PendingPayment, OrderStatus::Expired)
        );
        assert!(!order.is_session_overdue(t(120), NO_WINDOW, false));
        assert_eq!(order.apply(&session_expired()), Err(NotApplied::Duplicate));
    }

    #[test]
    fn a_session_is_only_expired_locally_after_the_close_window_and_if_antom_does_not_know_it() {
        let times = SessionTimes {
            validity: chrono::Duration::hours(1),
            close_window: chrono::Duration::minutes(20),
        };
        let order = order_after(&[session_created()]);
        assert!(!order.is_session_overdue(t(79), times, false));
        assert!(order.is_session_overdue(t(80), times, false));
        assert!(
            !order.is_session_overdue(t(days(1)), times, true),
            "a payment Antom knows settles on Antom's side, however late"
        );
        // A session that never got an answer from Antom has the deadline it asked for.
        let unknown = new_order();
        assert!(!unknown.is_session_overdue(t(79), times, false));
        assert!(unknown.is_session_overdue(t(80), times, false));
    }

    #[test]
    fn the_closing_failure_and_the_expiry_commute() {
        let a = order_after(&[session_created(), session_expired(), failed()]);
        let b = order_after(&[session_created(), failed(), session_expired()]);
        assert_eq!(a, b);
        assert_eq!(a.status(), OrderStatus::Expired);
    }

    #[test]
    fn a_paid_session_cannot_expire() {
        let mut order = order_after(&[session_created(), paid()]);
        assert!(!order.is_session_overdue(t(days(1)), NO_WINDOW, false));
        match order.apply(&session_expired()) {
            Err(NotApplied::IllegalInState { current, .. }) => {
                assert_eq!(current, OrderStatus::Authorized);
            }
            other => panic!("expected IllegalInState, got {other:?}"),
        }
    }

    #[test]
    fn an_unused_authorization_expires() {
        let mut order = order_after(&[paid()]);
        assert_eq!(
            order.authorization_check_at(),
            Some(t(days(7))),
            "checked when it lapses"
        );
        assert!(!order.is_authorization_overdue(t(days(7) - 1)));
        assert!(order.is_authorization_overdue(t(days(7))));
        assert_eq!(
            order_after(&[paid(), capture_succeeded("c1", 100)]).authorization_check_at(),
            None,
            "a captured authorization cannot lapse"
        );
        let transition = order.apply(&auth_expired()).unwrap();
        assert_eq!(order.authorization_check_at(), None);
        assert_eq!(transition.to, OrderStatus::Expired);
        assert_eq!(order.capturable_amount(), sgd(0));
        assert_eq!(order.authorized_amount(), sgd(TOTAL));
        assert!(!order.is_authorization_overdue(t(days(8))));
        assert_eq!(order.apply(&auth_expired()), Err(NotApplied::Duplicate));
    }

    #[test]
    fn an_authorization_after_failed_captures_can_expire() {
        let mut order = order_after(&[paid(), capture_requested("c1", 1), capture_failed("c1")]);
        assert_eq!(order.status(), OrderStatus::CaptureFailed);
        order.apply(&auth_expired()).unwrap();
        assert_eq!(order.status(), OrderStatus::Expired);
    }

    #[test]
    fn a_used_authorization_cannot_expire() {
        for history in [
            vec![],
            vec![paid(), capture_requested("c1", 1)],
            vec![paid(), capture_succeeded("c1", 1)],
            vec![paid(), cancel_succeeded("x1")],
        ] {
            let mut order = order_after(&history);
            assert!(!order.is_authorization_overdue(t(days(30))));
            match order.apply(&auth_expired()) {
                Err(NotApplied::IllegalInState { allowed, .. }) => {
                    assert_eq!(allowed, [OrderStatus::Authorized, OrderStatus::CaptureFailed])
                }
                other => panic!("expected IllegalInState, got {other:?}"),
            }
        }
    }
}
