//! Routes and route tables: one step function, two drivers that must agree.

mod common;

use common::load;
use flowdrill_core::analysis::route::{parse_assignment, route_from};
use flowdrill_core::analysis::space::Space;
use flowdrill_core::{RouteError, route, route_table, validate};

/// A fulfilment-shaped workflow: a decision, a fork with a retry loop in one branch, a
/// notification, a join, and an end inside a branch.
const FULFIL: &str = r#"{
  "flowdrill": 1, "id": "fulfil",
  "roles": {"qa": {}, "specialist": {"escalates_to": "supervisor"}, "supervisor": {}},
  "attributes": {
    "contract": ["ok", "bad"],
    "profiles": ["new", "existing"],
    "reply": ["first", "second", "never"]
  },
  "nodes": [
    {"id": "signed", "kind": "start"},
    {"id": "qa-check", "kind": "task", "role": "qa"},
    {"id": "valid", "kind": "decision"},
    {"id": "rejected", "kind": "end", "outcome": "cancelled"},
    {"id": "split", "kind": "fork"},
    {"id": "collect", "kind": "task", "role": "specialist"},
    {"id": "which", "kind": "decision"},
    {"id": "activate", "kind": "task", "role": "specialist"},
    {"id": "request", "kind": "task", "role": "specialist", "name": "Request access"},
    {"id": "answered", "kind": "decision", "match": "first"},
    {"id": "escalate", "kind": "notify", "roles": "supervisor", "message": "Customer unresponsive"},
    {"id": "hold", "kind": "end", "outcome": "on-hold"},
    {"id": "merge", "kind": "join"},
    {"id": "produce", "kind": "task", "role": "specialist"},
    {"id": "live", "kind": "end", "outcome": "complete"}
  ],
  "edges": [
    {"from": "signed", "to": "qa-check"},
    {"from": "qa-check", "to": "valid"},
    {"from": "valid", "to": "split", "when": {"contract": "ok"}},
    {"from": "valid", "to": "rejected", "when": {"contract": "bad"}},
    {"from": "split", "to": "collect"},
    {"from": "split", "to": "which"},
    {"from": "collect", "to": "merge"},
    {"from": "which", "to": "activate", "when": {"profiles": "new"}},
    {"from": "which", "to": "request", "when": {"profiles": "existing"}},
    {"from": "activate", "to": "merge"},
    {"from": "request", "to": "answered"},
    {"from": "answered", "to": "merge", "label": "access granted", "when": {"reply": "first"}},
    {"from": "answered", "to": "merge", "id": "late", "label": "granted on follow-up", "when": {"reply": "second"}},
    {"from": "answered", "to": "request", "label": "follow up", "limit": 2, "when": {"reply": ["second", "never"]}},
    {"from": "answered", "to": "escalate", "otherwise": true},
    {"from": "escalate", "to": "hold"},
    {"from": "merge", "to": "produce"},
    {"from": "produce", "to": "live"}
  ]
}"#;

#[test]
fn the_fixture_is_valid() {
    let r = validate(&load(FULFIL));
    assert!(r.is_clean(), "{:#?}", r.diagnostics);
}

