//! Bearer secrets (order tokens, admin tokens): random, shown once, stored as SHA-256 hex,
//! compared in constant time.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes, base64url without padding (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored instead of the token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Constant-time check of a presented token against a stored hash.
pub fn token_matches(presented: &str, stored_hash: &str) -> bool {
    let presented = hash_token(presented);
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_checked_against_their_hash() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        let stored = hash_token(&a);
        assert!(token_matches(&a, &stored));
        assert!(!token_matches("wrong", &stored));
        assert_eq!(stored.len(), 64);
    }
}
