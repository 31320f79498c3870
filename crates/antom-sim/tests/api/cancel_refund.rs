//! cancel and refund, inquiryRefund, and what inquiryPayment shows of them.

use antom_client::model::{
    CancelRequest, CaptureMode, CaptureRequest, InquiryPaymentRequest, InquiryRefundRequest, Notification,
    PaymentStatus, RefundRequest, RefundStatus, TransactionType,
};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn cancel_releases_an_uncaptured_authorization_once() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "can_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    let first = success(client.send(&CancelRequest::by_payment_id(&payment_id)).await);
    assert_eq!(first.payment_request_id.as_deref(), Some("can_1"));
    assert!(first.cancel_time.is_some());
    sim.post("/__sim/clock/advance", json!({"seconds": 5})).await;
    let second = success(client.send(&CancelRequest::by_payment_request_id("can_1")).await);
    assert_eq!(second.cancel_time, first.cancel_time);

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Cancelled));
    assert_eq!(inquiry.transactions.len(), 1);
    assert_eq!(inquiry.transactions[0].transaction_type, TransactionType::Cancel);

    assert_eq!(
        failure(client.send(&CancelRequest::by_payment_id("nope")).await).0,
        "ORDER_NOT_EXIST"
    );
}

#[tokio::test]
async fn cancel_is_refused_after_a_capture_and_after_the_window() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let captured = paid_session(
        &sim,
        &client,
        "can_2",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    success(
        client
            .send(&CaptureRequest::new("can_2_cap", &captured, sgd("100")))
            .await,
    );
    assert_eq!(
        failure(client.send(&CancelRequest::by_payment_id(&captured)).await).0,
        "ORDER_STATUS_INVALID"
    );

    let old = paid_session(
        &sim,
        &client,
        "can_3",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    sim.post("/__sim/clock/advance", json!({"seconds": 7 * 24 * 3600 + 60}))
        .await;
    assert_eq!(
        failure(client.send(&CancelRequest::by_payment_id(&old)).await).0,
        "CANCEL_WINDOW_EXCEED"
    );
}

#[tokio::test]
async fn cancelling_an_unpaid_session_closes_it_for_the_buyer() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    success(
        client
            .send(&session_request(
                "can_4",
                sgd("4200"),
                notify,
                CaptureMode::Manual,
            ))
            .await,
    );
    success(client.send(&CancelRequest::by_payment_request_id("can_4")).await);
    let (status, refused) = sim
        .post(
            "/__sim/sessions/can_4/pay",
            json!({"cardNumber": "4111111111111111"}),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("ORDER_IS_CANCELED"))
    );
    // The close timer no longer applies: advancing past it sends nothing.
    sim.post("/__sim/clock/advance", json!({"seconds": 15 * 60}))
        .await;
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("can_4"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Cancelled));
    assert!(sim.notifications().await.is_empty());
}

#[tokio::test]
async fn partial_refunds_up_to_the_captured_amount() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let payment_id = paid_session(
        &sim,
        &client,
        "ref_1",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    success(
        client
            .send(&CaptureRequest::new("ref_1_cap", &payment_id, sgd("3000")))
            .await,
    );

    let refund = |id: &str, value: &str| RefundRequest {
        refund_notify_url: Some(receiver.url("/webhooks/antom/refunds")),
        refund_reason: Some("damaged".into()),
        ..RefundRequest::new(id, &payment_id, sgd(value))
    };
    let first = success(client.send(&refund("r1", "1000")).await);
    assert!(first.refund_id.is_some() && first.refund_time.is_some());
    assert_eq!(
        success(client.send(&refund("r1", "1000")).await),
        first,
        "idempotent replay"
    );
    assert_eq!(
        failure(client.send(&refund("r1", "999")).await).0,
        "REPEAT_REQ_INCONSISTENT"
    );
    success(client.send(&refund("r2", "2000")).await);
    assert_eq!(
        failure(client.send(&refund("r3", "1")).await).0,
        "REFUND_AMOUNT_EXCEED"
    );

    let by_id = success(
        client
            .send(&InquiryRefundRequest::by_refund_id(
                first.refund_id.clone().unwrap(),
            ))
            .await,
    );
    assert_eq!(by_id.refund_status, Some(RefundStatus::Success));
    assert_eq!(by_id.refund_request_id.as_deref(), Some("r1"));
    let by_request = success(
        client
            .send(&InquiryRefundRequest::by_refund_request_id("r2"))
            .await,
    );
    assert_eq!(by_request.refund_amount, Some(sgd("2000")));
    let missing = client
        .send(&InquiryRefundRequest::by_refund_request_id("r3"))
        .await;
    assert_eq!(failure(missing).0, "ORDER_NOT_EXIST");

    let delivered = receiver.wait_for(2).await;
    for received in &delivered {
        assert_eq!(received.path, "/webhooks/antom/refunds");
        let Notification::Refund(n) = received.verified() else {
            panic!()
        };
        assert_eq!(n.refund_status, RefundStatus::Success);
    }

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    let kinds: Vec<_> = inquiry
        .transactions
        .iter()
        .map(|t| t.transaction_type.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            TransactionType::Capture,
            TransactionType::Refund,
            TransactionType::Refund
        ]
    );
}

#[tokio::test]
async fn refunds_refused_by_state() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let uncaptured = paid_session(
        &sim,
        &client,
        "ref_2",
        "4200",
        "4111111111111111",
        None,
        CaptureMode::Manual,
    )
    .await;
    let refund = |id: &str, payment_id: &str| RefundRequest::new(id, payment_id, sgd("100"));
    assert_eq!(
        failure(client.send(&refund("r2a", &uncaptured)).await).0,
        "ORDER_STATUS_INVALID"
    );
    success(client.send(&CancelRequest::by_payment_id(&uncaptured)).await);
    assert_eq!(
        failure(client.send(&refund("r2b", &uncaptured)).await).0,
        "ORDER_IS_CANCELED"
    );
    let declined = paid_session(
        &sim,
        &client,
        "ref_3",
        "4200",
        "4000000000009995",
        None,
        CaptureMode::Manual,
    )
    .await;
    assert_eq!(
        failure(client.send(&refund("r2c", &declined)).await).0,
        "ORDER_STATUS_INVALID"
    );
    assert_eq!(
        failure(client.send(&refund("r2d", "nope")).await).0,
        "ORDER_NOT_EXIST"
    );
}
