//! SLA clocks from a ticket's history, on the default pack. Every expected
//! value is worked out by hand in the comment beside it (New York business
//! hours: Mon-Fri 08:00-17:00; EDT = UTC-4 from 2026-03-08, EST = UTC-5).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use ticket_rules::sla::ClockState::{Breached, Met, Paused, Running};
use ticket_rules::time::parse_instant;
use ticket_rules::{RuleEngine, DEFAULT_PACK};

fn engine() -> RuleEngine {
    RuleEngine::embedded().unwrap()
}

fn at(s: &str) -> i64 {
    parse_instant(s, "now").unwrap()
}

const MINOR_IMPAIRED: (&str, &str) = ("Single Building affected", "Work Impaired"); // Standard, business, 8h / 16h
const CRITICAL_STOP: (&str, &str) = ("Entire University affected", "Work Stopped - No workaround"); // Emergency, 24x7, 15m / 4h

fn ticket(cell: (&str, &str), opened: &str, history: Value) -> Value {
    json!({ "id": "TT-1", "impact": cell.0, "urgency": cell.1, "openedAt": opened, "history": history })
}

#[test]
fn an_emergency_met_on_both_clocks() {
    let t = ticket(
        CRITICAL_STOP,
        "2026-03-16T14:00:00Z",
        json!([
            { "at": "2026-03-16T14:10:00Z", "status": "In Process" },
            { "at": "2026-03-16T14:10:00Z", "event": "responded" },
            { "at": "2026-03-16T17:00:00Z", "status": "Resolved" },
        ]),
    );
    let s = engine().sla(&t, at("2026-03-16T18:00:00Z")).unwrap();
    assert_eq!(s.priority.priority, "Emergency");
    // Respond: 15 min on 24x7, responded after 10: met by 5 min.
    assert_eq!(
        (
            s.respond.state,
            s.respond.elapsed_seconds,
            s.respond.by_seconds
        ),
        (Met, 600, Some(300))
    );
    assert_eq!(s.respond.due.as_deref(), Some("2026-03-16T14:15:00Z"));
    assert_eq!(
        s.respond.stopped_at.as_deref(),
        Some("2026-03-16T14:10:00Z")
    );
    // Resolve: 4 h on 24x7, resolved after 3: met by 1 h.
    assert_eq!(
        (
            s.resolve.state,
            s.resolve.elapsed_seconds,
            s.resolve.by_seconds
        ),
        (Met, 10_800, Some(3600))
    );
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-16T18:00:00Z"));
    assert_eq!(s.resolve.percent_used, 75.0);
    assert_eq!(
        (s.status.as_str(), s.customer_seconds, s.service_seconds),
        ("Resolved", 0, 3 * 3600)
    );
}

#[test]
fn business_hours_and_a_customer_wait() {
    // Opened Mon 10:00 EDT; responded 11:00; waits on the customer from
    // Mon 14:00 to Tue 10:00; now Tue 12:00.
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([
            { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
            { "at": "2026-03-16T18:00:00Z", "status": "Wait Customer" },
            { "at": "2026-03-17T14:00:00Z", "status": "In Process" },
        ]),
    );
    let s = engine().sla(&t, at("2026-03-17T16:00:00Z")).unwrap();
    assert_eq!(
        (s.respond.state, s.respond.by_seconds),
        (Met, Some(7 * 3600))
    );
    // Resolve: Mon 10-14 (4 h) + Tue 10-12 (2 h) = 6 h of 16; due: Tue 10-17 (7 h, 11 in all),
    // Wed 08-13 (5 h) → Wed 13:00 EDT.
    assert_eq!(
        (
            s.resolve.state,
            s.resolve.elapsed_seconds,
            s.resolve.remaining_seconds
        ),
        (Running, 6 * 3600, 10 * 3600)
    );
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-18T17:00:00Z"));
    assert_eq!(s.resolve.percent_used, 37.5);
    assert_eq!(s.resolve.clock, "business");
    // Customer time: Mon 14:00 → Tue 10:00 = 20 h; service: 4 h + 2 h.
    assert_eq!(
        (s.customer_seconds, s.service_seconds),
        (20 * 3600, 6 * 3600)
    );
}

