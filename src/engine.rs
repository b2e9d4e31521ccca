//! [`RuleEngine`]: a loaded pack and the operations on tickets.

use serde_json::Value;

use std::borrow::Cow;

use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::escalation::{self, EscalationReport};
use crate::form::{self, Requester, TransitionResult, ValidationResult};
use crate::json::JsonView;
use crate::pack::Pack;
use crate::priority::{CellRef, Matrix, PriorityResult};
use crate::sla::explain::{self, ClockLedger};
use crate::sla::{self, SlaReport, Timeline, Which};
use crate::ticket::{check_depth, expect_object, json_type, Field};
use crate::time::{format_instant, parse_instant, Instant};
use std::sync::Arc;

/// Both clocks of a ticket, each with its ledger.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaExplanation {
    /// Respond By.
    pub respond: ClockLedger,
    /// Resolved By.
    pub resolve: ClockLedger,
    /// The pack version.
    pub pack_version: String,
}

include!(concat!(env!("OUT_DIR"), "/default_pack.rs"));

/// The default pack compiled (`RuleEngine::compile_sources`), kept in step
/// with `rules/` by `tests/compiled.rs`; `DEFAULT_COMPILED_FRESH` (from
/// `build.rs`) says whether it is.
#[cfg(feature = "rhai")]
const DEFAULT_COMPILED: &str = include_str!("pack/default.compiled.json");

/// The same text for the slim build, which never compiles a file's
/// functions: of their sources, only the lines that start one are kept
/// (for where each is written; `build.rs`).
#[cfg(not(feature = "rhai"))]
const DEFAULT_COMPILED: &str = include_str!(concat!(env!("OUT_DIR"), "/default.slim.json"));

// The slim build runs no rhai, so its default pack can only be the
// compiled one: a stale compiled form stops that build here.
#[cfg(not(feature = "rhai"))]
const _: () = assert!(
    DEFAULT_COMPILED_FRESH,
    "src/pack/default.compiled.json is not compiled from rules/: run \
     `UPDATE_COMPILED=1 cargo test --test compiled` (the slim build loads no rhai source)"
);

/// A rule pack, loaded and ready to answer for tickets.
///
/// ```
/// use ticket_rules::RuleEngine;
/// use serde_json::json;
///
/// let engine = RuleEngine::embedded()?;
/// let p = engine.priority(&json!({
///     "impact": "Entire University affected",
///     "urgency": "Work Stopped - No workaround",
/// }))?;
/// assert_eq!(p.priority, "Emergency");
/// assert_eq!(p.process.as_deref(), Some("Outage Management"));
/// assert_eq!((p.respond_seconds, p.resolve_seconds), (15 * 60, 4 * 3600));
/// # Ok::<(), ticket_rules::Error>(())
/// ```
#[derive(Debug)]
pub struct RuleEngine {
    pack: Pack,
    /// Every matrix result, made once at load and shared by the tickets
    /// that land in its cell: in the order of [`Matrix::cell_refs`].
    results: Vec<Option<Arc<PriorityResult>>>,
}

impl RuleEngine {
    fn new(pack: Pack) -> Self {
        let m = pack.matrix();
        let results = m
            .cell_refs()
            .map(|at| m.result(at, pack.version()).map(Arc::new))
            .collect();
        RuleEngine { pack, results }
    }

    /// The default pack, embedded in the binary from `rules/`. It loads
    /// from its compiled form (`src/pack/default.compiled.json`, see
    /// [`compile_sources`](Self::compile_sources)) when that was compiled
    /// from these very sources (`build.rs` checks their hash), and from
    /// the sources otherwise.
    pub fn embedded() -> Result<Self> {
        // A constant: the branch not taken is not built, so a fresh
        // compiled form leaves the sources out of the binary.
        if DEFAULT_COMPILED_FRESH {
            Self::from_compiled(DEFAULT_COMPILED)
        } else {
            Self::from_sources(DEFAULT_PACK.iter().map(|(n, s)| (*n, *s)))
        }
    }

