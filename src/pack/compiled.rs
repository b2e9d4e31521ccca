//! Compiled packs: a pack's declarations as data, loaded without rhai.
//!
//! Loading a pack from source parses and runs every file; nearly all of
//! that work is the same each time, and in a browser or a fresh Node
//! process it is mostly compiling rhai's parser and evaluator to machine
//! code. A compiled pack is the list of declaration calls a load from
//! source made (`ticket_type("incident", #{...})` with its arguments as
//! JSON, and where it was made), replayed through the same handlers, so it
//! is checked exactly as the source was. Files that define functions keep
//! their source, compiled on the first hook call.
//!
//! The text is JSON, one declaration a line:
//!
//! ```text
//! {"ticketRulesPack": 2,
//!  "hash": "…", "files": ["calendars.rhai", …],
//!  "functions": [{"file": "forms.rhai", "fns": [["staff", 0], …], "source": "…"}],
//!  "calls": [
//!   ["pack_name", 3, 1, 1, ["default"]],
//!   …]}
//! ```
//!
//! A call is `[name, file index, line, column, arguments]`. In the
//! arguments, a fractional number is written as its IEEE 754 bits,
//! `{"$f64": 4599075939470750516}` for 0.30000000000000004: serde_json
//! reads some numbers of 16–17 digits a bit off, and an exact decimal
//! reader costs 10 KB of wasm (its exact reader, or the standard library's,
//! whose table of powers of five the slim build would carry for this
//! alone). A map key starting with `$` gets one more `$` in front.
//! Format 1 wrote the decimal text instead; it is refused (compile again).

use std::rc::Rc;

#[cfg(feature = "rhai")]
use serde_json::json;
use serde_json::Value;

use super::convert::check_within;
use super::declare::Call;
use super::sandbox::Limits;
#[cfg(feature = "rhai")]
use super::FileFns;
use crate::error::{Error, Span};

/// The format's version; a different one is refused.
const FORMAT: u64 = 2;

/// At most this many declarations: a pack loaded from source makes them
/// within its operations limit (the default pack makes 35), and a
/// compiled one is held to a bound of the same order.
pub(crate) const MAX_CALLS: usize = 5_000;

/// At most this many functions a file (the default pack's one such file
/// has 9).
pub(crate) const MAX_FUNCTIONS: usize = 1_000;

/// A file that defines functions.
pub(crate) struct CompiledFile {
    pub file: String,
    pub fns: Vec<(String, usize)>,
    pub source: Rc<str>,
}

/// A compiled pack, read.
pub(crate) struct Compiled {
    pub hash: String,
    pub files: Vec<String>,
    pub functions: Vec<CompiledFile>,
    pub calls: Vec<Call>,
}

/// The key of a fractional number in a compiled pack's arguments.
const FLOAT: &str = "$f64";

/// A declaration's argument as a compiled pack writes it: fractional
/// numbers as `{"$f64": bits}`, `$`-keys escaped with another `$`.
/// (In place: a rebuilt tree costs kilobytes of wasm.)
pub(crate) fn encode(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            let mut m = serde_json::Map::new();
            let bits = n.as_f64().unwrap_or_default().to_bits();
            m.insert(FLOAT.into(), Value::from(bits));
            *v = Value::Object(m);
        }
        Value::Array(a) => a.iter_mut().for_each(encode),
        Value::Object(o) => {
            // Every `$` key out first, then back in escaped: renamed one at
            // a time, `$$a` could land on a `$$a` not yet renamed.
            let dollars: Vec<String> = o.keys().filter(|k| k.starts_with('$')).cloned().collect();
            let taken: Vec<(String, Value)> = dollars
                .into_iter()
                .filter_map(|k| o.remove(&k).map(|x| (format!("${k}"), x)))
                .collect();
            o.extend(taken);
            o.values_mut().for_each(encode);
        }
        _ => {}
    }
}

/// The argument [`encode`] wrote, as it was.
fn decode(v: &mut Value) -> Result<(), String> {
    match v {
        Value::Array(a) => a.iter_mut().try_for_each(decode),
        Value::Object(o) => {
            if let (1, Some(Value::Number(bits))) = (o.len(), o.get(FLOAT)) {
                let n = bits
                    .as_u64()
                    .map(f64::from_bits)
                    .and_then(serde_json::Number::from_f64)
                    .ok_or_else(|| format!("{bits} is not the bits of a finite number"))?;
                *v = Value::Number(n);
                return Ok(());
            }
            // `encode` leaves no key with one leading `$`; so none can be
            // overwritten as the escaped keys come back out.
            if let Some(k) = o
                .keys()
                .find(|k| k.starts_with('$') && !k.starts_with("$$"))
            {
                return Err(format!("the key {k:?} is not written as compile writes it"));
            }
            let escaped: Vec<String> = o.keys().filter(|k| k.starts_with("$$")).cloned().collect();
            let taken: Vec<(String, Value)> = escaped
                .into_iter()
                .filter_map(|k| {
                    let plain = k.strip_prefix('$').map(str::to_string);
                    o.remove(&k).zip(plain).map(|(x, plain)| (plain, x))
                })
                .collect();
            o.extend(taken);
            o.values_mut().try_for_each(decode)
        }
        _ => Ok(()),
    }
}

