//! The OpenAPI document: which handlers it describes, its security schemes, and the answers every
//! operation may give (500, and the contract's error body for them).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::schemas::{admin, buyer, common, health, webhooks};
use crate::routes;

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
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        super::serve::openapi_json,
        super::serve::reference_page,
        super::serve::reference_asset,
        routes::pages::checkout,
        routes::products::list,
        routes::pages::account_cards,
        routes::sessions::create,
        routes::orders::get,
        routes::result_page::show,
        routes::result_page::status,
        routes::redirect::show,
        routes::webhooks::payments,
        routes::webhooks::refunds,
        routes::webhooks::vaulting,
        routes::vaulting::create_session,
        routes::cards::list,
        routes::cards::create,
        routes::cards::delete,
        routes::admin::page,
        routes::admin::orders::list,
        routes::admin::orders::show,
        routes::admin::actions::capture,
        routes::admin::actions::cancel,
        routes::admin::actions::refund,
        routes::admin::actions::sync,
        routes::admin::deliveries::list,
        routes::admin::deliveries::security_events,
        routes::pages::self_hosted_sdk,
        routes::pages::asset,
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
