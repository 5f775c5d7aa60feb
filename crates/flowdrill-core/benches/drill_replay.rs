//! Replaying a long drill log: `Session::replay` (in place) against applying the same
//! actions one by one with `Session::apply` (each on a copy, so that a refused action
//! changes nothing), in the same run.
//!
//! Run with `cargo bench -p flowdrill-core --bench drill_replay`. Figures go to
//! BENCHMARKS.md.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use flowdrill_core::Workflow;
use flowdrill_core::drill::{Action, ActionKind, DrillScenario, Session};

fn read(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A log of `n` actions on the viral-video drill: the start, then participants tagging,
/// flagging and taking the posts, a few seconds apart.
fn long_log(n: usize, t0: DateTime<Utc>) -> Vec<Action> {
    let mut log = Vec::with_capacity(n);
    let mut start = Action::new(t0, "facilitator", ActionKind::Start);
    start.speed = Some(1);
    log.push(start);
    for i in 1..n {
        let at = t0 + TimeDelta::milliseconds(i as i64 * 200);
        let by = format!("P{}", i % 25);
        let mut a = match i % 3 {
            0 => Action::new(at, &by, ActionKind::Flag),
            1 => {
                let mut a = Action::new(at, &by, ActionKind::Tag);
                a.tags = Some(vec![format!("t{}", i % 7)]);
                a
            }
            _ => Action::new(at, &by, ActionKind::Take),
        };
        a.role = Some("community-manager".into());
        a.case = Some("video".into());
        log.push(a);
    }
    log
}

fn time(f: impl Fn() -> usize, runs: usize) -> (StdDuration, usize) {
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..runs {
        let t = Instant::now();
        out = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], out)
}

fn main() {
    let w = Workflow::from_json(&read("examples/workflows/social-triage.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let sc = DrillScenario::from_json(&read("examples/drills/viral-video.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let t0: DateTime<Utc> = "2026-12-06T09:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    println!("drill replay: viral-video, median of 5 runs, release build\n");
    for n in [1_000, 10_000] {
        let log = long_log(n, t0);
        let (replay, len) = time(
            || {
                Session::replay(w.clone(), sc.clone(), &log)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .log()
                    .len()
            },
            5,
        );
        assert_eq!(len, n);
        let (one_by_one, _) = time(
            || {
                let mut s = Session::new(w.clone(), sc.clone()).unwrap_or_else(|e| panic!("{e}"));
                for a in &log {
                    s.apply(a.clone()).unwrap_or_else(|e| panic!("{e}"));
                }
                s.log().len()
            },
            if n > 1_000 { 1 } else { 5 },
        );
        println!(
            "{n:>6} actions   Session::replay {:>8.1} ms   apply one by one {:>8.1} ms",
            replay.as_secs_f64() * 1000.0,
            one_by_one.as_secs_f64() * 1000.0
        );
    }
}
