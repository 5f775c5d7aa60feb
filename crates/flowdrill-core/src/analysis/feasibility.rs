//! SLA feasibility: can each route meet each SLA rule that applies to it, and when not?
//!
//! For every rule and every route whose cases the rule applies to, the route is put on
//! the calendar for arrivals at every hour of a reference week (the first week from
//! Monday 5 January 2026 in which no calendar of the workflow has a holiday), once with
//! the fastest work the effort distributions allow and once with typical (mean) work, in
//! each role's open hours and without queueing. The rule's clock then runs along it:
//!
//! - `sla-infeasible` (error): even the fastest work breaches the target for every arrival
//!   — e.g. a one-hour SLA on a route with ninety minutes of work — or cannot be timed: a
//!   task on the route cannot finish its work within the 100-year horizon of the calendar
//!   search while the rule's clock has not stopped (a clock that stops before that task is
//!   measured as usual);
//! - `sla-at-risk` (warning): typical work breaches it for every arrival;
//! - `sla-breach-window` (warning): typical work breaches it for arrivals in part of the
//!   week — e.g. a 24/7 SLA served by a 9–5 team, for posts arriving Friday night.

use chrono::{DateTime, NaiveDate, Utc};

use crate::analysis::diagnostic::{Diagnostic, Location};
use crate::analysis::route::{RouteRow, route_table};
use crate::analysis::space::{CaseSet, Space};
use crate::engine::compiled::Compiled;
use crate::model::duration::Duration;
use crate::model::workflow::Workflow;
use crate::time::business::resolve;
use crate::time::clock::ClockState;
use crate::time::timeline::{DeadlineCache, Pace, rule_time, run_route_partial};

/// Monday of the reference week: the first from 5 January 2026 with no holiday in any of
/// the workflow's calendars.
fn reference_monday(w: &Workflow) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let holidays: Vec<_> = w.calendars.values().map(|c| c.holiday_set()).collect();
    (0..52u64)
        .filter_map(|k| first.checked_add_days(chrono::Days::new(7 * k)))
        .find(|mon| {
            (0..7u64).all(|i| {
                mon.checked_add_days(chrono::Days::new(i))
                    .is_some_and(|d| holidays.iter().all(|h| !h.contains(d)))
            })
        })
        .unwrap_or(first)
}

#[derive(Clone, Copy)]
struct Outcome {
    met: bool,
    used: Duration,
    /// The clock had not stopped when the route reached a task whose work cannot be
    /// finished within the calendar's horizon (about 100 years): `met` is false and `used`
    /// unknown (zero).
    untimed: bool,
}

/// Why a route could not be timed to its end: (task id, why).
type Untimed = Option<(String, String)>;

/// Runs a route once for an arrival and measures every given rule on it (`None` for a rule
/// whose clock does not start on the route), with the task that could not be timed, if any.
///
/// A rule whose clock stopped before that task is measured as usual; one whose clock is
/// still running, paused or not yet started there is counted as not met (`untimed`).
fn measure(
    w: &Workflow,
    c: &Compiled,
    cache: &DeadlineCache,
    row: &RouteRow,
    rules: &[usize],
    arrival: DateTime<Utc>,
    pace: Pace,
) -> (Vec<Option<Outcome>>, Untimed) {
    let ids: Vec<u16> = rules.iter().map(|r| *r as u16).collect();
    let Ok((timed, untimed)) = run_route_partial(w, c, &row.route, &ids, arrival, pace, cache)
    else {
        return (vec![None; rules.len()], None);
    };
    let end = (timed.end - arrival).num_milliseconds();
    let outcomes = timed
        .clocks
        .iter()
        .map(|(r, run)| {
            let rule = w.slas.get(usize::from(*r))?;
            let state = run.state();
            if untimed.is_some() && !state.is_stopped() {
                return Some(Outcome {
                    met: false,
                    used: Duration::ZERO,
                    untimed: true,
                });
            }
            match state {
                ClockState::NotStarted | ClockState::Cancelled => None,
                state => {
                    let used = run.used_at(end, rule_time(w, rule, arrival).as_ref());
                    Some(Outcome {
                        met: state == ClockState::Met,
                        used: Duration::from_secs(u64::try_from(used / 1000).unwrap_or(0)),
                        untimed: false,
                    })
                }
            }
        })
        .collect();
    (outcomes, untimed.map(|(node, e)| (node, e.to_string())))
}

