//! Validation of a ticket against its type, and the lifecycle checks.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    get_path, is_email, is_empty, is_phone, set_path, strip_proto, Condition, DataRule, FieldError,
    FieldSpec, Fill, Kind, Rule, TicketType, TransitionResult, UnknownFields, ValidationResult,
    SYSTEM_FIELDS,
};
use crate::error::{Error, Result};
use crate::json::JsonView;
use crate::priority::{same_name, Matrix, PriorityResult};
use crate::sla::policy::SlaPolicy;
use crate::ticket::json_type;

/// What validation needs from the pack.
pub(crate) trait FormPack {
    fn ticket_type(&self, name: &str) -> Result<&TicketType>;
    fn matrix(&self) -> &Matrix;
    fn policy(&self) -> &SlaPolicy;
    fn pack_lookup(&self, name: &str) -> Option<&[Value]>;
    fn messages(&self) -> &BTreeMap<String, String>;
    fn unknown_fields(&self) -> UnknownFields;
    /// The user roles (`user_roles`), for permissions.
    fn user_roles(&self) -> &[String];
    fn priority_for(&self, ticket: &Value) -> Result<PriorityResult>;
    /// A form function of a type: a condition (bool) or a rule (errors).
    /// Its answer has been checked to be what `returns` says.
    fn form_function(
        &self,
        type_name: &str,
        function: &str,
        ticket: &Value,
        returns: super::Returns,
    ) -> Result<Value>;
    /// The ticket's record (`openedAt`, `history`, `status`, `alarms`)
    /// read as the SLA clocks and escalations read it: the first thing
    /// they would refuse.
    fn check_record(&self, ticket: &Value) -> Result<()>;
}

/// Lookup lists given with the call; they take precedence over the pack's.
pub(crate) type CallLookups<'a> = Option<&'a Map<String, Value>>;

struct Ctx<'a, P: FormPack> {
    pack: &'a P,
    lookups: CallLookups<'a>,
    errors: Vec<FieldError>,
}

impl<P: FormPack> Ctx<'_, P> {
    fn lookup(&self, name: &str) -> Option<&[Value]> {
        if let Some(Value::Array(a)) = self.lookups.and_then(|l| l.get(name)) {
            return Some(a);
        }
        self.pack.pack_lookup(name)
    }

    fn error(&mut self, field: &str, code: &str, label: &str, mut params: Map<String, Value>) {
        params.insert("field".into(), Value::from(field));
        params.entry("label").or_insert_with(|| Value::from(label));
        let template = self
            .pack
            .messages()
            .get(code)
            .cloned()
            .unwrap_or_else(|| "{label} is not valid".into());
        let message = super::fill_template(&template, &params);
        self.errors.push(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            params,
            message,
        });
    }
}

/// A number as people write it: `10`, not `10.0`.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// An error's parameters. Taken from a slice, not an array of each
/// length (a copy of this function per length in the wasm).
fn params(pairs: &mut [(&str, Value)]) -> Map<String, Value> {
    crate::json::object(pairs.iter_mut().map(|(k, v)| (k.to_string(), v.take())))
}

/// Validates `ticket` as a `type_name` ticket (or its own `type`).
/// An owned ticket becomes the answer's ticket without a copy (unless a
/// role or a previous ticket needs it as it was sent).
pub(crate) fn validate<P: FormPack>(
    pack: &P,
    ticket: Cow<'_, Value>,
    type_name: Option<&str>,
    lookups: CallLookups<'_>,
    who: Requester<'_>,
) -> Result<ValidationResult> {
    validate_at(pack, ticket, type_name, lookups, who, None)
}

