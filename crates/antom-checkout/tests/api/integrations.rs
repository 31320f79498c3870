//! `POST /sessions` for each integration: what the server asks Antom (`productScene`, saved
//! cards), what it answers (`integration`, `normalUrl`), and the hosted Checkout Page completed
//! over plain HTTP, without any script, back to the result page.

use std::time::Duration;

use antom_checkout::config::Integration;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Db, TestApp};
use crate::vaulting::support::Browser;

const CART: &str = r#"[{"sku": "TSHIRT-BLK-M", "quantity": 2}]"#;

/// The simulator's session data: `<id>&&<hostSign>&&<…>&&<base64 JSON>`, as Antom lays it out.
fn session_config(data: &str) -> Value {
    let last = data.rsplit("&&").next().unwrap();
    let json = base64::engine::general_purpose::STANDARD.decode(last).unwrap();
    serde_json::from_slice(&json).unwrap()
}

async fn post_session(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app.post_json("/sessions", &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn cart() -> Value {
    serde_json::from_str(CART).unwrap()
}

async fn each_integration_asks_antom_for_its_scene(db: Db) {
    let app = spawn_app(db).await;
    for (integration, scene, hosted) in [
        (Some("element"), "ELEMENT_PAYMENT", false),
        (Some("sdk"), "CASHIER_PAYMENT", false),
        (Some("hosted"), "CHECKOUT_PAYMENT", true),
        // CHECKOUT_INTEGRATION's default.
        (None, "ELEMENT_PAYMENT", false),
    ] {
        let mut body = json!({ "items": cart() });
        if let Some(integration) = integration {
            body["integration"] = json!(integration);
        }
        let (status, created) = post_session(&app, body).await;
        assert_eq!(status, 201, "{integration:?}: {created}");
        assert_eq!(created["integration"], integration.unwrap_or("element"));
        let config = session_config(created["paymentSessionData"].as_str().unwrap());
        assert_eq!(
            config["paymentSessionConfig"]["productScene"], scene,
            "{integration:?}: {config}"
        );
        assert_eq!(created["normalUrl"].is_string(), hosted, "{created}");
        if hosted {
            let url = created["normalUrl"].as_str().unwrap();
            assert!(url.starts_with(&app.sim), "{url}");
        }
    }
    // An integration nobody offers is refused before anything is stored.
    let before = app.sim_requests("createPaymentSession").await.len();
    let (status, error) = post_session(&app, json!({"items": cart(), "integration": "popup"})).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["code"], "INVALID_REQUEST");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("integration"));
    assert_eq!(app.sim_requests("createPaymentSession").await.len(), before);
    app.stop().await;
}

async fn the_configured_integration_is_the_default(db: Db) {
    let app = TestApp::builder(db)
        .with_settings(|s| s.checkout_integration = Integration::Hosted)
        .spawn()
        .await;
    let (status, created) = post_session(&app, json!({ "items": cart() })).await;
    assert_eq!(status, 201);
    assert_eq!(created["integration"], "hosted");
    assert!(created["normalUrl"].is_string());
    // The page is told too, so it need not guess.
    let page = app.http.get(format!("{}/", app.base)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("data-integration=\"hosted\""));
    // A request may still name another.
    let (_, sdk) = post_session(&app, json!({"items": cart(), "integration": "sdk"})).await;
    assert_eq!(sdk["integration"], "sdk");
    assert!(sdk.get("normalUrl").is_none(), "{sdk}");
    app.stop().await;
}

/// A browser without scripts: follows nothing by itself, keeps this server's cookies.
struct PlainBrowser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl PlainBrowser {
    fn new(app: &TestApp) -> PlainBrowser {
        PlainBrowser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookies: Vec::new(),
        }
    }

    async fn send(&mut self, url: &str, request: reqwest::RequestBuilder) -> reqwest::Response {
        let request = if url.starts_with(&self.base) && !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request.header("cookie", header.join("; "))
        } else {
            request
        };
        let response = request.send().await.unwrap();
        if url.starts_with(&self.base) {
            for value in response.headers().get_all("set-cookie") {
                let pair = value.to_str().unwrap().split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                self.cookies.retain(|(k, _)| k != name);
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        response
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let request = self.http.get(url);
        self.send(url, request).await
    }

    async fn post_form(&mut self, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let request = self.http.post(url).form(fields);
        self.send(url, request).await
    }

    async fn post_json(&mut self, url: &str, body: &Value) -> reqwest::Response {
        let request = self.http.post(url).json(body);
        self.send(url, request).await
    }
}

