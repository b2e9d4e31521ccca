//! Business-time arithmetic: the shared vectors, hand-checked DST cases,
//! properties, and a minute-by-minute oracle.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use serde_json::{json, Value};
use ticket_rules::calendar::{Calendar, Pauses, Trace};
use ticket_rules::time::{format_instant, parse_instant, Instant};

fn t(s: &str) -> Instant {
    parse_instant(s, "t").unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn pauses(v: &Value) -> Pauses {
    let pairs = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (t(p[0].as_str().unwrap()), t(p[1].as_str().unwrap())))
        .collect();
    Pauses::new(pairs).unwrap()
}

/// The vectors: the copy in tests/data/vectors (always), and the shared
/// originals beside the checkout when present (they may be newer).
fn vector_files(name: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in [
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vectors"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors"),
    ] {
        let path = format!("{dir}/{name}");
        if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path, serde_json::from_str(&text).unwrap()));
        }
    }
    assert!(!out.is_empty());
    out
}

#[test]
fn every_add_vector() {
    let mut n = 0;
    for (path, file) in vector_files("business_time_vectors.json") {
        for c in file["cases"].as_array().unwrap() {
            let cal =
                Calendar::from_json(&c["calendar"]).unwrap_or_else(|e| panic!("{}: {e}", c["id"]));
            let got = cal.add(
                t(c["start"].as_str().unwrap()),
                c["duration_seconds"].as_i64().unwrap(),
                &pauses(&c["pauses"]),
            );
            assert_eq!(
                got.map(format_instant).as_deref(),
                Ok(c["expected_due"].as_str().unwrap()),
                "{path} {}",
                c["id"]
            );
            n += 1;
        }
    }
    assert!(n >= 48);
}

#[test]
fn every_between_vector() {
    let mut n = 0;
    for (path, file) in vector_files("business_time_between_vectors.json") {
        for c in file["cases"].as_array().unwrap() {
            let cal = Calendar::from_json(&c["calendar"]).unwrap();
            let got = cal.between(
                t(c["from"].as_str().unwrap()),
                t(c["to"].as_str().unwrap()),
                &pauses(&c["pauses"]),
            );
            assert_eq!(
                got,
                Ok(c["expected_seconds"].as_i64().unwrap()),
                "{path} {}",
                c["id"]
            );
            n += 1;
        }
    }
    assert!(n >= 12);
}

fn nine_to_five(zone: &str) -> Calendar {
    Calendar::from_json(&json!({ "timezone": zone, "weekly": { "mon-fri": ["09:00-17:00"] } }))
        .unwrap()
}

fn all_day(zone: &str, hours: &str) -> Calendar {
    Calendar::from_json(&json!({ "timezone": zone, "weekly": { "daily": [hours] } })).unwrap()
}

