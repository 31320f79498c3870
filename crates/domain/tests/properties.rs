//! Properties of `Order::apply` over many generated histories.
//!
//! 1. Convergence: a valid history, delivered in any order with any duplicates, ends in the same
//!    order as the history applied in order. Delivery is modelled as the server experiences it:
//!    at least once, in any order, and a fact that arrived too early to apply (refused with
//!    anything but `Duplicate`) is delivered again later — Antom retries notifications and the
//!    reconciliation worker re-inquires every record still PROCESSING. A fact refused as
//!    `Duplicate` is never delivered again, so a duplicate that loses information shows up as a
//!    divergence. After convergence, delivering everything once more changes nothing.
//! 2. Safety: any sequence of arbitrary events never panics, never breaks
//!    captured ≤ authorized or refunded ≤ captured, never changes a terminal record, leaves the
//!    order untouched when refused, and always survives a snapshot round trip.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{
    price_cart, CancelRequestId, CaptureRequestId, CardSummary, CartLine, CatalogEntry, Currency, Event,
    Money, NotApplied, Order, OrderId, PaymentRequestId, RecordStatus, RefundRequestId,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

const TOTAL: i64 = 10_000;

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn sgd(minor: i64) -> Money {
    Money::new(minor, currency("SGD")).unwrap()
}

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn fresh_order() -> Order {
    let lines = [CartLine {
        sku: "ITEM".into(),
        quantity: 2,
    }];
    let cart = price_cart(&lines, |sku| {
        Some(CatalogEntry {
            sku: sku.clone(),
            name: "Item".into(),
            unit_price: sgd(TOTAL / 2),
        })
    })
    .unwrap();
    Order::new(
        OrderId::parse("order-1").unwrap(),
        cart,
        PaymentRequestId::parse("payreq-1").unwrap(),
        t(0),
    )
}

// ---------------------------------------------------------------------------------------------
// Valid histories
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Success,
    Fail,
    InFlight,
    UnknownThenSuccess,
}

#[derive(Debug, Clone)]
struct RecordPlan {
    /// Capture: minor units. Refund: percent of the captured total (1..=33).
    size: i64,
    /// False: only Antom's result is known (automatic capture, or a result that overtook us).
    requested: bool,
    outcome: Outcome,
}

#[derive(Debug, Clone)]
struct CancelPlan {
    requested: bool,
    succeeds: bool,
}

#[derive(Debug, Clone)]
enum Plan {
    Failed {
        session: bool,
        pending: bool,
        expired: bool,
    },
    NeverPaid {
        pending: bool,
    },
    Paid {
        session: bool,
        pending: bool,
        expired_before_paid: bool,
        id_in_success: bool,
        cancel: Option<CancelPlan>,
        captures: Vec<RecordPlan>,
        refunds: Vec<RecordPlan>,
        auth_expires: bool,
    },
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Success),
        Just(Outcome::Fail),
        Just(Outcome::InFlight),
        Just(Outcome::UnknownThenSuccess),
    ]
}

fn record_plan(size: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = RecordPlan> {
    (size, any::<bool>(), outcome()).prop_map(|(size, requested, outcome)| RecordPlan {
        size,
        requested,
        outcome,
    })
}

fn plan() -> impl Strategy<Value = Plan> {
    let cancel = proptest::option::of(
        (any::<bool>(), any::<bool>()).prop_map(|(requested, succeeds)| CancelPlan { requested, succeeds }),
    );
    let paid = (
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        cancel,
        // At most four captures of at most a quarter each: never more than authorised.
        prop::collection::vec(record_plan(100..=TOTAL / 4), 0..=4),
        // At most three refunds of at most a third each: never more than captured.
        prop::collection::vec(record_plan(1..=33), 0..=3),
        any::<bool>(),
    )
        .prop_map(
            |(
                (session, pending, expired_before_paid, id_in_success),
                cancel,
                captures,
                refunds,
                auth_expires,
            )| {
                Plan::Paid {
                    session,
                    pending,
                    expired_before_paid,
                    id_in_success,
                    cancel,
                    captures,
                    refunds,
                    auth_expires,
                }
            },
        );
    prop_oneof![
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(session, pending, expired)| {
            Plan::Failed {
                session,
                pending,
                expired,
            }
        }),
        any::<bool>().prop_map(|pending| Plan::NeverPaid { pending }),
        paid,
    ]
}

fn pending() -> Event {
    Event::PaymentPending {
        payment_id: Some("pay-1".into()),
    }
}

fn session_created() -> Event {
    Event::SessionCreated {
        session_expires_at: t(60),
    }
}

