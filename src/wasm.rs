//! The JS binding: the only module that names wasm-bindgen and js-sys.
//!
//! Each method deserializes its arguments, calls the core, serializes the
//! answer and maps a core [`Error`] to a JS `Error` with `.code` (and
//! `.field`, `.allowed`, `.file`, `.line`, `.column`, `.limit` where they
//! apply). Line and column are 1-based, as in the core.
//!
//! The optimisations here are about the boundary itself (BENCHMARKS.md has
//! what each route costs):
//! - arguments cross as their `JSON.stringify` text, encoded by
//!   `TextEncoder` (`json_text_of`);
//! - answers cross as a tape ([`crate::tape`]): one `Float64Array` and one
//!   string, made into objects by a small inline JS function (`fromTape`),
//!   instead of a crossing per field and a decode per string; the work
//!   queue's entries as columns with their repeated words shared
//!   (`queueReport`);
//! - `priority` reads the three fields it needs straight off the JS object,
//!   and copies a result object made once per pack.
//!
//! The inline JS is written as ES modules (`export function`); the Makefile
//! rewrites it to CommonJS for the nodejs target, whose glue `require`s it.

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::calendar::{Calendar, Pauses};
use crate::duration::{parse_duration, MAX_SECONDS};
use crate::error::Error;
use crate::json::Doc;
use crate::packs::{PackSet, Versioned};
use crate::priority::{CellRef, Matrix};
use crate::ticket::{not_an_object, Field};
use crate::time::{format_instant, from_millis, parse_instant, Instant};
use crate::RuleEngine;
use std::rc::Rc;

/// Runs when the module is instantiated: gives the sandbox's time guard a
/// clock (`Date.now`; wasm32 has no other). The clock never reaches an
/// answer; it only stops a rule that runs too long.
#[wasm_bindgen(start)]
pub fn start() {
    set_time_guard(true);
}

/// Turns the sandbox's time guard on (the default) or off. Off, only the
/// deterministic limits (operations, call depth, sizes) stop a rule, so the
/// same runaway rule fails the same way on every machine; on, a rule whose
/// single operations are very expensive is also stopped after the pack's
/// `time_ms` (50 ms unless it asks for less).
#[wasm_bindgen(js_name = setTimeGuard)]
pub fn set_time_guard(on: bool) {
    crate::pack::sandbox::set_clock(on.then_some(js_sys::Date::now as crate::pack::sandbox::Clock));
}

/// Every possible matrix result of a pack as a JS object, made once per
/// pack through the same serializer as every other result; a lookup then
/// returns a shallow copy (`Object.assign({}, template)`): two boundary
/// crossings per ticket instead of one per field.
struct Templates {
    /// In the order of [`crate::priority::Matrix::cell_refs`].
    results: Vec<Object>,
    key_impact: JsValue,
    key_urgency: JsValue,
    key_severity: JsValue,
    key_history: JsValue,
    /// JS string → level index, for strings the core has already resolved:
    /// a hit costs one `Map.get` instead of copying the string into wasm
    /// and matching it. Filled only with the core's own answers, bounded.
    impacts_seen: js_sys::Map,
    urgencies_seen: js_sys::Map,
}

/// Most distinct spellings remembered per axis: enough for every alias in
/// any casing a real form sends, bounded against garbage input.
const MEMO_LIMIT: u32 = 1024;

impl Templates {
    fn new(engine: &RuleEngine) -> Self {
        let results = engine
            .cell_results()
            .map(|r| {
                r.and_then(|r| to_js(r).ok())
                    .map_or_else(Object::new, Object::from)
            })
            .collect();
        let s = JsValue::from_str;
        Templates {
            results,
            key_impact: s("impact"),
            key_urgency: s("urgency"),
            key_severity: s("customerSeverity"),
            key_history: s("history"),
            impacts_seen: js_sys::Map::new(),
            urgencies_seen: js_sys::Map::new(),
        }
    }

    /// The cell for three JS values already seen, if all were.
    fn recall(&self, impact: &JsValue, urgency: &JsValue, severity: &JsValue) -> Option<CellRef> {
        let index = |m: &js_sys::Map, v: &JsValue| m.get(v).as_f64().map(|i| i as usize);
        let customer_severity = if severity.is_undefined() || severity.is_null() {
            None
        } else {
            Some(index(&self.urgencies_seen, severity)?)
        };
        Some(CellRef {
            impact: index(&self.impacts_seen, impact)?,
            urgency: index(&self.urgencies_seen, urgency)?,
            customer_severity,
        })
    }

    /// Records the core's answer for these JS strings.
    fn remember(&self, impact: &JsValue, urgency: &JsValue, severity: &JsValue, at: CellRef) {
        let put = |m: &js_sys::Map, k: &JsValue, i: usize| {
            if m.size() < MEMO_LIMIT && k.is_string() {
                m.set(k, &JsValue::from(i as f64));
            }
        };
        put(&self.impacts_seen, impact, at.impact);
        put(&self.urgencies_seen, urgency, at.urgency);
        if let Some(s) = at.customer_severity {
            put(&self.urgencies_seen, severity, s);
        }
    }

    fn result(&self, matrix: &Matrix, at: CellRef) -> Option<JsValue> {
        let template = self.results.get(matrix.cell_index(at)?)?;
        Some(Object::assign(&Object::new(), template).into())
    }
}

/// A loaded rule pack. `RuleEngine.default()` is the embedded default pack.
#[wasm_bindgen(js_name = RuleEngine)]
pub struct JsRuleEngine {
    // Shared, so that a `PackSet` and the page hold the same engine.
    inner: Rc<RuleEngine>,
    js: Rc<Templates>,
}

#[wasm_bindgen(js_class = RuleEngine)]
impl JsRuleEngine {
    /// The default pack, embedded in the module.
    #[wasm_bindgen(js_name = "default")]
    pub fn default_pack() -> Result<JsRuleEngine, JsValue> {
        RuleEngine::embedded()
            .map(Self::wrap)
            .map_err(|e| js_error(&e))
    }

    /// A pack from `{ "file.rhai": "source", ... }`. Throws the first error;
    /// the thrown `Error` lists every error of the pack in `.errors`.
    #[wasm_bindgen(js_name = fromSources)]
    pub fn from_sources(sources: &JsValue) -> Result<JsRuleEngine, JsValue> {
        let sources = read_sources(sources).map_err(|e| js_error(&e))?;
        RuleEngine::load_sources(sources)
            .map(Self::wrap)
            .map_err(|errors| pack_errors(&errors))
    }

