//! Per-field permissions by role (issue 9): the default pack's role × field
//! × action table, checked three ways — the form schema's modes, what
//! `validate_as` refuses, and what `redact` removes — plus the crafted
//! request a form would not have allowed, and the pack's own checks.

mod common;

use serde_json::{json, Value};
use ticket_rules::{Requester, RuleEngine};

const ROLES: [&str; 4] = ["customer", "technician", "dispatcher", "incident manager"];

/// (field, a value to set it to, role → [read at In Process, read when
/// Resolved, create, change at In Process]).
type Row = (&'static str, Value, [[bool; 4]; 4]);

/// The default pack's policy for the incident form, written out by hand
/// from `rules/forms.rhai`. Roles in `ROLES` order.
fn table() -> Vec<Row> {
    const ALL: [bool; 4] = [true; 4];
    const STAFF_ONLY: [bool; 4] = [false, true, true, true];
    const NONE: [bool; 4] = [false; 4];
    let by_role = |read: [bool; 4], resolved: [bool; 4], create: [bool; 4], change: [bool; 4]| {
        let mut out = [[false; 4]; 4];
        for (r, row) in out.iter_mut().enumerate() {
            *row = [read[r], resolved[r], create[r], change[r]];
        }
        out
    };
    vec![
        (
            "summary",
            json!("The VPN drops every ten minutes"),
            by_role(ALL, ALL, ALL, ALL),
        ),
        (
            "impact",
            json!("Multiple Buildings affected"),
            by_role(ALL, ALL, ALL, STAFF_ONLY),
        ),
        (
            "urgency",
            json!("Work Stopped - Workaround available"),
            by_role(ALL, ALL, ALL, STAFF_ONLY),
        ),
        (
            "priority",
            json!("1 - Critical"),
            by_role(ALL, ALL, NONE, NONE),
        ),
        (
            "resolution",
            json!("Replaced the VPN concentrator"),
            by_role(STAFF_ONLY, ALL, STAFF_ONLY, STAFF_ONLY),
        ),
    ]
}

fn base(status: &str) -> Value {
    json!({
        "type": "incident", "status": status,
        "summary": "VPN down for the finance office",
        "description": "Since 9:00 nobody in Finance can connect to the VPN from home.",
        "impact": "Single Department affected", "urgency": "Work Impaired", "service": "VPN",
        "contact": { "name": "Pat Doe" },
    })
}

fn error_on<'a>(r: &'a ticket_rules::form::ValidationResult, field: &str) -> Option<&'a str> {
    r.errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.code.as_str())
}

