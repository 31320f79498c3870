//! ISO 4217 currencies that antom-checkout can price in.
//!
//! A currency is only useful to us together with its exponent (how many minor units make a major
//! unit), because every amount crosses the Antom boundary as an integer count of minor units
//! (`"4200"` is 42.00 SGD but 4200 JPY). The table below is the single source of both facts; a
//! code that is not in it is refused at the boundary instead of being guessed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::MoneyError;

/// `(code, exponent)`. Antom's card table lists CLP, JPY, KRW and VND without decimals and the
/// others with two; the last row holds common extra two-decimal currencies.
#[rustfmt::skip]
const TABLE: &[(&str, u8)] = &[
    ("AUD", 2), ("BDT", 2), ("BRL", 2), ("CAD", 2), ("CNY", 2), ("EUR", 2), ("GBP", 2),
    ("HKD", 2), ("IDR", 2), ("MXN", 2), ("MYR", 2), ("NZD", 2), ("PEN", 2), ("PHP", 2),
    ("PKR", 2), ("PLN", 2), ("SGD", 2), ("THB", 2), ("TWD", 2), ("USD", 2),
    ("CLP", 0), ("JPY", 0), ("KRW", 0), ("VND", 0),
    ("CHF", 2), ("DKK", 2), ("NOK", 2), ("SEK", 2), ("INR", 2), ("AED", 2), ("ZAR", 2),
];

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
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        let well_formed = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        TABLE
            .iter()
            .find(|(known, _)| well_formed && *known == code)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
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
        let two = "AUD BDT BRL CAD CNY EUR GBP HKD IDR MXN MYR NZD PEN PHP PKR PLN SGD THB TWD USD \
                   CHF DKK NOK SEK INR AED ZAR";
        for code in two.split_whitespace() {
            let currency = Currency::parse(code).unwrap();
            assert_eq!((currency.code(), currency.exponent()), (code, 2));
        }
        for code in ["CLP", "JPY", "KRW", "VND"] {
            assert_eq!(Currency::parse(code).unwrap().exponent(), 0, "{code}");
        }
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
                Err(MoneyError::UnknownCurrency(bad.to_owned())),
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
