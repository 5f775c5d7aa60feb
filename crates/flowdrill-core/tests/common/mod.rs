//! Helpers shared by the integration tests: small workflows written inline.

#![allow(dead_code)]

use flowdrill_core::{Report, Workflow, validate};

/// Builds a workflow document from its parts (JSON snippets).
pub fn doc(attributes: &str, nodes: &str, edges: &str) -> String {
    format!(
        r#"{{"flowdrill": 1, "id": "t",
            "roles": {{"agent": {{"staff": 1}}}},
            "attributes": {attributes},
            "nodes": [{nodes}],
            "edges": [{edges}]}}"#
    )
}

/// Parses a document, panicking with the parse error in a test.
pub fn load(text: &str) -> Workflow {
    match Workflow::from_json(text) {
        Ok(w) => w,
        Err(e) => panic!("test workflow does not parse: {e}\n{text}"),
    }
}

/// Validates a document.
pub fn report(text: &str) -> Report {
    validate(&load(text))
}

/// The codes in a report, in order.
pub fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

/// A start → decision "d" → ends layout: `branches` are (to, guard JSON or "otherwise").
pub fn decision(attributes: &str, matching: &str, branches: &[(&str, &str)]) -> String {
    let mut nodes = vec![
        r#"{"id": "in", "kind": "start"}"#.to_string(),
        format!(r#"{{"id": "d", "kind": "decision"{matching}}}"#),
        r#"{"id": "work", "kind": "task", "role": "agent"}"#.to_string(),
    ];
    let mut edges = vec![r#"{"from": "in", "to": "d"}"#.to_string()];
    for (i, (to, guard)) in branches.iter().enumerate() {
        nodes.push(format!(
            r#"{{"id": "{to}", "kind": "end", "outcome": "o{i}"}}"#
        ));
        let cond = if *guard == "otherwise" {
            r#""otherwise": true"#.to_string()
        } else {
            format!(r#""when": {guard}"#)
        };
        edges.push(format!(r#"{{"from": "d", "to": "{to}", {cond}}}"#));
    }
    // Keep the agent role used.
    nodes.push(r#"{"id": "s2", "kind": "start"}"#.into());
    nodes.push(r#"{"id": "e2", "kind": "end", "outcome": "done"}"#.into());
    edges.push(r#"{"from": "s2", "to": "work"}"#.into());
    edges.push(r#"{"from": "work", "to": "e2"}"#.into());
    doc(attributes, &nodes.join(","), &edges.join(","))
}

/// The codes in a report, leaving out `unused-*` warnings (test workflows declare more
/// attributes than each test reads).
pub fn findings(r: &Report) -> Vec<&'static str> {
    codes(r)
        .into_iter()
        .filter(|c| !c.starts_with("unused-"))
        .collect()
}
