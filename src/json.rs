//! Reading JSON without owning it: [`JsonView`] is what the ticket readers
//! need of a value, implemented by `serde_json::Value` (the native API) and
//! by [`Doc`], a value parsed from JSON text that borrows its strings from
//! the text.
//!
//! A `Value` owns every key and string (an allocation each) and keeps
//! objects in B-trees; for a batch of tickets that is most of the cost of
//! reading them (the work queue of 10,000 tickets spent more instructions
//! parsing into `Value`s and dropping them than ranking). A `Doc` makes one
//! allocation per array or object, and answers the same: the same parser
//! (serde_json's, with its nesting limit and errors), the same numbers, and
//! the last of duplicate keys wins, as in a `Value`. Where a `Value` is
//! needed (a rule's hook sees the whole ticket), [`JsonView::to_value`]
//! makes one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON object from pairs, the last of repeated keys kept (as `collect`
/// keeps it), built by inserting. `collect` sorts the pairs first with the
/// standard library's stable sort, and every kind of iterator it is given
/// makes another copy of that sort in the wasm (about 5 KB each).
pub(crate) fn object(
    pairs: impl IntoIterator<Item = (String, Value)>,
) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

/// A value's JSON text, compact: what `Value`'s `{}` writes. Through
/// `serde_json::to_string`, not `{}`: `Value`'s `Display` carries the
/// pretty printer for `{:#}` too (about 1 KB of wasm), which nothing here
/// writes.
pub(crate) fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// JSON text read as a `Value`: read as a [`Doc`], then converted (the
/// same value, and the same errors: one reader of JSON in the wasm
/// instead of two, about 1.2 KB gzipped).
pub(crate) fn parse_value(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str::<Doc>(text).map(|d| Value::from(&d))
}

/// A set of names: a map of each to nothing in particular, so that the
/// wasm has one kind of hash table (the pack builder's spellings are a
/// `HashMap<String, usize>`; a `HashSet<String>` besides was another copy
/// of the table's code).
#[derive(Default)]
pub(crate) struct Names(std::collections::HashMap<String, usize>);

impl Names {
    /// Adds `name`; whether it was not there yet (as `HashSet::insert`).
    pub(crate) fn insert(&mut self, name: String) -> bool {
        self.0.insert(name, 0).is_none()
    }

    /// Whether `name` is there.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

impl FromIterator<String> for Names {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Self {
        let mut set = Names::default();
        for n in names {
            set.insert(n);
        }
        set
    }
}

/// A `BTreeMap` from pairs, as [`object`] makes a JSON object (and for
/// the same reason).
pub(crate) fn btree<K: Ord, V>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> std::collections::BTreeMap<K, V> {
    let mut m = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

/// A comparison of two pairs, for [`sort_pairs`].
pub(crate) type PairOrder<'a> = &'a dyn Fn(&(i64, i64), &(i64, i64)) -> std::cmp::Ordering;

/// Sorts pairs of integers ascending, or by `by`. Every unstable sort of
/// the crate is this one (the spans of a day, a calendar's intervals,
/// pauses, the holiday index, [`stable_order`], the work queue): the
/// wasm has a copy of the sort for each kind of element and comparison
/// it is given, about 1.6 KB gzipped each.
pub(crate) fn sort_pairs(v: &mut [(i64, i64)], by: Option<PairOrder<'_>>) {
    v.sort_unstable_by(|a, b| match by {
        Some(by) => by(a, b),
        None => a.cmp(b),
    });
}

/// The order of `keys`, ascending, ties in the order given: a stable
/// sort's order, from the one unstable sort of pairs (a stable sort of
/// each element type would be another copy of it in the wasm, about 5 KB):
/// each pair an index, compared by its key, then by the index.
pub(crate) fn stable_order(keys: impl IntoIterator<Item = [i64; 3]>) -> Vec<usize> {
    let keys: Vec<[i64; 3]> = keys.into_iter().collect();
    let mut order: Vec<(i64, i64)> = (0..keys.len()).map(|i| (i as i64, 0)).collect();
    let key = |i: i64| usize::try_from(i).ok().and_then(|i| keys.get(i));
    sort_pairs(
        &mut order,
        Some(&|a, b| key(a.0).cmp(&key(b.0)).then(a.0.cmp(&b.0))),
    );
    order.into_iter().map(|(i, _)| i as usize).collect()
}

/// What the ticket readers ask of a JSON value.
pub trait JsonView: Sized {
    /// The member `key` of an object (the last, if repeated); `None` for
    /// other types.
    fn get(&self, key: &str) -> Option<&Self>;
    /// The text of a string.
    fn as_str(&self) -> Option<&str>;
    /// The items of an array.
    fn as_array(&self) -> Option<&[Self]>;
    /// Whether it is an object.
    fn is_object(&self) -> bool;
    /// Whether it is `null`.
    fn is_null(&self) -> bool;
    /// The JSON type name, as messages name it (`number`, …).
    fn type_name(&self) -> &'static str;
    /// A string's text, or a number or boolean written as serde_json
    /// writes it (`5`, `1.5`, `true`); `None` for the rest.
    fn scalar_text(&self) -> Option<String>;
    /// Whether it is a whole number (as serde_json reads one: no fraction
    /// or exponent written).
    fn is_integer(&self) -> bool;
    /// Whether it nests at most `levels` arrays and objects deep (a
    /// scalar fits in 0).
    fn fits(&self, levels: usize) -> bool;
    /// As a `serde_json::Value` (borrowed when it is one).
    fn to_value(&self) -> Cow<'_, Value>;
    /// An id's text: a string as it is, a whole number as written (`42`);
    /// `None` for anything else. Ticket ids and child ids read so.
    fn id_text(&self) -> Option<Cow<'_, str>> {
        match self.as_str() {
            Some(s) => Some(Cow::Borrowed(s)),
            None if self.is_integer() => self.scalar_text().map(Cow::Owned),
            None => None,
        }
    }
}

impl JsonView for Value {
    fn get(&self, key: &str) -> Option<&Self> {
        Value::get(self, key)
    }
    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }
    fn as_array(&self) -> Option<&[Self]> {
        Value::as_array(self).map(Vec::as_slice)
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn type_name(&self) -> &'static str {
        crate::ticket::json_type(self)
    }
    fn scalar_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    fn is_integer(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_i64() || n.is_u64())
    }
    fn fits(&self, levels: usize) -> bool {
        match self {
            Value::Array(a) => levels > 0 && a.iter().all(|x| x.fits(levels - 1)),
            Value::Object(o) => levels > 0 && o.values().all(|x| x.fits(levels - 1)),
            _ => true,
        }
    }
    fn to_value(&self) -> Cow<'_, Value> {
        Cow::Borrowed(self)
    }
}

