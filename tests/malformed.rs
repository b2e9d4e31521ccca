//! The malformed-input catalogue (`tests/data/malformed.json`), natively.
//!
//! Every case is one bad input to one engine operation and the one answer a
//! demanding user expects: the stable error code and the field path (or the
//! rule file's `file:line:column`), the error listed in a validation result,
//! or — for the few inputs the engine accepts by design — the answer. The
//! same table runs from Node through the npm package
//! (`tests/js/malformed.test.mjs`) and through the wasm binding in Node and
//! headless Chromium (`tests/wasm.rs`).
//!
//! How the table's arguments become native calls:
//! - instants (`now`, `start`, `from`, `to`, `t`, pause ends) are strings,
//!   parsed with [`parse_instant`] under the argument's name, as the JS
//!   binding does; `seconds` is a JSON integer; `pauses` is an array of
//!   `[from, to]` or `{ from, to }`; a calendar is a spec object (built with
//!   [`Calendar::from_json`]) or the name of one of the pack's calendars;
//! - `{ "$gen": ... }` values are expanded here exactly as the JS runners
//!   expand them (`repeat`: a long string, `nest`: deep nesting, `bytes`: a
//!   rule file's raw bytes, read as a file is, `defaultPack`: the default
//!   pack's files minus some, plus some);
//! - cases marked `"js": true` use values only JS has (NaN, `undefined`, an
//!   invalid `Date`, a BigInt, an inherited property); here they run their
//!   `native` analogue, or are skipped with the reason printed.
//!
//! All cases run against one engine; after them, that engine must still
//! answer a good ticket exactly as a fresh one does. A case that panics is
//! reported by name (`catch_unwind`), as is every mismatch, all at once.
#![cfg(not(target_arch = "wasm32"))]

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::Deserialize;
use serde_json::{json, Map, Value};
use ticket_rules::calendar::{Calendar, Pauses};
use ticket_rules::time::{format_instant, parse_instant, Instant};
use ticket_rules::{Error, RuleEngine, DEFAULT_PACK};

/// One row of the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    category: String,
    op: String,
    args: Value,
    /// The expected error code (thrown, or listed with `via: "result"`).
    #[serde(default)]
    code: Option<String>,
    /// The expected field path; absent: the error must have none.
    #[serde(default)]
    field: Option<String>,
    /// Rule-file errors: `file:line:column` (`file` alone: no position).
    #[serde(default)]
    span: Option<String>,
    /// `"result"`: the operation answers, and its `errors` list is exactly
    /// this one `{ field, code }` (validation, lifecycle checks).
    #[serde(default)]
    via: Option<String>,
    /// Accepted by design: the operation answers, and each dotted path of
    /// its result (`""`: the whole result) has the value given.
    #[serde(default)]
    accept: Option<Map<String, Value>>,
    /// Uses values only JS has.
    #[serde(default)]
    js: bool,
    /// For `js` cases: the native analogue (`args`, and `code`/`field`/
    /// `accept` when they differ), or `skip` with the reason.
    #[serde(default)]
    native: Option<Native>,
    /// Why this input is bad and why this answer (for people).
    #[serde(default)]
    #[allow(dead_code)]
    why: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Native {
    #[serde(default)]
    skip: Option<String>,
    #[serde(default)]
    args: Option<Value>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

fn table() -> Vec<Case> {
    let text = include_str!("data/malformed.json");
    serde_json::from_str(text).expect("malformed.json parses")
}

// ---- the generators, as in tests/js/malformed.test.mjs --------------------

/// A generated value, or `None` when `v` is not a `{ "$gen": ... }`.
fn generate(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let kind = o.get("$gen")?.as_str()?;
    let num = |k: &str| o.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    Some(match kind {
        "repeat" => Value::String(format!(
            "{}{}{}",
            text("prefix"),
            text("text").repeat(num("times")),
            text("suffix")
        )),
        "nest" => {
            let mut v = expand(o.get("leaf").unwrap_or(&Value::Null));
            let key = text("key");
            for _ in 0..num("depth") {
                v = if o.get("kind").and_then(Value::as_str) == Some("object") {
                    let mut m = Map::new();
                    m.insert(key.clone(), v);
                    Value::Object(m)
                } else {
                    Value::Array(vec![v])
                };
            }
            v
        }
        // Kept as a marker: only `sources` reads bytes.
        "bytes" | "defaultPack" => v.clone(),
        other => panic!("unknown generator {other:?}"),
    })
}

/// `v` with every generator expanded (bytes and packs stay markers).
fn expand(v: &Value) -> Value {
    if let Some(g) = generate(v) {
        return g;
    }
    match v {
        Value::Array(a) => Value::Array(a.iter().map(expand).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), expand(v))).collect()),
        other => other.clone(),
    }
}

