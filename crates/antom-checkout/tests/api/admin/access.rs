//! Admin tokens and roles: 401 for anything but a live token, 403 for a viewer's POST, and the
//! sign-in page, which needs no token itself.

use std::time::Duration;

use serde_json::json;

use super::{action_path, admin, id, order_path, sgd, sim_calls, Answer, WAIT};
use crate::helpers::{spawn_app, Db};

async fn admin_page_needs_no_token_and_has_the_sign_in_hooks(db: Db) {
    let app = spawn_app(db).await;
    let response = app.http.get(format!("{}/admin", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(headers.contains_key("content-security-policy"));
    assert_eq!(headers["x-frame-options"], "DENY");
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"data-testid="admin-token""#), "{html}");
    assert!(html.contains(r#"data-testid="admin-login""#), "{html}");
    app.stop().await;
}

async fn missing_unknown_revoked_and_malformed_tokens_are_401(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let list = format!("{}/admin/api/orders", app.base);
    let detail = format!("{}{}", app.base, order_path(id(&session)));
    let capture = format!("{}{}", app.base, action_path(id(&session), "capture"));

    let revoked = admin(&app, "ops-gone", "operator").await;
    assert!(app
        .app()
        .state()
        .store
        .revoke_admin_token("ops-gone", chrono::Utc::now())
        .await
        .unwrap());
    // A stored role this binary does not know is refused, not guessed at.
    let odd = admin(&app, "ops-odd", "superuser").await;

    let headers: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("garbage token", Some("Bearer not-a-token".into())),
        ("empty bearer", Some("Bearer ".into())),
        ("basic scheme", Some(format!("Basic {}", revoked.token))),
        ("revoked token", Some(format!("Bearer {}", revoked.token))),
        ("unknown role", Some(format!("Bearer {}", odd.token))),
    ];
    for (case, header) in headers {
        for (method, url) in [("GET", &list), ("GET", &detail), ("POST", &capture)] {
            let mut request = match method {
                "GET" => app.http.get(url),
                _ => app
                    .http
                    .post(url)
                    .header("content-type", "application/json")
                    .body("{}"),
            };
            if let Some(header) = &header {
                request = request.header("authorization", header);
            }
            let answer = Answer::of(request.send().await.unwrap()).await;
            assert_eq!(answer.error(), (401, "UNAUTHENTICATED"), "{case}: {method} {url}");
        }
    }
    // Nothing was asked of Antom.
    assert!(sim_calls(&app, "capture").await.is_empty());
    app.stop().await;
}

async fn viewers_read_and_only_operators_act(db: Db) {
    let app = spawn_app(db).await;
    let session = app.default_session().await;
    let order_id = id(&session);
    let viewer = admin(&app, "ops-viewer", "viewer").await;
    let operator = admin(&app, "ops-alice", "operator").await;

    assert_eq!(viewer.get("/admin/api/orders").await.status, 200);
    assert_eq!(viewer.order(order_id).await["orderId"], order_id);

    // Refused for the role before anything else is looked at: body, order, key.
    for action in ["capture", "cancel", "refund", "sync"] {
        let answer = viewer
            .post(&action_path(order_id, action), json!({"amount": sgd("100")}))
            .await;
        assert_eq!(answer.error(), (403, "FORBIDDEN"), "{action}");
        let answer = viewer
            .post_raw(&action_path("no-such-order", action), None, "{".into(), None)
            .await;
        assert_eq!(answer.error(), (403, "FORBIDDEN"), "{action} on nothing");
    }
    // An operator gets past authorization (here to the body check).
    let answer = operator
        .post_raw(
            &action_path(order_id, "capture"),
            Some("application/json"),
            "{".into(),
            None,
        )
        .await;
    assert_eq!(answer.error(), (400, "INVALID_REQUEST"));
    assert!(sim_calls(&app, "capture").await.is_empty());
    assert!(sim_calls(&app, "cancel").await.is_empty());
    assert!(sim_calls(&app, "refund").await.is_empty());

    // Use is recorded (in the background) for ops to see which tokens are alive.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let tokens = app.app().state().store.list_admin_tokens().await.unwrap();
        if tokens.iter().all(|t| t.last_used_at.is_some()) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "last use never recorded: {tokens:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop().await;
}

crate::on_both_databases!(
    admin_page_needs_no_token_and_has_the_sign_in_hooks,
    missing_unknown_revoked_and_malformed_tokens_are_401,
    viewers_read_and_only_operators_act,
);
