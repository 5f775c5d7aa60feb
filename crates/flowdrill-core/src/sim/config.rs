//! What to simulate: the run configuration, the options a host writes, and the limits.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::compiled::CompileError;
use crate::model::duration::Duration;

/// How a role's queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Run options as a host writes them (the web app, the bindings, the command line): every
/// field optional, durations as strings. [`SimOptions::resolve`] turns them into a
/// [`SimConfig`], applying every rule about them.
///
/// ```json
/// { "horizon": "30d", "warmup": "1d", "seed": 7, "replications": 10,
///   "start": "2026-01-05T00:00:00-05:00", "resolution": "1h", "queue": "earliest-deadline",
///   "event_log": false }
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(deny_unknown_fields)]
pub struct SimOptions {
    /// How long arrivals come (default 7d; 1 minute to 3660 days).
    #[serde(default)]
    pub horizon: Option<Duration>,
    /// The warm-up excluded from statistics (default none; shorter than the horizon).
    #[serde(default)]
    pub warmup: Option<Duration>,
    /// The seed (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Replications (default 10; 1 to 1000).
    #[serde(default)]
    pub replications: Option<u32>,
    /// When the run starts, RFC 3339 (default Monday 5 January 2026, midnight in the
    /// workflow's first calendar's zone).
    #[serde(default)]
    pub start: Option<String>,
    /// Queue-series bucket width (default 1h; at least 1 minute).
    #[serde(default)]
    pub resolution: Option<Duration>,
    /// Queue order for scenarios that do not give their own (default first come, first
    /// served).
    #[serde(default)]
    pub queue: Option<Discipline>,
    /// Keep the first replication's event log.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub event_log: bool,
}

/// The shortest horizon (and the shortest queue-series resolution).
pub const MIN_STEP: Duration = Duration::from_mins(1);

/// The longest horizon: ten years of 366 days.
pub const MAX_HORIZON: Duration = Duration::from_hours(10 * 366 * 24);

/// The most replications a run may ask for.
pub const MAX_REPLICATIONS: u32 = 1000;

/// The replications of a run whose options do not say.
pub const DEFAULT_REPLICATIONS: u32 = 10;

/// The most time-series points a run may store, over all its replications
/// ([`SimConfig::series_points`]). A point takes 24 bytes in memory and about 25 bytes of
/// JSON, so a run at the limit holds about 100 MB of series and writes about 100 MB of
/// JSON; a run over it is refused before anything is allocated
/// ([`SimConfig::check_series`]). A coarser resolution, fewer replications or a shorter
/// horizon brings a run under it.
pub const MAX_SERIES_POINTS: u64 = 4_000_000;

/// The hours of a week: the length of the per-replication arrival and breach counts by
/// weekday and hour of arrival.
pub const WEEK_HOURS: u64 = 7 * 24;

