//! The two sides of the check, read independently: the simulator's ledger
//! (`GET /__sim/ledger`) and the server's books, read straight from its database (order
//! snapshots, the timeline in the order it was written, the inbox), not through its API.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;

use crate::error::{Result, SoakError};

/// The server's books.
#[derive(Debug, Default)]
pub struct ServerBooks {
    /// Order id → snapshot JSON (`domain::Order`).
    pub orders: Vec<(String, Value)>,
    /// Order id → (entry type, details) oldest first, by row id (the order of the commits).
    pub timelines: HashMap<String, Vec<(String, Value)>>,
    /// SHA-256 (hex) of every verified delivery body.
    pub inbox: HashSet<String>,
}

pub async fn read_server(database_url: &str) -> Result<ServerBooks> {
    let conn = Database::connect(database_url).await?;
    let backend = conn.get_database_backend();
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let mut books = ServerBooks::default();
    for row in conn
        .query_all(query("SELECT id, snapshot FROM orders ORDER BY created_at, id"))
        .await?
    {
        let id: String = row.try_get("", "id")?;
        let snapshot: String = row.try_get("", "snapshot")?;
        books.orders.push((id, serde_json::from_str(&snapshot)?));
    }
    for row in conn
        .query_all(query(
            "SELECT order_id, event_type, details FROM timeline ORDER BY id",
        ))
        .await?
    {
        let order_id: String = row.try_get("", "order_id")?;
        let kind: String = row.try_get("", "event_type")?;
        let details: String = row.try_get("", "details")?;
        books
            .timelines
            .entry(order_id)
            .or_default()
            .push((kind, serde_json::from_str(&details).unwrap_or(Value::Null)));
    }
    for row in conn
        .query_all(query("SELECT dedupe_key FROM inbox WHERE verdict = 'VERIFIED'"))
        .await?
    {
        let key: Option<String> = row.try_get("", "dedupe_key")?;
        books.inbox.extend(key);
    }
    conn.close().await?;
    Ok(books)
}

pub async fn read_sim(http: &reqwest::Client, sim_url: &str) -> Result<Value> {
    let response = http.get(format!("{sim_url}/__sim/ledger")).send().await?;
    if !response.status().is_success() {
        return Err(SoakError::Unexpected(format!(
            "GET /__sim/ledger: {}",
            response.status()
        )));
    }
    Ok(response.json().await?)
}
