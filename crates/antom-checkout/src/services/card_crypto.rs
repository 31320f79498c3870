//! The server's symmetric secrets, all derived from `DATA_ENCRYPTION_KEY`.
//!
//! One 32-byte key is configured; each use gets its own subkey, so that a weakness in one use
//! (say, an HMAC tag shown to browsers) never touches the other (card tokens at rest):
//! `subkey = HMAC-SHA256(DATA_ENCRYPTION_KEY, label || 0x01)`, which is HKDF-Expand (RFC 5869)
//! for one block with the configured key as PRK (it is already uniformly random, so the
//! Extract step adds nothing). Labels carry a version (`card-token-v1`, `buyer-cookie-v1`) so a
//! new scheme can live next to the old one.
//!
//! Card tokens are sealed with AES-256-GCM under a fresh random 96-bit nonce and stored as
//! `base64(nonce || ciphertext || tag)`. The associated data names the card row and its buyer,
//! so a ciphertext copied onto another row (or another buyer) does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use antom_client::model::Sensitive;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::zeroize::Zeroizing;
use sha2::Sha256;

use crate::config::DataKey;

/// The subkey of buyer cookie tags.
pub const BUYER_COOKIE_LABEL: &str = "buyer-cookie-v1";
/// The subkey of card tokens at rest.
const CARD_TOKEN_LABEL: &str = "card-token-v1";
const NONCE_LEN: usize = 12;
/// AES-GCM's tag.
const TAG_LEN: usize = 16;

/// A sealed value that does not open: wrong key, wrong row, or altered.
#[derive(Debug, thiserror::Error)]
#[error("the sealed value could not be decrypted (wrong key, wrong row or altered)")]
pub struct SealError;

/// HKDF-Expand(PRK = the data key, info = `label`, L = 32).
pub fn subkey(data_key: &DataKey, label: &str) -> Zeroizing<[u8; 32]> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(data_key.expose()).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.update(&[1]);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// What binds a sealed token to its row.
fn associated_data(card_id: &str, buyer_id: &str) -> Vec<u8> {
    format!("saved_cards|{card_id}|{buyer_id}").into_bytes()
}

/// Seals a card token for the `saved_cards` row `card_id` of `buyer_id`.
pub fn seal_token(data_key: &DataKey, card_id: &str, buyer_id: &str, token: &Sensitive) -> String {
    seal(
        data_key,
        CARD_TOKEN_LABEL,
        &associated_data(card_id, buyer_id),
        token.expose().as_bytes(),
    )
}

/// Opens what [`seal_token`] produced for the same row and buyer.
pub fn open_token(
    data_key: &DataKey,
    card_id: &str,
    buyer_id: &str,
    stored: &str,
) -> Result<Sensitive, SealError> {
    let plain = open(
        data_key,
        CARD_TOKEN_LABEL,
        &associated_data(card_id, buyer_id),
        stored,
    )?;
    String::from_utf8(plain)
        .map(Sensitive::new)
        .map_err(|_| SealError)
}

/// AES-256-GCM under the subkey of `label`, a fresh random nonce, `aad` bound in:
/// `base64(nonce || ciphertext || tag)`.
pub fn seal(data_key: &DataKey, label: &str, aad: &[u8], plain: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = Aes256Gcm::new(&(*subkey(data_key, label)).into())
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
        .expect("AES-GCM encrypts any message of this size");
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Opens what [`seal`] produced with the same label and `aad`.
pub fn open(data_key: &DataKey, label: &str, aad: &[u8], stored: &str) -> Result<Vec<u8>, SealError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored)
        .map_err(|_| SealError)?;
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(SealError);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    Aes256Gcm::new(&(*subkey(data_key, label)).into())
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
        .map_err(|_| SealError)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ALIPAYtok+secret/TOKEN==";

    fn key(byte: u8) -> DataKey {
        DataKey::from_bytes([byte; 32])
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let token = Sensitive::new(TOKEN);
        let a = seal_token(&key(7), "card-1", "buyer-1", &token);
        let b = seal_token(&key(7), "card-1", "buyer-1", &token);
        assert_ne!(a, b, "a new nonce every time");
        assert!(!a.contains(TOKEN));
        let bytes = base64::engine::general_purpose::STANDARD.decode(&a).unwrap();
        assert_eq!(bytes.len(), NONCE_LEN + TOKEN.len() + TAG_LEN);
        assert_eq!(
            open_token(&key(7), "card-1", "buyer-1", &a).unwrap().expose(),
            TOKEN
        );
    }

    #[test]
    fn tampering_is_detected() {
        let sealed = seal_token(&key(7), "card-1", "buyer-1", &Sensitive::new(TOKEN));
        let bytes = base64::engine::general_purpose::STANDARD.decode(&sealed).unwrap();
        for position in [0, NONCE_LEN, bytes.len() - 1] {
            let mut altered = bytes.clone();
            altered[position] ^= 0x01;
            let altered = base64::engine::general_purpose::STANDARD.encode(altered);
            assert!(
                open_token(&key(7), "card-1", "buyer-1", &altered).is_err(),
                "byte {position}"
            );
        }
        let truncated = base64::engine::general_purpose::STANDARD.encode(&bytes[..NONCE_LEN + 3]);
        assert!(open_token(&key(7), "card-1", "buyer-1", &truncated).is_err());
        assert!(open_token(&key(7), "card-1", "buyer-1", "not base64!").is_err());
    }

    #[test]
    fn bound_to_key_row_and_buyer() {
        let sealed = seal_token(&key(7), "card-1", "buyer-1", &Sensitive::new(TOKEN));
        assert!(
            open_token(&key(8), "card-1", "buyer-1", &sealed).is_err(),
            "other key"
        );
        assert!(
            open_token(&key(7), "card-2", "buyer-1", &sealed).is_err(),
            "other row"
        );
        assert!(
            open_token(&key(7), "card-1", "buyer-2", &sealed).is_err(),
            "other buyer"
        );
    }

    #[test]
    fn subkeys_differ_per_label_and_key() {
        let a = subkey(&key(7), BUYER_COOKIE_LABEL);
        assert_ne!(*a, *subkey(&key(7), CARD_TOKEN_LABEL));
        assert_ne!(*a, *subkey(&key(8), BUYER_COOKIE_LABEL));
        assert_ne!(*a, *key(7).expose());
        assert_eq!(*a, *subkey(&key(7), BUYER_COOKIE_LABEL));
    }

    #[test]
    fn errors_never_print_the_token() {
        let sealed = seal_token(&key(7), "card-1", "buyer-1", &Sensitive::new(TOKEN));
        let err = open_token(&key(8), "card-1", "buyer-1", &sealed).unwrap_err();
        assert!(!format!("{err} {err:?}").contains(TOKEN));
    }
}
