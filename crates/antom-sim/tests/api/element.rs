//! The Payment Element's side of createPaymentSession: `productScene` recorded with the session
//! and written into `paymentSessionData` in the layout Antom's SDK parses, `normalUrl` for the
//! hosted page only, and `savedPaymentMethods` (cards this simulator vaulted) offered by the
//! Element's form and paid with as their cards would be.

use antom_client::model::{
    CaptureMode, CreatePaymentSessionRequest, InquiryPaymentRequest, PaymentMethod, PaymentMethodType,
    PaymentStatus, ProductScene,
};
use serde_json::{json, Value};

use crate::helpers::*;

fn scene_request(id: &str, scene: Option<ProductScene>) -> CreatePaymentSessionRequest {
    CreatePaymentSessionRequest {
        product_scene: scene,
        ..session_request(id, sgd("4200"), None, CaptureMode::Manual)
    }
}

fn element_request(id: &str, saved: Vec<PaymentMethod>) -> CreatePaymentSessionRequest {
    CreatePaymentSessionRequest {
        saved_payment_methods: Some(saved),
        ..scene_request(id, Some(ProductScene::ElementPayment))
    }
}

async fn page_submit(sim: &TestSim, session: &str, body: Value) -> Value {
    let (status, view) = sim
        .post(&format!("/checkout/api/sessions/{session}/submit"), body)
        .await;
    assert_eq!(status, 200, "{view}");
    view
}

#[tokio::test]
async fn each_scene_answers_with_its_shape_and_says_so_in_the_session_data() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let cases = [
        ("scene_sdk", None, "CASHIER_PAYMENT", Some("CARD"), "1.0"),
        (
            "scene_element",
            Some(ProductScene::ElementPayment),
            "ELEMENT_PAYMENT",
            Some("ALL"),
            "1.0",
        ),
        (
            "scene_checkout",
            Some(ProductScene::CheckoutPayment),
            "CHECKOUT_PAYMENT",
            None,
            "1.0.0",
        ),
    ];
    for (id, scene, expected_scene, category, version) in cases {
        let request = scene_request(id, scene.clone());
        let created = success(client.send(&request).await);
        let session = created.payment_session_id.clone().unwrap();

        // normalUrl: only the hosted page's scene.
        if scene == Some(ProductScene::CheckoutPayment) {
            assert_eq!(
                created.normal_url.as_deref(),
                Some(sim.url(&format!("/checkout/form?session={session}")).as_str())
            );
        } else {
            assert_eq!(created.normal_url, None, "{id}");
        }

        let data = created.payment_session_data.clone().unwrap();
        assert!(data.len() <= 4096);
        let (host_sign, payload) = decode_session_data(&data);
        assert_eq!(host_sign, "SG");
        let config = &payload["paymentSessionConfig"];
        assert_eq!(config["productScene"], expected_scene, "{id}: {payload}");
        assert_eq!(config["paymentMethodCategoryType"].as_str(), category, "{id}");
        assert_eq!(config["productSceneVersion"], version, "{id}");
        assert_eq!(payload["clientId"], CLIENT_ID);
        assert_eq!(payload["kind"], "payment");
        assert_eq!(payload["sessionId"], session.as_str());
        assert_eq!(payload["requestId"], id);
        assert_eq!(payload["simBaseUrl"], sim.sim.base_url());

        // The pages see the scene too; an idempotent replay answers the same.
        let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
        assert_eq!(view["productScene"], expected_scene);
        assert_eq!(success(client.send(&request).await), created);
    }
}

