//! Escalations: what must happen to a ticket, and when to look again.
//!
//! A pack declares *levels* (`escalation(name, #{ when, applies, actions })`
//! in `escalation.rhai`); a ticket may carry its own alarm clocks
//! (`alarms: [{ at, message }]`, RFC 1297). Evaluation is a pure function
//! of the ticket and `now`: every occurrence that has come due (each with a
//! stable id), in the order it came due, and `nextWakeUp`, the earliest
//! future instant at which the answer could change without the ticket
//! changing. A host keeps one timer per ticket: it calls again at
//! `nextWakeUp`, and whenever the ticket changes, passing back the ids it
//! has carried out; nothing is lost and nothing comes twice.
//!
//! Triggers:
//! - `#{ clock: "respond" | "resolve", percent: 50 }`: when that share of the
//!   clock's target is used (100 = the breach);
//! - `#{ clock, before_due: "30m" }` / `#{ clock, after_due: "2h" }`: measured
//!   on the clock (its calendar, pauses excluded), or on the wall with
//!   `measure: "wall"`;
//! - `#{ clock, every: "30m" }`: each time that much more clock time runs;
//! - `#{ status: "Wait Vendor" | [...], after: "27h", repeat: "9h", calendar: "business" }`:
//!   time spent in the status (wall time without a calendar);
//! - `#{ inactive: "2h", repeat: "2h", calendar }`: time since the last
//!   history event (or the opening).
//!
//! Clock triggers follow the SLA clocks exactly: a pause postpones them, a
//! priority change re-bases them, a stopped clock ends them.

mod spec;

use serde::Serialize;
use serde_json::Value;

use crate::calendar::{Calendar, Pauses};
use crate::error::{Error, Result};
use crate::json::JsonView;
use crate::priority::{same_name, Matrix};
use crate::sla::policy::SlaPolicy;
use crate::sla::{self, ClockPlan, Timeline, Which};
use crate::spec::push_number;
use crate::ticket::Field;
use crate::time::{format_instant, parse_instant, Instant};

pub use spec::parse_level;

/// Most occurrences of one level an evaluation reports: the latest, when
/// more have passed (a repeating level on a ticket idle for years does not
/// flood a host that calls again after a long outage; a host that calls at
/// each `nextWakeUp` never has more than a few). The level goes on after
/// them: it used to stop at its 1,000th occurrence, so an Emergency's
/// half-hourly updates ended after three weeks.
pub const MAX_OCCURRENCES: usize = 1000;

/// `quiet_hours: "clock"`: the calendar of the ticket's SLA clocks.
pub const QUIET_CLOCK: &str = "clock";

/// When a level fires.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// At `percent` of the clock's target.
    Percent {
        /// Which clock.
        clock: Which,
        /// 1 to 1000.
        percent: i64,
    },
    /// At the due instant shifted by `offset` seconds (negative: before),
    /// measured on the clock or, with `wall`, in real time.
    FromDue {
        /// Which clock.
        clock: Which,
        /// Seconds after the due instant (negative: before).
        offset: i64,
        /// Real time instead of clock time.
        wall: bool,
    },
    /// Every `every` seconds of clock time.
    Every {
        /// Which clock.
        clock: Which,
        /// Seconds of clock time between occurrences.
        every: i64,
    },
    /// After `after` seconds in one of `statuses`, then every `repeat`.
    InStatus {
        /// The statuses (declared names).
        statuses: Vec<String>,
        /// Seconds in the status before the first occurrence.
        after: i64,
        /// Seconds between later occurrences, if it repeats.
        repeat: Option<i64>,
        /// Calendar the time is measured on (`None`: wall time).
        calendar: Option<String>,
    },
    /// After `after` seconds without a history event, then every `repeat`.
    Inactive {
        /// Seconds without an event before the first occurrence.
        after: i64,
        /// Seconds between later occurrences, if it repeats.
        repeat: Option<i64>,
        /// Calendar the time is measured on (`None`: wall time).
        calendar: Option<String>,
    },
}

/// Which tickets a level applies to (every list is "any of"; empty lists
/// do not filter). Matched against the ticket as it is at `now`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applies {
    /// Ticket types (`type`).
    pub types: Vec<String>,
    /// Priorities (the current one).
    pub priorities: Vec<String>,
    /// Processes; `None` in the list matches a ticket with no process.
    pub processes: Vec<Option<String>>,
    /// Statuses (the current one).
    pub statuses: Vec<String>,
    /// Impact levels.
    pub impact_levels: Vec<String>,
    /// Any top-level field equal to one of the values.
    pub fields: Vec<(String, Vec<Value>)>,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// An incident role (Manager, Operations, Comms, Support).
    Role,
    /// A group.
    Group,
    /// The ticket's assignee.
    Assignee,
    /// The customer.
    Customer,
}

/// What the host is to do, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Notify someone, with a message template (`"Remind Site: TT {id}"`).
    Notify {
        /// Who.
        audience: Audience,
        /// The role's or group's name.
        name: Option<String>,
        /// The message template.
        message: String,
    },
    /// Reassign the ticket to a group.
    Reassign {
        /// The group.
        group: String,
    },
    /// Raise the priority by `steps`.
    RaisePriority {
        /// How many steps up.
        steps: i64,
    },
    /// Set a flag on the ticket.
    SetFlag {
        /// The flag's name.
        flag: String,
        /// Its value.
        value: Value,
    },
}

