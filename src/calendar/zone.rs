//! IANA time zones from a compact table: every zone chrono-tz knows, as
//! the one thing a calendar asks of a zone, its UTC offset at an instant.
//!
//! `zones.bin` is written by `scripts/tz_compact.py` from chrono-tz's own
//! tables (its format is described there): the total offset only,
//! transitions that change it, identical zones shared, streams laid out
//! for gzip. ~20 KB of the gzipped wasm instead of chrono-tz's ~143 KB;
//! `tests/zones.rs` holds every zone to chrono-tz, instant by instant
//! around every transition. A zone's transitions are decoded the first
//! time it is asked for, once per process.

use std::sync::OnceLock;

use super::zone_table::{self, Reader};
use crate::time::Instant;

/// 2100-01-01T00:00:00Z: where the zone tables end (see `segment`).
const FROM_2100: Instant = 4_102_444_800;

/// The table, or the part of it a slim build keeps (see `build.rs`).
static DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/zones.bin"));

/// An IANA zone (or link) by name, e.g. `America/New_York`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(u16);

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Zone").field(&self.name()).finish()
    }
}

/// A zone's offsets: before the first transition, and from each on.
#[derive(Debug, Default)]
struct Spans {
    first: i32,
    /// The largest offset the zone ever has.
    max: i32,
    /// `(from, offset)`, ascending.
    changes: Box<[(Instant, i32)]>,
}

struct Table {
    /// `(name, set)`, sorted by name.
    names: Vec<(&'static str, u16)>,
    /// Where each set's bytes are.
    sets: Vec<&'static [u8]>,
    decoded: Vec<OnceLock<Spans>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let (names, sets) = zone_table::parse(DATA);
        let names = names
            .into_iter()
            .map(|(n, s)| (n, u16::try_from(s).unwrap_or(u16::MAX)))
            .collect();
        let decoded = sets.iter().map(|_| OnceLock::new()).collect();
        Table {
            names,
            sets,
            decoded,
        }
    })
}

fn decode(bytes: &[u8]) -> Spans {
    let mut r = Reader(bytes);
    let first = r.signed() as i32;
    let n = r.unsigned() as usize;
    let k = r.unsigned() as usize;
    let offsets: Vec<i32> = (0..k).map(|_| r.signed() as i32).collect();
    let which = r.bytes(n);
    let mut day = 0i64;
    let days: Vec<i64> = (0..n)
        .map(|_| {
            day += r.signed();
            day
        })
        .collect();
    let changes = which
        .iter()
        .zip(days)
        .map(|(&i, day)| {
            let second = r.unsigned() as i64;
            let offset = offsets.get(usize::from(i)).copied().unwrap_or(first);
            (day * 86_400 + second, offset)
        })
        .collect();
    let max = offsets.iter().copied().fold(first, i32::max);
    Spans {
        first,
        max,
        changes,
    }
}

impl Zone {
    /// The zone of an IANA name, spelled exactly (`America/New_York`,
    /// `UTC`, links such as `US/Eastern` too).
    pub fn named(name: &str) -> Option<Zone> {
        let names = &table().names;
        let i = names.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        u16::try_from(i).ok().map(Zone)
    }

    /// UTC.
    pub fn utc() -> Zone {
        // The table has UTC; a table without it would fail every test.
        Zone::named("UTC").unwrap_or(Zone(0))
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        table()
            .names
            .get(usize::from(self.0))
            .map_or("UTC", |(n, _)| n)
    }

    /// The UTC offset in seconds at instant `t` (what local time minus
    /// UTC is then).
    pub fn offset_at(self, t: Instant) -> i64 {
        self.segment(t).1
    }

