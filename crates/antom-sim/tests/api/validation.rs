//! Field checks: PARAM_ILLEGAL (signed) with a message naming the field.

use antom_client::model::{
    Amount, CaptureMode, CardDetail, CreatePaymentSessionRequest, CreateVaultingSessionRequest, Env, Goods,
    Order, OsType, PayRequest, PaymentFactor, PaymentMethod, PaymentMethodDetail, SettlementStrategy,
    TerminalType, VaultPaymentMethodRequest,
};
use serde_json::json;

use crate::helpers::*;

const SESSION: &str = "/ams/sandbox/api/v1/payments/createPaymentSession";

#[tokio::test]
async fn bad_fields_are_param_illegal_naming_the_field() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let base = || session_request("val_1", sgd("4200"), None, CaptureMode::Manual);

    let cases = vec![
        ("paymentRequestId", {
            let mut r = base();
            r.payment_request_id = "x".repeat(65);
            r
        }),
        ("paymentAmount.value", {
            let mut r = base();
            r.payment_amount = sgd("0");
            r
        }),
        ("paymentAmount.value", {
            let mut r = base();
            r.payment_amount = sgd("0420");
            r
        }),
        ("paymentAmount.value", {
            let mut r = base();
            r.payment_amount = sgd("42.00");
            r
        }),
        ("paymentAmount.currency", {
            let mut r = base();
            r.payment_amount = Amount::new("sgd", "4200");
            r
        }),
        ("paymentAmount.value", {
            let mut r = base();
            r.payment_amount = Amount::new("IDR", "10050");
            r
        }),
        ("paymentFactor.isAuthorization", {
            let mut r = base();
            r.payment_factor = Some(PaymentFactor::default());
            r
        }),
        ("paymentRedirectUrl", {
            let mut r = base();
            r.payment_redirect_url = format!("https://shop.example/{}", "a".repeat(2048));
            r
        }),
        ("paymentNotifyUrl", {
            let mut r = base();
            r.payment_notify_url = Some("not a url".into());
            r
        }),
        ("order.orderDescription", {
            let mut r = base();
            r.order.order_description = "d".repeat(257);
            r
        }),
        ("order.goods", {
            let mut r = base();
            r.order.goods = (0..101)
                .map(|i| Goods {
                    reference_goods_id: format!("sku{i}"),
                    goods_name: "thing".into(),
                    ..Goods::default()
                })
                .collect();
            r
        }),
        ("paymentSessionExpiryTime", {
            let mut r = base();
            r.payment_session_expiry_time = Some(antom_client::time::iso8601(
                chrono::Utc::now() + chrono::TimeDelta::hours(2),
            ));
            r
        }),
    ];
    for (field, request) in cases {
        let (code, message) = failure(client.send(&request).await);
        assert_eq!(code, "PARAM_ILLEGAL", "{field}: {message}");
        assert!(message.contains(field), "{field}: {message}");
    }

    let mut unsupported = base();
    unsupported.payment_amount = Amount::new("XYZ", "100");
    let (code, message) = failure(client.send(&unsupported).await);
    assert_eq!(code, "CURRENCY_NOT_SUPPORT", "{message}");

    // A refused request left nothing behind: the same id now works.
    success(client.send(&base()).await);
}

#[tokio::test]
async fn wrong_types_and_missing_fields_are_param_illegal_and_string_booleans_are_fine() {
    let sim = TestSim::start().await;
    let body = |payment_request_id: &str, value: serde_json::Value, is_auth: serde_json::Value| {
        json!({
            "productCode": "CASHIER_PAYMENT",
            "paymentRequestId": payment_request_id,
            "paymentAmount": {"currency": "SGD", "value": value},
            "order": {"referenceOrderId": "o1", "orderDescription": "thing"},
            "paymentRedirectUrl": "https://shop.example/r",
            "paymentFactor": {"isAuthorization": is_auth, "captureMode": "MANUAL"},
        })
    };
    let (_, answer) = Raw::new(SESSION, body("val_2", json!(4200), json!(true)))
        .send(&sim)
        .await;
    assert_eq!(
        answer["result"]["resultCode"], "PARAM_ILLEGAL",
        "numeric amount value: {answer}"
    );

    let mut missing = body("val_3", json!("4200"), json!(true));
    missing.as_object_mut().unwrap().remove("paymentRequestId");
    let (headers, answer) = Raw::new(SESSION, missing).send(&sim).await;
    assert_eq!(answer["result"]["resultCode"], "PARAM_ILLEGAL");
    assert!(answer["result"]["resultMessage"]
        .as_str()
        .unwrap()
        .contains("paymentRequestId"));
    assert!(headers.contains_key("signature"));

    let (_, answer) = Raw::new(SESSION, body("val_4", json!("4200"), json!("true")))
        .send(&sim)
        .await;
    assert_eq!(
        answer["result"]["resultCode"], "SUCCESS",
        "\"true\" is accepted: {answer}"
    );

    let (_, answer) = Raw::new(SESSION, json!([1, 2])).send(&sim).await;
    assert_eq!(answer["result"]["resultCode"], "PARAM_ILLEGAL");
}

