//! The explain ledger: why a due date is what it is, as a list a person
//! can read (or a page can draw): the matrix cell used, each counted
//! interval, each closed period (nights, weekends, holidays by name), each
//! pause with its status, each DST change crossed, and the due instant.

use serde::Serialize;

use super::{ClockPlan, ClockReport, Timeline, Which};
use crate::calendar::Calendar;
use crate::error::Result;
use crate::sla::policy::SlaPolicy;
use crate::time::{format_instant, Instant};

/// One line of a ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Entry {
    /// From `at`, this matrix cell sets the target.
    #[serde(rename_all = "camelCase")]
    Cell {
        /// When it applies from.
        at: String,
        /// The priority.
        priority: String,
        /// The impact level.
        impact_level: String,
        /// The urgency.
        urgency: String,
        /// The calendar the clock runs on.
        clock: String,
        /// The target, seconds of that clock.
        target_seconds: i64,
    },
    /// Business time counted.
    Counted {
        /// From.
        from: String,
        /// To.
        to: String,
        /// Its length.
        seconds: i64,
    },
    /// The calendar was closed.
    Closed {
        /// From.
        from: String,
        /// To.
        to: String,
        /// `outside business hours`, or `holiday: <name>`.
        reason: String,
    },
    /// The ticket waited; the clock did not run.
    Paused {
        /// From.
        from: String,
        /// To.
        to: String,
        /// The status it waited in.
        status: String,
    },
    /// The clock had stopped (resolved, then re-opened).
    Stopped {
        /// From.
        from: String,
        /// To.
        to: String,
        /// The status.
        status: String,
    },
    /// A daylight-saving (or other UTC offset) change was crossed.
    #[serde(rename_all = "camelCase")]
    Dst {
        /// When.
        at: String,
        /// The offset before, e.g. `-05:00`.
        offset_before: String,
        /// The offset after.
        offset_after: String,
    },
    /// The clock reaches its target here.
    Due {
        /// When.
        at: String,
    },
    /// The answer is as of this instant.
    Now {
        /// When.
        at: String,
    },
}

/// One clock's report and its ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockLedger {
    /// The clock's state, as [`super::SlaReport`] gives it.
    pub report: ClockReport,
    /// The entries, in time order.
    pub entries: Vec<Entry>,
}

fn offset(s: i64) -> String {
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.abs();
    format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
}

