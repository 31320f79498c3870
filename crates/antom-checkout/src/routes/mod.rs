//! HTTP routes, one module per resource. Handlers parse, call a service, shape the answer.

use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use crate::error::{error_body, ApiError};
use crate::rate_limit::RetryAfter;
use crate::state::AppState;

pub mod admin;
pub mod buyer;
pub mod cards;
pub mod client;
pub mod health;
pub mod idempotency;
pub mod orders;
pub mod pages;
pub mod products;
pub mod redirect;
pub mod result_page;
pub mod sessions;
pub mod vaulting;
pub mod views;
pub mod webhooks;

/// Largest JSON body any route accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// Every route pattern the server registers (the metrics' `route` label; anything else is
/// `unmatched`). `every_registered_route_has_a_label` keeps it in step with [`configure`].
pub const PATTERNS: [&str; 28] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/",
    "/api/products",
    "/account/cards",
    "/sessions",
    "/api/orders/{order_id}",
    "/checkout/result",
    "/checkout/result/status",
    "/checkout/redirect",
    "/webhooks/antom/payments",
    "/webhooks/antom/refunds",
    "/webhooks/antom/vaulting",
    "/vaulting/sessions",
    "/api/cards",
    "/api/cards/{card_id}",
    "/admin",
    "/admin/api/orders",
    "/admin/api/orders/{order_id}",
    "/admin/api/orders/{order_id}/capture",
    "/admin/api/orders/{order_id}/cancel",
    "/admin/api/orders/{order_id}/refund",
    "/admin/api/orders/{order_id}/sync",
    "/admin/api/deliveries",
    "/admin/api/security-events",
    "/static/{file}",
    "unmatched",
];

/// The metrics label of a matched pattern: one of [`PATTERNS`].
pub fn route_label(pattern: Option<&str>) -> &'static str {
    pattern
        .and_then(|p| PATTERNS.iter().copied().find(|known| *known == p))
        .unwrap_or("unmatched")
}

/// The 429 answer for `limit`, counted.
pub fn rate_limited(state: &AppState, limit: &'static str, retry: RetryAfter) -> ApiError {
    state.metrics.observe_rate_limited(limit);
    ApiError::RateLimited {
        retry_after_secs: retry.0,
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/", web::get().to(pages::checkout))
        .route("/api/products", web::get().to(products::list))
        .route("/account/cards", web::get().to(pages::account_cards))
        .route("/sessions", web::post().to(sessions::create))
        .route("/api/orders/{order_id}", web::get().to(orders::get))
        .route("/checkout/result", web::get().to(result_page::show))
        .route("/checkout/result/status", web::get().to(result_page::status))
        .route("/checkout/redirect", web::get().to(redirect::show))
        .route("/webhooks/antom/payments", web::post().to(webhooks::payments))
        .route("/webhooks/antom/refunds", web::post().to(webhooks::refunds))
        .route("/webhooks/antom/vaulting", web::post().to(webhooks::vaulting))
        .route("/vaulting/sessions", web::post().to(vaulting::create_session))
        .route("/api/cards", web::get().to(cards::list))
        .route("/api/cards", web::post().to(cards::create))
        .route("/api/cards/{card_id}", web::delete().to(cards::delete))
        .route("/admin", web::get().to(admin::page))
        .route("/admin/api/orders", web::get().to(admin::orders::list))
        .route("/admin/api/orders/{order_id}", web::get().to(admin::orders::show))
        .route(
            "/admin/api/orders/{order_id}/capture",
            web::post().to(admin::actions::capture),
        )
        .route(
            "/admin/api/orders/{order_id}/cancel",
            web::post().to(admin::actions::cancel),
        )
        .route(
            "/admin/api/orders/{order_id}/refund",
            web::post().to(admin::actions::refund),
        )
        .route(
            "/admin/api/orders/{order_id}/sync",
            web::post().to(admin::actions::sync),
        )
        .route("/admin/api/deliveries", web::get().to(admin::deliveries::list))
        .route(
            "/admin/api/security-events",
            web::get().to(admin::deliveries::security_events),
        )
        .service(actix_files_like_static())
        .default_service(web::to(not_found));
}

/// `/static/*`: the pages' CSS and JS, embedded at build time so the binary is self-contained.
fn actix_files_like_static() -> actix_web::Resource {
    web::resource("/static/{file}").route(web::get().to(pages::asset))
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(error_body("NOT_FOUND", "no such route"))
}

/// Reads a request body up to `limit` bytes; larger bodies are refused before being read whole.
pub async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// State-changing buyer and admin routes accept JSON bodies only (no cross-site form posts).
pub fn require_json(req: &actix_web::HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::BadRequest {
            code: "INVALID_REQUEST",
            message: "the body must be application/json".into(),
        })
    }
}

/// The bearer token of an `Authorization` header, if any.
pub fn bearer(req: &actix_web::HttpRequest) -> Option<&str> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
