//! Escalations on the default pack: levels, alarms, quiet hours, fired ids,
//! and a simulation that steps through a ticket's life minute by minute
//! and, separately, from wake-up to wake-up. Instants are worked out by
//! hand in the comments (business: Mon-Fri 08:00-17:00 New York, EDT =
//! UTC-4 from 2026-03-08).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use ticket_rules::escalation::EscalationReport;
use ticket_rules::sla::ClockState::{Breached, Met, Paused, Running};
use ticket_rules::time::{format_instant, parse_instant};
use ticket_rules::RuleEngine;

fn engine() -> RuleEngine {
    RuleEngine::embedded().unwrap()
}

fn at(s: &str) -> i64 {
    parse_instant(s, "now").unwrap()
}

fn ids(r: &EscalationReport) -> Vec<(&str, &str)> {
    r.due
        .iter()
        .map(|d| (d.id.as_str(), d.due_at.as_str()))
        .collect()
}

fn emergency() -> Value {
    json!({ "id": "TT-1", "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
            "service": "Campus network", "openedAt": "2026-03-16T14:00:00Z" })
}

#[test]
fn an_emergency_nobody_answers() {
    let e = engine();
    let t = emergency();
    // 14:05: nothing yet; next: half of the 15-minute Respond By at 14:07:30.
    let r = e.escalations(&t, at("2026-03-16T14:05:00Z"), &[]).unwrap();
    assert!(r.due.is_empty());
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T14:07:30Z"));
    let r = e.escalations(&t, at("2026-03-16T14:07:30Z"), &[]).unwrap();
    assert_eq!(
        ids(&r),
        [("TT-1/emergency-respond-half/0", "2026-03-16T14:07:30Z")]
    );
    let msg = serde_json::to_value(&r.due[0].actions).unwrap();
    assert_eq!(
        msg,
        json!([{ "kind": "notify", "audience": "role", "name": "Manager",
                 "message": "Emergency TT-1 (Campus network): nobody has responded; Respond By 2026-03-16T14:15:00Z" }])
    );
    // The breach is due once its instant has passed: a response logged at
    // 14:15:00 still meets the Respond By.
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T14:15:01Z"));
    let r = e.escalations(&t, at("2026-03-16T14:15:00Z"), &[]).unwrap();
    assert!(r.due.iter().all(|d| d.level != "respond-breach"));
    let r = e.escalations(&t, at("2026-03-16T14:15:01Z"), &[]).unwrap();
    assert!(r
        .due
        .iter()
        .any(|d| d.level == "respond-breach" && d.due_at == "2026-03-16T14:15:00Z"));
    // A host that calls late sees everything that passed, in order, once.
    let r = e.escalations(&t, at("2026-03-16T15:10:00Z"), &[]).unwrap();
    assert_eq!(
        ids(&r),
        [
            ("TT-1/emergency-respond-half/0", "2026-03-16T14:07:30Z"),
            ("TT-1/respond-breach/0", "2026-03-16T14:15:00Z"),
            ("TT-1/emergency-updates/1", "2026-03-16T14:30:00Z"),
            ("TT-1/emergency-updates/2", "2026-03-16T15:00:00Z"),
        ]
    );
    // Passing back what was carried out leaves nothing.
    let fired: Vec<String> = r.due.iter().map(|d| d.id.clone()).collect();
    let r = e
        .escalations(&t, at("2026-03-16T15:10:00Z"), &fired)
        .unwrap();
    assert!(r.due.is_empty());
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T15:30:00Z"));
    // The breach of the 4-hour Resolved By raises the priority (already the highest: stays).
    let r = e
        .escalations(&t, at("2026-03-16T18:00:01Z"), &fired)
        .unwrap();
    let breach = r.due.iter().find(|d| d.level == "resolve-breach").unwrap();
    assert_eq!(breach.due_at, "2026-03-16T18:00:00Z");
    let raise = serde_json::to_value(&breach.actions[1]).unwrap();
    assert_eq!(
        raise,
        json!({ "kind": "raisePriority", "steps": 1, "from": "Emergency", "to": "Emergency" })
    );
    // 75% of 4 h = 17:00Z = 13:00 EDT, open: no deferral.
    assert!(r
        .due
        .iter()
        .any(|d| d.id == "TT-1/resolve-75/0" && d.due_at == "2026-03-16T17:00:00Z"));
    // Two hours after the breach, an Emergency is reassigned.
    let r = e.escalations(&t, at("2026-03-16T20:00:00Z"), &[]).unwrap();
    let re = r
        .due
        .iter()
        .find(|d| d.level == "resolve-breach-reassign")
        .unwrap();
    assert_eq!(re.due_at, "2026-03-16T20:00:00Z");
    assert_eq!(
        serde_json::to_value(&re.actions[0]).unwrap(),
        json!({ "kind": "reassign", "group": "Escalation Team" })
    );
}

#[test]
fn responding_and_resolving_end_the_clock_levels() {
    let mut t = emergency();
    t["history"] = json!([
        { "at": "2026-03-16T14:05:00Z", "event": "responded", "status": "In Process" },
        { "at": "2026-03-16T14:50:00Z", "status": "Resolved" },
    ]);
    let r = engine()
        .escalations(&t, at("2026-03-17T00:00:00Z"), &[])
        .unwrap();
    // Responded before 7:30; resolved before the 2nd half-hour update.
    assert_eq!(
        ids(&r),
        [("TT-1/emergency-updates/1", "2026-03-16T14:30:00Z")]
    );
    assert_eq!(r.next_wake_up, None);
}

/// A Standard business-hours ticket's whole life (see the comments).
fn standard_life() -> Value {
    json!({
        "id": "TT-2", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-17T14:00:00Z", "status": "Wait Vendor" },
            { "at": "2026-03-23T18:00:00Z", "status": "In Process" },
            { "at": "2026-03-24T20:00:00Z", "status": "Resolved" },
        ],
        "alarms": [{ "at": "2026-03-19T13:00:00Z", "message": "Call the carrier back about circuit 7 ({id})" }],
    })
}

/// What the standard life must produce, worked out by hand:
/// - vendor-wait: 27 business hours from Tue 10:00 EDT = Fri 10:00 EDT (14:00Z),
///   then 9 business hours later = Mon 10:00 EDT (14:00Z); the wait ends Mon 14:00 EDT.
/// - alarm: Thu 13:00Z.
/// - resolve-75: 12 of 16 business hours: Mon 10-17 (7), Tue 8-10 (2), paused, Mon 23
///   14-17 (3) = Mon 17:00 EDT (21:00Z): closed, so deferred to Tue 08:00 EDT (12:00Z).
/// - resolve-breach: Tue 8-12 (4 more) = Tue 12:00 EDT (16:00Z), before the resolution.
fn standard_expected() -> BTreeMap<String, (String, String)> {
    [
        (
            "TT-2/alarm/2026-03-19T13:00:00Z#3e45948c",
            "2026-03-19T13:00:00Z",
            "2026-03-19T13:00:00Z",
        ),
        (
            "TT-2/vendor-wait/2026-03-17T14:00:00Z#0",
            "2026-03-20T14:00:00Z",
            "2026-03-20T14:00:00Z",
        ),
        (
            "TT-2/vendor-wait/2026-03-17T14:00:00Z#1",
            "2026-03-23T14:00:00Z",
            "2026-03-23T14:00:00Z",
        ),
        (
            "TT-2/resolve-75/0",
            "2026-03-24T12:00:00Z",
            "2026-03-23T21:00:00Z",
        ),
        (
            "TT-2/resolve-breach/0",
            "2026-03-24T16:00:00Z",
            "2026-03-24T16:00:00Z",
        ),
    ]
    .into_iter()
    .map(|(id, due, trig)| (id.to_string(), (due.to_string(), trig.to_string())))
    .collect()
}

