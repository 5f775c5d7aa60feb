//! What to simulate: the run configuration, the options a host writes, and the limits.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::compiled::CompileError;
use crate::model::duration::Duration;

/// How a role's queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Discipline {
    /// First come, first served.
    #[default]
    Fifo,
    /// The case whose SLA deadline is earliest first (cases without a running clock last).
    EarliestDeadline,
}

/// Bounds that stop a runaway model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// Events per replication.
    pub max_events: u64,
    /// Arrivals per replication.
    pub max_cases: u64,
    /// Cases in the system at once.
    pub max_open: u64,
    /// Rows of the event log.
    pub max_log_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_events: 200_000_000,
            max_cases: 20_000_000,
            max_open: 2_000_000,
            max_log_rows: 2_000_000,
        }
    }
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimConfig {
    /// When the run starts (by default Monday 5 January 2026, midnight in the workflow's
    /// first calendar's zone).
    pub start: Option<DateTime<Utc>>,
    /// How long arrivals come.
    pub horizon: Duration,
    /// The initial period excluded from statistics.
    pub warmup: Duration,
    /// The seed.
    pub seed: u64,
    /// How many independent replications.
    pub replications: u32,
    /// The bucket width of the queue-length time series.
    pub resolution: Duration,
    /// Queue order.
    pub discipline: Discipline,
    /// Runaway limits.
    pub limits: Limits,
    /// Keep an event log of the first replication.
    pub event_log: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            start: None,
            horizon: Duration::from_hours(7 * 24),
            warmup: Duration::ZERO,
            seed: 1,
            replications: 1,
            resolution: Duration::from_hours(1),
            discipline: Discipline::Fifo,
            limits: Limits::default(),
            event_log: false,
        }
    }
}

/// Run options as a host writes them (the web app, the bindings): every field optional,
/// durations as strings.
///
/// ```json
/// { "horizon": "30d", "warmup": "1d", "seed": 7, "replications": 10,
///   "start": "2026-01-05T00:00:00-05:00", "resolution": "1h", "queue": "earliest-deadline",
///   "event_log": false }
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimOptions {
    /// How long arrivals come (default 7d).
    #[serde(default)]
    pub horizon: Option<Duration>,
    /// The warm-up excluded from statistics (default none).
    #[serde(default)]
    pub warmup: Option<Duration>,
    /// The seed (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Replications (default 10).
    #[serde(default)]
    pub replications: Option<u32>,
    /// When the run starts, RFC 3339.
    #[serde(default)]
    pub start: Option<String>,
    /// Queue-series bucket width (default 1h).
    #[serde(default)]
    pub resolution: Option<Duration>,
    /// Queue order.
    #[serde(default)]
    pub queue: Option<Discipline>,
    /// Keep the first replication's event log.
    #[serde(default)]
    pub event_log: bool,
}

impl SimOptions {
    /// The configuration these options describe, or what is wrong with them.
    pub fn config(&self) -> Result<SimConfig, String> {
        let d = SimConfig::default();
        let start = match &self.start {
            Some(s) => {
                Some(crate::time::business::parse_instant(s).map_err(|e| format!("start: {e}"))?)
            }
            None => None,
        };
        let horizon = self.horizon.unwrap_or(d.horizon);
        let warmup = self.warmup.unwrap_or(d.warmup);
        if warmup >= horizon {
            return Err(format!(
                "warmup: {warmup} is not shorter than the horizon {horizon}"
            ));
        }
        let replications = self.replications.unwrap_or(10);
        if replications == 0 || replications > 1000 {
            return Err(format!("replications: {replications}; expected 1 to 1000"));
        }
        Ok(SimConfig {
            start,
            horizon,
            warmup,
            seed: self.seed.unwrap_or(d.seed),
            replications,
            resolution: self
                .resolution
                .unwrap_or(d.resolution)
                .max(Duration::from_mins(1)),
            discipline: self.queue.unwrap_or(d.discipline),
            limits: d.limits,
            event_log: self.event_log,
        })
    }
}

/// Why a simulation stopped without results.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The workflow has structural errors (SLA feasibility findings do not count).
    #[error("the workflow has {0} error(s); run `check` and fix them first")]
    Invalid(usize),
    /// No start node has arrivals.
    #[error("no start node has \"arrivals\"; give at least one a rate or a schedule")]
    NoArrivals,
    /// A limit was reached.
    #[error(
        "stopped at {at}: more than {limit} {what} (a runaway model? raise the limit if the load is real)"
    )]
    Limit {
        /// What ran over.
        what: &'static str,
        /// The limit.
        limit: u64,
        /// When, in simulated time.
        at: String,
    },
    /// The progress hook asked to stop.
    #[error("cancelled")]
    Cancelled,
    /// The horizon is zero or too long.
    #[error("the horizon must be between 1 minute and 10 years; got {0}")]
    Horizon(Duration),
    /// The guards could not be compiled.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// A scenario does not fit the workflow.
    #[error(transparent)]
    Scenario(#[from] crate::sim::scenario::ScenarioError),
}