#[test]
fn a_paused_clock_has_no_due_date() {
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T16:00:00Z", "status": "Wait Vendor" }]),
    );
    let s = engine().sla(&t, at("2026-03-20T16:00:00Z")).unwrap();
    // Mon 10-12 EDT counted, then paused all week.
    assert_eq!(
        (s.resolve.state, s.resolve.elapsed_seconds, s.resolve.due),
        (Paused, 7200, None)
    );
    assert_eq!((s.respond.state, s.respond.due), (Paused, None));
    // Vendor time is not customer time: it is the service's.
    assert_eq!(s.customer_seconds, 0);
}

#[test]
fn triage_raises_the_priority_and_the_clocks_keep_used_time() {
    // Opened Mon 10:00 EDT as Minor/Impaired (business, 8 h / 16 h); at 12:00 EDT the
    // dispatcher finds the whole university affected: High, 24x7, 1 h / 8 h.
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T16:00:00Z", "impact": "Entire University affected" }]),
    );
    let e = engine();
    let s = e.sla(&t, at("2026-03-16T17:00:00Z")).unwrap();
    assert_eq!(s.priority.priority, "High");
    // Resolve: 2 business hours used, 6 of the new 8 left on 24x7 from 16:00Z → 22:00Z.
    assert_eq!(
        (s.resolve.clock.as_str(), s.resolve.due.as_deref()),
        ("24x7", Some("2026-03-16T22:00:00Z"))
    );
    assert_eq!(
        (s.resolve.elapsed_seconds, s.resolve.state),
        (3 * 3600, Running)
    );
    // Respond: the new 1 h target was already used up at 11:00 EDT, under the old clock.
    assert_eq!(s.respond.due.as_deref(), Some("2026-03-16T15:00:00Z"));
    assert_eq!(
        (s.respond.state, s.respond.by_seconds),
        (Breached, Some(2 * 3600))
    );
    // priority(ticket) follows the history too.
    assert_eq!(e.priority(&t).unwrap().priority, "High");
}

/// The default pack with `on_priority_change: "restart"`.
fn restart_engine() -> RuleEngine {
    let sources: Vec<(String, String)> = DEFAULT_PACK
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                s.replace(
                    "on_priority_change: \"keep\"",
                    "on_priority_change: \"restart\"",
                ),
            )
        })
        .collect();
    RuleEngine::from_sources(sources).unwrap()
}

#[test]
fn triage_with_the_restart_policy() {
    let e = restart_engine();
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T16:00:00Z", "impact": "Entire University affected" }]),
    );
    let s = e.sla(&t, at("2026-03-16T17:00:00Z")).unwrap();
    // Both start again at 16:00Z on 24x7.
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-17T00:00:00Z"));
    assert_eq!(s.respond.due.as_deref(), Some("2026-03-16T17:00:00Z"));
    assert_eq!(
        (
            s.respond.state,
            s.respond.elapsed_seconds,
            s.respond.started_at.as_str()
        ),
        (Running, 3600, "2026-03-16T16:00:00Z")
    );
}

#[test]
fn an_explicit_priority_from_the_dispatcher() {
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T14:30:00Z", "priority": "Scheduled" }]),
    );
    let s = engine().sla(&t, at("2026-03-16T15:00:00Z")).unwrap();
    assert_eq!(
        (s.priority.priority.as_str(), s.priority.resolve_seconds),
        ("Scheduled", 32 * 3600)
    );
    assert_eq!(
        s.priority.reason.as_deref(),
        Some("priority set explicitly")
    );
    let bad = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T14:30:00Z", "priority": "Urgent!" }]),
    );
    let err = engine().sla(&bad, at("2026-03-16T15:00:00Z")).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("UNKNOWN_PRIORITY", Some("history[0].priority"))
    );
}

