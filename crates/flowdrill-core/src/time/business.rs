//! Business-time arithmetic on a [`Calendar`]: deadlines and elapsed open time.
//!
//! The rules, exactly:
//!
//! - Open intervals are local wall-clock times on the day they start; an interval whose end
//!   is at or before its start runs into the next day; `24:00` is the next midnight. On a
//!   holiday (a local date) the intervals that *start* that day are closed.
//! - Business time is the real time elapsed inside open intervals, so a night shift across
//!   a daylight-saving change is an hour shorter or longer.
//! - A local time that does not exist (the spring-forward gap) is taken with the offset in
//!   force before the gap; a local time that occurs twice (the autumn repeat) is taken at
//!   its first occurrence.
//! - A deadline is the first instant at which the open time since the start reaches the
//!   target. A start outside open hours begins counting at the next opening. Reaching the
//!   target exactly at an interval's end gives that end, not the next opening. A zero
//!   target gives the start itself.
//! - A calendar without hours (24/7) counts elapsed time.
//!
//! ```
//! use flowdrill_core::{Calendar, Duration};
//! use chrono::{DateTime, Utc};
//!
//! let office: Calendar = serde_json::from_str(
//!     r#"{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "17:00"]]}}"#,
//! ).unwrap();
//! // Friday 16:30 local, two business hours: 30 minutes on Friday, 90 on Monday.
//! let start: DateTime<Utc> = "2026-11-20T16:30:00-05:00".parse().unwrap();
//! let due = office.deadline(start, Duration::from_hours(2)).unwrap();
//! assert_eq!(office.to_local_rfc3339(due), "2026-11-23T10:30:00-05:00");
//! ```

use chrono::{
    DateTime, Datelike, Days as ChronoDays, LocalResult, NaiveDate, NaiveDateTime, TimeDelta,
    TimeZone, Utc,
};
use chrono_tz::Tz;
use std::borrow::Cow;

use crate::model::duration::Duration;
use crate::time::calendar::{Calendar, Interval};

/// How far ahead a deadline is searched before giving up, and the longest span
/// [`Calendar::try_elapsed`] counts: 36,600 days (about a hundred years).
pub const MAX_DAYS: u32 = 36_600;

/// A deadline that cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar has hours, but none of them open on any day.
    #[error(
        "the calendar is never open: every day has empty hours, so a business-time target can never be reached"
    )]
    NeverOpen,
    /// The target lies beyond the search horizon.
    #[error("the target of {0} lies more than 100 years of open time ahead")]
    TooFar(Duration),
    /// The instant is outside the range of dates that can be represented.
    #[error("the date is out of range")]
    OutOfRange,
    /// The span of an elapsed-time count is longer than the search horizon.
    #[error(
        "the span from {from} to {to} is longer than the {MAX_DAYS}-day horizon (about 100 years) over which open time is counted"
    )]
    SpanTooLong {
        /// The start, RFC 3339 in UTC.
        from: String,
        /// The end, RFC 3339 in UTC.
        to: String,
    },
}

/// A duration as a time delta, saturating at the longest delta chrono holds (about 292
/// million years: far beyond any calendar's reach, so it ends in a clean error).
fn delta(d: Duration) -> TimeDelta {
    i64::try_from(d.as_secs())
        .ok()
        .and_then(TimeDelta::try_seconds)
        .unwrap_or(TimeDelta::MAX)
}

fn to_duration(t: TimeDelta) -> Duration {
    Duration::from_secs(u64::try_from(t.num_seconds()).unwrap_or(0))
}

/// The instant of a local wall-clock time under the rules above.
pub(crate) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => {
            // In a gap: use the offset in force just before it.
            let mut probe = local;
            for _ in 0..48 {
                probe = probe.checked_sub_signed(TimeDelta::hours(1))?;
                if let Some(before) = tz.from_local_datetime(&probe).earliest() {
                    let offset = chrono::Offset::fix(before.offset());
                    return local
                        .checked_sub_signed(TimeDelta::seconds(i64::from(offset.local_minus_utc())))
                        .map(|n| Utc.from_utc_datetime(&n));
                }
            }
            None
        }
    }
}

