//! Scoring a drill against its workflow: the route the workflow gives for each post's true
//! attributes is the answer key.
//!
//! Every post yields checks, each passed, late, failed or not due:
//!
//! - **decision**: each routing choice is right or wrong (with the right branch); a post
//!   left waiting at a decision when the drill ends fails one;
//! - **expected**: each action the scenario expects is done in time (passed), done late,
//!   or not done (failed); one not done on a post still open when the drill ends before
//!   its deadline is *not due*;
//! - **sla**: each SLA clock that applies to the true attributes is met (passed), breached
//!   (late), or still running past its target at the end (failed); one still running
//!   within its target when the drill ends is *not due*; a cancelled clock is not scored;
//! - **no-response**: a post that needs no reply — no SLA clock started on it and its right
//!   route takes no task after its first decision (a post to let stand or only monitor) —
//!   must get no reply; one that needs a reply must not be let stand;
//! - **no-engage**: a post the workflow hands over past the community desk must get no
//!   public reply from outside the roles it is handed to (see [`hands_over`]);
//! - **notify**: every role the right route tells must be told about the post.
//!
//! Ratings (HSEEP's P/S/M/U) over an objective's checks, and over all of them:
//! **P** every check passed; **S** none failed, some late; **M** some failed, but no more
//! than half; **U** more than half failed. Checks that are not due count in no rating. An
//! objective with no due checks is not rated: *not due* when it has checks that were not
//! due, *not rated* (nothing tested it) when it has none.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::scenario::ActionKind;
use super::session::{Case, Session, target_matches};
use crate::analysis::route::{Route, route_from};
use crate::model::value::{Assignment, format_assignment};
use crate::time::clock::ClockState;

/// An exercise rating, after HSEEP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl Rating {
    /// The rating's meaning.
    pub fn meaning(self) -> &'static str {
        match self {
            Rating::P => "performed without challenges",
            Rating::S => "performed with some challenges",
            Rating::M => "performed with major challenges",
            Rating::U => "unable to be performed",
        }
    }

    /// The rating of a set of check results (None when there are none).
    pub fn of(passed: usize, late: usize, failed: usize) -> Option<Rating> {
        let total = passed + late + failed;
        Some(match () {
            _ if total == 0 => return None,
            _ if late == 0 && failed == 0 => Rating::P,
            _ if failed == 0 => Rating::S,
            _ if failed * 2 <= total => Rating::M,
            _ => Rating::U,
        })
    }
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Done right and in time.
    Passed,
    /// Done, but late.
    Late,
    /// Wrong, or not done.
    Failed,
    /// Not done, and its deadline had not come when the drill ended (an expected action
    /// on a post still open, an SLA clock still within its target): counted in no rating.
    NotDue,
}

/// One scored point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DrillCheck"))]
pub struct Check {
    /// The post.
    pub case: String,
    /// `decision`, `expected`, `sla`, `no-response`, `no-engage` or `notify`.
    pub kind: &'static str,
    /// What was checked and what happened, in words.
    pub text: String,
    /// How it came out.
    pub outcome: Outcome,
    /// Who acted (when someone did).
    pub by: Option<String>,
    /// In which role; for a miss, the role that should have acted.
    pub role: Option<String>,
    /// The objective the post tests.
    pub objective: Option<String>,
    /// When (drill time), if it happened.
    pub at: Option<DateTime<Utc>>,
}

/// An objective's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObjectiveScore {
    /// Its id.
    pub id: String,
    /// What it tests.
    pub text: String,
    /// The rating over its due checks (None when none came due: see `not_due`).
    pub rating: Option<Rating>,
    /// Checks passed, late and failed.
    pub passed: usize,
    /// Late.
    pub late: usize,
    /// Failed.
    pub failed: usize,
    /// Checks not due when the drill ended (in no rating). With no due check, a count
    /// above zero makes the objective *not due* rather than untested.
    pub not_due: usize,
}

impl ObjectiveScore {
    /// True when nothing of the objective came due before the drill ended: no rating,
    /// but checks that were not due.
    pub fn is_not_due(&self) -> bool {
        self.rating.is_none() && self.not_due > 0
    }
}

/// Tallies for a participant or a role.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScoreTally"))]
pub struct Tally {
    /// Actions taken.
    pub actions: usize,
    /// Checks passed.
    pub passed: usize,
    /// Checks late.
    pub late: usize,
    /// Checks failed.
    pub failed: usize,
    /// The rating over these checks.
    pub rating: Option<Rating>,
}

