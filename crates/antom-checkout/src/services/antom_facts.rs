//! Antom's messages (notifications, inquiry answers) turned into domain events.
//!
//! This is the only place that reads Antom's fields to decide what happened; everything after
//! it speaks `domain::Event`. Malformed facts (bad amounts, ids) are refused here with a reason
//! that goes into the inbox and the timeline.
//!
//! Antom is read as it means its answers, not as they look: a transaction's outcome comes from
//! its `transactionResult` when present (a failed capture can read `transactionStatus: SUCCESS`
//! with result `F`; both are put in the timeline when they disagree), and an `F` that only says
//! the request id was used before (`REPEAT_REQ_INCONSISTENT`) is never booked as a failure: the
//! record stays processing, is inquired, and the order is flagged for a person.

use antom_client::codes;
use antom_client::model::{Amount, NotifyType};
use antom_client::model::{
    CaptureNotification, InquiryPaymentResponse, PaymentNotification, PaymentResultInfo, PaymentStatus,
    RefundNotification, RefundStatus, Transaction, TransactionOutcome, TransactionType,
};
use antom_client::time::parse_time;
use antom_client::ResultStatus;
use chrono::{DateTime, Utc};
use domain::{CaptureRequestId, CardSummary, Event, Money, Order, RefundRequestId};