#[test]
fn resolved_then_the_customer_responds() {
    // Opened Mon 10:00 EDT; resolved Mon 12:00; the customer says it is not fixed Tue 10:00.
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([
            { "at": "2026-03-16T16:00:00Z", "status": "Resolved" },
            { "at": "2026-03-17T14:00:00Z", "status": "Customer Responded" },
            { "at": "2026-03-17T14:05:00Z", "status": "In Process" },
        ]),
    );
    let s = engine().sla(&t, at("2026-03-17T16:00:00Z")).unwrap();
    // Respond stopped at the resolution (2 h of 8): met by 6 h.
    assert_eq!(
        (s.respond.state, s.respond.by_seconds),
        (Met, Some(6 * 3600))
    );
    // Resolve: Mon 10-12 + Tue 10-12 = 4 h; due: Tue 10-17 (7 h, 9 in all) + Wed 08-15 → Wed 15:00 EDT.
    assert_eq!(
        (
            s.resolve.state,
            s.resolve.elapsed_seconds,
            s.resolve.stopped_at.as_deref()
        ),
        (Running, 4 * 3600, None)
    );
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-18T19:00:00Z"));
    // The resolved night is neither customer nor service time.
    assert_eq!((s.customer_seconds, s.service_seconds), (0, 4 * 3600));
}

#[test]
fn thanksgiving_and_the_day_after_are_skipped() {
    // Opened Wed 2026-11-25 16:00 EST: Wed 16-17 (1 h), Thu and Fri closed, Mon 08-17 (9 h),
    // Tue 08-14 (6 h) → resolve due Tue 14:00 EST; respond (8 h) due Mon 15:00 EST.
    let t = ticket(MINOR_IMPAIRED, "2026-11-25T21:00:00Z", json!([]));
    let e = engine();
    let s = e.sla(&t, at("2026-11-27T12:00:00Z")).unwrap();
    assert_eq!(s.resolve.due.as_deref(), Some("2026-12-01T19:00:00Z"));
    assert_eq!(s.respond.due.as_deref(), Some("2026-11-30T20:00:00Z"));
    assert_eq!(s.resolve.elapsed_seconds, 3600);
    let x = e.explain_sla(&t, at("2026-11-27T12:00:00Z")).unwrap();
    let v = serde_json::to_value(&x.resolve.entries).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"cell"));
    assert!(
        v.as_array().unwrap().iter().any(|e| e["kind"] == "closed"
            && e["reason"] == "holiday: Thanksgiving Day, Day after Thanksgiving"
            && e["from"] == "2026-11-25T22:00:00Z"
            && e["to"] == "2026-11-30T13:00:00Z"),
        "{v:#}"
    );
    let counted: i64 = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "counted")
        .map(|e| e["seconds"].as_i64().unwrap())
        .sum();
    assert_eq!(
        counted,
        16 * 3600,
        "the counted pieces add up to the target"
    );
    assert!(kinds.contains(&"due") && kinds.contains(&"now"));
}

#[test]
fn the_ledger_shows_dst_and_pauses() {
    // Opened Fri 2026-03-06 16:00 EST; waits on a vendor Mon 09:00-11:00 EDT.
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-06T21:00:00Z",
        json!([
            { "at": "2026-03-09T13:00:00Z", "status": "Wait Vendor" },
            { "at": "2026-03-09T15:00:00Z", "status": "In Process" },
        ]),
    );
    let x = engine()
        .explain_sla(&t, at("2026-03-09T16:00:00Z"))
        .unwrap();
    let v = serde_json::to_value(&x.resolve).unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e == &json!({ "kind": "dst", "at": "2026-03-08T07:00:00Z", "offsetBefore": "-05:00", "offsetAfter": "-04:00" })), "{v:#}");
    assert!(entries.iter().any(|e| e == &json!({ "kind": "paused", "from": "2026-03-09T13:00:00Z", "to": "2026-03-09T15:00:00Z", "status": "Wait Vendor" })), "{v:#}");
    // Fri 16-17 (1 h) + Mon 08-09 (1 h) + Mon 11-12 (1 h) = 3 h by now.
    assert_eq!(v["report"]["elapsedSeconds"], 3 * 3600);
}

