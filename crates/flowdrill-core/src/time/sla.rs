//! SLA rules as data: which cases, when the clock starts, stops and pauses, the target,
//! the clock, and the escalation ladder.
//!
//! ```json
//! "slas": [{
//!   "id": "first-response",
//!   "name": "Reply within one business hour",
//!   "when": { "asker": "customer" },
//!   "start": "start",
//!   "stop": { "enter": ["reply-public", "reply-private"] },
//!   "pause": ["wait-for-customer"],
//!   "target": "1h",
//!   "calendar": "office",
//!   "escalation": [
//!     { "at": "75%", "notify": "supervisor" },
//!     { "at": "100%", "notify_manager": true, "flag": true },
//!     { "at": "2d overdue", "reassign": "supervisor", "raise_priority": true }
//!   ]
//! }]
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::duration::Duration;
use crate::model::guard::Guard;
use crate::model::keyed::Ids;
use crate::time::calendar::string_serde;

/// Where an SLA clock starts or stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ClockPoint {
    /// When the case enters the workflow.
    Start,
    /// When the case reaches any end node.
    End,
    /// When the case enters one of these nodes.
    Enter(Ids),
    /// When the case leaves one of these nodes (its work there is done).
    Leave(Ids),
}

impl ClockPoint {
    /// The node ids the point names (none for `start` and `end`).
    pub fn nodes(&self) -> &[String] {
        match self {
            ClockPoint::Enter(ids) | ClockPoint::Leave(ids) => ids,
            _ => &[],
        }
    }
}

fn default_start() -> ClockPoint {
    ClockPoint::Start
}
fn default_stop() -> ClockPoint {
    ClockPoint::End
}
fn is_start(p: &ClockPoint) -> bool {
    *p == ClockPoint::Start
}
fn is_end(p: &ClockPoint) -> bool {
    *p == ClockPoint::End
}

/// A service-level rule over the cases its guard selects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SlaRule {
    /// Unique id of the rule.
    pub id: String,
    /// Display name, e.g. "Reply within one business hour".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// What the rule measures (e.g. "first-response", "resolution"); defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub metric: Option<String>,
    /// Which cases the rule applies to; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub when: Option<Guard>,
    /// When the clock starts (default: the case enters the workflow).
    #[serde(default = "default_start", skip_serializing_if = "is_start")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub start: ClockPoint,
    /// When the clock stops (default: the case ends).
    #[serde(default = "default_stop", skip_serializing_if = "is_end")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub stop: ClockPoint,
    /// Nodes during which the clock is paused (e.g. waiting on the customer).
    #[serde(default, skip_serializing_if = "Ids::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub pause: Ids,
    /// The time allowed between start and stop.
    pub target: Duration,
    /// The calendar whose open hours the clock counts; around the clock when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub calendar: Option<String>,
    /// What happens as the deadline nears and passes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub escalation: Vec<Milestone>,
}

impl SlaRule {
    /// The metric the rule measures.
    pub fn metric(&self) -> &str {
        self.metric.as_deref().unwrap_or(&self.id)
    }
}

/// When a milestone of an escalation ladder fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneAt {
    /// At this percentage of the target (`"75%"`; `"100%"` is the breach).
    Percent(u32),
    /// This long after the breach (`"2d overdue"`).
    Overdue(Duration),
}

impl FromStr for MilestoneAt {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            return p
                .trim()
                .parse::<u32>()
                .map(MilestoneAt::Percent)
                .map_err(|_| {
                    format!("\"{s}\" is not a percentage; expected a whole number like \"75%\"")
                });
        }
        if let Some(d) = t.strip_suffix("overdue") {
            return Duration::parse_bounded(d.trim())
                .map(MilestoneAt::Overdue)
                .map_err(|e| e.to_string());
        }
        Err(format!(
            "\"{s}\" is not a milestone; expected a share of the target like \"75%\" or a time after the breach like \"2d overdue\""
        ))
    }
}

impl fmt::Display for MilestoneAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MilestoneAt::Percent(p) => write!(f, "{p}%"),
            MilestoneAt::Overdue(d) => write!(f, "{d} overdue"),
        }
    }
}

string_serde!(MilestoneAt, "a milestone like \"75%\" or \"2d overdue\"");

fn is_false(b: &bool) -> bool {
    !b
}

/// One rung of an escalation ladder and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// When it fires.
    pub at: MilestoneAt,
    /// Roles to notify.
    #[serde(default, skip_serializing_if = "Ids::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub notify: Ids,
    /// Notify the escalation target of the role that holds the case.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub notify_manager: bool,
    /// Move the case to this role's queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reassign: Option<String>,
    /// Flag the case.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub flag: bool,
    /// Raise the case's priority.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub raise_priority: bool,
}

impl Milestone {
    /// True when the milestone does nothing.
    pub fn is_empty(&self) -> bool {
        self.notify.is_empty()
            && !self.notify_manager
            && self.reassign.is_none()
            && !self.flag
            && !self.raise_priority
    }
}
