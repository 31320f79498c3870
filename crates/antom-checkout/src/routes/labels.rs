//! The metrics' `route` label: the pattern a request matched, from a fixed list, so that no
//! request can add a label value.

/// Every route pattern the server registers (the metrics' `route` label; anything else is
/// `unmatched`). `every_registered_route_has_a_label` (in `routes/mod.rs`) keeps it in
/// step with `configure`.
pub const PATTERNS: [&str; 32] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs/api",
    "/docs/api/{file}",
    "/",
    "/api/products",
    "/account/cards",
    "/sessions",
    "/api/orders/{order_id}",
    "/checkout/result",
    "/checkout/result/status",
    "/checkout/redirect",
    "/webhooks/antom/payments",
    "/webhooks/antom/refunds",
    "/webhooks/antom/vaulting",
    "/vaulting/sessions",
    "/api/cards",
    "/api/cards/{card_id}",
    "/admin",
    "/admin/api/orders",
    "/admin/api/orders/{order_id}",
    "/admin/api/orders/{order_id}/capture",
    "/admin/api/orders/{order_id}/cancel",
    "/admin/api/orders/{order_id}/refund",
    "/admin/api/orders/{order_id}/sync",
    "/admin/api/deliveries",
    "/admin/api/security-events",
    "/static/{file}",
    "/vendor/ams-checkout/{file}",
    "unmatched",
];

/// The metrics label of a matched pattern: one of [`PATTERNS`].
pub fn route_label(pattern: Option<&str>) -> &'static str {
    pattern
        .and_then(|p| PATTERNS.iter().copied().find(|known| *known == p))
        .unwrap_or("unmatched")
}
