//! The work queue (issue 9): open tickets in the order a person should pick
//! them up. RFC 1297 asks for "real time lists of open problems, sorted by
//! priority", where "current priorities of tickets change according to
//! time of day, or in response to timer alerts"; the process has a
//! dispatcher review the queue and assign.
//!
//! The default order: breached first (the most overdue, relative
//! to its target, first), then the least remaining time on the running
//! clock relative to its target, then the priority, then the age. Paused
//! tickets (waiting on the customer or a vendor) sink below the rest. Each
//! entry says why, in words, and when a clock that is closed now resumes.
//!
//! The order is pack data: `queue_order([...])` lists criteria (see
//! [`QueueKey`]); without it, [`QueueKey::DEFAULT`]. A pack may also rank by
//! its own rule: `fn queue_rank(ticket, entry)` returns
//! a number, lower first, with `queue_order` breaking ties (one rhai call
//! per ticket).
//!
//! A call may ask for its own order and for the first entries only
//! ([`QueueOptions`]: `{ order, limit }` from JS), for a view sorted
//! another way or the top of a long queue.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::calendar::Calendar;
use crate::engine::RuleEngine;
use crate::error::{Error, Result};
use crate::json::JsonView;
use crate::sla::{ClockFigures, ClockState};
use crate::spec::push_number;
use crate::time::{format_instant, Instant};

/// One open ticket in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry<'a> {
    /// 1 for the ticket to pick up first.
    pub rank: usize,
    /// Where the ticket was in the list given.
    pub index: usize,
    /// The ticket's `id`, if it has one.
    pub id: Option<Cow<'a, str>>,
    /// Its priority now.
    pub priority: Cow<'a, str>,
    /// The clock that decides its place: `respond` until the first
    /// response, then `resolve`.
    pub clock: &'static str,
    /// That clock's state.
    pub state: ClockState,
    /// That clock's due instant (`null` while paused).
    pub due: Option<String>,
    /// Its seconds left (0 once breached).
    pub remaining_seconds: i64,
    /// Its target used, in percent.
    #[serde(serialize_with = "crate::time::js_number")]
    pub percent_used: f64,
    /// Whether the clock's calendar is open now.
    pub open_now: bool,
    /// When the clock's calendar opens again, if it is closed now.
    pub resumes_at: Option<String>,
    /// Why it is here, in words.
    pub reason: String,
    /// The ticket's status now.
    pub status: Cow<'a, str>,
}

/// A ticket that could not be placed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueProblem {
    /// Where the ticket was in the list given.
    pub index: usize,
    /// Its `id`, if it has one.
    pub id: Option<String>,
    /// The stable code (`UNKNOWN_IMPACT`, ...).
    pub code: &'static str,
    /// For people.
    pub message: String,
}

/// The queue at `now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueReport<'a> {
    /// Open tickets, first to pick up first.
    pub entries: Vec<QueueEntry<'a>>,
    /// How many open tickets were ranked: `entries` holds them all, or the
    /// first [`QueueOptions::limit`] of them.
    pub ranked: usize,
    /// Tickets left out because they are resolved or closed.
    pub not_open: Vec<usize>,
    /// Tickets whose clocks could not be computed.
    pub problems: Vec<QueueProblem>,
    /// The instant the answer is for.
    pub now: String,
    /// The pack version.
    pub pack_version: String,
}

impl QueueReport<'_> {
    /// The same report owning all its text (one borrowed from the tickets
    /// and the engine by [`RuleEngine::queue_of`], to save copying).
    pub fn into_owned(self) -> QueueReport<'static> {
        let own = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        QueueReport {
            entries: self
                .entries
                .into_iter()
                .map(|e| QueueEntry {
                    id: e.id.map(own),
                    priority: own(e.priority),
                    status: own(e.status),
                    ..e
                })
                .collect(),
            ..self
        }
    }
}

