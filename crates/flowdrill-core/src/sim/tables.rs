//! The tables one simulation run needs besides the compiled workflow: calendars as open
//! intervals in milliseconds from the run's start with running totals (so business-time
//! arithmetic is a binary search), wait release instants and arrival rates over the run.

use chrono::{DateTime, Datelike, TimeDelta, Utc};

use crate::engine::compiled::Compiled;
use crate::model::NodeKind;
use crate::model::WaitFor;
use crate::model::workflow::Workflow;
use crate::time::business::release_points;
use crate::time::calendar::Calendar;
use crate::time::clock::{Millis, OpenTime, millis};

/// A calendar as open intervals in milliseconds from the run's start, with running totals.
#[derive(Debug, Clone)]
pub struct CalTable {
    starts: Vec<Millis>,
    ends: Vec<Millis>,
    /// Open time before each interval.
    before: Vec<Millis>,
}

impl CalTable {
    /// The open intervals of `cal` from a day before `origin` to `days` days after it.
    pub fn build(cal: &Calendar, origin: DateTime<Utc>, days: u32) -> Self {
        let tz = cal.tz();
        let first = origin
            .with_timezone(&tz)
            .date_naive()
            .pred_opt()
            .unwrap_or(origin.date_naive());
        let mut t = CalTable {
            starts: Vec::new(),
            ends: Vec::new(),
            before: Vec::new(),
        };
        let mut total = 0;
        let holidays = cal.holiday_set();
        for i in 0..u64::from(days) + 2 {
            let Some(date) = first.checked_add_days(chrono::Days::new(i)) else {
                break;
            };
            for (a, b) in cal.intervals_of_date_in(&holidays, date) {
                let (a, b) = (since(origin, a), since(origin, b));
                t.starts.push(a);
                t.ends.push(b);
                t.before.push(total);
                total += b - a;
            }
        }
        t
    }

    /// Open time before `x`.
    fn level(&self, x: Millis) -> Millis {
        let i = self.ends.partition_point(|e| *e <= x);
        let full = self.before.get(i).copied().unwrap_or_else(|| self.total());
        match (self.starts.get(i), self.before.get(i)) {
            (Some(s), Some(b)) if x > *s => b + (x - s),
            _ => full,
        }
    }

    fn total(&self) -> Millis {
        match (self.before.last(), self.starts.last(), self.ends.last()) {
            (Some(b), Some(s), Some(e)) => b + (e - s),
            _ => 0,
        }
    }

    /// The first instant at or after `x` when the calendar is open (None past the table).
    pub fn next_open(&self, x: Millis) -> Option<Millis> {
        let i = self.ends.partition_point(|e| *e <= x);
        self.starts.get(i).map(|s| (*s).max(x))
    }

    /// The instant when `work` of open time has passed since `x` (None past the table).
    /// Reaching the amount exactly at a close gives the close.
    pub fn add(&self, x: Millis, work: Millis) -> Option<Millis> {
        if work <= 0 {
            return Some(x);
        }
        let target = self.level(x).checked_add(work)?;
        // The first interval whose running total at its start reaches the target; the
        // target falls in the one before it.
        let i = self.before.partition_point(|b| *b < target);
        let k = i.checked_sub(1)?;
        let (s, b, e) = (
            *self.starts.get(k)?,
            *self.before.get(k)?,
            *self.ends.get(k)?,
        );
        let t = s + (target - b);
        (t <= e).then_some(t)
    }

    /// Open time between two instants.
    pub fn between(&self, a: Millis, b: Millis) -> Millis {
        if b <= a {
            0
        } else {
            self.level(b) - self.level(a)
        }
    }
}

fn since(origin: DateTime<Utc>, t: DateTime<Utc>) -> Millis {
    (t - origin).num_milliseconds()
}

/// A calendar for a run: around the clock, or a table.
#[derive(Debug, Clone)]
pub enum Clock {
    /// Elapsed time.
    Always,
    /// Business time from a table.
    Table(CalTable),
}

impl Clock {
    /// The next instant at or after `x` when work can happen (`None`: not within the run).
    #[inline]
    pub fn next_open(&self, x: Millis) -> Option<Millis> {
        match self {
            Clock::Always => Some(x),
            Clock::Table(t) => t.next_open(x),
        }
    }
}

impl OpenTime for Clock {
    #[inline]
    fn between(&self, a: Millis, b: Millis) -> Millis {
        match self {
            Clock::Always => (b - a).max(0),
            Clock::Table(t) => t.between(a, b),
        }
    }
    #[inline]
    fn after(&self, from: Millis, amount: Millis) -> Option<Millis> {
        match self {
            Clock::Always => from.checked_add(amount.max(0)),
            Clock::Table(t) => t.add(from, amount),
        }
    }
}

/// What a wait node waits for in a run.
#[derive(Debug, Clone)]
pub enum CWait {
    /// A fixed delay.
    Delay(Millis),
    /// Release instants from the start (a point in the week, or a batch).
    Points {
        /// The instants, in order.
        at: Vec<Millis>,
        /// All waiting cases leave together (a batch) rather than each at its own next point.
        batch: bool,
    },
}

