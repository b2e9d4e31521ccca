//! The one error type of the crate, its stable codes, and source spans.
//!
//! Every failure, from a bad ticket field to a syntax error in a rule file,
//! is an [`Error`]. Its [`code`](Error::code) is a stable
//! `SCREAMING_SNAKE_CASE` string (append-only: codes are never renamed or
//! reused); the message is for people and may change.
//!
//! **Positions are 1-based**, both line and column, and the column counts
//! characters (Unicode scalar values), not bytes — the convention of editors
//! and of rhai itself. The JS binding passes them on unchanged, so a position
//! means the same thing in Rust, Node and the browser.

use std::fmt;

/// A place in a rule file: `file:line:column`, line and column 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The rule file's name as given to the loader (e.g. `priority.rhai`).
    pub file: String,
    /// Line, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

impl Span {
    /// A span at `line:column` (both 1-based) of `file`.
    pub fn new(file: impl Into<String>, line: u32, column: u32) -> Self {
        Span {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Which sandbox limit stopped a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// Too many operations (a loop that does not end, or too much work).
    Operations,
    /// Functions called too deeply (recursion without end).
    CallDepth,
    /// Expressions nested too deeply.
    ExpressionDepth,
    /// A string, array or map grew past its size limit.
    DataSize,
    /// Arrays and maps nested more than 256 deep (cloning or dropping a
    /// deeper value would overflow the stack).
    DataDepth,
    /// Too many variables in scope.
    Variables,
    /// A run took too long by the wall clock (a safety net for operations
    /// that are each very expensive).
    Time,
}

impl Limit {
    /// The limit's name as it appears in messages and in `.limit` in JS.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Operations => "operations",
            Limit::CallDepth => "call depth",
            Limit::ExpressionDepth => "expression depth",
            Limit::DataSize => "data size",
            Limit::DataDepth => "data depth",
            Limit::Variables => "variables",
            Limit::Time => "time",
        }
    }
}

