//! Validation: structure, references, loops, forks and joins, decision coverage.

mod common;

use common::{codes, decision, doc, findings, load, report};
use flowdrill_core::{Severity, Value, check};

const ATTRS: &str = r#"{
    "asker": ["customer", "prospect", "media", "troll"],
    "sentiment": ["positive", "neutral", "negative"],
    "severity": [1, 2, 3, 4, 5]
}"#;

#[test]
fn exhaustive_exclusive_decision_is_clean() {
    let r = report(&decision(
        ATTRS,
        "",
        &[
            ("a", r#"{"sentiment": "positive"}"#),
            (
                "b",
                r#"{"sentiment": {"!=": "positive"}, "asker": ["customer", "prospect"]}"#,
            ),
            (
                "c",
                r#"{"sentiment": {"not_in": ["positive"]}, "asker": {"in": ["media", "troll"]}}"#,
            ),
        ],
    ));
    assert!(findings(&r).is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn gap_reports_a_concrete_missing_case() {
    let r = report(&decision(
        ATTRS,
        "",
        &[
            ("a", r#"{"sentiment": "positive"}"#),
            ("b", r#"{"sentiment": "negative"}"#),
        ],
    ));
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    let gap = gaps[0];
    assert_eq!(gap.severity, Severity::Error);
    assert_eq!(gap.location.node.as_deref(), Some("d"));
    assert_eq!(gap.location.path.as_deref(), Some("nodes[1]"));
    let ex = gap.example.as_ref().unwrap();
    assert_eq!(ex.get("sentiment"), Some(&Value::from("neutral")));
    assert!(gap.message.contains("sentiment=neutral"), "{}", gap.message);
}

#[test]
fn otherwise_closes_the_gap() {
    let r = report(&decision(
        ATTRS,
        "",
        &[("a", r#"{"sentiment": "positive"}"#), ("b", "otherwise")],
    ));
    assert!(findings(&r).is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn overlap_reports_both_branches_and_a_case() {
    let r = report(&decision(
        ATTRS,
        "",
        &[
            ("a", r#"{"asker": "media"}"#),
            ("b", r#"{"sentiment": "negative"}"#),
            ("c", "otherwise"),
        ],
    ));
    let o = r.with_code("decision-overlap");
    assert_eq!(o.len(), 1, "{:#?}", r.diagnostics);
    assert!(
        o[0].message.contains("\"d->a\" and \"d->b\""),
        "{}",
        o[0].message
    );
    assert_eq!(o[0].location.path.as_deref(), Some("edges[2].when"));
    let ex = o[0].example.as_ref().unwrap();
    assert_eq!(ex.get("asker"), Some(&Value::from("media")));
    assert_eq!(ex.get("sentiment"), Some(&Value::from("negative")));
}

#[test]
fn first_match_allows_overlap_but_reports_shadowed_branches() {
    let r = report(&decision(
        ATTRS,
        r#", "match": "first""#,
        &[
            ("a", r#"{"asker": "media"}"#),
            ("b", r#"{"sentiment": "negative"}"#),
            ("c", r#"{"asker": "media", "sentiment": "positive"}"#),
            ("z", "otherwise"),
        ],
    ));
    assert_eq!(findings(&r), vec!["dead-branch"], "{:#?}", r.diagnostics);
    assert!(
        r.diagnostics[0]
            .message
            .contains("earlier branches take every case")
    );
    assert_eq!(r.diagnostics[0].location.edge.as_deref(), Some("d->c"));
}

#[test]
fn nested_all_any_not_guards() {
    // a: media, or (customer and not severity >= 3)
    // b: troll, or (customer and severity >= 3)
    // left uncovered: prospect (any), which the witness must show.
    let r = report(&decision(
        ATTRS,
        "",
        &[
            (
                "a",
                r#"{"any": [{"asker": "media"}, {"all": [{"asker": "customer"}, {"not": {"severity": {">=": 3}}}]}]}"#,
            ),
            (
                "b",
                r#"{"any": [{"asker": "troll"}, {"asker": "customer", "severity": {">=": 3}}]}"#,
            ),
        ],
    ));
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    let ex = gaps[0].example.as_ref().unwrap();
    assert_eq!(ex.get("asker"), Some(&Value::from("prospect")), "{ex:?}");
    assert!(r.with_code("decision-overlap").is_empty());
}

#[test]
fn numeric_ranges_find_the_missing_value() {
    let r = report(&decision(
        ATTRS,
        "",
        &[
            ("low", r#"{"severity": {"<": 3}}"#),
            ("mid", r#"{"severity": {">=": 3, "<": 5}}"#),
            ("high", r#"{"severity": {">": 5}}"#),
        ],
    ));
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(
        gaps[0].example.as_ref().unwrap().get("severity"),
        Some(&Value::Number(5.0))
    );
    // "high" can never be taken: no severity above 5 exists.
    let dead = r.with_code("dead-branch");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].location.edge.as_deref(), Some("d->high"));
}

#[test]
fn earlier_decisions_restrict_what_reaches_later_ones() {
    // The second decision only sees media and troll posts, so it need not handle customers.
    let text = doc(
        ATTRS,
        r#"{"id": "in", "kind": "start"},
           {"id": "who", "kind": "decision"},
           {"id": "help", "kind": "task", "role": "agent"},
           {"id": "tone", "kind": "decision"},
           {"id": "pr", "kind": "end", "outcome": "pr"},
           {"id": "ignore", "kind": "end", "outcome": "let-stand"},
           {"id": "done", "kind": "end", "outcome": "closed"}"#,
        r#"{"from": "in", "to": "who"},
           {"from": "who", "to": "help", "when": {"asker": ["customer", "prospect"]}},
           {"from": "who", "to": "tone", "when": {"asker": ["media", "troll"]}},
           {"from": "help", "to": "done"},
           {"from": "tone", "to": "pr", "when": {"asker": "media"}},
           {"from": "tone", "to": "ignore", "when": {"asker": "troll"}}"#,
    );
    let r = report(&text);
    assert_eq!(
        codes(&r),
        vec!["unused-attribute", "unused-attribute"],
        "{:#?}",
        r.diagnostics
    );

    // Narrow the first decision: now prospects reach "tone" and fall through.
    let narrowed = text
        .replace(
            r#""asker": ["customer", "prospect"]"#,
            r#""asker": "customer""#,
        )
        .replace(
            r#""to": "tone", "when": {"asker": ["media", "troll"]}"#,
            r#""to": "tone", "when": {"asker": ["media", "troll", "prospect"]}"#,
        );
    let r = report(&narrowed);
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(gaps[0].location.node.as_deref(), Some("tone"));
    assert_eq!(
        gaps[0].example.as_ref().unwrap().get("asker"),
        Some(&Value::from("prospect"))
    );
}

#[test]
fn a_branch_made_impossible_by_an_earlier_decision_is_dead() {
    let text = doc(
        ATTRS,
        r#"{"id": "in", "kind": "start"},
           {"id": "who", "kind": "decision"},
           {"id": "tone", "kind": "decision"},
           {"id": "a", "kind": "end", "outcome": "a"},
           {"id": "b", "kind": "end", "outcome": "b"},
           {"id": "c", "kind": "end", "outcome": "c"},
           {"id": "w", "kind": "task", "role": "agent"}"#,
        r#"{"from": "in", "to": "who"},
           {"from": "who", "to": "tone", "when": {"asker": "media"}},
           {"from": "who", "to": "w", "otherwise": true},
           {"from": "w", "to": "c"},
           {"from": "tone", "to": "a", "when": {"asker": "customer"}},
           {"from": "tone", "to": "b", "otherwise": true}"#,
    );
    let r = report(&text);
    let dead = r.with_code("dead-branch");
    assert_eq!(dead.len(), 1, "{:#?}", r.diagnostics);
    assert!(
        dead[0]
            .message
            .contains("no case that reaches \"tone\" has asker = customer"),
        "{}",
        dead[0].message
    );
}

#[test]
fn retry_loops_must_be_bounded_and_covered_after_the_limit() {
    // send → replied? → yes: done / no: back to send (at most 3 times) / after that: escalate
    let base = doc(
        r#"{"reply": ["email", "never"]}"#,
        r#"{"id": "in", "kind": "start"},
           {"id": "send", "kind": "task", "role": "agent", "name": "Email"},
           {"id": "replied", "kind": "decision"},
           {"id": "done", "kind": "end", "outcome": "closed"},
           {"id": "hold", "kind": "end", "outcome": "on-hold"}"#,
        r#"{"from": "in", "to": "send"},
           {"from": "send", "to": "replied"},
           {"from": "replied", "to": "done", "when": {"reply": "email"}},
           {"from": "replied", "to": "send", "when": {"reply": "never"}, "limit": 3},
           {"from": "replied", "to": "hold", "otherwise": true}"#,
    );
    let r = report(&base);
    assert!(r.is_clean(), "{:#?}", r.diagnostics);

    // Without the otherwise, cases that never reply have nowhere to go after 3 emails.
    let no_exit = base
        .replace(
            r#",
           {"from": "replied", "to": "hold", "otherwise": true}"#,
            "",
        )
        .replace(
            r#",
           {"id": "hold", "kind": "end", "outcome": "on-hold"}"#,
            "",
        );
    let r = report(&no_exit);
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    assert!(
        gaps[0]
            .message
            .contains("reply=never once \"replied->send\" (limit 3) has been used up"),
        "{}",
        gaps[0].message
    );

    // Without the limit the loop is unbounded.
    let unbounded = base.replace(r#", "limit": 3"#, "");
    let r = report(&unbounded);
    assert_eq!(codes(&r), vec!["unbounded-loop"], "{:#?}", r.diagnostics);
    assert!(r.diagnostics[0].message.contains("\"send\", \"replied\""));
}

#[test]
fn cycle_without_exit_and_dead_end() {
    let text = doc(
        "{}",
        r#"{"id": "in", "kind": "start"},
           {"id": "a", "kind": "task", "role": "agent"},
           {"id": "b", "kind": "task", "role": "agent"},
           {"id": "stuck", "kind": "task", "role": "agent"},
           {"id": "out", "kind": "end", "outcome": "x"}"#,
        r#"{"from": "in", "to": "a"},
           {"from": "a", "to": "b"},
           {"from": "b", "to": "a", "limit": 2}"#,
    );
    let r = report(&text);
    let c = codes(&r);
    assert!(c.contains(&"cycle-without-exit"), "{c:?}");
    assert!(c.contains(&"dead-end"), "{c:?}");
    let dead = r.with_code("dead-end");
    assert_eq!(dead[0].location.node.as_deref(), Some("stuck"));
    assert!(c.contains(&"unreachable"), "{c:?}");
}

#[test]
fn undefined_references_name_what_was_meant() {
    let text = r#"{"flowdrill": 1, "id": "t",
        "roles": {"specialist": {"calendar": "offise", "escalates_to": "supervisor"}, "supervisor": {}},
        "calendars": {"office": {"timezone": "UTC"}},
        "attributes": {"sentiment": ["positive", "negative"]},
        "nodes": [{"id": "in", "kind": "start"},
                  {"id": "d", "kind": "decision"},
                  {"id": "work", "kind": "task", "role": "specialst"},
                  {"id": "out", "kind": "end", "outcome": "x"}],
        "edges": [{"from": "in", "to": "d"},
                  {"from": "d", "to": "work", "when": {"sentimnt": "negative"}},
                  {"from": "d", "to": "out", "when": {"sentiment": "neutral"}},
                  {"from": "work", "to": "outt"}]}"#;
    let r = report(text);
    let find = |code: &str| {
        r.with_code(code)
            .into_iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        find("undefined-role").contains("did you mean \"specialist\""),
        "{:#?}",
        r.diagnostics
    );
    assert!(find("undefined-calendar").contains("did you mean \"office\""));
    assert!(find("undefined-attribute").contains("did you mean \"sentiment\""));
    assert!(
        find("undefined-value")
            .contains("no value \"neutral\"; expected one of positive, negative")
    );
    assert!(find("undefined-node").contains("did you mean \"out\""));
    let role = r.with_code("undefined-role")[0];
    assert_eq!(role.location.node.as_deref(), Some("work"));
    let node = r.with_code("undefined-node")[0];
    assert_eq!(node.location.path.as_deref(), Some("edges[3].to"));
    // A decision with broken guards is not also reported for coverage.
    assert!(r.with_code("decision-gap").is_empty());
}

#[test]
fn forks_and_joins_pair_up() {
    let good = doc(
        "{}",
        r#"{"id": "in", "kind": "start"},
           {"id": "split", "kind": "fork"},
           {"id": "a", "kind": "task", "role": "agent"},
           {"id": "b", "kind": "task", "role": "agent"},
           {"id": "inner", "kind": "fork"},
           {"id": "b1", "kind": "task", "role": "agent"},
           {"id": "b2", "kind": "task", "role": "agent"},
           {"id": "innerjoin", "kind": "join"},
           {"id": "merge", "kind": "join"},
           {"id": "out", "kind": "end", "outcome": "x"}"#,
        r#"{"from": "in", "to": "split"},
           {"from": "split", "to": "a"}, {"from": "split", "to": "b"},
           {"from": "a", "to": "merge"},
           {"from": "b", "to": "inner"},
           {"from": "inner", "to": "b1"}, {"from": "inner", "to": "b2"},
           {"from": "b1", "to": "innerjoin"}, {"from": "b2", "to": "innerjoin"},
           {"from": "innerjoin", "to": "merge"},
           {"from": "merge", "to": "out"}"#,
    );
    let r = report(&good);
    assert!(r.is_clean(), "{:#?}", r.diagnostics);

    // Branch b2 skips the inner join and goes to the outer one.
    let crossed = good.replace(
        r#"{"from": "b2", "to": "innerjoin"}"#,
        r#"{"from": "b2", "to": "merge"}"#,
    );
    let r = report(&crossed);
    assert!(
        r.with_code("fork-join-mismatch").len() + r.with_code("join-arity").len() > 0,
        "{:#?}",
        r.diagnostics
    );

    // A join nobody forks into.
    let lonely = doc(
        "{}",
        r#"{"id": "in", "kind": "start"}, {"id": "in2", "kind": "start"},
           {"id": "j", "kind": "join"}, {"id": "out", "kind": "end", "outcome": "x"}"#,
        r#"{"from": "in", "to": "j"}, {"from": "in2", "to": "j"}, {"from": "j", "to": "out"}"#,
    );
    let r = report(&lonely);
    assert!(
        codes(&r).contains(&"join-without-fork"),
        "{:#?}",
        r.diagnostics
    );
}

#[test]
fn misplaced_guards_and_exits() {
    let text = doc(
        r#"{"s": ["a", "b"]}"#,
        r#"{"id": "in", "kind": "start"},
           {"id": "t", "kind": "task", "role": "agent"},
           {"id": "x", "kind": "end", "outcome": "x"},
           {"id": "y", "kind": "end", "outcome": "y"}"#,
        r#"{"from": "in", "to": "t"},
           {"from": "t", "to": "x", "when": {"s": "a"}},
           {"from": "t", "to": "y", "when": {"s": "b"}}"#,
    );
    let c = codes(&report(&text));
    assert!(c.contains(&"several-exits"), "{c:?}");
    assert!(c.contains(&"guard-outside-decision"), "{c:?}");
}

#[test]
fn escalation_cycles_and_unused_declarations() {
    let text = r#"{"flowdrill": 1, "id": "t",
        "roles": {"a": {"escalates_to": "b"}, "b": {"escalates_to": "a"}, "idle": {},
                  "loner": {"escalates_to": "boss"}, "boss": {}},
        "calendars": {"spare": {"timezone": "UTC"}},
        "attributes": {"unread": ["x", "y"]},
        "nodes": [{"id": "in", "kind": "start"}, {"id": "w", "kind": "task", "role": "a"},
                  {"id": "out", "kind": "end", "outcome": "x"}],
        "edges": [{"from": "in", "to": "w"}, {"from": "w", "to": "out"}]}"#;
    let r = report(text);
    let c = codes(&r);
    assert_eq!(r.with_code("escalation-cycle").len(), 1, "{c:?}");
    for code in ["unused-role", "unused-calendar", "unused-attribute"] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    // "b" is used: "a" works and escalates to it. "loner" escalates but does nothing, and
    // "boss" is only the manager of an unused role.
    let unused: Vec<&str> = r
        .with_code("unused-role")
        .iter()
        .filter_map(|d| d.location.path.as_deref())
        .collect();
    assert_eq!(unused, vec!["roles.idle", "roles.loner", "roles.boss"]);
    // Errors sort before warnings.
    assert_eq!(r.diagnostics[0].severity, Severity::Error);
}

#[test]
fn check_turns_parse_errors_into_diagnostics() {
    let r = check("{\"flowdrill\": 1,\n \"id\": \"x\",\n \"nodes\": [ }");
    assert_eq!(codes(&r), vec!["syntax"]);
    assert_eq!(r.diagnostics[0].location.line, Some(3));
    let r =
        check(r#"{"flowdrill": 1, "id": "x", "nodes": [{"id": "a", "kind": "task", "rle": "x"}]}"#);
    assert_eq!(codes(&r), vec!["schema"]);
    assert!(
        r.diagnostics[0].message.contains("did you mean \"role\""),
        "{}",
        r.diagnostics[0].message
    );
    assert_eq!(
        r.diagnostics[0].location.path.as_deref(),
        Some("nodes[0].rle")
    );
}

#[test]
fn coverage_scales_to_realistic_domains() {
    // Six attributes of eight to ten values; 24 branches carve the space into slices by
    // two attributes, one slice left out. Enumerating would be 10^6 cases per check.
    let vals = |n: usize, p: &str| {
        (0..n)
            .map(|i| format!("\"{p}{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let attrs = format!(
        r#"{{"a": [{}], "b": [{}], "c": [{}], "d": [{}], "e": [{}], "f": [{}]}}"#,
        vals(10, "a"),
        vals(10, "b"),
        vals(8, "c"),
        vals(9, "d"),
        vals(10, "e"),
        vals(10, "f")
    );
    let mut branches = Vec::new();
    let mut guards = Vec::new();
    for i in 0..5 {
        for j in 0..5 {
            if (i, j) == (4, 4) {
                continue;
            }
            let a = format!("[\"a{}\", \"a{}\"]", 2 * i, 2 * i + 1);
            let b = format!("[\"b{}\", \"b{}\"]", 2 * j, 2 * j + 1);
            guards.push((format!("x{i}{j}"), format!(r#"{{"a": {a}, "b": {b}, "not": {{"all": [{{"c": "c0"}}, {{"d": "d0"}}, {{"e": "e0"}}]}}}}"#)));
        }
    }
    guards.push(("rest".into(), r#"{"c": "c0", "d": "d0", "e": "e0"}"#.into()));
    for (to, g) in &guards {
        branches.push((to.as_str(), g.as_str()));
    }
    let text = decision(&attrs, "", &branches);
    let w = load(&text);
    let r = flowdrill_core::validate(&w);
    let gaps = r.with_code("decision-gap");
    assert_eq!(gaps.len(), 1, "{:#?}", r.diagnostics);
    let ex = gaps[0].example.as_ref().unwrap();
    assert_eq!(ex.get("a"), Some(&Value::from("a8")), "{ex:?}");
    assert_eq!(ex.get("b"), Some(&Value::from("b8")), "{ex:?}");
    assert!(
        r.with_code("decision-overlap").is_empty(),
        "{:#?}",
        r.diagnostics
    );
}
