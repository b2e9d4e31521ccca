//! JSON values to rhai values and back, for hooks.
//!
//! Keys named `__proto__` are dropped both ways: a ticket is plain data,
//! and that key would reach an object's prototype when the value goes back
//! to JS.

#[cfg(feature = "rhai")]
use rhai::{Array, Dynamic, Map};
use serde_json::Value;
#[cfg(feature = "rhai")]
use serde_json::{Map as JsonMap, Number};

#[cfg(feature = "rhai")]
use crate::error::Error;
use crate::pack::sandbox::Limits;

/// The one key that never crosses into or out of the engine.
pub(crate) const FORBIDDEN_KEY: &str = "__proto__";

/// A JSON value as a rhai value.
#[cfg(feature = "rhai")]
pub(crate) fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(a) => Dynamic::from_array(a.iter().map(to_dynamic).collect::<Array>()),
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                if k != FORBIDDEN_KEY {
                    m.insert(k.as_str().into(), to_dynamic(v));
                }
            }
            Dynamic::from_map(m)
        }
    }
}

/// [`to_dynamic`], refusing a value over the hook's size limits with the
/// path of the part that is too large: the sandbox checks what a hook
/// builds, and this checks what it is given, before any of it runs.
#[cfg(feature = "rhai")]
pub(crate) fn to_dynamic_within(v: &Value, limits: &Limits) -> Result<Dynamic, Error> {
    // Too deep is the same error everywhere, hook or not.
    crate::ticket::check_depth(v)?;
    fits(v, limits).map_err(|(path, message)| Error::TooLarge {
        field: if path.is_empty() {
            "ticket".into()
        } else {
            path
        },
        message,
    })?;
    Ok(to_dynamic(v))
}

/// Whether `v` keeps within `limits`' sizes (strings, arrays, maps, counted
/// as rhai counts them) and depth, as a value rhai builds must: a compiled
/// pack's arguments are held to the limits its source ran under.
pub(crate) fn check_within(v: &Value, limits: &Limits) -> Result<(), String> {
    crate::ticket::check_depth(v).map_err(|e| e.to_string())?;
    fits(v, limits).map(drop).map_err(|(path, message)| {
        if path.is_empty() {
            message
        } else {
            format!("{path}: {message}")
        }
    })
}

/// What rhai counts of a value against its size limits, as its
/// `calc_data_sizes` does: the items of every array in it (nested arrays'
/// items counted again inside their parent's), the entries of every map
/// (keys of maps inside counted too), and the bytes of every string (not
/// characters, and summed over the whole value).
#[derive(Debug, Default, Clone, Copy)]
struct Sizes {
    items: usize,
    keys: usize,
    bytes: usize,
}

impl Sizes {
    fn add(&mut self, other: Sizes) {
        self.items = self.items.saturating_add(other.items);
        self.keys = self.keys.saturating_add(other.keys);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// The sizes rhai will count for `v` as [`to_dynamic`] makes it, or
/// `Err((path, what))` for the deepest part of `v` that alone is over
/// `limits` (the whole value, path "", when only the sum is). Recursion
/// bounded by the depth check that comes first.
fn fits(v: &Value, limits: &Limits) -> Result<Sizes, (String, String)> {
    let mut sizes = Sizes::default();
    match v {
        Value::String(s) => sizes.bytes = s.len(),
        Value::Array(a) => {
            sizes.items = a.len();
            for (i, item) in a.iter().enumerate() {
                let inner =
                    fits(item, limits).map_err(|(p, m)| (format!("[{i}]{}", dot(&p)), m))?;
                sizes.add(inner);
            }
        }
        Value::Object(o) => {
            for (k, item) in o {
                // Dropped on the way in (to_dynamic), so not counted.
                if k == FORBIDDEN_KEY {
                    continue;
                }
                sizes.keys += 1;
                let inner = fits(item, limits).map_err(|(p, m)| (format!("{k}{}", dot(&p)), m))?;
                sizes.add(inner);
            }
        }
        _ => {}
    }
    let over = |n: usize, what: &str, max: usize, key: &str| {
        Err((
            String::new(),
            format!("{n} {what}; this pack's hooks accept at most {max} (limits {key})"),
        ))
    };
    if sizes.bytes > limits.string_size {
        return over(
            sizes.bytes,
            "bytes of text",
            limits.string_size,
            "string_size",
        );
    }
    if sizes.items > limits.array_size {
        return over(sizes.items, "list items", limits.array_size, "array_size");
    }
    if sizes.keys > limits.map_size {
        return over(sizes.keys, "map keys", limits.map_size, "map_size");
    }
    Ok(sizes)
}

/// A path's rest after a segment: `.at` or `[2]`, nothing if empty.
fn dot(rest: &str) -> String {
    if rest.is_empty() || rest.starts_with('[') {
        rest.to_string()
    } else {
        format!(".{rest}")
    }
}

/// A rhai value as JSON; `Err` names the first value that has no JSON form
/// (a function pointer, NaN, …).
#[cfg(feature = "rhai")]
pub(crate) fn to_json(d: &Dynamic) -> Result<Value, String> {
    if d.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(f) = d.as_float() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the number {f} has no JSON form"));
    }
    if let Ok(c) = d.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if d.is_string() {
        return Ok(Value::String(d.to_string()));
    }
    if d.is_array() {
        let a = d.read_lock::<Array>().ok_or("an array could not be read")?;
        return a
            .iter()
            .map(to_json)
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if d.is_map() {
        let m = d.read_lock::<Map>().ok_or("a map could not be read")?;
        let mut o = JsonMap::new();
        for (k, v) in m.iter() {
            if k.as_str() != FORBIDDEN_KEY {
                o.insert(k.to_string(), to_json(v)?);
            }
        }
        return Ok(Value::Object(o));
    }
    Err(format!(
        "a value of type {} has no JSON form",
        d.type_name()
    ))
}

#[cfg(all(test, feature = "rhai"))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_plain_json_and_drops_proto() {
        let v = json!({"a": 1, "b": [true, null, "x", 2.5], "c": {"d": "e"}});
        assert_eq!(to_json(&to_dynamic(&v)), Ok(v));
        let evil: Value =
            serde_json::from_str(r#"{"__proto__": {"admin": true}, "ok": 1}"#).unwrap();
        assert_eq!(to_json(&to_dynamic(&evil)), Ok(json!({"ok": 1})));
    }
}
