//! The webhook inbox: verified bodies stored once, outcomes written with the order change.

use antom_checkout::persistence::{InboxDelivery, InboxOutcome, Store, StoreError};
use chrono::{DateTime, Utc};
use domain::{OrderStatus, PaymentRequestId};
use serde_json::json;

use crate::builders::*;

on_both!(
    inbox_stores_a_verified_body_once_and_lists_the_flagged,
    an_inbox_outcome_commits_or_rolls_back_with_its_order_change,
    deliveries_arriving_together_are_each_recorded_once,
);

fn delivery<'a>(body: &'a str, at: DateTime<Utc>) -> InboxDelivery<'a> {
    InboxDelivery {
        route: "/webhooks/antom/payments",
        headers: json!({"client-id": "SANDBOX_1", "request-time": "2026-11-22T10:00:00Z"}),
        body,
        raw: body.as_bytes(),
        notify_type: Some("PAYMENT_RESULT"),
        received_at: at,
    }
}

async fn inbox_stores_a_verified_body_once_and_lists_the_flagged(store: Store) {
    let body = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-1"}"#;
    let first = store.record_delivery(delivery(body, t(0))).await.unwrap();
    assert!(first.first_delivery);
    assert_eq!(first.delivery_count, 1);
    assert_eq!(first.outcome, None);

    let second = store.record_delivery(delivery(body, t(5))).await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(!second.first_delivery);
    assert_eq!(second.delivery_count, 2);
    assert_eq!(second.outcome, None, "the first delivery is still being handled");

    store
        .set_inbox_outcome(
            first.id,
            Some(&oid("order-1")),
            InboxOutcome::Applied,
            Some("PENDING_PAYMENT → AUTHORIZED"),
        )
        .await
        .unwrap();
    let third = store.record_delivery(delivery(body, t(9))).await.unwrap();
    assert!(!third.first_delivery);
    assert_eq!(third.delivery_count, 3);
    assert_eq!(third.outcome, Some(InboxOutcome::Applied));

    let unknown = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-x"}"#;
    let flagged = store.record_delivery(delivery(unknown, t(2))).await.unwrap();
    store
        .set_inbox_outcome(flagged.id, None, InboxOutcome::UnknownPayment, None)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_inbox_outcome(999_999, None, InboxOutcome::Applied, None)
            .await,
        Err(StoreError::NotFound)
    ));

    let entries = store.notifications_for_order(&oid("order-1")).await.unwrap();
    assert_eq!(entries.len(), 1);
    let verified = &entries[0];
    assert_eq!(verified.id, first.id);
    assert_eq!(verified.verdict, "VERIFIED");
    assert_eq!(verified.delivery_count, 3);
    assert_eq!(verified.received_at, t(0));
    assert_eq!(verified.last_received_at, t(9));
    assert_eq!(verified.body, body);
    assert_eq!(verified.headers["client-id"], "SANDBOX_1");
    assert_eq!(verified.notify_type.as_deref(), Some("PAYMENT_RESULT"));
    assert_eq!(
        verified.outcome_detail.as_deref(),
        Some("PENDING_PAYMENT → AUTHORIZED")
    );
    assert!(store
        .notifications_for_order(&oid("order-2"))
        .await
        .unwrap()
        .is_empty());

    // Ops' list of deliveries that need a person holds the unknown payment only.
    let flagged_list = store.flagged_deliveries(None, 10).await.unwrap();
    assert_eq!(flagged_list.len(), 1);
    assert_eq!(flagged_list[0].id, flagged.id);
    // Retention: everything first received before t(1) goes.
    assert_eq!(store.prune_inbox(t(1)).await.unwrap(), 1);
    assert!(store
        .notifications_for_order(&oid("order-1"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.flagged_deliveries(None, 10).await.unwrap().len(), 1);
}

/// The webhook path: lock by paymentRequestId, apply, record the inbox outcome in the same
/// transaction. A rollback leaves neither the change nor the outcome; a commit leaves both.
async fn an_inbox_outcome_commits_or_rolls_back_with_its_order_change(store: Store) {
    let order = new_order("order-1", "payreq-1", t(0));
    insert(&store, &order).await;
    assert!(store
        .lock_order_by_payment_request_id(&PaymentRequestId::parse("payreq-unknown").unwrap())
        .await
        .unwrap()
        .is_none());
    let body = r#"{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-1"}"#;
    let record = store.record_delivery(delivery(body, t(1))).await.unwrap();

    let mut locked = store
        .lock_order_by_payment_request_id(&PaymentRequestId::parse("payreq-1").unwrap())
        .await
        .unwrap()
        .expect("found by its paymentRequestId");
    assert_eq!(locked.order().id().as_str(), "order-1");
    locked.order_mut().apply(&paid(&order, t(1))).unwrap();
    locked.set_inbox_outcome(record.id, InboxOutcome::Applied, Some("AUTHORIZED"));
    locked.rollback().await.unwrap();
    let again = store.record_delivery(delivery(body, t(2))).await.unwrap();
    assert_eq!(again.id, record.id);
    assert_eq!(again.outcome, None, "the outcome rolled back with the change");
    let stored = store.order(&oid("order-1")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::PendingPayment);
    assert!(store
        .notifications_for_order(&oid("order-1"))
        .await
        .unwrap()
        .is_empty());

    let mut locked = store
        .lock_order_by_payment_request_id(&PaymentRequestId::parse("payreq-1").unwrap())
        .await
        .unwrap()
        .unwrap();
    locked.order_mut().apply(&paid(&order, t(3))).unwrap();
    locked.set_inbox_outcome(record.id, InboxOutcome::Applied, Some("AUTHORIZED"));
    locked.commit(&[], None, None).await.unwrap();
    let third = store.record_delivery(delivery(body, t(4))).await.unwrap();
    assert_eq!(third.outcome, Some(InboxOutcome::Applied));
    let stored = store.order(&oid("order-1")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
    assert_eq!(
        stored.version, 1,
        "the rolled-back lock left no trace, the committed one bumped it"
    );
    let entries = store.notifications_for_order(&oid("order-1")).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome_detail.as_deref(), Some("AUTHORIZED"));
}

/// 60 notifications, each delivered 3 times, all at once: on a SQLite file they commit in
/// groups (`group_commit`), and each caller must still get its own row: exactly one first
/// delivery per body, counts 1, 2 and 3, and every row on disk when the calls return.
async fn deliveries_arriving_together_are_each_recorded_once(store: Store) {
    let bodies: Vec<String> = (0..60)
        .map(|i| format!(r#"{{"notifyType":"PAYMENT_RESULT","paymentRequestId":"payreq-g{i}"}}"#))
        .collect();
    let calls = bodies
        .iter()
        .flat_map(|body| std::iter::repeat_n(body.clone(), 3))
        .map(|body| {
            let store = store.clone();
            tokio::spawn(async move {
                let record = store.record_delivery(delivery(&body, t(0))).await.unwrap();
                (body, record)
            })
        });
    let calls: Vec<_> = calls.collect();
    let mut seen: std::collections::BTreeMap<String, Vec<(i64, bool, i32)>> = Default::default();
    for call in calls {
        let (body, record) = call.await.unwrap();
        seen.entry(body)
            .or_default()
            .push((record.id, record.first_delivery, record.delivery_count));
    }
    assert_eq!(seen.len(), 60);
    for (body, mut records) in seen {
        records.sort_by_key(|r| r.2);
        let counts: Vec<i32> = records.iter().map(|r| r.2).collect();
        assert_eq!(counts, [1, 2, 3], "{body}");
        assert_eq!(
            records.iter().filter(|r| r.1).count(),
            1,
            "{body}: one first delivery"
        );
        assert!(records.iter().all(|r| r.0 == records[0].0), "{body}: one row");
    }
    use sea_orm::{EntityTrait, PaginatorTrait};
    let rows = antom_checkout::persistence::entities::inbox::Entity::find()
        .count(store.connection())
        .await
        .unwrap();
    assert_eq!(rows, 60);
}
