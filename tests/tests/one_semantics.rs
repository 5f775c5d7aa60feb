//! One semantics: route, timeline, simulator and drill move a case the same way.
//!
//! All four are drivers of the one engine. For every distinct route of every example:
//!
//! - the simulator: a scenario pins the case attributes to the route's example case (and
//!   thins the arrivals, so that cases do not wait for each other for months); the first
//!   simulated case must visit the same nodes as the route, the same number of times, and
//!   end with the same outcome;
//! - the timeline and the drill: the timeline puts the route on the calendar, and a drill
//!   whose action log follows the answer key (each task done, each decision routed and each
//!   notify step told at the instant the timeline gives) must visit the same nodes, tell the
//!   same roles, reach the same outcome and give every SLA rule the same verdict.

use flowdrill_core::analysis::route::{Route, RouteRow, route_from};
use flowdrill_core::drill::scenario::{ActionKind, DrillScenario};
use flowdrill_core::drill::session::{Action, Session};
use flowdrill_core::engine::compiled::Compiled;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::{SimConfig, simulate};
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::time::timeline::{Pace, applicable_rules, run_route};
use flowdrill_core::{Duration, NodeKind, Workflow, route_table};
use flowdrill_tests::{EXAMPLES, load};
use std::collections::BTreeMap;

