//! Escalation levels from the map `escalation(name, #{...})` declares.

use serde_json::{Map, Value};

use super::{Action, Applies, Audience, Level, Trigger};
use crate::duration::{parse_duration, MAX_SECONDS};
use crate::sla::Which;
use crate::spec::{strings, unknown_keys};

const KEYS: [&str; 5] = ["when", "applies", "condition", "actions", "quiet_hours"];
const WHEN_KEYS: [&str; 11] = [
    "clock",
    "percent",
    "before_due",
    "after_due",
    "measure",
    "every",
    "status",
    "after",
    "repeat",
    "calendar",
    "inactive",
];
const APPLIES_KEYS: [&str; 6] = [
    "type",
    "priority",
    "process",
    "status",
    "impact_level",
    "fields",
];

/// A level from its declaration. Names of statuses, calendars and
/// priorities are checked against the pack by the caller.
pub fn parse_level(name: &str, v: &Value) -> Result<Level, String> {
    let Value::Object(o) = v else {
        return Err("escalation(name, #{ when, applies, actions }) takes a map".into());
    };
    unknown_keys(o, &KEYS, "escalation")?;
    let when = match o.get("when") {
        Some(Value::Object(w)) => w,
        _ => {
            return Err(
                "`when` is required: a map like #{ clock: \"resolve\", percent: 75 }".into(),
            )
        }
    };
    let applies = match o.get("applies") {
        None | Some(Value::Null) => Applies::default(),
        Some(Value::Object(a)) => applies(a)?,
        Some(_) => return Err("`applies` must be a map".into()),
    };
    let condition = match o.get("condition") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(_) => {
            return Err(
                "`condition` names a function of the ticket in this file: \"is_vip\"".into(),
            )
        }
    };
    let actions = match o.get("actions") {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .enumerate()
            .map(|(i, x)| action(x).map_err(|e| format!("actions[{i}]: {e}")))
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(
                "`actions` must be a non-empty array (notify_role(...), reassign(...), ...)".into(),
            )
        }
    };
    let quiet_hours = match o.get("quiet_hours") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`quiet_hours` names a calendar".into()),
    };
    Ok(Level {
        name: name.to_string(),
        trigger: trigger(when)?,
        applies,
        condition,
        actions,
        quiet_hours,
    })
}

fn seconds(v: &Value, key: &str) -> Result<i64, String> {
    let s = match v {
        Value::String(s) => parse_duration(s).map_err(|e| format!("`{key}`: {e}"))?,
        Value::Number(n) => n
            .as_u64()
            .filter(|s| *s <= MAX_SECONDS)
            .ok_or_else(|| format!("`{key}` must be whole seconds"))?,
        _ => return Err(format!("`{key}` must be a duration like \"30m\"")),
    };
    i64::try_from(s).map_err(|_| format!("`{key}` is too long"))
}

fn positive(v: &Value, key: &str) -> Result<i64, String> {
    let s = seconds(v, key)?;
    if s == 0 {
        return Err(format!("`{key}` must be longer than 0"));
    }
    Ok(s)
}

