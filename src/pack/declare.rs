//! The declaration functions a pack's files call at load
//! (`impact(...)`, `row(...)`, …) and the builder they fill.
//!
//! A declaration that is wrong records an error with the call's
//! `file:line:column` and lets the file go on, so one load reports every
//! mistake in the pack, not only the first.

#[cfg(feature = "rhai")]
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
#[cfg(feature = "rhai")]
use std::rc::Rc;

#[cfg(feature = "rhai")]
use rhai::{Array, Dynamic, Engine, Map, NativeCallContext};

use crate::calendar::Calendar;
use crate::duration::{parse_duration, MAX_SECONDS};
use crate::error::{Error, Span};
use crate::escalation::{parse_level, Action, Audience, Level as EscalationLevel, Trigger};
use crate::form::{parse_type, Condition, Fill, Kind, TicketType, UnknownFields};
#[cfg(feature = "rhai")]
use crate::pack::convert::to_json;
#[cfg(feature = "rhai")]
use crate::pack::diag::span;
use crate::pack::sandbox::Limits;
use crate::priority::{fold, same_name, Cell, Level, Matrix};
use crate::sla::policy::SlaPolicy;

/// The built-in clock every pack has.
pub(crate) const ALWAYS: &str = "24x7";

/// A value and where it was declared.
#[derive(Debug, Clone)]
pub(crate) struct Decl<T> {
    pub value: T,
    pub span: Span,
}

/// The parts of a pack declarations fill, as bits of [`Builder::failed`]:
/// the assembly runs a check only when every part it reads went in whole,
/// so that a failed declaration is reported once, not again as a missing
/// one, while the rest of the pack is still checked.
pub(crate) mod part {
    /// `priorities`, `impact`, `urgency`, `row` and `cell(...)`.
    pub const MATRIX: u8 = 1;
    pub const CALENDARS: u8 = 2;
    pub const SLA: u8 = 4;
    pub const TYPES: u8 = 8;
    pub const LOOKUPS: u8 = 16;
    /// `roles` and `user_roles`.
    pub const ROLES: u8 = 32;
    /// Whatever no check reads back (names, messages, limits, levels, …).
    pub const OTHER: u8 = 64;
    /// Every part: a file that did not parse or stopped, whose later
    /// declarations are missing, any of them.
    pub const ALL: u8 = u8::MAX;

    /// The part a declaration function fills.
    pub fn of(declaration: &str) -> u8 {
        match declaration {
            "priorities" | "impact" | "urgency" | "row" => MATRIX,
            "calendar" => CALENDARS,
            "sla" => SLA,
            "ticket_type" => TYPES,
            "lookup" => LOOKUPS,
            "roles" | "user_roles" => ROLES,
            _ => OTHER,
        }
    }
}

/// What `cell(...)` gives for arguments it refused, the error recorded: the
/// row it is in is left out without a second error.
#[cfg(feature = "rhai")]
#[derive(Debug, Clone, Copy)]
struct FailedCell;

/// One cell as written, before the matrix is assembled.
#[derive(Debug, Clone)]
pub(crate) struct CellDecl {
    clock: String,
    respond: u64,
    priority: String,
    process: Option<String>,
    resolve: u64,
    span: Span,
}

/// What the pack's files declared so far.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    /// The file now running, for spans.
    pub file: String,
    pub name: Option<Decl<String>>,
    pub version: Option<Decl<String>>,
    priorities: Option<Decl<Vec<String>>>,
    impacts: Vec<Decl<Level>>,
    urgencies: Vec<Decl<Level>>,
    /// Every spelling (trimmed, lowercased) of the impacts' and the
    /// urgencies' levels, to the level's index: one lookup per new
    /// spelling, however many levels a pack declares.
    spellings: [HashMap<String, usize>; 2],
    rows: Vec<Decl<(String, Vec<CellDecl>)>>,
    pub calendars: Vec<Decl<Calendar>>,
    pub sla: Option<Decl<SlaPolicy>>,
    /// Escalation levels, with the file that declared each (for its
    /// condition function).
    pub levels: Vec<Decl<(EscalationLevel, String)>>,
    pub roles: Option<Decl<Vec<String>>>,
    /// The roles of the people using tickets, for permissions.
    pub user_roles: Option<Decl<Vec<String>>>,
    /// The work queue's order.
    pub queue_order: Option<Decl<Vec<crate::queue::QueueKey>>>,
    /// Ticket types, with the file that declared each (for its functions).
    pub types: Vec<Decl<(TicketType, String)>>,
    pub lookups: Vec<Decl<(String, Vec<serde_json::Value>)>>,
    pub messages: Option<Decl<BTreeMap<String, String>>>,
    pub unknown_fields: Option<Decl<UnknownFields>>,
    /// Sandbox limits for hooks, if the pack set them.
    pub limits: Option<Decl<Limits>>,
    pub errors: Vec<Error>,
    /// The [`part`]s with a declaration that failed (bits).
    pub failed: u8,
    /// How many errors the declarations recorded (read before the
    /// assembly's own checks add theirs): a load with more errors than
    /// these had a file that did not parse or stopped.
    pub recorded: usize,
    /// The urgencies whose row was left out for a cell that failed.
    dropped_rows: Vec<String>,
    /// Every declaration call, when compiling a pack.
    pub calls: Option<Vec<Call>>,
}

#[cfg(feature = "rhai")]
type Shared = Rc<RefCell<Builder>>;
/// A declaration's outcome: `Err` is recorded as an error at the call, as
/// [`Builder::error`] is, and the file goes on.
type Declared<T> = Result<T, String>;

/// The keys a condition as data compares.
fn condition_keys(c: Option<&Condition>) -> impl Iterator<Item = &str> {
    let pairs = match c {
        Some(Condition::Fields(pairs)) => pairs.as_slice(),
        _ => &[],
    };
    pairs.iter().map(|(k, _)| k.as_str())
}

/// The values a condition as data compares that its key can never have: a
/// misspelt status, priority, level or menu choice makes a rule or a
/// `required_when` that never applies, silently. The matrix's names wait
/// for a matrix that loads (`None`).
fn unknown_values(
    ty: &TicketType,
    c: Option<&Condition>,
    policy: &SlaPolicy,
    matrix: Option<&Matrix>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, values) in match c {
        Some(Condition::Fields(pairs)) => pairs.as_slice(),
        _ => &[],
    } {
        let field = ty.fields.iter().find(|f| f.name == *key);
        // What the key is compared as: a field with a pack menu is that menu.
        let domain = match (key.as_str(), field.and_then(|f| f.menu.as_deref())) {
            (_, Some(menu)) => menu,
            (k, None) => k,
        };
        for v in values.iter().filter_map(serde_json::Value::as_str) {
            // Whether the key can be `v`, and if not, what it can be.
            let mut allowed: Vec<&str> = Vec::new();
            let known = match (domain, matrix) {
                ("status", _) => {
                    for s in &policy.statuses {
                        allowed.push(s);
                    }
                    policy.status(v).is_some()
                }
                ("priority", Some(m)) => {
                    for p in &m.priorities {
                        allowed.push(p);
                    }
                    m.priority_rank(v).is_some()
                }
                ("impact_level" | "impact" | "urgency", Some(m)) => {
                    let levels = if domain == "urgency" {
                        &m.urgencies
                    } else {
                        &m.impacts
                    };
                    for l in levels {
                        allowed.push(&l.name);
                    }
                    match domain {
                        "impact_level" => m.impact_index(v).is_ok(),
                        "impact" => m.find_impact(v).is_some(),
                        _ => m.find_urgency(v).is_some(),
                    }
                }
                _ => match field {
                    Some(f) if !f.values.is_empty() => {
                        for m in &f.values {
                            allowed.push(&m.value);
                        }
                        f.values.iter().any(|m| same_name(&m.value, v))
                    }
                    _ => true,
                },
            };
            if !known {
                out.push(format!("{key} is never {v:?}; it is one of {allowed:?}"));
            }
        }
    }
    out
}