/// Everything that can go wrong, with a stable [`code`](Error::code).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A ticket's impact is none of the pack's levels or aliases.
    UnknownImpact {
        /// Where: `impact`, or the history event that set it
        /// (`history[2].impact`).
        field: String,
        /// What the ticket said (at most 64 characters of it).
        value: String,
        /// The accepted values: level names, then aliases.
        allowed: Vec<String>,
    },
    /// A ticket's urgency is not one the pack declares.
    UnknownUrgency {
        /// Where: `urgency`, or `history[2].urgency`.
        field: String,
        /// What the ticket said (at most 64 characters of it).
        value: String,
        /// The accepted values.
        allowed: Vec<String>,
    },
    /// A ticket's customer severity is not on the pack's severity scale.
    UnknownSeverity {
        /// Where: `customerSeverity`.
        field: String,
        /// What the ticket said (at most 64 characters of it).
        value: String,
        /// The accepted values.
        allowed: Vec<String>,
    },
    /// A ticket type the pack does not declare.
    UnknownType {
        /// Where: `type`, or the argument that named it (`to`).
        field: String,
        /// What was asked for.
        value: String,
        /// The declared types.
        allowed: Vec<String>,
    },
    /// A user role the pack does not declare (`user_roles`).
    UnknownRole {
        /// Where: `role`.
        field: String,
        /// What was asked for.
        value: String,
        /// The declared roles.
        allowed: Vec<String>,
    },
    /// A priority the pack does not declare (set explicitly on a ticket).
    UnknownPriority {
        /// Where: `priority`, or `history[2].priority`.
        field: String,
        /// What the ticket said.
        value: String,
        /// The declared priorities.
        allowed: Vec<String>,
    },
    /// A field an operation needs is absent, `null` or blank.
    MissingField {
        /// The field's name, e.g. `impact`.
        field: String,
    },
    /// A field has the wrong JSON type.
    InvalidType {
        /// The field's name.
        field: String,
        /// What the field must be, e.g. `string`.
        expected: &'static str,
        /// What it was, e.g. `number`.
        found: &'static str,
    },
    /// The input as a whole is not usable (not an object, not JSON, …).
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// A rule file does not parse.
    RuleSyntax {
        /// Where.
        span: Span,
        /// rhai's description of the problem.
        message: String,
    },
    /// A rule failed while running (a type error, a `throw`, a bad call).
    RuleRuntime {
        /// Where, innermost first: inside the function that failed.
        span: Span,
        /// What went wrong.
        message: String,
    },
    /// A rule hit a sandbox limit and was stopped.
    RuleLimit {
        /// Where the rule was when it was stopped.
        span: Span,
        /// Which limit.
        limit: Limit,
    },
    /// A declaration in the pack is invalid (an unknown level in a cell, a
    /// cell missing from the matrix, a bad duration, a hook with the wrong
    /// result). `span` points at the declaration when there is one.
    PackInvalid {
        /// Where, when the problem has one place.
        span: Option<Span>,
        /// What is wrong.
        message: String,
    },
    /// This build runs no rhai (it was built without the `rhai` feature,
    /// as the slim build is): a pack loads only compiled, and a call that
    /// needs a hook fails. `span` is the hook's definition, when there is one.
    NoRhai {
        /// The hook's definition.
        span: Option<Span>,
        /// What needed rhai.
        what: String,
    },
    /// An instant is not RFC 3339, or outside 1900-2199.
    InvalidInstant {
        /// The input it came from (`start`, `openedAt`, `history[2].at`, …).
        field: String,
        /// What was given (at most 64 characters of it).
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A duration is negative, not whole seconds, or absurdly long.
    InvalidDuration {
        /// The input it came from.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A calendar names a time zone the IANA database does not have.
    UnknownTimezone {
        /// The path of the field (`timezone`).
        field: String,
        /// What was given.
        value: String,
    },
    /// A time of day like `25:00` or `8am`.
    InvalidTime {
        /// Where in the calendar spec (`weekly.mon[0]`).
        field: String,
        /// What was given.
        value: String,
    },
    /// A date that does not exist (`2025-02-30`) or a holiday rule that
    /// does not parse.
    InvalidDate {
        /// Where (`holidays[3]`).
        field: String,
        /// What was given.
        value: String,
        /// Why.
        reason: String,
    },
    /// A calendar is inconsistent: overlapping or reversed intervals, an
    /// unknown key, a wrong type.
    InvalidCalendar {
        /// Where (`weekly.tue`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A pause runs backwards or is not a `[from, to]` pair.
    InvalidPause {
        /// Where (`pauses[1]`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No calendar of that name in the pack.
    UnknownCalendar {
        /// The name asked for.
        value: String,
        /// The calendars the pack has.
        allowed: Vec<String>,
    },
    /// An answer falls outside the supported range (after 2199, or a
    /// calendar that never opens).
    OutOfRange {
        /// What could not be computed.
        message: String,
    },
    /// A ticket names a pack version that is not loaded (`PackSet`).
    UnknownPackVersion {
        /// The version the ticket names.
        value: String,
        /// The versions loaded.
        allowed: Vec<String>,
    },
    /// A ticket is too large for what it is given to: a string, list or map
    /// over the sandbox's size limits, passed to a pack's hook.
    TooLarge {
        /// Where (`description`, `history`).
        field: String,
        /// How large it is and what is allowed.
        message: String,
    },
    /// A ticket's history is not usable: events out of order, before the
    /// ticket opened, or of the wrong shape.
    InvalidHistory {
        /// Where (`history[2].at`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A status the pack does not declare.
    UnknownStatus {
        /// Where (`status`, `history[1].status`).
        field: String,
        /// What was given.
        value: String,
        /// The statuses the pack declares.
        allowed: Vec<String>,
    },
    /// A rule pack could not be read.
    Io {
        /// The path that failed.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every code [`Error::code`] can return, in one list (the TypeScript
/// `ErrorCode` union lists the same set; a test diffs them).
pub const ERROR_CODES: &[&str] = &[
    "UNKNOWN_IMPACT",
    "UNKNOWN_URGENCY",
    "UNKNOWN_SEVERITY",
    "MISSING_FIELD",
    "INVALID_TYPE",
    "INVALID_INPUT",
    "RULE_SYNTAX",
    "RULE_RUNTIME",
    "RULE_LIMIT",
    "PACK_INVALID",
    "IO",
    "INVALID_INSTANT",
    "INVALID_DURATION",
    "UNKNOWN_TIMEZONE",
    "INVALID_TIME",
    "INVALID_DATE",
    "INVALID_CALENDAR",
    "INVALID_PAUSE",
    "UNKNOWN_CALENDAR",
    "OUT_OF_RANGE",
    "INVALID_HISTORY",
    "UNKNOWN_STATUS",
    "UNKNOWN_PRIORITY",
    "UNKNOWN_TYPE",
    "UNKNOWN_ROLE",
    "TOO_LARGE",
    "UNKNOWN_PACK_VERSION",
    "NO_RHAI",
];

impl Error {
    /// The stable code, e.g. `UNKNOWN_IMPACT`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownImpact { .. } => "UNKNOWN_IMPACT",
            Error::UnknownUrgency { .. } => "UNKNOWN_URGENCY",
            Error::UnknownSeverity { .. } => "UNKNOWN_SEVERITY",
            Error::MissingField { .. } => "MISSING_FIELD",
            Error::InvalidType { .. } => "INVALID_TYPE",
            Error::InvalidInput { .. } => "INVALID_INPUT",
            Error::RuleSyntax { .. } => "RULE_SYNTAX",
            Error::RuleRuntime { .. } => "RULE_RUNTIME",
            Error::RuleLimit { .. } => "RULE_LIMIT",
            Error::PackInvalid { .. } => "PACK_INVALID",
            Error::NoRhai { .. } => "NO_RHAI",
            Error::Io { .. } => "IO",
            Error::InvalidInstant { .. } => "INVALID_INSTANT",
            Error::InvalidDuration { .. } => "INVALID_DURATION",
            Error::UnknownTimezone { .. } => "UNKNOWN_TIMEZONE",
            Error::InvalidTime { .. } => "INVALID_TIME",
            Error::InvalidDate { .. } => "INVALID_DATE",
            Error::InvalidCalendar { .. } => "INVALID_CALENDAR",
            Error::InvalidPause { .. } => "INVALID_PAUSE",
            Error::UnknownCalendar { .. } => "UNKNOWN_CALENDAR",
            Error::OutOfRange { .. } => "OUT_OF_RANGE",
            Error::InvalidHistory { .. } => "INVALID_HISTORY",
            Error::UnknownStatus { .. } => "UNKNOWN_STATUS",
            Error::UnknownPriority { .. } => "UNKNOWN_PRIORITY",
            Error::UnknownType { .. } => "UNKNOWN_TYPE",
            Error::UnknownRole { .. } => "UNKNOWN_ROLE",
            Error::TooLarge { .. } => "TOO_LARGE",
            Error::UnknownPackVersion { .. } => "UNKNOWN_PACK_VERSION",
        }
    }

    /// The ticket field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::MissingField { field }
            | Error::UnknownImpact { field, .. }
            | Error::UnknownUrgency { field, .. }
            | Error::UnknownSeverity { field, .. }
            | Error::UnknownPriority { field, .. }
            | Error::UnknownType { field, .. }
            | Error::UnknownRole { field, .. }
            | Error::InvalidType { field, .. }
            | Error::InvalidInstant { field, .. }
            | Error::InvalidDuration { field, .. }
            | Error::UnknownTimezone { field, .. }
            | Error::InvalidTime { field, .. }
            | Error::InvalidDate { field, .. }
            | Error::InvalidCalendar { field, .. }
            | Error::InvalidPause { field, .. }
            | Error::InvalidHistory { field, .. }
            | Error::UnknownStatus { field, .. }
            | Error::TooLarge { field, .. } => Some(field),
            Error::UnknownPackVersion { .. } => Some("packVersion"),
            _ => None,
        }
    }

    /// The values the field accepts, for the errors that have such a list.
    pub fn allowed(&self) -> Option<&[String]> {
        match self {
            Error::UnknownImpact { allowed, .. }
            | Error::UnknownUrgency { allowed, .. }
            | Error::UnknownSeverity { allowed, .. }
            | Error::UnknownCalendar { allowed, .. }
            | Error::UnknownPriority { allowed, .. }
            | Error::UnknownType { allowed, .. }
            | Error::UnknownRole { allowed, .. }
            | Error::UnknownStatus { allowed, .. }
            | Error::UnknownPackVersion { allowed, .. } => Some(allowed),
            _ => None,
        }
    }

    /// Where in the rule pack, for rule errors.
    pub fn span(&self) -> Option<&Span> {
        match self {
            Error::RuleSyntax { span, .. }
            | Error::RuleRuntime { span, .. }
            | Error::RuleLimit { span, .. } => Some(span),
            Error::PackInvalid { span, .. } | Error::NoRhai { span, .. } => span.as_ref(),
            _ => None,
        }
    }

    /// The sandbox limit, for `RULE_LIMIT`.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            Error::RuleLimit { limit, .. } => Some(*limit),
            _ => None,
        }
    }

    pub(crate) fn pack(span: Option<Span>, message: impl Into<String>) -> Self {
        Error::PackInvalid {
            span,
            message: message.into(),
        }
    }

    pub(crate) fn input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }
}

