//! Card vaulting (session + bind, vaultPaymentMethod, inquireVaulting) and pay with a token.

use antom_client::model::{
    CaptureMode, CardDetail, CreateVaultingSessionRequest, InquireVaultingRequest, InquiryPaymentRequest,
    Notification, Order, PayRequest, PaymentFactor, PaymentMethod, PaymentMethodDetail, PaymentStatus,
    VaultPaymentMethodRequest, VaultingStatus,
};
use serde_json::json;

use crate::helpers::*;

fn vault_request(id: &str, card: &str, notify: String) -> VaultPaymentMethodRequest {
    VaultPaymentMethodRequest {
        vaulting_request_id: id.into(),
        vaulting_notification_url: notify,
        redirect_url: "https://shop.example/cards".into(),
        payment_method_detail: PaymentMethodDetail::card(CardDetail {
            card_no: Some(card.into()),
            cvv: Some("123".into()),
            expiry_month: Some("08".into()),
            expiry_year: Some("39".into()),
            ..CardDetail::default()
        }),
        env: web_env(),
        ..VaultPaymentMethodRequest::default()
    }
}

fn pay_with(token: &str, id: &str, notify: Option<String>) -> PayRequest {
    PayRequest {
        payment_request_id: id.into(),
        payment_amount: sgd("2500"),
        order: Order {
            reference_order_id: format!("order_{id}"),
            order_description: "Hoodie".into(),
            ..Order::default()
        },
        payment_method: PaymentMethod::vaulted_card(token),
        payment_redirect_url: "https://shop.example/result".into(),
        payment_notify_url: notify,
        payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Manual)),
        env: Some(web_env()),
        ..PayRequest::default()
    }
}

#[tokio::test]
async fn a_vaulting_session_bound_by_the_buyer_gives_a_token_that_pays() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let session = CreateVaultingSessionRequest {
        vaulting_request_id: "vault_1".into(),
        vaulting_notification_url: receiver.url("/webhooks/antom/vaulting"),
        redirect_url: Some("https://shop.example/cards".into()),
        ..CreateVaultingSessionRequest::default()
    };
    let created = success(client.send(&session).await);
    let (host_sign, payload) = decode_session_data(&created.vaulting_session_data.unwrap());
    assert_eq!(host_sign, "SG");
    assert_eq!(
        payload["paymentSessionConfig"],
        json!({"productScene": "VAULTING", "paymentMethodCategoryType": "CARD", "productSceneVersion": "1.0"})
    );
    assert_eq!(payload["kind"], "vaulting");
    assert_eq!(
        payload["sessionId"].as_str(),
        created.vaulting_session_id.as_deref()
    );
    assert_eq!(
        success(client.send(&session).await).vaulting_session_id,
        created.vaulting_session_id
    );
    let pending = success(client.send(&InquireVaultingRequest::new("vault_1")).await);
    assert_eq!(pending.vaulting_status, Some(VaultingStatus::Processing));

    let (status, bound) = sim
        .post(
            "/__sim/vaulting/vault_1/bind",
            json!({"cardNumber": "5555555555554444", "threeDsOutcome": "pass"}),
        )
        .await;
    assert_eq!(status, 200, "{bound}");
    assert_eq!(bound["vaultingStatus"], "SUCCESS");

    let delivered = receiver.wait_for(1).await;
    let Notification::Vaulting(vaulted) = delivered[0].verified() else {
        panic!()
    };
    assert!(vaulted.result.is_success());
    let card = vaulted.payment_method_detail.unwrap().card.unwrap();
    assert_eq!(card.brand.as_deref(), Some("MASTERCARD"));
    assert_eq!(card.masked_card_no.as_deref(), Some("************4444"));
    assert_eq!(card.last_four.as_deref(), Some("4444"));
    let token = card.card_token.unwrap();
    assert_eq!(bound["cardToken"], token.expose());

    let inquiry = success(client.send(&InquireVaultingRequest::new("vault_1")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Success));
    assert!(inquiry.payment_method_detail.is_some());

    let request = pay_with(token.expose(), "tokpay_1", None);
    let paid = success(client.send(&request).await);
    let info = paid.payment_result_info.clone().unwrap();
    assert_eq!(
        info.card_token.unwrap().expose(),
        token.expose(),
        "a vaulted card's token is returned"
    );
    assert_eq!(success(client.send(&request).await), paid, "idempotent replay");
    let other = PayRequest {
        payment_amount: sgd("2600"),
        ..pay_with(token.expose(), "tokpay_1", None)
    };
    assert_eq!(failure(client.send(&other).await).0, "REPEAT_REQ_INCONSISTENT");
}

