//! The work queue (issue 9): open tickets ranked by what is most at risk,
//! each with its reason; closed ones left out, broken ones reported.

mod common;

use serde_json::{json, Value};
use ticket_rules::queue::{QueueKey, QueueOptions};
use ticket_rules::time::parse_instant;
use ticket_rules::RuleEngine;

/// A: Critical × Work Stopped, responded, long breached (24x7).
/// B: Major × Work Impaired, new since the morning (business hours).
/// C: Minor-ish, opened two hours ago: most of its target left.
/// D: waiting on a vendor: paused. E: resolved. F: an unknown impact.
fn tickets() -> Vec<Value> {
    vec![
        json!({ "id": "C", "type": "incident", "impact": "Single Building affected", "urgency": "Work not Impaired", "openedAt": "2026-03-18T13:00:00Z" }),
        json!({ "id": "A", "type": "incident", "impact": "Entire University affected", "urgency": "Work Stopped - No workaround", "openedAt": "2026-03-16T13:00:00Z",
                "history": [{ "at": "2026-03-16T13:05:00Z", "event": "responded" }, { "at": "2026-03-16T13:05:00Z", "status": "In Process" }] }),
        json!({ "id": "B", "type": "incident", "impact": "Multiple Buildings affected", "urgency": "Work Impaired", "openedAt": "2026-03-18T09:00:00Z" }),
        json!({ "id": "D", "type": "incident", "impact": "Multiple Buildings affected", "urgency": "Work Impaired", "openedAt": "2026-03-17T13:00:00Z",
                "history": [{ "at": "2026-03-17T13:05:00Z", "event": "responded" }, { "at": "2026-03-17T14:00:00Z", "status": "Wait Vendor" }] }),
        json!({ "id": "E", "type": "incident", "impact": "Multiple Buildings affected", "urgency": "Work Impaired", "openedAt": "2026-03-17T13:00:00Z",
                "history": [{ "at": "2026-03-17T15:00:00Z", "status": "Resolved" }] }),
        json!({ "id": "F", "impact": "Galaxy", "urgency": "Work Impaired", "openedAt": "2026-03-17T13:00:00Z" }),
    ]
}

fn ids<'a>(q: &'a ticket_rules::queue::QueueReport<'_>) -> Vec<&'a str> {
    q.entries
        .iter()
        .map(|e| e.id.as_deref().unwrap_or(""))
        .collect()
}

#[test]
fn breached_first_then_least_left_then_paused() {
    let e = RuleEngine::embedded().unwrap();
    // Wednesday 11:00 in New York: the business calendar is open.
    let q = e
        .queue(
            &tickets(),
            parse_instant("2026-03-18T15:00:00Z", "now").unwrap(),
        )
        .unwrap();
    assert_eq!(ids(&q), ["A", "B", "C", "D"]);
    assert_eq!(
        q.entries.iter().map(|x| x.rank).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(q.not_open, [4]);
    assert_eq!(q.problems.len(), 1);
    assert_eq!(
        (q.problems[0].index, q.problems[0].code),
        (5, "UNKNOWN_IMPACT")
    );
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| &q.entries[i]);
    assert_eq!(
        (a.clock, a.state),
        ("resolve", ticket_rules::sla::ClockState::Breached)
    );
    assert!(
        a.reason.starts_with("resolve breached 1 d 22 h ago;"),
        "{}",
        a.reason
    );
    assert_eq!(b.reason, "respond due in 5 h of business time; 37.5% used");
    assert_eq!(c.reason, "respond due in 6 h of business time; 25% used");
    assert!(b.percent_used > c.percent_used);
    assert_eq!(d.reason, "resolve clock paused (Wait Vendor); 6.3% used");
    assert!(q
        .entries
        .iter()
        .all(|x| x.open_now && x.resumes_at.is_none()));
    // The running clock's figures are sla's.
    let sla = e
        .sla(
            &tickets()[2],
            parse_instant("2026-03-18T15:00:00Z", "now").unwrap(),
        )
        .unwrap();
    assert_eq!(
        (b.due.as_ref(), b.remaining_seconds, &*b.status),
        (
            sla.respond.due.as_ref(),
            sla.respond.remaining_seconds,
            "New"
        )
    );
}

