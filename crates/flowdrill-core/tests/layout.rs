//! The layered drawing: every node gets a box, boxes do not overlap, edges join their
//! boxes, layers follow the flow, loops draw upward, and the result is deterministic.

use flowdrill_core::Workflow;
use flowdrill_core::analysis::layout::{LaidNode, Layout, layout};

const EXAMPLES: [(&str, &str); 5] = [
    (
        "facebook-access",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/workflows/facebook-access.json"
        )),
    ),
    (
        "fulfilment-list",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/workflows/fulfilment-list.json"
        )),
    ),
    (
        "smm-fulfilment",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/workflows/smm-fulfilment.json"
        )),
    ),
    (
        "social-media-program",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/workflows/social-media-program.json"
        )),
    ),
    (
        "social-triage",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/workflows/social-triage.json"
        )),
    ),
];

const EPS: f64 = 1e-6;

fn load(text: &str) -> Workflow {
    match Workflow::from_json(text) {
        Ok(w) => w,
        Err(e) => panic!("workflow does not parse: {e}\n{text}"),
    }
}

fn examples() -> Vec<(&'static str, Workflow)> {
    EXAMPLES
        .iter()
        .map(|(name, text)| (*name, load(text)))
        .collect()
}

fn doc(nodes: &str, edges: &str) -> String {
    format!(
        r#"{{"flowdrill": 1, "id": "t",
            "roles": {{"agent": {{"staff": 1}}}},
            "attributes": {{"ok": ["yes", "no"]}},
            "nodes": [{nodes}],
            "edges": [{edges}]}}"#
    )
}

fn boxed<'a>(l: &'a Layout, id: &str) -> &'a LaidNode {
    match l.nodes.iter().find(|n| n.id == id) {
        Some(n) => n,
        None => panic!("no box for node {id}"),
    }
}

/// True when the point lies on the box's outline.
fn on_boundary(n: &LaidNode, p: [f64; 2]) -> bool {
    let [x, y] = p;
    let inside_x = x >= n.x - EPS && x <= n.x + n.width + EPS;
    let inside_y = y >= n.y - EPS && y <= n.y + n.height + EPS;
    let on_x = (x - n.x).abs() < EPS || (x - n.x - n.width).abs() < EPS;
    let on_y = (y - n.y).abs() < EPS || (y - n.y - n.height).abs() < EPS;
    inside_x && inside_y && (on_x || on_y)
}

/// Checks the properties every drawing must have.
fn check_drawing(name: &str, w: &Workflow, l: &Layout) {
    // Every node has one box, in file order.
    let ids: Vec<&str> = w.nodes().map(|(_, n)| n.id.as_str()).collect();
    let boxed_ids: Vec<&str> = l.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, boxed_ids, "{name}: one box per node");
    for n in &l.nodes {
        assert!(
            n.x.is_finite() && n.y.is_finite() && n.width > 0.0 && n.height > 0.0,
            "{name}: box of {} is {n:?}",
            n.id
        );
        assert!(
            n.x >= -EPS && n.y >= -EPS && n.x + n.width <= l.width + EPS,
            "{name}: box of {} lies outside the drawing",
            n.id
        );
        assert!(n.y + n.height <= l.height + EPS);
    }

    // No two boxes overlap.
    let mut sorted: Vec<&LaidNode> = l.nodes.iter().collect();
    sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
    for (i, a) in sorted.iter().enumerate() {
        for b in sorted.iter().skip(i + 1) {
            if b.x >= a.x + a.width {
                break;
            }
            let apart_y = b.y >= a.y + a.height || a.y >= b.y + b.height;
            assert!(apart_y, "{name}: boxes of {} and {} overlap", a.id, b.id);
        }
    }

    // Every resolved edge is drawn from its source box to its target box.
    let resolved = w.edges().iter().filter(|(ends, _)| ends.is_some()).count();
    assert_eq!(l.edges.len(), resolved, "{name}: one polyline per edge");
    for e in &l.edges {
        assert!(
            e.points.len() >= 2,
            "{name}: edge {} has {:?}",
            e.id,
            e.points
        );
        assert!(
            e.points
                .iter()
                .all(|p| p[0].is_finite() && p[1].is_finite()),
            "{name}: edge {} has {:?}",
            e.id,
            e.points
        );
        let (from, to) = (boxed(l, &e.from), boxed(l, &e.to));
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(
            on_boundary(from, first),
            "{name}: edge {} starts at {first:?}, off {from:?}",
            e.id
        );
        assert!(
            on_boundary(to, last),
            "{name}: edge {} ends at {last:?}, off {to:?}",
            e.id
        );
        // Layers increase along the flow and decrease along reversed edges.
        if e.from != e.to {
            if e.reversed {
                assert!(to.layer < from.layer, "{name}: reversed edge {} ", e.id);
            } else {
                assert!(to.layer > from.layer, "{name}: edge {} goes up", e.id);
            }
        }
    }
}