/// Hand-checked cases: (calendar, start UTC, seconds, expected due UTC).
/// Each was worked out from the zone's rules by hand; the comment says how.
#[test]
fn dst_transitions_by_hand() {
    let cases: &[(Calendar, &str, i64, &str)] = &[
        // New York, spring forward Sun 2026-03-08 02:00 EST → 03:00 EDT.
        // Daily 00:00-06:00 local: that day has 5 real hours (00-02 EST = 05-07Z, 03-06 EDT = 07-10Z).
        (
            all_day("America/New_York", "00:00-06:00"),
            "2026-03-08T05:00:00Z",
            5 * 3600,
            "2026-03-08T10:00:00Z",
        ),
        // ...so 6 hours from local midnight run into the next day's window (Mon 00:00 EDT = 04:00Z) by 1 h.
        (
            all_day("America/New_York", "00:00-06:00"),
            "2026-03-08T05:00:00Z",
            6 * 3600,
            "2026-03-09T05:00:00Z",
        ),
        // New York, fall back Sun 2026-11-01 02:00 EDT → 01:00 EST: 01:00-02:00 shows twice,
        // so 00:00-06:00 local is 7 real hours (04:00Z to 11:00Z).
        (
            all_day("America/New_York", "00:00-06:00"),
            "2026-11-01T04:00:00Z",
            7 * 3600,
            "2026-11-01T11:00:00Z",
        ),
        // A window fully inside the repeated hour counts twice: 01:15-01:45 local = 30 min EDT + 30 min EST.
        (
            all_day("America/New_York", "01:15-01:45"),
            "2026-11-01T05:15:00Z",
            3600,
            "2026-11-01T06:45:00Z",
        ),
        // A window inside the skipped hour never occurs: 02:15-02:45 on 2026-03-08 is skipped.
        // 30 minutes from Sat 02:20 EST (07:20Z): 25 on Saturday, none on Sunday, 5 on Monday
        // from 02:15 EDT (06:15Z).
        (
            all_day("America/New_York", "02:15-02:45"),
            "2026-03-07T07:20:00Z",
            1800,
            "2026-03-09T06:20:00Z",
        ),
        // London, spring forward Sun 2026-03-29 01:00 GMT → 02:00 BST. 9-17 weekdays: Fri 16:00 GMT
        // + 2 h = Mon 10:00 BST = 09:00Z.
        (
            nine_to_five("Europe/London"),
            "2026-03-27T16:00:00Z",
            7200,
            "2026-03-30T09:00:00Z",
        ),
        // London fall back Sun 2026-10-25: Fri 16:00 BST (15:00Z) + 2 h = Mon 10:00 GMT = 10:00Z.
        (
            nine_to_five("Europe/London"),
            "2026-10-23T15:00:00Z",
            7200,
            "2026-10-26T10:00:00Z",
        ),
        // Sydney (southern hemisphere), DST ends Sun 2026-04-05 03:00 AEDT → 02:00 AEST.
        // Fri 16:00 AEDT (05:00Z) + 2 h = Mon 10:00 AEST = 00:00Z.
        (
            nine_to_five("Australia/Sydney"),
            "2026-04-03T05:00:00Z",
            7200,
            "2026-04-06T00:00:00Z",
        ),
        // Sydney DST starts Sun 2026-10-04 02:00 AEST → 03:00 AEDT; daily 00:00-06:00 has 5 hours that day
        // (00-02 AEST = 14:00-16:00Z Sat, 03-06 AEDT = 16:00-19:00Z).
        (
            all_day("Australia/Sydney", "00:00-06:00"),
            "2026-10-03T14:00:00Z",
            5 * 3600,
            "2026-10-03T19:00:00Z",
        ),
        // Lord Howe shifts by 30 minutes: DST ends Sun 2026-04-05 02:00 (+11) → 01:30 (+10:30);
        // 01:30-02:00 shows twice, so daily 00:00-06:00 is 6.5 hours (13:00Z to 19:30Z).
        (
            all_day("Australia/Lord_Howe", "00:00-06:00"),
            "2026-04-04T13:00:00Z",
            6 * 3600 + 1800,
            "2026-04-04T19:30:00Z",
        ),
        // Lord Howe DST starts Sun 2026-10-04 02:00 (+10:30) → 02:30 (+11): 5.5 hours that day.
        (
            all_day("Australia/Lord_Howe", "00:00-06:00"),
            "2026-10-03T13:30:00Z",
            5 * 3600 + 1800,
            "2026-10-03T19:00:00Z",
        ),
        // Kolkata has no DST: 09-17 Mon-Fri, Fri 16:00 IST (10:30Z) + 2 h = Mon 10:00 IST = 04:30Z.
        (
            nine_to_five("Asia/Kolkata"),
            "2026-03-06T10:30:00Z",
            7200,
            "2026-03-09T04:30:00Z",
        ),
    ];
    for (i, (cal, start, secs, want)) in cases.iter().enumerate() {
        let got = cal
            .add(t(start), *secs, &Pauses::none())
            .map(format_instant);
        assert_eq!(
            got.as_deref(),
            Ok(*want),
            "case {i}: {start} + {secs}s in {}",
            cal.timezone()
        );
        // And back: the business time between is what was added.
        assert_eq!(
            cal.between(t(start), t(want), &Pauses::none()),
            Ok(*secs),
            "case {i} between"
        );
    }
}

#[test]
fn holidays_on_dst_days_and_starts_on_holidays() {
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["08:00-17:00"], "sun": ["10:00-14:00"] },
        "holidays": ["2026-03-08", "2026-11-02", "12-25", "4th Thursday of November", "4th Thursday of November +1d"],
    }))
    .unwrap();
    // Sunday 2026-03-08 (spring forward) is a holiday: Sat 12:00 → Mon 08:00 EDT (12:00Z) + 1 h.
    assert_eq!(
        cal.add(t("2026-03-07T17:00:00Z"), 3600, &Pauses::none())
            .map(format_instant)
            .as_deref(),
        Ok("2026-03-09T13:00:00Z")
    );
    // Monday 2026-11-02 (the day after fall back) is a holiday: Sun 13:00 EST + 2 h = 1 h Sunday, 1 h Tuesday.
    assert_eq!(
        cal.add(t("2026-11-01T18:00:00Z"), 7200, &Pauses::none())
            .map(format_instant)
            .as_deref(),
        Ok("2026-11-03T14:00:00Z")
    );
    // Thanksgiving 2026 is Thu 11-26, and the Friday after; starting on Thursday runs to Monday.
    assert_eq!(
        cal.add(t("2026-11-26T15:00:00Z"), 3600, &Pauses::none())
            .map(format_instant)
            .as_deref(),
        Ok("2026-11-29T16:00:00Z")
    );
    // Christmas 2026 is a Friday.
    assert_eq!(
        cal.add(t("2026-12-25T14:00:00Z"), 3600, &Pauses::none())
            .map(format_instant)
            .as_deref(),
        Ok("2026-12-27T16:00:00Z")
    );
    assert!(!cal.is_open(t("2026-12-25T15:00:00Z")).unwrap());
    assert!(cal.is_open(t("2026-12-24T15:00:00Z")).unwrap());
}

