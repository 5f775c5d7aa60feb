//! Business-time arithmetic: the cases help desks document, DST, and properties.

use chrono::{DateTime, Utc};
use flowdrill_core::time::business::parse_instant;
use flowdrill_core::{Calendar, Duration};
use proptest::prelude::*;

fn cal(json: &str) -> Calendar {
    match serde_json::from_str(json) {
        Ok(c) => c,
        Err(e) => panic!("{e}: {json}"),
    }
}

fn at(s: &str) -> DateTime<Utc> {
    match parse_instant(s) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn d(s: &str) -> Duration {
    match s.parse() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

fn due(c: &Calendar, start: &str, within: &str) -> String {
    match c.deadline(at(start), d(within)) {
        Ok(t) => c.to_local_rfc3339(t),
        Err(e) => panic!("{e}"),
    }
}

const NY: &str = r#"{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "17:00"]]},
                     "holidays": ["2026-11-26", "2026-12-25"]}"#;

#[test]
fn friday_after_close_counts_from_monday_opening() {
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-11-20T18:00:00-05:00", "1h"),
        "2026-11-23T10:00:00-05:00"
    );
}

#[test]
fn holiday_eve_skips_the_holiday() {
    // Wednesday before Thanksgiving (Thursday 26th is a holiday).
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-11-25T16:00:00-05:00", "2h"),
        "2026-11-27T10:00:00-05:00"
    );
}

#[test]
fn weekend_start_waits_for_monday() {
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-11-21T11:00:00-05:00", "30m"),
        "2026-11-23T09:30:00-05:00"
    );
}

#[test]
fn multi_day_target_counts_days_of_open_time() {
    // 3d = 72 h of open time = 9 eight-hour days. From Monday 09:00: the 9th day ends
    // Thursday of the next week, but the 26th is a holiday, so Friday 27th at 17:00.
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-11-16T09:00:00-05:00", "3d"),
        "2026-11-27T17:00:00-05:00"
    );
}

#[test]
fn reaching_the_target_at_close_gives_the_close() {
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-11-20T15:00:00-05:00", "2h"),
        "2026-11-20T17:00:00-05:00"
    );
}

#[test]
fn four_business_hours_across_spring_forward_in_new_york() {
    // Friday 6 March 15:00 EST: two hours Friday, two hours Monday 9 March (EDT).
    let c = cal(NY);
    assert_eq!(
        due(&c, "2026-03-06T15:00:00-05:00", "4h"),
        "2026-03-09T11:00:00-04:00"
    );
}

