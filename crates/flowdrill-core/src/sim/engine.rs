//! The discrete-event loop of one replication: a driver of the [`engine`](crate::engine).
//!
//! The loop owns time, staffing and randomness: arrivals, queues, work times, calendars,
//! wait releases and the rungs of SLA ladders. How a case moves through the workflow —
//! decisions, forks and joins, ends, dead ends, SLA clocks — is the engine's: the loop calls
//! [`engine::start`], [`engine::resume`] and reads what the engine hands back through
//! [`Driver`]. Time is integer milliseconds from the run's start.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::config::{Discipline, SimConfig, SimError};
use super::results::{LogRow, Progress, RepResult, RoleStats, SlaStats, dist};
use super::sample::{Replication, Stream, streams};
use super::stats::{Quantiles, Series, Summary, TimeWeighted};
use super::tables::{CArrivals, CWait, Tables};
use crate::engine::compiled::Compiled;
use crate::engine::{self, Choice, Driver, Stop, Token};
use crate::time::clock::{AroundTheClock, ClockState, Millis, OpenTime, Transition, millis};

static AROUND_THE_CLOCK: AroundTheClock = AroundTheClock;

/// Seconds in a span of milliseconds, for statistics.
#[inline]
fn secs(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

/// Seconds (not negative) to the nearest millisecond. Adds a half and truncates rather than
/// calling `round`, which is a library call on targets without SSE4.1 (and in WebAssembly
/// gives the same result: the same IEEE operations).
#[inline]
fn to_millis(secs: f64) -> Millis {
    (secs * 1000.0 + 0.5) as Millis
}

#[derive(Clone, Copy)]
enum Ev {
    Arrive(u32),
    Done {
        case: u32,
        life: u32,
        token: Token,
        role: u32,
    },
    Wake {
        case: u32,
        life: u32,
        token: Token,
    },
    Batch(u32),
    Open(u32),
    Rung {
        case: u32,
        life: u32,
        clock: u16,
        rung: u16,
        epoch: u32,
    },
    Warmup,
}

/// A heap entry as one number, so that the heap compares and moves plain integers: the
/// time (40 bits of milliseconds; later times, beyond any horizon, are clamped), the
/// sequence number (56 bits: ties go in the order pushed) and where the event is kept in
/// [`Calendar::slab`] (32 bits). The heap is a max-heap, so entries are kept reversed.
type Item = Reverse<u128>;

/// Times from this on are all past the longest horizon (ten years are under 2^39 ms).
const T_MAX: Millis = (1 << 40) - 1;

/// One case of the run: its draws, its place in the workflow and its queued work.
struct Case {
    /// Bumped each time the slot is reused: events of an earlier case are stale.
    life: u32,
    live: bool,
    /// Arrived after the warm-up.
    counted: bool,
    id: u64,
    arrived: Millis,
    attrs: Vec<u8>,
    holder: u32,
    /// Bumped when queued work moves: queue entries of an older epoch are stale.
    epoch: u32,
    queued: Vec<(u32, Token)>,
    rng: Stream,
}

#[derive(Clone, Copy)]
struct Job {
    case: u32,
    life: u32,
    epoch: u32,
    token: Token,
    t: Millis,
    key: Millis,
    seq: u64,
}

struct EdfJob(Job);
impl PartialEq for EdfJob {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for EdfJob {}
impl PartialOrd for EdfJob {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for EdfJob {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.key.cmp(&self.0.key).then(o.0.seq.cmp(&self.0.seq))
    }
}

enum Queue {
    Fifo(VecDeque<Job>),
    Edf(BinaryHeap<EdfJob>),
}

impl Queue {
    fn push(&mut self, j: Job) {
        match self {
            Queue::Fifo(q) => q.push_back(j),
            Queue::Edf(q) => q.push(EdfJob(j)),
        }
    }
    fn pop(&mut self) -> Option<Job> {
        match self {
            Queue::Fifo(q) => q.pop_front(),
            Queue::Edf(q) => q.pop().map(|e| e.0),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Queue::Fifo(q) => q.is_empty(),
            Queue::Edf(q) => q.is_empty(),
        }
    }
    fn jobs(&self) -> Vec<Job> {
        match self {
            Queue::Fifo(q) => q.iter().copied().collect(),
            Queue::Edf(q) => q.iter().map(|e| e.0).collect(),
        }
    }
}

/// A role during the run: its staff at work, its queue and its statistics.
struct RoleRun {
    busy: u32,
    queue: Queue,
    queued: u32,
    open_pending: bool,
    /// Work done (open time spent on tasks) after the warm-up, up to the horizon.
    work: Millis,
    queue_tw: TimeWeighted,
    series: Series,
    wait_q: Quantiles,
    wait_s: Summary,
    tasks: u64,
    notified: u64,
}

/// An SLA rule's tallies during the run.
struct SlaRun {
    met: u64,
    cancelled: u64,
    breached: u64,
    pending: u64,
    q: Quantiles,
    s: Summary,
    by_hour: Vec<u64>,
}

/// The run's whole-case tallies.
#[derive(Default)]
struct Tally {
    arrived: u64,
    finished: u64,
    stuck: u64,
    visits: Vec<u64>,
    outcomes: Vec<u64>,
    arrivals_by_hour: Vec<u64>,
    cycle_q: Quantiles,
    cycle_s: Summary,
}

/// The event calendar and the run's clock.
struct Calendar {
    now: Millis,
    horizon: Millis,
    warmup: Millis,
    heap: BinaryHeap<Item>,
    /// The events of the heap's entries, and the free places among them.
    slab: Vec<Ev>,
    free: Vec<u32>,
    seq: u64,
    events: u64,
}

impl Calendar {
    /// Schedules an event. Inlined everywhere: the event is then written straight into
    /// its slot, where a call would write it to the stack and read it back whole (a
    /// store-forwarding stall that was half of this function's time).
    #[inline(always)]
    fn push(&mut self, t: Millis, ev: Ev) {
        self.seq += 1;
        // One place writes the event, so that it goes there from registers.
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slab.push(Ev::Warmup);
                (self.slab.len() - 1) as u32
            }
        };
        if let Some(place) = self.slab.get_mut(slot as usize) {
            *place = ev;
        }
        let t = t.clamp(0, T_MAX) as u128;
        let seq = u128::from(self.seq) & ((1 << 56) - 1);
        self.heap
            .push(Reverse((t << 88) | (seq << 32) | u128::from(slot)));
    }

    /// The next event and its time.
    #[inline]
    fn pop(&mut self) -> Option<(Millis, Ev)> {
        let Reverse(key) = self.heap.pop()?;
        let slot = key as u32;
        self.free.push(slot);
        Some(((key >> 88) as Millis, *self.slab.get(slot as usize)?))
    }
}