/// The compiled pack's text.
#[cfg(feature = "rhai")]
pub(crate) fn write(hash: &str, files: &[String], calls: &[Call], with_fns: &[FileFns]) -> String {
    let index = |file: &str| files.iter().position(|f| f == file).unwrap_or(0);
    let functions: Vec<Value> = with_fns
        .iter()
        .map(|f| {
            json!({
                "file": f.file,
                "fns": f.ast.fns().iter().map(|(n, p)| json!([n, p])).collect::<Vec<_>>(),
                "source": f.ast.source(),
            })
        })
        .collect();
    let mut out = format!(
        "{{\"ticketRulesPack\": {FORMAT},\n \"hash\": {},\n \"files\": {},\n \"functions\": {},\n \"calls\": [",
        json!(hash),
        json!(files),
        Value::Array(functions),
    );
    for (i, c) in calls.iter().enumerate() {
        let call = json!([
            c.name,
            index(&c.span.file),
            c.span.line,
            c.span.column,
            c.args
        ]);
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        out.push_str(&call.to_string());
    }
    out.push_str("]}\n");
    out
}

impl Compiled {
    /// Reads a compiled pack's text; any other shape is one error.
    pub(crate) fn parse(text: &str) -> Result<Compiled, Error> {
        let mut v: Value =
            crate::json::parse_value(text).map_err(|e| bad(format!("it is not JSON ({e})")))?;
        if v.get("ticketRulesPack").and_then(Value::as_u64) != Some(FORMAT) {
            return Err(bad(format!(
                "`ticketRulesPack` must be {FORMAT} (this version's format)"
            )));
        }
        let hash = text_at(&v, "hash")?.to_string();
        // As `compile` writes it (the pack's version may be made from it).
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("`hash` must be 16 hexadecimal digits"));
        }
        let files: Vec<String> = list_at(&v, "files")?
            .iter()
            .map(|f| {
                f.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad("`files` must be names"))
            })
            .collect::<Result<_, _>>()?;
        if files.is_empty() {
            return Err(bad("`files` is empty"));
        }
        for (i, f) in files.iter().enumerate() {
            if files.iter().take(i).any(|g| g == f) {
                return Err(bad(format!("file {f:?} is listed twice")));
            }
        }
        let mut functions = Vec::new();
        for f in list_at(&v, "functions")? {
            let file = text_at(f, "file")?;
            if !files.iter().any(|n| n == file) {
                return Err(bad(format!(
                    "functions of {file:?}, which is not in `files`"
                )));
            }
            if functions.iter().any(|g: &CompiledFile| g.file == file) {
                return Err(bad(format!("the functions of {file:?} are listed twice")));
            }
            let fns = list_at(f, "fns")?
                .iter()
                .map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([Value::String(n), Value::Number(k)]) => k
                        .as_u64()
                        .and_then(|k| usize::try_from(k).ok())
                        .map(|k| (n.clone(), k))
                        .ok_or_else(|| bad("a parameter count must be a whole number")),
                    _ => Err(bad("`fns` must be [name, parameters] pairs")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if fns.len() > MAX_FUNCTIONS {
                return Err(bad(format!(
                    "{} functions in {file:?}; at most {MAX_FUNCTIONS}",
                    fns.len()
                )));
            }
            functions.push(CompiledFile {
                file: file.to_string(),
                fns,
                source: Rc::from(text_at(f, "source")?),
            });
        }
        list_at(&v, "calls")?;
        let calls = match v.get_mut("calls").map(Value::take) {
            Some(Value::Array(calls)) if calls.len() > MAX_CALLS => {
                return Err(bad(format!(
                    "{} declarations; at most {MAX_CALLS}",
                    calls.len()
                )))
            }
            Some(Value::Array(calls)) => calls
                .into_iter()
                .map(|c| call(c, &files))
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        Ok(Compiled {
            hash,
            files,
            functions,
            calls,
        })
    }
}

fn call(c: Value, files: &[String]) -> Result<Call, Error> {
    let shape = || bad("a call must be [name, file index, line, column, [arguments]]");
    let Value::Array(c) = c else {
        return Err(shape());
    };
    let Ok([Value::String(name), file, line, column, Value::Array(args)]) =
        <[Value; 5]>::try_from(c)
    else {
        return Err(shape());
    };
    let number = |v: &Value| {
        v.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(shape)
    };
    let file = usize::try_from(number(&file)?)
        .ok()
        .and_then(|i| files.get(i))
        .ok_or_else(|| bad("a call's file index is past `files`"))?;
    let span = Span::new(file, number(&line)?, number(&column)?);
    // What rhai would have let the file build, and no `__proto__` key (the
    // source path drops them when rhai values become JSON).
    let mut decoded = Vec::with_capacity(args.len());
    for a in args {
        let mut a = a;
        decode(&mut a)
            .and_then(|()| check_within(&a, &Limits::LOAD))
            .map_err(|e| Error::pack(Some(span.clone()), format!("{name}: {e}")))?;
        crate::form::strip_proto(&mut a);
        decoded.push(a);
    }
    Ok(Call {
        name,
        span,
        args: decoded,
    })
}

fn bad(why: impl std::fmt::Display) -> Error {
    Error::pack(None, format!("not a compiled pack: {why}"))
}

fn text_at<'v>(v: &'v Value, key: &str) -> Result<&'v str, Error> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("`{key}` must be a string")))
}

fn list_at<'v>(v: &'v Value, key: &str) -> Result<&'v Vec<Value>, Error> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("`{key}` must be a list")))
}
