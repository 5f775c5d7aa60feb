//! The SLA clock: one state machine per case and rule, on one time base (integer
//! milliseconds), used by every driver of the engine — the simulator, the drill, the
//! timeline of a route — so that "met" and "breached" mean the same everywhere. Nothing
//! here reads the system clock; time is always passed in.
//!
//! A clock moves `not started → running ⇄ paused → met | breached | cancelled`:
//!
//! - it starts at the rule's `start` point (the case entering the workflow, or entering or
//!   leaving one of the named nodes);
//! - it pauses while the case is in one of the `pause` nodes (entering one pauses it,
//!   leaving it resumes);
//! - it stops at the rule's `stop` point, or when the case ends, whichever comes first;
//!   it is *met* when the clock time used is at most the target ([`met`]), *breached* when
//!   over it; a case that ends before the stop point within the target *cancels* the clock
//!   (the promise never came due), and one already over it is breached;
//! - while it runs, the escalation ladder's rungs come due in order of their amounts:
//!   `"75%"` of the target, `"100%"` (the breach), `"2d overdue"` (target plus two days, on
//!   the same clock). A rung reached while the clock is paused comes due when it resumes.
//!
//! [`SlaRun`] is the state machine over [`Millis`] since an origin, with the clock's
//! calendar as an [`OpenTime`]. [`SlaClock`] wraps one for hosts that think in instants and
//! node ids (the drill view, a test):
//!
//! ```
//! use flowdrill_core::time::clock::{CaseEvent, ClockState, SlaClock};
//! use flowdrill_core::time::business::parse_instant;
//! use flowdrill_core::SlaRule;
//!
//! let rule: SlaRule = serde_json::from_str(r#"{"id": "reply", "target": "1h",
//!     "stop": {"enter": "answer"}, "escalation": [{"at": "50%", "notify": "lead"}]}"#).unwrap();
//! let mut clock = SlaClock::new(&rule, None);
//! let t0 = parse_instant("2026-11-23T10:00:00Z").unwrap();
//! clock.step(&CaseEvent::Start, t0);
//! assert_eq!(clock.state(), ClockState::Running);
//! clock.step(&CaseEvent::Enter("answer"), parse_instant("2026-11-23T10:40:00Z").unwrap());
//! assert_eq!(clock.state(), ClockState::Met);
//! assert_eq!(clock.fired().len(), 1); // the 50% rung at 10:30
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::model::duration::Duration;
use crate::time::calendar::Calendar;
use crate::time::sla::{ClockPoint, MilestoneAt, SlaRule};

/// Milliseconds since a driver's origin: the engine's one time base.
pub type Millis = i64;

/// Milliseconds in a duration (saturating).
pub fn millis(d: Duration) -> Millis {
    i64::try_from(d.as_secs())
        .unwrap_or(i64::MAX)
        .saturating_mul(1000)
}

/// How much of the time between instants a clock counts: around the clock, or the open
/// hours of a business calendar.
pub trait OpenTime {
    /// Clock time between `a` and `b` (zero when `b` is not after `a`).
    fn between(&self, a: Millis, b: Millis) -> Millis;
    /// The instant at which `amount` of clock time has passed since `from` (`None` when
    /// that is beyond reach).
    fn after(&self, from: Millis, amount: Millis) -> Option<Millis>;
}

/// A clock that counts every millisecond.
#[derive(Debug, Clone, Copy, Default)]
pub struct AroundTheClock;

impl OpenTime for AroundTheClock {
    #[inline]
    fn between(&self, a: Millis, b: Millis) -> Millis {
        b.saturating_sub(a).max(0)
    }
    #[inline]
    fn after(&self, from: Millis, amount: Millis) -> Option<Millis> {
        from.checked_add(amount.max(0))
    }
}

/// A business calendar counted exactly, for drivers without precomputed tables: instants
/// are milliseconds since `origin`.
#[derive(Debug, Clone, Copy)]
pub struct Exact<'c> {
    /// The calendar.
    pub calendar: &'c Calendar,
    /// The instant of `0`.
    pub origin: DateTime<Utc>,
}

impl Exact<'_> {
    fn instant(&self, t: Millis) -> Option<DateTime<Utc>> {
        self.origin
            .checked_add_signed(TimeDelta::try_milliseconds(t)?)
    }
}

