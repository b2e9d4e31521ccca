//! SLA clocks for a ticket: Respond By and Resolved By, from `openedAt`
//! and `history` alone, at a `now` the caller gives.
//!
//! - Both clocks start when the ticket opens, on the calendar of its matrix
//!   cell (`24x7` or the pack's business calendar), with the cell's targets.
//! - They pause while the ticket is in a pause status (default: Wait
//!   Customer, Wait Vendor).
//! - Respond By stops at the first `responded` event (or at resolution, if
//!   that comes first: a resolution reaches the customer).
//! - Resolved By stops on entering a resolved status and starts again on
//!   leaving it (Customer Responded re-opens work).
//! - A change of impact, urgency or priority in the history re-bases both
//!   clocks: by default the business time already used is kept and the new
//!   target applies (`on_priority_change: "keep"`); `"restart"` starts them
//!   again from the change. Pause time before the change stays excluded
//!   either way.
//! - Events after `now` are ignored, so the same ticket answers "as of"
//!   any instant.

pub mod explain;
pub mod policy;

use std::cell::RefCell;

use smallvec::SmallVec;

use serde::Serialize;

use crate::calendar::{Calendar, Pauses};
use crate::error::{Error, Result};
use crate::json::JsonView;
use crate::priority::PriorityResult;
use crate::ticket::Field;
use crate::time::{format_instant, parse_instant, Instant};
use policy::{OnPriorityChange, SlaPolicy};

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockState {
    /// Running (it may be outside business hours now; the clock simply
    /// does not advance then).
    Running,
    /// Paused: the ticket waits on the customer or a vendor.
    Paused,
    /// Stopped within its target.
    Met,
    /// Past its target, stopped or not.
    Breached,
}

impl ClockState {
    /// The state as serialised (`running`, `paused`, `met`, `breached`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

/// One SLA clock at `now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockReport {
    /// The calendar it runs on (`24x7`, `business`).
    pub clock: String,
    /// The target in seconds of that calendar.
    pub target_seconds: i64,
    /// When it started (the ticket's opening, or the last restart).
    pub started_at: String,
    /// When it is (or was) due; `null` while paused.
    pub due: Option<String>,
    /// Clock seconds used.
    pub elapsed_seconds: i64,
    /// Clock seconds left (0 once breached).
    pub remaining_seconds: i64,
    /// Elapsed as a percentage of the target, to 0.1. Serialised as JS
    /// prints numbers (`50`, not `50.0`), so native JSON and JS agree to
    /// the byte.
    #[serde(serialize_with = "crate::time::js_number")]
    pub percent_used: f64,
    /// Running, paused, met or breached.
    pub state: ClockState,
    /// When it stopped, if it has.
    pub stopped_at: Option<String>,
    /// Met: seconds to spare; breached: seconds over. `null` otherwise.
    pub by_seconds: Option<i64>,
}

/// Both clocks of a ticket, and its customer vs service time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaReport {
    /// The ticket's priority now (after any re-prioritisation).
    pub priority: PriorityResult,
    /// Respond By.
    pub respond: ClockReport,
    /// Resolved By.
    pub resolve: ClockReport,
    /// The status now.
    pub status: String,
    /// Wall seconds in customer-time statuses (RFC 1297's customer time).
    pub customer_seconds: i64,
    /// Wall seconds the ticket was the service's to work: open to
    /// resolution (or now), minus customer time and time spent resolved.
    pub service_seconds: i64,
    /// The instant the answer is for.
    pub now: String,
    /// The pack version.
    pub pack_version: String,
}

/// A period under one matrix result: from `at` on, these targets apply.
#[derive(Debug, Clone)]
pub(crate) struct Regime {
    pub at: Instant,
    pub result: std::sync::Arc<PriorityResult>,
}

