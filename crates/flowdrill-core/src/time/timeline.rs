//! Timing one route: when each step is entered and left, and what the SLA rules say.
//!
//! A route is untimed; a timeline puts it on the calendar for an arrival instant. It is a
//! driver of the [`engine`](crate::engine), which moves the case along the route's branches
//! and runs its SLA clocks, while the driver keeps time: tasks take their effort (the
//! fastest possible or the typical, i.e. the mean) in the open hours of their role's
//! calendar; waits last their delay or until their calendar point or batch release
//! ([`next_release`]); every other node takes no time. Fork branches run side by side and
//! a join is entered when its last branch arrives. There is no queueing: this is one case
//! alone, which is what a deadline promise and an SLA feasibility check need. (The
//! simulator adds queues and staffing.)

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::analysis::route::Route;
use crate::analysis::space::Space;
use crate::engine::compiled::{CompileError, Compiled};
use crate::engine::{self, Choice, Driver, Stop, Token};
use crate::model::duration::Duration;
use crate::model::effort::Effort;
use crate::model::value::Assignment;
use crate::model::workflow::Workflow;
use crate::time::business::{CalendarError, next_release};
use crate::time::clock::{ClockState, Exact, Millis, OpenTime, SlaRun, millis};

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
    /// The guards are too complex to compile.
    #[error(transparent)]
    Compile(#[from] CompileError),
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

/// A route put on the calendar: its timed steps and the SLA clocks of the rules measured.
#[derive(Debug, Clone)]
pub struct Timed {
    /// The steps, in the route's order.
    pub steps: Vec<TimedStep>,
    /// The clocks: (rule index into the workflow's `slas`, clock), on milliseconds from the
    /// arrival.
    pub clocks: Vec<(u16, SlaRun)>,
    /// When the case's last step was left.
    pub end: DateTime<Utc>,
}

/// A token kept until an instant: (instant, sequence, token).
type Due = (Millis, u64, Token);

/// Task deadlines already searched, shared by the runs of one analysis (SLA feasibility
/// times each route for 168 arrivals, once per pace and once more per rule): (calendar
/// index, start in milliseconds since the epoch, work in seconds) → the deadline search's
/// result. A pure memo of [`Calendar::deadline`](crate::Calendar::deadline), so results do
/// not depend on the order of runs.
pub(crate) type DeadlineCache = std::cell::RefCell<
    std::collections::HashMap<(usize, i64, u64), Result<DateTime<Utc>, CalendarError>>,
>;

/// Keeps time for one case on a route: the timeline's driver of the engine.
struct Clockwork<'w> {
    w: &'w Workflow,
    current: &'w Compiled,
    /// Each workflow calendar, counted exactly from the arrival.
    calendars: Vec<Exact<'w>>,
    always: crate::time::clock::AroundTheClock,
    arrival: DateTime<Utc>,
    pace: Pace,
    now: Millis,
    /// Tokens kept at tasks and waits, by the instant they move on.
    due: BinaryHeap<Reverse<Due>>,
    seq: u64,
    /// The branches the route took out of each decision, in order: (decision, position).
    choices: Vec<(u32, usize)>,
    /// Steps entered so far: (node, enter, leave).
    steps: Vec<(u32, Millis, Option<Millis>)>,
    error: Option<TimelineError>,
    /// Whether a task whose work cannot be finished within the calendar's horizon is held
    /// there (recorded in `untimed`) while the rest of the case runs on, instead of ending
    /// the run with an error.
    lenient: bool,
    /// The first such task: (node id, why).
    untimed: Option<(String, TimelineError)>,
    /// Deadline searches shared with other runs, if any.
    cache: Option<&'w DeadlineCache>,
}

impl Clockwork<'_> {
    fn instant(&self, t: Millis) -> DateTime<Utc> {
        self.arrival
            .checked_add_signed(TimeDelta::try_milliseconds(t).unwrap_or(TimeDelta::MAX))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn keep(&mut self, at: Millis, token: Token) {
        self.seq += 1;
        self.due.push(Reverse((at, self.seq, token)));
    }

    /// When `work` of open time on a calendar, started now, is done (memoised in the
    /// shared cache when there is one).
    fn deadline(
        &self,
        ix: usize,
        cal: &crate::Calendar,
        work: Duration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.instant(self.now);
        let Some(cache) = self.cache else {
            return cal.deadline(start, work);
        };
        let key = (ix, start.timestamp_millis(), work.as_secs());
        if let Some(hit) = cache.borrow().get(&key) {
            return hit.clone();
        }
        let found = cal.deadline(start, work);
        cache.borrow_mut().insert(key, found.clone());
        found
    }

    fn node(&self, c: &Compiled, n: u32) -> Option<&crate::model::Node> {
        c.node_ix.get(n as usize).map(|ix| self.w.node(*ix))
    }
}

