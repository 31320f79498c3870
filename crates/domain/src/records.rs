//! The records an order keeps about each request to Antom.
//!
//! Fields are public so callers can read them through [`crate::Order`]'s getters, which only hand
//! out shared references; `#[non_exhaustive]` stops other crates from building records
//! themselves. The only way to change a record is [`crate::Order::apply`].

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CancelRequestId, CaptureRequestId, PaymentRequestId, RefundRequestId};
use crate::money::Money;
use crate::status::RecordStatus;

/// Who captures an authorisation: the merchant (`capture` calls) or Antom right after
/// authorising (it then reports a `CAPTURE_RESULT`). Chosen when the payment is created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaptureMode {
    #[default]
    Manual,
    Automatic,
}

/// Which kind of record a change or refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Payment,
    Capture,
    Cancel,
    Refund,
    Vaulting,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Payment => "payment",
            RecordKind::Capture => "capture",
            RecordKind::Cancel => "cancel",
            RecordKind::Refund => "refund",
            RecordKind::Vaulting => "vaulting",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the buyer paid with, as far as it is safe to show (never the full number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
}

/// Antom's result code and message for a failed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub code: String,
    pub message: String,
}

/// A note that a person should look at the order (amount mismatch, conflicting results...).
/// Added by the caller with [`crate::Order::flag_for_review`]; never by `apply` itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewNote {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// The payment (authorisation) attempt of an order. Its amount is always the order total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Payment {
    pub request_id: PaymentRequestId,
    pub amount: Money,
    pub status: RecordStatus,
    /// Antom's `paymentId`, once any fact has told us.
    pub payment_id: Option<String>,
    /// `paymentTime`; starts the cancel window. `None` while the success is only implied by a
    /// capture result that arrived before the payment result.
    pub paid_at: Option<DateTime<Utc>>,
    /// `authExpiryTime`: no capture is possible afterwards.
    pub auth_expires_at: Option<DateTime<Utc>>,
    pub card: Option<CardSummary>,
    pub failure: Option<Failure>,
}

/// One capture. Antom's automatic capture uses its own request ids, so a capture can be known
/// from its result alone: then `requested_at` is `None`, and for a failure `amount` is `None`
/// too (a failure result does not carry one). A PROCESSING or SUCCESS capture always has an
/// amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Capture {
    pub request_id: CaptureRequestId,
    pub amount: Option<Money>,
    pub status: RecordStatus,
    pub capture_id: Option<String>,
    pub failure: Option<Failure>,
    pub requested_at: Option<DateTime<Utc>>,
    pub captured_at: Option<DateTime<Utc>>,
}

/// The current cancel (void) attempt. A new attempt may replace a failed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Cancel {
    pub request_id: CancelRequestId,
    pub status: RecordStatus,
    pub failure: Option<Failure>,
}

/// One refund; like [`Capture`], it may be known from its result before our request is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Refund {
    pub request_id: RefundRequestId,
    pub amount: Option<Money>,
    pub status: RecordStatus,
    pub refund_id: Option<String>,
    pub reason: Option<String>,
    pub failure: Option<Failure>,
    pub requested_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
}