/// One replication.
pub(super) struct Engine<'c> {
    c: &'c Compiled,
    tables: &'c Tables,
    cfg: &'c SimConfig,
    origin: DateTime<Utc>,
    rep: u32,
    /// The replication's random streams.
    streams: Replication,
    /// Some escalation reassigns work: each case keeps a list of its queued work (else
    /// nothing reads it, and it is not kept).
    moves_work: bool,
    cal: Calendar,
    cases: Vec<Case>,
    /// Each case's place in the workflow, by the same index as `cases`: apart from them so
    /// that lending one to the engine moves a vector, not the case.
    flows: Vec<engine::Case>,
    free: Vec<u32>,
    open: u64,
    next_id: u64,
    /// Each start's stream and its position (Poisson segment or schedule point).
    arrivals: Vec<(Stream, usize)>,
    roles: Vec<RoleRun>,
    slas: Vec<SlaRun>,
    tally: Tally,
    batches: Vec<Vec<(u32, u32, Token)>>,
    batch_armed: Vec<bool>,
    log: Option<Vec<LogRow>>,
    /// Local hour of the week of each hour of the run, in the run's display zone.
    how: Vec<u8>,
}

/// The engine's view of the loop while it moves one case.
struct Moving<'e, 'c> {
    e: &'e mut Engine<'c>,
    case: u32,
}

