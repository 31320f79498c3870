//! `POST /webhooks/antom/{payments,refunds,vaulting}`: raw bytes in, Antom's answer out.

use actix_web::{web, HttpRequest, HttpResponse};

use super::body::read_body;
use super::extractors::client::client_ip;
use crate::routes::error::ApiError;
use crate::services::notifications::{receive, WebhookRoute};
use crate::state::AppState;

/// Antom's notifications are small; anything larger is not from Antom.
const MAX_NOTIFICATION: usize = 256 * 1024;

async fn handle(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    route: WebhookRoute,
) -> Result<HttpResponse, ApiError> {
    let body = read_body(payload, MAX_NOTIFICATION).await?;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(2048).collect::<String>())
    };
    let client_ip = client_ip(&req, &state.settings.trusted_proxies).to_string();
    let answer = receive(&state, route, header, &body, Some(&client_ip)).await?;
    Ok(
        HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status).unwrap_or_default())
            .content_type("application/json")
            .body(answer.body),
    )
}

#[utoipa::path(
    post,
    path = "/webhooks/antom/payments",
    tag = "webhooks",
    request_body(content = crate::api_doc::schemas::webhooks::AntomNotification, content_type = "application/json", description = "Antom's `notifyPayment` (PAYMENT_RESULT) and `notifyCapture` (CAPTURE_RESULT), signed"),
    params(("signature" = String, Header, description = "`algorithm=RSA256,keyVersion=1,signature=…` over `POST {path}\\n{client-id}.{request-time}.{body}`"), ("client-id" = String, Header, description = "Our Antom client id"), ("request-time" = String, Header, description = "When Antom signed the request")),
    responses(
        (status = 200, description = "Accepted (also duplicates, and well-signed notifications about unknown payments, kept for ops): `SUCCESS`/`S`", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 401, description = "The signature or client id does not hold: `INVALID_SIGNATURE`/`F`; nothing applied", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 413, description = "PAYLOAD_TOO_LARGE: over 256 KiB, not from Antom", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn payments(
    s: web::Data<AppState>,
    r: HttpRequest,
    p: web::Payload,
) -> Result<HttpResponse, ApiError> {
    handle(s, r, p, WebhookRoute::Payments).await
}

#[utoipa::path(
    post,
    path = "/webhooks/antom/refunds",
    tag = "webhooks",
    request_body(content = crate::api_doc::schemas::webhooks::AntomNotification, content_type = "application/json", description = "Antom's refund results (REFUND_RESULT), signed"),
    params(("signature" = String, Header, description = "`algorithm=RSA256,keyVersion=1,signature=…` over `POST {path}\\n{client-id}.{request-time}.{body}`"), ("client-id" = String, Header, description = "Our Antom client id"), ("request-time" = String, Header, description = "When Antom signed the request")),
    responses(
        (status = 200, description = "Accepted (also duplicates, and well-signed notifications about unknown payments, kept for ops): `SUCCESS`/`S`", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 401, description = "The signature or client id does not hold: `INVALID_SIGNATURE`/`F`; nothing applied", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 413, description = "PAYLOAD_TOO_LARGE: over 256 KiB, not from Antom", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn refunds(
    s: web::Data<AppState>,
    r: HttpRequest,
    p: web::Payload,
) -> Result<HttpResponse, ApiError> {
    handle(s, r, p, WebhookRoute::Refunds).await
}

#[utoipa::path(
    post,
    path = "/webhooks/antom/vaulting",
    tag = "webhooks",
    request_body(content = crate::api_doc::schemas::webhooks::AntomNotification, content_type = "application/json", description = "Antom's `notifyVaulting` (VAULTING_RESULT), signed"),
    params(("signature" = String, Header, description = "`algorithm=RSA256,keyVersion=1,signature=…` over `POST {path}\\n{client-id}.{request-time}.{body}`"), ("client-id" = String, Header, description = "Our Antom client id"), ("request-time" = String, Header, description = "When Antom signed the request")),
    responses(
        (status = 200, description = "Accepted (also duplicates, and well-signed notifications about unknown payments, kept for ops): `SUCCESS`/`S`", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 401, description = "The signature or client id does not hold: `INVALID_SIGNATURE`/`F`; nothing applied", body = crate::api_doc::schemas::webhooks::AntomAck),
        (status = 413, description = "PAYLOAD_TOO_LARGE: over 256 KiB, not from Antom", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn vaulting(
    s: web::Data<AppState>,
    r: HttpRequest,
    p: web::Payload,
) -> Result<HttpResponse, ApiError> {
    handle(s, r, p, WebhookRoute::Vaulting).await
}