/// How a start node's cases arrive in a run.
#[derive(Debug, Clone)]
pub enum CArrivals {
    /// No arrivals.
    None,
    /// Poisson: rate per second in segments `(end in seconds, rate)`, in order.
    Poisson(Vec<(f64, f64)>),
    /// Fixed instants, each bringing `count` cases.
    Schedule(Vec<Millis>, u32),
}

/// Everything about one run's time that the compiled workflow leaves out.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Each workflow calendar, in order.
    pub clocks: Vec<Clock>,
    /// Each node's wait (None for other nodes).
    pub waits: Vec<Option<CWait>>,
    /// Each start node's arrivals, in the order of [`Compiled::starts`].
    pub arrivals: Vec<CArrivals>,
}

impl Tables {
    /// The tables for a run starting at `origin` and lasting `days` days (calendars and
    /// waits reach a further 60 days for work and deadlines that run over).
    pub fn new(w: &Workflow, c: &Compiled, origin: DateTime<Utc>, days: u32) -> Tables {
        let span = days + 60;
        let clocks = w
            .calendars
            .values()
            .map(|cal| {
                if cal.is_always_open() {
                    Clock::Always
                } else {
                    Clock::Table(CalTable::build(cal, origin, span))
                }
            })
            .collect();
        let zone_of = |cal: &Option<String>| w.zone_of(cal.as_deref());
        let waits = c
            .node_ix
            .iter()
            .map(|ix| match &w.node(*ix).kind {
                NodeKind::Wait { wait, calendar } => Some(match wait {
                    WaitFor::Delay(d) => CWait::Delay(millis(*d)),
                    _ => CWait::Points {
                        at: release_points(wait, zone_of(calendar), origin, span)
                            .map(|t| since(origin, t))
                            .collect(),
                        batch: matches!(wait, WaitFor::Batch(_)),
                    },
                }),
                _ => None,
            })
            .collect();
        let arrivals = c
            .starts
            .iter()
            .map(|n| {
                let Some(ix) = c.node_ix.get(*n as usize) else {
                    return CArrivals::None;
                };
                let NodeKind::Start {
                    arrivals: Some(a), ..
                } = &w.node(*ix).kind
                else {
                    return CArrivals::None;
                };
                let tz = zone_of(&a.calendar);
                match (&a.rate, &a.schedule) {
                    (Some(rate), _) => {
                        CArrivals::Poisson(poisson_segments(a, rate.per_hour(), tz, origin, days))
                    }
                    (None, Some(b)) => CArrivals::Schedule(
                        release_points(&WaitFor::Batch(b.clone()), tz, origin, days)
                            .map(|t| since(origin, t))
                            .collect(),
                        a.count,
                    ),
                    _ => CArrivals::None,
                }
            })
            .collect();
        Tables {
            clocks,
            waits,
            arrivals,
        }
    }
}

/// Poisson rate segments `(end, rate per second)` hour by hour over the run, with the
/// profile (in `tz`) and surges applied; consecutive equal rates are merged.
fn poisson_segments(
    a: &crate::model::arrivals::Arrivals,
    per_hour: f64,
    tz: chrono_tz::Tz,
    origin: DateTime<Utc>,
    days: u32,
) -> Vec<(f64, f64)> {
    let mult = a.hour_multipliers();
    let mut out: Vec<(f64, f64)> = Vec::new();
    let hours = u64::from(days) * 24;
    for h in 0..hours {
        let t = origin + TimeDelta::hours(h as i64);
        let local = t.with_timezone(&tz);
        let how =
            (local.weekday().num_days_from_monday() * 24 + chrono::Timelike::hour(&local)) as usize;
        let mut rate = per_hour / 3600.0 * mult.get(how).copied().unwrap_or(1.0);
        let mid = t + TimeDelta::minutes(30);
        for s in &a.surges {
            if s.from <= mid && mid < s.to {
                rate *= s.factor;
            }
        }
        let end = (h + 1) as f64 * 3600.0;
        match out.last_mut() {
            Some(last) if last.1 == rate => last.0 = end,
            _ => out.push((end, rate)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_tables_agree_with_the_exact_arithmetic() {
        let cal: Calendar = serde_json::from_str(
            r#"{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "12:00"], ["13:00", "17:00"]]},
                "holidays": ["2026-03-10"]}"#,
        )
        .unwrap();
        let origin = crate::time::business::parse_instant("2026-03-02T00:00:00-05:00").unwrap();
        let table = CalTable::build(&cal, origin, 30);
        let exact = crate::time::clock::Exact {
            calendar: &cal,
            origin,
        };
        for (start_h, work_h) in [
            (0.0, 1.0),
            (10.5, 2.0),
            (16.9, 0.5),
            (100.0, 20.0),
            (150.0, 9.0),
        ] {
            let x = (start_h * 3_600_000.0) as Millis;
            let work = (work_h * 3_600_000.0) as Millis;
            let t = table.add(x, work).unwrap();
            assert_eq!(
                Some(t),
                exact.after(x, work),
                "start {start_h}h work {work_h}h"
            );
            assert_eq!(table.between(x, t), work);
            assert_eq!(exact.between(x, t), work);
        }
    }
}