/// One criterion of the queue's order (`queue_order([...])` in a pack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKey {
    /// Paused tickets (waiting on the customer or a vendor) after the rest.
    PausedLast,
    /// Breached tickets before the rest.
    BreachedFirst,
    /// The most of the running clock's target used first.
    PercentUsed,
    /// The least time left on the running clock first (absolute).
    Remaining,
    /// The highest priority first.
    Priority,
    /// The oldest first.
    Age,
    /// The earliest due first (a paused clock has no due instant: last).
    Due,
}

/// What one call of the queue may ask besides the pack's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueOptions {
    /// Criteria to order by instead of the pack's `queue_order` (after
    /// the pack's `queue_rank` hook, if it has one, as that order is).
    pub order: Option<Vec<QueueKey>>,
    /// Only the first this many entries (`ranked` still counts them all).
    pub limit: Option<usize>,
}

impl QueueOptions {
    /// From JSON as JS passes it: `{ order?: [criterion, ...], limit?:
    /// n }`, `null` for none. Unknown keys are refused (a misspelt
    /// `limt` would otherwise be silently ignored).
    pub fn from_json(v: &Value) -> Result<QueueOptions> {
        let wrong =
            |field: &str, expected: &'static str, found: &Value| crate::Error::InvalidType {
                field: field.to_string(),
                expected,
                found: crate::ticket::json_type(found),
            };
        let mut out = QueueOptions::default();
        let members = match v {
            Value::Null => return Ok(out),
            Value::Object(m) => m,
            other => return Err(wrong("options", "JSON object", other)),
        };
        for (k, v) in members {
            match (k.as_str(), v) {
                ("order" | "limit", Value::Null) => {}
                ("order", Value::Array(names)) => {
                    let mut texts = Vec::with_capacity(names.len());
                    for n in names {
                        match n.as_str() {
                            Some(n) => texts.push(n),
                            None => return Err(wrong("options.order", "list of criteria", n)),
                        }
                    }
                    let (order, errors) = QueueKey::order_of(texts, "options.order");
                    if let Some(e) = errors.into_iter().next() {
                        return Err(crate::Error::input(e));
                    }
                    out.order = Some(order);
                }
                ("order", other) => return Err(wrong("options.order", "list of criteria", other)),
                ("limit", Value::Number(n)) => {
                    // Past what the platform counts to: no limit at all.
                    match n.as_u64().map(|n| usize::try_from(n).unwrap_or(usize::MAX)) {
                        Some(n) => out.limit = Some(n),
                        None => {
                            return Err(crate::Error::input(format!(
                                "options.limit must be a whole number, 0 or more, not {n}"
                            )))
                        }
                    }
                }
                ("limit", other) => return Err(wrong("options.limit", "whole number", other)),
                (other, _) => {
                    return Err(crate::Error::input(format!(
                        "options: unknown option {:?}; options: order, limit",
                        other.chars().take(64).collect::<String>()
                    )))
                }
            }
        }
        Ok(out)
    }
}

/// From how many tickets a queue indexes its calendars first (building an
/// index costs about what a few dozen tickets' walks do).
const INDEX_FROM: usize = 32;

/// The most criteria an order can have: each at most once.
const KEY_PARTS: usize = QueueKey::NAMES.len();

impl QueueKey {
    /// The names a pack writes, and what they mean.
    pub const NAMES: [(&'static str, QueueKey); 7] = [
        ("paused_last", QueueKey::PausedLast),
        ("breached_first", QueueKey::BreachedFirst),
        ("percent_used", QueueKey::PercentUsed),
        ("remaining", QueueKey::Remaining),
        ("priority", QueueKey::Priority),
        ("age", QueueKey::Age),
        ("due", QueueKey::Due),
    ];

    /// The order without a declaration: breached first, then the least of
    /// the target left, then priority, then age, paused last.
    pub const DEFAULT: [QueueKey; 5] = [
        QueueKey::PausedLast,
        QueueKey::BreachedFirst,
        QueueKey::PercentUsed,
        QueueKey::Priority,
        QueueKey::Age,
    ];

    /// Criteria by name, each at most once: the order, and what is wrong
    /// with the names (`what` names the list in the messages).
    pub(crate) fn order_of<'n>(
        names: impl IntoIterator<Item = &'n str>,
        what: &str,
    ) -> (Vec<QueueKey>, Vec<String>) {
        let (mut keys, mut errors) = (Vec::new(), Vec::new());
        for n in names {
            match Self::named(n) {
                Some(k) if !keys.contains(&k) => keys.push(k),
                Some(_) => errors.push(format!("{what} names {n:?} twice")),
                None => errors.push(format!(
                    "{what}: unknown criterion {n:?}; criteria: {:?}",
                    Self::NAMES.map(|(n, _)| n)
                )),
            }
        }
        (keys, errors)
    }