    /// A pack compiled from `{ "file.rhai": "source", ... }`: JSON text
    /// that `fromCompiled` loads without parsing or running rhai (a page
    /// can ship it instead of the sources). Throws like `fromSources`.
    pub fn compile(sources: &JsValue) -> Result<String, JsValue> {
        let sources = read_sources(sources).map_err(|e| js_error(&e))?;
        RuleEngine::compile_sources(sources).map_err(|errors| pack_errors(&errors))
    }

    /// A pack from the text `compile` wrote; every declaration is checked
    /// as from source. Throws the first error.
    #[wasm_bindgen(js_name = fromCompiled)]
    pub fn from_compiled(text: &JsValue) -> Result<JsRuleEngine, JsValue> {
        text_arg(text, "text")
            .and_then(|text| RuleEngine::from_compiled(&text))
            .map(Self::wrap)
            .map_err(|e| js_error(&e))
    }

    /// Every error in a pack (plain objects with `code`, `message`, `file`,
    /// `line`, `column`), or an empty array when it loads. Never throws.
    #[wasm_bindgen(js_name = checkSources)]
    pub fn check_sources(sources: &JsValue) -> Array {
        match read_sources(sources) {
            Ok(sources) => error_list(&RuleEngine::check_sources(sources)),
            Err(e) => error_list(&[e]),
        }
    }

    /// The version the pack declares; every result carries it.
    #[wasm_bindgen(getter, js_name = packVersion)]
    pub fn pack_version(&self) -> String {
        self.inner.pack_version().to_string()
    }

    /// The name the pack declares, or `undefined`.
    #[wasm_bindgen(getter, js_name = packName)]
    pub fn pack_name(&self) -> Option<String> {
        self.inner.pack().name().map(str::to_string)
    }

    /// A hash of the pack's files (names and contents).
    #[wasm_bindgen(getter, js_name = packHash)]
    pub fn pack_hash(&self) -> String {
        self.inner.pack().hash().to_string()
    }

    /// The pack's file names, sorted.
    #[wasm_bindgen(getter)]
    pub fn files(&self) -> Vec<String> {
        self.inner.pack().files().to_vec()
    }

    /// The user roles the pack declares (`user_roles`), for permissions.
    #[wasm_bindgen(getter, js_name = userRoles)]
    pub fn user_roles(&self) -> Vec<String> {
        self.inner.pack().user_roles().to_vec()
    }

    /// How many hook calls this engine has made (0 for a pack without hooks).
    #[wasm_bindgen(getter, js_name = hookCalls)]
    pub fn hook_calls(&self) -> f64 {
        self.inner.pack().hook_calls() as f64
    }

    /// The matrix as data: `{ impacts, urgencies, priorities, cells }`.
    pub fn matrix(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.matrix().view())
    }

    /// The priority of a ticket (`impact`, `urgency`, optional
    /// `customerSeverity`).
    pub fn priority(&self, ticket: &JsValue) -> Result<JsValue, JsValue> {
        self.priority_js(ticket).map_err(|e| js_error(&e))
    }

    /// The priority from the strings directly: the cheapest call.
    #[wasm_bindgen(js_name = priorityOf)]
    pub fn priority_of(
        &self,
        impact: &JsValue,
        urgency: &JsValue,
        customer_severity: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.fields(impact, urgency, customer_severity)
            .map_err(|e| js_error(&e))
    }

    /// Priorities for an array of tickets in one call. A ticket that fails
    /// gives `{ error: { code, message, field?, allowed? } }` in its place.
    pub fn priorities(&self, tickets: &JsValue) -> Result<Array, JsValue> {
        if !Array::is_array(tickets) {
            return Err(js_error(&Error::InvalidInput {
                message: "priorities(tickets) takes an array of tickets".into(),
            }));
        }
        let tickets = Array::from(tickets);
        let out = Array::new_with_length(tickets.length());
        for (i, t) in tickets.iter().enumerate() {
            let r = self.priority_js(&t).unwrap_or_else(|e| {
                let o = Object::new();
                set(&o, "error", &error_object(&e));
                o.into()
            });
            out.set(u32::try_from(i).unwrap_or(u32::MAX), r);
        }
        Ok(out)
    }
}

