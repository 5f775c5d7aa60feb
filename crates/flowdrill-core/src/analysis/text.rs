//! Words for people: the texts that the command line, the web app and the widget all show,
//! written once so that they say the same thing everywhere.
//!
//! - [`path_text`] and [`path_text_by`]: a route's path, fork branches in brackets;
//! - [`edge_caption`]: what to write on an edge of the drawing;
//! - [`significant`]: whether a difference with its 95 % half-width is marked significant.
//!
//! A route table row's conditions are [`RouteRow::conditions_text`] and a guard's are its
//! [`Display`](std::fmt::Display); both are used as they are.
//!
//! [`RouteRow::conditions_text`]: crate::analysis::route::RouteRow::conditions_text

use crate::analysis::route::Step;
use crate::model::Edge;

/// A route's path by node id, joined with ` → `; the branches of a fork are shown in
/// brackets, separated by `|`: `in → split → [legal → sign | comms → draft] → merge → out`.
///
/// ```
/// use flowdrill_core::analysis::text::path_text;
/// let w = flowdrill_core::Workflow::from_json(r#"{
///   "flowdrill": 1, "id": "tiny",
///   "nodes": [{"id": "in", "kind": "start"}, {"id": "out", "kind": "end", "outcome": "closed"}],
///   "edges": [{"from": "in", "to": "out"}]
/// }"#).unwrap();
/// let r = flowdrill_core::route(&w, &Default::default()).unwrap();
/// assert_eq!(path_text(&r.steps), "in → out");
/// ```
pub fn path_text(steps: &[Step]) -> String {
    path_text_by(steps, |s| &s.node)
}

/// [`path_text`] with each step written as `label` says, e.g. by its display name
/// (`|s| &s.name`).
pub fn path_text_by<'s>(steps: &'s [Step], label: impl Fn(&'s Step) -> &'s str) -> String {
    let all: Vec<&Step> = steps.iter().collect();
    path_in_lane(&all, "", &label)
}

/// True when `lane` is inside `parent` (a branch of a fork, at any depth).
fn lane_within(lane: &str, parent: &str) -> bool {
    if parent.is_empty() {
        !lane.is_empty()
    } else {
        lane.len() > parent.len()
            && lane.starts_with(parent)
            && lane.as_bytes()[parent.len()] == b'.'
    }
}

/// The branch of `parent` that holds `lane` (`"1.2"` inside `"1"` for `"1.2.1"`).
fn child_lane<'a>(lane: &'a str, parent: &str) -> &'a str {
    let from = if parent.is_empty() {
        0
    } else {
        parent.len() + 1
    };
    match lane.get(from..).and_then(|rest| rest.find('.')) {
        Some(i) => &lane[..from + i],
        None => lane,
    }
}

fn path_in_lane<'s>(
    steps: &[&'s Step],
    lane: &str,
    label: &impl Fn(&'s Step) -> &'s str,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        if !lane_within(&steps[i].lane, lane) {
            parts.push(label(steps[i]).to_string());
            i += 1;
            continue;
        }
        // A run of steps in the branches of a fork: each branch in brackets, in turn.
        let mut j = i;
        while j < steps.len() && lane_within(&steps[j].lane, lane) {
            j += 1;
        }
        let run = &steps[i..j];
        let mut branches: Vec<&str> = Vec::new();
        for s in run {
            let b = child_lane(&s.lane, lane);
            if !branches.contains(&b) {
                branches.push(b);
            }
        }
        let shown: Vec<String> = branches
            .iter()
            .map(|b| {
                let inside: Vec<&Step> = run
                    .iter()
                    .copied()
                    .filter(|s| s.lane == *b || lane_within(&s.lane, b))
                    .collect();
                path_in_lane(&inside, b, label)
            })
            .collect();
        parts.push(format!("[{}]", shown.join(" | ")));
        i = j;
    }
    parts.join(" → ")
}

/// What to write on an edge in a drawing: its label, else `otherwise` for a decision's
/// fallback, else its condition in words (the guard's `Display`), followed by its retry
/// limit (`no reply (≤ 3×)`). `None` when there is nothing to write.
pub fn edge_caption(edge: &Edge) -> Option<String> {
    let text = match (&edge.label, &edge.when) {
        (Some(label), _) => label.clone(),
        (None, _) if edge.otherwise => "otherwise".to_string(),
        (None, Some(guard)) => guard.to_string(),
        (None, None) => String::new(),
    };
    let text = match edge.limit {
        Some(n) if text.is_empty() => format!("≤ {n}×"),
        Some(n) => format!("{text} (≤ {n}×)"),
        None => text,
    };
    (!text.is_empty()).then_some(text)
}

