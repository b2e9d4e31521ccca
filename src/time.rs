//! Instants: RFC 3339 strings in (any offset), RFC 3339 UTC `Z` out.
//!
//! Inside the engine an instant is whole seconds since the Unix epoch
//! ([`Instant`]). Fractions of a second in input are dropped (rounded
//! toward the past), so every answer is in whole seconds, the resolution
//! of SLA targets. Instants are supported from 1900-01-01 to the end of
//! 2199: far beyond any ticket, and small enough that no arithmetic on
//! them can overflow.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::error::{Error, Result};

/// Seconds since 1970-01-01T00:00:00Z.
pub type Instant = i64;

/// 1900-01-01T00:00:00Z.
pub const MIN_INSTANT: Instant = -2_208_988_800;
/// 2200-01-01T00:00:00Z (exclusive).
pub const MAX_INSTANT: Instant = 7_258_118_400;

/// Parses an RFC 3339 instant (`2026-03-16T14:00:00Z`, `...+01:00`).
/// `field` names the input in the error. Blank text is a missing value
/// (`MISSING_FIELD`), as a blank ticket field is everywhere else.
///
/// ```
/// use ticket_rules::time::{parse_instant, format_instant};
/// let t = parse_instant("2026-03-16T10:00:00-04:00", "start")?;
/// assert_eq!(format_instant(t), "2026-03-16T14:00:00Z");
/// assert_eq!(parse_instant("2025-02-30T00:00:00Z", "start").unwrap_err().code(), "INVALID_INSTANT");
/// # Ok::<(), ticket_rules::Error>(())
/// ```
pub fn parse_instant(text: &str, field: &str) -> Result<Instant> {
    if let Some(t) = parse_utc_fast(text.as_bytes()) {
        return from_seconds(t).ok_or_else(|| Error::InvalidInstant {
            field: field.to_string(),
            value: text.chars().take(64).collect(),
            reason: "out of the supported range 1900-2199".into(),
        });
    }
    if text.trim().is_empty() {
        return Err(Error::MissingField {
            field: field.to_string(),
        });
    }
    let bad = |why: &str| Error::InvalidInstant {
        field: field.to_string(),
        value: text.chars().take(64).collect(),
        reason: why.to_string(),
    };
    let t = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| bad("expected an RFC 3339 instant like 2026-03-16T14:00:00Z"))?;
    from_seconds(t.timestamp()).ok_or_else(|| bad("out of the supported range 1900-2199"))
}

/// An instant from seconds, if inside the supported range.
pub fn from_seconds(seconds: i64) -> Option<Instant> {
    (MIN_INSTANT..MAX_INSTANT)
        .contains(&seconds)
        .then_some(seconds)
}

/// An instant from JS milliseconds (a `Date`), floored to the second.
pub fn from_millis(ms: f64, field: &str) -> Result<Instant> {
    let s = (ms / 1000.0).floor();
    // NaN (an invalid `Date`) fails both comparisons.
    #[allow(clippy::cast_precision_loss)] // the range's ends are exact
    if s >= MIN_INSTANT as f64 && s < MAX_INSTANT as f64 {
        // In range by the check above.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(s as i64);
    }
    Err(Error::InvalidInstant {
        field: field.to_string(),
        // As `{ms}` would, without linking float formatting.
        value: crate::spec::float_string(ms),
        reason: "not a valid date in the supported range 1900-2199".into(),
    })
}