#[wasm_bindgen(js_class = RuleEngine)]
impl JsRuleEngine {
    /// The SLA clocks of a ticket at `now` (an RFC 3339 string or a `Date`).
    pub fn sla(&self, ticket: &JsValue, now: &JsValue) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let text = json_text_of(ticket)?;
            let r = self
                .inner
                .sla(&parse_text::<Doc>(&text)?, instant(now, "now")?)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// The SLA clocks with the ledger behind each due date.
    #[wasm_bindgen(js_name = explainSla)]
    pub fn explain_sla(&self, ticket: &JsValue, now: &JsValue) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let text = json_text_of(ticket)?;
            let r = self
                .inner
                .explain_sla(&parse_text::<Doc>(&text)?, instant(now, "now")?)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// The escalations due at `now`, except the ids in `fired` (those
    /// already carried out), and `nextWakeUp`.
    pub fn escalations(
        &self,
        ticket: &JsValue,
        now: &JsValue,
        fired: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let text = json_text_of(ticket)?;
            let fired = string_list(fired, "fired")?;
            let r =
                self.inner
                    .escalations(&parse_text::<Doc>(&text)?, instant(now, "now")?, &fired)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// Validates a ticket (as `type`, or its own `type`): `{ valid, errors,
    /// ticket }` with every error at once and the auto-filled ticket.
    /// `options.lookups` (name → records) add to the pack's lookup lists.
    pub fn validate(
        &self,
        ticket: &JsValue,
        type_name: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let type_name = optional_text_arg(type_name, "type")?;
            let t = via_json(ticket)?;
            let options = options_json(options, "options")?;
            known_keys(&options, "options", &["lookups", "role", "previous"])?;
            let lookups = match options.get("lookups") {
                Some(serde_json::Value::Object(l)) => Some(l),
                None | Some(serde_json::Value::Null) => None,
                Some(other) => {
                    return Err(Error::InvalidType {
                        field: "options.lookups".into(),
                        expected: "object",
                        found: crate::ticket::json_type(other),
                    })
                }
            };
            let role = optional_text(&options, "role")?;
            let previous = options.get("previous").filter(|p| !p.is_null());
            let who = crate::Requester { role, previous };
            let r = self
                .inner
                .validate_owned(t, type_name.as_deref(), lookups, who)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// What a portal needs to draw a type's form. `options.role` marks
    /// each field hidden, readonly or editable for that role, at
    /// `options.status` (none: a new ticket).
    #[wasm_bindgen(js_name = formSchema)]
    pub fn form_schema(&self, type_name: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        let run = || -> Result<serde_json::Value, Error> {
            let type_name = text_arg(type_name, "type")?;
            let options = options_json(options, "options")?;
            known_keys(&options, "options", &["role", "status"])?;
            let role = optional_text(&options, "role")?;
            let status = optional_text(&options, "status")?;
            self.inner.form_schema_for(&type_name, role, status)
        };
        let s = run().map_err(|e| js_error(&e))?;
        to_js(&s)
    }

    /// Open tickets ranked for a person picking the next task at `now`:
    /// `{ entries, ranked, notOpen, problems, now, packVersion }`, in one
    /// call. `options`: `{ order, limit }` (see `QueueOptions`).
    pub fn queue(
        &self,
        tickets: &JsValue,
        now: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            // Read as `Doc`s: strings borrowed from the text, one
            // allocation per object (see crate::json).
            let text = json_text_of(tickets)?;
            let Doc::Array(list) = parse_text::<Doc>(&text)? else {
                return Err(Error::input(
                    "queue(tickets, now) takes an array of tickets",
                ));
            };
            let options =
                crate::queue::QueueOptions::from_json(&options_json(options, "options")?)?;
            let r = self.inner.queue_of(&list, instant(now, "now")?, &options)?;
            queue_to_js(&r)
        };
        run().map_err(|e| js_error(&e))
    }

    /// The ticket without the fields `role` may not read.
    pub fn redact(&self, ticket: &JsValue, role: &JsValue) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let role = text_arg(role, "role")?;
            let t = via_json(ticket)?;
            let r = self.inner.redact(&t, &role)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// A type's form as JSON Schema (draft 2020-12).
    #[wasm_bindgen(js_name = jsonSchema)]
    pub fn json_schema(&self, type_name: &JsValue) -> Result<JsValue, JsValue> {
        let s = text_arg(type_name, "type")
            .and_then(|name| self.inner.json_schema(&name))
            .map_err(|e| js_error(&e))?;
        to_js(&s)
    }

    /// Whether a ticket may move to status `to`: `{ allowed, from, to,
    /// errors }`. `context.children` (`[{ id, status }]`) stands in for the
    /// ticket's own.
    pub fn transition(
        &self,
        ticket: &JsValue,
        to: &JsValue,
        context: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let to = text_arg(to, "to")?;
            let t = via_json(ticket)?;
            let context = options_json(context, "context")?;
            known_keys(&context, "context", &["children"])?;
            // `children: null` is "not given", as a left-out key is: the
            // ticket's own children stand (a host's `fetched ?? null` must
            // not read as "no open children").
            let children = context.get("children").filter(|c| !c.is_null()).cloned();
            let r = self.inner.transition(&t, &to, children.as_ref())?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// Whether a ticket may become a ticket of type `to`.
    pub fn reclassify(&self, ticket: &JsValue, to: &JsValue) -> Result<JsValue, JsValue> {
        let run = || -> Result<JsValue, Error> {
            let to = text_arg(to, "to")?;
            let t = via_json(ticket)?;
            let r = self.inner.reclassify(&t, &to)?;
            to_js(&r).map_err(|_| Error::input("result not serialisable"))
        };
        run().map_err(|e| js_error(&e))
    }

    /// The pack's ticket types.
    #[wasm_bindgen(getter)]
    pub fn types(&self) -> Vec<String> {
        self.inner
            .pack()
            .types()
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }

    /// The calendar called `name` (`24x7`, or one the pack declares).
    pub fn calendar(&self, name: &JsValue) -> Result<JsCalendar, JsValue> {
        text_arg(name, "name")
            .and_then(|name| self.inner.calendar(&name).cloned())
            .map(|inner| JsCalendar { inner })
            .map_err(|e| js_error(&e))
    }

    /// The names of the pack's calendars, `24x7` first.
    #[wasm_bindgen(getter)]
    pub fn calendars(&self) -> Vec<String> {
        self.inner
            .pack()
            .calendars()
            .iter()
            .map(|c| c.name().to_string())
            .collect()
    }

    /// The pack's SLA policy (statuses, pauses, …).
    #[wasm_bindgen(js_name = slaPolicy)]
    pub fn sla_policy(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.pack().sla())
    }
}

impl Versioned for JsRuleEngine {
    fn pack_version(&self) -> &str {
        self.inner.pack_version()
    }
    fn pack_hash(&self) -> &str {
        self.inner.pack().hash()
    }
}

/// Several packs loaded at once, by version: a ticket is answered by the
/// pack its `packVersion` names, or by the newest.
/// What a call costs when its evaluation is free: the same crossings as
/// `escalations` and `validate` (the ticket read in as JSON text, the
/// answer written out as a tape and built in JS) around an answer computed
/// by the first call and kept. For `make bench` only (`bench-floor`).
#[cfg(feature = "bench-floor")]
#[wasm_bindgen(js_class = RuleEngine)]
impl JsRuleEngine {
    /// `escalations`, evaluated once: later calls read their ticket and
    /// answer the first call's report.
    #[wasm_bindgen(js_name = floorEscalations)]
    pub fn floor_escalations(
        &self,
        ticket: &JsValue,
        now: &JsValue,
        fired: &JsValue,
    ) -> Result<JsValue, JsValue> {
        thread_local! {
            static KEPT: std::cell::OnceCell<crate::escalation::EscalationReport> =
                const { std::cell::OnceCell::new() };
        }
        let run = || -> Result<JsValue, Error> {
            let text = json_text_of(ticket)?;
            let fired = string_list(fired, "fired")?;
            let doc = parse_text::<Doc>(&text)?;
            let now = instant(now, "now")?;
            KEPT.with(|kept| {
                if kept.get().is_none() {
                    let _ = kept.set(self.inner.escalations(&doc, now, &fired)?);
                }
                let r = kept.get().ok_or_else(|| Error::input("no report"))?;
                to_js(r).map_err(|_| Error::input("result not serialisable"))
            })
        };
        run().map_err(|e| js_error(&e))
    }

