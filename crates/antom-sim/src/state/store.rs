//! `State`, the one record store behind the simulator's lock, and the index of hosted-page
//! sessions. Inserting and changing payments, vaultings, captures and refunds goes through
//! its methods, which keep the timer index in step with the records.

use std::collections::HashMap;

use antom_client::model::Sensitive;
use antom_client::ResultInfo;
use chrono::{DateTime, Utc};

use super::bodies::RequestBodies;
use super::entries::Entries;
use super::fingerprint::Fingerprint;
use super::ledger::{Capture, Refund};
use super::log::RequestLog;
use super::payment::Payment;
use super::rejection::{Rejection, Scope};
use super::timers::{Timed, Timer, Timers};
use super::vaulting::{VaultedCard, Vaulting};

/// What a hosted-page session id opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionTarget {
    /// By `paymentId`.
    Payment(String),
    /// By `vaultingRequestId`.
    Vaulting(String),
}

#[derive(Debug, Default)]
pub struct State {
    /// By `paymentId`.
    payments: HashMap<String, Payment>,
    /// `paymentRequestId` → `paymentId`.
    pub payment_ids: HashMap<String, String>,
    /// Hosted-page session id → payment or vaulting.
    pub sessions: HashMap<String, SessionTarget>,
    /// In creation order (the order of inquiry `transactions`), by index.
    captures: Entries<Capture>,
    refunds: Entries<Refund>,
    /// By `vaultingRequestId`.
    vaultings: HashMap<String, Vaulting>,
    /// The deadline of every record waiting for a timed transition.
    timers: Timers,
    /// By `cardToken`.
    pub cards: HashMap<Sensitive, VaultedCard>,
    pub rejections: HashMap<(Scope, String), Rejection>,
    pub requests: RequestLog,
    /// Every body each idempotency key arrived with (`GET /__sim/ledger`).
    pub bodies: RequestBodies,
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

    /// By `paymentId`.
    pub fn payments(&self) -> &HashMap<String, Payment> {
        &self.payments
    }

    pub fn insert_payment(&mut self, payment: Payment) {
        self.payment_ids
            .insert(payment.request_id.clone(), payment.id.clone());
        if let Some(session) = &payment.session {
            self.sessions
                .insert(session.id.clone(), SessionTarget::Payment(payment.id.clone()));
        }
        self.timers.add(|| Timer::Payment(payment.id.clone()), &payment);
        self.payments.insert(payment.id.clone(), payment);
    }

    /// Changes a payment (its stage, its card…); `None` if there is no such payment.
    pub fn update_payment<R>(
        &mut self,
        payment_id: &str,
        change: impl FnOnce(&mut Payment) -> R,
    ) -> Option<R> {
        let payment = self.payments.get_mut(payment_id)?;
        let timer = || Timer::Payment(payment_id.to_owned());
        Some(self.timers.track(timer, payment, change))
    }

    /// Captures in creation order.
    pub fn captures(&self) -> &Entries<Capture> {
        &self.captures
    }

    /// Records a new capture; returns its index.
    pub fn push_capture(&mut self, capture: Capture) -> usize {
        let index = self.captures.push(capture);
        self.timers.add(|| Timer::Capture(index), &self.captures[index]);
        index
    }

    pub fn update_capture<R>(&mut self, index: usize, change: impl FnOnce(&mut Capture) -> R) -> Option<R> {
        let capture = self.captures.get_mut(index)?;
        Some(self.timers.track(|| Timer::Capture(index), capture, change))
    }

    /// Refunds in creation order.
    pub fn refunds(&self) -> &Entries<Refund> {
        &self.refunds
    }

    /// Records a new refund; returns its index.
    pub fn push_refund(&mut self, refund: Refund) -> usize {
        let index = self.refunds.push(refund);
        self.timers.add(|| Timer::Refund(index), &self.refunds[index]);
        index
    }

    pub fn update_refund<R>(&mut self, index: usize, change: impl FnOnce(&mut Refund) -> R) -> Option<R> {
        let refund = self.refunds.get_mut(index)?;
        Some(self.timers.track(|| Timer::Refund(index), refund, change))
    }

