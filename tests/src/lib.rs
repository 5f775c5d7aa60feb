//! Cross-crate tests over the example library.
//!
//! The helpers here load the workflows in `examples/workflows/` and the broken fixtures in
//! `tests/fixtures/broken/`, and build cases from `name=value` pairs, so the tests in
//! `tests/tests/` read the way a team would test its own workflow file:
//!
//! ```
//! use flowdrill_tests::{case, load};
//!
//! let w = load("social-triage");
//! let post = case(&w, &[("situation", "crisis"), ("asker", "media")]);
//! let r = flowdrill_core::route(&w, &post).unwrap();
//! assert!(r.notified().contains(&"legal"));
//! ```

use std::path::PathBuf;

pub mod drivers;
pub mod fuzz;

use flowdrill_core::analysis::route::{Route, RouteTable, parse_assignment, route_from};
use flowdrill_core::{Assignment, Workflow};

/// The ids of the example workflows, one file each in `examples/workflows/`.
pub const EXAMPLES: &[&str] = &[
    "smm-fulfilment",
    "facebook-access",
    "fulfilment-list",
    "social-media-program",
    "social-triage",
];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The path of an example workflow, e.g. `example_path("social-triage")`.
pub fn example_path(name: &str) -> PathBuf {
    workspace_root()
        .join("examples")
        .join("workflows")
        .join(format!("{name}.json"))
}

/// The path of a deliberately broken fixture, e.g. `fixture_path("decision-gap")`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("broken")
        .join(format!("{name}.json"))
}

/// The text of an example workflow.
pub fn example_text(name: &str) -> String {
    read(&example_path(name))
}

/// The text of a broken fixture.
pub fn fixture_text(name: &str) -> String {
    read(&fixture_path(name))
}

/// The text of a file, panicking with the path when it cannot be read.
pub fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Loads and parses an example workflow, panicking with the parse error (path, line and
/// column) when it does not read.
pub fn load(name: &str) -> Workflow {
    Workflow::from_json(&example_text(name)).unwrap_or_else(|e| panic!("{name}.json: {e}"))
}

/// A case from `name=value` pairs, checked against the workflow's attribute domains.
pub fn case(w: &Workflow, pairs: &[(&str, &str)]) -> Assignment {
    parse_assignment(w, pairs.iter().copied())
        .unwrap_or_else(|e| panic!("{}: bad case {pairs:?}: {e}", w.id))
}

/// The route of a case from a named start node (or the only one when `None`).
pub fn route_of(w: &Workflow, start: Option<&str>, pairs: &[(&str, &str)]) -> Route {
    let c = case(w, pairs);
    route_from(w, start, &c).unwrap_or_else(|e| panic!("{}: no route for {pairs:?}: {e}", w.id))
}

/// Every combination of attribute values, in attribute order. Fine for the examples,
/// whose domains multiply to a few thousand cases at most.
pub fn all_cases(w: &Workflow) -> Vec<Assignment> {
    let mut out = vec![Assignment::new()];
    for (name, attr) in w.attributes.iter() {
        out = out
            .into_iter()
            .flat_map(|partial| {
                attr.values.iter().map(move |v| {
                    let mut next = partial.clone();
                    next.insert(name.clone(), v.clone());
                    next
                })
            })
            .collect();
    }
    out
}

/// The route table of a workflow.
pub fn routes(w: &Workflow) -> RouteTable {
    flowdrill_core::route_table(w).unwrap_or_else(|e| panic!("{}: no route table: {e}", w.id))
}

/// The route table as readable text: one block per route with its conditions, path,
/// notifications and outcome. Handy in assertion messages.
pub fn describe_routes(table: &RouteTable) -> String {
    let mut out = String::new();
    for (i, row) in table.rows.iter().enumerate() {
        let r = &row.route;
        out.push_str(&format!(
            "route {} from {} ({} cases): {}\n  path: {}\n",
            i + 1,
            r.start,
            row.cases,
            row.conditions_text(),
            r.path().join(" > "),
        ));
        if !r.notifications.is_empty() {
            out.push_str(&format!("  notifies: {}\n", r.notified().join(", ")));
        }
        match (&r.outcome, &r.stuck_at) {
            (Some(o), _) => out.push_str(&format!("  outcome: {o}\n")),
            (None, Some(s)) => out.push_str(&format!("  STUCK at {s}\n")),
            (None, None) => out.push_str("  no outcome\n"),
        }
    }
    out
}

/// A drill scenario from `examples/drills/` (e.g. `"viral-video"`) and the workflow it
/// names, panicking with the parse error when either does not read.
pub fn drill(name: &str) -> (Workflow, flowdrill_core::drill::DrillScenario) {
    let path = workspace_root()
        .join("examples")
        .join("drills")
        .join(format!("{name}.json"));
    let s = flowdrill_core::drill::DrillScenario::from_json(&read(&path))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let wf = path.parent().unwrap_or(&path).join(&s.workflow);
    let w = Workflow::from_json(&read(&wf)).unwrap_or_else(|e| panic!("{}: {e}", wf.display()));
    (w, s)
}

/// A recorded action log from `tests/fixtures/drills/` (e.g. `"viral-video.good"`).
pub fn drill_log(name: &str) -> Vec<flowdrill_core::drill::Action> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("drills")
        .join(format!("{name}.json"));
    flowdrill_core::drill::session::parse_actions(&read(&path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares `got` with `tests/expected/<name>`; with `FLOWDRILL_UPDATE_EXPECTED` set, writes
/// it there first (to accept a change made on purpose).
pub fn expect_file(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(name);
    if std::env::var_os("FLOWDRILL_UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let want = read(&path);
    assert_eq!(
        got, want,
        "{name} changed; if on purpose, rerun with FLOWDRILL_UPDATE_EXPECTED=1"
    );
}
