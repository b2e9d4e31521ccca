//! # ticket-rules
//!
//! A rules engine for IT service-desk tickets. One rule pack, written as
//! [rhai](https://rhai.rs) scripts, decides a ticket's priority from an
//! impact × urgency matrix with the SLA targets of each cell. The same pack
//! gives the same answers natively, in Node and in the browser (through
//! the WebAssembly build).
//!
//! ```
//! use ticket_rules::RuleEngine;
//! use serde_json::json;
//!
//! let engine = RuleEngine::embedded()?; // the default pack, from rules/
//! let p = engine.priority(&json!({
//!     "impact": "Single Building affected",
//!     "urgency": "Work Impaired",
//!     "customerSeverity": "Work Stopped - No workaround",
//! }))?;
//! assert_eq!(p.priority, "Standard");
//! assert_eq!(p.impact_level, "Minor");
//! assert_eq!(p.clock, "business");
//! assert_eq!(p.customer_priority.as_deref(), Some("High"));
//! # Ok::<(), ticket_rules::Error>(())
//! ```
//!
//! Modules: [`error`] (the one error type and its codes), [`priority`]
//! (the matrix), [`pack`] (loading rhai packs, the sandbox, hooks),
//! [`duration`] (`"4h"` → seconds), [`ticket`] (reading ticket fields),
//! [`json`] (reading JSON without owning it: a ticket as a `Value` or as a
//! [`json::Doc`] that borrows its strings from the text).
//! The JS binding lives in `src/wasm.rs`, the only module that knows about
//! wasm-bindgen; answers cross to JS as a tape (`src/tape.rs`).
//!
//! Nothing reachable panics: a panic in wasm kills the instance for the
//! whole page. The lints below turn every `unwrap`, `expect`, index and
//! slice that could panic into a build error outside tests; the code uses
//! `get`, iterators and coded errors instead.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::exit
    )
)]

pub mod calendar;
pub mod duration;
pub mod engine;
pub mod error;
pub mod escalation;
pub mod form;
pub mod json;
pub mod pack;
pub mod packs;
pub mod priority;
pub mod queue;
pub mod sla;
mod spec;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod tape;
pub mod ticket;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{RuleEngine, DEFAULT_PACK};
pub use error::{Error, Result, Span, ERROR_CODES};
pub use form::Requester;
pub use priority::PriorityResult;
