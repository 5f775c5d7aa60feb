//! The after-action report of a drill (HSEEP's shape: a timeline, per-objective ratings,
//! strengths, areas for improvement and an improvement plan) as JSON, Markdown and a
//! self-contained HTML page, and the drill's event log as CSV for process-mining tools.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::score::{Check, Outcome, Rating, Score, minutes};
use super::session::Session;

/// A line of the report's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineRow {
    /// Drill time.
    pub at: DateTime<Utc>,
    /// Time since the start, like `+12m`.
    pub elapsed: String,
    /// The local time in the workflow's zone, like `Wed 16:42`.
    pub local: String,
    /// `inject`, `contingency`, `system`, `action`, `milestone`, `breach`, `ended`, `clock`.
    pub kind: String,
    /// The post.
    pub case: Option<String>,
    /// Who (with the role, when known).
    pub by: Option<String>,
    /// What happened.
    pub text: String,
}

/// A row of the improvement plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanRow {
    /// The objective concerned.
    pub objective: Option<String>,
    /// The issue found.
    pub issue: String,
    /// The corrective action.
    pub action: String,
    /// The role that owns it.
    pub owner: String,
}

/// The after-action report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AfterActionReport"))]
pub struct AfterAction {
    /// The scenario's id.
    pub scenario: String,
    /// Its title.
    pub title: String,
    /// The workflow drilled.
    pub workflow: String,
    /// Drill time at the start.
    pub started: DateTime<Utc>,
    /// The start and end in the workflow's zone, for people.
    pub span: String,
    /// Drill time at the end.
    pub ended: DateTime<Utc>,
    /// The overall rating.
    pub overall: Option<Rating>,
    /// Everything that happened, in order.
    pub timeline: Vec<TimelineRow>,
    /// The score: checks, objectives, participants, roles, posts.
    pub score: Score,
    /// What went well.
    pub strengths: Vec<String>,
    /// What did not.
    pub improvements: Vec<String>,
    /// What to do about it.
    pub plan: Vec<PlanRow>,
}