#[tokio::test]
async fn vault_payment_method_direct_three_ds_and_declines() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = || receiver.url("/webhooks/antom/vaulting");

    let ok = success(
        client
            .send(&vault_request("vpm_1", "4111111111111111", notify()))
            .await,
    );
    let card = ok.payment_method_detail.unwrap().card.unwrap();
    assert_eq!(
        (card.brand.as_deref(), card.expiry_month.as_deref()),
        (Some("VISA"), Some("08"))
    );
    assert!(card.card_token.is_some());

    let (code, response) = unknown(
        client
            .send(&vault_request("vpm_2", "4000000000003220", notify()))
            .await,
    );
    assert_eq!(code, "VERIFICATION_IN_PROCESS");
    let normal_url = response.unwrap().normal_url.unwrap();
    assert!(
        normal_url.starts_with(&sim.url("/checkout/3ds?session=")),
        "{normal_url}"
    );
    let inquiry = success(client.send(&InquireVaultingRequest::new("vpm_2")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Processing));
    assert_eq!(inquiry.normal_url.as_deref(), Some(normal_url.as_str()));
    let (_, answered) = sim
        .post("/__sim/vaulting/vpm_2/bind", json!({"threeDsOutcome": "pass"}))
        .await;
    assert_eq!(answered["vaultingStatus"], "SUCCESS", "{answered}");

    let (code, message) = failure(
        client
            .send(&vault_request("vpm_3", "4000000000000002", notify()))
            .await,
    );
    assert_eq!(code, "VERIFICATION_FAIL", "{message}");
    let inquiry = success(client.send(&InquireVaultingRequest::new("vpm_3")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Fail));
    assert_eq!(inquiry.vaulting_result_code.as_deref(), Some("DO_NOT_HONOR"));

    let (code, _) = failure(
        client
            .send(&vault_request("vpm_4", "4111111111111112", notify()))
            .await,
    );
    assert_eq!(code, "VERIFICATION_FAIL");
    let mut bad_format = vault_request("vpm_5", "4111111111111111", notify());
    bad_format
        .payment_method_detail
        .card
        .as_mut()
        .unwrap()
        .expiry_month = Some("13".into());
    let (code, message) = failure(client.send(&bad_format).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(message.contains("expiryMonth"), "{message}");

    let unknown_id = client.send(&InquireVaultingRequest::new("nope")).await;
    assert_eq!(failure(unknown_id).0, "VAULTING_NOT_EXIST");

    let delivered = receiver.wait_for(4).await;
    let results: Vec<String> = delivered
        .iter()
        .map(|r| match r.verified() {
            Notification::Vaulting(v) => {
                format!("{}:{}", v.vaulting_request_id, v.result.result_status.as_str())
            }
            other => panic!("{other:?}"),
        })
        .collect();
    for expected in ["vpm_1:S", "vpm_2:S", "vpm_3:F", "vpm_4:F"] {
        assert!(results.contains(&expected.to_owned()), "{results:?}");
    }
}

