//! See `fuzz/src/business_time.rs`. The bytes become a [`Case`] through
//! `arbitrary`; `FUZZ_DUMP_CASE=path` writes the case as JSON (what
//! `tests/fuzz_regressions.rs` replays), e.g.
//! `FUZZ_DUMP_CASE=regressions/business_time/x.json cargo fuzz run business_time regressions/business_time/x`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ticket_rules_fuzz::business_time::check;
use ticket_rules_fuzz::business_time_input::decode;

fn dump_path() -> Option<&'static std::path::PathBuf> {
    static PATH: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| std::env::var_os("FUZZ_DUMP_CASE").map(Into::into))
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(case) = decode(data) else {
        return;
    };
    if let Some(path) = dump_path() {
        let json = serde_json::to_string_pretty(&case).unwrap_or_default();
        let _ = std::fs::write(path, json + "\n");
    }
    check(&case);
});
