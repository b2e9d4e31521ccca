//! Small helpers for reading the maps a pack's declarations pass (as JSON):
//! one wording for the same mistakes everywhere.

use serde_json::{Map, Value};

/// Refuses a key that is not in `allowed`, naming the ones that are.
pub(crate) fn unknown_keys(
    o: &Map<String, Value>,
    allowed: &[&str],
    what: &str,
) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown key `{k}` in {what} (expected {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

/// A string or a list of strings, as a list.
pub(crate) fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` lists strings"))
            })
            .collect(),
        _ => Err(format!("`{key}` is a string or a list of strings")),
    }
}

/// Fills each `{name}` in `template` with `value(name)`; a name without a
/// value stays as written, so a mistake shows.
pub(crate) fn fill_placeholders(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        match value(rest[open + 1..close].trim()) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `n` in decimal, as `{}` writes it (without the formatting machinery:
/// it runs several times per ticket in a queue of thousands, and for every
/// escalation id).
pub(crate) fn push_number(out: &mut String, n: u64) {
    let mut unit = 1;
    while n / unit >= 10 {
        unit *= 10;
    }
    loop {
        #[allow(clippy::cast_possible_truncation)] // a digit
        let digit = (n / unit % 10) as u8;
        out.push(char::from(b'0' + digit));
        if unit == 1 {
            break;
        }
        unit /= 10;
    }
}
