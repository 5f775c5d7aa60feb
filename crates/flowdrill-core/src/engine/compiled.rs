//! The flat, index-based form of a workflow that the engine runs.
//!
//! Node, role, rule and attribute names become indices; guards become unions of boxes over
//! attribute value indices (the same case sets validation reasons with), so testing a case
//! is a few bit operations; calendars become tables of open intervals in seconds from the
//! run's start with running totals, so business-time arithmetic is a binary search.

use chrono::{DateTime, Datelike, TimeDelta, Utc};

use crate::analysis::space::Space;
use crate::analysis::structure::pair_forks;
use crate::model::effort::Effort;
use crate::model::workflow::Workflow;
use crate::model::{Batch, Matching, NodeKind, WaitFor};
use crate::time::calendar::Calendar;
use crate::time::sla::{ClockPoint, MilestoneAt};

/// A guard as boxes: for each box, one bit mask of allowed values per attribute.
#[derive(Debug, Clone, Default)]
pub struct Boxes {
    masks: Vec<u64>,
    attrs: usize,
    boxes: usize,
}

impl Boxes {
    fn from_set(space: &Space, set: &crate::analysis::space::CaseSet) -> Self {
        let attrs = space.names().len();
        let mut masks = Vec::new();
        let mut boxes = 0;
        for cube in set.cubes() {
            masks.extend_from_slice(cube);
            boxes += 1;
        }
        Boxes {
            masks,
            attrs,
            boxes,
        }
    }

    /// True when the case (one value index per attribute) is in one of the boxes.
    #[inline]
    pub fn contains(&self, case: &[u8]) -> bool {
        if self.attrs == 0 {
            return self.boxes > 0;
        }
        self.masks.chunks_exact(self.attrs).any(|b| {
            b.iter()
                .zip(case)
                .all(|(m, v)| m & (1u64 << (*v & 63)) != 0)
        })
    }
}

/// A calendar as open intervals in seconds from the run's start, with running totals.
#[derive(Debug, Clone)]
pub struct CalTable {
    starts: Vec<f64>,
    ends: Vec<f64>,
    /// Open seconds before each interval.
    before: Vec<f64>,
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
        let mut total = 0.0;
        for i in 0..u64::from(days) + 2 {
            let Some(date) = first.checked_add_days(chrono::Days::new(i)) else {
                break;
            };
            for (a, b) in cal.intervals_of_date(date) {
                let (a, b) = (secs(origin, a), secs(origin, b));
                t.starts.push(a);
                t.ends.push(b);
                t.before.push(total);
                total += b - a;
            }
        }
        t
    }

    /// Open seconds before `x`.
    fn level(&self, x: f64) -> f64 {
        let i = self.ends.partition_point(|e| *e <= x);
        let full = self.before.get(i).copied().unwrap_or_else(|| self.total());
        match (self.starts.get(i), self.before.get(i)) {
            (Some(s), Some(b)) if x > *s => b + (x - s),
            _ => full,
        }
    }

    fn total(&self) -> f64 {
        match (self.before.last(), self.starts.last(), self.ends.last()) {
            (Some(b), Some(s), Some(e)) => b + (e - s),
            _ => 0.0,
        }
    }

    /// The first instant at or after `x` when the calendar is open (None past the table).
    pub fn next_open(&self, x: f64) -> Option<f64> {
        let i = self.ends.partition_point(|e| *e <= x);
        self.starts.get(i).map(|s| s.max(x))
    }

    /// The instant when `work` seconds of open time have passed since `x` (None past the
    /// table). Reaching the amount exactly at a close gives the close.
    pub fn add(&self, x: f64, work: f64) -> Option<f64> {
        if work <= 0.0 {
            return Some(x);
        }
        let target = self.level(x) + work;
        // The first interval whose running total at its end reaches the target.
        let i = self.before.partition_point(|b| *b < target);
        // Interval i-1 is where the target falls (its start total is below the target).
        let k = i.checked_sub(1)?;
        let (s, b, e) = (
            *self.starts.get(k)?,
            *self.before.get(k)?,
            *self.ends.get(k)?,
        );
        let t = s + (target - b);
        if t <= e + 1e-9 { Some(t.min(e)) } else { None }
    }

    /// Open seconds between two instants.
    pub fn between(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            0.0
        } else {
            self.level(b) - self.level(a)
        }
    }
}

fn secs(origin: DateTime<Utc>, t: DateTime<Utc>) -> f64 {
    (t - origin).num_milliseconds() as f64 / 1000.0
}