impl AfterAction {
    /// The report of a session as it stands (usually after `end`).
    pub fn of(s: &Session) -> AfterAction {
        let score = Score::of(s);
        let origin = s.origin();
        let tz = s.workflow().display_zone();
        let timeline = s
            .events()
            .iter()
            .map(|e| TimelineRow {
                at: e.at,
                elapsed: format!("+{}", minutes(e.at - origin)),
                local: e.at.with_timezone(&tz).format("%a %H:%M").to_string(),
                kind: e.kind.to_string(),
                case: e.case.clone(),
                by: e.by.as_ref().map(|b| match &e.role {
                    Some(r) => format!("{b} ({r})"),
                    None => b.clone(),
                }),
                text: e.text.clone(),
            })
            .collect();
        let mut strengths = Vec::new();
        for o in &score.objectives {
            if o.rating == Some(Rating::P) {
                strengths.push(format!(
                    "{}: {} ({} of {} checks)",
                    o.id,
                    Rating::P.meaning(),
                    o.passed,
                    o.passed
                ));
            }
        }
        let count = |kind: &str, outcome: Outcome| {
            score
                .checks
                .iter()
                .filter(|c| c.kind == kind && c.outcome == outcome)
                .count()
        };
        let right = count("decision", Outcome::Passed);
        let decisions = right + count("decision", Outcome::Failed);
        if decisions > 0 && right * 10 >= decisions * 8 {
            strengths.push(format!(
                "{right} of {decisions} routing decisions were right"
            ));
        }
        let met = count("sla", Outcome::Passed);
        if met > 0 {
            strengths.push(if met == 1 {
                "1 SLA clock met its target".to_string()
            } else {
                format!("{met} SLA clocks met their target")
            });
        }
        let quiet = count("no-response", Outcome::Passed);
        if quiet > 0 {
            strengths.push(if quiet == 1 {
                "1 post the workflow says to leave was left unanswered".to_string()
            } else {
                format!("{quiet} posts the workflow says to leave were left unanswered")
            });
        }
        // Checks not due when the drill ended are neither strengths nor problems.
        let problems: Vec<&Check> = score
            .checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Late | Outcome::Failed))
            .collect();
        let improvements = problems
            .iter()
            .map(|c| format!("{}: {}", c.case, c.text))
            .collect();
        let plan = problems.iter().map(|c| plan_row(s, c)).collect();
        AfterAction {
            scenario: s.scenario().id.clone(),
            title: s.scenario().title().to_string(),
            workflow: s.workflow().id.clone(),
            started: origin,
            span: {
                let end = s.ended().unwrap_or(s.now());
                let f = |t: DateTime<Utc>| {
                    t.with_timezone(&tz)
                        .format("%a %Y-%m-%d %H:%M %Z")
                        .to_string()
                };
                format!("{} to {} ({})", f(origin), f(end), minutes(end - origin))
            },
            ended: s.ended().unwrap_or(s.now()),
            overall: score.overall,
            timeline,
            score,
            strengths,
            improvements,
            plan,
        }
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "# After-action report: {}\n", md(&self.title));
        let _ = writeln!(
            m,
            "Workflow `{}`, drill time {}.\n",
            md_code(&self.workflow),
            self.span
        );
        let _ = writeln!(m, "**Overall rating: {}**\n", rating_text(self.overall));
        let _ = writeln!(m, "## Objectives\n");
        let _ = writeln!(m, "| objective | rating | passed | late | failed |");
        let _ = writeln!(m, "| --- | --- | --- | --- | --- |");
        for o in &self.score.objectives {
            let _ = writeln!(
                m,
                "| {} — {} | {} | {} | {} | {} |",
                md(&o.id),
                md(&o.text),
                objective_rating_text(o),
                o.passed,
                o.late,
                o.failed
            );
        }
        let _ = writeln!(
            m,
            "\nRatings: P {}; S {}; M {}; U {}.\n",
            Rating::P.meaning(),
            Rating::S.meaning(),
            Rating::M.meaning(),
            Rating::U.meaning()
        );
        let _ = writeln!(m, "## Strengths\n");
        list(&mut m, &self.strengths, "None recorded.");
        let _ = writeln!(m, "## Areas for improvement\n");
        list(&mut m, &self.improvements, "None: every check passed.");
        let _ = writeln!(m, "## Improvement plan\n");
        if self.plan.is_empty() {
            let _ = writeln!(m, "Nothing to plan.\n");
        } else {
            let _ = writeln!(m, "| objective | issue | corrective action | owner |");
            let _ = writeln!(m, "| --- | --- | --- | --- |");
            for p in &self.plan {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {} |",
                    md(p.objective.as_deref().unwrap_or("—")),
                    md(&p.issue),
                    md(&p.action),
                    md(&p.owner)
                );
            }
            let _ = writeln!(m);
        }
        let _ = writeln!(m, "## Posts\n");
        let _ = writeln!(
            m,
            "| post | true attributes | right route ends | taken, ended | SLAs |"
        );
        let _ = writeln!(m, "| --- | --- | --- | --- | --- |");
        for c in &self.score.cases {
            let slas: Vec<String> = c
                .slas
                .iter()
                .map(|(r, st)| format!("{r}: {}", state_name(*st)))
                .collect();
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} | {} | {} |",
                md(&c.id),
                md(&c.author),
                md(&c.truth),
                md(c.right_outcome.as_deref().unwrap_or("—")),
                md(c.outcome.as_deref().unwrap_or("open")),
                md(&slas.join(", "))
            );
        }
        tally_table(
            &mut m,
            "Participants",
            "participant",
            &self.score.participants,
        );
        tally_table(&mut m, "Roles", "role", &self.score.roles);
        let _ = writeln!(m, "\n## Checks\n");
        let _ = writeln!(m, "| post | kind | result | check | by |");
        let _ = writeln!(m, "| --- | --- | --- | --- | --- |");
        for c in &self.score.checks {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} |",
                md(&c.case),
                c.kind,
                outcome_name(c.outcome),
                md(&c.text),
                md(c.by.as_deref().unwrap_or("—"))
            );
        }
        let _ = writeln!(m, "\n## Timeline\n");
        let _ = writeln!(m, "| time | kind | post | who | what |");
        let _ = writeln!(m, "| --- | --- | --- | --- | --- |");
        for r in &self.timeline {
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} | {} | {} |",
                r.elapsed,
                r.local,
                r.kind,
                md(r.case.as_deref().unwrap_or("")),
                md(r.by.as_deref().unwrap_or("")),
                md(&r.text)
            );
        }
        m
    }

    /// The report as one HTML page with its styles inline (no scripts, no outside files);
    /// every text from the scenario or the players is escaped.
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>After-action report: {}</title>\n<style>{}</style></head><body>\n",
            esc(&self.title),
            REPORT_CSS
        );
        let _ = writeln!(h, "<h1>After-action report: {}</h1>", esc(&self.title));
        let _ = writeln!(
            h,
            "<p>Workflow <code>{}</code>, drill time {}.</p>",
            esc(&self.workflow),
            esc(&self.span)
        );
        let _ = writeln!(
            h,
            "<p class=\"overall\">Overall rating: {}</p>",
            rating_badge(self.overall)
        );
        let _ = writeln!(
            h,
            "<h2>Objectives</h2><table><tr><th>objective</th><th>rating</th><th>passed</th><th>late</th><th>failed</th></tr>"
        );
        for o in &self.score.objectives {
            let _ = writeln!(
                h,
                "<tr><td><b>{}</b> — {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&o.id),
                esc(&o.text),
                if o.is_not_due() {
                    NOT_DUE.to_string()
                } else {
                    rating_badge(o.rating)
                },
                o.passed,
                o.late,
                o.failed
            );
        }
        let _ = writeln!(h, "</table>");
        let _ = writeln!(h, "<h2>Strengths</h2>");
        html_list(&mut h, &self.strengths, "None recorded.");
        let _ = writeln!(h, "<h2>Areas for improvement</h2>");
        html_list(&mut h, &self.improvements, "None: every check passed.");
        let _ = writeln!(h, "<h2>Improvement plan</h2>");
        if self.plan.is_empty() {
            let _ = writeln!(h, "<p>Nothing to plan.</p>");
        } else {
            let _ = writeln!(
                h,
                "<table><tr><th>objective</th><th>issue</th><th>corrective action</th><th>owner</th></tr>"
            );
            for p in &self.plan {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(p.objective.as_deref().unwrap_or("—")),
                    esc(&p.issue),
                    esc(&p.action),
                    esc(&p.owner)
                );
            }
            let _ = writeln!(h, "</table>");
        }
        let _ = writeln!(
            h,
            "<h2>Checks</h2><table><tr><th>post</th><th>kind</th><th>result</th><th>check</th><th>by</th></tr>"
        );
        for c in &self.score.checks {
            let _ = writeln!(
                h,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                outcome_class(c.outcome),
                esc(&c.case),
                c.kind,
                outcome_name(c.outcome),
                esc(&c.text),
                esc(c.by.as_deref().unwrap_or("—"))
            );
        }
        let _ = writeln!(
            h,
            "</table><h2>Timeline</h2><table><tr><th>time</th><th>kind</th><th>post</th><th>who</th><th>what</th></tr>"
        );
        for r in &self.timeline {
            let _ = writeln!(
                h,
                "<tr><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.elapsed),
                esc(&r.local),
                esc(&r.kind),
                esc(r.case.as_deref().unwrap_or("")),
                esc(r.by.as_deref().unwrap_or("")),
                esc(&r.text)
            );
        }
        let _ = writeln!(h, "</table></body></html>");
        h
    }
}

