//! `calendar_spec`: arbitrary JSON as a calendar spec. Building must
//! never panic; a calendar that builds must answer `add`, `between`,
//! `is_open` and `next_open` on a few instants, consistently.

use serde_json::Value;
use ticket_rules::calendar::{Calendar, Pauses};
use ticket_rules::time::{Instant, MAX_INSTANT, MIN_INSTANT};

const DAY: i64 = 86_400;

/// Instants every calendar is asked about: the range's ends, DST changes
/// of common zones, year ends.
const FIXED: [Instant; 8] = [
    MIN_INSTANT,
    MAX_INSTANT - 1,
    1_773_036_000, // 2026-03-09T06:00:00Z (New York springs forward the day before)
    1_774_746_000, // 2026-03-29T01:00:00Z (London springs forward)
    1_793_498_400, // 2026-11-01T06:00:00Z (New York falls back)
    4_102_444_799, // 2099-12-31T23:59:59Z
    946_684_800,   // 2000-01-01T00:00:00Z
    1_773_669_600, // 2026-03-16T14:00:00Z
];

/// Durations every calendar is asked to add.
const DURATIONS: [i64; 6] = [0, 1, 3_600, 2 * DAY + 1, 30 * DAY, 400 * DAY];

/// One run of the target.
pub fn run(data: &[u8]) {
    let Ok(spec) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let cal = match Calendar::from_json(&spec) {
        Ok(cal) => cal,
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
            return;
        }
    };
    // An input-derived instant, anywhere in the range.
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let span = (MAX_INSTANT - MIN_INSTANT) as u64;
    let derived = MIN_INSTANT + (hash % span) as i64;
    let mut instants = FIXED.to_vec();
    instants.push(derived);
    for &t in &instants {
        check_at(&cal, t);
    }
}

fn check_at(cal: &Calendar, t: Instant) {
    let d = cal.local_date(t);
    let _ = cal.intervals_on(d);
    assert_eq!(
        cal.is_holiday(d),
        cal.holiday_on(d).is_some(),
        "is_holiday and holiday_on disagree on {d}"
    );
    let open = cal.is_open(t).ok();
    if let Some(next) = cal.next_open(t).ok().flatten() {
        assert!(next >= t, "next_open({t}) = {next} is earlier");
        assert_eq!(
            cal.is_open(next).ok(),
            Some(true),
            "next_open({t}) = {next} is closed"
        );
        assert_eq!(cal.between(t, next, &Pauses::none()).ok(), Some(0));
        if open == Some(true) {
            assert_eq!(next, t, "open at {t}, yet next_open says {next}");
        }
    }
    let none = Pauses::none();
    let pause = Pauses::new(vec![(t + 3_600, t + 5 * DAY)]).ok();
    let mut last: Option<Instant> = None;
    let mut failed = false;
    for &secs in &DURATIONS {
        let due = cal.add(t, secs, &none);
        if due.is_err() {
            failed = true;
        }
        if let Ok(due) = due {
            assert!(
                !failed,
                "add({t}, {secs}) succeeds where a shorter add failed"
            );
            assert!(due >= t);
            assert_eq!(
                cal.between(t, due, &none).ok(),
                Some(secs),
                "between({t}, add({t}, {secs}))"
            );
            if let Some(l) = last {
                assert!(l <= due, "add is not monotonic in the duration");
            }
            last = Some(due);
            if let Some(p) = &pause {
                if let Ok(later) = cal.add(t, secs, p) {
                    assert!(later >= due, "a pause made add({t}, {secs}) earlier");
                    assert_eq!(cal.between(t, later, p).ok(), Some(secs));
                }
            }
        }
    }
    let _ = cal.between(t, t + 3 * DAY + 7, &none);
    let _ = cal.offset_changes(t, t + 40 * DAY);
}