/// A calendar in compiled form: around the clock, or a table.
#[derive(Debug, Clone)]
pub enum Clock {
    /// Elapsed time.
    Always,
    /// Business time from a table.
    Table(CalTable),
}

impl Clock {
    /// When `work` seconds of clock time have passed since `x` (infinite when beyond the
    /// table's reach).
    #[inline]
    pub fn add(&self, x: f64, work: f64) -> f64 {
        match self {
            Clock::Always => x + work,
            Clock::Table(t) => t.add(x, work).unwrap_or(f64::INFINITY),
        }
    }

    /// Clock time between two instants.
    #[inline]
    pub fn between(&self, a: f64, b: f64) -> f64 {
        match self {
            Clock::Always => (b - a).max(0.0),
            Clock::Table(t) => t.between(a, b),
        }
    }

    /// The next instant at or after `x` when work can happen.
    #[inline]
    pub fn next_open(&self, x: f64) -> f64 {
        match self {
            Clock::Always => x,
            Clock::Table(t) => t.next_open(x).unwrap_or(f64::INFINITY),
        }
    }
}

/// What a wait node waits for, compiled.
#[derive(Debug, Clone)]
pub enum CWait {
    /// A fixed delay in seconds.
    Delay(f64),
    /// Release instants in seconds from the start (a point in the week, or a batch).
    Points {
        /// The instants, in order.
        at: Vec<f64>,
        /// All waiting cases leave together (a batch) rather than each at its own next point.
        batch: bool,
    },
}

/// A node's kind, compiled.
#[derive(Debug, Clone)]
pub enum CKind {
    /// Where cases enter.
    Start,
    /// Work by a role.
    Task {
        /// The role.
        role: u32,
        /// The work time.
        effort: Option<Effort>,
    },
    /// An exclusive choice.
    Decision,
    /// Parallel split.
    Fork,
    /// Parallel merge, waiting for this many arrivals.
    Join(u32),
    /// A pause.
    Wait(CWait),
    /// Tells roles.
    Notify(Vec<u32>),
    /// The end, with an outcome index.
    End(u32),
}

/// An edge, compiled.
#[derive(Debug, Clone)]
pub struct CEdge {
    /// The target node.
    pub to: u32,
    /// The guard (index into `Compiled::guards`).
    pub guard: Option<u32>,
    /// The fallback branch.
    pub otherwise: bool,
    /// At most this many traversals per case (0: unlimited).
    pub limit: u32,
    /// The case counter slot of a limited edge.
    pub slot: u16,
}

/// A clock point, compiled.
#[derive(Debug, Clone, PartialEq)]
pub enum CPoint {
    /// The case starts.
    Start,
    /// The case ends.
    End,
    /// Entering one of the nodes.
    Enter(Vec<u32>),
    /// Leaving one of the nodes.
    Leave(Vec<u32>),
}

/// A ladder rung, compiled.
#[derive(Debug, Clone)]
pub struct CMilestone {
    /// Clock seconds at which it fires.
    pub at: f64,
    /// Roles told.
    pub notify: Vec<u32>,
    /// Tell the holding role's manager.
    pub notify_manager: bool,
    /// Move the case's queued work to this role.
    pub reassign: Option<u32>,
}

/// An SLA rule, compiled.
#[derive(Debug, Clone)]
pub struct CSla {
    /// Which cases it applies to (None: all).
    pub guard: Option<u32>,
    /// Where the clock starts.
    pub start: CPoint,
    /// Where it stops.
    pub stop: CPoint,
    /// Nodes that pause it.
    pub pause: Vec<u32>,
    /// Target in clock seconds.
    pub target: f64,
    /// Index into `Compiled::clocks` (None: elapsed time).
    pub clock: Option<u32>,
    /// The ladder, by clock seconds.
    pub ladder: Vec<CMilestone>,
}

/// A role, compiled.
#[derive(Debug, Clone)]
pub struct CRole {
    /// People.
    pub staff: u32,
    /// Index into `Compiled::clocks` (None: around the clock).
    pub clock: Option<u32>,
    /// The manager role.
    pub manager: Option<u32>,
}

/// An attribute, compiled: running totals of its weights.
#[derive(Debug, Clone)]
pub struct CAttr {
    /// Cumulative weights.
    pub cumulative: Vec<f64>,
}

