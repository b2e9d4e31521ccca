//! Compiled packs (`RuleEngine::compile_sources` / `from_compiled`): the
//! default pack's compiled form is kept in step with `rules/`, and a pack
//! loaded compiled answers every ticket exactly as the same pack loaded
//! from source, the example packs and their hooks included.
//! `UPDATE_COMPILED=1 cargo test --test compiled` rewrites the default
//! pack's compiled form after a change to `rules/`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use serde::Serialize;
use serde_json::{json, Value};
use ticket_rules::time::parse_instant;
use ticket_rules::{Error, RuleEngine, DEFAULT_PACK};

const COMPILED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/src/pack/default.compiled.json"
);

fn default_sources() -> Vec<(String, String)> {
    DEFAULT_PACK
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect()
}

fn rules_file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/rules/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn answer<T: Serialize>(r: Result<T, Error>) -> Value {
    match r {
        Ok(v) => serde_json::to_value(v).unwrap(),
        Err(e) => json!({ "error": { "code": e.code(), "message": e.to_string() } }),
    }
}

/// Everything a pack answers for the sample tickets, and what it says of
/// itself: schemas, matrix, calendars, levels (their debug form: every
/// field of the native structures).
fn everything(engine: &RuleEngine) -> Vec<Value> {
    let now = parse_instant("2026-03-18T15:30:00Z", "now").unwrap();
    let pack = engine.pack();
    let mut out = vec![json!({
        "version": pack.version(),
        "hash": pack.hash(),
        "files": pack.files(),
        "matrix": format!("{:?}", pack.matrix()),
        "calendars": format!("{:?}", pack.calendars()),
        "sla": format!("{:?}", pack.sla()),
        "levels": format!("{:?}", pack.levels()),
        "types": format!("{:?}", pack.types()),
        "lookups": pack.lookups(),
        "messages": pack.messages(),
        "roles": pack.roles(),
        "userRoles": pack.user_roles(),
        "queueOrder": format!("{:?}", pack.queue_order()),
        "unknownFields": format!("{:?}", pack.unknown_fields()),
        "hooks": [pack.has_priority_hook(), pack.has_queue_hook()],
    })];
    for t in pack.types() {
        out.push(answer(engine.form_schema(&t.name)));
    }
    for t in common::sample_tickets() {
        out.push(json!({
            "priority": answer(engine.priority(&t)),
            "sla": answer(engine.sla(&t, now)),
            "escalations": answer(engine.escalations(&t, now, &[])),
            "validate": answer(engine.validate(&t, None, None)),
            "queue": answer(engine.queue(std::slice::from_ref(&t), now)),
        }));
    }
    out
}

/// Loads `sources` both ways and compares every answer.
fn same_both_ways(sources: Vec<(String, String)>) -> RuleEngine {
    let from_source = RuleEngine::from_sources(sources.clone()).unwrap();
    let text = RuleEngine::compile_sources(sources).unwrap();
    let compiled = RuleEngine::from_compiled(&text).unwrap();
    let (a, b) = (everything(&from_source), everything(&compiled));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(
        from_source.pack().hook_calls(),
        compiled.pack().hook_calls()
    );
    compiled
}

#[test]
fn the_default_packs_compiled_form_is_up_to_date() {
    let text = RuleEngine::compile_sources(default_sources()).unwrap();
    if std::env::var_os("UPDATE_COMPILED").is_some() {
        std::fs::write(COMPILED, &text).unwrap();
    }
    let committed = std::fs::read_to_string(COMPILED).unwrap();
    assert!(
        committed == text,
        "src/pack/default.compiled.json is not the compiled form of rules/*.rhai: \
         run `UPDATE_COMPILED=1 cargo test --test compiled` (RuleEngine::embedded() \
         loads from source until then, so answers stay right, only slower to load)"
    );
    // One declaration a line, the sources of files with functions only.
    assert!(text.lines().count() > 30);
    assert!(text.contains("\"file\":\"forms.rhai\""));
    assert!(!text.contains("\"file\":\"priority.rhai\""));
}

#[test]
fn the_default_pack_answers_the_same_compiled() {
    same_both_ways(default_sources());
    // And `embedded()`, which loads the committed compiled form (both
    // fresh: the debug forms show caches filled by use).
    let embedded = RuleEngine::embedded().unwrap();
    let compiled = RuleEngine::from_sources(default_sources()).unwrap();
    assert_eq!(everything(&embedded), everything(&compiled));
}

