//! `soak`: hours (or a minute) of mixed checkout and ops traffic against antom-checkout under
//! rotating simulator faults, SIGKILLed replicas and database cuts, then an independent check
//! of every order against the simulator's ledger. Exits non-zero on any discrepancy.
//!
//! ```sh
//! cargo build -p antom-checkout -p antom-sim -p soak
//! target/debug/soak --duration 10m --db postgres          # two replicas on one database
//! target/debug/soak --duration 10m --db sqlite --seed 42  # one replica; replay a seed
//! ```
//!
//! It builds nothing: it runs `antom-checkout` and `antom-sim` from next to itself (see
//! `bench::procs::Bins`). The run directory (`--out`, default `target/soak/<db>-<seed>`) gets
//! `journal.jsonl`, `report.md` and the processes' logs.

mod chaos;
mod check;
mod cluster;
mod db_cut;
mod error;
mod http;
mod journal;
mod ledger;
mod replay;
mod report;
mod stats;
mod traffic;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::procs::DbKind;
use clap::{Parser, ValueEnum};
use serde_json::json;

use crate::cluster::{Cluster, Timings};
use crate::db_cut::{CutMethod, DbCutter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DbArg {
    Postgres,
    Sqlite,
}

/// Chaos soak of antom-checkout against a standalone antom-sim, then a ledger check.
#[derive(Debug, Parser)]
#[command(name = "soak")]
struct Args {
    /// How long the traffic and chaos run: `90`, `60s`, `10m`, `2h`.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    duration: Duration,
    /// PostgreSQL (two replicas on one database, at BENCH_POSTGRES_URL) or SQLite (one replica).
    #[arg(long, value_enum, default_value = "postgres")]
    db: DbArg,
    /// The seed of every random choice (traffic, faults, kills, cuts); random when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// Concurrent traffic workers.
    #[arg(long, default_value_t = 6)]
    workers: u64,
    /// Replicas (default: 2 on PostgreSQL, 1 on SQLite).
    #[arg(long)]
    replicas: Option<usize>,
    /// SIMULATOR_TIME_SCALE: Antom's delays (retries, closing unpaid orders) times this.
    #[arg(long, default_value_t = 0.05)]
    time_scale: f64,
    /// The longest wait for the replicas to settle after the chaos, in seconds.
    #[arg(long, default_value_t = 300)]
    settle_max_secs: u64,
    /// Cut the database by restarting the whole PostgreSQL cluster (affects other users).
    #[arg(long)]
    pg_restart: bool,
    /// The run directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Keep the PostgreSQL database afterwards.
    #[arg(long)]
    keep_db: bool,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text, "s"),
    };
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: expected e.g. 60s, 10m, 2h"))?;
    let factor = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("`{text}`: the unit is s, m or h")),
    };
    Duration::try_from_secs_f64(n * factor).map_err(|e| e.to_string())
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let seed = args.seed.unwrap_or_else(rand::random);
    let kind = match args.db {
        DbArg::Postgres => DbKind::Postgres,
        DbArg::Sqlite => DbKind::Sqlite,
    };
    let replicas = args
        .replicas
        .unwrap_or(if kind == DbKind::Postgres { 2 } else { 1 })
        .max(1);
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/soak")
            .join(format!("{}-{seed}", kind.name().to_lowercase()))
    });
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = dir.canonicalize()?;
    eprintln!(
        "soak: seed {seed}, {} × {replicas}, {:?}, run directory {}",
        kind.name(),
        args.duration,
        dir.display()
    );

    let journal = Arc::new(journal::Journal::create(&dir.join("journal.jsonl"))?);
    let stats = Arc::new(stats::Stats::default());
    let http = http::Http::new(Arc::clone(&stats))?;
    let timings = Timings {
        time_scale: args.time_scale,
        session_expiry_secs: 30,
        // Antom closes an unfinished payment 14 min (scaled) after it started.
        close_window_secs: (14.0 * 60.0 * args.time_scale).ceil() as u64 + 10,
        reconcile_secs: 2,
    };
    journal.write(
        "start",
        json!({"seed": seed, "db": kind.name(), "replicas": replicas, "durationSecs": args.duration.as_secs_f64(),
               "workers": args.workers, "timeScale": args.time_scale,
               "sessionExpirySecs": timings.session_expiry_secs, "closeWindowSecs": timings.close_window_secs}),
    );
    let cluster = Arc::new(Cluster::start(dir.clone(), kind, replicas, timings, http.client()).await?);
    let method = if args.pg_restart && kind == DbKind::Postgres {
        CutMethod::RestartCluster
    } else {
        CutMethod::Connections
    };
    let cutter = Arc::new(DbCutter::new(cluster.db.clone(), method));

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watchdog_stop = Arc::new(AtomicBool::new(false));
    let watchdog = tokio::spawn(Arc::clone(&cluster).watchdog(
        Arc::clone(&journal),
        Arc::clone(&stats),
        Arc::clone(&watchdog_stop),
    ));
    let traffic = Arc::new(traffic::Traffic::new(
        Arc::clone(&cluster),
        http.clone(),
        Arc::clone(&journal),
        Arc::clone(&stats),
    ));
    let mut tasks = Vec::new();
    for worker in 0..args.workers {
        tasks.push(tokio::spawn(Arc::clone(&traffic).worker(
            seed,
            worker,
            stop_rx.clone(),
        )));
    }
    tasks.push(tokio::spawn(chaos::rotate_faults(
        seed,
        http.clone(),
        cluster.sim_url.clone(),
        Arc::clone(&journal),
        Arc::clone(&stats),
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(chaos::kill_replicas(
        seed,
        Arc::clone(&cluster),
        Arc::clone(&journal),
        Arc::clone(&stats),
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(chaos::cut_database(
        seed,
        Arc::clone(&cutter),
        Arc::clone(&journal),
        Arc::clone(&stats),
        stop_rx.clone(),
    )));

    let started = Instant::now();
    tokio::time::sleep(args.duration).await;
    let _ = stop_tx.send(true);
    for task in tasks {
        let _ = task.await;
    }
    let chaos_secs = started.elapsed().as_secs_f64();
    cutter.restore().await?;
    chaos::clear_faults(&http, &cluster.sim_url).await;
    journal.write("chaos_stopped", json!({"afterSecs": chaos_secs}));
    eprintln!(
        "soak: chaos stopped after {chaos_secs:.0} s; {} operations; settling",
        stats.total_ops()
    );
    if !cluster
        .wait_all_ready(http.client(), Duration::from_secs(90))
        .await
    {
        eprintln!("soak: a replica is not ready 90 s after the chaos");
    }

    // Settle: the replicas reconcile on their own; the check runs until it finds nothing left.
    let settle_started = Instant::now();
    let bound = Duration::from_secs(args.settle_max_secs);
    let (check, settle_secs) = loop {
        let sim = ledger::read_sim(http.client(), &cluster.sim_url).await?;
        let books = ledger::read_server(&cluster.db.url).await?;
        let report = check::check(&sim, &books);
        let elapsed = settle_started.elapsed();
        if report.discrepancies.is_empty() {
            break (report, Some(elapsed.as_secs_f64()));
        }
        if elapsed >= bound {
            std::fs::write(dir.join("ledger.json"), serde_json::to_vec_pretty(&sim)?)?;
            break (report, None);
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    };
    journal.write(
        "checked",
        json!({"settleSecs": settle_secs, "orders": check.orders, "discrepancies": check.discrepancies.len()}),
    );
    let rss_end = cluster.rss_now().await;
    watchdog_stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watchdog.await;
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let facts = report::RunFacts {
        seed,
        db: kind.name(),
        replicas,
        duration_secs: chaos_secs,
        time_scale: args.time_scale,
        db_cut: cutter.describe(),
        settle_secs,
        settle_bound_secs: bound.as_secs_f64(),
        replicas_memory: cluster
            .replicas
            .iter()
            .zip(&rss_end)
            .map(|(r, end)| {
                use std::sync::atomic::Ordering::Relaxed;
                (
                    r.index,
                    r.kills.load(Relaxed),
                    r.restarts.load(Relaxed),
                    mb(r.rss_start.load(Relaxed)),
                    mb(*end),
                )
            })
            .collect(),
    };
    let markdown = report::markdown(&facts, &stats, &check);
    std::fs::write(dir.join("report.md"), &markdown)?;
    println!("{markdown}");
    journal.flush();
    cluster.stop(args.keep_db).await;
    let clean =
        check.discrepancies.is_empty() && !cluster.sim_died.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "soak: seed {seed}: {} discrepancies; report {}",
        check.discrepancies.len(),
        dir.join("report.md").display()
    );
    Ok(clean)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("soak: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("5d").is_err());
    }
}
