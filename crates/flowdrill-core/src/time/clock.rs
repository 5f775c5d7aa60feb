//! SLA clocks: a deterministic step function per case and rule, driven by timestamped
//! events. Nothing here reads the system clock; time is always passed in.
//!
//! A clock moves `not started → running ⇄ paused → met | breached`:
//!
//! - it starts at the rule's `start` point (the case entering the workflow, or entering or
//!   leaving one of the named nodes);
//! - it pauses while the case is in one of the `pause` nodes (entering one pauses it,
//!   leaving it resumes);
//! - it stops at the rule's `stop` point, or when the case ends, whichever comes first;
//!   it is *met* when the business time on the clock is within the target at the stop
//!   point, *breached* when over it; a case that ends before the stop point within the
//!   target *cancels* the clock (the promise never came due), and one already over it is
//!   breached;
//! - while it runs, the escalation ladder's milestones fire at their instants: `"75%"` of
//!   the target, `"100%"` (the breach), `"2d overdue"` (target plus two days, on the same
//!   clock). A milestone reached while the clock is paused fires when it resumes.
//!
//! ```
//! use flowdrill_core::time::clock::{CaseEvent, ClockState, SlaClock};
//! use flowdrill_core::time::business::parse_instant;
//! use flowdrill_core::{SlaRule, Workflow};
//!
//! let rule: SlaRule = serde_json::from_str(r#"{"id": "reply", "target": "1h",
//!     "stop": {"enter": "answer"}, "escalation": [{"at": "50%", "notify": "lead"}]}"#).unwrap();
//! let mut clock = SlaClock::new(&rule, None);
//! let t0 = parse_instant("2026-11-23T10:00:00Z").unwrap();
//! clock.step(&CaseEvent::Start, t0);
//! assert_eq!(clock.state(), ClockState::Running);
//! let changes = clock.step(&CaseEvent::Enter("answer"), parse_instant("2026-11-23T10:40:00Z").unwrap());
//! assert_eq!(clock.state(), ClockState::Met);
//! assert_eq!(clock.fired().len(), 1); // the 50% milestone at 10:30
//! ```

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::duration::Duration;
use crate::time::calendar::Calendar;
use crate::time::sla::{ClockPoint, MilestoneAt, SlaRule};

/// Something that happened to a case, as SLA clocks see it.
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

/// Where a clock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockState {
    /// The start point has not been reached.
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

/// What a step changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// A milestone of the ladder fired.
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

/// One milestone that fired, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fired {
    /// Its position in the rule's `escalation` list.
    pub index: usize,
    /// When it fired.
    pub at: DateTime<Utc>,
}

/// The SLA clock of one case under one rule.
#[derive(Debug, Clone)]
pub struct SlaClock {
    rule: SlaRule,
    calendar: Option<Calendar>,
    state: ClockState,
    /// Clock time used before the current running span.
    used: Duration,
    /// Start of the current running span.
    since: Option<DateTime<Utc>>,
    started: Option<DateTime<Utc>>,
    stopped: Option<DateTime<Utc>>,
    fired: Vec<Fired>,
    /// While running: the earliest instant a milestone fires (saves recomputing the ladder
    /// on every event).
    next_due: Option<DateTime<Utc>>,
}

impl SlaClock {
    /// A clock for a rule, counting on the rule's calendar (`None`: around the clock).
    pub fn new(rule: &SlaRule, calendar: Option<&Calendar>) -> Self {
        SlaClock {
            rule: rule.clone(),
            calendar: calendar.cloned(),
            state: ClockState::NotStarted,
            used: Duration::ZERO,
            since: None,
            started: None,
            stopped: None,
            fired: Vec::new(),
            next_due: None,
        }
    }

    /// The rule the clock runs.
    pub fn rule(&self) -> &SlaRule {
        &self.rule
    }

    /// Where the clock is.
    pub fn state(&self) -> ClockState {
        self.state
    }

