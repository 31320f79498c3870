//! Payment sessions, the test cards, processing, closing and automatic capture.

use antom_client::model::{
    CaptureMode, InquiryPaymentRequest, Notification, NotifyType, PaymentStatus, TransactionType,
};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_session_is_created_replayed_and_refused_when_inconsistent() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let request = session_request("pay_1", sgd("4200"), None, CaptureMode::Manual);
    let created = success(client.send(&request).await);
    let data = created.payment_session_data.clone().unwrap();
    let (host_sign, payload) = decode_session_data(&data);
    assert_eq!(host_sign, "SG");
    assert_eq!(payload["clientId"], CLIENT_ID);
    assert_eq!(payload["paymentSessionConfig"]["productScene"], "CASHIER_PAYMENT");
    assert_eq!(
        payload["sessionId"].as_str(),
        created.payment_session_id.as_deref()
    );
    assert_eq!(payload["simBaseUrl"], sim.sim.base_url());
    assert_eq!(payload["kind"], "payment");
    // No productScene: the SDK's session, no hosted page.
    assert_eq!(created.normal_url, None);
    let expiry =
        antom_client::time::parse_time(created.payment_session_expiry_time.as_deref().unwrap()).unwrap();
    assert!(expiry > chrono::Utc::now() && expiry <= chrono::Utc::now() + chrono::TimeDelta::hours(1));

    // Same id, same key fields: the same answer, no second session.
    assert_eq!(success(client.send(&request).await), created);
    // Same id, another amount.
    let other = session_request("pay_1", sgd("4300"), None, CaptureMode::Manual);
    assert_eq!(failure(client.send(&other).await).0, "REPEAT_REQ_INCONSISTENT");

    // A session is not a payment until the buyer tries to pay.
    let inquire = InquiryPaymentRequest::by_payment_request_id("pay_1");
    assert_eq!(failure(client.send(&inquire).await).0, "ORDER_NOT_EXIST");
    let paid = sim.buyer_pays("pay_1", "4111111111111111").await;
    let inquiry = success(client.send(&inquire).await);
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));
    let payment_id = inquiry.payment_id.clone().unwrap();
    assert_eq!(paid["paymentId"], payment_id.as_str());
    let by_id = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(by_id.payment_request_id.as_deref(), Some("pay_1"));
    let missing = client.send(&InquiryPaymentRequest::by_payment_id("nope")).await;
    assert_eq!(failure(missing).0, "ORDER_NOT_EXIST");
}

