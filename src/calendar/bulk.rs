//! The fast path for long spans: whole days and weeks at a time.
//!
//! Over a *stretch* of local dates where the zone's UTC offset does not
//! change (with a day's margin either side) and no pause falls, a date's
//! business time is simply the sum of its intervals, and a week without
//! holidays or overrides has exactly the calendar's weekly total. So a long
//! `add` or `between` only needs the exact per-day mapping at its two ends,
//! at offset changes and at pauses; in between it steps a week (or a day)
//! at a time with integer sums. Holidays are found by their next occurrence,
//! not by testing each date.

use std::cell::Cell;

use super::Zone;
use chrono::{Datelike, Duration as Days, NaiveDate, Weekday};

use super::{date_to_days, Calendar, Holiday, HolidayRule, Pauses, DAY, INDEX_LAST_YEAR};
use crate::time::Instant;

/// How far ahead a stretch looks for the next offset change: to the end of
/// the 16th block of 2^23 s (~97 days each, ~4 years) from where it starts.
const BLOCK_BITS: u32 = 23;
const HORIZON_BLOCKS: i64 = 16;
/// How many years ahead a holiday rule is searched for its next date.
const SCAN_YEARS: i32 = 8;

/// How many days an observed holiday may move past other holidays.
pub(super) const OBSERVED_REACH: i64 = 14;

/// An offset segment: `(zone, from, to, offset)`, `to` the next offset
/// change (`Instant::MAX`: none).
type Segment = (Zone, Instant, Instant, i64);

thread_local! {
    /// The last offset segment asked for: most questions in a row fall in
    /// the same months-long segment.
    static LAST: Cell<Option<Segment>> = const { Cell::new(None) };
}

impl Calendar {
    /// The offset segment around `t`: the last one asked for, or from the
    /// zone's table (one binary search), then remembered.
    fn segment_at(&self, t: Instant) -> Segment {
        if let Some(last @ (zone, from, to, _)) = LAST.with(Cell::get) {
            if zone == self.zone && from <= t && t < to {
                return last;
            }
        }
        let (since, off, until) = self.zone.segment(t);
        let segment = (
            self.zone,
            since.unwrap_or(Instant::MIN),
            until.unwrap_or(Instant::MAX),
            off,
        );
        LAST.with(|l| l.set(Some(segment)));
        segment
    }

    /// The UTC offset at `t`.
    pub(super) fn cached_offset(&self, t: Instant) -> i64 {
        self.segment_at(t).3
    }

    /// The first offset change after `t`, or `None` within ~4 years.
    pub(super) fn next_change(&self, t: Instant) -> Option<Instant> {
        if self.always {
            return None;
        }
        let horizon = ((t >> BLOCK_BITS) + HORIZON_BLOCKS) << BLOCK_BITS;
        Some(self.segment_at(t).2).filter(|c| *c < horizon)
    }

    /// A stretch from local date `d`: the dates `[d, until)` share the UTC
    /// offset `off` (with a day's margin) and no pause touches them.
    pub(super) fn stretch(&self, d: NaiveDate, pauses: &Pauses) -> Option<(NaiveDate, i64)> {
        let midnight = date_to_days(d) * DAY;
        let lo = midnight - 2 * DAY;
        let off = self.offset(lo);
        // No change found means none up to the horizon (a bound past it
        // once missed a zone's first DST after decades without).
        let mut limit = self
            .next_change(lo)
            .unwrap_or(((lo >> BLOCK_BITS) + HORIZON_BLOCKS) << BLOCK_BITS);
        if let Some(&(from, _)) = pauses.ranges().get(pauses.first_after(lo)) {
            limit = limit.min(from);
        }
        // Dates whose whole window [midnight - DAY, midnight + 2 DAY] (as
        // UTC, either side of any offset) ends before the limit.
        let days = (limit - midnight - 2 * DAY).div_euclid(DAY);
        (days >= 1).then(|| (d + Days::days(days), off))
    }

    /// Open seconds of local date `d` (its intervals, after holidays and
    /// overrides), valid inside a stretch.
    pub(super) fn day_seconds(&self, d: NaiveDate) -> i64 {
        self.intervals_on(d)
            .iter()
            .map(|i| i64::from(i.end - i.start))
            .sum()
    }

    /// Over `n` ordinary dates from `d` (no holiday, no override, inside a
    /// stretch): how many of them, from the first, together hold fewer than
    /// `remaining` seconds, and their seconds. Whole weeks at a time, then
    /// at most six days by their weekday's hours.
    pub(super) fn ordinary_run(&self, d: NaiveDate, n: i64, remaining: i64) -> (i64, i64) {
        if n <= 0 || remaining <= 0 {
            return (0, 0);
        }
        let weeks = n / 7;
        let w = self.week_seconds;
        let full = if w > 0 {
            weeks.min((remaining - 1) / w)
        } else {
            weeks
        };
        let mut days = full * 7;
        let mut secs = full * w;
        let first = i64::from(d.weekday().num_days_from_monday());
        while days < n && days < full * 7 + 7 {
            let wd = usize::try_from((first + days) % 7).unwrap_or(0);
            let s: i64 = self
                .weekly
                .get(wd)
                .map_or(0, |v| v.iter().map(|i| i64::from(i.end - i.start)).sum());
            if secs + s >= remaining {
                break;
            }
            secs += s;
            days += 1;
        }
        (days, secs)
    }

