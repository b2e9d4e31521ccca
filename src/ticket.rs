//! Reading the fields of a ticket (plain JSON, see
//! `reference/ticket-model.md`).
//!
//! Operations read a ticket through [`Field`], a borrowed view of one value
//! that keeps "absent", "wrong type" and "text" apart, so that the native
//! API (a `serde_json::Value`) and the JS binding (a JS object) report a bad
//! field the same way, from the same code.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::json::JsonView;

/// One field of a ticket as an operation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    /// Not there, `null`, or `undefined` in JS.
    Absent,
    /// A string.
    Text(&'a str),
    /// Some other type; the name of the JSON type found (`number`, …).
    Other(&'static str),
}

impl<'a> Field<'a> {
    /// The field `name` of a ticket object.
    pub fn of<J: JsonView>(ticket: &'a J, name: &str) -> Self {
        match ticket.get(name) {
            None => Field::Absent,
            Some(v) => match v.as_str() {
                Some(s) => Field::Text(s),
                None if v.is_null() => Field::Absent,
                None => Field::Other(v.type_name()),
            },
        }
    }

    /// The text of a field that must be there and must not be blank.
    pub fn required_str(self, name: &str) -> Result<&'a str> {
        match self.optional_str(name)? {
            Some(s) => Ok(s),
            None => Err(Error::MissingField { field: name.into() }),
        }
    }

    /// The text of an optional field: `None` when absent or blank.
    pub fn optional_str(self, name: &str) -> Result<Option<&'a str>> {
        self.optional_str_at(|| name.to_string())
    }

    /// [`optional_str`](Self::optional_str) with the field's name made only
    /// when it is needed for an error (names like `history[3].status`).
    pub fn optional_str_at(self, name: impl FnOnce() -> String) -> Result<Option<&'a str>> {
        match self {
            Field::Absent => Ok(None),
            Field::Text(s) if blank(s) => Ok(None),
            Field::Text(s) => Ok(Some(s)),
            Field::Other(found) => Err(Error::InvalidType {
                field: name(),
                expected: "string",
                found,
            }),
        }
    }
}

/// `s.trim()`, quick for text that starts and ends with a visible ASCII
/// character (most field values: `trim` decodes chars, per ticket).
pub(crate) fn trimmed(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = s.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether `s` is empty or only whitespace.
fn blank(s: &str) -> bool {
    trimmed(s).is_empty()
}

/// The JSON type name of a value, as messages name it.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A JSON type name as a message says it: `an array`, `a string`, `null`.
pub(crate) fn a(type_name: &str) -> &'static str {
    match type_name {
        "null" => "null",
        "boolean" => "a boolean",
        "number" => "a number",
        "string" => "a string",
        "array" => "an array",
        "object" => "an object",
        _ => "a value",
    }
}

/// How deeply arrays and objects may nest in an input (the value itself is
/// level 1). Deeper input is refused before anything walks it, so no
/// recursion over a hostile value can exhaust the stack; the JS binding's
/// JSON reader refuses text nested deeper than 128, so the answer is the
/// same `INVALID_INPUT` in Rust, Node and the browser.
pub const MAX_DEPTH: usize = 64;

/// Refuses a value nested more than [`MAX_DEPTH`] levels deep, naming the
/// top-level field that is (`INVALID_INPUT`).
pub fn check_depth<J: JsonView>(v: &J) -> Result<()> {
    if v.fits(MAX_DEPTH) {
        return Ok(());
    }
    // As a `Value`: the last of repeated keys is the one that counts (a
    // `Doc` keeps them all), and the place is named in key order.
    let value = v.to_value();
    if value.fits(MAX_DEPTH) {
        return Ok(());
    }
    let below = MAX_DEPTH - 1;
    let place = match &*value {
        Value::Object(o) => o
            .iter()
            .find(|(_, x)| !x.fits(below))
            .map(|(k, _)| format!(" (in `{}`)", k.chars().take(64).collect::<String>())),
        Value::Array(a) => a
            .iter()
            .position(|x| !x.fits(below))
            .map(|i| format!(" (in `[{i}]`)")),
        _ => None,
    };
    Err(Error::input(format!(
        "arrays and objects nested more than {MAX_DEPTH} levels deep{}",
        place.unwrap_or_default()
    )))
}

/// Checks that a ticket is a JSON object.
pub fn expect_object<J: JsonView>(ticket: &J) -> Result<()> {
    if ticket.is_object() {
        Ok(())
    } else {
        Err(not_an_object(ticket.type_name()))
    }
}

/// The error for a ticket that is not an object; `found` is its JSON type.
pub fn not_an_object(found: &str) -> Error {
    Error::input(format!("a ticket must be an object, not {}", a(found)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn trimmed_is_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{3000}x\u{a0}",
            "x\t",
            "é",
            " é ",
            "a b",
        ] {
            assert_eq!(super::trimmed(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn blank_is_empty_or_whitespace_of_any_kind() {
        for s in ["", " ", "\t\n", "\u{3000}", " \u{a0} "] {
            assert!(super::blank(s), "{s:?}");
        }
        for s in ["a", " a", "\u{3000}x", "é", "-", "x "] {
            assert!(!super::blank(s), "{s:?}");
        }
    }
}