/// A level as the pack declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Its name, unique in the pack; part of every occurrence's id.
    pub name: String,
    /// When it fires.
    pub trigger: Trigger,
    /// Which tickets it applies to.
    pub applies: Applies,
    /// A rhai function of the ticket that must return `true` (the name of a
    /// function in the file that declares the level).
    pub condition: Option<String>,
    /// What to do.
    pub actions: Vec<Action>,
    /// A calendar outside whose open hours an occurrence waits for the
    /// next opening (no 03:00 notices to a day team).
    pub quiet_hours: Option<String>,
}

/// An action with its message filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RenderedAction {
    /// Notify.
    Notify {
        /// role, group, assignee or customer.
        audience: Audience,
        /// The role's or group's name.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// The message, filled from the ticket.
        message: String,
    },
    /// Reassign.
    Reassign {
        /// The group.
        group: String,
    },
    /// Raise the priority.
    RaisePriority {
        /// Steps up.
        steps: i64,
        /// The priority now.
        from: String,
        /// The priority to set.
        to: String,
    },
    /// Set a flag.
    SetFlag {
        /// The flag.
        flag: String,
        /// Its value.
        value: Value,
    },
}

/// One occurrence of a level (or an alarm) that has come due.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueEscalation {
    /// Stable: ticket id, level and occurrence (`TT-1/respond-half/0`).
    pub id: String,
    /// The level's name (`alarm` for the ticket's own alarm clocks).
    pub level: String,
    /// When it came due (after any quiet-hours deferral).
    pub due_at: String,
    /// When its condition was first met (before deferral).
    pub triggered_at: String,
    /// What to do.
    pub actions: Vec<RenderedAction>,
}

/// The answer to "what must happen to this ticket now?".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EscalationReport {
    /// Everything due and not yet carried out, in the order it came due.
    pub due: Vec<DueEscalation>,
    /// The earliest future instant the answer could change, if the ticket
    /// does not; `null` if none.
    pub next_wake_up: Option<String>,
    /// The pack version.
    pub pack_version: String,
}

/// What evaluation needs from the pack.
pub(crate) trait Pack: sla::Calendars + sla::Prioritise {
    fn levels(&self) -> &[Level];
    fn policy(&self) -> &SlaPolicy;
    fn matrix(&self) -> &Matrix;
    fn version(&self) -> &str;
    /// Runs a level's condition function.
    fn condition(&self, level: usize, ticket: &Value) -> Result<bool>;
}

/// Which occurrence of a level: the last part of its id ([`Key::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// The only one (`0`).
    Once,
    /// The k-th of a repeating clock level (`k`, from 1).
    Nth(usize),
    /// The k-th of a run that started at an instant (`2026-03-17T14:00:00Z#k`).
    Run(Instant, usize),
}

impl Key {
    /// An occurrence's id, `{ticket}/{level}/{key}`, written without the
    /// formatting machinery: it is made for every occurrence of every
    /// evaluation (to compare with the fired ids), and `format!` was a
    /// tenth of an evaluation.
    fn id(self, ticket: &str, level: &str) -> String {
        let mut id = String::with_capacity(ticket.len() + level.len() + 26);
        id.push_str(ticket);
        id.push('/');
        id.push_str(level);
        id.push('/');
        match self {
            Key::Once => id.push('0'),
            Key::Nth(k) => push_number(&mut id, k as u64),
            Key::Run(at, k) => {
                id.push_str(&format_instant(at));
                id.push('#');
                push_number(&mut id, k as u64);
            }
        }
        id
    }
}

/// An occurrence before rendering.
struct Occurrence {
    level: usize,
    key: Key,
    triggered: Instant,
    due: Instant,
}

/// The clocks, planned once per evaluation when a level needs them.
struct Clocks<'a> {
    respond: Option<ClockPlan<'a>>,
    resolve: Option<ClockPlan<'a>>,
}

