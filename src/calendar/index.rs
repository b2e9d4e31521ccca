//! An index of a calendar's open time over a window of dates, for calls
//! that ask the same calendar thousands of questions around one instant
//! (the work queue: each ticket's elapsed time and due instant).
//!
//! The window's open spans, in UTC order, each with the open seconds
//! before it: business time in `[a, b)` is then a difference of two binary
//! searches, and `add` a binary search for where the sum reaches the
//! target, with pauses taken out one by one. The answers are the day
//! walk's ([`Calendar::between`], [`Calendar::add`]) exactly: a date's spans
//! are the same [`Calendar::day_spans`], and a question reaching outside
//! the window is left to the walk. The unit tests hold the two equal.
//!
//! An index is in use only while a caller holds its [`Installed`] guard
//! ([`install`]); `between` and `add` look for one for their calendar
//! first.

use std::cell::RefCell;

use chrono::Duration as Days;

use super::{date_to_days, Calendar, Pauses, Spans, DAY};
use crate::time::{Instant, MAX_INSTANT, MIN_INSTANT};

/// Dates indexed before and after the instant an index is built around.
const DAYS_BEFORE: i64 = 60;
const DAYS_AFTER: i64 = 40;

/// One calendar's open spans over a window of dates.
#[derive(Debug)]
pub(crate) struct SpanIndex {
    /// The calendar's address: which calendar this is for while installed
    /// (it outlives its guard).
    calendar: usize,
    /// Questions whose instants are all inside `[lo, hi]` are answered.
    lo: Instant,
    hi: Instant,
    /// `(start, end, open seconds before start)`, in order, disjoint.
    spans: Vec<(Instant, Instant, i64)>,
}

thread_local! {
    static INSTALLED: RefCell<Vec<SpanIndex>> = const { RefCell::new(Vec::new()) };
}

/// While held, `between` and `add` on the calendars it was made for use
/// their indexes. Dropping it removes them.
#[derive(Debug)]
#[must_use = "the indexes are removed when the guard is dropped"]
pub(crate) struct Installed {
    below: usize,
}

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = INSTALLED.try_with(|i| {
            if let Ok(mut i) = i.try_borrow_mut() {
                i.truncate(self.below);
            }
        });
    }
}

/// Indexes `calendars` (the 24x7 one needs none) around `around`, in use
/// until the guard is dropped.
pub(crate) fn install<'a>(
    calendars: impl IntoIterator<Item = &'a Calendar>,
    around: Instant,
) -> Installed {
    let made: Vec<SpanIndex> = calendars
        .into_iter()
        .filter(|c| !c.always)
        .filter_map(|c| SpanIndex::build(c, around))
        .collect();
    INSTALLED
        .try_with(|i| match i.try_borrow_mut() {
            Ok(mut i) => {
                let below = i.len();
                i.extend(made);
                Installed { below }
            }
            Err(_) => Installed { below: usize::MAX },
        })
        .unwrap_or(Installed { below: usize::MAX })
}

/// `f` of the installed index for `calendar`, if there is one.
fn with_index<R>(calendar: &Calendar, f: impl FnOnce(&SpanIndex) -> Option<R>) -> Option<R> {
    let at = std::ptr::from_ref(calendar) as usize;
    INSTALLED
        .try_with(|i| {
            let i = i.try_borrow().ok()?;
            // The latest installed first (an inner call's, around its own
            // instant).
            i.iter().rev().find(|x| x.calendar == at).and_then(f)
        })
        .ok()
        .flatten()
}

/// [`Calendar::between`] from an installed index, if one covers `[a, b)`.
pub(super) fn between(calendar: &Calendar, a: Instant, b: Instant, pauses: &Pauses) -> Option<i64> {
    with_index(calendar, |x| x.between(a, b, pauses))
}

/// [`Calendar::add`] from an installed index, if one covers the answer.
pub(super) fn add(
    calendar: &Calendar,
    start: Instant,
    seconds: i64,
    pauses: &Pauses,
) -> Option<Instant> {
    with_index(calendar, |x| x.add(start, seconds, pauses))
}

