//! Figures across replications: what a report of a run shows, computed once here so that
//! the command line and the browser show the same numbers.
//!
//! Counts are given as a total over the replications and a mean per replication
//! ([`Tally`]); figures that vary from one replication to the next, as a mean with its 95 %
//! confidence half-width ([`Estimate`]); distributions of several replications are pooled
//! into one ([`Dist::pool`]).

use serde::Serialize;

use super::results::{Dist, Estimate, RepResult};

/// A count across replications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tally {
    /// The sum over all replications.
    pub total: u64,
    /// The mean per replication (0 without replications).
    pub mean: f64,
}

impl Tally {
    fn of(reps: &[RepResult], f: impl Fn(&RepResult) -> u64) -> Tally {
        let total: u64 = reps.iter().map(&f).sum();
        Tally {
            total,
            mean: mean_of(reps, |x| f(x) as f64),
        }
    }
}

/// Cases across replications: means per replication with their 95 % half-widths.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseSummary {
    /// Cases that arrived after the warm-up.
    pub arrived: Estimate,
    /// Of those, cases that ended.
    pub finished: Estimate,
    /// Cases still open at the horizon.
    pub open: Estimate,
    /// Cases that found no branch at a decision.
    pub stuck: Estimate,
}

/// One SLA rule across replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SlaSummary {
    /// The rule.
    pub rule: String,
    /// Attainment (the same estimate as the result's `summary.attainment`).
    pub attainment: Estimate,
    /// Clocks stopped within the target.
    pub met: Tally,
    /// Clocks stopped after it, or running past it at the horizon.
    pub breached: Tally,
    /// Clocks still running within the target at the horizon.
    pub pending: Tally,
    /// Time from start to stop of the stopped clocks, pooled over replications (`None`
    /// when no clock stopped).
    pub time_to_stop: Option<Dist>,
    /// Breaches by hour of the week of the case's arrival (Monday 00:00 first), summed over
    /// replications.
    pub breaches_by_hour: Vec<u64>,
}

/// One role across replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoleSummary {
    /// The role.
    pub role: String,
    /// Staff (in the first replication; a run does not change it).
    pub staff: u32,
    /// Utilisation (the same estimate as the result's `summary.utilisation`).
    pub utilisation: Estimate,
    /// Mean queue wait, seconds (the same estimate as the result's `summary.wait`).
    pub wait: Estimate,
    /// Queue waits pooled over replications (`None` when no task waited).
    pub waits: Option<Dist>,
    /// Time-average queue length, mean over replications.
    pub queue_mean: f64,
    /// Longest queue in any replication.
    pub queue_max: f64,
    /// Queue length per bucket of the resolution across replications: (bucket start in
    /// hours from the start, mean of the replications' means, largest of their maxima).
    pub queue_series: Vec<(f64, f64, f64)>,
    /// Tasks done.
    pub tasks: Tally,
    /// Notifications received.
    pub notified: Tally,
}

/// Everything a report of a run shows across its replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    /// Cases.
    pub cases: CaseSummary,
    /// Per SLA rule, in the workflow's order.
    pub slas: Vec<SlaSummary>,
    /// Per role, in the workflow's order.
    pub roles: Vec<RoleSummary>,
    /// Ends reached, by outcome (in the order first met).
    pub outcomes: Vec<(String, Tally)>,
    /// Arrival to end of finished cases, pooled over replications (`None` when no case
    /// finished); the mean's confidence interval is the result's `summary.cycle_time`.
    pub cycle_time: Option<Dist>,
}