/// A JSON value parsed from text, its strings borrowed from the text where
/// they have no escapes. Parse with `serde_json::from_slice` or `from_str`.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number that is not negative (as serde_json reads it).
    U64(u64),
    /// A negative whole number.
    I64(i64),
    /// Any other number.
    F64(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Doc<'a>>),
    /// An object's members in the order written, repeats included.
    Object(Vec<(Cow<'a, str>, Doc<'a>)>),
}

impl<'a> Doc<'a> {
    /// A `Value` read as a `Doc`, its strings borrowed: code written for
    /// `Doc`s (the binding's readers) serves a `Value` without a second
    /// copy of it compiled in.
    pub(crate) fn of(v: &'a Value) -> Doc<'a> {
        match v {
            Value::Null => Doc::Null,
            Value::Bool(b) => Doc::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Doc::U64(u),
                (_, Some(i)) => Doc::I64(i),
                _ => Doc::F64(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => Doc::Str(Cow::Borrowed(s)),
            Value::Array(a) => Doc::Array(a.iter().map(Doc::of).collect()),
            Value::Object(o) => Doc::Object(
                o.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Doc::of(v)))
                    .collect(),
            ),
        }
    }
}

impl JsonView for Doc<'_> {
    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Doc::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match self {
            Doc::Str(s) => Some(s),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&[Self]> {
        match self {
            Doc::Array(a) => Some(a),
            _ => None,
        }
    }
    fn is_object(&self) -> bool {
        matches!(self, Doc::Object(_))
    }
    fn is_null(&self) -> bool {
        matches!(self, Doc::Null)
    }
    fn type_name(&self) -> &'static str {
        match self {
            Doc::Null => "null",
            Doc::Bool(_) => "boolean",
            Doc::U64(_) | Doc::I64(_) | Doc::F64(_) => "number",
            Doc::Str(_) => "string",
            Doc::Array(_) => "array",
            Doc::Object(_) => "object",
        }
    }
    fn scalar_text(&self) -> Option<String> {
        match self {
            Doc::Str(s) => Some(s.to_string()),
            Doc::U64(n) => Some(n.to_string()),
            Doc::I64(n) => Some(n.to_string()),
            Doc::F64(f) => serde_json::Number::from_f64(*f).map(|n| n.to_string()),
            Doc::Bool(b) => Some(b.to_string()),
            Doc::Null | Doc::Array(_) | Doc::Object(_) => None,
        }
    }
    fn is_integer(&self) -> bool {
        matches!(self, Doc::U64(_) | Doc::I64(_))
    }
    fn fits(&self, levels: usize) -> bool {
        // Scalars fit anywhere: only arrays and objects are visited (most
        // members of a ticket are scalars).
        let fits = |x: &Doc<'_>| !matches!(x, Doc::Array(_) | Doc::Object(_)) || x.fits(levels - 1);
        match self {
            Doc::Array(a) => levels > 0 && a.iter().all(fits),
            Doc::Object(o) => levels > 0 && o.iter().all(|(_, x)| fits(x)),
            _ => true,
        }
    }
    fn to_value(&self) -> Cow<'_, Value> {
        Cow::Owned(Value::from(self))
    }
}

