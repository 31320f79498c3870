//! Pages and their assets, embedded from `static/` at build time, served with security headers.

use actix_web::{web, HttpResponse, HttpResponseBuilder};

use super::extractors::buyer::Buyer;
use crate::state::AppState;

/// `/static/{name}`: every file the pages load. A file missing here is a 404 in the browser.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../../../static/app.css"),
    ),
    (
        "money.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/money.js"),
    ),
    (
        "checkout.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/checkout.js"),
    ),
    (
        "result.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/result.js"),
    ),
    (
        "account.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/account.js"),
    ),
    (
        "redirect.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/redirect.js"),
    ),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../../static/admin.js"),
    ),
];

const CHECKOUT_HTML: &str = include_str!("../../../../static/index.html");
const ADMIN_HTML: &str = include_str!("../../../../static/admin.html");
const ACCOUNT_HTML: &str = include_str!("../../../../static/account.html");

/// The policy of every page but checkout: our own scripts, styles and API only; no inline
/// script or style, no plugins, not framed, no frames of its own.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'";

/// Security headers every page gets; [`checkout`] widens the CSP for the SDK's origin.
pub fn page_headers(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), usb=()",
        ))
        .insert_header(("Content-Security-Policy", PAGE_CSP));
    builder
}

/// The origin (scheme://host:port) of a URL, for the CSP.
fn origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.origin().ascii_serialization())
}

/// The checkout page's policy: the SDK's origin may run its script, be framed (the card form and
/// 3-D Secure pages) and be called; nothing else is added to [`PAGE_CSP`]. The SDK styles its
/// overlay through the CSSOM (`element.style`), which `style-src 'self'` allows.
fn checkout_csp(sdk_script_url: &str) -> String {
    let sdk = origin(sdk_script_url);
    let frame_src = sdk.clone().unwrap_or_else(|| "'none'".into());
    let sdk = sdk.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{sdk}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'{sdk}; frame-src {frame_src}; object-src 'none'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

/// `GET /`: the checkout page.
/// A first visit also gets the buyer cookie (saved cards belong to it).
pub async fn checkout(state: web::Data<AppState>, buyer: Buyer) -> HttpResponse {
    let page = page_headers(HttpResponse::Ok())
        .insert_header(("Content-Security-Policy", checkout_csp(&state.sdk.script_url)))
        // The SDK's pages may want to know which shop framed them: the origin, never the path.
        .insert_header(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .body(CHECKOUT_HTML);
    buyer.respond(Ok(page))
}

/// `GET /account/cards`: the buyer's saved cards (list, remove, add through Antom's vaulting
/// component, so the same SDK policy as checkout). A first visit gets the buyer cookie.
pub async fn account_cards(state: web::Data<AppState>, buyer: Buyer) -> HttpResponse {
    let page = page_headers(HttpResponse::Ok())
        .insert_header(("Content-Security-Policy", checkout_csp(&state.sdk.script_url)))
        .insert_header(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .insert_header(("Cache-Control", "no-store"))
        .body(ACCOUNT_HTML);
    buyer.respond(Ok(page))
}

/// `GET /admin`: the ops console (it asks for the token; the API behind it checks it).
pub fn admin_console() -> HttpResponse {
    page_headers(HttpResponse::Ok())
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(ADMIN_HTML)
}

pub async fn asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header(("Cache-Control", "no-cache"))
            .body(*body),
        None => HttpResponse::NotFound().json(crate::routes::error::error_body("NOT_FOUND", "no such asset")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_csp_names_only_the_sdk_origin() {
        let csp = checkout_csp("http://127.0.0.1:8090/sdk/ams-checkout.js");
        assert!(csp.contains("script-src 'self' http://127.0.0.1:8090;"), "{csp}");
        assert!(csp.contains("frame-src http://127.0.0.1:8090;"), "{csp}");
        assert!(csp.contains("connect-src 'self' http://127.0.0.1:8090;"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(!csp.contains('*'), "{csp}");
    }

    #[test]
    fn a_sdk_url_without_an_origin_frames_nothing() {
        let csp = checkout_csp("not a url");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("frame-src 'none';"), "{csp}");
    }

    #[test]
    fn every_asset_has_a_type_and_content() {
        for (name, content_type, body) in ASSETS {
            assert!(content_type.contains("charset=utf-8"), "{name}");
            assert!(!body.is_empty(), "{name}");
        }
    }

    #[test]
    fn pages_load_no_inline_script() {
        for html in [CHECKOUT_HTML, ADMIN_HTML] {
            for tag in html.split("<script").skip(1) {
                assert!(
                    tag.trim_start().starts_with("src="),
                    "inline script in a page: <script{tag}"
                );
            }
            assert!(!html.contains(" style="), "inline style attribute in a page");
            assert!(!html.contains("<style"), "inline style element in a page");
        }
    }
}
