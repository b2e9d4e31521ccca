//! `pack_source`: arbitrary bytes as a rule pack. The input is split at
//! NUL bytes into up to eight files (`00.rhai`, `01.rhai`, …, in that
//! order, which is the order a pack loads its files in). Loading must never
//! panic, `check_sources` and `from_sources` must agree, and a pack that
//! loads must answer for a fixed ticket (errors are fine, panics are not).

use serde_json::{json, Value};
use ticket_rules::RuleEngine;

/// At most this many files: each may run up to the load limit of
/// operations.
pub const MAX_FILES: usize = 8;

/// The files an input stands for.
pub fn files(data: &[u8]) -> Vec<(String, String)> {
    data.split(|b| *b == 0)
        .take(MAX_FILES)
        .enumerate()
        .map(|(i, chunk)| {
            (
                format!("{i:02}.rhai"),
                String::from_utf8_lossy(chunk).into_owned(),
            )
        })
        .collect()
}

/// One run of the target.
pub fn run(data: &[u8]) {
    let files = files(data);
    let errors = RuleEngine::check_sources(files.clone());
    for e in &errors {
        // Every error renders and has a code.
        assert!(!e.code().is_empty());
        let _ = e.to_string();
    }
    match RuleEngine::from_sources(files) {
        Err(e) => assert_eq!(
            errors.first(),
            Some(&e),
            "from_sources fails with the first error check_sources lists"
        ),
        Ok(engine) => {
            assert!(
                errors.is_empty(),
                "loads, yet check_sources says {errors:?}"
            );
            exercise(&engine);
        }
    }
}

/// A loaded pack on a fixed ticket, built from the pack's own first
/// impact and urgency so that every pack gets past the matrix.
fn exercise(engine: &RuleEngine) {
    let m = engine.matrix();
    let name =
        |l: Option<&ticket_rules::priority::Level>| l.map_or_else(String::new, |l| l.name.clone());
    let (impact, urgency) = (name(m.impacts.first()), name(m.urgencies.first()));
    let ticket = json!({
        "id": "FZ-1",
        "type": "incident",
        "summary": "fuzz",
        "impact": impact,
        "urgency": urgency,
        "service": "spin",
        "status": "New",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [{ "at": "2026-03-16T14:10:00Z", "event": "responded" }],
    });
    let now = 1_773_671_400; // 2026-03-16T14:30:00Z
    if let Ok(p) = engine.priority(&ticket) {
        let _ = serde_json::to_string(&p);
    }
    let _ = engine.priority_of(&impact, &urgency, None);
    let _ = engine.sla(&ticket, now);
    let _ = engine.explain_sla(&ticket, now);
    let _ = engine.escalations(&ticket, now, &[]);
    let _ = engine.validate(&ticket, None, None);
    let types: Vec<String> = engine
        .pack()
        .types()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    for ty in &types {
        let _ = engine.validate(&ticket, Some(ty), None);
        let _ = engine.form_schema(ty).map(|s| s.to_string());
        let _ = engine.json_schema(ty).map(|s| s.to_string());
        let _ = engine.reclassify(&ticket, ty);
    }
    for status in engine.pack().sla().statuses.clone() {
        let _ = engine.transition(&ticket, &status, None::<&Value>);
    }
}
