//! Antom's webhooks: verify over the raw bytes first, before anything parses them; a delivery
//! that fails is answered 401 and kept only as a small, rate-limited security event (when,
//! route, reason, length, SHA-256, the headers we read, the first kilobyte). A verified one is
//! stored in the inbox, parsed, applied through the locked sync path, its outcome recorded,
//! and acknowledged.

use antom_client::codes;
use antom_client::model::Notification;
use antom_client::{verify_notification, SignedHeaders, ACK_BODY};
use chrono::Utc;
use domain::{CaptureRequestId, OrderId, PaymentRequestId, RefundRequestId};
use serde_json::json;

use super::antom_facts;
use super::order_sync::{apply_locked, Schedule};
use super::security_log;
use crate::persistence::{
    InboxDelivery, InboxOutcome, LockedOrder, NewSecurityEvent, SecurityEventKind, Store, StoreError,
};
use crate::state::AppState;
use crate::tokens::sha256_hex;

/// Bytes of a refused delivery's body kept for ops.
const PREVIEW_BYTES: usize = 1024;
/// Characters of each stored header (a signature header is about 400).
const HEADER_CHARS: usize = 512;

/// The metrics' `outcome` of a verified redelivery acknowledged without handling it again.
const DUPLICATE_DELIVERY: &str = "DUPLICATE_DELIVERY";

/// The three webhook routes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookRoute {
    Payments,
    Refunds,
    Vaulting,
}

impl WebhookRoute {
    pub fn path(self) -> &'static str {
        match self {
            WebhookRoute::Payments => "/webhooks/antom/payments",
            WebhookRoute::Refunds => "/webhooks/antom/refunds",
            WebhookRoute::Vaulting => "/webhooks/antom/vaulting",
        }
    }
}

/// The HTTP answer for Antom.
#[derive(Debug)]
pub struct WebhookAnswer {
    pub status: u16,
    pub body: String,
}

impl WebhookAnswer {
    fn ack() -> Self {
        WebhookAnswer {
            status: 200,
            body: ACK_BODY.to_owned(),
        }
    }

    fn rejected(message: &str) -> Self {
        WebhookAnswer {
            status: 401,
            body: json!({"result": {"resultCode": codes::INVALID_SIGNATURE, "resultStatus": "F", "resultMessage": message}})
                .to_string(),
        }
    }
}

/// Headers kept with each delivery (never anything else from the request).
pub const STORED_HEADERS: [&str; 5] = [
    "client-id",
    "request-time",
    "signature",
    "content-type",
    "user-agent",
];

pub async fn receive(
    state: &AppState,
    route: WebhookRoute,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
    client_ip: Option<&str>,
) -> Result<WebhookAnswer, StoreError> {
    let now = Utc::now();
    let values: Vec<(&str, Option<String>)> = STORED_HEADERS.iter().map(|h| (*h, header(h))).collect();
    let stored_headers = serde_json::Value::Object(
        values
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref().map(|v| {
                    (
                        (*k).to_owned(),
                        json!(v.chars().take(HEADER_CHARS).collect::<String>()),
                    )
                })
            })
            .collect(),
    );
    let get = |name: &str| {
        values
            .iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.as_deref())
    };
    let signed = SignedHeaders {
        client_id: get("client-id"),
        time: get("request-time"),
        signature: get("signature"),
    };
    let verdict = verify_notification(
        state.antom_public_key(),
        &state.external_path(route.path()),
        state.antom.client_id(),
        signed,
        body,
    );
    if let Err(reason) = verdict {
        let reason = reason.to_string();
        if security_log::admit(state, SecurityEventKind::WebhookRejected, now) {
            // Within the storage budget only: a fingerprint of the body and its first kilobyte,
            // with card credentials redacted (a forged body may carry real ones).
            let length = i64::try_from(body.len()).unwrap_or(i64::MAX);
            let sha256 = sha256_hex(body);
            let redacted = antom_client::notification::redacted_for_storage(body);
            let preview = security_log::preview(redacted.as_bytes(), PREVIEW_BYTES);
            let event = NewSecurityEvent {
                at: now,
                kind: SecurityEventKind::WebhookRejected,
                route: route.path(),
                client_ip,
                reason: &reason,
                body_length: Some(length),
                body_sha256: Some(&sha256),
                headers: Some(stored_headers),
                preview: Some(&preview),
            };
            state.store.record_security_event(event).await?;
        }
        state
            .metrics
            .observe_notification(route.path(), "REJECTED", codes::INVALID_SIGNATURE);
        tracing::warn!(route = route.path(), %reason, "notification rejected");
        return Ok(WebhookAnswer::rejected(&reason));
    }

    // Card tokens never reach the database in clear; the dedupe key still hashes the raw bytes.
    let text = antom_client::notification::redacted_for_storage(body);
    let parsed = Notification::parse(body);
    let notify_type = parsed
        .as_ref()
        .ok()
        .and_then(|n| n.notify_type())
        .map(|t| t.as_str().to_owned());
    let record = state
        .store
        .record_delivery(InboxDelivery {
            route: route.path(),
            headers: stored_headers,
            body: &text,
            raw: body,
            notify_type: notify_type.as_deref(),
            received_at: now,
        })
        .await?;
    // A redelivery of something already settled is acknowledged without touching the order.
    // Anything else (first delivery, unknown payment then, a crash mid-way) is applied again:
    // the domain treats repeated facts as duplicates, so this is safe.
    let settled = record.outcome.is_some_and(InboxOutcome::is_settled);
    if !record.first_delivery && settled {
        state
            .metrics
            .observe_notification(route.path(), "VERIFIED", DUPLICATE_DELIVERY);
        return Ok(WebhookAnswer::ack());
    }

    let handled = match parsed {
        Err(e) => Handled::unrecorded(None, InboxOutcome::Unparseable, Some(e.to_string())),
        Ok(notification) => {
            let (unit_state, inbox_id) = (state.clone(), record.id);
            state
                .store
                .write_unit(crate::request_id::carried(async move {
                    apply_notification(&unit_state, &notification, inbox_id, now).await
                }))
                .await?
        }
    };
    let Handled {
        order_id,
        outcome,
        detail,
        recorded,
    } = handled;
    if !recorded {
        state
            .store
            .set_inbox_outcome(record.id, order_id.as_ref(), outcome, detail.as_deref())
            .await?;
    }
    state
        .metrics
        .observe_notification(route.path(), "VERIFIED", outcome.as_str());
    let delay = (Utc::now() - now).to_std().unwrap_or_default();
    state.metrics.observe_notification_delay(route.path(), delay);
    tracing::info!(
        route = route.path(),
        order_id = order_id.as_ref().map_or("", OrderId::as_str),
        outcome = outcome.as_str(),
        "notification applied"
    );
    Ok(WebhookAnswer::ack())
}

