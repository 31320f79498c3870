//! Fault injection, set through `POST /__sim/faults` (http-contract §6): the ways Antom is
//! unkind to a merchant, on demand.
//!
//! Endpoint faults, keyed by Antom's API name (`capture`, `pay`, `createPaymentSession`, …),
//! apply to requests that passed signature and field checks, and count down with `times`
//! (unlimited when absent):
//! * `timeout`: processed normally (and stored for idempotency), but the answer is held for
//!   `delayMs` (default 15000) so the client gives up; a resend with the same id gets the stored
//!   result.
//! * `unknown`: signed `U` `UNKNOWN_EXCEPTION`. Not processed, and a resend with the same id is
//!   processed normally, except for vaultPaymentMethod: Antom tells the merchant to answer a `U`
//!   other than `VERIFICATION_IN_PROCESS` with a *new* vaultingRequestId (protocol §2.9), so
//!   there the id is spent and every resend of it gets the same `U` (see
//!   `api::vault_payment_method`).
//! * `fail`: not processed; signed `F` with `resultCode` (default `PROCESS_FAIL`; any
//!   UPPER_SNAKE code up to 64 characters, e.g. `REPEAT_REQ_INCONSISTENT`, to see how a client
//!   books a code it did not expect on a resend).
//! * `processing` (pay, capture, refund, vaultPaymentMethod only): answered `U` `*_IN_PROCESS`,
//!   settled after a short scaled delay, with its notification. For vaultPaymentMethod,
//!   `"noRedirect": true` answers `VERIFICATION_IN_PROCESS` *without any redirect URL*, the
//!   case Antom documents as "use a new vaultingRequestId": that vaulting never completes and
//!   fails when its session expires.
//!
//! Notification faults apply to notifications created while they are set; `times` counts those
//! notifications. `notifyType` narrows them to one kind (`PAYMENT_RESULT`, `PAYMENT_PENDING`,
//! `CAPTURE_RESULT`, `REFUND_RESULT`, or `VAULTING_RESULT` for vaulting notifications, which
//! carry no `notifyType` on the wire); other notifications pass untouched and are not counted.
//! * `drop`: recorded as DROPPED, never sent.
//! * `duplicate: N`: sent N times in all (N − 1 extra copies, each its own log entry with
//!   `duplicateOf`, each retried on its own).
//! * `delayMs`: the first attempt starts that much later (real milliseconds, not scaled).
//! * `reorder`: notifications are HELD; the held batch is released, newest first, one after the
//!   other, when `times` notifications have been held, when the reorder fault is replaced or
//!   cleared, or on `POST /__sim/notifications/flush`.
//!
//! Answer shapes (`answers`), which change how a true state is reported, not the state:
//! * `transactionStatusAlwaysSuccess: true`: inquiryPayment reports every capture and refund
//!   transaction with `transactionStatus` `SUCCESS` and its real outcome only in
//!   `transactionResult` (S, F, or U with `*_IN_PROCESS`), as the "Capture" sample answers of
//!   Antom's 2025 card-payments guide do [D:SEED2 capture samples; protocol §2.3 [!]].
//!
//! A POST replaces the `notifications` faults as a whole, the `answers` as a whole if it names
//! them, and each endpoint it names; `DELETE /__sim/faults` clears everything.

use std::collections::HashMap;
use std::time::Duration;

use antom_client::model::NotifyType;
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
/// `result.resultCode` is String(64).
const MAX_RESULT_CODE: usize = 64;

/// The notification kinds a fault can be narrowed to (what the simulator sends).
const NARROWABLE: [NotifyType; 5] = [
    NotifyType::PaymentResult,
    NotifyType::PaymentPending,
    NotifyType::CaptureResult,
    NotifyType::RefundResult,
    NotifyType::VaultingResult,
];

#[derive(Debug, Clone)]
struct EndpointFault {
    mode: Mode,
    remaining: Option<u32>,
    delay: Duration,
    result_code: Option<String>,
    no_redirect: bool,
}

#[derive(Debug, Clone, Default)]
struct NotificationFaults {
    drop: bool,
    copies: u32,
    delay: Duration,
    reorder: bool,
    remaining: Option<u32>,
    /// Only notifications of this kind; all when `None`.
    only: Option<NotifyType>,
}

/// How answers are shaped (`answers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answers {
    /// inquiryPayment: every capture/refund transaction says `SUCCESS`; `transactionResult`
    /// carries the outcome.
    pub transaction_status_always_success: bool,
}

