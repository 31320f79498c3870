//! Deserializers for the places where Antom's docs and Antom's SDKs disagree on a JSON type.
//!
//! The docs say every scalar is sent as a string (`"true"`, `"20"`); the SDKs send real JSON
//! booleans and numbers, and the docs' own samples do too. We accept both on input and always
//! write the SDK form (JSON booleans, numbers), which is what Antom's own clients send.
//! Used with `#[serde(default, deserialize_with = "...")]` on `Option` fields, so a missing
//! field and `null` are both `None`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `true`, `false`, `"true"`, `"false"` (any ASCII case), `null` → `Option<bool>`.
/// Anything else (`"yes"`, `1`) is an error: guessing what a flag such as `isAuthorization`
/// means is worse than rejecting it.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct BoolVisitor;

    impl<'de> Visitor<'de> for BoolVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(r#"a boolean, "true" or "false""#)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.eq_ignore_ascii_case("true") {
                Ok(Some(true))
            } else if v.eq_ignore_ascii_case("false") {
                Ok(Some(false))
            } else {
                Err(E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    d.deserialize_any(BoolVisitor)
}

/// `-120`, `"-120"`, `null` → `Option<i32>` (e.g. `env.timeZoneOffset`: Java sends an Integer,
/// the docs a string).
pub(crate) fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    struct IntVisitor;

    impl<'de> Visitor<'de> for IntVisitor {
        type Value = Option<i32>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 32-bit integer or a string holding one")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    d.deserialize_any(IntVisitor)
}

/// A field documented as a string that may hold JSON (`redirectActionForm.parameters`): a
/// string is kept as is, any other JSON value is kept as its compact JSON text, `null` → `None`.
/// Losing a whole payment response because a form's parameters came as an object would be
/// the wrong trade.
pub(crate) fn opt_string_or_json<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Flags {
        #[serde(default, deserialize_with = "super::opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_i32")]
        offset: Option<i32>,
        #[serde(default, deserialize_with = "super::opt_string_or_json")]
        text: Option<String>,
    }

    fn flags(json: &str) -> Result<Flags, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn booleans_from_json_booleans_and_strings() {
        assert_eq!(flags(r#"{"flag":true}"#).unwrap().flag, Some(true));
        assert_eq!(flags(r#"{"flag":"true"}"#).unwrap().flag, Some(true));
        assert_eq!(flags(r#"{"flag":"TRUE"}"#).unwrap().flag, Some(true));
        assert_eq!(flags(r#"{"flag":false}"#).unwrap().flag, Some(false));
        assert_eq!(flags(r#"{"flag":"false"}"#).unwrap().flag, Some(false));
        assert_eq!(flags(r#"{"flag":null}"#).unwrap().flag, None);
        assert_eq!(flags("{}").unwrap().flag, None);
        assert!(flags(r#"{"flag":"yes"}"#).is_err());
        assert!(flags(r#"{"flag":1}"#).is_err());
    }

    #[test]
    fn integers_from_numbers_and_strings() {
        assert_eq!(flags(r#"{"offset":-120}"#).unwrap().offset, Some(-120));
        assert_eq!(flags(r#"{"offset":"-120"}"#).unwrap().offset, Some(-120));
        assert_eq!(flags(r#"{"offset":480}"#).unwrap().offset, Some(480));
        assert_eq!(flags(r#"{"offset":null}"#).unwrap().offset, None);
        assert!(flags(r#"{"offset":"abc"}"#).is_err());
        assert!(flags(r#"{"offset":1.5}"#).is_err());
        assert!(flags(r#"{"offset":99999999999}"#).is_err());
    }

    #[test]
    fn strings_or_json_text() {
        assert_eq!(flags(r#"{"text":"a=1"}"#).unwrap().text.as_deref(), Some("a=1"));
        assert_eq!(
            flags(r#"{"text":{"a":1}}"#).unwrap().text.as_deref(),
            Some(r#"{"a":1}"#)
        );
        assert_eq!(flags(r#"{"text":null}"#).unwrap().text, None);
    }
}
