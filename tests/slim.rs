//! The slim build (`cargo test --no-default-features --test slim --test
//! golden`; the other test files load packs from source). It loads
//! compiled packs only, and a call that needs one of a pack's rhai
//! functions fails with `NO_RHAI` at that function; every other answer is
//! the full build's, which `tests/golden.rs` holds to the byte (`make
//! test` runs both files without the `rhai` feature).
#![cfg(all(not(target_arch = "wasm32"), not(feature = "rhai")))]

use serde_json::json;
use ticket_rules::time::parse_instant;
use ticket_rules::{RuleEngine, DEFAULT_PACK};

const COMPILED: &str = include_str!("../src/pack/default.compiled.json");

#[test]
fn the_default_pack_loads_compiled_and_answers_from_its_data() {
    let engine = RuleEngine::embedded().unwrap();
    let p = engine
        .priority(&json!({ "impact": "Entire University affected", "urgency": "Work Impaired" }))
        .unwrap();
    assert_eq!(p.priority, "High");
    let incident = json!({
        "type": "incident", "summary": "VPN down", "impact": "Single Department affected",
        "urgency": "Work Stopped - No workaround", "service": "VPN",
        "description": "Nobody in Finance can connect since 9:00.",
        "contact": { "name": "Pat Doe" },
    });
    let r = engine.validate(&incident, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["priority"], "High");
    let now = parse_instant("2026-03-17T16:00:00Z", "now").unwrap();
    let mut t = incident.clone();
    t["id"] = json!("TT-1");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    let esc = engine.escalations(&t, now, &[]).unwrap();
    assert!(!esc.due.is_empty());
    // The same text loaded by hand gives the same engine.
    let again = RuleEngine::from_compiled(COMPILED).unwrap();
    assert_eq!(
        serde_json::to_value(again.escalations(&t, now, &[]).unwrap()).unwrap(),
        serde_json::to_value(esc).unwrap()
    );
    assert_eq!(engine.pack().hook_calls(), 0);
}

#[test]
fn a_pack_from_source_is_refused_with_no_rhai() {
    let e = RuleEngine::from_sources(DEFAULT_PACK.iter().copied()).unwrap_err();
    assert_eq!(e.code(), "NO_RHAI");
    assert!(e.to_string().contains("ticket-rules compile"), "{e}");
    let errors = RuleEngine::compile_sources(DEFAULT_PACK.iter().copied()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code(), "NO_RHAI");
    let checked = RuleEngine::check_sources([("tiny.rhai", "pack_name(\"x\");")]);
    assert_eq!(checked[0].code(), "NO_RHAI");
}

#[test]
fn the_default_pack_needs_no_rhai_per_ticket() {
    // The problem form's cross-field rule is data (`differs_from`).
    let engine = RuleEngine::embedded().unwrap();
    let problem = json!({
        "type": "problem", "summary": "Disk fills up", "impact": "Single Department affected",
        "urgency": "Work Impaired", "service": "File shares", "contact": { "name": "Pat Doe" },
        "workaround": "Delete old logs", "rootCause": " delete OLD logs ",
    });
    let r = engine.validate(&problem, None, None).unwrap();
    let e = r
        .errors
        .iter()
        .find(|e| e.field == "rootCause")
        .expect("the rule's error");
    assert_eq!(e.code, "SAME_AS_WORKAROUND");
    let mut fixed = problem.clone();
    fixed["rootCause"] = json!("Log rotation was never configured");
    let r = engine.validate(&fixed, None, None).unwrap();
    assert!(
        !r.errors.iter().any(|e| e.field == "rootCause"),
        "{:?}",
        r.errors
    );
    assert_eq!(engine.pack().hook_calls(), 0);
}

/// A compiled pack written by hand (the slim build cannot compile one):
/// a type whose rule is a rhai function.
const WITH_FUNCTION: &str = r#"{"ticketRulesPack": 2,
 "hash": "0123456789abcdef",
 "files": ["p.rhai"],
 "functions": [{"file":"p.rhai","fns":[["check",1]],"source":"// checks\n\n  fn check(ticket) { [] }\n"}],
 "calls": [
  ["priorities",0,1,1,[["P1","P2"]]],
  ["impact",0,2,1,["High"]],
  ["urgency",0,3,1,["Now"]],
  ["row",0,4,1,["Now",[{"clock":"24x7","respond":"1h","priority":"P1","process":null,"resolve":"4h"}]]],
  ["ticket_type",0,5,1,["t",{"fields":[{"name":"summary"}],"rules":["check"]}]]
 ]}"#;

#[test]
fn a_call_that_needs_a_function_fails_with_no_rhai_at_the_function() {
    let engine = RuleEngine::from_compiled(WITH_FUNCTION).unwrap();
    let p = engine
        .priority(&json!({ "impact": "High", "urgency": "Now" }))
        .unwrap();
    assert_eq!(p.priority, "P1");
    let e = engine
        .validate(&json!({ "type": "t", "summary": "x" }), None, None)
        .unwrap_err();
    assert_eq!(e.code(), "NO_RHAI");
    let span = e.span().expect("the function's place");
    assert_eq!(
        (span.file.as_str(), span.line, span.column),
        ("p.rhai", 3, 3)
    );
    assert!(e.to_string().contains("check"), "{e}");
}
