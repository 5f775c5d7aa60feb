//! What the drill view shows: the state of a session as one plain value, for the
//! facilitator's panel, the participants' inbox and the scoreboard.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::scenario::{Expect, SystemInject};
use super::score::{Rating, Score, minutes};
use super::session::{Case, ClockView, DrillClock, InjectStatus, Session};
use crate::model::NodeKind;

/// A drill's state for the view.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DrillView {
    /// The scenario's id.
    pub scenario: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// The workflow's id.
    pub workflow: String,
    /// Drill time now.
    pub now: DateTime<Utc>,
    /// Drill time now in the workflow's zone, like `Wed 16:42`.
    pub local: String,
    /// Time since the start, like `12m`.
    pub elapsed: String,
    /// The facilitator's clock.
    pub clock: DrillClock,
    /// When the drill ended.
    pub ended: Option<DateTime<Utc>>,
    /// The master list, with what is due.
    pub injects: Vec<InjectView>,
    /// Contingencies and whether they fired.
    pub contingencies: Vec<ContingencyView>,
    /// System injects.
    pub system: Vec<SystemView>,
    /// Every post so far, newest first.
    pub cases: Vec<CaseView>,
    /// Channels down now.
    pub outages: Vec<OutageView>,
    /// Staff lost per role.
    pub staff_lost: Vec<(String, u32)>,
    /// The workflow's roles.
    pub roles: Vec<String>,
    /// The workflow's attributes and their values, for classifying.
    pub attributes: Vec<AttributeView>,
    /// The live scoreboard.
    pub score: Scoreboard,
    /// The last lines of the timeline, newest first.
    pub recent: Vec<super::session::Event>,
}

/// An inject of the master list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InjectView {
    /// Its id.
    pub id: String,
    /// Its offset, as written.
    pub at: String,
    /// When it is due (drill time).
    pub due: Option<DateTime<Utc>>,
    /// Pending, published or skipped.
    pub status: InjectStatus,
    /// Due now or overdue and not out yet.
    pub is_due: bool,
    /// The channel.
    pub channel: String,
    /// The author.
    pub author: String,
    /// The message.
    pub text: String,
    /// The objective.
    pub objective: Option<String>,
    /// What is expected (the facilitator sees it).
    pub expect: Vec<Expect>,
}

/// A contingency.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContingencyView {
    /// Its id.
    pub id: String,
    /// What it watches, in words.
    pub watches: String,
    /// Pending, published (fired) or skipped (not needed).
    pub status: InjectStatus,
}

/// A system inject.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SystemView {
    /// Its id.
    pub id: String,
    /// `staff-loss`, `surge` or `outage`.
    #[cfg_attr(feature = "ts", ts(type = "\"staff-loss\" | \"surge\" | \"outage\""))]
    pub kind: &'static str,
    /// Its offset, as written.
    pub at: String,
    /// What it does, in words.
    pub text: String,
    /// Pending or published.
    pub status: InjectStatus,
}

/// A channel that is down.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutageView {
    /// The channel.
    pub channel: String,
    /// When it comes back (drill time).
    pub until: DateTime<Utc>,
}

/// An attribute participants can set.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttributeView {
    /// Its name.
    pub name: String,
    /// Its values.
    pub values: Vec<String>,
}

/// A branch a participant can route to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BranchView {
    /// The target node.
    pub to: String,
    /// The edge's label, else the target's label.
    pub label: String,
}

/// Where a post waits and what would move it on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepView {
    /// The node.
    pub node: String,
    /// Its label (for a decision, the question).
    pub label: String,
    /// `decision`, `task`, `notify`, `wait`, ...
    #[cfg_attr(feature = "ts", ts(type = "NodeKind"))]
    pub kind: &'static str,
    /// A task's role.
    pub role: Option<String>,
    /// A decision's branches (or, for a task followed by a decision, that decision's).
    pub branches: Vec<BranchView>,
    /// The decision the branches belong to.
    pub decision: Option<String>,
    /// A notify step's roles.
    pub roles: Vec<String>,
}

/// A post, as the inbox shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseView {
    /// Its id.
    pub id: String,
    /// `inject`, `contingency` or `surge`.
    pub source: &'static str,
    /// The channel.
    pub channel: String,
    /// The author.
    pub author: String,
    /// The message.
    pub text: String,
    /// When it was published.
    pub published: DateTime<Utc>,
    /// How long ago, like `12m`.
    pub age: String,
    /// The attributes set so far (name, value).
    pub read: Vec<(String, String)>,
    /// Who holds it.
    pub holder: Option<String>,
    /// The role it is with.
    pub holder_role: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Flagged.
    pub flagged: bool,
    /// Priority raised.
    pub priority: bool,
    /// Where it waits.
    pub steps: Vec<StepView>,
    /// Its SLA clocks.
    pub clocks: Vec<ClockView>,
    /// How it ended.
    pub outcome: Option<String>,
    /// When.
    pub ended: Option<DateTime<Utc>>,
}

/// The live scoreboard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Scoreboard {
    /// Over every check so far.
    pub overall: Option<Rating>,
    /// Checks passed, late and failed so far.
    pub passed: usize,
    /// Late.
    pub late: usize,
    /// Failed.
    pub failed: usize,
    /// Per objective: id, text, rating.
    pub objectives: Vec<(String, String, Option<Rating>)>,
    /// Posts open and closed.
    pub open: usize,
    /// Closed.
    pub closed: usize,
}

