//! Hardening of the command line (issue 14): long text, unsafe output, one notion of
//! validity and bounded simulation memory. Runs the built `flowdrill` binary in a scratch
//! directory.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A directory of its own for one test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("flowdrill-hardening-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch directory");
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).expect("write file");
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_flowdrill"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run flowdrill")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[path = "common/output.rs"]
mod output;
use output::{assert_no_panic, stderr, stdout};

/// A valid workflow whose task node is `task`, named `name`, done by role `role`.
fn workflow(task: &str, name: &str, role: &str) -> String {
    let s = |t: &str| serde_json::to_string(t).expect("a string as JSON");
    format!(
        r#"{{"flowdrill":1,"id":"w","roles":{{{role}:{{"staff":2}}}},
"attributes":{{"sentiment":["positive","negative"]}},
"nodes":[{{"id":"post","kind":"start","arrivals":{{"rate":"6/h"}}}},
 {{"id":"tone","kind":"decision","question":"Is the post positive?"}},
 {{"id":{task},"name":{name},"kind":"task","role":{role},"effort":"10m"}},
 {{"id":"done","kind":"end","outcome":"closed"}},
 {{"id":"leave","kind":"end","outcome":"let-stand"}}],
"edges":[{{"from":"post","to":"tone"}},
 {{"from":"tone","to":"leave","when":{{"sentiment":"positive"}}}},
 {{"from":"tone","to":{task},"when":{{"sentiment":"negative"}}}},
 {{"from":{task},"to":"done"}}]}}
"#,
        task = s(task),
        name = s(name),
        role = s(role),
    )
}

/// Longest line of a text, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

// 1. Long text.

