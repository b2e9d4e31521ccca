//! Several packs at once: every result names the version that computed it,
//! and a ticket is answered under the pack it was opened with.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use ticket_rules::packs::PackSet;
use ticket_rules::time::parse_instant;
use ticket_rules::{RuleEngine, DEFAULT_PACK};

/// The default pack as it was a year before: another version, and an
/// Emergency had 30 minutes to be answered, not 15.
fn last_year() -> RuleEngine {
    RuleEngine::from_sources(DEFAULT_PACK.iter().map(|(name, src)| {
        let src = src
            .replace("pack_version(\"2026.12.1\")", "pack_version(\"2025.4.0\")")
            .replace(
                "cell(\"24x7\",     \"15m\", \"Emergency\"",
                "cell(\"24x7\",     \"30m\", \"Emergency\"",
            );
        (name.to_string(), src)
    }))
    .unwrap()
}

fn emergency(version: Option<&str>) -> serde_json::Value {
    let mut t = json!({
        "id": "TT-1", "type": "incident", "summary": "Campus network down",
        "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
        "openedAt": "2026-03-16T14:00:00Z",
    });
    if let Some(v) = version {
        t["packVersion"] = json!(v);
    }
    t
}

#[test]
fn the_variant_really_differs() {
    let p = last_year().priority(&emergency(None)).unwrap();
    assert_eq!(
        (p.respond_seconds, p.pack_version.as_str()),
        (1800, "2025.4.0")
    );
}

#[test]
fn a_ticket_is_answered_under_the_pack_it_names_or_the_newest() {
    let mut packs = PackSet::new();
    packs.add(last_year()).unwrap();
    packs.add(RuleEngine::embedded().unwrap()).unwrap();
    assert_eq!(packs.versions(), ["2025.4.0", "2026.12.1"]);
    let now = parse_instant("2026-03-16T14:20:00Z", "now").unwrap();
    for (version, due, state) in [
        (Some("2025.4.0"), "2026-03-16T14:30:00Z", "running"),
        (Some("2026.12.1"), "2026-03-16T14:15:00Z", "breached"),
        (None, "2026-03-16T14:15:00Z", "breached"),
    ] {
        let t = emergency(version);
        let engine = packs.for_ticket(&t).unwrap();
        let sla = serde_json::to_value(engine.sla(&t, now).unwrap()).unwrap();
        assert_eq!(sla["respond"]["due"], due, "{version:?}");
        assert_eq!(sla["respond"]["state"], state, "{version:?}");
        assert_eq!(sla["packVersion"], version.unwrap_or("2026.12.1"));
    }
    let e = packs.for_ticket(&emergency(Some("2019.1"))).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("UNKNOWN_PACK_VERSION", Some("packVersion"))
    );
    assert_eq!(e.allowed().unwrap(), ["2025.4.0", "2026.12.1"]);
    let mut t = emergency(None);
    t["packVersion"] = json!(7);
    assert_eq!(packs.for_ticket(&t).unwrap_err().code(), "INVALID_TYPE");
    assert!(packs.remove("2025.4.0"));
    assert!(!packs.remove("2025.4.0"));
    assert_eq!(
        packs
            .for_ticket(&emergency(Some("2025.4.0")))
            .unwrap_err()
            .code(),
        "UNKNOWN_PACK_VERSION"
    );
}

#[test]
fn a_version_names_one_set_of_rules() {
    let mut packs = PackSet::new();
    packs.add(RuleEngine::embedded().unwrap()).unwrap();
    // The same files again: nothing changes.
    packs.add(RuleEngine::embedded().unwrap()).unwrap();
    assert_eq!(packs.versions(), ["2026.12.1"]);
    // Other rules under the same version: refused.
    let changed = RuleEngine::from_sources(DEFAULT_PACK.iter().map(|(name, src)| {
        (
            name.to_string(),
            src.replace("\"15m\", \"Emergency\"", "\"20m\", \"Emergency\""),
        )
    }))
    .unwrap();
    let e = packs.add(changed).unwrap_err();
    assert_eq!(e.code(), "PACK_INVALID");
    assert!(
        e.to_string()
            .contains("give the changed pack a new version"),
        "{e}"
    );
    // An empty set has no newest.
    let empty: PackSet = PackSet::new();
    assert_eq!(
        empty.for_ticket(&emergency(None)).unwrap_err().code(),
        "UNKNOWN_PACK_VERSION"
    );
}

/// Two packs whose files differ hash differently, whatever the files
/// hold: names and sources were joined by NUL bytes, which a source may
/// hold (in a comment), so one file ending in `\0sla2.rhai\0…` hashed as
/// two files, and a set took the second pack for the first one again.
#[test]
fn files_that_differ_hash_differently() {
    use ticket_rules::packs::Versioned;
    let extra =
        r#"escalation("extra", #{ when: #{ inactive: "1h" }, actions: [notify_assignee("x")] });"#;
    let with = |sla: String, more: Option<&str>| {
        let mut files: Vec<(String, String)> = DEFAULT_PACK
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        files.iter_mut().find(|(n, _)| n == "sla.rhai").unwrap().1 = sla;
        files.extend(more.map(|m| ("sla2.rhai".to_string(), m.to_string())));
        RuleEngine::from_sources(files).unwrap()
    };
    let sla = DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == "sla.rhai")
        .unwrap()
        .1
        .to_string()
        + "\n//";
    let one = with(format!("{sla}\0sla2.rhai\0{extra}"), None);
    let two = with(sla, Some(extra));
    assert_ne!(one.pack_hash(), two.pack_hash());
    let mut packs = PackSet::new();
    packs.add(one).unwrap();
    let e = packs.add(two).unwrap_err();
    assert_eq!(e.code(), "PACK_INVALID");
}

#[test]
fn every_result_names_the_pack_version() {
    let engine = last_year();
    let t = emergency(None);
    let now = parse_instant("2026-03-16T14:20:00Z", "now").unwrap();
    let v = |x: serde_json::Value| x["packVersion"].as_str().map(str::to_string);
    let want = Some("2025.4.0".to_string());
    assert_eq!(
        v(serde_json::to_value(engine.priority(&t).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.sla(&t, now).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.explain_sla(&t, now).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.escalations(&t, now, &[]).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.validate(&t, None, None).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.transition(&t, "In Process", None).unwrap()).unwrap()),
        want
    );
    assert_eq!(
        v(serde_json::to_value(engine.reclassify(&t, "outage").unwrap()).unwrap()),
        want
    );
    assert_eq!(v(engine.form_schema("incident").unwrap()), want);
    assert_eq!(
        engine.json_schema("incident").unwrap()["$comment"],
        "ticket-rules: its-incident-management 2025.4.0"
    );
}
