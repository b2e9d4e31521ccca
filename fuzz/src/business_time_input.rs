//! Bytes → a [`Case`] for the `business_time` target, through
//! `arbitrary`: shared by the fuzz target and by
//! `tests/fuzz_regressions.rs`, which replays the raw corpus and crash
//! inputs on stable with exactly this decoding.

use arbitrary::{Arbitrary, Unstructured};
use chrono::Datelike;
use ticket_rules::time::{Instant, MAX_INSTANT, MIN_INSTANT};

use crate::business_time::{Case, Holiday, HolidayRule, Override, ZONES};

const DAY: i64 = 86_400;
/// 2024-01-01T00:00:00Z.
const Y2024: Instant = 1_704_067_200;

#[derive(Arbitrary, Debug)]
struct Input {
    zone: u8,
    week: [Vec<u32>; 7],
    holidays: Vec<HolidayIn>,
    overrides: Vec<(u8, Vec<u32>)>,
    start: StartIn,
    durations: [DurationIn; 2],
    pauses: Vec<(u32, u32)>,
    window: u32,
}

#[derive(Arbitrary, Debug)]
enum StartIn {
    /// Ten years from 2024: today's DST rules.
    Recent(u32),
    /// Anywhere in 1900-2199.
    Any(u64),
    /// Seconds from either end of the range.
    FromMin(u16),
    FromMax(u16),
}

#[derive(Arbitrary, Debug)]
enum DurationIn {
    Seconds(u16),
    Minutes(u16),
    Hours(u16, u16),
    Raw(u32),
}

#[derive(Arbitrary, Debug)]
struct HolidayIn {
    kind: u8,
    a: u8,
    b: u8,
    c: u8,
    offset: i8,
    observed: bool,
}

/// Cut points → sorted, disjoint intervals: quarter hours (where DST
/// changes fall) or any second.
fn intervals(cuts: &[u32]) -> Vec<(u32, u32)> {
    let mut v: Vec<u32> = cuts
        .iter()
        .take(6)
        .map(|&c| {
            if c & 1 == 0 {
                (c >> 1) % 97 * 900
            } else {
                (c >> 1) % 86_401
            }
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

fn ymd(t: Instant) -> (i32, u32, u32) {
    let d = chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    (d.year(), d.month(), d.day())
}

fn duration(d: &DurationIn) -> i64 {
    match *d {
        DurationIn::Seconds(s) => i64::from(s),
        DurationIn::Minutes(m) => i64::from(m) * 60,
        DurationIn::Hours(h, s) => i64::from(h % 2000) * 3600 + i64::from(s % 3600),
        DurationIn::Raw(r) => i64::from(r),
    }
}

fn case(input: &Input) -> Case {
    let span = (MAX_INSTANT - MIN_INSTANT) as u64;
    let start = match input.start {
        StartIn::Recent(x) => Y2024 + i64::from(x) % (10 * 365 * DAY),
        StartIn::Any(x) => MIN_INSTANT + (x % span) as i64,
        StartIn::FromMin(x) => MIN_INSTANT + i64::from(x),
        StartIn::FromMax(x) => MAX_INSTANT - 1 - i64::from(x),
    };
    let near = |days: u8| ymd(start + (i64::from(days) % 60 - 10) * DAY);
    let holidays = input
        .holidays
        .iter()
        .take(4)
        .filter_map(|h| {
            let rule = match h.kind % 3 {
                0 => {
                    let (y, m, d) = near(h.a);
                    if !(1900..=2199).contains(&y) {
                        return None;
                    }
                    HolidayRule::Date { y, m, d }
                }
                1 => {
                    let m = u32::from(h.b % 12) + 1;
                    let d = (u32::from(h.c) % 31 + 1).min(match m {
                        2 => 29,
                        4 | 6 | 9 | 11 => 30,
                        _ => 31,
                    });
                    HolidayRule::Yearly { m, d }
                }
                _ => HolidayRule::Nth {
                    n: [1, 2, 3, 4, 5, -1][usize::from(h.a % 6)],
                    weekday: h.c % 7,
                    month: u32::from(h.b % 12) + 1,
                    offset: i32::from(h.offset % 32),
                },
            };
            Some(Holiday {
                rule,
                observed: h.observed,
            })
        })
        .collect();
    let mut overrides: Vec<Override> = Vec::new();
    for (days, cuts) in input.overrides.iter().take(2) {
        let (y, m, d) = near(*days);
        if (1900..=2199).contains(&y) && !overrides.iter().any(|o| (o.y, o.m, o.d) == (y, m, d)) {
            overrides.push(Override {
                y,
                m,
                d,
                intervals: intervals(cuts),
            });
        }
    }
    let pauses = input
        .pauses
        .iter()
        .take(3)
        .map(|&(from, len)| {
            let f = start - DAY + i64::from(from % (40 * DAY as u32));
            (f, f + i64::from(len % (10 * DAY as u32)))
        })
        .collect();
    Case {
        timezone: ZONES[usize::from(input.zone) % ZONES.len()].to_string(),
        weekly: std::array::from_fn(|k| intervals(&input.week[k])),
        holidays,
        overrides,
        start,
        durations: [duration(&input.durations[0]), duration(&input.durations[1])],
        pauses,
        window: i64::from(input.window % (30 * DAY as u32)),
    }
}

/// The case libFuzzer's typed `fuzz_target!` would build from `data`, or
/// `None` where it would reject the input.
pub fn decode(data: &[u8]) -> Option<Case> {
    Input::arbitrary_take_rest(Unstructured::new(data))
        .ok()
        .map(|input| case(&input))
}
