//! Business calendars and business-time arithmetic.
//!
//! A [`Calendar`] has an IANA time zone, weekly opening intervals (several
//! per day), holidays (dates, yearly dates, "4th Thursday of November"
//! rules, optionally observed on the nearest weekday) and per-date
//! overrides. The built-in [`Calendar::always`] runs 24x7.
//!
//! # Semantics (normative: `shared/vectors/README.md`)
//!
//! An instant counts as business time iff the calendar's **local
//! wall-clock time** falls on a date that is not a holiday and inside one
//! of that date's half-open intervals `[start, end)`, and the instant is not
//! inside a pause (half-open UTC `[from, to)`). Across daylight-saving
//! changes, business time is real elapsed time while the local clock shows
//! an open time: skipped local times never occur (spring forward shortens
//! that day), repeated ones count each time the clock shows them (fall back
//! lengthens it). This is the DST policy; there is no other.
//!
//! - `between(a, b)`: seconds of business time in `[a, b)`.
//! - `add(s, d)`: the smallest `T >= s` with `between(s, T) >= d`; so
//!   `add(s, 0) == s`, and a due time that uses a window up exactly is that
//!   window's closing instant, not the next opening.
//!
//! # How it computes
//!
//! In whole intervals, never in minute steps. For each local date the
//! calendar's intervals are mapped to UTC once (with the zone's offset
//! segments, read from its table of transitions: see [`zone`]), then
//! intersected with the
//! range asked for, minus pauses. Runs of ordinary weeks (no holiday,
//! override, offset change or pause) are skipped whole, so the cost of
//! `add` grows with the holidays, pauses and DST changes in range, not
//! with the duration.

mod bulk;
pub(crate) mod index;
mod spec;
pub mod zone;
mod zone_table;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, Duration as Days, NaiveDate, Weekday};

use crate::duration::MAX_SECONDS;
use crate::error::{Error, Result};
use crate::time::{Instant, MAX_INSTANT, MIN_INSTANT};
pub use zone::Zone;

pub use spec::parse_time_of_day;

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;
/// How far a search for business time may walk: past this the calendar
/// is taken never to open again.
const HORIZON_DAYS: i64 = 366 * 20;
/// A bound on `add`'s passes that its walk never reaches: each moves on a
/// date at least, and the walk ends at the end of the range (1900-2199).
const PASSES: i64 = 366 * 310;
/// Years covered by the holiday index (dates outside test each rule).
const INDEX_FIRST_YEAR: i32 = 1970;
const INDEX_LAST_YEAR: i32 = 2100;

/// An opening interval of a local day, in seconds after local midnight;
/// `end` may be 86,400 (`24:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    /// Start, seconds after local midnight.
    pub start: u32,
    /// End (exclusive), seconds after local midnight, at most 86,400.
    pub end: u32,
}

/// How a holiday recurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidayRule {
    /// One date.
    Date(NaiveDate),
    /// Every year on this month and day (`12-25`).
    Yearly {
        /// 1–12.
        month: u32,
        /// 1–31.
        day: u32,
    },
    /// The nth weekday of a month (`4th Thursday of November`; `n = -1` is
    /// the last), shifted by `offset` days (`+1d`: the day after).
    Nth {
        /// 1–5, or -1 for the last.
        n: i8,
        /// The weekday.
        weekday: Weekday,
        /// 1–12.
        month: u32,
        /// Days added after finding the date.
        offset: i32,
    },
}

/// A holiday: when, its name, and whether a weekend date is observed on the
/// nearest weekday (Saturday → Friday, Sunday → Monday; both dates are
/// closed), moving on in the same direction past weekdays that are the
/// calendar's holidays themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// When.
    pub rule: HolidayRule,
    /// A name for people (`Christmas Day`), if given.
    pub name: Option<String>,
    /// Observe a weekend date on the nearest weekday.
    pub observed: bool,
}

/// A business calendar. Build one from a spec with
/// [`Calendar::from_json`] or take the built-in [`Calendar::always`].
#[derive(Debug, Clone)]
pub struct Calendar {
    name: String,
    zone: Zone,
    /// Monday first.
    weekly: [Vec<Interval>; 7],
    /// Open seconds in a week with no holiday and no offset change.
    week_seconds: i64,
    holidays: Vec<Holiday>,
    /// Every holiday date 1970-2100, sorted, with the holiday's index;
    /// built on first use.
    holiday_index: OnceLock<Vec<(NaiveDate, usize)>>,
    /// The same dates as one bit per day from 1970 (for the per-day test
    /// on the hot path).
    holiday_bits: OnceLock<Vec<u64>>,
    overrides: BTreeMap<NaiveDate, Vec<Interval>>,
    always: bool,
}

