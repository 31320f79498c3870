//! The browser side: the SDK script, the hosted pages and the JSON API they call.

use antom_client::model::{CaptureMode, CreateVaultingSessionRequest, InquiryPaymentRequest, PaymentStatus};
use serde_json::{json, Value};

use crate::helpers::*;

async fn text(sim: &TestSim, path: &str) -> (reqwest::header::HeaderMap, String) {
    let response = sim.http.get(sim.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

async fn page_api(sim: &TestSim, session: &str, action: &str, body: Value) -> (u16, Value) {
    sim.post(&format!("/checkout/api/sessions/{session}/{action}"), body)
        .await
}

#[tokio::test]
async fn the_sdk_script_and_pages_carry_the_contract_hooks() {
    let sim = TestSim::start().await;
    let (headers, sdk) = text(&sim, "/sdk/ams-checkout.js").await;
    assert!(headers["content-type"].to_str().unwrap().contains("javascript"));
    for needle in [
        "global.AMSCashierPayment = AMSCashierPayment",
        "global.AMSVaulting = AMSVaulting",
        "})(window)",
        "createComponent",
        "mountComponent",
        "submit()",
        "unmount()",
        "preload()",
        "onEventCallback",
        "notRedirectAfterComplete",
        "SDK_PAYMENT_SUCCESSFUL",
        "SDK_PAYMENT_FAIL",
        "SDK_PAYMENT_PROCESSING",
        "SDK_PAYMENT_CANCEL",
        "SDK_PAYMENT_ERROR",
        "SDK_FORM_VERIFICATION_FAILED",
        "SDK_START_OF_LOADING",
        "SDK_END_OF_LOADING",
        "SDK_ASSET_BINDING_SUCCESSFUL",
        "SDK_ASSET_BINDING_PROCESSING",
        "SDK_ASSET_BINDING_FAIL",
        "SDK_ASSET_BINDING_CANCEL",
        "SDK_ASSET_BINDING_ERROR",
        "result: { paymentResultCode: resultCode || '', paymentResultMessage: resultMessage || '' }",
        "data-testid', 'sim-app-return'",
        "event.origin",
    ] {
        assert!(sdk.contains(needle), "the SDK lacks {needle}");
    }
    // Vaulting speaks the card-vaulting guide's codes, not invented ones; events carry no
    // bare `message` next to `result`.
    assert!(!sdk.contains("SDK_VAULTING_"));
    assert!(!sdk.contains("callback({ code: code, message"));

    // The Payment Element, with 1.47.2's surface (typings: element/index.d.ts, type.d.ts).
    for needle in [
        "global.AMSElement = AMSElement",
        "global.ThemeType = ThemeType",
        "class InvalidElementConfigError extends Error",
        "this.name = 'InvalidElementConfigError'",
        "mount(renderOptions, sdkSelector)",
        "submitPayment()",
        "validateFields()",
        "updatePayment(paymentSessionData)",
        "destroy()",
        "'SDK_CREATE_COMPONENT_ERROR'",
        "'SDK_CREATEPAYMENT_PARAMETER_ERROR'",
        "'SDK_LAUNCH_PAYMENT_APP_ERROR'",
        "'SDK_CALL_URL_SUCCESS'",
        "'PARAM_INVALID'",
        "'UI_STATE_ERROR'",
        "'INITIALIZE_WEB_TIMEOUT'",
        "'INQUIRY_PAYMENT_SESSION_FAILED'",
        "'FORM_INVALID'",
        "needChangeSessionForRetry",
        "onStartLoading",
        "onEndLoading",
        "MOUNT_TIMEOUT_MS = 10000",
        "paymentSessionConfig",
        "split('&&')",
        "'ELEMENT_PAYMENT'",
        "'CHECKOUT_PAYMENT'",
    ] {
        assert!(sdk.contains(needle), "the SDK lacks {needle}");
    }

    let (headers, form) = text(&sim, "/checkout/form?session=x").await;
    for hook in [
        "name=\"cardNumber\"",
        "name=\"expiry\"",
        "name=\"cvv\"",
        "name=\"holderName\"",
        "data-testid=\"sim-submit\"",
        "data-testid=\"sim-cancel\"",
        "data-testid=\"sim-new-card\"",
        "name=\"savedCvv\"",
    ] {
        assert!(form.contains(hook), "the form lacks {hook}");
    }
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let (_, challenge) = text(&sim, "/checkout/3ds?session=x").await;
    assert!(
        challenge.contains("data-testid=\"sim-3ds-pass\"")
            && challenge.contains("data-testid=\"sim-3ds-fail\"")
    );
    for page in [&form, &challenge] {
        // No inline script: every script tag loads a file.
        assert_eq!(
            page.matches("<script").count(),
            page.matches("<script src=").count()
        );
    }
    for asset in ["frame.js", "form.js", "challenge.js", "sim.css"] {
        text(&sim, &format!("/checkout/assets/{asset}")).await;
    }
}

#[tokio::test]
async fn the_hosted_form_pays_through_a_challenge() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let created = success(
        client
            .send(&session_request("web_1", sgd("4205"), None, CaptureMode::Manual))
            .await,
    );
    let session = created.payment_session_id.unwrap();

    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    assert_eq!(
        (view["kind"].as_str(), view["state"].as_str()),
        (Some("payment"), Some("OPEN"))
    );
    assert_eq!(view["amountText"], "SGD 42.05");

    let card =
        |number: &str| json!({"cardNumber": number, "expiry": "12/39", "cvv": "123", "holderName": "Ada"});
    let (status, refused) = page_api(&sim, &session, "submit", card("4111111111111112")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (refused["inputError"].as_bool(), refused["state"].as_str()),
        (Some(true), Some("OPEN"))
    );
    assert_eq!(refused["resultCode"], "INVALID_CARD_NUMBER");

    let (_, challenged) = page_api(&sim, &session, "submit", card("4000 0000 0000 3220")).await;
    assert_eq!(challenged["state"], "CHALLENGE");
    assert!(challenged["challengeUrl"]
        .as_str()
        .unwrap()
        .contains("/checkout/3ds?session="));
    assert_eq!(challenged["cardLastFour"], "3220");

    let (_, done) = page_api(&sim, &session, "challenge", json!({"outcome": "pass"})).await;
    assert_eq!(done["state"], "SUCCESS");
    assert_eq!(
        done["redirectUrl"],
        "https://shop.example/checkout/result?order=1"
    );
    let inquiry = success(
        client
            .send(&InquiryPaymentRequest::by_payment_request_id("web_1"))
            .await,
    );
    assert_eq!(inquiry.payment_status, Some(PaymentStatus::Success));

    let (status, again) = page_api(&sim, &session, "challenge", json!({"outcome": "pass"})).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("ORDER_STATUS_INVALID"))
    );
    let (status, _) = page_api(&sim, &session, "challenge", json!({"outcome": "maybe"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_and_unknown_sessions_are_refused_with_a_clear_message() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let mut request = session_request("web_2", sgd("100"), None, CaptureMode::Manual);
    request.payment_session_expiry_time = Some(antom_client::time::iso8601(
        chrono::Utc::now() + chrono::TimeDelta::seconds(30),
    ));
    let session = success(client.send(&request).await).payment_session_id.unwrap();
    sim.post("/__sim/clock/advance", json!({"seconds": 60})).await;
    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    assert_eq!(view["state"], "EXPIRED");
    assert!(view["resultMessage"].as_str().unwrap().contains("expired"));
    let (status, refused) = page_api(
        &sim,
        &session,
        "submit",
        json!({"cardNumber": "4111111111111111", "expiry": "12/39", "cvv": "123"}),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("SESSION_EXPIRED"))
    );

    let response = sim
        .http
        .get(sim.url("/checkout/api/sessions/unknown"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_hosted_form_binds_a_card_for_vaulting() {
    let sim = TestSim::start().await;
    let receiver = Receiver::start().await;
    let client = sim.client();
    let created = success(
        client
            .send(&CreateVaultingSessionRequest {
                vaulting_request_id: "web_vault".into(),
                vaulting_notification_url: receiver.url("/vaulting"),
                ..CreateVaultingSessionRequest::default()
            })
            .await,
    );
    let session = created.vaulting_session_id.unwrap();
    assert!(created.normal_url.unwrap().ends_with(&session));
    let view = sim.get(&format!("/checkout/api/sessions/{session}")).await;
    assert_eq!(
        (view["kind"].as_str(), view["state"].as_str()),
        (Some("vaulting"), Some("OPEN"))
    );
    let (_, done) = page_api(
        &sim,
        &session,
        "submit",
        json!({"cardNumber": "5555555555554444", "expiry": "08/39", "cvv": "123"}),
    )
    .await;
    assert_eq!(
        (done["state"].as_str(), done["cardLastFour"].as_str()),
        (Some("SUCCESS"), Some("4444"))
    );
    receiver.wait_for(1).await[0].verified();
}
