//! Business calendars as data: a time zone, weekly open hours and holidays.
//!
//! ```json
//! "calendars": {
//!   "office": {
//!     "timezone": "America/Toronto",
//!     "hours": { "mon-fri": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": [["10:00", "14:00"]] },
//!     "holidays": ["2026-12-25", "2026-12-26"]
//!   },
//!   "night-desk": { "timezone": "Europe/London", "hours": { "daily": "22:00-06:00" } }
//! }
//! ```
//!
//! Each day key (`mon` … `sun`, a range like `mon-fri`, a list like `sat,sun`, or `daily`)
//! takes a list of `["HH:MM", "HH:MM"]` pairs; `"HH:MM-HH:MM"` strings are accepted too.
//! An interval whose end is at or before its start runs into the next day and belongs to
//! the day it starts; `24:00` ends at midnight. A holiday closes the intervals that start
//! on that (local) date. A calendar without `hours` is open around the clock.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::error::unknown_word_message;

/// A wall-clock time of day in minutes after midnight, `00:00` to `24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Minutes after midnight (0 to 1440).
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// A time from hours and minutes, if valid (`24:00` allowed).
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        let m = hour.checked_mul(60)?.checked_add(minute)?;
        (minute < 60 && m <= 1440).then_some(TimeOfDay(m))
    }
}

impl FromStr for TimeOfDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let fail =
            || format!("\"{s}\" is not a time of day; expected \"HH:MM\" from 00:00 to 24:00");
        let (h, m) = s.trim().split_once(':').ok_or_else(fail)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(fail());
        }
        let h: u16 = h.parse().map_err(|_| fail())?;
        let m: u16 = m.parse().map_err(|_| fail())?;
        TimeOfDay::new(h, m).ok_or_else(fail)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

macro_rules! string_serde {
    ($t:ty, $expect:literal) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expect)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$t, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}
pub(crate) use string_serde;

string_serde!(TimeOfDay, "a time of day like \"09:00\"");

/// An open interval of a day, `start-end` in local wall-clock time. When `end <= start`
/// the interval runs into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Opening time.
    pub start: TimeOfDay,
    /// Closing time (the next day when at or before `start`).
    pub end: TimeOfDay,
}

impl Interval {
    /// True when the interval runs past midnight into the next day.
    pub fn overnight(&self) -> bool {
        self.end <= self.start && self.end.0 != 1440
    }

    /// Open minutes in the interval, ignoring time-zone changes.
    pub fn nominal_minutes(&self) -> u32 {
        let (s, e) = (u32::from(self.start.0), u32::from(self.end.0));
        if e > s { e - s } else { 1440 - s + e }
    }
}

impl FromStr for Interval {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (a, b) = s.split_once('-').ok_or_else(|| {
            format!("\"{s}\" is not an interval; expected \"HH:MM-HH:MM\" like \"09:00-17:00\"")
        })?;
        let bad = |e: String| format!("\"{s}\" is not an interval ({e})");
        let start: TimeOfDay = a.parse().map_err(bad)?;
        let end: TimeOfDay = b.parse().map_err(bad)?;
        if start.0 == 1440 {
            return Err(format!("\"{s}\": an interval cannot start at 24:00"));
        }
        if start == end {
            return Err(format!(
                "\"{s}\": an empty interval; use \"00:00-24:00\" for a whole day"
            ));
        }
        Ok(Interval { start, end })
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

string_serde!(Interval, "an interval like \"09:00-17:00\"");

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a three-letter (or full English) weekday name.
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    let l = s.trim().to_ascii_lowercase();
    let short = l.get(..3).unwrap_or(&l);
    match DAY_NAMES.iter().position(|d| *d == short) {
        Some(i) if l.len() == 3 || full_day_name(i) == l => Ok(weekday_from_index(i)),
        _ => Err(unknown_word_message("weekday", s, &DAY_NAMES)),
    }
}

fn full_day_name(i: usize) -> &'static str {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ][i % 7]
}

fn weekday_from_index(i: usize) -> Weekday {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ][i % 7]
}

/// A set of weekdays, written `mon`, `mon-fri`, `sat,sun`, `fri-mon` or `daily`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days(u8);

impl Days {
    /// Whether the set contains the day.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }
}