/// On Antom's hosted page: GET `normalUrl`, post the card form to it, answer 3-D Secure, and
/// follow the redirects until one leaves the simulator (to `paymentRedirectUrl`).
async fn pay_on_the_hosted_page(
    app: &TestApp,
    buyer: &mut PlainBrowser,
    normal_url: &str,
    card: &str,
) -> String {
    let page = buyer.get(normal_url).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for field in ["cardNumber", "expiry", "cvv", "holderName"] {
        assert!(html.contains(&format!("name=\"{field}\"")), "{field}: {html}");
    }
    assert!(html.contains("data-testid=\"sim-submit\""));
    let fields = [
        ("cardNumber", card),
        ("expiry", "12/39"),
        ("cvv", "123"),
        ("holderName", "Ada Lovelace"),
    ];
    let mut answer = buyer.post_form(normal_url, &fields).await;
    loop {
        assert_eq!(answer.status(), 303, "{}", answer.text().await.unwrap());
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        if !location.starts_with('/') {
            return location;
        }
        // The 3-D Secure page of the simulator: pass it.
        assert!(location.starts_with("/checkout/3ds?session="), "{location}");
        let session = location.trim_start_matches("/checkout/3ds?session=").to_owned();
        let challenge = buyer.get(&format!("{}{location}", app.sim)).await;
        assert!(challenge
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"sim-3ds-pass\""));
        answer = buyer
            .post_form(
                &format!("{}/checkout/3ds", app.sim),
                &[("session", session.as_str()), ("outcome", "pass")],
            )
            .await;
    }
}

async fn the_hosted_checkout_completes_without_the_sdk(db: Db) {
    let app = spawn_app(db).await;
    let mut buyer = PlainBrowser::new(&app);
    for (card, status) in [
        ("4111 1111 1111 1111", "AUTHORIZED"),
        ("4000 0000 0000 3220", "AUTHORIZED"),
        ("4000 0000 0000 0002", "PAYMENT_FAILED"),
    ] {
        let created: Value = buyer
            .post_json(
                &format!("{}/sessions", app.base),
                &json!({"items": cart(), "integration": "hosted"}),
            )
            .await
            .json()
            .await
            .unwrap();
        let normal_url = created["normalUrl"].as_str().unwrap();
        let back = pay_on_the_hosted_page(&app, &mut buyer, normal_url, card).await;
        // Antom sends the buyer to paymentRedirectUrl: this server's result page with the
        // single-use return token, never the order token.
        let order_id = created["orderId"].as_str().unwrap();
        assert!(
            back.starts_with(&format!("{}/checkout/result?orderId={order_id}&rt=", app.base)),
            "{back}"
        );
        assert!(!back.contains(created["orderToken"].as_str().unwrap()));
        // The way back shows the result page: at once, since this browser's buyer cookie owns
        // the order (a browser without it would spend the return token for an access cookie).
        let landing = buyer.get(&back).await;
        assert_eq!(landing.status(), 200);
        assert!(landing
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"payment-status\""));
        let page_url = format!("{}/checkout/result?orderId={order_id}", app.base);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let page = buyer.get(&page_url).await;
            assert_eq!(page.status(), 200);
            let html = page.text().await.unwrap();
            if html.contains(&format!("data-status=\"{status}\"")) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{card}: {html}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    app.stop().await;
}

async fn the_element_offers_the_buyers_saved_cards(db: Db) {
    let app = spawn_app(db).await;
    let mut ada = Browser::new(&app);
    ada.save_card("5555555555554444").await;
    ada.wait_for_cards(1).await;
    let form_view = |created: &Value| {
        let config = session_config(created["paymentSessionData"].as_str().unwrap());
        format!(
            "{}/checkout/api/sessions/{}",
            app.sim,
            config["sessionId"].as_str().unwrap()
        )
    };
    let element = ada
        .post("/sessions", json!({"items": cart(), "integration": "element"}))
        .await;
    assert_eq!(element.status, 201, "{}", element.body);
    let view: Value = app
        .http
        .get(form_view(&element.body))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let saved = view["savedCards"].as_array().expect("saved cards in the Element");
    assert_eq!(saved.len(), 1, "{view}");
    assert_eq!(saved[0]["lastFour"], "4444", "{view}");
    assert!(
        !view.to_string().to_lowercase().contains("token"),
        "no token reaches the browser: {view}"
    );

    // The SDK integration keeps the page's own saved-card buttons: its session carries none.
    let sdk = ada
        .post("/sessions", json!({"items": cart(), "integration": "sdk"}))
        .await;
    let view: Value = app
        .http
        .get(form_view(&sdk.body))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        view["savedCards"].as_array().is_none_or(|cards| cards.is_empty()),
        "{view}"
    );
    // A buyer without cards gets an Element without any.
    let mut bob = Browser::new(&app);
    let fresh = bob
        .post("/sessions", json!({"items": cart(), "integration": "element"}))
        .await;
    let view: Value = app
        .http
        .get(form_view(&fresh.body))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        view["savedCards"].as_array().is_none_or(|cards| cards.is_empty()),
        "{view}"
    );
    app.stop().await;
}

crate::on_both_databases!(
    each_integration_asks_antom_for_its_scene,
    the_configured_integration_is_the_default,
    the_hosted_checkout_completes_without_the_sdk,
    the_element_offers_the_buyers_saved_cards,
);
