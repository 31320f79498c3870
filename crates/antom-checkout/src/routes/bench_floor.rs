//! `POST /__bench/floor`: the bench's performance floor (see `services::checkout::floor`),
//! served only with `BENCH_FLOOR_ROUTE=on`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::routes::error::ApiError;
use crate::services::checkout::floor::floor_session;
use crate::state::AppState;

pub async fn floor(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let data = floor_session(&state).await?;
    Ok(HttpResponse::Created().json(json!({ "paymentSessionData": data })))
}