    /// The criterion a pack names.
    pub fn named(name: &str) -> Option<QueueKey> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
    }
}

/// Seconds as people say them: `35 min`, `2 h 10 min`, `3 d 4 h`.
fn spoken(out: &mut String, seconds: i64) {
    let m = seconds.max(0).unsigned_abs().div_ceil(60);
    let (d, h, m) = (m / 1440, m / 60 % 24, m % 60);
    let mut say = |n: u64, unit: &str| {
        push_number(out, n);
        out.push_str(unit);
    };
    match (d, h, m) {
        (0, 0, m) => say(m, " min"),
        (0, h, 0) => say(h, " h"),
        (0, h, m) => {
            say(h, " h ");
            say(m, " min");
        }
        (d, 0, _) => say(d, " d"),
        (d, h, _) => {
            say(d, " d ");
            say(h, " h");
        }
    }
}

/// Why a ticket is where it is, in words, into one string.
fn reason(which: &str, c: &ClockFigures<'_>, status: &str) -> String {
    let unit = if c.calendar.name() == crate::pack::declare::ALWAYS {
        ""
    } else {
        " of business time"
    };
    let mut out = String::with_capacity(64);
    out.push_str(which);
    match c.state {
        ClockState::Paused => {
            out.push_str(" clock paused (");
            out.push_str(status);
            out.push(')');
        }
        ClockState::Breached => {
            out.push_str(" breached ");
            spoken(&mut out, c.by.unwrap_or(0));
            out.push_str(unit);
            out.push_str(" ago");
        }
        _ => {
            out.push_str(" due in ");
            spoken(&mut out, c.remaining());
            out.push_str(unit);
        }
    }
    out.push_str("; ");
    tenths(&mut out, c.percent);
    out.push_str("% used");
    out
}

/// `x` as `{}` writes it, quicker for what percentages are: whole tenths
/// (`37.5`, `6`, `47973`). Anything else goes to [`float_text`](crate::spec::float_text).
fn tenths(out: &mut String, x: f64) {
    #[allow(clippy::cast_possible_truncation)] // checked: the round trip below
    let t = (x * 10.0).round() as i64;
    #[allow(clippy::cast_precision_loss)] // |t| < 10^15: exact
    let exact =
        x.is_sign_positive() && (0..1_000_000_000_000_000).contains(&t) && t as f64 / 10.0 == x;
    if !exact {
        crate::spec::float_text(out, x);
        return;
    }
    push_number(out, t.unsigned_abs() / 10);
    if t % 10 != 0 {
        out.push('.');
        out.push(char::from(b'0' + (t % 10) as u8));
    }
}

