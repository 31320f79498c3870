//! Test cards and what the simulated issuer does with them.
//!
//! A card number is parsed once into [`Pan`] (digits only, Luhn-checked) and immediately reduced
//! to a [`CardProfile`]: brand, BIN, last four, masked number and the behaviour the issuer will
//! show. The full number is never stored (not even for vaulted cards: a token maps to its
//! profile), never logged, and `Debug` prints only the last four.

use antom_client::codes;
use std::fmt;

use chrono::{DateTime, Datelike, Utc};

/// What the issuer does with a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Authorizes.
    Authorize,
    /// Declines with an Antom result code.
    Decline {
        code: &'static str,
        message: &'static str,
    },
    /// Asks for a 3-D Secure challenge; authorizes if the buyer passes it.
    Challenge,
    /// Stays processing for 30 s (scaled), then authorizes.
    Processing,
    /// Authorizes, but every capture fails.
    CaptureFails,
}

const INSUFFICIENT_FUNDS: &str = codes::USER_BALANCE_NOT_ENOUGH;

impl Behaviour {
    /// How the card answers a zero-amount verification (vaulting): a lack of funds does not
    /// matter there, so the insufficient-funds card vaults and declines only when paying.
    pub fn for_verification(self) -> Behaviour {
        match self {
            Behaviour::Decline {
                code: INSUFFICIENT_FUNDS,
                ..
            } => Behaviour::Authorize,
            other => other,
        }
    }
}

/// The contract's test cards (http-contract §6). Any other Luhn-valid number authorizes.
const TEST_CARDS: &[(&str, Behaviour)] = &[
    ("4111111111111111", Behaviour::Authorize),
    ("5555555555554444", Behaviour::Authorize),
    (
        "4000000000000002",
        Behaviour::Decline {
            code: codes::DO_NOT_HONOR,
            message: "The issuing bank declined the payment (do not honor).",
        },
    ),
    (
        "4000000000009995",
        Behaviour::Decline {
            code: INSUFFICIENT_FUNDS,
            message: "The card has insufficient funds.",
        },
    ),
    ("4000000000003220", Behaviour::Challenge),
    ("4000000000000259", Behaviour::Processing),
    ("4000000000000341", Behaviour::CaptureFails),
];

/// The decline a failed 3-D Secure challenge produces.
pub const CHALLENGE_FAILED: Behaviour = Behaviour::Decline {
    code: codes::USER_PAYMENT_VERIFICATION_FAILED,
    message: "The buyer failed 3-D Secure authentication.",
};

/// Why card input was refused, with Antom's code for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("the card number must be 12 to 19 digits")]
    NumberFormat,
    #[error("the card number is not valid (checksum)")]
    NumberChecksum,
    #[error("the expiry date must be MM/YY")]
    ExpiryFormat,
    #[error("the card has expired")]
    Expired,
    #[error("the CVV must be 3 or 4 digits")]
    Cvv,
    /// A saved card the session does not offer (Payment Element, `savedPaymentMethods`).
    #[error("this saved card is not offered on this session")]
    NotSaved,
}

impl CardError {
    pub fn code(self) -> &'static str {
        match self {
            CardError::NumberFormat | CardError::NumberChecksum => codes::INVALID_CARD_NUMBER,
            CardError::ExpiryFormat => codes::INVALID_EXPIRY_DATE_FORMAT,
            CardError::Expired => codes::INVALID_EXPIRATION_DATE,
            CardError::Cvv => codes::INVALID_CVV,
            CardError::NotSaved => codes::INVALID_CARD,
        }
    }
}

/// A primary account number: digits only, Luhn-valid. `Debug` shows the last four only.
#[derive(Clone, PartialEq, Eq)]
pub struct Pan(String);

impl fmt::Debug for Pan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pan(****{})", self.last_four())
    }
}

impl Pan {
    /// Accepts digits with optional spaces or dashes between them.
    pub fn parse(input: &str) -> Result<Pan, CardError> {
        let digits: String = input.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardError::NumberFormat);
        }
        if !luhn(&digits) {
            return Err(CardError::NumberChecksum);
        }
        Ok(Pan(digits))
    }

    pub fn last_four(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// What the simulated issuer knows about the card.
    pub fn profile(&self) -> CardProfile {
        let behaviour = TEST_CARDS
            .iter()
            .find(|(number, _)| *number == self.0)
            .map_or(Behaviour::Authorize, |(_, b)| *b);
        CardProfile {
            brand: brand(&self.0),
            bin: self.0[..6].to_owned(),
            last_four: self.last_four().to_owned(),
            masked: format!("{}{}", "*".repeat(self.0.len() - 4), self.last_four()),
            behaviour,
        }
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Card brand from the number's prefix, as Antom names brands.
fn brand(digits: &str) -> &'static str {
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    match () {
        _ if digits.starts_with('4') => "VISA",
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "MASTERCARD",
        _ if matches!(prefix(2), 34 | 37) => "AMEX",
        _ if (3528..=3589).contains(&prefix(4)) => "JCB",
        _ if digits.starts_with("62") => "UNIONPAY",
        _ if digits.starts_with("6011") || digits.starts_with("65") => "DISCOVER",
        _ if matches!(prefix(2), 36 | 38 | 39) || (300..=305).contains(&prefix(3)) => "DINERS",
        _ => "CARD",
    }
}

/// What Antom reports about a card; no secret in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardProfile {
    pub brand: &'static str,
    pub bin: String,
    pub last_four: String,
    /// `************1111`, as Antom masks numbers.
    pub masked: String,
    pub behaviour: Behaviour,
}

