//! Ticket types and their fields from the map `ticket_type(name, #{...})`
//! declares.

use serde_json::{Map, Value};

use crate::spec::{strings, unknown_keys};

use super::access::Access;
use super::{
    Condition, DataRule, FieldSpec, Fill, Kind, MenuItem, Pattern, Reclassify, Rule, TicketType,
};

const TYPE_KEYS: [&str; 9] = [
    "label",
    "fields",
    "rules",
    "transitions",
    "required_at",
    "children",
    "reclassify",
    "help",
    "initial",
];
const FIELD_KEYS: [&str; 22] = [
    "access",
    "name",
    "kind",
    "label",
    "help",
    "required",
    "required_when",
    "min_length",
    "max_length",
    "pattern",
    "values",
    "menu",
    "min",
    "max",
    "integer",
    "default",
    "fill",
    "lookup",
    "key",
    "of",
    "min_items",
    "max_items",
];

fn text(o: &Map<String, Value>, k: &str) -> Result<Option<String>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{k}` must be a string")),
    }
}

fn count(o: &Map<String, Value>, k: &str) -> Result<Option<usize>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{k}` must be a whole number ≥ 0")),
    }
}

/// A ticket type from its declaration. Statuses, lookups and menus it names
/// are checked against the pack by the caller.
pub fn parse_type(name: &str, v: &Value) -> Result<TicketType, Vec<String>> {
    // Every field's and every rule's error at once (a bad pattern in one
    // field was reported only once a typo in another was fixed); the rest
    // of the declaration stops at its first.
    let mut errors = Vec::new();
    let (fields, rules) = match v {
        Value::Object(o) => (
            // Fields only from an array (anything else is refused below);
            // a rule may stand alone.
            parts(
                o.get("fields").filter(|f| f.is_array()),
                "fields",
                field,
                &mut errors,
            ),
            parts(o.get("rules"), "rules", rule, &mut errors),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let rest = parse_rest(name, v, fields, rules);
    match rest {
        Ok(t) if errors.is_empty() => Ok(t),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.insert(0, e);
            Err(errors)
        }
    }
}

/// The fields or rules of a type, each error noted (with the field's name
/// when it has one) and the part left out.
fn parts<T>(
    list: Option<&Value>,
    what: &str,
    parse: fn(&Value) -> Result<T, String>,
    errors: &mut Vec<String>,
) -> Vec<T> {
    let items: &[Value] = match list {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(one) => std::slice::from_ref(one),
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match parse(item) {
            Ok(x) => out.push(x),
            Err(e) => {
                let named = item.get("name").and_then(Value::as_str);
                errors.push(match named {
                    Some(n) => format!("{what}[{i}] ({n:?}): {e}"),
                    None => format!("{what}[{i}]: {e}"),
                });
            }
        }
    }
    out
}

fn parse_rest(
    name: &str,
    v: &Value,
    fields: Vec<FieldSpec>,
    rules: Vec<Rule>,
) -> Result<TicketType, String> {
    let Value::Object(o) = v else {
        return Err("ticket_type(name, #{ label, fields, ... }) takes a map".into());
    };
    unknown_keys(o, &TYPE_KEYS, "ticket_type")?;
    if !matches!(o.get("fields"), None | Some(Value::Array(_))) {
        return Err("`fields` must be an array of field maps".into());
    }
    // Owned names in the crate's one kind of set (`json::Names`): a set of
    // `&str` besides was another copy of the hash table's code in the wasm.
    let mut seen = crate::json::Names::default();
    if let Some(f) = fields.iter().find(|f| !seen.insert(f.name.clone())) {
        return Err(format!("field `{}` is declared twice", f.name));
    }
    // `key` as given (the parsed field has the default), by the field's
    // place in the list.
    let raw = o
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, given) in raw.enumerate() {
        let Some(name) = given
            .get("name")
            .and_then(Value::as_str)
            .filter(|_| given.get("key").is_some_and(|k| !k.is_null()))
        else {
            continue;
        };
        if let Some(f) = fields
            .iter()
            .find(|f| f.name == name && !key_applies(f, &fields))
        {
            let what = kind_text(f.kind, f.of);
            return Err(format!(
                "fields[{i}] ({name:?}): `key` applies to kind reference (or a list of them), or to a field a lookup fill is `by`, not {what}"
            ));
        }
    }
    let mut transitions = Vec::new();
    match o.get("transitions") {
        None | Some(Value::Null) => {}
        Some(Value::Object(t)) => {
            for (from, to) in t {
                transitions.push((from.clone(), strings(to, "transitions")?));
            }
        }
        Some(_) => return Err("`transitions` maps a status to the statuses it may move to".into()),
    }
    let mut required_at = Vec::new();
    match o.get("required_at") {
        None | Some(Value::Null) => {}
        Some(Value::Object(t)) => {
            for (status, names) in t {
                required_at.push((status.clone(), strings(names, "required_at")?));
            }
        }
        Some(_) => return Err("`required_at` maps a status to the fields it needs".into()),
    }
    let children = match o.get("children") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("`children` must be true or false".into()),
    };
    let reclassify = match o.get("reclassify") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(reclassify).collect::<Result<_, _>>()?,
        Some(one) => vec![reclassify(one)?],
    };
    Ok(TicketType {
        name: name.to_string(),
        label: text(o, "label")?.unwrap_or_else(|| name.to_string()),
        help: text(o, "help")?,
        fields,
        rules,
        transitions,
        required_at,
        children,
        reclassify,
        initial: text(o, "initial")?,
    })
}