pub(crate) fn evaluate<J: JsonView>(
    pack: &impl Pack,
    ticket: &J,
    now: Instant,
    fired: &crate::json::Names,
) -> Result<EscalationReport> {
    // A level's rhai condition sees the whole ticket as a `Value`: made
    // once, when the first such level asks.
    let whole = std::cell::OnceCell::new();
    let policy = pack.policy();
    let t = Timeline::read(ticket, now, policy, pack)?;
    let id = ticket_id(ticket)?;
    let current = t
        .regimes
        .last()
        .map(|r| &r.result)
        .ok_or_else(|| Error::input("no priority"))?;
    let mut clocks = Clocks {
        respond: None,
        resolve: None,
    };
    let mut occurrences: Vec<Occurrence> = Vec::new();
    let mut wake: Option<Instant> = None;
    let mut note_wake = |w: Instant| {
        if w > now && wake.is_none_or(|x| w < x) {
            wake = Some(w);
        }
    };

    let opened = t.regimes.first().map_or(now, |r| r.at);
    // Runs of the clocks before a restart, by the restart's instant.
    let mut earlier: Vec<(Instant, Timeline, Clocks)> = Vec::new();
    for (k, level) in pack.levels().iter().enumerate() {
        // Type and fields do not change over time; status and priority are
        // checked as they were at each trigger (so the answer does not
        // depend on when the host happens to ask).
        if !applies_always(&level.applies, ticket, pack.matrix())
            || !applies_ever(&level.applies, &t)
        {
            continue;
        }
        if level.condition.is_some()
            && !pack.condition(k, whole.get_or_init(|| ticket.to_value()))?
        {
            continue;
        }
        // Quiet hours: a calendar, or with `"clock"` the calendar the
        // ticket's SLA clocks ran on at the trigger (a 24x7 ticket is
        // never held back; a business-hours one waits for the morning).
        let quiet_at = |at: Instant| -> Result<Option<&Calendar>> {
            match level.quiet_hours.as_deref() {
                None => Ok(None),
                Some(QUIET_CLOCK) => t.result_at(at).map(|r| pack.calendar(&r.clock)).transpose(),
                Some(name) => pack.calendar(name).map(Some),
            }
        };
        // Triggers up to now, and the first one after.
        let (past, next) = triggers(level, &t, now, policy, pack, &mut clocks)?;
        for (key, at) in past {
            if !applies_at(&level.applies, &t, at) {
                continue;
            }
            let plan = match clock_of(&level.trigger) {
                Some(which) => Some(clock_plan(&mut clocks, which, &t, policy, pack)?),
                None => None,
            };
            match settle(level, &t, policy, plan, &quiet_at, at)? {
                Settled::At(triggered, due) if due <= now => occurrences.push(Occurrence {
                    level: k,
                    key,
                    triggered,
                    due,
                }),
                Settled::At(_, due) => note_wake(due),
                Settled::Never => {}
            }
        }
        // With `on_priority_change: "restart"`, the plan of now starts at
        // the last restart; what the clock brought due before a restart
        // came due all the same (an on-time host had it). Each earlier run
        // of the clock is read as the ticket stood just before its restart,
        // and keeps the ids it had then.
        if let Some(which) = clock_of(&level.trigger) {
            let mut restart = clock_plan(&mut clocks, which, &t, policy, pack)?.restarted_at;
            while let Some(r) = restart.filter(|&r| r > opened) {
                let i = match earlier.iter().position(|e| e.0 == r) {
                    Some(i) => i,
                    None => {
                        let before = Timeline::read(ticket, r - 1, policy, pack)?;
                        let none = Clocks {
                            respond: None,
                            resolve: None,
                        };
                        earlier.push((r, before, none));
                        earlier.len() - 1
                    }
                };
                let Some((_, before, run)) = earlier.get_mut(i) else {
                    break;
                };
                // Due by the last second before the restart, as an on-time
                // host would have had it.
                let (past, _) = triggers(level, before, r - 1, policy, pack, run)?;
                let plan = clock_plan(run, which, before, policy, pack)?;
                for (key, at) in past {
                    if !applies_at(&level.applies, &t, at) {
                        continue;
                    }
                    // A notice deferred past the restart is dropped: the
                    // clock starts again from nothing there.
                    if let Settled::At(triggered, due) =
                        settle(level, before, policy, Some(plan), &quiet_at, at)?
                    {
                        if due < r {
                            occurrences.push(Occurrence {
                                level: k,
                                key,
                                triggered,
                                due,
                            });
                        }
                    }
                }
                restart = plan.restarted_at;
            }
        }
        // A future trigger finds the ticket as it is now, unless it changes
        // (and then the host asks again).
        if let Some(at) = next.filter(|_| applies_at(&level.applies, &t, now)) {
            note_wake(defer(quiet_at(at)?, at)?);
        }
    }

    // The ticket's own alarm clocks: the k-th is "level" levels.len() + k.
    let alarms = alarms(ticket)?;
    let alarm_level = pack.levels().len();
    // The ids of the alarms due already, made once (compared with each
    // alarm still to come: made again for each, 20,000 alarms took 11 s).
    let to_come = alarms.iter().any(|a| a.at > now);
    let due_ids: crate::json::Names = alarms
        .iter()
        .filter(|a| to_come && a.at <= now)
        .map(|a| a.id(&id))
        .collect();
    for (k, alarm) in alarms.iter().enumerate() {
        if alarm.at <= now {
            occurrences.push(Occurrence {
                level: alarm_level + k,
                key: Key::Once,
                triggered: alarm.at,
                due: alarm.at,
            });
        } else {
            // Waking up changes nothing for an alarm that cannot come: its
            // id carried out, or another alarm of the same id due already
            // (alarms of one id come once).
            let own = alarm.id(&id);
            let taken = fired.contains(&own) || due_ids.contains(&own);
            if !taken {
                note_wake(alarm.at);
            }
        }
    }
    // Two alarms alike (same id) come once.
    let mut alarms_seen = crate::json::Names::default();

    let mut due = Vec::new();
    let order = crate::json::stable_order(
        occurrences
            .iter()
            .map(|o| [o.due, o.triggered, o.level as i64]),
    );
    // What a notice says is as things stood when it came due, whenever
    // the host asks: the priority, status and due instants then. The
    // clocks of now say the due instants unless a re-rating came since the
    // trigger (another target: then they are read again as of the trigger,
    // once per instant), or they have none now (paused or stopped since:
    // then the notice says the one it had). A pause since the trigger that
    // has ended moves the due instant the notice names, as it moves the
    // clock's: reading the ticket again for every notice older than the
    // last history event made a call 2.5x dearer (callgrind, the bench
    // ticket: 70 k -> 176 k instructions).
    let current_since = t.regimes.last().map_or(opened, |r| r.at);
    let mut seen: Vec<(Instant, Dues)> = Vec::new();
    let mut dues_at = |at: Instant| -> Result<Dues> {
        if let Some(&(_, d)) = seen.iter().find(|(k, _)| *k == at) {
            return Ok(d);
        }
        let d = if at == now {
            (
                clock_plan(&mut clocks, Which::Respond, &t, policy, pack)?.due_at()?,
                clock_plan(&mut clocks, Which::Resolve, &t, policy, pack)?.due_at()?,
            )
        } else {
            let then = Timeline::read(ticket, at, policy, pack)?;
            (
                sla::plan(&then, policy, pack, Which::Respond)?.due_at()?,
                sla::plan(&then, policy, pack, Which::Resolve)?.due_at()?,
            )
        };
        seen.push((at, d));
        Ok(d)
    };
    // A notice triggered at the very instant its clock paused (an `every`
    // reached as the wait began) was about the clock as it ran up to then:
    // its due instant is the one of the second before.
    let mut due_then = |at: Instant| -> Result<Dues> {
        let d = dues_at(if at >= current_since { now } else { at })?;
        if (d.0.is_some() && d.1.is_some()) || at <= opened {
            return Ok(d);
        }
        let then = dues_at(at)?;
        let d = (d.0.or(then.0), d.1.or(then.1));
        if (d.0.is_some() && d.1.is_some()) || at - 1 < opened {
            return Ok(d);
        }
        let before = dues_at(at - 1)?;
        Ok((d.0.or(before.0), d.1.or(before.1)))
    };
    for i in order {
        let Some(o) = occurrences.get(i) else {
            continue;
        };
        let name = pack
            .levels()
            .get(o.level)
            .map_or("alarm", |l| l.name.as_str());
        let alarm = o.level.checked_sub(alarm_level).and_then(|k| alarms.get(k));
        let full = match alarm {
            Some(a) => a.id(&id),
            None => o.key.id(&id, name),
        };
        if fired.contains(&full) || (alarm.is_some() && !alarms_seen.insert(full.clone())) {
            continue;
        }
        // An alarm may be set before the ticket opened: the ticket as it
        // stood then is the ticket as it opened (the timeline has nothing
        // earlier, and refuses a `now` before the opening).
        let then = o.triggered.max(opened);
        let (respond_due, resolve_due) = due_then(then)?;
        let ctx = Render {
            ticket,
            level: name,
            due_at: o.due,
            priority: &t.result_at(then).unwrap_or(current).priority,
            status: t.status_at(then),
            respond_due,
            resolve_due,
        };
        let actions = match pack.levels().get(o.level) {
            Some(level) => level
                .actions
                .iter()
                .map(|a| render(a, &ctx, pack.matrix()))
                .collect(),
            None => vec![RenderedAction::Notify {
                audience: Audience::Assignee,
                name: None,
                message: ctx.fill(alarm.map_or("", |a| a.message)),
            }],
        };
        due.push(DueEscalation {
            id: full,
            level: name.to_string(),
            due_at: format_instant(o.due),
            triggered_at: format_instant(o.triggered),
            actions,
        });
    }
    Ok(EscalationReport {
        due,
        next_wake_up: wake.map(format_instant),
        pack_version: pack.version().to_string(),
    })
}