#[test]
fn the_example_packs_answer_the_same_compiled() {
    // The 5x5 matrix on its own; the priority hook and the RFC 1297 forms
    // (functions, lookups, a lifecycle) with the default files.
    same_both_ways(vec![(
        "priority.rhai".to_string(),
        rules_file("examples/glpi-5x5/priority.rhai"),
    )]);
    let vip = rules_file("examples/vip-services/adjust_priority.rhai");
    let engine = same_both_ways(common::default_pack_with("adjust_priority.rhai", &vip));
    assert!(engine.pack().has_priority_hook());
    assert!(
        engine.pack().hook_calls() > 0,
        "the hook ran, compiled on first use"
    );
    let chain = rules_file("examples/rfc1297-chain/forms.rhai");
    same_both_ways(common::default_pack_with("forms.rhai", &chain));
}

/// The default pack with the RFC 1297 example's forms, whose engineering
/// ticket has a cross-field rule that is a rhai function.
fn chain_sources() -> Vec<(String, String)> {
    common::default_pack_with(
        "forms.rhai",
        &rules_file("examples/rfc1297-chain/forms.rhai"),
    )
}

/// An engineering ticket whose change does not name its element.
fn engineering() -> Value {
    json!({ "type": "engineering", "summary": "Flapping link", "component": "rtr-7",
            "change": "Replaced the line card" })
}

#[test]
fn a_form_function_runs_from_a_compiled_pack() {
    let engine =
        RuleEngine::from_compiled(&RuleEngine::compile_sources(chain_sources()).unwrap()).unwrap();
    let from_source = RuleEngine::from_sources(chain_sources()).unwrap();
    let a = from_source.validate(&engineering(), None, None).unwrap();
    let before = engine.pack().hook_calls();
    let b = engine.validate(&engineering(), None, None).unwrap();
    assert_eq!(a, b);
    assert!(engine.pack().hook_calls() > before);
    let e = b
        .errors
        .iter()
        .find(|e| e.field == "change")
        .expect("the rule's error");
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ELEMENT_NOT_NAMED", "Say what was changed on rtr-7")
    );
}

