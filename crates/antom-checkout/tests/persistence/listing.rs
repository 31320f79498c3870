//! Listing orders for ops and finding due ones for the reconciler.

use antom_checkout::persistence::{NewOrder, OrderCursor, OrderFilter, Store};
use chrono::Duration;
use domain::OrderStatus;

use crate::builders::*;

on_both!(
    orders_list_newest_first_with_cursor_and_filters,
    due_orders_come_oldest_first,
);

async fn orders_list_newest_first_with_cursor_and_filters(store: Store) {
    // o-0 … o-4 one second apart; o-5 and o-6 share a timestamp (the id breaks the tie).
    for i in 0..5 {
        insert(&store, &new_order(&format!("o-{i}"), &format!("p-{i}"), t(i))).await;
    }
    insert(&store, &new_order("o-5", "p-5", t(10))).await;
    insert(&store, &new_order("o-6", "p-6", t(10))).await;

    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_orders(OrderFilter {
                limit: 2,
                cursor: cursor.take(),
                ..OrderFilter::default()
            })
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.orders.iter().map(|o| o.order.id().to_string()));
        match page.next_cursor {
            Some(next) => {
                // Cursors travel as opaque strings.
                cursor = Some(OrderCursor::parse(&next.to_string()).unwrap());
            }
            None => break,
        }
    }
    assert_eq!(seen, ["o-6", "o-5", "o-4", "o-3", "o-2", "o-1", "o-0"]);
    assert_eq!(pages, 4);

    let order = store.order(&oid("o-2")).await.unwrap().unwrap().order;
    apply(&store, "o-2", &[paid(&order, t(20))]).await;
    let order = store.order(&oid("o-4")).await.unwrap().unwrap().order;
    apply(&store, "o-4", &[paid(&order, t(40))]).await;
    let authorized = store
        .list_orders(OrderFilter {
            status: Some(OrderStatus::Authorized),
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    let ids: Vec<String> = authorized
        .orders
        .iter()
        .map(|o| o.order.id().to_string())
        .collect();
    assert_eq!(ids, ["o-4", "o-2"]);
    assert_eq!(authorized.next_cursor, None);

    // o-2's authorisation ends at t(20) + 7 days, o-4's at t(40) + 7 days.
    let expiring = store
        .list_orders(OrderFilter {
            auth_expiring_before: Some(t(30) + Duration::days(7)),
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    let ids: Vec<String> = expiring.orders.iter().map(|o| o.order.id().to_string()).collect();
    assert_eq!(ids, ["o-2"]);

    let none = store
        .list_orders(OrderFilter {
            status: Some(OrderStatus::Refunded),
            limit: 0,
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    assert!(none.orders.is_empty() && none.next_cursor.is_none());
    let clamped = store
        .list_orders(OrderFilter {
            limit: 0,
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(clamped.orders.len(), 1, "a limit of 0 is raised to 1");

    assert!(OrderCursor::parse("not a cursor").is_err());
    assert!(OrderCursor::parse("bm90fGE").is_err(), "base64 of `not|a`");
}

async fn due_orders_come_oldest_first(store: Store) {
    for (id, check_at) in [
        ("d-late", Some(t(50))),
        ("d-first", Some(t(10))),
        ("d-none", None),
        ("d-future", Some(t(500))),
        ("d-second", Some(t(20))),
    ] {
        let order = new_order(id, &format!("pay-{id}"), t(0));
        store
            .insert_order(NewOrder {
                order: &order,
                token_hash: &"d".repeat(64),
                buyer_id: None,
                return_token_hash: None,
                timeline: &[],
                next_check_at: check_at,
            })
            .await
            .unwrap();
    }
    let due = |ids: &[&str]| ids.iter().map(|id| oid(id)).collect::<Vec<_>>();
    assert_eq!(
        store.due_orders(t(50), 10).await.unwrap(),
        due(&["d-first", "d-second", "d-late"])
    );
    assert_eq!(
        store.due_orders(t(50), 2).await.unwrap(),
        due(&["d-first", "d-second"])
    );
    assert!(store.due_orders(t(5), 10).await.unwrap().is_empty());

    // Settling an order takes it off the queue.
    let locked = store.lock_order(&oid("d-first")).await.unwrap().unwrap();
    locked.commit(&[], None, Some(0)).await.unwrap();
    assert_eq!(
        store.due_orders(t(50), 10).await.unwrap(),
        due(&["d-second", "d-late"])
    );
}
