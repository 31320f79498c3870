//! `GET /admin/api/orders` (newest first, filters, keyset pages) and
//! `GET /admin/api/orders/{orderId}` (payment, records, timeline, notifications).

use serde_json::{json, Value};

use super::{admin, authorized_order, id, order_path, sgd, DECLINED, TOTAL, VISA};
use crate::helpers::{spawn_app, Db};

async fn list_is_newest_first_filtered_and_paged(db: Db) {
    let app = spawn_app(db).await;
    let viewer = admin(&app, "ops-viewer", "viewer").await;
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(id(&app.default_session().await).to_owned());
    }
    for (index, card, status) in [
        (1, VISA, "AUTHORIZED"),
        (3, VISA, "AUTHORIZED"),
        (4, DECLINED, "PAYMENT_FAILED"),
    ] {
        let order = viewer.order(&created[index]).await;
        app.sim_pay(order["payment"]["paymentRequestId"].as_str().unwrap(), card, None)
            .await;
        viewer.wait_for_status(&created[index], status).await;
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    // Everything, default limit: one page.
    let all = viewer.get("/admin/api/orders").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(ids(&all.body), newest_first);
    assert_eq!(all.body["nextCursor"], Value::Null);
    let row = &all.body["orders"][1];
    assert_eq!(row["status"], "AUTHORIZED");
    assert_eq!(row["amount"], sgd(TOTAL));
    assert_eq!(row["reviewRequired"], false);
    assert_eq!(row["payment"]["cardLast4"], "1111");
    assert!(row["payment"]["authExpiresAt"].is_string(), "{row}");

    // Pages of two: 2 + 2 + 1, the cursor carrying on where the last page ended.
    let mut seen = Vec::new();
    let mut path = "/admin/api/orders?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = viewer.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        seen.extend(ids(&page.body));
        match page.body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/admin/api/orders?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, newest_first);
    // A page that ends exactly at the last order says so.
    assert_eq!(
        viewer.get("/admin/api/orders?limit=5").await.body["nextCursor"],
        Value::Null
    );

    // By status, also paged.
    let first = viewer.get("/admin/api/orders?status=AUTHORIZED&limit=1").await;
    assert_eq!(ids(&first.body), [created[3].clone()]);
    let cursor = first.body["nextCursor"].as_str().unwrap().to_owned();
    let second = viewer
        .get(&format!(
            "/admin/api/orders?status=AUTHORIZED&limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(ids(&second.body), [created[1].clone()]);
    assert_eq!(second.body["nextCursor"], Value::Null);
    let failed = viewer.get("/admin/api/orders?status=PAYMENT_FAILED").await;
    assert_eq!(ids(&failed.body), [created[4].clone()]);
    // Unpaid sessions may already be expiring (the simulator runs 100× fast): only check that
    // the filter holds and that it found nothing that was paid.
    let pending = viewer.get("/admin/api/orders?status=PENDING_PAYMENT").await;
    for order in pending.body["orders"].as_array().unwrap() {
        assert_eq!(order["status"], "PENDING_PAYMENT");
        let order_id = order["orderId"].as_str().unwrap();
        assert!(order_id == created[0] || order_id == created[2], "{order}");
    }
    // An empty status is "any status".
    assert_eq!(
        ids(&viewer.get("/admin/api/orders?status=").await.body),
        newest_first
    );

    // The simulator's authorisations last 7 days × 0.01 ≈ 1.7 hours.
    let soon = viewer
        .get("/admin/api/orders?status=AUTHORIZED&authExpiringWithinHours=1")
        .await;
    assert_eq!(soon.status, 200);
    assert!(ids(&soon.body).is_empty(), "{}", soon.body);
    let later = viewer.get("/admin/api/orders?authExpiringWithinHours=2").await;
    assert_eq!(ids(&later.body), [created[3].clone(), created[1].clone()]);
    app.stop().await;
}

fn ids(page: &Value) -> Vec<String> {
    page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap().to_owned())
        .collect()
}

