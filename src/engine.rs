//! [`RuleEngine`]: a loaded pack and the operations on tickets.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pack::Pack;
use crate::priority::{CellRef, Matrix, PriorityResult};
use crate::ticket::{expect_object, Field};

include!(concat!(env!("OUT_DIR"), "/default_pack.rs"));

/// A rule pack, loaded and ready to answer for tickets.
///
/// ```
/// use ticket_rules::RuleEngine;
/// use serde_json::json;
///
/// let engine = RuleEngine::embedded()?;
/// let p = engine.priority(&json!({
///     "impact": "Entire University affected",
///     "urgency": "Work Stopped - No workaround",
/// }))?;
/// assert_eq!(p.priority, "Emergency");
/// assert_eq!(p.process.as_deref(), Some("Outage Management"));
/// assert_eq!((p.respond_seconds, p.resolve_seconds), (15 * 60, 4 * 3600));
/// # Ok::<(), ticket_rules::Error>(())
/// ```
#[derive(Debug)]
pub struct RuleEngine {
    pack: Pack,
}

impl RuleEngine {
    /// The default pack, embedded in the binary from `rules/`.
    pub fn embedded() -> Result<Self> {
        Self::from_sources(DEFAULT_PACK.iter().map(|(n, s)| (*n, *s)))
    }

    /// A pack from `(file name, rhai source)` pairs. Fails with the first
    /// error; [`check_sources`](Self::check_sources) lists them all.
    pub fn from_sources<N, S>(sources: impl IntoIterator<Item = (N, S)>) -> Result<Self>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::load(collect(sources))
            .map(|pack| RuleEngine { pack })
            .map_err(first)
    }

    /// Every error in a pack, in file order; empty when it loads.
    pub fn check_sources<N, S>(sources: impl IntoIterator<Item = (N, S)>) -> Vec<Error>
    where
        N: Into<String>,
        S: Into<String>,
    {
        Pack::load(collect(sources)).err().unwrap_or_default()
    }

    /// A pack from the `*.rhai` files in `dir` (not its subdirectories).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::from_sources(Pack::read_dir(dir.as_ref())?)
    }

    /// The loaded pack.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The pack's version: every output carries it.
    pub fn pack_version(&self) -> &str {
        self.pack.version()
    }

    /// The priority matrix.
    pub fn matrix(&self) -> &Matrix {
        self.pack.matrix()
    }

    /// The priority of a ticket (a JSON object with `impact`, `urgency` and
    /// optionally `customerSeverity`), after the pack's `adjust_priority`
    /// hook if it has one.
    pub fn priority(&self, ticket: &Value) -> Result<PriorityResult> {
        expect_object(ticket)?;
        let at = self.locate(
            Field::of(ticket, "impact"),
            Field::of(ticket, "urgency"),
            Field::of(ticket, "customerSeverity"),
        )?;
        self.priority_at(at, ticket)
    }

    /// The priority for the three inputs directly.
    pub fn priority_of(
        &self,
        impact: &str,
        urgency: &str,
        customer_severity: Option<&str>,
    ) -> Result<PriorityResult> {
        let at = self.locate(
            Field::Text(impact),
            Field::Text(urgency),
            customer_severity.map_or(Field::Absent, Field::Text),
        )?;
        if self.pack.has_priority_hook() {
            let mut ticket = serde_json::Map::new();
            ticket.insert("impact".into(), impact.into());
            ticket.insert("urgency".into(), urgency.into());
            if let Some(cs) = customer_severity {
                ticket.insert("customerSeverity".into(), cs.into());
            }
            return self.priority_at(at, &Value::Object(ticket));
        }
        self.cell_result(at)
    }

    /// Priorities for many tickets; one result per ticket, in order.
    pub fn priorities(&self, tickets: &[Value]) -> Vec<Result<PriorityResult>> {
        tickets.iter().map(|t| self.priority(t)).collect()
    }

    /// Which matrix cell the inputs fall in, with the same checks and
    /// errors as [`priority`](Self::priority). For bindings that keep
    /// per-cell values: the result is [`Matrix::result`] of this cell
    /// when the pack has no priority hook.
    pub fn locate(
        &self,
        impact: Field<'_>,
        urgency: Field<'_>,
        customer_severity: Field<'_>,
    ) -> Result<CellRef> {
        self.matrix().locate(impact, urgency, customer_severity)
    }

    /// The result for a located cell of `ticket`, hook applied.
    pub fn priority_at(&self, at: CellRef, ticket: &Value) -> Result<PriorityResult> {
        let result = self.cell_result(at)?;
        if self.pack.has_priority_hook() {
            return self.pack.adjust_priority(ticket, result);
        }
        Ok(result)
    }

    fn cell_result(&self, at: CellRef) -> Result<PriorityResult> {
        self.matrix()
            .result(at, self.pack_version())
            .ok_or_else(|| Error::input("cell out of range"))
    }
}

fn collect<N: Into<String>, S: Into<String>>(
    sources: impl IntoIterator<Item = (N, S)>,
) -> Vec<(String, String)> {
    sources
        .into_iter()
        .map(|(n, s)| (n.into(), s.into()))
        .collect()
}

fn first(mut errors: Vec<Error>) -> Error {
    if errors.is_empty() {
        Error::pack(None, "the pack failed to load")
    } else {
        errors.swap_remove(0)
    }
}
