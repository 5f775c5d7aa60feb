//! Rendering of reports, route tables and routes as text, Markdown and JSON.
//!
//! Every function here is pure: it takes core results and returns the text to print.

use flowdrill_core::route::{Step, describe_case};
use flowdrill_core::{Assignment, Diagnostic, Location, Report, Route, RouteTable, Workflow};
use serde::Serialize;

/// The width text output is wrapped to.
pub const WIDTH: usize = 100;

/// The findings for one file named on the command line.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file as named on the command line.
    pub file: String,
    /// The number of errors.
    pub errors: usize,
    /// The number of warnings.
    pub warnings: usize,
    /// The findings, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// The findings of a validation report for a file.
    pub fn new(file: impl Into<String>, report: Report) -> Self {
        FileReport {
            file: file.into(),
            errors: report.error_count(),
            warnings: report.warning_count(),
            diagnostics: report.diagnostics,
        }
    }
}

/// `1 error`, `2 warnings`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The `FILE:LINE:COLUMN: node "x", edge "y", path` text of a location.
pub fn location_text(file: &str, loc: &Location) -> String {
    let mut head = file.to_string();
    if let Some(line) = loc.line {
        head.push_str(&format!(":{line}"));
        if let Some(column) = loc.column {
            head.push_str(&format!(":{column}"));
        }
    }
    let mut parts = Vec::new();
    if let Some(node) = &loc.node {
        parts.push(format!("node \"{node}\""));
    }
    if let Some(edge) = &loc.edge {
        parts.push(format!("edge \"{edge}\""));
    }
    if let Some(path) = loc.path.as_deref().filter(|p| !p.is_empty() && *p != ".") {
        parts.push(path.to_string());
    }
    if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join(", "))
    }
}

/// One diagnostic in the style of rustc:
///
/// ```text
/// error[decision-gap]: decision "who-is-asking" has no branch for asker=competitor
///   --> social.json: node "who-is-asking", edges[4].when
///   = example: asker=competitor, sentiment=negative
/// ```
pub fn render_diagnostic(file: &str, d: &Diagnostic) -> String {
    let mut out = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    if d.location != Location::default() {
        out.push_str(&format!("  --> {}\n", location_text(file, &d.location)));
    }
    if let Some(example) = &d.example {
        out.push_str(&format!("  = example: {}\n", describe_case(example)));
    }
    out
}

/// The last line for a file: `FILE: 2 errors, 1 warning` or `FILE: ok`.
pub fn summary_line(r: &FileReport) -> String {
    let mut parts = Vec::new();
    if r.errors > 0 {
        parts.push(count(r.errors, "error"));
    }
    if r.warnings > 0 {
        parts.push(count(r.warnings, "warning"));
    }
    if parts.is_empty() {
        format!("{}: ok", r.file)
    } else {
        format!("{}: {}", r.file, parts.join(", "))
    }
}

/// The text output of `flowdrill check`: each file's diagnostics, then its summary line.
pub fn render_check(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            out.push_str(&render_diagnostic(&r.file, d));
            out.push('\n');
        }
        out.push_str(&summary_line(r));
        out.push('\n');
    }
    out
}

/// The JSON output of `flowdrill check`: an array with one object per file.
pub fn render_check_json(reports: &[FileReport]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(reports).map(|s| s + "\n")
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

fn path_in_lane(steps: &[&Step], lane: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        if !lane_within(&steps[i].lane, lane) {
            parts.push(steps[i].node.clone());
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
                path_in_lane(&inside, b)
            })
            .collect();
        parts.push(format!("[{}]", shown.join(" | ")));
        i = j;
    }
    parts.join(" → ")
}

/// The node ids of a route joined with ` → `; the branches of a fork are shown in
/// brackets, separated by `|`: `in → split → [legal → sign | comms → draft] → merge → out`.
pub fn path_text(steps: &[Step]) -> String {
    let all: Vec<&Step> = steps.iter().collect();
    path_in_lane(&all, "")
}

