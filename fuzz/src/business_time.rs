//! `business_time`: properties of `Calendar::add` and `between` on random
//! but valid calendars, and a differential check against an independent
//! reference (below) that walks the zone's offsets hour by hour with
//! chrono-tz directly, none of the crate's caches, stretches or week
//! skipping.
//!
//! The fuzz target builds a [`Case`] from `arbitrary` bytes; a case is
//! plain data (serde), so a regression is kept as its JSON too and
//! `tests/fuzz_regressions.rs` replays it without `arbitrary`.
//!
//! Semantics (shared/vectors/README.md): `between(a, b)` is the business
//! seconds in `[a, b)`; `add(s, d)` is the smallest `T >= s` with
//! `between(s, T) >= d`.

use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ticket_rules::calendar::{Calendar, Pauses, Trace};
use ticket_rules::time::{Instant, MAX_INSTANT, MIN_INSTANT};

const DAY: i64 = 86_400;
/// Ranges up to this long are checked against the reference.
const REFERENCE_SPAN: i64 = 20 * DAY;
/// The detailed (traced) walk gives up after 20 years of days; the fast
/// one skips weeks, so it may find a due date past that. Below this
/// distance both must agree.
const BOTH_FIND: i64 = 19 * 365 * DAY;

/// Zones with every kind of offset change: none, whole hours, half hours
/// (Lord Howe's DST is 30 minutes), 45-minute offsets, changes at local
/// midnight (São Paulo, Havana), several a year (Casablanca), a skipped
/// day (Apia, 2011-12-30), and historical offsets in seconds (LMT).
pub const ZONES: [&str; 16] = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/St_Johns",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kathmandu",
    "Africa/Casablanca",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "America/Havana",
    "Europe/Amsterdam",
    "Antarctica/Troll",
];

/// A holiday, structured (the spec gets its text form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HolidayRule {
    /// One date.
    Date { y: i32, m: u32, d: u32 },
    /// Every year.
    Yearly { m: u32, d: u32 },
    /// `n` 1–5 or -1 (last); weekday 0 = Monday; offset in days.
    Nth {
        n: i8,
        weekday: u8,
        month: u32,
        offset: i32,
    },
}

/// A holiday and whether a weekend date is observed on a weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub rule: HolidayRule,
    pub observed: bool,
}

/// A date's own intervals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub y: i32,
    pub m: u32,
    pub d: u32,
    pub intervals: Vec<(u32, u32)>,
}