async fn list_rejects_bad_parameters(db: Db) {
    let app = spawn_app(db).await;
    let viewer = admin(&app, "ops-viewer", "viewer").await;
    for query in [
        "status=BOGUS",
        "status=authorized",
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=ten",
        "limit=",
        "cursor=not-a-cursor",
        "cursor=bm90fGEgY3Vyc29y",
        "authExpiringWithinHours=0",
        "authExpiringWithinHours=-3",
        "authExpiringWithinHours=soon",
        "status=AUTHORIZED&status=CAPTURED",
    ] {
        let answer = viewer.get(&format!("/admin/api/orders?{query}")).await;
        assert_eq!(answer.error(), (400, "INVALID_REQUEST"), "{query}");
    }
    for query in [
        "limit=1",
        "limit=100",
        "status=CAPTURED",
        "authExpiringWithinHours=48",
        "unknown=ignored",
    ] {
        let answer = viewer.get(&format!("/admin/api/orders?{query}")).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
        assert_eq!(answer.body["orders"], json!([]));
        assert_eq!(answer.body["nextCursor"], Value::Null);
    }
    app.stop().await;
}

async fn detail_shows_payment_timeline_and_notifications(db: Db) {
    let app = spawn_app(db).await;
    let viewer = admin(&app, "ops-viewer", "viewer").await;
    let session = authorized_order(&app).await;
    let order_id = id(&session);
    // The webhook records its outcome just after applying the notification.
    let order = viewer
        .wait_for(order_id, "a handled notification", |o| {
            o["notifications"]
                .as_array()
                .is_some_and(|n| n.iter().any(|n| n["outcome"].is_string()))
        })
        .await;

    assert_eq!(order["orderId"], order_id);
    assert_eq!(order["status"], "AUTHORIZED");
    assert_eq!(order["amount"], sgd(TOTAL));
    assert_eq!(order["items"][0]["sku"], "TSHIRT-BLK-M");
    assert_eq!(order["reviewRequired"], false);
    assert_eq!(order["review"], json!([]));
    let payment = &order["payment"];
    assert_eq!(payment["paymentRequestId"], session["paymentRequestId"]);
    assert!(payment["paymentId"].is_string(), "{payment}");
    assert_eq!(payment["status"], "SUCCESS");
    assert_eq!(payment["cardBrand"], "VISA");
    assert_eq!(payment["cardLast4"], "1111");
    assert!(payment["paidAt"].as_str().unwrap().ends_with('Z'));
    assert!(payment["authExpiresAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(payment["failure"], Value::Null);
    assert_eq!(order["captures"], json!([]));
    assert_eq!(order["refunds"], json!([]));
    assert_eq!(order["cancel"], Value::Null);
    assert_eq!(order["capturableAmount"], sgd(TOTAL));
    assert_eq!(order["refundableAmount"], sgd("0"));
    assert_eq!(order["capturedAmount"], sgd("0"));

    let timeline = order["timeline"].as_array().unwrap();
    for entry in timeline {
        assert!(entry["at"].as_str().unwrap().ends_with('Z'), "{entry}");
        assert!(entry["type"].is_string() && entry["actor"].is_string(), "{entry}");
        assert!(entry["details"].is_object(), "{entry}");
    }
    assert_eq!(timeline[0]["type"], "ORDER_CREATED");
    assert_eq!(timeline[0]["actor"], "buyer");
    assert!(
        timeline.iter().any(|e| e["type"] == "PAYMENT_SUCCEEDED"),
        "{timeline:?}"
    );

    let notification = order["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["notifyType"] == "PAYMENT_RESULT")
        .unwrap_or_else(|| panic!("no PAYMENT_RESULT: {order}"));
    assert_eq!(notification["route"], "/webhooks/antom/payments");
    assert_eq!(notification["verdict"], "VERIFIED");
    assert!(notification["deliveryCount"].as_i64().unwrap() >= 1);
    assert!(notification["id"].is_i64());
    assert!(notification["receivedAt"].as_str().unwrap().ends_with('Z'));
    let body: Value = serde_json::from_str(notification["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["paymentRequestId"], session["paymentRequestId"]);

    // Unknown, malformed and overlong ids are all simply not found.
    for missing in [
        "no-such-order".to_owned(),
        "x".repeat(65),
        "has%20space".to_owned(),
    ] {
        let answer = viewer.get(&order_path(&missing)).await;
        assert_eq!(answer.error(), (404, "ORDER_NOT_FOUND"), "{missing}");
    }
    app.stop().await;
}

crate::on_both_databases!(
    list_is_newest_first_filtered_and_paged,
    list_rejects_bad_parameters,
    detail_shows_payment_timeline_and_notifications,
);