const REPORT_CSS: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d5d9e2;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f1f3f8}.rating{font-weight:700;padding:0 .4rem;border-radius:3px}.r-P{background:#d8f0dc}.r-S{background:#fff1c2}.r-M{background:#ffd9b3}.r-U{background:#f8c9c9}tr.failed td{background:#fdf0f0}tr.late td{background:#fffaf0}tr.not-due td{color:#6b7385}.overall{font-size:1.2rem}";

fn plan_row(s: &Session, c: &Check) -> PlanRow {
    let w = s.workflow();
    let case = s.cases().iter().find(|k| k.id == c.case);
    let holder = case
        .and_then(|k| k.holder_role.clone())
        .or_else(|| c.role.clone())
        .unwrap_or_else(|| "facilitator".into());
    let (action, owner) = match c.kind {
        "decision" => (
            format!(
                "Walk the team through this decision with the workflow: {}",
                case.map(|k| format!("a post like \"{}\" ({})", k.text, super::score::describe_truth(k)))
                    .unwrap_or_default()
            ),
            c.role.clone().unwrap_or(holder),
        ),
        "expected" => (
            "Rehearse this step with the role until it is done within its time".into(),
            c.role.clone().unwrap_or(holder),
        ),
        "sla" => (
            "Check staffing and priorities on this track; rehearse the escalation ladder".into(),
            holder,
        ),
        "no-response" => (
            "Review the \"when not to respond\" rules in the workflow with everyone who answers posts".into(),
            c.role.clone().unwrap_or(holder),
        ),
        "notify" => (
            "Put the roles this route tells on the call list and rehearse the hand-off".into(),
            c.role.clone().unwrap_or(holder),
        ),
        "no-engage" => (
            "Review which posts the workflow hands over (crisis, media, legal): the community desk holds public engagement and the roles it hands to answer".into(),
            c.role.clone().unwrap_or(holder),
        ),
        _ => ("Review".into(), holder),
    };
    let owner = if w.roles.contains_key(&owner) || owner == "facilitator" {
        owner
    } else {
        format!("{owner} (participant)")
    };
    PlanRow {
        objective: c.objective.clone(),
        issue: format!("{}: {}", c.case, c.text),
        action,
        owner,
    }
}

/// The drill's event log as CSV (`case_id,activity,timestamp,resource,lifecycle`), one
/// row per step started and completed and per action on a post, in time order within
/// each post: the columns PM4Py, Disco and Celonis map on import.
pub fn event_log_csv(s: &Session) -> String {
    let mut rows: Vec<Row> = Vec::new();
    for case in s.cases() {
        let row = |at, activity: &str, resource: String, lifecycle| Row {
            case: case.id.clone(),
            at,
            activity: activity.to_string(),
            resource,
            lifecycle,
        };
        for v in &case.visits {
            let resource = v.role.clone().unwrap_or_default();
            rows.push(row(v.enter, &v.label, resource.clone(), "start"));
            if let Some(leave) = v.leave {
                rows.push(row(
                    leave,
                    &v.label,
                    v.by.clone().unwrap_or(resource),
                    "complete",
                ));
            }
        }
        for a in &case.acts {
            let resource = match &a.role {
                Some(r) => format!("{} ({r})", a.by),
                None => a.by.clone(),
            };
            rows.push(row(a.at, a.kind.name(), resource, "complete"));
        }
    }
    // A stable sort keeps rows of one instant in the order they were recorded.
    crate::util::sort::sort_by(&mut rows, |a, b| (&a.case, a.at).cmp(&(&b.case, b.at)));
    let mut out = String::from("case_id,activity,timestamp,resource,lifecycle\n");
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            csv_field(&r.case),
            csv_field(&r.activity),
            r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            csv_field(&r.resource),
            r.lifecycle
        );
    }
    out
}