/// A run option that breaks its rule. Each variant carries the bad value; [`field`]
/// names the option as [`SimOptions`] and the command line spell it, and the message
/// starts with that name, then says what is wrong and what was expected.
///
/// [`field`]: SimOptionError::field
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimOptionError {
    /// The horizon is shorter than a minute or longer than ten years.
    #[error("horizon: {value} is out of range; expected from {MIN_STEP} to {MAX_HORIZON}")]
    Horizon {
        /// The horizon given.
        value: Duration,
    },
    /// The warm-up is not shorter than the horizon.
    #[error(
        "warmup: {value} is not shorter than the horizon ({horizon}); expected a warm-up \
         shorter than the run"
    )]
    Warmup {
        /// The warm-up given.
        value: Duration,
        /// The horizon it was compared with.
        horizon: Duration,
    },
    /// Too few or too many replications.
    #[error("replications: {value} is out of range; expected 1 to {MAX_REPLICATIONS}")]
    Replications {
        /// The count given.
        value: u32,
    },
    /// The queue-series resolution is under a minute.
    #[error("resolution: {value} is under a minute; expected at least {MIN_STEP}")]
    Resolution {
        /// The resolution given.
        value: Duration,
    },
    /// The run would store more time-series points than [`MAX_SERIES_POINTS`] (see
    /// [`SimConfig::series_points`] for the formula). The message starts with
    /// `resolution`, the option most often at fault.
    #[error(
        "resolution: the run would store {points} time-series points, over the limit of \
         {MAX_SERIES_POINTS} (points = (replications + 1) × roles × ⌈horizon ÷ resolution⌉ + \
         replications × (SLA rules + 1) × 168 = ({replications} + 1) × {roles} × {buckets} + \
         {replications} × ({rules} + 1) × 168); expected a coarser resolution, fewer \
         replications or a shorter horizon"
    )]
    SeriesPoints {
        /// The points the run would store.
        points: u64,
        /// The replications asked for.
        replications: u32,
        /// The roles of the workflow (one queue series each).
        roles: u64,
        /// The SLA rules of the workflow (one breach count by hour each).
        rules: u64,
        /// The buckets of one series: ⌈horizon ÷ resolution⌉.
        buckets: u64,
    },
    /// The start is not an RFC 3339 instant.
    #[error("start: {reason}")]
    Start {
        /// The text given.
        value: String,
        /// Why it is not an instant, and what one looks like.
        reason: String,
    },
}

impl SimOptionError {
    /// The option at fault, as [`SimOptions`] names it (`horizon`, `warmup`,
    /// `replications`, `resolution`, `start`); the command line's flags are these names
    /// after `--`.
    pub fn field(&self) -> &'static str {
        match self {
            SimOptionError::Horizon { .. } => "horizon",
            SimOptionError::Warmup { .. } => "warmup",
            SimOptionError::Replications { .. } => "replications",
            SimOptionError::Resolution { .. } => "resolution",
            SimOptionError::SeriesPoints { .. } => "resolution",
            SimOptionError::Start { .. } => "start",
        }
    }
}

impl SimOptions {
    /// The run configuration these options describe for a scenario whose own queue order
    /// is `scenario_queue`, or the first option that breaks its rule. This is the one place
    /// where the options' defaults and rules live; hosts only read their input into
    /// [`SimOptions`].
    ///
    /// The rules: the horizon is 1 minute to 10 years (default 7d); the warm-up is shorter
    /// than the horizon (default none); replications are 1 to 1000 (default 10); the
    /// resolution is at least 1 minute (default 1h; a shorter one is rejected, not
    /// rounded up); the start is an RFC 3339 instant.
    ///
    /// **Queue order: the scenario's `queue` wins over the run option** `queue`. A scenario
    /// is a what-if over the run, so two scenarios can compare disciplines under the same
    /// run options; the run option is the order for scenarios that do not give one, and
    /// first come, first served is the order when neither does (see
    /// [`SimConfig::for_scenario`], which [`compare`](crate::sim::compare) applies to each
    /// scenario by the same rule).
    pub fn resolve(&self, scenario_queue: Option<Discipline>) -> Result<SimConfig, SimOptionError> {
        let d = SimConfig::default();
        let start =
            match &self.start {
                Some(text) => Some(crate::time::business::parse_instant(text).map_err(
                    |reason| SimOptionError::Start {
                        value: text.clone(),
                        reason,
                    },
                )?),
                None => None,
            };
        let cfg = SimConfig {
            start,
            horizon: self.horizon.unwrap_or(d.horizon),
            warmup: self.warmup.unwrap_or(d.warmup),
            seed: self.seed.unwrap_or(d.seed),
            replications: self.replications.unwrap_or(DEFAULT_REPLICATIONS),
            resolution: self.resolution.unwrap_or(d.resolution),
            discipline: self.queue.unwrap_or(d.discipline),
            limits: d.limits,
            event_log: self.event_log,
        };
        cfg.check()?;
        Ok(cfg.for_scenario(scenario_queue))
    }
}

