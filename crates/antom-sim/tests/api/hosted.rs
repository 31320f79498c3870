//! The hosted pages driven over plain HTTP, as a browser without scripts would: the hosted
//! checkout page of a `CHECKOUT_PAYMENT` session, the 3-D Secure page (GET and the POST of
//! pay's `redirectActionForm`), and the way back to the merchant (a redirect for web pages, a
//! link for apps).

use antom_client::model::{
    CaptureMode, CreatePaymentSessionRequest, CreateVaultingSessionRequest, Env, InquiryPaymentRequest,
    Notification, OsType, PayRequest, PaymentFactor, PaymentMethod, PaymentStatus, ProductScene,
    TerminalType,
};
use serde_json::json;

use crate::helpers::*;

fn checkout_session(id: &str, redirect: &str, notify: Option<String>) -> CreatePaymentSessionRequest {
    CreatePaymentSessionRequest {
        product_scene: Some(ProductScene::CheckoutPayment),
        payment_redirect_url: redirect.into(),
        ..session_request(id, sgd("4200"), notify, CaptureMode::Manual)
    }
}

/// Posts a form (form-encoded) without following redirects: status, `location`, body.
async fn post_form(sim: &TestSim, url: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let response = sim.browser().post(url).form(fields).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

const CARD_4111: [(&str, &str); 4] = [
    ("cardNumber", "4111 1111 1111 1111"),
    ("expiry", "12/39"),
    ("cvv", "123"),
    ("holderName", "Ada Lovelace"),
];

#[tokio::test]
async fn normal_url_only_for_the_checkout_payment_scene() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let plain = session_request("scene_1", sgd("100"), None, CaptureMode::Manual);
    assert_eq!(success(client.send(&plain).await).normal_url, None);
    let element = CreatePaymentSessionRequest {
        product_scene: Some(ProductScene::ElementPayment),
        ..session_request("scene_2", sgd("100"), None, CaptureMode::Manual)
    };
    assert_eq!(success(client.send(&element).await).normal_url, None);
    let hosted = checkout_session("scene_3", "https://shop.example/r", None);
    let created = success(client.send(&hosted).await);
    let session = created.payment_session_id.unwrap();
    assert_eq!(
        created.normal_url.as_deref(),
        Some(sim.url(&format!("/checkout/form?session={session}")).as_str())
    );
    let unknown = CreatePaymentSessionRequest {
        product_scene: Some(ProductScene::from("EASY_PAY")),
        ..session_request("scene_4", sgd("100"), None, CaptureMode::Manual)
    };
    let (code, message) = failure(client.send(&unknown).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(message.starts_with("productScene"), "{message}");
}

#[tokio::test]
async fn the_hosted_checkout_page_pays_without_the_sdk() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let redirect = "https://shop.example/checkout/result?order=7";
    let request = checkout_session(
        "hosted_1",
        redirect,
        Some(receiver.url("/webhooks/antom/payments")),
    );
    let normal_url = success(client.send(&request).await).normal_url.unwrap();

    let page = sim.browser().get(&normal_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form id=\"card-form\" method=\"post\""), "{html}");
    for field in ["cardNumber", "expiry", "cvv", "holderName"] {
        assert!(html.contains(&format!("name=\"{field}\"")), "{field}");
    }

    let (status, location, body) = post_form(&sim, &normal_url, &CARD_4111).await;
    assert_eq!((status, location.as_deref()), (303, Some(redirect)), "{body}");
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("hosted_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));
    let delivered = receiver.wait_for(1).await;
    let Notification::Payment(result) = delivered[0].verified() else {
        panic!("{:?}", delivered[0].json())
    };
    assert_eq!(result.payment_request_id, "hosted_1");
    assert!(result.result.is_success());

    // The session is used up: a second card is refused with a page, not a redirect.
    let (status, location, body) = post_form(&sim, &normal_url, &CARD_4111).await;
    assert_eq!((status, location), (409, None));
    assert!(body.contains("ORDER_STATUS_INVALID"), "{body}");
}

#[tokio::test]
async fn the_hosted_page_runs_three_d_secure_and_refuses_bad_cards_without_scripts() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let redirect = "https://shop.example/r";
    let normal_url = success(client.send(&checkout_session("hosted_2", redirect, None)).await)
        .normal_url
        .unwrap();

    let bad = [
        ("cardNumber", "4111111111111112"),
        ("expiry", "12/39"),
        ("cvv", "123"),
    ];
    let (status, _, body) = post_form(&sim, &normal_url, &bad).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("INVALID_CARD_NUMBER") && body.contains("data-testid=\"sim-retry\""),
        "{body}"
    );

    let challenge = [
        ("cardNumber", "4000000000003220"),
        ("expiry", "12/39"),
        ("cvv", "123"),
    ];
    let (status, location, _) = post_form(&sim, &normal_url, &challenge).await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.starts_with("/checkout/3ds?session="), "{location}");
    let session = location.trim_start_matches("/checkout/3ds?session=").to_owned();
    let page = sim.browser().get(sim.url(&location)).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"session\" value=\"{session}\"")),
        "the session is written into the page: {html}"
    );
    assert!(html.contains("data-testid=\"sim-3ds-pass\"") && html.contains("data-testid=\"sim-3ds-fail\""));

    let (status, location, _) = post_form(
        &sim,
        &sim.url("/checkout/3ds"),
        &[("session", &session), ("outcome", "fail")],
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some(redirect)));
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("hosted_2"))
            .await,
    );
    assert_eq!(
        inquiry.payment_result_code.as_deref(),
        Some("USER_PAYMENT_VERIFICATION_FAILED")
    );
}

