//! Hooks: the rhai functions a pack may define to run per ticket, and the
//! host functions they may call.
//!
//! | hook | called with | returns |
//! |---|---|---|
//! | `adjust_priority(ticket, result)` | the ticket, the matrix result (a map) | the result, adjusted |
//!
//! A pack without hooks never runs rhai after load.

use std::cell::Cell as Counter;
#[cfg(feature = "rhai")]
use std::cell::OnceCell;
use std::rc::Rc;

#[cfg(feature = "rhai")]
use rhai::{Array, CallFnOptions, Dynamic, Engine, Scope, AST};
use serde_json::Value;

use crate::error::{Error, Result, Span};
#[cfg(feature = "rhai")]
use crate::pack::convert::{to_dynamic, to_dynamic_within, to_json};
#[cfg(feature = "rhai")]
use crate::pack::diag::{complain, eval_error};
#[cfg(feature = "rhai")]
use crate::pack::sandbox;
use crate::pack::sandbox::Limits;
use crate::priority::{Matrix, PriorityResult};

/// Hook names and their parameter counts.
pub(crate) const HOOKS: &[(&str, usize)] = &[(ADJUST_PRIORITY, 2), (QUEUE_RANK, 2)];

/// The priority hook's name.
pub(crate) const ADJUST_PRIORITY: &str = "adjust_priority";

/// The work queue's ranking hook: `queue_rank(ticket, entry)` returns a
/// number, lower first.
pub(crate) const QUEUE_RANK: &str = "queue_rank";

/// One hook: the file that defines it and that file's functions.
#[cfg_attr(not(feature = "rhai"), allow(dead_code))]
pub(crate) struct HookFn {
    pub file: String,
    pub ast: Rc<FileAst>,
    /// Where `fn name(` is written, for errors about what the hook returned.
    pub span: Span,
    /// The function's name.
    pub name: String,
}

/// The functions of a rule file, for its hooks: compiled when the pack
/// loads from source, or on the first hook call when it loads compiled
/// (so a compiled pack without hook calls never runs rhai's parser).
#[cfg_attr(not(feature = "rhai"), allow(dead_code))]
pub(crate) struct FileAst {
    file: String,
    source: Rc<str>,
    /// What the file defines (names and parameter counts, as
    /// [`functions_of`](Self::functions_of) lists them); for a compiled
    /// pack, what its text says, checked against the source when it is
    /// compiled.
    fns: Vec<(String, usize)>,
    #[cfg(feature = "rhai")]
    ast: OnceCell<std::result::Result<AST, Error>>,
}

impl FileAst {
    #[cfg(feature = "rhai")]
    /// Functions already compiled.
    pub(crate) fn ready(file: &str, source: Rc<str>, ast: AST) -> Self {
        FileAst {
            file: file.to_string(),
            source,
            fns: Self::functions_of(&ast),
            ast: OnceCell::from(Ok(ast)),
        }
    }

    /// Functions compiled when first needed; they must be `fns`.
    pub(crate) fn lazy(file: &str, source: Rc<str>, fns: Vec<(String, usize)>) -> Self {
        FileAst {
            file: file.to_string(),
            source,
            fns,
            #[cfg(feature = "rhai")]
            ast: OnceCell::new(),
        }
    }

    #[cfg(feature = "rhai")]
    /// The functions an AST defines, names and parameter counts, sorted
    /// (rhai keeps them in a hash table).
    pub(crate) fn functions_of(ast: &AST) -> Vec<(String, usize)> {
        // An insertion, not `sort` (1 KB more of wasm): files have a
        // handful of functions, and a compiled pack at most
        // `compiled::MAX_FUNCTIONS` a file (checked by count first).
        let mut fns: Vec<(String, usize)> = Vec::new();
        for f in ast.iter_functions() {
            let item = (f.name.to_string(), f.params.len());
            let at = fns.iter().position(|x| *x > item).unwrap_or(fns.len());
            fns.insert(at, item);
        }
        fns
    }