/// One post's answer key and what happened to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseScore {
    /// The post.
    pub id: String,
    /// Who wrote it.
    pub author: String,
    /// Where.
    pub channel: String,
    /// What.
    pub text: String,
    /// Its true attributes, revealed.
    pub truth: String,
    /// The right route's nodes.
    pub right_route: Vec<String>,
    /// The right route's outcome.
    pub right_outcome: Option<String>,
    /// The nodes it took.
    pub taken: Vec<String>,
    /// How it ended.
    pub outcome: Option<String>,
    /// Its SLA clocks at the end: rule and state.
    pub slas: Vec<(String, ClockState)>,
}

/// The score of a drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DrillScore"))]
pub struct Score {
    /// Every check, post by post.
    pub checks: Vec<Check>,
    /// Per objective.
    pub objectives: Vec<ObjectiveScore>,
    /// Per participant.
    pub participants: BTreeMap<String, Tally>,
    /// Per role.
    pub roles: BTreeMap<String, Tally>,
    /// Per post.
    pub cases: Vec<CaseScore>,
    /// Over every check.
    pub overall: Option<Rating>,
}

/// Checks passed, late and failed (those not due are in none).
fn count(checks: &[&Check]) -> (usize, usize, usize) {
    let n = |o| checks.iter().filter(|c| c.outcome == o).count();
    (n(Outcome::Passed), n(Outcome::Late), n(Outcome::Failed))
}

impl Score {
    /// Scores a session as it stands (usually after `end`).
    pub fn of(s: &Session) -> Score {
        let end = s.ended().unwrap_or(s.now());
        let mut checks = Vec::new();
        let mut cases = Vec::new();
        for case in s.cases() {
            cases.push(case_checks(s, case, end, &mut checks));
        }
        let objectives = s
            .scenario()
            .objectives
            .iter()
            .map(|o| {
                let mine: Vec<&Check> = checks
                    .iter()
                    .filter(|c| c.objective.as_deref() == Some(o.id.as_str()))
                    .collect();
                let (passed, late, failed) = count(&mine);
                ObjectiveScore {
                    id: o.id.clone(),
                    text: o.text.clone(),
                    rating: Rating::of(passed, late, failed),
                    passed,
                    late,
                    failed,
                    not_due: mine.iter().filter(|c| c.outcome == Outcome::NotDue).count(),
                }
            })
            .collect();
        let mut participants: BTreeMap<String, Tally> = BTreeMap::new();
        let mut roles: BTreeMap<String, Tally> = BTreeMap::new();
        for a in s.log().iter().filter(|a| !a.kind.is_facilitator()) {
            participants.entry(a.by.clone()).or_default().actions += 1;
            if let Some(r) = &a.role {
                roles.entry(r.clone()).or_default().actions += 1;
            }
        }
        for c in &checks {
            let bump = |t: &mut Tally| match c.outcome {
                Outcome::Passed => t.passed += 1,
                Outcome::Late => t.late += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::NotDue => {}
            };
            if let Some(by) = &c.by {
                bump(participants.entry(by.clone()).or_default());
            }
            if let Some(r) = &c.role {
                bump(roles.entry(r.clone()).or_default());
            }
        }
        for t in participants.values_mut().chain(roles.values_mut()) {
            t.rating = Rating::of(t.passed, t.late, t.failed);
        }
        let all: Vec<&Check> = checks.iter().collect();
        let (p, l, f) = count(&all);
        Score {
            overall: Rating::of(p, l, f),
            checks,
            objectives,
            participants,
            roles,
            cases,
        }
    }
}