/// The hosted page of a `CHECKOUT_PAYMENT` session driven as a browser without JavaScript:
/// GET `normalUrl`, post the form to its own URL, follow each 303 the simulator answers, until
/// one leaves the simulator. Returns the final `Location` and every simulator path visited.
async fn pay_without_scripts(
    sim: &TestSim,
    normal_url: &str,
    card: &str,
    three_ds: &str,
) -> (String, Vec<String>) {
    let page = sim.browser().get(normal_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    // A plain form posting to the page itself: no action, no script needed.
    assert!(html.contains("<form id=\"card-form\" method=\"post\""), "{html}");
    let fields = [
        ("cardNumber", card),
        ("expiry", "12/39"),
        ("cvv", "123"),
        ("holderName", "Ada Lovelace"),
    ];
    let (mut status, mut location, mut body) = post_form(sim, normal_url, &fields).await;
    let mut visited = Vec::new();
    loop {
        assert_eq!(status, 303, "{body}");
        let next = location.expect("a 303 has a Location");
        if !next.starts_with('/') {
            return (next, visited);
        }
        visited.push(next.clone());
        // Only the 3-D Secure page comes between: GET it, then post the buyer's answer with
        // the session its form carries.
        assert!(next.starts_with("/checkout/3ds?session="), "{next}");
        let page = sim.browser().get(sim.url(&next)).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let session = next.trim_start_matches("/checkout/3ds?session=");
        assert!(html.contains("<form id=\"challenge\" method=\"post\" action=\"/checkout/3ds\">"));
        assert!(html.contains(&format!("name=\"session\" value=\"{session}\"")));
        assert!(html.contains(&format!("name=\"outcome\" value=\"{three_ds}\"")));
        (status, location, body) = post_form(
            sim,
            &sim.url("/checkout/3ds"),
            &[("session", session), ("outcome", three_ds)],
        )
        .await;
    }
}

#[tokio::test]
async fn the_hosted_page_completes_without_javascript_through_3ds_and_a_decline() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let redirect = "https://shop.example/checkout/result?order=42";
    let notify = Some(receiver.url("/webhooks/antom/payments"));

    // The 3-D Secure card, challenge passed: authorized, back to paymentRedirectUrl.
    let created = success(
        client
            .send(&checkout_session("nojs_3ds", redirect, notify.clone()))
            .await,
    );
    let (location, visited) =
        pay_without_scripts(&sim, &created.normal_url.unwrap(), "4000 0000 0000 3220", "pass").await;
    assert_eq!(location, redirect);
    assert_eq!(visited.len(), 1, "one challenge: {visited:?}");
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("nojs_3ds"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));
    let info = inquiry.payment_result_info.unwrap();
    assert_eq!(info.last_four.as_deref(), Some("3220"));
    assert!(info.three_ds_result.is_some(), "authenticated by 3-D Secure");

    // The declined card: failed, and back to paymentRedirectUrl all the same (the hosted page
    // ends at the merchant's page whatever the outcome).
    let created = success(
        client
            .send(&checkout_session("nojs_declined", redirect, notify))
            .await,
    );
    let (location, visited) =
        pay_without_scripts(&sim, &created.normal_url.unwrap(), "4000000000000002", "pass").await;
    assert_eq!(location, redirect);
    assert!(visited.is_empty(), "no challenge: {visited:?}");
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("nojs_declined"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Fail));
    assert_eq!(inquiry.payment_result_code.as_deref(), Some("DO_NOT_HONOR"));

    // Both outcomes were notified as well.
    let delivered = receiver.wait_for(2).await;
    let mut outcomes: Vec<(String, bool)> = delivered
        .iter()
        .map(|d| match d.verified() {
            Notification::Payment(result) => (result.payment_request_id.clone(), result.result.is_success()),
            other => panic!("{other:?}"),
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec![("nojs_3ds".to_owned(), true), ("nojs_declined".to_owned(), false)]
    );
}

