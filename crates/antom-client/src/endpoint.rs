//! The Antom endpoints this product uses, their paths, and the sandbox path rule.

use std::borrow::Cow;

/// Every Antom API this product calls (and the simulator serves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    CreatePaymentSession,
    Pay,
    InquiryPayment,
    Capture,
    Cancel,
    Refund,
    InquiryRefund,
    CreateVaultingSession,
    VaultPaymentMethod,
    InquireVaulting,
}

/// How a repeated call is recognised by Antom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// The named request field is Antom's idempotency key: the same value with the same key
    /// fields returns the same result, never a second action.
    KeyedBy(&'static str),
    /// Inquiries and cancel carry no key and are safe to repeat by nature.
    Natural,
}

const LIVE_PREFIX: &str = "/ams/api";
const SANDBOX_PREFIX: &str = "/ams/sandbox/api";

impl Endpoint {
    pub const ALL: [Endpoint; 10] = [
        Endpoint::CreatePaymentSession,
        Endpoint::Pay,
        Endpoint::InquiryPayment,
        Endpoint::Capture,
        Endpoint::Cancel,
        Endpoint::Refund,
        Endpoint::InquiryRefund,
        Endpoint::CreateVaultingSession,
        Endpoint::VaultPaymentMethod,
        Endpoint::InquireVaulting,
    ];

    /// The live path, e.g. `/ams/api/v1/payments/capture`.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::CreatePaymentSession => "/ams/api/v1/payments/createPaymentSession",
            Endpoint::Pay => "/ams/api/v1/payments/pay",
            Endpoint::InquiryPayment => "/ams/api/v1/payments/inquiryPayment",
            Endpoint::Capture => "/ams/api/v1/payments/capture",
            Endpoint::Cancel => "/ams/api/v1/payments/cancel",
            Endpoint::Refund => "/ams/api/v1/payments/refund",
            Endpoint::InquiryRefund => "/ams/api/v1/payments/inquiryRefund",
            Endpoint::CreateVaultingSession => "/ams/api/v1/vaults/createVaultingSession",
            Endpoint::VaultPaymentMethod => "/ams/api/v1/vaults/vaultPaymentMethod",
            Endpoint::InquireVaulting => "/ams/api/v1/vaults/inquireVaulting",
        }
    }

    /// Antom's name for the API (last path segment), used in logs and metrics.
    pub fn name(self) -> &'static str {
        let path = self.path();
        &path[path.rfind('/').map_or(0, |i| i + 1)..]
    }

    pub fn idempotency(self) -> Idempotency {
        match self {
            Endpoint::CreatePaymentSession | Endpoint::Pay => Idempotency::KeyedBy("paymentRequestId"),
            Endpoint::Capture => Idempotency::KeyedBy("captureRequestId"),
            Endpoint::Refund => Idempotency::KeyedBy("refundRequestId"),
            Endpoint::CreateVaultingSession | Endpoint::VaultPaymentMethod => {
                Idempotency::KeyedBy("vaultingRequestId")
            }
            Endpoint::InquiryPayment
            | Endpoint::Cancel
            | Endpoint::InquiryRefund
            | Endpoint::InquireVaulting => Idempotency::Natural,
        }
    }

    /// Recognises a live or sandbox path; returns the endpoint and whether it was the sandbox form.
    pub fn from_path(path: &str) -> Option<(Endpoint, bool)> {
        let (rest, sandbox) = if let Some(rest) = path.strip_prefix(SANDBOX_PREFIX) {
            (rest, true)
        } else {
            (path.strip_prefix(LIVE_PREFIX)?, false)
        };
        Endpoint::ALL
            .into_iter()
            .find(|e| &e.path()[LIVE_PREFIX.len()..] == rest)
            .map(|e| (e, sandbox))
    }
}

/// Antom's sandbox rule, as every official SDK applies it: a client id starting with `SANDBOX_`
/// sends (and signs) the path with the **first** `/ams/api` replaced by `/ams/sandbox/api`.
pub fn sandbox_path<'a>(client_id: &str, path: &'a str) -> Cow<'a, str> {
    if client_id.starts_with("SANDBOX_") {
        if let Some(at) = path.find(LIVE_PREFIX) {
            let mut rewritten = String::with_capacity(path.len() + 8);
            rewritten.push_str(&path[..at]);
            rewritten.push_str(SANDBOX_PREFIX);
            rewritten.push_str(&path[at + LIVE_PREFIX.len()..]);
            return Cow::Owned(rewritten);
        }
    }
    Cow::Borrowed(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_ids_rewrite_only_the_first_occurrence() {
        assert_eq!(
            sandbox_path("SANDBOX_5Y", "/ams/api/v1/payments/pay"),
            "/ams/sandbox/api/v1/payments/pay"
        );
        assert_eq!(
            sandbox_path("SANDBOX_5Y", "/ams/api/x/ams/api"),
            "/ams/sandbox/api/x/ams/api"
        );
        assert_eq!(
            sandbox_path("5YEZ", "/ams/api/v1/payments/pay"),
            "/ams/api/v1/payments/pay"
        );
        assert_eq!(sandbox_path("sandbox_5Y", "/ams/api/v1/a"), "/ams/api/v1/a");
    }

    #[test]
    fn paths_round_trip_in_both_forms() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_path(e.path()), Some((e, false)));
            let sandbox = sandbox_path("SANDBOX_X", e.path());
            assert_eq!(Endpoint::from_path(&sandbox), Some((e, true)));
        }
        assert_eq!(Endpoint::from_path("/ams/api/v1/payments/unknown"), None);
        assert_eq!(Endpoint::Capture.name(), "capture");
    }
}
