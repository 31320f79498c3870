//! The processes under test: a standalone `antom-sim` and an `antom-checkout` server in live
//! mode pointed at it, on a fresh SQLite file or a fresh PostgreSQL database, all on loopback.
//! Also what the benchmark reads about them from `/proc`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sea_orm::ConnectionTrait;
use serde_json::Value;

/// The client id both processes share (`SANDBOX_`: the sandbox API paths).
pub const CLIENT_ID: &str = "SANDBOX_ANTOM_CHECKOUT_BENCH";
/// The fixture keys the integration tests use: test keys only.
const TEST_KEYS: &str = include_str!("../../antom-checkout/tests/fixtures/test-keys.json");
/// A fixed 32-byte test key (base64).
const DATA_ENCRYPTION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// Where the PostgreSQL runs create their databases, unless `BENCH_POSTGRES_URL` says otherwise.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The fixture keys.
#[derive(Debug, Clone)]
pub struct Keys {
    pub merchant_private: String,
    pub merchant_public: String,
    pub antom_private: String,
    pub antom_public: String,
}

impl Keys {
    pub fn fixture() -> Result<Keys> {
        let v: Value = serde_json::from_str(TEST_KEYS).context("test-keys.json")?;
        let get = |who: &str, what: &str| {
            v[who][what]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("test-keys.json: {who}.{what}"))
        };
        Ok(Keys {
            merchant_private: get("merchant", "private_key_pkcs8_base64")?,
            merchant_public: get("merchant", "public_key_spki_base64")?,
            antom_private: get("antom", "private_key_pkcs8_base64")?,
            antom_public: get("antom", "public_key_spki_base64")?,
        })
    }
}

/// The two release binaries the benchmark runs.
#[derive(Debug, Clone)]
pub struct Bins {
    pub server: PathBuf,
    pub sim: PathBuf,
}

impl Bins {
    /// `$BENCH_BIN_DIR` if set, else next to this executable (`target/release/bench`), else
    /// `$CARGO_TARGET_DIR/release`, else the workspace's `target/release`. Nothing is built here.
    pub fn locate() -> Result<Bins> {
        let mut dirs = Vec::new();
        if let Some(dir) = std::env::var_os("BENCH_BIN_DIR") {
            dirs.push(PathBuf::from(dir));
        }
        if let Some(dir) = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            dirs.push(dir);
        }
        if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
            dirs.push(PathBuf::from(dir).join("release"));
        }
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release"));
        for dir in &dirs {
            let bins = Bins {
                server: dir.join("antom-checkout"),
                sim: dir.join("antom-sim"),
            };
            if bins.server.is_file() && bins.sim.is_file() {
                return Ok(bins);
            }
        }
        bail!(
            "target/release/antom-checkout and target/release/antom-sim not found (looked in {dirs:?}); \
             build them first: cargo build --release -p antom-checkout -p antom-sim"
        )
    }
}

/// Which database a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn name(self) -> &'static str {
        match self {
            DbKind::Sqlite => "SQLite",
            DbKind::Postgres => "PostgreSQL",
        }
    }
}

/// A child process, killed when dropped.
#[derive(Debug)]
struct Proc {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &'static str, mut cmd: Command, dir: &Path) -> Result<Proc> {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        Ok(Proc { name, child, log })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails with the end of the log when the process has exited.
    fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: String = log
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            bail!("{} exited ({status}):\n{tail}", self.name);
        }
        Ok(())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A fresh database for one run.
#[derive(Debug)]
enum Database {
    Sqlite,
    Postgres { admin_url: String, name: String },
}

/// A running simulator and server on a fresh database, with a temporary directory.
#[derive(Debug)]
pub struct Stack {
    pub db: DbKind,
    pub server_url: String,
    pub sim_url: String,
    pub operator_token: String,
    dir: PathBuf,
    database: Database,
    database_url: String,
    bins: Bins,
    keys: Keys,
    server: Option<Proc>,
    sim: Option<Proc>,
}