    pub fn capture_by_request_id(&self, request_id: &str) -> Option<&Capture> {
        self.captures.by_request_id(request_id)
    }

    /// A payment's captures, oldest first.
    pub fn captures_of<'a>(&'a self, payment_id: &str) -> impl Iterator<Item = &'a Capture> + 'a {
        self.captures.of_payment(payment_id)
    }

    pub fn refund_by_request_id(&self, request_id: &str) -> Option<&Refund> {
        self.refunds.by_request_id(request_id)
    }

    /// By `refundId` if given (Antom's preference), else by `refundRequestId`.
    pub fn find_refund(&self, refund_id: Option<&str>, request_id: Option<&str>) -> Option<&Refund> {
        match (refund_id, request_id) {
            (Some(id), _) => self.refunds.by_id(id),
            (None, Some(request_id)) => self.refund_by_request_id(request_id),
            (None, None) => None,
        }
    }

    /// A payment's refunds, oldest first.
    pub fn refunds_of<'a>(&'a self, payment_id: &str) -> impl Iterator<Item = &'a Refund> + 'a {
        self.refunds.of_payment(payment_id)
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

    /// By `vaultingRequestId`.
    pub fn vaultings(&self) -> &HashMap<String, Vaulting> {
        &self.vaultings
    }

    pub fn insert_vaulting(&mut self, vaulting: Vaulting) {
        if let Some(session) = &vaulting.session {
            self.sessions.insert(
                session.id.clone(),
                SessionTarget::Vaulting(vaulting.request_id.clone()),
            );
        }
        self.timers
            .add(|| Timer::Vaulting(vaulting.request_id.clone()), &vaulting);
        self.vaultings.insert(vaulting.request_id.clone(), vaulting);
    }

    /// Changes a vaulting; `None` if there is no such vaulting.
    pub fn update_vaulting<R>(
        &mut self,
        request_id: &str,
        change: impl FnOnce(&mut Vaulting) -> R,
    ) -> Option<R> {
        let vaulting = self.vaultings.get_mut(request_id)?;
        let timer = || Timer::Vaulting(request_id.to_owned());
        Some(self.timers.track(timer, vaulting, change))
    }

    /// The earliest pending deadline.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.timers.first()
    }

    /// The timers due at `now`, oldest first (they stay scheduled until they fire).
    pub fn due_timers(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Timer)> {
        self.timers.due(now)
    }

    /// The deadline `timer`'s record is waiting for now; a due timer whose record has moved
    /// on since it was taken does nothing.
    pub fn deadline_of(&self, timer: &Timer) -> Option<DateTime<Utc>> {
        match timer {
            Timer::Payment(id) => self.payments.get(id).and_then(Timed::deadline),
            Timer::Capture(index) => self.captures.get(*index).and_then(Timed::deadline),
            Timer::Refund(index) => self.refunds.get(*index).and_then(Timed::deadline),
            Timer::Vaulting(id) => self.vaultings.get(id).and_then(Timed::deadline),
        }
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

#[cfg(test)]
impl State {
    /// Panics unless the timer index holds exactly the deadline of every record waiting for one
    /// (what a scan of all records finds).
    pub fn assert_timers_in_step(&self) {
        let payments = self
            .payments
            .values()
            .filter_map(|p| p.deadline().map(|at| (at, Timer::Payment(p.id.clone()))));
        let captures =
            (self.captures.iter()).filter_map(|(i, c)| c.deadline().map(|at| (at, Timer::Capture(i))));
        let refunds =
            (self.refunds.iter()).filter_map(|(i, r)| r.deadline().map(|at| (at, Timer::Refund(i))));
        let vaultings = self
            .vaultings
            .values()
            .filter_map(|v| v.deadline().map(|at| (at, Timer::Vaulting(v.request_id.clone()))));
        let mut scanned: Vec<_> = payments.chain(captures).chain(refunds).chain(vaultings).collect();
        scanned.sort();
        let indexed: Vec<_> = self.timers.all().cloned().collect();
        assert_eq!(
            indexed, scanned,
            "the timer index is out of step with the records"
        );
    }

    /// How many timers are scheduled.
    pub fn timer_count(&self) -> usize {
        self.timers.all().count()
    }
}
