//! Field checks: PARAM_ILLEGAL (signed) with a message naming the field.

use antom_client::model::{Amount, CaptureMode, Goods, PaymentFactor};
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
