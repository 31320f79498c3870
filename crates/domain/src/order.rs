//! The order aggregate: what was bought, and every fact about the money for it.
//!
//! An order holds records (payment, captures, cancel, refunds) and two expiry flags; everything
//! else — its status, how much is authorised, captured, refunded or still available — is derived
//! on demand so it can never disagree with the records. Records change only through
//! [`Order::apply`] (see `apply.rs`), which checks the invariants (`invariants.rs`) before keeping
//! a change. The server stores the order as a JSON snapshot; loading one re-checks the invariants.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cart::{LineItem, PricedCart};
use crate::currency::Currency;
use crate::ids::{OrderId, PaymentRequestId};
use crate::money::Money;
use crate::records::{Cancel, Capture, CaptureMode, Payment, Refund, ReviewNote};
use crate::status::{OrderStatus, RecordStatus};

/// How long a payment session lasts when Antom did not say (what the server asks for), and how
/// long after its end Antom may still settle a payment (it closes unpaid orders after about
/// 14 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub validity: chrono::Duration,
    pub close_window: chrono::Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "OrderSnapshot")]
pub struct Order {
    pub(crate) id: OrderId,
    pub(crate) items: Vec<LineItem>,
    pub(crate) total: Money,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) session_expires_at: Option<DateTime<Utc>>,
    /// The payment session ran out while the payment was not successful (`SessionExpired`).
    pub(crate) session_expired: bool,
    /// The authorisation lapsed with nothing captured (`AuthorizationExpired`).
    pub(crate) authorization_expired: bool,
    pub(crate) payment: Payment,
    pub(crate) captures: Vec<Capture>,
    pub(crate) cancel: Option<Cancel>,
    pub(crate) refunds: Vec<Refund>,
    pub(crate) review: Vec<ReviewNote>,
    /// Who captures the authorisation (orders stored before this field: manual).
    pub(crate) capture_mode: CaptureMode,
}

impl Order {
    /// A new order waiting for its payment: the payment record starts PROCESSING for the whole
    /// cart total under `payment_request_id`.
    pub fn new(
        id: OrderId,
        cart: PricedCart,
        payment_request_id: PaymentRequestId,
        created_at: DateTime<Utc>,
    ) -> Order {
        let (items, total) = cart.into_parts();
        Order {
            id,
            items,
            total,
            created_at,
            session_expires_at: None,
            session_expired: false,
            authorization_expired: false,
            payment: Payment {
                request_id: payment_request_id,
                amount: total,
                status: RecordStatus::Processing,
                payment_id: None,
                paid_at: None,
                auth_expires_at: None,
                card: None,
                failure: None,
            },
            captures: Vec::new(),
            cancel: None,
            refunds: Vec::new(),
            review: Vec::new(),
            capture_mode: CaptureMode::Manual,
        }
    }

    /// The same new order, captured the given way (the default is manual).
    pub fn with_capture_mode(mut self, capture_mode: CaptureMode) -> Order {
        self.capture_mode = capture_mode;
        self
    }

    pub fn capture_mode(&self) -> CaptureMode {
        self.capture_mode
    }

    /// When the buyer can no longer pay: the session expiry Antom confirmed, else the one this
    /// order would have had (`created_at + validity`, what the server asks for), so that an
    /// order whose session creation never got an answer has a deadline too.
    pub fn session_deadline(&self, validity: chrono::Duration) -> DateTime<Utc> {
        self.session_expires_at.unwrap_or(self.created_at + validity)
    }

    /// Antom captures this authorisation by itself and we have not yet seen the capture: the
    /// money is moving and only an inquiry (or the `CAPTURE_RESULT`) tells us when and how.
    pub fn awaits_automatic_capture(&self) -> bool {
        self.capture_mode == CaptureMode::Automatic
            && self.payment.status == RecordStatus::Success
            && self.captures.is_empty()
            && self.cancel_status() != Some(RecordStatus::Success)
            && !self.authorization_expired
    }

    pub fn id(&self) -> &OrderId {
        &self.id
    }