#[tokio::test]
async fn saved_payment_methods_must_be_cards_this_simulator_vaulted() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let token = vaulted_token(&sim, "vault_saved_1", "4111111111111111").await;

    let refused = |methods: Vec<PaymentMethod>| element_request("saved_1", methods);
    let wallet = PaymentMethod {
        payment_method_type: PaymentMethodType::from("ALIPAY_CN"),
        ..PaymentMethod::vaulted_card(token.as_str())
    };
    let cases = [
        (vec![wallet], "savedPaymentMethods[0].paymentMethodType"),
        (
            vec![PaymentMethod::vaulted_card(token.as_str()), PaymentMethod::card()],
            "savedPaymentMethods[1].paymentMethodId",
        ),
        (
            vec![
                PaymentMethod::vaulted_card(token.as_str()),
                PaymentMethod::vaulted_card("ALIPAYnot-issued-here"),
            ],
            "savedPaymentMethods[1].paymentMethodId",
        ),
    ];
    for (methods, field) in cases {
        let (code, message) = failure(client.send(&refused(methods)).await);
        assert_eq!(code, "PARAM_ILLEGAL");
        assert!(message.starts_with(field), "{field}: {message}");
    }

    // Without paymentMethodType at all (antom-client always sends one).
    let mut body = serde_json::to_value(element_request("saved_1", vec![])).unwrap();
    body["savedPaymentMethods"] = json!([{ "paymentMethodId": token }]);
    let (_, answer) = Raw::new("/ams/api/v1/payments/createPaymentSession", body)
        .send(&sim)
        .await;
    assert_eq!(answer["result"]["resultCode"], "PARAM_ILLEGAL", "{answer}");
    assert!(
        answer["result"]["resultMessage"]
            .as_str()
            .unwrap()
            .contains("paymentMethodType"),
        "{answer}"
    );

    // A refusal is not kept: the same paymentRequestId with a good list gets its session.
    let good = element_request("saved_1", vec![PaymentMethod::vaulted_card(token.as_str())]);
    let created = success(client.send(&good).await);
    assert_eq!(created.normal_url, None);
    let session = created.payment_session_id.unwrap();
    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    let cards = view["savedCards"].as_array().unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(
        (
            cards[0]["index"].as_u64(),
            cards[0]["brand"].as_str(),
            cards[0]["lastFour"].as_str(),
            cards[0]["masked"].as_str()
        ),
        (Some(0), Some("VISA"), Some("1111"), Some("************1111"))
    );
    let expiry = cards[0]["expiry"].as_str().unwrap();
    assert!(
        expiry.len() == 5 && expiry.as_bytes()[2] == b'/',
        "MM/YY: {expiry}"
    );
    assert!(
        !view.to_string().contains(&token),
        "the token never reaches the browser"
    );
}

#[tokio::test]
async fn the_element_pays_with_a_saved_card_as_its_card_would() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let plain = vaulted_token(&sim, "vault_plain", "5555555555554444").await;
    let challenged = vaulted_token(&sim, "vault_3ds", "4000000000003220").await;
    let saved = vec![
        PaymentMethod::vaulted_card(plain.as_str()),
        PaymentMethod::vaulted_card(challenged.as_str()),
    ];

    // Only the Element offers saved cards: a session of another scene keeps them but shows none.
    let sdk = CreatePaymentSessionRequest {
        saved_payment_methods: Some(saved.clone()),
        ..scene_request("saved_sdk", None)
    };
    let sdk_session = success(client.send(&sdk).await).payment_session_id.unwrap();
    let view = sim.get(&format!("/checkout/api/sessions/{sdk_session}")).await;
    assert_eq!(view["savedCards"], json!([]));
    let refused = page_submit(&sim, &sdk_session, json!({"savedCard": 0})).await;
    assert_eq!(
        (refused["inputError"].as_bool(), refused["resultCode"].as_str()),
        (Some(true), Some("INVALID_CARD"))
    );

    let created = success(client.send(&element_request("saved_el", saved)).await);
    let session = created.payment_session_id.unwrap();
    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    let cards = view["savedCards"].as_array().unwrap();
    assert_eq!(cards.len(), 2);
    assert_eq!(
        (cards[0]["brand"].as_str(), cards[0]["lastFour"].as_str()),
        (Some("MASTERCARD"), Some("4444"))
    );
    assert_eq!(
        (cards[1]["index"].as_u64(), cards[1]["lastFour"].as_str()),
        (Some(1), Some("3220"))
    );

    // Refused as input, the session stays open: no such card, a malformed CVV.
    let none = page_submit(&sim, &session, json!({"savedCard": 7})).await;
    assert_eq!(
        (
            none["inputError"].as_bool(),
            none["state"].as_str(),
            none["resultCode"].as_str()
        ),
        (Some(true), Some("OPEN"), Some("INVALID_CARD"))
    );
    let bad_cvv = page_submit(&sim, &session, json!({"savedCard": 1, "cvv": "12"})).await;
    assert_eq!(bad_cvv["resultCode"], "INVALID_CVV");

    // The 3-D Secure card asks for its challenge, then pays with its token.
    let challenge = page_submit(&sim, &session, json!({"savedCard": 1, "cvv": "123"})).await;
    assert_eq!(challenge["state"], "CHALLENGE");
    assert_eq!(challenge["cardLastFour"], "3220");
    let (status, done) = sim
        .post(
            &format!("/checkout/api/sessions/{session}/challenge"),
            json!({"outcome": "pass"}),
        )
        .await;
    assert_eq!((status, done["state"].as_str()), (200, Some("SUCCESS")));
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("saved_el"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));
    let info = inquiry.payment_result_info.unwrap();
    assert_eq!(
        info.card_token.as_ref().map(|t| t.expose()),
        Some(challenged.as_str())
    );
    assert_eq!(info.last_four.as_deref(), Some("3220"));
}
