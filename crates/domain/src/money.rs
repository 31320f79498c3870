//! Amounts of money as integer minor units of one currency.
//!
//! Money never touches a float: prices, captures and refunds are counted in minor units (cents,
//! yen) exactly as Antom counts them. A `Money` is always non-negative and fits Antom's
//! `value: String(16)`, so any value we hold can be sent to Antom unchanged; arithmetic that
//! would leave that range, or mix currencies, is an error the caller must handle.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::currency::{Currency, UnknownCurrency};

/// Why a value is not acceptable money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(transparent)]
    UnknownCurrency(#[from] UnknownCurrency),
    #[error("invalid amount value {value:?}: {reason}")]
    InvalidValue { value: String, reason: &'static str },
    #[error("amount {0} is negative")]
    Negative(i64),
    #[error("amount is larger than Antom's 16-digit limit")]
    Overflow,
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
}

/// A non-negative amount in the minor unit of its currency.
///
/// On the wire (Antom, our HTTP contract, the stored snapshot) it is
/// `{"currency": "SGD", "value": "4200"}`; deserialising goes through [`Money::from_minor_units`], so
/// malformed JSON cannot produce malformed money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "AmountWire", try_from = "AmountWire")]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// Largest amount Antom accepts: sixteen nines.
    pub const MAX_MINOR: i64 = 9_999_999_999_999_999;
    const MAX_DIGITS: usize = 16;

    /// `minor` must be in `0..=MAX_MINOR`.
    pub fn new(minor: i64, currency: Currency) -> Result<Money, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative(minor));
        }
        if minor > Self::MAX_MINOR {
            return Err(MoneyError::Overflow);
        }
        Ok(Money { minor, currency })
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses the wire shape of an amount (the contract's and Antom's): an ISO 4217 code and 1
    /// to 16 ASCII digits of minor units, with no sign, decimal point, whitespace or leading
    /// zero (except the value `"0"` itself).
    pub fn from_minor_units(currency: &str, value: &str) -> Result<Money, MoneyError> {
        let currency = Currency::parse(currency)?;
        let invalid = |reason| MoneyError::InvalidValue {
            value: value.to_owned(),
            reason,
        };
        if value.is_empty() {
            return Err(invalid("empty"));
        }
        if value.len() > Self::MAX_DIGITS {
            return Err(invalid("more than 16 digits"));
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("not a string of ASCII digits"));
        }
        if value.len() > 1 && value.starts_with('0') {
            return Err(invalid("leading zero"));
        }
        // At most 16 digits always fits an i64.
        let minor = value.parse::<i64>().map_err(|_| invalid("not an integer"))?;
        Money::new(minor, currency)
    }

    /// The minor units as a string of digits (the wire shape's `value`, no formatting).
    pub fn minor_units_string(&self) -> String {
        self.minor.to_string()
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Money::new(sum, self.currency)
    }

    /// Fails with [`MoneyError::Negative`] when `other` is larger: money never goes below zero.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let difference = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Money::new(difference, self.currency)
    }

    pub fn checked_mul(self, factor: u32) -> Result<Money, MoneyError> {
        let product = self
            .minor
            .checked_mul(i64::from(factor))
            .ok_or(MoneyError::Overflow)?;
        Money::new(product, self.currency)
    }

    /// Clamps into `0..=MAX_MINOR`. Only for derived figures (e.g. "still capturable") whose
    /// inputs are already bounded by the order's invariants, so that deriving them is total.
    pub(crate) fn clamped(minor: i64, currency: Currency) -> Money {
        Money {
            minor: minor.clamp(0, Self::MAX_MINOR),
            currency,
        }
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

/// For people: `42.00 SGD`, `4200 JPY`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = u32::from(self.currency.exponent());
        if exponent == 0 {
            return write!(f, "{} {}", self.minor, self.currency);
        }
        let divisor = 10_i64.pow(exponent);
        write!(
            f,
            "{}.{:0width$} {}",
            self.minor / divisor,
            self.minor % divisor,
            self.currency,
            width = exponent as usize
        )
    }
}

/// The Antom/contract amount shape.
#[derive(Serialize, Deserialize)]
struct AmountWire {
    currency: String,
    value: String,
}

impl From<Money> for AmountWire {
    fn from(money: Money) -> Self {
        AmountWire {
            currency: money.currency.code().to_owned(),
            value: money.minor_units_string(),
        }
    }
}

impl TryFrom<AmountWire> for Money {
    type Error = MoneyError;

    fn try_from(wire: AmountWire) -> Result<Self, Self::Error> {
        Money::from_minor_units(&wire.currency, &wire.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, cur(code)).unwrap()
    }