/// The ticket's id as text (a string or a whole number).
fn ticket_id<J: JsonView>(ticket: &J) -> Result<String> {
    let missing = || Error::MissingField { field: "id".into() };
    match ticket.get("id") {
        None => Err(missing()),
        Some(v) if v.is_null() => Err(missing()),
        Some(v) => match v.id_text() {
            Some(s) if !s.trim().is_empty() => Ok(s.into_owned()),
            Some(_) => Err(missing()),
            // As the record check says it (form::validate): 42 is an id.
            None => Err(Error::InvalidType {
                field: "id".into(),
                expected: "string or whole number",
                found: v.type_name(),
            }),
        },
    }
}

/// An operator's alarm clock on the ticket.
struct Alarm<'t> {
    at: Instant,
    message: &'t str,
    /// The alarm's own `id`, if the host gives it one.
    id: Option<&'t str>,
}

impl Alarm<'_> {
    /// `{ticket}/alarm/{id}`, or without an `id`
    /// `{ticket}/alarm/{at}#{FNV-1a of the message, 8 hex digits}`: the
    /// alarm's own, whatever its place in the list (an id by position
    /// fired every later alarm again when an earlier one was deleted).
    fn id(&self, ticket: &str) -> String {
        let mut id = String::with_capacity(ticket.len() + 40);
        id.push_str(ticket);
        id.push_str("/alarm/");
        match self.id {
            Some(own) => id.push_str(own),
            None => {
                let hash = self.message.bytes().fold(0x811c_9dc5_u32, |h, b| {
                    (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
                });
                id.push_str(&format_instant(self.at));
                id.push('#');
                for shift in (0..8).rev() {
                    let digit = (hash >> (shift * 4)) & 0xf;
                    id.push(char::from_digit(digit, 16).unwrap_or('0'));
                }
            }
        }
        id
    }
}

/// Whether the ticket's alarms read (the first thing wrong with them).
pub(crate) fn check_alarms<J: JsonView>(ticket: &J) -> Result<()> {
    alarms(ticket).map(drop)
}

