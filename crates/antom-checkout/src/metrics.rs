//! Prometheus metrics in text format: HTTP requests per route, Antom call outcomes per
//! endpoint, notifications by verdict and outcome. Small and dependency-free on purpose.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use antom_client::client::CallObserver;
use antom_client::Endpoint;

#[derive(Default)]
struct Series {
    count: u64,
    seconds: f64,
}

#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String, u16), Series>>,
    antom: Mutex<BTreeMap<(String, String, String), Series>>,
    notifications: Mutex<BTreeMap<(String, String, String), u64>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn observe_http(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let mut map = self.http.lock().expect("metrics lock");
        let s = map
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        s.count += 1;
        s.seconds += elapsed.as_secs_f64();
    }

    pub fn observe_notification(&self, route: &str, verdict: &str, outcome: &str) {
        let mut map = self.notifications.lock().expect("metrics lock");
        *map.entry((route.to_owned(), verdict.to_owned(), outcome.to_owned()))
            .or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP http_requests_total HTTP requests by route, method and status.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        let http = self.http.lock().expect("metrics lock");
        for ((route, method, status), s) in http.iter() {
            let _ = writeln!(
                out,
                "http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP http_request_duration_seconds_sum Time spent serving requests.\n");
        out.push_str("# TYPE http_request_duration_seconds_sum counter\n");
        for ((route, method, status), s) in http.iter() {
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {:.6}",
                s.seconds
            );
        }
        drop(http);
        out.push_str("# HELP antom_calls_total Antom API calls by endpoint, result status and code.\n");
        out.push_str("# TYPE antom_calls_total counter\n");
        let antom = self.antom.lock().expect("metrics lock");
        for ((endpoint, status, code), s) in antom.iter() {
            let _ = writeln!(
                out,
                "antom_calls_total{{endpoint=\"{endpoint}\",status=\"{status}\",code=\"{code}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP antom_call_duration_seconds_sum Time spent in Antom calls.\n");
        out.push_str("# TYPE antom_call_duration_seconds_sum counter\n");
        for ((endpoint, status, code), s) in antom.iter() {
            let _ = writeln!(
                out,
                "antom_call_duration_seconds_sum{{endpoint=\"{endpoint}\",status=\"{status}\",code=\"{code}\"}} {:.6}",
                s.seconds
            );
        }
        drop(antom);
        out.push_str("# HELP notifications_total Antom notifications by route, verdict and outcome.\n");
        out.push_str("# TYPE notifications_total counter\n");
        for ((route, verdict, outcome), n) in self.notifications.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "notifications_total{{route=\"{route}\",verdict=\"{verdict}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        out
    }
}

impl CallObserver for Metrics {
    fn observe(&self, endpoint: Endpoint, status_letter: &'static str, code: &str, elapsed: Duration) {
        // Codes are Antom's or ours (upper snake case); keep label values tame anyway.
        let code: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        let mut map = self.antom.lock().expect("metrics lock");
        let s = map
            .entry((endpoint.name().to_owned(), status_letter.to_owned(), code))
            .or_default();
        s.count += 1;
        s.seconds += elapsed.as_secs_f64();
    }
}
