//! Routes: the path a case takes through a workflow, and the table of all routes.
//!
//! Both are drivers of the [`engine`](crate::engine): the engine moves the case (a task
//! names its role, a notify node tells roles, a fork starts one token per branch, a join
//! waits for one token per branch of its fork, a decision picks a branch) and the driver
//! records the steps, with no time passing. Branches of a fork are listed in turn, each
//! until it reaches the join. An end reached anywhere ends the whole case with its outcome.
//! For the route table the case is a set of cases, split where a decision splits it; for
//! one case a decision it cannot decide (an attribute is missing) is an error.
//!
//! A decision offers its branches in file order. An edge with a `limit` may be taken that
//! many times per case; after that it is skipped. The first branch whose guard accepts the
//! case is taken; when none does, the `otherwise` branch. In an `exclusive` decision
//! validation guarantees at most one guard accepts, so order does not matter there.

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use crate::analysis::space::{CaseSet, Space, TooComplex};
use crate::engine::compiled::{CompileError, Compiled};
use crate::engine::{self, Choice, Driver, Stop, Token};
use crate::model::NodeKind;
use crate::model::value::{Assignment, Value, format_assignment};
use crate::model::workflow::Workflow;
use crate::time::clock::{AroundTheClock, OpenTime};

/// The most steps one case may take before it is stopped as a runaway.
pub const MAX_STEPS: usize = engine::MAX_STEPS as usize;
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

/// A route as the engine moves a case: the driver that records the steps.
#[derive(Clone)]
struct Tracer<'w> {
    w: &'w Workflow,
    route: Route,
    /// Edges by which tokens arrived at joins not yet passed: (join, edge).
    join_in: Vec<(u32, u32)>,
    /// A decision the engine paused at, for the explorer to split.
    paused: Option<Token>,
    too_long: bool,
}

impl<'w> Tracer<'w> {
    fn new(w: &'w Workflow, c: &Compiled, start: u32) -> Self {
        Tracer {
            w,
            route: Route {
                start: c.node_ids.get(start as usize).cloned().unwrap_or_default(),
                steps: Vec::new(),
                notifications: Vec::new(),
                end: None,
                outcome: None,
                stuck_at: None,
            },
            join_in: Vec::new(),
            paused: None,
            too_long: false,
        }
    }

    fn node(&self, c: &Compiled, n: u32) -> Option<&'w crate::model::Node> {
        let w = self.w;
        c.node_ix.get(n as usize).map(|ix| w.node(*ix))
    }

    fn edge(&self, c: &Compiled, e: u32) -> Option<&'w crate::model::Edge> {
        let w = self.w;
        c.edge_ix.get(e as usize).map(|ix| &w.edge(*ix).edge)
    }
}

/// The tracer with the compiled workflow it reads names from.
struct Tracing<'t, 'w> {
    c: &'t Compiled,
    t: &'t mut Tracer<'w>,
}

impl Driver for Tracing<'_, '_> {
    fn open_time(&self, _calendar: Option<u32>) -> &dyn OpenTime {
        &AroundTheClock
    }

    fn arrive(&mut self, _case: &engine::Case, token: Token) {
        if let Some(e) = token.via() {
            self.t.join_in.push((token.node, e));
        }
    }

    fn enter(&mut self, case: &engine::Case, token: Token) {
        let (c, t) = (self.c, &mut *self.t);
        let Some(node) = t.node(c, token.node) else {
            return;
        };
        // At a join, every edge the branches came in by; elsewhere the one edge.
        let mut via: Vec<u32> = t
            .join_in
            .iter()
            .filter(|(j, _)| *j == token.node)
            .map(|(_, e)| *e)
            .collect();
        if via.is_empty() {
            via.extend(token.via());
        } else {
            t.join_in.retain(|(j, _)| *j != token.node);
        }
        crate::util::sort::sort(&mut via);
        via.dedup();
        let lane = case
            .lane_path(token.lane)
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(".");
        t.route.steps.push(Step {
            node: node.id.clone(),
            name: node.label().to_string(),
            kind: node.kind.name(),
            lane,
            via: token
                .via()
                .and_then(|e| t.edge(c, e))
                .and_then(|e| e.label.clone()),
            edges: via
                .iter()
                .filter_map(|e| t.edge(c, *e))
                .map(|e| e.display_id())
                .collect(),
            role: None,
        });
    }

    fn task(&mut self, _case: &engine::Case, _token: Token, role: u32) -> bool {
        if let Some(step) = self.t.route.steps.last_mut() {
            step.role = self.c.role_ids.get(role as usize).cloned();
        }
        true
    }

    fn wait(&mut self, _case: &engine::Case, _token: Token) -> bool {
        true
    }

    fn notify(&mut self, _case: &engine::Case, token: Token, roles: &[u32]) -> bool {
        let (c, t) = (self.c, &mut *self.t);
        if let Some(node) = t.node(c, token.node) {
            t.route.notifications.push(Notification {
                node: node.id.clone(),
                roles: roles
                    .iter()
                    .filter_map(|r| c.role_ids.get(*r as usize).cloned())
                    .collect(),
                message: node.message().map(str::to_string),
            });
        }
        true
    }

