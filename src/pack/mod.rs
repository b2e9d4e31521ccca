//! Rule packs: rhai files run once at load and turned into native data.
//!
//! Loading a pack:
//! 1. sorts the files by name (the order never depends on the caller);
//! 2. compiles each file (syntax errors carry `file:line:column`);
//! 3. runs each file once in a sandbox where the declaration functions
//!    (`impact`, `urgency`, `priorities`, `row`, `cell`, `pack_version`, …)
//!    record what it declares;
//! 4. assembles the declarations into native structures ([`Matrix`]) and
//!    keeps the AST of any file defining a hook (the pack's hooks).
//!
//! After that, per-ticket work is table lookups; rhai runs only for hooks.

#[cfg(feature = "rhai")]
mod bounded;
mod compiled;
pub(crate) mod convert;
pub(crate) mod declare;
#[cfg(feature = "rhai")]
mod diag;
pub(crate) mod hash;
pub(crate) mod hooks;
pub mod sandbox;

#[cfg(feature = "rhai")]
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use crate::calendar::Calendar;
use crate::error::{Error, Span};
use crate::escalation::Level as EscalationLevel;
use crate::priority::{Matrix, PriorityResult};
use crate::sla::policy::SlaPolicy;
use declare::Builder;
#[cfg(feature = "rhai")]
use hash::content_hash;
use hooks::{HookFn, Hooks, HOOKS};
use sandbox::Limits;

/// A loaded rule pack: its identity and the native structures it declared.
pub struct Pack {
    name: Option<String>,
    version: String,
    hash: String,
    files: Vec<String>,
    matrix: Rc<Matrix>,
    /// `24x7` first, then the pack's calendars in declaration order.
    calendars: Vec<Calendar>,
    sla: SlaPolicy,
    levels: Vec<EscalationLevel>,
    roles: Vec<String>,
    user_roles: Vec<String>,
    queue_order: Vec<crate::queue::QueueKey>,
    types: Vec<crate::form::TicketType>,
    lookups: BTreeMap<String, Vec<Value>>,
    messages: BTreeMap<String, String>,
    unknown_fields: crate::form::UnknownFields,
    hooks: Hooks,
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

/// `ty` with every status it names (transitions, required_at, initial,
/// its fields' access) as `policy` spells it, the load having checked that
/// each is declared: every answer then names a status one way, and a
/// portal finds `transitions[sla.status]`.
fn spelled(mut ty: crate::form::TicketType, policy: &SlaPolicy) -> crate::form::TicketType {
    let spell = |s: &mut String| {
        if let Some(c) = policy.canonical(s) {
            if c != s {
                *s = c.to_string();
            }
        }
    };
    for (from, to) in &mut ty.transitions {
        std::iter::once(from).chain(to).for_each(spell);
    }
    ty.required_at.iter_mut().for_each(|(s, _)| spell(s));
    ty.initial.iter_mut().for_each(spell);
    for f in &mut ty.fields {
        f.access.statuses_mut().for_each(spell);
    }
    ty
}

impl Pack {
    /// Loads a pack from `(file name, source)` pairs. On failure, every
    /// error found, in file order.
    pub fn load(sources: Vec<(String, String)>) -> Result<Pack, Vec<Error>> {
        Self::load_sources(sources, false).map(|(pack, _)| pack)
    }

    /// Loads a pack from source and returns it compiled: its declarations
    /// as data (JSON text) that [`from_compiled`](Self::from_compiled)
    /// loads without running rhai (the sources of files that define
    /// functions are kept, and compiled on the first hook call).
    pub fn compile(sources: Vec<(String, String)>) -> Result<String, Vec<Error>> {
        Self::load_sources(sources, true).map(|(_, compiled)| compiled.unwrap_or_default())
    }

    /// Loads a pack compiled by [`compile`](Self::compile). Every
    /// declaration goes through the same checks as from source.
    pub fn from_compiled(text: &str) -> Result<Pack, Vec<Error>> {
        Self::replay(compiled::Compiled::parse(text).map_err(|e| vec![e])?)
    }