fn capture_events(id: &str, plan: &RecordPlan) -> Vec<Event> {
    let request_id = CaptureRequestId::parse(id).unwrap();
    let amount = sgd(plan.size);
    let requested = Event::CaptureRequested {
        request_id: request_id.clone(),
        amount,
        at: t(10),
    };
    let succeeded = Event::CaptureSucceeded {
        request_id: request_id.clone(),
        capture_id: Some(format!("antom-{id}")),
        amount,
        at: t(11),
    };
    let failed = Event::CaptureFailed {
        request_id: request_id.clone(),
        code: "PROCESS_FAIL".into(),
        message: "failed".into(),
    };
    let unknown = Event::CaptureStillUnknown {
        request_id,
        code: "UNKNOWN_EXCEPTION".into(),
    };
    let mut events = Vec::new();
    if plan.requested || matches!(plan.outcome, Outcome::InFlight | Outcome::UnknownThenSuccess) {
        events.push(requested);
    }
    match plan.outcome {
        Outcome::Success => events.push(succeeded),
        Outcome::Fail => events.push(failed),
        Outcome::InFlight => {}
        Outcome::UnknownThenSuccess => events.extend([unknown, succeeded]),
    }
    events
}

fn refund_events(id: &str, amount: Money, plan: &RecordPlan) -> Vec<Event> {
    let request_id = RefundRequestId::parse(id).unwrap();
    let requested = Event::RefundRequested {
        request_id: request_id.clone(),
        amount,
        reason: Some(format!("reason {id}")),
        at: t(20),
    };
    let succeeded = Event::RefundSucceeded {
        request_id: request_id.clone(),
        refund_id: Some(format!("antom-{id}")),
        amount,
        at: t(21),
    };
    let failed = Event::RefundFailed {
        request_id: request_id.clone(),
        code: "PROCESS_FAIL".into(),
        message: "failed".into(),
    };
    let unknown = Event::RefundStillUnknown {
        request_id,
        code: "REFUND_IN_PROCESS".into(),
    };
    let mut events = Vec::new();
    if plan.requested || matches!(plan.outcome, Outcome::InFlight | Outcome::UnknownThenSuccess) {
        events.push(requested);
    }
    match plan.outcome {
        Outcome::Success => events.push(succeeded),
        Outcome::Fail => events.push(failed),
        Outcome::InFlight => {}
        Outcome::UnknownThenSuccess => events.extend([unknown, succeeded]),
    }
    events
}

/// The history in an order in which every event applies.
fn history(plan: &Plan) -> Vec<Event> {
    let mut events = Vec::new();
    match plan {
        Plan::Failed {
            session,
            pending: with_pending,
            expired,
        } => {
            if *session {
                events.push(session_created());
            }
            if *with_pending {
                events.push(pending());
            }
            events.push(Event::PaymentFailed {
                payment_id: None,
                code: "DO_NOT_HONOR".into(),
                message: "declined".into(),
            });
            if *expired {
                events.push(Event::SessionExpired { at: t(61) });
            }
        }
        Plan::NeverPaid {
            pending: with_pending,
        } => {
            events.push(session_created());
            if *with_pending {
                events.push(pending());
            }
            events.push(Event::SessionExpired { at: t(61) });
        }
        Plan::Paid {
            session,
            pending: with_pending,
            expired_before_paid,
            id_in_success,
            cancel,
            captures,
            refunds,
            auth_expires,
        } => {
            if *session {
                events.push(session_created());
            }
            if *with_pending {
                events.push(pending());
            }
            if *expired_before_paid {
                events.push(Event::SessionExpired { at: t(61) });
            }
            events.push(Event::PaymentSucceeded {
                payment_id: id_in_success.then(|| "pay-1".to_owned()),
                amount: sgd(TOTAL),
                paid_at: t(1),
                auth_expires_at: Some(t(7 * 24 * 60)),
                card: Some(CardSummary {
                    brand: "VISA".into(),
                    last4: "1111".into(),
                }),
            });
            paid_history(&mut events, cancel.as_ref(), captures, refunds, *auth_expires);
        }
    }
    events
}

