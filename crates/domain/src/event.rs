//! Facts about an order, as the server learns them.
//!
//! Sources: our own requests (`*Requested`), Antom's synchronous answers, notifications and
//! inquiries (`*Succeeded`, `*Failed`, `*StillUnknown`, `PaymentPending`), and the worker's clock
//! (`SessionExpired`, `AuthorizationExpired`). Webhooks and inquiries produce the same events, so
//! both paths go through the same [`crate::Order::apply`]. Events are stored in the order's
//! timeline as JSON: `{"type": "PAYMENT_SUCCEEDED", "paymentId": ..., ...}`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CancelRequestId, CaptureRequestId, RefundRequestId};
use crate::money::Money;
use crate::records::CardSummary;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// Antom created the payment session.
    SessionCreated {
        session_expires_at: DateTime<Utc>,
    },
    /// The buyer finished but the result is pending (`PAYMENT_PENDING`, or an inquiry saying
    /// PROCESSING/PENDING). Only teaches the payment id.
    PaymentPending {
        payment_id: Option<String>,
    },
    /// Authorised (`PAYMENT_RESULT` S, inquiry SUCCESS, `pay` S).
    PaymentSucceeded {
        payment_id: Option<String>,
        amount: Money,
        paid_at: DateTime<Utc>,
        auth_expires_at: Option<DateTime<Utc>>,
        card: Option<CardSummary>,
    },
    /// Declined, closed or otherwise failed for good.
    PaymentFailed {
        payment_id: Option<String>,
        code: String,
        message: String,
    },
    /// We are about to send (or sent) a capture request.
    CaptureRequested {
        request_id: CaptureRequestId,
        amount: Money,
        at: DateTime<Utc>,
    },
    CaptureSucceeded {
        request_id: CaptureRequestId,
        capture_id: Option<String>,
        amount: Money,
        at: DateTime<Utc>,
    },
    CaptureFailed {
        request_id: CaptureRequestId,
        code: String,
        message: String,
    },
    /// Antom answered `U` (or timed out); the capture stays PROCESSING and will be inquired.
    CaptureStillUnknown {
        request_id: CaptureRequestId,
        code: String,
    },
    CancelRequested {
        request_id: CancelRequestId,
    },
    CancelSucceeded {
        request_id: CancelRequestId,
    },
    CancelFailed {
        request_id: CancelRequestId,
        code: String,
        message: String,
    },
    RefundRequested {
        request_id: RefundRequestId,
        amount: Money,
        reason: Option<String>,
        at: DateTime<Utc>,
    },
    RefundSucceeded {
        request_id: RefundRequestId,
        refund_id: Option<String>,
        amount: Money,
        at: DateTime<Utc>,
    },
    RefundFailed {
        request_id: RefundRequestId,
        code: String,
        message: String,
    },
    /// `REFUND_IN_PROCESS`, `U` or a timeout: the refund stays PROCESSING.
    RefundStillUnknown {
        request_id: RefundRequestId,
        code: String,
    },
    /// The worker saw `auth_expires_at` pass with nothing captured.
    AuthorizationExpired {
        at: DateTime<Utc>,
    },
    /// The worker saw `session_expires_at` pass without a successful payment.
    SessionExpired {
        at: DateTime<Utc>,
    },
}

impl Event {
    /// The serialised `type` tag, for the timeline.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::SessionCreated { .. } => "SESSION_CREATED",
            Event::PaymentPending { .. } => "PAYMENT_PENDING",
            Event::PaymentSucceeded { .. } => "PAYMENT_SUCCEEDED",
            Event::PaymentFailed { .. } => "PAYMENT_FAILED",
            Event::CaptureRequested { .. } => "CAPTURE_REQUESTED",
            Event::CaptureSucceeded { .. } => "CAPTURE_SUCCEEDED",
            Event::CaptureFailed { .. } => "CAPTURE_FAILED",
            Event::CaptureStillUnknown { .. } => "CAPTURE_STILL_UNKNOWN",
            Event::CancelRequested { .. } => "CANCEL_REQUESTED",
            Event::CancelSucceeded { .. } => "CANCEL_SUCCEEDED",
            Event::CancelFailed { .. } => "CANCEL_FAILED",
            Event::RefundRequested { .. } => "REFUND_REQUESTED",
            Event::RefundSucceeded { .. } => "REFUND_SUCCEEDED",
            Event::RefundFailed { .. } => "REFUND_FAILED",
            Event::RefundStillUnknown { .. } => "REFUND_STILL_UNKNOWN",
            Event::AuthorizationExpired { .. } => "AUTHORIZATION_EXPIRED",
            Event::SessionExpired { .. } => "SESSION_EXPIRED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn kind_is_the_serialised_tag_for_every_variant() {
        let events = every_kind_of_event();
        assert_eq!(events.len(), 17);
        for event in events {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.kind(), "{json}");
            let back: Event = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
    }

    #[test]
    fn fields_are_camel_case() {
        let json = serde_json::to_value(paid()).unwrap();
        assert_eq!(json["type"], "PAYMENT_SUCCEEDED");
        assert_eq!(json["paymentId"], "pay-1");
        assert_eq!(json["amount"]["value"], "10000");
        assert_eq!(json["card"]["last4"], "1111");
        assert!(json.get("authExpiresAt").is_some());
    }

    #[test]
    fn bad_money_or_ids_cannot_be_deserialised() {
        let json = r#"{"type":"CAPTURE_REQUESTED","requestId":"c 1","amount":{"currency":"SGD","value":"1"},"at":"2026-01-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<Event>(json).is_err());
        let json = r#"{"type":"CAPTURE_REQUESTED","requestId":"c1","amount":{"currency":"SGD","value":"-1"},"at":"2026-01-01T00:00:00Z"}"#;
        assert!(serde_json::from_str::<Event>(json).is_err());
    }
}
