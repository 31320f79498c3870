//! HTTP routes, one module per resource. Handlers parse, call a service, shape the answer.
//! What handlers take from the request lives in `extractors/`, body reading in `body`, the
//! metrics' route labels in `labels`. This file declares them and registers the routes.

use actix_web::{web, HttpResponse};

use crate::api_doc;
use error::error_body;

pub mod admin;
pub mod bench_floor;
pub mod body;
pub mod cards;
pub mod error;
pub mod extractors;
pub mod health;
pub mod idempotency;
pub mod labels;
pub mod orders;
pub mod pages;
pub mod products;
pub mod redirect;
pub mod result_page;
pub mod sessions;
pub mod vaulting;
pub mod views;
pub mod webhooks;

/// One table, two readers: `configure` registers each row with actix, and [`ROUTES`] lists
/// them (method, pattern) for the metrics' labels and the OpenAPI coverage test, so a route
/// cannot be served without being seen by both.
macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        /// Every (method, path pattern) the server serves, in registration order.
        pub const ROUTES: &[(&str, &str)] = &[$((route_table!(@upper $method), $path)),*];

        fn register(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }
    };
    (@upper get) => { "GET" };
    (@upper post) => { "POST" };
    (@upper delete) => { "DELETE" };
}

route_table! {
    get "/healthz" => health::healthz,
    get "/readyz" => health::readyz,
    get "/metrics" => health::metrics,
    get "/openapi.json" => api_doc::document::serve,
    get "/docs/api" => api_doc::serve::reference_page,
    get "/docs/api/{file}" => api_doc::serve::reference_asset,
    get "/" => pages::checkout,
    get "/api/products" => products::list,
    get "/account/cards" => pages::account_cards,
    post "/sessions" => sessions::create,
    get "/api/orders/{order_id}" => orders::get,
    get "/checkout/result" => result_page::show,
    get "/checkout/result/status" => result_page::status,
    get "/checkout/redirect" => redirect::show,
    post "/webhooks/antom/payments" => webhooks::payments,
    post "/webhooks/antom/refunds" => webhooks::refunds,
    post "/webhooks/antom/vaulting" => webhooks::vaulting,
    post "/vaulting/sessions" => vaulting::create_session,
    get "/api/cards" => cards::list,
    post "/api/cards" => cards::create,
    delete "/api/cards/{card_id}" => cards::delete,
    get "/admin" => admin::page,
    get "/admin/api/orders" => admin::orders::list,
    get "/admin/api/orders/{order_id}" => admin::orders::show,
    post "/admin/api/orders/{order_id}/capture" => admin::actions::capture,
    post "/admin/api/orders/{order_id}/cancel" => admin::actions::cancel,
    post "/admin/api/orders/{order_id}/refund" => admin::actions::refund,
    post "/admin/api/orders/{order_id}/sync" => admin::actions::sync,
    get "/admin/api/deliveries" => admin::deliveries::list,
    get "/admin/api/security-events" => admin::deliveries::security_events,
    get "/vendor/ams-checkout/{file}" => pages::self_hosted_sdk,
    // The pages' CSS and JS, embedded at build time so the binary is self-contained.
    get "/static/{file}" => pages::asset,
}

/// Registers every route of [`ROUTES`]; with `bench_floor` (`BENCH_FLOOR_ROUTE=on`) also the
/// bench's `POST /__bench/floor`, which is kept out of [`ROUTES`] (it is not the product's API);
/// then the JSON 404 for everything else.
pub fn configure(cfg: &mut web::ServiceConfig, bench_floor: bool) {
    register(cfg);
    if bench_floor {
        cfg.route("/__bench/floor", web::post().to(bench_floor::floor));
    }
    cfg.default_service(web::to(not_found));
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(error_body("NOT_FOUND", "no such route"))
}

#[cfg(test)]
mod tests {
    use super::labels::PATTERNS;
    use super::ROUTES;

    #[test]
    fn every_registered_route_has_a_label() {
        assert!(ROUTES.len() > 20, "{ROUTES:?}");
        for (_, path) in ROUTES {
            assert!(PATTERNS.contains(path), "{path} has no metrics label");
        }
        for pattern in PATTERNS.iter().filter(|p| **p != "unmatched") {
            assert!(
                ROUTES.iter().any(|(_, r)| r == pattern),
                "{pattern} is labelled but not registered"
            );
        }
    }
}