impl<'c> Engine<'c> {
    pub(super) fn new(
        c: &'c Compiled,
        tables: &'c Tables,
        cfg: &'c SimConfig,
        origin: DateTime<Utc>,
        rep: u32,
        tz: chrono_tz::Tz,
    ) -> Self {
        let horizon = millis(cfg.horizon);
        let warmup = millis(cfg.warmup).min(horizon);
        let res_secs = cfg.resolution.as_secs().max(60) as f64;
        let buckets = ((secs(horizon) / res_secs).ceil() as usize).clamp(1, 100_000);
        let res = secs(horizon) / buckets as f64;
        let roles = c
            .roles
            .iter()
            .map(|_| RoleRun {
                busy: 0,
                queue: match cfg.discipline {
                    Discipline::Fifo => Queue::Fifo(VecDeque::new()),
                    Discipline::EarliestDeadline => Queue::Edf(BinaryHeap::new()),
                },
                queued: 0,
                open_pending: false,
                work: 0,
                queue_tw: TimeWeighted::new(0.0, 0.0),
                series: Series::new(0.0, res, buckets),
                wait_q: Quantiles::new(),
                wait_s: Summary::new(),
                tasks: 0,
                notified: 0,
            })
            .collect();
        Engine {
            c,
            tables,
            cfg,
            origin,
            rep,
            streams: Replication::new(cfg.seed, u64::from(rep)),
            moves_work: c
                .slas
                .iter()
                .any(|s| s.actions.iter().any(|a| a.reassign.is_some())),
            cal: Calendar {
                now: 0,
                horizon,
                warmup,
                heap: BinaryHeap::new(),
                slab: Vec::new(),
                free: Vec::new(),
                seq: 0,
                events: 0,
            },
            cases: Vec::new(),
            flows: Vec::new(),
            free: Vec::new(),
            open: 0,
            next_id: 0,
            arrivals: (0..c.starts.len())
                .map(|i| {
                    let streams = Replication::new(cfg.seed, u64::from(rep));
                    (streams.stream(streams::arrivals(i)), 0)
                })
                .collect(),
            roles,
            slas: c
                .slas
                .iter()
                .map(|_| SlaRun {
                    met: 0,
                    cancelled: 0,
                    breached: 0,
                    pending: 0,
                    q: Quantiles::new(),
                    s: Summary::new(),
                    by_hour: vec![0; 168],
                })
                .collect(),
            tally: Tally {
                visits: vec![0; c.kinds.len()],
                outcomes: vec![0; c.outcomes.len()],
                arrivals_by_hour: vec![0; 168],
                ..Tally::default()
            },
            batches: vec![Vec::new(); c.kinds.len()],
            batch_armed: vec![false; c.kinds.len()],
            log: (cfg.event_log && rep == 0).then(Vec::new),
            how: (0..=horizon / 3_600_000 + 1)
                .map(|h| {
                    use chrono::{Datelike, Timelike};
                    let at = (origin + TimeDelta::hours(h)).with_timezone(&tz);
                    (at.weekday().num_days_from_monday() * 24 + at.hour()) as u8
                })
                .collect(),
        }
    }