#[tokio::test]
async fn paying_with_tokens_follows_the_card() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    // A card vaulted through a session, as a buyer would (3-D Secure passed).
    let token_for = |card: &'static str, id: &'static str| {
        let (client, sim) = (client.clone(), &sim);
        let notify = receiver.url("/webhooks/antom/vaulting");
        async move {
            let session = CreateVaultingSessionRequest {
                vaulting_request_id: id.into(),
                vaulting_notification_url: notify,
                ..CreateVaultingSessionRequest::default()
            };
            success(client.send(&session).await);
            let path = format!("/__sim/vaulting/{id}/bind");
            let (_, bound) = sim
                .post(&path, json!({"cardNumber": card, "threeDsOutcome": "pass"}))
                .await;
            bound["cardToken"].as_str().unwrap().to_owned()
        }
    };
    let notify = Some(receiver.url("/webhooks/antom/payments"));

    // 3-D Secure: in process, with the challenge page; the buyer passes it.
    let challenged = token_for("4000000000003220", "tok_1").await;
    let (code, response) = unknown(client.send(&pay_with(&challenged, "tp_1", notify.clone())).await);
    assert_eq!(code, "PAYMENT_IN_PROCESS");
    let response = response.unwrap();
    let normal_url = response.normal_url.unwrap();
    assert!(normal_url.contains("/checkout/3ds?session="), "{normal_url}");
    // The same page as a form to post, the session in its parameters (see hosted.rs).
    let form = response.redirect_action_form.unwrap();
    assert_eq!(form.method.as_ref().map(|m| m.as_str()), Some("POST"));
    let session = normal_url.rsplit('=').next().unwrap();
    assert!(form.parameters.unwrap().contains(session));
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("tp_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Processing));
    assert!(inquiry.redirect_action_form.is_some());
    let answered = sim.buyer("tp_1", json!({"threeDsOutcome": "pass"})).await;
    assert_eq!(answered["paymentStatus"], "SUCCESS");

    // Insufficient funds: vaulted fine, declined when paying.
    let poor = token_for("4000000000009995", "tok_2").await;
    let (code, _) = failure(client.send(&pay_with(&poor, "tp_2", notify.clone())).await);
    assert_eq!(code, "USER_BALANCE_NOT_ENOUGH");

    // A token the simulator never issued.
    let stranger = pay_with("ALIPAYnotATokenWeIssued==", "tp_3", notify.clone());
    assert_eq!(failure(client.send(&stranger).await).0, "INVALID_CARD");
    assert_eq!(failure(client.send(&stranger).await).0, "INVALID_CARD");
    let missing = client
        .send(&InquiryPaymentRequest::by_payment_request_id("tp_3"))
        .await;
    assert_eq!(failure(missing).0, "ORDER_NOT_EXIST");

    let payments: Vec<_> = sim
        .wait_notifications("PAYMENT_RESULT", 2)
        .await
        .into_iter()
        .map(|n| n["body"]["result"]["resultCode"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        payments.contains(&"SUCCESS".to_owned()) && payments.contains(&"USER_BALANCE_NOT_ENOUGH".to_owned())
    );
}

#[tokio::test]
async fn an_unknown_vaulting_answer_spends_the_id() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = || receiver.url("/webhooks/antom/vaulting");
    sim.faults(json!({"endpoints": {"vaultPaymentMethod": {"mode": "unknown", "times": 1}}}))
        .await;
    let request = vault_request("spent_1", "4111111111111111", notify());
    assert_eq!(unknown(client.send(&request).await).0, "UNKNOWN_EXCEPTION");
    // The fault is used up, yet the same id keeps the same answer: Antom asks for a new id.
    assert_eq!(unknown(client.send(&request).await).0, "UNKNOWN_EXCEPTION");
    let other_card = vault_request("spent_1", "5555555555554444", notify());
    assert_eq!(
        failure(client.send(&other_card).await).0,
        "REPEAT_REQ_INCONSISTENT"
    );
    let missing = client.send(&InquireVaultingRequest::new("spent_1")).await;
    assert_eq!(failure(missing).0, "VAULTING_NOT_EXIST");
    // A new id vaults the card.
    let fresh = success(
        client
            .send(&vault_request("spent_2", "4111111111111111", notify()))
            .await,
    );
    assert!(fresh.payment_method_detail.is_some());
    let delivered = receiver.wait_for(1).await;
    assert_eq!(delivered[0].json()["vaultingRequestId"], "spent_2");
}