/// Builds the ledger of one clock.
pub(crate) fn ledger(
    plan: &ClockPlan<'_>,
    t: &Timeline,
    policy: &SlaPolicy,
) -> Result<ClockLedger> {
    let report = plan.report()?;
    let due = report
        .due
        .as_deref()
        .and_then(|d| crate::time::parse_instant(d, "due").ok());
    // Cover the clock's life up to the later of its due instant and now,
    // so the page can draw both: a clock stopped before now (resolved,
    // whether or not it was breached first) has its stop up to now too.
    let horizon = due.map_or(plan.end, |d| d.max(plan.end)).max(t.now);
    let mut timed: Vec<(Instant, u8, Entry)> = Vec::new();
    for (k, &(from, cal, target)) in plan.regimes.iter().enumerate() {
        let to = plan
            .regimes
            .get(k + 1)
            .map_or(horizon, |r| r.0)
            .min(horizon);
        if let Some(r) = t.regimes.get(plan.first_regime + k) {
            timed.push((
                from,
                0,
                Entry::Cell {
                    at: format_instant(from),
                    priority: r.result.priority.clone(),
                    impact_level: r.result.impact_level.clone(),
                    urgency: r.result.urgency.clone(),
                    clock: cal.name().to_string(),
                    target_seconds: target,
                },
            ));
        }
        // A stopped clock counts nothing after its stop; a running one is
        // projected past now with only the pauses that have ended.
        let (to, stopped_until) = match plan.stopped_at {
            Some(stop) if to > stop => (stop.max(from), Some(to)),
            _ => (to, None),
        };
        let pauses = if to > plan.end {
            &plan.closed_pauses
        } else {
            &plan.pauses
        };
        let mut cursor = from;
        let mut gaps = Vec::new();
        cal.open_pieces(from, to, pauses, |a, b| {
            if a > cursor {
                gaps.push((cursor, a));
            }
            timed.push((
                a,
                2,
                Entry::Counted {
                    from: format_instant(a),
                    to: format_instant(b),
                    seconds: b - a,
                },
            ));
            cursor = b;
        })?;
        if cursor < to {
            gaps.push((cursor, to));
        }
        for (a, b) in gaps {
            explain_gap(a, b, cal, plan, t, policy, &mut timed);
        }
        if let Some(until) = stopped_until {
            timed.push((
                to,
                2,
                Entry::Stopped {
                    from: format_instant(to),
                    to: format_instant(until),
                    status: t.status_at(to).to_string(),
                },
            ));
        }
        for (at, before, after) in cal.offset_changes(from, to) {
            timed.push((
                at,
                1,
                Entry::Dst {
                    at: format_instant(at),
                    offset_before: offset(before),
                    offset_after: offset(after),
                },
            ));
        }
    }
    if let Some(d) = due {
        timed.push((
            d,
            3,
            Entry::Due {
                at: format_instant(d),
            },
        ));
    }
    timed.push((
        t.now,
        4,
        Entry::Now {
            at: format_instant(t.now),
        },
    ));
    let order = crate::json::stable_order(
        timed
            .iter()
            .map(|(at, order, _)| [*at, i64::from(*order), 0]),
    );
    let mut entries: Vec<Option<Entry>> = timed.into_iter().map(|(_, _, e)| Some(e)).collect();
    Ok(ClockLedger {
        report,
        entries: order
            .into_iter()
            .filter_map(|i| entries.get_mut(i)?.take())
            .collect(),
    })
}

/// Splits a gap in counted time by what caused it: a status (paused or
/// stopped), else the calendar (closed, with holidays named).
fn explain_gap(
    a: Instant,
    b: Instant,
    cal: &Calendar,
    plan: &ClockPlan<'_>,
    t: &Timeline,
    policy: &SlaPolicy,
    out: &mut Vec<(Instant, u8, Entry)>,
) {
    let mut at = a;
    for (from, to, status) in &t.statuses {
        let (s, e) = ((*from).max(at), (*to).min(b));
        if s >= e {
            continue;
        }
        let paused = policy.pauses(status);
        let stopped = plan.which == Which::Resolve && policy.is_resolved(status);
        if !(paused || stopped) {
            continue;
        }
        if s > at {
            closed(at, s, cal, out);
        }
        let (f, t2) = (format_instant(s), format_instant(e));
        let entry = if stopped {
            Entry::Stopped {
                from: f,
                to: t2,
                status: status.to_string(),
            }
        } else {
            Entry::Paused {
                from: f,
                to: t2,
                status: status.to_string(),
            }
        };
        out.push((s, 2, entry));
        at = e;
    }
    if at < b {
        closed(at, b, cal, out);
    }
}

fn closed(a: Instant, b: Instant, cal: &Calendar, out: &mut Vec<(Instant, u8, Entry)>) {
    // Name the holidays inside the gap (the first few, for a long one).
    let mut names: Vec<String> = Vec::new();
    let mut d = cal.local_date(a);
    let last = cal.local_date(b - 1);
    for _ in 0..400 {
        if d > last || names.len() == 5 {
            break;
        }
        if let Some(h) = cal.holiday_on(d) {
            // A holiday and its observed day in one gap are named once.
            let name = h.name.clone().unwrap_or_else(|| d.to_string());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let Some(next) = d.succ_opt() else { break };
        d = next;
    }
    let reason = if names.is_empty() {
        "outside business hours".to_string()
    } else {
        format!("holiday: {}", names.join(", "))
    };
    out.push((
        a,
        2,
        Entry::Closed {
            from: format_instant(a),
            to: format_instant(b),
            reason,
        },
    ));
}
