//! Calendars from their plain-object form — the shape of
//! `shared/vectors/` — which is also what a pack's `calendar(name, #{...})`
//! declares:
//!
//! ```json
//! {
//!   "timezone": "America/New_York",
//!   "weekly": { "mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue-fri": ["08:00-17:00"], "sat": [] },
//!   "holidays": ["2025-12-25", "07-04", "4th Thursday of November", "4th Thursday of November +1d",
//!                { "rule": "last Monday of May", "name": "Memorial Day" }],
//!   "observed": true,
//!   "overrides": { "2025-12-24": [["08:00", "12:00"]], "2025-12-27": ["09:00-13:00"] }
//! }
//! ```
//!
//! - `weekly` keys: `mon`…`sun`, ranges like `mon-fri`, or `daily`. An
//!   interval is `["HH:MM", "HH:MM"]` (end up to `24:00`) or the string
//!   `"HH:MM-HH:MM"`; as a string, an end before the start is a night shift
//!   (`"22:00-06:00"` opens 22:00–24:00 that day and 00:00–06:00 the next).
//! - `holidays`: a date `YYYY-MM-DD`; a yearly date `MM-DD`; a rule
//!   `Nth Weekday of Month` (1st…5th, first…fifth, last; optional `+Nd` /
//!   `-Nd`); or an object `{ date | rule, name?, observed? }`.
//! - `observed: true` closes the nearest weekday for a yearly or dated
//!   holiday that falls on a weekend (Saturday → Friday, Sunday → Monday),
//!   or the next weekday on in that direction that is no holiday itself.
//! - `overrides`: a date's own intervals (`[]` closes it), above holidays.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use serde_json::Value;

use super::{Calendar, Holiday, HolidayRule, Interval};
use crate::error::{Error, Result};
use crate::ticket::json_type;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const KEYS: [&str; 6] = [
    "timezone",
    "weekly",
    "holidays",
    "observed",
    "overrides",
    "name",
];

impl Calendar {
    /// A calendar from its plain-object form (see the module docs).
    pub fn from_json(spec: &Value) -> Result<Calendar> {
        Self::from_json_named(spec, "calendar")
    }

    /// [`from_json`](Self::from_json) with the calendar's name.
    pub fn from_json_named(spec: &Value, name: &str) -> Result<Calendar> {
        crate::ticket::check_depth(spec)?;
        let Value::Object(o) = spec else {
            return Err(invalid(
                "calendar",
                format!(
                    "a calendar must be an object, not {}",
                    crate::ticket::a(json_type(spec))
                ),
            ));
        };
        if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(invalid(
                k,
                format!("unknown key `{k}` (expected {})", KEYS.join(", ")),
            ));
        }
        let zone = match o.get("timezone") {
            Some(Value::String(z)) if z.trim().is_empty() => {
                return Err(Error::MissingField {
                    field: "timezone".into(),
                })
            }
            Some(Value::String(z)) => {
                super::Zone::named(z).ok_or_else(|| Error::UnknownTimezone {
                    field: "timezone".into(),
                    value: z.chars().take(64).collect(),
                })?
            }
            None | Some(Value::Null) => {
                return Err(Error::MissingField {
                    field: "timezone".into(),
                })
            }
            Some(v) => return Err(wrong("timezone", "string", v)),
        };
        let observed_default = match o.get("observed") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => return Err(wrong("observed", "boolean", v)),
        };
        let weekly = weekly(o.get("weekly"))?;
        let holidays = match o.get("holidays") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, h)| holiday(h, &format!("holidays[{i}]"), observed_default))
                .collect::<Result<_>>()?,
            Some(v) => return Err(wrong("holidays", "array", v)),
        };
        let mut overrides = BTreeMap::new();
        match o.get("overrides") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (date, list) in m {
                    let path = format!("overrides.{date}");
                    let d = parse_date(date, &path)?;
                    let mut day: [Vec<Interval>; 2] = Default::default();
                    intervals(list, &path, &mut day)?;
                    if !day[1].is_empty() {
                        return Err(invalid(&path, "an override cannot run past midnight; give the next date its own override".into()));
                    }
                    let [mut day, _] = day;
                    normalise(&mut day, &path)?;
                    overrides.insert(d, day);
                }
            }
            Some(v) => return Err(wrong("overrides", "object", v)),
        }
        let name = match o.get("name") {
            Some(Value::String(n)) => n.clone(),
            None | Some(Value::Null) => name.to_string(),
            Some(v) => return Err(wrong("name", "string", v)),
        };
        Ok(Calendar::new(name, zone, weekly, holidays, overrides))
    }
}