/// [`validate`] with the ticket judged at status `at` (`None`: where its
/// record is, else its type's initial status): the fields `required_at`
/// it, and the conditions that name `status`. `transition` judges a move
/// so, at both ends.
fn validate_at<P: FormPack>(
    pack: &P,
    ticket: Cow<'_, Value>,
    type_name: Option<&str>,
    lookups: CallLookups<'_>,
    who: Requester<'_>,
    at: Option<&str>,
) -> Result<ValidationResult> {
    crate::ticket::expect_object(&*ticket)?;
    if let Some(p) = who.previous {
        if !p.is_object() {
            return Err(Error::InvalidType {
                field: "previous".into(),
                expected: "a ticket (an object)",
                found: json_type(p),
            });
        }
    }
    if let Some(role) = who.role {
        check_role(pack, role)?;
    }
    // A list given with the call that is not a list was passed over for
    // the pack's, without a word.
    if let Some((k, v)) = lookups.into_iter().flatten().find(|(_, v)| !v.is_array()) {
        return Err(Error::InvalidType {
            field: format!("options.lookups.{k}"),
            expected: "an array of records",
            found: json_type(v),
        });
    }
    // The type named, else the ticket's own, else (a change that left it
    // out) the previous ticket's.
    let given = |t: &Value| t.get("type").is_some_and(|v| !v.is_null());
    let from = match who.previous {
        Some(p) if !given(&ticket) && given(p) => p,
        _ => &*ticket,
    };
    let asked = type_name;
    let type_name = match type_name {
        Some(t) => t.to_string(),
        None => crate::ticket::Field::of(from, "type")
            .required_str("type")?
            .to_string(),
    };
    let ty = pack.ticket_type(&type_name)?;
    // The ticket as sent: read by a previous ticket's merge and by a
    // role's permissions only.
    let kept: Option<Value>;
    let (mut out, ticket): (Value, Option<&Value>) = match ticket {
        Cow::Borrowed(t) => (t.clone(), Some(t)),
        Cow::Owned(t) if who.role.is_some() || who.previous.is_some() => {
            let out = t.clone();
            kept = Some(t);
            (out, kept.as_ref())
        }
        Cow::Owned(t) => (t, None),
    };
    strip_proto(&mut out);
    // A type taken from the previous ticket is the answer's too.
    if let (Some(p), false) = (who.previous, given(&out)) {
        if let (Some(t), Value::Object(o)) = (p.get("type"), &mut out) {
            o.insert("type".into(), t.clone());
        }
    }
    // A type the call names is the answer's: the ticket was judged as that
    // type, and the returned ticket must validate again as what it says it
    // is (reclassify asks this way). With a role and a previous ticket the
    // type is the host's record: it comes back as the host had it, and a
    // named type that is not it is refused (below, after host_fields).
    if asked.is_some() {
        if let Value::Object(o) = &mut out {
            o.insert("type".into(), Value::from(ty.name.as_str()));
        }
    }
    // A change sends what it changes: a field it leaves out keeps its
    // previous value (so a ticket redacted for a role comes back whole).
    // Not a field filled from one the change gave anew: a new contact's
    // email is the new contact's, not the previous one's.
    if let (Some(prev), Some(ticket)) = (who.previous, ticket) {
        let changed =
            |path: &str| get_path(ticket, path).is_some_and(|v| Some(v) != get_path(prev, path));
        for f in &ty.fields {
            if f.fill
                .as_ref()
                .is_some_and(|fill| fill.sources().any(changed))
            {
                continue;
            }
            if get_path(ticket, &f.name).is_none() {
                if let Some(v) = get_path(prev, &f.name) {
                    let mut v = v.clone();
                    strip_proto(&mut v);
                    set_path(&mut out, &f.name, v);
                }
            }
        }
    }
    let mut ctx = Ctx {
        pack,
        lookups,
        errors: Vec::new(),
    };
    // Values the role may not give are taken back before anything is
    // derived from them (a refused urgency must not raise the priority);
    // fields the engine fills are judged after it has filled them.
    let status = who
        .role
        .zip(ticket)
        .map(|(_, sent)| status_of(pack, ty, who.previous.unwrap_or(sent)));
    let asker = who
        .role
        .zip(ticket)
        .zip(status.as_deref())
        .map(|((role, sent), status)| Asker {
            role,
            sent,
            previous: who.previous,
            status,
        });
    if let Some(a) = &asker {
        permissions(&mut ctx, ty, a, &mut out, None);
        host_fields(&mut ctx, ty, a, &mut out);
        // Judged as another type than the host's, the ticket would come
        // back as the host's type with the other type's fields: a change of
        // type is a reclassification, not a role's edit.
        let host_type = a
            .previous
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str);
        if let Some(host) = host_type.filter(|h| !same_name(h.trim(), &ty.name)) {
            if asked.is_some() && !ctx.errors.iter().any(|e| e.field == "type") {
                let p = params(&mut [
                    ("role", Value::from(a.role)),
                    ("status", Value::from(a.status)),
                    ("type", Value::from(host)),
                ]);
                ctx.error("type", "READ_ONLY", "Type", p);
            }
        }
    }
    if let (Some(prev), Some(sent)) = (who.previous, ticket) {
        rerated(&mut ctx, ty, prev, sent, &mut out);
    }
    let refused = std::mem::take(&mut ctx.errors);

    // Fields the type does not declare.
    let policy = pack.unknown_fields();
    if policy != UnknownFields::Keep {
        // A key is known when it is a field, or a field's first parts
        // (`contact` and, under it, `name` for `contact.name`): a declared
        // object is closed as the ticket is. A key with a dot in it never
        // is known (a field's path is split at its dots).
        for path in unknown_keys(&ty.fields, &out) {
            let shown = path.join(".");
            if policy == UnknownFields::Drop {
                remove_key(&mut out, &path);
            } else {
                ctx.error(
                    &shown,
                    "UNKNOWN_FIELD",
                    &shown,
                    params(&mut [("type", Value::from(type_name.as_str()))]),
                );
            }
        }
    }

    // Defaults, then fills, in form order.
    for f in &ty.fields {
        if let Some(d) = &f.default {
            if is_empty(get_path(&out, &f.name)) {
                set_path(&mut out, &f.name, d.clone());
            }
        }
    }
    let mut priority: Option<Option<PriorityResult>> = None;
    // The fields whose value the engine gave over whatever was sent.
    let mut overwritten: Vec<&str> = Vec::new();
    for f in &ty.fields {
        let Some(fill) = &f.fill else { continue };
        let (overwrite, value) = match fill {
            Fill::Priority { take, overwrite } => {
                if priority.is_none() {
                    priority = Some(match pack.priority_for(&out) {
                        Ok(p) => Some(p),
                        // Missing, off the menu or a history the clocks
                        // refuse: an error at that field, and no priority.
                        // A hook's failure (or a ticket too large for it)
                        // is the call's.
                        Err(e) if e.span().is_none() && e.code() != "TOO_LARGE" => None,
                        Err(e) => return Err(e),
                    });
                }
                let p = priority.as_ref().and_then(Option::as_ref);
                (*overwrite, p.and_then(|p| priority_field(p, take)))
            }
            Fill::Copy { field, overwrite } => (
                *overwrite,
                get_path(&out, field)
                    .cloned()
                    .filter(|v| !is_empty(Some(v))),
            ),
            Fill::Lookup {
                lookup,
                by,
                take,
                overwrite,
            } => {
                let key_field = ty.field(by).map_or("name", |g| g.key.as_str());
                let key = get_path(&out, by).and_then(|v| reference_key(v, key_field));
                let record = key.and_then(|k| find_record(ctx.lookup(lookup)?, key_field, &k));
                (*overwrite, record.and_then(|r| get_path(r, take)).cloned())
            }
        };
        match value {
            Some(v) if overwrite || is_empty(get_path(&out, &f.name)) => {
                set_path(&mut out, &f.name, v);
                if overwrite {
                    overwritten.push(&f.name);
                }
            }
            // The matrix gives no priority (an impact or urgency missing
            // or not in its menu): what was sent does not stand in for it.
            None if overwrite && matches!(fill, Fill::Priority { .. }) => {
                super::access::remove_path(&mut out, &f.name);
                overwritten.push(&f.name);
            }
            _ => {}
        }
    }

    // The status the ticket is judged at: the fields required there are
    // required now (a resolution while Resolved, not only on the way in),
    // and a condition on `status` reads it (the record's, not a top-level
    // field a history has moved on from).
    let at = at.map_or_else(|| status_of(pack, ty, &out), str::to_string);
    let required_at = ty.required_at(&at);
    // Each field. A dotted field (`contact.name`) under something that is
    // not an object is one error at that something (`contact`), not a
    // missing field under it.
    let mut not_objects: Vec<&str> = Vec::new();
    // The fields this ticket must have as it stands (a condition of one
    // judged on the filled ticket), for a form's required marks.
    let mut required_now: Vec<String> = Vec::new();
    for f in &ty.fields {
        let required = f.required
            || required_at.contains(&f.name)
            || match &f.required_when {
                None => false,
                Some(c) => holds(pack, ty, c, &out, &at, &mut priority)?,
            };
        if required {
            required_now.push(f.name.clone());
        }
        if let Some((parent, found)) = non_object_parent(&out, &f.name) {
            if !not_objects.contains(&parent) {
                not_objects.push(parent);
                let p = params(&mut [
                    ("expected", Value::from("an object")),
                    ("found", Value::from(found)),
                ]);
                ctx.error(parent, "WRONG_TYPE", &f.label, p);
            }
            continue;
        }
        let value = get_path(&out, &f.name);
        if is_empty(value) {
            if required {
                ctx.error(&f.name, "REQUIRED", &f.label, Map::new());
            }
            continue;
        }
        let Some(value) = value else { continue };
        check_field(&mut ctx, f, &f.name, value, f.kind);
    }

    record_checks(&mut ctx, ty, &out);

    // Cross-field rules: data checks first-class, functions for the rest.
    for rule in &ty.rules {
        let rule = match rule {
            Rule::Data(d) => {
                // A rule that holds and refuses its field empty makes it
                // required now (a description when work has stopped).
                if data_rule(&mut ctx, ty, d, &out, &at)?
                    && refuses_empty(d)
                    && !required_now.contains(&d.field)
                {
                    required_now.push(d.field.clone());
                }
                continue;
            }
            Rule::Function(name) => name,
        };
        let list = match pack.form_function(&ty.name, rule, &out, super::Returns::Errors)? {
            Value::Array(a) => a,
            _ => Vec::new(),
        };
        for e in list {
            let field = e
                .get("field")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let code = e
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("RULE")
                .to_string();
            let label = ty.field(&field).map_or(field.clone(), |f| f.label.clone());
            let mut p = match e.get("params") {
                Some(Value::Object(p)) => p.clone(),
                _ => Map::new(),
            };
            p.insert("rule".into(), Value::from(rule.as_str()));
            match e.get("message").and_then(Value::as_str) {
                // The rule's own message, unless the pack has a template
                // for its code (a translation).
                Some(m) if code == "RULE" || !pack.messages().contains_key(&code) => {
                    p.insert("field".into(), Value::from(field.as_str()));
                    p.entry("label")
                        .or_insert_with(|| Value::from(label.as_str()));
                    let message = super::fill_template(m, &p);
                    ctx.errors.push(FieldError {
                        field,
                        code,
                        params: p,
                        message,
                    });
                }
                _ => ctx.error(&field, &code, &label, p),
            }
        }
    }

    ctx.errors.extend(refused);
    if let Some(a) = &asker {
        permissions(&mut ctx, ty, a, &mut out, Some(&overwritten));
    }

    Ok(ValidationResult {
        valid: ctx.errors.is_empty(),
        errors: ctx.errors,
        ticket: out,
        required: required_now,
        pack_version: String::new(), // the engine stamps it
    })
}

