//! The examples' SLA rules: every clock that starts also stops, every rule applies to some
//! case, ladders climb, and business-hour deadlines fall where the source process says.

use flowdrill_core::analysis::route::{Route, route_from, start_nodes};
use flowdrill_core::time::business::parse_instant;
use flowdrill_core::time::sla::{ClockPoint, MilestoneAt, SlaRule};
use flowdrill_core::{Duration, Workflow};
use flowdrill_tests::{EXAMPLES, all_cases, load};

fn starts_on(rule: &SlaRule, r: &Route) -> bool {
    match &rule.start {
        ClockPoint::Start => true,
        ClockPoint::End => r.outcome.is_some(),
        ClockPoint::Enter(ids) | ClockPoint::Leave(ids) => ids.iter().any(|n| r.passes(n)),
    }
}

fn stops_on(rule: &SlaRule, r: &Route) -> bool {
    match &rule.stop {
        ClockPoint::Start => true,
        ClockPoint::End => r.outcome.is_some(),
        ClockPoint::Enter(ids) | ClockPoint::Leave(ids) => ids.iter().any(|n| r.passes(n)),
    }
}

/// Every route of every case from every start, with the case.
fn every_route(w: &Workflow) -> Vec<(flowdrill_core::Assignment, Route)> {
    let mut out = Vec::new();
    for start in start_nodes(w) {
        let id = w.node(start).id.clone();
        for case in all_cases(w) {
            let r = route_from(w, Some(&id), &case).unwrap_or_else(|e| panic!("{}: {e}", w.id));
            out.push((case, r));
        }
    }
    out
}

#[test]
fn every_sla_clock_that_starts_also_stops() {
    for name in EXAMPLES {
        let w = load(name);
        let routes = every_route(&w);
        for rule in &w.slas {
            let mut applied = 0;
            for (case, r) in &routes {
                let selected = rule.when.as_ref().is_none_or(|g| g.eval(case));
                if !selected || !starts_on(rule, r) {
                    continue;
                }
                applied += 1;
                assert!(
                    stops_on(rule, r),
                    "{name}: SLA {} starts but never stops for {case:?}: {:?}",
                    rule.id,
                    r.path()
                );
            }
            assert!(applied > 0, "{name}: SLA {} applies to no case", rule.id);
        }
    }
}

#[test]
fn every_escalation_ladder_climbs() {
    for name in EXAMPLES {
        let w = load(name);
        for rule in &w.slas {
            let steps: Vec<(u8, u64)> = rule
                .escalation
                .iter()
                .map(|m| match m.at {
                    MilestoneAt::Percent(p) => (0, u64::from(p)),
                    MilestoneAt::Overdue(d) => (1, d.as_secs()),
                })
                .collect();
            assert!(
                steps.windows(2).all(|p| p[0] < p[1]),
                "{name}: SLA {} ladder out of order",
                rule.id
            );
            assert!(
                rule.escalation.iter().all(|m| !m.is_empty()),
                "{name}: SLA {}",
                rule.id
            );
            assert!(
                rule.escalation
                    .iter()
                    .any(|m| m.at == MilestoneAt::Percent(100)),
                "{name}: SLA {} says nothing at the breach",
                rule.id
            );
        }
    }
}

/// The deadline of an SLA rule for a clock started at `start` (RFC 3339), in local time.
fn due(w: &Workflow, rule: &str, start: &str) -> String {
    let rule = w
        .slas
        .iter()
        .find(|s| s.id == rule)
        .unwrap_or_else(|| panic!("no SLA {rule}"));
    let cal = &w.calendars[rule.calendar.as_deref().expect("a business-hours rule")];
    let t = parse_instant(start).unwrap();
    cal.to_local_rfc3339(cal.deadline(t, rule.target).unwrap())
}

#[test]
fn smm_replies_within_an_hour_or_the_following_day_after_hours() {
    let w = load("smm-fulfilment");
    // Tuesday 10:15: within the hour.
    assert_eq!(
        due(&w, "customer-response", "2026-11-24T10:15:00-05:00"),
        "2026-11-24T11:15:00-05:00"
    );
    // Tuesday evening: the following day.
    assert_eq!(
        due(&w, "customer-response", "2026-11-24T19:00:00-05:00"),
        "2026-11-25T10:00:00-05:00"
    );
    // Friday 16:30: half an hour on Friday, half an hour on Monday.
    assert_eq!(
        due(&w, "customer-response", "2026-11-20T16:30:00-05:00"),
        "2026-11-23T09:30:00-05:00"
    );
    // Christmas Eve 16:45: Christmas, the weekend and Boxing Day (observed Monday) are closed.
    assert_eq!(
        due(&w, "customer-response", "2026-12-24T16:45:00-05:00"),
        "2026-12-29T09:45:00-05:00"
    );
}

#[test]
fn triage_first_response_counts_social_desk_hours_only() {
    let w = load("social-triage");
    // Saturday 15:30: the desk closes at 16:00 and opens Sunday at 10:00.
    assert_eq!(
        due(&w, "first-response", "2026-11-21T15:30:00-05:00"),
        "2026-11-22T10:30:00-05:00"
    );
    // Thanksgiving morning: closed, so the hour runs Friday from 08:00.
    assert_eq!(
        due(&w, "first-response", "2026-11-26T09:00:00-05:00"),
        "2026-11-27T09:00:00-05:00"
    );
    // Saturday before the spring-forward night: due Sunday morning, daylight time.
    assert_eq!(
        due(&w, "first-response", "2026-03-07T15:30:00-05:00"),
        "2026-03-08T10:30:00-04:00"
    );
}

#[test]
fn triage_crisis_reaches_a_team_on_call_around_the_clock() {
    let w = load("social-triage");
    let rule = w.slas.iter().find(|s| s.id == "crisis-to-legal").unwrap();
    // Fifteen minutes of desk time: the desk is who sees the post.
    assert_eq!(rule.calendar.as_deref(), Some("social-desk"));
    assert_eq!(rule.target, Duration::from_mins(15));
    for role in ["legal", "senior-management", "corp-comms"] {
        assert!(w.roles[role].calendar.is_none(), "{role} is on call 24/7");
    }
}

#[test]
fn smm_new_profiles_are_activated_within_two_working_days_of_assignment() {
    let w = load("smm-fulfilment");
    let rule = w
        .slas
        .iter()
        .find(|s| s.id == "activate-new-profiles")
        .unwrap();
    assert_eq!(
        rule.start,
        ClockPoint::Leave(flowdrill_core::model::keyed::Ids(vec!["assign-dfs".into()]))
    );
    // 24-48 hours of assignment, counted in working time: 16 open hours on the office
    // calendar. The reminder comes after one working day, the breach after two.
    assert_eq!(rule.target, Duration::from_hours(16));
    assert_eq!(rule.calendar.as_deref(), Some("office"));
    assert_eq!(rule.escalation[0].at, MilestoneAt::Percent(50));
    assert_eq!(rule.escalation[0].notify.to_vec(), vec!["dfs".to_string()]);
}
