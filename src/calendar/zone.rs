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

use crate::time::Instant;

static DATA: &[u8] = include_bytes!("zones.bin");

/// An IANA zone (or link) by name, e.g. `America/New_York`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Zone(u16);

/// A zone's offsets: before the first transition, and from each on.
#[derive(Debug, Default)]
struct Spans {
    first: i32,
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

/// Reads LEB128 varints off the front of a byte slice; a truncated or
/// overlong one reads as 0 (the table is ours and checked by tests).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn unsigned(&mut self) -> u64 {
        let mut value = 0u64;
        for (i, b) in self.0.iter().enumerate() {
            if i >= 10 {
                break;
            }
            value |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                self.0 = self.0.get(i + 1..).unwrap_or_default();
                return value;
            }
        }
        self.0 = &[];
        0
    }

    fn signed(&mut self) -> i64 {
        let u = self.unsigned();
        ((u >> 1) as i64) ^ -((u & 1) as i64)
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut r = Reader(DATA);
        let magic = r.bytes(4);
        let (zones, sets) = if magic == b"TZC1" {
            (r.unsigned() as usize, r.unsigned() as usize)
        } else {
            (0, 0)
        };
        let names = (0..zones)
            .map(|_| {
                let len = r.unsigned() as usize;
                let name = std::str::from_utf8(r.bytes(len)).unwrap_or_default();
                (name, r.unsigned() as u16)
            })
            .collect();
        let sets: Vec<&'static [u8]> = (0..sets)
            .map(|_| {
                let len = r.unsigned() as usize;
                r.bytes(len)
            })
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
    Spans { first, changes }
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
        let table = table();
        let Some(set) = table
            .names
            .get(usize::from(self.0))
            .map(|(_, s)| usize::from(*s))
        else {
            return 0;
        };
        let (Some(cell), Some(bytes)) = (table.decoded.get(set), table.sets.get(set)) else {
            return 0;
        };
        let spans = cell.get_or_init(|| decode(bytes));
        let i = spans.changes.partition_point(|(from, _)| *from <= t);
        let offset = match i.checked_sub(1) {
            Some(last) => spans.changes.get(last).map_or(spans.first, |c| c.1),
            None => spans.first,
        };
        i64::from(offset)
    }

    /// Every zone name, sorted.
    pub fn names() -> impl Iterator<Item = &'static str> {
        table().names.iter().map(|(n, _)| *n)
    }
}