/// Whether a condition may compare `key`: a field of the type (or the
/// object one is in: `contact` for `contact.name`), a field the ticket
/// model gives every ticket, or the derived `impact_level` / `priority`.
fn known_key(ty: &TicketType, key: &str) -> bool {
    // The ticket model's fields beyond the system ones.
    const MODEL: [&str; 5] = ["impact", "urgency", "service", "component", "contact"];
    key == "impact_level"
        || key == "priority"
        || MODEL.contains(&key)
        || crate::form::SYSTEM_FIELDS.contains(&key)
        || ty.fields.iter().any(|f| {
            f.name == key
                || f.name
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
}

impl Builder {
    #[cfg(feature = "rhai")]
    fn here(&self, ctx: &NativeCallContext) -> Span {
        span(&self.file, ctx.call_position())
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.recorded += 1;
        self.errors.push(Error::pack(Some(span), message));
    }

    /// Whether `what` was declared before, at `first`: if so, an error at
    /// `here` naming where. Not generic, and `what` is formatted only for
    /// the error: every declaration of a pack asks.
    fn declared_again(
        &mut self,
        here: &Span,
        what: std::fmt::Arguments<'_>,
        first: Option<Span>,
    ) -> bool {
        let Some(at) = first else {
            return false;
        };
        self.error(
            here.clone(),
            format!("{what} declared again (first at {at})"),
        );
        true
    }

    /// Checks the escalation levels against the rest of the pack: statuses,
    /// calendars, priorities and roles they name must exist.
    /// Without a matrix (its part failed to load) what they name of it
    /// waits; the rest is checked.
    pub(crate) fn check_levels(&mut self, matrix: Option<&Matrix>, policy: &SlaPolicy) {
        let calendars: Vec<&str> = std::iter::once(ALWAYS)
            .chain(self.calendars.iter().map(|d| d.value.name()))
            .collect();
        let type_names: Vec<&str> = self.types.iter().map(|d| d.value.0.name.as_str()).collect();
        let mut processes: Vec<&str> = Vec::new();
        if let Some(m) = matrix {
            for at in m.cell_refs() {
                if let Some(p) = m
                    .cell(at.impact, at.urgency)
                    .and_then(|c| c.process.as_deref())
                {
                    if !processes.contains(&p) {
                        processes.push(p);
                    }
                }
            }
        }
        let mut problems = Vec::new();
        for d in &self.levels {
            let (level, _) = &d.value;
            let mut bad = |msg: String| {
                problems.push((
                    d.span.clone(),
                    format!("escalation {:?}: {msg}", level.name),
                ))
            };
            let status_ok = |s: &str| policy.status(s).is_some();
            let calendar = match &level.trigger {
                Trigger::InStatus {
                    statuses, calendar, ..
                } => {
                    for s in statuses.iter().filter(|s| !status_ok(s)) {
                        bad(format!(
                            "unknown status {s:?}; statuses: {:?}",
                            policy.statuses
                        ));
                    }
                    calendar.as_deref()
                }
                Trigger::Inactive { calendar, .. } => calendar.as_deref(),
                _ => None,
            };
            let quiet = level
                .quiet_hours
                .as_deref()
                .filter(|&q| q != crate::escalation::QUIET_CLOCK);
            if let Some(c) = calendar.filter(|c| !calendars.contains(c)) {
                bad(format!("unknown calendar {c:?}; calendars: {calendars:?}"));
            }
            if let Some(q) = quiet.filter(|q| !calendars.contains(q)) {
                bad(format!(
                    "quiet_hours: unknown calendar {q:?}; {:?} (the ticket's own clock) or a calendar: {calendars:?}",
                    crate::escalation::QUIET_CLOCK
                ));
            }
            // The matrix's priorities.
            if let Some(m) = matrix {
                for p in (level.applies.priorities.iter()).filter(|p| m.priority_rank(p).is_none())
                {
                    bad(format!(
                        "unknown priority {p:?}; priorities: {:?}",
                        m.priorities
                    ));
                }
            }
            for s in level.applies.statuses.iter().filter(|s| !status_ok(s)) {
                bad(format!(
                    "unknown status {s:?}; statuses: {:?}",
                    policy.statuses
                ));
            }
            // A misspelt type, impact level or process would make the
            // level never fire, silently.
            if !type_names.is_empty() {
                for ty in level
                    .applies
                    .types
                    .iter()
                    .filter(|ty| !type_names.iter().any(|n| same_name(n, ty)))
                {
                    bad(format!("unknown ticket type {ty:?}; types: {type_names:?}"));
                }
            }
            // The matrix's impact levels and processes.
            if let Some(m) = matrix {
                for l in (level.applies.impact_levels.iter()).filter(|l| m.impact_index(l).is_err())
                {
                    let levels: Vec<&str> = m.impacts.iter().map(|l| l.name.as_str()).collect();
                    bad(format!(
                        "unknown impact level {l:?}; impact levels: {levels:?}"
                    ));
                }
                for p in level.applies.processes.iter().flatten() {
                    if !processes.contains(&p.as_str()) {
                        bad(format!(
                            "unknown process {p:?}; the matrix's processes: {processes:?}"
                        ));
                    }
                }
            }
            if let Some(roles) = &self.roles {
                for a in &level.actions {
                    if let Action::Notify {
                        audience: Audience::Role,
                        name: Some(r),
                        ..
                    } = a
                    {
                        if !roles.value.contains(r) {
                            bad(format!("unknown role {r:?}; roles: {:?}", roles.value));
                        }
                    }
                }
            }
        }
        for (span, msg) in problems {
            self.error(span, msg);
        }
    }

    /// Checks the ticket types against the rest of the pack.
    pub(crate) fn check_types(&mut self, policy: &SlaPolicy, matrix: Option<&Matrix>) {
        let mut problems = Vec::new();
        let type_names: Vec<String> = self.types.iter().map(|d| d.value.0.name.clone()).collect();
        let lookups: Vec<&str> = self.lookups.iter().map(|d| d.value.0.as_str()).collect();
        let user_roles: Vec<&str> = self
            .user_roles
            .iter()
            .flat_map(|d| d.value.iter().map(String::as_str))
            .collect();
        for d in &self.types {
            let ty = &d.value.0;
            let mut bad = |msg: String| {
                problems.push((d.span.clone(), format!("ticket type {:?}: {msg}", ty.name)))
            };
            let status = |s: &str| policy.status(s).is_some();
            for (from, to) in &ty.transitions {
                for s in std::iter::once(from).chain(to).filter(|s| !status(s)) {
                    bad(format!(
                        "transitions name unknown status {s:?}; statuses: {:?}",
                        policy.statuses
                    ));
                }
            }
            // Their statuses are stored as the policy spells them: two
            // spellings of one key would become one key twice.
            for (what, keys) in [
                (
                    "transitions",
                    ty.transitions.iter().map(|t| &t.0).collect::<Vec<_>>(),
                ),
                ("required_at", ty.required_at.iter().map(|r| &r.0).collect()),
            ] {
                for (i, k) in keys.iter().enumerate() {
                    let same = |o: &&&String| status(o) && policy.status(o) == policy.status(k);
                    if let Some(o) = keys.iter().take(i).find(same) {
                        bad(format!("{what} names status {k:?} twice (first as {o:?})"));
                    }
                }
            }
            for (s, fields) in &ty.required_at {
                if !status(s) {
                    bad(format!("required_at names unknown status {s:?}"));
                }
                for f in fields
                    .iter()
                    .filter(|f| !ty.fields.iter().any(|x| &x.name == *f))
                {
                    bad(format!(
                        "required_at names {f:?}, which is not a field of the type"
                    ));
                }
            }
            // A data rule's fields must be the type's: a typo would make
            // the rule never fire, or fire on a field no form has.
            for r in &ty.rules {
                if let crate::form::Rule::Data(d) = r {
                    if let Some(other) = d
                        .differs_from
                        .as_ref()
                        .filter(|o| !ty.fields.iter().any(|x| &x.name == *o))
                    {
                        bad(format!(
                            "a rule's differs_from names {other:?}, which is not a field of the type"
                        ));
                    }
                    if !known_key(ty, &d.field) {
                        bad(format!(
                            "a rule checks {:?}, which is not a field of the type",
                            d.field
                        ));
                    }
                    for key in condition_keys(d.when.as_ref()).filter(|k| !known_key(ty, k)) {
                        bad(format!("a rule's when names {key:?}, which is not a field of the type (nor impact_level or priority)"));
                    }
                    for msg in unknown_values(ty, d.when.as_ref(), policy, matrix) {
                        bad(format!("a rule's when: {msg}"));
                    }
                }
            }
            for f in &ty.fields {
                for key in condition_keys(f.required_when.as_ref()).filter(|k| !known_key(ty, k)) {
                    bad(format!(
                        "field {:?}: required_when names {key:?}, which is not a field of the type (nor impact_level or priority)",
                        f.name
                    ));
                }
                for msg in unknown_values(ty, f.required_when.as_ref(), policy, matrix) {
                    bad(format!("field {:?}: required_when: {msg}", f.name));
                }
            }
            if let Some(i) = &ty.initial {
                if !status(i) {
                    bad(format!("initial status {i:?} is not declared"));
                }
            }
            for r in &ty.reclassify {
                if !type_names.iter().any(|t| t == &r.to) {
                    bad(format!("reclassify names unknown type {:?}", r.to));
                }
                let target = self.types.iter().find(|d| d.value.0.name == r.to);
                for f in r.requires.iter().filter(|f| {
                    !known_key(ty, f) && !target.is_some_and(|t| known_key(&t.value.0, f))
                }) {
                    bad(format!(
                        "reclassify requires {f:?}, which is not a field of {:?} or {:?}",
                        ty.name, r.to
                    ));
                }
            }
            for f in &ty.fields {
                for (role, statuses) in f.access.grants().into_iter().flat_map(|g| g.names()) {
                    if !user_roles.contains(&role) {
                        bad(format!(
                            "field {:?}: access names role {role:?}, not one of user_roles({user_roles:?})",
                            f.name
                        ));
                    }
                    for s in statuses.iter().filter(|s| !status(s)) {
                        bad(format!(
                            "field {:?}: access names unknown status {s:?}",
                            f.name
                        ));
                    }
                }
                let item = if f.kind == Kind::List { f.of } else { f.kind };
                if let Some(m) = &f.menu {
                    if ![
                        "impact",
                        "urgency",
                        "priority",
                        "status",
                        "customer_severity",
                    ]
                    .contains(&m.as_str())
                    {
                        bad(format!("field {:?}: unknown menu {m:?} (impact, urgency, priority, status, customer_severity)", f.name));
                    }
                }
                if item == Kind::Reference {
                    if let Some(l) = f.lookup.as_deref().filter(|l| !lookups.contains(l)) {
                        bad(format!("field {:?}: unknown lookup {l:?}; declare it with lookup({l:?}, [...]) (it may be empty and given with each call)", f.name));
                    }
                }
                match &f.fill {
                    Some(Fill::Lookup {
                        lookup, by, take, ..
                    }) => {
                        if !lookups.contains(&lookup.as_str()) {
                            bad(format!(
                                "field {:?}: fill names unknown lookup {lookup:?}",
                                f.name
                            ));
                        }
                        // A key no record of the pack's list has fills
                        // nothing, silently (a list given with each call
                        // may have it: an empty list is not judged).
                        let records = self.lookups.iter().find(|d| d.value.0 == *lookup);
                        if let Some(records) = records.map(|d| &d.value.1).filter(|r| !r.is_empty())
                        {
                            if !records.iter().any(|r| r.get(take).is_some()) {
                                let mut keys: Vec<&str> = Vec::new();
                                for r in records.iter().filter_map(serde_json::Value::as_object) {
                                    for k in r.keys() {
                                        if !keys.contains(&k.as_str()) {
                                            keys.push(k);
                                        }
                                    }
                                }
                                bad(format!(
                                    "field {:?}: fill takes {take:?}, which no record of lookup {lookup:?} has (they have {keys:?})",
                                    f.name
                                ));
                            }
                        }
                        if !ty.fields.iter().any(|x| &x.name == by) {
                            bad(format!(
                                "field {:?}: fill is by {by:?}, which is not a field",
                                f.name
                            ));
                        }
                    }
                    Some(Fill::Copy { field, .. })
                        if !ty.fields.iter().any(|x| &x.name == field) =>
                    {
                        bad(format!(
                            "field {:?}: fill copies {field:?}, which is not a field",
                            f.name
                        ));
                    }
                    _ => {}
                }
            }
        }
        // A message template for a code nothing gives would never be used
        // (unless a rule in rhai gives it: its codes are known only when
        // it runs, and then `rule_codes` is `None`).
        let rule_codes: Option<Vec<&str>> = self
            .types
            .iter()
            .flat_map(|d| &d.value.0.rules)
            .map(|r| match r {
                crate::form::Rule::Data(d) => Some(d.code.as_str()),
                crate::form::Rule::Function(_) => None,
            })
            .collect();
        if let (Some(m), Some(rule_codes)) = (&self.messages, rule_codes) {
            for code in m.value.keys().filter(|c| {
                !crate::form::VALIDATION_CODES.contains(&c.as_str())
                    && !rule_codes.contains(&c.as_str())
            }) {
                problems.push((
                    m.span.clone(),
                    format!(
                        "messages: no check gives the code {code:?}; codes: {:?}",
                        crate::form::VALIDATION_CODES
                    ),
                ));
            }
        }
        for (span, msg) in problems {
            self.error(span, msg);
        }
    }

    /// Assembles the matrix from what was declared, recording what is
    /// missing or inconsistent.
    pub(crate) fn matrix(&mut self) -> Option<Matrix> {
        let Some(priorities) = self.priorities.clone() else {
            self.errors.push(Error::pack(
                None,
                "no priorities declared: add `priorities([...])` (highest first) to priority.rhai",
            ));
            return None;
        };
        if self.impacts.is_empty() {
            self.errors.push(Error::pack(
                None,
                "no impact levels declared: add `impact(\"Name\", [aliases])` to priority.rhai",
            ));
        }
        if self.urgencies.is_empty() {
            self.errors.push(Error::pack(
                None,
                "no urgency levels declared: add `urgency(\"Name\")` to priority.rhai",
            ));
        }
        if self.impacts.is_empty() || self.urgencies.is_empty() {
            return None;
        }
        let before = self.errors.len();
        let impacts: Vec<Level> = self.impacts.iter().map(|d| d.value.clone()).collect();
        let urgencies: Vec<Level> = self.urgencies.iter().map(|d| d.value.clone()).collect();
        let mut grid: Vec<Option<Vec<Cell>>> = vec![None; urgencies.len()];
        let rows = std::mem::take(&mut self.rows);
        for row in &rows {
            let (urgency, cells) = &row.value;
            let Some(slot) = urgencies
                .iter()
                .zip(grid.iter_mut())
                .find(|(l, _)| l.name == *urgency)
                .map(|(_, slot)| slot)
            else {
                let names: Vec<&str> = urgencies.iter().map(|l| l.name.as_str()).collect();
                self.error(
                    row.span.clone(),
                    format!("row for undeclared urgency {urgency:?}; declared: {names:?}"),
                );
                continue;
            };
            if slot.is_some() {
                self.error(
                    row.span.clone(),
                    format!("second row for urgency {urgency:?}"),
                );
                continue;
            }
            if cells.len() != impacts.len() {
                self.error(
                    row.span.clone(),
                    format!(
                        "row {urgency:?} has {} cells; there are {} impact levels, one cell each in declaration order",
                        cells.len(),
                        impacts.len()
                    ),
                );
                continue;
            }
            let mut built = Vec::with_capacity(cells.len());
            for c in cells {
                if c.clock != ALWAYS && !self.calendars.iter().any(|d| d.value.name() == c.clock) {
                    let names: Vec<&str> = std::iter::once(ALWAYS)
                        .chain(self.calendars.iter().map(|d| d.value.name()))
                        .collect();
                    self.error(
                        c.span.clone(),
                        format!("unknown clock {:?}: declare it with calendar({:?}, #{{...}}) (clocks: {names:?})", c.clock, c.clock),
                    );
                    continue;
                }
                let Some(p) = priorities.value.iter().position(|p| *p == c.priority) else {
                    self.error(
                        c.span.clone(),
                        format!(
                            "unknown priority {:?}; declared priorities: {:?}",
                            c.priority, priorities.value
                        ),
                    );
                    continue;
                };
                built.push(Cell {
                    clock: c.clock.clone(),
                    respond_seconds: c.respond,
                    priority: p,
                    process: c.process.clone(),
                    resolve_seconds: c.resolve,
                });
            }
            *slot = Some(built);
        }
        self.rows = rows;
        let missing: Vec<Decl<Level>> = grid
            .iter()
            .zip(&self.urgencies)
            .filter(|(row, _)| row.is_none())
            .map(|(_, decl)| decl.clone())
            .collect();
        let whole = missing.is_empty();
        for decl in missing {
            if self.dropped_rows.contains(&decl.value.name) {
                continue;
            }
            if self.errors.len() == before {
                self.error(
                    decl.span.clone(),
                    format!(
                        "no row of cells for urgency {:?}: add `row(...)`",
                        decl.value.name
                    ),
                );
            }
        }
        if self.errors.len() > before || !whole {
            return None;
        }
        let cells: Vec<Vec<Cell>> = grid.into_iter().flatten().collect();
        match Matrix::new(impacts, urgencies, priorities.value, cells) {
            Ok(m) => Some(m),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }
}

/// Registers every declaration function on `engine`, writing into `b`.
/// A declaration: what it does with its arguments, at `here`.
type Handler = fn(&mut Builder, Span, &[Arg]) -> Declared<()>;

/// The declarations a file may make, by name and number of arguments.
/// Each call is recorded when the builder records (a compiled pack is
/// the list of them), and a compiled pack replays them through the same
/// handlers, so both ways of loading check the same things.
const DECLARATIONS: &[(&str, usize, Handler)] = &[
    ("pack_name", 1, |b, here, a| {
        declare_once(b, here, arg(a, 0), "pack_name", |b| &mut b.name)
    }),
    ("pack_version", 1, |b, here, a| {
        declare_once(b, here, arg(a, 0), "pack_version", |b| &mut b.version)
    }),
    ("priorities", 1, declare_priorities),
    ("impact", 1, |b, here, a| {
        declare_level(b, here, Axis::Impact, arg(a, 0), NO_ALIASES)
    }),
    ("impact", 2, |b, here, a| {
        declare_level(b, here, Axis::Impact, arg(a, 0), arg(a, 1))
    }),
    ("urgency", 1, |b, here, a| {
        declare_level(b, here, Axis::Urgency, arg(a, 0), NO_ALIASES)
    }),
    ("urgency", 2, |b, here, a| {
        declare_level(b, here, Axis::Urgency, arg(a, 0), arg(a, 1))
    }),
    ("row", 2, declare_row),
    ("calendar", 2, declare_calendar),
    ("sla", 1, declare_sla),
    ("ticket_type", 2, declare_type),
    ("lookup", 2, declare_lookup),
    ("messages", 1, declare_messages),
    ("limits", 1, declare_limits),
    ("unknown_fields", 1, declare_unknown_fields),
    ("escalation", 2, declare_escalation),
    ("roles", 1, declare_roles),
    ("user_roles", 1, declare_user_roles),
    ("queue_order", 1, declare_queue_order),
];

/// A declaration's argument: a rhai value (a file running) or JSON (a
/// compiled pack replayed, which so never goes through rhai values).
#[derive(Clone, Copy)]
enum Arg<'a> {
    #[cfg(feature = "rhai")]
    Rhai(&'a Dynamic),
    Json(&'a serde_json::Value),
}

const NO_ALIASES: Arg<'static> = Arg::Json(&serde_json::Value::Array(Vec::new()));

fn arg<'a>(args: &[Arg<'a>], i: usize) -> Arg<'a> {
    args.get(i)
        .copied()
        .unwrap_or(Arg::Json(&serde_json::Value::Null))
}

impl<'a> Arg<'a> {
    fn json(self) -> Declared<std::borrow::Cow<'a, serde_json::Value>> {
        match self {
            #[cfg(feature = "rhai")]
            Arg::Rhai(d) => to_json(d).map(std::borrow::Cow::Owned),
            Arg::Json(v) => Ok(std::borrow::Cow::Borrowed(v)),
        }
    }

    fn string(self, what: &str) -> Declared<String> {
        match self {
            #[cfg(feature = "rhai")]
            Arg::Rhai(d) => string(d, what),
            Arg::Json(serde_json::Value::String(s)) => Ok(s.clone()),
            Arg::Json(v) => Err(format!(
                "{what} must be a string, not {}",
                crate::ticket::json_type(v)
            )),
        }
    }

    fn strings(self, what: &str) -> Declared<Vec<String>> {
        match self {
            #[cfg(feature = "rhai")]
            Arg::Rhai(d) => strings(d, what),
            Arg::Json(serde_json::Value::Array(a)) => {
                a.iter().map(|v| Arg::Json(v).string(what)).collect()
            }
            Arg::Json(v) => Err(format!(
                "{what} must be an array of strings, not {}",
                crate::ticket::json_type(v)
            )),
        }
    }
}

