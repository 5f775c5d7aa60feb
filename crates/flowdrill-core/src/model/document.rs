//! The workflow document: roles, case attributes, nodes, edges, calendars and SLA rules.
//!
//! The file format is JSON, versioned by a top-level `"flowdrill": 1`. It is designed to be
//! written by hand: sections are objects keyed by id, optional fields have defaults, and
//! common values have short forms (`"effort": "20m"`, `"sentiment": ["positive", "negative"]`).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::model::arrivals::Arrivals;
use crate::model::duration::Duration;
use crate::model::effort::Effort;
use crate::model::guard::Guard;
use crate::model::keyed::{Ids, Keyed, ObjectShape, object_only};
use crate::model::value::Value;
use crate::time::calendar::{Calendar, TimeOfDay, WeeklyPoint};
use crate::time::sla::SlaRule;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The largest number of values an attribute may have.
pub const MAX_ATTRIBUTE_VALUES: usize = 64;

/// A whole workflow file as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "WorkflowDocument"))]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The format version; must be [`FORMAT_VERSION`].
    pub flowdrill: u32,
    /// A short unique id, e.g. `social-triage`.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// The author's version of this workflow, e.g. `"2026-11"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub version: Option<String>,
    /// What the workflow is for, and where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// Business calendars by id.
    #[serde(
        default,
        skip_serializing_if = "Keyed::is_empty",
        deserialize_with = "crate::model::keyed::keyed_objects"
    )]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub calendars: Keyed<Calendar>,
    /// Roles (queues of people) by id.
    #[serde(
        default,
        skip_serializing_if = "Keyed::is_empty",
        deserialize_with = "crate::model::keyed::keyed_objects"
    )]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub roles: Keyed<Role>,
    /// Case attributes by id, with their finite domains.
    #[serde(default, skip_serializing_if = "Keyed::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub attributes: Keyed<Attribute>,
    /// The steps of the workflow.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// The connections between steps.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Service-level rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub slas: Vec<SlaRule>,
    /// A joint table of attribute values for simulation (attributes it names are drawn
    /// together; the others independently from their own weights).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub mix: Vec<MixRow>,
}

/// One row of a joint table of attribute values: a combination and its weight.
///
/// ```json
/// "mix": [
///   { "case": { "asker": "media", "sentiment": "negative" }, "weight": 3 },
///   { "case": { "asker": "customer", "sentiment": "negative" }, "weight": 20 }
/// ]
/// ```
///
/// Every row names the same attributes. A combination left out never occurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MixRow {
    /// The combination of values.
    pub case: crate::model::value::Assignment,
    /// Its relative frequency.
    pub weight: f64,
}

impl ObjectShape for Role {
    const EXPECTING: &'static str = "an object {name, staff, calendar, escalates_to}";
}

impl ObjectShape for Calendar {
    const EXPECTING: &'static str = "an object {name, timezone, hours, holidays}";
}

fn one() -> u32 {
    1
}

/// A role: a queue of people who do tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Display name, e.g. "Digital Fulfilment Specialist".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// How many people work in the role (default 1).
    #[serde(default = "one")]
    pub staff: u32,
    /// The calendar the role works to; around the clock when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub calendar: Option<String>,
    /// The role a case escalates to (the role's manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub escalates_to: Option<String>,
}

/// A case attribute with a finite domain, e.g. sentiment ∈ {positive, neutral, negative}.
///
/// Written as a list of values (equal weights) or as an object:
/// `{"label": ..., "question": ..., "values": ["a", "b"], "weights": [3, 1]}` or with
/// `"values": {"a": 3, "b": 1}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attribute {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub label: Option<String>,
    /// The question a person answers to set it, e.g. "Who is asking?".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub question: Option<String>,
    /// The domain: all text or all numbers, no repeats, at most 64.
    pub values: Vec<Value>,
    /// Relative frequency of each value among cases (for simulation).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub weights: Option<Vec<f64>>,
}

impl Attribute {
    /// The position of a value in the domain.
    pub fn position(&self, v: &Value) -> Option<usize> {
        self.values.iter().position(|x| x.matches(v))
    }

    /// The weights, or equal weights when none are given.
    pub fn weights_or_equal(&self) -> Vec<f64> {
        self.weights
            .clone()
            .unwrap_or_else(|| vec![1.0; self.values.len()])
    }

    /// True when the domain is numeric.
    pub fn is_numeric(&self) -> bool {
        matches!(self.values.first(), Some(Value::Number(_)))
    }