fn base64(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 {text:?}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

// ---- the operations -------------------------------------------------------

/// Why a case cannot run natively (a table mistake unless marked `js`).
#[derive(Debug)]
struct NotNative(String);

type Outcome = Result<Result<Value, Error>, NotNative>;

fn arg<'a>(args: &'a Value, k: &str) -> &'a Value {
    args.get(k).unwrap_or(&Value::Null)
}

fn instant(args: &Value, k: &str) -> Result<Result<Instant, Error>, NotNative> {
    instant_at(arg(args, k), k)
}

fn instant_at(v: &Value, field: &str) -> Result<Result<Instant, Error>, NotNative> {
    match v {
        Value::String(s) => Ok(parse_instant(s, field)),
        other => Err(NotNative(format!(
            "`{field}` is {other}: the native API takes an Instant"
        ))),
    }
}

fn pauses(v: &Value) -> Result<Result<Pauses, Error>, NotNative> {
    let list = match v {
        Value::Null => return Ok(Ok(Pauses::none())),
        Value::Array(a) => a,
        other => {
            return Err(NotNative(format!(
                "pauses {other}: the native API takes pairs"
            )))
        }
    };
    let mut pairs = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let (from, to, fp, tp) = match p {
            Value::Array(a) if a.len() == 2 => (
                &a[0],
                &a[1],
                format!("pauses[{i}][0]"),
                format!("pauses[{i}][1]"),
            ),
            Value::Object(o) => (
                o.get("from").unwrap_or(&Value::Null),
                o.get("to").unwrap_or(&Value::Null),
                format!("pauses[{i}].from"),
                format!("pauses[{i}].to"),
            ),
            other => return Err(NotNative(format!("pause {other}: not a pair"))),
        };
        let from = match instant_at(from, &fp)? {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let to = match instant_at(to, &tp)? {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        pairs.push((from, to));
    }
    Ok(Pauses::new(pairs))
}

/// The rule files of a `sources` argument.
fn sources(v: &Value) -> Result<Result<Vec<(String, String)>, Error>, NotNative> {
    if v.get("$gen").and_then(Value::as_str) == Some("defaultPack") {
        let without: Vec<&str> = v["without"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out: Vec<(String, String)> = DEFAULT_PACK
            .iter()
            .filter(|(n, _)| !without.contains(n))
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        if let Some(Value::Object(add)) = v.get("add") {
            for (n, s) in add {
                out.push((n.clone(), s.as_str().unwrap_or_default().to_string()));
            }
        }
        return Ok(Ok(out));
    }
    let Value::Object(files) = v else {
        return Err(NotNative(format!(
            "sources {v}: the native API takes pairs"
        )));
    };
    let mut out = Vec::new();
    for (name, src) in files {
        let text = match src {
            Value::String(s) => s.clone(),
            Value::Object(o) if o.get("$gen").and_then(Value::as_str) == Some("bytes") => {
                let bytes = base64(o["base64"].as_str().unwrap_or(""));
                // What `RuleEngine::from_dir` does with a file's bytes.
                match ticket_rules::pack::utf8(name, bytes) {
                    Ok(t) => t,
                    Err(e) => return Ok(Err(e)),
                }
            }
            other => return Err(NotNative(format!("source {other}: not text"))),
        };
        out.push((name.clone(), text));
    }
    Ok(Ok(out))
}

/// A calendar argument: a spec object, or a pack calendar's name.
fn calendar(engine: &RuleEngine, v: &Value) -> Result<Calendar, Error> {
    match v {
        Value::String(name) => engine.calendar(name).cloned(),
        spec => Calendar::from_json(spec),
    }
}

fn to_json<T: serde::Serialize>(r: Result<T, Error>) -> Result<Value, Error> {
    r.map(|v| serde_json::to_value(v).expect("results serialise"))
}

macro_rules! tri {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        }
    };
}