/// One declaration call as a compiled pack keeps it: its name, where it
/// was made and its arguments as JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    pub name: String,
    pub span: Span,
    pub args: Vec<serde_json::Value>,
}

impl Builder {
    /// Runs a declaration (from a file, or replayed from a compiled pack),
    /// recording it first if this builder records. What is wrong with it
    /// is recorded with its place, and its part marked failed.
    fn declare(&mut self, name: &str, handler: Handler, here: Span, args: &[Arg]) {
        let before = self.errors.len();
        if let Err(msg) = self.run_declaration(name, handler, here.clone(), args) {
            self.error(here, msg);
        }
        if self.errors.len() > before {
            self.failed |= part::of(name);
        }
    }

    fn run_declaration(
        &mut self,
        name: &str,
        handler: Handler,
        here: Span,
        args: &[Arg],
    ) -> Declared<()> {
        if self.calls.is_none() {
            return handler(self, here, args);
        }
        let json = args
            .iter()
            .map(|a| {
                let mut json = match a {
                    #[cfg(feature = "rhai")]
                    Arg::Rhai(d) => call_json(d)?,
                    Arg::Json(v) => (*v).clone(),
                };
                super::compiled::encode(&mut json);
                Ok::<_, String>(json)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{name}: {e}"))?;
        let before = self.errors.len();
        handler(self, here.clone(), args)?;
        // Only a call that went through (a pack with an error is not
        // written compiled anyway).
        if let (Some(calls), true) = (&mut self.calls, self.errors.len() == before) {
            calls.push(Call {
                name: name.to_string(),
                span: here,
                args: json,
            });
        }
        Ok(())
    }

    /// What `cell(...)` made of its arguments, at `here`: the cell, or a
    /// [`FailedCell`] with the error recorded.
    #[cfg(feature = "rhai")]
    fn cell(&mut self, made: Result<CellDecl, String>, here: Span) -> Dynamic {
        match made {
            Ok(c) => Dynamic::from(c),
            Err(msg) => {
                self.error(
                    here,
                    format!("cell(clock, respond, priority, [process,] resolve): {msg}"),
                );
                Dynamic::from(FailedCell)
            }
        }
    }

    /// Replays a recorded call: the same handler, at the same place.
    pub(crate) fn replay(&mut self, call: &Call) -> Result<(), Error> {
        let Some(&(name, _, handler)) = DECLARATIONS
            .iter()
            .find(|(n, arity, _)| *n == call.name && *arity == call.args.len())
        else {
            return Err(Error::pack(
                Some(call.span.clone()),
                format!(
                    "a compiled pack calls {}() with {} arguments, which is no declaration",
                    call.name,
                    call.args.len()
                ),
            ));
        };
        self.file.clone_from(&call.span.file);
        let args: Vec<Arg> = call.args.iter().map(Arg::Json).collect();
        self.declare(name, handler, call.span.clone(), &args);
        Ok(())
    }
}

/// A declaration's argument as JSON; a `cell(...)` becomes the map form
/// `row` also takes.
#[cfg(feature = "rhai")]
fn call_json(d: &Dynamic) -> Result<serde_json::Value, String> {
    if d.is::<FailedCell>() {
        // Its error is recorded: the pack is not written compiled.
        return Ok(serde_json::Value::Null);
    }
    if let Some(c) = d.read_lock::<CellDecl>() {
        return Ok(serde_json::json!({
            "clock": c.clock,
            "respond": c.respond,
            "priority": c.priority,
            "process": c.process,
            "resolve": c.resolve,
        }));
    }
    if let Some(a) = d.read_lock::<Array>() {
        return a
            .iter()
            .map(call_json)
            .collect::<Result<_, _>>()
            .map(serde_json::Value::Array);
    }
    to_json(d)
}

#[cfg(feature = "rhai")]
pub(crate) fn register(engine: &mut Engine, b: &Shared) {
    for &(name, arity, handler) in DECLARATIONS {
        let s = b.clone();
        let run = move |ctx: &NativeCallContext, args: &[Dynamic]| {
            let mut b = s.borrow_mut();
            let here = b.here(ctx);
            let args: Vec<Arg> = args.iter().map(Arg::Rhai).collect();
            b.declare(name, handler, here, &args);
        };
        match arity {
            1 => {
                engine.register_fn(name, move |ctx: NativeCallContext, a: Dynamic| {
                    run(&ctx, &[a])
                });
            }
            _ => {
                engine.register_fn(
                    name,
                    move |ctx: NativeCallContext, a: Dynamic, b: Dynamic| run(&ctx, &[a, b]),
                );
            }
        }
    }

    let s = b.clone();
    engine.register_fn(
        "cell",
        move |ctx: NativeCallContext,
              clock: Dynamic,
              respond: Dynamic,
              priority: Dynamic,
              resolve: Dynamic| {
            let mut b = s.borrow_mut();
            let here = b.here(&ctx);
            let made = make_cell(clock, respond, priority, Dynamic::UNIT, resolve, &here);
            b.cell(made, here)
        },
    );
    let s = b.clone();
    engine.register_fn(
        "cell",
        move |ctx: NativeCallContext,
              clock: Dynamic,
              respond: Dynamic,
              priority: Dynamic,
              process: Dynamic,
              resolve: Dynamic| {
            let mut b = s.borrow_mut();
            let here = b.here(&ctx);
            let made = make_cell(clock, respond, priority, process, resolve, &here);
            b.cell(made, here)
        },
    );

    // Actions: plain maps, so a pack may also write them by hand.
    let action = |pairs: &[(&str, Dynamic)]| -> Dynamic {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert((*k).into(), v.clone());
        }
        Dynamic::from_map(m)
    };
    let notify = move |audience: &str, name: Option<Dynamic>, message: Dynamic| {
        let mut pairs = vec![
            ("kind", Dynamic::from("notify")),
            ("audience", Dynamic::from(audience.to_string())),
        ];
        if let Some(n) = name {
            pairs.push(("name", n));
        }
        pairs.push(("message", message));
        action(&pairs)
    };
    engine.register_fn("notify_role", move |role: Dynamic, message: Dynamic| {
        notify("role", Some(role), message)
    });
    engine.register_fn("notify_group", move |group: Dynamic, message: Dynamic| {
        notify("group", Some(group), message)
    });
    engine.register_fn("notify_assignee", move |message: Dynamic| {
        notify("assignee", None, message)
    });
    engine.register_fn("notify_customer", move |message: Dynamic| {
        notify("customer", None, message)
    });
    engine.register_fn("reassign", move |group: Dynamic| {
        action(&[("kind", Dynamic::from("reassign")), ("group", group)])
    });
    engine.register_fn("raise_priority", move || {
        action(&[
            ("kind", Dynamic::from("raisePriority")),
            ("steps", Dynamic::from_int(1)),
        ])
    });
    engine.register_fn("raise_priority", move |steps: Dynamic| {
        action(&[("kind", Dynamic::from("raisePriority")), ("steps", steps)])
    });
    engine.register_fn("set_flag", move |flag: Dynamic| {
        action(&[
            ("kind", Dynamic::from("setFlag")),
            ("flag", flag),
            ("value", Dynamic::TRUE),
        ])
    });
    engine.register_fn("set_flag", move |flag: Dynamic, value: Dynamic| {
        action(&[
            ("kind", Dynamic::from("setFlag")),
            ("flag", flag),
            ("value", value),
        ])
    });
}

fn declare_priorities(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let names = arg(a, 0).strings("priorities(names)")?;
    if names.is_empty() {
        b.error(here, "priorities(names): at least one priority is needed");
    } else if let Some(dup) = first_duplicate(&names) {
        b.error(here, format!("priority {dup:?} is listed twice"));
    } else if !b.declared_again(&here, format_args!("priorities"), first(&b.priorities)) {
        b.priorities = Some(Decl {
            value: names,
            span: here,
        });
    }
    Ok(())
}

fn declare_calendar(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let name = arg(a, 0).string("calendar(name, spec): name")?;
    let json = arg(a, 1).json()?;
    if name.trim().is_empty() || name == ALWAYS {
        b.error(
            here,
            format!("calendar name {name:?} is empty or reserved (24x7 is built in)"),
        );
    } else if !b.declared_again(
        &here,
        format_args!("calendar {name:?}"),
        b.calendars
            .iter()
            .find(|d| d.value.name() == name)
            .map(|d| d.span.clone()),
    ) {
        match Calendar::from_json_named(&json, &name) {
            Ok(cal) => b.calendars.push(Decl {
                value: cal,
                span: here,
            }),
            Err(e) => b.error(here, format!("calendar {name:?}: {e}")),
        }
    }
    Ok(())
}

fn declare_sla(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let json = arg(a, 0).json()?;
    if b.declared_again(&here, format_args!("sla(...)"), first(&b.sla)) {
        return Ok(());
    }
    match SlaPolicy::from_json(&json) {
        Ok(p) => {
            b.sla = Some(Decl {
                value: p,
                span: here,
            })
        }
        Err(e) => b.error(here, format!("sla: {e}")),
    }
    Ok(())
}

fn declare_type(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let name = arg(a, 0).string("ticket_type(name, spec): name")?;
    let json = arg(a, 1).json()?;
    if name.trim().is_empty() {
        b.error(here, "ticket_type: the name must not be empty");
    } else if !b.declared_again(
        &here,
        format_args!("ticket type {name:?}"),
        (b.types.iter())
            .find(|d| same_name(&d.value.0.name, &name))
            .map(|d| d.span.clone()),
    ) {
        match parse_type(&name, &json) {
            Ok(t) => {
                let file = b.file.clone();
                b.types.push(Decl {
                    value: (t, file),
                    span: here,
                });
            }
            Err(errors) => {
                for e in errors {
                    b.error(here.clone(), format!("ticket type {name:?}: {e}"));
                }
            }
        }
    }
    Ok(())
}

fn declare_lookup(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let name = arg(a, 0).string("lookup(name, records): name")?;
    let json = arg(a, 1).json()?.into_owned();
    let serde_json::Value::Array(list) = json else {
        b.error(
            here,
            format!("lookup {name:?}: records must be an array of maps"),
        );
        return Ok(());
    };
    if list.iter().any(|r| !r.is_object()) {
        b.error(here, format!("lookup {name:?}: every record must be a map"));
    } else if !b.declared_again(
        &here,
        format_args!("lookup {name:?}"),
        b.lookups
            .iter()
            .find(|d| d.value.0 == name)
            .map(|d| d.span.clone()),
    ) {
        b.lookups.push(Decl {
            value: (name, list),
            span: here,
        });
    }
    Ok(())
}

/// One `messages(...)` per pack: a second would replace the first's
/// templates (a translation lost without a word), so it is refused like
/// every other one-per-pack declaration.
fn declare_messages(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let json = arg(a, 0).json()?.into_owned();
    if b.declared_again(&here, format_args!("messages"), first(&b.messages)) {
        return Ok(());
    }
    let serde_json::Value::Object(o) = json else {
        b.error(here, "messages(#{ CODE: \"template\" }) takes a map");
        return Ok(());
    };
    let mut out = BTreeMap::new();
    for (k, v) in o {
        match v.as_str() {
            Some(t) => {
                out.insert(k, t.to_string());
            }
            None => b.error(
                here.clone(),
                format!("messages: the template for {k} must be a string"),
            ),
        }
    }
    b.messages = Some(Decl {
        value: out,
        span: here,
    });
    Ok(())
}

fn declare_limits(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    if b.declared_again(&here, format_args!("limits"), first(&b.limits)) {
        return Ok(());
    }
    let serde_json::Value::Object(o) = arg(a, 0).json()?.into_owned() else {
        b.error(here, "limits(#{ operations: 50000, ... }) takes a map");
        return Ok(());
    };
    match Limits::hook_from_json(&o) {
        Ok(value) => b.limits = Some(Decl { value, span: here }),
        Err(e) => b.error(here, e),
    }
    Ok(())
}

fn declare_unknown_fields(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let policy = arg(a, 0).string("unknown_fields(policy)")?;
    // A second one would silently replace the first (an extra file could
    // loosen "reject" to "keep").
    if b.declared_again(
        &here,
        format_args!("unknown_fields"),
        first(&b.unknown_fields),
    ) {
        return Ok(());
    }
    let p = match policy.as_str() {
        "keep" => UnknownFields::Keep,
        "reject" => UnknownFields::Reject,
        "drop" => UnknownFields::Drop,
        other => {
            b.error(
                here,
                format!("unknown_fields: {other:?} is not keep, reject or drop"),
            );
            return Ok(());
        }
    };
    b.unknown_fields = Some(Decl {
        value: p,
        span: here,
    });
    Ok(())
}

fn declare_escalation(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let name = arg(a, 0).string("escalation(name, spec): name")?;
    let json = arg(a, 1).json()?;
    if name.trim().is_empty() || name.contains('/') {
        b.error(
            here,
            format!(
                "escalation name {name:?} must be non-empty and without `/` (it is part of ids)"
            ),
        );
    } else if !b.declared_again(
        &here,
        format_args!("escalation {name:?}"),
        b.levels
            .iter()
            .find(|d| d.value.0.name == name)
            .map(|d| d.span.clone()),
    ) {
        match parse_level(&name, &json) {
            Ok(level) => {
                let file = b.file.clone();
                b.levels.push(Decl {
                    value: (level, file),
                    span: here,
                });
            }
            Err(e) => b.error(here, format!("escalation {name:?}: {e}")),
        }
    }
    Ok(())
}

fn declare_roles(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let names = arg(a, 0).strings("roles(names)")?;
    if !b.declared_again(&here, format_args!("roles"), first(&b.roles)) {
        b.roles = Some(Decl {
            value: names,
            span: here,
        });
    }
    Ok(())
}

fn declare_user_roles(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let names = arg(a, 0).strings("user_roles(names)")?;
    if b.declared_again(&here, format_args!("user_roles"), first(&b.user_roles)) {
        return Ok(());
    }
    if names.iter().any(|n| n.trim().is_empty()) {
        b.error(here, "user_roles: a role needs a name");
    } else {
        b.user_roles = Some(Decl {
            value: names,
            span: here,
        });
    }
    Ok(())
}

fn declare_queue_order(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let names = arg(a, 0).strings("queue_order(criteria)")?;
    if b.declared_again(&here, format_args!("queue_order"), first(&b.queue_order)) {
        return Ok(());
    }
    let (keys, errors) =
        crate::queue::QueueKey::order_of(names.iter().map(String::as_str), "queue_order");
    for e in errors {
        b.error(here.clone(), e);
    }
    b.queue_order = Some(Decl {
        value: keys,
        span: here,
    });
    Ok(())
}

fn declare_row(b: &mut Builder, here: Span, a: &[Arg]) -> Declared<()> {
    let urgency = arg(a, 0).string("row(urgency, cells): urgency")?;
    let cells = arg(a, 1);
    let not_cells = || "row(urgency, cells): cells must be an array of cell(...)".to_string();
    match cells {
        #[cfg(feature = "rhai")]
        Arg::Rhai(d) if d.is_array() => {}
        Arg::Json(serde_json::Value::Array(_)) => {}
        _ => return Err(not_cells()),
    }
    // Rows may name an urgency by an alias too, in any spelling a ticket
    // may (the matrix's folded keys); store the level name.
    let canonical = b.spellings[1]
        .get(&fold(&urgency))
        .and_then(|&i| b.urgencies.get(i))
        .map(|d| d.value.name.clone())
        .unwrap_or(urgency);
    let parsed: Result<Vec<CellDecl>, (usize, String)> = match cells {
        #[cfg(feature = "rhai")]
        Arg::Rhai(d) => {
            let cells = d.read_lock::<Array>().ok_or_else(not_cells)?;
            if cells.iter().any(|c| c.is::<FailedCell>()) {
                // Reported at the cell; the row is left out without a
                // word, and not reported missing either (the matrix's
                // other rows are still checked).
                drop(cells);
                b.dropped_rows.push(canonical);
                return Ok(());
            }
            (cells.iter().enumerate())
                .map(|(i, c)| cell_value(c.clone(), &here).map_err(|m| (i, m)))
                .collect()
        }
        // Replayed: each cell is the map form `call_json` wrote.
        Arg::Json(serde_json::Value::Array(c)) => (c.iter().enumerate())
            .map(|(i, c)| cell_from_json(c, &here).map_err(|m| (i, m)))
            .collect(),
        Arg::Json(_) => return Err(not_cells()),
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err((i, msg)) => {
            b.error(
                here.clone(),
                format!("row {canonical:?}, cell {}: {msg}", i + 1),
            );
            return Ok(());
        }
    };
    b.rows.push(Decl {
        value: (canonical, parsed),
        span: here,
    });
    Ok(())
}

#[derive(Clone, Copy)]
enum Axis {
    Impact,
    Urgency,
}

impl Axis {
    fn fn_name(self) -> &'static str {
        match self {
            Axis::Impact => "impact",
            Axis::Urgency => "urgency",
        }
    }
}

