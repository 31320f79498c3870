//! `GET /admin/api/orders` (newest first, keyset-paged, filtered) and
//! `GET /admin/api/orders/{orderId}` (everything known about one order).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use domain::OrderStatus;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{api_response, find_order};
use crate::persistence::{OrderCursor, OrderFilter, StoredOrder};
use crate::routes::error::ApiError;
use crate::routes::extractors::admin_user::AdminUser;
use crate::routes::views;
use crate::state::AppState;

const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 100;
/// `authExpiringWithinHours` up to a year: authorisations last days, not years.
const MAX_HOURS: i64 = 24 * 366;

/// The query string as sent; every field is parsed (with a message naming it) in [`filter`].
/// An empty `status=` or `cursor=` means "not given", as an "all statuses" `<select>` sends it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    status: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    auth_expiring_within_hours: Option<String>,
}

#[utoipa::path(
    get,
    path = "/admin/api/orders",
    tag = "admin",
    params(("status" = Option<String>, Query, description = "Only orders with this status"), ("limit" = Option<u64>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page"), ("authExpiringWithinHours" = Option<u64>, Query, description = "Only authorizations lapsing within this many hours")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Orders, newest first", body = crate::api_doc::schemas::admin::AdminOrderList),
        (status = 400, description = "INVALID_REQUEST: a bad status, limit or cursor", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    _user: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let query = web::Query::<ListQuery>::from_query(req.query_string())
        .map_err(|e| ApiError::bad_request(format!("invalid query: {e}")))?
        .into_inner();
    let page = state.store.list_orders(filter(query)?).await?;
    let orders: Vec<Value> = page.orders.iter().map(views::admin_order_row).collect();
    let next_cursor = page.next_cursor.map(|c| c.to_string());
    Ok(api_response(HttpResponse::Ok()).json(json!({"orders": orders, "nextCursor": next_cursor})))
}

fn filter(query: ListQuery) -> Result<OrderFilter, ApiError> {
    let given = |v: Option<String>| v.filter(|v| !v.is_empty());
    let status = given(query.status)
        .map(|raw| {
            OrderStatus::parse(&raw).map_err(|_| {
                let known: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::bad_request(format!("status must be one of {}", known.join(", ")))
            })
        })
        .transpose()?;
    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!("limit must be a whole number from 1 to {MAX_LIMIT}"))
            })?,
    };
    let cursor = given(query.cursor)
        .map(|raw| {
            OrderCursor::parse(&raw)
                .map_err(|_| ApiError::bad_request("cursor is not one this server handed out"))
        })
        .transpose()?;
    let auth_expiring_before = query
        .auth_expiring_within_hours
        .map(|raw| {
            raw.parse::<i64>()
                .ok()
                .filter(|h| (1..=MAX_HOURS).contains(h))
                .map(|hours| Utc::now() + Duration::hours(hours))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "authExpiringWithinHours must be a whole number from 1 to {MAX_HOURS}"
                    ))
                })
        })
        .transpose()?;
    Ok(OrderFilter {
        status,
        limit,
        cursor,
        auth_expiring_before,
    })
}

#[utoipa::path(
    get,
    path = "/admin/api/orders/{order_id}",
    tag = "admin",
    params(("order_id" = String, Path, description = "The order id")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Everything known about the order", body = crate::api_doc::schemas::admin::AdminOrder),
        (status = 401, description = "UNAUTHENTICATED: no valid admin token", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 429, description = "RATE_LIMITED: too many failed admin logins from this address (see `Retry-After`)", body = crate::api_doc::schemas::common::ErrorBody),
        (status = 404, description = "ORDER_NOT_FOUND", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    _user: AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let stored = find_order(&state, &path.into_inner()).await?;
    let view = detail(&state, &stored).await?;
    Ok(api_response(HttpResponse::Ok()).json(view))
}

/// The admin view of an order, with its timeline and the notifications received about it.
pub(super) async fn detail(state: &AppState, stored: &StoredOrder) -> Result<Value, ApiError> {
    let id = stored.order.id();
    let timeline = state.store.timeline(id).await?;
    let notifications = state.store.notifications_for_order(id).await?;
    Ok(views::admin_order(stored, &timeline, &notifications))
}
