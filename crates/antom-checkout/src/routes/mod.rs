//! HTTP routes, one module per resource. Handlers parse, call a service, shape the answer.
//! What handlers take from the request lives in `extractors/`, body reading in `body`, the
//! metrics' route labels in `labels`. This file declares them and registers the routes.

use actix_web::{web, HttpResponse};

use error::error_body;

pub mod admin;
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

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/", web::get().to(pages::checkout))
        .route("/api/products", web::get().to(products::list))
        .route("/account/cards", web::get().to(pages::account_cards))
        .route("/sessions", web::post().to(sessions::create))
        .route("/api/orders/{order_id}", web::get().to(orders::get))
        .route("/checkout/result", web::get().to(result_page::show))
        .route("/checkout/result/status", web::get().to(result_page::status))
        .route("/checkout/redirect", web::get().to(redirect::show))
        .route("/webhooks/antom/payments", web::post().to(webhooks::payments))
        .route("/webhooks/antom/refunds", web::post().to(webhooks::refunds))
        .route("/webhooks/antom/vaulting", web::post().to(webhooks::vaulting))
        .route("/vaulting/sessions", web::post().to(vaulting::create_session))
        .route("/api/cards", web::get().to(cards::list))
        .route("/api/cards", web::post().to(cards::create))
        .route("/api/cards/{card_id}", web::delete().to(cards::delete))
        .route("/admin", web::get().to(admin::page))
        .route("/admin/api/orders", web::get().to(admin::orders::list))
        .route("/admin/api/orders/{order_id}", web::get().to(admin::orders::show))
        .route(
            "/admin/api/orders/{order_id}/capture",
            web::post().to(admin::actions::capture),
        )
        .route(
            "/admin/api/orders/{order_id}/cancel",
            web::post().to(admin::actions::cancel),
        )
        .route(
            "/admin/api/orders/{order_id}/refund",
            web::post().to(admin::actions::refund),
        )
        .route(
            "/admin/api/orders/{order_id}/sync",
            web::post().to(admin::actions::sync),
        )
        .route("/admin/api/deliveries", web::get().to(admin::deliveries::list))
        .route(
            "/admin/api/security-events",
            web::get().to(admin::deliveries::security_events),
        )
        .route(
            "/vendor/ams-checkout/{file}",
            web::get().to(pages::self_hosted_sdk),
        )
        .service(actix_files_like_static())
        .default_service(web::to(not_found));
}

/// `/static/*`: the pages' CSS and JS, embedded at build time so the binary is self-contained.
fn actix_files_like_static() -> actix_web::Resource {
    web::resource("/static/{file}").route(web::get().to(pages::asset))
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(error_body("NOT_FOUND", "no such route"))
}

#[cfg(test)]
mod tests {
    use super::labels::PATTERNS;

    /// The paths `configure` registers, read from this file's source.
    fn registered() -> Vec<String> {
        let source = include_str!("mod.rs");
        let body = &source[source.find("pub fn configure(").unwrap()..source.find("#[cfg(test)]").unwrap()];
        let mut paths: Vec<String> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.starts_with('/'))
            .map(str::to_owned)
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    #[test]
    fn every_registered_route_has_a_label() {
        let registered = registered();
        assert!(registered.len() > 20, "{registered:?}");
        for path in &registered {
            assert!(PATTERNS.contains(&path.as_str()), "{path} has no metrics label");
        }
        for pattern in PATTERNS.iter().filter(|p| **p != "unmatched") {
            assert!(
                registered.iter().any(|r| r == pattern),
                "{pattern} is labelled but not registered"
            );
        }
    }
}
