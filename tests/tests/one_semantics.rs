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

use flowdrill_core::analysis::route::RouteRow;
use flowdrill_core::drill::scenario::ActionKind;
use flowdrill_core::engine::compiled::Compiled;
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::{Workflow, route_table};
use flowdrill_tests::drivers::{drill_answer_key, route_case, simulate_case};
use flowdrill_tests::{EXAMPLES, load};
use std::collections::BTreeMap;

#[test]
fn simulated_cases_follow_their_routes() {
    let mut checked = 0;
    for name in EXAMPLES {
        let w = load(name);
        let table = route_table(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
        for row in &table.rows {
            let days = if *name == "social-media-program" {
                200
            } else {
                90
            };
            let sim = simulate_case(&w, &row.route.start, &row.example, days, 3)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let visits = sim.visits;
            let expected = route_case(&w, &row.route.start, &row.example)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
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
                let mut want: BTreeMap<String, usize> = BTreeMap::new();
                for s in &expected.steps {
                    *want.entry(s.node.clone()).or_default() += 1;
                }
                assert_eq!(visits, want, "{name}: case {}", row.conditions_text());
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} routes checked");
}

/// Drills one post that takes `row`'s route, acting at the timeline's instants; checks it
/// against the route and the timeline.
fn drill_follows_the_answer_key(name: &str, w: &Workflow, c: &Compiled, row: &RouteRow) {
    let route = &row.route;
    let (s, timed) = drill_answer_key(w, c, route, &row.example)
        .unwrap_or_else(|e| panic!("{name} ({}): {e}", row.conditions_text()));
    assert_eq!(
        timed.steps.len(),
        route.steps.len(),
        "{name}: the timeline lost steps"
    );
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
