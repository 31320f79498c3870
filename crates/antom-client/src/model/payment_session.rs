//! createPaymentSession: `POST /ams/api/v1/payments/createPaymentSession`.
//!
//! Creates the session the front-end SDK (or Antom's hosted page, `productScene:
//! CHECKOUT_PAYMENT`) uses to take the card and run 3-D Secure. The server learns the outcome
//! from notifyPayment or inquiryPayment. Idempotent by `paymentRequestId`.

use serde::{Deserialize, Serialize};

use super::common::{Amount, Env, Order, PaymentFactor, PaymentMethod, SettlementStrategy};
use super::enums::{ProductCode, ProductScene};
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentSessionRequest {
    pub product_code: ProductCode,
    /// Ours, max 64; one per payment attempt; Antom's idempotency key.
    pub payment_request_id: String,
    pub payment_amount: Amount,
    pub order: Order,
    /// Required by the card guides, optional in newer docs: send `PaymentMethod::card()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethod>,
    /// Where the buyer comes back to (max 2048).
    pub payment_redirect_url: String,
    /// Overrides the Dashboard's notification URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_strategy: Option<SettlementStrategy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_factor: Option<PaymentFactor>,
    /// ISO-8601; default and maximum: one hour after creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_session_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// `CHECKOUT_PAYMENT` (Antom's hosted page, answered with `normalUrl`) or
    /// `ELEMENT_PAYMENT` (the Payment Element); absent for the `AMSCashierPayment` SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_scene: Option<ProductScene>,
    /// Cards the buyer saved with the merchant (`{paymentMethodType: CARD, paymentMethodId:
    /// cardToken}`): the Payment Element offers them beside a new card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_payment_methods: Option<Vec<PaymentMethod>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_region: Option<String>,
    /// Free text (Antom documents a JSON string) returned in notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

impl AntomRequest for CreatePaymentSessionRequest {
    type Response = CreatePaymentSessionResponse;
    const ENDPOINT: Endpoint = Endpoint::CreatePaymentSession;

    fn request_id(&self) -> Option<&str> {
        Some(&self.payment_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentSessionResponse {
    pub result: ResultInfo,
    /// Opaque (≤ 4096), handed to the front-end SDK as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_session_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_session_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_session_id: Option<String>,
    /// Antom's hosted checkout page when `productScene` is `CHECKOUT_PAYMENT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
}

impl CreatePaymentSessionResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        CreatePaymentSessionResponse {
            result,
            payment_session_data: None,
            payment_session_expiry_time: None,
            payment_session_id: None,
            normal_url: None,
        }
    }
}

impl AntomResponse for CreatePaymentSessionResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaptureMode, PaymentMethodType, TerminalType};
    use crate::result::ResultStatus;
    use serde_json::json;

    #[test]
    fn request_serializes_with_antom_names_and_no_absent_fields() {
        let request = CreatePaymentSessionRequest {
            payment_request_id: "pay_001".into(),
            payment_amount: Amount::new("SGD", "4200"),
            order: Order {
                reference_order_id: "ord_1".into(),
                order_description: "T-shirts".into(),
                ..Order::default()
            },
            payment_method: Some(PaymentMethod::card()),
            payment_redirect_url: "https://shop.example/result?o=ord_1".into(),
            payment_notify_url: Some("https://shop.example/webhooks/antom/payment".into()),
            payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Manual)),
            settlement_strategy: Some(SettlementStrategy {
                settlement_currency: Some("SGD".into()),
            }),
            env: Some(Env {
                terminal_type: Some(TerminalType::Web),
                ..Env::default()
            }),
            product_scene: Some(ProductScene::CheckoutPayment),
            ..CreatePaymentSessionRequest::default()
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": "pay_001",
                "paymentAmount": {"currency": "SGD", "value": "4200"},
                "order": {"referenceOrderId": "ord_1", "orderDescription": "T-shirts"},
                "paymentMethod": {"paymentMethodType": "CARD"},
                "paymentRedirectUrl": "https://shop.example/result?o=ord_1",
                "paymentNotifyUrl": "https://shop.example/webhooks/antom/payment",
                "settlementStrategy": {"settlementCurrency": "SGD"},
                "paymentFactor": {"isAuthorization": true, "captureMode": "MANUAL"},
                "env": {"terminalType": "WEB"},
                "productScene": "CHECKOUT_PAYMENT"
            })
        );
        assert_eq!(request.request_id(), Some("pay_001"));
        assert_eq!(
            <CreatePaymentSessionRequest as AntomRequest>::ENDPOINT,
            Endpoint::CreatePaymentSession
        );
    }

    #[test]
    fn request_from_a_doc_style_body_with_string_booleans() {
        // The shape the card guides show, with the docs' string boolean.
        let request: CreatePaymentSessionRequest = serde_json::from_value(json!({
            "productCode": "CASHIER_PAYMENT",
            "paymentRequestId": "REQUEST_20240101",
            "paymentAmount": {"currency": "SGD", "value": "4200"},
            "order": {"referenceOrderId": "ORDER_1", "orderDescription": "SAMPLE",
                      "orderAmount": {"currency": "SGD", "value": "4200"},
                      "buyer": {"referenceBuyerId": "yanming0001"}, "shipping": {"x": 1}},
            "paymentMethod": {"paymentMethodType": "CARD"},
            "paymentRedirectUrl": "https://www.example.com",
            "paymentNotifyUrl": "https://www.example.com/notify",
            "paymentFactor": {"isAuthorization": "true"},
            "settlementStrategy": {"settlementCurrency": "USD"},
            "enableInstallmentCollection": "false",
            "productScene": "ELEMENT_PAYMENT"
        }))
        .unwrap();
        assert_eq!(request.payment_factor.unwrap().is_authorization, Some(true));
        assert_eq!(
            request.payment_method.unwrap().payment_method_type,
            PaymentMethodType::Card
        );
        assert_eq!(request.product_scene, Some(ProductScene::ElementPayment));
    }

    #[test]
    fn response_from_a_sample_body() {
        let body = r#"{
            "normalUrl": "https://checkout.antom.com/pay?sessionId=abc",
            "paymentSessionData": "UNvjVWnWPXJA4BgW+vfjsQj7PbOraafHY19X+6EqMz6Kvvmsdk+akdLvoShW5avHX8e8J15P8uNVEf/PcCMyXg==&&SG&&111",
            "paymentSessionExpiryTime": "2024-01-01T01:00:00+08:00",
            "paymentSessionId": "UNvjVWnWPXJA4BgW+vfjsQj7PbOraafHY19X+6EqMz6Kvvmsdk+akdLvoShW5avHX8e8J15P8uNVEf/PcCMyXg==",
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "brandNewField": [1, 2, 3]
        }"#;
        let response: CreatePaymentSessionResponse = serde_json::from_str(body).unwrap();
        assert!(response.result().is_success());
        assert!(response
            .payment_session_data
            .as_deref()
            .unwrap()
            .ends_with("&&SG&&111"));
        assert_eq!(
            response.payment_session_expiry_time.as_deref(),
            Some("2024-01-01T01:00:00+08:00")
        );
    }

    #[test]
    fn failed_response_has_only_a_result() {
        let response: CreatePaymentSessionResponse = serde_json::from_str(
            r#"{"result":{"resultCode":"PARAM_ILLEGAL","resultStatus":"F","resultMessage":"bad"}}"#,
        )
        .unwrap();
        assert_eq!(response.result.result_status, ResultStatus::Failed);
        assert_eq!(
            response,
            CreatePaymentSessionResponse::new(ResultInfo::failed("PARAM_ILLEGAL", "bad"))
        );
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"result": {"resultCode": "PARAM_ILLEGAL", "resultStatus": "F", "resultMessage": "bad"}})
        );
    }
}
