//! The order timeline.

use antom_checkout::persistence::{Store, TimelineEntry};
use chrono::Duration;
use serde_json::json;

use crate::builders::*;

on_both!(timeline_entries_are_kept_in_order,);

async fn timeline_entries_are_kept_in_order(store: Store) {
    let order = new_order("order-t", "payreq-t", t(0));
    insert(&store, &order).await;
    let event = paid(&order, t(2));
    store
        .append_timeline(
            &oid("order-t"),
            &[
                entry(t(2), "SESSION_UNKNOWN"),
                TimelineEntry::event(t(2), "antom:notification", &event),
            ],
        )
        .await
        .unwrap();
    store.append_timeline(&oid("order-t"), &[]).await.unwrap();
    store
        .append_timeline(&oid("order-t"), &[entry(t(1), "EARLIER")])
        .await
        .unwrap();

    let timeline = store.timeline(&oid("order-t")).await.unwrap();
    let types: Vec<&str> = timeline.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["ORDER_CREATED", "EARLIER", "SESSION_UNKNOWN", "PAYMENT_SUCCEEDED"]
    );
    assert_eq!(timeline[3].actor, "antom:notification");
    assert_eq!(timeline[3].details["paymentId"], "pay-order-t");
    assert_eq!(timeline[3].at, t(2));
    assert_eq!(timeline[2].details, json!({"n": "SESSION_UNKNOWN"}));

    // Sub-microsecond precision is dropped alike on both databases.
    let precise = t(3) + Duration::nanoseconds(123_456_789);
    store
        .append_timeline(&oid("order-t"), &[entry(precise, "PRECISE")])
        .await
        .unwrap();
    let last = store.timeline(&oid("order-t")).await.unwrap().pop().unwrap();
    assert_eq!(last.at, t(3) + Duration::microseconds(123_456));
}