#[test]
fn the_default_packs_role_field_action_table() {
    let e = RuleEngine::embedded().unwrap();
    for (field, value, rows) in table() {
        for (role, [read, read_resolved, create, change]) in ROLES.iter().zip(rows) {
            let what = format!("{role} × {field}");

            // Read: redact keeps or removes it.
            for (status, may) in [("In Process", read), ("Resolved", read_resolved)] {
                let mut t = base(status);
                t[field] = value.clone();
                let shown = e.redact(&t, role).unwrap().get(field).is_some();
                assert_eq!(shown, may, "{what}: read at {status}");
            }

            // Create: the value is taken, or refused with a code.
            let mut new = base("New");
            new[field] = value.clone();
            let r = e
                .validate_as(
                    &new,
                    None,
                    None,
                    Requester {
                        role: Some(role),
                        previous: None,
                    },
                )
                .unwrap();
            let code = error_on(&r, field);
            if field == "priority" {
                // The matrix's, whatever was sent: replaced, not refused
                // (a form sent back as it was shown has an earlier one).
                assert_eq!(code, None, "{what}: create");
                assert_eq!(r.ticket[field], "Standard", "{what}: the matrix's priority");
            } else if create {
                assert!(
                    !matches!(code, Some("READ_ONLY" | "FORBIDDEN")),
                    "{what}: create {code:?}"
                );
            } else {
                let want = if read { "READ_ONLY" } else { "FORBIDDEN" };
                assert_eq!(code, Some(want), "{what}: create");
                assert!(!r.valid);
            }

            // Change, on a ticket In Process.
            let before = base("In Process");
            let mut after = before.clone();
            after[field] = value.clone();
            let who = Requester {
                role: Some(role),
                previous: Some(&before),
            };
            let r = e.validate_as(&after, None, None, who).unwrap();
            let code = error_on(&r, field);
            if field == "priority" {
                assert_eq!(code, None, "{what}: change");
                assert_eq!(r.ticket[field], "Standard", "{what}: the matrix's priority");
            } else if change {
                assert!(
                    !matches!(code, Some("READ_ONLY" | "FORBIDDEN")),
                    "{what}: change {code:?}"
                );
            } else {
                let want = if read { "READ_ONLY" } else { "FORBIDDEN" };
                assert_eq!(code, Some(want), "{what}: change");
                // The refused value is not in the answer.
                assert_ne!(
                    r.ticket.get(field),
                    Some(&value),
                    "{what}: refused value kept"
                );
                if let Some(b) = before.get(field) {
                    assert_eq!(r.ticket.get(field), Some(b), "{what}: previous value back");
                }
            }

            // The form the portal draws says the same.
            let schema = e
                .form_schema_for("incident", Some(role), Some("In Process"))
                .unwrap();
            let mode = schema["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == field)
                .unwrap()["mode"]
                .clone();
            let want = if change {
                "editable"
            } else if read {
                "readonly"
            } else {
                "hidden"
            };
            assert_eq!(mode, want, "{what}: form mode when changing");
            let schema = e.form_schema_for("incident", Some(role), None).unwrap();
            assert_eq!(schema["status"], "New");
            let mode = schema["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == field)
                .unwrap()["mode"]
                .clone();
            let read_new = read; // no field's read grant differs between New and In Process
            let want = if create {
                "editable"
            } else if read_new {
                "readonly"
            } else {
                "hidden"
            };
            assert_eq!(mode, want, "{what}: form mode when creating");
        }
    }
}

/// The crafted request: a customer re-rates an open ticket to raise its
/// priority, and sends a priority of their own. The re-rating is refused,
/// the priority replaced by the matrix's, and the ticket that comes back
/// keeps the service desk's values.
#[test]
fn a_customer_cannot_raise_a_priority() {
    let e = RuleEngine::embedded().unwrap();
    let before = e.validate(&base("In Process"), None, None).unwrap().ticket;
    assert_eq!(before["priority"], "Standard");
    let mut crafted = before.clone();
    crafted["impact"] = json!("Entire University affected");
    crafted["urgency"] = json!("Work Stopped - No workaround");
    crafted["priority"] = json!("1 - Critical");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&before),
    };
    let r = e.validate_as(&crafted, None, None, who).unwrap();
    assert!(!r.valid);
    let codes: Vec<(&str, &str)> = r
        .errors
        .iter()
        .map(|x| (x.field.as_str(), x.code.as_str()))
        .collect();
    for f in ["impact", "urgency"] {
        assert!(codes.contains(&(f, "READ_ONLY")), "{f}: {codes:?}");
    }
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert_eq!(r.ticket["impact"], before["impact"]);
    assert_eq!(r.ticket["urgency"], before["urgency"]);
    // The refused impact and urgency do not reach the priority.
    assert_eq!(r.ticket["priority"], "Standard");
    // The same change by a dispatcher goes through, priority recomputed.
    let who = Requester {
        role: Some("dispatcher"),
        previous: Some(&before),
    };
    let mut rerated = crafted.clone();
    rerated["contact"]["phone"] = json!("7035551234");
    let r = e.validate_as(&rerated, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    let top = e
        .priority_of("Critical", "Work Stopped - No workaround", None)
        .unwrap();
    assert_eq!(r.ticket["priority"], top.priority.as_str());
    assert_ne!(top.priority, "Standard");
    // Sending back the priority the engine gave is not a change.
    let mut same = before.clone();
    same["summary"] = json!("VPN down for finance, also at home");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&before),
    };
    assert!(e.validate_as(&same, None, None, who).unwrap().valid);
    // On a new ticket too: the portal sends the form it was shown.
    let shown = e.validate(&base("New"), None, None).unwrap().ticket;
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    assert!(e.validate_as(&shown, None, None, who).unwrap().valid);
}

