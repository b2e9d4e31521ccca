//! See `fuzz/src/pack_source.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ticket_rules_fuzz::pack_source::run(data));