impl Stack {
    pub async fn start(bins: &Bins, keys: &Keys, db: DbKind, http: &reqwest::Client) -> Result<Stack> {
        let dir = std::env::temp_dir().join(format!("antom-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let (database, database_url) = match db {
            DbKind::Sqlite => (
                Database::Sqlite,
                format!("sqlite://{}?mode=rwc", dir.join("bench.sqlite").display()),
            ),
            DbKind::Postgres => {
                let admin_url =
                    std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
                let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
                let conn = sea_orm::Database::connect(&admin_url)
                    .await
                    .with_context(|| format!("PostgreSQL at {admin_url}"))?;
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                conn.close().await?;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                let url = format!("{base}/{name}");
                (Database::Postgres { admin_url, name }, url)
            }
        };
        let mut stack = Stack {
            db,
            server_url: String::new(),
            sim_url: String::new(),
            operator_token: String::new(),
            dir,
            database,
            database_url,
            bins: bins.clone(),
            keys: keys.clone(),
            server: None,
            sim: None,
        };
        stack.start_processes(http).await?;
        Ok(stack)
    }

    async fn start_processes(&mut self, http: &reqwest::Client) -> Result<()> {
        let sim_port = free_port()?;
        self.sim_url = format!("http://127.0.0.1:{sim_port}");
        let mut sim = Command::new(&self.bins.sim);
        sim.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SIMULATOR_BIND_ADDR", format!("127.0.0.1:{sim_port}"))
            .env("SIMULATOR_CLIENT_ID", CLIENT_ID)
            .env("SIMULATOR_MERCHANT_PUBLIC_KEY", &self.keys.merchant_public)
            .env("SIMULATOR_ANTOM_PRIVATE_KEY", &self.keys.antom_private)
            .env("SIMULATOR_TIME_SCALE", "1")
            .env("RUST_LOG", "warn");
        let mut sim = Proc::spawn("antom-sim", sim, &self.dir)?;
        wait_ready(&mut sim, http, &format!("{}/__sim/requests", self.sim_url)).await?;
        self.sim = Some(sim);

        let port = free_port()?;
        self.server_url = format!("http://127.0.0.1:{port}");
        let mut server = self.server_command();
        server
            .arg("serve")
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("PUBLIC_BASE_URL", &self.server_url);
        let mut server = Proc::spawn("antom-checkout", server, &self.dir)?;
        wait_ready(&mut server, http, &format!("{}/readyz", self.server_url)).await?;
        self.server = Some(server);

        let out = self
            .server_command()
            .args(["admin", "create-token", "--name", "bench", "--role", "operator"])
            .output()
            .context("antom-checkout admin create-token")?;
        if !out.status.success() {
            bail!(
                "admin create-token failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        self.operator_token = String::from_utf8(out.stdout)?.trim().to_owned();
        if self.operator_token.is_empty() || self.operator_token.contains(char::is_whitespace) {
            bail!("admin create-token printed no single token");
        }
        Ok(())
    }

    fn server_command(&self) -> Command {
        let mut cmd = Command::new(&self.bins.server);
        cmd.env_clear()
            .current_dir(&self.dir)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("DATA_DIR", self.dir.display().to_string())
            .env("ANTOM_MODE", "live")
            .env("ANTOM_GATEWAY_URL", &self.sim_url)
            .env("ANTOM_CLIENT_ID", CLIENT_ID)
            .env("ANTOM_MERCHANT_PRIVATE_KEY", &self.keys.merchant_private)
            .env("ANTOM_PUBLIC_KEY", &self.keys.antom_public)
            .env(
                "ANTOM_SDK_SCRIPT_URL",
                format!("{}/sdk/ams-checkout.js", self.sim_url),
            )
            .env("DATA_ENCRYPTION_KEY", DATA_ENCRYPTION_KEY)
            .env("RECONCILE_INTERVAL_SECS", "10")
            // One load generator on loopback: every request comes from one IP.
            .env("RATE_LIMITS", "off")
            .env("RUST_LOG", "warn");
        cmd
    }

    pub fn server_pid(&self) -> u32 {
        self.server.as_ref().map_or(0, Proc::pid)
    }

    pub fn sim_pid(&self) -> u32 {
        self.sim.as_ref().map_or(0, Proc::pid)
    }

    /// `POST /__sim/reset`: the simulator forgets every session, request and notification.
    pub async fn reset_simulator(&self, http: &reqwest::Client) -> Result<()> {
        let r = http.post(format!("{}/__sim/reset", self.sim_url)).send().await?;
        if !r.status().is_success() {
            bail!("simulator reset: {}", r.status());
        }
        Ok(())
    }

    /// Fails when either process has died.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(p) = self.sim.as_mut() {
            p.check_alive()?;
        }
        if let Some(p) = self.server.as_mut() {
            p.check_alive()?;
        }
        Ok(())
    }

    /// Stops the processes, drops the database and removes the directory.
    pub async fn stop(mut self) {
        self.server.take();
        self.sim.take();
        if let Database::Postgres { admin_url, name } = &self.database {
            if let Ok(conn) = sea_orm::Database::connect(admin_url).await {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = conn.close().await;
            }
        }
        if std::env::var_os("BENCH_KEEP_DIR").is_some() {
            eprintln!("  kept {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

async fn wait_ready(proc: &mut Proc, http: &reqwest::Client, url: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        proc.check_alive()?;
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("{} was not ready at {url} within 60 s", proc.name);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A `VmXxx:` value of `/proc/<pid>/status`, in bytes.
pub fn proc_status_bytes(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

pub fn rss(pid: u32) -> u64 {
    proc_status_bytes(pid, "VmRSS:").unwrap_or(0)
}

pub fn hwm(pid: u32) -> u64 {
    proc_status_bytes(pid, "VmHWM:").unwrap_or(0)
}

/// Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses.
pub fn reset_hwm(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// CPU time (user + system) a process has used so far; `pid` 0 is this process.
pub fn cpu_time(pid: u32) -> Duration {
    let path = if pid == 0 {
        "/proc/self/stat".to_owned()
    } else {
        format!("/proc/{pid}/stat")
    };
    let Ok(stat) = std::fs::read_to_string(path) else {
        return Duration::ZERO;
    };
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3, utime 14, stime 15 (1-based in proc(5)) → indices 11, 12.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // USER_HZ is 100 on every Linux architecture this runs on.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// CPU time used so far by every `postgres` process (the database server's backends), by pid.
pub fn postgres_cpu() -> Vec<(u32, Duration)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|pid| (pid, cpu_time(pid)))
        .collect()
}

/// CPU seconds the `postgres` processes used since `before`.
pub fn postgres_cpu_since(before: &[(u32, Duration)]) -> f64 {
    postgres_cpu()
        .into_iter()
        .map(|(pid, now)| {
            let start = before
                .iter()
                .find(|(p, _)| *p == pid)
                .map_or(Duration::ZERO, |(_, t)| *t);
            now.saturating_sub(start).as_secs_f64()
        })
        .sum()
}