fn invalid(field: &str, message: String) -> Error {
    Error::InvalidCalendar {
        field: field.to_string(),
        message,
    }
}

fn wrong(field: &str, expected: &'static str, v: &Value) -> Error {
    Error::InvalidType {
        field: field.to_string(),
        expected,
        found: json_type(v),
    }
}

fn weekly(v: Option<&Value>) -> Result<[Vec<Interval>; 7]> {
    let mut week: [Vec<Interval>; 7] = Default::default();
    let Some(v) = v else {
        return Err(Error::MissingField {
            field: "weekly".into(),
        });
    };
    let Value::Object(days) = v else {
        return Err(wrong("weekly", "object", v));
    };
    for (key, list) in days {
        let path = format!("weekly.{key}");
        for d in day_range(key).ok_or_else(|| {
            invalid(
                &path,
                format!("unknown day `{key}` (mon … sun, a range like mon-fri, or daily)"),
            )
        })? {
            // Intervals land on this day and, for night shifts, the next.
            let mut two: [Vec<Interval>; 2] = Default::default();
            intervals(list, &path, &mut two)?;
            let [today, tomorrow] = two;
            // `day_range` yields 0..7 only; `get_mut` keeps that a fact, not a panic.
            if let Some(day) = week.get_mut(d) {
                day.extend(today);
            }
            if let Some(next) = week.get_mut((d + 1) % 7) {
                next.extend(tomorrow);
            }
        }
    }
    for (day, name) in week.iter_mut().zip(DAYS) {
        normalise(day, &format!("weekly.{name}"))?;
    }
    Ok(week)
}

/// `mon` → [0]; `mon-fri` → [0..5]; `daily` → all; `fri-mon` wraps.
fn day_range(key: &str) -> Option<Vec<usize>> {
    let k = key.trim().to_ascii_lowercase();
    if k == "daily" {
        return Some((0..7).collect());
    }
    let day = |s: &str| DAYS.iter().position(|d| *d == s.trim());
    match k.split_once('-') {
        None => day(&k).map(|d| vec![d]),
        Some((a, b)) => {
            let (a, b) = (day(a)?, day(b)?);
            let len = (b + 7 - a) % 7 + 1;
            Some((0..len).map(|i| (a + i) % 7).collect())
        }
    }
}

/// Intervals of one day: into `out[0]`, and the after-midnight part of a
/// night shift into `out[1]`.
fn intervals(list: &Value, path: &str, out: &mut [Vec<Interval>; 2]) -> Result<()> {
    let Value::Array(items) = list else {
        return Err(wrong(path, "array", list));
    };
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        match item {
            Value::Array(pair) => {
                let [Value::String(a), Value::String(b)] = pair.as_slice() else {
                    return Err(invalid(
                        &p,
                        "an interval is [\"HH:MM\", \"HH:MM\"] or \"HH:MM-HH:MM\"".into(),
                    ));
                };
                let (start, end) = (time(a, &p)?, time(b, &p)?);
                if start >= end {
                    return Err(invalid(
                        &p,
                        format!("interval {a}–{b} is reversed or empty (a night shift is \"{a}-{b}\" as one string, or two intervals)"),
                    ));
                }
                out[0].push(Interval { start, end });
            }
            Value::String(s) => {
                let Some((a, b)) = s.split_once('-') else {
                    return Err(invalid(
                        &p,
                        format!("interval {s:?} is not \"HH:MM-HH:MM\""),
                    ));
                };
                let (start, end) = (time(a, &p)?, time(b, &p)?);
                if start == end || start == 86_400 {
                    return Err(invalid(
                        &p,
                        format!("interval {s:?} is empty or starts at 24:00"),
                    ));
                }
                if start < end {
                    out[0].push(Interval { start, end });
                } else {
                    // Night shift: up to midnight, then from midnight.
                    if start < 86_400 {
                        out[0].push(Interval { start, end: 86_400 });
                    }
                    if end > 0 {
                        out[1].push(Interval { start: 0, end });
                    }
                }
            }
            v => return Err(wrong(&p, "interval", v)),
        }
    }
    Ok(())
}

