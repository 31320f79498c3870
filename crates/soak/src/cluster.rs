//! The processes of a run: the standalone simulator and the server replicas on one database,
//! started with the bench's helpers, plus the watchdog that restarts any replica that died
//! (killed by the chaos, or failing to start while the database is cut).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bench::procs::{self, Bins, DbKind, Keys, Proc, RunDatabase};
use tokio::sync::Mutex;

use crate::error::Result;
use crate::journal::Journal;
use crate::stats::Stats;

/// The timings the processes run with (the soak shortens Antom's and the server's clocks so
/// that expiries and retries happen within a run).
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    /// `SIMULATOR_TIME_SCALE`.
    pub time_scale: f64,
    /// `PAYMENT_SESSION_EXPIRY_SECS`.
    pub session_expiry_secs: u64,
    /// `ANTOM_CLOSE_WINDOW_SECS`.
    pub close_window_secs: u64,
    /// `RECONCILE_INTERVAL_SECS`.
    pub reconcile_secs: u64,
}

#[derive(Debug)]
pub struct Replica {
    pub index: usize,
    pub url: String,
    port: u16,
    proc: Mutex<Option<Proc>>,
    /// VmRSS once first ready (bytes).
    pub rss_start: AtomicU64,
    pub kills: AtomicU64,
    pub restarts: AtomicU64,
}

#[derive(Debug)]
pub struct Cluster {
    pub dir: PathBuf,
    pub db: RunDatabase,
    pub sim_url: String,
    pub token: String,
    pub replicas: Vec<Replica>,
    sim: Mutex<Proc>,
    bins: Bins,
    keys: Keys,
    timings: Timings,
    /// Set when the simulator died: its memory is the ledger, so the run cannot be checked.
    pub sim_died: AtomicBool,
}