#[test]
fn a_standard_tickets_life_by_hand() {
    let e = engine();
    let r = e
        .escalations(&standard_life(), at("2026-03-25T00:00:00Z"), &[])
        .unwrap();
    let got: BTreeMap<String, (String, String)> = r
        .due
        .iter()
        .map(|d| (d.id.clone(), (d.due_at.clone(), d.triggered_at.clone())))
        .collect();
    assert_eq!(got, standard_expected());
    // In the order they came due.
    let order: Vec<&str> = r.due.iter().map(|d| d.due_at.as_str()).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let alarm = r.due.iter().find(|d| d.level == "alarm").unwrap();
    assert_eq!(
        serde_json::to_value(&alarm.actions).unwrap(),
        json!([{ "kind": "notify", "audience": "assignee", "message": "Call the carrier back about circuit 7 (TT-2)" }])
    );
    let breach = r.due.iter().find(|d| d.level == "resolve-breach").unwrap();
    assert_eq!(
        serde_json::to_value(&breach.actions[1]).unwrap()["to"],
        "High"
    );
    assert_eq!(r.next_wake_up, None);
}

/// Steps `now` through the life minute by minute, and separately jumps
/// from wake-up to wake-up (and to each history event, as a host that is
/// told of every change would): both must see every escalation exactly
/// once, at the instant it came due.
#[test]
fn minute_by_minute_and_wake_up_to_wake_up_agree() {
    let e = engine();
    let t = standard_life();
    let start = at("2026-03-16T14:00:00Z");
    let end = at("2026-03-25T00:00:00Z");

    // Minute by minute: the first minute each id is due.
    let mut by_minute: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut fired: Vec<String> = Vec::new();
    let mut now = start;
    while now <= end {
        let r = e.escalations(&t, now, &fired).unwrap();
        for d in r.due {
            assert!(!by_minute.contains_key(&d.id), "{} returned twice", d.id);
            fired.push(d.id.clone());
            by_minute.insert(d.id, (d.due_at, now));
        }
        now += 60;
    }

    // Wake-up to wake-up.
    let events: Vec<i64> = t["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| at(h["at"].as_str().unwrap()))
        .collect();
    let mut by_wake: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut fired: Vec<String> = Vec::new();
    let mut now = start;
    let mut calls = 0;
    loop {
        calls += 1;
        let r = e.escalations(&t, now, &fired).unwrap();
        for d in r.due {
            assert!(!by_wake.contains_key(&d.id), "{} returned twice", d.id);
            fired.push(d.id.clone());
            by_wake.insert(d.id, (d.due_at, now));
        }
        let next_event = events.iter().copied().filter(|x| *x > now).min();
        let next_wake = r.next_wake_up.as_deref().map(at);
        match (next_wake, next_event) {
            (None, None) => break,
            (a, b) => now = a.into_iter().chain(b).min().unwrap(),
        }
        assert!(calls < 100, "too many wake-ups");
    }

    let expected = standard_expected();
    assert_eq!(
        by_minute.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        by_wake.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (id, (due, seen)) in &by_wake {
        assert_eq!(&expected[id].0, due);
        // Woken exactly when it came due, not late: a breach (the default
        // pack's levels at 100%) once its due instant has passed.
        let breach = id.contains("-breach/");
        assert_eq!(*seen, at(due) + i64::from(breach), "{id}");
        // Stepping by minutes sees it at the same instant (every due
        // instant here is on a minute), a breach at the next minute.
        let minute = at(due) + if breach { 60 } else { 0 };
        assert_eq!(by_minute[id], (due.clone(), minute), "{id}");
    }
    assert!(calls < 30, "{calls} calls for the whole life");
}

#[test]
fn a_pause_postpones_and_triage_rebases() {
    let e = engine();
    // Standard ticket: resolve-75 at 12 business hours. Opened Mon 10:00 EDT.
    let base = json!({ "id": "TT-3", "impact": "Single Building affected", "urgency": "Work Impaired",
                       "openedAt": "2026-03-16T14:00:00Z" });
    let plain = e
        .escalations(&base, at("2026-03-16T14:00:00Z"), &[])
        .unwrap();
    // Respond breach at 8 business hours: Mon 10-17 (7) + Tue 08-09 = Tue
    // 13:00Z, due once that instant has passed.
    assert_eq!(plain.next_wake_up.as_deref(), Some("2026-03-17T13:00:01Z"));
    let mut paused = base.clone();
    paused["history"] = json!([{ "at": "2026-03-16T15:00:00Z", "status": "Wait Customer" }]);
    let r = e
        .escalations(&paused, at("2026-03-16T16:00:00Z"), &[])
        .unwrap();
    // Paused: no clock level can come due until the ticket changes.
    assert_eq!(r.next_wake_up, None);
    paused["history"] = json!([
        { "at": "2026-03-16T15:00:00Z", "status": "Wait Customer" },
        { "at": "2026-03-17T13:00:00Z", "status": "In Process" },
    ]);
    let r = e
        .escalations(&paused, at("2026-03-17T13:00:00Z"), &[])
        .unwrap();
    // 1 h used before the pause; 7 more from Tue 09:00 EDT → Tue 16:00 EDT
    // (20:00Z), the breach due once that instant has passed.
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-17T20:00:01Z"));
    // Triage makes it High (24x7, 1 h / 8 h) at 11:00 EDT: respond has used
    // its whole 1 h → the breach, as of the re-rating, once it has passed.
    let mut raised = base.clone();
    raised["history"] =
        json!([{ "at": "2026-03-16T15:00:00Z", "impact": "Entire University affected" }]);
    let r = e
        .escalations(&raised, at("2026-03-16T15:00:00Z"), &[])
        .unwrap();
    assert_eq!(ids(&r), []);
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T15:00:01Z"));
    let r = e
        .escalations(&raised, at("2026-03-16T15:00:01Z"), &[])
        .unwrap();
    assert_eq!(ids(&r), [("TT-3/respond-breach/0", "2026-03-16T15:00:00Z")]);
}

#[test]
fn quiet_hours_wait_for_the_morning() {
    let e = engine();
    // Standard ticket opened Fri 2026-03-20 16:00 EDT (20:00Z). resolve-75 at 12 business
    // hours: Fri 16-17 (1), Mon 8-17 (9) → 10, Tue 8-10 → Tue 10:00 EDT: open, no deferral.
    let t = json!({ "id": "TT-4", "impact": "Single Building affected", "urgency": "Work Impaired",
                    "openedAt": "2026-03-20T20:00:00Z" });
    let r = e.escalations(&t, at("2026-03-24T15:00:00Z"), &[]).unwrap();
    let d = r.due.iter().find(|d| d.level == "resolve-75").unwrap();
    assert_eq!(
        (d.triggered_at.as_str(), d.due_at.as_str()),
        ("2026-03-24T14:00:00Z", "2026-03-24T14:00:00Z")
    );
}

#[test]
fn waiting_and_inactivity_repeat() {
    let e = engine();
    // In Process from Mon 2026-03-16 10:00 EDT and never touched again.
    let t = json!({ "id": "TT-5", "impact": "Single Individual", "urgency": "Work not Impaired",
                    "openedAt": "2026-03-16T14:00:00Z",
                    "history": [{ "at": "2026-03-16T14:00:00Z", "status": "In Process", "event": "responded" }] });
    let r = e.escalations(&t, at("2026-03-20T21:00:00Z"), &[]).unwrap();
    // 18 business hours: Mon 10-17 (7), Tue 8-17 (9) → 16, Wed 8-10 → Wed 10:00 EDT; then every 9 h:
    // Thu 10:00, Fri 10:00 EDT.
    let inactive: Vec<&str> = r
        .due
        .iter()
        .filter(|d| d.level == "inactive")
        .map(|d| d.due_at.as_str())
        .collect();
    assert_eq!(
        inactive,
        [
            "2026-03-18T14:00:00Z",
            "2026-03-19T14:00:00Z",
            "2026-03-20T14:00:00Z"
        ]
    );
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-23T14:00:00Z"));
}

fn with_file(name: &str, source: &str) -> Result<RuleEngine, ticket_rules::Error> {
    RuleEngine::from_sources(common::default_pack_with(name, source))
}

#[test]
fn conditions_in_rhai_and_fields_as_data() {
    let e = with_file(
        "zz-vip.rhai",
        r#"
fn is_vip(ticket) { ticket.contact?.vip == true }
escalation("vip-open", #{
    when: #{ clock: "respond", percent: 10 },
    applies: #{ fields: #{ service: ["Payroll", "Email"] } },
    condition: "is_vip",
    actions: [ notify_group("VIP Desk", "VIP {contact.name} is waiting on {id}"), set_flag("vip", "gold") ],
});
"#,
    )
    .unwrap();
    let mut t = json!({ "id": 99, "impact": "Single Individual", "urgency": "Work Impaired", "service": "Payroll",
                        "openedAt": "2026-03-16T14:00:00Z", "contact": { "name": "Pat Doe", "vip": true } });
    let now = at("2026-03-16T15:00:00Z");
    let r = e.escalations(&t, now, &[]).unwrap();
    let d = r.due.iter().find(|d| d.level == "vip-open").unwrap();
    assert_eq!(d.id, "99/vip-open/0");
    assert_eq!(
        serde_json::to_value(&d.actions).unwrap(),
        json!([{ "kind": "notify", "audience": "group", "name": "VIP Desk", "message": "VIP Pat Doe is waiting on 99" },
               { "kind": "setFlag", "flag": "vip", "value": "gold" }])
    );
    t["contact"]["vip"] = json!(false);
    assert!(e
        .escalations(&t, now, &[])
        .unwrap()
        .due
        .iter()
        .all(|d| d.level != "vip-open"));
    t["contact"]["vip"] = json!(true);
    t["service"] = json!("Printing");
    assert!(e
        .escalations(&t, now, &[])
        .unwrap()
        .due
        .iter()
        .all(|d| d.level != "vip-open"));
}

#[test]
fn escalation_declarations_are_checked_at_load() {
    for (src, want) in [
        (
            r#"escalation("x", #{ when: #{ status: "Sleeping", after: "1h" }, actions: [notify_assignee("m")] });"#,
            "unknown status \"Sleeping\"",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50 }, actions: [notify_role("Janitor", "m")] });"#,
            "unknown role \"Janitor\"",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50 }, quiet_hours: "nights", actions: [notify_assignee("m")] });"#,
            "unknown calendar \"nights\"",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50 }, applies: #{ priority: "P0" }, actions: [notify_assignee("m")] });"#,
            "unknown priority \"P0\"",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50 }, actions: [] });"#,
            "`actions` must be a non-empty array",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "later", percent: 50 }, actions: [notify_assignee("m")] });"#,
            "`clock` must be",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50, every: "1h" }, actions: [notify_assignee("m")] });"#,
            "one of `percent`",
        ),
        (
            r#"escalation("x", #{ when: #{ clock: "resolve", percent: 50 }, condition: "nope", actions: [notify_assignee("m")] });"#,
            "condition \"nope\" is not a function",
        ),
        (
            r#"escalation("resolve-75", #{ when: #{ clock: "resolve", percent: 50 }, actions: [notify_assignee("m")] });"#,
            "declared again",
        ),
    ] {
        let err = with_file("zz.rhai", src).unwrap_err();
        assert_eq!(err.code(), "PACK_INVALID", "{src}");
        assert!(err.to_string().contains(want), "{src}: {err}");
        assert_eq!(
            err.span().map(|s| (s.file.as_str(), s.line)),
            Some(("zz.rhai", 1)),
            "{err}"
        );
    }
}