#[derive(Debug, thiserror::Error)]
pub enum FactError {
    #[error("the amount is not valid: {0}")]
    Amount(#[from] domain::MoneyError),
    #[error("an id is not valid: {0}")]
    Id(#[from] domain::IdError),
    #[error("the field `{0}` is missing")]
    Missing(&'static str),
}

/// What an Antom answer told us: domain events, plus what a person should see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub events: Vec<Event>,
    /// Timeline entries that explain how the answer was read (`ANTOM_ANSWER_READ`).
    pub notes: Vec<serde_json::Value>,
    /// Why the order needs a person, if it does.
    pub review: Option<String>,
}

impl Facts {
    pub fn events(events: Vec<Event>) -> Facts {
        Facts {
            events,
            ..Facts::default()
        }
    }
}

/// Our money as Antom's `{currency, value}` (the only conversion this way).
pub fn amount(m: Money) -> Amount {
    Amount::new(m.currency().code(), m.minor_units_string())
}

fn money(amount: &Amount) -> Result<Money, FactError> {
    Ok(Money::from_minor_units(&amount.currency, &amount.value)?)
}

fn time_or(value: Option<&str>, fallback: DateTime<Utc>) -> DateTime<Utc> {
    value.and_then(parse_time).unwrap_or(fallback)
}

/// Brand and last four digits, from whichever of Antom's card fields are present.
pub fn card_summary(info: Option<&PaymentResultInfo>) -> Option<CardSummary> {
    let info = info?;
    let last4 = info.last_four.clone().or_else(|| {
        let digits: String = info
            .card_no
            .as_deref()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (digits.len() >= 4).then(|| digits[digits.len() - 4..].to_owned())
    })?;
    Some(CardSummary {
        brand: info.card_brand.clone().unwrap_or_else(|| "CARD".into()),
        last4,
    })
}

/// Antom closes a session nobody paid (after about 14 minutes) with this code.
const SESSION_CLOSED: &str = codes::ORDER_IS_CLOSED;

/// A failed payment, plus the session's expiry when Antom closed an unpaid session.
fn payment_failed(
    payment_id: Option<String>,
    code: String,
    message: String,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let closed = code == SESSION_CLOSED;
    let mut events = vec![Event::PaymentFailed {
        payment_id,
        code,
        message,
    }];
    if closed {
        events.push(Event::SessionExpired { at: now });
    }
    events
}

/// PAYMENT_RESULT / PAYMENT_PENDING.
pub fn payment_notification(n: &PaymentNotification, now: DateTime<Utc>) -> Result<Vec<Event>, FactError> {
    let payment_id = Some(n.payment_id.clone()).filter(|p| !p.is_empty());
    if n.notify_type == NotifyType::PaymentPending {
        return Ok(vec![Event::PaymentPending { payment_id }]);
    }
    if n.result.result_status == ResultStatus::Failed {
        return Ok(payment_failed(
            payment_id,
            n.result.result_code.clone(),
            n.result.result_message.clone(),
            now,
        ));
    }
    Ok(vec![match n.result.result_status {
        ResultStatus::Success => Event::PaymentSucceeded {
            payment_id,
            amount: money(&n.payment_amount)?,
            paid_at: time_or(n.payment_time.as_deref(), now),
            auth_expires_at: n.auth_expiry_time.as_deref().and_then(parse_time),
            card: card_summary(n.payment_result_info.as_ref().or(n.card_info.as_ref())),
        },
        ResultStatus::Failed | ResultStatus::Unknown | ResultStatus::Other(_) => {
            Event::PaymentPending { payment_id }
        }
    }])
}

/// CAPTURE_RESULT.
pub fn capture_notification(n: &CaptureNotification, now: DateTime<Utc>) -> Result<Event, FactError> {
    let request_id = CaptureRequestId::parse(&n.capture_request_id)?;
    Ok(match n.result.result_status {
        ResultStatus::Success => Event::CaptureSucceeded {
            request_id,
            capture_id: n.capture_id.clone(),
            amount: money(
                n.capture_amount
                    .as_ref()
                    .ok_or(FactError::Missing("captureAmount"))?,
            )?,
            at: time_or(n.capture_time.as_deref(), now),
        },
        ResultStatus::Failed => Event::CaptureFailed {
            request_id,
            code: n.result.result_code.clone(),
            message: n.result.result_message.clone(),
        },
        ResultStatus::Unknown | ResultStatus::Other(_) => Event::CaptureStillUnknown {
            request_id,
            code: n.result.result_code.clone(),
        },
    })
}

/// REFUND_RESULT.
pub fn refund_notification(n: &RefundNotification, now: DateTime<Utc>) -> Result<Event, FactError> {
    let request_id = RefundRequestId::parse(&n.refund_request_id)?;
    Ok(match n.refund_status {
        RefundStatus::Success => Event::RefundSucceeded {
            request_id,
            refund_id: n.refund_id.clone(),
            amount: money(
                n.refund_amount
                    .as_ref()
                    .ok_or(FactError::Missing("refundAmount"))?,
            )?,
            at: time_or(n.refund_time.as_deref(), now),
        },
        RefundStatus::Fail => Event::RefundFailed {
            request_id,
            code: n.result.result_code.clone(),
            message: n.result.result_message.clone(),
        },
        RefundStatus::Processing | RefundStatus::Other(_) => Event::RefundStillUnknown {
            request_id,
            code: n.result.result_code.clone(),
        },
    })
}

/// An inquiryPayment answer: the payment's status plus every capture, refund and cancel
/// transaction it lists. `order` supplies our cancel request id (Antom's cancel has none).
pub fn inquiry(resp: &InquiryPaymentResponse, order: &Order, now: DateTime<Utc>) -> Result<Facts, FactError> {
    let mut facts = Facts::default();
    let events = &mut facts.events;
    let payment_id = resp.payment_id.clone();
    match &resp.payment_status {
        Some(PaymentStatus::Success) => events.push(Event::PaymentSucceeded {
            payment_id,
            amount: money(
                resp.payment_amount
                    .as_ref()
                    .ok_or(FactError::Missing("paymentAmount"))?,
            )?,
            paid_at: time_or(resp.payment_time.as_deref(), now),
            auth_expires_at: resp.auth_expiry_time.as_deref().and_then(parse_time),
            card: card_summary(resp.payment_result_info.as_ref().or(resp.card_info.as_ref())),
        }),
        Some(PaymentStatus::Fail) => events.extend(payment_failed(
            payment_id,
            resp.payment_result_code
                .clone()
                .unwrap_or_else(|| "PAYMENT_FAILED".into()),
            resp.payment_result_message.clone().unwrap_or_default(),
            now,
        )),
        Some(PaymentStatus::Cancelled) => {
            if let Some(cancel) = order.cancel() {
                events.push(Event::CancelSucceeded {
                    request_id: cancel.request_id.clone(),
                })
            }
        }
        Some(PaymentStatus::Processing | PaymentStatus::Pending) => {
            events.push(Event::PaymentPending { payment_id })
        }
        Some(PaymentStatus::Other(_)) | None => {}
    }
    for t in &resp.transactions {
        let reading = t.reading();
        if reading.disagreement {
            facts.notes.push(serde_json::json!({
                "transactionType": t.transaction_type.as_str(),
                "transactionRequestId": t.transaction_request_id,
                "transactionStatus": t.transaction_status.as_str(),
                "transactionResult": t.transaction_result.as_ref().map(|r| serde_json::json!({
                    "resultStatus": r.result_status.as_str(),
                    "resultCode": r.result_code,
                })),
                "readAs": outcome_name(&reading.outcome),
                "why": "transactionStatus and transactionResult disagree; transactionResult decides",
            }));
        }
        if let Some(event) = transaction(t, &reading.outcome, order, now)? {
            facts.events.push(event);
        }
    }
    Ok(facts)
}

fn outcome_name(outcome: &TransactionOutcome) -> &'static str {
    match outcome {
        TransactionOutcome::Succeeded => "SUCCESS",
        TransactionOutcome::Failed { .. } => "FAIL",
        TransactionOutcome::Processing => "PROCESSING",
    }
}

fn transaction(
    t: &Transaction,
    outcome: &TransactionOutcome,
    order: &Order,
    now: DateTime<Utc>,
) -> Result<Option<Event>, FactError> {
    let at = time_or(t.transaction_time.as_deref(), now);
    let request_id = || {
        t.transaction_request_id
            .as_deref()
            .ok_or(FactError::Missing("transactionRequestId"))
    };
    let amount = || {
        money(
            t.transaction_amount
                .as_ref()
                .ok_or(FactError::Missing("transactionAmount"))?,
        )
    };
    Ok(match (&t.transaction_type, outcome) {
        (TransactionType::Capture, TransactionOutcome::Succeeded) => Some(Event::CaptureSucceeded {
            request_id: CaptureRequestId::parse(request_id()?)?,
            capture_id: t.transaction_id.clone(),
            amount: amount()?,
            at,
        }),
        (TransactionType::Capture, TransactionOutcome::Failed { code, message }) => {
            Some(Event::CaptureFailed {
                request_id: CaptureRequestId::parse(request_id()?)?,
                code: code.clone(),
                message: message.clone(),
            })
        }
        (TransactionType::Refund, TransactionOutcome::Succeeded) => Some(Event::RefundSucceeded {
            request_id: RefundRequestId::parse(request_id()?)?,
            refund_id: t.transaction_id.clone(),
            amount: amount()?,
            at,
        }),
        (TransactionType::Refund, TransactionOutcome::Failed { code, message }) => {
            Some(Event::RefundFailed {
                request_id: RefundRequestId::parse(request_id()?)?,
                code: code.clone(),
                message: message.clone(),
            })
        }
        (TransactionType::Cancel | TransactionType::Void, TransactionOutcome::Succeeded) => {
            order.cancel().map(|c| Event::CancelSucceeded {
                request_id: c.request_id.clone(),
            })
        }
        _ => None,
    })
}

/// Why an `F` saying the request id was used before is not booked: for the order's review.
fn reused_request_id(what: &str, request_id: &str) -> String {
    format!(
        "{what} {request_id}: Antom answered REPEAT_REQ_INCONSISTENT (this request id was used \
         before with other fields); the first request may have succeeded, so nothing was booked \
         and Antom is being inquired"
    )
}

/// The answer to our own capture call, as events. `Unknown` changes nothing: the capture stays
/// PROCESSING and the reconciler settles it with the same captureRequestId.
pub fn capture_outcome(
    request_id: &CaptureRequestId,
    amount: Money,
    outcome: &antom_client::Outcome<antom_client::model::CaptureResponse>,
    now: DateTime<Utc>,
) -> Facts {
    use antom_client::Outcome;
    if outcome.is_request_id_reused() {
        return Facts {
            events: vec![Event::CaptureStillUnknown {
                request_id: request_id.clone(),
                code: outcome.code().to_owned(),
            }],
            notes: Vec::new(),
            review: Some(reused_request_id("capture", request_id.as_str())),
        };
    }
    Facts::events(match outcome {
        Outcome::Success(r) => vec![Event::CaptureSucceeded {
            request_id: request_id.clone(),
            capture_id: r.capture_id.clone(),
            amount,
            at: time_or(r.capture_time.as_deref(), now),
        }],
        Outcome::Failed { code, message, .. } => vec![Event::CaptureFailed {
            request_id: request_id.clone(),
            code: code.clone(),
            message: message.clone(),
        }],
        Outcome::Unknown { code, .. } => vec![Event::CaptureStillUnknown {
            request_id: request_id.clone(),
            code: code.clone(),
        }],
    })
}

/// The answer to our own cancel call. Antom's cancel carries no request id of ours: `request_id`
/// is the cancel record it settles. `Unknown` changes nothing (the worker resends it).
pub fn cancel_outcome(
    request_id: &domain::CancelRequestId,
    outcome: &antom_client::Outcome<antom_client::model::CancelResponse>,
) -> Facts {
    use antom_client::Outcome;
    Facts::events(match outcome {
        Outcome::Success(_) => vec![Event::CancelSucceeded {
            request_id: request_id.clone(),
        }],
        Outcome::Failed { code, message, .. } => vec![Event::CancelFailed {
            request_id: request_id.clone(),
            code: code.clone(),
            message: message.clone(),
        }],
        Outcome::Unknown { .. } => Vec::new(),
    })
}

/// The answer to createPaymentSession: the session's expiry (Antom's, else `fallback`), or the
/// payment's failure. `Unknown` changes nothing (the worker inquires).
pub fn session_outcome(
    outcome: &antom_client::Outcome<antom_client::model::CreatePaymentSessionResponse>,
    fallback_expiry: DateTime<Utc>,
) -> Facts {
    use antom_client::Outcome;
    Facts::events(match outcome {
        Outcome::Success(response) => vec![Event::SessionCreated {
            session_expires_at: time_or(response.payment_session_expiry_time.as_deref(), fallback_expiry),
        }],
        Outcome::Failed { code, message, .. } => vec![Event::PaymentFailed {
            payment_id: None,
            code: code.clone(),
            message: message.clone(),
        }],
        Outcome::Unknown { .. } => Vec::new(),
    })
}

/// The answer to `pay` with a saved card: authorized (`expected` is the order's amount, used
/// when Antom's answer has none; `saved` the saved card's summary, used when it names no card),
/// in process (3-D Secure: only the paymentId is learned), or failed. Any other `Unknown`
/// changes nothing.
pub fn pay_outcome(
    outcome: &antom_client::Outcome<antom_client::model::PayResponse>,
    expected: Money,
    saved: Option<CardSummary>,
    now: DateTime<Utc>,
) -> Result<Facts, FactError> {
    use antom_client::Outcome;
    Ok(Facts::events(match outcome {
        Outcome::Success(r) => vec![Event::PaymentSucceeded {
            payment_id: r.payment_id.clone(),
            amount: r
                .payment_amount
                .as_ref()
                .map(money)
                .transpose()?
                .unwrap_or(expected),
            paid_at: time_or(r.payment_time.as_deref(), now),
            auth_expires_at: r.auth_expiry_time.as_deref().and_then(parse_time),
            card: card_summary(r.payment_result_info.as_ref()).or(saved),
        }],
        Outcome::Unknown { response, .. } if outcome.is_in_process_with(codes::PAYMENT_IN_PROCESS) => {
            vec![Event::PaymentPending {
                payment_id: response.as_ref().and_then(|r| r.payment_id.clone()),
            }]
        }
        Outcome::Unknown { .. } => Vec::new(),
        Outcome::Failed {
            code,
            message,
            response,
        } => vec![Event::PaymentFailed {
            payment_id: response.as_ref().and_then(|r| r.payment_id.clone()),
            code: code.clone(),
            message: message.clone(),
        }],
    }))
}

/// What Antom said about a vaulting.
#[derive(Debug)]
pub enum VaultingFact<'a> {
    Vaulted(&'a antom_client::model::CardDetail),
    Failed {
        code: String,
        message: String,
    },
    Processing,
    /// The answer cannot be used (a success without a card).
    Invalid(&'static str),
}

/// notifyVaulting: `resultStatus` S with the card, F with Antom's code, otherwise processing.
pub fn vaulting_notification(n: &antom_client::model::VaultingNotification) -> VaultingFact<'_> {
    let card = n.payment_method_detail.as_ref().and_then(|d| d.card.as_ref());
    match (&n.result.result_status, card) {
        (ResultStatus::Success, Some(card)) => VaultingFact::Vaulted(card),
        (ResultStatus::Success, None) => {
            VaultingFact::Invalid("a successful vaulting without paymentMethodDetail.card")
        }
        (ResultStatus::Failed, _) => VaultingFact::Failed {
            code: n.result.result_code.clone(),
            message: n.result.result_message.clone(),
        },
        (ResultStatus::Unknown | ResultStatus::Other(_), _) => VaultingFact::Processing,
    }
}

/// inquireVaulting: `vaultingStatus` decides; a vaulting Antom never received
/// (`VAULTING_NOT_EXIST`, our createVaultingSession was lost) can never be bound: failed.
pub fn vaulting_inquiry(
    outcome: &antom_client::Outcome<antom_client::model::InquireVaultingResponse>,
) -> VaultingFact<'_> {
    use antom_client::model::VaultingStatus;
    use antom_client::Outcome;
    match outcome {
        Outcome::Success(r) => {
            let card = r.payment_method_detail.as_ref().and_then(|d| d.card.as_ref());
            match (&r.vaulting_status, card) {
                (Some(VaultingStatus::Success), Some(card)) => VaultingFact::Vaulted(card),
                (Some(VaultingStatus::Fail), _) => VaultingFact::Failed {
                    code: r
                        .vaulting_result_code
                        .clone()
                        .unwrap_or_else(|| codes::VERIFICATION_FAIL.into()),
                    message: r.vaulting_result_message.clone().unwrap_or_default(),
                },
                _ => VaultingFact::Processing,
            }
        }
        Outcome::Failed { code, message, .. } if outcome.is_not_found() => VaultingFact::Failed {
            code: code.clone(),
            message: message.clone(),
        },
        _ => VaultingFact::Processing,
    }
}

