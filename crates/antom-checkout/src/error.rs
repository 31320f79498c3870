//! The one error type of the HTTP layer: a stable code and status for every failure the
//! contract names; internal details are logged, never returned.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::persistence::StoreError;

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
    Internal(#[from] anyhow::Error),
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

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(anyhow::Error::new(e))
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
            tracing::error!(error = ?e, "request failed");
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
