//! The engine: the compiled form of a workflow and the one set of rules that moves a case.
//!
//! A case is a set of tokens. [`start`] puts one on a start node; the engine moves tokens
//! through the nodes that need nobody (start, fork, join, decisions the driver decides at
//! once) and hands each token that needs something to its [`Driver`]: a task (work by a
//! role), a wait (a point in time), a notify step, a decision the driver wants to hold. The
//! driver later gives the token back with [`resume`] (the work is done, the wait released,
//! the roles told) or [`choose`] (a branch was picked). An end reached anywhere ends the case
//! and drops its other tokens; a node with no way on, or a decision with no branch for the
//! case, leaves the case stuck there ([`Stop`]); a case that takes more than [`MAX_STEPS`]
//! steps is stopped as a runaway.
//!
//! The engine also runs the case's SLA clocks ([`crate::time::clock::SlaRun`]) on the
//! driver's time base: every driver — the route table, the timeline of a route, the
//! simulator and the drill — moves cases with these functions and nothing else, so a route
//! that validation calls correct is the route the simulator takes and the answer key a
//! drill scores against.
//!
//! Which branch a decision takes is the engine's too: [`Compiled::decide`] for a known case
//! (the simulator, the drill's answer key) and [`Compiled::split`] for a set of cases (the
//! route table), with the same rule: the first open branch (one whose retry `limit` the case
//! has not used up) whose guard accepts the case, else the open `otherwise` branch.

pub mod compiled;

use crate::analysis::space::{CaseSet, TooComplex};
use crate::time::clock::{Hook, Millis, OpenTime, SlaRun, Transition};
use compiled::{CKind, Compiled};

/// The most steps one case may take before it is stopped as a runaway.
pub const MAX_STEPS: u32 = 10_000;

/// A token: where one thread of a case is.
///
/// Twelve bytes of plain numbers (the edge it came in by is `u32::MAX` for none), so that
/// the engine's loop keeps it in registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Token {
    /// The node.
    pub node: u32,
    /// The edge it came in by (an index into [`Compiled::edges`]; `u32::MAX`: none).
    edge: u32,
    /// Its parallel branch (see [`Case::lane_path`]).
    pub lane: u32,
}

/// No token: what [`edge`] gives when there is no edge to follow (the engine's loop keeps
/// its next token as plain numbers, not as an `Option`).
const NO_TOKEN: Token = Token {
    node: u32::MAX,
    edge: u32::MAX,
    lane: 0,
};

impl Token {
    /// A token on `node`, come in by edge `via` (an index into [`Compiled::edges`]).
    pub fn new(node: u32, via: Option<u32>, lane: u32) -> Token {
        Token {
            node,
            edge: via.unwrap_or(u32::MAX),
            lane,
        }
    }

    /// The edge it came in by (an index into [`Compiled::edges`]), if any.
    #[inline]
    pub fn via(&self) -> Option<u32> {
        (self.edge != u32::MAX).then_some(self.edge)
    }
}

/// Why a case stopped without reaching an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A node other than an end with no way on.
    DeadEnd,
    /// A decision with no open branch for the case.
    NoBranch,
    /// More than [`MAX_STEPS`] steps: a loop without a limit.
    TooLong,
}

/// What a driver does at a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Take the branch at this position among the node's outgoing edges.
    Branch(usize),
    /// No branch: the case is stuck.
    None,
    /// Keep the token until the driver calls [`choose`]; the case's other tokens move on.
    Hold,
    /// Keep the token and stop moving the case until the driver calls [`choose`]: the
    /// chosen branch then goes first (a driver that explores branches depth first).
    Pause,
}

/// The state of one case between steps.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// Tokens still to move within the current step.
    stack: Vec<Token>,
    /// Traversals of each limited edge.
    taken: Vec<u8>,
    /// Arrivals so far at each join (node, count).
    joins: Vec<(u32, u32)>,
    /// Parallel branches: (parent lane, branch number from 1); lane 0 is the case itself.
    lanes: Vec<(u32, u32)>,
    steps: u32,
    done: bool,
    /// The SLA clocks of the rules that apply: (rule, clock).
    clocks: Vec<(u16, SlaRun)>,
}