    #[test]
    fn parses_antom_values() {
        assert_eq!(
            Money::from_minor_units("SGD", "4200").unwrap(),
            money(4200, "SGD")
        );
        assert_eq!(
            Money::from_minor_units("SGD", "0").unwrap(),
            Money::zero(cur("SGD"))
        );
        let sixteen_nines = "9999999999999999";
        assert_eq!(
            Money::from_minor_units("USD", sixteen_nines).unwrap().minor(),
            Money::MAX_MINOR
        );
    }

    #[test]
    fn refuses_malformed_values() {
        let cases = [
            ("", "empty"),
            ("0012", "leading zero"),
            ("00", "leading zero"),
            ("12345678901234567", "more than 16 digits"),
            ("-1", "not a string of ASCII digits"),
            ("+1", "not a string of ASCII digits"),
            ("1.5", "not a string of ASCII digits"),
            (" 1", "not a string of ASCII digits"),
            ("1 ", "not a string of ASCII digits"),
            ("1e3", "not a string of ASCII digits"),
            ("١٢", "not a string of ASCII digits"),
        ];
        for (value, reason) in cases {
            assert_eq!(
                Money::from_minor_units("SGD", value),
                Err(MoneyError::InvalidValue {
                    value: value.to_owned(),
                    reason
                }),
                "{value:?}"
            );
        }
        assert_eq!(
            Money::from_minor_units("sgd", "1"),
            Err(MoneyError::UnknownCurrency(UnknownCurrency("sgd".into())))
        );
    }

    #[test]
    fn constructor_keeps_the_antom_range() {
        assert_eq!(Money::new(-1, cur("SGD")), Err(MoneyError::Negative(-1)));
        assert_eq!(
            Money::new(Money::MAX_MINOR + 1, cur("SGD")),
            Err(MoneyError::Overflow)
        );
        assert!(Money::new(Money::MAX_MINOR, cur("SGD")).is_ok());
    }

    #[test]
    fn displays_with_the_currency_exponent() {
        assert_eq!(money(4200, "SGD").to_string(), "42.00 SGD");
        assert_eq!(money(5, "USD").to_string(), "0.05 USD");
        assert_eq!(money(0, "EUR").to_string(), "0.00 EUR");
        assert_eq!(money(4200, "JPY").to_string(), "4200 JPY");
        assert_eq!(money(15000, "KRW").to_string(), "15000 KRW");
        assert_eq!(money(990, "CLP").to_string(), "990 CLP");
        assert_eq!(money(250000, "VND").to_string(), "250000 VND");
    }

    #[test]
    fn zero_decimal_currencies_round_trip_through_antom_values() {
        for code in ["JPY", "KRW", "CLP", "VND"] {
            let parsed = Money::from_minor_units(code, "4200").unwrap();
            assert_eq!(parsed.minor(), 4200);
            assert_eq!(parsed.minor_units_string(), "4200");
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = money(300, "SGD");
        let b = money(200, "SGD");
        assert_eq!(a.checked_add(b), Ok(money(500, "SGD")));
        assert_eq!(a.checked_sub(b), Ok(money(100, "SGD")));
        assert_eq!(b.checked_sub(a), Err(MoneyError::Negative(-100)));
        assert_eq!(a.checked_mul(3), Ok(money(900, "SGD")));
        assert_eq!(
            a.checked_add(money(1, "JPY")),
            Err(MoneyError::CurrencyMismatch {
                left: cur("SGD"),
                right: cur("JPY")
            })
        );
        assert_eq!(
            a.checked_sub(money(1, "USD")),
            Err(MoneyError::CurrencyMismatch {
                left: cur("SGD"),
                right: cur("USD")
            })
        );
        let max = money(Money::MAX_MINOR, "SGD");
        assert_eq!(max.checked_add(money(1, "SGD")), Err(MoneyError::Overflow));
        assert_eq!(max.checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(max.checked_mul(u32::MAX), Err(MoneyError::Overflow));
    }

    #[test]
    fn serializes_in_the_contract_shape() {
        let json = serde_json::to_string(&money(4200, "SGD")).unwrap();
        assert_eq!(json, r#"{"currency":"SGD","value":"4200"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, money(4200, "SGD"));
    }

    #[test]
    fn deserializing_rejects_what_from_minor_units_rejects() {
        for bad in [
            r#"{"currency":"SGD","value":"-1"}"#,
            r#"{"currency":"SGD","value":"0012"}"#,
            r#"{"currency":"SGD","value":4200}"#,
            r#"{"currency":"XXX","value":"1"}"#,
            r#"{"currency":"SGD"}"#,
        ] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
        }
    }
}