fn run(engine: &RuleEngine, op: &str, args: &Value) -> Outcome {
    let ticket = arg(args, "ticket");
    let opt_str = |k: &str| -> Result<Option<&str>, NotNative> {
        match arg(args, k) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Err(NotNative(format!(
                "`{k}` is {other}: the native API takes a &str"
            ))),
        }
    };
    Ok(match op {
        "priority" => to_json(engine.priority(ticket)),
        "sla" => {
            let now = tri!(instant(args, "now"));
            to_json(engine.sla(ticket, now))
        }
        "explainSla" => {
            let now = tri!(instant(args, "now"));
            to_json(engine.explain_sla(ticket, now))
        }
        "escalations" => {
            let now = tri!(instant(args, "now"));
            let fired: Vec<String> = match arg(args, "fired") {
                Value::Null => Vec::new(),
                Value::Array(a) if a.iter().all(Value::is_string) => a
                    .iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect(),
                other => {
                    return Err(NotNative(format!(
                        "fired {other}: the native API takes &[String]"
                    )))
                }
            };
            to_json(engine.escalations(ticket, now, &fired))
        }
        "validate" => {
            let lookups = match arg(args, "lookups") {
                Value::Null => None,
                Value::Object(o) => Some(o.clone()),
                other => return Err(NotNative(format!("lookups {other}: not a map"))),
            };
            to_json(engine.validate(ticket, opt_str("type")?, lookups.as_ref()))
        }
        "transition" => {
            let to = opt_str("to")?.unwrap_or_default();
            let children = args.get("children");
            to_json(engine.transition(ticket, to, children))
        }
        "reclassify" => to_json(engine.reclassify(ticket, opt_str("to")?.unwrap_or_default())),
        "formSchema" => engine.form_schema(opt_str("type")?.unwrap_or_default()),
        "packCalendar" => engine
            .calendar(opt_str("name")?.unwrap_or_default())
            .map(|c| json!({ "name": c.name(), "timezone": c.timezone() })),
        "calendar" => Calendar::from_json(arg(args, "spec"))
            .map(|c| json!({ "name": c.name(), "timezone": c.timezone() })),
        "calendarAdd" => {
            let cal = tri!(Ok(calendar(engine, arg(args, "calendar"))));
            let start = tri!(instant(args, "start"));
            let seconds = match arg(args, "seconds") {
                Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or_default(),
                other => {
                    return Err(NotNative(format!(
                        "seconds {other}: the native API takes an i64"
                    )))
                }
            };
            let p = tri!(pauses(arg(args, "pauses")));
            cal.add(start, seconds, &p)
                .map(|t| Value::from(format_instant(t)))
        }
        "calendarBetween" => {
            let cal = tri!(Ok(calendar(engine, arg(args, "calendar"))));
            let from = tri!(instant(args, "from"));
            let to = tri!(instant(args, "to"));
            let p = tri!(pauses(arg(args, "pauses")));
            cal.between(from, to, &p).map(Value::from)
        }
        "calendarIsOpen" => {
            let cal = tri!(Ok(calendar(engine, arg(args, "calendar"))));
            let t = tri!(instant(args, "t"));
            cal.is_open(t).map(Value::from)
        }
        "calendarNextOpen" => {
            let cal = tri!(Ok(calendar(engine, arg(args, "calendar"))));
            let t = tri!(instant(args, "t"));
            cal.next_open(t).map(|o| o.map(format_instant).into())
        }
        "loadPack" => {
            let files = tri!(sources(arg(args, "sources")));
            RuleEngine::from_sources(files).map(|e| json!({ "packVersion": e.pack_version() }))
        }
        other => return Err(NotNative(format!("unknown op {other:?}"))),
    })
}