const RULE_KEYS: [&str; 10] = [
    "when",
    "field",
    "required",
    "min_length",
    "max_length",
    "pattern",
    "one_of",
    "differs_from",
    "code",
    "message",
];

/// A rule: the name of a rhai function, or a data check
/// `#{ when, field, required | min_length | max_length | pattern | one_of |
/// differs_from, code, message }`.
fn rule(v: &Value) -> Result<Rule, String> {
    let o =
        match v {
            Value::String(f) if !f.trim().is_empty() => return Ok(Rule::Function(f.clone())),
            Value::Object(o) => o,
            _ => return Err(
                "a rule is the name of a function of the ticket, or a map #{ when, field, ... }"
                    .into(),
            ),
        };
    unknown_keys(o, &RULE_KEYS, "a rule")?;
    let field = text(o, "field")?.ok_or("a rule needs the `field` it checks")?;
    let one_of = match o.get("one_of") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
    };
    let r = DataRule {
        when: o
            .get("when")
            .filter(|w| !w.is_null())
            .map(condition)
            .transpose()?,
        required: o.get("required").and_then(Value::as_bool).unwrap_or(false),
        min_length: count(o, "min_length")?,
        max_length: count(o, "max_length")?,
        pattern: text(o, "pattern")?.map(|p| Pattern::new(&p)).transpose()?,
        one_of,
        differs_from: text(o, "differs_from")?,
        code: text(o, "code")?.unwrap_or_else(|| "RULE".into()),
        message: text(o, "message")?,
        field,
    };
    if !r.required
        && r.min_length.is_none()
        && r.max_length.is_none()
        && r.pattern.is_none()
        && r.one_of.is_empty()
        && r.differs_from.is_none()
    {
        return Err(
            "a data rule checks something: required, min_length, max_length, pattern, one_of or differs_from"
                .into(),
        );
    }
    Ok(Rule::Data(Box::new(r)))
}

fn reclassify(v: &Value) -> Result<Reclassify, String> {
    let Value::Object(o) = v else {
        return Err("`reclassify` is #{ to: \"problem\", requires: [\"workaround\"] }".into());
    };
    unknown_keys(o, &["to", "requires"], "reclassify")?;
    Ok(Reclassify {
        to: text(o, "to")?.ok_or("`reclassify` needs `to`")?,
        requires: o
            .get("requires")
            .map_or(Ok(Vec::new()), |v| strings(v, "requires"))?,
    })
}