impl OpenTime for Exact<'_> {
    fn between(&self, a: Millis, b: Millis) -> Millis {
        match (self.instant(a), self.instant(b)) {
            (Some(a), Some(b)) => self.calendar.elapsed_exact(a, b).num_milliseconds(),
            _ => 0,
        }
    }
    fn after(&self, from: Millis, amount: Millis) -> Option<Millis> {
        let start = self.instant(from)?;
        let t = self
            .calendar
            .deadline_exact(start, TimeDelta::try_milliseconds(amount)?)
            .ok()?;
        Some((t - self.origin).num_milliseconds())
    }
}

/// Where a clock starts or stops, compiled: node numbers are the driver's.
#[derive(Debug, Clone, PartialEq)]
pub enum Point {
    /// The case starts.
    Start,
    /// The case ends.
    End,
    /// Entering one of the nodes.
    Enter(Vec<u32>),
    /// Leaving one of the nodes.
    Leave(Vec<u32>),
}

/// Something that happened to a case, as a clock sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// The case entered the workflow.
    Start,
    /// The case entered a node.
    Enter(u32),
    /// The case left a node.
    Leave(u32),
    /// The case ended.
    End,
}

impl Point {
    #[inline]
    fn hit(&self, hook: Hook) -> bool {
        match (self, hook) {
            (Point::Start, Hook::Start) | (Point::End, Hook::End) => true,
            (Point::Enter(ns), Hook::Enter(n)) | (Point::Leave(ns), Hook::Leave(n)) => {
                ns.contains(&n)
            }
            _ => false,
        }
    }
}

/// One rung of an escalation ladder, compiled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rung {
    /// Clock time at which it comes due.
    pub amount: Millis,
    /// Its position in the rule's `escalation` list.
    pub index: usize,
}

/// An SLA rule as the clock runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockRule {
    /// Where the clock starts.
    pub start: Point,
    /// Where it stops.
    pub stop: Point,
    /// Nodes that pause it.
    pub pause: Vec<u32>,
    /// The target in clock time.
    pub target: Millis,
    /// The ladder, in the order its rungs come due (ties in file order).
    pub ladder: Vec<Rung>,
}

impl ClockRule {
    /// Compiles a rule, numbering nodes with `node` (ids it does not know are dropped).
    pub fn new(rule: &SlaRule, node: impl Fn(&str) -> Option<u32>) -> ClockRule {
        let point = |p: &ClockPoint| match p {
            ClockPoint::Start => Point::Start,
            ClockPoint::End => Point::End,
            ClockPoint::Enter(ids) => Point::Enter(ids.iter().filter_map(|i| node(i)).collect()),
            ClockPoint::Leave(ids) => Point::Leave(ids.iter().filter_map(|i| node(i)).collect()),
        };
        let target = millis(rule.target);
        let mut ladder: Vec<Rung> = rule
            .escalation
            .iter()
            .enumerate()
            .map(|(index, m)| Rung {
                amount: match m.at {
                    MilestoneAt::Percent(p) => target.saturating_mul(i64::from(p)) / 100,
                    MilestoneAt::Overdue(d) => target.saturating_add(millis(d)),
                },
                index,
            })
            .collect();
        crate::util::sort::sort_by_key(&mut ladder, |r| (r.amount, r.index));
        ClockRule {
            start: point(&rule.start),
            stop: point(&rule.stop),
            pause: rule.pause.iter().filter_map(|i| node(i)).collect(),
            target,
            ladder,
        }
    }

    /// True when the clock must hear about entering or leaving this node.
    pub fn watches(&self, n: u32) -> bool {
        self.pause.contains(&n)
            || [&self.start, &self.stop]
                .iter()
                .any(|p| matches!(p, Point::Enter(ns) | Point::Leave(ns) if ns.contains(&n)))
    }
}

/// The one definition of a met SLA: the clock time used is at most the target.
#[inline]
pub fn met(used: Millis, target: Millis) -> bool {
    used <= target
}

/// Where a clock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ClockState {
    /// The start point has not been reached.
    #[default]
    NotStarted,
    /// Counting.
    Running,
    /// Stopped for a while (the case is waiting in a pause node).
    Paused,
    /// Stopped within the target.
    Met,
    /// Stopped after the target (or past it when the case ended before the stop point).
    Breached,
    /// The case ended before the stop point, within the target: the promise never came
    /// due (a post that was let stand needs no reply). Not counted as met or breached.
    Cancelled,
}

