//! The discrete-event loop of one replication.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::config::SimError;
use super::config::{Discipline, SimConfig};
use super::results::{LogRow, Progress, RepResult, RoleStats, SlaStats, dist};
use super::sample::{Stream, streams};
use super::stats::{Quantiles, Series, Summary, TimeWeighted};
use crate::engine::compiled::{CArrivals, CKind, CPoint, CWait, Clock, Compiled};

// ---- the engine ------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Ev {
    Arrive(u32),
    Done {
        case: u32,
        life: u32,
        node: u32,
        role: u32,
    },
    Wake {
        case: u32,
        life: u32,
        node: u32,
    },
    Batch(u32),
    Open(u32),
    Milestone {
        case: u32,
        life: u32,
        rule: u16,
        rung: u16,
        epoch: u32,
    },
    Warmup,
}

struct Item {
    t: f64,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Item {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    // A min-heap on (time, sequence).
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

#[derive(Clone, Default)]
struct Run {
    state: u8, // 0 not started, 1 running, 2 paused, 3 met, 4 breached
    used: f64,
    since: f64,
    rung: u16,
    epoch: u32,
}

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const PAUSED: u8 = 2;
const MET: u8 = 3;
const BREACHED: u8 = 4;
const CANCELLED: u8 = 5;

#[derive(Default)]
struct Case {
    life: u32,
    live: bool,
    counted: bool,
    id: u64,
    arrived: f64,
    attrs: Vec<u8>,
    taken: Vec<u8>,
    joins: Vec<(u32, u32)>,
    rules: Vec<u16>,
    runs: Vec<Run>,
    holder: u32,
    epoch: u32,
    queued: Vec<(u32, u32)>,
    rng: Option<Stream>,
}

#[derive(Clone, Copy)]
struct Job {
    case: u32,
    life: u32,
    epoch: u32,
    node: u32,
    t: f64,
    key: f64,
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
        o.0.key
            .total_cmp(&self.0.key)
            .then(o.0.seq.cmp(&self.0.seq))
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

struct RoleRun {
    busy: u32,
    queue: Queue,
    queued: u32,
    open_pending: bool,
    /// Work done (open time spent on tasks) after the warm-up, up to the horizon.
    work: f64,
    queue_tw: TimeWeighted,
    series: Series,
    wait_q: Quantiles,
    wait_s: Summary,
    tasks: u64,
    notified: u64,
}

struct SlaRun {
    met: u64,
    cancelled: u64,
    breached: u64,
    pending: u64,
    q: Quantiles,
    s: Summary,
    by_hour: Vec<u64>,
}

pub(super) struct Engine<'c> {
    c: &'c Compiled,
    cfg: &'c SimConfig,
    origin: DateTime<Utc>,
    rep: u32,
    now: f64,
    horizon: f64,
    warmup: f64,
    heap: BinaryHeap<Item>,
    seq: u64,
    events: u64,
    cases: Vec<Case>,
    free: Vec<u32>,
    open: u64,
    next_id: u64,
    arrivals: Vec<(Stream, usize)>,
    roles: Vec<RoleRun>,
    slas: Vec<SlaRun>,
    visits: Vec<u64>,
    outcomes: Vec<u64>,
    arrived: u64,
    finished: u64,
    stuck: u64,
    cycle_q: Quantiles,
    cycle_s: Summary,
    batches: Vec<Vec<(u32, u32)>>,
    batch_armed: Vec<bool>,
    stack: Vec<u32>,
    node_hooks: Vec<bool>,
    log: Option<Vec<LogRow>>,
    /// Local hour of the week of each hour of the run, in the run's display zone.
    how: Vec<u8>,
    arrivals_by_hour: Vec<u64>,
}

impl<'c> Engine<'c> {
    pub(super) fn new(
        c: &'c Compiled,
        cfg: &'c SimConfig,
        origin: DateTime<Utc>,
        rep: u32,
        tz: chrono_tz::Tz,
    ) -> Self {
        let horizon = cfg.horizon.as_secs() as f64;
        let warmup = (cfg.warmup.as_secs() as f64).min(horizon);
        let buckets =
            ((horizon / (cfg.resolution.as_secs().max(60) as f64)).ceil() as usize).min(100_000);
        let res = horizon / buckets.max(1) as f64;
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
                work: 0.0,
                queue_tw: TimeWeighted::new(0.0, 0.0),
                series: Series::new(0.0, res, buckets.max(1)),
                wait_q: Quantiles::new(),
                wait_s: Summary::new(),
                tasks: 0,
                notified: 0,
            })
            .collect();
        let mut node_hooks = vec![false; c.kinds.len()];
        for r in &c.slas {
            for p in [&r.start, &r.stop] {
                if let CPoint::Enter(ns) | CPoint::Leave(ns) = p {
                    for n in ns {
                        if let Some(h) = node_hooks.get_mut(*n as usize) {
                            *h = true;
                        }
                    }
                }
            }
            for n in &r.pause {
                if let Some(h) = node_hooks.get_mut(*n as usize) {
                    *h = true;
                }
            }
        }
        Engine {
            c,
            cfg,
            origin,
            rep,
            now: 0.0,
            horizon,
            warmup,
            heap: BinaryHeap::new(),
            seq: 0,
            events: 0,
            cases: Vec::new(),
            free: Vec::new(),
            open: 0,
            next_id: 0,
            arrivals: c
                .starts
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    (
                        Stream::new(cfg.seed, u64::from(rep), streams::arrivals(i)),
                        0,
                    )
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
            visits: vec![0; c.kinds.len()],
            outcomes: vec![0; c.outcomes.len()],
            arrived: 0,
            finished: 0,
            stuck: 0,
            cycle_q: Quantiles::new(),
            cycle_s: Summary::new(),
            batches: vec![Vec::new(); c.kinds.len()],
            batch_armed: vec![false; c.kinds.len()],
            stack: Vec::new(),
            node_hooks,
            log: (cfg.event_log && rep == 0).then(Vec::new),
            how: (0..=(horizon / 3600.0) as i64 + 1)
                .map(|h| {
                    use chrono::{Datelike, Timelike};
                    let at = (origin + TimeDelta::hours(h)).with_timezone(&tz);
                    (at.weekday().num_days_from_monday() * 24 + at.hour()) as u8
                })
                .collect(),
            arrivals_by_hour: vec![0; 168],
        }
    }

