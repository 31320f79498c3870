//! `POST /webhooks/antom/refunds`, held to what the payment and vaulting routes already are:
//! a delivery whose signature does not hold changes nothing, a duplicate changes state once,
//! and late or contradictory results are recorded (and flagged), never applied twice.

use std::time::Duration;

use antom_checkout::services::ops;
use domain::{Money, OrderId, RecordStatus};
use serde_json::{json, Value};

use crate::helpers::{antom_key, oid, spawn_app, Db, TestApp, CLIENT_ID};

const ROUTE: &str = "/webhooks/antom/refunds";
const ACK: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;
const WAIT: Duration = Duration::from_secs(20);

/// An order paid (SGD 42.00) and captured in full through the simulator.
async fn captured_order(app: &TestApp) -> (Value, OrderId) {
    let session = app.authorized().await;
    let order_id = oid(session["orderId"].as_str().unwrap());
    ops::capture(app.app().state(), &order_id, None, "admin:test", None)
        .await
        .unwrap();
    app.wait_for_status(&session, "CAPTURED", WAIT).await;
    (session, order_id)
}

/// Antom's paymentId for the order, as the server learned it.
async fn payment_id(app: &TestApp, order_id: &OrderId) -> String {
    let stored = app.app().state().store.order(order_id).await.unwrap().unwrap();
    stored
        .order
        .payment()
        .payment_id
        .clone()
        .expect("paymentId known")
}