/// The compiled text of `sources` with `from` replaced by `to` (once,
/// where it must be).
fn tampered_in(sources: Vec<(String, String)>, from: &str, to: &str) -> String {
    let text = RuleEngine::compile_sources(sources).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// [`tampered_in`] the default pack.
fn tampered(from: &str, to: &str) -> String {
    tampered_in(default_sources(), from, to)
}

#[test]
fn a_broken_function_source_fails_at_its_first_call_not_at_load() {
    // Functions compile on first use: a pack whose function file no longer
    // parses loads, and the hook call gives the syntax error at its place.
    let text = tampered_in(
        chain_sources(),
        "fn change_names_the_element(ticket) {",
        "fn change_names_the_element(ticket) { let = ;",
    );
    let engine = RuleEngine::from_compiled(&text).unwrap();
    let ok = engine.priority(&json!({ "impact": "Single Individual", "urgency": "Work Impaired" }));
    assert!(ok.is_ok());
    let e = engine.validate(&engineering(), None, None).unwrap_err();
    assert_eq!(e.code(), "RULE_SYNTAX", "{e}");
    assert!(e.to_string().contains("forms.rhai:"), "{e}");
}

#[test]
fn a_compiled_pack_is_checked_like_its_source() {
    // Not a compiled pack at all.
    for text in [
        "",
        "[]",
        "{\"ticketRulesPack\": 3}",
        "{\"ticketRulesPack\": 2}",
        // Format 1 wrote fractional numbers as decimal text.
        "{\"ticketRulesPack\": 1, \"hash\": \"x\", \"files\": [], \"functions\": [], \"calls\": []}",
    ] {
        let e = RuleEngine::from_compiled(text).unwrap_err();
        assert_eq!(e.code(), "PACK_INVALID", "{text}: {e}");
        assert!(e.to_string().contains("not a compiled pack"), "{e}");
    }
    // A call to something that is no declaration.
    let e = RuleEngine::from_compiled(&tampered("[\"pack_name\",", "[\"rm_rf\",")).unwrap_err();
    assert!(e.to_string().contains("rm_rf"), "{e}");
    // A declaration with a bad argument: the handler's own error, at the
    // call's place, as from source.
    let e = RuleEngine::from_compiled(&tampered("[\"reject\"]]", "[\"sometimes\"]]")).unwrap_err();
    assert!(
        e.to_string()
            .contains("\"sometimes\" is not keep, reject or drop"),
        "{e}"
    );
    assert!(e.to_string().contains(".rhai:"), "{e}");
    // A rule naming a function its file does not define.
    let e = RuleEngine::from_compiled(&tampered_in(
        chain_sources(),
        "[\"change_names_the_element\",1]",
        "[\"something_else\",1]",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("change_names_the_element"), "{e}");
}

#[test]
fn a_pack_with_errors_does_not_compile() {
    let errors = RuleEngine::compile_sources(common::default_pack_with(
        "zz.rhai",
        "impact(42);\nlet = ;\n",
    ))
    .unwrap_err();
    assert!(!errors.is_empty());
    assert!(errors.iter().any(|e| e.code() == "RULE_SYNTAX"));
}

#[test]
fn what_a_file_does_that_replays_the_same() {
    // Numbers come back exactly (floats made by arithmetic included); a
    // declaration made in a loop or a function is recorded each time it
    // runs; an error a file catches is no declaration's.
    let extra = r#"
        try { throw "not a declaration"; } catch (e) { }
        fn more(n) { lookup(`sites${n}`, [#{ name: "a", ratio: 0.1 + 0.2 * n, big: 1e300, tiny: 4.9e-324 }]); }
        for n in 0..3 { more(n); }
        lookup("odd", [#{ name: "x", weight: 0.9832756999909005, note: 'c', "$f64": "1.5", "$$y": [2.5] }]);
        lookup("dollars", [#{ name: "d", "$": 1, "$$": 2, "$a": 3, "$$a": 4, "$!": 5, "$$!": 6, "$$$a": [#{ "$f64": 7.5, "$$f64": 1.0 }] }]);
    "#;
    let engine = same_both_ways(common::default_pack_with("zz.rhai", extra));
    let sites = &engine.pack().lookups()["sites2"][0];
    assert_eq!(sites["ratio"], json!(0.1 + 0.2 * 2.0));
    let odd = &engine.pack().lookups()["odd"][0];
    assert_eq!(odd["weight"], json!(0.9832756999909005));
    assert_eq!(odd["$f64"], json!("1.5"));
    assert_eq!(odd["$$y"], json!([2.5]));
    let dollars = &engine.pack().lookups()["dollars"][0];
    assert_eq!(dollars["$a"], 3);
    assert_eq!(dollars["$$a"], 4);
    assert_eq!(dollars["$$$a"], json!([{ "$f64": 7.5, "$$f64": 1.0 }]));
    // A key with one `$` is not one compile writes.
    let text = RuleEngine::compile_sources(default_sources()).unwrap();
    let e = RuleEngine::from_compiled(&text.replacen("\"email\":", "\"$email\":", 1)).unwrap_err();
    assert!(e.to_string().contains("\"$email\""), "{e}");
}

#[test]
fn a_compiled_pack_is_held_to_the_limits_its_source_ran_under() {
    let text = RuleEngine::compile_sources(default_sources()).unwrap();
    // A declaration with an argument rhai would not have let a file build.
    let huge = format!("\"{}\"", "x".repeat((1 << 20) + 1));
    let e = RuleEngine::from_compiled(&text.replacen("\"its-incident-management\"", &huge, 1))
        .unwrap_err();
    assert_eq!(e.code(), "PACK_INVALID");
    assert!(e.to_string().contains("pack_name"), "{e}");
    // Too many declarations.
    let call = "[\"roles\",1,6,1,[[\"Manager\"]]]";
    let many = vec![call; 5_001].join(",");
    let e = RuleEngine::from_compiled(&text.replacen(
        "\"calls\": [",
        &format!("\"calls\": [{many},"),
        1,
    ))
    .unwrap_err();
    assert!(e.to_string().contains("at most 5000"), "{e}");
    // A file listed twice.
    let e = RuleEngine::from_compiled(&text.replacen(
        "\"files\": [\"calendars.rhai\",",
        "\"files\": [\"calendars.rhai\",\"calendars.rhai\",",
        1,
    ))
    .unwrap_err();
    assert!(e.to_string().contains("listed twice"), "{e}");
    // No `__proto__` key gets through (the source path drops them too).
    let with_proto = text.replacen(
        "{\"email\":\"pat@example.edu\"",
        "{\"__proto__\":{\"admin\":true},\"email\":\"pat@example.edu\"",
        1,
    );
    assert_ne!(with_proto, text);
    let engine = RuleEngine::from_compiled(&with_proto).unwrap();
    let pat = &engine.pack().lookups()["contacts"][0];
    assert!(pat.get("__proto__").is_none(), "{pat}");
    assert_eq!(pat["email"], "pat@example.edu");
}

#[test]
fn a_compiled_packs_list_of_functions_is_checked_against_its_source() {
    // The text claims a hook the source does not define: the pack loads
    // (the list says so), and the first call that needs the file says the
    // list is wrong instead of running anything.
    let text = RuleEngine::compile_sources(default_sources()).unwrap();
    let claimed = text.replacen("\"fns\":[", "\"fns\":[[\"adjust_priority\",2],", 1);
    let engine = RuleEngine::from_compiled(&claimed).unwrap();
    assert!(engine.pack().has_priority_hook());
    let e = engine
        .priority(&json!({ "impact": "Critical", "urgency": "Work Impaired" }))
        .unwrap_err();
    assert_eq!(e.code(), "PACK_INVALID", "{e}");
    assert!(e.to_string().contains("list of functions"), "{e}");
}

#[test]
fn a_tampered_compiled_pack_is_refused_not_a_panic() {
    // A pack without `pack_version` takes its version from the hash: a
    // hash of another shape is refused (it once panicked, cut at 8 bytes).
    let tiny = include_str!("data/tiny-pack.rhai");
    let text = RuleEngine::compile_sources([("tiny.rhai", tiny)]).unwrap();
    let engine = RuleEngine::from_compiled(&text).unwrap();
    assert!(
        engine.pack_version().starts_with("dev+"),
        "{}",
        engine.pack_version()
    );
    let hash = engine.pack().hash().to_string();
    for bad in ["abc", "aéééé", "0123456789abcdeg", "0123456789abcdef0", ""] {
        let e = RuleEngine::from_compiled(&text.replacen(&hash, bad, 1)).unwrap_err();
        assert_eq!(e.code(), "PACK_INVALID", "{bad}: {e}");
        assert!(e.to_string().contains("hash"), "{bad}: {e}");
    }
    // Format 1 (floats as decimal text) is refused by its version.
    let v1 = text.replacen("\"ticketRulesPack\": 2", "\"ticketRulesPack\": 1", 1);
    let e = RuleEngine::from_compiled(&v1).unwrap_err();
    assert!(e.to_string().contains("ticketRulesPack"), "{e}");
    // A float's bits: a finite number's only.
    let with_float = RuleEngine::compile_sources([
        ("tiny.rhai", tiny.to_string()),
        (
            "z.rhai",
            "lookup(\"w\", [#{ name: \"a\", weight: 0.5 }]);".to_string(),
        ),
    ])
    .unwrap();
    let half = format!("{{\"$f64\":{}}}", 0.5f64.to_bits());
    assert!(with_float.contains(&half), "{with_float}");
    let loaded = RuleEngine::from_compiled(&with_float).unwrap();
    assert_eq!(loaded.pack().lookups()["w"][0]["weight"], json!(0.5));
    for bits in [
        f64::NAN.to_bits().to_string(),
        f64::INFINITY.to_bits().to_string(),
        "-1".to_string(),
        "1.5".to_string(),
        "\"0.5\"".to_string(),
    ] {
        let e = RuleEngine::from_compiled(&with_float.replacen(
            &half,
            &format!("{{\"$f64\":{bits}}}"),
            1,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "PACK_INVALID", "{bits}: {e}");
    }
}

#[test]
fn a_bad_cell_gets_the_same_message_from_source_and_compiled() {
    // One parser reads a cell both ways: from a rhai map literal, and
    // from the JSON a compiled pack keeps. Each bad value, given both
    // ways, must be refused with the same words.
    let tiny = include_str!("data/tiny-pack.rhai");
    let good_json =
        r#"{"clock":"24x7","priority":"P1","process":null,"resolve":14400,"respond":3600}"#;
    let cases = [
        // (rhai map literal, its JSON in a compiled pack, words expected)
        (
            r#"#{ clock: "24x7", respond: true, priority: "P1", resolve: "4h" }"#,
            r#"{"clock":"24x7","priority":"P1","resolve":14400,"respond":true}"#,
            r#"respond: expected a duration like "4h" (or whole seconds), not true or false"#,
        ),
        (
            r#"#{ clock: "24x7", respond: 1.5, priority: "P1", resolve: "4h" }"#,
            r#"{"clock":"24x7","priority":"P1","resolve":14400,"respond":1.5}"#,
            r#"respond: expected a duration like "4h" (or whole seconds), not a number that is not whole seconds (write "90m" for 1.5 h)"#,
        ),
        (
            r#"#{ clock: "24x7", respond: "1h", priority: "P1" }"#,
            r#"{"clock":"24x7","priority":"P1","respond":3600}"#,
            r#"resolve: expected a duration like "4h", not nothing"#,
        ),
        (
            r#"#{ clock: "24x7", respond: -5, priority: "P1", resolve: "4h" }"#,
            r#"{"clock":"24x7","priority":"P1","resolve":14400,"respond":-5}"#,
            "respond: -5 seconds is out of range",
        ),
        (
            r#"#{ clock: 7, respond: "1h", priority: "P1", resolve: "4h" }"#,
            r#"{"clock":7,"priority":"P1","resolve":14400,"respond":3600}"#,
            "clock must be a string",
        ),
        (
            r#"#{ clock: " ", respond: "1h", priority: "P1", resolve: "4h" }"#,
            r#"{"clock":" ","priority":"P1","resolve":14400,"respond":3600}"#,
            "clock must not be empty",
        ),
        (
            r#"#{ clock: "24x7", respond: "1h", priority: [], resolve: "4h" }"#,
            r#"{"clock":"24x7","priority":[],"resolve":14400,"respond":3600}"#,
            "priority must be a string",
        ),
        (
            r#"#{ clock: "24x7", respond: "1h", priority: "P1", process: 3, resolve: "4h" }"#,
            r#"{"clock":"24x7","priority":"P1","process":3,"resolve":14400,"respond":3600}"#,
            "process must be a string or ()",
        ),
        (
            r#"#{ clock: "24x7", respond: "1h", priority: "P1", resolved: "4h" }"#,
            r#"{"clock":"24x7","priority":"P1","resolved":14400,"respond":3600}"#,
            r#"unknown key "resolved" (clock, respond, priority, process, resolve)"#,
        ),
    ];
    let text = RuleEngine::compile_sources([("tiny.rhai", tiny)]).unwrap();
    assert!(text.contains(good_json));
    let refused = |json: &str| {
        RuleEngine::from_compiled(&text.replacen(good_json, json, 1))
            .err()
            .unwrap_or_else(|| panic!("{json} loads"))
            .to_string()
    };
    for (rhai, json, words) in cases {
        let source = tiny.replacen(r#"cell("24x7", "1h", "P1", "4h")"#, rhai, 1);
        let from_source = RuleEngine::from_sources([("tiny.rhai", source.as_str())])
            .err()
            .unwrap_or_else(|| panic!("{rhai} loads"))
            .to_string();
        assert!(from_source.contains(words), "{rhai}: {from_source}");
        assert_eq!(from_source, refused(json), "{rhai} / {json}");
    }
    // A `__proto__` key is dropped both ways, as from any other map.
    let source = tiny.replacen(
        r#"cell("24x7", "1h", "P1", "4h")"#,
        r#"#{ clock: "24x7", respond: "1h", priority: "P1", resolve: "4h", "__proto__": 1 }"#,
        1,
    );
    let from_source = RuleEngine::from_sources([("tiny.rhai", source.as_str())]).unwrap();
    let proto = r#"{"clock":"24x7","priority":"P1","process":null,"resolve":14400,"respond":3600,"__proto__":1}"#;
    let compiled = RuleEngine::from_compiled(&text.replacen(good_json, proto, 1)).unwrap();
    let ticket = json!({ "impact": "High", "urgency": "Now" });
    // The same cell either way (the packs' versions differ: their hashes).
    let cell = |e: &RuleEngine| {
        let mut a = answer(e.priority(&ticket));
        a.as_object_mut().map(|o| o.remove("packVersion"));
        a
    };
    assert_eq!(cell(&from_source), cell(&compiled));
    assert_eq!(cell(&compiled)["respondSeconds"], 3600);
    // What only JSON can say, named as rhai would name it.
    for (json, words) in [
        (
            r#"{"clock":"24x7","priority":"P1","resolve":14400,"respond":18446744073709551615}"#,
            r#"respond: expected a duration like "4h" (or whole seconds), not a number that is not whole seconds (write "90m" for 1.5 h)"#,
        ),
        (
            r#"{"clock":"24x7","priority":"P1","resolve":{},"respond":3600}"#,
            r#"resolve: expected a duration like "4h" (or whole seconds), not a map"#,
        ),
        (
            r#"{"clock":null,"priority":"P1","resolve":14400,"respond":3600}"#,
            "clock must be a string",
        ),
    ] {
        let e = refused(json);
        assert!(e.contains(words), "{json}: {e}");
    }
}
