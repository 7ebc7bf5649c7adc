//! A small JSON reader and writer for the widget's wasm.
//!
//! serde and serde_json cost the widget about 22 KB gzipped, for four small jobs: reading the
//! profile and the national content, writing a call-back request or its sealed envelope, and
//! reading the endpoint's field errors. This crate does those jobs with a plain [`Value`] tree
//! and a flat object writer, and keeps `core::fmt` out of its paths, since formatting machinery
//! is a large part of what a wasm pays for. The validator and the endpoint keep serde.
//!
//! Reading is strict RFC 8259: no comments, no trailing commas, no lone surrogates, no raw
//! control characters in strings, nothing after the value. Nesting is limited to
//! [`MAX_DEPTH`], so hostile input cannot exhaust the stack, and no input makes it panic.

#![forbid(unsafe_code)]

mod read;
mod write;

pub use read::{parse, Error, MAX_DEPTH};
pub use write::{write_str, ObjectWriter};

/// A JSON value. Objects keep their members in document order, duplicates included, so a
/// reader that must refuse duplicate keys can see them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The first member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Only a whole number from 0 to `u32::MAX`: a version or a count is never rounded or
    /// clamped into range.
    pub fn as_u32(&self) -> Option<u32> {
        match *self {
            Value::Number(n) if (0.0..=u32::MAX as f64).contains(&n) && n.fract() == 0.0 => {
                Some(n as u32)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_answer_only_for_their_own_kind() {
        let v = parse(r#"{"a":"x","b":true,"c":[1],"d":7,"a":"second"}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_str), Some("x"));
        assert_eq!(v.get("b").and_then(Value::as_bool), Some(true));
        assert_eq!(
            v.get("c").and_then(Value::as_array),
            Some(&[Value::Number(1.0)][..])
        );
        assert_eq!(v.get("d").and_then(Value::as_u32), Some(7));
        assert_eq!(v.get("missing"), None);
        assert_eq!(v.get("a").and_then(Value::as_bool), None);
        assert_eq!(v.get("b").and_then(Value::as_str), None);
        assert_eq!(v.get("d").and_then(Value::as_array), None);
        assert_eq!(Value::Array(vec![]).get("a"), None);
        assert_eq!(Value::String("a".into()).get("a"), None);
    }

    #[test]
    fn as_u32_takes_only_exact_whole_numbers_in_range() {
        let n = |x: f64| Value::Number(x).as_u32();
        assert_eq!(n(0.0), Some(0));
        assert_eq!(n(-0.0), Some(0));
        assert_eq!(n(1.0), Some(1));
        assert_eq!(n(4294967295.0), Some(u32::MAX));
        assert_eq!(n(4294967296.0), None);
        assert_eq!(n(-1.0), None);
        assert_eq!(n(1.5), None);
        assert_eq!(n(f64::NAN), None);
        assert_eq!(Value::String("1".into()).as_u32(), None);
        assert_eq!(Value::Bool(true).as_u32(), None);
    }
}
