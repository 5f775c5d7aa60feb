//! Reading workflow files: every bad input gives an error that says where and what.

use flowdrill_core::{ParseErrorKind, Workflow};

fn err(text: &str) -> flowdrill_core::ParseError {
    match Workflow::from_json(text) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e,
    }
}

fn with_nodes(nodes: &str) -> String {
    format!(r#"{{"flowdrill": 1, "id": "x", "nodes": [{nodes}]}}"#)
}

#[test]
fn unknown_distribution_names_the_choices() {
    let text = with_nodes(
        r#"{"id": "a", "kind": "start"}, {"id": "b", "kind": "start"}, {"id": "c", "kind": "start"},
           {"id": "d", "kind": "start"},
           {"id": "t", "kind": "task", "role": "r", "effort": {"expo": {"mean": "5m"}}}"#,
    );
    let e = err(&text);
    assert_eq!(e.kind, ParseErrorKind::Schema);
    assert_eq!(e.path, "nodes[4].effort");
    assert_eq!(
        e.message,
        "unknown distribution \"expo\"; expected one of fixed, exponential, lognormal, triangular, uniform, empirical; did you mean \"exponential\"?"
    );
    assert!(e.line > 0);
    assert!(
        e.to_string()
            .starts_with("nodes[4].effort: unknown distribution \"expo\"")
    );
}

#[test]
fn syntax_errors_have_line_and_column() {
    let e = err("{\n  \"flowdrill\": 1,\n  \"id\": \"x\"\n  \"nodes\": []\n}");
    assert_eq!(e.kind, ParseErrorKind::Syntax);
    assert_eq!((e.line, e.column), (4, 3));
    assert!(e.message.contains("expected"), "{}", e.message);
}

#[test]
fn trailing_text_is_rejected() {
    let e = err(r#"{"flowdrill": 1, "id": "x"} {"#);
    assert_eq!(e.kind, ParseErrorKind::Syntax);
}

#[test]
fn unknown_fields_suggest_the_right_one() {
    let e = err(&with_nodes(
        r#"{"id": "t", "kind": "task", "rol": "agent"}"#,
    ));
    assert_eq!(e.path, "nodes[0].rol");
    assert!(
        e.message
            .starts_with("unknown field \"rol\"; expected one of"),
        "{}",
        e.message
    );
    assert!(
        e.message.ends_with("did you mean \"role\"?"),
        "{}",
        e.message
    );

    let e = err(r#"{"flowdrill": 1, "id": "x", "rolse": {}}"#);
    assert!(
        e.message.contains("did you mean \"roles\""),
        "{}",
        e.message
    );
}

#[test]
fn node_kinds_and_their_fields() {
    let e = err(&with_nodes(r#"{"id": "t", "kind": "tsk"}"#));
    assert_eq!(e.path, "nodes[0].kind");
    assert!(
        e.message.starts_with("unknown node kind \"tsk\""),
        "{}",
        e.message
    );
    assert!(e.message.contains("did you mean \"task\""), "{}", e.message);

    let e = err(&with_nodes(r#"{"id": "t", "kind": "task"}"#));
    assert_eq!(e.path, "nodes[0]");
    assert!(
        e.message.contains("a task node needs \"role\""),
        "{}",
        e.message
    );

    let e = err(&with_nodes(
        r#"{"id": "e", "kind": "end", "outcome": "closed", "role": "x"}"#,
    ));
    assert!(
        e.message
            .contains("\"role\" does not apply; a end node takes outcome"),
        "{}",
        e.message
    );

    let e = err(&with_nodes(
        r#"{"id": "w", "kind": "wait", "delay": "1h", "until": "wed 12:00"}"#,
    ));
    assert!(e.message.contains("exactly one of"), "{}", e.message);
}

#[test]
fn durations_times_and_zones() {
    let e = err(&with_nodes(
        r#"{"id": "w", "kind": "wait", "delay": "1.5h"}"#,
    ));
    assert_eq!(e.path, "nodes[0].delay");
    assert!(
        e.message.contains("\"1.5h\" is not a duration"),
        "{}",
        e.message
    );

    let e = err(&with_nodes(
        r#"{"id": "w", "kind": "wait", "until": "wednesday noon"}"#,
    ));
    assert_eq!(e.path, "nodes[0].until");

    let e = err(&with_nodes(
        r#"{"id": "w", "kind": "wait", "batch": {"every": "weekly", "at": "17:00"}}"#,
    ));
    assert!(
        e.message.contains("a weekly batch needs \"on\""),
        "{}",
        e.message
    );

    let e =
        err(r#"{"flowdrill": 1, "id": "x", "calendars": {"c": {"timezone": "Europe/Lodnon"}}}"#);
    assert_eq!(e.path, "calendars.c.timezone");
    assert!(
        e.message.contains("did you mean \"Europe/London\""),
        "{}",
        e.message
    );

    let e = err(
        r#"{"flowdrill": 1, "id": "x", "calendars": {"c": {"timezone": "UTC", "hours": {"mon-fri": "9-5"}}}}"#,
    );
    assert!(
        e.message.contains("\"9-5\" is not an interval"),
        "{}",
        e.message
    );
}

#[test]
fn attributes_are_checked() {
    let e = err(
        r#"{"flowdrill": 1, "id": "x", "attributes": {"s": {"values": ["a", "b"], "weights": [1]}}}"#,
    );
    assert_eq!(e.path, "attributes.s.weights");
    assert!(
        e.message.contains("1 weights for 2 values"),
        "{}",
        e.message
    );
    let e = err(r#"{"flowdrill": 1, "id": "x", "attributes": {"s": ["a", "a"]}}"#);
    assert!(e.message.contains("repeats"), "{}", e.message);
    let e = err(r#"{"flowdrill": 1, "id": "x", "attributes": {"s": ["a", 2]}}"#);
    assert!(
        e.message.contains("use all text or all numbers"),
        "{}",
        e.message
    );
    let e = err(r#"{"flowdrill": 1, "id": "x", "roles": {"a": {}, "a": {}}}"#);
    assert!(e.message.contains("duplicate key \"a\""), "{}", e.message);
}

#[test]
fn guards_are_checked() {
    let e = err(
        r#"{"flowdrill": 1, "id": "x", "edges": [{"from": "a", "to": "b", "when": {"s": {"=>": 3}}}]}"#,
    );
    assert_eq!(e.path, "edges[0].when.s");
    assert!(
        e.message.contains("unknown operator \"=>\""),
        "{}",
        e.message
    );
    let e = err(r#"{"flowdrill": 1, "id": "x", "edges": [{"from": "a", "to": "b", "when": {}}]}"#);
    assert!(e.message.contains("empty guard"), "{}", e.message);
}

#[test]
fn versions() {
    let e = err(r#"{"id": "x"}"#);
    assert_eq!(e.kind, ParseErrorKind::Version);
    let e = err(r#"{"flowdrill": 2, "id": "x", "future": true}"#);
    assert_eq!(e.kind, ParseErrorKind::Version);
    assert!(
        e.message.contains("version 2 is not supported"),
        "{}",
        e.message
    );
    let e = err("[1, 2]");
    assert!(
        e.message.contains("expected a JSON object"),
        "{}",
        e.message
    );
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "",
        "{",
        "}",
        "null",
        "\"text\"",
        "{\"flowdrill\": 1}",
        "{\"flowdrill\": 1, \"id\": 5}",
        "{\"flowdrill\": 1, \"id\": \"x\", \"nodes\": {}}",
        "{\"flowdrill\": 1e999}",
        "{\"flowdrill\": 1, \"id\": \"x\", \"edges\": [{\"from\": \"a\", \"to\": \"b\", \"limit\": -1}]}",
        "{\"flowdrill\": 1, \"id\": \"x\", \"attributes\": {\"s\": {\"values\": {\"a\": -1}}}}",
    ];
    for s in samples {
        let _ = Workflow::from_json(s);
        let _ = flowdrill_core::check(s);
    }
}