/// `alarms: [{ at, message, id? }]`, validated.
fn alarms<J: JsonView>(ticket: &J) -> Result<Vec<Alarm<'_>>> {
    let list = match ticket.get("alarms") {
        None => return Ok(Vec::new()),
        Some(v) if v.is_null() => return Ok(Vec::new()),
        Some(v) => v.as_array().ok_or_else(|| Error::InvalidType {
            field: "alarms".into(),
            expected: "array",
            found: v.type_name(),
        })?,
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let at = match Field::of(a, "at") {
            // The field's name is made only when the text is refused: it
            // is then read again, to be refused under that name.
            Field::Text(s) => {
                parse_instant(s, "").or_else(|_| parse_instant(s, &format!("alarms[{i}].at")))?
            }
            Field::Absent => {
                return Err(Error::MissingField {
                    field: format!("alarms[{i}].at"),
                })
            }
            Field::Other(found) => {
                return Err(Error::InvalidType {
                    field: format!("alarms[{i}].at"),
                    expected: "string",
                    found,
                })
            }
        };
        let message = Field::of(a, "message")
            .optional_str_at(|| format!("alarms[{i}].message"))?
            .unwrap_or("");
        let id = Field::of(a, "id").optional_str_at(|| format!("alarms[{i}].id"))?;
        out.push(Alarm { at, message, id });
    }
    Ok(out)
}

/// The clock a level follows, if it is a clock level.
fn clock_of(trigger: &Trigger) -> Option<Which> {
    match trigger {
        Trigger::Percent { clock, .. }
        | Trigger::FromDue { clock, .. }
        | Trigger::Every { clock, .. } => Some(*clock),
        Trigger::InStatus { .. } | Trigger::Inactive { .. } => None,
    }
}

/// The clock's running time at which a clock level crosses its threshold,
/// under a `target` (seconds): a percent of it, or the due instant moved
/// by the offset measured on the clock (a wall-time offset is added after
/// the crossing, to the instant). 0 for a level of no threshold.
fn threshold(trigger: &Trigger, target: i64) -> i64 {
    match trigger {
        Trigger::Percent { percent, .. } => target.saturating_mul(*percent) / 100,
        Trigger::FromDue {
            offset,
            wall: false,
            ..
        } => target.saturating_add(*offset).max(0),
        Trigger::FromDue { .. } => target,
        _ => 0,
    }
}

/// What becomes of an occurrence triggered at some instant.
enum Settled {
    /// Delivered at `.1` (after quiet hours), as triggered at `.0` (the
    /// trigger, or the re-rating that re-based it).
    At(Instant, Instant),
    /// Never: its level stopped holding before it could be delivered, or
    /// it waits on a pause still going on (the ticket changes first).
    Never,
}

/// Where an occurrence held back by quiet hours ends up. It is
/// delivered at its deferred instant only if its level still holds then,
/// so the notice never contradicts `sla()` at delivery:
/// - a clock level: a stop of the clock in the meantime (a response, a
///   resolution) ends it; a pause postpones it to the end of the pause,
///   deferred again from there; a re-rating re-bases it as the clocks are
///   re-based: still past its threshold under the new target, it counts as
///   triggered at the re-rating (and waits for the quiet hours of the
///   clock then), otherwise it is dropped (the clock crosses the threshold
///   again later, as another occurrence);
/// - a status level: leaving the statuses ends it;
/// - an inactivity level: any history event ends it.
///
/// Everything in between is in the timeline: a delivery after `now` is
/// checked again when the host calls then.
fn settle<'c>(
    level: &Level,
    t: &Timeline,
    policy: &SlaPolicy,
    plan: Option<&ClockPlan<'_>>,
    quiet_at: &impl Fn(Instant) -> Result<Option<&'c Calendar>>,
    mut at: Instant,
) -> Result<Settled> {
    let mut triggered = at;
    let first_trigger = at;
    // Each round moves past one event of the timeline: bounded by them.
    for _ in 0..=t.statuses.len() + t.regimes.len() + t.updates.len() {
        let due = defer(quiet_at(at)?, at)?;
        if due == at {
            return Ok(Settled::At(triggered, due));
        }
        let within = |x: Instant| x > at && x <= due;
        match (&level.trigger, plan) {
            (Trigger::InStatus { statuses, .. }, _) => {
                let left = t
                    .statuses
                    .iter()
                    .any(|&(a, _, s)| within(a) && !statuses.iter().any(|x| same_name(x, s)));
                return Ok(if left {
                    Settled::Never
                } else {
                    Settled::At(triggered, due)
                });
            }
            (Trigger::Inactive { .. }, _) => {
                return Ok(if t.updates.iter().any(|&u| within(u)) {
                    Settled::Never
                } else {
                    Settled::At(triggered, due)
                });
            }
            (_, None) => return Ok(Settled::At(triggered, due)),
            (trigger, Some(plan)) => {
                // The first of: a stop, the start of a pause, a re-rating.
                let stop = plan
                    .stopped_at
                    .into_iter()
                    .chain(
                        t.statuses
                            .iter()
                            .filter(|(_, _, s)| policy.is_resolved(s))
                            .map(|r| r.0),
                    )
                    // From the trigger on: a stop at the very end of a
                    // pause (resolved straight from a wait) ends it too.
                    .filter(|&x| x > first_trigger && x <= due)
                    .min();
                let pause = t
                    .statuses
                    .iter()
                    .position(|&(a, _, s)| within(a) && policy.pauses(s));
                let pause_at = pause.and_then(|i| t.statuses.get(i)).map(|r| r.0);
                let rerate = plan
                    .regimes
                    .iter()
                    .skip(1)
                    .map(|r| r.0)
                    .find(|&x| within(x));
                let first = [stop, pause_at, rerate].into_iter().flatten().min();
                let Some(first) = first else {
                    return Ok(Settled::At(triggered, due));
                };
                if stop == Some(first) {
                    return Ok(Settled::Never);
                }
                if pause_at == Some(first) {
                    // Waits out the pause (joined runs of pausing statuses).
                    let end = t
                        .statuses
                        .iter()
                        .skip(pause.unwrap_or(0))
                        .take_while(|(_, _, s)| policy.pauses(s))
                        .last()
                        .map_or(first, |r| r.1);
                    if end >= t.now && policy.pauses(t.status()) {
                        return Ok(Settled::Never);
                    }
                    // A re-rating during the wait re-bases it there.
                    if let Some(r) = plan
                        .regimes
                        .iter()
                        .map(|r| r.0)
                        .filter(|&r| r > first && r <= end)
                        .max()
                    {
                        triggered = r;
                    }
                    at = end;
                } else {
                    triggered = first;
                    at = first;
                }
                // Still past the threshold under the target in force then?
                let target = plan
                    .regimes
                    .iter()
                    .rev()
                    .find(|r| r.0 <= at)
                    .map_or(0, |r| r.2);
                if plan.used_at(at)? < threshold(trigger, target) {
                    return Ok(Settled::Never);
                }
            }
        }
    }
    Ok(Settled::Never)
}

