//! ISO 4217 currencies that antom-checkout can price in.
//!
//! A currency is only useful to us together with its exponent (how many minor units make a major
//! unit), because every amount crosses the Antom boundary as an integer count of minor units
//! (`"4200"` is 42.00 SGD but 4200 JPY). Both facts come from antom-client's table; a code
//! that is not in it is refused at the boundary instead of being guessed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A currency code that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency {0:?}: expected an ISO 4217 code such as \"SGD\"")]
pub struct UnknownCurrency(pub String);

/// The table: Antom's card currencies (`antom_client::currency::TABLE`), the one copy in the
/// workspace. A shop can only price in what Antom accepts.
const TABLE: &[(&str, u8)] = antom_client::currency::TABLE;

/// A currency from the table above. Cheap to copy; two values are equal when their codes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

impl Currency {
    /// Accepts exactly three uppercase ASCII letters that name a currency in the table.
    /// Lowercase is refused rather than normalised: Antom and the contract both use uppercase,
    /// and silently fixing input hides client bugs.
    pub fn parse(code: &str) -> Result<Currency, UnknownCurrency> {
        let well_formed = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        TABLE
            .iter()
            .find(|(known, _)| well_formed && *known == code)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| UnknownCurrency(code.to_owned()))
    }

    /// The ISO 4217 code, e.g. `"SGD"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Number of decimal places between minor and major units (2 for SGD, 0 for JPY).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_code_parses_with_its_exponent() {
        let two = "AUD BDT BRL CAD CNY EUR GBP HKD IDR MXN MYR NZD PEN PHP PKR PLN SGD THB TWD USD";
        for code in two.split_whitespace() {
            let currency = Currency::parse(code).unwrap();
            assert_eq!((currency.code(), currency.exponent()), (code, 2));
        }
        for code in ["CLP", "JPY", "KRW", "VND"] {
            assert_eq!(Currency::parse(code).unwrap().exponent(), 0, "{code}");
        }
        // Antom does not take these for cards, so a shop cannot price in them.
        assert!(Currency::parse("CHF").is_err());
    }

    #[test]
    fn table_has_no_duplicate_codes() {
        let mut codes: Vec<_> = TABLE.iter().map(|(code, _)| *code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TABLE.len());
    }

    #[test]
    fn refuses_malformed_or_unknown_codes() {
        for bad in [
            "",
            "SG",
            "SGDX",
            "sgd",
            "Sgd",
            " SGD",
            "SGD ",
            "XXX",
            "S1D",
            "ＳＧＤ",
        ] {
            assert_eq!(
                Currency::parse(bad),
                Err(UnknownCurrency(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn serializes_as_its_code_and_validates_on_the_way_in() {
        let sgd = Currency::parse("SGD").unwrap();
        assert_eq!(serde_json::to_string(&sgd).unwrap(), "\"SGD\"");
        assert_eq!(serde_json::from_str::<Currency>("\"JPY\"").unwrap().exponent(), 0);
        assert!(serde_json::from_str::<Currency>("\"usd\"").is_err());
        assert_eq!(sgd.to_string(), "SGD");
    }
}
