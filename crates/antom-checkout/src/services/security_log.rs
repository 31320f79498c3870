//! Security events (refused webhook deliveries, failed admin logins), stored at a bounded
//! rate: at most `rate_limit::StorageBudget::PER_MINUTE` of each kind per minute per process
//! are written; the rest are only counted (`security_events_total{stored="suppressed"}`), so a
//! flood of forged requests costs a counter increment, not a row.

use chrono::{DateTime, Utc};

use crate::persistence::{NewSecurityEvent, SecurityEventKind, StoreError};
use crate::state::AppState;

/// Each kind has its own budget.
fn slot(kind: SecurityEventKind) -> usize {
    match kind {
        SecurityEventKind::WebhookRejected => 0,
        SecurityEventKind::AdminLoginFailed => 1,
    }
}

/// Whether an event of `kind` at `at` may be stored (this minute's budget allows); counts it
/// either way. Callers build what they store only when admitted.
pub fn admit(state: &AppState, kind: SecurityEventKind, at: DateTime<Utc>) -> bool {
    let stored = state.security_log.admit(slot(kind), at);
    state.metrics.observe_security_event(kind.as_str(), stored);
    stored
}

/// Stores `event` if this minute's budget for its kind allows; counts it either way.
pub async fn record(state: &AppState, event: NewSecurityEvent<'_>) -> Result<(), StoreError> {
    if admit(state, event.kind, event.at) {
        state.store.record_security_event(event).await?;
    }
    Ok(())
}

/// The first `max` bytes of `body` as text, with card-number-like digit runs redacted
/// (`card_input::redact_card_numbers`): an unverified body may hold anything, and card numbers
/// are never stored.
pub fn preview(body: &[u8], max: usize) -> String {
    let cut = &body[..body.len().min(max)];
    super::card_input::redact_card_numbers(&String::from_utf8_lossy(cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_masked_in_previews() {
        assert_eq!(
            preview(br#"{"cardNo":"4111 1111 1111 1111","amount":"4200"}"#, 1024),
            r#"{"cardNo":"[redacted]","amount":"4200"}"#
        );
        assert_eq!(preview(b"4111111111111111", 1024), "[redacted]");
        assert_eq!(preview(b"2026-11-22T10:00:00Z", 1024), "2026-11-22T10:00:00Z");
        assert_eq!(preview(&[b'a'; 5000], 1024).len(), 1024);
    }
}
