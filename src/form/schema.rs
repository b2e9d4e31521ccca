//! What a portal needs to draw a form, and the same as JSON Schema.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::validate::menu_values;
use super::{Condition, DataRule, FieldSpec, Kind, Rule, TicketType, UnknownFields};
use crate::priority::{same_name, Level, Matrix};
use crate::sla::policy::SlaPolicy;

fn condition_json(c: &Condition) -> Value {
    match c {
        Condition::Function(f) => json!({ "function": f }),
        Condition::Fields(pairs) => {
            Value::Object(crate::json::object(pairs.iter().map(|(k, v)| {
                (
                    k.clone(),
                    match v.as_slice() {
                        [one] => one.clone(),
                        _ => Value::Array(v.clone()),
                    },
                )
            })))
        }
    }
}

/// A cross-field rule as a portal can show it: a data rule whole (when it
/// applies, the field, what the field must then be, the error's code and
/// message), a rule written as a function by its name only.
fn rule_json(r: &Rule) -> Value {
    match r {
        Rule::Function(name) => json!({ "function": name }),
        Rule::Data(d) => json!({
            "when": d.when.as_ref().map_or(Value::Null, condition_json),
            "field": d.field,
            "required": d.required,
            "minLength": d.min_length,
            "maxLength": d.max_length,
            "pattern": d.pattern.as_ref().map(|p| p.as_str()),
            "oneOf": d.one_of,
            "differsFrom": d.differs_from,
            "code": d.code,
            "message": d.message,
        }),
    }
}

fn field_json(
    f: &FieldSpec,
    matrix: &Matrix,
    policy: &SlaPolicy,
    lookups: &BTreeMap<String, Vec<Value>>,
) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(f.name));
    o.insert("kind".into(), json!(f.kind));
    if f.kind == Kind::List {
        o.insert("of".into(), json!(f.of));
    }
    o.insert("label".into(), json!(f.label));
    o.insert("help".into(), json!(f.help));
    o.insert("required".into(), json!(f.required));
    o.insert(
        "requiredWhen".into(),
        f.required_when.as_ref().map_or(Value::Null, condition_json),
    );
    let item_kind = if f.kind == Kind::List { f.of } else { f.kind };
    if item_kind == Kind::Enum {
        o.insert("menu".into(), json!(menu_values(matrix, policy, f)));
    }
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            o.insert(k.into(), v);
        }
    };
    put("minLength", json!(f.min_length));
    put("maxLength", json!(f.max_length));
    put(
        "pattern",
        json!(f.pattern.as_ref().map(super::Pattern::as_str)),
    );
    put("min", json!(f.min));
    put("max", json!(f.max));
    if f.integer {
        put("integer", json!(true));
    }
    put("default", f.default.clone().unwrap_or(Value::Null));
    put("fill", f.fill.as_ref().map_or(Value::Null, |x| json!(x)));
    if item_kind == Kind::Reference {
        put("lookup", json!(f.lookup));
        put("key", json!(f.key));
        // The pack's own list, for suggestions (a call may pass a fresher one).
        let choices: Vec<Value> = f
            .lookup
            .as_ref()
            .and_then(|l| lookups.get(l))
            .map(|records| {
                records
                    .iter()
                    .filter_map(|r| r.get(&f.key).cloned())
                    .collect()
            })
            .unwrap_or_default();
        put("choices", Value::Array(choices));
    }
    put("minItems", json!(f.min_items));
    put("maxItems", json!(f.max_items));
    Value::Object(o)
}

/// The form of a type: fields in order with kinds, labels, menus, help,
/// required flags and the conditions that change them; the lifecycle.
pub(crate) fn form_schema(
    ty: &TicketType,
    matrix: &Matrix,
    policy: &SlaPolicy,
    unknown: UnknownFields,
    lookups: &BTreeMap<String, Vec<Value>>,
) -> Value {
    let transitions =
        crate::json::object(ty.transitions.iter().map(|(s, t)| (s.clone(), json!(t))));
    let required_at =
        crate::json::object(ty.required_at.iter().map(|(s, f)| (s.clone(), json!(f))));
    json!({
        "type": ty.name,
        "label": ty.label,
        "help": ty.help,
        "fields": ty.fields.iter().map(|f| field_json(f, matrix, policy, lookups)).collect::<Vec<_>>(),
        "unknownFields": unknown,
        "statuses": policy.statuses,
        "initial": ty.initial_status(policy),
        "transitions": transitions,
        "requiredAt": required_at,
        "rules": ty.rules.iter().map(rule_json).collect::<Vec<_>>(),
        "children": ty.children,
        "reclassify": ty.reclassify,
    })
}

