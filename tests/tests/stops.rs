//! A loop limit reached, an `otherwise` branch and a dead end behave the same in every
//! driver of the engine: the route, its timeline, the simulator and a drill that follows the
//! answer key. The workflows are in `tests/fixtures/stops/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use flowdrill_core::analysis::route::Route;
use flowdrill_core::drill::session::{DrillError, Session};
use flowdrill_core::engine::compiled::Compiled;
use flowdrill_core::sim::{SimConfig, SimError, simulate};
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::{Workflow, validate};
use flowdrill_tests::case;
use flowdrill_tests::drivers::{drill_answer_key, route_case, simulate_case};

fn fixture(name: &str) -> Workflow {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("stops")
        .join(format!("{name}.json"));
    Workflow::from_json(&flowdrill_tests::read(&path)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn counts<'a>(nodes: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for n in nodes {
        *out.entry(n.to_string()).or_default() += 1;
    }
    out
}

/// Runs the case through all four drivers and checks that they agree on the nodes visited
/// (and how often), the outcome and each SLA rule's verdict; returns the route.
fn same_in_every_driver(w: &Workflow, start: &str, pairs: &[(&str, &str)]) -> Route {
    let example = case(w, pairs);
    let route = route_case(w, start, &example).unwrap_or_else(|e| panic!("{pairs:?}: {e}"));
    let want = counts(route.path());

    let sim = simulate_case(w, start, &example, 30, 11).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sim.visits, want, "simulator, {pairs:?}");
    let stuck: u64 = sim.result.replications.iter().map(|r| r.stuck).sum();
    assert_eq!(stuck, 0, "simulator, {pairs:?}");

    let c = Compiled::new(w).unwrap_or_else(|e| panic!("{e}"));
    let (drill, timed) =
        drill_answer_key(w, &c, &route, &example).unwrap_or_else(|e| panic!("{pairs:?}: {e}"));
    assert_eq!(timed.steps.len(), route.steps.len(), "timeline, {pairs:?}");
    let post = &drill.cases()[0];
    assert_eq!(post.outcome, route.outcome, "drill, {pairs:?}");
    assert_eq!(
        counts(post.visits.iter().map(|v| v.node.as_str())),
        want,
        "drill, {pairs:?}"
    );
    let verdicts: Vec<(String, ClockState)> = timed
        .clocks
        .iter()
        .map(|(r, run)| (w.slas[usize::from(*r)].id.clone(), run.state()))
        .collect();
    assert_eq!(
        post.clocks_summary(),
        verdicts,
        "drill and timeline, {pairs:?}"
    );
    route
}

#[test]
fn a_loop_limit_reached_takes_the_way_on_in_every_driver() {
    let w = fixture("loop-limit");
    assert!(!validate(&w).has_errors(), "{:?}", validate(&w));
    // No answer: the call is made three times (the first and two retries), then the limit
    // of "again" is used up and the case takes the otherwise branch.
    let r = same_in_every_driver(&w, "ticket", &[("reply", "no")]);
    assert_eq!(r.outcome.as_deref(), Some("escalated"));
    assert_eq!(r.path().iter().filter(|n| **n == "call").count(), 3);
    let r = same_in_every_driver(&w, "ticket", &[("reply", "yes")]);
    assert_eq!(r.outcome.as_deref(), Some("resolved"));
    assert_eq!(r.path(), ["ticket", "call", "answered", "resolved"]);
}

#[test]
fn an_otherwise_branch_takes_every_case_no_guard_accepts_in_every_driver() {
    let w = fixture("otherwise");
    assert!(!validate(&w).has_errors(), "{:?}", validate(&w));
    for kind in ["question", "praise"] {
        let r = same_in_every_driver(&w, "post", &[("kind", kind)]);
        assert_eq!(r.path(), ["post", "what", "desk", "tell", "answered"]);
        assert_eq!(r.notified(), ["support"]);
    }
    let r = same_in_every_driver(&w, "post", &[("kind", "complaint")]);
    assert_eq!(r.path(), ["post", "what", "support", "closed"]);
}

