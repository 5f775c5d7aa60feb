//! One case through each driver of the engine: the route, its timeline, the simulator and a
//! drill whose action log follows the answer key. The tests compare what each saw.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use flowdrill_core::analysis::route::{Route, route_from};
use flowdrill_core::drill::scenario::{ActionKind, DrillScenario};
use flowdrill_core::drill::session::{Action, Session};
use flowdrill_core::engine::compiled::Compiled;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::{SimConfig, SimResult, simulate};
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::time::timeline::{Pace, Timed, applicable_rules, run_route};
use flowdrill_core::{Assignment, Duration, NodeKind, Workflow};

/// The instant the drills here start at, and their one post arrives.
pub const ARRIVAL: &str = "2026-03-02T09:00:00Z";

/// What the simulator did with the first case that entered at `start`.
#[derive(Debug)]
pub struct Simulated {
    /// The nodes the case completed, with how often.
    pub visits: BTreeMap<String, usize>,
    /// The run, for its counts (`cases.stuck`, …).
    pub result: SimResult,
}

/// Simulates `days` of the workflow with every attribute pinned to the case's value (and
/// arrivals thinned to a tenth, so that cases do not wait for each other), and reports the
/// first case that entered at `start`.
pub fn simulate_case(
    w: &Workflow,
    start: &str,
    example: &Assignment,
    days: u64,
    seed: u64,
) -> Result<Simulated, String> {
    let mut mix = serde_json::Map::new();
    for (attr, value) in example {
        mix.insert(attr.clone(), serde_json::json!({ value.to_string(): 1 }));
    }
    let scenario: Scenario = serde_json::from_value(
        serde_json::json!({ "flowdrill-scenario": 1, "mix": mix, "arrival_factor": 0.1 }),
    )
    .map_err(|e| e.to_string())?;
    let (pinned, _) = scenario.apply(w).map_err(|e| e.to_string())?;
    let mut cfg = SimConfig {
        horizon: Duration::from_hours(24 * days),
        event_log: true,
        seed,
        ..Default::default()
    };
    // The first cases are all that is looked at.
    cfg.limits.max_log_rows = 100_000;
    let result = simulate(&pinned, &cfg, &mut |_| true).map_err(|e| e.to_string())?;
    let first = result
        .log
        .iter()
        .find(|l| l.activity == start)
        .map(|l| l.case_id)
        .ok_or_else(|| format!("no case entered at {start}"))?;
    let mut visits = BTreeMap::new();
    for row in result
        .log
        .iter()
        .filter(|l| l.case_id == first && l.lifecycle == "complete")
    {
        *visits.entry(row.activity.clone()).or_default() += 1;
    }
    Ok(Simulated { visits, result })
}

/// The route of a case from `start`, by the route driver.
pub fn route_case(w: &Workflow, start: &str, example: &Assignment) -> Result<Route, String> {
    route_from(w, Some(start), example).map_err(|e| e.to_string())
}