/// What a server sends a customer leaves out the hidden field, in the
/// ticket and in its history; what the customer sends back is whole again.
#[test]
fn redacted_for_a_role_and_back() {
    let e = RuleEngine::embedded().unwrap();
    let mut t = base("In Process");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    t["resolution"] = json!("Draft: replaced the concentrator");
    t["history"] = json!([
        { "at": "2026-03-16T14:20:00Z", "status": "In Process" },
        { "at": "2026-03-16T15:00:00Z", "resolution": "first idea", "note": "kept" },
    ]);
    let sent = e.redact(&t, "customer").unwrap();
    assert!(sent.get("resolution").is_none());
    assert!(sent["history"][1].get("resolution").is_none());
    assert_eq!(sent["history"][1]["note"], "kept");
    assert_eq!(e.redact(&t, "technician").unwrap(), t);
    // The customer edits the description and sends the rest back.
    let mut back = sent.clone();
    back["description"] = json!("It also drops on campus Wi-Fi, since this morning.");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&t),
    };
    let r = e.validate_as(&back, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["resolution"], t["resolution"]);
    // Guessing at the hidden field is refused as FORBIDDEN.
    back["resolution"] = json!("Nothing was done");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&t),
    };
    let r = e.validate_as(&back, None, None, who).unwrap();
    assert_eq!(error_on(&r, "resolution"), Some("FORBIDDEN"));
    assert_eq!(r.ticket["resolution"], t["resolution"]);
}

#[test]
fn unknown_roles_and_bad_previous_are_errors() {
    let e = RuleEngine::embedded().unwrap();
    let who = Requester {
        role: Some("janitor"),
        previous: None,
    };
    let err = e.validate_as(&base("New"), None, None, who).unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_ROLE");
    assert_eq!(err.field(), Some("role"));
    assert_eq!(
        e.redact(&base("New"), "janitor").unwrap_err().code(),
        "UNKNOWN_ROLE"
    );
    assert_eq!(
        e.form_schema_for("incident", Some("janitor"), None)
            .unwrap_err()
            .code(),
        "UNKNOWN_ROLE"
    );
    // A status without a role changed nothing, silently.
    let err = e
        .form_schema_for("incident", None, Some("Resolved"))
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert!(err.to_string().contains("options.role"), "{err}");
    assert_eq!(
        e.form_schema_for("incident", Some("customer"), Some("Lost"))
            .unwrap_err()
            .code(),
        "UNKNOWN_STATUS"
    );
    let who = Requester {
        role: Some("customer"),
        previous: Some(&json!([1])),
    };
    let err = e.validate_as(&base("New"), None, None, who).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("INVALID_TYPE", Some("previous"))
    );
    // Without a role nothing changes: every field open, no modes.
    let schema = e.form_schema("incident").unwrap();
    let priority = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "priority")
        .unwrap();
    assert!(priority.get("mode").is_none());
    assert_eq!(priority["access"]["create"], json!({}));
    let resolution = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "resolution")
        .unwrap();
    assert_eq!(
        resolution["access"]["change"],
        json!({ "technician": "all", "dispatcher": "all", "incident manager": "all" })
    );
}

fn with_forms(source: &str) -> Result<RuleEngine, Vec<ticket_rules::Error>> {
    RuleEngine::load_sources(common::default_pack_with("forms.rhai", source))
}