fn defer(quiet: Option<&Calendar>, at: Instant) -> Result<Instant> {
    match quiet {
        None => Ok(at),
        Some(cal) => Ok(cal.next_open(at)?.unwrap_or(at)),
    }
}

/// The parts of `applies` that are the ticket's own, fixed fields.
/// Fields compare as a form's conditions do (text in any case, an impact
/// or urgency by any of its spellings).
fn applies_always<J: JsonView>(a: &Applies, ticket: &J, matrix: &Matrix) -> bool {
    let ty = ticket.get("type").and_then(JsonView::as_str).unwrap_or("");
    (a.types.is_empty() || a.types.iter().any(|x| same_name(x, ty)))
        && a.fields.iter().all(|(k, values)| {
            // A path (`contact.name`), as templates and forms read one.
            let v = k.split('.').try_fold(ticket, |v, part| v.get(part));
            crate::form::validate::one_of(matrix, k, values, v)
        })
}

/// Whether the parts of `applies` that change with the history held at any
/// time of the ticket's life so far (or hold now): a level that never
/// applied has no triggers worth computing.
fn applies_ever(a: &Applies, t: &Timeline) -> bool {
    let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| same_name(x, v));
    t.statuses.iter().any(|(_, _, s)| any(&a.statuses, s))
        && t.regimes.iter().any(|r| {
            any(&a.priorities, &r.result.priority)
                && any(&a.impact_levels, &r.result.impact_level)
                && (a.processes.is_empty()
                    || a.processes
                        .iter()
                        .any(|p| p.as_deref() == r.result.process.as_deref()))
        })
}

/// The parts of `applies` that change with the history, as they were at `at`.
fn applies_at(a: &Applies, t: &Timeline, at: Instant) -> bool {
    let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| same_name(x, v));
    let status = t.status_at(at);
    let Some(result) = t.result_at(at) else {
        return false;
    };
    any(&a.priorities, &result.priority)
        && any(&a.statuses, status)
        && any(&a.impact_levels, &result.impact_level)
        && (a.processes.is_empty()
            || a.processes
                .iter()
                .any(|p| p.as_deref() == result.process.as_deref()))
}

/// The Respond By and Resolved By due instants (none while paused).
type Dues = (Option<Instant>, Option<Instant>);

type Triggers = (Vec<(Key, Instant)>, Option<Instant>);

