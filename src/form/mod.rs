//! Ticket types, field validation, form schemas and the lifecycle: one rule
//! set for the browser form and the server that re-checks it.
//!
//! A pack declares types with their fields (`ticket_type(name, #{ fields:
//! [...] })` in `forms.rhai`); `validate` returns every error at once, each
//! with the field, a stable code, parameters and a message from a template
//! the pack may override; `form_schema` gives a portal what it needs to
//! draw the form; `json_schema` the same for tools that speak JSON Schema;
//! `transition` and `reclassify` check moves through the lifecycle.

pub mod access;
mod schema;
mod spec;
pub(crate) mod validate;

pub use validate::Requester;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

pub use spec::parse_type;

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// One line of text.
    Text,
    /// Free text of any length (bounded by `max_length` if given).
    #[serde(rename = "longtext")]
    LongText,
    /// One of a menu of values.
    Enum,
    /// An email address.
    Email,
    /// A phone number (a `pattern` makes it strict, e.g. ten digits).
    Phone,
    /// A number, optionally whole, in a range.
    Number,
    /// An RFC 3339 instant.
    #[serde(rename = "datetime")]
    DateTime,
    /// True or false.
    Boolean,
    /// An entry of a lookup list (by its key field).
    Reference,
    /// A list of values of another kind.
    List,
}

/// One entry of a menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MenuItem {
    /// What is stored.
    pub value: String,
    /// What a person reads.
    pub label: String,
}

/// When something holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every field (a path, or `impact_level` / `priority`) has one of the
    /// values.
    Fields(Vec<(String, Vec<Value>)>),
    /// A rhai function of the ticket returning `true` or `false`.
    Function(String),
}

/// Where a field's value may come from when the ticket has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "camelCase")]
pub enum Fill {
    /// A field of the ticket's priority result (`priority`, `respondSeconds`, …).
    Priority {
        /// Which field.
        take: String,
        /// Replace a value already there.
        overwrite: bool,
    },
    /// Another field's value.
    Copy {
        /// The field copied.
        field: String,
        /// Replace a value already there.
        overwrite: bool,
    },
    /// A lookup list's record whose key equals another field.
    Lookup {
        /// The list.
        lookup: String,
        /// The field holding the key.
        by: String,
        /// The record's field to take.
        take: String,
        /// Replace a value already there.
        overwrite: bool,
    },
}

/// What a form function must return.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Returns {
    /// A condition: `true` or `false`.
    Bool,
    /// A rule: a list of `#{ field, code, message }` (or one, or `()`).
    Errors,
}

impl Fill {
    /// The fields the filled value is made from.
    pub(crate) fn sources(&self) -> impl Iterator<Item = &str> {
        let (one, priority): (Option<&str>, &[&str]) = match self {
            Fill::Priority { .. } => (None, &["impact", "urgency", "customerSeverity"]),
            Fill::Copy { field, .. } => (Some(field), &[]),
            Fill::Lookup { by, .. } => (Some(by), &[]),
        };
        one.into_iter().chain(priority.iter().copied())
    }
}

/// A field of a ticket type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// Its path in the ticket (`summary`, `contact.phone`).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// For lists, what the items are.
    pub of: Kind,
    /// For people.
    pub label: String,
    /// Context help (RFC 1297: help at every field).
    pub help: Option<String>,
    /// Always required.
    pub required: bool,
    /// Required when this holds.
    pub required_when: Option<Condition>,
    /// Characters, at least.
    pub min_length: Option<usize>,
    /// Characters, at most.
    pub max_length: Option<usize>,
    /// A regular expression the text must match, compiled at load.
    pub pattern: Option<Pattern>,
    /// The menu of an enum.
    pub values: Vec<MenuItem>,
    /// A menu from the pack: impact, urgency, priority, status, customer_severity.
    pub menu: Option<String>,
    /// Numbers: at least.
    pub min: Option<f64>,
    /// Numbers: at most.
    pub max: Option<f64>,
    /// Numbers: whole only.
    pub integer: bool,
    /// The value when the ticket has none.
    pub default: Option<Value>,
    /// Where a missing value comes from.
    pub fill: Option<Fill>,
    /// References: the lookup list.
    pub lookup: Option<String>,
    /// References: the record field that is the key (default `name`).
    pub key: String,
    /// Lists: items, at least.
    pub min_items: Option<usize>,
    /// Lists: items, at most.
    pub max_items: Option<usize>,
    /// Who may read, set and change it (every role, when not declared).
    pub access: access::Access,
}