/// The targets a route's decisions take, in order, per decision.
pub fn decision_targets(w: &Workflow, route: &Route) -> BTreeMap<String, Vec<String>> {
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

/// Drills one post (id `post`, true attributes `example`) that enters at the route's start:
/// the timeline puts the route on the calendar, and the drill's action log follows the
/// answer key — each task done, each decision routed and each notify step told at the
/// instant the timeline gives (route order on ties), with the drill clock at speed 1. Stops
/// acting once the post is closed, then ticks to the timeline's end.
pub fn drill_answer_key(
    w: &Workflow,
    c: &Compiled,
    route: &Route,
    example: &Assignment,
) -> Result<(Session, Timed), String> {
    let arrival: DateTime<Utc> =
        flowdrill_core::time::business::parse_instant(ARRIVAL).map_err(|e| e.to_string())?;
    let rules = applicable_rules(w, c, example);
    let timed =
        run_route(w, c, route, &rules, arrival, Pace::Typical).map_err(|e| e.to_string())?;
    let truth: serde_json::Map<String, serde_json::Value> = example
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
        .collect();
    let scenario: DrillScenario = serde_json::from_value(serde_json::json!({
        "flowdrill-drill": 1, "id": "key", "workflow": "w.json", "starts_at": ARRIVAL,
        "injects": [{"id": "post", "at": "0m", "channel": "c", "author": "a", "text": "t",
                     "start": route.start, "truth": truth}]
    }))
    .map_err(|e| e.to_string())?;
    let mut s = Session::new(w.clone(), scenario).map_err(|e| e.to_string())?;
    let mut start = Action::new(arrival, "facilitator", ActionKind::Start);
    start.speed = Some(1);
    s.apply(start).map_err(|e| e.to_string())?;
    let mut todo: Vec<(DateTime<Utc>, usize, Action)> = Vec::new();
    let mut taken = decision_targets(w, route);
    for (k, (step, ts)) in route.steps.iter().zip(&timed.steps).enumerate() {
        let Some(node) = w.node_by_id(&step.node) else {
            continue;
        };
        let at = ts.leave;
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
        s.apply(a).map_err(|e| e.to_string())?;
    }
    s.tick(timed.end);
    Ok((s, timed))
}

fn counts<'a>(nodes: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for n in nodes {
        *out.entry(n.to_string()).or_default() += 1;
    }
    out
}

/// Runs one case through all four drivers — route, timeline, simulator (`days` of arrivals,
/// the first case) and a drill following the answer key — and panics unless they agree on the nodes
/// visited (and how often), the outcome, the roles told and each SLA rule's state; returns
/// the route. Where the route ends inside one branch of a fork, the other branches'
/// progress depends on timing, so only the outcome is compared there.
pub fn same_in_every_driver(w: &Workflow, start: &str, example: &Assignment, days: u64) -> Route {
    let route = route_case(w, start, example).unwrap_or_else(|e| panic!("{example:?}: {e}"));
    let want = counts(route.path());
    let end_in_branch = route.steps.last().is_some_and(|s| !s.lane.is_empty());

    let sim = simulate_case(w, start, example, days, 11).unwrap_or_else(|e| panic!("{e}"));
    let stuck: u64 = sim.result.replications.iter().map(|r| r.stuck).sum();
    assert_eq!(stuck, 0, "simulator, {example:?}");
    if let Some(end) = &route.end {
        assert!(
            sim.visits.contains_key(end),
            "simulator, {example:?}: {:?}",
            sim.visits
        );
    }
    if !end_in_branch {
        assert_eq!(sim.visits, want, "simulator, {example:?}");
    }

    let c = Compiled::new(w).unwrap_or_else(|e| panic!("{e}"));
    let (drill, timed) =
        drill_answer_key(w, &c, &route, example).unwrap_or_else(|e| panic!("{example:?}: {e}"));
    assert_eq!(
        timed.steps.len(),
        route.steps.len(),
        "timeline, {example:?}"
    );
    let post = &drill.cases()[0];
    assert_eq!(post.outcome, route.outcome, "drill, {example:?}");
    if !end_in_branch {
        assert_eq!(
            counts(post.visits.iter().map(|v| v.node.as_str())),
            want,
            "drill, {example:?}"
        );
        let mut told: Vec<String> = post
            .acts
            .iter()
            .filter(|a| a.kind == ActionKind::Notify)
            .flat_map(|a| a.to.clone())
            .collect();
        told.sort();
        told.dedup();
        let mut notified: Vec<String> = route.notified().iter().map(|r| r.to_string()).collect();
        notified.sort();
        notified.dedup();
        assert_eq!(told, notified, "drill, {example:?}");
        let states: Vec<(String, ClockState)> = timed
            .clocks
            .iter()
            .map(|(r, run)| (w.slas[usize::from(*r)].id.clone(), run.state()))
            .collect();
        assert_eq!(
            post.clocks_summary(),
            states,
            "drill and timeline, {example:?}"
        );
    }
    route
}