/// What a ticket's history says, up to `now`.
#[derive(Debug, Clone)]
pub(crate) struct Timeline<'p> {
    pub now: Instant,
    /// Status runs: (from, to, status as the policy spells it), covering
    /// [opened, now).
    pub statuses: SmallVec<[(Instant, Instant, &'p str); 4]>,
    pub responded: Option<Instant>,
    pub regimes: SmallVec<[Regime; 2]>,
    /// The opening and every history event up to now: when the ticket
    /// was last touched (for inactivity).
    pub updates: SmallVec<[Instant; 4]>,
}

/// Something that knows the matrix (the engine): the result for a ticket
/// whose priority fields are as given.
pub(crate) trait Prioritise {
    fn prioritise<J: JsonView>(
        &self,
        ticket: &J,
        impact: &str,
        urgency: &str,
        priority: Option<&str>,
    ) -> Result<std::sync::Arc<PriorityResult>>;
}

impl<'p> Timeline<'p> {
    pub(crate) fn read<J: JsonView>(
        ticket: &J,
        now: Instant,
        policy: &'p SlaPolicy,
        p: &impl Prioritise,
    ) -> Result<Timeline<'p>> {
        crate::ticket::expect_object(ticket)?;
        let opened = match Field::of(ticket, "openedAt") {
            Field::Text(s) => parse_instant(s, "openedAt")?,
            Field::Absent => {
                return Err(Error::MissingField {
                    field: "openedAt".into(),
                })
            }
            Field::Other(found) => {
                return Err(Error::InvalidType {
                    field: "openedAt".into(),
                    expected: "string",
                    found,
                })
            }
        };
        if now < opened {
            return Err(Error::InvalidInput {
                message: format!(
                    "now ({}) is before the ticket opened ({})",
                    format_instant(now),
                    format_instant(opened)
                ),
            });
        }
        let mut impact = Field::of(ticket, "impact").required_str("impact")?;
        let mut urgency = Field::of(ticket, "urgency").required_str("urgency")?;
        let first = policy.opening_status(ticket);
        let mut status = first;
        let mut since = opened;
        let mut statuses = SmallVec::new();
        let mut responded = None;
        let mut regimes = smallvec::smallvec![Regime {
            at: opened,
            result: p.prioritise(ticket, impact, urgency, None)?,
        }];
        let given = ticket.get("history").is_some_and(|v| !v.is_null());
        let mut last_status = None;
        let history: &[J] = match ticket.get("history") {
            None => &[],
            Some(v) if v.is_null() => &[],
            Some(v) => v.as_array().ok_or_else(|| Error::InvalidType {
                field: "history".into(),
                expected: "array",
                found: v.type_name(),
            })?,
        };
        let mut last = opened;
        let mut updates = SmallVec::with_capacity(history.len() + 1);
        updates.push(opened);
        for (i, e) in history.iter().enumerate() {
            let path = |k: &str| format!("history[{i}].{k}");
            if !e.is_object() {
                return Err(Error::InvalidHistory {
                    field: format!("history[{i}]"),
                    message: format!(
                        "an event must be an object, not {}",
                        crate::ticket::a(e.type_name())
                    ),
                });
            }
            let at = match Field::of(e, "at") {
                Field::Text(s) => parse_instant(s, "at").map_err(|err| match err {
                    Error::InvalidInstant { value, reason, .. } => Error::InvalidInstant {
                        field: path("at"),
                        value,
                        reason,
                    },
                    Error::MissingField { .. } => Error::MissingField { field: path("at") },
                    other => other,
                })?,
                Field::Absent => return Err(Error::MissingField { field: path("at") }),
                Field::Other(found) => {
                    return Err(Error::InvalidType {
                        field: path("at"),
                        expected: "string",
                        found,
                    })
                }
            };
            if at < opened {
                return Err(Error::InvalidHistory {
                    field: path("at"),
                    message: format!(
                        "the event at {} is before the ticket opened",
                        format_instant(at)
                    ),
                });
            }
            if at < last {
                return Err(Error::InvalidHistory {
                    field: path("at"),
                    message: format!(
                        "events must be oldest first; {} comes after {}",
                        format_instant(at),
                        format_instant(last)
                    ),
                });
            }
            last = at;
            // Validate the whole history, but act only on what happened by now.
            let act = at <= now;
            if act {
                updates.push(at);
            }
            if let Some(s) = Field::of(e, "status").optional_str_at(|| path("status"))? {
                let Some(k) = policy.status(s) else {
                    return Err(policy.unknown_status(path("status"), s));
                };
                let s = policy.statuses.get(k).map_or("", String::as_str);
                last_status = Some(s);
                if act && s != status {
                    statuses.push((since, at, std::mem::replace(&mut status, s)));
                    since = at;
                }
            }
            if let Some(ev) = Field::of(e, "event").optional_str_at(|| path("event"))? {
                if act && ev == policy.responded_event && responded.is_none() {
                    responded = Some(at);
                }
            }
            let new_impact = Field::of(e, "impact").optional_str_at(|| path("impact"))?;
            let new_urgency = Field::of(e, "urgency").optional_str_at(|| path("urgency"))?;
            let new_priority = Field::of(e, "priority").optional_str_at(|| path("priority"))?;
            if new_impact.is_some() || new_urgency.is_some() || new_priority.is_some() {
                if let Some(v) = new_impact {
                    impact = v;
                }
                if let Some(v) = new_urgency {
                    urgency = v;
                }
                // An explicit priority holds until impact or urgency change
                // (the next change event without one).
                let result = p
                    .prioritise(ticket, impact, urgency, new_priority)
                    .map_err(|err| retarget(err, i))?;
                if act {
                    regimes.push(Regime { at, result });
                }
            }
        }
        // The ticket's own `status`, when given, must agree with its history
        // (the loop above checked and spelt every event's).
        // The clocks need a history for any status but the opening one.
        own_status(ticket, policy, Some(last_status), given)?;
        statuses.push((since, now, status));
        Ok(Timeline {
            now,
            statuses,
            responded,
            regimes,
            updates,
        })
    }

    /// The status at instant `at` (the opening status before the ticket opened).
    pub(crate) fn status_at(&self, at: Instant) -> &str {
        self.statuses
            .iter()
            .rev()
            .find(|(from, _, _)| *from <= at)
            .or(self.statuses.first())
            .map_or("", |(_, _, s)| *s)
    }

    /// The matrix result in force at instant `at`.
    pub(crate) fn result_at(&self, at: Instant) -> Option<&PriorityResult> {
        self.regimes
            .iter()
            .rev()
            .find(|r| r.at <= at)
            .or(self.regimes.first())
            .map(|r| &*r.result)
    }

    /// The status at `now`.
    pub(crate) fn status(&self) -> &'p str {
        self.statuses.last().map_or("", |(_, _, s)| *s)
    }

    fn runs<'a>(
        &'a self,
        pred: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = (Instant, Instant)> + 'a {
        self.statuses
            .iter()
            .filter(move |(_, _, s)| pred(s))
            .map(|&(a, b, _)| (a, b))
    }
}