    /// `validate` (no options), evaluated once: later calls read their
    /// ticket and answer the first call's result.
    #[wasm_bindgen(js_name = floorValidate)]
    pub fn floor_validate(&self, ticket: &JsValue) -> Result<JsValue, JsValue> {
        thread_local! {
            static KEPT: std::cell::OnceCell<crate::form::ValidationResult> =
                const { std::cell::OnceCell::new() };
        }
        let run = || -> Result<JsValue, Error> {
            let t = via_json(ticket)?;
            KEPT.with(|kept| {
                if kept.get().is_none() {
                    let who = crate::Requester::default();
                    let _ = kept.set(self.inner.validate_owned(t, None, None, who)?);
                }
                let r = kept.get().ok_or_else(|| Error::input("no result"))?;
                to_js(r).map_err(|_| Error::input("result not serialisable"))
            })
        };
        run().map_err(|e| js_error(&e))
    }

    /// Only the ticket read in (`JSON.stringify`, copied, parsed): `true`.
    #[wasm_bindgen(js_name = floorRead)]
    pub fn floor_read(&self, ticket: &JsValue) -> Result<bool, JsValue> {
        let text = json_text_of(ticket).map_err(|e| js_error(&e))?;
        let doc = parse_text::<Doc>(&text).map_err(|e| js_error(&e))?;
        Ok(crate::json::JsonView::is_object(&doc))
    }
}

#[wasm_bindgen(js_name = PackSet)]
pub struct JsPackSet {
    inner: PackSet<JsRuleEngine>,
}

#[wasm_bindgen(js_class = PackSet)]
impl JsPackSet {
    /// An empty set.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> JsPackSet {
        JsPackSet {
            inner: PackSet::new(),
        }
    }

    /// Adds an engine (it stays usable); it becomes the newest. The same
    /// pack again is a no-op; other rules under a loaded version throw
    /// `PACK_INVALID`.
    pub fn add(&mut self, engine: &JsRuleEngine) -> Result<(), JsValue> {
        self.inner.add(engine.handle()).map_err(|e| js_error(&e))
    }

    /// The engine of `version`, or `undefined`.
    pub fn get(&self, version: &JsValue) -> Result<Option<JsRuleEngine>, JsValue> {
        text_arg(version, "version")
            .map(|v| self.inner.get(&v).map(JsRuleEngine::handle))
            .map_err(|e| js_error(&e))
    }

    /// The newest engine, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn latest(&self) -> Option<JsRuleEngine> {
        self.inner.latest().map(JsRuleEngine::handle)
    }

    /// The loaded versions, oldest first.
    #[wasm_bindgen(getter)]
    pub fn versions(&self) -> Vec<String> {
        self.inner
            .versions()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Removes the pack of `version`; whether it was there.
    pub fn remove(&mut self, version: &JsValue) -> Result<bool, JsValue> {
        text_arg(version, "version")
            .map(|v| self.inner.remove(&v))
            .map_err(|e| js_error(&e))
    }

    /// The engine for `ticket`: the one its `packVersion` names, or the
    /// newest. Throws `UNKNOWN_PACK_VERSION` for a version not loaded.
    #[wasm_bindgen(js_name = forTicket)]
    pub fn for_ticket(&self, ticket: &JsValue) -> Result<JsRuleEngine, JsValue> {
        let run = || -> Result<JsRuleEngine, Error> {
            if !ticket.is_object() || Array::is_array(ticket) {
                return Err(not_an_object(js_type(ticket)));
            }
            // Only the one field is read: the ticket is not copied.
            let v = Reflect::get(ticket, &JsValue::from_str("packVersion"))
                .unwrap_or(JsValue::UNDEFINED);
            let named = optional_text_arg(&v, "packVersion")?
                .map_or(serde_json::Value::Null, serde_json::Value::String);
            let probe = serde_json::Value::Object(crate::json::object([(
                "packVersion".to_string(),
                named,
            )]));
            self.inner.for_ticket(&probe).map(JsRuleEngine::handle)
        };
        run().map_err(|e| js_error(&e))
    }
}

/// A business calendar: weekly hours in an IANA zone, holidays, overrides.
#[wasm_bindgen(js_name = Calendar)]
pub struct JsCalendar {
    inner: Calendar,
}

#[wasm_bindgen(js_class = Calendar)]
impl JsCalendar {
    /// A calendar from its plain-object form:
    /// `{ timezone, weekly: { mon: [["08:00","17:00"]], ... }, holidays: [...] }`.
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(spec: &JsValue) -> Result<JsCalendar, JsValue> {
        let run = || -> Result<JsCalendar, Error> {
            let spec = via_json(spec)?;
            Ok(JsCalendar {
                inner: Calendar::from_json(&spec)?,
            })
        };
        run().map_err(|e| js_error(&e))
    }

    /// The built-in 24x7 calendar.
    #[wasm_bindgen(js_name = always)]
    pub fn always() -> JsCalendar {
        JsCalendar {
            inner: Calendar::always(),
        }
    }

    /// Its name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Its IANA time zone.
    #[wasm_bindgen(getter)]
    pub fn timezone(&self) -> String {
        self.inner.timezone().to_string()
    }

    /// When `seconds` (or a duration like `"4h"`) of business time have run
    /// from `start`, outside `pauses` (`[[from, to], ...]`).
    pub fn add(
        &self,
        start: &JsValue,
        seconds: &JsValue,
        pauses: &JsValue,
    ) -> Result<String, JsValue> {
        let run = || -> Result<String, Error> {
            let start = instant(start, "start")?;
            let d = duration(seconds)?;
            let p = pauses_of(pauses)?;
            self.inner.add(start, d, &p).map(format_instant)
        };
        run().map_err(|e| js_error(&e))
    }

    /// Seconds of business time in `[a, b)`, outside `pauses`.
    pub fn between(&self, a: &JsValue, b: &JsValue, pauses: &JsValue) -> Result<f64, JsValue> {
        let run = || -> Result<f64, Error> {
            let (a, b) = (instant(a, "from")?, instant(b, "to")?);
            let p = pauses_of(pauses)?;
            self.inner.between(a, b, &p).map(|s| s as f64)
        };
        run().map_err(|e| js_error(&e))
    }