/// Half-open UTC `[from, to)` ranges in which no clock runs; sorted and
/// merged on construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pauses(Vec<(Instant, Instant)>);

impl Pauses {
    /// No pauses.
    pub fn none() -> Self {
        Pauses(Vec::new())
    }

    /// Pauses from `[from, to)` pairs. A pair that runs backwards is an
    /// error; overlapping pairs are merged (a paused clock is paused).
    pub fn new(mut pairs: Vec<(Instant, Instant)>) -> Result<Self> {
        for (i, (from, to)) in pairs.iter().enumerate() {
            if to < from {
                return Err(Error::InvalidPause {
                    field: format!("pauses[{i}]"),
                    message: "the pause ends before it starts".into(),
                });
            }
        }
        pairs.retain(|(f, t)| t > f);
        crate::json::sort_pairs(&mut pairs, None);
        let mut merged: Vec<(Instant, Instant)> = Vec::with_capacity(pairs.len());
        for (f, t) in pairs {
            match merged.last_mut() {
                Some(last) if f <= last.1 => last.1 = last.1.max(t),
                _ => merged.push((f, t)),
            }
        }
        Ok(Pauses(merged))
    }

    /// The merged ranges, sorted.
    pub fn ranges(&self) -> &[(Instant, Instant)] {
        &self.0
    }

    /// Index of the first pause ending after `t`.
    fn first_after(&self, t: Instant) -> usize {
        self.0.partition_point(|(_, to)| *to <= t)
    }

    /// Calls `f` with each piece of `[a, b)` outside every pause, in order;
    /// stops early when `f` returns `Some`.
    fn for_each_gap<T>(
        &self,
        a: Instant,
        b: Instant,
        mut f: impl FnMut(Instant, Instant) -> Option<T>,
    ) -> Option<T> {
        let mut at = a;
        for &(from, to) in self.0.get(self.first_after(a)..).unwrap_or(&[]) {
            if from >= b {
                break;
            }
            if from > at {
                if let Some(r) = f(at, from) {
                    return Some(r);
                }
            }
            at = at.max(to);
            if at >= b {
                return None;
            }
        }
        if at < b {
            return f(at, b);
        }
        None
    }

    /// Paused seconds inside `[a, b)`.
    fn inside(&self, a: Instant, b: Instant) -> i64 {
        let mut sum = 0;
        for &(from, to) in self.0.get(self.first_after(a)..).unwrap_or(&[]) {
            if from >= b {
                break;
            }
            sum += to.min(b) - from.max(a);
        }
        sum
    }
}

/// A local day's open time in UTC: at most a few ranges.
type Spans = Vec<(Instant, Instant)>;

impl Calendar {
    /// The built-in 24x7 calendar: every instant counts.
    pub fn always() -> Self {
        Calendar {
            name: "24x7".into(),
            zone: Zone::utc(),
            weekly: std::array::from_fn(|_| {
                vec![Interval {
                    start: 0,
                    end: 86_400,
                }]
            }),
            week_seconds: WEEK,
            holidays: Vec::new(),
            holiday_index: OnceLock::new(),
            holiday_bits: OnceLock::new(),
            overrides: BTreeMap::new(),
            always: true,
        }
    }

    /// The calendar's name (`24x7` for the built-in one).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The IANA zone.
    pub fn timezone(&self) -> &str {
        self.zone.name()
    }

    /// Whether this is a 24x7 calendar.
    pub fn is_always(&self) -> bool {
        self.always
    }

    /// The weekly intervals, Monday first.
    pub fn weekly(&self) -> &[Vec<Interval>; 7] {
        &self.weekly
    }

    /// The holidays.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// The per-date overrides.
    pub fn overrides(&self) -> &BTreeMap<NaiveDate, Vec<Interval>> {
        &self.overrides
    }