/// A priority error in history names the event it came from.
/// An unknown value found while re-prioritising at history event `i` came
/// from that event (every earlier value was checked at its own event).
fn retarget(err: Error, i: usize) -> Error {
    match err {
        Error::UnknownImpact { value, allowed, .. } => Error::UnknownImpact {
            field: format!("history[{i}].impact"),
            value,
            allowed,
        },
        Error::UnknownUrgency { value, allowed, .. } => Error::UnknownUrgency {
            field: format!("history[{i}].urgency"),
            value,
            allowed,
        },
        Error::UnknownPriority { value, allowed, .. } => Error::UnknownPriority {
            field: format!("history[{i}].priority"),
            value,
            allowed,
        },
        other => other,
    }
}

/// What the clock computation needs from the pack: calendars by name.
pub(crate) trait Calendars {
    fn calendar(&self, name: &str) -> Result<&Calendar>;
}

/// Which SLA clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Respond By.
    Respond,
    /// Resolved By.
    Resolve,
}

/// The inputs of one clock, derived from the timeline.
pub(crate) struct ClockPlan<'a> {
    pub which: Which,
    /// (from, calendar, target) for each regime that counts.
    pub regimes: SmallVec<[(Instant, &'a Calendar, i64); 2]>,
    /// The timeline's regime the first of these is (`regimes[k]` is the
    /// timeline's `first_regime + k`; two may share an instant).
    pub first_regime: usize,
    /// Pauses and stopped periods that have ended (or run to now).
    pub pauses: Pauses,
    /// Only the pauses that have ended, for the due instant.
    pub closed_pauses: Pauses,
    pub paused_now: bool,
    pub stopped_at: Option<Instant>,
    pub end: Instant,
    /// Since when the clock has not been able to run: its stop, or the
    /// start of the pause it is in now.
    pub limit: Option<Instant>,
    /// With `on_priority_change: "restart"`, the re-rating the clock
    /// started again at (its earlier periods do not count).
    pub restarted_at: Option<Instant>,
    /// The clock's running time, piece by piece, built as far as asked.
    track: RefCell<Track>,
}

/// The pieces of time a clock has run (and will run, if nothing changes),
/// in order, with the clock time before each: `reach` is then a binary
/// search instead of a calendar walk per question.
#[derive(Debug, Default)]
struct Track {
    /// (from, to, clock seconds before `from`).
    pieces: Vec<(Instant, Instant, i64)>,
    /// Regime being walked, and how far.
    regime: usize,
    cursor: Option<Instant>,
    total: i64,
    done: bool,
}

/// How much of the calendar the track takes per step.
const TRACK_STEP: Instant = 7 * 86_400;
/// How far a track may run, in wall time less the clock's pauses and
/// stops, before the clock is taken never to get there.
const TRACK_HORIZON: Instant = 2 * 366 * 86_400;

pub(crate) fn plan<'a>(
    t: &Timeline,
    policy: &SlaPolicy,
    cals: &'a impl Calendars,
    which: Which,
) -> Result<ClockPlan<'a>> {
    let now = t.now;
    let mut pause_runs: Vec<(Instant, Instant)> = t.runs(|s| policy.pauses(s)).collect();
    let first_resolved = t.runs(|s| policy.is_resolved(s)).next().map(|(a, _)| a);
    let stopped_at = match which {
        Which::Respond => match (t.responded, first_resolved) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        Which::Resolve => {
            // Resolved then Closed is one stop: adjacent runs join.
            let mut resolved_runs: Vec<(Instant, Instant)> = Vec::new();
            for (a, b) in t.runs(|s| policy.is_resolved(s)) {
                match resolved_runs.last_mut() {
                    Some(last) if last.1 == a => last.1 = b,
                    _ => resolved_runs.push((a, b)),
                }
            }
            let now_resolved = policy.is_resolved(t.status());
            // Periods resolved and then re-opened do not count.
            let n = resolved_runs.len();
            for (k, r) in resolved_runs.iter().enumerate() {
                if !(now_resolved && k + 1 == n) {
                    pause_runs.push(*r);
                }
            }
            if now_resolved {
                resolved_runs.last().map(|r| r.0)
            } else {
                None
            }
        }
    };
    let end = stopped_at.unwrap_or(now);
    let paused_now = stopped_at.is_none() && policy.pauses(t.status());
    let limit = stopped_at.or_else(|| paused_now.then(|| t.statuses.last().map_or(now, |r| r.0)));
    // A stopped clock's due instant is as the stop left it: a wait that
    // began after a response does not move the Respond By that was met.
    let closed: Vec<(Instant, Instant)> = pause_runs
        .iter()
        .copied()
        .filter(|&(a, b)| (b < now || !paused_now) && stopped_at.is_none_or(|s| a < s))
        .collect();
    // A stopped clock's verdict is final: a re-rating after the stop does
    // not re-base it (a Respond By met stays met when the priority rises
    // the next day). The first regime always counts.
    let counted = 1 + t
        .regimes
        .iter()
        .skip(1)
        .take_while(|r| stopped_at.is_none_or(|s| r.at < s))
        .count();
    let last_restart = match policy.on_priority_change {
        OnPriorityChange::Keep => 0,
        // Only a change of the priority restarts the clocks: a re-rating
        // to the same priority (another impact of the same level, a
        // re-worded urgency) changes no target, and restarting there
        // would hand the ticket a fresh clock for nothing.
        OnPriorityChange::Restart => (1..counted)
            .rev()
            .find(|&i| match (t.regimes.get(i - 1), t.regimes.get(i)) {
                (Some(a), Some(b)) => a.result.priority != b.result.priority,
                _ => false,
            })
            .unwrap_or(0),
    };
    let restarted_at = t
        .regimes
        .get(last_restart)
        .filter(|_| last_restart > 0)
        .map(|r| r.at);
    let mut regimes = SmallVec::new();
    for r in t.regimes.iter().take(counted).skip(last_restart) {
        let target = match which {
            Which::Respond => r.result.respond_seconds,
            Which::Resolve => r.result.resolve_seconds,
        };
        let target = i64::try_from(target).unwrap_or(i64::MAX);
        regimes.push((r.at, cals.calendar(&r.result.clock)?, target));
    }
    Ok(ClockPlan {
        which,
        regimes,
        first_regime: last_restart,
        pauses: Pauses::new(pause_runs)?,
        closed_pauses: Pauses::new(closed)?,
        paused_now,
        stopped_at,
        end,
        limit,
        restarted_at,
        track: RefCell::new(Track::default()),
    })
}