#[tokio::test]
async fn each_test_card_has_its_outcome() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let cases = [
        ("4111 1111 1111 1111", "pass", "SUCCESS", "SUCCESS", Some("VISA")),
        (
            "5555555555554444",
            "pass",
            "SUCCESS",
            "SUCCESS",
            Some("MASTERCARD"),
        ),
        ("4000000000000002", "pass", "FAIL", "DO_NOT_HONOR", Some("VISA")),
        (
            "4000000000009995",
            "pass",
            "FAIL",
            "USER_BALANCE_NOT_ENOUGH",
            Some("VISA"),
        ),
        ("4000000000003220", "pass", "SUCCESS", "SUCCESS", Some("VISA")),
        (
            "4000000000003220",
            "fail",
            "FAIL",
            "USER_PAYMENT_VERIFICATION_FAILED",
            Some("VISA"),
        ),
        ("4000000000000341", "pass", "SUCCESS", "SUCCESS", Some("VISA")),
        ("378282246310005", "pass", "SUCCESS", "SUCCESS", Some("AMEX")),
    ];
    for (i, (card, three_ds, status, code, brand)) in cases.iter().enumerate() {
        let id = format!("card_{i}");
        let notify = Some(receiver.url("/webhooks/antom/payments"));
        success(
            client
                .send(&session_request(&id, sgd("1000"), notify, CaptureMode::Manual))
                .await,
        );
        let paid = sim
            .buyer(&id, json!({"cardNumber": card, "threeDsOutcome": three_ds}))
            .await;
        assert_eq!(paid["paymentStatus"], *status, "{card}: {paid}");
        assert_eq!(paid["resultCode"], *code, "{card}: {paid}");

        let inquiry = success(
            client
                .send(&InquiryPaymentRequest::by_payment_request_id(&id))
                .await,
        );
        assert_eq!(inquiry.payment_status.as_ref().map(|s| s.as_str()), Some(*status));
        assert_eq!(inquiry.payment_result_code.as_deref(), Some(*code));
        let info = inquiry.payment_result_info.unwrap();
        assert_eq!(info.card_brand.as_deref(), *brand);
        let last_four = &card.replace(' ', "")[card.replace(' ', "").len() - 4..];
        assert_eq!(info.last_four.as_deref(), Some(last_four));
        assert!(info.card_no.unwrap().ends_with(last_four));
        assert!(info.card_token.is_none(), "no token unless vaulted");
        if *status == "SUCCESS" {
            let paid_at = antom_client::time::parse_time(inquiry.payment_time.as_deref().unwrap()).unwrap();
            let expires =
                antom_client::time::parse_time(inquiry.auth_expiry_time.as_deref().unwrap()).unwrap();
            assert_eq!(expires - paid_at, chrono::TimeDelta::days(7));
        }
    }
    let delivered = receiver.wait_for(cases.len()).await;
    for (i, (card, _, status, code, _)) in cases.iter().enumerate() {
        let id = format!("card_{i}");
        let notification = delivered
            .iter()
            .map(Received::verified)
            .find_map(|n| match n {
                Notification::Payment(p) if p.payment_request_id == id => Some(p),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no notification for {id}"));
        assert_eq!(notification.notify_type, NotifyType::PaymentResult);
        assert_eq!(notification.result.result_code, *code, "{card}");
        let letter = if *status == "SUCCESS" { "S" } else { "F" };
        assert_eq!(notification.result.result_status.as_str(), letter);
    }
}

#[tokio::test]
async fn card_input_errors_leave_the_session_open() {
    let sim = TestSim::start().await;
    let client = sim.client();
    success(
        client
            .send(&session_request(
                "input_1",
                sgd("1000"),
                None,
                CaptureMode::Manual,
            ))
            .await,
    );
    let bad_luhn = sim
        .buyer("input_1", json!({"cardNumber": "4111111111111112"}))
        .await;
    assert_eq!(bad_luhn["resultCode"], "INVALID_CARD_NUMBER");
    assert_eq!(bad_luhn["paymentStatus"], "PROCESSING");
    let expired = sim
        .buyer(
            "input_1",
            json!({"cardNumber": "4111111111111111", "expiry": "01/20"}),
        )
        .await;
    assert_eq!(expired["resultCode"], "INVALID_EXPIRATION_DATE");
    let paid = sim
        .buyer(
            "input_1",
            json!({"cardNumber": "4111111111111111", "expiry": "12/39", "cvv": "123"}),
        )
        .await;
    assert_eq!(paid["paymentStatus"], "SUCCESS");
    // A completed session takes no second card.
    let (status, again) = sim
        .post(
            "/__sim/sessions/input_1/pay",
            json!({"cardNumber": "4111111111111111"}),
        )
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("ORDER_STATUS_INVALID"))
    );
}

#[tokio::test]
async fn the_processing_card_is_pending_then_authorized() {
    // 30 s × 0.05 = 1.5 s.
    let sim = TestSim::with_scale(0.05).await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    success(
        client
            .send(&session_request(
                "slow_1",
                sgd("1000"),
                notify,
                CaptureMode::Manual,
            ))
            .await,
    );
    let paid = sim.buyer_pays("slow_1", "4000000000000259").await;
    assert_eq!(paid["paymentStatus"], "PROCESSING");
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("slow_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Processing));

    let delivered = receiver.wait_for(2).await;
    let types: Vec<_> = delivered
        .iter()
        .map(|r| r.verified().notify_type().unwrap())
        .collect();
    assert_eq!(types, [NotifyType::PaymentPending, NotifyType::PaymentResult]);
    let log = sim.notifications().await;
    let created = |i: usize| antom_client::time::parse_time(log[i]["createdAt"].as_str().unwrap()).unwrap();
    assert!(
        created(1) - created(0) >= chrono::TimeDelta::milliseconds(1500),
        "{log:?}"
    );
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("slow_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));
}

#[tokio::test]
async fn automatic_capture_follows_the_authorization() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    let payment_id = paid_session(
        &sim,
        &client,
        "auto_1",
        "4200",
        "4111111111111111",
        notify,
        CaptureMode::Automatic,
    )
    .await;

    let delivered = receiver.wait_for(2).await;
    let types: Vec<_> = delivered
        .iter()
        .map(|r| r.verified().notify_type().unwrap())
        .collect();
    assert_eq!(types, [NotifyType::PaymentResult, NotifyType::CaptureResult]);
    let Notification::Capture(capture) = delivered[1].verified() else {
        panic!()
    };
    assert!(capture.result.is_success());
    assert_eq!(capture.payment_id, payment_id);
    assert_eq!(capture.capture_amount, Some(sgd("4200")));

    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_id(&payment_id))
            .await,
    );
    assert_eq!(inquiry.transactions.len(), 1);
    assert_eq!(inquiry.transactions[0].transaction_type, TransactionType::Capture);
    assert_eq!(inquiry.transactions[0].transaction_amount, Some(sgd("4200")));
}
