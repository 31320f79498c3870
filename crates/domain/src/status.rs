//! Status vocabularies: the three-state record status Antom uses for payments, captures, cancels,
//! refunds and vaulting, and the order status our contract exposes.
//!
//! Order status is never stored: [`crate::Order::status`] derives it from the records, so it
//! cannot drift from them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Status of one request to Antom (payment, capture, cancel, refund, vaulting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordStatus {
    /// Sent or started, outcome not known yet.
    Processing,
    Success,
    Fail,
}

impl RecordStatus {
    /// SUCCESS and FAIL are final at Antom: a record never leaves them.
    pub fn is_terminal(self) -> bool {
        match self {
            RecordStatus::Processing => false,
            RecordStatus::Success | RecordStatus::Fail => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Processing => "PROCESSING",
            RecordStatus::Success => "SUCCESS",
            RecordStatus::Fail => "FAIL",
        }
    }
}

impl fmt::Display for RecordStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order status {0:?}")]
pub struct UnknownOrderStatus(pub String);

/// The order status values of the HTTP contract, derived by [`crate::Order::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    PendingPayment,
    Authorized,
    PaymentFailed,
    Canceled,
    CapturePending,
    Captured,
    CaptureFailed,
    PartiallyRefunded,
    Refunded,
    Expired,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::PendingPayment,
        OrderStatus::Authorized,
        OrderStatus::PaymentFailed,
        OrderStatus::Canceled,
        OrderStatus::CapturePending,
        OrderStatus::Captured,
        OrderStatus::CaptureFailed,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
        OrderStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "PENDING_PAYMENT",
            OrderStatus::Authorized => "AUTHORIZED",
            OrderStatus::PaymentFailed => "PAYMENT_FAILED",
            OrderStatus::Canceled => "CANCELED",
            OrderStatus::CapturePending => "CAPTURE_PENDING",
            OrderStatus::Captured => "CAPTURED",
            OrderStatus::CaptureFailed => "CAPTURE_FAILED",
            OrderStatus::PartiallyRefunded => "PARTIALLY_REFUNDED",
            OrderStatus::Refunded => "REFUNDED",
            OrderStatus::Expired => "EXPIRED",
        }
    }

    /// Exact, case-sensitive inverse of [`OrderStatus::as_str`] (e.g. for `?status=` filters).
    pub fn parse(raw: &str) -> Result<OrderStatus, UnknownOrderStatus> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| UnknownOrderStatus(raw.to_owned()))
    }

    /// No operator action can move the order on (nothing to capture, cancel or refund) and no
    /// Antom request of ours is expected to be open. Late facts from Antom are still applied
    /// (e.g. a success after the session expired), so "final" is advice for lists and workers,
    /// not a lock.
    pub fn is_final(self) -> bool {
        match self {
            OrderStatus::PaymentFailed
            | OrderStatus::Canceled
            | OrderStatus::Refunded
            | OrderStatus::Expired => true,
            OrderStatus::PendingPayment
            | OrderStatus::Authorized
            | OrderStatus::CapturePending
            | OrderStatus::Captured
            | OrderStatus::CaptureFailed
            | OrderStatus::PartiallyRefunded => false,
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_terminality() {
        assert!(!RecordStatus::Processing.is_terminal());
        assert!(RecordStatus::Success.is_terminal());
        assert!(RecordStatus::Fail.is_terminal());
    }

    #[test]
    fn record_status_serde_matches_as_str() {
        for status in [
            RecordStatus::Processing,
            RecordStatus::Success,
            RecordStatus::Fail,
        ] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<RecordStatus>(&json).unwrap(), status);
        }
    }

    #[test]
    fn order_status_strings_are_the_contract_values() {
        let names: Vec<_> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "PENDING_PAYMENT",
                "AUTHORIZED",
                "PAYMENT_FAILED",
                "CANCELED",
                "CAPTURE_PENDING",
                "CAPTURED",
                "CAPTURE_FAILED",
                "PARTIALLY_REFUNDED",
                "REFUNDED",
                "EXPIRED"
            ]
        );
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{status}\""));
            assert_eq!(serde_json::from_str::<OrderStatus>(&json).unwrap(), status);
        }
    }

    #[test]
    fn parse_is_strict() {
        for bad in ["", "authorized", "Authorized", "AUTHORISED", " AUTHORIZED"] {
            assert_eq!(OrderStatus::parse(bad), Err(UnknownOrderStatus(bad.into())));
        }
    }

    #[test]
    fn finality() {
        let finals: Vec<_> = OrderStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            [
                OrderStatus::PaymentFailed,
                OrderStatus::Canceled,
                OrderStatus::Refunded,
                OrderStatus::Expired
            ]
        );
    }
}
