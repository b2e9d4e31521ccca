//! The compact zone table (`src/calendar/zones.bin`, written by
//! `scripts/tz_compact.py`) against chrono-tz, whose tables it was made
//! from: every zone by name, and its offset at every transition, one
//! second either side, and at a spread of instants from 1800 to 2100
//! (then the rules go on; chrono-tz's tables end).
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
    // 1800-01-01 to 2100-01-01 (chrono-tz's tables end with 2099; from
    // 2100 see `daylight_saving_goes_on_after_2099`).
    let (a, b) = (-5_364_662_400, 4_102_444_800);
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
    assert!(checked > 800_000, "{checked}");
}

/// chrono-tz's tables end with 2099; the zones' rules do not. Through 2199
/// (the supported range), New York springs forward on the second Sunday of
/// March at 07:00 UTC and falls back on the first Sunday of November at
/// 06:00 UTC; London on the last Sundays of March and October at 01:00 UTC.
#[test]
fn daylight_saving_goes_on_after_2099() {
    use chrono::{Datelike, NaiveDate, Weekday};
    let nth = |y: i32, m: u32, n: u8| {
        NaiveDate::from_weekday_of_month_opt(y, m, Weekday::Sun, n).unwrap()
    };
    let last = |y: i32, m: u32| {
        (1..=5)
            .rev()
            .find_map(|n| NaiveDate::from_weekday_of_month_opt(y, m, Weekday::Sun, n))
            .unwrap()
    };
    let at = |d: NaiveDate, hour: i64| {
        (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() * 86_400 + hour * 3600
    };
    let ny = Zone::named("America/New_York").unwrap();
    let london = Zone::named("Europe/London").unwrap();
    for y in 2095..2200 {
        for (zone, spring, fall, std, dst) in [
            (
                ny,
                at(nth(y, 3, 2), 7),
                at(nth(y, 11, 1), 6),
                -18_000,
                -14_400,
            ),
            (london, at(last(y, 3), 1), at(last(y, 10), 1), 0, 3600),
        ] {
            let name = zone.name();
            assert_eq!(zone.offset_at(spring - 1), std, "{name} {y} spring");
            assert_eq!(zone.offset_at(spring), dst, "{name} {y} spring");
            assert_eq!(zone.offset_at(fall - 1), dst, "{name} {y} fall");
            assert_eq!(zone.offset_at(fall), std, "{name} {y} fall");
            assert_eq!(
                zone.offset_at(at(NaiveDate::from_ymd_opt(y, 1, 1).unwrap(), 0)),
                std
            );
        }
        assert!(nth(y, 3, 2).year() == y);
    }
    // Asked about late 2099 first (the offset remembered for the stretch
    // around it), 2100 still has its daylight saving.
    let nine = ticket_rules::calendar::Calendar::from_json(&serde_json::json!({
        "timezone": "America/New_York", "weekly": { "daily": ["09:00-10:00"] },
    }))
    .unwrap();
    let june_2100 = at(NaiveDate::from_ymd_opt(2100, 6, 1).unwrap(), 13) + 1800;
    assert!(nine.is_open(june_2100).unwrap());
    assert!(nine
        .is_open(at(NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(), 14) + 1800)
        .unwrap());
    assert!(nine.is_open(june_2100).unwrap(), "09:30 EDT");
    assert!(!nine.is_open(june_2100 + 3600).unwrap());
    let none = ticket_rules::calendar::Pauses::none();
    let from = at(NaiveDate::from_ymd_opt(2099, 12, 20).unwrap(), 0);
    let due = nine.add(from, 100 * 3600, &none).unwrap();
    // 100 one-hour days from Dec 20, 2099 (11 in 2099): the 100th is
    // March 29, 2100, after New York's March 14 change: 10:00 EDT.
    assert_eq!(
        ticket_rules::time::format_instant(due),
        "2100-03-29T14:00:00Z"
    );
    // A calendar's day there is as long as its zone says: 23 hours on the
    // day New York springs forward in 2150.
    let cal = ticket_rules::calendar::Calendar::from_json(&serde_json::json!({
        "timezone": "America/New_York", "weekly": { "daily": ["00:00-24:00"] },
    }))
    .unwrap();
    let day = nth(2150, 3, 2);
    let midnight = at(day, 5);
    let none = ticket_rules::calendar::Pauses::none();
    assert_eq!(cal.between(midnight, midnight + 86_400, &none), Ok(86_400));
    assert_eq!(
        cal.add(midnight, 23 * 3600, &none),
        Ok(midnight + 23 * 3600)
    );
    assert_eq!(
        cal.local_date(midnight + 23 * 3600),
        day.succ_opt().unwrap()
    );
}

/// Zones whose changes IANA lists year by year rather than by a rule:
/// Morocco's Ramadan shifts end in 2087 (then +01 for good), Palestine's
/// DST suspended for Ramadan is listed up to 2086 (then its rules go on).
/// Replaying a year of those lists into the 2100s made offsets up. The
/// expected offsets are Python's `zoneinfo` (tzdata 2025b) at these
/// instants; every zone was compared with it from 2100 to 2199 (199 zones
/// with daylight saving every 12 hours, the others weekly) when this test
/// was written.
#[test]
fn zones_whose_changes_are_listed_year_by_year_after_2099() {
    let t = |s: &str| ticket_rules::time::parse_instant(s, "t").unwrap();
    let cases = [
        ("Africa/Casablanca", "2100-07-20T08:30:00Z", 3600),
        ("Africa/Casablanca", "2100-08-01T06:30:00Z", 3600),
        ("Africa/Casablanca", "2112-04-20T12:00:00Z", 3600),
        ("Africa/Casablanca", "2150-07-01T00:00:00Z", 3600),
        ("Africa/El_Aaiun", "2100-07-20T08:30:00Z", 3600),
        ("Asia/Gaza", "2100-08-01T06:30:00Z", 10_800),
        ("Asia/Gaza", "2112-03-30T12:00:00Z", 10_800),
        ("Asia/Gaza", "2112-10-20T12:00:00Z", 10_800),
        ("Asia/Gaza", "2112-11-05T12:00:00Z", 7200),
        ("Asia/Gaza", "2150-07-01T00:00:00Z", 10_800),
        ("Asia/Hebron", "2100-08-01T06:30:00Z", 10_800),
    ];
    for (name, at, offset) in cases {
        let zone = Zone::named(name).unwrap();
        assert_eq!(zone.offset_at(t(at)), offset, "{name} at {at}");
    }
    // Morocco keeps +01 from its last change on, every day to the end.
    let casablanca = Zone::named("Africa/Casablanca").unwrap();
    let mut at = t("2088-01-01T00:00:00Z");
    while at < t("2199-12-31T00:00:00Z") {
        assert_eq!(casablanca.offset_at(at), 3600, "{at}");
        at += 86_400 * 5 + 3600;
    }
}