impl<'a> ClockPlan<'a> {
    /// The current regime's start, calendar and target.
    fn current(&self) -> Option<&(Instant, &'a Calendar, i64)> {
        self.regimes.last()
    }

    /// Business seconds used by `until`, regime by regime.
    fn elapsed(&self, until: Instant) -> Result<i64> {
        let mut total = 0;
        for (k, &(from, cal, _)) in self.regimes.iter().enumerate() {
            let to = self.regimes.get(k + 1).map_or(until, |r| r.0).min(until);
            total += cal.between(from, to, &self.pauses)?;
        }
        Ok(total)
    }

    /// The instant the clock reaches the current target.
    fn due(&self) -> Result<Option<Instant>> {
        if self.paused_now {
            return Ok(None);
        }
        let Some(&(start, cal, target)) = self.current() else {
            return Ok(None);
        };
        let p = &self.closed_pauses;
        // Business time used before the current regime.
        let mut used = 0;
        for (k, &(from, c, _)) in self.regimes.iter().enumerate() {
            let Some(&(to, _, _)) = self.regimes.get(k + 1) else {
                break;
            };
            let here = c.between(from, to, p)?;
            if used + here >= target {
                // Already reached under an earlier regime: due back then.
                return c.add(from, target - used, p).map(Some);
            }
            used += here;
        }
        cal.add(start, target - used, p).map(Some)
    }

