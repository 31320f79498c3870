//! `spawn_app`: one application per test, on a fresh database, with the fixture test keys so
//! tests can sign notifications as Antom would.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use antom_checkout::config::{CaptureMode, Settings};
use antom_checkout::startup::{Application, RunningApplication, StartupError};
use antom_client::{Message, PrivateKey};
use serde_json::{json, Value};

use crate::contract::validator::SpecAudit;

pub const CLIENT_ID: &str = "SANDBOX_TEST_MERCHANT";
/// The simulator's plain Visa test card: authorized at once.
pub const VISA: &str = "4111111111111111";

/// An order id as the server's services and store take it.
pub fn oid(raw: &str) -> domain::OrderId {
    domain::OrderId::parse(raw).expect("an order id")
}

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one test per database for each scenario function `async fn name(db: Db)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::helpers::Db::Sqlite).await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::helpers::Db::Postgres).await } )* }
    };
}

fn test_keys() -> Value {
    let path = format!("{}/tests/fixtures/test-keys.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn antom_key() -> PrivateKey {
    PrivateKey::parse(test_keys()["antom"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap()
}

pub fn merchant_key() -> PrivateKey {
    PrivateKey::parse(
        test_keys()["merchant"]["private_key_pkcs8_base64"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

pub struct TestApp {
    pub running: Option<RunningApplication>,
    /// Sees every response and validates it against the OpenAPI document.
    pub audit: Arc<SpecAudit>,
    pub base: String,
    pub sim: String,
    pub http: reqwest::Client,
    data_dir: PathBuf,
    /// (admin URL, database name) of a PostgreSQL database to drop at the end.
    postgres: Option<(String, String)>,
}

impl TestApp {
    pub fn app(&self) -> &Application {
        &self.running.as_ref().unwrap().app
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some((admin, name)) = self.postgres.take() {
            drop_database(&admin, &name).await;
        }
        self.assert_responses_match_the_document();
    }

    /// Fails the test when any response did not match the OpenAPI document.
    pub fn assert_responses_match_the_document(&self) {
        let violations = self.audit.violations();
        assert!(
            violations.is_empty(),
            "responses that do not match docs/openapi.json (the served document):\n{}",
            violations.join("\n")
        );
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Creates a session for a cart and returns the 201 body.
    pub async fn create_session(&self, items: Value) -> Value {
        let response = self.post_json("/sessions", &json!({ "items": items })).await;
        assert_eq!(response.status(), 201, "POST /sessions");
        response.json().await.unwrap()
    }

    pub async fn default_session(&self) -> Value {
        self.create_session(json!([{"sku": "TSHIRT-BLK-M", "quantity": 2}]))
            .await
    }

    /// A session paid at the simulator with `card`, once the order shows `status`.
    pub async fn paid(&self, card: &str, status: &str) -> Value {
        let session = self.default_session().await;
        self.sim_pay(session["paymentRequestId"].as_str().unwrap(), card, None)
            .await;
        self.wait_for_status(&session, status, Duration::from_secs(20))
            .await;
        session
    }

    /// A session paid with the plain Visa test card, once authorized.
    pub async fn authorized(&self) -> Value {
        self.paid(VISA, "AUTHORIZED").await
    }

    /// Pays a session at the simulator as a buyer would.
    pub async fn sim_pay(&self, payment_request_id: &str, card: &str, three_ds: Option<&str>) -> Value {
        let mut body = json!({ "cardNumber": card });
        if let Some(outcome) = three_ds {
            body["threeDsOutcome"] = json!(outcome);
        }
        let response = self
            .http
            .post(format!("{}/__sim/sessions/{payment_request_id}/pay", self.sim))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "sim pay: {}", response.status());
        response.json().await.unwrap()
    }

    /// The simulator's log of API calls received whose path ends with `suffix` ("" for all).
    pub async fn sim_requests(&self, suffix: &str) -> Vec<Value> {
        let log: Value = self
            .http
            .get(format!("{}/__sim/requests", self.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        log["requests"]
            .as_array()
            .expect("the simulator's request log")
            .iter()
            .filter(|r| r["path"].as_str().unwrap().ends_with(suffix))
            .cloned()
            .collect()
    }

    pub async fn sim_faults(&self, faults: Value) {
        let response = self
            .http
            .post(format!("{}/__sim/faults", self.sim))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "sim faults: {}",
            response.status()
        );
    }

    pub async fn order(&self, session: &Value) -> Value {
        let response = self
            .http
            .get(format!(
                "{}/api/orders/{}",
                self.base,
                session["orderId"].as_str().unwrap()
            ))
            .bearer_auth(session["orderToken"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Polls the order until its status is `want` (or fails after `timeout`).
    pub async fn wait_for_status(&self, session: &Value, want: &str, timeout: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let order = self.order(session).await;
            if order["status"] == want {
                return order;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("order never reached {want}: {order}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `body` posted to `route` in each way a signature must not hold, named: signed with the
    /// merchant's key, for another client id, for another route, over a body then changed by
    /// `tamper`, and unsigned.
    pub async fn rejectable_deliveries(
        &self,
        route: &str,
        other_route: &str,
        body: &str,
        tamper: impl Fn(&str) -> String,
    ) -> Vec<(&'static str, reqwest::Response)> {
        let forged = self
            .send_notification(route, body, &merchant_key(), CLIENT_ID)
            .await;
        let foreign = self
            .send_notification(route, body, &antom_key(), "SANDBOX_SOMEONE_ELSE")
            .await;
        let time = antom_client::time::iso8601(chrono::Utc::now());
        let post = |signature: String, body: String| {
            self.http
                .post(format!("{}{route}", self.base))
                .header("client-id", CLIENT_ID)
                .header("request-time", &time)
                .header("signature", signature)
                .body(body)
                .send()
        };
        let elsewhere = Message::post(other_route, CLIENT_ID, &time, body.as_bytes()).sign(&antom_key(), 1);
        let wrong_path = post(elsewhere, body.to_owned()).await.unwrap();
        let valid = Message::post(route, CLIENT_ID, &time, body.as_bytes()).sign(&antom_key(), 1);
        let tampered = post(valid, tamper(body)).await.unwrap();
        let unsigned = self
            .http
            .post(format!("{}{route}", self.base))
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        vec![
            ("forged", forged),
            ("foreign", foreign),
            ("wrong path", wrong_path),
            ("tampered", tampered),
            ("unsigned", unsigned),
        ]
    }

    /// Signs a notification body as Antom would and posts it to a webhook route.
    pub async fn send_notification(
        &self,
        route: &str,
        body: &str,
        key: &PrivateKey,
        client_id: &str,
    ) -> reqwest::Response {
        let time = antom_client::time::iso8601(chrono::Utc::now());
        let signature = Message::post(route, client_id, &time, body.as_bytes()).sign(key, 1);
        self.http
            .post(format!("{}{route}", self.base))
            .header("content-type", "application/json")
            .header("client-id", client_id)
            .header("request-time", time)
            .header("signature", signature)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// The database's size on disk: the SQLite file and its WAL, or PostgreSQL's
    /// `pg_database_size`.
    pub async fn database_bytes(&self) -> u64 {
        use sea_orm::ConnectionTrait;
        let store = &self.app().state().store;
        match store.backend() {
            sea_orm::DbBackend::Postgres => {
                let row = store
                    .connection()
                    .query_one(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT pg_database_size(current_database()) AS size",
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                let size: i64 = row.try_get("", "size").unwrap();
                u64::try_from(size).unwrap()
            }
            _ => std::fs::read_dir(&self.data_dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("test.sqlite"))
                .map(|e| e.metadata().unwrap().len())
                .sum(),
        }
    }

    pub async fn timeline_types(&self, order_id: &str) -> Vec<String> {
        let store = &self.app().state().store;
        store
            .timeline(&oid(order_id))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event_type)
            .collect()
    }
}

impl Drop for TestApp {
    /// A test that never calls `stop` is checked too (unless it is already failing).
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.assert_responses_match_the_document();
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh database URL for one test, and the PostgreSQL database name to drop afterwards.
async fn database_url(db: Db, dir: &std::path::Path) -> (String, Option<String>) {
    match db {
        Db::Sqlite => (format!("sqlite://{}/test.sqlite?mode=rwc", dir.display()), None),
        Db::Postgres => {
            let admin = postgres_admin_url();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            use sea_orm::ConnectionTrait;
            let conn = sea_orm::Database::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL is required for these tests ({admin}): {e}"));
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            conn.close().await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
            (format!("{base}/{name}"), Some(name))
        }
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    TestApp::builder(db).spawn().await
}

/// A test application with changes to the shared test settings, typed (as crates.io's
/// `TestApp::init().with_config(…)`): `TestApp::builder(db).rate_limits(true).spawn()`.
pub struct TestAppBuilder {
    db: Db,
    changes: Vec<SettingsChange>,
}

type SettingsChange = Box<dyn FnOnce(&mut Settings)>;

impl TestApp {
    pub fn builder(db: Db) -> TestAppBuilder {
        TestAppBuilder {
            db,
            changes: Vec::new(),
        }
    }
}

impl TestAppBuilder {
    /// Any change to the settings the other methods do not name.
    pub fn with_settings(mut self, change: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.changes.push(Box::new(change));
        self
    }

    /// Per-IP and per-buyer request limits (off in tests unless asked for).
    pub fn rate_limits(self, on: bool) -> Self {
        self.with_settings(move |s| s.rate_limits = on)
    }

    pub fn reconcile_every(self, interval: Duration) -> Self {
        self.with_settings(move |s| s.reconcile_interval = interval)
    }

    /// Simulated seconds per real second, inverted: 0.01 makes Antom's minutes pass in
    /// hundredths (the tests' default).
    pub fn simulator_time_scale(self, scale: f64) -> Self {
        self.with_settings(move |s| s.simulator.time_scale = scale)
    }

    pub fn capture_mode(self, mode: CaptureMode) -> Self {
        self.with_settings(move |s| s.capture_mode = mode)
    }

    pub fn payment_session_expiry(self, expiry: Duration) -> Self {
        self.with_settings(move |s| s.payment_session_expiry = expiry)
    }

    pub fn antom_close_window(self, window: Duration) -> Self {
        self.with_settings(move |s| s.antom_close_window = window)
    }

    pub fn session_retry_budget(self, budget: Duration) -> Self {
        self.with_settings(move |s| s.session_retry_budget = budget)
    }

    /// Serve `/metrics` on this listener only.
    pub fn metrics_on(self, addr: SocketAddr) -> Self {
        self.with_settings(move |s| s.metrics_bind_addr = Some(addr))
    }

    pub fn inbox_retention(self, retention: Duration) -> Self {
        self.with_settings(move |s| s.inbox_retention = retention)
    }

    pub fn public_base_url(self, url: &str) -> Self {
        let url = url.to_owned();
        self.with_settings(move |s| s.public_base_url = Some(url))
    }

    pub fn pci_direct_vaulting(self) -> Self {
        self.with_settings(|s| s.pci_direct_vaulting = true)
    }

    /// `paymentRedirectUrl` for apps, `{orderId}` replaced.
    pub fn app_redirect_url(self, template: &str) -> Self {
        let template = template.to_owned();
        self.with_settings(move |s| s.app_redirect_url = Some(template))
    }

    pub async fn spawn(self) -> TestApp {
        self.start().await.expect("app starts")
    }

    /// [`TestAppBuilder::spawn`], for tests of what stops the server from starting. In live
    /// mode (changed by `with_settings`) `sim` is empty: the test runs its own simulator.
    pub async fn start(self) -> Result<TestApp, StartupError> {
        let dir = std::env::temp_dir().join(format!("antom-checkout-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let (url, pg_name) = database_url(self.db, &dir).await;
        let mut settings = test_settings(&dir, url);
        for change in self.changes {
            change(&mut settings);
        }
        let audit = Arc::new(SpecAudit::of_server());
        let app = match Application::build_with_audit(settings, Some(audit.clone())).await {
            Ok(app) => app,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                if let Some(name) = pg_name {
                    drop_database(&postgres_admin_url(), &name).await;
                }
                return Err(e);
            }
        };
        let base = app.base_url().to_owned();
        let sim = app.simulator_url().unwrap_or_default();
        Ok(TestApp {
            running: Some(app.spawn()),
            audit,
            base,
            sim,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            data_dir: dir,
            postgres: pg_name.map(|name| (postgres_admin_url(), name)),
        })
    }
}

async fn drop_database(admin: &str, name: &str) {
    use sea_orm::ConnectionTrait;
    if let Ok(conn) = sea_orm::Database::connect(admin).await {
        let _ = conn
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        let _ = conn.close().await;
    }
}

/// What every test starts from: the embedded simulator with the fixture keys, fast simulated
/// time, a short buyer retry budget, a busy reconciler, limits off (every test's requests come
/// from 127.0.0.1; the abuse tests turn them on), loaded the way the product loads its settings.
fn test_settings(dir: &std::path::Path, database_url: String) -> Settings {
    let keys = test_keys();
    let env: HashMap<String, String> = [
        ("BIND_ADDR", "127.0.0.1:0"),
        ("SIMULATOR_BIND_ADDR", "127.0.0.1:0"),
        ("ANTOM_MODE", "simulator"),
        ("ANTOM_CLIENT_ID", CLIENT_ID),
        (
            "ANTOM_MERCHANT_PRIVATE_KEY",
            keys["merchant"]["private_key_pkcs8_base64"].as_str().unwrap(),
        ),
        (
            "SIMULATOR_ANTOM_PRIVATE_KEY",
            keys["antom"]["private_key_pkcs8_base64"].as_str().unwrap(),
        ),
        (
            "DATA_ENCRYPTION_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ),
        ("SIMULATOR_TIME_SCALE", "0.01"),
        ("SESSION_RETRY_BUDGET_MS", "1500"),
        ("RECONCILE_INTERVAL_SECS", "0.2"),
        ("RUST_LOG", "warn"),
        ("RATE_LIMITS", "off"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain([
        ("DATA_DIR".to_owned(), dir.display().to_string()),
        ("DATABASE_URL".to_owned(), database_url),
    ])
    .collect();
    Settings::load_from(std::path::Path::new("/nonexistent"), env).unwrap()
}