/// Wraps text at spaces to lines of at most `width` characters (a longer word gets a
/// line of its own). `→` and `|` stay at the end of a line, never start one.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if w == "→" || w == "|" => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for w in words {
        if line.is_empty() {
            line = w;
        } else if line.chars().count() + 1 + w.chars().count() <= width {
            line.push(' ');
            line.push_str(&w);
        } else {
            lines.push(std::mem::replace(&mut line, w));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A weighted share of cases as a percentage: `2.0%`, `<0.1%`, `100%`.
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        "-".into()
    } else if p >= 0.99995 {
        "100%".into()
    } else if p > 0.0 && p < 0.0005 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// How much of the traffic takes a route: its weighted share (of the cases entering at
/// its start, when there are several starts) and its count of attribute combinations.
pub fn route_share(row: &flowdrill_core::route::RouteRow, table: &RouteTable) -> String {
    let from = if table.starts.len() > 1 {
        format!(" entering at {}", row.route.start)
    } else {
        String::new()
    };
    format!(
        "{} of cases{from}; {} of {} combinations",
        percent(row.share),
        row.cases,
        table.total_cases
    )
}

/// A list for people: `a, b` or `none`.
fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// How a route ends: its outcome, or where it got stuck.
pub fn outcome_text(route: &Route) -> String {
    match (&route.stuck_at, &route.outcome) {
        (Some(at), _) => format!("STUCK at {at}"),
        (None, Some(outcome)) => outcome.clone(),
        (None, None) => "none".into(),
    }
}

/// `Social triage (social-triage)`, or just the id when the workflow has no name.
fn workflow_title(w: &Workflow) -> String {
    match &w.name {
        Some(name) if *name != w.id => format!("{name} ({})", w.id),
        _ => w.id.clone(),
    }
}

/// Appends `    label     value`, the value wrapped and continued under itself.
fn field(out: &mut String, label: &str, value: &str, width: usize) {
    const INDENT: usize = 4;
    const LABEL: usize = 10;
    let lines = wrap(value, width.saturating_sub(INDENT + LABEL).max(20));
    for (i, line) in lines.iter().enumerate() {
        let head = if i == 0 { label } else { "" };
        out.push_str(&format!("{:INDENT$}{head:<LABEL$}{line}", ""));
        out.push('\n');
    }
}

/// The text output of `flowdrill routes`: one block per route, wrapped to `width`.
pub fn render_routes(w: &Workflow, table: &RouteTable, width: usize) -> String {
    let n = table.rows.len();
    let mut header = format!("{}: {}", workflow_title(w), count(n, "route"));
    if table.attributes.is_empty() {
        header.push_str(" (no case attributes)");
    } else {
        header.push_str(&format!(
            " over {} ({})",
            count_u128(table.total_cases, "case"),
            table.attributes.join(", ")
        ));
    }
    let mut out = String::new();
    for (i, line) in wrap(&header, width.saturating_sub(4).max(20))
        .iter()
        .enumerate()
    {
        let indent = if i == 0 { "" } else { "    " };
        out.push_str(&format!("{indent}{line}\n"));
    }
    for (i, row) in table.rows.iter().enumerate() {
        out.push_str(&format!(
            "\nroute {} ({})\n",
            i + 1,
            route_share(row, table)
        ));
        field(&mut out, "when", &row.conditions_text(), width);
        field(&mut out, "path", &path_text(&row.route.steps), width);
        field(&mut out, "work", &list_or_none(&row.route.roles()), width);
        field(
            &mut out,
            "notified",
            &list_or_none(&row.route.notified()),
            width,
        );
        field(&mut out, "outcome", &outcome_text(&row.route), width);
    }
    out
}

