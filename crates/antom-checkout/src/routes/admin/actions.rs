//! `POST /admin/api/orders/{orderId}/capture|cancel|refund|sync`.
//!
//! Each handler: the body (JSON, at most 64 KiB, empty meaning `{}`, unknown fields refused so a
//! typo cannot turn a partial capture into a full one), then the order must exist (404), then
//! the action runs once per `Idempotency-Key` through `services::ops` with the actor
//! `admin:{token name}`, which the service writes to the order's timeline. Keys are scoped by
//! order and action (not by token: a key names one intended operation, whoever sends it), and
//! the service applies the double-click rule with the same key.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{Money, OrderId};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{find_order, orders};
use crate::routes::body::{read_body, require_json, MAX_BODY};
use crate::routes::error::ApiError;
use crate::routes::extractors::admin_user::AdminUser;
use crate::routes::idempotency;
use crate::services::ops;
use crate::state::AppState;

/// Antom's `refundReason` is at most 256 characters.
const MAX_REASON_CHARS: usize = 256;

/// `{}` captures everything still capturable; `{"amount": …}` that much.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaptureBody {
    amount: Option<Money>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundBody {
    amount: Money,
    reason: Option<String>,
}

/// Cancel and sync take no parameters: the body is empty or `{}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoBody {}

/// What every action handler starts from.
struct Parsed<T> {
    /// Canonical form of the body, for idempotency.
    raw: Value,
    body: T,
    order_id: OrderId,
}

/// JSON content type, body ≤ 64 KiB (empty is `{}`), a JSON object of shape `T`, an existing
/// order: in that order, so a malformed request is 400 whatever order it names.
async fn parse<T: DeserializeOwned>(
    state: &AppState,
    req: &HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<Parsed<T>, ApiError> {
    require_json(req)?;
    let bytes = read_body(payload, MAX_BODY).await?;
    let raw: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?
    };
    if !raw.is_object() {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    }
    let body = serde_json::from_value(raw.clone())
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))?;
    let stored = find_order(state, &path.into_inner()).await?;
    Ok(Parsed {
        raw,
        body,
        order_id: stored.order.id().clone(),
    })
}