#[test]
fn bad_tickets_and_alarms() {
    let e = engine();
    let now = at("2026-03-16T15:00:00Z");
    let mut t = emergency();
    t.as_object_mut().unwrap().remove("id");
    assert_eq!(e.escalations(&t, now, &[]).unwrap_err().field(), Some("id"));
    let mut t = emergency();
    t["alarms"] = json!([{ "at": "tomorrow", "message": "x" }]);
    let err = e.escalations(&t, now, &[]).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("INVALID_INSTANT", Some("alarms[0].at"))
    );
    t["alarms"] = json!({});
    assert_eq!(
        e.escalations(&t, now, &[]).unwrap_err().code(),
        "INVALID_TYPE"
    );
    // A future alarm sets the wake-up.
    t["alarms"] = json!([{ "at": "2026-03-16T14:01:00Z", "message": "first" }, { "at": "2026-03-20T13:00:00Z", "message": "check back Monday" }]);
    let r = e.escalations(&t, at("2026-03-16T14:02:00Z"), &[]).unwrap();
    assert_eq!(
        ids(&r),
        [(
            "TT-1/alarm/2026-03-16T14:01:00Z#4881d841",
            "2026-03-16T14:01:00Z"
        )]
    );
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T14:07:30Z"));
}

/// Tickets read as `Doc`s (as the JS binding reads them) get the very
/// escalations, SLA clocks and ledgers `Value`s get: every golden case and
/// every malformed ticket of the catalogue, at several instants, with the
/// default pack and with one whose levels have rhai conditions and field
/// conditions.
#[test]
fn docs_and_values_answer_the_same() {
    let mut tickets = common::sample_tickets();
    // Ids of every kind, and a field condition on a number.
    tickets.push(
        json!({ "id": 7, "impact": "Entire University affected", "urgency": "Work Impaired",
                         "openedAt": "2026-03-16T14:00:00Z", "floor": 2.5 }),
    );
    tickets.push(
        json!({ "id": 7.5, "impact": "Entire University affected", "urgency": "Work Impaired",
                         "openedAt": "2026-03-16T14:00:00Z" }),
    );
    tickets.push(json!({ "id": "TT-1e21", "impact": "Entire University affected", "urgency": "Work Impaired",
                         "openedAt": "2026-03-16T14:00:00Z", "floor": 1e21, "contact": { "name": "Pat" } }));
    let conditioned = with_file(
        "conditions.rhai",
        r#"
fn has_contact(ticket) { ticket.contact != () }
escalation("big-floor", #{
    when: #{ clock: "respond", percent: 10 },
    applies: #{ fields: #{ floor: [2.5, "2.5", 1e21] } },
    actions: [ notify_group("Floor", "Floor {floor} of {id}: {contact.name}") ],
});
escalation("by-rule", #{
    when: #{ clock: "resolve", percent: 10 },
    condition: "has_contact",
    actions: [ notify_group("Rule", "{id}") ],
});
"#,
    )
    .unwrap();
    let mut answered = 0;
    for engine in [engine(), conditioned] {
        for t in &tickets {
            let text = serde_json::to_string(t).unwrap();
            let doc: ticket_rules::json::Doc = serde_json::from_str(&text).unwrap();
            for now in [
                "2026-03-16T14:30:00Z",
                "2026-03-18T23:00:00Z",
                "2026-04-30T12:00:00Z",
            ] {
                let now = parse_instant(now, "now").unwrap();
                let e = engine.escalations(t, now, &[]);
                answered += usize::from(e.as_ref().is_ok_and(|r| !r.due.is_empty()));
                assert_eq!(engine.escalations(&doc, now, &[]), e, "{text}");
                assert_eq!(engine.sla(&doc, now), engine.sla(t, now), "{text}");
                assert_eq!(
                    engine.explain_sla(&doc, now),
                    engine.explain_sla(t, now),
                    "{text}"
                );
            }
        }
    }
    assert!(answered > 100, "{answered} answers with escalations due");
}

/// A stopped clock is final. Its track used to run on to the next priority
/// change, so a later event that re-recorded the same impact made a met
/// Respond By and Resolved By "missed": the Manager was told, the priority
/// raised and the ticket reassigned, while `sla` said both were met.
#[test]
fn a_later_rerating_does_not_reopen_a_stopped_clock() {
    let e = engine();
    // High (24x7, 1 h / 8 h): answered in 20 minutes, resolved in 2 hours.
    let mut t = json!({ "id": "TT-12", "type": "incident", "service": "VPN",
        "impact": "Multiple Buildings affected", "urgency": "Work Stopped - No workaround",
        "openedAt": "2026-03-16T12:00:00Z", "history": [
            { "at": "2026-03-16T12:20:00Z", "event": "responded", "status": "In Process" },
            { "at": "2026-03-16T14:00:00Z", "status": "Resolved" } ] });
    let now = at("2026-03-17T15:01:00Z");
    assert!(e.escalations(&t, now, &[]).unwrap().due.is_empty());
    let history = t["history"].as_array_mut().unwrap();
    // The same impact again, the next day; then, separately, Emergency.
    history.push(json!({ "at": "2026-03-17T15:00:00Z", "impact": "Multiple Buildings affected" }));
    for impact in ["Multiple Buildings affected", "Entire University affected"] {
        t["history"][2]["impact"] = json!(impact);
        let r = e.escalations(&t, now, &[]).unwrap();
        assert_eq!(ids(&r), [], "{impact}");
        assert_eq!(r.next_wake_up, None);
        let s = e.sla(&t, now).unwrap();
        assert_eq!((s.respond.state, s.resolve.state), (Met, Met), "{impact}");
        // Judged against the targets in force when they stopped.
        assert_eq!(
            (s.respond.target_seconds, s.resolve.target_seconds),
            (3600, 8 * 3600)
        );
    }
    // Answered in an hour as Standard (8 business hours), raised to
    // Emergency 30 hours later: Respond By stays met.
    let t = json!({ "id": "TT-8", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z", "history": [
            { "at": "2026-03-16T15:00:00Z", "event": "responded", "status": "In Process" },
            { "at": "2026-03-17T20:00:00Z", "impact": "Entire University affected",
              "urgency": "Work Stopped - No workaround" } ] });
    let now = at("2026-03-17T21:00:00Z");
    assert_eq!(e.sla(&t, now).unwrap().respond.state, Met);
    let r = e.escalations(&t, now, &[]).unwrap();
    assert!(r.due.iter().all(|d| d.level != "respond-breach"), "{r:?}");
    // The resolve clock still runs, and is re-based: breached at once.
    assert_eq!(e.sla(&t, now).unwrap().resolve.state, Breached);
}

