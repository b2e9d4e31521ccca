use serde_json::json;
use std::hint::black_box;
fn main() {
    let engine = ticket_rules::RuleEngine::embedded().expect("default pack");
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
    let now = ticket_rules::time::parse_instant("2026-03-24T15:00:00Z", "now").expect("now");
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        black_box(engine.escalations(black_box(&life), now, &[]).ok());
    }
    eprintln!("{:.2} us/call", t.elapsed().as_secs_f64() * 1e6 / n as f64);
    println!("{}", serde_json::to_string_pretty(&engine.escalations(&life, now, &[]).unwrap()).unwrap());
}
