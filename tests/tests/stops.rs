//! A loop limit reached, an `otherwise` branch and a dead end behave the same in every
//! driver of the engine: the route, its timeline, the simulator and a drill that follows the
//! answer key. The workflows are in `tests/fixtures/stops/`.

use std::path::PathBuf;

use flowdrill_core::drill::session::{DrillError, Session};
use flowdrill_core::sim::{SimConfig, SimError, simulate};
use flowdrill_core::{Workflow, validate};
use flowdrill_tests::case;
use flowdrill_tests::drivers::{route_case, same_in_every_driver};

fn fixture(name: &str) -> Workflow {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("stops")
        .join(format!("{name}.json"));
    Workflow::from_json(&flowdrill_tests::read(&path)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_loop_limit_reached_takes_the_way_on_in_every_driver() {
    let w = fixture("loop-limit");
    assert!(!validate(&w).has_errors(), "{:?}", validate(&w));
    // No answer: the call is made three times (the first and two retries), then the limit
    // of "again" is used up and the case takes the otherwise branch.
    let r = same_in_every_driver(&w, "ticket", &case(&w, &[("reply", "no")]), 30);
    assert_eq!(r.outcome.as_deref(), Some("escalated"));
    assert_eq!(r.path().iter().filter(|n| **n == "call").count(), 3);
    let r = same_in_every_driver(&w, "ticket", &case(&w, &[("reply", "yes")]), 30);
    assert_eq!(r.outcome.as_deref(), Some("resolved"));
    assert_eq!(r.path(), ["ticket", "call", "answered", "resolved"]);
}

#[test]
fn an_otherwise_branch_takes_every_case_no_guard_accepts_in_every_driver() {
    let w = fixture("otherwise");
    assert!(!validate(&w).has_errors(), "{:?}", validate(&w));
    for kind in ["question", "praise"] {
        let r = same_in_every_driver(&w, "post", &case(&w, &[("kind", kind)]), 30);
        assert_eq!(r.path(), ["post", "what", "desk", "tell", "answered"]);
        assert_eq!(r.notified(), ["support"]);
    }
    let r = same_in_every_driver(&w, "post", &case(&w, &[("kind", "complaint")]), 30);
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
