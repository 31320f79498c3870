//! Pages and their assets, embedded from `static/` at build time, served with security headers.

use actix_web::{web, HttpResponse, HttpResponseBuilder};

use antom_client::web_sdk;

use super::extractors::buyer::Buyer;
use crate::state::{AppState, SdkInfo};

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

/// The checkout page's policy. With the simulator, its origin may run its script, be framed (the
/// card form and 3-D Secure pages) and be called. With Antom's real SDK (live mode), the
/// script's origin (Antom's CDN, or this server when self-hosted) and the hosts the SDK reaches
/// (`antom_client::web_sdk`): its iframes, gateways and assets. Nothing else is added to
/// [`PAGE_CSP`]. The SDK styles its overlay through the CSSOM (`element.style`), which
/// `style-src 'self'` allows.
fn checkout_csp(sdk: &SdkInfo) -> String {
    let script_origin = origin(&sdk.script_url);
    let list = |origins: Vec<String>| origins.iter().map(|o| format!(" {o}")).collect::<String>();
    let (script, connect, frame, img) = if sdk.real_antom {
        let assets: Vec<String> = web_sdk::ASSET_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
        let script: Vec<String> = script_origin.into_iter().chain(assets.clone()).collect();
        let connect = web_sdk::CONNECT_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
        let frame = web_sdk::FRAME_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
        (list(script), list(connect), list(frame), list(assets))
    } else {
        let own: Vec<String> = script_origin.into_iter().collect();
        (list(own.clone()), list(own.clone()), list(own), String::new())
    };
    let frame = if frame.is_empty() {
        " 'none'".to_owned()
    } else {
        frame
    };
    format!(
        "default-src 'self'; script-src 'self'{script}; style-src 'self'; img-src 'self' data:{img}; \
         connect-src 'self'{connect}; frame-src{frame}; object-src 'none'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

/// `GET /`: the checkout page.
/// A first visit also gets the buyer cookie (saved cards belong to it).
#[utoipa::path(
    get,
    path = "/",
    tag = "pages",
    responses(
        (status = 200, description = "The checkout page (sets the buyer cookie on a first visit)", content_type = "text/html", body = String),
    )
)]
pub async fn checkout(state: web::Data<AppState>, buyer: Buyer) -> HttpResponse {
    let page = page_headers(HttpResponse::Ok())
        .insert_header(("Content-Security-Policy", checkout_csp(&state.sdk)))
        // The SDK's pages may want to know which shop framed them: the origin, never the path.
        .insert_header(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .body(CHECKOUT_HTML.replace(
            "{{CHECKOUT_INTEGRATION}}",
            state.settings.checkout_integration.as_str(),
        ));
    buyer.respond(Ok(page))
}

/// `GET /account/cards`: the buyer's saved cards (list, remove, add through Antom's vaulting
/// component, so the same SDK policy as checkout). A first visit gets the buyer cookie.
#[utoipa::path(
    get,
    path = "/account/cards",
    tag = "pages",
    responses(
        (status = 200, description = "The buyer's saved cards page", content_type = "text/html", body = String),
    )
)]
pub async fn account_cards(state: web::Data<AppState>, buyer: Buyer) -> HttpResponse {
    let page = page_headers(HttpResponse::Ok())
        .insert_header(("Content-Security-Policy", checkout_csp(&state.sdk)))
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

#[utoipa::path(
    get,
    path = "/static/{file}",
    tag = "pages",
    params(("file" = String, Path, description = "The asset's file name")),
    responses(
        (status = 200, description = "A page asset", content((String = "text/javascript"), (String = "text/css"))),
        (status = 404, description = "NOT_FOUND: no such asset", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
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

/// `GET /vendor/ams-checkout/{file}`: the self-hosted Antom Web SDK (`ANTOM_SDK_SOURCE=self`),
/// checked against its integrity at start. Its name carries its hash, so it is cached for a
/// year. 404 for any other name, and when the SDK is not self-hosted.
#[utoipa::path(
    get,
    path = "/vendor/ams-checkout/{file}",
    tag = "pages",
    params(("file" = String, Path, description = "`<hash>.js`")),
    responses(
        (status = 200, description = "Antom's Web SDK, self-hosted (`ANTOM_SDK_SOURCE=self`)", content_type = "text/javascript", body = String),
        (status = 404, description = "NOT_FOUND: not self-hosted, or another file", body = crate::api_doc::schemas::common::ErrorBody),
    )
)]
pub async fn self_hosted_sdk(state: web::Data<AppState>, req: actix_web::HttpRequest) -> HttpResponse {
    match &state.sdk.self_hosted {
        Some(sdk) if sdk.path == req.path() => HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(sdk.bytes.clone()),
        _ => HttpResponse::NotFound().json(super::error::error_body("NOT_FOUND", "no such file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdk(script_url: &str, real_antom: bool) -> SdkInfo {
        SdkInfo {
            environment: "sandbox",
            script_url: script_url.to_owned(),
            integrity: None,
            self_hosted: None,
            real_antom,
        }
    }

    #[test]
    fn checkout_csp_names_only_the_sdk_origin() {
        let csp = checkout_csp(&sdk("http://127.0.0.1:8090/sdk/ams-checkout.js", false));
        assert!(csp.contains("script-src 'self' http://127.0.0.1:8090;"), "{csp}");
        assert!(csp.contains("frame-src http://127.0.0.1:8090;"), "{csp}");
        assert!(csp.contains("connect-src 'self' http://127.0.0.1:8090;"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(!csp.contains('*'), "{csp}");
    }

    #[test]
    fn a_sdk_url_without_an_origin_frames_nothing() {
        let csp = checkout_csp(&sdk("not a url", false));
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("frame-src 'none';"), "{csp}");
    }

    #[test]
    fn live_pages_may_reach_antoms_hosts_and_nothing_else() {
        let cdn = checkout_csp(&sdk(crate::config::DEFAULT_SDK_SCRIPT_URL, true));
        assert!(
            cdn.contains("script-src 'self' https://sdk.marmot-cloud.com https://cdn.marmot-cloud.com"),
            "{cdn}"
        );
        assert!(
            cdn.contains("frame-src https://checkout.antom.com https://ac.alipay.com;"),
            "{cdn}"
        );
        assert!(cdn.contains("https://imgs-sea-global.alipay.com"), "{cdn}");
        assert!(!cdn.contains("127.0.0.1") && !cdn.contains('*'), "{cdn}");
        // Self-hosted: the script comes from this origin, the rest is still Antom's.
        let own = checkout_csp(&sdk(
            "https://shop.example/vendor/ams-checkout/0123456789abcdef.js",
            true,
        ));
        assert!(
            own.contains("script-src 'self' https://shop.example https://cdn.marmot-cloud.com"),
            "{own}"
        );
        assert!(own.contains("frame-src https://checkout.antom.com"), "{own}");
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
