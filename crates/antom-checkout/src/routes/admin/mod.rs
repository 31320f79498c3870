//! The ops console: `GET /admin` (the page) and the JSON API under `/admin/api/` (contract §4).
//!
//! Every API handler takes an [`AdminUser`](crate::routes::extractors::admin_user::AdminUser), which authenticates the
//! bearer token and refuses a viewer's POST before the handler runs. Reads are in `orders`,
//! actions (capture, cancel, refund, sync) in `actions`, and `Idempotency-Key` handling for the
//! actions in `idempotency`. The actions themselves are `services::ops`; this module only parses,
//! checks the order exists, and shapes the answer.

use actix_web::{HttpResponse, HttpResponseBuilder};
use domain::OrderId;

use crate::persistence::StoredOrder;
use crate::routes::error::ApiError;
use crate::state::AppState;

pub mod actions;
pub mod deliveries;
pub mod orders;

/// `GET /admin`: the console (static/admin.html and admin.js). It needs no token itself (it asks
/// for one and keeps it in sessionStorage); the API behind it does.
#[utoipa::path(
    get,
    path = "/admin",
    tag = "pages",
    responses(
        (status = 200, description = "The ops console (asks for a token)", content_type = "text/html", body = String),
    )
)]
pub async fn page() -> HttpResponse {
    super::pages::admin_console()
}

fn order_not_found() -> ApiError {
    ApiError::NotFound {
        code: "ORDER_NOT_FOUND",
    }
}

/// The order named in the path; anything that is not a stored order id is 404.
async fn find_order(state: &AppState, raw_id: &str) -> Result<StoredOrder, ApiError> {
    let id = OrderId::parse(raw_id).map_err(|_| order_not_found())?;
    state.store.order(&id).await?.ok_or_else(order_not_found)
}

/// Admin answers hold buyer and payment data: never cached by browsers or proxies.
fn api_response(builder: HttpResponseBuilder) -> HttpResponseBuilder {
    let mut builder = builder;
    builder.insert_header(("Cache-Control", "no-store"));
    builder
}