    fn replay(c: compiled::Compiled) -> Result<Pack, Vec<Error>> {
        let mut b = Builder::default();
        let mut errors = Vec::new();
        for call in &c.calls {
            if let Err(e) = b.replay(call) {
                errors.push(e);
            }
        }
        errors.append(&mut b.errors);
        let mut hooks = Vec::new();
        let mut with_fns = Vec::new();
        for f in c.functions {
            let ast = Rc::new(hooks::FileAst::lazy(&f.file, f.source, f.fns));
            find_hooks(&f.file, &ast, &mut hooks, &mut errors);
            with_fns.push(FileFns { file: f.file, ast });
        }
        Self::assemble(b, c.hash, c.files, with_fns, hooks, errors)
    }

    /// Without rhai (the slim build) no pack loads from source.
    #[cfg(not(feature = "rhai"))]
    fn load_sources(
        _: Vec<(String, String)>,
        _: bool,
    ) -> Result<(Pack, Option<String>), Vec<Error>> {
        Err(vec![Error::NoRhai {
            span: None,
            what: "loading a pack from its rhai source".into(),
        }])
    }

    #[cfg(feature = "rhai")]
    fn load_sources(
        sources: Vec<(String, String)>,
        record: bool,
    ) -> Result<(Pack, Option<String>), Vec<Error>> {
        let mut sources = sources;
        sources.sort_by(|a, b| a.0.cmp(&b.0));
        let mut errors = Vec::new();
        if sources.is_empty() {
            errors.push(Error::pack(
                None,
                "a rule pack needs at least one .rhai file",
            ));
            return Err(errors);
        }
        for (a, b) in sources.iter().zip(sources.iter().skip(1)) {
            if a.0 == b.0 {
                errors.push(Error::pack(None, format!("file {:?} given twice", a.0)));
            }
        }
        let hash = content_hash(&sources);

        let mut builder = Builder::default();
        builder.calls = record.then(Vec::new);
        let builder = Rc::new(RefCell::new(builder));
        let mut engine = sandbox::engine(&Limits::LOAD);
        declare::register(&mut engine, &builder);

        let mut hooks: Vec<(String, HookFn)> = Vec::new();
        // Files that define functions: hooks, conditions of escalation
        // levels and form functions name them.
        let mut with_fns: Vec<FileFns> = Vec::new();
        for (file, source) in &sources {
            let source = source.strip_prefix('\u{feff}').unwrap_or(source);
            builder.borrow_mut().file.clone_from(file);
            let mut ast = match engine.compile(source) {
                Ok(ast) => ast,
                Err(e) => {
                    errors.push(diag::parse_error(file, &e));
                    continue;
                }
            };
            ast.set_source(file.as_str());
            if ast.iter_functions().next().is_some() {
                let functions =
                    hooks::FileAst::ready(file, Rc::from(source), ast.clone_functions_only());
                let ast = Rc::new(functions);
                find_hooks(file, &ast, &mut hooks, &mut errors);
                with_fns.push(FileFns {
                    file: file.clone(),
                    ast,
                });
            }
            let run = engine.run_ast(&ast);
            // Declarations that failed before whatever stopped the file.
            errors.append(&mut builder.borrow_mut().errors);
            if let Err(e) = run {
                errors.push(diag::eval_error(file, &e, None));
            }
        }
        drop(engine);
        let b = Rc::try_unwrap(builder)
            .map(RefCell::into_inner)
            .map_err(|_| vec![Error::pack(None, "the pack's builder is still in use")])?;
        let files: Vec<String> = sources.into_iter().map(|(n, _)| n).collect();
        let compiled = match &b.calls {
            Some(calls) if errors.is_empty() => {
                Some(compiled::write(&hash, &files, calls, &with_fns))
            }
            _ => None,
        };
        let pack = Self::assemble(b, hash, files, with_fns, hooks, errors)?;
        Ok((pack, compiled))
    }