impl DrillView {
    /// The view of a session as it stands.
    pub fn of(s: &Session) -> DrillView {
        let sc = s.scenario();
        let w = s.workflow();
        let now = s.now();
        let tz = w.display_zone();
        let injects = sc
            .injects
            .iter()
            .zip(s.inject_status())
            .enumerate()
            .map(|(i, (inj, st))| {
                let due = s.inject_due(i);
                InjectView {
                    id: inj.id.clone(),
                    at: inj.at.map(|d| d.to_string()).unwrap_or_default(),
                    due,
                    status: *st,
                    is_due: *st == InjectStatus::Pending && due.is_some_and(|d| d <= now),
                    channel: inj.channel.clone(),
                    author: inj.author.clone(),
                    text: inj.text.clone(),
                    objective: inj.objective.clone(),
                    expect: inj.expect.clone(),
                }
            })
            .collect();
        let contingencies = sc
            .contingencies
            .iter()
            .zip(s.contingency_status())
            .map(|(c, st)| ContingencyView {
                id: c.id.clone(),
                watches: format!(
                    "{}{} on \"{}\" within {}",
                    c.unless.action.name(),
                    c.unless
                        .to
                        .as_ref()
                        .map(|t| format!(" {t}"))
                        .unwrap_or_default(),
                    c.unless.inject,
                    c.by
                ),
                status: *st,
            })
            .collect();
        let system = sc
            .system
            .iter()
            .zip(s.system_status())
            .map(|(sys, st)| {
                let (kind, text) = match sys {
                    SystemInject::StaffLoss { role, staff, .. } => {
                        ("staff-loss", format!("{role} loses {staff} staff"))
                    }
                    SystemInject::Surge {
                        posts,
                        over,
                        channel,
                        ..
                    } => ("surge", format!("{posts} posts on {channel} over {over}")),
                    SystemInject::Outage { channel, lasts, .. } => {
                        ("outage", format!("{channel} down for {lasts}"))
                    }
                };
                SystemView {
                    id: sys.id().to_string(),
                    kind,
                    at: sys.at().to_string(),
                    text,
                    status: *st,
                }
            })
            .collect();
        let cases = s
            .cases()
            .iter()
            .rev()
            .map(|c| case_view(s, c, now))
            .collect();
        let score = Score::of(s);
        let count = |o| score.checks.iter().filter(|c| c.outcome == o).count();
        use super::score::Outcome;
        let scoreboard = Scoreboard {
            overall: score.overall,
            passed: count(Outcome::Passed),
            late: count(Outcome::Late),
            failed: count(Outcome::Failed),
            objectives: score
                .objectives
                .iter()
                .map(|o| (o.id.clone(), o.text.clone(), o.rating))
                .collect(),
            open: s.cases().iter().filter(|c| !c.is_closed()).count(),
            closed: s.cases().iter().filter(|c| c.is_closed()).count(),
        };
        DrillView {
            scenario: sc.id.clone(),
            title: sc.title().to_string(),
            description: sc.description.clone(),
            workflow: w.id.clone(),
            now,
            local: now.with_timezone(&tz).format("%a %H:%M").to_string(),
            elapsed: minutes(now - s.origin()),
            clock: *s.clock(),
            ended: s.ended(),
            injects,
            contingencies,
            system,
            cases,
            outages: s
                .outages_at(now)
                .into_iter()
                .map(|(c, until)| OutageView {
                    channel: c.to_string(),
                    until,
                })
                .collect(),
            staff_lost: s
                .staff_lost()
                .iter()
                .map(|(r, n)| (r.clone(), *n))
                .collect(),
            roles: w.roles.keys().cloned().collect(),
            attributes: w
                .attributes
                .iter()
                .map(|(k, a)| AttributeView {
                    name: k.clone(),
                    values: a.value_names(),
                })
                .collect(),
            score: scoreboard,
            recent: s.events().iter().rev().take(30).cloned().collect(),
        }
    }
}

fn case_view(s: &Session, c: &Case, now: DateTime<Utc>) -> CaseView {
    let w = s.workflow();
    let steps =
        c.at.iter()
            .filter_map(|id| {
                let ix = w.node_index(id)?;
                let node = w.node(ix);
                let mut step = StepView {
                    node: id.clone(),
                    label: node.label().to_string(),
                    kind: node.kind.name(),
                    role: None,
                    branches: Vec::new(),
                    decision: None,
                    roles: Vec::new(),
                };
                // The decision the post faces here and the branches the engine still
                // allows (a used-up retry is not offered).
                if let Some((decision, open)) = s.open_branches(c, id) {
                    step.decision = Some(decision);
                    step.branches = open
                        .into_iter()
                        .map(|(to, label)| BranchView { to, label })
                        .collect();
                }
                match &node.kind {
                    NodeKind::Task { role, .. } => step.role = Some(role.clone()),
                    NodeKind::Notify { roles, .. } => step.roles = roles.clone(),
                    _ => {}
                }
                Some(step)
            })
            .collect();
    CaseView {
        id: c.id.clone(),
        source: c.source,
        channel: c.channel.clone(),
        author: c.author.clone(),
        text: c.text.clone(),
        published: c.published,
        age: minutes(c.ended.unwrap_or(now) - c.published),
        read: c
            .read
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect(),
        holder: c.holder.clone(),
        holder_role: c.holder_role.clone(),
        tags: c.tags.clone(),
        flagged: c.flagged,
        priority: c.priority,
        steps,
        clocks: c.clock_views(now),
        outcome: c.outcome.clone(),
        ended: c.ended,
    }
}