#[test]
fn observed_holidays_move_to_the_nearest_weekday() {
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": ["07-04", { "date": "2027-12-25", "name": "Christmas Day" }, { "rule": "01-01", "observed": false }],
        "observed": true,
    }))
    .unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // 2026-07-04 is a Saturday: observed Friday 07-03.
    assert!(cal.holiday_on(d("2026-07-03")).is_some());
    // 2027-07-04 is a Sunday: observed Monday 07-05.
    assert!(cal.holiday_on(d("2027-07-05")).is_some());
    assert!(cal.holiday_on(d("2027-07-06")).is_none());
    // 2027-12-25 is a Saturday: observed Friday 12-24, with its name.
    assert_eq!(
        cal.holiday_on(d("2027-12-24"))
            .and_then(|h| h.name.as_deref()),
        Some("Christmas Day")
    );
    // 2028-01-01 is a Saturday, and not observed: Friday 2027-12-31 stays open.
    assert!(cal.holiday_on(d("2027-12-31")).is_none());
    // "last Monday of May" and "1st Monday of September".
    let rules = Calendar::from_json(&json!({
        "timezone": "UTC", "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": ["last Monday of May", "first monday of sep", "3rd Mon of January"],
    }))
    .unwrap();
    for (date, is) in [
        ("2026-05-25", true),
        ("2026-05-18", false),
        ("2027-05-31", true),
        ("2026-09-07", true),
        ("2026-01-19", true),
        ("2026-01-12", false),
    ] {
        assert_eq!(rules.holiday_on(d(date)).is_some(), is, "{date}");
    }
}

#[test]
fn an_observed_day_moves_past_other_holidays() {
    // The default pack's four year-end holidays, each observed.
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": [
            { "rule": "12-24", "name": "Christmas Eve" },
            { "rule": "12-25", "name": "Christmas Day" },
            { "rule": "12-31", "name": "New Year's Eve" },
            { "rule": "01-01", "name": "New Year's Day" },
        ],
        "observed": true,
    }))
    .unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let name = |date: NaiveDate| cal.holiday_on(date).and_then(|h| h.name.clone());
    let named = |n: &str| Some(n.to_string());
    for (date, holiday) in [
        // 2023: Christmas Eve is a Sunday and Christmas the Monday; the Eve
        // is observed on Tuesday. New Year's Eve the same, on Jan 2.
        ("2023-12-25", named("Christmas Day")),
        ("2023-12-26", named("Christmas Eve")),
        ("2023-12-27", None),
        ("2024-01-01", named("New Year's Day")),
        ("2024-01-02", named("New Year's Eve")),
        // 2027: Christmas is a Saturday and the Eve the Friday; Christmas
        // is observed on Thursday. New Year's Day 2028 the same, on Dec 30.
        ("2027-12-22", None),
        ("2027-12-23", named("Christmas Day")),
        ("2027-12-24", named("Christmas Eve")),
        ("2027-12-27", None),
        ("2027-12-30", named("New Year's Day")),
        ("2027-12-31", named("New Year's Eve")),
        // 2022: no two on one day; each weekend one moves one day.
        ("2022-12-22", None),
        ("2022-12-23", named("Christmas Eve")),
        ("2022-12-26", named("Christmas Day")),
        ("2022-12-27", None),
    ] {
        assert_eq!(name(d(date)), holiday, "{date}");
    }
    // Past the holiday index's years, the scan answers the same.
    let far = (2101..2200)
        .find(|y| d(&format!("{y}-12-25")).weekday() == chrono::Weekday::Sat)
        .unwrap();
    assert_eq!(name(d(&format!("{far}-12-23"))), named("Christmas Day"));
    assert_eq!(name(d(&format!("{far}-12-24"))), named("Christmas Eve"));
    assert!(cal.holiday_on(d(&format!("{far}-12-22"))).is_none());
    // Adding business time skips the moved day: Wednesday 16:00 + 2 h
    // ends on Monday at 10:00 (Thursday observed, Friday the Eve).
    let p = Pauses::default();
    let due = cal.add(t("2027-12-22T21:00:00Z"), 2 * 3600, &p).unwrap();
    assert_eq!(format_instant(due), "2027-12-27T15:00:00Z");
    let due = cal.add(t(&format!("{far}-12-22T21:00:00Z")), 2 * 3600, &p);
    assert_eq!(
        due.map(|x| cal.local_date(x)),
        Ok(d(&format!("{far}-12-27")))
    );
}

#[test]
fn night_shift_sugar_expands_across_midnight() {
    let sugar = Calendar::from_json(
        &json!({ "timezone": "Europe/Berlin", "weekly": { "mon-fri": ["22:00-06:00"] } }),
    )
    .unwrap();
    let data = Calendar::from_json(&json!({
        "timezone": "Europe/Berlin",
        "weekly": {
            "mon": [["22:00", "24:00"]],
            "tue-fri": [["00:00", "06:00"], ["22:00", "24:00"]],
            "sat": [["00:00", "06:00"]],
        },
    }))
    .unwrap();
    assert_eq!(sugar.weekly(), data.weekly());
    assert!(sugar.weekly()[6].is_empty(), "no Sunday shift");
    // Friday 23:00 CET (22:00Z) + 3 h runs to Saturday 02:00 CET.
    assert_eq!(
        sugar
            .add(t("2026-01-16T22:00:00Z"), 3 * 3600, &Pauses::none())
            .map(format_instant)
            .as_deref(),
        Ok("2026-01-17T01:00:00Z")
    );
}