#[test]
fn forty_eight_hours_on_a_24_7_clock_across_the_autumn_change() {
    let c = cal(r#"{"timezone": "America/New_York"}"#);
    // 1 November 2026 has 25 hours in New York: 48 real hours later the wall clock shows 11:00.
    assert_eq!(
        due(&c, "2026-10-31T12:00:00-04:00", "48h"),
        "2026-11-02T11:00:00-05:00"
    );
    assert_eq!(
        c.elapsed(
            at("2026-10-31T12:00:00-04:00"),
            at("2026-11-02T11:00:00-05:00")
        ),
        d("48h")
    );
}

#[test]
fn london_night_shift_is_an_hour_shorter_on_the_spring_forward_night() {
    let c = cal(r#"{"timezone": "Europe/London", "hours": {"daily": [["22:00", "06:00"]]}}"#);
    // Saturday 28 March 22:00 GMT to Sunday 29 March 06:00 BST is 7 real hours.
    assert_eq!(
        c.elapsed(at("2026-03-28T22:00:00Z"), at("2026-03-29T06:00:00+01:00")),
        d("7h")
    );
    // An ordinary night is 8 hours.
    assert_eq!(
        c.elapsed(at("2026-03-20T22:00:00Z"), at("2026-03-21T06:00:00Z")),
        d("8h")
    );
    // 8 hours from Saturday 22:00: 7 that night, the last hour from Sunday 22:00 BST.
    assert_eq!(
        due(&c, "2026-03-28T22:00:00Z", "8h"),
        "2026-03-29T23:00:00+01:00"
    );
    // A start in the middle of the night shift counts from there.
    assert_eq!(
        due(&c, "2026-03-21T03:00:00Z", "2h"),
        "2026-03-21T05:00:00Z"
    );
}

#[test]
fn a_local_time_in_the_gap_takes_the_offset_before_it() {
    // 02:30 does not exist in New York on 8 March 2026; with the EST offset it is 07:30Z,
    // which the wall clock shows as 03:30 EDT. The interval to 04:00 is 30 minutes long.
    let c = cal(r#"{"timezone": "America/New_York", "hours": {"sun": [["02:30", "04:00"]]}}"#);
    let open = c.intervals_of_date(chrono::NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].0, at("2026-03-08T07:30:00Z"));
    assert_eq!(open[0].1 - open[0].0, chrono::TimeDelta::minutes(30));
}

#[test]
fn split_days_with_a_lunch_break() {
    let c = cal(
        r#"{"timezone": "Europe/Berlin", "hours": {"mon-fri": [["09:00", "12:00"], ["13:00", "17:00"]]}}"#,
    );
    assert_eq!(
        due(&c, "2026-11-23T11:00:00+01:00", "2h"),
        "2026-11-23T14:00:00+01:00"
    );
    assert_eq!(
        due(&c, "2026-11-23T12:15:00+01:00", "1h"),
        "2026-11-23T14:00:00+01:00"
    );
    assert_eq!(
        c.elapsed(
            at("2026-11-23T08:00:00+01:00"),
            at("2026-11-23T18:00:00+01:00")
        ),
        d("7h")
    );
}

#[test]
fn servicenow_documented_example() {
    // Opened Friday 21:00 on a weekday 08:00-17:00 schedule, checked Monday 09:30:
    // 1 h 30 min of business time, 60 h 30 min elapsed.
    let c = cal(r#"{"timezone": "UTC", "hours": {"mon-fri": [["08:00", "17:00"]]}}"#);
    let (opened, checked) = (at("2026-11-20T21:00:00Z"), at("2026-11-23T09:30:00Z"));
    assert_eq!(c.elapsed(opened, checked), d("1h30m"));
    assert_eq!(
        Duration::from_secs(u64::try_from((checked - opened).num_seconds()).unwrap()),
        d("60h30m")
    );
}

#[test]
fn a_calendar_that_never_opens_fails_fast() {
    let c = cal(r#"{"timezone": "UTC", "hours": {"mon": []}}"#);
    let e = c.deadline(at("2026-11-20T21:00:00Z"), d("1h")).unwrap_err();
    assert!(e.to_string().contains("never open"), "{e}");
    assert_eq!(c.next_open(at("2026-11-20T21:00:00Z")), None);
}

const CALENDARS: [&str; 4] = [
    NY,
    r#"{"timezone": "Europe/London", "hours": {"daily": [["22:00", "06:00"]]}, "holidays": ["2026-12-24"]}"#,
    r#"{"timezone": "Australia/Sydney", "hours": {"mon-fri": [["08:30", "12:00"], ["12:30", "17:30"]], "sat": [["10:00", "24:00"]]}}"#,
    r#"{"timezone": "America/Toronto"}"#,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn deadline_properties(
        which in 0..CALENDARS.len(),
        start in 1_767_225_600i64..1_830_297_600i64, // 2026-01-01 .. 2028-01-01
        a in 0u64..(10 * 86_400),
        b in 0u64..(3 * 86_400),
    ) {
        let c = cal(CALENDARS[which]);
        let s = DateTime::from_timestamp(start, 0).unwrap();
        let (a, b) = (Duration::from_secs(a), Duration::from_secs(b));
        let da = c.deadline(s, a).unwrap();
        // Never before the start.
        prop_assert!(da >= s);
        // The open time up to the deadline is the target.
        prop_assert_eq!(c.elapsed(s, da), a);
        // Deadlines compose.
        let dab = c.deadline(s, Duration::from_secs(a.as_secs() + b.as_secs())).unwrap();
        prop_assert_eq!(c.deadline(da, b).unwrap(), dab);
        // A deadline falls inside an open interval or at its end.
        if a > Duration::ZERO {
            let just_before = da - chrono::TimeDelta::seconds(1);
            prop_assert!(c.is_open(da) || c.is_open(just_before), "{} not at an open interval", da);
        }
    }
}