/// The answer to our own refund call (or an inquiryRefund), as events.
pub fn refund_outcome(
    request_id: &RefundRequestId,
    amount: Money,
    outcome: &antom_client::Outcome<antom_client::model::RefundResponse>,
    now: DateTime<Utc>,
) -> Facts {
    use antom_client::Outcome;
    if outcome.is_request_id_reused() {
        return Facts {
            events: vec![Event::RefundStillUnknown {
                request_id: request_id.clone(),
                code: outcome.code().to_owned(),
            }],
            notes: Vec::new(),
            review: Some(reused_request_id("refund", request_id.as_str())),
        };
    }
    Facts::events(match outcome {
        Outcome::Success(r) => vec![Event::RefundSucceeded {
            request_id: request_id.clone(),
            refund_id: r.refund_id.clone(),
            amount,
            at: time_or(r.refund_time.as_deref(), now),
        }],
        Outcome::Failed { code, message, .. } => vec![Event::RefundFailed {
            request_id: request_id.clone(),
            code: code.clone(),
            message: message.clone(),
        }],
        Outcome::Unknown { code, .. } => vec![Event::RefundStillUnknown {
            request_id: request_id.clone(),
            code: code.clone(),
        }],
    })
}

/// An inquiryRefund answer, as events (PROCESSING → none).
pub fn refund_inquiry(
    request_id: &RefundRequestId,
    response: &antom_client::model::InquiryRefundResponse,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, FactError> {
    Ok(match &response.refund_status {
        Some(RefundStatus::Success) => vec![Event::RefundSucceeded {
            request_id: request_id.clone(),
            refund_id: response.refund_id.clone(),
            amount: money(
                response
                    .refund_amount
                    .as_ref()
                    .ok_or(FactError::Missing("refundAmount"))?,
            )?,
            at: time_or(response.refund_time.as_deref(), now),
        }],
        Some(RefundStatus::Fail) => vec![Event::RefundFailed {
            request_id: request_id.clone(),
            code: "REFUND_FAILED".into(),
            message: String::new(),
        }],
        Some(RefundStatus::Processing | RefundStatus::Other(_)) | None => Vec::new(),
    })
}
