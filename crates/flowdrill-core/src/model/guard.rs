//! Guards: conditions over case attributes that decide which branch a case takes.
//!
//! In a workflow file a guard is a JSON object. Each key is an attribute name (or one of
//! the combinators `all`, `any`, `not`) and several keys must all hold:
//!
//! ```json
//! { "asker": "media" }                              // equals
//! { "sentiment": ["negative", "neutral"] }          // one of
//! { "severity": { ">=": 3, "<": 5 } }               // numeric comparison
//! { "asker": { "!=": "troll" } }                    // not equal; also "not_in"
//! { "any": [ { "situation": "crisis" }, { "not": { "asker": "customer" } } ] }
//! ```

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::model::value::{Assignment, Value};

/// A condition over case attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    /// Every guard holds (also written as several keys in one object).
    All(Vec<Guard>),
    /// At least one guard holds.
    Any(Vec<Guard>),
    /// The guard does not hold.
    Not(Box<Guard>),
    /// A test of one attribute.
    Test {
        /// The attribute tested.
        attr: String,
        /// What its value must satisfy.
        test: Test,
    },
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Applies the comparison `lhs op rhs`.
    pub fn apply(self, lhs: f64, rhs: f64) -> bool {
        match self {
            CmpOp::Lt => lhs < rhs,
            CmpOp::Le => lhs <= rhs,
            CmpOp::Gt => lhs > rhs,
            CmpOp::Ge => lhs >= rhs,
        }
    }
}

/// What one attribute's value must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to the value.
    Eq(Value),
    /// Not equal to the value.
    Ne(Value),
    /// One of the values.
    In(Vec<Value>),
    /// None of the values.
    NotIn(Vec<Value>),
    /// A numeric comparison with a bound.
    Cmp(CmpOp, f64),
}

impl Test {
    /// Whether `value` satisfies the test. A comparison on a non-numeric value is false.
    pub fn accepts(&self, value: &Value) -> bool {
        match self {
            Test::Eq(v) => v.matches(value),
            Test::Ne(v) => !v.matches(value),
            Test::In(vs) => vs.iter().any(|v| v.matches(value)),
            Test::NotIn(vs) => !vs.iter().any(|v| v.matches(value)),
            Test::Cmp(op, bound) => value.as_number().is_some_and(|n| op.apply(n, *bound)),
        }
    }

    /// The literal values the test names (for checking them against the domain).
    pub fn literals(&self) -> Vec<&Value> {
        match self {
            Test::Eq(v) | Test::Ne(v) => vec![v],
            Test::In(vs) | Test::NotIn(vs) => vs.iter().collect(),
            Test::Cmp(..) => Vec::new(),
        }
    }
}

impl Guard {
    /// Evaluates the guard on an assignment. An attribute missing from the assignment
    /// makes its tests false; callers that need to know use [`Guard::attributes`] first.
    pub fn eval(&self, a: &Assignment) -> bool {
        match self {
            Guard::All(gs) => gs.iter().all(|g| g.eval(a)),
            Guard::Any(gs) => gs.iter().any(|g| g.eval(a)),
            Guard::Not(g) => !g.eval(a),
            Guard::Test { attr, test } => a.get(attr).is_some_and(|v| test.accepts(v)),
        }
    }

    /// Evaluates the guard on a partial case: `Some(answer)` when the attributes given
    /// decide it, `None` when it depends on one that is missing.
    pub fn eval_partial(&self, a: &Assignment) -> Option<bool> {
        match self {
            Guard::All(gs) => {
                let mut unknown = false;
                for g in gs {
                    match g.eval_partial(a) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Guard::Any(gs) => {
                let mut unknown = false;
                for g in gs {
                    match g.eval_partial(a) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Guard::Not(g) => g.eval_partial(a).map(|b| !b),
            Guard::Test { attr, test } => a.get(attr).map(|v| test.accepts(v)),
        }
    }

    /// Visits every attribute test in the guard.
    pub fn for_each_test<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a Test)) {
        match self {
            Guard::All(gs) | Guard::Any(gs) => gs.iter().for_each(|g| g.for_each_test(f)),
            Guard::Not(g) => g.for_each_test(f),
            Guard::Test { attr, test } => f(attr, test),
        }
    }

    /// The attributes the guard reads, in first-mention order, without repeats.
    pub fn attributes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.for_each_test(&mut |a, _| {
            if !out.contains(&a) {
                out.push(a);
            }
        });
        out
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(vs: &[Value]) -> String {
            vs.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
        match self {
            Guard::All(gs) | Guard::Any(gs) => {
                let sep = if matches!(self, Guard::All(_)) {
                    " and "
                } else {
                    " or "
                };
                let parts: Vec<String> = gs
                    .iter()
                    .map(|g| match g {
                        Guard::All(_) | Guard::Any(_) => format!("({g})"),
                        _ => g.to_string(),
                    })
                    .collect();
                f.write_str(&parts.join(sep))
            }
            Guard::Not(g) => write!(f, "not ({g})"),
            Guard::Test { attr, test } => match test {
                Test::Eq(v) => write!(f, "{attr} = {v}"),
                Test::Ne(v) => write!(f, "{attr} != {v}"),
                Test::In(vs) => write!(f, "{attr} in {{{}}}", list(vs)),
                Test::NotIn(vs) => write!(f, "{attr} not in {{{}}}", list(vs)),
                Test::Cmp(op, n) => write!(f, "{attr} {} {}", op.symbol(), Value::Number(*n)),
            },
        }
    }
}

// ---- serde ----------------------------------------------------------------------------

impl Serialize for Guard {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self {
            Guard::All(gs) => m.serialize_entry("all", gs)?,
            Guard::Any(gs) => m.serialize_entry("any", gs)?,
            Guard::Not(g) => m.serialize_entry("not", g)?,
            Guard::Test { attr, test } => m.serialize_entry(attr, test)?,
        }
        m.end()
    }
}

impl Serialize for Test {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Test::Eq(v) => v.serialize(s),
            Test::In(vs) => vs.serialize(s),
            Test::Ne(v) => one_entry(s, "!=", v),
            Test::NotIn(vs) => one_entry(s, "not_in", vs),
            Test::Cmp(op, n) => one_entry(s, op.symbol(), &Value::Number(*n)),
        }
    }
}

