//! A layered (Sugiyama-style) drawing of a workflow graph.
//!
//! The drawing runs top to bottom in rows, one row per layer:
//!
//! 1. **Cycle removal.** A depth-first search from the start nodes (then from other nodes
//!    with no way in, then from any node not yet seen) marks the edges that close a loop.
//!    Those edges, and edges back into a start node, are laid out reversed, so a retry
//!    loop draws upward.
//! 2. **Layering.** Each node goes on the layer of the longest path reaching it; start
//!    nodes are on layer 0. A node with no way in that is not a start sits just above its
//!    nearest successor.
//! 3. **Long edges** are split by one dummy point per layer they cross.
//! 4. **Crossing reduction.** Alternating downward and upward sweeps order each layer by
//!    the barycentre of its neighbours in the layer just swept, keeping the order with the
//!    fewest crossings (counted exactly). Ties keep the previous order, so the result is
//!    deterministic.
//! 5. **Coordinates.** Each sweep places a layer as close as possible (least squares) to
//!    the mean position of its neighbours without overlaps, which centres a parent over
//!    its children and a child under its parents; long edges are then straightened where
//!    there is room.
//! 6. **Polylines** run from the source box to the target box through the dummy points.
//!
//! Every phase is linear in the size of the graph per sweep (sorting within a layer
//! aside), so large workflows lay out quickly.

use serde::Serialize;

use crate::model::NodeKind;
use crate::model::workflow::Workflow;

/// Width of a node box.
const NODE_WIDTH: f64 = 160.0;
/// Width of a decision box (a little wider, for its question).
const DECISION_WIDTH: f64 = 192.0;
/// Height of a node box.
const NODE_HEIGHT: f64 = 48.0;
/// Vertical space between rows, where edge labels go.
const ROW_GAP: f64 = 72.0;
/// Horizontal space between two boxes in a row.
const NODE_GAP: f64 = 48.0;
/// Horizontal space between a box and an edge passing through its row.
const NODE_DUMMY_GAP: f64 = 32.0;
/// Horizontal space between two edges passing through a row.
const DUMMY_GAP: f64 = 16.0;
/// Space around the drawing.
const MARGIN: f64 = 24.0;
/// How far a loop from a node to itself sticks out to the right of its box.
const SELF_LOOP_REACH: f64 = 16.0;
/// Dummy points allowed per node and edge of the workflow (see [`dummy_allowance`]).
const DUMMY_BUDGET: usize = 8;
/// Sweeps of crossing reduction.
const ORDER_SWEEPS: usize = 8;
/// Sweeps of coordinate assignment.
const PLACE_SWEEPS: usize = 8;

/// A node's box in the drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LaidNode {
    /// The node id.
    pub id: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The layer (rank) the node is in.
    pub layer: usize,
    /// The node's kind as written in the file (`"task"`, `"decision"`, ...).
    #[cfg_attr(feature = "ts", ts(type = "NodeKind"))]
    pub kind: &'static str,
}

/// An edge's polyline in the drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LaidEdge {
    /// The edge's id (`from->to` unless given).
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// The points of the polyline, source to target. The first lies on the source's box,
    /// the last on the target's.
    pub points: Vec<[f64; 2]>,
    /// The edge's label, if it has one.
    pub label: Option<String>,
    /// What to write on the edge: its label, else `otherwise` or its condition in words,
    /// with its retry limit ([`edge_caption`](crate::analysis::text::edge_caption)).
    pub caption: Option<String>,
    /// True when the edge runs against the flow (it closes a loop, or enters a start, or
    /// is a loop from a node to itself): it leaves the top of its source and enters the
    /// bottom of its target.
    pub reversed: bool,
}

/// A drawing of the whole graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Layout {
    /// Node boxes, in file order.
    pub nodes: Vec<LaidNode>,
    /// Edge polylines, in file order. Edges whose ends do not both name a node are left
    /// out.
    pub edges: Vec<LaidEdge>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// Lays the graph out: node boxes in rows by layer and edge polylines between them.
