//! capture: success, limits, cancelled and expired authorizations, failing captures.

use antom_client::model::{
    Amount, CancelRequest, CaptureMode, CaptureRequest, InquiryPaymentRequest, Notification,
    TransactionStatus, TransactionType,
};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_capture_succeeds_notifies_and_replays() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    let payment_id = paid_session(
        &sim,
        &client,
        "cap_1",
        "4200",
        "4111111111111111",
        notify,
        CaptureMode::Manual,
    )
    .await;

    let request = CaptureRequest::new("capreq_1", &payment_id, sgd("4200"));
    let captured = success(client.send(&request).await);
    assert_eq!(captured.capture_request_id.as_deref(), Some("capreq_1"));
    assert_eq!(captured.capture_amount, Some(sgd("4200")));
    assert!(captured.capture_time.is_some() && captured.capture_id.is_some());

    // Same id, same amount: the same capture; another amount: inconsistent.
    assert_eq!(success(client.send(&request).await), captured);
    let other = CaptureRequest::new("capreq_1", &payment_id, sgd("4100"));
    assert_eq!(failure(client.send(&other).await).0, "REPEAT_REQ_INCONSISTENT");

    let delivered = receiver.wait_for(2).await;
    let capture = delivered
        .iter()
        .find_map(|r| match r.verified() {
            Notification::Capture(c) => Some(c),
            _ => None,
        })
        .unwrap();
    assert!(capture.result.is_success());
    assert_eq!(capture.capture_id, captured.capture_id);
    assert_eq!(capture.capture_request_id, "capreq_1");

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(inquiry.transactions.len(), 1, "the replay captured nothing more");
    let tx = &inquiry.transactions[0];
    assert_eq!(tx.transaction_type, TransactionType::Capture);
    assert_eq!(tx.transaction_status, TransactionStatus::Success);
    assert_eq!(tx.transaction_request_id.as_deref(), Some("capreq_1"));
    assert_eq!(tx.transaction_id, captured.capture_id);
}

#[tokio::test]
async fn partial_captures_up_to_the_authorized_amount() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "cap_2",
        "4200",
        "5555555555554444",
        None,
        CaptureMode::Manual,
    )
    .await;
    success(
        client
            .send(&CaptureRequest::new("c2_a", &payment_id, sgd("1000")))
            .await,
    );
    success(
        client
            .send(&CaptureRequest::new("c2_b", &payment_id, sgd("3000")))
            .await,
    );
    let over = CaptureRequest::new("c2_c", &payment_id, sgd("300"));
    assert_eq!(
        failure(client.send(&over).await).0,
        "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"
    );
    // The refusal is final for that id.
    assert_eq!(
        failure(client.send(&over).await).0,
        "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"
    );
    let last = CaptureRequest {
        is_last_capture: Some(true),
        ..CaptureRequest::new("c2_d", &payment_id, sgd("100"))
    };
    success(client.send(&last).await);
    let after_last = CaptureRequest::new("c2_e", &payment_id, sgd("100"));
    assert_eq!(failure(client.send(&after_last).await).0, "ORDER_STATUS_INVALID");

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    let captured: Vec<_> = inquiry
        .transactions
        .iter()
        .map(|t| t.transaction_amount.clone().unwrap().value)
        .collect();
    assert_eq!(captured, ["1000", "3000", "100"]);
}

#[tokio::test]
async fn captures_refused_by_state() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let capture = |id: &str, payment_id: &str, amount: Amount| CaptureRequest::new(id, payment_id, amount);

    assert_eq!(
        failure(client.send(&capture("c3_a", "unknown", sgd("1"))).await).0,
        "AUTH_NOT_FOUND"
    );

    // Not authorized yet: the buyer's 3-D Secure challenge is open.
    let created = success(
        client
            .send(&session_request("cap_3", sgd("4200"), None, CaptureMode::Manual))
            .await,
    );
    let session = created.payment_session_id.unwrap();
    let (status, view) = sim
        .post(
            &format!("/checkout/api/sessions/{session}/submit"),
            json!({"cardNumber": "4000000000003220", "expiry": "12/39", "cvv": "123"}),
        )
        .await;
    assert_eq!(
        (status, view["state"].as_str()),
        (200, Some("CHALLENGE")),
        "{view}"
    );
    let unpaid = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("cap_3"))
            .await,
    );
    let unpaid_id = unpaid.payment_id.unwrap();
    assert_eq!(
        failure(client.send(&capture("c3_b", &unpaid_id, sgd("1"))).await).0,
        "ORDER_STATUS_INVALID"
    );

    // Declined.
    let declined = paid_session(
        &sim,
        &client,
        "cap_4",
        "4200",
        "4000000000000002",
        None,
        CaptureMode::Manual,
    )
    .await;
    assert_eq!(
        failure(client.send(&capture("c3_c", &declined, sgd("1"))).await).0,
        "ORDER_STATUS_INVALID"
    );

    // Another currency.
    let paid = paid_session(
        &sim,
        &client,
        "cap_5",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    let (code, message) = failure(
        client
            .send(&capture("c3_d", &paid, Amount::new("USD", "100")))
            .await,
    );
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(message.contains("captureAmount.currency"), "{message}");

    // Cancelled.
    success(client.send(&CancelRequest::by_payment_id(&paid)).await);
    assert_eq!(
        failure(client.send(&capture("c3_e", &paid, sgd("100"))).await).0,
        "AUTH_CANCELLED"
    );
}

#[tokio::test]
async fn an_expired_authorization_cannot_be_captured() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "cap_6",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    let (status, _) = sim
        .post("/__sim/clock/advance", json!({"seconds": 8 * 24 * 3600}))
        .await;
    assert_eq!(status, 200);
    let outcome = client
        .send(&CaptureRequest::new("c6", &payment_id, sgd("4200")))
        .await;
    assert_eq!(failure(outcome).0, "AUTH_EXPIRED");
}

#[tokio::test]
async fn the_capture_failing_card_answers_in_process_then_fails() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    let payment_id = paid_session(
        &sim,
        &client,
        "cap_7",
        "4200",
        "4000000000000341",
        notify,
        CaptureMode::Manual,
    )
    .await;

    let request = CaptureRequest::new("c7", &payment_id, sgd("4200"));
    let (code, response) = unknown(client.send(&request).await);
    assert_eq!(code, "CAPTURE_IN_PROCESS");
    assert_eq!(response.unwrap().capture_request_id.as_deref(), Some("c7"));
    // The same key while it is in progress.
    assert_eq!(unknown(client.send(&request).await).0, "CAPTURE_IN_PROCESS");
    // It settles "within 3–5 s"; the clock need not wait.
    sim.post("/__sim/clock/advance", json!({"seconds": 5})).await;

    let delivered = receiver.wait_for(2).await;
    let Notification::Capture(capture) = delivered[1].verified() else {
        panic!("{:?}", delivered[1])
    };
    assert_eq!(capture.result.result_status.as_str(), "F");
    assert_eq!(capture.capture_request_id, "c7");

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(
        inquiry.transactions[0].transaction_status,
        TransactionStatus::Fail
    );
    let (code, _) = failure(client.send(&request).await);
    assert_eq!(
        code, "PROCESS_FAIL",
        "the replay after settling is the final answer"
    );
    // A failed capture does not hold the authorization: cancelling is still allowed.
    success(client.send(&CancelRequest::by_payment_id(&payment_id)).await);
}