/// The keys of `ticket` no field of the type declares, each as its path of
/// keys, in the ticket's order: at the top, any but the ticket model's own
/// fields; under a key that only begins fields (`contact`), when it holds
/// an object, any that is not the next part of one of them. A field's own
/// value is the field check's to judge, whatever its shape.
fn unknown_keys(fields: &[FieldSpec], ticket: &Value) -> Vec<Vec<String>> {
    // `keys`: the path walked; `dotted`: the same joined with dots, as
    // field names are written. Nothing is allocated for a known key (the
    // first version cloned each key and split every field name per key:
    // 16.6 k instructions of a 51 k validation, callgrind).
    fn walk<'v>(
        fields: &[FieldSpec],
        keys: &mut Vec<&'v str>,
        dotted: &mut String,
        object: &'v Map<String, Value>,
        found: &mut Vec<Vec<String>>,
    ) {
        for (k, v) in object {
            if keys.is_empty() && SYSTEM_FIELDS.contains(&k.as_str()) {
                continue;
            }
            let len = dotted.len();
            if len > 0 {
                dotted.push('.');
            }
            dotted.push_str(k);
            keys.push(k);
            // Whether the path is a field (`Some(true)`), only the start
            // of fields (`Some(false)`), or neither (`None`). A key with a
            // dot in it is no part of a field's name.
            let mut kind = None;
            if !k.contains('.') {
                for f in fields {
                    if f.name == *dotted {
                        kind = Some(true);
                        break;
                    }
                    if f.name.as_bytes().get(dotted.len()) == Some(&b'.')
                        && f.name.starts_with(dotted.as_str())
                    {
                        kind = Some(false);
                    }
                }
            }
            match (kind, v) {
                (None, _) => found.push(keys.iter().map(|k| (*k).to_string()).collect()),
                (Some(false), Value::Object(inner)) => walk(fields, keys, dotted, inner, found),
                _ => {}
            }
            keys.pop();
            dotted.truncate(len);
        }
    }
    let mut found = Vec::new();
    if let Value::Object(o) = ticket {
        walk(fields, &mut Vec::new(), &mut String::new(), o, &mut found);
    }
    found
}

/// Removes the key at a path of keys (a key may hold a dot: `"a.b"` at the
/// top is that key, not `b` under `a`).
fn remove_key(v: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = v;
    for p in parents {
        match at.get_mut(p.as_str()) {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Value::Object(o) = at {
        o.remove(last.as_str());
    }
}

/// A change of the top-level `impact` or `urgency` of a ticket whose
/// history has re-rated it. The ticket model keeps a rating as the ticket
/// opened with it at the top (the SLA clocks' first regime) and each
/// re-rating as a history event: the ticket's rating now is the history's
/// latest, which a changed top-level value would not move (the priority
/// filled would mix the history's impact with the form's urgency, or
/// ignore the change), while it rewrote the rating the ticket opened with.
/// So it is refused (`INVALID_HISTORY`, the previous value back): the
/// host re-rates by adding an event. A value sent that is the rating the
/// ticket has now is no change, and the opening one stays.
fn rerated<P: FormPack>(
    ctx: &mut Ctx<'_, P>,
    ty: &TicketType,
    previous: &Value,
    sent: &Value,
    out: &mut Value,
) {
    let Some(Value::Array(history)) = out.get("history") else {
        return;
    };
    let is_rating = |e: &Value| {
        ["impact", "urgency", "priority"]
            .iter()
            .any(|k| e.get(*k).is_some_and(Value::is_string))
    };
    let Some(last) = history.iter().rposition(is_rating) else {
        return;
    };
    let matrix = ctx.pack.matrix();
    let mut refused = Vec::new();
    for field in ["impact", "urgency"] {
        let Some(value) = sent.get(field).filter(|v| !is_empty(Some(v))) else {
            continue;
        };
        let before = previous.get(field);
        let same = |other: Option<&Value>| {
            other.is_some_and(|o| one_of(matrix, field, std::slice::from_ref(o), Some(value)))
        };
        if same(before) || ctx.errors.iter().any(|e| e.field == field) {
            continue;
        }
        let now = rating_now(history, field).or(before);
        refused.push((field, before.cloned(), !same(now)));
    }
    for (field, before, wrong) in refused {
        if wrong {
            let label = ty.field(field).map_or(field, |f| f.label.as_str());
            let reason = format!(
                "history[{last}] re-rated the ticket: a new rating is a history event, not a \
                 change of the {field} it opened with"
            );
            ctx.error(
                field,
                "INVALID_HISTORY",
                label,
                params(&mut [("reason", Value::from(reason))]),
            );
        }
        restore(out, field, before.as_ref());
    }
}

/// The `impact` or `urgency` the last re-rating in `history` gave, if any.
fn rating_now<'h>(history: &'h [Value], field: &str) -> Option<&'h Value> {
    history
        .iter()
        .rev()
        .find_map(|e| e.get(field).filter(|v| v.is_string()))
}

/// Who asks for a validation, and what the ticket was before (issue 9).
#[derive(Debug, Clone, Copy, Default)]
pub struct Requester<'a> {
    /// A user role of the pack (`user_roles`): its permissions apply.
    pub role: Option<&'a str>,
    /// The ticket before this change; none when the ticket is created.
    pub previous: Option<&'a Value>,
}

/// `role` is one the pack declares.
pub(crate) fn check_role<P: FormPack>(pack: &P, role: &str) -> Result<()> {
    if pack.user_roles().iter().any(|r| r == role) {
        return Ok(());
    }
    Err(Error::UnknownRole {
        field: "role".into(),
        value: role.to_string(),
        allowed: pack.user_roles().to_vec(),
    })
}

/// The status a ticket is at: what its record says (its history's last,
/// which its own must agree with; see [`crate::sla::record_status`]), else
/// the type's initial status, else the first one declared. A record that
/// cannot say (validate reports why) is at its own `status` as sent.
pub(crate) fn status_of<P: FormPack>(pack: &P, ty: &TicketType, ticket: &Value) -> String {
    let policy = pack.policy();
    match crate::sla::record_status(ticket, policy) {
        Ok(Some(s)) => s.to_string(),
        Ok(None) => ty.initial_status(policy).unwrap_or_default(),
        Err(_) => match ticket.get("status").and_then(Value::as_str) {
            Some(s) => policy.canonical(s).unwrap_or(s).to_string(),
            None => ty.initial_status(policy).unwrap_or_default(),
        },
    }
}

/// Who asks to validate, and the status their change is made at.
#[derive(Clone, Copy)]
struct Asker<'a> {
    role: &'a str,
    sent: &'a Value,
    previous: Option<&'a Value>,
    status: &'a str,
}