impl SpanIndex {
    /// The index of `calendar`'s dates around `around`; `None` near the
    /// ends of the supported range, or if two dates' spans overlap (they
    /// cannot: each instant has one local date).
    pub(super) fn build(calendar: &Calendar, around: Instant) -> Option<SpanIndex> {
        if !(MIN_INSTANT + 400 * DAY..=MAX_INSTANT - 400 * DAY).contains(&around) {
            return None;
        }
        let today = calendar.local_date(around);
        let first = today - Days::days(DAYS_BEFORE);
        let last = today + Days::days(DAYS_AFTER);
        let mut all: Spans = Vec::new();
        let mut day = Spans::new();
        let mut d = first;
        while d <= last {
            calendar.day_spans(d, &mut day);
            all.extend_from_slice(&day);
            d += Days::days(1);
        }
        crate::json::sort_pairs(&mut all, None);
        let mut spans = Vec::with_capacity(all.len());
        let mut before = 0;
        let mut end = Instant::MIN;
        for (s, e) in all {
            if s < end {
                return None;
            }
            spans.push((s, e, before));
            before += e - s;
            end = e;
        }
        // The walk for `[a, b)` reads the dates from a's local date - 1 to
        // b's + 1; any offset is under a day, so these bounds keep every
        // date it reads inside the window.
        Some(SpanIndex {
            calendar: std::ptr::from_ref(calendar) as usize,
            lo: (date_to_days(first) + 3) * DAY,
            hi: (date_to_days(last) - 2) * DAY,
            spans,
        })
    }

    /// Open seconds in the window before `t` (pauses aside).
    fn open_before(&self, t: Instant) -> i64 {
        let k = self.spans.partition_point(|&(_, e, _)| e <= t);
        match self.spans.get(k) {
            Some(&(s, _, before)) => before + (t - s).max(0),
            None => self
                .spans
                .last()
                .map_or(0, |&(s, e, before)| before + (e - s)),
        }
    }

    /// The first instant by which `x` open seconds of the window have
    /// passed, if inside it.
    fn reaching(&self, x: i64) -> Option<Instant> {
        let k = self
            .spans
            .partition_point(|&(s, e, before)| before + (e - s) < x);
        let &(s, _, before) = self.spans.get(k)?;
        Some(s + (x - before)).filter(|t| *t <= self.hi)
    }

    fn covers(&self, t: Instant) -> bool {
        (self.lo..=self.hi).contains(&t)
    }

    pub(super) fn between(&self, a: Instant, b: Instant, pauses: &Pauses) -> Option<i64> {
        if !self.covers(a) || !self.covers(b) {
            return None;
        }
        if b <= a {
            return Some(0);
        }
        let mut total = self.open_before(b) - self.open_before(a);
        for &(from, to) in pauses.0.get(pauses.first_after(a)..).unwrap_or(&[]) {
            if from >= b {
                break;
            }
            total -= self.open_before(to.min(b)) - self.open_before(from.max(a));
        }
        Some(total)
    }

