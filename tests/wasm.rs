//! The matrix checks through the JS binding, run by wasm-bindgen-test in
//! Node and in headless Chromium (`make test` runs both; see the Makefile).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{cases, RUNAWAY_HOOK, RUNAWAY_LOAD, TINY_PACK};
use js_sys::{Array, Reflect};
use serde::Serialize;
use serde_json::json;
use ticket_rules::wasm::{error_codes, JsRuleEngine};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(v: &serde_json::Value) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn s(o: &JsValue, k: &str) -> String {
    get(o, k)
        .as_string()
        .unwrap_or_else(|| panic!("{k} is not a string"))
}

fn n(o: &JsValue, k: &str) -> f64 {
    get(o, k)
        .as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number"))
}

fn engine() -> JsRuleEngine {
    JsRuleEngine::default_pack().unwrap()
}

#[wasm_bindgen_test]
fn sixteen_cells_five_facts() {
    let e = engine();
    let cells = cases().cells;
    assert_eq!(cells.len(), 16);
    for c in &cells {
        let r = e
            .priority(&js(&json!({ "impact": c.impact, "urgency": c.urgency })))
            .unwrap();
        assert_eq!(s(&r, "clock"), c.clock, "{} × {}", c.impact, c.urgency);
        assert_eq!(n(&r, "respondSeconds"), c.respond_seconds as f64);
        assert_eq!(s(&r, "priority"), c.priority);
        assert_eq!(get(&r, "process").as_string(), c.process);
        if c.process.is_none() {
            assert!(get(&r, "process").is_null());
        }
        assert_eq!(n(&r, "resolveSeconds"), c.resolve_seconds as f64);
        assert_eq!(s(&r, "impactLevel"), c.impact);
        assert_eq!(s(&r, "packVersion"), "2026.12.1");
        assert!(get(&r, "customerSeverity").is_undefined());
    }
}

#[wasm_bindgen_test]
fn aliases_case_and_customer_severity() {
    let e = engine();
    let cases = cases();
    // Twice: the second pass answers from the binding's memo of strings.
    for _ in 0..2 {
        for (alias, level) in &cases.aliases {
            for urgency in &cases.urgencies {
                let ticket = json!({ "impact": alias.to_uppercase(), "urgency": urgency });
                let r = e.priority(&js(&ticket)).unwrap();
                assert_eq!(&s(&r, "impactLevel"), level, "{alias}");
            }
        }
    }
    let r = e
        .priority(&js(&json!({ "impact": "single building affected", "urgency": "Work Impaired", "customerSeverity": "Work Stopped - No workaround" })))
        .unwrap();
    assert_eq!(
        (s(&r, "priority"), s(&r, "customerPriority")),
        ("Standard".into(), "High".into())
    );
    // Results are fresh objects: changing one does not change the next.
    Reflect::set(&r, &"priority".into(), &"Hacked".into()).unwrap();
    let again = e
        .priority(&js(
            &json!({ "impact": "Minor", "urgency": "Work Impaired" }),
        ))
        .unwrap();
    assert_eq!(s(&again, "priority"), "Standard");
    let by_strings = e
        .priority_of(
            &"Minor".into(),
            &"Work Impaired".into(),
            &JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&by_strings).unwrap(),
        js_sys::JSON::stringify(&again).unwrap()
    );
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_codes() {
    let e = engine();
    let err = e
        .priority(&js(
            &json!({ "impact": "Galaxy", "urgency": "Work Impaired" }),
        ))
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(s(&err, "code"), "UNKNOWN_IMPACT");
    assert_eq!(s(&err, "field"), "impact");
    assert_eq!(s(&err, "name"), "TicketRulesError");
    assert_eq!(Array::from(&get(&err, "allowed")).length(), 12);
    for (ticket, code, field) in [
        (
            json!({ "urgency": "Work Impaired" }),
            "MISSING_FIELD",
            "impact",
        ),
        (
            json!({ "impact": 7, "urgency": "Work Impaired" }),
            "INVALID_TYPE",
            "impact",
        ),
        (
            json!({ "impact": "Critical", "urgency": "x" }),
            "UNKNOWN_URGENCY",
            "urgency",
        ),
        (
            json!({ "impact": "Critical", "urgency": "Work Impaired", "customerSeverity": {} }),
            "INVALID_TYPE",
            "customerSeverity",
        ),
    ] {
        let err = e.priority(&js(&ticket)).unwrap_err();
        assert_eq!(
            (s(&err, "code"), s(&err, "field")),
            (code.into(), field.into()),
            "{ticket}"
        );
    }
    let err = e.priority(&JsValue::from_str("Critical")).unwrap_err();
    assert_eq!(s(&err, "code"), "INVALID_INPUT");
    let err = e.priority(&js(&json!([1]))).unwrap_err();
    assert_eq!(
        s(&err, "message"),
        "invalid input: a ticket must be an object, not an array"
    );
    assert_eq!(error_codes(), ticket_rules::ERROR_CODES);
}

