//! Every route the server registers (its route table, `routes::ROUTES`) is in the document and
//! every operation of the document is registered; then every operation is driven against the
//! running server with the simulator, and each real answer validated against its schema.

use std::collections::BTreeSet;
use std::time::Duration;

use antom_checkout::persistence::NewAdminToken;
use antom_checkout::routes::ROUTES;
use antom_checkout::tokens;
use serde_json::{json, Value};

use super::validator::SpecAudit;
use crate::helpers::{spawn_app, Db, TestApp};
use crate::on_both_databases;

#[test]
fn the_route_table_and_the_document_agree() {
    let documented: BTreeSet<String> = SpecAudit::of_server().operations().into_iter().collect();
    let served: BTreeSet<String> = ROUTES.iter().map(|(m, p)| format!("{m} {p}")).collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the OpenAPI document: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "in the OpenAPI document but not served: {unserved:?}"
    );
    assert!(served.len() >= 30, "{served:?}");
}

pub async fn admin_token(app: &TestApp) -> String {
    let token = tokens::new_token();
    app.app()
        .state()
        .store
        .insert_admin_token(NewAdminToken::new(
            "contract",
            "operator",
            &tokens::hash_token(&token),
        ))
        .await
        .unwrap();
    token
}

async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(format!("{}{path}", app.base));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn admin_post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn wait_admin(app: &TestApp, token: &str, order_id: &str, status: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let order: Value = get(app, &format!("/admin/api/orders/{order_id}"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        if order["status"] == status {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "never {status}: {order}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Drives every operation of the document at least once; each answer is validated by the
/// harness's audit, and the test fails on any operation left undriven.
async fn every_operation_is_driven_and_answers_as_documented(db: Db) {
    let app = spawn_app(db).await;
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs/api",
        "/docs/api/swagger-ui.css",
        "/",
        "/api/products",
        "/account/cards",
        "/admin",
        "/static/app.css",
        "/vendor/ams-checkout/none.js",
        "/checkout/redirect?f=none",
        "/api/cards",
    ] {
        get(&app, path, None).await;
    }

    let session = app.authorized().await;
    let order_id = session["orderId"].as_str().unwrap();
    let token = session["orderToken"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/api/orders/{order_id}"), Some(token))
            .await
            .status(),
        200
    );
    let status = get(
        &app,
        &format!("/checkout/result/status?orderId={order_id}"),
        Some(token),
    )
    .await;
    assert_eq!(status.status(), 200);
    get(&app, &format!("/checkout/result?orderId={order_id}"), None).await;

    for route in ["payments", "refunds", "vaulting"] {
        let response = app
            .post_json(
                &format!("/webhooks/antom/{route}"),
                &json!({"notifyType": "PAYMENT_RESULT"}),
            )
            .await;
        assert_eq!(response.status(), 401, "unsigned delivery to {route}");
    }
    assert_eq!(
        app.post_json("/vaulting/sessions", &json!({})).await.status(),
        201
    );
    assert_eq!(app.post_json("/api/cards", &json!({})).await.status(), 404);
    let deleted = app
        .http
        .delete(format!("{}/api/cards/none", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 404);

    let admin = admin_token(&app).await;
    assert_eq!(get(&app, "/admin/api/orders", Some(&admin)).await.status(), 200);
    assert_eq!(
        get(&app, &format!("/admin/api/orders/{order_id}"), Some(&admin))
            .await
            .status(),
        200
    );
    let action = |name: &str| format!("/admin/api/orders/{order_id}/{name}");
    assert_eq!(
        admin_post(&app, &admin, &action("capture"), json!({})).await.0,
        202
    );
    wait_admin(&app, &admin, order_id, "CAPTURED").await;
    let refund = json!({"amount": {"currency": "SGD", "value": "100"}, "reason": "contract"});
    assert_eq!(admin_post(&app, &admin, &action("refund"), refund).await.0, 202);
    assert_eq!(admin_post(&app, &admin, &action("sync"), json!({})).await.0, 200);
    let other = app.authorized().await;
    let cancel = format!("/admin/api/orders/{}/cancel", other["orderId"].as_str().unwrap());
    assert_eq!(admin_post(&app, &admin, &cancel, json!({})).await.0, 202);
    assert_eq!(
        get(&app, "/admin/api/deliveries?kind=rejected", Some(&admin))
            .await
            .status(),
        200
    );
    assert_eq!(
        get(
            &app,
            "/admin/api/security-events?kind=ADMIN_LOGIN_FAILED",
            Some(&admin)
        )
        .await
        .status(),
        200
    );

    let seen = app.audit.seen();
    let undriven: Vec<String> = app
        .audit
        .operations()
        .into_iter()
        .filter(|op| !seen.contains_key(op))
        .collect();
    assert!(undriven.is_empty(), "operations never driven: {undriven:?}");
    app.stop().await;
}

on_both_databases!(every_operation_is_driven_and_answers_as_documented);
