//! Validation: everything that can be wrong with a workflow, as data.
//!
//! [`validate`] never fails; it returns a [`Report`] of [`Diagnostic`]s, each with a
//! stable code. Errors mean cases can get stuck, loop forever or go an ambiguous way;
//! warnings mean something is probably a mistake. The codes:
//!
//! | code | severity | meaning |
//! | --- | --- | --- |
//! | `syntax`, `schema`, `version` | error | the file cannot be read (from [`check`]) |
//! | `no-start`, `no-end` | error | the workflow has no start node / no end node |
//! | `duplicate-id` | error | two nodes, edges or SLA rules share an id |
//! | `undefined-node`, `undefined-role`, `undefined-calendar`, `undefined-attribute`, `undefined-value` | error | a reference to something that does not exist |
//! | `type-mismatch` | error | a numeric comparison on a text attribute |
//! | `edge-into-start`, `edge-out-of-end` | error | a start with a way in, an end with a way out |
//! | `dead-end` | error | a node that is not an end has no way out |
//! | `several-exits` | error | a node other than a decision or fork has more than one way out |
//! | `guard-outside-decision`, `missing-guard`, `guard-and-otherwise`, `several-otherwise` | error | misplaced or missing branch conditions |
//! | `fork-arity`, `join-arity` | error | a fork with fewer than two branches, a join with fewer than two ways in |
//! | `fork-without-join`, `fork-join-mismatch`, `join-without-fork`, `join-outside-fork` | error | forks and joins that do not pair up |
//! | `cycle-without-exit` | error | a cycle that no case can leave |
//! | `unbounded-loop` | error | a cycle without an edge `limit` |
//! | `limit-zero` | error | an edge with `"limit": 0` can never be taken |
//! | `escalation-cycle` | error | roles escalate to each other in a circle |
//! | `decision-gap` | error | some case that reaches a decision matches no branch |
//! | `decision-overlap` | error | some case matches two branches of an exclusive decision |
//! | `dead-branch` | warning | a branch no case can take |
//! | `single-branch` | warning | a decision with one branch |
//! | `unreachable` | warning | no path from a start reaches the node |
//! | `limit-outside-loop` | warning | a `limit` on an edge that is not part of a cycle |
//! | `unused-role`, `unused-attribute`, `unused-calendar` | warning | declared but never used |
//! | `no-staff` | warning | a role with tasks but no staff |
//! | `empty-milestone` | warning | an escalation milestone that does nothing |
//! | `coverage-too-complex` | warning | decision coverage was not checked exhaustively |
//! | `calendar-never-open` | error | a calendar with hours that never open |
//! | `mix-shape`, `mix-weight` | error | joint-table rows that name different attributes, or unusable weights |
//! | `sla-infeasible` | error | even the fastest work on a route breaches an SLA rule (see [`crate::analysis::feasibility`]) |
//! | `sla-at-risk` | warning | typical work on a route breaches an SLA rule whenever the case arrives |
//! | `sla-breach-window` | warning | typical work breaches an SLA rule for cases arriving in part of the week |

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use indexmap::IndexMap;

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::analysis::diagnostic::{Diagnostic, Location, Report};
use crate::analysis::space::{CaseSet, Space, TooComplex};
use crate::analysis::structure::{PairProblem, pair_forks};
use crate::model::error::{ParseError, suggest};
use crate::model::guard::{Guard, Test};
use crate::model::value::format_assignment;
use crate::model::workflow::{EdgeSlot, Workflow};
use crate::model::{Matching, NodeKind, WaitFor};
use crate::util::dense::{DenseMap, Names, NodeMap, NodeSet};

/// Reads and validates a workflow file. A file that cannot be read gives one diagnostic
/// (`syntax`, `schema` or `version`) with its JSON path, line and column.
pub fn check(text: &str) -> Report {
    match Workflow::from_json(text) {
        Ok(w) => validate(&w),
        Err(e) => Report {
            diagnostics: vec![Diagnostic::from(&e)],
        },
    }
}

impl From<&ParseError> for Diagnostic {
    fn from(e: &ParseError) -> Self {
        let mut loc = Location::path(e.path.clone());
        if e.line > 0 {
            loc.line = Some(e.line);
            loc.column = Some(e.column);
        }
        Diagnostic::error(e.kind.code(), e.message.clone(), loc)
    }
}

/// Validates a workflow: structure, references, loops, forks and joins, and decision
/// coverage over the attribute domains. Errors come first, then warnings, each in the
/// order found.
pub fn validate(w: &Workflow) -> Report {
    let mut report = validate_structure(w);
    // Timing analysis needs a sound graph: only run it when nothing else is an error.
    if !report.has_errors() {
        report
            .diagnostics
            .extend(crate::analysis::feasibility::sla_feasibility(w));
        crate::util::sort::sort_by_key(&mut report.diagnostics, |d| d.severity);
    }
    report
}

/// Everything [`validate`] checks except SLA feasibility: what must hold for the workflow
/// to run at all (the simulator requires this to be free of errors).
pub fn validate_structure(w: &Workflow) -> Report {
    let mut v = Validator {
        w,
        node_pos: {
            let mut pos = NodeMap::default();
            for (i, (ix, _)) in w.nodes().enumerate() {
                pos.insert(ix, i);
            }
            pos
        },
        edge_seqs: w.edges().iter().map(|(_, slot)| slot.seq).collect(),
        out: Vec::new(),
        space: Space::new(&w.attributes),
        bad_guards: Vec::new(),
    };
    v.ids();
    v.references();
    v.shape();
    v.forks();
    v.reachability();
    v.cycles();
    v.coverage();
    v.unused();
    v.escalation();
    v.calendars();
    let mut diagnostics = v.out;
    crate::util::sort::sort_by_key(&mut diagnostics, |d| d.severity);
    Report { diagnostics }
}

