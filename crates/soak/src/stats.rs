//! What the run did, counted: operations by kind and outcome, latency per route (µs HDR
//! histograms), faults, crashes and database cuts.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;

#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// operation kind → (completed as intended, answered otherwise or not at all)
    ops: BTreeMap<String, (u64, u64)>,
    routes: BTreeMap<&'static str, Histogram<u64>>,
    /// route → requests without an HTTP answer (connection refused while a replica was down)
    unanswered: BTreeMap<&'static str, u64>,
    faults: BTreeMap<String, u64>,
    events: BTreeMap<&'static str, u64>,
}

/// One latency row of the report.
#[derive(Debug, Clone)]
pub struct RouteLatency {
    pub route: &'static str,
    pub count: u64,
    pub unanswered: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Stats {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn op(&self, kind: &str, ok: bool) {
        let mut inner = self.lock();
        let entry = inner.ops.entry(kind.to_owned()).or_default();
        if ok {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }

    pub fn latency(&self, route: &'static str, took: Duration) {
        let mut inner = self.lock();
        let histogram = inner
            .routes
            .entry(route)
            .or_insert_with(|| Histogram::new(3).expect("3 significant digits is valid"));
        let _ = histogram.record(took.as_micros().max(1) as u64);
    }

    pub fn unanswered(&self, route: &'static str) {
        *self.lock().unanswered.entry(route).or_default() += 1;
    }

    pub fn fault(&self, kind: &str) {
        *self.lock().faults.entry(kind.to_owned()).or_default() += 1;
    }

    /// Crashes, restarts, database cuts.
    pub fn event(&self, kind: &'static str) {
        *self.lock().events.entry(kind).or_default() += 1;
    }

    pub fn ops(&self) -> Vec<(String, u64, u64)> {
        self.lock()
            .ops
            .iter()
            .map(|(k, (ok, other))| (k.clone(), *ok, *other))
            .collect()
    }

    pub fn total_ops(&self) -> u64 {
        self.lock().ops.values().map(|(ok, other)| ok + other).sum()
    }

    pub fn faults(&self) -> Vec<(String, u64)> {
        self.lock().faults.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub fn events(&self) -> BTreeMap<&'static str, u64> {
        self.lock().events.clone()
    }

    pub fn routes(&self) -> Vec<RouteLatency> {
        let inner = self.lock();
        let mut names: Vec<&'static str> = inner.routes.keys().copied().collect();
        names.extend(
            inner
                .unanswered
                .keys()
                .copied()
                .filter(|r| !inner.routes.contains_key(r)),
        );
        names
            .into_iter()
            .map(|route| {
                let h = inner.routes.get(route);
                let q = |q: f64| h.map_or(0.0, |h| h.value_at_quantile(q) as f64 / 1000.0);
                RouteLatency {
                    route,
                    count: h.map_or(0, Histogram::len),
                    unanswered: inner.unanswered.get(route).copied().unwrap_or(0),
                    p50_ms: q(0.50),
                    p99_ms: q(0.99),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_percentiles_per_route() {
        let stats = Stats::default();
        for ms in 1..=100 {
            stats.latency("POST /sessions", Duration::from_millis(ms));
        }
        stats.unanswered("POST /sessions");
        stats.op("checkout", true);
        stats.op("checkout", false);
        let row = &stats.routes()[0];
        assert_eq!((row.count, row.unanswered), (100, 1));
        assert!((49.0..=51.0).contains(&row.p50_ms), "{row:?}");
        assert!((98.0..=100.5).contains(&row.p99_ms), "{row:?}");
        assert_eq!(stats.ops(), vec![("checkout".to_owned(), 1, 1)]);
        assert_eq!(stats.total_ops(), 2);
    }
}