impl Driver for Clockwork<'_> {
    fn now(&self) -> Millis {
        self.now
    }

    fn open_time(&self, calendar: Option<u32>) -> &dyn OpenTime {
        match calendar.and_then(|i| self.calendars.get(i as usize)) {
            Some(c) => c,
            None => &self.always,
        }
    }

    fn enter(&mut self, _case: &engine::Case, token: Token) {
        self.steps.push((token.node, self.now, None));
    }

    fn leave(&mut self, _case: &engine::Case, node: u32) {
        let now = self.now;
        if let Some(s) = self
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.0 == node && s.2.is_none())
        {
            s.2 = Some(now);
        }
    }

    fn task(&mut self, _case: &engine::Case, token: Token, role: u32) -> bool {
        let c_role = self.w.roles.get_index(role as usize);
        let work = match self.current.effort(token.node) {
            Some(e) => match self.pace {
                Pace::Fastest => e.minimum(),
                Pace::Typical => e.mean(),
            },
            None => Duration::ZERO,
        };
        let calendar = c_role.and_then(|(_, r)| r.calendar.as_deref());
        let done = match calendar.and_then(|name| self.w.calendars.get_full(name)) {
            Some((ix, name, cal)) => match self.deadline(ix, cal, work) {
                Ok(t) => (t - self.arrival).num_milliseconds(),
                Err(source) => {
                    let too_far = matches!(source, CalendarError::TooFar(_));
                    let e = TimelineError::Calendar {
                        role: c_role.map(|(id, _)| id.clone()).unwrap_or_default(),
                        calendar: name.to_string(),
                        source,
                    };
                    if self.lenient && too_far {
                        // The token stays at the task for good; the rest runs on.
                        if self.untimed.is_none() {
                            let node = self
                                .node(self.current, token.node)
                                .map(|n| n.id.clone())
                                .unwrap_or_default();
                            self.untimed = Some((node, e));
                        }
                    } else {
                        self.error.get_or_insert(e);
                    }
                    return false;
                }
            },
            None => self.now.saturating_add(millis(work)),
        };
        self.keep(done, token);
        false
    }

    fn wait(&mut self, _case: &engine::Case, token: Token) -> bool {
        let Some(node) = self.node(self.current, token.node) else {
            return true;
        };
        let Some((wait, calendar)) = node.wait_rule() else {
            return true;
        };
        let tz = self.w.zone_of(calendar);
        match next_release(wait, tz, self.instant(self.now)) {
            Some(t) => {
                let at = (t - self.arrival).num_milliseconds();
                self.keep(at, token);
            }
            None => {
                self.error
                    .get_or_insert(TimelineError::NeverReleases(node.id.clone()));
            }
        }
        false
    }

    fn decide(&mut self, _c: &Compiled, _case: &engine::Case, token: Token) -> Choice {
        match self.choices.iter().position(|(d, _)| *d == token.node) {
            Some(k) => Choice::Branch(self.choices.remove(k).1),
            None => Choice::None,
        }
    }

    fn stuck(&mut self, _case: &engine::Case, _token: Token, _why: Stop) {}
}

/// Puts a route on the calendar for a case arriving at `arrival`, running the clocks of
/// the given SLA rules (indices into the workflow's `slas`).
pub fn run_route(
    w: &Workflow,
    c: &Compiled,
    route: &Route,
    rules: &[u16],
    arrival: DateTime<Utc>,
    pace: Pace,
) -> Result<Timed, TimelineError> {
    run(w, c, route, rules, arrival, pace, None).map(|(timed, _)| timed)
}

/// A route put on the calendar as far as it can be: [`run_route`], except that a task
/// whose work cannot be finished within the calendar's search horizon (about 100 years,
/// [`CalendarError::TooFar`]) holds its token for good while the rest of the case runs on.
/// That task (node id, why) is returned beside the timing; the SLA clocks then show
/// whether each rule stopped before it (met, breached or cancelled) or not. Task deadlines
/// are looked up in, and added to, `cache`.
pub(crate) fn run_route_partial(
    w: &Workflow,
    c: &Compiled,
    route: &Route,
    rules: &[u16],
    arrival: DateTime<Utc>,
    pace: Pace,
    cache: &DeadlineCache,
) -> Result<(Timed, Option<(String, TimelineError)>), TimelineError> {
    run(w, c, route, rules, arrival, pace, Some(cache))
}

