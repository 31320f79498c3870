//! The one clock all simulated time runs through.
//!
//! Simulated time is the wall clock plus an offset that only moves forward
//! (`POST /__sim/clock/advance`), so tests can jump past a 7-day authorization without waiting.
//! Every delay Antom would apply (authorization validity, order close, notification retries,
//! processing delays) is a *nominal* duration from [`nominal`], multiplied by
//! `SIMULATOR_TIME_SCALE` through [`SimClock::scaled`]: at scale 0.001 the 14-minute order close
//! happens after 0.84 s. Deadlines are stored as simulated instants; the scheduler sleeps in real
//! time until the next one, and every request re-checks them, so an advance takes effect on the
//! next request even if no timer is due.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::sync::lock;

/// Antom's durations before scaling.
pub mod nominal {
    use std::time::Duration;

    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;

    /// A card authorization can be captured for 7 days (`authExpiryTime`).
    pub const AUTH_VALIDITY: Duration = Duration::from_secs(7 * DAY);
    /// A card authorization can be cancelled for 7 days after it.
    pub const CANCEL_WINDOW: Duration = Duration::from_secs(7 * DAY);
    /// An order the buyer has not paid is closed after about 14 minutes.
    pub const UNPAID_CLOSE: Duration = Duration::from_secs(14 * MINUTE);
    /// Payment and vaulting session data is valid for one hour (also the maximum allowed).
    pub const SESSION_VALIDITY: Duration = Duration::from_secs(HOUR);
    /// The "processing" test card settles after 30 seconds.
    pub const PROCESSING_CARD: Duration = Duration::from_secs(30);
    /// Asynchronous results (`*_IN_PROCESS`, failing captures) settle "within 3–5 s".
    pub const ASYNC_SETTLE: Duration = Duration::from_secs(3);
    /// Gaps between notification attempts after the first: 2 min, 10 min, 10 min, 1 h, 2 h, 6 h,
    /// 15 h (8 attempts in all).
    pub const NOTIFICATION_RETRIES: [Duration; 7] = [
        Duration::from_secs(2 * MINUTE),
        Duration::from_secs(10 * MINUTE),
        Duration::from_secs(10 * MINUTE),
        Duration::from_secs(HOUR),
        Duration::from_secs(2 * HOUR),
        Duration::from_secs(6 * HOUR),
        Duration::from_secs(15 * HOUR),
    ];
}

/// Wall clock + forward offset, with the configured time scale.
#[derive(Debug)]
pub struct SimClock {
    scale: f64,
    offset: Mutex<TimeDelta>,
}

impl SimClock {
    /// `scale` must be finite and positive (checked by the configuration).
    pub fn new(scale: f64) -> Self {
        SimClock {
            scale,
            offset: Mutex::new(TimeDelta::zero()),
        }
    }

    /// Simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + *lock(&self.offset)
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// `nominal × SIMULATOR_TIME_SCALE`.
    pub fn scaled(&self, nominal: Duration) -> Duration {
        Duration::try_from_secs_f64(nominal.as_secs_f64() * self.scale).unwrap_or(Duration::MAX)
    }

    /// `now + scaled(nominal)`.
    pub fn deadline(&self, nominal: Duration) -> DateTime<Utc> {
        self.after(self.now(), nominal)
    }

    /// `from + scaled(nominal)`. Transactions use `Tx::deadline`, which is this from the
    /// transaction's fixed now, so the times written in one step agree with each other.
    pub fn after(&self, from: DateTime<Utc>, nominal: Duration) -> DateTime<Utc> {
        add(from, self.scaled(nominal))
    }

    /// Moves simulated time forward; returns the new now.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        {
            let mut offset = lock(&self.offset);
            *offset = offset
                .checked_add(&TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX))
                .unwrap_or(TimeDelta::MAX);
        }
        self.now()
    }

    /// How far simulated time is ahead of the wall clock.
    pub fn offset(&self) -> Duration {
        lock(&self.offset).to_std().unwrap_or_default()
    }

    /// Back to the wall clock (`POST /__sim/reset`).
    pub fn reset(&self) {
        *lock(&self.offset) = TimeDelta::zero();
    }

    /// Real time to sleep until the simulated instant `at` (zero when it has passed).
    pub fn until(&self, at: DateTime<Utc>) -> Duration {
        (at - self.now()).to_std().unwrap_or_default()
    }
}

/// `at + by`, saturating instead of panicking on absurd durations.
pub fn add(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_multiplies_nominal_durations() {
        let clock = SimClock::new(0.001);
        assert_eq!(clock.scaled(nominal::UNPAID_CLOSE), Duration::from_millis(840));
        assert_eq!(
            SimClock::new(1.0).scaled(nominal::PROCESSING_CARD),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn advancing_moves_now_and_deadlines() {
        let clock = SimClock::new(1.0);
        let before = clock.now();
        let deadline = clock.after(before, nominal::AUTH_VALIDITY);
        clock.advance(Duration::from_secs(8 * 24 * 3600));
        assert!(clock.now() > deadline);
        assert!(clock.now() - before >= TimeDelta::days(8));
        assert_eq!(clock.until(deadline), Duration::ZERO);
        clock.reset();
        assert!(clock.now() < deadline);
    }

    #[test]
    fn absurd_durations_saturate() {
        let clock = SimClock::new(1000.0);
        assert!(clock.after(clock.now(), Duration::MAX) > clock.now());
    }
}