/// The due instant is the promise. Due at 17:00 on a business calendar,
/// the clock has no business time left to run overnight: it used to read
/// `running`, 0 seconds left, until 08:00, and a response at 17:30 was
/// `met`, while the breach escalation fired at 17:00.
#[test]
fn a_clock_past_its_due_instant_is_breached_outside_business_hours() {
    let e = engine();
    // Standard: 8 business hours from Mon 09:00 EDT → due 17:00 EDT (21:00Z).
    let t = json!({ "id": "TT-4", "type": "incident", "service": "Email",
        "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T13:00:00Z" });
    let state = |t: &Value, now: &str| {
        let s = e.sla(t, at(now)).unwrap();
        (
            s.respond.due.unwrap(),
            s.respond.state,
            s.respond.by_seconds,
        )
    };
    let due = "2026-03-16T21:00:00Z".to_string();
    assert_eq!(
        state(&t, "2026-03-16T21:00:00Z"),
        (due.clone(), Running, None)
    );
    for now in [
        "2026-03-16T21:00:01Z",
        "2026-03-17T03:00:00Z",
        "2026-03-17T12:00:00Z",
    ] {
        assert_eq!(state(&t, now), (due.clone(), Breached, Some(0)), "{now}");
    }
    assert_eq!(
        state(&t, "2026-03-17T12:00:01Z"),
        (due.clone(), Breached, Some(1))
    );
    let breach = |t: &Value| {
        let r = e.escalations(t, at("2026-03-17T13:00:00Z"), &[]).unwrap();
        r.due.iter().any(|d| d.id == "TT-4/respond-breach/0")
    };
    assert!(breach(&t));
    // Answered at 17:30 EDT: late, and the breach escalation stands.
    let mut late = t.clone();
    late["history"] =
        json!([{ "at": "2026-03-16T21:30:00Z", "event": "responded", "status": "In Process" }]);
    assert_eq!(
        state(&late, "2026-03-17T13:00:00Z"),
        (due.clone(), Breached, Some(0))
    );
    assert!(breach(&late));
    // Answered at 17:00 EDT exactly: in time, and no breach escalation.
    let mut on_time = t.clone();
    on_time["history"] =
        json!([{ "at": "2026-03-16T21:00:00Z", "event": "responded", "status": "In Process" }]);
    assert_eq!(state(&on_time, "2026-03-17T13:00:00Z"), (due, Met, Some(0)));
    assert!(!breach(&on_time));
}

/// An alarm's id is its own: it was `{at}#{place in the list}`, so deleting
/// a done alarm fired the next one again, and inserting an earlier one
/// fired every later one again.
#[test]
fn an_alarms_id_does_not_depend_on_its_place() {
    let e = engine();
    let now = at("2026-03-16T16:31:00Z");
    let due = |alarms: Value, fired: &[String]| -> Vec<String> {
        let mut t = emergency();
        t["history"] =
            json!([{ "at": "2026-03-16T14:05:00Z", "event": "responded", "status": "In Process" }]);
        t["alarms"] = alarms;
        let r = e.escalations(&t, now, fired).unwrap();
        r.due
            .iter()
            .filter(|d| d.level == "alarm")
            .map(|d| d.id.clone())
            .collect()
    };
    let carrier = json!({ "at": "2026-03-16T15:00:00Z", "message": "Call the carrier" });
    let vendor = json!({ "at": "2026-03-16T16:00:00Z", "message": "Chase vendor about RMA" });
    let earlier = json!({ "at": "2026-03-16T14:00:00Z", "message": "earlier note" });
    let fired = due(json!([carrier, vendor]), &[]);
    assert_eq!(fired.len(), 2);
    assert!(fired
        .iter()
        .all(|id| id.starts_with("TT-1/alarm/2026-03-16T1")));
    assert_eq!(due(json!([vendor]), &fired), Vec::<String>::new());
    assert_eq!(due(json!([carrier, vendor]), &fired), Vec::<String>::new());
    let again = due(json!([earlier, carrier, vendor]), &fired);
    assert_eq!(again.len(), 1);
    assert!(again[0].starts_with("TT-1/alarm/2026-03-16T14:00:00Z#"));
    // Same instant, different text: two alarms. The same alarm twice: once.
    let other = json!({ "at": "2026-03-16T15:00:00Z", "message": "Call the carrier again" });
    assert_eq!(due(json!([carrier, other]), &[]).len(), 2);
    assert_eq!(due(json!([carrier, carrier]), &[]).len(), 1);
    // An alarm's own id is used as it is.
    let named = json!({ "at": "2026-03-16T15:00:00Z", "message": "x", "id": "A-17" });
    assert_eq!(due(json!([named]), &[]), ["TT-1/alarm/A-17"]);
    let mut t = emergency();
    t["alarms"] = json!([{ "at": "2026-03-16T15:00:00Z", "id": 17 }]);
    let err = e.escalations(&t, now, &[]).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("INVALID_TYPE", Some("alarms[0].id"))
    );
}

/// The default pack's quiet hours follow the ticket's own clock: an
/// Emergency (24x7) opened on a Saturday night was warned at 75% only on
/// Monday morning, two days after its breach notice.
#[test]
fn quiet_hours_follow_the_tickets_clock() {
    let e = engine();
    let mut t = emergency();
    t["openedAt"] = json!("2026-03-21T02:00:00Z"); // Saturday
    t["history"] =
        json!([{ "at": "2026-03-21T02:10:00Z", "event": "responded", "status": "In Process" }]);
    let r = e.escalations(&t, at("2026-03-21T06:30:00Z"), &[]).unwrap();
    let got: Vec<_> = ids(&r)
        .into_iter()
        .filter(|(id, _)| id.contains("resolve-"))
        .collect();
    // 75% of 4 hours at 05:00Z; the breach at 06:00Z.
    assert_eq!(
        got,
        [
            ("TT-1/resolve-75/0", "2026-03-21T05:00:00Z"),
            ("TT-1/resolve-breach/0", "2026-03-21T06:00:00Z"),
        ]
    );
    // A pack may still name a calendar; "clock" is not one to declare.
    let bad = with_file(
        "more.rhai",
        r#"escalation("x", #{ when: #{ clock: "resolve", percent: 10 }, actions: [notify_assignee("x")], quiet_hours: "clocks" });"#,
    )
    .unwrap_err();
    assert!(
        bad.to_string().contains("unknown calendar \"clocks\""),
        "{bad}"
    );
    // The message names what quiet_hours takes: "clock" or a calendar.
    assert!(
        bad.to_string()
            .contains("\"clock\" (the ticket's own clock) or a calendar: [\"24x7\""),
        "{bad}"
    );
}