///
/// The result depends only on the workflow (node and edge order included), never on
/// hashing or timing, so the same workflow always gives the same drawing.
///
/// ```
/// let w = flowdrill_core::Workflow::from_json(r#"{
///   "flowdrill": 1, "id": "tiny",
///   "nodes": [{"id": "in", "kind": "start"}, {"id": "out", "kind": "end", "outcome": "closed"}],
///   "edges": [{"from": "in", "to": "out"}]
/// }"#).unwrap();
/// let l = flowdrill_core::analysis::layout::layout(&w);
/// assert_eq!(l.nodes[0].layer, 0);
/// assert_eq!(l.nodes[1].layer, 1);
/// assert_eq!(l.edges[0].points.len(), 2);
/// ```
pub fn layout(w: &Workflow) -> Layout {
    let input = Input::read(w);
    let n = input.ids.len();
    let reversed = remove_cycles(&input);
    let layers = assign_layers(&input, &reversed);
    let mut g = Layered::build(&input, &reversed, &layers);
    g.order();
    g.place();
    draw(&input, &reversed, &g, n)
}

// ---- input ----------------------------------------------------------------------------

/// A resolved edge between two nodes, by their position in the file.
struct InEdge {
    from: usize,
    to: usize,
    id: String,
    label: Option<String>,
    caption: Option<String>,
}

/// The workflow reduced to what the layout needs.
struct Input {
    ids: Vec<String>,
    kinds: Vec<&'static str>,
    starts: Vec<bool>,
    widths: Vec<f64>,
    edges: Vec<InEdge>,
    /// Outgoing edges of each node, in file order (indices into `edges`).
    out: Csr,
}

impl Input {
    fn read(w: &Workflow) -> Input {
        let mut slot_of: Vec<usize> = Vec::new();
        let mut ids = Vec::new();
        let mut kinds = Vec::new();
        let mut starts = Vec::new();
        let mut widths = Vec::new();
        for (i, (ix, node)) in w.nodes().enumerate() {
            let k = ix.index();
            if slot_of.len() <= k {
                slot_of.resize(k + 1, usize::MAX);
            }
            if let Some(s) = slot_of.get_mut(k) {
                *s = i;
            }
            ids.push(node.id.clone());
            kinds.push(node.kind.name());
            starts.push(matches!(node.kind, NodeKind::Start { .. }));
            widths.push(match node.kind {
                NodeKind::Decision { .. } => DECISION_WIDTH,
                _ => NODE_WIDTH,
            });
        }
        let n = ids.len();
        let resolve = |ix: petgraph::stable_graph::NodeIndex| {
            slot_of.get(ix.index()).copied().filter(|&s| s < n)
        };
        let edges: Vec<InEdge> = w
            .edges()
            .into_iter()
            .filter_map(|(ends, slot)| {
                let (_, a, b) = ends?;
                Some(InEdge {
                    from: resolve(a)?,
                    to: resolve(b)?,
                    id: slot.edge.display_id(),
                    label: slot.edge.label.clone(),
                    caption: crate::analysis::text::edge_caption(&slot.edge),
                })
            })
            .collect();
        let out = Csr::new(n, edges.iter().enumerate().map(|(i, e)| (e.from, i)));
        Input {
            ids,
            kinds,
            starts,
            widths,
            edges,
            out,
        }
    }
}

/// Adjacency lists packed in one vector: the items of key `k` are
/// `items[offsets[k]..offsets[k + 1]]`, in the order they were given.
struct Csr {
    offsets: Vec<usize>,
    items: Vec<usize>,
}