/// A calendar's holidays as a sorted set: O(log n) lookups, built once (O(n) when the
/// holidays are written in order, O(n log n) otherwise) for a run of lookups. The
/// calendar's `holidays` field keeps the order they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidaySet<'a>(Cow<'a, [NaiveDate]>);

impl HolidaySet<'_> {
    /// True when the local date is a holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.0.binary_search(&date).is_ok()
    }
}

/// The most open time a calendar can have in `MAX_DAYS + 2` days, from its weekly hours:
/// every week's nominal open minutes, a week more for the partial ones, three hours for
/// each of (at most) six clock changes a year that an interval may straddle, and a day for
/// a one-off change of a zone's offset. An upper bound only: holidays and lost hours only
/// lower the real amount, so a target above it can never be reached.
fn open_time_bound(cal: &Calendar) -> TimeDelta {
    let weeks = i64::from(MAX_DAYS / 7 + 2);
    let weekly_minutes = (cal.weekly_open_hours() * 60.0).ceil() as i64;
    let changes = i64::from(MAX_DAYS / 365 + 1) * 6;
    TimeDelta::minutes(weekly_minutes * weeks + changes * 180 + 1440)
}

impl Calendar {
    /// The holidays as a sorted set for repeated lookups (see [`HolidaySet`]).
    pub fn holiday_set(&self) -> HolidaySet<'_> {
        if self.holidays.is_sorted() {
            HolidaySet(Cow::Borrowed(&self.holidays))
        } else {
            let mut sorted = self.holidays.clone();
            crate::util::sort::sort(&mut sorted);
            HolidaySet(Cow::Owned(sorted))
        }
    }

    /// The calendar's time zone.
    pub fn tz(&self) -> Tz {
        self.timezone.0
    }

    /// True when the calendar is a holiday on the local date. One lookup scans the list;
    /// for many, use [`Calendar::holiday_set`] once (as every search here does).
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// The open intervals that start on a local date, as instants, in order.
    pub fn intervals_of_date(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.intervals_of_date_in(&self.holiday_set(), date)
    }

    /// [`Calendar::intervals_of_date`] with the calendar's [`HolidaySet`] built once by
    /// the caller, for a run of dates.
    pub fn intervals_of_date_in(
        &self,
        holidays: &HolidaySet<'_>,
        date: NaiveDate,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if holidays.contains(date) {
            return Vec::new();
        }
        self.intervals_on(date.weekday())
            .into_iter()
            .filter_map(|iv| self.instants(date, iv))
            .collect()
    }

    fn instants(&self, date: NaiveDate, iv: Interval) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let tz = self.tz();
        let at = |d: NaiveDate, minutes: u16| -> Option<DateTime<Utc>> {
            let (d, m) = if minutes >= 1440 {
                (d.checked_add_days(ChronoDays::new(1))?, minutes - 1440)
            } else {
                (d, minutes)
            };
            let local = d.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)?;
            resolve(tz, local)
        };
        let start = at(date, iv.start.minutes())?;
        let end_day = if iv.overnight() {
            date.checked_add_days(ChronoDays::new(1))?
        } else {
            date
        };
        let end = at(end_day, iv.end.minutes())?;
        (end > start).then_some((start, end))
    }

    /// Open intervals (as instants) that end after `from`, in order, for up to `days` days.
    fn open_from<'s>(
        &'s self,
        holidays: &'s HolidaySet<'s>,
        from: DateTime<Utc>,
        days: u32,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + 's {
        let first = from
            .with_timezone(&self.tz())
            .date_naive()
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        (0..days)
            .map_while(move |i| first.checked_add_days(ChronoDays::new(u64::from(i))))
            .flat_map(move |d| self.intervals_of_date_in(holidays, d))
            .filter(move |(_, end)| *end > from)
    }

    fn never_open(&self) -> bool {
        !self.is_always_open() && self.hours.iter().all(|(_, iv)| iv.is_empty())
    }

    /// True when the calendar is open at the instant.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        if self.is_always_open() {
            return true;
        }
        self.open_from(&self.holiday_set(), t, 3)
            .take_while(|(a, _)| *a <= t)
            .any(|(a, b)| a <= t && t < b)
    }

    /// The first instant at which the open time since `start` reaches `target`.
    pub fn deadline(
        &self,
        start: DateTime<Utc>,
        target: Duration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.deadline_exact(start, delta(target))
    }

    /// [`Calendar::deadline`] for an amount of open time to the millisecond (the SLA clock's
    /// time base).
    pub fn deadline_exact(
        &self,
        start: DateTime<Utc>,
        target: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if target <= TimeDelta::zero() {
            return Ok(start);
        }
        if self.is_always_open() {
            return start
                .checked_add_signed(target)
                .ok_or(CalendarError::OutOfRange);
        }
        if self.never_open() {
            return Err(CalendarError::NeverOpen);
        }
        if target > open_time_bound(self) {
            // More open time than the calendar has in the whole search: no need to look.
            return Err(CalendarError::TooFar(to_duration(target)));
        }
        let holidays = self.holiday_set();
        let mut left = target;
        // From the local date before `start` through the one MAX_DAYS days after it, so
        // that any deadline within MAX_DAYS days is found (the span `try_elapsed` counts).
        for (a, b) in self.open_from(&holidays, start, MAX_DAYS + 2) {
            let from = a.max(start);
            let avail = b - from;
            if left <= avail {
                return Ok(from + left);
            }
            left -= avail;
        }
        Err(CalendarError::TooFar(to_duration(target)))
    }

    /// The open time between two instants (zero when `to` is not after `from`).
    ///
    /// Counts at most [`MAX_DAYS`] days (about 100 years) from `from` and silently stops
    /// there; where a user asks for elapsed time, use [`Calendar::try_elapsed`], which
    /// refuses a longer span.
    pub fn elapsed(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        to_duration(self.elapsed_exact(from, to))
    }

    /// The open time between two instants (zero when `to` is not after `from`), or
    /// [`CalendarError::SpanTooLong`] when `to` is more than [`MAX_DAYS`] days (about 100
    /// years, the horizon [`Calendar::deadline`] searches) after `from`, on any calendar.
    ///
    /// ```
    /// use flowdrill_core::Calendar;
    /// use flowdrill_core::time::business::parse_instant;
    ///
    /// let office: Calendar = serde_json::from_str(
    ///     r#"{"timezone": "UTC", "hours": {"mon-fri": [["09:00", "17:00"]]}}"#,
    /// ).unwrap();
    /// let from = parse_instant("2026-11-20T16:00:00Z").unwrap();
    /// let to = parse_instant("2026-11-23T10:00:00Z").unwrap();
    /// assert_eq!(office.try_elapsed(from, to).unwrap().to_string(), "2h");
    /// let far = parse_instant("2200-01-01T00:00:00Z").unwrap();
    /// assert!(office.try_elapsed(from, far).is_err());
    /// ```
    pub fn try_elapsed(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Duration, CalendarError> {
        let horizon = from.checked_add_days(ChronoDays::new(u64::from(MAX_DAYS)));
        if horizon.is_none_or(|h| to > h) {
            return Err(CalendarError::SpanTooLong {
                from: from.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                to: to.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            });
        }
        Ok(self.elapsed(from, to))
    }

    /// [`Calendar::elapsed`] to the millisecond (the SLA clock's time base).
    pub fn elapsed_exact(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        if self.is_always_open() {
            return to - from;
        }
        // The local date before `from` through the one after `to`: a span of up to
        // MAX_DAYS days is counted in full.
        let days = u32::try_from((to - from).num_days() + 3)
            .unwrap_or(MAX_DAYS + 3)
            .min(MAX_DAYS + 3);
        let mut total = TimeDelta::zero();
        let holidays = self.holiday_set();
        for (a, b) in self.open_from(&holidays, from, days) {
            if a >= to {
                break;
            }
            total += b.min(to) - a.max(from);
        }
        total
    }

    /// The next instant at or after `t` when the calendar is open.
    pub fn next_open(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_always_open() {
            return Some(t);
        }
        if self.never_open() {
            return None;
        }
        self.open_from(&self.holiday_set(), t, MAX_DAYS)
            .next()
            .map(|(a, _)| a.max(t))
    }

    /// Formats an instant as RFC 3339 in the calendar's local offset.
    pub fn to_local_rfc3339(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz())
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// The first instant at or after `after` that falls on a local date accepted by `on` at
/// the local time `time` (searching a little over a year ahead).
pub fn next_local(
    tz: Tz,
    after: DateTime<Utc>,
    time: crate::time::calendar::TimeOfDay,
    on: impl Fn(NaiveDate) -> bool,
) -> Option<DateTime<Utc>> {
    let first = after.with_timezone(&tz).date_naive();
    (0..400u64)
        .filter_map(|i| first.checked_add_days(ChronoDays::new(i)))
        .filter(|d| on(*d))
        .filter_map(|d| {
            let m = time.minutes();
            let (d, m) = if m >= 1440 {
                (d.checked_add_days(ChronoDays::new(1))?, m - 1440)
            } else {
                (d, m)
            };
            resolve(tz, d.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)?)
        })
        .find(|t| *t >= after)
}

