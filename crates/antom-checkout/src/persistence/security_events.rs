//! Security events: what unauthenticated callers did that ops should be able to look at later
//! (webhook deliveries refused for their signature, failed admin logins).
//!
//! Nothing here is bounded by itself: the server decides how many events per minute it
//! stores (`services::security_log`), and the worker prunes old ones.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::security_events;
use super::error::StoreError;
use super::store::Store;
use super::time::db_time;

/// Kinds of security events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEventKind {
    /// A delivery to a webhook route whose signature or client id did not check out.
    WebhookRejected,
    /// An admin request with a missing, unknown, revoked or expired token.
    AdminLoginFailed,
}

impl SecurityEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityEventKind::WebhookRejected => "WEBHOOK_REJECTED",
            SecurityEventKind::AdminLoginFailed => "ADMIN_LOGIN_FAILED",
        }
    }
}

/// One event, as stored and as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub route: String,
    pub client_ip: Option<String>,
    pub reason: String,
    pub body_length: Option<i64>,
    pub body_sha256: Option<String>,
    pub headers: Option<serde_json::Value>,
    pub preview: Option<String>,
}

/// An event to store.
#[derive(Debug, Clone)]
pub struct NewSecurityEvent<'a> {
    pub at: DateTime<Utc>,
    pub kind: SecurityEventKind,
    pub route: &'a str,
    pub client_ip: Option<&'a str>,
    pub reason: &'a str,
    pub body_length: Option<i64>,
    pub body_sha256: Option<&'a str>,
    pub headers: Option<serde_json::Value>,
    pub preview: Option<&'a str>,
}

/// Cuts `s` to at most `max` characters (column sizes).
fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl Store {
    pub async fn record_security_event(&self, event: NewSecurityEvent<'_>) -> Result<(), StoreError> {
        let row = security_events::ActiveModel {
            at: Set(db_time(event.at)),
            kind: Set(event.kind.as_str().to_owned()),
            route: Set(cut(event.route, 128)),
            client_ip: Set(event.client_ip.map(|ip| cut(ip, 64))),
            reason: Set(cut(event.reason, 256)),
            body_length: Set(event.body_length),
            body_sha256: Set(event.body_sha256.map(str::to_owned)),
            headers: Set(event.headers.map(|h| h.to_string())),
            preview: Set(event.preview.map(str::to_owned)),
            ..Default::default()
        };
        security_events::Entity::insert(row)
            .exec_without_returning(&self.write)
            .await?;
        Ok(())
    }

    /// Newest first; `before_id` continues a listing.
    pub async fn security_events(
        &self,
        kind: SecurityEventKind,
        before_id: Option<i64>,
        limit: u64,
    ) -> Result<Vec<SecurityEvent>, StoreError> {
        let mut query = security_events::Entity::find()
            .filter(security_events::Column::Kind.eq(kind.as_str()))
            .order_by_desc(security_events::Column::Id)
            .limit(limit);
        if let Some(before) = before_id {
            query = query.filter(security_events::Column::Id.lt(before));
        }
        query
            .all(&self.read)
            .await?
            .into_iter()
            .map(|row| {
                let headers = row
                    .headers
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| StoreError::CorruptSnapshot(format!("security event {}: {e}", row.id)))?;
                Ok(SecurityEvent {
                    id: row.id,
                    at: row.at,
                    kind: row.kind,
                    route: row.route,
                    client_ip: row.client_ip,
                    reason: row.reason,
                    body_length: row.body_length,
                    body_sha256: row.body_sha256,
                    headers,
                    preview: row.preview,
                })
            })
            .collect()
    }

    /// Deletes events recorded before `before`. Returns how many.
    pub async fn prune_security_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let deleted = security_events::Entity::delete_many()
            .filter(security_events::Column::At.lt(db_time(before)))
            .exec(&self.write)
            .await?;
        Ok(deleted.rows_affected)
    }
}
