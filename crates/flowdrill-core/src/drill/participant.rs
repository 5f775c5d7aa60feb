//! What a participant sees of a drill: the briefing, the clock and the posts of their
//! inbox, with no answer key.
//!
//! In a team drill served over the network, the facilitator's [`DrillView`] must not
//! reach participants: it holds what each inject expects, the objectives, the
//! contingencies and what they watch, the scoreboard, and SLA clocks chosen by the posts'
//! true attributes (a "crisis-to-legal" chip on a post says it is a crisis). A
//! [`ParticipantView`] holds none of them:
//!
//! - **SLA chips follow the classification, not the truth.** A post shows the chip of an
//!   SLA rule when the rule has no `when` guard (it applies to every post), or when the
//!   attributes participants have classified on the post settle the guard true: the guard
//!   accepts every post that agrees with the classification (the test the session applies
//!   to the true attributes, applied to what was classified), as when every attribute the
//!   guard reads is classified and the values satisfy it. A shown rule that the truth also
//!   applies shows the session's own clock. A shown rule the truth does not apply shows a
//!   clock run the same way on what happened to the post — started when it was published,
//!   stepped through the steps it entered and left and its end, on the rule's calendar
//!   (its deadline is the publication plus the target in the calendar's open time, while it
//!   runs) — so that it passes, pauses, stops and fires its ladder exactly as the real one
//!   would, and a chip's presence, state or ladder never tells whether the classification
//!   was right.
//! - **Ladder effects follow the chips.** `flagged` is set by a participant's `flag` or by a
//!   ladder rung of a shown clock; `priority` by a rung of a shown clock. The holder is the
//!   session's, unless a rung of a hidden clock or of a clock run for the view reassigned
//!   the post: then it is rebuilt from the steps entered, the `take` and `escalate` actions
//!   and the shown rungs' reassignments, in time order (at one instant: rungs, then steps,
//!   then actions).
//! - **A contingency's post looks like any post**: its `source` is `inject`, and its
//!   timeline line is the publication (author, channel, text), not what the contingency
//!   watched. (A surge's posts keep `surge`: a pile-on is what participants see.)
//! - **The timeline keeps what carries no answer key** (see [`ParticipantView::recent`]).
//!
//! [`DrillView`]: super::view::DrillView

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::scenario::{ActionKind, SystemInject};
use super::score::minutes;
use super::session::{Case, ClockView, DrillClock, Event, Session};
use super::view::{AttributeView, BranchView, CaseView, OutageView, StepView};
use crate::analysis::space::{CaseSet, Space};
use crate::model::NodeKind;
use crate::model::value::Assignment;
use crate::model::workflow::Workflow;
use crate::time::clock::{CaseEvent, SlaClock};
use crate::time::sla::{Milestone, MilestoneAt, SlaRule};

/// How many timeline lines [`ParticipantView::recent`] keeps.
pub const RECENT: usize = 30;