// ---- checking -------------------------------------------------------------

/// The value at a dotted path (`resolve.due`; `""` is the whole value).
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(v);
    }
    path.split('.').try_fold(v, |v, k| match v {
        Value::Array(a) => a.get(k.parse::<usize>().ok()?),
        _ => v.get(k),
    })
}

fn span_of(e: &Error) -> Option<String> {
    e.span().map(|s| s.to_string())
}

/// What is wrong with an outcome, if anything.
fn check(
    c: &Case,
    code: Option<&str>,
    field: Option<&str>,
    got: Result<Value, Error>,
) -> Option<String> {
    match (got, &c.accept, c.via.as_deref()) {
        (Ok(v), Some(want), _) => {
            for (path, expected) in want {
                if at(&v, path) != Some(expected) {
                    return Some(format!("`{path}` is {:?}, not {expected}", at(&v, path)));
                }
            }
            None
        }
        (Ok(v), None, Some("result")) => {
            let errors: Vec<(String, String)> = v["errors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
                            (s("field"), s("code"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let want = vec![(
                field.unwrap_or("").to_string(),
                code.unwrap_or("").to_string(),
            )];
            (errors != want).then(|| format!("listed {errors:?}, expected {want:?}"))
        }
        (Ok(v), None, _) => {
            let mut shown = v.to_string();
            shown.truncate(200);
            Some(format!("answered {shown} instead of {code:?} at {field:?}"))
        }
        (Err(e), Some(_), _) | (Err(e), None, Some("result")) => Some(format!(
            "threw {} at {:?} ({}) instead of answering",
            e.code(),
            e.field(),
            short(&e)
        )),
        (Err(e), None, _) => {
            let mut wrong = Vec::new();
            if Some(e.code()) != code {
                wrong.push(format!("code {} (expected {code:?})", e.code()));
            }
            if e.field() != field {
                wrong.push(format!("field {:?} (expected {field:?})", e.field()));
            }
            if let Some(want) = &c.span {
                let got = span_of(&e);
                let got_file = e.span().map(|s| s.file.clone());
                let ok = if want.contains(':') {
                    got.as_deref() == Some(want.as_str())
                } else {
                    got_file.as_deref() == Some(want.as_str())
                };
                if !ok {
                    wrong.push(format!("span {got:?} (expected {want:?})"));
                }
            }
            // Messages are for people: never the whole of a 10 MB input.
            let len = e.to_string().len();
            if len > 2000 {
                wrong.push(format!("a message of {len} bytes"));
            }
            (!wrong.is_empty()).then(|| format!("{}: {}", wrong.join(", "), short(&e)))
        }
    }
}

fn short(e: &Error) -> String {
    let mut m = e.to_string();
    if m.len() > 300 {
        let mut cut = 300;
        while !m.is_char_boundary(cut) {
            cut -= 1;
        }
        m.truncate(cut);
        m.push('…');
    }
    m
}

/// A good ticket's answers, to compare a used engine with a fresh one.
fn good_answers(engine: &RuleEngine) -> Value {
    let ticket = json!({
        "id": "TT-1", "type": "incident", "summary": "Printer on floor 2 jams",
        "impact": "Single Building affected", "urgency": "Work Impaired", "service": "Printing",
        "contact": { "name": "Pat Doe" },
        "openedAt": "2026-03-16T14:00:00Z",
        "history": [{ "at": "2026-03-16T15:00:00Z", "status": "In Process", "event": "responded" }],
        "status": "In Process",
    });
    let now = parse_instant("2026-03-17T16:00:00Z", "now").unwrap();
    let cal = engine.calendar("business").unwrap();
    json!({
        "priority": to_json(engine.priority(&ticket)).unwrap(),
        "sla": to_json(engine.sla(&ticket, now)).unwrap(),
        "escalations": to_json(engine.escalations(&ticket, now, &[])).unwrap(),
        "validate": to_json(engine.validate(&ticket, None, None)).unwrap(),
        "transition": to_json(engine.transition(&ticket, "Resolved", None)).unwrap(),
        "add": format_instant(cal.add(now, 8 * 3600, &Pauses::none()).unwrap()),
    })
}

#[test]
fn the_malformed_input_catalogue() {
    // A thread with a main thread's stack (8 MB), not the test harness's 2 MB:
    // the deep-nesting cases are about the engine, not the harness.
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(catalogue)
        .unwrap()
        .join()
        .unwrap();
}

fn catalogue() {
    let cases = table();
    let engine = RuleEngine::embedded().unwrap();
    let fresh = good_answers(&RuleEngine::embedded().unwrap());
    let (mut failures, mut skipped, mut ran) = (Vec::new(), Vec::new(), 0);
    let mut names = std::collections::HashSet::new();
    for c in &cases {
        assert!(
            names.insert(c.name.clone()),
            "duplicate case name {:?}",
            c.name
        );
        assert!(!c.category.is_empty());
        let (args, code, field) = match (&c.native, c.js) {
            (Some(n), true) => {
                if let Some(why) = &n.skip {
                    skipped.push(format!("{}: {why}", c.name));
                    continue;
                }
                (
                    n.args.clone().unwrap_or_else(|| c.args.clone()),
                    n.code.clone().or_else(|| c.code.clone()),
                    if n.code.is_some() {
                        n.field.clone()
                    } else {
                        c.field.clone()
                    },
                )
            }
            (None, true) => panic!("{}: a js case needs a native analogue or a skip", c.name),
            (Some(_), false) => panic!("{}: `native` is only for js cases", c.name),
            (None, false) => (c.args.clone(), c.code.clone(), c.field.clone()),
        };
        if std::env::var("MALFORMED_SKIP").is_ok_and(|s| c.name.contains(&s)) {
            continue;
        }
        if std::env::var("MALFORMED_TRACE").is_ok() {
            eprintln!("case: {}", c.name);
        }
        let args = expand(&args);
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&engine, &c.op, &args)));
        ran += 1;
        match outcome {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: PANICKED: {msg}", c.name));
            }
            Ok(Err(NotNative(why))) => failures.push(format!(
                "{}: cannot run natively ({why}); mark it js",
                c.name
            )),
            Ok(Ok(got)) => {
                if let Some(wrong) = check(c, code.as_deref(), field.as_deref(), got) {
                    failures.push(format!("{}: {wrong}", c.name));
                }
            }
        }
    }
    for s in &skipped {
        println!("skipped natively: {s}");
    }
    println!("{ran} cases ran natively, {} skipped", skipped.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // No poisoned instance: the engine that saw every bad input answers a
    // good ticket exactly as a fresh one.
    assert_eq!(good_answers(&engine), fresh);
}

#[test]
fn the_catalogue_covers_every_category() {
    let cases = table();
    let errors = cases.iter().filter(|c| c.accept.is_none()).count();
    assert!(errors >= 60, "{errors} error cases");
    let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in &cases {
        *by.entry(c.category.as_str()).or_default() += 1;
    }
    for category in [
        "wrong type",
        "missing field",
        "empty string",
        "bad date",
        "unknown time zone",
        "bad interval",
        "absurd duration",
        "bad pauses",
        "bad history",
        "unknown status",
        "unknown value",
        "huge string",
        "deep nesting",
        "prototype keys",
        "rule file encoding",
        "duplicate definition",
        "incomplete pack",
        "js-only value",
    ] {
        assert!(by.contains_key(category), "no case of {category:?}: {by:?}");
    }
    for c in &cases {
        assert!(
            by.contains_key(c.category.as_str()),
            "{}: unknown category",
            c.name
        );
    }
    println!("{by:#?}");
}
