//! The golden file: whole tickets through every operation of the default
//! pack, compared byte for byte with `tests/data/golden/expected.jsonl`.
//! The Node and Chromium tests compare their answers with the same file, so
//! the three agree to the byte. `UPDATE_GOLDEN=1` rewrites it.
#![cfg(not(target_arch = "wasm32"))]

use serde::Serialize;
use serde_json::{json, Value};
use ticket_rules::time::parse_instant;
use ticket_rules::{Error, RuleEngine};

const CASES: &str = include_str!("data/golden/cases.json");
const EXPECTED: &str = "tests/data/golden/expected.jsonl";

/// An answer, or the error in its place (code, field, message).
fn answer<T: Serialize>(r: Result<T, Error>) -> Value {
    match r {
        Ok(v) => serde_json::to_value(v).unwrap(),
        Err(e) => {
            let mut o = json!({ "code": e.code(), "message": e.to_string() });
            if let Some(f) = e.field() {
                o["field"] = json!(f);
            }
            json!({ "error": o })
        }
    }
}

/// One canonical line per case: keys sorted (serde_json's map is ordered),
/// no spaces.
fn lines() -> Vec<String> {
    let engine = RuleEngine::embedded().unwrap();
    let cases: Value = serde_json::from_str(CASES).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 50);
    cases
        .iter()
        .map(|c| {
            let (t, now) = (&c["ticket"], c["now"].as_str().unwrap());
            let now = parse_instant(now, "now").unwrap();
            let out = json!({
                "priority": answer(engine.priority(t)),
                "sla": answer(engine.sla(t, now)),
                "explainSla": answer(engine.explain_sla(t, now)),
                "escalations": answer(engine.escalations(t, now, &[])),
                "validate": answer(engine.validate(t, None, None)),
                "queue": answer(engine.queue(std::slice::from_ref(t), now)),
            });
            serde_json::to_string(&json!({ "name": c["name"], "out": out })).unwrap()
        })
        .collect()
}

#[test]
fn every_case_gives_the_golden_answer() {
    let got = lines();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/golden/expected.jsonl"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, got.join("\n") + "\n").unwrap();
        return;
    }
    let want = std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{EXPECTED} is missing"));
    let want: Vec<&str> = want.lines().collect();
    assert_eq!(got.len(), want.len(), "number of cases");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "the first line that differs");
    }
}