/// How a start node's cases arrive, compiled.
#[derive(Debug, Clone)]
pub enum CArrivals {
    /// No arrivals.
    None,
    /// Poisson: rate per second in segments `(end, rate)`, in order.
    Poisson(Vec<(f64, f64)>),
    /// Fixed instants, each bringing `count` cases.
    Schedule(Vec<f64>, u32),
}

/// A joint table of attribute values: the attributes it sets (by position), each row's
/// value indices, and running totals of the rows' weights.
pub type Joint = (Vec<usize>, Vec<Vec<u8>>, Vec<f64>);

/// A workflow ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Node ids in compiled order.
    pub node_ids: Vec<String>,
    /// Node kinds.
    pub kinds: Vec<CKind>,
    /// Decisions in first-match order? (exclusive decisions are validated not to overlap).
    pub first_match: Vec<bool>,
    /// Outgoing edges of node `n`: `edges[out[n]..out[n + 1]]`, in branch order.
    pub out: Vec<u32>,
    /// All edges.
    pub edges: Vec<CEdge>,
    /// The number of limited-edge counters a case needs.
    pub slots: u16,
    /// Guards.
    pub guards: Vec<Boxes>,
    /// Attributes.
    pub attrs: Vec<CAttr>,
    /// Attribute names.
    pub attr_ids: Vec<String>,
    /// Roles.
    pub roles: Vec<CRole>,
    /// Role ids.
    pub role_ids: Vec<String>,
    /// Compiled calendars.
    pub clocks: Vec<Clock>,
    /// SLA rules.
    pub slas: Vec<CSla>,
    /// SLA rule ids.
    pub sla_ids: Vec<String>,
    /// Outcomes.
    pub outcomes: Vec<String>,
    /// Start nodes and their arrivals.
    pub starts: Vec<(u32, CArrivals)>,
    /// A joint table of attribute values.
    pub joint: Option<Joint>,
}

/// Why a workflow cannot be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompileError {
    /// The guards are too complex for exact case sets.
    #[error(transparent)]
    TooComplex(#[from] crate::analysis::space::TooComplex),
}

impl Compiled {
    /// Outgoing edges of a node.
    #[inline]
    pub fn out_edges(&self, n: u32) -> &[CEdge] {
        let (a, b) = (
            self.out[n as usize] as usize,
            self.out[n as usize + 1] as usize,
        );
        &self.edges[a..b]
    }

    /// The edge a case takes out of a decision: the first open branch (one whose limit is
    /// not used up) whose guard accepts the case, else the open `otherwise` branch. Returns
    /// the edge's position among the node's outgoing edges.
    #[inline]
    pub fn decide(&self, n: u32, case: &[u8], taken: &[u8]) -> Option<usize> {
        let edges = self.out_edges(n);
        let open = |e: &CEdge| {
            e.limit == 0 || u32::from(taken.get(e.slot as usize).copied().unwrap_or(0)) < e.limit
        };
        let mut fallback = None;
        for (i, e) in edges.iter().enumerate() {
            if !open(e) {
                continue;
            }
            match e.guard {
                Some(g) if self.guards[g as usize].contains(case) => return Some(i),
                None if e.otherwise => fallback = fallback.or(Some(i)),
                _ => {}
            }
        }
        fallback
    }

