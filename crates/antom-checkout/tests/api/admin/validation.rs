//! What admin actions refuse before `services::ops` is asked: bodies, content types, sizes,
//! idempotency keys, unknown orders.

use serde_json::json;

use super::{action_path, admin, id, sgd, sim_calls};
use crate::helpers::{spawn_app, Db};

async fn actions_validate_bodies_and_orders(db: Db) {
    let app = spawn_app(db).await;
    let operator = admin(&app, "ops-alice", "operator").await;
    let session = app.default_session().await;
    let order_id = id(&session);
    let capture = action_path(order_id, "capture");
    let refund = action_path(order_id, "refund");
    let json = Some("application/json");

    let bad: Vec<(&str, String, Option<&str>, String)> = vec![
        (
            "form post",
            capture.clone(),
            Some("application/x-www-form-urlencoded"),
            "amount=1".into(),
        ),
        ("text/plain", capture.clone(), Some("text/plain"), "{}".into()),
        ("no content type", capture.clone(), None, "{}".into()),
        ("malformed JSON", capture.clone(), json, "{\"amount\":".into()),
        ("not an object", capture.clone(), json, "[]".into()),
        (
            "amount as a string",
            capture.clone(),
            json,
            r#"{"amount": "4200"}"#.into(),
        ),
        (
            "amount as a number",
            capture.clone(),
            json,
            r#"{"amount": {"currency": "SGD", "value": 4200}}"#.into(),
        ),
        (
            "negative amount",
            capture.clone(),
            json,
            r#"{"amount": {"currency": "SGD", "value": "-1"}}"#.into(),
        ),
        (
            "decimal amount",
            capture.clone(),
            json,
            r#"{"amount": {"currency": "SGD", "value": "42.00"}}"#.into(),
        ),
        (
            "unknown currency",
            capture.clone(),
            json,
            r#"{"amount": {"currency": "XXQ", "value": "1"}}"#.into(),
        ),
        (
            "typo in a field",
            capture.clone(),
            json,
            r#"{"amout": {"currency": "SGD", "value": "1"}}"#.into(),
        ),
        (
            "refund without amount",
            refund.clone(),
            json,
            r#"{"reason": "damaged"}"#.into(),
        ),
        ("refund with empty body", refund.clone(), json, String::new()),
        (
            "refund reason too long",
            refund.clone(),
            json,
            json!({"amount": sgd("100"), "reason": "x".repeat(257)}).to_string(),
        ),
        (
            "cancel with fields",
            action_path(order_id, "cancel"),
            json,
            r#"{"force": true}"#.into(),
        ),
        (
            "sync with fields",
            action_path(order_id, "sync"),
            json,
            r#"{"deep": true}"#.into(),
        ),
    ];
    for (case, path, content_type, body) in bad {
        let answer = operator.post_raw(&path, content_type, body, None).await;
        assert_eq!(answer.error(), (400, "INVALID_REQUEST"), "{case}");
    }
    let key = operator
        .post_raw(&capture, json, "{}".into(), Some(&"k".repeat(256)))
        .await;
    assert_eq!(key.error(), (400, "INVALID_REQUEST"), "overlong Idempotency-Key");

    let huge = json!({"amount": sgd("1"), "reason": "x".repeat(70 * 1024)}).to_string();
    let answer = operator.post_raw(&refund, json, huge, None).await;
    assert_eq!(answer.status, 413);

    // Well-formed requests about orders that do not exist; an empty body is `{}`.
    let valid = [
        ("capture", r#"{}"#.to_owned()),
        ("capture", String::new()),
        ("capture", json!({"amount": sgd("100")}).to_string()),
        ("cancel", String::new()),
        ("cancel", "{}".to_owned()),
        (
            "refund",
            json!({"amount": sgd("100"), "reason": "x".repeat(256)}).to_string(),
        ),
        ("sync", String::new()),
    ];
    for (action, body) in valid {
        let answer = operator
            .post_raw(
                &action_path("no-such-order", action),
                json,
                body.clone(),
                Some("k-1"),
            )
            .await;
        assert_eq!(answer.error(), (404, "ORDER_NOT_FOUND"), "{action} {body}");
    }
    for endpoint in ["capture", "cancel", "refund", "inquiryPayment"] {
        assert!(sim_calls(&app, endpoint).await.is_empty(), "{endpoint}");
    }
    app.stop().await;
}

crate::on_both_databases!(actions_validate_bodies_and_orders,);
