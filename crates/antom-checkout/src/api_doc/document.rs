//! The OpenAPI document (served at `GET /openapi.json` by [`serve`]): which handlers it describes, its security schemes, and the answers every
//! operation may give (500, and the contract's error body for them).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::api_doc::schemas::{admin, buyer, common, health, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "antom-checkout",
        description = "Merchant checkout backend for Antom card payments: buyer routes, the ops \
                       API, Antom's webhooks, health and metrics. Amounts are \
                       `{\"currency\", \"value\"}` in the currency's minor unit; every JSON error is \
                       `{\"error\": {\"code\", \"message\"}}` (webhooks answer in Antom's format).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        crate::routes::health::healthz,
        crate::routes::health::readyz,
        crate::routes::health::metrics,
        crate::api_doc::document::serve,
        crate::api_doc::serve::reference_page,
        crate::api_doc::serve::reference_asset,
        crate::routes::pages::checkout,
        crate::routes::products::list,
        crate::routes::pages::account_cards,
        crate::routes::sessions::create,
        crate::routes::orders::get,
        crate::routes::result_page::show,
        crate::routes::result_page::status,
        crate::routes::redirect::show,
        crate::routes::webhooks::payments,
        crate::routes::webhooks::refunds,
        crate::routes::webhooks::vaulting,
        crate::routes::vaulting::create_session,
        crate::routes::cards::list,
        crate::routes::cards::create,
        crate::routes::cards::delete,
        crate::routes::admin::page,
        crate::routes::admin::orders::list,
        crate::routes::admin::orders::show,
        crate::routes::admin::actions::capture,
        crate::routes::admin::actions::cancel,
        crate::routes::admin::actions::refund,
        crate::routes::admin::actions::sync,
        crate::routes::admin::deliveries::list,
        crate::routes::admin::deliveries::security_events,
        crate::routes::pages::self_hosted_sdk,
        crate::routes::pages::asset,
    ),
    components(schemas(
        common::Money,
        common::ErrorBody,
        common::OrderStatus,
        common::RecordStatus,
        health::HealthStatus,
        buyer::SessionRequest,
        buyer::SessionResponse,
        buyer::Order,
        admin::AdminOrder,
        webhooks::AntomNotification,
        webhooks::AntomAck,
    )),
    modifiers(&SecuritySchemes, &InternalErrors),
    tags(
        (name = "buyer", description = "The checkout: products, sessions, orders (contract §2)"),
        (name = "cards", description = "Saved cards and card vaulting (contract §2b)"),
        (name = "webhooks", description = "Antom's notifications, in Antom's format (contract §3)"),
        (name = "admin", description = "Ops: orders, capture, cancel, refund, sync, deliveries (contract §4)"),
        (name = "health", description = "Liveness, readiness, Prometheus metrics (contract §5)"),
        (name = "pages", description = "HTML pages and their assets"),
        (name = "docs", description = "This document and its reference page"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// `orderToken` (buyer order reads) and `adminToken` (the ops API): both bearer tokens.
#[derive(Debug)]
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            let mut http = Http::new(HttpAuthScheme::Bearer);
            http.description = Some(description.to_owned());
            SecurityScheme::Http(http)
        };
        components.add_security_scheme(
            "orderToken",
            bearer("The `orderToken` of the `POST /sessions` answer"),
        );
        components.add_security_scheme(
            "adminToken",
            bearer("An admin token (`antom-checkout admin create-token`); viewers may only GET"),
        );
    }
}

/// Any operation may fail inside: 500 `INTERNAL` with the error body.
#[derive(Debug)]
struct InternalErrors;

impl Modify for InternalErrors {
    fn modify(&self, openapi: &mut Document) {
        let internal = ResponseBuilder::new()
            .description("INTERNAL: something failed inside; details are logged, never returned")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.delete,
                &mut item.put,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("500".to_owned())
                    .or_insert_with(|| internal.clone().into());
            }
        }
    }
}

/// The document.
pub fn openapi() -> Document {
    ApiDoc::openapi()
}

/// The document as served and committed (`docs/openapi.json`): pretty JSON, trailing newline.
pub fn openapi_json() -> String {
    let mut json = openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// The OpenAPI 3.1 document of this server.
#[utoipa::path(get, path = "/openapi.json", tag = "docs",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object)))]
pub async fn serve() -> HttpResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(JSON.get_or_init(openapi_json).as_str())
}