    /// Compiles a workflow for a run starting at `origin` and lasting `days` days (the
    /// calendar tables reach a further 60 days for work and deadlines that run over).
    pub fn new(w: &Workflow, origin: DateTime<Utc>, days: u32) -> Result<Compiled, CompileError> {
        let space = Space::new(&w.attributes);
        let order: Vec<_> = w.nodes().map(|(ix, _)| ix).collect();
        let pos = |ix| order.iter().position(|o| *o == ix).unwrap_or(0) as u32;
        let node_ids: Vec<String> = w.nodes().map(|(_, n)| n.id.clone()).collect();
        let idx = |id: &str| node_ids.iter().position(|n| n == id).map(|p| p as u32);
        let role_ids: Vec<String> = w.roles.keys().cloned().collect();
        let role = |id: &str| role_ids.iter().position(|r| r == id).map(|p| p as u32);
        let cal_ids: Vec<&String> = w.calendars.keys().collect();
        let span = days + 60;
        let clocks: Vec<Clock> = w
            .calendars
            .values()
            .map(|c| {
                if c.is_always_open() {
                    Clock::Always
                } else {
                    Clock::Table(CalTable::build(c, origin, span))
                }
            })
            .collect();
        let clock_of = |id: &Option<String>| {
            id.as_ref()
                .and_then(|c| cal_ids.iter().position(|x| *x == c))
                .map(|p| p as u32)
        };
        let pairs = pair_forks(w);
        let mut outcomes: Vec<String> = Vec::new();
        let mut guards: Vec<Boxes> = Vec::new();
        let mut kinds = Vec::new();
        let mut first_match = Vec::new();
        let mut out = vec![0u32];
        let mut edges = Vec::new();
        let mut slots = 0u16;
        let mut starts = Vec::new();
        let zone_of = |cal: &Option<String>| w.zone_of(cal.as_deref());
        for (k, (ix, node)) in w.nodes().enumerate() {
            let kind = match &node.kind {
                NodeKind::Start { arrivals, .. } => {
                    let arr = match arrivals {
                        None => CArrivals::None,
                        Some(a) => {
                            let tz = zone_of(&a.calendar);
                            match (&a.rate, &a.schedule) {
                                (Some(rate), _) => CArrivals::Poisson(poisson_segments(
                                    a,
                                    rate.per_hour(),
                                    tz,
                                    origin,
                                    days,
                                )),
                                (None, Some(b)) => {
                                    CArrivals::Schedule(points(b, tz, origin, days), a.count)
                                }
                                _ => CArrivals::None,
                            }
                        }
                    };
                    starts.push((k as u32, arr));
                    CKind::Start
                }
                NodeKind::Task { role: r, effort } => CKind::Task {
                    role: role(r).unwrap_or(0),
                    effort: effort.clone(),
                },
                NodeKind::Decision { .. } => CKind::Decision,
                NodeKind::Fork => CKind::Fork,
                NodeKind::Join => CKind::Join(pairs.arity(w, ix).unwrap_or(1) as u32),
                NodeKind::Wait { wait, calendar } => {
                    let tz = zone_of(calendar);
                    CKind::Wait(match wait {
                        WaitFor::Delay(d) => CWait::Delay(d.as_secs() as f64),
                        WaitFor::Until(p) => {
                            let b = Batch::Weekly { at: *p };
                            CWait::Points {
                                at: points(&b, tz, origin, span),
                                batch: false,
                            }
                        }
                        WaitFor::Batch(b) => CWait::Points {
                            at: points(b, tz, origin, span),
                            batch: true,
                        },
                    })
                }
                NodeKind::Notify { roles, .. } => {
                    CKind::Notify(roles.iter().filter_map(|r| role(r)).collect())
                }
                NodeKind::End { outcome } => {
                    let o = match outcomes.iter().position(|x| x == outcome) {
                        Some(p) => p,
                        None => {
                            outcomes.push(outcome.clone());
                            outcomes.len() - 1
                        }
                    };
                    CKind::End(o as u32)
                }
            };
            kinds.push(kind);
            first_match.push(matches!(
                node.kind,
                NodeKind::Decision {
                    matching: Matching::First,
                    ..
                }
            ));
            for (_, t, slot) in w.outgoing(ix) {
                let guard = match &slot.edge.when {
                    Some(g) => {
                        guards.push(Boxes::from_set(&space, &space.guard_set(g)?));
                        Some(guards.len() as u32 - 1)
                    }
                    None => None,
                };
                let limit = slot.edge.limit.unwrap_or(0);
                let s = if limit > 0 {
                    slots += 1;
                    slots - 1
                } else {
                    0
                };
                edges.push(CEdge {
                    to: pos(t),
                    guard,
                    otherwise: slot.edge.otherwise,
                    limit,
                    slot: s,
                });
            }
            out.push(edges.len() as u32);
        }
        let roles = w
            .roles
            .values()
            .map(|r| CRole {
                staff: r.staff,
                clock: clock_of(&r.calendar),
                manager: r.escalates_to.as_deref().and_then(role),
            })
            .collect();
        let point = |p: &ClockPoint| match p {
            ClockPoint::Start => CPoint::Start,
            ClockPoint::End => CPoint::End,
            ClockPoint::Enter(ids) => CPoint::Enter(ids.iter().filter_map(|i| idx(i)).collect()),
            ClockPoint::Leave(ids) => CPoint::Leave(ids.iter().filter_map(|i| idx(i)).collect()),
        };
        let mut slas = Vec::new();
        for r in &w.slas {
            let guard = match &r.when {
                Some(g) => {
                    guards.push(Boxes::from_set(&space, &space.guard_set(g)?));
                    Some(guards.len() as u32 - 1)
                }
                None => None,
            };
            let target = r.target.as_secs() as f64;
            slas.push(CSla {
                guard,
                start: point(&r.start),
                stop: point(&r.stop),
                pause: r.pause.iter().filter_map(|i| idx(i)).collect(),
                target,
                clock: clock_of(&r.calendar),
                ladder: r
                    .escalation
                    .iter()
                    .map(|m| CMilestone {
                        at: match m.at {
                            MilestoneAt::Percent(p) => target * f64::from(p) / 100.0,
                            MilestoneAt::Overdue(d) => target + d.as_secs() as f64,
                        },
                        notify: m.notify.iter().filter_map(|x| role(x)).collect(),
                        notify_manager: m.notify_manager,
                        reassign: m.reassign.as_deref().and_then(role),
                    })
                    .collect(),
            });
        }
        let attrs = w
            .attributes
            .values()
            .map(|a| {
                let ws = a.weights_or_equal();
                let mut acc = 0.0;
                CAttr {
                    cumulative: ws
                        .iter()
                        .map(|x| {
                            acc += x;
                            acc
                        })
                        .collect(),
                }
            })
            .collect();
        let joint = w.mix.first().map(|first| {
            let ids: Vec<usize> = first
                .case
                .keys()
                .filter_map(|a| w.attributes.get_index_of(a))
                .collect();
            let mut acc = 0.0;
            let mut rows = Vec::new();
            let mut cumulative = Vec::new();
            for row in &w.mix {
                let values: Vec<u8> = ids
                    .iter()
                    .map(|i| {
                        let (name, attr) = w
                            .attributes
                            .get_index(*i)
                            .map_or((None, None), |(n, a)| (Some(n), Some(a)));
                        name.and_then(|n| row.case.get(n))
                            .and_then(|v| attr.and_then(|a| a.position(v)))
                            .unwrap_or(0) as u8
                    })
                    .collect();
                acc += row.weight.max(0.0);
                rows.push(values);
                cumulative.push(acc);
            }
            (ids, rows, cumulative)
        });
        Ok(Compiled {
            joint,
            node_ids,
            kinds,
            first_match,
            out,
            edges,
            slots,
            guards,
            attrs,
            attr_ids: w.attributes.keys().cloned().collect(),
            roles,
            role_ids,
            clocks,
            slas,
            sla_ids: w.slas.iter().map(|r| r.id.clone()).collect(),
            outcomes,
            starts,
        })
    }
}

