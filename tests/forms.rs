//! Ticket types, validation, schemas and the lifecycle, on the default pack.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use serde_json::{json, Value};
use ticket_rules::RuleEngine;

fn engine() -> RuleEngine {
    RuleEngine::embedded().unwrap()
}

fn good_incident() -> Value {
    json!({
        "type": "incident",
        "summary": "Finance shared drive unreachable",
        "description": "Since 9:00 nobody in Finance can open the payroll folder.",
        "impact": "Single Department affected",
        "urgency": "Work Stopped - No workaround",
        "service": "File shares",
        "contact": { "name": "Pat Doe" },
    })
}

fn codes(errors: &[ticket_rules::form::FieldError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect()
}

#[test]
fn a_good_ticket_is_valid_and_auto_filled() {
    let r = engine().validate(&good_incident(), None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    // Contact details from the contact list; the priority from the matrix.
    assert_eq!(
        r.ticket["contact"],
        json!({ "name": "Pat Doe", "email": "pat@example.edu", "phone": "7035551234" })
    );
    assert_eq!(r.ticket["priority"], "High");
}

#[test]
fn every_error_at_once() {
    let t = json!({
        "type": "incident",
        "summary": "x".repeat(121),
        "impact": "The whole planet",
        "service": "Coffee machine",
        "component": 42,
        "contact": { "name": "Nobody Known", "email": "not-an-email", "phone": "555-1234" },
        "colour": "blue",
    });
    let r = engine().validate(&t, None, None).unwrap();
    assert!(!r.valid);
    assert_eq!(
        codes(&r.errors),
        [
            ("colour", "UNKNOWN_FIELD"),
            ("summary", "TOO_LONG"),
            ("impact", "NOT_IN_MENU"),
            ("urgency", "REQUIRED"),
            ("service", "NOT_IN_MENU"),
            ("component", "WRONG_TYPE"),
            ("contact.name", "UNKNOWN_REFERENCE"),
            ("contact.email", "INVALID_EMAIL"),
            ("contact.phone", "PATTERN"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let too_long = &r.errors[1];
    assert_eq!(too_long.message, "Summary must be at most 120 characters");
    assert_eq!(too_long.params["max"], 120);
    assert_eq!(too_long.params["length"], 121);
    let menu = &r.errors[2];
    assert!(
        menu.message
            .starts_with("Who is affected? must be one of: Entire University affected, "),
        "{}",
        menu.message
    );
    assert_eq!(
        r.errors[6].message,
        "Contact: Nobody Known is not in contacts"
    );
}

#[test]
fn required_when_and_the_cross_field_rule() {
    let e = engine();
    // The whole university: a phone is required (there is none to fill for this contact).
    let mut t = good_incident();
    t["impact"] = json!("Entire University affected");
    t["contact"] = json!({ "name": "Someone New" });
    let lookups = json!({ "contacts": [{ "name": "Someone New", "email": "new@example.edu" }] });
    let r = e.validate(&t, None, lookups.as_object()).unwrap();
    assert_eq!(
        codes(&r.errors),
        [("contact.phone".to_string(), "REQUIRED".to_string())]
    );
    assert_eq!(
        r.ticket["contact"]["email"], "new@example.edu",
        "filled from the call's list"
    );
    let always = ["summary", "impact", "urgency", "service", "contact.name"];
    // Work has stopped (the good incident's urgency): a description too,
    // by the cross-field rule, after the fields.
    assert_eq!(
        r.required,
        [&always[..], &["contact.phone", "description"]].concat(),
        "what the form marks as required now"
    );
    // Given, it stays required while the condition holds (in any case of
    // the impact's spelling: the condition is judged as validate judges it).
    t["contact"]["phone"] = json!("7035550000");
    t["impact"] = json!("  entire UNIVERSITY affected ");
    let r = e.validate(&t, None, lookups.as_object()).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert!(r.required.iter().any(|f| f == "contact.phone"));
    // A single building: not required.
    t["impact"] = json!("Single Building affected");
    let r = e.validate(&t, None, lookups.as_object()).unwrap();
    assert!(r.valid);
    assert_eq!(r.required, [&always[..], &["description"]].concat());
    // A list with the call that is not one is refused, not passed over.
    let err = e
        .validate(&t, None, json!({ "contacts": "x" }).as_object())
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("INVALID_TYPE", Some("options.lookups.contacts"))
    );
    // Work stopped with a one-liner: the pack's rule in rhai.
    let mut t = good_incident();
    t["description"] = json!("broken");
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(
        codes(&r.errors),
        [("description".to_string(), "TOO_BRIEF".to_string())]
    );
    assert_eq!(
        r.errors[0].message,
        "When work has stopped, describe what happens in a sentence or two"
    );
    // That rule refuses the description empty while work has stopped: it
    // is required then (a form marks it), and not when work goes on.
    assert_eq!(t["urgency"], "Work Stopped - No workaround");
    t.as_object_mut().unwrap().remove("description");
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(r.required, [&always[..], &["description"]].concat());
    t["urgency"] = json!("Work Impaired");
    let r = e.validate(&t, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.required, always);
}

#[test]
fn menus_match_like_the_matrix_and_proto_keys_never_pass() {
    let mut t = good_incident();
    t["impact"] = json!("single department AFFECTED");
    let text =
        serde_json::to_string(&t)
            .unwrap()
            .replacen('{', r#"{"__proto__": {"admin": true},"#, 1);
    let t: Value = serde_json::from_str(&text).unwrap();
    let r = engine().validate(&t, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert!(r.ticket.get("__proto__").is_none());
}

#[test]
fn unknown_types_and_bad_input_are_errors_not_results() {
    let e = engine();
    let err = e
        .validate(&json!({ "type": "complaint" }), None, None)
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("UNKNOWN_TYPE", Some("type")));
    assert_eq!(err.allowed().unwrap(), ["incident", "outage", "problem"]);
    assert_eq!(
        e.validate(&json!({}), None, None).unwrap_err().code(),
        "MISSING_FIELD"
    );
    assert_eq!(
        e.validate(&json!([1]), None, None).unwrap_err().code(),
        "INVALID_INPUT"
    );
    // The type can be given with the call.
    let mut t = good_incident();
    t.as_object_mut().unwrap().remove("type");
    assert!(e.validate(&t, Some("incident"), None).unwrap().valid);
}

#[test]
fn the_form_schema_has_what_a_portal_draws() {
    let s = engine().form_schema("incident").unwrap();
    // The cross-field rule written as data, whole, so a page can say when
    // the description must be longer (it said nothing of it).
    assert_eq!(
        s["rules"],
        json!([{ "when": { "urgency": ["Work Stopped - No workaround", "Work Stopped - Workaround available"] },
                 "field": "description", "required": false, "minLength": 20, "maxLength": null,
                 "pattern": null, "oneOf": [], "differsFrom": null, "code": "TOO_BRIEF",
                 "message": "When work has stopped, describe what happens in a sentence or two" }])
    );
    let fields = s["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "summary",
            "description",
            "impact",
            "urgency",
            "service",
            "component",
            "contact.name",
            "contact.email",
            "contact.phone",
            "priority",
            "resolution"
        ]
    );
    let impact = &fields[2];
    assert_eq!(impact["kind"], "enum");
    assert_eq!(impact["required"], true);
    assert_eq!(impact["menu"].as_array().unwrap().len(), 8);
    assert_eq!(
        impact["help"],
        "Choose the widest group that cannot work normally."
    );
    let phone = &fields[8];
    assert_eq!(phone["required"], false);
    assert_eq!(phone["requiredWhen"], json!({ "impact_level": "Critical" }));
    assert_eq!(phone["pattern"], "^[0-9]{10}$");
    assert_eq!(
        s["transitions"]["Resolved"],
        json!(["Customer Responded", "Closed"])
    );
    assert_eq!(s["requiredAt"]["Resolved"], json!(["resolution"]));
    assert_eq!(s["unknownFields"], "reject");
}

#[test]
fn the_json_schema_export() {
    let s = engine().json_schema("incident").unwrap();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(
        s["properties"]["summary"],
        json!({ "type": "string", "maxLength": 120, "minLength": 1, "allOf": [{ "pattern": "\\S" }],
                "description": "One line: what is not working?" })
    );
    // The data rule, as an if/then: a least length as validate counts it
    // (trimmed), and present.
    let rule = s["allOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["then"]["properties"].get("description").is_some())
        .unwrap();
    assert_eq!(
        rule["then"],
        json!({ "properties": { "description": { "type": "string", "pattern": "\\S[\\s\\S]{18,}\\S" } },
                "required": ["description"] })
    );
    assert!(rule["if"]["properties"]["urgency"]["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("Work Stopped - Workaround available")));
    // An optional field may be left out, null or blank, as validate reads it.
    let phone = &s["properties"]["contact"]["properties"]["phone"];
    assert_eq!(phone["anyOf"][0]["pattern"], "^[0-9]{10}$");
    assert_eq!(phone["anyOf"][1], json!({ "type": "null" }));
    assert_eq!(
        phone["anyOf"][2],
        json!({ "type": "string", "pattern": "^\\s*$" })
    );
    assert!(phone["description"]
        .as_str()
        .unwrap()
        .starts_with("Ten digits"));
    assert_eq!(s["properties"]["contact"]["required"], json!(["name"]));
    assert_eq!(
        s["required"],
        json!(["summary", "impact", "urgency", "service", "contact"])
    );
    // required_when impact_level Critical: if impact is a Critical description, then phone.
    let rule = &s["allOf"][0];
    assert_eq!(
        rule["if"]["properties"]["impact"]["enum"],
        json!(["Critical", "Entire University affected"])
    );
    assert_eq!(
        rule["then"]["properties"]["contact"]["required"],
        json!(["phone"])
    );
    // Every spelling validate takes as written: the level's name as well
    // as its description (the schema refused "Critical" that its own `if`
    // named).
    let impacts = s["properties"]["impact"]["enum"].as_array().unwrap();
    for spelling in [
        "Critical",
        "Entire University affected",
        "Minor",
        "Single Individual",
    ] {
        assert!(impacts.contains(&json!(spelling)), "{spelling}");
    }
    assert_eq!(s["additionalProperties"], false);
    assert!(
        s["properties"]["history"].is_object(),
        "the ticket model's fields stay allowed"
    );
}

#[test]
fn the_lifecycle() {
    let e = engine();
    let mut t = good_incident();
    t["status"] = json!("In Process");
    let r = e.transition(&t, "Resolved", None).unwrap();
    assert!(!r.allowed);
    assert_eq!(r.errors[0].code, "REQUIRED");
    assert_eq!(r.errors[0].field, "resolution");
    // There, but not what the field takes: no resolution summary.
    for (bad, code) in [
        (json!(5), "WRONG_TYPE"),
        (json!("x".repeat(20_001)), "TOO_LONG"),
    ] {
        t["resolution"] = bad;
        let r = e.transition(&t, "Resolved", None).unwrap();
        assert_eq!(
            (r.allowed, codes(&r.errors)),
            (false, vec![("resolution".into(), code.into())])
        );
    }
    t["resolution"] = json!("Restarted the file server");
    assert!(e.transition(&t, "resolved", None).unwrap().allowed);
    let r = e.transition(&t, "Closed", None).unwrap();
    assert_eq!(
        (r.allowed, r.errors[0].code.as_str()),
        (false, "NOT_ALLOWED")
    );
    assert_eq!(r.errors[0].message, "a ticket cannot move from In Process to Closed; it can move to Wait Customer, Wait Vendor, Resolved");
    assert_eq!(
        e.transition(&t, "Sleeping", None).unwrap_err().code(),
        "UNKNOWN_STATUS"
    );
    // A resolved ticket the customer says is not fixed.
    t["status"] = json!("Resolved");
    assert!(
        e.transition(&t, "Customer Responded", None)
            .unwrap()
            .allowed
    );
}

#[test]
fn parents_close_only_when_their_children_have() {
    let e = engine();
    let outage = json!({ "type": "outage", "status": "Resolved", "resolution": "Replaced the switch",
                         "children": [{ "id": "TT-2", "status": "Closed" }, { "id": "TT-3", "status": "In Process" }] });
    let r = e.transition(&outage, "Closed", None).unwrap();
    assert_eq!(
        (r.allowed, r.errors[0].code.as_str()),
        (false, "CHILDREN_OPEN")
    );
    assert_eq!(r.errors[0].params["open"], json!(["TT-3"]));
    // The caller passes the children's current statuses.
    let now_closed =
        json!([{ "id": "TT-2", "status": "Closed" }, { "id": "TT-3", "status": "Closed" }]);
    assert!(
        e.transition(&outage, "Closed", Some(&now_closed))
            .unwrap()
            .allowed
    );
    // An incident has no children rule.
    let incident = json!({ "type": "incident", "status": "Resolved", "children": [{ "id": "x", "status": "New" }] });
    assert!(e.transition(&incident, "Closed", None).unwrap().allowed);
}

#[test]
fn an_outage_becomes_a_problem_once_a_workaround_is_recorded() {
    let e = engine();
    let mut outage = json!({
        "type": "outage", "status": "In Process",
        "summary": "File shares down", "description": "No one can open a share since 9:00.",
        "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
        "service": "File shares",
        "startedAt": "2026-03-16T14:00:00Z", "component": "filer-2",
    });
    let r = e.validate(&outage, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    let r = e.reclassify(&outage, "problem").unwrap();
    assert!(!r.allowed);
    assert_eq!(codes(&r.errors), [("workaround".into(), "REQUIRED".into())]);
    outage["workaround"] = json!("Use the VPN to reach the file share");
    let r = e.reclassify(&outage, "problem").unwrap();
    assert!(r.allowed, "{:?}", r.errors);
    // What it becomes then saves as a problem.
    outage["type"] = json!("problem");
    assert!(e.validate(&outage, None, None).unwrap().valid);
    outage["type"] = json!("outage");
    let r = e.reclassify(&outage, "incident").unwrap();
    assert_eq!(r.errors[0].code, "NOT_ALLOWED");
    // A problem type without the outage's component: the move is refused
    // with what a save would refuse, not allowed into a ticket no save
    // accepts.
    let forms = default_forms();
    let line = r#"        #{ name: "startedAt", kind: "datetime", label: "Started at" },
        #{ name: "component", kind: "text", label: "Component", max_length: 80 },
"#;
    assert!(forms.contains(line));
    let kept = r#"        #{ name: "startedAt", kind: "datetime", label: "Started at" },
"#;
    let e = with_forms(&forms.replace(line, kept)).unwrap();
    let r = e.reclassify(&outage, "problem").unwrap();
    assert!(!r.allowed);
    assert_eq!(
        codes(&r.errors),
        [("component".into(), "UNKNOWN_FIELD".into())]
    );
}

/// The default pack's forms.rhai, to change a line of.
fn default_forms() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/forms.rhai")).unwrap()
}

fn with_forms(source: &str) -> Result<RuleEngine, ticket_rules::Error> {
    RuleEngine::from_sources(common::default_pack_with("forms.rhai", source))
}

#[test]
fn field_kinds_and_translated_messages() {
    let e = with_forms(
        r#"
messages(#{ REQUIRED: "{label} est obligatoire", TOO_LARGE: "{label} : au plus {max}" });
lookup("rooms", [#{ code: "A1" }, #{ code: "B2" }]);
ticket_type("t", #{ fields: [
    #{ name: "count", kind: "number", label: "Nombre", min: 1, max: 10, integer: true },
    #{ name: "when", kind: "datetime", label: "Quand" },
    #{ name: "urgent", kind: "boolean", label: "Urgent" },
    #{ name: "room", kind: "reference", lookup: "rooms", key: "code", label: "Salle" },
    #{ name: "tags", kind: "list", of: "enum", values: ["a", "b"], max_items: 2, label: "Tags" },
    #{ name: "who", kind: "text", label: "Qui", required: true, "default": "someone" },
    #{ name: "short", kind: "text", label: "Court", min_length: 3 },
    #{ name: "copy", kind: "text", label: "Copie", fill: #{ copy: "short" } },
]});
"#,
    )
    .unwrap();
    let t = json!({ "type": "t", "count": 11.5, "when": "soon", "urgent": "yes", "room": "C3", "tags": ["a", "c", "b"], "short": "ab" });
    let r = e.validate(&t, None, None).unwrap();
    let got: Vec<(String, String)> = codes(&r.errors);
    assert_eq!(
        got,
        [
            ("count", "NOT_AN_INTEGER"),
            ("count", "TOO_LARGE"),
            ("when", "INVALID_DATE_TIME"),
            ("urgent", "NOT_BOOLEAN"),
            ("room", "UNKNOWN_REFERENCE"),
            ("tags", "TOO_MANY"),
            ("tags[1]", "NOT_IN_MENU"),
            ("short", "TOO_SHORT"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(r.errors[1].message, "Nombre : au plus 10");
    assert_eq!(r.ticket["who"], "someone", "defaults fill empty fields");
    assert_eq!(r.ticket["copy"], "ab");
    let r = e
        .validate(&json!({ "type": "t", "who": "" }), None, None)
        .unwrap();
    assert!(
        r.valid,
        "a blank required field takes its default: {:?}",
        r.errors
    );
    let good = json!({ "type": "t", "count": 3, "when": "2026-03-16T14:00:00Z", "urgent": true, "room": "b2", "tags": ["a"], "who": "me" });
    assert!(e.validate(&good, None, None).unwrap().valid);
}

#[test]
fn form_declarations_are_checked_at_load() {
    for (src, want) in [
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x", kind: "colour" }] });"#,
            "unknown kind \"colour\"",
        ),
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x", kind: "enum" }] });"#,
            "an enum needs `values` or a `menu`",
        ),
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x", pattern: "([" }] });"#,
            "not a valid regular expression",
        ),
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x", kind: "reference", lookup: "nope" }] });"#,
            "unknown lookup \"nope\"",
        ),
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x" }, #{ name: "x" }] });"#,
            "declared twice",
        ),
        (
            r#"ticket_type("t", #{ transitions: #{ "New": ["Asleep"] } });"#,
            "unknown status \"Asleep\"",
        ),
        (
            r#"ticket_type("t", #{ rules: ["missing"] });"#,
            "\"missing\" is not a function",
        ),
        (
            r#"ticket_type("t", #{ fields: [#{ name: "x", size: 3 }] });"#,
            "unknown key `size`",
        ),
        (r#"unknown_fields("maybe");"#, "is not keep, reject or drop"),
    ] {
        let err = with_forms(src).unwrap_err();
        assert_eq!(err.code(), "PACK_INVALID", "{src}");
        assert!(err.to_string().contains(want), "{src}: {err}");
        assert_eq!(
            err.span().map(|s| (s.file.as_str(), s.line)),
            Some(("forms.rhai", 1)),
            "{err}"
        );
    }
}

#[test]
fn data_rules_cover_the_common_cross_field_checks() {
    let e = with_forms(
        r#"
ticket_type("t", #{ fields: [#{ name: "a" }, #{ name: "b" }, #{ name: "c" }, #{ name: "d" }],
    rules: [
        #{ when: #{ b: "x" }, field: "a", required: true, message: "{label} is needed when b is x" },
        #{ field: "c", one_of: ["p", "q"], code: "NOT_PQ" },
        #{ field: "d", pattern: "^z", code: "Z", message: "d starts with z" },
    ] });
"#,
    )
    .unwrap();
    let r = e
        .validate(
            &json!({ "type": "t", "b": "X", "c": "r", "d": "zz" }),
            None,
            None,
        )
        .unwrap();
    assert_eq!(
        codes(&r.errors),
        [("a", "RULE"), ("c", "NOT_PQ")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(r.errors[0].message, "a is needed when b is x");
    let r = e
        .validate(
            &json!({ "type": "t", "b": "y", "c": "q", "d": "ab" }),
            None,
            None,
        )
        .unwrap();
    assert_eq!(codes(&r.errors), [("d".to_string(), "Z".to_string())]);
    assert_eq!(e.pack().hook_calls(), 0, "data rules run no script");
}

#[test]
fn a_data_rule_can_say_a_field_must_not_repeat_another() {
    let e = with_forms(
        r#"
ticket_type("t", #{ fields: [#{ name: "fix", label: "Workaround" }, #{ name: "cause", label: "Root cause" }, #{ name: "n", kind: "number" }],
    rules: [
        #{ field: "cause", differs_from: "fix", code: "SAME", message: "{label} repeats the {otherLabel}" },
        #{ field: "n", differs_from: "fix" },
    ] });
"#,
    )
    .unwrap();
    let check = |t: Value| {
        let mut t = t;
        t["type"] = json!("t");
        e.validate(&t, None, None).unwrap()
    };
    // Text is compared trimmed and in any case.
    let r = check(json!({ "fix": "Restart the relay", "cause": "  restart THE relay " }));
    assert_eq!(
        codes(&r.errors),
        [("cause".to_string(), "SAME".to_string())]
    );
    assert_eq!(r.errors[0].message, "Root cause repeats the Workaround");
    assert_eq!(r.errors[0].params["other"], "fix");
    // In any case as the matrix folds: a word-final capital sigma too
    // (str::to_lowercase wrote ΟΔΟΣ as οδος, so it "differed" from οδοσ).
    let r = check(json!({ "fix": "ΟΔΟΣ", "cause": "οδοσ" }));
    assert_eq!(
        codes(&r.errors),
        [("cause".to_string(), "SAME".to_string())]
    );
    // Different, or either one empty: nothing to say.
    for t in [
        json!({ "fix": "Restart the relay", "cause": "A full disk" }),
        json!({ "fix": "", "cause": "" }),
        json!({ "fix": "   ", "cause": "  " }),
        json!({ "cause": "x" }),
        json!({ "fix": "x" }),
    ] {
        assert!(check(t.clone()).valid, "{t}");
    }
    // Other values as JSON: 2 is not "2".
    assert!(check(json!({ "fix": "2", "n": 2 })).valid);
    assert_eq!(e.pack().hook_calls(), 0, "data rules run no script");
    // The other field must be one of the type's.
    let err = with_forms(
        r#"ticket_type("t", #{ fields: [#{ name: "a" }], rules: [#{ field: "a", differs_from: "b" }] });"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a field of the type"), "{err}");
    // A rule must check something; differs_from is something.
    let err =
        with_forms(r#"ticket_type("t", #{ fields: [#{ name: "a" }], rules: [#{ field: "a" }] });"#)
            .unwrap_err();
    assert!(err.to_string().contains("differs_from"), "{err}");
}

#[test]
fn the_rfc1297_chain_example() {
    let chain = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/rfc1297-chain/forms.rhai"
    ))
    .unwrap();
    let e = with_forms(&chain).unwrap();
    assert_eq!(
        e.pack()
            .types()
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["complaint", "trouble", "engineering"]
    );
    let complaint = json!({ "type": "complaint", "contact": { "name": "Pat Doe" }, "site": "fairfax", "summary": "No dial tone",
                            "customerSeverity": "Work Stopped - No workaround" });
    let r = e.validate(&complaint, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["contact"]["phone"], "7035551234");
    let r = e.reclassify(&complaint, "trouble").unwrap();
    assert!(r.allowed, "{:?}", r.errors);
    assert!(
        !e.reclassify(&complaint, "engineering").unwrap().allowed,
        "a complaint is not escalated straight to engineering"
    );
    let trouble = json!({ "type": "trouble", "summary": "No dial tone", "site": "Fairfax", "component": "pbx-3",
                          "impact": "Single Building affected", "urgency": "Work Stopped - No workaround", "status": "Wait Vendor" });
    let r = e.validate(&trouble, None, None).unwrap();
    assert_eq!(
        codes(&r.errors),
        [("alarmAt".to_string(), "ALARM_NEEDED".to_string())]
    );
    assert_eq!(
        r.ticket["priority"], "High",
        "the NOC's priority beside the customer's severity"
    );
    let wrong_phone = json!({ "type": "complaint", "contact": { "name": "Pat Doe", "phone": "703-555" }, "site": "NOC", "summary": "x" });
    assert_eq!(
        codes(&e.validate(&wrong_phone, None, None).unwrap().errors),
        [("contact.phone".to_string(), "PATTERN".to_string())]
    );
    // Its lifecycle: nothing skips to Closed, and a trouble ticket closes
    // only when the complaints pointing at it have.
    let mut trouble = trouble.clone();
    trouble["status"] = json!("New");
    let r = e.transition(&trouble, "Closed", None).unwrap();
    assert_eq!(codes(&r.errors), [("status".into(), "NOT_ALLOWED".into())]);
    trouble["status"] = json!("Resolved");
    trouble["children"] =
        json!([{ "id": "UC-1", "status": "Closed" }, { "id": "UC-2", "status": "In Process" }]);
    let r = e.transition(&trouble, "Closed", None).unwrap();
    assert_eq!(r.errors[0].code, "CHILDREN_OPEN");
    // The engineering ticket keeps the trouble's rating: its clocks run.
    let mut eng = trouble.clone();
    eng["id"] = json!("TR-1");
    eng["escalatedTo"] = json!("Transport engineering");
    eng["openedAt"] = json!("2026-03-16T14:00:00Z");
    eng["history"] = json!([{ "at": "2026-03-16T15:00:00Z", "status": "In Process" }]);
    eng.as_object_mut().unwrap().remove("status");
    eng.as_object_mut().unwrap().remove("children");
    let r = e.reclassify(&eng, "engineering").unwrap();
    assert!(r.allowed, "{:?}", r.errors);
    let saved = e.validate(&eng, Some("engineering"), None).unwrap().ticket;
    assert_eq!(saved["impact"], "Single Building affected", "{saved}");
    let now = ticket_rules::time::parse_instant("2026-03-17T14:00:00Z", "now").unwrap();
    let s = e.sla(&saved, now).unwrap();
    assert_eq!(s.priority.priority, "High");
}

/// Every string of up to `longest` chars over `alphabet`, the empty one
/// first.
fn strings_over(alphabet: &[char], longest: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..longest {
        layer = layer
            .iter()
            .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
            .collect();
        all.extend(layer.iter().cloned());
    }
    all
}

/// `^[class]{m,n}$` patterns skip the regex engine; on every text drawn
/// from their alphabet and beyond, both answer the same, and patterns the
/// fast path must not take (escapes, negation, set operations, lazy or
/// other quantifiers, anything around the class) still go to the regex.
#[test]
fn simple_patterns_agree_with_the_regex() {
    use ticket_rules::form::Pattern;
    let simple = [
        "^[0-9]{10}$",
        "^[0-9]{2,4}$",
        "^[0-9]{3,}$",
        "^[A-Z0-9-]+$",
        "^[-a]*$",
        "^[a-]?$",
        "^[a-cx-zé]{0,3}$",
        "^[ ]+$",
        "^[.]{1}$",
    ];
    let other = [
        "^[^0-9]{3}$",
        r"^[\d]{3}$",
        "^[a-z&&[^aeiou]]+$",
        "^[a--c]+$",
        "^[0-9]+?$",
        "^[0-9]{3}",
        "[0-9]{3}$",
        "^[0-9]{3}[a]$",
        "^[[:alpha:]]+$",
        "^[0-9]{ 3 }$",
        "^([0-9]{3})$",
    ];
    let alphabet = [
        '0', '5', '9', 'a', 'b', 'c', 'x', 'é', '-', 'A', 'Z', ' ', '.', '\n', '^', 'ÿ',
    ];
    // Every text up to 4 chars long over the alphabet, and some longer.
    let mut texts = strings_over(&alphabet, 4);
    texts.extend(
        [
            "7035551234",
            "70355512345",
            "703555123",
            "0123456789\n",
            "AB-12-CD",
        ]
        .map(String::from),
    );
    for source in simple.iter().chain(&other) {
        // (regex-lite refuses some, set operations among them.)
        let Ok(p) = Pattern::new(source) else {
            assert!(!simple.contains(source), "{source}");
            continue;
        };
        assert_eq!(p.is_simple(), simple.contains(source), "{source}");
        let regex = regex_lite::Regex::new(source).unwrap();
        for t in &texts {
            assert_eq!(p.is_match(t), regex.is_match(t), "{source} on {t:?}");
        }
    }
}

#[test]
fn a_key_is_known_only_as_a_fields_first_part() {
    // `contact` is known (fields `contact.name`, ...); a literal key
    // `contact.name` is not where that field is read, nor is a key that
    // only begins like a field (`cont`, `summaryx`).
    let t = json!({
        "type": "incident",
        "summary": "Printer on fire",
        "impact": "Single Individual",
        "urgency": "Work Impaired",
        "service": "Printing",
        "contact": { "name": "Pat Doe" },
        "contact.name": "Pat Doe",
        "cont": 1,
        "summaryx": "y",
    });
    let r = engine().validate(&t, None, None).unwrap();
    let unknown: Vec<String> = r
        .errors
        .iter()
        .filter(|e| e.code == "UNKNOWN_FIELD")
        .map(|e| e.field.clone())
        .collect();
    assert_eq!(
        unknown,
        ["cont", "contact.name", "summaryx"],
        "{:?}",
        r.errors
    );
}

/// A `^[class]{m,n}$` pattern is taken without compiling it with regex-lite
/// (the default pack's load then runs none of regex-lite's parser and
/// compiler): so over every class of up to three chars from an alphabet of
/// the chars that matter in a class, and every quantifier shape, a pattern
/// is accepted exactly when regex-lite accepts it, and then both match the
/// same texts.
#[test]
fn every_small_class_pattern_is_accepted_as_regex_lite_accepts_it() {
    use ticket_rules::form::Pattern;
    let alphabet = ['a', 'c', 'z', '0', '-', '^', '&', '~', '.', ' ', 'é', '$'];
    let quantifiers = [
        "",
        "+",
        "*",
        "?",
        "+?",
        "{3}",
        "{0,2}",
        "{2,}",
        "{03}",
        "{2,1}",
        "{,3}",
        "{ 3}",
        "{4294967296}",
        "{1,4294967296}",
    ];
    // Counts near and past where the fast path stops (regex-lite's own
    // limits beyond it), on the shortest classes only: slow to compile.
    let big = ["{1000}", "{1001}", "{0,1000}", "{999,1001}", "{100000}"];
    let classes = strings_over(&alphabet, 3);
    let texts = [
        "", "a", "b", "z", "0", "-", "^", "&", "~", ".", " ", "é", "$", "ac", "a-", "zz", "aaa",
        "a0z", "0000", "--", "c~&",
    ];
    let mut simple = 0;
    for class in &classes {
        let big = if class.chars().count() <= 1 {
            &big[..]
        } else {
            &[]
        };
        for q in quantifiers.iter().chain(big) {
            let source = format!("^[{class}]{q}$");
            let ours = Pattern::new(&source);
            let theirs = regex_lite::Regex::new(&source);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{source}: {ours:?}");
            let (Ok(p), Ok(regex)) = (ours, theirs) else {
                continue;
            };
            assert_eq!(p.as_str(), source);
            simple += usize::from(p.is_simple());
            for t in texts {
                assert_eq!(p.is_match(t), regex.is_match(t), "{source} on {t:?}");
            }
        }
    }
    // Most of them take the fast path (else this test checks little).
    assert!(simple > 10_000, "{simple}");
}

/// Every error at once: a Critical impact requires a phone even while the
/// urgency is missing (the impact level was read only from a whole
/// priority, so the phone's error came only after the urgency was fixed).
#[test]
fn a_condition_on_the_impact_level_holds_without_an_urgency() {
    let e = engine();
    let mut t = good_incident();
    t["impact"] = json!("Entire University affected");
    t["contact"] = json!({ "name": "Someone New" });
    t.as_object_mut().unwrap().remove("urgency");
    let r = e.validate(&t, None, None).unwrap();
    let mut got = codes(&r.errors);
    got.sort();
    let want = [
        ("contact.name", "UNKNOWN_REFERENCE"),
        ("contact.phone", "REQUIRED"),
        ("urgency", "REQUIRED"),
    ]
    .map(|(f, c)| (f.to_string(), c.to_string()));
    assert_eq!(got, want);
}

/// Names compare as the matrix compares them, char by char, in every
/// check: a non-ASCII urgency matched the matrix and the menu in any case
/// but skipped a rule's `when` (and lookups missed `ZOË` for `Zoë`).
#[test]
fn non_ascii_names_match_in_any_case_everywhere() {
    let sources: Vec<(String, String)> = ticket_rules::DEFAULT_PACK
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                s.replace("Work Stopped - No workaround", "ΣΟΒΑΡΟ"),
            )
        })
        .collect();
    let e = RuleEngine::from_sources(sources).unwrap();
    let mut t = good_incident();
    t["description"] = json!("broken");
    for urgency in ["ΣΟΒΑΡΟ", "σοβαρο", "Σοβαρο"] {
        t["urgency"] = json!(urgency);
        let r = e.validate(&t, None, None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [("description".to_string(), "TOO_BRIEF".to_string())],
            "{urgency}"
        );
    }
    let lookups = json!({ "contacts": [{ "name": "Zoë Ürün", "email": "zoe@example.edu" }] });
    let mut t = good_incident();
    t["contact"] = json!({ "name": "ZOË ÜRÜN" });
    let r = engine().validate(&t, None, lookups.as_object()).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["contact"]["email"], "zoe@example.edu");
}

/// A rule's `when` on the impact or urgency matches every spelling of the
/// level: the rule said the description, the ticket the level's name, and
/// the rule was skipped.
#[test]
fn a_condition_on_the_impact_matches_any_spelling_of_its_level() {
    let source = default_forms().replace(
            r#"#{ when: #{ urgency: ["Work Stopped - No workaround", "Work Stopped - Workaround available"] },"#,
            r#"#{ when: #{ impact: "Entire University affected" },"#,
        );
    let e = with_forms(&source).unwrap();
    let mut t = good_incident();
    t["description"] = json!("broken");
    t["contact"] = json!({ "name": "Pat Doe", "phone": "7035551234" });
    for impact in ["Entire University affected", "Critical", " critical "] {
        t["impact"] = json!(impact);
        let r = e.validate(&t, None, None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [("description".to_string(), "TOO_BRIEF".to_string())],
            "{impact}"
        );
    }
}

/// Messages read as sentences: an empty list of allowed statuses is
/// "none" (it was "it can move to " and nothing), and a type's article
/// fits it ("must be a a ticket", "not a array" before).
#[test]
fn messages_read_as_sentences() {
    let e = engine();
    let closed = json!({ "type": "incident", "status": "Closed" });
    let r = e.transition(&closed, "In Process", None).unwrap();
    assert_eq!(
        r.errors[0].message,
        "a ticket cannot move from Closed to In Process; it can move to none"
    );
    let err = e.validate(&json!([1]), None, None).unwrap_err();
    assert!(!err.to_string().contains(" a a "), "{err}");
    let err = ticket_rules::Error::InvalidType {
        field: "previous".into(),
        expected: "a ticket (an object)",
        found: "array",
    };
    assert_eq!(
        err.to_string(),
        "field `previous` must be a ticket (an object), not an array"
    );
    let err = ticket_rules::Error::InvalidType {
        field: "impact".into(),
        expected: "string",
        found: "object",
    };
    assert_eq!(
        err.to_string(),
        "field `impact` must be a string, not an object"
    );
}

/// The JSON Schema's `if` for a condition on the impact names every
/// spelling of the level, as validate matches them (it named only the
/// value written, so a schema check took a ticket validate refused).
#[test]
fn the_json_schema_if_names_every_spelling_of_a_level() {
    let source = default_forms().replace(
        r#"required_when: #{ impact_level: "Critical" }"#,
        r#"required_when: #{ impact: "Critical" }"#,
    );
    let e = with_forms(&source).unwrap();
    let s = e.json_schema("incident").unwrap();
    assert_eq!(
        s["allOf"][0]["if"]["properties"]["impact"]["enum"],
        json!(["Critical", "Entire University affected"])
    );
}

/// A form function's answer is checked as an escalation condition's is:
/// a condition that answers `"yes"` (taken as false) or a rule that
/// answers text or a list of strings (errors on no field) is PACK_INVALID
/// at the function.
#[test]
fn form_functions_answer_in_their_shape() {
    for (body, says) in [
        (
            r#"fn cond(t) { "yes" }"#,
            "condition cond of t must return true or false, not a string",
        ),
        (
            r#"fn cond(t) { 1 }"#,
            "must return true or false, not a number",
        ),
        (
            r#"fn rule(t) { "bad" }"#,
            "rule rule of t must return a list of #{ field, code, message }, not a string",
        ),
        (
            r#"fn rule(t) { ["summary is bad"] }"#,
            "item 0 must be #{ field, code, message }, not a string",
        ),
        (
            r#"fn rule(t) { [#{ field: 3, code: "X" }] }"#,
            "item 0 must be #{ field, code, message }, its field must be text",
        ),
    ] {
        let uses = if body.contains("cond") {
            r#"#{ name: "b", kind: "text", required_when: "cond" }"#
        } else {
            r#"#{ name: "b", kind: "text" }"#
        };
        let rules = if body.contains("rule(") {
            r#", rules: ["rule"]"#
        } else {
            ""
        };
        let source = format!(
            "{body}\nticket_type(\"t\", #{{ fields: [#{{ name: \"a\", kind: \"text\" }}, {uses}]{rules} }});"
        );
        let e = with_forms(&source).unwrap();
        let err = e
            .validate(&json!({ "type": "t", "a": "x" }), None, None)
            .unwrap_err();
        assert_eq!(err.code(), "PACK_INVALID", "{body}: {err}");
        assert!(err.to_string().contains(says), "{body}: {err}");
        let span = err.span().unwrap();
        assert_eq!(
            (span.file.as_str(), span.line),
            ("forms.rhai", 1),
            "{body}: {err}"
        );
    }
    // The shapes a rule may answer in.
    for ok in [
        r#"()"#,
        "[]",
        r#"#{ field: "a", code: "X" }"#,
        r#"[#{ field: "a", code: "X", message: "m" }]"#,
    ] {
        let source = format!(
            "fn rule(t) {{ {ok} }}\nticket_type(\"t\", #{{ fields: [#{{ name: \"a\", kind: \"text\" }}], rules: [\"rule\"] }});"
        );
        let e = with_forms(&source).unwrap();
        assert!(
            e.validate(&json!({ "type": "t", "a": "x" }), None, None)
                .is_ok(),
            "{ok}"
        );
    }
}

#[test]
fn a_declared_object_is_closed_as_the_ticket_is() {
    // `contact` is declared by its fields (`contact.name`, `.email`,
    // `.phone`): another key under it is unknown, at its dotted path.
    let t = json!({
        "type": "incident", "summary": "x", "impact": "Single Individual",
        "urgency": "Work Impaired", "service": "Email",
        "contact": { "name": "Pat Doe", "foo": 1, "nested": { "deep": "x" } },
        "extra": 2,
        "openedAt": "2026-03-16T14:00:00Z",
    });
    let r = engine().validate(&t, None, None).unwrap();
    let unknown: Vec<&str> = r
        .errors
        .iter()
        .filter(|e| e.code == "UNKNOWN_FIELD")
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(unknown, ["contact.foo", "contact.nested", "extra"]);
    let foo = r.errors.iter().find(|e| e.field == "contact.foo").unwrap();
    assert_eq!(foo.params["type"], "incident");
    // "drop" removes them; "keep" keeps them.
    let forms = default_forms();
    let drop =
        with_forms(&forms.replace(r#"unknown_fields("reject");"#, r#"unknown_fields("drop");"#))
            .unwrap();
    let r = drop.validate(&t, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(
        r.ticket["contact"],
        json!({ "name": "Pat Doe", "email": "pat@example.edu", "phone": "7035551234" })
    );
    assert!(r.ticket.get("extra").is_none());
    assert_eq!(r.ticket["openedAt"], "2026-03-16T14:00:00Z");
    let keep =
        with_forms(&forms.replace(r#"unknown_fields("reject");"#, r#"unknown_fields("keep");"#))
            .unwrap();
    let r = keep.validate(&t, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["contact"]["nested"], json!({ "deep": "x" }));
    // The JSON Schema says the same.
    let s = engine().json_schema("incident").unwrap();
    assert_eq!(s["properties"]["contact"]["additionalProperties"], false);
    let s = keep.json_schema("incident").unwrap();
    assert!(s["properties"]["contact"]
        .get("additionalProperties")
        .is_none());
}

#[test]
fn a_ticket_validated_as_a_type_comes_back_as_that_type() {
    let e = engine();
    let t = json!({
        "type": "incident", "status": "In Process",
        "summary": "File shares down", "description": "No one can open a share since 9:00.",
        "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
        "service": "File shares", "startedAt": "2026-03-16T14:00:00Z", "component": "filer-2",
    });
    let r = e.validate(&t, Some("outage"), None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["type"], "outage");
    // What comes back validates again as what it says it is.
    let again = e.validate(&r.ticket, None, None).unwrap();
    assert!(again.valid, "{:?}", again.errors);
    // Without a type of its own, likewise.
    let mut untyped = t.clone();
    untyped.as_object_mut().unwrap().remove("type");
    let r = e.validate(&untyped, Some("Outage"), None).unwrap();
    assert_eq!(r.ticket["type"], "outage");

    // With a role and the previous ticket the type is the host's: judged
    // as another, the change is refused and the host's type stands.
    let previous = json!({
        "type": "incident", "status": "In Process", "summary": "VPN down",
        "impact": "Single Department affected", "urgency": "Work Impaired", "service": "VPN",
        "contact": { "name": "Pat Doe" },
    });
    let who = ticket_rules::Requester {
        role: Some("dispatcher"),
        previous: Some(&previous),
    };
    let r = e
        .validate_as(&previous, Some("problem"), None, who)
        .unwrap();
    assert!(!r.valid);
    let refused = r.errors.iter().find(|e| e.field == "type").unwrap();
    assert_eq!(refused.code, "READ_ONLY");
    assert_eq!(r.ticket["type"], "incident");
    // Its own type named is no change.
    let r = e
        .validate_as(&previous, Some("incident"), None, who)
        .unwrap();
    assert!(r.valid, "{:?}", r.errors);
    // On a new ticket the sender gives the type: the one named stands.
    let who = ticket_rules::Requester {
        role: Some("customer"),
        previous: None,
    };
    let r = e.validate_as(&t, Some("outage"), None, who).unwrap();
    assert_eq!(r.ticket["type"], "outage");
}

/// A resolved outage, valid, without children.
fn resolved_outage() -> Value {
    json!({
        "type": "outage", "status": "Resolved", "resolution": "Replaced the switch",
        "summary": "File shares down", "description": "No one can open a share since 9:00.",
        "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
        "service": "File shares", "startedAt": "2026-03-16T14:00:00Z", "component": "filer-2",
    })
}

#[test]
fn validate_reads_the_children_as_transition_does() {
    let e = engine();
    let outage = resolved_outage();
    let r = e.validate(&outage, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    // Each shape transition refuses when the parent closes is an error of
    // the record, at the path transition names.
    for (children, field, code) in [
        (json!("TT-1043"), "children", "WRONG_TYPE"),
        (json!(["TT-1043"]), "children[0]", "WRONG_TYPE"),
        (json!([null]), "children[0]", "WRONG_TYPE"),
        (
            json!([{ "id": "TT-1043" }]),
            "children[0].status",
            "REQUIRED",
        ),
        (
            json!([{ "id": "TT-1043", "status": "Bogus" }]),
            "children[0].status",
            "NOT_IN_MENU",
        ),
    ] {
        let mut t = outage.clone();
        t["children"] = children.clone();
        assert!(e.transition(&t, "Closed", None).is_err(), "{children}");
        let r = e.validate(&t, None, None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [(field.to_string(), code.to_string())],
            "{children}"
        );
    }
    // A closed outage with a child still open is what transition refuses.
    let mut t = outage.clone();
    t["status"] = json!("Closed");
    t["children"] =
        json!([{ "id": "TT-1043", "status": "New" }, { "id": "TT-1044", "status": "Closed" }]);
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(
        codes(&r.errors),
        [("children".to_string(), "CHILDREN_OPEN".to_string())]
    );
    assert_eq!(r.errors[0].params["open"], json!(["TT-1043"]));
    // Open children of an open parent, or of a closed incident (no
    // children rule), are no error.
    t["status"] = json!("Resolved");
    assert!(e.validate(&t, None, None).unwrap().valid);
    let mut incident = good_incident();
    incident["status"] = json!("Closed");
    incident["resolution"] = json!("Fixed");
    incident["children"] = json!([{ "id": "x", "status": "New" }]);
    let r = e.validate(&incident, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
}

#[test]
fn validate_lists_every_bad_child_and_transition_refuses_each() {
    let e = engine();
    let outage = resolved_outage();
    // Every child's problem at once, each at its path (only the first was
    // reported).
    let mut t = outage.clone();
    t["children"] = json!([{ "status": "Bogus" }, "TT-2", { "id": "TT-3" }, { "status": 7 }]);
    let r = e.validate(&t, None, None).unwrap();
    let want = [
        ("children[0].status", "NOT_IN_MENU"),
        ("children[1]", "WRONG_TYPE"),
        ("children[2].status", "REQUIRED"),
        ("children[3].status", "WRONG_TYPE"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect();
    assert_eq!(codes(&r.errors), want);
    assert!(e.transition(&t, "Closed", None).is_err());
    // A child's id is what the ticket's own may be: text or a whole number
    // (an object or a fraction was taken).
    for id in [json!({ "x": 1 }), json!(4.5), json!(true), json!(["TT-2"])] {
        let mut t = outage.clone();
        t["children"] =
            json!([{ "id": "TT-2", "status": "Closed" }, { "id": id, "status": "Closed" }]);
        let r = e.validate(&t, None, None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [("children[1].id".to_string(), "WRONG_TYPE".to_string())],
            "{id}"
        );
        assert_eq!(r.errors[0].params["expected"], "text or a whole number");
        let mut own = outage.clone();
        own["id"] = id.clone();
        let r = e.validate(&own, None, None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [("id".to_string(), "WRONG_TYPE".to_string())]
        );
        // transition does not close over what validate refuses.
        assert!(e.transition(&t, "Closed", None).is_err(), "{id}");
        assert!(e
            .transition(&outage, "Closed", Some(&t["children"]))
            .is_err());
    }
    // Both of one child's problems; ids that are text, whole numbers or
    // null stand.
    t["children"] = json!([{ "id": 4.5, "status": "Bogus" }]);
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(
        codes(&r.errors),
        [
            ("children[0].id".to_string(), "WRONG_TYPE".to_string()),
            ("children[0].status".to_string(), "NOT_IN_MENU".to_string())
        ]
    );
    t["children"] = json!([{ "id": "TT-2", "status": "Closed" }, { "id": 42, "status": "Closed" },
                           { "id": null, "status": "Closed" }]);
    assert!(e.validate(&t, None, None).unwrap().valid);
    assert!(e.transition(&t, "Closed", None).unwrap().allowed);
}

#[test]
fn a_type_names_its_statuses_as_the_policy_spells_them() {
    // Statuses match in any case and with spaces around; a pack that
    // writes them another way gets its answers in the policy's spelling
    // (`formSchema` said "in process" where `sla` says "In Process").
    let edits = [
        (
            r#""In Process":         ["Wait Customer", "Wait Vendor", "Resolved"],"#,
            r#"" in process ": ["wait customer", "Wait Vendor", "resolved"],"#,
        ),
        (
            r#"required_at: #{ "Resolved": ["resolution"] },"#,
            r#"required_at: #{ "RESOLVED": ["resolution"] },"#,
        ),
        (
            r#"label: "Incident","#,
            r#"label: "Incident", initial: "in process","#,
        ),
        (
            r#""customer": ["Resolved", "Closed", "Customer Responded"]"#,
            r#""customer": ["resolved", "Closed", "customer responded"]"#,
        ),
    ];
    let (_, forms) = ticket_rules::DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == "forms.rhai")
        .unwrap();
    let mut forms = forms.to_string();
    for (from, to) in edits {
        assert!(forms.contains(from), "{from}");
        forms = forms.replace(from, to);
    }
    let sources = common::default_pack_with("forms.rhai", &forms);
    let from_source = RuleEngine::from_sources(sources.clone()).unwrap();
    let compiled = RuleEngine::compile_sources(sources).unwrap();
    let from_compiled = RuleEngine::from_compiled(&compiled).unwrap();
    for e in [&from_source, &from_compiled] {
        let s = e.form_schema("incident").unwrap();
        assert_eq!(s["initial"], "In Process");
        assert_eq!(
            s["transitions"]["In Process"],
            json!(["Wait Customer", "Wait Vendor", "Resolved"]),
            "{}",
            s["transitions"]
        );
        assert!(s["transitions"].get(" in process ").is_none());
        assert_eq!(s["requiredAt"], json!({ "Resolved": ["resolution"] }));
        let resolution = s["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "resolution")
            .unwrap();
        assert_eq!(
            resolution["access"]["read"]["customer"],
            json!(["Resolved", "Closed", "Customer Responded"])
        );
        // transition's `from` (a new ticket is at its type's initial
        // status) and its allowed moves are the policy's spelling too.
        let mut t = good_incident();
        t["openedAt"] = json!("2026-03-16T14:00:00Z");
        let r = e.transition(&t, "closed", None).unwrap();
        assert_eq!((r.from.as_str(), r.to.as_str()), ("In Process", "Closed"));
        assert_eq!(
            r.errors[0].params["allowed"],
            json!(["Wait Customer", "Wait Vendor", "Resolved"])
        );
        let r = e.transition(&t, "resolved", None).unwrap();
        assert_eq!(
            codes(&r.errors),
            [("resolution".to_string(), "REQUIRED".to_string())]
        );
        assert_eq!(r.errors[0].params["status"], "Resolved");
    }
    assert_eq!(
        from_source.form_schema("incident").unwrap(),
        from_compiled.form_schema("incident").unwrap()
    );
}

#[test]
fn transition_and_redact_read_the_status_the_history_gives() {
    let e = engine();
    let mut t = good_incident();
    t["resolution"] = json!("Restarted the file server");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    t["history"] = json!([
        { "at": "2026-03-16T14:10:00Z", "status": "In Process" },
        { "at": "2026-03-16T15:00:00Z", "status": "Resolved" },
    ]);
    // No top-level status: the history's last is where the ticket is.
    let r = e.transition(&t, "Closed", None).unwrap();
    assert!(r.allowed, "{:?}", r.errors);
    assert_eq!(r.from, "Resolved");
    let r = e.transition(&t, "Wait Vendor", None).unwrap();
    assert!(!r.allowed);
    assert_eq!(r.errors[0].code, "NOT_ALLOWED");
    // A customer reads the resolution of a resolved ticket.
    let shown = e.redact(&t, "customer").unwrap();
    assert_eq!(shown["resolution"], t["resolution"]);
    // A top-level status that contradicts the history is refused as the
    // clocks refuse it.
    t["status"] = json!("New");
    let now = ticket_rules::time::parse_instant("2026-03-16T16:00:00Z", "now").unwrap();
    let sla = e.sla(&t, now).unwrap_err();
    assert_eq!(sla.code(), "INVALID_HISTORY");
    for err in [
        e.transition(&t, "Wait Vendor", None).unwrap_err(),
        e.redact(&t, "customer").unwrap_err(),
    ] {
        assert_eq!(
            (err.code(), err.field()),
            ("INVALID_HISTORY", Some("status"))
        );
        assert_eq!(err.to_string(), sla.to_string());
    }
    // Agreeing (in any spelling), it stands.
    t["status"] = json!("resolved");
    assert!(e.transition(&t, "Closed", None).unwrap().allowed);
}

#[test]
fn every_call_reads_one_status_from_a_record() {
    let e = engine();
    let now = ticket_rules::time::parse_instant("2026-03-20T12:00:00Z", "now").unwrap();
    let mut t = good_incident();
    t["id"] = json!("TT-1");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    t["resolution"] = json!("Replaced toner");
    // Resolved by its own word, with no history to say when: the clocks
    // cannot run it (they read New, breached), so no call takes it.
    t["status"] = json!("Resolved");
    let code = |r: Result<(), ticket_rules::Error>| r.unwrap_err().code();
    assert_eq!(code(e.sla(&t, now).map(drop)), "INVALID_HISTORY");
    assert_eq!(
        code(e.escalations(&t, now, &[]).map(drop)),
        "INVALID_HISTORY"
    );
    assert_eq!(
        code(e.transition(&t, "Closed", None).map(drop)),
        "INVALID_HISTORY"
    );
    assert_eq!(code(e.redact(&t, "customer").map(drop)), "INVALID_HISTORY");
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(
        codes(&r.errors),
        [("status".into(), "INVALID_HISTORY".into())]
    );
    // A history the clocks refuse is refused by transition and redact too
    // (they took its last status in list order: Resolved, shown to the
    // customer, although by time the ticket is In Process).
    let events = [
        json!([{ "at": "2026-03-17T10:00:00Z", "status": "Resolved" },
               { "at": "2026-03-16T15:00:00Z", "status": "In Process" }]),
        json!([{ "at": "2026-03-10T10:00:00Z", "status": "Resolved" }]),
        json!([{ "status": "Resolved" }]),
        json!([{ "at": "yesterday", "status": "Resolved" }]),
    ];
    for history in events {
        t["history"] = history.clone();
        let sla = e.sla(&t, now).unwrap_err().code();
        assert_eq!(
            code(e.transition(&t, "Closed", None).map(drop)),
            sla,
            "{history}"
        );
        assert_eq!(code(e.redact(&t, "customer").map(drop)), sla, "{history}");
        assert!(!e.validate(&t, None, None).unwrap().valid, "{history}");
    }
    // A form's ticket (no record yet) is where its status says, as before.
    let mut form = good_incident();
    form["status"] = json!("In Process");
    assert!(form.get("openedAt").is_none());
    assert_eq!(
        e.transition(&form, "Wait Customer", None).unwrap().from,
        "In Process"
    );
    // A null or blank status is none given, for validate as for the rest.
    for none in [json!(null), json!(""), json!("  ")] {
        t["status"] = none.clone();
        t["history"] = json!([]);
        let r = e.validate(&t, None, None).unwrap();
        assert!(
            r.errors.iter().all(|x| x.field != "status"),
            "{none}: {:?}",
            r.errors
        );
        assert_eq!(e.transition(&t, "In Process", None).unwrap().from, "New");
    }
}

#[test]
fn a_status_requires_its_fields_while_the_ticket_is_there_and_a_move_is_judged_as_a_save() {
    let e = engine();
    // Resolved with no resolution summary: what the move there required is
    // required while there (it was valid, and could close so).
    let mut t = good_incident();
    t["id"] = json!("TT-1");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    t["history"] = json!([{ "at": "2026-03-16T15:00:00Z", "status": "Resolved" }]);
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(codes(&r.errors), [("resolution".into(), "REQUIRED".into())]);
    assert!(r.required.iter().any(|f| f == "resolution"));
    t["resolution"] = json!("Replaced toner");
    assert!(e.validate(&t, None, None).unwrap().valid);
    // Back in process (the customer said it is not fixed): not required.
    t["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-16T16:00:00Z", "status": "Customer Responded" }));
    t["resolution"] = json!(null);
    assert!(e.validate(&t, None, None).unwrap().valid);

    // A problem whose root cause only repeats its workaround is not
    // resolved with it: the field the move requires is judged as a save
    // judges it (transition said allowed, then it could close).
    let problem = json!({ "type": "problem", "summary": "Mail bounces", "impact": "Single Department affected",
                          "urgency": "Work Impaired", "service": "Email", "contact": { "name": "Pat Doe" },
                          "status": "In Process", "workaround": "Use webmail", "rootCause": "use webmail ",
                          "resolution": "Nothing" });
    let r = e.transition(&problem, "Resolved", None).unwrap();
    assert_eq!(
        (r.allowed, codes(&r.errors)),
        (
            false,
            vec![("rootCause".into(), "SAME_AS_WORKAROUND".into())]
        )
    );
    // What was wrong already, on a field the move does not need, is not
    // the move's to refuse.
    let mut long = problem.clone();
    long["rootCause"] = json!("A full mailbox on the relay");
    long["component"] = json!("x".repeat(81));
    assert!(e.transition(&long, "Resolved", None).unwrap().allowed);
    assert!(!e.validate(&long, None, None).unwrap().valid);
}

#[test]
fn a_rule_on_status_reads_the_record_and_holds_a_move() {
    let chain = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/rfc1297-chain/forms.rhai"
    ))
    .unwrap();
    let e = with_forms(&chain).unwrap();
    let mut trouble = json!({ "type": "trouble", "summary": "Line down", "site": "fairfax",
                              "id": "TR-1", "impact": "Single Building affected", "urgency": "Work Impaired",
                              "openedAt": "2026-03-16T14:00:00Z",
                              "history": [{ "at": "2026-03-16T15:00:00Z", "status": "Wait Vendor" }] });
    // Waiting by its history (no top-level status): the alarm is needed.
    let r = e.validate(&trouble, None, None).unwrap();
    assert!(
        codes(&r.errors).contains(&("alarmAt".into(), "ALARM_NEEDED".into())),
        "{:?}",
        r.errors
    );
    // The move into a wait needs it too.
    trouble["history"] = json!([{ "at": "2026-03-16T15:00:00Z", "status": "In Process" }]);
    let r = e.transition(&trouble, "Wait Vendor", None).unwrap();
    assert!(
        codes(&r.errors).contains(&("alarmAt".into(), "ALARM_NEEDED".into())),
        "{:?}",
        r.errors
    );
    trouble["alarmAt"] = json!("2026-03-17T09:00:00Z");
    assert!(e.transition(&trouble, "Wait Vendor", None).unwrap().allowed);
}