impl From<&Doc<'_>> for Value {
    /// The `Value` serde_json would have parsed from the same text. The
    /// recursion is bounded by the parser's nesting limit (128).
    fn from(d: &Doc<'_>) -> Value {
        match d {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::U64(n) => Value::from(*n),
            Doc::I64(n) => Value::from(*n),
            Doc::F64(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Doc::Str(s) => Value::String(s.to_string()),
            Doc::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            Doc::Object(o) => Value::Object(object(
                o.iter().map(|(k, v)| (k.to_string(), Value::from(v))),
            )),
        }
    }
}

/// A string borrowed from the input when it has no escapes (serde's own
/// `Cow<str>` always copies).
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Doc<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Doc<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Doc<'de>, E> {
                Ok(Doc::Null)
            }
            fn visit_none<E>(self) -> Result<Doc<'de>, E> {
                Ok(Doc::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Doc<'de>, D2::Error> {
                Doc::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Doc<'de>, E> {
                Ok(Doc::Bool(b))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Doc<'de>, E> {
                Ok(Doc::U64(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Doc<'de>, E> {
                // serde_json reads a whole number that is not negative as u64.
                Ok(u64::try_from(n).map_or(Doc::I64(n), Doc::U64))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Doc<'de>, E> {
                Ok(Doc::F64(f))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Doc<'de>, E> {
                Ok(Doc::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Doc<'de>, E> {
                Ok(Doc::Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Doc<'de>, E> {
                Ok(Doc::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
                // serde_json gives no size hint: start where a ticket's
                // arrays mostly end, not at 0 (4, then 8); an empty one
                // (a new ticket's history) allocates nothing.
                let Some(first) = seq.next_element()? else {
                    return Ok(Doc::Array(Vec::new()));
                };
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
                items.push(first);
                while let Some(x) = seq.next_element()? {
                    items.push(x);
                }
                Ok(Doc::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
                while let Some(Text(k)) = map.next_key()? {
                    members.push((k, map.next_value()?));
                }
                Ok(Doc::Object(members))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Doc` answers as the `Value` parsed from the same text does, and
    /// converts to exactly that `Value`.
    #[test]
    fn doc_and_value_agree() {
        let texts = [
            r#"{"a":1,"b":-2,"c":1.5,"d":"x\"y","e":[null,true,{"f":[]}],"a":"last","g":18446744073709551615,"h":-9223372036854775808}"#,
            r#"[1,"two",[3],{"4":4}]"#,
            r#""Café ☕ \ud83d\ude00""#,
            "null",
            "-0",
            "0.1",
            "5.0",
            "1e21",
            "-7",
            "18446744073709551615",
            "true",
            "1.5e-7",
        ];
        for text in texts {
            let value: Value = serde_json::from_str(text).unwrap();
            let doc: Doc = serde_json::from_str(text).unwrap();
            assert_eq!(Value::from(&doc), value, "{text}");
            assert_eq!(doc.type_name(), value.type_name());
            assert_eq!(doc.is_object(), value.is_object());
            assert_eq!(doc.is_null(), value.is_null());
            assert_eq!(JsonView::as_str(&doc), JsonView::as_str(&value));
            assert_eq!(doc.scalar_text(), value.scalar_text(), "{text}");
            assert_eq!(doc.is_integer(), value.is_integer(), "{text}");
            for key in ["a", "d", "e", "missing"] {
                assert_eq!(
                    doc.get(key).map(Value::from),
                    JsonView::get(&value, key).cloned(),
                    "{text} {key}"
                );
            }
            for levels in 0..4 {
                assert_eq!(doc.fits(levels), value.fits(levels), "{text} {levels}");
            }
        }
    }

    /// Strings without escapes are borrowed from the text; keys too.
    #[test]
    fn plain_strings_are_borrowed() {
        let text = r#"{"plain":"text","esc\u0061ped":"a\nb"}"#;
        let Doc::Object(members) = serde_json::from_str::<Doc>(text).unwrap() else {
            panic!("not an object");
        };
        assert!(matches!(members[0].0, Cow::Borrowed("plain")));
        assert!(matches!(members[0].1, Doc::Str(Cow::Borrowed("text"))));
        assert!(matches!(members[1].0, Cow::Owned(ref k) if k == "escaped"));
    }

    /// The same parser, so the same errors and nesting limit.
    #[test]
    fn the_same_errors() {
        let deep = "[".repeat(200) + "]".repeat(200).as_str();
        for text in ["{\"a\":}", "[1,]", "1e400", "\"\\ud800\"", deep.as_str()] {
            let v = serde_json::from_str::<Value>(text).unwrap_err().to_string();
            let d = serde_json::from_str::<Doc>(text).unwrap_err().to_string();
            assert_eq!(d, v, "{text}");
        }
    }
}
