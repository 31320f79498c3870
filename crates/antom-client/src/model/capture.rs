//! capture: `POST /ams/api/v1/payments/capture`.
//!
//! Captures (part of) an authorised card payment when `captureMode` is `MANUAL`. Idempotent by
//! `captureRequestId` (same id + same amount = same result). `U`/`CAPTURE_IN_PROCESS`: wait for
//! notifyCapture or inquire the payment's `transactions`.

use serde::{Deserialize, Serialize};

use super::common::Amount;
use super::lenient;
use crate::client::{AntomRequest, AntomResponse};
use crate::endpoint::Endpoint;
use crate::result::ResultInfo;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureRequest {
    /// Ours, max 64; Antom's idempotency key.
    pub capture_request_id: String,
    pub payment_id: String,
    /// In the payment's currency.
    pub capture_amount: Amount,
    /// Read from `true` or `"true"`, written as a JSON boolean.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_last_capture: Option<bool>,
}

impl CaptureRequest {
    pub fn new(
        capture_request_id: impl Into<String>,
        payment_id: impl Into<String>,
        capture_amount: Amount,
    ) -> Self {
        CaptureRequest {
            capture_request_id: capture_request_id.into(),
            payment_id: payment_id.into(),
            capture_amount,
            is_last_capture: None,
        }
    }
}

impl AntomRequest for CaptureRequest {
    type Response = CaptureResponse;
    const ENDPOINT: Endpoint = Endpoint::Capture;

    fn request_id(&self) -> Option<&str> {
        Some(&self.capture_request_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaptureResponse {
    pub result: ResultInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquirer_reference_no: Option<String>,
}

impl CaptureResponse {
    /// Only `result` set; fill the rest with struct update syntax.
    pub fn new(result: ResultInfo) -> Self {
        CaptureResponse {
            result,
            capture_request_id: None,
            capture_id: None,
            payment_id: None,
            capture_amount: None,
            capture_time: None,
            acquirer_reference_no: None,
        }
    }
}

impl AntomResponse for CaptureResponse {
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
    fn request_serializes_and_omits_is_last_capture_when_unset() {
        let mut request = CaptureRequest::new("cap_001", "2024010119", Amount::new("SGD", "4200"));
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"captureRequestId": "cap_001", "paymentId": "2024010119",
                   "captureAmount": {"currency": "SGD", "value": "4200"}})
        );
        request.is_last_capture = Some(true);
        assert_eq!(
            serde_json::to_value(&request).unwrap()["isLastCapture"],
            json!(true)
        );
        assert_eq!(request.request_id(), Some("cap_001"));
        assert_eq!(<CaptureRequest as AntomRequest>::ENDPOINT, Endpoint::Capture);
    }

    #[test]
    fn request_accepts_the_python_sdk_string_boolean() {
        for flag in [r#""true""#, "true"] {
            let body = format!(
                r#"{{"captureRequestId":"c","paymentId":"p","captureAmount":{{"currency":"SGD","value":"1"}},"isLastCapture":{flag},"captureType":"X"}}"#
            );
            let request: CaptureRequest = serde_json::from_str(&body).unwrap();
            assert_eq!(request.is_last_capture, Some(true));
        }
    }

    #[test]
    fn responses_success_and_in_process() {
        let ok: CaptureResponse = serde_json::from_str(
            r#"{"acquirerReferenceNo":"ARN1","captureAmount":{"currency":"SGD","value":"4200"},
                "captureId":"202401011907408901001CAP","captureRequestId":"cap_001",
                "captureTime":"2024-01-01T00:02:00+08:00","paymentId":"2024010119",
                "result":{"resultCode":"SUCCESS","resultMessage":"success","resultStatus":"S"},
                "acquirerInfo":{"acquirerName":"X"}}"#,
        )
        .unwrap();
        assert!(ok.result().is_success());
        assert_eq!(ok.capture_id.as_deref(), Some("202401011907408901001CAP"));

        let pending: CaptureResponse = serde_json::from_str(
            r#"{"captureRequestId":"cap_001","paymentId":"2024010119",
                "result":{"resultCode":"CAPTURE_IN_PROCESS","resultMessage":"in process","resultStatus":"U"}}"#,
        )
        .unwrap();
        assert_eq!(pending.result.result_status, ResultStatus::Unknown);
        assert!(pending.capture_id.is_none());
    }
}