/// A drill's state as one participant may see it: no expected actions, no true
/// attributes, no objectives, no contingencies, no scoreboard, and SLA chips that follow
/// the participants' classification (see the [module](self) documentation).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParticipantView {
    /// The scenario's title.
    pub title: String,
    /// Its description: the briefing.
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
    /// The role whose inbox `cases` is (None: every post).
    pub role: Option<String>,
    /// The workflow's roles.
    pub roles: Vec<String>,
    /// The workflow's attributes and their values, for classifying.
    pub attributes: Vec<AttributeView>,
    /// Channels down now.
    pub outages: Vec<OutageView>,
    /// The posts of the inbox, newest first.
    ///
    /// With a role `r`, a post is in the inbox when it waits at a step of `r` (a task whose
    /// role is `r`, a notify step naming `r`), when `r` holds it (its holder role as shown
    /// here), or when it is new to everyone: nobody holds it, nobody has taken or escalated
    /// it, and it waits at a decision or at its first step (no task, notify step or
    /// decision of it has been left yet): new posts are everyone's to triage. A role the
    /// workflow lacks sees only those new posts. Without a role, every post is in it.
    pub cases: Vec<CaseView>,
    /// The last lines of the timeline (at most [`RECENT`]), newest first, keeping only
    /// what carries no answer key:
    ///
    /// - `inject` (a post published: author, channel and text), `action` (what someone
    ///   did), `released` (a post leaving a wait) and `ended` (a post closed with its
    ///   outcome, or the drill ended): kept;
    /// - `clock` (the facilitator's clock): kept, but for an inject skipped (which would
    ///   name an inject of the master list never published);
    /// - `system`: a role's staff loss and a channel outage are kept (announced to
    ///   everyone); a surge's announcement, a forecast of the posts to come, is dropped;
    /// - `contingency`: replaced by an `inject` line with its post's author, channel and
    ///   text (the original names the action it watched for);
    /// - `milestone` and `breach`: the session's are dropped (they name rules chosen by the
    ///   truth); a line is written for each rung fired of a clock shown on a post, in the
    ///   session's words (`rule at 50%; roles told; ...`);
    /// - any other kind: dropped.
    pub recent: Vec<Event>,
}

impl ParticipantView {
    /// The view of a session for a participant in `role` (None: every post).
    pub fn of(s: &Session, role: Option<&str>) -> ParticipantView {
        let sc = s.scenario();
        let w = s.workflow();
        let now = s.now();
        let tz = w.display_zone();
        let guards = Guards::new(w);
        let seen: Vec<Seen> = s
            .cases()
            .iter()
            .map(|c| Seen::of(w, &guards, c, now))
            .collect();
        let cases = s
            .cases()
            .iter()
            .zip(&seen)
            .rev()
            .filter(|(c, v)| role.is_none_or(|r| in_inbox(w, c, v, r)))
            .map(|(c, v)| case_view(s, c, v, now))
            .collect();
        ParticipantView {
            title: sc.title().to_string(),
            description: sc.description.clone(),
            workflow: w.id.clone(),
            now,
            local: now.with_timezone(&tz).format("%a %H:%M").to_string(),
            elapsed: minutes(now - s.origin()),
            clock: *s.clock(),
            ended: s.ended(),
            role: role.map(str::to_string),
            roles: w.roles.keys().cloned().collect(),
            attributes: w
                .attributes
                .iter()
                .map(|(k, a)| AttributeView {
                    name: k.clone(),
                    values: a.value_names(),
                })
                .collect(),
            outages: s
                .outages_at(now)
                .into_iter()
                .map(|(c, until)| OutageView {
                    channel: c.to_string(),
                    until,
                })
                .collect(),
            cases,
            recent: timeline(s, &seen),
        }
    }
}

/// Which posts each SLA rule applies to, as sets of cases.
struct Guards {
    space: Space,
    /// Per rule of the workflow, in order.
    rules: Vec<Applies>,
}

/// The posts an SLA rule applies to.
enum Applies {
    /// Every post (no guard).
    Always,
    /// The posts in this set.
    When(CaseSet),
    /// None shown: a guard too complex to reduce (a session could not have been built).
    Never,
}

impl Guards {
    fn new(w: &Workflow) -> Guards {
        let space = Space::new(&w.attributes);
        let rules = w
            .slas
            .iter()
            .map(|r| match &r.when {
                None => Applies::Always,
                Some(g) => space.guard_set(g).map_or(Applies::Never, Applies::When),
            })
            .collect();
        Guards { space, rules }
    }

    /// The positions of the rules that surely apply to a post classified as `read`.
    fn shown(&self, read: &Assignment) -> Vec<usize> {
        let known = self.space.known(read);
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, a)| match a {
                Applies::Always => true,
                Applies::When(set) => !known.is_empty() && known.is_subset(set).unwrap_or(false),
                Applies::Never => false,
            })
            .map(|(r, _)| r)
            .collect()
    }
}

/// A clock shown on a post.
struct Shown<'s> {
    clock: Cow<'s, SlaClock>,
    /// Its position among the session's clocks of the post (None: run for the view).
    real: Option<usize>,
}