#[test]
fn the_built_in_24x7_calendar_misses_no_minute() {
    let cal = Calendar::always();
    let p = Pauses::none();
    assert_eq!(
        cal.add(t("2026-03-08T06:59:00Z"), 120, &p)
            .map(format_instant)
            .as_deref(),
        Ok("2026-03-08T07:01:00Z")
    );
    assert_eq!(
        cal.between(t("2026-12-31T23:00:00Z"), t("2027-01-01T01:00:00Z"), &p),
        Ok(7200)
    );
    let p = Pauses::new(vec![(t("2026-01-01T00:30:00Z"), t("2026-01-01T01:00:00Z"))]).unwrap();
    assert_eq!(
        cal.add(t("2026-01-01T00:00:00Z"), 3600, &p)
            .map(format_instant)
            .as_deref(),
        Ok("2026-01-01T01:30:00Z")
    );
    assert_eq!(
        cal.between(t("2026-01-01T00:00:00Z"), t("2026-01-01T02:00:00Z"), &p),
        Ok(5400)
    );
}

#[test]
fn edge_semantics() {
    let cal = nine_to_five("UTC");
    let none = Pauses::none();
    // add(s, 0) = s, even when closed.
    assert_eq!(
        cal.add(t("2026-01-03T03:00:00Z"), 0, &none),
        Ok(t("2026-01-03T03:00:00Z"))
    );
    // Using a window up exactly ends at its closing instant.
    assert_eq!(
        cal.add(t("2026-01-05T09:00:00Z"), 8 * 3600, &none),
        Ok(t("2026-01-05T17:00:00Z"))
    );
    assert_eq!(
        cal.add(t("2026-01-05T09:00:00Z"), 8 * 3600 + 1, &none),
        Ok(t("2026-01-06T09:00:01Z"))
    );
    assert_eq!(
        cal.between(t("2026-01-05T17:00:00Z"), t("2026-01-05T09:00:00Z"), &none),
        Ok(0)
    );
    assert_eq!(
        cal.next_open(t("2026-01-03T03:00:00Z")),
        Ok(Some(t("2026-01-05T09:00:00Z")))
    );
    assert_eq!(
        cal.next_open(t("2026-01-05T10:00:00Z")),
        Ok(Some(t("2026-01-05T10:00:00Z")))
    );
    assert_eq!(
        cal.add(t("2026-01-05T09:00:00Z"), -1, &none)
            .unwrap_err()
            .code(),
        "INVALID_DURATION"
    );
    let never = Calendar::from_json(&json!({ "timezone": "UTC", "weekly": {} })).unwrap();
    assert_eq!(
        never
            .add(t("2026-01-05T09:00:00Z"), 1, &none)
            .unwrap_err()
            .code(),
        "OUT_OF_RANGE"
    );
    assert_eq!(never.next_open(t("2026-01-05T09:00:00Z")), Ok(None));
    assert_eq!(
        cal.add(t("2199-12-31T16:00:00Z"), 7200, &none)
            .unwrap_err()
            .code(),
        "OUT_OF_RANGE"
    );
}

#[test]
fn invalid_calendars_get_coded_errors() {
    let cases: &[(Value, &str, &str)] = &[
        (
            json!({ "timezone": "Mars/Olympus", "weekly": {} }),
            "UNKNOWN_TIMEZONE",
            "timezone",
        ),
        (json!({ "weekly": {} }), "MISSING_FIELD", "timezone"),
        (
            json!({ "timezone": 5, "weekly": {} }),
            "INVALID_TYPE",
            "timezone",
        ),
        (json!({ "timezone": "UTC" }), "MISSING_FIELD", "weekly"),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["25:00", "26:00"]] } }),
            "INVALID_TIME",
            "weekly.mon[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["08:60", "09:00"]] } }),
            "INVALID_TIME",
            "weekly.mon[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["08:00", "24:01"]] } }),
            "INVALID_TIME",
            "weekly.mon[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["17:00", "08:00"]] } }),
            "INVALID_CALENDAR",
            "weekly.mon[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["08:00", "08:00"]] } }),
            "INVALID_CALENDAR",
            "weekly.mon[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon": [["08:00", "12:00"], ["11:00", "17:00"]] } }),
            "INVALID_CALENDAR",
            "weekly.mon",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "mon-fri": ["08:00-17:00"], "wed": ["16:00-18:00"] } }),
            "INVALID_CALENDAR",
            "weekly.wed",
        ),
        (
            json!({ "timezone": "UTC", "weekly": { "funday": [] } }),
            "INVALID_CALENDAR",
            "weekly.funday",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "holidays": ["2025-02-30"] }),
            "INVALID_DATE",
            "holidays[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "holidays": ["02-30"] }),
            "INVALID_DATE",
            "holidays[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "holidays": ["6th Monday of May"] }),
            "INVALID_DATE",
            "holidays[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "holidays": ["0000-01-01"] }),
            "INVALID_DATE",
            "holidays[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "holidays": ["10000-01-01"] }),
            "INVALID_DATE",
            "holidays[0]",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "overrides": { "2025-13-01": [] } }),
            "INVALID_DATE",
            "overrides.2025-13-01",
        ),
        (
            json!({ "timezone": "UTC", "weekly": {}, "colour": "blue" }),
            "INVALID_CALENDAR",
            "colour",
        ),
        (json!("UTC"), "INVALID_CALENDAR", "calendar"),
    ];
    for (spec, code, field) in cases {
        let e = Calendar::from_json(spec).unwrap_err();
        assert_eq!((e.code(), e.field()), (*code, Some(*field)), "{spec}: {e}");
    }
    let backwards =
        Pauses::new(vec![(t("2026-01-02T00:00:00Z"), t("2026-01-01T00:00:00Z"))]).unwrap_err();
    assert_eq!(
        (backwards.code(), backwards.field()),
        ("INVALID_PAUSE", Some("pauses[0]"))
    );
}

