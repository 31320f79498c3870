//! How many of one SKU a buyer orders.
//!
//! The contract allows 1 to 99 per line (`INVALID_QUANTITY` otherwise). Keeping the bound in a
//! type means a priced cart cannot hold a zero or negative line, and line totals cannot overflow
//! through absurd quantities.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quantity {0} is outside 1..=99")]
pub struct QuantityError(pub i64);

/// A quantity in `1..=99`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity(u8);

impl Quantity {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 99;

    /// Takes the raw number from the request (JSON integers arrive as `i64`).
    pub fn parse(raw: i64) -> Result<Quantity, QuantityError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            u8::try_from(raw).map(Quantity).map_err(|_| QuantityError(raw))
        } else {
            Err(QuantityError(raw))
        }
    }

    pub fn get(&self) -> u32 {
        u32::from(self.0)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = i64::deserialize(deserializer)?;
        Quantity::parse(raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_ninety_nine() {
        assert_eq!(Quantity::parse(1).unwrap().get(), 1);
        assert_eq!(Quantity::parse(99).unwrap().get(), 99);
    }

    #[test]
    fn refuses_everything_else() {
        for raw in [0, -1, 100, i64::MIN, i64::MAX, 256] {
            assert_eq!(Quantity::parse(raw), Err(QuantityError(raw)));
        }
    }

    #[test]
    fn serde_validates() {
        assert_eq!(serde_json::to_string(&Quantity::parse(3).unwrap()).unwrap(), "3");
        assert_eq!(serde_json::from_str::<Quantity>("7").unwrap().get(), 7);
        assert!(serde_json::from_str::<Quantity>("0").is_err());
        assert!(serde_json::from_str::<Quantity>("100").is_err());
    }
}
