//! Benchmarks of the analyses, each against a simple baseline in the same run.
//!
//! Run with `cargo bench -p flowdrill-core --bench analysis`. Prints the median of several
//! timed runs; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use flowdrill_core::analysis::space::Space;
use flowdrill_core::{Calendar, Duration, NodeKind, Workflow, validate};

fn median(mut f: impl FnMut(), runs: usize) -> StdDuration {
    f(); // warm up
    let mut times: Vec<StdDuration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// A start → decision → ends workflow over six attributes of 8–10 values, with 25
/// branches slicing the space by two attributes and one slice left out.
fn coverage_workflow() -> String {
    let vals = |n: usize, p: &str| {
        (0..n)
            .map(|i| format!("\"{p}{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let attrs = format!(
        r#"{{"a": [{}], "b": [{}], "c": [{}], "d": [{}], "e": [{}], "f": [{}]}}"#,
        vals(10, "a"),
        vals(10, "b"),
        vals(8, "c"),
        vals(9, "d"),
        vals(10, "e"),
        vals(10, "f")
    );
    let mut nodes = vec![
        r#"{"id": "in", "kind": "start"}"#.to_string(),
        r#"{"id": "d", "kind": "decision"}"#.to_string(),
    ];
    let mut edges = vec![r#"{"from": "in", "to": "d"}"#.to_string()];
    let mut branch = |to: String, guard: String| {
        nodes.push(format!(
            r#"{{"id": "{to}", "kind": "end", "outcome": "{to}"}}"#
        ));
        edges.push(format!(r#"{{"from": "d", "to": "{to}", "when": {guard}}}"#));
    };
    for i in 0..5 {
        for j in 0..5 {
            if (i, j) == (4, 4) {
                continue;
            }
            branch(
                format!("x{i}{j}"),
                format!(
                    r#"{{"a": ["a{}", "a{}"], "b": ["b{}", "b{}"], "not": {{"all": [{{"c": "c0"}}, {{"d": "d0"}}, {{"e": "e0"}}]}}}}"#,
                    2 * i,
                    2 * i + 1,
                    2 * j,
                    2 * j + 1
                ),
            );
        }
    }
    branch(
        "rest".into(),
        r#"{"c": "c0", "d": "d0", "e": "e0", "f": {"not_in": ["f9"]}}"#.into(),
    );
    format!(
        r#"{{"flowdrill": 1, "id": "bench", "attributes": {attrs}, "nodes": [{}], "edges": [{}]}}"#,
        nodes.join(","),
        edges.join(",")
    )
}

/// The baseline: evaluate every guard on every one of the 10^6 cases.
fn enumerate_gaps_and_overlaps(w: &Workflow) -> (usize, usize) {
    let space = Space::new(&w.attributes);
    let Some(d) = w
        .nodes()
        .find(|(_, n)| matches!(n.kind, NodeKind::Decision { .. }))
        .map(|(ix, _)| ix)
    else {
        return (0, 0);
    };
    let guards: Vec<_> = w
        .outgoing(d)
        .into_iter()
        .filter_map(|(_, _, s)| s.edge.when.clone())
        .collect();
    let (mut gaps, mut overlaps) = (0, 0);
    for case in space.all_cases() {
        let n = guards.iter().filter(|g| g.eval(&case)).count();
        gaps += usize::from(n == 0);
        overlaps += usize::from(n > 1);
    }
    (gaps, overlaps)
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The baseline: walk the clock a minute at a time, counting open minutes.
fn deadline_by_minutes(c: &Calendar, start: DateTime<Utc>, target: Duration) -> DateTime<Utc> {
    let mut t = start;
    let mut left = target.as_secs() / 60;
    while left > 0 {
        if c.is_open(t) {
            left -= 1;
        }
        t += TimeDelta::minutes(1);
    }
    t
}

fn main() {
    println!("flowdrill-core benchmarks (median of runs, release build)\n");

    let text = coverage_workflow();
    let w = match Workflow::from_json(&text) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    let report = validate(&w);
    let gaps = report.with_code("decision-gap").len();
    let fast = median(|| drop(black_box(validate(black_box(&w)))), 21);
    let mut base_result = (0, 0);
    let slow = median(
        || base_result = enumerate_gaps_and_overlaps(black_box(&w)),
        3,
    );
    let cases = Space::new(&w.attributes).all_cases().len();
    println!("decision coverage, 6 attributes ({cases} cases), 25 branches");
    println!(
        "  validate (cube sets, whole workflow) {fast:>12.2?}   gap reported: {}",
        gaps == 1
    );
    println!(
        "  baseline: evaluate every case        {slow:>12.2?}   cases in gaps: {}, in overlaps: {}",
        base_result.0, base_result.1
    );
    println!(
        "  speed-up                             {:>11.0}x\n",
        slow.as_secs_f64() / fast.as_secs_f64()
    );

    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/workflows");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    println!("check of each example workflow (parse, validate, coverage, SLA feasibility)");
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let with = median(
            || drop(black_box(flowdrill_core::check(black_box(&text)))),
            11,
        );
        println!("  {name:<28} {with:>12.2?}");
    }
    println!();

    let office: Calendar = match serde_json::from_str(
        r#"{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "12:00"], ["13:00", "17:00"]]},
            "holidays": ["2026-11-26", "2026-12-25"]}"#,
    ) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let start = at("2026-11-20T16:30:00-05:00");
    for (label, target) in [
        ("1h", Duration::from_hours(1)),
        ("3d (72 open hours)", Duration::from_hours(72)),
    ] {
        let fast = median(
            || drop(black_box(office.deadline(black_box(start), target))),
            2001,
        );
        let slow = median(
            || {
                black_box(deadline_by_minutes(&office, start, target));
            },
            5,
        );
        let same = office.deadline(start, target).ok()
            == Some(deadline_by_minutes(&office, start, target));
        println!("deadline on a 9-5 calendar with lunch and holidays, target {label}");
        println!(
            "  Calendar::deadline                   {fast:>12.2?}   agrees with baseline: {same}"
        );
        println!("  baseline: step minute by minute      {slow:>12.2?}");
        println!(
            "  speed-up                             {:>11.0}x\n",
            slow.as_secs_f64() / fast.as_secs_f64()
        );
    }
}