impl Case {
    /// A fresh case under these SLA rules (indices into [`Compiled::slas`]).
    pub fn new(c: &Compiled, rules: impl IntoIterator<Item = u16>) -> Case {
        let mut case = Case::default();
        case.reset(c, rules);
        case
    }

    /// Makes the case fresh again, keeping its allocations.
    pub fn reset(&mut self, c: &Compiled, rules: impl IntoIterator<Item = u16>) {
        self.stack.clear();
        self.taken.clear();
        self.taken.resize(usize::from(c.slots), 0);
        self.joins.clear();
        self.lanes.clear();
        self.steps = 0;
        self.done = false;
        self.clocks.clear();
        for r in rules {
            self.clocks.push((r, SlaRun::IDLE));
        }
    }

    /// True once the case has ended or stopped.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How often the case has taken each limited edge, by counter slot.
    pub fn taken(&self) -> &[u8] {
        &self.taken
    }

    /// The case's SLA clocks: (rule index, clock).
    pub fn clocks(&self) -> &[(u16, SlaRun)] {
        &self.clocks
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// A lane as branch numbers from the outermost fork in: `[]` outside forks, `[2, 1]` for
    /// the first branch of a fork inside the second branch of another.
    pub fn lane_path(&self, mut lane: u32) -> Vec<u32> {
        let mut out = Vec::new();
        while lane > 0 {
            match self.lanes.get(lane as usize - 1) {
                Some((parent, branch)) => {
                    out.push(*branch);
                    lane = *parent;
                }
                None => break,
            }
        }
        out.reverse();
        out
    }

    fn parent(&self, lane: u32) -> u32 {
        match lane.checked_sub(1) {
            Some(i) => self.lanes.get(i as usize).map_or(0, |(p, _)| *p),
            None => 0,
        }
    }

    fn new_lane(&mut self, parent: u32, branch: u32) -> u32 {
        self.lanes.push((parent, branch));
        self.lanes.len() as u32
    }
}

/// What the engine needs from the driver and tells it. Every method has a default that fits
/// a driver that does not care, except the ones that hand over tokens.
pub trait Driver {
    /// The driver's current instant.
    fn now(&self) -> Millis {
        0
    }
    /// The open time of a calendar (an index into the workflow's calendars; `None`: around
    /// the clock), for SLA clocks.
    fn open_time(&self, calendar: Option<u32>) -> &dyn OpenTime;
    /// A token entered a node.
    fn enter(&mut self, _case: &Case, _token: Token) {}
    /// A token left a node.
    fn leave(&mut self, _case: &Case, _node: u32) {}
    /// A token reached a task: `true` when the work is done at once (an untimed driver),
    /// `false` when the driver keeps the token until it is ([`resume`]).
    fn task(&mut self, case: &Case, token: Token, role: u32) -> bool;
    /// A token reached a wait: `true` when it is released at once, `false` when the driver
    /// keeps the token until its release ([`resume`]).
    fn wait(&mut self, case: &Case, token: Token) -> bool;
    /// A token arrived at a join (before the join is entered, when this is the last).
    fn arrive(&mut self, _case: &Case, _token: Token) {}
    /// A token reached a notify step: `true` passes it at once, `false` keeps it until
    /// someone tells the roles ([`resume`]).
    fn notify(&mut self, _case: &Case, _token: Token, _roles: &[u32]) -> bool {
        true
    }
    /// A token reached a decision: which branch, none, or hold it.
    fn decide(&mut self, c: &Compiled, case: &Case, token: Token) -> Choice;
    /// The case reached an end with this outcome; its other tokens are dropped.
    fn end(&mut self, _case: &Case, _token: Token, _outcome: u32) {}
    /// The case stopped without an end.
    fn stuck(&mut self, _case: &Case, _token: Token, _why: Stop) {}
    /// An SLA clock of the case changed (`k` is its position in [`Case::clocks`]).
    fn clock(&mut self, _case: &Case, _k: usize, _change: Transition) {}
}

/// Starts a case at a start node (the case must be fresh).
pub fn start(c: &Compiled, case: &mut Case, node: u32, d: &mut impl Driver) {
    clocks(c, case, Hook::Start, d);
    let first = Token::new(node, None, 0);
    run(c, case, first, d);
}

/// Gives back a token the driver kept at a task, wait or notify step: it leaves the node by
/// its way on.
pub fn resume(c: &Compiled, case: &mut Case, token: Token, d: &mut impl Driver) {
    if case.done {
        return;
    }
    leave(c, case, token.node, d);
    let next = follow_single(c, case, token, d);
    run(c, case, next, d);
}

/// Gives back a token the driver held at a decision, with the branch chosen (a position
/// among the node's outgoing edges; `None`: no branch, the case is stuck).
pub fn choose(
    c: &Compiled,
    case: &mut Case,
    token: Token,
    branch: Option<usize>,
    d: &mut impl Driver,
) {
    if case.done {
        return;
    }
    let next = match branch {
        Some(i) if i < c.out_edges(token.node).len() => {
            leave(c, case, token.node, d);
            edge(c, case, token, i)
        }
        _ => {
            stop(c, case, token, Stop::NoBranch, d);
            NO_TOKEN
        }
    };
    run(c, case, next, d);
}

/// Ends a case from outside the workflow (a person closed it): its clocks see the end.
pub fn close(c: &Compiled, case: &mut Case, d: &mut impl Driver) {
    if case.done {
        return;
    }
    case.done = true;
    case.stack.clear();
    clocks(c, case, Hook::End, d);
}

/// Moves `next`, then the tokens on the stack, until each is with the driver or the case
/// is done.
fn run(c: &Compiled, case: &mut Case, next: Token, d: &mut impl Driver) {
    // `next` is the token that moves next: a node's only way on is followed at once,
    // without going through the stack (the order is the same: it would be the next popped).
    // Kept as three numbers, which stay in registers.
    let (mut node, mut via, mut lane) = (next.node, next.edge, next.lane);
    macro_rules! then {
        ($t:expr) => {{
            let t: Token = $t;
            (node, via, lane) = (t.node, t.edge, t.lane);
        }};
    }
    loop {
        let tok = if node != u32::MAX {
            Token {
                node,
                edge: via,
                lane,
            }
        } else {
            match case.stack.pop() {
                Some(t) => t,
                None => return,
            }
        };
        node = u32::MAX;
        if case.done {
            case.stack.clear();
            return;
        }
        case.steps += 1;
        if case.steps > MAX_STEPS {
            stop(c, case, tok, Stop::TooLong, d);
            return;
        }
        let n = tok.node;
        let Some(kind) = c.kinds.get(n as usize) else {
            continue;
        };
        if let CKind::Join(need) = kind {
            d.arrive(case, tok);
            let slot = match case.joins.iter().position(|(j, _)| *j == n) {
                Some(p) => p,
                None => {
                    case.joins.push((n, 0));
                    case.joins.len() - 1
                }
            };
            case.joins[slot].1 += 1;
            if case.joins[slot].1 < *need {
                continue;
            }
            case.joins[slot].1 = 0;
            let joined = Token {
                lane: case.parent(tok.lane),
                ..tok
            };
            enter(c, case, joined, d);
            leave(c, case, n, d);
            then!(follow_single(c, case, joined, d));
            continue;
        }
        enter(c, case, tok, d);
        match kind {
            CKind::Start | CKind::Join(_) => {
                leave(c, case, n, d);
                then!(follow_single(c, case, tok, d));
            }
            CKind::Notify(roles) => {
                if d.notify(case, tok, roles) {
                    leave(c, case, n, d);
                    then!(follow_single(c, case, tok, d));
                }
            }
            CKind::Task { role, .. } => {
                if d.task(case, tok, *role) {
                    leave(c, case, n, d);
                    then!(follow_single(c, case, tok, d));
                }
            }
            CKind::Wait => {
                if d.wait(case, tok) {
                    leave(c, case, n, d);
                    then!(follow_single(c, case, tok, d));
                }
            }
            CKind::Decision => match d.decide(c, case, tok) {
                Choice::Branch(i) if i < c.out_edges(n).len() => {
                    leave(c, case, n, d);
                    then!(edge(c, case, tok, i));
                }
                Choice::Hold => {}
                Choice::Pause => return,
                _ => stop(c, case, tok, Stop::NoBranch, d),
            },
            CKind::Fork => {
                leave(c, case, n, d);
                let k = c.out_edges(n).len();
                // Branches in order: the first branch's token is on top of the stack.
                for i in (0..k).rev() {
                    let lane = case.new_lane(tok.lane, i as u32 + 1);
                    take(c, case, Token { lane, ..tok }, i);
                }
            }
            CKind::End(o) => {
                case.done = true;
                case.stack.clear();
                d.end(case, tok, *o);
                clocks(c, case, Hook::End, d);
                return;
            }
        }
    }
}

fn enter(c: &Compiled, case: &mut Case, tok: Token, d: &mut impl Driver) {
    d.enter(case, tok);
    if c.watched.get(tok.node as usize).copied().unwrap_or(false) {
        clocks(c, case, Hook::Enter(tok.node), d);
    }
}

fn leave(c: &Compiled, case: &mut Case, n: u32, d: &mut impl Driver) {
    d.leave(case, n);
    if c.watched.get(n as usize).copied().unwrap_or(false) {
        clocks(c, case, Hook::Leave(n), d);
    }
}

fn stop(c: &Compiled, case: &mut Case, tok: Token, why: Stop, d: &mut impl Driver) {
    case.done = true;
    case.stack.clear();
    d.stuck(case, tok, why);
    clocks(c, case, Hook::End, d);
}

/// Leaves a node by its way on (the first outgoing edge): the token at its target, or
/// [`NO_TOKEN`] when the node has no way on (a dead end: the case stops).
#[inline]
fn follow_single(c: &Compiled, case: &mut Case, tok: Token, d: &mut impl Driver) -> Token {
    if c.out_edges(tok.node).is_empty() {
        stop(c, case, tok, Stop::DeadEnd, d);
        NO_TOKEN
    } else {
        edge(c, case, tok, 0)
    }
}

/// Follows the `i`-th outgoing edge of the token's node: counts it and returns the token at
/// its target ([`NO_TOKEN`] if there is no such edge).
#[inline]
fn edge(c: &Compiled, case: &mut Case, tok: Token, i: usize) -> Token {
    let Some(first) = c.out.get(tok.node as usize).map(|f| *f as usize) else {
        return NO_TOKEN;
    };
    let Some(e) = c.edges.get(first + i) else {
        return NO_TOKEN;
    };
    if e.limit > 0
        && let Some(t) = case.taken.get_mut(e.slot as usize)
    {
        *t = t.saturating_add(1);
    }
    Token {
        node: e.to,
        edge: (first + i) as u32,
        lane: tok.lane,
    }
}

/// Follows the `i`-th outgoing edge of the token's node and queues its target.
fn take(c: &Compiled, case: &mut Case, tok: Token, i: usize) {
    let t = edge(c, case, tok, i);
    if t.node != u32::MAX {
        case.stack.push(t);
    }
}

fn clocks(c: &Compiled, case: &mut Case, hook: Hook, d: &mut impl Driver) {
    let now = d.now();
    for k in 0..case.clocks.len() {
        let change = {
            let Some((r, run)) = case.clocks.get_mut(k) else {
                continue;
            };
            let Some(sla) = c.slas.get(usize::from(*r)) else {
                continue;
            };
            run.on(&sla.rule, hook, now, d.open_time(sla.calendar))
        };
        if let Some(change) = change {
            d.clock(case, k, change);
        }
    }
}

/// Marks the next rung of clock `k` as fired.
pub fn fire_rung(case: &mut Case, k: usize) {
    if let Some((_, run)) = case.clocks.get_mut(k) {
        run.fire();
    }
}

impl Compiled {
    /// True when the branch (an edge index) may still be taken: its retry limit is not used up.
    #[inline]
    fn open(&self, e: &compiled::CEdge, taken: &[u8]) -> bool {
        e.limit == 0 || u32::from(taken.get(e.slot as usize).copied().unwrap_or(0)) < e.limit
    }

