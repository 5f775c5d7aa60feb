//! Routes: the path a case takes through a workflow, and the table of all routes.
//!
//! One step function drives both. A case is a set of tokens; a token enters a node, the
//! node does its part (a task names its role, a notify node tells roles, a fork starts one
//! token per branch, a join waits for one token per branch of its fork, a decision picks a
//! branch) and the token moves on. Branches of a fork are listed in turn, each until it
//! reaches the join. An end reached anywhere ends the whole case with its outcome.
//!
//! A decision offers its branches in file order. An edge with a `limit` may be taken that
//! many times per case; after that it is skipped. The first branch whose guard accepts the
//! case is taken; when none does, the `otherwise` branch. In an `exclusive` decision
//! validation guarantees at most one guard accepts, so order does not matter there.

use std::collections::VecDeque;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use serde::Serialize;

use crate::analysis::space::{CaseSet, Space, TooComplex};
use crate::analysis::structure::{Pairs, pair_forks};
use crate::model::NodeKind;
use crate::model::guard::Guard;
use crate::model::value::{Assignment, Value, format_assignment};
use crate::model::workflow::{EdgeSlot, Workflow};
use crate::util::dense::Tally;

/// The most steps one case may take before it is stopped as a runaway.
pub const MAX_STEPS: usize = 10_000;
/// The most distinct routes a route table lists.
pub const MAX_ROUTES: usize = 10_000;

/// Why a route could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// The workflow has no start node.
    #[error("the workflow has no start node")]
    NoStart,
    /// Several start nodes; the caller must say which.
    #[error("the workflow has several start nodes ({}); name one", .0.join(", "))]
    SeveralStarts(Vec<String>),
    /// The named start node does not exist or is not a start.
    #[error("\"{0}\" is not a start node")]
    NotAStart(String),
    /// The case names an attribute the workflow does not have.
    #[error("unknown attribute \"{attr}\"; expected one of {}{}", .expected.join(", "), did_you_mean(.attr, .expected))]
    UnknownAttribute {
        /// The attribute given.
        attr: String,
        /// The workflow's attributes.
        expected: Vec<String>,
    },
    /// The case gives an attribute a value outside its domain.
    #[error("attribute \"{attr}\" has no value \"{value}\"; expected one of {}{}", .expected.join(", "), did_you_mean(.value, .expected))]
    UnknownValue {
        /// The attribute.
        attr: String,
        /// The value given.
        value: String,
        /// The attribute's domain.
        expected: Vec<String>,
    },
    /// A decision on the path reads an attribute the case does not give.
    #[error("decision \"{decision}\" needs attribute \"{attr}\" (one of {})", .expected.join(", "))]
    MissingAttribute {
        /// The decision.
        decision: String,
        /// The attribute it reads.
        attr: String,
        /// The attribute's domain.
        expected: Vec<String>,
    },
    /// A case took more than [`MAX_STEPS`] steps.
    #[error(
        "the case took more than {MAX_STEPS} steps; the workflow loops without a limit (run `check`)"
    )]
    TooLong,
    /// More than [`MAX_ROUTES`] distinct routes.
    #[error("the workflow has more than {MAX_ROUTES} distinct routes")]
    TooManyRoutes,
    /// The guards are too complex to split exactly.
    #[error(transparent)]
    TooComplex(#[from] TooComplex),
}

/// One node a case passes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Step {
    /// The node id.
    pub node: String,
    /// The node's display name.
    pub name: String,
    /// The node kind.
    #[cfg_attr(feature = "ts", ts(type = "NodeKind"))]
    pub kind: &'static str,
    /// Which parallel branch: `""` outside forks, `"1"`, `"2"`, nested `"1.2"`.
    pub lane: String,
    /// The label of the edge taken into the node, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub via: Option<String>,
    /// The ids of the edges the case came into the node by, as the designer and the
    /// drawing key edges ([`Edge::display_id`](crate::model::Edge::display_id): the edge's
    /// `id`, else `from->to`): none at the start, one for most nodes, and at a join every
    /// edge into it that the case has taken (one per branch of the fork), in file order.
    /// Together the steps' edges are the edges of the route.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub edges: Vec<String>,
    /// For a task, the role that does it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub role: Option<String>,
}

