//! `POST /__bench/floor`: the bench's performance floor (see `services::checkout::floor`),
//! served only with `BENCH_FLOOR_ROUTE=on`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::extractors::client::check_limit;
use crate::rate_limit::Limit;
use crate::routes::error::ApiError;
use crate::services::checkout::floor::floor_session;
use crate::state::AppState;

/// Limited per IP as `POST /sessions` is: every call is an outbound Antom call.
pub async fn floor(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    check_limit(&state, &req, Limit::Sessions, None)?;
    let data = floor_session(&state).await?;
    Ok(HttpResponse::Created().json(json!({ "paymentSessionData": data })))
}