/// A clock level fires each time the clock crosses its threshold. Lowered
/// after its breach, a ticket that breaches again under the new target is
/// notified again (`/1`); it used to be the same id as the first breach,
/// already carried out, so the second breach was never told.
#[test]
fn a_breach_after_a_lowered_priority_is_told_again() {
    let e = engine();
    // High (24x7, 8 h to resolve) from 12:00Z; breached at 20:00Z; lowered
    // to Standard (16 business hours) at 21:00Z (17:00 EDT) with 9 h used.
    let t = json!({ "id": "TT-8", "type": "incident", "service": "VPN",
        "impact": "Multiple Buildings affected", "urgency": "Work Stopped - No workaround",
        "openedAt": "2026-03-16T12:00:00Z", "history": [
            { "at": "2026-03-16T12:30:00Z", "event": "responded", "status": "In Process" },
            { "at": "2026-03-16T21:00:00Z", "impact": "Single Individual" } ] });
    let mut fired: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for now in [
        "2026-03-16T20:30:00Z",
        "2026-03-16T21:30:00Z",
        "2026-03-17T16:00:00Z",
        "2026-03-17T20:00:00Z",
    ] {
        let r = e.escalations(&t, at(now), &fired).unwrap();
        for d in &r.due {
            seen.push((now, d.id.clone(), d.due_at.clone()));
            fired.push(d.id.clone());
        }
    }
    let want = [
        // 75% (6 h) and the breach under High.
        (
            "2026-03-16T20:30:00Z",
            "TT-8/resolve-75/0",
            "2026-03-16T18:00:00Z",
        ),
        (
            "2026-03-16T20:30:00Z",
            "TT-8/resolve-breach/0",
            "2026-03-16T20:00:00Z",
        ),
        // Standard: 12 h at Tue 11:00 EDT, 16 h at Tue 15:00 EDT.
        (
            "2026-03-17T16:00:00Z",
            "TT-8/resolve-75/1",
            "2026-03-17T15:00:00Z",
        ),
        (
            "2026-03-17T20:00:00Z",
            "TT-8/resolve-breach/1",
            "2026-03-17T19:00:00Z",
        ),
    ]
    .map(|(n, id, due)| (n, id.to_string(), due.to_string()));
    assert_eq!(seen, want);
    let s = e.sla(&t, at("2026-03-17T20:00:00Z")).unwrap();
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-17T19:00:00Z"));
    assert_eq!(s.resolve.state, Breached);
    // "2 h after the breach" under High would have been 22:00Z; the
    // lowering at 21:00Z ended that breach first.
    assert!(!fired.iter().any(|id| id.contains("reassign")));
}

/// A repeating level goes on past its 1,000th occurrence (it used to stop
/// there: an Emergency's half-hourly updates ended after three weeks, and
/// `nextWakeUp` skipped them); a late call gets the latest 1,000.
#[test]
fn repeating_levels_go_on_and_a_late_call_gets_the_latest() {
    let e = engine();
    let mut t = emergency();
    t["history"] =
        json!([{ "at": "2026-03-16T14:05:00Z", "event": "responded", "status": "In Process" }]);
    // 30 days after opening: the 1,440th update is due now.
    let now = "2026-04-15T14:00:00Z";
    let r = e.escalations(&t, at(now), &[]).unwrap();
    let updates: Vec<_> = ids(&r)
        .into_iter()
        .filter(|(id, _)| id.contains("emergency-updates"))
        .collect();
    assert_eq!(updates.len(), 1000);
    assert_eq!(updates[0].0, "TT-1/emergency-updates/441");
    assert_eq!(updates[999], ("TT-1/emergency-updates/1440", now));
    // (The daily inactivity reminder, at 10:05 EDT, comes first.)
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-04-15T14:05:00Z"));
    let fired: Vec<String> = r.due.iter().map(|d| d.id.clone()).collect();
    let r = e
        .escalations(&t, at("2026-04-15T14:30:00Z"), &fired)
        .unwrap();
    assert_eq!(
        ids(&r),
        [
            (
                "TT-1/inactive/2026-03-16T14:05:00Z#20",
                "2026-04-15T14:05:00Z"
            ),
            ("TT-1/emergency-updates/1441", "2026-04-15T14:30:00Z")
        ]
    );

    // A status run with an hourly business-time reminder, a year long:
    // the latest 1,000, each where a walk from the start puts it.
    let e = with_file(
        "more.rhai",
        r#"escalation("hourly-vendor", #{ when: #{ status: "Wait Vendor", after: "1h", repeat: "1h", calendar: "business" }, actions: [notify_assignee("x")] });"#,
    )
    .unwrap();
    let mut t = json!({ "id": "TT-9", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [{ "at": "2026-03-16T15:00:00Z", "event": "responded", "status": "Wait Vendor" }] });
    let now = at("2027-03-16T15:00:00Z");
    let r = e.escalations(&t, now, &[]).unwrap();
    let got: Vec<_> = ids(&r)
        .into_iter()
        .filter(|(id, _)| id.contains("hourly-vendor"))
        .map(|(id, due)| (id.to_string(), due.to_string()))
        .collect();
    let cal = e.calendar("business").unwrap();
    let none = ticket_rules::calendar::Pauses::none();
    let start = at("2026-03-16T15:00:00Z");
    let mut walked = vec![];
    let mut x = cal.add(start, 3600, &none).unwrap();
    while x <= now {
        walked.push(x);
        x = cal.add(x, 3600, &none).unwrap();
    }
    assert!(walked.len() > 2000, "{}", walked.len());
    // The walk's occurrences below `upto`, the last 1,000 of them.
    let last_thousand = |upto: usize| -> Vec<(String, String)> {
        (upto - 1000..upto)
            .map(|k| {
                (
                    format!("TT-9/hourly-vendor/2026-03-16T15:00:00Z#{k}"),
                    format_instant(walked[k]),
                )
            })
            .collect()
    };
    let want = last_thousand(walked.len());
    assert_eq!(
        (got.len(), got.first(), got.last()),
        (want.len(), want.first(), want.last())
    );
    assert!(got == want, "the reported occurrences differ from the walk");
    // Ended long ago: the same occurrences, none after the run.
    t["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2027-03-16T15:00:00Z", "status": "In Process" }));
    let r = e.escalations(&t, at("2028-01-01T00:00:00Z"), &[]).unwrap();
    let again: Vec<_> = ids(&r)
        .into_iter()
        .filter(|(id, _)| id.contains("hourly-vendor"))
        .map(|(id, due)| (id.to_string(), due.to_string()))
        .collect();
    // (The one at the run's very end, 2027-03-16T15:00:00Z, is not in it.)
    let end = at("2027-03-16T15:00:00Z");
    let inside = walked.iter().filter(|&&x| x < end).count();
    assert!(
        again == last_thousand(inside),
        "the ended run's occurrences differ"
    );
}

/// `applies.fields` reads a path (`contact.name`), as templates do; it
/// read only top-level fields, so such a level never fired.
#[test]
fn applies_fields_reads_a_path() {
    let e = with_file(
        "more.rhai",
        r#"escalation("vip", #{ when: #{ clock: "respond", percent: 10 }, applies: #{ fields: #{ "contact.name": "Pat Doe" } }, actions: [notify_assignee("x")] });"#,
    )
    .unwrap();
    let mut t = emergency();
    let now = at("2026-03-16T14:05:00Z");
    let vip = |t: &Value| {
        let r = e.escalations(t, now, &[]).unwrap();
        r.due.iter().any(|d| d.level == "vip")
    };
    assert!(!vip(&t));
    t["contact"] = json!({ "name": "Pat Doe" });
    assert!(vip(&t));
    t["contact"] = json!({ "name": "Someone Else" });
    assert!(!vip(&t));
}

