//! Webhooks from Antom: verification and acknowledgement.
//!
//! Antom signs a notification with its private key over
//! `POST {merchant notify path}\n{client-id}.{request-time}.{raw body}` and sends the headers
//! `client-id`, `request-time` and `signature`. The merchant verifies over the raw bytes first,
//! parses second, and acknowledges with exactly [`ACK_BODY`] (HTTP 200). Anything else makes
//! Antom retry on its schedule.

use crate::keys::PublicKey;
use crate::signature::{Message, SignatureError};

/// The acknowledgement Antom expects, byte for byte.
pub const ACK_BODY: &str =
    r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;

/// The three signed headers of a notification (or response), looked up case-insensitively by
/// the caller's framework.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedHeaders<'a> {
    pub client_id: Option<&'a str>,
    /// `request-time` for notifications, `response-time` for responses.
    pub time: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl<'a> SignedHeaders<'a> {
    /// Builds from a case-insensitive header lookup, reading the notification header names.
    pub fn notification(lookup: impl Fn(&str) -> Option<&'a str>) -> Self {
        SignedHeaders {
            client_id: lookup("client-id"),
            time: lookup("request-time"),
            signature: lookup("signature"),
        }
    }
}

/// Why a notification was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    #[error("the notification is for client id `{received}`, not ours")]
    ForeignClient { received: String },
    #[error(transparent)]
    Signature(#[from] SignatureError),
}

/// Verifies a notification received at `path` (the merchant's own path, no host, no query).
pub fn verify_notification(
    antom_key: &PublicKey,
    path: &str,
    expected_client_id: &str,
    headers: SignedHeaders<'_>,
    body: &[u8],
) -> Result<(), NotificationError> {
    let signature = headers
        .signature
        .ok_or(NotificationError::MissingHeader("signature"))?;
    let client_id = headers
        .client_id
        .ok_or(NotificationError::MissingHeader("client-id"))?;
    let time = headers
        .time
        .ok_or(NotificationError::MissingHeader("request-time"))?;
    if client_id != expected_client_id {
        return Err(NotificationError::ForeignClient {
            received: client_id.chars().take(64).collect(),
        });
    }
    Message::post(path, client_id, time, body).verify(antom_key, signature)?;
    Ok(())
}

/// Whether a webhook answer is Antom's success acknowledgement: HTTP 200 and a JSON body whose
/// `result` says `SUCCESS`/`S` (whitespace and key order do not matter).
pub fn is_acknowledgement(status: u16, body: &[u8]) -> bool {
    if status != 200 {
        return false;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let result = &value["result"];
    result["resultCode"] == "SUCCESS" && result["resultStatus"] == "S"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgement_is_recognised_exactly() {
        assert!(is_acknowledgement(200, ACK_BODY.as_bytes()));
        assert!(is_acknowledgement(
            200,
            br#"{ "result": {"resultStatus":"S", "resultCode":"SUCCESS", "resultMessage":"ok"} }"#
        ));
        assert!(!is_acknowledgement(500, ACK_BODY.as_bytes()));
        assert!(!is_acknowledgement(200, b"OK"));
        assert!(!is_acknowledgement(
            200,
            br#"{"result":{"resultCode":"SUCCESS","resultStatus":"F"}}"#
        ));
    }
}

/// Fields of Antom messages that carry card credentials.
const CREDENTIAL_FIELDS: [&str; 3] = ["cardToken", "paymentMethodId", "cvv"];

/// A copy of a notification body that is safe to store and show to ops: card tokens and CVVs
/// replaced by `***`, an unmasked card number cut to its last four digits. Anything that is
/// not JSON is kept as (lossy) text: it was not a message Antom could have sent.
pub fn redacted_for_storage(body: &[u8]) -> String {
    fn redact(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if CREDENTIAL_FIELDS.contains(&key.as_str()) && v.is_string() {
                        *v = serde_json::Value::from("***");
                    } else if key == "cardNo" {
                        if let Some(no) = v.as_str().filter(|no| !no.contains('*')) {
                            let digits: Vec<char> = no.chars().filter(char::is_ascii_digit).collect();
                            let last4: String = digits[digits.len().saturating_sub(4)..].iter().collect();
                            *v = serde_json::Value::from(format!("************{last4}"));
                        }
                    } else {
                        redact(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn tokens_cvv_and_card_numbers_are_removed_and_the_rest_kept() {
        let body = br#"{"vaultingRequestId":"v1","paymentMethodDetail":{"card":{"cardToken":"ALIPAYtok+en/1==","cvv":"123","cardNo":"4111111111111111","maskedCardNo":"************1111","brand":"VISA"}},"list":[{"paymentMethodId":"tok2"}]}"#;
        let stored = redacted_for_storage(body);
        for secret in ["ALIPAYtok", "tok2", "\"123\"", "4111111111111111"] {
            assert!(!stored.contains(secret), "{secret} leaked: {stored}");
        }
        assert!(stored.contains("\"vaultingRequestId\":\"v1\""));
        assert!(stored.contains("************1111"));
        assert!(stored.contains("VISA"));
        assert_eq!(redacted_for_storage(b"not json"), "not json");
    }
}