/// [`run_route`] (strict without a cache) or [`run_route_partial`] (lenient with one).
fn run(
    w: &Workflow,
    c: &Compiled,
    route: &Route,
    rules: &[u16],
    arrival: DateTime<Utc>,
    pace: Pace,
    cache: Option<&DeadlineCache>,
) -> Result<(Timed, Option<(String, TimelineError)>), TimelineError> {
    let Some(start) = c.node_by_id(&route.start) else {
        let timed = Timed {
            steps: Vec::new(),
            clocks: Vec::new(),
            end: arrival,
        };
        return Ok((timed, None));
    };
    // The branch each decision took, from the edges the route's steps came in by.
    let mut choices = Vec::new();
    for step in &route.steps {
        for id in &step.edges {
            let Some(e) = c
                .edge_ix
                .iter()
                .position(|ix| w.edge(*ix).edge.display_id() == *id)
            else {
                continue;
            };
            if let Some(branch) = c.branch_of(e) {
                choices.push(branch);
            }
        }
    }
    let mut clock = Clockwork {
        w,
        calendars: w
            .calendars
            .values()
            .map(|calendar| Exact {
                calendar,
                origin: arrival,
            })
            .collect(),
        always: crate::time::clock::AroundTheClock,
        arrival,
        pace,
        now: 0,
        due: BinaryHeap::new(),
        seq: 0,
        choices,
        steps: Vec::new(),
        error: None,
        lenient: cache.is_some(),
        untimed: None,
        cache,
        current: c,
    };
    let mut flow = engine::Case::new(c, rules.iter().copied());
    engine::start(c, &mut flow, start, &mut clock);
    while clock.error.is_none()
        && let Some(Reverse((at, _, token))) = clock.due.pop()
    {
        clock.now = clock.now.max(at);
        engine::resume(c, &mut flow, token, &mut clock);
    }
    if let Some(e) = clock.error {
        return Err(e);
    }
    // The steps in the route's order: the k-th visit of a node is its k-th timed step.
    let mut timed = clock.steps.clone();
    let mut steps = Vec::with_capacity(route.steps.len());
    for s in &route.steps {
        let Some(n) = c.node_by_id(&s.node) else {
            continue;
        };
        if let Some(k) = timed.iter().position(|t| t.0 == n) {
            let (_, enter, leave) = timed.remove(k);
            steps.push(TimedStep {
                node: s.node.clone(),
                enter: clock.instant(enter),
                leave: clock.instant(leave.unwrap_or(enter)),
            });
        }
    }
    let end = steps.iter().map(|s| s.leave).max().unwrap_or(arrival);
    let timed = Timed {
        steps,
        clocks: flow.clocks().to_vec(),
        end,
    };
    Ok((timed, clock.untimed))
}

/// Puts a route on the calendar for a case arriving at `arrival`.
pub fn timeline(
    w: &Workflow,
    route: &Route,
    arrival: DateTime<Utc>,
    pace: Pace,
) -> Result<Vec<TimedStep>, TimelineError> {
    let c = Compiled::new(w)?;
    Ok(run_route(w, &c, route, &[], arrival, pace)?.steps)
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

/// The clock an SLA rule counts on, on milliseconds from `origin`.
pub fn rule_time<'w>(
    w: &'w Workflow,
    rule: &crate::time::sla::SlaRule,
    origin: DateTime<Utc>,
) -> Box<dyn OpenTime + 'w> {
    match rule.calendar.as_ref().and_then(|n| w.calendars.get(n)) {
        Some(calendar) => Box::new(Exact { calendar, origin }),
        None => Box::new(crate::time::clock::AroundTheClock),
    }
}

/// The SLA rules that surely apply to a case (those whose guard accepts every case that
/// agrees with the attributes given), as indices into the workflow's `slas`.
pub fn applicable_rules(w: &Workflow, c: &Compiled, case: &Assignment) -> Vec<u16> {
    let space = Space::new(&w.attributes);
    let known = space.known(case);
    c.slas
        .iter()
        .enumerate()
        .filter(|(_, sla)| {
            sla.guard.is_none_or(|g| {
                c.guard_sets
                    .get(g as usize)
                    .is_some_and(|set| known.is_subset(set).unwrap_or(false))
            })
        })
        .map(|(r, _)| r as u16)
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
    let c = Compiled::new(w)?;
    let rules = applicable_rules(w, &c, case);
    let timed = run_route(w, &c, route, &rules, arrival, Pace::Typical)?;
    let at = |t: Millis| {
        arrival
            .checked_add_signed(TimeDelta::try_milliseconds(t).unwrap_or(TimeDelta::MAX))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    };
    let mut out = Vec::new();
    for (r, run) in &timed.clocks {
        let (Some(rule), Some(sla)) = (w.slas.get(usize::from(*r)), c.slas.get(usize::from(*r)))
        else {
            continue;
        };
        let time = rule_time(w, rule, arrival);
        let started = run.started().map(at);
        // The ladder as it stands at the start: the clock running from then, nothing used.
        let from_start = |amount: Millis| run.started().and_then(|s| time.after(s, amount)).map(at);
        let holder = started.and_then(|t| {
            route
                .steps
                .iter()
                .zip(&timed.steps)
                .find(|(s, ts)| s.role.is_some() && ts.leave >= t)
                .and_then(|(s, _)| s.role.clone())
        });
        let manager = holder
            .as_ref()
            .and_then(|r| w.roles.get(r))
            .and_then(|r| r.escalates_to.clone());
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
                    instant: sla
                        .rule
                        .ladder
                        .iter()
                        .find(|rung| rung.index == i)
                        .and_then(|rung| from_start(rung.amount)),
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
            deadline: from_start(sla.rule.target),
            ladder,
            stopped: run.stopped().map(at),
            state: run.state(),
        });
    }
    Ok(out)
}
