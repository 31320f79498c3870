//! The real `antom-checkout` binary as separate processes on one PostgreSQL database, in live
//! mode against a standalone simulator: two replicas never capture twice (every identical
//! click, at either replica, gets the one capture's answer), and a server killed with SIGKILL
//! while a capture's outcome is unknown finishes it after restart with the same
//! captureRequestId, which is also the answer an operator's retry at the new server gets.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use antom_client::PrivateKey;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

const CLIENT_ID: &str = "SANDBOX_PROCESS_TEST";

fn keys() -> Value {
    let path = format!("{}/tests/fixtures/test-keys.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Env {
    dir: PathBuf,
    database_url: String,
    admin_url: String,
    db_name: String,
    sim: antom_sim::Simulator,
    http: reqwest::Client,
}

impl Env {
    async fn new() -> Env {
        let keys = keys();
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let db_name = format!("p_{}", uuid::Uuid::new_v4().simple());
        let conn = sea_orm::Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required ({admin_url}): {e}"));
        conn.execute_unprepared(&format!("CREATE DATABASE {db_name}"))
            .await
            .unwrap();
        conn.close().await.unwrap();
        let database_url = format!("{}/{db_name}", admin_url.rsplit_once('/').unwrap().0);
        let merchant =
            PrivateKey::parse(keys["merchant"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap();
        let antom = PrivateKey::parse(keys["antom"]["private_key_pkcs8_base64"].as_str().unwrap()).unwrap();
        let sim = antom_sim::start(antom_sim::SimConfig {
            bind_addr: "127.0.0.1:0".parse().unwrap(),
            client_id: CLIENT_ID.into(),
            merchant_public_key: merchant.public_key(),
            antom_private_key: antom,
            time_scale: 0.01,
            public_base_url: None,
        })
        .await
        .unwrap();
        let dir = std::env::temp_dir().join(format!("antom-checkout-proc-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Env {
            dir,
            database_url,
            admin_url,
            db_name,
            sim,
            http: reqwest::Client::new(),
        }
    }

    fn command(&self) -> Command {
        let keys = keys();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_antom-checkout"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("DATA_DIR", self.dir.display().to_string())
            .env("ANTOM_MODE", "live")
            .env("RATE_LIMITS", "off")
            .env("ANTOM_GATEWAY_URL", self.sim.base_url())
            .env("ANTOM_CLIENT_ID", CLIENT_ID)
            .env(
                "ANTOM_MERCHANT_PRIVATE_KEY",
                keys["merchant"]["private_key_pkcs8_base64"].as_str().unwrap(),
            )
            .env(
                "ANTOM_PUBLIC_KEY",
                keys["antom"]["public_key_spki_base64"].as_str().unwrap(),
            )
            .env(
                "ANTOM_SDK_SCRIPT_URL",
                format!("{}/sdk/ams-checkout.js", self.sim.base_url()),
            )
            .env(
                "DATA_ENCRYPTION_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            )
            .env("RECONCILE_INTERVAL_SECS", "0.2")
            .env("RUST_LOG", "warn");
        cmd
    }

    /// Starts a server process and waits until it is ready.
    async fn server(&self, name: &str) -> Server {
        let port = free_port();
        let log = std::fs::File::create(self.dir.join(format!("{name}.log"))).unwrap();
        let child = self
            .command()
            .arg("serve")
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("PUBLIC_BASE_URL", format!("http://127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = self.http.get(format!("{base}/readyz")).send().await {
                if r.status() == 200 {
                    break;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} never became ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server { child, base }
    }

    /// `antom-checkout admin create-token`: the printed token.
    fn operator_token(&self) -> String {
        let out = self
            .command()
            .args(["admin", "create-token", "--name", "ops", "--role", "operator"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    async fn sim_post(&self, path: &str, body: Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.sim.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }

    async fn sim_requests(&self, suffix: &str) -> Vec<Value> {
        let v: Value = self
            .http
            .get(format!("{}/__sim/requests", self.sim.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = v.as_array().or_else(|| v["requests"].as_array()).unwrap().clone();
        list.into_iter()
            .filter(|r| r["path"].as_str().unwrap().ends_with(suffix))
            .collect()
    }

    async fn cleanup(self) {
        self.sim.stop().await;
        if let Ok(conn) = sea_orm::Database::connect(&self.admin_url).await {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db_name))
                .await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn authorized_session(env: &Env, server: &Server) -> Value {
    let session: Value = env
        .http
        .post(format!("{}/sessions", server.base))
        .json(&json!({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 2}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let prid = session["paymentRequestId"]
        .as_str()
        .expect("session created")
        .to_owned();
    env.sim_post(
        &format!("/__sim/sessions/{prid}/pay"),
        json!({"cardNumber": "4111111111111111"}),
    )
    .await;
    wait_status(env, server, &session, "AUTHORIZED").await;
    session
}

async fn wait_status(env: &Env, server: &Server, session: &Value, want: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        let order: Value = env
            .http
            .get(format!(
                "{}/api/orders/{}",
                server.base,
                session["orderId"].as_str().unwrap()
            ))
            .bearer_auth(session["orderToken"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if order["status"] == want {
            return order;
        }
        assert!(tokio::time::Instant::now() < deadline, "never {want}: {order}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_capture_once_under_concurrent_requests_and_notifications() {
    let env = Env::new().await;
    let a = env.server("a").await;
    let b = env.server("b").await;
    let token = env.operator_token();
    // Every notification arrives three times while the operators click.
    env.sim_post("/__sim/faults", json!({"notifications": {"duplicate": 3}}))
        .await;
    let session = authorized_session(&env, &a).await;
    let order_id = session["orderId"].as_str().unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        let http = env.http.clone();
        let token = token.clone();
        let url = format!("{base}/admin/api/orders/{order_id}/capture");
        tasks.push(tokio::spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body)
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let first_id = &answers[0].1["capture"]["captureRequestId"];
    assert!(first_id.is_string(), "{answers:?}");
    for (status, body) in &answers {
        assert_eq!(*status, 202, "{body}");
        assert_eq!(&body["capture"]["captureRequestId"], first_id, "{answers:?}");
    }
    wait_status(&env, &b, &session, "CAPTURED").await;
    let captures = env.sim_requests("/capture").await;
    assert_eq!(
        captures.len(),
        1,
        "exactly one capture reached Antom: {captures:?}"
    );
    drop(a);
    drop(b);
    env.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_an_unknown_capture_is_finished_after_restart_with_the_same_id() {
    let env = Env::new().await;
    let server = env.server("first").await;
    let token = env.operator_token();
    let session = authorized_session(&env, &server).await;
    let order_id = session["orderId"].as_str().unwrap().to_owned();
    // Antom will not answer the capture for a minute, and nothing will be notified.
    env.sim_post(
        "/__sim/faults",
        json!({"endpoints": {"capture": {"mode": "unknown"}}, "notifications": {"drop": true}}),
    )
    .await;
    let http = env.http.clone();
    let url = format!("{}/admin/api/orders/{order_id}/capture", server.base);
    let pending =
        tokio::spawn(async move { http.post(url).bearer_auth(token).json(&json!({})).send().await });
    // Wait until the capture request has reached Antom at least once, then kill -9.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while env.sim_requests("/capture").await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "capture never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let _ = pending.await;
    let sent_before = env.sim_requests("/capture").await;
    let capture_id = sent_before[0]["requestId"].as_str().unwrap().to_owned();
    // Antom recovers; the restarted server's worker must finish the same capture.
    let _ = env
        .http
        .delete(format!("{}/__sim/faults", env.sim.base_url()))
        .send()
        .await
        .unwrap();
    let restarted = env.server("second").await;
    // The operator, not knowing whether the first click worked, clicks again at the new server.
    let retry: Value = env
        .http
        .post(format!("{}/admin/api/orders/{order_id}/capture", restarted.base))
        .bearer_auth(env.operator_token())
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        retry["capture"]["captureRequestId"],
        capture_id.as_str(),
        "{retry}"
    );
    wait_status(&env, &restarted, &session, "CAPTURED").await;
    let captures = env.sim_requests("/capture").await;
    assert!(captures.len() > sent_before.len(), "resent after restart");
    assert!(
        captures.iter().all(|c| c["requestId"] == capture_id.as_str()),
        "one captureRequestId: {captures:?}"
    );
    assert_eq!(
        captures.iter().filter(|c| c["resultCode"] == "SUCCESS").count(),
        1,
        "captured once"
    );
    drop(restarted);
    env.cleanup().await;
}