    /// The offset at instant `t` with the stretch it holds for: `(since,
    /// offset, until)`, `since` the change that set it (`None`: always
    /// before) and `until` the next change, or 2100 (where the table ends
    /// and the years from 2100 are read by the zone's rules).
    pub fn segment(self, t: Instant) -> (Option<Instant>, i64, Option<Instant>) {
        if t >= FROM_2100 {
            return self.segment_after_2099(t);
        }
        let Some(spans) = self.spans() else {
            return (None, 0, None);
        };
        let i = spans.changes.partition_point(|(from, _)| *from <= t);
        let (since, offset) = match i.checked_sub(1).and_then(|k| spans.changes.get(k)) {
            Some(&(from, offset)) => (Some(from), offset),
            None => (None, spans.first),
        };
        // The table's last stretch ends where the years from 2100 begin:
        // a cache of it must not answer for them.
        let until = spans
            .changes
            .get(i)
            .map_or(FROM_2100, |c| c.0.min(FROM_2100));
        (since, i64::from(offset), Some(until))
    }

    /// `segment` from 2100 on, where the tables (chrono-tz's, which end
    /// with 2099) have no more changes: a zone's rules then are those of
    /// its last years, so a date is read as the same date of a year of the
    /// 2090s whose weekdays fall alike, whole weeks earlier, where "the
    /// last Sunday of March" is the same date. The stretch is cut at the
    /// part of the year read that way.
    ///
    /// A zone whose offset has not changed in the table's last twelve
    /// years has no rules left: it keeps that offset (Morocco's and
    /// Palestine's changes are dates IANA lists year by year, up to the
    /// 2080s; replaying a year of them into the 2100s made offsets up).
    fn segment_after_2099(self, t: Instant) -> (Option<Instant>, i64, Option<Instant>) {
        // Days from 1970-01-01 to January 1 of year `y`.
        let jan1 = |y: i64| {
            let p = y - 1;
            365 * p + p.div_euclid(4) - p.div_euclid(100) + p.div_euclid(400) - 719_162
        };
        let (since, last, _) = self.segment(FROM_2100 - 1);
        if since.is_none_or(|s| s < jan1(2088) * super::DAY) {
            return (since, last, None);
        }
        let day = t.div_euclid(super::DAY);
        let mut year = 1970 + day.div_euclid(366);
        while jan1(year + 1) <= day {
            year += 1;
        }
        // January and February are read from a year of the 2090s that
        // begins on the same weekday, March to December from one whose
        // March 1 is (the same dates then fall on the same weekdays, leap
        // day or not): one of each is always there, in the years after
        // those of the predicted exceptions (Palestine's DST suspended
        // for Ramadan, listed up to 2086), which a like year from them
        // replayed into the 2100s.
        let mar1 = |y: i64| jan1(y) + 59 + (jan1(y + 1) - jan1(y) - 365);
        let (from, to, like_from) = if day < mar1(year) {
            let like = (2087..=2099)
                .rev()
                .find(|&y| (jan1(year) - jan1(y)).rem_euclid(7) == 0)
                .unwrap_or(2099);
            (jan1(year), mar1(year), jan1(like))
        } else {
            let like = (2087..=2099)
                .rev()
                .find(|&y| (mar1(year) - mar1(y)).rem_euclid(7) == 0)
                .unwrap_or(2099);
            (mar1(year), jan1(year + 1), mar1(like))
        };
        let (start, end) = (from * super::DAY, to * super::DAY);
        let shift = (from - like_from) * super::DAY;
        let (since, offset, until) = self.segment(t - shift);
        (
            Some(since.map_or(start, |s| (s + shift).max(start))),
            offset,
            Some(until.map_or(end, |u| (u + shift).min(end))),
        )
    }

    /// The largest UTC offset the zone ever has, in seconds: the earliest
    /// a local date can begin is its midnight minus this.
    pub fn max_offset(self) -> i64 {
        self.spans().map_or(0, |s| i64::from(s.max))
    }

    fn spans(self) -> Option<&'static Spans> {
        let table = table();
        let set = usize::from(table.names.get(usize::from(self.0))?.1);
        let bytes = table.sets.get(set)?;
        Some(table.decoded.get(set)?.get_or_init(|| decode(bytes)))
    }

    /// Every zone name, sorted.
    pub fn names() -> impl Iterator<Item = &'static str> {
        table().names.iter().map(|(n, _)| *n)
    }
}
