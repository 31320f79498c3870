//! The run's report in Markdown: tables of operations, faults, crashes, orders checked,
//! discrepancies, latency per route under chaos and server memory.

use std::fmt::Write;

use crate::check::CheckReport;
use crate::stats::Stats;

/// What the report says about the run besides the counters.
#[derive(Debug)]
pub struct RunFacts {
    pub seed: u64,
    pub db: &'static str,
    pub replicas: usize,
    pub duration_secs: f64,
    pub time_scale: f64,
    pub db_cut: &'static str,
    /// Seconds from the end of the chaos until the check found nothing left to settle, or
    /// `None` when the bound ran out.
    pub settle_secs: Option<f64>,
    pub settle_bound_secs: f64,
    /// (replica, kills, restarts, RSS at start MB, RSS at end MB)
    pub replicas_memory: Vec<(usize, u64, u64, f64, f64)>,
}

pub fn markdown(facts: &RunFacts, stats: &Stats, check: &CheckReport) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Soak report\n");
    let _ = writeln!(
        md,
        "seed **{}**, {} with {} replica(s), {:.0} s of chaos, simulator time scale {}, database cut: {}.\n",
        facts.seed, facts.db, facts.replicas, facts.duration_secs, facts.time_scale, facts.db_cut
    );
    let _ = writeln!(
        md,
        "Settled: {}\n",
        match facts.settle_secs {
            Some(s) => format!("{s:.1} s after the chaos stopped"),
            None => format!("**not quiet within {:.0} s**", facts.settle_bound_secs),
        }
    );
    let _ = writeln!(md, "## Operations\n\n| operation | as intended | otherwise (refused, failed, unanswered) |\n| --- | ---: | ---: |");
    for (kind, ok, other) in stats.ops() {
        let _ = writeln!(md, "| {kind} | {ok} | {other} |");
    }
    let _ = writeln!(md, "\n## Faults injected\n\n| fault | times |\n| --- | ---: |");
    let faults = stats.faults();
    for (kind, n) in &faults {
        let _ = writeln!(md, "| {kind} | {n} |");
    }
    let _ = writeln!(
        md,
        "| **total** | {} |",
        faults.iter().map(|(_, n)| n).sum::<u64>()
    );
    let _ = writeln!(md, "\n## Crashes and cuts\n\n| event | count |\n| --- | ---: |");
    for (kind, n) in stats.events() {
        let _ = writeln!(md, "| {kind} | {n} |");
    }
    let _ = writeln!(md, "\n## Orders checked\n\n| | count |\n| --- | ---: |");
    let _ = writeln!(md, "| orders | {} |", check.orders);
    for (status, n) in &check.by_status {
        let _ = writeln!(md, "| … {status} | {n} |");
    }
    for (why, n) in &check.explained_open {
        let _ = writeln!(md, "| open, explained: {why} | {n} |");
    }
    let _ = writeln!(md, "| payments at Antom | {} |", check.sim_payments);
    let _ = writeln!(md, "| captures at Antom | {} |", check.captures);
    let _ = writeln!(md, "| refunds at Antom | {} |", check.refunds);
    let _ = writeln!(
        md,
        "| notifications acknowledged | {} |",
        check.notifications_acknowledged
    );
    let _ = writeln!(
        md,
        "| timeline events replayed | {} |",
        check.timeline_events_replayed
    );
    let _ = writeln!(
        md,
        "\n## Discrepancies: {}\n\n| kind | count | orders (or ids) |\n| --- | ---: | --- |",
        check.discrepancies.len()
    );
    let mut kinds: Vec<&'static str> = check.discrepancies.iter().map(|d| d.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let subjects: Vec<&str> = check
            .discrepancies
            .iter()
            .filter(|d| d.kind == kind)
            .map(|d| d.subject.as_str())
            .collect();
        let _ = writeln!(md, "| {kind} | {} | {} |", subjects.len(), subjects.join(", "));
    }
    let _ = writeln!(md, "\n## Latency under chaos\n\n| route | answered | unanswered | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |");
    for r in stats.routes() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1} | {:.1} |",
            r.route, r.count, r.unanswered, r.p50_ms, r.p99_ms
        );
    }
    let _ = writeln!(md, "\n## Server memory (VmRSS)\n\n| replica | SIGKILLs | restarts | RSS at start MB | RSS at end MB |\n| --- | ---: | ---: | ---: | ---: |");
    for (i, kills, restarts, start, end) in &facts.replicas_memory {
        let _ = writeln!(md, "| {i} | {kills} | {restarts} | {start:.1} | {end:.1} |");
    }
    if !check.discrepancies.is_empty() {
        let _ = writeln!(md, "\n## Discrepancy details\n");
        for d in check.discrepancies.iter().take(200) {
            let _ = writeln!(md, "- {} `{}`: {}", d.kind, d.subject, d.detail);
        }
    }
    md
}
