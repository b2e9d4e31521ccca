//! What a portal needs to draw a form, and the same as JSON Schema.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::validate::menu_values;
use super::{Condition, DataRule, FieldSpec, Kind, Rule, TicketType, UnknownFields};
use crate::priority::{same_name, Level, Matrix};
use crate::sla::policy::SlaPolicy;

/// A JSON object of these pairs (a `Map` sorts its keys: their order here
/// is free). Written out rather than with `json!`, which compiles every
/// value through `serde_json::to_value(..).unwrap()`, a call and a panic
/// path a key; the schemas are most of the crate's JSON building.
fn obj(pairs: &mut [(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert((*k).to_string(), v.take());
    }
    Value::Object(m)
}

/// `{ "type": t }`, the most common schema.
fn typed(t: &str) -> Value {
    obj(&mut [("type", t.into())])
}

/// A value of a type with a `Serialize` derive, as `json!` writes it.
fn to_json(x: &impl serde::Serialize) -> Value {
    serde_json::to_value(x).unwrap_or_default()
}

fn condition_json(c: &Condition) -> Value {
    match c {
        Condition::Function(f) => obj(&mut [("function", f.as_str().into())]),
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
        Rule::Function(name) => obj(&mut [("function", name.as_str().into())]),
        Rule::Data(d) => obj(&mut [
            ("when", d.when.as_ref().map_or(Value::Null, condition_json)),
            ("field", d.field.as_str().into()),
            ("required", d.required.into()),
            ("minLength", d.min_length.into()),
            ("maxLength", d.max_length.into()),
            ("pattern", d.pattern.as_ref().map(|p| p.as_str()).into()),
            ("oneOf", d.one_of.clone().into()),
            ("differsFrom", d.differs_from.clone().into()),
            ("code", d.code.as_str().into()),
            ("message", d.message.clone().into()),
        ]),
    }
}

fn field_json(
    f: &FieldSpec,
    matrix: &Matrix,
    policy: &SlaPolicy,
    lookups: &BTreeMap<String, Vec<Value>>,
) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), f.name.as_str().into());
    o.insert("kind".into(), to_json(&f.kind));
    if f.kind == Kind::List {
        o.insert("of".into(), to_json(&f.of));
    }
    o.insert("label".into(), f.label.as_str().into());
    o.insert("help".into(), f.help.clone().into());
    o.insert("required".into(), f.required.into());
    o.insert(
        "requiredWhen".into(),
        f.required_when.as_ref().map_or(Value::Null, condition_json),
    );
    let item_kind = if f.kind == Kind::List { f.of } else { f.kind };
    if item_kind == Kind::Enum {
        o.insert("menu".into(), to_json(&menu_values(matrix, policy, f)));
    }
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            o.insert(k.into(), v);
        }
    };
    put("minLength", f.min_length.into());
    put("maxLength", f.max_length.into());
    put(
        "pattern",
        f.pattern.as_ref().map(super::Pattern::as_str).into(),
    );
    put("min", f.min.into());
    put("max", f.max.into());
    if f.integer {
        put("integer", true.into());
    }
    put("default", f.default.clone().unwrap_or(Value::Null));
    put("fill", f.fill.as_ref().map_or(Value::Null, to_json));
    if item_kind == Kind::Reference {
        put("lookup", f.lookup.clone().into());
        put("key", f.key.as_str().into());
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
    put("minItems", f.min_items.into());
    put("maxItems", f.max_items.into());
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
    let lists = |pairs: &[(String, Vec<String>)]| {
        Value::Object(crate::json::object(
            pairs
                .iter()
                .map(|(s, t)| (s.clone(), Value::from(t.clone()))),
        ))
    };
    obj(&mut [
        ("type", ty.name.as_str().into()),
        ("label", ty.label.as_str().into()),
        ("help", ty.help.clone().into()),
        (
            "fields",
            ty.fields
                .iter()
                .map(|f| field_json(f, matrix, policy, lookups))
                .collect::<Vec<_>>()
                .into(),
        ),
        ("unknownFields", to_json(&unknown)),
        ("statuses", policy.statuses.clone().into()),
        ("initial", ty.initial_status(policy).into()),
        ("transitions", lists(&ty.transitions)),
        ("requiredAt", lists(&ty.required_at)),
        (
            "rules",
            ty.rules.iter().map(rule_json).collect::<Vec<_>>().into(),
        ),
        ("children", ty.children.into()),
        ("reclassify", to_json(&ty.reclassify)),
    ])
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
        Kind::Text | Kind::LongText | Kind::Phone | Kind::Reference => typed("string"),
        Kind::Email => obj(&mut [("type", "string".into()), ("format", "email".into())]),
        Kind::DateTime => obj(&mut [("type", "string".into()), ("format", "date-time".into())]),
        Kind::Boolean => typed("boolean"),
        Kind::Number if f.integer => typed("integer"),
        Kind::Number => typed("number"),
        Kind::Enum => obj(&mut [
            ("type", "string".into()),
            ("enum", schema_enum(f, matrix, policy).into()),
        ]),
        Kind::List => obj(&mut [
            ("type", "array".into()),
            ("items", kind_schema(f, f.of, matrix, policy)),
        ]),
    };
    if let Value::Object(o) = &mut s {
        if kind == Kind::List {
            if let Some(n) = f.min_items {
                o.insert("minItems".into(), n.into());
            }
            if let Some(n) = f.max_items {
                o.insert("maxItems".into(), n.into());
            }
            return s;
        }
        if let Some(n) = f.min_length {
            o.insert("minLength".into(), n.into());
        }
        if let Some(n) = f.max_length {
            o.insert("maxLength".into(), n.into());
        }
        if let Some(p) = &f.pattern {
            o.insert("pattern".into(), p.as_str().into());
        }
        if let Some(n) = f.min {
            o.insert("minimum".into(), n.into());
        }
        if let Some(n) = f.max {
            o.insert("maximum".into(), n.into());
        }
        if kind == Kind::Reference {
            o.insert(
                "description".into(),
                format!(
                    "a `{}` of the lookup list `{}`",
                    f.key,
                    f.lookup.clone().unwrap_or_default()
                )
                .into(),
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
    let props = root
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(props) = props else { return };
    if rest.is_empty() {
        props.insert(first.to_string(), schema);
    } else {
        let child = props.entry(first.to_string()).or_insert_with(|| {
            if closed {
                obj(&mut [
                    ("type", "object".into()),
                    ("additionalProperties", false.into()),
                ])
            } else {
                typed("object")
            }
        });
        if let Value::Object(child) = child {
            insert(child, rest, schema, required, closed);
        }
    }
    if required {
        let req = root
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(req) = req {
            if !req.iter().any(|r| r == first) {
                req.push((*first).into());
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
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    root.insert("title".into(), ty.label.as_str().into());
    root.insert("type".into(), "object".into());
    let mut all_of = Vec::new();
    for f in &ty.fields {
        let path: Vec<&str> = f.name.split('.').collect();
        let mut s = kind_schema(f, f.kind, matrix, policy);
        // As validate reads a value: `null` and blank text (only spaces)
        // are not given (an optional field may be either), and a required
        // text is not blank.
        let text = s.get("type").and_then(Value::as_str) == Some("string");
        if f.required {
            if let (Value::Object(o), true) = (&mut s, text) {
                o.entry("minLength").or_insert_with(|| 1.into());
                let visible = obj(&mut [("pattern", "\\S".into())]);
                match o.get_mut("allOf") {
                    Some(Value::Array(all)) => all.push(visible),
                    _ => {
                        o.insert("allOf".into(), Value::Array(vec![visible]));
                    }
                }
            }
        } else {
            let blank = obj(&mut [("type", "string".into()), ("pattern", "^\\s*$".into())]);
            s = obj(&mut [("anyOf", Value::Array(vec![s, typed("null"), blank]))]);
        }
        if let (Value::Object(o), Some(h)) = (&mut s, &f.help) {
            o.insert("description".into(), h.as_str().into());
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
                insert(&mut then, &path, Value::Object(Map::new()), true, false);
                all_of.push(obj(&mut [("if", when), ("then", Value::Object(then))]));
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
                Some(when) => obj(&mut [("if", when), ("then", then)]),
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
                props
                    .entry(k.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
        root.insert("additionalProperties".into(), false.into());
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
        props.insert(field.to_string(), obj(&mut [("enum", allowed.into())]));
        req.push(Value::from(field));
    }
    (!props.is_empty()).then(|| {
        obj(&mut [
            ("properties", Value::Object(props)),
            ("required", Value::Array(req)),
        ])
    })
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
        Some(1) | None => obj(&mut [("type", "string".into()), ("pattern", "\\S".into())]),
        Some(m) => obj(&mut [
            ("type", "string".into()),
            ("pattern", format!("\\S[\\s\\S]{{{},}}\\S", m - 2).into()),
        ]),
    };
    let mut then = Map::new();
    // Not only text: a required field of another kind need only be there.
    let field = if d.required && min.is_none() {
        let not = obj(&mut [("type", vec!["string", "null", "array"].into())]);
        let items = obj(&mut [("type", "array".into()), ("minItems", 1.into())]);
        obj(&mut [(
            "anyOf",
            Value::Array(vec![obj(&mut [("not", not)]), items, field]),
        )])
    } else {
        field
    };
    insert(&mut then, &path, field, true, false);
    Some(Value::Object(then))
}
