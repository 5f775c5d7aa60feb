//! Parallel structure: which join closes which fork.
//!
//! Every branch of a fork must reach the same join (or end the case); the join then waits
//! for one arrival per branch. Forks may nest; a nested block is skipped over as a whole
//! when looking for the outer join.

use petgraph::stable_graph::NodeIndex;

use crate::model::NodeKind;
use crate::model::workflow::Workflow;
use crate::util::dense::{NodeMap, NodeSet};

/// A problem with how forks and joins pair up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairProblem {
    /// No branch of the fork reaches a join.
    ForkWithoutJoin(NodeIndex),
    /// The fork's branches reach different joins, or some branch never reaches the join.
    Mismatch {
        /// The fork.
        fork: NodeIndex,
        /// The joins its branches reach.
        joins: Vec<NodeIndex>,
        /// Branch targets that never reach the join.
        stray: Vec<NodeIndex>,
    },
    /// No fork's branches lead to this join.
    JoinWithoutFork(NodeIndex),
    /// An edge enters the join from outside its fork's branches.
    JoinFromOutside {
        /// The join.
        join: NodeIndex,
        /// The node outside the block.
        from: NodeIndex,
    },
    /// Two forks close at the same join.
    SharedJoin {
        /// The join.
        join: NodeIndex,
        /// The forks.
        forks: Vec<NodeIndex>,
    },
}

/// Fork/join pairs and the problems found.
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    /// For each well-formed fork, its join.
    join_of: NodeMap<NodeIndex>,
    /// For each paired join, its fork.
    fork_of: NodeMap<NodeIndex>,
    /// Everything that does not pair up.
    pub problems: Vec<PairProblem>,
}

impl Pairs {
    /// How many arrivals a join waits for: the number of its fork's branches.
    pub fn arity(&self, w: &Workflow, join: NodeIndex) -> Option<usize> {
        self.fork_of.get(join).map(|f| w.outgoing(*f).len())
    }

    /// The join that closes a well-formed fork.
    pub fn join_of(&self, fork: NodeIndex) -> Option<NodeIndex> {
        self.join_of.get(fork).copied()
    }

    /// The fork a paired join closes.
    pub fn fork_of(&self, join: NodeIndex) -> Option<NodeIndex> {
        self.fork_of.get(join).copied()
    }
}

struct Finder<'w> {
    w: &'w Workflow,
    done: NodeMap<ForkInfo>,
    in_progress: NodeSet,
}

/// What the branches of one fork reach.
#[derive(Clone, Default)]
struct ForkInfo {
    /// The join, when every branch reaches the same one.
    join: Option<NodeIndex>,
    /// Every join some branch reaches.
    joins: NodeSet,
    /// Branch targets that reach no join.
    stray: Vec<NodeIndex>,
    /// The nodes inside the fork's branches.
    block: NodeSet,
}

/// What one branch walk found: the joins reached, whether an end was, and the nodes
/// passed.
#[derive(Default)]
struct Walk {
    joins: NodeSet,
    block: NodeSet,
}

/// One fork being paired: its branches, the branch being walked and what the walks found.
struct PairState {
    fork: NodeIndex,
    branches: Vec<NodeIndex>,
    /// The next branch to walk.
    next: usize,
    /// Whether a branch walk is under way (it ends when this pairing is on top again).
    walking: bool,
    info: ForkInfo,
    walk: Walk,
    seen: NodeSet,
}

/// A step of the depth-first walk, kept on an explicit stack so that a long chain or a
/// deep nest of forks cannot overflow the call stack.
enum Frame {
    /// Walking the successors of a node; the index of the next one.
    Successors(Vec<NodeIndex>, usize),
    /// Pairing the fork on top of the pairing stack.
    Pair,
}