    /// A pack compiled: its declarations as data (JSON text), which
    /// [`from_compiled`](Self::from_compiled) loads without parsing or
    /// running rhai, checking every declaration as a load from source
    /// does. Files that define functions keep their source, compiled on
    /// the first hook call. Fails with every error of the pack.
    ///
    /// ```
    /// use ticket_rules::{RuleEngine, DEFAULT_PACK};
    ///
    /// let text = RuleEngine::compile_sources(DEFAULT_PACK.iter().copied()).expect("compiles");
    /// let engine = RuleEngine::from_compiled(&text)?;
    /// assert_eq!(engine.pack().files().len(), DEFAULT_PACK.len());
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    pub fn compile_sources<N, S>(
        sources: impl IntoIterator<Item = (N, S)>,
    ) -> std::result::Result<String, Vec<Error>>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::compile(collect(sources))
    }

    /// A pack from the text [`compile_sources`](Self::compile_sources)
    /// wrote. Fails with the first error.
    pub fn from_compiled(text: &str) -> Result<Self> {
        Pack::from_compiled(text)
            .map(RuleEngine::new)
            .map_err(first)
    }

    /// A pack from `(file name, rhai source)` pairs. Fails with the first
    /// error; [`check_sources`](Self::check_sources) lists them all.
    pub fn from_sources<N, S>(sources: impl IntoIterator<Item = (N, S)>) -> Result<Self>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::load(collect(sources))
            .map(RuleEngine::new)
            .map_err(first)
    }

    /// Every error in a pack, in file order; empty when it loads.
    pub fn check_sources<N, S>(sources: impl IntoIterator<Item = (N, S)>) -> Vec<Error>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::load(collect(sources)).err().unwrap_or_default()
    }

    /// A pack from `(file name, rhai source)` pairs, or every error in it
    /// (one load for both: what [`from_sources`](Self::from_sources) and
    /// [`check_sources`](Self::check_sources) each give half of).
    pub fn load_sources<N, S>(
        sources: impl IntoIterator<Item = (N, S)>,
    ) -> std::result::Result<Self, Vec<Error>>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::load(collect(sources)).map(RuleEngine::new)
    }

    /// A pack from the `*.rhai` files in `dir` (not its subdirectories).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::from_sources(Pack::read_dir(dir.as_ref())?)
    }

    /// The loaded pack.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The pack's version: every output carries it.
    pub fn pack_version(&self) -> &str {
        self.pack.version()
    }

    /// The priority matrix.
    pub fn matrix(&self) -> &Matrix {
        self.pack.matrix()
    }

    /// The priority of a ticket (a JSON object with `impact`, `urgency` and
    /// optionally `customerSeverity`), after the pack's `adjust_priority`
    /// hook if it has one.
    ///
    /// A ticket whose `history` re-prioritised it (events with a new
    /// `impact`, `urgency` or `priority`) gets its priority now: the latest
    /// values, and an explicit `priority` until the next change without one.
    pub fn priority(&self, ticket: &Value) -> Result<PriorityResult> {
        expect_object(ticket)?;
        if let Some(history @ Value::Array(h)) = ticket.get("history") {
            // The history is read whole (a hook checks its own copy of the
            // ticket); the other fields priority reads are three strings,
            // and the rest is never looked at (as from JS, where only
            // these four cross the boundary).
            if !h.is_empty() {
                check_depth(history)?;
            }
        }
        if let Some(now) = current_fields(ticket)? {
            let impact = match now.impact {
                Some((i, _)) => i,
                None => Field::of(ticket, "impact").required_str("impact")?,
            };
            let urgency = match now.urgency {
                Some((u, _)) => u,
                None => Field::of(ticket, "urgency").required_str("urgency")?,
            };
            let explicit = now.priority.map(|(p, _)| p);
            return self
                .prioritise(ticket, impact, urgency, explicit)
                .map(Arc::unwrap_or_clone)
                .map_err(|e| now.locate(e));
        }
        let at = self.locate(
            Field::of(ticket, "impact"),
            Field::of(ticket, "urgency"),
            Field::of(ticket, "customerSeverity"),
        )?;
        self.priority_at(at, ticket)
    }

    /// The priority for the three inputs directly.
    pub fn priority_of(
        &self,
        impact: &str,
        urgency: &str,
        customer_severity: Option<&str>,
    ) -> Result<PriorityResult> {
        let at = self.locate(
            Field::Text(impact),
            Field::Text(urgency),
            customer_severity.map_or(Field::Absent, Field::Text),
        )?;
        if self.pack.has_priority_hook() {
            let mut ticket = serde_json::Map::new();
            ticket.insert("impact".into(), impact.into());
            ticket.insert("urgency".into(), urgency.into());
            if let Some(cs) = customer_severity {
                ticket.insert("customerSeverity".into(), cs.into());
            }
            return self.priority_at(at, &Value::Object(ticket));
        }
        self.cell_result(at)
    }

    /// Priorities for many tickets; one result per ticket, in order.
    pub fn priorities(&self, tickets: &[Value]) -> Vec<Result<PriorityResult>> {
        tickets.iter().map(|t| self.priority(t)).collect()
    }

    /// Which matrix cell the inputs fall in, with the same checks and
    /// errors as [`priority`](Self::priority). For bindings that keep
    /// per-cell values: the result is [`Matrix::result`] of this cell
    /// when the pack has no priority hook.
    pub fn locate(
        &self,
        impact: Field<'_>,
        urgency: Field<'_>,
        customer_severity: Field<'_>,
    ) -> Result<CellRef> {
        self.matrix().locate(impact, urgency, customer_severity)
    }

    /// The result for a located cell of `ticket`, hook applied.
    pub fn priority_at(&self, at: CellRef, ticket: &Value) -> Result<PriorityResult> {
        let result = self.cell_result(at)?;
        if self.pack.has_priority_hook() {
            return self.pack.adjust_priority(ticket, result);
        }
        Ok(result)
    }

    /// The SLA clocks of a ticket at `now` (see [`crate::sla`]).
    ///
    /// ```
    /// use ticket_rules::{RuleEngine, time::parse_instant};
    /// use serde_json::json;
    /// let engine = RuleEngine::embedded()?;
    /// let ticket = json!({
    ///     "impact": "Entire University affected", "urgency": "Work Stopped - No workaround",
    ///     "openedAt": "2026-03-16T14:00:00Z",
    ///     "history": [{ "at": "2026-03-16T14:10:00Z", "event": "responded" }],
    /// });
    /// let sla = engine.sla(&ticket, parse_instant("2026-03-16T16:00:00Z", "now")?)?;
    /// assert_eq!(sla.respond.by_seconds, Some(5 * 60)); // met with 5 minutes to spare
    /// assert_eq!(sla.resolve.due.as_deref(), Some("2026-03-16T18:00:00Z"));
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    ///
    /// The ticket is a `serde_json::Value` or a [`Doc`](crate::json::Doc)
    /// (any [`JsonView`]).
    pub fn sla<J: JsonView>(&self, ticket: &J, now: Instant) -> Result<SlaReport> {
        check_depth(ticket)?;
        let policy = self.pack.sla();
        let t = Timeline::read(ticket, now, policy, self)?;
        let respond = sla::plan(&t, policy, self, Which::Respond)?.report()?;
        let resolve = sla::plan(&t, policy, self, Which::Resolve)?.report()?;
        let (customer_seconds, service_seconds) = sla::customer_and_service(&t, policy);
        let priority = t
            .regimes
            .last()
            .map(|r| PriorityResult::clone(&r.result))
            .ok_or_else(|| Error::input("no priority"))?;
        Ok(SlaReport {
            priority,
            respond,
            resolve,
            status: t.status().to_string(),
            customer_seconds,
            service_seconds,
            now: format_instant(now),
            pack_version: self.pack_version().to_string(),
        })
    }

    /// For the work queue: the ticket's status, its priority now, and the
    /// clock that decides its place (Respond By until the first response,
    /// then Resolved By), computing only that clock.
    pub(crate) fn running_clock<J: JsonView>(
        &self,
        ticket: &J,
        now: Instant,
        priorities: &impl sla::Prioritise,
    ) -> Result<RunningClock<'_>> {
        check_depth(ticket)?;
        let policy = self.pack.sla();
        let t = Timeline::read(ticket, now, policy, priorities)?;
        let priority = t
            .regimes
            .last()
            .map(|r| r.result.priority.as_str())
            .ok_or_else(|| Error::input("no priority"))?;
        // The matrix's own name where it is one (it is, but for a hook's
        // answer): borrowed, not copied per ticket; its rank found once.
        let priority_rank = self.matrix().priority_rank(priority);
        let priority = match priority_rank.and_then(|r| self.matrix().priorities.get(r)) {
            Some(p) => Cow::Borrowed(p.as_str()),
            None => Cow::Owned(priority.to_string()),
        };
        let status = t.status();
        let opened = t.regimes.first().map_or(now, |r| r.at);
        let clock = |which, figures| RunningClock {
            status,
            priority,
            priority_rank,
            which,
            figures,
            opened,
        };
        if t.responded.is_none() {
            let respond = sla::plan(&t, policy, self, Which::Respond)?.figures()?;
            if respond.stopped_at.is_none() {
                return Ok(clock("respond", respond));
            }
        }
        let resolve = sla::plan(&t, policy, self, Which::Resolve)?.figures()?;
        Ok(clock("resolve", resolve))
    }

    /// The SLA clocks of a ticket with the ledger behind each due date.
    pub fn explain_sla<J: JsonView>(&self, ticket: &J, now: Instant) -> Result<SlaExplanation> {
        check_depth(ticket)?;
        let policy = self.pack.sla();
        let t = Timeline::read(ticket, now, policy, self)?;
        let respond = explain::ledger(&sla::plan(&t, policy, self, Which::Respond)?, &t, policy)?;
        let resolve = explain::ledger(&sla::plan(&t, policy, self, Which::Resolve)?, &t, policy)?;
        Ok(SlaExplanation {
            respond,
            resolve,
            pack_version: self.pack_version().to_string(),
        })
    }

    /// The escalations due for a ticket at `now`, except those whose ids are
    /// in `fired` (already carried out), and when to look again.
    ///
    /// ```
    /// use ticket_rules::{RuleEngine, time::parse_instant};
    /// use serde_json::json;
    /// let engine = RuleEngine::embedded()?;
    /// let ticket = json!({ "id": "TT-7", "impact": "Entire University affected",
    ///     "urgency": "Work Stopped - No workaround", "openedAt": "2026-03-16T14:00:00Z" });
    /// let r = engine.escalations(&ticket, parse_instant("2026-03-16T14:10:00Z", "now")?, &[])?;
    /// // An Emergency: half its 15-minute Respond By is gone, nobody has responded.
    /// assert_eq!(r.due[0].id, "TT-7/emergency-respond-half/0");
    /// // Next: the Respond By breach, once 14:15:00 has passed.
    /// assert_eq!(r.next_wake_up.as_deref(), Some("2026-03-16T14:15:01Z"));
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    pub fn escalations<J: JsonView>(
        &self,
        ticket: &J,
        now: Instant,
        fired: &[String],
    ) -> Result<EscalationReport> {
        check_depth(ticket)?;
        let fired: crate::json::Names = fired.iter().cloned().collect();
        escalation::evaluate(self, ticket, now, &fired)
    }

    /// Validates a ticket as a `type_name` ticket (default: its own `type`):
    /// every error at once, and the ticket with defaults and auto-filled
    /// fields. A ticket validated as a `type_name` comes back as that type
    /// (with a role and a previous ticket, the type is the host's: see
    /// [`validate_as`](Self::validate_as)). `lookups` (name → records) add to or replace the pack's lists
    /// for this call.
    ///
    /// ```
    /// use ticket_rules::RuleEngine;
    /// use serde_json::json;
    /// let engine = RuleEngine::embedded()?;
    /// let r = engine.validate(&json!({ "type": "incident", "summary": "" }), None, None)?;
    /// assert!(!r.valid);
    /// assert_eq!(r.errors[0].code, "REQUIRED");
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    pub fn validate(
        &self,
        ticket: &Value,
        type_name: Option<&str>,
        lookups: Option<&serde_json::Map<String, Value>>,
    ) -> Result<ValidationResult> {
        self.validate_as(ticket, type_name, lookups, Requester::default())
    }

    /// [`validate`](Self::validate) for a user role (`user_roles` in the
    /// pack), with the ticket as it was before this change (`None`: it is
    /// being created). Besides every other error, each field the role set
    /// or changed and may not is `READ_ONLY` (it may see it) or `FORBIDDEN`
    /// (it may not), and that value is taken back out of the returned
    /// ticket. A field the change leaves out keeps its previous value, so a
    /// ticket [`redact`](Self::redact)ed for the role comes back whole.
    /// The record (`type`, `status`, `history`, ...) is the host's: with a
    /// previous ticket, a `type_name` that is not its type is `READ_ONLY`.
    ///
    /// ```
    /// use ticket_rules::{RuleEngine, Requester};
    /// use serde_json::json;
    /// let engine = RuleEngine::embedded()?;
    /// let before = json!({ "type": "incident", "status": "In Process", "summary": "VPN down",
    ///     "impact": "Single Department affected", "urgency": "Work Impaired", "service": "VPN",
    ///     "contact": { "name": "Pat Doe" } });
    /// let mut after = before.clone();
    /// after["urgency"] = json!("Work Stopped - No workaround");
    /// let who = Requester { role: Some("customer"), previous: Some(&before) };
    /// let r = engine.validate_as(&after, None, None, who)?;
    /// let refused = r.errors.iter().find(|e| e.field == "urgency").unwrap();
    /// assert_eq!(refused.code, "READ_ONLY");
    /// assert_eq!(r.ticket["urgency"], "Work Impaired");
    /// # Ok::<(), ticket_rules::Error>(())
    /// ```
    pub fn validate_as(
        &self,
        ticket: &Value,
        type_name: Option<&str>,
        lookups: Option<&serde_json::Map<String, Value>>,
        who: Requester<'_>,
    ) -> Result<ValidationResult> {
        self.validate_cow(Cow::Borrowed(ticket), type_name, lookups, who)
    }

    /// [`validate_as`](Self::validate_as) of a ticket the caller gives
    /// away: it becomes the answer's ticket without a copy.
    pub fn validate_owned(
        &self,
        ticket: Value,
        type_name: Option<&str>,
        lookups: Option<&serde_json::Map<String, Value>>,
        who: Requester<'_>,
    ) -> Result<ValidationResult> {
        self.validate_cow(Cow::Owned(ticket), type_name, lookups, who)
    }

    fn validate_cow(
        &self,
        ticket: Cow<'_, Value>,
        type_name: Option<&str>,
        lookups: Option<&serde_json::Map<String, Value>>,
        who: Requester<'_>,
    ) -> Result<ValidationResult> {
        check_depth(&*ticket)?;
        if let Some(l) = lookups {
            l.values().try_for_each(check_depth)?;
        }
        if let Some(p) = who.previous {
            check_depth(p)?;
        }
        let mut r = form::validate::validate(self, ticket, type_name, lookups, who)?;
        r.pack_version = self.pack_version().to_string();
        Ok(r)
    }

    /// The ticket without the fields `role` may not read at the ticket's
    /// status (per its type's fields' `access.read`), in the ticket and in
    /// its history's events: what a server sends to that role's browser.
    pub fn redact(&self, ticket: &Value, role: &str) -> Result<Value> {
        check_depth(ticket)?;
        crate::ticket::expect_object(ticket)?;
        form::validate::check_role(self, role)?;
        let type_name = crate::ticket::Field::of(ticket, "type").required_str("type")?;
        let ty = self.pack.ticket_type(type_name)?;
        // The status the record says (a contradiction, or a record the
        // clocks refuse, is refused as they refuse it): what a role may
        // read depends on it.
        if let Some(e) = form::validate::record_error(self, ticket) {
            return Err(e);
        }
        crate::sla::record_status(ticket, self.pack.sla())?;
        let status = form::validate::status_of(self, ty, ticket);
        let mut out = ticket.clone();
        form::strip_proto(&mut out);
        for f in &ty.fields {
            if !f.access.read.allows(role, &status) {
                form::access::remove_path(&mut out, &f.name);
            }
        }
        if let Some(history) = out.get_mut("history") {
            form::access::redact_events(&ty.fields, role, &status, history);
        }
        Ok(out)
    }

    /// What a portal needs to draw a type's form (fields in order, kinds,
    /// labels, menus, help, required flags and their conditions, the
    /// lifecycle).
    pub fn form_schema(&self, type_name: &str) -> Result<Value> {
        self.form_schema_for(type_name, None, None)
    }

    /// [`form_schema`](Self::form_schema) as `role` meets it: each field
    /// gets `mode`, `hidden`, `readonly` or `editable`, for a ticket at
    /// `status`, or (no status) for one being created. Fields with
    /// permissions carry them as `access` either way.
    pub fn form_schema_for(
        &self,
        type_name: &str,
        role: Option<&str>,
        status: Option<&str>,
    ) -> Result<Value> {
        let ty = self.pack.ticket_type(type_name)?;
        let policy = self.pack.sla();
        if let Some(r) = role {
            form::validate::check_role(self, r)?;
        }
        // A status chooses the modes a role meets there; without a role it
        // would change nothing, silently (the schema is the same at every
        // status: `requiredAt` lists what each one requires).
        if let (None, Some(_)) = (role, status) {
            return Err(Error::input(
                "options.status is the status a role's modes are for: give options.role with it                  (without a role the schema is the same at every status; its requiredAt says what each status requires)",
            ));
        }
        let creating = status.is_none();
        let status = match status {
            Some(s) => policy
                .canonical(s)
                .map(str::to_string)
                .ok_or_else(|| policy.unknown_status("status".into(), s))?,
            None => ty.initial_status(policy).unwrap_or_default(),
        };
        let mut schema = form::form_schema(
            ty,
            self.matrix(),
            policy,
            self.pack.unknown_fields(),
            self.pack.lookups(),
        );
        if let Value::Object(o) = &mut schema {
            o.insert("packVersion".into(), self.pack_version().into());
            if let Some(r) = role {
                o.insert("role".into(), r.into());
                o.insert("status".into(), status.as_str().into());
            }
            if let Some(Value::Array(fields)) = o.get_mut("fields") {
                for (f, spec) in fields.iter_mut().zip(&ty.fields) {
                    let Value::Object(f) = f else { continue };
                    if !spec.access.is_open() {
                        f.insert("access".into(), spec.access.to_json());
                    }
                    if let Some(r) = role {
                        let mode = spec.access.mode(r, &status, creating);
                        f.insert("mode".into(), mode.as_str().into());
                    }
                }
            }
        }
        Ok(schema)
    }

    /// A type's form as a JSON Schema (draft 2020-12).
    pub fn json_schema(&self, type_name: &str) -> Result<Value> {
        let ty = self.pack.ticket_type(type_name)?;
        let mut schema = form::json_schema(
            ty,
            self.matrix(),
            self.pack.sla(),
            self.pack.unknown_fields(),
        );
        // A JSON Schema has no place for data but `$comment` (validators in
        // strict mode refuse unknown keywords).
        if let Value::Object(o) = &mut schema {
            let name = self.pack.name().unwrap_or("pack");
            let comment = format!("ticket-rules: {name} {}", self.pack_version());
            o.insert("$comment".into(), comment.into());
        }
        Ok(schema)
    }

    /// Whether a ticket may move to status `to`, and every reason why not.
    /// `children` (`[{ id, status }]`) stands in for the ticket's own.
    pub fn transition(
        &self,
        ticket: &Value,
        to: &str,
        children: Option<&Value>,
    ) -> Result<TransitionResult> {
        check_depth(ticket)?;
        children.map_or(Ok(()), check_depth)?;
        let mut r = form::validate::transition(self, ticket, to, children)?;
        r.pack_version = self.pack_version().to_string();
        Ok(r)
    }

    /// Whether a ticket may become a ticket of type `to` (an outage a
    /// problem, once a workaround is recorded).
    pub fn reclassify(&self, ticket: &Value, to: &str) -> Result<TransitionResult> {
        check_depth(ticket)?;
        let mut r = form::validate::reclassify(self, ticket, to)?;
        r.pack_version = self.pack_version().to_string();
        Ok(r)
    }

    /// The calendar called `name` (`24x7`, or one the pack declares).
    pub fn calendar(&self, name: &str) -> Result<&Calendar> {
        self.pack.calendar(name)
    }

    /// The result for impact and urgency as given, after the hook, with an
    /// explicit priority (from a dispatcher) applied last.
    fn prioritise<J: JsonView>(
        &self,
        ticket: &J,
        impact: &str,
        urgency: &str,
        explicit: Option<&str>,
    ) -> Result<Arc<PriorityResult>> {
        let at = self.locate(
            Field::Text(impact),
            Field::Text(urgency),
            Field::of(ticket, "customerSeverity"),
        )?;
        let mut result = if self.pack.has_priority_hook() {
            let same = ticket.get("impact").and_then(JsonView::as_str) == Some(impact)
                && ticket.get("urgency").and_then(JsonView::as_str) == Some(urgency);
            Arc::new(if same {
                self.priority_at(at, &ticket.to_value())?
            } else {
                let mut now = ticket.to_value().into_owned();
                if let Value::Object(o) = &mut now {
                    o.insert("impact".into(), impact.into());
                    o.insert("urgency".into(), urgency.into());
                }
                self.priority_at(at, &now)?
            })
        } else {
            Arc::clone(self.shared_result(at)?)
        };
        if let Some(p) = explicit {
            let m = self.matrix();
            let Some(rank) = m
                .priorities
                .iter()
                .position(|x| crate::priority::same_name(x, p.trim()))
            else {
                return Err(Error::UnknownPriority {
                    field: "priority".into(),
                    value: p.chars().take(64).collect(),
                    allowed: m.priorities.clone(),
                });
            };
            let Some(cell) = m.targets_of(rank) else {
                return Err(Error::pack(
                    None,
                    format!("priority {p:?} has different targets in different cells, so a ticket cannot be set to it directly"),
                ));
            };
            let result = Arc::make_mut(&mut result);
            result.priority = m.priorities.get(rank).cloned().unwrap_or_default();
            result.clock = cell.clock.clone();
            result.respond_seconds = cell.respond_seconds;
            result.resolve_seconds = cell.resolve_seconds;
            result.reason = Some("priority set explicitly".into());
        }
        Ok(result)
    }

    fn cell_result(&self, at: CellRef) -> Result<PriorityResult> {
        self.shared_result(at).map(|r| PriorityResult::clone(r))
    }

    /// Every matrix result made at load, in the order of
    /// [`Matrix::cell_refs`] (the JS binding makes its per-cell templates
    /// from them).
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn cell_results(&self) -> impl Iterator<Item = Option<&PriorityResult>> {
        self.results.iter().map(|r| r.as_deref())
    }

    /// The result made at load for a cell.
    fn shared_result(&self, at: CellRef) -> Result<&Arc<PriorityResult>> {
        self.matrix()
            .cell_index(at)
            .and_then(|i| self.results.get(i))
            .and_then(Option::as_ref)
            .ok_or_else(|| Error::input("cell out of range"))
    }
}

