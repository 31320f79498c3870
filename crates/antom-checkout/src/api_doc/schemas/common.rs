//! Shapes every audience shares: money and the error body.

use utoipa::ToSchema;

/// An amount: ISO 4217 currency, value a string of an integer in the currency's minor unit.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"currency": "SGD", "value": "4200"}))]
pub struct Money {
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[schema(pattern = "^-?[0-9]+$")]
    pub value: String,
}

/// Every error of the JSON API (webhooks answer in Antom's own format instead).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"error": {"code": "ORDER_NOT_FOUND", "message": "not found"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, ToSchema)]
pub struct ErrorDetail {
    /// Stable, `UPPER_SNAKE`.
    #[schema(pattern = "^[A-Z][A-Z0-9_]*$")]
    pub code: String,
    /// A human sentence; wording may change.
    pub message: String,
}

/// An order's status.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    PendingPayment,
    Authorized,
    PaymentFailed,
    Canceled,
    CapturePending,
    Captured,
    CaptureFailed,
    PartiallyRefunded,
    Refunded,
    Expired,
}

/// The status of a payment, capture, cancel or refund record.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordStatus {
    Processing,
    Success,
    Fail,
}

/// Where pages load the Antom Web SDK, and in which environment it runs.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct SdkConfig {
    /// `sandbox` or `prod`.
    pub environment: String,
    pub script_url: String,
    /// Subresource Integrity of the script, when known.
    pub integrity: Option<String>,
}