fn declare_once(
    b: &mut Builder,
    here: Span,
    value: Arg,
    what: &str,
    slot: impl Fn(&mut Builder) -> &mut Option<Decl<String>>,
) -> Declared<()> {
    let value = value.string(what)?;
    if value.trim().is_empty() {
        b.error(here, format!("{what}: must not be empty"));
    } else {
        let first = first(slot(b));
        if !b.declared_again(&here, format_args!("{what}"), first) {
            *slot(b) = Some(Decl { value, span: here });
        }
    }
    Ok(())
}

fn declare_level(b: &mut Builder, here: Span, axis: Axis, name: Arg, aliases: Arg) -> Declared<()> {
    let what = axis.fn_name();
    let name = name.string(&format!("{what}(name, aliases): name"))?;
    let aliases = aliases.strings(&format!("{what}(name, aliases): aliases"))?;
    if name.trim().is_empty() || aliases.iter().any(|a| a.trim().is_empty()) {
        b.error(here, format!("{what}: names and aliases must not be empty"));
        return Ok(());
    }
    let level = Level::new(name, aliases);
    let (levels, spellings) = match axis {
        Axis::Impact => (&b.impacts, &b.spellings[0]),
        Axis::Urgency => (&b.urgencies, &b.spellings[1]),
    };
    // Every spelling must lead to one level only: compared as the matrix
    // matches them, by the level's own folded keys.
    let keys = level.keys();
    let spelled = std::iter::once(&level.name).chain(&level.aliases);
    for (i, (key, folded)) in spelled.zip(keys).enumerate() {
        if let Some(prev) = spellings.get(folded).and_then(|&i| levels.get(i)) {
            let msg = format!(
                "{what} {key:?} already names level {:?} (declared at {})",
                prev.value.name, prev.span
            );
            b.error(here, msg);
            return Ok(());
        }
        if keys.iter().take(i).any(|k| k == folded) {
            b.error(here, format!("{what} {key:?} is listed twice"));
            return Ok(());
        }
    }
    let decl = Decl {
        value: level,
        span: here,
    };
    let (levels, spellings) = match axis {
        Axis::Impact => (&mut b.impacts, &mut b.spellings[0]),
        Axis::Urgency => (&mut b.urgencies, &mut b.spellings[1]),
    };
    let index = levels.len();
    spellings.extend(decl.value.keys().iter().map(|k| (k.clone(), index)));
    levels.push(decl);
    Ok(())
}

