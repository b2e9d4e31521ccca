//! The priority matrix: impact levels × urgency levels → a cell with the
//! priority, the SLA clock, the Respond By and Resolved By targets and the
//! process the cell invokes.
//!
//! A [`Matrix`] is plain data, built once when a pack loads; a lookup is a
//! few string comparisons and an index, and never runs rhai.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ticket::Field;

/// An impact or urgency level: its name and the other words that mean it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    /// The level's name, e.g. `Critical`.
    pub name: String,
    /// Other spellings accepted for it, e.g. `Entire University affected`.
    pub aliases: Vec<String>,
    /// Name and aliases, lowercased, for case-insensitive matching.
    #[serde(skip)]
    keys: Vec<String>,
}

impl Level {
    /// A level with its aliases.
    pub fn new(name: impl Into<String>, aliases: Vec<String>) -> Self {
        let mut level = Level {
            name: name.into(),
            aliases,
            keys: Vec::new(),
        };
        level.keys = level.spellings().map(fold).collect();
        level
    }

    /// Its name, then its aliases, as the pack writes them.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Name and aliases as the matrix matches them (folded, in that
    /// order): a pack refuses two levels that share one.
    pub(crate) fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Whether a trimmed input, whose ASCII-ness is known (a search checks
    /// that once, not once per key), names this level.
    fn matches(&self, input: &str, ascii: bool) -> bool {
        self.keys.iter().any(|k| folded_eq(k, input, ascii))
    }
}

/// Case-folds and trims a key once, at load: char by char, as
/// [`folded_eq`] compares (so not `str::to_lowercase`, which writes a
/// word-final capital sigma as `ς`).
pub(crate) fn fold(s: &str) -> String {
    s.trim().chars().flat_map(char::to_lowercase).collect()
}

/// `fold(input) == key` without allocating, for a trimmed input: the
/// per-ticket comparison.
fn folded_eq(key: &str, input: &str, ascii: bool) -> bool {
    if ascii {
        key.len() == input.len() && key.as_bytes().eq_ignore_ascii_case(input.as_bytes())
    } else {
        input.chars().flat_map(char::to_lowercase).eq(key.chars())
    }
}

/// Whether two names are the same but for case, folded char by char as
/// the matrix folds (so `Σοβαρο` is `ΣΟΒΑΡΟ` in a menu, a condition, a
/// lookup or a status, as it is in the matrix): every comparison of names
/// a person types goes through here.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    // Byte by byte while both are ASCII: a difference there is a
    // difference of the folded texts too (an ASCII char folds to one ASCII
    // char, and no char folds to nothing), so most pairs are told apart
    // at their first byte.
    for (p, q) in a.bytes().zip(b.bytes()) {
        if !p.is_ascii() || !q.is_ascii() {
            return a
                .chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase));
        }
        if !p.eq_ignore_ascii_case(&q) {
            return false;
        }
    }
    a.len() == b.len()
}

/// The five facts of one matrix cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Which clock the SLA runs on: `24x7` or a calendar of the pack
    /// (`business` in the default pack).
    pub clock: String,
    /// Respond By target in seconds.
    pub respond_seconds: u64,
    /// Index into [`Matrix::priorities`].
    pub priority: usize,
    /// The higher-level process the cell invokes, if any.
    pub process: Option<String>,
    /// Resolved By target in seconds.
    pub resolve_seconds: u64,
}

/// The matrix: levels on both axes, priorities in order, and every cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Impact levels, highest first.
    pub impacts: Vec<Level>,
    /// Urgency levels, most urgent first.
    pub urgencies: Vec<Level>,
    /// Priority names, highest first.
    pub priorities: Vec<String>,
    /// `cells[urgency * impacts.len() + impact]`.
    cells: Vec<Cell>,
}