    /// When it started.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started
    }

    /// When it stopped.
    pub fn stopped_at(&self) -> Option<DateTime<Utc>> {
        self.stopped
    }

    /// The milestones that have fired, in order.
    pub fn fired(&self) -> &[Fired] {
        &self.fired
    }

    fn span(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        match &self.calendar {
            Some(c) => c.elapsed(from, to),
            None => Duration::from_secs(u64::try_from((to - from).num_seconds()).unwrap_or(0)),
        }
    }

    fn after(&self, from: DateTime<Utc>, amount: Duration) -> Option<DateTime<Utc>> {
        match &self.calendar {
            Some(c) => c.deadline(from, amount).ok(),
            None => from.checked_add_signed(chrono::TimeDelta::seconds(
                i64::try_from(amount.as_secs()).ok()?,
            )),
        }
    }

    /// Clock time used up to `now`.
    pub fn used_at(&self, now: DateTime<Utc>) -> Duration {
        match self.since {
            Some(s) if now > s => {
                Duration::from_secs(self.used.as_secs() + self.span(s, now).as_secs())
            }
            _ => self.used,
        }
    }

    /// The instant the target is reached if the clock keeps running (None unless running).
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.instant_of(self.rule.target)
    }

    fn amount(&self, at: MilestoneAt) -> Duration {
        let t = self.rule.target.as_secs();
        match at {
            MilestoneAt::Percent(p) => Duration::from_secs(t.saturating_mul(u64::from(p)) / 100),
            MilestoneAt::Overdue(d) => Duration::from_secs(t.saturating_add(d.as_secs())),
        }
    }

    /// The instant the clock reaches `amount` of used time, if it is running.
    fn instant_of(&self, amount: Duration) -> Option<DateTime<Utc>> {
        let since = self.since?;
        if amount <= self.used {
            return Some(since);
        }
        self.after(
            since,
            Duration::from_secs(amount.as_secs() - self.used.as_secs()),
        )
    }

    /// The instants at which the milestones not yet fired will fire if the clock keeps
    /// running, in ladder order (None unless running).
    pub fn upcoming(&self) -> Vec<Fired> {
        let mut out: Vec<Fired> = (0..self.rule.escalation.len())
            .filter(|i| !self.fired.iter().any(|f| f.index == *i))
            .filter_map(|i| {
                let at = self.instant_of(self.amount(self.rule.escalation[i].at))?;
                Some(Fired { index: i, at })
            })
            .collect();
        crate::util::sort::sort_by_key(&mut out, |f| (f.at, f.index));
        out
    }

    /// Fires every milestone due at or before `now`.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Vec<ClockChange> {
        let mut changes = Vec::new();
        if self.state != ClockState::Running || self.next_due.is_none_or(|due| now < due) {
            return changes;
        }
        for f in self.upcoming() {
            if f.at <= now {
                self.fired.push(f);
                changes.push(ClockChange::Milestone {
                    index: f.index,
                    at: f.at,
                });
            }
        }
        self.plan();
        changes
    }

    /// Recomputes when the next milestone is due (after a start, resume or firing).
    fn plan(&mut self) {
        self.next_due = if self.state == ClockState::Running {
            self.upcoming().first().map(|f| f.at)
        } else {
            None
        };
    }

    fn matches(point: &ClockPoint, event: &CaseEvent) -> bool {
        match (point, event) {
            (ClockPoint::Start, CaseEvent::Start) | (ClockPoint::End, CaseEvent::End) => true,
            (ClockPoint::Enter(ids), CaseEvent::Enter(n))
            | (ClockPoint::Leave(ids), CaseEvent::Leave(n)) => ids.iter().any(|i| i == n),
            _ => false,
        }
    }

    fn stop(&mut self, at: DateTime<Utc>, reached: bool, changes: &mut Vec<ClockChange>) {
        self.used = self.used_at(at);
        self.since = None;
        self.stopped = Some(at);
        let met = self.used <= self.rule.target;
        self.state = match (met, reached) {
            (true, true) => ClockState::Met,
            (true, false) => ClockState::Cancelled,
            (false, _) => ClockState::Breached,
        };
        changes.push(ClockChange::Stopped { at, met });
    }

    /// Applies one event at an instant (events must come in time order). Milestones due
    /// before the event fire first.
    pub fn step(&mut self, event: &CaseEvent, at: DateTime<Utc>) -> Vec<ClockChange> {
        let mut changes = self.advance(at);
        match self.state {
            ClockState::NotStarted => {
                if Self::matches(&self.rule.start, event) {
                    self.state = ClockState::Running;
                    self.since = Some(at);
                    self.started = Some(at);
                    self.plan();
                    changes.push(ClockChange::Started { at });
                    // Starting inside a pause node is not possible to know here; the
                    // case's next events decide.
                    changes.extend(self.advance(at));
                }
            }
            ClockState::Running | ClockState::Paused => {
                if Self::matches(&self.rule.stop, event) {
                    self.stop(at, true, &mut changes);
                } else if *event == CaseEvent::End {
                    self.stop(at, false, &mut changes);
                } else if let CaseEvent::Enter(n) = event
                    && self.state == ClockState::Running
                    && self.rule.pause.iter().any(|p| p == n)
                {
                    self.used = self.used_at(at);
                    self.since = None;
                    self.state = ClockState::Paused;
                    changes.push(ClockChange::Paused { at });
                } else if let CaseEvent::Leave(n) = event
                    && self.state == ClockState::Paused
                    && self.rule.pause.iter().any(|p| p == n)
                {
                    self.since = Some(at);
                    self.state = ClockState::Running;
                    self.plan();
                    changes.push(ClockChange::Resumed { at });
                    changes.extend(self.advance(at));
                }
            }
            ClockState::Met | ClockState::Breached | ClockState::Cancelled => {}
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
}