impl sla::Prioritise for RuleEngine {
    fn prioritise<J: JsonView>(
        &self,
        ticket: &J,
        impact: &str,
        urgency: &str,
        priority: Option<&str>,
    ) -> Result<Arc<PriorityResult>> {
        RuleEngine::prioritise(self, ticket, impact, urgency, priority)
    }
}

/// What the work queue needs of a ticket's running clock.
pub(crate) struct RunningClock<'e> {
    /// The ticket's status now.
    pub status: &'e str,
    /// Its priority now.
    pub priority: Cow<'e, str>,
    /// That priority's rank in the matrix (0 = highest), if it is one of
    /// its names.
    pub priority_rank: Option<usize>,
    /// `respond` or `resolve`.
    pub which: &'static str,
    /// That clock's figures.
    pub figures: sla::ClockFigures<'e>,
    /// When the ticket opened.
    pub opened: Instant,
}

/// Priorities remembered by their exact impact, urgency and customer
/// severity text, for a call that prioritises thousands of tickets with a
/// few distinct values (the queue). Only the matrix's own answer is
/// remembered: a pack's priority hook reads the whole ticket, and an
/// explicit priority is the ticket's own.
pub(crate) struct PriorityMemo<'e> {
    engine: &'e RuleEngine,
    seen: std::cell::RefCell<Vec<Remembered>>,
}

