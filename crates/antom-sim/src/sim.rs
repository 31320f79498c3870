//! The shared core every route works on: keys, clock, state, faults, merchant settings,
//! notifier, and the
//! scheduler that fires timers and starts notification attempts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use antom_client::model::NotifyType;
use antom_client::{PrivateKey, PublicKey};
use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};

use crate::clock::SimClock;
use crate::faults::Faults;
use crate::lifecycle::{self, Tx};
use crate::merchant::Merchant;
use crate::notifier::Notifier;
use crate::state::State;
use crate::sync::lock;

/// The scheduler re-checks at least this often, whatever the deadlines say.
const IDLE_CHECK: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Sim {
    pub client_id: String,
    pub merchant_key: PublicKey,
    pub antom_key: PrivateKey,
    /// How browsers and SDK pages reach the simulator, without a trailing slash.
    pub base_url: String,
    pub clock: SimClock,
    pub faults: Mutex<Faults>,
    /// The merchant's contract settings (`POST /__sim/merchant`).
    pub merchant: Mutex<Merchant>,
    pub notifier: Notifier,
    state: Mutex<State>,
    wake: Notify,
}

impl Sim {
    pub fn new(
        client_id: String,
        merchant_key: PublicKey,
        antom_key: PrivateKey,
        base_url: String,
        clock: SimClock,
    ) -> Result<Self, reqwest::Error> {
        let notifier = Notifier::new(antom_key.clone(), client_id.clone())?;
        Ok(Sim {
            client_id,
            merchant_key,
            antom_key,
            base_url,
            clock,
            faults: Mutex::new(Faults::default()),
            merchant: Mutex::new(Merchant::default()),
            notifier,
            state: Mutex::new(State::default()),
            wake: Notify::new(),
        })
    }

    /// Runs `f` as one transaction on the state: due timers first (so a clock advance takes
    /// effect now), then `f`; the notifications it caused are queued after the lock is
    /// released, and the scheduler is woken to send them and to re-plan its timers.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut Tx<'_>) -> R) -> R {
        let result = self.transact(f);
        self.wake.notify_one();
        result
    }

    fn transact<R>(&self, f: impl FnOnce(&mut Tx<'_>) -> R) -> R {
        let now = self.clock.now();
        let (result, outbox) = {
            let mut state = lock(&self.state);
            let mut tx = Tx {
                st: &mut state,
                now,
                clock: &self.clock,
                base_url: &self.base_url,
                client_id: &self.client_id,
                outbox: Vec::new(),
            };
            lifecycle::sweep(&mut tx);
            let result = f(&mut tx);
            (result, tx.outbox)
        };
        if !outbox.is_empty() {
            let batch = {
                let mut faults = lock(&self.faults);
                outbox
                    .into_iter()
                    .map(|o| {
                        let kind = o.body.notify_type().unwrap_or(NotifyType::VaultingResult);
                        let fault = faults.take_notification(&kind);
                        (o, fault)
                    })
                    .collect()
            };
            if self.notifier.enqueue(batch, now) {
                self.notifier.release_held(now);
            }
        }
        result
    }

    /// Releases notifications held by the reorder fault.
    pub fn release_held_notifications(&self) {
        self.notifier.release_held(self.clock.now());
        self.wake.notify_one();
    }

    /// `POST /__sim/reset`: forget everything, back to the wall clock.
    pub fn reset(&self) {
        *lock(&self.state) = State::default();
        lock(&self.faults).clear();
        *lock(&self.merchant) = Merchant::default();
        self.notifier.reset();
        self.clock.reset();
        self.wake.notify_one();
    }

    /// `POST /__sim/clock/advance`: due timers run at once.
    pub fn advance_clock(&self, by: Duration) -> DateTime<Utc> {
        let now = self.clock.advance(by);
        self.with_state(|_| ());
        now
    }

    /// One scheduler step: fire due timers, start due notification attempts (each in its own
    /// task, which wakes the scheduler when done); returns the next deadline.
    fn tick(self: &Arc<Self>) -> Option<DateTime<Utc>> {
        let next_timer = self.transact(|tx| lifecycle::next_deadline(tx.st));
        let (due, next_attempt) = self.notifier.take_due(self.clock.now());
        for due in due {
            let sim = Arc::clone(self);
            tokio::spawn(async move {
                sim.notifier.deliver(due, &sim.clock).await;
                sim.wake.notify_one();
            });
        }
        [next_timer, next_attempt].into_iter().flatten().min()
    }

    /// The scheduler: sleeps (real time) until the next simulated deadline, or until woken by
    /// a transaction or a finished attempt; stops when `shutdown` changes.
    pub async fn run_scheduler(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            let next = self.tick();
            let sleep = next.map_or(IDLE_CHECK, |at| self.clock.until(at).min(IDLE_CHECK));
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = self.wake.notified() => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