fn paid_history(
    events: &mut Vec<Event>,
    cancel: Option<&CancelPlan>,
    captures: &[RecordPlan],
    refunds: &[RecordPlan],
    auth_expires: bool,
) {
    if let Some(cancel) = cancel {
        let request_id = CancelRequestId::parse("x1").unwrap();
        if cancel.requested {
            events.push(Event::CancelRequested {
                request_id: request_id.clone(),
            });
        }
        if cancel.succeeds {
            // A canceled authorisation is the end of the story.
            events.push(Event::CancelSucceeded { request_id });
            return;
        }
        events.push(Event::CancelFailed {
            request_id,
            code: "ORDER_STATUS_INVALID".into(),
            message: "no".into(),
        });
    }
    let mut captured = 0;
    let mut in_flight = false;
    for (i, plan) in captures.iter().enumerate() {
        events.extend(capture_events(&format!("c{i}"), plan));
        match plan.outcome {
            Outcome::Success | Outcome::UnknownThenSuccess => captured += plan.size,
            Outcome::InFlight => in_flight = true,
            Outcome::Fail => {}
        }
    }
    for (i, plan) in refunds.iter().enumerate() {
        if captured > 0 {
            let amount = sgd((captured * plan.size / 100).max(1));
            events.extend(refund_events(&format!("r{i}"), amount, plan));
        }
    }
    if auth_expires && captured == 0 && !in_flight {
        events.push(Event::AuthorizationExpired {
            at: t(7 * 24 * 60 + 1),
        });
    }
}

/// The order as JSON with captures and refunds sorted by request id: the order in which records
/// become known depends on delivery order, everything else must not.
fn normalised(order: &Order) -> Value {
    let mut value = serde_json::to_value(order).unwrap();
    for list in ["captures", "refunds"] {
        if let Some(records) = value[list].as_array_mut() {
            records.sort_by_key(|record| record["requestId"].as_str().unwrap_or("").to_owned());
        }
    }
    value
}

/// At-least-once delivery with redelivery of early facts, until nothing more applies.
fn deliver(order: &mut Order, mut inbox: Vec<Event>) {
    loop {
        let mut later = Vec::new();
        let mut progressed = false;
        for event in inbox {
            match order.apply(&event) {
                Ok(transition) => progressed |= !transition.changes.is_empty(),
                Err(NotApplied::Duplicate) => {}
                Err(_) => later.push(event),
            }
        }
        if !progressed || later.is_empty() {
            return;
        }
        inbox = later;
    }
}

fn delivery() -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    plan()
        .prop_map(|plan| history(&plan))
        .prop_flat_map(|history| {
            let extra = prop::collection::vec(any::<Index>(), 0..=history.len());
            (Just(history), extra)
        })
        .prop_flat_map(|(history, extra)| {
            let mut delivered = history.clone();
            delivered.extend(extra.iter().map(|i| history[i.index(history.len())].clone()));
            (Just(history), Just(delivered).prop_shuffle())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_delivery_order_converges((history, delivered) in delivery()) {
        let mut expected = fresh_order();
        for event in &history {
            let applied = expected.apply(event);
            prop_assert!(applied.is_ok(), "in-order {} refused: {:?}", event.kind(), applied);
        }

        let mut order = fresh_order();
        deliver(&mut order, delivered.clone());
        prop_assert_eq!(normalised(&order), normalised(&expected));
        prop_assert_eq!(order.status(), expected.status());

        // Everything again: nothing changes any more.
        let settled = order.clone();
        for event in &delivered {
            if let Ok(transition) = order.apply(event) {
                prop_assert!(
                    transition.changes.is_empty(),
                    "{} changed {:?}",
                    event.kind(),
                    transition
                );
            }
        }
        prop_assert_eq!(&order, &settled);
    }
}

/// Only Antom's own facts about a payment with automatic capture (no requests of ours, no
/// worker events except an early session expiry): these must converge in a single pass, with no
/// redelivery, because notifications, inquiries and synchronous answers race in production.
fn antom_only_delivery() -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    let auto_capture = (
        100..=TOTAL / 4,
        prop_oneof![Just(Outcome::Success), Just(Outcome::Fail)],
    )
        .prop_map(|(size, outcome)| RecordPlan {
            size,
            requested: false,
            outcome,
        });
    (
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        prop::collection::vec(auto_capture, 0..=4),
    )
        .prop_map(
            |((session, pending, expired_before_paid, id_in_success), captures)| {
                history(&Plan::Paid {
                    session,
                    pending,
                    expired_before_paid,
                    id_in_success,
                    cancel: None,
                    captures,
                    refunds: Vec::new(),
                    auth_expires: false,
                })
            },
        )
        .prop_flat_map(|history| {
            let extra = prop::collection::vec(any::<Index>(), 0..=history.len());
            (Just(history), extra)
        })
        .prop_flat_map(|(history, extra)| {
            let mut delivered = history.clone();
            delivered.extend(extra.iter().map(|i| history[i.index(history.len())].clone()));
            (Just(history), Just(delivered).prop_shuffle())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn antom_facts_converge_in_a_single_pass((history, delivered) in antom_only_delivery()) {
        let mut expected = fresh_order();
        for event in &history {
            prop_assert!(expected.apply(event).is_ok(), "in-order {} refused", event.kind());
        }
        let mut order = fresh_order();
        for event in &delivered {
            if let Err(refusal) = order.apply(event) {
                // Only a duplicate, or a session expiry that arrives after the payment success.
                let late_expiry = matches!(event, Event::SessionExpired { .. });
                prop_assert!(
                    refusal == NotApplied::Duplicate || late_expiry,
                    "{} refused: {}",
                    event.kind(),
                    refusal
                );
            }
        }
        prop_assert_eq!(normalised(&order), normalised(&expected));
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary events
// ---------------------------------------------------------------------------------------------

fn any_money() -> impl Strategy<Value = Money> {
    (
        prop_oneof![Just("SGD"), Just("SGD"), Just("SGD"), Just("JPY")],
        prop_oneof![0..=TOTAL + 10, Just(TOTAL), Just(Money::MAX_MINOR)],
    )
        .prop_map(|(code, minor)| Money::new(minor, currency(code)).unwrap())
}

fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0_i64..20_000).prop_map(t)
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![Just("A".to_owned()), Just("B".to_owned())]
}

fn any_external_id() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![Just("e1".to_owned()), Just("e2".to_owned())])
}

