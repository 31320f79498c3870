//! `POST /sessions`: pricing, validation codes, idempotency, Antom failures.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Db, TestApp};

async fn prices_the_cart_on_the_server_and_ignores_client_prices(db: Db) {
    let app = spawn_app(db).await;
    let body = json!({"items": [
        {"sku": "TSHIRT-BLK-M", "quantity": 2, "unitAmount": {"currency": "SGD", "value": "1"}},
        {"sku": "MUG-WHT", "quantity": 1, "price": 0}
    ], "buyer": {"email": "a@example.com", "firstName": "Ada", "lastName": "Lovelace"}, "locale": "en_US", "terminalType": "WEB", "osType": null});
    let response = app.post_json("/sessions", &body).await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["amount"], json!({"currency": "SGD", "value": "5450"}));
    assert!(session["paymentSessionData"].as_str().unwrap().len() > 10);
    assert_eq!(session["sdk"]["environment"], "sandbox");
    assert!(session["sdk"]["scriptUrl"]
        .as_str()
        .unwrap()
        .ends_with("/sdk/ams-checkout.js"));
    assert!(session["paymentSessionExpiryTime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let order = app.order(&session).await;
    assert_eq!(order["status"], "PENDING_PAYMENT");
    assert_eq!(order["payment"]["paymentRequestId"], session["paymentRequestId"]);

    // The simulator received a signed createPaymentSession for that id, with authorization.
    let list = app.sim_requests("").await;
    let create = list
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("createPaymentSession"))
        .unwrap();
    assert_eq!(create["requestId"], session["paymentRequestId"]);
    assert_eq!(create["signatureValid"], true);
    app.stop().await;
}

async fn zero_decimal_currency_is_priced_in_whole_units(db: Db) {
    let app = spawn_app(db).await;
    let session = app
        .create_session(json!([{"sku": "TEA-SENCHA", "quantity": 3}]))
        .await;
    assert_eq!(session["amount"], json!({"currency": "JPY", "value": "5400"}));
    app.stop().await;
}

