//! What is still open at Antom for an order, and when the worker should look at it again.
//!
//! One place answers "is anything still processing?" for every caller: the worker (what to
//! inquire, what to resend), the sync path (when to schedule the next check), the result page
//! (whether to inquire for the buyer). Nothing here talks to Antom; it only reads the records.

use chrono::{DateTime, Duration, Utc};

use crate::order::Order;
use crate::records::{Cancel, Capture, Refund};
use crate::status::RecordStatus;

/// The first check after a change comes this soon; each unanswered check doubles it…
pub const FIRST_BACKOFF: Duration = Duration::seconds(5);
/// …up to this.
pub const MAX_BACKOFF: Duration = Duration::minutes(10);

/// How long to wait before the next check after `attempts` checks that changed nothing:
/// [`FIRST_BACKOFF`] doubling, at most [`MAX_BACKOFF`]. (Vaultings use the same.)
pub fn backoff(attempts: i32) -> Duration {
    let factor = 1i32 << attempts.clamp(0, 7);
    (FIRST_BACKOFF * factor).min(MAX_BACKOFF)
}

/// Everything Antom has not given a final answer about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAtAntom<'a> {
    /// The payment is still PROCESSING and was not expired locally.
    pub payment: bool,
    /// Captures still PROCESSING (resent with their own request id when Antom never saw them).
    pub captures: Vec<&'a Capture>,
    /// Refunds still PROCESSING.
    pub refunds: Vec<&'a Refund>,
    /// The cancel, while PROCESSING.
    pub cancel: Option<&'a Cancel>,
    /// Antom captures this authorization by itself and the capture has not been seen.
    pub automatic_capture: bool,
}

impl OpenAtAntom<'_> {
    /// Nothing to ask Antom about.
    pub fn is_empty(&self) -> bool {
        !self.payment
            && self.captures.is_empty()
            && self.refunds.is_empty()
            && self.cancel.is_none()
            && !self.automatic_capture
    }

    /// inquiryPayment answers these (its transactions list captures and cancels).
    pub fn needs_payment_inquiry(&self) -> bool {
        self.payment || !self.captures.is_empty() || self.cancel.is_some() || self.automatic_capture
    }
}

impl Order {
    /// What is still open at Antom.
    pub fn open_at_antom(&self) -> OpenAtAntom<'_> {
        OpenAtAntom {
            payment: self.payment_open(),
            captures: self
                .captures
                .iter()
                .filter(|c| c.status == RecordStatus::Processing)
                .collect(),
            refunds: self
                .refunds
                .iter()
                .filter(|r| r.status == RecordStatus::Processing)
                .collect(),
            cancel: self
                .cancel
                .as_ref()
                .filter(|c| c.status == RecordStatus::Processing),
            automatic_capture: self.awaits_automatic_capture(),
        }
    }

    /// The payment is still PROCESSING at Antom and was not expired here.
    pub fn payment_open(&self) -> bool {
        self.payment.status == RecordStatus::Processing && !self.session_expired
    }

    /// When the worker should look at this order again: while anything is open at Antom, after
    /// a backoff that doubles with each check that changed nothing (`attempts`), from
    /// [`FIRST_BACKOFF`] up to [`MAX_BACKOFF`]; and, for an authorization that can still lapse,
    /// no later than its expiry. `None` when there is nothing left to watch.
    pub fn next_check_at(&self, now: DateTime<Utc>, attempts: i32) -> Option<DateTime<Utc>> {
        let backoff = (!self.open_at_antom().is_empty()).then(|| now + backoff(attempts));
        match (backoff, self.authorization_check_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    #[test]
    fn a_new_order_waits_for_its_payment_with_backoff() {
        let order = new_order();
        let open = order.open_at_antom();
        assert!(open.payment && open.needs_payment_inquiry());
        assert_eq!(
            order.next_check_at(t(0), 0),
            Some(t(0) + chrono::Duration::seconds(5))
        );
        assert_eq!(
            order.next_check_at(t(0), 1),
            Some(t(0) + chrono::Duration::seconds(10))
        );
        assert_eq!(order.next_check_at(t(0), 30), Some(t(10)), "at most ten minutes");
    }

    #[test]
    fn open_records_are_listed_and_settled_orders_need_nothing() {
        let order = order_after(&[paid(), capture_requested("c1", 100)]);
        let open = order.open_at_antom();
        assert!(!open.payment);
        assert_eq!(open.captures.len(), 1);
        assert!(open.refunds.is_empty());
        let order = order_after(&[paid(), capture_succeeded("c1", TOTAL), refund_requested("r1", 50)]);
        assert_eq!(order.open_at_antom().refunds.len(), 1);
        assert!(
            !order.open_at_antom().needs_payment_inquiry(),
            "inquiryRefund answers refunds"
        );
        let settled = order_after(&[paid(), capture_succeeded("c1", TOTAL)]);
        assert!(settled.open_at_antom().is_empty());
        assert_eq!(settled.next_check_at(t(0), 0), None);
    }

    #[test]
    fn an_authorization_is_looked_at_when_it_lapses() {
        let order = order_after(&[paid()]);
        assert!(order.open_at_antom().is_empty());
        assert_eq!(order.next_check_at(t(0), 0), order.authorization_check_at());
        assert!(order.authorization_check_at().is_some());
    }
}