#[test]
fn examples_are_drawn_without_overlaps() {
    for (name, w) in examples() {
        let l = layout(&w);
        check_drawing(name, &w, &l);
        // Start nodes are on the top row.
        for (_, n) in w.nodes() {
            if n.kind.name() == "start" {
                assert_eq!(boxed(&l, &n.id).layer, 0, "{name}: start {}", n.id);
            }
        }
    }
}

#[test]
fn layout_is_deterministic() {
    for (name, text) in EXAMPLES {
        let a = layout(&load(text));
        let b = layout(&load(text));
        assert_eq!(a, b, "{name}");
        let ja = serde_json::to_string(&a).unwrap_or_default();
        let jb = serde_json::to_string(&b).unwrap_or_default();
        assert!(!ja.is_empty());
        assert_eq!(ja, jb, "{name}");
    }
}

#[test]
fn a_chain_is_a_straight_column() {
    let w = load(&doc(
        r#"{"id": "a", "kind": "start"},
           {"id": "b", "kind": "task", "role": "agent"},
           {"id": "c", "kind": "end", "outcome": "done"}"#,
        r#"{"from": "a", "to": "b"}, {"from": "b", "to": "c"}"#,
    ));
    let l = layout(&w);
    check_drawing("chain", &w, &l);
    let (a, b, c) = (boxed(&l, "a"), boxed(&l, "b"), boxed(&l, "c"));
    assert_eq!((a.layer, b.layer, c.layer), (0, 1, 2));
    let centre = |n: &LaidNode| n.x + n.width / 2.0;
    assert_eq!(centre(a), centre(b));
    assert_eq!(centre(b), centre(c));
    assert!(a.y < b.y && b.y < c.y);
    // Straight down: every point of every edge on the same vertical.
    for e in &l.edges {
        assert!(e.points.iter().all(|p| p[0] == centre(a)), "{e:?}");
        assert!(!e.reversed);
    }
}

#[test]
fn a_retry_loop_draws_upward() {
    let w = load(&doc(
        r#"{"id": "in", "kind": "start"},
           {"id": "try", "kind": "task", "role": "agent"},
           {"id": "check", "kind": "decision"},
           {"id": "wait", "kind": "wait", "delay": "1h"},
           {"id": "done", "kind": "end", "outcome": "done"},
           {"id": "gave-up", "kind": "end", "outcome": "gave-up"}"#,
        r#"{"from": "in", "to": "try"},
           {"from": "try", "to": "check"},
           {"from": "check", "to": "done", "when": {"ok": "yes"}},
           {"id": "again", "from": "check", "to": "wait", "when": {"ok": "no"}, "limit": 2},
           {"from": "wait", "to": "try"},
           {"from": "check", "to": "gave-up", "otherwise": true}"#,
    ));
    let l = layout(&w);
    check_drawing("retry", &w, &l);
    let back: Vec<&str> = l
        .edges
        .iter()
        .filter(|e| e.reversed)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(back, ["wait->try"]);
    let e = &l.edges[4];
    // Drawn from the bottom row up: the first point is below the last.
    assert!(e.points[0][1] > e.points[e.points.len() - 1][1], "{e:?}");
    assert_eq!(e.label, None);
    let again = &l.edges[3];
    assert_eq!(again.id, "again");
    assert!(!again.reversed);
}

#[test]
fn a_loop_on_one_node_is_reversed() {
    let w = load(&doc(
        r#"{"id": "in", "kind": "start"},
           {"id": "poll", "kind": "decision"},
           {"id": "done", "kind": "end", "outcome": "done"}"#,
        r#"{"from": "in", "to": "poll"},
           {"from": "poll", "to": "poll", "when": {"ok": "no"}, "limit": 3, "label": "again"},
           {"from": "poll", "to": "done", "otherwise": true}"#,
    ));
    let l = layout(&w);
    check_drawing("self-loop", &w, &l);
    let e = &l.edges[1];
    assert!(e.reversed);
    assert_eq!(e.label.as_deref(), Some("again"));
    assert_eq!(e.caption.as_deref(), Some("again (≤ 3×)"));
    assert_eq!(l.edges[0].caption, None);
    assert_eq!(l.edges[2].caption.as_deref(), Some("otherwise"));
    assert!(e.points.len() >= 2);
}