/// The fields `role` set or changed that it may not: `READ_ONLY` where it
/// may see the field, `FORBIDDEN` where it may not. A value the engine
/// itself gives the field (a default or a fill) is not the sender's doing.
/// A refused value is taken back out of the returned ticket. `filled`:
/// after filling, the fields with a default or a fill, given the fields
/// whose value the engine gave over the sent one (what was sent there is
/// replaced whatever it was: a form sent back as it was shown, with an
/// earlier priority, is not a change); before, the others (`None`).
fn permissions<P: FormPack>(
    ctx: &mut Ctx<'_, P>,
    ty: &TicketType,
    a: &Asker<'_>,
    out: &mut Value,
    overwritten: Option<&[&str]>,
) {
    let filled = overwritten.is_some();
    let Asker {
        role,
        sent,
        previous,
        status,
    } = *a;
    let creating = previous.is_none();
    let engine_fills = |f: &&FieldSpec| (f.fill.is_some() || f.default.is_some()) == filled;
    // A menu's choice sent again in another case or with spaces around it
    // is no change, nor is an impact or urgency that is the rating the
    // ticket has now (its history's last). (Another description of the
    // same impact level is another fact: a change.)
    let rating = |f: &FieldSpec| matches!(f.name.as_str(), "impact" | "urgency");
    let same_choice = |f: &FieldSpec, value: &Value, other: Option<&Value>| {
        (f.kind == super::Kind::Enum || rating(f))
            && value
                .as_str()
                .zip(other.and_then(Value::as_str))
                .is_some_and(|(a, b)| same_name(a.trim(), b.trim()))
    };
    let rated_now = |f: &FieldSpec| rating_now(previous?.get("history")?.as_array()?, &f.name);
    for f in ty
        .fields
        .iter()
        .filter(|f| !f.access.is_open())
        .filter(engine_fills)
    {
        let Some(value) = get_path(sent, &f.name) else {
            continue;
        };
        let before = previous.and_then(|p| get_path(p, &f.name));
        let engines = filled
            && (get_path(out, &f.name) == Some(value)
                || overwritten.is_some_and(|o| o.contains(&f.name.as_str())));
        if !changed(value, before, creating) || engines {
            continue;
        }
        if !creating && same_choice(f, value, before) {
            // No change: the host's spelling stands.
            restore(out, &f.name, before);
            continue;
        }
        if !creating && rating(f) && same_choice(f, value, rated_now(f)) {
            continue; // the re-rating's; `rerated` keeps the opening rating on top
        }
        let Some(code) = f.access.mode(role, status, creating).refusal() else {
            continue;
        };
        let p = params(&mut [("role", Value::from(role)), ("status", Value::from(status))]);
        ctx.error(&f.name, code, &f.label, p);
        // Where a fill replaced the sent value, the engine's stands.
        if get_path(out, &f.name) == Some(value) {
            restore(out, &f.name, before);
        }
    }
}

/// Whether a sender set a value (on a new ticket) or changed it from
/// `before` (an empty value for an empty one is no change).
fn changed(value: &Value, before: Option<&Value>, creating: bool) -> bool {
    if creating {
        !is_empty(Some(value))
    } else {
        Some(value) != before && !(is_empty(Some(value)) && is_empty(before))
    }
}

/// A refused field's value as it was before (or none, if it had none).
fn restore(out: &mut Value, field: &str, before: Option<&Value>) {
    match before {
        Some(b) => set_path(out, field, b.clone()),
        None => super::access::remove_path(out, field),
    }
}

/// The ticket model's own fields, which the host keeps (the record of what
/// happened), with their labels; `type` and `customerSeverity` are the
/// sender's to give on a new ticket.
const HOST_FIELDS: [(&str, &str); 9] = [
    ("id", "Id"),
    ("packVersion", "Pack version"),
    ("type", "Type"),
    ("status", "Status"),
    ("openedAt", "Opened at"),
    ("history", "History"),
    ("alarms", "Alarms"),
    ("parent", "Parent"),
    ("children", "Children"),
];

/// A label for a field of the ticket model (or a path under one).
fn host_label(path: &str) -> &'static str {
    let root = path.split(['.', '[']).next().unwrap_or(path);
    match root {
        "customerSeverity" => "Customer severity",
        _ => HOST_FIELDS
            .iter()
            .find(|(k, _)| *k == root)
            .map_or("Ticket", |(_, l)| l),
    }
}

/// What a person with a role may do with the ticket model's own fields.
/// The record is the host's: on a new ticket a person gives none of it
/// (but its type, and the type's first status); on a change, what they
/// send must be what the ticket had (or what [`redact`] showed them of
/// it), and the returned ticket has the previous record whole.
/// `customerSeverity` goes with the type's `urgency` field's access.
/// Anything else is `READ_ONLY`, taken back out.
///
/// [`redact`]: crate::RuleEngine::redact
fn host_fields<P: FormPack>(ctx: &mut Ctx<'_, P>, ty: &TicketType, a: &Asker<'_>, out: &mut Value) {
    // (field, label, code): each refused, its previous value back.
    let mut refused: Vec<(&str, &str, &str)> = Vec::new();
    for (field, label) in HOST_FIELDS {
        let sent = a.sent.get(field);
        let Some(prev) = a.previous else {
            let given = sent.is_some_and(|v| !is_empty(Some(v)));
            let allowed = match field {
                "type" => true,
                "status" => sent.and_then(Value::as_str).is_some_and(|s| {
                    ty.initial_status(ctx.pack.policy())
                        .is_some_and(|first| same_name(&first, s.trim()))
                }),
                _ => false,
            };
            if given && !allowed {
                refused.push((field, label, "READ_ONLY"));
            }
            continue;
        };
        let before = prev.get(field);
        // Instants as instants: a host that stored a JavaScript Date
        // (`...T14:00:00.000Z`) or an offset (`...T10:00:00-04:00`) gets
        // back the same instant as `...T14:00:00Z`, not a change.
        let same = |v: &Value| {
            let v = &*instants_in_utc(field, v);
            let before = before.map(|b| instants_in_utc(field, b));
            let before = before.as_deref();
            !changed(v, before, false)
                || v.as_str()
                    .zip(before.and_then(Value::as_str))
                    .is_some_and(|(a, b)| same_name(a.trim(), b.trim()))
                || (field == "history"
                    && before.is_some_and(|b| *instants_in_utc(field, &readable(ty, a, b)) == *v))
        };
        match sent {
            Some(v) if !same(v) => refused.push((field, label, "READ_ONLY")),
            // What the host had stands, whole (a history redacted for the
            // role comes back with what it did not show).
            _ => restore(out, field, before),
        }
    }
    let severity = "customerSeverity";
    if let Some(sent) = a.sent.get(severity) {
        let creating = a.previous.is_none();
        let before = a.previous.and_then(|p| p.get(severity));
        let code = ty
            .field("urgency")
            .and_then(|f| f.access.mode(a.role, a.status, creating).refusal());
        if let Some(code) = code.filter(|_| changed(sent, before, creating)) {
            refused.push((severity, host_label(severity), code));
        }
    }
    for (field, label, code) in refused {
        let p = params(&mut [
            ("role", Value::from(a.role)),
            ("status", Value::from(a.status)),
        ]);
        ctx.error(field, code, label, p);
        restore(out, field, a.previous.and_then(|p| p.get(field)));
    }
}

