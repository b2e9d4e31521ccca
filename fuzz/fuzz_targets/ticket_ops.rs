//! See `fuzz/src/ticket_ops.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ticket_rules_fuzz::ticket_ops::run(data));
