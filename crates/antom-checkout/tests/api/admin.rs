//! Ops routes (contract §4): admin tokens and roles, the order list and detail, and the actions
//! capture, cancel, refund and sync with their validation, state and amount rules, idempotency
//! and concurrency. This file holds the shared client and fixtures; the scenarios are in
//! `admin/`, one file per concern.

mod access;
mod cancel;
mod capture;
mod double_clicks;
mod orders;
mod refund;
mod sync;
mod timeline_events;
mod validation;

use std::time::Duration;

use antom_checkout::persistence::NewAdminToken;
use antom_checkout::tokens;
use serde_json::{json, Value};

use crate::helpers::{TestApp, VISA};

const WAIT: Duration = Duration::from_secs(15);
const DECLINED: &str = "4000000000000002";
/// The default session: 2 × TSHIRT-BLK-M at SGD 21.00.
const TOTAL: &str = "4200";

/// An admin API client holding one bearer token.
struct Admin {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// A response's status and JSON body (`null` when the body is not JSON).
struct Answer {
    status: u16,
    body: Value,
    replayed: bool,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let replayed = response
            .headers()
            .get("Idempotent-Replayed")
            .is_some_and(|v| v == "true");
        let text = response.text().await.unwrap();
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            replayed,
        }
    }

    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts the contract's error shape and returns `(status, code)`.
    fn error(&self) -> (u16, &str) {
        assert!(
            self.body["error"]["message"].is_string(),
            "not an error body: {}",
            self.body
        );
        (self.status, self.code())
    }
}

impl Admin {
    async fn get(&self, path: &str) -> Answer {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        Answer::of(response).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.post_raw(path, Some("application/json"), body.to_string(), None)
            .await
    }

    async fn post_with_key(&self, path: &str, body: &str, key: &str) -> Answer {
        self.post_raw(path, Some("application/json"), body.to_owned(), Some(key))
            .await
    }

    async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: String,
        key: Option<&str>,
    ) -> Answer {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        Answer::of(request.send().await.unwrap()).await
    }

    async fn order(&self, order_id: &str) -> Value {
        let answer = self.get(&order_path(order_id)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    }

    /// Polls the admin view of the order until `done` holds for it.
    async fn wait_for(&self, order_id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let order = self.order(order_id).await;
            if done(&order) {
                return order;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "order never got {what}: {order}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_for_status(&self, order_id: &str, status: &str) -> Value {
        self.wait_for(order_id, status, |order| order["status"] == status)
            .await
    }
}

/// Stores a new token with this name and role and returns a client using it.
async fn admin(app: &TestApp, name: &str, role: &str) -> Admin {
    let token = tokens::new_token();
    app.app()
        .state()
        .store
        .insert_admin_token(NewAdminToken::new(name, role, &tokens::hash_token(&token)))
        .await
        .unwrap();
    Admin {
        http: app.http.clone(),
        base: app.base.clone(),
        token,
    }
}

fn order_path(order_id: &str) -> String {
    format!("/admin/api/orders/{order_id}")
}

fn action_path(order_id: &str, action: &str) -> String {
    format!("/admin/api/orders/{order_id}/{action}")
}

fn sgd(value: &str) -> Value {
    json!({"currency": "SGD", "value": value})
}

fn id(session: &Value) -> &str {
    session["orderId"].as_str().unwrap()
}

/// A session paid with `card`, once the order shows `status`.
async fn paid_order(app: &TestApp, card: &str, status: &str) -> Value {
    app.paid(card, status).await
}

async fn authorized_order(app: &TestApp) -> Value {
    paid_order(app, VISA, "AUTHORIZED").await
}

/// The API calls of one kind (`capture`, `refund`, …) the simulator received.
async fn sim_calls(app: &TestApp, endpoint: &str) -> Vec<Value> {
    app.sim_requests(&format!("/{endpoint}")).await
}
