//! `GET /api/products`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::routes::error::ApiError;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/api/products",
    tag = "buyer",
    responses(
        (status = 200, description = "The catalog", body = crate::api_doc::schemas::buyer::ProductList),
    )
)]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let products: Vec<_> = state
        .store
        .list_products()
        .await?
        .into_iter()
        .map(|p| json!({"sku": p.sku, "name": p.name, "description": p.description, "unitAmount": p.unit_price}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "products": products })))
}