/// True when a difference whose 95 % confidence interval is `mean ± half_width` is
/// significant: the interval excludes zero. An unknown spread (an infinite or NaN
/// half-width, as with fewer than two replications) is never significant.
pub fn significant(mean: f64, half_width: f64) -> bool {
    mean.is_finite() && half_width.is_finite() && mean.abs() > half_width
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(node: &str, lane: &str) -> Step {
        Step {
            node: node.into(),
            name: node.to_uppercase(),
            kind: "task",
            lane: lane.into(),
            via: None,
            edges: Vec::new(),
            role: None,
        }
    }

    #[test]
    fn path_is_ids_joined_with_arrows() {
        let steps = [step("a", ""), step("b", ""), step("c", "")];
        assert_eq!(path_text(&steps), "a → b → c");
    }

    #[test]
    fn fork_branches_are_bracketed() {
        let steps = [
            step("in", ""),
            step("split", ""),
            step("legal", "1"),
            step("sign", "1"),
            step("comms", "2"),
            step("merge", ""),
            step("out", ""),
        ];
        assert_eq!(
            path_text(&steps),
            "in → split → [legal → sign | comms] → merge → out"
        );
    }

    #[test]
    fn nested_forks_nest_brackets() {
        let steps = [
            step("split", ""),
            step("inner", "1"),
            step("x", "1.1"),
            step("y", "1.2"),
            step("inner-join", "1"),
            step("z", "2"),
            step("merge", ""),
        ];
        assert_eq!(
            path_text(&steps),
            "split → [inner → [x | y] → inner-join | z] → merge"
        );
    }

    #[test]
    fn a_path_can_be_written_by_name() {
        let steps = [step("s", ""), step("a", "1"), step("b", "2"), step("j", "")];
        assert_eq!(path_text_by(&steps, |s| &s.name), "S → [A | B] → J");
    }

    #[test]
    fn lane_ten_is_not_inside_lane_one() {
        assert!(lane_within("1.2", "1"));
        assert!(!lane_within("10", "1"));
        assert!(!lane_within("1", "1"));
        assert_eq!(child_lane("1.2.1", "1"), "1.2");
        assert_eq!(child_lane("3.1", ""), "3");
        let steps = [
            step("f", ""),
            step("a", "1"),
            step("b", "10"),
            step("j", ""),
        ];
        assert_eq!(path_text(&steps), "f → [a | b] → j");
    }

    fn edge(json: &str) -> Edge {
        serde_json::from_str(json).expect("a valid edge")
    }

    #[test]
    fn an_edge_is_captioned_by_label_then_otherwise_then_guard() {
        let labelled = edge(r#"{"from": "d", "to": "x", "label": "angry", "when": {"s": "neg"}}"#);
        assert_eq!(edge_caption(&labelled).as_deref(), Some("angry"));
        let fallback = edge(r#"{"from": "d", "to": "x", "otherwise": true}"#);
        assert_eq!(edge_caption(&fallback).as_deref(), Some("otherwise"));
        let guarded =
            edge(r#"{"from": "d", "to": "x", "when": {"any": [{"a": "x"}, {"not": {"b": "y"}}]}}"#);
        assert_eq!(
            edge_caption(&guarded).as_deref(),
            Some("a = x or not (b = y)")
        );
        let ranged = edge(r#"{"from": "d", "to": "x", "when": {"severity": {">=": 3}}}"#);
        assert_eq!(edge_caption(&ranged).as_deref(), Some("severity >= 3"));
        assert_eq!(edge_caption(&Edge::new("a", "b")), None);
    }

    #[test]
    fn a_retry_limit_follows_the_caption() {
        let retry = edge(r#"{"from": "d", "to": "x", "label": "no reply", "limit": 3}"#);
        assert_eq!(edge_caption(&retry).as_deref(), Some("no reply (≤ 3×)"));
        let bare = edge(r#"{"from": "d", "to": "x", "limit": 2}"#);
        assert_eq!(edge_caption(&bare).as_deref(), Some("≤ 2×"));
    }

    #[test]
    fn significance_needs_an_interval_clear_of_zero() {
        assert!(significant(-0.2, 0.01));
        assert!(significant(0.05, 0.01));
        assert!(!significant(0.01, 0.02));
        assert!(!significant(0.0, 0.0));
        assert!(!significant(0.3, f64::INFINITY));
        assert!(!significant(f64::NAN, 0.1));
    }
}