fn field(v: &Value) -> Result<FieldSpec, String> {
    let Value::Object(o) = v else {
        return Err("a field is a map #{ name, kind, label, ... }".into());
    };
    unknown_keys(o, &FIELD_KEYS, "a field")?;
    let name = text(o, "name")?
        .filter(|n| !n.trim().is_empty())
        .ok_or("a field needs a `name`")?;
    if name.split('.').any(|p| p.is_empty() || p == "__proto__") {
        return Err(format!("field name `{name}` is not a usable path"));
    }
    let kind = kind(&text(o, "kind")?.unwrap_or_else(|| "text".into()))?;
    let of = match text(o, "of")? {
        Some(k) if kind == Kind::List => Some(self::kind(&k)?)
            .filter(|k| *k != Kind::List)
            .ok_or("a list cannot hold lists")?,
        Some(_) => return Err("`of` goes with kind \"list\"".into()),
        None if kind == Kind::List => return Err("a list needs `of`: the kind of its items".into()),
        None => Kind::Text,
    };
    let values = match o.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().map(menu_item).collect::<Result<_, _>>()?,
        Some(_) => return Err("`values` is a list of values or #{ value, label } maps".into()),
    };
    let menu = text(o, "menu")?;
    let item_kind = if kind == Kind::List { of } else { kind };
    foreign_checks(o, kind, item_kind)?;
    if item_kind == Kind::Enum && values.is_empty() && menu.is_none() {
        return Err("an enum needs `values` or a `menu` (impact, urgency, priority, status, customer_severity)".into());
    }
    if item_kind == Kind::Reference && text(o, "lookup")?.is_none() {
        return Err("a reference needs `lookup`: the name of a lookup list".into());
    }
    let pattern = text(o, "pattern")?.map(|p| Pattern::new(&p)).transpose()?;
    let number = |k: &str| -> Result<Option<f64>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("`{k}` must be a number")),
        }
    };
    let required = match o.get("required") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(
                "`required` must be true or false (use `required_when` for a condition)".into(),
            )
        }
    };
    let required_when = match o.get("required_when") {
        None | Some(Value::Null) => None,
        Some(v) => Some(condition(v)?),
    };
    let integer = match o.get("integer") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("`integer` must be true or false".into()),
    };
    let fill = match o.get("fill") {
        None | Some(Value::Null) => None,
        Some(v) => Some(fill(v)?),
    };
    let access = match o.get("access") {
        None | Some(Value::Null) => Access::default(),
        Some(v) => Access::parse(v)?,
    };
    Ok(FieldSpec {
        access,
        label: text(o, "label")?.unwrap_or_else(|| name.clone()),
        name,
        kind,
        of,
        help: text(o, "help")?,
        required,
        required_when,
        min_length: count(o, "min_length")?,
        max_length: count(o, "max_length")?,
        pattern,
        values,
        menu,
        min: number("min")?,
        max: number("max")?,
        integer,
        default: o.get("default").cloned().filter(|v| !v.is_null()),
        fill,
        lookup: text(o, "lookup")?,
        key: text(o, "key")?.unwrap_or_else(|| "name".into()),
        min_items: count(o, "min_items")?,
        max_items: count(o, "max_items")?,
    })
}

/// Every kind, by the name a pack writes.
const KINDS: [(&str, Kind); 10] = [
    ("text", Kind::Text),
    ("longtext", Kind::LongText),
    ("enum", Kind::Enum),
    ("email", Kind::Email),
    ("phone", Kind::Phone),
    ("number", Kind::Number),
    ("datetime", Kind::DateTime),
    ("boolean", Kind::Boolean),
    ("reference", Kind::Reference),
    ("list", Kind::List),
];

fn kind(k: &str) -> Result<Kind, String> {
    KINDS
        .iter()
        .find(|(name, _)| *name == k)
        .map(|&(_, kind)| kind)
        .ok_or_else(|| {
            let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
            format!("unknown kind {k:?} ({})", names.join(", "))
        })
}

/// A field's kind as messages say it: `text`, `a list of number`.
fn kind_text(kind: Kind, of: Kind) -> String {
    if kind == Kind::List {
        format!("a list of {}", kind_name(of))
    } else {
        kind_name(kind).to_string()
    }
}

fn kind_name(k: Kind) -> &'static str {
    KINDS
        .iter()
        .find(|(_, kind)| *kind == k)
        .map_or("?", |(name, _)| name)
}

/// The kinds whose values take `min_length`, `max_length` and `pattern`.
const TEXTS: [Kind; 6] = [
    Kind::Text,
    Kind::LongText,
    Kind::Enum,
    Kind::Email,
    Kind::Phone,
    Kind::DateTime,
];

/// The field keys that check values of some kinds only, with those kinds:
/// what validation's `check_field` reads for each kind. A list's items are
/// checked as their kind `of` (a list of text takes `max_length` for each
/// item), the list itself by `min_items` and `max_items`. `key`, a
/// reference's key field, is checked with the type's other fields
/// ([`key_applies`]).
const KIND_KEYS: [(&str, &[Kind]); 11] = [
    ("min_length", &TEXTS),
    ("max_length", &TEXTS),
    ("pattern", &TEXTS),
    ("values", &[Kind::Enum]),
    ("menu", &[Kind::Enum]),
    ("min", &[Kind::Number]),
    ("max", &[Kind::Number]),
    ("integer", &[Kind::Number]),
    ("lookup", &[Kind::Reference]),
    ("min_items", &[Kind::List]),
    ("max_items", &[Kind::List]),
];

