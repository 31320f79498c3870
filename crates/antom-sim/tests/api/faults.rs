//! Fault injection: notifications (drop, duplicate, delay, reorder) and endpoints (timeout,
//! unknown, fail, processing), each counted with `times`.

use std::time::{Duration, Instant};

use antom_client::model::{
    CaptureMode, CaptureRequest, InquiryPaymentRequest, InquiryRefundRequest, NotifyType, RefundRequest,
    RefundStatus,
};
use antom_client::{Outcome, UnknownCause};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn dropped_notifications_are_logged_but_never_sent() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    sim.faults(json!({"notifications": {"drop": true, "times": 1}}))
        .await;
    let notify = Some(receiver.url("/n"));
    paid_session(
        &sim,
        &client,
        "drop_1",
        "1000",
        "4111111111111111",
        notify.clone(),
        CaptureMode::Manual,
    )
    .await;
    paid_session(
        &sim,
        &client,
        "drop_2",
        "1000",
        "4111111111111111",
        notify,
        CaptureMode::Manual,
    )
    .await;

    let delivered = receiver.wait_for(1).await;
    assert_eq!(delivered[0].json()["paymentRequestId"], "drop_2");
    let log = sim.notifications().await;
    assert_eq!(log[0]["status"], "DROPPED");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 0);
    assert_eq!(log[0]["body"]["paymentRequestId"], "drop_1");
}

#[tokio::test]
async fn duplicated_notifications_arrive_n_times() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    sim.faults(json!({"notifications": {"duplicate": 3}})).await;
    paid_session(
        &sim,
        &client,
        "dup_1",
        "1000",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    )
    .await;
    let delivered = receiver.wait_for(3).await;
    assert!(delivered.iter().all(|r| r.body == delivered[0].body));
    let log = sim.notifications().await;
    assert_eq!(log.len(), 3);
    assert_eq!(log[1]["duplicateOf"], log[0]["id"]);
}

#[tokio::test]
async fn delayed_notifications_start_later() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    sim.faults(json!({"notifications": {"delayMs": 700}})).await;
    let before = Instant::now();
    paid_session(
        &sim,
        &client,
        "delay_1",
        "1000",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    )
    .await;
    let delivered = receiver.wait_for(1).await;
    assert!(
        delivered[0].at - before >= Duration::from_millis(650),
        "{:?}",
        delivered[0].at - before
    );
}

#[tokio::test]
async fn reordered_notifications_are_released_newest_first() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    sim.faults(json!({"notifications": {"reorder": true}})).await;
    // PAYMENT_RESULT then CAPTURE_RESULT (automatic capture).
    paid_session(
        &sim,
        &client,
        "re_1",
        "1000",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Automatic,
    )
    .await;
    let held = sim.notifications().await;
    assert!(
        held.iter().all(|n| n["status"] == "HELD") && held.len() == 2,
        "{held:?}"
    );
    assert!(receiver.received().is_empty());

    let response = sim.http.delete(sim.url("/__sim/faults")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let delivered = receiver.wait_for(2).await;
    let types: Vec<_> = delivered
        .iter()
        .map(|r| r.verified().notify_type().unwrap())
        .collect();
    assert_eq!(types, [NotifyType::CaptureResult, NotifyType::PaymentResult]);

    // Counted: the batch is released by itself after `times` notifications.
    sim.faults(json!({"notifications": {"reorder": true, "times": 2}}))
        .await;
    paid_session(
        &sim,
        &client,
        "re_2",
        "1000",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Automatic,
    )
    .await;
    let delivered = receiver.wait_for(4).await;
    let types: Vec<_> = delivered[2..]
        .iter()
        .map(|r| r.verified().notify_type().unwrap())
        .collect();
    assert_eq!(types, [NotifyType::CaptureResult, NotifyType::PaymentResult]);
}