    /// The native structures from what the files declared.
    fn assemble(
        mut b: Builder,
        hash: String,
        files: Vec<String>,
        with_fns: Vec<FileFns>,
        mut hooks: Vec<(String, HookFn)>,
        mut errors: Vec<Error>,
    ) -> Result<Pack, Vec<Error>> {
        // Each assembly check runs when the parts it reads all went in:
        // otherwise a failed declaration would echo as a missing one.
        // Every other mistake of the pack is still reported, in one load.
        use declare::part;
        // An error no declaration recorded (a file that did not parse or
        // stopped, a hook, a compiled pack's unknown call) leaves the
        // declarations incomplete in ways no part tells: no check then.
        let failed = if errors.len() > b.recorded {
            part::ALL
        } else {
            b.failed
        };
        let whole = |parts: u8| failed & parts == 0;
        let matrix = if whole(part::MATRIX | part::CALENDARS) {
            b.matrix()
        } else {
            None
        };
        let mut sla = b.sla.take().map(|d| d.value).unwrap_or_default();
        sla.openings = b
            .types
            .iter()
            .filter_map(|d| {
                let ty = &d.value.0;
                let at = sla.canonical(ty.initial.as_deref()?)?;
                (Some(at) != sla.statuses.first().map(String::as_str))
                    .then(|| (ty.name.clone(), at.to_string()))
            })
            .collect();
        // What they name of the matrix waits for a matrix that loads.
        if whole(part::SLA | part::CALENDARS | part::TYPES | part::ROLES) {
            b.check_levels(matrix.as_ref(), &sla);
        }
        if whole(part::SLA | part::TYPES | part::LOOKUPS | part::ROLES) {
            b.check_types(&sla, matrix.as_ref());
        }
        // Each type's functions (conditions and rules): one-parameter
        // functions of the file that declares the type.
        let mut forms = Vec::new();
        for d in &b.types {
            let (ty, file) = &d.value;
            let mut names: Vec<&String> = Vec::new();
            for r in &ty.rules {
                match r {
                    crate::form::Rule::Function(f) => names.push(f),
                    crate::form::Rule::Data(d) => {
                        if let Some(crate::form::Condition::Function(f)) = &d.when {
                            names.push(f);
                        }
                    }
                }
            }
            for f in &ty.fields {
                if let Some(crate::form::Condition::Function(name)) = &f.required_when {
                    names.push(name);
                }
            }
            for name in names {
                let found = one_param_fn(&with_fns, file, name);
                match found {
                    Some(h) => forms.push(((ty.name.clone(), name.clone()), h)),
                    None => errors.push(Error::pack(
                        Some(d.span.clone()),
                        format!("ticket type {:?}: {name:?} is not a function of one parameter (the ticket) in {file}", ty.name),
                    )),
                }
            }
        }
        // Each level's condition: a one-parameter function of its own file.
        let mut conditions = Vec::with_capacity(b.levels.len());
        for d in &b.levels {
            let (level, file) = &d.value;
            let Some(name) = &level.condition else {
                conditions.push(None);
                continue;
            };
            let found = one_param_fn(&with_fns, file, name);
            match found {
                Some(h) => conditions.push(Some(h)),
                None => {
                    errors.push(Error::pack(
                        Some(d.span.clone()),
                        format!("escalation {:?}: condition {name:?} is not a function of one parameter (the ticket) in {file}", level.name),
                    ));
                    conditions.push(None);
                }
            }
        }
        errors.append(&mut b.errors);
        let (Some(matrix), true) = (matrix, errors.is_empty()) else {
            return Err(errors);
        };
        let matrix = Rc::new(matrix);
        let version = match &b.version {
            Some(v) => v.value.clone(),
            // A compiled pack's hash is checked to be 16 hex digits; `get`
            // so that no text can make this slice panic.
            None => format!("dev+{}", hash.get(..8).unwrap_or(&hash)),
        };
        let mut take = |name: &str| {
            hooks
                .iter()
                .position(|(n, _)| *n == name)
                .map(|i| hooks.swap_remove(i).1)
        };
        let named = [take(hooks::ADJUST_PRIORITY), take(hooks::QUEUE_RANK)];
        let calendars: Vec<Calendar> = std::iter::once(Calendar::always())
            .chain(b.calendars.drain(..).map(|d| d.value))
            .collect();
        let clocks = calendars.iter().map(|c| c.name().to_string()).collect();
        Ok(Pack {
            name: b.name.as_ref().map(|d| d.value.clone()),
            version,
            hash,
            files,
            hooks: Hooks::new(
                &matrix,
                named,
                conditions,
                forms,
                clocks,
                b.limits.take().map_or(Limits::HOOK, |d| d.value),
            ),
            types: b
                .types
                .drain(..)
                .map(|d| spelled(d.value.0, &sla))
                .collect(),
            lookups: crate::json::btree(b.lookups.drain(..).map(|d| d.value)),
            messages: {
                let mut m = crate::form::default_messages();
                m.extend(b.messages.take().map(|d| d.value).unwrap_or_default());
                m
            },
            unknown_fields: b
                .unknown_fields
                .take()
                .map_or(crate::form::UnknownFields::Keep, |d| d.value),
            levels: b.levels.drain(..).map(|d| d.value.0).collect(),
            roles: b.roles.take().map(|d| d.value).unwrap_or_default(),
            user_roles: b.user_roles.take().map(|d| d.value).unwrap_or_default(),
            queue_order: b
                .queue_order
                .take()
                .map_or_else(|| crate::queue::QueueKey::DEFAULT.to_vec(), |d| d.value),
            matrix,
            calendars,
            sla,
        })
    }

