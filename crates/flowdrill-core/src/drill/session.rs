//! A drill session: the scenario plus the ordered log of timestamped actions.
//!
//! The session is event-sourced: [`Session::apply`] takes one [`Action`] at a time and
//! the whole state follows from the scenario and the log, so replaying a saved log gives
//! the same drill, natively and in the browser. Nothing here reads the system clock:
//! every action carries its wall-clock instant, and the facilitator's clock actions
//! (`start`, `pause`, `resume`, `speed`, `jump`) map wall time to drill time.
//!
//! A post becomes a case that walks the workflow. Start, fork and join steps pass by
//! themselves and waits release on their own time; a case stops at a decision until
//! someone `route`s it, at a task until someone finishes it (`respond` or `done`), and at
//! a notify step until someone `notify`s. `route` at a task whose next step is a decision
//! finishes the task and decides in one go. The SLA clocks of the rules that apply to the
//! post's true attributes run on the drill clock, and their escalation ladders fire.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use indexmap::IndexMap;
use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};

use super::scenario::{ActionKind, DrillScenario, Expect, Inject, SystemInject};
use crate::analysis::route::assignment_from_json;
use crate::engine::compiled::Compiled;
use crate::engine::{self, Choice, Driver, Stop, Token};
use crate::model::duration::Duration;
use crate::model::error::{ParseError, unknown_word_message};
use crate::model::value::Assignment;
use crate::model::workflow::{Workflow, parse_json};
use crate::time::business::next_release;
use crate::time::business::parse_instant;
use crate::time::clock::{AroundTheClock, OpenTime};
use crate::time::clock::{CaseEvent, ClockChange, ClockState, SlaClock};
use crate::time::timeline::applicable_rules;

/// The fastest the facilitator's clock runs.
pub const MAX_SPEED: u32 = 60;

/// Whether a reply is seen by everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// In the channel, for everyone to see.
    Public,
    /// Off channel (direct message, email).
    Private,
}

impl Visibility {
    /// `public` or `private`.
    pub fn name(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }
}

/// One entry of the action log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DrillAction"))]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Wall-clock instant it was done (RFC 3339; written with milliseconds, as
    /// JavaScript's `toISOString` does).
    #[serde(serialize_with = "millis")]
    pub at: DateTime<Utc>,
    /// Who did it (a participant's name, or the facilitator).
    pub by: String,
    /// The role they played.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub role: Option<String>,
    /// What they did.
    #[serde(rename = "do")]
    pub kind: ActionKind,
    /// The post (case) acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub case: Option<String>,
    /// `route`: the branch's target node; `escalate`: the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub to: Option<String>,
    /// `classify`: attribute values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "Record<string, Value>"))]
    pub attributes: Option<IndexMap<String, serde_json::Value>>,
    /// `tag`: the tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tags: Option<Vec<String>>,
    /// `notify`: the roles told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub roles: Option<Vec<String>>,
    /// `publish`/`skip`: the inject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub inject: Option<String>,
    /// `speed`: the clock's new speed (1 to 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub speed: Option<u32>,
    /// `respond`: public or private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub visibility: Option<Visibility>,
    /// `respond`: the reply; other actions: a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub text: Option<String>,
    /// `respond`/`done`: the task finished, when the post waits at several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub step: Option<String>,
}

impl Action {
    /// A bare action of `kind` by `by` at `at`; set the other fields as needed.
    pub fn new(at: DateTime<Utc>, by: &str, kind: ActionKind) -> Action {
        Action {
            at,
            by: by.to_string(),
            role: None,
            kind,
            case: None,
            to: None,
            attributes: None,
            tags: None,
            roles: None,
            inject: None,
            speed: None,
            visibility: None,
            text: None,
            step: None,
        }
    }
}

fn millis<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// Reads an action log (a JSON array of actions).
pub fn parse_actions(text: &str) -> Result<Vec<Action>, ParseError> {
    parse_json(text)
}

/// An action that cannot be taken, or a scenario that does not fit its workflow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrillError {
    /// The workflow has errors: a drill needs a valid answer key.
    #[error("the workflow has {} error(s), so it cannot be drilled{}", .0.len(), .0.first().map(|d| format!("; the first: {}", d.message)).unwrap_or_default())]
    Workflow(Vec<crate::analysis::diagnostic::Diagnostic>),
    /// The workflow's guards are too complex to run.
    #[error(transparent)]
    Compile(crate::engine::compiled::CompileError),
    /// The scenario names things the workflow lacks.
    #[error("scenario: {0}")]
    Scenario(String),
    /// An action of the log cannot be applied.
    #[error("action {index} ({action}): {message}")]
    Action {
        /// Its position in the log (0-based).
        index: usize,
        /// Its kind.
        action: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
}

/// Where an inject (or contingency, or system inject) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum InjectStatus {
    /// Not yet published.
    Pending,
    /// Published at this drill time.
    Published {
        /// When.
        at: DateTime<Utc>,
    },
    /// Dropped by the facilitator (or, for a contingency, not needed).
    Skipped,
}

/// The facilitator's clock: drill time as a function of wall time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DrillClock {
    /// Started and not ended.
    pub started: bool,
    /// Running (not paused).
    pub running: bool,
    /// Drill seconds per wall second.
    pub speed: u32,
    /// Drill time at the last clock change.
    pub drill_mark: DateTime<Utc>,
    /// Wall time at the last clock change.
    pub wall_mark: DateTime<Utc>,
}

impl DrillClock {
    /// Drill time at wall time `wall`.
    pub fn at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        if !self.running {
            return self.drill_mark;
        }
        let ms = (wall - self.wall_mark).num_milliseconds().max(0);
        TimeDelta::try_milliseconds(ms.saturating_mul(i64::from(self.speed)))
            .and_then(|d| self.drill_mark.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn mark(&mut self, wall: DateTime<Utc>) {
        self.drill_mark = self.at(wall);
        self.wall_mark = wall;
    }
}

/// A line of the drill's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DrillEvent"))]
pub struct Event {
    /// Drill time.
    pub at: DateTime<Utc>,
    /// `inject`, `contingency`, `system`, `action`, `milestone`, `breach`, `released`,
    /// `ended` or `clock`.
    pub kind: &'static str,
    /// The case concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub case: Option<String>,
    /// Who did it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub by: Option<String>,
    /// In which role.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub role: Option<String>,
    /// What happened, in words.
    pub text: String,
}

/// A step a case took.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Visit {
    /// The node.
    pub node: String,
    /// Its label.
    pub label: String,
    /// The role that works it (tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub role: Option<String>,
    /// When the case entered it.
    pub enter: DateTime<Utc>,
    /// When it left (None while there).
    pub leave: Option<DateTime<Utc>>,
    /// Who finished it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub by: Option<String>,
}

/// A routing decision someone made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionMade {
    /// The decision node.
    pub node: String,
    /// The branch target chosen.
    pub chosen: String,
    /// The branch target the workflow gives for the post's true attributes.
    pub right: Option<String>,
    /// When (drill time).
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// In which role.
    pub role: Option<String>,
}

/// A participant's action on a case, as the score sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseAct {
    /// When (drill time).
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// In which role.
    pub role: Option<String>,
    /// What.
    pub kind: ActionKind,
    /// The targets: route target, roles notified, role escalated to, visibility, tags.
    pub to: Vec<String>,
}