#[test]
fn events_after_now_are_not_yet_history() {
    let t = ticket(
        CRITICAL_STOP,
        "2026-03-16T14:00:00Z",
        json!([
            { "at": "2026-03-16T14:10:00Z", "event": "responded" },
            { "at": "2026-03-16T17:00:00Z", "status": "Resolved" },
        ]),
    );
    let s = engine().sla(&t, at("2026-03-16T14:05:00Z")).unwrap();
    assert_eq!((s.respond.state, s.respond.elapsed_seconds), (Running, 300));
    assert_eq!(s.status, "New");
}

#[test]
fn bad_tickets_get_coded_errors_naming_the_field() {
    let e = engine();
    let now = at("2026-03-20T00:00:00Z");
    let ok = |h: Value| ticket(MINOR_IMPAIRED, "2026-03-16T14:00:00Z", h);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({ "impact": "Minor", "urgency": "Work Impaired" }),
            "MISSING_FIELD",
            "openedAt",
        ),
        (
            json!({ "impact": "Minor", "urgency": "Work Impaired", "openedAt": "yesterday" }),
            "INVALID_INSTANT",
            "openedAt",
        ),
        (
            json!({ "impact": "Minor", "urgency": "Work Impaired", "openedAt": 1 }),
            "INVALID_TYPE",
            "openedAt",
        ),
        (ok(json!("not a list")), "INVALID_TYPE", "history"),
        (ok(json!([7])), "INVALID_HISTORY", "history[0]"),
        (
            ok(json!([{ "status": "In Process" }])),
            "MISSING_FIELD",
            "history[0].at",
        ),
        (
            ok(json!([{ "at": "2026-03-16T15:00:00", "status": "In Process" }])),
            "INVALID_INSTANT",
            "history[0].at",
        ),
        (
            ok(json!([{ "at": "2026-03-16T13:00:00Z", "status": "In Process" }])),
            "INVALID_HISTORY",
            "history[0].at",
        ),
        (
            ok(
                json!([{ "at": "2026-03-16T16:00:00Z", "status": "In Process" }, { "at": "2026-03-16T15:00:00Z", "status": "Resolved" }]),
            ),
            "INVALID_HISTORY",
            "history[1].at",
        ),
        (
            ok(json!([{ "at": "2026-03-16T16:00:00Z", "status": "Sleeping" }])),
            "UNKNOWN_STATUS",
            "history[0].status",
        ),
        (
            ok(json!([{ "at": "2026-03-16T16:00:00Z", "status": 3 }])),
            "INVALID_TYPE",
            "history[0].status",
        ),
        (
            ok(json!([{ "at": "2026-03-16T16:00:00Z", "impact": "Planet" }])),
            "UNKNOWN_IMPACT",
            "history[0].impact",
        ),
    ];
    for (t, code, field) in cases {
        let err = e.sla(&t, now).unwrap_err();
        assert_eq!((err.code(), err.field()), (code, Some(field)), "{t}: {err}");
    }
    let mut t = ok(json!([{ "at": "2026-03-16T16:00:00Z", "status": "In Process" }]));
    t["status"] = json!("Resolved");
    let err = e.sla(&t, now).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("INVALID_HISTORY", Some("status"))
    );
    t["status"] = json!("in process");
    assert!(
        e.sla(&t, now).is_ok(),
        "statuses match without regard to case"
    );
    t["status"] = json!("Lost");
    let err = e.sla(&t, now).unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_STATUS");
    assert_eq!(err.allowed().unwrap().len(), 7);
    let err = e
        .sla(&ok(json!([])), at("2026-03-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
}

#[test]
fn the_model_ticket_from_the_reference_document() {
    // shared/reference/ticket-model.md's example, as given.
    let t = json!({
      "id": "TT-1042", "type": "incident",
      "impact": "Single Building affected", "urgency": "Work Impaired",
      "customerSeverity": "Work Stopped - No workaround",
      "status": "Wait Vendor", "openedAt": "2026-03-16T14:00:00Z",
      "history": [
        { "at": "2026-03-16T14:20:00Z", "status": "In Process" },
        { "at": "2026-03-16T14:20:00Z", "event": "responded" },
        { "at": "2026-03-16T15:05:00Z", "impact": "Multiple Buildings affected" },
        { "at": "2026-03-16T16:00:00Z", "status": "Wait Vendor" }
      ],
      "alarms": [ { "at": "2026-03-19T13:00:00Z", "message": "Call the carrier back about circuit 7" } ],
      "parent": "TT-1000", "children": [ { "id": "TT-1043", "status": "Closed" } ],
      "service": "File shares", "component": "core-switch-3",
      "contact": { "name": "Pat Doe", "email": "pat@example.edu", "phone": "7035551234" }
    });
    let s = engine().sla(&t, at("2026-03-17T14:00:00Z")).unwrap();
    // Multiple Buildings × Work Impaired is still Standard (business, 8 h / 16 h).
    assert_eq!(
        (
            s.priority.impact_level.as_str(),
            s.priority.priority.as_str()
        ),
        ("Major", "Standard")
    );
    assert_eq!(s.priority.customer_priority.as_deref(), Some("High"));
    // Respond: 20 min (10:00-10:20 EDT) of 8 h: met.
    assert_eq!((s.respond.state, s.respond.elapsed_seconds), (Met, 1200));
    // Resolve: 10:00-12:00 EDT counted, then waiting on the vendor: paused.
    assert_eq!((s.resolve.state, s.resolve.elapsed_seconds), (Paused, 7200));
    assert_eq!((s.status.as_str(), s.customer_seconds), ("Wait Vendor", 0));
}

#[test]
fn resolved_then_closed_stops_the_clock_at_the_resolution() {
    let t = ticket(
        CRITICAL_STOP,
        "2026-03-16T14:00:00Z",
        json!([
            { "at": "2026-03-16T14:10:00Z", "event": "responded", "status": "In Process" },
            { "at": "2026-03-16T16:00:00Z", "status": "Resolved" },
            { "at": "2026-03-18T16:00:00Z", "status": "Closed" },
        ]),
    );
    let s = engine().sla(&t, at("2026-03-20T00:00:00Z")).unwrap();
    assert_eq!(
        s.resolve.stopped_at.as_deref(),
        Some("2026-03-16T16:00:00Z")
    );
    assert_eq!(
        (
            s.resolve.state,
            s.resolve.elapsed_seconds,
            s.resolve.by_seconds
        ),
        (Met, 2 * 3600, Some(2 * 3600))
    );
    assert_eq!(s.service_seconds, 2 * 3600);
}

#[test]
fn a_stopped_clock_counts_nothing_after_its_stop_in_the_ledger() {
    let t = ticket(
        MINOR_IMPAIRED,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T16:00:00Z", "status": "Resolved" }]),
    );
    let x = engine()
        .explain_sla(&t, at("2026-03-20T00:00:00Z"))
        .unwrap();
    let v = serde_json::to_value(&x.resolve.entries).unwrap();
    let entries = v.as_array().unwrap();
    let counted: i64 = entries
        .iter()
        .filter(|e| e["kind"] == "counted")
        .map(|e| e["seconds"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 2 * 3600, "{v:#}");
    assert!(
        entries.iter().any(|e| e["kind"] == "stopped"
            && e["from"] == "2026-03-16T16:00:00Z"
            && e["status"] == "Resolved"),
        "{v:#}"
    );
    // The due instant it had is still shown.
    assert!(entries.iter().any(|e| e["kind"] == "due"));
}

/// A clock stopped after its due instant (breached, then resolved) shows
/// its stop up to now, as one stopped before it does: the last period of
/// a resolved ticket was a blank in the ledger (and on the portal's
/// timeline) while an earlier resolution in the same history was drawn.
#[test]
fn the_ledger_of_a_clock_stopped_after_its_due_runs_to_now() {
    let t = ticket(
        CRITICAL_STOP,
        "2026-03-16T14:00:00Z",
        json!([{ "at": "2026-03-16T20:00:00Z", "status": "Resolved" }]),
    );
    let x = engine()
        .explain_sla(&t, at("2026-03-17T09:00:00Z"))
        .unwrap();
    let v = serde_json::to_value(&x.resolve.entries).unwrap();
    let entries = v.as_array().unwrap();
    let stopped: Vec<&serde_json::Value> =
        entries.iter().filter(|e| e["kind"] == "stopped").collect();
    assert_eq!(stopped.len(), 1, "{v:#}");
    assert_eq!(
        (
            &stopped[0]["from"],
            &stopped[0]["to"],
            &stopped[0]["status"]
        ),
        (
            &json!("2026-03-16T20:00:00Z"),
            &json!("2026-03-17T09:00:00Z"),
            &json!("Resolved")
        ),
        "{v:#}"
    );
    let counted: i64 = entries
        .iter()
        .filter(|e| e["kind"] == "counted")
        .map(|e| e["seconds"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 6 * 3600, "{v:#}");
    assert_eq!(
        x.resolve.report.state,
        ticket_rules::sla::ClockState::Breached
    );
}

/// Triage often writes impact and urgency as two events at one instant:
/// each of the ledger's cells names its own priority beside its own clock
/// and target (the middle one named the last cell's priority beside the
/// intermediate cell's business clock).
#[test]
fn the_ledger_names_each_cell_of_one_instant() {
    let e = engine();
    let t = json!({ "id": "TT-7", "impact": "Single Individual", "urgency": "Work not Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "impact": "Entire University affected" },
            { "at": "2026-03-16T15:00:00Z", "urgency": "Work Stopped - No workaround" },
        ] });
    let x = serde_json::to_value(e.explain_sla(&t, at("2026-03-16T15:10:00Z")).unwrap()).unwrap();
    let cells: Vec<(String, String, String)> = x["resolve"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "cell")
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("priority"), s("urgency"), s("clock"))
        })
        .collect();
    for (priority, urgency, clock) in &cells {
        let p = e.priority_of("Entire University affected", urgency, None);
        let cell = p.ok().filter(|p| &p.priority == priority);
        if let Some(cell) = cell {
            assert_eq!(&cell.clock, clock, "{cells:?}");
        }
    }
    assert_eq!(cells.len(), 3, "{cells:?}");
    assert_eq!(cells[1].1, "Work not Impaired", "{cells:?}");
    assert_eq!(
        cells[1].0,
        e.priority_of("Entire University affected", "Work not Impaired", None)
            .unwrap()
            .priority
    );
    assert_eq!(cells[2].0, "Emergency", "{cells:?}");
}