#[tokio::test]
async fn a_timed_out_capture_is_processed_and_its_resend_gets_the_stored_result() {
    let sim = TestSim::start().await;
    let client = sim.client_with(|c| c.request_timeout = Duration::from_millis(400));
    let payment_id = paid_session(
        &sim,
        &client,
        "to_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    sim.faults(json!({"endpoints": {"capture": {"mode": "timeout", "delayMs": 1200, "times": 1}}}))
        .await;

    let request = CaptureRequest::new("to_cap", &payment_id, sgd("4200"));
    let outcome = client.send(&request).await;
    let Outcome::Unknown {
        cause: UnknownCause::Timeout,
        ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    let resent = success(client.send(&request).await);
    assert_eq!(resent.capture_request_id.as_deref(), Some("to_cap"));
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(inquiry.transactions.len(), 1, "captured exactly once");
    assert_eq!(inquiry.transactions[0].transaction_id, resent.capture_id);
}

#[tokio::test]
async fn unknown_and_fail_modes_do_not_process_and_count_down() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "uf_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    sim.faults(json!({"endpoints": {"capture": {"mode": "unknown", "times": 2}}}))
        .await;
    let request = CaptureRequest::new("uf_cap", &payment_id, sgd("1000"));
    for _ in 0..2 {
        let (code, _) = unknown(client.send(&request).await);
        assert_eq!(code, "UNKNOWN_EXCEPTION");
    }
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert!(inquiry.transactions.is_empty(), "nothing was processed");
    success(client.send(&request).await);

    sim.faults(json!({"endpoints": {"inquiryPayment": {"mode": "fail", "times": 1}}}))
        .await;
    let inquire = InquiryPaymentRequest::by_payment_id(&payment_id);
    assert_eq!(failure(client.send(&inquire).await).0, "PROCESS_FAIL");
    success(client.send(&inquire).await);

    sim.faults(json!({"endpoints": {"createPaymentSession": {"mode": "unknown"}}}))
        .await;
    let session = session_request("uf_2", sgd("100"), None, CaptureMode::Manual);
    assert_eq!(unknown(client.send(&session).await).0, "UNKNOWN_EXCEPTION");
    assert_eq!(
        unknown(client.send(&session).await).0,
        "UNKNOWN_EXCEPTION",
        "unlimited without times"
    );
    sim.http.delete(sim.url("/__sim/faults")).send().await.unwrap();
    success(client.send(&session).await);
}

#[tokio::test]
async fn processing_mode_answers_in_process_and_settles_with_a_notification() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "pr_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    success(
        client
            .send(&CaptureRequest::new("pr_cap", &payment_id, sgd("4200")))
            .await,
    );
    sim.faults(json!({"endpoints": {"refund": {"mode": "processing", "times": 1}}}))
        .await;

    let refund = RefundRequest {
        refund_notify_url: Some(receiver.url("/refunds")),
        ..RefundRequest::new("pr_ref", &payment_id, sgd("500"))
    };
    let (code, _) = unknown(client.send(&refund).await);
    assert_eq!(code, "REFUND_IN_PROCESS");
    let inquiry = success(
        client
            .send(&InquiryRefundRequest::by_refund_request_id("pr_ref"))
            .await,
    );
    assert_eq!(inquiry.refund_status, Some(RefundStatus::Processing));
    sim.post("/__sim/clock/advance", json!({"seconds": 5})).await;

    let delivered = receiver.wait_for(1).await;
    assert_eq!(delivered[0].json()["refundStatus"], "SUCCESS");
    let inquiry = success(
        client
            .send(&InquiryRefundRequest::by_refund_request_id("pr_ref"))
            .await,
    );
    assert_eq!(inquiry.refund_status, Some(RefundStatus::Success));
    assert!(success(client.send(&refund).await).refund_time.is_some());
}

#[tokio::test]
async fn bad_fault_input_is_a_400() {
    let sim = TestSim::start().await;
    for body in [
        json!({"endpoints": {"teleport": {"mode": "fail"}}}),
        json!({"endpoints": {"capture": {"mode": "slow"}}}),
        json!({"endpoints": {"inquiryPayment": {"mode": "processing"}}}),
        json!({"endpoints": {"capture": {"mode": "fail", "times": 0}}}),
        json!({"notifications": {"duplicate": 0}}),
        json!({"typo": true}),
    ] {
        let (status, answer) = sim.post("/__sim/faults", body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(answer["error"]["code"].is_string() && answer["error"]["message"].is_string());
    }
    let current = sim.get("/__sim/faults").await;
    assert_eq!(current["endpoints"], json!({}));
}