impl SimConfig {
    /// The configuration for a scenario whose own queue order is `scenario_queue`: the
    /// scenario's order wins over the run's (see [`SimOptions::resolve`]).
    #[must_use]
    pub fn for_scenario(self, scenario_queue: Option<Discipline>) -> SimConfig {
        SimConfig {
            discipline: scenario_queue.unwrap_or(self.discipline),
            ..self
        }
    }

    /// Whether the configuration keeps the rules of [`SimOptions::resolve`] (horizon,
    /// warm-up, replications, resolution); [`simulate`](crate::sim::simulate) checks this
    /// for configurations built by hand.
    pub fn check(&self) -> Result<(), SimOptionError> {
        if self.horizon < MIN_STEP || self.horizon > MAX_HORIZON {
            return Err(SimOptionError::Horizon {
                value: self.horizon,
            });
        }
        if self.warmup >= self.horizon {
            return Err(SimOptionError::Warmup {
                value: self.warmup,
                horizon: self.horizon,
            });
        }
        if !(1..=MAX_REPLICATIONS).contains(&self.replications) {
            return Err(SimOptionError::Replications {
                value: self.replications,
            });
        }
        if self.resolution < MIN_STEP {
            return Err(SimOptionError::Resolution {
                value: self.resolution,
            });
        }
        Ok(())
    }

    /// The buckets of one queue series: ⌈horizon ÷ resolution⌉ (a resolution of zero
    /// counts as one second, so this never divides by zero).
    pub fn buckets(&self) -> u64 {
        self.horizon
            .as_secs()
            .div_ceil(self.resolution.as_secs().max(1))
    }

    /// An upper bound on the time-series points a run of this configuration stores for a
    /// workflow with `roles` roles and `rules` SLA rules:
    ///
    /// ```text
    /// points = (replications + 1) × roles × ⌈horizon ÷ resolution⌉
    ///        + replications × (rules + 1) × 168
    /// ```
    ///
    /// Each replication keeps a queue-length series per role of ⌈horizon ÷ resolution⌉
    /// buckets, and the overview one more per role across replications (the `+ 1`); each
    /// replication also counts arrivals and each rule's breaches by weekday and hour of
    /// arrival (168 each). A `compare` run stores two such runs. The arithmetic saturates
    /// rather than overflowing.
    pub fn series_points(&self, roles: usize, rules: usize) -> u64 {
        let reps = u64::from(self.replications);
        let roles = u64::try_from(roles).unwrap_or(u64::MAX);
        let rules = u64::try_from(rules).unwrap_or(u64::MAX);
        let queues = reps
            .saturating_add(1)
            .saturating_mul(roles)
            .saturating_mul(self.buckets());
        let counts = reps
            .saturating_mul(rules.saturating_add(1))
            .saturating_mul(WEEK_HOURS);
        queues.saturating_add(counts)
    }

    /// Whether a run of this configuration over a workflow with `roles` roles and `rules`
    /// SLA rules stays within [`MAX_SERIES_POINTS`] ([`SimConfig::series_points`]); check
    /// it before simulating, as it allocates nothing.
    pub fn check_series(&self, roles: usize, rules: usize) -> Result<(), SimOptionError> {
        let points = self.series_points(roles, rules);
        if points > MAX_SERIES_POINTS {
            return Err(SimOptionError::SeriesPoints {
                points,
                replications: self.replications,
                roles: u64::try_from(roles).unwrap_or(u64::MAX),
                rules: u64::try_from(rules).unwrap_or(u64::MAX),
                buckets: self.buckets(),
            });
        }
        Ok(())
    }
}