#[tokio::test]
async fn verification_in_process_without_a_url_never_completes() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let notify = || receiver.url("/webhooks/antom/vaulting");
    sim.faults(json!({"endpoints": {"vaultPaymentMethod": {
        "mode": "processing", "noRedirect": true, "times": 1
    }}}))
    .await;
    assert_eq!(
        sim.get("/__sim/faults").await["endpoints"]["vaultPaymentMethod"]["noRedirect"],
        true
    );
    let request = vault_request("stranded_1", "4111111111111111", notify());
    for _ in 0..2 {
        let (code, response) = unknown(client.send(&request).await);
        assert_eq!(code, "VERIFICATION_IN_PROCESS");
        let response = response.unwrap();
        assert_eq!(
            (response.normal_url, response.scheme_url, response.applink_url),
            (None, None, None),
            "no way forward"
        );
    }
    let inquiry = success(client.send(&InquireVaultingRequest::new("stranded_1")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Processing));
    assert_eq!(
        inquiry.vaulting_result_code.as_deref(),
        Some("VERIFICATION_IN_PROCESS")
    );
    assert_eq!(inquiry.normal_url, None);

    // It fails when its session expires, with notifyVaulting F; resends replay the failure.
    sim.advance(2 * 3600).await;
    let inquiry = success(client.send(&InquireVaultingRequest::new("stranded_1")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Fail));
    assert_eq!(inquiry.vaulting_result_code.as_deref(), Some("ORDER_IS_CLOSED"));
    let delivered = receiver.wait_for(1).await;
    let Notification::Vaulting(failed) = delivered[0].verified() else {
        panic!()
    };
    assert_eq!(failed.vaulting_request_id, "stranded_1");
    assert_eq!(failed.result.result_status.as_str(), "F");
    assert_eq!(failure(client.send(&request).await).0, "VERIFICATION_FAIL");
    success(
        client
            .send(&vault_request("stranded_2", "4111111111111111", notify()))
            .await,
    );
}

#[tokio::test]
async fn vaulting_three_ds_in_an_app_comes_with_an_app_link() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let request = VaultPaymentMethodRequest {
        env: antom_client::model::Env {
            terminal_type: Some(antom_client::model::TerminalType::App),
            os_type: Some(antom_client::model::OsType::Android),
            ..web_env()
        },
        redirect_url: "myshop://cards/saved".into(),
        ..vault_request(
            "app_vpm",
            "4000000000003220",
            "https://shop.example/webhooks/antom/vaulting".into(),
        )
    };
    let (code, response) = unknown(client.send(&request).await);
    assert_eq!(code, "VERIFICATION_IN_PROCESS");
    let response = response.unwrap();
    let normal_url = response.normal_url.unwrap();
    let applink = response.applink_url.unwrap();
    assert!(applink.starts_with(&normal_url), "{applink}");
    let inquiry = success(client.send(&InquireVaultingRequest::new("app_vpm")).await);
    assert_eq!(inquiry.applink_url.as_deref(), Some(applink.as_str()));
    // The challenge page takes the POST of `session` too; passing it returns to the app.
    let session = normal_url.rsplit('=').next().unwrap().to_owned();
    let answered = sim
        .browser()
        .post(sim.url("/checkout/3ds"))
        .form(&[("session", session.as_str()), ("outcome", "pass")])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let html = answered.text().await.unwrap();
    assert!(
        html.contains("href=\"myshop://cards/saved\" data-testid=\"sim-app-return\""),
        "{html}"
    );
    let inquiry = success(client.send(&InquireVaultingRequest::new("app_vpm")).await);
    assert_eq!(inquiry.vaulting_status, Some(VaultingStatus::Success));
}