fn case_checks(s: &Session, case: &Case, end: DateTime<Utc>, out: &mut Vec<Check>) -> CaseScore {
    let w = s.workflow();
    let check = |kind: &'static str, text: String, outcome: Outcome| Check {
        case: case.id.clone(),
        kind,
        text,
        outcome,
        by: None,
        role: None,
        objective: case.objective.clone(),
        at: None,
    };
    let start = w.node(case.start).id.clone();
    let right = route_from(w, Some(&start), case.truth()).ok();
    // Decisions.
    for d in &case.decisions {
        let ok = d.right.as_deref() == Some(d.chosen.as_str());
        let text = if ok {
            format!("{}: routed to {} (right)", d.node, d.chosen)
        } else {
            format!(
                "{}: routed to {}; the workflow says {}",
                d.node,
                d.chosen,
                d.right.as_deref().unwrap_or("no branch")
            )
        };
        out.push(Check {
            by: Some(d.by.clone()),
            role: d.role.clone(),
            at: Some(d.at),
            ..check(
                "decision",
                text,
                if ok { Outcome::Passed } else { Outcome::Failed },
            )
        });
    }
    // While a drill runs, what may still be done is not scored yet: a post still waiting
    // at a decision, an expected action before its time, a role not told yet.
    let settled = s.ended().is_some() || case.is_closed();
    if s.ended().is_some() && !case.is_closed() {
        for node in &case.at {
            if w.node_by_id(node)
                .is_some_and(|n| matches!(n.kind, crate::model::NodeKind::Decision { .. }))
            {
                out.push(check(
                    "decision",
                    format!("{node}: never routed"),
                    Outcome::Failed,
                ));
            }
        }
    }
    // Expected actions.
    for e in case.expected() {
        let due = e.within.after(case.published);
        let what = match &e.to {
            Some(to) => format!("{} {to}", e.action.name()),
            None => e.action.name().to_string(),
        };
        let done = case
            .acts
            .iter()
            .find(|a| a.kind == e.action && target_matches(a, e.to.as_deref()));
        let c = match done {
            None if !settled && end <= due => continue,
            // The drill ended before the deadline, with the post still open: it could
            // still have been done in time.
            None if !case.is_closed() && end <= due => check(
                "expected",
                format!(
                    "{what} within {}: not done, and not due when the drill ended",
                    e.within
                ),
                Outcome::NotDue,
            ),
            Some(a) => {
                let took = a.at - case.published;
                let outcome = if a.at <= due {
                    Outcome::Passed
                } else {
                    Outcome::Late
                };
                Check {
                    by: Some(a.by.clone()),
                    role: a.role.clone(),
                    at: Some(a.at),
                    ..check(
                        "expected",
                        format!("{what} within {}: done after {}", e.within, minutes(took)),
                        outcome,
                    )
                }
            }
            None => check(
                "expected",
                format!("{what} within {}: not done", e.within),
                Outcome::Failed,
            ),
        };
        out.push(c);
    }
    // SLA clocks.
    for clock in &case.clocks {
        let rule = clock.rule();
        let over = clock.over_at(end);
        let outcome = match clock.state() {
            ClockState::Met => Some(Outcome::Passed),
            ClockState::Breached => Some(Outcome::Late),
            ClockState::Running | ClockState::Paused if over => Some(Outcome::Failed),
            // Still within its target when the drill ended.
            ClockState::Running | ClockState::Paused if s.ended().is_some() => {
                Some(Outcome::NotDue)
            }
            _ => None,
        };
        if let Some(outcome) = outcome {
            let how = match outcome {
                Outcome::Passed => "met",
                Outcome::Late => "breached",
                Outcome::Failed => "breached and still open at the end",
                Outcome::NotDue => "still within its target at the end, not due",
            };
            out.push(Check {
                role: case.holder_role.clone(),
                ..check(
                    "sla",
                    format!("{} ({}): {how}", rule.id, rule.target),
                    outcome,
                )
            });
        }
    }
    // When not to respond.
    if let Some(r) = &right {
        let first_decision = r.steps.iter().position(|st| st.kind == "decision");
        // A post needs a reply when an SLA clock started on it, or its right route has
        // work after its first decision (a task before it is reading the post).
        let clocked = case
            .clocks
            .iter()
            .any(|c| c.state() != ClockState::NotStarted);
        let needs_reply = clocked
            || first_decision
                .is_some_and(|k| r.steps.iter().skip(k + 1).any(|st| st.kind == "task"));
        let replies: Vec<_> = case
            .acts
            .iter()
            .filter(|a| a.kind == ActionKind::Respond)
            .collect();
        let stood = case.acts.iter().find(|a| a.kind == ActionKind::LetStand);
        if !needs_reply {
            let c = match replies.first() {
                None if !settled => None,
                Some(a) => Some(Check {
                    by: Some(a.by.clone()),
                    role: a.role.clone(),
                    at: Some(a.at),
                    ..check(
                        "no-response",
                        "replied to a post the workflow says to leave unanswered".into(),
                        Outcome::Failed,
                    )
                }),
                None => Some(check(
                    "no-response",
                    "left unanswered, as the workflow says".into(),
                    Outcome::Passed,
                )),
            };
            out.extend(c);
        } else if let Some(a) = stood {
            out.push(Check {
                by: Some(a.by.clone()),
                role: a.role.clone(),
                at: Some(a.at),
                ..check(
                    "no-response",
                    "let stand a post the workflow says to answer".into(),
                    Outcome::Failed,
                )
            });
        }
        // Who answers a post handed over past the community desk.
        if let Some(h) = hands_over(r)
            && let Some(a) = replies.iter().find(|a| {
                a.to.iter().any(|v| v == "public")
                    && !a.role.as_ref().is_some_and(|role| h.to.contains(role))
            })
        {
            out.push(Check {
                by: Some(a.by.clone()),
                role: a.role.clone(),
                at: Some(a.at),
                ..check(
                    "no-engage",
                    format!(
                        "replied in public as {}; the workflow holds engagement at the {} desk and hands this post to {}",
                        a.role.as_deref().unwrap_or("no role"),
                        h.desk,
                        h.to.join(", ")
                    ),
                    Outcome::Failed,
                )
            });
        }
        // Who must be told.
        let mut told_roles: Vec<&str> = Vec::new();
        for n in &r.notifications {
            for role in &n.roles {
                if told_roles.contains(&role.as_str()) {
                    continue;
                }
                told_roles.push(role);
                let told = case
                    .acts
                    .iter()
                    .find(|a| a.kind == ActionKind::Notify && a.to.iter().any(|x| x == role));
                out.push(match told {
                    None if !settled => continue,
                    Some(a) => Check {
                        by: Some(a.by.clone()),
                        role: a.role.clone(),
                        at: Some(a.at),
                        ..check(
                            "notify",
                            format!("{role} told after {}", minutes(a.at - case.published)),
                            Outcome::Passed,
                        )
                    },
                    None => check("notify", format!("{role} never told"), Outcome::Failed),
                });
            }
        }
    }
    CaseScore {
        id: case.id.clone(),
        author: case.author.clone(),
        channel: case.channel.clone(),
        text: case.text.clone(),
        truth: describe(case.truth()),
        right_route: right
            .as_ref()
            .map(|r| r.path().into_iter().map(str::to_string).collect())
            .unwrap_or_default(),
        right_outcome: right.as_ref().and_then(|r| r.outcome.clone()),
        taken: case.visits.iter().map(|v| v.node.clone()).collect(),
        outcome: case.outcome.clone(),
        slas: case
            .clocks
            .iter()
            .map(|c| (c.rule().id.clone(), c.state()))
            .collect(),
    }
}

