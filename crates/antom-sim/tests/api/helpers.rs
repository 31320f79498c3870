//! Test harness: a simulator on port 0 with the fixture keys, an antom-client `Client` for it,
//! a webhook receiver, and polling instead of sleeping.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use antom_client::model::{
    Amount, CaptureMode, CreatePaymentSessionRequest, Env, Notification, Order, PaymentFactor, PaymentMethod,
    TerminalType,
};
use antom_client::{
    verify_notification, Client, ClientConfig, Message, PrivateKey, PublicKey, RetryPolicy, SignedHeaders,
    ACK_BODY,
};
use antom_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

pub const CLIENT_ID: &str = "SANDBOX_TEST_MERCHANT";

pub struct Keys {
    pub merchant_private: PrivateKey,
    pub merchant_public: PublicKey,
    pub antom_private: PrivateKey,
    pub antom_public: PublicKey,
}

/// The fixture keys (test keys only), copied from shared/antom-fixtures.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let text = include_str!("../fixtures/test-keys.json");
        let json: Value = serde_json::from_str(text).unwrap();
        let field = |who: &str, what: &str| json[who][what].as_str().unwrap().to_owned();
        Keys {
            merchant_private: PrivateKey::parse(&field("merchant", "private_key_pkcs8_base64")).unwrap(),
            merchant_public: PublicKey::parse(&field("merchant", "public_key_spki_base64")).unwrap(),
            antom_private: PrivateKey::parse(&field("antom", "private_key_pkcs8_base64")).unwrap(),
            antom_public: PublicKey::parse(&field("antom", "public_key_spki_base64")).unwrap(),
        }
    })
}

/// A running simulator and an HTTP client for its control API.
pub struct TestSim {
    pub sim: Simulator,
    pub http: reqwest::Client,
}

impl TestSim {
    pub async fn start() -> Self {
        Self::with_scale(1.0).await
    }