fn one_entry<S: Serializer, T: Serialize>(s: S, k: &str, v: &T) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(k, v)?;
    m.end()
}

impl<'de> Deserialize<'de> for Guard {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(GuardVisitor)
    }
}

struct GuardVisitor;

impl<'de> Visitor<'de> for GuardVisitor {
    type Value = Guard;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a guard object such as {\"sentiment\": \"negative\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Guard, A::Error> {
        let mut parts = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let part = match key.as_str() {
                "all" => Guard::All(non_empty::<A>(map.next_value()?, "all")?),
                "any" => Guard::Any(non_empty::<A>(map.next_value()?, "any")?),
                "not" => Guard::Not(Box::new(map.next_value()?)),
                _ => {
                    let tests = map.next_value::<Condition>()?.0;
                    let mut tests: Vec<Guard> = tests
                        .into_iter()
                        .map(|test| Guard::Test {
                            attr: key.clone(),
                            test,
                        })
                        .collect();
                    if tests.len() == 1 {
                        tests.remove(0)
                    } else {
                        Guard::All(tests)
                    }
                }
            };
            parts.push(part);
        }
        match parts.len() {
            0 => Err(de::Error::custom(
                "empty guard; name at least one attribute, or use \"otherwise\": true on the edge",
            )),
            1 => Ok(parts.remove(0)),
            _ => Ok(Guard::All(parts)),
        }
    }
}

fn non_empty<'de, A: MapAccess<'de>>(gs: Vec<Guard>, what: &str) -> Result<Vec<Guard>, A::Error> {
    if gs.is_empty() {
        Err(de::Error::custom(format!(
            "\"{what}\" needs at least one guard"
        )))
    } else {
        Ok(gs)
    }
}

/// The right-hand side of `"attr": ...` in a guard: one or more tests.
struct Condition(Vec<Test>);

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ConditionVisitor)
    }
}

struct ConditionVisitor;

const OPERATORS: &[&str] = &["=", "!=", "in", "not_in", "<", "<=", ">", ">="];

impl<'de> Visitor<'de> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a value (equals), a list of values (one of), or an object of operators \
             (=, !=, in, not_in, <, <=, >, >=)",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Condition, E> {
        Ok(Condition(vec![Test::Eq(Value::Text(v.to_string()))]))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Condition, E> {
        Ok(Condition(vec![Test::Eq(Value::Number(v as f64))]))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Condition, E> {
        Ok(Condition(vec![Test::Eq(Value::Number(v as f64))]))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Condition, E> {
        Ok(Condition(vec![Test::Eq(Value::Number(v))]))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Condition, A::Error> {
        let mut vs = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            vs.push(v);
        }
        if vs.is_empty() {
            return Err(de::Error::custom("an empty list of values matches nothing"));
        }
        Ok(Condition(vec![Test::In(vs)]))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
        let mut tests = Vec::new();
        while let Some(op) = map.next_key::<String>()? {
            let test = match op.as_str() {
                "=" => Test::Eq(map.next_value()?),
                "!=" => Test::Ne(map.next_value()?),
                "in" => Test::In(map.next_value()?),
                "not_in" => Test::NotIn(map.next_value()?),
                "<" => Test::Cmp(CmpOp::Lt, map.next_value()?),
                "<=" => Test::Cmp(CmpOp::Le, map.next_value()?),
                ">" => Test::Cmp(CmpOp::Gt, map.next_value()?),
                ">=" => Test::Cmp(CmpOp::Ge, map.next_value()?),
                other => {
                    return Err(de::Error::custom(
                        crate::model::error::unknown_word_message("operator", other, OPERATORS),
                    ));
                }
            };
            tests.push(test);
        }
        if tests.is_empty() {
            return Err(de::Error::custom(
                "empty condition; expected an operator such as {\">=\": 3}",
            ));
        }
        Ok(Condition(tests))
    }
}