/// A field's checks for other kinds than its own, which would load and
/// never run (`min` on a text): each named, with the kinds it applies to.
fn foreign_checks(o: &Map<String, Value>, kind: Kind, item: Kind) -> Result<(), String> {
    let what = kind_text(kind, item);
    let refused: Vec<String> = KIND_KEYS
        .iter()
        .filter(|(key, kinds)| {
            o.get(*key).is_some_and(|v| !v.is_null())
                && !kinds.contains(&kind)
                && !kinds.contains(&item)
        })
        .map(|(key, kinds)| {
            let names: Vec<&str> = kinds.iter().map(|k| kind_name(*k)).collect();
            let lists = if kinds.contains(&Kind::List) {
                ""
            } else {
                " (or a list of them)"
            };
            let s = if names.len() > 1 { "s" } else { "" };
            format!(
                "`{key}` applies to kind{s} {}{lists}, not {what}",
                names.join(", ")
            )
        })
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused.join("; "))
    }
}

/// Whether a field may have a `key`: a reference (or a list of them) has
/// one, and so does a field a lookup fill finds its record `by` (its value
/// is matched against the records' `key`). Elsewhere it would do nothing.
fn key_applies(f: &FieldSpec, fields: &[FieldSpec]) -> bool {
    f.kind == Kind::Reference
        || (f.kind == Kind::List && f.of == Kind::Reference)
        || fields
            .iter()
            .any(|g| matches!(&g.fill, Some(Fill::Lookup { by, .. }) if *by == f.name))
}

fn menu_item(v: &Value) -> Result<MenuItem, String> {
    match v {
        Value::String(s) => Ok(MenuItem {
            value: s.clone(),
            label: s.clone(),
        }),
        Value::Object(o) => {
            unknown_keys(o, &["value", "label"], "a menu item")?;
            let value = text(o, "value")?.ok_or("a menu item needs `value`")?;
            Ok(MenuItem {
                label: text(o, "label")?.unwrap_or_else(|| value.clone()),
                value,
            })
        }
        _ => Err("a menu item is a string or #{ value, label }".into()),
    }
}

/// `#{ impact_level: "Critical" }` (every key must match) or the name of a
/// rhai function of the ticket.
fn condition(v: &Value) -> Result<Condition, String> {
    match v {
        Value::String(f) => Ok(Condition::Function(f.clone())),
        Value::Object(o) => Ok(Condition::Fields(
            o.iter()
                .map(|(k, v)| {
                    let values = match v {
                        Value::Array(a) => a.clone(),
                        one => vec![one.clone()],
                    };
                    (k.clone(), values)
                })
                .collect(),
        )),
        _ => Err("a condition is #{ field: value, ... } or the name of a function".into()),
    }
}

fn fill(v: &Value) -> Result<Fill, String> {
    let Value::Object(o) = v else {
        return Err(
            "`fill` is #{ from: \"priority\" }, #{ copy: \"field\" } or #{ lookup, by, take }"
                .into(),
        );
    };
    unknown_keys(
        o,
        &["from", "copy", "lookup", "by", "take", "overwrite"],
        "fill",
    )?;
    let overwrite = o.get("overwrite").and_then(Value::as_bool).unwrap_or(false);
    if let Some(what) = text(o, "from")? {
        const COMPUTED: [&str; 8] = [
            "priority",
            "impactLevel",
            "urgency",
            "clock",
            "respondSeconds",
            "resolveSeconds",
            "process",
            "customerPriority",
        ];
        if !COMPUTED.contains(&what.as_str()) {
            return Err(format!(
                "`fill.from` takes a priority result field: {}",
                COMPUTED.join(", ")
            ));
        }
        return Ok(Fill::Priority {
            take: what,
            overwrite,
        });
    }
    if let Some(field) = text(o, "copy")? {
        return Ok(Fill::Copy { field, overwrite });
    }
    match (text(o, "lookup")?, text(o, "by")?, text(o, "take")?) {
        (Some(lookup), Some(by), Some(take)) => Ok(Fill::Lookup {
            lookup,
            by,
            take,
            overwrite,
        }),
        _ => Err("`fill` needs `from`, `copy`, or all of `lookup`, `by` and `take`".into()),
    }
}