/// A record field with each instant in it (`openedAt`, an event's or an
/// alarm's `at`) written as the engine writes instants (UTC `Z`, whole
/// seconds, as the clocks read them), to compare what a host stored with
/// what a portal sent back. Text that is no instant is left as
/// it is (the record check reports it).
fn instants_in_utc<'v>(field: &str, v: &'v Value) -> Cow<'v, Value> {
    let utc = |s: &str| {
        crate::time::parse_instant(s, field)
            .ok()
            .map(crate::time::format_instant)
    };
    match (field, v) {
        ("openedAt", Value::String(s)) => match utc(s) {
            Some(t) if t != *s => Cow::Owned(Value::String(t)),
            _ => Cow::Borrowed(v),
        },
        ("history" | "alarms", Value::Array(events)) => {
            let mut out: Option<Vec<Value>> = None;
            for (i, e) in events.iter().enumerate() {
                let Some(t) = e.get("at").and_then(Value::as_str) else {
                    continue;
                };
                let Some(t) = utc(t).filter(|u| u != t) else {
                    continue;
                };
                let list = out.get_or_insert_with(|| events.clone());
                if let Some(Value::Object(o)) = list.get_mut(i) {
                    o.insert("at".into(), Value::String(t));
                }
            }
            out.map_or(Cow::Borrowed(v), |list| Cow::Owned(Value::Array(list)))
        }
        _ => Cow::Borrowed(v),
    }
}

/// `history` as [`redact`](crate::RuleEngine::redact) shows it to the asker.
fn readable(ty: &TicketType, a: &Asker<'_>, history: &Value) -> Value {
    let mut out = history.clone();
    super::access::redact_events(&ty.fields, a.role, a.status, &mut out);
    out
}

/// The ticket model's own fields are what the model says: ids, a declared
/// status, a customer severity on the urgency menu,
/// and a record (`openedAt`, `history`, `alarms`) the SLA clocks and
/// escalations can read. Each wrong one is an error at its path, unless
/// that path has one already.
fn record_checks<P: FormPack>(ctx: &mut Ctx<'_, P>, ty: &TicketType, out: &Value) {
    let pack = ctx.pack;
    let policy = pack.policy();
    let statuses = || Value::from(policy.statuses.clone());
    // (path, code, label, the one parameter): one call writes each.
    let mut found: Vec<(String, &str, &str, (&str, Value))> = Vec::new();
    let expected = |what: &str| ("expected", Value::from(what));
    for field in ["id", "parent"] {
        if !id_kind(out.get(field)) {
            found.push((
                field.into(),
                "WRONG_TYPE",
                host_label(field),
                expected(ID_KIND),
            ));
        }
    }
    // A null or blank status is none given, as every other call reads it.
    if let Some(v) = out.get("status").filter(|v| !is_empty(Some(v))) {
        if v.as_str().is_none_or(|s| policy.status(s).is_none()) {
            found.push((
                "status".into(),
                "NOT_IN_MENU",
                "Status",
                ("allowed", statuses()),
            ));
        }
    }
    if let Some(v) = out.get("customerSeverity").filter(|v| !is_empty(Some(v))) {
        let matrix = pack.matrix();
        if v.as_str().is_none_or(|s| matrix.urgency_index(s).is_err()) {
            let names = matrix
                .urgencies
                .iter()
                .map(|l| Value::from(l.name.as_str()));
            found.push((
                "customerSeverity".into(),
                "NOT_IN_MENU",
                host_label("customerSeverity"),
                ("allowed", Value::Array(names.collect())),
            ));
        }
    }
    // The children as `transition` reads them: what it would refuse when
    // the parent closes is wrong in the record already.
    let (open, children_errors) = read_children(policy, out.get("children"));
    let first = record_error(pack, out);
    for e in first.iter().chain(&children_errors) {
        let field = e.field().unwrap_or("history").to_string();
        let (code, param) = match e {
            Error::InvalidInstant { .. } => ("INVALID_DATE_TIME", None),
            Error::MissingField { .. } => ("REQUIRED", None),
            Error::InvalidType { expected: what, .. } => ("WRONG_TYPE", Some(expected(what))),
            Error::InvalidHistory { message, .. } => (
                "INVALID_HISTORY",
                Some(("reason", Value::from(message.as_str()))),
            ),
            e => match e.allowed() {
                Some(a) => ("NOT_IN_MENU", Some(("allowed", Value::from(a.to_vec())))),
                None => (
                    "INVALID_HISTORY",
                    Some(("reason", Value::from(e.to_string()))),
                ),
            },
        };
        let root = field.split(['.', '[']).next().unwrap_or("");
        let taken = |x: &FieldError| x.field == field || x.field == root;
        if !ctx.errors.iter().any(taken) && !found.iter().any(|f| f.0 == field || f.0 == root) {
            let label = ty
                .field(&field)
                .map_or_else(|| host_label(&field).to_string(), |f| f.label.clone());
            let params = param.map_or_else(Map::new, |(k, v)| params(&mut [(k, v)]));
            ctx.error(&field, code, &label, params);
        }
    }
    for (field, code, label, (k, v)) in found {
        ctx.error(&field, code, label, params(&mut [(k, v)]));
    }
    // A parent that closes only when its children have is not closed with
    // one open (what `transition` refuses on the way there).
    if ty.children && children_errors.is_empty() {
        let closed = crate::sla::record_status(out, policy)
            .ok()
            .flatten()
            .is_some_and(|s| policy.closed.iter().any(|c| c == s));
        if closed {
            children_open(ctx, open);
        }
    }
}

/// What is wrong with the ticket as a record (its `openedAt`, `history`,
/// `status` and `alarms`, read as the clocks and escalations read them),
/// if anything: not a missing impact (the field check's to say) nor a
/// hook's failure (the pack's). `validate` reports it at its field;
/// `transition` and `redact` refuse the ticket with it, as `sla` does.
pub(crate) fn record_error<P: FormPack>(pack: &P, ticket: &Value) -> Option<Error> {
    pack.check_record(ticket).err().filter(|e| {
        let root = e.field().map(|f| f.split(['.', '[']).next().unwrap_or(f));
        matches!(root, Some("openedAt" | "history" | "status" | "alarms"))
    })
}

/// Whether a data rule refuses its field empty (so, while its condition
/// holds, the field is required: a form marks it).
fn refuses_empty(r: &DataRule) -> bool {
    r.required
        || r.min_length.is_some_and(|m| m > 0)
        || !r.one_of.is_empty()
        || r.pattern.as_ref().is_some_and(|p| !p.is_match(""))
}

