//! The logic behind each fuzz target, kept free of libFuzzer and
//! `arbitrary` so that `tests/fuzz_regressions.rs` (stable, part of
//! `cargo test`) replays `fuzz/regressions/` through exactly the same code:
//! each module is also compiled there with `#[path]`.

pub mod business_time;
pub mod business_time_input;
pub mod calendar_spec;
pub mod pack_source;
pub mod ticket_ops;