#[utoipa::path(
    post,
    path = "/admin/api/orders/{order_id}/capture",
    tag = "admin",
    request_body(content = crate::api_doc::schemas::admin::CaptureRequest, content_type = "application/json", description = "`{}` (everything capturable) or `{\"amount\": …}`"),
    params(("order_id" = String, Path, description = "The order id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body get the same answer")),
    security(("adminToken" = [])),
    responses(
        (status = 202, description = "Capture sent to Antom", body = crate::api_doc::schemas::admin::CaptureAccepted),
        (status = 400, description = "INVALID_REQUEST: not JSON, not an object, unknown fields", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 403, description = "FORBIDDEN: a viewer token may not act", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 409, description = "INVALID_STATE (e.g. capture after cancel) or IDEMPOTENCY_KEY_REUSED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: body over 64 KiB", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "AMOUNT_EXCEEDS_AUTHORIZED, AMOUNT_EXCEEDS_CAPTURED, CURRENCY_MISMATCH or INVALID_AMOUNT", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED: Antom answered F", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE: no final answer from Antom in time", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn capture(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AdminUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Parsed { raw, body, order_id } = parse::<CaptureBody>(&state, &req, path, payload).await?;
    let action = Action {
        name: "capture",
        order_id: &order_id,
        body: &raw,
    };
    let key = idempotency::key(&req)?;
    let work = {
        let (state, order_id, actor) = (state.clone(), order_id.clone(), user.actor());
        async move {
            let capture = ops::capture(&state, &order_id, body.amount, &actor, key.as_deref()).await?;
            Ok((StatusCode::ACCEPTED, json!({ "capture": capture })))
        }
    };
    idempotency::once(&state, &req, action.scope(), action.body, &[], work).await
}

#[utoipa::path(
    post,
    path = "/admin/api/orders/{order_id}/cancel",
    tag = "admin",
    request_body(content = Object, content_type = "application/json", description = "Empty or `{}`"),
    params(("order_id" = String, Path, description = "The order id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body get the same answer")),
    security(("adminToken" = [])),
    responses(
        (status = 202, description = "Cancel (void) sent to Antom", body = crate::api_doc::schemas::admin::CancelAccepted),
        (status = 400, description = "INVALID_REQUEST: not JSON, not an object, unknown fields", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 403, description = "FORBIDDEN: a viewer token may not act", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 409, description = "INVALID_STATE (e.g. capture after cancel) or IDEMPOTENCY_KEY_REUSED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: body over 64 KiB", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "AMOUNT_EXCEEDS_AUTHORIZED, AMOUNT_EXCEEDS_CAPTURED, CURRENCY_MISMATCH or INVALID_AMOUNT", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED: Antom answered F", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE: no final answer from Antom in time", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn cancel(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AdminUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Parsed { raw, order_id, .. } = parse::<NoBody>(&state, &req, path, payload).await?;
    let action = Action {
        name: "cancel",
        order_id: &order_id,
        body: &raw,
    };
    let key = idempotency::key(&req)?;
    let work = {
        let (state, order_id, actor) = (state.clone(), order_id.clone(), user.actor());
        async move {
            let cancel = ops::cancel(&state, &order_id, &actor, key.as_deref()).await?;
            Ok((StatusCode::ACCEPTED, json!({ "cancel": cancel })))
        }
    };
    idempotency::once(&state, &req, action.scope(), action.body, &[], work).await
}

#[utoipa::path(
    post,
    path = "/admin/api/orders/{order_id}/refund",
    tag = "admin",
    request_body(content = crate::api_doc::schemas::admin::RefundRequest, content_type = "application/json"),
    params(("order_id" = String, Path, description = "The order id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body get the same answer")),
    security(("adminToken" = [])),
    responses(
        (status = 202, description = "Refund sent to Antom", body = crate::api_doc::schemas::admin::RefundAccepted),
        (status = 400, description = "INVALID_REQUEST: not JSON, not an object, unknown fields", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 403, description = "FORBIDDEN: a viewer token may not act", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 409, description = "INVALID_STATE (e.g. capture after cancel) or IDEMPOTENCY_KEY_REUSED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: body over 64 KiB", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "AMOUNT_EXCEEDS_AUTHORIZED, AMOUNT_EXCEEDS_CAPTURED, CURRENCY_MISMATCH or INVALID_AMOUNT", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED: Antom answered F", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE: no final answer from Antom in time", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn refund(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AdminUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Parsed { raw, body, order_id } = parse::<RefundBody>(&state, &req, path, payload).await?;
    let reason = reason(body.reason)?;
    let action = Action {
        name: "refund",
        order_id: &order_id,
        body: &raw,
    };
    let key = idempotency::key(&req)?;
    let work = {
        let (state, order_id, actor) = (state.clone(), order_id.clone(), user.actor());
        async move {
            let refund = ops::refund(&state, &order_id, body.amount, reason, &actor, key.as_deref()).await?;
            Ok((StatusCode::ACCEPTED, json!({ "refund": refund })))
        }
    };
    idempotency::once(&state, &req, action.scope(), action.body, &[], work).await
}

/// Trimmed; blank means none.
fn reason(raw: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(reason) = raw.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::bad_request(format!(
            "reason must be at most {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(Some(reason))
}

/// Inquires Antom now and answers with the order as it is afterwards.
#[utoipa::path(
    post,
    path = "/admin/api/orders/{order_id}/sync",
    tag = "admin",
    request_body(content = Object, content_type = "application/json", description = "Empty or `{}`"),
    params(("order_id" = String, Path, description = "The order id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body get the same answer")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Antom inquired and its answer applied: the order", body = crate::api_doc::schemas::admin::AdminOrder),
        (status = 400, description = "INVALID_REQUEST: not JSON, not an object, unknown fields", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 403, description = "FORBIDDEN: a viewer token may not act", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 409, description = "INVALID_STATE (e.g. capture after cancel) or IDEMPOTENCY_KEY_REUSED", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: body over 64 KiB", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 422, description = "AMOUNT_EXCEEDS_AUTHORIZED, AMOUNT_EXCEEDS_CAPTURED, CURRENCY_MISMATCH or INVALID_AMOUNT", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 502, description = "ANTOM_REJECTED: Antom answered F", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 504, description = "ANTOM_UNAVAILABLE: no final answer from Antom in time", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn sync(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AdminUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Parsed { raw, order_id, .. } = parse::<NoBody>(&state, &req, path, payload).await?;
    let action = Action {
        name: "sync",
        order_id: &order_id,
        body: &raw,
    };
    let work = {
        let (state, order_id, actor) = (state.clone(), order_id.clone(), user.actor());
        async move {
            let stored = ops::sync(&state, &order_id, &actor).await?;
            Ok((StatusCode::OK, orders::detail(&state, &stored).await?))
        }
    };
    idempotency::once(&state, &req, action.scope(), action.body, &[], work).await
}

/// One admin action on one order: the idempotency scope. A key names one intended operation,
/// whichever operator or replica sends it.
struct Action<'a> {
    name: &'static str,
    order_id: &'a OrderId,
    /// The parsed JSON body (`{}` when empty): what "the same request" means.
    body: &'a Value,
}

impl Action<'_> {
    fn scope(&self) -> String {
        format!("admin:{}:{}", self.name, self.order_id)
    }
}
