//! `GET /checkout/redirect?f=…`: a page that submits a sealed POST form (3-D Secure after a
//! server-to-server `pay` or `vaultPaymentMethod`, see `services::buyer_redirect`). Its CSP lets
//! forms go to that form's origin only, and `static/redirect.js` submits it; without
//! JavaScript the buyer presses the button.

use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::pages::{escape, page_headers};
use crate::services::buyer_redirect;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct RedirectQuery {
    f: Option<String>,
}

/// Sealed forms are a few kilobytes; anything longer is not ours.
const MAX_SEALED: usize = 64 * 1024;

#[utoipa::path(
    get,
    path = "/checkout/redirect",
    tag = "buyer",
    params(("f" = String, Query, description = "The redirect's id")),
    responses(
        (status = 200, description = "Submits the 3-D Secure form Antom asked for", content_type = "text/html", body = String),
        (status = 404, description = "No such redirect", content_type = "text/html", body = String),
    )
)]
pub async fn show(state: web::Data<AppState>, query: web::Query<RedirectQuery>) -> HttpResponse {
    let form = query
        .f
        .as_deref()
        .filter(|f| f.len() <= MAX_SEALED)
        .and_then(|f| buyer_redirect::open(&state.data_key, f, Utc::now()));
    let Some(form) = form else {
        return page_headers(HttpResponse::NotFound())
            .insert_header(("Cache-Control", "no-store"))
            .body(
                r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link expired · Demo shop</title><link rel="stylesheet" href="/static/app.css"></head><body><main class="result"><div class="card status-info"><h1>This link has expired</h1><p>Please go back to the shop and try again.</p><div class="actions"><a class="button primary" href="/">Back to the shop</a></div></div></main></body></html>"#,
            );
    };
    let origin = url::Url::parse(&form.url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "'none'".into());
    let fields: String = form
        .fields
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape(k),
                escape(v)
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Verifying your card · Demo shop</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="result"><div class="card status-wait">
<h1>Taking you to your bank to verify the card…</h1>
<form id="redirect-form" method="post" action="{action}" data-testid="redirect-form">{fields}
<noscript><p>Press the button to continue.</p></noscript>
<div class="actions"><button type="submit" class="button primary" data-testid="redirect-continue">Continue</button></div>
</form></div></main>
<script src="/static/redirect.js"></script>
</body></html>"#,
        action = escape(&form.url),
        fields = fields,
    );
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action {origin}"
    );
    page_headers(HttpResponse::Ok())
        .insert_header(("Content-Security-Policy", csp))
        .insert_header(("Cache-Control", "no-store"))
        .body(html)
}