/// An SLA clock of a case, as the drill view shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClockView {
    /// The rule.
    pub rule: String,
    /// Its name.
    pub name: String,
    /// Where the clock is.
    pub state: ClockState,
    /// When it breaches if it keeps running.
    pub deadline: Option<DateTime<Utc>>,
    /// Ladder milestones fired so far (`"50%"`, `"100%"`, ...).
    pub fired: Vec<String>,
    /// `ok`, `warning` (a milestone before the target fired) or `breached`.
    #[cfg_attr(feature = "ts", ts(type = "\"ok\" | \"warning\" | \"breached\""))]
    pub level: &'static str,
}

impl ClockView {
    /// A clock as the drill view shows it at drill time `now`.
    pub fn of(c: &SlaClock, now: DateTime<Utc>) -> ClockView {
        let rule = c.rule();
        let fired: Vec<String> = c
            .fired()
            .iter()
            .filter_map(|f| rule.escalation.get(f.index).map(|m| m.at.to_string()))
            .collect();
        let over = match c.state() {
            ClockState::Breached => true,
            ClockState::Running | ClockState::Paused => c.over_at(now),
            _ => false,
        };
        let level = if over {
            "breached"
        } else if !fired.is_empty() && c.state() != ClockState::Met {
            "warning"
        } else {
            "ok"
        };
        ClockView {
            rule: rule.id.clone(),
            name: rule.name.clone().unwrap_or_else(|| rule.id.clone()),
            state: c.state(),
            deadline: c.deadline(),
            fired,
            level,
        }
    }
}

/// A post in the drill: a case walking the workflow.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    /// Its id (the inject's, or `SURGE-N`).
    pub id: String,
    /// Where it came from: `inject`, `contingency` or `surge`.
    pub source: &'static str,
    /// The channel.
    pub channel: String,
    /// The author.
    pub author: String,
    /// The message.
    pub text: String,
    /// The objective it tests.
    pub objective: Option<String>,
    /// When it was published (drill time).
    pub published: DateTime<Utc>,
    /// The attributes participants have set.
    pub read: Assignment,
    /// Who holds it.
    pub holder: Option<String>,
    /// The role it is with.
    pub holder_role: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Flagged for attention (by a person or a ladder).
    pub flagged: bool,
    /// Raised in priority by a ladder.
    pub priority: bool,
    /// The nodes it is at now.
    pub at: Vec<String>,
    /// The steps it took.
    pub visits: Vec<Visit>,
    /// The routing decisions made on it.
    pub decisions: Vec<DecisionMade>,
    /// Every participant action on it.
    pub acts: Vec<CaseAct>,
    /// How it ended (an end node's outcome, `closed` or `let-stand`).
    pub outcome: Option<String>,
    /// When it ended.
    pub ended: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub(crate) truth: Assignment,
    #[serde(skip)]
    pub(crate) expect: Vec<Expect>,
    #[serde(skip)]
    pub(crate) start: NodeIndex,
    /// Where the engine has the case.
    #[serde(skip)]
    flow: engine::Case,
    /// The tokens waiting for people or for time.
    #[serde(skip)]
    held: Vec<Held>,
    #[serde(skip)]
    pub(crate) clocks: Vec<SlaClock>,
}

/// A token the engine handed over, and what it waits for.
#[derive(Debug, Clone)]
struct Held {
    token: Token,
    at: HeldAt,
    /// For a wait: when it releases.
    release: Option<DateTime<Utc>>,
}

/// What a held token waits for.
#[derive(Debug, Clone, PartialEq)]
enum HeldAt {
    /// Someone in the role finishes the task.
    Task(String),
    /// Its release.
    Wait,
    /// Someone tells these roles.
    Notify(Vec<String>),
    /// Someone routes it.
    Decision,
}

impl Case {
    /// The true attributes (the answer key; not shown to participants).
    pub fn truth(&self) -> &Assignment {
        &self.truth
    }

    /// The actions expected on it.
    pub fn expected(&self) -> &[Expect] {
        &self.expect
    }

    /// Its SLA clocks at drill time `now`.
    pub fn clock_views(&self, now: DateTime<Utc>) -> Vec<ClockView> {
        self.clocks.iter().map(|c| ClockView::of(c, now)).collect()
    }

    /// Each SLA clock's rule and where the clock is.
    pub fn clocks_summary(&self) -> Vec<(String, ClockState)> {
        self.clocks
            .iter()
            .map(|c| (c.rule().id.clone(), c.state()))
            .collect()
    }

    /// True once it has ended.
    pub fn is_closed(&self) -> bool {
        self.ended.is_some()
    }
}

/// The parts of a session that only grow, lent from a session to its working copy: the
/// timeline and each post's actions and decisions, with their lengths before the action.
struct History {
    events: Vec<Event>,
    marks: (usize, Vec<(usize, usize)>),
    cases: Vec<(Vec<CaseAct>, Vec<DecisionMade>)>,
}

impl History {
    fn lend(s: &mut Session) -> History {
        let events = std::mem::take(&mut s.events);
        let cases: Vec<_> = s
            .cases
            .iter_mut()
            .map(|c| {
                (
                    std::mem::take(&mut c.acts),
                    std::mem::take(&mut c.decisions),
                )
            })
            .collect();
        let marks = (
            events.len(),
            cases.iter().map(|(a, d)| (a.len(), d.len())).collect(),
        );
        History {
            events,
            marks,
            cases,
        }
    }

    /// Hands the history to the copy (whose own is empty).
    fn give(&mut self, next: &mut Session) {
        next.events = std::mem::take(&mut self.events);
        for (c, (acts, decisions)) in next.cases.iter_mut().zip(&mut self.cases) {
            c.acts = std::mem::take(acts);
            c.decisions = std::mem::take(decisions);
        }
    }

    /// Takes the history back from a copy whose action was refused, cut to its length
    /// before the action.
    fn take_back(next: &mut Session, s: &mut Session, h: &History) {
        let mut events = std::mem::take(&mut next.events);
        events.truncate(h.marks.0);
        s.events = events;
        for ((c, from), &(a, d)) in s.cases.iter_mut().zip(&mut next.cases).zip(&h.marks.1) {
            c.acts = std::mem::take(&mut from.acts);
            c.acts.truncate(a);
            c.decisions = std::mem::take(&mut from.decisions);
            c.decisions.truncate(d);
        }
    }
}

/// The live state of a drill.
#[derive(Debug, Clone)]
pub struct Session {
    // Shared, not copied, by the copy `apply` works on.
    w: Arc<Workflow>,
    scenario: Arc<DrillScenario>,
    compiled: Arc<Compiled>,
    origin: DateTime<Utc>,
    clock: DrillClock,
    now: DateTime<Utc>,
    log: Vec<Action>,
    injects: Vec<InjectStatus>,
    contingencies: Vec<InjectStatus>,
    system: Vec<InjectStatus>,
    /// Surge posts published so far, per system inject.
    surged: Vec<u32>,
    cases: Vec<Case>,
    events: Vec<Event>,
    outages: Vec<(String, DateTime<Utc>, DateTime<Utc>)>,
    ended: Option<DateTime<Utc>>,
    /// Staff lost per role.
    staff_lost: BTreeMap<String, u32>,
}

/// One thing due on the drill clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    Inject(usize),
    System(usize),
    Contingency(usize),
    Release(usize),
    Milestone(usize),
}

fn plus(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    d.after(t)
}