impl ClockState {
    /// True once the clock has stopped (met, breached or cancelled).
    pub fn is_stopped(self) -> bool {
        matches!(
            self,
            ClockState::Met | ClockState::Breached | ClockState::Cancelled
        )
    }
}

/// What a hook did to a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// It started.
    Started,
    /// It paused.
    Paused,
    /// It resumed.
    Resumed,
    /// It stopped in this state (met, breached or cancelled).
    Stopped(ClockState),
}

/// The SLA clock of one case under one rule. Forty bytes of plain numbers (an instant not
/// yet reached is [`NEVER`]): a simulation makes one per case and rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaRun {
    /// Clock time used before the current running span.
    used: Millis,
    /// Start of the current running span.
    since: Millis,
    started: Millis,
    stopped: Millis,
    /// Changes whenever the clock starts, pauses, resumes or stops: a rung planned under
    /// an older epoch is stale.
    epoch: u32,
    /// The next rung of the ladder to come due.
    rung: u16,
    state: ClockState,
}

/// The instant of something that has not happened (a clock not started or not stopped).
const NEVER: Millis = Millis::MIN;

impl Default for SlaRun {
    fn default() -> Self {
        Self::IDLE
    }
}

impl SlaRun {
    /// A clock not started.
    pub const IDLE: SlaRun = SlaRun {
        used: 0,
        since: 0,
        started: NEVER,
        stopped: NEVER,
        epoch: 0,
        rung: 0,
        state: ClockState::NotStarted,
    };

    /// Where the clock is.
    #[inline]
    pub fn state(&self) -> ClockState {
        self.state
    }

    /// When it started.
    pub fn started(&self) -> Option<Millis> {
        (self.started != NEVER).then_some(self.started)
    }

    /// When it stopped.
    pub fn stopped(&self) -> Option<Millis> {
        (self.stopped != NEVER).then_some(self.stopped)
    }

    /// The next rung to come due (an index into [`ClockRule::ladder`]).
    pub fn rung(&self) -> usize {
        usize::from(self.rung)
    }

    /// Changes whenever the clock starts, pauses, resumes or stops.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Clock time used up to `now`.
    #[inline]
    pub fn used_at(&self, now: Millis, time: &dyn OpenTime) -> Millis {
        if self.state == ClockState::Running && now > self.since {
            self.used.saturating_add(time.between(self.since, now))
        } else {
            self.used
        }
    }

    /// The instant the clock reaches `amount` of used time, if it is running.
    pub fn instant_of(&self, amount: Millis, time: &dyn OpenTime) -> Option<Millis> {
        if self.state != ClockState::Running {
            return None;
        }
        time.after(self.since, amount.saturating_sub(self.used).max(0))
    }

    /// The instant the target is reached if the clock keeps running.
    pub fn deadline(&self, rule: &ClockRule, time: &dyn OpenTime) -> Option<Millis> {
        self.instant_of(rule.target, time)
    }

    /// The next rung to come due and when, if the clock is running.
    pub fn next_rung(&self, rule: &ClockRule, time: &dyn OpenTime) -> Option<(Rung, Millis)> {
        let rung = *rule.ladder.get(usize::from(self.rung))?;
        Some((rung, self.instant_of(rung.amount, time)?))
    }

    /// Marks the next rung as fired.
    pub fn fire(&mut self) {
        self.rung = self.rung.saturating_add(1);
    }

    /// Applies a hook at `now`; returns what changed. Hooks must come in time order.
    #[inline]
    pub fn on(
        &mut self,
        rule: &ClockRule,
        hook: Hook,
        now: Millis,
        time: &dyn OpenTime,
    ) -> Option<Transition> {
        match self.state {
            ClockState::NotStarted if rule.start.hit(hook) => {
                self.state = ClockState::Running;
                self.since = now;
                self.used = 0;
                self.started = now;
                self.epoch = self.epoch.wrapping_add(1);
                Some(Transition::Started)
            }
            ClockState::Running | ClockState::Paused if rule.stop.hit(hook) => {
                Some(self.stop(rule, now, true, time))
            }
            ClockState::Running | ClockState::Paused if hook == Hook::End => {
                Some(self.stop(rule, now, false, time))
            }
            ClockState::Running if matches!(hook, Hook::Enter(n) if rule.pause.contains(&n)) => {
                self.used = self.used_at(now, time);
                self.state = ClockState::Paused;
                self.epoch = self.epoch.wrapping_add(1);
                Some(Transition::Paused)
            }
            ClockState::Paused if matches!(hook, Hook::Leave(n) if rule.pause.contains(&n)) => {
                self.state = ClockState::Running;
                self.since = now;
                self.epoch = self.epoch.wrapping_add(1);
                Some(Transition::Resumed)
            }
            _ => None,
        }
    }

