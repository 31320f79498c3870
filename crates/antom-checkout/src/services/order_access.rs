//! Who may see an order's result page without its order token in the URL.
//!
//! The order token never goes into a URL handed to Antom (Antom keeps `paymentRedirectUrl` and
//! echoes it in inquiries). The result page therefore also admits:
//! * the order's buyer: the buyer cookie names the buyer stored with the order;
//! * the holder of the single-use return token of the web `paymentRedirectUrl` (for a browser
//!   that lost its cookie, say after an app switch during 3-D Secure): spending it sets a
//!   short-lived access cookie for that order ([`cookie_value`]) and the page redirects to a URL
//!   without it.
//!
//! The access cookie is `{orderId}.{expiry unix seconds}.{HMAC-SHA256}` under a subkey of
//! `DATA_ENCRYPTION_KEY`, so it cannot be forged or moved to another order.

use base64::Engine;
use chrono::{DateTime, Utc};
use domain::OrderId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::card_crypto::subkey;
use crate::config::DataKey;

pub const COOKIE_NAME: &str = "antom_order_access";
/// How long the access cookie lasts.
pub const VALIDITY: chrono::Duration = chrono::Duration::hours(1);
const LABEL: &str = "order-access-v1";

fn mac(data_key: &DataKey, order_id: &str, expires: i64) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(subkey(data_key, LABEL).as_slice())
        .expect("HMAC takes any key length");
    mac.update(format!("{order_id}.{expires}").as_bytes());
    mac
}

/// The access cookie's value for `order_id`, valid until `now + VALIDITY`.
pub fn cookie_value(data_key: &DataKey, order_id: &OrderId, now: DateTime<Utc>) -> String {
    let order_id = order_id.as_str();
    let expires = (now + VALIDITY).timestamp();
    let tag = mac(data_key, order_id, expires).finalize().into_bytes();
    format!(
        "{order_id}.{expires}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
    )
}

/// Whether `value` grants access to `order_id` at `now`.
pub fn grants(data_key: &DataKey, value: &str, order_id: &OrderId, now: DateTime<Utc>) -> bool {
    let mut parts = value.rsplitn(3, '.');
    let (Some(tag), Some(expires), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
        return false;
    };
    id == order_id.as_str()
        && expires > now.timestamp()
        && mac(data_key, id, expires).verify_slice(&tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_opens_its_order_until_it_expires() {
        let key = DataKey::from_bytes([3; 32]);
        let now = Utc::now();
        let (one, two) = (
            OrderId::parse("order-1").unwrap(),
            OrderId::parse("order-2").unwrap(),
        );
        let value = cookie_value(&key, &one, now);
        assert!(grants(&key, &value, &one, now));
        assert!(!grants(&key, &value, &two, now), "another order");
        assert!(!grants(&key, &value, &one, now + VALIDITY), "expired");
        assert!(
            !grants(&DataKey::from_bytes([4; 32]), &value, &one, now),
            "another key"
        );
        let forged = value.replace(".", "x.");
        assert!(!grants(&key, &forged, &one, now));
    }
}
