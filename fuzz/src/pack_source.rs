//! `pack_source`: arbitrary bytes as a rule pack. The input is split at
//! NUL bytes into up to eight files (`00.rhai`, `01.rhai`, …, in that
//! order, which is the order a pack loads its files in). Loading must never
//! panic, `check_sources` and `from_sources` must agree, a pack that loads
//! must answer for a fixed ticket (errors are fine, panics are not), and
//! it must compile, its compiled form giving the same answers.

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
    // Only the deterministic limits: with the time guard on, a hook that
    // runs long stops on time or on operations depending on how busy the
    // machine is, and the source and compiled answers would differ.
    ticket_rules::pack::sandbox::set_clock(None);
    // The bytes as a compiled pack: refused or loaded, never a panic.
    if let Ok(engine) = RuleEngine::from_compiled(&String::from_utf8_lossy(data)) {
        exercise(&engine);
    }
    let files = files(data);
    let errors = RuleEngine::check_sources(files.clone());
    for e in &errors {
        // Every error renders and has a code.
        assert!(!e.code().is_empty());
        let _ = e.to_string();
    }
    match RuleEngine::from_sources(files.clone()) {
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
            let answers = exercise(&engine);
            let text = match RuleEngine::compile_sources(files.clone()) {
                Ok(text) => text,
                Err(e) => panic!("loads, yet does not compile: {e:?}"),
            };
            match RuleEngine::from_compiled(&text) {
                Ok(compiled) => assert_eq!(answers, exercise(&compiled), "compiled answers differ"),
                Err(e) => panic!("its compiled form does not load: {e}"),
            }
        }
    }
}

/// A loaded pack on a fixed ticket, built from the pack's own first
/// impact and urgency so that every pack gets past the matrix: every
/// answer (or error), as text.
fn exercise(engine: &RuleEngine) -> Vec<String> {
    fn said<T: serde::Serialize>(r: Result<T, ticket_rules::Error>) -> String {
        match r {
            Ok(v) => serde_json::to_string(&v).unwrap_or_default(),
            Err(e) => format!("{}: {e}", e.code()),
        }
    }
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
    let mut out = vec![
        said(engine.priority(&ticket)),
        said(engine.priority_of(&impact, &urgency, None)),
        said(engine.sla(&ticket, now)),
        said(engine.explain_sla(&ticket, now)),
        said(engine.escalations(&ticket, now, &[])),
        said(engine.validate(&ticket, None, None)),
    ];
    let types: Vec<String> = engine
        .pack()
        .types()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    for ty in &types {
        out.push(said(engine.validate(&ticket, Some(ty), None)));
        out.push(said(engine.form_schema(ty)));
        out.push(said(engine.json_schema(ty)));
        out.push(said(engine.reclassify(&ticket, ty)));
    }
    for status in engine.pack().sla().statuses.clone() {
        out.push(said(engine.transition(&ticket, &status, None::<&Value>)));
    }
    out
}