/// The spellings a JSON Schema menu allows: the menu's values, and for
/// the matrix's menus every level's name and aliases (the form's menu
/// shows the descriptions; `validate` takes the names too, and so must the
/// schema). `validate` also takes them in any case and with spaces around;
/// a JSON Schema enum cannot say that.
fn schema_enum(f: &FieldSpec, matrix: &Matrix, policy: &SlaPolicy) -> Vec<String> {
    let spellings = |levels: &[Level]| -> Vec<String> {
        levels
            .iter()
            .flat_map(Level::spellings)
            .map(str::to_string)
            .collect()
    };
    match f.menu.as_deref() {
        Some("impact") => spellings(&matrix.impacts),
        Some("urgency" | "customer_severity") => spellings(&matrix.urgencies),
        _ => menu_values(matrix, policy, f)
            .into_iter()
            .map(|m| m.value)
            .collect(),
    }
}

fn kind_schema(f: &FieldSpec, kind: Kind, matrix: &Matrix, policy: &SlaPolicy) -> Value {
    let mut s = match kind {
        Kind::Text | Kind::LongText | Kind::Phone | Kind::Reference => json!({ "type": "string" }),
        Kind::Email => json!({ "type": "string", "format": "email" }),
        Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
        Kind::Boolean => json!({ "type": "boolean" }),
        Kind::Number if f.integer => json!({ "type": "integer" }),
        Kind::Number => json!({ "type": "number" }),
        Kind::Enum => json!({ "type": "string", "enum": schema_enum(f, matrix, policy) }),
        Kind::List => json!({ "type": "array", "items": kind_schema(f, f.of, matrix, policy) }),
    };
    if let Value::Object(o) = &mut s {
        if kind == Kind::List {
            if let Some(n) = f.min_items {
                o.insert("minItems".into(), json!(n));
            }
            if let Some(n) = f.max_items {
                o.insert("maxItems".into(), json!(n));
            }
            return s;
        }
        if let Some(n) = f.min_length {
            o.insert("minLength".into(), json!(n));
        }
        if let Some(n) = f.max_length {
            o.insert("maxLength".into(), json!(n));
        }
        if let Some(p) = &f.pattern {
            o.insert("pattern".into(), json!(p.as_str()));
        }
        if let Some(n) = f.min {
            o.insert("minimum".into(), json!(n));
        }
        if let Some(n) = f.max {
            o.insert("maximum".into(), json!(n));
        }
        if kind == Kind::Reference {
            o.insert(
                "description".into(),
                json!(format!(
                    "a `{}` of the lookup list `{}`",
                    f.key,
                    f.lookup.clone().unwrap_or_default()
                )),
            );
        }
    }
    s
}

/// Inserts a property schema at a dotted path, with `required` marks.
/// `closed`: the objects made on the way allow no other key (as validate
/// reports or drops one under `unknown_fields("reject")` or `"drop"`); an
/// `if`/`then` only adds to what the form says, so it is not closed.
fn insert(
    root: &mut Map<String, Value>,
    path: &[&str],
    schema: Value,
    required: bool,
    closed: bool,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let props = root.entry("properties").or_insert_with(|| json!({}));
    let Value::Object(props) = props else { return };
    if rest.is_empty() {
        props.insert(first.to_string(), schema);
    } else {
        let child = props.entry(first.to_string()).or_insert_with(|| {
            if closed {
                json!({ "type": "object", "additionalProperties": false })
            } else {
                json!({ "type": "object" })
            }
        });
        if let Value::Object(child) = child {
            insert(child, rest, schema, required, closed);
        }
    }
    if required {
        let req = root.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(req) = req {
            if !req.iter().any(|r| r == first) {
                req.push(json!(first));
            }
        }
    }
}