    /// Whether the calendar is open at `t`.
    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self, t: &JsValue) -> Result<bool, JsValue> {
        instant(t, "t")
            .and_then(|t| self.inner.is_open(t))
            .map_err(|e| js_error(&e))
    }

    /// The first open instant at or after `t`, or `null` within 20 years.
    #[wasm_bindgen(js_name = nextOpen)]
    pub fn next_open(&self, t: &JsValue) -> Result<JsValue, JsValue> {
        instant(t, "t")
            .and_then(|t| self.inner.next_open(t))
            // `null`, as the typings say (an `Option` would be `undefined`).
            .map(|o| o.map_or(JsValue::NULL, |t| JsValue::from_str(&format_instant(t))))
            .map_err(|e| js_error(&e))
    }
}

/// A list of strings (`undefined`/`null`: empty); also accepts a `Set`.
fn string_list(v: &JsValue, field: &str) -> Result<Vec<String>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    // `Array.from` takes a Set as well as an array.
    let list = if v.is_instance_of::<js_sys::Set>() || Array::is_array(v) {
        Array::from(v)
    } else {
        return Err(Error::InvalidType {
            field: field.into(),
            expected: "array of strings",
            found: js_type(v),
        });
    };
    list.iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_string().ok_or_else(|| Error::InvalidType {
                field: format!("{field}[{i}]"),
                expected: "string",
                found: js_type(&x),
            })
        })
        .collect()
}

/// An instant from an RFC 3339 string or a JS `Date`.
fn instant(v: &JsValue, field: &str) -> Result<Instant, Error> {
    if let Some(s) = v.as_string() {
        return parse_instant(&s, field);
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return from_millis(d.get_time(), field);
    }
    if v.is_undefined() || v.is_null() {
        return Err(Error::MissingField {
            field: field.into(),
        });
    }
    Err(Error::InvalidType {
        field: field.into(),
        expected: "RFC 3339 string or Date",
        found: js_type(v),
    })
}

/// Whole seconds from a number, or a duration string like `"4h"`.
fn duration(v: &JsValue) -> Result<i64, Error> {
    let bad = |message: String| Error::InvalidDuration {
        field: "seconds".into(),
        message,
    };
    let Some(n) = v.as_f64() else {
        if let Some(s) = v.as_string() {
            return parse_duration(&s).map(|s| s as i64).map_err(bad);
        }
        return Err(bad(format!(
            "expected a number of seconds or a duration like \"4h\", not {}",
            crate::ticket::a(js_type(v))
        )));
    };
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 || n > MAX_SECONDS as f64 {
        // As `{n}` would, without linking float formatting (10 KB).
        let n = crate::spec::float_string(n);
        return Err(bad(format!("{n} is not whole seconds from 0 to 100 years")));
    }
    // In range by the check above.
    Ok(n as i64)
}

/// `[[from, to], ...]` or `[{ from, to }, ...]`; `undefined`/`null` is none.
fn pauses_of(v: &JsValue) -> Result<Pauses, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(Pauses::none());
    }
    if !Array::is_array(v) {
        return Err(Error::InvalidPause {
            field: "pauses".into(),
            message: "pauses must be an array of [from, to] pairs".into(),
        });
    }
    let mut pairs = Vec::new();
    for (i, p) in Array::from(v).iter().enumerate() {
        let path = format!("pauses[{i}]");
        // Each end is named as it was written: `pauses[0][1]`, `pauses[0].to`.
        let (from, to, ends) = if Array::is_array(&p) {
            let a = Array::from(&p);
            if a.length() != 2 {
                return Err(Error::InvalidPause {
                    field: path,
                    message: "a pause is a [from, to] pair".into(),
                });
            }
            (a.get(0), a.get(1), ["[0]", "[1]"])
        } else if p.is_object() {
            (
                own(&p, &JsValue::from_str("from")),
                own(&p, &JsValue::from_str("to")),
                [".from", ".to"],
            )
        } else {
            return Err(Error::InvalidPause {
                field: path,
                message: "a pause is a [from, to] pair".into(),
            });
        };
        pairs.push((
            instant(&from, &format!("{path}{}", ends[0]))?,
            instant(&to, &format!("{path}{}", ends[1]))?,
        ));
    }
    Pauses::new(pairs)
}

/// An options argument as JSON: `null` when it is absent; anything but a
/// plain object is refused (a role passed where the options go would
/// otherwise be ignored, and its checks skipped).
fn options_json(v: &JsValue, field: &str) -> Result<serde_json::Value, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(serde_json::Value::Null);
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(Error::InvalidType {
            field: field.into(),
            expected: "object",
            found: js_type(v),
        });
    }
    via_json(v)
}

/// Refuses a key of an options object that is not one of `known`: a
/// misspelt option (`rol` for `role`) would otherwise be ignored, and with
/// it the check it asked for.
fn known_keys(options: &serde_json::Value, what: &str, known: &[&str]) -> Result<(), Error> {
    let serde_json::Value::Object(o) = options else {
        return Ok(());
    };
    match o.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(Error::input(format!(
            "{what}: unknown option {:?}; options: {}",
            k.chars().take(64).collect::<String>(),
            known.join(", ")
        ))),
    }
}

/// A string argument. Every one is taken as a `JsValue` and checked here:
/// wasm-bindgen's glue for a `&str` parameter reads any value as a string,
/// and a number there wrote out of bounds of the wasm memory (a
/// `RuntimeError`, and the instance broken for every later call).
fn text_arg(v: &JsValue, field: &str) -> Result<String, Error> {
    optional_text_arg(v, field)?.ok_or_else(|| Error::MissingField {
        field: field.into(),
    })
}

/// A string argument that may be `undefined` or `null`.
fn optional_text_arg(v: &JsValue, field: &str) -> Result<Option<String>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| Error::InvalidType {
        field: field.into(),
        expected: "string",
        found: js_type(v),
    })
}

/// `options[key]`: a string, or absent/null.
fn optional_text<'a>(options: &'a serde_json::Value, key: &str) -> Result<Option<&'a str>, Error> {
    match options.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::InvalidType {
            field: format!("options.{key}"),
            expected: "a string",
            found: crate::ticket::json_type(other),
        }),
    }
}