/// `` `history[2].impact`: `` before a message about a value found somewhere
/// other than its usual field; nothing when it is there.
fn at(field: &str, usual: &str) -> String {
    if field == usual {
        String::new()
    } else {
        format!("`{field}`: ")
    }
}

/// Quotes a list of allowed values for a message: `"a", "b" or "c"`.
fn one_of(allowed: &[String]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    match quoted.split_last() {
        None => String::from("nothing"),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownImpact {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown impact {value:?}: expected {}",
                at(field, "impact"),
                one_of(allowed)
            ),
            Error::UnknownUrgency {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown urgency {value:?}: expected {}",
                at(field, "urgency"),
                one_of(allowed)
            ),
            Error::UnknownSeverity {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown customer severity {value:?}: expected {}",
                at(field, "customerSeverity"),
                one_of(allowed)
            ),
            Error::MissingField { field } => write!(f, "missing field `{field}`"),
            Error::InvalidType {
                field,
                expected,
                found,
            } => write!(
                f,
                "field `{field}` must be {}, not {}",
                with_article(expected),
                with_article(found)
            ),
            Error::InvalidInput { message } => write!(f, "invalid input: {message}"),
            Error::RuleSyntax { span, message } => write!(f, "{span}: syntax error: {message}"),
            Error::RuleRuntime { span, message } => write!(f, "{span}: rule failed: {message}"),
            Error::RuleLimit { span, limit } => write!(
                f,
                "{span}: rule stopped: it exceeded the sandbox limit on {}",
                limit.as_str()
            ),
            Error::PackInvalid {
                span: Some(span),
                message,
            } => write!(f, "{span}: {message}"),
            Error::PackInvalid {
                span: None,
                message,
            } => write!(f, "invalid rule pack: {message}"),
            Error::NoRhai { span, what } => {
                if let Some(span) = span {
                    write!(f, "{span}: ")?;
                }
                write!(
                    f,
                    "{what} needs rhai, and this build has none (the slim build): \
                     load packs compiled (`ticket-rules compile`), and use the full build for hooks"
                )
            }
            Error::Io { path, message } => write!(f, "cannot read {path}: {message}"),
            Error::InvalidInstant {
                field,
                value,
                reason,
            } => write!(f, "`{field}`: invalid instant {value:?}: {reason}"),
            Error::InvalidDuration { field, message } => {
                write!(f, "`{field}`: invalid duration: {message}")
            }
            Error::UnknownTimezone { field, value } => write!(
                f,
                "`{field}`: unknown time zone {value:?} (an IANA name like \"America/New_York\")"
            ),
            Error::InvalidTime { field, value } => write!(
                f,
                "`{field}`: invalid time {value:?}: expected HH:MM from 00:00 to 24:00"
            ),
            Error::InvalidDate {
                field,
                value,
                reason,
            } => write!(f, "`{field}`: invalid date {value:?}: {reason}"),
            Error::InvalidCalendar { field, message } => write!(f, "`{field}`: {message}"),
            Error::InvalidPause { field, message } => write!(f, "`{field}`: {message}"),
            Error::UnknownCalendar { value, allowed } => {
                write!(
                    f,
                    "unknown calendar {value:?}: expected {}",
                    one_of(allowed)
                )
            }
            Error::OutOfRange { message } => write!(f, "out of range: {message}"),
            Error::TooLarge { field, message } => write!(f, "`{field}` is too large: {message}"),
            Error::UnknownPackVersion { value, allowed } => write!(
                f,
                "no pack of version {value:?} is loaded: loaded {}",
                one_of(allowed)
            ),
            Error::UnknownRole {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown role {value:?}: expected {}",
                at(field, "role"),
                one_of(allowed)
            ),
            Error::UnknownType {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown ticket type {value:?}: expected {}",
                at(field, "type"),
                one_of(allowed)
            ),
            Error::UnknownPriority {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{}unknown priority {value:?}: expected {}",
                at(field, "priority"),
                one_of(allowed)
            ),
            Error::InvalidHistory { field, message } => write!(f, "`{field}`: {message}"),
            Error::UnknownStatus {
                field,
                value,
                allowed,
            } => write!(
                f,
                "`{field}`: unknown status {value:?}: expected {}",
                one_of(allowed)
            ),
        }
    }
}

impl std::error::Error for Error {}

/// `a string`, `an object`; a phrase that has its article already (`a
/// ticket (an object)`) as it is.
fn with_article(what: &str) -> String {
    if what.starts_with("a ") || what.starts_with("an ") {
        return what.to_string();
    }
    let vowel = what
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {what}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_without_final_period() {
        let e = Error::UnknownImpact {
            field: "impact".into(),
            value: "Huge".into(),
            allowed: vec!["Critical".into(), "Major".into(), "Minor".into()],
        };
        assert_eq!(
            e.to_string(),
            r#"unknown impact "Huge": expected "Critical", "Major" or "Minor""#
        );
        let e = Error::RuleLimit {
            span: Span::new("priority.rhai", 3, 5),
            limit: Limit::Operations,
        };
        assert_eq!(
            e.to_string(),
            "priority.rhai:3:5: rule stopped: it exceeded the sandbox limit on operations"
        );
        assert_eq!(e.code(), "RULE_LIMIT");
    }

    #[test]
    fn codes_list_is_complete_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ERROR_CODES {
            assert!(seen.insert(*c), "duplicate code {c}");
        }
    }
}
