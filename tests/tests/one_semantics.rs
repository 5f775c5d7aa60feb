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
//!   same roles, reach the same outcome and leave every SLA rule in the same state.
//!
//! `generated.rs` does the same for generated workflows, and `stops.rs` for loop limits,
//! `otherwise` branches and dead ends.

use flowdrill_core::route_table;
use flowdrill_tests::drivers::same_in_every_driver;
use flowdrill_tests::{EXAMPLES, load};

#[test]
fn every_driver_takes_every_route_of_every_example_the_same_way() {
    let mut checked = 0;
    for name in EXAMPLES {
        let w = load(name);
        let table = route_table(&w).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The program's posts arrive a few a month: long enough for each route's first case.
        let days = if *name == "social-media-program" {
            200
        } else {
            90
        };
        for row in &table.rows {
            eprintln!("{name}: {}", row.conditions_text());
            same_in_every_driver(&w, &row.route.start, &row.example, days);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} routes checked");
}