/// Where a finding is, named cheaply: the location is built only for a finding.
enum At<'w> {
    Node(NodeIndex),
    Edge(&'w EdgeSlot, &'static str),
    Loc(Location),
}

struct Validator<'w> {
    w: &'w Workflow,
    /// Each node's and edge's place in the file, computed once (locations are built for
    /// every check, found or not).
    node_pos: NodeMap<usize>,
    /// The edges' sequence numbers in file order (ascending): an edge's place is where
    /// its number is.
    edge_seqs: Vec<u64>,
    out: Vec<Diagnostic>,
    space: Space,
    /// Edges whose guards refer to unknown attributes or values: coverage skips them.
    bad_guards: Vec<u64>,
}

/// Each node reachable from `starts`, numbered in reverse postorder of a depth-first search
/// (in a graph without cycles, every node comes after all its predecessors).
fn reverse_postorder(w: &Workflow, starts: &[NodeIndex]) -> NodeMap<usize> {
    let mut post = Vec::new();
    let mut seen = NodeSet::new();
    for &s in starts {
        if !seen.insert(s) {
            continue;
        }
        // (node, its successors, how many of them are done)
        let mut stack = vec![(s, w.outgoing(s), 0)];
        while let Some((u, outs, i)) = stack.last_mut() {
            if let Some(&(_, v, _)) = outs.get(*i) {
                *i += 1;
                if seen.insert(v) {
                    let next = w.outgoing(v);
                    stack.push((v, next, 0));
                }
            } else {
                post.push(*u);
                stack.pop();
            }
        }
    }
    let n = post.len();
    let mut rank = NodeMap::default();
    for (i, ix) in post.into_iter().enumerate() {
        rank.insert(ix, n - 1 - i);
    }
    rank
}

fn quoted(ids: &[&str]) -> String {
    ids.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(word, candidates)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default()
}

impl<'w> Validator<'w> {
    fn at(&self, at: &At<'w>) -> Location {
        match at {
            At::Node(ix) => self.node_loc(*ix),
            At::Edge(slot, field) => self.edge_loc(slot, field),
            At::Loc(loc) => loc.clone(),
        }
    }

    fn node_loc(&self, ix: NodeIndex) -> Location {
        let pos = self
            .node_pos
            .get(ix)
            .copied()
            .unwrap_or_else(|| self.w.node_position(ix));
        Location::path(format!("nodes[{pos}]")).with_node(self.w.node(ix).id.clone())
    }

    fn edge_loc(&self, slot: &EdgeSlot, field: &str) -> Location {
        let pos = self
            .edge_seqs
            .binary_search(&slot.seq)
            .unwrap_or_else(|_| self.w.edge_position(slot.seq));
        Location::path(format!("edges[{pos}]{field}")).with_edge(slot.edge.display_id())
    }

    /// The ids of a set of nodes in file order, and the first of them.
    fn in_file_order(&self, nodes: &[NodeIndex]) -> (Vec<&'w str>, Option<NodeIndex>) {
        let mut ordered: Vec<(usize, NodeIndex)> = nodes
            .iter()
            .map(|n| (self.node_pos.get(*n).copied().unwrap_or(usize::MAX), *n))
            .collect();
        crate::util::sort::sort(&mut ordered);
        (
            ordered.iter().map(|(_, n)| self.name(*n)).collect(),
            ordered.first().map(|(_, n)| *n),
        )
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn name(&self, ix: NodeIndex) -> &'w str {
        &self.w.node(ix).id
    }

    // ---- ids ------------------------------------------------------------------------

    fn ids(&mut self) {
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        let nodes: Vec<_> = self.w.nodes().collect();
        for (pos, (ix, node)) in nodes.iter().enumerate() {
            if let Some(first) = seen.insert(&node.id, pos) {
                seen.insert(&node.id, first);
                let msg = format!("node id \"{}\" is already used by nodes[{first}]", node.id);
                self.push(Diagnostic::error("duplicate-id", msg, self.node_loc(*ix)));
            }
        }
        let edges = self.w.edges();
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        for (pos, (_, slot)) in edges.iter().enumerate() {
            if let Some(id) = &slot.edge.id {
                if let Some(first) = seen.get(id.as_str()) {
                    let msg = format!("edge id \"{id}\" is already used by edges[{first}]");
                    self.push(Diagnostic::error(
                        "duplicate-id",
                        msg,
                        self.edge_loc(slot, ""),
                    ));
                } else {
                    seen.insert(id, pos);
                }
            }
        }
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        for (i, sla) in self.w.slas.iter().enumerate() {
            if let Some(first) = seen.get(sla.id.as_str()) {
                let msg = format!(
                    "SLA rule id \"{}\" is already used by slas[{first}]",
                    sla.id
                );
                self.push(Diagnostic::error(
                    "duplicate-id",
                    msg,
                    Location::path(format!("slas[{i}]")),
                ));
            } else {
                seen.insert(&sla.id, i);
            }
        }
    }

    // ---- references -----------------------------------------------------------------

    fn role_ref(&mut self, role: &str, at: At<'w>, what: impl Fn() -> String) {
        if !self.w.roles.contains_key(role) {
            let msg = format!(
                "{} names role \"{role}\", which is not defined{}",
                what(),
                did_you_mean(role, self.w.roles.keys().map(String::as_str))
            );
            self.push(Diagnostic::error("undefined-role", msg, self.at(&at)));
        }
    }

    fn calendar_ref(&mut self, cal: &str, at: At<'w>, what: impl Fn() -> String) {
        if cal != "24/7" && !self.w.calendars.contains_key(cal) {
            let msg = format!(
                "{} names calendar \"{cal}\", which is not defined{}",
                what(),
                did_you_mean(cal, self.w.calendars.keys().map(String::as_str))
            );
            self.push(Diagnostic::error("undefined-calendar", msg, self.at(&at)));
        }
    }