/// A right route that hands its post over past the community desk (see [`hands_over`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOver {
    /// The community desk: the role of the last task before the route's first decision,
    /// the one that reads and triages the post.
    pub desk: String,
    /// The roles of the route's tasks after that decision, in order of first appearance
    /// (the desk is not one of them): the roles that answer the post.
    pub to: Vec<String>,
}

/// Whether a post's right route (the answer key) says not to engage publicly at
/// community level, and to whom it hands the post.
///
/// The *desk* is the role of the last task before the route's first decision (the role
/// that reads and triages the post: the community level). The route says not to engage
/// there when, after that decision, it has tasks and none of them is the desk's: the
/// decision's branch leads to a path other roles work — a crisis team alerted, the media
/// desk, legal — and those roles answer the post. In the social triage workflow, crises
/// (`crisis-alert`, then corporate communications, legal and senior management) and the
/// media (`media-desk`) are handed over; a problem (`empathy`, the community manager's) is
/// not.
///
/// None when the route has no decision, no task before it, a task of the desk after it,
/// or no task after it (a post to let stand or only monitor, whose replies the
/// `no-response` check judges).
///
/// The `no-engage` check: a public reply (`respond` with visibility public) to such a post
/// from a participant in none of the roles it is handed to — the desk, another role, or
/// no role given — is a deviation (failed), once per post, at the first such reply.
pub fn hands_over(route: &Route) -> Option<HandOver> {
    let k = route.steps.iter().position(|st| st.kind == "decision")?;
    let desk = route
        .steps
        .get(..k)?
        .iter()
        .rev()
        .find(|st| st.kind == "task")?
        .role
        .clone()?;
    let mut to: Vec<String> = Vec::new();
    for role in route
        .steps
        .iter()
        .skip(k + 1)
        .filter(|st| st.kind == "task")
        .filter_map(|st| st.role.as_ref())
    {
        if *role == desk {
            return None;
        }
        if !to.contains(role) {
            to.push(role.clone());
        }
    }
    (!to.is_empty()).then_some(HandOver { desk, to })
}

fn describe(a: &Assignment) -> String {
    format_assignment(a)
}

/// A post's true attributes in words.
pub(crate) fn describe_truth(case: &Case) -> String {
    describe(case.truth())
}

/// A span as `12m` or `1h05m`.
pub(crate) fn minutes(d: chrono::TimeDelta) -> String {
    let m = d.num_minutes().max(0);
    if m >= 60 {
        format!("{}h{:02}m", m / 60, m % 60)
    } else {
        let s = d.num_seconds().max(0);
        if m == 0 {
            format!("{s}s")
        } else {
            format!("{m}m")
        }
    }
}