/// A notifyRefund body as Antom sends it.
fn refund_result(refund_request_id: &str, payment_id: &str, status: &str, value: &str) -> String {
    let result = match status {
        "SUCCESS" => json!({"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}),
        _ => json!({"resultCode": "PROCESS_FAIL", "resultStatus": "F", "resultMessage": "refund failed"}),
    };
    json!({
        "notifyType": "REFUND_RESULT",
        "result": result,
        "refundStatus": status,
        "refundRequestId": refund_request_id,
        "refundId": format!("rf-{refund_request_id}"),
        "paymentId": payment_id,
        "refundAmount": {"currency": "SGD", "value": value},
        "refundTime": "2026-11-22T10:05:00+08:00"
    })
    .to_string()
}

async fn refund_status(app: &TestApp, order_id: &OrderId, request_id: &str) -> Option<RecordStatus> {
    let stored = app.app().state().store.order(order_id).await.unwrap().unwrap();
    let status = stored
        .order
        .refunds()
        .iter()
        .find(|r| r.request_id.as_str() == request_id)
        .map(|r| r.status);
    status
}

fn count(types: &[String], kind: &str) -> usize {
    types.iter().filter(|t| *t == kind).count()
}

async fn rejected_refund_notifications_change_nothing(db: Db) {
    let app = spawn_app(db).await;
    let (session, order_id) = captured_order(&app).await;
    // The refund stays PROCESSING at Antom, and its notification is ours to send.
    app.sim_faults(json!({
        "endpoints": {"refund": {"mode": "processing"}},
        "notifications": {"drop": true, "notifyType": "REFUND_RESULT"}
    }))
    .await;
    let refund = ops::refund(
        app.app().state(),
        &order_id,
        Money::from_minor_units("SGD", "1000").unwrap(),
        None,
        "admin:test",
        None,
    )
    .await
    .unwrap();
    assert_eq!(refund.status, "PROCESSING");
    let request_id = refund.refund_request_id;
    let body = refund_result(&request_id, &payment_id(&app, &order_id).await, "SUCCESS", "1000");
    let before = app.timeline_types(order_id.as_str()).await;

    // The tampered body asks for 42.00 instead of 10.00.
    let deliveries = app
        .rejectable_deliveries(ROUTE, "/webhooks/antom/payments", &body, |b| {
            b.replace("\"1000\"", "\"4200\"")
        })
        .await;
    for (name, response) in deliveries {
        assert_eq!(response.status(), 401, "{name}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["result"]["resultCode"], "INVALID_SIGNATURE", "{name}");
    }
    assert_eq!(
        refund_status(&app, &order_id, &request_id).await,
        Some(RecordStatus::Processing)
    );
    assert_eq!(app.order(&session).await["status"], "CAPTURED");
    assert_eq!(app.timeline_types(order_id.as_str()).await, before);
    let stored = app
        .app()
        .state()
        .store
        .notifications_for_order(&order_id)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|n| n.route != ROUTE),
        "rejected refund deliveries are not in the inbox"
    );

    let good = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
    assert_eq!(good.status(), 200);
    assert_eq!(good.text().await.unwrap(), ACK);
    let order = app.order(&session).await;
    assert_eq!(order["status"], "PARTIALLY_REFUNDED");
    assert_eq!(
        order["refundedAmount"],
        json!({"currency": "SGD", "value": "1000"})
    );
    app.stop().await;
}

async fn duplicate_refund_notifications_change_state_once(db: Db) {
    let app = spawn_app(db).await;
    let (session, order_id) = captured_order(&app).await;
    // The refund finishes later; its notification is delivered three times.
    app.sim_faults(json!({
        "endpoints": {"refund": {"mode": "processing"}},
        "notifications": {"duplicate": 3, "notifyType": "REFUND_RESULT"}
    }))
    .await;
    ops::refund(
        app.app().state(),
        &order_id,
        Money::from_minor_units("SGD", "1500").unwrap(),
        None,
        "admin:test",
        None,
    )
    .await
    .unwrap();
    app.wait_for_status(&session, "PARTIALLY_REFUNDED", WAIT).await;
    let store = &app.app().state().store;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let deliveries: i32 = store
            .notifications_for_order(&order_id)
            .await
            .unwrap()
            .iter()
            .filter(|n| n.route == ROUTE)
            .map(|n| n.delivery_count)
            .sum();
        if deliveries >= 3 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the duplicates never arrived ({deliveries})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let types = app.timeline_types(order_id.as_str()).await;
    assert_eq!(count(&types, "REFUND_SUCCEEDED"), 1, "{types:?}");
    let order = app.order(&session).await;
    assert_eq!(
        order["refundedAmount"],
        json!({"currency": "SGD", "value": "1500"})
    );
    app.stop().await;
}

async fn late_and_contradicting_refund_results_are_recorded_not_applied(db: Db) {
    let app = spawn_app(db).await;
    let (session, order_id) = captured_order(&app).await;
    let payment = payment_id(&app, &order_id).await;
    let send = |body: String| {
        let app = &app;
        async move {
            let response = app.send_notification(ROUTE, &body, &antom_key(), CLIENT_ID).await;
            assert_eq!(response.status(), 200);
            assert_eq!(response.text().await.unwrap(), ACK);
        }
    };

    // A refund made outside this server (Antom's dashboard): its result creates the record.
    let success = refund_result("dashboard-refund-1", &payment, "SUCCESS", "1000");
    send(success.clone()).await;
    assert_eq!(app.order(&session).await["status"], "PARTIALLY_REFUNDED");
    assert_eq!(
        refund_status(&app, &order_id, "dashboard-refund-1").await,
        Some(RecordStatus::Success)
    );

    // A late FAIL for the same refund contradicts the final SUCCESS: kept, flagged, not applied.
    send(refund_result("dashboard-refund-1", &payment, "FAIL", "1000")).await;
    assert_eq!(
        refund_status(&app, &order_id, "dashboard-refund-1").await,
        Some(RecordStatus::Success)
    );
    let stored = app.app().state().store.order(&order_id).await.unwrap().unwrap();
    assert!(stored.review_required, "a contradiction needs a person");

    // Antom's retry of the SUCCESS is a duplicate: nothing is refunded twice.
    send(success).await;
    // A result worth more than is left to refund (32.00) is refused, never applied.
    send(refund_result("dashboard-refund-2", &payment, "SUCCESS", "4000")).await;
    assert_eq!(refund_status(&app, &order_id, "dashboard-refund-2").await, None);

    let order = app.order(&session).await;
    assert_eq!(order["status"], "PARTIALLY_REFUNDED");
    assert_eq!(
        order["refundedAmount"],
        json!({"currency": "SGD", "value": "1000"})
    );
    let types = app.timeline_types(order_id.as_str()).await;
    assert_eq!(count(&types, "REFUND_SUCCEEDED"), 1, "{types:?}");
    assert!(count(&types, "EVENT_NOT_APPLIED") >= 2, "{types:?}");
    let outcomes: Vec<String> = app
        .app()
        .state()
        .store
        .notifications_for_order(&order_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.route == ROUTE)
        .filter_map(|n| n.outcome)
        .collect();
    assert!(outcomes.iter().any(|o| o == "APPLIED"), "{outcomes:?}");
    assert!(outcomes.iter().any(|o| o == "FLAGGED_FOR_REVIEW"), "{outcomes:?}");
    app.stop().await;
}

crate::on_both_databases!(
    rejected_refund_notifications_change_nothing,
    duplicate_refund_notifications_change_state_once,
    late_and_contradicting_refund_results_are_recorded_not_applied,
);
