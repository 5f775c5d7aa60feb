//! Runs the built `flowdrill` binary against small workflow files in a temporary directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MINI: &str = r#"{"flowdrill":1,"id":"mini","roles":{"agent":{"staff":2}},
"attributes":{"sentiment":["positive","negative"]},
"nodes":[{"id":"post","kind":"start"},
 {"id":"tone","kind":"decision","question":"Is the post positive?"},
 {"id":"reply","kind":"task","role":"agent","effort":"10m"},
 {"id":"done","kind":"end","outcome":"closed"},
 {"id":"leave","kind":"end","outcome":"let-stand"}],
"edges":[{"from":"post","to":"tone"},
 {"from":"tone","to":"leave","when":{"sentiment":"positive"}},
 {"from":"tone","to":"reply","when":{"sentiment":"negative"}},
 {"from":"reply","to":"done"}]}
"#;

/// A missing comma between `"id": "post"` and `"kind"` on line 3.
const SYNTAX_ERROR: &str = "{\"flowdrill\": 1,\n  \"id\": \"broken\",\n  \"nodes\": [{\"id\": \"post\" \"kind\": \"start\"}]\n}\n";

/// A directory of its own for one test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("flowdrill-cli-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch directory");
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).expect("write workflow file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn flowdrill(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdrill"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run flowdrill")
}

#[path = "common/output.rs"]
mod output;
use output::{assert_no_panic, stderr, stdout};