    /// The domain values as display strings.
    pub fn value_names(&self) -> Vec<String> {
        self.values.iter().map(|v| v.to_string()).collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    question: Option<String>,
    values: ValuesSpec,
    #[serde(default)]
    weights: Option<Vec<f64>>,
}

/// `["a", "b"]` or `{"a": 3, "b": 1}`.
struct ValuesSpec(Vec<Value>, Option<Vec<f64>>);

impl<'de> Deserialize<'de> for ValuesSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValuesSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of values or an object of value: weight")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ValuesSpec, A::Error> {
                let mut vs = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    vs.push(v);
                }
                Ok(ValuesSpec(vs, None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValuesSpec, A::Error> {
                let (mut vs, mut ws) = (Vec::new(), Vec::new());
                while let Some(k) = map.next_key::<String>()? {
                    vs.push(Value::Text(k));
                    ws.push(map.next_value::<f64>()?);
                }
                Ok(ValuesSpec(vs, Some(ws)))
            }
        }
        d.deserialize_any(V)
    }
}

impl Attribute {
    fn build(
        label: Option<String>,
        question: Option<String>,
        values: Vec<Value>,
        weights: Option<Vec<f64>>,
        from_map: bool,
    ) -> Result<Self, String> {
        if values.is_empty() {
            return Err("an attribute needs at least one value".into());
        }
        if values.len() > MAX_ATTRIBUTE_VALUES {
            return Err(format!(
                "{} values; an attribute may have at most {MAX_ATTRIBUTE_VALUES}",
                values.len()
            ));
        }
        let numeric = matches!(values[0], Value::Number(_));
        for (i, v) in values.iter().enumerate() {
            if matches!(v, Value::Number(_)) != numeric {
                return Err(format!(
                    "values[{i}] is {v}, but the domain is {}; use all text or all numbers",
                    if numeric { "numeric" } else { "text" }
                ));
            }
            if let Some(j) = values[..i].iter().position(|x| x.matches(v)) {
                return Err(format!("values[{i}]: \"{v}\" repeats values[{j}]"));
            }
        }
        if let Some(ws) = &weights {
            if ws.len() != values.len() {
                return Err(format!(
                    "weights: {} weights for {} values; give one weight per value",
                    ws.len(),
                    values.len()
                ));
            }
            let label = |i: usize| match (from_map, values.get(i)) {
                (true, Some(v)) => format!("\"{v}\""),
                _ => format!("weights[{i}]"),
            };
            check_weights(ws).map_err(|e| e.message(label))?;
        }
        Ok(Attribute {
            label,
            question,
            values,
            weights,
        })
    }
}

/// Why a list of relative weights (an attribute's, or a joint table's) is unusable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeightError {
    /// The weight at this position is negative, infinite or not a number.
    NotANumber {
        /// Its position.
        index: usize,
        /// The weight.
        weight: f64,
    },
    /// Adding the weight at this position makes the total infinite.
    TotalInfinite {
        /// Its position.
        index: usize,
        /// The weight.
        weight: f64,
    },
    /// Every weight is zero.
    AllZero,
}

impl WeightError {
    /// The message, naming each weight by `label(position)` (e.g. `weights[1]` or `"respond"`).
    pub fn message(&self, label: impl Fn(usize) -> String) -> String {
        use crate::model::value::Num;
        match *self {
            WeightError::NotANumber { index, weight } => format!(
                "{}: a weight must be a finite number >= 0; got {}",
                label(index),
                Num(weight)
            ),
            WeightError::TotalInfinite { index, weight } => format!(
                "{}: weight {} makes the total infinite; weights are relative numbers, e.g. 60 and 25",
                label(index),
                Num(weight)
            ),
            WeightError::AllZero => "weights: at least one weight must be above zero".into(),
        }
    }
}