/// A data rule: when its condition holds, its field must pass its checks.
/// Whether it held.
fn data_rule<P: FormPack>(
    ctx: &mut Ctx<'_, P>,
    ty: &TicketType,
    r: &DataRule,
    ticket: &Value,
    status: &str,
) -> Result<bool> {
    if let Some(c) = &r.when {
        if !holds(ctx.pack, ty, c, ticket, status, &mut None)? {
            return Ok(false);
        }
    }
    let value = get_path(ticket, &r.field);
    let text = value.and_then(Value::as_str).map(str::trim);
    let len = text.map_or(0, |t| t.chars().count());
    let failed = (r.required && is_empty(value))
        || r.min_length.is_some_and(|m| len < m)
        || r.max_length.is_some_and(|m| len > m)
        || r.pattern
            .as_ref()
            .is_some_and(|p| !p.is_match(text.unwrap_or("")))
        || (!r.one_of.is_empty() && !value.is_some_and(|v| r.one_of.contains(v)))
        || r.differs_from
            .as_deref()
            .is_some_and(|other| same_value(value, get_path(ticket, other)));
    if !failed {
        return Ok(true);
    }
    let label = ty
        .field(&r.field)
        .map_or(r.field.as_str(), |f| f.label.as_str())
        .to_string();
    let mut p = Map::new();
    if let Some(m) = r.min_length {
        p.insert("min".into(), Value::from(m));
    }
    if let Some(m) = r.max_length {
        p.insert("max".into(), Value::from(m));
    }
    if let Some(other) = &r.differs_from {
        let other_label = ty.field(other).map_or(other.as_str(), |f| f.label.as_str());
        p.insert("other".into(), Value::from(other.as_str()));
        p.insert("otherLabel".into(), Value::from(other_label));
    }
    match &r.message {
        Some(m) if r.code == "RULE" || !ctx.pack.messages().contains_key(&r.code) => {
            p.insert("field".into(), Value::from(r.field.as_str()));
            p.insert("label".into(), Value::from(label));
            let message = super::fill_template(m, &p);
            ctx.errors.push(FieldError {
                field: r.field.clone(),
                code: r.code.clone(),
                params: p,
                message,
            });
        }
        _ => ctx.error(&r.field, &r.code, &label, p),
    }
    Ok(true)
}

/// Whether two values both given are the same, as `differs_from` compares
/// them: text trimmed and in any case, anything else as JSON.
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if !is_empty(Some(a)) && !is_empty(Some(b)) => {
            match (a.as_str(), b.as_str()) {
                (Some(a), Some(b)) => same_name(a.trim(), b.trim()),
                _ => a == b,
            }
        }
        _ => false,
    }
}

/// A reference's key: the string itself, or the key field of an object.
fn reference_key(v: &Value, key: &str) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get(key).and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn find_record<'a>(records: &'a [Value], key: &str, wanted: &str) -> Option<&'a Value> {
    let wanted = wanted.trim();
    records.iter().find(|r| {
        r.get(key)
            .and_then(Value::as_str)
            .is_some_and(|k| same_name(k.trim(), wanted))
    })
}

/// One field of a priority result, by its JSON name.
fn priority_field(p: &PriorityResult, take: &str) -> Option<Value> {
    let text = |s: &str| Some(Value::from(s));
    match take {
        "priority" => text(&p.priority),
        "impactLevel" => text(&p.impact_level),
        "urgency" => text(&p.urgency),
        "clock" => text(&p.clock),
        "respondSeconds" => Some(Value::from(p.respond_seconds)),
        "resolveSeconds" => Some(Value::from(p.resolve_seconds)),
        "process" => p.process.as_deref().and_then(text),
        "customerPriority" => p.customer_priority.as_deref().and_then(text),
        _ => None,
    }
}

/// The impact level the ticket's `impact` names, if it names one.
fn impact_level<'m>(matrix: &'m Matrix, ticket: &Value) -> Option<&'m str> {
    let impact = ticket.get("impact")?.as_str()?;
    let i = matrix.impact_index(impact).ok()?;
    matrix.impacts.get(i).map(|l| l.name.as_str())
}