/// Which cell a ticket falls in: indices, so a binding can reuse values it
/// built once per cell instead of converting strings on every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef {
    /// Index into [`Matrix::impacts`].
    pub impact: usize,
    /// Index into [`Matrix::urgencies`].
    pub urgency: usize,
    /// The customer's severity as an index into [`Matrix::urgencies`], when
    /// the ticket carries one.
    pub customer_severity: Option<usize>,
}

/// The answer to "what priority is this ticket?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityResult {
    /// The service's priority, e.g. `Emergency`.
    pub priority: String,
    /// The impact level the ticket's impact maps to, e.g. `Critical`.
    pub impact_level: String,
    /// The urgency level (canonical name).
    pub urgency: String,
    /// `24x7` or the calendar the SLA clock runs on.
    pub clock: String,
    /// Respond By target, seconds.
    pub respond_seconds: u64,
    /// Resolved By target, seconds.
    pub resolve_seconds: u64,
    /// `Outage Management`, `Problem Management`, or `null`.
    pub process: Option<String>,
    /// What the customer said the severity is (canonical urgency name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_severity: Option<String>,
    /// The priority the customer's severity would have given: the customer's
    /// view beside the service's (RFC 1297).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_priority: Option<String>,
    /// Why a pack's `adjust_priority` hook changed the result, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The version of the pack that computed this.
    pub pack_version: String,
}

impl Matrix {
    /// Builds a matrix; `cells` is urgency-major (`cells[u][i]`), and must be
    /// complete. The pack loader checks everything first and reports it with
    /// positions; this re-checks the shape so a `Matrix` is always whole.
    pub fn new(
        impacts: Vec<Level>,
        urgencies: Vec<Level>,
        priorities: Vec<String>,
        cells: Vec<Vec<Cell>>,
    ) -> Result<Self> {
        if impacts.is_empty() || urgencies.is_empty() || priorities.is_empty() {
            return Err(Error::pack(
                None,
                "the matrix needs at least one impact level, urgency and priority",
            ));
        }
        if cells.len() != urgencies.len() || cells.iter().any(|r| r.len() != impacts.len()) {
            return Err(Error::pack(None, "the matrix is missing cells"));
        }
        if let Some(c) = cells
            .iter()
            .flatten()
            .find(|c| c.priority >= priorities.len())
        {
            return Err(Error::pack(
                None,
                format!("cell priority index {} out of range", c.priority),
            ));
        }
        Ok(Matrix {
            impacts,
            urgencies,
            priorities,
            cells: cells.into_iter().flatten().collect(),
        })
    }

    /// The cell at `(impact, urgency)`; `None` when out of range.
    pub fn cell(&self, impact: usize, urgency: usize) -> Option<&Cell> {
        if impact >= self.impacts.len() {
            return None;
        }
        self.cells.get(urgency * self.impacts.len() + impact)
    }

    /// The impact level `input` names (a level name or alias, any case).
    pub fn impact_index(&self, input: &str) -> Result<usize> {
        find(&self.impacts, input).ok_or_else(|| Error::UnknownImpact {
            field: "impact".into(),
            value: clip(input),
            allowed: allowed(&self.impacts),
        })
    }

    /// The urgency `input` names.
    pub fn urgency_index(&self, input: &str) -> Result<usize> {
        find(&self.urgencies, input).ok_or_else(|| Error::UnknownUrgency {
            field: "urgency".into(),
            value: clip(input),
            allowed: allowed(&self.urgencies),
        })
    }

    /// The impact level `input` names, if it names one: as
    /// [`Matrix::impact_index`], without making the error.
    pub(crate) fn find_impact(&self, input: &str) -> Option<usize> {
        find(&self.impacts, input)
    }

    /// The urgency `input` names, if it names one: as
    /// [`Matrix::urgency_index`], without making the error.
    pub(crate) fn find_urgency(&self, input: &str) -> Option<usize> {
        find(&self.urgencies, input)
    }