/// Findings of a review of this session's fixes: a clock paused after (or
/// at) its due instant, a restarted clock's ids, a status trigger spelt in
/// another case.
#[test]
fn paused_restarted_and_differently_spelt_clocks() {
    let e = engine();
    // Standard, business hours: due 21:00Z; paused at 21:45Z; still late.
    let mut t = json!({ "id": "TT-4", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T13:00:00Z",
        "history": [{ "at": "2026-03-16T21:45:00Z", "status": "Wait Customer" }] });
    let s = e.sla(&t, at("2026-03-16T22:00:00Z")).unwrap();
    assert_eq!((s.respond.state, s.respond.by_seconds), (Breached, Some(0)));
    // Paused exactly at the due instant: paused, and no breach fired.
    t["history"] = json!([{ "at": "2026-03-16T21:00:00Z", "status": "Wait Customer" }]);
    let now = at("2026-03-16T23:00:00Z");
    assert_eq!(e.sla(&t, now).unwrap().respond.state, Paused);
    let r = e.escalations(&t, now, &[]).unwrap();
    assert!(r.due.iter().all(|d| d.level != "respond-breach"), "{r:?}");

    // With "restart", a breach after the restart is a new occurrence.
    let sources: Vec<(String, String)> = ticket_rules::DEFAULT_PACK
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                s.replace(
                    r#"on_priority_change: "keep""#,
                    r#"on_priority_change: "restart""#,
                ),
            )
        })
        .collect();
    let restart = RuleEngine::from_sources(sources).unwrap();
    // High (24x7, 8 h) from 00:00Z: breached at 08:00Z; raised to
    // Emergency (4 h) at 09:00Z, restarting: breached again at 13:00Z.
    let t = json!({ "id": "TT-3", "impact": "Critical", "urgency": "Work Stopped - Workaround available",
        "openedAt": "2026-03-16T00:00:00Z",
        "history": [{ "at": "2026-03-16T00:30:00Z", "event": "responded", "status": "In Process" },
                    { "at": "2026-03-16T09:00:00Z", "urgency": "Work Stopped - No workaround" }] });
    let mut before = t.clone();
    before["history"].as_array_mut().unwrap().pop();
    let fired: Vec<String> = restart
        .escalations(&before, at("2026-03-16T08:30:00Z"), &[])
        .unwrap()
        .due
        .iter()
        .map(|d| d.id.clone())
        .collect();
    assert!(
        fired.contains(&"TT-3/resolve-breach/0".to_string()),
        "{fired:?}"
    );
    let r = restart
        .escalations(&t, at("2026-03-16T14:00:00Z"), &fired)
        .unwrap();
    assert!(
        r.due
            .iter()
            .any(|d| d.id == "TT-3/resolve-breach/2026-03-16T09:00:00Z#0"
                && d.due_at == "2026-03-16T13:00:00Z"),
        "{:?}",
        ids(&r)
    );

    // A status trigger spelt in another case fires as the declared one.
    let e = with_file(
        "more.rhai",
        r#"escalation("waiting", #{ when: #{ status: "wait vendor", after: "1h" }, actions: [notify_assignee("x")] });"#,
    )
    .unwrap();
    let t = json!({ "id": "TT-5", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T13:00:00Z",
        "history": [{ "at": "2026-03-16T14:00:00Z", "status": "Wait Vendor" }] });
    let r = e.escalations(&t, at("2026-03-16T16:00:00Z"), &[]).unwrap();
    assert!(r.due.iter().any(|d| d.level == "waiting"), "{:?}", ids(&r));
    // `after` does not go with `inactive`.
    let err = with_file(
        "more.rhai",
        r#"escalation("idle", #{ when: #{ inactive: "2h", after: "1h" }, actions: [notify_assignee("x")] });"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("`after` goes with `status`"),
        "{err}"
    );
}

/// `applies.fields` compares as a form's condition does: text trimmed and
/// in any case, an urgency or impact by any of its spellings. It compared
/// exactly, so a level for service "Payroll" missed a ticket's "payroll",
/// and one for urgency "Work Impaired" a ticket's "work impaired" (which
/// the matrix takes).
#[test]
fn applies_fields_compares_as_form_conditions_do() {
    let e = with_file(
        "zz.rhai",
        r#"escalation("payroll", #{ when: #{ clock: "respond", percent: 10 }, applies: #{ fields: #{ service: "Payroll", urgency: "Work Impaired", impact: "Critical" } }, actions: [notify_assignee("x")] });"#,
    )
    .unwrap();
    let now = at("2026-03-16T15:00:00Z");
    let fires = |service: &str, urgency: &str, impact: &str| {
        let t = json!({ "id": "TT-1", "type": "incident", "impact": impact, "urgency": urgency,
                        "service": service, "openedAt": "2026-03-16T14:00:00Z" });
        let r = e.escalations(&t, now, &[]).unwrap();
        r.due.iter().any(|d| d.level == "payroll")
    };
    let critical = "Entire University affected";
    assert!(fires("Payroll", "Work Impaired", "Critical"));
    assert!(fires("payroll", "work impaired", critical));
    assert!(fires(" PAYROLL ", "WORK IMPAIRED", "critical"));
    assert!(!fires("Payroll2", "Work Impaired", critical));
    assert!(!fires("Payroll", "Work Stopped - No workaround", critical));
    assert!(!fires("Payroll", "Work Impaired", "Single Individual"));
}

/// What a notice says is as things stood when it came due: asked late,
/// after the ticket was re-rated, the same occurrence names the same
/// priority, due instant and raise (it said "Scheduled ticket breached
/// Resolved By (a due date still in the future)" and raised Scheduled to
/// Standard instead of Standard to High).
#[test]
fn a_notice_reads_the_same_whenever_the_host_asks() {
    let e = engine();
    let t = json!({ "id": "TT-9", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T13:00:00Z",
        "history": [
            { "at": "2026-03-16T13:10:00Z", "event": "responded" },
            { "at": "2026-03-19T15:00:00Z", "urgency": "Work not Impaired" },
        ] });
    let breach = |now: &str| {
        let r = e.escalations(&t, at(now), &[]).unwrap();
        let d = r
            .due
            .into_iter()
            .find(|d| d.level == "resolve-breach")
            .unwrap();
        (
            d.id,
            d.triggered_at,
            serde_json::to_value(&d.actions).unwrap(),
        )
    };
    let early = breach("2026-03-18T14:00:00Z");
    let late = breach("2026-03-19T16:00:00Z");
    assert_eq!(early, late);
    let text = early.2.to_string();
    assert!(
        text.contains("Standard ticket TT-9 breached Resolved By (2026-03-17T20:00:00Z)"),
        "{text}"
    );
    assert!(
        text.contains(r#""from":"Standard","kind":"raisePriority","steps":1,"to":"High""#),
        "{text}"
    );
}

/// Years waiting on a vendor do not use up the clock's horizon: resumed
/// three years on, the Resolved By clock is breached on time, in `sla()`
/// and in the escalations (it read `running` with its due instant past,
/// and resolve-75 and resolve-breach never came).
#[test]
fn a_wait_of_years_does_not_end_the_clock() {
    let e = engine();
    for opened in ["2025-03-03T14:00:00Z", "2023-03-06T14:00:00Z"] {
        let wait = format!("{}T15:00:00Z", &opened[..10]);
        let t = json!({ "id": "TT-5", "impact": "Single Building affected", "urgency": "Work Impaired",
            "openedAt": opened,
            "history": [
                { "at": opened, "event": "responded" },
                { "at": wait, "status": "Wait Vendor" },
                { "at": "2026-03-02T16:00:00Z", "status": "In Process" },
            ] });
        let now = at("2026-03-03T23:00:00Z");
        let sla = e.sla(&t, now).unwrap();
        assert_eq!(sla.resolve.state, Breached, "{opened}");
        let r = e.escalations(&t, now, &[]).unwrap();
        let levels: Vec<&str> = r.due.iter().map(|d| d.level.as_str()).collect();
        assert!(
            levels.contains(&"resolve-75") && levels.contains(&"resolve-breach"),
            "{opened}: {levels:?}"
        );
    }
}

/// The due instant a notice names is the one in force when it came due,
/// also after a pause and a re-rating later in the ticket's life (it named
/// a date neither then nor now, or left `{resolveDue}` unfilled once the
/// clock stopped).
#[test]
fn a_notice_names_the_due_instant_of_its_time() {
    let e = engine();
    let mut t = json!({ "id": "TT-1", "impact": "Entire University affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T12:00:00Z",
        "history": [
            { "at": "2026-03-16T12:05:00Z", "event": "responded" },
            { "at": "2026-03-16T18:30:00Z", "status": "Wait Vendor" },
            { "at": "2026-03-16T22:30:00Z", "status": "In Process" },
            { "at": "2026-03-16T23:00:00Z", "urgency": "Work not Impaired" },
        ] });
    let notice = |t: &Value, now: &str| {
        let r = e.escalations(t, at(now), &[]).unwrap();
        let d = r.due.into_iter().find(|d| d.level == "resolve-75").unwrap();
        serde_json::to_value(&d.actions).unwrap().to_string()
    };
    let early = notice(&t, "2026-03-16T18:10:00Z");
    assert!(early.contains("due 2026-03-16T20:00:00Z"), "{early}");
    assert_eq!(notice(&t, "2026-03-16T23:30:00Z"), early);
    t["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-16T23:10:00Z", "status": "Resolved" }));
    assert_eq!(notice(&t, "2026-03-16T23:30:00Z"), early);
}