    fn node_ref(&mut self, id: &str, at: At<'w>, what: impl Fn() -> String) {
        if self.w.node_index(id).is_none() {
            let msg = format!(
                "{} names node \"{id}\", which does not exist{}",
                what(),
                did_you_mean(id, self.w.nodes().map(|(_, n)| n.id.as_str()))
            );
            self.push(Diagnostic::error("undefined-node", msg, self.at(&at)));
        }
    }

    /// Checks a guard's attributes and values; returns false when it has errors.
    fn guard_refs(&mut self, g: &Guard, at: &At<'w>) -> bool {
        let mut ok = true;
        let mut tests: Vec<(&str, &Test)> = Vec::new();
        g.for_each_test(&mut |a, t| tests.push((a, t)));
        for (attr, test) in tests {
            let Some(a) = self.w.attributes.get(attr) else {
                let msg = format!(
                    "guard reads attribute \"{attr}\", which is not defined{}",
                    did_you_mean(attr, self.w.attributes.keys().map(String::as_str))
                );
                self.push(Diagnostic::error("undefined-attribute", msg, self.at(at)));
                ok = false;
                continue;
            };
            if matches!(test, Test::Cmp(..)) && !a.is_numeric() {
                let msg = format!(
                    "guard compares attribute \"{attr}\" with a number, but its values are text"
                );
                self.push(Diagnostic::error("type-mismatch", msg, self.at(at)));
                ok = false;
            }
            for lit in test.literals() {
                if a.position(lit).is_none() {
                    let names = a.value_names();
                    let msg = format!(
                        "attribute \"{attr}\" has no value \"{lit}\"; expected one of {}{}",
                        names.join(", "),
                        did_you_mean(&lit.to_string(), names.iter().map(String::as_str))
                    );
                    self.push(Diagnostic::error("undefined-value", msg, self.at(at)));
                    ok = false;
                }
            }
        }
        ok
    }

    fn references(&mut self) {
        let w = self.w;
        for (_, slot) in w.edges() {
            for (end, field) in [(&slot.edge.from, ".from"), (&slot.edge.to, ".to")] {
                self.node_ref(end, At::Edge(slot, field), || {
                    format!("edge \"{}\"", slot.edge.display_id())
                });
            }
            if let Some(g) = &slot.edge.when
                && !self.guard_refs(g, &At::Edge(slot, ".when"))
            {
                self.bad_guards.push(slot.seq);
            }
        }
        for (ix, node) in w.nodes() {
            match &node.kind {
                NodeKind::Task { role, .. } => {
                    self.role_ref(role, At::Node(ix), || format!("task \"{}\"", node.id));
                }
                NodeKind::Notify { roles, .. } => {
                    for r in roles {
                        self.role_ref(r, At::Node(ix), || format!("notify node \"{}\"", node.id));
                    }
                }
                NodeKind::Wait {
                    calendar: Some(c), ..
                } => {
                    self.calendar_ref(c, At::Node(ix), || format!("wait node \"{}\"", node.id));
                }
                NodeKind::Start {
                    arrivals:
                        Some(crate::model::arrivals::Arrivals {
                            calendar: Some(c), ..
                        }),
                    ..
                } => {
                    self.calendar_ref(c, At::Node(ix), || {
                        format!("arrivals of start \"{}\"", node.id)
                    });
                }
                _ => {}
            }
        }
        for (id, role) in w.roles.iter() {
            let loc = Location::path(format!("roles.{id}"));
            if let Some(c) = &role.calendar {
                self.calendar_ref(c, At::Loc(loc.clone()), || format!("role \"{id}\""));
            }
            if let Some(t) = &role.escalates_to {
                self.role_ref(t, At::Loc(loc), || format!("role \"{id}\" escalates_to"));
            }
        }
        self.mix();
        for (i, sla) in w.slas.iter().enumerate() {
            let loc = |f: &str| Location::path(format!("slas[{i}]{f}"));
            let what = format!("SLA rule \"{}\"", sla.id);
            if let Some(g) = &sla.when {
                self.guard_refs(g, &At::Loc(loc(".when")));
            }
            if let Some(c) = &sla.calendar {
                self.calendar_ref(c, At::Loc(loc(".calendar")), || what.clone());
            }
            for n in sla.start.nodes() {
                self.node_ref(n, At::Loc(loc(".start")), || what.clone());
            }
            for n in sla.stop.nodes() {
                self.node_ref(n, At::Loc(loc(".stop")), || what.clone());
            }
            for n in sla.pause.iter() {
                self.node_ref(n, At::Loc(loc(".pause")), || what.clone());
            }
            for (j, m) in sla.escalation.iter().enumerate() {
                let mloc = loc(&format!(".escalation[{j}]"));
                for r in m.notify.iter() {
                    self.role_ref(r, At::Loc(mloc.clone()), || what.clone());
                }
                if let Some(r) = &m.reassign {
                    self.role_ref(r, At::Loc(mloc.clone()), || what.clone());
                }
                if m.is_empty() {
                    let msg = format!(
                        "milestone at {} of {what} does nothing; add notify, notify_manager, reassign, flag or raise_priority",
                        m.at
                    );
                    self.push(Diagnostic::warning("empty-milestone", msg, mloc));
                }
            }
        }
    }

    // ---- shape ----------------------------------------------------------------------

