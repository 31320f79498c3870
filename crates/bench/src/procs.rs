//! The processes under test: a standalone `antom-sim` and `antom-checkout` servers in live
//! mode pointed at it, on a fresh SQLite file or a fresh PostgreSQL database, all on loopback.
//! Also what is read about them from `/proc`. Shared by `bench` (one server) and `soak`
//! (replicas that are killed and restarted), so the pieces are public: [`Proc`], the commands
//! ([`sim_command`], [`server_command`]), [`RunDatabase`], and [`Stack`], which puts them
//! together for one server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use serde_json::Value;

/// The client id both processes share (`SANDBOX_`: the sandbox API paths).
pub const CLIENT_ID: &str = "SANDBOX_ANTOM_CHECKOUT_BENCH";
/// The fixture keys the integration tests use: test keys only.
const TEST_KEYS: &str = include_str!("../../antom-checkout/tests/fixtures/test-keys.json");
/// A fixed 32-byte test key (base64).
const DATA_ENCRYPTION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// Where the PostgreSQL runs create their databases, unless `BENCH_POSTGRES_URL` says otherwise.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// What can go wrong starting, watching or stopping the processes.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    #[error("test-keys.json: {0}")]
    Keys(String),
    #[error("{names} not found (looked in {dirs:?}); build them first: {hint}")]
    BinariesMissing {
        names: String,
        dirs: Vec<PathBuf>,
        hint: String,
    },
    #[error("starting {name}: {source}")]
    Spawn { name: String, source: std::io::Error },
    #[error("{name} exited ({status}):\n{tail}")]
    Exited {
        name: String,
        status: std::process::ExitStatus,
        tail: String,
    },
    #[error("{name} was not ready at {url} within 60 s")]
    NotReady { name: String, url: String },
    #[error("admin create-token failed: {0}")]
    Token(String),
    #[error("PostgreSQL at {url}: {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error("simulator: {0}")]
    Simulator(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

type Result<T, E = ProcError> = std::result::Result<T, E>;

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
        let v: Value = serde_json::from_str(TEST_KEYS).map_err(|e| ProcError::Keys(e.to_string()))?;
        let get = |who: &str, what: &str| {
            v[who][what]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ProcError::Keys(format!("{who}.{what} missing")))
        };
        Ok(Keys {
            merchant_private: get("merchant", "private_key_pkcs8_base64")?,
            merchant_public: get("merchant", "public_key_spki_base64")?,
            antom_private: get("antom", "private_key_pkcs8_base64")?,
            antom_public: get("antom", "public_key_spki_base64")?,
        })
    }
}

/// The two binaries that are run.
#[derive(Debug, Clone)]
pub struct Bins {
    pub server: PathBuf,
    pub sim: PathBuf,
}

impl Bins {
    /// The release binaries (see [`Bins::locate_profile`]).
    pub fn locate() -> Result<Bins> {
        Bins::locate_profile("release")
    }