    fn open_time(&self, calendar: Option<u32>) -> &'c dyn OpenTime {
        let tables: &'c Tables = self.tables;
        match calendar.and_then(|i| tables.clocks.get(i as usize)) {
            Some(clock) => clock,
            None => &AROUND_THE_CLOCK,
        }
    }

    fn stamp(&self, t: Millis) -> String {
        (self.origin + TimeDelta::milliseconds(t))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// Logs an event when the run keeps an event log (checked here, inline, so that a run
    /// without one pays a test and nothing else).
    #[inline]
    fn log(&mut self, case: u32, node: u32, resource: Option<u32>, lifecycle: &'static str) {
        if self.log.is_some() {
            self.log_row(case, node, resource, lifecycle);
        }
    }

    #[cold]
    fn log_row(&mut self, case: u32, node: u32, resource: Option<u32>, lifecycle: &'static str) {
        let Some(log) = &self.log else { return };
        if log.len() >= self.cfg.limits.max_log_rows {
            return;
        }
        let row = LogRow {
            case_id: self.cases[case as usize].id,
            activity: self.c.node_ids[node as usize].clone(),
            timestamp: self.stamp(self.cal.now),
            resource: resource
                .map(|r| self.c.role_ids[r as usize].clone())
                .unwrap_or_default(),
            lifecycle,
        };
        if let Some(log) = &mut self.log {
            log.push(row);
        }
    }

    /// Lends `f` the engine and the case's flow together. (The flows are taken out of the
    /// engine meanwhile, which moves a vector; nothing that needs a flow is called back.)
    fn lend_flow(&mut self, case: u32, f: impl FnOnce(&mut Self, &mut engine::Case)) {
        let mut flows = std::mem::take(&mut self.flows);
        if let Some(flow) = flows.get_mut(case as usize) {
            f(self, flow);
        }
        self.flows = flows;
    }

    /// Moves a case with one of the engine's functions, lending it the case's flow.
    fn with_flow(
        &mut self,
        case: u32,
        f: impl FnOnce(&Compiled, &mut engine::Case, &mut Moving<'_, 'c>),
    ) {
        let c = self.c;
        self.lend_flow(case, |e, flow| f(c, flow, &mut Moving { e, case }));
    }

    /// True when the event belongs to the case still in its slot.
    fn current(&self, case: u32, life: u32) -> bool {
        let cs = &self.cases[case as usize];
        cs.live && cs.life == life
    }

    // ---- arrivals ----

    fn schedule_arrival(&mut self, i: usize) {
        match self.tables.arrivals.get(i) {
            None | Some(CArrivals::None) => {}
            Some(CArrivals::Poisson(segs)) => {
                let Some((rng, seg)) = self.arrivals.get_mut(i) else {
                    return;
                };
                let mut e = rng.exponential(1.0);
                let mut t = secs(self.cal.now);
                while let Some(&(end, rate)) = segs.get(*seg) {
                    if rate > 0.0 && e <= rate * (end - t) {
                        let at = to_millis(t + e / rate);
                        self.cal.push(at.max(self.cal.now), Ev::Arrive(i as u32));
                        return;
                    }
                    if rate > 0.0 {
                        e -= rate * (end - t);
                    }
                    t = end;
                    *seg += 1;
                }
            }
            Some(CArrivals::Schedule(points, _)) => {
                let Some((_, k)) = self.arrivals.get_mut(i) else {
                    return;
                };
                if let Some(&at) = points.get(*k) {
                    *k += 1;
                    if at < self.cal.horizon {
                        self.cal.push(at, Ev::Arrive(i as u32));
                    }
                }
            }
        }
    }

    fn arrive(&mut self, i: u32) -> Result<(), SimError> {
        let count = match self.tables.arrivals.get(i as usize) {
            Some(CArrivals::Schedule(_, n)) => *n,
            _ => 1,
        };
        self.schedule_arrival(i as usize);
        let Some(&node) = self.c.starts.get(i as usize) else {
            return Ok(());
        };
        for _ in 0..count {
            if self.next_id >= self.cfg.limits.max_cases {
                return Err(self.limit("cases", self.cfg.limits.max_cases));
            }
            if self.open >= self.cfg.limits.max_open {
                return Err(self.limit("open cases", self.cfg.limits.max_open));
            }
            let id = self.new_case();
            self.with_flow(id, |c, flow, m| engine::start(c, flow, node, m));
        }
        Ok(())
    }

    fn limit(&self, what: &'static str, limit: u64) -> SimError {
        SimError::Limit {
            what,
            limit,
            at: self.stamp(self.cal.now),
        }
    }

    /// A new case in a free slot, with its attributes drawn and its clocks chosen.
    fn new_case(&mut self) -> u32 {
        let seq = self.next_id;
        let mut rng = self.streams.stream(streams::case(seq));
        let id = match self.free.pop() {
            Some(i) => i,
            None => {
                self.cases.push(Case {
                    life: 0,
                    live: false,
                    counted: false,
                    id: 0,
                    arrived: 0,
                    attrs: Vec::new(),
                    holder: u32::MAX,
                    epoch: 0,
                    queued: Vec::new(),
                    rng: rng.clone(),
                });
                self.flows.push(engine::Case::default());
                (self.cases.len() - 1) as u32
            }
        };
        self.next_id += 1;
        self.open += 1;
        let now = self.cal.now;
        let counted = now >= self.cal.warmup;
        if counted {
            self.tally.arrived += 1;
            let how = self.hour_of_week(now);
            if let Some(a) = self.tally.arrivals_by_hour.get_mut(how) {
                *a += 1;
            }
        }
        let c = self.c;
        let case = &mut self.cases[id as usize];
        case.life = case.life.wrapping_add(1);
        case.live = true;
        case.counted = counted;
        case.id = seq + 1;
        case.arrived = now;
        case.attrs.clear();
        case.attrs.resize(c.attrs.len(), 0);
        let joint_ids: &[usize] = match &c.joint {
            Some((ids, rows, cumulative)) => {
                if let Some(row) = rows.get(rng.weighted(cumulative)) {
                    for (i, v) in ids.iter().zip(row) {
                        if let Some(slot) = case.attrs.get_mut(*i) {
                            *slot = *v;
                        }
                    }
                }
                ids
            }
            None => &[],
        };
        for (i, a) in c.attrs.iter().enumerate() {
            if !joint_ids.contains(&i) {
                case.attrs[i] = rng.weighted(&a.cumulative) as u8;
            }
        }
        if let Some(flow) = self.flows.get_mut(id as usize) {
            flow.reset(c, c.rules_for(&case.attrs));
        }
        case.queued.clear();
        case.holder = u32::MAX;
        case.epoch = 0;
        case.rng = rng;
        id
    }

    fn finish(&mut self, case: u32, outcome: Option<u32>) {
        let now = self.cal.now;
        let cs = &mut self.cases[case as usize];
        if !cs.live {
            return;
        }
        cs.live = false;
        let counted = cs.counted;
        let arrived = cs.arrived;
        // Queued work of a finished case is skipped when it comes up.
        cs.epoch = cs.epoch.wrapping_add(1);
        cs.queued.clear();
        self.open = self.open.saturating_sub(1);
        self.free.push(case);
        if counted && let Some(o) = outcome {
            self.tally.outcomes[o as usize] += 1;
            self.tally.finished += 1;
            self.tally.cycle_q.add(secs(now - arrived));
            self.tally.cycle_s.add(secs(now - arrived));
        }
    }

    // ---- roles ----

    /// The earliest deadline among the case's running clocks.
    fn edf_key(&self, flow: &engine::Case) -> Millis {
        flow.clocks()
            .iter()
            .filter(|(_, run)| run.state() == ClockState::Running)
            .filter_map(|(r, run)| {
                let sla = self.c.slas.get(usize::from(*r))?;
                Some(
                    run.deadline(&sla.rule, self.open_time(sla.calendar))
                        .unwrap_or(Millis::MAX),
                )
            })
            .min()
            .unwrap_or(Millis::MAX)
    }

    fn enqueue(&mut self, case: u32, flow: &engine::Case, token: Token, role: u32) {
        let key = if matches!(self.cfg.discipline, Discipline::EarliestDeadline) {
            self.edf_key(flow)
        } else {
            0
        };
        self.cal.seq += 1;
        let now = self.cal.now;
        let cs = &mut self.cases[case as usize];
        cs.holder = role;
        let job = Job {
            case,
            life: cs.life,
            epoch: cs.epoch,
            token,
            t: now,
            key,
            seq: self.cal.seq,
        };
        // Straight to work when someone is free and nobody is waiting.
        if self.roles[role as usize].queue.is_empty() && self.can_start(role) {
            self.start(role, job, false);
            return;
        }
        if self.moves_work {
            self.cases[case as usize].queued.push((role, token));
        }
        let r = &mut self.roles[role as usize];
        r.queue.push(job);
        r.queued += 1;
        let q = f64::from(r.queued);
        r.queue_tw.set(secs(now), q);
        r.series.set(secs(now), q);
        self.dispatch(role);
    }

    /// True when one of the role's staff is free and the role's calendar is open now;
    /// when it is closed, arranges to look again at the next opening.
    fn can_start(&mut self, role: u32) -> bool {
        let cr = &self.c.roles[role as usize];
        if self.roles[role as usize].busy >= cr.staff {
            return false;
        }
        if let Some(clock) = cr.calendar.and_then(|i| self.tables.clocks.get(i as usize)) {
            let now = self.cal.now;
            match clock.next_open(now) {
                Some(open) if open <= now => {}
                next => {
                    let r = &mut self.roles[role as usize];
                    if !r.open_pending
                        && let Some(open) = next
                    {
                        r.open_pending = true;
                        self.cal.push(open, Ev::Open(role));
                    }
                    return false;
                }
            }
        }
        true
    }

    /// Starts queued work while staff are free and the calendar is open.
    fn dispatch(&mut self, role: u32) {
        while !self.roles[role as usize].queue.is_empty() && self.can_start(role) {
            let now = secs(self.cal.now);
            let r = &mut self.roles[role as usize];
            let Some(job) = r.queue.pop() else { return };
            r.queued = r.queued.saturating_sub(1);
            let q = f64::from(r.queued);
            r.queue_tw.set(now, q);
            r.series.set(now, q);
            self.start(role, job, true);
        }
    }

    /// One of the role's staff takes the job (skipped if its case ended or moved on).
    fn start(&mut self, role: u32, job: Job, was_queued: bool) {
        let c = self.c;
        let now = self.cal.now;
        let cs = &mut self.cases[job.case as usize];
        if !cs.live || cs.life != job.life || cs.epoch != job.epoch {
            return;
        }
        if was_queued
            && self.moves_work
            && let Some(p) = cs
                .queued
                .iter()
                .position(|(ro, t)| *ro == role && *t == job.token)
        {
            cs.queued.swap_remove(p);
        }
        let effort = match c.effort(job.token.node) {
            Some(e) => to_millis(cs.rng.effort(e)),
            None => 0,
        };
        let (counted, life) = (cs.counted, cs.life);
        let r = &mut self.roles[role as usize];
        if counted {
            r.wait_q.add(secs(now - job.t));
            r.wait_s.add(secs(now - job.t));
        }
        r.busy += 1;
        // Utilisation counts the work done between the warm-up and the horizon. (A role
        // without a calendar works around the clock: plain sums, no calendar to ask.)
        let done = match c.roles[role as usize].calendar {
            None => {
                let done = AROUND_THE_CLOCK.after(now, effort);
                if now >= self.cal.warmup {
                    let until = done.unwrap_or(Millis::MAX).min(self.cal.horizon);
                    self.roles[role as usize].work += AROUND_THE_CLOCK.between(now, until);
                }
                done
            }
            calendar => {
                let time = self.open_time(calendar);
                let done = time.after(now, effort);
                if now >= self.cal.warmup {
                    let until = done.unwrap_or(Millis::MAX).min(self.cal.horizon);
                    self.roles[role as usize].work += time.between(now, until);
                }
                done
            }
        };
        self.log(job.case, job.token.node, Some(role), "start");
        if let Some(done) = done {
            self.cal.push(
                done,
                Ev::Done {
                    case: job.case,
                    life,
                    token: job.token,
                    role,
                },
            );
        }
    }

    fn done(&mut self, case: u32, life: u32, token: Token, role: u32) {
        let r = &mut self.roles[role as usize];
        r.busy = r.busy.saturating_sub(1);
        if self.current(case, life) {
            if self.cases[case as usize].counted {
                self.roles[role as usize].tasks += 1;
            }
            self.log(case, token.node, Some(role), "complete");
            self.with_flow(case, |c, flow, m| engine::resume(c, flow, token, m));
        }
        self.dispatch(role);
    }

    // ---- SLA clocks ----

    /// Books a stopped clock in its rule's tallies.
    fn clock_stopped(&mut self, case: u32, rule: usize, used: Millis, state: ClockState) {
        let cs = &self.cases[case as usize];
        if !cs.counted {
            return;
        }
        let how = self.hour_of_week(cs.arrived);
        let s = &mut self.slas[rule];
        match state {
            ClockState::Cancelled => s.cancelled += 1,
            ClockState::Met | ClockState::Breached => {
                s.q.add(secs(used));
                s.s.add(secs(used));
                if state == ClockState::Met {
                    s.met += 1;
                } else {
                    s.breached += 1;
                    if let Some(b) = s.by_hour.get_mut(how) {
                        *b += 1;
                    }
                }
            }
            _ => {}
        }
    }

    /// Plans the next rung of clock `k` of a case whose clock just started or resumed.
    fn plan_rung(&mut self, case: u32, flow: &engine::Case, k: usize) {
        let Some(&(r, run)) = flow.clocks().get(k) else {
            return;
        };
        let Some(sla) = self.c.slas.get(usize::from(r)) else {
            return;
        };
        if sla.rule.ladder.is_empty() {
            return;
        }
        if let Some((_, at)) = run.next_rung(&sla.rule, self.open_time(sla.calendar)) {
            let life = self.cases[case as usize].life;
            self.cal.push(
                at.max(self.cal.now),
                Ev::Rung {
                    case,
                    life,
                    clock: k as u16,
                    rung: run.rung() as u16,
                    epoch: run.epoch(),
                },
            );
        }
    }

    fn rung(&mut self, case: u32, life: u32, k: u16, rung: u16, epoch: u32) {
        let k = usize::from(k);
        if !self.current(case, life) {
            return;
        }
        let Some(&(r, run)) = self
            .flows
            .get(case as usize)
            .and_then(|f| f.clocks().get(k))
        else {
            return;
        };
        if run.epoch() != epoch
            || run.rung() != usize::from(rung)
            || run.state() != ClockState::Running
        {
            return;
        }
        let c = self.c;
        let Some(sla) = c.slas.get(usize::from(r)) else {
            return;
        };
        let Some(action) = sla
            .rule
            .ladder
            .get(usize::from(rung))
            .and_then(|step| sla.actions.get(step.index))
        else {
            return;
        };
        let (counted, holder) = {
            let cs = &self.cases[case as usize];
            (cs.counted, cs.holder)
        };
        if counted {
            for role in &action.notify {
                self.roles[*role as usize].notified += 1;
            }
            if action.notify_manager
                && let Some(mgr) = c.roles.get(holder as usize).and_then(|r| r.manager)
            {
                self.roles[mgr as usize].notified += 1;
            }
        }
        if let Some(to) = action.reassign {
            self.reassign(case, holder, to);
        }
        self.lend_flow(case, |e, flow| {
            engine::fire_rung(flow, k);
            e.plan_rung(case, flow, k);
        });
    }

    /// Moves the case's queued work from one role to another.
    fn reassign(&mut self, case: u32, from: u32, to: u32) {
        let cs = &mut self.cases[case as usize];
        if !cs.queued.iter().any(|(r, _)| *r == from) {
            return;
        }
        cs.epoch = cs.epoch.wrapping_add(1);
        let jobs: Vec<(u32, Token)> = cs.queued.drain(..).collect();
        self.lend_flow(case, |e, flow| {
            for (role, token) in jobs {
                let target = if role == from { to } else { role };
                e.enqueue(case, flow, token, target);
            }
        });
    }

    /// The local hour of the week (Monday 00:00 = 0) of an instant of the run.
    fn hour_of_week(&self, t: Millis) -> usize {
        let h = (t.max(0) / 3_600_000) as usize;
        self.how.get(h).map_or(0, |x| usize::from(*x))
    }

    // ---- the loop ----

    pub(super) fn run(
        mut self,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<(RepResult, Vec<LogRow>), SimError> {
        for i in 0..self.c.starts.len() {
            self.schedule_arrival(i);
        }
        if self.cal.warmup > 0 {
            self.cal.push(self.cal.warmup, Ev::Warmup);
        }
        let reps = self.cfg.replications.max(1);
        while let Some((t, ev)) = self.cal.pop() {
            if t > self.cal.horizon {
                break;
            }
            self.cal.now = t;
            self.cal.events += 1;
            if self.cal.events >= self.cfg.limits.max_events {
                return Err(self.limit("events", self.cfg.limits.max_events));
            }
            if self.cal.events & 0x3FFF == 0 {
                let done = (f64::from(self.rep) + secs(self.cal.now) / secs(self.cal.horizon))
                    / f64::from(reps);
                if !progress(Progress {
                    replication: self.rep,
                    replications: reps,
                    done,
                }) {
                    return Err(SimError::Cancelled);
                }
            }
            match ev {
                Ev::Arrive(i) => self.arrive(i)?,
                Ev::Done {
                    case,
                    life,
                    token,
                    role,
                } => self.done(case, life, token, role),
                Ev::Wake { case, life, token } => {
                    if self.current(case, life) {
                        self.with_flow(case, |c, flow, m| engine::resume(c, flow, token, m));
                    }
                }
                Ev::Batch(node) => {
                    self.batch_armed[node as usize] = false;
                    let waiting = std::mem::take(&mut self.batches[node as usize]);
                    for (case, life, token) in waiting {
                        if self.current(case, life) {
                            self.with_flow(case, |c, flow, m| engine::resume(c, flow, token, m));
                        }
                    }
                }
                Ev::Open(role) => {
                    self.roles[role as usize].open_pending = false;
                    self.dispatch(role);
                }
                Ev::Rung {
                    case,
                    life,
                    clock,
                    rung,
                    epoch,
                } => self.rung(case, life, clock, rung, epoch),
                Ev::Warmup => {
                    let now = secs(self.cal.now);
                    for r in &mut self.roles {
                        r.queue_tw.reset(now);
                    }
                }
            }
        }
        self.cal.now = self.cal.horizon;
        Ok(self.results())
    }

    fn results(mut self) -> (RepResult, Vec<LogRow>) {
        let c = self.c;
        let horizon = self.cal.horizon;
        // Clocks still running at the horizon.
        let mut open = 0;
        for id in 0..self.cases.len() {
            let cs = &self.cases[id];
            if !cs.live || !cs.counted {
                continue;
            }
            open += 1;
            let how = self.hour_of_week(cs.arrived);
            let clocks = self.flows.get(id).map(|f| f.clocks()).unwrap_or_default();
            for &(r, run) in clocks {
                let Some(sla) = c.slas.get(usize::from(r)) else {
                    continue;
                };
                let verdict = run.at_horizon(&sla.rule, horizon, self.open_time(sla.calendar));
                let s = &mut self.slas[usize::from(r)];
                match verdict {
                    Some(true) => {
                        s.breached += 1;
                        if let Some(b) = s.by_hour.get_mut(how) {
                            *b += 1;
                        }
                    }
                    Some(false) => s.pending += 1,
                    None => {}
                }
            }
        }
        // Work still waiting at the horizon has waited at least this long: count it, so
        // that a backlog at the end shows in the waits.
        for i in 0..self.roles.len() {
            for job in self.roles[i].queue.jobs() {
                let cs = &self.cases[job.case as usize];
                if cs.live && cs.life == job.life && cs.epoch == job.epoch && cs.counted {
                    let r = &mut self.roles[i];
                    r.wait_q.add(secs(horizon - job.t));
                    r.wait_s.add(secs(horizon - job.t));
                }
            }
        }
        for r in &mut self.roles {
            r.series.advance(secs(horizon));
        }
        let warmup = self.cal.warmup;
        let roles = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cr = &c.roles[i];
                let avail =
                    self.open_time(cr.calendar).between(warmup, horizon) * i64::from(cr.staff);
                let means = r.series.means();
                let maxima = r.series.maxima();
                let res = secs(horizon) / means.len().max(1) as f64;
                RoleStats {
                    role: c.role_ids[i].clone(),
                    staff: cr.staff,
                    utilisation: if avail > 0 {
                        r.work as f64 / avail as f64
                    } else {
                        0.0
                    },
                    wait: dist(&r.wait_q, &r.wait_s),
                    queue_mean: r.queue_tw.mean_until(secs(horizon)),
                    queue_max: r.queue_tw.max(),
                    queue_series: means
                        .iter()
                        .zip(&maxima)
                        .enumerate()
                        .map(|(b, (m, x))| (b as f64 * res / 3600.0, *m, *x))
                        .collect(),
                    tasks: r.tasks,
                    notified: r.notified,
                }
            })
            .collect();
        let slas = self
            .slas
            .iter()
            .enumerate()
            .map(|(i, s)| SlaStats {
                rule: c.sla_ids[i].clone(),
                met: s.met,
                breached: s.breached,
                pending: s.pending,
                cancelled: s.cancelled,
                attainment: if s.met + s.breached == 0 {
                    1.0
                } else {
                    s.met as f64 / (s.met + s.breached) as f64
                },
                time_to_stop: dist(&s.q, &s.s),
                breaches_by_hour: s.by_hour.clone(),
            })
            .collect();
        let t = &self.tally;
        let rep = RepResult {
            arrived: t.arrived,
            arrivals_by_hour: t.arrivals_by_hour.clone(),
            finished: t.finished,
            open,
            stuck: t.stuck,
            outcomes: c
                .outcomes
                .iter()
                .cloned()
                .zip(t.outcomes.iter().copied())
                .collect(),
            cycle_time: dist(&t.cycle_q, &t.cycle_s),
            slas,
            roles,
            visits: c
                .node_ids
                .iter()
                .cloned()
                .zip(t.visits.iter().copied())
                .collect(),
            events: self.cal.events,
        };
        (rep, self.log.take().unwrap_or_default())
    }
}