#[test]
fn the_pack_checks_its_permissions() {
    let field = |access: &str| {
        format!(
            r#"user_roles(["agent", "guest"]);
ticket_type("t", #{{ fields: [ #{{ name: "x", kind: "text", access: {access} }} ] }});"#
        )
    };
    for (access, says) in [
        (
            r#"#{ read: ["agent", "boss"] }"#,
            "access names role \"boss\"",
        ),
        (
            r#"#{ change: #{ agent: ["Lost"] } }"#,
            "access names unknown status \"Lost\"",
        ),
        (r#"#{ write: "all" }"#, "`access` has no key \"write\""),
        (r#"#{ read: 3 }"#, "`access.read` is \"all\", \"none\""),
        (r#""all""#, "`access` is #{ read, create, change }"),
    ] {
        let errors = with_forms(&field(access)).err().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e.code() == "PACK_INVALID" && e.to_string().contains(says)),
            "{access}: {errors:?}"
        );
        let e = &errors[0];
        assert!(e.span().is_some_and(|s| s.file == "forms.rhai"), "{e:?}");
    }
    // A pack without user_roles naming one in access.
    let errors = with_forms(
        r#"ticket_type("t", #{ fields: [ #{ name: "x", access: #{ read: ["agent"] } } ] });"#,
    )
    .err()
    .unwrap_or_default();
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("not one of user_roles([])")),
        "{errors:?}"
    );
    // "none", and statuses.
    let e = with_forms(&field(
        r#"#{ read: #{ agent: "all", guest: ["Closed"] }, create: "none", change: ["agent"] }"#,
    ))
    .unwrap();
    let t = json!({ "type": "t", "status": "In Process", "x": "secret" });
    assert!(e.redact(&t, "guest").unwrap().get("x").is_none());
    let closed = json!({ "type": "t", "status": "Closed", "x": "secret" });
    assert_eq!(e.redact(&closed, "guest").unwrap()["x"], "secret");
    let who = Requester {
        role: Some("agent"),
        previous: None,
    };
    assert_eq!(
        error_on(&e.validate_as(&t, None, None, who).unwrap(), "x"),
        Some("READ_ONLY")
    );
}

#[test]
fn an_owned_ticket_is_validated_as_a_borrowed_one() {
    // `validate_owned` (the binding's path) moves the ticket into the
    // answer instead of copying it, unless a role or a previous ticket
    // needs it as sent: the answers are the same either way.
    let engine = RuleEngine::embedded().unwrap();
    let before = json!({ "type": "incident", "status": "In Process", "summary": "VPN down",
        "impact": "Single Department affected", "urgency": "Work Impaired", "service": "VPN",
        "contact": { "name": "Pat Doe" } });
    let mut tickets = common::sample_tickets();
    let mut changed = before.clone();
    changed["urgency"] = json!("Work Stopped - No workaround");
    changed.as_object_mut().unwrap().remove("summary");
    tickets.push(changed);
    let asks = [
        Requester::default(),
        Requester {
            role: Some("customer"),
            previous: None,
        },
        Requester {
            role: Some("customer"),
            previous: Some(&before),
        },
        Requester {
            role: None,
            previous: Some(&before),
        },
    ];
    let mut compared = 0;
    for t in &tickets {
        for who in asks {
            let borrowed = engine.validate_as(t, None, None, who);
            let owned = engine.validate_owned(t.clone(), None, None, who);
            assert_eq!(borrowed, owned, "{t}");
            compared += usize::from(borrowed.is_ok());
        }
    }
    assert!(compared > 50, "{compared}");
}

/// A customer severity off the urgency menu gave no priority, and the
/// sender's own priority stood in for it (`valid`, `Emergency`).
#[test]
fn a_bad_customer_severity_is_refused_and_sets_no_priority() {
    let e = RuleEngine::embedded().unwrap();
    for severity in [json!("bogus"), json!(5)] {
        let mut t = base("New");
        t["customerSeverity"] = severity.clone();
        t["priority"] = json!("Emergency");
        for role in [None, Some("customer")] {
            let who = Requester {
                role,
                previous: None,
            };
            let r = e.validate_as(&t, None, None, who).unwrap();
            assert!(!r.valid, "{severity} {role:?}");
            assert_eq!(error_on(&r, "customerSeverity"), Some("NOT_IN_MENU"));
            assert!(r.ticket.get("priority").is_none(), "{:?}", r.ticket);
        }
    }
    // One on the menu is the customer's to give on a new ticket, and only
    // staff change it later (as urgency).
    let mut t = base("New");
    t["customerSeverity"] = json!("Work Stopped - No workaround");
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    assert!(e.validate_as(&t, None, None, who).unwrap().valid);
    let before = base("In Process");
    let mut after = before.clone();
    after["customerSeverity"] = json!("Work Stopped - No workaround");
    for (role, code) in [("customer", Some("READ_ONLY")), ("technician", None)] {
        let who = Requester {
            role: Some(role),
            previous: Some(&before),
        };
        let r = e.validate_as(&after, None, None, who).unwrap();
        assert_eq!(error_on(&r, "customerSeverity"), code, "{role}");
    }
}

