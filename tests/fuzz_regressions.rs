//! The fuzz targets' inputs on stable, in `cargo test`: every crash input
//! kept in `fuzz/regressions/<target>/` and the seed corpus in
//! `fuzz/corpus/<target>/`, run through exactly the logic of the targets
//! (their modules in `fuzz/src/`, compiled here with `#[path]`). A bug the
//! fuzzer once found stays found without nightly or cargo-fuzz.
//!
//! `business_time` decodes its bytes with `arbitrary` through the same
//! module as the target (`fuzz/src/business_time_input.rs`); a decoded
//! case kept as `*.json` (written with `FUZZ_DUMP_CASE`, readable in a
//! review) runs too.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/business_time.rs"]
mod business_time;
#[path = "../fuzz/src/business_time_input.rs"]
mod business_time_input;
#[path = "../fuzz/src/calendar_spec.rs"]
mod calendar_spec;
#[path = "../fuzz/src/pack_source.rs"]
mod pack_source;
#[path = "../fuzz/src/ticket_ops.rs"]
mod ticket_ops;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The files of `fuzz/<kind>/<target>/` whose name passes `keep`, sorted.
fn inputs(kind: &str, target: &str, keep: fn(&Path) -> bool) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && keep(p))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn raw(p: &Path) -> bool {
    !matches!(p.extension().and_then(|x| x.to_str()), Some("json" | "md"))
}

fn case_json(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "json")
}

/// Runs `f` on each file; fails naming every file that panicked.
fn replay(files: &[PathBuf], f: impl Fn(&[u8])) {
    let failed: Vec<String> = files
        .iter()
        .filter(|p| {
            let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            catch_unwind(AssertUnwindSafe(|| f(&data))).is_err()
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(failed.is_empty(), "panicked on: {failed:#?}");
}

fn both(target: &str) -> Vec<PathBuf> {
    let mut v = inputs("regressions", target, raw);
    v.extend(inputs("corpus", target, raw));
    v
}

#[test]
fn pack_source() {
    replay(&both("pack_source"), pack_source::run);
}

#[test]
fn ticket_ops() {
    replay(&both("ticket_ops"), ticket_ops::run);
}

#[test]
fn calendar_spec() {
    replay(&both("calendar_spec"), calendar_spec::run);
}

#[test]
fn business_time() {
    replay(&both("business_time"), |data| {
        if let Some(case) = business_time_input::decode(data) {
            business_time::check(&case);
        }
    });
    replay(&inputs("regressions", "business_time", case_json), |data| {
        let case: business_time::Case = serde_json::from_slice(data).expect("a case");
        business_time::check(&case);
    });
}

/// The seed corpus is there: an empty directory would make the replays
/// above pass vacuously.
#[test]
fn corpus_is_there() {
    for t in [
        "pack_source",
        "ticket_ops",
        "calendar_spec",
        "business_time",
    ] {
        assert!(
            !inputs("corpus", t, raw).is_empty(),
            "fuzz/corpus/{t} is empty"
        );
    }
    let decoded = inputs("corpus", "business_time", raw)
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|data| business_time_input::decode(data).is_some())
        .count();
    assert!(decoded > 0, "no business_time seed decodes to a case");
}
