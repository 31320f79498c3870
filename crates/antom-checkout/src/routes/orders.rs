//! `GET /api/orders/{orderId}`, protected by the order token (404 for anyone else).

use actix_web::{web, HttpRequest, HttpResponse};
use domain::OrderId;

use super::extractors::bearer::bearer;
use super::views;
use crate::routes::error::ApiError;
use crate::state::AppState;
use crate::tokens::token_matches;

#[utoipa::path(
    get,
    path = "/api/orders/{order_id}",
    tag = "buyer",
    params(("order_id" = String, Path, description = "The order id")),
    security(("orderToken" = [])),
    responses(
        (status = 200, description = "The order", body = crate::api_doc::schemas::buyer::Order),
        (status = 404, description = "ORDER_NOT_FOUND: unknown order, or no or a wrong order token", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found = ApiError::NotFound {
        code: "ORDER_NOT_FOUND",
    };
    let Some(token) = bearer(&req) else {
        return Err(not_found);
    };
    let Ok(order_id) = OrderId::parse(&path.into_inner()) else {
        return Err(not_found);
    };
    let Some(stored) = state.store.order(&order_id).await? else {
        return Err(not_found);
    };
    if !token_matches(token, &stored.token_hash) {
        return Err(not_found);
    }
    Ok(HttpResponse::Ok().json(views::order(&stored)))
}
