//! The rules that move records: authorize, decline, close, cancel, capture, refund, vault,
//! settle what was left processing. Each function is one step of Antom's state machine on an
//! open [`Tx`]; the notifications a step causes go into the transaction's outbox and are sent
//! after the lock is released (an API answer never waits for a webhook).

pub mod capture;
pub mod payment;
pub mod refund;
mod sweep;
pub mod vaulting;

use antom_client::model::Notification;
use chrono::{DateTime, Utc};

use crate::clock::SimClock;
use crate::state::State;

pub use sweep::{next_deadline, sweep};

/// One notification to send once the transaction is over.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    pub body: Notification,
}

/// An open transaction on the state: the lock is held for its whole life.
#[derive(Debug)]
pub struct Tx<'a> {
    pub st: &'a mut State,
    /// Simulated now, fixed for the transaction.
    pub now: DateTime<Utc>,
    pub clock: &'a SimClock,
    /// How browsers reach the simulator (hosted pages, session data).
    pub base_url: &'a str,
    pub outbox: Vec<Outgoing>,
}

impl Tx<'_> {
    /// Queues a notification; without a URL (no Dashboard here) nothing is sent.
    pub fn notify(&mut self, url: Option<&str>, body: Notification) {
        if let Some(url) = url {
            self.outbox.push(Outgoing {
                url: url.to_owned(),
                body,
            });
        }
    }

    /// `now + scaled(nominal)`.
    pub fn deadline(&self, nominal: std::time::Duration) -> DateTime<Utc> {
        self.clock.after(self.now, nominal)
    }
}

/// How a 3-D Secure challenge is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreeDs {
    /// The buyer passes it (control API, default).
    Pass,
    /// The buyer fails it.
    Fail,
    /// Show the challenge page and wait for the buyer (hosted form, pay with a token).
    Interactive,
}
