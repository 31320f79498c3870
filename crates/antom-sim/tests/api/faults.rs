//! Fault injection: notifications (drop, duplicate, delay, reorder, each narrowed to one
//! notifyType if asked), endpoints (timeout, unknown, fail with any code, processing), each
//! counted with `times`, and answer shapes (transactionStatusAlwaysSuccess).

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
        json!({"notifications": {"drop": true, "notifyType": "payment_result"}}),
        json!({"endpoints": {"capture": {"mode": "unknown", "resultCode": "PROCESS_FAIL"}}}),
        json!({"endpoints": {"pay": {"mode": "processing", "noRedirect": true}}}),
        json!({"answers": {"everythingFine": true}}),
        json!({"typo": true}),
    ] {
        let (status, answer) = sim.post("/__sim/faults", body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(answer["error"]["code"].is_string() && answer["error"]["message"].is_string());
    }
    let current = sim.get("/__sim/faults").await;
    assert_eq!(current["endpoints"], json!({}));
}

#[tokio::test]
async fn a_fail_fault_can_answer_any_code() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "fc_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    sim.faults(json!({"endpoints": {"capture": {
        "mode": "fail", "resultCode": "REPEAT_REQ_INCONSISTENT", "times": 1
    }}}))
    .await;
    let view = sim.get("/__sim/faults").await;
    assert_eq!(
        view["endpoints"]["capture"]["resultCode"],
        "REPEAT_REQ_INCONSISTENT"
    );

    let request = CaptureRequest::new("fc_cap", &payment_id, sgd("4200"));
    let (code, _) = failure(client.send(&request).await);
    assert_eq!(code, "REPEAT_REQ_INCONSISTENT");
    // Nothing was processed or stored: the resend is captured.
    let captured = success(client.send(&request).await);
    assert_eq!(captured.capture_request_id.as_deref(), Some("fc_cap"));

    for bad in ["repeat_req", "REPEAT-REQ", "9LIVES"] {
        let body = json!({"endpoints": {"capture": {"mode": "fail", "resultCode": bad}}});
        let (status, answer) = sim.post("/__sim/faults", body).await;
        assert_eq!(status, 400, "{bad}: {answer}");
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("resultCode"));
    }
}

/// inquiryPayment's capture and refund transactions: (transactionStatus, resultStatus, resultCode).
async fn transaction_shapes(
    client: &antom_client::Client,
    payment_id: &str,
) -> Vec<(String, String, String)> {
    success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(payment_id))
            .await,
    )
    .transactions
    .into_iter()
    .map(|t| {
        let result = t
            .transaction_result
            .expect("every transaction has transactionResult");
        (
            t.transaction_status.as_str().to_owned(),
            result.result_status.as_str().to_owned(),
            result.result_code,
        )
    })
    .collect()
}

