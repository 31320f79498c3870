//! Orders: the snapshot round trip under the lock, projections, unique request ids, concurrent locks, corrupt snapshots.

use std::time::Duration as StdDuration;

use antom_checkout::persistence::entities::{captures, order_items, orders, payments, refunds};
use antom_checkout::persistence::{NewOrder, Store, StoreError};
use chrono::Duration;
use domain::{
    CaptureRequestId, Event, OrderStatus, PaymentRequestId, RecordStatus, RefundRequestId, ReviewNote,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::builders::*;

on_both!(
    an_order_round_trips_and_changes_under_its_lock,
    projections_follow_every_record,
    reused_request_ids_conflict,
    concurrent_locks_serialize,
    a_corrupt_snapshot_is_refused,
);

async fn an_order_round_trips_and_changes_under_its_lock(store: Store) {
    let order = new_order("order-1", "payreq-1", t(0));
    let next_check = t(30);
    store
        .insert_order(NewOrder {
            order: &order,
            token_hash: &"b".repeat(64),
            buyer_id: Some("buyer-1"),
            return_token_hash: None,
            timeline: &[entry(t(0), "ORDER_CREATED")],
            next_check_at: Some(next_check),
        })
        .await
        .unwrap();

    let stored = store.order(&oid("order-1")).await.unwrap().expect("stored");
    assert_eq!(stored.order, order);
    assert_eq!(stored.token_hash, "b".repeat(64));
    assert_eq!(stored.buyer_id.as_deref(), Some("buyer-1"));
    assert!(!stored.review_required);
    assert_eq!(stored.next_check_at, Some(next_check));
    assert_eq!(stored.check_attempts, 0);
    assert_eq!(stored.created_at, t(0));
    assert!(store.order(&oid("order-2")).await.unwrap().is_none());
    assert!(store.lock_order(&oid("order-2")).await.unwrap().is_none());

    let db = store.connection();
    let items = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq("order-1"))
        .order_by_asc(order_items::Column::Id)
        .all(db)
        .await
        .unwrap();
    let lines: Vec<_> = items
        .iter()
        .map(|i| (i.sku.as_str(), i.quantity, i.unit_minor, i.currency.as_str()))
        .collect();
    assert_eq!(
        lines,
        [("TSHIRT-BLK-M", 2, 2100, "SGD"), ("MUG-WHT", 1, 1250, "SGD")]
    );
    let row = orders::Entity::find_by_id("order-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "PENDING_PAYMENT");
    assert_eq!((row.total_minor, row.currency.as_str()), (5450, "SGD"));
    // Rolling back leaves nothing behind (locked by its paymentRequestId, as webhooks do).
    let mut locked = store
        .lock_order_by_payment_request_id(&PaymentRequestId::parse("payreq-1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(locked.order().id().as_str(), "order-1");
    locked.order_mut().apply(&paid(&order, t(5))).unwrap();
    locked.rollback().await.unwrap();
    assert_eq!(store.order(&oid("order-1")).await.unwrap().unwrap().order, order);

    // Apply under the lock, commit with a schedule and the timeline.
    let mut locked = store.lock_order(&oid("order-1")).await.unwrap().unwrap();
    assert_eq!(locked.order().status(), OrderStatus::PendingPayment);
    locked.order_mut().apply(&paid(&order, t(5))).unwrap();
    locked.order_mut().flag_for_review(ReviewNote {
        at: t(5),
        reason: "looked odd".into(),
    });
    locked
        .commit(&[entry(t(5), "PAYMENT_SUCCEEDED")], None, Some(3))
        .await
        .unwrap();

    let stored = store.order(&oid("order-1")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
    assert!(stored.review_required);
    assert_eq!(stored.next_check_at, None);
    assert_eq!(stored.check_attempts, 3);
    assert_eq!(
        stored.version, 1,
        "a committed lock_order bumps the version, a rolled back one does not"
    );
    let row = orders::Entity::find_by_id("order-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "AUTHORIZED");
    assert_eq!(row.payment_id.as_deref(), Some("pay-order-1"));
    assert_eq!(row.auth_expires_at, Some(t(5) + Duration::days(7)));
    assert_eq!(
        store.order_id_by_payment_id("pay-order-1").await.unwrap(),
        Some(oid("order-1"))
    );

    // `None` keeps the attempts counter.
    let locked = store.lock_order(&oid("order-1")).await.unwrap().unwrap();
    locked.commit(&[], Some(t(60)), None).await.unwrap();
    let stored = store.order(&oid("order-1")).await.unwrap().unwrap();
    assert_eq!(stored.check_attempts, 3);
    assert_eq!(stored.next_check_at, Some(t(60)));

    let types: Vec<String> = store
        .timeline(&oid("order-1"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(types, ["ORDER_CREATED", "PAYMENT_SUCCEEDED"]);
}

async fn projections_follow_every_record(store: Store) {
    let order = new_order("order-p", "payreq-p", t(0));
    insert(&store, &order).await;
    let db = store.connection();

    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.order_id, "order-p");
    assert_eq!(payment.status, "PROCESSING");
    assert_eq!((payment.amount_minor, payment.currency.as_str()), (5450, "SGD"));
    assert_eq!(payment.card_last4, None);

    apply(
        &store,
        "order-p",
        &[
            paid(&order, t(1)),
            capture_requested("cap-1", 3000, t(2)),
            capture_requested("cap-2", 2450, t(2)),
        ],
    )
    .await;
    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.status, RecordStatus::Success.as_str());
    assert_eq!(payment.payment_id.as_deref(), Some("pay-order-p"));
    assert_eq!(payment.card_brand.as_deref(), Some("VISA"));
    assert_eq!(payment.card_last4.as_deref(), Some("1111"));
    assert_eq!(payment.paid_at, Some(t(1)));
    let payment_updated_at = payment.updated_at;

    apply(
        &store,
        "order-p",
        &[
            Event::CaptureSucceeded {
                request_id: CaptureRequestId::parse("cap-1").unwrap(),
                capture_id: Some("antom-cap-1".into()),
                amount: sgd(3000),
                at: t(3),
            },
            Event::CaptureFailed {
                request_id: CaptureRequestId::parse("cap-2").unwrap(),
                code: "PROCESS_FAIL".into(),
                message: "nope".into(),
            },
            Event::RefundRequested {
                request_id: RefundRequestId::parse("ref-1").unwrap(),
                amount: sgd(1000),
                reason: Some("damaged".into()),
                at: t(4),
            },
        ],
    )
    .await;
    let captures = captures::Entity::find()
        .filter(captures::Column::OrderId.eq("order-p"))
        .order_by_asc(captures::Column::CaptureRequestId)
        .all(db)
        .await
        .unwrap();
    let summary: Vec<_> = captures
        .iter()
        .map(|c| {
            (
                c.capture_request_id.as_str(),
                c.status.as_str(),
                c.amount_minor,
                c.capture_id.as_deref(),
                c.failure_code.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("cap-1", "SUCCESS", Some(3000), Some("antom-cap-1"), None),
            ("cap-2", "FAIL", Some(2450), None, Some("PROCESS_FAIL")),
        ]
    );
    assert_eq!(captures[0].captured_at, Some(t(3)));
    assert_eq!(captures[0].requested_at, Some(t(2)));
    assert_eq!(captures[0].attempts, 0);
    let refund = refunds::Entity::find_by_id("ref-1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refund.status, "PROCESSING");
    assert_eq!(refund.amount_minor, Some(1000));
    assert_eq!(refund.reason.as_deref(), Some("damaged"));
    assert_eq!(
        store
            .order_id_by_capture_request_id(&CaptureRequestId::parse("cap-2").unwrap())
            .await
            .unwrap(),
        Some(oid("order-p"))
    );
    assert_eq!(
        store
            .order_id_by_refund_request_id(&RefundRequestId::parse("ref-1").unwrap())
            .await
            .unwrap(),
        Some(oid("order-p"))
    );
    assert_eq!(
        store
            .order_id_by_refund_request_id(&RefundRequestId::parse("ref-9").unwrap())
            .await
            .unwrap(),
        None
    );

    // A row whose record did not change is not rewritten.
    let payment = payments::Entity::find_by_id("payreq-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.updated_at, payment_updated_at);

    // The snapshot and the order status column agree.
    let stored = store.order(&oid("order-p")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Captured);
    let row = orders::Entity::find_by_id("order-p")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "CAPTURED");
}

async fn reused_request_ids_conflict(store: Store) {
    let first = new_order("order-a", "payreq-same", t(0));
    insert(&store, &first).await;

    let second = new_order("order-b", "payreq-same", t(1));
    let err = store
        .insert_order(NewOrder {
            order: &second,
            token_hash: &"c".repeat(64),
            buyer_id: None,
            return_token_hash: None,
            timeline: &[],
            next_check_at: None,
        })
        .await
        .unwrap_err();
    // Both the order row and its payment row carry the id: whichever unique key the database
    // checks first refuses it (PostgreSQL inserts both in one statement, in no set order).
    assert!(
        err.is_conflict_on("orders.payment_request_id") || err.is_conflict_on("payments.payment_request_id"),
        "{err:?}"
    );
    assert!(
        store.order(&oid("order-b")).await.unwrap().is_none(),
        "nothing of it was stored"
    );

    let same_id = new_order("order-a", "payreq-other", t(1));
    let err = store
        .insert_order(NewOrder {
            order: &same_id,
            token_hash: &"c".repeat(64),
            buyer_id: None,
            return_token_hash: None,
            timeline: &[],
            next_check_at: None,
        })
        .await
        .unwrap_err();
    assert!(
        err.is_conflict_on("orders.id") || err.is_conflict_on("payments.order_id"),
        "{err:?}"
    );

    // A capture request id another order already used is refused, not taken over.
    apply(
        &store,
        "order-a",
        &[paid(&first, t(1)), capture_requested("cap-x", 100, t(2))],
    )
    .await;
    let third = new_order("order-c", "payreq-c", t(2));
    insert(&store, &third).await;
    let mut locked = store.lock_order(&oid("order-c")).await.unwrap().unwrap();
    locked.order_mut().apply(&paid(&third, t(3))).unwrap();
    locked
        .order_mut()
        .apply(&capture_requested("cap-x", 200, t(3)))
        .unwrap();
    let err = locked.commit(&[], None, None).await.unwrap_err();
    assert!(err.is_conflict_on("captures.capture_request_id"), "{err:?}");
    let capture = captures::Entity::find_by_id("cap-x")
        .one(store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (capture.order_id.as_str(), capture.amount_minor),
        ("order-a", Some(100))
    );
    let third_now = store.order(&oid("order-c")).await.unwrap().unwrap();
    assert_eq!(
        third_now.order.status(),
        OrderStatus::PendingPayment,
        "rolled back"
    );
}

async fn concurrent_locks_serialize(store: Store) {
    let order = new_order("order-race", "payreq-race", t(0));
    insert(&store, &order).await;
    apply(&store, "order-race", &[paid(&order, t(1))]).await;

    // Each task names its capture after the captures it sees, holds the lock a while, commits.
    // Without the lock both would see none and write `cap-0` (one capture lost).
    let task = |store: Store, minor: i64| async move {
        let mut locked = store.lock_order(&oid("order-race")).await.unwrap().unwrap();
        let seen = locked.order().captures().len();
        let event = capture_requested(&format!("cap-{seen}"), minor, t(2));
        locked.order_mut().apply(&event).unwrap();
        tokio::time::sleep(StdDuration::from_millis(150)).await;
        locked
            .commit(&[entry(t(2), "CAPTURE_REQUESTED")], None, None)
            .await
            .unwrap();
    };
    let (a, b) = tokio::join!(
        tokio::spawn(task(store.clone(), 1000)),
        tokio::spawn(task(store.clone(), 2000)),
    );
    a.unwrap();
    b.unwrap();

    let stored = store.order(&oid("order-race")).await.unwrap().unwrap();
    let ids: Vec<&str> = stored
        .order
        .captures()
        .iter()
        .map(|c| c.request_id.as_str())
        .collect();
    assert_eq!(ids, ["cap-0", "cap-1"]);
    assert_eq!(stored.order.capture_in_flight(), sgd(3000));
    let rows = captures::Entity::find()
        .filter(captures::Column::OrderId.eq("order-race"))
        .all(store.connection())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(store.timeline(&oid("order-race")).await.unwrap().len(), 3);
}

async fn a_corrupt_snapshot_is_refused(store: Store) {
    let order = new_order("order-bad", "payreq-bad", t(0));
    insert(&store, &order).await;
    orders::Entity::update_many()
        .col_expr(orders::Column::Snapshot, Expr::value("{\"id\": \"order-bad\"}"))
        .filter(orders::Column::Id.eq("order-bad"))
        .exec(store.connection())
        .await
        .unwrap();
    assert!(matches!(
        store.order(&oid("order-bad")).await,
        Err(StoreError::CorruptSnapshot(_))
    ));
    assert!(matches!(
        store.lock_order(&oid("order-bad")).await,
        Err(StoreError::CorruptSnapshot(_))
    ));

    // A snapshot of another order is refused too.
    let other = serde_json::to_string(&new_order("order-other", "payreq-o", t(0))).unwrap();
    orders::Entity::update_many()
        .col_expr(orders::Column::Snapshot, Expr::value(other))
        .filter(orders::Column::Id.eq("order-bad"))
        .exec(store.connection())
        .await
        .unwrap();
    assert!(matches!(
        store.order(&oid("order-bad")).await,
        Err(StoreError::CorruptSnapshot(_))
    ));
}