#[tokio::test]
async fn an_app_is_returned_to_by_a_link_a_web_page_by_a_redirect() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let app_env = Env {
        terminal_type: Some(TerminalType::App),
        os_type: Some(OsType::Ios),
        ..Env::default()
    };
    let scheme = "myshop://checkout/result?x=1&y=2";
    let request = CreatePaymentSessionRequest {
        env: Some(app_env.clone()),
        ..checkout_session("app_1", scheme, None)
    };
    let normal_url = success(client.send(&request).await).normal_url.unwrap();
    let (status, location, body) = post_form(&sim, &normal_url, &CARD_4111).await;
    assert_eq!((status, location), (200, None), "{body}");
    assert!(
        body.contains("href=\"myshop://checkout/result?x=1&amp;y=2\" data-testid=\"sim-app-return\""),
        "{body}"
    );
    let view = sim
        .get(&format!(
            "/checkout/api/sessions/{}",
            normal_url.rsplit('=').next().unwrap()
        ))
        .await;
    assert_eq!(view["redirectUrl"], scheme);

    // An app link is a web URL: a plain redirect.
    let app_link = "https://app.example.com/open/result?o=1";
    let request = CreatePaymentSessionRequest {
        env: Some(app_env),
        ..checkout_session("app_2", app_link, None)
    };
    let normal_url = success(client.send(&request).await).normal_url.unwrap();
    let (status, location, _) = post_form(&sim, &normal_url, &CARD_4111).await;
    assert_eq!((status, location.as_deref()), (303, Some(app_link)));

    // Vaulting sessions take the same redirect URLs.
    let vaulting = CreateVaultingSessionRequest {
        vaulting_request_id: "app_vault".into(),
        vaulting_notification_url: "https://shop.example/webhooks/antom/vaulting".into(),
        redirect_url: Some("myshop://cards/saved".into()),
        ..CreateVaultingSessionRequest::default()
    };
    success(client.send(&vaulting).await);
}

/// A card vaulted through a session with 3-D Secure passed: its token.
async fn challenged_token(sim: &TestSim, id: &str) -> String {
    let session = CreateVaultingSessionRequest {
        vaulting_request_id: id.into(),
        vaulting_notification_url: "http://127.0.0.1:9/webhooks/antom/vaulting".into(),
        ..CreateVaultingSessionRequest::default()
    };
    success(sim.client().send(&session).await);
    let (_, bound) = sim
        .post(
            &format!("/__sim/vaulting/{id}/bind"),
            json!({"cardNumber": "4000000000003220", "threeDsOutcome": "pass"}),
        )
        .await;
    bound["cardToken"].as_str().unwrap().to_owned()
}

fn token_pay(id: &str, token: &str, env: Env) -> PayRequest {
    PayRequest {
        payment_request_id: id.into(),
        payment_amount: sgd("2500"),
        order: antom_client::model::Order {
            reference_order_id: format!("order_{id}"),
            order_description: "Hoodie".into(),
            ..antom_client::model::Order::default()
        },
        payment_method: PaymentMethod::vaulted_card(token),
        payment_redirect_url: "https://shop.example/result".into(),
        payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Manual)),
        env: Some(env),
        ..PayRequest::default()
    }
}

#[tokio::test]
async fn pay_offers_three_d_secure_as_a_post_form_and_as_an_app_link() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let token = challenged_token(&sim, "tok_3ds").await;

    let (code, response) = unknown(client.send(&token_pay("tds_1", &token, web_env())).await);
    assert_eq!(code, "PAYMENT_IN_PROCESS");
    let response = response.unwrap();
    let normal_url = response.normal_url.unwrap();
    assert!(
        normal_url.starts_with(&sim.url("/checkout/3ds?session=")),
        "{normal_url}"
    );
    assert_eq!(response.applink_url, None, "a web buyer gets no app link");
    let form = response.redirect_action_form.unwrap();
    assert_eq!(form.method.as_ref().map(|m| m.as_str()), Some("POST"));
    assert_eq!(
        form.redirect_url.as_deref(),
        Some(sim.url("/checkout/3ds").as_str())
    );
    let parameters: serde_json::Value = serde_json::from_str(form.parameters.as_deref().unwrap()).unwrap();
    let session = parameters["session"].as_str().unwrap().to_owned();
    assert!(normal_url.ends_with(&session));

    // The merchant's page posts the parameters as form fields: the challenge page opens.
    let fields: Vec<(String, String)> = parameters
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let response = sim
        .browser()
        .post(form.redirect_url.unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("content=\"{session}\"")), "{html}");
    assert!(html.contains("data-testid=\"sim-3ds-pass\""));
    let (status, location, _) = post_form(
        &sim,
        &sim.url("/checkout/3ds"),
        &[("session", &session), ("outcome", "pass")],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("https://shop.example/result"))
    );
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("tds_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));

    // A buyer in an app also gets an app link to the same page.
    let app_env = Env {
        terminal_type: Some(TerminalType::App),
        os_type: Some(OsType::Android),
        ..web_env()
    };
    let (_, response) = unknown(client.send(&token_pay("tds_2", &token, app_env)).await);
    let response = response.unwrap();
    let applink = response.applink_url.unwrap();
    assert!(applink.starts_with(&response.normal_url.unwrap()), "{applink}");
    let page = sim.browser().get(&applink).send().await.unwrap();
    assert_eq!(page.status(), 200);
}