/// A release time and the days it applies to.
type DayRule = (
    crate::time::calendar::TimeOfDay,
    Box<dyn Fn(NaiveDate) -> bool>,
);

/// The instants, at or after `from` and within `days` days of its local date, at which a
/// wait that waits for a point in time releases: every day at the time (a daily batch), on
/// a day of the week (a weekly batch, `until`), on a day of the month (a monthly batch; `-1`
/// is the last day). The one rule for such points, used by every driver. A delay has none.
pub fn release_points(
    wait: &crate::model::WaitFor,
    tz: Tz,
    from: DateTime<Utc>,
    days: u32,
) -> impl Iterator<Item = DateTime<Utc>> + '_ {
    use crate::model::{Batch, WaitFor};
    use chrono::Datelike;
    let first = from.with_timezone(&tz).date_naive();
    let rule: Option<DayRule> = match wait {
        WaitFor::Delay(_) => None,
        WaitFor::Until(p) | WaitFor::Batch(Batch::Weekly { at: p }) => {
            let day = p.day;
            Some((p.time, Box::new(move |d: NaiveDate| d.weekday() == day)))
        }
        WaitFor::Batch(Batch::Daily { at }) => Some((*at, Box::new(|_| true))),
        WaitFor::Batch(Batch::Monthly { day, at }) => {
            let day = *day;
            Some((
                *at,
                Box::new(move |d: NaiveDate| {
                    if day > 0 {
                        d.day() == u32::from(day.unsigned_abs())
                    } else {
                        d.succ_opt().is_some_and(|n| n.month() != d.month())
                    }
                }),
            ))
        }
    };
    (0..u64::from(days) + 1)
        .filter_map(move |i| first.checked_add_days(ChronoDays::new(i)))
        .filter_map(move |d| {
            let (time, on) = rule.as_ref()?;
            if !on(d) {
                return None;
            }
            let m = time.minutes();
            let (d, m) = if m >= 1440 {
                (d.checked_add_days(ChronoDays::new(1))?, m - 1440)
            } else {
                (d, m)
            };
            resolve(tz, d.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)?)
        })
        .filter(move |t| *t >= from)
}

/// When a case that starts waiting at `at` is released: after the delay, or at the next of
/// the wait's [`release_points`] (searched a little over a year ahead).
pub fn next_release(
    wait: &crate::model::WaitFor,
    tz: Tz,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match wait {
        crate::model::WaitFor::Delay(d) => at.checked_add_signed(delta(*d)),
        _ => release_points(wait, tz, at, 400).next(),
    }
}

/// Reads an RFC 3339 timestamp, such as `2026-11-20T16:30:00-05:00`.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("\"{text}\" is not an RFC 3339 timestamp like 2026-11-20T16:30:00-05:00 ({e})")
        })
}
