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
/// `field` names the input in the error.
///
/// ```
/// use ticket_rules::time::{parse_instant, format_instant};
/// let t = parse_instant("2026-03-16T10:00:00-04:00", "start")?;
/// assert_eq!(format_instant(t), "2026-03-16T14:00:00Z");
/// assert_eq!(parse_instant("2025-02-30T00:00:00Z", "start").unwrap_err().code(), "INVALID_INSTANT");
/// # Ok::<(), ticket_rules::Error>(())
/// ```
pub fn parse_instant(text: &str, field: &str) -> Result<Instant> {
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
    let bad = Error::InvalidInstant {
        field: field.to_string(),
        value: format!("{ms}"),
        reason: "not a valid date in the supported range 1900-2199".into(),
    };
    if !ms.is_finite() {
        return Err(bad);
    }
    let s = (ms / 1000.0).floor();
    if s < MIN_INSTANT as f64 || s >= MAX_INSTANT as f64 {
        return Err(bad);
    }
    // In range by the check above.
    Ok(s as i64)
}

/// `2026-03-16T14:00:00Z`.
pub fn format_instant(t: Instant) -> String {
    match DateTime::<Utc>::from_timestamp(t, 0) {
        Some(d) => d.to_rfc3339_opts(SecondsFormat::Secs, true),
        None => format!("@{t}"),
    }
}

/// The UTC date of an instant (for messages and ledgers).
pub fn utc_date(t: Instant) -> Option<NaiveDate> {
    DateTime::<Utc>::from_timestamp(t, 0).map(|d| d.date_naive())
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

    #[test]
    fn rejects_what_is_not_an_instant() {
        for bad in [
            "",
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
        assert!(from_millis(f64::NAN, "t").is_err());
        assert!(from_millis(f64::INFINITY, "t").is_err());
        assert_eq!(from_millis(1_773_669_600_999.0, "t"), Ok(1_773_669_600));
        assert_eq!(from_millis(-1.0, "t"), Ok(-1));
    }
}
