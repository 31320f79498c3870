//! The ops console: `GET /admin` (the page) and the JSON API under `/admin/api/` (contract §4).
//!
//! Every API handler takes an [`AdminUser`](crate::auth::AdminUser), which authenticates the
//! bearer token and refuses a viewer's POST before the handler runs. Reads are in `orders`,
//! actions (capture, cancel, refund, sync) in `actions`, and `Idempotency-Key` handling for the
//! actions in `idempotency`. The actions themselves are `services::ops`; this module only parses,
//! checks the order exists, and shapes the answer.

use actix_web::{HttpResponse, HttpResponseBuilder};
use domain::OrderId;

use super::pages::page_headers;
use crate::error::ApiError;
use crate::persistence::StoredOrder;
use crate::state::AppState;

pub mod actions;
mod idempotency;
pub mod orders;

/// A placeholder until the console lands: the sign-in hooks of contract §7 and nothing else.
const ADMIN_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>antom-checkout admin</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<main>
  <h1>Orders console</h1>
  <p>Sign in with an admin token (<code>antom-checkout admin create-token --name NAME --role viewer|operator</code>).</p>
  <label>Admin token <input type="password" data-testid="admin-token" name="token" autocomplete="off" spellcheck="false"></label>
  <button type="button" data-testid="admin-login">Sign in</button>
  <p>The console is on its way; meanwhile the JSON API is under <code>/admin/api/</code>.</p>
</main>
</body>
</html>
"#;

/// `GET /admin`: needs no token itself (it asks for one); the API behind it does.
pub async fn page() -> HttpResponse {
    page_headers(HttpResponse::Ok())
        .insert_header(("Cache-Control", "no-store"))
        .body(ADMIN_HTML)
}

fn order_not_found() -> ApiError {
    ApiError::NotFound {
        code: "ORDER_NOT_FOUND",
    }
}

/// The order named in the path; anything that is not a stored order id is 404.
async fn find_order(state: &AppState, raw_id: &str) -> Result<StoredOrder, ApiError> {
    let id = OrderId::parse(raw_id).map_err(|_| order_not_found())?;
    state.store.order(id.as_str()).await?.ok_or_else(order_not_found)
}

/// Admin answers hold buyer and payment data: never cached by browsers or proxies.
fn api_response(builder: HttpResponseBuilder) -> HttpResponseBuilder {
    let mut builder = builder;
    builder.insert_header(("Cache-Control", "no-store"));
    builder
}