    /// A date on or after `d` up to which (excluded) every date is
    /// ordinary: the first holiday or override date, or the end of what
    /// the search covered (the holiday index's range, or the years a rule
    /// scan looked at), where the caller must ask again. Never "none":
    /// a "none" remembered past the search's end once skipped a holiday in
    /// 2101 from a start in 2099, and a fifth Monday of February comes
    /// only every 28 years.
    pub(super) fn next_special(&self, d: NaiveDate) -> NaiveDate {
        let (holiday, searched_to) = match self.index_for(d) {
            // The index holds every closed date below its last year.
            Some(index) => (
                index
                    .get(index.partition_point(|(x, _)| *x < d))
                    .map(|(x, _)| *x),
                NaiveDate::from_ymd_opt(INDEX_LAST_YEAR, 1, 1),
            ),
            None => (
                self.holidays
                    .iter()
                    .filter_map(|h| h.next_on_or_after(d, &self.holidays))
                    .min(),
                NaiveDate::from_ymd_opt(d.year() + SCAN_YEARS, 1, 1),
            ),
        };
        let override_ = self.overrides.range(d..).next().map(|(k, _)| *k);
        [holiday, override_, searched_to]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(d)
            .max(d)
    }
}

impl Holiday {
    /// The first date on or after `d` this holiday closes (its own date or
    /// the observed one).
    fn next_on_or_after(&self, d: NaiveDate, all: &[Holiday]) -> Option<NaiveDate> {
        let mut best: Option<NaiveDate> = None;
        let years = match &self.rule {
            HolidayRule::Date(x) => x.year()..=x.year(),
            // Feb 29 recurs only in leap years: look up to 8 years on
            // (`next_special` stops there and asks again).
            _ => d.year() - 1..=d.year() + SCAN_YEARS,
        };
        for y in years {
            if best.is_some_and(|b| b.year() < y - 1) {
                break;
            }
            let Some(x) = self.in_year(y) else { continue };
            for c in [Some(x), self.observed_date(x, all)].into_iter().flatten() {
                if c >= d && best.is_none_or(|b| c < b) {
                    best = Some(c);
                }
            }
        }
        best
    }

    /// The dates this holiday closes for its year-`y` occurrence (its own,
    /// and the observed one); `all` is the calendar's holidays.
    pub(super) fn dates_in_year(&self, y: i32, all: &[Holiday]) -> impl Iterator<Item = NaiveDate> {
        let x = self.in_year(y);
        let observed = x.and_then(|x| self.observed_date(x, all));
        x.into_iter().chain(observed)
    }

    /// The holiday's own date in year `y`.
    pub(super) fn in_year(&self, y: i32) -> Option<NaiveDate> {
        match &self.rule {
            HolidayRule::Date(x) => (x.year() == y).then_some(*x),
            HolidayRule::Yearly { month, day } => NaiveDate::from_ymd_opt(y, *month, *day),
            HolidayRule::Nth {
                n,
                weekday,
                month,
                offset,
            } => {
                let base = if *n > 0 {
                    NaiveDate::from_weekday_of_month_opt(y, *month, *weekday, n.unsigned_abs())
                } else {
                    let next_month = if *month == 12 {
                        NaiveDate::from_ymd_opt(y + 1, 1, 1)
                    } else {
                        NaiveDate::from_ymd_opt(y, *month + 1, 1)
                    }?;
                    let last = next_month.pred_opt()?;
                    let back = (7 + last.weekday().num_days_from_monday()
                        - weekday.num_days_from_monday())
                        % 7;
                    Some(last - Days::days(i64::from(back)))
                }?;
                base.checked_add_signed(Days::days(i64::from(*offset)))
            }
        }
    }

    /// Where a weekend date `x` is observed, if this holiday is observed:
    /// the nearest weekday (Friday for a Saturday, Monday for a Sunday)
    /// that is not itself one of the calendar's holidays (`all`), going on
    /// in the same direction past those. Christmas Eve on a Sunday is
    /// observed on Tuesday when Christmas Day is the Monday; Christmas Day
    /// on a Saturday on Thursday when Christmas Eve is the Friday.
    pub(super) fn observed_date(&self, x: NaiveDate, all: &[Holiday]) -> Option<NaiveDate> {
        if !self.observed {
            return None;
        }
        let step = match x.weekday() {
            Weekday::Sat => -1,
            Weekday::Sun => 1,
            _ => return None,
        };
        // Two weeks of holidays in a row end the search: not observed.
        (1..=OBSERVED_REACH)
            .filter_map(|k| x.checked_add_signed(Days::days(step * k)))
            .find(|c| {
                !matches!(c.weekday(), Weekday::Sat | Weekday::Sun)
                    && !all.iter().any(|h| h.actual_on(*c))
            })
    }
}