/// One case: a calendar, a start, two durations, pauses, and a window
/// `[start, start + window)` to compare `between` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub timezone: String,
    /// Monday first; `[start, end)` seconds after local midnight, sorted
    /// and apart.
    pub weekly: [Vec<(u32, u32)>; 7],
    pub holidays: Vec<Holiday>,
    pub overrides: Vec<Override>,
    pub start: Instant,
    pub durations: [i64; 2],
    /// `[from, to)`, UTC.
    pub pauses: Vec<(Instant, Instant)>,
    pub window: i64,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn clock(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn pairs(v: &[(u32, u32)]) -> Value {
    Value::Array(
        v.iter()
            .map(|&(a, b)| json!([clock(a), clock(b)]))
            .collect(),
    )
}

fn weekday(k: u8) -> Weekday {
    match k % 7 {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

impl HolidayRule {
    /// The text the calendar spec takes.
    fn text(&self) -> String {
        match self {
            HolidayRule::Date { y, m, d } => format!("{y:04}-{m:02}-{d:02}"),
            HolidayRule::Yearly { m, d } => format!("{m:02}-{d:02}"),
            HolidayRule::Nth {
                n,
                weekday,
                month,
                offset,
            } => {
                let nth = match n {
                    1 => "1st",
                    2 => "2nd",
                    3 => "3rd",
                    4 => "4th",
                    5 => "5th",
                    _ => "last",
                };
                let wd = WEEKDAYS.get(usize::from(*weekday % 7)).unwrap_or(&"Monday");
                let mo = MONTHS
                    .get((*month as usize).wrapping_sub(1))
                    .unwrap_or(&"January");
                match offset {
                    0 => format!("{nth} {wd} of {mo}"),
                    o => format!("{nth} {wd} of {mo} {o:+}d"),
                }
            }
        }
    }

    /// The holiday's own date in year `y` (reference implementation).
    fn own_date(&self, y: i32) -> Option<NaiveDate> {
        match self {
            HolidayRule::Date { y: yy, m, d } => {
                if *yy == y {
                    NaiveDate::from_ymd_opt(y, *m, *d)
                } else {
                    None
                }
            }
            HolidayRule::Yearly { m, d } => NaiveDate::from_ymd_opt(y, *m, *d),
            HolidayRule::Nth {
                n,
                weekday: wd,
                month,
                offset,
            } => {
                let first = NaiveDate::from_ymd_opt(y, *month, 1)?;
                let matching: Vec<NaiveDate> = first
                    .iter_days()
                    .take_while(|x| x.month() == *month)
                    .filter(|x| x.weekday() == weekday(*wd))
                    .collect();
                let base = if *n > 0 {
                    *matching.get(usize::try_from(*n - 1).ok()?)?
                } else {
                    *matching.last()?
                };
                Some(base + Duration::days(i64::from(*offset)))
            }
        }
    }
}

impl Holiday {
    /// Whether this holiday closes local date `d` (reference).
    fn closes(&self, d: NaiveDate) -> bool {
        (d.year() - 1..=d.year() + 1).any(|y| {
            let Some(x) = self.rule.own_date(y) else {
                return false;
            };
            if x == d {
                return true;
            }
            self.observed
                && match x.weekday() {
                    Weekday::Sat => x - Duration::days(1) == d,
                    Weekday::Sun => x + Duration::days(1) == d,
                    _ => false,
                }
        })
    }
}

/// Local wall-clock seconds → date.
fn date_of_days(days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN) + Duration::days(days)
}

fn offset(zone: Tz, t: Instant) -> i64 {
    // chrono-tz's tables end with 2099; the zones' rules go on. A later
    // year reads as the year of 2072-2099 that falls on the same weekdays.
    let t = match chrono::DateTime::from_timestamp(t, 0) {
        Some(dt) if dt.year() >= 2100 => {
            let y = dt.year();
            let jan1 = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
            let leap = |y: i32| NaiveDate::from_ymd_opt(y, 2, 29).is_some();
            (2072..=2099)
                .find(|&l| {
                    leap(l) == leap(y)
                        && jan1(l).map(|d| d.weekday()) == jan1(y).map(|d| d.weekday())
                })
                .and_then(|l| Some((jan1(y)? - jan1(l)?).num_days()))
                .map_or(t, |days| t - days * DAY)
        }
        _ => t,
    };
    chrono::DateTime::from_timestamp(t, 0).map_or(0, |dt| {
        i64::from(
            zone.offset_from_utc_datetime(&dt.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

/// Merged, sorted pauses.
fn merged(pauses: &[(Instant, Instant)]) -> Vec<(Instant, Instant)> {
    let mut v: Vec<(Instant, Instant)> = pauses.iter().copied().filter(|(f, t)| t > f).collect();
    v.sort_unstable();
    let mut out: Vec<(Instant, Instant)> = Vec::new();
    for (f, t) in v {
        match out.last_mut() {
            Some(last) if f <= last.1 => last.1 = last.1.max(t),
            _ => out.push((f, t)),
        }
    }
    out
}

impl Case {
    /// The calendar spec (`Calendar::from_json`'s input).
    pub fn spec(&self) -> Value {
        let mut weekly = serde_json::Map::new();
        for (name, day) in DAYS.iter().zip(&self.weekly) {
            weekly.insert((*name).to_string(), pairs(day));
        }
        let holidays: Vec<Value> = self
            .holidays
            .iter()
            .map(|h| json!({ "rule": h.rule.text(), "observed": h.observed }))
            .collect();
        let mut overrides = serde_json::Map::new();
        for o in &self.overrides {
            overrides.insert(
                format!("{:04}-{:02}-{:02}", o.y, o.m, o.d),
                pairs(&o.intervals),
            );
        }
        json!({
            "timezone": self.timezone,
            "weekly": weekly,
            "holidays": holidays,
            "overrides": overrides,
        })
    }

    /// The reference: the intervals open on local date `d`.
    fn intervals_on(&self, d: NaiveDate) -> &[(u32, u32)] {
        if let Some(o) = self
            .overrides
            .iter()
            .find(|o| NaiveDate::from_ymd_opt(o.y, o.m, o.d) == Some(d))
        {
            return &o.intervals;
        }
        if self.holidays.iter().any(|h| h.closes(d)) {
            return &[];
        }
        let k = d.weekday().num_days_from_monday() as usize;
        self.weekly.get(k).map_or(&[], Vec::as_slice)
    }

    /// The reference: open seconds in local wall-clock `[l0, l1)` (one
    /// offset throughout).
    fn open_local(&self, l0: i64, l1: i64) -> i64 {
        let mut total = 0;
        let mut day = l0.div_euclid(DAY);
        while day * DAY < l1 {
            for &(s, e) in self.intervals_on(date_of_days(day)) {
                let from = l0.max(day * DAY + i64::from(s));
                let to = l1.min(day * DAY + i64::from(e));
                if from < to {
                    total += to - from;
                }
            }
            day += 1;
        }
        total
    }

    /// The reference `between` without pauses: an hour at a time, and
    /// where the offset differs at the hour's end, bisect to the second it
    /// changes (no zone changes twice within an hour).
    fn open_utc(&self, zone: Tz, a: Instant, b: Instant) -> i64 {
        let mut total = 0;
        let mut t = a;
        while t < b {
            let off = offset(zone, t);
            let mut end = (t + 3600).min(b);
            if offset(zone, end) != off {
                let (mut lo, mut hi) = (t, end);
                while hi - lo > 1 {
                    let m = lo + (hi - lo) / 2;
                    if offset(zone, m) == off {
                        lo = m;
                    } else {
                        hi = m;
                    }
                }
                end = hi;
            }
            total += self.open_local(t + off, end + off);
            t = end;
        }
        total
    }

    /// The reference `between(a, b, pauses)`.
    pub fn reference_between(&self, a: Instant, b: Instant) -> Option<i64> {
        let zone: Tz = self.timezone.parse().ok()?;
        let mut total = 0;
        let mut at = a;
        for (f, t) in merged(&self.pauses) {
            if t <= at {
                continue;
            }
            if f >= b {
                break;
            }
            if f > at {
                total += self.open_utc(zone, at, f.min(b));
            }
            at = at.max(t);
            if at >= b {
                return Some(total);
            }
        }
        if at < b {
            total += self.open_utc(zone, at, b);
        }
        Some(total)
    }
}

/// Records an `add` walk (detailed: no week skipping).
#[derive(Default)]
struct Recorder {
    counted: Vec<(Instant, Instant)>,
    closed: Vec<(Instant, Instant)>,
}

impl Trace for Recorder {
    fn counted(&mut self, from: Instant, to: Instant) {
        self.counted.push((from, to));
    }
    fn closed(&mut self, from: Instant, to: Instant) {
        self.closed.push((from, to));
    }
}

/// Checks every property on one case; panics on the first that fails.
pub fn check(case: &Case) {
    let spec = case.spec();
    let cal = match Calendar::from_json(&spec) {
        Ok(cal) => cal,
        Err(e) => panic!("a valid calendar is refused: {e}\n{spec}"),
    };
    let none = Pauses::none();
    let paused = match Pauses::new(case.pauses.clone()) {
        Ok(p) => p,
        Err(e) => panic!("valid pauses are refused: {e}"),
    };
    let s = case.start;
    if !(MIN_INSTANT..MAX_INSTANT).contains(&s) {
        assert!(cal.add(s, 0, &none).is_err(), "add accepts start {s}");
        return;
    }
    let [d1, d2] = {
        let [a, b] = case.durations;
        [a.min(b), a.max(b)]
    };
    if d1 < 0 {
        assert!(cal.add(s, d1, &none).is_err(), "add accepts {d1} seconds");
        return;
    }
    let between = |a: Instant, b: Instant, p: &Pauses| match cal.between(a, b, p) {
        Ok(x) => x,
        Err(e) => panic!("between({a}, {b}) fails: {e}"),
    };
    let in_range = |t: Instant| (MIN_INSTANT..MAX_INSTANT).contains(&t);

    // add, without and with pauses.
    let r1 = cal.add(s, d1, &none).ok();
    let r2 = cal.add(s, d2, &none).ok();
    if let Some(r2) = r2 {
        let Some(r1) = r1 else {
            panic!("add({s}, {d2}) = {r2} but add({s}, {d1}) fails");
        };
        assert!(
            r1 <= r2,
            "not monotonic: add({s}, {d1}) = {r1} > add({s}, {d2}) = {r2}"
        );
        // add(add(s, d1), d2 - d1) == add(s, d2).
        assert_eq!(
            cal.add(r1, d2 - d1, &none).ok(),
            Some(r2),
            "add(add({s}, {d1}), {}) != add({s}, {d2})",
            d2 - d1
        );
    }
    for (d, r) in [(d1, r1), (d2, r2)] {
        let rp = cal.add(s, d, &paused).ok();
        if let Some(r) = r {
            assert!(r >= s);
            assert_eq!(between(s, r, &none), d, "between({s}, add({s}, {d}) = {r})");
            if d > 0 {
                // The last second counted is business time: the due
                // instant is open time or a window's closing instant.
                assert_eq!(
                    between(r - 1, r, &none),
                    1,
                    "add({s}, {d}) = {r}: {} is closed",
                    r - 1
                );
                assert_eq!(cal.is_open(r - 1).ok(), Some(true), "is_open({})", r - 1);
            }
        }
        if let Some(rp) = rp {
            let Some(r) = r else {
                panic!("add({s}, {d}) fails without pauses, = {rp} with");
            };
            assert!(rp >= r, "pauses shortened add({s}, {d}): {rp} < {r}");
            assert_eq!(
                between(s, rp, &paused),
                d,
                "between({s}, add_paused({s}, {d}) = {rp})"
            );
            if d > 0 {
                assert_eq!(
                    between(rp - 1, rp, &paused),
                    1,
                    "add_paused({s}, {d}) = {rp}"
                );
            }
            assert!(between(s, rp, &none) >= d);
        }
        // The detailed walk (the explain ledger's) agrees with the fast one.
        let mut rec = Recorder::default();
        let traced = cal.add_traced(s, d, &paused, &mut rec).ok();
        match (rp, traced) {
            (Some(a), Some(b)) => assert_eq!(a, b, "add and add_traced disagree on ({s}, {d})"),
            (Some(a), None) => assert!(a - s > BOTH_FIND, "add_traced({s}, {d}) fails, add = {a}"),
            (None, Some(b)) => panic!("add({s}, {d}) fails, add_traced = {b}"),
            (None, None) => {}
        }
        if let Some(t) = traced {
            let mut sum = 0;
            let mut prev = s;
            for &(f, to) in &rec.counted {
                assert!(prev <= f && f < to && to <= t, "counted piece {f}..{to}");
                assert_eq!(
                    between(f, to, &paused),
                    to - f,
                    "counted {f}..{to} is not all open"
                );
                sum += to - f;
                prev = to;
            }
            assert_eq!(sum, d, "the counted pieces do not add up");
            for &(f, to) in &rec.closed {
                assert!(f <= to);
                if f < to && in_range(f) && in_range(to) {
                    assert_eq!(
                        between(f, to, &paused),
                        0,
                        "closed piece {f}..{to} has open time"
                    );
                }
            }
        }
    }

    // next_open and add(s, 1).
    let first = cal.next_open(s).ok().flatten();
    if let Some(o) = first {
        assert!(o >= s);
        assert_eq!(
            cal.is_open(o).ok(),
            Some(true),
            "next_open({s}) = {o} is closed"
        );
        assert_eq!(
            between(s, o, &none),
            0,
            "next_open({s}) = {o} skips open time"
        );
        if in_range(o + 1) {
            assert_eq!(
                cal.add(s, 1, &none).ok(),
                Some(o + 1),
                "add({s}, 1) vs next_open = {o}"
            );
        }
    } else if let Ok(r) = cal.add(s, 1, &none) {
        panic!("next_open({s}) is None, add({s}, 1) = {r}");
    }

    // between: fast sum vs day-by-day pieces vs the reference; additivity.
    let e = s.saturating_add(case.window.clamp(0, 400 * DAY));
    if in_range(e) {
        let total = between(s, e, &paused);
        let mut pieces = 0;
        let mut prev = s;
        let listed = cal.open_pieces(s, e, &paused, |f, t| {
            assert!(prev <= f && f < t && t <= e, "open piece {f}..{t}");
            prev = t;
            pieces += t - f;
        });
        assert!(listed.is_ok());
        assert_eq!(total, pieces, "between({s}, {e}) vs its open pieces");
        let m = s + (e - s) / 3;
        assert_eq!(
            between(s, m, &paused) + between(m, e, &paused),
            total,
            "between is not additive at {m}"
        );
        assert!(total <= between(s, e, &none));
        if e - s <= REFERENCE_SPAN {
            assert_eq!(
                Some(total),
                case.reference_between(s, e),
                "between({s}, {e}) vs the reference"
            );
        }
        for t in [s, m, e - 1]
            .into_iter()
            .filter(|t| in_range(*t) && in_range(t + 1))
        {
            assert_eq!(
                cal.is_open(t).ok(),
                Some(between(t, t + 1, &none) == 1),
                "is_open({t})"
            );
        }
    }
    for r in [r1, r2].into_iter().flatten() {
        if r - s <= REFERENCE_SPAN {
            let rp_none = Case {
                pauses: Vec::new(),
                ..case.clone()
            };
            assert_eq!(
                rp_none.reference_between(s, r),
                Some(between(s, r, &none)),
                "between({s}, {r}) vs the reference"
            );
        }
    }
}
