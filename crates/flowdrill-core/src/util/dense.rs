//! Sets and maps keyed by node or edge index, stored densely.
//!
//! A workflow's node indices are small, dense integers, so a bit set and a vector do what
//! `BTreeSet<NodeIndex>` and `BTreeMap<NodeIndex, V>` did, faster, and iterate in the same
//! ascending order. They also compile small: every B-tree key and value type is its own
//! copy of the B-tree code (about 5 KB of WebAssembly each), while the bit set's code is
//! not generic at all.

use std::marker::PhantomData;

use fixedbitset::FixedBitSet;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};

/// A set of nodes; iterates in ascending index order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NodeSet(FixedBitSet);

impl NodeSet {
    /// The empty set.
    pub(crate) fn new() -> Self {
        NodeSet(FixedBitSet::new())
    }

    /// Adds `n`; true when it was not in the set yet.
    pub(crate) fn insert(&mut self, n: NodeIndex) -> bool {
        let i = n.index();
        if i >= self.0.len() {
            self.0.grow(i + 1);
        }
        !self.0.put(i)
    }

    /// True when `n` is in the set.
    pub(crate) fn contains(&self, n: NodeIndex) -> bool {
        self.0.contains(n.index())
    }

    /// Takes `n` out of the set.
    pub(crate) fn remove(&mut self, n: NodeIndex) {
        if n.index() < self.0.len() {
            self.0.set(n.index(), false);
        }
    }

    /// Adds every node of `other`.
    pub(crate) fn union_with(&mut self, other: &NodeSet) {
        self.0.union_with(&other.0);
    }

    /// True when the set has no node.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_clear()
    }

    /// The nodes, in ascending index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.0.ones().map(NodeIndex::new)
    }
}

impl FromIterator<NodeIndex> for NodeSet {
    fn from_iter<I: IntoIterator<Item = NodeIndex>>(iter: I) -> Self {
        let mut s = NodeSet::new();
        for n in iter {
            s.insert(n);
        }
        s
    }
}

/// A node or edge index: a small, dense integer.
pub(crate) trait DenseKey: Copy {
    /// The index as a position.
    fn position(self) -> usize;
    /// The index at a position.
    fn at(position: usize) -> Self;
}

impl DenseKey for NodeIndex {
    fn position(self) -> usize {
        self.index()
    }
    fn at(position: usize) -> Self {
        NodeIndex::new(position)
    }
}

impl DenseKey for EdgeIndex {
    fn position(self) -> usize {
        self.index()
    }
    fn at(position: usize) -> Self {
        EdgeIndex::new(position)
    }
}

/// A map from nodes (or edges) to values; iterates in ascending index order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DenseMap<K, V>(Vec<Option<V>>, PhantomData<K>);

/// A map from nodes to values.
pub(crate) type NodeMap<V> = DenseMap<NodeIndex, V>;

impl<K, V> Default for DenseMap<K, V> {
    fn default() -> Self {
        DenseMap(Vec::new(), PhantomData)
    }
}

impl<K: DenseKey, V> DenseMap<K, V> {
    /// The value for `k`.
    pub(crate) fn get(&self, k: K) -> Option<&V> {
        self.0.get(k.position()).and_then(Option::as_ref)
    }

    /// The slot for `k`, made when missing.
    fn slot(&mut self, k: K) -> &mut Option<V> {
        let i = k.position();
        if i >= self.0.len() {
            self.0.resize_with(i + 1, || None);
        }
        // In range: just resized to cover `i`.
        &mut self.0[i]
    }

    /// Sets the value for `k`.
    pub(crate) fn insert(&mut self, k: K, v: V) {
        *self.slot(k) = Some(v);
    }

    /// Takes the value for `k` out of the map.
    pub(crate) fn remove(&mut self, k: K) -> Option<V> {
        self.0.get_mut(k.position()).and_then(Option::take)
    }

    /// The value for `k`, made with `V::default()` when missing.
    pub(crate) fn entry_or_default(&mut self, k: K) -> &mut V
    where
        V: Default,
    {
        self.slot(k).get_or_insert_with(V::default)
    }

    /// True when `k` has a value.
    pub(crate) fn contains_key(&self, k: K) -> bool {
        self.get(k).is_some()
    }

    /// The values, in ascending index order of their keys.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().flatten()
    }

    /// The keys with a value and their values, in ascending index order.
    pub(crate) fn into_entries(self) -> impl Iterator<Item = (K, V)> {
        self.0
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (K::at(i), v)))
    }
}

/// A set of names (role, calendar, attribute ids) in the order first added: a short list,
/// not generic, so one copy of its code serves every such set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names<'a>(Vec<&'a str>);

impl<'a> Names<'a> {
    /// Adds `name`; true when it was not in the set yet.
    pub(crate) fn insert(&mut self, name: &'a str) -> bool {
        if self.contains(name) {
            false
        } else {
            self.0.push(name);
            true
        }
    }

    /// True when `name` is in the set.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// The names, in the order first added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().copied()
    }
}

impl<'a> Extend<&'a str> for Names<'a> {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, iter: I) {
        for name in iter {
            self.insert(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_first_of_each() {
        let mut n = Names::default();
        assert!(n.insert("agent"));
        n.extend(["lead", "agent", "legal"]);
        assert!(!n.insert("lead"));
        assert!(n.contains("legal") && !n.contains("pr"));
        assert_eq!(n.iter().collect::<Vec<_>>(), vec!["agent", "lead", "legal"]);
    }

    #[test]
    fn sets_grow_and_iterate_in_order() {
        let mut s = NodeSet::new();
        assert!(s.is_empty());
        assert!(s.insert(NodeIndex::new(70)));
        assert!(s.insert(NodeIndex::new(3)));
        assert!(!s.insert(NodeIndex::new(3)));
        assert!(s.contains(NodeIndex::new(70)));
        assert!(!s.contains(NodeIndex::new(500)));
        s.remove(NodeIndex::new(500));
        let mut t: NodeSet = [NodeIndex::new(1)].into_iter().collect();
        t.union_with(&s);
        let got: Vec<usize> = t.iter().map(NodeIndex::index).collect();
        assert_eq!(got, vec![1, 3, 70]);
        t.remove(NodeIndex::new(70));
        assert!(!t.contains(NodeIndex::new(70)));
    }

    #[test]
    fn maps_keep_one_value_per_node() {
        let mut m: NodeMap<Vec<u32>> = NodeMap::default();
        m.entry_or_default(NodeIndex::new(4)).push(1);
        m.entry_or_default(NodeIndex::new(4)).push(2);
        m.insert(NodeIndex::new(0), vec![9]);
        assert!(m.contains_key(NodeIndex::new(4)));
        assert!(!m.contains_key(NodeIndex::new(2)));
        assert_eq!(m.get(NodeIndex::new(9)), None);
        assert_eq!(m.values().count(), 2);
        assert_eq!(m.remove(NodeIndex::new(0)), Some(vec![9]));
        assert_eq!(m.remove(NodeIndex::new(0)), None);
        m.insert(NodeIndex::new(0), vec![9]);
        let all: Vec<(usize, Vec<u32>)> = m.into_entries().map(|(n, v)| (n.index(), v)).collect();
        assert_eq!(all, vec![(0, vec![9]), (4, vec![1, 2])]);
    }
}