    /// `$BENCH_BIN_DIR` if set, else next to this executable, else
    /// `$CARGO_TARGET_DIR/{profile}`, else the workspace's `target/{profile}`. Nothing is built
    /// here, and nothing missing is skipped: the error says what to build.
    pub fn locate_profile(profile: &str) -> Result<Bins> {
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
            dirs.push(PathBuf::from(dir).join(profile));
        }
        dirs.push(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target")
                .join(profile),
        );
        for dir in &dirs {
            let bins = Bins {
                server: dir.join("antom-checkout"),
                sim: dir.join("antom-sim"),
            };
            if bins.server.is_file() && bins.sim.is_file() {
                // Absolute: the server runs in its own directory, where a relative path
                // (say BENCH_BIN_DIR=target/debug) would name nothing.
                return Ok(Bins {
                    server: bins.server.canonicalize()?,
                    sim: bins.sim.canonicalize()?,
                });
            }
        }
        let flag = if profile == "release" { " --release" } else { "" };
        Err(ProcError::BinariesMissing {
            names: format!("target/{profile}/antom-checkout and target/{profile}/antom-sim"),
            dirs,
            hint: format!("cargo build{flag} -p antom-checkout -p antom-sim"),
        })
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

/// A child process, killed when dropped; its stderr goes to `{dir}/{name}.log` (appended, so
/// a restarted process keeps its predecessor's log).
#[derive(Debug)]
pub struct Proc {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Proc {
    pub fn spawn(name: &str, mut cmd: Command, dir: &Path) -> Result<Proc> {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .map_err(|source| ProcError::Spawn {
                name: name.to_owned(),
                source,
            })?;
        Ok(Proc {
            name: name.to_owned(),
            child,
            log,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails with the end of the log when the process has exited.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let mut tail: Vec<&str> = log.lines().rev().take(20).collect();
            tail.reverse();
            return Err(ProcError::Exited {
                name: self.name.clone(),
                status,
                tail: tail.join("\n"),
            });
        }
        Ok(())
    }

    /// SIGKILL (no chance to clean up), and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A fresh database for one run: a SQLite file in `dir`, or `CREATE DATABASE {prefix}_…`.
#[derive(Debug, Clone)]
pub struct RunDatabase {
    pub kind: DbKind,
    /// What the server is given as `DATABASE_URL`.
    pub url: String,
    /// PostgreSQL: the database to connect to for administration, and the run's database name.
    pub admin: Option<(String, String)>,
}

impl RunDatabase {
    pub async fn create(kind: DbKind, dir: &Path, prefix: &str) -> Result<RunDatabase> {
        match kind {
            DbKind::Sqlite => Ok(RunDatabase {
                kind,
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.join(format!("{prefix}.sqlite")).display()
                ),
                admin: None,
            }),
            DbKind::Postgres => {
                let admin_url =
                    std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
                let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
                let db_err = |source| ProcError::Database {
                    url: admin_url.clone(),
                    source,
                };
                let conn = sea_orm::Database::connect(&admin_url).await.map_err(db_err)?;
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .map_err(db_err)?;
                conn.close().await.map_err(db_err)?;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                Ok(RunDatabase {
                    kind,
                    url: format!("{base}/{name}"),
                    admin: Some((admin_url, name)),
                })
            }
        }
    }

    /// The SQLite file, for SQLite runs.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.url.strip_prefix("sqlite://")?;
        Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
    }