    pub fn items(&self) -> &[LineItem] {
        &self.items
    }

    pub fn total(&self) -> Money {
        self.total
    }

    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    pub fn session_expires_at(&self) -> Option<DateTime<Utc>> {
        self.session_expires_at
    }

    pub fn session_expired(&self) -> bool {
        self.session_expired
    }

    pub fn authorization_expired(&self) -> bool {
        self.authorization_expired
    }

    pub fn payment(&self) -> &Payment {
        &self.payment
    }

    /// In the order they became known to us.
    pub fn captures(&self) -> &[Capture] {
        &self.captures
    }

    pub fn cancel(&self) -> Option<&Cancel> {
        self.cancel.as_ref()
    }

    /// In the order they became known to us.
    pub fn refunds(&self) -> &[Refund] {
        &self.refunds
    }

    pub fn review(&self) -> &[ReviewNote] {
        &self.review
    }

    /// Records that a person should look at this order. `apply` never flags by itself: the
    /// caller decides (usually when [`crate::NotApplied::needs_review`] is true) and records it.
    pub fn flag_for_review(&mut self, note: ReviewNote) {
        self.review.push(note);
    }

    /// The order total once the payment succeeded, else zero.
    pub fn authorized_amount(&self) -> Money {
        match self.payment.status {
            RecordStatus::Success => self.payment.amount,
            RecordStatus::Processing | RecordStatus::Fail => Money::zero(self.currency()),
        }
    }

    /// Sum of SUCCESS captures.
    pub fn captured_amount(&self) -> Money {
        self.sum(
            self.captures.iter().map(|c| (c.status, c.amount)),
            RecordStatus::Success,
        )
    }

    /// Sum of PROCESSING captures.
    pub fn capture_in_flight(&self) -> Money {
        self.sum(
            self.captures.iter().map(|c| (c.status, c.amount)),
            RecordStatus::Processing,
        )
    }

    /// Sum of SUCCESS refunds.
    pub fn refunded_amount(&self) -> Money {
        self.sum(
            self.refunds.iter().map(|r| (r.status, r.amount)),
            RecordStatus::Success,
        )
    }

    /// Sum of PROCESSING refunds.
    pub fn refund_in_flight(&self) -> Money {
        self.sum(
            self.refunds.iter().map(|r| (r.status, r.amount)),
            RecordStatus::Processing,
        )
    }

    /// authorized − captured − capturing, never below zero; zero once the authorisation is
    /// canceled or expired.
    pub fn capturable_amount(&self) -> Money {
        if self.authorization_expired || self.cancel_status() == Some(RecordStatus::Success) {
            return Money::zero(self.currency());
        }
        let minor = self.authorized_amount().minor()
            - self.captured_amount().minor()
            - self.capture_in_flight().minor();
        Money::clamped(minor, self.currency())
    }

    /// captured − refunded − refunding, never below zero.
    pub fn refundable_amount(&self) -> Money {
        let minor =
            self.captured_amount().minor() - self.refunded_amount().minor() - self.refund_in_flight().minor();
        Money::clamped(minor, self.currency())
    }

    /// The contract's order status, derived from the records (see the crate docs for the table).
    pub fn status(&self) -> OrderStatus {
        let canceled = self.cancel_status() == Some(RecordStatus::Success);
        match self.payment.status {
            RecordStatus::Processing if canceled => OrderStatus::Canceled,
            RecordStatus::Processing | RecordStatus::Fail if self.session_expired => OrderStatus::Expired,
            RecordStatus::Processing => OrderStatus::PendingPayment,
            RecordStatus::Fail => OrderStatus::PaymentFailed,
            RecordStatus::Success => self.status_after_authorization(canceled),
        }
    }

