//! See `fuzz/src/calendar_spec.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ticket_rules_fuzz::calendar_spec::run(data));