// A value's JSON text, then its UTF-8 bytes written by `TextEncoder`
// straight into wasm memory: one native call each, where passing the
// string itself would go through wasm-bindgen's character-by-character
// loop (7% of a 10,000-ticket queue call), and `encode` then a copy would
// allocate and fill a second buffer (another 5%).
#[wasm_bindgen(inline_js = r#"
const encoder = new TextEncoder();
export function jsonText(v) {
  const text = JSON.stringify(v);
  // JSON.stringify writes NaN, Infinity and an invalid Date as null, which
  // would read as "not given" (MISSING_FIELD, an option left out). Only
  // when a null shows, a walk looks for one, to refuse it by its path.
  if (text !== undefined && text.includes('null')) {
    const bad = unwritable(v, '');
    if (bad) throw Object.assign(new TypeError(`${bad[0] || 'the value'} is ${bad[1]}`), { unwritable: bad });
  }
  // A lone surrogate (a string cut in the middle of an emoji) is written
  // as a \uD8xx escape, which no UTF-8 reader takes: it becomes U+FFFD,
  // as TextEncoder makes it everywhere else. A pair is never escaped.
  return text !== undefined && text.includes('\\ud') ? text.replace(LONE, '\\ufffd') : text;
}
// The path of the first value JSON cannot hold (a number that is not
// finite, an invalid Date) and what it is, or null.
function unwritable(v, path) {
  if (typeof v === 'number') return Number.isFinite(v) ? null : [path, String(v)];
  if (v === null || typeof v !== 'object') return null;
  if (Object.prototype.toString.call(v) === '[object Date]') return Number.isNaN(v.getTime()) ? [path, 'an invalid Date'] : null;
  if (typeof v.toJSON === 'function') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unwritable(v[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const bad = unwritable(v[k], path ? `${path}.${k}` : k);
    if (bad) return bad;
  }
  return null;
}
const LONE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;
export function encodeInto(text, memory, at, capacity) {
  const r = encoder.encodeInto(text, new Uint8Array(memory.buffer, at, capacity));
  // Short of room: -1 - the most the whole text can take (what was
  // written, and 3 bytes for each unit not read).
  return r.read === text.length ? r.written : -1 - (r.written + 3 * (text.length - r.read));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = jsonText, catch)]
    fn json_text(v: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &js_sys::JsString, memory: &JsValue, at: usize, capacity: usize) -> f64;
}

/// A JS value as JSON through `JSON.stringify` and serde_json: one
/// boundary crossing and one copy of the text, which for a ticket with a
/// history is several times cheaper than walking the object from wasm.
/// `Date`s become ISO strings (their `toJSON`), `undefined` fields vanish.
fn via_json(v: &JsValue) -> Result<serde_json::Value, Error> {
    crate::json::parse_value(&json_text_of(v)?)
        .map_err(|e| Error::input(format!("the value is not JSON: {e}")))
}

/// JSON text read as a `Value`, or as a [`Doc`] (strings borrowed from the
/// text) for the operations that only read a ticket.
fn parse_text<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::input(format!("the value is not JSON: {e}")))
}

/// A JS value's JSON text (`JSON.stringify`), copied into wasm memory as
/// UTF-8 and checked once as a whole (serde_json's reader of a `str` then
/// need not check each string again).
fn json_text_of(v: &JsValue) -> Result<String, Error> {
    let text = json_text(v).map_err(|e| {
        // A value JSON has no form for, by its path (`jsonText`).
        if let Some(bad) = Reflect::get(&e, &"unwritable".into())
            .ok()
            .filter(|b| b.is_object())
        {
            let part = |i: u32| Array::from(&bad).get(i).as_string().unwrap_or_default();
            let (path, what) = (part(0), part(1));
            return Error::InvalidType {
                field: if path.is_empty() {
                    "value".into()
                } else {
                    path
                },
                expected: if what.contains("Date") {
                    "an instant (RFC 3339 text, or a valid Date)"
                } else {
                    "a finite number"
                },
                found: match what.as_str() {
                    "NaN" => "NaN",
                    "Infinity" => "Infinity",
                    "-Infinity" => "-Infinity",
                    _ => "an invalid Date",
                },
            };
        }
        // JS says why: a BigInt, a cycle, or nesting too deep for its stack.
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| {
                String::from(e.message())
                    .chars()
                    .take(120)
                    .collect::<String>()
            })
            .unwrap_or_else(|| "a BigInt, or a cycle".into());
        Error::input(format!("the value cannot be written as JSON: {why}"))
    })?;
    let text = text
        .dyn_ref::<js_sys::JsString>()
        .ok_or_else(|| Error::input("the value has no JSON form"))?;
    // Written into a zeroed buffer and cut to what was written: first one
    // byte per UTF-16 unit, which ASCII text fills exactly; if that was too
    // small (`Err(room)`), again with `room`: the most the text can take.
    let attempt = |capacity: usize| -> Result<Vec<u8>, usize> {
        let mut bytes = vec![0u8; capacity];
        let at = bytes.as_mut_ptr() as usize;
        let got = encode_into(text, &wasm_bindgen::memory(), at, capacity);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // lengths
        if got < 0.0 {
            return Err((-got - 1.0) as usize);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        bytes.truncate(got as usize);
        if bytes.capacity() - bytes.len() > bytes.len() / 8 {
            bytes.shrink_to_fit();
        }
        Ok(bytes)
    };
    let encoded = attempt(text.length() as usize)
        .or_else(attempt)
        .map_err(|_| Error::input("the value's JSON text could not be encoded"))?;
    String::from_utf8(encoded).map_err(|_| Error::input("the value is not UTF-8"))
}

impl JsRuleEngine {
    fn wrap(inner: RuleEngine) -> Self {
        let js = Rc::new(Templates::new(&inner));
        JsRuleEngine {
            inner: Rc::new(inner),
            js,
        }
    }

    /// Another handle on the same engine (for `PackSet`).
    fn handle(&self) -> Self {
        JsRuleEngine {
            inner: Rc::clone(&self.inner),
            js: Rc::clone(&self.js),
        }
    }

    fn priority_js(&self, ticket: &JsValue) -> Result<JsValue, Error> {
        if !ticket.is_object() || Array::is_array(ticket) {
            return Err(not_an_object(js_type(ticket)));
        }
        // The hook sees the whole ticket; a history may re-prioritise it.
        let history = Reflect::get(ticket, &self.js.key_history).unwrap_or(JsValue::UNDEFINED);
        let has_history = Array::is_array(&history) && Array::from(&history).length() > 0;
        if self.inner.pack().has_priority_hook() || has_history {
            let value = if self.inner.pack().has_priority_hook() {
                via_json(ticket)?
            } else {
                // Without a hook, priority reads these four and nothing
                // else: copying only them skips the rest of a big ticket.
                let slim = Object::new();
                for k in [
                    &self.js.key_impact,
                    &self.js.key_urgency,
                    &self.js.key_severity,
                    &self.js.key_history,
                ] {
                    let v = own(ticket, k);
                    if !v.is_undefined() {
                        let _ = Reflect::set(&slim, k, &v);
                    }
                }
                via_json(&slim)?
            };
            let r = self.inner.priority(&value)?;
            return to_js(&r).map_err(|_| Error::input("result not serialisable"));
        }
        self.fields(
            &own(ticket, &self.js.key_impact),
            &own(ticket, &self.js.key_urgency),
            &own(ticket, &self.js.key_severity),
        )
    }

