//! The reconciliation worker: a lost webhook never loses a payment, capture or refund, and an
//! unknown capture is finished with the same captureRequestId.

use std::time::Duration;

use antom_checkout::services::ops;
use serde_json::{json, Value};

use crate::helpers::{oid, spawn_app, Db, TestApp};

const WAIT: Duration = Duration::from_secs(20);

async fn dropped_notifications_are_recovered_by_the_worker(db: Db) {
    let app = spawn_app(db).await;
    app.sim_faults(json!({"notifications": {"drop": true}})).await;
    // Payment: nobody visits the result page, no webhook arrives; the worker inquires.
    let session = app.authorized().await;
    let order_id = session["orderId"].as_str().unwrap();
    // Capture and refund, both of whose notifications are dropped too.
    let state = app.app().state();
    ops::capture(state, &oid(order_id), None, "admin:test", None)
        .await
        .unwrap();
    app.wait_for_status(&session, "CAPTURED", WAIT).await;
    let amount = domain::Money::from_minor_units("SGD", "1000").unwrap();
    ops::refund(
        state,
        &oid(order_id),
        amount,
        Some("damaged".into()),
        "admin:test",
        None,
    )
    .await
    .unwrap();
    let order = app.wait_for_status(&session, "PARTIALLY_REFUNDED", WAIT).await;
    assert_eq!(
        order["refundedAmount"],
        json!({"currency": "SGD", "value": "1000"})
    );
    let types = app.timeline_types(order_id).await;
    assert!(types.contains(&"PAYMENT_SUCCEEDED".to_owned()), "{types:?}");
    app.stop().await;
}

async fn capture_timeout_and_unknown_finish_with_one_capture_request_id(db: Db) {
    let app = spawn_app(db).await;
    for mode in ["timeout", "unknown"] {
        let session = app.authorized().await;
        let order_id = session["orderId"].as_str().unwrap();
        // `timeout`: Antom captures but the answer never reaches us, and neither does the
        // notification; the worker must learn it from the inquiry. `unknown`: Antom did nothing
        // and said U four times; the worker must resend the identical capture.
        let fault = if mode == "timeout" {
            json!({"endpoints": {"capture": {"mode": "timeout", "times": 1, "delayMs": 15000}},
                   "notifications": {"drop": true}})
        } else {
            json!({"endpoints": {"capture": {"mode": "unknown", "times": 4}}})
        };
        app.sim_faults(fault).await;
        let view = ops::capture(app.app().state(), &oid(order_id), None, "admin:test", None)
            .await
            .unwrap();
        let order = app
            .wait_for_status(&session, "CAPTURED", Duration::from_secs(40))
            .await;
        assert_eq!(
            order["capturedAmount"],
            json!({"currency": "SGD", "value": "4200"}),
            "{mode}"
        );
        let captures = app.sim_requests("/capture").await;
        let ours: Vec<&Value> = captures
            .iter()
            .filter(|r| r["requestId"] == view.capture_request_id.as_str())
            .collect();
        let expected_sends = if mode == "timeout" { 1 } else { 5 };
        assert!(
            ours.len() >= expected_sends,
            "{mode}: capture sends: {captures:?}"
        );
        assert_eq!(
            ours.iter().filter(|r| r["resultCode"] == "SUCCESS").count(),
            1,
            "{mode}: captured once"
        );
        let other_ids = captures
            .iter()
            .filter(|r| r["requestId"] != view.capture_request_id.as_str())
            .filter(|r| {
                // Captures of earlier orders in this test have their own ids.
                r["at"].as_str() >= ours[0]["at"].as_str()
            })
            .count();
        assert_eq!(other_ids, 0, "{mode}: one captureRequestId only");
        app.sim_faults(json!({})).await;
        app.http
            .delete(format!("{}/__sim/faults", app.sim))
            .send()
            .await
            .unwrap();
    }
    app.stop().await;
}

/// A payment the buyer started but never finished (3-D Secure left open) is closed by Antom
/// (PAYMENT_RESULT F ORDER_IS_CLOSED, about 14 minutes later): the order ends EXPIRED.
async fn an_abandoned_payment_closed_by_antom_ends_expired(db: Db) {
    // 14 minutes × 0.001 ≈ 0.8 s until the simulator closes the abandoned payment.
    let app = TestApp::builder(db).simulator_time_scale(0.001).spawn().await;
    let session = app.default_session().await;
    // The 3-D Secure card, with the challenge never answered.
    app.sim_pay(
        session["paymentRequestId"].as_str().unwrap(),
        "4000000000003220",
        Some("open"),
    )
    .await;
    let order = app.wait_for_status(&session, "EXPIRED", WAIT).await;
    assert_eq!(order["payment"]["status"], "FAIL");
    app.stop().await;
}

/// A session nobody tried to pay is not a payment at Antom (ORDER_NOT_EXIST, and no
/// notification ever): it is expired locally once its deadline and the close window passed.
async fn an_untried_session_expires_after_its_deadline_and_the_close_window(db: Db) {
    let app = TestApp::builder(db)
        .payment_session_expiry(Duration::from_secs(2))
        .antom_close_window(Duration::from_secs(1))
        .spawn()
        .await;
    let session = app.default_session().await;
    let order = app.wait_for_status(&session, "EXPIRED", WAIT).await;
    assert_eq!(order["payment"]["status"], "PROCESSING");
    app.stop().await;
}

crate::on_both_databases!(
    dropped_notifications_are_recovered_by_the_worker,
    capture_timeout_and_unknown_finish_with_one_capture_request_id,
    an_abandoned_payment_closed_by_antom_ends_expired,
    an_untried_session_expires_after_its_deadline_and_the_close_window,
);
