//! Webhooks: rejections leave orders untouched, duplicates change state once, out-of-order
//! facts converge, mismatched amounts are flagged, unknown payments are stored and acknowledged.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{antom_key, spawn_app, Db, CLIENT_ID};

const ROUTE: &str = "/webhooks/antom/payments";
const ACK: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;

fn payment_result(session: &Value, value: &str, currency: &str) -> String {
    json!({
        "notifyType": "PAYMENT_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentRequestId": session["paymentRequestId"],
        "paymentId": format!("pay-{}", session["paymentRequestId"].as_str().unwrap()),
        "paymentAmount": {"currency": currency, "value": value},
        "paymentTime": "2026-11-22T10:00:00+08:00",
        "authExpiryTime": "2026-11-29T10:00:00+08:00",
        "paymentResultInfo": {"cardBrand": "VISA", "cardNo": "************1111", "lastFour": "1111"}
    })
    .to_string()
}

async fn rejected_notifications_leave_the_order_untouched(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let body = payment_result(&session, "4200", "SGD");
    let order_id = session["orderId"].as_str().unwrap();
    let before = app.timeline_types(order_id).await;

    let deliveries = app
        .rejectable_deliveries(ROUTE, "/webhooks/antom/refunds", &body, |b| {
            b.replace("4200", "1")
        })
        .await;
    for (name, response) in deliveries {
        assert_eq!(response.status(), 401, "{name}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["result"]["resultCode"], "INVALID_SIGNATURE", "{name}");
        assert_eq!(answer["result"]["resultStatus"], "F", "{name}");
    }
    assert_eq!(app.order(&session).await["status"], "PENDING_PAYMENT");
    assert_eq!(app.timeline_types(order_id).await, before);
    // Every rejected delivery is kept for inspection.
    let rejected: Vec<_> = app
        .app()
        .state()
        .store
        .notifications_for_order(&crate::helpers::oid(order_id))
        .await
        .unwrap();
    assert!(
        rejected.is_empty(),
        "rejected deliveries are not attached to the order"
    );

    // The correctly signed notification is applied and acknowledged exactly.
    let good = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
    assert_eq!(good.status(), 200);
    assert_eq!(good.text().await.unwrap(), ACK);
    assert_eq!(app.order(&session).await["status"], "AUTHORIZED");
    app.stop().await;
}

async fn duplicate_deliveries_change_state_once(db: Db) {
    let app = spawn_app(db).await;
    app.sim_faults(json!({"notifications": {"duplicate": 3}})).await;
    let session = app.default_session().await;
    app.sim_pay(
        session["paymentRequestId"].as_str().unwrap(),
        "4111111111111111",
        None,
    )
    .await;
    app.wait_for_status(&session, "AUTHORIZED", Duration::from_secs(15))
        .await;
    // Let the duplicates arrive, then count.
    let order_id = session["orderId"].as_str().unwrap();
    let store = &app.app().state().store;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let deliveries: i64 = store
            .notifications_for_order(&crate::helpers::oid(order_id))
            .await
            .unwrap()
            .iter()
            .map(|n| i64::from(n.delivery_count))
            .sum();
        // `duplicate: 3` = three deliveries of the same notification in total.
        if deliveries >= 3 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "duplicates never arrived ({deliveries})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let types = app.timeline_types(order_id).await;
    assert_eq!(
        types.iter().filter(|t| *t == "PAYMENT_SUCCEEDED").count(),
        1,
        "{types:?}"
    );
    app.stop().await;
}

async fn out_of_order_capture_before_payment_converges(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let capture = json!({
        "notifyType": "CAPTURE_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "captureRequestId": "auto-capture-1",
        "paymentId": format!("pay-{}", session["paymentRequestId"].as_str().unwrap()),
        "captureId": "cap-1",
        "captureAmount": {"currency": "SGD", "value": "4200"},
        "captureTime": "2026-11-22T10:00:01+08:00"
    })
    .to_string();
    // The capture result names a paymentId we have not learned yet: first stored as unknown.
    let early = app
        .send_notification(ROUTE, &capture, &antom_key(), CLIENT_ID)
        .await;
    assert_eq!(early.status(), 200);
    let payment = payment_result(&session, "4200", "SGD");
    assert_eq!(
        app.send_notification(ROUTE, &payment, &antom_key(), CLIENT_ID)
            .await
            .status(),
        200
    );
    assert_eq!(app.order(&session).await["status"], "AUTHORIZED");
    // Antom retries the capture notification: now it applies.
    assert_eq!(
        app.send_notification(ROUTE, &capture, &antom_key(), CLIENT_ID)
            .await
            .status(),
        200
    );
    let order = app.order(&session).await;
    assert_eq!(order["status"], "CAPTURED");
    assert_eq!(
        order["capturedAmount"],
        json!({"currency": "SGD", "value": "4200"})
    );
    // And the payment result again is a no-op.
    assert_eq!(
        app.send_notification(ROUTE, &payment, &antom_key(), CLIENT_ID)
            .await
            .status(),
        200
    );
    assert_eq!(app.order(&session).await["status"], "CAPTURED");
    app.stop().await;
}

async fn amount_mismatch_is_flagged_not_applied(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let body = payment_result(&session, "1", "SGD");
    let response = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
    assert_eq!(response.status(), 200, "accepted and stored, not applied");
    assert_eq!(app.order(&session).await["status"], "PENDING_PAYMENT");
    let order_id = session["orderId"].as_str().unwrap();
    let stored = app
        .app()
        .state()
        .store
        .order(&crate::helpers::oid(order_id))
        .await
        .unwrap()
        .unwrap();
    assert!(stored.review_required);
    let types = app.timeline_types(order_id).await;
    assert!(types.iter().any(|t| t == "FLAGGED_FOR_REVIEW"), "{types:?}");
    let other_currency = payment_result(&session, "4200", "USD");
    app.send_notification(ROUTE, &other_currency, &antom_key(), CLIENT_ID)
        .await;
    assert_eq!(app.order(&session).await["status"], "PENDING_PAYMENT");
    app.stop().await;
}

async fn unknown_payments_are_stored_and_acknowledged(db: Db) {
    let app = spawn_app(db).await;
    let ghost = json!({"paymentRequestId": "never-created"});
    let body = payment_result(&ghost, "100", "SGD");
    let response = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), ACK);
    app.stop().await;
}

crate::on_both_databases!(
    rejected_notifications_leave_the_order_untouched,
    duplicate_deliveries_change_state_once,
    out_of_order_capture_before_payment_converges,
    amount_mismatch_is_flagged_not_applied,
    unknown_payments_are_stored_and_acknowledged,
);