impl Finder<'_> {
    /// Visits `n` in the walk of the innermost fork being paired (the recursive walk's
    /// body): records it and pushes what must be walked next.
    fn visit(&mut self, n: NodeIndex, pairs: &mut Vec<PairState>, frames: &mut Vec<Frame>) {
        let Some(top) = pairs.last_mut() else { return };
        if !top.seen.insert(n) {
            return;
        }
        match &self.w.node(n).kind {
            NodeKind::Join => {
                top.walk.joins.insert(n);
            }
            NodeKind::End { .. } => {
                top.walk.block.insert(n);
            }
            NodeKind::Fork => {
                top.walk.block.insert(n);
                if let Some(info) = self.done.get(n).cloned() {
                    self.absorb(&info, pairs, frames);
                } else if self.in_progress.insert(n) {
                    pairs.push(self.start_pair(n));
                    frames.push(Frame::Pair);
                }
                // A fork already being paired (a loop back into it) adds nothing.
            }
            _ => {
                top.walk.block.insert(n);
                let next = self.successors(n);
                frames.push(Frame::Successors(next, 0));
            }
        }
    }

    /// Adds a nested fork's result to the walk that reached it, and walks on past its join.
    fn absorb(&mut self, info: &ForkInfo, pairs: &mut [PairState], frames: &mut Vec<Frame>) {
        let Some(top) = pairs.last_mut() else { return };
        top.walk.block.union_with(&info.block);
        if let Some(j) = info.join {
            top.walk.block.insert(j);
            top.seen.insert(j);
            frames.push(Frame::Successors(self.successors(j), 0));
        }
    }

    fn successors(&self, n: NodeIndex) -> Vec<NodeIndex> {
        self.w.outgoing(n).into_iter().map(|(_, t, _)| t).collect()
    }

    fn start_pair(&self, fork: NodeIndex) -> PairState {
        PairState {
            fork,
            branches: self.successors(fork),
            next: 0,
            walking: false,
            info: ForkInfo::default(),
            walk: Walk::default(),
            seen: NodeSet::new(),
        }
    }

    fn pair(&mut self, fork: NodeIndex) -> ForkInfo {
        if let Some(r) = self.done.get(fork) {
            return r.clone();
        }
        if !self.in_progress.insert(fork) {
            return ForkInfo::default();
        }
        let mut pairs = vec![self.start_pair(fork)];
        let mut frames = vec![Frame::Pair];
        let mut result = ForkInfo::default();
        while let Some(frame) = frames.last_mut() {
            match frame {
                Frame::Successors(next, i) => {
                    let Some(&t) = next.get(*i) else {
                        frames.pop();
                        continue;
                    };
                    *i += 1;
                    self.visit(t, &mut pairs, &mut frames);
                }
                Frame::Pair => {
                    let Some(p) = pairs.last_mut() else {
                        frames.pop();
                        continue;
                    };
                    if p.walking {
                        // The walk of branch `next - 1` is complete.
                        p.walking = false;
                        let walk = std::mem::take(&mut p.walk);
                        if walk.joins.is_empty()
                            && let Some(&t) = p.branches.get(p.next - 1)
                        {
                            p.info.stray.push(t);
                        }
                        p.info.joins.union_with(&walk.joins);
                        p.info.block.union_with(&walk.block);
                    }
                    if let Some(&t) = p.branches.get(p.next) {
                        p.next += 1;
                        p.walking = true;
                        p.walk = Walk::default();
                        p.seen = [p.fork].into_iter().collect();
                        self.visit(t, &mut pairs, &mut frames);
                        continue;
                    }
                    // Every branch is walked: the fork is paired.
                    frames.pop();
                    let Some(mut p) = pairs.pop() else { continue };
                    let only = {
                        let mut joins = p.info.joins.iter();
                        match (joins.next(), joins.next()) {
                            (Some(only), None) => Some(only),
                            _ => None,
                        }
                    };
                    if p.info.stray.is_empty() {
                        p.info.join = only;
                    }
                    self.in_progress.remove(p.fork);
                    self.done.insert(p.fork, p.info.clone());
                    if pairs.is_empty() {
                        result = p.info;
                    } else {
                        self.absorb(&p.info, &mut pairs, &mut frames);
                    }
                }
            }
        }
        result
    }
}

/// Pairs every fork with its join and reports what does not pair up.
pub fn pair_forks(w: &Workflow) -> Pairs {
    let mut f = Finder {
        w,
        done: NodeMap::default(),
        in_progress: NodeSet::new(),
    };
    let mut out = Pairs::default();
    let mut forks_at: NodeMap<Vec<NodeIndex>> = NodeMap::default();
    for (ix, node) in w.nodes() {
        if !matches!(node.kind, NodeKind::Fork) {
            continue;
        }
        let info = f.pair(ix);
        match (info.joins.is_empty(), info.join) {
            (true, _) => out.problems.push(PairProblem::ForkWithoutJoin(ix)),
            (false, Some(j)) => forks_at.entry_or_default(j).push(ix),
            (false, None) => out.problems.push(PairProblem::Mismatch {
                fork: ix,
                joins: info.joins.iter().collect(),
                stray: info.stray,
            }),
        }
    }
    for (join, forks) in forks_at.into_entries() {
        if forks.len() > 1 {
            out.problems.push(PairProblem::SharedJoin { join, forks });
            continue;
        }
        let Some(&fork) = forks.first() else { continue };
        let block = f.pair(fork).block;
        for (_, from, _) in w.incoming(join) {
            if !block.contains(from) && from != fork {
                out.problems
                    .push(PairProblem::JoinFromOutside { join, from });
            }
        }
        out.join_of.insert(fork, join);
        out.fork_of.insert(join, fork);
    }
    for (ix, node) in w.nodes() {
        let mentioned = out.problems.iter().any(|p| match p {
            PairProblem::Mismatch { joins, .. } => joins.contains(&ix),
            PairProblem::SharedJoin { join, .. } => *join == ix,
            _ => false,
        });
        if matches!(node.kind, NodeKind::Join) && !out.fork_of.contains_key(ix) && !mentioned {
            out.problems.push(PairProblem::JoinWithoutFork(ix));
        }
    }
    out
}