    fn status_after_authorization(&self, canceled: bool) -> OrderStatus {
        let captured = self.captured_amount();
        let refunded = self.refunded_amount();
        if canceled {
            OrderStatus::Canceled
        } else if !captured.is_zero() && refunded == captured {
            OrderStatus::Refunded
        } else if !refunded.is_zero() {
            OrderStatus::PartiallyRefunded
        } else if self.has_capture(RecordStatus::Processing) {
            OrderStatus::CapturePending
        } else if !captured.is_zero() {
            OrderStatus::Captured
        } else if self.authorization_expired {
            OrderStatus::Expired
        } else if self.has_capture(RecordStatus::Fail) {
            // Nothing captured or capturing, so every capture so far failed.
            OrderStatus::CaptureFailed
        } else {
            OrderStatus::Authorized
        }
    }

    /// True when the worker should apply `SessionExpired { at: now }`: the payment is still
    /// open, Antom does not know it (`antom_knows_payment` is false: it answered that no such
    /// payment exists), and the session deadline ([`Order::session_deadline`]) plus Antom's
    /// close window has passed. A payment Antom knows is never expired here, however late:
    /// Antom settles it (a buyer finishing 3-D Secure late is authorized, and Antom closes an
    /// abandoned one with a final failure).
    pub fn is_session_overdue(
        &self,
        now: DateTime<Utc>,
        times: SessionTimes,
        antom_knows_payment: bool,
    ) -> bool {
        self.payment.status == RecordStatus::Processing
            && !self.session_expired
            && !antom_knows_payment
            && self.session_deadline(times.validity) + times.close_window <= now
    }

    /// When the worker must look at the authorisation because it lapses then: its
    /// `authExpiryTime`, while it can still expire (nothing captured, capturing or canceled).
    pub fn authorization_check_at(&self) -> Option<DateTime<Utc>> {
        (!self.authorization_expired && self.authorization_can_expire())
            .then_some(self.payment.auth_expires_at)
            .flatten()
    }

    /// True when the worker should apply `AuthorizationExpired { at: now }`: the authorisation
    /// deadline has passed and nothing was captured, is capturing or was canceled.
    pub fn is_authorization_overdue(&self, now: DateTime<Utc>) -> bool {
        !self.authorization_expired
            && self.authorization_can_expire()
            && self
                .payment
                .auth_expires_at
                .is_some_and(|deadline| deadline <= now)
    }

    /// The state in which `AuthorizationExpired` applies.
    pub(crate) fn authorization_can_expire(&self) -> bool {
        self.payment.status == RecordStatus::Success
            && self.cancel_status() != Some(RecordStatus::Success)
            && self.captured_amount().is_zero()
            && self.capture_in_flight().is_zero()
    }

    pub(crate) fn cancel_status(&self) -> Option<RecordStatus> {
        self.cancel.as_ref().map(|cancel| cancel.status)
    }

    fn has_capture(&self, status: RecordStatus) -> bool {
        self.captures.iter().any(|capture| capture.status == status)
    }

    /// Sums the amounts of records in `status`. The invariants bound these sums by the order
    /// total, so saturating (instead of failing) only keeps the function total.
    fn sum(
        &self,
        records: impl Iterator<Item = (RecordStatus, Option<Money>)>,
        status: RecordStatus,
    ) -> Money {
        let minor = records
            .filter(|(record_status, _)| *record_status == status)
            .filter_map(|(_, amount)| amount)
            .fold(0_i64, |sum, amount| sum.saturating_add(amount.minor()));
        Money::clamped(minor, self.currency())
    }
}

/// The stored shape of an [`Order`]; turned into one only if the invariants hold.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderSnapshot {
    id: OrderId,
    items: Vec<LineItem>,
    total: Money,
    created_at: DateTime<Utc>,
    session_expires_at: Option<DateTime<Utc>>,
    session_expired: bool,
    authorization_expired: bool,
    payment: Payment,
    captures: Vec<Capture>,
    cancel: Option<Cancel>,
    refunds: Vec<Refund>,
    review: Vec<ReviewNote>,
    #[serde(default)]
    capture_mode: CaptureMode,
}

impl TryFrom<OrderSnapshot> for Order {
    type Error = String;