fn token_pay(id: &str, env: Option<Env>) -> PayRequest {
    PayRequest {
        payment_request_id: id.into(),
        payment_amount: sgd("2500"),
        order: Order {
            reference_order_id: format!("order_{id}"),
            order_description: "Hoodie".into(),
            ..Order::default()
        },
        // Never issued: a request that passes the field checks is refused INVALID_CARD.
        payment_method: PaymentMethod::vaulted_card("ALIPAYnotATokenWeIssued=="),
        payment_redirect_url: "https://shop.example/result".into(),
        payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Manual)),
        env,
        ..PayRequest::default()
    }
}

fn vault(id: &str, env: Env) -> VaultPaymentMethodRequest {
    VaultPaymentMethodRequest {
        vaulting_request_id: id.into(),
        vaulting_notification_url: "http://127.0.0.1:9/webhooks/antom/vaulting".into(),
        redirect_url: "https://shop.example/cards".into(),
        payment_method_detail: PaymentMethodDetail::card(CardDetail {
            card_no: Some("4111111111111111".into()),
            cvv: Some("123".into()),
            expiry_month: Some("08".into()),
            expiry_year: Some("39".into()),
            ..CardDetail::default()
        }),
        env,
        ..VaultPaymentMethodRequest::default()
    }
}

fn app(client_ip: Option<&str>, os: Option<OsType>) -> Env {
    Env {
        terminal_type: Some(TerminalType::App),
        os_type: os,
        client_ip: client_ip.map(str::to_owned),
        ..Env::default()
    }
}

