//! How cases arrive at a start node, for simulation.
//!
//! ```json
//! "arrivals": {
//!   "rate": "40/h",
//!   "profile": { "mon-fri 09:00-18:00": 2.5, "sat,sun": 0.6, "daily 00:00-07:00": 0.3 },
//!   "surges": [ { "from": "2026-01-08T12:00:00-05:00", "to": "2026-01-08T18:00:00-05:00", "factor": 6 } ],
//!   "calendar": "desk"
//! }
//! "arrivals": { "schedule": { "every": "daily", "at": "10:00" }, "count": 3 }
//! ```
//!
//! A `rate` is a Poisson process (`"N/m"`, `"N/h"`, `"N/d"`, `"N/w"`), multiplied hour by
//! hour of the week by the `profile` (keys are days, optionally with whole-hour intervals;
//! later keys override earlier ones; unlisted hours keep 1) and within each surge window by
//! its `factor`. A `schedule` brings `count` cases at each point of a daily, weekly or monthly
//! schedule instead. Profile and schedule times are local to `calendar`'s time zone (the
//! workflow's first calendar when not given, UTC without calendars).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::Batch;
use crate::time::calendar::{Days, Interval, string_serde};

/// A rate of arrivals, stored per hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    per_hour: f64,
    unit: char,
}

impl Rate {
    /// Arrivals per hour.
    pub fn per_hour(self) -> f64 {
        self.per_hour
    }

    /// A rate of `n` arrivals per hour.
    pub fn hourly(n: f64) -> Self {
        Rate {
            per_hour: n,
            unit: 'h',
        }
    }
}

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let fail = || {
            format!(
                "\"{s}\" is not a rate; expected a number per unit like \"40/h\", \"1/m\", \"300/d\" or \"50/w\""
            )
        };
        let (n, unit) = s.trim().split_once('/').ok_or_else(fail)?;
        let n = crate::model::value::parse_decimal(n.trim()).ok_or_else(fail)?;
        if !n.is_finite() || n < 0.0 {
            return Err(fail());
        }
        let (per_hour, u) = match unit.trim() {
            "m" | "min" => (n * 60.0, 'm'),
            "h" => (n, 'h'),
            "d" => (n / 24.0, 'd'),
            "w" => (n / 168.0, 'w'),
            _ => return Err(fail()),
        };
        Ok(Rate { per_hour, unit: u })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = match self.unit {
            'm' => self.per_hour / 60.0,
            'd' => self.per_hour * 24.0,
            'w' => self.per_hour * 168.0,
            _ => self.per_hour,
        };
        write!(f, "{}/{}", crate::model::value::Value::Number(n), self.unit)
    }
}

string_serde!(Rate, "a rate like \"40/h\"");