#[test]
fn an_edge_back_into_a_start_is_reversed() {
    let w = load(&doc(
        r#"{"id": "in", "kind": "start"},
           {"id": "work", "kind": "task", "role": "agent"},
           {"id": "done", "kind": "end", "outcome": "done"}"#,
        r#"{"from": "work", "to": "in"}, {"from": "in", "to": "work"}, {"from": "work", "to": "done"}"#,
    ));
    let l = layout(&w);
    check_drawing("into-start", &w, &l);
    assert_eq!(boxed(&l, "in").layer, 0);
    assert!(l.edges[0].reversed);
    assert!(!l.edges[1].reversed);
}

#[test]
fn broken_workflows_do_not_panic() {
    // An edge to a node that does not exist, a dead end, a node with no way in, a
    // duplicate id, parallel edges, an empty workflow.
    let w = load(&doc(
        r#"{"id": "in", "kind": "start"},
           {"id": "stuck", "kind": "task", "role": "agent"},
           {"id": "orphan", "kind": "task", "role": "agent"},
           {"id": "orphan", "kind": "task", "role": "agent"},
           {"id": "done", "kind": "end", "outcome": "done"}"#,
        r#"{"from": "in", "to": "stuck"},
           {"from": "in", "to": "nowhere"},
           {"from": "ghost", "to": "done"},
           {"from": "orphan", "to": "done"},
           {"from": "in", "to": "done"},
           {"from": "in", "to": "done"}"#,
    ));
    let l = layout(&w);
    check_drawing("broken", &w, &l);
    assert_eq!(l.nodes.len(), 5);
    assert_eq!(l.edges.len(), 4);

    let empty = load(r#"{"flowdrill": 1, "id": "empty"}"#);
    let l = layout(&empty);
    assert!(l.nodes.is_empty() && l.edges.is_empty());
    assert!(l.width >= 0.0 && l.height >= 0.0);

    // No start at all, and a cycle with no way in.
    let w = load(&doc(
        r#"{"id": "a", "kind": "task", "role": "agent"},
           {"id": "b", "kind": "task", "role": "agent"},
           {"id": "c", "kind": "task", "role": "agent"}"#,
        r#"{"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "a"}"#,
    ));
    let l = layout(&w);
    check_drawing("cycle", &w, &l);
    assert_eq!(l.edges.iter().filter(|e| e.reversed).count(), 1);
}

#[test]
fn a_workflow_with_a_removed_node_lays_out() {
    let mut w = load(EXAMPLES[0].1);
    let Some((_, victim)) = w
        .nodes()
        .find(|(_, n)| n.kind.name() == "task")
        .map(|(ix, n)| (ix, n.id.clone()))
    else {
        panic!("no task to remove");
    };
    assert!(w.remove_node(&victim).is_ok());
    let l = layout(&w);
    check_drawing("edited", &w, &l);
    assert!(l.nodes.iter().all(|n| n.id != victim));
}

#[test]
fn long_edges_pass_between_boxes() {
    // A decision whose one branch skips a long chain: the skipping edge gets a point per
    // row it crosses, and none of its segments inside a row crosses a box.
    let w = load(&doc(
        r#"{"id": "in", "kind": "start"},
           {"id": "d", "kind": "decision"},
           {"id": "t1", "kind": "task", "role": "agent"},
           {"id": "t2", "kind": "task", "role": "agent"},
           {"id": "t3", "kind": "task", "role": "agent"},
           {"id": "t4", "kind": "task", "role": "agent"},
           {"id": "done", "kind": "end", "outcome": "done"}"#,
        r#"{"from": "in", "to": "d"},
           {"from": "d", "to": "t1", "when": {"ok": "yes"}},
           {"from": "t1", "to": "t2"}, {"from": "t2", "to": "t3"}, {"from": "t3", "to": "t4"},
           {"from": "t4", "to": "done"},
           {"from": "d", "to": "done", "otherwise": true}"#,
    ));
    let l = layout(&w);
    check_drawing("skip", &w, &l);
    let skip = &l.edges[6];
    let rows = boxed(&l, "done").layer - boxed(&l, "d").layer;
    assert_eq!(skip.points.len(), 2 + 2 * (rows - 1));
    for pair in skip.points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        for n in &l.nodes {
            let within_row = a[1] >= n.y - EPS && b[1] <= n.y + n.height + EPS;
            if within_row && a[0] == b[0] {
                assert!(
                    a[0] < n.x || a[0] > n.x + n.width,
                    "segment {a:?}-{b:?} crosses {}",
                    n.id
                );
            }
        }
    }
}

