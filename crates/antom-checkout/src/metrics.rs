//! Prometheus metrics (the `prometheus-client` crate), in the Prometheus text format.
//!
//! Every label value comes from a fixed set chosen here, never from what a caller sent: an
//! HTTP method is one of the standard ones or `OTHER`; a route is one of the patterns the
//! server registers or `unmatched`; a status is its class (`2xx`…); Antom calls are labelled
//! by endpoint and `S`/`F`/`U`; notification outcomes by the server's own outcome names. So
//! the exposition has a bounded size whatever the internet sends.

use std::time::Duration;

use antom_client::client::CallObserver;
use antom_client::Endpoint;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`Metrics::render`].
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Latency buckets in seconds, 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: &'static str,
    method: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AntomLabels {
    endpoint: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NotificationLabels {
    route: &'static str,
    verdict: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SecurityLabels {
    kind: &'static str,
    stored: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InquiryLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgeLabels {
    age: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookRouteLabels {
    route: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// The values of the database-derived gauges (age labels from a fixed set of buckets).
#[derive(Debug, Clone, Copy)]
pub struct OpsGauges<'a> {
    pub reconciler_lag_secs: f64,
    pub inbox_backlog: u64,
    pub open_authorizations: &'a [(&'static str, u64)],
    pub expiring_within_24h: u64,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Histograms<RouteLabels>,
    antom_calls: Family<AntomLabels, Counter>,
    antom_duration: Histograms<AntomLabels>,
    notifications: Family<NotificationLabels, Counter>,
    security_events: Family<SecurityLabels, Counter>,
    rate_limited: Family<LimitLabels, Counter>,
    buyer_inquiries: Family<InquiryLabels, Counter>,
    notification_delay: Histograms<WebhookRouteLabels>,
    reconciler_lag: Gauge<f64, std::sync::atomic::AtomicU64>,
    inbox_backlog: Gauge,
    open_authorizations: Family<AgeLabels, Gauge>,
    expiring_authorizations: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route pattern, method and status class",
            http_requests.clone(),
        );
        let http_duration: Histograms<RouteLabels> = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time spent serving HTTP requests, by route pattern and method",
            http_duration.clone(),
        );
        let antom_calls = Family::<AntomLabels, Counter>::default();
        registry.register(
            "antom_calls",
            "Antom API calls by endpoint and outcome (S, F, U)",
            antom_calls.clone(),
        );
        let antom_duration: Histograms<AntomLabels> = Family::new_with_constructor(latency_histogram);
        registry.register(
            "antom_call_duration_seconds",
            "Antom API call latency by endpoint and outcome",
            antom_duration.clone(),
        );
        let notifications = Family::<NotificationLabels, Counter>::default();
        registry.register(
            "notifications",
            "Antom notifications by route, verdict and outcome",
            notifications.clone(),
        );
        let security_events = Family::<SecurityLabels, Counter>::default();
        registry.register(
            "security_events",
            "Refused webhook deliveries and failed admin logins, stored or over the storage rate",
            security_events.clone(),
        );
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limited_requests",
            "Requests refused with 429, by limit",
            rate_limited.clone(),
        );
        let buyer_inquiries = Family::<InquiryLabels, Counter>::default();
        registry.register(
            "buyer_inquiries",
            "Result-page loads that inquired Antom (sent) or found a recent inquiry (skipped)",
            buyer_inquiries.clone(),
        );
        let notification_delay: Histograms<WebhookRouteLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "notification_apply_delay_seconds",
            "From a verified notification's arrival to its facts applied to the order, by webhook route",
            notification_delay.clone(),
        );
        let reconciler_lag = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "reconciler_lag_seconds",
            "Seconds since the oldest due order check fell due (0: nothing waits)",
            reconciler_lag.clone(),
        );
        let inbox_backlog = Gauge::default();
        registry.register(
            "inbox_backlog",
            "Verified notifications stored but not yet applied",
            inbox_backlog.clone(),
        );
        let open_authorizations = Family::<AgeLabels, Gauge>::default();
        registry.register(
            "open_authorizations",
            "Authorized orders not yet captured or voided, by age bucket",
            open_authorizations.clone(),
        );
        let expiring_authorizations = Gauge::default();
        registry.register(
            "authorizations_expiring_24h",
            "Open authorizations that lapse within 24 hours: captures at risk",
            expiring_authorizations.clone(),
        );
        Metrics {
            registry,
            notification_delay,
            reconciler_lag,
            inbox_backlog,
            open_authorizations,
            expiring_authorizations,
            http_requests,
            http_duration,
            antom_calls,
            antom_duration,
            notifications,
            security_events,
            rate_limited,
            buyer_inquiries,
        }
    }
}

