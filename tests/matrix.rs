//! The priority matrix from the default pack and the example packs, natively.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cases;
use serde_json::{json, Value};
use ticket_rules::priority::CellRef;
use ticket_rules::{Error, RuleEngine, DEFAULT_PACK};

fn engine() -> RuleEngine {
    RuleEngine::embedded().expect("the default pack loads")
}

#[track_caller]
fn priority(engine: &RuleEngine, ticket: Value) -> ticket_rules::PriorityResult {
    match engine.priority(&ticket) {
        Ok(p) => p,
        Err(e) => panic!("{ticket}: {e}"),
    }
}

#[track_caller]
fn priority_err(engine: &RuleEngine, ticket: Value) -> Error {
    match engine.priority(&ticket) {
        Ok(p) => panic!("{ticket}: expected an error, got {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn sixteen_cells_five_facts() {
    let e = engine();
    let cells = cases().cells;
    assert_eq!(cells.len(), 16);
    for c in &cells {
        let p = priority(&e, json!({ "impact": c.impact, "urgency": c.urgency }));
        let got = (
            &p.clock,
            p.respond_seconds,
            &p.priority,
            &p.process,
            p.resolve_seconds,
        );
        let want = (
            &c.clock,
            c.respond_seconds,
            &c.priority,
            &c.process,
            c.resolve_seconds,
        );
        assert_eq!(got, want, "{} × {}", c.impact, c.urgency);
        assert_eq!(p.impact_level, c.impact);
        assert_eq!(p.urgency, c.urgency);
        assert_eq!(p.pack_version, "2026.12.1");
    }
}

#[test]
fn every_alias_maps_to_its_level_in_every_row() {
    let e = engine();
    let cases = cases();
    assert_eq!(cases.aliases.len(), 8);
    for (alias, level) in &cases.aliases {
        for urgency in &cases.urgencies {
            let by_alias = priority(&e, json!({ "impact": alias, "urgency": urgency }));
            let by_level = priority(&e, json!({ "impact": level, "urgency": urgency }));
            assert_eq!(by_alias, by_level, "{alias}");
            assert_eq!(&by_alias.impact_level, level);
        }
    }
}

#[test]
fn matching_ignores_case_and_surrounding_space() {
    let e = engine();
    let p = priority(
        &e,
        json!({ "impact": "  ENTIRE university Affected ", "urgency": "work stopped - NO WORKAROUND" }),
    );
    assert_eq!(p.priority, "Emergency");
    assert_eq!(p.urgency, "Work Stopped - No workaround");
    let p = priority(
        &e,
        json!({ "impact": "critical", "urgency": "Work not impaired" }),
    );
    assert_eq!(
        (p.impact_level.as_str(), p.priority.as_str()),
        ("Critical", "Standard")
    );
}

#[test]
fn customer_severity_is_kept_beside_the_service_priority() {
    let e = engine();
    let p = priority(
        &e,
        json!({ "impact": "Single Building affected", "urgency": "Work Impaired", "customerSeverity": "work stopped - no workaround" }),
    );
    assert_eq!(p.priority, "Standard");
    assert_eq!(
        p.customer_severity.as_deref(),
        Some("Work Stopped - No workaround")
    );
    assert_eq!(p.customer_priority.as_deref(), Some("High"));
    let out = serde_json::to_value(&p).unwrap();
    assert_eq!(out["customerSeverity"], "Work Stopped - No workaround");
    // Without one, the keys are absent, not null.
    let p = priority(&e, json!({ "impact": "Minor", "urgency": "Work Impaired" }));
    let out = serde_json::to_value(&p).unwrap();
    assert!(out.get("customerSeverity").is_none() && out.get("customerPriority").is_none());
    assert_eq!(out["process"], Value::Null);
}

#[test]
fn json_shape_is_camel_case() {
    let p = priority(
        &engine(),
        json!({ "impact": "Critical", "urgency": "Work Stopped - No workaround" }),
    );
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({
            "priority": "Emergency", "impactLevel": "Critical", "urgency": "Work Stopped - No workaround",
            "clock": "24x7", "respondSeconds": 900, "resolveSeconds": 14400,
            "process": "Outage Management", "packVersion": "2026.12.1"
        })
    );
}

#[test]
fn bad_input_gets_a_coded_error_naming_the_field() {
    let e = engine();
    let err = priority_err(
        &e,
        json!({ "impact": "Whole planet", "urgency": "Work Impaired" }),
    );
    assert_eq!(
        (err.code(), err.field()),
        ("UNKNOWN_IMPACT", Some("impact"))
    );
    let allowed = err.allowed().unwrap();
    assert_eq!(allowed.len(), 4 + 8);
    assert_eq!(&allowed[..4], ["Critical", "Major", "Minor", "Small"]);
    assert!(err
        .to_string()
        .starts_with(r#"unknown impact "Whole planet": expected "Critical", "Major""#));

    let err = priority_err(&e, json!({ "impact": "Critical", "urgency": "Soon" }));
    assert_eq!(
        (err.code(), err.field()),
        ("UNKNOWN_URGENCY", Some("urgency"))
    );
    assert_eq!(err.allowed().unwrap(), cases().urgencies);

    let err = priority_err(
        &e,
        json!({ "impact": "Critical", "urgency": "Work Impaired", "customerSeverity": "Meh" }),
    );
    assert_eq!(
        (err.code(), err.field()),
        ("UNKNOWN_SEVERITY", Some("customerSeverity"))
    );

    for (ticket, code, field) in [
        (
            json!({ "urgency": "Work Impaired" }),
            "MISSING_FIELD",
            "impact",
        ),
        (
            json!({ "impact": null, "urgency": "Work Impaired" }),
            "MISSING_FIELD",
            "impact",
        ),
        (
            json!({ "impact": "   ", "urgency": "Work Impaired" }),
            "MISSING_FIELD",
            "impact",
        ),
        (json!({ "impact": "Critical" }), "MISSING_FIELD", "urgency"),
        (
            json!({ "impact": 3, "urgency": "Work Impaired" }),
            "INVALID_TYPE",
            "impact",
        ),
        (
            json!({ "impact": "Critical", "urgency": ["Work Impaired"] }),
            "INVALID_TYPE",
            "urgency",
        ),
        (
            json!({ "impact": "Critical", "urgency": "Work Impaired", "customerSeverity": true }),
            "INVALID_TYPE",
            "customerSeverity",
        ),
    ] {
        let err = priority_err(&e, ticket.clone());
        assert_eq!((err.code(), err.field()), (code, Some(field)), "{ticket}");
    }
    let err = priority_err(&e, json!({ "impact": 3, "urgency": "Work Impaired" }));
    assert_eq!(
        err.to_string(),
        "field `impact` must be a string, not a number"
    );

    for not_object in [json!(null), json!("Critical"), json!([1, 2])] {
        assert_eq!(priority_err(&e, not_object).code(), "INVALID_INPUT");
    }
}

#[test]
fn batch_keeps_order_and_reports_each_failure_in_place() {
    let e = engine();
    let tickets = vec![
        json!({ "impact": "Critical", "urgency": "Work Impaired" }),
        json!({ "impact": "nope", "urgency": "Work Impaired" }),
        json!({ "impact": "Small", "urgency": "Work not Impaired" }),
    ];
    let out = e.priorities(&tickets);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().priority, "High");
    assert_eq!(out[1].as_ref().unwrap_err().code(), "UNKNOWN_IMPACT");
    assert_eq!(out[2].as_ref().unwrap().priority, "Scheduled");
}

#[test]
fn priority_of_takes_the_strings_directly() {
    let e = engine();
    let p = e
        .priority_of(
            "Multiple Buildings affected",
            "Work Stopped - Workaround available",
            None,
        )
        .unwrap();
    assert_eq!(
        (p.priority.as_str(), p.process.as_deref()),
        ("High", Some("Problem Management"))
    );
    assert_eq!(
        e.priority_of("", "Work Impaired", None).unwrap_err().code(),
        "MISSING_FIELD"
    );
}

#[test]
fn the_matrix_never_runs_rhai_per_ticket() {
    let e = engine();
    assert!(!e.pack().has_priority_hook());
    for c in cases().cells {
        for _ in 0..50 {
            priority(&e, json!({ "impact": c.impact, "urgency": c.urgency }));
        }
    }
    assert_eq!(e.pack().hook_calls(), 0);
}

#[test]
fn embedded_pack_is_the_rules_directory() {
    let from_dir = RuleEngine::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap();
    let embedded = engine();
    assert_eq!(from_dir.pack().hash(), embedded.pack().hash());
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rhai"))
        .collect();
    on_disk.sort();
    assert_eq!(embedded.pack().files(), on_disk);
    assert!(on_disk.len() >= 5, "{on_disk:?}");
    assert_eq!(embedded.pack().name(), Some("its-incident-management"));
    assert_eq!(DEFAULT_PACK.len(), embedded.pack().files().len());
}

/// The shared reference document, when this checkout sits beside it:
/// the pack must agree with every cell of its table.
#[test]
fn agrees_with_the_reference_document_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/priority-matrix.md"
    );
    let Ok(doc) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is not here; CASES is its transcription");
        return;
    };
    let e = engine();
    let levels = ["Critical", "Major", "Minor", "Small"];
    let mut seen = 0;
    for line in doc.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(&urgency) = cols.get(1) else {
            continue;
        };
        if !cases().urgencies.iter().any(|u| u == urgency) || cols.len() < 6 {
            continue;
        }
        for (i, cell) in cols[2..6].iter().enumerate() {
            // "24x7 · 15 min · **Emergency** (Outage Management) · 4 h"
            let parts: Vec<&str> = cell.split(" · ").collect();
            let p = priority(&e, json!({ "impact": levels[i], "urgency": urgency }));
            let dur = |s: &str| ticket_rules::duration::parse_duration(s).unwrap();
            assert_eq!(p.clock, parts[0], "{urgency} × {}", levels[i]);
            assert_eq!(p.respond_seconds, dur(parts[1]));
            let (name, process) = match parts[2].split_once(" (") {
                Some((n, proc_)) => (n, Some(proc_.trim_end_matches(')'))),
                None => (parts[2], None),
            };
            assert_eq!(p.priority, name.trim_matches('*'));
            assert_eq!(p.process.as_deref(), process);
            assert_eq!(p.resolve_seconds, dur(parts[3]));
            seen += 1;
        }
    }
    assert_eq!(seen, 16, "the reference table has 16 cells");
}

