//! `string_enum!`: the one way this crate writes an Antom enum.
//!
//! Antom adds enum values without notice (new payment method types, notification types,
//! statuses). A closed Rust enum would turn such a value into a deserialization error and lose
//! the whole response or notification, so every generated enum carries an extra
//! `Other(String)` variant that keeps the unknown value verbatim and serializes it back
//! unchanged. Code that matches on these enums must decide what `Other` means (usually "not
//! final, inquire or flag for ops"), which is exactly the decision an unknown value calls for.
//!
//! Generated for each enum: the variants plus `Other(String)`, `as_str()`, `is_known()`,
//! `KNOWN` (every known wire value), `From<&str>`, `From<String>`, `FromStr` (infallible),
//! `Display`, `Serialize`/`Deserialize` as the plain string, and `PartialEq`/`Eq`/`Hash` by wire
//! value (so a hand-built `Other("SUCCESS")` equals `Success`).
//!
//! Attributes on the enum and on variants are passed through, so
//! `#[derive(Default)] ... #[default] Card = "CARD"` works for enums with an obvious default.

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $value:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                #[doc = concat!("`", $value, "`")]
                $variant,
            )+
            /// A value this crate does not know yet, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every wire value this crate knows, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($value),+];

            /// The value exactly as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Other(value) => value,
                }
            }

            /// `false` for a value this crate does not know (including a hand-built `Other`
            /// whose text is not a known value).
            pub fn is_known(&self) -> bool {
                Self::KNOWN.contains(&self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => $name::$variant, )+
                    _ => $name::Other(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state);
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                    .map($name::from)
            }
        }
    };
}

pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    string_enum! {
        /// A test enum.
        #[derive(Default)]
        pub enum Colour {
            #[default]
            Red = "RED",
            DarkBlue = "DARK_BLUE",
        }
    }

    #[test]
    fn known_values_round_trip() {
        for value in Colour::KNOWN {
            let parsed = Colour::from(*value);
            assert!(parsed.is_known());
            assert!(!matches!(parsed, Colour::Other(_)));
            assert_eq!(parsed.as_str(), *value);
            assert_eq!(parsed.to_string(), *value);
        }
        assert_eq!(Colour::default(), Colour::Red);
    }

    #[test]
    fn unknown_values_are_kept_and_written_back_verbatim() {
        let parsed: Colour = serde_json::from_str(r#""ULTRA_VIOLET""#).unwrap();
        assert_eq!(parsed, Colour::Other("ULTRA_VIOLET".into()));
        assert!(!parsed.is_known());
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#""ULTRA_VIOLET""#);
        // Matching is exact: Antom's values are upper case, a lower-case one is a different value.
        assert_eq!(Colour::from("red"), Colour::Other("red".into()));
    }

    #[test]
    fn equality_and_hash_follow_the_wire_value() {
        let hand_built = Colour::Other("DARK_BLUE".into());
        assert_eq!(hand_built, Colour::DarkBlue);
        assert!(hand_built.is_known());
        let set: HashSet<Colour> = [hand_built, Colour::DarkBlue].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_eq!("DARK_BLUE".parse::<Colour>().unwrap(), Colour::DarkBlue);
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_str::<Colour>("1").is_err());
        assert!(serde_json::from_str::<Colour>("null").is_err());
    }
}