/// The label of an HTTP method: a standard one, else `OTHER`.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

/// The label of a status code: its class.
pub fn status_label(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// `route` must be a registered pattern (or `unmatched`): see `routes::route_label`.
    pub fn observe_http(&self, route: &'static str, method: &'static str, status: u16, elapsed: Duration) {
        self.http_requests
            .get_or_create(&HttpLabels {
                route,
                method,
                status: status_label(status),
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels { route, method })
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_notification(&self, route: &'static str, verdict: &'static str, outcome: &'static str) {
        self.notifications
            .get_or_create(&NotificationLabels {
                route,
                verdict,
                outcome,
            })
            .inc();
    }

    /// A verified notification applied `elapsed` after it arrived.
    pub fn observe_notification_delay(&self, route: &'static str, elapsed: Duration) {
        self.notification_delay
            .get_or_create(&WebhookRouteLabels { route })
            .observe(elapsed.as_secs_f64());
    }

    /// The database-derived gauges, refreshed by `services::ops_gauges`.
    pub fn set_ops_gauges(&self, snapshot: OpsGauges<'_>) {
        self.reconciler_lag.set(snapshot.reconciler_lag_secs);
        self.inbox_backlog
            .set(i64::try_from(snapshot.inbox_backlog).unwrap_or(i64::MAX));
        for (age, count) in snapshot.open_authorizations {
            self.open_authorizations
                .get_or_create(&AgeLabels { age })
                .set(i64::try_from(*count).unwrap_or(i64::MAX));
        }
        self.expiring_authorizations
            .set(i64::try_from(snapshot.expiring_within_24h).unwrap_or(i64::MAX));
    }

    /// A security event, `stored` or not (over the storage rate).
    pub fn observe_security_event(&self, kind: &'static str, stored: bool) {
        self.security_events
            .get_or_create(&SecurityLabels {
                kind,
                stored: if stored { "stored" } else { "suppressed" },
            })
            .inc();
    }

    pub fn observe_rate_limited(&self, limit: &'static str) {
        self.rate_limited.get_or_create(&LimitLabels { limit }).inc();
    }

    /// A result-page load that inquired Antom (`sent`) or did not need to (`skipped`).
    pub fn observe_buyer_inquiry(&self, sent: bool) {
        self.buyer_inquiries
            .get_or_create(&InquiryLabels {
                result: if sent { "sent" } else { "skipped" },
            })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

impl CallObserver for Metrics {
    fn observe(&self, endpoint: Endpoint, status_letter: &'static str, _code: &str, elapsed: Duration) {
        let labels = AntomLabels {
            endpoint: endpoint.name(),
            outcome: status_letter,
        };
        self.antom_calls.get_or_create(&labels).inc();
        self.antom_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_methods_share_one_label() {
        let odd = actix_web::http::Method::from_bytes(b"XYZZY").unwrap();
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&actix_web::http::Method::POST), "POST");
        assert_eq!(status_label(404), "4xx");
        assert_eq!(status_label(999), "5xx");
    }

    #[test]
    fn histograms_have_buckets() {
        let metrics = Metrics::default();
        metrics.observe_http("/sessions", "POST", 201, Duration::from_millis(3));
        let text = metrics.render();
        assert!(
            text.contains(
                r#"http_request_duration_seconds_bucket{route="/sessions",method="POST",le="0.005"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"http_requests_total{route="/sessions",method="POST",status="2xx"} 1"#),
            "{text}"
        );
    }
}
