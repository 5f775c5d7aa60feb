//! SLA feasibility as reported by `check`.

mod common;

use common::load;
use flowdrill_core::validate;

fn workflow(work: &str, sla: &str, role_calendar: &str) -> String {
    format!(
        r#"{{"flowdrill": 1, "id": "f",
        "calendars": {{"office": {{"timezone": "America/New_York", "hours": {{"mon-fri": [["09:00", "17:00"]]}}}}}},
        "roles": {{"agent": {{"staff": 2 {role_calendar}}}}},
        "nodes": [{{"id": "post", "kind": "start"}},
                  {{"id": "reply", "kind": "task", "role": "agent", "effort": {work}}},
                  {{"id": "done", "kind": "end", "outcome": "closed"}}],
        "edges": [{{"from": "post", "to": "reply"}}, {{"from": "reply", "to": "done"}}],
        "slas": [{sla}]}}"#
    )
}

#[test]
fn ninety_minutes_of_work_cannot_meet_a_one_hour_business_sla() {
    let w = load(&workflow(
        r#""90m""#,
        r#"{"id": "reply", "target": "1h", "calendar": "office"}"#,
        r#", "calendar": "office""#,
    ));
    let r = validate(&w);
    let d = r.with_code("sla-infeasible");
    assert_eq!(d.len(), 1, "{:#?}", r.diagnostics);
    assert!(d[0].message.contains("at least 1h30m"), "{}", d[0].message);
}

#[test]
fn typical_work_over_the_target_is_at_risk() {
    let w = load(&workflow(
        r#"{"uniform": {"min": "20m", "max": "2h"}}"#,
        r#"{"id": "reply", "target": "1h", "calendar": "office"}"#,
        r#", "calendar": "office""#,
    ));
    let r = validate(&w);
    assert_eq!(r.diagnostics.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].code, "sla-at-risk");
    assert!(
        r.diagnostics[0]
            .message
            .contains("typical work takes 1h10m"),
        "{}",
        r.diagnostics[0].message
    );
}

#[test]
fn a_24_7_sla_served_by_a_nine_to_five_team_breaches_on_friday_night() {
    let w = load(&workflow(
        r#""20m""#,
        r#"{"id": "reply", "target": "4h"}"#,
        r#", "calendar": "office""#,
    ));
    let r = validate(&w);
    let d = r.with_code("sla-breach-window");
    assert_eq!(d.len(), 1, "{:#?}", r.diagnostics);
    // A post at 05:00 is answered at 09:20, four hours twenty later; at 06:00 it makes it.
    // Weekday evenings from 17:00 breach, and the whole weekend from Friday 17:00.
    assert!(
        d[0].message.contains("Mon 17:00–Tue 05:00"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("Fri 17:00–Mon 05:00"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("(America/New_York)"),
        "{}",
        d[0].message
    );
}

#[test]
fn the_same_sla_with_a_round_the_clock_team_is_fine() {
    let w = load(&workflow(
        r#""20m""#,
        r#"{"id": "reply", "target": "4h"}"#,
        "",
    ));
    let r = validate(&w);
    // The office calendar is now unused; nothing about the SLA.
    assert_eq!(
        r.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["unused-calendar"]
    );
}

#[test]
fn a_calendar_that_never_opens_is_an_error_not_a_hang() {
    let text = workflow(
        r#""20m""#,
        r#"{"id": "reply", "target": "4h", "calendar": "office"}"#,
        "",
    )
    .replace(
        r#""hours": {"mon-fri": [["09:00", "17:00"]]}"#,
        r#""hours": {"mon-fri": []}"#,
    );
    let r = validate(&load(&text));
    assert_eq!(
        r.with_code("calendar-never-open").len(),
        1,
        "{:#?}",
        r.diagnostics
    );
}
