//! The scenarios: what each worker does per operation, and the measurements around it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antom_client::{Message, PrivateKey, ACK_BODY};
use anyhow::{bail, ensure, Context, Result};
use chrono::Utc;
use serde_json::{json, Value};

use crate::load::{drive, LoadResult, Pace, Step};
use bench::procs::{self, DbKind, Keys, Stack, CLIENT_ID};

/// The webhook route as Antom signs it (`PUBLIC_BASE_URL` has no path prefix here).
const PAYMENTS_ROUTE: &str = "/webhooks/antom/payments";
/// The 2-item cart of every session: 2 × SGD 21.00 + 1 × SGD 12.50.
const CART: &str = r#"{"items":[{"sku":"TSHIRT-BLK-M","quantity":2},{"sku":"MUG-WHT","quantity":1}]}"#;
/// The authorized test card.
const CARD: &str = "4111111111111111";

/// How a scenario is driven.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub concurrency: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// Distinct notifications prepared for the webhook scenario.
    pub webhook_orders: usize,
}

/// One scenario's figures on one database in one run.
#[derive(Debug)]
pub struct Measured {
    pub load: LoadResult,
    /// The server's peak RSS during the scenario (bytes).
    pub peak_rss: u64,
    /// CPU used during the phase, as a share of one core (100 = one core busy).
    pub server_cpu: f64,
    pub sim_cpu: f64,
    pub bench_cpu: f64,
    /// CPU milliseconds per operation (warm-up included on both sides of the division).
    pub server_ms_per_op: f64,
    pub sim_ms_per_op: f64,
    pub bench_ms_per_op: f64,
    /// PostgreSQL's own processes (all of them on the machine), CPU ms per operation; `None`
    /// on SQLite, which runs inside the server.
    pub postgres_ms_per_op: Option<f64>,
    /// Bytes the server (or the peer, with its workers) caused to be written to disk per
    /// operation (`write_bytes` of `/proc/<pid>/io`, warm-up included on both sides).
    pub server_write_per_op: f64,
    /// The same for PostgreSQL's processes; `None` on SQLite.
    pub postgres_write_per_op: Option<f64>,
    pub note: Option<String>,
}

/// The server's RSS at rest.
#[derive(Debug, Clone, Copy)]
pub struct Idle {
    pub after_start: u64,
    pub after_load: u64,
}

/// Samples the server's RSS while a phase runs; with the kernel's own VmHWM (reset first).
struct RssWatch {
    pid: u32,
    max: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
    hwm_reset: bool,
    cpu: [(u32, Duration); 3],
    postgres: Option<Vec<(u32, Duration)>>,
    written: u64,
    postgres_written: Option<Vec<(u32, u64)>>,
    started: Instant,
}

/// What one phase measured around its load: peak RSS, CPU shares and seconds of the target,
/// the simulator and the bench, PostgreSQL's CPU seconds, bytes written by the target and by
/// PostgreSQL.
struct Watched {
    peak: u64,
    cpu: [f64; 3],
    seconds: [f64; 3],
    postgres: Option<f64>,
    written: u64,
    postgres_written: Option<u64>,
}