    fn decide(&mut self, _c: &Compiled, _case: &engine::Case, token: Token) -> Choice {
        self.t.paused = Some(token);
        Choice::Pause
    }

    fn end(&mut self, _case: &engine::Case, token: Token, outcome: u32) {
        let (c, t) = (self.c, &mut *self.t);
        t.route.end = c.node_ids.get(token.node as usize).cloned();
        t.route.outcome = c.outcomes.get(outcome as usize).cloned();
    }

    fn stuck(&mut self, _case: &engine::Case, token: Token, why: Stop) {
        match why {
            Stop::TooLong => self.t.too_long = true,
            Stop::DeadEnd | Stop::NoBranch => {
                self.t.route.stuck_at = self.c.node_ids.get(token.node as usize).cloned();
            }
        }
    }
}

/// What the explorer knows of a case's attributes: the cases it may still be.
#[derive(Clone)]
struct Known {
    set: CaseSet,
    /// A concrete case (possibly partial): a decision that splits it needs an attribute
    /// it does not give, which is an error, not two routes.
    concrete: Option<Assignment>,
}

/// A case being explored: the engine's state, the route so far and what is known.
#[derive(Clone)]
struct Explored<'w> {
    flow: engine::Case,
    tracer: Tracer<'w>,
    known: Known,
}

/// Moves cases from a start with the engine, splitting them where a decision splits what
/// is known, depth first (the first branch's cases first); returns the finished cases.
fn explore(
    w: &Workflow,
    c: &Compiled,
    start: u32,
    known: Known,
    out: &mut Vec<(Route, CaseSet)>,
) -> Result<(), RouteError> {
    let mut tracer = Tracer::new(w, c, start);
    let mut flow = engine::Case::new(c, []);
    engine::start(c, &mut flow, start, &mut Tracing { c, t: &mut tracer });
    let mut stack = vec![Explored {
        flow,
        tracer,
        known,
    }];
    while let Some(mut x) = stack.pop() {
        if x.tracer.too_long {
            return Err(RouteError::TooLong);
        }
        let Some(token) = x.tracer.paused.take() else {
            out.push((x.tracer.route, x.known.set));
            if out.len() > MAX_ROUTES {
                return Err(RouteError::TooManyRoutes);
            }
            continue;
        };
        let splits = c.split(token.node, &x.known.set, &x.flow)?;
        if let Some(case) = &x.known.concrete
            && splits.len() > 1
        {
            return Err(missing_attribute(w, c, token.node, case));
        }
        for (branch, set) in splits.into_iter().rev() {
            let mut next = x.clone();
            next.known.set = set;
            engine::choose(
                c,
                &mut next.flow,
                token,
                branch,
                &mut Tracing {
                    c,
                    t: &mut next.tracer,
                },
            );
            stack.push(next);
        }
    }
    Ok(())
}

/// The error for a concrete case a decision cannot decide: the first attribute its
/// branches read that the case does not give.
fn missing_attribute(w: &Workflow, c: &Compiled, n: u32, case: &Assignment) -> RouteError {
    let decision = c.node_ids.get(n as usize).cloned().unwrap_or_default();
    let attr = c
        .node_ix
        .get(n as usize)
        .map(|ix| w.outgoing(*ix))
        .unwrap_or_default()
        .iter()
        .filter_map(|(_, _, s)| s.edge.when.as_ref())
        .flat_map(|g| g.attributes())
        .find(|a| !case.contains_key(*a))
        .unwrap_or_default()
        .to_string();
    RouteError::MissingAttribute {
        decision,
        expected: w
            .attributes
            .get(&attr)
            .map(|a| a.value_names())
            .unwrap_or_default(),
        attr,
    }
}

fn compile(w: &Workflow) -> Result<Compiled, RouteError> {
    Compiled::new(w).map_err(|e| match e {
        CompileError::TooComplex(t) => RouteError::TooComplex(t),
    })
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
    let c = compile(w)?;
    let space = Space::new(&w.attributes);
    let n = c.node_of(start).ok_or(RouteError::NoStart)?;
    let known = Known {
        set: space.known(case),
        concrete: Some(case.clone()),
    };
    let mut out = Vec::new();
    explore(w, &c, n, known, &mut out)?;
    out.pop().map(|(r, _)| r).ok_or(RouteError::NoStart)
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
    let c = compile(w)?;
    if c.starts.is_empty() {
        return Err(RouteError::NoStart);
    }
    let start_ids = c
        .starts
        .iter()
        .filter_map(|s| c.node_ids.get(*s as usize).cloned())
        .collect();
    let mut finished = Vec::new();
    for s in &c.starts {
        let known = Known {
            set: space.full(),
            concrete: None,
        };
        explore(w, &c, *s, known, &mut finished)?;
    }
    let mut rows: Vec<(Route, CaseSet)> = Vec::new();
    for (route, set) in finished {
        match rows.iter_mut().find(|(r, _)| *r == route) {
            Some((_, s)) => *s = s.union(&set)?,
            None => rows.push((route, set)),
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