fn capture_id() -> impl Strategy<Value = CaptureRequestId> {
    (1..=3).prop_map(|i| CaptureRequestId::parse(&format!("c{i}")).unwrap())
}

fn refund_id() -> impl Strategy<Value = RefundRequestId> {
    (1..=3).prop_map(|i| RefundRequestId::parse(&format!("r{i}")).unwrap())
}

fn cancel_id() -> impl Strategy<Value = CancelRequestId> {
    (1..=2).prop_map(|i| CancelRequestId::parse(&format!("x{i}")).unwrap())
}

fn any_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        any_time().prop_map(|session_expires_at| Event::SessionCreated { session_expires_at }),
        any_external_id().prop_map(|payment_id| Event::PaymentPending { payment_id }),
        (
            any_external_id(),
            prop_oneof![Just(sgd(TOTAL)), any_money()],
            any_time(),
            proptest::option::of(any_time()),
            any::<bool>()
        )
            .prop_map(|(payment_id, amount, paid_at, auth_expires_at, card)| {
                Event::PaymentSucceeded {
                    payment_id,
                    amount,
                    paid_at,
                    auth_expires_at,
                    card: card.then(|| CardSummary {
                        brand: "VISA".into(),
                        last4: "1111".into(),
                    }),
                }
            }),
        (any_external_id(), any_text(), any_text()).prop_map(|(payment_id, code, message)| {
            Event::PaymentFailed {
                payment_id,
                code,
                message,
            }
        }),
        (capture_id(), any_money(), any_time()).prop_map(|(request_id, amount, at)| {
            Event::CaptureRequested {
                request_id,
                amount,
                at,
            }
        }),
        (capture_id(), any_external_id(), any_money(), any_time()).prop_map(
            |(request_id, capture_id, amount, at)| Event::CaptureSucceeded {
                request_id,
                capture_id,
                amount,
                at
            }
        ),
        (capture_id(), any_text(), any_text()).prop_map(|(request_id, code, message)| {
            Event::CaptureFailed {
                request_id,
                code,
                message,
            }
        }),
        (capture_id(), any_text())
            .prop_map(|(request_id, code)| Event::CaptureStillUnknown { request_id, code }),
        cancel_id().prop_map(|request_id| Event::CancelRequested { request_id }),
        cancel_id().prop_map(|request_id| Event::CancelSucceeded { request_id }),
        (cancel_id(), any_text(), any_text()).prop_map(|(request_id, code, message)| {
            Event::CancelFailed {
                request_id,
                code,
                message,
            }
        }),
        (
            refund_id(),
            any_money(),
            proptest::option::of(any_text()),
            any_time()
        )
            .prop_map(|(request_id, amount, reason, at)| Event::RefundRequested {
                request_id,
                amount,
                reason,
                at
            }),
        (refund_id(), any_external_id(), any_money(), any_time()).prop_map(
            |(request_id, refund_id, amount, at)| Event::RefundSucceeded {
                request_id,
                refund_id,
                amount,
                at
            }
        ),
        (refund_id(), any_text(), any_text()).prop_map(|(request_id, code, message)| {
            Event::RefundFailed {
                request_id,
                code,
                message,
            }
        }),
        (refund_id(), any_text())
            .prop_map(|(request_id, code)| Event::RefundStillUnknown { request_id, code }),
        any_time().prop_map(|at| Event::AuthorizationExpired { at }),
        any_time().prop_map(|at| Event::SessionExpired { at }),
    ]
}