/// Where a one-per-pack declaration was first made, if it was.
fn first<T>(d: &Option<Decl<T>>) -> Option<Span> {
    d.as_ref().map(|d| d.span.clone())
}

/// `cell(...)` returns its parsed form, so a bad duration is reported at
/// the cell, not at the row.
#[cfg(feature = "rhai")]
fn make_cell(
    clock: Dynamic,
    respond: Dynamic,
    priority: Dynamic,
    process: Dynamic,
    resolve: Dynamic,
    here: &Span,
) -> Result<CellDecl, String> {
    let mut m = Map::new();
    m.insert("clock".into(), clock);
    m.insert("respond".into(), respond);
    m.insert("priority".into(), priority);
    m.insert("process".into(), process);
    m.insert("resolve".into(), resolve);
    cell_from_map(&m, here)
}

/// A cell from `cell(...)` or from a map literal
/// `#{ clock, respond, priority, process, resolve }`.
#[cfg(feature = "rhai")]
fn cell_value(c: Dynamic, row: &Span) -> Result<CellDecl, String> {
    if c.is::<CellDecl>() {
        return Ok(c.cast::<CellDecl>());
    }
    match c.try_cast::<Map>() {
        Some(m) => cell_from_map(&m, row),
        None => Err(
            "expected cell(...) or a map #{ clock, respond, priority, process, resolve }".into(),
        ),
    }
}