/// A row of the event log.
struct Row {
    case: String,
    at: DateTime<Utc>,
    activity: String,
    resource: String,
    lifecycle: &'static str,
}

/// A CSV field: quoted when it holds a separator, a quote or a line break; and a field that
/// a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first: participants type
/// names and tags) gets a leading `'`.
///
/// The one CSV cell writer of flowdrill: the drill's event log and the simulation's
/// (`flowdrill simulate --event-log`) both use it.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text from the scenario or the players for Markdown (a table cell, a list item, a
/// heading): pipes and line breaks would break the table; angle brackets would become HTML
/// (or an autolink such as `<javascript:…>`) in most renderers; and square brackets and
/// backslashes are escaped so that the text cannot form a link or an image
/// (`[x](javascript:…)`, `![x](…)`) or a link reference definition. The report itself
/// writes no links, so no link target from user text survives; bare `http(s)://` and
/// `www.` text may still be autolinked by GitHub-flavoured renderers, which only ever
/// autolink those schemes.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text from the scenario for a Markdown code span: a backtick would end the span early, so
/// it becomes `'`; line breaks become spaces. Inside a code span nothing forms a link.
fn md_code(s: &str) -> String {
    s.replace('`', "'").replace(['\n', '\r'], " ")
}

/// A Markdown section with a table of tallies (actions and checks) by participant or role.
fn tally_table(
    m: &mut String,
    heading: &str,
    column: &str,
    tallies: &std::collections::BTreeMap<String, super::score::Tally>,
) {
    let _ = writeln!(m, "\n## {heading}\n");
    let _ = writeln!(
        m,
        "| {column} | actions | passed | late | failed | rating |"
    );
    let _ = writeln!(m, "| --- | --- | --- | --- | --- | --- |");
    for (name, t) in tallies {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} | {} |",
            md(name),
            t.actions,
            t.passed,
            t.late,
            t.failed,
            rating_text(t.rating)
        );
    }
}

