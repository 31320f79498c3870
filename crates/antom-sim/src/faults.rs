//! Fault injection, set through `POST /__sim/faults` (http-contract §6).
//!
//! Endpoint faults, keyed by Antom's API name (`capture`, `pay`, `createPaymentSession`, …),
//! apply to requests that passed signature and field checks, and count down with `times`
//! (unlimited when absent):
//! * `timeout`: processed normally (and stored for idempotency), but the answer is held for
//!   `delayMs` (default 15000) so the client gives up; a resend with the same id gets the stored
//!   result.
//! * `unknown`: not processed; signed `U` `UNKNOWN_EXCEPTION`.
//! * `fail`: not processed; signed `F` `PROCESS_FAIL`.
//! * `processing` (pay, capture, refund, vaultPaymentMethod only): answered `U` `*_IN_PROCESS`,
//!   settled after a short scaled delay, with its notification.
//!
//! Notification faults apply to notifications created while they are set; `times` counts those
//! notifications:
//! * `drop`: recorded as DROPPED, never sent.
//! * `duplicate: N`: sent N times in all (N − 1 extra copies, each its own log entry with
//!   `duplicateOf`, each retried on its own).
//! * `delayMs`: the first attempt starts that much later (real milliseconds, not scaled).
//! * `reorder`: notifications are HELD; the held batch is released, newest first, one after the
//!   other, when `times` notifications have been held, when the reorder fault is replaced or
//!   cleared, or on `POST /__sim/notifications/flush`.
//!
//! A POST replaces the `notifications` faults as a whole and each endpoint it names.

use std::collections::HashMap;
use std::time::Duration;

use antom_client::Endpoint;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How an endpoint misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Timeout,
    Unknown,
    Fail,
    Processing,
}

const DEFAULT_TIMEOUT_DELAY_MS: u64 = 15_000;

#[derive(Debug, Clone)]
struct EndpointFault {
    mode: Mode,
    remaining: Option<u32>,
    delay: Duration,
}

#[derive(Debug, Clone, Default)]
struct NotificationFaults {
    drop: bool,
    copies: u32,
    delay: Duration,
    reorder: bool,
    remaining: Option<u32>,
}

/// The body of `POST /__sim/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsInput {
    #[serde(default)]
    endpoints: HashMap<String, EndpointFaultInput>,
    #[serde(default)]
    notifications: Option<NotificationFaultInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EndpointFaultInput {
    mode: Mode,
    times: Option<u32>,
    delay_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NotificationFaultInput {
    #[serde(default)]
    drop: bool,
    duplicate: Option<u32>,
    delay_ms: Option<u64>,
    #[serde(default)]
    reorder: bool,
    times: Option<u32>,
}

/// An endpoint fault to apply to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Injected {
    pub mode: Mode,
    /// How long `timeout` holds the answer.
    pub delay: Duration,
}

/// What happens to one new notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NotificationFault {
    pub drop: bool,
    /// Total deliveries (1 = normal).
    pub copies: u32,
    pub delay: Duration,
    /// Hold it for the reorder batch.
    pub hold: bool,
    /// This was the last notification of a counted reorder: release the batch now.
    pub release_held: bool,
}

/// The current faults.
#[derive(Debug, Default)]
pub struct Faults {
    endpoints: HashMap<Endpoint, EndpointFault>,
    notifications: Option<NotificationFaults>,
}

/// The endpoints whose answer has an `*_IN_PROCESS` form.
fn supports_processing(endpoint: Endpoint) -> bool {
    match endpoint {
        Endpoint::Pay | Endpoint::Capture | Endpoint::Refund | Endpoint::VaultPaymentMethod => true,
        Endpoint::CreatePaymentSession
        | Endpoint::InquiryPayment
        | Endpoint::Cancel
        | Endpoint::InquiryRefund
        | Endpoint::CreateVaultingSession
        | Endpoint::InquireVaulting => false,
    }
}

impl Faults {
    /// Applies a `POST /__sim/faults` body; on error nothing changes. Returns whether a reorder
    /// that was active has been switched off (its held batch must be released).
    pub fn apply(&mut self, input: FaultsInput) -> Result<bool, String> {
        let mut endpoints = Vec::new();
        for (name, fault) in input.endpoints {
            let endpoint = Endpoint::ALL
                .into_iter()
                .find(|e| e.name() == name)
                .ok_or_else(|| format!("endpoints: `{name}` is not an Antom API name (e.g. capture, pay, createPaymentSession)"))?;
            if fault.mode == Mode::Processing && !supports_processing(endpoint) {
                return Err(format!(
                    "endpoints.{name}: mode `processing` applies to pay, capture, refund and vaultPaymentMethod only"
                ));
            }
            if fault.times == Some(0) {
                return Err(format!("endpoints.{name}.times: must be at least 1"));
            }
            let delay_ms = fault.delay_ms.unwrap_or(DEFAULT_TIMEOUT_DELAY_MS);
            endpoints.push((
                endpoint,
                EndpointFault {
                    mode: fault.mode,
                    remaining: fault.times,
                    delay: Duration::from_millis(delay_ms),
                },
            ));
        }
        let notifications = match input.notifications {
            None => None,
            Some(n) => {
                if n.duplicate == Some(0) || n.duplicate.is_some_and(|d| d > 20) {
                    return Err("notifications.duplicate: must be 1 to 20 deliveries in all".into());
                }
                if n.times == Some(0) {
                    return Err("notifications.times: must be at least 1".into());
                }
                Some(NotificationFaults {
                    drop: n.drop,
                    copies: n.duplicate.unwrap_or(1),
                    delay: Duration::from_millis(n.delay_ms.unwrap_or(0)),
                    reorder: n.reorder,
                    remaining: n.times,
                })
            }
        };
        let reorder_before = self.reorder_active();
        self.endpoints.extend(endpoints);
        if let Some(n) = notifications {
            self.notifications = Some(n);
        }
        Ok(reorder_before && !self.reorder_active())
    }