    /// The current target, in seconds of the clock.
    pub(crate) fn target(&self) -> i64 {
        self.current().map_or(0, |r| r.2)
    }

    /// The instant the clock has run `x` seconds (under the targets' re-basing
    /// and every pause so far), or `None` if it cannot get there: it stopped,
    /// or it is paused now, before reaching it.
    pub(crate) fn reach(&self, x: i64) -> Result<Option<Instant>> {
        if x <= 0 {
            return Ok(self.regimes.first().map(|r| r.0));
        }
        let mut track = self.track.borrow_mut();
        loop {
            // The piece in which the clock time passes x.
            let at = track
                .pieces
                .partition_point(|&(a, b, before)| before + (b - a) < x);
            if let Some(&(a, _, before)) = track.pieces.get(at) {
                // Reached only as the clock stopped (or paused) is not
                // reached: a response at the due instant meets the target.
                let t = a + (x - before);
                return Ok(Some(t).filter(|&t| self.limit != Some(t)));
            }
            if track.done {
                return Ok(None);
            }
            self.extend(&mut track)?;
        }
    }

    /// The clock time run by `at` (pauses and stops excluded, re-basing
    /// kept), building the track as far as `at`.
    pub(crate) fn used_at(&self, at: Instant) -> Result<i64> {
        let mut track = self.track.borrow_mut();
        loop {
            let built_to = match self.regimes.get(track.regime) {
                Some(&(from, _, _)) => track.cursor.unwrap_or(from).max(from),
                None => Instant::MAX,
            };
            if track.done || built_to >= at {
                break;
            }
            self.extend(&mut track)?;
        }
        let i = track.pieces.partition_point(|&(a, _, _)| a < at);
        Ok(match i.checked_sub(1).and_then(|i| track.pieces.get(i)) {
            Some(&(a, b, before)) => before + (at.min(b) - a),
            None => 0,
        })
    }