#[test]
fn overrides_shorten_and_extend_days() {
    let cal = Calendar::from_json(&json!({
        "timezone": "UTC",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": ["2026-12-25"],
        "overrides": { "2026-12-24": ["09:00-12:00"], "2026-12-25": ["10:00-11:00"], "2026-12-26": [["10:00", "12:00"]] },
    }))
    .unwrap();
    let none = Pauses::none();
    assert_eq!(
        cal.between(t("2026-12-24T00:00:00Z"), t("2026-12-27T00:00:00Z"), &none),
        Ok(3 * 3600 + 3600 + 2 * 3600)
    );
}

// ---- properties ---------------------------------------------------------

/// splitmix64: a tiny deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
    "America/Sao_Paulo",
    "Pacific/Chatham",
];

/// A random calendar: 0-3 intervals a day on 15-minute edges, a few
/// holidays, sometimes a night shift.
fn random_calendar(r: &mut Rng) -> (Value, Calendar) {
    let zone = ZONES[r.below(ZONES.len() as u64) as usize];
    let mut weekly = serde_json::Map::new();
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        let mut edges: Vec<u64> = (0..r.below(4) * 2).map(|_| r.below(97)).collect();
        edges.sort_unstable();
        edges.dedup();
        if edges.len() % 2 == 1 {
            edges.pop();
        }
        let hm = |q: u64| format!("{:02}:{:02}", q / 4, q % 4 * 15);
        let list: Vec<Value> = edges
            .chunks(2)
            .map(|p| json!([hm(p[0]), hm(p[1])]))
            .collect();
        weekly.insert(day.into(), Value::Array(list));
    }
    let mut holidays = Vec::new();
    for _ in 0..r.below(4) {
        holidays.push(json!(format!(
            "2026-{:02}-{:02}",
            1 + r.below(12),
            1 + r.below(28)
        )));
    }
    if r.below(2) == 0 {
        holidays.push(json!("last Sunday of March"));
    }
    let spec = json!({ "timezone": zone, "weekly": weekly, "holidays": holidays });
    let cal = Calendar::from_json(&spec).unwrap();
    (spec, cal)
}

fn random_instant(r: &mut Rng) -> Instant {
    // 2026, on minute edges, weighted toward DST months.
    t("2026-01-01T00:00:00Z") + (r.below(365 * 24 * 60) as i64) * 60
}

fn random_pauses(r: &mut Rng, around: Instant) -> Pauses {
    let pairs = (0..r.below(3))
        .map(|_| {
            let from = around + (r.below(20 * 24 * 60) as i64) * 60 - 5 * 86_400;
            (from, from + (r.below(3 * 24 * 60) as i64) * 60)
        })
        .collect();
    Pauses::new(pairs).unwrap()
}

/// The oracle: is minute `t` business time? Computed from the local
/// wall clock directly, with none of the calendar's interval machinery.
fn oracle_open(spec: &Value, cal: &Calendar, p: &Pauses, t: Instant) -> bool {
    let tz: Tz = spec["timezone"].as_str().unwrap().parse().unwrap();
    let local = tz.timestamp_opt(t, 0).unwrap();
    let date = local.date_naive();
    let tod = local.hour() * 3600 + local.minute() * 60 + local.second();
    let open = cal
        .intervals_on(date)
        .iter()
        .any(|i| i.start <= tod && tod < i.end);
    let _ = date.weekday();
    open && !p.ranges().iter().any(|&(f, to)| f <= t && t < to)
}

#[test]
fn between_agrees_with_a_minute_by_minute_oracle() {
    let mut r = Rng(0x5eed_0001);
    for case in 0..300 {
        let (spec, cal) = random_calendar(&mut r);
        let a = random_instant(&mut r);
        let b = a + (r.below(6 * 24 * 60) as i64) * 60;
        let p = random_pauses(&mut r, a);
        let by_minute: i64 = (a..b)
            .step_by(60)
            .filter(|&m| oracle_open(&spec, &cal, &p, m))
            .count() as i64
            * 60;
        assert_eq!(
            cal.between(a, b, &p),
            Ok(by_minute),
            "case {case}: {spec} from {} to {}",
            format_instant(a),
            format_instant(b)
        );
    }
}