/// Every (record, request id) whose status is terminal, with that status.
fn terminal_records(order: &Order) -> Vec<(String, RecordStatus)> {
    let mut records = Vec::new();
    let payment = order.payment();
    if payment.status.is_terminal() {
        records.push(("payment".to_owned(), payment.status));
    }
    for capture in order.captures() {
        if capture.status.is_terminal() {
            records.push((format!("capture {}", capture.request_id), capture.status));
        }
    }
    for refund in order.refunds() {
        if refund.status.is_terminal() {
            records.push((format!("refund {}", refund.request_id), refund.status));
        }
    }
    records
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_events_never_break_the_invariants(events in prop::collection::vec(any_event(), 0..40)) {
        let mut order = fresh_order();
        for event in &events {
            let before = order.clone();
            match order.apply(event) {
                Ok(transition) => {
                    prop_assert_eq!(transition.from, before.status());
                    prop_assert_eq!(transition.to, order.status());
                    let still_unknown = matches!(
                        event,
                        Event::CaptureStillUnknown { .. } | Event::RefundStillUnknown { .. }
                    );
                    prop_assert_eq!(transition.changes.is_empty(), still_unknown);
                    prop_assert_eq!(still_unknown, order == before);
                }
                Err(_) => prop_assert_eq!(&order, &before, "a refused {} changed the order", event.kind()),
            }

            prop_assert!(order.captured_amount().minor() <= order.authorized_amount().minor());
            prop_assert!(order.refunded_amount().minor() <= order.captured_amount().minor());
            prop_assert!(order.check_invariants().is_ok());

            // Terminal records keep their status; captures and refunds are never forgotten.
            let after = terminal_records(&order);
            for record in terminal_records(&before) {
                prop_assert!(after.contains(&record), "{:?} changed after {}", record, event.kind());
            }
            prop_assert!(order.captures().len() >= before.captures().len());
            prop_assert!(order.refunds().len() >= before.refunds().len());
            if let (Some(was), Some(now)) = (before.cancel(), order.cancel()) {
                let replaced_failure = was.status == RecordStatus::Fail && was.request_id != now.request_id;
                if was.status.is_terminal() && !replaced_failure {
                    prop_assert_eq!(was, now);
                }
            }
            prop_assert!(before.cancel().is_none() || order.cancel().is_some());

            let json = serde_json::to_string(&order).unwrap();
            let back: Order = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &order);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The sending rules of the command layer, whatever happened before: a capture is only
    /// sent for a live authorization Antom named, one at a time, never after a cancel; a cancel
    /// never after (or during) a capture; a refund only of what is captured; and the worker's
    /// schedule is empty exactly when nothing is open at Antom and no authorization can lapse.
    #[test]
    fn commands_are_only_sent_when_the_rules_allow(
        events in prop::collection::vec(any_event(), 0..40),
        amount in any_money(),
        now in any_time(),
    ) {
        let mut order = fresh_order();
        for event in &events {
            let _ = order.apply(event);
        }
        let open = order.open_at_antom();
        let in_flight = |status: RecordStatus| order.captures().iter().any(|c| c.status == status);
        let cancel_status = order.cancel().map(|c| c.status);
        if let Ok(to_capture) = order.prepare_capture(Some(amount), now) {
            prop_assert!(order.payment().payment_id.is_some());
            prop_assert_eq!(order.payment().status, RecordStatus::Success);
            prop_assert!(!in_flight(RecordStatus::Processing), "one capture at a time");
            prop_assert!(open.captures.is_empty());
            prop_assert!(!matches!(cancel_status, Some(RecordStatus::Success | RecordStatus::Processing)));
            prop_assert!(to_capture.minor() <= order.capturable_amount().minor());
        }
        if order.prepare_cancel(now).is_ok() {
            prop_assert!(order.payment().payment_id.is_some());
            prop_assert!(order.captured_amount().is_zero() && order.capture_in_flight().is_zero());
            prop_assert!(open.cancel.is_none());
        }
        if let Ok(to_refund) = order.prepare_refund(amount, now) {
            prop_assert!(order.payment().payment_id.is_some());
            prop_assert!(to_refund.minor() <= order.refundable_amount().minor());
        }
        let watched = !open.is_empty() || order.authorization_check_at().is_some();
        prop_assert_eq!(order.next_check_at(now, 0).is_some(), watched);
    }
}