/// A level's trigger instants up to `now` (with their occurrence keys), and
/// the first one after `now`.
fn triggers<'a>(
    level: &Level,
    t: &Timeline,
    now: Instant,
    policy: &SlaPolicy,
    pack: &'a impl Pack,
    clocks: &mut Clocks<'a>,
) -> Result<Triggers> {
    let mut past = Vec::new();
    let mut next = None;
    // A level at the due instant itself (100% of the clock, or 0 after
    // its due instant) is due once that instant has passed: a clock is
    // breached only then, and a response in the due second meets it
    // (`sla()` says `running, 0 left` at the due instant; the host must
    // not be told "missed" first). It keeps the due instant as its own.
    let at_due = match &level.trigger {
        Trigger::Percent { percent, .. } => *percent == 100,
        Trigger::FromDue { offset, .. } => *offset == 0,
        _ => false,
    };
    // Only a clock that ran up to its due instant is held there: one that
    // a re-rating put past it at once is breached at the re-rating, as
    // `sla()` says, and its notices come with the re-rating's others.
    let mut push = |key: Key, at: Instant, exact: bool, past: &mut Vec<(Key, Instant)>| -> bool {
        let at_due = at_due && exact;
        if at < now || (at == now && !at_due) {
            if past.len() == MAX_OCCURRENCES {
                past.remove(0);
            }
            past.push((key, at));
            true
        } else {
            next = Some(at + Instant::from(at_due));
            false
        }
    };
    match &level.trigger {
        // A clock level fires each time the clock crosses its threshold:
        // once, unless a re-rating takes the clock back below it (then
        // again, as the k-th crossing, under the new target).
        Trigger::Percent { clock, .. } => {
            let plan = clock_plan(clocks, *clock, t, policy, pack)?;
            let crossed = plan.crossings(|target| threshold(&level.trigger, target))?;
            for (k, (at, _, exact)) in crossed.into_iter().enumerate() {
                if !push(crossing(plan, k), at, exact, &mut past) {
                    break;
                }
            }
        }
        Trigger::FromDue {
            clock,
            offset,
            wall,
        } => {
            let plan = clock_plan(clocks, *clock, t, policy, pack)?;
            let crossed = plan.crossings(|target| threshold(&level.trigger, target))?;
            for (k, (at, below_again, exact)) in crossed.into_iter().enumerate() {
                let at = if *wall { at + offset } else { at };
                // "2 hours after the breach": not if a re-rating ended the
                // breach before then.
                if below_again.is_some_and(|b| at >= b) {
                    continue;
                }
                if !push(crossing(plan, k), at, exact, &mut past) {
                    break;
                }
            }
        }
        Trigger::Every { clock, every } => {
            let plan = clock_plan(clocks, *clock, t, policy, pack)?;
            let every = (*every).max(1);
            // Only the last MAX_OCCURRENCES before now are reported: start
            // there, not at the first.
            let passed = plan.used_at(now)? / every;
            let first = passed.saturating_sub(MAX_OCCURRENCES as i64).max(0) + 1;
            for k in first.. {
                match plan.reach(every.saturating_mul(k))? {
                    Some(at) if push(crossing(plan, k as usize), at, true, &mut past) => {}
                    _ => break,
                }
            }
        }
        Trigger::InStatus {
            statuses,
            after,
            repeat,
            calendar,
        } => {
            let cal = measured_on(pack, calendar.as_deref())?;
            // Runs of time spent in any of the statuses, joined.
            let mut runs: Vec<(Instant, Instant)> = Vec::new();
            for (a, b, s) in &t.statuses {
                if !statuses.iter().any(|x| same_name(x, s)) {
                    continue;
                }
                match runs.last_mut() {
                    Some(last) if last.1 == *a => last.1 = *b,
                    _ => runs.push((*a, *b)),
                }
            }
            let open_end = t
                .statuses
                .last()
                .is_some_and(|(_, _, s)| statuses.iter().any(|x| same_name(x, s)));
            let n = runs.len();
            for (r, (a, b)) in runs.into_iter().enumerate() {
                let ongoing = open_end && r + 1 == n;
                // Business time never outruns wall time.
                if !ongoing && b - a < *after {
                    continue;
                }
                let run = Run {
                    start: a,
                    end: b,
                    ongoing,
                };
                series(cal, run, now, *after, *repeat, &mut |k, at| {
                    push(Key::Run(a, k), at, true, &mut past)
                })?;
            }
        }
        Trigger::Inactive {
            after,
            repeat,
            calendar,
        } => {
            let cal = measured_on(pack, calendar.as_deref())?;
            let mut updates = t.updates.clone();
            updates.dedup();
            for (i, &u) in updates.iter().enumerate() {
                let (end, ongoing) = match updates.get(i + 1) {
                    Some(&next_update) => (next_update, false),
                    None => (now, true),
                };
                // Nothing changes inside a quiet run: if the level does not
                // apply at its start, or the run is too short, skip it.
                if (!ongoing && end - u < *after) || !applies_at(&level.applies, t, u) {
                    continue;
                }
                let run = Run {
                    start: u,
                    end,
                    ongoing,
                };
                series(cal, run, now, *after, *repeat, &mut |k, at| {
                    push(Key::Run(u, k), at, true, &mut past)
                })?;
            }
        }
    }
    Ok((past, next))
}

/// The key of a clock level's k-th occurrence (a crossing from 0, an
/// `every` from 1): `0` for the first crossing (as ids of levels that fire
/// once have always been), then `1`, `2`, ...; on a clock that started
/// again at a re-rating (`on_priority_change: "restart"`), `{restart}#k`,
/// so they are not taken for the ones before.
fn crossing(plan: &ClockPlan<'_>, k: usize) -> Key {
    match plan.restarted_at {
        Some(r) => Key::Run(r, k),
        None if k == 0 => Key::Once,
        None => Key::Nth(k),
    }
}

/// A run of time in a status, or without an update.
struct Run {
    start: Instant,
    end: Instant,
    /// Still going on at `now` (its `end` is not an end).
    ongoing: bool,
}