/// A notification sent on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notification {
    /// The notify node.
    pub node: String,
    /// The roles told.
    pub roles: Vec<String>,
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
}

/// The path of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Route {
    /// The start node.
    pub start: String,
    /// The nodes passed, in order.
    pub steps: Vec<Step>,
    /// Notifications sent.
    pub notifications: Vec<Notification>,
    /// The end node reached.
    pub end: Option<String>,
    /// The outcome of that end.
    pub outcome: Option<String>,
    /// The decision where the case found no branch, if it got stuck.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub stuck_at: Option<String>,
}

impl Route {
    /// The roles that do work on the case, in order of first appearance.
    pub fn roles(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.steps.iter().filter_map(|s| s.role.as_deref()) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    }

    /// The roles told by notify nodes, in order of first appearance.
    pub fn notified(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.notifications.iter().flat_map(|n| n.roles.iter()) {
            if !out.contains(&r.as_str()) {
                out.push(r);
            }
        }
        out
    }

    /// The node ids passed, in order.
    pub fn path(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.node.as_str()).collect()
    }

    /// How many times the case passes a node.
    pub fn visits(&self, node: &str) -> usize {
        self.steps.iter().filter(|s| s.node == node).count()
    }

    /// True when the case passes the node.
    pub fn passes(&self, node: &str) -> bool {
        self.visits(node) > 0
    }
}

/// One branch a decision offers at this moment.
struct Offer<'w> {
    guard: Option<&'w Guard>,
    otherwise: bool,
}

/// What a case knows about its attributes: a concrete assignment or a set of them.
trait Knowledge: Clone {
    /// Splits at a decision: the branches taken (by index into `offers`, `None` when the
    /// case is stuck) and what is known on each.
    fn split(
        &self,
        w: &Workflow,
        decision: NodeIndex,
        offers: &[Offer],
    ) -> Result<Vec<(Option<usize>, Self)>, RouteError>;
}

#[derive(Clone)]
struct Concrete<'a>(&'a Assignment);

impl Knowledge for Concrete<'_> {
    fn split(
        &self,
        w: &Workflow,
        decision: NodeIndex,
        offers: &[Offer],
    ) -> Result<Vec<(Option<usize>, Self)>, RouteError> {
        // Only the attributes needed to decide are required: branches are tried in order
        // and the first that surely accepts wins; one that cannot be decided stops the case
        // with the attribute it needs.
        let missing = |g: &Guard| {
            let attr = g
                .attributes()
                .into_iter()
                .find(|a| !self.0.contains_key(*a))
                .unwrap_or_default()
                .to_string();
            RouteError::MissingAttribute {
                decision: w.node(decision).id.clone(),
                expected: w
                    .attributes
                    .get(&attr)
                    .map(|a| a.value_names())
                    .unwrap_or_default(),
                attr,
            }
        };
        let exclusive = matches!(
            w.node(decision).kind,
            NodeKind::Decision {
                matching: crate::model::Matching::Exclusive,
                ..
            }
        );
        let mut undecided = None;
        for (i, o) in offers.iter().enumerate() {
            let Some(g) = o.guard else { continue };
            match g.eval_partial(self.0) {
                Some(true) => return Ok(vec![(Some(i), self.clone())]),
                Some(false) => {}
                // In an exclusive decision a later branch that surely accepts still decides.
                None if exclusive => {
                    undecided.get_or_insert(g);
                }
                None => return Err(missing(g)),
            }
        }
        if let Some(g) = undecided {
            return Err(missing(g));
        }
        Ok(vec![(
            offers.iter().position(|o| o.otherwise),
            self.clone(),
        )])
    }
}

#[derive(Clone)]
struct Symbolic<'s> {
    space: &'s Space,
    set: CaseSet,
}