    /// `DELETE /__sim/faults`. Returns whether a reorder was active.
    pub fn clear(&mut self) -> bool {
        let reorder = self.reorder_active();
        *self = Faults::default();
        reorder
    }

    fn reorder_active(&self) -> bool {
        self.notifications.as_ref().is_some_and(|n| n.reorder)
    }

    /// The fault for one request to `endpoint`, counting it down.
    pub fn take_endpoint(&mut self, endpoint: Endpoint) -> Option<Injected> {
        let fault = self.endpoints.get_mut(&endpoint)?;
        let injected = Injected {
            mode: fault.mode,
            delay: fault.delay,
        };
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                self.endpoints.remove(&endpoint);
            }
        }
        Some(injected)
    }

    /// What happens to one new notification, counting it down.
    pub fn take_notification(&mut self) -> NotificationFault {
        let Some(n) = &mut self.notifications else {
            return NotificationFault {
                copies: 1,
                ..NotificationFault::default()
            };
        };
        let mut fault = NotificationFault {
            drop: n.drop,
            copies: n.copies,
            delay: n.delay,
            hold: n.reorder,
            release_held: false,
        };
        if let Some(remaining) = &mut n.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                fault.release_held = n.reorder;
                self.notifications = None;
            }
        }
        fault
    }

    /// The faults as JSON, for the control API.
    pub fn view(&self) -> serde_json::Value {
        let endpoints: serde_json::Map<String, serde_json::Value> = self
            .endpoints
            .iter()
            .map(|(endpoint, f)| {
                (
                    endpoint.name().to_owned(),
                    json!({"mode": f.mode, "remaining": f.remaining, "delayMs": f.delay.as_millis() as u64}),
                )
            })
            .collect();
        let notifications = self.notifications.as_ref().map(|n| {
            json!({
                "drop": n.drop, "duplicate": n.copies, "delayMs": n.delay.as_millis() as u64,
                "reorder": n.reorder, "remaining": n.remaining,
            })
        });
        json!({"endpoints": endpoints, "notifications": notifications})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: serde_json::Value) -> FaultsInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn endpoint_faults_count_down() {
        let mut faults = Faults::default();
        faults
            .apply(input(
                json!({"endpoints": {"capture": {"mode": "unknown", "times": 2}}}),
            ))
            .unwrap();
        assert_eq!(faults.take_endpoint(Endpoint::Pay), None);
        assert_eq!(
            faults.take_endpoint(Endpoint::Capture).unwrap().mode,
            Mode::Unknown
        );
        assert_eq!(
            faults.take_endpoint(Endpoint::Capture).unwrap().mode,
            Mode::Unknown
        );
        assert_eq!(faults.take_endpoint(Endpoint::Capture), None);
    }

    #[test]
    fn bad_input_changes_nothing() {
        let mut faults = Faults::default();
        assert!(faults
            .apply(input(json!({"endpoints": {"nope": {"mode": "fail"}}})))
            .unwrap_err()
            .contains("nope"));
        assert!(faults
            .apply(input(
                json!({"endpoints": {"inquiryPayment": {"mode": "processing"}}})
            ))
            .is_err());
        assert!(faults
            .apply(input(json!({"notifications": {"duplicate": 0}})))
            .is_err());
        assert!(
            serde_json::from_value::<FaultsInput>(json!({"endpoints": {"pay": {"mode": "slow"}}})).is_err()
        );
        assert_eq!(faults.take_endpoint(Endpoint::InquiryPayment), None);
    }

    #[test]
    fn counted_reorder_releases_its_batch() {
        let mut faults = Faults::default();
        faults
            .apply(input(json!({"notifications": {"reorder": true, "times": 2}})))
            .unwrap();
        let first = faults.take_notification();
        assert!(first.hold && !first.release_held);
        let second = faults.take_notification();
        assert!(second.hold && second.release_held);
        assert!(!faults.take_notification().hold);
    }

    #[test]
    fn switching_reorder_off_is_reported() {
        let mut faults = Faults::default();
        faults
            .apply(input(json!({"notifications": {"reorder": true}})))
            .unwrap();
        assert!(faults
            .apply(input(json!({"notifications": {"drop": true}})))
            .unwrap());
        assert!(!faults.clear());
    }
}
