//! The SLA policy a pack declares with `sla(#{...})`: statuses, which pause
//! the clocks, which are customer time, which stop the Resolved By clock,
//! and what a priority change does to running clocks.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ticket::json_type;

/// What a priority change does to a running clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnPriorityChange {
    /// Keep the business time already used and apply the new target
    /// (the default).
    Keep,
    /// Start the clock again from the change, with the new target.
    Restart,
}

/// How a pack's SLA clocks run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    /// Every status a ticket may have; the first is a new ticket's.
    pub statuses: Vec<String>,
    /// Statuses in which both clocks are paused.
    pub pause: Vec<String>,
    /// Statuses counted as customer time (RFC 1297), excluded from MTTR.
    pub customer_time: Vec<String>,
    /// Statuses in which the Resolved By clock has stopped; leaving them
    /// (e.g. to Customer Responded) starts it again.
    pub resolved: Vec<String>,
    /// Statuses in which a ticket is closed for good (a parent with child
    /// tickets enters them only once every child is in one).
    pub closed: Vec<String>,
    /// The history event that stops the Respond By clock.
    pub responded_event: String,
    /// What a priority change does.
    pub on_priority_change: OnPriorityChange,
    /// Ticket types that open at another status than the first (their
    /// `initial`), with that status as the policy spells it: set when the
    /// pack is assembled, from its types.
    #[serde(skip)]
    pub(crate) openings: Vec<(String, String)>,
}

impl Default for SlaPolicy {
    /// The incident-management process of the seeds.
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        SlaPolicy {
            statuses: s(&[
                "New",
                "In Process",
                "Wait Customer",
                "Wait Vendor",
                "Resolved",
                "Customer Responded",
                "Closed",
            ]),
            pause: s(&["Wait Customer", "Wait Vendor"]),
            customer_time: s(&["Wait Customer"]),
            resolved: s(&["Resolved", "Closed"]),
            closed: s(&["Closed"]),
            responded_event: "responded".into(),
            on_priority_change: OnPriorityChange::Keep,
            openings: Vec::new(),
        }
    }
}

const KEYS: [&str; 6] = [
    "statuses",
    "pause",
    "customer_time",
    "resolved",
    "responded_event",
    "on_priority_change",
];

impl SlaPolicy {
    /// The declared status matching `s` (case and outer spaces ignored).
    pub fn status(&self, s: &str) -> Option<usize> {
        let s = s.trim();
        self.statuses
            .iter()
            .position(|x| crate::priority::same_name(x, s))
    }

    /// A status as the policy spells it (matching is case-insensitive).
    pub fn canonical(&self, s: &str) -> Option<&str> {
        self.status(s)
            .and_then(|i| self.statuses.get(i))
            .map(String::as_str)
    }

    /// The status a ticket is at before its history names one: its type's
    /// `initial`, else the first status.
    pub(crate) fn opening_status<J: crate::json::JsonView>(&self, ticket: &J) -> &str {
        let first = self.statuses.first().map_or("", String::as_str);
        if self.openings.is_empty() {
            return first;
        }
        let Some(ty) = ticket.get("type").and_then(J::as_str) else {
            return first;
        };
        self.openings
            .iter()
            .find(|(t, _)| crate::priority::same_name(t, ty.trim()))
            .map_or(first, |(_, s)| s.as_str())
    }

    fn is_in(list: &[String], status: &str) -> bool {
        list.iter().any(|x| x == status)
    }

    /// Whether the clocks pause in `status` (a declared name).
    pub fn pauses(&self, status: &str) -> bool {
        Self::is_in(&self.pause, status)
    }

    /// Whether `status` is customer time.
    pub fn is_customer_time(&self, status: &str) -> bool {
        Self::is_in(&self.customer_time, status)
    }

    /// Whether the Resolved By clock has stopped in `status`.
    pub fn is_resolved(&self, status: &str) -> bool {
        Self::is_in(&self.resolved, status)
    }

    /// A policy from the map given to `sla(#{...})`; missing keys keep
    /// the default's value.
    pub fn from_json(v: &Value) -> Result<SlaPolicy, String> {
        let Value::Object(o) = v else {
            return Err(format!("sla(...) takes a map, not {}", json_type(v)));
        };
        if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("unknown key `{k}` (expected {})", KEYS.join(", ")));
        }
        let mut p = SlaPolicy::default();
        let list = |k: &str| -> Result<Option<Vec<String>>, String> {
            match o.get(k) {
                None => Ok(None),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("`{k}` must be an array of strings"))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(_) => Err(format!("`{k}` must be an array of strings")),
            }
        };
        if let Some(s) = list("statuses")? {
            p.statuses = s;
        }
        if p.statuses.is_empty() {
            return Err("`statuses` needs at least one status".into());
        }
        let mut seen = crate::json::Names::default();
        for s in &p.statuses {
            if s.trim().is_empty() || !seen.insert(s.to_ascii_lowercase()) {
                return Err(format!("status {s:?} is empty or listed twice"));
            }
        }
        // Subsets name declared statuses; stored by their declared names.
        let subset = |k: &str, default: Vec<String>| -> Result<Vec<String>, String> {
            let given = list(k)?.unwrap_or(default);
            given
                .iter()
                .map(|s| {
                    p.canonical(s)
                        .map(str::to_string)
                        .ok_or_else(|| format!("`{k}` names {s:?}, which is not in `statuses`"))
                })
                .collect()
        };
        let pause = subset("pause", p.pause.clone())?;
        let customer_time = subset("customer_time", p.customer_time.clone())?;
        let resolved = subset("resolved", p.resolved.clone())?;
        let closed = subset("closed", p.closed.clone())?;
        p.closed = closed;
        p.pause = pause;
        p.customer_time = customer_time;
        p.resolved = resolved;
        match o.get("responded_event") {
            None => {}
            Some(Value::String(s)) if !s.trim().is_empty() => p.responded_event = s.clone(),
            Some(_) => return Err("`responded_event` must be a non-empty string".into()),
        }
        match o.get("on_priority_change").and_then(Value::as_str) {
            None if o.get("on_priority_change").is_none() => {}
            Some("keep") => p.on_priority_change = OnPriorityChange::Keep,
            Some("restart") => p.on_priority_change = OnPriorityChange::Restart,
            _ => return Err("`on_priority_change` must be \"keep\" or \"restart\"".into()),
        }
        Ok(p)
    }

    /// The error for a status the policy does not know.
    pub(crate) fn unknown_status(&self, field: String, value: &str) -> Error {
        Error::UnknownStatus {
            field,
            value: value.chars().take(64).collect(),
            allowed: self.statuses.clone(),
        }
    }
}