/// The ticket model's record (`openedAt`, `history`, `status`, …) is the
/// host's: a person's form cannot back-date a ticket to jump the queue,
/// and a record no clock can read is an error at its path.
#[test]
fn the_record_is_the_hosts_and_is_checked() {
    let e = RuleEngine::embedded().unwrap();
    let mut stored = base("In Process");
    stored["id"] = json!("TT-1");
    stored["openedAt"] = json!("2026-03-16T14:00:00Z");
    stored["history"] = json!([{ "at": "2026-03-16T14:20:00Z", "status": "In Process" }]);
    // A change that rewrites the record: each part refused, the stored one back.
    let mut sent = stored.clone();
    sent["openedAt"] = json!("2026-03-01T14:00:00Z");
    sent["history"] = json!([]);
    sent["status"] = json!("Resolved");
    sent["id"] = json!("TT-2");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    for f in ["openedAt", "history", "status", "id"] {
        assert_eq!(error_on(&r, f), Some("READ_ONLY"), "{f}: {:?}", r.errors);
        assert_eq!(r.ticket[f], stored[f], "{f}");
    }
    // Left out, or sent as it was: the stored record, no error.
    let mut sent = stored.clone();
    sent.as_object_mut().unwrap().remove("history");
    sent["summary"] = json!("VPN down for finance, also at home");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["history"], stored["history"]);
    // A new ticket: the type and its first status are the sender's, the
    // rest the host adds.
    let mut new = base("New");
    new["openedAt"] = json!("2026-03-01T14:00:00Z");
    new["history"] = json!([{ "at": "2026-03-01T14:00:00Z", "event": "responded" }]);
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    let r = e.validate_as(&new, None, None, who).unwrap();
    assert_eq!(error_on(&r, "openedAt"), Some("READ_ONLY"));
    assert_eq!(error_on(&r, "history"), Some("READ_ONLY"));
    assert!(r.ticket.get("openedAt").is_none() && r.ticket.get("history").is_none());
    let mut new = base("Resolved");
    new["type"] = json!("Incident");
    let r = e.validate_as(&new, None, None, who).unwrap();
    assert_eq!(error_on(&r, "status"), Some("READ_ONLY"));
    assert_eq!(error_on(&r, "type"), None);
    // Without a role, the record is checked as the clocks read it.
    for (field, value, at, code) in [
        ("status", json!("Bogus"), "status", "NOT_IN_MENU"),
        (
            "openedAt",
            json!("yesterday"),
            "openedAt",
            "INVALID_DATE_TIME",
        ),
        ("history", json!("garbage"), "history", "WRONG_TYPE"),
        (
            "history",
            json!([{ "at": "2026-03-17T14:00:00Z" }, { "at": "2026-03-16T15:00:00Z" }]),
            "history[1].at",
            "INVALID_HISTORY",
        ),
        (
            "history",
            json!([{ "at": "noon" }]),
            "history[0].at",
            "INVALID_DATE_TIME",
        ),
        (
            "history",
            json!([{ "at": "2026-03-17T14:00:00Z", "status": "Gone" }]),
            "history[0].status",
            "NOT_IN_MENU",
        ),
        (
            "alarms",
            json!([{ "message": "x" }]),
            "alarms[0].at",
            "REQUIRED",
        ),
        ("id", json!(1.5), "id", "WRONG_TYPE"),
    ] {
        let mut t = stored.clone();
        t[field] = value.clone();
        let r = e.validate(&t, Some("incident"), None).unwrap();
        assert_eq!(
            error_on(&r, at),
            Some(code),
            "{field} = {value}: {:?}",
            r.errors
        );
        assert!(!r.valid);
    }
    // History given without openedAt: no clock can start.
    let mut t = stored.clone();
    t.as_object_mut().unwrap().remove("openedAt");
    let r = e.validate(&t, None, None).unwrap();
    assert_eq!(error_on(&r, "openedAt"), Some("REQUIRED"));
    assert!(e.validate(&stored, None, None).unwrap().valid);
}

