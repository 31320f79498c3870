//! The chaos while traffic runs, each on its own seeded schedule: simulator faults rotating
//! every 3–8 s (http-contract §6: notification drops, duplicates, delays, reordering, drops
//! narrowed by notifyType; timeout, unknown, fail and processing on every endpoint; the
//! transactionStatusAlwaysSuccess answer shape), a replica SIGKILLed every 30–60 s, and the
//! database cut off every 40–80 s for 2–6 s.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::cluster::Cluster;
use crate::db_cut::DbCutter;
use crate::http::{Auth, Http};
use crate::journal::Journal;
use crate::stats::Stats;

/// Every Antom API the simulator serves, by the name `/__sim/faults` takes.
const ENDPOINTS: [&str; 10] = [
    "createPaymentSession",
    "pay",
    "inquiryPayment",
    "capture",
    "cancel",
    "refund",
    "inquiryRefund",
    "createVaultingSession",
    "vaultPaymentMethod",
    "inquireVaulting",
];
/// The endpoints with an `*_IN_PROCESS` answer.
const PROCESSING_ENDPOINTS: [&str; 4] = ["pay", "capture", "refund", "vaultPaymentMethod"];
const NOTIFY_TYPES: [&str; 4] = [
    "PAYMENT_RESULT",
    "CAPTURE_RESULT",
    "REFUND_RESULT",
    "VAULTING_RESULT",
];

/// One fault: its label for the report, and the `POST /__sim/faults` body.
pub fn random_fault(rng: &mut StdRng) -> (String, Value) {
    match rng.gen_range(0..10) {
        0 => (
            "notifications: drop".into(),
            json!({"notifications": {"drop": true}}),
        ),
        1 => {
            let kind = NOTIFY_TYPES.choose(rng).copied().unwrap_or("PAYMENT_RESULT");
            (
                format!("notifications: drop {kind}"),
                json!({"notifications": {"drop": true, "notifyType": kind}}),
            )
        }
        2 => {
            let copies = rng.gen_range(2..=4);
            (
                "notifications: duplicate".into(),
                json!({"notifications": {"duplicate": copies}}),
            )
        }
        3 => {
            let delay = rng.gen_range(500..=4000);
            (
                "notifications: delay".into(),
                json!({"notifications": {"delayMs": delay}}),
            )
        }
        4 => (
            "notifications: reorder".into(),
            json!({"notifications": {"reorder": true}}),
        ),
        5 => (
            "answers: transactionStatusAlwaysSuccess".into(),
            json!({"answers": {"transactionStatusAlwaysSuccess": true}}),
        ),
        6 => {
            let endpoint = PROCESSING_ENDPOINTS.choose(rng).copied().unwrap_or("capture");
            endpoint_fault(rng, endpoint, "processing")
        }
        _ => {
            let endpoint = ENDPOINTS.choose(rng).copied().unwrap_or("capture");
            let mode = ["timeout", "unknown", "fail"]
                .choose(rng)
                .copied()
                .unwrap_or("unknown");
            endpoint_fault(rng, endpoint, mode)
        }
    }
}

fn endpoint_fault(rng: &mut StdRng, endpoint: &str, mode: &str) -> (String, Value) {
    let times = rng.gen_range(1..=4);
    let mut fault = json!({"mode": mode, "times": times});
    if mode == "timeout" {
        fault["delayMs"] = json!(rng.gen_range(3000..=12000));
    }
    (
        format!("{endpoint}: {mode}"),
        json!({"endpoints": {endpoint: fault}}),
    )
}

/// Sleeps `d`; false when told to stop first.
pub async fn sleep_or_stop(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep(d) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

fn secs(rng: &mut StdRng, range: std::ops::RangeInclusive<f64>) -> Duration {
    Duration::from_secs_f64(rng.gen_range(range))
}

/// Rotates simulator faults until stopped, then clears them and releases held notifications.
pub async fn rotate_faults(
    seed: u64,
    http: Http,
    sim_url: String,
    journal: Arc<Journal>,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xfa01);
    let faults_url = format!("{sim_url}/__sim/faults");
    loop {
        let wait = secs(&mut rng, 3.0..=8.0);
        let (kind, body) = random_fault(&mut rng);
        let _ = http
            .send(
                "sim: faults",
                reqwest::Method::DELETE,
                &faults_url,
                Auth::default(),
                None,
            )
            .await;
        let answer = http
            .send(
                "sim: faults",
                reqwest::Method::POST,
                &faults_url,
                Auth::default(),
                Some(&body),
            )
            .await;
        let accepted = answer.as_ref().is_some_and(|a| a.ok());
        journal.write(
            "fault",
            json!({"fault": kind, "body": body, "accepted": accepted, "forSecs": wait.as_secs_f64()}),
        );
        if accepted {
            stats.fault(&kind);
        }
        if !sleep_or_stop(wait, &mut stop).await {
            break;
        }
    }
    clear_faults(&http, &sim_url).await;
    journal.write("faults_cleared", json!({}));
}

/// `DELETE /__sim/faults` and `POST /__sim/notifications/flush`.
pub async fn clear_faults(http: &Http, sim_url: &str) {
    let url = format!("{sim_url}/__sim/faults");
    let _ = http
        .send(
            "sim: faults",
            reqwest::Method::DELETE,
            &url,
            Auth::default(),
            None,
        )
        .await;
    let url = format!("{sim_url}/__sim/notifications/flush");
    let _ = http
        .send("sim: flush", reqwest::Method::POST, &url, Auth::default(), None)
        .await;
}

/// SIGKILLs a random replica every 30–60 s (the watchdog restarts it).
pub async fn kill_replicas(
    seed: u64,
    cluster: Arc<Cluster>,
    journal: Arc<Journal>,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4b11);
    loop {
        if !sleep_or_stop(secs(&mut rng, 30.0..=60.0), &mut stop).await {
            return;
        }
        let index = rng.gen_range(0..cluster.replicas.len());
        if let Some(pid) = cluster.kill(index).await {
            journal.write("kill", json!({"replica": index, "pid": pid, "signal": "SIGKILL"}));
            stats.event("replica kills (SIGKILL)");
        }
    }
}

/// Cuts the database off every 40–80 s for 2–6 s.
pub async fn cut_database(
    seed: u64,
    cutter: Arc<DbCutter>,
    journal: Arc<Journal>,
    stats: Arc<Stats>,
    mut stop: watch::Receiver<bool>,
) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xdbc7);
    loop {
        if !sleep_or_stop(secs(&mut rng, 40.0..=80.0), &mut stop).await {
            return;
        }
        let hold = secs(&mut rng, 2.0..=6.0);
        journal.write(
            "db_cut",
            json!({"how": cutter.describe(), "forSecs": hold.as_secs_f64()}),
        );
        let result = cutter.cut(hold).await;
        journal.write(
            "db_restored",
            json!({"error": result.as_ref().err().map(ToString::to_string)}),
        );
        stats.event("database cuts");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_faults_and_every_kind_comes_up() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..400).map(|_| random_fault(&mut rng).0).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        let kinds = draw(7);
        for wanted in [
            "notifications: drop",
            "notifications: duplicate",
            "notifications: delay",
            "notifications: reorder",
            "answers: transactionStatusAlwaysSuccess",
            "capture: processing",
            "refund: unknown",
            "createPaymentSession: fail",
            "inquiryPayment: timeout",
        ] {
            assert!(kinds.iter().any(|k| k == wanted), "{wanted} never drawn");
        }
    }
}