    fn stop(
        &mut self,
        rule: &ClockRule,
        now: Millis,
        reached: bool,
        time: &dyn OpenTime,
    ) -> Transition {
        self.used = self.used_at(now, time);
        self.stopped = now;
        self.epoch = self.epoch.wrapping_add(1);
        self.state = match (met(self.used, rule.target), reached) {
            (true, true) => ClockState::Met,
            (true, false) => ClockState::Cancelled,
            (false, _) => ClockState::Breached,
        };
        Transition::Stopped(self.state)
    }

    /// The verdict on a clock still running or paused when a run stops at `now`: breached
    /// when already past the target, else still pending (`None`).
    pub fn at_horizon(&self, rule: &ClockRule, now: Millis, time: &dyn OpenTime) -> Option<bool> {
        matches!(self.state, ClockState::Running | ClockState::Paused)
            .then(|| !met(self.used_at(now, time), rule.target))
    }
}

// ---- the clock in instants and node ids ------------------------------------------------

/// Something that happened to a case, as [`SlaClock`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent<'a> {
    /// The case entered the workflow.
    Start,
    /// The case entered a node.
    Enter(&'a str),
    /// The case left a node (its work there is done).
    Leave(&'a str),
    /// The case reached an end.
    End,
}

/// What a step changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum ClockChange {
    /// The clock started.
    Started {
        /// When.
        at: DateTime<Utc>,
    },
    /// The clock paused.
    Paused {
        /// When.
        at: DateTime<Utc>,
    },
    /// The clock resumed.
    Resumed {
        /// When.
        at: DateTime<Utc>,
    },
    /// A rung of the ladder fired.
    Milestone {
        /// Its position in the rule's `escalation` list.
        index: usize,
        /// When it fired.
        at: DateTime<Utc>,
    },
    /// The clock stopped.
    Stopped {
        /// When.
        at: DateTime<Utc>,
        /// Whether the target was met.
        met: bool,
    },
}

/// One rung that fired, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fired {
    /// Its position in the rule's `escalation` list.
    pub index: usize,
    /// When it fired.
    pub at: DateTime<Utc>,
}

/// An [`SlaRun`] addressed in instants and node ids, with the rule and calendar it runs.
#[derive(Debug, Clone)]
pub struct SlaClock {
    rule: SlaRule,
    calendar: Option<Calendar>,
    /// The node ids the rule names; hooks number nodes by position here.
    names: Vec<String>,
    compiled: ClockRule,
    run: SlaRun,
    fired: Vec<Fired>,
}

fn to_millis(t: DateTime<Utc>) -> Millis {
    t.timestamp_millis()
}

