//! Which bodies each idempotency key arrived with, for `GET /__sim/ledger`.
//!
//! A merchant must resend a request id only with the same request (protocol §4.1); a soak test
//! wants to know when it did not, even where the key fields happened to match. The body is
//! parsed and re-serialised before hashing, so indentation and key order do not count as a
//! different body; any other difference does.

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

/// (endpoint name, request id) → hex SHA-256 of every distinct canonical body seen.
#[derive(Debug, Default)]
pub struct RequestBodies {
    seen: HashMap<(&'static str, String), BTreeSet<String>>,
}

impl RequestBodies {
    /// Records one authenticated request carrying an idempotency key.
    pub fn record(&mut self, endpoint: &'static str, request_id: &str, body: &[u8]) {
        self.seen
            .entry((endpoint, request_id.to_owned()))
            .or_default()
            .insert(canonical_hash(body));
    }

    /// Every key, with its hashes.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &str, &BTreeSet<String>)> {
        self.seen
            .iter()
            .map(|((endpoint, id), hashes)| (*endpoint, id.as_str(), hashes))
    }
}

/// Hex SHA-256 of the body as canonical JSON (sorted keys, no whitespace); of the raw bytes
/// when it is not JSON.
pub fn canonical_hash(body: &[u8]) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_vec(&sorted(v)).ok())
        .unwrap_or_else(|| body.to_vec());
    hex(&Sha256::digest(&canonical))
}

/// Hex SHA-256 of raw bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The same value with every object's keys in order, whatever map serde_json was built with.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let ordered: std::collections::BTreeMap<String, serde_json::Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            serde_json::Value::Object(ordered.into_iter().collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(bodies: &RequestBodies, endpoint: &str) -> Option<usize> {
        bodies
            .all()
            .find(|(e, id, _)| *e == endpoint && *id == "c1")
            .map(|(_, _, h)| h.len())
    }

    #[test]
    fn formatting_is_not_a_different_body_but_a_changed_field_is() {
        let mut bodies = RequestBodies::default();
        bodies.record("capture", "c1", br#"{"a":1,"b":{"x":"2","y":3}}"#);
        bodies.record(
            "capture",
            "c1",
            b"{\n  \"b\": {\"y\": 3, \"x\": \"2\"},\n  \"a\": 1\n}",
        );
        bodies.record("refund", "c1", br#"{"a":1}"#);
        assert_eq!(hashes(&bodies, "capture"), Some(1));
        bodies.record("capture", "c1", br#"{"a":2,"b":{"x":"2","y":3}}"#);
        assert_eq!(hashes(&bodies, "capture"), Some(2));
        assert_eq!(hashes(&bodies, "refund"), Some(1));
    }

    #[test]
    fn a_body_that_is_not_json_is_hashed_as_sent() {
        assert_eq!(canonical_hash(b"not json"), sha256_hex(b"not json"));
        assert_ne!(canonical_hash(b"not json"), canonical_hash(b"not json "));
    }
}
