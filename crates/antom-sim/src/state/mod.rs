//! The simulator's memory: everything Antom would keep about this merchant.
//!
//! One `State` behind one `Mutex` (see `Sim::with_state`): every API call, buyer action and timer
//! is a short synchronous transaction on it, never holding the lock across an `.await`. Records
//! are plain data; the rules that move them live in `lifecycle`.

mod ledger;
mod log;
mod payment;
mod vaulting;

use std::collections::HashMap;

use std::fmt;

use antom_client::model::Sensitive;
use antom_client::ResultInfo;

pub use ledger::{Capture, Refund, Settlement, TxStatus};
pub use log::{RequestLog, RequestRecord};
pub use payment::{BuyerSession, Payment, Stage, UsedCard};
pub use vaulting::{PendingCard, VaultStage, VaultedCard, Vaulting};

/// What a hosted-page session id opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionTarget {
    /// By `paymentId`.
    Payment(String),
    /// By `vaultingRequestId`.
    Vaulting(String),
}

/// Namespaces of idempotency keys refused without a record: `paymentRequestId` (pay),
/// `captureRequestId`, `refundRequestId`. (Vaulting requests always create a record.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Payment,
    Capture,
    Refund,
}

/// A final failure answered for an idempotency key without creating a record (e.g. a capture
/// over the limit): the same request gets the same answer, a different one is inconsistent.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub fingerprint: Fingerprint,
    pub result: ResultInfo,
}

#[derive(Debug, Default)]
pub struct State {
    /// By `paymentId`.
    pub payments: HashMap<String, Payment>,
    /// `paymentRequestId` → `paymentId`.
    pub payment_ids: HashMap<String, String>,
    /// Hosted-page session id → payment or vaulting.
    pub sessions: HashMap<String, SessionTarget>,
    /// In creation order (the order of inquiry `transactions`).
    pub captures: Vec<Capture>,
    pub refunds: Vec<Refund>,
    /// By `vaultingRequestId`.
    pub vaultings: HashMap<String, Vaulting>,
    /// By `cardToken`.
    pub cards: HashMap<Sensitive, VaultedCard>,
    pub rejections: HashMap<(Scope, String), Rejection>,
    pub requests: RequestLog,
}

impl State {
    /// By `paymentId` if given (Antom's preference), else by `paymentRequestId`.
    pub fn find_payment(&self, payment_id: Option<&str>, request_id: Option<&str>) -> Option<&Payment> {
        match (payment_id, request_id) {
            (Some(id), _) => self.payments.get(id),
            (None, Some(request_id)) => self
                .payment_ids
                .get(request_id)
                .and_then(|id| self.payments.get(id)),
            (None, None) => None,
        }
    }

    pub fn payment_by_request_id(&self, request_id: &str) -> Option<&Payment> {
        self.find_payment(None, Some(request_id))
    }

    pub fn payment_mut(&mut self, payment_id: &str) -> Option<&mut Payment> {
        self.payments.get_mut(payment_id)
    }

    pub fn insert_payment(&mut self, payment: Payment) {
        self.payment_ids
            .insert(payment.request_id.clone(), payment.id.clone());
        if let Some(session) = &payment.session {
            self.sessions
                .insert(session.id.clone(), SessionTarget::Payment(payment.id.clone()));
        }
        self.payments.insert(payment.id.clone(), payment);
    }

    pub fn capture_by_request_id(&self, request_id: &str) -> Option<&Capture> {
        self.captures.iter().find(|c| c.request_id == request_id)
    }

    pub fn captures_of<'a>(&'a self, payment_id: &'a str) -> impl Iterator<Item = &'a Capture> + 'a {
        self.captures.iter().filter(move |c| c.payment_id == payment_id)
    }

    pub fn refund_by_request_id(&self, request_id: &str) -> Option<&Refund> {
        self.refunds.iter().find(|r| r.request_id == request_id)
    }

    /// By `refundId` if given (Antom's preference), else by `refundRequestId`.
    pub fn find_refund(&self, refund_id: Option<&str>, request_id: Option<&str>) -> Option<&Refund> {
        match (refund_id, request_id) {
            (Some(id), _) => self.refunds.iter().find(|r| r.id == id),
            (None, Some(request_id)) => self.refund_by_request_id(request_id),
            (None, None) => None,
        }
    }

    pub fn refunds_of<'a>(&'a self, payment_id: &'a str) -> impl Iterator<Item = &'a Refund> + 'a {
        self.refunds.iter().filter(move |r| r.payment_id == payment_id)
    }

    /// Σ captures that succeeded: what can be refunded.
    pub fn captured_minor(&self, payment_id: &str) -> i64 {
        self.captures_of(payment_id)
            .filter(|c| c.status.is_success())
            .map(Capture::minor)
            .sum()
    }

    /// Σ captures that succeeded or may still succeed: what counts against the authorization.
    pub fn committed_capture_minor(&self, payment_id: &str) -> i64 {
        self.captures_of(payment_id)
            .filter(|c| !c.status.is_failed())
            .map(Capture::minor)
            .sum()
    }

    /// Σ refunds that succeeded or may still succeed.
    pub fn committed_refund_minor(&self, payment_id: &str) -> i64 {
        self.refunds_of(payment_id)
            .filter(|r| !r.status.is_failed())
            .map(Refund::minor)
            .sum()
    }

    pub fn insert_vaulting(&mut self, vaulting: Vaulting) {
        if let Some(session) = &vaulting.session {
            self.sessions.insert(
                session.id.clone(),
                SessionTarget::Vaulting(vaulting.request_id.clone()),
            );
        }
        self.vaultings.insert(vaulting.request_id.clone(), vaulting);
    }

    /// The stored failure for a key, if the same key was refused before.
    pub fn rejection(&self, scope: Scope, key: &str) -> Option<&Rejection> {
        self.rejections.get(&(scope, key.to_owned()))
    }

    pub fn reject(&mut self, scope: Scope, key: &str, fingerprint: Fingerprint, result: ResultInfo) {
        self.rejections
            .insert((scope, key.to_owned()), Rejection { fingerprint, result });
    }
}

/// The key fields of a request, compared on a repeated idempotency key (not the whole body:
/// SDKs format bodies differently). It may hold a card token or part of a card number, so
/// `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(..)")
    }
}

pub fn fingerprint(parts: &[&str]) -> Fingerprint {
    Fingerprint(parts.join("\u{1f}"))
}
