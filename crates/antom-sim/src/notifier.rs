//! Sends notifications as Antom does, and remembers every attempt.
//!
//! Each notification is serialised once; every attempt signs it afresh with Antom's private
//! key over `POST {path of the notify URL}\n{client-id}.{request-time}.{body}` and sends the
//! headers `client-id`, `request-time` (ISO-8601) and `signature`. Anything but the success
//! acknowledgement (`is_acknowledgement`) is retried on Antom's schedule (0 s, then 2 min,
//! 10 min, 10 min, 1 h, 2 h, 6 h, 15 h, scaled: 8 attempts). Notifications created by one
//! transaction form a chain: each starts only after the previous one's first attempt has
//! finished, so PAYMENT_RESULT always reaches the merchant before the CAPTURE_RESULT of an
//! automatic capture. Sending happens in tasks started by the scheduler; nothing here blocks
//! an API answer.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::Mutex;
use std::time::Duration;

use antom_client::notification::is_acknowledgement;
use antom_client::time::iso8601;
use antom_client::{Message, PrivateKey};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;

use crate::clock::{nominal, SimClock};
use crate::faults::NotificationFault;
use crate::lifecycle::Outgoing;
use crate::sync::lock;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_RECORDED_BODY: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Delivery {
    /// Waiting for its next attempt.
    Pending,
    /// Held by the reorder fault.
    Held,
    /// Acknowledged.
    Delivered,
    /// Eight attempts, none acknowledged.
    Failed,
    /// Dropped by the drop fault: never sent.
    Dropped,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Attempt {
    attempt: usize,
    /// Simulated time the attempt started (milliseconds).
    at: String,
    http_status: Option<u16>,
    /// Connection error or timeout, when there was no HTTP answer.
    error: Option<String>,
    /// The merchant's answer, first KiB.
    response_body: Option<String>,
    acknowledged: bool,
}

#[derive(Debug)]
struct Record {
    id: u64,
    notify_type: String,
    url: String,
    /// What is signed: the notify URL's path (no query).
    path: String,
    body: Vec<u8>,
    created_at: DateTime<Utc>,
    state: Delivery,
    attempts: Vec<Attempt>,
    next_at: Option<DateTime<Utc>>,
    /// Starts after this one's first attempt has finished.
    after: Option<u64>,
    duplicate_of: Option<u64>,
    in_flight: bool,
}

impl Record {
    fn has_been_tried(&self) -> bool {
        !self.attempts.is_empty()
            || matches!(
                self.state,
                Delivery::Dropped | Delivery::Delivered | Delivery::Failed
            )
    }
}

#[derive(Debug, Default)]
struct Log {
    /// Bumped by reset: attempts that finish afterwards are not recorded.
    generation: u64,
    next_id: u64,
    /// In id order (ids only grow), so a record is found by binary search.
    items: Vec<Record>,
    /// `(next_at, id)` of every record waiting for its next attempt (pending, not in flight):
    /// what the scheduler looks at, instead of every notification ever sent.
    waiting: BTreeSet<(DateTime<Utc>, u64)>,
}

impl Log {
    fn find(&self, id: u64) -> Option<&Record> {
        let index = self.items.binary_search_by_key(&id, |r| r.id).ok()?;
        self.items.get(index)
    }

    fn find_mut(&mut self, id: u64) -> Option<&mut Record> {
        let index = self.items.binary_search_by_key(&id, |r| r.id).ok()?;
        self.items.get_mut(index)
    }

    /// A waiting record may start once the one it is chained after has been tried.
    fn unblocked(&self, id: u64) -> bool {
        self.find(id)
            .and_then(|r| r.after)
            .is_none_or(|after| self.find(after).is_none_or(Record::has_been_tried))
    }
}

#[derive(Debug)]
pub struct Notifier {
    log: Mutex<Log>,
    http: reqwest::Client,
    key: PrivateKey,
    client_id: String,
}

/// One attempt ready to go.
#[derive(Debug)]
pub struct Due {
    id: u64,
    generation: u64,
    url: String,
    path: String,
    body: Vec<u8>,
}

impl Notifier {
    pub fn new(key: PrivateKey, client_id: String) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .user_agent(concat!("antom-sim/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Notifier {
            log: Mutex::new(Log::default()),
            http,
            key,
            client_id,
        })
    }

    /// Records the notifications of one transaction, chained in order, with their faults.
    /// Returns true when a counted reorder is complete and the held batch must be released.
    pub fn enqueue(&self, batch: Vec<(Outgoing, NotificationFault)>, now: DateTime<Utc>) -> bool {
        let mut log = lock(&self.log);
        let mut release = false;
        let mut previous: Option<u64> = None;
        for (outgoing, fault) in batch {
            release |= fault.release_held;
            let body = serde_json::to_vec(&outgoing.body).expect("model types serialise");
            let notify_type = outgoing
                .body
                .notify_type()
                .map_or_else(|| "VAULTING_RESULT".to_owned(), |t| t.as_str().to_owned());
            let path = reqwest::Url::parse(&outgoing.url)
                .map(|u| u.path().to_owned())
                .unwrap_or_else(|_| "/".to_owned());
            let mut original = None;
            for _ in 0..fault.copies.max(1) {
                log.next_id += 1;
                let id = log.next_id;
                let state = match (fault.drop, fault.hold) {
                    (true, _) => Delivery::Dropped,
                    (false, true) => Delivery::Held,
                    (false, false) => Delivery::Pending,
                };
                let next_at = (state == Delivery::Pending).then(|| crate::clock::add(now, fault.delay));
                log.items.push(Record {
                    id,
                    notify_type: notify_type.clone(),
                    url: outgoing.url.clone(),
                    path: path.clone(),
                    body: body.clone(),
                    created_at: now,
                    state,
                    attempts: Vec::new(),
                    next_at,
                    after: previous,
                    duplicate_of: original,
                    in_flight: false,
                });
                if let Some(at) = next_at {
                    log.waiting.insert((at, id));
                }
                original.get_or_insert(id);
                previous = Some(id);
            }
        }
        release
    }

    /// Releases the held batch newest first, each after the previous one's first attempt.
    pub fn release_held(&self, now: DateTime<Utc>) {
        let mut log = lock(&self.log);
        let log = &mut *log;
        let mut previous = None;
        for record in log.items.iter_mut().rev().filter(|r| r.state == Delivery::Held) {
            record.state = Delivery::Pending;
            record.next_at = Some(now);
            record.after = previous;
            previous = Some(record.id);
            log.waiting.insert((now, record.id));
        }
    }

    /// Marks every attempt that may start now as in flight and returns them, with the next
    /// time something becomes due (chained notifications wake the scheduler when unblocked).
    pub fn take_due(&self, now: DateTime<Utc>) -> (Vec<Due>, Option<DateTime<Utc>>) {
        let mut log = lock(&self.log);
        let ready: Vec<(DateTime<Utc>, u64)> = log
            .waiting
            .iter()
            .take_while(|(at, _)| *at <= now)
            .filter(|(_, id)| log.unblocked(*id))
            .copied()
            .collect();
        let generation = log.generation;
        let mut due = Vec::with_capacity(ready.len());
        for key in ready {
            log.waiting.remove(&key);
            let (_, id) = key;
            if let Some(record) = log.find_mut(id) {
                record.in_flight = true;
                due.push(Due {
                    id,
                    generation,
                    url: record.url.clone(),
                    path: record.path.clone(),
                    body: record.body.clone(),
                });
            }
        }
        // Records due but blocked by their chain are left out: the attempt they wait for
        // wakes the scheduler when it finishes.
        let next = log
            .waiting
            .range((Bound::Excluded((now, u64::MAX)), Bound::Unbounded))
            .next()
            .map(|(at, _)| *at);
        (due, next)
    }

    /// One signed POST; records the attempt and schedules the next one unless acknowledged.
    pub async fn deliver(&self, due: Due, clock: &SimClock) {
        let started = clock.now();
        let request_time = iso8601(started);
        let signature =
            Message::post(&due.path, &self.client_id, &request_time, &due.body).sign(&self.key, 1);
        let sent = self
            .http
            .post(&due.url)
            .header("Content-Type", "application/json")
            .header("client-id", &self.client_id)
            .header("request-time", &request_time)
            .header("signature", signature)
            .body(due.body)
            .send()
            .await;
        let (http_status, response, error) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(bytes) => (Some(status), Some(bytes.to_vec()), None),
                    Err(e) => (Some(status), None, Some(e.to_string())),
                }
            }
            Err(e) => (None, None, Some(e.to_string())),
        };
        let acknowledged = match (http_status, &response) {
            (Some(status), Some(body)) => is_acknowledgement(status, body),
            _ => false,
        };

        let mut log = lock(&self.log);
        if log.generation != due.generation {
            return;
        }
        let Some(record) = log.find_mut(due.id) else {
            return;
        };
        record.in_flight = false;
        record.attempts.push(Attempt {
            attempt: record.attempts.len() + 1,
            at: started.to_rfc3339_opts(SecondsFormat::Millis, true),
            http_status,
            error: error.map(|e| truncate(e.as_bytes())),
            response_body: response.as_deref().map(truncate),
            acknowledged,
        });
        let retry_gap = nominal::NOTIFICATION_RETRIES.get(record.attempts.len() - 1);
        match (acknowledged, retry_gap) {
            (true, _) => {
                record.state = Delivery::Delivered;
                record.next_at = None;
            }
            (false, Some(gap)) => {
                let at = clock.deadline(*gap);
                record.next_at = Some(at);
                log.waiting.insert((at, due.id));
            }
            (false, None) => {
                record.state = Delivery::Failed;
                record.next_at = None;
            }
        }
    }

    /// `GET /__sim/notifications`.
    pub fn view(&self) -> Vec<serde_json::Value> {
        let log = lock(&self.log);
        log.items
            .iter()
            .map(|r| {
                let body: serde_json::Value =
                    serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
                json!({
                    "id": r.id,
                    "notifyType": r.notify_type,
                    "url": r.url,
                    "status": r.state,
                    "createdAt": r.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
                    "nextAttemptAt": r.next_at.filter(|_| r.state == Delivery::Pending)
                        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
                    "duplicateOf": r.duplicate_of,
                    "body": body,
                    "attempts": r.attempts,
                })
            })
            .collect()
    }

    /// For `GET /__sim/ledger`: every notification with the SHA-256 of its exact body (what
    /// the merchant's inbox keys deliveries by) and whether any attempt was acknowledged.
    pub fn deliveries(&self) -> Vec<serde_json::Value> {
        let log = lock(&self.log);
        log.items
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "notifyType": r.notify_type,
                    "status": r.state,
                    "bodySha256": crate::state::sha256_hex(&r.body),
                    "attempts": r.attempts.len(),
                    "acknowledged": r.attempts.iter().any(|a| a.acknowledged),
                    "duplicateOf": r.duplicate_of,
                })
            })
            .collect()
    }

    /// Forgets every notification; attempts still in flight are not recorded.
    pub fn reset(&self) {
        let mut log = lock(&self.log);
        log.generation += 1;
        log.items.clear();
        log.waiting.clear();
    }
}