/// A regular expression, compiled once when the pack loads. The commonest
/// form-field shape, one bracket class repeated over the whole text
/// (`^[0-9]{10}$`, `^[A-Z0-9-]+$`), is matched by a loop over the chars
/// instead of regex-lite's PikeVM (30x fewer instructions on a phone
/// number), and is never given to regex-lite at all: a load of the default
/// pack, whose one pattern has that shape, runs none of regex-lite's
/// parser and compiler (22 KB of code a fresh page would compile first).
/// `tests/forms.rs` checks both accept the same patterns of that shape and
/// match the same texts.
#[derive(Debug, Clone)]
pub struct Pattern(Matcher);

#[derive(Debug, Clone)]
enum Matcher {
    /// The source, and the class run it is.
    Run(Box<str>, Box<ClassRun>),
    Regex(regex_lite::Regex),
}

/// `^[class]{min,max}$`: chars from inclusive ranges, between `min` and
/// `max` of them.
#[derive(Debug, Clone, PartialEq)]
struct ClassRun {
    ranges: Vec<(char, char)>,
    min: usize,
    max: usize,
}

impl ClassRun {
    /// Recognises `^[...]Q$` with plain chars and ranges in the class (no
    /// escapes, negation or nested classes) and `Q` one of `{n}`, `{m,n}`,
    /// `{m,}`, `+`, `*`, `?`; anything else is left to the regex.
    fn parse(source: &str) -> Option<Self> {
        let body = source.strip_prefix("^[")?.strip_suffix('$')?;
        let (class, quantifier) = body.split_once(']')?;
        let chars: Vec<char> = class.chars().collect();
        if chars.is_empty()
            || chars.first() == Some(&'^')
            || chars.iter().any(|c| matches!(c, '\\' | '[' | ']'))
            || ["&&", "--", "~~"].iter().any(|op| class.contains(op))
        {
            return None;
        }
        let mut ranges = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            match (chars.get(i + 1), chars.get(i + 2)) {
                (Some('-'), Some(&d)) => {
                    if d < c {
                        return None;
                    }
                    ranges.push((c, d));
                    i += 3;
                }
                _ => {
                    ranges.push((c, c));
                    i += 1;
                }
            }
        }
        let (min, max) = match quantifier {
            "+" => (1, usize::MAX),
            "*" => (0, usize::MAX),
            "?" => (0, 1),
            q => {
                let inner = q.strip_prefix('{')?.strip_suffix('}')?;
                // Beyond this count regex-lite may refuse the pattern (its
                // NFA's size limit, `u32` counts): it decides.
                const MAX_COUNT: usize = 1000;
                let number = |t: &str| -> Option<usize> {
                    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| t.parse().ok())
                        .flatten()
                        .filter(|&n| n <= MAX_COUNT)
                };
                match inner.split_once(',') {
                    None => {
                        let n = number(inner)?;
                        (n, n)
                    }
                    Some((m, "")) => (number(m)?, usize::MAX),
                    Some((m, n)) => (number(m)?, number(n)?),
                }
            }
        };
        (min <= max).then_some(ClassRun { ranges, min, max })
    }

    fn is_match(&self, text: &str) -> bool {
        let mut n = 0usize;
        for c in text.chars() {
            if n == self.max || !self.ranges.iter().any(|&(a, b)| a <= c && c <= b) {
                return false;
            }
            n += 1;
        }
        n >= self.min
    }
}

impl Pattern {
    /// Compiles `source`.
    pub fn new(source: &str) -> Result<Self, String> {
        if let Some(run) = ClassRun::parse(source) {
            return Ok(Pattern(Matcher::Run(source.into(), Box::new(run))));
        }
        regex_lite::Regex::new(source)
            .map(|r| Pattern(Matcher::Regex(r)))
            .map_err(|e| format!("`pattern` is not a valid regular expression: {e}"))
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Matcher::Run(source, _) => source,
            Matcher::Regex(r) => r.as_str(),
        }
    }

    /// Whether `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.0 {
            Matcher::Run(_, run) => run.is_match(text),
            Matcher::Regex(r) => r.is_match(text),
        }
    }

    /// Whether `is_match` takes the fast path (for tests).
    #[doc(hidden)]
    pub fn is_simple(&self) -> bool {
        matches!(self.0, Matcher::Run(..))
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A cross-field rule: a rhai function, or a check as data.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `fn name(ticket)` in the type's file, returning errors.
    Function(String),
    /// When `when` holds, `field` must pass `check`.
    Data(Box<DataRule>),
}