impl FromStr for Days {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.trim().to_ascii_lowercase();
        if l == "daily" || l == "every day" {
            return Ok(Days(0x7f));
        }
        let mut bits = 0u8;
        for part in l.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let a = parse_weekday(a)?.num_days_from_monday();
                    let b = parse_weekday(b)?.num_days_from_monday();
                    let mut d = a;
                    loop {
                        bits |= 1 << d;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => bits |= 1 << parse_weekday(part)?.num_days_from_monday(),
            }
        }
        Ok(Days(bits))
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0x7f {
            return f.write_str("daily");
        }
        // Runs of consecutive days, Monday first.
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            if self.0 & (1 << i) == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < 7 && self.0 & (1 << (i + 1)) != 0 {
                i += 1;
            }
            parts.push(if start == i {
                DAY_NAMES[start].to_string()
            } else {
                format!("{}-{}", DAY_NAMES[start], DAY_NAMES[i])
            });
            i += 1;
        }
        f.write_str(&parts.join(","))
    }
}

/// An IANA time zone such as `America/Toronto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(pub chrono_tz::Tz);

impl FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse::<chrono_tz::Tz>().map(Zone).map_err(|_| {
            let mut msg =
                format!("unknown time zone \"{s}\"; expected an IANA name like \"Europe/London\"");
            let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
            if let Some(best) = crate::model::error::suggest(s, names) {
                msg.push_str(&format!("; did you mean \"{best}\"?"));
            } else if chrono_tz::TZ_VARIANTS.len() < FULL_ZONE_COUNT && looks_like_zone(s) {
                msg = format!(
                    "time zone \"{s}\" is not in this build, which carries {} of the IANA zones to stay small \
                     (the command-line tool and the Rust library carry them all)",
                    chrono_tz::TZ_VARIANTS.len()
                );
            }
            msg
        })
    }
}

/// The number of zones in the IANA database as chrono-tz ships it unfiltered; builds for the
/// browser carry fewer (see `cargo xtask wasm`).
const FULL_ZONE_COUNT: usize = 500;