    /// The instants the clock's time comes to `threshold(target)`, with
    /// the target in force at the time, each with the instant a
    /// re-rating took it back below (if one did). The clock's time only
    /// grows, but a re-rating moves the threshold: a raised priority can
    /// put the clock past it at once (crossed at the re-rating), a lowered
    /// one back below it (crossed again later, under the new target).
    /// The third part says whether the clock is exactly at the threshold
    /// there (it ran up to it, or a re-rating put the threshold at the very
    /// time used), rather than past it at once at a re-rating: at a due
    /// instant, `sla()` says `running` only in the first case.
    pub(crate) fn crossings(
        &self,
        threshold: impl Fn(i64) -> i64,
    ) -> Result<Vec<(Instant, Option<Instant>, bool)>> {
        let mut out: Vec<(Instant, Option<Instant>, bool)> = Vec::new();
        let mut above = false;
        for (r, &(from, _, target)) in self.regimes.iter().enumerate() {
            let x = threshold(target);
            let used = if r == 0 { 0 } else { self.used_at(from)? };
            if used >= x {
                if !above {
                    out.push((from, None, used == x));
                    above = true;
                }
                continue;
            }
            if above {
                // Below again: the last crossing ended here.
                if let Some(last) = out.last_mut() {
                    last.1 = Some(from);
                }
                above = false;
            }
            let end = self.regimes.get(r + 1).map(|n| n.0);
            if let Some(at) = self.reach(x)? {
                if end.is_none_or(|e| at < e) {
                    out.push((at, None, true));
                    above = true;
                }
            }
        }
        Ok(out)
    }

    /// Adds the next step of running time to the track.
    fn extend(&self, track: &mut Track) -> Result<()> {
        let Some(&(from, cal, _)) = self.regimes.get(track.regime) else {
            track.done = true;
            return Ok(());
        };
        let cursor = track.cursor.unwrap_or(from).max(from);
        // This regime ends where the next begins, and no regime runs past
        // where the clock stopped or paused (if it has).
        let limit = self.limit.unwrap_or(crate::time::MAX_INSTANT - 1);
        let regime_end = match self.regimes.get(track.regime + 1) {
            Some(next) => next.0.min(limit),
            None => limit,
        };
        // The horizon is of time the clock could run: a wait of years
        // (paused, or resolved and reopened) does not use it up.
        let first = self.regimes.first().map_or(from, |r| r.0);
        let waited: Instant = self
            .pauses
            .ranges()
            .iter()
            .map(|&(a, b)| (b.min(cursor) - a.max(first)).max(0))
            .sum();
        if cursor >= regime_end || cursor - first - waited > TRACK_HORIZON {
            if self.regimes.get(track.regime + 1).is_some() {
                track.regime += 1;
                track.cursor = None;
            } else {
                track.done = true;
            }
            return Ok(());
        }
        let to = (cursor + TRACK_STEP).min(regime_end);
        let mut total = track.total;
        let mut pieces = std::mem::take(&mut track.pieces);
        cal.open_pieces(cursor, to, &self.pauses, |a, b| {
            pieces.push((a, b, total));
            total += b - a;
        })?;
        track.pieces = pieces;
        track.total = total;
        track.cursor = Some(to);
        Ok(())
    }

    /// [`reach`](Self::reach) by walking the calendar (what the track
    /// replaces; kept to check it).
    #[cfg(test)]
    pub(crate) fn reach_by_walking(&self, x: i64) -> Result<Option<Instant>> {
        let p = &self.pauses;
        let mut used = 0;
        for (k, &(from, c, _)) in self.regimes.iter().enumerate() {
            if let Some(&(to, _, _)) = self.regimes.get(k + 1) {
                let here = c.between(from, to, p)?;
                if used + here >= x {
                    return c.add(from, x - used, p).map(Some);
                }
                used += here;
            } else {
                let t = c.add(from, x - used, p)?;
                return Ok(Some(t).filter(|t| self.limit.is_none_or(|l| *t <= l)));
            }
        }
        Ok(None)
    }

    /// When the clock is (or was) due, as [`report`](Self::report) says.
    pub(crate) fn due_at(&self) -> Result<Option<Instant>> {
        // A clock that can still run reaches its target on the track.
        if self.limit.is_none() {
            return self.reach(self.target());
        }
        self.due()
    }

