//! `POST /vaulting/sessions`: a vaulting session for the SDK's `AMSVaulting` component.

use actix_web::{web, HttpRequest, HttpResponse};

use super::body::{read_body, require_json, MAX_BODY};
use super::extractors::buyer::Buyer;
use super::extractors::client::check_limit;
use crate::rate_limit::Limit;
use crate::routes::error::ApiError;
use crate::services::vaulting;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/vaulting/sessions",
    tag = "cards",
    request_body(content = Object, content_type = "application/json", description = "`{}`"),
    responses(
        (status = 201, description = "A vaulting session for `AMSVaulting`", body = crate::api_doc::schemas::buyer::VaultingSessionCreated),
        (status = 400, description = "INVALID_REQUEST: not a JSON object, not application/json", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: over the per-IP or per-buyer budget (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn create_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    buyer: Buyer,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        check_limit(&state, &req, Limit::Vaulting, Some(buyer.id().as_str()))?;
        let body = read_body(payload, MAX_BODY).await?;
        require_json(&req)?;
        // The body is `{}`: nothing to choose yet, but it must be a JSON object.
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body)
            .map_err(|e| ApiError::bad_request(format!("the body must be a JSON object: {e}")))?;
        let created = vaulting::create_session(&state, buyer.id()).await?;
        Ok(HttpResponse::Created().json(created))
    }
    .await;
    buyer.respond(result)
}