impl RssWatch {
    /// Watches `pid` (the server, or the peer's primary with its workers).
    fn start(stack: &Stack, pid: u32) -> RssWatch {
        let hwm_reset = procs::reset_hwm(pid);
        let max = Arc::new(AtomicU64::new(procs::rss(pid)));
        let stop = Arc::new(AtomicBool::new(false));
        let task = {
            let (max, stop) = (Arc::clone(&max), Arc::clone(&stop));
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    max.fetch_max(procs::rss(pid), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let cpu = [pid, stack.sim_pid(), 0].map(|p| (p, procs::tree_cpu_time(p)));
        let postgres = (stack.db == DbKind::Postgres).then(procs::postgres_cpu);
        let written = procs::tree_write_bytes(pid);
        let postgres_written = (stack.db == DbKind::Postgres).then(procs::postgres_write_bytes);
        RssWatch {
            pid,
            max,
            stop,
            task,
            hwm_reset,
            cpu,
            postgres,
            written,
            postgres_written,
            started: Instant::now(),
        }
    }

    async fn finish(self) -> Watched {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let seconds = self
            .cpu
            .map(|(pid, before)| procs::tree_cpu_time(pid).saturating_sub(before).as_secs_f64());
        let postgres = self.postgres.as_deref().map(procs::postgres_cpu_since);
        let written = procs::tree_write_bytes(self.pid).saturating_sub(self.written);
        let postgres_written = self
            .postgres_written
            .as_deref()
            .map(procs::postgres_write_bytes_since);
        let cpu = seconds.map(|s| 100.0 * s / elapsed);
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let mut peak = self.max.load(Ordering::Relaxed).max(procs::rss(self.pid));
        if self.hwm_reset {
            peak = peak.max(procs::hwm(self.pid));
        }
        Watched {
            peak,
            cpu,
            seconds,
            postgres,
            written,
            postgres_written,
        }
    }
}

async fn measured(stack: &Stack, load: impl std::future::Future<Output = LoadResult>) -> Measured {
    measured_pid(stack, stack.server_pid(), load).await
}

/// [`measured`] with `pid` in the server's place (the Node peer).
async fn measured_pid(
    stack: &Stack,
    pid: u32,
    load: impl std::future::Future<Output = LoadResult>,
) -> Measured {
    let watch = RssWatch::start(stack, pid);
    eprintln!(
        "  timed phase starting (target pid {pid}, simulator pid {})",
        stack.sim_pid()
    );
    let load = load.await;
    let Watched {
        peak: peak_rss,
        cpu: [server_cpu, sim_cpu, bench_cpu],
        seconds,
        postgres,
        written,
        postgres_written,
    } = watch.finish().await;
    let ops = load.total_ops.max(1) as f64;
    let per_op = |s: f64| 1000.0 * s / ops;
    Measured {
        server_write_per_op: written as f64 / ops,
        postgres_write_per_op: postgres_written.map(|b| b as f64 / ops),
        postgres_ms_per_op: postgres.map(per_op),
        server_ms_per_op: per_op(seconds[0]),
        sim_ms_per_op: per_op(seconds[1]),
        bench_ms_per_op: per_op(seconds[2]),
        load,
        peak_rss,
        server_cpu,
        sim_cpu,
        bench_cpu,
        note: None,
    }
}

/// `POST /sessions` with the 2-item cart: the 201 body.
async fn create_session(http: &reqwest::Client, base: &str) -> Result<Value> {
    let r = http
        .post(format!("{base}/sessions"))
        .header("content-type", "application/json")
        .body(CART)
        .send()
        .await
        .context("POST /sessions")?;
    let status = r.status();
    let body = r.bytes().await.context("POST /sessions body")?;
    if status != 201 {
        bail!("POST /sessions: {status} {}", String::from_utf8_lossy(&body));
    }
    let v: Value = serde_json::from_slice(&body).context("POST /sessions: JSON")?;
    ensure!(
        v["paymentSessionData"].as_str().is_some_and(|s| !s.is_empty()),
        "POST /sessions: no paymentSessionData: {v}"
    );
    Ok(v)
}

/// Scenario 1: `POST /sessions` at `pace`.
pub async fn sessions(stack: &Stack, http: &reqwest::Client, plan: Plan, pace: Pace) -> Measured {
    sessions_of(stack, &stack.server_url, stack.server_pid(), http, plan, pace).await
}

/// `POST {base}/sessions` at `pace`, measured on process `pid` (with its children).
async fn sessions_of(
    stack: &Stack,
    base: &str,
    pid: u32,
    http: &reqwest::Client,
    plan: Plan,
    pace: Pace,
) -> Measured {
    let base = base.to_owned();
    let http = http.clone();
    let load = drive(pace, plan.concurrency, plan.warmup, plan.duration, move |_| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            create_session(&http, &base).await?;
            Ok(Step::Done)
        }
    });
    measured_pid(stack, pid, load).await
}

