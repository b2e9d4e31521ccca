//! Instants: RFC 3339 strings in (any offset), RFC 3339 UTC `Z` out.
//!
//! Inside the engine an instant is whole seconds since the Unix epoch
//! ([`Instant`]). Fractions of a second in input are dropped (rounded
//! toward the past), so every answer is in whole seconds, the resolution
//! of SLA targets. Instants are supported from 1900-01-01 to the end of
//! 2199: far beyond any ticket, and small enough that no arithmetic on
//! them can overflow.

use chrono::{DateTime, NaiveDate, Utc};

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
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::MissingField {
            field: field.to_string(),
        });
    }
    let bad = |why: &str| Error::InvalidInstant {
        field: field.to_string(),
        value: text.chars().take(64).collect(),
        reason: why.to_string(),
    };
    let t = parse_rfc3339(trimmed.as_bytes())
        .ok_or_else(|| bad("expected an RFC 3339 instant like 2026-03-16T14:00:00Z"))?;
    from_seconds(t).ok_or_else(|| bad("out of the supported range 1900-2199"))
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
    let mut b = *b"0000-00-00T00:00:00Z";
    // Two digits at a time; every value here is below 100.
    let two = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
    let fields = [
        (0, y.rem_euclid(10_000) / 100),
        (2, y.rem_euclid(100)),
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
    let text = std::str::from_utf8(&b).unwrap_or_default();
    if (0..=9999).contains(&y) {
        return text.to_string();
    }
    // Other years as chrono's `to_rfc3339_opts` writes them (a sign and at
    // least four digits), in the years its dates hold.
    if !(-262_143..=262_142).contains(&y) {
        return format!("@{t}");
    }
    format!("{y:+05}{}", text.get(4..).unwrap_or_default())
}

/// Two ASCII digits at `at`.
fn two_digits(b: &[u8], at: usize) -> Option<i64> {
    match *b.get(at..at + 2)? {
        [x @ b'0'..=b'9', y @ b'0'..=b'9'] => Some(i64::from(x - b'0') * 10 + i64::from(y - b'0')),
        _ => None,
    }
}