#[test]
fn add_and_between_are_inverse_and_additive() {
    let mut r = Rng(0x5eed_0002);
    let mut checked = 0;
    for case in 0..400 {
        let (spec, cal) = random_calendar(&mut r);
        if cal.weekly().iter().all(Vec::is_empty) {
            continue;
        }
        let s = random_instant(&mut r);
        let p = random_pauses(&mut r, s);
        let (a, b) = (
            (r.below(40 * 60) as i64) * 60,
            (r.below(40 * 60) as i64) * 60,
        );
        let Ok(t1) = cal.add(s, a, &p) else { continue };
        let why = format!(
            "case {case}: {spec} start {} +{a}s +{b}s",
            format_instant(s)
        );
        // between(s, add(s, d)) == d
        assert_eq!(cal.between(s, t1, &p), Ok(a), "{why}");
        // add(add(s, a), b) == add(s, a + b)
        assert_eq!(cal.add(t1, b, &p), cal.add(s, a + b, &p), "{why}");
        // A result lands where the clock ran just before it (or is the start).
        if a > 0 {
            assert!(
                oracle_open(&spec, &cal, &p, t1 - 1),
                "{why}: due {} is not the end of open time",
                format_instant(t1)
            );
        }
        // A pause never makes a due date earlier.
        let more = Pauses::new(
            p.ranges()
                .iter()
                .copied()
                .chain([(s + 3600, s + 3 * 3600)])
                .collect(),
        )
        .unwrap();
        assert!(cal.add(s, a, &more).unwrap() >= t1, "{why}");
        checked += 1;
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn long_adds_skip_weeks_and_still_agree_with_day_by_day() {
    // `between` of the result is computed day by day where weeks are not
    // ordinary; a long add crosses holidays, DST and pauses.
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["08:00-12:00", "13:00-17:00"] },
        "holidays": ["01-01", "3rd Monday of January", "last Monday of May", "07-04", "1st Monday of September", "4th Thursday of November", "12-25"],
        "observed": true,
    }))
    .unwrap();
    let s = t("2026-01-02T15:00:00Z");
    let p = Pauses::new(vec![(t("2026-04-01T00:00:00Z"), t("2026-04-20T00:00:00Z"))]).unwrap();
    for hours in [1, 16, 100, 1000, 1500] {
        let due = cal.add(s, hours * 3600, &p).unwrap();
        assert_eq!(cal.between(s, due, &p), Ok(hours * 3600), "{hours} h");
        assert!(oracle_open(
            &json!({ "timezone": "America/New_York" }),
            &cal,
            &p,
            due - 1
        ));
    }
}

/// A trace that walks every day (no week skipping) and adds up what it saw.
#[derive(Default)]
struct DayByDay {
    counted: i64,
}

impl Trace for DayByDay {
    fn counted(&mut self, from: Instant, to: Instant) {
        self.counted += to - from;
    }
}

#[test]
fn week_skipping_changes_no_answer() {
    let mut r = Rng(0x5eed_0003);
    let mut skipped_some = 0;
    for case in 0..300 {
        let (spec, cal) = random_calendar(&mut r);
        if cal.weekly().iter().all(Vec::is_empty) {
            continue;
        }
        let s = random_instant(&mut r);
        let p = random_pauses(&mut r, s);
        let d = (r.below(400 * 60) as i64) * 60;
        let fast = cal.add(s, d, &p);
        let mut trace = DayByDay::default();
        let slow = cal.add_traced(s, d, &p, &mut trace);
        assert_eq!(fast, slow, "case {case}: {spec} +{d}s");
        if slow.is_ok() {
            assert_eq!(
                trace.counted, d,
                "case {case}: the trace accounts for every second"
            );
        }
        let week: i64 = cal
            .weekly()
            .iter()
            .flatten()
            .map(|i| i64::from(i.end - i.start))
            .sum();
        if d > 2 * week {
            skipped_some += 1;
        }
    }
    assert!(skipped_some > 50, "{skipped_some}");
}

/// Found by the `calendar_spec` fuzz target: London kept GMT from 1847
/// until its first summer time on 1916-05-21. A long `between` that began
/// years before skipped whole weeks past that change (its stretch assumed
/// no change up to a bound a block beyond what it had searched) and
/// counted the hour that never happened: 3,600 s too many, disagreeing
/// with `add`.
#[test]
fn a_first_dst_after_decades_without_one() {
    let cal = Calendar::from_json(&json!({
        "timezone": "Europe/London",
        "weekly": { "mon-fri": ["08:00-17:00"], "sun": ["00:30-01:45", "01:50-04:00"] },
    }))
    .unwrap();
    let none = Pauses::none();
    let start = t("1912-04-11T12:47:47Z");
    // The DST Sunday itself: 00:30–01:45 GMT, then 01:50 GMT to 04:00 BST
    // (03:00 UTC): 75 + 70 minutes.
    let sunday = cal
        .between(t("1916-05-21T00:00:00Z"), t("1916-05-22T00:00:00Z"), &none)
        .unwrap();
    assert_eq!(sunday, 145 * 60);
    let long = cal
        .between(start, t("1916-05-22T00:00:00Z"), &none)
        .unwrap();
    let split = cal
        .between(start, t("1916-05-20T00:00:00Z"), &none)
        .unwrap()
        + cal
            .between(t("1916-05-20T00:00:00Z"), t("1916-05-22T00:00:00Z"), &none)
            .unwrap();
    assert_eq!(long, split);
    let d = 400 * 86_400;
    let due = cal.add(start, d, &none).unwrap();
    assert_eq!(cal.between(start, due, &none).unwrap(), d);
}