#[test]
fn the_order_moves_with_now_and_closed_clocks_say_when_they_resume() {
    let e = RuleEngine::embedded().unwrap();
    // 19:00 in New York: closed; B has run out of business time, C not.
    let q = e
        .queue(
            &tickets(),
            parse_instant("2026-03-18T23:00:00Z", "now").unwrap(),
        )
        .unwrap();
    assert_eq!(ids(&q), ["A", "B", "C", "D"]);
    let b = &q.entries[1];
    assert_eq!(b.state, ticket_rules::sla::ClockState::Breached);
    assert!(!b.open_now);
    // Thursday 08:00 in New York.
    assert_eq!(b.resumes_at.as_deref(), Some("2026-03-19T12:00:00Z"));
    assert!(
        b.reason.ends_with("; clock resumes 2026-03-19T12:00:00Z"),
        "{}",
        b.reason
    );
    assert!(
        b.reason
            .starts_with("respond breached 1 h of business time ago"),
        "{}",
        b.reason
    );
    // Before B was opened, only the older tickets are open; a ticket
    // responded to moves from the respond clock to the resolve clock.
    let mut t = tickets();
    t[2]["history"] = json!([{ "at": "2026-03-18T09:30:00Z", "event": "responded" }]);
    let q = e
        .queue(&t, parse_instant("2026-03-18T15:00:00Z", "now").unwrap())
        .unwrap();
    let b = q
        .entries
        .iter()
        .find(|x| x.id.as_deref() == Some("B"))
        .unwrap();
    assert_eq!(b.clock, "resolve");
    // Less of the resolve target is used than of C's respond target.
    assert_eq!(ids(&q), ["A", "C", "B", "D"]);
}

#[test]
fn ties_go_to_the_higher_priority_then_the_older_ticket() {
    let e = RuleEngine::embedded().unwrap();
    // Saturday: the business clock has not run for any of them, so none
    // has used any of its target.
    let now = parse_instant("2026-03-21T18:00:00Z", "now").unwrap();
    let t = |id: &str, urgency: &str, opened: &str| json!({ "id": id, "type": "incident", "impact": "Multiple Buildings affected", "urgency": urgency, "openedAt": opened });
    let q = e
        .queue(
            &[
                t("scheduled-old", "Work not Impaired", "2026-03-21T12:00:00Z"),
                t("standard-new", "Work Impaired", "2026-03-21T16:00:00Z"),
                t("standard-old", "Work Impaired", "2026-03-21T13:00:00Z"),
                t("scheduled-new", "Work not Impaired", "2026-03-21T17:00:00Z"),
            ],
            now,
        )
        .unwrap();
    assert!(
        q.entries.iter().all(|x| x.percent_used == 0.0),
        "{:?}",
        q.entries
    );
    assert_eq!(
        ids(&q),
        [
            "standard-old",
            "standard-new",
            "scheduled-old",
            "scheduled-new"
        ]
    );
    assert!(q
        .entries
        .iter()
        .all(|x| x.resumes_at.as_deref() == Some("2026-03-23T12:00:00Z")));
    // A ticket without what the clocks need is reported, not ranked.
    let q = e.queue(&[json!({ "id": "none" })], now).unwrap();
    assert_eq!(q.problems[0].code, "MISSING_FIELD");
    assert!(e.queue(&[], now).unwrap().entries.is_empty());
}

fn with_file(name: &str, source: &str) -> RuleEngine {
    RuleEngine::from_sources(common::default_pack_with(name, source)).unwrap()
}

