//! `/metrics` after a whole checkout shows every metric the dashboards and alerts read, and its
//! size stays bounded whatever paths and methods the internet sends.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{spawn_app, Db, TestApp};
use crate::on_both_databases;

/// Every metric family ops rely on (the Grafana dashboard queries these).
pub const EXPORTED: [&str; 10] = [
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "antom_calls_total",
    "antom_call_duration_seconds_bucket",
    "notifications_total",
    "notification_apply_delay_seconds_bucket",
    "reconciler_lag_seconds",
    "inbox_backlog",
    "open_authorizations",
    "authorizations_expiring_24h",
];

/// The metric names the Grafana dashboard's queries read: identifiers with an underscore that
/// are not PromQL functions (not followed by `(`).
fn dashboard_metrics() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/grafana/antom-checkout.json"
    );
    let dashboard: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut names = BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let mut rest = expr;
            while let Some(start) = rest.find(|c: char| c.is_ascii_lowercase()) {
                let tail = &rest[start..];
                let end = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(tail.len());
                let (word, after) = tail.split_at(end);
                let quoted = rest[..start].matches('"').count() % 2 == 1;
                if word.contains('_') && !after.starts_with('(') && !quoted {
                    names.insert(word.to_owned());
                }
                rest = after;
            }
        }
    }
    names
}

async fn metrics_text(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The sample lines of one family (`name{…} value` or `name value`).
fn samples<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .collect()
}

async fn a_whole_checkout_shows_every_metric(db: Db) {
    let app = spawn_app(db).await;
    let session = app.authorized().await;
    let order_id = session["orderId"].as_str().unwrap();
    let token = crate::contract::admin_token(&app).await;
    let capture = app
        .http
        .post(format!("{}/admin/api/orders/{order_id}/capture", app.base))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(capture.status(), 202);
    app.wait_for_status(&session, "CAPTURED", Duration::from_secs(20))
        .await;
    // One order left authorized: the open-authorization gauges count it once refreshed.
    app.authorized().await;
    // And one forged delivery: the verification-failure panel's series exist.
    let forged = app
        .post_json(
            "/webhooks/antom/payments",
            &json!({"notifyType": "PAYMENT_RESULT"}),
        )
        .await;
    assert_eq!(forged.status(), 401);
    antom_checkout::services::ops_gauges::refresh(app.app().state()).await;

    let text = metrics_text(&app).await;
    for name in EXPORTED {
        assert!(
            !samples(&text, name).is_empty(),
            "{name} is not exported:\n{text}"
        );
    }
    let queried = dashboard_metrics();
    assert!(queried.len() >= 8, "{queried:?}");
    for name in &queried {
        assert!(
            !samples(&text, name).is_empty(),
            "deploy/grafana/antom-checkout.json queries {name}, which the server does not export"
        );
    }
    assert!(
        text.contains(r#"http_request_duration_seconds_bucket{route="/sessions",method="POST",le="#),
        "{text}"
    );
    assert!(
        text.contains(r#"antom_call_duration_seconds_count{endpoint="createPaymentSession",outcome="S"}"#),
        "{text}"
    );
    assert!(text.contains(r#"open_authorizations{age="lt_1d"} 1"#), "{text}");
    // The tests' simulated time runs 100× fast: Antom's 7-day authorization lapses within hours.
    assert!(text.contains("authorizations_expiring_24h 1"), "{text}");
    assert!(text.contains("inbox_backlog 0"), "{text}");
    app.stop().await;
}

async fn garbage_paths_and_methods_add_no_label_values(db: Db) {
    let app = spawn_app(db).await;
    let before = metrics_text(&app).await;
    for i in 0..300 {
        let path = format!("/nope/{i}/{}", "x".repeat(i % 50));
        let method = reqwest::Method::from_bytes(format!("M{i}").as_bytes()).unwrap();
        app.http
            .request(method, format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        app.http
            .get(format!("{}/api/orders/{i}-garbage", app.base))
            .send()
            .await
            .unwrap();
    }
    let after = metrics_text(&app).await;
    let series = |text: &str| -> BTreeSet<String> {
        samples(text, "http_requests_total")
            .into_iter()
            .map(|l| l.rsplit_once(' ').unwrap().0.to_owned())
            .collect()
    };
    let new: Vec<String> = series(&after).difference(&series(&before)).cloned().collect();
    // At most: unmatched × {GET, OTHER} × 4xx, and the order route's 4xx, and /metrics itself.
    assert!(new.len() <= 4, "new series: {new:#?}");
    assert!(!after.contains("/nope/"), "a path became a label value");
    assert!(!after.contains("garbage"), "a path became a label value");
    assert!(
        after.len() < before.len() + 8 * 1024,
        "the exposition grew by {} bytes",
        after.len() - before.len()
    );
    app.stop().await;
}

on_both_databases!(
    a_whole_checkout_shows_every_metric,
    garbage_paths_and_methods_add_no_label_values
);