impl Session {
    /// A drill of `scenario` on workflow `w`, before the facilitator starts it. Fails when
    /// the scenario names attributes, values, nodes, roles or objectives the workflow or
    /// scenario lacks.
    pub fn new(w: Workflow, scenario: DrillScenario) -> Result<Session, DrillError> {
        let origin = parse_instant(&scenario.starts_at)
            .map_err(|m| DrillError::Scenario(format!("starts_at: {m}")))?;
        let errors = crate::analysis::validate::validate_structure(&w).into_errors();
        if !errors.is_empty() {
            return Err(DrillError::Workflow(errors));
        }
        let compiled = Compiled::new(&w).map_err(DrillError::Compile)?;
        check_scenario(&w, &scenario)?;
        let n = scenario.injects.len();
        let session = Session {
            compiled: Arc::new(compiled),
            origin,
            clock: DrillClock {
                started: false,
                running: false,
                speed: 1,
                drill_mark: origin,
                wall_mark: origin,
            },
            now: origin,
            log: Vec::new(),
            injects: vec![InjectStatus::Pending; n],
            contingencies: vec![InjectStatus::Pending; scenario.contingencies.len()],
            system: vec![InjectStatus::Pending; scenario.system.len()],
            surged: vec![0; scenario.system.len()],
            cases: Vec::new(),
            events: Vec::new(),
            outages: Vec::new(),
            ended: None,
            staff_lost: BTreeMap::new(),
            w: Arc::new(w),
            scenario: Arc::new(scenario),
        };
        Ok(session)
    }

    /// Replays a whole log. Linear in its length: a recorded log is applied in place, with
    /// no copy of the session per action (an error ends the replay, so there is nothing
    /// to keep unchanged).
    pub fn replay(
        w: Workflow,
        scenario: DrillScenario,
        log: &[Action],
    ) -> Result<Session, DrillError> {
        let mut s = Session::new(w, scenario)?;
        for a in log {
            s.check_order(a)?;
            let index = s.log.len();
            let name = a.kind.name();
            s.run(a).map_err(|message| DrillError::Action {
                index,
                action: name,
                message,
            })?;
            s.log.push(a.clone());
        }
        Ok(s)
    }

    /// The workflow drilled.
    pub fn workflow(&self) -> &Workflow {
        &self.w
    }

    /// The decision a post at `node` faces (the node itself, or the decision right after a
    /// task) and the branches still open to it by the engine's rule (a branch whose retry
    /// limit the post has used up is left out): the decision's id and each branch's target
    /// id and label.
    pub(crate) fn open_branches(
        &self,
        case: &Case,
        node: &str,
    ) -> Option<(String, Vec<(String, String)>)> {
        let c = &self.compiled;
        let n = c.node_by_id(node)?;
        let d = if c.is_decision(n) {
            n
        } else {
            c.decision_after(n)?
        };
        let first = *c.out.get(d as usize)? as usize;
        let branches = self
            .open_targets(d, &case.flow)
            .into_iter()
            .filter_map(|(p, to)| {
                let slot = self.w.edge(*c.edge_ix.get(first + p)?);
                let label = match &slot.edge.label {
                    Some(l) => l.clone(),
                    None => self.w.node_by_id(&to)?.label().to_string(),
                };
                Some((to, label))
            })
            .collect();
        Some((c.node_ids.get(d as usize)?.clone(), branches))
    }

    /// The branches of decision `d` still open to a case (the engine's rule): each one's
    /// position among the decision's outgoing edges and its target's id.
    fn open_targets(&self, d: u32, flow: &engine::Case) -> Vec<(usize, String)> {
        let c = &self.compiled;
        c.open_branches(d, flow)
            .into_iter()
            .filter_map(|p| Some((p, self.node_id(c.out_edges(d).get(p)?.to))))
            .collect()
    }

    /// The scenario.
    pub fn scenario(&self) -> &DrillScenario {
        &self.scenario
    }

    /// The action log so far.
    pub fn log(&self) -> &[Action] {
        &self.log
    }

    /// The clock.
    pub fn clock(&self) -> &DrillClock {
        &self.clock
    }

    /// Drill time processed so far.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The drill-world instant the drill started from.
    pub fn origin(&self) -> DateTime<Utc> {
        self.origin
    }

    /// When the drill ended (drill time).
    pub fn ended(&self) -> Option<DateTime<Utc>> {
        self.ended
    }

    /// The cases (posts), in publication order.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }

    /// The timeline so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Each master-list inject's status.
    pub fn inject_status(&self) -> &[InjectStatus] {
        &self.injects
    }

    /// Each contingency's status.
    pub fn contingency_status(&self) -> &[InjectStatus] {
        &self.contingencies
    }

    /// Each system inject's status.
    pub fn system_status(&self) -> &[InjectStatus] {
        &self.system
    }

    /// Staff lost per role (system injects so far).
    pub fn staff_lost(&self) -> &BTreeMap<String, u32> {
        &self.staff_lost
    }

    /// Channels down at drill time `t`, with when each comes back.
    pub fn outages_at(&self, t: DateTime<Utc>) -> Vec<(&str, DateTime<Utc>)> {
        self.outages
            .iter()
            .filter(|(_, from, until)| *from <= t && t < *until)
            .map(|(c, _, until)| (c.as_str(), *until))
            .collect()
    }

    /// When inject `i` of the master list is due.
    pub fn inject_due(&self, i: usize) -> Option<DateTime<Utc>> {
        let inject = self.scenario.injects.get(i)?;
        Some(plus(self.origin, inject.at.unwrap_or(Duration::ZERO)))
    }

    /// Moves drill time to the wall instant `wall` without recording anything: what is
    /// due by then is published, waits release and ladders fire. Replaying the log gives
    /// the same state, since the next action would have brought the same things due.
    pub fn tick(&mut self, wall: DateTime<Utc>) {
        if self.clock.started && self.ended.is_none() {
            let t = self.clock.at(wall).max(self.now);
            self.advance(t);
        }
    }

    /// Refuses an action that comes too early, after the end, or before the start.
    fn check_order(&self, action: &Action) -> Result<(), DrillError> {
        let fail = |message: String| DrillError::Action {
            index: self.log.len(),
            action: action.kind.name(),
            message,
        };
        if let Some(last) = self.log.last()
            && action.at < last.at
        {
            return Err(fail(format!(
                "at {} is before the previous action ({}); actions must be in time order",
                action.at.to_rfc3339(),
                last.at.to_rfc3339()
            )));
        }
        if self.ended.is_some() {
            return Err(fail("the drill has ended".into()));
        }
        if !self.clock.started && action.kind != ActionKind::Start {
            return Err(fail(
                "the drill has not started; the facilitator starts it first".into(),
            ));
        }
        Ok(())
    }

