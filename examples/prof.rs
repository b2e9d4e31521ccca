fn main() {
    let engine = ticket_rules::RuleEngine::embedded().unwrap();
    let t = serde_json::json!({
      "type": "incident", "summary": "Finance shared drive unreachable",
      "description": "Since 9:00 nobody in Finance can open the payroll folder.",
      "impact": "Single Department affected", "urgency": "Work Stopped - No workaround", "service": "File shares",
      "component": "nas-fin-1", "contact": { "name": "Pat Doe", "email": "pat@example.edu", "phone": "7035551234" },
    });
    let t0 = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..100_000 { n += engine.validate(&t, None, None).unwrap().errors.len(); }
    println!("{:?} per validate ({n})", t0.elapsed() / 100_000);
}