fn count_u128(n: u128, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Escapes text for a Markdown table cell.
fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// The Markdown output of `flowdrill routes`: a pipe table, one row per route.
pub fn render_routes_markdown(table: &RouteTable) -> String {
    let mut out = String::from(
        "| # | Start | When | Path | Work | Notified | Outcome | Share |\n\
         |--:|-------|------|------|------|----------|---------|------:|\n",
    );
    for (i, row) in table.rows.iter().enumerate() {
        let cells = [
            (i + 1).to_string(),
            row.route.start.clone(),
            row.conditions_text(),
            path_text(&row.route.steps),
            list_or_none(&row.route.roles()),
            list_or_none(&row.route.notified()),
            outcome_text(&row.route),
            percent(row.share),
        ];
        let cells: Vec<String> = cells.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[derive(Serialize)]
struct RoutesJson<'a> {
    file: &'a str,
    workflow: &'a str,
    attributes: &'a [String],
    starts: &'a [String],
    total_cases: u128,
    routes: Vec<RouteRowJson<'a>>,
}

#[derive(Serialize)]
struct RouteRowJson<'a> {
    number: usize,
    when: String,
    cases: u128,
    share: f64,
    path: String,
    roles: Vec<&'a str>,
    notified: Vec<&'a str>,
    outcome: Option<&'a str>,
    stuck_at: Option<&'a str>,
    conditions: &'a [Vec<(String, Vec<flowdrill_core::Value>)>],
    example: &'a Assignment,
    route: &'a Route,
}

/// The JSON output of `flowdrill routes`: the attributes, the number of cases, and per
/// route its conditions, share of cases, path, roles, outcome, an example case and the
/// full route.
pub fn render_routes_json(
    file: &str,
    w: &Workflow,
    table: &RouteTable,
) -> Result<String, serde_json::Error> {
    let doc = RoutesJson {
        file,
        workflow: &w.id,
        attributes: &table.attributes,
        starts: &table.starts,
        total_cases: table.total_cases,
        routes: table
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| RouteRowJson {
                number: i + 1,
                when: row.conditions_text(),
                cases: row.cases,
                share: row.share,
                path: path_text(&row.route.steps),
                roles: row.route.roles(),
                notified: row.route.notified(),
                outcome: row.route.outcome.as_deref(),
                stuck_at: row.route.stuck_at.as_deref(),
                conditions: &row.conditions,
                example: &row.example,
                route: &row.route,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).map(|s| s + "\n")
}

/// Lays out rows as columns two spaces apart (the first right-aligned, the others
/// left-aligned), dropping columns that are empty in every row below the header.
fn columns(rows: &[Vec<String>]) -> String {
    let Some(header) = rows.first() else {
        return String::new();
    };
    let keep: Vec<usize> = (0..header.len())
        .filter(|&c| {
            rows.iter()
                .skip(1)
                .any(|r| r.get(c).is_some_and(|v| !v.is_empty()))
        })
        .collect();
    let widths: Vec<usize> = keep
        .iter()
        .map(|&c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::from("  ");
        for (k, &c) in keep.iter().enumerate() {
            let v = r.get(c).map_or("", String::as_str);
            if c == 0 {
                line.push_str(&format!("{v:>w$}  ", w = widths[k]));
            } else {
                line.push_str(&format!("{v:<w$}  ", w = widths[k]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The text output of `flowdrill route`: one line per step (number, lane, kind, step,
/// role, the label of the edge taken), then notifications, work and outcome.
pub fn render_route(w: &Workflow, case: &Assignment, route: &Route) -> String {
    let mut out = format!(
        "{}: route for {} from \"{}\"\n\n",
        workflow_title(w),
        describe_case(case),
        route.start
    );
    let mut rows = vec![
        ["#", "lane", "kind", "step", "role", "via"]
            .map(String::from)
            .to_vec(),
    ];
    for (i, s) in route.steps.iter().enumerate() {
        let step = if s.name == s.node {
            s.node.clone()
        } else {
            format!("{} ({})", s.name, s.node)
        };
        rows.push(vec![
            (i + 1).to_string(),
            s.lane.clone(),
            s.kind.to_string(),
            step,
            s.role.clone().unwrap_or_default(),
            s.via.clone().unwrap_or_default(),
        ]);
    }
    out.push_str(&columns(&rows));
    out.push('\n');
    if route.notifications.is_empty() {
        out.push_str("notifications: none\n");
    } else {
        out.push_str("notifications:\n");
        for n in &route.notifications {
            out.push_str(&format!("  {} → {}", n.node, n.roles.join(", ")));
            if let Some(m) = &n.message {
                out.push_str(&format!(": \"{m}\""));
            }
            out.push('\n');
        }
    }
    out.push_str(&format!("work: {}\n", list_or_none(&route.roles())));
    let outcome = outcome_text(route);
    match (&route.stuck_at, &route.end) {
        (None, Some(end)) if *end != outcome => {
            out.push_str(&format!("outcome: {outcome} (at {end})\n"));
        }
        _ => out.push_str(&format!("outcome: {outcome}\n")),
    }
    out
}

#[derive(Serialize)]
struct RouteJson<'a> {
    file: &'a str,
    workflow: &'a str,
    case: &'a Assignment,
    path: String,
    roles: Vec<&'a str>,
    notified: Vec<&'a str>,
    route: &'a Route,
}

/// The JSON output of `flowdrill route`: the case, a summary and the full route.
pub fn render_route_json(
    file: &str,
    w: &Workflow,
    case: &Assignment,
    route: &Route,
) -> Result<String, serde_json::Error> {
    let doc = RouteJson {
        file,
        workflow: &w.id,
        case,
        path: path_text(&route.steps),
        roles: route.roles(),
        notified: route.notified(),
        route,
    };
    serde_json::to_string_pretty(&doc).map(|s| s + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdrill_core::{Severity, Value, route_table};

    pub(crate) const MINI: &str = r#"{"flowdrill":1,"id":"mini","roles":{"agent":{"staff":2}},
        "attributes":{"sentiment":["positive","negative"]},
        "nodes":[{"id":"post","kind":"start"},
                 {"id":"tone","kind":"decision","question":"Is the post positive?"},
                 {"id":"reply","kind":"task","role":"agent","effort":"10m"},
                 {"id":"done","kind":"end","outcome":"closed"},
                 {"id":"leave","kind":"end","outcome":"let-stand"}],
        "edges":[{"from":"post","to":"tone"},
                 {"from":"tone","to":"leave","when":{"sentiment":"positive"}},
                 {"from":"tone","to":"reply","when":{"sentiment":"negative"},"label":"negative"},
                 {"from":"reply","to":"done"}]}"#;

    fn mini() -> Workflow {
        Workflow::from_json(MINI).unwrap()
    }

    fn step(node: &str, lane: &str) -> Step {
        Step {
            node: node.into(),
            name: node.into(),
            kind: "task",
            lane: lane.into(),
            via: None,
            role: None,
        }
    }

    fn gap() -> Diagnostic {
        let mut example = Assignment::new();
        example.insert("asker".into(), Value::from("competitor"));
        example.insert("sentiment".into(), Value::from("negative"));
        Diagnostic::error(
            "decision-gap",
            "decision \"who-is-asking\" has no branch for asker=competitor",
            Location::path("edges[4].when").with_node("who-is-asking"),
        )
        .with_example(example)
    }

    #[test]
    fn diagnostic_reads_like_rustc() {
        assert_eq!(
            render_diagnostic("social.json", &gap()),
            "error[decision-gap]: decision \"who-is-asking\" has no branch for asker=competitor\n  \
             --> social.json: node \"who-is-asking\", edges[4].when\n  \
             = example: asker=competitor, sentiment=negative\n"
        );
    }

    #[test]
    fn location_with_line_and_column_is_clickable() {
        let loc = Location {
            path: Some("nodes[4].effort".into()),
            line: Some(12),
            column: Some(20),
            ..Location::default()
        };
        assert_eq!(
            location_text("w.json", &loc),
            "w.json:12:20: nodes[4].effort"
        );
        let root = Location {
            path: Some(".".into()),
            line: Some(3),
            column: Some(1),
            ..Location::default()
        };
        assert_eq!(location_text("w.json", &root), "w.json:3:1");
    }

    #[test]
    fn diagnostic_without_location_has_no_arrow_line() {
        let d = Diagnostic::warning(
            "unused-role",
            "role \"pr\" does no work",
            Location::default(),
        );
        assert_eq!(
            render_diagnostic("w.json", &d),
            "warning[unused-role]: role \"pr\" does no work\n"
        );
    }

    #[test]
    fn summary_counts_with_plurals() {
        let warn = Diagnostic::warning("w", "w", Location::default());
        let report = Report {
            diagnostics: vec![gap(), gap(), warn],
        };
        let r = FileReport::new("social.json", report);
        assert_eq!(summary_line(&r), "social.json: 2 errors, 1 warning");
        let one = FileReport::new(
            "a.json",
            Report {
                diagnostics: vec![gap()],
            },
        );
        assert_eq!(summary_line(&one), "a.json: 1 error");
        assert_eq!(
            summary_line(&FileReport::new("b.json", Report::default())),
            "b.json: ok"
        );
    }

    #[test]
    fn check_output_lists_each_file() {
        let reports = vec![
            FileReport::new(
                "a.json",
                Report {
                    diagnostics: vec![gap()],
                },
            ),
            FileReport::new("b.json", Report::default()),
        ];
        let text = render_check(&reports);
        assert!(text.starts_with("error[decision-gap]"), "{text}");
        assert!(text.contains("\n\na.json: 1 error\nb.json: ok\n"), "{text}");
    }

    #[test]
    fn check_json_is_one_object_per_file() {
        let reports = vec![FileReport::new(
            "a.json",
            Report {
                diagnostics: vec![gap()],
            },
        )];
        let v: serde_json::Value =
            serde_json::from_str(&render_check_json(&reports).unwrap()).unwrap();
        assert_eq!(v[0]["file"], "a.json");
        assert_eq!(v[0]["errors"], 1);
        assert_eq!(v[0]["warnings"], 0);
        assert_eq!(v[0]["diagnostics"][0]["code"], "decision-gap");
        assert_eq!(
            v[0]["diagnostics"][0]["severity"],
            Severity::Error.to_string()
        );
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
    fn lane_ten_is_not_inside_lane_one() {
        assert!(lane_within("1.2", "1"));
        assert!(!lane_within("10", "1"));
        assert!(!lane_within("1", "1"));
        assert_eq!(child_lane("1.2.1", "1"), "1.2");
        assert_eq!(child_lane("3.1", ""), "3");
    }

    #[test]
    fn wrap_keeps_arrows_at_line_ends() {
        let lines = wrap("alpha → beta → gamma → delta", 14);
        assert_eq!(lines, vec!["alpha → beta →", "gamma → delta"]);
        for l in &lines {
            assert!(l.chars().count() <= 14, "{l}");
            assert!(!l.starts_with('→'));
        }
        assert_eq!(wrap("", 10), vec![String::new()]);
        assert_eq!(
            wrap("unbreakable-long-word", 5),
            vec!["unbreakable-long-word"]
        );
    }

    #[test]
    fn shares_round_sensibly() {
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.00001), "<0.1%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(f64::NAN), "-");
    }

    #[test]
    fn routes_text_has_a_block_per_route() {
        let w = mini();
        let table = route_table(&w).unwrap();
        let text = render_routes(&w, &table, WIDTH);
        assert!(
            text.starts_with("mini: 2 routes over 2 cases (sentiment)\n"),
            "{text}"
        );
        assert!(
            text.contains("route 1 (50.0% of cases; 1 of 2 combinations)"),
            "{text}"
        );
        assert!(
            text.contains("    path      post → tone → reply → done\n"),
            "{text}"
        );
        assert!(text.contains("    work      agent\n"), "{text}");
        assert!(text.contains("    outcome   let-stand\n"), "{text}");
        assert!(
            text.contains("    when      sentiment=negative\n"),
            "{text}"
        );
    }

    #[test]
    fn a_long_header_wraps() {
        let w = mini();
        let table = route_table(&w).unwrap();
        let text = render_routes(&w, &table, 32);
        assert!(
            text.starts_with("mini: 2 routes over 2 cases\n    (sentiment)\n"),
            "{text}"
        );
    }

    #[test]
    fn long_paths_wrap_under_themselves() {
        let w = mini();
        let table = route_table(&w).unwrap();
        let text = render_routes(&w, &table, 30);
        assert!(
            text.contains("    path      post → tone →\n              reply → done\n"),
            "{text}"
        );
    }

    #[test]
    fn routes_markdown_is_a_pipe_table() {
        let table = route_table(&mini()).unwrap();
        let md = render_routes_markdown(&table);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines.len(), 4, "{md}");
        assert!(lines[0].starts_with("| # | Start | When | Path"));
        assert!(
            md.contains("| post → tone → reply → done | agent | none | closed | 50.0% |"),
            "{md}"
        );
        assert_eq!(md_cell("[a | b]"), "[a \\| b]");
    }

    #[test]
    fn routes_json_has_rows() {
        let w = mini();
        let table = route_table(&w).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&render_routes_json("m.json", &w, &table).unwrap()).unwrap();
        assert_eq!(v["workflow"], "mini");
        assert_eq!(v["total_cases"], 2);
        assert_eq!(v["routes"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["routes"][0]["share"], 0.5);
        assert!(v["routes"][0]["route"]["steps"].is_array());
    }

    #[test]
    fn route_text_lists_steps() {
        let w = mini();
        let case =
            flowdrill_core::route::parse_assignment(&w, [("sentiment", "negative")]).unwrap();
        let route = flowdrill_core::route::route_from(&w, None, &case).unwrap();
        let text = render_route(&w, &case, &route);
        assert!(
            text.starts_with("mini: route for sentiment=negative from \"post\"\n"),
            "{text}"
        );
        assert!(
            text.contains("  #  kind      step   role   via\n"),
            "{text}"
        );
        assert!(
            text.contains("  3  task      reply  agent  negative\n"),
            "{text}"
        );
        assert!(text.contains("notifications: none\n"), "{text}");
        assert!(text.contains("work: agent\n"), "{text}");
        assert!(text.ends_with("outcome: closed (at done)\n"), "{text}");
        assert!(
            !text.contains("lane"),
            "no forks, so no lane column: {text}"
        );
    }

    #[test]
    fn stuck_routes_say_where() {
        let mut route = flowdrill_core::route::route_from(
            &mini(),
            None,
            &flowdrill_core::route::parse_assignment(&mini(), [("sentiment", "positive")]).unwrap(),
        )
        .unwrap();
        assert_eq!(outcome_text(&route), "let-stand");
        route.stuck_at = Some("tone".into());
        assert_eq!(outcome_text(&route), "STUCK at tone");
    }

    #[test]
    fn route_json_has_the_case_and_steps() {
        let w = mini();
        let case =
            flowdrill_core::route::parse_assignment(&w, [("sentiment", "positive")]).unwrap();
        let route = flowdrill_core::route::route_from(&w, None, &case).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&render_route_json("m.json", &w, &case, &route).unwrap()).unwrap();
        assert_eq!(v["case"]["sentiment"], "positive");
        assert_eq!(v["route"]["outcome"], "let-stand");
        assert_eq!(v["path"], "post → tone → leave");
    }
}