impl Driver for Moving<'_, '_> {
    fn now(&self) -> Millis {
        self.e.cal.now
    }

    fn open_time(&self, calendar: Option<u32>) -> &dyn OpenTime {
        self.e.open_time(calendar)
    }

    fn enter(&mut self, _flow: &engine::Case, token: Token) {
        if self.e.cases[self.case as usize].counted {
            self.e.tally.visits[token.node as usize] += 1;
        }
    }

    fn leave(&mut self, _flow: &engine::Case, node: u32) {
        // A task's completion is logged with the role that did it, when the work is done.
        if !self.e.c.is_task(node) {
            self.e.log(self.case, node, None, "complete");
        }
    }

    fn task(&mut self, flow: &engine::Case, token: Token, role: u32) -> bool {
        self.e.log(self.case, token.node, Some(role), "schedule");
        self.e.enqueue(self.case, flow, token, role);
        false
    }

    fn wait(&mut self, _flow: &engine::Case, token: Token) -> bool {
        let (case, n) = (self.case, token.node);
        let e = &mut *self.e;
        let life = e.cases[case as usize].life;
        let now = e.cal.now;
        match e.tables.waits.get(n as usize) {
            Some(Some(CWait::Delay(d))) => {
                e.cal
                    .push(now.saturating_add(*d), Ev::Wake { case, life, token });
            }
            Some(Some(CWait::Points { at, batch })) => {
                let i = at.partition_point(|p| *p < now);
                // No release within reach: the case waits past the horizon.
                let Some(&t) = at.get(i) else { return false };
                if *batch {
                    e.batches[n as usize].push((case, life, token));
                    if !e.batch_armed[n as usize] {
                        e.batch_armed[n as usize] = true;
                        e.cal.push(t, Ev::Batch(n));
                    }
                } else {
                    e.cal.push(t, Ev::Wake { case, life, token });
                }
            }
            _ => {}
        }
        false
    }