#[test]
fn a_five_by_five_example_pack() {
    let e = RuleEngine::from_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/glpi-5x5"
    ))
    .unwrap();
    assert_eq!(e.pack_version(), "1.0.0");
    assert_eq!(e.matrix().impacts.len(), 5);
    assert_eq!(e.matrix().urgencies.len(), 5);
    let p = priority(&e, json!({ "impact": "Very high", "urgency": "5" }));
    assert_eq!(
        (p.priority.as_str(), p.process.as_deref(), p.resolve_seconds),
        ("Major", Some("Outage Management"), 7200)
    );
    let p = priority(&e, json!({ "impact": "1", "urgency": "very low" }));
    assert_eq!(
        (p.priority.as_str(), p.clock.as_str(), p.respond_seconds),
        ("Very low", "business", 2 * 86_400)
    );
    let p = priority(&e, json!({ "impact": "Medium", "urgency": "Medium" }));
    assert_eq!(p.priority, "Medium");
    let err = priority_err(
        &e,
        json!({ "impact": "Entire University affected", "urgency": "5" }),
    );
    assert_eq!(err.code(), "UNKNOWN_IMPACT");
}

fn vip_engine() -> RuleEngine {
    let hook = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/vip-services/adjust_priority.rhai"
    ))
    .unwrap();
    RuleEngine::from_sources(common::default_pack_with("adjust_priority.rhai", &hook)).unwrap()
}