/// `x` mapped to `u64` keeping its order.
#[allow(clippy::cast_sign_loss)] // the bits, reinterpreted
fn ordered(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// A prefix of a ticket's place in the order, as one integer: if
/// `prefix(a) < prefix(b)` then `a` comes first, and only equal prefixes
/// need the whole key. The pack's own rank when it has a queue hook (its
/// `total_cmp` order, exactly); else the yes/no criteria a bit each, then
/// the top bits of the first other criterion.
fn prefix(hooked: bool, rank: f64, key: &[i64; KEY_PARTS], order_by: &[QueueKey]) -> u64 {
    if hooked {
        // As `f64::total_cmp` orders: negative numbers' magnitude bits flipped.
        #[allow(clippy::cast_possible_wrap)] // the bits, reinterpreted
        let bits = rank.to_bits() as i64;
        #[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
        return ordered(bits ^ (((bits >> 63) as u64) >> 1) as i64);
    }
    let mut out = 0u64;
    let mut bits = 64;
    for (k, part) in order_by.iter().zip(key) {
        if matches!(k, QueueKey::PausedLast | QueueKey::BreachedFirst) {
            bits -= 1;
            out |= u64::from(*part != 0) << bits;
        } else {
            out |= ordered(*part) >> (64 - bits);
            break;
        }
    }
    out
}

impl RuleEngine {
    /// Orders open tickets for a person picking the next task, at `now`
    /// (see the module documentation for the order). Resolved and closed
    /// tickets are left out (`not_open`); a ticket whose clocks cannot be
    /// computed is reported in `problems`, not ranked, and does not stop
    /// the others.
    pub fn queue(&self, tickets: &[Value], now: Instant) -> Result<QueueReport<'static>> {
        self.queue_of(tickets, now, &QueueOptions::default())
            .map(QueueReport::into_owned)
    }

    /// [`queue`](Self::queue) of tickets in any [`JsonView`]: `Value`s, or
    /// [`Doc`](crate::json::Doc)s parsed from JSON text (cheaper to read in
    /// bulk; the answer is the same), with a call's own `options`.
    pub fn queue_of<'a, J: JsonView>(
        &'a self,
        tickets: &'a [J],
        now: Instant,
        options: &QueueOptions,
    ) -> Result<QueueReport<'a>> {
        let policy = self.pack().sla();
        // (the pack's own rank, the order's key) of each entry in `placed`,
        // at the same place.
        let mut ranked: Vec<(f64, [i64; KEY_PARTS])> = Vec::with_capacity(tickets.len());
        let mut placed: Vec<Option<QueueEntry>> = Vec::with_capacity(tickets.len());
        let mut not_open = Vec::new();
        let mut problems = Vec::new();
        let hooked = self.pack().has_queue_hook();
        // A hook sees the whole ticket as a `Value`: made once per ticket
        // (not once per re-prioritising event) when the pack has one.
        let as_value = hooked || self.pack().has_priority_hook();
        let order_by = options
            .order
            .as_deref()
            .unwrap_or_else(|| self.pack().queue_order());
        // A few distinct impacts and urgencies among thousands of tickets.
        let memo = crate::engine::PriorityMemo::new(self);
        // Whether each clock's calendar is open at `now`, and when it opens
        // next: the same for every ticket on that clock.
        let mut at_now: Vec<(&Calendar, bool, Option<Instant>)> = Vec::new();
        // Many tickets ask the same calendars about the days around `now`:
        // answered from an index of their open time (the same answers, see
        // `calendar::index`), built once here.
        let _indexed = (tickets.len() >= INDEX_FROM)
            .then(|| crate::calendar::index::install(self.pack().calendars(), now));
        for (index, t) in tickets.iter().enumerate() {
            // A whole-number id is an id too (escalation ids take it so);
            // one of another kind is a problem, as `escalations` says it
            // (its entry said `id: null`, and no problem).
            let id = t.get("id").and_then(JsonView::id_text);
            if let Some(bad) = t.get("id").filter(|v| !v.is_null() && id.is_none()) {
                let e = Error::InvalidType {
                    field: "id".into(),
                    expected: "string or whole number",
                    found: bad.type_name(),
                };
                problems.push(QueueProblem {
                    index,
                    id: None,
                    code: e.code(),
                    message: e.to_string(),
                });
                continue;
            }
            let whole = as_value.then(|| t.to_value());
            let clock = match &whole {
                Some(v) => self.running_clock(&**v, now, &memo),
                None => self.running_clock(t, now, &memo),
            };
            let crate::engine::RunningClock {
                status,
                priority,
                priority_rank,
                which,
                figures: c,
                opened,
            } = match clock {
                Ok(r) => r,
                Err(e) => {
                    problems.push(QueueProblem {
                        index,
                        id: id.map(Cow::into_owned),
                        code: e.code(),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let done = |list: &[String]| list.iter().any(|s| crate::priority::same_name(s, status));
            if done(&policy.resolved) || done(&policy.closed) {
                not_open.push(index);
                continue;
            }
            let same =
                |(cal, ..): &&(&Calendar, bool, Option<Instant>)| std::ptr::eq(*cal, c.calendar);
            let (open_now, resumes_at) = match at_now.iter().find(same) {
                Some(&(_, open, resumes)) => (open, resumes),
                None => {
                    let open = c.calendar.is_open(now)?;
                    let resumes = if open {
                        None
                    } else {
                        c.calendar.next_open(now)?
                    };
                    at_now.push((c.calendar, open, resumes));
                    (open, resumes)
                }
            };
            // Waiting on the customer or a vendor, breached or not: the
            // clock goes on when they answer, not when the calendar opens,
            // and nobody can act on the ticket meanwhile.
            let paused = c.state == ClockState::Paused || done(&policy.pause);
            let mut reason = reason(which, &c, status);
            if paused && c.state != ClockState::Paused {
                reason.push_str("; waiting (");
                reason.push_str(status);
                reason.push(')');
            }
            if let Some(r) = resumes_at.filter(|_| !paused) {
                reason.push_str("; clock resumes ");
                reason.push_str(&format_instant(r));
            }
            let part = |k: QueueKey| -> i64 {
                match k {
                    QueueKey::PausedLast => i64::from(paused),
                    QueueKey::BreachedFirst => i64::from(c.state != ClockState::Breached),
                    // Tenths of a percent, most used first.
                    QueueKey::PercentUsed => -((c.percent * 10.0).round() as i64),
                    QueueKey::Remaining => c.remaining(),
                    QueueKey::Priority => priority_rank.map_or(i64::MAX, |r| r as i64),
                    QueueKey::Age => opened,
                    QueueKey::Due => c.due.unwrap_or(i64::MAX),
                }
            };
            let mut key = [0; KEY_PARTS];
            for (slot, k) in key.iter_mut().zip(order_by) {
                *slot = part(*k);
            }
            let entry = QueueEntry {
                rank: 0,
                index,
                id,
                priority,
                clock: which,
                state: c.state,
                due: c.due.map(format_instant),
                remaining_seconds: c.remaining(),
                percent_used: c.percent,
                open_now,
                resumes_at: resumes_at.map(format_instant),
                reason,
                status: Cow::Borrowed(status),
            };
            // The pack's own ranking, if it has one, before the order.
            let custom = match &whole {
                Some(t) if hooked => serde_json::to_value(&entry)
                    .map_err(|e| crate::Error::input(e.to_string()))
                    .and_then(|v| self.pack().queue_rank(t, &v)),
                _ => Ok(None),
            };
            match custom {
                Ok(r) => {
                    ranked.push((r.unwrap_or(0.0), key));
                    placed.push(Some(entry));
                }
                Err(e) => problems.push(QueueProblem {
                    index,
                    id: entry.id.map(Cow::into_owned),
                    code: e.code(),
                    message: e.to_string(),
                }),
            }
        }
        // Sorted by a packed prefix of the key (16-byte elements, one
        // integer compare), then the whole key where prefixes tie. Full ties
        // keep the order given: the entry's place (the order given) is the
        // last key, so no two keys are equal and an unstable sort gives the
        // one stable answer.
        // As pairs of i64 (the prefix moved down by 2^63, which keeps its
        // order), sorted by the crate's one sort (`json::sort_pairs`).
        let mut order: Vec<(i64, i64)> = ranked
            .iter()
            .enumerate()
            .map(|(at, (rank, key))| {
                let p = prefix(hooked, *rank, key, order_by) ^ (1 << 63);
                (p as i64, at as i64)
            })
            .collect();
        let entry = |i: i64| usize::try_from(i).ok().and_then(|i| ranked.get(i));
        crate::json::sort_pairs(
            &mut order,
            Some(&|a, b| {
                let whole = || match (entry(a.1), entry(b.1)) {
                    (Some(x), Some(y)) => x.0.total_cmp(&y.0).then_with(|| x.1.cmp(&y.1)),
                    _ => std::cmp::Ordering::Equal,
                };
                a.0.cmp(&b.0).then_with(whole).then_with(|| a.1.cmp(&b.1))
            }),
        );
        let shown = options.limit.unwrap_or(usize::MAX).min(order.len());
        let mut entries = Vec::with_capacity(shown);
        for (rank, &(_, at)) in (1..).zip(order.iter().take(shown)) {
            let Ok(at) = usize::try_from(at) else {
                continue;
            };
            if let Some(mut e) = placed.get_mut(at).and_then(Option::take) {
                e.rank = rank;
                entries.push(e);
            }
        }
        Ok(QueueReport {
            entries,
            ranked: order.len(),
            not_open,
            problems,
            now: format_instant(now),
            pack_version: self.pack_version().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    /// Durations in words, as people read them.
    #[test]
    fn spoken_durations() {
        for (seconds, words) in [
            (-5, "0 min"),
            (0, "0 min"),
            (1, "1 min"),
            (60, "1 min"),
            (61, "2 min"),
            (3600, "1 h"),
            (3660, "1 h 1 min"),
            (86_400, "1 d"),
            (86_400 + 7200 + 59, "1 d 2 h"),
            (86_400 * 123 + 3600 * 23, "123 d 23 h"),
            (i64::MAX, "106751991167300 d 15 h"),
            (86_400 * 100_000_000_000_000, "100000000000000 d"),
        ] {
            let mut out = String::new();
            super::spoken(&mut out, seconds);
            assert_eq!(out, words, "{seconds}");
        }
    }

    /// A smaller prefix always means an earlier place: over ranks of every
    /// kind (negative, zero of both signs, infinite, NaN) and keys with
    /// extreme parts, in the default order and others.
    #[test]
    fn prefixes_keep_the_order() {
        use super::{prefix, QueueKey, KEY_PARTS};
        let ranks = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        let parts = [
            i64::MIN,
            -1001,
            -1000,
            -3,
            -1,
            0,
            1,
            2,
            3,
            4,
            1000,
            i64::MAX,
        ];
        let orders: [&[QueueKey]; 4] = [
            &QueueKey::DEFAULT,
            &[QueueKey::Remaining, QueueKey::Age],
            &[QueueKey::BreachedFirst, QueueKey::PausedLast, QueueKey::Due],
            &[QueueKey::PausedLast],
        ];
        let mut seed = 1u64;
        let mut pick = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for order in orders {
            for hooked in [false, true] {
                let items: Vec<(f64, [i64; KEY_PARTS])> = (0..400)
                    .map(|_| {
                        let mut key = [0; KEY_PARTS];
                        for (slot, k) in key.iter_mut().zip(order) {
                            *slot = if matches!(k, QueueKey::PausedLast | QueueKey::BreachedFirst) {
                                (pick(2)) as i64
                            } else {
                                parts[pick(parts.len())]
                            };
                        }
                        (
                            if hooked {
                                ranks[pick(ranks.len())]
                            } else {
                                0.0
                            },
                            key,
                        )
                    })
                    .collect();
                for a in &items {
                    for b in &items {
                        let whole = a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1));
                        let (pa, pb) = (
                            prefix(hooked, a.0, &a.1, order),
                            prefix(hooked, b.0, &b.1, order),
                        );
                        if pa != pb {
                            assert_eq!(pa.cmp(&pb), whole, "{a:?} {b:?} {order:?}");
                        }
                    }
                }
            }
        }
    }

    /// `tenths` writes what `{}` writes, for whole tenths and for the rest
    /// (but below 1e-5: `crate::spec::float_text`).
    #[test]
    fn tenths_writes_what_display_writes() {
        let mut xs: Vec<f64> = (0..20_000).map(|t| f64::from(t) / 10.0).collect();
        xs.extend([
            0.05,
            1.0 / 3.0,
            47973.0,
            1e15,
            1e16,
            1e21,
            -0.0,
            -2.5,
            f64::NAN,
            f64::INFINITY,
            0.1 + 0.2,
            -1e21,
            1e37,
            1.5e300,
            123_456.789,
            1e-5,
        ]);
        for x in xs {
            let mut got = String::new();
            super::tenths(&mut got, x);
            assert_eq!(got, format!("{x}"), "{x:?}");
        }
    }
}