#[test]
fn a_larger_workflow_lays_out() {
    // A few hundred nodes: ladders of decisions with loops, checked for the same
    // properties (kept small enough for a debug build).
    let mut nodes = vec![r#"{"id": "in", "kind": "start"}"#.to_string()];
    let mut edges = Vec::new();
    let mut prev = "in".to_string();
    for i in 0..60 {
        let (t, d, side) = (format!("t{i}"), format!("d{i}"), format!("s{i}"));
        nodes.push(format!(
            r#"{{"id": "{t}", "kind": "task", "role": "agent"}}"#
        ));
        nodes.push(format!(r#"{{"id": "{d}", "kind": "decision"}}"#));
        nodes.push(format!(
            r#"{{"id": "{side}", "kind": "task", "role": "agent"}}"#
        ));
        edges.push(format!(r#"{{"from": "{prev}", "to": "{t}"}}"#));
        edges.push(format!(r#"{{"from": "{t}", "to": "{d}"}}"#));
        edges.push(format!(
            r#"{{"from": "{d}", "to": "{side}", "when": {{"ok": "no"}}}}"#
        ));
        if i % 3 == 0 {
            edges.push(format!(r#"{{"from": "{side}", "to": "{t}", "limit": 2}}"#));
        }
        if i % 2 == 1 {
            nodes.push(format!(
                r#"{{"id": "e{i}", "kind": "end", "outcome": "o{i}"}}"#
            ));
            edges.push(format!(r#"{{"from": "{side}", "to": "e{i}"}}"#));
        }
        prev = d;
    }
    nodes.push(r#"{"id": "done", "kind": "end", "outcome": "done"}"#.into());
    edges.push(format!(r#"{{"from": "{prev}", "to": "done"}}"#));
    let w = load(&doc(&nodes.join(","), &edges.join(",")));
    let l = layout(&w);
    check_drawing("ladder", &w, &l);
    assert_eq!(l.edges.iter().filter(|e| e.reversed).count(), 20);
}

#[test]
fn many_long_edges_stay_cheap() {
    // A chain of 400 steps, each also linked to one shared end at the bottom: edges that
    // together cross about 80,000 rows. Points along long edges are capped; the edges
    // past the cap are drawn straight, and the drawing keeps its properties.
    let len = 400;
    let mut nodes = vec![r#"{"id": "in", "kind": "start"}"#.to_string()];
    let mut edges = Vec::new();
    let mut prev = "in".to_string();
    for i in 0..len {
        let d = format!("d{i}");
        nodes.push(format!(r#"{{"id": "{d}", "kind": "decision"}}"#));
        edges.push(format!(r#"{{"from": "{prev}", "to": "{d}"}}"#));
        edges.push(format!(
            r#"{{"from": "{d}", "to": "cancelled", "when": {{"ok": "no"}}}}"#
        ));
        prev = d;
    }
    nodes.push(r#"{"id": "cancelled", "kind": "end", "outcome": "cancelled"}"#.into());
    nodes.push(r#"{"id": "done", "kind": "end", "outcome": "done"}"#.into());
    edges.push(format!(r#"{{"from": "{prev}", "to": "done"}}"#));
    let w = load(&doc(&nodes.join(","), &edges.join(",")));
    let l = layout(&w);
    check_drawing("fan-in", &w, &l);
    let points: usize = l.edges.iter().map(|e| e.points.len()).sum();
    assert!(points < 40 * (nodes.len() + edges.len()), "{points} points");
    // The shortest long edges still pass between boxes.
    let to_cancelled = l.edges.iter().filter(|e| e.to == "cancelled");
    assert!(to_cancelled.clone().any(|e| e.points.len() > 2));
    assert!(to_cancelled.clone().any(|e| e.points.len() == 2));
}