#[tokio::test]
async fn card_calls_need_the_buyers_environment() {
    let sim = TestSim::start().await;
    let client = sim.client();

    // pay with a card token: env.clientIp is required.
    for env in [None, Some(Env::default())] {
        let (code, message) = failure(client.send(&token_pay("env_1", env)).await);
        assert_eq!(code, "PARAM_ILLEGAL");
        assert!(message.starts_with("env.clientIp"), "{message}");
    }
    assert_eq!(
        failure(client.send(&token_pay("env_1", Some(web_env()))).await).0,
        "INVALID_CARD"
    );
    // vaultPaymentMethod: the same.
    let (code, message) = failure(client.send(&vault("env_2", Env::default())).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(message.starts_with("env.clientIp"), "{message}");
    success(client.send(&vault("env_2", web_env())).await);
    // createPaymentSession: the environment is welcome, not required.
    let plain = session_request("env_3", sgd("100"), None, CaptureMode::Manual);
    success(client.send(&plain).await);
    let with_env = CreatePaymentSessionRequest {
        env: Some(Env {
            browser_info: Some(json!({"acceptHeader": "text/html", "language": "en-SG"})),
            ..web_env()
        }),
        ..session_request("env_4", sgd("100"), None, CaptureMode::Manual)
    };
    success(client.send(&with_env).await);
    let bad_ip = CreatePaymentSessionRequest {
        env: Some(Env {
            client_ip: Some("not-an-ip".into()),
            ..Env::default()
        }),
        ..session_request("env_5", sgd("100"), None, CaptureMode::Manual)
    };
    let (code, message) = failure(client.send(&bad_ip).await);
    assert_eq!(
        (code.as_str(), message.starts_with("env.clientIp")),
        ("PARAM_ILLEGAL", true),
        "{message}"
    );

    // terminalType APP needs osType, everywhere.
    let no_os = CreatePaymentSessionRequest {
        env: Some(app(None, None)),
        ..session_request("env_6", sgd("100"), None, CaptureMode::Manual)
    };
    let (code, message) = failure(client.send(&no_os).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(message.starts_with("env.osType"), "{message}");
    let (_, message) = failure(
        client
            .send(&token_pay("env_7", Some(app(Some("203.0.113.1"), None))))
            .await,
    );
    assert!(message.starts_with("env.osType"), "{message}");
    let (_, message) = failure(client.send(&vault("env_8", app(Some("203.0.113.1"), None))).await);
    assert!(message.starts_with("env.osType"), "{message}");
    let ios = CreatePaymentSessionRequest {
        env: Some(app(None, Some(OsType::Ios))),
        ..session_request("env_6", sgd("100"), None, CaptureMode::Manual)
    };
    success(client.send(&ios).await);
}

#[tokio::test]
async fn a_merchant_with_several_settlement_currencies_must_name_one() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let with = |id: &str, currency: Option<&str>| CreatePaymentSessionRequest {
        settlement_strategy: currency.map(|c| SettlementStrategy {
            settlement_currency: Some(c.into()),
        }),
        ..session_request(id, sgd("100"), None, CaptureMode::Manual)
    };
    // Default: one settlement currency, the field is optional.
    success(client.send(&with("set_1", None)).await);
    assert_eq!(
        sim.get("/__sim/merchant").await["settlementCurrencies"],
        json!([])
    );

    let (status, view) = sim
        .post("/__sim/merchant", json!({"settlementCurrencies": ["SGD", "USD"]}))
        .await;
    assert_eq!(
        (status, view["settlementCurrencies"].clone()),
        (200, json!(["SGD", "USD"]))
    );
    let (code, message) = failure(client.send(&with("set_2", None)).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(
        message.starts_with("settlementStrategy.settlementCurrency"),
        "{message}"
    );
    success(client.send(&with("set_2", Some("USD"))).await);
    assert_eq!(
        failure(client.send(&with("set_3", Some("EUR"))).await).0,
        "CURRENCY_NOT_SUPPORT"
    );
    let (code, message) = failure(client.send(&token_pay("set_4", Some(web_env()))).await);
    assert_eq!(code, "PARAM_ILLEGAL");
    assert!(
        message.starts_with("settlementStrategy.settlementCurrency"),
        "{message}"
    );

    for bad in [
        json!({"settlementCurrencies": ["SGD", "sgd"]}),
        json!({"currencies": ["SGD"]}),
    ] {
        let (status, answer) = sim.post("/__sim/merchant", bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    let (status, _) = sim.post("/__sim/reset", json!({})).await;
    assert_eq!(status, 204);
    success(client.send(&with("set_5", None)).await);
}

#[tokio::test]
async fn redirect_urls_may_open_an_app_but_garbage_is_refused() {
    let sim = TestSim::start().await;
    let client = sim.client();
    let accepted = [
        "myshop://checkout/result?x=1",
        "com.example.shop:/checkout/result",
        "https://app.example.com/open/result?o=1",
    ];
    let refused = [
        "not a url",
        "myshop://checkout result",
        "/checkout/result",
        "javascript:alert(1)",
        "myshop:",
    ];
    let session = |id: &str, url: &str| CreatePaymentSessionRequest {
        payment_redirect_url: url.into(),
        ..session_request(id, sgd("100"), None, CaptureMode::Manual)
    };
    for (i, url) in accepted.iter().enumerate() {
        success(client.send(&session(&format!("rd_ok_{i}"), url)).await);
        let pay = PayRequest {
            payment_redirect_url: (*url).into(),
            ..token_pay(&format!("rd_pay_{i}"), Some(web_env()))
        };
        assert_eq!(failure(client.send(&pay).await).0, "INVALID_CARD", "{url}");
        let direct = VaultPaymentMethodRequest {
            redirect_url: (*url).into(),
            ..vault(&format!("rd_vault_{i}"), web_env())
        };
        success(client.send(&direct).await);
        let vaulting = CreateVaultingSessionRequest {
            vaulting_request_id: format!("rd_vs_{i}"),
            vaulting_notification_url: "https://shop.example/webhooks/antom/vaulting".into(),
            redirect_url: Some((*url).into()),
            ..CreateVaultingSessionRequest::default()
        };
        success(client.send(&vaulting).await);
    }
    let too_long = format!("myshop://{}", "a".repeat(2048));
    for url in refused.iter().copied().chain([too_long.as_str()]) {
        let (code, message) = failure(client.send(&session("rd_bad", url)).await);
        assert_eq!(code, "PARAM_ILLEGAL", "{url}");
        assert!(message.starts_with("paymentRedirectUrl"), "{url}: {message}");
        let pay = PayRequest {
            payment_redirect_url: url.into(),
            ..token_pay("rd_bad_pay", Some(web_env()))
        };
        let (_, message) = failure(client.send(&pay).await);
        assert!(message.starts_with("paymentRedirectUrl"), "{url}: {message}");
        let direct = VaultPaymentMethodRequest {
            redirect_url: url.into(),
            ..vault("rd_bad_vault", web_env())
        };
        let (_, message) = failure(client.send(&direct).await);
        assert!(message.starts_with("redirectUrl"), "{url}: {message}");
    }
    // Notification URLs stay web URLs.
    let (_, message) = failure(
        client
            .send(&CreatePaymentSessionRequest {
                payment_notify_url: Some("myshop://notify".into()),
                ..session_request("rd_notify", sgd("100"), None, CaptureMode::Manual)
            })
            .await,
    );
    assert!(message.starts_with("paymentNotifyUrl"), "{message}");
}
