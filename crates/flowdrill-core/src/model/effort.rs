//! How long a task takes: a fixed time or a distribution, for the simulator.
//!
//! ```json
//! "effort": "20m"
//! "effort": { "exponential": { "mean": "15m" } }
//! "effort": { "lognormal": { "mean": "20m", "sd": "10m" } }
//! "effort": { "triangular": { "min": "5m", "mode": "10m", "max": "45m" } }
//! "effort": { "uniform": { "min": "5m", "max": "15m" } }
//! "effort": { "empirical": ["4m", "6m", "6m", "11m"] }
//! ```

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::model::duration::Duration;
use crate::model::error::unknown_word_message;

/// The work time of a task.
#[derive(Debug, Clone, PartialEq)]
pub enum Effort {
    /// Always the same time.
    Fixed(Duration),
    /// Exponentially distributed with the given mean.
    Exponential {
        /// Mean work time.
        mean: Duration,
    },
    /// Log-normally distributed with the given mean and standard deviation.
    Lognormal {
        /// Mean work time.
        mean: Duration,
        /// Standard deviation of the work time.
        sd: Duration,
    },
    /// Triangular between `min` and `max`, most likely `mode`.
    Triangular {
        /// Shortest time.
        min: Duration,
        /// Most likely time.
        mode: Duration,
        /// Longest time.
        max: Duration,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// Shortest time.
        min: Duration,
        /// Longest time.
        max: Duration,
    },
    /// Drawn from a list of observed work times.
    Empirical(Vec<Duration>),
}

/// The distribution names accepted in `effort`.
pub const DISTRIBUTIONS: &[&str] = &[
    "fixed",
    "exponential",
    "lognormal",
    "triangular",
    "uniform",
    "empirical",
];

impl Effort {
    /// The expected work time.
    pub fn mean(&self) -> Duration {
        let secs = match self {
            Effort::Fixed(d) => d.as_secs() as f64,
            Effort::Exponential { mean } | Effort::Lognormal { mean, .. } => mean.as_secs() as f64,
            Effort::Triangular { min, mode, max } => {
                (min.as_secs() + mode.as_secs() + max.as_secs()) as f64 / 3.0
            }
            Effort::Uniform { min, max } => (min.as_secs() + max.as_secs()) as f64 / 2.0,
            Effort::Empirical(xs) => {
                xs.iter().map(|d| d.as_secs() as f64).sum::<f64>() / xs.len().max(1) as f64
            }
        };
        Duration::from_secs(secs.round() as u64)
    }
}

impl fmt::Display for Effort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effort::Fixed(d) => write!(f, "{d}"),
            Effort::Exponential { mean } => write!(f, "exponential(mean {mean})"),
            Effort::Lognormal { mean, sd } => write!(f, "lognormal(mean {mean}, sd {sd})"),
            Effort::Triangular { min, mode, max } => write!(f, "triangular({min}, {mode}, {max})"),
            Effort::Uniform { min, max } => write!(f, "uniform({min}, {max})"),
            Effort::Empirical(xs) => write!(f, "empirical({} observations)", xs.len()),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeanP {
    mean: Duration,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeanSdP {
    mean: Duration,
    sd: Duration,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriP {
    min: Duration,
    mode: Duration,
    max: Duration,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeP {
    min: Duration,
    max: Duration,
}

impl Serialize for Effort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Effort::Fixed(d) = self {
            return d.serialize(s);
        }
        let mut m = s.serialize_map(Some(1))?;
        match self {
            Effort::Fixed(_) => {}
            Effort::Exponential { mean } => {
                m.serialize_entry("exponential", &MeanP { mean: *mean })?
            }
            Effort::Lognormal { mean, sd } => m.serialize_entry(
                "lognormal",
                &MeanSdP {
                    mean: *mean,
                    sd: *sd,
                },
            )?,
            Effort::Triangular { min, mode, max } => m.serialize_entry(
                "triangular",
                &TriP {
                    min: *min,
                    mode: *mode,
                    max: *max,
                },
            )?,
            Effort::Uniform { min, max } => m.serialize_entry(
                "uniform",
                &RangeP {
                    min: *min,
                    max: *max,
                },
            )?,
            Effort::Empirical(xs) => m.serialize_entry("empirical", xs)?,
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Effort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EffortVisitor)
    }
}

struct EffortVisitor;

impl<'de> Visitor<'de> for EffortVisitor {
    type Value = Effort;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a duration like \"20m\" or a distribution like {\"exponential\": {\"mean\": \"15m\"}}",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Effort, E> {
        Duration::parse_bounded(v)
            .map(Effort::Fixed)
            .map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Effort, A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!(
                "empty effort; expected one distribution: {}",
                DISTRIBUTIONS.join(", ")
            )));
        };
        let effort = match name.as_str() {
            "fixed" => Effort::Fixed(map.next_value()?),
            "exponential" => Effort::Exponential {
                mean: map.next_value::<MeanP>()?.mean,
            },
            "lognormal" => {
                let p: MeanSdP = map.next_value()?;
                if p.mean == Duration::ZERO {
                    return Err(de::Error::custom(
                        "a lognormal effort needs a mean above zero",
                    ));
                }
                Effort::Lognormal {
                    mean: p.mean,
                    sd: p.sd,
                }
            }
            "triangular" => {
                let p: TriP = map.next_value()?;
                if !(p.min <= p.mode && p.mode <= p.max) {
                    return Err(de::Error::custom(format!(
                        "a triangular effort needs min <= mode <= max; got {}, {}, {}",
                        p.min, p.mode, p.max
                    )));
                }
                Effort::Triangular {
                    min: p.min,
                    mode: p.mode,
                    max: p.max,
                }
            }
            "uniform" => {
                let p: RangeP = map.next_value()?;
                if p.min > p.max {
                    return Err(de::Error::custom(format!(
                        "a uniform effort needs min <= max; got {} and {}",
                        p.min, p.max
                    )));
                }
                Effort::Uniform {
                    min: p.min,
                    max: p.max,
                }
            }
            "empirical" => {
                let xs: Vec<Duration> = map.next_value()?;
                if xs.is_empty() {
                    return Err(de::Error::custom(
                        "an empirical effort needs at least one observation",
                    ));
                }
                Effort::Empirical(xs)
            }
            other => {
                return Err(de::Error::custom(unknown_word_message(
                    "distribution",
                    other,
                    DISTRIBUTIONS,
                )));
            }
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "effort has one distribution, but \"{extra}\" follows \"{name}\""
            )));
        }
        Ok(effort)
    }
}
