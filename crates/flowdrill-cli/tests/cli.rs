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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_no_panic(o: &Output) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("RUST_BACKTRACE"), "{err}");
}

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
