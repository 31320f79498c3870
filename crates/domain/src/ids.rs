//! Identifiers, validated once where they enter the system.
//!
//! Antom rejects request ids longer than 64 characters and advises ASCII only, and our own ids end
//! up in URLs, logs and SQL. Each id is a newtype with a private `String`, built only by `parse`
//! (also on deserialisation), so holding one proves it is acceptable. One macro writes them all
//! so that every id behaves the same way.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind} must not be empty")]
    Empty { kind: &'static str },
    #[error("{kind} is {len} characters long; at most {max} are allowed")]
    TooLong {
        kind: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{kind} may only contain {allowed}; found {found:?} at position {position}")]
    InvalidChar {
        kind: &'static str,
        found: char,
        position: usize,
        allowed: &'static str,
    },
}

/// The character and length rule an id kind obeys.
struct Rule {
    max_len: usize,
    allowed: fn(char) -> bool,
    describe: &'static str,
}

impl Rule {
    fn check(&self, kind: &'static str, raw: &str) -> Result<(), IdError> {
        let len = raw.chars().count();
        if len == 0 {
            return Err(IdError::Empty { kind });
        }
        if len > self.max_len {
            return Err(IdError::TooLong {
                kind,
                len,
                max: self.max_len,
            });
        }
        match raw.chars().enumerate().find(|(_, c)| !(self.allowed)(*c)) {
            Some((position, found)) => Err(IdError::InvalidChar {
                kind,
                found,
                position,
                allowed: self.describe,
            }),
            None => Ok(()),
        }
    }
}

/// Antom's limit for request ids: String(64), printable ASCII, and no whitespace because ids are
/// compared byte for byte and copied around by people.
const ANTOM_ID: Rule = Rule {
    max_len: antom_client::limits::MAX_ID,
    allowed: |c| c.is_ascii_graphic(),
    describe: "printable ASCII without whitespace",
};

/// SKUs appear in URLs and in Antom's goods list; keep them to a conservative alphabet.
const SKU: Rule = Rule {
    max_len: 64,
    allowed: |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
    describe: "ASCII letters, digits, '-' and '_'",
};

macro_rules! checked_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                $rule.check($kind, raw).map(|()| $name(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

checked_id!(
    /// Our order id (the `referenceOrderId` sent to Antom).
    OrderId, "order id", ANTOM_ID
);
checked_id!(
    /// `paymentRequestId`: one per payment attempt; Antom's idempotency key for pay/session.
    PaymentRequestId, "payment request id", ANTOM_ID
);
checked_id!(
    /// `captureRequestId`: Antom's idempotency key for one capture.
    CaptureRequestId, "capture request id", ANTOM_ID
);
checked_id!(
    /// Our id for one cancel attempt (Antom cancels by payment id; this names our attempt).
    CancelRequestId, "cancel request id", ANTOM_ID
);
checked_id!(
    /// `refundRequestId`: Antom's idempotency key for one refund.
    RefundRequestId, "refund request id", ANTOM_ID
);
checked_id!(
    /// `vaultingRequestId`: Antom's idempotency key for one card-vaulting session.
    VaultingRequestId, "vaulting request id", ANTOM_ID
);
checked_id!(
    /// Our id of a saved card (what buyers' pages and `savedCardId` name; never Antom's token).
    CardId, "card id", ANTOM_ID
);
checked_id!(
    /// A catalog SKU: 1 to 64 ASCII letters, digits, `-` or `_`, kept as given (not case-folded).
    Sku, "sku", SKU
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_64_printable_ascii_characters() {
        let id = "a".repeat(63) + "~";
        assert_eq!(PaymentRequestId::parse(&id).unwrap().as_str(), id);
        assert!(OrderId::parse("0192f0c4-7a1b-7c3d-9e8f-0a1b2c3d4e5f").is_ok());
        assert!(RefundRequestId::parse("!#$%&'()*+,-./:;<=>?@[]^_`{|}").is_ok());
    }

    #[test]
    fn refuses_65_characters() {
        assert_eq!(
            CaptureRequestId::parse(&"x".repeat(65)),
            Err(IdError::TooLong {
                kind: "capture request id",
                len: 65,
                max: 64
            })
        );
    }

    #[test]
    fn refuses_empty_whitespace_control_and_non_ascii() {
        assert_eq!(
            CancelRequestId::parse(""),
            Err(IdError::Empty {
                kind: "cancel request id"
            })
        );
        for (raw, found, position) in [
            ("a b", ' ', 1),
            ("ab\t", '\t', 2),
            ("\nab", '\n', 0),
            ("caf\u{e9}", '\u{e9}', 3),
            ("订单", '订', 0),
            ("a\u{7f}", '\u{7f}', 1),
        ] {
            assert_eq!(
                VaultingRequestId::parse(raw),
                Err(IdError::InvalidChar {
                    kind: "vaulting request id",
                    found,
                    position,
                    allowed: "printable ASCII without whitespace"
                }),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn sku_alphabet_is_narrower() {
        assert!(Sku::parse("TSHIRT-BLK_M").is_ok());
        assert!(Sku::parse("mug-1").is_ok(), "lowercase is kept as given");
        assert!(Sku::parse(&"S".repeat(64)).is_ok());
        assert!(matches!(
            Sku::parse(&"S".repeat(65)),
            Err(IdError::TooLong { .. })
        ));
        for bad in ["A.B", "A/B", "A B", "ÄB", ""] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_is_transparent_but_validated() {
        let id = OrderId::parse("order-1").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"order-1\"");
        assert_eq!(serde_json::from_str::<OrderId>("\"order-1\"").unwrap(), id);
        assert!(serde_json::from_str::<OrderId>("\"has space\"").is_err());
        assert!(serde_json::from_str::<OrderId>("\"\"").is_err());
        assert_eq!(id.to_string(), "order-1");
    }
}
