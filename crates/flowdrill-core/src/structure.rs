//! Parallel structure: which join closes which fork.
//!
//! Every branch of a fork must reach the same join (or end the case); the join then waits
//! for one arrival per branch. Forks may nest; a nested block is skipped over as a whole
//! when looking for the outer join.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::stable_graph::NodeIndex;

use crate::model::NodeKind;
use crate::workflow::Workflow;

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
    pub join_of: BTreeMap<NodeIndex, NodeIndex>,
    /// For each paired join, its fork.
    pub fork_of: BTreeMap<NodeIndex, NodeIndex>,
    /// Everything that does not pair up.
    pub problems: Vec<PairProblem>,
}

impl Pairs {
    /// How many arrivals a join waits for: the number of its fork's branches.
    pub fn arity(&self, w: &Workflow, join: NodeIndex) -> Option<usize> {
        self.fork_of.get(&join).map(|f| w.outgoing(*f).len())
    }
}

struct Finder<'w> {
    w: &'w Workflow,
    done: BTreeMap<NodeIndex, ForkInfo>,
    in_progress: BTreeSet<NodeIndex>,
}

/// What the branches of one fork reach.
#[derive(Clone, Default)]
struct ForkInfo {
    /// The join, when every branch reaches the same one.
    join: Option<NodeIndex>,
    /// Every join some branch reaches.
    joins: BTreeSet<NodeIndex>,
    /// Branch targets that reach no join.
    stray: Vec<NodeIndex>,
    /// The nodes inside the fork's branches.
    block: BTreeSet<NodeIndex>,
}

/// What one branch walk found: joins reached (None = an end), and the nodes passed.
#[derive(Default)]
struct Walk {
    joins: BTreeSet<Option<NodeIndex>>,
    block: BTreeSet<NodeIndex>,
}

impl Finder<'_> {
    fn walk(&mut self, n: NodeIndex, walk: &mut Walk, seen: &mut BTreeSet<NodeIndex>) {
        if !seen.insert(n) {
            return;
        }
        match &self.w.node(n).kind {
            NodeKind::Join => {
                walk.joins.insert(Some(n));
            }
            NodeKind::End { .. } => {
                walk.joins.insert(None);
                walk.block.insert(n);
            }
            NodeKind::Fork => {
                walk.block.insert(n);
                let info = self.pair(n);
                walk.block.extend(info.block);
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
        if let Some(r) = self.done.get(&fork) {
            return r.clone();
        }
        if !self.in_progress.insert(fork) {
            return ForkInfo::default();
        }
        let mut info = ForkInfo::default();
        for (_, t, _) in self.w.outgoing(fork) {
            let mut walk = Walk::default();
            let mut seen = BTreeSet::from([fork]);
            self.walk(t, &mut walk, &mut seen);
            info.joins.extend(walk.joins.iter().flatten().copied());
            if !walk.joins.iter().any(Option::is_some) {
                info.stray.push(t);
            }
            info.block.extend(walk.block);
        }
        if info.joins.len() == 1 && info.stray.is_empty() {
            info.join = info.joins.first().copied();
        }
        self.in_progress.remove(&fork);
        self.done.insert(fork, info.clone());
        info
    }
}

/// Pairs every fork with its join and reports what does not pair up.
pub fn pair_forks(w: &Workflow) -> Pairs {
    let mut f = Finder {
        w,
        done: BTreeMap::new(),
        in_progress: BTreeSet::new(),
    };
    let mut out = Pairs::default();
    let mut forks_at: BTreeMap<NodeIndex, Vec<NodeIndex>> = BTreeMap::new();
    for (ix, node) in w.nodes() {
        if !matches!(node.kind, NodeKind::Fork) {
            continue;
        }
        let info = f.pair(ix);
        match (info.joins.len(), info.join) {
            (0, _) => out.problems.push(PairProblem::ForkWithoutJoin(ix)),
            (_, Some(j)) => forks_at.entry(j).or_default().push(ix),
            _ => out.problems.push(PairProblem::Mismatch {
                fork: ix,
                joins: info.joins.into_iter().collect(),
                stray: info.stray,
            }),
        }
    }
    for (join, forks) in forks_at {
        if forks.len() > 1 {
            out.problems.push(PairProblem::SharedJoin { join, forks });
            continue;
        }
        let Some(&fork) = forks.first() else { continue };
        let block = f.pair(fork).block;
        for (_, from, _) in w.incoming(join) {
            if !block.contains(&from) && from != fork {
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
        if matches!(node.kind, NodeKind::Join) && !out.fork_of.contains_key(&ix) && !mentioned {
            out.problems.push(PairProblem::JoinWithoutFork(ix));
        }
    }
    out
}