impl Csr {
    fn new(keys: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Csr {
        let mut offsets = vec![0usize; keys + 1];
        for (k, _) in pairs.clone() {
            if let Some(c) = offsets.get_mut(k + 1) {
                *c += 1;
            }
        }
        for k in 0..keys {
            let before = offsets.get(k).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(k + 1) {
                *c += before;
            }
        }
        let mut fill = offsets.clone();
        let mut items = vec![0usize; offsets.last().copied().unwrap_or(0)];
        for (k, v) in pairs {
            if let Some(f) = fill.get_mut(k)
                && let Some(slot) = items.get_mut(*f)
            {
                *slot = v;
                *f += 1;
            }
        }
        Csr { offsets, items }
    }

    fn of(&self, k: usize) -> &[usize] {
        let a = self.offsets.get(k).copied().unwrap_or(0);
        let b = self.offsets.get(k + 1).copied().unwrap_or(a);
        self.items.get(a..b).unwrap_or(&[])
    }
}

// ---- 1. cycle removal -----------------------------------------------------------------

/// Marks the edges laid out against the flow: loops on one node, edges into a start node
/// (from a node that is not one), and the edges a depth-first search finds closing a loop.
fn remove_cycles(input: &Input) -> Vec<bool> {
    let n = input.ids.len();
    let is_start = |v: usize| input.starts.get(v).copied().unwrap_or(false);
    let mut reversed: Vec<bool> = input
        .edges
        .iter()
        .map(|e| e.from == e.to || (is_start(e.to) && !is_start(e.from)))
        .collect();

    let mut has_in = vec![false; n];
    for (e, r) in input.edges.iter().zip(&reversed) {
        if !r && let Some(h) = has_in.get_mut(e.to) {
            *h = true;
        }
    }
    let roots = (0..n)
        .filter(|&v| is_start(v))
        .chain((0..n).filter(|&v| !is_start(v) && !has_in.get(v).copied().unwrap_or(true)))
        .chain(0..n);

    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let mut state = vec![WHITE; n];
    // (node, how many of its outgoing edges have been looked at)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        if state.get(root) != Some(&WHITE) {
            continue;
        }
        if let Some(s) = state.get_mut(root) {
            *s = GREY;
        }
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            let Some(&e) = input.out.of(v).get(next) else {
                if let Some(s) = state.get_mut(v) {
                    *s = BLACK;
                }
                stack.pop();
                continue;
            };
            top.1 += 1;
            if reversed.get(e).copied().unwrap_or(true) {
                continue;
            }
            let Some(t) = input.edges.get(e).map(|e| e.to) else {
                continue;
            };
            match state.get(t).copied() {
                Some(WHITE) => {
                    if let Some(s) = state.get_mut(t) {
                        *s = GREY;
                    }
                    stack.push((t, 0));
                }
                Some(GREY) => {
                    if let Some(r) = reversed.get_mut(e) {
                        *r = true;
                    }
                }
                _ => {}
            }
        }
    }
    reversed
}

/// The ends of an edge in the direction it is laid out (upper, lower); `None` for a loop
/// on one node.
fn oriented(e: &InEdge, reversed: bool) -> Option<(usize, usize)> {
    if e.from == e.to {
        None
    } else if reversed {
        Some((e.to, e.from))
    } else {
        Some((e.from, e.to))
    }
}

/// An edge between layers as laid out.
#[derive(Clone, Copy)]
struct Span {
    /// The end in the upper layer.
    upper: usize,
    /// The end in the lower layer.
    lower: usize,
    /// The upper end's layer.
    top: usize,
    /// The lower end's layer (greater than `top`).
    bottom: usize,
}

/// Which edges get dummy points. All do, unless that would take more than
/// [`DUMMY_BUDGET`] points per node and edge: then the shortest edges get theirs first
/// (ties in file order) and the rest are drawn as straight lines, which keeps the time
/// and memory linear even when many edges span many layers.
fn dummy_allowance(spans: &[Option<Span>], size: usize) -> Vec<bool> {
    let needed = |s: &Option<Span>| s.map_or(0, |s| s.bottom.saturating_sub(s.top + 1));
    let budget = DUMMY_BUDGET.saturating_mul(size).saturating_add(4096);
    let total: usize = spans.iter().map(needed).fold(0, usize::saturating_add);
    if total <= budget {
        return vec![true; spans.len()];
    }
    let mut by_span: Vec<(usize, usize)> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (needed(s), i))
        .collect();
    crate::util::sort::sort(&mut by_span);
    let mut allowed = vec![false; spans.len()];
    let mut left = budget;
    for (need, i) in by_span {
        if need > left {
            break;
        }
        left -= need;
        if let Some(a) = allowed.get_mut(i) {
            *a = true;
        }
    }
    allowed
}

// ---- 2. layering ----------------------------------------------------------------------