/// A JSON Schema (draft 2020-12) of a type's form. `required_when`
/// conditions on plain fields become `if`/`then`; impact-level conditions
/// name every impact description of that level; function conditions have
/// no JSON Schema form and are left to `validate`.
pub(crate) fn json_schema(
    ty: &TicketType,
    matrix: &Matrix,
    policy: &SlaPolicy,
    unknown: UnknownFields,
) -> Value {
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("title".into(), json!(ty.label));
    root.insert("type".into(), json!("object"));
    let mut all_of = Vec::new();
    for f in &ty.fields {
        let path: Vec<&str> = f.name.split('.').collect();
        let mut s = kind_schema(f, f.kind, matrix, policy);
        // As validate reads a value: `null` and blank text (only spaces)
        // are not given (an optional field may be either), and a required
        // text is not blank.
        let text = s.get("type") == Some(&json!("string"));
        if f.required {
            if let (Value::Object(o), true) = (&mut s, text) {
                o.entry("minLength").or_insert_with(|| json!(1));
                let visible = json!({ "pattern": "\\S" });
                match o.get_mut("allOf") {
                    Some(Value::Array(all)) => all.push(visible),
                    _ => {
                        o.insert("allOf".into(), json!([visible]));
                    }
                }
            }
        } else {
            s = json!({ "anyOf": [s, { "type": "null" }, { "type": "string", "pattern": "^\\s*$" }] });
        }
        if let (Value::Object(o), Some(h)) = (&mut s, &f.help) {
            o.insert("description".into(), json!(h));
        }
        if let (Value::Object(o), Some(d)) = (&mut s, &f.default) {
            o.insert("default".into(), d.clone());
        }
        insert(
            &mut root,
            &path,
            s,
            f.required,
            unknown != UnknownFields::Keep,
        );
        if let Some(Condition::Fields(pairs)) = &f.required_when {
            if let Some(when) = fields_if(pairs, matrix) {
                let mut then = Map::new();
                insert(&mut then, &path, json!({}), true, false);
                all_of.push(json!({ "if": when, "then": then }));
            }
        }
    }
    // The data rules a schema can say: a field required, or of a least
    // length (as validate counts it: trimmed, in characters), when the
    // condition's fields hold. Rules written as functions, and a rule's
    // pattern, menu, most length or `differs_from`, are validate's alone.
    for r in &ty.rules {
        let Rule::Data(d) = r else { continue };
        if let Some(then) = data_rule_then(d) {
            let when = match &d.when {
                None => None,
                Some(Condition::Fields(pairs)) => match fields_if(pairs, matrix) {
                    Some(when) => Some(when),
                    None => continue,
                },
                Some(Condition::Function(_)) => continue,
            };
            all_of.push(match when {
                Some(when) => json!({ "if": when, "then": then }),
                None => then,
            });
        }
    }
    if !all_of.is_empty() {
        root.insert("allOf".into(), Value::Array(all_of));
    }
    if unknown != UnknownFields::Keep {
        // The ticket model's own fields stay allowed.
        for k in super::SYSTEM_FIELDS {
            if let Some(Value::Object(props)) = root.get_mut("properties") {
                props.entry(k.to_string()).or_insert_with(|| json!({}));
            }
        }
        root.insert("additionalProperties".into(), json!(false));
    }
    Value::Object(root)
}

/// The `if` of a condition on fields: each field one of the values named
/// (every spelling of a matrix level, as validate matches them); `None`
/// when no part of it can be said (a dotted field, the priority).
fn fields_if(pairs: &[(String, Vec<Value>)], matrix: &Matrix) -> Option<Value> {
    let mut props = Map::new();
    let mut req = Vec::new();
    for (k, values) in pairs {
        let spellings_of = |levels: &[Level], named: &dyn Fn(&Level, &str) -> bool| {
            levels
                .iter()
                .filter(|l| values.iter().filter_map(Value::as_str).any(|v| named(l, v)))
                .flat_map(Level::spellings)
                .map(Value::from)
                .collect::<Vec<_>>()
        };
        let (field, allowed): (&str, Vec<Value>) = match k.as_str() {
            "impact" | "urgency" => {
                let levels = if k == "impact" {
                    &matrix.impacts
                } else {
                    &matrix.urgencies
                };
                let all = spellings_of(levels, &|l, v| {
                    l.spellings().any(|n| same_name(v.trim(), n))
                });
                (
                    k.as_str(),
                    if all.is_empty() { values.clone() } else { all },
                )
            }
            "impact_level" => (
                "impact",
                spellings_of(&matrix.impacts, &|l, v| same_name(v, &l.name)),
            ),
            other => (other, values.clone()),
        };
        if field.contains('.') || k == "priority" {
            continue;
        }
        props.insert(field.to_string(), json!({ "enum": allowed }));
        req.push(json!(field));
    }
    (!props.is_empty()).then(|| json!({ "properties": props, "required": req }))
}

/// What a data rule asks of its field, as a schema: required, and at
/// least `min_length` characters between the first and the last that is
/// not a space (validate trims). `None` if it asks neither.
fn data_rule_then(d: &DataRule) -> Option<Value> {
    let min = d.min_length.filter(|&m| m > 0);
    if !d.required && min.is_none() {
        return None;
    }
    let path: Vec<&str> = d.field.split('.').collect();
    let field = match min {
        Some(1) | None => json!({ "type": "string", "pattern": "\\S" }),
        Some(m) => json!({ "type": "string", "pattern": format!("\\S[\\s\\S]{{{},}}\\S", m - 2) }),
    };
    let mut then = Map::new();
    // Not only text: a required field of another kind need only be there.
    let field = if d.required && min.is_none() {
        json!({ "anyOf": [
            { "not": { "type": ["string", "null", "array"] } },
            { "type": "array", "minItems": 1 },
            field,
        ] })
    } else {
        field
    };
    insert(&mut then, &path, field, true, false);
    Some(Value::Object(then))
}