/// A weekend holiday and the weekday it is observed on, in one closed
/// gap, are named once ("holiday: Independence Day, Independence Day").
#[test]
fn an_observed_holiday_is_named_once_in_the_ledger() {
    let e = engine();
    // Thursday 2026-07-02, 16:00 New York; July 4 is a Saturday, observed Friday.
    let t = ticket(MINOR_IMPAIRED, "2026-07-02T20:00:00Z", json!([]));
    let x = e.explain_sla(&t, at("2026-07-06T14:00:00Z")).unwrap();
    let v = serde_json::to_value(&x.resolve.entries).unwrap();
    let reasons: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "closed")
        .filter_map(|e| e["reason"].as_str())
        .collect();
    assert!(
        reasons.contains(&"holiday: Independence Day"),
        "{reasons:?}"
    );
}

/// A met Respond By's due instant stays where it was: a wait that began
/// after the response moved it (and the ledger's stop) for as long as the
/// wait lasted.
#[test]
fn a_met_due_instant_does_not_move_with_later_waits() {
    let e = engine();
    let t = json!({ "id": "TT-1", "impact": "Single Building affected", "urgency": "Work Impaired",
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [
            { "at": "2026-03-16T15:00:00Z", "event": "responded", "status": "In Process" },
            { "at": "2026-03-16T16:00:00Z", "status": "Wait Customer" },
        ] });
    for now in [
        "2026-03-16T16:30:00Z",
        "2026-03-17T16:00:00Z",
        "2026-03-19T16:00:00Z",
    ] {
        let s = e.sla(&t, at(now)).unwrap();
        assert_eq!(s.respond.state, Met, "{now}");
        assert_eq!(
            s.respond.due.as_deref(),
            Some("2026-03-17T13:00:00Z"),
            "{now}"
        );
    }
}

