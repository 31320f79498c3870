//! Timed transitions: unpaid orders closing, processing payments/captures/refunds settling,
//! vaulting sessions expiring. `sweep` applies every one that is due, oldest first; it runs at
//! the start of every transaction (so `clock/advance` takes effect on the next request) and
//! from the scheduler, which sleeps until `next_deadline`.

use chrono::{DateTime, Utc};

use crate::state::{PendingCard, Settlement, Stage, State, VaultStage};

use super::{capture, payment, refund, vaulting, Tx};

#[derive(Debug, Clone)]
enum Timer {
    ClosePayment(String),
    SettlePayment(String, Settlement),
    SettleCapture(usize),
    SettleRefund(usize),
    ExpireVaulting(String),
    SettleVaulting(String, PendingCard),
}

/// Every pending timer with its deadline.
fn timers(st: &State) -> Vec<(DateTime<Utc>, Timer)> {
    let mut timers = Vec::new();
    for p in st.payments.values() {
        match &p.stage {
            stage if stage.awaits_buyer() => timers.push((p.close_at, Timer::ClosePayment(p.id.clone()))),
            Stage::Settling { at, outcome } => {
                timers.push((*at, Timer::SettlePayment(p.id.clone(), *outcome)))
            }
            _ => {}
        }
    }
    for (i, c) in st.captures.iter().enumerate() {
        if let Some(at) = c.status.settle_at() {
            timers.push((at, Timer::SettleCapture(i)));
        }
    }
    for (i, r) in st.refunds.iter().enumerate() {
        if let Some(at) = r.status.settle_at() {
            timers.push((at, Timer::SettleRefund(i)));
        }
    }
    for v in st.vaultings.values() {
        match (&v.stage, &v.session) {
            (VaultStage::AwaitingCard | VaultStage::AwaitingChallenge { .. }, Some(session)) => {
                timers.push((session.expires_at, Timer::ExpireVaulting(v.request_id.clone())))
            }
            (VaultStage::Settling { at, card }, _) => {
                timers.push((*at, Timer::SettleVaulting(v.request_id.clone(), card.clone())))
            }
            _ => {}
        }
    }
    timers
}

/// The earliest pending deadline, for the scheduler.
pub fn next_deadline(st: &State) -> Option<DateTime<Utc>> {
    timers(st).into_iter().map(|(at, _)| at).min()
}

/// Applies every due timer, oldest first.
pub fn sweep(tx: &mut Tx<'_>) {
    let mut due: Vec<_> = timers(tx.st)
        .into_iter()
        .filter(|(at, _)| *at <= tx.now)
        .collect();
    due.sort_by_key(|(at, _)| *at);
    for (_, timer) in due {
        match timer {
            Timer::ClosePayment(id) => payment::close_unpaid(tx, &id),
            Timer::SettlePayment(id, outcome) => payment::settle(tx, &id, outcome),
            Timer::SettleCapture(index) => capture::settle(tx, index),
            Timer::SettleRefund(index) => refund::settle(tx, index),
            Timer::ExpireVaulting(id) => vaulting::expire(tx, &id),
            Timer::SettleVaulting(id, card) => vaulting::vault(tx, &id, card),
        }
    }
}