#[test]
fn a_65536_character_node_name_routes_without_panicking() {
    let s = Scratch::new("long-name");
    let long = "n".repeat(65_536);
    s.file("w.json", &workflow("reply", &long, "agent"));
    let o = s.run(&["route", "w.json", "--set", "sentiment=negative"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains('…'), "the long name is cut: {out}");
    assert!(
        widest(&out) < 1_000,
        "no line is anywhere near the name's length"
    );
}

#[test]
fn a_65536_character_role_id_simulates_without_panicking() {
    let s = Scratch::new("long-role");
    let long = "r".repeat(65_536);
    s.file("w.json", &workflow("reply", "Reply", &long));
    let o = s.run(&[
        "simulate",
        "w.json",
        "--horizon",
        "1d",
        "--replications",
        "2",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains('…'), "the long role is cut: {out}");
    assert!(
        widest(&out) < 1_000,
        "no line is anywhere near the role's length"
    );
}

#[test]
fn a_long_node_id_in_routes_and_check_does_not_panic() {
    let s = Scratch::new("long-id");
    let long = "x".repeat(70_000);
    s.file("w.json", &workflow(&long, "Reply", "agent"));
    for args in [
        &["check", "w.json"][..],
        &["routes", "w.json"],
        &["routes", "w.json", "--format", "markdown"],
        &["route", "w.json", "--set", "sentiment=negative"],
    ] {
        let o = s.run(args);
        assert_no_panic(&o);
        assert!(o.status.code().is_some(), "{args:?}");
    }
}

// 2. Safe outputs.

/// A file of the repository, from this crate's directory.
fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

#[test]
fn simulate_event_log_cells_are_neutralised_like_the_drill_csv() {
    let s = Scratch::new("event-log");
    let formula = "=HYPERLINK(\"http://evil\",\"x\")";
    s.file("w.json", &workflow("+1+1", "@SUM(A1)", formula));
    let o = s.run(&[
        "simulate",
        "w.json",
        "--horizon",
        "1d",
        "--replications",
        "1",
        "--event-log",
        "log.csv",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = fs::read_to_string(s.0.join("log.csv")).expect("event log written");
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would run: {line}"
            );
        }
        rows += 1;
    }
    assert!(rows > 0, "{csv}");
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'@SUM(A1)") || csv.contains("'+1+1"), "{csv}");
}

#[test]
fn the_after_action_markdown_has_no_javascript_link() {
    let s = Scratch::new("md-links");
    let actions = fs::read_to_string(repo("tests/fixtures/drills/viral-video.good.json"))
        .expect("read the drill fixture");
    let hostile = "[click](javascript:alert(1)) ![i](javascript:x) <javascript:y>";
    // Participants type their own names; the report shows them in its tables.
    let actions = actions.replace("\"carol\"", &serde_json::to_string(hostile).expect("JSON"));
    assert!(actions.contains("javascript:alert"), "the fixture changed");
    s.file("actions.json", &actions);
    let scenario = repo("examples/drills/viral-video.json");
    let scenario = scenario.to_str().expect("a UTF-8 path");
    let o = s.run(&["drill", "report", scenario, "actions.json"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("javascript:alert(1)"), "the text is kept: {md}");
    let unescaped = md
        .match_indices("](javascript:")
        .any(|(i, _)| !md[..i].ends_with('\\'));
    assert!(!unescaped, "a link is formed: {md}");
    assert!(!md.contains("[click]"), "{md}");
    assert!(md.contains("\\[click\\](javascript:alert(1))"), "{md}");
    assert!(!md.contains("<javascript:"), "{md}");
}

/// Whether the text holds a control character other than a line break ending a line.
fn has_raw_controls(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}')
}

#[test]
fn check_and_route_escape_control_characters() {
    let s = Scratch::new("controls");
    let evil_id = "reply\u{1b}]0;pwned\u{7}\u{0}\nw.json: ok\u{202e}";
    s.file(
        "w.json",
        &workflow(evil_id, "Re\u{1b}[2Jply", "age\u{1b}[31mnt"),
    );
    // A duplicate id makes `check` report the hostile id.
    let dup = workflow(evil_id, "x", "agent").replace(
        r#"{"id":"done","kind":"end","outcome":"closed"}"#,
        &format!(
            r#"{{"id":"done","kind":"end","outcome":"closed"}},{{"id":{},"kind":"end"}}"#,
            serde_json::to_string(evil_id).expect("JSON")
        ),
    );
    s.file("dup.json", &dup);
    for args in [
        &["check", "w.json"][..],
        &["check", "dup.json"],
        &["route", "w.json", "--set", "sentiment=negative"],
        &["routes", "w.json"],
        &["routes", "w.json", "--format", "markdown"],
        &["route", "w.json", "--set", "sentiment=negat\u{1b}ive"],
        &[
            "simulate",
            "w.json",
            "--horizon",
            "1d",
            "--replications",
            "1",
        ],
    ] {
        let o = s.run(args);
        assert_no_panic(&o);
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(!has_raw_controls(&out), "{args:?} printed raw: {out:?}");
        assert!(!has_raw_controls(&err), "{args:?} printed raw: {err:?}");
        assert!(
            !out.lines().any(|l| l == "w.json: ok") || args == ["check", "w.json"],
            "{args:?} faked a line: {out}"
        );
    }
    let o = s.run(&["check", "dup.json"]);
    let out = stdout(&o);
    assert!(out.contains("\\u{1b}"), "{out}");
    assert!(out.contains("\\n"), "{out}");
    assert!(!out.lines().any(|l| l == "w.json: ok"), "{out}");
}

// 3. One notion of validity.

/// The five kinds of file `route` and `routes` used to accept though `check` rejects them.
fn invalid_files() -> Vec<(&'static str, String)> {
    let valid = workflow("reply", "Reply", "agent");
    let done = r#"{"id":"done","kind":"end","outcome":"closed"}"#;
    vec![
        (
            "duplicate-ids",
            valid.replace(done, &format!("{done},{done}")),
        ),
        (
            "edge-to-missing-node",
            valid.replace(
                r#"{"from":"reply","to":"done"}"#,
                r#"{"from":"reply","to":"nowhere"}"#,
            ),
        ),
        ("no-edges", {
            let cut = valid.find(r#""edges":"#).expect("edges");
            format!(r#"{}"edges":[]}}"#, &valid[..cut])
        }),
        (
            "overlapping-decisions",
            valid.replace(
                r#""to":"reply","when":{"sentiment":"negative"}"#,
                r#""to":"reply","when":{"sentiment":["positive","negative"]}"#,
            ),
        ),
        (
            "undefined-role",
            valid.replace(r#""role":"agent","effort""#, r#""role":"ghost","effort""#),
        ),
    ]
}

/// The `error[code]` heads of a text, sorted.
fn error_codes(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|l| l.split(']').next())
        .map(str::to_string)
        .collect();
    codes.sort();
    codes
}

#[test]
fn every_command_refuses_what_check_calls_an_error() {
    let s = Scratch::new("validity");
    let o = s.run(&["check", "valid.json"]);
    assert_eq!(o.status.code(), Some(1), "no such file yet");
    s.file("valid.json", &workflow("reply", "Reply", "agent"));
    let o = s.run(&["check", "valid.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for (name, text) in invalid_files() {
        let file = format!("{name}.json");
        s.file(&file, &text);
        let check = s.run(&["check", &file]);
        assert_eq!(
            check.status.code(),
            Some(1),
            "check {name}: {}",
            stdout(&check)
        );
        let codes = error_codes(&stdout(&check));
        let expected = match name {
            "duplicate-ids" => "duplicate-id",
            "edge-to-missing-node" => "undefined-node",
            "no-edges" => "dead-end",
            "overlapping-decisions" => "decision-overlap",
            _ => "undefined-role",
        };
        assert!(codes.iter().any(|c| c == expected), "{name}: {codes:?}");
        assert!(!codes.is_empty(), "{name}: {}", stdout(&check));
        let commands: [&[&str]; 4] = [
            &["route", &file, "--set", "sentiment=negative"],
            &["routes", &file],
            &["routes", &file, "--format", "json"],
            &["simulate", &file, "--horizon", "1d", "--replications", "1"],
        ];
        for args in commands {
            let o = s.run(args);
            assert_no_panic(&o);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?} accepted {name}: {err}");
            assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
            assert!(
                err.starts_with(&format!("error: {file} is not a valid workflow")),
                "{args:?}: {err}"
            );
            assert_eq!(error_codes(&err), codes, "{args:?}: {err}");
            let forced = err.contains("--force");
            assert_eq!(forced, args[0] != "simulate", "{args:?}: {err}");
        }
    }
}

#[test]
fn force_analyses_an_invalid_file_and_says_it_is_invalid() {
    let s = Scratch::new("force");
    for (name, text) in invalid_files() {
        let file = format!("{name}.json");
        s.file(&file, &text);
        for args in [
            &["routes", &file, "--force"][..],
            &["route", &file, "--set", "sentiment=negative", "--force"],
        ] {
            let o = s.run(args);
            assert_no_panic(&o);
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!("warning: {file} is not a valid workflow")),
                "{args:?}: {err}"
            );
            assert!(err.contains("--force"), "{err}");
            assert!(!error_codes(&err).is_empty(), "{args:?}: {err}");
        }
    }
    // The analysis itself runs: the duplicate end still routes.
    let o = s.run(&["routes", "duplicate-ids.json", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("route 1"), "{}", stdout(&o));
}

// 4. Simulation memory bounded.

#[test]
fn the_issue_run_is_refused_before_allocating() {
    let s = Scratch::new("series-limit");
    s.file("w.json", &workflow("reply", "Reply", "agent"));
    let o = s.run(&[
        "simulate",
        "w.json",
        "--replications",
        "200",
        "--horizon",
        "70d",
        "--resolution",
        "1m",
        "--format",
        "json",
        "--event-log",
        "log.csv",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(o.stdout.is_empty(), "nothing simulated");
    assert!(!s.0.join("log.csv").exists(), "no event log written");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    // The value, the limit, the formula with the run's numbers, and the options.
    // (200 + 1) × 1 role × 100,800 one-minute buckets + 200 × (0 rules + 1) × 168.
    let points = 201 * 100_800 + 200 * 168;
    for part in [
        format!("{points} time-series points"),
        "over the limit of 4000000".to_string(),
        "(replications + 1) × roles × ⌈horizon ÷ resolution⌉".to_string(),
        "(200 + 1) × 1 × 100800".to_string(),
        "--resolution".to_string(),
        "--replications".to_string(),
        "--horizon".to_string(),
    ] {
        assert!(err.contains(&part), "missing {part:?}: {err}");
    }
    // A coarser resolution brings the same run under the limit (checked, not run).
    let o = s.run(&[
        "simulate",
        "w.json",
        "--replications",
        "200",
        "--horizon",
        "70d",
        "--resolution",
        "1h",
        "--seed",
        "not-a-number",
    ]);
    assert!(!stderr(&o).contains("time-series points"), "{}", stderr(&o));
}

#[test]
fn replications_over_the_library_cap_are_refused() {
    let s = Scratch::new("replications");
    s.file("w.json", &workflow("reply", "Reply", "agent"));
    for n in ["1001", "4294967295"] {
        let o = s.run(&["simulate", "w.json", "--replications", n, "--horizon", "1d"]);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{n}");
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!(
                "error: --replications: {n} is out of range; expected 1 to 1000"
            )),
            "{err}"
        );
    }
}

#[test]
fn compare_is_bounded_too() {
    let s = Scratch::new("compare-limit");
    s.file("w.json", &workflow("reply", "Reply", "agent"));
    s.file("a.json", r#"{"flowdrill-scenario":1,"name":"a"}"#);
    s.file("b.json", r#"{"flowdrill-scenario":1,"name":"b"}"#);
    let o = s.run(&[
        "compare",
        "w.json",
        "a.json",
        "b.json",
        "--replications",
        "200",
        "--horizon",
        "70d",
        "--resolution",
        "1m",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("time-series points"), "{}", stderr(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn a_scenario_naming_dev_zero_as_its_workflow_is_refused_at_the_size_limit() {
    let s = Scratch::new("dev-zero");
    s.file(
        "drill.json",
        r#"{"flowdrill-drill": 1, "id": "z", "workflow": "/dev/zero",
            "starts_at": "2026-11-20T09:00:00Z"}"#,
    );
    let o = s.run(&["drill", "check", "drill.json"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let limit = flowdrill_cli::MAX_INPUT_BYTES;
    assert_eq!(limit, 16 * 1024 * 1024);
    assert!(
        stderr(&o).contains(&format!(
            "cannot read /dev/zero: it is more than 16 MiB ({limit} bytes), the limit for an input file"
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_command_refuses_an_input_file_over_the_size_limit() {
    let s = Scratch::new("size-limit");
    let size = flowdrill_cli::MAX_INPUT_BYTES + 1;
    let big = " ".repeat(usize::try_from(size).expect("17 MiB fits in memory"));
    s.file("big.json", &big);
    s.file("w.json", &workflow("reply", "Reply", "agent"));
    s.file(
        "d.json",
        r#"{"flowdrill-drill": 1, "id": "d", "workflow": "w.json",
            "starts_at": "2026-11-20T09:00:00Z"}"#,
    );
    let expected = format!("cannot read big.json: it is {size} bytes, over the limit of 16 MiB");
    let runs: [&[&str]; 6] = [
        &["check", "big.json"],
        &["routes", "big.json"],
        &["simulate", "w.json", "--scenario", "big.json"],
        &[
            "deadline",
            "--calendar",
            "big.json",
            "--start",
            "2026-11-20T09:00:00Z",
            "--within",
            "1h",
        ],
        &["drill", "check", "big.json"],
        &["drill", "report", "d.json", "big.json"],
    ];
    for args in runs {
        let o = s.run(args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let text = format!("{}{}", stdout(&o), stderr(&o));
        assert!(text.contains(&expected), "{args:?}: {text}");
    }
}

#[test]
fn deadline_within_over_the_longest_duration_is_refused_at_parse() {
    let s = Scratch::new("within-bound");
    s.file("cal.json", r#"{"timezone": "Europe/London"}"#);
    for within in ["36601d", "9223372036854776s"] {
        let o = s.run(&[
            "deadline",
            "--calendar",
            "cal.json",
            "--start",
            "2026-11-20T09:00:00Z",
            "--within",
            within,
        ]);
        assert_no_panic(&o);
        assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
        assert!(
            stderr(&o).contains(&format!(
                "--within: \"{within}\" is too large: the longest duration is 36600d"
            )),
            "{}",
            stderr(&o)
        );
    }
    let o = s.run(&[
        "deadline",
        "--calendar",
        "cal.json",
        "--start",
        "2026-11-20T09:00:00Z",
        "--within",
        "36600d",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn elapsed_beyond_the_horizon_is_refused_like_deadline() {
    let s = Scratch::new("elapsed-horizon");
    s.file("c.json", r#"{"timezone": "UTC"}"#);
    let o = s.run(&[
        "elapsed",
        "--calendar",
        "c.json",
        "--from",
        "2026-01-01T00:00:00Z",
        "--to",
        "2226-01-01T00:00:00Z",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("36600-day horizon"), "{}", stderr(&o));
}