    fn fields(
        &self,
        impact: &JsValue,
        urgency: &JsValue,
        severity: &JsValue,
    ) -> Result<JsValue, Error> {
        let hook = self.inner.pack().has_priority_hook();
        if !hook {
            if let Some(at) = self.js.recall(impact, urgency, severity) {
                return self
                    .cell_result(at)
                    .ok_or_else(|| Error::input("cell out of range"));
            }
        }
        let (impact_s, urgency_s, severity_s) = (text(impact), text(urgency), text(severity));
        let at = self
            .inner
            .locate(field(&impact_s), field(&urgency_s), field(&severity_s))?;
        if hook {
            fn s(t: &Text) -> Option<&str> {
                match t {
                    Text::Str(s) => Some(s),
                    _ => None,
                }
            }
            let (Some(i), Some(u)) = (s(&impact_s), s(&urgency_s)) else {
                return Err(Error::input("impact and urgency must be strings"));
            };
            let r = self.inner.priority_of(i, u, s(&severity_s))?;
            return to_js(&r).map_err(|_| Error::input("result not serialisable"));
        }
        self.js.remember(impact, urgency, severity, at);
        self.cell_result(at)
            .ok_or_else(|| Error::input("cell out of range"))
    }

    fn cell_result(&self, at: CellRef) -> Option<JsValue> {
        self.js.result(self.inner.matrix(), at)
    }
}

/// The own property `k` of `o`; `undefined` when it is absent or only
/// inherited. A ticket is plain data: what its prototype (or a polluted
/// `Object.prototype`) holds is not in it, as `JSON.stringify` agrees.
/// `Object.hasOwn` is asked only about a value that is there.
fn own(o: &JsValue, k: &JsValue) -> JsValue {
    let v = Reflect::get(o, k).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || Object::has_own(o.unchecked_ref::<Object>(), k) {
        v
    } else {
        JsValue::UNDEFINED
    }
}

/// A JS value as the core's [`Field`] sees it, owning its text.
enum Text {
    Absent,
    Str(String),
    Other(&'static str),
}

fn text(v: &JsValue) -> Text {
    if v.is_undefined() || v.is_null() {
        Text::Absent
    } else if let Some(s) = v.as_string() {
        Text::Str(s)
    } else {
        Text::Other(js_type(v))
    }
}

fn field(t: &Text) -> Field<'_> {
    match t {
        Text::Absent => Field::Absent,
        Text::Str(s) => Field::Text(s),
        Text::Other(found) => Field::Other(found),
    }
}

/// The JSON type name of a JS value, as the core's messages name types.
fn js_type(v: &JsValue) -> &'static str {
    if v.is_null() || v.is_undefined() {
        "null"
    } else if v.is_string() {
        "string"
    } else if v.as_f64().is_some() || v.is_bigint() {
        "number"
    } else if v.as_bool().is_some() {
        "boolean"
    } else if Array::is_array(v) {
        "array"
    } else {
        "object"
    }
}

/// `{ "file.rhai": source }` (or a `Map`); a source is a string or a
/// `Uint8Array` of UTF-8 (so that invalid UTF-8 in a file read from disk is
/// reported with its place, not silently replaced).
fn read_sources(sources: &JsValue) -> Result<Vec<(String, String)>, Error> {
    let bad = || Error::InvalidInput {
        message:
            "sources must map file names to rhai source text, e.g. { \"priority.rhai\": \"...\" }"
                .into(),
    };
    let entries = if sources.is_instance_of::<js_sys::Map>() {
        Array::from(&js_sys::Map::from(sources.clone()).entries().into())
    } else if sources.is_object() && !Array::is_array(sources) {
        Object::entries(&Object::from(sources.clone()))
    } else {
        return Err(bad());
    };
    let mut out = Vec::new();
    for entry in entries.iter() {
        let entry = Array::from(&entry);
        let name = entry.get(0).as_string().ok_or_else(bad)?;
        let source = entry.get(1);
        let text = match source.as_string() {
            Some(text) => text,
            None if source.is_instance_of::<js_sys::Uint8Array>() => {
                crate::pack::utf8(&name, js_sys::Uint8Array::from(source).to_vec())?
            }
            None => return Err(bad()),
        };
        out.push((name, text));
    }
    Ok(out)
}

// The queue's entries cross the boundary as columns: one `Float64Array`
// of numbers and one string of all the text, assembled into objects by
// the JS below. Through serde-wasm-bindgen each of the 13 fields of 10,000
// entries was a crossing of its own and each string its own decode.
#[wasm_bindgen(inline_js = r#"
export function queueReport(nums, text, rest) {
  let at = 0, o = 0;
  const str = (n) => {
    if (n < 0) return null;
    const s = text.slice(at, at + n);
    at += n;
    return s;
  };
  const words = new Array(nums[o++]);
  for (let i = 0; i < words.length; i++) words[i] = str(nums[o++]);
  const entries = new Array(nums[o++]);
  for (let i = 0; i < entries.length; i++, o += 13) {
    // The strings in the order they were written.
    const id = str(nums[o + 2]);
    const due = str(nums[o + 6]);
    const resumesAt = str(nums[o + 10]);
    const reason = str(nums[o + 11]);
    entries[i] = {
      rank: nums[o], index: nums[o + 1], id,
      priority: words[nums[o + 3]], clock: words[nums[o + 4]], state: words[nums[o + 5]],
      due, remainingSeconds: nums[o + 7], percentUsed: nums[o + 8] + 0,
      openNow: nums[o + 9] === 1, resumesAt, reason,
      status: words[nums[o + 12]],
    };
  }
  return Object.assign({ entries }, rest);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = queueReport)]
    fn queue_report(nums: &[f64], text: &str, rest: &JsValue) -> JsValue;
}