/// Instants of a schedule from `origin` over `days` days, in seconds from `origin`.
fn points(b: &Batch, tz: chrono_tz::Tz, origin: DateTime<Utc>, days: u32) -> Vec<f64> {
    let first = origin.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    for i in 0..u64::from(days) + 1 {
        let Some(d) = first.checked_add_days(chrono::Days::new(i)) else {
            break;
        };
        let (ok, at) = match b {
            Batch::Daily { at } => (true, *at),
            Batch::Weekly { at } => (d.weekday() == at.day, at.time),
            Batch::Monthly { day, at } => (
                if *day > 0 {
                    d.day() == u32::from(day.unsigned_abs())
                } else {
                    d.succ_opt().is_some_and(|n| n.month() != d.month())
                },
                *at,
            ),
        };
        if !ok {
            continue;
        }
        let m = at.minutes();
        let (d2, m) = if m >= 1440 {
            (d.succ_opt().unwrap_or(d), m - 1440)
        } else {
            (d, m)
        };
        if let Some(local) = d2.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
            && let Some(t) = crate::time::business::resolve(tz, local)
            && t >= origin
        {
            out.push(secs(origin, t));
        }
    }
    out
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
        for (start_h, work_h) in [
            (0.0, 1.0),
            (10.5, 2.0),
            (16.9, 0.5),
            (100.0, 20.0),
            (150.0, 9.0),
        ] {
            let x = start_h * 3600.0;
            let t = table.add(x, work_h * 3600.0).unwrap();
            let exact = cal
                .deadline(
                    origin + TimeDelta::seconds(x.round() as i64),
                    crate::Duration::from_secs((work_h * 3600.0).round() as u64),
                )
                .unwrap();
            assert!(
                (t - secs(origin, exact)).abs() < 1e-6,
                "start {start_h}h work {work_h}h: {t} vs {}",
                secs(origin, exact)
            );
            assert!((table.between(x, t) - work_h * 3600.0).abs() < 1e-6);
        }
    }
}
