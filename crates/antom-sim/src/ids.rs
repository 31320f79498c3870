//! Identifiers Antom assigns, shaped like Antom's: long digit strings that start with the date
//! for payments, captures and refunds, and base64 tokens (with `+`, `/`, `=`) for cards, so
//! clients meet the same characters they will meet in production.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::Rng;

/// `paymentId`, `captureId`, `refundId`: 14 timestamp digits + 18 random digits.
pub fn transaction_id(now: DateTime<Utc>) -> String {
    let random: u64 = rand::thread_rng().gen_range(100_000_000_000_000_000..1_000_000_000_000_000_000);
    format!("{}{random}", now.format("%Y%m%d%H%M%S"))
}

/// `acquirerReferenceNo`: 23 digits, like an ARN.
pub fn acquirer_reference(now: DateTime<Utc>) -> String {
    let random: u64 = rand::thread_rng().gen_range(100_000_000..1_000_000_000);
    format!("{}{random}", now.format("%Y%m%d%H%M%S"))
}

/// `cardToken`: `ALIPAY` + 48 random bytes in standard base64 (70 characters, ≤ 128).
pub fn card_token() -> String {
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill(&mut bytes[..]);
    format!("ALIPAY{}", STANDARD.encode(bytes))
}

/// `paymentSessionId` / `vaultingSessionId` (≤ 64): also the handle of the hosted pages.
pub fn session_id() -> String {
    format!("SIM{}", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let now = Utc::now();
        let id = transaction_id(now);
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(id, transaction_id(now));
        let token = card_token();
        assert!(token.starts_with("ALIPAY") && token.len() == 70);
        assert!(session_id().len() <= 64);
    }
}