    /// The clock's figures at the end of the plan, before they are written
    /// out: what [`report`](Self::report) formats, and what the work queue
    /// uses as it is.
    pub(crate) fn figures(&self) -> Result<ClockFigures<'a>> {
        let Some(&(start, calendar, target)) = self.current() else {
            return Err(Error::input("no clock"));
        };
        let elapsed = self.elapsed(self.end)?;
        let due = self.due()?;
        let stopped = self.stopped_at.is_some();
        // The due instant is the promise: a clock that reached its target
        // before now (or before it stopped or paused) is breached, even
        // where a business calendar is closed and its clock time has not
        // passed the target yet (due at 17:00, answered at 17:30: breached
        // by 0 clock seconds). Only a clock exactly at its target asks.
        let late = elapsed == target && self.reach(target)?.is_some_and(|d| d < self.end);
        let (state, by) = if stopped && elapsed <= target && !late {
            (ClockState::Met, Some(target - elapsed))
        } else if elapsed > target || late {
            (ClockState::Breached, Some((elapsed - target).max(0)))
        } else if self.paused_now {
            (ClockState::Paused, None)
        } else {
            (ClockState::Running, None)
        };
        let percent = if target > 0 {
            (elapsed as f64 * 1000.0 / target as f64).round() / 10.0
        } else if elapsed > 0 {
            100.0
        } else {
            0.0
        };
        Ok(ClockFigures {
            calendar,
            target,
            started: start.min(self.regimes.first().map_or(start, |r| r.0)),
            due,
            elapsed,
            state,
            stopped_at: self.stopped_at,
            by,
            percent,
        })
    }

    pub(crate) fn report(&self) -> Result<ClockReport> {
        let f = self.figures()?;
        Ok(ClockReport {
            clock: f.calendar.name().to_string(),
            target_seconds: f.target,
            started_at: format_instant(f.started),
            due: f.due.map(format_instant),
            elapsed_seconds: f.elapsed,
            remaining_seconds: f.remaining(),
            percent_used: f.percent,
            state: f.state,
            stopped_at: f.stopped_at.map(format_instant),
            by_seconds: f.by,
        })
    }
}

/// A clock's figures before they are written out as a [`ClockReport`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClockFigures<'a> {
    /// The calendar it runs on now.
    pub calendar: &'a Calendar,
    /// Its target in seconds of that calendar.
    pub target: i64,
    pub started: Instant,
    pub due: Option<Instant>,
    /// Clock seconds used.
    pub elapsed: i64,
    pub state: ClockState,
    pub stopped_at: Option<Instant>,
    /// Met: seconds to spare; breached: seconds over.
    pub by: Option<i64>,
    /// Of the target, to 0.1.
    pub percent: f64,
}

impl ClockFigures<'_> {
    /// Clock seconds left (0 once breached).
    pub(crate) fn remaining(&self) -> i64 {
        (self.target - self.elapsed).max(0)
    }
}

/// Customer seconds and service seconds of a timeline.
pub(crate) fn customer_and_service(t: &Timeline, policy: &SlaPolicy) -> (i64, i64) {
    let mut customer = 0;
    let mut service = 0;
    let now_resolved = policy.is_resolved(t.status());
    let n = t.statuses.len();
    for (k, (a, b, s)) in t.statuses.iter().enumerate() {
        let len = b - a;
        if policy.is_customer_time(s) {
            customer += len;
        } else if policy.is_resolved(s) || (now_resolved && k + 1 == n) {
            // Resolved: nobody is working on it.
        } else {
            service += len;
        }
    }
    (customer, service)
}