fn case(w: &flowdrill_core::Workflow, pairs: &[(&str, &str)]) -> flowdrill_core::Assignment {
    match parse_assignment(w, pairs.iter().copied()) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn both_branches_of_a_fork_are_walked_before_the_join() {
    let w = load(FULFIL);
    let r = route(
        &w,
        &case(
            &w,
            &[("contract", "ok"), ("profiles", "new"), ("reply", "first")],
        ),
    )
    .unwrap();
    assert_eq!(
        r.path(),
        vec![
            "signed", "qa-check", "valid", "split", "collect", "which", "activate", "merge",
            "produce", "live"
        ]
    );
    let lanes: Vec<&str> = r.steps.iter().map(|s| s.lane.as_str()).collect();
    assert_eq!(lanes, vec!["", "", "", "", "1", "2", "2", "", "", ""]);
    assert_eq!(r.outcome.as_deref(), Some("complete"));
    assert_eq!(r.roles(), vec!["qa", "specialist"]);
}

#[test]
fn retry_loops_run_to_their_limit_then_escalate() {
    let w = load(FULFIL);
    let r = route(
        &w,
        &case(
            &w,
            &[
                ("contract", "ok"),
                ("profiles", "existing"),
                ("reply", "never"),
            ],
        ),
    )
    .unwrap();
    assert_eq!(r.visits("request"), 3, "{:?}", r.path());
    assert_eq!(r.outcome.as_deref(), Some("on-hold"));
    assert_eq!(r.notified(), vec!["supervisor"]);
    // The end inside the branch ends the case: the join is never reached.
    assert!(!r.passes("merge"));

    let r = route(
        &w,
        &case(
            &w,
            &[
                ("contract", "ok"),
                ("profiles", "existing"),
                ("reply", "second"),
            ],
        ),
    )
    .unwrap();
    // first-match: "late" accepts reply=second before the follow-up edge does.
    assert_eq!(r.visits("request"), 1);
    assert_eq!(
        r.steps
            .iter()
            .find(|s| s.node == "merge")
            .and_then(|s| s.via.as_deref()),
        Some("granted on follow-up")
    );
}

/// The edges each step came in by, in order.
fn step_edges(r: &flowdrill_core::Route) -> Vec<(&str, Vec<&str>)> {
    r.steps
        .iter()
        .map(|s| {
            (
                s.node.as_str(),
                s.edges.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn each_step_names_the_edges_it_came_in_by() {
    let w = load(FULFIL);
    let r = route(
        &w,
        &case(
            &w,
            &[
                ("contract", "ok"),
                ("profiles", "existing"),
                ("reply", "second"),
            ],
        ),
    )
    .unwrap();
    assert_eq!(
        step_edges(&r),
        [
            ("signed", vec![]),
            ("qa-check", vec!["signed->qa-check"]),
            ("valid", vec!["qa-check->valid"]),
            ("split", vec!["valid->split"]),
            ("collect", vec!["split->collect"]),
            ("which", vec!["split->which"]),
            ("request", vec!["which->request"]),
            ("answered", vec!["request->answered"]),
            // A join names one edge per branch; an edge with an id is named by it.
            ("merge", vec!["collect->merge", "late"]),
            ("produce", vec!["merge->produce"]),
            ("live", vec!["produce->live"]),
        ]
    );
}

#[test]
fn a_retry_loop_names_its_edge_on_every_pass() {
    let w = load(FULFIL);
    let r = route(
        &w,
        &case(
            &w,
            &[
                ("contract", "ok"),
                ("profiles", "existing"),
                ("reply", "never"),
            ],
        ),
    )
    .unwrap();
    let again: Vec<(&str, Option<&str>)> = r
        .steps
        .iter()
        .filter(|s| s.node == "request")
        .map(|s| (s.edges[0].as_str(), s.via.as_deref()))
        .collect();
    assert_eq!(
        again,
        [
            ("which->request", None),
            ("answered->request", Some("follow up")),
            ("answered->request", Some("follow up")),
        ]
    );
    let last = r.steps.last().unwrap();
    assert_eq!(
        (last.node.as_str(), last.edges.as_slice()),
        ("hold", &["escalate->hold".to_string()][..])
    );
}

#[test]
fn every_step_edge_is_an_edge_into_its_node() {
    let w = load(FULFIL);
    let edges: Vec<(String, String)> = w
        .to_document()
        .edges
        .iter()
        .map(|e| (e.display_id(), e.to.clone()))
        .collect();
    for row in route_table(&w).unwrap().rows {
        for s in &row.route.steps {
            for id in &s.edges {
                assert!(
                    edges.iter().any(|(e, to)| e == id && *to == s.node),
                    "{id} is no edge into {}",
                    s.node
                );
            }
            let first = s.node == row.route.start && s.edges.is_empty();
            assert!(first || !s.edges.is_empty(), "{} came by no edge", s.node);
        }
    }
}

#[test]
fn route_errors_say_what_was_expected() {
    let w = load(FULFIL);
    let e = parse_assignment(&w, [("contract", "maybe")]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "attribute \"contract\" has no value \"maybe\"; expected one of ok, bad"
    );
    let e = parse_assignment(&w, [("kontract", "ok")]).unwrap_err();
    assert!(matches!(e, RouteError::UnknownAttribute { .. }), "{e}");
    let e = route(&w, &case(&w, &[("contract", "ok")])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "decision \"which\" needs attribute \"profiles\" (one of new, existing)"
    );
    // Only the attributes a decision needs are asked for.
    let r = route(&w, &case(&w, &[("contract", "bad")])).unwrap();
    assert_eq!(r.outcome.as_deref(), Some("cancelled"));
    let e = route_from(&w, Some("qa-check"), &case(&w, &[])).unwrap_err();
    assert_eq!(e, RouteError::NotAStart("qa-check".into()));
}

#[test]
fn the_table_agrees_with_every_single_route() {
    let w = load(FULFIL);
    let table = route_table(&w).unwrap();
    let space = Space::new(&w.attributes);
    let total: u128 = table.rows.iter().map(|r| r.cases).sum();
    assert_eq!(total, table.total_cases);
    assert_eq!(table.total_cases, 12);
    for a in space.all_cases() {
        let single = route(&w, &a).unwrap();
        let rows: Vec<_> = table
            .rows
            .iter()
            .filter(|row| row.route == single)
            .collect();
        assert_eq!(rows.len(), 1, "case {a:?} took {:?}", single.path());
        // The row's conditions describe the case.
        let text = rows[0].conditions_text();
        assert!(!text.is_empty());
    }
    // Weighted shares of one start sum to one.
    let shares: f64 = table.rows.iter().map(|r| r.share).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
    // contract=bad is one row for all 6 of its cases.
    let bad = table
        .rows
        .iter()
        .find(|r| r.route.outcome.as_deref() == Some("cancelled"))
        .unwrap();
    assert_eq!(bad.cases, 6);
    assert_eq!(bad.conditions_text(), "contract=bad");
}

#[test]
fn stuck_cases_show_in_the_table() {
    let text = FULFIL.replace(
        r#"{"from": "valid", "to": "rejected", "when": {"contract": "bad"}},"#,
        "",
    );
    let w = load(&text);
    let table = route_table(&w).unwrap();
    let stuck: Vec<_> = table
        .rows
        .iter()
        .filter(|r| r.route.stuck_at.is_some())
        .collect();
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].route.stuck_at.as_deref(), Some("valid"));
    assert_eq!(stuck[0].conditions_text(), "contract=bad");
}

#[test]
fn json_round_trip_keeps_everything() {
    let w = load(FULFIL);
    let again = load(&w.to_json());
    assert_eq!(w.to_document(), again.to_document());
    assert_eq!(again.to_json(), w.to_json());
}

#[test]
fn removing_a_node_keeps_the_others_indices() {
    let mut w = load(FULFIL);
    let before: Vec<_> = w.nodes().map(|(ix, n)| (n.id.clone(), ix)).collect();
    w.remove_node("collect").unwrap();
    for (id, ix) in before.iter().filter(|(id, _)| id != "collect") {
        assert_eq!(w.node_index(id), Some(*ix), "{id} moved");
    }
    assert!(w.remove_node("collect").is_err());
    // The fork now has one branch: validation says so.
    let r = validate(&w);
    assert!(
        !r.with_code("fork-arity").is_empty(),
        "{:#?}",
        r.diagnostics
    );
    w.add_node(flowdrill_core::Node::new(
        "collect",
        flowdrill_core::NodeKind::Fork,
    ))
    .unwrap();
    assert!(
        w.add_node(flowdrill_core::Node::new(
            "merge",
            flowdrill_core::NodeKind::Join
        ))
        .is_err()
    );
}