/// The floor: `POST /__bench/floor`, the same createPaymentSession signed, sent to the same
/// simulator and its answer verified, by the same binary, with nothing else (no database, no
/// pricing, no view). 201 with a `paymentSessionData` only.
pub async fn floor(stack: &Stack, http: &reqwest::Client, plan: Plan, pace: Pace) -> Measured {
    let url = format!("{}/__bench/floor", stack.server_url);
    let http = http.clone();
    let load = drive(pace, plan.concurrency, plan.warmup, plan.duration, move |_| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let r = http.post(&url).send().await.context("POST /__bench/floor")?;
            let status = r.status();
            let v: Value = r.json().await.context("POST /__bench/floor: JSON")?;
            ensure!(
                status == 201 && v["paymentSessionData"].as_str().is_some_and(|s| !s.is_empty()),
                "POST /__bench/floor: {status} {v}"
            );
            Ok(Step::Done)
        }
    });
    measured(stack, load).await
}

/// The Node.js peer's `POST /sessions` with the same cart, against the same simulator; its
/// CPU, memory and disk writes are those of its primary and cluster workers.
pub async fn peer_sessions(stack: &Stack, http: &reqwest::Client, plan: Plan, pace: Pace) -> Measured {
    sessions_of(stack, &stack.peer_url, stack.peer_pid(), http, plan, pace).await
}

/// A notification prepared (and signed) before the timed phase.
#[derive(Debug)]
struct Signed {
    body: String,
    time: String,
    signature: String,
}

/// A PAYMENT_RESULT success for a session, as Antom would send it.
fn payment_result(session: &Value) -> Result<String> {
    let prid = session["paymentRequestId"]
        .as_str()
        .context("session without paymentRequestId")?;
    let payment_id = session["paymentId"].as_str().context("no paymentId")?;
    let now = Utc::now();
    Ok(json!({
        "notifyType": "PAYMENT_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentRequestId": prid,
        "paymentId": payment_id,
        "paymentAmount": session["amount"],
        "paymentCreateTime": antom_client::time::iso8601(now),
        "paymentTime": antom_client::time::iso8601(now),
        "authExpiryTime": antom_client::time::iso8601(now + chrono::Duration::days(7)),
        "paymentResultInfo": {"cardBrand": "VISA", "cardNo": "************1111", "lastFour": "1111"}
    })
    .to_string())
}

/// Creates `count` orders through `POST /sessions` (untimed) with `concurrency` clients, each
/// with the paymentId Antom's notification will name: made up here, as Antom only assigns one
/// when a buyer pays (an untried session is no payment), and the notification is what teaches
/// it to the server.
async fn precreate_sessions(
    http: &reqwest::Client,
    base: &str,
    count: usize,
    concurrency: usize,
) -> Result<Vec<Value>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (http, base, next) = (http.clone(), base.to_owned(), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let mut session = create_session(&http, &base).await?;
                session["paymentId"] = Value::String(format!("2026120400000000BENCH{n:011}"));
                made.push(session);
            }
            anyhow::Ok(made)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

/// Signs the notifications on every core (Antom signs on its own machines, not in the window).
fn sign_all(bodies: Vec<String>, key: &PrivateKey) -> Vec<Signed> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = bodies.len().div_ceil(threads).max(1);
    let chunks: Vec<Vec<String>> = bodies.chunks(chunk).map(<[String]>::to_vec).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|body| {
                            let time = antom_client::time::iso8601(Utc::now());
                            let signature =
                                Message::post(PAYMENTS_ROUTE, CLIENT_ID, &time, body.as_bytes()).sign(key, 1);
                            Signed {
                                body,
                                time,
                                signature,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing thread"))
            .collect()
    })
}

