//! Captures: full, partial, amount and state rules, `Idempotency-Key`, and concurrent requests.

use serde_json::json;

use super::{action_path, admin, authorized_order, id, paid_order, sgd, sim_calls, Answer, DECLINED, TOTAL};
use crate::helpers::{spawn_app, Db};

async fn operator_captures_in_full_and_the_timeline_names_the_token(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let order_id = id(&session);

    let answer = operator.post(&action_path(order_id, "capture"), json!({})).await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let capture = &answer.body["capture"];
    assert!(capture["captureRequestId"].is_string(), "{capture}");
    assert!(
        ["PROCESSING", "SUCCESS"].contains(&capture["status"].as_str().unwrap()),
        "{capture}"
    );
    assert_eq!(capture["amount"], sgd(TOTAL));

    let order = operator.wait_for_status(order_id, "CAPTURED").await;
    assert_eq!(order["capturedAmount"], sgd(TOTAL));
    assert_eq!(order["capturableAmount"], sgd("0"));
    assert_eq!(order["refundableAmount"], sgd(TOTAL));
    assert_eq!(order["captures"].as_array().unwrap().len(), 1);
    assert_eq!(
        order["captures"][0]["captureRequestId"],
        capture["captureRequestId"]
    );
    assert_eq!(order["captures"][0]["status"], "SUCCESS");
    assert_eq!(order["captures"][0]["amount"], sgd(TOTAL));
    let timeline = order["timeline"].as_array().unwrap();
    assert!(
        timeline.iter().any(|e| e["actor"] == "admin:ops-alice"),
        "{timeline:?}"
    );
    // The buyer sees it too.
    assert_eq!(app.order(&session).await["status"], "CAPTURED");
    assert_eq!(sim_calls(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn partial_capture_and_amount_limits(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");

    let over = operator.post(&capture, json!({"amount": sgd("4201")})).await;
    assert_eq!(over.error(), (422, "AMOUNT_EXCEEDS_AUTHORIZED"));
    let usd = operator
        .post(&capture, json!({"amount": {"currency": "USD", "value": "1000"}}))
        .await;
    assert_eq!(usd.error(), (422, "CURRENCY_MISMATCH"));
    assert!(sim_calls(&app, "capture").await.is_empty());

    let partial = operator.post(&capture, json!({"amount": sgd("1000")})).await;
    assert_eq!(partial.status, 202, "{}", partial.body);
    assert_eq!(partial.body["capture"]["amount"], sgd("1000"));
    let order = operator
        .wait_for(id(&session), "the partial capture", |o| {
            o["capturedAmount"] == sgd("1000")
        })
        .await;
    assert_eq!(order["status"], "CAPTURED");
    assert_eq!(order["capturableAmount"], sgd("3200"));
    assert_eq!(order["refundableAmount"], sgd("1000"));

    let over = operator.post(&capture, json!({"amount": sgd("3201")})).await;
    assert_eq!(over.error(), (422, "AMOUNT_EXCEEDS_AUTHORIZED"));
    assert_eq!(sim_calls(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn captures_need_a_live_authorization(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;

    // Not paid yet.
    let pending = app.default_session().await;
    let answer = operator
        .post(&action_path(id(&pending), "capture"), json!({}))
        .await;
    assert_eq!(answer.error(), (409, "INVALID_STATE"));
    // Declined.
    let declined = paid_order(&app, DECLINED, "PAYMENT_FAILED").await;
    let answer = operator
        .post(&action_path(id(&declined), "capture"), json!({}))
        .await;
    assert_eq!(answer.error(), (409, "INVALID_STATE"));
    let answer = operator
        .post(&action_path(id(&declined), "cancel"), json!({}))
        .await;
    assert_eq!(answer.error(), (409, "INVALID_STATE"));
    assert!(sim_calls(&app, "capture").await.is_empty());
    assert!(sim_calls(&app, "cancel").await.is_empty());
    app.stop().await;
}

async fn capture_idempotency_key_replays_for_the_order(db: Db) {
    let app = spawn_app(db).await;
    let alice = admin(&app, "ops-alice", "operator").await;
    let bob = admin(&app, "ops-bob", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");

    let first = alice.post_with_key(&capture, "{}", "dbl-click-1").await;
    assert_eq!(first.status, 202, "{}", first.body);
    assert!(!first.replayed);
    // The same request (whitespace aside) gets the same answer, without another capture.
    let again = alice.post_with_key(&capture, " { } ", "dbl-click-1").await;
    assert_eq!(again.status, 202);
    assert!(again.replayed);
    assert_eq!(again.body, first.body);
    // The same key with another body is a client bug.
    let other = alice
        .post_with_key(
            &capture,
            &json!({"amount": sgd("100")}).to_string(),
            "dbl-click-1",
        )
        .await;
    assert_eq!(other.error(), (409, "IDEMPOTENCY_KEY_REUSED"));
    // A key names one intended operation on this order, whoever sends it: Bob's request with
    // Alice's key is the same capture.
    let bobs = bob.post_with_key(&capture, "{}", "dbl-click-1").await;
    assert!(bobs.replayed);
    assert_eq!(bobs.body, first.body);
    // Another key is another intended capture, and finds nothing left…
    let bobs_own = bob.post_with_key(&capture, "{}", "dbl-click-2").await;
    assert!(!bobs_own.replayed);
    assert_eq!(bobs_own.error(), (409, "INVALID_STATE"));
    // …and a refusal is replayed like any final answer.
    let bobs_again = bob.post_with_key(&capture, "{}", "dbl-click-2").await;
    assert!(bobs_again.replayed);
    assert_eq!(bobs_again.error(), (409, "INVALID_STATE"));

    assert_eq!(sim_calls(&app, "capture").await.len(), 1);
    app.stop().await;
}

async fn concurrent_captures_call_antom_once(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = authorized_order(&app).await;
    let capture = action_path(id(&session), "capture");

    let answers = futures_util::future::join_all((0..16).map(|_| operator.post(&capture, json!({})))).await;
    let accepted: Vec<&Answer> = answers.iter().filter(|a| a.status == 202).collect();
    assert!(!accepted.is_empty(), "none accepted");
    for answer in &answers {
        assert!(
            answer.status == 202 || answer.error() == (409, "INVALID_STATE"),
            "{} {}",
            answer.status,
            answer.body
        );
    }
    let request_id = &accepted[0].body["capture"]["captureRequestId"];
    assert!(accepted
        .iter()
        .all(|a| &a.body["capture"]["captureRequestId"] == request_id));

    let order = operator.wait_for_status(id(&session), "CAPTURED").await;
    assert_eq!(order["captures"].as_array().unwrap().len(), 1, "{order}");
    assert_eq!(order["capturedAmount"], sgd(TOTAL));
    assert_eq!(sim_calls(&app, "capture").await.len(), 1);
    app.stop().await;
}

crate::on_both_databases!(
    operator_captures_in_full_and_the_timeline_names_the_token,
    partial_capture_and_amount_limits,
    captures_need_a_live_authorization,
    capture_idempotency_key_replays_for_the_order,
    concurrent_captures_call_antom_once,
);
