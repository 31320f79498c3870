//! Builders shared by the unit tests: an SGD 100.00 order and one constructor per event.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::cart::{price_cart, CartLine, CatalogEntry};
use crate::currency::Currency;
use crate::event::Event;
use crate::ids::{CancelRequestId, CaptureRequestId, OrderId, PaymentRequestId, RefundRequestId};
use crate::money::Money;
use crate::order::Order;
use crate::records::CardSummary;

/// The test order's total, in SGD cents.
pub const TOTAL: i64 = 10_000;

pub fn sgd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("SGD").unwrap()).unwrap()
}

pub fn jpy(minor: i64) -> Money {
    Money::new(minor, Currency::parse("JPY").unwrap()).unwrap()
}

/// Minutes after a fixed epoch.
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

pub fn days(n: i64) -> i64 {
    n * 24 * 60
}

pub fn new_order() -> Order {
    let cart = price_cart(
        &[CartLine {
            sku: "ITEM".into(),
            quantity: 4,
        }],
        |sku| {
            Some(CatalogEntry {
                sku: sku.clone(),
                name: "Item".into(),
                unit_price: sgd(TOTAL / 4),
            })
        },
    )
    .unwrap();
    Order::new(
        OrderId::parse("order-1").unwrap(),
        cart,
        PaymentRequestId::parse("payreq-1").unwrap(),
        t(0),
    )
}

/// Applies every event, failing the test if one is refused.
pub fn order_after(events: &[Event]) -> Order {
    let mut order = new_order();
    for event in events {
        if let Err(refusal) = order.apply(event) {
            panic!("{} refused: {refusal}", event.kind());
        }
    }
    order
}

pub fn cap(id: &str) -> CaptureRequestId {
    CaptureRequestId::parse(id).unwrap()
}

pub fn rf(id: &str) -> RefundRequestId {
    RefundRequestId::parse(id).unwrap()
}

pub fn cx(id: &str) -> CancelRequestId {
    CancelRequestId::parse(id).unwrap()
}

pub fn session_created() -> Event {
    Event::SessionCreated {
        session_expires_at: t(60),
    }
}

pub fn session_expired() -> Event {
    Event::SessionExpired { at: t(61) }
}

pub fn pending(payment_id: Option<&str>) -> Event {
    Event::PaymentPending {
        payment_id: payment_id.map(str::to_owned),
    }
}

/// Authorised for the full total at t(0), valid for 7 days.
pub fn paid() -> Event {
    paid_with(sgd(TOTAL))
}

pub fn paid_with(amount: Money) -> Event {
    Event::PaymentSucceeded {
        payment_id: Some("pay-1".into()),
        amount,
        paid_at: t(0),
        auth_expires_at: Some(t(days(7))),
        card: Some(CardSummary {
            brand: "VISA".into(),
            last4: "1111".into(),
        }),
    }
}

pub fn failed() -> Event {
    Event::PaymentFailed {
        payment_id: Some("pay-1".into()),
        code: "DO_NOT_HONOR".into(),
        message: "declined".into(),
    }
}

pub fn auth_expired() -> Event {
    Event::AuthorizationExpired { at: t(days(7) + 1) }
}

pub fn capture_requested(id: &str, minor: i64) -> Event {
    Event::CaptureRequested {
        request_id: cap(id),
        amount: sgd(minor),
        at: t(10),
    }
}

pub fn capture_succeeded(id: &str, minor: i64) -> Event {
    Event::CaptureSucceeded {
        request_id: cap(id),
        capture_id: Some(format!("antom-{id}")),
        amount: sgd(minor),
        at: t(11),
    }
}

pub fn capture_failed(id: &str) -> Event {
    Event::CaptureFailed {
        request_id: cap(id),
        code: "PROCESS_FAIL".into(),
        message: "failed".into(),
    }
}

pub fn capture_unknown(id: &str) -> Event {
    Event::CaptureStillUnknown {
        request_id: cap(id),
        code: "UNKNOWN_EXCEPTION".into(),
    }
}

pub fn cancel_requested(id: &str) -> Event {
    Event::CancelRequested { request_id: cx(id) }
}

pub fn cancel_succeeded(id: &str) -> Event {
    Event::CancelSucceeded { request_id: cx(id) }
}

pub fn cancel_failed(id: &str) -> Event {
    Event::CancelFailed {
        request_id: cx(id),
        code: "ORDER_STATUS_INVALID".into(),
        message: "no".into(),
    }
}

pub fn refund_requested(id: &str, minor: i64) -> Event {
    Event::RefundRequested {
        request_id: rf(id),
        amount: sgd(minor),
        reason: Some("damaged".into()),
        at: t(20),
    }
}

pub fn refund_succeeded(id: &str, minor: i64) -> Event {
    Event::RefundSucceeded {
        request_id: rf(id),
        refund_id: Some(format!("antom-{id}")),
        amount: sgd(minor),
        at: t(21),
    }
}

pub fn refund_failed(id: &str) -> Event {
    Event::RefundFailed {
        request_id: rf(id),
        code: "REFUND_WINDOW_EXCEED".into(),
        message: "too late".into(),
    }
}

pub fn refund_unknown(id: &str) -> Event {
    Event::RefundStillUnknown {
        request_id: rf(id),
        code: "REFUND_IN_PROCESS".into(),
    }
}

pub fn every_kind_of_event() -> Vec<Event> {
    vec![
        session_created(),
        pending(Some("pay-1")),
        paid(),
        failed(),
        capture_requested("c1", 100),
        capture_succeeded("c1", 100),
        capture_failed("c1"),
        capture_unknown("c1"),
        cancel_requested("x1"),
        cancel_succeeded("x1"),
        cancel_failed("x1"),
        refund_requested("r1", 100),
        refund_succeeded("r1", 100),
        refund_failed("r1"),
        refund_unknown("r1"),
        auth_expired(),
        session_expired(),
    ]
}