/// An impact, an urgency and a customer severity, and their priority.
type Remembered = (String, String, Option<String>, Arc<PriorityResult>);

impl<'e> PriorityMemo<'e> {
    /// Remembers at most this many combinations (the default matrix has 80
    /// with severities; a queue usually sees a handful).
    const MOST: usize = 32;

    pub(crate) fn new(engine: &'e RuleEngine) -> Self {
        PriorityMemo {
            engine,
            seen: std::cell::RefCell::new(Vec::new()),
        }
    }
}

impl sla::Prioritise for PriorityMemo<'_> {
    fn prioritise<J: JsonView>(
        &self,
        ticket: &J,
        impact: &str,
        urgency: &str,
        explicit: Option<&str>,
    ) -> Result<Arc<PriorityResult>> {
        let ask = || self.engine.prioritise(ticket, impact, urgency, explicit);
        if explicit.is_some() || self.engine.pack.has_priority_hook() {
            return ask();
        }
        let severity = match Field::of(ticket, "customerSeverity") {
            Field::Absent => None,
            Field::Text(s) => Some(s),
            Field::Other(_) => return ask(),
        };
        let Ok(mut seen) = self.seen.try_borrow_mut() else {
            return ask();
        };
        let known = seen
            .iter()
            .find(|(i, u, s, _)| i == impact && u == urgency && s.as_deref() == severity);
        if let Some((.., r)) = known {
            return Ok(Arc::clone(r));
        }
        let r = ask()?;
        if seen.len() < Self::MOST {
            seen.push((
                impact.to_string(),
                urgency.to_string(),
                severity.map(str::to_string),
                Arc::clone(&r),
            ));
        }
        Ok(r)
    }
}

