//! The simulator: a discrete-event driver of the workflow engine.
//!
//! Cases arrive at start nodes (Poisson with an hour-of-week profile and surges, or fixed
//! schedules), draw their attributes from the workflow's weights, and move through the
//! compiled workflow with the same decisions, fork/join, loop limits and SLA clocks as a
//! route. What the simulator adds is time and contention:
//!
//! - a task waits in its role's queue (first come first served, or earliest SLA deadline
//!   first) until one of the role's staff is free *and* the role's calendar is open; work
//!   takes its sampled effort in the role's open hours, so work in progress at closing
//!   time stops with the person and resumes at the next opening (the same person keeps it);
//! - waits last their delay, until their next point in the week, or — for a batch — until
//!   the window closes, when every waiting case is released together;
//! - SLA clocks run on their calendars; ladder milestones fire during the run, tell their
//!   roles (counted), and a reassignment moves the case's queued work to another role;
//! - an end reached anywhere ends the case; its other tokens are dropped.
//!
//! Statistics exclude cases that arrive during the warm-up, and role utilisation and queue
//! lengths are averaged from the end of the warm-up. At the horizon the run stops: cases
//! still open are counted as such, and a running SLA clock already past its target counts as
//! a breach (one within its target as pending).
//!
//! Every random draw comes from a seeded stream: arrivals per start node, and one stream
//! per case for its attributes and its work times, so that a scenario that changes staffing
//! leaves each case's draws as they were (common random numbers).

pub mod sample;
pub mod scenario;
pub mod stats;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::compiled::Compiled;
use crate::model::workflow::Workflow;
use engine::Engine;
use tables::{CArrivals, Tables};

mod config;
mod engine;
mod results;
mod summary;
pub mod tables;

pub use config::*;
pub use results::*;
pub use summary::*;

/// The default start of a run: Monday 5 January 2026, midnight in the workflow's first
/// calendar's zone (UTC without calendars).
pub fn default_start(w: &Workflow) -> DateTime<Utc> {
    let tz = w.display_zone();
    chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|l| crate::time::business::resolve(tz, l))
        .unwrap_or_default()
}

/// Simulates a workflow. `progress` is called now and then with how far the run is; return
/// `false` from it to cancel.
pub fn simulate(
    w: &Workflow,
    cfg: &SimConfig,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<SimResult, SimError> {
    let errors = crate::analysis::validate::validate_structure(w).into_errors();
    if !errors.is_empty() {
        return Err(SimError::Invalid(errors));
    }
    cfg.check()?;
    // The stored series are bounded before anything is allocated (in the browser too).
    cfg.check_series(w.roles.len(), w.slas.len())?;
    let start = cfg.start.unwrap_or_else(|| default_start(w));
    let days = u32::try_from(cfg.horizon.as_secs().div_ceil(86_400)).unwrap_or(u32::MAX);
    let compiled = Compiled::new(w)?;
    let tables = Tables::new(w, &compiled, start, days);
    if tables.arrivals.iter().all(|a| matches!(a, CArrivals::None)) {
        return Err(SimError::NoArrivals);
    }
    let tz = w.display_zone();
    let mut reps = Vec::new();
    let mut log = Vec::new();
    for rep in 0..cfg.replications.max(1) {
        let n = cfg.replications.max(1);
        if !progress(Progress {
            replication: rep,
            replications: n,
            done: f64::from(rep) / f64::from(n),
        }) {
            return Err(SimError::Cancelled);
        }
        let (r, l) = Engine::new(&compiled, &tables, cfg, start, rep, tz).run(progress)?;
        if rep == 0 {
            log = l;
        }
        reps.push(r);
    }
    let n = cfg.replications.max(1);
    progress(Progress {
        replication: n - 1,
        replications: n,
        done: 1.0,
    });
    let summary = summarise(&reps);
    let overview = overview(&reps);
    Ok(SimResult {
        start,
        zone: tz.name().to_string(),
        config: cfg.clone(),
        replications: reps,
        summary,
        overview,
        log,
    })
}

/// One figure over replications.
type Per<'a> = &'a dyn Fn(&RepResult) -> f64;

/// The headline figures, each estimated by `est` from a per-replication figure.
fn headline(first: Option<&RepResult>, est: &dyn Fn(Per) -> Estimate) -> Summary95 {
    let named =
        |names: Vec<String>, f: &dyn Fn(&RepResult, usize) -> f64| -> Vec<(String, Estimate)> {
            names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n, est(&|x| f(x, i))))
                .collect()
        };
    let rules: Vec<String> = first
        .map(|r| r.slas.iter().map(|s| s.rule.clone()).collect())
        .unwrap_or_default();
    let roles: Vec<String> = first
        .map(|r| r.roles.iter().map(|s| s.role.clone()).collect())
        .unwrap_or_default();
    Summary95 {
        attainment: named(rules, &|x, i| x.slas.get(i).map_or(0.0, |s| s.attainment)),
        utilisation: named(roles.clone(), &|x, i| {
            x.roles.get(i).map_or(0.0, |s| s.utilisation)
        }),
        wait: named(roles, &|x, i| x.roles.get(i).map_or(0.0, |s| s.wait.mean)),
        cycle_time: est(&|x| x.cycle_time.mean),
        finished: est(&|x| x.finished as f64),
    }
}

fn summarise(reps: &[RepResult]) -> Summary95 {
    headline(reps.first(), &|f| {
        Estimate::of(&reps.iter().map(f).collect::<Vec<_>>())
    })
}

/// Two scenarios run on the same seeds, and their differences.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comparison {
    /// The first scenario's name.
    pub a_name: String,
    /// The second scenario's name.
    pub b_name: String,
    /// The first scenario's results.
    pub a: SimResult,
    /// The second scenario's results.
    pub b: SimResult,
    /// Differences b − a of the headline figures, paired by replication (common random
    /// numbers), with 95 % confidence half-widths.
    pub difference: Summary95,
}

/// Runs two scenarios of a workflow with the same seeds and reports b − a. Each scenario's
/// own `queue` wins over `cfg.discipline` ([`SimConfig::for_scenario`]).
pub fn compare(
    w: &Workflow,
    a: &crate::sim::scenario::Scenario,
    b: &crate::sim::scenario::Scenario,
    cfg: &SimConfig,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Comparison, SimError> {
    let run = |s: &crate::sim::scenario::Scenario,
               half: f64,
               progress: &mut dyn FnMut(Progress) -> bool| {
        let (wf, queue) = s.apply(w)?;
        let c = cfg.clone().for_scenario(queue);
        let mut inner = |p: Progress| {
            progress(Progress {
                done: half + p.done / 2.0,
                ..p
            })
        };
        simulate(&wf, &c, &mut inner)
    };
    let ra = run(a, 0.0, progress)?;
    let rb = run(b, 0.5, progress)?;
    let difference = paired(&ra.replications, &rb.replications);
    Ok(Comparison {
        a_name: a.label("A").to_string(),
        b_name: b.label("B").to_string(),
        a: ra,
        b: rb,
        difference,
    })
}

fn paired(a: &[RepResult], b: &[RepResult]) -> Summary95 {
    headline(a.first(), &|f| {
        Estimate::of(
            &a.iter()
                .zip(b)
                .map(|(x, y)| f(y) - f(x))
                .collect::<Vec<_>>(),
        )
    })
}
