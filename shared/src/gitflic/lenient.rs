//! Serde helpers for GitFlic's loosely typed JSON: ids and counters arrive as numbers or as strings,
//! booleans occasionally as strings, and nested objects of events we do not act on may take any shape.
//! Each helper turns a value of the wrong shape into `None` instead of failing the whole payload.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number or boolean sent where a string was documented.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A non-negative integer, sent as a number or as a numeric string.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A boolean, sent as `true`/`false`, as `"true"`/`"false"` or as `1`/`0`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Some(Value::Number(n)) => n.as_u64().map(|v| v != 0),
        _ => None,
    })
}

/// A nested object that decodes as `T`, or `None` when it is absent or of another shape.
pub fn opt_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(v @ Value::Object(_)) => serde_json::from_value(v).ok(),
        _ => None,
    })
}

/// A moment as Unix seconds: an RFC 3339 string, one without a zone (read as UTC: GitFlic's
/// dates sometimes lack it, CODE), or a number of seconds or milliseconds since the epoch.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => parse_timestamp(s.trim()),
        // Past 10^11 seconds (year 5138) a number can only be milliseconds.
        Some(Value::Number(n)) => n.as_i64().map(|v| {
            if v.abs() >= 100_000_000_000 {
                v / 1000
            } else {
                v
            }
        }),
        _ => None,
    })
}

fn parse_timestamp(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, PrimitiveDateTime, macros::format_description};
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.unix_timestamp());
    }
    let naive = text.replace(' ', "T");
    let (seconds, _fraction) = naive.split_once('.').unwrap_or((&naive, ""));
    PrimitiveDateTime::parse(
        seconds,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()
    .map(|at| at.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).expect("probe decodes")
    }

    #[test]
    fn numbers_and_strings_are_interchangeable() {
        let p = probe(r#"{"s": 42, "n": "17", "b": "true"}"#);
        assert_eq!(p.s.as_deref(), Some("42"));
        assert_eq!(p.n, Some(17));
        assert_eq!(p.b, Some(true));
        let p = probe(r#"{"s": "x", "n": 3, "b": 0}"#);
        assert_eq!(
            (p.s.as_deref(), p.n, p.b),
            (Some("x"), Some(3), Some(false))
        );
    }

    #[test]
    fn wrong_shapes_become_none() {
        let p = probe(r#"{"s": [1], "n": "abc", "b": {"x": 1}}"#);
        assert_eq!((p.s, p.n, p.b), (None, None, None));
        let p = probe(r#"{"n": -4}"#);
        assert_eq!(p.n, None);
        let p = probe("{}");
        assert_eq!((p.s, p.n, p.b), (None, None, None));
    }

    #[derive(Deserialize)]
    struct At {
        #[serde(default, deserialize_with = "opt_timestamp")]
        at: Option<i64>,
    }

    fn at(json: &str) -> Option<i64> {
        serde_json::from_str::<At>(json).unwrap().at
    }

    #[test]
    fn timestamps_read_in_every_shape_gitflic_sends() {
        assert_eq!(at(r#"{"at": "2026-12-02T10:00:00Z"}"#), Some(1_796_205_600));
        assert_eq!(
            at(r#"{"at": "2026-12-02T13:00:00+03:00"}"#),
            Some(1_796_205_600)
        );
        assert_eq!(
            at(r#"{"at": "2026-12-02T10:00:00.123456"}"#),
            Some(1_796_205_600)
        );
        assert_eq!(at(r#"{"at": "2026-12-02 10:00:00"}"#), Some(1_796_205_600));
        assert_eq!(at(r#"{"at": 1796205600}"#), Some(1_796_205_600));
        assert_eq!(at(r#"{"at": 1796205600123}"#), Some(1_796_205_600));
        assert_eq!(at(r#"{"at": "yesterday"}"#), None);
        assert_eq!(at(r#"{"at": null}"#), None);
        assert_eq!(at("{}"), None);
    }
}