/// Whether a condition holds for `ticket`.
/// `priority` caches the ticket's priority between questions (`None`: not
/// computed yet).
pub(crate) fn holds<P: FormPack>(
    pack: &P,
    ty: &TicketType,
    c: &Condition,
    ticket: &Value,
    status: &str,
    priority: &mut Option<Option<PriorityResult>>,
) -> Result<bool> {
    match c {
        Condition::Function(f) => Ok(pack
            .form_function(&ty.name, f, ticket, super::Returns::Bool)?
            .as_bool()
            == Some(true)),
        Condition::Fields(pairs) => {
            for (key, values) in pairs {
                let actual = match key.as_str() {
                    "impact_level" | "priority" => {
                        let p = priority.get_or_insert_with(|| pack.priority_for(ticket).ok());
                        match (p, key == "priority") {
                            (Some(p), true) => Value::from(p.priority.as_str()),
                            (Some(p), false) => Value::from(p.impact_level.as_str()),
                            // No priority (the urgency missing or refused):
                            // the impact alone still names its level, so
                            // "phone required when Critical" is reported
                            // with the urgency's error, not after it.
                            (None, false) => match impact_level(pack.matrix(), ticket) {
                                Some(level) => Value::from(level),
                                None => return Ok(false),
                            },
                            (None, true) => return Ok(false),
                        }
                    }
                    // The status the ticket is judged at (its record's).
                    "status" => Value::from(status),
                    path => get_path(ticket, path).cloned().unwrap_or(Value::Null),
                };
                if !one_of(pack.matrix(), key, values, Some(&actual)) {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }
}

/// Whether `actual`, the value of `key` (`None`: missing, as `null`), is
/// one of `values`, as every condition as data compares: a form's
/// `required_when` and a rule's `when`, and an escalation's
/// `applies.fields`. Text is trimmed and in any case, an impact or urgency
/// by any of its spellings (the condition may say the description, the
/// ticket the name), anything else equal as JSON.
pub(crate) fn one_of<J: JsonView>(
    matrix: &Matrix,
    key: &str,
    values: &[Value],
    actual: Option<&J>,
) -> bool {
    let level = |text: &str| match key {
        "impact" => matrix.find_impact(text),
        "urgency" => matrix.find_urgency(text),
        _ => None,
    };
    let text = actual.and_then(JsonView::as_str);
    values.iter().any(|v| match (v, text) {
        (Value::String(a), Some(b)) => {
            same_name(a, b.trim()) || level(a).is_some_and(|l| level(b) == Some(l))
        }
        (a, _) => actual.map_or(a.is_null(), |b| *a == *b.to_value()),
    })
}

/// The values a field's menu allows, for messages and checks.
pub(crate) fn menu_values(
    matrix: &Matrix,
    policy: &SlaPolicy,
    f: &FieldSpec,
) -> Vec<super::MenuItem> {
    use super::MenuItem;
    let item = |v: &str| MenuItem {
        value: v.to_string(),
        label: v.to_string(),
    };
    match f.menu.as_deref() {
        Some("impact") => matrix
            .impacts
            .iter()
            .flat_map(|l| {
                if l.aliases.is_empty() {
                    vec![item(&l.name)]
                } else {
                    l.aliases.iter().map(|a| item(a)).collect()
                }
            })
            .collect(),
        Some("urgency" | "customer_severity") => {
            matrix.urgencies.iter().map(|l| item(&l.name)).collect()
        }
        Some("priority") => matrix.priorities.iter().map(|p| item(p)).collect(),
        Some("status") => policy.statuses.iter().map(|s| item(s)).collect(),
        _ => f.values.clone(),
    }
}

fn in_menu<P: FormPack>(ctx: &Ctx<'_, P>, f: &FieldSpec, s: &str) -> bool {
    let m = ctx.pack.matrix();
    match f.menu.as_deref() {
        // The matrix's own matching: names and aliases, any case.
        Some("impact") => m.impact_index(s).is_ok(),
        Some("urgency" | "customer_severity") => m.urgency_index(s).is_ok(),
        Some("priority") => m.priority_rank(s).is_some(),
        Some("status") => ctx.pack.policy().status(s).is_some(),
        _ => f.values.iter().any(|v| v.value == s),
    }
}

fn check_field<P: FormPack>(
    ctx: &mut Ctx<'_, P>,
    f: &FieldSpec,
    path: &str,
    v: &Value,
    kind: Kind,
) {
    let label = f.label.as_str();
    let wrong = |expected: &str| {
        params(&mut [
            ("expected", Value::from(expected)),
            ("found", Value::from(json_type(v))),
        ])
    };
    match kind {
        Kind::List => {
            let Value::Array(items) = v else {
                return ctx.error(path, "WRONG_TYPE", label, wrong("a list"));
            };
            if let Some(min) = f.min_items.filter(|m| items.len() < *m) {
                ctx.error(
                    path,
                    "TOO_FEW",
                    label,
                    params(&mut [("min", Value::from(min))]),
                );
            }
            if let Some(max) = f.max_items.filter(|m| items.len() > *m) {
                ctx.error(
                    path,
                    "TOO_MANY",
                    label,
                    params(&mut [("max", Value::from(max))]),
                );
            }
            for (i, item) in items.iter().enumerate() {
                check_field(ctx, f, &format!("{path}[{i}]"), item, f.of);
            }
        }
        Kind::Number => {
            let Some(n) = v.as_f64() else {
                return ctx.error(path, "NOT_A_NUMBER", label, wrong("a number"));
            };
            if f.integer && n.fract() != 0.0 {
                ctx.error(path, "NOT_AN_INTEGER", label, Map::new());
            }
            if let Some(min) = f.min.filter(|m| n < *m) {
                ctx.error(
                    path,
                    "TOO_SMALL",
                    label,
                    params(&mut [("min", number(min))]),
                );
            }
            if let Some(max) = f.max.filter(|m| n > *m) {
                ctx.error(
                    path,
                    "TOO_LARGE",
                    label,
                    params(&mut [("max", number(max))]),
                );
            }
        }
        Kind::Boolean => {
            if !v.is_boolean() {
                ctx.error(path, "NOT_BOOLEAN", label, wrong("true or false"));
            }
        }
        Kind::Reference => {
            let Some(key) = reference_key(v, &f.key) else {
                return ctx.error(path, "WRONG_TYPE", label, wrong("a name from the list"));
            };
            let lookup = f.lookup.clone().unwrap_or_default();
            let found = ctx
                .lookup(&lookup)
                .is_some_and(|records| find_record(records, &f.key, &key).is_some());
            if !found {
                ctx.error(
                    path,
                    "UNKNOWN_REFERENCE",
                    label,
                    params(&mut [("value", Value::from(key)), ("lookup", Value::from(lookup))]),
                );
            }
        }
        Kind::Text | Kind::LongText | Kind::Enum | Kind::Email | Kind::Phone | Kind::DateTime => {
            let Some(s) = v.as_str() else {
                return ctx.error(path, "WRONG_TYPE", label, wrong("text"));
            };
            let len = s.chars().count();
            if let Some(min) = f.min_length.filter(|m| len < *m) {
                ctx.error(
                    path,
                    "TOO_SHORT",
                    label,
                    params(&mut [("min", Value::from(min)), ("length", Value::from(len))]),
                );
            }
            if let Some(max) = f.max_length.filter(|m| len > *m) {
                ctx.error(
                    path,
                    "TOO_LONG",
                    label,
                    params(&mut [("max", Value::from(max)), ("length", Value::from(len))]),
                );
            }
            match kind {
                Kind::Enum if !in_menu(ctx, f, s) => {
                    let allowed: Vec<Value> = menu_values(ctx.pack.matrix(), ctx.pack.policy(), f)
                        .into_iter()
                        .map(|m| Value::from(m.value))
                        .collect();
                    ctx.error(
                        path,
                        "NOT_IN_MENU",
                        label,
                        params(&mut [
                            ("value", Value::from(s)),
                            ("allowed", Value::Array(allowed)),
                        ]),
                    );
                }
                Kind::Email if !is_email(s.trim()) => {
                    ctx.error(path, "INVALID_EMAIL", label, Map::new())
                }
                Kind::Phone if f.pattern.is_none() && !is_phone(s.trim()) => {
                    ctx.error(path, "INVALID_PHONE", label, Map::new())
                }
                Kind::DateTime if crate::time::parse_instant(s, path).is_err() => {
                    ctx.error(path, "INVALID_DATE_TIME", label, Map::new())
                }
                _ => {}
            }
            if let Some(p) = &f.pattern {
                if !p.is_match(s) {
                    ctx.error(
                        path,
                        "PATTERN",
                        label,
                        params(&mut [("pattern", Value::from(p.as_str()))]),
                    );
                }
            }
        }
    }
}

/// The first proper prefix of a dotted path (`contact` of `contact.name`)
/// that holds something other than an object, with that something's type.
fn non_object_parent<'p>(v: &Value, path: &'p str) -> Option<(&'p str, &'static str)> {
    if !path.as_bytes().contains(&b'.') {
        return None;
    }
    let mut at = v;
    for (end, _) in path.match_indices('.') {
        let prefix = path.get(..end)?;
        let key = prefix.rsplit('.').next()?;
        match at.get(key) {
            None | Some(Value::Null) => return None,
            Some(o @ Value::Object(_)) => at = o,
            Some(other) => return Some((prefix, json_type(other))),
        }
    }
    None
}

/// What a ticket's `id` (and `parent`, and a child's `id`) may be.
const ID_KIND: &str = "text or a whole number";

/// Whether an id is of [`ID_KIND`] (or not given).
fn id_kind(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null | Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64() || n.is_u64(),
        Some(_) => false,
    }
}

/// The children that are not closed (each by its id, else its path), read
/// as `transition` reads them before a parent closes and `validate` reads
/// a ticket's own: a list (or nothing) of objects, each with a declared
/// `status` and an id, if any, of [`ID_KIND`]. Each child must say where it
/// stands: nothing is guessed open. The first problem, for `transition`.
fn open_children(policy: &SlaPolicy, children: Option<&Value>) -> Result<Vec<Value>> {
    let (open, errors) = read_children(policy, children);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(open),
    }
}

/// [`open_children`] with every problem, each at its path, in order (for
/// `validate`, which lists them all); the open children are complete only
/// when there is none.
fn read_children(policy: &SlaPolicy, children: Option<&Value>) -> (Vec<Value>, Vec<Error>) {
    let kids = match children {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(kids)) => kids.as_slice(),
        Some(v) => {
            let e = Error::InvalidType {
                field: "children".into(),
                expected: "array",
                found: json_type(v),
            };
            return (Vec::new(), vec![e]);
        }
    };
    let mut open = Vec::new();
    let mut errors = Vec::new();
    for (i, k) in kids.iter().enumerate() {
        if !k.is_object() {
            errors.push(Error::InvalidType {
                field: format!("children[{i}]"),
                expected: "object",
                found: json_type(k),
            });
            continue;
        }
        if let Some(id) = k.get("id").filter(|id| !id_kind(Some(id))) {
            errors.push(Error::InvalidType {
                field: format!("children[{i}].id"),
                expected: ID_KIND,
                found: json_type(id),
            });
        }
        let path = format!("children[{i}].status");
        let given = match crate::ticket::Field::of(k, "status").required_str(&path) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(status) = policy.canonical(given) else {
            errors.push(policy.unknown_status(path, given));
            continue;
        };
        if !policy.closed.iter().any(|c| c == status) {
            let id = k
                .get("id")
                .and_then(crate::json::JsonView::id_text)
                .map_or_else(|| format!("children[{i}]"), std::borrow::Cow::into_owned);
            open.push(Value::from(id));
        }
    }
    (open, errors)
}