    /// The functions the file defines, names and parameter counts.
    pub(crate) fn fns(&self) -> &[(String, usize)] {
        &self.fns
    }

    /// The file's source.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    #[cfg(feature = "rhai")]
    fn get(&self) -> Result<&AST> {
        self.ast
            .get_or_init(|| {
                // As at load: the same engine settings, so the same parse.
                let engine = sandbox::engine(&Limits::LOAD);
                let mut ast = engine
                    .compile(&*self.source)
                    .map_err(|e| super::diag::parse_error(&self.file, &e))?;
                ast.set_source(self.file.as_str());
                if ast.iter_functions().count() != self.fns.len()
                    || Self::functions_of(&ast) != self.fns
                {
                    return Err(Error::pack(
                        Some(Span::new(&self.file, 1, 1)),
                        "the compiled pack's list of functions is not what the file defines",
                    ));
                }
                Ok(ast.clone_functions_only())
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The runtime for hooks: its own sandboxed engine and the hooks found.
/// A pack without hooks has no engine at all.
#[cfg_attr(not(feature = "rhai"), allow(dead_code))]
pub(crate) struct Hooks {
    /// Built on the first hook call (building it registers rhai's library).
    #[cfg(feature = "rhai")]
    engine: OnceCell<Engine>,
    matrix: Option<Rc<Matrix>>,
    pub adjust_priority: Option<HookFn>,
    pub queue_rank: Option<HookFn>,
    /// Per escalation level, its condition function if it has one.
    conditions: Vec<Option<HookFn>>,
    /// Form functions by (type, function name).
    forms: Vec<((String, String), HookFn)>,
    /// Clock names a hook may choose: `24x7` and the pack's calendars.
    clocks: Vec<String>,
    limits: Limits,
    calls: Counter<u64>,
}

impl Hooks {
    pub(crate) fn new(
        matrix: &Rc<Matrix>,
        [adjust_priority, queue_rank]: [Option<HookFn>; 2],
        conditions: Vec<Option<HookFn>>,
        forms: Vec<((String, String), HookFn)>,
        clocks: Vec<String>,
        limits: Limits,
    ) -> Self {
        let any = adjust_priority.is_some()
            || queue_rank.is_some()
            || conditions.iter().any(Option::is_some)
            || !forms.is_empty();
        Hooks {
            #[cfg(feature = "rhai")]
            engine: OnceCell::new(),
            matrix: any.then(|| matrix.clone()),
            adjust_priority,
            queue_rank,
            conditions,
            forms,
            clocks,
            limits,
            calls: Counter::new(0),
        }
    }

    /// `ticket` as a hook's argument, if it is within the hook limits.
    #[cfg(feature = "rhai")]
    fn given(&self, ticket: &Value) -> Result<Dynamic> {
        to_dynamic_within(ticket, &self.limits)
    }

    /// How many hook calls this runtime has made.
    pub(crate) fn calls(&self) -> u64 {
        self.calls.get()
    }

    /// The form function `function` of `type_name`.
    fn form(&self, type_name: &str, function: &str) -> Result<&HookFn> {
        self.forms
            .iter()
            .find(|((t, f), _)| t == type_name && f == function)
            .map(|(_, hook)| hook)
            .ok_or_else(|| Error::pack(None, format!("{type_name} has no function {function}")))
    }
}

/// Without rhai (the slim build), a pack's hooks are known but cannot run:
/// a call that needs one fails with `NO_RHAI` at the hook's definition,
/// and every answer that needs none is the same as with rhai.
#[cfg(not(feature = "rhai"))]
impl Hooks {
    fn unavailable(hook: &HookFn) -> Error {
        Error::NoRhai {
            span: Some(hook.span.clone()),
            what: format!("the function {}", hook.name),
        }
    }

    pub(crate) fn form_function(
        &self,
        type_name: &str,
        function: &str,
        _: &Value,
        _: crate::form::Returns,
    ) -> Result<Value> {
        Err(Self::unavailable(self.form(type_name, function)?))
    }

    pub(crate) fn condition(&self, k: usize, _: &Value) -> Result<bool> {
        match self.conditions.get(k) {
            Some(Some(hook)) => Err(Self::unavailable(hook)),
            _ => Ok(true),
        }
    }

    pub(crate) fn queue_rank(&self, _: &Value, _: &Value) -> Result<Option<f64>> {
        self.queue_rank
            .as_ref()
            .map_or(Ok(None), |hook| Err(Self::unavailable(hook)))
    }

    pub(crate) fn adjust_priority(
        &self,
        _: &Matrix,
        _: &Value,
        result: PriorityResult,
    ) -> Result<PriorityResult> {
        self.adjust_priority
            .as_ref()
            .map_or(Ok(result), |hook| Err(Self::unavailable(hook)))
    }
}

#[cfg(feature = "rhai")]
impl Hooks {
    /// The engine and the hook's functions, built or compiled on first use.
    fn runtime<'h>(&'h self, hook: &'h HookFn) -> Result<(&'h Engine, &'h AST)> {
        let Some(matrix) = &self.matrix else {
            return Err(Error::pack(Some(hook.span.clone()), "hook runtime missing"));
        };
        let ast = hook.ast.get()?;
        let engine = self.engine.get_or_init(|| {
            let mut engine = sandbox::engine(&self.limits);
            register_helpers(&mut engine, matrix);
            engine
        });
        Ok((engine, ast))
    }

    /// Calls `name` of `hook`'s file with `args` (a tuple).
    fn call(&self, hook: &HookFn, name: &str, args: impl rhai::FuncArgs) -> Result<Dynamic> {
        self.calls.set(self.calls.get() + 1);
        let (engine, ast) = self.runtime(hook)?;
        let mut scope = Scope::new();
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        engine
            .call_fn_with_options::<Dynamic>(options, &mut scope, ast, name, args)
            .map_err(|e| eval_error(&hook.file, &e, Some(&hook.span)))
    }

    /// Runs a ticket type's form function on `ticket`; its answer as JSON.
    /// Its answer must be what `returns` says, else `PACK_INVALID` at the
    /// function: a condition that answered `"yes"` was taken as false,
    /// a rule's list of strings as errors on no field.
    pub(crate) fn form_function(
        &self,
        type_name: &str,
        function: &str,
        ticket: &Value,
        returns: crate::form::Returns,
    ) -> Result<Value> {
        use crate::form::Returns;
        use crate::ticket::json_type;
        let hook = self.form(type_name, function)?;
        let out = self.call(hook, function, (self.given(ticket)?,))?;
        let wrong = |what: String| Error::pack(Some(hook.span.clone()), what);
        let v = to_json(&out).map_err(|e| wrong(format!("{function}: {e}")))?;
        match (returns, v) {
            (Returns::Bool, v @ Value::Bool(_)) => Ok(v),
            (Returns::Bool, other) => Err(wrong(format!(
                "condition {function} of {type_name} must return true or false, not {}",
                crate::ticket::a(json_type(&other))
            ))),
            (Returns::Errors, v) => {
                let list = match v {
                    Value::Null => Vec::new(),
                    Value::Array(a) => a,
                    one @ Value::Object(_) => vec![one],
                    other => {
                        return Err(wrong(format!(
                            "rule {function} of {type_name} must return a list of #{{ field, code, message }}, not {}",
                            crate::ticket::a(json_type(&other))
                        )))
                    }
                };
                for (i, e) in list.iter().enumerate() {
                    let why = match e {
                        Value::Object(o) => ["field", "code", "message"]
                            .into_iter()
                            .find(|k| o.get(*k).is_some_and(|v| !v.is_string() && !v.is_null()))
                            .map(|k| format!("its {k} must be text")),
                        other => Some(format!("not {}", crate::ticket::a(json_type(other)))),
                    };
                    if let Some(why) = why {
                        return Err(wrong(format!(
                            "rule {function} of {type_name}: item {i} must be #{{ field, code, message }}, {why}"
                        )));
                    }
                }
                Ok(Value::Array(list))
            }
        }
    }

    /// Runs escalation level `k`'s condition on `ticket`.
    pub(crate) fn condition(&self, k: usize, ticket: &Value) -> Result<bool> {
        let Some(Some(hook)) = self.conditions.get(k) else {
            return Ok(true);
        };
        let name = &hook.name;
        let out = self.call(hook, name, (self.given(ticket)?,))?;
        out.as_bool().map_err(|t| {
            Error::pack(
                Some(hook.span.clone()),
                format!("condition {name} must return true or false, not {t}"),
            )
        })
    }

    /// Runs `queue_rank(ticket, entry)`: a number, lower first; `None`
    /// when the pack has no such hook.
    pub(crate) fn queue_rank(&self, ticket: &Value, entry: &Value) -> Result<Option<f64>> {
        let Some(hook) = &self.queue_rank else {
            return Ok(None);
        };
        let out = self.call(hook, QUEUE_RANK, (self.given(ticket)?, to_dynamic(entry)))?;
        let n = out
            .as_int()
            .map(|i| i as f64)
            .or_else(|_| out.as_float())
            .ok()
            .filter(|n| n.is_finite());
        n.map(Some).ok_or_else(|| {
            Error::pack(
                Some(hook.span.clone()),
                format!(
                    "{QUEUE_RANK} must return a number (lower ranks first), not {}",
                    out.type_name()
                ),
            )
        })
    }

    /// Runs `adjust_priority(ticket, result)` and checks what it returns.
    pub(crate) fn adjust_priority(
        &self,
        matrix: &Matrix,
        ticket: &Value,
        result: PriorityResult,
    ) -> Result<PriorityResult> {
        let Some(hook) = &self.adjust_priority else {
            return Ok(result);
        };
        let before = serde_json::to_value(&result).map_err(|e| Error::input(e.to_string()))?;
        let out = self.call(
            hook,
            ADJUST_PRIORITY,
            (self.given(ticket)?, to_dynamic(&before)),
        )?;
        let bad =
            |msg: String| Error::pack(Some(hook.span.clone()), format!("{ADJUST_PRIORITY}: {msg}"));
        let out = to_json(&out).map_err(bad)?;
        let Value::Object(out) = out else {
            return Err(bad(format!(
                "must return the result map, not {}",
                crate::ticket::json_type(&out)
            )));
        };
        let mut adjusted = result;
        for (key, value) in &out {
            let unchanged = before.get(key) == Some(value);
            match key.as_str() {
                _ if unchanged => {}
                "priority" => {
                    let p = text(value, key).map_err(bad)?;
                    if matrix.priority_rank(p).is_none() {
                        return Err(bad(format!(
                            "unknown priority {p:?}; declared: {:?}",
                            matrix.priorities
                        )));
                    }
                    adjusted.priority = p.to_string();
                }
                "impactLevel" => {
                    let i = matrix
                        .impact_index(text(value, key).map_err(bad)?)
                        .map_err(|e| bad(e.to_string()))?;
                    if let Some(level) = matrix.impacts.get(i) {
                        adjusted.impact_level = level.name.clone();
                    }
                }
                "urgency" => {
                    let u = matrix
                        .urgency_index(text(value, key).map_err(bad)?)
                        .map_err(|e| bad(e.to_string()))?;
                    if let Some(level) = matrix.urgencies.get(u) {
                        adjusted.urgency = level.name.clone();
                    }
                }
                "clock" => {
                    let c = text(value, key).map_err(bad)?;
                    if !self.clocks.iter().any(|k| k == c) {
                        return Err(bad(format!(
                            "unknown clock {c:?}; clocks: {:?}",
                            self.clocks
                        )));
                    }
                    adjusted.clock = c.to_string();
                }
                "respondSeconds" => adjusted.respond_seconds = secs(value, key).map_err(bad)?,
                "resolveSeconds" => adjusted.resolve_seconds = secs(value, key).map_err(bad)?,
                "process" => {
                    adjusted.process = match value {
                        Value::Null => None,
                        v => Some(text(v, key).map_err(bad)?.to_string()),
                    }
                }
                "reason" => adjusted.reason = Some(text(value, key).map_err(bad)?.to_string()),
                "customerSeverity" | "customerPriority" | "packVersion" => {
                    return Err(bad(format!("may not change `{key}`")))
                }
                _ => return Err(bad(format!("unknown key `{key}` in the result"))),
            }
        }
        Ok(adjusted)
    }
}

#[cfg(feature = "rhai")]
fn text<'v>(v: &'v Value, key: &str) -> std::result::Result<&'v str, String> {
    v.as_str().ok_or_else(|| {
        format!(
            "`{key}` must be a string, not {}",
            crate::ticket::json_type(v)
        )
    })
}

#[cfg(feature = "rhai")]
fn secs(v: &Value, key: &str) -> std::result::Result<u64, String> {
    v.as_u64()
        .filter(|s| *s <= crate::duration::MAX_SECONDS)
        .ok_or_else(|| format!("`{key}` must be whole seconds between 0 and 100 years"))
}

#[cfg(feature = "rhai")]
/// Host functions a hook may call.
fn register_helpers(engine: &mut Engine, matrix: &Rc<Matrix>) {
    let m = matrix.clone();
    // lookup("Critical", "Work Impaired") → the matrix result for that cell.
    engine.register_fn(
        "lookup",
        move |impact: &str, urgency: &str| -> Result<Dynamic, Box<rhai::EvalAltResult>> {
            let at = m
                .locate(
                    crate::ticket::Field::Text(impact),
                    crate::ticket::Field::Text(urgency),
                    crate::ticket::Field::Absent,
                )
                .map_err(|e| complain(e.to_string()))?;
            let r = m.result(at, "").ok_or_else(|| complain("cell missing"))?;
            let mut v = serde_json::to_value(&r).map_err(|e| complain(e.to_string()))?;
            if let Value::Object(o) = &mut v {
                o.remove("packVersion");
            }
            Ok(to_dynamic(&v))
        },
    );
    let m = matrix.clone();
    engine.register_fn("impact_levels", move || {
        names(m.impacts.iter().map(|l| &l.name))
    });
    let m = matrix.clone();
    engine.register_fn("urgency_levels", move || {
        names(m.urgencies.iter().map(|l| &l.name))
    });
    let m = matrix.clone();
    engine.register_fn("priority_levels", move || names(m.priorities.iter()));
    let m = matrix.clone();
    // higher_priority("Standard") → "High"; the highest stays itself.
    engine.register_fn("higher_priority", move |p: &str| step(&m, p, -1));
    let m = matrix.clone();
    engine.register_fn("lower_priority", move |p: &str| step(&m, p, 1));
}

#[cfg(feature = "rhai")]
fn names<'a>(it: impl Iterator<Item = &'a String>) -> Array {
    it.map(|s| Dynamic::from(s.clone())).collect()
}

#[cfg(feature = "rhai")]
fn step(m: &Matrix, p: &str, by: isize) -> std::result::Result<String, Box<rhai::EvalAltResult>> {
    let rank = m.priority_rank(p).ok_or_else(|| {
        complain(format!(
            "unknown priority {p:?}; declared: {:?}",
            m.priorities
        ))
    })?;
    // Past either end, the step stops at the end.
    let to = rank.saturating_add_signed(by);
    Ok(m.priorities
        .get(to)
        .or(m.priorities.last())
        .cloned()
        .unwrap_or_default())
}
