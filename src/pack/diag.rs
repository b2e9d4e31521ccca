//! rhai's errors turned into this crate's [`Error`], with `file:line:column`
//! of the innermost failing place.

use rhai::{Dynamic, EvalAltResult, ParseError, ParseErrorType, Position};

use crate::error::{Error, Limit, Span};

/// A declaration function's complaint, carried through rhai as the value of
/// a runtime error so that it keeps its own code instead of `RULE_RUNTIME`.
#[derive(Debug, Clone)]
pub(crate) struct Complaint(pub String);

/// Raises a [`Complaint`] from a host function; rhai fills in the position
/// of the call.
pub(crate) fn complain(message: impl Into<String>) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(Complaint(message.into())),
        Position::NONE,
    ))
}

/// `file` at a rhai position. rhai counts lines and columns from 1 and uses
/// column 0 for "beginning of line"; that becomes column 1.
pub(crate) fn span(file: &str, pos: Position) -> Span {
    let line = pos.line().unwrap_or(1);
    let column = pos.position().unwrap_or(1);
    Span::new(
        file,
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// A syntax error in `file`.
pub(crate) fn parse_error(file: &str, err: &ParseError) -> Error {
    let span = span(file, err.position());
    match err.err_type() {
        ParseErrorType::ExprTooDeep => Error::RuleLimit {
            span,
            limit: Limit::ExpressionDepth,
        },
        // A string, array or map literal over the sandbox's size limit.
        ParseErrorType::LiteralTooLarge(..) => Error::RuleLimit {
            span,
            limit: Limit::DataSize,
        },
        t => Error::RuleSyntax {
            span,
            message: t.to_string(),
        },
    }
}

/// A failure while running code of `file`: descends into function calls to
/// the innermost error, whose source file may differ.
///
/// rhai re-positions sandbox-limit errors at each call frame to the call
/// site; for a hook called from the host there is no call site, and
/// `fallback` (the hook's definition) stands in.
pub(crate) fn eval_error(file: &str, err: &EvalAltResult, fallback: Option<&Span>) -> Error {
    let mut file = file;
    let mut err = err;
    while let EvalAltResult::ErrorInFunctionCall(_, source, inner, _) = err {
        if !source.is_empty() {
            file = source;
        }
        err = inner;
    }
    let span = match fallback {
        Some(f) if err.position().is_none() => f.clone(),
        _ => span(file, err.position()),
    };
    let limit = match err {
        EvalAltResult::ErrorTooManyOperations(_) => Some(Limit::Operations),
        EvalAltResult::ErrorStackOverflow(_) => Some(Limit::CallDepth),
        // The patched rhai's depth check (vendor/rhai/PATCHED.md).
        EvalAltResult::ErrorDataTooLarge(what, _) if what.starts_with("Depth") => {
            Some(Limit::DataDepth)
        }
        EvalAltResult::ErrorDataTooLarge(..) => Some(Limit::DataSize),
        EvalAltResult::ErrorTooManyVariables(_) => Some(Limit::Variables),
        EvalAltResult::ErrorTerminated(token, _) => {
            match token.clone().into_immutable_string().ok().as_deref() {
                Some(super::sandbox::TIME_UP) => Some(Limit::Time),
                // Nested too deeply for the stack: calls within expressions.
                Some(super::sandbox::STACK_UP) => Some(Limit::CallDepth),
                _ => None,
            }
        }
        EvalAltResult::ErrorParsing(ParseErrorType::ExprTooDeep, _) => Some(Limit::ExpressionDepth),
        _ => None,
    };
    if let Some(limit) = limit {
        return Error::RuleLimit { span, limit };
    }
    match err {
        EvalAltResult::ErrorParsing(t, _) => Error::RuleSyntax {
            span,
            message: t.to_string(),
        },
        EvalAltResult::ErrorRuntime(value, _) if value.is::<Complaint>() => Error::PackInvalid {
            span: Some(span),
            message: value.clone().cast::<Complaint>().0,
        },
        EvalAltResult::ErrorRuntime(value, _) => Error::RuleRuntime {
            span,
            message: if value.is_string() {
                value.to_string()
            } else {
                format!("thrown: {value}")
            },
        },
        other => {
            // rhai's message ends with " (line L, position C)"; the span
            // carries that already.
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            Error::RuleRuntime {
                span,
                message: text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
            }
        }
    }
}