    fn new(
        name: String,
        zone: Zone,
        weekly: [Vec<Interval>; 7],
        holidays: Vec<Holiday>,
        overrides: BTreeMap<NaiveDate, Vec<Interval>>,
    ) -> Self {
        let week_seconds = weekly
            .iter()
            .flatten()
            .map(|i| i64::from(i.end - i.start))
            .sum();
        Calendar {
            name,
            zone,
            weekly,
            week_seconds,
            holidays,
            holiday_index: OnceLock::new(),
            holiday_bits: OnceLock::new(),
            overrides,
            always: false,
        }
    }

    /// The holiday falling on local date `d`, if any.
    pub fn holiday_on(&self, d: NaiveDate) -> Option<&Holiday> {
        if self.holidays.is_empty() {
            return None;
        }
        if let Some(index) = self.index_for(d) {
            let at = index.partition_point(|(x, _)| *x < d);
            return index
                .get(at)
                .filter(|(x, _)| *x == d)
                .and_then(|(_, k)| self.holidays.get(*k));
        }
        self.holidays.iter().find(|h| h.falls_on(d, &self.holidays))
    }

    /// Whether local date `d` is a holiday (or an observed one).
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        if self.holidays.is_empty() {
            return false;
        }
        if self.index_for(d).is_none() {
            return self.holiday_on(d).is_some();
        }
        let bits = self.holiday_bits.get_or_init(|| {
            let mut bits = Vec::new();
            for (x, _) in self.index_for(d).unwrap_or(&[]) {
                let n = usize::try_from(date_to_days(*x)).unwrap_or(0);
                if bits.len() <= n / 64 {
                    bits.resize(n / 64 + 1, 0u64);
                }
                if let Some(w) = bits.get_mut(n / 64) {
                    *w |= 1 << (n % 64);
                }
            }
            bits
        });
        let n = usize::try_from(date_to_days(d)).unwrap_or(0);
        bits.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    /// The holiday index, when `d` is inside the years it covers exactly.
    fn index_for(&self, d: NaiveDate) -> Option<&[(NaiveDate, usize)]> {
        if !(INDEX_FIRST_YEAR < d.year() && d.year() < INDEX_LAST_YEAR) {
            return None;
        }
        Some(self.holiday_index.get_or_init(|| {
            // Sorted as pairs of i64 (days, holiday), as instants are
            // elsewhere: one sort compiled into the module for both.
            let mut v: Vec<(i64, i64)> = Vec::new();
            for y in INDEX_FIRST_YEAR..=INDEX_LAST_YEAR {
                for (k, h) in (0..).zip(&self.holidays) {
                    for x in h.dates_in_year(y, &self.holidays) {
                        v.push((date_to_days(x), k));
                    }
                }
            }
            crate::json::sort_pairs(&mut v, None);
            v.into_iter()
                .map(|(d, k)| (days_to_date(d), usize::try_from(k).unwrap_or(usize::MAX)))
                .collect()
        }))
    }