/// Why a simulation stopped without results.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The workflow has structural errors (SLA feasibility findings do not count): the
    /// error diagnostics, each with its place.
    #[error("the workflow has {} error(s){}; run `check` and fix them first", .0.len(), .0.first().map(|d| format!(" (the first: {})", d.message)).unwrap_or_default())]
    Invalid(Vec<crate::analysis::diagnostic::Diagnostic>),
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
    /// The configuration breaks a rule of the run options.
    #[error(transparent)]
    Options(#[from] SimOptionError),
    /// The guards could not be compiled.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// A scenario does not fit the workflow.
    #[error(transparent)]
    Scenario(#[from] crate::sim::scenario::ScenarioError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_points_follow_the_documented_formula() {
        let cfg = SimConfig {
            replications: 200,
            horizon: Duration::from_hours(70 * 24),
            resolution: Duration::from_mins(1),
            ..SimConfig::default()
        };
        assert_eq!(cfg.buckets(), 100_800);
        // (200 + 1) × 3 × 100,800 + 200 × (2 + 1) × 168.
        assert_eq!(cfg.series_points(3, 2), 201 * 3 * 100_800 + 200 * 3 * 168);
        let e = cfg.check_series(1, 0).unwrap_err();
        assert_eq!(e.field(), "resolution");
        let text = e.to_string();
        assert!(text.contains("over the limit of 4000000"), "{text}");
        assert!(text.contains("(200 + 1) × 1 × 100800"), "{text}");
        // The default run of a large workflow is well within the limit.
        assert_eq!(SimConfig::default().check_series(100, 100), Ok(()));
        // Nothing overflows, however many roles.
        assert_eq!(cfg.series_points(usize::MAX, usize::MAX), u64::MAX);
    }

    fn options(json: &str) -> SimOptions {
        crate::model::workflow::parse_json(json).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn no_options_give_the_defaults() {
        let cfg = SimOptions::default().resolve(None).unwrap();
        assert_eq!(cfg.horizon, Duration::from_hours(7 * 24));
        assert_eq!(cfg.warmup, Duration::ZERO);
        assert_eq!(cfg.seed, 1);
        assert_eq!(cfg.replications, DEFAULT_REPLICATIONS);
        assert_eq!(cfg.resolution, Duration::from_hours(1));
        assert_eq!(cfg.discipline, Discipline::Fifo);
        assert_eq!(cfg.start, None);
        assert!(!cfg.event_log);
    }

    #[test]
    fn every_option_is_read() {
        let cfg = options(
            r#"{"horizon": "30d", "warmup": "1d", "seed": 7, "replications": 20,
                "start": "2026-01-05T00:00:00-05:00", "resolution": "15m",
                "queue": "earliest-deadline", "event_log": true}"#,
        )
        .resolve(None)
        .unwrap();
        assert_eq!(cfg.horizon, Duration::from_hours(30 * 24));
        assert_eq!(cfg.warmup, Duration::from_hours(24));
        assert_eq!(cfg.seed, 7);
        assert_eq!(cfg.replications, 20);
        assert_eq!(
            cfg.start.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-01-05T05:00:00+00:00")
        );
        assert_eq!(cfg.resolution, Duration::from_mins(15));
        assert_eq!(cfg.discipline, Discipline::EarliestDeadline);
        assert!(cfg.event_log);
    }

    #[test]
    fn the_scenarios_queue_wins_over_the_run_option() {
        use Discipline::{EarliestDeadline, Fifo};
        let run = |queue| SimOptions {
            queue,
            ..SimOptions::default()
        };
        let order = |o: SimOptions, scenario| o.resolve(scenario).unwrap().discipline;
        // The scenario's order wins, whichever the run option is.
        assert_eq!(
            order(run(Some(Fifo)), Some(EarliestDeadline)),
            EarliestDeadline
        );
        assert_eq!(order(run(Some(EarliestDeadline)), Some(Fifo)), Fifo);
        // A scenario without an order takes the run's.
        assert_eq!(order(run(Some(EarliestDeadline)), None), EarliestDeadline);
        // Neither: first come, first served.
        assert_eq!(order(run(None), None), Fifo);
        // The same rule for a configuration already resolved (what `compare` applies).
        let cfg = run(Some(Fifo)).resolve(None).unwrap();
        assert_eq!(
            cfg.clone().for_scenario(Some(EarliestDeadline)).discipline,
            EarliestDeadline
        );
        assert_eq!(cfg.for_scenario(None).discipline, Fifo);
    }

    #[test]
    fn a_resolution_under_a_minute_is_rejected_not_rounded() {
        let e = options(r#"{"resolution": "30s"}"#)
            .resolve(None)
            .unwrap_err();
        assert_eq!(
            e,
            SimOptionError::Resolution {
                value: Duration::from_secs(30)
            }
        );
        assert_eq!(e.field(), "resolution");
        assert_eq!(
            e.to_string(),
            "resolution: 30s is under a minute; expected at least 1m"
        );
        assert!(options(r#"{"resolution": "1m"}"#).resolve(None).is_ok());
    }

    #[test]
    fn the_horizon_is_a_minute_to_ten_years() {
        for (text, secs) in [("59s", 59), ("3661d", 3661 * 86_400)] {
            let e = options(&format!(r#"{{"horizon": "{text}"}}"#))
                .resolve(None)
                .unwrap_err();
            assert_eq!(
                e,
                SimOptionError::Horizon {
                    value: Duration::from_secs(secs)
                }
            );
            assert_eq!(e.field(), "horizon");
            assert_eq!(
                e.to_string(),
                format!("horizon: {text} is out of range; expected from 1m to 3660d")
            );
        }
        for ok in ["1m", "3660d"] {
            let json = format!(r#"{{"horizon": "{ok}", "replications": 1}}"#);
            assert!(options(&json).resolve(None).is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_warmup_is_shorter_than_the_horizon() {
        let e = options(r#"{"horizon": "1h", "warmup": "1h"}"#)
            .resolve(None)
            .unwrap_err();
        assert_eq!(
            e,
            SimOptionError::Warmup {
                value: Duration::from_hours(1),
                horizon: Duration::from_hours(1)
            }
        );
        assert_eq!(e.field(), "warmup");
        assert_eq!(
            e.to_string(),
            "warmup: 1h is not shorter than the horizon (1h); expected a warm-up shorter than \
             the run"
        );
        assert!(
            options(r#"{"horizon": "1h", "warmup": "59m"}"#)
                .resolve(None)
                .is_ok()
        );
    }

    #[test]
    fn replications_are_one_to_a_thousand() {
        for n in [0, 1001] {
            let e = SimOptions {
                replications: Some(n),
                ..SimOptions::default()
            }
            .resolve(None)
            .unwrap_err();
            assert_eq!(e, SimOptionError::Replications { value: n });
            assert_eq!(e.field(), "replications");
            assert_eq!(
                e.to_string(),
                format!("replications: {n} is out of range; expected 1 to 1000")
            );
        }
        for n in [1, 1000] {
            let o = SimOptions {
                replications: Some(n),
                ..SimOptions::default()
            };
            assert_eq!(o.resolve(None).map(|c| c.replications), Ok(n));
        }
    }

    #[test]
    fn the_start_is_an_rfc3339_instant() {
        let e = options(r#"{"start": "soon"}"#).resolve(None).unwrap_err();
        assert!(
            matches!(&e, SimOptionError::Start { value, .. } if value == "soon"),
            "{e:?}"
        );
        assert_eq!(e.field(), "start");
        assert!(
            e.to_string()
                .starts_with("start: \"soon\" is not an RFC 3339 timestamp like "),
            "{e}"
        );
    }

    #[test]
    fn a_configuration_built_by_hand_is_checked_by_the_same_rules() {
        let cfg = SimConfig {
            resolution: Duration::from_secs(10),
            ..SimConfig::default()
        };
        assert_eq!(
            cfg.check(),
            Err(SimOptionError::Resolution {
                value: Duration::from_secs(10)
            })
        );
        assert_eq!(SimConfig::default().check(), Ok(()));
    }
}
