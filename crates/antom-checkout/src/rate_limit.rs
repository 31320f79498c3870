//! Request limits for what anyone on the internet can call: `POST /sessions`,
//! `POST /vaulting/sessions`, `/api/cards`, the result page, and failed admin logins.
//!
//! Each limit is a GCRA rate limiter (the `governor` crate) keyed by client IP and, where a
//! buyer cookie names the caller, by buyer. An IPv6 client is keyed by its /64, the smallest
//! block one subscriber usually holds, so that a single attacker cannot mint keys by changing
//! the low bits. The per-key state is bounded: past [`MAX_KEYS`] keys per limiter, stale keys
//! are dropped, and if that is not enough, new keys share one overflow bucket (new clients are
//! then limited together, old ones keep their own budget). The worker sweeps the maps.
//!
//! Failed admin logins are counted per IP; an IP over its budget is refused with 429 before
//! its token is even looked at, so guessing tokens is as slow as the budget.
//!
//! `RATE_LIMITS=off` turns every limit off (load tests on loopback).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, QuantaInstant};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{NotUntil, Quota, RateLimiter};

/// Keys kept per limiter before stale ones are dropped and new ones share a bucket.
pub const MAX_KEYS: usize = 100_000;

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `POST /sessions`.
    Sessions,
    /// `POST /vaulting/sessions`.
    Vaulting,
    /// `/api/cards`.
    Cards,
    /// `GET /checkout/result`.
    ResultPage,
}

impl Limit {
    pub const ALL: [Limit; 4] = [Limit::Sessions, Limit::Vaulting, Limit::Cards, Limit::ResultPage];

    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Sessions => "sessions",
            Limit::Vaulting => "vaulting",
            Limit::Cards => "cards",
            Limit::ResultPage => "result_page",
        }
    }

    /// (per IP, per buyer): requests per minute and burst. A shop's buyers often share an IP
    /// (offices, mobile carriers), so the IP budget is the larger one.
    fn quotas(self) -> (Quota, Option<Quota>) {
        match self {
            Limit::Sessions => (per_minute(300, 60), Some(per_minute(20, 10))),
            Limit::Vaulting => (per_minute(120, 20), Some(per_minute(10, 5))),
            Limit::Cards => (per_minute(600, 60), Some(per_minute(60, 20))),
            Limit::ResultPage => (per_minute(600, 60), None),
        }
    }
}

fn per_minute(rate: u32, burst: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(rate).expect("a positive rate"))
        .allow_burst(NonZeroU32::new(burst).expect("a positive burst"))
}

/// Failed admin logins per IP: 10 a minute, 5 at once.
fn login_quota() -> Quota {
    per_minute(10, 5)
}

/// How long to wait before trying again (the `Retry-After` header, in whole seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    fn from_not_until(not_until: &NotUntil<QuantaInstant>) -> RetryAfter {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        RetryAfter(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max_one()
    }

    fn max_one(self) -> RetryAfter {
        RetryAfter(self.0.max(1))
    }
}

/// A keyed limiter whose key count is bounded.
struct Bounded<K: std::hash::Hash + Eq + Clone> {
    keyed: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>,
    /// Shared by new keys while the map is full.
    overflow: RateLimiter<NotKeyed, InMemoryState, DefaultClock>,
    overflowed: Mutex<u64>,
}

impl<K: std::hash::Hash + Eq + Clone> Bounded<K> {
    fn new(quota: Quota) -> Self {
        Bounded {
            keyed: RateLimiter::keyed(quota),
            overflow: RateLimiter::direct(quota),
            overflowed: Mutex::new(0),
        }
    }

    fn check(&self, key: &K) -> Result<(), RetryAfter> {
        if self.keyed.len() >= MAX_KEYS {
            self.keyed.retain_recent();
            if self.keyed.len() >= MAX_KEYS {
                *self.overflowed.lock().expect("overflow counter") += 1;
                return self.overflow.check().map_err(|n| RetryAfter::from_not_until(&n));
            }
        }
        self.keyed
            .check_key(key)
            .map_err(|n| RetryAfter::from_not_until(&n))
    }

    fn sweep(&self) {
        self.keyed.retain_recent();
        self.keyed.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.keyed.len()
    }
}

/// The key of a client address: IPv4 as is, IPv6 by its /64.
fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

struct Pair {
    by_ip: Bounded<IpAddr>,
    by_buyer: Option<Bounded<String>>,
}

