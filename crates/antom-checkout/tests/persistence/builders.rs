//! Orders, events and entries the checks build.

use antom_checkout::persistence::{NewOrder, Store, TimelineEntry};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{
    price_cart, CaptureRequestId, CardSummary, CartLine, CatalogEntry, Currency, Event, Money, Order,
    OrderId, PaymentRequestId,
};
use serde_json::json;

/// An order id as the store takes it.
pub fn oid(raw: &str) -> OrderId {
    OrderId::parse(raw).unwrap()
}

pub fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap() + Duration::seconds(seconds)
}

pub fn sgd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("SGD").unwrap()).unwrap()
}

/// An order for 2 × TSHIRT (21.00) + 1 × MUG (12.50) = SGD 54.50, created at `created_at`.
pub fn new_order(id: &str, payment_request_id: &str, created_at: DateTime<Utc>) -> Order {
    let lookup = |sku: &domain::Sku| {
        let (name, minor) = match sku.as_str() {
            "TSHIRT-BLK-M" => ("T-shirt", 2100),
            "MUG-WHT" => ("Mug", 1250),
            _ => return None,
        };
        Some(CatalogEntry {
            sku: sku.clone(),
            name: name.into(),
            unit_price: sgd(minor),
        })
    };
    let lines = [
        CartLine {
            sku: "TSHIRT-BLK-M".into(),
            quantity: 2,
        },
        CartLine {
            sku: "MUG-WHT".into(),
            quantity: 1,
        },
    ];
    let cart = price_cart(&lines, lookup).unwrap();
    Order::new(
        OrderId::parse(id).unwrap(),
        cart,
        PaymentRequestId::parse(payment_request_id).unwrap(),
        created_at,
    )
}

pub fn entry(at: DateTime<Utc>, event_type: &str) -> TimelineEntry {
    TimelineEntry {
        at,
        event_type: event_type.into(),
        actor: "test".into(),
        details: json!({"n": event_type}),
    }
}

pub async fn insert(store: &Store, order: &Order) {
    store
        .insert_order(NewOrder {
            order,
            token_hash: "a".repeat(64).as_str(),
            buyer_id: Some("buyer-1"),
            return_token_hash: None,
            timeline: &[entry(order.created_at(), "ORDER_CREATED")],
            next_check_at: None,
        })
        .await
        .unwrap();
}

pub fn paid(order: &Order, at: DateTime<Utc>) -> Event {
    Event::PaymentSucceeded {
        payment_id: Some(format!("pay-{}", order.id())),
        amount: order.total(),
        paid_at: at,
        auth_expires_at: Some(at + Duration::days(7)),
        card: Some(CardSummary {
            brand: "VISA".into(),
            last4: "1111".into(),
        }),
    }
}

pub fn capture_requested(id: &str, minor: i64, at: DateTime<Utc>) -> Event {
    Event::CaptureRequested {
        request_id: CaptureRequestId::parse(id).unwrap(),
        amount: sgd(minor),
        at,
    }
}

/// Applies `events` under the lock and commits.
pub async fn apply(store: &Store, order_id: &str, events: &[Event]) {
    let mut locked = store
        .lock_order(&oid(order_id))
        .await
        .unwrap()
        .expect("order exists");
    for event in events {
        locked.order_mut().apply(event).unwrap();
    }
    let next = locked.stored.next_check_at;
    locked.commit(&[], next, None).await.unwrap();
}
