//! The double-click rule (contract §4): concurrent or repeated identical ops requests lead to
//! one call to Antom. Identical means the same order, action and amount within [`WINDOW`],
//! without distinct `Idempotency-Key`s; the later requests are answered with the first one's
//! result. A request whose key was used before on the same order and action repeats that
//! request whatever its age (or is refused if the amount differs): that is what makes an
//! operator's retry on another replica safe after the first replica died having succeeded.
//!
//! Intents are read and written under the order's lock (`LockedOrder::intents`), so of two
//! identical requests racing, the second always sees the first.

use chrono::{DateTime, Duration, Utc};
use domain::Money;

use crate::persistence::Intent;
use crate::tokens::sha256_hex;

/// How long two identical requests without distinct keys count as one.
pub const WINDOW: Duration = Duration::seconds(60);

/// The ops actions that call Antom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Capture,
    Cancel,
    Refund,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Capture => "capture",
            Action::Cancel => "cancel",
            Action::Refund => "refund",
        }
    }
}

/// What an incoming ops request wants, as far as the rule is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub action: Action,
    /// Hex SHA-256 of the action and its amount (`full` when none was given).
    pub fingerprint: String,
    /// Hex SHA-256 of the `Idempotency-Key`, if the request had one.
    pub key_hash: Option<String>,
}

impl Wanted {
    pub fn new(action: Action, amount: Option<Money>, idempotency_key: Option<&str>) -> Wanted {
        let amount = amount.map_or_else(
            || "full".to_owned(),
            |m| format!("{}:{}", m.currency().code(), m.minor()),
        );
        Wanted {
            action,
            fingerprint: sha256_hex(format!("{}|{amount}", action.as_str()).as_bytes()),
            key_hash: idempotency_key.map(|k| sha256_hex(k.as_bytes())),
        }
    }

    /// The intent to store when this request goes ahead and records `request_id`.
    pub fn intent(&self, request_id: &str, actor: &str, now: DateTime<Utc>) -> Intent {
        Intent {
            action: self.action.as_str().to_owned(),
            fingerprint: self.fingerprint.clone(),
            key_hash: self.key_hash.clone(),
            request_id: request_id.to_owned(),
            actor: actor.to_owned(),
            created_at: now,
        }
    }
}

/// The request's `Idempotency-Key` was used before on this order and action for another amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this Idempotency-Key was used with a different body")]
pub struct KeyReused;

/// The earlier intent that `wanted` repeats, if any. `prior` are the intents of the same order
/// and action: recent ones, plus any carrying the same key.
pub fn repeated<'a>(
    prior: &'a [Intent],
    wanted: &Wanted,
    now: DateTime<Utc>,
) -> Result<Option<&'a Intent>, KeyReused> {
    let action = wanted.action.as_str();
    let same_action = || prior.iter().filter(|i| i.action == action);
    if let Some(key) = &wanted.key_hash {
        if let Some(keyed) = same_action().find(|i| i.key_hash.as_ref() == Some(key)) {
            return if keyed.fingerprint == wanted.fingerprint {
                Ok(Some(keyed))
            } else {
                Err(KeyReused)
            };
        }
    }
    let distinct_keys = |i: &Intent| matches!((&i.key_hash, &wanted.key_hash), (Some(a), Some(b)) if a != b);
    Ok(same_action()
        .filter(|i| i.created_at + WINDOW > now)
        .filter(|i| i.fingerprint == wanted.fingerprint)
        .find(|i| !distinct_keys(i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Currency;

    fn sgd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("SGD").unwrap()).unwrap()
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn prior(wanted: &Wanted, id: &str, secs: i64) -> Intent {
        wanted.intent(id, "admin:alice", at(secs))
    }

    #[test]
    fn identical_requests_within_the_window_repeat_the_first() {
        let first = Wanted::new(Action::Capture, Some(sgd(1000)), None);
        let stored = [prior(&first, "c1", 0)];
        let again = Wanted::new(Action::Capture, Some(sgd(1000)), None);
        assert_eq!(
            repeated(&stored, &again, at(59)).unwrap().unwrap().request_id,
            "c1"
        );
        assert_eq!(
            repeated(&stored, &again, at(60)).unwrap(),
            None,
            "the window has passed"
        );
        let other_amount = Wanted::new(Action::Capture, Some(sgd(999)), None);
        assert_eq!(repeated(&stored, &other_amount, at(1)).unwrap(), None);
        let full = Wanted::new(Action::Capture, None, None);
        assert_eq!(repeated(&stored, &full, at(1)).unwrap(), None);
        let refund = Wanted::new(Action::Refund, Some(sgd(1000)), None);
        assert_eq!(repeated(&stored, &refund, at(1)).unwrap(), None);
    }

    #[test]
    fn distinct_keys_are_distinct_intents_and_a_key_is_remembered() {
        let first = Wanted::new(Action::Refund, Some(sgd(500)), Some("k1"));
        let stored = [prior(&first, "r1", 0)];
        let second = Wanted::new(Action::Refund, Some(sgd(500)), Some("k2"));
        assert_eq!(repeated(&stored, &second, at(1)).unwrap(), None);
        let keyless = Wanted::new(Action::Refund, Some(sgd(500)), None);
        assert_eq!(
            repeated(&stored, &keyless, at(1)).unwrap().unwrap().request_id,
            "r1"
        );
        // The same key, long after the window: still the same request.
        let retry = Wanted::new(Action::Refund, Some(sgd(500)), Some("k1"));
        assert_eq!(
            repeated(&stored, &retry, at(3600)).unwrap().unwrap().request_id,
            "r1"
        );
        let reused = Wanted::new(Action::Refund, Some(sgd(600)), Some("k1"));
        assert_eq!(repeated(&stored, &reused, at(5)), Err(KeyReused));
    }
}