    /// Reads the `*.rhai` files directly in `dir` (not its subdirectories:
    /// `examples/` and `tests/` beside the pack are not part of it).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read_dir(dir: &std::path::Path) -> Result<Vec<(String, String)>, Error> {
        let io = |path: &std::path::Path, e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
            let path = entry.map_err(|e| io(dir, e))?.path();
            if path.extension().is_some_and(|x| x == "rhai") && path.is_file() {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
                out.push((name.clone(), utf8(&name, bytes)?));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The name the pack declares with `pack_name(...)`, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The version from `pack_version(...)`, or `dev+` and the first eight
    /// hex digits of [`hash`](Self::hash) when the pack declares none.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A hash of every file's name and content (FNV-1a, 64 bits, hex):
    /// two packs with the same hash are the same rules.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The pack's file names, sorted.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The priority matrix.
    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    /// The calendars: `24x7` (built in) and those the pack declares.
    pub fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    /// The calendar called `name`.
    pub fn calendar(&self, name: &str) -> Result<&Calendar, Error> {
        self.calendars
            .iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| Error::UnknownCalendar {
                value: name.chars().take(64).collect(),
                allowed: self
                    .calendars
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect(),
            })
    }

    /// The SLA policy (`sla(#{...})`, or the seeds' process by default).
    pub fn sla(&self) -> &SlaPolicy {
        &self.sla
    }

    /// The escalation levels, in declaration order.
    pub fn levels(&self) -> &[EscalationLevel] {
        &self.levels
    }

    /// The ticket types, in declaration order.
    pub fn types(&self) -> &[crate::form::TicketType] {
        &self.types
    }

    /// The ticket type called `name` (any case).
    pub fn ticket_type(&self, name: &str) -> crate::Result<&crate::form::TicketType> {
        self.types
            .iter()
            .find(|t| crate::priority::same_name(&t.name, name.trim()))
            .ok_or_else(|| Error::UnknownType {
                field: "type".into(),
                value: name.chars().take(64).collect(),
                allowed: self.types.iter().map(|t| t.name.clone()).collect(),
            })
    }

    /// The lookup lists the pack declares.
    pub fn lookups(&self) -> &BTreeMap<String, Vec<Value>> {
        &self.lookups
    }

    /// Message templates by code (the defaults, with the pack's own).
    pub fn messages(&self) -> &BTreeMap<String, String> {
        &self.messages
    }

    /// What happens to fields a type does not declare.
    pub fn unknown_fields(&self) -> crate::form::UnknownFields {
        self.unknown_fields
    }

    /// Runs a ticket type's form function (a condition or a rule).
    pub(crate) fn form_function(
        &self,
        type_name: &str,
        function: &str,
        ticket: &Value,
        returns: crate::form::Returns,
    ) -> crate::Result<Value> {
        self.hooks
            .form_function(type_name, function, ticket, returns)
    }

    /// The incident roles the pack declares (`roles([...])`).
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// The roles of the people using tickets (`user_roles([...])`), for
    /// per-field permissions.
    pub fn user_roles(&self) -> &[String] {
        &self.user_roles
    }