    /// The cell whose targets a ticket set directly to priority `rank`
    /// gets: every cell with that priority, if they all agree on clock and
    /// targets (they do in the default pack); `None` if they differ.
    pub fn targets_of(&self, rank: usize) -> Option<&Cell> {
        let mut cells = self.cells.iter().filter(|c| c.priority == rank);
        let first = cells.next()?;
        cells
            .all(|c| {
                c.clock == first.clock
                    && c.respond_seconds == first.respond_seconds
                    && c.resolve_seconds == first.resolve_seconds
            })
            .then_some(first)
    }

    /// Rank of a priority name, 0 = highest.
    pub fn priority_rank(&self, name: &str) -> Option<usize> {
        self.priorities.iter().position(|p| p == name)
    }

    /// Finds the cell for the three priority inputs of a ticket.
    ///
    /// Impact is checked before urgency; a missing or mistyped field is
    /// reported as such, an unknown value with the values allowed.
    pub fn locate(
        &self,
        impact: Field<'_>,
        urgency: Field<'_>,
        customer_severity: Field<'_>,
    ) -> Result<CellRef> {
        let impact = self.impact_index(impact.required_str("impact")?)?;
        let urgency = self.urgency_index(urgency.required_str("urgency")?)?;
        let customer_severity = match customer_severity.optional_str("customerSeverity")? {
            None => None,
            Some(s) => Some(
                find(&self.urgencies, s).ok_or_else(|| Error::UnknownSeverity {
                    field: "customerSeverity".into(),
                    value: clip(s),
                    allowed: allowed(&self.urgencies),
                })?,
            ),
        };
        Ok(CellRef {
            impact,
            urgency,
            customer_severity,
        })
    }

    /// Every cell reference, with and without each customer severity, in
    /// the order of [`cell_index`](Self::cell_index): what a table of
    /// every possible result is built from.
    pub fn cell_refs(&self) -> impl Iterator<Item = CellRef> + '_ {
        let (impacts, urgencies) = (self.impacts.len(), self.urgencies.len());
        (0..urgencies).flat_map(move |urgency| {
            (0..impacts).flat_map(move |impact| {
                std::iter::once(None).chain((0..urgencies).map(Some)).map(
                    move |customer_severity| CellRef {
                        impact,
                        urgency,
                        customer_severity,
                    },
                )
            })
        })
    }

    /// Where `at` is in [`cell_refs`](Self::cell_refs); `None` out of range.
    pub fn cell_index(&self, at: CellRef) -> Option<usize> {
        let (impacts, urgencies) = (self.impacts.len(), self.urgencies.len());
        let in_range = at.impact < impacts
            && at.urgency < urgencies
            && at.customer_severity.is_none_or(|s| s < urgencies);
        let k = at.customer_severity.map_or(0, |s| s + 1);
        in_range.then(|| (at.urgency * impacts + at.impact) * (1 + urgencies) + k)
    }

    /// The full result for a located cell.
    pub fn result(&self, at: CellRef, pack_version: &str) -> Option<PriorityResult> {
        let cell = self.cell(at.impact, at.urgency)?;
        let customer = match at.customer_severity {
            Some(s) => Some((
                self.urgencies.get(s)?.name.clone(),
                self.priorities
                    .get(self.cell(at.impact, s)?.priority)?
                    .clone(),
            )),
            None => None,
        };
        let (customer_severity, customer_priority) = customer.unzip();
        Some(PriorityResult {
            priority: self.priorities.get(cell.priority)?.clone(),
            impact_level: self.impacts.get(at.impact)?.name.clone(),
            urgency: self.urgencies.get(at.urgency)?.name.clone(),
            clock: cell.clock.clone(),
            respond_seconds: cell.respond_seconds,
            resolve_seconds: cell.resolve_seconds,
            process: cell.process.clone(),
            customer_severity,
            customer_priority,
            reason: None,
            pack_version: pack_version.to_string(),
        })
    }
}