    /// Applies one action of the log; on an error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<(), DrillError> {
        self.check_order(&action)?;
        let index = self.log.len();
        let name = action.kind.name();
        let fail = |message: String| DrillError::Action {
            index,
            action: name,
            message,
        };
        // The action runs on a copy, so that an error leaves nothing changed. What only
        // grows (the log, the timeline, each post's actions and decisions) is lent to the
        // copy instead of copied, and cut back to its length if the action is refused: an
        // action costs about the same late in a long drill as early.
        let log = std::mem::take(&mut self.log);
        let mut history = History::lend(self);
        let mut next = self.clone();
        history.give(&mut next);
        match next.run(&action) {
            Ok(()) => {
                next.log = log;
                next.log.push(action);
                *self = next;
                Ok(())
            }
            Err(message) => {
                History::take_back(&mut next, self, &history);
                self.log = log;
                Err(fail(message))
            }
        }
    }

    fn run(&mut self, a: &Action) -> Result<(), String> {
        if a.kind == ActionKind::Start {
            if self.clock.started {
                return Err("the drill has already started".into());
            }
            self.clock = DrillClock {
                started: true,
                running: true,
                speed: a.speed.map_or(Ok(1), check_speed)?,
                drill_mark: self.origin,
                wall_mark: a.at,
            };
            self.event(self.origin, "clock", None, a, "drill started".into());
            self.advance(self.origin);
            return Ok(());
        }
        let t = self.clock.at(a.at).max(self.now);
        self.advance(t);
        match a.kind {
            ActionKind::Start => {}
            ActionKind::Pause => {
                if !self.clock.running {
                    return Err("the clock is already paused".into());
                }
                self.clock.mark(a.at);
                self.clock.running = false;
                self.event(t, "clock", None, a, "clock paused".into());
            }
            ActionKind::Resume => {
                if self.clock.running {
                    return Err("the clock is already running".into());
                }
                self.clock.wall_mark = a.at;
                self.clock.running = true;
                self.event(t, "clock", None, a, "clock resumed".into());
            }
            ActionKind::Speed => {
                let speed = check_speed(a.speed.ok_or("needs \"speed\" (1 to 60)")?)?;
                self.clock.mark(a.at);
                self.clock.speed = speed;
                self.event(t, "clock", None, a, format!("clock at ×{speed}"));
            }
            ActionKind::Jump => {
                let target = self.next_due_time().ok_or(
                    "nothing is left to jump to: every inject is out and no post is waiting",
                )?;
                let target = target.max(t);
                self.clock.mark(a.at);
                self.clock.drill_mark = target;
                let local = target
                    .with_timezone(&self.w.display_zone())
                    .format("%a %H:%M");
                self.event(t, "clock", None, a, format!("jumped to {local}"));
                self.advance(target);
            }
            ActionKind::Publish | ActionKind::Skip => {
                let id = a.inject.as_deref().ok_or("needs \"inject\"")?;
                let i = self.inject_index(id)?;
                if self.injects[i] != InjectStatus::Pending {
                    return Err(format!("inject \"{id}\" is already out or skipped"));
                }
                if a.kind == ActionKind::Publish {
                    self.publish_inject(i, t);
                } else {
                    self.injects[i] = InjectStatus::Skipped;
                    self.event(t, "clock", None, a, format!("inject \"{id}\" skipped"));
                }
            }
            ActionKind::End => {
                self.event(t, "ended", None, a, "drill ended".into());
                self.ended = Some(t);
                self.clock.mark(a.at);
                self.clock.running = false;
            }
            _ => self.case_action(a, t)?,
        }
        Ok(())
    }

    fn inject_index(&self, id: &str) -> Result<usize, String> {
        self.scenario
            .injects
            .iter()
            .position(|i| i.id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = self
                    .scenario
                    .injects
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect();
                unknown_word_message("inject", id, &ids)
            })
    }

    fn event(
        &mut self,
        at: DateTime<Utc>,
        kind: &'static str,
        case: Option<&str>,
        a: &Action,
        text: String,
    ) {
        self.events.push(Event {
            at,
            kind,
            case: case.map(str::to_string),
            by: Some(a.by.clone()),
            role: a.role.clone(),
            text,
        });
    }

    fn note(&mut self, at: DateTime<Utc>, kind: &'static str, case: Option<&str>, text: String) {
        self.events.push(Event {
            at,
            kind,
            case: case.map(str::to_string),
            by: None,
            role: None,
            text,
        });
    }

    // ---- time -------------------------------------------------------------------------

    /// The earliest thing due, at or after now.
    fn next_due(&self) -> Option<(DateTime<Utc>, Due)> {
        let mut best: Option<(DateTime<Utc>, Due)> = None;
        let mut offer = |t: DateTime<Utc>, d: Due| {
            if best.is_none_or(|b| (t, d) < b) {
                best = Some((t, d));
            }
        };
        for (i, s) in self.injects.iter().enumerate() {
            if *s == InjectStatus::Pending
                && let Some(t) = self.inject_due(i)
            {
                offer(t, Due::Inject(i));
            }
        }
        for (i, sys) in self.scenario.system.iter().enumerate() {
            let first = plus(self.origin, sys.at());
            match (sys, self.system[i]) {
                (_, InjectStatus::Pending) => offer(first, Due::System(i)),
                (SystemInject::Surge { posts, over, .. }, InjectStatus::Published { .. })
                    if self.surged[i] < *posts =>
                {
                    offer(
                        surge_time(first, *over, *posts, self.surged[i]),
                        Due::System(i),
                    );
                }
                _ => {}
            }
        }
        for (i, c) in self.scenario.contingencies.iter().enumerate() {
            if self.contingencies[i] != InjectStatus::Pending {
                continue;
            }
            if let Some(published) = self.case(&c.unless.inject).map(|k| k.published) {
                offer(plus(published, c.by), Due::Contingency(i));
            }
        }
        for (i, case) in self.cases.iter().enumerate() {
            if case.is_closed() {
                continue;
            }
            if let Some(t) = case.held.iter().filter_map(|h| h.release).min() {
                offer(t, Due::Release(i));
            }
            if let Some(t) = case
                .clocks
                .iter()
                .filter_map(|c| c.upcoming().first().map(|f| f.at))
                .min()
            {
                offer(t, Due::Milestone(i));
            }
        }
        best
    }

    /// When the next inject (of any kind) is due, or a waiting post is released, for
    /// `jump`.
    fn next_due_time(&self) -> Option<DateTime<Utc>> {
        let releases = self
            .cases
            .iter()
            .filter(|c| !c.is_closed())
            .flat_map(|c| c.held.iter().filter_map(|h| h.release));
        let injects = self
            .injects
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == InjectStatus::Pending)
            .filter_map(|(i, _)| self.inject_due(i));
        let system = self
            .scenario
            .system
            .iter()
            .zip(&self.system)
            .filter(|(_, s)| **s == InjectStatus::Pending)
            .map(|(sys, _)| plus(self.origin, sys.at()));
        injects.chain(system).chain(releases).min()
    }

    /// Processes everything due up to drill time `t`, in time order.
    fn advance(&mut self, t: DateTime<Utc>) {
        // Every step publishes, releases or fires something, so this ends; the cap is a
        // guard against a bug turning into a hang.
        for _ in 0..100_000 {
            let Some((due, what)) = self.next_due() else {
                break;
            };
            if due > t {
                break;
            }
            let at = due.max(self.now);
            self.now = at;
            match what {
                Due::Inject(i) => self.publish_inject(i, at),
                Due::System(i) => self.fire_system(i, at),
                Due::Contingency(i) => self.check_contingency(i, at),
                Due::Release(i) => self.release_waits(i, at),
                Due::Milestone(i) => self.fire_milestones(i, at),
            }
        }
        self.now = self.now.max(t);
    }

    fn publish_inject(&mut self, i: usize, at: DateTime<Utc>) {
        self.injects[i] = InjectStatus::Published { at };
        let inject = self.scenario.injects[i].clone();
        self.note(
            at,
            "inject",
            Some(&inject.id),
            format!("{} on {}: {}", inject.author, inject.channel, inject.text),
        );
        self.open_case(&inject, "inject", at);
    }

    fn fire_system(&mut self, i: usize, at: DateTime<Utc>) {
        let sys = self.scenario.system[i].clone();
        if self.system[i] == InjectStatus::Pending {
            self.system[i] = InjectStatus::Published { at };
        }
        match sys {
            SystemInject::StaffLoss { role, staff, .. } => {
                *self.staff_lost.entry(role.clone()).or_insert(0) += staff;
                self.note(at, "system", None, format!("{role} loses {staff} staff"));
            }
            SystemInject::Outage { channel, lasts, .. } => {
                let until = plus(at, lasts);
                self.outages.push((channel.clone(), at, until));
                self.note(
                    at,
                    "system",
                    None,
                    format!("{channel} is down for {lasts}: replies there are refused"),
                );
            }
            SystemInject::Surge {
                id,
                posts,
                channel,
                author,
                text,
                truth,
                start,
                objective,
                ..
            } => {
                let n = self.surged[i] + 1;
                self.surged[i] = n;
                if n == 1 {
                    self.note(at, "system", None, format!("surge \"{id}\": {posts} posts"));
                }
                let post = Inject {
                    id: format!("{id}-{n}"),
                    at: None,
                    channel,
                    author: format!("{author}-{n}"),
                    text,
                    start,
                    truth,
                    expect: Vec::new(),
                    objective,
                };
                self.open_case(&post, "surge", at);
            }
        }
    }

    fn check_contingency(&mut self, i: usize, at: DateTime<Utc>) {
        let c = self.scenario.contingencies[i].clone();
        let done = self.case(&c.unless.inject).is_some_and(|case| {
            case.acts
                .iter()
                .any(|a| a.kind == c.unless.action && target_matches(a, c.unless.to.as_deref()))
        });
        if done {
            self.contingencies[i] = InjectStatus::Skipped;
            return;
        }
        self.contingencies[i] = InjectStatus::Published { at };
        self.note(
            at,
            "contingency",
            Some(&c.post.id),
            format!(
                "{} not done on \"{}\": {} on {}: {}",
                c.unless.action.name(),
                c.unless.inject,
                c.post.author,
                c.post.channel,
                c.post.text
            ),
        );
        self.open_case(&c.post, "contingency", at);
    }

    fn release_waits(&mut self, i: usize, at: DateTime<Utc>) {
        let ready: Vec<usize> = self.cases[i]
            .held
            .iter()
            .enumerate()
            .filter(|(_, h)| h.release.is_some_and(|r| r <= at))
            .map(|(k, _)| k)
            .collect();
        for k in ready.into_iter().rev() {
            let held = self.cases[i].held.remove(k);
            let id = self.cases[i].id.clone();
            let label = self.label(held.token.node);
            self.note(
                at,
                "released",
                Some(&id),
                format!("{id} leaves \"{label}\""),
            );
            self.drive(i, at, None, |c, flow, d| {
                engine::resume(c, flow, held.token, d)
            });
        }
    }

    fn fire_milestones(&mut self, i: usize, at: DateTime<Utc>) {
        let mut changes = Vec::new();
        for (k, clock) in self.cases[i].clocks.iter_mut().enumerate() {
            for ch in clock.advance(at) {
                changes.push((k, ch));
            }
        }
        for (k, ch) in changes {
            if let ClockChange::Milestone { index, at } = ch {
                self.milestone(i, k, index, at);
            }
        }
    }

    /// A ladder rung fired: tell its roles, reassign, flag, raise priority.
    fn milestone(&mut self, i: usize, k: usize, index: usize, at: DateTime<Utc>) {
        let case = &self.cases[i];
        let rule = case.clocks[k].rule();
        let Some(m) = rule.escalation.get(index).cloned() else {
            return;
        };
        let mut told: Vec<String> = m.notify.iter().cloned().collect();
        if m.notify_manager
            && let Some(boss) = case
                .holder_role
                .as_ref()
                .and_then(|r| self.w.roles.get(r))
                .and_then(|r| r.escalates_to.clone())
        {
            told.push(boss);
        }
        let breach = matches!(m.at, crate::time::sla::MilestoneAt::Percent(p) if p >= 100);
        let mut what = vec![format!("{} at {}", rule.id, m.at)];
        if !told.is_empty() {
            what.push(format!("{} told", told.join(", ")));
        }
        let id = case.id.clone();
        let case = &mut self.cases[i];
        if let Some(r) = &m.reassign {
            case.holder_role = Some(r.clone());
            case.holder = None;
            what.push(format!("reassigned to {r}"));
        }
        if m.flag {
            case.flagged = true;
            what.push("flagged".into());
        }
        if m.raise_priority {
            case.priority = true;
            what.push("priority raised".into());
        }
        self.note(
            at,
            if breach { "breach" } else { "milestone" },
            Some(&id),
            what.join("; "),
        );
    }

    // ---- cases ------------------------------------------------------------------------

    fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id)
    }

    fn open_case(&mut self, post: &Inject, source: &'static str, at: DateTime<Utc>) {
        // check_scenario has made sure the truth and start fit the workflow.
        let truth = truth_of(&self.w, &post.truth).unwrap_or_default();
        let start = start_of(&self.w, post.start.as_deref()).unwrap_or_default();
        let c = self.compiled.clone();
        let clocks = applicable_rules(&self.w, &c, &truth)
            .into_iter()
            .filter_map(|r| self.w.slas.get(usize::from(r)))
            .map(|rule| {
                let cal = rule.calendar.as_ref().and_then(|c| self.w.calendars.get(c));
                let mut clock = SlaClock::new(rule, cal);
                clock.step(&CaseEvent::Start, at);
                clock
            })
            .collect();
        self.cases.push(Case {
            id: post.id.clone(),
            source,
            channel: post.channel.clone(),
            author: post.author.clone(),
            text: post.text.clone(),
            objective: post.objective.clone(),
            published: at,
            read: Assignment::new(),
            holder: None,
            holder_role: None,
            tags: Vec::new(),
            flagged: false,
            priority: false,
            at: Vec::new(),
            visits: Vec::new(),
            decisions: Vec::new(),
            acts: Vec::new(),
            outcome: None,
            ended: None,
            truth,
            expect: post.expect.clone(),
            start,
            flow: engine::Case::new(&c, []),
            held: Vec::new(),
            clocks,
        });
        let i = self.cases.len() - 1;
        if let Some(n) = c.node_of(start) {
            self.drive(i, at, None, |c, flow, d| engine::start(c, flow, n, d));
        }
    }

    /// Moves case `i` with one of the engine's functions at drill time `at`; `by` is who
    /// finished the steps it leaves. Then fires the ladder rungs that came due and notes
    /// the end.
    fn drive(
        &mut self,
        i: usize,
        at: DateTime<Utc>,
        by: Option<&str>,
        f: impl FnOnce(&Compiled, &mut engine::Case, &mut Desk),
    ) {
        let c = self.compiled.clone();
        let w = self.w.clone();
        let mut flow = std::mem::take(&mut self.cases[i].flow);
        let mut desk = Desk {
            w: &w,
            c: &c,
            case: &mut self.cases[i],
            now: at,
            by: by.map(str::to_string),
            fired: Vec::new(),
            ended: None,
        };
        f(&c, &mut flow, &mut desk);
        let (fired, ended) = (desk.fired, desk.ended);
        self.cases[i].flow = flow;
        for (k, index, when) in fired {
            self.milestone(i, k, index, when);
        }
        let id = self.cases[i].id.clone();
        if let Some(outcome) = ended {
            self.note(at, "ended", Some(&id), format!("closed: {outcome}"));
        }
        let ids: Vec<String> = self.cases[i]
            .held
            .iter()
            .filter_map(|h| c.node_ids.get(h.token.node as usize).cloned())
            .collect();
        self.cases[i].at = ids;
    }

    fn label(&self, n: u32) -> String {
        self.compiled
            .node_ix
            .get(n as usize)
            .map(|ix| self.w.node(*ix).label().to_string())
            .unwrap_or_default()
    }

    fn node_id(&self, n: u32) -> String {
        self.compiled
            .node_ids
            .get(n as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// The branch target a decision gives for the post's true attributes, with the case's
    /// used-up loop limits (the engine's rule; with a partial truth, the first branch that
    /// some completion of it takes).
    fn right_branch(&self, i: usize, d: u32) -> Option<String> {
        let c = &self.compiled;
        let case = &self.cases[i];
        let space = crate::analysis::space::Space::new(&self.w.attributes);
        let parts = c.split(d, &space.known(&case.truth), &case.flow).ok()?;
        let (pos, _) = parts.first()?;
        let e = c.out_edges(d).get((*pos)?)?;
        Some(self.node_id(e.to))
    }

    fn case_action(&mut self, a: &Action, t: DateTime<Utc>) -> Result<(), String> {
        let id = a.case.as_deref().ok_or("needs \"case\"")?;
        let i = self.cases.iter().position(|c| c.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.cases.iter().map(|c| c.id.as_str()).collect();
            if ids.is_empty() {
                format!("no post called \"{id}\" has been published; none has yet")
            } else {
                unknown_word_message("published post", id, &ids)
            }
        })?;
        if self.cases[i].is_closed() {
            return Err(format!("post \"{id}\" is already closed"));
        }
        if let Some(r) = &a.role {
            self.role_exists(r)?;
        }
        let mut to: Vec<String> = Vec::new();
        // The action comes before what it causes on the timeline.
        let mark = self.events.len();
        let text = match a.kind {
            ActionKind::Classify => {
                let raw = a.attributes.as_ref().ok_or("needs \"attributes\"")?;
                let read = truth_of(&self.w, raw)?;
                let desc = crate::model::value::format_assignment(&read);
                for (k, v) in read {
                    to.push(format!("{k}={v}"));
                    self.cases[i].read.insert(k, v);
                }
                format!("classified {id}: {desc}")
            }
            ActionKind::Route => {
                let target =
                    a.to.as_deref()
                        .ok_or("needs \"to\" (the branch's target node)")?;
                self.route(i, target, a, t)?;
                to.push(target.to_string());
                format!("routed {id} to {target}")
            }
            ActionKind::Tag => {
                let tags = a.tags.clone().ok_or("needs \"tags\"")?;
                let case = &mut self.cases[i];
                for tag in &tags {
                    if !case.tags.contains(tag) {
                        case.tags.push(tag.clone());
                    }
                }
                to = tags.clone();
                format!("tagged {id}: {}", tags.join(", "))
            }
            ActionKind::Flag => {
                self.cases[i].flagged = true;
                format!("flagged {id}")
            }
            ActionKind::Take => {
                let case = &mut self.cases[i];
                case.holder = Some(a.by.clone());
                if let Some(r) = &a.role {
                    case.holder_role = Some(r.clone());
                }
                to.extend(a.role.clone());
                format!("{} took {id}", a.by)
            }
            ActionKind::Respond => {
                let vis = a
                    .visibility
                    .ok_or("needs \"visibility\": public or private")?;
                let channel = self.cases[i].channel.clone();
                if vis == Visibility::Public
                    && let Some((_, until)) =
                        self.outages_at(t).into_iter().find(|(c, _)| *c == channel)
                {
                    return Err(format!(
                        "{channel} is down until {}; reply in private or wait",
                        until.to_rfc3339()
                    ));
                }
                self.finish_task(i, a, t, false)?;
                to.push(vis.name().to_string());
                format!("replied {} to {id}", vis.name())
            }
            ActionKind::Done => {
                self.finish_task(i, a, t, true)?;
                format!("finished a step of {id}")
            }
            ActionKind::Escalate => {
                let role = a.to.as_deref().ok_or("needs \"to\" (a role)")?;
                self.role_exists(role)?;
                let case = &mut self.cases[i];
                case.holder_role = Some(role.to_string());
                case.holder = None;
                to.push(role.to_string());
                format!("escalated {id} to {role}")
            }
            ActionKind::Notify => {
                let roles = a.roles.clone().ok_or("needs \"roles\"")?;
                if roles.is_empty() {
                    return Err("\"roles\" is empty; name at least one role".into());
                }
                for r in &roles {
                    self.role_exists(r)?;
                }
                // A notify step is passed once every role it names has been told (by this
                // action or earlier ones); telling others does not pass it.
                let mut told: Vec<&str> = roles.iter().map(String::as_str).collect();
                for past in self.cases[i]
                    .acts
                    .iter()
                    .filter(|x| x.kind == ActionKind::Notify)
                {
                    told.extend(past.to.iter().map(String::as_str));
                }
                let done = self.cases[i].held.iter().position(|h| {
                    matches!(&h.at, HeldAt::Notify(need) if need.iter().all(|r| told.contains(&r.as_str())))
                });
                if let Some(k) = done {
                    let held = self.cases[i].held.remove(k);
                    self.drive(i, t, Some(&a.by), |c, flow, d| {
                        engine::resume(c, flow, held.token, d)
                    });
                }
                to = roles.clone();
                format!("told {} about {id}", roles.join(", "))
            }
            ActionKind::Close | ActionKind::LetStand => {
                let outcome = if a.kind == ActionKind::Close {
                    "closed"
                } else {
                    "let-stand"
                };
                // A step whose only way on is an end gives the workflow's outcome (a
                // decision does not: closing is not choosing one of its branches).
                let c = self.compiled.clone();
                let end = self.cases[i]
                    .held
                    .iter()
                    .position(|h| h.at != HeldAt::Decision && c.end_after(h.token.node).is_some());
                match end {
                    Some(k) if a.kind == ActionKind::Close => {
                        let held = self.cases[i].held.remove(k);
                        self.drive(i, t, Some(&a.by), |c, flow, d| {
                            engine::resume(c, flow, held.token, d)
                        });
                    }
                    _ => self.drive(i, t, None, |c, flow, d| {
                        engine::close(c, flow, d);
                        d.finish(outcome.to_string());
                    }),
                }
                format!(
                    "{} {id}",
                    if a.kind == ActionKind::Close {
                        "closed"
                    } else {
                        "let stand"
                    }
                )
            }
            _ => return Err("not an action on a post".into()),
        };
        self.cases[i].acts.push(CaseAct {
            at: t,
            by: a.by.clone(),
            role: a.role.clone(),
            kind: a.kind,
            to,
        });
        self.event(t, "action", Some(id), a, text);
        let line = self.events.remove(self.events.len() - 1);
        self.events.insert(mark, line);
        Ok(())
    }

    fn role_exists(&self, role: &str) -> Result<(), String> {
        if self.w.roles.contains_key(role) {
            return Ok(());
        }
        let ids: Vec<&str> = self.w.roles.keys().map(String::as_str).collect();
        Err(unknown_word_message("role", role, &ids))
    }

    /// Finishes the task the case is at (`respond`, `done`).
    fn finish_task(
        &mut self,
        i: usize,
        a: &Action,
        t: DateTime<Utc>,
        must: bool,
    ) -> Result<(), String> {
        // With parallel tasks: the one named, else the first of the actor's role, else the
        // first.
        let held = &self.cases[i].held;
        let is_task = |h: &Held| matches!(h.at, HeldAt::Task(_));
        let task = if let Some(step) = a.step.as_deref() {
            let k = held
                .iter()
                .position(|h| is_task(h) && self.node_id(h.token.node) == step);
            if k.is_none() {
                return Err(format!(
                    "post \"{}\" is not at task \"{step}\"; it is at {}",
                    self.cases[i].id,
                    self.cases[i].at.join(", ")
                ));
            }
            k
        } else {
            let mine = a.role.as_deref().and_then(|r| {
                held.iter()
                    .position(|h| matches!(&h.at, HeldAt::Task(role) if role == r))
            });
            mine.or_else(|| held.iter().position(is_task))
        };
        match task {
            Some(k) => {
                let held = self.cases[i].held.remove(k);
                self.drive(i, t, Some(&a.by), |c, flow, d| {
                    engine::resume(c, flow, held.token, d)
                });
                Ok(())
            }
            None if must => Err(format!(
                "post \"{}\" is not at a task; it is at {}",
                self.cases[i].id,
                self.cases[i].at.join(", ")
            )),
            None => Ok(()),
        }
    }

    fn route(
        &mut self,
        i: usize,
        target: &str,
        a: &Action,
        t: DateTime<Utc>,
    ) -> Result<(), String> {
        let c = self.compiled.clone();
        // The decision: where a token waits, or right after the task a token is at.
        let mut found = None;
        for (k, h) in self.cases[i].held.iter().enumerate() {
            match &h.at {
                HeldAt::Decision => {
                    found = Some((k, false, h.token.node));
                    break;
                }
                HeldAt::Task(_) => {
                    if let Some(d) = c.decision_after(h.token.node) {
                        found = Some((k, true, d));
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some((k, after_task, d)) = found else {
            return Err(format!(
                "post \"{}\" is not at a decision; it is at {}",
                self.cases[i].id,
                self.cases[i].at.join(", ")
            ));
        };
        let open = self.open_targets(d, &self.cases[i].flow);
        let Some(pos) = open.iter().find(|(_, to)| to == target).map(|(p, _)| *p) else {
            let names: Vec<&str> = open.iter().map(|(_, to)| to.as_str()).collect();
            return Err(format!(
                "decision \"{}\": {}",
                self.node_id(d),
                unknown_word_message("branch", target, &names)
            ));
        };
        let right = self.right_branch(i, d);
        if after_task {
            let task = self.cases[i].held.remove(k);
            self.drive(i, t, Some(&a.by), |c, flow, dk| {
                engine::resume(c, flow, task.token, dk)
            });
        }
        let Some(k) = self.cases[i]
            .held
            .iter()
            .position(|h| h.at == HeldAt::Decision && h.token.node == d)
        else {
            return Err(format!(
                "post \"{}\" did not reach decision \"{}\"",
                self.cases[i].id,
                self.node_id(d)
            ));
        };
        let decision = self.cases[i].held.remove(k);
        let node = self.node_id(d);
        self.cases[i].decisions.push(DecisionMade {
            node,
            chosen: target.to_string(),
            right,
            at: t,
            by: a.by.clone(),
            role: a.role.clone(),
        });
        self.drive(i, t, Some(&a.by), |c, flow, dk| {
            engine::choose(c, flow, decision.token, Some(pos), dk)
        });
        Ok(())
    }
}

/// The drill's driver of the engine: records visits, runs the SLA clocks and keeps the
/// tokens that wait for people or for time.
struct Desk<'s> {
    w: &'s Workflow,
    c: &'s Compiled,
    case: &'s mut Case,
    now: DateTime<Utc>,
    by: Option<String>,
    /// Ladder rungs that came due: (clock, rung index, when).
    fired: Vec<(usize, usize, DateTime<Utc>)>,
    /// The outcome, when the case ended.
    ended: Option<String>,
}

impl Desk<'_> {
    fn id(&self, n: u32) -> String {
        self.c.node_ids.get(n as usize).cloned().unwrap_or_default()
    }

    fn step_clocks(&mut self, event: CaseEvent) {
        for (k, clock) in self.case.clocks.iter_mut().enumerate() {
            for ch in clock.step(&event, self.now) {
                if let ClockChange::Milestone { index, at } = ch {
                    self.fired.push((k, index, at));
                }
            }
        }
    }

    fn hold(&mut self, token: Token, at: HeldAt, release: Option<DateTime<Utc>>) {
        self.case.held.push(Held { token, at, release });
    }

    /// Ends the case with an outcome.
    fn finish(&mut self, outcome: String) {
        if self.case.is_closed() {
            return;
        }
        self.step_clocks(CaseEvent::End);
        let now = self.now;
        for v in self.case.visits.iter_mut().filter(|v| v.leave.is_none()) {
            v.leave = Some(now);
        }
        self.case.held.clear();
        self.case.outcome = Some(outcome.clone());
        self.case.ended = Some(now);
        self.ended = Some(outcome);
    }
}

static AROUND_THE_CLOCK: AroundTheClock = AroundTheClock;

impl Driver for Desk<'_> {
    fn open_time(&self, _calendar: Option<u32>) -> &dyn OpenTime {
        &AROUND_THE_CLOCK
    }

    fn enter(&mut self, _flow: &engine::Case, token: Token) {
        let Some(node) = self
            .c
            .node_ix
            .get(token.node as usize)
            .map(|ix| self.w.node(*ix))
        else {
            return;
        };
        self.case.visits.push(Visit {
            node: node.id.clone(),
            label: node.label().to_string(),
            role: None,
            enter: self.now,
            leave: None,
            by: None,
        });
        let id = node.id.clone();
        self.step_clocks(CaseEvent::Enter(&id));
    }

    fn leave(&mut self, _flow: &engine::Case, n: u32) {
        let id = self.id(n);
        let (now, by) = (self.now, self.by.clone());
        if let Some(v) = self
            .case
            .visits
            .iter_mut()
            .rev()
            .find(|v| v.node == id && v.leave.is_none())
        {
            v.leave = Some(now);
            v.by = by;
        }
        self.step_clocks(CaseEvent::Leave(&id));
    }

    fn task(&mut self, _flow: &engine::Case, token: Token, role: u32) -> bool {
        let role = self
            .c
            .role_ids
            .get(role as usize)
            .cloned()
            .unwrap_or_default();
        if let Some(v) = self.case.visits.last_mut() {
            v.role = Some(role.clone());
        }
        self.case.holder_role = Some(role.clone());
        self.hold(token, HeldAt::Task(role), None);
        false
    }

    fn wait(&mut self, _flow: &engine::Case, token: Token) -> bool {
        let now = self.now;
        let release = self
            .c
            .node_ix
            .get(token.node as usize)
            .and_then(|ix| self.w.node(*ix).wait_rule())
            .and_then(|(wait, cal)| next_release(wait, self.w.zone_of(cal), now))
            .unwrap_or(now);
        self.hold(token, HeldAt::Wait, Some(release));
        false
    }

    fn notify(&mut self, _flow: &engine::Case, token: Token, roles: &[u32]) -> bool {
        let roles = roles
            .iter()
            .filter_map(|r| self.c.role_ids.get(*r as usize).cloned())
            .collect();
        self.hold(token, HeldAt::Notify(roles), None);
        false
    }

    fn decide(&mut self, c: &Compiled, flow: &engine::Case, token: Token) -> Choice {
        // With every branch's limit used up there is nothing to route to: stuck, as in
        // every driver (validation reports such a decision as a gap).
        if c.open_branches(token.node, flow).is_empty() {
            return Choice::None;
        }
        self.hold(token, HeldAt::Decision, None);
        Choice::Hold
    }

    fn end(&mut self, _flow: &engine::Case, _token: Token, outcome: u32) {
        let outcome = self
            .c
            .outcomes
            .get(outcome as usize)
            .cloned()
            .unwrap_or_default();
        self.finish(outcome);
    }

    fn stuck(&mut self, _flow: &engine::Case, token: Token, _why: Stop) {
        let at = self.id(token.node);
        self.finish(format!("stuck at {at}"));
    }
}

/// True when a case act hits `to` (any target when `to` is None).
pub(crate) fn target_matches(a: &CaseAct, to: Option<&str>) -> bool {
    to.is_none_or(|to| a.to.iter().any(|x| x == to))
}

fn surge_time(first: DateTime<Utc>, over: Duration, posts: u32, n: u32) -> DateTime<Utc> {
    if posts <= 1 {
        return first;
    }
    let step = over.as_secs() as f64 / f64::from(posts - 1);
    TimeDelta::try_milliseconds((step * f64::from(n) * 1000.0).round() as i64)
        .and_then(|d| first.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn check_speed(s: u32) -> Result<u32, String> {
    if (1..=MAX_SPEED).contains(&s) {
        Ok(s)
    } else {
        Err(format!(
            "speed {s} is out of range; expected 1 to {MAX_SPEED}"
        ))
    }
}

/// Attribute values from JSON, checked against the workflow.
fn truth_of(w: &Workflow, raw: &IndexMap<String, serde_json::Value>) -> Result<Assignment, String> {
    assignment_from_json(w, raw).map_err(|e| e.to_string())
}

fn start_of(w: &Workflow, start: Option<&str>) -> Result<NodeIndex, String> {
    let starts = crate::analysis::route::start_nodes(w);
    match start {
        Some(id) => starts
            .iter()
            .copied()
            .find(|s| w.node(*s).id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = starts.iter().map(|s| w.node(*s).id.as_str()).collect();
                unknown_word_message("start node", id, &ids)
            }),
        None => match starts.as_slice() {
            [one] => Ok(*one),
            [] => Err("the workflow has no start node".into()),
            _ => Err("the workflow has several start nodes; name one with \"start\"".into()),
        },
    }
}

/// Everything the scenario names must exist.
fn check_scenario(w: &Workflow, s: &DrillScenario) -> Result<(), DrillError> {
    let err = |m: String| DrillError::Scenario(m);
    let objectives: Vec<&str> = s.objectives.iter().map(|o| o.id.as_str()).collect();
    let check_objective = |path: &str, o: &Option<String>| -> Result<(), DrillError> {
        match o {
            Some(o) if !objectives.contains(&o.as_str()) => Err(err(format!(
                "{path}.objective: {}",
                unknown_word_message("objective", o, &objectives)
            ))),
            _ => Ok(()),
        }
    };
    let check_post = |path: &str, p: &Inject| -> Result<(), DrillError> {
        truth_of(w, &p.truth).map_err(|m| err(format!("{path}.truth: {m}")))?;
        start_of(w, p.start.as_deref()).map_err(|m| err(format!("{path}: {m}")))?;
        check_objective(path, &p.objective)?;
        for (k, e) in p.expect.iter().enumerate() {
            check_target(w, e.action, e.to.as_deref())
                .map_err(|m| err(format!("{path}.expect[{k}]: {m}")))?;
        }
        Ok(())
    };
    let mut ids: Vec<&str> = Vec::new();
    for (i, inject) in s.injects.iter().enumerate() {
        let path = format!("injects[{i}]");
        if inject.at.is_none() {
            return Err(err(format!(
                "{path}: needs \"at\", its offset from the start"
            )));
        }
        check_post(&path, inject)?;
        ids.push(&inject.id);
    }
    for (i, c) in s.contingencies.iter().enumerate() {
        let path = format!("contingencies[{i}]");
        if !s.injects.iter().any(|x| x.id == c.unless.inject) {
            let names: Vec<&str> = s.injects.iter().map(|x| x.id.as_str()).collect();
            return Err(err(format!(
                "{path}.unless.inject: {}",
                unknown_word_message("inject", &c.unless.inject, &names)
            )));
        }
        check_target(w, c.unless.action, c.unless.to.as_deref())
            .map_err(|m| err(format!("{path}.unless: {m}")))?;
        if c.post.at.is_some() {
            return Err(err(format!(
                "{path}.post.at: a contingency's post is published when it fires; remove \"at\""
            )));
        }
        check_post(&format!("{path}.post"), &c.post)?;
        ids.push(&c.post.id);
    }
    for (i, sys) in s.system.iter().enumerate() {
        let path = format!("system[{i}]");
        match sys {
            SystemInject::StaffLoss { role, .. } if !w.roles.contains_key(role) => {
                let names: Vec<&str> = w.roles.keys().map(String::as_str).collect();
                return Err(err(format!(
                    "{path}.role: {}",
                    unknown_word_message("role", role, &names)
                )));
            }
            SystemInject::Surge {
                truth,
                start,
                objective,
                posts,
                ..
            } => {
                truth_of(w, truth).map_err(|m| err(format!("{path}.truth: {m}")))?;
                start_of(w, start.as_deref()).map_err(|m| err(format!("{path}: {m}")))?;
                check_objective(&path, objective)?;
                if *posts == 0 || *posts > 1000 {
                    return Err(err(format!(
                        "{path}.posts: expected 1 to 1000, got {posts}"
                    )));
                }
            }
            _ => {}
        }
    }
    crate::util::sort::sort(&mut ids);
    if let Some(pair) = ids.windows(2).find(|p| p[0] == p[1]) {
        return Err(err(format!("post id \"{}\" is used twice", pair[0])));
    }
    Ok(())
}

/// An expected action's target must exist: a node for `route`, a role for
/// `notify`/`escalate`, public or private for `respond`.
fn check_target(w: &Workflow, action: ActionKind, to: Option<&str>) -> Result<(), String> {
    let Some(to) = to else { return Ok(()) };
    match action {
        ActionKind::Route if w.node_index(to).is_none() => {
            let ids: Vec<&str> = w.nodes().map(|(_, n)| n.id.as_str()).collect();
            Err(unknown_word_message("node", to, &ids))
        }
        ActionKind::Notify | ActionKind::Escalate | ActionKind::Take
            if !w.roles.contains_key(to) =>
        {
            let ids: Vec<&str> = w.roles.keys().map(String::as_str).collect();
            Err(unknown_word_message("role", to, &ids))
        }
        ActionKind::Respond if to != "public" && to != "private" => Err(format!(
            "a reply is \"public\" or \"private\"; got \"{to}\""
        )),
        _ => Ok(()),
    }
}
