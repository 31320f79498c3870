//! The one error type of the HTTP layer: a stable code and status for every failure the
//! contract names; internal details are logged, never returned. Services' and the domain's
//! errors are turned into it here, each variant by name (no catch-all arms), so a new error
//! cannot silently become a wrong status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::{CartError, CommandError};
use serde_json::json;

use crate::persistence::StoreError;
use crate::services::error::ServiceError;

/// An internal failure: logged with its chain, answered as 500 `INTERNAL`.
pub type Internal = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("not found")]
    NotFound { code: &'static str },
    #[error("authentication required")]
    Unauthenticated,
    #[error("this token may not do that")]
    Forbidden,
    #[error("Antom rejected the request: {code}")]
    AntomRejected { code: String, message: String },
    #[error("Antom did not give a final answer in time")]
    AntomUnavailable,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("the service is not ready")]
    NotReady,
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[source] Internal),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code: "INVALID_REQUEST",
            message: message.into(),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::NotFound { code } => code,
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::Forbidden => "FORBIDDEN",
            ApiError::AntomRejected { .. } => "ANTOM_REJECTED",
            ApiError::AntomUnavailable => "ANTOM_UNAVAILABLE",
            ApiError::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ApiError::NotReady => "NOT_READY",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// The contract's error body for this error.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code(), "message": self.public_message()}})
    }

    fn public_message(&self) -> String {
        match self {
            ApiError::NotFound { .. } => "not found".into(),
            ApiError::AntomRejected { code, message } => {
                format!("Antom rejected the request ({code}): {message}")
            }
            ApiError::AntomUnavailable => {
                "Antom did not give a final answer in time; the order is kept and will be reconciled".into()
            }
            ApiError::Internal(_) => "an internal error occurred".into(),
            other => other.to_string(),
        }
    }
}

impl ApiError {
    /// An internal failure with this description.
    pub fn internal(e: impl Into<Internal>) -> ApiError {
        ApiError::Internal(e.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(Box::new(e))
    }
}

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        let message = e.to_string();
        match e {
            CommandError::InvalidState { .. } => ApiError::Conflict {
                code: "INVALID_STATE",
                message,
            },
            CommandError::AmountExceedsAuthorized { .. } => ApiError::Unprocessable {
                code: "AMOUNT_EXCEEDS_AUTHORIZED",
                message,
            },
            CommandError::AmountExceedsCaptured { .. } => ApiError::Unprocessable {
                code: "AMOUNT_EXCEEDS_CAPTURED",
                message,
            },
            CommandError::CurrencyMismatch { .. } => ApiError::Unprocessable {
                code: "CURRENCY_MISMATCH",
                message,
            },
            CommandError::InvalidAmount => ApiError::Unprocessable {
                code: "INVALID_AMOUNT",
                message,
            },
        }
    }
}

impl From<CartError> for ApiError {
    fn from(e: CartError) -> Self {
        let code = match e {
            CartError::EmptyCart => "EMPTY_CART",
            CartError::TooManyItems { .. } => "TOO_MANY_ITEMS",
            CartError::UnknownSku { .. } => "UNKNOWN_SKU",
            CartError::InvalidQuantity { .. } => "INVALID_QUANTITY",
            CartError::MixedCurrency { .. } => "MIXED_CURRENCY",
            CartError::AmountOverflow => "AMOUNT_OVERFLOW",
            CartError::ZeroTotal => "ZERO_TOTAL",
        };
        ApiError::Unprocessable {
            code,
            message: e.to_string(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Store(e) => e.into(),
            ServiceError::Cart(e) => e.into(),
            ServiceError::Command(e) => e.into(),
            ServiceError::Facts(e) => ApiError::Internal(Box::new(e)),
            ServiceError::InvalidRequest(message) => ApiError::BadRequest {
                code: "INVALID_REQUEST",
                message,
            },
            ServiceError::InvalidState(message) => ApiError::Conflict {
                code: "INVALID_STATE",
                message,
            },
            ServiceError::OrderNotFound => ApiError::NotFound {
                code: "ORDER_NOT_FOUND",
            },
            ServiceError::CardNotFound => ApiError::NotFound {
                code: "CARD_NOT_FOUND",
            },
            ServiceError::KeyReused => ApiError::Conflict {
                code: "IDEMPOTENCY_KEY_REUSED",
                message: ServiceError::KeyReused.to_string(),
            },
            ServiceError::CardNotVerified => ApiError::Unprocessable {
                code: antom_client::codes::VERIFICATION_FAIL,
                message: ServiceError::CardNotVerified.to_string(),
            },
            ServiceError::AntomRejected { code, message } => ApiError::AntomRejected { code, message },
            ServiceError::AntomUnavailable => ApiError::AntomUnavailable,
            ServiceError::Inconsistent(message) => ApiError::Internal(message.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::AntomRejected { .. } => StatusCode::BAD_GATEWAY,
            ApiError::AntomUnavailable => StatusCode::GATEWAY_TIMEOUT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = %e, source = ?std::error::Error::source(e.as_ref()), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        response.json(self.body())
    }
}

/// The contract's error body, for places that build responses by hand.
pub fn error_body(code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message}})
}