/// An alarm set before the ticket opened comes due at its instant, like
/// any alarm, and reads the ticket as it opened: rendering it read the
/// timeline at the alarm's instant, and every escalation of the ticket
/// failed with "now (…) is before the ticket opened".
#[test]
fn an_alarm_before_the_opening_comes_due() {
    let e = engine();
    let t = json!({ "id": "TT-7", "type": "incident", "impact": "Single Individual",
        "urgency": "Work Impaired", "summary": "Laptop will not boot", "service": "Other",
        "contact": { "name": "Pat Doe" }, "openedAt": "2026-03-16T14:00:00Z",
        "alarms": [{ "at": "2026-03-16T13:59:00Z", "message": "Call Pat back ({priority}, {status}, due {resolveDue})" }] });
    let r = e.escalations(&t, at("2026-03-16T15:00:00Z"), &[]).unwrap();
    let alarm = r.due.iter().find(|d| d.level == "alarm").unwrap();
    assert_eq!(alarm.due_at, "2026-03-16T13:59:00Z");
    assert_eq!(alarm.triggered_at, "2026-03-16T13:59:00Z");
    let s = e.sla(&t, at("2026-03-16T14:00:00Z")).unwrap();
    let msg = serde_json::to_value(&alarm.actions).unwrap();
    assert_eq!(
        msg[0]["message"],
        format!(
            "Call Pat back ({}, New, due {})",
            s.priority.priority,
            s.resolve.due.unwrap()
        )
    );
    // The ticket's levels come as they would without the alarm.
    let mut bare = t.clone();
    bare.as_object_mut().unwrap().remove("alarms");
    for now in ["2026-03-16T15:00:00Z", "2026-03-20T15:00:00Z"] {
        let with = e.escalations(&t, at(now), &[]).unwrap();
        let without = e.escalations(&bare, at(now), &[]).unwrap();
        let levels: Vec<_> = with.due.iter().filter(|d| d.level != "alarm").collect();
        assert_eq!(levels, without.due.iter().collect::<Vec<_>>(), "{now}");
    }
}

/// A notice held back by quiet hours is delivered at the morning only if
/// its level still holds then: it went out whatever happened overnight,
/// contradicting `sla()` (met, paused, breached, 37.5% used).
#[test]
fn a_deferred_notice_is_checked_again_at_delivery() {
    let e = engine();
    // Standard (business hours): resolve-75 at 12 business hours, Tue 17:00
    // EDT (21:00Z), deferred to Wed 08:00 EDT (12:00Z).
    let base = json!({ "id": "TT-4", "type": "incident", "impact": "Single Building affected",
        "urgency": "Work Impaired", "openedAt": "2026-03-16T18:00:00Z",
        "history": [{ "at": "2026-03-16T18:10:00Z", "event": "responded" }] });
    let wed = at("2026-03-18T12:00:00Z");
    let notice = |t: &Value, now: i64| {
        let r = e.escalations(t, now, &[]).unwrap();
        let d = r.due.iter().find(|d| d.level == "resolve-75").cloned();
        (d.map(|d| (d.id, d.triggered_at, d.due_at)), r.next_wake_up)
    };
    let r = e
        .escalations(&base, at("2026-03-17T21:00:00Z"), &[])
        .unwrap();
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-18T12:00:00Z"));
    let seventy_five = |triggered: &str, due: &str| {
        Some((
            "TT-4/resolve-75/0".to_string(),
            triggered.to_string(),
            due.to_string(),
        ))
    };
    assert_eq!(
        notice(&base, wed).0,
        seventy_five("2026-03-17T21:00:00Z", "2026-03-18T12:00:00Z")
    );
    let with = |event: Value| {
        let mut t = base.clone();
        t["history"].as_array_mut().unwrap().push(event);
        t
    };
    // Resolved overnight: the clock stopped, the warning is moot.
    let resolved =
        with(json!({ "at": "2026-03-18T03:00:00Z", "status": "Resolved", "resolution": "Fixed" }));
    assert_eq!(e.sla(&resolved, wed).unwrap().resolve.state, Met);
    assert_eq!(notice(&resolved, wed), (None, None));
    // Waiting on the customer: postponed until the wait ends, then
    // deferred to open hours again.
    let waiting = with(json!({ "at": "2026-03-18T03:00:00Z", "status": "Wait Customer" }));
    assert_eq!(e.sla(&waiting, wed).unwrap().resolve.state, Paused);
    assert_eq!(notice(&waiting, wed), (None, None));
    let mut back = waiting.clone();
    back["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-18T14:00:00Z", "status": "In Process" }));
    assert_eq!(
        notice(&back, at("2026-03-18T14:00:00Z")).0,
        seventy_five("2026-03-17T21:00:00Z", "2026-03-18T14:00:00Z")
    );
    // Resolved straight from the wait: the stop ends it.
    let mut closed = waiting.clone();
    closed["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-18T04:00:00Z", "status": "Resolved", "resolution": "Fixed" }));
    assert_eq!(notice(&closed, wed), (None, None));
    let mut back_at_night = waiting.clone();
    back_at_night["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-18T04:00:00Z", "status": "In Process" }));
    assert_eq!(
        notice(&back_at_night, wed).0,
        seventy_five("2026-03-17T21:00:00Z", "2026-03-18T12:00:00Z")
    );
    // Raised to High (24x7) overnight: re-based at the re-rating, on a
    // clock that never waits: delivered then, as of then.
    let raised =
        with(json!({ "at": "2026-03-18T03:00:00Z", "urgency": "Work Stopped - No workaround" }));
    assert_eq!(e.sla(&raised, wed).unwrap().resolve.state, Breached);
    assert_eq!(
        notice(&raised, wed).0,
        seventy_five("2026-03-18T03:00:00Z", "2026-03-18T03:00:00Z")
    );
    // Lowered to Scheduled: 37.5% used, the warning is not due (it comes
    // again, as another occurrence, if the clock gets there).
    let lowered = with(json!({ "at": "2026-03-18T03:00:00Z", "impact": "Single Individual" }));
    assert!(e.sla(&lowered, wed).unwrap().resolve.percent_used < 75.0);
    assert_eq!(notice(&lowered, wed).0, None);
}

/// A notice reads its due instants as they stood when it came due: a
/// clock paused when the host asks has none, and `{resolveDue}` stayed
/// unfilled; a clock moved since (a pause that ended) said another instant
/// than the on-time host got.
#[test]
fn a_notice_reads_the_due_instants_of_its_trigger() {
    let e = engine();
    // High (24x7, 8 h to resolve): 75% at 06:00, due 08:00; waiting from 07:00.
    let mut t = json!({ "id": "TT-2", "type": "incident", "impact": "Entire University affected",
        "urgency": "Work Impaired", "openedAt": "2026-03-16T00:00:00Z", "status": "Wait Customer",
        "history": [{ "at": "2026-03-16T00:05:00Z", "event": "responded" },
                    { "at": "2026-03-16T07:00:00Z", "status": "Wait Customer" }] });
    let message = |t: &Value, now: &str| {
        let r = e.escalations(t, at(now), &[]).unwrap();
        let d = r.due.iter().find(|d| d.level == "resolve-75").unwrap();
        serde_json::to_value(&d.actions).unwrap()[0]["message"].clone()
    };
    let on_time = message(&t, "2026-03-16T06:00:00Z");
    assert_eq!(
        on_time,
        "TT-2: 75% of the time to resolve is used; due 2026-03-16T08:00:00Z"
    );
    assert_eq!(message(&t, "2026-03-16T08:00:00Z"), on_time);
    // Back to work at 09:00: due 10:00 now, and a host asking now is told
    // so (a pause that has ended moves the due instant the notice names, as
    // it moves the clock's; only a re-rating since, or a clock without a
    // due instant now, makes it read the clock as of the trigger).
    t["status"] = json!("In Process");
    t["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-16T09:00:00Z", "status": "In Process" }));
    assert_eq!(
        message(&t, "2026-03-16T09:30:00Z"),
        "TT-2: 75% of the time to resolve is used; due 2026-03-16T10:00:00Z"
    );
    // An update reached as a wait began, asked for after the wait: the
    // clock runs again, and its due instant now is the one named (the wait
    // moved it 04:00 -> 05:30).
    let t = json!({ "id": "TT-1", "impact": "Entire University affected",
        "urgency": "Work Stopped - No workaround", "service": "VPN", "openedAt": "2026-03-16T00:00:00Z",
        "history": [{ "at": "2026-03-16T00:10:00Z", "event": "responded" },
                    { "at": "2026-03-16T00:30:00Z", "status": "Wait Customer" },
                    { "at": "2026-03-16T02:00:00Z", "status": "In Process" }] });
    let r = e.escalations(&t, at("2026-03-16T03:00:00Z"), &[]).unwrap();
    let d = r
        .due
        .iter()
        .find(|d| d.id == "TT-1/emergency-updates/1")
        .unwrap();
    assert_eq!(d.triggered_at, "2026-03-16T00:30:00Z");
    assert_eq!(
        serde_json::to_value(&d.actions).unwrap()[0]["message"],
        "Send an update on TT-1 (VPN); target 2026-03-16T05:30:00Z"
    );
}