/// Sorts a day's intervals, joins touching ones, refuses overlaps.
fn normalise(day: &mut Vec<Interval>, path: &str) -> Result<()> {
    // Sorted as pairs of i64, as instants are elsewhere: one sort compiled
    // into the module for both (each kind of element is another copy).
    let mut keyed: Vec<(i64, i64)> = day
        .iter()
        .map(|i| (i64::from(i.start), i64::from(i.end)))
        .collect();
    crate::json::sort_pairs(&mut keyed, None);
    let sorted = keyed.into_iter().map(|(start, end)| Interval {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
    });
    let mut out: Vec<Interval> = Vec::with_capacity(day.len());
    for i in sorted {
        match out.last_mut() {
            Some(last) if i.start < last.end => {
                return Err(invalid(
                    path,
                    format!(
                        "intervals {}–{} and {}–{} overlap",
                        hhmm(last.start),
                        hhmm(last.end),
                        hhmm(i.start),
                        hhmm(i.end)
                    ),
                ));
            }
            Some(last) if i.start == last.end => last.end = i.end,
            _ => out.push(i),
        }
    }
    *day = out;
    Ok(())
}

fn hhmm(s: u32) -> String {
    if s % 60 == 0 {
        format!("{:02}:{:02}", s / 3600, s / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

fn time(s: &str, path: &str) -> Result<u32> {
    parse_time_of_day(s).ok_or_else(|| Error::InvalidTime {
        field: path.to_string(),
        value: s.trim().chars().take(16).collect(),
    })
}

/// `"HH:MM"` or `"HH:MM:SS"`, 00:00 to 24:00, as seconds after midnight.
pub fn parse_time_of_day(s: &str) -> Option<u32> {
    let s = s.trim();
    let mut parts = s.split(':');
    let h = parts.next()?;
    let h: u32 = if h.len() == 1 {
        two_digits(&format!("0{h}"))?
    } else {
        two_digits(h)?
    };
    let m: u32 = two_digits(parts.next()?)?;
    let sec: u32 = match parts.next() {
        Some(p) => two_digits(p)?,
        None => 0,
    };
    if parts.next().is_some() || m > 59 || sec > 59 {
        return None;
    }
    let total = h * 3600 + m * 60 + sec;
    (total <= 86_400).then_some(total)
}

fn two_digits(p: &str) -> Option<u32> {
    (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
}

fn parse_date(s: &str, path: &str) -> Result<NaiveDate> {
    let bad = |reason: &str| Error::InvalidDate {
        field: path.to_string(),
        value: s.chars().take(40).collect(),
        reason: reason.into(),
    };
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad("expected YYYY-MM-DD"));
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad("expected YYYY-MM-DD"));
    }
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| bad("expected YYYY-MM-DD"))?,
        m.parse::<u32>().map_err(|_| bad("expected YYYY-MM-DD"))?,
        d.parse::<u32>().map_err(|_| bad("expected YYYY-MM-DD"))?,
    );
    if !(1900..=2199).contains(&y) {
        return Err(bad("the year must be 1900-2199"));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| bad("no such date"))
}

