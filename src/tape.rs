//! Answers written for the JS binding as a tape: one list of numbers and
//! one string of all the text, which a small JS function (in
//! `src/wasm.rs`) turns back into objects, arrays and strings.
//!
//! Through serde-wasm-bindgen every field is a crossing into JS and every
//! string its own `TextDecoder` call; an escalation report spent a fifth of
//! its call there. A tape crosses twice (the numbers as one
//! `Float64Array`, the text decoded once) and JS builds the objects itself.
//!
//! The tape is a sequence of values, each a tag and its data:
//! `NULL`, `FALSE`, `TRUE`; `NUMBER` and the number; `STRING` and its
//! length in UTF-16 units (the text itself next in the text, in order);
//! `ARRAY` and its item count, then the items; `OBJECT` and its member
//! count, then each key (as a string's length) and value. What it writes is
//! what serde-wasm-bindgen's JSON-compatible serializer writes: maps as
//! objects, `None` and `()` as `null`, enums externally tagged, 64-bit
//! integers as numbers; past `Number.MAX_SAFE_INTEGER`, the nearest
//! number, as `JSON.parse` reads such a literal (serde-wasm-bindgen refuses
//! it, and a ticket whose `id` was `2 ** 53` in JS, read in as a `u64`,
//! then could not be answered).

use serde::ser::{self, Serialize};

/// `null`.
pub(crate) const NULL: f64 = 0.0;
/// `false`.
pub(crate) const FALSE: f64 = 1.0;
/// `true`.
pub(crate) const TRUE: f64 = 2.0;
/// A number follows.
pub(crate) const NUMBER: f64 = 3.0;
/// A string's length follows.
pub(crate) const STRING: f64 = 4.0;
/// An array's length follows, then its items.
pub(crate) const ARRAY: f64 = 5.0;
/// An object's member count follows, then key lengths and values.
pub(crate) const OBJECT: f64 = 6.0;

/// A value as a tape: (numbers, text).
pub(crate) fn write<T: Serialize + ?Sized>(value: &T) -> Result<(Vec<f64>, String), Error> {
    let mut tape = Tape {
        nums: Vec::with_capacity(64),
        text: String::with_capacity(256),
    };
    value.serialize(&mut tape)?;
    Ok((tape.nums, tape.text))
}

/// The length of `s` in UTF-16 code units, as JS counts it (and slices).
pub(crate) fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// Why a value could not be written.
#[derive(Debug)]
pub(crate) struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

struct Tape {
    nums: Vec<f64>,
    text: String,
}

impl Tape {
    fn string(&mut self, s: &str) {
        self.nums.push(STRING);
        self.text_of(s);
    }

    /// `s` into the text, its length onto the tape.
    #[allow(clippy::cast_precision_loss)] // lengths are far below 2^53
    fn text_of(&mut self, s: &str) {
        self.text.push_str(s);
        self.nums.push(utf16_len(s) as f64);
    }

    /// A container's tag and a place for its count, filled in at its end.
    fn open(&mut self, tag: f64) -> Counted<'_> {
        self.nums.push(tag);
        self.nums.push(0.0);
        Counted {
            at: self.nums.len() - 1,
            count: 0,
            tape: self,
        }
    }

    /// `{ name: ... }` around an enum variant's content.
    fn variant(&mut self, name: &str) {
        self.nums.extend_from_slice(&[OBJECT, 1.0]);
        self.text_of(name);
    }

    #[allow(clippy::cast_precision_loss)] // as JSON.parse: the nearest number
    fn integer(&mut self, v: i128) -> Result<(), Error> {
        self.nums.extend_from_slice(&[NUMBER, v as f64]);
        Ok(())
    }
}

/// An open array or object: counts its items and writes the count at the
/// end. For an object, `key` writes each key.
struct Counted<'a> {
    tape: &'a mut Tape,
    at: usize,
    count: u32,
}

impl Counted<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.count += 1;
        v.serialize(&mut *self.tape)
    }

    fn close(self) -> Result<(), Error> {
        if let Some(slot) = self.tape.nums.get_mut(self.at) {
            *slot = f64::from(self.count);
        }
        Ok(())
    }
}

/// Map keys: strings (and what serde-wasm-bindgen turns into strings:
/// numbers, chars, unit variants).
struct Key<'a>(&'a mut Tape);

impl Key<'_> {
    fn number(self, v: impl std::fmt::Display) -> Result<(), Error> {
        self.0.text_of(&v.to_string());
        Ok(())
    }
}

fn not_a_key() -> Error {
    Error("a map key must be a string".into())
}

macro_rules! key_numbers {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<(), Error> {
            self.number(v)
        })*
    };
}

macro_rules! refuse {
    ($($f:ident($($t:ty),*)),*) => {
        $(fn $f(self, $(_: $t),*) -> Result<(), Error> {
            Err(not_a_key())
        })*
    };
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.text_of(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.text_of(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    key_numbers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
                 serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);
    // No answer has float keys, and writing one would link the standard
    // library's float formatting (10 KB of wasm).
    refuse!(serialize_f32(f32), serialize_f64(f64));
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Error> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    refuse!(
        serialize_bool(bool),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str)
    );
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_key())
    }
}