impl Dist {
    /// Distributions of several replications as one: the count is the sum; the mean is
    /// weighted by count, and so are the quantiles (an approximation: they are averaged,
    /// not recomputed from the values); the max is the largest. `None` when no
    /// distribution has a value.
    pub fn pool(dists: &[Dist]) -> Option<Dist> {
        let count: u64 = dists.iter().map(|d| d.count).sum();
        if count == 0 {
            return None;
        }
        let weighted = |f: fn(&Dist) -> f64| -> f64 {
            dists
                .iter()
                .filter(|d| d.count > 0)
                .map(|d| f(d) * d.count as f64)
                .sum::<f64>()
                / count as f64
        };
        Some(Dist {
            count,
            mean: weighted(|d| d.mean),
            p50: weighted(|d| d.p50),
            p90: weighted(|d| d.p90),
            p95: weighted(|d| d.p95),
            p99: weighted(|d| d.p99),
            max: dists
                .iter()
                .filter(|d| d.count > 0)
                .map(|d| d.max)
                .fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// The mean over replications of a per-replication figure (0 without replications).
fn mean_of(reps: &[RepResult], f: impl Fn(&RepResult) -> f64) -> f64 {
    if reps.is_empty() {
        0.0
    } else {
        reps.iter().map(f).sum::<f64>() / reps.len() as f64
    }
}

/// The mean over replications of a per-replication figure, with its 95 % half-width.
fn estimate(reps: &[RepResult], f: impl Fn(&RepResult) -> f64) -> Estimate {
    Estimate::of(&reps.iter().map(f).collect::<Vec<_>>())
}

/// The figures across replications of their per-replication results. Rules and roles are
/// those of the first replication (every replication of a run has the same), matched by
/// position.
pub fn overview(reps: &[RepResult]) -> Overview {
    let first = reps.first();
    let slas = first
        .map(|x| x.slas.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| sla_summary(reps, i, &s.rule))
        .collect();
    let roles = first
        .map(|x| x.roles.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, r)| role_summary(reps, i, &r.role, r.staff))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for x in reps {
        for (o, _) in &x.outcomes {
            if !names.contains(&o.as_str()) {
                names.push(o);
            }
        }
    }
    let outcomes = names
        .into_iter()
        .map(|name| {
            let count = |x: &RepResult| {
                x.outcomes
                    .iter()
                    .filter(|(o, _)| o == name)
                    .map(|(_, n)| *n)
                    .sum()
            };
            (name.to_string(), Tally::of(reps, count))
        })
        .collect();
    Overview {
        cases: CaseSummary {
            arrived: estimate(reps, |x| x.arrived as f64),
            finished: estimate(reps, |x| x.finished as f64),
            open: estimate(reps, |x| x.open as f64),
            stuck: estimate(reps, |x| x.stuck as f64),
        },
        slas,
        roles,
        outcomes,
        cycle_time: Dist::pool(&reps.iter().map(|x| x.cycle_time).collect::<Vec<_>>()),
    }
}

fn sla_summary(reps: &[RepResult], i: usize, rule: &str) -> SlaSummary {
    let count =
        |f: fn(&super::results::SlaStats) -> u64| Tally::of(reps, |x| x.slas.get(i).map_or(0, f));
    let mut breaches_by_hour = vec![0u64; 168];
    for s in reps.iter().filter_map(|x| x.slas.get(i)) {
        for (sum, n) in breaches_by_hour.iter_mut().zip(&s.breaches_by_hour) {
            *sum += n;
        }
    }
    let stopped: Vec<Dist> = reps
        .iter()
        .filter_map(|x| x.slas.get(i).map(|s| s.time_to_stop))
        .collect();
    SlaSummary {
        rule: rule.to_string(),
        attainment: estimate(reps, |x| x.slas.get(i).map_or(0.0, |s| s.attainment)),
        met: count(|s| s.met),
        breached: count(|s| s.breached),
        pending: count(|s| s.pending),
        time_to_stop: Dist::pool(&stopped),
        breaches_by_hour,
    }
}

fn role_summary(reps: &[RepResult], i: usize, role: &str, staff: u32) -> RoleSummary {
    let waits: Vec<Dist> = reps
        .iter()
        .filter_map(|x| x.roles.get(i).map(|s| s.wait))
        .collect();
    let buckets = reps
        .iter()
        .filter_map(|x| x.roles.get(i).map(|s| s.queue_series.len()))
        .max()
        .unwrap_or(0);
    let queue_series = (0..buckets)
        .map(|b| {
            let points: Vec<(f64, f64, f64)> = reps
                .iter()
                .filter_map(|x| x.roles.get(i).and_then(|s| s.queue_series.get(b)))
                .copied()
                .collect();
            let n = points.len().max(1) as f64;
            let start = points.first().map_or(0.0, |p| p.0);
            let mean = points.iter().map(|p| p.1).sum::<f64>() / n;
            let max = points.iter().map(|p| p.2).fold(0.0, f64::max);
            (start, mean, max)
        })
        .collect();
    RoleSummary {
        role: role.to_string(),
        staff,
        utilisation: estimate(reps, |x| x.roles.get(i).map_or(0.0, |s| s.utilisation)),
        wait: estimate(reps, |x| x.roles.get(i).map_or(0.0, |s| s.wait.mean)),
        waits: Dist::pool(&waits),
        queue_mean: mean_of(reps, |x| x.roles.get(i).map_or(0.0, |s| s.queue_mean)),
        queue_max: reps
            .iter()
            .filter_map(|x| x.roles.get(i).map(|s| s.queue_max))
            .fold(0.0, f64::max),
        queue_series,
        tasks: Tally::of(reps, |x| x.roles.get(i).map_or(0, |s| s.tasks)),
        notified: Tally::of(reps, |x| x.roles.get(i).map_or(0, |s| s.notified)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::results::{RoleStats, SlaStats};

    fn dist(count: u64, mean: f64, p50: f64, p90: f64, max: f64) -> Dist {
        Dist {
            count,
            mean,
            p50,
            p90,
            p95: p90,
            p99: p90,
            max,
        }
    }

    #[test]
    fn pooled_distributions_weight_by_count() {
        let a = dist(1, 10.0, 10.0, 10.0, 10.0);
        let b = dist(3, 30.0, 20.0, 40.0, 50.0);
        let p = Dist::pool(&[a, b, Dist::default()]).unwrap();
        assert_eq!(p.count, 4);
        assert_eq!(p.mean, 25.0);
        assert_eq!(p.p50, 17.5);
        assert_eq!(p.p90, 32.5);
        assert_eq!(p.max, 50.0);
        assert!(Dist::pool(&[Dist::default()]).is_none());
        assert!(Dist::pool(&[]).is_none());
    }

    /// A replication with one rule, one role and the given figures.
    fn rep(arrived: u64, met: u64, breached: u64, tasks: u64, queue: [f64; 2]) -> RepResult {
        let mut by_hour = vec![0; 168];
        by_hour[9] = breached;
        RepResult {
            arrived,
            arrivals_by_hour: vec![0; 168],
            finished: arrived - 1,
            open: 1,
            stuck: 0,
            outcomes: vec![("answered".into(), arrived - 1)],
            cycle_time: dist(arrived - 1, 600.0, 500.0, 900.0, 1200.0),
            slas: vec![SlaStats {
                rule: "reply".into(),
                met,
                breached,
                pending: 0,
                cancelled: 0,
                attainment: met as f64 / (met + breached) as f64,
                time_to_stop: dist(met + breached, 1800.0, 1700.0, 3000.0, 5000.0),
                breaches_by_hour: by_hour,
            }],
            roles: vec![RoleStats {
                role: "agent".into(),
                staff: 2,
                utilisation: 0.5,
                wait: dist(tasks, 60.0, 30.0, 120.0, 300.0),
                queue_mean: queue[0],
                queue_max: queue[1],
                queue_series: vec![(0.0, queue[0], queue[1]), (1.0, 0.0, 0.0)],
                tasks,
                notified: 1,
            }],
            visits: Vec::new(),
            events: 0,
        }
    }

    #[test]
    fn the_overview_totals_means_pools_and_estimates() {
        let reps = [
            rep(11, 8, 2, 10, [1.0, 3.0]),
            rep(21, 15, 5, 20, [3.0, 6.0]),
        ];
        let o = overview(&reps);
        assert_eq!(o.cases.arrived.mean, 16.0);
        assert!(o.cases.arrived.half_width.is_finite());
        assert_eq!(o.cases.open.mean, 1.0);
        assert_eq!(o.cases.stuck.mean, 0.0);

        let sla = &o.slas[0];
        assert_eq!(sla.rule, "reply");
        assert_eq!(
            sla.met,
            Tally {
                total: 23,
                mean: 11.5
            }
        );
        assert_eq!(
            sla.breached,
            Tally {
                total: 7,
                mean: 3.5
            }
        );
        assert_eq!(sla.attainment.mean, (0.8 + 0.75) / 2.0);
        assert_eq!(sla.breaches_by_hour.len(), 168);
        assert_eq!(sla.breaches_by_hour[9], 7);
        assert_eq!(sla.time_to_stop.map(|d| d.count), Some(30));

        let role = &o.roles[0];
        assert_eq!((role.role.as_str(), role.staff), ("agent", 2));
        assert_eq!(role.utilisation.mean, 0.5);
        assert_eq!(role.queue_mean, 2.0);
        assert_eq!(role.queue_max, 6.0);
        assert_eq!(role.queue_series, [(0.0, 2.0, 6.0), (1.0, 0.0, 0.0)]);
        assert_eq!(
            role.tasks,
            Tally {
                total: 30,
                mean: 15.0
            }
        );
        assert_eq!(
            role.notified,
            Tally {
                total: 2,
                mean: 1.0
            }
        );
        assert_eq!(role.waits.map(|d| d.count), Some(30));

        assert_eq!(
            o.outcomes,
            [(
                "answered".to_string(),
                Tally {
                    total: 30,
                    mean: 15.0
                }
            )]
        );
        assert_eq!(o.cycle_time.map(|d| d.count), Some(30));
    }

    #[test]
    fn no_replications_give_an_empty_overview() {
        let o = overview(&[]);
        assert!(o.slas.is_empty() && o.roles.is_empty() && o.outcomes.is_empty());
        assert_eq!(o.cycle_time, None);
    }
}
