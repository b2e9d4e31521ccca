//! Native business-time benchmark: `cargo bench --bench business_time`.
//! The same calendar and starts as tests/bench/business-time.mjs, and the
//! cost curve against the duration added.

use std::hint::black_box;
use std::time::{Duration, Instant as Clock};

use serde_json::json;
use ticket_rules::calendar::{Calendar, Pauses};
use ticket_rules::time::parse_instant;

/// Calls per second of `f`: the best of 25 rounds of 60 ms after a
/// warm-up (the best, not the median: see tests/bench/harness.mjs).
fn measure(mut f: impl FnMut()) -> f64 {
    let round = Duration::from_millis(60);
    let warm = Clock::now();
    let mut calls = 0u32;
    while warm.elapsed() < Duration::from_millis(150) {
        f();
        calls += 1;
    }
    // Calls per ~1 ms, so the clock is read between batches, not calls.
    let batch = (calls / 150).max(1);
    let mut best = 0.0f64;
    for _ in 0..25 {
        let start = Clock::now();
        let mut n = 0u32;
        while start.elapsed() < round {
            for _ in 0..batch {
                f();
            }
            n += batch;
        }
        best = best.max(f64::from(n) / start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let cal = Calendar::from_json(&json!({
        "timezone": "America/New_York",
        "weekly": { "mon-fri": ["08:00-17:00"] },
        "holidays": ["2026-01-01", "2026-01-19", "2026-05-25", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"],
    }))
    .expect("calendar");
    let base = parse_instant("2026-01-01T00:00:00Z", "base").expect("base");
    // The same generator as the Node benchmark.
    let mut seed: u64 = 42;
    let starts: Vec<i64> = (0..1000)
        .map(|_| {
            seed = (seed * 1_103_515_245 + 12_345) % (1 << 31);
            base + ((seed as f64 / (1u64 << 31) as f64) * (364.0 * 24.0 * 60.0)).floor() as i64 * 60
        })
        .collect();
    let none = Pauses::none();
    println!("| native add | adds/s | vs 1 h |\n|---:|---:|---:|");
    let mut one = 0.0;
    for hours in [1, 16, 100, 1000] {
        let mut i = 0;
        let rate = measure(|| {
            i = (i + 1) % starts.len();
            black_box(cal.add(black_box(starts[i]), hours * 3600, &none).ok());
        });
        if hours == 1 {
            one = rate;
        }
        println!(
            "| {hours} h | {:.1} k/s | {:.2}x the time |",
            rate / 1e3,
            one / rate
        );
    }
    println!("\n| native | rate |\n|---|---:|");
    let mut i = 0;
    let rate = measure(|| {
        i = (i + 1) % starts.len();
        black_box(
            cal.between(black_box(starts[i]), starts[i] + 5 * 86_400, &none)
                .ok(),
        );
    });
    println!("| between, 5 days | {:.1} k/s |", rate / 1e3);

    let engine = ticket_rules::RuleEngine::embedded().expect("default pack");
    let ticket = json!({
        "id": "TT-1042", "impact": "Single Building affected", "urgency": "Work Impaired", "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-16T18:00:00Z", "status": "Wait Customer" },
            { "at": "2026-03-17T14:00:00Z", "status": "In Process" },
        ],
    });
    let now = parse_instant("2026-03-17T16:00:00Z", "now").expect("now");
    let rate = measure(|| {
        black_box(engine.sla(black_box(&ticket), now).ok());
    });
    println!("| sla(ticket with 3 events) | {:.1} k/s |", rate / 1e3);
    let rate = measure(|| {
        black_box(engine.explain_sla(black_box(&ticket), now).ok());
    });
    println!("| explain_sla(same) | {:.1} k/s |", rate / 1e3);

    // Escalations: the default pack's 8 levels on a ticket's life.
    let life = json!({
        "id": "TT-2", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-17T14:00:00Z", "status": "Wait Vendor" },
            { "at": "2026-03-23T18:00:00Z", "status": "In Process" },
        ],
        "alarms": [{ "at": "2026-03-19T13:00:00Z", "message": "Call the carrier back" }],
    });
    let now = parse_instant("2026-03-24T15:00:00Z", "now").expect("now");
    let rate = measure(|| {
        black_box(engine.escalations(black_box(&life), now, &[]).ok());
    });
    println!(
        "| escalations(ticket with 3 events, 8 levels) | {:.1} k/s |",
        rate / 1e3
    );

    // Form validation: the default incident form, a valid ticket.
    let form = json!({
        "type": "incident", "summary": "Finance shared drive unreachable",
        "description": "Since 9:00 nobody in Finance can open the payroll folder.",
        "impact": "Single Department affected", "urgency": "Work Stopped - No workaround", "service": "File shares",
        "component": "nas-fin-1", "contact": { "name": "Pat Doe", "email": "pat@example.edu", "phone": "7035551234" },
    });
    let rate = measure(|| {
        black_box(engine.validate(black_box(&form), None, None).ok());
    });
    println!("| validate(incident form, valid) | {:.1} k/s |", rate / 1e3);

    // The whole ticket: priority, SLA, escalations and validation of one
    // incident (what tests/bench/whole-ticket.mjs times from Node).
    let mut whole = life.clone();
    if let Some(o) = whole.as_object_mut() {
        for (k, v) in form.as_object().into_iter().flatten() {
            o.insert(k.clone(), v.clone());
        }
        o.insert("impact".into(), json!("Single Building affected"));
        o.insert("urgency".into(), json!("Work Impaired"));
    }
    let rate = measure(|| {
        let t = black_box(&whole);
        black_box(engine.priority(t).ok());
        black_box(engine.sla(t, now).ok());
        black_box(engine.escalations(t, now, &[]).ok());
        black_box(engine.validate(t, None, None).ok());
    });
    println!(
        "| whole ticket: priority + sla + escalations + validate | {:.1} k/s |",
        rate / 1e3
    );
}
