//! Throughput of the simulator on the `triage-1` workload, against a loop hand-written
//! for exactly that model, in the same run.
//!
//! Run with `cargo bench -p flowdrill-core --bench simulate`. Figures go to BENCHMARKS.md.

use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::time::Instant;

use flowdrill_core::sim::sample::Stream;
use flowdrill_core::sim::stats::{Quantiles, Series, Summary, TimeWeighted};
use flowdrill_core::sim::{SimConfig, simulate};
use flowdrill_core::{Duration, Workflow};

#[derive(PartialEq)]
struct Ev(f64, u64, u8, u32); // time, sequence, kind (0 arrival, 1..4 tasks), case

impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ev {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// The triage-1 model, specialised: Poisson arrivals at 1/min; 3 community staff triage
/// (exp 1.5 min); then 60 % community respond (exp 1 min), 25 % support (1 staff, exp 2),
/// 10 % legal (1 staff, exp 5), 5 % nothing; first response within 60 min. Times in
/// seconds. It keeps the statistics the engine reports for this model: per role the wait
/// distribution, time-average busy staff and queue length and the hourly queue series; the
/// SLA's attainment and time-to-stop distribution; the cycle-time distribution.
struct Hand {
    staff: [u32; 3],
    busy: [u32; 3],
    queues: [VecDeque<(u32, u8, f64)>; 3],
    heap: BinaryHeap<Ev>,
    rng: Stream,
    seq: u64,
    wait: [(Summary, Quantiles); 3],
    busy_tw: [TimeWeighted; 3],
    queue_tw: [TimeWeighted; 3],
    series: [Series; 3],
    stats: bool,
}

impl Hand {
    fn role(k: u8) -> usize {
        match k {
            1 | 2 => 0,
            3 => 1,
            _ => 2,
        }
    }

    fn mean(k: u8) -> f64 {
        match k {
            1 => 90.0,
            2 => 60.0,
            3 => 120.0,
            _ => 300.0,
        }
    }

    fn begin(&mut self, t: f64, k: u8, c: u32, queued_at: f64) {
        let r = Self::role(k);
        self.busy[r] += 1;
        if self.stats {
            self.busy_tw[r].set(t, f64::from(self.busy[r]));
            self.wait[r].0.add(t - queued_at);
            self.wait[r].1.add(t - queued_at);
        }
        self.seq += 1;
        let done = t + self.rng.exponential(Self::mean(k));
        self.heap.push(Ev(done, self.seq, k, c));
    }

    fn offer(&mut self, t: f64, k: u8, c: u32) {
        let r = Self::role(k);
        if self.busy[r] < self.staff[r] {
            self.begin(t, k, c, t);
        } else {
            self.queues[r].push_back((c, k, t));
            if self.stats {
                let q = self.queues[r].len() as f64;
                self.queue_tw[r].set(t, q);
                self.series[r].set(t, q);
            }
        }
    }
}

fn hand_written(horizon: f64, seed: u64, stats: bool) -> (u64, u64) {
    let hours = (horizon / 3600.0) as usize;
    let mut h = Hand {
        staff: [3, 1, 1],
        busy: [0; 3],
        queues: [VecDeque::new(), VecDeque::new(), VecDeque::new()],
        heap: BinaryHeap::new(),
        rng: Stream::new(seed, 0, 1),
        seq: 0,
        wait: [
            (Summary::new(), Quantiles::new()),
            (Summary::new(), Quantiles::new()),
            (Summary::new(), Quantiles::new()),
        ],
        busy_tw: [
            TimeWeighted::new(0.0, 0.0),
            TimeWeighted::new(0.0, 0.0),
            TimeWeighted::new(0.0, 0.0),
        ],
        queue_tw: [
            TimeWeighted::new(0.0, 0.0),
            TimeWeighted::new(0.0, 0.0),
            TimeWeighted::new(0.0, 0.0),
        ],
        series: [
            Series::new(0.0, 3600.0, hours),
            Series::new(0.0, 3600.0, hours),
            Series::new(0.0, 3600.0, hours),
        ],
        stats,
    };
    let (mut sla, mut cycle) = (
        (Summary::new(), Quantiles::new()),
        (Summary::new(), Quantiles::new()),
    );
    let mut arrived_at: Vec<f64> = Vec::new();
    let (mut met, mut finished) = (0u64, 0u64);
    let first = h.rng.exponential(60.0);
    h.heap.push(Ev(first, 0, 0, 0));
    while let Some(Ev(t, _, kind, case)) = h.heap.pop() {
        if t > horizon {
            break;
        }
        if kind == 0 {
            arrived_at.push(t);
            h.offer(t, 1, (arrived_at.len() - 1) as u32);
            h.seq += 1;
            let next = t + h.rng.exponential(60.0);
            h.heap.push(Ev(next, h.seq, 0, 0));
            continue;
        }
        let r = Hand::role(kind);
        h.busy[r] -= 1;
        if stats {
            h.busy_tw[r].set(t, f64::from(h.busy[r]));
        }
        let age = t - arrived_at[case as usize];
        let ends = if kind == 1 {
            let u = h.rng.unit();
            let next = if u <= 0.60 {
                2
            } else if u <= 0.85 {
                3
            } else if u <= 0.95 {
                4
            } else {
                0
            };
            if next != 0 {
                h.offer(t, next, case);
            }
            next == 0
        } else {
            if stats {
                sla.0.add(age);
                sla.1.add(age);
            }
            met += u64::from(age <= 3600.0);
            true
        };
        if ends {
            finished += 1;
            if stats {
                cycle.0.add(age);
                cycle.1.add(age);
            }
        }
        if let Some((c, k, at)) = h.queues[r].pop_front() {
            if stats {
                let q = h.queues[r].len() as f64;
                h.queue_tw[r].set(t, q);
                h.series[r].set(t, q);
            }
            h.begin(t, k, c, at);
        }
    }
    black_box((&sla, &cycle, &h.wait, &h.busy_tw, &h.queue_tw, &h.series));
    (finished, met)
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/benchmarks/triage-1.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let w = match Workflow::from_json(&text) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    let days = 120u64;
    let cfg = SimConfig {
        horizon: Duration::from_hours(24 * days),
        seed: 7,
        ..Default::default()
    };
    println!(
        "triage-1, {days} simulated days per run (about {} cases), release build\n",
        days * 1440
    );
    // For a profiler: `FLOWDRILL_BENCH_ENGINE_ONLY=20` runs the engine alone, that many times.
    let only: Option<usize> = std::env::var("FLOWDRILL_BENCH_ENGINE_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut engine = Vec::new();
    let mut cases = 0;
    for _ in 0..only.unwrap_or(5) {
        let t = Instant::now();
        let r = match simulate(black_box(&w), &cfg, &mut |_| true) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let secs = t.elapsed().as_secs_f64();
        cases = r.replications[0].arrived;
        engine.push(cases as f64 / secs);
    }
    if only.is_some() {
        engine.sort_by(f64::total_cmp);
        let e = engine.get(engine.len() / 2).copied().unwrap_or(0.0);
        println!(
            "general engine (all statistics)         {e:>12.0} cases/s   ({cases} cases per run)"
        );
        return;
    }
    let rate = |stats: bool| {
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let (finished, _) = hand_written(black_box(days as f64 * 86_400.0), 7, stats);
                finished as f64 / t.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        runs[2]
    };
    let (bare, full) = (rate(false), rate(true));
    engine.sort_by(f64::total_cmp);
    let e = engine[2];
    println!("general engine (all statistics)         {e:>12.0} cases/s   ({cases} cases per run)");
    println!(
        "hand-written loop, same statistics      {full:>12.0} cases/s   ratio {:.2}",
        e / full
    );
    println!(
        "hand-written loop, no statistics        {bare:>12.0} cases/s   ratio {:.2}",
        e / bare
    );
}
