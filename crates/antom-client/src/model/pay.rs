//! pay: `POST /ams/api/v1/payments/pay`.
//!
//! Server-to-server payment, in this product with a vaulted card
//! (`paymentMethod = {CARD, paymentMethodId: cardToken}`). Idempotent by `paymentRequestId`.
//! `U`/`PAYMENT_IN_PROCESS` means the buyer must go to `normalUrl` (or `redirectActionForm`)
//! for 3-D Secure; the final result then arrives by notifyPayment or inquiryPayment.

use serde::{Deserialize, Serialize};

use super::common::{
    Amount, Env, Order, PaymentFactor, PaymentMethod, PaymentResultInfo, RedirectActionForm,
    SettlementStrategy,
};
use super::enums::ProductCode;
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayRequest {
    pub product_code: ProductCode,
    /// Ours, max 64; Antom's idempotency key.
    pub payment_request_id: String,
    pub payment_amount: Amount,
    pub order: Order,
    pub payment_method: PaymentMethod,
    pub payment_redirect_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_notify_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_factor: Option<PaymentFactor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_strategy: Option<SettlementStrategy>,
    /// Recommended for cards (`clientIp`, `userAgent`, browser data for 3-D Secure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// ISO-8601; Antom's default is about 14 minutes, a custom value must be within 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_region: Option<String>,
}

impl AntomRequest for PayRequest {
    type Response = PayResponse;
    const ENDPOINT: Endpoint = Endpoint::Pay;

    fn request_id(&self) -> Option<&str> {
        Some(&self.payment_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayResponse {
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_create_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    /// Cards: captures are impossible after this time (7 days after authorisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result_info: Option<PaymentResultInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_action_form: Option<RedirectActionForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_url: Option<String>,
    /// Also read as `appLinkUrl`, the spelling one Python SDK uses.
    #[serde(default, alias = "appLinkUrl", skip_serializing_if = "Option::is_none")]
    pub applink_url: Option<String>,
}

impl PayResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        PayResponse {
            result,
            payment_request_id: None,
            payment_id: None,
            payment_amount: None,
            payment_create_time: None,
            payment_time: None,
            auth_expiry_time: None,
            payment_result_info: None,
            redirect_action_form: None,
            normal_url: None,
            scheme_url: None,
            applink_url: None,
        }
    }
}

impl AntomResponse for PayResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionFormMethod, CaptureMode, PaymentMethodType};
    use crate::result::ResultStatus;
    use serde_json::json;

    const TOKEN: &str = "ALIPAYJv3eLdeLEBhzqAi+lM2y2UZfIVyWcJlKoEGbJmYvmvy2iFN1ZC5sIp/HqqWy+JMuKZbh6Q==";

    fn vaulted_card_pay() -> PayRequest {
        PayRequest {
            payment_request_id: "pay_002".into(),
            payment_amount: Amount::new("SGD", "4200"),
            order: Order {
                reference_order_id: "ord_2".into(),
                order_description: "Hoodie".into(),
                ..Order::default()
            },
            payment_method: PaymentMethod::vaulted_card(TOKEN),
            payment_redirect_url: "https://shop.example/result".into(),
            payment_factor: Some(PaymentFactor::card_authorization(CaptureMode::Automatic)),
            ..PayRequest::default()
        }
    }

    #[test]
    fn request_serializes_with_antom_names() {
        let request = vaulted_card_pay();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": "pay_002",
                "paymentAmount": {"currency": "SGD", "value": "4200"},
                "order": {"referenceOrderId": "ord_2", "orderDescription": "Hoodie"},
                "paymentMethod": {"paymentMethodType": "CARD", "paymentMethodId": TOKEN},
                "paymentRedirectUrl": "https://shop.example/result",
                "paymentFactor": {"isAuthorization": true, "captureMode": "AUTOMATIC"}
            })
        );
        assert_eq!(request.request_id(), Some("pay_002"));
        assert_eq!(<PayRequest as AntomRequest>::ENDPOINT, Endpoint::Pay);
    }

    #[test]
    fn debug_of_a_pay_request_does_not_print_the_card_token() {
        let debug = format!("{:?}", vaulted_card_pay());
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(!debug.contains("ALIPAYJv3eLdeLEBhzqAi"), "{debug}");
        assert!(debug.contains("pay_002"));
    }

    #[test]
    fn in_process_response_with_3ds_redirect() {
        let body = r#"{
            "authExpiryTime": "2024-01-08T00:01:00+08:00",
            "normalUrl": "https://open-sea-global.alipay.com/ams/3ds?id=1",
            "paymentAmount": {"currency": "SGD", "value": "4200"},
            "paymentCreateTime": "2024-01-01T00:00:30+08:00",
            "paymentId": "20240101190740890100111150296464958",
            "paymentRequestId": "pay_002",
            "redirectActionForm": {"method": "GET", "redirectUrl": "https://open-sea-global.alipay.com/ams/3ds?id=1"},
            "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U", "resultMessage": "payment in process"},
            "appLinkUrl": "https://app.example/3ds",
            "challengeActionForm": {"challengeType": "OTP"}
        }"#;
        let response: PayResponse = serde_json::from_str(body).unwrap();
        assert_eq!(response.result().result_status, ResultStatus::Unknown);
        assert_eq!(
            response.redirect_action_form.as_ref().unwrap().method,
            Some(ActionFormMethod::Get)
        );
        assert_eq!(response.applink_url.as_deref(), Some("https://app.example/3ds"));
        // Written back in the spelling Antom's docs and the Java SDK use.
        let back = serde_json::to_value(&response).unwrap();
        assert_eq!(back["applinkUrl"], json!("https://app.example/3ds"));
        assert!(back.get("appLinkUrl").is_none());
    }

    #[test]
    fn success_response_with_card_result() {
        let body = r#"{
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "paymentRequestId": "pay_002", "paymentId": "2024010119074089010011115029646",
            "paymentAmount": {"currency": "SGD", "value": "4200"},
            "paymentTime": "2024-01-01T00:01:00+08:00",
            "paymentResultInfo": {"cardBrand": "VISA", "cardNo": "************1111", "cardToken": "tok_NEW_SECRET",
                                  "funding": "CREDIT", "networkTransactionId": "123456789012345",
                                  "threeDSResult": {"eci": "05", "threeDSVersion": "2.2.0"}},
            "grossSettlementAmount": {"currency": "USD", "value": "3100"}
        }"#;
        let response: PayResponse = serde_json::from_str(body).unwrap();
        let info = response.payment_result_info.as_ref().unwrap();
        assert_eq!(info.card_brand.as_deref(), Some("VISA"));
        assert_eq!(info.card_token.as_ref().unwrap().expose(), "tok_NEW_SECRET");
        assert!(!format!("{response:?}").contains("tok_NEW_SECRET"));
        assert_eq!(
            PaymentMethod::vaulted_card(info.card_token.clone().unwrap()).payment_method_type,
            PaymentMethodType::Card
        );
    }
}