/// A re-rating that puts the clock past its due instant breaches it at the
/// re-rating (as `sla()` says): the breach was held one second, as if the
/// clock had run up to its due instant, and came after the other notices
/// of the re-rating.
#[test]
fn a_rerating_past_the_due_instant_breaches_at_once_and_in_order() {
    let e = engine();
    // Standard from Mon 08:00 EDT: 11 business hours used by Tue 10:00 EDT
    // (14:00Z), raised to High (24x7, 8 h): past 75%, 100% and 100% + 2 h.
    let t = json!({ "id": "TT-3", "type": "incident", "impact": "Single Building affected",
        "urgency": "Work Impaired", "openedAt": "2026-03-16T12:00:00Z",
        "history": [{ "at": "2026-03-16T12:05:00Z", "event": "responded" },
                    { "at": "2026-03-17T14:00:00Z", "urgency": "Work Stopped - No workaround" }] });
    let now = at("2026-03-17T14:00:00Z");
    assert_eq!(e.sla(&t, now).unwrap().resolve.state, Breached);
    let r = e.escalations(&t, now, &[]).unwrap();
    assert_eq!(
        ids(&r),
        [
            ("TT-3/resolve-75/0", "2026-03-17T14:00:00Z"),
            ("TT-3/resolve-breach/0", "2026-03-17T14:00:00Z"),
            ("TT-3/resolve-breach-reassign/0", "2026-03-17T14:00:00Z"),
        ]
    );
    // A host calling later gets them in the same order.
    let later = e.escalations(&t, at("2026-03-17T15:00:00Z"), &[]).unwrap();
    assert_eq!(ids(&later), ids(&r));
    let fired: Vec<String> = r.due.iter().map(|d| d.id.clone()).collect();
    let r = e.escalations(&t, now, &fired).unwrap();
    assert_eq!(ids(&r), []);
    assert_ne!(r.next_wake_up.as_deref(), Some("2026-03-17T14:00:01Z"));
}

/// With "restart", what the clocks brought due before a restart is still
/// due to a host that first calls after it, with the ids an on-time host
/// had: the plan starts at the last restart, and a host calling after a
/// re-rating lost every escalation before it.
#[test]
fn a_restart_keeps_what_came_due_before_it() {
    let sources: Vec<(String, String)> = ticket_rules::DEFAULT_PACK
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                s.replace(
                    r#"on_priority_change: "keep""#,
                    r#"on_priority_change: "restart""#,
                ),
            )
        })
        .collect();
    let e = RuleEngine::from_sources(sources).unwrap();
    // High (24x7, 1 h / 8 h) from 00:00Z; Standard from 10:00Z, restarting.
    let t = json!({ "id": "TT-5", "type": "incident", "impact": "Entire University affected",
        "urgency": "Work Impaired", "openedAt": "2026-03-16T00:00:00Z",
        "history": [{ "at": "2026-03-16T10:00:00Z", "impact": "Multiple Buildings affected" }] });
    let on_time = e.escalations(&t, at("2026-03-16T09:00:00Z"), &[]).unwrap();
    let want = [
        ("TT-5/respond-breach/0", "2026-03-16T01:00:00Z"),
        ("TT-5/resolve-75/0", "2026-03-16T06:00:00Z"),
        ("TT-5/resolve-breach/0", "2026-03-16T08:00:00Z"),
    ];
    assert_eq!(ids(&on_time), want);
    let late = e.escalations(&t, at("2026-03-16T10:05:00Z"), &[]).unwrap();
    assert_eq!(ids(&late), want);
    assert_eq!(late.due, on_time.due);
    // Nothing twice for the host that had them.
    let fired: Vec<String> = on_time.due.iter().map(|d| d.id.clone()).collect();
    let r = e
        .escalations(&t, at("2026-03-16T10:05:00Z"), &fired)
        .unwrap();
    assert_eq!(ids(&r), []);
    // A second restart keeps both runs before it, each with its ids.
    let mut twice = t.clone();
    twice["history"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "at": "2026-03-17T16:00:00Z", "impact": "Entire University affected" }));
    let r = e
        .escalations(&twice, at("2026-03-17T16:05:00Z"), &[])
        .unwrap();
    let got = ids(&r);
    assert!(got.starts_with(&want), "{got:?}");
    assert!(
        got.iter()
            .any(|(id, _)| id.starts_with("TT-5/respond-breach/2026-03-16T10:00:00Z#")),
        "{got:?}"
    );
}

/// A future alarm whose id was carried out (or is due already under
/// another alarm of the same id) cannot come: it set `nextWakeUp` to its
/// instant all the same, and the host woke up for nothing.
#[test]
fn an_alarm_that_cannot_come_wakes_nobody() {
    let e = engine();
    let t = json!({ "id": "TT-8", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T12:00:00Z",
        "history": [{ "at": "2026-03-16T12:05:00Z", "event": "responded" }],
        "alarms": [{ "at": "2026-03-16T13:00:00Z", "id": "vendor", "message": "call the vendor" },
                   { "at": "2026-03-16T14:00:00Z", "id": "vendor", "message": "moved" }] });
    let fired = ["TT-8/alarm/vendor".to_string()];
    let r = e
        .escalations(&t, at("2026-03-16T13:30:00Z"), &fired)
        .unwrap();
    assert_eq!(ids(&r), []);
    assert_ne!(r.next_wake_up.as_deref(), Some("2026-03-16T14:00:00Z"));
    let r = e
        .escalations(&t, at("2026-03-16T14:00:00Z"), &fired)
        .unwrap();
    assert_eq!(ids(&r), []);
    // Not carried out yet: due (once), and no wake-up for the other one.
    let r = e.escalations(&t, at("2026-03-16T13:30:00Z"), &[]).unwrap();
    assert_eq!(ids(&r), [("TT-8/alarm/vendor", "2026-03-16T13:00:00Z")]);
    assert_ne!(r.next_wake_up.as_deref(), Some("2026-03-16T14:00:00Z"));
    // Before either: the first wakes the host.
    let r = e.escalations(&t, at("2026-03-16T12:30:00Z"), &[]).unwrap();
    assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T13:00:00Z"));
}

/// A series whose next occurrence falls past 2199 ends there: a ticket
/// opened in 1900, asked about at the end of the range, had every notice
/// it could get refused with `OUT_OF_RANGE` while `sla` answered.
#[test]
fn a_series_ends_at_the_end_of_the_range() {
    let e = engine();
    for urgency in ["Work Stopped - No workaround", "Work not Impaired"] {
        let t = json!({ "id": "TT-8", "type": "incident", "impact": "Entire University affected",
                        "urgency": urgency, "openedAt": "1900-01-01T00:00:00Z" });
        let now = at("2199-12-31T23:59:59Z");
        let s = e.sla(&t, now).unwrap();
        assert_eq!(s.resolve.state, Breached);
        let r = e.escalations(&t, now, &[]).unwrap();
        assert!(!r.due.is_empty(), "{urgency}");
        assert_eq!(r.next_wake_up, None, "{urgency}");
        assert!(r.due.iter().all(|d| d.due_at.as_str() < "2200"));
    }
}