/// A cross-field check written as data (no script runs for it).
#[derive(Debug, Clone, PartialEq)]
pub struct DataRule {
    /// When the check applies (always, if `None`).
    pub when: Option<Condition>,
    /// The field checked.
    pub field: String,
    /// It must have a value.
    pub required: bool,
    /// Characters, at least (after trimming).
    pub min_length: Option<usize>,
    /// Characters, at most.
    pub max_length: Option<usize>,
    /// A pattern it must match.
    pub pattern: Option<Pattern>,
    /// Values it must be one of.
    pub one_of: Vec<Value>,
    /// Another field it must not repeat: the check fails when both have a
    /// value and they are the same (text compared trimmed, in any case).
    pub differs_from: Option<String>,
    /// The error's code.
    pub code: String,
    /// The error's message (a template; the pack's template for `code` wins).
    pub message: Option<String>,
}

/// A move from one type to another (`outage` → `problem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reclassify {
    /// The type it may become.
    pub to: String,
    /// Fields that must have a value first (`workaround`).
    pub requires: Vec<String>,
}

/// A ticket type: its fields and its lifecycle.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketType {
    /// Its name (`incident`).
    pub name: String,
    /// For people.
    pub label: String,
    /// Help for the whole form.
    pub help: Option<String>,
    /// Its fields, in form order.
    pub fields: Vec<FieldSpec>,
    /// Cross-field rules: data checks, or rhai functions of the ticket
    /// returning errors.
    pub rules: Vec<Rule>,
    /// Status → the statuses it may move to. Empty: any move.
    pub transitions: Vec<(String, Vec<String>)>,
    /// Status → fields that must have a value to enter it.
    pub required_at: Vec<(String, Vec<String>)>,
    /// It has child tickets: it closes only when they are all closed.
    pub children: bool,
    /// Types it may become.
    pub reclassify: Vec<Reclassify>,
    /// Its first status (default: the SLA policy's first).
    pub initial: Option<String>,
}

impl TicketType {
    /// Its field of that name, if it declares one.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The fields that must have a value at `status` (its `required_at`
    /// entry; none if it has none).
    pub fn required_at(&self, status: &str) -> &[String] {
        self.required_at
            .iter()
            .find(|(s, _)| crate::priority::same_name(s, status))
            .map_or(&[], |(_, fields)| fields)
    }

    /// The status a new ticket of this type starts at: its own `initial`,
    /// else the policy's first.
    pub fn initial_status(&self, policy: &crate::sla::policy::SlaPolicy) -> Option<String> {
        self.initial
            .clone()
            .or_else(|| policy.statuses.first().cloned())
    }
}

/// What to do with fields a type does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownFields {
    /// Keep them as they are.
    Keep,
    /// Report each as an `UNKNOWN_FIELD` error.
    Reject,
    /// Remove them from the validated ticket.
    Drop,
}

/// Fields every ticket has, whatever its type (the ticket model).
pub const SYSTEM_FIELDS: &[&str] = &[
    "id",
    "type",
    "status",
    "openedAt",
    "history",
    "alarms",
    "parent",
    "children",
    "customerSeverity",
    "packVersion",
];

/// One validation error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// The field's path (`contact.phone`, `tags[2]`).
    pub field: String,
    /// A stable code: `REQUIRED`, `TOO_LONG`, `NOT_IN_MENU`, `PATTERN`, …
    pub code: String,
    /// What the message is made from (`label`, `max`, `allowed`, …).
    pub params: Map<String, Value>,
    /// The message, from the pack's template for the code.
    pub message: String,
}

/// Every code a validation error can have (a pack's rules may add their own).
pub const VALIDATION_CODES: &[&str] = &[
    "REQUIRED",
    "TOO_SHORT",
    "TOO_LONG",
    "PATTERN",
    "NOT_IN_MENU",
    "INVALID_EMAIL",
    "INVALID_PHONE",
    "NOT_A_NUMBER",
    "NOT_AN_INTEGER",
    "TOO_SMALL",
    "TOO_LARGE",
    "INVALID_DATE_TIME",
    "NOT_BOOLEAN",
    "WRONG_TYPE",
    "UNKNOWN_REFERENCE",
    "TOO_FEW",
    "TOO_MANY",
    "UNKNOWN_FIELD",
    "NOT_ALLOWED",
    "CHILDREN_OPEN",
    "RULE",
    "READ_ONLY",
    "FORBIDDEN",
    "INVALID_HISTORY",
];