    pub(super) fn add(&self, start: Instant, seconds: i64, pauses: &Pauses) -> Option<Instant> {
        if !self.covers(start) {
            return None;
        }
        if seconds <= 0 {
            return Some(start);
        }
        let (mut at, mut left) = (start, seconds);
        for &(from, to) in pauses.0.get(pauses.first_after(start)..).unwrap_or(&[]) {
            if from > at {
                let open = self.open_before(from) - self.open_before(at);
                if open >= left {
                    break;
                }
                left -= open;
            }
            at = at.max(to);
            if at > self.hi {
                return None;
            }
        }
        self.reaching(self.open_before(at) + left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn calendars() -> Vec<Calendar> {
        [
            json!({ "timezone": "America/New_York",
                    "weekly": { "mon-fri": ["08:00-17:00"] },
                    "holidays": ["2026-07-03", "12-25", "4th Thursday of November"] }),
            json!({ "timezone": "Europe/London",
                    "weekly": { "mon-fri": ["00:30-01:30", "09:00-12:00", "13:00-17:30"], "sat": ["10:00-14:00"] } }),
            // Half-hour DST, and a change at 02:00 local.
            json!({ "timezone": "Australia/Lord_Howe",
                    "weekly": { "mon-sun": ["01:00-03:00", "22:00-24:00"] } }),
            json!({ "timezone": "America/St_Johns",
                    "weekly": { "mon-sun": ["00:00-24:00"] },
                    "overrides": { "2026-03-09": [], "2026-11-02": ["10:00-11:00"] } }),
            json!({ "timezone": "Asia/Tokyo", "weekly": { "tue": ["09:00-09:01"] } }),
        ]
        .iter()
        .map(|j| Calendar::from_json(j).expect("calendar"))
        .collect()
    }

    /// The index answers exactly what the day walk answers, for instants
    /// around DST changes, holidays and overrides, with and without
    /// pauses; what it declines is outside its window.
    #[test]
    fn the_index_answers_what_the_walk_answers() {
        let mut seed = 42u64;
        let mut next = |n: i64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 17) % n.unsigned_abs()) as i64
        };
        // Around each zone's changes in 2026 and the turn of the year.
        let arounds = [
            1_773_000_000, // 2026-03-08
            1_775_300_000, // 2026-04-04
            1_791_000_000, // 2026-10-03
            1_793_500_000, // 2026-11-01
            1_798_700_000, // 2026-12-31
        ];
        let (mut answered, mut declined) = (0, 0);
        for cal in calendars() {
            for around in arounds {
                let index = SpanIndex::build(&cal, around).expect("index");
                for _ in 0..300 {
                    let a = around - 56 * DAY + next(92 * DAY);
                    let b = a + next(12 * DAY) - 2 * DAY;
                    let mut pairs = Vec::new();
                    for _ in 0..next(4) {
                        let from = a - 2 * DAY + next(20 * DAY);
                        pairs.push((from, from + next(3 * DAY)));
                    }
                    let pauses = Pauses::new(pairs).expect("pauses");
                    let walk = cal.between(a, b, &pauses).expect("between");
                    match index.between(a, b, &pauses) {
                        Some(got) => {
                            answered += 1;
                            assert_eq!(got, walk, "between {a} {b} {pauses:?} {}", cal.name());
                        }
                        None => {
                            declined += 1;
                            assert!(!index.covers(a) || !index.covers(b));
                        }
                    }
                    let seconds =
                        [0, 1, 60, 3600, 9 * 3600, 32_400 * 3, next(40 * 3600)][next(7) as usize];
                    let walk = cal.add(a, seconds, &pauses);
                    match index.add(a, seconds, &pauses) {
                        Some(got) => {
                            answered += 1;
                            assert_eq!(
                                Ok(got),
                                walk,
                                "add {a} {seconds} {pauses:?} {}",
                                cal.name()
                            );
                        }
                        None => {
                            declined += 1;
                            assert!(
                                a < index.lo
                                    || a > index.hi
                                    || walk.as_ref().map_or(true, |w| *w > index.hi),
                                "declined inside the window: add {a} {seconds}"
                            );
                        }
                    }
                }
            }
        }
        assert!(
            answered > 10 * declined,
            "{answered} answered, {declined} declined"
        );
    }

    /// Installed, `between` and `add` use the index; dropped, the walk.
    #[test]
    fn installed_only_while_held() {
        let cal = calendars().remove(0);
        let around = 1_773_000_000;
        let none = Pauses::none();
        let walk = cal.between(around - 3 * DAY, around, &none).expect("walk");
        assert!(between(&cal, around - DAY, around, &none).is_none());
        {
            let _held = install([&cal], around);
            assert_eq!(between(&cal, around - 3 * DAY, around, &none), Some(walk));
            assert_eq!(
                cal.between(around - 3 * DAY, around, &none).ok(),
                Some(walk)
            );
            assert!(add(&cal, around, 3600, &none).is_some());
            // Another calendar with the same rules is not this one.
            let other = cal.clone();
            assert!(between(&other, around - DAY, around, &none).is_none());
        }
        assert!(between(&cal, around - DAY, around, &none).is_none());
    }
}
