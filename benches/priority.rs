//! Native priority benchmark (a plain harness: median of 5 timed rounds).
//! `cargo bench --bench priority`; figures go to BENCHMARKS.md beside the
//! Node ones, to show what the JS↔wasm boundary costs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use ticket_rules::RuleEngine;

fn measure(name: &str, per_call: usize, mut f: impl FnMut()) {
    // The best of 25 rounds of 60 ms after a warm-up (the best, not the
    // median: see tests/bench/harness.mjs).
    let round = Duration::from_millis(60);
    let warm = Instant::now();
    let mut calls = 0usize;
    while warm.elapsed() < Duration::from_millis(150) {
        f();
        calls += 1;
    }
    let batch = (calls / 150).max(1);
    let mut rate = 0.0f64;
    for _ in 0..25 {
        let start = Instant::now();
        let mut n = 0usize;
        while start.elapsed() < round {
            for _ in 0..batch {
                f();
            }
            n += batch;
        }
        rate = rate.max((n * per_call) as f64 / start.elapsed().as_secs_f64());
    }
    let (value, unit) = if rate >= 1e6 {
        (rate / 1e6, "M/s")
    } else {
        (rate / 1e3, "k/s")
    };
    println!("| {name} | {value:.2} {unit} | {:.0} ns |", 1e9 / rate);
}

fn main() {
    let engine = RuleEngine::embedded().expect("default pack");
    let cases: Value =
        serde_json::from_str(include_str!("../tests/data/matrix-cases.json")).expect("cases");
    let mut tickets = Vec::new();
    for c in cases["cells"].as_array().expect("cells") {
        tickets.push(json!({ "id": "TT-1", "impact": c["impact"], "urgency": c["urgency"] }));
    }
    for (alias, _) in cases["aliases"].as_object().expect("aliases") {
        tickets.push(json!({ "impact": alias, "urgency": "Work Impaired" }));
    }
    let pairs: Vec<(String, String)> = tickets
        .iter()
        .map(|t| {
            (
                t["impact"].as_str().unwrap_or("").to_string(),
                t["urgency"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();

    println!("| native | rate | per call |\n|---|---:|---:|");
    let mut i = 0;
    measure("priority(&ticket)", 1, || {
        i = (i + 1) % tickets.len();
        black_box(engine.priority(black_box(&tickets[i])).ok());
    });
    measure("priority_of(impact, urgency)", 1, || {
        i = (i + 1) % pairs.len();
        black_box(engine.priority_of(&pairs[i].0, &pairs[i].1, None).ok());
    });
    let batch: Vec<Value> = (0..10_000)
        .map(|k| tickets[k % tickets.len()].clone())
        .collect();
    measure(
        "priorities(&[10,000 tickets]), per ticket",
        batch.len(),
        || {
            black_box(engine.priorities(black_box(&batch)));
        },
    );
    measure("load the default pack (RuleEngine::embedded)", 1, || {
        black_box(RuleEngine::embedded().ok());
    });
}