impl Knowledge for Symbolic<'_> {
    fn split(
        &self,
        _w: &Workflow,
        _d: NodeIndex,
        offers: &[Offer],
    ) -> Result<Vec<(Option<usize>, Self)>, RouteError> {
        let mut rest = self.set.clone();
        let mut out = Vec::new();
        for (i, o) in offers.iter().enumerate() {
            let Some(g) = o.guard else { continue };
            let take = rest.intersect(&self.space.guard_set(g)?)?;
            if !take.is_empty() {
                rest = rest.subtract(&take)?;
                out.push((
                    Some(i),
                    Symbolic {
                        space: self.space,
                        set: take,
                    },
                ));
            }
        }
        if !rest.is_empty() {
            let pick = offers.iter().position(|o| o.otherwise);
            out.push((
                pick,
                Symbolic {
                    space: self.space,
                    set: rest,
                },
            ));
        }
        Ok(out)
    }
}

struct Token {
    at: NodeIndex,
    lane: String,
    via: Option<EdgeIndex>,
}

/// The state of one case between steps.
struct Case<K> {
    queue: VecDeque<Token>,
    arrived: Tally<NodeIndex>,
    taken: Tally<EdgeIndex>,
    route: Route,
    known: K,
}

impl<K: Clone> Clone for Case<K> {
    fn clone(&self) -> Self {
        Case {
            queue: self
                .queue
                .iter()
                .map(|t| Token {
                    at: t.at,
                    lane: t.lane.clone(),
                    via: t.via,
                })
                .collect(),
            arrived: self.arrived.clone(),
            taken: self.taken.clone(),
            route: self.route.clone(),
            known: self.known.clone(),
        }
    }
}

struct Runner<'w> {
    w: &'w Workflow,
    pairs: Pairs,
}

fn lane_of(parent: &str, i: usize) -> String {
    if parent.is_empty() {
        format!("{}", i + 1)
    } else {
        format!("{parent}.{}", i + 1)
    }
}

fn parent_lane(lane: &str) -> String {
    lane.rsplit_once('.')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default()
}

impl<'w> Runner<'w> {
    fn new(w: &'w Workflow) -> Self {
        Runner {
            w,
            pairs: pair_forks(w),
        }
    }

    fn start_case<K>(&self, start: NodeIndex, known: K) -> Case<K> {
        Case {
            queue: VecDeque::from([Token {
                at: start,
                lane: String::new(),
                via: None,
            }]),
            arrived: Tally::default(),
            taken: Tally::default(),
            route: Route {
                start: self.w.node(start).id.clone(),
                steps: Vec::new(),
                notifications: Vec::new(),
                end: None,
                outcome: None,
                stuck_at: None,
            },
            known,
        }
    }

    fn record(&self, case: &mut Case<impl Clone>, t: &Token) {
        let node = self.w.node(t.at);
        case.route.steps.push(Step {
            node: node.id.clone(),
            name: node.label().to_string(),
            kind: node.kind.name(),
            lane: t.lane.clone(),
            via: t.via.and_then(|e| self.w.edge(e).edge.label.clone()),
            edges: match &node.kind {
                NodeKind::Join => self
                    .w
                    .incoming(t.at)
                    .into_iter()
                    .filter(|(e, _, _)| case.taken.get(*e) > 0)
                    .map(|(_, _, s)| s.edge.display_id())
                    .collect(),
                _ => t
                    .via
                    .map(|e| self.w.edge(e).edge.display_id())
                    .into_iter()
                    .collect(),
            },
            role: match &node.kind {
                NodeKind::Task { role, .. } => Some(role.clone()),
                _ => None,
            },
        });
        if let NodeKind::Notify { roles, message } = &node.kind {
            case.route.notifications.push(Notification {
                node: node.id.clone(),
                roles: roles.clone(),
                message: message.clone(),
            });
        }
    }

    fn take(case: &mut Case<impl Clone>, e: EdgeIndex) {
        case.taken.bump(e);
    }