/// The layer of each node: the longest path to it over the edges as laid out.
fn assign_layers(input: &Input, reversed: &[bool]) -> Vec<usize> {
    let n = input.ids.len();
    let arcs: Vec<(usize, usize)> = input
        .edges
        .iter()
        .zip(reversed)
        .filter_map(|(e, &r)| oriented(e, r))
        .collect();
    let down = Csr::new(n, arcs.iter().copied());
    let mut indegree = vec![0usize; n];
    for &(_, b) in &arcs {
        if let Some(d) = indegree.get_mut(b) {
            *d += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| indegree.get(v) == Some(&0)).collect();
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let lv = layer.get(v).copied().unwrap_or(0);
        for &t in down.of(v) {
            if let Some(l) = layer.get_mut(t) {
                *l = (*l).max(lv + 1);
            }
            if let Some(d) = indegree.get_mut(t) {
                *d = d.saturating_sub(1);
                if *d == 0 {
                    queue.push(t);
                }
            }
        }
    }
    // A node with no way in that is not a start sits just above its nearest successor,
    // rather than at the top with a long edge down.
    let mut has_in = vec![false; n];
    for &(_, b) in &arcs {
        if let Some(h) = has_in.get_mut(b) {
            *h = true;
        }
    }
    for v in 0..n {
        let start = input.starts.get(v).copied().unwrap_or(false);
        if start || has_in.get(v).copied().unwrap_or(true) {
            continue;
        }
        if let Some(nearest) = down
            .of(v)
            .iter()
            .filter_map(|&t| layer.get(t).copied())
            .min()
            && let Some(l) = layer.get_mut(v)
        {
            *l = nearest.saturating_sub(1);
        }
    }
    layer
}

// ---- 3. the layered graph with dummy points -------------------------------------------

/// Nodes and dummy points in layers, with links between adjacent layers.
struct Layered {
    /// Vertices `0..n` are the nodes; the rest are dummy points of long edges.
    real: usize,
    /// Width of each vertex (0 for a dummy point).
    width: Vec<f64>,
    /// Layer of each vertex.
    layer: Vec<usize>,
    /// Neighbours in the layer above, in edge order.
    up: Csr,
    /// Neighbours in the layer below, in edge order.
    down: Csr,
    /// Each edge's dummy points, top to bottom: `dummies[e]` is a range of vertices.
    dummies: Vec<std::ops::Range<usize>>,
    /// Vertices of each layer, left to right.
    rows: Vec<Vec<usize>>,
    /// Position of each vertex within its row.
    pos: Vec<usize>,
    /// Centre x of each vertex.
    x: Vec<f64>,
}

