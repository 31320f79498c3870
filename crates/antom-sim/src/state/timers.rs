//! The pending timers, by deadline: what `lifecycle::sweep` fires.
//!
//! The index holds exactly one entry per record that is waiting for a timed transition (the
//! close of a payment left unfinished, a settling payment, capture or refund, an open vaulting
//! session's expiry, a settling vaulting), keyed by its deadline. Records are only inserted and changed
//! through `State`, which calls [`Timers::track`] around every change, so a record that leaves
//! its timed stage (paid, cancelled, settled) drops out at once and one that enters one is
//! scheduled: finding what is due costs O(log n) per due timer, however many sessions are open.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

/// The record a timer belongs to. Which transition it fires is read from the record when it is
/// due. The order of the variants is the order of timers due at the same instant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// By `paymentId`: closes an unfinished payment, or lands a settling result.
    Payment(String),
    /// By index in the captures: a processing capture settles.
    Capture(usize),
    /// By index in the refunds: a processing refund settles.
    Refund(usize),
    /// By `vaultingRequestId`: an open session expires, or a settling card is vaulted.
    Vaulting(String),
}

/// A record that may be waiting for a timed transition.
pub trait Timed {
    /// When its timed transition is due, if it is waiting for one.
    fn deadline(&self) -> Option<DateTime<Utc>>;
}

#[derive(Debug, Default)]
pub struct Timers {
    /// By deadline, then record.
    queue: BTreeSet<(DateTime<Utc>, Timer)>,
}

impl Timers {
    /// Schedules a new record's timer, if it has a deadline.
    pub fn add(&mut self, timer: impl FnOnce() -> Timer, record: &impl Timed) {
        self.moved(timer, None, record.deadline());
    }

    /// Runs `change` on `record` and moves the record's timer if its deadline changed: the one
    /// way a stored record changes.
    pub fn track<T: Timed, R>(
        &mut self,
        timer: impl FnOnce() -> Timer,
        record: &mut T,
        change: impl FnOnce(&mut T) -> R,
    ) -> R {
        let before = record.deadline();
        let result = change(record);
        self.moved(timer, before, record.deadline());
        result
    }

    fn moved(
        &mut self,
        timer: impl FnOnce() -> Timer,
        before: Option<DateTime<Utc>>,
        after: Option<DateTime<Utc>>,
    ) {
        if before == after {
            return;
        }
        let timer = timer();
        if let Some(at) = before {
            self.queue.remove(&(at, timer.clone()));
        }
        if let Some(at) = after {
            self.queue.insert((at, timer));
        }
    }

    /// The earliest deadline.
    pub fn first(&self) -> Option<DateTime<Utc>> {
        self.queue.first().map(|(at, _)| *at)
    }

    /// The timers due at `now`, oldest first. They stay scheduled until their transition
    /// changes their record.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Timer)> {
        self.queue
            .iter()
            .take_while(|(at, _)| *at <= now)
            .cloned()
            .collect()
    }

    /// Every scheduled timer, in order.
    #[cfg(test)]
    pub fn all(&self) -> impl Iterator<Item = &(DateTime<Utc>, Timer)> {
        self.queue.iter()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    struct Record(Option<DateTime<Utc>>);

    impl Timed for Record {
        fn deadline(&self) -> Option<DateTime<Utc>> {
            self.0
        }
    }

    #[test]
    fn a_record_has_one_entry_at_its_current_deadline() {
        let t0 = Utc::now();
        let mut timers = Timers::default();
        let mut record = Record(Some(t0 + TimeDelta::seconds(10)));
        let timer = || Timer::Payment("p".into());
        timers.add(timer, &record);
        timers.track(timer, &mut record, |r| r.0 = Some(t0 + TimeDelta::seconds(5)));
        assert_eq!(timers.all().count(), 1);
        assert_eq!(timers.first(), Some(t0 + TimeDelta::seconds(5)));
        assert!(timers.due(t0).is_empty());
        assert_eq!(
            timers.due(t0 + TimeDelta::seconds(5)),
            vec![(t0 + TimeDelta::seconds(5), timer())]
        );

        timers.track(timer, &mut record, |r| r.0 = None);
        assert_eq!(timers.all().count(), 0);
        assert_eq!(timers.first(), None);
    }

    #[test]
    fn due_timers_come_oldest_first() {
        let t0 = Utc::now();
        let mut timers = Timers::default();
        for (i, secs) in [30, 10, 20, 40].into_iter().enumerate() {
            timers.add(|| Timer::Capture(i), &Record(Some(t0 + TimeDelta::seconds(secs))));
        }
        let due: Vec<Timer> = timers
            .due(t0 + TimeDelta::seconds(30))
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(due, [Timer::Capture(1), Timer::Capture(2), Timer::Capture(0)]);
    }
}