/// With "restart", only a change of the priority restarts the clocks: a
/// re-rating to another impact of the same priority restarted them too.
#[test]
fn a_rerating_to_the_same_priority_does_not_restart() {
    let e = restart_engine();
    // High (24x7, 1 h / 8 h) from 00:00Z, both impacts High.
    let t = json!({ "id": "TT-6", "impact": "Multiple Buildings affected", "urgency": "Work Stopped - No workaround",
        "openedAt": "2026-03-16T00:00:00Z",
        "history": [{ "at": "2026-03-16T00:30:00Z", "impact": "Multiple Departments affected" }] });
    let now = at("2026-03-16T02:00:00Z");
    let s = e.sla(&t, now).unwrap();
    assert_eq!(s.priority.priority, "High");
    assert_eq!(s.resolve.started_at, "2026-03-16T00:00:00Z");
    assert_eq!(s.resolve.due.as_deref(), Some("2026-03-16T08:00:00Z"));
    assert_eq!(
        (s.respond.state, s.respond.elapsed_seconds),
        (Breached, 7200)
    );
    let r = e.escalations(&t, now, &[]).unwrap();
    assert!(
        r.due.iter().any(|d| d.id == "TT-6/respond-breach/0"),
        "{:?}",
        r.due
    );
}

/// The default pack with the incident type opening at `initial`.
fn incident_opening_at(initial: &str) -> RuleEngine {
    let sources: Vec<(String, String)> = DEFAULT_PACK
        .iter()
        .map(|(n, s)| {
            let s = s.replace(
                "label: \"Incident\",",
                &format!("label: \"Incident\", initial: {initial:?},"),
            );
            (n.to_string(), s)
        })
        .collect();
    RuleEngine::from_sources(sources).unwrap()
}

