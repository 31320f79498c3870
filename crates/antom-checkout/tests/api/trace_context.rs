//! One request id and one trace from `POST /sessions` to the simulator's answer: the server
//! keeps a sane `x-request-id` (else makes one) and returns it, continues the caller's
//! `traceparent`, and sends both on its Antom call, where the simulator records them.

use serde_json::json;

use crate::helpers::{spawn_app, Db};
use crate::on_both_databases;

const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

async fn a_session_carries_its_request_id_and_trace_to_antom(db: Db) {
    let app = spawn_app(db).await;
    let response = app
        .http
        .post(format!("{}/sessions", app.base))
        .header("x-request-id", "checkout-req:42")
        .header("traceparent", format!("00-{CALLER_TRACE}-{CALLER_SPAN}-01"))
        .json(&json!({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-request-id"], "checkout-req:42");
    let session: serde_json::Value = response.json().await.unwrap();

    let calls = app.sim_requests("/createPaymentSession").await;
    let call = calls
        .iter()
        .find(|c| c["requestId"] == session["paymentRequestId"])
        .expect("the session's Antom call");
    assert_eq!(call["merchantRequestId"], "checkout-req:42", "{call}");
    assert_eq!(
        call["traceId"], CALLER_TRACE,
        "the simulator continues the caller's trace: {call}"
    );
    let parent = call["parentSpanId"].as_str().unwrap();
    assert_eq!(parent.len(), 16, "{call}");
    assert_ne!(
        parent, CALLER_SPAN,
        "the Antom call is a span of its own under the server's: {call}"
    );
    app.stop().await;
}

async fn an_insane_request_id_is_replaced_and_every_answer_has_one(db: Db) {
    let app = spawn_app(db).await;
    for sent in ["", "has space", &"x".repeat(65), "<script>"] {
        let response = app
            .http
            .get(format!("{}/healthz", app.base))
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(id, sent);
        assert_eq!(id.len(), 32, "{id}");
    }
    let missing = app
        .http
        .get(format!("{}/no-such-route", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().contains_key("x-request-id"));
    // Without a traceparent, the server starts a trace and the Antom call still carries it.
    app.create_session(json!([{"sku": "TSHIRT-BLK-M", "quantity": 1}]))
        .await;
    let calls = app.sim_requests("/createPaymentSession").await;
    let trace = calls[0]["traceId"].as_str().unwrap();
    assert_eq!(trace.len(), 32);
    assert_eq!(calls[0]["merchantRequestId"].as_str().unwrap().len(), 32);
    app.stop().await;
}

on_both_databases!(
    a_session_carries_its_request_id_and_trace_to_antom,
    an_insane_request_id_is_replaced_and_every_answer_has_one
);
