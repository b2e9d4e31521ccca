//! Two things the crate embeds, made at build time:
//!
//! - The default pack: every `rules/*.rhai` file, so a file added to
//!   `rules/` is part of `RuleEngine::embedded()` without a second list to
//!   keep in step; and whether `src/pack/default.compiled.json` was
//!   compiled from exactly these files (its content hash), in which case
//!   `embedded()` loads it instead and the sources are not linked in. A
//!   stale one is a build warning (and a failing `tests/compiled.rs`).
//! - The zone table: `src/calendar/zones.bin` as it is, or, for a slim
//!   build, only the zones named in `TICKET_RULES_ZONES` at build time
//!   (comma-separated; a name ending in `/` keeps every zone under it):
//!   `TICKET_RULES_ZONES='America/,Europe/London' make wasm`. UTC is always
//!   kept (the `24x7` clock runs on it); a calendar naming a zone that was
//!   left out is refused at load with `UNKNOWN_TIMEZONE`. The format is
//!   described in `scripts/tz_compact.py`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[path = "src/pack/hash.rs"]
mod hash;

#[path = "src/calendar/zone_table.rs"]
#[allow(dead_code)]
mod zone_table;

const ZONES: &str = "src/calendar/zones.bin";
const FILTER: &str = "TICKET_RULES_ZONES";

fn main() {
    embed_default_pack();
    embed_zones();
}

fn embed_default_pack() {
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("rules/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rhai"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    let mut out = String::from("/// The default pack: `(file name, source)` of every `rules/*.rhai`.\npub const DEFAULT_PACK: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=rules/{n}");
        writeln!(
            out,
            "    ({n:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{n}\"))),"
        )
        .unwrap();
    }
    out.push_str("];\n");

    // The compiled form is fresh when its "hash" is these files' hash.
    const COMPILED: &str = "src/pack/default.compiled.json";
    println!("cargo:rerun-if-changed={COMPILED}");
    let sources: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            (
                n.clone(),
                fs::read_to_string(dir.join(n)).expect("a rules file is UTF-8"),
            )
        })
        .collect();
    let hash = hash::content_hash(&sources);
    let compiled = fs::read_to_string(COMPILED).unwrap_or_default();
    // The format (the first line) and the hash (the second) as `compile`
    // writes them; `tests/compiled.rs` compares the rest byte for byte.
    let fresh = compiled.starts_with(&format!(
        "{{\"ticketRulesPack\": 2,\n \"hash\": \"{hash}\","
    ));
    if !fresh {
        println!(
            "cargo:warning={COMPILED} is not compiled from rules/*.rhai: the default pack loads from source (slower) until `UPDATE_COMPILED=1 cargo test --test compiled` rewrites it"
        );
    }
    writeln!(
        out,
        "/// Whether `DEFAULT_COMPILED` was compiled from `DEFAULT_PACK`.\nconst DEFAULT_COMPILED_FRESH: bool = {fresh};"
    )
    .unwrap();
    // The slim build (no rhai) never compiles a file's functions; it reads
    // their sources only for where each `fn` is written.
    let slim =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default.slim.json");
    fs::write(slim, only_fn_lines(&compiled)).expect("OUT_DIR is writable");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_pack.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// A compiled pack's text with every line of its kept sources blanked but
/// those that may start a function (`fn …` or `private fn …`, after any
/// whitespace; a few more kept do no harm): the same lines and columns for
/// every function, without the rest of the files. Only the ` "functions":`
/// line is edited (the format writes it alone, before the calls), in its
/// escaped form: each `"source":"…"` string in it.
fn only_fn_lines(compiled: &str) -> String {
    const LINE: &str = "\n \"functions\": ";
    let Some(at) = compiled.find(LINE) else {
        return compiled.to_string();
    };
    let from = at + LINE.len();
    let to = compiled[from..]
        .find('\n')
        .map_or(compiled.len(), |n| from + n);
    let mut out = String::with_capacity(compiled.len());
    out.push_str(&compiled[..from]);
    out.push_str(&blank_sources(&compiled[from..to]));
    out.push_str(&compiled[to..]);
    out
}

/// [`only_fn_lines`] on the functions line.
fn blank_sources(line: &str) -> String {
    const KEY: &str = "\"source\":\"";
    // Whitespace as JSON writes it escaped, and as rhai reads it.
    const SPACES: [&str; 6] = [" ", "\\t", "\\f", "\\r", "\\u000b", "\\u000c"];
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(KEY) {
        out.push_str(&rest[..at + KEY.len()]);
        rest = &rest[at + KEY.len()..];
        // The string's escaped characters, one token each, to its end.
        let mut tokens: Vec<&str> = Vec::new();
        let mut i = 0;
        let bytes = rest.as_bytes();
        while i < bytes.len() && bytes[i] != b'"' {
            let len = match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'u') => 6,
                b'\\' => 2,
                _ => rest[i..].chars().next().map_or(1, char::len_utf8),
            };
            tokens.push(&rest[i..(i + len).min(rest.len())]);
            i += len;
        }
        let mut lines: Vec<Vec<&str>> = vec![Vec::new()];
        for t in tokens {
            if t == "\\n" {
                lines.push(Vec::new());
            } else if let Some(line) = lines.last_mut() {
                line.push(t);
            }
        }
        let kept: Vec<String> = lines
            .into_iter()
            .map(|line| {
                let first = line
                    .iter()
                    .position(|t| !SPACES.contains(t))
                    .unwrap_or(line.len());
                let text: String = line[first..].concat();
                if text.starts_with("fn") || text.starts_with("private") {
                    line.concat()
                } else {
                    String::new()
                }
            })
            .collect();
        out.push_str(&kept.join("\\n"));
        rest = &rest[i.min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn embed_zones() {
    println!("cargo:rerun-if-changed={ZONES}");
    println!("cargo:rerun-if-changed=src/calendar/zone_table.rs");
    println!("cargo:rerun-if-env-changed={FILTER}");
    let data = fs::read(ZONES).expect("src/calendar/zones.bin is readable");
    let out = match env::var(FILTER) {
        Ok(filter) if !filter.trim().is_empty() => {
            let slim = zone_table::filtered(&data, |name| zone_table::kept_by(&filter, name));
            println!(
                "cargo:warning=zones filtered by {FILTER}={filter}: {} of {} bytes",
                slim.len(),
                data.len()
            );
            slim
        }
        _ => data,
    };
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("zones.bin");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