/// `Area/Place` or `Area/Region/Place` with letters, `_`, `-` and `+`.
fn looks_like_zone(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

string_serde!(Zone, "an IANA time zone like \"Europe/London\"");

/// A business calendar: when a role works and when business-hours SLA clocks run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawCalendar", into = "RawCalendar")]
pub struct Calendar {
    /// Display name.
    pub name: Option<String>,
    /// The time zone in which `hours` and `holidays` are read.
    pub timezone: Zone,
    /// Open intervals per set of weekdays, as written. Empty means open around the clock.
    pub hours: Vec<(Days, Vec<Interval>)>,
    /// Local dates on which intervals that start that day are closed.
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// The open intervals that start on `day`, sorted by start.
    pub fn intervals_on(&self, day: Weekday) -> Vec<Interval> {
        let mut out: Vec<Interval> = self
            .hours
            .iter()
            .filter(|(d, _)| d.contains(day))
            .flat_map(|(_, iv)| iv.iter().copied())
            .collect();
        crate::util::sort::sort_by_key(&mut out, |i| i.start);
        out
    }

    /// True when no hours are given: the calendar is open around the clock.
    pub fn is_always_open(&self) -> bool {
        self.hours.is_empty()
    }

    /// Nominal open hours in a week (ignoring holidays and time-zone changes).
    pub fn weekly_open_hours(&self) -> f64 {
        if self.is_always_open() {
            return 168.0;
        }
        let mins: u32 = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]
        .iter()
        .flat_map(|d| self.intervals_on(*d))
        .map(|i| i.nominal_minutes())
        .sum();
        f64::from(mins) / 60.0
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    timezone: Zone,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    hours: IndexMap<String, IntervalList>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    holidays: Vec<String>,
}

impl TryFrom<RawCalendar> for Calendar {
    type Error = String;
    fn try_from(raw: RawCalendar) -> Result<Self, String> {
        let mut hours = Vec::new();
        for (days, intervals) in raw.hours {
            let d: Days = days.parse().map_err(|e| format!("hours: {e}"))?;
            hours.push((d, intervals.0));
        }
        let holidays = raw
            .holidays
            .iter()
            .enumerate()
            .map(|(i, d)| {
                parse_date(d.trim()).ok_or_else(|| {
                    format!("holidays[{i}]: \"{d}\" is not a date; expected YYYY-MM-DD like \"2026-12-25\"")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cal = Calendar {
            name: raw.name,
            timezone: raw.timezone,
            hours,
            holidays,
        };
        cal.check_overlaps()?;
        Ok(cal)
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl Calendar {
    /// Rejects intervals that overlap, on one day or across midnight into the next.
    fn check_overlaps(&self) -> Result<(), String> {
        // Minutes of the week, Monday 00:00 = 0; overnight intervals spill into the next day.
        let mut spans: Vec<(u32, u32, Weekday, Interval)> = Vec::new();
        for (i, day) in WEEK.iter().enumerate() {
            for iv in self.intervals_on(*day) {
                let base = i as u32 * 1440;
                let start = base + u32::from(iv.start.0);
                spans.push((start, start + iv.nominal_minutes(), *day, iv));
            }
        }
        crate::util::sort::sort_by_key(&mut spans, |s| s.0);
        let week = 7 * 1440;
        for (k, a) in spans.iter().enumerate() {
            for b in spans.iter().skip(k + 1) {
                if b.0 < a.1 {
                    return Err(format!(
                        "hours: {} {} overlaps {} {}",
                        day_name(a.2),
                        a.3,
                        day_name(b.2),
                        b.3
                    ));
                }
            }
            // Sunday night running into Monday morning.
            if a.1 > week
                && let Some(b) = spans.first()
                && b.0 < a.1 - week
            {
                return Err(format!(
                    "hours: {} {} overlaps {} {}",
                    day_name(a.2),
                    a.3,
                    day_name(b.2),
                    b.3
                ));
            }
        }
        Ok(())
    }
}

fn day_name(d: Weekday) -> &'static str {
    DAY_NAMES[d.num_days_from_monday() as usize]
}

impl From<Calendar> for RawCalendar {
    fn from(c: Calendar) -> Self {
        RawCalendar {
            name: c.name,
            timezone: c.timezone,
            hours: c
                .hours
                .into_iter()
                .map(|(d, iv)| (d.to_string(), IntervalList(iv)))
                .collect(),
            holidays: c.holidays.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// A day's open intervals: `[["09:00", "17:00"]]`, `["09:00-17:00"]` or `"09:00-17:00"`.
struct IntervalList(Vec<Interval>);

impl Serialize for IntervalList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for i in &self.0 {
            seq.serialize_element(&[i.start, i.end])?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for IntervalList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, SeqAccess, Visitor};
        struct Pair(Interval);
        impl<'de> Deserialize<'de> for Pair {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Pair;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an interval like [\"09:00\", \"17:00\"]")
                    }
                    fn visit_str<E: Error>(self, v: &str) -> Result<Pair, E> {
                        v.parse().map(Pair).map_err(E::custom)
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pair, A::Error> {
                        let a: Option<String> = seq.next_element()?;
                        let b: Option<String> = seq.next_element()?;
                        let extra: Option<serde::de::IgnoredAny> = seq.next_element()?;
                        match (a, b, extra) {
                            (Some(a), Some(b), None) => format!("{a}-{b}")
                                .parse()
                                .map(Pair)
                                .map_err(A::Error::custom),
                            _ => Err(A::Error::custom(
                                "an interval is a pair of times like [\"09:00\", \"17:00\"]",
                            )),
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }
        struct ListV;
        impl<'de> Visitor<'de> for ListV {
            type Value = IntervalList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of intervals like [[\"09:00\", \"17:00\"]]")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<IntervalList, E> {
                v.parse().map(|i| IntervalList(vec![i])).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IntervalList, A::Error> {
                let mut out = Vec::new();
                while let Some(Pair(i)) = seq.next_element()? {
                    out.push(i);
                }
                Ok(IntervalList(out))
            }
        }
        d.deserialize_any(ListV)
    }
}

/// A point in the week in a calendar's time zone, such as `"wed 12:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyPoint {
    /// The weekday.
    pub day: Weekday,
    /// The local time of day.
    pub time: TimeOfDay,
}

impl FromStr for WeeklyPoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (d, t) = s.trim().split_once(' ').ok_or_else(|| {
            format!("\"{s}\" is not a point in the week; expected a weekday and a time like \"wed 12:00\"")
        })?;
        Ok(WeeklyPoint {
            day: parse_weekday(d)?,
            time: t.trim().parse()?,
        })
    }
}

impl fmt::Display for WeeklyPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            DAY_NAMES[self.day.num_days_from_monday() as usize],
            self.time
        )
    }
}

string_serde!(WeeklyPoint, "a weekday and a time like \"wed 12:00\"");

/// Reads a date written `YYYY-MM-DD` (four, two and two digits) that exists in the calendar.
///
/// Written out rather than `NaiveDate::from_str`, whose general parser (every format
/// chrono reads) costs 10 KB of WebAssembly for this one use.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_year_month_day() {
        assert_eq!(
            parse_date("2026-12-25"),
            NaiveDate::from_ymd_opt(2026, 12, 25)
        );
        assert_eq!(
            parse_date("2028-02-29"),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-05",
            "26-01-05",
            "2026/01/05",
            "2026-01-0x",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_sets() {
        let d: Days = "mon-fri".parse().unwrap();
        assert!(d.contains(Weekday::Mon) && d.contains(Weekday::Fri) && !d.contains(Weekday::Sat));
        assert_eq!(d.to_string(), "mon-fri");
        let wrap: Days = "fri-mon".parse().unwrap();
        assert_eq!(wrap.to_string(), "mon,fri-sun");
        assert_eq!("daily".parse::<Days>().unwrap().to_string(), "daily");
        let err = "mon-fir".parse::<Days>().unwrap_err();
        assert!(err.contains("did you mean \"fri\""), "{err}");
    }

    #[test]
    fn intervals() {
        let i: Interval = "22:00-06:00".parse().unwrap();
        assert!(i.overnight());
        assert_eq!(i.nominal_minutes(), 480);
        let i: Interval = "00:00-24:00".parse().unwrap();
        assert!(!i.overnight());
        assert_eq!(i.nominal_minutes(), 1440);
        assert!("9-17".parse::<Interval>().is_err());
        assert!("09:00-09:00".parse::<Interval>().is_err());
        assert!("24:00-06:00".parse::<Interval>().is_err());
        assert!("25:00-26:00".parse::<Interval>().is_err());
    }

    #[test]
    fn zones_suggest_a_fix() {
        assert!("Europe/London".parse::<Zone>().is_ok());
        let e = "America/Toront".parse::<Zone>().unwrap_err();
        assert!(e.contains("did you mean \"America/Toronto\""), "{e}");
    }

    #[test]
    fn overlapping_intervals_are_rejected() {
        let bad = |json: &str| {
            serde_json::from_str::<Calendar>(json)
                .unwrap_err()
                .to_string()
        };
        let e = bad(r#"{"timezone":"UTC","hours":{"mon":[["09:00","12:00"],["11:00","17:00"]]}}"#);
        assert!(
            e.contains("mon 09:00-12:00 overlaps mon 11:00-17:00"),
            "{e}"
        );
        let e = bad(r#"{"timezone":"UTC","hours":{"mon":"22:00-06:00","tue":"05:00-09:00"}}"#);
        assert!(
            e.contains("mon 22:00-06:00 overlaps tue 05:00-09:00"),
            "{e}"
        );
        let e = bad(r#"{"timezone":"UTC","hours":{"sun":"22:00-06:00","mon":"05:00-09:00"}}"#);
        assert!(e.contains("overlaps"), "{e}");
        let ok = r#"{"timezone":"UTC","hours":{"daily":"22:00-06:00"}}"#;
        assert!(serde_json::from_str::<Calendar>(ok).is_ok());
        let e = bad(r#"{"timezone":"UTC","holidays":["2026-12-25","2026-02-30"]}"#);
        assert!(
            e.contains("holidays[1]: \"2026-02-30\" is not a date"),
            "{e}"
        );
        let e = bad(r#"{"timezone":"UTC","hours":{"mon":[["09:00","25:00"]]}}"#);
        assert!(e.contains("\"25:00\" is not a time of day"), "{e}");
    }

    #[test]
    fn weekly_open_hours() {
        let c: Calendar = serde_json::from_str(
            r#"{"timezone":"UTC","hours":{"mon-fri":[["09:00","17:00"]],"sat":["22:00-02:00"]}}"#,
        )
        .unwrap();
        assert_eq!(c.weekly_open_hours(), 44.0);
        assert_eq!(c.intervals_on(Weekday::Sat).len(), 1);
    }
}