    /// The intervals open on local date `d`: an override if there is one,
    /// else none on a holiday, else the weekday's.
    pub fn intervals_on(&self, d: NaiveDate) -> &[Interval] {
        if !self.overrides.is_empty() {
            if let Some(o) = self.overrides.get(&d) {
                return o;
            }
        }
        if self.is_holiday(d) {
            return &[];
        }
        self.weekly
            .get(d.weekday().num_days_from_monday() as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The UTC offset in seconds at instant `t`.
    fn offset(&self, t: Instant) -> i64 {
        if self.always {
            return 0;
        }
        self.cached_offset(t)
    }

    /// The local date at instant `t`.
    pub fn local_date(&self, t: Instant) -> NaiveDate {
        let local = t + self.offset(t);
        days_to_date(local.div_euclid(DAY))
    }

    /// The offset changes in `(lo, hi]`, as `(instant, new offset)`, from
    /// the zone's table.
    fn transitions(&self, lo: Instant, hi: Instant, out: &mut Vec<(Instant, i64)>) {
        let mut t = lo;
        let mut before = self.offset(lo);
        while let Some(c) = self.next_change(t).filter(|c| *c <= hi) {
            // A segment may end without a change (from 2100, at a year's end).
            let off = self.offset(c);
            if off != before {
                out.push((c, off));
                before = off;
            }
            t = c;
        }
    }

    /// Day `d`'s open spans in UTC order together with any of day
    /// `d + 1`'s that come before `d`'s last one ends. After a fall-back
    /// change just past midnight, a late interval of `d` repeats after the
    /// first minutes of `d + 1` (St. John's, 1987: the clocks went back at
    /// 00:01, so Saturday's 23:01 came after Sunday's 00:00). Walks that
    /// keep a cursor (`add`, `next_open`) must see those minutes first;
    /// the next day's pass then skips them as already behind the cursor.
    fn day_spans_in_order(&self, d: NaiveDate, out: &mut Spans, next: &mut Spans) {
        self.day_spans(d, out);
        let Some(&(_, last)) = out.last() else {
            return;
        };
        let next_day = d + Days::days(1);
        let next_midnight = date_to_days(next_day) * DAY;
        // The next date begins no earlier than its midnight minus the
        // zone's largest offset ever: most days end well before, with no
        // offset to look up.
        if last <= next_midnight - self.zone.max_offset() {
            return;
        }
        // The earliest the next date can begin in UTC: at the larger of
        // the offsets around.
        let offset = self.offset(last - DAY).max(self.offset(last));
        if last <= next_midnight - offset {
            return;
        }
        self.day_spans(next_day, next);
        let before = out.len();
        out.extend(next.iter().filter(|(s, _)| *s < last));
        if out.len() > before {
            crate::json::sort_pairs(out, None);
        }
    }

    /// The open spans of local date `d`, in UTC, sorted, merged.
    fn day_spans(&self, d: NaiveDate, out: &mut Spans) {
        out.clear();
        let intervals = self.intervals_on(d);
        if intervals.is_empty() {
            return;
        }
        let midnight = date_to_days(d) * DAY; // local midnight as if UTC
        let lo = midnight - DAY;
        let hi = midnight + 2 * DAY;
        let off_lo = self.offset(lo);
        if self.always || off_lo == self.offset(hi) {
            for i in intervals {
                out.push((
                    midnight + i64::from(i.start) - off_lo,
                    midnight + i64::from(i.end) - off_lo,
                ));
            }
        } else {
            // Offset segments over the window; each maps the local
            // intervals to the instants whose local time falls in them.
            let mut changes = Vec::with_capacity(2);
            self.transitions(lo, hi, &mut changes);
            let mut segments = Vec::with_capacity(changes.len() + 1);
            let mut start = lo;
            let mut off = off_lo;
            for &(at, next) in &changes {
                segments.push((start, at, off));
                start = at;
                off = next;
            }
            segments.push((start, hi, off));
            for i in intervals {
                let (a, b) = (midnight + i64::from(i.start), midnight + i64::from(i.end));
                for &(s, e, off) in &segments {
                    let from = (a - off).max(s);
                    let to = (b - off).min(e);
                    if from < to {
                        out.push((from, to));
                    }
                }
            }
            crate::json::sort_pairs(out, None);
            let mut merged: Spans = Vec::with_capacity(out.len());
            for &(f, t) in out.iter() {
                match merged.last_mut() {
                    Some(last) if f <= last.1 => last.1 = last.1.max(t),
                    _ => merged.push((f, t)),
                }
            }
            *out = merged;
        }
    }

    /// `add(start, seconds, pauses)`: when `seconds` of business time have
    /// run from `start`. `seconds` runs from 0 to 100 years
    /// ([`MAX_SECONDS`]); anything else is `INVALID_DURATION`.
    ///
    /// ```
    /// use ticket_rules::calendar::{Calendar, Pauses};
    /// use ticket_rules::time::{parse_instant, format_instant};
    /// let cal = Calendar::from_json(&serde_json::json!({
    ///     "timezone": "America/New_York",
    ///     "weekly": { "mon-fri": ["08:00-17:00"] },
    /// }))?;
    /// // Friday 16:00 New York + 2 business hours = Monday 09:00.
    /// let due = cal.add(parse_instant("2026-03-13T20:00:00Z", "start")?, 7200, &Pauses::none())?;
    /// assert_eq!(format_instant(due), "2026-03-16T13:00:00Z");
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    pub fn add(&self, start: Instant, seconds: i64, pauses: &Pauses) -> Result<Instant> {
        if (1..=MAX_SECONDS as i64).contains(&seconds) && !self.always {
            if let Some(t) = index::add(self, start, seconds, pauses) {
                return Ok(t);
            }
        }
        self.add_traced(start, seconds, pauses, &mut NoTrace)
    }

    /// [`add`](Self::add), reporting each counted, closed and paused piece
    /// to `trace` (for the explain ledger).
    pub fn add_traced<T: Trace>(
        &self,
        start: Instant,
        seconds: i64,
        pauses: &Pauses,
        trace: &mut T,
    ) -> Result<Instant> {
        if seconds < 0 {
            return Err(Error::InvalidDuration {
                field: "seconds".into(),
                message: format!("{seconds} is negative"),
            });
        }
        if seconds > MAX_SECONDS as i64 {
            return Err(Error::InvalidDuration {
                field: "seconds".into(),
                message: format!("{seconds} is longer than 100 years"),
            });
        }
        check_range(start)?;
        if seconds == 0 {
            return Ok(start);
        }
        let mut remaining = seconds;
        if self.always {
            // Within 1900-2199 as a business calendar's is (the end of
            // the range itself is no instant an answer may give).
            let found =
                pauses.for_each_gap(start, MAX_INSTANT, |a, b| take(a, b, &mut remaining, trace));
            return found
                .filter(|t| *t < MAX_INSTANT)
                .ok_or_else(|| beyond("the due instant"));
        }
        let mut d = self.local_date(start) - Days::days(1);
        let mut spans = Spans::new();
        let mut lookahead = Spans::new();
        let mut cursor = start; // everything before it is accounted for
                                // Long adds step whole days and weeks inside stretches (see `bulk`).
        let long = !T::DETAILED && seconds > 2 * DAY;
        let mut stretch: Option<(NaiveDate, i64)> = None;
        let mut next_try = d;
        // Dates before it are ordinary (see `next_special`).
        let mut special = NaiveDate::MIN;
        // Every pass moves on a date at least, so the end of the range
        // (below) ends the walk: a pass count of 20 years' dates gave up
        // early on a calendar whose holidays each take a pass or two (120 a
        // year ran out in 30 years), the due instant there to be found.
        for _ in 0..PASSES {
            // Past the last instant there is (a run of ordinary dates may
            // jump there: without this, a calendar that never opens walked
            // stretch by stretch for thousands of years).
            if date_to_days(d) * DAY - DAY > MAX_INSTANT {
                break;
            }
            if long && d >= next_try {
                if stretch.is_none_or(|(until, _)| d >= until) {
                    stretch = self.stretch(d, pauses);
                    if stretch.is_none() {
                        next_try = d + Days::days(1);
                    }
                }
                if let Some((until, off)) = stretch.filter(|(until, _)| d < *until) {
                    let midnight = date_to_days(d) * DAY - off;
                    if midnight >= cursor {
                        if special < d {
                            special = self.next_special(d);
                        }
                        // Ordinary dates up to the next holiday, override
                        // or end of the stretch: whole weeks, then days,
                        // while the due instant is past them.
                        let limit = special.min(until);
                        let (days, secs) = self.ordinary_run(d, (limit - d).num_days(), remaining);
                        if days > 0 {
                            remaining -= secs;
                            d += Days::days(days);
                            cursor = date_to_days(d) * DAY - off;
                            continue;
                        }
                        let secs = self.day_seconds(d);
                        if secs < remaining {
                            remaining -= secs;
                            d += Days::days(1);
                            cursor = date_to_days(d) * DAY - off;
                            continue;
                        }
                        // Due on this date: its intervals, at this offset.
                        for i in self.intervals_on(d) {
                            let (s, e) =
                                (midnight + i64::from(i.start), midnight + i64::from(i.end));
                            if e - s >= remaining {
                                return check_range(s + remaining);
                            }
                            remaining -= e - s;
                        }
                    }
                }
            }
            self.day_spans_in_order(d, &mut spans, &mut lookahead);
            for &(s, e) in &spans {
                if e <= cursor {
                    continue;
                }
                let s = s.max(cursor);
                trace.closed(cursor, s);
                let found = pauses.for_each_gap(s, e, |a, b| take(a, b, &mut remaining, trace));
                if let Some(t) = found {
                    return check_range(t);
                }
                cursor = e;
            }
            d += Days::days(1);
        }
        Err(beyond(
            "the due instant (the calendar does not open enough)",
        ))
    }

    /// `between(a, b, pauses)`: seconds of business time in `[a, b)`; 0
    /// when `b <= a`.
    pub fn between(&self, a: Instant, b: Instant, pauses: &Pauses) -> Result<i64> {
        check_range(a)?;
        check_range(b)?;
        if b <= a {
            return Ok(0);
        }
        if self.always {
            return Ok(b - a - pauses.inside(a, b));
        }
        if let Some(total) = index::between(self, a, b, pauses) {
            return Ok(total);
        }
        let mut total = 0;
        let mut d = self.local_date(a) - Days::days(1);
        let last = self.local_date(b) + Days::days(1);
        let mut spans = Spans::new();
        // Long ranges count whole days and weeks inside stretches.
        let long = b - a > 3 * DAY;
        let mut stretch: Option<(NaiveDate, i64)> = None;
        let mut next_try = d;
        // Dates before it are ordinary (see `next_special`).
        let mut special = NaiveDate::MIN;
        while d <= last {
            if long && d >= next_try {
                if stretch.is_none_or(|(until, _)| d >= until) {
                    stretch = self.stretch(d, pauses);
                    if stretch.is_none() {
                        next_try = d + Days::days(1);
                    }
                }
                if let Some((until, off)) = stretch.filter(|(until, _)| d < *until) {
                    let midnight = date_to_days(d) * DAY - off;
                    if midnight >= a && midnight + DAY <= b {
                        if special < d {
                            special = self.next_special(d);
                        }
                        // Ordinary whole dates inside [a, b), up to the next
                        // holiday, override or end of the stretch.
                        let limit = special.min(until);
                        let n = (limit - d).num_days().min((b - midnight) / DAY);
                        let (days, secs) = self.ordinary_run(d, n, i64::MAX);
                        if days > 0 {
                            total += secs;
                            d += Days::days(days);
                            continue;
                        }
                        total += self.day_seconds(d);
                        d += Days::days(1);
                        continue;
                    }
                }
            }
            self.day_spans(d, &mut spans);
            for &(s, e) in &spans {
                let (s, e) = (s.max(a), e.min(b));
                if s < e {
                    total += e - s - pauses.inside(s, e);
                }
            }
            d += Days::days(1);
        }
        Ok(total)
    }

    /// Calls `f(from, to)` for each piece of business time in `[a, b)`,
    /// in order, day by day (for ledgers; `between` is the fast sum).
    pub fn open_pieces(
        &self,
        a: Instant,
        b: Instant,
        pauses: &Pauses,
        mut f: impl FnMut(Instant, Instant),
    ) -> Result<()> {
        check_range(a)?;
        check_range(b)?;
        if b <= a {
            return Ok(());
        }
        if self.always {
            pauses.for_each_gap(a, b, |x, y| {
                f(x, y);
                None::<()>
            });
            return Ok(());
        }
        let mut d = self.local_date(a) - Days::days(1);
        let last = self.local_date(b) + Days::days(1);
        let mut spans = Spans::new();
        while d <= last {
            self.day_spans(d, &mut spans);
            for &(s, e) in &spans {
                let (s, e) = (s.max(a), e.min(b));
                if s < e {
                    pauses.for_each_gap(s, e, |x, y| {
                        f(x, y);
                        None::<()>
                    });
                }
            }
            d += Days::days(1);
        }
        Ok(())
    }

    /// Whether the calendar is open at `t`.
    pub fn is_open(&self, t: Instant) -> Result<bool> {
        check_range(t)?;
        if self.always {
            return Ok(true);
        }
        let d = self.local_date(t);
        let mut spans = Spans::new();
        for k in -1..=1 {
            self.day_spans(d + Days::days(k), &mut spans);
            if spans.iter().any(|&(s, e)| s <= t && t < e) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The first instant at or after `t` when the calendar is open, or
    /// `None` if it does not open within 20 years.
    pub fn next_open(&self, t: Instant) -> Result<Option<Instant>> {
        check_range(t)?;
        if self.always {
            return Ok(Some(t));
        }
        let mut d = self.local_date(t) - Days::days(1);
        let mut spans = Spans::new();
        let mut lookahead = Spans::new();
        for _ in 0..HORIZON_DAYS {
            self.day_spans_in_order(d, &mut spans, &mut lookahead);
            if let Some(&(s, _)) = spans.iter().find(|&&(_, e)| e > t) {
                return Ok(Some(s.max(t)).filter(|x| *x < MAX_INSTANT));
            }
            d += Days::days(1);
            if date_to_days(d) * DAY - DAY > MAX_INSTANT {
                break;
            }
        }
        Ok(None)
    }

    /// The offset changes of the zone in `[a, b)`: `(instant, offset
    /// before, offset after)`, seconds east of UTC.
    pub fn offset_changes(&self, a: Instant, b: Instant) -> Vec<(Instant, i64, i64)> {
        if self.always || b <= a {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Probe day by day so that a change and its reversal are both seen.
        let mut at = a;
        let mut changes = Vec::new();
        while at < b {
            let next = (at + DAY).min(b);
            changes.clear();
            self.transitions(at, next, &mut changes);
            let mut prev = self.offset(at);
            for &(t, off) in &changes {
                if t < b {
                    out.push((t, prev, off));
                }
                prev = off;
            }
            at = next;
        }
        out
    }
}

impl Holiday {
    /// Whether this holiday (or its observed day) is local date `d`; `all`
    /// is the calendar's holidays (an observed day moves past them).
    fn falls_on(&self, d: NaiveDate, all: &[Holiday]) -> bool {
        if self.actual_on(d) {
            return true;
        }
        // The occurrences whose observed day could be `d`: this year's,
        // and those of the years either side (a late-December Saturday is
        // observed in the year before January's, and the reverse).
        self.observed
            && (d.year() - 1..=d.year() + 1)
                .filter_map(|y| self.in_year(y))
                .filter(|x| x.signed_duration_since(d).num_days().abs() <= bulk::OBSERVED_REACH)
                .any(|x| self.observed_date(x, all) == Some(d))
    }

    pub(super) fn actual_on(&self, d: NaiveDate) -> bool {
        match &self.rule {
            HolidayRule::Date(x) => *x == d,
            HolidayRule::Yearly { month, day } => d.month() == *month && d.day() == *day,
            HolidayRule::Nth {
                n,
                weekday,
                month,
                offset,
            } => {
                let base = d - Days::days(i64::from(*offset));
                if base.month() != *month || base.weekday() != *weekday {
                    return false;
                }
                if *n > 0 {
                    (base.day() - 1) / 7 + 1 == u32::from(n.unsigned_abs())
                } else {
                    (base + Days::days(7)).month() != *month
                }
            }
        }
    }
}

/// Receives the pieces of an `add` walk, for the explain ledger. The
/// default methods do nothing and compile away.
pub trait Trace {
    /// Whether the walk must report every day (no week skipping).
    const DETAILED: bool = true;
    /// Business time counted: `[from, to)`.
    fn counted(&mut self, _from: Instant, _to: Instant) {}
    /// Time the calendar was closed or paused: `[from, to)`.
    fn closed(&mut self, _from: Instant, _to: Instant) {}
}

/// A [`Trace`] that records nothing.
pub struct NoTrace;

impl Trace for NoTrace {
    const DETAILED: bool = false;
}

/// Counts business time `[a, b)` against `remaining`: the instant it runs
/// out, if it does inside.
fn take<T: Trace>(a: Instant, b: Instant, remaining: &mut i64, trace: &mut T) -> Option<Instant> {
    if b - a >= *remaining {
        trace.counted(a, a + *remaining);
        Some(a + *remaining)
    } else {
        trace.counted(a, b);
        *remaining -= b - a;
        None
    }
}

fn check_range(t: Instant) -> Result<Instant> {
    if (MIN_INSTANT..MAX_INSTANT).contains(&t) {
        Ok(t)
    } else {
        Err(beyond("an instant"))
    }
}

fn beyond(what: &str) -> Error {
    Error::OutOfRange {
        message: format!("{what} falls outside 1900-2199"),
    }
}

/// Days since 1970-01-01 → date. Out-of-range inputs clamp; callers stay
/// inside 1900-2199.
/// Days from 0001-01-01 (day 1 in chrono's count) to 1970-01-01.
const EPOCH_CE: i64 = 719_163;

fn days_to_date(days: i64) -> NaiveDate {
    i32::try_from(days + EPOCH_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(NaiveDate::MIN)
}

fn date_to_days(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - EPOCH_CE
}
