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

impl Finder<'_> {
    fn walk(&mut self, n: NodeIndex, walk: &mut Walk, seen: &mut NodeSet) {
        if !seen.insert(n) {
            return;
        }
        match &self.w.node(n).kind {
            NodeKind::Join => {
                walk.joins.insert(n);
            }
            NodeKind::End { .. } => {
                walk.block.insert(n);
            }
            NodeKind::Fork => {
                walk.block.insert(n);
                let info = self.pair(n);
                walk.block.union_with(&info.block);
                if let Some(j) = info.join {
                    walk.block.insert(j);
                    seen.insert(j);
                    for (_, t, _) in self.w.outgoing(j) {
                        self.walk(t, walk, seen);
                    }
                }
            }
            _ => {
                walk.block.insert(n);
                for (_, t, _) in self.w.outgoing(n) {
                    self.walk(t, walk, seen);
                }
            }
        }
    }

    fn pair(&mut self, fork: NodeIndex) -> ForkInfo {
        if let Some(r) = self.done.get(fork) {
            return r.clone();
        }
        if !self.in_progress.insert(fork) {
            return ForkInfo::default();
        }
        let mut info = ForkInfo::default();
        for (_, t, _) in self.w.outgoing(fork) {
            let mut walk = Walk::default();
            let mut seen: NodeSet = [fork].into_iter().collect();
            self.walk(t, &mut walk, &mut seen);
            if walk.joins.is_empty() {
                info.stray.push(t);
            }
            info.joins.union_with(&walk.joins);
            info.block.union_with(&walk.block);
        }
        let only = {
            let mut joins = info.joins.iter();
            match (joins.next(), joins.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        };
        if info.stray.is_empty() {
            info.join = only;
        }
        self.in_progress.remove(fork);
        self.done.insert(fork, info.clone());
        info
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