    fn notify(&mut self, _flow: &engine::Case, _token: Token, roles: &[u32]) -> bool {
        if self.e.cases[self.case as usize].counted {
            for r in roles {
                self.e.roles[*r as usize].notified += 1;
            }
        }
        true
    }

    fn decide(&mut self, c: &Compiled, flow: &engine::Case, token: Token) -> Choice {
        match c.decide(token.node, &self.e.cases[self.case as usize].attrs, flow) {
            Some(i) => Choice::Branch(i),
            None => Choice::None,
        }
    }

    fn end(&mut self, _flow: &engine::Case, token: Token, outcome: u32) {
        self.e.log(self.case, token.node, None, "complete");
        self.e.finish(self.case, Some(outcome));
    }

    fn stuck(&mut self, _flow: &engine::Case, _token: Token, _why: Stop) {
        if self.e.cases[self.case as usize].counted {
            self.e.tally.stuck += 1;
        }
        self.e.finish(self.case, None);
    }

    fn clock(&mut self, flow: &engine::Case, k: usize, change: Transition) {
        match change {
            Transition::Started | Transition::Resumed => self.e.plan_rung(self.case, flow, k),
            Transition::Stopped(state) => {
                let Some(&(r, run)) = flow.clocks().get(k) else {
                    return;
                };
                let used = match self.e.c.slas.get(usize::from(r)) {
                    Some(sla) => run.used_at(self.e.cal.now, self.e.open_time(sla.calendar)),
                    None => 0,
                };
                self.e.clock_stopped(self.case, usize::from(r), used, state);
            }
            Transition::Paused => {}
        }
    }
}
