//! Simulates every example workflow for a month and prints the headline figures.
//!
//! `cargo run --release -p flowdrill-core --example simulate_examples`

use flowdrill_core::sim::{SimConfig, simulate};
use flowdrill_core::{Duration, Workflow};

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/workflows");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let w = match Workflow::from_json(&text) {
            Ok(w) => w,
            Err(e) => {
                println!("{}: {e}", path.display());
                continue;
            }
        };
        let cfg = SimConfig {
            horizon: Duration::from_hours(24 * 30),
            replications: 5,
            seed: 7,
            warmup: Duration::from_hours(24),
            ..Default::default()
        };
        match simulate(&w, &cfg, &mut |_| true) {
            Err(e) => println!("{}: {e}", w.id),
            Ok(r) => {
                let rep = &r.replications[0];
                println!(
                    "== {}: arrived {} finished {} open {} stuck {}",
                    w.id, rep.arrived, rep.finished, rep.open, rep.stuck
                );
                println!("   outcomes {:?}", rep.outcomes);
                println!(
                    "   cycle mean {:.1}h p90 {:.1}h",
                    rep.cycle_time.mean / 3600.0,
                    rep.cycle_time.p90 / 3600.0
                );
                for (rule, e) in &r.summary.attainment {
                    println!(
                        "   sla {rule}: {:.1}% ± {:.1}",
                        e.mean * 100.0,
                        e.half_width * 100.0
                    );
                }
                for s in &rep.slas {
                    let by_day: Vec<u64> = s
                        .breaches_by_hour
                        .chunks(24)
                        .map(|c| c.iter().sum())
                        .collect();
                    let night: u64 = s
                        .breaches_by_hour
                        .iter()
                        .enumerate()
                        .filter(|(h, _)| {
                            let hh = h % 24;
                            !(8..20).contains(&hh)
                        })
                        .map(|(_, b)| b)
                        .sum();
                    println!(
                        "      {} breaches by day {:?}, outside 08-20: {}",
                        s.rule, by_day, night
                    );
                }
                for ro in &rep.roles {
                    println!(
                        "   role {:<28} util {:>5.1}% wait mean {:>7.1}m p90 {:>7.1}m queue max {}",
                        ro.role,
                        ro.utilisation * 100.0,
                        ro.wait.mean / 60.0,
                        ro.wait.p90 / 60.0,
                        ro.queue_max
                    );
                }
            }
        }
    }
}
