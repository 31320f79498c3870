//! Wrappers for card data and card tokens, so that `Debug` (and therefore `tracing`'s `?field`
//! and `{:?}` in an error) can never print them.
//!
//! On the wire they are the plain string (`#[serde(transparent)]`): the bytes we sign and send
//! are unchanged. Reading the secret takes an explicit `expose()`, which is easy to grep for.
//! There is deliberately no `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A CVV, a card token (`cardToken`, `paymentMethodId`) or any other secret string.
/// `Debug` prints `"***"`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(value.into())
    }

    /// The secret itself. Call only to hand it to Antom or to a store built for it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl From<String> for Sensitive {
    fn from(value: String) -> Self {
        Sensitive(value)
    }
}

impl From<&str> for Sensitive {
    fn from(value: &str) -> Self {
        Sensitive(value.to_owned())
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// A full card number (PAN). `Debug` shows only the last four digits, as every card receipt
/// does: `"************1111"`; a value too short to be a card number shows nothing.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardNumber(String);

/// Shorter than any real PAN (12-19 digits): showing four characters of it could show most of
/// whatever was put there by mistake.
const MIN_LEN_TO_SHOW_LAST_FOUR: usize = 12;

impl CardNumber {
    pub fn new(value: impl Into<String>) -> Self {
        CardNumber(value.into())
    }

    /// The full card number. Call only to hand it to Antom.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    /// The last four characters when the value is long enough to be a card number.
    pub fn last_four(&self) -> Option<&str> {
        let len = self.0.chars().count();
        if len < MIN_LEN_TO_SHOW_LAST_FOUR {
            return None;
        }
        let start = self.0.char_indices().nth(len - 4).map_or(0, |(i, _)| i);
        Some(&self.0[start..])
    }
}

impl From<String> for CardNumber {
    fn from(value: String) -> Self {
        CardNumber(value)
    }
}

impl From<&str> for CardNumber {
    fn from(value: &str) -> Self {
        CardNumber(value.to_owned())
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last_four() {
            Some(last_four) => {
                let hidden = self.0.chars().count() - 4;
                write!(f, "\"{}{last_four}\"", "*".repeat(hidden))
            }
            None => f.write_str("\"***\""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_is_transparent_on_the_wire_and_hidden_in_debug() {
        let token: Sensitive = serde_json::from_str(r#""tok+/=abc""#).unwrap();
        assert_eq!(token.expose(), "tok+/=abc");
        assert_eq!(serde_json::to_string(&token).unwrap(), r#""tok+/=abc""#);
        assert_eq!(format!("{token:?}"), r#""***""#);
        assert_eq!(format!("{:?}", Some(&token)), r#"Some("***")"#);
    }

    #[test]
    fn card_number_debug_shows_only_the_last_four() {
        let pan = CardNumber::from("4111111111111111");
        assert_eq!(format!("{pan:?}"), r#""************1111""#);
        assert_eq!(pan.last_four(), Some("1111"));
        assert_eq!(serde_json::to_string(&pan).unwrap(), r#""4111111111111111""#);
        assert_eq!(format!("{:?}", CardNumber::from("12345")), r#""***""#);
        assert_eq!(CardNumber::from("12345").last_four(), None);
        let with_spaces = CardNumber::from("5555 5555 5555 4444");
        assert_eq!(format!("{with_spaces:?}"), r#""***************4444""#);
    }
}