    fn shape(&mut self) {
        let w = self.w;
        let mut starts = 0;
        let mut ends = 0;
        for (ix, node) in w.nodes() {
            let outs = w.outgoing(ix);
            let ins = w.incoming(ix);
            let id = &node.id;
            match &node.kind {
                NodeKind::Start { .. } => {
                    starts += 1;
                    if !ins.is_empty() {
                        let msg = format!(
                            "start node \"{id}\" has a way in (from \"{}\"); cases only enter at a start",
                            w.node(ins[0].1).id
                        );
                        self.push(Diagnostic::error("edge-into-start", msg, self.node_loc(ix)));
                    }
                }
                NodeKind::End { .. } => {
                    ends += 1;
                    if !outs.is_empty() {
                        let msg = format!("end node \"{id}\" has a way out; a case ends here");
                        self.push(Diagnostic::error("edge-out-of-end", msg, self.node_loc(ix)));
                    }
                }
                NodeKind::Fork if outs.len() < 2 => {
                    let msg = format!(
                        "fork \"{id}\" has {} branch(es); a fork starts two or more",
                        outs.len()
                    );
                    self.push(Diagnostic::error("fork-arity", msg, self.node_loc(ix)));
                }
                NodeKind::Join if ins.len() < 2 => {
                    let msg = format!(
                        "join \"{id}\" has {} way(s) in; a join merges two or more branches",
                        ins.len()
                    );
                    self.push(Diagnostic::error("join-arity", msg, self.node_loc(ix)));
                }
                _ => {}
            }
            let is_end = matches!(node.kind, NodeKind::End { .. });
            if outs.is_empty() && !is_end {
                let msg = format!(
                    "{} \"{id}\" has no way out; connect it onward or make it an end",
                    node.kind.name()
                );
                self.push(Diagnostic::error("dead-end", msg, self.node_loc(ix)));
            }
            let branches = matches!(node.kind, NodeKind::Decision { .. } | NodeKind::Fork);
            if outs.len() > 1 && !branches && !is_end {
                let targets: Vec<&str> = outs
                    .iter()
                    .map(|(_, t, _)| w.node(*t).id.as_str())
                    .collect();
                let msg = format!(
                    "{} \"{id}\" has {} ways out ({}); only decisions and forks branch",
                    node.kind.name(),
                    outs.len(),
                    quoted(&targets)
                );
                self.push(Diagnostic::error("several-exits", msg, self.node_loc(ix)));
            }
            if let NodeKind::Decision { .. } = node.kind {
                self.decision_shape(ix, &outs);
            } else {
                for (_, _, slot) in &outs {
                    if slot.edge.when.is_some() || slot.edge.otherwise {
                        let msg = format!(
                            "edge \"{}\" has a branch condition, but \"{id}\" is a {}, not a decision",
                            slot.edge.display_id(),
                            node.kind.name()
                        );
                        self.push(Diagnostic::error(
                            "guard-outside-decision",
                            msg,
                            self.edge_loc(slot, ""),
                        ));
                    }
                }
            }
            for (_, _, slot) in &outs {
                if slot.edge.limit == Some(0) {
                    let msg = format!(
                        "edge \"{}\" has \"limit\": 0 and can never be taken",
                        slot.edge.display_id()
                    );
                    self.push(Diagnostic::error(
                        "limit-zero",
                        msg,
                        self.edge_loc(slot, ".limit"),
                    ));
                }
            }
        }
        if starts == 0 {
            self.push(Diagnostic::error(
                "no-start",
                "the workflow has no start node; cases cannot enter",
                Location::path("nodes"),
            ));
        }
        if ends == 0 {
            self.push(Diagnostic::error(
                "no-end",
                "the workflow has no end node; cases cannot finish",
                Location::path("nodes"),
            ));
        }
    }

    fn decision_shape(&mut self, ix: NodeIndex, outs: &[(EdgeIndex, NodeIndex, &EdgeSlot)]) {
        let id = self.name(ix);
        let mut otherwise = Vec::new();
        for (_, _, slot) in outs {
            let e = &slot.edge;
            match (&e.when, e.otherwise) {
                (Some(_), true) => {
                    let msg = format!(
                        "edge \"{}\" has both \"when\" and \"otherwise\"; keep one",
                        e.display_id()
                    );
                    self.push(Diagnostic::error(
                        "guard-and-otherwise",
                        msg,
                        self.edge_loc(slot, ""),
                    ));
                }
                (None, false) => {
                    let msg = format!(
                        "branch \"{}\" of decision \"{id}\" has no condition; add \"when\" or \"otherwise\": true",
                        e.display_id()
                    );
                    self.push(Diagnostic::error(
                        "missing-guard",
                        msg,
                        self.edge_loc(slot, ""),
                    ));
                }
                (None, true) => otherwise.push(*slot),
                _ => {}
            }
        }
        if otherwise.len() > 1 {
            let msg = format!(
                "decision \"{id}\" has {} \"otherwise\" branches; it may have one",
                otherwise.len()
            );
            self.push(Diagnostic::error(
                "several-otherwise",
                msg,
                self.edge_loc(otherwise[1], ""),
            ));
        }
        if outs.len() == 1 {
            let msg = format!("decision \"{id}\" has a single branch; it decides nothing");
            self.push(Diagnostic::warning("single-branch", msg, self.node_loc(ix)));
        }
    }

    // ---- forks and joins ------------------------------------------------------------