    /// Drops a PostgreSQL database (SQLite files go with their directory).
    pub async fn drop_database(&self) {
        if let Some((admin_url, name)) = &self.admin {
            if let Ok(conn) = sea_orm::Database::connect(admin_url).await {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = conn.close().await;
            }
        }
    }
}

/// The standalone simulator on `port`, with Antom's delays multiplied by `time_scale`.
pub fn sim_command(bins: &Bins, keys: &Keys, port: u16, time_scale: f64) -> Command {
    let mut sim = Command::new(&bins.sim);
    sim.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SIMULATOR_BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("SIMULATOR_CLIENT_ID", CLIENT_ID)
        .env("SIMULATOR_MERCHANT_PUBLIC_KEY", &keys.merchant_public)
        .env("SIMULATOR_ANTOM_PRIVATE_KEY", &keys.antom_private)
        .env("SIMULATOR_TIME_SCALE", time_scale.to_string())
        .env("RUST_LOG", "warn");
    sim
}

/// `antom-checkout` in live mode against the simulator at `sim_url`, on `database_url`, run
/// in `dir`; the caller adds the subcommand (and for `serve`, `BIND_ADDR`/`PUBLIC_BASE_URL`).
pub fn server_command(bins: &Bins, keys: &Keys, dir: &Path, database_url: &str, sim_url: &str) -> Command {
    let mut cmd = Command::new(&bins.server);
    cmd.env_clear()
        .current_dir(dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", dir.display().to_string())
        .env("ANTOM_MODE", "live")
        .env("ANTOM_GATEWAY_URL", sim_url)
        .env("ANTOM_CLIENT_ID", CLIENT_ID)
        .env("ANTOM_MERCHANT_PRIVATE_KEY", &keys.merchant_private)
        .env("ANTOM_PUBLIC_KEY", &keys.antom_public)
        .env("ANTOM_SDK_SCRIPT_URL", format!("{sim_url}/sdk/ams-checkout.js"))
        .env("DATA_ENCRYPTION_KEY", DATA_ENCRYPTION_KEY)
        .env("RECONCILE_INTERVAL_SECS", "10")
        // One load generator on loopback: every request comes from one IP.
        .env("RATE_LIMITS", "off")
        // The bench's floor scenario (`POST /__bench/floor`).
        .env("BENCH_FLOOR_ROUTE", "on")
        .env("RUST_LOG", "warn");
    cmd
}

/// The Node.js peer (`../shared/peers/node`, `app.mjs`) against the simulator at `sim_url`,
/// with the same client id and keys as the server, its SQLite file in `dir`.
pub fn peer_command(
    peer_dir: &Path,
    keys: &Keys,
    dir: &Path,
    sim_url: &str,
    port: u16,
    products: &str,
) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg("app.mjs")
        .current_dir(peer_dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ANTOM_GATEWAY_URL", sim_url)
        .env("ANTOM_CLIENT_ID", CLIENT_ID)
        .env("ANTOM_MERCHANT_PRIVATE_KEY", pkcs8_pem(&keys.merchant_private))
        .env("ANTOM_PUBLIC_KEY", &keys.antom_public)
        .env("PUBLIC_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("PEER_DB", dir.join("peer.sqlite").display().to_string())
        .env("PRODUCTS_JSON", products);
    cmd
}

/// A PKCS#8 key given as base64 DER, as PEM.
fn pkcs8_pem(base64_der: &str) -> String {
    let body: Vec<String> = base64_der
        .as_bytes()
        .chunks(64)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        body.join("\n")
    )
}

/// Runs `antom-checkout admin create-token` and returns the token it printed.
pub fn create_operator_token(mut cmd: Command, name: &str) -> Result<String> {
    let out = cmd
        .args(["admin", "create-token", "--name", name, "--role", "operator"])
        .output()
        .map_err(|source| ProcError::Spawn {
            name: "antom-checkout admin create-token".into(),
            source,
        })?;
    if !out.status.success() {
        return Err(ProcError::Token(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(ProcError::Token("it printed no single token".into()));
    }
    Ok(token)
}

/// A running simulator and server on a fresh database, with a temporary directory.
#[derive(Debug)]
pub struct Stack {
    pub db: DbKind,
    pub server_url: String,
    pub sim_url: String,
    pub operator_token: String,
    dir: PathBuf,
    database: RunDatabase,
    bins: Bins,
    keys: Keys,
    server: Option<Proc>,
    sim: Option<Proc>,
    peer: Option<Proc>,
    /// The Node.js peer's URL, once [`Stack::start_peer`] has started it.
    pub peer_url: String,
}

impl Stack {
    pub async fn start(bins: &Bins, keys: &Keys, db: DbKind, http: &reqwest::Client) -> Result<Stack> {
        let dir = std::env::temp_dir().join(format!("antom-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let database = RunDatabase::create(db, &dir, "bench").await?;
        let mut stack = Stack {
            db,
            server_url: String::new(),
            sim_url: String::new(),
            operator_token: String::new(),
            dir,
            database,
            bins: bins.clone(),
            keys: keys.clone(),
            server: None,
            sim: None,
            peer: None,
            peer_url: String::new(),
        };
        stack.start_processes(http).await?;
        Ok(stack)
    }

    async fn start_processes(&mut self, http: &reqwest::Client) -> Result<()> {
        let sim_port = free_port()?;
        self.sim_url = format!("http://127.0.0.1:{sim_port}");
        let sim = sim_command(&self.bins, &self.keys, sim_port, 1.0);
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
        self.operator_token = create_operator_token(self.server_command(), "bench")?;
        Ok(())
    }

    fn server_command(&self) -> Command {
        server_command(
            &self.bins,
            &self.keys,
            &self.dir,
            &self.database.url,
            &self.sim_url,
        )
    }

    pub fn server_pid(&self) -> u32 {
        self.server.as_ref().map_or(0, Proc::pid)
    }

    pub fn sim_pid(&self) -> u32 {
        self.sim.as_ref().map_or(0, Proc::pid)
    }

    /// The Node.js peer's primary process (its workers are its children); 0 when not started.
    pub fn peer_pid(&self) -> u32 {
        self.peer.as_ref().map_or(0, Proc::pid)
    }

    /// Starts the Node.js peer in `peer_dir` against this stack's simulator, with the server's
    /// catalog, and waits until it answers.
    pub async fn start_peer(&mut self, peer_dir: &Path, http: &reqwest::Client) -> Result<()> {
        let products: Value = http
            .get(format!("{}/api/products", self.server_url))
            .send()
            .await?
            .json()
            .await?;
        let port = free_port()?;
        let cmd = peer_command(
            peer_dir,
            &self.keys,
            &self.dir,
            &self.sim_url,
            port,
            &products["products"].to_string(),
        );
        let mut peer = Proc::spawn("node-peer", cmd, &self.dir)?;
        self.peer_url = format!("http://127.0.0.1:{port}");
        wait_ready(&mut peer, http, &format!("{}/api/products", self.peer_url)).await?;
        self.peer = Some(peer);
        Ok(())
    }

    /// `POST /__sim/reset`: the simulator forgets every session, request and notification.
    pub async fn reset_simulator(&self, http: &reqwest::Client) -> Result<()> {
        let r = http.post(format!("{}/__sim/reset", self.sim_url)).send().await?;
        if !r.status().is_success() {
            return Err(ProcError::Simulator(format!("reset: {}", r.status())));
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
        if let Some(p) = self.peer.as_mut() {
            p.check_alive()?;
        }
        Ok(())
    }

    /// Stops the processes, drops the database and removes the directory.
    pub async fn stop(mut self) {
        if let Some(peer) = self.peer.as_ref() {
            // The primary stops its workers on SIGTERM; SIGKILL would orphan them.
            let _ = Command::new("kill").arg(peer.pid().to_string()).status();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        self.peer.take();
        self.server.take();
        self.sim.take();
        self.database.drop_database().await;
        if std::env::var_os("BENCH_KEEP_DIR").is_some() {
            eprintln!("  kept {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Polls `url` until it answers 2xx; fails at once if the process dies, or after 60 s.
pub async fn wait_ready(proc: &mut Proc, http: &reqwest::Client, url: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        proc.check_alive()?;
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(ProcError::NotReady {
                name: proc.name.clone(),
                url: url.to_owned(),
            });
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

/// `pid` and every process descended from it (the Node peer's cluster workers).
pub fn process_tree(pid: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![pid];
    };
    let parents: Vec<(u32, u32)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let (_, rest) = stat.rsplit_once(')')?;
            let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    tree
}

/// CPU time used so far by `pid` and its descendants.
pub fn tree_cpu_time(pid: u32) -> Duration {
    if pid == 0 {
        return cpu_time(0);
    }
    process_tree(pid).into_iter().map(cpu_time).sum()
}

/// Bytes a process has caused to be written to storage so far (`write_bytes` of
/// `/proc/<pid>/io`: page-cache pages it dirtied, counted when dirtied).
pub fn write_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("write_bytes:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// [`write_bytes`] of `pid` and its descendants.
pub fn tree_write_bytes(pid: u32) -> u64 {
    process_tree(pid).into_iter().map(write_bytes).sum()
}

/// [`write_bytes`] of every `postgres` process, by pid.
pub fn postgres_write_bytes() -> Vec<(u32, u64)> {
    postgres_cpu()
        .into_iter()
        .map(|(pid, _)| (pid, write_bytes(pid)))
        .collect()
}

/// Bytes the `postgres` processes wrote since `before`.
pub fn postgres_write_bytes_since(before: &[(u32, u64)]) -> u64 {
    postgres_write_bytes()
        .into_iter()
        .map(|(pid, now)| {
            let start = before.iter().find(|(p, _)| *p == pid).map_or(0, |(_, b)| *b);
            now.saturating_sub(start)
        })
        .sum()
}