/// The queue report as `queueReport` above reads it: the distinct words
/// (priority, clock, state, status), then 13 numbers an entry, strings as
/// their length in UTF-16 units (-1 for null) in the order read.
fn queue_to_js(r: &crate::queue::QueueReport) -> Result<JsValue, Error> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Rest<'a> {
        ranked: usize,
        not_open: &'a [usize],
        problems: &'a [crate::queue::QueueProblem],
        now: &'a str,
        pack_version: &'a str,
    }
    /// `w`'s place among the words, added if new; `column` holds the
    /// places of one field's words (a few each), searched first.
    fn word<'a>(words: &mut Vec<&'a str>, column: &mut Vec<(&'a str, f64)>, w: &'a str) -> f64 {
        if let Some(&(_, at)) = column.iter().find(|(x, _)| *x == w) {
            return at;
        }
        words.push(w);
        let at = (words.len() - 1) as f64;
        column.push((w, at));
        at
    }
    /// `s` appended to the text, and its length (-1 for none).
    fn put(text: &mut String, s: Option<&str>) -> f64 {
        s.map_or(-1.0, |s| {
            text.push_str(s);
            crate::tape::utf16_len(s) as f64
        })
    }
    let mut words: Vec<&str> = Vec::new();
    let mut columns: [Vec<(&str, f64)>; 4] = Default::default();
    let [priorities, clocks, states, statuses] = &mut columns;
    let mut entries = Vec::with_capacity(r.entries.len() * 13);
    let mut text = String::with_capacity(r.entries.len() * 96);
    for e in &r.entries {
        let id = put(&mut text, e.id.as_deref());
        let due = put(&mut text, e.due.as_deref());
        let resumes = put(&mut text, e.resumes_at.as_deref());
        let reason = put(&mut text, Some(&e.reason));
        #[allow(clippy::cast_precision_loss)] // ranks, indexes and seconds are far below 2^53
        entries.extend_from_slice(&[
            e.rank as f64,
            e.index as f64,
            id,
            word(&mut words, priorities, &e.priority),
            word(&mut words, clocks, e.clock),
            word(&mut words, states, e.state.as_str()),
            due,
            e.remaining_seconds as f64,
            e.percent_used,
            f64::from(u8::from(e.open_now)),
            resumes,
            reason,
            word(&mut words, statuses, &e.status),
        ]);
    }
    let mut nums = Vec::with_capacity(entries.len() + words.len() + 2);
    nums.push(words.len() as f64);
    let mut all = String::with_capacity(text.len() + 64);
    for w in &words {
        nums.push(crate::tape::utf16_len(w) as f64);
        all.push_str(w);
    }
    all.push_str(&text);
    nums.push(r.entries.len() as f64);
    nums.extend_from_slice(&entries);
    let rest = to_js(&Rest {
        ranked: r.ranked,
        not_open: &r.not_open,
        problems: &r.problems,
        now: &r.now,
        pack_version: &r.pack_version,
    })
    .map_err(|_| Error::input("result not serialisable"))?;
    Ok(queue_report(&nums, &all, &rest))
}

// Answers cross as a tape (crate::tape): the numbers as one Float64Array,
// the text decoded once, and the objects built here. A key `__proto__`
// becomes an own property, as JSON.parse makes it.
#[wasm_bindgen(inline_js = r#"
export function fromTape(nums, text) {
  let o = 0, at = 0;
  const str = () => {
    const n = nums[o++];
    const s = text.slice(at, at + n);
    at += n;
    return s;
  };
  const value = () => {
    switch (nums[o++]) {
      case 0: return null;
      case 1: return false;
      case 2: return true;
      case 3: return nums[o++];
      case 4: return str();
      case 5: {
        const a = new Array(nums[o++]);
        for (let i = 0; i < a.length; i++) a[i] = value();
        return a;
      }
      default: {
        const n = nums[o++];
        const r = {};
        for (let i = 0; i < n; i++) {
          const k = str();
          if (k === '__proto__') {
            Object.defineProperty(r, k, { value: value(), enumerable: true, writable: true, configurable: true });
          } else {
            r[k] = value();
          }
        }
        return r;
      }
    }
  };
  return value();
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fromTape)]
    fn from_tape(nums: &[f64], text: &str) -> JsValue;
}

/// An answer as a JS value: what serde-wasm-bindgen's JSON-compatible
/// serializer makes, built in JS from a tape.
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    match crate::tape::write(v) {
        Ok((nums, text)) => Ok(from_tape(&nums, &text)),
        Err(e) => Err(js_error(&Error::InvalidInput {
            message: e.to_string(),
        })),
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The fields of an error, on any object.
fn describe(target: &JsValue, e: &Error) {
    set(target, "code", &JsValue::from_str(e.code()));
    if let Some(f) = e.field() {
        set(target, "field", &JsValue::from_str(f));
    }
    if let Some(allowed) = e.allowed() {
        let a: Array = allowed.iter().map(|s| JsValue::from_str(s)).collect();
        set(target, "allowed", &a);
    }
    if let Some(span) = e.span() {
        set(target, "file", &JsValue::from_str(&span.file));
        set(target, "line", &JsValue::from(span.line));
        set(target, "column", &JsValue::from(span.column));
    }
    if let Some(limit) = e.limit() {
        set(target, "limit", &JsValue::from_str(limit.as_str()));
    }
}

/// A core error as a JS `Error` named `TicketRulesError`.
fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("TicketRulesError");
    let err = JsValue::from(err);
    describe(&err, e);
    err
}

/// A core error as a plain object (for lists and batch results).
fn error_object(e: &Error) -> JsValue {
    let o: JsValue = Object::new().into();
    describe(&o, e);
    set(&o, "message", &JsValue::from_str(&e.to_string()));
    o
}

/// The first of a pack's errors, thrown, with every one in `.errors`.
fn pack_errors(errors: &[Error]) -> JsValue {
    match errors.first() {
        Some(first) => {
            let err = js_error(first);
            set(&err, "errors", &error_list(errors));
            err
        }
        None => js_error(&Error::input("the pack did not load")),
    }
}

fn error_list(errors: &[Error]) -> Array {
    errors.iter().map(error_object).collect()
}

/// Every code a validation error can have from the engine (a pack's rules
/// may add their own).
#[wasm_bindgen(js_name = validationCodes)]
pub fn validation_codes() -> Vec<String> {
    crate::form::VALIDATION_CODES
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// Every error code the engine can produce (the TypeScript `ErrorCode`
/// union lists the same; a test compares them).
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    crate::ERROR_CODES.iter().map(|c| c.to_string()).collect()
}
