//! inquiryPayment: `POST /ams/api/v1/payments/inquiryPayment`.
//!
//! The authoritative state of a payment. `result` describes the call only; the payment's state
//! is `paymentStatus` (+ `paymentResultCode`), and its captures and refunds are `transactions`.
//! Safe to repeat. After a timed-out `pay`, inquire by `paymentRequestId`.

use serde::{Deserialize, Serialize};

use super::common::{Amount, CardInfo, PaymentResultInfo, RedirectActionForm, Transaction};
use super::enums::{PaymentMethodType, PaymentStatus};
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

/// One of `paymentRequestId` / `paymentId` must be set; Antom prefers `paymentId`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryPaymentRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_account_id: Option<String>,
}

impl InquiryPaymentRequest {
    pub fn by_payment_request_id(payment_request_id: impl Into<String>) -> Self {
        InquiryPaymentRequest {
            payment_request_id: Some(payment_request_id.into()),
            ..InquiryPaymentRequest::default()
        }
    }

    pub fn by_payment_id(payment_id: impl Into<String>) -> Self {
        InquiryPaymentRequest {
            payment_id: Some(payment_id.into()),
            ..InquiryPaymentRequest::default()
        }
    }
}

impl AntomRequest for InquiryPaymentRequest {
    type Response = InquiryPaymentResponse;
    const ENDPOINT: Endpoint = Endpoint::InquiryPayment;

    /// The id Antom looks the payment up by: `paymentId` if set, else `paymentRequestId`.
    fn request_id(&self) -> Option<&str> {
        self.payment_id.as_deref().or(self.payment_request_id.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryPaymentResponse {
    /// The inquiry call's outcome, not the payment's.
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<PaymentStatus>,
    /// Why the payment is where it is, e.g. `DO_NOT_HONOR`, `PAYMENT_IN_PROCESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_payment_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_create_time: Option<String>,
    /// Only when SUCCESS; starts the cancel and refund windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_expiry_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<PaymentMethodType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_info: Option<CardInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_result_info: Option<PaymentResultInfo>,
    /// When `paymentResultCode` is `PAYMENT_IN_PROCESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_action_form: Option<RedirectActionForm>,
    /// Captures, refunds and cancels of this payment, when there are any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<Transaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_reference_no: Option<String>,
}

impl InquiryPaymentResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        InquiryPaymentResponse {
            result,
            payment_status: None,
            payment_result_code: None,
            payment_result_message: None,
            payment_request_id: None,
            payment_id: None,
            payment_amount: None,
            actual_payment_amount: None,
            payment_create_time: None,
            payment_time: None,
            auth_expiry_time: None,
            payment_method_type: None,
            payment_redirect_url: None,
            card_info: None,
            payment_result_info: None,
            redirect_action_form: None,
            transactions: Vec::new(),
            acquirer_reference_no: None,
        }
    }
}

impl AntomResponse for InquiryPaymentResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TransactionStatus, TransactionType};
    use crate::result::ResultStatus;
    use serde_json::json;

    #[test]
    fn request_constructors_and_request_id() {
        let by_request = InquiryPaymentRequest::by_payment_request_id("pay_001");
        assert_eq!(
            serde_json::to_value(&by_request).unwrap(),
            json!({"paymentRequestId": "pay_001"})
        );
        assert_eq!(by_request.request_id(), Some("pay_001"));

        let by_id = InquiryPaymentRequest::by_payment_id("2024010119");
        assert_eq!(
            serde_json::to_value(&by_id).unwrap(),
            json!({"paymentId": "2024010119"})
        );
        let both = InquiryPaymentRequest {
            payment_request_id: Some("pay_001".into()),
            ..by_id
        };
        assert_eq!(both.request_id(), Some("2024010119"));
        assert_eq!(InquiryPaymentRequest::default().request_id(), None);
    }

    #[test]
    fn authorised_and_captured_payment() {
        // Shape of the card guide's inquiry sample (auth 2024-01-01, 7-day validity, one capture).
        let body = r#"{
            "acquirerReferenceNo": "ARN0001",
            "actualPaymentAmount": {"currency": "SGD", "value": "4200"},
            "authExpiryTime": "2024-01-08T00:01:00+08:00",
            "cardInfo": {"cardBrand": "VISA", "cardNo": "************1111", "funding": "CREDIT",
                         "issuingCountry": "SG", "threeDSResult": {"eci": "05", "threeDSVersion": "2.2.0"}},
            "paymentAmount": {"currency": "SGD", "value": "4200"},
            "paymentCreateTime": "2024-01-01T00:00:30+08:00",
            "paymentId": "20240101190740890100111150296464958",
            "paymentMethodType": "CARD",
            "paymentRedirectUrl": "https://shop.example/result",
            "paymentRequestId": "pay_001",
            "paymentResultCode": "SUCCESS",
            "paymentResultMessage": "success.",
            "paymentStatus": "SUCCESS",
            "paymentTime": "2024-01-01T00:01:00+08:00",
            "paymentResultInfo": {"cardToken": "tok_SECRET_INQ", "lastFour": "1111"},
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "Success"},
            "transactions": [{
                "transactionAmount": {"currency": "SGD", "value": "4200"},
                "transactionId": "20240101190740890100111150296464958CAP",
                "transactionRequestId": "cap_001",
                "transactionResult": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                "transactionStatus": "SUCCESS",
                "transactionTime": "2024-01-01T00:02:00+08:00",
                "transactionType": "CAPTURE"
            }],
            "settlementQuote": {"price": "1.0"}
        }"#;
        let response: InquiryPaymentResponse = serde_json::from_str(body).unwrap();
        assert!(response.result().is_success());
        assert_eq!(response.payment_status, Some(PaymentStatus::Success));
        assert_eq!(response.transactions.len(), 1);
        let capture = &response.transactions[0];
        assert_eq!(capture.transaction_type, TransactionType::Capture);
        assert_eq!(capture.transaction_status, TransactionStatus::Success);
        assert_eq!(capture.transaction_request_id.as_deref(), Some("cap_001"));
        assert_eq!(
            response.card_info.as_ref().unwrap().card_no.as_deref(),
            Some("************1111")
        );
        assert!(!format!("{response:?}").contains("tok_SECRET_INQ"));
    }

    #[test]
    fn unknown_status_and_failed_call_survive() {
        let response: InquiryPaymentResponse = serde_json::from_str(
            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},
                "paymentStatus":"SOMETHING_NEW","paymentRequestId":"pay_009","futureField":true}"#,
        )
        .unwrap();
        assert_eq!(
            response.payment_status,
            Some(PaymentStatus::Other("SOMETHING_NEW".into()))
        );
        assert_eq!(response.result.result_message, "");

        let not_found: InquiryPaymentResponse = serde_json::from_str(
            r#"{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"order not exist"}}"#,
        )
        .unwrap();
        assert_eq!(not_found.result.result_status, ResultStatus::Failed);
        assert!(not_found.payment_status.is_none() && not_found.transactions.is_empty());
        assert_eq!(
            serde_json::to_value(InquiryPaymentResponse::new(ResultInfo::success())).unwrap(),
            json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}})
        );
    }
}