fn shapes(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

#[tokio::test]
async fn transaction_status_always_success_leaves_the_outcome_to_transaction_result() {
    let sim = TestSim::start().await;
    let client = sim.client();
    // A capture that fails (card …0341), settled by a clock advance.
    let failing = paid_session(
        &sim,
        &client,
        "ts_1",
        "4200",
        "4000000000000341",
        None,
        CaptureMode::Manual,
    )
    .await;
    let (code, _) = unknown(
        client
            .send(&CaptureRequest::new("ts_cap_f", &failing, sgd("4200")))
            .await,
    );
    assert_eq!(code, "CAPTURE_IN_PROCESS");
    sim.advance(5).await;
    // A capture that succeeded and a refund still in process.
    let paid = paid_session(
        &sim,
        &client,
        "ts_2",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    success(
        client
            .send(&CaptureRequest::new("ts_cap", &paid, sgd("4200")))
            .await,
    );
    sim.faults(json!({"endpoints": {"refund": {"mode": "processing", "times": 1}}}))
        .await;
    unknown(
        client
            .send(&RefundRequest::new("ts_ref", &paid, sgd("500")))
            .await,
    );
    // A capture still in process.
    let pending = paid_session(
        &sim,
        &client,
        "ts_3",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    sim.faults(json!({"endpoints": {"capture": {"mode": "processing", "times": 1}}}))
        .await;
    unknown(
        client
            .send(&CaptureRequest::new("ts_cap_u", &pending, sgd("4200")))
            .await,
    );

    // Today's shape: status and result agree (FAIL → F, PROCESSING → U, SUCCESS → S).
    assert_eq!(
        transaction_shapes(&client, &failing).await,
        shapes(&[("FAIL", "F", "PROCESS_FAIL")])
    );
    assert_eq!(
        transaction_shapes(&client, &paid).await,
        shapes(&[
            ("SUCCESS", "S", "SUCCESS"),
            ("PROCESSING", "U", "REFUND_IN_PROCESS")
        ])
    );
    assert_eq!(
        transaction_shapes(&client, &pending).await,
        shapes(&[("PROCESSING", "U", "CAPTURE_IN_PROCESS")])
    );

    // The guide's sample shape: SUCCESS everywhere, the truth in transactionResult.
    sim.faults(json!({"answers": {"transactionStatusAlwaysSuccess": true}}))
        .await;
    assert_eq!(
        sim.get("/__sim/faults").await["answers"]["transactionStatusAlwaysSuccess"],
        true
    );
    assert_eq!(
        transaction_shapes(&client, &failing).await,
        shapes(&[("SUCCESS", "F", "PROCESS_FAIL")])
    );
    assert_eq!(
        transaction_shapes(&client, &paid).await,
        shapes(&[("SUCCESS", "S", "SUCCESS"), ("SUCCESS", "U", "REFUND_IN_PROCESS")])
    );
    assert_eq!(
        transaction_shapes(&client, &pending).await,
        shapes(&[("SUCCESS", "U", "CAPTURE_IN_PROCESS")])
    );

    // Kept by a POST that does not name `answers`, replaced by one that does, cleared by DELETE.
    sim.faults(json!({"notifications": {"delayMs": 1}})).await;
    assert_eq!(transaction_shapes(&client, &failing).await[0].0, "SUCCESS");
    sim.faults(json!({"answers": {"transactionStatusAlwaysSuccess": false}}))
        .await;
    assert_eq!(transaction_shapes(&client, &failing).await[0].0, "FAIL");
    sim.faults(json!({"answers": {"transactionStatusAlwaysSuccess": true}}))
        .await;
    sim.http.delete(sim.url("/__sim/faults")).send().await.unwrap();
    assert_eq!(transaction_shapes(&client, &failing).await[0].0, "FAIL");
}

#[tokio::test]
async fn notification_faults_can_be_narrowed_to_one_notify_type() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = || Some(receiver.url("/webhooks/antom/payments"));

    // drop, CAPTURE_RESULT only, once: PAYMENT_RESULTs pass and are not counted.
    sim.faults(json!({"notifications": {"drop": true, "notifyType": "CAPTURE_RESULT", "times": 1}}))
        .await;
    assert_eq!(
        sim.get("/__sim/faults").await["notifications"]["notifyType"],
        "CAPTURE_RESULT"
    );
    paid_session(
        &sim,
        &client,
        "nt_1",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Automatic,
    )
    .await;
    let nt_2 = paid_session(
        &sim,
        &client,
        "nt_2",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Automatic,
    )
    .await;
    let delivered = receiver.wait_for(3).await;
    let count = |kind: &str, payment_id: Option<&str>| {
        delivered
            .iter()
            .map(Received::json)
            .filter(|b| b["notifyType"] == kind && payment_id.is_none_or(|id| b["paymentId"] == id))
            .count()
    };
    assert_eq!(count("PAYMENT_RESULT", None), 2);
    assert_eq!(count("CAPTURE_RESULT", None), 1);
    assert_eq!(count("CAPTURE_RESULT", Some(&nt_2)), 1, "the second one passes");
    let log = sim.notifications().await;
    let dropped: Vec<&serde_json::Value> = log.iter().filter(|n| n["status"] == "DROPPED").collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["notifyType"], "CAPTURE_RESULT");

    // duplicate, PAYMENT_RESULT only.
    sim.faults(json!({"notifications": {"duplicate": 2, "notifyType": "PAYMENT_RESULT"}}))
        .await;
    paid_session(
        &sim,
        &client,
        "nt_3",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Automatic,
    )
    .await;
    let delivered = receiver.wait_for(6).await;
    let last: Vec<String> = delivered[3..]
        .iter()
        .map(|r| r.json()["notifyType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(last, ["PAYMENT_RESULT", "PAYMENT_RESULT", "CAPTURE_RESULT"]);

    // drop, vaulting notifications only (they carry no notifyType on the wire).
    sim.faults(json!({"notifications": {"drop": true, "notifyType": "VAULTING_RESULT"}}))
        .await;
    let vaulting = antom_client::model::CreateVaultingSessionRequest {
        vaulting_request_id: "nt_vault".into(),
        vaulting_notification_url: receiver.url("/webhooks/antom/vaulting"),
        ..antom_client::model::CreateVaultingSessionRequest::default()
    };
    success(client.send(&vaulting).await);
    sim.post(
        "/__sim/vaulting/nt_vault/bind",
        json!({"cardNumber": "4111111111111111"}),
    )
    .await;
    paid_session(
        &sim,
        &client,
        "nt_4",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Manual,
    )
    .await;
    let delivered = receiver.wait_for(7).await;
    assert_eq!(delivered[6].json()["paymentRequestId"], "nt_4");
    let log = sim.notifications().await;
    let vaulting_entry = log.iter().find(|n| n["notifyType"] == "VAULTING_RESULT").unwrap();
    assert_eq!(vaulting_entry["status"], "DROPPED");
    assert!(vaulting_entry["body"].get("notifyType").is_none());
    assert!(receiver
        .received()
        .iter()
        .all(|r| r.path != "/webhooks/antom/vaulting"));

    let (status, answer) = sim
        .post(
            "/__sim/faults",
            json!({"notifications": {"drop": true, "notifyType": "PAYMENT"}}),
        )
        .await;
    assert_eq!(status, 400);
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("notifyType") && message.contains("VAULTING_RESULT"),
        "{message}"
    );
}

#[tokio::test]
async fn narrowed_delays_and_reorders_touch_only_their_kind() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = || Some(receiver.url("/webhooks/antom/payments"));

    // Two manual captures' CAPTURE_RESULTs held and released newest first; the PAYMENT_RESULTs
    // in between are not held and not counted.
    sim.faults(json!({"notifications": {"reorder": true, "notifyType": "CAPTURE_RESULT", "times": 2}}))
        .await;
    let first = paid_session(
        &sim,
        &client,
        "nr_1",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Manual,
    )
    .await;
    let second = paid_session(
        &sim,
        &client,
        "nr_2",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Manual,
    )
    .await;
    receiver.wait_for(2).await;
    success(
        client
            .send(&CaptureRequest::new("nr_cap_1", &first, sgd("1000")))
            .await,
    );
    assert_eq!(
        sim.notifications()
            .await
            .iter()
            .filter(|n| n["status"] == "HELD")
            .count(),
        1
    );
    success(
        client
            .send(&CaptureRequest::new("nr_cap_2", &second, sgd("1000")))
            .await,
    );
    let delivered = receiver.wait_for(4).await;
    let captures: Vec<String> = delivered[2..]
        .iter()
        .map(|r| r.json()["captureRequestId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(captures, ["nr_cap_2", "nr_cap_1"]);

    // A delay for REFUND_RESULT only: the PAYMENT_RESULT of a new session is not delayed.
    sim.faults(json!({"notifications": {"delayMs": 800, "notifyType": "REFUND_RESULT"}}))
        .await;
    let before = Instant::now();
    let refund = RefundRequest {
        refund_notify_url: Some(receiver.url("/webhooks/antom/refunds")),
        ..RefundRequest::new("nr_ref", &first, sgd("100"))
    };
    success(client.send(&refund).await);
    paid_session(
        &sim,
        &client,
        "nr_3",
        "1000",
        "4111111111111111",
        notify(),
        CaptureMode::Manual,
    )
    .await;
    let delivered = receiver.wait_for(6).await;
    let arrival = |kind: &str| {
        delivered
            .iter()
            .find(|r| {
                let body = r.json();
                body["notifyType"] == kind && (kind == "REFUND_RESULT" || body["paymentRequestId"] == "nr_3")
            })
            .map(|r| r.at - before)
            .unwrap()
    };
    let (refund_at, payment_at) = (arrival("REFUND_RESULT"), arrival("PAYMENT_RESULT"));
    assert!(refund_at >= Duration::from_millis(750), "{refund_at:?}");
    assert!(payment_at < refund_at, "{payment_at:?} vs {refund_at:?}");
}
