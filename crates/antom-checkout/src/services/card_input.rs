//! The raw card of `POST /api/cards` (PCI direct vaulting), parsed at the boundary.
//!
//! The number and the CVV go straight into [`CardNumber`] and [`Sensitive`], whose `Debug`
//! redacts them, and no error message ever contains an input value: fields are read from the
//! JSON by hand, because serde's own type errors quote the offending value.

use antom_client::model::{CardNumber, Sensitive};
use chrono::{DateTime, Datelike, Utc};
use serde_json::Value;

/// The card, validated: digits only, Luhn-valid, not expired; month `MM`, year `YY`.
#[derive(Debug, Clone)]
pub struct CardInput {
    pub number: CardNumber,
    pub cvv: Sensitive,
    pub expiry_month: String,
    pub expiry_year: String,
    pub holder_name: Option<String>,
}

/// Why a card was refused. The message names the field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidCard(pub &'static str);

const MAX_HOLDER_NAME: usize = 128;

fn text<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// A string or a JSON integer (people send `"expiryMonth": 8`), as digits.
fn digits_field(body: &Value, field: &str) -> Option<String> {
    match body.get(field)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

/// The Luhn checksum of a string of ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn card_number(body: &Value) -> Result<CardNumber, InvalidCard> {
    let raw = text(body, "cardNo").ok_or(InvalidCard("cardNo is required (a string of digits)"))?;
    // Spaces and dashes as printed on cards are allowed; nothing else.
    let digits: String = raw.chars().filter(|c| *c != ' ' && *c != '-').collect();
    if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidCard("cardNo must be a card number of 12 to 19 digits"));
    }
    if !luhn_valid(&digits) {
        return Err(InvalidCard("cardNo is not a valid card number"));
    }
    Ok(CardNumber::new(digits))
}

/// (`MM`, `YY`) of a card valid at `now` (a card is valid to the end of its expiry month).
fn expiry(body: &Value, now: DateTime<Utc>) -> Result<(String, String), InvalidCard> {
    let month = digits_field(body, "expiryMonth")
        .filter(|m| m.len() <= 2)
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m))
        .ok_or(InvalidCard("expiryMonth must be a month from 01 to 12"))?;
    let year = digits_field(body, "expiryYear")
        .and_then(|y| match y.len() {
            2 => y.parse::<i32>().ok().map(|y| 2000 + y),
            4 => y.parse::<i32>().ok().filter(|y| (2000..=2099).contains(y)),
            _ => None,
        })
        .ok_or(InvalidCard("expiryYear must have 2 or 4 digits"))?;
    if (year, month) < (now.year(), now.month()) {
        return Err(InvalidCard("the card has expired"));
    }
    if year > now.year() + 30 {
        return Err(InvalidCard("expiryYear is too far in the future"));
    }
    Ok((format!("{month:02}"), format!("{:02}", year % 100)))
}

fn cvv(body: &Value) -> Result<Sensitive, InvalidCard> {
    text(body, "cvv")
        .filter(|c| (3..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()))
        .map(Sensitive::new)
        .ok_or(InvalidCard("cvv must be 3 or 4 digits"))
}

fn holder_name(body: &Value) -> Result<Option<String>, InvalidCard> {
    match body.get("holderName") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) => {
            let name = name.trim();
            if name.chars().count() > MAX_HOLDER_NAME || name.chars().any(char::is_control) {
                return Err(InvalidCard("holderName must be at most 128 printable characters"));
            }
            Ok(Some(name.to_owned()).filter(|n| !n.is_empty()))
        }
        Some(_) => Err(InvalidCard("holderName must be a string")),
    }
}

impl CardInput {
    /// Reads and checks the body of `POST /api/cards` at time `now`.
    pub fn parse(body: &Value, now: DateTime<Utc>) -> Result<CardInput, InvalidCard> {
        if !body.is_object() {
            return Err(InvalidCard("the body must be a JSON object"));
        }
        let number = card_number(body)?;
        let (expiry_month, expiry_year) = expiry(body, now)?;
        Ok(CardInput {
            number,
            cvv: cvv(body)?,
            expiry_month,
            expiry_year,
            holder_name: holder_name(body)?,
        })
    }
}

