//! The simulator: queueing theory, hand-computed cases, determinism, limits, scenarios.

mod common;

use common::load;
use flowdrill_core::Duration;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::stats::erlang_c;
use flowdrill_core::sim::{Discipline, SimConfig, SimError, SimResult, compare, simulate};

fn run(text: &str, cfg: &SimConfig) -> SimResult {
    match simulate(&load(text), cfg, &mut |_| true) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn hours(h: u64) -> Duration {
    Duration::from_hours(h)
}

/// One task served by `c` people: an M/M/c queue.
fn mmc(c: u32, per_hour: f64, mean_minutes: u32) -> String {
    format!(
        r#"{{"flowdrill": 1, "id": "mmc", "roles": {{"server": {{"staff": {c}}}}},
        "nodes": [{{"id": "in", "kind": "start", "arrivals": {{"rate": "{per_hour}/h"}}}},
                  {{"id": "serve", "kind": "task", "role": "server", "effort": {{"exponential": {{"mean": "{mean_minutes}m"}}}}}},
                  {{"id": "out", "kind": "end", "outcome": "done"}}],
        "edges": [{{"from": "in", "to": "serve"}}, {{"from": "serve", "to": "out"}}]}}"#
    )
}

#[test]
fn mmc_queues_match_erlang_c() {
    for (c, per_hour, mean) in [(1u32, 30.0, 1u32), (2, 90.0, 1), (4, 192.0, 1)] {
        let cfg = SimConfig {
            horizon: hours(24 * 4),
            warmup: hours(2),
            replications: 12,
            seed: 11,
            ..Default::default()
        };
        let r = run(&mmc(c, per_hour, mean), &cfg);
        let theory = match erlang_c(c, per_hour / 3600.0, 1.0 / (f64::from(mean) * 60.0)) {
            Some(e) => e,
            None => panic!("unstable"),
        };
        let (_, wait) = &r.summary.wait[0];
        assert!(
            (wait.mean - theory.mean_wait).abs() <= wait.half_width,
            "c={c} rho={}: simulated Wq {:.1}s ± {:.1}s, Erlang C {:.1}s",
            theory.utilisation,
            wait.mean,
            wait.half_width,
            theory.mean_wait
        );
        let (_, util) = &r.summary.utilisation[0];
        assert!(
            (util.mean - theory.utilisation).abs() < 0.02,
            "c={c}: utilisation {} vs {}",
            util.mean,
            theory.utilisation
        );
    }
}