fn to_instant(t: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl SlaClock {
    /// A clock for a rule, counting on the rule's calendar (`None`: around the clock).
    pub fn new(rule: &SlaRule, calendar: Option<&Calendar>) -> Self {
        let mut names: Vec<String> = Vec::new();
        for id in rule
            .start
            .nodes()
            .iter()
            .chain(rule.stop.nodes())
            .chain(rule.pause.iter())
        {
            if !names.contains(id) {
                names.push(id.clone());
            }
        }
        let compiled = ClockRule::new(rule, |id| {
            names.iter().position(|n| n == id).map(|p| p as u32)
        });
        SlaClock {
            rule: rule.clone(),
            calendar: calendar.cloned(),
            names,
            compiled,
            run: SlaRun::default(),
            fired: Vec::new(),
        }
    }

    fn with_time<R>(&self, f: impl FnOnce(&dyn OpenTime) -> R) -> R {
        match &self.calendar {
            Some(c) if !c.is_always_open() => f(&Exact {
                calendar: c,
                origin: DateTime::UNIX_EPOCH,
            }),
            _ => f(&AroundTheClock),
        }
    }

    /// The rule the clock runs.
    pub fn rule(&self) -> &SlaRule {
        &self.rule
    }

    /// Where the clock is.
    pub fn state(&self) -> ClockState {
        self.run.state()
    }

    /// When it started.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.run.started().map(to_instant)
    }

    /// When it stopped.
    pub fn stopped_at(&self) -> Option<DateTime<Utc>> {
        self.run.stopped().map(to_instant)
    }

    /// The rungs that have fired, in order.
    pub fn fired(&self) -> &[Fired] {
        &self.fired
    }

    /// Clock time used up to `now`, in whole seconds.
    pub fn used_at(&self, now: DateTime<Utc>) -> Duration {
        let ms = self.with_time(|t| self.run.used_at(to_millis(now), t));
        Duration::from_secs(u64::try_from(ms / 1000).unwrap_or(0))
    }

    /// True when the clock time used at `now` is past the target.
    pub fn over_at(&self, now: DateTime<Utc>) -> bool {
        let ms = self.with_time(|t| self.run.used_at(to_millis(now), t));
        !met(ms, self.compiled.target)
    }

    /// The instant the target is reached if the clock keeps running (None unless running).
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.with_time(|t| self.run.deadline(&self.compiled, t))
            .map(to_instant)
    }

    /// The instants at which the rungs not yet fired will fire if the clock keeps running,
    /// in the order they come due (None unless running).
    pub fn upcoming(&self) -> Vec<Fired> {
        self.with_time(|t| {
            self.compiled
                .ladder
                .iter()
                .skip(self.run.rung())
                .filter_map(|r| {
                    Some(Fired {
                        index: r.index,
                        at: to_instant(self.run.instant_of(r.amount, t)?),
                    })
                })
                .collect()
        })
    }

    /// Fires every rung due at or before `now`.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Vec<ClockChange> {
        let mut changes = Vec::new();
        let now = to_millis(now);
        loop {
            let next = self.with_time(|t| self.run.next_rung(&self.compiled, t));
            match next {
                Some((rung, at)) if at <= now => {
                    self.run.fire();
                    let at = to_instant(at);
                    self.fired.push(Fired {
                        index: rung.index,
                        at,
                    });
                    changes.push(ClockChange::Milestone {
                        index: rung.index,
                        at,
                    });
                }
                _ => return changes,
            }
        }
    }

    /// Applies one event at an instant (events must come in time order). Rungs due before
    /// the event fire first.
    pub fn step(&mut self, event: &CaseEvent, at: DateTime<Utc>) -> Vec<ClockChange> {
        let mut changes = self.advance(at);
        let node = |id: &str| {
            self.names
                .iter()
                .position(|n| n == id)
                .map_or(u32::MAX, |p| p as u32)
        };
        let hook = match event {
            CaseEvent::Start => Hook::Start,
            CaseEvent::End => Hook::End,
            CaseEvent::Enter(id) => Hook::Enter(node(id)),
            CaseEvent::Leave(id) => Hook::Leave(node(id)),
        };
        let now = to_millis(at);
        let mut run = self.run;
        let change = self.with_time(|t| run.on(&self.compiled, hook, now, t));
        self.run = run;
        match change {
            Some(Transition::Started) => {
                changes.push(ClockChange::Started { at });
                changes.extend(self.advance(at));
            }
            Some(Transition::Paused) => changes.push(ClockChange::Paused { at }),
            Some(Transition::Resumed) => {
                changes.push(ClockChange::Resumed { at });
                changes.extend(self.advance(at));
            }
            Some(Transition::Stopped(state)) => changes.push(ClockChange::Stopped {
                at,
                met: state != ClockState::Breached,
            }),
            None => {}
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::business::parse_instant;

    fn t(s: &str) -> DateTime<Utc> {
        parse_instant(s).unwrap()
    }

    fn rule(json: &str) -> SlaRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn pauses_do_not_count_and_milestones_fire_in_order() {
        let r = rule(
            r#"{"id": "r", "target": "1h", "pause": "waiting", "stop": {"enter": "done"},
                "escalation": [{"at": "50%", "notify": "a"}, {"at": "100%", "flag": true},
                               {"at": "30m overdue", "notify_manager": true}]}"#,
        );
        let mut c = SlaClock::new(&r, None);
        c.step(&CaseEvent::Start, t("2026-01-01T10:00:00Z"));
        c.step(&CaseEvent::Enter("waiting"), t("2026-01-01T10:20:00Z"));
        assert_eq!(c.state(), ClockState::Paused);
        assert!(c.upcoming().is_empty());
        c.step(&CaseEvent::Leave("waiting"), t("2026-01-01T12:00:00Z"));
        // 20 minutes used; 50% at 12:10, 100% at 12:40, 30m overdue at 13:10.
        let up: Vec<_> = c.upcoming().iter().map(|f| f.at).collect();
        assert_eq!(
            up,
            vec![
                t("2026-01-01T12:10:00Z"),
                t("2026-01-01T12:40:00Z"),
                t("2026-01-01T13:10:00Z")
            ]
        );
        assert_eq!(c.deadline(), Some(t("2026-01-01T12:40:00Z")));
        let ch = c.step(&CaseEvent::Enter("done"), t("2026-01-01T12:50:00Z"));
        assert_eq!(c.state(), ClockState::Breached);
        assert_eq!(c.fired().len(), 2);
        assert!(matches!(
            ch.last(),
            Some(ClockChange::Stopped { met: false, .. })
        ));
        assert_eq!(
            c.used_at(t("2026-01-01T15:00:00Z")),
            Duration::from_mins(70)
        );
    }

    #[test]
    fn a_business_clock_counts_open_time_only() {
        let cal: Calendar = serde_json::from_str(
            r#"{"timezone": "UTC", "hours": {"mon-fri": [["09:00", "17:00"]]}}"#,
        )
        .unwrap();
        let r = rule(
            r#"{"id": "r", "target": "2h", "escalation": [{"at": "100%", "notify": "lead"}]}"#,
        );
        let mut c = SlaClock::new(&r, Some(&cal));
        // Friday 16:30: half an hour on Friday, the rest on Monday.
        c.step(&CaseEvent::Start, t("2026-11-20T16:30:00Z"));
        assert_eq!(c.deadline(), Some(t("2026-11-23T10:30:00Z")));
        let ch = c.advance(t("2026-11-23T11:00:00Z"));
        assert_eq!(
            ch,
            vec![ClockChange::Milestone {
                index: 0,
                at: t("2026-11-23T10:30:00Z")
            }]
        );
        c.step(&CaseEvent::End, t("2026-11-23T11:00:00Z"));
        assert_eq!(c.state(), ClockState::Breached);
    }

    #[test]
    fn the_clock_starts_and_stops_at_its_points_only() {
        let r =
            rule(r#"{"id": "r", "target": "1h", "start": {"enter": "a"}, "stop": {"leave": "b"}}"#);
        let mut c = SlaClock::new(&r, None);
        c.step(&CaseEvent::Start, t("2026-01-01T10:00:00Z"));
        assert_eq!(c.state(), ClockState::NotStarted);
        c.step(&CaseEvent::Enter("a"), t("2026-01-01T10:05:00Z"));
        c.step(&CaseEvent::Enter("b"), t("2026-01-01T10:10:00Z"));
        assert_eq!(c.state(), ClockState::Running);
        c.step(&CaseEvent::Leave("b"), t("2026-01-01T10:30:00Z"));
        assert_eq!(c.state(), ClockState::Met);
        assert_eq!(
            c.used_at(t("2026-01-01T12:00:00Z")),
            Duration::from_mins(25)
        );
        // Further events change nothing.
        assert!(
            c.step(&CaseEvent::End, t("2026-01-01T13:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn met_is_at_most_the_target_to_the_millisecond() {
        let r = rule(r#"{"id": "r", "target": "1h", "stop": {"enter": "done"}}"#);
        let rule = ClockRule::new(&r, |id| (id == "done").then_some(7));
        for (stop, state) in [
            (3_600_000, ClockState::Met),
            (3_600_001, ClockState::Breached),
        ] {
            let mut run = SlaRun::default();
            run.on(&rule, Hook::Start, 0, &AroundTheClock);
            assert_eq!(
                run.on(&rule, Hook::Enter(7), stop, &AroundTheClock),
                Some(Transition::Stopped(state))
            );
        }
    }

    #[test]
    fn an_unsorted_ladder_comes_due_in_order_of_its_amounts() {
        let r = rule(
            r#"{"id": "r", "target": "1h", "escalation": [{"at": "100%", "flag": true},
                {"at": "50%", "notify": "a"}]}"#,
        );
        let mut c = SlaClock::new(&r, None);
        c.step(&CaseEvent::Start, t("2026-01-01T10:00:00Z"));
        let fired: Vec<usize> = c
            .advance(t("2026-01-01T12:00:00Z"))
            .iter()
            .filter_map(|ch| match ch {
                ClockChange::Milestone { index, .. } => Some(*index),
                _ => None,
            })
            .collect();
        assert_eq!(fired, vec![1, 0]);
    }
}
