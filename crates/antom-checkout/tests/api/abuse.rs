//! What anyone on the internet can send, with no credentials (the hardening issue): metric
//! labels, stored bodies, inquiries and idempotency keys stay bounded and scoped whatever they
//! send, and requests over their budget get 429. Each test here failed before the hardening.

use std::time::Duration;

use antom_checkout::persistence::{NewAdminToken, SecurityEventKind};
use antom_checkout::tokens;
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::helpers::{oid, spawn_app, Db, TestApp};

const WEBHOOK: &str = "/webhooks/antom/payments";

/// A browser's buyer cookie (`name=value`), as `GET /` hands it out.
async fn buyer_cookie(app: &TestApp) -> String {
    let response = app.http.get(format!("{}/", app.base)).send().await.unwrap();
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a new buyer gets a cookie")
        .to_owned()
}

async fn post_session(
    app: &TestApp,
    cookie: Option<&str>,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app.http.post(format!("{}/sessions", app.base)).json(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

/// A new operator token, stored as a hash.
async fn operator_token(app: &TestApp) -> String {
    let token = tokens::new_token();
    app.app()
        .state()
        .store
        .insert_admin_token(NewAdminToken::new(
            "ops-abuse",
            "operator",
            &tokens::hash_token(&token),
        ))
        .await
        .unwrap();
    token
}

async fn metrics(app: &TestApp) -> String {
    app.http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn odd_methods_and_paths_keep_metrics_bounded(db: Db) {
    let app = spawn_app(db).await;
    // Every series a normal 404 and a /metrics read create exists before we measure.
    app.http.get(format!("{}/nope", app.base)).send().await.unwrap();
    let _ = app
        .http
        .request(
            reqwest::Method::from_bytes(b"WARMUP").unwrap(),
            format!("{}/warm/up", app.base),
        )
        .send()
        .await;
    let before = metrics(&app).await.len();
    for i in 0..300 {
        let method = reqwest::Method::from_bytes(format!("X{i}ODD").as_bytes()).unwrap();
        let _ = app
            .http
            .request(method, format!("{}/odd/{i}/path?q={i}", app.base))
            .send()
            .await
            .unwrap();
    }
    let after = metrics(&app).await;
    assert!(
        after.len() < before + 2048,
        "the exposition grew from {before} to {} bytes",
        after.len()
    );
    assert!(!after.contains("X17ODD") && !after.contains("/odd/"), "{after}");
    assert!(after.contains(r#"method="OTHER""#), "{after}");
    app.stop().await;
}

async fn unsigned_webhooks_are_kept_small_and_rate_limited(db: Db) {
    let app = spawn_app(db).await;
    let body = format!(
        r#"{{"notifyType":"PAYMENT_RESULT","paymentRequestId":"x","cardNo":"4111111111111111","pad":"{}"}}"#,
        "A".repeat(200_000)
    );
    let send = |body: String| {
        app.http
            .post(format!("{}{WEBHOOK}", app.base))
            .header("content-type", "application/json")
            .header("client-id", crate::helpers::CLIENT_ID)
            .header("request-time", "2026-12-04T10:00:00Z")
            .header("signature", "algorithm=RSA256,keyVersion=1,signature=Zm9yZ2Vk")
            .body(body)
            .send()
    };
    // One small one first, so the tables have their first pages.
    assert_eq!(send("{}".into()).await.unwrap().status(), 401);
    let before = app.database_bytes().await;
    let answers: Vec<reqwest::Response> = futures_util::stream::iter(0..100)
        .map(|_| send(body.clone()))
        .buffer_unordered(8)
        .map(Result::unwrap)
        .collect()
        .await;
    for answer in answers {
        assert_eq!(answer.status(), 401);
        let ack: Value = answer.json().await.unwrap();
        assert_eq!(ack["result"]["resultCode"], "INVALID_SIGNATURE");
    }
    let after = app.database_bytes().await;
    assert!(
        after < before + 2_000_000,
        "100 forged 200 KB deliveries grew the database by {} bytes",
        after - before
    );

    // Ops can see them: small, fingerprinted, card numbers masked, at most the budget.
    let token = operator_token(&app).await;
    let list: Value = app
        .http
        .get(format!(
            "{}/admin/api/deliveries?kind=rejected&limit=100",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deliveries = list["deliveries"].as_array().unwrap();
    let stored = deliveries.len();
    assert!((1..=60).contains(&stored), "{stored} stored");
    let digest = tokens::sha256_hex(body.as_bytes());
    let big: Vec<&Value> = deliveries.iter().filter(|d| d["bodySha256"] == digest).collect();
    assert!(!big.is_empty());
    for delivery in big {
        assert_eq!(delivery["bodyLength"], body.len());
        assert_eq!(delivery["route"], WEBHOOK);
        let preview = delivery["preview"].as_str().unwrap();
        assert!(preview.len() <= 1024, "{}", preview.len());
        assert!(!preview.contains("4111111111111111"), "{preview}");
        assert_eq!(delivery["reason"].as_str().map(str::is_empty), Some(false));
    }
    let text = metrics(&app).await;
    let suppressed = 101 - stored;
    assert!(
        text.contains(&format!(
            r#"security_events_total{{kind="WEBHOOK_REJECTED",stored="suppressed"}} {suppressed}"#
        )),
        "{text}"
    );
    app.stop().await;
}

async fn a_key_reused_by_another_buyer_never_gets_the_first_buyers_order(db: Db) {
    let app = spawn_app(db).await;
    let body = json!({"items": [{"sku": "CAP-NVY", "quantity": 1}]});
    let alice = buyer_cookie(&app).await;
    let mallory = buyer_cookie(&app).await;
    assert_ne!(alice, mallory);

    let first = post_session(&app, Some(&alice), Some("shared-key"), &body).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let other = post_session(&app, Some(&mallory), Some("shared-key"), &body).await;
    assert_eq!(other.status(), 201);
    let other: Value = other.json().await.unwrap();
    assert_ne!(
        other["orderId"], first["orderId"],
        "another buyer got the first buyer's order"
    );
    assert_ne!(other["orderToken"], first["orderToken"]);

    // The first buyer's retry is a replay, token included.
    let again = post_session(&app, Some(&alice), Some("shared-key"), &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(
        again
            .headers()
            .get("Idempotent-Replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first);

    // Stored answers never hold an order token in clear.
    use sea_orm::EntityTrait;
    let rows = antom_checkout::persistence::entities::idempotency_keys::Entity::find()
        .all(app.app().state().store.connection())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        let stored = row.response_body.unwrap_or_default();
        for token in [&first["orderToken"], &other["orderToken"]] {
            assert!(!stored.contains(token.as_str().unwrap()), "{stored}");
        }
    }
    app.stop().await;
}

async fn result_page_loads_inquire_antom_at_most_once_per_interval(db: Db) {
    // The worker is kept out of the way: only page loads inquire here.
    let app = TestApp::builder(db)
        .reconcile_every(Duration::from_secs(3600))
        .spawn()
        .await;
    let session = app.default_session().await;
    let order_id = session["orderId"].as_str().unwrap();
    let store = &app.app().state().store;
    let before = store.order(&oid(order_id)).await.unwrap().unwrap();
    let url = format!(
        "{}/checkout/result?orderId={order_id}&token={}",
        app.base,
        session["orderToken"].as_str().unwrap()
    );
    let loads: Vec<u16> = futures_util::stream::iter(0..30)
        .map(|_| app.http.get(&url).send())
        .buffer_unordered(10)
        .map(|r| r.unwrap().status().as_u16())
        .collect()
        .await;
    assert!(loads.iter().all(|s| *s == 200), "{loads:?}");
    let inquiries = app.sim_requests("/inquiryPayment").await;
    assert_eq!(inquiries.len(), 1, "{inquiries:?}");
    // A buyer's page load is not a reconciler attempt: no attempt is counted and the next
    // check is not backed off.
    let after = store.order(&oid(order_id)).await.unwrap().unwrap();
    let timeline = app.timeline_types(order_id).await;
    assert_eq!(after.check_attempts, before.check_attempts, "{timeline:?}");
    assert_eq!(after.check_attempts, 0);
    let next = after.next_check_at.expect("still checked");
    assert!(
        next <= chrono::Utc::now() + chrono::Duration::seconds(5),
        "{next} {timeline:?}"
    );
    app.stop().await;
}

async fn requests_over_budget_get_429_with_retry_after(db: Db) {
    let app = TestApp::builder(db).rate_limits(true).spawn().await;
    let body = json!({"items": [{"sku": "CAP-NVY", "quantity": 1}]});
    let buyer = buyer_cookie(&app).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..12 {
        let response = post_session(&app, Some(&buyer), None, &body).await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["error"]["code"], "RATE_LIMITED");
        }
    }
    assert_eq!(&statuses[..10], &[201; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    assert!(
        retry_after.is_some_and(|s| (1..=60).contains(&s)),
        "{retry_after:?}"
    );
    // Another buyer behind the same address still gets through.
    assert_eq!(post_session(&app, None, None, &body).await.status(), 201);

    // Vaulting sessions: a smaller budget.
    let vaulting: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..7 {
            let response = app
                .http
                .post(format!("{}/vaulting/sessions", app.base))
                .header("cookie", &buyer)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            out.push(response.status().as_u16());
        }
        out
    };
    assert!(vaulting.contains(&429), "{vaulting:?}");

    // Failed admin logins: past the budget even a valid token from that address waits.
    let valid = operator_token(&app).await;
    let orders = format!("{}/admin/api/orders", app.base);
    let mut logins = Vec::new();
    for _ in 0..7 {
        let response = app.http.get(&orders).bearer_auth("guess").send().await.unwrap();
        logins.push(response.status().as_u16());
    }
    assert_eq!(&logins[..6], &[401; 6], "{logins:?}");
    assert_eq!(logins[6], 429, "{logins:?}");
    let blocked = app.http.get(&orders).bearer_auth(&valid).send().await.unwrap();
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
    // Every failed login is audited.
    let audited = app
        .app()
        .state()
        .store
        .security_events(SecurityEventKind::AdminLoginFailed, None, 50)
        .await
        .unwrap();
    assert_eq!(audited.len(), 6);
    assert!(audited
        .iter()
        .all(|e| e.client_ip.as_deref() == Some("127.0.0.1")));

    // Result page loads, per address.
    let session = post_session(&app, None, None, &body)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let url = format!(
        "{}/checkout/result?orderId={}&token={}",
        app.base,
        session["orderId"].as_str().unwrap(),
        session["orderToken"].as_str().unwrap()
    );
    let mut pages = Vec::new();
    for _ in 0..70 {
        pages.push(app.http.get(&url).send().await.unwrap().status().as_u16());
    }
    assert!(pages.contains(&429), "{pages:?}");
    assert!(metrics(&app)
        .await
        .contains(r#"rate_limited_requests_total{limit="sessions"} 2"#));
    app.stop().await;
}

async fn rate_limits_off_lets_a_load_test_through(db: Db) {
    let app = TestApp::builder(db).rate_limits(false).spawn().await;
    let body = json!({"items": [{"sku": "CAP-NVY", "quantity": 1}]});
    let buyer = buyer_cookie(&app).await;
    for _ in 0..15 {
        assert_eq!(post_session(&app, Some(&buyer), None, &body).await.status(), 201);
    }
    app.stop().await;
}

async fn metrics_can_leave_the_public_listener(db: Db) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let app = TestApp::builder(db)
        .metrics_on(addr.parse().unwrap())
        .spawn()
        .await;
    let public = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404);
    let private = app
        .http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    assert!(private.text().await.unwrap().contains("http_requests_total"));
    app.stop().await;
}

async fn housekeeping_prunes_what_is_past_retention(db: Db) {
    let app = TestApp::builder(db)
        .inbox_retention(Duration::from_secs(86_400))
        .spawn()
        .await;
    let session = app.default_session().await;
    app.sim_pay(
        session["paymentRequestId"].as_str().unwrap(),
        "4111111111111111",
        None,
    )
    .await;
    app.wait_for_status(&session, "AUTHORIZED", Duration::from_secs(15))
        .await;
    let state = app.app().state();
    let order_id = session["orderId"].as_str().unwrap();
    let wait = tokio::time::Instant::now() + Duration::from_secs(15);
    while state
        .store
        .notifications_for_order(&oid(order_id))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < wait,
            "the notification never arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let now = chrono::Utc::now();
    let kept = antom_checkout::services::reconciler::housekeeping(state, now)
        .await
        .unwrap();
    assert_eq!(kept.inbox, 0);
    let pruned = antom_checkout::services::reconciler::housekeeping(state, now + chrono::Duration::days(2))
        .await
        .unwrap();
    assert!(pruned.inbox >= 1, "{pruned:?}");
    assert!(state
        .store
        .notifications_for_order(&oid(order_id))
        .await
        .unwrap()
        .is_empty());
    app.stop().await;
}

crate::on_both_databases!(
    odd_methods_and_paths_keep_metrics_bounded,
    unsigned_webhooks_are_kept_small_and_rate_limited,
    a_key_reused_by_another_buyer_never_gets_the_first_buyers_order,
    result_page_loads_inquire_antom_at_most_once_per_interval,
    requests_over_budget_get_429_with_retry_after,
    rate_limits_off_lets_a_load_test_through,
    metrics_can_leave_the_public_listener,
    housekeeping_prunes_what_is_past_retention,
);