    /// The branch a known case takes out of a decision (one value index per attribute): the
    /// first open branch whose guard accepts it, else the open `otherwise` branch. Returns
    /// its position among the node's outgoing edges.
    #[inline]
    pub fn decide(&self, n: u32, values: &[u8], case: &Case) -> Option<usize> {
        let mut fallback = None;
        for (i, e) in self.out_edges(n).iter().enumerate() {
            if !self.open(e, &case.taken) {
                continue;
            }
            match e.guard {
                Some(g) if self.guards[g as usize].contains(values) => return Some(i),
                None if e.otherwise => fallback = fallback.or(Some(i)),
                _ => {}
            }
        }
        fallback
    }

    /// How a set of cases splits at a decision, by the same rule as [`Compiled::decide`]:
    /// each branch taken (a position among the node's outgoing edges; `None` for cases with
    /// no branch) with the cases that take it, in branch order.
    pub fn split(
        &self,
        n: u32,
        set: &CaseSet,
        case: &Case,
    ) -> Result<Vec<(Option<usize>, CaseSet)>, TooComplex> {
        let mut rest = set.clone();
        let mut out = Vec::new();
        let mut fallback = None;
        for (i, e) in self.out_edges(n).iter().enumerate() {
            if !self.open(e, &case.taken) {
                continue;
            }
            match e.guard {
                Some(g) => {
                    let Some(gs) = self.guard_sets.get(g as usize) else {
                        continue;
                    };
                    let take = rest.intersect(gs)?;
                    if !take.is_empty() {
                        rest = rest.subtract(&take)?;
                        out.push((Some(i), take));
                    }
                }
                None if e.otherwise => fallback = fallback.or(Some(i)),
                None => {}
            }
        }
        if !rest.is_empty() {
            out.push((fallback, rest));
        }
        Ok(out)
    }