#[test]
fn simulated_cases_follow_their_routes() {
    let mut checked = 0;
    for name in EXAMPLES {
        let w = load(name);
        let table = route_table(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
        for row in &table.rows {
            // Pin every attribute to the example case's value.
            let mut mix = serde_json::Map::new();
            for (attr, value) in &row.example {
                mix.insert(attr.clone(), serde_json::json!({ value.to_string(): 1 }));
            }
            let scenario: Scenario = serde_json::from_value(
                serde_json::json!({ "flowdrill-scenario": 1, "mix": mix, "arrival_factor": 0.1 }),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let (pinned, _) = scenario.apply(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
            let expected = route_from(&pinned, Some(&row.route.start), &row.example)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let days = if *name == "social-media-program" {
                200
            } else {
                90
            };
            let mut cfg = SimConfig {
                horizon: Duration::from_hours(24 * days),
                event_log: true,
                seed: 3,
                ..Default::default()
            };
            // The first cases are all that is looked at.
            cfg.limits.max_log_rows = 100_000;
            let r =
                simulate(&pinned, &cfg, &mut |_| true).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The first case that entered at this route's start.
            let first = r
                .log
                .iter()
                .find(|l| l.activity == row.route.start)
                .map(|l| l.case_id)
                .unwrap_or_else(|| panic!("{name}: no case entered at {}", row.route.start));
            let mut visits: BTreeMap<&str, usize> = BTreeMap::new();
            for row in r
                .log
                .iter()
                .filter(|l| l.case_id == first && l.lifecycle == "complete")
            {
                *visits.entry(row.activity.as_str()).or_default() += 1;
            }
            let ended_here = expected
                .end
                .as_deref()
                .is_some_and(|e| visits.contains_key(e));
            assert!(
                ended_here,
                "{name}: the first case did not reach {:?}: {visits:?}",
                expected.end
            );
            // An end inside one branch of a fork ends the case whenever it comes, so the other
            // branch's progress depends on timing; elsewhere the visits must match exactly.
            let end_in_branch = expected.steps.last().is_some_and(|s| !s.lane.is_empty());
            if !end_in_branch {
                let mut want: BTreeMap<&str, usize> = BTreeMap::new();
                for s in &expected.steps {
                    *want.entry(s.node.as_str()).or_default() += 1;
                }
                assert_eq!(visits, want, "{name}: case {}", row.conditions_text());
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} routes checked");
}

/// The instant a drill clock started at `wall0` reaches drill time `t` of a post published
/// at `arrival` (speed 1).
fn wall(
    wall0: chrono::DateTime<chrono::Utc>,
    arrival: chrono::DateTime<chrono::Utc>,
    t: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    wall0 + (t - arrival)
}

/// The targets a route's decisions take, in order, per decision.
fn choices(w: &Workflow, route: &Route) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let edges = w.edges();
    for step in &route.steps {
        for id in &step.edges {
            let Some((_, e)) = edges.iter().find(|(_, s)| s.edge.display_id() == *id) else {
                continue;
            };
            let (from, to) = (&e.edge.from, &e.edge.to);
            if matches!(
                w.node_by_id(from).map(|n| &n.kind),
                Some(NodeKind::Decision { .. })
            ) {
                out.entry(from.clone()).or_default().push(to.clone());
            }
        }
    }
    out
}

/// Drills one post that takes `row`'s route, acting at the timeline's instants; checks it
/// against the route and the timeline.
fn drill_follows_the_answer_key(name: &str, w: &Workflow, c: &Compiled, row: &RouteRow) {
    let arrival = flowdrill_core::time::business::parse_instant("2026-03-02T09:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let route = &row.route;
    let rules = applicable_rules(w, c, &row.example);
    let timed = run_route(w, c, route, &rules, arrival, Pace::Typical)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        timed.steps.len(),
        route.steps.len(),
        "{name}: the timeline lost steps"
    );
    let truth: serde_json::Map<String, serde_json::Value> = row
        .example
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
        .collect();
    let scenario: DrillScenario = serde_json::from_value(serde_json::json!({
        "flowdrill-drill": 1, "id": "key", "workflow": "w.json",
        "starts_at": "2026-03-02T09:00:00Z",
        "injects": [{"id": "post", "at": "0m", "channel": "c", "author": "a", "text": "t",
                     "start": route.start, "truth": truth}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(w.clone(), scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
    let wall0 = arrival;
    let mut start = Action::new(wall0, "facilitator", ActionKind::Start);
    start.speed = Some(1);
    s.apply(start).unwrap_or_else(|e| panic!("{name}: {e}"));
    // What people do, at the timeline's instants, in time order (route order on ties).
    let mut todo: Vec<(chrono::DateTime<chrono::Utc>, usize, Action)> = Vec::new();
    let mut taken = choices(w, route);
    for (k, (step, ts)) in route.steps.iter().zip(&timed.steps).enumerate() {
        let Some(node) = w.node_by_id(&step.node) else {
            continue;
        };
        let at = wall(wall0, arrival, ts.leave);
        let mut a = match &node.kind {
            NodeKind::Task { .. } => {
                let mut a = Action::new(at, "p", ActionKind::Done);
                a.step = Some(step.node.clone());
                a
            }
            NodeKind::Notify { roles, .. } => {
                let mut a = Action::new(at, "p", ActionKind::Notify);
                a.roles = Some(roles.to_vec());
                a
            }
            NodeKind::Decision { .. } => {
                let Some(to) = taken
                    .get_mut(&step.node)
                    .filter(|q| !q.is_empty())
                    .map(|q| q.remove(0))
                else {
                    continue;
                };
                let mut a = Action::new(at, "p", ActionKind::Route);
                a.to = Some(to);
                a
            }
            _ => continue,
        };
        a.case = Some("post".into());
        todo.push((at, k, a));
    }
    todo.sort_by_key(|(at, k, _)| (*at, *k));
    for (_, _, a) in todo {
        if s.cases().first().is_some_and(|c| c.is_closed()) {
            break;
        }
        s.apply(a.clone())
            .unwrap_or_else(|e| panic!("{name} ({}): {e}", row.conditions_text()));
    }
    s.tick(wall(wall0, arrival, timed.end));
    let post = &s.cases()[0];
    assert_eq!(
        post.outcome,
        route.outcome,
        "{name}: {}",
        row.conditions_text()
    );
    let end_in_branch = route.steps.last().is_some_and(|s| !s.lane.is_empty());
    if !end_in_branch {
        let mut got: Vec<&str> = post.visits.iter().map(|v| v.node.as_str()).collect();
        let mut want = route.path();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}: {}", row.conditions_text());
        let mut told: Vec<String> = post
            .acts
            .iter()
            .filter(|a| a.kind == ActionKind::Notify)
            .flat_map(|a| a.to.clone())
            .collect();
        told.dedup();
        let mut notified: Vec<String> = route.notified().iter().map(|r| r.to_string()).collect();
        told.sort();
        told.dedup();
        notified.sort();
        assert_eq!(told, notified, "{name}: {}", row.conditions_text());
        // The same verdict per SLA rule: met and breached as the timeline says.
        let verdict =
            |s: ClockState| matches!(s, ClockState::Met | ClockState::Breached).then_some(s);
        let drilled: Vec<(String, Option<ClockState>)> = post
            .clocks_summary()
            .into_iter()
            .map(|(rule, state)| (rule, verdict(state)))
            .collect();
        let timeline: Vec<(String, Option<ClockState>)> = timed
            .clocks
            .iter()
            .map(|(r, run)| (w.slas[usize::from(*r)].id.clone(), verdict(run.state())))
            .collect();
        assert_eq!(drilled, timeline, "{name}: {}", row.conditions_text());
    }
}

#[test]
fn drills_and_timelines_follow_their_routes() {
    let mut checked = 0;
    for name in EXAMPLES {
        let w = load(name);
        let c = Compiled::new(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
        let table = route_table(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
        for row in &table.rows {
            drill_follows_the_answer_key(name, &w, &c, row);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} routes checked");
}