    /// Runs level `k`'s condition on a ticket (`true` for a level without one).
    pub(crate) fn condition(&self, k: usize, ticket: &Value) -> crate::Result<bool> {
        self.hooks.condition(k, ticket)
    }

    /// Whether the pack defines `adjust_priority`.
    pub fn has_priority_hook(&self) -> bool {
        self.hooks.adjust_priority.is_some()
    }

    /// How many hook calls this pack has run (for tests and profiles: a
    /// pack without hooks stays at 0).
    pub fn hook_calls(&self) -> u64 {
        self.hooks.calls()
    }

    pub(crate) fn adjust_priority(
        &self,
        ticket: &Value,
        result: PriorityResult,
    ) -> crate::Result<PriorityResult> {
        self.hooks.adjust_priority(&self.matrix, ticket, result)
    }

    /// The work queue's order (`queue_order([...])`, or the default).
    pub fn queue_order(&self) -> &[crate::queue::QueueKey] {
        &self.queue_order
    }

    /// Whether the pack defines `queue_rank`.
    pub fn has_queue_hook(&self) -> bool {
        self.hooks.queue_rank.is_some()
    }

    /// The pack's `queue_rank(ticket, entry)`, if it defines one.
    pub(crate) fn queue_rank(&self, ticket: &Value, entry: &Value) -> crate::Result<Option<f64>> {
        self.hooks.queue_rank(ticket, entry)
    }
}

/// Source text from bytes; invalid UTF-8 is a pack error at its place.
pub fn utf8(file: &str, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e
            .as_bytes()
            .get(..e.utf8_error().valid_up_to())
            .unwrap_or_default();
        // Valid by construction; lossy only to avoid a second error path.
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::pack(
            Some(Span::new(file, to_u32(line), to_u32(column))),
            "the file is not valid UTF-8",
        )
    })
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A rule file that defines functions, and the functions themselves
/// (compiled now or on first use).
struct FileFns {
    file: String,
    ast: Rc<hooks::FileAst>,
}

/// The hooks (`adjust_priority`, `queue_rank`) among a file's functions.
fn find_hooks(
    file: &str,
    ast: &Rc<hooks::FileAst>,
    hooks: &mut Vec<(String, HookFn)>,
    errors: &mut Vec<Error>,
) {
    for (f, params) in ast.fns() {
        let Some(&(name, arity)) = HOOKS.iter().find(|(n, _)| n == f) else {
            continue;
        };
        let span = fn_span(file, ast.source(), name);
        if *params != arity {
            errors.push(Error::pack(
                Some(span),
                format!("hook {name} takes {arity} parameters, not {params}"),
            ));
        } else if let Some((_, first)) = hooks.iter().find(|(n, _)| n == name) {
            errors.push(Error::pack(
                Some(span),
                format!("hook {name} is defined twice (first at {})", first.span),
            ));
        } else {
            hooks.push((
                name.to_string(),
                HookFn {
                    file: file.to_string(),
                    ast: ast.clone(),
                    span,
                    name: name.to_string(),
                },
            ));
        }
    }
}

/// The function `name` of one parameter (the ticket) in `file`, as a hook.
fn one_param_fn(with_fns: &[FileFns], file: &str, name: &str) -> Option<HookFn> {
    let f = with_fns.iter().find(|f| f.file == file)?;
    f.ast
        .fns()
        .iter()
        .find(|(n, params)| n == name && *params == 1)?;
    Some(HookFn {
        file: f.file.clone(),
        ast: f.ast.clone(),
        span: fn_span(&f.file, f.ast.source(), name),
        name: name.to_string(),
    })
}

/// Where `fn name(` is defined in `source`.
fn fn_span(file: &str, source: &str, name: &str) -> Span {
    for (i, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix("private ").unwrap_or(trimmed);
        // `fn` then whitespace: `fncheck(t)` is a call, not a definition.
        if let Some(after) = rest
            .strip_prefix("fn")
            .filter(|a| a.starts_with(char::is_whitespace))
        {
            let after = after.trim_start();
            if after
                .strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with('('))
            {
                let column = line.chars().count() - trimmed.chars().count() + 1;
                return Span::new(file, to_u32(i + 1), to_u32(column));
            }
        }
    }
    Span::new(file, 1, 1)
}
