//! Strongly connected components without recursion.
//!
//! `petgraph::algo::tarjan_scc` recurses once per node of a path, so a long chain of
//! nodes overflows the stack (natively at about 90,000 nodes, far sooner in a browser).
//! This is Tarjan's algorithm with an explicit stack: it visits nodes and their outgoing
//! edges in the same order as petgraph's and returns the components in the same order
//! (each after every component it reaches), so reports do not change.

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph, WalkNeighbors};
use petgraph::visit::NodeIndexable;

/// Not numbered yet.
const UNSEEN: usize = usize::MAX;

/// The strongly connected components of `g` using only the edges `keep` accepts, in
/// reverse topological order (a component comes after every component it reaches).
pub(crate) fn tarjan_scc<N, E>(
    g: &StableDiGraph<N, E>,
    keep: impl Fn(&E) -> bool,
) -> Vec<Vec<NodeIndex>> {
    let bound = g.node_bound();
    let mut index = vec![UNSEEN; bound];
    let mut low = vec![UNSEEN; bound];
    let mut on_stack = vec![false; bound];
    let mut stack: Vec<NodeIndex> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0usize;
    // The depth-first path: each node and where its walk over outgoing edges stands.
    let mut path: Vec<(NodeIndex, WalkNeighbors<u32>)> = Vec::new();

    for root in g.node_indices() {
        if index.get(root.index()) != Some(&UNSEEN) {
            continue;
        }
        enter(
            root,
            &mut index,
            &mut low,
            &mut on_stack,
            &mut stack,
            &mut next,
        );
        path.push((
            root,
            g.neighbors_directed(root, Direction::Outgoing).detach(),
        ));
        while let Some((v, walker)) = path.last_mut() {
            let v = *v;
            if let Some((e, t)) = walker.next(g) {
                if !g.edge_weight(e).is_some_and(&keep) {
                    continue;
                }
                let ti = t.index();
                if index.get(ti) == Some(&UNSEEN) {
                    enter(
                        t,
                        &mut index,
                        &mut low,
                        &mut on_stack,
                        &mut stack,
                        &mut next,
                    );
                    path.push((t, g.neighbors_directed(t, Direction::Outgoing).detach()));
                } else if on_stack.get(ti).copied().unwrap_or(false) {
                    let lowered = low[v.index()].min(index[ti]);
                    low[v.index()] = lowered;
                }
                continue;
            }
            // Every edge of v is done.
            path.pop();
            let vi = v.index();
            if low[vi] == index[vi] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w.index()] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
            if let Some((u, _)) = path.last() {
                let ui = u.index();
                low[ui] = low[ui].min(low[vi]);
            }
        }
    }
    out
}

/// Numbers `v` and puts it on the component stack.
fn enter(
    v: NodeIndex,
    index: &mut [usize],
    low: &mut [usize],
    on_stack: &mut [bool],
    stack: &mut Vec<NodeIndex>,
    next: &mut usize,
) {
    let i = v.index();
    index[i] = *next;
    low[i] = *next;
    on_stack[i] = true;
    *next += 1;
    stack.push(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_components_as_petgraph() {
        let mut g: StableDiGraph<(), bool> = StableDiGraph::new();
        let n: Vec<_> = (0..8).map(|_| g.add_node(())).collect();
        for (a, b) in [
            (0, 1),
            (1, 2),
            (2, 0),
            (2, 3),
            (3, 4),
            (4, 3),
            (5, 5),
            (6, 7),
            (7, 1),
        ] {
            g.add_edge(n[a], n[b], true);
        }
        let ours = tarjan_scc(&g, |_| true);
        let theirs = petgraph::algo::tarjan_scc(&g);
        let sorted = |v: Vec<Vec<NodeIndex>>| {
            v.into_iter()
                .map(|mut c| {
                    c.sort();
                    c
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(sorted(ours), sorted(theirs));
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let mut g: StableDiGraph<(), bool> = StableDiGraph::new();
        let mut prev = g.add_node(());
        for _ in 0..200_000 {
            let next = g.add_node(());
            g.add_edge(prev, next, true);
            prev = next;
        }
        assert_eq!(tarjan_scc(&g, |_| true).len(), 200_001);
    }
}
