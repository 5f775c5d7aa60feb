//! Scenarios: what-if overrides of a workflow for simulation, without editing it.
//!
//! ```json
//! {
//!   "flowdrill-scenario": 1,
//!   "name": "One more specialist, longer desk hours",
//!   "staff": { "community-manager": 5 },
//!   "calendars": { "late-desk": { "timezone": "America/New_York", "hours": { "daily": [["07:00", "23:00"]] } } },
//!   "role_calendars": { "community-manager": "late-desk" },
//!   "arrivals": { "post": { "rate": "30/h" } },
//!   "arrival_factor": 1.5,
//!   "mix": { "sentiment": { "negative": 60, "neutral": 25, "positive": 15 } },
//!   "queue": "earliest-deadline"
//! }
//! ```
//!
//! Every field is optional; `{"flowdrill-scenario": 1}` is the workflow as it is.
//! `arrival_factor` multiplies every Poisson rate (after `arrivals` replaced any).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::NodeKind;
use crate::model::arrivals::{Arrivals, Rate};
use crate::model::error::{ParseError, suggest, unknown_word_message};
use crate::model::workflow::{Workflow, parse_json};
use crate::sim::Discipline;
use crate::time::calendar::Calendar;

/// The scenario format version this build reads.
pub const SCENARIO_VERSION: u32 = 1;

/// What-if overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Must be 1.
    #[serde(rename = "flowdrill-scenario")]
    pub version: u32,
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// Staff per role.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub staff: IndexMap<String, u32>,
    /// Calendars added or replaced.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::model::keyed::map_of_objects"
    )]
    #[cfg_attr(feature = "ts", ts(optional = nullable, type = "Record<string, CalendarInput>"))]
    pub calendars: IndexMap<String, Calendar>,
    /// The calendar each named role works to (`"24/7"` for around the clock).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub role_calendars: IndexMap<String, String>,
    /// Arrivals replaced per start node.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub arrivals: IndexMap<String, Arrivals>,
    /// Multiplies every Poisson arrival rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub arrival_factor: Option<f64>,
    /// Attribute weights replaced: attribute → value → weight.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub mix: IndexMap<String, IndexMap<String, f64>>,
    /// Queue order for every role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub queue: Option<Discipline>,
}

/// A scenario that does not fit its workflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario: {0}")]
pub struct ScenarioError(pub String);

impl Scenario {
    /// Reads a scenario file.
    pub fn from_json(text: &str) -> Result<Scenario, ParseError> {
        let s: Scenario = parse_json(text)?;
        if s.version != SCENARIO_VERSION {
            return Err(ParseError {
                kind: crate::model::error::ParseErrorKind::Version,
                path: "flowdrill-scenario".into(),
                line: 0,
                column: 0,
                message: format!(
                    "scenario format version {} is not supported; this build reads version {SCENARIO_VERSION}",
                    s.version
                ),
            });
        }
        Ok(s)
    }

    /// The scenario's name, or `default`.
    pub fn label<'a>(&'a self, default: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(default)
    }

    /// The workflow with the overrides applied; also returns the queue order to use.
    pub fn apply(&self, w: &Workflow) -> Result<(Workflow, Option<Discipline>), ScenarioError> {
        let mut w = w.clone();
        let err = |m: String| ScenarioError(m);
        let role_ids: Vec<String> = w.roles.keys().cloned().collect();
        let unknown_role = |r: &str| {
            err(format!(
                "staff/role_calendars: {}",
                unknown_word_message(
                    "role",
                    r,
                    &role_ids.iter().map(String::as_str).collect::<Vec<_>>()
                )
            ))
        };
        for (role, n) in &self.staff {
            w.roles
                .get_mut(role)
                .ok_or_else(|| unknown_role(role))?
                .staff = *n;
        }
        for (id, cal) in &self.calendars {
            w.calendars.insert(id.clone(), cal.clone());
        }
        for (role, cal) in &self.role_calendars {
            if cal != "24/7" && !w.calendars.contains_key(cal) {
                let ids: Vec<&str> = w.calendars.keys().map(String::as_str).collect();
                return Err(err(format!(
                    "role_calendars.{role}: {}",
                    unknown_word_message("calendar", cal, &ids)
                )));
            }
            let r = w.roles.get_mut(role).ok_or_else(|| unknown_role(role))?;
            r.calendar = (cal != "24/7").then(|| cal.clone());
        }
        for (start, arr) in &self.arrivals {
            let ok = w.set_arrivals(start, Some(arr.clone()));
            if !ok {
                let starts: Vec<String> = w
                    .nodes()
                    .filter(|(_, n)| matches!(n.kind, NodeKind::Start { .. }))
                    .map(|(_, n)| n.id.clone())
                    .collect();
                let ids: Vec<&str> = starts.iter().map(String::as_str).collect();
                return Err(err(format!(
                    "arrivals: {}",
                    unknown_word_message("start node", start, &ids)
                )));
            }
        }
        if let Some(f) = self.arrival_factor {
            if !f.is_finite() || f < 0.0 {
                return Err(err(format!(
                    "arrival_factor must be a number >= 0; got {f}"
                )));
            }
            let starts: Vec<(String, Option<Arrivals>)> = w
                .nodes()
                .filter_map(|(_, n)| match &n.kind {
                    NodeKind::Start { arrivals, .. } => Some((n.id.clone(), arrivals.clone())),
                    _ => None,
                })
                .collect();
            for (id, arr) in starts {
                if let Some(mut a) = arr
                    && let Some(r) = a.rate
                {
                    a.rate = Some(Rate::hourly(r.per_hour() * f));
                    w.set_arrivals(&id, Some(a));
                }
            }
        }
        for (attr, weights) in &self.mix {
            let ids: Vec<String> = w.attributes.keys().cloned().collect();
            let Some(a) = w.attributes.get_mut(attr) else {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                return Err(err(format!(
                    "mix: {}",
                    unknown_word_message("attribute", attr, &ids)
                )));
            };
            let mut ws = vec![0.0; a.values.len()];
            for (value, weight) in weights {
                let names = a.value_names();
                let Some(i) = names.iter().position(|v| v == value) else {
                    let hint = suggest(value, names.iter().map(String::as_str))
                        .map(|s| format!("; did you mean \"{s}\"?"))
                        .unwrap_or_default();
                    return Err(err(format!(
                        "mix.{attr}: attribute \"{attr}\" has no value \"{value}\"; expected one of {}{hint}",
                        names.join(", ")
                    )));
                };
                if !weight.is_finite() || *weight < 0.0 {
                    return Err(err(format!(
                        "mix.{attr}.{value}: a weight must be a number >= 0"
                    )));
                }
                ws[i] = *weight;
            }
            if let Err(e) = crate::model::check_weights(&ws) {
                let names = a.value_names();
                let label = |i: usize| {
                    format!(
                        "mix.{attr}.{}",
                        names.get(i).map(String::as_str).unwrap_or("")
                    )
                };
                return Err(err(match e {
                    crate::model::WeightError::AllZero => {
                        format!("mix.{attr}: at least one weight must be above zero")
                    }
                    e => e.message(label),
                }));
            }
            a.weights = Some(ws);
        }
        Ok((w, self.queue))
    }
}