/// Every limit of the server.
pub struct RateLimits {
    enabled: bool,
    pairs: Vec<(Limit, Pair)>,
    login_failures: Bounded<IpAddr>,
    /// IPs over their failed-login budget, until when.
    login_blocked: Mutex<std::collections::HashMap<IpAddr, std::time::Instant>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl RateLimits {
    pub fn new(enabled: bool) -> RateLimits {
        let pairs = Limit::ALL
            .into_iter()
            .map(|limit| {
                let (ip, buyer) = limit.quotas();
                (
                    limit,
                    Pair {
                        by_ip: Bounded::new(ip),
                        by_buyer: buyer.map(Bounded::new),
                    },
                )
            })
            .collect();
        RateLimits {
            enabled,
            pairs,
            login_failures: Bounded::new(login_quota()),
            login_blocked: Mutex::new(std::collections::HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn pair(&self, limit: Limit) -> &Pair {
        &self
            .pairs
            .iter()
            .find(|(l, _)| *l == limit)
            .expect("every limit has its limiters")
            .1
    }

    /// One request of `limit` from `ip` (and `buyer`, when known). Both budgets must allow it.
    pub fn check(&self, limit: Limit, ip: IpAddr, buyer: Option<&str>) -> Result<(), RetryAfter> {
        if !self.enabled {
            return Ok(());
        }
        let pair = self.pair(limit);
        pair.by_ip.check(&ip_key(ip))?;
        if let (Some(by_buyer), Some(buyer)) = (&pair.by_buyer, buyer) {
            by_buyer.check(&buyer.to_owned())?;
        }
        Ok(())
    }

    /// Whether `ip` must wait before its next admin login attempt.
    pub fn login_blocked(&self, ip: IpAddr) -> Option<RetryAfter> {
        if !self.enabled {
            return None;
        }
        let now = std::time::Instant::now();
        let blocked = self.login_blocked.lock().expect("login block list");
        let until = *blocked.get(&ip_key(ip))?;
        (until > now).then(|| RetryAfter((until - now).as_secs() + 1))
    }

    /// Counts a failed admin login from `ip`; past the budget the IP is blocked for a while.
    pub fn login_failed(&self, ip: IpAddr) {
        if !self.enabled {
            return;
        }
        if let Err(RetryAfter(secs)) = self.login_failures.check(&ip_key(ip)) {
            let mut blocked = self.login_blocked.lock().expect("login block list");
            let now = std::time::Instant::now();
            if blocked.len() >= MAX_KEYS {
                blocked.retain(|_, until| *until > now);
            }
            if blocked.len() < MAX_KEYS {
                blocked.insert(ip_key(ip), now + Duration::from_secs(secs));
            }
        }
    }

    /// Drops stale keys (the worker calls this every round).
    pub fn sweep(&self) {
        for (_, pair) in &self.pairs {
            pair.by_ip.sweep();
            if let Some(by_buyer) = &pair.by_buyer {
                by_buyer.sweep();
            }
        }
        self.login_failures.sweep();
        let now = std::time::Instant::now();
        self.login_blocked
            .lock()
            .expect("login block list")
            .retain(|_, until| *until > now);
    }

    /// Keys held, for tests and metrics.
    pub fn keys(&self) -> usize {
        self.pairs
            .iter()
            .map(|(_, p)| p.by_ip.len() + p.by_buyer.as_ref().map_or(0, Bounded::len))
            .sum::<usize>()
            + self.login_failures.len()
    }
}

/// A storage budget per minute for a few kinds of rows (security events): at most
/// [`StorageBudget::PER_MINUTE`] of each kind per minute per process; the rest are only counted.
#[derive(Debug, Default)]
pub struct StorageBudget {
    windows: Mutex<[(i64, u32); StorageBudget::KINDS]>,
}

impl StorageBudget {
    /// Rows of one kind per minute.
    pub const PER_MINUTE: u32 = 60;
    /// How many kinds it keeps apart.
    pub const KINDS: usize = 2;

    /// Takes one unit of `kind`'s budget (0..KINDS) for the minute of `now`; false when spent.
    pub fn admit(&self, kind: usize, now: chrono::DateTime<chrono::Utc>) -> bool {
        let minute = now.timestamp().div_euclid(60);
        let mut windows = self.windows.lock().expect("storage budget");
        let window = &mut windows[kind.min(Self::KINDS - 1)];
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= Self::PER_MINUTE {
            return false;
        }
        window.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buyer_over_budget_is_refused_and_told_when_to_retry() {
        let limits = RateLimits::new(true);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let mut refused = None;
        for _ in 0..11 {
            if let Err(r) = limits.check(Limit::Sessions, ip, Some("buyer-1")) {
                refused = Some(r);
            }
        }
        let RetryAfter(secs) = refused.expect("the 11th request is over the burst of 10");
        assert!((1..=60).contains(&secs), "{secs}");
        assert!(limits.check(Limit::Sessions, ip, Some("buyer-2")).is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let limits = RateLimits::new(true);
        for i in 0..60u16 {
            let ip = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, i));
            assert!(limits.check(Limit::Sessions, ip, None).is_ok());
        }
        let ip = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 9, 9, 9, 9));
        assert!(limits.check(Limit::Sessions, ip, None).is_err());
    }

    #[test]
    fn failed_logins_block_the_ip_after_the_budget() {
        let limits = RateLimits::new(true);
        let ip: IpAddr = "198.51.100.1".parse().unwrap();
        for _ in 0..5 {
            assert!(limits.login_blocked(ip).is_none());
            limits.login_failed(ip);
        }
        limits.login_failed(ip);
        assert!(limits.login_blocked(ip).is_some());
        assert!(limits.login_blocked("198.51.100.2".parse().unwrap()).is_none());
    }

    #[test]
    fn the_storage_budget_is_per_kind_and_per_minute() {
        let budget = StorageBudget::default();
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-12-04T10:00:05Z")
            .unwrap()
            .to_utc();
        for _ in 0..StorageBudget::PER_MINUTE {
            assert!(budget.admit(0, t0));
        }
        assert!(!budget.admit(0, t0));
        assert!(budget.admit(1, t0));
        assert!(budget.admit(0, t0 + chrono::Duration::seconds(60)));
    }

    #[test]
    fn off_means_off() {
        let limits = RateLimits::new(false);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..1000 {
            assert!(limits.check(Limit::Sessions, ip, Some("b")).is_ok());
            limits.login_failed(ip);
        }
        assert!(limits.login_blocked(ip).is_none());
    }
}
