//! What the vaulting tests need beyond the harness: a browser that keeps its buyer cookie,
//! the simulator's buyer actions, a capture of every log line the process writes, and a dump
//! of every text value in the database.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use reqwest::Method;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const COOKIE: &str = "antom_buyer";
pub const WAIT: Duration = Duration::from_secs(30);

/// One browser: sends its buyer cookie (once it has one) and keeps the one it is given.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

/// An answer: status, JSON body (or `null`), the buyer cookie it set (value only) and the raw
/// `Set-Cookie` header.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub set_cookie: Option<String>,
}

impl Answer {
    pub fn issued(&self) -> Option<String> {
        let header = self.set_cookie.as_deref()?;
        let value = header.strip_prefix(&format!("{COOKIE}="))?;
        Some(value.split(';').next().unwrap().to_owned())
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser { app, cookie: None }
    }

    pub fn with_cookie(app: &'a TestApp, value: &str) -> Browser<'a> {
        Browser {
            app,
            cookie: Some(value.to_owned()),
        }
    }

    /// The buyer id this browser's cookie names.
    pub fn buyer_id(&self) -> String {
        self.cookie
            .as_deref()
            .unwrap()
            .split_once('.')
            .unwrap()
            .0
            .to_owned()
    }

    pub async fn send(&mut self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.app.http.request(method, format!("{}{path}", self.app.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("{COOKIE}={cookie}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{COOKIE}=")))
            .map(str::to_owned);
        let text = response.text().await.unwrap();
        let answer = Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            set_cookie,
        };
        if let Some(value) = answer.issued() {
            self.cookie = Some(value);
        }
        answer
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&mut self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    pub async fn cards(&mut self) -> Vec<Value> {
        let answer = self.get("/api/cards").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body["cards"].as_array().unwrap().clone()
    }

    /// Polls `GET /api/cards` until it lists `n` cards.
    pub async fn wait_for_cards(&mut self, n: usize) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let cards = self.cards().await;
            if cards.len() == n {
                return cards;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never {n} cards: {cards:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Starts a vaulting session and binds `card` at the simulator as the buyer would.
    /// Returns (vaultingRequestId, the simulator's answer with the `cardToken`).
    pub async fn save_card(&mut self, card: &str) -> (String, Value) {
        let session = self.post("/vaulting/sessions", json!({})).await;
        assert_eq!(session.status, 201, "{}", session.body);
        let id = session.body["vaultingRequestId"].as_str().unwrap().to_owned();
        let bound = sim_post(
            self.app,
            &format!("/__sim/vaulting/{id}/bind"),
            json!({"cardNumber": card, "threeDsOutcome": "pass"}),
        )
        .await;
        assert_eq!(bound["vaultingStatus"], "SUCCESS", "{bound}");
        (id, bound)
    }

    /// `POST /sessions` paying with a saved card.
    pub async fn pay_with(&mut self, card_id: &str) -> Answer {
        self.post(
            "/sessions",
            json!({"items": [{"sku": "TSHIRT-BLK-M", "quantity": 1}], "savedCardId": card_id}),
        )
        .await
    }
}

pub async fn sim_post(app: &TestApp, path: &str, body: Value) -> Value {
    let response = app
        .http
        .post(format!("{}{path}", app.sim))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

pub async fn sim_clear_faults(app: &TestApp) {
    let response = app
        .http
        .delete(format!("{}/__sim/faults", app.sim))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

// ---------------------------------------------------------------- logs

/// Every log line of this test process from the moment [`capture_logs`] is first called, at
/// TRACE for everything but the HTTP/2 and TLS internals (the harness runs the application in
/// this process; its own `RUST_LOG=warn` only matters to the binary's `main`).
static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (once per test binary).
pub fn capture_logs() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "trace,h2=info,hyper=info,hyper_util=info,rustls=info,tokio=info,runtime=info,mio=info",
            ))
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .try_init()
            .expect("no other global subscriber in this test binary");
        buffer
    });
}

/// Everything captured so far.
pub fn captured_logs() -> String {
    let buffer = LOGS.get().expect("capture_logs() first");
    String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
}

// ---------------------------------------------------------------- database

/// Every value of every column of every table, as text (`CAST(… AS TEXT)`), plus, for SQLite,
/// the raw bytes of the database file and its write-ahead log (freed pages included).
pub async fn database_dump(app: &TestApp) -> String {
    let state = app.app().state();
    let db = state.store.connection();
    let backend = db.get_database_backend();
    let strings = |sql: String| {
        let statement = Statement::from_string(backend, sql);
        async move {
            db.query_all(statement)
                .await
                .unwrap()
                .into_iter()
                .map(|row| {
                    row.try_get_by_index::<Option<String>>(0)
                        .unwrap()
                        .unwrap_or_default()
                })
                .collect::<Vec<String>>()
        }
    };
    let (tables_sql, columns_sql): (&str, fn(&str) -> String) = match backend {
        DbBackend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            |t| {
                format!(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = '{t}'"
                )
            },
        ),
        _ => ("SELECT name FROM sqlite_master WHERE type = 'table'", |t| {
            format!("SELECT name FROM pragma_table_info('{t}')")
        }),
    };
    let mut dump = String::new();
    let tables = strings(tables_sql.to_owned()).await;
    assert!(tables.iter().any(|t| t == "saved_cards"), "{tables:?}");
    for table in tables {
        for column in strings(columns_sql(&table)).await {
            for value in strings(format!("SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\"")).await {
                dump.push_str(&format!("{table}.{column}={value}\n"));
            }
        }
    }
    if backend == DbBackend::Sqlite {
        let url = &state.settings.database_url;
        let path = url.trim_start_matches("sqlite://").split('?').next().unwrap();
        for file in [path.to_owned(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                dump.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    dump
}