    /// Runs a case to its end, splitting it where knowledge splits; returns finished cases.
    fn run<K: Knowledge>(&self, case: Case<K>, out: &mut Vec<Case<K>>) -> Result<(), RouteError> {
        let mut stack = vec![case];
        while let Some(mut case) = stack.pop() {
            loop {
                if case.route.steps.len() > MAX_STEPS {
                    return Err(RouteError::TooLong);
                }
                let Some(tok) = case.queue.pop_front() else {
                    out.push(case);
                    break;
                };
                let node = self.w.node(tok.at);
                match &node.kind {
                    NodeKind::End { outcome } => {
                        self.record(&mut case, &tok);
                        case.route.end = Some(node.id.clone());
                        case.route.outcome = Some(outcome.clone());
                        case.queue.clear();
                    }
                    NodeKind::Join => {
                        let need = self.pairs.arity(self.w, tok.at).unwrap_or(1);
                        let n = case.arrived.bump(tok.at);
                        if usize::try_from(n).is_ok_and(|n| n >= need) {
                            case.arrived.reset(tok.at);
                            let lane = parent_lane(&tok.lane);
                            let joined = Token {
                                at: tok.at,
                                lane,
                                via: tok.via,
                            };
                            self.record(&mut case, &joined);
                            self.follow_single(&mut case, joined);
                        }
                    }
                    NodeKind::Fork => {
                        self.record(&mut case, &tok);
                        let outs = self.w.outgoing(tok.at);
                        for (i, (e, t, _)) in outs.iter().enumerate().rev() {
                            Self::take(&mut case, *e);
                            case.queue.push_front(Token {
                                at: *t,
                                lane: lane_of(&tok.lane, i),
                                via: Some(*e),
                            });
                        }
                    }
                    NodeKind::Decision { .. } => {
                        self.record(&mut case, &tok);
                        let open = open_edges(self.w, tok.at, &case.taken);
                        let offers: Vec<Offer> = open
                            .iter()
                            .map(|(_, _, s)| Offer {
                                guard: s.edge.when.as_ref(),
                                otherwise: s.edge.otherwise,
                            })
                            .collect();
                        let mut splits = case.known.split(self.w, tok.at, &offers)?;
                        // Continue with the first split here; the others wait on the stack.
                        let first = if splits.is_empty() {
                            None
                        } else {
                            Some(splits.remove(0))
                        };
                        for (pick, known) in splits.into_iter().rev() {
                            let mut other = case.clone();
                            other.known = known;
                            self.branch(
                                &mut other,
                                &tok,
                                pick.and_then(|i| open.get(i)).map(|(e, t, _)| (*e, *t)),
                            );
                            stack.push(other);
                        }
                        match first {
                            Some((pick, known)) => {
                                case.known = known;
                                self.branch(
                                    &mut case,
                                    &tok,
                                    pick.and_then(|i| open.get(i)).map(|(e, t, _)| (*e, *t)),
                                );
                            }
                            None => break,
                        }
                    }
                    _ => {
                        self.record(&mut case, &tok);
                        self.follow_single(&mut case, tok);
                    }
                }
            }
            if out.len() > MAX_ROUTES {
                return Err(RouteError::TooManyRoutes);
            }
        }
        Ok(())
    }

    fn branch<K: Clone>(
        &self,
        case: &mut Case<K>,
        tok: &Token,
        pick: Option<(EdgeIndex, NodeIndex)>,
    ) {
        match pick {
            Some((e, t)) => {
                Self::take(case, e);
                case.queue.push_front(Token {
                    at: t,
                    lane: tok.lane.clone(),
                    via: Some(e),
                });
            }
            None => {
                case.route.stuck_at = Some(self.w.node(tok.at).id.clone());
                case.queue.clear();
            }
        }
    }

    /// Moves a token along a node's single way out (a node with none is a dead end:
    /// the case stops there).
    fn follow_single<K: Clone>(&self, case: &mut Case<K>, tok: Token) {
        match self.w.outgoing(tok.at).first() {
            Some((e, t, _)) => {
                Self::take(case, *e);
                case.queue.push_front(Token {
                    at: *t,
                    lane: tok.lane,
                    via: Some(*e),
                });
            }
            None => {
                case.route.stuck_at = Some(self.w.node(tok.at).id.clone());
                case.queue.clear();
            }
        }
    }
}