/// A pack's own ranking: payroll tickets before everything, the default
/// order among equals; a hook answering something else than a number is
/// a coded problem for that ticket, not a failed queue.
#[test]
fn a_pack_ranks_by_its_own_rule() {
    let e = with_file(
        "queue.rhai",
        r#"fn queue_rank(ticket, entry) {
    if ticket.service == "Payroll" { return -1; }
    if entry.state == "paused" { return 0; }
    if ticket.service == "bad" { return "first"; }
    0
}"#,
    );
    let mut t = tickets();
    t[0]["service"] = json!("Payroll"); // C: otherwise third
    t[3]["service"] = json!("Wi-Fi"); // D: paused, still last among equals
    let now = parse_instant("2026-03-18T15:00:00Z", "now").unwrap();
    let q = e.queue(&t, now).unwrap();
    assert_eq!(ids(&q), ["C", "A", "B", "D"]);
    t[2]["service"] = json!("bad");
    let q = e.queue(&t, now).unwrap();
    assert_eq!(ids(&q), ["C", "A", "D"]);
    let p = q
        .problems
        .iter()
        .find(|p| p.id.as_deref() == Some("B"))
        .unwrap();
    assert_eq!(p.code, "PACK_INVALID");
    assert!(
        p.message.contains("queue_rank must return a number"),
        "{}",
        p.message
    );
    // Without the hook: the default order.
    assert_eq!(
        ids(&RuleEngine::embedded().unwrap().queue(&t, now).unwrap()),
        ["A", "B", "C", "D"]
    );
}

/// The order is pack data: the same tickets by priority first, and an
/// unknown or repeated criterion refused at load with its place.
#[test]
fn the_order_is_pack_data() {
    let by_priority = r#"queue_order(["priority", "age"]);"#;
    let sla = ticket_rules::DEFAULT_PACK
        .iter()
        .find(|(n, _)| *n == "sla.rhai")
        .map(|(_, s)| {
            s.replace(
            r#"queue_order(["paused_last", "breached_first", "percent_used", "priority", "age"]);"#,
            by_priority,
        )
        })
        .unwrap();
    assert!(sla.contains(by_priority));
    let e = RuleEngine::from_sources(common::default_pack_with("sla.rhai", &sla)).unwrap();
    let now = parse_instant("2026-03-18T15:00:00Z", "now").unwrap();
    let q = e.queue(&tickets(), now).unwrap();
    // Emergency A, then the two Standard tickets oldest first (D, paused,
    // is older than B), then Scheduled C.
    assert_eq!(ids(&q), ["A", "D", "B", "C"]);
    for (order, says) in [
        (
            r#"queue_order(["priority", "urgent"]);"#,
            "unknown criterion \"urgent\"",
        ),
        (r#"queue_order(["age", "age"]);"#, "names \"age\" twice"),
    ] {
        let errors = RuleEngine::load_sources(common::default_pack_with(
            "sla.rhai",
            &sla.replace(by_priority, order),
        ))
        .err()
        .unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|x| x.to_string().contains(says)
                    && x.span().is_some_and(|s| s.file == "sla.rhai")),
            "{order}: {errors:?}"
        );
    }
}

