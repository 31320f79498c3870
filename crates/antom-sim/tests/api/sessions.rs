//! Payment sessions over time: a session is not a payment until the buyer tries to pay; it
//! closes at the requested expiry (absolute) or after an hour (scaled); a payment started
//! before then finishes on its own schedule; a started one left unfinished is closed after
//! 14 minutes with PAYMENT_RESULT F.

use antom_client::model::{CaptureMode, InquiryPaymentRequest, NotifyType, PaymentStatus};
use chrono::{TimeDelta, Utc};
use serde_json::json;

use crate::helpers::*;

fn expiring_in(
    id: &str,
    seconds: i64,
    notify: Option<String>,
) -> antom_client::model::CreatePaymentSessionRequest {
    let mut request = session_request(id, sgd("1000"), notify, CaptureMode::Manual);
    request.payment_session_expiry_time = Some(antom_client::time::iso8601(
        Utc::now() + TimeDelta::seconds(seconds),
    ));
    request
}

#[tokio::test]
async fn a_session_nobody_tried_to_pay_is_no_payment_before_or_after_it_expires() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let request = session_request(
        "quiet_1",
        sgd("1000"),
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    );
    let created = success(client.send(&request).await);
    let session = created.payment_session_id.unwrap();
    let inquire = InquiryPaymentRequest::by_payment_request_id("quiet_1");
    assert_eq!(failure(client.send(&inquire).await).0, "ORDER_NOT_EXIST");
    // An input error is not an attempt either: the card never reached the issuer.
    let refused = sim
        .buyer("quiet_1", json!({"cardNumber": "4111111111111112"}))
        .await;
    assert_eq!(refused["resultCode"], "INVALID_CARD_NUMBER");
    assert_eq!(failure(client.send(&inquire).await).0, "ORDER_NOT_EXIST");

    sim.advance(2 * 3600).await;
    assert_eq!(failure(client.send(&inquire).await).0, "ORDER_NOT_EXIST");
    let (status, answer) = sim
        .post(
            "/__sim/sessions/quiet_1/pay",
            json!({"cardNumber": "4111111111111111"}),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("SESSION_EXPIRED"))
    );
    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    assert_eq!(view["state"], "EXPIRED");
    // Nothing to report: no notification was ever created for it.
    assert!(sim.notifications().await.is_empty());
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_payment_left_unfinished_is_closed_fourteen_minutes_after_it_started() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let request = session_request(
        "open_1",
        sgd("1000"),
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    );
    let session = success(client.send(&request).await).payment_session_id.unwrap();
    // The session was created 10 minutes before the buyer tried: the clock starts with the try.
    sim.advance(10 * 60).await;
    assert_eq!(
        sim.submit_card(&session, "4000000000003220").await["state"],
        "CHALLENGE"
    );
    let inquire = InquiryPaymentRequest::by_payment_request_id("open_1");
    let open = success(client.send(&inquire).await);
    assert_eq!(open.payment_status, Some(PaymentStatus::Processing));
    let form = open.redirect_action_form.expect("the open challenge");
    assert_eq!(form.method.as_ref().map(|m| m.as_str()), Some("POST"));

    sim.advance(13 * 60).await;
    assert_eq!(
        success(client.send(&inquire).await).payment_status,
        Some(PaymentStatus::Processing)
    );
    sim.advance(2 * 60).await;
    let closed = success(client.send(&inquire).await);
    assert_eq!(closed.payment_status, Some(PaymentStatus::Fail));
    assert_eq!(closed.payment_result_code.as_deref(), Some("ORDER_IS_CLOSED"));
    let delivered = receiver.wait_for(1).await;
    let notice = delivered[0].json();
    assert_eq!(notice["notifyType"], "PAYMENT_RESULT");
    assert_eq!(notice["result"]["resultCode"], "ORDER_IS_CLOSED");
    assert_eq!(notice["result"]["resultStatus"], "F");

    let (status, answer) = sim
        .post(
            &format!("/checkout/api/sessions/{session}/challenge"),
            json!({"outcome": "pass"}),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("ORDER_IS_CLOSED"))
    );
    assert_eq!(failure(client.send(&request).await).0, "ORDER_IS_CLOSED");
}

#[tokio::test]
async fn a_requested_expiry_is_absolute_the_default_is_scaled() {
    // One hour × 0.01 = 36 s.
    let sim = TestSim::with_scale(0.01).await;
    let client = sim.client();
    let default = success(
        client
            .send(&session_request(
                "exp_default",
                sgd("1000"),
                None,
                CaptureMode::Manual,
            ))
            .await,
    );
    let default_at =
        antom_client::time::parse_time(default.payment_session_expiry_time.as_deref().unwrap()).unwrap();
    assert!(default_at <= Utc::now() + TimeDelta::seconds(37), "{default_at}");

    let requested = expiring_in("exp_requested", 30 * 60, None);
    let wanted =
        antom_client::time::parse_time(requested.payment_session_expiry_time.as_deref().unwrap()).unwrap();
    let created = success(client.send(&requested).await);
    let answered =
        antom_client::time::parse_time(created.payment_session_expiry_time.as_deref().unwrap()).unwrap();
    assert_eq!(answered, wanted, "the requested time, not a scaled one");

    sim.advance(120).await;
    let (status, answer) = sim
        .post(
            "/__sim/sessions/exp_default/pay",
            json!({"cardNumber": "4111111111111111"}),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("SESSION_EXPIRED"))
    );
    assert_eq!(
        sim.buyer_pays("exp_requested", "4111111111111111").await["paymentStatus"],
        "SUCCESS"
    );
}

#[tokio::test]
async fn a_payment_in_process_outlives_its_session() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/n"));

    // The processing card: 30 s to settle, the session gone after 5.
    let slow = success(client.send(&expiring_in("outlive_1", 5, notify.clone())).await);
    let slow_session = slow.payment_session_id.unwrap();
    assert_eq!(
        sim.buyer_pays("outlive_1", "4000000000000259").await["paymentStatus"],
        "PROCESSING"
    );
    // A challenge opened before the session ends, answered after.
    let challenged = success(client.send(&expiring_in("outlive_2", 5, notify)).await);
    let challenged_session = challenged.payment_session_id.unwrap();
    assert_eq!(
        sim.submit_card(&challenged_session, "4000000000003220").await["state"],
        "CHALLENGE"
    );

    sim.advance(10).await;
    let inquire = InquiryPaymentRequest::by_payment_request_id("outlive_1");
    assert_eq!(
        success(client.send(&inquire).await).payment_status,
        Some(PaymentStatus::Processing)
    );
    let view = sim.get(&format!("/checkout/api/sessions/{slow_session}")).await;
    assert_eq!(view["state"], "PROCESSING");
    let (status, answered) = sim
        .post(
            &format!("/checkout/api/sessions/{challenged_session}/challenge"),
            json!({"outcome": "pass"}),
        )
        .await;
    assert_eq!(
        (status, answered["state"].as_str()),
        (200, Some("SUCCESS")),
        "{answered}"
    );

    sim.advance(25).await;
    assert_eq!(
        success(client.send(&inquire).await).payment_status,
        Some(PaymentStatus::Success)
    );
    let results = sim.wait_notifications("PAYMENT_RESULT", 2).await;
    assert!(results
        .iter()
        .all(|n| n["body"]["result"]["resultCode"] == "SUCCESS"));
    let pending = sim
        .wait_notifications(NotifyType::PaymentPending.as_str(), 1)
        .await;
    assert_eq!(pending[0]["body"]["paymentRequestId"], "outlive_1");
}
