//! The write paths themselves: on a SQLite file a transaction is opened in SQL text and fused
//! with its statements (`persistence::write_tx`), and units of work run on the write lane
//! (`persistence::write_lane`). Whatever ends a transaction early must leave the one writer
//! usable and nothing half-written; a unit whose caller stops waiting still finishes.

use std::time::Duration as StdDuration;

use antom_checkout::persistence::Store;
use domain::OrderStatus;

use crate::builders::*;

on_both!(
    a_dropped_lock_rolls_back_and_frees_the_writer,
    a_failed_save_rolls_back_and_frees_the_writer,
    a_unit_finishes_when_its_caller_stops_waiting,
    units_on_one_order_serialize,
);

/// Fails the test instead of hanging when the writer is never freed.
async fn soon<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(StdDuration::from_secs(10), f)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after 10 s (the writer was not freed)"))
}

async fn a_dropped_lock_rolls_back_and_frees_the_writer(store: Store) {
    let order = new_order("order-drop", "payreq-drop", t(0));
    insert(&store, &order).await;
    let mut locked = store.lock_order(&oid("order-drop")).await.unwrap().unwrap();
    locked.order_mut().apply(&paid(&order, t(1))).unwrap();
    // Dropped without commit or rollback, as when a request is cancelled mid-way.
    drop(locked);

    let again = soon("lock after a drop", store.lock_order(&oid("order-drop")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        again.order().status(),
        OrderStatus::PendingPayment,
        "nothing was saved"
    );
    again.rollback().await.unwrap();
    // Other writes go through too.
    let other = new_order("order-next", "payreq-next", t(2));
    soon("insert after a drop", insert(&store, &other)).await;
    apply(&store, "order-next", &[paid(&other, t(3))]).await;
    let stored = store.order(&oid("order-next")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
}

async fn a_failed_save_rolls_back_and_frees_the_writer(store: Store) {
    let first = new_order("order-one", "payreq-one", t(0));
    insert(&store, &first).await;
    apply(
        &store,
        "order-one",
        &[paid(&first, t(1)), capture_requested("cap-dup", 100, t(2))],
    )
    .await;
    let second = new_order("order-two", "payreq-two", t(0));
    insert(&store, &second).await;

    // The save's batch fails on its capture row (the id is taken) after its first statements ran.
    let mut locked = store.lock_order(&oid("order-two")).await.unwrap().unwrap();
    locked.order_mut().apply(&paid(&second, t(1))).unwrap();
    locked
        .order_mut()
        .apply(&capture_requested("cap-dup", 200, t(2)))
        .unwrap();
    let err = locked
        .commit(&[entry(t(2), "CAPTURE_REQUESTED")], None, None)
        .await
        .unwrap_err();
    assert!(err.is_conflict_on("captures.capture_request_id"), "{err:?}");

    let stored = store.order(&oid("order-two")).await.unwrap().unwrap();
    assert_eq!(
        stored.order.status(),
        OrderStatus::PendingPayment,
        "the order row rolled back"
    );
    assert!(store
        .timeline(&oid("order-two"))
        .await
        .unwrap()
        .iter()
        .all(|e| e.event_type != "CAPTURE_REQUESTED"));
    soon(
        "apply after a failed save",
        apply(&store, "order-two", &[paid(&second, t(3))]),
    )
    .await;
    let stored = store.order(&oid("order-two")).await.unwrap().unwrap();
    assert_eq!(stored.order.status(), OrderStatus::Authorized);
}

async fn a_unit_finishes_when_its_caller_stops_waiting(store: Store) {
    let order = new_order("order-unit", "payreq-unit", t(0));
    insert(&store, &order).await;
    let unit_store = store.clone();
    let unit = store.write_unit(async move {
        let mut locked = unit_store.lock_order(&oid("order-unit")).await.unwrap().unwrap();
        locked.order_mut().apply(&paid(&order, t(1))).unwrap();
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        locked
            .commit(&[entry(t(1), "PAYMENT_SUCCEEDED")], None, None)
            .await
            .unwrap();
    });
    // The caller gives up (a client disconnects) while the unit holds the lock.
    assert!(tokio::time::timeout(StdDuration::from_millis(50), unit)
        .await
        .is_err());

    let mut status = OrderStatus::PendingPayment;
    for _ in 0..50 {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        status = store
            .order(&oid("order-unit"))
            .await
            .unwrap()
            .unwrap()
            .order
            .status();
        if status == OrderStatus::Authorized {
            break;
        }
    }
    assert_eq!(status, OrderStatus::Authorized, "the unit committed on its own");
}

async fn units_on_one_order_serialize(store: Store) {
    let order = new_order("order-units", "payreq-units", t(0));
    insert(&store, &order).await;
    apply(&store, "order-units", &[paid(&order, t(1))]).await;
    // Eight units each add the capture named after the ones they see: serialized, they
    // write cap-0 … cap-7; any two that overlapped would both write the same id.
    let units = (0..8).map(|i| {
        let unit_store = store.clone();
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write_unit(async move {
                    let mut locked = unit_store.lock_order(&oid("order-units")).await.unwrap().unwrap();
                    let seen = locked.order().captures().len();
                    let event = capture_requested(&format!("cap-{seen}"), 100 + i, t(2));
                    locked.order_mut().apply(&event).unwrap();
                    tokio::task::yield_now().await;
                    locked.commit(&[], None, None).await.unwrap();
                })
                .await
        })
    });
    for unit in units.collect::<Vec<_>>() {
        soon("units", unit).await.unwrap();
    }
    let stored = store.order(&oid("order-units")).await.unwrap().unwrap();
    let mut ids: Vec<String> = stored
        .order
        .captures()
        .iter()
        .map(|c| c.request_id.as_str().to_owned())
        .collect();
    ids.sort();
    assert_eq!(ids, (0..8).map(|i| format!("cap-{i}")).collect::<Vec<_>>());
}