/// `CHILDREN_OPEN` for a parent that is (or would be) closed while these
/// children are not.
fn children_open<P: FormPack>(ctx: &mut Ctx<'_, P>, open: Vec<Value>) {
    if !open.is_empty() {
        ctx.error(
            "children",
            "CHILDREN_OPEN",
            "Children",
            params(&mut [("open", Value::Array(open))]),
        );
    }
}

/// Whether `ticket` may move to status `to`.
pub(crate) fn transition<P: FormPack>(
    pack: &P,
    ticket: &Value,
    to: &str,
    children: Option<&Value>,
) -> Result<TransitionResult> {
    crate::ticket::expect_object(ticket)?;
    let type_name = crate::ticket::Field::of(ticket, "type").required_str("type")?;
    let ty = pack.ticket_type(type_name)?;
    let policy = pack.policy();
    let canonical = |s: &str, field: &str| -> Result<String> {
        policy
            .canonical(s)
            .map(str::to_string)
            .ok_or_else(|| policy.unknown_status(field.to_string(), s))
    };
    if to.trim().is_empty() {
        return Err(Error::MissingField { field: "to".into() });
    }
    let to = canonical(to, "to")?;
    // A record the clocks refuse (events out of order or before the
    // opening, an instant that is none) is refused here too: the status
    // read from it could be one the clocks never reach.
    if let Some(e) = record_error(pack, ticket) {
        return Err(e);
    }
    // Where the record says the ticket is, as the clocks read it: a ticket
    // whose history has moved it on is not at its type's first status for
    // want of a top-level `status`, and one that contradicts its history
    // is refused as the clocks refuse it.
    let from = match crate::sla::record_status(ticket, policy)? {
        Some(s) => s.to_string(),
        None => ty.initial_status(policy).unwrap_or_default(),
    };
    let mut ctx = Ctx {
        pack,
        lookups: None,
        errors: Vec::new(),
    };
    if !ty.transitions.is_empty() {
        let allowed: Vec<String> = ty
            .transitions
            .iter()
            .find(|(s, _)| same_name(s, &from))
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        if !allowed.iter().any(|a| same_name(a, &to)) {
            let p = params(&mut [
                ("from", Value::from(from.as_str())),
                ("to", Value::from(to.as_str())),
                (
                    "allowed",
                    Value::Array(allowed.iter().map(|a| Value::from(a.as_str())).collect()),
                ),
            ]);
            ctx.error("status", "NOT_ALLOWED", "Status", p);
        }
    }
    let required_here = ty.required_at(&to);
    for name in required_here {
        let spec = ty.field(name);
        match get_path(ticket, name) {
            v if is_empty(v) => {
                let label = spec.map_or(name.clone(), |f| f.label.clone());
                let p = params(&mut [("status", Value::from(to.as_str()))]);
                ctx.error(name, "REQUIRED", &label, p);
            }
            // There, and what the field takes (`resolution: 5` is no
            // resolution summary).
            Some(v) => {
                if let Some(f) = spec {
                    check_field(&mut ctx, f, name, v, f.kind);
                }
            }
            None => {}
        }
    }
    if ty.children && policy.closed.iter().any(|c| c == &to) {
        let kids = children
            .filter(|c| !c.is_null())
            .or_else(|| ticket.get("children"));
        children_open(&mut ctx, open_children(policy, kids)?);
    }
    // What the move itself makes wrong, as a save of the ticket judges it:
    // an error at the new status that the old one does not have (a rule
    // for waiting tickets), and any on a field the new status requires (a
    // root cause that only repeats the workaround). What was wrong already
    // is not the move's to refuse.
    let judged = |at: &str| {
        validate_at(
            pack,
            Cow::Borrowed(ticket),
            None,
            None,
            Requester::default(),
            Some(at),
        )
    };
    let (before, after) = (judged(&from)?, judged(&to)?);
    for e in after.errors {
        let new = !before
            .errors
            .iter()
            .any(|b| b.field == e.field && b.code == e.code);
        let said = ctx.errors.iter().any(|x| x.field == e.field);
        if (new || required_here.contains(&e.field)) && !said {
            ctx.errors.push(e);
        }
    }
    Ok(TransitionResult {
        allowed: ctx.errors.is_empty(),
        from,
        to,
        errors: ctx.errors,
        pack_version: String::new(), // the engine stamps it
    })
}

/// Whether `ticket` may become a `to` ticket.
pub(crate) fn reclassify<P: FormPack>(
    pack: &P,
    ticket: &Value,
    to: &str,
) -> Result<TransitionResult> {
    crate::ticket::expect_object(ticket)?;
    let type_name = crate::ticket::Field::of(ticket, "type").required_str("type")?;
    let ty = pack.ticket_type(type_name)?;
    if to.trim().is_empty() {
        return Err(Error::MissingField { field: "to".into() });
    }
    let target = pack.ticket_type(to).map_err(|e| match e {
        Error::UnknownType { value, allowed, .. } => Error::UnknownType {
            field: "to".into(),
            value,
            allowed,
        },
        other => other,
    })?;
    let mut ctx = Ctx {
        pack,
        lookups: None,
        errors: Vec::new(),
    };
    match ty.reclassify.iter().find(|r| r.to == target.name) {
        None => {
            let allowed: Vec<Value> = ty
                .reclassify
                .iter()
                .map(|r| Value::from(r.to.as_str()))
                .collect();
            let p = params(&mut [
                ("from", Value::from(ty.name.as_str())),
                ("to", Value::from(target.name.as_str())),
                ("allowed", Value::Array(allowed)),
            ]);
            ctx.error("type", "NOT_ALLOWED", "Type", p);
        }
        Some(r) => {
            // The ticket as the type it would become: what a save of it
            // would then refuse, beside what the move itself requires.
            let mut became = ticket.clone();
            if let Value::Object(o) = &mut became {
                o.insert("type".into(), Value::from(target.name.as_str()));
            }
            let as_target = validate(
                pack,
                Cow::Owned(became),
                Some(&target.name),
                None,
                Requester::default(),
            )?;
            for name in &r.requires {
                if is_empty(get_path(ticket, name)) {
                    let label = ty
                        .fields
                        .iter()
                        .chain(&target.fields)
                        .find(|f| &f.name == name)
                        .map_or(name.clone(), |f| f.label.clone());
                    ctx.error(
                        name,
                        "REQUIRED",
                        &label,
                        params(&mut [("type", Value::from(target.name.as_str()))]),
                    );
                }
            }
            // A field the new type requires is filled in as that type's
            // form (what `requires` names must be there first); a value
            // the new type would refuse, or a field it has not, is not.
            for e in as_target
                .errors
                .into_iter()
                .filter(|e| e.code != "REQUIRED")
            {
                if !ctx.errors.iter().any(|x| x.field == e.field) {
                    ctx.errors.push(e);
                }
            }
        }
    }
    Ok(TransitionResult {
        allowed: ctx.errors.is_empty(),
        from: ty.name.clone(),
        to: target.name.clone(),
        errors: ctx.errors,
        pack_version: String::new(), // the engine stamps it
    })
}
