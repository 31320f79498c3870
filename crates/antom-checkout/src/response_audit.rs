//! A seam for checking every answer the server gives: when an audit is installed (the API tests
//! install one that validates each response against the OpenAPI document), the HTTP layer
//! buffers each response body and shows it, with the matched route, to the audit. Production
//! installs none, and responses stream as before.

/// One request's answer, as the audit sees it.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub method: &'a str,
    /// The route pattern the request matched (`/api/orders/{order_id}`), if any.
    pub pattern: Option<&'a str>,
    pub path: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// Sees every response; must not block (it runs on the server's workers).
pub trait ResponseAudit: Send + Sync + std::fmt::Debug {
    fn audit(&self, exchange: &Exchange<'_>);
}
