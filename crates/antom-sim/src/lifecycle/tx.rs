//! The open transaction every lifecycle step runs in: the locked state, one fixed simulated
//! now, and the outbox of notifications to send once the lock is released. Kept apart from the
//! steps so each step module and the callers that open transactions (`Sim`, the API handlers)
//! share it without depending on each other.

use antom_client::model::Notification;
use chrono::{DateTime, Utc};

use crate::clock::SimClock;
use crate::state::State;

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
    /// The merchant's `clientId` (this simulator plays one merchant): written into session data.
    pub client_id: &'a str,
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
