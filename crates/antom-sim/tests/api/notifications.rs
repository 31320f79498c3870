//! Notifications: Antom's signature, the acknowledgement, and the retry schedule.

use std::time::Duration;

use antom_client::model::{CaptureMode, CreateVaultingSessionRequest, Notification};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn notifications_are_signed_over_the_notify_path_and_stop_at_the_ack() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/shop/webhooks/antom/payments?ignored=1"));
    paid_session(
        &sim,
        &client,
        "sign_1",
        "4200",
        "4111111111111111",
        notify,
        CaptureMode::Manual,
    )
    .await;
    let delivered = receiver.wait_for(1).await;
    let received = &delivered[0];
    assert_eq!(received.path, "/shop/webhooks/antom/payments");
    assert_eq!(received.headers["client-id"], CLIENT_ID);
    assert!(received.headers["content-type"].starts_with("application/json"));
    assert!(antom_client::time::parse_time(&received.headers["request-time"]).is_some());
    let Notification::Payment(payment) = received.verified() else {
        panic!()
    };
    let info = payment.payment_result_info.unwrap();
    assert_eq!(info.card_no.as_deref(), Some("************1111"));
    assert_eq!(
        (info.funding.as_deref(), info.issuing_country.as_deref()),
        (Some("CREDIT"), Some("US"))
    );
    assert!(payment.payment_time.is_some() && payment.auth_expiry_time.is_some());

    let log = poll("the delivery to be recorded", Duration::from_secs(5), || async {
        let log = sim.notifications().await;
        (log[0]["status"] == "DELIVERED").then_some(log)
    })
    .await;
    let attempt = &log[0]["attempts"][0];
    assert_eq!(
        (attempt["httpStatus"].as_u64(), attempt["acknowledged"].as_bool()),
        (Some(200), Some(true))
    );
    assert!(attempt["responseBody"].as_str().unwrap().contains("SUCCESS"));
}

#[tokio::test]
async fn unacknowledged_notifications_are_retried_on_antoms_schedule() {
    // Gaps 2 min, 10 min, 10 min, 1 h × 0.0005 = 60 ms, 300 ms, 300 ms, 1.8 s.
    let sim = TestSim::with_scale(0.0005).await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    receiver.fail_next(4);
    let session = CreateVaultingSessionRequest {
        vaulting_request_id: "retry_1".into(),
        vaulting_notification_url: receiver.url("/vaulting"),
        ..CreateVaultingSessionRequest::default()
    };
    success(client.send(&session).await);
    sim.post(
        "/__sim/vaulting/retry_1/bind",
        json!({"cardNumber": "4111111111111111"}),
    )
    .await;

    let delivered = receiver.wait_for(5).await;
    let gaps: Vec<Duration> = delivered.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(gaps[0] >= Duration::from_millis(50), "{gaps:?}");
    assert!(gaps[1] > gaps[0] && gaps[2] > gaps[0], "{gaps:?}");
    assert!(
        gaps[3] > gaps[2] && gaps[3] >= Duration::from_millis(1500),
        "{gaps:?}"
    );
    assert!(delivered.iter().all(|r| r.body == delivered[0].body));

    let log = poll("the acknowledged attempt", Duration::from_secs(5), || async {
        let log = sim.notifications().await;
        (log[0]["status"] == "DELIVERED").then_some(log)
    })
    .await;
    let statuses: Vec<_> = log[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["httpStatus"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 500, 500, 200]);
}

#[tokio::test]
async fn retries_stop_after_eight_attempts() {
    // The whole schedule (24 h 37 min) × 0.00005 ≈ 4.4 s.
    let sim = TestSim::with_scale(0.00005).await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    receiver.fail_next(100);
    let session = CreateVaultingSessionRequest {
        vaulting_request_id: "retry_2".into(),
        vaulting_notification_url: receiver.url("/vaulting"),
        ..CreateVaultingSessionRequest::default()
    };
    success(client.send(&session).await);
    sim.post(
        "/__sim/vaulting/retry_2/bind",
        json!({"cardNumber": "4111111111111111"}),
    )
    .await;

    let log = poll("the notification to give up", Duration::from_secs(15), || async {
        let log = sim.notifications().await;
        (log[0]["status"] == "FAILED").then_some(log)
    })
    .await;
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 8);
    assert_eq!(receiver.received().len(), 8);
    assert!(log[0]["nextAttemptAt"].is_null());
}

#[tokio::test]
async fn a_200_without_the_acknowledgement_body_is_retried() {
    let sim = TestSim::with_scale(0.0005).await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    receiver.answer_next(200, 1);
    paid_session(
        &sim,
        &client,
        "ack_1",
        "1000",
        "4111111111111111",
        Some(receiver.url("/n")),
        CaptureMode::Manual,
    )
    .await;
    receiver.wait_for(2).await;
    let log = poll("the acknowledged retry", Duration::from_secs(5), || async {
        let log = sim.notifications().await;
        (log[0]["status"] == "DELIVERED").then_some(log)
    })
    .await;
    let acknowledged: Vec<_> = log[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["httpStatus"].as_u64().unwrap(),
                a["acknowledged"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(acknowledged, [(200, false), (200, true)]);
    assert_eq!(log[0]["attempts"][0]["responseBody"], "not today");
}

#[tokio::test]
async fn connection_errors_are_recorded_and_retried() {
    let sim = TestSim::with_scale(0.0005).await;
    let client = sim.client();
    // Nobody listens here: connection errors are recorded and retried too.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/gone", dead.local_addr().unwrap());
    drop(dead);
    paid_session(
        &sim,
        &client,
        "dead_1",
        "1000",
        "4111111111111111",
        Some(url),
        CaptureMode::Manual,
    )
    .await;
    let log = poll("two failed attempts", Duration::from_secs(5), || async {
        let log = sim.notifications().await;
        (log[0]["attempts"].as_array().unwrap().len() >= 2).then_some(log)
    })
    .await;
    let attempt = &log[0]["attempts"][0];
    assert!(
        attempt["httpStatus"].is_null() && attempt["error"].is_string(),
        "{attempt}"
    );
    assert_eq!(log[0]["status"], "PENDING");
}