fn holiday(v: &Value, path: &str, observed_default: bool) -> Result<Holiday> {
    match v {
        Value::String(s) => Ok(Holiday {
            rule: holiday_rule(s, path)?,
            name: None,
            observed: observed_default,
        }),
        Value::Object(o) => {
            if let Some(k) = o
                .keys()
                .find(|k| !["date", "rule", "name", "observed"].contains(&k.as_str()))
            {
                return Err(invalid(
                    path,
                    format!("unknown key `{k}` (date, rule, name, observed)"),
                ));
            }
            let given = |k: &str| o.get(k).filter(|v| !v.is_null());
            let text = match (given("date"), given("rule")) {
                (Some(Value::String(s)), None) | (None, Some(Value::String(s))) => s,
                (Some(v), None) => return Err(wrong(&format!("{path}.date"), "string", v)),
                (None, Some(v)) => return Err(wrong(&format!("{path}.rule"), "string", v)),
                _ => {
                    return Err(invalid(
                        path,
                        "a holiday object needs one of `date` or `rule`, a string".into(),
                    ))
                }
            };
            let name = match o.get("name") {
                None | Some(Value::Null) => None,
                Some(Value::String(n)) => Some(n.clone()),
                Some(v) => return Err(wrong(&format!("{path}.name"), "string", v)),
            };
            let observed = match o.get("observed") {
                None | Some(Value::Null) => observed_default,
                Some(Value::Bool(b)) => *b,
                Some(v) => return Err(wrong(&format!("{path}.observed"), "boolean", v)),
            };
            Ok(Holiday {
                rule: holiday_rule(text, path)?,
                name,
                observed,
            })
        }
        v => Err(wrong(path, "string", v)),
    }
}

fn holiday_rule(s: &str, path: &str) -> Result<HolidayRule> {
    let text = s.trim();
    let bad = |reason: &str| Error::InvalidDate {
        field: path.to_string(),
        value: text.chars().take(60).collect(),
        reason: reason.into(),
    };
    let bytes = text.as_bytes();
    if bytes.len() == 10 && bytes.get(4) == Some(&b'-') {
        return parse_date(text, path).map(HolidayRule::Date);
    }
    if bytes.len() == 5 && bytes.get(2) == Some(&b'-') {
        let (m, d) = (text[..2].parse::<u32>(), text[3..].parse::<u32>());
        let (Ok(month), Ok(day)) = (m, d) else {
            return Err(bad("expected MM-DD"));
        };
        // 2000 is a leap year: 02-29 is a valid yearly date.
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            return Err(bad("no such day of the year"));
        }
        return Ok(HolidayRule::Yearly { month, day });
    }
    // "4th Thursday of November", "last Monday of May +1d".
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (rule, offset) = match words.as_slice() {
        [a, b, c, d] => ([*a, *b, *c, *d], 0),
        [a, b, c, d, off] => (
            [*a, *b, *c, *d],
            day_offset(off).ok_or_else(|| bad("the offset must look like +1d or -2d"))?,
        ),
        _ => {
            return Err(bad(
                "expected YYYY-MM-DD, MM-DD, or a rule like \"4th Thursday of November\"",
            ))
        }
    };
    let [nth, wd, of, month] = rule;
    if of != "of" {
        return Err(bad("expected a rule like \"4th Thursday of November\""));
    }
    let n: i8 = match nth {
        "1st" | "first" => 1,
        "2nd" | "second" => 2,
        "3rd" | "third" => 3,
        "4th" | "fourth" => 4,
        "5th" | "fifth" => 5,
        "last" => -1,
        _ => return Err(bad("the ordinal must be 1st…5th, first…fifth, or last")),
    };
    // A name whole, or its first three letters: not any word that begins
    // with them ("Septemberxyz" closed September's first Monday).
    let named = |word: &str, names: &[&str]| {
        let word = match word {
            "sept" => "sep",
            "tues" => "tue",
            "thur" | "thurs" => "thu",
            w => w,
        };
        names
            .iter()
            .position(|n| n.get(..3) == Some(word) || word == *n)
    };
    const WEEKDAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let weekday = match named(wd, &WEEKDAYS) {
        Some(0) => Weekday::Mon,
        Some(1) => Weekday::Tue,
        Some(2) => Weekday::Wed,
        Some(3) => Weekday::Thu,
        Some(4) => Weekday::Fri,
        Some(5) => Weekday::Sat,
        Some(6) => Weekday::Sun,
        _ => return Err(bad("unknown weekday")),
    };
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let month = named(month, &MONTHS).ok_or_else(|| bad("unknown month"))?;
    Ok(HolidayRule::Nth {
        n,
        weekday,
        month: month as u32 + 1,
        offset,
    })
}

/// `+1d`, `-2d`, `+1day`.
fn day_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &rest[digits.len()..];
    if !["d", "day", "days"].contains(&unit) {
        return None;
    }
    let n: i32 = digits.parse().ok().filter(|n: &i32| *n <= 31)?;
    Some(sign * n)
}
