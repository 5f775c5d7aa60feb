//! Timing one route: when each step is entered and left, and what the SLA rules say.
//!
//! A route is untimed; a timeline puts it on the calendar for an arrival instant. Tasks
//! take their effort (the fastest possible or the typical, i.e. the mean) in the open hours
//! of their role's calendar; waits last their delay or until their calendar point or batch
//! release; every other node takes no time. Fork branches run side by side and a join is
//! entered when its last branch arrives. There is no queueing: this is one case alone,
//! which is what a deadline promise and an SLA feasibility check need. (The simulator adds
//! queues and staffing.)

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::analysis::route::Route;
use crate::model::duration::Duration;
use crate::model::effort::Effort;
use crate::model::value::Assignment;
use crate::model::workflow::Workflow;
use crate::model::{Batch, NodeKind, WaitFor};
use crate::time::business::{CalendarError, next_local};
use crate::time::calendar::Calendar;
use crate::time::clock::{CaseEvent, ClockState, SlaClock};
use crate::time::sla::SlaRule;

/// How long tasks take in a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Every task takes the least time its effort allows.
    Fastest,
    /// Every task takes its mean effort.
    Typical,
}

impl Effort {
    /// The least time the effort allows (0 for unbounded distributions).
    pub fn minimum(&self) -> Duration {
        match self {
            Effort::Fixed(d) => *d,
            Effort::Exponential { .. } | Effort::Lognormal { .. } => Duration::ZERO,
            Effort::Triangular { min, .. } | Effort::Uniform { min, .. } => *min,
            Effort::Empirical(xs) => xs.iter().copied().min().unwrap_or(Duration::ZERO),
        }
    }
}

/// Why a route could not be put on the calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// A role's calendar never opens.
    #[error("calendar \"{calendar}\" of role \"{role}\": {source}")]
    Calendar {
        /// The role.
        role: String,
        /// Its calendar.
        calendar: String,
        /// What went wrong.
        source: CalendarError,
    },
    /// A wait's point in time could not be found.
    #[error("wait \"{0}\" never releases")]
    NeverReleases(String),
}

/// When a step of a route is entered and left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimedStep {
    /// The node id.
    pub node: String,
    /// Entered.
    pub enter: DateTime<Utc>,
    /// Left.
    pub leave: DateTime<Utc>,
}

fn plus(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    d.after(t)
}

fn role_calendar<'w>(w: &'w Workflow, role: &str) -> Option<(&'w str, &'w Calendar)> {
    let name = w.roles.get(role)?.calendar.as_deref()?;
    w.calendars.get(name).map(|c| (name, c))
}

/// Puts a route on the calendar for a case arriving at `arrival`.
pub fn timeline(
    w: &Workflow,
    route: &Route,
    arrival: DateTime<Utc>,
    pace: Pace,
) -> Result<Vec<TimedStep>, TimelineError> {
    // When each lane (branch of a fork, by its dotted name) last left a step: a short
    // list, as few branches are open at once.
    let mut lanes: Vec<(String, DateTime<Utc>)> = vec![(String::new(), arrival)];
    let lane_at = |lanes: &[(String, DateTime<Utc>)], name: &str| {
        lanes.iter().find(|(k, _)| k == name).map(|(_, t)| *t)
    };
    let mut out = Vec::with_capacity(route.steps.len());
    for step in &route.steps {
        let Some(node) = w.node_by_id(&step.node) else {
            continue;
        };
        let parent = step
            .lane
            .rsplit_once('.')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let enter = match &node.kind {
            NodeKind::Join => {
                // The last of the branches that ran under this lane.
                let prefix = if step.lane.is_empty() {
                    String::new()
                } else {
                    format!("{}.", step.lane)
                };
                let is_child = |k: &str| {
                    !k.is_empty()
                        && k.strip_prefix(prefix.as_str())
                            .is_some_and(|rest| !rest.contains('.'))
                };
                let t = lanes
                    .iter()
                    .filter(|(k, _)| is_child(k))
                    .map(|(_, t)| *t)
                    .max();
                lanes.retain(|(k, _)| !is_child(k));
                t.or_else(|| lane_at(&lanes, &step.lane)).unwrap_or(arrival)
            }
            _ => lane_at(&lanes, &step.lane)
                .or_else(|| lane_at(&lanes, &parent))
                .unwrap_or(arrival),
        };
        let leave = match &node.kind {
            NodeKind::Task { role, effort } => {
                let work = effort.as_ref().map_or(Duration::ZERO, |e| match pace {
                    Pace::Fastest => e.minimum(),
                    Pace::Typical => e.mean(),
                });
                match role_calendar(w, role) {
                    Some((name, cal)) => {
                        cal.deadline(enter, work)
                            .map_err(|source| TimelineError::Calendar {
                                role: role.clone(),
                                calendar: name.to_string(),
                                source,
                            })?
                    }
                    None => plus(enter, work),
                }
            }
            NodeKind::Wait { .. } => wait_release(w, node, enter)?,
            _ => enter,
        };
        match lanes.iter_mut().find(|(k, _)| *k == step.lane) {
            Some(slot) => slot.1 = leave,
            None => lanes.push((step.lane.clone(), leave)),
        }
        out.push(TimedStep {
            node: step.node.clone(),
            enter,
            leave,
        });
    }
    Ok(out)
}