/// A window in which arrivals are multiplied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawSurge", into = "RawSurge")]
pub struct Surge {
    /// Start of the window.
    pub from: DateTime<Utc>,
    /// End of the window.
    pub to: DateTime<Utc>,
    /// The multiplier.
    pub factor: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurge {
    from: String,
    to: String,
    factor: f64,
}

impl TryFrom<RawSurge> for Surge {
    type Error = String;
    fn try_from(r: RawSurge) -> Result<Self, String> {
        let from = crate::time::business::parse_instant(&r.from)?;
        let to = crate::time::business::parse_instant(&r.to)?;
        if to <= from {
            return Err(format!(
                "a surge must end after it starts; got {} to {}",
                r.from, r.to
            ));
        }
        if !r.factor.is_finite() || r.factor < 0.0 {
            return Err(format!(
                "a surge factor must be a number >= 0; got {}",
                crate::model::value::Num(r.factor)
            ));
        }
        Ok(Surge {
            from,
            to,
            factor: r.factor,
        })
    }
}

impl From<Surge> for RawSurge {
    fn from(s: Surge) -> Self {
        RawSurge {
            from: s.from.to_rfc3339(),
            to: s.to.to_rfc3339(),
            factor: s.factor,
        }
    }
}

/// How cases arrive at a start node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawArrivals", into = "RawArrivals")]
pub struct Arrivals {
    /// A Poisson rate (exclusive with `schedule`).
    pub rate: Option<Rate>,
    /// Hour-of-week multipliers as written: (days, hours or whole day, multiplier).
    pub profile: Vec<(Days, Option<Interval>, f64)>,
    /// Surge windows.
    pub surges: Vec<Surge>,
    /// A fixed schedule (exclusive with `rate`).
    pub schedule: Option<Batch>,
    /// Cases per schedule point.
    pub count: u32,
    /// The calendar whose time zone profile and schedule times are read in.
    pub calendar: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArrivals {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate: Option<Rate>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    profile: IndexMap<String, f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    surges: Vec<Surge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schedule: Option<Batch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
}

impl TryFrom<RawArrivals> for Arrivals {
    type Error = String;
    fn try_from(r: RawArrivals) -> Result<Self, String> {
        match (&r.rate, &r.schedule) {
            (Some(_), Some(_)) => {
                return Err("give either \"rate\" or \"schedule\", not both".into());
            }
            (None, None) => {
                return Err("arrivals need a \"rate\" (like \"40/h\") or a \"schedule\"".into());
            }
            _ => {}
        }
        if r.schedule.is_some() && (!r.profile.is_empty() || !r.surges.is_empty()) {
            return Err(
                "\"profile\" and \"surges\" apply to a \"rate\", not to a \"schedule\"".into(),
            );
        }
        if r.rate.is_some() && r.count.is_some() {
            return Err("\"count\" applies to a \"schedule\", not to a \"rate\"".into());
        }
        let mut profile = Vec::new();
        for (key, m) in &r.profile {
            if !m.is_finite() || *m < 0.0 {
                return Err(format!(
                    "profile \"{key}\": a multiplier must be a number >= 0"
                ));
            }
            let (days, hours) = match key.trim().split_once(' ') {
                Some((d, h)) => (d, Some(h)),
                None => (key.trim(), None),
            };
            let days: Days = days
                .parse()
                .map_err(|e| format!("profile \"{key}\": {e}"))?;
            let hours = match hours {
                None => None,
                Some(h) => {
                    let iv: Interval = h
                        .trim()
                        .parse()
                        .map_err(|e| format!("profile \"{key}\": {e}"))?;
                    if !iv.start.minutes().is_multiple_of(60)
                        || !iv.end.minutes().is_multiple_of(60)
                    {
                        return Err(format!(
                            "profile \"{key}\": use whole hours, like \"09:00-17:00\""
                        ));
                    }
                    Some(iv)
                }
            };
            profile.push((days, hours, *m));
        }
        Ok(Arrivals {
            rate: r.rate,
            profile,
            surges: r.surges,
            schedule: r.schedule,
            count: r.count.unwrap_or(1),
            calendar: r.calendar,
        })
    }
}

impl From<Arrivals> for RawArrivals {
    fn from(a: Arrivals) -> Self {
        RawArrivals {
            rate: a.rate,
            profile: a
                .profile
                .into_iter()
                .map(|(d, h, m)| (h.map_or(d.to_string(), |h| format!("{d} {h}")), m))
                .collect(),
            surges: a.surges,
            count: a.schedule.as_ref().map(|_| a.count).filter(|c| *c != 1),
            schedule: a.schedule,
            calendar: a.calendar,
        }
    }
}

impl Arrivals {
    /// A plain Poisson process.
    pub fn poisson(rate: Rate) -> Self {
        Arrivals {
            rate: Some(rate),
            profile: Vec::new(),
            surges: Vec::new(),
            schedule: None,
            count: 1,
            calendar: None,
        }
    }

    /// The multiplier of each hour of the week, Monday 00:00 first.
    pub fn hour_multipliers(&self) -> [f64; 168] {
        let mut out = [1.0; 168];
        for (days, hours, m) in &self.profile {
            for d in 0..7u32 {
                let wd = weekday(d);
                if !days.contains(wd) {
                    continue;
                }
                let (from, len) = match hours {
                    None => (0u32, 24u32),
                    Some(iv) => {
                        let s = u32::from(iv.start.minutes()) / 60;
                        (s, iv.nominal_minutes() / 60)
                    }
                };
                for k in 0..len {
                    let h = (d * 24 + from + k) % 168;
                    if let Some(slot) = out.get_mut(h as usize) {
                        *slot = *m;
                    }
                }
            }
        }
        out
    }
}

fn weekday(i: u32) -> chrono::Weekday {
    use chrono::Weekday::*;
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun][(i % 7) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!("1/m".parse::<Rate>().unwrap().per_hour(), 60.0);
        assert_eq!("48/d".parse::<Rate>().unwrap().per_hour(), 2.0);
        assert_eq!("40/h".parse::<Rate>().unwrap().to_string(), "40/h");
        assert!("fast".parse::<Rate>().is_err());
        assert!("-1/h".parse::<Rate>().is_err());
        assert!("3/y".parse::<Rate>().is_err());
    }

    #[test]
    fn profiles_cover_hours_of_the_week() {
        let a: Arrivals = serde_json::from_str(
            r#"{"rate": "10/h", "profile": {"mon-fri 09:00-17:00": 2, "sat,sun": 0.5, "fri 22:00-02:00": 3}}"#,
        )
        .unwrap();
        let m = a.hour_multipliers();
        assert_eq!(m[9], 2.0); // Monday 09:00
        assert_eq!(m[8], 1.0);
        assert_eq!(m[4 * 24 + 22], 3.0); // Friday 22:00
        assert_eq!(m[5 * 24 + 1], 3.0); // Saturday 01:00, the Friday night run
        assert_eq!(m[5 * 24 + 3], 0.5);
        assert!(
            serde_json::from_str::<Arrivals>(
                r#"{"rate": "1/h", "profile": {"mon 09:30-10:00": 2}}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<Arrivals>(
                r#"{"rate": "1/h", "schedule": {"every": "daily", "at": "10:00"}}"#
            )
            .is_err()
        );
    }
}