impl CardProfile {
    /// The simulated issuer issues every card as a US credit card.
    pub const FUNDING: &'static str = "CREDIT";
    pub const ISSUING_COUNTRY: &'static str = "US";
}

/// A card's expiry month; the card is valid through the last day of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    month: u32,
    /// Four digits.
    year: i32,
}

impl Expiry {
    /// `MM/YY` (the hosted form's field), also `MM/YYYY` and `MMYY`.
    pub fn parse_mm_yy(input: &str) -> Result<Expiry, CardError> {
        let input = input.trim();
        let (month, year) = match input.split_once('/') {
            Some((m, y)) => (m.trim(), y.trim()),
            None if input.len() == 4 => input.split_at(2),
            None => return Err(CardError::ExpiryFormat),
        };
        Expiry::from_parts(month, year)
    }

    /// Antom's `expiryMonth` (`"08"`) and `expiryYear` (`"26"`, or `"2026"` as one SDK sends).
    pub fn from_parts(month: &str, year: &str) -> Result<Expiry, CardError> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(month) || !digits(year) || month.len() > 2 || !matches!(year.len(), 2 | 4) {
            return Err(CardError::ExpiryFormat);
        }
        let month: u32 = month.parse().map_err(|_| CardError::ExpiryFormat)?;
        let year: i32 = year.parse().map_err(|_| CardError::ExpiryFormat)?;
        if !(1..=12).contains(&month) {
            return Err(CardError::ExpiryFormat);
        }
        let year = if year < 100 { 2000 + year } else { year };
        Ok(Expiry { month, year })
    }

    /// Expired when the expiry month is before the current month.
    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        (self.year, self.month) < (now.year(), now.month())
    }

    /// `"08"`.
    pub fn month_mm(&self) -> String {
        format!("{:02}", self.month)
    }

    /// `"26"`: two digits, as Antom writes `expiryYear`.
    pub fn year_yy(&self) -> String {
        format!("{:02}", self.year % 100)
    }
}

/// CVV: 3 or 4 digits when given.
pub fn check_cvv(cvv: Option<&str>) -> Result<(), CardError> {
    match cvv {
        Some(cvv) if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) => {
            Err(CardError::Cvv)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn test_cards_have_their_behaviour_and_brand() {
        let profile = |n: &str| Pan::parse(n).unwrap().profile();
        assert_eq!(profile("4111 1111 1111 1111").brand, "VISA");
        assert_eq!(profile("5555555555554444").brand, "MASTERCARD");
        assert_eq!(profile("4000000000003220").behaviour, Behaviour::Challenge);
        assert_eq!(profile("4000000000000259").behaviour, Behaviour::Processing);
        assert_eq!(profile("4000000000000341").behaviour, Behaviour::CaptureFails);
        assert!(matches!(
            profile("4000000000009995").behaviour,
            Behaviour::Decline {
                code: codes::USER_BALANCE_NOT_ENOUGH,
                ..
            }
        ));
        assert!(matches!(
            profile("4000000000000002").behaviour,
            Behaviour::Decline {
                code: codes::DO_NOT_HONOR,
                ..
            }
        ));
        let poor = profile("4000000000009995").behaviour;
        assert_eq!(poor.for_verification(), Behaviour::Authorize);
        let refused = profile("4000000000000002").behaviour;
        assert_eq!(refused.for_verification(), refused);
        // Any other Luhn-valid number authorizes, with the brand from its prefix.
        let amex = profile("378282246310005");
        assert_eq!((amex.brand, amex.behaviour), ("AMEX", Behaviour::Authorize));
        assert_eq!(amex.masked, "***********0005");
        assert_eq!(profile("2223003122003222").brand, "MASTERCARD");
    }

    #[test]
    fn numbers_are_checked_and_never_printed() {
        assert_eq!(Pan::parse("4111111111111112"), Err(CardError::NumberChecksum));
        assert_eq!(Pan::parse("41111"), Err(CardError::NumberFormat));
        assert_eq!(Pan::parse("4111x11111111111"), Err(CardError::NumberFormat));
        let pan = Pan::parse("4111-1111-1111-1111").unwrap();
        assert_eq!(format!("{pan:?}"), "Pan(****1111)");
        assert_eq!(CardError::NumberChecksum.code(), codes::INVALID_CARD_NUMBER);
    }

    #[test]
    fn expiry_formats_and_dates() {
        let now = Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap();
        assert!(!Expiry::parse_mm_yy("03/26").unwrap().is_past(now));
        assert!(Expiry::parse_mm_yy("02/26").unwrap().is_past(now));
        assert!(!Expiry::parse_mm_yy("12/2030").unwrap().is_past(now));
        assert!(!Expiry::parse_mm_yy("0130").unwrap().is_past(now));
        assert_eq!(Expiry::parse_mm_yy("13/30"), Err(CardError::ExpiryFormat));
        assert_eq!(Expiry::parse_mm_yy("1/3"), Err(CardError::ExpiryFormat));
        let e = Expiry::from_parts("8", "2031").unwrap();
        assert_eq!((e.month_mm(), e.year_yy()), ("08".to_owned(), "31".to_owned()));
        assert_eq!(check_cvv(Some("12")), Err(CardError::Cvv));
        assert_eq!(check_cvv(Some("1234")), Ok(()));
        assert_eq!(check_cvv(None), Ok(()));
    }
}
