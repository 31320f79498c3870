//! The reference page's files: swagger-ui-dist (vendored from npm by
//! `tools/vendor-swagger-ui.sh`, version in `static/vendor/swagger-ui/VERSION`) and our own page
//! and initialiser, embedded at build time and served from this origin.

/// The reference page (`GET /docs/api`).
pub const PAGE: &str = include_str!("../../../../static/api-docs.html");

/// `/docs/api/{file}`: (name, content type, bytes).
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../../static/vendor/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../../static/vendor/swagger-ui/swagger-ui.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../../static/api-docs.js"),
    ),
];

/// The file called `name`, with its content type.
pub fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, content_type, bytes)| (*content_type, *bytes))
}
