//! The control API: request log, reset, clock, errors.

use antom_client::model::{CaptureMode, InquiryPaymentRequest};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn every_api_call_is_logged() {
    let sim = TestSim::start().await;
    let client = sim.client();
    success(
        client
            .send(&session_request("log_1", sgd("100"), None, CaptureMode::Manual))
            .await,
    );
    failure(client.send(&InquiryPaymentRequest::by_payment_id("nope")).await);
    let log = sim.requests().await;
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[0]["path"],
        "/ams/sandbox/api/v1/payments/createPaymentSession"
    );
    assert_eq!(log[0]["endpoint"], "createPaymentSession");
    assert_eq!(log[0]["requestId"], "log_1");
    assert_eq!(log[0]["signatureValid"], true);
    assert_eq!(log[0]["resultCode"], "SUCCESS");
    assert!(antom_client::time::parse_time(log[0]["at"].as_str().unwrap()).is_some());
    assert_eq!(log[1]["requestId"], "nope");
    assert_eq!(log[1]["resultCode"], "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn reset_forgets_everything() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    paid_session(
        &sim,
        &client,
        "reset_1",
        "100",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    )
    .await;
    sim.wait_notifications("PAYMENT_RESULT", 1).await;
    sim.faults(json!({"endpoints": {"capture": {"mode": "fail"}}}))
        .await;
    sim.post("/__sim/clock/advance", json!({"seconds": 3600})).await;

    let (status, _) = sim.post("/__sim/reset", json!({})).await;
    assert_eq!(status, 204);
    assert!(sim.notifications().await.is_empty());
    assert!(sim.requests().await.is_empty());
    assert_eq!(sim.get("/__sim/faults").await["endpoints"], json!({}));
    assert_eq!(sim.get("/__sim/clock").await["offsetSeconds"], 0.0);
    let gone = client
        .send(&InquiryPaymentRequest::by_payment_request_id("reset_1"))
        .await;
    assert_eq!(failure(gone).0, "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn the_clock_only_moves_forward_and_bad_input_is_a_400() {
    let sim = TestSim::start().await;
    let (status, clock) = sim.post("/__sim/clock/advance", json!({"seconds": 90})).await;
    assert_eq!(status, 200);
    assert!(clock["offsetSeconds"].as_f64().unwrap() >= 90.0);
    for body in [json!({"seconds": -1}), json!({"minutes": 1}), json!("soon")] {
        let (status, answer) = sim.post("/__sim/clock/advance", body).await;
        assert_eq!(status, 400);
        assert_eq!(answer["error"]["code"], "INVALID_REQUEST");
    }
    let (status, answer) = sim
        .post(
            "/__sim/sessions/none/pay",
            json!({"cardNumber": "4111111111111111"}),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("SESSION_NOT_FOUND"))
    );
    let (status, _) = sim
        .post("/__sim/sessions/none/pay", json!({"threeDSOutcome": "pass"}))
        .await;
    assert_eq!(status, 400, "unknown fields are refused, not ignored");
    let (status, answer) = sim.post("/__sim/nothing", json!({})).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("NOT_FOUND"))
    );
}
