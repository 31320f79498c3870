//! inquiryRefund: `POST /ams/api/v1/payments/inquiryRefund`.
//!
//! The state of one refund. `result` describes the call only; the refund's state is
//! `refundStatus`. Safe to repeat. After a timed-out `refund`, inquire by `refundRequestId`.

use serde::{Deserialize, Serialize};

use super::common::Amount;
use super::enums::RefundStatus;
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

/// One of `refundRequestId` / `refundId` must be set; Antom prefers `refundId`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryRefundRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_account_id: Option<String>,
}

impl InquiryRefundRequest {
    pub fn by_refund_request_id(refund_request_id: impl Into<String>) -> Self {
        InquiryRefundRequest {
            refund_request_id: Some(refund_request_id.into()),
            ..InquiryRefundRequest::default()
        }
    }

    pub fn by_refund_id(refund_id: impl Into<String>) -> Self {
        InquiryRefundRequest {
            refund_id: Some(refund_id.into()),
            ..InquiryRefundRequest::default()
        }
    }
}

impl AntomRequest for InquiryRefundRequest {
    type Response = InquiryRefundResponse;
    const ENDPOINT: Endpoint = Endpoint::InquiryRefund;

    /// `refundId` if set, else `refundRequestId`.
    fn request_id(&self) -> Option<&str> {
        self.refund_id.as_deref().or(self.refund_request_id.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryRefundResponse {
    /// The inquiry call's outcome, not the refund's.
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_status: Option<RefundStatus>,
    /// When SUCCESS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_time: Option<String>,
    /// Acquirer reference number the buyer's bank can trace the refund by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl InquiryRefundResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        InquiryRefundResponse {
            result,
            refund_id: None,
            refund_request_id: None,
            refund_amount: None,
            refund_status: None,
            refund_time: None,
            arn: None,
        }
    }
}

impl AntomResponse for InquiryRefundResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_constructors() {
        let request = InquiryRefundRequest::by_refund_request_id("ref_001");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"refundRequestId": "ref_001"})
        );
        assert_eq!(request.request_id(), Some("ref_001"));
        let request = InquiryRefundRequest::by_refund_id("202401011907REF");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"refundId": "202401011907REF"})
        );
        assert_eq!(request.request_id(), Some("202401011907REF"));
        assert_eq!(
            <InquiryRefundRequest as AntomRequest>::ENDPOINT,
            Endpoint::InquiryRefund
        );
    }

    #[test]
    fn responses() {
        let ok: InquiryRefundResponse = serde_json::from_str(
            r#"{"refundAmount":{"currency":"SGD","value":"1000"},"refundId":"202401011907REF",
                "refundRequestId":"ref_001","refundStatus":"SUCCESS","refundTime":"2024-01-02T10:00:00+08:00",
                "arn":"74537604221431003881865",
                "result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
                "acquirerInfo":{"acquirerName":"X"}}"#,
        )
        .unwrap();
        assert_eq!(ok.refund_status, Some(RefundStatus::Success));
        assert_eq!(ok.arn.as_deref(), Some("74537604221431003881865"));

        let odd: InquiryRefundResponse = serde_json::from_str(
            r#"{"refundStatus":"REVERSED","result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#,
        )
        .unwrap();
        assert_eq!(odd.refund_status, Some(RefundStatus::Other("REVERSED".into())));
    }
}