fn list(m: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        let _ = writeln!(m, "{empty}\n");
        return;
    }
    for i in items {
        let _ = writeln!(m, "- {}", md(i));
    }
    let _ = writeln!(m);
}

fn html_list(h: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(empty));
        return;
    }
    let _ = writeln!(h, "<ul>");
    for i in items {
        let _ = writeln!(h, "<li>{}</li>", esc(i));
    }
    let _ = writeln!(h, "</ul>");
}

/// What the report says of an objective none of whose checks came due.
const NOT_DUE: &str = "not due (nothing came due before the drill ended)";

/// An objective's rating in words: its rating (with how many checks were not due), or
/// *not due* when none of its checks came due before the end, or *not rated* when nothing
/// tested it.
fn objective_rating_text(o: &super::score::ObjectiveScore) -> String {
    match o.not_due {
        _ if o.is_not_due() => NOT_DUE.into(),
        0 => rating_text(o.rating),
        1 => format!("{}; 1 check not due", rating_text(o.rating)),
        n => format!("{}; {n} checks not due", rating_text(o.rating)),
    }
}

fn rating_text(r: Option<Rating>) -> String {
    match r {
        Some(r) => format!("{r:?} ({})", r.meaning()),
        None => "not rated (nothing tested it)".into(),
    }
}

fn rating_badge(r: Option<Rating>) -> String {
    match r {
        Some(r) => format!(
            "<span class=\"rating r-{r:?}\">{r:?}</span> {}",
            r.meaning()
        ),
        None => "not rated".into(),
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Late => "late",
        Outcome::Failed => "failed",
        Outcome::NotDue => "not due",
    }
}

/// The HTML class of a check's row.
fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::NotDue => "not-due",
        _ => outcome_name(o),
    }
}

fn state_name(s: crate::time::clock::ClockState) -> &'static str {
    use crate::time::clock::ClockState::*;
    match s {
        NotStarted => "not started",
        Running => "running",
        Paused => "paused",
        Met => "met",
        Breached => "breached",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::{csv_field, md, md_code};

    #[test]
    fn markdown_text_cannot_form_links() {
        let link = md("[x](javascript:alert(1))");
        assert_eq!(link, "\\[x\\](javascript:alert(1))");
        assert_eq!(md("![i](javascript:x)"), "!\\[i\\](javascript:x)");
        assert_eq!(md("<javascript:x>"), "&lt;javascript:x&gt;");
        assert_eq!(md("[r]: javascript:x"), "\\[r\\]: javascript:x");
        assert_eq!(md("a\\](b)"), "a\\\\\\](b)");
        assert_eq!(md("a|b\nc"), "a\\|b c");
        assert_eq!(md_code("x`[y](javascript:z)`"), "x'[y](javascript:z)'");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@alice"), "'@alice");
        assert_eq!(csv_field("+1"), "'+1");
    }
}
