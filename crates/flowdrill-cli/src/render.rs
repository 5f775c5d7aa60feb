//! Rendering of reports, route tables, routes and business-time answers as text,
//! Markdown and JSON.
//!
//! Every function here is pure: it takes core results and returns the text to print.

use chrono::{DateTime, SecondsFormat, Utc};
use flowdrill_core::analysis::route::describe_case;
use flowdrill_core::analysis::text::path_text;
use flowdrill_core::time::clock::ClockState;
use flowdrill_core::time::timeline::{LadderStep, RouteSla, TimedStep};
use flowdrill_core::{
    Assignment, Calendar, Diagnostic, Duration, Location, Report, Route, RouteTable, Workflow,
};
use serde::Serialize;

/// An instant as RFC 3339: in the calendar's local offset (`Some(calendar)`), or in UTC
/// with a `Z` (`None`), the way the core writes instants in JSON.
pub fn rfc3339(calendar: Option<&Calendar>, t: DateTime<Utc>) -> String {
    match calendar {
        Some(c) => c.to_local_rfc3339(t),
        None => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// An instant for a table column: `Fri 20 Nov 16:34 -05:00`, in the calendar's local time
/// (UTC, `+00:00`, without one).
pub fn short_time(calendar: Option<&Calendar>, t: DateTime<Utc>) -> String {
    match calendar {
        Some(c) => t.with_timezone(&c.tz()).format(SHORT_TIME).to_string(),
        None => t.format(SHORT_TIME).to_string(),
    }
}

/// The `chrono` format of [`short_time`].
const SHORT_TIME: &str = "%a %d %b %H:%M %:z";

/// The width text output is wrapped to.
pub const WIDTH: usize = 100;

/// The widest a table cell is shown, in characters: longer text (a 65,536-character node
/// name, say) is cut to this many characters, ending in `…`, so that no column is wider.
pub const MAX_CELL: usize = 120;

/// Text safe to print to a terminal: every control character (C0, DEL and C1, among them
/// ESC, NUL, CR and LF) and every bidirectional-override character is written as a Rust
/// escape such as `\u{1b}` or `\n`, so that text from a file cannot move the cursor,
/// retitle the window, start a new line or reorder what follows. Every string from a file
/// or the command line that the text outputs print passes through here.
pub fn display(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text cut to at most `max` characters, ending in `…` when cut.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A table cell: the text made safe to print ([`display`]) and cut to [`MAX_CELL`]
/// characters.
pub fn cell(text: &str) -> String {
    fit(&display(text), MAX_CELL)
}

/// `text` padded with spaces to `width` characters, on the right (`right` false) or the
/// left; text already as wide or wider is returned as it is. Unlike `{:width$}`, any width
/// is accepted.
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

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
    let mut out = format!("{}[{}]: {}\n", d.severity, d.code, display(&d.message));
    if d.location != Location::default() {
        let at = location_text(file, &d.location);
        out.push_str(&format!("  --> {}\n", display(&at)));
    }
    if let Some(example) = &d.example {
        out.push_str(&format!(
            "  = example: {}\n",
            display(&describe_case(example))
        ));
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
    let file = display(&r.file);
    if parts.is_empty() {
        format!("{file}: ok")
    } else {
        format!("{file}: {}", parts.join(", "))
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

/// Wraps text at spaces to lines of at most `width` characters (a longer word gets a
/// line of its own). `→` and `|` stay at the end of a line, never start one. The text is
/// made safe to print first ([`display`]).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let text = display(text);
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
pub fn route_share(row: &flowdrill_core::analysis::route::RouteRow, table: &RouteTable) -> String {
    let from = if table.starts.len() > 1 {
        format!(" entering at {}", display(&row.route.start))
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
pub fn workflow_title(w: &Workflow) -> String {
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
///
/// The core's Markdown escaping ([`flowdrill_core::drill::report::md`]): pipes, line
/// breaks, angle brackets, square brackets and backslashes cannot break the table or form
/// a link; control characters are escaped first ([`display`]).
fn md_cell(text: &str) -> String {
    flowdrill_core::drill::report::md(&display(text))
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
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|v| cell(v)).collect())
        .collect();
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
    for r in &rows {
        let mut line = String::from("  ");
        for (k, &c) in keep.iter().enumerate() {
            let v = r.get(c).map_or("", String::as_str);
            line.push_str(&pad(v, widths[k], c == 0));
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A route put on the calendar, for `flowdrill route --at` (the core's).
pub use flowdrill_core::analysis::route_at::RouteTiming;

/// The calendar whose zone a route's times are shown in: the workflow's first calendar, or
/// `None` (UTC) when it has none.
pub fn display_calendar(w: &Workflow) -> Option<&Calendar> {
    w.calendars.values().next()
}

/// The text output of `flowdrill route`: one line per step (number, entry time when timed,
/// lane, kind, step, role, the label of the edge taken), then notifications, work and
/// outcome, and, when timed, the SLA picture.
pub fn render_route(
    w: &Workflow,
    case: &Assignment,
    route: &Route,
    timing: Option<&RouteTiming>,
) -> String {
    let mut out = format!(
        "{}: route for {} from \"{}\"\n\n",
        display(&workflow_title(w)),
        display(&describe_case(case)),
        display(&route.start)
    );
    let zone = display_calendar(w);
    let mut rows = vec![
        ["#", "at", "lane", "kind", "step", "role", "via"]
            .map(String::from)
            .to_vec(),
    ];
    for (i, s) in route.steps.iter().enumerate() {
        let step = if s.name == s.node {
            s.node.clone()
        } else {
            format!("{} ({})", s.name, s.node)
        };
        let at = timing
            .and_then(|t| t.timeline.get(i))
            .filter(|t| t.node == s.node)
            .map(|t| short_time(zone, t.enter))
            .unwrap_or_default();
        rows.push(vec![
            (i + 1).to_string(),
            at,
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
            out.push_str(&format!(
                "  {} → {}",
                display(&n.node),
                display(&n.roles.join(", "))
            ));
            if let Some(m) = &n.message {
                out.push_str(&format!(": \"{}\"", display(m)));
            }
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "work: {}\n",
        display(&list_or_none(&route.roles()))
    ));
    let outcome = outcome_text(route);
    match (&route.stuck_at, &route.end) {
        (None, Some(end)) if *end != outcome => {
            out.push_str(&format!(
                "outcome: {} (at {})\n",
                display(&outcome),
                display(end)
            ));
        }
        _ => out.push_str(&format!("outcome: {}\n", display(&outcome))),
    }
    if let Some(timing) = timing {
        out.push('\n');
        out.push_str(&render_slas(w, timing));
    }
    out
}

/// The SLA section of `flowdrill route --at`:
///
/// ```text
/// SLAs (case arriving 2026-11-20T16:30:00-05:00):
///   reply — Reply within one business hour: 1h on office; due 2026-11-23T09:30:00-05:00; typical case: met at 2026-11-20T16:45:00-05:00
///       75%   2026-11-23T09:15:00-05:00  notify lead
///       100%  2026-11-23T09:30:00-05:00  notify lead; flag
/// ```
///
/// The arrival is shown in the zone of [`display_calendar`]; a rule's times in its own
/// calendar's zone, or in UTC when it counts around the clock.
pub fn render_slas(w: &Workflow, timing: &RouteTiming) -> String {
    let arrival = timing.timeline.first();
    let mut out = match arrival {
        Some(a) => format!(
            "SLAs (case arriving {}):",
            rfc3339(display_calendar(w), a.enter)
        ),
        None => "SLAs:".to_string(),
    };
    if timing.slas.is_empty() {
        out.push_str(" none apply to this case\n");
        return out;
    }
    out.push('\n');
    for sla in &timing.slas {
        out.push_str(&render_sla(w, sla, arrival));
    }
    out
}

/// One rule of the SLA section: its summary line, then its escalation ladder.
fn render_sla(w: &Workflow, sla: &RouteSla, arrival: Option<&TimedStep>) -> String {
    // Times in the rule's calendar's zone, else in the zone of the section's header.
    let cal = sla
        .calendar
        .as_ref()
        .and_then(|c| w.calendars.get(c))
        .or_else(|| display_calendar(w));
    let mut out = format!("  {}", display(&sla.rule));
    if let Some(name) = &sla.name {
        out.push_str(&format!(" — {}", display(name)));
    }
    match &sla.calendar {
        Some(c) => out.push_str(&format!(": {} on {}", sla.target, display(c))),
        None => out.push_str(&format!(": {} around the clock", sla.target)),
    }
    let Some(started) = sla.started else {
        out.push_str("; does not start on this route\n");
        return out;
    };
    if arrival.is_none_or(|a| a.enter != started) {
        out.push_str(&format!("; starts {}", rfc3339(cal, started)));
    }
    match sla.deadline {
        Some(due) => out.push_str(&format!("; due {}", rfc3339(cal, due))),
        None => out.push_str("; never due (its calendar does not open in time)"),
    }
    let stopped = sla.stopped.map(|t| rfc3339(cal, t));
    let typical = match (sla.state, stopped) {
        (ClockState::Met, Some(t)) => format!("met at {t}"),
        (ClockState::Met, None) => "met".to_string(),
        (ClockState::Breached, Some(t)) => format!("breached, stops at {t}"),
        (ClockState::Breached, None) => "breached".to_string(),
        (ClockState::Running, _) => "still running when the route ends".to_string(),
        (ClockState::Paused, _) => "paused when the route ends".to_string(),
        (ClockState::NotStarted, _) => "not started".to_string(),
        (ClockState::Cancelled, _) => {
            "not due: the case ends before the clock's stop point".to_string()
        }
    };
    out.push_str(&format!("; typical case: {typical}\n"));
    let width = sla
        .ladder
        .iter()
        .map(|l| cell(&l.at).chars().count())
        .max()
        .unwrap_or(0);
    for rung in &sla.ladder {
        let when = rung
            .instant
            .map(|t| rfc3339(cal, t))
            .unwrap_or_else(|| "-".to_string());
        let line = format!(
            "      {}  {when}  {}",
            pad(&cell(&rung.at), width, false),
            display(&rung_actions(rung))
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// What a rung of a ladder does: `notify lead, manager; reassign to desk; flag`.
pub fn rung_actions(rung: &LadderStep) -> String {
    let mut parts = Vec::new();
    if !rung.notify.is_empty() {
        parts.push(format!("notify {}", rung.notify.join(", ")));
    }
    parts.extend(rung.actions.iter().cloned());
    parts.join("; ")
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
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<&'a [TimedStep]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slas: Option<&'a [RouteSla]>,
}

/// The JSON output of `flowdrill route`: the case, a summary and the full route; when
/// timed, also the arrival (`at`), the `timeline` and the `slas`, with every instant in
/// UTC.
pub fn render_route_json(
    file: &str,
    w: &Workflow,
    case: &Assignment,
    route: &Route,
    timing: Option<&RouteTiming>,
) -> Result<String, serde_json::Error> {
    let doc = RouteJson {
        file,
        workflow: &w.id,
        case,
        path: path_text(&route.steps),
        roles: route.roles(),
        notified: route.notified(),
        route,
        at: timing
            .and_then(|t| t.timeline.first())
            .map(|a| rfc3339(None::<&Calendar>, a.enter)),
        timeline: timing.map(|t| t.timeline.as_slice()),
        slas: timing.map(|t| t.slas.as_slice()),
    };
    serde_json::to_string_pretty(&doc).map(|s| s + "\n")
}

/// The answer of `flowdrill deadline`, with its instants in the calendar's local offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineReport {
    /// When the target is reached, e.g. `2026-11-23T10:30:00-05:00`.
    pub deadline: String,
    /// The calendar file as named on the command line.
    pub calendar: String,
    /// When the clock starts.
    pub start: String,
    /// The business-time target.
    pub within: Duration,
}

/// The text output of `flowdrill deadline`: the deadline alone, on one line.
pub fn render_deadline(r: &DeadlineReport) -> String {
    format!("{}\n", r.deadline)
}

/// The JSON output of `flowdrill deadline`: the deadline and its inputs.
pub fn render_deadline_json(r: &DeadlineReport) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(r).map(|s| s + "\n")
}

/// The answer of `flowdrill elapsed`, with its instants in the calendar's local offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElapsedReport {
    /// The open time between the instants, e.g. `1h30m`.
    pub elapsed: Duration,
    /// The same in seconds.
    pub seconds: u64,
    /// The calendar file as named on the command line.
    pub calendar: String,
    /// The first instant.
    pub from: String,
    /// The second instant.
    pub to: String,
}

/// The text output of `flowdrill elapsed`: the open time alone, on one line (`0s` for none).
pub fn render_elapsed(r: &ElapsedReport) -> String {
    format!("{}\n", r.elapsed)
}

/// The JSON output of `flowdrill elapsed`: the open time, in seconds too, and its inputs.
pub fn render_elapsed_json(r: &ElapsedReport) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(r).map(|s| s + "\n")
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

    /// MINI with an office calendar, a 15-minute reply on it and two SLA rules.
    const DESK: &str = r#"{"flowdrill":1,"id":"desk",
        "calendars":{"office":{"timezone":"America/New_York",
                               "hours":{"mon-fri":[["09:00","17:00"]]}}},
        "roles":{"agent":{"staff":2,"calendar":"office","escalates_to":"lead"},
                 "lead":{"staff":1}},
        "attributes":{"sentiment":["positive","negative"]},
        "nodes":[{"id":"post","kind":"start"},
                 {"id":"tone","kind":"decision","question":"Is the post positive?"},
                 {"id":"reply","kind":"task","role":"agent","effort":"15m"},
                 {"id":"done","kind":"end","outcome":"closed"},
                 {"id":"leave","kind":"end","outcome":"let-stand"}],
        "edges":[{"from":"post","to":"tone"},
                 {"from":"tone","to":"leave","when":{"sentiment":"positive"}},
                 {"from":"tone","to":"reply","when":{"sentiment":"negative"}},
                 {"from":"reply","to":"done"}],
        "slas":[{"id":"reply","name":"Reply within one business hour",
                 "stop":{"leave":"reply"},"target":"1h","calendar":"office",
                 "escalation":[{"at":"75%","notify":"lead"},
                               {"at":"100%","notify_manager":true,"flag":true}]},
                {"id":"close","start":{"leave":"reply"},"target":"1d"}]}"#;

    /// The DESK route for a case, timed for an arrival on Friday 20 November 2026 at
    /// 16:30 in New York.
    fn timed(sentiment: &str) -> (Workflow, Assignment, Route, RouteTiming) {
        let w = Workflow::from_json(DESK).unwrap();
        let case =
            flowdrill_core::analysis::route::parse_assignment(&w, [("sentiment", sentiment)])
                .unwrap();
        let at =
            flowdrill_core::time::business::parse_instant("2026-11-20T16:30:00-05:00").unwrap();
        let r = flowdrill_core::analysis::route_at::route_at(&w, None, &case, at).unwrap();
        (w, case, r.route, r.timing)
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
        // Brackets are escaped too (they render the same) so that text cannot form a link.
        assert_eq!(md_cell("[a | b]"), "\\[a \\| b\\]");
        assert_eq!(
            md_cell("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
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
            flowdrill_core::analysis::route::parse_assignment(&w, [("sentiment", "negative")])
                .unwrap();
        let route = flowdrill_core::analysis::route::route_from(&w, None, &case).unwrap();
        let text = render_route(&w, &case, &route, None);
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
        let mut route = flowdrill_core::analysis::route::route_from(
            &mini(),
            None,
            &flowdrill_core::analysis::route::parse_assignment(
                &mini(),
                [("sentiment", "positive")],
            )
            .unwrap(),
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
            flowdrill_core::analysis::route::parse_assignment(&w, [("sentiment", "positive")])
                .unwrap();
        let route = flowdrill_core::analysis::route::route_from(&w, None, &case).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&render_route_json("m.json", &w, &case, &route, None).unwrap())
                .unwrap();
        assert_eq!(v["case"]["sentiment"], "positive");
        assert_eq!(v["route"]["outcome"], "let-stand");
        assert_eq!(v["path"], "post → tone → leave");
        assert!(v.get("at").is_none(), "untimed routes have no \"at\"");
        assert!(v.get("slas").is_none(), "untimed routes have no \"slas\"");
    }

    #[test]
    fn instants_show_in_the_calendar_zone_or_utc() {
        let w = Workflow::from_json(DESK).unwrap();
        let office = display_calendar(&w);
        assert!(office.is_some());
        let t = flowdrill_core::time::business::parse_instant("2026-11-20T21:30:00Z").unwrap();
        assert_eq!(rfc3339(office, t), "2026-11-20T16:30:00-05:00");
        assert_eq!(rfc3339(None::<&Calendar>, t), "2026-11-20T21:30:00Z");
        assert_eq!(short_time(office, t), "Fri 20 Nov 16:30 -05:00");
        assert_eq!(short_time(None::<&Calendar>, t), "Fri 20 Nov 21:30 +00:00");
        assert!(display_calendar(&mini()).is_none());
    }

    #[test]
    fn timed_route_text_has_entry_times_and_slas() {
        let (w, case, route, timing) = timed("negative");
        let text = render_route(&w, &case, &route, Some(&timing));
        assert!(
            text.contains("  #  at                       kind      step   role\n"),
            "{text}"
        );
        assert!(
            text.contains("  3  Fri 20 Nov 16:30 -05:00  task      reply  agent\n"),
            "{text}"
        );
        assert!(
            text.contains("  4  Fri 20 Nov 16:45 -05:00  end       done\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "outcome: closed (at done)\n\n\
                 SLAs (case arriving 2026-11-20T16:30:00-05:00):\n\
                 \x20 reply — Reply within one business hour: 1h on office; \
                 due 2026-11-23T09:30:00-05:00; typical case: met at 2026-11-20T16:45:00-05:00\n\
                 \x20     75%   2026-11-23T09:15:00-05:00  notify lead\n\
                 \x20     100%  2026-11-23T09:30:00-05:00  notify lead; flag\n"
            ),
            "{text}"
        );
        // Around the clock, shown in the header's zone; it starts when the reply is done,
        // not on arrival.
        assert!(
            text.ends_with(
                "  close: 1d around the clock; starts 2026-11-20T16:45:00-05:00; \
                 due 2026-11-21T16:45:00-05:00; typical case: met at 2026-11-20T16:45:00-05:00\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_rule_that_does_not_start_says_so() {
        let (w, case, route, timing) = timed("positive");
        let text = render_route(&w, &case, &route, Some(&timing));
        assert!(
            text.contains("  close: 1d around the clock; does not start on this route\n"),
            "{text}"
        );
        assert!(
            text.contains("  reply — Reply within one business hour: 1h on office; due "),
            "{text}"
        );
    }

    #[test]
    fn untimed_route_text_is_unchanged() {
        let (w, case, route, _) = timed("negative");
        let text = render_route(&w, &case, &route, None);
        assert!(!text.contains("SLAs"), "{text}");
        assert!(text.contains("  #  kind      step   role\n"), "{text}");
        assert!(text.ends_with("outcome: closed (at done)\n"), "{text}");
    }

    #[test]
    fn no_applicable_rules_is_one_line() {
        let w = mini();
        let timing = RouteTiming {
            timeline: Vec::new(),
            slas: Vec::new(),
        };
        assert_eq!(render_slas(&w, &timing), "SLAs: none apply to this case\n");
    }

    #[test]
    fn rung_actions_join_notices_and_actions() {
        let rung = LadderStep {
            at: "2d overdue".into(),
            instant: None,
            notify: vec!["lead".into(), "manager".into()],
            actions: vec!["reassign to desk".into(), "flag".into()],
        };
        assert_eq!(
            rung_actions(&rung),
            "notify lead, manager; reassign to desk; flag"
        );
        let quiet = LadderStep {
            notify: Vec::new(),
            actions: Vec::new(),
            ..rung
        };
        assert_eq!(rung_actions(&quiet), "");
    }

    #[test]
    fn timed_route_json_adds_at_timeline_and_slas() {
        let (w, case, route, timing) = timed("negative");
        let v: serde_json::Value = serde_json::from_str(
            &render_route_json("d.json", &w, &case, &route, Some(&timing)).unwrap(),
        )
        .unwrap();
        assert_eq!(v["at"], "2026-11-20T21:30:00Z");
        assert_eq!(v["timeline"][2]["node"], "reply");
        assert_eq!(v["timeline"][2]["leave"], "2026-11-20T21:45:00Z");
        assert_eq!(v["slas"][0]["rule"], "reply");
        assert_eq!(v["slas"][0]["target"], "1h");
        assert_eq!(v["slas"][0]["deadline"], "2026-11-23T14:30:00Z");
        assert_eq!(v["slas"][0]["state"], "met");
        assert_eq!(v["slas"][0]["ladder"][1]["notify"][0], "lead");
        assert_eq!(v["slas"][1]["rule"], "close");
    }

    #[test]
    fn deadline_text_is_one_line_and_json_has_its_inputs() {
        let r = DeadlineReport {
            deadline: "2026-11-23T10:30:00-05:00".into(),
            calendar: "office.json".into(),
            start: "2026-11-20T16:30:00-05:00".into(),
            within: Duration::from_hours(2),
        };
        assert_eq!(render_deadline(&r), "2026-11-23T10:30:00-05:00\n");
        let json = render_deadline_json(&r).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["deadline"], "2026-11-23T10:30:00-05:00");
        assert_eq!(v["calendar"], "office.json");
        assert_eq!(v["start"], "2026-11-20T16:30:00-05:00");
        assert_eq!(v["within"], "2h");
        let keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["deadline", "calendar", "start", "within"]);
    }

    #[test]
    fn elapsed_text_is_the_canonical_duration() {
        let r = ElapsedReport {
            elapsed: Duration::from_mins(90),
            seconds: 5400,
            calendar: "utc.json".into(),
            from: "2026-11-20T21:00:00Z".into(),
            to: "2026-11-23T09:30:00Z".into(),
        };
        assert_eq!(render_elapsed(&r), "1h30m\n");
        let v: serde_json::Value = serde_json::from_str(&render_elapsed_json(&r).unwrap()).unwrap();
        assert_eq!(v["elapsed"], "1h30m");
        assert_eq!(v["seconds"], 5400);
        assert_eq!(v["to"], "2026-11-23T09:30:00Z");
        let zero = ElapsedReport {
            elapsed: Duration::ZERO,
            seconds: 0,
            ..r
        };
        assert_eq!(render_elapsed(&zero), "0s\n");
    }
}