    /// The positions of a node's outgoing edges that are open for the case.
    pub fn open_branches(&self, n: u32, case: &Case) -> Vec<usize> {
        self.out_edges(n)
            .iter()
            .enumerate()
            .filter(|(_, e)| self.open(e, &case.taken))
            .map(|(i, _)| i)
            .collect()
    }

    /// The end a node leads straight to: its only way on is an end node.
    pub fn end_after(&self, n: u32) -> Option<u32> {
        match self.out_edges(n) {
            [e] if matches!(self.kinds.get(e.to as usize), Some(CKind::End(_))) => Some(e.to),
            _ => None,
        }
    }

    /// The decision a node leads straight to: its only way on is a decision.
    pub fn decision_after(&self, n: u32) -> Option<u32> {
        match self.out_edges(n) {
            [e] if matches!(self.kinds.get(e.to as usize), Some(CKind::Decision)) => Some(e.to),
            _ => None,
        }
    }

    /// The work time of a task node (`None` for other nodes and for tasks without one).
    pub fn effort(&self, n: u32) -> Option<&crate::model::effort::Effort> {
        match self.kinds.get(n as usize) {
            Some(CKind::Task { effort, .. }) => effort.as_ref(),
            _ => None,
        }
    }

    /// True when the node is a decision.
    pub fn is_decision(&self, n: u32) -> bool {
        matches!(self.kinds.get(n as usize), Some(CKind::Decision))
    }

    /// True when the node is a task.
    pub fn is_task(&self, n: u32) -> bool {
        matches!(self.kinds.get(n as usize), Some(CKind::Task { .. }))
    }

    /// The branch an edge (an index into [`Compiled::edges`]) is, when it leaves a decision:
    /// the decision and the edge's position among its outgoing edges.
    pub fn branch_of(&self, e: usize) -> Option<(u32, usize)> {
        // `out` is sorted: the node whose range holds the edge is the last that starts at
        // or before it.
        let from = self
            .out
            .partition_point(|first| *first as usize <= e)
            .checked_sub(1)?;
        let first = *self.out.get(from)? as usize;
        let end = *self.out.get(from + 1)? as usize;
        (e < end && self.is_decision(from as u32)).then_some((from as u32, e - first))
    }

    /// The SLA rules that apply to a known case.
    pub fn rules_for<'a>(&'a self, values: &'a [u8]) -> impl Iterator<Item = u16> + 'a {
        self.slas.iter().enumerate().filter_map(move |(r, sla)| {
            sla.guard
                .is_none_or(|g| self.guards[g as usize].contains(values))
                .then_some(r as u16)
        })
    }
}