/// What participants see of one post's SLA clocks and their ladders.
struct Seen<'s> {
    clocks: Vec<Shown<'s>>,
    flagged: bool,
    priority: bool,
    holder: Option<String>,
    holder_role: Option<String>,
}

impl<'s> Seen<'s> {
    fn of(w: &Workflow, guards: &Guards, case: &'s Case, now: DateTime<Utc>) -> Seen<'s> {
        let mut steps: Option<Vec<(DateTime<Utc>, CaseEvent<'s>)>> = None;
        let mut clocks: Vec<Shown<'s>> = Vec::new();
        for r in guards.shown(&case.read) {
            let Some(rule) = w.slas.get(r) else { continue };
            let real = case
                .clocks
                .iter()
                .enumerate()
                .find(|(_, c)| c.rule().id == rule.id);
            clocks.push(match real {
                Some((k, c)) => Shown {
                    clock: Cow::Borrowed(c),
                    real: Some(k),
                },
                None => {
                    let steps = steps.get_or_insert_with(|| case_events(w, case));
                    Shown {
                        clock: Cow::Owned(run_clock(w, rule, case, steps, now)),
                        real: None,
                    }
                }
            });
        }
        let shown_rungs = || clocks.iter().flat_map(|c| rungs(&c.clock).map(|(_, m)| m));
        let flagged =
            case.acts.iter().any(|a| a.kind == ActionKind::Flag) || shown_rungs().any(|m| m.flag);
        let priority = shown_rungs().any(|m| m.raise_priority);
        // A reassignment the session made and the view hides, or one the view shows and
        // the session never made.
        let hidden = case
            .clocks
            .iter()
            .enumerate()
            .filter(|(k, _)| !clocks.iter().any(|c| c.real == Some(*k)))
            .flat_map(|(_, c)| rungs(c).map(|(_, m)| m));
        let run = clocks
            .iter()
            .filter(|c| c.real.is_none())
            .flat_map(|c| rungs(&c.clock).map(|(_, m)| m));
        let (holder, holder_role) = if hidden.chain(run).any(|m| m.reassign.is_some()) {
            rebuild_holder(case, &clocks)
        } else {
            (case.holder.clone(), case.holder_role.clone())
        };
        Seen {
            clocks,
            flagged,
            priority,
            holder,
            holder_role,
        }
    }
}

/// The rungs a clock has fired, with when.
fn rungs(c: &SlaClock) -> impl Iterator<Item = (DateTime<Utc>, &Milestone)> {
    let rule = c.rule();
    c.fired()
        .iter()
        .filter_map(|f| rule.escalation.get(f.index).map(|m| (f.at, m)))
}

/// What a post's clocks heard, rebuilt from its visits: entering and leaving steps in the
/// order the engine did, and its end.
///
/// Every step entered is heard. A step left is heard, except the marks the end of the post
/// puts on the steps still open then (it is then the end node, a step held for people
/// that nobody finished, or a wait not released). At one instant, a step left comes just
/// before the first step entered after it (the engine leaves a step, then enters the
/// next), and the end comes last.
fn case_events<'c>(w: &Workflow, case: &'c Case) -> Vec<(DateTime<Utc>, CaseEvent<'c>)> {
    let n = case.visits.len();
    // (when, the visit it comes before, leave before enter, the visit it is of)
    type Order = (DateTime<Utc>, usize, u8, usize);
    let mut keyed: Vec<(Order, CaseEvent<'c>)> = Vec::new();
    for (i, v) in case.visits.iter().enumerate() {
        keyed.push(((v.enter, i, 1, i), CaseEvent::Enter(&v.node)));
        let Some(left) = v.leave else { continue };
        let heard = case.ended != Some(left)
            || match w.node_by_id(&v.node).map(|node| &node.kind) {
                Some(NodeKind::Start { .. } | NodeKind::Fork | NodeKind::Join) => true,
                Some(NodeKind::End { .. }) | None => false,
                // Released, and the post moved on and ended at the same instant.
                Some(NodeKind::Wait { .. }) => {
                    case.visits.iter().skip(i + 1).any(|u| u.enter == left)
                }
                // Finished by someone (the end marks no one).
                Some(_) => v.by.is_some(),
            };
        if heard {
            let next = case
                .visits
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, u)| u.enter >= left)
                .map_or(n, |(k, _)| k);
            keyed.push(((left, next, 0, i), CaseEvent::Leave(&v.node)));
        }
    }
    if let Some(end) = case.ended {
        keyed.push(((end, n + 1, 0, 0), CaseEvent::End));
    }
    crate::util::sort::sort_by_key(&mut keyed, |(k, _)| *k);
    keyed.into_iter().map(|((at, ..), e)| (at, e)).collect()
}

