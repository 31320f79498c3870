//! refund: `POST /ams/api/v1/payments/refund`.
//!
//! Full or partial refund of a captured payment; several refunds may add up to the amount
//! paid. Idempotent by `refundRequestId` (same id + same amount = same result).
//! `U`/`REFUND_IN_PROCESS` must **not** be resent: wait for notifyRefund or inquiryRefund.

use serde::{Deserialize, Serialize};

use super::common::Amount;
use super::lenient;
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    /// Ours, max 64; Antom's idempotency key.
    pub refund_request_id: String,
    pub payment_id: String,
    /// In the payment's currency.
    pub refund_amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_refund_id: Option<String>,
    /// Max 256; may be shown to the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_reason: Option<String>,
    /// Overrides the Dashboard's notification URL (max 1024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_notify_url: Option<String>,
    /// Read from `true` or `"true"`, written as a JSON boolean.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_async_refund: Option<bool>,
    /// Which capture to refund, when a payment was captured several times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

impl RefundRequest {
    pub fn new(
        refund_request_id: impl Into<String>,
        payment_id: impl Into<String>,
        refund_amount: Amount,
    ) -> Self {
        RefundRequest {
            refund_request_id: refund_request_id.into(),
            payment_id: payment_id.into(),
            refund_amount,
            ..RefundRequest::default()
        }
    }
}

impl AntomRequest for RefundRequest {
    type Response = RefundResponse;
    const ENDPOINT: Endpoint = Endpoint::Refund;

    fn request_id(&self) -> Option<&str> {
        Some(&self.refund_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_reference_no: Option<String>,
}

impl RefundResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        RefundResponse {
            result,
            refund_request_id: None,
            refund_id: None,
            payment_id: None,
            refund_amount: None,
            refund_time: None,
            acquirer_reference_no: None,
        }
    }
}

impl AntomResponse for RefundResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::ResultStatus;
    use serde_json::json;

    #[test]
    fn request_serializes_with_antom_names() {
        let request = RefundRequest {
            refund_reason: Some("damaged".into()),
            is_async_refund: Some(false),
            ..RefundRequest::new("ref_001", "2024010119", Amount::new("SGD", "1000"))
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"refundRequestId": "ref_001", "paymentId": "2024010119",
                   "refundAmount": {"currency": "SGD", "value": "1000"},
                   "refundReason": "damaged", "isAsyncRefund": false})
        );
        assert_eq!(request.request_id(), Some("ref_001"));
        assert_eq!(<RefundRequest as AntomRequest>::ENDPOINT, Endpoint::Refund);
        let parsed: RefundRequest = serde_json::from_str(
            r#"{"refundRequestId":"r","paymentId":"p","refundAmount":{"currency":"SGD","value":"1"},"isAsyncRefund":"true"}"#,
        )
        .unwrap();
        assert_eq!(parsed.is_async_refund, Some(true));
    }

    #[test]
    fn responses() {
        let ok: RefundResponse = serde_json::from_str(
            r#"{"acquirerReferenceNo":"ARN2","paymentId":"2024010119","refundAmount":{"currency":"SGD","value":"1000"},
                "refundId":"202401011907REF","refundRequestId":"ref_001","refundTime":"2024-01-02T10:00:00+08:00",
                "result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
                "grossSettlementAmount":{"currency":"USD","value":"740"}}"#,
        )
        .unwrap();
        assert!(ok.result().is_success());
        assert_eq!(ok.refund_id.as_deref(), Some("202401011907REF"));

        let pending: RefundResponse = serde_json::from_str(
            r#"{"refundRequestId":"ref_001","result":{"resultCode":"REFUND_IN_PROCESS","resultStatus":"U","resultMessage":"processing"}}"#,
        )
        .unwrap();
        assert_eq!(pending.result.result_status, ResultStatus::Unknown);
    }
}