/// Occurrences `start + after + k * repeat` (measured on `cal`) inside the
/// run, or after it if the run is `ongoing`; `emit` returns `false` to
/// stop. Only the last [`MAX_OCCURRENCES`] before `now` are reported, so
/// the walk starts near them.
fn series(
    cal: &Calendar,
    run: Run,
    now: Instant,
    after: i64,
    repeat: Option<i64>,
    emit: &mut impl FnMut(usize, Instant) -> bool,
) -> Result<()> {
    let none = Pauses::none();
    let repeat = repeat.filter(|&step| step > 0);
    let until = if run.ongoing { now } else { run.end.min(now) };
    let skip = match repeat {
        // Business time never outruns wall time: most runs are too short
        // to need the calendar walk that counts their occurrences.
        Some(step) if (until - run.start - after).div_euclid(step) > MAX_OCCURRENCES as i64 => {
            let passed = (cal.between(run.start, until, &none)? - after).div_euclid(step);
            passed.saturating_sub(MAX_OCCURRENCES as i64).max(0)
        }
        _ => 0,
    };
    let step = repeat.unwrap_or(0);
    // An occurrence past the end of the range (2199) never comes: the
    // series ends there, as a run does (the rest of the ticket answers).
    let next = |from: Instant, seconds: i64| match cal.add(from, seconds, &none) {
        Ok(at) => Ok(Some(at)),
        Err(Error::OutOfRange { .. }) => Ok(None),
        Err(e) => Err(e),
    };
    let Some(mut at) = next(run.start, after + skip * step)? else {
        return Ok(());
    };
    let mut k = usize::try_from(skip).unwrap_or(0);
    loop {
        if !run.ongoing && at >= run.end {
            return Ok(());
        }
        if !emit(k, at) || repeat.is_none() {
            return Ok(());
        }
        let Some(later) = next(at, step)? else {
            return Ok(());
        };
        at = later;
        k += 1;
    }
}

fn measured_on<'a>(pack: &'a impl Pack, calendar: Option<&str>) -> Result<&'a Calendar> {
    pack.calendar(calendar.unwrap_or("24x7"))
}

fn clock_plan<'c, 'a>(
    clocks: &'c mut Clocks<'a>,
    which: Which,
    t: &Timeline,
    policy: &SlaPolicy,
    pack: &'a impl Pack,
) -> Result<&'c ClockPlan<'a>> {
    let slot = match which {
        Which::Respond => &mut clocks.respond,
        Which::Resolve => &mut clocks.resolve,
    };
    if slot.is_none() {
        *slot = Some(sla::plan(t, policy, pack, which)?);
    }
    slot.as_ref().ok_or_else(|| Error::input("no clock"))
}

/// What a message template may name.
struct Render<'a, J> {
    ticket: &'a J,
    level: &'a str,
    due_at: Instant,
    priority: &'a str,
    status: &'a str,
    respond_due: Option<Instant>,
    resolve_due: Option<Instant>,
}

impl<J: JsonView> Render<'_, J> {
    /// Fills `{name}` placeholders: `level`, `dueAt`, `priority`, `status`,
    /// `respondDue`, `resolveDue`, or a ticket field (`id`, `contact.name`).
    /// A name with no value stays as written, so a mistake shows.
    fn fill(&self, template: &str) -> String {
        crate::spec::fill_placeholders(template, |name| self.value(name))
    }

    fn value(&self, name: &str) -> Option<String> {
        match name {
            "level" => return Some(self.level.to_string()),
            "dueAt" => return Some(format_instant(self.due_at)),
            "priority" => return Some(self.priority.to_string()),
            "status" => return Some(self.status.to_string()),
            "respondDue" => return self.respond_due.map(format_instant),
            "resolveDue" => return self.resolve_due.map(format_instant),
            _ => {}
        }
        let mut v = self.ticket;
        for part in name.split('.') {
            v = v.get(part)?;
        }
        v.scalar_text()
    }
}

fn render<J: JsonView>(a: &Action, ctx: &Render<'_, J>, matrix: &Matrix) -> RenderedAction {
    match a {
        Action::Notify {
            audience,
            name,
            message,
        } => RenderedAction::Notify {
            audience: audience.clone(),
            name: name.clone(),
            message: ctx.fill(message),
        },
        Action::Reassign { group } => RenderedAction::Reassign {
            group: group.clone(),
        },
        Action::RaisePriority { steps } => {
            let rank = matrix.priority_rank(ctx.priority).unwrap_or(0);
            let to = usize::try_from(*steps).map_or(rank, |s| rank.saturating_sub(s));
            RenderedAction::RaisePriority {
                steps: *steps,
                from: ctx.priority.to_string(),
                to: matrix
                    .priorities
                    .get(to)
                    .cloned()
                    .unwrap_or_else(|| ctx.priority.to_string()),
            }
        }
        Action::SetFlag { flag, value } => RenderedAction::SetFlag {
            flag: flag.clone(),
            value: value.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn an_occurrence_id_is_ticket_level_and_key() {
        let at = 1_773_669_600; // 2026-03-16T14:00:00Z
        for (key, want) in [
            (Key::Once, "TT-1/l/0"),
            (Key::Nth(0), "TT-1/l/0"),
            (Key::Nth(7), "TT-1/l/7"),
            (Key::Nth(10), "TT-1/l/10"),
            (Key::Nth(90_210), "TT-1/l/90210"),
            (Key::Nth(usize::MAX), &format!("TT-1/l/{}", usize::MAX)),
            (Key::Run(at, 1), "TT-1/l/2026-03-16T14:00:00Z#1"),
            (Key::Run(at, 12), "TT-1/l/2026-03-16T14:00:00Z#12"),
        ] {
            assert_eq!(key.id("TT-1", "l"), want);
        }
    }
}
