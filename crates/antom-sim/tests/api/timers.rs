//! Many open sessions at once: a clock advance closes exactly the payments left unfinished
//! (3-D Secure never answered) and lands the settling ones, oldest deadline first, on the
//! request that follows it; sessions nobody tried to pay never become payments.

use antom_client::model::{CancelRequest, CaptureMode, InquiryPaymentRequest, PaymentStatus};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_clock_advance_closes_the_unfinished_payments_and_settles_the_paid_ones_in_deadline_order() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = Some(receiver.url("/webhooks/antom/payments"));
    let ids: Vec<String> = (0..30).map(|i| format!("many_{i:02}")).collect();
    let mut sessions = std::collections::HashMap::new();
    for id in &ids {
        let request = session_request(id, sgd("1000"), notify.clone(), CaptureMode::Manual);
        let created = success(client.send(&request).await);
        sessions.insert(id.clone(), created.payment_session_id.unwrap());
    }
    // Authorized at once, settling 30 s after being paid, cancelled, challenged and left
    // unanswered, or never tried.
    let authorized: Vec<&String> = ids.iter().skip(1).step_by(5).collect();
    let settling: Vec<&String> = ids.iter().skip(3).step_by(5).collect();
    let challenged: Vec<&String> = ids.iter().skip(2).step_by(5).collect();
    let cancelled = &ids[4];
    for id in &authorized {
        assert_eq!(
            sim.buyer_pays(id, "4111111111111111").await["paymentStatus"],
            "SUCCESS"
        );
    }
    for id in &settling {
        assert_eq!(
            sim.buyer_pays(id, "4000000000000259").await["paymentStatus"],
            "PROCESSING"
        );
    }
    for id in &challenged {
        assert_eq!(
            sim.submit_card(&sessions[*id], "4000000000003220").await["state"],
            "CHALLENGE"
        );
    }
    success(
        client
            .send(&CancelRequest::by_payment_request_id(cancelled))
            .await,
    );
    let untried: Vec<&String> = ids
        .iter()
        .filter(|id| {
            !authorized.contains(id) && !settling.contains(id) && !challenged.contains(id) && *id != cancelled
        })
        .collect();

    let (status, _) = sim
        .post("/__sim/clock/advance", json!({"seconds": 15 * 60}))
        .await;
    assert_eq!(status, 200);
    for id in &ids {
        let inquire = InquiryPaymentRequest::by_payment_request_id(id);
        if untried.contains(&id) {
            assert_eq!(failure(client.send(&inquire).await).0, "ORDER_NOT_EXIST", "{id}");
            continue;
        }
        let inquiry = success(client.send(&inquire).await);
        let expected = if challenged.contains(&id) {
            (PaymentStatus::Fail, "ORDER_IS_CLOSED")
        } else if id == cancelled {
            (PaymentStatus::Cancelled, "ORDER_IS_CANCELED")
        } else {
            (PaymentStatus::Success, "SUCCESS")
        };
        assert_eq!(
            (inquiry.payment_status, inquiry.payment_result_code.as_deref()),
            (Some(expected.0), Some(expected.1)),
            "{id}"
        );
    }

    // PAYMENT_RESULT in the order the transitions happened: the authorizations when paid, then,
    // on the advance, the settlements (paid before any close was due) and the closes, each
    // group oldest deadline first. The cancelled and the untried ones have none.
    let results: Vec<(String, String)> = sim
        .notifications()
        .await
        .into_iter()
        .filter(|n| n["notifyType"] == "PAYMENT_RESULT")
        .map(|n| {
            let body = &n["body"];
            let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
            let code = body["result"]["resultCode"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (field("paymentRequestId"), code)
        })
        .collect();
    let expected: Vec<(String, String)> = authorized
        .iter()
        .chain(&settling)
        .map(|id| ((*id).clone(), "SUCCESS".to_owned()))
        .chain(
            challenged
                .iter()
                .map(|id| ((*id).clone(), "ORDER_IS_CLOSED".to_owned())),
        )
        .collect();
    assert_eq!(results, expected);
}
