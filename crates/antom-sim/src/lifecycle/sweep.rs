//! Timed transitions: unfinished payments closing, processing payments/captures/refunds
//! settling, vaulting sessions expiring. `sweep` applies every one that is due, oldest first; it runs at
//! the start of every transaction (so `clock/advance` takes effect on the next request) and
//! from the scheduler, which sleeps until `next_deadline`. Both read the state's timer index,
//! so they cost O(log n) per due timer, not a scan of every open session.

use chrono::{DateTime, Utc};

use crate::state::{Stage, State, Timer, VaultStage};

use super::tx::Tx;
use super::{capture, payment, refund, vaulting};

/// The earliest pending deadline, for the scheduler.
pub fn next_deadline(st: &State) -> Option<DateTime<Utc>> {
    st.next_deadline()
}

/// Applies every timer due at the start of the sweep, oldest first. Each fires only if its
/// record still waits for that deadline when its turn comes.
pub fn sweep(tx: &mut Tx<'_>) {
    for (at, timer) in tx.st.due_timers(tx.now) {
        if tx.st.deadline_of(&timer) == Some(at) {
            fire(tx, &timer);
        }
    }
}

/// The transition a due timer stands for, read from its record.
fn fire(tx: &mut Tx<'_>, timer: &Timer) {
    match timer {
        Timer::Payment(id) => match tx.st.payments().get(id).map(|p| &p.stage) {
            Some(Stage::Settling { outcome, .. }) => {
                let outcome = *outcome;
                payment::settle(tx, id, outcome);
            }
            Some(Stage::AwaitingChallenge) => payment::close_unpaid(tx, id),
            Some(
                Stage::AwaitingCard | Stage::Authorized | Stage::Failed { .. } | Stage::Cancelled { .. },
            )
            | None => {}
        },
        Timer::Capture(index) => capture::settle(tx, *index),
        Timer::Refund(index) => refund::settle(tx, *index),
        Timer::Vaulting(id) => match tx.st.vaultings().get(id).map(|v| &v.stage) {
            Some(VaultStage::Settling { card, .. }) => {
                let card = card.clone();
                vaulting::vault(tx, id, card);
            }
            Some(VaultStage::AwaitingCard | VaultStage::AwaitingChallenge { .. } | VaultStage::Stranded) => {
                vaulting::expire(tx, id)
            }
            _ => {}
        },
    }
}
