//! Replays an order's timeline through the domain state machine: a fresh `Order` with the same
//! id, items and payment request id, every event the server applied (in the order its
//! entries were committed) applied again, every event it refused refused again, each
//! entry's `from`/`to` status matched on the way, and the end compared with the stored
//! order (records, flags and amounts; review notes are not events and are left out).

use domain::{Event, Order};
use serde_json::{json, Value};

/// The entry type of a fact the server refused.
const NOT_APPLIED: &str = "EVENT_NOT_APPLIED";

/// The number of events replayed, or why the timeline does not explain the order.
pub fn replay(snapshot: &Value, timeline: &[(String, Value)]) -> Result<usize, String> {
    let mut fresh = snapshot.clone();
    for (field, empty) in [
        ("sessionExpiresAt", Value::Null),
        ("sessionExpired", json!(false)),
        ("authorizationExpired", json!(false)),
        ("captures", json!([])),
        ("cancel", Value::Null),
        ("refunds", json!([])),
        ("review", json!([])),
    ] {
        fresh[field] = empty;
    }
    let payment = &mut fresh["payment"];
    payment["status"] = json!("PROCESSING");
    for field in ["paymentId", "paidAt", "authExpiresAt", "card", "failure"] {
        payment[field] = Value::Null;
    }
    let mut order: Order = serde_json::from_value(fresh).map_err(|e| format!("fresh order: {e}"))?;
    let mut replayed = 0;
    for (index, (kind, details)) in timeline.iter().enumerate() {
        let Some(event) = details.get("event") else {
            continue;
        };
        let event: Event =
            serde_json::from_value(event.clone()).map_err(|e| format!("entry {index} ({kind}): {e}"))?;
        let before = order.status().as_str();
        let result = order.apply(&event);
        replayed += 1;
        match (kind.as_str(), result) {
            (NOT_APPLIED, Ok(_)) => {
                return Err(format!(
                    "entry {index}: {} was refused by the server but applies",
                    event.kind()
                ))
            }
            (NOT_APPLIED, Err(_)) => {}
            (_, Err(e)) => return Err(format!("entry {index}: {kind} does not apply again: {e}")),
            (_, Ok(_)) => {
                let after = order.status().as_str();
                for (field, ours) in [("from", before), ("to", after)] {
                    if let Some(theirs) = details.get(field).and_then(Value::as_str) {
                        if theirs != ours {
                            return Err(format!("entry {index} ({kind}): {field} {theirs}, replay {ours}"));
                        }
                    }
                }
            }
        }
    }
    let mut replayed_json = serde_json::to_value(&order).map_err(|e| e.to_string())?;
    let mut stored = snapshot.clone();
    replayed_json["review"] = Value::Null;
    stored["review"] = Value::Null;
    if replayed_json != stored {
        return Err(format!("replayed {replayed_json} stored {stored}"));
    }
    Ok(replayed)
}
