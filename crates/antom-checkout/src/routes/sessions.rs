//! `POST /sessions`, with `Idempotency-Key` replay. The buyer cookie names the buyer (the
//! `referenceBuyerId` Antom gets, the owner of `savedCardId`; stored with the order); a new
//! buyer gets its cookie with whatever this answers. Keys are scoped to the buyer, and the
//! stored answer keeps the order token sealed. Requests are limited per IP and per buyer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::body::{read_body, require_json, MAX_BODY};
use super::extractors::buyer::Buyer;
use super::extractors::client::{buyer_env, check_limit};
use super::idempotency;
use crate::rate_limit::Limit;
use crate::routes::error::ApiError;
use crate::services::checkout::{create_session, SessionRequest};
use crate::state::AppState;

/// Fields of the answer never stored in clear.
const SEALED: &[&str] = &["orderToken"];

#[utoipa::path(
    post,
    path = "/sessions",
    tag = "buyer",
    request_body(content = crate::api_doc::schemas::buyer::SessionRequest, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body get the same answer")),
    responses(
        (status = 201, description = "An order and its Antom payment session (or, with `savedCardId`, its payment)", body = crate::api_doc::schemas::buyer::SessionResponse),
        (status = 400, description = "INVALID_REQUEST: malformed JSON, wrong types, not application/json", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "CARD_NOT_FOUND: `savedCardId` is not this buyer's", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 409, description = "IDEMPOTENCY_KEY_REUSED: the key came with another body", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: body over 64 KiB", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "EMPTY_CART, UNKNOWN_SKU, INVALID_QUANTITY (1–99), MIXED_CURRENCY…", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED: Antom answered F (the message carries its resultCode)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE: timeouts or U after bounded retries", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    buyer: Buyer,
    payload: web::Payload,
) -> HttpResponse {
    let result = handle(&state, &req, &buyer, payload).await;
    buyer.respond(result)
}

async fn handle(
    state: &AppState,
    req: &HttpRequest,
    buyer: &Buyer,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    check_limit(state, req, Limit::Sessions, Some(buyer.id().as_str()))?;
    let body = read_body(payload, MAX_BODY).await?;
    require_json(req)?;
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    let request: SessionRequest = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))?;

    let env = buyer_env(req, &state.settings.trusted_proxies);
    let work = {
        let state = state.clone();
        let buyer_id = buyer.id().as_str().to_owned();
        async move {
            let created = create_session(&state, request, Some(&buyer_id), &env).await?;
            let body = serde_json::to_value(&created).map_err(ApiError::internal)?;
            Ok((StatusCode::CREATED, body))
        }
    };
    let scope = format!("sessions:{}", buyer.id().as_str());
    idempotency::once(state, req, scope, &value, SEALED, work).await
}
