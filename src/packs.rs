//! Several packs loaded at once, by version.
//!
//! Every result carries the version of the pack that computed it. A host
//! that keeps its old packs can answer for a ticket under the rules it was
//! opened with: stamp `packVersion` on the ticket when it opens (from its
//! first result), and [`PackSet::for_ticket`] picks that pack; a ticket
//! without one gets the newest.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::RuleEngine;

/// What the set needs of a loaded pack.
pub trait Versioned {
    /// The version the pack declares.
    fn pack_version(&self) -> &str;
    /// A hash of the pack's files (two loads of the same files agree).
    fn pack_hash(&self) -> &str;
}

impl Versioned for RuleEngine {
    fn pack_version(&self) -> &str {
        RuleEngine::pack_version(self)
    }
    fn pack_hash(&self) -> &str {
        self.pack().hash()
    }
}

impl<T: Versioned> Versioned for std::rc::Rc<T> {
    fn pack_version(&self) -> &str {
        (**self).pack_version()
    }
    fn pack_hash(&self) -> &str {
        (**self).pack_hash()
    }
}

/// Loaded packs by version, newest (last added) first in line.
///
/// ```
/// use ticket_rules::{RuleEngine, packs::PackSet};
/// use serde_json::json;
/// let mut packs = PackSet::new();
/// packs.add(RuleEngine::embedded()?)?;
/// let ticket = json!({ "impact": "Critical", "urgency": "Work Impaired",
///                      "packVersion": "2026.12.1" });
/// assert_eq!(packs.for_ticket(&ticket)?.priority(&ticket)?.priority, "High");
/// let old = json!({ "impact": "Critical", "urgency": "Work Impaired", "packVersion": "2019.1" });
/// assert_eq!(packs.for_ticket(&old).unwrap_err().code(), "UNKNOWN_PACK_VERSION");
/// # Ok::<(), ticket_rules::Error>(())
/// ```
#[derive(Debug)]
pub struct PackSet<E = RuleEngine> {
    packs: Vec<E>,
}

impl<E> Default for PackSet<E> {
    fn default() -> Self {
        PackSet { packs: Vec::new() }
    }
}

impl<E: Versioned> PackSet<E> {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pack; it becomes the newest. The same files again are a
    /// no-op; different files under a version already loaded are refused
    /// (`PACK_INVALID`): a version must name one set of rules.
    pub fn add(&mut self, pack: E) -> Result<()> {
        if let Some(i) = self.index(pack.pack_version()) {
            let same = self
                .packs
                .get(i)
                .is_some_and(|p| p.pack_hash() == pack.pack_hash());
            if !same {
                return Err(Error::pack(
                    None,
                    format!(
                        "version {:?} is loaded already, with other rules: give the changed pack a new version",
                        pack.pack_version()
                    ),
                ));
            }
            // Already there: it becomes the newest.
            let p = self.packs.remove(i);
            self.packs.push(p);
            return Ok(());
        }
        self.packs.push(pack);
        Ok(())
    }

    fn index(&self, version: &str) -> Option<usize> {
        self.packs.iter().position(|p| p.pack_version() == version)
    }

    /// The pack of `version`, if loaded.
    pub fn get(&self, version: &str) -> Option<&E> {
        self.packs.iter().find(|p| p.pack_version() == version)
    }

    /// The newest pack.
    pub fn latest(&self) -> Option<&E> {
        self.packs.last()
    }

    /// The loaded versions, oldest first.
    pub fn versions(&self) -> Vec<&str> {
        self.packs.iter().map(Versioned::pack_version).collect()
    }

    /// Removes the pack of `version`; whether it was there.
    pub fn remove(&mut self, version: &str) -> bool {
        match self.index(version) {
            Some(i) => {
                self.packs.remove(i);
                true
            }
            None => false,
        }
    }

    /// The pack a ticket is answered by: the one its `packVersion` names,
    /// or the newest if it names none (`null` and `""` count as none).
    pub fn for_ticket(&self, ticket: &Value) -> Result<&E> {
        let named = match ticket.get("packVersion") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                return Err(Error::InvalidType {
                    field: "packVersion".into(),
                    expected: "string",
                    found: crate::ticket::json_type(other),
                })
            }
        };
        let unknown = |value: &str| Error::UnknownPackVersion {
            value: value.to_string(),
            allowed: self.versions().iter().map(|v| v.to_string()).collect(),
        };
        match named {
            Some(v) => self.get(v).ok_or_else(|| unknown(v)),
            None => self.latest().ok_or_else(|| unknown("(newest)")),
        }
    }
}
