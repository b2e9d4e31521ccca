//! Durations as rule authors write them: `"15m"`, `"4h"`, `"1h 30m"`,
//! `"8 hours"`, `"90s"`, `"2d"`; out as whole seconds.

/// The longest duration a pack may declare: 100 years of seconds. Far
/// beyond any SLA target, and far below anything that could overflow the
/// date arithmetic built on it.
pub const MAX_SECONDS: u64 = 100 * 366 * 24 * 3600;

const UNITS: &[(&[&str], u64)] = &[
    (&["s", "sec", "secs", "second", "seconds"], 1),
    (&["m", "min", "mins", "minute", "minutes"], 60),
    (&["h", "hr", "hrs", "hour", "hours"], 3600),
    // A day is 24 hours of the clock it is measured on; not "a business day".
    (&["d", "day", "days"], 86_400),
    (&["w", "wk", "week", "weeks"], 604_800),
];

/// Parses a human duration into seconds.
///
/// A duration is one or more `number unit` parts (spaces optional), e.g.
/// `"1h30m"`, `"1 hour 30 minutes"`, `"1.5h"`. Units: s, m/min, h/hr, d
/// (24 h), w, in singular or plural. The total must be whole seconds, at
/// most [`MAX_SECONDS`].
///
/// ```
/// use ticket_rules::duration::parse_duration;
/// assert_eq!(parse_duration("15m"), Ok(900));
/// assert_eq!(parse_duration("1 hour 30 minutes"), Ok(5400));
/// assert_eq!(parse_duration("1.5h"), Ok(5400));
/// assert!(parse_duration("15x").is_err());
/// ```
pub fn parse_duration(full: &str) -> Result<u64, String> {
    // Messages quote at most 64 characters of what was given.
    let text = &full.chars().take(64).collect::<String>();
    let s = full.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if s.starts_with('-') {
        return Err(format!(
            "invalid duration {text:?}: a duration is never negative"
        ));
    }
    let mut rest = s;
    // Millis keep "1.5h" exact without floating point.
    let mut total_ms: u128 = 0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(num_len);
        if num.is_empty() {
            return Err(format!(
                "invalid duration {text:?}: expected a number at {:?}",
                clip(rest)
            ));
        }
        let after = after.trim_start();
        let unit_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_lower = unit.to_ascii_lowercase();
        let Some(&(_, factor)) = UNITS
            .iter()
            .find(|(names, _)| names.contains(&&*unit_lower))
        else {
            return Err(if unit.is_empty() {
                format!(
                    "invalid duration {text:?}: a unit is missing after {:?} (s, m, h, d or w)",
                    clip(num)
                )
            } else {
                format!(
                    "invalid duration {text:?}: unknown unit {:?} (s, m, h, d or w)",
                    clip(unit)
                )
            });
        };
        let ms = number_millis(num)
            .ok_or_else(|| format!("invalid duration {text:?}: bad number {:?}", clip(num)))?;
        total_ms = total_ms.saturating_add(ms.saturating_mul(u128::from(factor)));
        rest = after.trim_start_matches([' ', ',']);
    }
    if total_ms % 1000 != 0 {
        return Err(format!(
            "invalid duration {text:?}: not a whole number of seconds"
        ));
    }
    let secs = total_ms / 1000;
    if secs > u128::from(MAX_SECONDS) {
        return Err(format!("invalid duration {text:?}: longer than 100 years"));
    }
    // In range by the check above.
    Ok(secs as u64)
}

/// At most 64 characters of a part of a duration, for a message.
fn clip(part: &str) -> String {
    part.chars().take(64).collect()
}

/// `"1.5"` → 1500 (thousandths). At most three decimals.
fn number_millis(num: &str) -> Option<u128> {
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int.is_empty() || frac.len() > 3 || frac.contains('.') || int.len() > 20 {
        return None;
    }
    let int: u128 = int.parse().ok()?;
    let mut frac_ms: u128 = 0;
    for (i, c) in frac.chars().enumerate() {
        let d = u128::from(c.to_digit(10)?);
        frac_ms += d * 10u128.pow(2 - i as u32);
    }
    int.checked_mul(1000)?.checked_add(frac_ms)
}

/// Formats seconds for people: `900` → `"15m"`, `5400` → `"1h 30m"`.
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let mut parts = Vec::new();
    let mut rest = seconds;
    for (name, unit) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= unit {
            parts.push(format!("{}{name}", rest / unit));
            rest %= unit;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_authors_write() {
        const CASES: &[(&str, u64)] = &[
            ("15m", 900),
            ("15 min", 900),
            ("15 minutes", 900),
            ("1h", 3600),
            ("4 hours", 14_400),
            ("8h", 28_800),
            ("1h30m", 5400),
            ("1h 30m", 5400),
            ("1 hour, 30 minutes", 5400),
            ("1.5h", 5400),
            ("90s", 90),
            ("2d", 172_800),
            ("1w", 604_800),
            (" 32 H ", 115_200),
            ("0s", 0),
        ];
        for (text, want) in CASES {
            assert_eq!(parse_duration(text), Ok(*want), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in [
            "",
            "15",
            "15x",
            "h",
            "1.2.3h",
            "0.0001s",
            "0.5s",
            "-1h",
            "1e3s",
            "99999999999999999999999w",
            "6000w",
            "4h and",
            "1.5.h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn formats_round_trip() {
        for s in [0, 59, 60, 900, 3600, 5400, 86_400 + 61] {
            assert_eq!(parse_duration(&format_duration(s)), Ok(s));
        }
        assert_eq!(format_duration(5400), "1h 30m");
    }
}