/// Fuzzing found it: a long `add` from 2099 ran past a holiday in 2101.
/// The holiday index ends with 2100, and "no holiday left in the index"
/// was remembered as "no holiday ever"; a rule whose dates are decades
/// apart (a fifth Monday of February) was missed the same way by the rule
/// scan, which looks 8 years ahead. The fast walk now asks again where
/// each search ends, and agrees with the day-by-day walk.
#[test]
fn holidays_past_the_end_of_a_search() {
    struct DayByDay;
    impl Trace for DayByDay {}
    let none = Pauses::none();

    let cal = Calendar::from_json(&json!({
        "timezone": "UTC",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": ["2101-01-03"],
    }))
    .unwrap();
    let start = t("2099-12-20T00:00:00Z");
    let d = 400 * 86_400;
    let due = cal.add(start, d, &none).unwrap();
    assert_eq!(format_instant(due), "2104-07-28T17:00:00Z");
    assert_eq!(cal.add_traced(start, d, &none, &mut DayByDay).unwrap(), due);
    assert_eq!(cal.between(start, due, &none).unwrap(), d);
    // Without the holiday it is one business day (three dates) earlier.
    let plain = Calendar::from_json(&json!({
        "timezone": "UTC",
        "weekly": { "mon-fri": ["09:00-17:00"] },
    }))
    .unwrap();
    assert_eq!(
        format_instant(plain.add(start, d, &none).unwrap()),
        "2104-07-25T17:00:00Z"
    );

    // The first fifth Monday of February after 2150 is more than 8 years on.
    let fifth = (2151..2200)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 2, 29))
        .find(|x| x.weekday() == chrono::Weekday::Mon)
        .unwrap();
    assert!(fifth.year() > 2158, "{fifth}");
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": ["5th Monday of February"],
    }))
    .unwrap();
    let start = t("2150-01-01T00:00:00Z");
    let end = t(&format!("{}-01-01T00:00:00Z", fifth.year() + 1));
    let span = cal.between(start, end, &none).unwrap();
    let due = cal.add(start, span, &none).unwrap();
    assert_eq!(
        cal.add_traced(start, span, &none, &mut DayByDay).unwrap(),
        due
    );
    // Counting the two pieces around the holiday's date agrees, and the
    // holiday itself is closed.
    let on = t(&format!("{fifth}T12:00:00Z"));
    assert_eq!(
        cal.between(start, on, &none).unwrap() + cal.between(on, end, &none).unwrap(),
        span
    );
    assert!(!cal.is_open(on + 3600).unwrap());
}

/// Fuzzing found it (as a timeout): in a calendar that never opens, a long
/// `add` crossed runs of ordinary dates stretch by stretch past the end of
/// the range, for thousands of years, filling the offset cache on the
/// way. It stops at 2199 now, with the same answer.
#[test]
fn a_calendar_that_never_opens_gives_up_at_the_end_of_the_range() {
    let none = Pauses::none();
    let closed = Calendar::from_json(&json!({
        "timezone": "Europe/Berlin",
        "weekly": {},
    }))
    .unwrap();
    let err = closed
        .add(t("2031-08-29T11:12:01Z"), 2_151_199_087, &none)
        .unwrap_err();
    assert_eq!(err.code(), "OUT_OF_RANGE");
    // Open on one date only: found 14 years on, and nothing after it.
    let once = Calendar::from_json(&json!({
        "timezone": "Europe/Berlin",
        "weekly": {},
        "overrides": { "2045-06-01": ["09:00-10:00"] },
    }))
    .unwrap();
    let start = t("2031-08-29T11:12:01Z");
    assert_eq!(
        format_instant(once.add(start, 1800, &none).unwrap()),
        "2045-06-01T07:30:00Z"
    );
    assert_eq!(
        once.between(start, t("2199-01-01T00:00:00Z"), &none)
            .unwrap(),
        3600
    );
    assert_eq!(
        once.add(start, 3601, &none).unwrap_err().code(),
        "OUT_OF_RANGE"
    );
}