impl Cluster {
    pub async fn start(
        dir: PathBuf,
        kind: DbKind,
        replicas: usize,
        timings: Timings,
        http: &reqwest::Client,
    ) -> Result<Cluster> {
        let bins = Bins::locate_profile(if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        })?;
        let keys = Keys::fixture()?;
        let db = RunDatabase::create(kind, &dir, "soak").await?;
        let started = Self::start_on(dir, db.clone(), bins, keys, replicas, timings, http).await;
        if started.is_err() {
            // Nothing will stop this cluster: leave no database behind.
            db.drop_database().await;
        }
        started
    }

    async fn start_on(
        dir: PathBuf,
        db: RunDatabase,
        bins: Bins,
        keys: Keys,
        replicas: usize,
        timings: Timings,
        http: &reqwest::Client,
    ) -> Result<Cluster> {
        let sim_port = procs::free_port()?;
        let sim_url = format!("http://127.0.0.1:{sim_port}");
        let mut sim = Proc::spawn(
            "antom-sim",
            procs::sim_command(&bins, &keys, sim_port, timings.time_scale),
            &dir,
        )?;
        procs::wait_ready(&mut sim, http, &format!("{sim_url}/__sim/requests")).await?;
        let replicas = (0..replicas)
            .map(|index| {
                let port = procs::free_port()?;
                Ok(Replica {
                    index,
                    url: format!("http://127.0.0.1:{port}"),
                    port,
                    proc: Mutex::new(None),
                    rss_start: AtomicU64::new(0),
                    kills: AtomicU64::new(0),
                    restarts: AtomicU64::new(0),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut cluster = Cluster {
            dir,
            db,
            sim_url,
            token: String::new(),
            replicas,
            sim: Mutex::new(sim),
            bins,
            keys,
            timings,
            sim_died: AtomicBool::new(false),
        };
        // One at a time: the first applies the migrations.
        for replica in &cluster.replicas {
            let mut proc = cluster.spawn_replica(replica)?;
            procs::wait_ready(&mut proc, http, &format!("{}/readyz", replica.url)).await?;
            replica.rss_start.store(procs::rss(proc.pid()), Ordering::Relaxed);
            *replica.proc.lock().await = Some(proc);
        }
        cluster.token = procs::create_operator_token(cluster.server_command(), "soak")?;
        Ok(cluster)
    }

    fn server_command(&self) -> std::process::Command {
        let mut cmd = procs::server_command(&self.bins, &self.keys, &self.dir, &self.db.url, &self.sim_url);
        cmd.env(
            "PAYMENT_SESSION_EXPIRY_SECS",
            self.timings.session_expiry_secs.to_string(),
        )
        .env(
            "ANTOM_CLOSE_WINDOW_SECS",
            self.timings.close_window_secs.to_string(),
        )
        .env("RECONCILE_INTERVAL_SECS", self.timings.reconcile_secs.to_string());
        cmd
    }

    fn spawn_replica(&self, replica: &Replica) -> Result<Proc> {
        let mut cmd = self.server_command();
        cmd.arg("serve")
            .env("BIND_ADDR", format!("127.0.0.1:{}", replica.port))
            .env("PUBLIC_BASE_URL", &replica.url);
        Ok(Proc::spawn(
            &format!("replica-{}", replica.index),
            cmd,
            &self.dir,
        )?)
    }

    /// SIGKILL one replica (the watchdog brings it back). Returns its pid.
    pub async fn kill(&self, index: usize) -> Option<u32> {
        let replica = self.replicas.get(index)?;
        let mut guard = replica.proc.lock().await;
        let proc = guard.as_mut()?;
        let pid = proc.pid();
        proc.kill();
        replica.kills.fetch_add(1, Ordering::Relaxed);
        Some(pid)
    }

    /// Restarts every replica that is not running; notes a dead simulator.
    pub async fn watchdog_pass(&self, journal: &Journal, stats: &Stats) {
        for replica in &self.replicas {
            let mut guard = replica.proc.lock().await;
            let dead = match guard.as_mut() {
                None => true,
                Some(proc) => proc.check_alive().is_err(),
            };
            if dead {
                match self.spawn_replica(replica) {
                    Ok(proc) => {
                        journal.write(
                            "restart",
                            serde_json::json!({"replica": replica.index, "pid": proc.pid()}),
                        );
                        replica.restarts.fetch_add(1, Ordering::Relaxed);
                        stats.event("replica restarts");
                        *guard = Some(proc);
                    }
                    Err(e) => journal.write(
                        "restart_failed",
                        serde_json::json!({"replica": replica.index, "error": e.to_string()}),
                    ),
                }
            }
        }
        if self.sim.lock().await.check_alive().is_err() && !self.sim_died.swap(true, Ordering::Relaxed) {
            journal.write("simulator_died", serde_json::json!({}));
        }
    }

    /// Runs [`Cluster::watchdog_pass`] every 300 ms until `stop`.
    pub async fn watchdog(self: Arc<Self>, journal: Arc<Journal>, stats: Arc<Stats>, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::Relaxed) {
            self.watchdog_pass(&journal, &stats).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Waits until every replica answers `/readyz` (bounded).
    pub async fn wait_all_ready(&self, http: &reqwest::Client, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let mut ready = true;
            for replica in &self.replicas {
                let ok = http
                    .get(format!("{}/readyz", replica.url))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                ready &= ok;
            }
            if ready {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// The current process's VmRSS per replica (bytes; 0 when not running).
    pub async fn rss_now(&self) -> Vec<u64> {
        let mut out = Vec::new();
        for replica in &self.replicas {
            let pid = replica.proc.lock().await.as_ref().map_or(0, Proc::pid);
            out.push(if pid == 0 { 0 } else { procs::rss(pid) });
        }
        out
    }

    /// Stops everything and drops the PostgreSQL database (unless `keep`).
    pub async fn stop(&self, keep: bool) {
        for replica in &self.replicas {
            if let Some(mut proc) = replica.proc.lock().await.take() {
                proc.kill();
            }
        }
        self.sim.lock().await.kill();
        if !keep {
            self.db.drop_database().await;
        }
    }
}