/// Replaces every run of 12 or more digits (spaces and dashes between them included) by
/// `[redacted]`: for texts from outside (Antom's messages) that we store or show.
pub fn redact_card_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let (mut j, mut digits) = (i, 0);
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == ' ' || chars[j] == '-') {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            if digits >= 12 {
                out.push_str("[redacted]");
                // Keep a trailing separator that belonged to the sentence.
                if matches!(chars[j - 1], ' ' | '-') {
                    out.push(chars[j - 1]);
                }
            } else {
                out.extend(&chars[i..j]);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    const PAN: &str = "4242424242424242";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
    }

    fn body() -> Value {
        json!({"cardNo": PAN, "expiryMonth": "08", "expiryYear": "2030", "cvv": "123", "holderName": "Ada Lovelace"})
    }

    #[test]
    fn a_valid_card_is_normalised() {
        let card = CardInput::parse(&body(), now()).unwrap();
        assert_eq!(card.number.expose(), PAN);
        assert_eq!(
            (card.expiry_month.as_str(), card.expiry_year.as_str()),
            ("08", "30")
        );
        assert_eq!(card.holder_name.as_deref(), Some("Ada Lovelace"));
        let spaced =
            json!({"cardNo": "4242 4242-4242 4242", "expiryMonth": 8, "expiryYear": 30, "cvv": "1234"});
        let card = CardInput::parse(&spaced, now()).unwrap();
        assert_eq!(card.number.expose(), PAN);
        assert_eq!(card.expiry_month, "08");
        assert_eq!(card.holder_name, None);
        let this_month = json!({"cardNo": PAN, "expiryMonth": "11", "expiryYear": "26", "cvv": "123"});
        assert!(
            CardInput::parse(&this_month, now()).is_ok(),
            "valid to the end of its month"
        );
    }

    #[test]
    fn luhn() {
        for good in [PAN, "4111111111111111", "5555555555554444", "4000000000003220"] {
            assert!(luhn_valid(good), "{good}");
        }
        for bad in ["4242424242424241", "4111111111111112", "1234567812345678"] {
            assert!(!luhn_valid(bad), "{bad}");
        }
    }

    #[test]
    fn every_refusal_names_the_field_and_never_the_value() {
        let cases: Vec<(&str, Value)> = vec![
            ("cardNo", json!(4242424242424242u64)),
            ("cardNo", json!("4242424242424241")),
            ("cardNo", json!("42424242")),
            ("cardNo", json!("4242x42424242424")),
            ("expiryMonth", json!("13")),
            ("expiryMonth", json!("00")),
            ("expiryMonth", json!("123")),
            ("expiryYear", json!("203")),
            ("expiryYear", json!("1999")),
            ("expiryYear", json!("2025")),
            ("expiryYear", json!("2099")),
            ("cvv", json!("12")),
            ("cvv", json!("12345")),
            ("cvv", json!(123)),
            ("holderName", json!(7)),
            ("holderName", json!("x".repeat(129))),
        ];
        for (field, value) in cases {
            let mut body = body();
            body[field] = value.clone();
            let err = CardInput::parse(&body, now()).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains(field) || message.contains("expired"),
                "{field}: {message}"
            );
            let shown = value.to_string();
            assert!(
                !message.contains(shown.trim_matches('"')),
                "{field}={value}: {message}"
            );
        }
        let mut missing = body();
        missing.as_object_mut().unwrap().remove("cvv");
        assert_eq!(
            CardInput::parse(&missing, now()).unwrap_err().0,
            "cvv must be 3 or 4 digits"
        );
        assert!(CardInput::parse(&json!([PAN]), now()).is_err());
    }

    #[test]
    fn debug_hides_number_and_cvv() {
        let card = CardInput::parse(&body(), now()).unwrap();
        let debug = format!("{card:?}");
        assert!(!debug.contains(PAN) && !debug.contains("\"123\""), "{debug}");
    }

    #[test]
    fn redaction_of_numbers_in_free_text() {
        assert_eq!(
            redact_card_numbers("card 4242 4242 4242 4242 declined"),
            "card [redacted] declined"
        );
        assert_eq!(redact_card_numbers("code 05, ref 12345"), "code 05, ref 12345");
        assert_eq!(redact_card_numbers(PAN), "[redacted]");
    }
}