/// An edit that names another contact gets that contact's details, not
/// the previous contact's; a form sent back with the priority it showed
/// before the urgency changed is not a change of the priority.
#[test]
fn fills_follow_what_the_change_gave() {
    let e = RuleEngine::embedded().unwrap();
    let stored = e.validate(&base("In Process"), None, None).unwrap().ticket;
    assert_eq!(stored["contact"]["email"], "pat@example.edu");
    let mut sent = stored.clone();
    sent["contact"] = json!({ "name": "Sam Rivera" });
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["contact"]["email"], "sam@example.edu");
    assert_eq!(r.ticket["contact"]["phone"], "7035559876");
    // The same edit leaving the contact out keeps Pat's.
    let mut sent = stored.clone();
    sent.as_object_mut().unwrap().remove("contact");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert_eq!(r.ticket["contact"]["email"], "pat@example.edu");
    // A new ticket re-sent as shown, after the urgency changed.
    let shown = e.validate(&base("New"), None, None).unwrap().ticket;
    let mut again = shown.clone();
    again["urgency"] = json!("Work Stopped - No workaround");
    again["description"] = json!("Nobody in Finance can work at all since nine.");
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    let r = e.validate_as(&again, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_ne!(r.ticket["priority"], shown["priority"]);
}

/// Review of the record checks: a type without impact and urgency (RFC
/// 1297's complaint) stores with an `openedAt`; a hook's failure is the
/// pack's error, not the history's; a status sent back in another case is
/// no change; a new form whose urgency is still empty gets REQUIRED for
/// it, and nothing for the priority it was shown.
#[test]
fn the_record_checks_say_only_what_is_wrong_with_the_record() {
    let chain = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/rfc1297-chain/forms.rhai"
    ))
    .unwrap();
    let e = RuleEngine::from_sources(common::default_pack_with("forms.rhai", &chain)).unwrap();
    let complaint = json!({ "type": "complaint", "contact": { "name": "Pat Doe" }, "site": "Fairfax",
        "summary": "No dial tone", "openedAt": "2026-03-16T14:00:00Z", "status": "New" });
    let r = e.validate(&complaint, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);

    let hook = "fn adjust_priority(t, r) { throw \"payroll lookup failed\"; }";
    let e = RuleEngine::from_sources(common::default_pack_with("h.rhai", hook)).unwrap();
    let mut t = base("New");
    t["openedAt"] = json!("2026-03-16T14:00:00Z");
    let err = e.validate(&t, None, None).unwrap_err();
    assert_eq!(err.code(), "RULE_RUNTIME", "{err}");

    let e = RuleEngine::embedded().unwrap();
    let mut stored = base("In Process");
    stored["openedAt"] = json!("2026-03-16T14:00:00Z");
    stored["history"] = json!([{ "at": "2026-03-16T14:20:00Z", "status": "In Process" }]);
    let mut sent = stored.clone();
    sent["status"] = json!("in process");
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["status"], "In Process");

    let shown = e.validate(&base("New"), None, None).unwrap().ticket;
    let mut again = shown.clone();
    again.as_object_mut().unwrap().remove("urgency");
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    let r = e.validate_as(&again, None, None, who).unwrap();
    let codes: Vec<(&str, &str)> = r
        .errors
        .iter()
        .map(|x| (x.field.as_str(), x.code.as_str()))
        .collect();
    assert_eq!(codes, [("urgency", "REQUIRED")]);
    assert!(r.ticket.get("priority").is_none());
}

