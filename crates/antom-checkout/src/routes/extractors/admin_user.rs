//! Admin authentication: who is calling `/admin/api/…`, and whether they may.
//!
//! Ops staff present `Authorization: Bearer {admin token}`. Only the token's SHA-256 is stored
//! (`admin create-token` prints the token once), so a request is authenticated by hashing the
//! presented token and looking the hash up among the tokens that are not revoked. That lookup is
//! an exact comparison of hashes: timing differences in it can only tell an attacker about the
//! hash of what *they* sent, never about a stored token, so no separate constant-time comparison
//! is needed after it (it would compare the hash with itself).
//!
//! Authorisation is one rule, applied here for every admin route so that a new POST route
//! cannot forget it: viewers may only read (GET, HEAD), operators may also act.
//!
//! Handlers take [`AdminUser`] as an argument; without a valid token the request ends with
//! 401 `UNAUTHENTICATED`, a viewer's POST with 403 `FORBIDDEN`, both in the contract's error shape.
//!
//! A presented token that is unknown, revoked or expired is a failed login: it is recorded as a
//! security event (rate-limited storage) and counted against the client's IP; an IP over its
//! failed-login budget gets 429 before its token is even looked at.

use std::fmt;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::{DateTime, Duration, Utc};
use futures_util::future::LocalBoxFuture;

use crate::persistence::{AdminToken, NewSecurityEvent, SecurityEventKind, Store};
use crate::routes::error::ApiError;
use crate::routes::labels::route_label;

use super::bearer::bearer;
use super::client::{client_ip, rate_limited};
use crate::services::security_log;
use crate::state::AppState;
use crate::tokens;

/// `last_used_at` is written at most this often per token: it is for ops ("is this token still
/// in use?"), not an audit log, and every admin request writing it would contend with order
/// changes for SQLite's write lock.
const TOUCH_EVERY_SECS: i64 = 60;

/// What an admin token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads orders, timelines and notifications.
    Viewer,
    /// Also captures, cancels, refunds and syncs.
    Operator,
}

impl Role {
    /// The stored spelling (`admin create-token --role viewer|operator`).
    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "viewer" => Some(Role::Viewer),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
        }
    }

    /// Viewers may only use safe methods; operators anything.
    pub fn may(self, method: &Method) -> bool {
        match self {
            Role::Viewer => method == Method::GET || method == Method::HEAD,
            Role::Operator => true,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The authenticated caller of an admin route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUser {
    pub token_id: String,
    /// The token's name: who the timeline says acted.
    pub name: String,
    pub role: Role,
}

impl AdminUser {
    /// The actor written to an order's timeline for this caller's actions.
    pub fn actor(&self) -> String {
        format!("admin:{}", self.name)
    }
}

/// Checks a presented bearer token. `None`, unknown, revoked, or a token whose stored role this
/// binary does not know (fail closed) are all [`ApiError::Unauthenticated`].
pub async fn authenticate(store: &Store, presented: Option<&str>) -> Result<AdminUser, ApiError> {
    let presented = presented.ok_or(ApiError::Unauthenticated)?;
    let Some(token) = store
        .admin_token_by_hash(&tokens::hash_token(presented), Utc::now())
        .await?
    else {
        return Err(ApiError::Unauthenticated);
    };
    let Some(role) = Role::parse(&token.role) else {
        tracing::warn!(token_id = %token.id, role = %token.role, "admin token has an unknown role; refused");
        return Err(ApiError::Unauthenticated);
    };
    touch_in_background(store, &token, Utc::now());
    Ok(AdminUser {
        token_id: token.id,
        name: token.name,
        role,
    })
}

/// Records the use without delaying the request; a failure is logged and otherwise ignored.
fn touch_in_background(store: &Store, token: &AdminToken, now: DateTime<Utc>) {
    let recent = token
        .last_used_at
        .is_some_and(|at| now - at < Duration::seconds(TOUCH_EVERY_SECS));
    if recent {
        return;
    }
    let store = store.clone();
    let id = token.id.clone();
    tokio::spawn(async move {
        if let Err(e) = store.touch_admin_token(&id, now).await {
            tracing::warn!(token_id = %id, error = ?e, "could not record the admin token's use");
        }
    });
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = bearer(req).map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let method = req.method().clone();
        let route = route_label(req.match_pattern().as_deref());
        let ip = state
            .as_ref()
            .map(|s| client_ip(req, &s.settings.trusted_proxies));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("AppState is not registered"))?;
            let ip = ip.expect("known with the state");
            if let Some(retry) = state.limits.login_blocked(ip) {
                return Err(rate_limited(&state, "admin_login", retry));
            }
            let user = match authenticate(&state.store, presented.as_deref()).await {
                Err(ApiError::Unauthenticated) if presented.is_some() => {
                    login_failed(&state, route, ip).await;
                    return Err(ApiError::Unauthenticated);
                }
                other => other?,
            };
            if !user.role.may(&method) {
                return Err(ApiError::Forbidden);
            }
            Ok(user)
        })
    }
}

/// Counts and records a failed login (a token was presented, and it was not a valid one).
async fn login_failed(state: &AppState, route: &'static str, ip: std::net::IpAddr) {
    state.limits.login_failed(ip);
    let ip = ip.to_string();
    let event = NewSecurityEvent {
        at: Utc::now(),
        kind: SecurityEventKind::AdminLoginFailed,
        route,
        client_ip: Some(&ip),
        reason: "unknown, revoked or expired admin token",
        body_length: None,
        body_sha256: None,
        headers: None,
        preview: None,
    };
    if let Err(e) = security_log::record(state, event).await {
        tracing::warn!(error = ?e, "could not record a failed admin login");
    }
    tracing::warn!(route, client_ip = %ip, "failed admin login");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_strictly_and_viewers_only_read() {
        assert_eq!(Role::parse("viewer"), Some(Role::Viewer));
        assert_eq!(Role::parse("operator"), Some(Role::Operator));
        for bad in ["", "Operator", "admin", " viewer"] {
            assert_eq!(Role::parse(bad), None, "{bad:?}");
        }
        for role in [Role::Viewer, Role::Operator] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert!(role.may(&Method::GET));
            assert!(role.may(&Method::HEAD));
        }
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(!Role::Viewer.may(&method), "{method}");
            assert!(Role::Operator.may(&method), "{method}");
        }
    }

    #[test]
    fn the_actor_names_the_token() {
        let user = AdminUser {
            token_id: "t-1".into(),
            name: "ops-alice".into(),
            role: Role::Operator,
        };
        assert_eq!(user.actor(), "admin:ops-alice");
    }
}