/// At most 64 characters of a value, for an error (a 10 MB impact is not
/// worth repeating).
fn clip(value: &str) -> String {
    value.chars().take(64).collect()
}

/// The matrix as data for a portal: levels with their aliases (menus),
/// priorities, and every cell (`cells[urgency][impact]`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixView<'a> {
    /// Impact levels, highest first, with aliases.
    pub impacts: &'a [Level],
    /// Urgency levels, most urgent first.
    pub urgencies: &'a [Level],
    /// Priority names, highest first.
    pub priorities: &'a [String],
    /// One row per urgency, one cell per impact.
    pub cells: Vec<Vec<CellView<'a>>>,
}

/// One cell of a [`MatrixView`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CellView<'a> {
    /// The priority name.
    pub priority: &'a str,
    /// The clock.
    pub clock: &'a str,
    /// Respond By, seconds.
    pub respond_seconds: u64,
    /// Resolved By, seconds.
    pub resolve_seconds: u64,
    /// The process, or `null`.
    pub process: Option<&'a str>,
}

impl Matrix {
    /// The whole matrix as serialisable data.
    pub fn view(&self) -> MatrixView<'_> {
        let cells = self
            .cells
            .chunks(self.impacts.len().max(1))
            .map(|row| {
                row.iter()
                    .map(|c| CellView {
                        priority: self.priorities.get(c.priority).map_or("", String::as_str),
                        clock: &c.clock,
                        respond_seconds: c.respond_seconds,
                        resolve_seconds: c.resolve_seconds,
                        process: c.process.as_deref(),
                    })
                    .collect()
            })
            .collect();
        MatrixView {
            impacts: &self.impacts,
            urgencies: &self.urgencies,
            priorities: &self.priorities,
            cells,
        }
    }
}

fn find(levels: &[Level], input: &str) -> Option<usize> {
    let trimmed = crate::ticket::trimmed(input);
    let ascii = trimmed.is_ascii();
    levels.iter().position(|l| l.matches(trimmed, ascii))
}

/// Level names first, then aliases, as people would read them.
fn allowed(levels: &[Level]) -> Vec<String> {
    let names = levels.iter().map(|l| l.name.clone());
    let aliases = levels.iter().flat_map(|l| l.aliases.iter().cloned());
    names.chain(aliases).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_is_the_char_by_char_fold() {
        let words = [
            "",
            "a",
            "A",
            "ab",
            "AB",
            "aB",
            "abc",
            "k",
            "K",
            "\u{212A}",
            "kx",
            "\u{212A}x",
            "ΟΔΟΣ",
            "οδοσ",
            "οδος",
            "Σοβαρο",
            "İ",
            "i\u{307}",
            "i",
            "Größe",
            "GRÖSSE",
            "größe",
            "Zoë",
            "ZOË",
            "zoe",
        ];
        let reference = |a: &str, b: &str| {
            a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase))
        };
        for a in words {
            for b in words {
                assert_eq!(super::same_name(a, b), reference(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn folded_matching_ignores_case_and_outer_space() {
        let levels = [
            Level::new("Critical", vec!["Entire University affected".into()]),
            Level::new("Größe", vec![]),
        ];
        assert_eq!(find(&levels, "critical"), Some(0));
        assert_eq!(find(&levels, "  ENTIRE university AFFECTED "), Some(0));
        assert_eq!(find(&levels, "Entire University"), None);
        assert_eq!(find(&levels, "GRÖßE"), Some(1));
        assert_eq!(find(&levels, " größe "), Some(1));
        // Whitespace of every kind at either end, or none.
        assert_eq!(find(&levels, "\u{3000}critical\u{a0}"), Some(0));
        assert_eq!(find(&levels, "critical\t"), Some(0));
        assert_eq!(find(&levels, "\ncritical"), Some(0));
        assert_eq!(find(&levels, "critical."), None);
        assert_eq!(find(&levels, ""), None);
        assert_eq!(find(&levels, " "), None);
    }
}
