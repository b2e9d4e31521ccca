//! Tables shared by the native tests (`tests/*.rs`), the wasm tests
//! (`tests/wasm.rs`, in Node and headless Chromium) and the JS tests
//! (`tests/js/`): the data lives in `tests/data/`, read by all of them.
#![allow(dead_code)]

use serde::Deserialize;

/// One matrix cell and its five facts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub impact: String,
    pub urgency: String,
    pub clock: String,
    pub respond_seconds: u64,
    pub priority: String,
    pub process: Option<String>,
    pub resolve_seconds: u64,
}

#[derive(Debug, Deserialize)]
pub struct Cases {
    pub cells: Vec<Cell>,
    /// Impact description → level.
    pub aliases: std::collections::BTreeMap<String, String>,
    pub urgencies: Vec<String>,
}

/// Appendix A of the incident-management process, cell by cell.
pub fn cases() -> Cases {
    serde_json::from_str(include_str!("../data/matrix-cases.json"))
        .expect("matrix-cases.json parses")
}

/// A pack whose one file loops forever at load.
pub const RUNAWAY_LOAD: &str = "let x = 0;\nloop {\n    x += 1;\n}\n";

/// A small complete pack, for tests that only need a matrix.
pub const TINY_PACK: &str = include_str!("../data/tiny-pack.rhai");

/// A hook that loops forever when `ticket.service == "spin"`.
pub const RUNAWAY_HOOK: &str = include_str!("../data/runaway-hook.rhai");

/// The default pack's files with `name` set to `source`: replaced if the
/// pack has a file of that name, added otherwise.
pub fn default_pack_with(name: &str, source: &str) -> Vec<(String, String)> {
    let mut sources: Vec<(String, String)> = ticket_rules::DEFAULT_PACK
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    sources.push((name.to_string(), source.to_string()));
    sources
}

/// Every golden case's ticket, then every ticket of the malformed-input
/// catalogue: a spread of good and broken tickets for differential tests.
pub fn sample_tickets() -> Vec<serde_json::Value> {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../data/golden/cases.json")).expect("cases.json");
    let malformed: serde_json::Value =
        serde_json::from_str(include_str!("../data/malformed.json")).expect("malformed.json");
    let cases = golden["cases"].as_array().into_iter().flatten();
    let broken = malformed.as_array().into_iter().flatten();
    cases
        .map(|c| c["ticket"].clone())
        .chain(broken.filter_map(|c| c["args"].get("ticket").cloned()))
        .collect()
}
