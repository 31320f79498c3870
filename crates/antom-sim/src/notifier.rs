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
use crate::lock;

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
    items: Vec<Record>,
}

impl Log {
    fn find_mut(&mut self, id: u64) -> Option<&mut Record> {
        self.items.iter_mut().find(|r| r.id == id)
    }

    fn ready(&self, record: &Record, now: DateTime<Utc>) -> bool {
        record.state == Delivery::Pending
            && !record.in_flight
            && record.next_at.is_some_and(|at| at <= now)
            && record.after.is_none_or(|after| {
                self.items
                    .iter()
                    .find(|r| r.id == after)
                    .is_none_or(Record::has_been_tried)
            })
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
                log.items.push(Record {
                    id,
                    notify_type: notify_type.clone(),
                    url: outgoing.url.clone(),
                    path: path.clone(),
                    body: body.clone(),
                    created_at: now,
                    state,
                    attempts: Vec::new(),
                    next_at: (state == Delivery::Pending).then(|| crate::clock::add(now, fault.delay)),
                    after: previous,
                    duplicate_of: original,
                    in_flight: false,
                });
                original.get_or_insert(id);
                previous = Some(id);
            }
        }
        release
    }

    /// Releases the held batch newest first, each after the previous one's first attempt.
    pub fn release_held(&self, now: DateTime<Utc>) {
        let mut log = lock(&self.log);
        let mut previous = None;
        for record in log.items.iter_mut().rev().filter(|r| r.state == Delivery::Held) {
            record.state = Delivery::Pending;
            record.next_at = Some(now);
            record.after = previous;
            previous = Some(record.id);
        }
    }

    /// Marks every attempt that may start now as in flight and returns them, with the next
    /// time something becomes due (chained notifications wake the scheduler when unblocked).
    pub fn take_due(&self, now: DateTime<Utc>) -> (Vec<Due>, Option<DateTime<Utc>>) {
        let mut log = lock(&self.log);
        let ready: Vec<u64> = log
            .items
            .iter()
            .filter(|r| log.ready(r, now))
            .map(|r| r.id)
            .collect();
        let generation = log.generation;
        let mut due = Vec::with_capacity(ready.len());
        for id in ready {
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
        let next = log
            .items
            .iter()
            .filter(|r| r.state == Delivery::Pending && !r.in_flight)
            .filter_map(|r| r.next_at)
            .filter(|at| *at > now)
            .min();
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
            (false, Some(gap)) => record.next_at = Some(clock.deadline(*gap)),
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

    /// Forgets every notification; attempts still in flight are not recorded.
    pub fn reset(&self) {
        let mut log = lock(&self.log);
        log.generation += 1;
        log.items.clear();
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
    use super::*;

    #[test]
    fn truncates_on_a_character_boundary() {
        let long = "é".repeat(600);
        let cut = truncate(long.as_bytes());
        assert!(cut.len() <= MAX_RECORDED_BODY && cut.chars().all(|c| c == 'é'));
        assert_eq!(truncate(b"ok"), "ok");
    }
}