#[wasm_bindgen_test]
fn batch_reports_failures_in_place() {
    let e = engine();
    let out = e
        .priorities(&js(&json!([
            { "impact": "Critical", "urgency": "Work Impaired" },
            { "impact": "Nope", "urgency": "Work Impaired" },
            "not a ticket",
        ])))
        .unwrap();
    assert_eq!(out.length(), 3);
    assert_eq!(s(&out.get(0), "priority"), "High");
    assert_eq!(s(&get(&out.get(1), "error"), "code"), "UNKNOWN_IMPACT");
    assert_eq!(s(&get(&out.get(2), "error"), "code"), "INVALID_INPUT");
}

fn sources(files: &[(&str, &str)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in files {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
fn rule_errors_carry_file_line_column() {
    let err =
        JsRuleEngine::from_sources(&sources(&[("p.rhai", "priorities([\"P1\"]);\n  let = 2;")]))
            .err()
            .unwrap();
    assert_eq!(s(&err, "code"), "RULE_SYNTAX");
    assert_eq!(
        (s(&err, "file"), n(&err, "line"), n(&err, "column")),
        ("p.rhai".into(), 2.0, 7.0)
    );
    let all = Array::from(&get(&err, "errors"));
    assert_eq!(all.length(), 1);
    let err = JsRuleEngine::from_sources(&sources(&[("p.rhai", RUNAWAY_LOAD)]))
        .err()
        .unwrap();
    assert_eq!(
        (s(&err, "code"), s(&err, "limit")),
        ("RULE_LIMIT".into(), "operations".into())
    );
    let bytes = js_sys::Uint8Array::from(&b"let a = 1;\n\xff"[..]);
    let o = js_sys::Object::new();
    Reflect::set(&o, &"bad.rhai".into(), &bytes).unwrap();
    let list = JsRuleEngine::check_sources(&o);
    assert_eq!(s(&list.get(0), "code"), "PACK_INVALID");
    assert_eq!(
        (n(&list.get(0), "line"), n(&list.get(0), "column")),
        (2.0, 1.0)
    );
}

#[wasm_bindgen_test]
fn a_runaway_hook_is_stopped_and_the_engine_keeps_answering() {
    let e = JsRuleEngine::from_sources(&sources(&[
        ("p.rhai", TINY_PACK),
        ("hook.rhai", RUNAWAY_HOOK),
    ]))
    .unwrap();
    for _ in 0..2 {
        let err = e
            .priority(&js(
                &json!({ "impact": "High", "urgency": "Now", "service": "spin" }),
            ))
            .unwrap_err();
        assert_eq!(
            (s(&err, "code"), s(&err, "limit")),
            ("RULE_LIMIT".into(), "operations".into())
        );
        let ok = e
            .priority(&js(&json!({ "impact": "High", "urgency": "Now" })))
            .unwrap();
        assert_eq!(s(&ok, "priority"), "P1");
    }
    assert_eq!(e.hook_calls(), 4.0);
}

#[wasm_bindgen_test]
fn the_default_pack_describes_itself() {
    let e = engine();
    assert_eq!(e.pack_version(), "2026.12.1");
    let names: Vec<&str> = ticket_rules::DEFAULT_PACK.iter().map(|(n, _)| *n).collect();
    assert_eq!(e.files(), names);
    assert!(names.contains(&"priority.rhai") && names.contains(&"escalation.rhai"));
    let m = e.matrix().unwrap();
    assert_eq!(Array::from(&get(&m, "impacts")).length(), 4);
    let first = Array::from(&get(&m, "cells")).get(0);
    assert_eq!(s(&Array::from(&first).get(0), "priority"), "Emergency");
}

#[wasm_bindgen_test]
fn a_compiled_pack_crosses_the_binding() {
    let files: Vec<(&str, &str)> = ticket_rules::DEFAULT_PACK.to_vec();
    let text = JsRuleEngine::compile(&sources(&files)).unwrap();
    let e = JsRuleEngine::from_compiled(&JsValue::from_str(&text)).unwrap();
    assert_eq!(e.pack_hash(), engine().pack_hash());
    let t = js(&json!({ "impact": "Critical", "urgency": "Work Impaired" }));
    assert_eq!(s(&e.priority(&t).unwrap(), "priority"), "High");
    let err = JsRuleEngine::from_compiled(&JsValue::from_str("{}"))
        .err()
        .unwrap();
    assert_eq!(s(&err, "code"), "PACK_INVALID");
    let err = JsRuleEngine::compile(&sources(&[("p.rhai", "let = 2;")]))
        .err()
        .unwrap();
    assert_eq!(s(&err, "code"), "RULE_SYNTAX");
    assert!(Array::from(&get(&err, "errors")).length() >= 1);
}

// ---- business time and SLA through the binding -------------------------

use ticket_rules::wasm::JsCalendar;

fn vectors(text: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

#[wasm_bindgen_test]
fn every_business_time_vector() {
    let adds = vectors(include_str!("data/vectors/business_time_vectors.json"));
    for c in &adds {
        let cal = JsCalendar::from_object(&js(&c["calendar"])).unwrap();
        let due = cal
            .add(
                &js(&c["start"]),
                &js(&c["duration_seconds"]),
                &js(&c["pauses"]),
            )
            .unwrap();
        assert_eq!(due, c["expected_due"].as_str().unwrap(), "{}", c["id"]);
    }
    let betweens = vectors(include_str!(
        "data/vectors/business_time_between_vectors.json"
    ));
    for c in &betweens {
        let cal = JsCalendar::from_object(&js(&c["calendar"])).unwrap();
        let secs = cal
            .between(&js(&c["from"]), &js(&c["to"]), &js(&c["pauses"]))
            .unwrap();
        assert_eq!(secs, c["expected_seconds"].as_f64().unwrap(), "{}", c["id"]);
    }
    assert!(adds.len() >= 48 && betweens.len() >= 12);
}

#[wasm_bindgen_test]
fn calendars_take_dates_and_reject_bad_input() {
    let cal = engine().calendar(&"business".into()).unwrap();
    assert_eq!(cal.timezone(), "America/New_York");
    // Friday 16:00 EST + 2 business hours = Monday 09:00 EDT (the DST weekend).
    let friday = js_sys::Date::new(&JsValue::from_str("2026-03-06T21:00:00Z"));
    assert_eq!(
        cal.add(&friday, &JsValue::from(7200), &JsValue::UNDEFINED)
            .unwrap(),
        "2026-03-09T13:00:00Z"
    );
    assert_eq!(
        cal.add(&friday, &"2h".into(), &JsValue::NULL).unwrap(),
        "2026-03-09T13:00:00Z"
    );
    for bad in [
        JsValue::from(-1),
        JsValue::from(f64::NAN),
        JsValue::from(f64::INFINITY),
        JsValue::from(1e18),
        JsValue::from(1.5),
    ] {
        let err = cal.add(&friday, &bad, &JsValue::UNDEFINED).unwrap_err();
        assert_eq!(s(&err, "code"), "INVALID_DURATION");
    }
    let err = cal
        .add(
            &"2026-02-30T00:00:00Z".into(),
            &JsValue::from(1),
            &JsValue::UNDEFINED,
        )
        .unwrap_err();
    assert_eq!(
        (s(&err, "code"), s(&err, "field")),
        ("INVALID_INSTANT".into(), "start".into())
    );
    let err = cal
        .add(
            &friday,
            &JsValue::from(1),
            &js(&json!([["2026-03-07T00:00:00Z", "2026-03-06T00:00:00Z"]])),
        )
        .unwrap_err();
    assert_eq!(s(&err, "code"), "INVALID_PAUSE");
    let err = JsCalendar::from_object(&js(&json!({ "timezone": "Mars/Base", "weekly": {} })))
        .err()
        .unwrap();
    assert_eq!(s(&err, "code"), "UNKNOWN_TIMEZONE");
    assert!(!cal.is_open(&"2026-12-25T15:00:00Z".into()).unwrap());
    assert_eq!(
        cal.next_open(&"2026-12-25T15:00:00Z".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("2026-12-28T13:00:00Z")
    );
    let err = engine().calendar(&"weekends".into()).err().unwrap();
    assert_eq!(s(&err, "code"), "UNKNOWN_CALENDAR");
}

#[wasm_bindgen_test]
fn sla_clocks_through_the_binding() {
    let ticket = json!({
        "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-16T18:00:00Z", "status": "Wait Customer" },
            { "at": "2026-03-17T14:00:00Z", "status": "In Process" },
        ],
    });
    let now = js_sys::Date::new(&JsValue::from_str("2026-03-17T16:00:00Z"));
    let r = engine().sla(&js(&ticket), &now).unwrap();
    let resolve = get(&r, "resolve");
    assert_eq!(s(&resolve, "due"), "2026-03-18T17:00:00Z");
    assert_eq!(n(&resolve, "elapsedSeconds"), 21_600.0);
    assert_eq!(s(&resolve, "state"), "running");
    assert_eq!(n(&r, "customerSeconds"), 72_000.0);
    let x = engine().explain_sla(&js(&ticket), &now).unwrap();
    let entries = Array::from(&get(&get(&x, "resolve"), "entries"));
    assert_eq!(s(&entries.get(0), "kind"), "cell");
    let err = engine()
        .sla(
            &js(&json!({ "impact": "Minor", "urgency": "Work Impaired" })),
            &now,
        )
        .unwrap_err();
    assert_eq!(
        (s(&err, "code"), s(&err, "field")),
        ("MISSING_FIELD".into(), "openedAt".into())
    );
    // A history that re-prioritised the ticket: priority() follows it.
    let raised = json!({ "impact": "Minor", "urgency": "Work Impaired", "history": [{ "at": "2026-03-16T16:00:00Z", "impact": "Critical" }] });
    assert_eq!(
        s(&engine().priority(&js(&raised)).unwrap(), "priority"),
        "High"
    );
}

#[wasm_bindgen_test]
fn escalations_through_the_binding() {
    let t = json!({ "id": "TT-1", "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
                    "openedAt": "2026-03-16T14:00:00Z" });
    let r = engine()
        .escalations(&js(&t), &"2026-03-16T14:20:00Z".into(), &JsValue::UNDEFINED)
        .unwrap();
    let due = Array::from(&get(&r, "due"));
    let ids: Vec<String> = due.iter().map(|d| s(&d, "id")).collect();
    assert_eq!(
        ids,
        ["TT-1/emergency-respond-half/0", "TT-1/respond-breach/0"]
    );
    assert_eq!(s(&r, "nextWakeUp"), "2026-03-16T14:30:00Z");
    let fired = js(&json!(["TT-1/emergency-respond-half/0"]));
    let r = engine()
        .escalations(&js(&t), &"2026-03-16T14:20:00Z".into(), &fired)
        .unwrap();
    assert_eq!(Array::from(&get(&r, "due")).length(), 1);
}

#[wasm_bindgen_test]
fn forms_through_the_binding() {
    let t = json!({ "type": "incident", "summary": "", "impact": "Galaxy", "contact": { "name": "Pat Doe" } });
    let r = engine()
        .validate(&js(&t), &JsValue::NULL, &JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(get(&r, "valid"), JsValue::FALSE);
    let codes: Vec<String> = Array::from(&get(&r, "errors"))
        .iter()
        .map(|e| s(&e, "code"))
        .collect();
    assert_eq!(codes, ["REQUIRED", "NOT_IN_MENU", "REQUIRED", "REQUIRED"]);
    assert_eq!(
        s(&get(&get(&r, "ticket"), "contact"), "phone"),
        "7035551234"
    );
    let schema = engine()
        .form_schema(&"incident".into(), &JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(Array::from(&get(&schema, "fields")).length(), 11);
    let tr = engine()
        .transition(
            &js(&json!({ "type": "incident", "status": "Closed" })),
            &"New".into(),
            &JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(get(&tr, "allowed"), JsValue::FALSE);
}

/// Permissions and the queue through the binding (Node and Chromium): a
/// customer's crafted re-rating refused, the form's modes, redaction, and
/// the queue in one call.
#[wasm_bindgen_test]
fn roles_and_the_queue() {
    let e = engine();
    let before = json!({ "type": "incident", "status": "In Process", "summary": "VPN down",
        "impact": "Single Department affected", "urgency": "Work Impaired", "service": "VPN",
        "contact": { "name": "Pat Doe" }, "resolution": "draft",
        "openedAt": "2026-03-18T09:00:00Z",
        "history": [{ "at": "2026-03-18T09:30:00Z", "status": "In Process" }] });
    let mut after = before.clone();
    after["urgency"] = json!("Work Stopped - No workaround");
    let options = js(&json!({ "role": "customer", "previous": before }));
    let r = e.validate(&js(&after), &JsValue::NULL, &options).unwrap();
    let refused: Vec<String> = Array::from(&get(&r, "errors"))
        .iter()
        .filter(|x| s(x, "field") == "urgency")
        .map(|x| s(&x, "code"))
        .collect();
    assert_eq!(refused, ["READ_ONLY"]);
    let schema = e
        .form_schema(
            &"incident".into(),
            &js(&json!({ "role": "customer", "status": "In Process" })),
        )
        .unwrap();
    let modes: Vec<(String, String)> = Array::from(&get(&schema, "fields"))
        .iter()
        .map(|f| (s(&f, "name"), s(&f, "mode")))
        .filter(|(_, m)| m != "editable")
        .collect();
    assert_eq!(
        modes,
        [
            ("impact".to_string(), "readonly".to_string()),
            ("urgency".into(), "readonly".into()),
            ("priority".into(), "readonly".into()),
            ("resolution".into(), "hidden".into()),
        ]
    );
    let shown = e.redact(&js(&before), &"customer".into()).unwrap();
    assert!(get(&shown, "resolution").is_undefined());
    let err = e.redact(&js(&before), &"janitor".into()).unwrap_err();
    assert_eq!(s(&err, "code"), "UNKNOWN_ROLE");
    let mut open = before.clone();
    open["status"] = json!("New");
    open.as_object_mut().map(|o| o.remove("history"));
    let list = js(&json!([open, { "id": "x" }]));
    let now = JsValue::from_str("2026-03-18T15:00:00Z");
    let q = e.queue(&list, &now, &JsValue::UNDEFINED).unwrap();
    assert_eq!(Array::from(&get(&q, "problems")).length(), 1);
    let entries = Array::from(&get(&q, "entries"));
    assert_eq!(entries.length(), 1);
    assert_eq!(s(&entries.get(0), "clock"), "respond");
    // Options: the first 0 of 1, and a coded error for an unknown one.
    let q = e.queue(&list, &now, &js(&json!({ "limit": 0 }))).unwrap();
    assert_eq!(Array::from(&get(&q, "entries")).length(), 0);
    assert_eq!(get(&q, "ranked").as_f64(), Some(1.0));
    let err = e
        .queue(&list, &now, &js(&json!({ "limt": 0 })))
        .unwrap_err();
    assert_eq!(s(&err, "code"), "INVALID_INPUT");
}

// ---- the malformed-input catalogue (tests/data/malformed.json) ----------
//
// The same table as tests/malformed.rs (native) and
// tests/js/malformed.test.mjs (the npm package in Node), here through the
// binding in Node and in headless Chromium: every case with its JS values
// (NaN, invalid Dates, BigInt, inherited properties, own `__proto__` keys as
// JSON.parse makes them), then the used engine against a fresh one.

mod malformed {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use serde_json::Value;
    use ticket_rules::wasm::{JsCalendar, JsRuleEngine};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn get(o: &JsValue, k: &str) -> JsValue {
        Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    }

    /// An own data property, whatever its name (`__proto__` too).
    fn put(o: &Object, k: &str, v: &JsValue) {
        let d = Object::new();
        for (a, x) in [
            ("value", v.clone()),
            ("enumerable", JsValue::TRUE),
            ("writable", JsValue::TRUE),
            ("configurable", JsValue::TRUE),
        ] {
            Reflect::set(&d, &JsValue::from_str(a), &x).unwrap();
        }
        Reflect::define_property(o, &JsValue::from_str(k), &d).unwrap();
    }

    /// A table value as the JS value the case means.
    fn js(v: &Value) -> JsValue {
        match v {
            Value::Null => JsValue::NULL,
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap()),
            Value::String(s) => JsValue::from_str(s),
            Value::Array(a) => a.iter().map(js).collect::<Array>().into(),
            Value::Object(o) => {
                if let Some(Value::String(g)) = o.get("$gen") {
                    return generate(g, v);
                }
                if let Some(Value::String(j)) = o.get("$js") {
                    return js_only(j, v);
                }
                let out = Object::new();
                for (k, x) in o {
                    put(&out, k, &js(x));
                }
                out.into()
            }
        }
    }

    fn generate(kind: &str, g: &Value) -> JsValue {
        let text = |k: &str| g[k].as_str().unwrap_or("").to_string();
        let times = g["times"].as_u64().unwrap_or(0) as usize;
        match kind {
            "repeat" => JsValue::from_str(&format!(
                "{}{}{}",
                text("prefix"),
                text("text").repeat(times),
                text("suffix")
            )),
            "nest" => {
                let mut v = js(&g["leaf"]);
                for _ in 0..g["depth"].as_u64().unwrap() {
                    v = if g["kind"] == "object" {
                        let o = Object::new();
                        put(&o, &text("key"), &v);
                        o.into()
                    } else {
                        Array::of1(&v).into()
                    };
                }
                v
            }
            "bytes" => Uint8Array::from(&base64(g["base64"].as_str().unwrap())[..]).into(),
            "defaultPack" => {
                let o = Object::new();
                let without: Vec<&str> = g["without"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for (name, source) in ticket_rules::DEFAULT_PACK {
                    if !without.contains(name) {
                        put(&o, name, &JsValue::from_str(source));
                    }
                }
                for (name, source) in g["add"].as_object().into_iter().flatten() {
                    put(&o, name, &js(source));
                }
                o.into()
            }
            other => panic!("unknown generator {other}"),
        }
    }

    fn js_only(kind: &str, j: &Value) -> JsValue {
        match kind {
            "NaN" => JsValue::from_f64(f64::NAN),
            "Infinity" => JsValue::from_f64(f64::INFINITY),
            "-Infinity" => JsValue::from_f64(f64::NEG_INFINITY),
            "undefined" => JsValue::UNDEFINED,
            "invalidDate" => js_sys::Date::new(&JsValue::from_f64(f64::NAN)).into(),
            "date" => js_sys::Date::new(&JsValue::from_f64(j["ms"].as_f64().unwrap())).into(),
            "bigint" => {
                js_sys::BigInt::from(j["value"].as_str().unwrap().parse::<i64>().unwrap()).into()
            }
            "symbol" => JsValue::symbol(Some("impact")),
            "function" => Closure::<dyn Fn() -> JsValue>::new(|| JsValue::from_str("Critical"))
                .into_js_value(),
            "inherit" => {
                let o = Object::create(js(&j["proto"]).unchecked_ref());
                for (k, x) in j["own"].as_object().unwrap() {
                    put(&o, k, &js(x));
                }
                o.into()
            }
            "cycle" => {
                let o = js(&j["own"]);
                Reflect::set(&o, &JsValue::from_str("self"), &o).unwrap();
                o
            }
            other => panic!("unknown JS value {other}"),
        }
    }

    fn base64(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for c in text.bytes().filter(|c| *c != b'=') {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                _ => 63,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
        }
        out
    }

    fn object(pairs: &[(&str, JsValue)]) -> JsValue {
        let o = Object::new();
        for (k, v) in pairs {
            put(&o, k, v);
        }
        o.into()
    }

    fn described(c: &JsCalendar) -> JsValue {
        object(&[("name", c.name().into()), ("timezone", c.timezone().into())])
    }

    fn calendar(e: &JsRuleEngine, spec: &JsValue) -> Result<JsCalendar, JsValue> {
        match spec.as_string() {
            Some(_) => e.calendar(spec),
            None => JsCalendar::from_object(spec),
        }
    }

    /// One operation through the binding, as the JS API calls it.
    fn run(e: &JsRuleEngine, op: &str, a: &JsValue) -> Result<JsValue, JsValue> {
        let g = |k: &str| get(a, k);
        let has = |k: &str| Reflect::has(a, &JsValue::from_str(k)).unwrap_or(false);
        match op {
            "priority" => e.priority(&g("ticket")),
            "priorityOf" => e.priority_of(&g("impact"), &g("urgency"), &g("customerSeverity")),
            "sla" => e.sla(&g("ticket"), &g("now")),
            "explainSla" => e.explain_sla(&g("ticket"), &g("now")),
            "escalations" => e.escalations(&g("ticket"), &g("now"), &g("fired")),
            "validate" => {
                let options = if has("lookups") {
                    object(&[("lookups", g("lookups"))])
                } else {
                    JsValue::UNDEFINED
                };
                e.validate(&g("ticket"), &g("type"), &options)
            }
            "transition" => {
                let context = if has("children") {
                    object(&[("children", g("children"))])
                } else {
                    JsValue::UNDEFINED
                };
                e.transition(&g("ticket"), &g("to"), &context)
            }
            "reclassify" => e.reclassify(&g("ticket"), &g("to")),
            "formSchema" => e.form_schema(&g("type"), &JsValue::UNDEFINED),
            "packCalendar" => e.calendar(&g("name")).map(|c| described(&c)),
            "calendar" => JsCalendar::from_object(&g("spec")).map(|c| described(&c)),
            "calendarAdd" => calendar(e, &g("calendar"))?
                .add(&g("start"), &g("seconds"), &g("pauses"))
                .map(JsValue::from),
            "calendarBetween" => calendar(e, &g("calendar"))?
                .between(&g("from"), &g("to"), &g("pauses"))
                .map(JsValue::from),
            "calendarIsOpen" => calendar(e, &g("calendar"))?
                .is_open(&g("t"))
                .map(JsValue::from),
            "calendarNextOpen" => calendar(e, &g("calendar"))?.next_open(&g("t")),
            "loadPack" => JsRuleEngine::from_sources(&g("sources"))
                .map(|p| object(&[("packVersion", p.pack_version().into())])),
            other => panic!("unknown op {other}"),
        }
    }

    /// A JS value as JSON (for comparing answers).
    fn json(v: &JsValue) -> Value {
        match js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()) {
            Some(text) => serde_json::from_str(&text).unwrap(),
            None => Value::Null,
        }
    }

    /// What is wrong with an outcome, if anything.
    fn check(c: &Value, got: Result<JsValue, JsValue>) -> Option<String> {
        let want_code = c["code"].as_str();
        let want_field = c["field"].as_str();
        match got {
            Err(err) => {
                let text = |k: &str| get(&err, k).as_string();
                let message = text("message").unwrap_or_default();
                if text("name").as_deref() != Some("TicketRulesError") {
                    return Some(format!("threw a non-TicketRulesError: {message}"));
                }
                if c.get("accept").is_some() || c["via"] == "result" {
                    return Some(format!("threw {:?} instead of answering", text("code")));
                }
                let mut wrong = Vec::new();
                if text("code").as_deref() != want_code {
                    wrong.push(format!("code {:?}", text("code")));
                }
                if text("field").as_deref() != want_field {
                    wrong.push(format!("field {:?}", text("field")));
                }
                if let Some(span) = c["span"].as_str() {
                    let file = text("file").unwrap_or_default();
                    let (line, column) = (get(&err, "line"), get(&err, "column"));
                    let got = match (line.as_f64(), column.as_f64()) {
                        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                        _ => file.clone(),
                    };
                    let ok = if span.contains(':') {
                        got == span
                    } else {
                        file == span
                    };
                    if !ok {
                        wrong.push(format!("span {got}"));
                    }
                }
                if message.len() > 2000 {
                    wrong.push(format!("a message of {} bytes", message.len()));
                }
                (!wrong.is_empty()).then(|| format!("{}: {message:.300}", wrong.join(", ")))
            }
            Ok(v) => {
                let v = json(&v);
                if let Some(accept) = c["accept"].as_object() {
                    for (path, want) in accept {
                        let got = if path.is_empty() {
                            Some(&v)
                        } else {
                            path.split('.').try_fold(&v, |x, k| x.get(k))
                        };
                        if got != Some(want) {
                            return Some(format!("`{path}` is {got:?}, not {want}"));
                        }
                    }
                    return None;
                }
                if c["via"] == "result" {
                    let listed: Vec<(String, String)> = v["errors"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|e| (e["field"].to_string(), e["code"].to_string()))
                        .collect();
                    let want = vec![(c["field"].to_string(), c["code"].to_string())];
                    return (listed != want).then(|| format!("listed {listed:?}"));
                }
                let mut shown = v.to_string();
                shown.truncate(200);
                Some(format!("answered {shown}"))
            }
        }
    }

    /// A good ticket's answers, to compare the used engine with a fresh one.
    fn good_answers(e: &JsRuleEngine) -> Value {
        let ticket = js(&serde_json::json!({
            "id": "TT-1", "type": "incident", "summary": "Printer on floor 2 jams",
            "impact": "Single Building affected", "urgency": "Work Impaired", "service": "Printing",
            "contact": { "name": "Pat Doe" },
            "openedAt": "2026-03-16T14:00:00Z",
            "history": [{ "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" }],
            "status": "In Process",
        }));
        let fast = js(&serde_json::json!({ "impact": "Minor", "urgency": "Work Impaired" }));
        let now = JsValue::from_str("2026-03-17T16:00:00Z");
        let none = JsValue::UNDEFINED;
        let add = e
            .calendar(&"business".into())
            .unwrap()
            .add(&now, &JsValue::from_f64(8.0 * 3600.0), &none)
            .unwrap();
        serde_json::json!({
            "priority": json(&e.priority(&ticket).unwrap()),
            "fast": json(&e.priority(&fast).unwrap()),
            "sla": json(&e.sla(&ticket, &now).unwrap()),
            "escalations": json(&e.escalations(&ticket, &now, &none).unwrap()),
            "validate": json(&e.validate(&ticket, &JsValue::NULL, &none).unwrap()),
            "transition": json(&e.transition(&ticket, &"Resolved".into(), &none).unwrap()),
            "add": add,
        })
    }

    #[wasm_bindgen_test]
    fn the_malformed_input_catalogue_through_the_binding() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("data/malformed.json")).unwrap();
        let engine = JsRuleEngine::default_pack().unwrap();
        let fresh = good_answers(&JsRuleEngine::default_pack().unwrap());
        let mut failures = Vec::new();
        for c in &cases {
            let name = c["name"].as_str().unwrap();
            let got = run(&engine, c["op"].as_str().unwrap(), &js(&c["args"]));
            if let Some(wrong) = check(c, got) {
                failures.push(format!("{name}: {wrong}"));
            }
        }
        assert!(cases.len() >= 60);
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
        // No poisoned instance.
        assert_eq!(good_answers(&engine), fresh);
    }
}