#[cfg(feature = "rhai")]
fn cell_from_map(m: &Map, here: &Span) -> Result<CellDecl, String> {
    let value = |d: &Dynamic| {
        if d.is_unit() {
            CellValue::Missing
        } else if d.is_string() {
            CellValue::Text(d.to_string())
        } else if let Ok(i) = d.as_int() {
            CellValue::Int(i)
        } else {
            CellValue::Other(d.type_name())
        }
    };
    // `__proto__` is dropped, as from every other map a pack gives (and as
    // a compiled pack's reader drops it).
    parse_cell(
        m.keys()
            .map(|k| k.as_str())
            .filter(|k| *k != crate::pack::convert::FORBIDDEN_KEY),
        |k| m.get(k).map_or(CellValue::Missing, value),
        here,
    )
}

/// A cell as a compiled pack keeps it (the map form `call_json` writes),
/// read by the same [`parse_cell`] as a cell from source.
fn cell_from_json(c: &serde_json::Value, here: &Span) -> Result<CellDecl, String> {
    use serde_json::Value;
    let Value::Object(m) = c else {
        return Err(
            "expected cell(...) or a map #{ clock, respond, priority, process, resolve }".into(),
        );
    };
    // The messages name types as rhai does, as from source.
    let value = |v: &Value| match v {
        Value::Null => CellValue::Missing,
        Value::String(s) => CellValue::Text(s.clone()),
        Value::Number(n) => n.as_i64().map_or(CellValue::Other("f64"), CellValue::Int),
        Value::Bool(_) => CellValue::Other("bool"),
        Value::Array(_) => CellValue::Other("array"),
        Value::Object(_) => CellValue::Other("map"),
    };
    parse_cell(
        m.keys().map(String::as_str),
        |k| m.get(k).map_or(CellValue::Missing, value),
        here,
    )
}

