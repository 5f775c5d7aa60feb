//! One semantics: the simulator takes the same path through a workflow as `route` does.
//!
//! For every distinct route of every example, a scenario pins the case attributes to the
//! route's example case (and thins the arrivals, so that cases do not wait for each
//! other for months); the first simulated case must then visit the same nodes as the route,
//! the same number of times, and end with the same outcome.

use flowdrill_core::analysis::route::route_from;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::{SimConfig, simulate};
use flowdrill_core::{Duration, route_table};
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