/// A workflow where some case gets stuck is invalid: the route shows where it stops, and the
/// simulator and the drill refuse it with the diagnostic that names the same node.
fn stuck_in_every_driver(name: &str, pairs: &[(&str, &str)], code: &str, at: &str) {
    let w = fixture(name);
    let report = validate(&w);
    let found: Vec<(&str, Option<&str>)> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == flowdrill_core::Severity::Error)
        .map(|d| (d.code, d.location.node.as_deref()))
        .collect();
    assert_eq!(found, [(code, Some(at))], "{name}");

    let example = case(&w, pairs);
    let start = w
        .nodes()
        .next()
        .map(|(_, n)| n.id.clone())
        .unwrap_or_default();
    let route = route_case(&w, &start, &example).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(route.stuck_at.as_deref(), Some(at), "{name}: route");
    assert_eq!(route.outcome, None, "{name}: route");

    match simulate(&w, &SimConfig::default(), &mut |_| true) {
        Err(SimError::Invalid(d)) => {
            assert_eq!(d.len(), 1, "{name}: simulator");
            assert_eq!((d[0].code, d[0].location.node.as_deref()), (code, Some(at)));
        }
        other => panic!("{name}: the simulator ran an invalid workflow: {other:?}"),
    }
    let scenario = serde_json::from_value(serde_json::json!({
        "flowdrill-drill": 1, "id": "stuck", "workflow": "w.json",
        "starts_at": "2026-03-02T09:00:00Z",
        "injects": [{"id": "post", "at": "0m", "channel": "c", "author": "a", "text": "t"}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    match Session::new(w.clone(), scenario) {
        Err(DrillError::Workflow(d)) => {
            assert_eq!(d.len(), 1, "{name}: drill");
            assert_eq!((d[0].code, d[0].location.node.as_deref()), (code, Some(at)));
        }
        Err(e) => panic!("{name}: the drill refused for another reason: {e}"),
        Ok(_) => panic!("{name}: the drill accepted an invalid workflow"),
    }
}

#[test]
fn a_dead_end_stops_the_case_in_every_driver() {
    stuck_in_every_driver("dead-end", &[("kind", "question")], "dead-end", "tell");
}

#[test]
fn a_decision_with_no_branch_left_stops_the_case_in_every_driver() {
    stuck_in_every_driver("no-branch", &[("reply", "no")], "decision-gap", "answered");
}

#[test]
fn the_drill_offers_only_the_branches_the_engine_allows() {
    use flowdrill_core::drill::scenario::ActionKind;
    use flowdrill_core::drill::session::Action;
    use flowdrill_core::drill::view::DrillView;
    let w = fixture("loop-limit");
    let scenario = serde_json::from_value(serde_json::json!({
        "flowdrill-drill": 1, "id": "calls", "workflow": "w.json",
        "starts_at": "2026-03-02T09:00:00Z",
        "injects": [{"id": "post", "at": "0m", "channel": "phone", "author": "a", "text": "t",
                     "truth": {"reply": "no"}}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(w, scenario).unwrap_or_else(|e| panic!("{e}"));
    let t0 = flowdrill_core::time::business::parse_instant("2026-03-02T09:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut start = Action::new(t0, "facilitator", ActionKind::Start);
    start.speed = Some(1);
    s.apply(start).unwrap_or_else(|e| panic!("{e}"));
    let offered = |s: &Session| -> Vec<String> {
        let view = DrillView::of(s);
        view.cases[0]
            .steps
            .iter()
            .flat_map(|st| st.branches.iter().map(|b| b.to.clone()))
            .collect()
    };
    for round in 0..3 {
        let at = t0 + chrono::Duration::minutes(10 * (round + 1));
        let mut done = Action::new(at, "p", ActionKind::Done);
        done.case = Some("post".into());
        done.step = Some("call".into());
        s.apply(done)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        if round < 2 {
            assert_eq!(
                offered(&s),
                ["call", "resolved", "escalated"],
                "round {round}"
            );
            let mut again = Action::new(at, "p", ActionKind::Route);
            again.case = Some("post".into());
            again.to = Some("call".into());
            s.apply(again)
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
    }
    // Two retries used: calling again is no longer a branch, and routing there is refused.
    assert_eq!(offered(&s), ["resolved", "escalated"]);
    let mut again = Action::new(t0 + chrono::Duration::minutes(31), "p", ActionKind::Route);
    again.case = Some("post".into());
    again.to = Some("call".into());
    assert!(s.apply(again).is_err());
}