/// When a case that enters wait node `node` at `enter` is released (the node must be a
/// wait; any other node releases at once).
pub fn wait_release(
    w: &Workflow,
    node: &crate::model::Node,
    enter: DateTime<Utc>,
) -> Result<DateTime<Utc>, TimelineError> {
    let NodeKind::Wait { wait, calendar } = &node.kind else {
        return Ok(enter);
    };
    let tz = w.zone_of(calendar.as_deref());
    let never = || TimelineError::NeverReleases(node.id.clone());
    let release = match wait {
        WaitFor::Delay(d) => plus(enter, *d),
        WaitFor::Until(p) => {
            next_local(tz, enter, p.time, |d| d.weekday() == p.day).ok_or_else(never)?
        }
        WaitFor::Batch(Batch::Daily { at }) => {
            next_local(tz, enter, *at, |_| true).ok_or_else(never)?
        }
        WaitFor::Batch(Batch::Weekly { at }) => {
            next_local(tz, enter, at.time, |d| d.weekday() == at.day).ok_or_else(never)?
        }
        WaitFor::Batch(Batch::Monthly { day, at }) => next_local(tz, enter, *at, |d| {
            if *day > 0 {
                d.day() == u32::from(day.unsigned_abs())
            } else {
                d.succ_opt().is_some_and(|n| n.month() != d.month())
            }
        })
        .ok_or_else(never)?,
    };
    Ok(release)
}

/// One rung of an escalation ladder on a route: when it would fire and who is told.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LadderStep {
    /// As written: `"75%"`, `"2d overdue"`.
    pub at: String,
    /// When it fires if the clock keeps running from its start.
    pub instant: Option<DateTime<Utc>>,
    /// Roles told (including the holding role's manager for `notify_manager`).
    pub notify: Vec<String>,
    /// Other actions: `reassign to ROLE`, `flag`, `raise priority`.
    pub actions: Vec<String>,
}

/// What one SLA rule says about a case on its route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteSla {
    /// The rule id.
    pub rule: String,
    /// The rule's name.
    pub name: Option<String>,
    /// The target.
    pub target: Duration,
    /// The calendar the clock counts on (`None`: around the clock).
    pub calendar: Option<String>,
    /// When the clock starts on this route (`None` if its start point is not on it).
    pub started: Option<DateTime<Utc>>,
    /// The deadline computed at the start.
    pub deadline: Option<DateTime<Utc>>,
    /// The ladder, timed from the start.
    pub ladder: Vec<LadderStep>,
    /// When the clock stops with typical effort and no queueing.
    pub stopped: Option<DateTime<Utc>>,
    /// The clock's state at the end of the route.
    pub state: ClockState,
}

