//! Simulating the example library: every workflow runs with sensible results, the triage
//! desk's breaches fall outside its hours, and a seed gives committed figures exactly.

use flowdrill_core::Duration;
use flowdrill_core::sim::{SimConfig, SimResult, simulate};
use flowdrill_tests::{EXAMPLES, load};

fn run(name: &str, cfg: &SimConfig) -> SimResult {
    match simulate(&load(name), cfg, &mut |_| true) {
        Ok(r) => r,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn days(d: u64) -> Duration {
    Duration::from_hours(24 * d)
}

#[test]
fn every_example_simulates_sensibly() {
    for name in EXAMPLES {
        // A program runs for months; the desks for weeks.
        let horizon = if *name == "social-media-program" {
            days(200)
        } else {
            days(14)
        };
        let cfg = SimConfig {
            horizon,
            warmup: days(1),
            replications: 3,
            seed: 5,
            ..Default::default()
        };
        let r = run(name, &cfg);
        for rep in &r.replications {
            assert!(rep.arrived > 0, "{name}: no arrivals");
            assert!(rep.finished > 0, "{name}: nothing finished");
            assert_eq!(rep.stuck, 0, "{name}: cases stuck at a decision");
            assert!(rep.finished + rep.open <= rep.arrived + rep.open, "{name}");
            let ended: u64 = rep.outcomes.iter().map(|(_, n)| n).sum();
            assert_eq!(
                ended, rep.finished,
                "{name}: outcomes add up to finished cases"
            );
            for role in &rep.roles {
                assert!(
                    (0.0..=1.0).contains(&role.utilisation),
                    "{name}: {} at {}",
                    role.role,
                    role.utilisation
                );
            }
            for s in &rep.slas {
                assert!((0.0..=1.0).contains(&s.attainment), "{name}: {}", s.rule);
                let by_hour: u64 = s.breaches_by_hour.iter().sum();
                assert_eq!(by_hour, s.breached, "{name}: {} breaches by hour", s.rule);
            }
            assert_eq!(
                rep.arrivals_by_hour.iter().sum::<u64>(),
                rep.arrived,
                "{name}"
            );
        }
        // The staffing copes: no role is saturated and nothing piles up without end.
        for (role, u) in &r.summary.utilisation {
            assert!(u.mean < 0.95, "{name}: {role} utilisation {}", u.mean);
        }
    }
}

/// True when the social desk (Mon–Fri 08:00–20:00, Sat–Sun 10:00–16:00) is open in this
/// hour of the week.
fn desk_open(how: usize) -> bool {
    let (day, hour) = (how / 24, how % 24);
    if day < 5 {
        (8..20).contains(&hour)
    } else {
        (10..16).contains(&hour)
    }
}

#[test]
fn triage_breaches_concentrate_in_off_hours() {
    let cfg = SimConfig {
        horizon: days(30),
        warmup: days(1),
        replications: 3,
        seed: 2,
        ..Default::default()
    };
    let r = run("social-triage", &cfg);
    assert_eq!(r.zone, "America/New_York");
    let (mut on, mut off) = ((0u64, 0u64), (0u64, 0u64)); // (arrivals, breaches)
    for rep in &r.replications {
        let s = rep
            .slas
            .iter()
            .find(|s| s.rule == "first-response")
            .unwrap_or_else(|| panic!("no rule"));
        for how in 0..168 {
            let (a, b) = (rep.arrivals_by_hour[how], s.breaches_by_hour[how]);
            let slot = if desk_open(how) { &mut on } else { &mut off };
            slot.0 += a;
            slot.1 += b;
        }
    }
    let rate = |(a, b): (u64, u64)| b as f64 / a.max(1) as f64;
    assert!(
        off.1 > on.1,
        "more breaches off hours ({}) than on ({})",
        off.1,
        on.1
    );
    assert!(
        rate(off) > 3.0 * rate(on),
        "breach rate off hours {:.3} vs on {:.3}",
        rate(off),
        rate(on)
    );
}

#[test]
fn a_seed_gives_the_committed_figures() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/benchmarks/triage-1.json"
    ))
    .unwrap_or_default();
    let w = flowdrill_core::Workflow::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    let cfg = SimConfig {
        horizon: days(2),
        replications: 3,
        seed: 7,
        ..Default::default()
    };
    let r = simulate(&w, &cfg, &mut |_| true).unwrap_or_else(|e| panic!("{e}"));
    let figures = serde_json::json!({
        "arrived": r.replications.iter().map(|x| x.arrived).collect::<Vec<_>>(),
        "finished": r.replications.iter().map(|x| x.finished).collect::<Vec<_>>(),
        "events": r.replications.iter().map(|x| x.events).collect::<Vec<_>>(),
        "summary": r.summary,
        "time_to_stop": r.replications[0].slas[0].time_to_stop,
    });
    let got = serde_json::to_string_pretty(&figures).unwrap_or_default() + "\n";
    flowdrill_tests::expect_file("triage-1-seed7.json", &got);
}