/// `2026-03-16T14:00:00Z`.
pub fn format_instant(t: Instant) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return match DateTime::<Utc>::from_timestamp(t, 0) {
            Some(d) => d.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => format!("@{t}"),
        };
    }
    let mut b = *b"0000-00-00T00:00:00Z";
    // Two digits at a time; every value here is below 100.
    let two = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
    let fields = [
        (0, y / 100),
        (2, y % 100),
        (5, i64::from(m)),
        (8, i64::from(d)),
        (11, secs / 3600),
        (14, secs / 60 % 60),
        (17, secs % 60),
    ];
    for (at, v) in fields {
        if let Some(slot) = b.get_mut(at..at + 2) {
            slot.copy_from_slice(&two(v));
        }
    }
    // Only ASCII digits and separators were written.
    std::str::from_utf8(&b).map_or_else(|_| String::new(), String::from)
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly (the form every answer has), parsed
/// without chrono; anything else (offsets, fractions, leap seconds) is
/// left to the full parser.
fn parse_utc_fast(b: &[u8]) -> Option<Instant> {
    // JS `Date#toISOString` adds milliseconds: `...:00.000Z`; drop them
    // (instants are whole seconds, rounded toward the past).
    if b.len() == 24
        && b.get(19) == Some(&b'.')
        && b.get(20..23)
            .is_some_and(|m| m.iter().all(u8::is_ascii_digit))
    {
        let mut short = [0u8; 20];
        short[..19].copy_from_slice(b.get(..19)?);
        short[19] = *b.get(23)?;
        return parse_utc_fast(&short);
    }
    if b.len() != 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || !matches!(b.get(19), Some(b'Z' | b'z'))
    {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(from..from + len)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_days || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, m as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The UTC date of an instant (for messages and ledgers).
pub fn utc_date(t: Instant) -> Option<NaiveDate> {
    DateTime::<Utc>::from_timestamp(t, 0).map(|d| d.date_naive())
}

/// Serialises a float as JavaScript prints it: a whole number without a
/// fraction (`50`, not `50.0`), so JSON from native code and from JS agree
/// to the byte. Other values as serde_json writes them (the shortest form
/// that reads back the same, which is what JS prints in the range our
/// numbers live in).
pub fn js_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() < EXACT {
        // Whole and within i64's exact range: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        return s.serialize_i64(*v as i64);
    }
    s.serialize_f64(*v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises_to_utc() {
        for (input, out) in [
            ("2026-03-16T14:00:00Z", "2026-03-16T14:00:00Z"),
            ("2026-03-16T14:00:00.999Z", "2026-03-16T14:00:00Z"),
            ("2026-03-16T10:00:00-04:00", "2026-03-16T14:00:00Z"),
            ("2026-03-16t14:00:00z", "2026-03-16T14:00:00Z"),
            ("1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"),
        ] {
            assert_eq!(
                parse_instant(input, "t").map(format_instant),
                Ok(out.to_string()),
                "{input}"
            );
        }
    }

    /// The fast paths agree with chrono on every second of sample years
    /// (stepped by a prime so every field varies), and on edge dates.
    #[test]
    fn fast_parse_and_format_agree_with_chrono() {
        let mut t = MIN_INSTANT;
        while t < MAX_INSTANT {
            let slow = DateTime::<Utc>::from_timestamp(t, 0)
                .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true));
            let fast = format_instant(t);
            assert_eq!(Some(&fast), slow.as_ref(), "{t}");
            assert_eq!(parse_utc_fast(fast.as_bytes()), Some(t), "{fast}");
            t += 3_601_337;
        }
        for s in [
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
            "1900-03-01T00:00:00Z",
            "2199-12-31T23:59:59Z",
        ] {
            let chrono_t = DateTime::parse_from_rfc3339(s).map(|d| d.timestamp()).ok();
            assert_eq!(parse_utc_fast(s.as_bytes()), chrono_t, "{s}");
        }
        for s in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:60Z",
            "2026-1-01T00:00:00Z",
        ] {
            assert_eq!(parse_utc_fast(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_instant() {
        for bad in [
            "2026-03-16",
            "2026-03-16 14:00",
            "2025-02-30T00:00:00Z",
            "2026-03-16T24:01:00Z",
            "0000-01-01T00:00:00Z",
            "2200-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "yesterday",
        ] {
            let e = parse_instant(bad, "start").unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                ("INVALID_INSTANT", Some("start")),
                "{bad}"
            );
        }
        for blank in ["", "  "] {
            let e = parse_instant(blank, "start").unwrap_err();
            assert_eq!((e.code(), e.field()), ("MISSING_FIELD", Some("start")));
        }
        assert!(from_millis(f64::NAN, "t").is_err());
        let value = |ms: f64| match from_millis(ms, "t") {
            Err(Error::InvalidInstant { value, .. }) => value,
            other => format!("{other:?}"),
        };
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "inf");
        assert_eq!(value(f64::NEG_INFINITY), "-inf");
        assert_eq!(value(8.64e15), "8640000000000000");
        assert_eq!(value(-8.64e15), "-8640000000000000");
        assert_eq!(value(1e300), format!("{}", 1e300));
        assert_eq!(value(-1.5e16), "-15000000000000000");
        assert!(from_millis(f64::INFINITY, "t").is_err());
        assert_eq!(from_millis(1_773_669_600_999.0, "t"), Ok(1_773_669_600));
        assert_eq!(from_millis(-1.0, "t"), Ok(-1));
    }
}