    fn forks(&mut self) {
        let pairs = pair_forks(self.w);
        for p in pairs.problems {
            let d = match p {
                PairProblem::ForkWithoutJoin(f) => Diagnostic::error(
                    "fork-without-join",
                    format!(
                        "no branch of fork \"{}\" reaches a join; parallel branches must merge at a join",
                        self.name(f)
                    ),
                    self.node_loc(f),
                ),
                PairProblem::Mismatch { fork, joins, stray } => {
                    let js: Vec<&str> = joins.iter().map(|j| self.name(*j)).collect();
                    let ss: Vec<&str> = stray.iter().map(|s| self.name(*s)).collect();
                    let msg = if js.len() > 1 {
                        format!(
                            "the branches of fork \"{}\" reach different joins ({}); they must merge at one",
                            self.name(fork),
                            quoted(&js)
                        )
                    } else {
                        format!(
                            "the branch of fork \"{}\" through {} never reaches join {}",
                            self.name(fork),
                            quoted(&ss),
                            quoted(&js)
                        )
                    };
                    Diagnostic::error("fork-join-mismatch", msg, self.node_loc(fork))
                }
                PairProblem::JoinWithoutFork(j) => Diagnostic::error(
                    "join-without-fork",
                    format!(
                        "join \"{}\" closes no fork; it would wait forever",
                        self.name(j)
                    ),
                    self.node_loc(j),
                ),
                PairProblem::JoinFromOutside { join, from } => Diagnostic::error(
                    "join-outside-fork",
                    format!(
                        "\"{}\" enters join \"{}\" from outside the branches of its fork",
                        self.name(from),
                        self.name(join)
                    ),
                    self.node_loc(join),
                ),
                PairProblem::SharedJoin { join, forks } => {
                    let fs: Vec<&str> = forks.iter().map(|f| self.name(*f)).collect();
                    Diagnostic::error(
                        "fork-join-mismatch",
                        format!(
                            "join \"{}\" closes several forks ({}); give each fork its own join",
                            self.name(join),
                            quoted(&fs)
                        ),
                        self.node_loc(join),
                    )
                }
            };
            self.push(d);
        }
    }

    // ---- reachability and cycles ----------------------------------------------------