#[test]
fn the_priority_hook_example_raises_vip_services() {
    let e = vip_engine();
    assert!(e.pack().has_priority_hook());
    let plain = priority(
        &e,
        json!({ "impact": "Single Individual", "urgency": "Work Impaired", "service": "Printing" }),
    );
    assert_eq!(plain.priority, "Scheduled");
    assert_eq!(plain.reason, None);
    let vip = priority(
        &e,
        json!({ "impact": "Single Individual", "urgency": "Work Impaired", "service": "Payroll" }),
    );
    assert_eq!(vip.priority, "Standard");
    assert_eq!(vip.impact_level, "Small", "the reported impact stays");
    assert_eq!(
        (vip.respond_seconds, vip.resolve_seconds),
        (8 * 3600, 16 * 3600)
    );
    assert_eq!(
        vip.reason.as_deref(),
        Some("VIP service Payroll: treated as Minor impact")
    );
    let top = priority(
        &e,
        json!({ "impact": "Critical", "urgency": "Work Impaired", "service": "Payroll" }),
    );
    assert_eq!(
        (top.priority.as_str(), top.reason.as_deref()),
        ("High", None)
    );
    assert_eq!(e.pack().hook_calls(), 3);
    // priority_of goes through the hook too.
    assert_eq!(
        e.priority_of("Critical", "Work Impaired", None)
            .unwrap()
            .priority,
        "High"
    );
    assert_eq!(e.pack().hook_calls(), 4);
}

fn tiny_with(extra: &str) -> Result<RuleEngine, Error> {
    RuleEngine::from_sources([("priority.rhai", common::TINY_PACK), ("hook.rhai", extra)])
}