/// The sentence for a route that cannot be timed past a task.
fn untimed_text(untimed: &Untimed) -> String {
    match untimed {
        Some((node, why)) => format!(
            "the work of task \"{node}\" cannot be finished within the 100-year horizon ({why}), \
             so the rule's clock does not stop on this route within it"
        ),
        None => "the route's work cannot be finished within the 100-year horizon".to_string(),
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `Fri 17:00–Mon 09:00` style ranges for runs of breaching hours (hour 0 = Monday 00:00);
/// a run over the end of the week joins the one at its start.
fn windows(hours: &[bool]) -> String {
    let n = hours.len();
    let label = |h: usize| format!("{} {:02}:00", DAYS[(h / 24) % 7], h % 24);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut h = 0;
    while h < n {
        if !hours[h] {
            h += 1;
            continue;
        }
        let start = h;
        while h < n && hours[h] {
            h += 1;
        }
        runs.push((start, h - 1));
    }
    if runs.len() > 1
        && let (Some(&(0, first_end)), Some(&(last_start, last_end))) = (runs.first(), runs.last())
        && last_end + 1 == n
    {
        runs.remove(0);
        if let Some(last) = runs.last_mut() {
            *last = (last_start, first_end);
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                label(a)
            } else {
                format!("{}–{}", label(a), label(b))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// SLA feasibility diagnostics for a workflow (see the module documentation).
pub fn sla_feasibility(w: &Workflow) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if w.slas.is_empty() {
        return out;
    }
    let Ok(table) = route_table(w) else {
        return out;
    };
    let Ok(compiled) = Compiled::new(w) else {
        return out;
    };
    let space = Space::new(&w.attributes);
    let cache = DeadlineCache::default();
    // Arrivals on the hour through the reference week, in the workflow's first calendar's
    // zone (UTC without calendars); breach windows are reported in that zone.
    let tz = w.display_zone();
    let monday = reference_monday(w);
    let arrivals: Vec<DateTime<Utc>> = (0..168u32)
        .filter_map(|h| {
            let day = monday.checked_add_days(chrono::Days::new(u64::from(h / 24)))?;
            resolve(tz, day.and_hms_opt(h % 24, 0, 0)?)
        })
        .collect();
    let applies: Vec<Option<CaseSet>> = w
        .slas
        .iter()
        .map(|rule| match &rule.when {
            Some(g) => space.guard_set(g).ok(),
            None => Some(space.full()),
        })
        .collect();
    let mut found: Vec<(usize, usize, Diagnostic)> = Vec::new();
    for (n, row) in table.rows.iter().enumerate() {
        let rules: Vec<usize> = (0..w.slas.len())
            .filter(|r| {
                applies[*r]
                    .as_ref()
                    .is_some_and(|set| row.set.intersect(set).is_ok_and(|s| !s.is_empty()))
            })
            .collect();
        if rules.is_empty() {
            continue;
        }
        let mut untimed_typical: Untimed = None;
        let typical: Vec<Vec<Option<Outcome>>> = arrivals
            .iter()
            .map(|a| {
                let (o, u) = measure(w, &compiled, &cache, row, &rules, *a, Pace::Typical);
                if untimed_typical.is_none() {
                    untimed_typical = u;
                }
                o
            })
            .collect();
        for (k, &ri) in rules.iter().enumerate() {
            let rule = &w.slas[ri];
            let typ: Vec<Option<Outcome>> = typical.iter().map(|o| o[k]).collect();
            if typ.iter().all(Option::is_none) {
                continue; // the clock does not start on this route
            }
            let loc = Location::path(format!("slas[{ri}]"));
            let what = format!(
                "SLA \"{}\" ({} on {}) on route {} ({})",
                rule.id,
                rule.target,
                rule.calendar.as_deref().unwrap_or("a 24/7 clock"),
                n + 1,
                row.conditions_text()
            );
            // Faster work never finishes later, so the fastest pace matters only when the
            // typical one breaches for every arrival; stop at the first arrival it meets.
            if typ.iter().flatten().all(|o| !o.met) {
                let mut best: Option<Duration> = None;
                let mut untimed: Untimed = None;
                let mut feasible = false;
                for a in &arrivals {
                    let (o, u) = measure(w, &compiled, &cache, row, &[ri], *a, Pace::Fastest);
                    if let Some(o) = o.first().copied().flatten() {
                        if o.met {
                            feasible = true;
                            break;
                        }
                        if o.untimed {
                            if untimed.is_none() {
                                untimed = u;
                            }
                        } else {
                            best = Some(best.map_or(o.used, |b| b.min(o.used)));
                        }
                    }
                }
                if !feasible {
                    let msg = match best {
                        Some(best) => format!(
                            "{what} cannot be met: even the fastest work takes at least {best} on the clock"
                        ),
                        None if untimed.is_some() => format!(
                            "{what} cannot be met: even with the fastest work, {}",
                            untimed_text(&untimed)
                        ),
                        None => format!(
                            "{what} cannot be met: even the fastest work takes at least {} on the clock",
                            Duration::ZERO
                        ),
                    };
                    found.push((ri, n, Diagnostic::error("sla-infeasible", msg, loc)));
                    continue;
                }
            }
            let breach: Vec<bool> = typ.iter().map(|o| o.is_some_and(|o| !o.met)).collect();
            let started = typ.iter().filter(|o| o.is_some()).count();
            let breaches = breach.iter().filter(|b| **b).count();
            if breaches == 0 {
                continue;
            }
            let d = if breaches == started && typ.iter().flatten().all(|o| o.untimed) {
                let msg = format!(
                    "{what} is breached by a typical case arriving at any time: with typical work, {}",
                    untimed_text(&untimed_typical)
                );
                Diagnostic::warning("sla-at-risk", msg, loc)
            } else if breaches == started {
                let mut used: Vec<Duration> = typ
                    .iter()
                    .flatten()
                    .filter(|o| !o.untimed)
                    .map(|o| o.used)
                    .collect();
                crate::util::sort::sort(&mut used);
                let median = used.get(used.len() / 2).copied().unwrap_or_default();
                let msg = format!(
                    "{what} is breached by a typical case arriving at any time: typical work takes {median} on the clock"
                );
                Diagnostic::warning("sla-at-risk", msg, loc)
            } else {
                let msg = format!(
                    "{what} is breached by a typical case arriving {} ({}): {breaches} of 168 hourly arrivals",
                    windows(&breach),
                    tz.name()
                );
                Diagnostic::warning("sla-breach-window", msg, loc)
            };
            found.push((ri, n, d));
        }
    }
    crate::util::sort::sort_by_key(&mut found, |(r, n, _)| (*r, *n));
    out.extend(found.into_iter().map(|(_, _, d)| d));
    out
}