    fn try_from(snapshot: OrderSnapshot) -> Result<Self, Self::Error> {
        let order = Order {
            id: snapshot.id,
            items: snapshot.items,
            total: snapshot.total,
            created_at: snapshot.created_at,
            session_expires_at: snapshot.session_expires_at,
            session_expired: snapshot.session_expired,
            authorization_expired: snapshot.authorization_expired,
            payment: snapshot.payment,
            captures: snapshot.captures,
            cancel: snapshot.cancel,
            refunds: snapshot.refunds,
            review: snapshot.review,
            capture_mode: snapshot.capture_mode,
        };
        order
            .check_invariants()
            .map_err(|violation| format!("inconsistent order snapshot: {violation}"))?;
        Ok(order)
    }
}

#[cfg(test)]
mod tests {
    use crate::event::Event;
    use crate::records::ReviewNote;
    use crate::status::{OrderStatus, RecordStatus};
    use crate::testkit::*;

    #[test]
    fn a_new_order_waits_for_its_payment() {
        let order = new_order();
        assert_eq!(order.status(), OrderStatus::PendingPayment);
        assert_eq!(order.total(), sgd(TOTAL));
        assert_eq!(order.payment().amount, sgd(TOTAL));
        assert_eq!(order.payment().status, RecordStatus::Processing);
        assert_eq!(order.payment().request_id.as_str(), "payreq-1");
        assert_eq!(order.items().len(), 1);
        assert_eq!(order.created_at(), t(0));
        assert_eq!(order.authorized_amount(), sgd(0));
        assert_eq!(order.capturable_amount(), sgd(0));
        assert_eq!(order.refundable_amount(), sgd(0));
        assert_eq!(order.check_invariants(), Ok(()));
    }

    #[test]
    fn an_automatic_capture_is_awaited_until_a_capture_is_seen() {
        use crate::records::CaptureMode;
        let automatic = |events: &[Event]| {
            let mut order = new_order().with_capture_mode(CaptureMode::Automatic);
            for event in events {
                order.apply(event).unwrap();
            }
            order
        };
        assert!(!automatic(&[]).awaits_automatic_capture(), "not authorized yet");
        assert!(automatic(&[paid()]).awaits_automatic_capture());
        assert!(!automatic(&[paid(), capture_succeeded("c1", TOTAL)]).awaits_automatic_capture());
        assert!(!automatic(&[paid(), capture_failed("c1")]).awaits_automatic_capture());
        assert!(!automatic(&[paid(), cancel_succeeded("x1")]).awaits_automatic_capture());
        assert!(!automatic(&[paid(), auth_expired()]).awaits_automatic_capture());
        assert!(!order_after(&[paid()]).awaits_automatic_capture(), "manual");
    }