fn the_start(w: &Workflow, start: Option<&str>) -> Result<NodeIndex, RouteError> {
    if let Some(id) = start {
        return w
            .node_index(id)
            .filter(|ix| matches!(w.node(*ix).kind, NodeKind::Start { .. }))
            .ok_or_else(|| RouteError::NotAStart(id.to_string()));
    }
    let starts = start_nodes(w);
    match starts.as_slice() {
        [] => Err(RouteError::NoStart),
        [one] => Ok(*one),
        many => Err(RouteError::SeveralStarts(
            many.iter().map(|ix| w.node(*ix).id.clone()).collect(),
        )),
    }
}

/// The start nodes in file order.
pub fn start_nodes(w: &Workflow) -> Vec<NodeIndex> {
    w.nodes()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Start { .. }))
        .map(|(ix, _)| ix)
        .collect()
}

/// Checks that every attribute and value in a case exists in the workflow.
pub fn check_assignment(w: &Workflow, case: &Assignment) -> Result<(), RouteError> {
    for (attr, value) in case {
        let Some(a) = w.attributes.get(attr) else {
            return Err(RouteError::UnknownAttribute {
                attr: attr.clone(),
                expected: w.attributes.ids().iter().map(|s| s.to_string()).collect(),
            });
        };
        if a.position(value).is_none() {
            return Err(RouteError::UnknownValue {
                attr: attr.clone(),
                value: value.to_string(),
                expected: a.value_names(),
            });
        }
    }
    Ok(())
}

/// Reads `name=value` pairs typed by a person into a case, matching each value against
/// the attribute's domain (so `3` finds the number 3 and `negative` the word).
pub fn parse_assignment<'a>(
    w: &Workflow,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Assignment, RouteError> {
    let mut out = Assignment::new();
    for (k, v) in pairs {
        let Some(a) = w.attributes.get(k) else {
            return Err(RouteError::UnknownAttribute {
                attr: k.to_string(),
                expected: w.attributes.ids().iter().map(|s| s.to_string()).collect(),
            });
        };
        let value = a
            .values
            .iter()
            .find(|x| x.to_string() == v.trim())
            .cloned()
            .unwrap_or_else(|| Value::parse_loose(v));
        out.insert(k.to_string(), value);
    }
    check_assignment(w, &out)?;
    Ok(out)
}

/// The edges out of `node` in file order whose retry `limit` a case has not used up,
/// given how often it has taken each edge.
pub(crate) fn open_edges<'w>(
    w: &'w Workflow,
    node: NodeIndex,
    taken: &Tally<EdgeIndex>,
) -> Vec<(EdgeIndex, NodeIndex, &'w EdgeSlot)> {
    w.outgoing(node)
        .into_iter()
        .filter(|(e, _, s)| s.edge.limit.is_none_or(|l| taken.get(*e) < l))
        .collect()
}

/// Reads a case from JSON values (`{"sentiment": "negative", "severity": 3}`), checked like
/// [`parse_assignment`]: text is taken as written, other values as their JSON text.
pub fn assignment_from_json<'a>(
    w: &Workflow,
    values: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
) -> Result<Assignment, RouteError> {
    typed_pairs(
        w,
        values.into_iter().map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k.as_str(), text)
        }),
    )
}

/// Reads a case from attribute values read from a file or a page (words and numbers), checked
/// like [`assignment_from_json`]. The browser's view module reads a case this way, without
/// `serde_json::Value` (whose reader costs 8 KB of WebAssembly).
pub fn assignment_from_values<'a>(
    w: &Workflow,
    values: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> Result<Assignment, RouteError> {
    typed_pairs(
        w,
        values.into_iter().map(|(k, v)| (k.as_str(), v.to_string())),
    )
}

/// [`parse_assignment`] of pairs whose values are owned text.
fn typed_pairs<'a>(
    w: &Workflow,
    pairs: impl Iterator<Item = (&'a str, String)>,
) -> Result<Assignment, RouteError> {
    let pairs: Vec<(&str, String)> = pairs.collect();
    parse_assignment(w, pairs.iter().map(|(k, v)| (*k, v.as_str())))
}

/// The route of a case with these attributes from the workflow's only start node.
pub fn route(w: &Workflow, case: &Assignment) -> Result<Route, RouteError> {
    route_from(w, None, case)
}