/// Tickets read as `Doc`s (parsed from the JSON text, strings borrowed, as
/// the JS binding reads them) give the very report `Value`s give: every
/// golden case and every malformed ticket of the catalogue, problems and
/// their messages included, with and without a pack hook that sees the
/// whole ticket.
#[test]
fn docs_and_values_give_the_same_queue() {
    let tickets = common::sample_tickets();
    assert!(
        tickets.len() > 120,
        "the golden and malformed tickets are in"
    );
    // A key given twice: the last one counts, in both, for its value and
    // for how deep the ticket nests.
    let mut text = serde_json::to_string(&tickets).unwrap();
    let deep = "[".repeat(70) + "]".repeat(70).as_str();
    text.insert_str(
        text.len() - 1,
        &format!(
            r#",{{"id":"dup","impact":"Galaxy","impact":"Entire University affected","junk":{deep},"junk":1,"urgency":"Work Impaired","openedAt":"2026-03-17T13:00:00Z"}}"#
        ),
    );
    let values: Vec<Value> = serde_json::from_str(&text).unwrap();
    let docs: Vec<ticket_rules::json::Doc> = serde_json::from_str(&text).unwrap();
    let ranked = RuleEngine::from_sources(common::default_pack_with(
        "queue.rhai",
        "fn queue_rank(ticket, entry) { if ticket.service == \"Email\" { -1 } else { 0 } }",
    ))
    .unwrap();
    let vip = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/examples/vip-services/adjust_priority.rhai"
    ))
    .unwrap();
    let adjusted =
        RuleEngine::from_sources(common::default_pack_with("adjust_priority.rhai", &vip)).unwrap();
    for engine in [RuleEngine::embedded().unwrap(), ranked, adjusted] {
        for now in ["2026-03-18T15:00:00Z", "2026-03-21T03:00:00Z"] {
            let now = parse_instant(now, "now").unwrap();
            let (v, d) = (
                engine.queue(&values, now),
                engine.queue_of(&docs, now, &QueueOptions::default()),
            );
            assert_eq!(v, d);
            let q = v.unwrap();
            assert!(q.entries.len() > 20 && q.problems.len() > 20);
            assert!(q.entries.iter().any(|e| e.id.as_deref() == Some("dup")));
        }
    }
}

/// A long queue (which indexes its calendars' open time around `now`)
/// gives each ticket the entry it gets when queued alone (which walks the
/// calendar day by day): tickets opened over ten weeks across a DST change,
/// on every cell of the matrix, some responded, some waiting on a vendor
/// for a while, some re-prioritised, at several `now`s.
#[test]
fn a_long_queue_answers_as_each_ticket_alone() {
    let e = RuleEngine::embedded().unwrap();
    let impacts = [
        "Entire University affected",
        "Multiple Buildings affected",
        "Single Building affected",
        "Outside of Service's operating hours",
    ];
    let urgencies = [
        "Work Stopped - No workaround",
        "Work Stopped - Workaround available",
        "Work Impaired",
        "Work not Impaired",
    ];
    let at = |t: i64| ticket_rules::time::format_instant(t);
    for now in [
        "2026-03-09T16:00:00Z",
        "2026-03-14T03:30:00Z",
        "2026-11-02T13:59:59Z",
    ] {
        let now = parse_instant(now, "now").unwrap();
        let mut seed = 11u64;
        let mut next = |n: i64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 17) % n as u64) as i64
        };
        let tickets: Vec<Value> = (0..400)
            .map(|i| {
                let opened = now - next(70 * 86_400);
                let mut history = Vec::new();
                let mut t = opened;
                for _ in 0..next(4) {
                    t += next(3 * 86_400);
                    history.push(match next(5) {
                        0 => json!({ "at": at(t), "event": "responded" }),
                        1 => json!({ "at": at(t), "status": "Wait Vendor" }),
                        2 => json!({ "at": at(t), "status": "In Process" }),
                        3 => json!({ "at": at(t), "priority": (["Emergency", "high", "standard"][next(3) as usize]) }),
                        _ => json!({ "at": at(t), "urgency": urgencies[next(4) as usize] }),
                    });
                }
                // The same levels spelled differently, and customer severities.
                let impact = impacts[next(4) as usize];
                let impact = if next(5) == 0 { format!(" {}", impact.to_uppercase()) } else { impact.to_string() };
                let mut t = json!({ "id": format!("T{i}"), "type": "incident",
                        "impact": impact, "urgency": urgencies[next(4) as usize],
                        "openedAt": at(opened), "history": history });
                if next(4) == 0 {
                    t["customerSeverity"] = json!(urgencies[next(4) as usize]);
                }
                t
            })
            .collect();
        let all = e.queue(&tickets, now).unwrap();
        assert!(all.problems.is_empty(), "{:?}", all.problems.first());
        assert_eq!(all.entries.len(), tickets.len());
        for entry in &all.entries {
            let alone = e
                .queue(std::slice::from_ref(&tickets[entry.index]), now)
                .unwrap();
            let mut expected = alone.entries[0].clone();
            expected.rank = entry.rank;
            expected.index = entry.index;
            assert_eq!(*entry, expected);
        }
    }
}