/// Seconds since the epoch of an RFC 3339 date-time, accepting and
/// refusing exactly what chrono's `DateTime::parse_from_rfc3339` does
/// (which the tests check on a large corpus): `YYYY-MM-DD`, `T`, `t` or a
/// space, `HH:MM:SS` (a leap second `:60` read as `:59`), an optional
/// fraction of one or more digits (dropped: instants are whole seconds,
/// rounded toward the past), then `Z`, `z` or `+HH:MM`/`-HH:MM` (also
/// U+2212 MINUS SIGN), hours of the offset below 24.
fn parse_rfc3339(b: &[u8]) -> Option<i64> {
    let sep = |at: usize, set: &[u8]| b.get(at).is_some_and(|c| set.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let y = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    let (m, d) = (two_digits(b, 5)?, two_digits(b, 8)?);
    let (h, mi, s) = (two_digits(b, 11)?, two_digits(b, 14)?, two_digits(b, 17)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_days || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = b.get(19..)?;
    if let [b'.', digits @ ..] = rest {
        let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = digits.get(n..)?;
    }
    let offset = match *rest {
        [b'Z' | b'z'] => 0,
        [ref sign @ .., _, _, b':', _, _] => {
            let west = match *sign {
                [b'+'] => false,
                // HYPHEN-MINUS or U+2212 MINUS SIGN.
                [b'-'] | [0xE2, 0x88, 0x92] => true,
                _ => return None,
            };
            let at = sign.len();
            let (oh, om) = (two_digits(rest, at)?, two_digits(rest, at + 3)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let east = oh * 3600 + om * 60;
            if west {
                -east
            } else {
                east
            }
        }
        _ => return None,
    };
    Some(days_from_civil(y, m as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset)
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
    use chrono::SecondsFormat;

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
            assert_eq!(parse_rfc3339(fast.as_bytes()), Some(t), "{fast}");
            t += 3_601_337;
        }
        for s in [
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
            "1900-03-01T00:00:00Z",
            "2199-12-31T23:59:59Z",
            "2026-01-01T00:00:60Z",
        ] {
            let chrono_t = DateTime::parse_from_rfc3339(s).map(|d| d.timestamp()).ok();
            assert_eq!(parse_rfc3339(s.as_bytes()), chrono_t, "{s}");
        }
        for s in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-1-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(s.as_bytes()), None, "{s}");
        }
    }

    /// `format_instant` writes what it wrote with chrono's `to_rfc3339_opts`
    /// for the years outside 0-9999 (and `@seconds` past chrono's dates).
    #[test]
    fn format_agrees_with_chrono_in_every_year() {
        let chrono_text = |t: i64| match DateTime::<Utc>::from_timestamp(t, 0) {
            Some(d) => d.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => format!("@{t}"),
        };
        let mut edges = vec![0, -1, 1, i64::MIN, i64::MAX, i64::MIN + 1, i64::MAX - 1];
        for y in [
            -262_145, -262_144, -262_143, -262_142, -10_000, -9_999, -1_000, -999, -100, -99, -10,
            -9, -1, 0, 1, 9_999, 10_000, 99_999, 100_000, 262_142, 262_143, 262_144,
        ] {
            let start = days_from_civil(y, 1, 1) * 86_400;
            edges.extend([
                start - 1,
                start,
                start + 1,
                start + 86_399,
                start + 59 * 86_400,
            ]);
        }
        for t in edges {
            assert_eq!(format_instant(t), chrono_text(t), "{t}");
        }
        let mut t = i64::MIN;
        for _ in 0..200_000 {
            assert_eq!(format_instant(t), chrono_text(t), "{t}");
            t = t.wrapping_add(92_233_720_368_547_759 + 7_919);
        }
        let mut t = -8_300_000_000_000_i64;
        while t < 8_300_000_000_000 {
            assert_eq!(format_instant(t), chrono_text(t), "{t}");
            t += 3_456_789_013;
        }
    }

    /// `parse_instant` as it was with chrono's RFC 3339 parser: the oracle.
    fn chrono_parse_instant(text: &str, field: &str) -> Result<Instant> {
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

    fn agree(s: &str, accepted: &mut usize) {
        let chrono_t = DateTime::parse_from_rfc3339(s).map(|d| d.timestamp()).ok();
        assert_eq!(parse_rfc3339(s.as_bytes()), chrono_t, "{s:?}");
        *accepted += usize::from(chrono_t.is_some());
        assert_eq!(parse_instant(s, "t"), chrono_parse_instant(s, "t"), "{s:?}");
    }

    /// The hand-written parser accepts and refuses exactly what chrono's
    /// `DateTime::parse_from_rfc3339` does, with the same instant, and
    /// `parse_instant` gives the same answers and errors as it did with
    /// chrono: every field at its edges, offsets, fractions of many
    /// lengths, lower case, leap seconds, missing parts, extra and
    /// non-ASCII characters, and every one-character change of valid text.
    #[test]
    fn rfc3339_parser_agrees_with_chrono() {
        let years = [
            "0000", "0001", "0004", "0100", "0400", "1600", "1899", "1900", "1904", "1969", "1970",
            "2000", "2023", "2024", "2100", "2199", "2200", "9999",
        ];
        let months: Vec<String> = (0..=13).map(|m| format!("{m:02}")).collect();
        let days: Vec<String> = (0..=32).map(|d| format!("{d:02}")).collect();
        let seps = ["T", "t", " ", "_", "TT", ""];
        let hours = ["00", "01", "12", "23", "24", "25", "99", "0", "1a"];
        let mins = ["00", "30", "59", "60", "99", "5"];
        let secs = ["00", "01", "58", "59", "60", "61", "99", "6"];
        let mut fracs = vec![
            String::new(),
            ".".into(),
            ".x".into(),
            "..5".into(),
            ",5".into(),
        ];
        for n in 1..=13 {
            fracs.push(format!(".{}", "9".repeat(n)));
            fracs.push(format!(".{}", &"1234567890123"[..n]));
        }
        let offsets = [
            "Z",
            "z",
            "",
            "ZZ",
            "Z ",
            " Z",
            "UTC",
            "GMT",
            "+00:00",
            "-00:00",
            "+01:00",
            "-04:00",
            "+05:30",
            "+05:45",
            "-09:30",
            "+14:00",
            "-12:00",
            "+23:59",
            "-23:59",
            "+24:00",
            "-24:00",
            "+99:00",
            "+05:60",
            "+05:59",
            "+05:99",
            "+5:00",
            "+05:0",
            "+0500",
            "+05",
            "+05:",
            "+",
            "-",
            "\u{2212}05:00",
            "\u{2212}23:59",
            "\u{2212}24:00",
            "\u{2013}05:00",
            "+05:00:00",
            "+05:00Z",
            "+05 00",
            "+05-00",
            "Z+01:00",
            "+\u{ff10}5:00",
            "+0\u{665}:00",
        ];
        let ws = ["", " ", "\t", "\n", "\u{3000}", "\u{a0}", "\u{200b}"];
        let mut accepted = 0usize;
        let mut total = 0usize;
        // Every date of the sample years, at a fixed time.
        for y in years {
            for m in &months {
                for d in &days {
                    for off in ["Z", "+23:59", "-23:59"] {
                        agree(&format!("{y}-{m}-{d}T12:00:00{off}"), &mut accepted);
                        total += 1;
                    }
                }
            }
        }
        // The rest of the fields, crossed, with pseudo-random dates.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        let mut valid = Vec::new();
        for _ in 0..150_000 {
            let text = format!(
                "{}-{}-{}{}{}:{}:{}{}{}",
                years[next(years.len())],
                months[next(months.len())],
                days[next(days.len())],
                seps[next(seps.len())],
                hours[next(hours.len())],
                mins[next(mins.len())],
                secs[next(secs.len())],
                fracs[next(fracs.len())],
                offsets[next(offsets.len())],
            );
            agree(&text, &mut accepted);
            let padded = format!("{}{text}{}", ws[next(ws.len())], ws[next(ws.len())]);
            agree(&padded, &mut accepted);
            total += 2;
            if valid.len() < 1_000 && DateTime::parse_from_rfc3339(&text).is_ok() {
                valid.push(text);
            }
        }
        // Every one-character change of valid text: replaced, deleted,
        // inserted, and the text cut at every place.
        let chars = [
            '0',
            '1',
            '5',
            '9',
            '-',
            ':',
            'T',
            't',
            ' ',
            'Z',
            'z',
            '.',
            '+',
            '\u{2212}',
            'x',
            '\0',
            '\u{665}',
            '\u{ff11}',
            '\u{e9}',
            '\u{1f600}',
        ];
        for text in &valid {
            let cs: Vec<char> = text.chars().collect();
            for i in 0..=cs.len() {
                agree(&cs[..i].iter().collect::<String>(), &mut accepted);
                total += 1;
                for &c in &chars {
                    let mut v = cs.clone();
                    v.insert(i, c);
                    agree(&v.iter().collect::<String>(), &mut accepted);
                    total += 1;
                    if i < cs.len() {
                        v.remove(i);
                        v[i] = c;
                        agree(&v.iter().collect::<String>(), &mut accepted);
                        total += 1;
                    }
                }
                if i < cs.len() {
                    let mut v = cs.clone();
                    v.remove(i);
                    agree(&v.iter().collect::<String>(), &mut accepted);
                    total += 1;
                }
            }
        }
        for blank in ["", " ", "\t\n", "\u{3000}"] {
            agree(blank, &mut accepted);
        }
        // Both sides of the line are well covered.
        assert_eq!(valid.len(), 1_000);
        assert!(
            accepted > 20_000 && total - accepted > 200_000,
            "{accepted} of {total}"
        );
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