/// The first KiB, as text.
fn truncate(bytes: &[u8]) -> String {
    let mut end = bytes.len().min(MAX_RECORDED_BODY);
    while end > 0 && std::str::from_utf8(&bytes[..end]).is_err() {
        end -= 1;
    }
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use antom_client::model::{Notification, VaultingNotification};
    use antom_client::ResultInfo;

    use super::*;

    fn notifier() -> Notifier {
        let keys: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/test-keys.json")).unwrap();
        let key = keys["antom"]["private_key_pkcs8_base64"].as_str().unwrap();
        Notifier::new(PrivateKey::parse(key).unwrap(), "SANDBOX_TEST".into()).unwrap()
    }

    fn outgoing(id: &str) -> (Outgoing, NotificationFault) {
        let body = Notification::Vaulting(VaultingNotification {
            notify_type: None,
            result: ResultInfo::success(),
            vaulting_request_id: id.into(),
            payment_method_detail: None,
            vaulting_create_time: None,
        });
        // Nothing listens on the discard port: every attempt fails at once and is retried.
        let url = "http://127.0.0.1:9/webhooks".to_owned();
        let fault = NotificationFault {
            copies: 1,
            ..NotificationFault::default()
        };
        (Outgoing { url, body }, fault)
    }

    fn waiting(notifier: &Notifier) -> usize {
        lock(&notifier.log).waiting.len()
    }

    #[tokio::test]
    async fn the_scheduler_sees_only_notifications_waiting_for_an_attempt() {
        let notifier = notifier();
        let clock = SimClock::new(1.0);
        let now = clock.now();
        // One transaction's chain of two, then another transaction's one.
        notifier.enqueue(vec![outgoing("a1"), outgoing("a2")], now);
        notifier.enqueue(vec![outgoing("b1")], now);
        assert_eq!(waiting(&notifier), 3);

        // a2 waits for a1's first attempt; it is due, so it is not the next deadline.
        let (due, next) = notifier.take_due(now);
        let ids: Vec<u64> = due.iter().map(|d| d.id).collect();
        assert_eq!((ids, next), (vec![1, 3], None));
        assert_eq!(waiting(&notifier), 1);
        for attempt in due {
            notifier.deliver(attempt, &clock).await;
        }
        // a1 and b1 failed and wait for their retry, 2 minutes later.
        assert_eq!(waiting(&notifier), 3);
        let (due, next) = notifier.take_due(clock.now());
        assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [2]);
        let retry = next.unwrap();
        assert!(retry - now >= chrono::TimeDelta::minutes(2));
        assert_eq!(waiting(&notifier), 2);
        assert!(notifier.take_due(clock.now()).0.is_empty());

        notifier.reset();
        assert_eq!(waiting(&notifier), 0);
    }

    #[test]
    fn truncates_on_a_character_boundary() {
        let long = "é".repeat(600);
        let cut = truncate(long.as_bytes());
        assert!(cut.len() <= MAX_RECORDED_BODY && cut.chars().all(|c| c == 'é'));
        assert_eq!(truncate(b"ok"), "ok");
    }
}