async fn every_validation_error_has_its_code_and_changes_nothing(db: Db) {
    let app = spawn_app(db).await;
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("empty cart", json!({"items": []}), 422, "EMPTY_CART"),
        (
            "unknown sku",
            json!({"items": [{"sku": "NOPE", "quantity": 1}]}),
            422,
            "UNKNOWN_SKU",
        ),
        (
            "zero quantity",
            json!({"items": [{"sku": "MUG-WHT", "quantity": 0}]}),
            422,
            "INVALID_QUANTITY",
        ),
        (
            "quantity 100",
            json!({"items": [{"sku": "MUG-WHT", "quantity": 100}]}),
            422,
            "INVALID_QUANTITY",
        ),
        (
            "mixed currency",
            json!({"items": [{"sku": "MUG-WHT", "quantity": 1}, {"sku": "TOTE-NAT", "quantity": 1}]}),
            422,
            "MIXED_CURRENCY",
        ),
        ("missing items", json!({"buyer": {}}), 400, "INVALID_REQUEST"),
        (
            "wrong type",
            json!({"items": [{"sku": "MUG-WHT", "quantity": "two"}]}),
            400,
            "INVALID_REQUEST",
        ),
        (
            "bad terminal",
            json!({"items": [{"sku": "MUG-WHT", "quantity": 1}], "terminalType": "TV"}),
            400,
            "INVALID_REQUEST",
        ),
    ];
    for (name, body, status, code) in cases {
        let response = app.post_json("/sessions", &body).await;
        assert_eq!(response.status(), status, "{name}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{name}: {error}");
        assert!(
            error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
    // Malformed JSON, wrong content type, oversized body.
    let send = |body: Vec<u8>, content_type: &'static str| {
        app.http
            .post(format!("{}/sessions", app.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = send(b"{\"items\": [".to_vec(), "application/json").await.unwrap();
    assert_eq!(malformed.status(), 400);
    let form = send(b"items=1".to_vec(), "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_eq!(form.status(), 400);
    let mut huge = b"{\"items\": [], \"pad\": \"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 70 * 1024));
    huge.extend(b"\"}");
    let too_large = send(huge, "application/json").await.unwrap();
    assert_eq!(too_large.status(), 413);
    let error: Value = too_large.json().await.unwrap();
    assert_eq!(error["error"]["code"], "PAYLOAD_TOO_LARGE");

    // Nothing reached Antom.
    let list = app.sim_requests("").await;
    assert!(list.is_empty(), "{list:?}");
    app.stop().await;
}

async fn idempotency_key_replays_and_detects_reuse(db: Db) {
    let app = spawn_app(db).await;
    let body = json!({"items": [{"sku": "CAP-NVY", "quantity": 1}]});
    // Keys are scoped to the buyer: the retries carry the cookie the first answer set.
    let first = app
        .http
        .post(format!("{}/sessions", app.base))
        .header("Idempotency-Key", "key-123")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let cookie = first
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a new buyer gets a cookie")
        .to_owned();
    let first: Value = first.json().await.unwrap();
    let send = |body: Value| {
        app.http
            .post(format!("{}/sessions", app.base))
            .header("Idempotency-Key", "key-123")
            .header("cookie", cookie.clone())
            .json(&body)
            .send()
    };
    let second = send(body.clone()).await.unwrap();
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(first, second, "same key, same body: same response");
    let other = send(json!({"items": [{"sku": "CAP-NVY", "quantity": 2}]}))
        .await
        .unwrap();
    assert_eq!(other.status(), 409);
    let error: Value = other.json().await.unwrap();
    assert_eq!(error["error"]["code"], "IDEMPOTENCY_KEY_REUSED");
    // Only one session reached Antom.
    let list = app.sim_requests("").await;
    assert_eq!(
        list.iter()
            .filter(|r| r["path"].as_str().unwrap().ends_with("createPaymentSession"))
            .count(),
        1
    );
    app.stop().await;
}

async fn antom_failure_is_502_and_unknown_is_504_with_the_same_request_id(db: Db) {
    let app = TestApp::builder(db)
        .session_retry_budget(Duration::from_millis(1200))
        .spawn()
        .await;
    app.sim_faults(json!({"endpoints": {"createPaymentSession": {"mode": "fail", "times": 1}}}))
        .await;
    let rejected = app
        .post_json(
            "/sessions",
            &json!({"items": [{"sku": "MUG-WHT", "quantity": 1}]}),
        )
        .await;
    assert_eq!(rejected.status(), 502);
    let error: Value = rejected.json().await.unwrap();
    assert_eq!(error["error"]["code"], "ANTOM_REJECTED");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("PROCESS_FAIL"));

    app.sim_faults(json!({"endpoints": {"createPaymentSession": {"mode": "unknown"}}}))
        .await;
    let unavailable = app
        .post_json(
            "/sessions",
            &json!({"items": [{"sku": "MUG-WHT", "quantity": 1}]}),
        )
        .await;
    assert_eq!(unavailable.status(), 504);
    let error: Value = unavailable.json().await.unwrap();
    assert_eq!(error["error"]["code"], "ANTOM_UNAVAILABLE");
    let list = app.sim_requests("").await;
    let unknown: Vec<&Value> = list
        .iter()
        .filter(|r| r["resultCode"] == "UNKNOWN_EXCEPTION")
        .collect();
    assert!(unknown.len() >= 2, "retried: {unknown:?}");
    assert!(
        unknown.iter().all(|r| r["requestId"] == unknown[0]["requestId"]),
        "same paymentRequestId every time"
    );
    app.stop().await;
}

crate::on_both_databases!(
    prices_the_cart_on_the_server_and_ignores_client_prices,
    zero_decimal_currency_is_priced_in_whole_units,
    every_validation_error_has_its_code_and_changes_nothing,
    idempotency_key_replays_and_detects_reuse,
    antom_failure_is_502_and_unknown_is_504_with_the_same_request_id,
);