#[test]
fn the_overview_agrees_with_the_headline_figures_and_the_replications() {
    for name in EXAMPLES {
        let cfg = SimConfig {
            horizon: days(7),
            replications: 3,
            seed: 5,
            ..Default::default()
        };
        let r = run(name, &cfg);
        let o = &r.overview;
        // The same estimates as the headline figures.
        let attainment: Vec<_> = o
            .slas
            .iter()
            .map(|s| (s.rule.clone(), s.attainment))
            .collect();
        assert_eq!(attainment, r.summary.attainment, "{name}");
        let utilisation: Vec<_> = o
            .roles
            .iter()
            .map(|s| (s.role.clone(), s.utilisation))
            .collect();
        assert_eq!(utilisation, r.summary.utilisation, "{name}");
        let wait: Vec<_> = o.roles.iter().map(|s| (s.role.clone(), s.wait)).collect();
        assert_eq!(wait, r.summary.wait, "{name}");
        assert_eq!(o.cases.finished, r.summary.finished, "{name}");
        // Totals are the sums of the replications' counts.
        let arrived: u64 = r.replications.iter().map(|x| x.arrived).sum();
        let ended: u64 = o.outcomes.iter().map(|(_, n)| n.total).sum();
        let finished: u64 = r.replications.iter().map(|x| x.finished).sum();
        assert_eq!(
            ended, finished,
            "{name}: every finished case has an outcome"
        );
        assert!(ended <= arrived, "{name}");
        for (i, s) in o.slas.iter().enumerate() {
            let breached: u64 = r.replications.iter().map(|x| x.slas[i].breached).sum();
            assert_eq!(s.breached.total, breached, "{name} {}", s.rule);
            assert_eq!(s.breaches_by_hour.iter().sum::<u64>(), breached, "{name}");
        }
        for (i, role) in o.roles.iter().enumerate() {
            let tasks: u64 = r.replications.iter().map(|x| x.roles[i].tasks).sum();
            assert_eq!(role.tasks.total, tasks, "{name} {}", role.role);
            let series = &r.replications[0].roles[i].queue_series;
            assert_eq!(role.queue_series.len(), series.len(), "{name}");
        }
    }
}

#[test]
fn a_run_whose_series_would_not_fit_is_refused_before_it_starts() {
    let w = flowdrill_tests::load("social-triage");
    let cfg = SimConfig {
        horizon: days(70),
        replications: 200,
        resolution: flowdrill_core::Duration::from_mins(1),
        ..Default::default()
    };
    let calls = std::cell::Cell::new(0);
    let e = flowdrill_core::sim::simulate(&w, &cfg, &mut |_| {
        calls.set(calls.get() + 1);
        true
    })
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("4000000") || e.contains("4,000,000"), "{e}");
    assert!(
        e.contains("--resolution") || e.contains("resolution"),
        "{e}"
    );
    assert_eq!(calls.get(), 0, "refused before the first replication");
}