/// The status a ticket's record says it is at, as every operation reads
/// it (the clocks, the queue, `validate`, `transition`, `redact`): the
/// last status its `history` gives, which its own `status`, when given,
/// must agree with (`INVALID_HISTORY` otherwise; a history without a
/// status event is at the first status). `None`: neither says (a ticket
/// not yet stored; the caller knows its type's first status). Statuses as
/// the pack spells them.
pub(crate) fn record_status<'p, J: JsonView>(
    ticket: &J,
    policy: &'p SlaPolicy,
) -> Result<Option<&'p str>> {
    // The field's name is made only for an error.
    let spelt = |field: &dyn Fn() -> String, s: &str| {
        policy
            .canonical(s)
            .ok_or_else(|| policy.unknown_status(field(), s))
    };
    let history: Option<&[J]> = match ticket.get("history") {
        None => None,
        Some(v) if v.is_null() => None,
        Some(v) => Some(v.as_array().ok_or_else(|| Error::InvalidType {
            field: "history".into(),
            expected: "array",
            found: v.type_name(),
        })?),
    };
    let mut last = None;
    for (i, e) in history.unwrap_or(&[]).iter().enumerate() {
        let path = || format!("history[{i}].status");
        if let Some(s) = Field::of(e, "status").optional_str_at(path)? {
            last = Some(spelt(&path, s)?);
        }
    }
    own_status(ticket, policy, history.map(|_| last), true)
}

/// The ticket's own `status` (as the pack spells it), which must agree
/// with where its history leaves it: `history` is `None` when the status
/// needs no history (a lifecycle call on a ticket without one: the host's
/// word for where it is) and `Some(None)` for a history without a status
/// event, or for the clocks on a ticket without a history at all (`given`
/// false): either way the ticket is at its opening status, and a top-level
/// status elsewhere is `INVALID_HISTORY` (the clocks cannot know since
/// when). Without its own, the history's. [`record_status`] after its walk
/// of the history, and [`Timeline::read`] after its own.
fn own_status<'p, J: JsonView>(
    ticket: &J,
    policy: &'p SlaPolicy,
    history: Option<Option<&'p str>>,
    given: bool,
) -> Result<Option<&'p str>> {
    let Some(own) = Field::of(ticket, "status").optional_str("status")? else {
        return Ok(history.flatten());
    };
    let own = policy
        .canonical(own)
        .ok_or_else(|| policy.unknown_status("status".into(), own))?;
    if let Some(last) = history {
        let final_status = last.unwrap_or_else(|| policy.opening_status(ticket));
        if own != final_status {
            return Err(Error::InvalidHistory {
                field: "status".into(),
                message: if given {
                    format!("the ticket says {own:?} but its history ends in {final_status:?}")
                } else {
                    format!(
                        "the ticket says {own:?} but has no history: the clocks cannot tell since when (give the history event that moved it there)"
                    )
                },
            });
        }
    }
    Ok(Some(own))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleEngine;

    /// `as_str` is the state as serde writes it.
    #[test]
    fn clock_state_names_are_the_serialised_ones() {
        use ClockState::*;
        for s in [Running, Paused, Met, Breached] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }

    /// The track answers `reach` exactly as walking the calendar does, for
    /// tickets with pauses, a re-prioritisation, a stop and a pause now.
    #[test]
    fn track_reach_agrees_with_walking() {
        let engine = RuleEngine::embedded().unwrap();
        let policy = engine.pack().sla();
        let histories = [
            serde_json::json!([]),
            serde_json::json!([
                { "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" },
                { "at": "2026-03-17T14:00:00Z", "status": "Wait Vendor" },
                { "at": "2026-03-23T18:00:00Z", "status": "In Process" },
            ]),
            serde_json::json!([{ "at": "2026-03-16T16:00:00Z", "impact": "Entire University affected" }]),
            serde_json::json!([{ "at": "2026-03-18T16:00:00Z", "status": "Resolved" }]),
            serde_json::json!([{ "at": "2026-03-18T16:00:00Z", "status": "Wait Customer" }]),
        ];
        let now = crate::time::parse_instant("2026-03-25T00:00:00Z", "now").unwrap();
        let mut checked = 0;
        for h in histories {
            let ticket = serde_json::json!({ "impact": "Single Building affected", "urgency": "Work Impaired",
                                             "openedAt": "2026-03-16T14:00:00Z", "history": h });
            let t = Timeline::read(&ticket, now, policy, &engine).unwrap();
            for which in [Which::Respond, Which::Resolve] {
                let p = plan(&t, policy, &engine, which).unwrap();
                for x in (0..60 * 3600).step_by(1777) {
                    assert_eq!(
                        p.reach(x).unwrap(),
                        p.reach_by_walking(x).unwrap(),
                        "{h} {which:?} {x}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
    }
}