/// The ticket model's `packVersion` (PackSet's stamp) is no unknown field,
/// and it is the host's; a change that leaves out `type` takes it from the
/// previous ticket, as every other field it leaves out.
#[test]
fn the_pack_version_and_a_left_out_type() {
    let e = RuleEngine::embedded().unwrap();
    let mut t = base("New");
    t["packVersion"] = json!("2026.12.1");
    let r = e.validate(&t, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    let who = Requester {
        role: Some("customer"),
        previous: None,
    };
    let r = e.validate_as(&t, None, None, who).unwrap();
    assert_eq!(
        r.errors
            .iter()
            .map(|x| (x.field.as_str(), x.code.as_str()))
            .collect::<Vec<_>>(),
        [("packVersion", "READ_ONLY")]
    );
    let stored = e.validate(&base("In Process"), None, None).unwrap().ticket;
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let r = e
        .validate_as(&json!({ "summary": "Mail still down" }), None, None, who)
        .unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["type"], "incident");
    assert_eq!(r.ticket["summary"], "Mail still down");
    // Without a role too: the answer a host stores has its type.
    let who = Requester {
        role: None,
        previous: Some(&stored),
    };
    let r = e
        .validate_as(&json!({ "summary": "Mail still down" }), None, None, who)
        .unwrap();
    assert_eq!(r.ticket["type"], "incident");
}

/// The record's instants are instants: what a host stored (a JavaScript
/// Date arrives with milliseconds, or an offset) and what a portal sends
/// back in `Z` are the same record, not a change.
#[test]
fn the_records_instants_compare_as_instants() {
    let e = RuleEngine::embedded().unwrap();
    let mut stored = base("In Process");
    stored["openedAt"] = json!("2026-03-16T14:00:00.000Z");
    stored["history"] = json!([{ "at": "2026-03-16T10:20:00-04:00", "status": "In Process" }]);
    stored["alarms"] = json!([{ "at": "2026-03-19T13:00:00.000Z", "message": "Call back" }]);
    let mut sent = stored.clone();
    sent["openedAt"] = json!("2026-03-16T14:00:00Z");
    sent["history"] = json!([{ "at": "2026-03-16T14:20:00Z", "status": "In Process" }]);
    sent["alarms"] = json!([{ "at": "2026-03-19T13:00:00Z", "message": "Call back" }]);
    for role in ROLES {
        let who = Requester {
            role: Some(role),
            previous: Some(&stored),
        };
        let r = e.validate_as(&sent, None, None, who).unwrap();
        assert!(r.valid, "{role}: {:?}", r.errors);
        // The host's record comes back as the host had it.
        for f in ["openedAt", "history", "alarms"] {
            assert_eq!(r.ticket[f], stored[f], "{role} {f}");
        }
    }
    // Another instant is still a change.
    sent["openedAt"] = json!("2026-03-16T13:59:59Z");
    sent["history"] = json!([{ "at": "2026-03-16T14:21:00Z", "status": "In Process" }]);
    let who = Requester {
        role: Some("dispatcher"),
        previous: Some(&stored),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert_eq!(error_on(&r, "openedAt"), Some("READ_ONLY"));
    assert_eq!(error_on(&r, "history"), Some("READ_ONLY"));
}

/// The ticket model keeps the rating a ticket opened with at the top and
/// each re-rating as a history event. After one, a change of the top-level
/// rating would move nothing (the priority is the history's impact with the
/// form's urgency) while it rewrote the opening one: it is refused, and the
/// filled priority is the rating the returned ticket has.
#[test]
fn after_a_re_rating_the_form_does_not_mix_ratings() {
    let e = RuleEngine::embedded().unwrap();
    let mut stored = base("In Process");
    stored["impact"] = json!("Single Building affected");
    stored["urgency"] = json!("Work Impaired");
    stored["openedAt"] = json!("2026-03-16T14:00:00Z");
    stored["history"] = json!([
        { "at": "2026-03-16T14:10:00Z", "status": "In Process" },
        { "at": "2026-03-16T15:00:00Z", "impact": "Entire University affected" },
    ]);
    let who = Requester {
        role: Some("dispatcher"),
        previous: Some(&stored),
    };
    let mut sent = stored.clone();
    sent["impact"] = json!("Single Individual");
    sent["urgency"] = json!("Work not Impaired");
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert!(!r.valid);
    assert_eq!(error_on(&r, "impact"), Some("INVALID_HISTORY"));
    assert_eq!(error_on(&r, "urgency"), Some("INVALID_HISTORY"));
    // The stored rating back, and the priority it has now.
    assert_eq!(r.ticket["impact"], stored["impact"]);
    assert_eq!(r.ticket["urgency"], stored["urgency"]);
    let now = e.priority(&stored).unwrap().priority;
    assert_eq!(r.ticket["priority"], json!(now));
    // Sent back as the rating it has now (the history's impact, the
    // opening urgency), or as it was: no change, no error.
    for impact in ["Entire University affected", "Single Building affected"] {
        let mut sent = stored.clone();
        sent["impact"] = json!(impact);
        let r = e.validate_as(&sent, None, None, who).unwrap();
        assert!(r.valid, "{impact}: {:?}", r.errors);
        assert_eq!(r.ticket["impact"], stored["impact"]);
        assert_eq!(r.ticket["priority"], json!(now));
    }
    // The host re-rates with an event: the priority follows it.
    let mut rerated = stored.clone();
    rerated["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-16T16:00:00Z", "impact": "Single Individual", "urgency": "Work not Impaired" }));
    let r = e.validate(&rerated, None, None).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["priority"], "Scheduled");
    // Without a re-rating in the history, the form's rating is the rating.
    let mut plain = stored.clone();
    plain["history"] = json!([{ "at": "2026-03-16T14:10:00Z", "status": "In Process" }]);
    let mut sent = plain.clone();
    sent["impact"] = json!("Single Individual");
    sent["urgency"] = json!("Work not Impaired");
    let who = Requester {
        role: Some("dispatcher"),
        previous: Some(&plain),
    };
    let r = e.validate_as(&sent, None, None, who).unwrap();
    assert!(r.valid, "{:?}", r.errors);
    assert_eq!(r.ticket["priority"], "Scheduled");
}

