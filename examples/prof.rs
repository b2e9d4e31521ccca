fn main() {
    let engine = ticket_rules::RuleEngine::embedded().unwrap();
    let life = serde_json::json!({
        "id": "TT-2", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-17T14:00:00Z", "status": "Wait Vendor" },
            { "at": "2026-03-23T18:00:00Z", "status": "In Process" },
        ],
        "alarms": [{ "at": "2026-03-19T13:00:00Z", "message": "Call the carrier back" }],
    });
    let now = ticket_rules::time::parse_instant("2026-03-24T15:00:00Z", "now").unwrap();
    let mut n = 0;
    for _ in 0..20_000 {
        n += engine.escalations(&life, now, &[]).unwrap().due.len();
    }
    println!("{n}");
}