    #[inline]
    fn push(&mut self, t: f64, ev: Ev) {
        self.seq += 1;
        self.heap.push(Item {
            t,
            seq: self.seq,
            ev,
        });
    }

    fn clock(&self, i: Option<u32>) -> Option<&'c Clock> {
        i.and_then(|i| self.c.clocks.get(i as usize))
    }

    fn stamp(&self, t: f64) -> String {
        (self.origin + TimeDelta::milliseconds((t * 1000.0) as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    fn log(&mut self, case: u32, node: u32, resource: Option<u32>, lifecycle: &'static str) {
        let Some(log) = &self.log else { return };
        if log.len() >= self.cfg.limits.max_log_rows {
            return;
        }
        let row = LogRow {
            case_id: self.cases[case as usize].id,
            activity: self.c.node_ids[node as usize].clone(),
            timestamp: self.stamp(self.now),
            resource: resource
                .map(|r| self.c.role_ids[r as usize].clone())
                .unwrap_or_default(),
            lifecycle,
        };
        if let Some(log) = &mut self.log {
            log.push(row);
        }
    }

    // ---- arrivals ----

    fn schedule_arrival(&mut self, i: usize) -> Result<(), SimError> {
        let Some((_, arr)) = self.c.starts.get(i) else {
            return Ok(());
        };
        match arr {
            CArrivals::None => {}
            CArrivals::Poisson(segs) => {
                let Some((rng, seg)) = self.arrivals.get_mut(i) else {
                    return Ok(());
                };
                let mut e = rng.exponential(1.0);
                let mut t = self.now;
                while let Some(&(end, rate)) = segs.get(*seg) {
                    if rate > 0.0 && e <= rate * (end - t) {
                        let at = t + e / rate;
                        self.push(at, Ev::Arrive(i as u32));
                        return Ok(());
                    }
                    if rate > 0.0 {
                        e -= rate * (end - t);
                    }
                    t = end;
                    *seg += 1;
                }
            }
            CArrivals::Schedule(points, _) => {
                let Some((_, k)) = self.arrivals.get_mut(i) else {
                    return Ok(());
                };
                if let Some(&at) = points.get(*k) {
                    *k += 1;
                    if at < self.horizon {
                        self.push(at, Ev::Arrive(i as u32));
                    }
                }
            }
        }
        Ok(())
    }

    fn arrive(&mut self, i: u32) -> Result<(), SimError> {
        let count = match self.c.starts.get(i as usize) {
            Some((_, CArrivals::Schedule(_, n))) => *n,
            _ => 1,
        };
        self.schedule_arrival(i as usize)?;
        let Some(&(node, _)) = self.c.starts.get(i as usize) else {
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
            self.enter(id, node);
        }
        Ok(())
    }

    fn limit(&self, what: &'static str, limit: u64) -> SimError {
        SimError::Limit {
            what,
            limit,
            at: self.stamp(self.now),
        }
    }

    fn new_case(&mut self) -> u32 {
        let id = match self.free.pop() {
            Some(i) => i,
            None => {
                self.cases.push(Case::default());
                (self.cases.len() - 1) as u32
            }
        };
        let seq = self.next_id;
        self.next_id += 1;
        self.open += 1;
        let counted = self.now >= self.warmup;
        if counted {
            self.arrived += 1;
            let how = self.hour_of_week(self.now);
            if let Some(a) = self.arrivals_by_hour.get_mut(how) {
                *a += 1;
            }
        }
        let c = self.c;
        let mut rng = Stream::new(self.cfg.seed, u64::from(self.rep), streams::case(seq));
        let case = &mut self.cases[id as usize];
        case.life = case.life.wrapping_add(1);
        case.live = true;
        case.counted = counted;
        case.id = seq + 1;
        case.arrived = self.now;
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
        case.taken.clear();
        case.taken.resize(c.slots as usize, 0);
        case.joins.clear();
        case.queued.clear();
        case.holder = u32::MAX;
        case.epoch = 0;
        case.rules.clear();
        case.runs.clear();
        for (r, sla) in c.slas.iter().enumerate() {
            if sla
                .guard
                .is_none_or(|g| c.guards[g as usize].contains(&case.attrs))
            {
                case.rules.push(r as u16);
                case.runs.push(Run::default());
            }
        }
        case.rng = Some(rng);
        self.clock_event(id, Hook::Start);
        id
    }

    // ---- the step: a token enters a node ----

    fn enter(&mut self, case: u32, node: u32) {
        self.stack.push(node);
        self.resume(case);
    }

    /// Moves the case's tokens on the stack until each waits (in a queue, a wait, a join)
    /// or the case ends.
    fn resume(&mut self, case: u32) {
        while let Some(n) = self.stack.pop() {
            if !self.cases[case as usize].live {
                self.stack.clear();
                return;
            }
            if self.cases[case as usize].counted {
                self.visits[n as usize] += 1;
            }
            if self.node_hooks[n as usize] {
                self.clock_event(case, Hook::Enter(n));
            }
            let c = self.c;
            match &c.kinds[n as usize] {
                CKind::Start | CKind::Notify(_) => {
                    if let CKind::Notify(roles) = &c.kinds[n as usize]
                        && self.cases[case as usize].counted
                    {
                        for r in roles {
                            self.roles[*r as usize].notified += 1;
                        }
                    }
                    self.log(case, n, None, "complete");
                    self.leave_to_single(case, n);
                }
                CKind::Task { role, .. } => {
                    self.log(case, n, Some(*role), "schedule");
                    self.enqueue(case, n, *role);
                }
                CKind::Decision => {
                    let cs = &self.cases[case as usize];
                    match c.decide(n, &cs.attrs, &cs.taken) {
                        Some(i) => {
                            self.log(case, n, None, "complete");
                            self.leave(case, n);
                            self.take(case, n, i);
                        }
                        None => {
                            if self.cases[case as usize].counted {
                                self.stuck += 1;
                            }
                            self.finish(case, None);
                        }
                    }
                }
                CKind::Fork => {
                    self.log(case, n, None, "complete");
                    self.leave(case, n);
                    let k = c.out_edges(n).len();
                    for i in (0..k).rev() {
                        self.take(case, n, i);
                    }
                }
                CKind::Join(need) => {
                    let cs = &mut self.cases[case as usize];
                    let slot = match cs.joins.iter_mut().find(|(j, _)| *j == n) {
                        Some(s) => s,
                        None => {
                            cs.joins.push((n, 0));
                            let l = cs.joins.len() - 1;
                            &mut cs.joins[l]
                        }
                    };
                    slot.1 += 1;
                    if slot.1 >= *need {
                        slot.1 = 0;
                        self.log(case, n, None, "complete");
                        self.leave_to_single(case, n);
                    }
                }
                CKind::Wait(w) => match w {
                    CWait::Delay(d) => {
                        let life = self.cases[case as usize].life;
                        self.push(
                            self.now + d,
                            Ev::Wake {
                                case,
                                life,
                                node: n,
                            },
                        );
                    }
                    CWait::Points { at, batch } => {
                        let i = at.partition_point(|p| *p < self.now);
                        let Some(&t) = at.get(i) else {
                            // No release within reach: the case waits past the horizon.
                            continue;
                        };
                        if *batch {
                            let life = self.cases[case as usize].life;
                            self.batches[n as usize].push((case, life));
                            if !self.batch_armed[n as usize] {
                                self.batch_armed[n as usize] = true;
                                self.push(t, Ev::Batch(n));
                            }
                        } else {
                            let life = self.cases[case as usize].life;
                            self.push(
                                t,
                                Ev::Wake {
                                    case,
                                    life,
                                    node: n,
                                },
                            );
                        }
                    }
                },
                CKind::End(o) => {
                    self.log(case, n, None, "complete");
                    self.finish(case, Some(*o));
                    self.stack.clear();
                    return;
                }
            }
        }
    }

    /// Leaves a node through its only edge.
    fn leave_to_single(&mut self, case: u32, n: u32) {
        self.leave(case, n);
        if !self.c.out_edges(n).is_empty() {
            self.take(case, n, 0);
        }
    }

    fn leave(&mut self, case: u32, n: u32) {
        if self.node_hooks[n as usize] {
            self.clock_event(case, Hook::Leave(n));
        }
    }

    /// Follows the `i`-th outgoing edge of `n`: counts it and queues its target.
    fn take(&mut self, case: u32, n: u32, i: usize) {
        let Some(e) = self.c.out_edges(n).get(i) else {
            return;
        };
        if e.limit > 0
            && let Some(t) = self.cases[case as usize].taken.get_mut(e.slot as usize)
        {
            *t = t.saturating_add(1);
        }
        self.stack.push(e.to);
    }

    // ---- roles ----

    fn edf_key(&self, case: u32) -> f64 {
        let cs = &self.cases[case as usize];
        let mut best = f64::INFINITY;
        for (k, r) in cs.rules.iter().enumerate() {
            let run = &cs.runs[k];
            if run.state == RUNNING {
                let sla = &self.c.slas[*r as usize];
                let due = match self.clock(sla.clock) {
                    Some(cl) => cl.add(run.since, sla.target - run.used),
                    None => run.since + sla.target - run.used,
                };
                best = best.min(due);
            }
        }
        best
    }

    fn enqueue(&mut self, case: u32, node: u32, role: u32) {
        let key = if matches!(self.cfg.discipline, Discipline::EarliestDeadline) {
            self.edf_key(case)
        } else {
            0.0
        };
        self.seq += 1;
        let cs = &mut self.cases[case as usize];
        cs.holder = role;
        let job = Job {
            case,
            life: cs.life,
            epoch: cs.epoch,
            node,
            t: self.now,
            key,
            seq: self.seq,
        };
        // Straight to work when someone is free and nobody is waiting.
        if self.roles[role as usize].queue.is_empty() && self.can_start(role) {
            self.start(role, job, false);
            return;
        }
        self.cases[case as usize].queued.push((role, node));
        let r = &mut self.roles[role as usize];
        r.queue.push(job);
        r.queued += 1;
        let (now, q) = (self.now, f64::from(r.queued));
        r.queue_tw.set(now, q);
        r.series.set(now, q);
        self.dispatch(role);
    }

    /// True when one of the role's staff is free and the role's calendar is open now;
    /// when it is closed, arranges to look again at the next opening.
    fn can_start(&mut self, role: u32) -> bool {
        let cr = &self.c.roles[role as usize];
        if self.roles[role as usize].busy >= cr.staff {
            return false;
        }
        if let Some(cl) = self.clock(cr.clock) {
            let open = cl.next_open(self.now);
            if open > self.now {
                let r = &mut self.roles[role as usize];
                if !r.open_pending && open.is_finite() {
                    r.open_pending = true;
                    self.push(open, Ev::Open(role));
                }
                return false;
            }
        }
        true
    }

    /// Starts queued work while staff are free and the calendar is open.
    fn dispatch(&mut self, role: u32) {
        while !self.roles[role as usize].queue.is_empty() && self.can_start(role) {
            let r = &mut self.roles[role as usize];
            let Some(job) = r.queue.pop() else { return };
            r.queued = r.queued.saturating_sub(1);
            let (now, q) = (self.now, f64::from(r.queued));
            r.queue_tw.set(now, q);
            r.series.set(now, q);
            self.start(role, job, true);
        }
    }

    /// One of the role's staff takes the job (skipped if its case ended or moved on).
    fn start(&mut self, role: u32, job: Job, was_queued: bool) {
        let c = self.c;
        let cs = &mut self.cases[job.case as usize];
        if !cs.live || cs.life != job.life || cs.epoch != job.epoch {
            return;
        }
        if was_queued
            && let Some(p) = cs
                .queued
                .iter()
                .position(|(ro, n)| *ro == role && *n == job.node)
        {
            cs.queued.swap_remove(p);
        }
        let effort = match &c.kinds[job.node as usize] {
            CKind::Task {
                effort: Some(e), ..
            } => cs.rng.as_mut().map_or(0.0, |g| g.effort(e)),
            _ => 0.0,
        };
        let (counted, life) = (cs.counted, cs.life);
        let r = &mut self.roles[role as usize];
        if counted {
            r.wait_q.add(self.now - job.t);
            r.wait_s.add(self.now - job.t);
        }
        r.busy += 1;
        let clock = self.clock(c.roles[role as usize].clock);
        let done = match clock {
            Some(cl) => cl.add(self.now, effort),
            None => self.now + effort,
        };
        // Utilisation counts the work done between the warm-up and the horizon.
        if self.now >= self.warmup {
            let until = done.min(self.horizon);
            let r = &mut self.roles[role as usize];
            r.work += match clock {
                Some(cl) => cl.between(self.now, until),
                None => (until - self.now).max(0.0),
            };
        }
        self.log(job.case, job.node, Some(role), "start");
        if done.is_finite() {
            self.push(
                done,
                Ev::Done {
                    case: job.case,
                    life,
                    node: job.node,
                    role,
                },
            );
        }
    }

    fn done(&mut self, case: u32, life: u32, node: u32, role: u32) {
        let r = &mut self.roles[role as usize];
        r.busy = r.busy.saturating_sub(1);
        let cs = &self.cases[case as usize];
        let live = cs.live && cs.life == life;
        if live {
            if cs.counted {
                self.roles[role as usize].tasks += 1;
            }
            self.log(case, node, Some(role), "complete");
            self.leave_to_single(case, node);
            self.resume(case);
        }
        self.dispatch(role);
    }

    // ---- SLA clocks ----

    fn clock_event(&mut self, case: u32, hook: Hook) {
        let c = self.c;
        let k_max = self.cases[case as usize].rules.len();
        for k in 0..k_max {
            let r = self.cases[case as usize].rules[k] as usize;
            let sla = &c.slas[r];
            let hit = |p: &CPoint| match (p, hook) {
                (CPoint::Start, Hook::Start) | (CPoint::End, Hook::End) => true,
                (CPoint::Enter(ns), Hook::Enter(n)) | (CPoint::Leave(ns), Hook::Leave(n)) => {
                    ns.contains(&n)
                }
                _ => false,
            };
            let state = self.cases[case as usize].runs[k].state;
            match state {
                NOT_STARTED if hit(&sla.start) => {
                    let run = &mut self.cases[case as usize].runs[k];
                    run.state = RUNNING;
                    run.since = self.now;
                    run.used = 0.0;
                    self.plan_milestone(case, k);
                }
                RUNNING | PAUSED if hit(&sla.stop) => self.stop_clock(case, k, true),
                RUNNING | PAUSED if matches!(hook, Hook::End) => self.stop_clock(case, k, false),
                RUNNING if matches!(hook, Hook::Enter(n) if sla.pause.contains(&n)) => {
                    let used = self.used(case, k);
                    let run = &mut self.cases[case as usize].runs[k];
                    run.used = used;
                    run.state = PAUSED;
                    run.epoch = run.epoch.wrapping_add(1);
                }
                PAUSED if matches!(hook, Hook::Leave(n) if sla.pause.contains(&n)) => {
                    let run = &mut self.cases[case as usize].runs[k];
                    run.state = RUNNING;
                    run.since = self.now;
                    self.plan_milestone(case, k);
                }
                _ => {}
            }
        }
    }

    fn used(&self, case: u32, k: usize) -> f64 {
        let cs = &self.cases[case as usize];
        let run = &cs.runs[k];
        if run.state != RUNNING {
            return run.used;
        }
        let sla = &self.c.slas[cs.rules[k] as usize];
        run.used
            + match self.clock(sla.clock) {
                Some(cl) => cl.between(run.since, self.now),
                None => self.now - run.since,
            }
    }

    /// Stops a clock at its stop point (`reached`) or because the case ended first.
    fn stop_clock(&mut self, case: u32, k: usize, reached: bool) {
        let used = self.used(case, k);
        let r = self.cases[case as usize].rules[k] as usize;
        let target = self.c.slas[r].target;
        let met = used <= target + 1e-9;
        if met && !reached {
            // The promise never came due: not counted either way.
            let run = &mut self.cases[case as usize].runs[k];
            run.used = used;
            run.state = CANCELLED;
            run.epoch = run.epoch.wrapping_add(1);
            if self.cases[case as usize].counted {
                self.slas[r].cancelled += 1;
            }
            return;
        }
        let counted = self.cases[case as usize].counted;
        let arrived = self.cases[case as usize].arrived;
        let run = &mut self.cases[case as usize].runs[k];
        run.used = used;
        run.state = if met { MET } else { BREACHED };
        run.epoch = run.epoch.wrapping_add(1);
        if counted {
            let s = &mut self.slas[r];
            s.q.add(used);
            s.s.add(used);
            if met {
                s.met += 1;
            } else {
                let how = self.hour_of_week(arrived);
                let s = &mut self.slas[r];
                s.breached += 1;
                if let Some(b) = s.by_hour.get_mut(how) {
                    *b += 1;
                }
            }
        }
    }

    /// The local hour of the week (Monday 00:00 = 0) of an instant of the run.
    fn hour_of_week(&self, t: f64) -> usize {
        let h = (t.max(0.0) / 3600.0) as usize;
        self.how.get(h).map_or(0, |x| usize::from(*x))
    }

    fn plan_milestone(&mut self, case: u32, k: usize) {
        let cs = &self.cases[case as usize];
        let r = cs.rules[k] as usize;
        let sla = &self.c.slas[r];
        let run = &cs.runs[k];
        let Some(m) = sla.ladder.get(run.rung as usize) else {
            return;
        };
        let left = (m.at - run.used).max(0.0);
        let at = match self.clock(sla.clock) {
            Some(cl) => cl.add(run.since, left),
            None => run.since + left,
        };
        if at.is_finite() {
            let ev = Ev::Milestone {
                case,
                life: cs.life,
                rule: k as u16,
                rung: run.rung,
                epoch: run.epoch,
            };
            self.push(at, ev);
        }
    }

    fn milestone(&mut self, case: u32, life: u32, k: u16, rung: u16, epoch: u32) {
        let k = k as usize;
        {
            let cs = &self.cases[case as usize];
            if !cs.live || cs.life != life {
                return;
            }
            let Some(run) = cs.runs.get(k) else { return };
            if run.epoch != epoch || run.rung != rung || run.state != RUNNING {
                return;
            }
        }
        let c = self.c;
        let r = self.cases[case as usize].rules[k] as usize;
        let Some(m) = c.slas[r].ladder.get(rung as usize) else {
            return;
        };
        let counted = self.cases[case as usize].counted;
        let holder = self.cases[case as usize].holder;
        if counted {
            for role in &m.notify {
                self.roles[*role as usize].notified += 1;
            }
            if m.notify_manager
                && let Some(mgr) = c.roles.get(holder as usize).and_then(|r| r.manager)
            {
                self.roles[mgr as usize].notified += 1;
            }
        }
        if let Some(to) = m.reassign {
            self.reassign(case, holder, to);
        }
        self.cases[case as usize].runs[k].rung += 1;
        self.plan_milestone(case, k);
    }

    /// Moves the case's queued work from one role to another.
    fn reassign(&mut self, case: u32, from: u32, to: u32) {
        let cs = &mut self.cases[case as usize];
        if !cs.queued.iter().any(|(r, _)| *r == from) {
            return;
        }
        cs.epoch = cs.epoch.wrapping_add(1);
        let jobs: Vec<(u32, u32)> = cs.queued.drain(..).collect();
        for (role, node) in jobs {
            let target = if role == from { to } else { role };
            self.enqueue(case, node, target);
        }
    }

    fn finish(&mut self, case: u32, outcome: Option<u32>) {
        self.clock_event(case, Hook::End);
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
            self.outcomes[o as usize] += 1;
            self.finished += 1;
            self.cycle_q.add(self.now - arrived);
            self.cycle_s.add(self.now - arrived);
        }
    }

    // ---- the loop ----

    pub(super) fn run(
        mut self,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<(RepResult, Vec<LogRow>), SimError> {
        for i in 0..self.c.starts.len() {
            self.schedule_arrival(i)?;
        }
        if self.warmup > 0.0 {
            self.push(self.warmup, Ev::Warmup);
        }
        let reps = self.cfg.replications.max(1);
        while let Some(item) = self.heap.pop() {
            if item.t > self.horizon {
                break;
            }
            self.now = item.t;
            self.events += 1;
            if self.events >= self.cfg.limits.max_events {
                return Err(self.limit("events", self.cfg.limits.max_events));
            }
            if self.events & 0x3FFF == 0 {
                let done = (f64::from(self.rep) + self.now / self.horizon) / f64::from(reps);
                if !progress(Progress {
                    replication: self.rep,
                    replications: reps,
                    done,
                }) {
                    return Err(SimError::Cancelled);
                }
            }
            match item.ev {
                Ev::Arrive(i) => self.arrive(i)?,
                Ev::Done {
                    case,
                    life,
                    node,
                    role,
                } => self.done(case, life, node, role),
                Ev::Wake { case, life, node } => {
                    let cs = &self.cases[case as usize];
                    if cs.live && cs.life == life {
                        self.log(case, node, None, "complete");
                        self.leave_to_single(case, node);
                        self.resume(case);
                    }
                }
                Ev::Batch(node) => {
                    self.batch_armed[node as usize] = false;
                    let waiting = std::mem::take(&mut self.batches[node as usize]);
                    for (case, life) in waiting {
                        let cs = &self.cases[case as usize];
                        if cs.live && cs.life == life {
                            self.log(case, node, None, "complete");
                            self.leave_to_single(case, node);
                            self.resume(case);
                        }
                    }
                }
                Ev::Open(role) => {
                    self.roles[role as usize].open_pending = false;
                    self.dispatch(role);
                }
                Ev::Milestone {
                    case,
                    life,
                    rule,
                    rung,
                    epoch,
                } => self.milestone(case, life, rule, rung, epoch),
                Ev::Warmup => {
                    let now = self.now;
                    for r in &mut self.roles {
                        r.queue_tw.reset(now);
                    }
                }
            }
        }
        self.now = self.horizon;
        Ok(self.results())
    }

    fn results(mut self) -> (RepResult, Vec<LogRow>) {
        let c = self.c;
        // Clocks still running at the horizon.
        let mut open = 0;
        for id in 0..self.cases.len() {
            if !self.cases[id].live {
                continue;
            }
            if self.cases[id].counted {
                open += 1;
            }
            for k in 0..self.cases[id].rules.len() {
                let state = self.cases[id].runs[k].state;
                if (state == RUNNING || state == PAUSED) && self.cases[id].counted {
                    let used = self.used(id as u32, k);
                    let r = self.cases[id].rules[k] as usize;
                    if used > c.slas[r].target {
                        self.slas[r].breached += 1;
                        let how = self.hour_of_week(self.cases[id].arrived);
                        if let Some(b) = self.slas[r].by_hour.get_mut(how) {
                            *b += 1;
                        }
                    } else {
                        self.slas[r].pending += 1;
                    }
                }
            }
        }
        let horizon = self.horizon;
        // Work still waiting at the horizon has waited at least this long: count it, so
        // that a backlog at the end shows in the waits.
        for i in 0..self.roles.len() {
            for job in self.roles[i].queue.jobs() {
                let cs = &self.cases[job.case as usize];
                if cs.live && cs.life == job.life && cs.epoch == job.epoch && cs.counted {
                    let r = &mut self.roles[i];
                    r.wait_q.add(horizon - job.t);
                    r.wait_s.add(horizon - job.t);
                }
            }
        }
        for r in &mut self.roles {
            r.series.advance(horizon);
        }
        let span = self.horizon - self.warmup;
        let roles = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cr = &c.roles[i];
                let avail = match self.clock(cr.clock) {
                    Some(cl) => cl.between(self.warmup, self.horizon),
                    None => span,
                } * f64::from(cr.staff);
                let busy = r.work;
                let means = r.series.means();
                let maxima = r.series.maxima();
                let res = self.horizon / means.len().max(1) as f64;
                RoleStats {
                    role: c.role_ids[i].clone(),
                    staff: cr.staff,
                    utilisation: if avail > 0.0 { busy / avail } else { 0.0 },
                    wait: dist(&r.wait_q, &r.wait_s),
                    queue_mean: r.queue_tw.mean_until(self.horizon),
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
        let rep = RepResult {
            arrived: self.arrived,
            arrivals_by_hour: self.arrivals_by_hour.clone(),
            finished: self.finished,
            open,
            stuck: self.stuck,
            outcomes: c
                .outcomes
                .iter()
                .cloned()
                .zip(self.outcomes.iter().copied())
                .collect(),
            cycle_time: dist(&self.cycle_q, &self.cycle_s),
            slas,
            roles,
            visits: c
                .node_ids
                .iter()
                .cloned()
                .zip(self.visits.iter().copied())
                .collect(),
            events: self.events,
        };
        (rep, self.log.take().unwrap_or_default())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hook {
    Start,
    Enter(u32),
    Leave(u32),
    End,
}