impl Layered {
    fn build(input: &Input, reversed: &[bool], layers: &[usize]) -> Layered {
        let n = input.ids.len();
        let mut layer = layers.to_vec();
        let mut width = input.widths.clone();
        let mut links: Vec<(usize, usize)> = Vec::with_capacity(input.edges.len());
        let mut dummies = Vec::with_capacity(input.edges.len());
        let spans: Vec<Option<Span>> = input
            .edges
            .iter()
            .zip(reversed)
            .map(|(e, &r)| {
                let (upper, lower) = oriented(e, r)?;
                let top = layers.get(upper).copied()?;
                let bottom = layers.get(lower).copied()?;
                // `bottom <= top` cannot happen after cycle removal; such an edge would be
                // drawn as a straight line.
                (bottom > top).then_some(Span {
                    upper,
                    lower,
                    top,
                    bottom,
                })
            })
            .collect();
        let allowed = dummy_allowance(&spans, n + input.edges.len());
        for (span, &allowed) in spans.iter().zip(&allowed) {
            let first = layer.len();
            let Some(Span {
                upper: a,
                lower: b,
                top: la,
                bottom: lb,
            }) = *span
            else {
                dummies.push(first..first);
                continue;
            };
            if !allowed {
                dummies.push(first..first);
                continue;
            }
            let mut prev = a;
            for l in la + 1..lb {
                let d = layer.len();
                layer.push(l);
                width.push(0.0);
                links.push((prev, d));
                prev = d;
            }
            links.push((prev, b));
            dummies.push(first..layer.len());
        }
        let count = layer.len();
        let up = Csr::new(count, links.iter().map(|&(a, b)| (b, a)));
        let down = Csr::new(count, links.iter().copied());
        let depth = layer.iter().copied().max().map_or(0, |m| m + 1);

        // Initial order: depth first from the start nodes, branches in file order.
        let is_start = |v: usize| input.starts.get(v).copied().unwrap_or(false);
        let roots = (0..n)
            .filter(|&v| is_start(v))
            .chain((0..n).filter(|&v| up.of(v).is_empty()))
            .chain(0..count);
        let mut seen = vec![false; count];
        let mut walk = Vec::with_capacity(count);
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in roots {
            if seen.get(root) != Some(&false) {
                continue;
            }
            if let Some(s) = seen.get_mut(root) {
                *s = true;
            }
            walk.push(root);
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (v, next) = *top;
                let Some(&t) = down.of(v).get(next) else {
                    stack.pop();
                    continue;
                };
                top.1 += 1;
                if seen.get(t) == Some(&false) {
                    if let Some(s) = seen.get_mut(t) {
                        *s = true;
                    }
                    walk.push(t);
                    stack.push((t, 0));
                }
            }
        }
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
        let mut pos = vec![0usize; count];
        for &v in &walk {
            if let Some(row) = layer.get(v).and_then(|&l| rows.get_mut(l)) {
                if let Some(p) = pos.get_mut(v) {
                    *p = row.len();
                }
                row.push(v);
            }
        }
        Layered {
            real: n,
            width,
            layer,
            up,
            down,
            dummies,
            rows,
            pos,
            x: vec![0.0; count],
        }
    }

    fn is_dummy(&self, v: usize) -> bool {
        v >= self.real
    }

    // ---- 4. crossing reduction --------------------------------------------------------

    /// Sweeps the rows down and up, keeping the order with the fewest crossings.
    fn order(&mut self) {
        let mut best = self.rows.clone();
        let mut fewest = self.crossings();
        for sweep in 0..ORDER_SWEEPS {
            if fewest == 0 {
                break;
            }
            let depth = self.rows.len();
            if sweep % 2 == 0 {
                for l in 1..depth {
                    self.reorder(l, true);
                }
            } else {
                for l in (0..depth.saturating_sub(1)).rev() {
                    self.reorder(l, false);
                }
            }
            let c = self.crossings();
            if c < fewest {
                fewest = c;
                best.clone_from(&self.rows);
            }
        }
        self.rows = best;
        for row in &self.rows {
            for (i, &v) in row.iter().enumerate() {
                if let Some(p) = self.pos.get_mut(v) {
                    *p = i;
                }
            }
        }
    }

    /// Orders row `l` by the barycentre of each vertex's neighbours above (`from_above`)
    /// or below. Vertices with no such neighbours keep their places; ties keep the
    /// current order.
    fn reorder(&mut self, l: usize, from_above: bool) {
        let Some(row) = self.rows.get(l) else {
            return;
        };
        let nb = if from_above { &self.up } else { &self.down };
        let mut movable: Vec<(f64, usize, usize)> = Vec::with_capacity(row.len());
        let mut fixed = vec![false; row.len()];
        for (i, &v) in row.iter().enumerate() {
            let ns = nb.of(v);
            if ns.is_empty() {
                if let Some(f) = fixed.get_mut(i) {
                    *f = true;
                }
            } else {
                let sum: usize = ns.iter().filter_map(|&u| self.pos.get(u)).sum();
                movable.push((sum as f64 / ns.len() as f64, i, v));
            }
        }
        crate::util::sort::sort_by(&mut movable, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut moved = movable.into_iter().map(|(_, _, v)| v);
        let new_row: Vec<usize> = row
            .iter()
            .zip(&fixed)
            .filter_map(|(&v, &f)| if f { Some(v) } else { moved.next() })
            .collect();
        for (i, &v) in new_row.iter().enumerate() {
            if let Some(p) = self.pos.get_mut(v) {
                *p = i;
            }
        }
        if let Some(r) = self.rows.get_mut(l) {
            *r = new_row;
        }
    }

    /// The number of crossings between all pairs of adjacent rows, counted exactly as
    /// inversions (with a Fenwick tree).
    fn crossings(&self) -> u64 {
        let mut total = 0u64;
        let mut seq: Vec<usize> = Vec::new();
        let mut tree: Vec<u64> = Vec::new();
        for pair in self.rows.windows(2) {
            let [upper, lower] = pair else { continue };
            seq.clear();
            for &u in upper {
                let start = seq.len();
                seq.extend(self.down.of(u).iter().filter_map(|&t| self.pos.get(t)));
                if let Some(part) = seq.get_mut(start..) {
                    crate::util::sort::sort(part);
                }
            }
            tree.clear();
            tree.resize(lower.len() + 1, 0);
            for (seen, &p) in seq.iter().enumerate() {
                // Earlier links ending strictly to the right of p cross this one.
                let mut at_most = 0u64;
                let mut i = p + 1;
                while i > 0 {
                    at_most += tree.get(i).copied().unwrap_or(0);
                    i &= i - 1;
                }
                total += (seen as u64).saturating_sub(at_most);
                let mut i = p + 1;
                while let Some(c) = tree.get_mut(i) {
                    *c += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    // ---- 5. coordinates -------------------------------------------------------------

    /// The least distance between the centres of two vertices side by side.
    fn separation(&self, a: usize, b: usize) -> f64 {
        let half = |v: usize| self.width.get(v).copied().unwrap_or(0.0) / 2.0;
        let gap = match (self.is_dummy(a), self.is_dummy(b)) {
            (false, false) => NODE_GAP,
            (true, true) => DUMMY_GAP,
            _ => NODE_DUMMY_GAP,
        };
        half(a) + half(b) + gap
    }

    /// Assigns each vertex its centre x.
    fn place(&mut self) {
        // Start packed to the left.
        for row in &self.rows {
            let mut at = 0.0;
            let mut prev: Option<usize> = None;
            for &v in row {
                if let Some(p) = prev {
                    at += self.separation(p, v);
                }
                if let Some(x) = self.x.get_mut(v) {
                    *x = at;
                }
                prev = Some(v);
            }
        }
        let depth = self.rows.len();
        let mut scratch = Scratch::default();
        for sweep in 0..PLACE_SWEEPS {
            if sweep % 2 == 0 {
                for l in 0..depth {
                    self.place_row(l, true, &mut scratch);
                }
            } else {
                for l in (0..depth).rev() {
                    self.place_row(l, false, &mut scratch);
                }
            }
        }
        self.settle();
        self.straighten();
    }

    /// Places row `l` as close as possible, in the least-squares sense, to the mean of
    /// each vertex's neighbours above (or below), keeping the order and the separations.
    fn place_row(&mut self, l: usize, from_above: bool, s: &mut Scratch) {
        let Some(row) = self.rows.get(l) else {
            return;
        };
        s.target.clear();
        s.weight.clear();
        s.offset.clear();
        let mut offset = 0.0;
        let mut prev: Option<usize> = None;
        for &v in row {
            if let Some(p) = prev {
                offset += self.separation(p, v);
            }
            prev = Some(v);
            let (first, second) = if from_above {
                (self.up.of(v), self.down.of(v))
            } else {
                (self.down.of(v), self.up.of(v))
            };
            let ns = if first.is_empty() { second } else { first };
            let here = self.x.get(v).copied().unwrap_or(0.0);
            let (want, weight) = if ns.is_empty() {
                (here, 0.25)
            } else {
                let sum: f64 = ns.iter().filter_map(|&u| self.x.get(u)).sum();
                let w = if self.is_dummy(v) { 4.0 } else { 1.0 };
                (sum / ns.len() as f64, w * ns.len() as f64)
            };
            s.target.push(want - offset);
            s.weight.push(weight);
            s.offset.push(offset);
        }
        isotonic(&s.target, &s.weight, &mut s.blocks, &mut s.fitted);
        for ((&v, &y), &o) in row.iter().zip(&s.fitted).zip(&s.offset) {
            if let Some(x) = self.x.get_mut(v) {
                *x = y + o;
            }
        }
    }

    /// Rounds positions to whole units, keeping the separations.
    fn settle(&mut self) {
        for row in &self.rows {
            let mut prev: Option<(usize, f64)> = None;
            for &v in row {
                let mut at = self.x.get(v).copied().unwrap_or(0.0).round();
                if let Some((p, px)) = prev {
                    at = at.max(px + self.separation(p, v));
                }
                if let Some(x) = self.x.get_mut(v) {
                    *x = at;
                }
                prev = Some((v, at));
            }
        }
    }

    /// Lines up each long edge's dummy points on one vertical where that fits between
    /// the neighbours in every row it crosses: under its upper end, over its lower end,
    /// or at its points' middle.
    fn straighten(&mut self) {
        for e in 0..self.dummies.len() {
            let Some(range) = self.dummies.get(e).cloned() else {
                continue;
            };
            if range.is_empty() {
                continue;
            }
            let top = range.start;
            let bottom = range.end - 1;
            let above = self.up.of(top).first().copied();
            let below = self.down.of(bottom).first().copied();
            let xs = |v: Option<usize>| v.and_then(|v| self.x.get(v).copied());
            let mid = match (xs(Some(top)), xs(Some(bottom))) {
                (Some(a), Some(b)) => Some(((a + b) / 2.0).round()),
                _ => None,
            };
            let candidates = [xs(above), xs(below), mid, xs(Some(top)), xs(Some(bottom))];
            let fits = |c: f64| {
                range.clone().all(|d| {
                    let Some(row) = self.layer.get(d).and_then(|&l| self.rows.get(l)) else {
                        return false;
                    };
                    let p = self.pos.get(d).copied().unwrap_or(0);
                    let left = p.checked_sub(1).and_then(|q| row.get(q)).is_none_or(|&u| {
                        c - xs(Some(u)).unwrap_or(f64::MIN) >= self.separation(u, d)
                    });
                    let right = row.get(p + 1).is_none_or(|&u| {
                        xs(Some(u)).unwrap_or(f64::MAX) - c >= self.separation(d, u)
                    });
                    left && right
                })
            };
            if let Some(c) = candidates.into_iter().flatten().find(|&c| fits(c)) {
                for d in range {
                    if let Some(x) = self.x.get_mut(d) {
                        *x = c;
                    }
                }
            }
        }
    }
}

/// Buffers reused across rows.
#[derive(Default)]
struct Scratch {
    target: Vec<f64>,
    weight: Vec<f64>,
    offset: Vec<f64>,
    blocks: Vec<Block>,
    fitted: Vec<f64>,
}

/// A run of values pooled to their weighted mean.
#[derive(Clone, Copy)]
struct Block {
    sum: f64,
    weight: f64,
    len: usize,
}

impl Block {
    fn mean(&self) -> f64 {
        if self.weight > 0.0 {
            self.sum / self.weight
        } else {
            0.0
        }
    }
}

/// Weighted isotonic regression by pooling adjacent violators: the non-decreasing
/// sequence closest to `target` in weighted least squares, in linear time.
fn isotonic(target: &[f64], weight: &[f64], blocks: &mut Vec<Block>, out: &mut Vec<f64>) {
    blocks.clear();
    for (&t, &w) in target.iter().zip(weight) {
        let mut b = Block {
            sum: t * w,
            weight: w,
            len: 1,
        };
        while let Some(last) = blocks.last() {
            if last.mean() < b.mean() {
                break;
            }
            b = Block {
                sum: b.sum + last.sum,
                weight: b.weight + last.weight,
                len: b.len + last.len,
            };
            blocks.pop();
        }
        blocks.push(b);
    }
    out.clear();
    for b in blocks.iter() {
        let m = b.mean();
        out.extend(std::iter::repeat_n(m, b.len));
    }
}

// ---- 6. drawing -----------------------------------------------------------------------

fn draw(input: &Input, reversed: &[bool], g: &Layered, n: usize) -> Layout {
    let pitch = NODE_HEIGHT + ROW_GAP;
    let row_top = |l: usize| l as f64 * pitch;
    let cx = |v: usize| g.x.get(v).copied().unwrap_or(0.0);
    let layer = |v: usize| g.layer.get(v).copied().unwrap_or(0);
    let width = |v: usize| g.width.get(v).copied().unwrap_or(NODE_WIDTH);

    let mut nodes: Vec<LaidNode> = (0..n)
        .map(|v| LaidNode {
            id: input.ids.get(v).cloned().unwrap_or_default(),
            x: cx(v) - width(v) / 2.0,
            y: row_top(layer(v)),
            width: width(v),
            height: NODE_HEIGHT,
            layer: layer(v),
            kind: input.kinds.get(v).copied().unwrap_or("task"),
        })
        .collect();

    let mut edges: Vec<LaidEdge> = Vec::with_capacity(input.edges.len());
    for (i, e) in input.edges.iter().enumerate() {
        let r = reversed.get(i).copied().unwrap_or(false);
        let dummies = g.dummies.get(i).cloned().unwrap_or(0..0);
        let (sx, sy) = (cx(e.from), row_top(layer(e.from)));
        let (tx, ty) = (cx(e.to), row_top(layer(e.to)));
        let points = if e.from == e.to {
            let right = sx + width(e.from) / 2.0;
            let out = right + SELF_LOOP_REACH;
            let low = sy + NODE_HEIGHT * 0.7;
            let high = sy + NODE_HEIGHT * 0.3;
            vec![[right, low], [out, low], [out, high], [right, high]]
        } else if r {
            // Leaves the top of the source and climbs to the bottom of the target, off
            // centre on the side its route takes (the right when it has no dummy points),
            // so it does not run over the edges leaving the target.
            let route = (!dummies.is_empty())
                .then(|| dummies.clone().map(cx).sum::<f64>() / dummies.len() as f64);
            let port = |v: usize| {
                let quarter = width(v) / 4.0;
                match route {
                    Some(m) if m < cx(v) => cx(v) - quarter,
                    _ => cx(v) + quarter,
                }
            };
            let mut pts = vec![[port(e.from), sy]];
            for d in dummies.rev() {
                let top = row_top(layer(d));
                pts.push([cx(d), top + NODE_HEIGHT]);
                pts.push([cx(d), top]);
            }
            pts.push([port(e.to), ty + NODE_HEIGHT]);
            pts
        } else if layer(e.to) > layer(e.from) {
            let mut pts = vec![[sx, sy + NODE_HEIGHT]];
            for d in dummies {
                let top = row_top(layer(d));
                pts.push([cx(d), top]);
                pts.push([cx(d), top + NODE_HEIGHT]);
            }
            pts.push([tx, ty]);
            pts
        } else {
            // Same row (only if layering failed): side to side.
            let (from_side, to_side) = if tx >= sx { (1.0, -1.0) } else { (-1.0, 1.0) };
            vec![
                [sx + from_side * width(e.from) / 2.0, sy + NODE_HEIGHT / 2.0],
                [tx + to_side * width(e.to) / 2.0, ty + NODE_HEIGHT / 2.0],
            ]
        };
        edges.push(LaidEdge {
            id: e.id.clone(),
            from: input.ids.get(e.from).cloned().unwrap_or_default(),
            to: input.ids.get(e.to).cloned().unwrap_or_default(),
            points,
            label: e.label.clone(),
            caption: e.caption.clone(),
            reversed: r,
        });
    }

    // Shift everything so the drawing starts at the margin.
    let mut min_x = f64::INFINITY;
    let mut max_x = f64::NEG_INFINITY;
    let mut max_y = 0.0f64;
    for b in &nodes {
        min_x = min_x.min(b.x);
        max_x = max_x.max(b.x + b.width);
        max_y = max_y.max(b.y + b.height);
    }
    for p in edges.iter().flat_map(|e| &e.points) {
        min_x = min_x.min(p[0]);
        max_x = max_x.max(p[0]);
        max_y = max_y.max(p[1]);
    }
    if !min_x.is_finite() {
        return Layout {
            nodes,
            edges,
            width: 2.0 * MARGIN,
            height: 2.0 * MARGIN,
        };
    }
    let dx = MARGIN - min_x;
    for b in &mut nodes {
        b.x += dx;
        b.y += MARGIN;
    }
    for p in edges.iter_mut().flat_map(|e| &mut e.points) {
        p[0] += dx;
        p[1] += MARGIN;
    }
    Layout {
        nodes,
        edges,
        width: max_x - min_x + 2.0 * MARGIN,
        height: max_y + 2.0 * MARGIN,
    }
}