#[test]
fn a_type_with_its_own_initial_status_opens_there() {
    // Its clocks run from its own first status: one opening in a wait is
    // paused from the start (it ran as if opened at New, the policy's
    // first status).
    let waiting = incident_opening_at("Wait Customer");
    let mut t = ticket(MINOR_IMPAIRED, "2026-03-16T14:00:00Z", json!([]));
    t["type"] = json!("incident");
    let s = waiting.sla(&t, at("2026-03-16T17:00:00Z")).unwrap();
    assert_eq!((s.respond.state, s.respond.elapsed_seconds), (Paused, 0));
    // The same from the pack compiled (its types are read back there).
    let compiled = RuleEngine::compile_sources(DEFAULT_PACK.iter().map(|(n, s)| {
        (
            *n,
            s.replace(
                "label: \"Incident\",",
                "label: \"Incident\", initial: \"Wait Customer\",",
            ),
        )
    }))
    .unwrap();
    let s = RuleEngine::from_compiled(&compiled)
        .unwrap()
        .sla(&t, at("2026-03-16T17:00:00Z"))
        .unwrap();
    assert_eq!(s.respond.state, Paused);
    // A type of the pack without one still opens at New.
    let mut other = t.clone();
    other["type"] = json!("outage");
    let s = waiting.sla(&other, at("2026-03-16T17:00:00Z")).unwrap();
    assert_eq!(s.respond.state, Running);

    // A ticket at its type's initial status with no status event in its
    // history agrees with it (it was INVALID_HISTORY: "its history ends in
    // New") for the clocks, transition and redact, and validate says so.
    let e = incident_opening_at("In Process");
    let mut t = ticket(MINOR_IMPAIRED, "2026-03-16T14:00:00Z", json!([]));
    t["type"] = json!("incident");
    t["status"] = json!("In Process");
    let s = e.sla(&t, at("2026-03-16T17:00:00Z")).unwrap();
    assert_eq!(s.respond.state, Running);
    assert!(e.transition(&t, "Wait Customer", None).unwrap().allowed);
    assert!(e.redact(&t, "customer").is_ok());
    let errors = e.validate(&t, None, None).unwrap().errors;
    assert!(
        errors.iter().all(|x| x.code != "INVALID_HISTORY"),
        "{errors:?}"
    );
    // New, with no status event, is not where it opens.
    t["status"] = json!("New");
    assert_eq!(
        e.sla(&t, at("2026-03-16T17:00:00Z")).unwrap_err().code(),
        "INVALID_HISTORY"
    );
}