/// A call's own order replaces the pack's, and `limit` keeps the first
/// entries of the same ranking; `ranked` still counts every open ticket.
#[test]
fn a_call_may_order_its_own_way_and_keep_the_first() {
    let e = RuleEngine::embedded().unwrap();
    let now = parse_instant("2026-03-18T15:00:00Z", "now").unwrap();
    let tickets = tickets();
    let all = e.queue(&tickets, now).unwrap();
    assert_eq!((all.ranked, all.entries.len()), (4, 4));

    let q = |o: Value| {
        let options = QueueOptions::from_json(&o).unwrap();
        e.queue_of(&tickets, now, &options).unwrap()
    };
    for n in 0..6 {
        let first = q(json!({ "limit": n }));
        assert_eq!(first.ranked, 4);
        assert_eq!(first.entries.as_slice(), &all.entries[..n.min(4)]);
        assert_eq!(
            (&first.not_open, &first.problems),
            (&all.not_open, &all.problems)
        );
    }
    // By due instant alone: the paused ticket (no due instant) last, the
    // rest earliest due first, whatever the pack's order says.
    let by_due = q(json!({ "order": ["due"] }));
    let mut expected: Vec<_> = all.entries.iter().collect();
    expected.sort_by_key(|x| (x.due.is_none(), x.due.clone(), x.index));
    assert_eq!(
        by_due.entries.iter().map(|x| x.index).collect::<Vec<_>>(),
        expected.iter().map(|x| x.index).collect::<Vec<_>>()
    );
    assert_eq!(
        by_due.entries.iter().map(|x| x.rank).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    // Oldest first: not the pack's order, and the paused ticket no longer
    // last.
    assert_eq!(ids(&q(json!({ "order": ["age"] }))), ["A", "D", "B", "C"]);
    assert_eq!(ids(&q(json!({ "order": ["age"], "limit": 2 }))), ["A", "D"]);
    // The pack's order written out is the pack's order; an empty one keeps
    // the order given.
    let names: Vec<&str> = QueueKey::DEFAULT
        .iter()
        .map(|k| QueueKey::NAMES.iter().find(|(_, x)| x == k).unwrap().0)
        .collect();
    assert_eq!(q(json!({ "order": names })), all);
    let given = q(json!({ "order": [] }));
    assert_eq!(
        given.entries.iter().map(|x| x.index).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(q(json!(null)), all);
    assert_eq!(q(json!({ "order": null, "limit": null })), all);
}

#[test]
fn queue_options_are_checked() {
    for (options, code, says) in [
        (
            json!({ "order": ["due", "soon"] }),
            "INVALID_INPUT",
            "unknown criterion \"soon\"",
        ),
        (
            json!({ "order": ["due", "due"] }),
            "INVALID_INPUT",
            "names \"due\" twice",
        ),
        (
            json!({ "order": "due" }),
            "INVALID_TYPE",
            "`options.order` must be a list of criteria",
        ),
        (
            json!({ "order": [1] }),
            "INVALID_TYPE",
            "`options.order` must be a list of criteria",
        ),
        (json!({ "limit": -1 }), "INVALID_INPUT", "options.limit"),
        (json!({ "limit": 2.5 }), "INVALID_INPUT", "options.limit"),
        (
            json!({ "limit": "10" }),
            "INVALID_TYPE",
            "`options.limit` must be a whole number",
        ),
        (
            json!({ "limt": 10 }),
            "INVALID_INPUT",
            "unknown option \"limt\"",
        ),
        // A null is no option only for the options there are.
        (
            json!({ "limt": null }),
            "INVALID_INPUT",
            "unknown option \"limt\"",
        ),
        (
            json!([10]),
            "INVALID_TYPE",
            "`options` must be a JSON object",
        ),
    ] {
        let e = QueueOptions::from_json(&options).unwrap_err();
        assert_eq!(e.code(), code, "{options}");
        assert!(e.to_string().contains(says), "{options}: {e}");
    }
}

/// A whole-number id is the ticket's id in the queue (it was `null`) and
/// in a parent's list of open children (it was `children[0]`), as it is in
/// escalation ids.
#[test]
fn a_numeric_id_is_an_id() {
    let e = RuleEngine::embedded().unwrap();
    let now = parse_instant("2026-03-18T15:00:00Z", "now").unwrap();
    let t = json!({ "id": 42, "type": "incident", "impact": "Single Building affected", "urgency": "Work Impaired", "openedAt": "2026-03-18T13:00:00Z" });
    let q = e.queue(&[t], now).unwrap();
    assert_eq!(ids(&q), ["42"]);
    let outage = json!({ "type": "outage", "status": "Resolved" });
    let children = json!([{ "id": 1043, "status": "In Process" }]);
    let r = e.transition(&outage, "Closed", Some(&children)).unwrap();
    assert_eq!(r.errors[0].params["open"], json!(["1043"]));
}

/// A ticket waiting on the customer sinks below the rest even when its
/// clock was breached before the wait, and its reason does not say the
/// clock resumes when the calendar opens (it resumes when they answer).
#[test]
fn a_breached_ticket_that_waits_still_sinks() {
    let e = RuleEngine::embedded().unwrap();
    let waiting = json!({ "id": "WAIT", "type": "incident", "impact": "Entire University affected",
        "urgency": "Work Stopped - No workaround", "openedAt": "2026-03-16T13:00:00Z",
        "history": [
            { "at": "2026-03-16T13:05:00Z", "event": "responded" },
            { "at": "2026-03-20T13:00:00Z", "status": "Wait Customer" },
        ] });
    let working = json!({ "id": "WORK", "type": "incident", "impact": "Single Building affected",
        "urgency": "Work not Impaired", "openedAt": "2026-03-20T13:00:00Z" });
    // Saturday: the business calendar is closed.
    let now = parse_instant("2026-03-21T11:50:00Z", "now").unwrap();
    let q = e.queue(&[waiting, working], now).unwrap();
    assert_eq!(ids(&q), ["WORK", "WAIT"]);
    let wait = &q.entries[1];
    assert!(wait.reason.contains("breached"), "{}", wait.reason);
    assert!(
        wait.reason.ends_with("; waiting (Wait Customer)"),
        "{}",
        wait.reason
    );
    assert!(
        !q.entries[0].reason.contains("waiting"),
        "{}",
        q.entries[0].reason
    );
}

/// An id of the wrong kind is a problem, as `escalations` refuses it; its
/// entry used to say `id: null` without a word.
#[test]
fn an_id_of_the_wrong_kind_is_a_problem() {
    let e = RuleEngine::embedded().unwrap();
    let t = |id: Value| {
        json!({ "id": id, "type": "incident", "impact": "Single Individual",
                "urgency": "Work Impaired", "openedAt": "2026-03-16T14:00:00Z" })
    };
    let now = parse_instant("2026-03-20T00:00:00Z", "now").unwrap();
    let q = e
        .queue(
            &[t(json!(4.5)), t(json!(42)), t(json!("TT-1")), t(json!({}))],
            now,
        )
        .unwrap();
    assert_eq!(ids(&q), ["42", "TT-1"]);
    assert_eq!(
        q.problems
            .iter()
            .map(|p| (p.index, p.code))
            .collect::<Vec<_>>(),
        [(0, "INVALID_TYPE"), (3, "INVALID_TYPE")]
    );
    assert!(q.problems[0].message.contains("`id`"));
    assert_eq!(
        e.escalations(&t(json!(4.5)), now, &[]).unwrap_err().code(),
        "INVALID_TYPE"
    );
}