/// Checks relative weights: each finite and at least zero, a finite total above zero.
pub fn check_weights(ws: &[f64]) -> Result<(), WeightError> {
    let mut total = 0.0_f64;
    for (index, &weight) in ws.iter().enumerate() {
        if !weight.is_finite() || weight < 0.0 {
            return Err(WeightError::NotANumber { index, weight });
        }
        total += weight;
        if !total.is_finite() {
            return Err(WeightError::TotalInfinite { index, weight });
        }
    }
    if total <= 0.0 {
        return Err(WeightError::AllZero);
    }
    Ok(())
}

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attribute;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of values, or an object with \"values\"")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Attribute, A::Error> {
                let vs: Vec<Value> =
                    Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Attribute::build(None, None, vs, None, false).map_err(de::Error::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Attribute, A::Error> {
                let raw: RawAttribute =
                    Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let ValuesSpec(values, map_weights) = raw.values;
                if map_weights.is_some() && raw.weights.is_some() {
                    return Err(de::Error::custom(
                        "weights are given twice: in \"values\" and in \"weights\"; keep one",
                    ));
                }
                let from_map = map_weights.is_some();
                let weights = raw.weights.or(map_weights);
                Attribute::build(raw.label, raw.question, values, weights, from_map)
                    .map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// How a decision picks among branches whose guards overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Matching {
    /// Branches must not overlap: an overlap is an error, like an ambiguous flowchart.
    #[default]
    Exclusive,
    /// Branches are tried in file order and the first that accepts wins; a branch that can
    /// never win is reported.
    First,
}

/// A batch window: cases that reach the wait are released together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawBatch", into = "RawBatch")]
pub enum Batch {
    /// Released every day at the time.
    Daily {
        /// Release time.
        at: TimeOfDay,
    },
    /// Released every week on the day at the time.
    Weekly {
        /// Release day and time.
        at: WeeklyPoint,
    },
    /// Released every month on the day of the month (1–28, or -1 for the last day).
    Monthly {
        /// Day of the month.
        day: i8,
        /// Release time.
        at: TimeOfDay,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Period {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBatch {
    every: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    day: Option<i8>,
    at: TimeOfDay,
}

impl TryFrom<RawBatch> for Batch {
    type Error = String;
    fn try_from(r: RawBatch) -> Result<Self, String> {
        match r.every {
            Period::Daily => {
                if r.on.is_some() || r.day.is_some() {
                    return Err("a daily batch takes only \"at\"".into());
                }
                Ok(Batch::Daily { at: r.at })
            }
            Period::Weekly => {
                let on =
                    r.on.ok_or("a weekly batch needs \"on\", a weekday like \"fri\"")?;
                if r.day.is_some() {
                    return Err("a weekly batch takes \"on\", not \"day\"".into());
                }
                let day = crate::time::calendar::parse_weekday(&on)?;
                Ok(Batch::Weekly {
                    at: WeeklyPoint { day, time: r.at },
                })
            }
            Period::Monthly => {
                let day = r
                    .day
                    .ok_or("a monthly batch needs \"day\", 1 to 28, or -1 for the last day")?;
                if r.on.is_some() {
                    return Err("a monthly batch takes \"day\", not \"on\"".into());
                }
                if !(1..=28).contains(&day) && day != -1 {
                    return Err(format!(
                        "day {day}: expected 1 to 28, or -1 for the last day of the month"
                    ));
                }
                Ok(Batch::Monthly { day, at: r.at })
            }
        }
    }
}

impl From<Batch> for RawBatch {
    fn from(b: Batch) -> Self {
        match b {
            Batch::Daily { at } => RawBatch {
                every: Period::Daily,
                on: None,
                day: None,
                at,
            },
            Batch::Weekly { at } => RawBatch {
                every: Period::Weekly,
                on: Some(
                    at.to_string()
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
                day: None,
                at: at.time,
            },
            Batch::Monthly { day, at } => RawBatch {
                every: Period::Monthly,
                on: None,
                day: Some(day),
                at,
            },
        }
    }
}

/// What a wait node waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// A fixed delay (`"delay": "24h"`).
    Delay(Duration),
    /// The next time the week reaches a point (`"until": "wed 12:00"`).
    Until(WeeklyPoint),
    /// The close of a batch window (`"batch": {"every": "daily", "at": "17:00"}`).
    Batch(Batch),
}

/// The kind of a node and what that kind needs.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// Where cases enter: a channel or trigger.
    Start {
        /// The channel cases arrive on, e.g. "twitter" or "contract".
        channel: Option<String>,
        /// How cases arrive, for simulation.
        arrivals: Option<Arrivals>,
    },
    /// Work done by a role.
    Task {
        /// The role that does the work.
        role: String,
        /// How long the work takes.
        effort: Option<Effort>,
    },
    /// An exclusive choice on case attributes.
    Decision {
        /// The question the choice answers, e.g. "Who is asking?".
        question: Option<String>,
        /// How overlapping branches are treated.
        matching: Matching,
    },
    /// Parallel split: every outgoing edge is taken.
    Fork,
    /// Parallel merge: waits for every branch of its fork.
    Join,
    /// A pause until time passes.
    Wait {
        /// What it waits for.
        wait: WaitFor,
        /// The calendar that `until` and `batch` times are read in.
        calendar: Option<String>,
    },
    /// Tells roles something; takes no work.
    Notify {
        /// The roles told.
        roles: Vec<String>,
        /// The message.
        message: Option<String>,
    },
    /// Where a case ends, with its outcome.
    End {
        /// The outcome, e.g. "closed", "on-hold", "cancelled", "no-response".
        outcome: String,
    },
}

impl NodeKind {
    /// The kind's name as written in the file.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Start { .. } => "start",
            NodeKind::Task { .. } => "task",
            NodeKind::Decision { .. } => "decision",
            NodeKind::Fork => "fork",
            NodeKind::Join => "join",
            NodeKind::Wait { .. } => "wait",
            NodeKind::Notify { .. } => "notify",
            NodeKind::End { .. } => "end",
        }
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "RawNode")]
pub struct Node {
    /// Unique id, used by edges and SLA rules.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Longer guidance for people doing this step.
    pub description: Option<String>,
    /// What kind of step it is.
    pub kind: NodeKind,
}

impl Node {
    /// The display name, or the id when there is none.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// A notify node's message.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Notify { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// A wait node's rule and the calendar whose zone its times are in.
    pub fn wait_rule(&self) -> Option<(&WaitFor, Option<&str>)> {
        match &self.kind {
            NodeKind::Wait { wait, calendar } => Some((wait, calendar.as_deref())),
            _ => None,
        }
    }

    /// A node of the given kind with no name.
    pub fn new(id: impl Into<String>, kind: NodeKind) -> Self {
        Node {
            id: id.into(),
            name: None,
            description: None,
            kind,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum KindTag {
    Start,
    Task,
    Decision,
    Fork,
    Join,
    Wait,
    Notify,
    End,
}

/// The kinds as written, in the order the format documents them.
const KIND_NAMES: &[&str] = &[
    "start", "task", "decision", "fork", "join", "wait", "notify", "end",
];

impl<'de> Deserialize<'de> for KindTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KindTag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "one of {}", KIND_NAMES.join(", "))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KindTag, E> {
                Ok(match v {
                    "start" => KindTag::Start,
                    "task" => KindTag::Task,
                    "decision" => KindTag::Decision,
                    "fork" => KindTag::Fork,
                    "join" => KindTag::Join,
                    "wait" => KindTag::Wait,
                    "notify" => KindTag::Notify,
                    "end" => KindTag::End,
                    _ => return Err(E::unknown_variant(v, KIND_NAMES)),
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl ObjectShape for RawNode {
    const EXPECTING: &'static str = "an object {id, kind, name, description, …}";
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: RawNode = object_only(d)?;
        Node::try_from(raw).map_err(de::Error::custom)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    kind: KindTag,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arrivals: Option<Arrivals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    effort: Option<Effort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    question: Option<String>,
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    matching: Option<Matching>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<WeeklyPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    batch: Option<Batch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    roles: Option<Ids>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
}

impl RawNode {
    /// The fields present that belong to some kind, by name.
    fn present(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let checks: [(&'static str, bool); 12] = [
            ("channel", self.channel.is_some()),
            ("arrivals", self.arrivals.is_some()),
            ("role", self.role.is_some()),
            ("effort", self.effort.is_some()),
            ("question", self.question.is_some()),
            ("match", self.matching.is_some()),
            ("delay", self.delay.is_some()),
            ("until", self.until.is_some()),
            ("batch", self.batch.is_some()),
            ("calendar", self.calendar.is_some()),
            ("roles", self.roles.is_some()),
            ("message", self.message.is_some()),
        ];
        for (name, here) in checks {
            if here {
                out.push(name);
            }
        }
        if self.outcome.is_some() {
            out.push("outcome");
        }
        out
    }
}

fn kind_fields(kind: KindTag) -> &'static [&'static str] {
    match kind {
        KindTag::Start => &["channel", "arrivals"],
        KindTag::Task => &["role", "effort"],
        KindTag::Decision => &["question", "match"],
        KindTag::Fork | KindTag::Join => &[],
        KindTag::Wait => &["delay", "until", "batch", "calendar"],
        KindTag::Notify => &["roles", "message"],
        KindTag::End => &["outcome"],
    }
}

impl TryFrom<RawNode> for Node {
    type Error = String;
    fn try_from(r: RawNode) -> Result<Self, String> {
        let kind_name = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if r.id.trim().is_empty() {
            return Err("a node id may not be empty".into());
        }
        let allowed = kind_fields(r.kind);
        if let Some(bad) = r.present().into_iter().find(|f| !allowed.contains(f)) {
            let hint = if allowed.is_empty() {
                format!("a {kind_name} node takes only id, name and description")
            } else {
                format!("a {kind_name} node takes {}", allowed.join(", "))
            };
            return Err(format!(
                "node \"{}\": \"{bad}\" does not apply; {hint}",
                r.id
            ));
        }
        let need = |what: Option<String>, field: &str| {
            what.ok_or_else(|| format!("node \"{}\": a {kind_name} node needs \"{field}\"", r.id))
        };
        let kind = match r.kind {
            KindTag::Start => NodeKind::Start {
                channel: r.channel,
                arrivals: r.arrivals,
            },
            KindTag::Task => NodeKind::Task {
                role: need(r.role, "role")?,
                effort: r.effort,
            },
            KindTag::Decision => NodeKind::Decision {
                question: r.question,
                matching: r.matching.unwrap_or_default(),
            },
            KindTag::Fork => NodeKind::Fork,
            KindTag::Join => NodeKind::Join,
            KindTag::Wait => {
                let wait = match (r.delay, r.until, r.batch) {
                    (Some(d), None, None) => WaitFor::Delay(d),
                    (None, Some(u), None) => WaitFor::Until(u),
                    (None, None, Some(b)) => WaitFor::Batch(b),
                    _ => {
                        return Err(format!(
                            "node \"{}\": a wait node needs exactly one of \"delay\", \"until\", \"batch\"",
                            r.id
                        ));
                    }
                };
                if matches!(wait, WaitFor::Delay(_)) && r.calendar.is_some() {
                    return Err(format!(
                        "node \"{}\": \"calendar\" applies to \"until\" and \"batch\", not to \"delay\"",
                        r.id
                    ));
                }
                NodeKind::Wait {
                    wait,
                    calendar: r.calendar,
                }
            }
            KindTag::Notify => {
                let roles = r.roles.map(|i| i.0).unwrap_or_default();
                if roles.is_empty() {
                    return Err(format!(
                        "node \"{}\": a notify node needs \"roles\" to tell",
                        r.id
                    ));
                }
                NodeKind::Notify {
                    roles,
                    message: r.message,
                }
            }
            KindTag::End => NodeKind::End {
                outcome: need(r.outcome, "outcome")?,
            },
        };
        Ok(Node {
            id: r.id,
            name: r.name,
            description: r.description,
            kind,
        })
    }
}

impl From<Node> for RawNode {
    fn from(n: Node) -> Self {
        let mut r = RawNode {
            id: n.id,
            kind: KindTag::Start,
            name: n.name,
            description: n.description,
            channel: None,
            arrivals: None,
            role: None,
            effort: None,
            question: None,
            matching: None,
            delay: None,
            until: None,
            batch: None,
            calendar: None,
            roles: None,
            message: None,
            outcome: None,
        };
        match n.kind {
            NodeKind::Start { channel, arrivals } => {
                r.channel = channel;
                r.arrivals = arrivals;
            }
            NodeKind::Task { role, effort } => {
                r.kind = KindTag::Task;
                r.role = Some(role);
                r.effort = effort;
            }
            NodeKind::Decision { question, matching } => {
                r.kind = KindTag::Decision;
                r.question = question;
                r.matching = (matching != Matching::Exclusive).then_some(matching);
            }
            NodeKind::Fork => r.kind = KindTag::Fork,
            NodeKind::Join => r.kind = KindTag::Join,
            NodeKind::Wait { wait, calendar } => {
                r.kind = KindTag::Wait;
                r.calendar = calendar;
                match wait {
                    WaitFor::Delay(d) => r.delay = Some(d),
                    WaitFor::Until(u) => r.until = Some(u),
                    WaitFor::Batch(b) => r.batch = Some(b),
                }
            }
            NodeKind::Notify { roles, message } => {
                r.kind = KindTag::Notify;
                r.roles = Some(Ids(roles));
                r.message = message;
            }
            NodeKind::End { outcome } => {
                r.kind = KindTag::End;
                r.outcome = Some(outcome);
            }
        }
        r
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A connection from one node to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Optional id; by default `from->to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub id: Option<String>,
    /// The node the edge leaves.
    pub from: String,
    /// The node the edge enters.
    pub to: String,
    /// The branch's label, e.g. "negative" or "no reply".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub label: Option<String>,
    /// The condition for taking this branch of a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub when: Option<Guard>,
    /// This is the decision's fallback branch, taken when no other accepts.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub otherwise: bool,
    /// The edge may be taken at most this many times per case (bounded retry loops);
    /// once used up the decision picks among its other branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub limit: Option<u32>,
}

impl Edge {
    /// A plain edge between two nodes.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Edge {
            id: None,
            from: from.into(),
            to: to.into(),
            label: None,
            when: None,
            otherwise: false,
            limit: None,
        }
    }

    /// The edge's id: the given one, or `from->to`.
    pub fn display_id(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}->{}", self.from, self.to))
    }
}
