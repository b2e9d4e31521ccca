//! `ticket_ops`: arbitrary bytes, when they are JSON, as a ticket run
//! through every operation of the default pack. The instant `now` is the
//! ticket's own `"now"` key when it has one (an RFC 3339 string or Unix
//! seconds; the key is removed before the ticket is used), else derived
//! from the input: `openedAt` plus up to 60 days, or a fixed instant.

use serde_json::Value;
use ticket_rules::time::{from_seconds, parse_instant, Instant};
use ticket_rules::RuleEngine;

thread_local! {
    /// rhai's engine is not `Sync`: one default pack per thread.
    static ENGINE: Option<RuleEngine> = RuleEngine::embedded().ok();
}

/// 2026-03-16T14:20:00Z.
const FALLBACK_NOW: Instant = 1_773_670_800;

/// One run of the target.
pub fn run(data: &[u8]) {
    let Ok(mut ticket) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let given = ticket.clone();
    let now = take_now(&mut ticket, data);
    ENGINE.with(|engine| match engine {
        Some(engine) => {
            operations(engine, &ticket, now);
            same_as_doc(engine, data, &given, now);
        }
        None => panic!("the default pack does not load"),
    });
}

/// The same text read as a `Doc` (strings borrowed, every repeated key
/// kept) is the same `Value`, and gets the same answers from every
/// operation that takes one.
fn same_as_doc(engine: &RuleEngine, data: &[u8], value: &Value, now: Instant) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc: ticket_rules::json::Doc = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => panic!("a Value parses but a Doc does not: {e}"),
    };
    assert_eq!(&Value::from(&doc), value, "a Doc is not its Value");
    assert_eq!(
        engine.queue_of(std::slice::from_ref(&doc), now, &Default::default()),
        engine.queue(std::slice::from_ref(value), now),
        "a Doc queues differently from its Value"
    );
    assert_eq!(
        engine.sla(&doc, now),
        engine.sla(value, now),
        "sla of a Doc"
    );
    assert_eq!(
        engine.explain_sla(&doc, now),
        engine.explain_sla(value, now),
        "explain_sla of a Doc"
    );
    assert_eq!(
        engine.escalations(&doc, now, &[]),
        engine.escalations(value, now, &[]),
        "escalations of a Doc"
    );
}

/// `now` for this input (always inside the supported range, as the
/// bindings guarantee: they parse it with `parse_instant`/`from_millis`).
pub fn take_now(ticket: &mut Value, data: &[u8]) -> Instant {
    if let Some(v) = ticket.as_object_mut().and_then(|o| o.remove("now")) {
        let given = match &v {
            Value::String(s) => parse_instant(s, "now").ok(),
            Value::Number(n) => n.as_i64().and_then(from_seconds),
            _ => None,
        };
        if let Some(t) = given {
            return t;
        }
    }
    // FNV-1a of the input: a stable "random" offset.
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let offset = (hash % (60 * 86_400)) as i64;
    ticket
        .get("openedAt")
        .and_then(Value::as_str)
        .and_then(|s| parse_instant(s, "openedAt").ok())
        .and_then(|t| from_seconds(t + offset))
        .unwrap_or(FALLBACK_NOW)
}

/// Every operation on one ticket, with cross-checks between them.
pub fn operations(engine: &RuleEngine, ticket: &Value, now: Instant) {
    if let Ok(p) = engine.priority(ticket) {
        let _ = serde_json::to_string(&p);
    }
    let sla = engine.sla(ticket, now);
    let explained = engine.explain_sla(ticket, now);
    match (&sla, &explained) {
        (Ok(s), Ok(x)) => {
            assert_eq!(s.respond, x.respond.report, "sla and explain_sla disagree");
            assert_eq!(s.resolve, x.resolve.report, "sla and explain_sla disagree");
            let _ = serde_json::to_string(s);
            let _ = serde_json::to_string(x);
        }
        (Err(_), Ok(x)) => panic!("explain_sla answers {x:?} where sla fails with {sla:?}"),
        _ => {}
    }
    if let Ok(r) = engine.escalations(ticket, now, &[]) {
        let _ = serde_json::to_string(&r);
        // Fired escalations are not due again.
        let fired: Vec<String> = r.due.iter().map(|d| d.id.clone()).collect();
        if !fired.is_empty() {
            match engine.escalations(ticket, now, &fired) {
                Ok(again) => {
                    for d in &again.due {
                        assert!(!fired.contains(&d.id), "{} fired yet due again", d.id);
                    }
                }
                Err(e) => panic!("escalations fail once some have fired: {e}"),
            }
        }
    }
    if let Ok(v) = engine.validate(ticket, None, None) {
        let _ = serde_json::to_string(&v);
    }
    let types: Vec<String> = engine
        .pack()
        .types()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    for ty in &types {
        let _ = engine.validate(ticket, Some(ty), None);
        let _ = engine.reclassify(ticket, ty);
    }
    let children = ticket.get("children");
    for status in &engine.pack().sla().statuses {
        let _ = engine.transition(ticket, status, None);
        if children.is_some() {
            let _ = engine.transition(ticket, status, children);
        }
    }
    let _ = engine.transition(ticket, "No Such Status", None);

    // Permissions: for every role, redaction removes only what the role
    // may not read, and a redacted ticket sent back as a change by that
    // role is not refused for what redaction took out.
    let roles = engine.pack().user_roles().to_vec();
    for role in &roles {
        let Ok(shown) = engine.redact(ticket, role) else {
            continue;
        };
        assert!(
            engine.redact(&shown, role).is_ok(),
            "a redacted ticket fails redact"
        );
        let who = ticket_rules::Requester {
            role: Some(role),
            previous: Some(ticket),
        };
        if let Ok(r) = engine.validate_as(&shown, None, None, who) {
            for e in &r.errors {
                assert!(
                    !matches!(e.code.as_str(), "READ_ONLY" | "FORBIDDEN"),
                    "{role}: the unchanged ticket, redacted, is refused: {e:?}"
                );
            }
        }
        let who = ticket_rules::Requester {
            role: Some(role),
            previous: None,
        };
        let _ = engine.validate_as(ticket, None, None, who);
    }
    // The queue of this ticket alone agrees with its SLA clocks.
    if let Ok(q) = engine.queue(std::slice::from_ref(ticket), now) {
        let _ = serde_json::to_string(&q);
        if let (Some(e), Ok(s)) = (q.entries.first(), &sla) {
            let c = if e.clock == "respond" {
                &s.respond
            } else {
                &s.resolve
            };
            assert_eq!(
                (e.state, &e.due),
                (c.state, &c.due),
                "queue and sla disagree"
            );
        }
        assert_eq!(q.entries.len() + q.not_open.len() + q.problems.len(), 1);
    }
}
