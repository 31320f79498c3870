//! Live-correctness against Antom (issue 14): the simulator answers as unkindly as Antom's own
//! guides show, and the server still books the money right. Each scenario failed before the
//! change; each runs on both databases.

use std::time::Duration;

use antom_checkout::services::ops;
use serde_json::{json, Value};

use crate::helpers::{oid, Db, TestApp, VISA};
use antom_checkout::config::CaptureMode;
use domain::OrderId;

/// Authorizes; every capture fails.
const CAPTURE_FAILS: &str = "4000000000000341";
/// Stays processing 30 s (times the time scale), then authorizes.
const SLOW: &str = "4000000000000259";

fn order_id(session: &Value) -> OrderId {
    oid(session["orderId"].as_str().unwrap())
}

/// Polls the order for `timeout`, failing at once if it ever shows `never`.
async fn settles_to(app: &TestApp, session: &Value, want: &str, never: &str, timeout: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let order = app.order(session).await;
        assert_ne!(order["status"], never, "{order}");
        if order["status"] == want {
            return order;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never reached {want}: {order}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A failed capture that inquiryPayment reports as `transactionStatus: SUCCESS` with result F
/// (the shape of Antom's own guide) ends FAIL, never CAPTURED.
async fn a_failed_capture_reported_as_success_with_result_f_ends_failed(db: Db) {
    let app = TestApp::builder(db).spawn().await;
    let session = app.paid(CAPTURE_FAILS, "AUTHORIZED").await;
    app.sim_faults(json!({
        "answers": {"transactionStatusAlwaysSuccess": true},
        "notifications": {"drop": true},
        "endpoints": {"capture": {"mode": "processing"}}
    }))
    .await;
    let view = ops::capture(app.app().state(), &order_id(&session), None, "admin:test", None)
        .await
        .unwrap();
    assert_eq!(view.status, "PROCESSING");
    let order = settles_to(
        &app,
        &session,
        "CAPTURE_FAILED",
        "CAPTURED",
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(order["capturedAmount"]["value"], "0");
    // Both fields of the answer are in the timeline.
    let timeline = app
        .app()
        .state()
        .store
        .timeline(&order_id(&session))
        .await
        .unwrap();
    let read = timeline
        .iter()
        .find(|e| e.event_type == "ANTOM_ANSWER_READ")
        .expect("the disagreement is recorded");
    assert_eq!(read.details["transactionStatus"], "SUCCESS");
    assert_eq!(read.details["transactionResult"]["resultStatus"], "F");
    app.stop().await;
}

/// With automatic capture, a lost CAPTURE_RESULT does not leave the order AUTHORIZED: the
/// worker watches the authorization until it sees the capture.
async fn automatic_capture_without_its_notification_ends_captured(db: Db) {
    let app = TestApp::builder(db)
        .capture_mode(CaptureMode::Automatic)
        .spawn()
        .await;
    app.sim_faults(json!({"notifications": {"drop": true, "notifyType": "CAPTURE_RESULT"}}))
        .await;
    let session = app.default_session().await;
    app.sim_pay(session["paymentRequestId"].as_str().unwrap(), VISA, None)
        .await;
    let order = app
        .wait_for_status(&session, "CAPTURED", Duration::from_secs(30))
        .await;
    assert_eq!(order["capturedAmount"], order["amount"]);
    app.stop().await;
}

/// A buyer finishes late: the payment settles after the session's expiry. Antom knows the
/// payment, so it is inquired until it settles, and the order ends AUTHORIZED, not EXPIRED.
async fn a_payment_settling_after_the_session_expiry_ends_authorized(db: Db) {
    // The slow card settles 9 s after payment (30 s × 0.3); the session lasts 2 s.
    let app = TestApp::builder(db)
        .payment_session_expiry(Duration::from_secs(2))
        .antom_close_window(Duration::from_secs(1))
        .simulator_time_scale(0.3)
        .spawn()
        .await;
    app.sim_faults(json!({"notifications": {"drop": true}})).await;
    let session = app.default_session().await;
    app.sim_pay(session["paymentRequestId"].as_str().unwrap(), SLOW, None)
        .await;
    let order = settles_to(&app, &session, "AUTHORIZED", "EXPIRED", Duration::from_secs(40)).await;
    assert_eq!(order["payment"]["status"], "SUCCESS");
    app.stop().await;
}

/// A session that never reached Antom expires once its deadline and the close window have
/// passed with Antom not knowing the payment, and is not inquired any more.
async fn a_session_that_never_reached_antom_expires_and_stops_being_inquired(db: Db) {
    let app = TestApp::builder(db)
        .payment_session_expiry(Duration::from_secs(2))
        .antom_close_window(Duration::from_secs(1))
        .spawn()
        .await;
    app.sim_faults(json!({"endpoints": {"createPaymentSession": {"mode": "unknown"}}}))
        .await;
    let answer = app
        .post_json(
            "/sessions",
            &json!({"items": [{"sku": "CAP-NVY", "quantity": 1}]}),
        )
        .await;
    assert_eq!(answer.status(), 504);
    let store = &app.app().state().store;
    let wait = tokio::time::Instant::now() + Duration::from_secs(30);
    let order_id = loop {
        let page = store
            .list_orders(antom_checkout::persistence::OrderFilter::default())
            .await
            .unwrap();
        if let Some(row) = page
            .orders
            .iter()
            .find(|o| o.order.status().as_str() == "EXPIRED")
        {
            break row.order.id().clone();
        }
        assert!(tokio::time::Instant::now() < wait, "the order never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let stored = store.order(&order_id).await.unwrap().unwrap();
    assert_eq!(stored.next_check_at, None, "nothing left to watch");
    let inquiries = app.sim_requests("/inquiryPayment").await.len();
    assert!(inquiries >= 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        app.sim_requests("/inquiryPayment").await.len(),
        inquiries,
        "no more polling"
    );
    app.stop().await;
}

/// REPEAT_REQ_INCONSISTENT says the request id was used before, not that the capture failed:
/// the capture stays processing, the order is flagged, and the worker finishes it.
async fn repeat_req_inconsistent_never_marks_a_capture_failed(db: Db) {
    let app = TestApp::builder(db).spawn().await;
    let session = app.paid(VISA, "AUTHORIZED").await;
    app.sim_faults(json!({"endpoints": {"capture": {"mode": "fail", "resultCode": "REPEAT_REQ_INCONSISTENT", "times": 1}}}))
        .await;
    let view = ops::capture(app.app().state(), &order_id(&session), None, "admin:test", None)
        .await
        .unwrap();
    assert_eq!(view.status, "PROCESSING");
    let order = settles_to(
        &app,
        &session,
        "CAPTURED",
        "CAPTURE_FAILED",
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(order["capturedAmount"], order["amount"]);
    let stored = app
        .app()
        .state()
        .store
        .order(&order_id(&session))
        .await
        .unwrap()
        .unwrap();
    assert!(stored.review_required, "flagged for a person");
    let captures: Vec<Value> = app.sim_requests("/capture").await;
    let ids: std::collections::HashSet<&str> = captures
        .iter()
        .map(|c| c["requestId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "resent with the same captureRequestId");
    app.stop().await;
}

crate::on_both_databases!(
    a_failed_capture_reported_as_success_with_result_f_ends_failed,
    automatic_capture_without_its_notification_ends_captured,
    a_payment_settling_after_the_session_expiry_ends_authorized,
    a_session_that_never_reached_antom_expires_and_stops_being_inquired,
    repeat_req_inconsistent_never_marks_a_capture_failed,
    the_url_antom_keeps_has_no_order_token_and_its_return_token_is_single_use,
    an_app_gets_its_redirect_url_and_must_say_its_os,
);

/// The paymentRedirectUrl Antom keeps (and echoes in inquiries) never holds the order token;
/// its single-use return token opens the result page once, through an access cookie.
async fn the_url_antom_keeps_has_no_order_token_and_its_return_token_is_single_use(db: Db) {
    use antom_client::model::InquiryPaymentRequest;
    let app = TestApp::builder(db).spawn().await;
    let session = app.default_session().await;
    let request_id = session["paymentRequestId"].as_str().unwrap();
    app.sim_pay(request_id, VISA, None).await;
    app.wait_for_status(&session, "AUTHORIZED", Duration::from_secs(20))
        .await;
    let inquiry = app
        .app()
        .state()
        .antom
        .send(&InquiryPaymentRequest::by_payment_request_id(
            request_id.to_owned(),
        ))
        .await;
    let antom_client::Outcome::Success(answer) = inquiry else {
        panic!("{inquiry:?}")
    };
    let kept = answer
        .payment_redirect_url
        .expect("Antom echoes the paymentRedirectUrl");
    assert!(!kept.contains(session["orderToken"].as_str().unwrap()), "{kept}");
    assert!(kept.contains("rt="), "{kept}");

    // A browser without cookies comes back: the token is spent for an access cookie.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let local = kept.replacen(&app.app().state().public_base_url.to_string(), &app.base, 1);
    let back = browser.get(&local).send().await.unwrap();
    assert_eq!(back.status(), 303);
    let location = back.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("rt="), "{location}");
    let cookie = back.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = browser
        .get(format!("{}{location}", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(r#"data-status="AUTHORIZED""#));
    // Spent: the same URL again (without the cookie) finds nothing.
    assert_eq!(browser.get(&local).send().await.unwrap().status(), 404);
    app.stop().await;
}

/// An app's session: osType required, and Antom gets APP_REDIRECT_URL for the app's order.
async fn an_app_gets_its_redirect_url_and_must_say_its_os(db: Db) {
    use antom_client::model::InquiryPaymentRequest;
    let app = TestApp::builder(db)
        .app_redirect_url("myshop://checkout/{orderId}")
        .spawn()
        .await;
    let items = json!([{"sku": "CAP-NVY", "quantity": 1}]);
    let no_os = app
        .post_json("/sessions", &json!({"items": items, "terminalType": "APP"}))
        .await;
    assert_eq!(no_os.status(), 400);
    let created = app
        .post_json(
            "/sessions",
            &json!({"items": items, "terminalType": "APP", "osType": "ANDROID"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let session: Value = created.json().await.unwrap();
    let request_id = session["paymentRequestId"].as_str().unwrap();
    app.sim_pay(request_id, VISA, None).await;
    let inquiry = app
        .app()
        .state()
        .antom
        .send(&InquiryPaymentRequest::by_payment_request_id(
            request_id.to_owned(),
        ))
        .await;
    let antom_client::Outcome::Success(answer) = inquiry else {
        panic!("{inquiry:?}")
    };
    assert_eq!(
        answer.payment_redirect_url.as_deref(),
        Some(format!("myshop://checkout/{}", order_id(&session)).as_str())
    );
    app.stop().await;
}