impl escalation::Pack for RuleEngine {
    fn levels(&self) -> &[escalation::Level] {
        self.pack.levels()
    }
    fn policy(&self) -> &sla::policy::SlaPolicy {
        self.pack.sla()
    }
    fn matrix(&self) -> &Matrix {
        self.pack.matrix()
    }
    fn version(&self) -> &str {
        self.pack.version()
    }
    fn condition(&self, level: usize, ticket: &Value) -> Result<bool> {
        self.pack.condition(level, ticket)
    }
}

impl form::validate::FormPack for RuleEngine {
    fn ticket_type(&self, name: &str) -> Result<&form::TicketType> {
        self.pack.ticket_type(name)
    }
    fn matrix(&self) -> &Matrix {
        self.pack.matrix()
    }
    fn policy(&self) -> &sla::policy::SlaPolicy {
        self.pack.sla()
    }
    fn pack_lookup(&self, name: &str) -> Option<&[Value]> {
        self.pack.lookups().get(name).map(Vec::as_slice)
    }
    fn user_roles(&self) -> &[String] {
        self.pack.user_roles()
    }
    fn messages(&self) -> &std::collections::BTreeMap<String, String> {
        self.pack.messages()
    }
    fn unknown_fields(&self) -> form::UnknownFields {
        self.pack.unknown_fields()
    }
    fn priority_for(&self, ticket: &Value) -> Result<PriorityResult> {
        self.priority(ticket)
    }
    fn form_function(
        &self,
        type_name: &str,
        function: &str,
        ticket: &Value,
        returns: form::Returns,
    ) -> Result<Value> {
        self.pack
            .form_function(type_name, function, ticket, returns)
    }
    fn check_record(&self, ticket: &Value) -> Result<()> {
        let given = |k: &str| ticket.get(k).is_some_and(|v| !v.is_null());
        let clocks = given("openedAt") || given("history");
        if !clocks && !given("alarms") {
            return Ok(()); // a form's ticket: no record yet
        }
        // Read as the binding's calls read a ticket (one reader compiled).
        let ticket = &crate::json::Doc::of(ticket);
        crate::escalation::check_alarms(ticket)?;
        if clocks {
            // Every event is read whatever `now` is; the last instant
            // there is keeps each of them in the past.
            Timeline::read(ticket, crate::time::MAX_INSTANT - 1, self.pack.sla(), self)?;
        }
        Ok(())
    }
}

