//! `/healthz`, `/readyz`, `/metrics`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "The process runs", body = crate::api_doc::schemas::health::HealthStatus),
    )
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// 200 only when the database answers and every migration is applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "The database answers and migrations are applied", body = crate::api_doc::schemas::health::HealthStatus),
        (status = 503, description = "NOT_READY", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ready().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            HttpResponse::ServiceUnavailable()
                .json(json!({"error": {"code": "NOT_READY", "message": "the database is not ready"}}))
        }
    }
}

/// `/metrics` on the public listener, unless `METRICS_BIND_ADDR` moved it to its own.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text exposition (bounded labels)", content_type = "text/plain", body = String),
        (status = 404, description = "NOT_FOUND: `METRICS_BIND_ADDR` moved `/metrics` to its own listener", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if state.settings.metrics_bind_addr.is_some() {
        return HttpResponse::NotFound().json(crate::routes::error::error_body("NOT_FOUND", "no such route"));
    }
    metrics_only(state).await
}

/// `/metrics` on the metrics listener (`METRICS_BIND_ADDR`).
pub async fn metrics_only(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .body(state.metrics.render())
}
