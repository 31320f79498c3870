//! The double-click rule (contract §4): identical requests (same order, action and amount
//! within 60 s, without distinct `Idempotency-Key`s) reach Antom once and are all answered
//! with the first one's result, whether they are concurrent, from two operators, or a retry
//! after the first one's answer was lost. Refused actions are audited in the timeline.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{action_path, admin, authorized_order, id, sgd, sim_calls, Answer};
use crate::helpers::{spawn_app, Db};

/// The distinct request ids of one kind of call the simulator received.
async fn distinct_ids(app: &crate::helpers::TestApp, endpoint: &str) -> HashSet<String> {
    sim_calls(app, endpoint)
        .await
        .iter()
        .map(|r| r["requestId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn same_field<'a>(answers: &'a [Answer], object: &str, field: &str) -> &'a Value {
    let first = &answers[0].body[object][field];
    for answer in answers {
        assert_eq!(answer.status, 202, "{}", answer.body);
        assert_eq!(&answer.body[object][field], first, "{}", answer.body);
    }
    first
}

async fn identical_concurrent_partial_captures_and_refunds_reach_antom_once(db: Db) {
    let app = spawn_app(db).await;
    let alice = admin(&app, "ops-alice", "operator").await;
    let bob = admin(&app, "ops-bob", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");
    let refund = action_path(id(&session), "refund");

    let captures = futures_util::future::join_all(
        (0..8).map(|i| [&alice, &bob][i % 2].post(&capture, json!({"amount": sgd("1000")}))),
    )
    .await;
    let capture_id = same_field(&captures, "capture", "captureRequestId").clone();
    assert_eq!(distinct_ids(&app, "capture").await.len(), 1);
    alice
        .wait_for(id(&session), "the capture", |o| {
            o["capturedAmount"] == sgd("1000")
        })
        .await;

    let refunds =
        futures_util::future::join_all((0..8).map(|i| {
            [&alice, &bob][i % 2].post(&refund, json!({"amount": sgd("500"), "reason": "damaged"}))
        }))
        .await;
    same_field(&refunds, "refund", "refundRequestId");
    assert_eq!(distinct_ids(&app, "refund").await.len(), 1);

    // A late click within the window still gets the first capture's answer, settled.
    let late = bob.post(&capture, json!({"amount": sgd("1000")})).await;
    assert_eq!(late.body["capture"]["captureRequestId"], capture_id);
    assert_eq!(late.body["capture"]["status"], "SUCCESS");

    // Two different keys are two intended refunds.
    let one = alice
        .post_with_key(&refund, &json!({"amount": sgd("100")}).to_string(), "refund-1")
        .await;
    let two = bob
        .post_with_key(&refund, &json!({"amount": sgd("100")}).to_string(), "refund-2")
        .await;
    assert_eq!((one.status, two.status), (202, 202));
    assert_ne!(
        one.body["refund"]["refundRequestId"],
        two.body["refund"]["refundRequestId"]
    );
    assert_eq!(distinct_ids(&app, "refund").await.len(), 3);
    assert_eq!(distinct_ids(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn a_full_capture_clicked_twice_answers_the_first_result(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");
    let first = operator.post(&capture, json!({})).await;
    assert_eq!(first.status, 202, "{}", first.body);
    let second = operator.post(&capture, json!({})).await;
    assert_eq!(second.status, 202, "{}", second.body);
    assert_eq!(
        second.body["capture"]["captureRequestId"],
        first.body["capture"]["captureRequestId"]
    );
    assert_eq!(second.body["capture"]["amount"], sgd("4200"));
    assert_eq!(distinct_ids(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn a_retry_after_a_lost_answer_reuses_the_first_capture(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");
    // Antom captures, but no answer and no notification come back: the operator's first
    // request times out at our end (the worker may learn the result meanwhile), and the
    // operator, not knowing, tries again without the key.
    app.sim_faults(
        json!({"endpoints": {"capture": {"mode": "timeout", "times": 1, "delayMs": 15000}},
                          "notifications": {"drop": true}}),
    )
    .await;
    let first = operator
        .post_with_key(&capture, &json!({"amount": sgd("2000")}).to_string(), "op-key-1")
        .await;
    assert_eq!(first.status, 202, "{}", first.body);
    let retry = operator.post(&capture, json!({"amount": sgd("2000")})).await;
    assert_eq!(retry.status, 202, "{}", retry.body);
    assert_eq!(
        retry.body["capture"]["captureRequestId"],
        first.body["capture"]["captureRequestId"]
    );
    operator
        .wait_for(id(&session), "the capture", |o| {
            o["capturedAmount"] == sgd("2000")
        })
        .await;
    assert_eq!(distinct_ids(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn refused_actions_are_audited_in_the_timeline(db: Db) {
    let app = spawn_app(db).await;
    // A long token name (the CLI now allows 64 characters; older tokens may be longer).
    let name = "o".repeat(128);
    let operator = admin(&app, &name, "operator").await;
    let session = authorized_order(&app).await;
    let over = operator
        .post(
            &action_path(id(&session), "capture"),
            json!({"amount": sgd("9999")}),
        )
        .await;
    assert_eq!(over.error(), (422, "AMOUNT_EXCEEDS_AUTHORIZED"));
    let refund = operator
        .post(
            &action_path(id(&session), "refund"),
            json!({"amount": sgd("100")}),
        )
        .await;
    assert_eq!(refund.error(), (409, "INVALID_STATE"));
    let order = operator.order(id(&session)).await;
    let refused: Vec<&Value> = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "ADMIN_ACTION_REFUSED")
        .collect();
    assert_eq!(refused.len(), 2, "{order}");
    assert_eq!(refused[0]["actor"], format!("admin:{name}"));
    assert_eq!(refused[0]["details"]["code"], "AMOUNT_EXCEEDS_AUTHORIZED");
    assert_eq!(refused[0]["details"]["action"], "capture");
    assert_eq!(refused[1]["details"]["code"], "INVALID_STATE");
    // The long name also fits when an action succeeds.
    let ok = operator
        .post(&action_path(id(&session), "capture"), json!({}))
        .await;
    assert_eq!(ok.status, 202, "{}", ok.body);
    app.stop().await;
}

crate::on_both_databases!(
    identical_concurrent_partial_captures_and_refunds_reach_antom_once,
    a_full_capture_clicked_twice_answers_the_first_result,
    a_retry_after_a_lost_answer_reuses_the_first_capture,
    refused_actions_are_audited_in_the_timeline,
);