#[test]
fn hook_results_are_checked() {
    for (hook, want) in [
        (
            "fn adjust_priority(t, r) { r.priority = \"P9\"; r }",
            "adjust_priority: unknown priority \"P9\"",
        ),
        (
            "fn adjust_priority(t, r) { r.respondSeconds = -5; r }",
            "`respondSeconds` must be whole seconds",
        ),
        (
            "fn adjust_priority(t, r) { r.resolveSecs = 5; r }",
            "unknown key `resolveSecs`",
        ),
        (
            "fn adjust_priority(t, r) { r.packVersion = \"x\"; r }",
            "may not change `packVersion`",
        ),
        (
            "fn adjust_priority(t, r) { }",
            "must return the result map, not null",
        ),
        (
            "fn adjust_priority(t, r) { r.clock = \"sometimes\"; r }",
            "unknown clock",
        ),
    ] {
        let e = tiny_with(hook).unwrap();
        let err = e
            .priority(&json!({ "impact": "High", "urgency": "Now" }))
            .unwrap_err();
        assert_eq!(err.code(), "PACK_INVALID", "{hook}");
        assert!(err.to_string().contains(want), "{hook}: {err}");
        assert_eq!(err.span().unwrap().to_string(), "hook.rhai:1:1");
    }
    let e = tiny_with("\n\n  fn adjust_priority(t, r) { r.priority = higher_priority(\"P2\"); r.reason = \"up\"; r }").unwrap();
    let p = e
        .priority(&json!({ "impact": "Low", "urgency": "Later" }))
        .unwrap();
    assert_eq!(
        (p.priority.as_str(), p.reason.as_deref(), p.clock.as_str()),
        ("P1", Some("up"), "business")
    );
}

#[test]
fn hook_errors_point_inside_the_function() {
    let e = tiny_with(
        "fn helper(x) {\n    x.no_such_method()\n}\nfn adjust_priority(t, r) {\n    helper(r)\n}\n",
    )
    .unwrap();
    let err = e
        .priority(&json!({ "impact": "High", "urgency": "Now" }))
        .unwrap_err();
    assert_eq!(err.code(), "RULE_RUNTIME");
    assert_eq!(err.span().unwrap().to_string(), "hook.rhai:2:7");
    let e = tiny_with(
        "fn adjust_priority(t, r) {\n  if t.service == \"x\" { throw \"no x here\"; }\n  r\n}",
    )
    .unwrap();
    let err = e
        .priority(&json!({ "impact": "High", "urgency": "Now", "service": "x" }))
        .unwrap_err();
    assert_eq!((err.code(), err.span().unwrap().line), ("RULE_RUNTIME", 2));
    assert!(err.to_string().contains("no x here"), "{err}");
}

/// A re-prioritised ticket: the latest impact in its history wins; fields
/// priority never reads (here one nested 1,000 deep, past the limit of 64) are not
/// walked, as from JS, where only impact, urgency, customerSeverity and
/// history cross the boundary.
#[test]
fn history_reprioritises_and_other_fields_are_not_read() {
    // A big stack for the harness's own deep value (building and dropping
    // it recurses); the engine never walks it.
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(reprioritised)
        .expect("thread")
        .join()
        .expect("no panic");
}

fn reprioritised() {
    let e = engine();
    let mut deep = json!("x");
    for _ in 0..1_000 {
        deep = json!([deep]);
    }
    let ticket = json!({
        "impact": "Single Building affected", "urgency": "Work Impaired",
        "history": [{ "at": "2026-03-16T16:00:00Z", "impact": "Entire University affected" }],
        "notes": deep,
    });
    let r = priority(&e, ticket);
    assert_eq!(r.impact_level, "Critical");
    assert_eq!(r.priority, "High");
}

/// The table of every possible result is built in `cell_refs` order and
/// read by `cell_index`: the two agree for every cell, with and without a
/// customer severity, and nothing out of range has a place.
#[test]
fn cell_refs_and_cell_index_agree() {
    let engine = RuleEngine::embedded().unwrap();
    let m = engine.matrix();
    let refs: Vec<CellRef> = m.cell_refs().collect();
    assert_eq!(
        refs.len(),
        m.impacts.len() * m.urgencies.len() * (1 + m.urgencies.len())
    );
    for (i, at) in refs.iter().enumerate() {
        assert_eq!(m.cell_index(*at), Some(i), "{at:?}");
    }
    let n = m.urgencies.len();
    for at in [
        CellRef {
            impact: m.impacts.len(),
            urgency: 0,
            customer_severity: None,
        },
        CellRef {
            impact: 0,
            urgency: n,
            customer_severity: None,
        },
        CellRef {
            impact: 0,
            urgency: 0,
            customer_severity: Some(n),
        },
    ] {
        assert_eq!(m.cell_index(at), None, "{at:?}");
    }
}
