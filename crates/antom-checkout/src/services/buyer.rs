//! Who the buyer is: a random id in an HttpOnly cookie, authenticated by an HMAC only this
//! server can compute, so that a browser cannot claim another buyer's id (and their saved
//! cards). The id is also the `referenceBuyerId` Antom sees.
//!
//! Cookie value: `{id}.{tag}`, where `id` is 32 lowercase hex characters (128 random bits) and
//! `tag` = base64url(HMAC-SHA256(subkey `buyer-cookie-v1`, id)). Anything else (no cookie, a
//! changed id or tag, a cookie of another deployment's key) is not an identity: the caller
//! issues a new buyer. Tags are compared in constant time.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::card_crypto::{subkey, BUYER_COOKIE_LABEL};
use crate::config::DataKey;
use crate::persistence::StoreError;
use crate::state::AppState;

/// The cookie's name.
pub const COOKIE_NAME: &str = "antom_buyer";
const ID_LEN: usize = 32;
/// 32 bytes in base64url without padding.
const TAG_LEN: usize = 43;

/// A buyer id taken from a verified cookie or freshly issued.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuyerId(String);

impl BuyerId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A new random id.
    fn random() -> BuyerId {
        let mut bytes = [0u8; ID_LEN / 2];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        BuyerId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn is_well_formed(id: &str) -> bool {
        id.len() == ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }
}

fn mac(data_key: &DataKey, id: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(subkey(data_key, BUYER_COOKIE_LABEL).as_slice())
        .expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac
}

/// The cookie value for `id`.
pub fn cookie_value(data_key: &DataKey, id: &BuyerId) -> String {
    let tag = mac(data_key, id.as_str()).finalize().into_bytes();
    format!(
        "{}.{}",
        id.as_str(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The buyer a cookie value proves, if it does.
pub fn verify(data_key: &DataKey, value: &str) -> Option<BuyerId> {
    let (id, tag) = value.split_once('.')?;
    if !BuyerId::is_well_formed(id) || tag.len() != TAG_LEN {
        return None;
    }
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tag)
        .ok()?;
    // `verify_slice` compares in constant time.
    mac(data_key, id).verify_slice(&tag).ok()?;
    Some(BuyerId(id.to_owned()))
}

/// A new buyer and its cookie value.
pub fn issue(data_key: &DataKey) -> (BuyerId, String) {
    let id = BuyerId::random();
    let value = cookie_value(data_key, &id);
    (id, value)
}

/// Makes sure the `buyers` row exists (cards and vaultings reference it). Idempotent; the
/// cookie itself needs no row, so pages that only read never write.
pub async fn remember(state: &AppState, id: &BuyerId) -> Result<(), StoreError> {
    state.store.ensure_buyer(id.as_str(), chrono::Utc::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::from_bytes([byte; 32])
    }

    #[test]
    fn issued_cookies_verify_to_their_id() {
        let (id, value) = issue(&key(1));
        assert_eq!(id.as_str().len(), 32);
        assert_eq!(verify(&key(1), &value), Some(id.clone()));
        let (other, _) = issue(&key(1));
        assert_ne!(id, other, "ids are random");
    }

    #[test]
    fn forged_foreign_and_malformed_cookies_are_refused() {
        let (id, value) = issue(&key(1));
        assert_eq!(verify(&key(2), &value), None, "another deployment's key");
        let (_, tag) = value.split_once('.').unwrap();
        let other_id = format!("{}0", &id.as_str()[..31]);
        let other_id = if other_id == id.as_str() {
            format!("{}1", &id.as_str()[..31])
        } else {
            other_id
        };
        assert_eq!(verify(&key(1), &format!("{other_id}.{tag}")), None, "id changed");
        let mut bad_tag = tag.to_owned().into_bytes();
        bad_tag[0] = if bad_tag[0] == b'A' { b'B' } else { b'A' };
        let bad_tag = String::from_utf8(bad_tag).unwrap();
        assert_eq!(
            verify(&key(1), &format!("{}.{bad_tag}", id.as_str())),
            None,
            "tag changed"
        );
        for junk in [
            "",
            ".",
            "abc",
            &id.as_str().to_uppercase(),
            &format!("{}.", id.as_str()),
        ] {
            assert_eq!(verify(&key(1), junk), None, "{junk:?}");
        }
    }
}
