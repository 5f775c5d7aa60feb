//! What a simulation reports: per replication, and headline figures across replications.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::config::SimConfig;
use super::stats::{Quantiles, Summary};

/// Progress reported during a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    /// The replication running (0-based).
    pub replication: u32,
    /// Replications in all.
    pub replications: u32,
    /// Share of the whole run done, 0 to 1.
    pub done: f64,
}

/// A value's distribution in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dist {
    /// How many values.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

pub(super) fn dist(q: &Quantiles, s: &Summary) -> Dist {
    Dist {
        count: s.count(),
        mean: s.mean(),
        p50: q.quantile(0.5),
        p90: q.quantile(0.9),
        p95: q.quantile(0.95),
        p99: q.quantile(0.99),
        max: q.max(),
    }
}

/// One SLA rule's results in one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SlaStats {
    /// The rule.
    pub rule: String,
    /// Clocks stopped within the target.
    pub met: u64,
    /// Clocks stopped after it, or still running past it at the horizon.
    pub breached: u64,
    /// Clocks still running within the target at the horizon.
    pub pending: u64,
    /// Clocks of cases that ended before the stop point, within the target: not counted.
    pub cancelled: u64,
    /// met / (met + breached), 0 to 1 (1 when there were none).
    pub attainment: f64,
    /// Clock time from start to stop of the stopped clocks.
    pub time_to_stop: Dist,
    /// Breaches by hour of the week of the case's arrival (Monday 00:00 first), in the
    /// run's start zone.
    pub breaches_by_hour: Vec<u64>,
}

/// One role's results in one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoleStats {
    /// The role.
    pub role: String,
    /// Staff.
    pub staff: u32,
    /// Busy staff time over available staff time (staff × open hours), 0 to 1.
    pub utilisation: f64,
    /// Time tasks waited in the queue (tasks still waiting at the horizon count the wait so
    /// far).
    pub wait: Dist,
    /// Time-average queue length.
    pub queue_mean: f64,
    /// Longest queue.
    pub queue_max: f64,
    /// Queue length per bucket of the resolution: (bucket start in hours from the start,
    /// mean, max).
    pub queue_series: Vec<(f64, f64, f64)>,
    /// Tasks done.
    pub tasks: u64,
    /// Notifications received (notify nodes and escalations).
    pub notified: u64,
}

/// The results of one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepResult {
    /// Cases that arrived after the warm-up.
    pub arrived: u64,
    /// Those arrivals by local hour of the week (Monday 00:00 first), for breach rates.
    pub arrivals_by_hour: Vec<u64>,
    /// Of those, cases that ended.
    pub finished: u64,
    /// Cases still open at the horizon.
    pub open: u64,
    /// Cases that found no branch at a decision.
    pub stuck: u64,
    /// Ends reached, by outcome.
    pub outcomes: Vec<(String, u64)>,
    /// Arrival to end, for finished cases.
    pub cycle_time: Dist,
    /// Per SLA rule.
    pub slas: Vec<SlaStats>,
    /// Per role.
    pub roles: Vec<RoleStats>,
    /// Visits per node.
    pub visits: Vec<(String, u64)>,
    /// Events processed.
    pub events: u64,
}

/// A figure across replications: mean and 95 % confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// Half-width of the 95 % confidence interval (Student's t); infinite, written `null`,
    /// with fewer than two replications.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub half_width: f64,
}

impl Estimate {
    pub(super) fn of(xs: &[f64]) -> Estimate {
        let e = crate::sim::stats::confidence_95(xs);
        Estimate {
            mean: e.mean,
            half_width: e.half_width,
        }
    }
}

/// Headline figures across replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary95 {
    /// SLA attainment per rule.
    pub attainment: Vec<(String, Estimate)>,
    /// Utilisation per role.
    pub utilisation: Vec<(String, Estimate)>,
    /// Mean queue wait per role, seconds.
    pub wait: Vec<(String, Estimate)>,
    /// Mean cycle time, seconds.
    pub cycle_time: Estimate,
    /// Cases finished.
    pub finished: Estimate,
}

/// One row of the event log (the columns process-mining tools import).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogRow {
    /// Case number.
    pub case_id: u64,
    /// The node's id.
    pub activity: String,
    /// When, RFC 3339.
    pub timestamp: String,
    /// The role, for tasks.
    pub resource: String,
    /// `schedule` (a task joins its role's queue), `start` (work begins) or `complete`.
    pub lifecycle: &'static str,
}

/// The results of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SimResult {
    /// When the run started.
    pub start: DateTime<Utc>,
    /// The time zone of hour-of-week figures (the workflow's first calendar's, else UTC).
    pub zone: String,
    /// The configuration.
    pub config: SimConfig,
    /// Each replication.
    pub replications: Vec<RepResult>,
    /// Headline figures with confidence intervals.
    pub summary: Summary95,
    /// Every figure a report shows across the replications (cases, each SLA rule, each
    /// role, outcomes, cycle time).
    pub overview: super::summary::Overview,
    /// The event log of the first replication, if asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub log: Vec<LogRow>,
}