/// What handling a verified notification did, for the inbox and the metrics.
struct Handled {
    order_id: Option<OrderId>,
    outcome: InboxOutcome,
    detail: Option<String>,
    /// The outcome is already in the inbox (written with the order change it describes).
    recorded: bool,
}

impl Handled {
    fn unrecorded(order_id: Option<OrderId>, outcome: InboxOutcome, detail: Option<String>) -> Handled {
        Handled {
            order_id,
            outcome,
            detail,
            recorded: false,
        }
    }
}

/// Finds the order a notification is about, turns it into events and applies them under the
/// order's lock, recording the inbox outcome (`inbox_id`) in the same transaction.
async fn apply_notification(
    state: &AppState,
    notification: &Notification,
    inbox_id: i64,
    now: chrono::DateTime<Utc>,
) -> Result<Handled, StoreError> {
    let store = &state.store;
    let (locked, events) = match notification {
        Notification::Payment(n) => {
            // The hot path: lock by paymentRequestId directly, no lookup first. An id that is
            // not one we could have sent finds nothing.
            let by_request_id = match PaymentRequestId::parse(&n.payment_request_id) {
                Ok(id) => store.lock_order_by_payment_request_id(&id).await?,
                Err(_) => None,
            };
            let locked = match by_request_id {
                Some(locked) => Some(locked),
                None => lock_found(store, store.order_id_by_payment_id(&n.payment_id).await?).await?,
            };
            (locked, antom_facts::payment_notification(n, now))
        }
        Notification::Capture(n) => {
            let by_request_id = match CaptureRequestId::parse(&n.capture_request_id) {
                Ok(id) => store.order_id_by_capture_request_id(&id).await?,
                Err(_) => None,
            };
            let id = match by_request_id {
                Some(id) => Some(id),
                None => store.order_id_by_payment_id(&n.payment_id).await?,
            };
            (
                lock_found(store, id).await?,
                antom_facts::capture_notification(n, now).map(|e| vec![e]),
            )
        }
        Notification::Refund(n) => {
            let by_request_id = match RefundRequestId::parse(&n.refund_request_id) {
                Ok(id) => store.order_id_by_refund_request_id(&id).await?,
                Err(_) => None,
            };
            let id = match by_request_id {
                Some(id) => Some(id),
                None => match &n.payment_id {
                    Some(p) => store.order_id_by_payment_id(p).await?,
                    None => None,
                },
            };
            (
                lock_found(store, id).await?,
                antom_facts::refund_notification(n, now).map(|e| vec![e]),
            )
        }
        Notification::Vaulting(n) => {
            let synced = super::vaulting_sync::notification(state, n).await?;
            return Ok(Handled::unrecorded(None, synced.outcome, synced.detail));
        }
        Notification::Unknown(_) => return Ok(Handled::unrecorded(None, InboxOutcome::UnknownType, None)),
    };
    let Some(locked) = locked else {
        return Ok(Handled::unrecorded(
            None,
            InboxOutcome::UnknownPayment,
            Some("no order matches this notification".into()),
        ));
    };
    let order_id = locked.order().id().clone();
    let events = match events {
        Ok(events) => events,
        Err(e) => {
            locked.rollback().await?;
            return Ok(Handled::unrecorded(
                Some(order_id),
                InboxOutcome::InvalidFact,
                Some(e.to_string()),
            ));
        }
    };
    let report = apply_locked(
        locked,
        &antom_facts::Facts::events(events),
        "antom:notification",
        now,
        Some(inbox_id),
        Schedule::Attempt,
    )
    .await?;
    Ok(Handled {
        order_id: Some(order_id),
        outcome: report.outcome(),
        detail: Some(report.status().as_str().to_owned()),
        recorded: true,
    })
}

/// Locks the order a lookup found, if it found one.
async fn lock_found(store: &Store, order_id: Option<OrderId>) -> Result<Option<LockedOrder>, StoreError> {
    match order_id {
        Some(id) => store.lock_order(&id).await,
        None => Ok(None),
    }
}
