//! Deliberately broken copies of the `fulfilment-list` example: each gives the diagnostic
//! a user would need to fix it, at the place where the fix goes.

use flowdrill_core::{Diagnostic, Report, Severity, Value, check};
use flowdrill_tests::{example_text, fixture_text};

/// The report for a fixture, with exactly one error, which has the given code.
fn only_error(name: &str, code: &str) -> (Report, Diagnostic) {
    let report = check(&fixture_text(name));
    let listing: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let errors: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{name}.json:\n{}", listing.join("\n"));
    assert_eq!(errors[0].code, code, "{name}.json:\n{}", listing.join("\n"));
    let d = errors[0].clone();
    (report, d)
}

/// The 1-based line and column where `needle` starts in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = at - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[test]
fn the_original_is_clean() {
    let report = check(&example_text("fulfilment-list"));
    assert!(report.is_clean(), "{:#?}", report.diagnostics);
}

#[test]
fn missing_branch_is_a_decision_gap_at_the_decision() {
    let (report, d) = only_error("decision-gap", "decision-gap");
    assert_eq!(d.location.node.as_deref(), Some("frequency"));
    assert_eq!(d.location.path.as_deref(), Some("nodes[2]"));
    let example = d
        .example
        .as_ref()
        .expect("a gap comes with a case that falls through");
    assert_eq!(example.get("frequency"), Some(&Value::from("monthly")));
    assert!(d.message.contains("frequency=monthly"), "{}", d.message);
    // The monthly list now has no way in.
    let unreachable = report.with_code("unreachable");
    assert_eq!(unreachable.len(), 1);
    assert_eq!(
        unreachable[0].location.node.as_deref(),
        Some("monthly-list")
    );
}

#[test]
fn overlapping_branches_are_a_decision_overlap_at_the_later_edge() {
    let (report, d) = only_error("decision-overlap", "decision-overlap");
    assert_eq!(d.location.edge.as_deref(), Some("frequency->weekly-list"));
    assert_eq!(d.location.path.as_deref(), Some("edges[3].when"));
    let example = d
        .example
        .as_ref()
        .expect("an overlap comes with a case both branches take");
    assert_eq!(example.get("frequency"), Some(&Value::from("daily")));
    assert!(d.message.contains("frequency->daily-list"), "{}", d.message);
    assert_eq!(report.warning_count(), 0, "{:#?}", report.diagnostics);
}

#[test]
fn node_without_a_way_out_is_a_dead_end() {
    let (report, d) = only_error("dead-end", "dead-end");
    assert_eq!(d.location.node.as_deref(), Some("mark-complete"));
    assert_eq!(d.location.path.as_deref(), Some("nodes[12]"));
    let unreachable = report.with_code("unreachable");
    assert_eq!(unreachable.len(), 1);
    assert_eq!(unreachable[0].location.node.as_deref(), Some("fulfilled"));
}

#[test]
fn misspelt_role_is_undefined_with_a_suggestion() {
    let (report, d) = only_error("undefined-role", "undefined-role");
    assert_eq!(d.location.node.as_deref(), Some("ship-order"));
    assert_eq!(d.location.path.as_deref(), Some("nodes[10]"));
    assert!(d.message.contains("\"fulfiler\""), "{}", d.message);
    assert!(
        d.message.contains("did you mean \"fulfiller\""),
        "{}",
        d.message
    );
    assert_eq!(report.warning_count(), 0, "{:#?}", report.diagnostics);
}

#[test]
fn missing_comma_is_a_syntax_error_with_line_and_column() {
    let text = fixture_text("syntax");
    let (report, d) = only_error("syntax", "syntax");
    assert_eq!(report.diagnostics.len(), 1);
    // The parser stops at the edge after the missing comma.
    let (line, column) = position_of(&text, r#"{ "from": "send-collateral""#);
    assert_eq!(d.location.line, Some(line));
    assert_eq!(d.location.column, Some(column));
    // The comma is missing after edges[14], the edge before the one the parser stops at.
    assert_eq!(d.location.path.as_deref(), Some("edges[14]"));
    assert!(flowdrill_core::Workflow::from_json(&text).is_err());
}

#[test]
fn broken_fixtures_differ_from_the_example_only_where_they_are_broken() {
    let original = example_text("fulfilment-list");
    for name in [
        "decision-gap",
        "decision-overlap",
        "dead-end",
        "undefined-role",
        "syntax",
    ] {
        let broken = fixture_text(name);
        let a: Vec<&str> = original.lines().collect();
        let b: Vec<&str> = broken.lines().collect();
        let changed = a.iter().filter(|l| !b.contains(l)).count()
            + b.iter().filter(|l| !a.contains(l)).count();
        // The id line on each side, plus the one or two lines of the fault.
        assert!((2..=5).contains(&changed), "{name}: {changed} lines differ");
    }
}
