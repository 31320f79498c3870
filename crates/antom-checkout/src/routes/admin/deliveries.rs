//! What ops need to see of webhook traffic that did not simply apply:
//!
//! - `GET /admin/api/deliveries?kind=rejected` — deliveries refused for their signature or
//!   client id (stored small: length, SHA-256, headers, the first kilobyte);
//! - `GET /admin/api/deliveries?kind=flagged` — verified notifications that need a person
//!   (unknown payment or vaulting, unknown type, unparseable, invalid facts, flagged order);
//! - `GET /admin/api/security-events?kind=ADMIN_LOGIN_FAILED|WEBHOOK_REJECTED` — the audit of
//!   failed admin logins (and, the same rows as above, refused deliveries).
//!
//! All newest first, `limit` (1–100, default 20) and `cursor` (the last `id` seen) for paging.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::api_response;
use crate::persistence::{SecurityEvent, SecurityEventKind};
use crate::routes::error::ApiError;
use crate::routes::extractors::admin_user::AdminUser;
use crate::routes::views;
use crate::state::AppState;

const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 100;

#[derive(Debug, Deserialize)]
struct Query {
    kind: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn parse(req: &HttpRequest) -> Result<(Option<String>, u64, Option<i64>), ApiError> {
    let query = web::Query::<Query>::from_query(req.query_string())
        .map_err(|e| ApiError::bad_request(format!("invalid query: {e}")))?
        .into_inner();
    let limit = match query.limit.filter(|l| !l.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| ApiError::bad_request(format!("limit must be 1 to {MAX_LIMIT}")))?,
    };
    let cursor = query
        .cursor
        .filter(|c| !c.is_empty())
        .map(|raw| {
            raw.parse::<i64>()
                .map_err(|_| ApiError::bad_request("cursor must be the id of the last entry seen"))
        })
        .transpose()?;
    Ok((query.kind.filter(|k| !k.is_empty()), limit, cursor))
}

/// The next cursor: the last id, when the page is full.
fn next_cursor(ids: &[i64], limit: u64) -> Value {
    match ids.last() {
        Some(id) if ids.len() as u64 == limit => json!(id.to_string()),
        _ => Value::Null,
    }
}

#[utoipa::path(
    get,
    path = "/admin/api/deliveries",
    tag = "admin",
    params(("kind" = String, Query, description = "`rejected` or `flagged`"), ("limit" = Option<u64>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query, description = "The last `id` seen")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Refused or flagged webhook deliveries, newest first", body = crate::api_doc::schemas::admin::DeliveryList),
        (status = 400, description = "INVALID_REQUEST: kind must be rejected or flagged; bad limit or cursor", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    _user: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let (kind, limit, cursor) = parse(&req)?;
    let body = match kind.as_deref() {
        Some("rejected") => {
            let events = state
                .store
                .security_events(SecurityEventKind::WebhookRejected, cursor, limit)
                .await?;
            let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
            let views: Vec<Value> = events.iter().map(security_event).collect();
            json!({"deliveries": views, "nextCursor": next_cursor(&ids, limit)})
        }
        Some("flagged") => {
            let entries = state.store.flagged_deliveries(cursor, limit).await?;
            let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
            let views: Vec<Value> = entries.iter().map(views::admin_delivery).collect();
            json!({"deliveries": views, "nextCursor": next_cursor(&ids, limit)})
        }
        _ => return Err(ApiError::bad_request("kind must be rejected or flagged")),
    };
    Ok(api_response(HttpResponse::Ok()).json(body))
}

#[utoipa::path(
    get,
    path = "/admin/api/security-events",
    tag = "admin",
    params(("kind" = Option<String>, Query, description = "`ADMIN_LOGIN_FAILED` or `WEBHOOK_REJECTED`"), ("limit" = Option<u64>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query, description = "The last `id` seen")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Security events, newest first", body = crate::api_doc::schemas::admin::SecurityEventList),
        (status = 400, description = "INVALID_REQUEST", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn security_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    _user: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let (kind, limit, cursor) = parse(&req)?;
    let kind = match kind.as_deref() {
        Some("ADMIN_LOGIN_FAILED") => SecurityEventKind::AdminLoginFailed,
        Some("WEBHOOK_REJECTED") => SecurityEventKind::WebhookRejected,
        _ => {
            return Err(ApiError::bad_request(
                "kind must be ADMIN_LOGIN_FAILED or WEBHOOK_REJECTED",
            ))
        }
    };
    let events = state.store.security_events(kind, cursor, limit).await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let views: Vec<Value> = events.iter().map(security_event).collect();
    Ok(api_response(HttpResponse::Ok())
        .json(json!({"events": views, "nextCursor": next_cursor(&ids, limit)})))
}

fn security_event(event: &SecurityEvent) -> Value {
    json!({
        "id": event.id,
        "at": views::iso(event.at),
        "kind": event.kind,
        "route": event.route,
        "clientIp": event.client_ip,
        "reason": event.reason,
        "bodyLength": event.body_length,
        "bodySha256": event.body_sha256,
        "headers": event.headers,
        "preview": event.preview,
    })
}
