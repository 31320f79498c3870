//! Idempotency keys refused without a record (a capture over the limit, a pay with an unknown
//! token, a spent vaultingRequestId): the stored answer, so a repeated request gets the same
//! one.

use antom_client::ResultInfo;

use super::fingerprint::Fingerprint;

/// Namespaces of idempotency keys refused without a record: `paymentRequestId` (pay),
/// `captureRequestId`, `refundRequestId`, and the `vaultingRequestId` of a vaultPaymentMethod
/// answered `UNKNOWN_EXCEPTION` (a spent id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Payment,
    Capture,
    Refund,
    Vaulting,
}

/// A final failure answered for an idempotency key without creating a record (e.g. a capture
/// over the limit): the same request gets the same answer, a different one is inconsistent.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub fingerprint: Fingerprint,
    pub result: ResultInfo,
}