/// The default message templates, in English.
pub fn default_messages() -> BTreeMap<String, String> {
    let pairs = [
        ("REQUIRED", "{label} is required"),
        ("TOO_SHORT", "{label} must be at least {min} characters"),
        ("TOO_LONG", "{label} must be at most {max} characters"),
        ("PATTERN", "{label} does not have the expected form"),
        ("NOT_IN_MENU", "{label} must be one of: {allowed}"),
        ("INVALID_EMAIL", "{label} must be an email address"),
        ("INVALID_PHONE", "{label} must be a phone number"),
        ("NOT_A_NUMBER", "{label} must be a number"),
        ("NOT_AN_INTEGER", "{label} must be a whole number"),
        ("TOO_SMALL", "{label} must be at least {min}"),
        ("TOO_LARGE", "{label} must be at most {max}"),
        (
            "INVALID_DATE_TIME",
            "{label} must be a date and time like 2026-03-16T14:00:00Z",
        ),
        ("NOT_BOOLEAN", "{label} must be true or false"),
        ("WRONG_TYPE", "{label} must be {expected}"),
        ("UNKNOWN_REFERENCE", "{label}: {value} is not in {lookup}"),
        ("TOO_FEW", "{label} needs at least {min} items"),
        ("TOO_MANY", "{label} takes at most {max} items"),
        ("UNKNOWN_FIELD", "{field} is not a field of this form"),
        (
            "NOT_ALLOWED",
            "a ticket cannot move from {from} to {to}; it can move to {allowed}",
        ),
        ("CHILDREN_OPEN", "close the child tickets first: {open}"),
        ("RULE", "{label} is not valid"),
        ("READ_ONLY", "{label} cannot be changed by a {role} now"),
        ("FORBIDDEN", "{label} is not open to a {role}"),
        ("INVALID_HISTORY", "{label}: {reason}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()));
    crate::json::btree(pairs)
}

/// Fills `{name}` in a template from `params` (a list is joined with `, `).
pub fn fill_template(template: &str, params: &Map<String, Value>) -> String {
    crate::spec::fill_placeholders(template, |name| match params.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        // An empty list reads "none" ("it can move to none", not "to ").
        Some(Value::Array(a)) if a.is_empty() => Some("none".to_string()),
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map_or_else(|| crate::json::text(x), str::to_string)
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(v) if !v.is_null() => Some(crate::json::text(v)),
        _ => None,
    })
}

/// The value at a dotted path.
pub fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    if !path.as_bytes().contains(&b'.') {
        return v.get(path);
    }
    let mut at = v;
    for part in path.split('.') {
        at = at.get(part)?;
    }
    Some(at)
}

/// Sets the value at a dotted path, making objects on the way.
pub fn set_path(v: &mut Value, path: &str, value: Value) {
    let mut at = v;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(o) = at else { return };
        if parts.peek().is_none() {
            o.insert(part.to_string(), value);
            return;
        }
        at = o
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Whether a value counts as empty for `required`.
pub fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Removes every `__proto__` key, at any depth.
pub fn strip_proto(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.remove("__proto__");
            for x in o.values_mut() {
                strip_proto(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_proto),
        _ => {}
    }
}

/// A plausible email address: one `@`, a local part, a dotted domain, no
/// spaces. (Deliverability is the mail server's business.)
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

/// A plausible phone number without a pattern: digits with `+ - ( ) .` and
/// spaces, 7 to 20 digits.
pub fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

pub(crate) use schema::{form_schema, json_schema};

/// The result of validating a ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationResult {
    /// No errors.
    pub valid: bool,
    /// Every error, in field order, then the cross-field rules'.
    pub errors: Vec<FieldError>,
    /// The ticket with defaults and auto-filled fields.
    pub ticket: Value,
    /// The fields this ticket must have a value for as it stands: in form
    /// order those always required, those whose `required_when` holds for
    /// the filled ticket and those its status requires, then those a data
    /// rule that holds refuses empty (what a form marks as required now).
    pub required: Vec<String>,
    /// The version of the pack that answered.
    pub pack_version: String,
}

/// The answer to "may this ticket move there?".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionResult {
    /// Whether the move is allowed.
    pub allowed: bool,
    /// Where it is.
    pub from: String,
    /// Where it would go.
    pub to: String,
    /// Why not (every reason at once).
    pub errors: Vec<FieldError>,
    /// The version of the pack that answered.
    pub pack_version: String,
}