#[test]
fn a_daily_batch_releases_everyone_at_the_window_close() {
    // Contacts reach the step at 09:00 and 12:00 every day; the list goes out at 17:00.
    let text = r#"{"flowdrill": 1, "id": "batch",
        "calendars": {"office": {"timezone": "UTC", "hours": {"mon-fri": [["09:00", "17:00"]]}}},
        "nodes": [{"id": "morning", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "09:00"}, "calendar": "office"}},
                  {"id": "noon", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "12:00"}, "count": 2, "calendar": "office"}},
                  {"id": "list", "kind": "wait", "batch": {"every": "daily", "at": "17:00"}, "calendar": "office"},
                  {"id": "sent", "kind": "end", "outcome": "sent"}],
        "edges": [{"from": "morning", "to": "list"}, {"from": "noon", "to": "list"}, {"from": "list", "to": "sent"}]}"#;
    let r = run(
        text,
        &SimConfig {
            horizon: hours(24 * 3),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    assert_eq!(rep.arrived, 9);
    assert_eq!(rep.finished, 9);
    // Waits of 8 h (one case) and 5 h (two cases) each day: mean 6 h exactly.
    assert_eq!(rep.cycle_time.mean, 6.0 * 3600.0);
    assert!((rep.cycle_time.max - 8.0 * 3600.0).abs() < 8.0 * 36.0);
}

#[test]
fn office_hours_backlog_and_work_in_progress_at_close() {
    // Three cases at 08:00 for one person working 09:00-17:00, one hour each: they wait
    // 1, 2 and 3 hours. A two-hour job arriving at 16:00 finishes at 10:00 next morning.
    let text = r#"{"flowdrill": 1, "id": "backlog",
        "calendars": {"office": {"timezone": "UTC", "hours": {"daily": [["09:00", "17:00"]]}}},
        "roles": {"clerk": {"staff": 1, "calendar": "office"}},
        "attributes": {"size": {"values": ["small"]}},
        "nodes": [{"id": "batch", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "08:00"}, "count": 3, "calendar": "office"}},
                  {"id": "late", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "16:00"}, "calendar": "office"}},
                  {"id": "work", "kind": "task", "role": "clerk", "effort": "1h"},
                  {"id": "long", "kind": "task", "role": "clerk", "effort": "2h"},
                  {"id": "done", "kind": "end", "outcome": "done"}],
        "edges": [{"from": "batch", "to": "work"}, {"from": "late", "to": "long"},
                  {"from": "work", "to": "done"}, {"from": "long", "to": "done"}]}"#
        .replace(r#""attributes": {"size": {"values": ["small"]}},"#, "");
    let r = run(
        &text,
        &SimConfig {
            horizon: hours(20),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    assert_eq!(rep.arrived, 4);
    let clerk = &rep.roles[0];
    // Waits 1 h, 2 h, 3 h and 0 (the clerk is free at 16:00).
    assert_eq!(clerk.wait.count, 4);
    assert!(
        (clerk.wait.mean - 1.5 * 3600.0).abs() < 1e-6,
        "{:?}",
        clerk.wait
    );
    // The late job is still in progress at the 20-hour horizon (20:00): it ends at 10:00.
    assert_eq!(rep.finished, 3);
    assert_eq!(rep.open, 1);
    // By 10:30 next day the late job is done; the next morning's three are waiting.
    let r = run(
        &text,
        &SimConfig {
            horizon: Duration::from_mins(34 * 60 + 30),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    assert_eq!((rep.arrived, rep.finished, rep.open), (7, 4, 3));
    // Cycle times 2 h, 3 h, 4 h and 18 h (16:00 to 10:00).
    assert!(
        (rep.cycle_time.mean - (2.0 + 3.0 + 4.0 + 18.0) / 4.0 * 3600.0).abs() < 1e-6,
        "{:?}",
        rep.cycle_time
    );
}

#[test]
fn a_join_waits_for_the_slowest_branch() {
    let text = r#"{"flowdrill": 1, "id": "fj",
        "roles": {"a": {}, "b": {}},
        "nodes": [{"id": "in", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "06:00"}}},
                  {"id": "split", "kind": "fork"},
                  {"id": "quick", "kind": "task", "role": "a", "effort": "1h"},
                  {"id": "slow", "kind": "task", "role": "b", "effort": "3h"},
                  {"id": "merge", "kind": "join"},
                  {"id": "after", "kind": "task", "role": "a", "effort": "30m"},
                  {"id": "out", "kind": "end", "outcome": "done"}],
        "edges": [{"from": "in", "to": "split"}, {"from": "split", "to": "quick"}, {"from": "split", "to": "slow"},
                  {"from": "quick", "to": "merge"}, {"from": "slow", "to": "merge"},
                  {"from": "merge", "to": "after"}, {"from": "after", "to": "out"}]}"#;
    let r = run(
        text,
        &SimConfig {
            horizon: hours(24 * 2),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    assert_eq!(rep.finished, 2);
    assert_eq!(rep.cycle_time.mean, 3.5 * 3600.0);
    let visits = |n: &str| {
        rep.visits
            .iter()
            .find(|(id, _)| id == n)
            .map_or(0, |(_, v)| *v)
    };
    // A join is passed once per case, when its last branch arrives (as a route lists it).
    assert_eq!(visits("merge"), 2, "one pass per case");
    assert_eq!(visits("after"), 2);
}

fn triage() -> String {
    match std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/benchmarks/triage-1.json"
    )) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_same_seed_gives_the_same_results() {
    let cfg = SimConfig {
        horizon: hours(12),
        replications: 2,
        seed: 7,
        ..Default::default()
    };
    let a = serde_json::to_string(&run(&triage(), &cfg)).unwrap_or_default();
    let b = serde_json::to_string(&run(&triage(), &cfg)).unwrap_or_default();
    assert_eq!(a, b);
    let c =
        serde_json::to_string(&run(&triage(), &SimConfig { seed: 8, ..cfg })).unwrap_or_default();
    assert_ne!(a, c);
}

#[test]
fn runaway_models_hit_a_limit_and_runs_can_be_cancelled() {
    let mut cfg = SimConfig {
        horizon: hours(24),
        ..Default::default()
    };
    cfg.limits.max_events = 500;
    let e = simulate(&load(&triage()), &cfg, &mut |_| true).unwrap_err();
    assert!(matches!(e, SimError::Limit { what: "events", .. }), "{e}");
    assert!(e.to_string().contains("more than 500 events"), "{e}");
    let cfg = SimConfig {
        horizon: hours(24 * 30),
        ..Default::default()
    };
    let mut calls = 0;
    let e = simulate(&load(&triage()), &cfg, &mut |p| {
        calls += 1;
        assert!(p.done >= 0.0 && p.done < 1.0, "{p:?}");
        false
    })
    .unwrap_err();
    assert_eq!(e, SimError::Cancelled);
    assert_eq!(calls, 1);
    // A workflow with no arrivals says so.
    let e = simulate(
        &load(&mmc(1, 1.0, 1).replace(r#", "arrivals": {"rate": "1/h"}"#, "")),
        &cfg,
        &mut |_| true,
    )
    .unwrap_err();
    assert_eq!(e, SimError::NoArrivals);
}

#[test]
fn escalation_reassigns_queued_work() {
    // One agent who is busy with a long first job; the SLA reassigns waiting cases to the
    // lead after 30 minutes.
    let text = r#"{"flowdrill": 1, "id": "esc",
        "roles": {"agent": {"staff": 1, "escalates_to": "lead"}, "lead": {"staff": 1}},
        "nodes": [{"id": "in", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "09:00"}, "count": 2}},
                  {"id": "reply", "kind": "task", "role": "agent", "effort": "2h"},
                  {"id": "done", "kind": "end", "outcome": "done"}],
        "edges": [{"from": "in", "to": "reply"}, {"from": "reply", "to": "done"}],
        "slas": [{"id": "r", "target": "1h", "stop": {"leave": "reply"},
                  "escalation": [{"at": "50%", "reassign": "lead", "notify_manager": true}]}]}"#;
    let r = run(
        text,
        &SimConfig {
            horizon: hours(12),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    let role = |n: &str| {
        rep.roles
            .iter()
            .find(|x| x.role == n)
            .cloned()
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert_eq!(role("agent").tasks, 1);
    assert_eq!(role("lead").tasks, 1, "the waiting case moved to the lead");
    // Both clocks' 50% milestones fire; each tells the agent's manager.
    assert_eq!(role("lead").notified, 2);
    // Both cases take two hours from 09:00: both breach the one-hour target.
    assert_eq!(rep.slas[0].breached, 2);
}

#[test]
fn earliest_deadline_first_serves_the_tighter_sla_first() {
    // At 09:00 a relaxed case and a tight case arrive for one agent, relaxed first.
    let text = r#"{"flowdrill": 1, "id": "edf",
        "roles": {"agent": {"staff": 1}},
        "attributes": {"tier": {"values": ["relaxed", "tight"]}},
        "nodes": [{"id": "in", "kind": "start", "arrivals": {"schedule": {"every": "daily", "at": "09:00"}, "count": 6}},
                  {"id": "reply", "kind": "task", "role": "agent", "effort": "30m"},
                  {"id": "done", "kind": "end", "outcome": "done"}],
        "edges": [{"from": "in", "to": "reply"}, {"from": "reply", "to": "done"}],
        "slas": [{"id": "tight", "when": {"tier": "tight"}, "target": "1h30m", "stop": {"leave": "reply"}},
                 {"id": "relaxed", "when": {"tier": "relaxed"}, "target": "8h", "stop": {"leave": "reply"}}]}"#;
    let cfg = SimConfig {
        horizon: hours(20),
        replications: 20,
        ..Default::default()
    };
    let fifo = run(text, &cfg);
    let edf = run(
        text,
        &SimConfig {
            discipline: Discipline::EarliestDeadline,
            ..cfg
        },
    );
    let tight = |r: &SimResult| {
        r.summary
            .attainment
            .iter()
            .find(|(n, _)| n == "tight")
            .map_or(0.0, |(_, e)| e.mean)
    };
    assert!(
        tight(&edf) > tight(&fifo),
        "EDF {} vs FIFO {}",
        tight(&edf),
        tight(&fifo)
    );
    // Served first, the first three tight cases of a day always make 1h30m.
    assert!(tight(&edf) > 0.8, "{}", tight(&edf));
}

#[test]
fn comparing_scenarios_uses_common_random_numbers() {
    let base: Scenario =
        Scenario::from_json(r#"{"flowdrill-scenario": 1, "name": "base"}"#).unwrap_or_default();
    let more = Scenario::from_json(
        r#"{"flowdrill-scenario": 1, "name": "more", "staff": {"community": 4}}"#,
    )
    .unwrap_or_default();
    let cfg = SimConfig {
        horizon: hours(24),
        replications: 5,
        ..Default::default()
    };
    let c = compare(&load(&triage()), &base, &more, &cfg, &mut |_| true)
        .unwrap_or_else(|e| panic!("{e}"));
    let util = c
        .difference
        .utilisation
        .iter()
        .find(|(n, _)| n == "community")
        .map(|(_, e)| *e)
        .unwrap();
    // 4 instead of 3 people: utilisation drops by about a quarter of 0.70.
    assert!(util.mean < -0.15 && util.mean > -0.20, "{util:?}");
    // Same arrivals in both: the difference is exact, not noisy.
    assert!(util.half_width < 0.02, "{util:?}");
    assert_eq!(c.a.replications[0].arrived, c.b.replications[0].arrived);
    // A scenario naming an unknown role is refused.
    let bad = Scenario::from_json(r#"{"flowdrill-scenario": 1, "staff": {"comunity": 4}}"#)
        .unwrap_or_default();
    let e = compare(&load(&triage()), &base, &bad, &cfg, &mut |_| true).unwrap_err();
    assert!(e.to_string().contains("did you mean \"community\""), "{e}");
}

#[test]
fn a_joint_table_draws_attributes_together() {
    // Media posts are always negative; customers are negative a third of the time.
    let text = r#"{"flowdrill": 1, "id": "joint",
        "attributes": {"asker": ["customer", "media"], "sentiment": ["positive", "negative"], "channel": ["x", "y"]},
        "mix": [{"case": {"asker": "media", "sentiment": "negative"}, "weight": 1},
                {"case": {"asker": "customer", "sentiment": "negative"}, "weight": 1},
                {"case": {"asker": "customer", "sentiment": "positive"}, "weight": 2}],
        "nodes": [{"id": "in", "kind": "start", "arrivals": {"rate": "60/h"}},
                  {"id": "d", "kind": "decision"},
                  {"id": "media-neg", "kind": "end", "outcome": "media-negative"},
                  {"id": "media-pos", "kind": "end", "outcome": "media-positive"},
                  {"id": "cust-neg", "kind": "end", "outcome": "customer-negative"},
                  {"id": "cust-pos", "kind": "end", "outcome": "customer-positive"}],
        "edges": [{"from": "in", "to": "d"},
                  {"from": "d", "to": "media-neg", "when": {"asker": "media", "sentiment": "negative"}},
                  {"from": "d", "to": "media-pos", "when": {"asker": "media", "sentiment": "positive"}},
                  {"from": "d", "to": "cust-neg", "when": {"asker": "customer", "sentiment": "negative"}},
                  {"from": "d", "to": "cust-pos", "when": {"asker": "customer", "sentiment": "positive", "channel": ["x", "y"]}}]}"#;
    let r = run(
        text,
        &SimConfig {
            horizon: hours(24 * 7),
            ..Default::default()
        },
    );
    let rep = &r.replications[0];
    let n = |o: &str| {
        rep.outcomes
            .iter()
            .find(|(x, _)| x == o)
            .map_or(0, |(_, c)| *c) as f64
    };
    let all = rep.finished as f64;
    assert_eq!(
        n("media-positive"),
        0.0,
        "a combination left out never occurs"
    );
    for (o, share) in [
        ("media-negative", 0.25),
        ("customer-negative", 0.25),
        ("customer-positive", 0.5),
    ] {
        assert!((n(o) / all - share).abs() < 0.03, "{o}: {} of {all}", n(o));
    }
    // Rows naming different attributes are refused.
    let bad = text.replace(
        r#"{"case": {"asker": "customer", "sentiment": "positive"}, "weight": 2}"#,
        r#"{"case": {"asker": "customer"}, "weight": 2}"#,
    );
    let report = flowdrill_core::validate(&load(&bad));
    assert_eq!(
        report.with_code("mix-shape").len(),
        1,
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_surge_multiplies_arrivals_in_its_window() {
    let text = mmc(50, 10.0, 1).replace(
        r#""arrivals": {"rate": "10/h"}"#,
        r#""arrivals": {"rate": "10/h", "surges": [{"from": "2026-01-05T10:00:00Z", "to": "2026-01-05T12:00:00Z", "factor": 10}]}"#,
    );
    let r = run(
        &text,
        &SimConfig {
            horizon: hours(24),
            replications: 20,
            ..Default::default()
        },
    );
    let mean: f64 = r.replications.iter().map(|x| x.arrived as f64).sum::<f64>() / 20.0;
    // 22 hours at 10/h and 2 hours at 100/h: 420 a day.
    assert!((mean - 420.0).abs() < 15.0, "{mean}");
    let busy: f64 = r
        .replications
        .iter()
        .map(|x| (x.arrivals_by_hour[10] + x.arrivals_by_hour[11]) as f64)
        .sum::<f64>()
        / 20.0;
    assert!((busy - 200.0).abs() < 15.0, "{busy}");
}
