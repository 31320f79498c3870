//! cancel: `POST /ams/api/v1/payments/cancel`.
//!
//! Cancels a whole payment: before completion it stops the buyer from paying; for cards it
//! releases an authorisation (up to 7 days after it, never after a capture). No idempotency
//! key: cancelling twice is harmless, so a `U` is resent as is.

use serde::{Deserialize, Serialize};

use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

/// One of `paymentId` / `paymentRequestId` must be set; Antom prefers `paymentId`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_account_id: Option<String>,
}

impl CancelRequest {
    pub fn by_payment_id(payment_id: impl Into<String>) -> Self {
        CancelRequest {
            payment_id: Some(payment_id.into()),
            ..CancelRequest::default()
        }
    }

    /// For a payment whose `pay` timed out before we learnt its `paymentId`.
    pub fn by_payment_request_id(payment_request_id: impl Into<String>) -> Self {
        CancelRequest {
            payment_request_id: Some(payment_request_id.into()),
            ..CancelRequest::default()
        }
    }
}

impl AntomRequest for CancelRequest {
    type Response = CancelResponse;
    const ENDPOINT: Endpoint = Endpoint::Cancel;

    /// `paymentId` if set, else `paymentRequestId`.
    fn request_id(&self) -> Option<&str> {
        self.payment_id.as_deref().or(self.payment_request_id.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelResponse {
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// On success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_time: Option<String>,
}

impl CancelResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        CancelResponse {
            result,
            payment_id: None,
            payment_request_id: None,
            cancel_time: None,
        }
    }
}

impl AntomResponse for CancelResponse {
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
    fn request_constructors() {
        let request = CancelRequest::by_payment_id("2024010119");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"paymentId": "2024010119"})
        );
        assert_eq!(request.request_id(), Some("2024010119"));
        let request = CancelRequest::by_payment_request_id("pay_001");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"paymentRequestId": "pay_001"})
        );
        assert_eq!(request.request_id(), Some("pay_001"));
        assert_eq!(<CancelRequest as AntomRequest>::ENDPOINT, Endpoint::Cancel);
    }

    #[test]
    fn responses() {
        let ok: CancelResponse = serde_json::from_str(
            r#"{"cancelTime":"2024-01-01T00:03:00+08:00","paymentId":"2024010119","paymentRequestId":"pay_001",
                "result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"x":null}"#,
        )
        .unwrap();
        assert!(ok.result().is_success());
        assert_eq!(ok.cancel_time.as_deref(), Some("2024-01-01T00:03:00+08:00"));

        let late: CancelResponse = serde_json::from_str(
            r#"{"result":{"resultCode":"CANCEL_WINDOW_EXCEED","resultStatus":"F","resultMessage":"exceed"}}"#,
        )
        .unwrap();
        assert_eq!(late.result.result_status, ResultStatus::Failed);
        assert_eq!(
            late,
            CancelResponse::new(ResultInfo::failed("CANCEL_WINDOW_EXCEED", "exceed"))
        );
    }
}
