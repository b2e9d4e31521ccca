//! The compact zone table (`src/calendar/zones.bin`, written by
//! `scripts/tz_compact.py`) against chrono-tz, whose tables it was made
//! from: every zone by name, and its offset at every transition, one
//! second either side, and at a spread of instants from 1800 to 2300.
//! A chrono-tz upgrade that changes the data fails here until the script
//! is run again.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::{Tz, TZ_VARIANTS};
use ticket_rules::calendar::Zone;

fn chrono_offset(tz: Tz, t: i64) -> i64 {
    let dt = DateTime::from_timestamp(t, 0)
        .expect("in range")
        .naive_utc();
    i64::from(tz.offset_from_utc_datetime(&dt).fix().local_minus_utc())
}

/// Instants where chrono-tz's offset changes in `[a, b)`, by bisection
/// over probes a week apart (no zone changes and changes back in a week).
fn changes(tz: Tz, a: i64, b: i64) -> Vec<i64> {
    const WEEK: i64 = 7 * 86_400;
    let mut out = Vec::new();
    let mut t = a;
    while t < b {
        let next = (t + WEEK).min(b);
        if chrono_offset(tz, t) != chrono_offset(tz, next) {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if chrono_offset(tz, mid) == chrono_offset(tz, t) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(hi);
        }
        t = next;
    }
    out
}

#[test]
fn every_zone_has_its_name_and_no_other_exists() {
    let ours: Vec<&str> = Zone::names().collect();
    let mut theirs: Vec<&str> = TZ_VARIANTS.iter().map(|z| z.name()).collect();
    theirs.sort_unstable();
    assert_eq!(ours, theirs);
    for name in theirs {
        assert_eq!(Zone::named(name).map(Zone::name), Some(name));
    }
    let ny = Zone::named("America/New_York").expect("New York");
    assert_eq!(format!("{ny:?}"), r#"Zone("America/New_York")"#);
    for wrong in [
        "america/new_york",
        "America/New_York ",
        "",
        "Mars/Olympus",
        "EST5EDT,M3.2.0",
    ] {
        assert_eq!(Zone::named(wrong), None, "{wrong:?}");
    }
}

#[test]
fn every_zone_agrees_with_chrono_tz_around_every_change() {
    // 1800-01-01 to 2300-01-01.
    let (a, b) = (-5_364_662_400, 10_413_792_000);
    let mut checked = 0;
    for tz in TZ_VARIANTS {
        let zone = Zone::named(tz.name()).expect("every zone");
        let mut at: Vec<i64> = changes(tz, a, b)
            .into_iter()
            .flat_map(|c| [c - 1, c, c + 1])
            .collect();
        at.extend((a..b).step_by(86_400 * 97 + 3_607));
        let mut max = i64::MIN;
        for t in at {
            let offset = chrono_offset(tz, t);
            assert_eq!(zone.offset_at(t), offset, "{} at {t}", tz.name());
            max = max.max(offset);
            checked += 1;
        }
        // Every span is sampled (at its first second), so the largest
        // offset seen is the zone's largest.
        assert_eq!(zone.max_offset(), max, "{}", tz.name());
    }
    assert!(checked > 1_000_000, "{checked}");
}
