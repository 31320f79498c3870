//! Antom's side of the webhooks: the notification Antom posts, and the answer it expects.
//! These are Antom's formats (its field names and result object), not ours.

use serde_json::Value;
use utoipa::ToSchema;

/// Antom's `result` object.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AntomResult {
    pub result_code: String,
    /// `S`, `F` or `U`.
    #[schema(pattern = "^[SFU]$")]
    pub result_status: String,
    pub result_message: String,
}

/// Antom's amount: `{"currency", "value"}` in the minor unit.
#[derive(Debug, ToSchema)]
pub struct AntomAmount {
    pub currency: String,
    pub value: String,
}

/// A notification as Antom posts it (`notifyPayment`, `notifyCapture`, refund results,
/// `notifyVaulting`). Verified over the raw bytes before anything parses it; fields beyond
/// these are kept in the inbox as sent.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase", example = json!({
    "notifyType": "PAYMENT_RESULT",
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
    "paymentRequestId": "0192f7c4-…", "paymentId": "2026…",
    "paymentAmount": {"currency": "SGD", "value": "4200"},
    "paymentCreateTime": "2026-11-22T10:00:00+08:00", "paymentTime": "2026-11-22T10:00:05+08:00"
}))]
pub struct AntomNotification {
    /// `PAYMENT_RESULT`, `CAPTURE_RESULT`, `REFUND_RESULT`, `VAULTING_RESULT`…
    pub notify_type: Option<String>,
    pub result: AntomResult,
    pub payment_request_id: Option<String>,
    pub payment_id: Option<String>,
    pub payment_amount: Option<AntomAmount>,
    pub capture_request_id: Option<String>,
    pub capture_id: Option<String>,
    pub capture_amount: Option<AntomAmount>,
    pub refund_request_id: Option<String>,
    pub refund_id: Option<String>,
    pub refund_amount: Option<AntomAmount>,
    pub vaulting_request_id: Option<String>,
    pub payment_method_detail: Option<Value>,
}

/// What the webhook answers: Antom's acknowledgement. `SUCCESS`/`S` stops Antom's retries
/// (also for duplicates and for well-signed notifications about unknown payments, which are
/// kept for ops); `INVALID_SIGNATURE`/`F` with HTTP 401 for a delivery that fails verification.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}))]
pub struct AntomAck {
    pub result: AntomResult,
}
