//! Routes on the calendar: timelines, SLA clocks along a route, deadlines and ladders.

mod common;

use common::load;
use flowdrill_core::analysis::route::{parse_assignment, route};
use flowdrill_core::time::business::parse_instant;
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::time::timeline::{Pace, route_slas, timeline};

const DESK: &str = r#"{
  "flowdrill": 1, "id": "desk",
  "calendars": {
    "office": {"timezone": "Europe/London", "hours": {"mon-fri": [["09:00", "17:00"]]}},
    "print": {"timezone": "Europe/London"}
  },
  "roles": {
    "agent": {"calendar": "office", "escalates_to": "lead"},
    "lead": {"calendar": "office"},
    "legal": {}
  },
  "attributes": {"kind": ["question", "crisis"]},
  "nodes": [
    {"id": "post", "kind": "start"},
    {"id": "what", "kind": "decision"},
    {"id": "answer", "kind": "task", "role": "agent", "effort": {"triangular": {"min": "10m", "mode": "20m", "max": "60m"}}},
    {"id": "split", "kind": "fork"},
    {"id": "legal-review", "kind": "task", "role": "legal", "effort": "2h"},
    {"id": "draft", "kind": "task", "role": "agent", "effort": "30m"},
    {"id": "merge", "kind": "join"},
    {"id": "list", "kind": "wait", "batch": {"every": "daily", "at": "17:00"}, "calendar": "print"},
    {"id": "done", "kind": "end", "outcome": "closed"}
  ],
  "edges": [
    {"from": "post", "to": "what"},
    {"from": "what", "to": "answer", "when": {"kind": "question"}},
    {"from": "what", "to": "split", "when": {"kind": "crisis"}},
    {"from": "answer", "to": "list"},
    {"from": "split", "to": "legal-review"}, {"from": "split", "to": "draft"},
    {"from": "legal-review", "to": "merge"}, {"from": "draft", "to": "merge"},
    {"from": "merge", "to": "done"},
    {"from": "list", "to": "done"}
  ],
  "slas": [
    {"id": "reply", "name": "Reply within one business hour", "when": {"kind": "question"},
     "target": "1h", "calendar": "office", "stop": {"leave": "answer"},
     "escalation": [{"at": "75%", "notify": "lead"}, {"at": "100%", "notify_manager": true, "flag": true},
                    {"at": "1h overdue", "reassign": "lead", "raise_priority": true}]},
    {"id": "crisis", "when": {"kind": "crisis"}, "target": "90m", "stop": {"enter": "merge"}}
  ]
}"#;

fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    match parse_instant(s) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn feasibility_finds_the_crisis_rule_cannot_be_met() {
    // Legal's review alone takes two hours; the crisis rule allows ninety minutes.
    let r = flowdrill_core::validate(&load(DESK));
    let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["sla-infeasible"], "{:#?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(d.location.path.as_deref(), Some("slas[1]"));
    assert!(
        d.message
            .contains("even the fastest work takes at least 2h on the clock"),
        "{}",
        d.message
    );
}

#[test]
fn tasks_work_in_their_roles_hours_and_waits_release_at_their_point() {
    let w = load(DESK);
    let case = parse_assignment(&w, [("kind", "question")]).unwrap();
    let r = route(&w, &case).unwrap();
    // Friday 16:50, typical effort (the triangle's mean, 30 minutes): ten minutes on
    // Friday, twenty on Monday morning.
    let steps = timeline(&w, &r, t("2026-11-20T16:50:00Z"), Pace::Typical).unwrap();
    let answer = steps.iter().find(|s| s.node == "answer").unwrap();
    assert_eq!(answer.leave, t("2026-11-23T09:20:00Z"));
    // The list goes out at 17:00 that Monday.
    let list = steps.iter().find(|s| s.node == "list").unwrap();
    assert_eq!(list.leave, t("2026-11-23T17:00:00Z"));
    // Fastest: ten minutes, still on Friday.
    let fast = timeline(&w, &r, t("2026-11-20T16:50:00Z"), Pace::Fastest).unwrap();
    assert_eq!(
        fast.iter().find(|s| s.node == "answer").unwrap().leave,
        t("2026-11-20T17:00:00Z")
    );
}

#[test]
fn fork_branches_run_side_by_side() {
    let w = load(DESK);
    let case = parse_assignment(&w, [("kind", "crisis")]).unwrap();
    let r = route(&w, &case).unwrap();
    let steps = timeline(&w, &r, t("2026-11-23T10:00:00Z"), Pace::Typical).unwrap();
    let at = |n: &str| steps.iter().find(|s| s.node == n).unwrap().clone();
    assert_eq!(at("legal-review").enter, t("2026-11-23T10:00:00Z"));
    assert_eq!(at("draft").enter, t("2026-11-23T10:00:00Z"));
    // The join waits for legal's two hours, not the draft's thirty minutes.
    assert_eq!(at("merge").enter, t("2026-11-23T12:00:00Z"));
    // So the 90-minute crisis SLA is breached.
    let slas = route_slas(&w, &r, &case, t("2026-11-23T10:00:00Z")).unwrap();
    assert_eq!(slas.len(), 1);
    assert_eq!(slas[0].rule, "crisis");
    assert_eq!(slas[0].state, ClockState::Breached);
    assert_eq!(slas[0].deadline, Some(t("2026-11-23T11:30:00Z")));
}

#[test]
fn route_deadlines_ladders_and_who_is_told() {
    let w = load(DESK);
    let case = parse_assignment(&w, [("kind", "question")]).unwrap();
    let r = route(&w, &case).unwrap();
    let slas = route_slas(&w, &r, &case, t("2026-11-20T16:30:00Z")).unwrap();
    assert_eq!(slas.len(), 1, "only the question rule applies");
    let s = &slas[0];
    assert_eq!(s.started, Some(t("2026-11-20T16:30:00Z")));
    // One business hour from Friday 16:30: Monday 09:30.
    assert_eq!(s.deadline, Some(t("2026-11-23T09:30:00Z")));
    assert_eq!(s.ladder[0].instant, Some(t("2026-11-23T09:15:00Z")));
    assert_eq!(s.ladder[0].notify, vec!["lead"]);
    assert_eq!(
        s.ladder[1].notify,
        vec!["lead"],
        "notify_manager: the agent's manager"
    );
    assert_eq!(s.ladder[1].actions, vec!["flag"]);
    assert_eq!(s.ladder[2].instant, Some(t("2026-11-23T10:30:00Z")));
    assert_eq!(
        s.ladder[2].actions,
        vec!["reassign to lead", "raise priority"]
    );
    // The typical answer (the triangle's mean, 30 minutes) is done Friday 17:00.
    assert_eq!(s.stopped, Some(t("2026-11-20T17:00:00Z")));
    assert_eq!(s.state, ClockState::Met);
}