    #[test]
    fn the_capture_mode_survives_a_snapshot_and_old_snapshots_are_manual() {
        use crate::records::CaptureMode;
        let order = new_order().with_capture_mode(CaptureMode::Automatic);
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["captureMode"], "AUTOMATIC");
        let back: crate::Order = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.capture_mode(), CaptureMode::Automatic);
        let mut old = json;
        old.as_object_mut().unwrap().remove("captureMode");
        let back: crate::Order = serde_json::from_value(old).unwrap();
        assert_eq!(back.capture_mode(), CaptureMode::Manual);
    }

    #[test]
    fn the_session_deadline_is_antoms_or_the_one_asked_for() {
        let hour = chrono::Duration::hours(1);
        assert_eq!(new_order().session_deadline(hour), t(0) + hour);
        assert_eq!(order_after(&[session_created()]).session_deadline(hour), t(60));
    }

    /// Every row of the derivation table in the crate docs.
    #[test]
    fn status_derivation_table() {
        let cases: Vec<(Vec<Event>, OrderStatus)> = vec![
            (vec![], OrderStatus::PendingPayment),
            (vec![cancel_succeeded("x1")], OrderStatus::Canceled),
            (vec![session_expired()], OrderStatus::Expired),
            (vec![failed()], OrderStatus::PaymentFailed),
            (vec![failed(), session_expired()], OrderStatus::Expired),
            (vec![paid()], OrderStatus::Authorized),
            (vec![paid(), cancel_requested("x1")], OrderStatus::Authorized),
            (vec![paid(), cancel_succeeded("x1")], OrderStatus::Canceled),
            (
                vec![paid(), capture_requested("c1", 100)],
                OrderStatus::CapturePending,
            ),
            (vec![paid(), capture_succeeded("c1", 100)], OrderStatus::Captured),
            (
                vec![paid(), capture_succeeded("c1", 100), capture_requested("c2", 100)],
                OrderStatus::CapturePending,
            ),
            (vec![paid(), capture_failed("c1")], OrderStatus::CaptureFailed),
            (
                vec![paid(), capture_failed("c1"), capture_succeeded("c2", 100)],
                OrderStatus::Captured,
            ),
            (
                vec![paid(), capture_succeeded("c1", 100), refund_requested("r1", 100)],
                OrderStatus::Captured,
            ),
            (
                vec![paid(), capture_succeeded("c1", 100), refund_succeeded("r1", 40)],
                OrderStatus::PartiallyRefunded,
            ),
            (
                vec![paid(), capture_succeeded("c1", 100), refund_succeeded("r1", 100)],
                OrderStatus::Refunded,
            ),
            (
                vec![
                    paid(),
                    capture_succeeded("c1", 100),
                    refund_succeeded("r1", 100),
                    capture_requested("c2", 100),
                ],
                OrderStatus::Refunded,
            ),
            (vec![paid(), auth_expired()], OrderStatus::Expired),
            (
                vec![paid(), capture_failed("c1"), auth_expired()],
                OrderStatus::Expired,
            ),
        ];
        for (history, expected) in cases {
            let kinds: Vec<_> = history.iter().map(Event::kind).collect();
            assert_eq!(order_after(&history).status(), expected, "{kinds:?}");
        }
    }

    #[test]
    fn derived_amounts() {
        let order = order_after(&[
            paid(),
            capture_succeeded("c1", 5_000),
            capture_requested("c2", 2_000),
            capture_failed("c3"),
            refund_succeeded("r1", 1_000),
            refund_requested("r2", 500),
            refund_failed("r3"),
        ]);
        assert_eq!(order.authorized_amount(), sgd(TOTAL));
        assert_eq!(order.captured_amount(), sgd(5_000));
        assert_eq!(order.capture_in_flight(), sgd(2_000));
        assert_eq!(order.capturable_amount(), sgd(3_000));
        assert_eq!(order.refunded_amount(), sgd(1_000));
        assert_eq!(order.refund_in_flight(), sgd(500));
        assert_eq!(order.refundable_amount(), sgd(3_500));
    }

    #[test]
    fn a_canceled_authorization_has_nothing_capturable() {
        let order = order_after(&[paid(), cancel_succeeded("x1")]);
        assert_eq!(order.authorized_amount(), sgd(TOTAL));
        assert_eq!(order.capturable_amount(), sgd(0));
    }

    #[test]
    fn flags_for_review_are_kept() {
        let mut order = order_after(&[paid()]);
        let note = ReviewNote {
            at: t(5),
            reason: "amount mismatch".into(),
        };
        order.flag_for_review(note.clone());
        assert_eq!(order.review(), [note]);
        assert_eq!(order.status(), OrderStatus::Authorized);
    }

    #[test]
    fn the_snapshot_round_trips() {
        let mut order = order_after(&[
            session_created(),
            paid(),
            capture_succeeded("c1", 5_000),
            capture_failed("c2"),
            refund_requested("r1", 1_000),
        ]);
        order.flag_for_review(ReviewNote {
            at: t(3),
            reason: "check".into(),
        });
        let json = serde_json::to_string(&order).unwrap();
        let back: crate::Order = serde_json::from_str(&json).unwrap();
        assert_eq!(back, order);
        let value = serde_json::to_value(&order).unwrap();
        assert_eq!(value["payment"]["requestId"], "payreq-1");
        assert_eq!(value["captures"][0]["amount"]["value"], "5000");
        assert_eq!(value["sessionExpiresAt"], "2026-01-01T01:00:00Z");
    }
}
