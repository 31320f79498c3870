//! `docs/openapi.json` is the served document; the validator refuses what the document does not say.

use serde_json::json;

use super::validator::SpecAudit;
use crate::helpers::{spawn_app, Db};

/// Refresh with: `cargo run -q -p antom-checkout -- openapi > docs/openapi.json`
const COMMITTED: &str = include_str!("../../../../../docs/openapi.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_document_is_the_served_one() {
    let app = spawn_app(Db::Sqlite).await;
    let response = app
        .http
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served = response.text().await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert!(
        served == COMMITTED,
        "docs/openapi.json differs from GET /openapi.json; refresh it with\n  \
         cargo run -q -p antom-checkout -- openapi > docs/openapi.json"
    );
    app.stop().await;
}

#[test]
fn a_renamed_field_is_refused() {
    let audit = SpecAudit::of_server();
    let good = json!({"orderId": "0192f7c4-0000-7000-8000-000000000000", "status": "AUTHORIZED"});
    let check = |body: &serde_json::Value| {
        audit.check(
            "GET",
            "/checkout/result/status",
            200,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    };
    assert_eq!(check(&good), Ok(()));
    let renamed = json!({"orderID": good["orderId"], "status": "AUTHORIZED"});
    let problem = check(&renamed).unwrap_err();
    assert!(problem.contains("orderId"), "{problem}");
    let unknown_status = json!({"orderId": good["orderId"], "status": "PAID"});
    assert!(check(&unknown_status).is_err());
}

#[test]
fn undocumented_statuses_and_types_are_refused() {
    let audit = SpecAudit::of_server();
    let problem = audit
        .check("GET", "/api/products", 418, Some("application/json"), b"{}")
        .unwrap_err();
    assert!(problem.contains("418"), "{problem}");
    let problem = audit
        .check("GET", "/api/products", 200, Some("text/html"), b"<p>")
        .unwrap_err();
    assert!(problem.contains("text/html"), "{problem}");
    let error = json!({"error": {"code": "ORDER_NOT_FOUND"}}).to_string();
    assert!(audit
        .check(
            "GET",
            "/api/orders/{order_id}",
            404,
            Some("application/json"),
            error.as_bytes()
        )
        .is_err());
}