/// A value in a cell, whether it came from rhai or from JSON.
enum CellValue {
    /// Absent, `()` or `null`.
    Missing,
    Text(String),
    Int(i64),
    /// Anything else, by its rhai type name.
    Other(&'static str),
}

/// A cell's map (`#{ clock, respond, priority, process, resolve }`), read
/// once for both ways a pack gives it: its keys, and each key's value.
fn parse_cell<'k>(
    mut keys: impl Iterator<Item = &'k str>,
    get: impl Fn(&str) -> CellValue,
    here: &Span,
) -> Result<CellDecl, String> {
    const KEYS: [&str; 5] = ["clock", "respond", "priority", "process", "resolve"];
    if let Some(k) = keys.find(|k| !KEYS.contains(k)) {
        return Err(format!(
            "unknown key {k:?} (clock, respond, priority, process, resolve)"
        ));
    }
    let text = |k: &str| match get(k) {
        CellValue::Text(s) => Ok(s),
        _ => Err(format!("{k} must be a string")),
    };
    let clock = text("clock")?;
    if clock.trim().is_empty() {
        return Err("clock must not be empty".into());
    }
    let priority = text("priority")?;
    let process = match get("process") {
        CellValue::Missing => None,
        CellValue::Text(p) => {
            let p = p.trim();
            (!p.is_empty() && !p.eq_ignore_ascii_case("none")).then(|| p.to_string())
        }
        _ => return Err("process must be a string or ()".into()),
    };
    let seconds = |k: &str| -> Result<u64, String> {
        match get(k) {
            CellValue::Text(d) => parse_duration(&d),
            CellValue::Int(i) => u64::try_from(i)
                .ok()
                .filter(|s| *s <= MAX_SECONDS)
                .ok_or_else(|| format!("{i} seconds is out of range")),
            CellValue::Missing => Err("expected a duration like \"4h\", not nothing".into()),
            // In the pack's words, not rhai's type names (`f64`, `i64`).
            CellValue::Other(t) => Err(format!(
                "expected a duration like \"4h\" (or whole seconds), not {}",
                match t {
                    "f64" | "decimal" =>
                        "a number that is not whole seconds (write \"90m\" for 1.5 h)",
                    "bool" => "true or false",
                    "array" => "an array",
                    "map" => "a map",
                    "char" => "a character",
                    other => other,
                }
            )),
        }
        .map_err(|e| format!("{k}: {e}"))
    };
    Ok(CellDecl {
        clock,
        respond: seconds("respond")?,
        priority,
        process,
        resolve: seconds("resolve")?,
        span: here.clone(),
    })
}

#[cfg(feature = "rhai")]
fn string(d: &Dynamic, what: &str) -> Declared<String> {
    if d.is_string() {
        Ok(d.to_string())
    } else {
        Err(format!("{what} must be a string, not {}", d.type_name()))
    }
}

#[cfg(feature = "rhai")]
fn strings(d: &Dynamic, what: &str) -> Declared<Vec<String>> {
    let Some(a) = d.read_lock::<Array>() else {
        return Err(format!(
            "{what} must be an array of strings, not {}",
            d.type_name()
        ));
    };
    a.iter().map(|v| string(v, what)).collect()
}

fn first_duplicate(names: &[String]) -> Option<&String> {
    // Owned, as `form::spec` keeps its set: one kind of hash table in the wasm.
    let mut seen = crate::json::Names::default();
    names.iter().find(|n| !seen.insert(String::clone(n)))
}
