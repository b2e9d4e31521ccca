//! Rule errors: codes, `file:line:column`, the sandbox, and every error of a
//! pack at once.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{RUNAWAY_HOOK, RUNAWAY_LOAD, TINY_PACK};
use serde_json::json;
use ticket_rules::error::Limit;
use ticket_rules::pack::sandbox::{set_clock, system_clock};
use ticket_rules::{Error, RuleEngine, ERROR_CODES};

#[track_caller]
fn load_err(files: &[(&str, &str)]) -> Error {
    match RuleEngine::from_sources(files.iter().copied()) {
        Ok(_) => panic!("expected the pack to fail"),
        Err(e) => e,
    }
}

#[track_caller]
fn at(e: &Error) -> String {
    e.span()
        .map(|s| s.to_string())
        .unwrap_or_else(|| panic!("no span on {e}"))
}

/// A tiny pack with one line replaced, to put a mistake at a known place.
fn tiny_replacing(line_no: usize, text: &str) -> String {
    TINY_PACK
        .lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == line_no { text } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tiny_pack_loads() {
    let e = RuleEngine::from_sources([("p.rhai", TINY_PACK)]).unwrap();
    assert!(e.pack_version().starts_with("dev+"), "{}", e.pack_version());
    assert_eq!(e.pack_version().len(), 4 + 8);
    let p = e
        .priority(&json!({"impact": "low", "urgency": "later"}))
        .unwrap();
    assert_eq!((p.priority.as_str(), p.resolve_seconds), ("P2", 32 * 3600));
}

#[test]
fn syntax_errors_have_file_line_column() {
    let e = load_err(&[
        ("pack.rhai", "pack_version(\"1\");"),
        (
            "priority.rhai",
            "priorities([\"P1\"]);\nimpact(\"High\",);\nlet x = ;\n",
        ),
    ]);
    assert_eq!(e.code(), "RULE_SYNTAX");
    assert_eq!(at(&e), "priority.rhai:3:9");
    assert!(
        e.to_string()
            .starts_with("priority.rhai:3:9: syntax error: "),
        "{e}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // "é" is two bytes in UTF-8; the column is the character's.
    let e = load_err(&[("p.rhai", "let s = \"é\"; let y = ;")]);
    assert_eq!(at(&e), "p.rhai:1:22");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let with_bom = format!("\u{feff}{TINY_PACK}");
    assert!(RuleEngine::from_sources([("p.rhai", with_bom.as_str())]).is_ok());
    let e = load_err(&[("p.rhai", "\u{feff}let y = ;")]);
    assert_eq!(at(&e), "p.rhai:1:9");
}

#[test]
fn runtime_errors_inside_functions_point_inside() {
    let src = "fn twice(x) {\n    x * 2\n}\nfn outer(x) {\n    twice(x)\n}\nouter(\"text\");\n";
    let e = load_err(&[("p.rhai", src)]);
    assert_eq!(e.code(), "RULE_RUNTIME");
    assert_eq!(at(&e), "p.rhai:2:7");
    let e = load_err(&[("p.rhai", "let a = [1];\n\n   throw \"stop here\";")]);
    assert_eq!(
        (e.code(), at(&e)),
        ("RULE_RUNTIME", "p.rhai:3:4".to_string())
    );
    assert!(e.to_string().ends_with("stop here"), "{e}");
}

#[test]
fn undefined_variables_are_caught_at_load() {
    let e = load_err(&[("p.rhai", "priorities(undefined_thing);")]);
    assert_eq!(e.code(), "RULE_SYNTAX");
    assert_eq!(at(&e), "p.rhai:1:12");
}

#[test]
fn declaration_errors_point_at_the_declaration() {
    // Line 7 of TINY_PACK is the first row.
    let src = tiny_replacing(
        7,
        r#"row("Now",   [cell("24x7", "1h", "P7", "4h"), cell("24x7", "2h", "P1", "8h")]);"#,
    );
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(
        (e.code(), at(&e)),
        ("PACK_INVALID", "p.rhai:7:15".to_string())
    );
    assert!(e.to_string().contains(r#"unknown priority "P7""#), "{e}");

    let src = tiny_replacing(
        7,
        r#"row("Now",   [cell("24x7", "1 fortnight", "P1", "4h"), cell("24x7", "2h", "P1", "8h")]);"#,
    );
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(
        (e.code(), at(&e)),
        ("PACK_INVALID", "p.rhai:7:15".to_string())
    );
    assert!(
        e.to_string()
            .contains(r#"respond: invalid duration "1 fortnight": unknown unit "fortnight""#),
        "{e}"
    );

    let src = tiny_replacing(
        7,
        r#"row("Now",   [cell("weekdays", "1h", "P1", "4h"), cell("24x7", "2h", "P1", "8h")]);"#,
    );
    let e = load_err(&[("p.rhai", &src)]);
    assert!(e.to_string().contains(r#"unknown clock "weekdays""#), "{e}");

    let src = tiny_replacing(7, r#"row("Now",   [cell("24x7", "1h", "P1", "4h")]);"#);
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(at(&e), "p.rhai:7:1");
    assert!(
        e.to_string()
            .contains("has 1 cells; there are 2 impact levels"),
        "{e}"
    );

    let src = tiny_replacing(7, "");
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(at(&e), "p.rhai:5:1", "points at the urgency without a row");
    assert!(
        e.to_string()
            .contains(r#"no row of cells for urgency "Now""#),
        "{e}"
    );

    let src = tiny_replacing(4, r#"impact("HIGH");"#);
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(at(&e), "p.rhai:4:1");
    assert!(
        e.to_string()
            .contains(r#"impact "HIGH" already names level "High" (declared at p.rhai:3:1)"#),
        "{e}"
    );

    // Spellings are told apart as the matrix matches them: char by char
    // (`char::to_lowercase`, a capital sigma always `σ`), not as
    // `str::to_lowercase` folds a word (`ΟΔΟΣ` → `οδος`, a final `ς`), or
    // two levels would answer to one spelling.
    let src =
        tiny_replacing(3, r#"impact("ΟΔΟΣ");"#).replace(r#"impact("Low");"#, r#"impact("οδοσ");"#);
    let e = load_err(&[("p.rhai", &src)]);
    assert_eq!(at(&e), "p.rhai:4:1");
    assert!(
        e.to_string()
            .contains(r#"impact "οδοσ" already names level "ΟΔΟΣ" (declared at p.rhai:3:1)"#),
        "{e}"
    );

    let e = load_err(&[(
        "p.rhai",
        &tiny_replacing(3, r#"impact("High", ["Top", " HIGH"]);"#),
    )]);
    assert_eq!(at(&e), "p.rhai:3:1");
    assert!(
        e.to_string().contains(r#"impact " HIGH" is listed twice"#),
        "{e}"
    );

    let e = load_err(&[("p.rhai", &tiny_replacing(3, "impact(42);"))]);
    assert_eq!(
        (e.code(), at(&e)),
        ("PACK_INVALID", "p.rhai:3:1".to_string())
    );
    assert!(
        e.to_string()
            .contains("impact(name, aliases): name must be a string, not i64"),
        "{e}"
    );
}

#[test]
fn a_map_cell_works_like_cell() {
    let src = tiny_replacing(
        7,
        r#"row("Now", [#{ clock: "24x7", respond: 3600, priority: "P1", resolve: "4 hours" }, cell("24x7", "2h", "P1", "8h")]);"#,
    );
    let e = RuleEngine::from_sources([("p.rhai", src.as_str())]).unwrap();
    let p = e
        .priority(&json!({"impact": "High", "urgency": "Now"}))
        .unwrap();
    assert_eq!((p.respond_seconds, p.resolve_seconds), (3600, 14400));
    let src = tiny_replacing(
        7,
        r#"row("Now", [#{ clock: "24x7", respond: "1h", priority: "P1", resolved: "4h" }, cell("24x7", "2h", "P1", "8h")]);"#,
    );
    let e = load_err(&[("p.rhai", &src)]);
    assert!(e.to_string().contains(r#"unknown key "resolved""#), "{e}");
}

#[test]
fn every_error_of_a_pack_at_once() {
    let bad = [
        ("a.rhai", "let = 1;"),
        (
            "b.rhai",
            "priorities([\"P1\", \"P1\"]);\nimpact(\"X\");\nimpact(\"x\");",
        ),
        (
            "c.rhai",
            "urgency(\"U\");\nrow(\"U\", [cell(\"24x7\", \"1h\", \"P1\", \"zz\")]);",
        ),
    ];
    let errors = RuleEngine::check_sources(bad);
    let got: Vec<(String, &str)> = errors.iter().map(|e| (at(e), e.code())).collect();
    assert_eq!(
        got,
        [
            ("a.rhai:1:5".to_string(), "RULE_SYNTAX"),
            ("b.rhai:1:1".to_string(), "PACK_INVALID"),
            ("b.rhai:3:1".to_string(), "PACK_INVALID"),
            ("c.rhai:2:11".to_string(), "PACK_INVALID"),
        ],
        "{errors:#?}"
    );
    assert!(RuleEngine::check_sources([("p.rhai", TINY_PACK)]).is_empty());
}

#[test]
fn a_pack_missing_its_matrix_says_what_to_add() {
    let e = load_err(&[("pack.rhai", "pack_version(\"1\");")]);
    assert_eq!(e.code(), "PACK_INVALID");
    assert!(e.to_string().contains("no priorities declared"), "{e}");
    assert!(e.span().is_none());
    let empty: [(&str, &str); 0] = [];
    assert_eq!(
        RuleEngine::from_sources(empty).unwrap_err().code(),
        "PACK_INVALID"
    );
}

#[test]
fn hooks_are_checked_at_load() {
    let e = load_err(&[
        ("p.rhai", TINY_PACK),
        ("h.rhai", "\n fn adjust_priority(t) { t }"),
    ]);
    assert_eq!(
        (e.code(), at(&e)),
        ("PACK_INVALID", "h.rhai:2:2".to_string())
    );
    assert!(e.to_string().contains("takes 2 parameters, not 1"), "{e}");
    let hook = "fn adjust_priority(t, r) { r }";
    let e = load_err(&[("p.rhai", TINY_PACK), ("h1.rhai", hook), ("h2.rhai", hook)]);
    assert_eq!(at(&e), "h2.rhai:1:1");
    assert!(
        e.to_string()
            .contains("defined twice (first at h1.rhai:1:1)"),
        "{e}"
    );
}

#[test]
fn a_rule_that_loops_forever_at_load_is_stopped() {
    set_clock(None); // the operations limit, not the time guard of a slow debug build
    let e = load_err(&[("p.rhai", RUNAWAY_LOAD)]);
    assert_eq!(e.code(), "RULE_LIMIT");
    assert_eq!(e.limit(), Some(Limit::Operations));
    assert_eq!(e.span().unwrap().file, "p.rhai");
    assert!((2..=3).contains(&e.span().unwrap().line), "{e}");
}

#[test]
fn runaway_hooks_are_stopped_and_the_engine_keeps_answering() {
    set_clock(None); // the operations limit, not the time guard of a slow debug build
    let e = RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", RUNAWAY_HOOK)]).unwrap();
    let ok = json!({"impact": "High", "urgency": "Now"});
    let spin = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    for _ in 0..3 {
        let err = e.priority(&spin).unwrap_err();
        assert_eq!(
            (err.code(), err.limit()),
            ("RULE_LIMIT", Some(Limit::Operations))
        );
        // rhai reports a limit at the outermost call; for a hook, that is
        // the hook itself.
        assert_eq!(err.span().unwrap().to_string(), "hook.rhai:2:1");
        assert_eq!(e.priority(&ok).unwrap().priority, "P1");
    }
}

#[test]
fn other_limits_have_their_names() {
    // The deterministic limits, without the time guard (in a debug build a
    // big array's size checks are slow enough to trip it first).
    set_clock(None);
    for (src, limit) in [
        ("fn f(n) { f(n + 1) }\nf(0);", Limit::CallDepth),
        ("let s = \"x\";\nloop { s += s; }", Limit::DataSize),
        ("let a = [];\nloop { a.push(1); }", Limit::DataSize),
    ] {
        let e = load_err(&[("p.rhai", src)]);
        assert_eq!(
            (e.code(), e.limit()),
            ("RULE_LIMIT", Some(limit)),
            "{src}: {e}"
        );
    }
    // rhai size-checks a map only when an expression reads it whole; a map
    // grown by index assignment alone is bounded by the operations limit.
    // Either way the rule is stopped.
    let e = load_err(&[("p.rhai", "let m = #{};\nloop { m[`${m.len()}`] = (); }")]);
    assert_eq!(e.code(), "RULE_LIMIT");
    let e = load_err(&[(
        "p.rhai",
        "let m = #{};\nlet i = 0;\nloop { m[`${i}`] = (); i += 1; }",
    )]);
    assert_eq!(e.code(), "RULE_LIMIT");
    let e = load_err(&[(
        "p.rhai",
        "let m = #{};\nfor i in 0..20000 { m += #{}; m[`${i}`] = 1; }",
    )]);
    assert_eq!((e.code(), e.limit()), ("RULE_LIMIT", Some(Limit::DataSize)));
    // Values nested 256 deep are fine; the 257th level is refused where it
    // is made (unpatched rhai cloned a value 20,000 deep recursively and
    // overflowed the stack: an abort natively, a dead instance in wasm).
    for (src, at_line) in [
        ("let a = [];\nfor i in 0..20000 { a = [a]; }", 2),
        ("let m = #{};\nfor i in 0..20000 {\n  m = #{ x: m };\n}", 3),
        (
            "let a = [];\nfor i in 0..20000 {\n  let b = [];\n  b.push(a);\n  a = b;\n}",
            4,
        ),
        (
            "let a = [];\nfor i in 0..20000 { let b = [1]; b.insert(0, a); a = b; }",
            2,
        ),
        ("let a = [];\nfor i in 0..20000 { a = [[[[a]]]]; }", 2),
    ] {
        let e = load_err(&[("p.rhai", src)]);
        assert_eq!(
            (e.code(), e.limit(), e.span().map(|s| s.line)),
            ("RULE_LIMIT", Some(Limit::DataDepth), Some(at_line)),
            "{src}: {e}"
        );
        assert!(e.to_string().contains("data depth"), "{e}");
    }
    let e = load_err(&[("p.rhai", "let a = [];\nfor i in 0..255 { a = [a]; }")]);
    assert_eq!(e.code(), "PACK_INVALID", "{e}");
    let deep = format!("let x = {}1{};", "(".repeat(500), ")".repeat(500));
    let e = load_err(&[("p.rhai", &deep)]);
    assert_eq!(
        (e.code(), e.limit()),
        ("RULE_LIMIT", Some(Limit::ExpressionDepth))
    );
}

#[test]
fn no_io_and_no_clock_in_rules() {
    for src in ["import \"x\" as y;", "let t = timestamp();", "eval(\"1\");"] {
        let e = load_err(&[("p.rhai", src)]);
        assert!(
            ["RULE_SYNTAX", "RULE_RUNTIME"].contains(&e.code()),
            "{src}: {e}"
        );
    }
}

#[test]
fn invalid_utf8_is_reported_at_its_place() {
    let dir = std::env::temp_dir().join(format!("ticket-rules-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.rhai"), b"let a = 1;\nlet b = \"\xff\";\n").unwrap();
    let e = RuleEngine::from_dir(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        (e.code(), at(&e)),
        ("PACK_INVALID", "p.rhai:2:10".to_string())
    );
    let e = RuleEngine::from_dir("/no/such/dir").unwrap_err();
    assert_eq!(e.code(), "IO");
}

#[test]
fn every_code_is_listed() {
    for code in [
        "UNKNOWN_IMPACT",
        "UNKNOWN_URGENCY",
        "UNKNOWN_SEVERITY",
        "MISSING_FIELD",
        "INVALID_TYPE",
        "INVALID_INPUT",
        "RULE_SYNTAX",
        "RULE_RUNTIME",
        "RULE_LIMIT",
        "PACK_INVALID",
        "IO",
        "NO_RHAI",
    ] {
        assert!(ERROR_CODES.contains(&code), "{code}");
    }
    assert_eq!(ERROR_CODES.len(), 28);
}

/// A hook that does `work` when the ticket's service is "spin".
fn spin_hook(work: &str) -> String {
    format!(
        "fn adjust_priority(ticket, result) {{\n    if ticket.service == \"spin\" {{\n        {work}\n    }}\n    result\n}}\n"
    )
}

#[test]
fn every_kind_of_runaway_hook_is_stopped_by_name_and_the_engine_keeps_answering() {
    // The table the Node and Chromium tests and the sandbox benchmark run too.
    let table: serde_json::Value =
        serde_json::from_str(include_str!("data/runaway-hooks.json")).unwrap();
    let helpers = table["helpers"].as_str().unwrap();
    let ok = json!({"impact": "High", "urgency": "Now"});
    let spin = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let (work, limit) = (
            case["work"].as_str().unwrap(),
            case["limit"].as_str().unwrap(),
        );
        // The time guard only where time is the point: a debug build is slow
        // enough to trip it first on the others.
        set_clock(if limit == "time" {
            system_clock()
        } else {
            None
        });
        let hook = format!("{}{helpers}\n", spin_hook(work));
        let e = RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", hook.as_str())])
            .unwrap();
        for _ in 0..2 {
            let err = e.priority(&spin).unwrap_err();
            assert_eq!(
                (err.code(), err.limit().map(Limit::as_str)),
                ("RULE_LIMIT", Some(limit)),
                "{work}: {err}"
            );
            assert_eq!(err.span().unwrap().file, "hook.rhai", "{work}: {err}");
            assert!(err.to_string().contains(limit), "{err}");
            assert_eq!(e.priority(&ok).unwrap().priority, "P1", "{work}");
        }
    }
}

#[test]
fn a_pack_sets_its_hook_limits_within_the_ceilings() {
    let hook = spin_hook("let n = 0; for i in 0..500 { n += i; }");
    let spin = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    // The default limits let 500 iterations run.
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", hook.as_str())]).unwrap();
    assert_eq!(e.priority(&spin).unwrap().priority, "P1");
    // A pack that allows 300 operations per hook call stops them.
    let strict = format!("{hook}limits(#{{ operations: 300, call_levels: 8 }});\n");
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", strict.as_str())]).unwrap();
    let err = e.priority(&spin).unwrap_err();
    assert_eq!(
        (err.code(), err.limit()),
        ("RULE_LIMIT", Some(Limit::Operations))
    );
    // Over a ceiling, an unknown key, a wrong type, twice: pack errors at
    // the declaration.
    for (decl, says) in [
        (
            "limits(#{ operations: 10000000 });",
            "operations must be a whole number from 1 to 200000",
        ),
        (
            "limits(#{ time_ms: 0 });",
            "time_ms must be a whole number from 1 to 50",
        ),
        (
            "limits(#{ string_size: 2000000 });",
            "string_size must be a whole number from 1 to 1048576",
        ),
        (
            "limits(#{ array_size: \"big\" });",
            "array_size must be a whole number",
        ),
        ("limits(#{ seconds: 1 });", "unknown key `seconds`"),
        (
            "limits(#{ operations: 100 });\nlimits(#{ operations: 200 });",
            "limits declared again (first at l.rhai:1:1)",
        ),
        ("limits(5);", "takes a map"),
    ] {
        let err = load_err(&[("p.rhai", TINY_PACK), ("l.rhai", decl)]);
        assert_eq!(err.code(), "PACK_INVALID", "{decl}: {err}");
        assert_eq!(err.span().unwrap().file, "l.rhai", "{decl}: {err}");
        assert!(err.to_string().contains(says), "{decl}: {err}");
    }
}

thread_local! {
    static FAKE_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// A clock that moves 1 ms each time it is read: time in a test is then a
/// count of reads, the same on every machine.
fn fake_clock() -> f64 {
    FAKE_MS.with(|c| {
        c.set(c.get() + 1.0);
        c.get()
    })
}

#[test]
fn the_time_guard_restarts_with_every_hook_call() {
    let short = spin_hook("let n = 0; for i in 0..100 { n += i; }");
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", short.as_str())]).unwrap();
    let long = spin_hook("let n = 0; for i in 0..2000 { n += i; }");
    let l =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", long.as_str())]).unwrap();
    let spin = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    set_clock(Some(fake_clock));
    // ~300 operations read the clock ~20 times: 20 "ms" each call, under
    // the 50 ms budget, however many calls came before.
    for _ in 0..50 {
        assert_eq!(e.priority(&spin).unwrap().priority, "P1");
    }
    // ~6000 operations read it ~375 times: over the budget.
    let err = l.priority(&spin).unwrap_err();
    assert_eq!((err.code(), err.limit()), ("RULE_LIMIT", Some(Limit::Time)));
    // No clock, no time guard: only the deterministic limits.
    set_clock(None);
    assert_eq!(l.priority(&spin).unwrap().priority, "P1");
}

#[test]
fn a_ticket_too_large_for_a_hook_is_refused_before_the_hook_runs_with_its_path() {
    let hook = spin_hook("");
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", hook.as_str())]).unwrap();
    let base = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    let with = |key: &str, v: serde_json::Value| {
        let mut t = base.clone();
        t[key] = v;
        t
    };
    for (t, field, says) in [
        (
            with("description", json!("x".repeat((1 << 20) + 1))),
            "description",
            "1048577 bytes of text",
        ),
        (
            with(
                "history",
                json!([{"at": "2026-03-16T14:00:00Z", "note": "é".repeat((1 << 20) + 1)}]),
            ),
            "history[0].note",
            "bytes of text",
        ),
        (
            with("tags", json!(vec![1; 10_001])),
            "tags",
            "10001 list items",
        ),
        // As rhai counts them: the bytes of every string in the ticket
        // together, and the items of nested lists in their parent's.
        (
            with("notes", json!(["x".repeat(600_000), "y".repeat(600_000)])),
            "notes",
            "1200000 bytes of text",
        ),
        (
            with("grid", json!(vec![vec![0; 100]; 100])),
            "grid",
            "10100 list items",
        ),
        (
            with("description", json!("é".repeat((1 << 19) + 1))),
            "description",
            "1048578 bytes of text",
        ),
    ] {
        let err = e.priority(&t).unwrap_err();
        assert_eq!(err.code(), "TOO_LARGE", "{err}");
        assert!(err.field().unwrap().starts_with(field), "{field}: {err}");
        assert!(err.to_string().contains(says), "{says}: {err}");
    }
    // At the limit, the hook runs, and may change the ticket (when rhai
    // counts its size); one byte more, in any string, and it does not run.
    // "High", "Now" and "spin" are 11 bytes.
    let changes = format!(
        "{}fn note(t) {{ t.seen = true; t }}\n",
        spin_hook("ticket.seen = true; ticket = note(ticket);")
    );
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", changes.as_str())]).unwrap();
    let t = with("description", json!("é".repeat(((1 << 20) - 11) / 2)));
    assert_eq!(e.priority(&t).unwrap().priority, "P1");
    let t = with("description", json!("x".repeat((1 << 20) - 11)));
    assert_eq!(e.priority(&t).unwrap().priority, "P1");
    let mut more = t.clone();
    more["x"] = json!("z");
    let err = e.priority(&more).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("TOO_LARGE", Some("ticket")),
        "{err}"
    );
    // Lists that fit one by one, but not together.
    let mut t = base.clone();
    t["a"] = json!(vec![0; 6000]);
    t["b"] = json!(vec![0; 6000]);
    let err = e.priority(&t).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("TOO_LARGE", Some("ticket")),
        "{err}"
    );
    // Too deep is INVALID_INPUT, as without a hook (and as in JS).
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "x": deep });
    }
    let err = e.priority(&with("custom", deep)).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT", "{err}");
    // A pack without hooks never looks.
    let plain = RuleEngine::from_sources([("p.rhai", TINY_PACK)]).unwrap();
    let t = with("description", json!("x".repeat(10 << 20)));
    assert_eq!(plain.priority(&t).unwrap().priority, "P1");
}

/// The sandbox's library has no blobs or bit fields (rules/README.md, "The
/// sandbox"): calling them is an unknown function, located.
#[test]
fn no_blobs_or_bit_fields() {
    for (src, name) in [
        ("let b = blob(4);", "blob"),
        ("let x = 5; x.get_bit(1);", "get_bit"),
    ] {
        let errors = RuleEngine::check_sources([("p.rhai", TINY_PACK), ("extra.rhai", src)]);
        let e = errors
            .iter()
            .find(|e| e.to_string().contains(name))
            .unwrap_or_else(|| panic!("{src}: {errors:?}"));
        assert_eq!(e.code(), "RULE_RUNTIME", "{src}: {e}");
        assert!(e.span().is_some_and(|s| s.file == "extra.rhai"), "{e}");
    }
}

/// Each one-per-pack declaration made a second time, and each named one
/// made twice under one name, is a pack error at the later one (files load
/// in name order, so `again.rhai` comes first), naming where the first is.
#[test]
fn declarations_made_twice_name_the_first() {
    for (decl, what, file, line) in [
        (r#"pack_name("other");"#, "pack_name", "pack.rhai", 7),
        (r#"pack_version("9.9.9");"#, "pack_version", "pack.rhai", 8),
        (
            r#"priorities(["P1", "P2"]);"#,
            "priorities",
            "priority.rhai",
            12,
        ),
        (r#"sla(#{});"#, "sla(...)", "sla.rhai", 15),
        (r#"queue_order(["age"]);"#, "queue_order", "sla.rhai", 33),
        (r#"roles(["Manager"]);"#, "roles", "escalation.rhai", 6),
        (
            r#"user_roles(["customer"]);"#,
            "user_roles",
            "forms.rhai",
            27,
        ),
        // An extra file loosened "reject" to "keep" without a word.
        (
            r#"unknown_fields("keep");"#,
            "unknown_fields",
            "forms.rhai",
            11,
        ),
        // Named ones: again.rhai loads first, so the default pack's own
        // declaration of the same name is refused, at its place.
        (
            r#"calendar("business", #{ timezone: "UTC", weekly: #{ "mon-fri": ["09:00-17:00"] } });"#,
            r#"calendar "business""#,
            "calendars.rhai",
            15,
        ),
        (
            r#"lookup("contacts", []);"#,
            r#"lookup "contacts""#,
            "forms.rhai",
            15,
        ),
        (
            r#"ticket_type("Incident", #{ fields: [] });"#,
            r#"ticket type "incident""#,
            "forms.rhai",
            90,
        ),
        (
            r#"escalation("inactive", #{ when: #{ inactive: "1h" }, actions: [notify_assignee("x")] });"#,
            r#"escalation "inactive""#,
            "escalation.rhai",
            78,
        ),
    ] {
        let errors = RuleEngine::check_sources(common::default_pack_with("again.rhai", decl));
        let says = format!("{what} declared again (first at again.rhai:1:1)");
        assert!(
            errors.iter().any(|e| e.code() == "PACK_INVALID"
                && e.span().is_some_and(|s| s.file == file && s.line == line)
                && e.to_string().contains(&says)),
            "{decl}: {errors:?}"
        );
    }
}

/// `messages(...)` is one per pack too (the default pack has none): a
/// second replaced the first's templates, so a translation was lost
/// without a word. It is refused at its place, naming the first.
#[test]
fn messages_declared_twice_name_the_first() {
    let mut sources = common::default_pack_with(
        "fr.rhai",
        r#"messages(#{ REQUIRED: "{label} est obligatoire" });"#,
    );
    sources.push((
        "zz.rhai".into(),
        "// more\n  messages(#{ TOO_LONG: \"{label} est trop long\" });".into(),
    ));
    let errors = RuleEngine::check_sources(sources);
    let says: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        says,
        ["zz.rhai:2:3: messages declared again (first at fr.rhai:1:1)"]
    );
    assert_eq!(errors[0].code(), "PACK_INVALID");
}

/// A misspelt name in an escalation's `applies`, a form's condition or
/// rule, a reclassification or a message code loaded without a word and
/// made its check never fire (or fire on a field no form has). Each is
/// refused at load, at its declaration; the same names spelt right load.
#[test]
fn misspelt_names_are_refused_at_load() {
    let level = |applies: &str| {
        format!(
            r#"escalation("x", #{{ when: #{{ clock: "respond", percent: 10 }}, applies: {applies}, actions: [notify_assignee("x")] }});"#
        )
    };
    let form = |field: &str, rule: &str| {
        format!(
            r#"ticket_type("change", #{{ fields: [ #{{ name: "summary" }}, #{{ name: "description", kind: "longtext" }}, #{{ name: "contact.name" }}, {field} ], rules: [ {rule} ] }});"#
        )
    };
    let phone = |when: &str| {
        format!(r#"#{{ name: "phone", kind: "phone", required_when: #{{ {when} }} }}"#)
    };
    let rule = |when: &str, field: &str| {
        format!(
            r#"#{{ when: #{{ {when} }}, field: "{field}", min_length: 20, code: "TOO_BRIEF" }}"#
        )
    };
    let good_rule = rule(r#"urgency: "Work Impaired""#, "description");
    for (source, says) in [
        (level(r#"#{ type: "incdent" }"#), r#"unknown ticket type "incdent""#),
        (level(r#"#{ impact_level: "Critcal" }"#), r#"unknown impact level "Critcal""#),
        (level(r#"#{ process: "Outage Mgmt" }"#), r#"unknown process "Outage Mgmt""#),
        (
            form(&phone(r#"impact_levl: "Critical""#), &good_rule),
            r#"required_when names "impact_levl""#,
        ),
        (
            form(&phone(r#"impact_level: "Critical""#), &rule(r#"impcat: "Critical""#, "description")),
            r#"a rule's when names "impcat""#,
        ),
        (
            form(&phone(r#"impact_level: "Critical""#), &rule(r#"impact: "Critical""#, "descripton")),
            r#"a rule checks "descripton""#,
        ),
        (
            r#"ticket_type("change", #{ fields: [ #{ name: "summary" } ], reclassify: #{ to: "problem", requires: ["workaroud"] } });"#.to_string(),
            r#"reclassify requires "workaroud""#,
        ),
        // Stored as the policy spells them, two spellings of a status
        // would be one key twice.
        (
            r#"ticket_type("change", #{ fields: [], transitions: #{ "New": ["Closed"], " new ": [] } });"#.to_string(),
            r#"transitions names status "New" twice (first as " new ")"#,
        ),
        (
            r#"ticket_type("change", #{ fields: [ #{ name: "summary" } ], required_at: #{ "Resolved": ["summary"], "RESOLVED": [] } });"#.to_string(),
            r#"required_at names status "Resolved" twice (first as "RESOLVED")"#,
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 10, repeat: "1h" }, actions: [notify_assignee("x")] });"#.to_string(),
            "`repeat` does not go with a clock trigger",
        ),
        (
            r#"escalation("x", #{ when: #{ status: "Wait Vendor", after: "1h", every: "1h" }, actions: [notify_assignee("x")] });"#.to_string(),
            "`every` goes with a clock trigger",
        ),
    ] {
        let errors = RuleEngine::check_sources(common::default_pack_with("zz.rhai", &source));
        assert!(
            errors.iter().any(|e| e.code() == "PACK_INVALID"
                && e.span().is_some_and(|s| s.file == "zz.rhai" && s.line == 1)
                && e.to_string().contains(says)),
            "{source}: {errors:?}"
        );
    }
    let errors = RuleEngine::check_sources(common::default_pack_with(
        "zz.rhai",
        r#"messages(#{ REQUIERD: "{label} is needed" });"#,
    ));
    assert!(
        errors.iter().any(|e| e
            .to_string()
            .contains(r#"no check gives the code "REQUIERD""#)),
        "{errors:?}"
    );
    // Spelt right, each loads (a dotted field in applies included).
    let good = [
        level(r#"#{ type: "Incident", impact_level: "critical", process: "Outage Management" }"#),
        level(r#"#{ fields: #{ "contact.name": "Pat Doe" } }"#).replace(r#"("x""#, r#"("y""#),
        form(
            &phone(r#"impact_level: "Critical", contact: "x""#),
            &good_rule,
        ),
        r#"messages(#{ REQUIRED: "{label} is needed", TOO_BRIEF: "Say more" });"#.to_string(),
    ]
    .join("\n");
    let errors = RuleEngine::check_sources(common::default_pack_with("zz.rhai", &good));
    assert!(errors.is_empty(), "{errors:?}");
}

/// Every field's error of a type at once, each naming the field: a bad
/// pattern in one field was reported only after a misspelt key in another
/// was fixed, and a field was known only by its place (`fields[4]`).
#[test]
fn every_field_error_of_a_type_at_once() {
    let source = r#"ticket_type("change", #{ fields: [
        #{ name: "summary", lable: "Summary" },
        #{ name: "phone", kind: "phone", pattern: "^[0-9" },
        #{ name: "ok" },
    ] });"#;
    let errors = RuleEngine::check_sources(common::default_pack_with("zz.rhai", source));
    let says: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(says.len(), 2, "{says:?}");
    assert!(
        says[0].contains(r#"fields[0] ("summary"): unknown key"#),
        "{says:?}"
    );
    assert!(says[1].contains(r#"fields[1] ("phone"):"#), "{says:?}");
    assert!(errors
        .iter()
        .all(|e| e.span().is_some_and(|s| s.file == "zz.rhai" && s.line == 1)));
}

/// A field's check for another kind than its own (`min` on a text,
/// `max_length` and `pattern` on a number, `min_items` on a text, `values`
/// on a text) loaded without a word and never ran. It is refused at the
/// declaration, naming the key and the kinds it applies to; the same keys
/// on the kinds validation checks with them (a list's items by their
/// kind) load.
#[test]
fn checks_for_another_kind_are_refused_at_load() {
    let ty = |field: &str| format!("\n  ticket_type(\"t9\", #{{ fields: [{field}] }});");
    for (field, says) in [
        (
            r#"#{ name: "code", kind: "text", min: 3, max: 5 }"#,
            r#"fields[0] ("code"): `min` applies to kind number (or a list of them), not text; `max` applies to kind number (or a list of them), not text"#,
        ),
        (
            r#"#{ name: "count", kind: "number", max_length: 2, pattern: "^[0-9]$" }"#,
            r#"fields[0] ("count"): `max_length` applies to kinds text, longtext, enum, email, phone, datetime (or a list of them), not number; `pattern` applies to kinds text, longtext, enum, email, phone, datetime (or a list of them), not number"#,
        ),
        (
            r#"#{ name: "tags", kind: "text", min_items: 2 }"#,
            r#"fields[0] ("tags"): `min_items` applies to kind list, not text"#,
        ),
        (
            r#"#{ name: "menu", kind: "text", values: ["a", "b"] }"#,
            r#"fields[0] ("menu"): `values` applies to kind enum (or a list of them), not text"#,
        ),
        (
            r#"#{ name: "ok", kind: "boolean", menu: "impact" }"#,
            r#"fields[0] ("ok"): `menu` applies to kind enum (or a list of them), not boolean"#,
        ),
        (
            r#"#{ name: "n", kind: "list", of: "number", max_length: 3, integer: true }"#,
            r#"fields[0] ("n"): `max_length` applies to kinds text, longtext, enum, email, phone, datetime (or a list of them), not a list of number"#,
        ),
        (
            r#"#{ name: "site", kind: "text", lookup: "contacts" }"#,
            r#"fields[0] ("site"): `lookup` applies to kind reference (or a list of them), not text"#,
        ),
        (
            r#"#{ name: "a", kind: "text" }, #{ name: "who", kind: "text", key: "email" }"#,
            r#"fields[1] ("who"): `key` applies to kind reference (or a list of them), or to a field a lookup fill is `by`, not text"#,
        ),
    ] {
        let errors = RuleEngine::check_sources(common::default_pack_with("zz.rhai", &ty(field)));
        let says = format!("zz.rhai:2:3: ticket type \"t9\": {says}");
        assert_eq!(
            errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [says],
            "{field}"
        );
        assert_eq!(errors[0].code(), "PACK_INVALID");
    }
    let good = ty(r#"
        #{ name: "code", kind: "text", min_length: 3, max_length: 5, pattern: "^[A-Z]+$" },
        #{ name: "count", kind: "number", min: 0, max: 9, integer: true },
        #{ name: "tags", kind: "list", of: "text", min_items: 1, max_items: 3, max_length: 10 },
        #{ name: "menus", kind: "list", of: "enum", values: ["a", "b"] },
        #{ name: "levels", kind: "enum", menu: "impact", min_length: 1 },
        #{ name: "phone", kind: "phone", pattern: "^[0-9]{10}$" },
        #{ name: "at", kind: "datetime", pattern: "^2026" },
        #{ name: "who", kind: "reference", lookup: "contacts", key: "email" },
        #{ name: "people", kind: "list", of: "reference", lookup: "contacts", key: "name" },
        #{ name: "mail", kind: "email", key: "email" },
        #{ name: "tel", kind: "text", fill: #{ lookup: "contacts", by: "mail", take: "phone" } },
    "#);
    let errors = RuleEngine::check_sources(common::default_pack_with("zz.rhai", &good));
    assert!(errors.is_empty(), "{errors:?}");
}

/// Names compare at load as they do per ticket, beyond ASCII: a second
/// type "STÖRUNG" loaded beside "Störung" (and could never be reached),
/// and `row("äußerst dringend", …)` was a row for an undeclared urgency,
/// though a ticket's "äußerst dringend" names that urgency.
#[test]
fn names_at_load_compare_as_tickets_do() {
    let errors = RuleEngine::check_sources(common::default_pack_with(
        "zz.rhai",
        "ticket_type(\"Störung\", #{ fields: [] });\nticket_type(\"STÖRUNG\", #{ fields: [] });",
    ));
    let says: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        says,
        [r#"zz.rhai:2:1: ticket type "STÖRUNG" declared again (first at zz.rhai:1:1)"#]
    );
    let pack = |row: &str| {
        format!(
            r#"priorities(["Hoch", "Niedrig"]);
impact("Größer", ["Ganze Universität"]);
urgency("Äußerst dringend", ["Sofort"]);
urgency("Später");
row({row:?}, [cell("24x7", "1h", "Hoch", "4h")]);
row("später", [cell("24x7", "4h", "Niedrig", "8h")]);"#
        )
    };
    for row in [
        "Äußerst dringend",
        "äußerst dringend",
        " Äußerst dringend",
        "ÄUßERST DRINGEND ",
        "SOFORT",
    ] {
        let e = RuleEngine::from_sources([("p.rhai", pack(row))])
            .unwrap_or_else(|e| panic!("{row:?}: {e}"));
        let p = e
            .priority(&json!({ "impact": "größer", "urgency": row }))
            .unwrap();
        assert_eq!(p.priority, "Hoch", "{row:?}");
    }
    let e = load_err(&[("p.rhai", &pack("Äußerst"))]);
    assert_eq!(at(&e), "p.rhai:5:1");
    assert!(e.to_string().contains("row for undeclared urgency"), "{e}");
}
/// `(1+(1+ ... inner ...))`, `k` levels deep.
fn nested(k: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(1+".repeat(k), ")".repeat(k))
}

/// The deepest `k` for which `file(k)` parses (the limits on expression
/// depth), with the pack it makes.
fn deepest(file: impl Fn(usize) -> String) -> (usize, String) {
    (1..100)
        .rev()
        .map(|k| (k, file(k)))
        .find(|(_, src)| {
            !RuleEngine::check_sources([("p.rhai", TINY_PACK), ("a.rhai", src.as_str())])
                .iter()
                .any(|e| e.limit() == Some(Limit::ExpressionDepth))
        })
        .unwrap()
}

#[test]
fn recursion_inside_the_deepest_expressions_stops_before_the_stack_ends() {
    // Each call level holds a whole expression's worth of the interpreter's
    // frames: at the most call levels a pack may ask for, within the
    // deepest expression a function may nest, that once ran off the end of
    // the stack (natively a crash, in wasm a broken instance).
    set_clock(None);
    let (k, src) = deepest(|k| format!("fn f(n) {{\n  {}\n}}\nf(0);\n", nested(k, "f(n+1)")));
    assert!(k >= 15, "{k}");
    let errors = RuleEngine::check_sources([("p.rhai", TINY_PACK), ("a.rhai", src.as_str())]);
    assert!(
        errors.iter().any(|e| e.code() == "RULE_LIMIT"),
        "{errors:?}"
    );
    // The same from a deep expression at the top of the file.
    let (_, src) = deepest(|k| {
        format!(
            "fn f(n) {{\n  {}\n}}\nlet x = {};\n",
            nested(20, "f(n+1)"),
            nested(k, "f(0)")
        )
    });
    let errors = RuleEngine::check_sources([("p.rhai", TINY_PACK), ("a.rhai", src.as_str())]);
    assert!(
        errors.iter().any(|e| e.code() == "RULE_LIMIT"),
        "{errors:?}"
    );
    // In a hook, at the ceiling of call levels.
    let (_, helper) = deepest(|k| format!("fn f(n) {{ {} }}\n", nested(k, "f(n+1)")));
    let hook = format!(
        "limits(#{{ call_levels: 64, operations: 200000 }});\n{}{helper}",
        spin_hook("f(0);")
    );
    let e =
        RuleEngine::from_sources([("p.rhai", TINY_PACK), ("hook.rhai", hook.as_str())]).unwrap();
    let spin = json!({"impact": "High", "urgency": "Now", "service": "spin"});
    let ok = json!({"impact": "High", "urgency": "Now"});
    for _ in 0..2 {
        let err = e.priority(&spin).unwrap_err();
        assert_eq!(
            (err.code(), err.limit()),
            ("RULE_LIMIT", Some(Limit::CallDepth)),
            "{err}"
        );
        assert_eq!(e.priority(&ok).unwrap().priority, "P1");
    }
}

#[test]
fn one_replace_that_would_build_gigabytes_is_refused_before_it_starts() {
    // 1 M characters, each replaced by 5,000: 5 GB, built in one call before
    // rhai checked its size (seconds, and the wasm module out of memory).
    // Here each is replaced by 1 M: a terabyte, which no machine running
    // this test allocates, so without the check it aborts.
    let src = "let s = \"\";\ns.pad(1000000, \"x\");\nlet q = \"\";\nq.pad(1000000, \"y\");\ns.replace(\"x\", q);\n";
    let e = load_err(&[("p.rhai", src)]);
    assert_eq!(
        (e.code(), e.limit(), at(&e)),
        (
            "RULE_LIMIT",
            Some(Limit::DataSize),
            "p.rhai:5:3".to_string()
        )
    );
}

/// The default pack with lines of one of its files replaced (1-based).
fn default_editing(file: &str, edits: &[(usize, &str, &str)]) -> Vec<(String, String)> {
    let mut sources = common::default_pack_with(file, "");
    let original = ticket_rules::DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == file)
        .map(|(_, s)| *s)
        .expect("a file of the default pack");
    let text: Vec<String> = original
        .lines()
        .enumerate()
        .map(|(i, l)| match edits.iter().find(|(n, _, _)| *n == i + 1) {
            Some((_, from, to)) => {
                assert!(
                    l.contains(from),
                    "line {} of {file} has no {from:?}: {l}",
                    i + 1
                );
                l.replacen(from, to, 1)
            }
            None => l.to_string(),
        })
        .collect();
    if let Some(last) = sources.last_mut() {
        last.1 = text.join("\n");
    }
    sources
}

/// Every error of a pack's load, as `CODE: file:line:column: message`.
fn messages(sources: Vec<(String, String)>) -> Vec<String> {
    RuleEngine::check_sources(sources)
        .iter()
        .map(|e| format!("{}: {e}", e.code()))
        .collect()
}

/// Every declaration mistake of a pack in one load: one in another file, a
/// failed declaration of another part, a bad `cell(...)` earlier in the
/// same file, or a file that catches the error, hid the rest (an admin
/// fixed them one load at a time).
#[test]
fn every_declaration_mistake_in_one_load() {
    let count = |errors: &[String], what: &str| errors.iter().filter(|e| e.contains(what)).count();

    // A misspelt priority in one file, a misspelt status in another.
    let mut sources = default_editing("priority.rhai", &[(43, "\"High\"", "\"Hihg\"")]);
    let sla = ticket_rules::DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == "sla.rhai")
        .map(|(_, s)| {
            s.replacen(
                "pause: [\"Wait Customer\", \"Wait Vendor\"]",
                "pause: [\"Wait Customer\", \"Wait Vender\"]",
                1,
            )
        })
        .unwrap();
    assert!(sla.contains("Wait Vender"));
    for s in &mut sources {
        if s.0 == "sla.rhai" {
            s.1.clone_from(&sla);
        }
    }
    let errors = messages(sources);
    assert_eq!(count(&errors, "\"Hihg\""), 1, "{errors:#?}");
    assert_eq!(count(&errors, "\"Wait Vender\""), 1, "{errors:#?}");
    assert_eq!(errors.len(), 2, "{errors:#?}");

    // A bad duration in a cell, then more mistakes further down the file.
    let errors = messages(default_editing(
        "priority.rhai",
        &[
            (41, "\"15m\"", "\"15 minits\""),
            (43, "\"High\"", "\"Hihg\""),
            (55, "\"High\"", "\"Hihg\""),
        ],
    ));
    assert_eq!(count(&errors, "15 minits"), 1, "{errors:#?}");
    assert_eq!(count(&errors, "\"Hihg\""), 1, "the row after: {errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("priority.rhai:41:")),
        "{errors:#?}"
    );
    // The row with the bad cell is not reported again as missing.
    assert_eq!(errors.len(), 2, "{errors:#?}");

    // A duplicate alias beside unknown priorities in other rows.
    let errors = messages(default_editing(
        "priority.rhai",
        &[(43, "\"High\"", "\"PX\""), (55, "\"High\"", "\"PY\"")],
    ));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let mut sources = default_editing(
        "priority.rhai",
        &[(43, "\"High\"", "\"PX\""), (55, "\"High\"", "\"PY\"")],
    );
    sources.push((
        "zz.rhai".into(),
        "escalation(\"\", #{});\ntry { user_roles(7); } catch (e) { }".into(),
    ));
    let errors = messages(sources);
    assert_eq!(count(&errors, "\"PX\""), 1, "{errors:#?}");
    assert_eq!(count(&errors, "\"PY\""), 1, "{errors:#?}");
    assert_eq!(count(&errors, "zz.rhai:1:"), 1, "{errors:#?}");
    // A declaration's mistake is the pack's, caught or not.
    assert_eq!(count(&errors, "zz.rhai:2:"), 1, "{errors:#?}");
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

/// A pack-from-scratch review: a matrix that fails hid escalation errors
/// that name no part of it (a role, a status), and a misspelt value in a
/// form's condition loaded without a word, its rule never applying.
#[test]
fn a_failed_matrix_does_not_hide_the_rest_and_condition_values_are_checked() {
    // An unknown priority in a cell, and an escalation with a misspelt role.
    let mut sources = default_editing("priority.rhai", &[(43, "\"High\"", "\"P4\"")]);
    sources.push((
        "zz.rhai".into(),
        "escalation(\"chase\", #{ when: #{ status: \"Wait Vender\", after: \"1h\" }, actions: [notify_role(\"Manger\", \"x\")] });".into(),
    ));
    let errors = messages(sources);
    assert!(errors.iter().any(|e| e.contains("\"P4\"")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("unknown role \"Manger\"")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("unknown status \"Wait Vender\"")),
        "{errors:#?}"
    );

    // Condition values a key can never have, each named with what it can be.
    let forms = ticket_rules::DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == "forms.rhai")
        .map(|(_, s)| s.to_string())
        .unwrap();
    let bad = forms.replacen(
        "#{ when: #{ urgency: [\"Work Stopped - No workaround\", \"Work Stopped - Workaround available\"] },",
        "#{ when: #{ urgency: [\"Work Stoped\"], status: \"In Proces\", priority: \"P9\", impact_level: \"Critcal\" },",
        1,
    );
    assert_ne!(bad, forms, "the rule to edit is in forms.rhai");
    let errors = messages(common::default_pack_with("forms.rhai", &bad));
    for value in ["\"Work Stoped\"", "\"In Proces\"", "\"P9\"", "\"Critcal\""] {
        assert_eq!(
            errors
                .iter()
                .filter(|e| e.contains(&format!("is never {value}")))
                .count(),
            1,
            "{value}: {errors:#?}"
        );
    }
    assert_eq!(errors.len(), 4, "{errors:#?}");
    // A fill taking a key no record of its lookup has.
    let mail = forms.replacen("take: \"email\"", "take: \"mail\"", 1);
    assert_ne!(mail, forms);
    let errors = messages(common::default_pack_with("forms.rhai", &mail));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("fill takes \"mail\", which no record of lookup \"contacts\" has"),
        "{errors:#?}"
    );
    // Spelt any way the matrix takes, a value is known.
    let good = forms.replacen(
        "\"Work Stopped - No workaround\"",
        "\"work stopped - NO WORKAROUND\"",
        1,
    );
    assert!(messages(common::default_pack_with("forms.rhai", &good)).is_empty());
}
