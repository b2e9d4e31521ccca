fn main() {
    let engine = ticket_rules::RuleEngine::embedded().unwrap();
    let ticket = serde_json::json!({
        "id": "TT-1042", "impact": "Single Building affected", "urgency": "Work Impaired", "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-16T18:00:00Z", "status": "Wait Customer" },
            { "at": "2026-03-17T14:00:00Z", "status": "In Process" },
        ],
    });
    let now = ticket_rules::time::parse_instant("2026-03-17T16:00:00Z", "now").unwrap();
    let mut n = 0;
    for _ in 0..100_000 {
        n += engine.sla(&ticket, now).unwrap().resolve.elapsed_seconds;
    }
    println!("{n}");
}