    fn reachability(&mut self) {
        let w = self.w;
        let mut seen = NodeSet::new();
        let mut queue: VecDeque<NodeIndex> = w
            .nodes()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Start { .. }))
            .map(|(ix, _)| ix)
            .collect();
        for &s in &queue {
            seen.insert(s);
        }
        while let Some(n) = queue.pop_front() {
            for (_, t, _) in w.outgoing(n) {
                if seen.insert(t) {
                    queue.push_back(t);
                }
            }
        }
        if seen.is_empty() {
            return;
        }
        for (ix, node) in w.nodes() {
            if !seen.contains(ix) {
                let msg = format!(
                    "no path from a start reaches {} \"{}\"",
                    node.kind.name(),
                    node.id
                );
                self.push(Diagnostic::warning("unreachable", msg, self.node_loc(ix)));
            }
        }
    }

    fn cycles(&mut self) {
        let w = self.w;
        let g = w.graph();
        let sccs = crate::analysis::scc::tarjan_scc(g, |_| true);
        let mut comp: NodeMap<usize> = NodeMap::default();
        for (i, scc) in sccs.iter().enumerate() {
            for n in scc {
                comp.insert(*n, i);
            }
        }
        let is_cycle = |scc: &[NodeIndex]| {
            scc.len() > 1
                || scc
                    .iter()
                    .any(|n| w.outgoing(*n).iter().any(|(_, t, _)| t == n))
        };
        let mut trapped = vec![false; sccs.len()];
        for (i, scc) in sccs.iter().enumerate() {
            if !is_cycle(scc) {
                continue;
            }
            let exits = scc.iter().any(|n| {
                w.outgoing(*n)
                    .iter()
                    .any(|(_, t, _)| comp.get(*t) != Some(&i))
            });
            let has_end = scc
                .iter()
                .any(|n| matches!(w.node(*n).kind, NodeKind::End { .. }));
            if !exits && !has_end {
                let (names, first) = self.in_file_order(scc);
                if let Some(first) = first {
                    let msg = format!(
                        "nodes {} form a cycle that no case can leave; add a way out",
                        quoted(&names)
                    );
                    self.push(Diagnostic::error(
                        "cycle-without-exit",
                        msg,
                        self.node_loc(first),
                    ));
                }
                if let Some(t) = trapped.get_mut(i) {
                    *t = true;
                }
            }
        }
        // Loops must be bounded: without the limited edges, no cycle may remain.
        let unlimited = |slot: &EdgeSlot| slot.edge.limit.is_none();
        for scc in crate::analysis::scc::tarjan_scc(g, unlimited) {
            let cyc = scc.len() > 1
                || scc.iter().any(|n| {
                    w.outgoing(*n)
                        .iter()
                        .any(|(_, t, slot)| t == n && unlimited(slot))
                });
            if !cyc
                || scc
                    .iter()
                    .any(|n| comp.get(*n).is_some_and(|c| trapped.get(*c) == Some(&true)))
            {
                continue;
            }
            let (names, first) = self.in_file_order(&scc);
            if let Some(first) = first {
                let msg = format!(
                    "nodes {} form a loop with no limit: a case that goes round once goes round forever (attributes do not change); give one of its edges a \"limit\"",
                    quoted(&names)
                );
                self.push(Diagnostic::error(
                    "unbounded-loop",
                    msg,
                    self.node_loc(first),
                ));
            }
        }
        for (_, slot) in w.edges() {
            let (Some(a), Some(b)) = (w.node_index(&slot.edge.from), w.node_index(&slot.edge.to))
            else {
                continue;
            };
            if slot.edge.limit.is_some_and(|l| l > 0) && comp.get(a) != comp.get(b) {
                let msg = format!(
                    "edge \"{}\" has a \"limit\" but is not part of a loop; a case takes it at most once anyway",
                    slot.edge.display_id()
                );
                self.push(Diagnostic::warning(
                    "limit-outside-loop",
                    msg,
                    self.edge_loc(slot, ".limit"),
                ));
            }
        }
    }

    // ---- decision coverage ----------------------------------------------------------

    fn coverage(&mut self) {
        // One budget for every decision of the workflow.
        let (result, _) =
            crate::analysis::space::with_work_budget(crate::analysis::space::MAX_WORK, || {
                self.try_coverage()
            });
        match result {
            Ok(()) => {}
            Err((ix, TooComplex)) => {
                let msg = format!(
                    "the guards around decision \"{}\" are too complex to check every case; coverage was not fully checked",
                    self.name(ix)
                );
                self.push(Diagnostic::warning(
                    "coverage-too-complex",
                    msg,
                    self.node_loc(ix),
                ));
            }
        }
    }

    /// For each decision, what each branch accepts in each state of its limited edges.
    fn branch_sets(
        &self,
        ix: NodeIndex,
        guards: &DenseMap<EdgeIndex, CaseSet>,
    ) -> Result<Vec<Config>, TooComplex> {
        let outs = self.w.outgoing(ix);
        let limited: Vec<EdgeIndex> = outs
            .iter()
            .filter(|(_, _, s)| s.edge.limit.is_some())
            .map(|(e, _, _)| *e)
            .collect();
        let mut exhausted_sets: Vec<Vec<EdgeIndex>> = vec![Vec::new()];
        for l in &limited {
            exhausted_sets.push(vec![*l]);
        }
        if limited.len() > 1 {
            exhausted_sets.push(limited.clone());
        }
        let mut configs = Vec::new();
        for exhausted in exhausted_sets {
            let mut taken = self.space.empty();
            let mut accepts = Vec::new();
            let mut otherwise = None;
            for (e, _, slot) in &outs {
                if exhausted.contains(e) {
                    continue;
                }
                if slot.edge.otherwise && slot.edge.when.is_none() {
                    otherwise = Some(*e);
                    continue;
                }
                let Some(g) = guards.get(*e) else { continue };
                let take = g.subtract(&taken)?;
                taken = taken.union(g)?;
                accepts.push((*e, take));
            }
            if let Some(o) = otherwise {
                accepts.push((o, self.space.full().subtract(&taken)?));
            }
            configs.push(Config {
                exhausted,
                accepts,
                covered: taken,
                has_otherwise: otherwise.is_some(),
            });
        }
        Ok(configs)
    }

    fn try_coverage(&mut self) -> Result<(), (NodeIndex, TooComplex)> {
        let w = self.w;
        // Guard sets for decision edges whose guards are well-formed.
        let mut guards: DenseMap<EdgeIndex, CaseSet> = DenseMap::default();
        let mut decisions = Vec::new();
        for (ix, node) in w.nodes() {
            if !matches!(node.kind, NodeKind::Decision { .. }) {
                continue;
            }
            decisions.push(ix);
            for (e, _, slot) in w.outgoing(ix) {
                if let Some(g) = &slot.edge.when {
                    if self.bad_guards.contains(&slot.seq) {
                        continue;
                    }
                    guards.insert(e, self.space.guard_set(g).map_err(|t| (ix, t))?);
                }
            }
        }
        let mut configs: NodeMap<Vec<Config>> = NodeMap::default();
        for &d in &decisions {
            configs.insert(d, self.branch_sets(d, &guards).map_err(|t| (d, t))?);
        }
        // What each edge of a decision lets through, over all states of its limits.
        let mut passes: DenseMap<EdgeIndex, CaseSet> = DenseMap::default();
        for cs in configs.values() {
            for c in cs {
                for (e, set) in &c.accepts {
                    let merged = match passes.get(*e) {
                        Some(s) => s.union(set),
                        None => Ok(set.clone()),
                    };
                    let d = w
                        .graph()
                        .edge_endpoints(*e)
                        .map(|(a, _)| a)
                        .unwrap_or_default();
                    passes.insert(*e, merged.map_err(|t| (d, t))?);
                }
            }
        }
        // Data flow: the cases that can reach each node. Nodes are taken in reverse
        // postorder, so a node is usually visited once all its ways in are known.
        let mut reach: NodeMap<CaseSet> = NodeMap::default();
        let starts: Vec<NodeIndex> = w
            .nodes()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Start { .. }))
            .map(|(ix, _)| ix)
            .collect();
        let rank = reverse_postorder(w, &starts);
        let mut queue = BinaryHeap::new();
        let mut queued = NodeSet::new();
        for &ix in &starts {
            reach.insert(ix, self.space.full());
            queue.push(Reverse((rank.get(ix).copied().unwrap_or(usize::MAX), ix)));
            queued.insert(ix);
        }
        while let Some(Reverse((_, u))) = queue.pop() {
            queued.remove(u);
            let Some(here) = reach.get(u).cloned() else {
                continue;
            };
            let is_decision = matches!(w.node(u).kind, NodeKind::Decision { .. });
            for (e, v, _) in w.outgoing(u) {
                let flow = if is_decision {
                    match passes.get(e) {
                        Some(p) => here.intersect(p).map_err(|t| (u, t))?,
                        None => continue,
                    }
                } else {
                    here.clone()
                };
                if flow.is_empty() {
                    continue;
                }
                let grown = match reach.get(v) {
                    Some(old) if flow.is_subset(old).map_err(|t| (u, t))? => None,
                    Some(old) => Some(old.union(&flow).map_err(|t| (u, t))?),
                    None => Some(flow),
                };
                if let Some(g) = grown {
                    reach.insert(v, g);
                    if queued.insert(v) {
                        queue.push(Reverse((rank.get(v).copied().unwrap_or(usize::MAX), v)));
                    }
                }
            }
        }
        for d in decisions {
            let Some(r) = reach.get(d).cloned() else {
                continue;
            };
            let cs = configs.remove(d).unwrap_or_default();
            self.check_decision(d, &r, &cs, &guards)
                .map_err(|t| (d, t))?;
        }
        Ok(())
    }

    fn check_decision(
        &mut self,
        d: NodeIndex,
        reach: &CaseSet,
        configs: &[Config],
        guards: &DenseMap<EdgeIndex, CaseSet>,
    ) -> Result<(), TooComplex> {
        let w = self.w;
        let id = self.name(d);
        let outs = w.outgoing(d);
        // Skip decisions with broken guards: their sets would be misleading.
        if outs
            .iter()
            .any(|(_, _, s)| self.bad_guards.contains(&s.seq))
        {
            return Ok(());
        }
        let matching = match w.node(d).kind {
            NodeKind::Decision { matching, .. } => matching,
            _ => Matching::Exclusive,
        };
        // Gaps, in every state of the limits.
        for c in configs {
            if c.has_otherwise {
                continue;
            }
            let gap = reach.subtract(&c.covered)?;
            if gap.is_empty() {
                continue;
            }
            let example = self.space.witness(&gap).unwrap_or_default();
            let who = if example.is_empty() {
                "any case".to_string()
            } else {
                format_assignment(&example)
            };
            let when = if c.exhausted.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = c
                    .exhausted
                    .iter()
                    .map(|e| {
                        let s = w.edge(*e);
                        format!(
                            "\"{}\" (limit {})",
                            s.edge.display_id(),
                            s.edge.limit.unwrap_or(0)
                        )
                    })
                    .collect();
                format!(
                    " once {} {} been used up",
                    names.join(" and "),
                    if names.len() > 1 { "have" } else { "has" }
                )
            };
            let msg = format!(
                "decision \"{id}\" has no branch for {who}{when}; add a branch or an \"otherwise\""
            );
            self.push(
                Diagnostic::error("decision-gap", msg, self.node_loc(d)).with_example(example),
            );
        }
        // Overlaps in an exclusive decision.
        if matching == Matching::Exclusive {
            let guarded: Vec<(&EdgeSlot, &CaseSet)> = outs
                .iter()
                .filter_map(|(e, _, s)| guards.get(*e).map(|g| (*s, g)))
                .collect();
            for (i, (si, gi)) in guarded.iter().enumerate() {
                let ri = reach.intersect(gi)?;
                for (sj, gj) in guarded.iter().skip(i + 1) {
                    let both = ri.intersect(gj)?;
                    if both.is_empty() {
                        continue;
                    }
                    let example = self.space.witness(&both).unwrap_or_default();
                    let msg = format!(
                        "branches \"{}\" and \"{}\" of decision \"{id}\" both accept {}; make the conditions exclusive, or set \"match\": \"first\" on the decision",
                        si.edge.display_id(),
                        sj.edge.display_id(),
                        if example.is_empty() {
                            "every case".into()
                        } else {
                            format_assignment(&example)
                        }
                    );
                    self.push(
                        Diagnostic::error("decision-overlap", msg, self.edge_loc(sj, ".when"))
                            .with_example(example),
                    );
                }
            }
        }
        // Branches no case takes.
        for (e, _, slot) in &outs {
            if slot.edge.otherwise && slot.edge.when.is_none() {
                continue;
            }
            let mut ever = false;
            for c in configs {
                if let Some((_, set)) = c.accepts.iter().find(|(x, _)| x == e)
                    && !reach.intersect(set)?.is_empty()
                {
                    ever = true;
                    break;
                }
            }
            if ever || !guards.contains_key(*e) {
                continue;
            }
            let alone = guards
                .get(*e)
                .map(|g| reach.intersect(g))
                .transpose()?
                .is_some_and(|s| !s.is_empty());
            let why = if alone {
                "earlier branches take every case it accepts".to_string()
            } else {
                let cond = slot
                    .edge
                    .when
                    .as_ref()
                    .map(|g| g.to_string())
                    .unwrap_or_default();
                format!("no case that reaches \"{id}\" has {cond}")
            };
            let msg = format!(
                "branch \"{}\" of decision \"{id}\" is never taken: {why}",
                slot.edge.display_id()
            );
            self.push(Diagnostic::warning(
                "dead-branch",
                msg,
                self.edge_loc(slot, ".when"),
            ));
        }
        Ok(())
    }

    // ---- unused declarations ----------------------------------------------------------

    fn unused(&mut self) {
        let w = self.w;
        let mut roles_used = Names::default();
        let mut roles_working = Names::default();
        let mut cals_used = Names::default();
        let mut attrs_used = Names::default();
        for (_, n) in w.nodes() {
            match &n.kind {
                NodeKind::Task { role, .. } => {
                    roles_used.insert(role);
                    roles_working.insert(role);
                }
                NodeKind::Notify { roles, .. } => {
                    roles_used.extend(roles.iter().map(String::as_str))
                }
                NodeKind::Wait {
                    calendar: Some(c),
                    wait,
                } if !matches!(wait, WaitFor::Delay(_)) => {
                    cals_used.insert(c);
                }
                NodeKind::Start {
                    arrivals:
                        Some(crate::model::arrivals::Arrivals {
                            calendar: Some(c), ..
                        }),
                    ..
                } => {
                    cals_used.insert(c);
                }
                _ => {}
            }
        }
        for (_, slot) in w.edges() {
            if let Some(g) = &slot.edge.when {
                attrs_used.extend(g.attributes());
            }
        }
        for r in w.roles.values() {
            if let Some(c) = &r.calendar {
                cals_used.insert(c);
            }
        }
        for s in &w.slas {
            if let Some(g) = &s.when {
                attrs_used.extend(g.attributes());
            }
            if let Some(c) = &s.calendar {
                cals_used.insert(c);
            }
            for m in &s.escalation {
                roles_used.extend(m.notify.iter().map(String::as_str));
                if let Some(r) = &m.reassign {
                    roles_used.insert(r);
                }
            }
        }
        // Managers of used roles are used too: ladders and escalations reach them.
        let mut frontier: Vec<&str> = roles_used.iter().collect();
        while let Some(r) = frontier.pop() {
            if let Some(t) = w.roles.get(r).and_then(|x| x.escalates_to.as_deref())
                && roles_used.insert(t)
            {
                frontier.push(t);
            }
        }
        self.unused_ids(
            "unused-role",
            "roles",
            w.roles.keys(),
            &roles_used,
            "no task, notification or SLA uses it, and no role that is used escalates to it",
        );
        for (id, role) in w.roles.iter() {
            if role.staff == 0 && roles_working.contains(id.as_str()) {
                let msg = format!(
                    "role \"{id}\" has tasks but \"staff\": 0; its work would never be done"
                );
                self.push(Diagnostic::warning(
                    "no-staff",
                    msg,
                    Location::path(format!("roles.{id}.staff")),
                ));
            }
        }
        self.unused_ids(
            "unused-attribute",
            "attributes",
            w.attributes.keys(),
            &attrs_used,
            "no decision or SLA rule reads it",
        );
        self.unused_ids(
            "unused-calendar",
            "calendars",
            w.calendars.keys(),
            &cals_used,
            "no role, wait or SLA rule uses it",
        );
    }

    /// Warns about each id of a section (`roles`, ...) that is not in `used`.
    fn unused_ids<'a>(
        &mut self,
        code: &'static str,
        section: &str,
        ids: impl Iterator<Item = &'a String>,
        used: &Names<'_>,
        why: &str,
    ) {
        let noun = section.strip_suffix('s').unwrap_or(section);
        for id in ids {
            if !used.contains(id.as_str()) {
                let msg = format!("{noun} \"{id}\" is defined but {why}");
                self.push(Diagnostic::warning(
                    code,
                    msg,
                    Location::path(format!("{section}.{id}")),
                ));
            }
        }
    }

    /// The joint table: known attributes and values, the same attributes in every row,
    /// usable weights.
    fn mix(&mut self) {
        let w = self.w;
        let Some(first) = w.mix.first() else { return };
        let names: Vec<&String> = first.case.keys().collect();
        let mut total = 0.0;
        let mut overflowed = false;
        for (i, row) in w.mix.iter().enumerate() {
            let loc = Location::path(format!("mix[{i}]"));
            let here: Vec<&String> = row.case.keys().collect();
            let mut same = here.clone();
            crate::util::sort::sort(&mut same);
            let mut want = names.clone();
            crate::util::sort::sort(&mut want);
            if same != want {
                let msg = format!(
                    "mix[{i}] names {}, but mix[0] names {}; every row names the same attributes",
                    here.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                self.push(Diagnostic::error("mix-shape", msg, loc.clone()));
            }
            for (attr, value) in &row.case {
                let test = crate::model::guard::Test::Eq(value.clone());
                let g = Guard::Test {
                    attr: attr.clone(),
                    test,
                };
                self.guard_refs(&g, &At::Loc(loc.clone()));
            }
            if !row.weight.is_finite() || row.weight < 0.0 {
                let msg = format!(
                    "mix[{i}]: a weight must be a number >= 0; got {}",
                    crate::model::value::Num(row.weight)
                );
                self.push(Diagnostic::error("mix-weight", msg, loc));
            } else {
                total += row.weight;
                if !total.is_finite() && !overflowed {
                    overflowed = true;
                    let msg = format!(
                        "mix[{i}]: weight {} makes the total infinite; weights are relative numbers, e.g. 60 and 25",
                        crate::model::value::Num(row.weight)
                    );
                    self.push(Diagnostic::error("mix-weight", msg, loc));
                }
            }
        }
        if total <= 0.0 {
            let msg = "mix: at least one row needs a weight above zero".to_string();
            self.push(Diagnostic::error("mix-weight", msg, Location::path("mix")));
        }
    }

    fn calendars(&mut self) {
        for (id, cal) in self.w.calendars.iter() {
            if !cal.is_always_open() && cal.hours.iter().all(|(_, iv)| iv.is_empty()) {
                let msg = format!(
                    "calendar \"{id}\" has hours but is never open, so no business-time target on it can be reached; give it open intervals or drop \"hours\" for 24/7"
                );
                self.push(Diagnostic::error(
                    "calendar-never-open",
                    msg,
                    Location::path(format!("calendars.{id}.hours")),
                ));
            }
        }
    }

    fn escalation(&mut self) {
        let w = self.w;
        let mut reported: Vec<Vec<&str>> = Vec::new();
        for start in w.roles.keys() {
            let mut chain = vec![start.as_str()];
            let mut cur = start.as_str();
            while let Some(next) = w.roles.get(cur).and_then(|r| r.escalates_to.as_deref()) {
                if let Some(pos) = chain.iter().position(|c| *c == next) {
                    let mut cycle: Vec<&str> = chain[pos..].to_vec();
                    let mut key = cycle.clone();
                    crate::util::sort::sort(&mut key);
                    if !reported.contains(&key) {
                        reported.push(key);
                        cycle.push(next);
                        let msg = format!("roles escalate in a circle: {}", cycle.join(" → "));
                        self.push(Diagnostic::error(
                            "escalation-cycle",
                            msg,
                            Location::path(format!("roles.{next}.escalates_to")),
                        ));
                    }
                    break;
                }
                chain.push(next);
                cur = next;
            }
        }
    }
}

/// One state of a decision's limited edges and what each open branch takes in it.
#[derive(Default)]
struct Config {
    exhausted: Vec<EdgeIndex>,
    accepts: Vec<(EdgeIndex, CaseSet)>,
    covered: CaseSet,
    has_otherwise: bool,
}

impl Default for CaseSet {
    fn default() -> Self {
        CaseSet::none()
    }
}