async fn send_notification(http: &reqwest::Client, url: &str, n: &Signed) -> Result<()> {
    let r = http
        .post(url)
        .header("content-type", "application/json")
        .header("client-id", CLIENT_ID)
        .header("request-time", &n.time)
        .header("signature", &n.signature)
        .body(n.body.clone())
        .send()
        .await
        .context("POST /webhooks/antom/payments")?;
    let status = r.status();
    let body = r.bytes().await.context("webhook answer")?;
    if status != 200 || body != ACK_BODY.as_bytes() {
        bail!("webhook: {status} {}", String::from_utf8_lossy(&body));
    }
    Ok(())
}

/// Scenario 2: signed PAYMENT_RESULT notifications for existing orders, 20 % exact duplicates,
/// at `pace`.
pub async fn webhooks(
    stack: &Stack,
    http: &reqwest::Client,
    plan: Plan,
    pace: Pace,
    keys: &Keys,
) -> Result<Measured> {
    let antom_key = PrivateKey::parse(&keys.antom_private).context("the fixture Antom key")?;
    let orders = match pace {
        Pace::Closed => plan.webhook_orders,
        // Four of five deliveries are first deliveries; a few spare.
        Pace::Rate(per_second) => {
            (per_second * (plan.warmup + plan.duration).as_secs_f64() * 0.8).ceil() as usize + 64
        }
    };
    let sessions = precreate_sessions(http, &stack.server_url, orders, plan.concurrency.max(32)).await?;
    let bodies = sessions.iter().map(payment_result).collect::<Result<Vec<_>>>()?;
    let pool = Arc::new(tokio::task::spawn_blocking(move || sign_all(bodies, &antom_key)).await?);
    let url = format!("{}{PAYMENTS_ROUTE}", stack.server_url);
    let seq = Arc::new(AtomicU64::new(0));
    let next_unique = Arc::new(AtomicUsize::new(0));
    let duplicates = Arc::new(AtomicU64::new(0));
    let load = {
        let (http, pool, duplicates, next_unique) = (
            http.clone(),
            Arc::clone(&pool),
            Arc::clone(&duplicates),
            Arc::clone(&next_unique),
        );
        drive(pace, plan.concurrency, plan.warmup, plan.duration, move |_| {
            let (http, url, pool) = (http.clone(), url.clone(), Arc::clone(&pool));
            let n = seq.fetch_add(1, Ordering::Relaxed);
            let claimed = next_unique.load(Ordering::Relaxed).min(pool.len());
            // Every fifth delivery repeats, byte for byte, one of the last 64 first deliveries.
            let pick = if n % 5 == 4 && claimed > 0 {
                duplicates.fetch_add(1, Ordering::Relaxed);
                let back = usize::try_from(n / 5).unwrap_or(0) % claimed.min(64);
                Some(claimed - 1 - back)
            } else {
                let i = next_unique.fetch_add(1, Ordering::Relaxed);
                (i < pool.len()).then_some(i)
            };
            async move {
                let Some(i) = pick else {
                    return Ok(Step::Exhausted);
                };
                send_notification(&http, &url, &pool[i]).await?;
                Ok(Step::Done)
            }
        })
    };
    let mut m = measured(stack, load).await;
    let used = next_unique.load(Ordering::Relaxed).min(pool.len());
    // The notified orders must now be authorized: the notifications were applied, not only
    // stored. A sample of them is checked; each one that is not counts as an error.
    let step = (used / 20).max(1);
    for session in sessions.iter().take(used).step_by(step) {
        let order = order_status(http, &stack.server_url, session).await?;
        if order != "AUTHORIZED" {
            m.load.errors += 1;
            if m.load.error_samples.len() < 5 {
                m.load.error_samples.push(format!(
                    "order {} is {order} after its PAYMENT_RESULT was acknowledged",
                    session["orderId"]
                ));
            }
        }
    }
    let exhausted = used >= pool.len();
    m.note = Some(format!(
        "{} distinct orders notified, {} exact duplicates{}",
        used,
        duplicates.load(Ordering::Relaxed),
        if exhausted {
            "; prepared orders ran out, window shortened"
        } else {
            ""
        }
    ));
    Ok(m)
}

