//! Per-field permissions by user role (RFC 1297: "Permissions should be
//! specifiable on a per-field basis. General read access to tickets (or
//! portions of tickets) also needs to be restricted."). The host
//! authenticates; the pack says what each role may read, set when it
//! creates a ticket, and change later, and at which statuses.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Who may do one thing with a field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Grant {
    /// Every role, at every status (what a field without `access` gets).
    #[default]
    All,
    /// The roles named, each at any status (`None`) or at the statuses
    /// listed. Empty: nobody.
    Roles(BTreeMap<String, Option<Vec<String>>>),
}

impl Grant {
    /// Whether `role` may, on a ticket at `status`.
    pub fn allows(&self, role: &str, status: &str) -> bool {
        match self {
            Grant::All => true,
            Grant::Roles(m) => match m.get(role) {
                None => false,
                Some(None) => true,
                Some(Some(statuses)) => statuses
                    .iter()
                    .any(|s| crate::priority::same_name(s, status)),
            },
        }
    }

    /// `"all"`, `"none"`, a list of roles, or a map of role to `"all"` or
    /// a list of statuses.
    fn parse(v: &Value, what: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`access.{what}` is \"all\", \"none\", a list of roles, or #{{ role: \"all\" or [statuses] }}"
            )
        };
        let names = |a: &[Value]| -> Result<Vec<String>, String> {
            a.iter()
                .map(|x| x.as_str().map(str::to_string).ok_or_else(usage))
                .collect()
        };
        match v {
            Value::String(s) if s == "all" => Ok(Grant::All),
            Value::String(s) if s == "none" => Ok(Grant::Roles(BTreeMap::new())),
            Value::Array(a) => Ok(Grant::Roles(crate::json::btree(
                names(a)?.into_iter().map(|r| (r, None)),
            ))),
            Value::Object(o) => {
                let mut roles = BTreeMap::new();
                for (role, at) in o {
                    let at = match at {
                        Value::String(s) if s == "all" => None,
                        Value::Array(a) => Some(names(a)?),
                        _ => return Err(usage()),
                    };
                    roles.insert(role.clone(), at);
                }
                Ok(Grant::Roles(roles))
            }
            _ => Err(usage()),
        }
    }

    /// The roles and statuses it names (for the pack's checks).
    pub(crate) fn names(&self) -> impl Iterator<Item = (&str, &[String])> {
        let m = match self {
            Grant::All => None,
            Grant::Roles(m) => Some(m),
        };
        m.into_iter()
            .flatten()
            .map(|(r, s)| (r.as_str(), s.as_deref().unwrap_or(&[])))
    }

    fn to_json(&self) -> Value {
        match self {
            Grant::All => Value::from("all"),
            Grant::Roles(m) => Value::Object(crate::json::object(m.iter().map(|(r, s)| {
                let at = s
                    .as_ref()
                    .map_or(Value::from("all"), |s| Value::from(s.clone()));
                (r.clone(), at)
            }))),
        }
    }
}

/// A field's permissions. Each part defaults to every role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// Who sees the field (`redact` removes it for the others).
    pub read: Grant,
    /// Who may give it a value when the ticket is created.
    pub create: Grant,
    /// Who may change its value later (at the ticket's status then).
    pub change: Grant,
}

/// How a role meets a field in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Not shown.
    Hidden,
    /// Shown, not editable.
    ReadOnly,
    /// Shown and editable.
    Editable,
}

impl Mode {
    /// Its name in a form schema.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hidden => "hidden",
            Mode::ReadOnly => "readonly",
            Mode::Editable => "editable",
        }
    }

    /// The code a value set or changed in this mode is refused with
    /// (`READ_ONLY`, `FORBIDDEN`); none where the role may write it.
    pub(crate) fn refusal(self) -> Option<&'static str> {
        match self {
            Mode::Editable => None,
            Mode::ReadOnly => Some("READ_ONLY"),
            Mode::Hidden => Some("FORBIDDEN"),
        }
    }
}

/// `history`'s events without the fields `role` may not read at `status`:
/// what [`redact`](crate::RuleEngine::redact) sends that role.
pub(crate) fn redact_events(
    fields: &[super::FieldSpec],
    role: &str,
    status: &str,
    history: &mut Value,
) {
    let Value::Array(events) = history else {
        return;
    };
    for f in fields
        .iter()
        .filter(|f| !f.access.read.allows(role, status))
    {
        for e in events.iter_mut() {
            remove_path(e, &f.name);
        }
    }
}

impl Access {
    /// `#{ read, create, change }`; a missing part allows every role.
    pub(crate) fn parse(v: &Value) -> Result<Self, String> {
        let Value::Object(o) = v else {
            return Err("`access` is #{ read, create, change }".into());
        };
        if let Some(k) = o
            .keys()
            .find(|k| !["read", "create", "change"].contains(&k.as_str()))
        {
            return Err(format!(
                "`access` has no key {k:?}; keys: read, create, change"
            ));
        }
        let part = |k: &str| o.get(k).map_or(Ok(Grant::All), |v| Grant::parse(v, k));
        Ok(Access {
            read: part("read")?,
            create: part("create")?,
            change: part("change")?,
        })
    }

    /// Whether every role may do everything (no `access` declared).
    pub fn is_open(&self) -> bool {
        *self == Access::default()
    }

    /// How `role` meets the field on a ticket at `status`: creating it
    /// (`creating`) or changing it later.
    pub fn mode(&self, role: &str, status: &str, creating: bool) -> Mode {
        let write = if creating { &self.create } else { &self.change };
        if write.allows(role, status) {
            Mode::Editable
        } else if self.read.allows(role, status) {
            Mode::ReadOnly
        } else {
            Mode::Hidden
        }
    }

    /// For a form schema: the grants as data.
    pub(crate) fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("read".into(), self.read.to_json());
        o.insert("create".into(), self.create.to_json());
        o.insert("change".into(), self.change.to_json());
        Value::Object(o)
    }

    /// Every grant, for the pack's checks.
    pub(crate) fn grants(&self) -> [&Grant; 3] {
        [&self.read, &self.create, &self.change]
    }

    /// The statuses its grants name, to be spelled as the policy does.
    pub(crate) fn statuses_mut(&mut self) -> impl Iterator<Item = &mut String> {
        [&mut self.read, &mut self.create, &mut self.change]
            .into_iter()
            .filter_map(|g| match g {
                Grant::All => None,
                Grant::Roles(m) => Some(m.values_mut().flatten().flatten()),
            })
            .flatten()
    }
}

/// Removes the value at a dotted path, if there.
pub(crate) fn remove_path(v: &mut Value, path: &str) {
    let mut at = v;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(o) = at else { return };
        if parts.peek().is_none() {
            o.remove(part);
            return;
        }
        match o.get_mut(part) {
            Some(next) => at = next,
            None => return,
        }
    }
}