impl sla::Calendars for RuleEngine {
    fn calendar(&self, name: &str) -> Result<&Calendar> {
        self.pack.calendar(name)
    }
}

/// The impact, urgency and explicit priority a ticket's history set last,
/// each with the index of the event that set it.
struct Current<'a> {
    impact: Option<(&'a str, usize)>,
    urgency: Option<(&'a str, usize)>,
    priority: Option<(&'a str, usize)>,
}

impl Current<'_> {
    /// An unknown value names the history event it came from.
    fn locate(&self, e: Error) -> Error {
        let path = |set: Option<(&str, usize)>, key: &str| match set {
            Some((_, i)) => format!("history[{i}].{key}"),
            None => key.to_string(),
        };
        match e {
            Error::UnknownImpact { value, allowed, .. } => Error::UnknownImpact {
                field: path(self.impact, "impact"),
                value,
                allowed,
            },
            Error::UnknownUrgency { value, allowed, .. } => Error::UnknownUrgency {
                field: path(self.urgency, "urgency"),
                value,
                allowed,
            },
            Error::UnknownPriority { value, allowed, .. } => Error::UnknownPriority {
                field: path(self.priority, "priority"),
                value,
                allowed,
            },
            other => other,
        }
    }
}

/// What a ticket's history set last, or `None` when it changes none of
/// the priority inputs. The history must be usable to say what is "last":
/// objects, each with its `at`, oldest first (the checks of the SLA
/// clocks, which read the same history).
fn current_fields(ticket: &Value) -> Result<Option<Current<'_>>> {
    let Some(Value::Array(history)) = ticket.get("history") else {
        return Ok(None);
    };
    let mut now = Current {
        impact: None,
        urgency: None,
        priority: None,
    };
    let mut changed = false;
    let mut last: Option<Instant> = None;
    for (i, e) in history.iter().enumerate() {
        if !e.is_object() {
            return Err(Error::InvalidHistory {
                field: format!("history[{i}]"),
                message: format!(
                    "an event must be an object, not {}",
                    crate::ticket::a(json_type(e))
                ),
            });
        }
        let at_path = || format!("history[{i}].at");
        let at = match Field::of(e, "at") {
            Field::Text(s) => parse_instant(s, &at_path())?,
            Field::Absent => return Err(Error::MissingField { field: at_path() }),
            Field::Other(found) => {
                return Err(Error::InvalidType {
                    field: at_path(),
                    expected: "string",
                    found,
                })
            }
        };
        if let Some(before) = last.filter(|before| at < *before) {
            return Err(Error::InvalidHistory {
                field: at_path(),
                message: format!(
                    "events must be oldest first; {} comes after {}",
                    format_instant(at),
                    format_instant(before)
                ),
            });
        }
        last = Some(at);
        let f = |k: &str| Field::of(e, k).optional_str_at(|| format!("history[{i}].{k}"));
        let (im, ur, pr) = (f("impact")?, f("urgency")?, f("priority")?);
        if im.is_some() || ur.is_some() || pr.is_some() {
            changed = true;
            now.impact = im.map(|v| (v, i)).or(now.impact);
            now.urgency = ur.map(|v| (v, i)).or(now.urgency);
            now.priority = pr.map(|v| (v, i));
        }
    }
    Ok(changed.then_some(now))
}

fn collect<N: Into<String>, S: Into<String>>(
    sources: impl IntoIterator<Item = (N, S)>,
) -> Vec<(String, String)> {
    sources
        .into_iter()
        .map(|(n, s)| (n.into(), s.into()))
        .collect()
}

fn first(mut errors: Vec<Error>) -> Error {
    if errors.is_empty() {
        Error::pack(None, "the pack failed to load")
    } else {
        errors.swap_remove(0)
    }
}