async fn order_status(http: &reqwest::Client, base: &str, session: &Value) -> Result<String> {
    let id = session["orderId"].as_str().context("orderId")?;
    let token = session["orderToken"].as_str().context("orderToken")?;
    let r = http
        .get(format!("{base}/api/orders/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .context("GET /api/orders")?;
    let status = r.status();
    let body = r.bytes().await?;
    if status != 200 {
        bail!(
            "GET /api/orders/{id}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    let v: Value = serde_json::from_slice(&body)?;
    Ok(v["status"].as_str().unwrap_or_default().to_owned())
}

/// One checkout end to end: session, buyer pays at the simulator, AUTHORIZED seen, captured.
/// How often a checkout asks for its order's status while waiting for AUTHORIZED.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// One checkout; returns how many status polls it took.
async fn checkout(http: &reqwest::Client, base: &str, sim: &str, token: &str) -> Result<u64> {
    let session = create_session(http, base).await?;
    let prid = session["paymentRequestId"].as_str().context("paymentRequestId")?;
    let r = http
        .post(format!("{sim}/__sim/sessions/{prid}/pay"))
        .json(&json!({"cardNumber": CARD}))
        .send()
        .await
        .context("simulator pay")?;
    let status = r.status();
    let body = r.bytes().await?;
    if !status.is_success() {
        bail!("simulator pay: {status} {}", String::from_utf8_lossy(&body));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut polls = 0;
    loop {
        polls += 1;
        match order_status(http, base, &session).await?.as_str() {
            "AUTHORIZED" => break,
            "PENDING_PAYMENT" if Instant::now() < deadline => {
                tokio::time::sleep(POLL_INTERVAL).await;
            }
            other => bail!("order {other} instead of AUTHORIZED"),
        }
    }
    let id = session["orderId"].as_str().context("orderId")?;
    let r = http
        .post(format!("{base}/admin/api/orders/{id}/capture"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .context("capture")?;
    let status = r.status();
    let body = r.bytes().await?;
    if status != 202 {
        bail!("capture: {status} {}", String::from_utf8_lossy(&body));
    }
    Ok(polls)
}

/// Scenario 3: complete checkouts per second.
pub async fn checkouts(stack: &Stack, http: &reqwest::Client, plan: Plan) -> Measured {
    let (base, sim, token) = (
        stack.server_url.clone(),
        stack.sim_url.clone(),
        stack.operator_token.clone(),
    );
    let http = http.clone();
    let polls = Arc::new(AtomicU64::new(0));
    let load = {
        let polls = Arc::clone(&polls);
        drive(
            Pace::Closed,
            plan.concurrency,
            plan.warmup,
            plan.duration,
            move |_| {
                let (http, base, sim, token) = (http.clone(), base.clone(), sim.clone(), token.clone());
                let polls = Arc::clone(&polls);
                async move {
                    let n = checkout(&http, &base, &sim, &token).await?;
                    polls.fetch_add(n, Ordering::Relaxed);
                    Ok(Step::Done)
                }
            },
        )
    };
    let mut m = measured(stack, load).await;
    m.note = Some(format!(
        "{:.1} status polls per checkout, every {} ms",
        polls.load(Ordering::Relaxed) as f64 / m.load.total_ops.max(1) as f64,
        POLL_INTERVAL.as_millis()
    ));
    m
}

/// Scenario 4: the server's RSS once it has been left alone for `settle`.
pub async fn settled_rss(stack: &Stack, settle: Duration) -> u64 {
    tokio::time::sleep(settle).await;
    procs::rss(stack.server_pid())
}