/// A clock of `rule` run on what happened to a post, up to `now`.
fn run_clock(
    w: &Workflow,
    rule: &SlaRule,
    case: &Case,
    steps: &[(DateTime<Utc>, CaseEvent)],
    now: DateTime<Utc>,
) -> SlaClock {
    let calendar = rule.calendar.as_ref().and_then(|c| w.calendars.get(c));
    let mut clock = SlaClock::new(rule, calendar);
    clock.step(&CaseEvent::Start, case.published);
    for (at, e) in steps {
        clock.step(e, *at);
    }
    clock.advance(now);
    clock
}

/// The holder and holder role rebuilt from the steps entered (a task's role), `take` and
/// `escalate` actions and the shown clocks' reassignments, in time order; at one instant:
/// reassignments, then steps, then actions.
fn rebuild_holder(case: &Case, clocks: &[Shown]) -> (Option<String>, Option<String>) {
    enum Change<'a> {
        /// A task's role has it.
        Task(&'a str),
        /// Someone took it (in a role, when given).
        Take(&'a str, Option<&'a str>),
        /// Handed to a role.
        Hand(&'a str),
    }
    let mut changes: Vec<(DateTime<Utc>, u8, Change)> = Vec::new();
    for c in clocks {
        for (at, m) in rungs(&c.clock) {
            if let Some(r) = &m.reassign {
                changes.push((at, 0, Change::Hand(r)));
            }
        }
    }
    for v in &case.visits {
        if let Some(r) = &v.role {
            changes.push((v.enter, 1, Change::Task(r)));
        }
    }
    for a in &case.acts {
        match a.kind {
            ActionKind::Take => changes.push((a.at, 2, Change::Take(&a.by, a.role.as_deref()))),
            ActionKind::Escalate => {
                if let Some(r) = a.to.first() {
                    changes.push((a.at, 2, Change::Hand(r)));
                }
            }
            _ => {}
        }
    }
    crate::util::sort::sort_by_key(&mut changes, |(at, rank, _)| (*at, *rank));
    let (mut holder, mut role): (Option<&str>, Option<&str>) = (None, None);
    for (_, _, ch) in changes {
        match ch {
            Change::Task(r) => role = Some(r),
            Change::Take(by, r) => {
                holder = Some(by);
                role = r.or(role);
            }
            Change::Hand(r) => {
                holder = None;
                role = Some(r);
            }
        }
    }
    (holder.map(str::to_string), role.map(str::to_string))
}

/// True when the post is in role `role`'s inbox (see [`ParticipantView::cases`]).
fn in_inbox(w: &Workflow, c: &Case, seen: &Seen, role: &str) -> bool {
    let kind = |id: &str| w.node_by_id(id).map(|n| &n.kind);
    let waits_for_role = c.at.iter().any(|id| match kind(id) {
        Some(NodeKind::Task { role: r, .. }) => r == role,
        Some(NodeKind::Notify { roles, .. }) => roles.iter().any(|r| r == role),
        _ => false,
    });
    if waits_for_role || seen.holder_role.as_deref() == Some(role) {
        return true;
    }
    let unclaimed = seen.holder.is_none()
        && !c
            .acts
            .iter()
            .any(|a| matches!(a.kind, ActionKind::Take | ActionKind::Escalate));
    let at_decision =
        c.at.iter()
            .any(|id| matches!(kind(id), Some(NodeKind::Decision { .. })));
    let first_step = !c.at.is_empty()
        && !c.visits.iter().any(|v| {
            v.leave.is_some()
                && matches!(
                    kind(&v.node),
                    Some(
                        NodeKind::Task { .. } | NodeKind::Notify { .. } | NodeKind::Decision { .. }
                    )
                )
        });
    unclaimed && (at_decision || first_step)
}

/// A post as the participant's inbox shows it.
fn case_view(s: &Session, c: &Case, seen: &Seen, now: DateTime<Utc>) -> CaseView {
    let views = c.clock_views(now);
    let clocks = seen
        .clocks
        .iter()
        .filter_map(|sh| match sh.real {
            Some(k) => views.get(k).cloned(),
            None => Some(ClockView::of(&sh.clock, now)),
        })
        .collect();
    CaseView {
        id: c.id.clone(),
        source: if c.source == "contingency" {
            "inject"
        } else {
            c.source
        },
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
        holder: seen.holder.clone(),
        holder_role: seen.holder_role.clone(),
        tags: c.tags.clone(),
        flagged: seen.flagged,
        priority: seen.priority,
        steps: steps(s, c),
        clocks,
        outcome: c.outcome.clone(),
        ended: c.ended,
    }
}

/// Where a post waits and what would move it on (as the facilitator's view shows it).
fn steps(s: &Session, c: &Case) -> Vec<StepView> {
    let w = s.workflow();
    c.at.iter()
        .filter_map(|id| {
            let node = w.node_by_id(id)?;
            let mut step = StepView {
                node: id.clone(),
                label: node.label().to_string(),
                kind: node.kind.name(),
                role: None,
                branches: Vec::new(),
                decision: None,
                roles: Vec::new(),
            };
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
        .collect()
}

/// The timeline lines a participant may see, newest first (see
/// [`ParticipantView::recent`]).
fn timeline(s: &Session, seen: &[Seen]) -> Vec<Event> {
    let sc = s.scenario();
    let w = s.workflow();
    let skipped: Vec<String> = s
        .log()
        .iter()
        .filter(|a| a.kind == ActionKind::Skip)
        .filter_map(|a| a.inject.as_ref())
        .map(|id| format!("inject \"{id}\" skipped"))
        .collect();
    let announced: Vec<String> = sc
        .system
        .iter()
        .filter_map(|x| match x {
            SystemInject::StaffLoss { role, staff, .. } => {
                Some(format!("{role} loses {staff} staff"))
            }
            SystemInject::Outage { channel, lasts, .. } => Some(format!(
                "{channel} is down for {lasts}: replies there are refused"
            )),
            SystemInject::Surge { .. } => None,
        })
        .collect();
    let mut kept: Vec<Event> = Vec::new();
    for e in s.events() {
        match e.kind {
            "inject" | "action" | "released" | "ended" => kept.push(e.clone()),
            "clock" if !skipped.contains(&e.text) => kept.push(e.clone()),
            "system" if announced.contains(&e.text) => kept.push(e.clone()),
            "contingency" => {
                let post = e
                    .case
                    .as_deref()
                    .and_then(|id| s.cases().iter().find(|c| c.id == id));
                if let Some(c) = post {
                    kept.push(Event {
                        kind: "inject",
                        text: format!("{} on {}: {}", c.author, c.channel, c.text),
                        ..e.clone()
                    });
                }
            }
            _ => {}
        }
    }
    let mut rung_lines: Vec<Event> = Vec::new();
    for (c, v) in s.cases().iter().zip(seen) {
        for sh in &v.clocks {
            let rule = sh.clock.rule();
            for (at, m) in rungs(&sh.clock) {
                let mut told: Vec<String> = m.notify.iter().cloned().collect();
                if m.notify_manager
                    && let Some(boss) = v
                        .holder_role
                        .as_ref()
                        .and_then(|r| w.roles.get(r))
                        .and_then(|r| r.escalates_to.clone())
                {
                    told.push(boss);
                }
                let mut what = vec![format!("{} at {}", rule.id, m.at)];
                if !told.is_empty() {
                    what.push(format!("{} told", told.join(", ")));
                }
                if let Some(r) = &m.reassign {
                    what.push(format!("reassigned to {r}"));
                }
                if m.flag {
                    what.push("flagged".into());
                }
                if m.raise_priority {
                    what.push("priority raised".into());
                }
                let breach = matches!(m.at, MilestoneAt::Percent(p) if p >= 100);
                rung_lines.push(Event {
                    at,
                    kind: if breach { "breach" } else { "milestone" },
                    case: Some(c.id.clone()),
                    by: None,
                    role: None,
                    text: what.join("; "),
                });
            }
        }
    }
    crate::util::sort::sort_by_key(&mut rung_lines, |e| e.at);
    let mut lines: Vec<Event> = Vec::with_capacity(kept.len() + rung_lines.len());
    let mut rung_lines = rung_lines.into_iter().peekable();
    for e in kept {
        while let Some(r) = rung_lines.next_if(|r| r.at < e.at) {
            lines.push(r);
        }
        lines.push(e);
    }
    lines.extend(rung_lines);
    lines.into_iter().rev().take(RECENT).collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::drill::DrillScenario;
    use crate::drill::session::parse_actions;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn read(p: &PathBuf) -> String {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The example drill `name` and its recorded `play`.
    fn drill(name: &str, play: &str) -> (Workflow, DrillScenario, Vec<crate::drill::Action>) {
        let path = root().join("examples/drills").join(format!("{name}.json"));
        let sc = DrillScenario::from_json(&read(&path)).unwrap();
        let wf = path.parent().unwrap().join(&sc.workflow);
        let w = Workflow::from_json(&read(&wf)).unwrap();
        let log = root()
            .join("tests/fixtures/drills")
            .join(format!("{name}.{play}.json"));
        (w, sc, parse_actions(&read(&log)).unwrap())
    }

    /// A clock run on a post's visits is the session's own clock: same state, deadline and
    /// ladder, after every action of every recorded play. So a chip the view runs for a rule
    /// the truth does not apply behaves as a real one would.
    #[test]
    fn a_clock_run_on_the_visits_is_the_sessions_clock() {
        let mut compared = 0;
        for (name, play) in [
            ("viral-video", "good"),
            ("viral-video", "bad"),
            ("silent-customer", "good"),
            ("silent-customer", "bad"),
        ] {
            let (w, sc, log) = drill(name, play);
            let mut s = Session::new(w, sc).unwrap();
            for (i, a) in log.into_iter().enumerate() {
                s.apply(a).unwrap();
                let w = s.workflow();
                for c in s.cases() {
                    let steps = case_events(w, c);
                    let views = c.clock_views(s.now());
                    for (k, real) in c.clocks.iter().enumerate() {
                        let run = run_clock(w, real.rule(), c, &steps, s.now());
                        assert_eq!(
                            Some(&ClockView::of(&run, s.now())),
                            views.get(k),
                            "{name}.{play} after action {i}: post {}",
                            c.id
                        );
                        assert_eq!(run.fired(), real.fired());
                        compared += 1;
                    }
                    // With every clock shown, the rebuilt holder is the session's.
                    let all: Vec<Shown> = c
                        .clocks
                        .iter()
                        .enumerate()
                        .map(|(k, clock)| Shown {
                            clock: Cow::Borrowed(clock),
                            real: Some(k),
                        })
                        .collect();
                    assert_eq!(
                        rebuild_holder(c, &all),
                        (c.holder.clone(), c.holder_role.clone()),
                        "{name}.{play} after action {i}: post {}",
                        c.id
                    );
                }
            }
        }
        assert!(compared > 300, "{compared} clocks compared");
    }
}