/// Integers: numbers while JS holds them exactly.
macro_rules! integers {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<(), Error> {
            self.integer(v.into())
        })*
    };
}

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Counted<'a>;
    type SerializeTuple = Counted<'a>;
    type SerializeTupleStruct = Counted<'a>;
    type SerializeTupleVariant = Counted<'a>;
    type SerializeMap = Counted<'a>;
    type SerializeStruct = Counted<'a>;
    type SerializeStructVariant = Counted<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.nums.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
              serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.nums.extend_from_slice(&[NUMBER, v]);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut a = self.open(ARRAY);
        for b in v {
            a.item(b)?;
        }
        a.close()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.nums.push(NULL);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.nums.push(NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.variant(variant);
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Counted<'a>, Error> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple(self, _: usize) -> Result<Counted<'a>, Error> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Counted<'a>, Error> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Counted<'a>, Error> {
        self.variant(variant);
        Ok(self.open(ARRAY))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Counted<'a>, Error> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Counted<'a>, Error> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Counted<'a>, Error> {
        self.variant(variant);
        Ok(self.open(OBJECT))
    }
}

/// Arrays, tuples and tuple variants: each item counted, the count
/// written at the end.
macro_rules! items {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for Counted<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.item(v)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Counted<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Error> {
        self.count += 1;
        k.serialize(Key(&mut *self.tape))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        v.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// Structs and struct variants: each field a member, named by its key.
macro_rules! fields {
    ($($trait:ident),*) => {
        $(impl ser::$trait for Counted<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), Error> {
                self.count += 1;
                self.tape.text_of(key);
                v.serialize(&mut *self.tape)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{json, Value};

    /// The tape read back, as the JS reader in `src/wasm.rs` reads it
    /// (strings by UTF-16 length), into a `Value`.
    fn read(nums: &[f64], text: &str) -> Value {
        let units: Vec<u16> = text.encode_utf16().collect();
        let (mut o, mut at) = (0, 0);
        fn go(nums: &[f64], units: &[u16], o: &mut usize, at: &mut usize) -> Value {
            let tag = nums[*o];
            *o += 1;
            let string = |o: &mut usize, at: &mut usize| {
                let n = nums[*o] as usize;
                *o += 1;
                let s = String::from_utf16(&units[*at..*at + n]).unwrap();
                *at += n;
                s
            };
            match tag as u8 {
                0 => Value::Null,
                1 => Value::Bool(false),
                2 => Value::Bool(true),
                3 => {
                    *o += 1;
                    json!(nums[*o - 1])
                }
                4 => Value::String(string(o, at)),
                5 => {
                    let n = nums[*o] as usize;
                    *o += 1;
                    Value::Array((0..n).map(|_| go(nums, units, o, at)).collect())
                }
                _ => {
                    let n = nums[*o] as usize;
                    *o += 1;
                    let mut m = serde_json::Map::new();
                    for _ in 0..n {
                        let k = string(o, at);
                        let v = go(nums, units, o, at);
                        m.insert(k, v);
                    }
                    Value::Object(m)
                }
            }
        }
        let v = go(nums, &units, &mut o, &mut at);
        assert_eq!((o, at), (nums.len(), units.len()), "the whole tape is read");
        v
    }

    /// Numbers as JS sees them (every number an f64), to compare with a
    /// tape read back.
    fn as_js(v: &Value) -> Value {
        match v {
            Value::Number(n) => json!(n.as_f64().unwrap()),
            Value::Array(a) => Value::Array(a.iter().map(as_js).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), as_js(v))).collect())
            }
            other => other.clone(),
        }
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Shape {
        Unit,
        New(i64),
        Pair(u8, String),
        Named {
            side_len: f64,
            label: Option<String>,
        },
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Report {
        shapes: Vec<Shape>,
        by_name: std::collections::BTreeMap<String, bool>,
        by_number: std::collections::BTreeMap<u32, ()>,
        pair: (char, i8),
        none: Option<u8>,
        text: &'static str,
    }

    /// Whatever serde hands it comes back as the same JSON, strings beyond
    /// ASCII and surrogate pairs included.
    #[test]
    fn round_trips_through_the_reader() {
        let value = json!({
            "a": [1, -2.5, "Café ☕ 😀", null, true, false, {}, []],
            "nested": { "x": { "y": [[], [{}], "z"] } },
            "": "",
            "big": 9_007_199_254_740_991_i64,
            "small": -9_007_199_254_740_991_i64,
        });
        let (nums, text) = write(&value).unwrap();
        assert_eq!(read(&nums, &text), as_js(&value));
        let report = Report {
            shapes: vec![
                Shape::Unit,
                Shape::New(-7),
                Shape::Pair(3, "tri ▲".into()),
                Shape::Named {
                    side_len: 0.5,
                    label: None,
                },
            ],
            by_name: [("é".to_string(), true)].into(),
            by_number: [(42, ())].into(),
            pair: ('😀', -1),
            none: None,
            text: "t",
        };
        let (nums, text) = write(&report).unwrap();
        assert_eq!(
            read(&nums, &text),
            as_js(&serde_json::to_value(&report).unwrap())
        );
    }

    /// Past 2^53 an integer is the nearest number, as `JSON.parse` reads
    /// it; a map with keys that are not text is refused.
    #[test]
    fn big_integers_as_json_parse_reads_them() {
        for n in [
            (1_i128 << 53),
            -(1 << 53),
            (1 << 60) + 1,
            10_000_000_000_000_000_000,
        ] {
            let v: Value = serde_json::from_str(&n.to_string()).unwrap();
            let (nums, text) = write(&json!({ "n": v })).unwrap();
            assert_eq!(read(&nums, &text)["n"], json!(n as f64), "{n}");
        }
        assert!(write(
            &[(vec![1], 2)]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>()
        )
        .is_err());
    }
}