/// A customer's form sends back the rating it shows: in another spelling
/// of the same level, or the rating a re-rating in the history gave. Neither
/// is a change (both were `READ_ONLY`); another rating still is.
#[test]
fn a_rating_sent_back_as_shown_is_no_change() {
    let e = RuleEngine::embedded().unwrap();
    let mut stored = base("In Process");
    stored["id"] = json!("TT-9");
    stored["openedAt"] = json!("2026-03-16T14:00:00Z");
    stored["history"] = json!([
        { "at": "2026-03-16T15:00:00Z", "status": "In Process" },
        { "at": "2026-03-16T16:00:00Z", "urgency": "Work Stopped - No workaround" },
    ]);
    let who = Requester {
        role: Some("customer"),
        previous: Some(&stored),
    };
    let cases = [
        ("impact", json!("  single department AFFECTED ")),
        ("urgency", json!("work impaired")),
        ("urgency", json!("Work Stopped - No workaround")),
    ];
    for (field, value) in cases {
        let mut sent = stored.clone();
        sent[field] = value.clone();
        let r = e.validate_as(&sent, None, None, who).unwrap();
        assert!(r.valid, "{field} {value}: {:?}", r.errors);
        assert_eq!(
            r.ticket[field], stored[field],
            "{field} {value}: the stored spelling stands"
        );
    }
    let mut raised = stored.clone();
    raised["urgency"] = json!("Work not Impaired");
    let r = e.validate_as(&raised, None, None, who).unwrap();
    assert_eq!(error_on(&r, "urgency"), Some("READ_ONLY"));
    // Another description of the same impact level is another fact.
    let mut moved = stored.clone();
    moved["impact"] = json!("Single Building affected");
    let r = e.validate_as(&moved, None, None, who).unwrap();
    assert_eq!(error_on(&r, "impact"), Some("READ_ONLY"));
}
