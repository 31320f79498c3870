//! Pages and their assets, embedded from `static/` at build time, served with security headers.

use actix_web::{web, HttpResponse, HttpResponseBuilder};

use crate::state::AppState;

const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../../../static/app.css"),
    ),
    (
        "checkout.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/checkout.js"),
    ),
];

const CHECKOUT_HTML: &str = include_str!("../../../../static/index.html");

/// Security headers every page gets. The SDK's origin is added where the page loads it.
pub fn page_headers(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    builder
}

/// The origin (scheme://host:port) of a URL, for the CSP.
fn origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

pub async fn checkout(state: web::Data<AppState>) -> HttpResponse {
    let sdk_origin = origin(&state.sdk.script_url).unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' {sdk_origin}; connect-src 'self' {sdk_origin}; frame-src {sdk_origin}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    );
    let mut builder = page_headers(HttpResponse::Ok());
    builder.insert_header(("Content-Security-Policy", csp));
    builder.body(CHECKOUT_HTML)
}

pub async fn asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header(("Cache-Control", "no-cache"))
            .body(*body),
        None => HttpResponse::NotFound().json(crate::error::error_body("NOT_FOUND", "no such asset")),
    }
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