/// Fuzzing found it (CI's own run): St. John's put its clocks back at
/// 00:01 in 1987, so Sunday's first minute (00:00–00:01 NDT) came before
/// the repeat of Saturday's 23:01–23:42 (NST) in UTC. `add` and `next_open`
/// walked Saturday's spans first and skipped that minute, which `between`
/// and `is_open` counted: due dates a minute late.
#[test]
fn a_fall_back_just_after_midnight() {
    let cal = Calendar::from_json(&json!({
        "timezone": "America/St_Johns",
        "weekly": { "sat": ["16:17:47-23:42:44"], "sun": ["00:00-03:45"] },
    }))
    .unwrap();
    let none = Pauses::none();
    let start = t("1987-10-24T20:00:00Z");
    // Saturday's first run ends 23:42:44 NDT = 02:12:44 UTC; the next
    // open second is Sunday 00:00:00 NDT = 02:30:00 UTC.
    let before = cal
        .between(start, t("1987-10-25T02:12:44Z"), &none)
        .unwrap();
    let due = cal.add(start, before + 1, &none).unwrap();
    assert_eq!(format_instant(due), "1987-10-25T02:30:01Z");
    assert_eq!(cal.between(start, due, &none).unwrap(), before + 1);
    assert_eq!(
        cal.next_open(t("1987-10-25T02:13:00Z"))
            .unwrap()
            .map(format_instant),
        Some("1987-10-25T02:30:00Z".to_string())
    );
    // Then the repeated Saturday hour, then Sunday again from 00:00 NST.
    let sixty_one = cal.add(start, before + 61, &none).unwrap();
    assert_eq!(format_instant(sixty_one), "1987-10-25T02:31:01Z");
    let day = cal
        .between(start, t("1987-10-26T00:00:00Z"), &none)
        .unwrap();
    let end = cal.add(start, day, &none).unwrap();
    assert_eq!(cal.between(start, end, &none).unwrap(), day);
}

/// `add` walked at most 20 years' worth of passes, and a calendar whose
/// holidays each take a pass or two (120 a year) ran out of them in about
/// 30 years: `OUT_OF_RANGE` for a due instant `between` shows is there.
/// Now the walk ends at the end of the range only.
#[test]
fn a_long_add_over_many_holidays_finds_its_due_instant() {
    let holidays: Vec<String> = (1..=12)
        .flat_map(|m| (0..10).map(move |k| format!("{m:02}-{:02}", 1 + 3 * k)))
        .collect();
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["09:00-17:00"] },
        "holidays": holidays,
    }))
    .unwrap();
    let none = Pauses::none();
    let start = parse_instant("2026-01-05T14:00:00Z", "start").unwrap();
    let seconds = 224_640_000; // 62,400 business hours: about 50 years of this calendar
    let due = cal.add(start, seconds, &none).unwrap();
    assert_eq!(
        cal.between(start, due, &none).unwrap(),
        seconds,
        "{}",
        format_instant(due)
    );
    assert_eq!(cal.between(start, due - 1, &none).unwrap(), seconds - 1);
    assert!(
        format_instant(due).as_str() < "2199",
        "{}",
        format_instant(due)
    );
}

/// The 24x7 clock gives no instant outside 1900-2199 either: its add past
/// the end was the end of the range itself, which no call takes back.
#[test]
fn the_always_clock_stays_in_the_range() {
    let always = Calendar::always();
    let none = Pauses::none();
    let t = parse_instant("2199-12-31T23:00:00Z", "t").unwrap();
    assert_eq!(
        format_instant(always.add(t, 3599, &none).unwrap()),
        "2199-12-31T23:59:59Z"
    );
    let e = always.add(t, 3600, &none).unwrap_err();
    assert_eq!(e.code(), "OUT_OF_RANGE", "{e}");
    // As a business calendar open all day says.
    let utc =
        Calendar::from_json(&json!({ "timezone": "UTC", "weekly": { "daily": ["00:00-24:00"] } }))
            .unwrap();
    assert_eq!(utc.add(t, 3600, &none).unwrap_err().code(), "OUT_OF_RANGE");
}

/// A holiday rule's weekday and month are a name whole, its first three
/// letters, or Sept/Tues/Thur(s): any word beginning with the letters was
/// taken ("1st Monday of Septemberxyz" closed September 7th), a typo
/// silently accepted.
#[test]
fn holiday_rules_name_their_weekday_and_month_whole() {
    let cal = |rule: &str| {
        Calendar::from_json(&json!({
            "timezone": "America/New_York",
            "weekly": { "mon-fri": ["09:00-17:00"] },
            "holidays": [rule],
        }))
    };
    let labor_day = parse_instant("2026-09-07T15:00:00Z", "t").unwrap();
    for good in [
        "1st Monday of September",
        "1st mon of sep",
        "first MONDAY of Sept",
        "1st Monday of sept",
    ] {
        let c = cal(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        assert!(!c.is_open(labor_day).unwrap(), "{good}");
    }
    let thanksgiving = parse_instant("2026-11-26T15:00:00Z", "t").unwrap();
    for good in [
        "4th Thurs of November",
        "4th Thur of Nov",
        "4th thursday of november",
    ] {
        assert!(!cal(good).unwrap().is_open(thanksgiving).unwrap(), "{good}");
    }
    for bad in [
        "1st Monday of Septemberxyz",
        "1st Monday of Septembr",
        "1st Mondays of September",
        "1st Mo of September",
    ] {
        let e = cal(bad).unwrap_err();
        assert!(e.to_string().contains("unknown"), "{bad}: {e}");
    }
}