/// The body of `POST /__sim/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsInput {
    #[serde(default)]
    endpoints: HashMap<String, EndpointFaultInput>,
    #[serde(default)]
    notifications: Option<NotificationFaultInput>,
    #[serde(default)]
    answers: Option<AnswersInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EndpointFaultInput {
    mode: Mode,
    times: Option<u32>,
    delay_ms: Option<u64>,
    result_code: Option<String>,
    #[serde(default)]
    no_redirect: bool,
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
    notify_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AnswersInput {
    #[serde(default)]
    transaction_status_always_success: bool,
}

/// An endpoint fault to apply to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injected {
    pub mode: Mode,
    /// How long `timeout` holds the answer.
    pub delay: Duration,
    /// The code of a `fail` answer, when not `PROCESS_FAIL`.
    pub result_code: Option<String>,
    /// `processing` without any redirect URL (vaultPaymentMethod).
    pub no_redirect: bool,
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
    answers: Answers,
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

/// `UPPER_SNAKE`, 1 to 64 characters, starting with a letter.
fn is_result_code(code: &str) -> bool {
    code.len() <= MAX_RESULT_CODE
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn endpoint_fault(name: &str, fault: EndpointFaultInput) -> Result<(Endpoint, EndpointFault), String> {
    let endpoint = Endpoint::ALL
        .into_iter()
        .find(|e| e.name() == name)
        .ok_or_else(|| {
            format!("endpoints: `{name}` is not an Antom API name (e.g. capture, pay, createPaymentSession)")
        })?;
    if fault.mode == Mode::Processing && !supports_processing(endpoint) {
        return Err(format!(
            "endpoints.{name}: mode `processing` applies to pay, capture, refund and vaultPaymentMethod only"
        ));
    }
    if fault.times == Some(0) {
        return Err(format!("endpoints.{name}.times: must be at least 1"));
    }
    if let Some(code) = &fault.result_code {
        if fault.mode != Mode::Fail {
            return Err(format!(
                "endpoints.{name}.resultCode: applies to mode `fail` only"
            ));
        }
        if !is_result_code(code) {
            return Err(format!(
                "endpoints.{name}.resultCode: must be UPPER_SNAKE (A-Z, 0-9, _), at most {MAX_RESULT_CODE} characters"
            ));
        }
    }
    if fault.no_redirect && !(fault.mode == Mode::Processing && endpoint == Endpoint::VaultPaymentMethod) {
        return Err(format!(
            "endpoints.{name}.noRedirect: applies to mode `processing` of vaultPaymentMethod only"
        ));
    }
    let delay_ms = fault.delay_ms.unwrap_or(DEFAULT_TIMEOUT_DELAY_MS);
    Ok((
        endpoint,
        EndpointFault {
            mode: fault.mode,
            remaining: fault.times,
            delay: Duration::from_millis(delay_ms),
            result_code: fault.result_code,
            no_redirect: fault.no_redirect,
        },
    ))
}

fn notification_faults(n: NotificationFaultInput) -> Result<NotificationFaults, String> {
    if n.duplicate == Some(0) || n.duplicate.is_some_and(|d| d > 20) {
        return Err("notifications.duplicate: must be 1 to 20 deliveries in all".into());
    }
    if n.times == Some(0) {
        return Err("notifications.times: must be at least 1".into());
    }
    let only = match n.notify_type.as_deref() {
        None => None,
        Some(name) => Some(
            NARROWABLE
                .into_iter()
                .find(|t| t.as_str() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = NARROWABLE.iter().map(NotifyType::as_str).collect();
                    let shown: String = name.chars().take(64).collect();
                    format!(
                        "notifications.notifyType: `{shown}` is not one of {}",
                        known.join(", ")
                    )
                })?,
        ),
    };
    Ok(NotificationFaults {
        drop: n.drop,
        copies: n.duplicate.unwrap_or(1),
        delay: Duration::from_millis(n.delay_ms.unwrap_or(0)),
        reorder: n.reorder,
        remaining: n.times,
        only,
    })
}

impl Faults {
    /// Applies a `POST /__sim/faults` body; on error nothing changes. Returns whether a reorder
    /// that was active has been switched off (its held batch must be released).
    pub fn apply(&mut self, input: FaultsInput) -> Result<bool, String> {
        let endpoints = input
            .endpoints
            .into_iter()
            .map(|(name, fault)| endpoint_fault(&name, fault))
            .collect::<Result<Vec<_>, _>>()?;
        let notifications = input.notifications.map(notification_faults).transpose()?;
        let reorder_before = self.reorder_active();
        self.endpoints.extend(endpoints);
        if let Some(n) = notifications {
            self.notifications = Some(n);
        }
        if let Some(answers) = input.answers {
            self.answers = Answers {
                transaction_status_always_success: answers.transaction_status_always_success,
            };
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

    /// How answers are shaped now.
    pub fn answers(&self) -> Answers {
        self.answers
    }

    /// The fault for one request to `endpoint`, counting it down.
    pub fn take_endpoint(&mut self, endpoint: Endpoint) -> Option<Injected> {
        let fault = self.endpoints.get_mut(&endpoint)?;
        let injected = Injected {
            mode: fault.mode,
            delay: fault.delay,
            result_code: fault.result_code.clone(),
            no_redirect: fault.no_redirect,
        };
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                self.endpoints.remove(&endpoint);
            }
        }
        Some(injected)
    }

    /// What happens to one new notification of kind `kind`, counting it down when the fault
    /// applies to it.
    pub fn take_notification(&mut self, kind: &NotifyType) -> NotificationFault {
        let untouched = NotificationFault {
            copies: 1,
            ..NotificationFault::default()
        };
        let Some(n) = &mut self.notifications else {
            return untouched;
        };
        if n.only.as_ref().is_some_and(|only| only != kind) {
            return untouched;
        }
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
                    json!({
                        "mode": f.mode, "remaining": f.remaining, "delayMs": f.delay.as_millis() as u64,
                        "resultCode": f.result_code, "noRedirect": f.no_redirect,
                    }),
                )
            })
            .collect();
        let notifications = self.notifications.as_ref().map(|n| {
            json!({
                "drop": n.drop, "duplicate": n.copies, "delayMs": n.delay.as_millis() as u64,
                "reorder": n.reorder, "remaining": n.remaining,
                "notifyType": n.only.as_ref().map(NotifyType::as_str),
            })
        });
        json!({
            "endpoints": endpoints,
            "notifications": notifications,
            "answers": {"transactionStatusAlwaysSuccess": self.answers.transaction_status_always_success},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antom_client::codes;

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
        assert!(faults
            .apply(input(
                json!({"notifications": {"drop": true, "notifyType": "REFUND"}})
            ))
            .unwrap_err()
            .contains("REFUND_RESULT"));
        for code in ["lower_case", "", "1ABC", "A-B", &"A".repeat(65)] {
            let body = json!({"endpoints": {"capture": {"mode": "fail", "resultCode": code}}});
            assert!(faults.apply(input(body)).is_err(), "{code}");
        }
        assert!(faults
            .apply(input(
                json!({"endpoints": {"capture": {"mode": "unknown", "resultCode": codes::PROCESS_FAIL}}})
            ))
            .is_err());
        assert!(faults
            .apply(input(
                json!({"endpoints": {"pay": {"mode": "processing", "noRedirect": true}}})
            ))
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
        let first = faults.take_notification(&NotifyType::PaymentResult);
        assert!(first.hold && !first.release_held);
        let second = faults.take_notification(&NotifyType::PaymentResult);
        assert!(second.hold && second.release_held);
        assert!(!faults.take_notification(&NotifyType::PaymentResult).hold);
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

    #[test]
    fn a_narrowed_fault_counts_only_its_kind() {
        let mut faults = Faults::default();
        faults
            .apply(input(
                json!({"notifications": {"drop": true, "notifyType": "CAPTURE_RESULT", "times": 1}}),
            ))
            .unwrap();
        assert!(!faults.take_notification(&NotifyType::PaymentResult).drop);
        assert!(!faults.take_notification(&NotifyType::VaultingResult).drop);
        assert!(faults.take_notification(&NotifyType::CaptureResult).drop);
        assert!(
            !faults.take_notification(&NotifyType::CaptureResult).drop,
            "times: 1"
        );
    }

    #[test]
    fn fail_codes_and_answers_are_kept_until_replaced_or_cleared() {
        let mut faults = Faults::default();
        faults
            .apply(input(json!({
                "endpoints": {"capture": {"mode": "fail", "resultCode": codes::REPEAT_REQ_INCONSISTENT}},
                "answers": {"transactionStatusAlwaysSuccess": true},
            })))
            .unwrap();
        let fault = faults.take_endpoint(Endpoint::Capture).unwrap();
        assert_eq!(fault.result_code.as_deref(), Some(codes::REPEAT_REQ_INCONSISTENT));
        assert!(faults.answers().transaction_status_always_success);
        // A POST that does not name `answers` keeps them; one that does replaces them.
        faults
            .apply(input(json!({"notifications": {"drop": true}})))
            .unwrap();
        assert!(faults.answers().transaction_status_always_success);
        faults.apply(input(json!({"answers": {}}))).unwrap();
        assert!(!faults.answers().transaction_status_always_success);
        faults
            .apply(input(
                json!({"answers": {"transactionStatusAlwaysSuccess": true}}),
            ))
            .unwrap();
        faults.clear();
        assert_eq!(faults.answers(), Answers::default());
    }
}
