//! Who is calling, as far as the network tells: the client's IP address, the browser
//! environment it reports, and its request budgets (`check_limit`, 429 when over).
//!
//! The peer address is the client, unless the peer is one of `TRUSTED_PROXIES`: then
//! `X-Forwarded-For` is read from the right (each proxy appends the address it saw), skipping
//! trusted proxies, and the first address that is not one is the client. Anything a client
//! could forge (the leftmost entries) is never believed past an untrusted hop. The header is
//! read up to a bounded length.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::rate_limit::{Limit, RetryAfter};
use crate::routes::error::ApiError;
use crate::state::AppState;

/// At most this many bytes of `X-Forwarded-For` are read.
const MAX_FORWARDED_LEN: usize = 4096;

/// The client's address for `req`.
pub fn client_ip(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    from_chain(peer, forwarded_for(req).as_deref(), trusted)
}

fn forwarded_for(req: &HttpRequest) -> Option<String> {
    let joined: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let joined = joined.join(",");
    (!joined.is_empty() && joined.len() <= MAX_FORWARDED_LEN).then_some(joined)
}

/// The client address given the peer and its `X-Forwarded-For`.
fn from_chain(peer: IpAddr, forwarded: Option<&str>, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(forwarded) = forwarded else {
        return peer;
    };
    let mut client = peer;
    for hop in forwarded.rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // Unreadable: stop at the last address we could trust the reading of.
            return client;
        };
        client = ip;
        if !is_trusted(&ip) {
            return ip;
        }
    }
    client
}

/// The buyer's device as this request shows it, for Antom's `env`.
pub fn buyer_env(req: &HttpRequest, trusted: &[ipnet::IpNet]) -> crate::services::buyer_env::BuyerEnv {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    crate::services::buyer_env::BuyerEnv::new(
        Some(client_ip(req, trusted).to_string()),
        header("user-agent"),
        header("accept-language"),
        header("accept"),
    )
}

/// The 429 answer for `limit`, counted.
pub fn rate_limited(state: &AppState, limit: &'static str, retry: RetryAfter) -> ApiError {
    state.metrics.observe_rate_limited(limit);
    ApiError::RateLimited {
        retry_after_secs: retry.0,
    }
}

/// Counts one request of `limit` from this client (and buyer); 429 when over budget.
pub fn check_limit(
    state: &AppState,
    req: &HttpRequest,
    limit: Limit,
    buyer: Option<&str>,
) -> Result<(), ApiError> {
    if !state.limits.enabled() {
        return Ok(());
    }
    let ip = client_ip(req, &state.settings.trusted_proxies);
    state
        .limits
        .check(limit, ip, buyer)
        .map_err(|retry| rate_limited(state, limit.as_str(), retry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_peers_are_believed() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // An untrusted peer's header is ignored.
        assert_eq!(
            from_chain(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // A trusted proxy: the rightmost untrusted hop is the client.
        assert_eq!(
            from_chain(ip("10.0.0.2"), Some("6.6.6.6, 198.51.100.7, 10.0.0.1"), &trusted),
            ip("198.51.100.7")
        );
        // Garbage stops the walk at the last readable hop.
        assert_eq!(
            from_chain(ip("10.0.0.2"), Some("nonsense, 10.0.0.1"), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(from_chain(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        assert_eq!(from_chain(ip("10.0.0.2"), Some("1.2.3.4"), &[]), ip("10.0.0.2"));
    }
}