/// The route of a case from a given start node (or the only one when `None`).
pub fn route_from(
    w: &Workflow,
    start: Option<&str>,
    case: &Assignment,
) -> Result<Route, RouteError> {
    check_assignment(w, case)?;
    let start = the_start(w, start)?;
    let runner = Runner::new(w);
    let mut out = Vec::new();
    runner.run(runner.start_case(start, Concrete(case)), &mut out)?;
    out.pop().map(|c| c.route).ok_or(RouteError::NoStart)
}

/// One row of the route table: a distinct route and the cases that take it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteRow {
    /// The route.
    pub route: Route,
    /// The cases that take it, as alternatives: each a list of attribute conditions
    /// (attribute, allowed values) that must all hold. Attributes not named may be anything.
    pub conditions: Vec<Vec<(String, Vec<Value>)>>,
    /// How many of all attribute combinations take this route (from its start).
    pub cases: u128,
    /// The share of cases from its start that take this route when attributes are drawn
    /// with their weights (0 to 1).
    pub share: f64,
    /// One concrete case that takes the route.
    pub example: Assignment,
    /// The cases that take the route, as a set for further analysis.
    #[serde(skip)]
    pub set: CaseSet,
}

impl RouteRow {
    /// The conditions in words: `asker=media and sentiment in {negative, neutral}; or ...`.
    pub fn conditions_text(&self) -> String {
        if self.conditions.iter().any(|c| c.is_empty()) {
            return "every case".into();
        }
        self.conditions
            .iter()
            .map(|cube| {
                cube.iter()
                    .map(|(a, vs)| match vs.as_slice() {
                        [one] => format!("{a}={one}"),
                        many => format!(
                            "{a} in {{{}}}",
                            many.iter()
                                .map(|v| v.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect::<Vec<_>>()
            .join("; or ")
    }
}

/// Every distinct route through the workflow, with the attribute conditions that lead to
/// each: the workflow as a decision table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteTable {
    /// The attributes, in order.
    pub attributes: Vec<String>,
    /// The routes, in order of exploration (first branches first).
    pub rows: Vec<RouteRow>,
    /// The start nodes; each start's rows cover all attribute combinations once.
    pub starts: Vec<String>,
    /// The number of attribute combinations (per start).
    pub total_cases: u128,
}

/// All distinct routes from every start node, as a decision table.
pub fn route_table(w: &Workflow) -> Result<RouteTable, RouteError> {
    let space = Space::new(&w.attributes);
    let runner = Runner::new(w);
    let starts = start_nodes(w);
    if starts.is_empty() {
        return Err(RouteError::NoStart);
    }
    let start_ids = starts.iter().map(|s| w.node(*s).id.clone()).collect();
    let mut finished = Vec::new();
    for s in starts {
        let known = Symbolic {
            space: &space,
            set: space.full(),
        };
        runner.run(runner.start_case(s, known), &mut finished)?;
    }
    let mut rows: Vec<(Route, CaseSet)> = Vec::new();
    for case in finished {
        match rows.iter_mut().find(|(r, _)| *r == case.route) {
            Some((_, set)) => *set = set.union(&case.known.set)?,
            None => rows.push((case.route, case.known.set)),
        }
    }
    let total_cases = space.count(&space.full());
    Ok(RouteTable {
        attributes: space.names().to_vec(),
        rows: rows
            .into_iter()
            .map(|(route, set)| RouteRow {
                conditions: space.describe(&set),
                cases: space.count(&set),
                share: space.probability(&set),
                example: space.full_witness(&set).unwrap_or_default(),
                route,
                set,
            })
            .collect(),
        starts: start_ids,
        total_cases,
    })
}

/// Formats a case for messages.
pub fn describe_case(a: &Assignment) -> String {
    if a.is_empty() {
        "any case".into()
    } else {
        format_assignment(a)
    }
}

/// `; did you mean "x"?` when one of `expected` is a likely typo of `word`.
fn did_you_mean(word: &str, expected: &[String]) -> String {
    crate::model::error::suggest(word, expected.iter().map(String::as_str))
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default()
}