/// Drives SLA clocks along a timeline and returns each clock after the route.
pub fn run_clocks<'r>(
    w: &Workflow,
    rules: impl IntoIterator<Item = &'r SlaRule>,
    arrival: DateTime<Utc>,
    steps: &[TimedStep],
    ended: bool,
) -> Vec<SlaClock> {
    let mut events: Vec<(DateTime<Utc>, usize, CaseEvent)> = vec![(arrival, 0, CaseEvent::Start)];
    for (i, s) in steps.iter().enumerate() {
        events.push((s.enter, 2 * i + 1, CaseEvent::Enter(&s.node)));
        if ended && i + 1 == steps.len() {
            events.push((s.enter, 2 * i + 2, CaseEvent::End));
        } else {
            events.push((s.leave, 2 * i + 2, CaseEvent::Leave(&s.node)));
        }
    }
    crate::util::sort::sort_by_key(&mut events, |(t, seq, _)| (*t, *seq));
    rules
        .into_iter()
        .map(|rule| {
            let cal = rule.calendar.as_ref().and_then(|c| w.calendars.get(c));
            let mut clock = SlaClock::new(rule, cal);
            for (t, _, e) in &events {
                clock.step(e, *t);
            }
            clock
        })
        .collect()
}

/// The SLA rules that apply to a case (those whose guard the case's attributes satisfy).
pub fn applicable<'w>(w: &'w Workflow, case: &Assignment) -> Vec<&'w SlaRule> {
    w.slas
        .iter()
        .filter(|r| {
            r.when
                .as_ref()
                .is_none_or(|g| g.eval_partial(case) == Some(true))
        })
        .collect()
}

/// Each applicable rule's deadline, escalation instants and who is told, for a case that
/// arrives at `arrival` and takes `route` at a typical pace.
pub fn route_slas(
    w: &Workflow,
    route: &Route,
    case: &Assignment,
    arrival: DateTime<Utc>,
) -> Result<Vec<RouteSla>, TimelineError> {
    let steps = timeline(w, route, arrival, Pace::Typical)?;
    let rules = applicable(w, case);
    let clocks = run_clocks(
        w,
        rules.iter().copied(),
        arrival,
        &steps,
        route.outcome.is_some(),
    );
    let mut out = Vec::new();
    for clock in clocks {
        let rule = clock.rule();
        let started = clock.started_at();
        // The ladder as it stands at the start: a fresh clock started then.
        let cal = rule.calendar.as_ref().and_then(|c| w.calendars.get(c));
        let mut fresh = SlaClock::new(rule, cal);
        if let Some(t) = started {
            fresh.step(&CaseEvent::Start, t);
            force_running(&mut fresh, rule, t);
        }
        let holder = started.and_then(|t| {
            route
                .steps
                .iter()
                .zip(&steps)
                .find(|(s, ts)| s.role.is_some() && ts.leave >= t)
                .and_then(|(s, _)| s.role.clone())
        });
        let manager = holder
            .as_ref()
            .and_then(|r| w.roles.get(r))
            .and_then(|r| r.escalates_to.clone());
        let upcoming = fresh.upcoming();
        let ladder = rule
            .escalation
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut notify: Vec<String> = m.notify.iter().cloned().collect();
                if m.notify_manager
                    && let Some(mgr) = &manager
                    && !notify.contains(mgr)
                {
                    notify.push(mgr.clone());
                }
                let mut actions = Vec::new();
                if let Some(r) = &m.reassign {
                    actions.push(format!("reassign to {r}"));
                }
                if m.flag {
                    actions.push("flag".into());
                }
                if m.raise_priority {
                    actions.push("raise priority".into());
                }
                LadderStep {
                    at: m.at.to_string(),
                    instant: upcoming.iter().find(|f| f.index == i).map(|f| f.at),
                    notify,
                    actions,
                }
            })
            .collect();
        out.push(RouteSla {
            rule: rule.id.clone(),
            name: rule.name.clone(),
            target: rule.target,
            calendar: rule.calendar.clone(),
            started,
            deadline: fresh.deadline(),
            ladder,
            stopped: clock.stopped_at(),
            state: clock.state(),
        });
    }
    Ok(out)
}

/// Starts a clock whose start point is a node rather than the case start.
fn force_running(clock: &mut SlaClock, rule: &SlaRule, at: DateTime<Utc>) {
    use crate::time::sla::ClockPoint;
    let event = match &rule.start {
        ClockPoint::Enter(ids) => ids.first().map(|n| CaseEvent::Enter(n)),
        ClockPoint::Leave(ids) => ids.first().map(|n| CaseEvent::Leave(n)),
        _ => None,
    };
    if let Some(e) = event {
        clock.step(&e, at);
    }
}