    pub async fn with_scale(time_scale: f64) -> Self {
        let keys = keys();
        let config = SimConfig {
            bind_addr: "127.0.0.1:0".parse().unwrap(),
            time_scale,
            ..SimConfig::new(
                CLIENT_ID,
                keys.merchant_public.clone(),
                keys.antom_private.clone(),
            )
        };
        let sim = antom_sim::start(config).await.unwrap();
        TestSim {
            sim,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// An antom-client for the simulator: no automatic retries, so each test sees raw outcomes.
    pub fn client(&self) -> Client {
        self.client_with(|_| {})
    }

    pub fn client_with(&self, adjust: impl FnOnce(&mut ClientConfig)) -> Client {
        let keys = keys();
        let mut config = ClientConfig::new(
            self.sim.base_url(),
            CLIENT_ID,
            keys.merchant_private.clone(),
            keys.antom_public.clone(),
        );
        config.retry = RetryPolicy::NONE;
        config.request_timeout = Duration::from_secs(5);
        adjust(&mut config);
        Client::new(config).unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// POST JSON to the control API; returns status and body (`null` when empty).
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self.http.post(self.url(path)).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn faults(&self, body: Value) {
        let (status, answer) = self.post("/__sim/faults", body).await;
        assert_eq!(status, 200, "{answer}");
    }

    /// Moves simulated time forward.
    pub async fn advance(&self, seconds: u64) {
        let (status, answer) = self
            .post("/__sim/clock/advance", json!({ "seconds": seconds }))
            .await;
        assert_eq!(status, 200, "{answer}");
    }

    /// The buyer enters `card` on the hosted form of session `session_id` (through the pages'
    /// JSON API, so a 3-D Secure challenge stays open); returns the page's view.
    pub async fn submit_card(&self, session_id: &str, card: &str) -> Value {
        let (status, view) = self
            .post(
                &format!("/checkout/api/sessions/{session_id}/submit"),
                json!({"cardNumber": card, "expiry": "12/39", "cvv": "123"}),
            )
            .await;
        assert_eq!(status, 200, "{view}");
        view
    }

    /// An HTTP client that does not follow redirects, for the hosted pages' form posts.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The buyer pays the session through the control API.
    pub async fn buyer_pays(&self, payment_request_id: &str, card: &str) -> Value {
        self.buyer(
            payment_request_id,
            json!({"cardNumber": card, "threeDsOutcome": "pass"}),
        )
        .await
    }

    pub async fn buyer(&self, payment_request_id: &str, body: Value) -> Value {
        let (status, answer) = self
            .post(&format!("/__sim/sessions/{payment_request_id}/pay"), body)
            .await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    pub async fn notifications(&self) -> Vec<Value> {
        self.get("/__sim/notifications").await["notifications"]
            .as_array()
            .unwrap()
            .clone()
    }

    pub async fn requests(&self) -> Vec<Value> {
        self.get("/__sim/requests").await["requests"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Waits until the notification log holds `count` entries of `notify_type`.
    pub async fn wait_notifications(&self, notify_type: &str, count: usize) -> Vec<Value> {
        poll(
            &format!("{count} {notify_type} notifications"),
            Duration::from_secs(10),
            || async {
                let found: Vec<Value> = self
                    .notifications()
                    .await
                    .into_iter()
                    .filter(|n| n["notifyType"] == notify_type)
                    .collect();
                (found.len() >= count).then_some(found)
            },
        )
        .await
    }
}

/// Polls `check` until it yields a value, failing the test after `timeout`.
pub async fn poll<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A createPaymentSession for a card authorization.
pub fn session_request(
    payment_request_id: &str,
    amount: Amount,
    notify_url: Option<String>,
    capture_mode: CaptureMode,
) -> CreatePaymentSessionRequest {
    CreatePaymentSessionRequest {
        payment_request_id: payment_request_id.into(),
        payment_amount: amount.clone(),
        order: Order {
            reference_order_id: format!("order_{payment_request_id}"),
            order_description: "2 T-shirts".into(),
            order_amount: Some(amount),
            ..Order::default()
        },
        payment_method: Some(PaymentMethod::card()),
        payment_redirect_url: "https://shop.example/checkout/result?order=1".into(),
        payment_notify_url: notify_url,
        payment_factor: Some(PaymentFactor::card_authorization(capture_mode)),
        ..CreatePaymentSessionRequest::default()
    }
}

/// A card vaulted through a vaulting session bound with `card` (3-D Secure passed): its token.
pub async fn vaulted_token(sim: &TestSim, vaulting_request_id: &str, card: &str) -> String {
    let session = antom_client::model::CreateVaultingSessionRequest {
        vaulting_request_id: vaulting_request_id.into(),
        vaulting_notification_url: "http://127.0.0.1:9/webhooks/antom/vaulting".into(),
        ..antom_client::model::CreateVaultingSessionRequest::default()
    };
    assert!(sim.client().send(&session).await.is_success());
    let (status, bound) = sim
        .post(
            &format!("/__sim/vaulting/{vaulting_request_id}/bind"),
            json!({"cardNumber": card, "threeDsOutcome": "pass"}),
        )
        .await;
    assert_eq!(status, 200, "{bound}");
    bound["cardToken"].as_str().unwrap().to_owned()
}

/// `paymentSessionData` / `vaultingSessionData` as Antom's SDK reads it:
/// `<seg0>&&<hostSign>&&<seg2>&&<base64(JSON)>`; returns the host sign and the JSON.
pub fn decode_session_data(data: &str) -> (String, Value) {
    use base64::Engine;
    let segments: Vec<&str> = data.split("&&").collect();
    assert_eq!(segments.len(), 4, "{data}");
    let json = base64::engine::general_purpose::STANDARD
        .decode(segments[3])
        .unwrap_or_else(|e| panic!("{e}: {data}"));
    (segments[1].to_owned(), serde_json::from_slice(&json).unwrap())
}

/// The buyer's environment a card call from the merchant's server carries.
pub fn web_env() -> Env {
    Env {
        terminal_type: Some(TerminalType::Web),
        client_ip: Some("203.0.113.10".into()),
        user_agent: Some("Mozilla/5.0 (test)".into()),
        ..Env::default()
    }
}

pub fn sgd(value: &str) -> Amount {
    Amount::new("SGD", value)
}

/// A session paid with `card` through the control API; returns the paymentId.
pub async fn paid_session(
    sim: &TestSim,
    client: &Client,
    payment_request_id: &str,
    amount: &str,
    card: &str,
    notify_url: Option<String>,
    capture_mode: CaptureMode,
) -> String {
    let request = session_request(payment_request_id, sgd(amount), notify_url, capture_mode);
    assert!(client.send(&request).await.is_success());
    let paid = sim.buyer_pays(payment_request_id, card).await;
    paid["paymentId"].as_str().unwrap().to_owned()
}

/// A POST signed by hand, for what antom-client would never send.
pub struct Raw<'a> {
    pub path: &'a str,
    pub client_id: &'a str,
    pub time: String,
    pub body: String,
    pub key: &'a PrivateKey,
    pub key_version: u32,
}

impl<'a> Raw<'a> {
    pub fn new(path: &'a str, body: Value) -> Self {
        Raw {
            path,
            client_id: CLIENT_ID,
            time: chrono::Utc::now().timestamp_millis().to_string(),
            body: body.to_string(),
            key: &keys().merchant_private,
            key_version: 1,
        }
    }

    /// Sends; returns the response headers (lowercase names) and the body as JSON.
    pub async fn send(&self, sim: &TestSim) -> (HashMap<String, String>, Value) {
        let (headers, text) = self.send_text(sim).await;
        (headers, serde_json::from_str(&text).unwrap())
    }

    /// Sends; returns the response headers and the body exactly as received.
    pub async fn send_text(&self, sim: &TestSim) -> (HashMap<String, String>, String) {
        let signature = Message::post(self.path, self.client_id, &self.time, self.body.as_bytes())
            .sign(self.key, self.key_version);
        let response = sim
            .http
            .post(sim.url(self.path))
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("client-id", self.client_id)
            .header("request-time", &self.time)
            .header("signature", signature)
            .body(self.body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        (headers, response.text().await.unwrap())
    }
}

/// One notification as the merchant received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    /// Verifies the signature as a merchant must, then parses the body.
    pub fn verified(&self) -> Notification {
        let headers = SignedHeaders::notification(|name| self.headers.get(name).map(String::as_str));
        verify_notification(&keys().antom_public, &self.path, CLIENT_ID, headers, &self.body)
            .expect("the notification is signed by Antom's key");
        Notification::parse(&self.body).unwrap()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
struct ReceiverState {
    received: Vec<Received>,
    /// HTTP statuses to answer next instead of the acknowledgement.
    failures: VecDeque<u16>,
}

/// A merchant webhook endpoint on port 0 that records what arrives and acknowledges, or fails
/// as told.
pub struct Receiver {
    base: String,
    state: Arc<Mutex<ReceiverState>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let shared = web::Data::from(Arc::clone(&state));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(record))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver { base, state, handle }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The next `n` deliveries get HTTP 500 (not an acknowledgement).
    pub fn fail_next(&self, n: usize) {
        self.answer_next(500, n);
    }

    /// The next `n` deliveries get `status` with a body that is not the acknowledgement.
    pub fn answer_next(&self, status: u16, n: usize) {
        self.state
            .lock()
            .unwrap()
            .failures
            .extend(std::iter::repeat_n(status, n));
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Waits until at least `count` deliveries arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        poll(
            &format!("{count} deliveries"),
            Duration::from_secs(10),
            || async {
                let received = self.received();
                (received.len() >= count).then_some(received)
            },
        )
        .await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn record(req: HttpRequest, body: web::Bytes, state: web::Data<Mutex<ReceiverState>>) -> HttpResponse {
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let mut state = state.lock().unwrap();
    state.received.push(Received {
        path: req.path().to_owned(),
        headers,
        body: body.to_vec(),
        at: Instant::now(),
    });
    match state.failures.pop_front() {
        Some(status) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body("not today")
        }
        None => HttpResponse::Ok().content_type("application/json").body(ACK_BODY),
    }
}

/// The response of a successful call, or a failed test.
pub fn success<T: std::fmt::Debug>(outcome: antom_client::Outcome<T>) -> T {
    match outcome {
        antom_client::Outcome::Success(response) => response,
        other => panic!("expected success, got {other:?}"),
    }
}

/// The code of a signed `F` answer, or a failed test.
pub fn failure<T: std::fmt::Debug>(outcome: antom_client::Outcome<T>) -> (String, String) {
    match outcome {
        antom_client::Outcome::Failed { code, message, .. } => (code, message),
        other => panic!("expected a signed failure, got {other:?}"),
    }
}

/// The code and response of a signed `U` answer, or a failed test.
pub fn unknown<T: std::fmt::Debug>(outcome: antom_client::Outcome<T>) -> (String, Option<T>) {
    match outcome {
        antom_client::Outcome::Unknown { code, response, .. } => (code, response),
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
}
