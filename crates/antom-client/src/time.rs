//! Timestamps as Antom writes them.

use chrono::{DateTime, SecondsFormat, Utc};

/// `request-time` as the Java and Go SDKs send it, and as the docs now ask: epoch milliseconds.
pub fn request_time(now: DateTime<Utc>) -> String {
    now.timestamp_millis().to_string()
}

/// ISO-8601 with offset, as Antom writes `response-time` and the times in bodies.
pub fn iso8601(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Reads every `request-time` form the official SDKs send: epoch milliseconds (Java, Go),
/// RFC 3339 with `+00:00` (Python) or `Z` and fractions (.NET), and PHP's `+0000` offset.
pub fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_sdk_format() {
        let expected = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for v in [
            "1704067200000",
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00+0000",
            "2024-01-01T00:00:00Z",
            "2024-01-01T08:00:00+08:00",
        ] {
            assert_eq!(parse_time(v), Some(expected), "{v}");
        }
        assert!(parse_time("2024-01-01T00:00:00.1234567Z").is_some());
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn writes_milliseconds_and_iso() {
        let t = DateTime::from_timestamp_millis(1_704_067_200_123).unwrap();
        assert_eq!(request_time(t), "1704067200123");
        assert_eq!(iso8601(t), "2024-01-01T00:00:00+00:00");
    }
}