fn trigger(w: &Map<String, Value>) -> Result<Trigger, String> {
    unknown_keys(w, &WHEN_KEYS, "when")?;
    let calendar = match w.get("calendar") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`calendar` names a calendar".into()),
    };
    let repeat = match w.get("repeat") {
        None | Some(Value::Null) => None,
        Some(v) => Some(positive(v, "repeat")?),
    };
    if let Some(clock) = w.get("clock") {
        let clock = match clock.as_str() {
            Some("respond") => Which::Respond,
            Some("resolve") => Which::Resolve,
            _ => return Err("`clock` must be \"respond\" or \"resolve\"".into()),
        };
        let wall = match w.get("measure").and_then(Value::as_str) {
            None if w.get("measure").is_none() => false,
            Some("clock") => false,
            Some("wall") => true,
            _ => return Err("`measure` must be \"clock\" or \"wall\"".into()),
        };
        let forms = ["percent", "before_due", "after_due", "every"]
            .iter()
            .filter(|k| w.contains_key(**k))
            .count();
        if forms != 1 {
            return Err(
                "a clock trigger has one of `percent`, `before_due`, `after_due`, `every`".into(),
            );
        }
        // Keys of the other kinds of trigger would be ignored here.
        if let Some(k) = ["repeat", "calendar", "status", "after", "inactive"]
            .iter()
            .find(|k| w.contains_key(**k))
        {
            return Err(format!(
                "`{k}` does not go with a clock trigger (it runs on the SLA clock's own calendar)"
            ));
        }
        if w.contains_key("measure")
            && !w.contains_key("before_due")
            && !w.contains_key("after_due")
        {
            return Err("`measure` goes with `before_due` or `after_due`".into());
        }
        if let Some(p) = w.get("percent") {
            let percent = p
                .as_i64()
                .filter(|p| (1..=1000).contains(p))
                .ok_or("`percent` must be a whole number from 1 to 1000")?;
            return Ok(Trigger::Percent { clock, percent });
        }
        if let Some(v) = w.get("before_due") {
            return Ok(Trigger::FromDue {
                clock,
                offset: -seconds(v, "before_due")?,
                wall,
            });
        }
        if let Some(v) = w.get("after_due") {
            return Ok(Trigger::FromDue {
                clock,
                offset: seconds(v, "after_due")?,
                wall,
            });
        }
        if let Some(v) = w.get("every") {
            return Ok(Trigger::Every {
                clock,
                every: positive(v, "every")?,
            });
        }
    }
    if let Some(k) = ["percent", "before_due", "after_due", "every", "measure"]
        .iter()
        .find(|k| w.contains_key(**k))
    {
        return Err(format!(
            "`{k}` goes with a clock trigger (`clock: \"respond\"` or `\"resolve\"`)"
        ));
    }
    if w.contains_key("status") && w.contains_key("inactive") {
        return Err("a trigger is a status or inactivity, not both".into());
    }
    if let Some(s) = w.get("status") {
        let statuses = match s {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or("`status` lists strings")
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("`status` is a status or a list of them".into()),
        };
        let after = seconds(
            w.get("after")
                .ok_or("a status trigger needs `after` (time in the status)")?,
            "after",
        )?;
        return Ok(Trigger::InStatus {
            statuses,
            after,
            repeat,
            calendar,
        });
    }
    if w.contains_key("inactive") && w.contains_key("after") {
        return Err(
            "an inactivity trigger's time is `inactive` itself; `after` goes with `status`".into(),
        );
    }
    if let Some(v) = w.get("inactive") {
        return Ok(Trigger::Inactive {
            after: positive(v, "inactive")?,
            repeat,
            calendar,
        });
    }
    Err("`when` needs `clock` (with percent, before_due, after_due or every), `status` with `after`, or `inactive`".into())
}

fn applies(a: &Map<String, Value>) -> Result<Applies, String> {
    unknown_keys(a, &APPLIES_KEYS, "applies")?;
    let get = |k: &str| a.get(k).map_or(Ok(Vec::new()), |v| strings(v, k));
    let processes = match a.get("process") {
        None => Vec::new(),
        Some(Value::Null) => vec![None],
        Some(v) => strings(v, "process")?
            .into_iter()
            .map(|p| (!p.eq_ignore_ascii_case("none")).then_some(p))
            .collect(),
    };
    let fields = match a.get("fields") {
        None => Vec::new(),
        Some(Value::Object(f)) => f
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    match v {
                        Value::Array(list) => list.clone(),
                        one => vec![one.clone()],
                    },
                )
            })
            .collect(),
        Some(_) => return Err("`fields` is a map of field → value (or list of values)".into()),
    };
    Ok(Applies {
        types: get("type")?,
        priorities: get("priority")?,
        processes,
        statuses: get("status")?,
        impact_levels: get("impact_level")?,
        fields,
    })
}

fn action(v: &Value) -> Result<Action, String> {
    let Value::Object(o) = v else {
        return Err("an action is made by notify_role(...), notify_group(...), notify_assignee(...), notify_customer(...), reassign(...), raise_priority(...) or set_flag(...)".into());
    };
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("`{k}` must be a string"))
    };
    match o.get("kind").and_then(Value::as_str) {
        Some("notify") => {
            let audience = match o.get("audience").and_then(Value::as_str) {
                Some("role") => Audience::Role,
                Some("group") => Audience::Group,
                Some("assignee") => Audience::Assignee,
                Some("customer") => Audience::Customer,
                _ => return Err("`audience` must be role, group, assignee or customer".into()),
            };
            let name = match audience {
                Audience::Role | Audience::Group => Some(text("name")?),
                _ => None,
            };
            Ok(Action::Notify {
                audience,
                name,
                message: text("message")?,
            })
        }
        Some("reassign") => Ok(Action::Reassign {
            group: text("group")?,
        }),
        Some("raisePriority") => Ok(Action::RaisePriority {
            steps: o
                .get("steps")
                .and_then(Value::as_i64)
                .filter(|s| (1..=10).contains(s))
                .ok_or("`steps` must be 1 to 10")?,
        }),
        Some("setFlag") => Ok(Action::SetFlag {
            flag: text("flag")?,
            value: o.get("value").cloned().unwrap_or(Value::Bool(true)),
        }),
        _ => Err("unknown action kind".into()),
    }
}
