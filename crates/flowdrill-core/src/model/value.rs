//! Attribute values: the finite domains that decisions test.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One value of a case attribute: a word (`"negative"`) or a number (`3`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A categorical value such as `"negative"` or `"media"`.
    Text(String),
    /// A numeric value such as a severity level `3`.
    Number(f64),
}

impl Value {
    /// The number, if this is a numeric value.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(_) => None,
        }
    }

    /// Parses the text a person types on a command line: a number if it reads as a plain
    /// decimal number (`3`, `-2.5`; see [`parse_decimal`]), else a word.
    pub fn parse_loose(text: &str) -> Value {
        match parse_decimal(text.trim()) {
            Some(n) => Value::Number(n),
            None => Value::Text(text.to_string()),
        }
    }

    /// True when `other` is the same value; numbers compare numerically and never equal a
    /// word.
    pub fn matches(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Number(n) => Num(*n).fmt(f),
        }
    }
}

/// Reads a plain decimal number such as `40`, `2.5` or `-0.75`: an optional minus, digits,
/// and optionally a point and more digits, with at most 15 significant digits in all.
/// `None` for anything else (exponents, `inf`, `NaN`, empty parts, longer numbers).
///
/// Within those limits the result is exactly what `str::parse::<f64>` gives (the digits
/// and the power of ten are both exact in an `f64`, and one division rounds correctly),
/// without the 15 KB of WebAssembly, tables included, that the general parser costs.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut digits: u64 = 0;
    let mut significant = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        if digits > 0 || b != b'0' {
            significant += 1;
        }
        if significant > 15 {
            return None;
        }
        digits = digits * 10 + u64::from(b - b'0');
    }
    let scale = 10f64.powi(i32::try_from(fraction.len()).ok()?);
    let n = digits as f64 / scale;
    Some(if negative { -n } else { n })
}

/// A number as flowdrill shows it: a whole number without a decimal point (`3`), any other
/// in the shortest form that reads back as the same number (`0.25`, `1e-7`).
///
/// The standard library's `f64` formatting is not used: it carries 20 KB of WebAssembly
/// (two algorithms and their tables) on top of the formatter `serde_json` already brings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n.fract() == 0.0 && n.abs() < 1e15 {
            write!(f, "{}", n as i64)
        } else if n.is_nan() {
            f.write_str("NaN")
        } else if n.is_infinite() {
            f.write_str(if n > 0.0 { "inf" } else { "-inf" })
        } else {
            f.write_str(zmij::Buffer::new().format_finite(n))
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => s.serialize_i64(*n as i64),
            Value::Number(n) => s.serialize_f64(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value: a string like \"negative\" or a number like 3")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
}

/// A complete or partial assignment of values to case attributes, in attribute order.
pub type Assignment = indexmap::IndexMap<String, Value>;

/// Formats an assignment as `asker=media, sentiment=negative`.
pub fn format_assignment(a: &Assignment) -> String {
    a.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_like_the_standard_parser() {
        for text in [
            "0",
            "40",
            "2.5",
            "0.1",
            "-0.75",
            "007.250",
            ".5",
            "5.",
            "123456789012345",
            "0.000000000000000000001",
        ] {
            assert_eq!(parse_decimal(text), text.parse::<f64>().ok(), "{text}");
        }
        for text in [
            "",
            ".",
            "-",
            "1e3",
            "inf",
            "NaN",
            "+1",
            "1.2.3",
            "4 0",
            "1234567890123456",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_show_whole_or_shortest() {
        assert_eq!(Num(3.0).to_string(), "3");
        assert_eq!(Num(-12.0).to_string(), "-12");
        assert_eq!(Num(0.25).to_string(), "0.25");
        assert_eq!(Num(0.1 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(Num(f64::INFINITY).to_string(), "inf");
    }
}