#[test]
fn a_clean_file_passes() {
    let s = Scratch::new("clean");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["check", "mini.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "mini.json: ok\n");
}

#[test]
fn a_syntax_error_fails_with_line_and_column() {
    let s = Scratch::new("syntax");
    s.file("broken.json", SYNTAX_ERROR);
    let o = flowdrill(&s.0, &["check", "broken.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("error[syntax]: "), "{out}");
    assert!(out.contains("--> broken.json:3:"), "{out}");
    assert!(out.ends_with("broken.json: 1 error\n"), "{out}");
    assert_no_panic(&o);
}

#[test]
fn a_schema_error_names_the_field_and_suggests() {
    let s = Scratch::new("schema");
    s.file(
        "typo.json",
        &MINI.replace(r#""kind":"task""#, r#""kind":"tsk""#),
    );
    let o = flowdrill(&s.0, &["check", "typo.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("error[schema]: unknown node kind \"tsk\""),
        "{out}"
    );
    assert!(out.contains("did you mean \"task\"?"), "{out}");
    assert!(out.contains("nodes[2].kind"), "{out}");
}

#[test]
fn a_missing_file_fails() {
    let s = Scratch::new("missing");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["check", "mini.json", "nowhere.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("mini.json: ok\n"), "{out}");
    assert!(out.contains("cannot read nowhere.json: "), "{out}");
    assert!(out.contains("nowhere.json: 1 error\n"), "{out}");
    assert_no_panic(&o);
}

#[test]
fn check_json_has_one_object_per_file() {
    let s = Scratch::new("check-json");
    s.file("mini.json", MINI);
    s.file("broken.json", SYNTAX_ERROR);
    let o = flowdrill(
        &s.0,
        &["check", "--format", "json", "mini.json", "broken.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("check output is JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[0]["file"], "mini.json");
    assert_eq!(v[0]["errors"], 0);
    assert_eq!(v[1]["errors"], 1);
    assert_eq!(v[1]["diagnostics"][0]["code"], "syntax");
    assert_eq!(v[1]["diagnostics"][0]["location"]["line"], 3);
}

#[test]
fn route_with_an_unknown_value_lists_the_expected_ones() {
    let s = Scratch::new("route-bad-value");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["route", "mini.json", "--set", "sentiment=meh"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: mini.json: attribute \"sentiment\" has no value \"meh\"; \
         expected one of positive, negative\n"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn route_with_an_unknown_attribute_lists_the_attributes() {
    let s = Scratch::new("route-bad-attr");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["route", "mini.json", "--set", "mood=bad"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("expected one of sentiment"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn route_follows_a_case_step_by_step() {
    let s = Scratch::new("route");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["route", "mini.json", "--set", "sentiment=negative"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("  3  task      reply  agent\n"), "{out}");
    assert!(out.ends_with("outcome: closed (at done)\n"), "{out}");

    let o = flowdrill(
        &s.0,
        &[
            "route",
            "mini.json",
            "--set",
            "sentiment=positive",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("route output is JSON");
    assert_eq!(v["route"]["outcome"], "let-stand");
}

#[test]
fn set_without_equals_is_a_usage_error() {
    let s = Scratch::new("usage");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["route", "mini.json", "--set", "negative"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NAME=VALUE"), "{}", stderr(&o));
    let o = flowdrill(&s.0, &["check"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn routes_json_parses() {
    let s = Scratch::new("routes-json");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["routes", "mini.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("routes output is JSON");
    assert_eq!(v["total_cases"], 2);
    let routes = v["routes"].as_array().expect("routes array");
    assert_eq!(routes.len(), 2);
    let outcomes: Vec<&str> = routes
        .iter()
        .filter_map(|r| r["outcome"].as_str())
        .collect();
    assert!(
        outcomes.contains(&"closed") && outcomes.contains(&"let-stand"),
        "{outcomes:?}"
    );
}

#[test]
fn routes_text_and_markdown() {
    let s = Scratch::new("routes-text");
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["routes", "mini.json"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("post → tone → reply → done"), "{out}");
    assert!(
        out.contains("(50.0% of cases; 1 of 2 combinations)"),
        "{out}"
    );

    let o = flowdrill(&s.0, &["routes", "mini.json", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("| # | Start | When | Path |"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn routes_on_a_bad_file_is_one_line() {
    let s = Scratch::new("routes-bad");
    s.file("broken.json", SYNTAX_ERROR);
    let o = flowdrill(&s.0, &["routes", "broken.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: broken.json: "), "{err}");
    assert!(err.contains("(line 3, column"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());

    let o = flowdrill(&s.0, &["routes", "nowhere.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: cannot read nowhere.json: "),
        "{}",
        stderr(&o)
    );
}

/// Office hours in New York, Monday to Friday 09:00-17:00.
const NEW_YORK_OFFICE: &str =
    r#"{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "17:00"]]}}"#;

/// The social triage example of the repository.
const SOCIAL_TRIAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/workflows/social-triage.json"
);

#[test]
fn deadline_carries_over_the_weekend() {
    let s = Scratch::new("deadline");
    s.file("office.json", NEW_YORK_OFFICE);
    // Friday 16:30: 30 minutes on Friday, 90 on Monday.
    let args = [
        "deadline",
        "--calendar",
        "office.json",
        "--start",
        "2026-11-20T16:30:00-05:00",
        "--within",
        "2h",
    ];
    let o = flowdrill(&s.0, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-11-23T10:30:00-05:00\n");
    assert!(o.stderr.is_empty(), "{}", stderr(&o));

    // The same start written in UTC gives the same answer, in the calendar's offset.
    let mut utc = args;
    utc[4] = "2026-11-20T21:30:00Z";
    let o = flowdrill(&s.0, &utc);
    assert_eq!(stdout(&o), "2026-11-23T10:30:00-05:00\n");

    let o = flowdrill(&s.0, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("deadline output is JSON");
    assert_eq!(v["deadline"], "2026-11-23T10:30:00-05:00");
    assert_eq!(v["calendar"], "office.json");
    assert_eq!(v["start"], "2026-11-20T16:30:00-05:00");
    assert_eq!(v["within"], "2h");
}

#[test]
fn elapsed_counts_open_time_only() {
    let s = Scratch::new("elapsed");
    // The ServiceNow example: weekdays 08:00-17:00 UTC, from Friday 21:00 to Monday 09:30.
    s.file(
        "weekdays.json",
        r#"{"timezone": "UTC", "hours": {"mon-fri": [["08:00", "17:00"]]}}"#,
    );
    let args = [
        "elapsed",
        "--calendar",
        "weekdays.json",
        "--from",
        "2026-11-20T21:00:00Z",
        "--to",
        "2026-11-23T09:30:00Z",
    ];
    let o = flowdrill(&s.0, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "1h30m\n");

    let o = flowdrill(&s.0, &[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("elapsed output is JSON");
    assert_eq!(v["elapsed"], "1h30m");
    assert_eq!(v["seconds"], 5400);
    assert_eq!(v["calendar"], "weekdays.json");
    assert_eq!(v["from"], "2026-11-20T21:00:00Z");

    // Backwards is no open time at all.
    let o = flowdrill(
        &s.0,
        &[
            "elapsed",
            "--calendar",
            "weekdays.json",
            "--from",
            "2026-11-23T09:30:00Z",
            "--to",
            "2026-11-20T21:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "0s\n");
}

#[test]
fn a_calendar_with_a_misspelt_zone_suggests_the_right_one() {
    let s = Scratch::new("deadline-bad-zone");
    s.file(
        "typo.json",
        &NEW_YORK_OFFICE.replace("America/New_York", "America/New_Yrok"),
    );
    let o = flowdrill(
        &s.0,
        &[
            "deadline",
            "--calendar",
            "typo.json",
            "--start",
            "2026-11-20T16:30:00-05:00",
            "--within",
            "2h",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: typo.json: "), "{err}");
    assert!(err.contains("did you mean \"America/New_York\"?"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
    assert_no_panic(&o);
}

#[test]
fn bad_durations_and_timestamps_name_their_option() {
    let s = Scratch::new("deadline-bad-args");
    s.file("office.json", NEW_YORK_OFFICE);
    let o = flowdrill(
        &s.0,
        &[
            "deadline",
            "--calendar",
            "office.json",
            "--start",
            "2026-11-20T16:30:00-05:00",
            "--within",
            "1.5h",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: --within: \"1.5h\" is not a duration; expected "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());

    let o = flowdrill(
        &s.0,
        &[
            "deadline",
            "--calendar",
            "office.json",
            "--start",
            "Friday",
            "--within",
            "2h",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: --start: \"Friday\" is not an RFC 3339 timestamp like "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let o = flowdrill(
        &s.0,
        &[
            "elapsed",
            "--calendar",
            "office.json",
            "--from",
            "2026-11-20T16:30:00-05:00",
            "--to",
            "2026-11-23",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: --to: "), "{}", stderr(&o));

    // A missing option is a usage error.
    let o = flowdrill(&s.0, &["deadline", "--calendar", "office.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = flowdrill(
        &s.0,
        &[
            "deadline",
            "--calendar",
            "office.json",
            "--start",
            "2026-11-20T16:30:00-05:00",
            "--within",
            "2h",
            "--format",
            "yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_calendar_that_never_opens_fails_fast() {
    let s = Scratch::new("deadline-never");
    s.file("never.json", r#"{"timezone":"UTC","hours":{"mon":[]}}"#);
    let started = std::time::Instant::now();
    let o = flowdrill(
        &s.0,
        &[
            "deadline",
            "--calendar",
            "never.json",
            "--start",
            "2026-11-20T16:30:00Z",
            "--within",
            "1h",
        ],
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: never.json: "), "{err}");
    assert!(err.contains("never open"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
    assert_no_panic(&o);
}

#[test]
fn a_missing_calendar_file_is_one_line() {
    let s = Scratch::new("deadline-missing");
    let o = flowdrill(
        &s.0,
        &[
            "elapsed",
            "--calendar",
            "nowhere.json",
            "--from",
            "2026-11-20T16:30:00Z",
            "--to",
            "2026-11-21T16:30:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: cannot read nowhere.json: "),
        "{}",
        stderr(&o)
    );
}

/// A customer's problem, posted on Friday 20 November 2026 at 19:30 in New York, half an
/// hour before the social desk closes: they want help, in public, and are satisfied.
const UNHAPPY_CUSTOMER: [&str; 14] = [
    "--set",
    "asker=customer",
    "--set",
    "sentiment=negative",
    "--set",
    "situation=problem",
    "--set",
    "wants_help=yes",
    "--set",
    "sensitive=no",
    "--set",
    "satisfied=yes",
    "--at",
    "2026-11-20T19:30:00-05:00",
];

#[test]
fn route_at_shows_the_first_response_deadline() {
    let s = Scratch::new("route-at");
    let o = flowdrill(
        &s.0,
        &[&["route", SOCIAL_TRIAGE][..], &UNHAPPY_CUSTOMER].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // Entry times in the social desk's zone, the first calendar of the file.
    assert!(
        out.contains("   1  Fri 20 Nov 19:30 -05:00  start "),
        "{out}"
    );
    assert!(
        out.contains("SLAs (case arriving 2026-11-20T19:30:00-05:00):\n"),
        "{out}"
    );
    let due = out
        .lines()
        .find(|l| l.starts_with("  first-response — "))
        .unwrap_or_else(|| panic!("no first-response line in\n{out}"));
    // One business hour: 30 minutes on Friday evening, 30 when the desk opens on Saturday.
    assert!(due.contains("1h on social-desk"), "{due}");
    assert!(due.contains("; due 2026-11-21T10:30:00-05:00;"), "{due}");
    assert!(due.contains("typical case: met at "), "{due}");
    assert!(
        out.contains("      100%        2026-11-21T10:30:00-05:00  notify social-lead; flag\n"),
        "{out}"
    );
    assert!(!out.contains("crisis-to-legal"), "{out}");

    let o = flowdrill(
        &s.0,
        &[
            &["route", SOCIAL_TRIAGE][..],
            &UNHAPPY_CUSTOMER,
            &["--format", "json"],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("route output is JSON");
    assert_eq!(v["at"], "2026-11-21T00:30:00Z");
    assert_eq!(v["timeline"][0]["node"], "post");
    assert_eq!(v["slas"][0]["rule"], "first-response");
    assert_eq!(v["slas"][0]["deadline"], "2026-11-21T15:30:00Z");
    assert_eq!(v["slas"][0]["state"], "met");
}

#[test]
fn route_without_at_is_untimed() {
    let s = Scratch::new("route-untimed");
    let untimed = &UNHAPPY_CUSTOMER[..UNHAPPY_CUSTOMER.len() - 2];
    let o = flowdrill(&s.0, &[&["route", SOCIAL_TRIAGE][..], untimed].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("SLAs"), "{out}");
    assert!(out.ends_with("outcome: resolved\n"), "{out}");
    let o = flowdrill(
        &s.0,
        &[
            &["route", SOCIAL_TRIAGE][..],
            untimed,
            &["--format", "json"],
        ]
        .concat(),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("route output is JSON");
    assert!(v.get("slas").is_none(), "{v}");
}

#[test]
fn route_at_with_a_bad_timestamp_fails() {
    let s = Scratch::new("route-at-bad");
    s.file("mini.json", MINI);
    let o = flowdrill(
        &s.0,
        &[
            "route",
            "mini.json",
            "--set",
            "sentiment=negative",
            "--at",
            "tomorrow",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: --at: \"tomorrow\" is not an RFC 3339 timestamp"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());

    // A workflow without calendars or rules: times in UTC, no rules apply.
    let o = flowdrill(
        &s.0,
        &[
            "route",
            "mini.json",
            "--set",
            "sentiment=negative",
            "--at",
            "2026-11-20T16:30:00-05:00",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("  3  Fri 20 Nov 21:30 +00:00  task "), "{out}");
    assert!(
        out.ends_with("\nSLAs (case arriving 2026-11-20T21:30:00Z): none apply to this case\n"),
        "{out}"
    );
}

#[test]
fn route_at_on_a_calendar_that_never_opens_fails() {
    let s = Scratch::new("route-at-never");
    s.file(
        "closed.json",
        &MINI.replace(
            r#""roles":{"agent":{"staff":2}},"#,
            r#""calendars":{"closed":{"timezone":"UTC","hours":{"mon":[]}}},
               "roles":{"agent":{"staff":2,"calendar":"closed"}},"#,
        ),
    );
    let args = [
        "route",
        "closed.json",
        "--set",
        "sentiment=negative",
        "--at",
        "2026-11-20T16:30:00Z",
    ];
    // `check` calls a calendar that never opens an error, so `route` refuses the file...
    let o = flowdrill(&s.0, &args);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: closed.json is not a valid workflow: 1 error"),
        "{err}"
    );
    assert!(err.contains("error[calendar-never-open]"), "{err}");
    assert!(o.stdout.is_empty());
    assert_no_panic(&o);
    // ...and with --force, timing the route fails cleanly on the calendar.
    let o = flowdrill(&s.0, &[&args[..], &["--force"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("warning: closed.json is not a valid workflow"),
        "{err}"
    );
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: closed.json: calendar \"closed\" of role \"agent\": "),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    assert_no_panic(&o);
}

const TRIAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/benchmarks/triage-1.json"
);

/// One quick day of the triage benchmark, then `extra`.
fn simulate_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "simulate",
        TRIAGE,
        "--horizon",
        "1d",
        "--replications",
        "2",
        "--seed",
        "3",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn simulate_json_has_every_replication() {
    let s = Scratch::new("simulate-json");
    let o = flowdrill(&s.0, &simulate_args(&["--format", "json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("simulate output is JSON");
    assert_eq!(v["replications"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["config"]["seed"], 3);
    assert_eq!(v["config"]["horizon"], "1d");
    assert!(v["replications"][0]["arrived"].as_u64().unwrap_or(0) > 0);
    assert!(v.get("log").is_none(), "no log unless asked for");
    // Not a terminal: no progress bar.
    assert_eq!(stderr(&o), "");
}

#[test]
fn simulate_is_deterministic() {
    let s = Scratch::new("simulate-twice");
    for format in ["json", "table"] {
        let first = flowdrill(&s.0, &simulate_args(&["--format", format]));
        let second = flowdrill(&s.0, &simulate_args(&["--format", format]));
        assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "--format {format}");
    }
}

#[test]
fn simulate_table_shows_slas_roles_and_charts() {
    let s = Scratch::new("simulate-table");
    let o = flowdrill(&s.0, &simulate_args(&[]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Benchmark workload triage-1 (triage-1): "),
        "{out}"
    );
    for needle in [
        "SLA first-response",
        "attainment",
        "utilisation",
        "Outcomes",
        "Cycle time",
        "Queue length over time",
        "Breaches of first-response by hour of arrival",
    ] {
        assert!(out.contains(needle), "no {needle:?} in\n{out}");
    }
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "longer than 100: {line}");
    }
}

#[test]
fn simulate_writes_the_event_log() {
    let s = Scratch::new("event-log");
    let o = flowdrill(&s.0, &simulate_args(&["--event-log", "out.csv"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = fs::read_to_string(s.0.join("out.csv")).expect("the event log is written");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("case_id,activity,timestamp,resource,lifecycle")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 100, "{} rows", rows.len());
    assert!(
        rows.iter()
            .any(|r| r.contains(",triage,") && r.ends_with(",community,start")),
        "{:?}",
        &rows[..5]
    );
    for r in &rows {
        assert_eq!(r.split(',').count(), 5, "{r}");
    }
}

#[test]
fn an_unwritable_event_log_fails_before_the_run() {
    let s = Scratch::new("event-log-bad");
    let o = flowdrill(
        &s.0,
        &simulate_args(&["--event-log", "no/such/dir/out.csv"]),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: cannot write no/such/dir/out.csv: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn compare_shows_both_scenarios_and_the_difference() {
    let s = Scratch::new("compare");
    s.file("base.json", r#"{"flowdrill-scenario":1,"name":"base"}"#);
    s.file(
        "more.json",
        r#"{"flowdrill-scenario":1,"name":"more staff","staff":{"community":4}}"#,
    );
    let o = flowdrill(
        &s.0,
        &[
            "compare",
            TRIAGE,
            "base.json",
            "more.json",
            "--horizon",
            "1d",
            "--replications",
            "2",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("base (base.json)"), "{out}");
    assert!(out.contains("more staff (more.json)"), "{out}");
    // utilisation community  A%  B%  B − A ± half-width
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("utilisation community"))
        .unwrap_or_else(|| panic!("no community utilisation in\n{out}"));
    let shares: Vec<f64> = row
        .split_whitespace()
        .filter_map(|w| w.strip_suffix('%'))
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(shares.len() >= 2, "{row}");
    assert!(shares[1] < shares[0], "B should be lower: {row}");
}

#[test]
fn compare_json_is_the_whole_comparison() {
    let s = Scratch::new("compare-json");
    s.file("a.json", r#"{"flowdrill-scenario":1}"#);
    s.file("b.json", r#"{"flowdrill-scenario":1,"arrival_factor":0.5}"#);
    let o = flowdrill(
        &s.0,
        &[
            "compare",
            TRIAGE,
            "a.json",
            "b.json",
            "--horizon",
            "12h",
            "--replications",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("compare output is JSON");
    assert_eq!(v["a_name"], "A");
    assert_eq!(v["b_name"], "B");
    assert_eq!(v["a"]["replications"].as_array().map(Vec::len), Some(2));
    assert!(v["difference"]["finished"]["mean"].as_f64().unwrap_or(0.0) < 0.0);
}

#[test]
fn simulate_with_a_bad_horizon_names_the_option() {
    let s = Scratch::new("bad-horizon");
    for (horizon, expected) in [
        ("3x", "error: --horizon: \"3x\" is not a duration"),
        (
            "0s",
            "error: --horizon: 0s is out of range; expected from 1m to 3660d",
        ),
    ] {
        let o = flowdrill(&s.0, &["simulate", TRIAGE, "--horizon", horizon]);
        assert_eq!(o.status.code(), Some(1), "--horizon {horizon}");
        let err = stderr(&o);
        assert!(err.starts_with(expected), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_no_panic(&o);
    }
    let o = flowdrill(
        &s.0,
        &["simulate", TRIAGE, "--horizon", "1d", "--warmup", "2d"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: --warmup: "),
        "{}",
        stderr(&o)
    );
    let o = flowdrill(&s.0, &["simulate", TRIAGE, "--start", "monday"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: --start: "), "{}", stderr(&o));
    let o = flowdrill(&s.0, &["simulate", TRIAGE, "--queue", "lifo"]);
    assert_eq!(o.status.code(), Some(2), "a bad --queue is a usage error");
}

#[test]
fn simulate_without_arrivals_says_so() {
    let s = Scratch::new("no-arrivals");
    // MINI's start node has no "arrivals".
    s.file("mini.json", MINI);
    let o = flowdrill(&s.0, &["simulate", "mini.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: mini.json: "), "{err}");
    assert!(err.contains("no start node has \"arrivals\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&o), "");
    assert_no_panic(&o);
}

#[test]
fn a_scenario_that_does_not_fit_names_its_file() {
    let s = Scratch::new("bad-scenario");
    s.file("ok.json", r#"{"flowdrill-scenario":1}"#);
    s.file(
        "typo.json",
        r#"{"flowdrill-scenario":1,"staff":{"comunity":4}}"#,
    );
    let o = flowdrill(&s.0, &simulate_args(&["--scenario", "typo.json"]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: typo.json: "), "{err}");
    assert!(err.contains("did you mean \"community\"?"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = flowdrill(&s.0, &["compare", TRIAGE, "ok.json", "typo.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: typo.json: "),
        "{}",
        stderr(&o)
    );
    let o = flowdrill(&s.0, &["compare", TRIAGE, "ok.json", "missing.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: cannot read missing.json: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_scenario_queue_wins_over_queue() {
    let s = Scratch::new("scenario-queue");
    s.file(
        "edf.json",
        r#"{"flowdrill-scenario":1,"name":"deadline first","queue":"earliest-deadline"}"#,
    );
    s.file("plain.json", r#"{"flowdrill-scenario":1,"name":"plain"}"#);
    let queue_of = |scenario: &str, extra: &[&str]| {
        let mut args = simulate_args(&["--scenario", scenario, "--format", "json"]);
        args.extend_from_slice(extra);
        let o = flowdrill(&s.0, &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        v["config"]["discipline"].clone()
    };
    assert_eq!(queue_of("edf.json", &[]), "earliest-deadline");
    // The scenario's own order wins over --queue ...
    assert_eq!(
        queue_of("edf.json", &["--queue", "fifo"]),
        "earliest-deadline"
    );
    // ... and --queue is the order of a scenario that gives none.
    assert_eq!(
        queue_of("plain.json", &["--queue", "earliest-deadline"]),
        "earliest-deadline"
    );
    assert_eq!(queue_of("plain.json", &[]), "fifo");

    // compare: each scenario keeps its own order, so two disciplines can be compared
    // under one --queue.
    let o = flowdrill(
        &s.0,
        &[
            "compare",
            TRIAGE,
            "plain.json",
            "edf.json",
            "--horizon",
            "12h",
            "--replications",
            "2",
            "--queue",
            "fifo",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["a"]["config"]["discipline"], "fifo");
    assert_eq!(v["b"]["config"]["discipline"], "earliest-deadline");
}

#[test]
fn run_options_are_ruled_on_by_the_core_and_name_their_flag() {
    let s = Scratch::new("option-rules");
    for (args, expected) in [
        (
            &["--resolution", "30s"][..],
            "error: --resolution: 30s is under a minute; expected at least 1m\n",
        ),
        (
            &["--replications", "0"][..],
            "error: --replications: 0 is out of range; expected 1 to 1000\n",
        ),
        (
            &["--replications", "1001"][..],
            "error: --replications: 1001 is out of range; expected 1 to 1000\n",
        ),
    ] {
        let mut all = vec!["simulate", TRIAGE, "--horizon", "1h"];
        all.extend_from_slice(args);
        let o = flowdrill(&s.0, &all);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), expected, "{args:?}");
        assert_eq!(stdout(&o), "");
        assert_no_panic(&o);
    }
    // compare follows the same rules.
    s.file("a.json", r#"{"flowdrill-scenario":1}"#);
    let o = flowdrill(
        &s.0,
        &["compare", TRIAGE, "a.json", "a.json", "--resolution", "30s"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: --resolution: 30s is under a minute"),
        "{}",
        stderr(&o)
    );
}
