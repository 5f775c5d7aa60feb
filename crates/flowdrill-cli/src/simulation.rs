//! Rendering of simulation results (`flowdrill simulate` and `flowdrill compare`) as text
//! tables with small text charts, or as JSON; the event log as CSV; the progress bar.
//!
//! Every function here is pure except [`write_event_log`], which writes to the writer it is
//! given.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use flowdrill_core::analysis::text::significant;
use flowdrill_core::sim::{Comparison, Dist, Estimate, LogRow, SimResult};
use flowdrill_core::{Calendar, Workflow};

pub use crate::render::fit;
use crate::render::{WIDTH, cell, display, display_calendar, pad, workflow_title, wrap};

/// The blocks of a sparkline, lowest first.
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The shades of a heat cell, none first.
const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];

/// The number of columns of a queue-length sparkline (at most).
pub const SPARK_COLUMNS: usize = 60;

/// The header of the event log CSV.
pub const EVENT_LOG_HEADER: &str = "case_id,activity,timestamp,resource,lifecycle";

/// How a run was set up, as the command line named it: for the header of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunLabels {
    /// The workflow file.
    pub file: String,
    /// The scenario of `flowdrill simulate` — its name and file — if any.
    pub scenario: Option<(String, String)>,
    /// The scenario files of `flowdrill compare`, A then B.
    pub files: Option<(String, String)>,
}

/// A length of time given in seconds, for people: `4.2s`, `42s`, `12m30s`, `2h05m`, `3d4h`
/// (the two largest units, rounded to the smaller); negative values get a `-`; `-` alone
/// for a value that is not a number.
pub fn human_secs(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".into();
    }
    if secs < 0.0 {
        let text = human_secs(-secs);
        return if text == "0s" {
            text
        } else {
            format!("-{text}")
        };
    }
    if secs < 0.05 {
        return "0s".into();
    }
    if secs < 9.95 {
        return format!("{secs:.1}s");
    }
    let s = secs.round() as u64;
    if s < 60 {
        return format!("{s}s");
    }
    if s < 3600 {
        return two_units(s / 60, "m", s % 60, "s");
    }
    let m = (secs / 60.0).round() as u64;
    if m < 24 * 60 {
        return two_units(m / 60, "h", m % 60, "m");
    }
    let h = (secs / 3600.0).round() as u64;
    if h.is_multiple_of(24) {
        format!("{}d", h / 24)
    } else {
        format!("{}d{}h", h / 24, h % 24)
    }
}

/// `12m30s`, `2h05m`, or `2h` when the smaller unit is zero.
fn two_units(big: u64, big_unit: &str, small: u64, small_unit: &str) -> String {
    if small == 0 {
        format!("{big}{big_unit}")
    } else {
        format!("{big}{big_unit}{small:02}{small_unit}")
    }
}

/// A length of time with its sign: `+1m30s`, `-20s`, `0s`.
pub fn signed_secs(secs: f64) -> String {
    let text = human_secs(secs);
    if secs > 0.0 && text != "0s" && text != "-" {
        format!("+{text}")
    } else {
        text
    }
}

/// A share as a percentage with one decimal: `97.3%`; `>99.9%` and `<0.1%` rather than
/// rounding to `100.0%` or `0.0%` when it is not quite; `-` when not a number.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if (0.9995..1.0).contains(&x) {
        ">99.9%".into()
    } else if x > 0.0 && x < 0.0005 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

/// A share with its confidence half-width: `97.3% ± 1.2%` (just `97.3%` without an
/// interval).
fn pct_ci(e: &Estimate) -> String {
    if e.half_width.is_finite() {
        format!("{} ± {}", pct(e.mean), pct(e.half_width))
    } else {
        pct(e.mean)
    }
}

/// A length of time with its confidence half-width: `2m10s ± 12s`.
fn secs_ci(e: &Estimate) -> String {
    if e.half_width.is_finite() {
        format!("{} ± {}", human_secs(e.mean), human_secs(e.half_width))
    } else {
        human_secs(e.mean)
    }
}

/// A count or mean count: `12`, `2880.4` (`-` when not a number).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if (x - x.round()).abs() < 0.05 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// A count with its confidence half-width: `2880.4 ± 20.1`.
fn number_ci(e: &Estimate) -> String {
    if e.half_width.is_finite() {
        format!("{} ± {:.1}", number(e.mean), e.half_width)
    } else {
        number(e.mean)
    }
}

/// `p50 3m  p90 10m  p95 14m  p99 25m  max 41m`.
fn quantiles_text(d: &Dist) -> String {
    format!(
        "p50 {}  p90 {}  p95 {}  p99 {}  max {}",
        human_secs(d.p50),
        human_secs(d.p90),
        human_secs(d.p95),
        human_secs(d.p99),
        human_secs(d.max)
    )
}

/// Values as a one-line chart of at most `columns` block characters, `▁` for zero and
/// `▂`..`█` for values above zero, scaled to the largest. Longer series are cut into
/// `columns` runs of (nearly) equal length, each shown by its mean.
pub fn sparkline(values: &[f64], columns: usize) -> String {
    let cols = downsample(values, columns);
    let max = cols.iter().copied().fold(0.0, f64::max);
    cols.iter()
        .map(|&v| {
            if v > 0.0 && max > 0.0 {
                let level = 1 + ((v / max) * 6.999).floor() as usize;
                SPARKS[level.min(SPARKS.len() - 1)]
            } else {
                SPARKS[0]
            }
        })
        .collect()
}

/// The means of `columns` consecutive runs of `values` (the values themselves when there
/// are no more than `columns`).
pub fn downsample(values: &[f64], columns: usize) -> Vec<f64> {
    let n = values.len();
    if n <= columns || columns == 0 {
        return values.to_vec();
    }
    (0..columns)
        .map(|j| {
            let from = j * n / columns;
            let to = ((j + 1) * n / columns).max(from + 1);
            let run = &values[from..to];
            run.iter().sum::<f64>() / run.len() as f64
        })
        .collect()
}

/// Counts as heat cells, `width` characters each: blank for zero, then `░▒▓█` up to `max`.
pub fn heat_row(counts: &[u64], max: u64, width: usize) -> String {
    counts
        .iter()
        .map(|&c| {
            let shade = if c == 0 || max == 0 {
                SHADES[0]
            } else {
                let level = 1 + ((c as f64 / max as f64) * 3.999).floor() as usize;
                SHADES[level.min(SHADES.len() - 1)]
            };
            shade.to_string().repeat(width)
        })
        .collect()
}

/// The days of the week, Monday first, as `breaches_by_hour` counts them.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A week of hourly counts (Monday 00:00 first) as a heat map: a line of hours, then one
/// row per weekday with its total.
///
/// ```text
///         00    03    06    09    12    15    18    21
///   Mon  ░░                    ▒▒▒▒▓▓██              |    54
/// ```
pub fn heat_map(by_hour: &[u64]) -> String {
    let max = by_hour.iter().copied().max().unwrap_or(0);
    let mut out = String::from("       ");
    for h in (0..24).step_by(3) {
        out.push_str(&format!("{h:02}    "));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for (d, day) in WEEKDAYS.iter().enumerate() {
        let hours: Vec<u64> = (0..24)
            .map(|h| by_hour.get(d * 24 + h).copied().unwrap_or(0))
            .collect();
        let total: u64 = hours.iter().sum();
        out.push_str(&format!(
            "  {day}  {}|{total:>6}\n",
            heat_row(&hours, max, 2)
        ));
    }
    out
}

/// A progress bar for a terminal: `simulating [#########.........]  45%`.
pub fn progress_bar(label: &str, done: f64, width: usize) -> String {
    let done = if done.is_finite() {
        done.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let filled = ((done * width as f64).floor() as usize).min(width);
    format!(
        "{label} [{}{}] {:>3}%",
        "#".repeat(filled),
        ".".repeat(width - filled),
        (done * 100.0).floor() as u32
    )
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180), and
/// defused with a leading `'` when a spreadsheet would take it for a formula (`=`, `+`, `-`,
/// `@` first). The drill's event log writes its cells the same way: this is the core's
/// writer.
pub use flowdrill_core::drill::report::csv_field;

/// Writes an event log as CSV: the header [`EVENT_LOG_HEADER`], then one row per event;
/// lines end in `\n`.
pub fn write_event_log<W: Write>(mut out: W, rows: &[LogRow]) -> io::Result<()> {
    writeln!(out, "{EVENT_LOG_HEADER}")?;
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{}",
            r.case_id,
            csv_field(&r.activity),
            csv_field(&r.timestamp),
            csv_field(&r.resource),
            csv_field(r.lifecycle)
        )?;
    }
    out.flush()
}

/// Lays out rows in columns two spaces apart, indented by two; `right[c]` right-aligns
/// column `c`. Widths count characters; each cell is made safe to print and cut to
/// [`crate::render::MAX_CELL`] characters ([`cell`]).
fn table(rows: &[Vec<String>], right: &[bool]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|v| cell(v)).collect())
        .collect();
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::from(" ");
        for (c, &w) in widths.iter().enumerate() {
            let v = r.get(c).map_or("", String::as_str);
            line.push(' ');
            line.push_str(&pad(v, w, right.get(c).copied().unwrap_or(false)));
            line.push(' ');
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `Mon 05 Jan 2026 00:00 +00:00` in the zone of the workflow's first calendar (UTC
/// without one).
fn when(calendar: Option<&Calendar>, t: DateTime<Utc>) -> String {
    const FORMAT: &str = "%a %d %b %Y %H:%M %:z";
    match calendar {
        Some(c) => t.with_timezone(&c.tz()).format(FORMAT).to_string(),
        None => t.format(FORMAT).to_string(),
    }
}

/// The zone hours of the week are counted in.
fn zone_name(calendar: Option<&Calendar>) -> String {
    calendar.map_or_else(|| "UTC".to_string(), |c| c.tz().to_string())
}

/// `7d`, or `none` for zero.
fn duration_or_none(d: flowdrill_core::Duration) -> String {
    if d.as_secs() == 0 {
        "none".into()
    } else {
        d.to_string()
    }
}

/// The lines that say how a run was set up.
fn run_header(w: &Workflow, r: &SimResult) -> Vec<Vec<String>> {
    let cal = display_calendar(w);
    let cfg = &r.config;
    let end = r.start + chrono::TimeDelta::seconds(cfg.horizon.as_secs() as i64);
    let queue = match cfg.discipline {
        flowdrill_core::sim::Discipline::Fifo => "fifo (first come, first served)",
        flowdrill_core::sim::Discipline::EarliestDeadline => {
            "earliest-deadline (earliest SLA deadline first)"
        }
    };
    vec![
        vec!["start".into(), when(cal, r.start)],
        vec![
            "horizon".into(),
            format!("{} (until {})", cfg.horizon, when(cal, end)),
        ],
        vec!["warm-up".into(), duration_or_none(cfg.warmup)],
        vec![
            "replications".into(),
            format!("{} (seed {})", r.replications.len(), cfg.seed),
        ],
        vec!["queues".into(), queue.into()],
    ]
}

/// The text output of `flowdrill simulate`: how the run was set up; cases; each SLA rule's
/// attainment, counts and time to stop; each role's load; outcomes; cycle time; then a
/// sparkline of each role's queue over the first replication and, per SLA rule, a heat map
/// of breaches by hour of arrival over all replications. `w` is the workflow simulated
/// (with any scenario applied).
pub fn render_simulation(w: &Workflow, r: &SimResult, labels: &RunLabels) -> String {
    let reps = &r.replications;
    let cal = display_calendar(w);
    let mut out = String::new();
    push_wrapped(
        &mut out,
        &format!(
            "{}: {} × {} simulated",
            workflow_title(w),
            count_text(reps.len(), "replication"),
            r.config.horizon
        ),
    );
    let mut head = vec![vec!["file".to_string(), labels.file.clone()]];
    if let Some((name, file)) = &labels.scenario {
        head.push(vec!["scenario".into(), format!("{name} ({file})")]);
    }
    head.extend(run_header(w, r));
    out.push_str(&table(&head, &[]));

    // Cases.
    let o = &r.overview;
    out.push_str("\nCases (mean per replication ± 95% half-width)\n");
    let mut rows = vec![
        vec!["arrived".to_string(), number_ci(&o.cases.arrived)],
        vec!["finished".to_string(), number_ci(&o.cases.finished)],
        vec!["still open".to_string(), number_ci(&o.cases.open)],
    ];
    let stuck = o.cases.stuck.mean > 0.0;
    if stuck {
        rows.push(vec!["stuck".to_string(), number_ci(&o.cases.stuck)]);
    }
    out.push_str(&table(&rows, &[]));

    // SLA rules.
    for sla in &o.slas {
        out.push('\n');
        push_wrapped(&mut out, &rule_title(w, &sla.rule));
        let rows = vec![
            vec!["attainment".to_string(), pct_ci(&sla.attainment)],
            vec![
                "per replication".to_string(),
                format!(
                    "met {}  breached {}  pending {}",
                    number(sla.met.mean),
                    number(sla.breached.mean),
                    number(sla.pending.mean)
                ),
            ],
            vec![
                "time to stop".to_string(),
                sla.time_to_stop
                    .map_or_else(|| "no clock stopped".to_string(), |d| quantiles_text(&d)),
            ],
        ];
        out.push_str(&table(&rows, &[]));
    }

    // Roles.
    if !o.roles.is_empty() {
        out.push_str("\nRoles (mean per replication; utilisation and wait ± 95% half-width)\n");
        let mut rows = vec![
            [
                "role",
                "staff",
                "utilisation",
                "mean wait",
                "p90 wait",
                "mean queue",
                "max queue",
                "tasks",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for role in &o.roles {
            rows.push(vec![
                role.role.clone(),
                role.staff.to_string(),
                pct_ci(&role.utilisation),
                if role.waits.is_none() {
                    "-".to_string()
                } else {
                    secs_ci(&role.wait)
                },
                role.waits
                    .map_or_else(|| "-".to_string(), |d| human_secs(d.p90)),
                format!("{:.2}", role.queue_mean),
                number(role.queue_max),
                number(role.tasks.mean),
            ]);
        }
        let right = [false, true, false, false, true, true, true, true];
        let mut text = table(&rows, &right);
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        if widest > WIDTH {
            // Long role names are cut to keep the table within the width.
            let longest = o
                .roles
                .iter()
                .map(|r| cell(&r.role).chars().count())
                .max()
                .unwrap_or(0);
            let keep = longest.saturating_sub(widest - WIDTH).max(8);
            for row in rows.iter_mut().skip(1) {
                row[0] = fit(&row[0], keep);
            }
            text = table(&rows, &right);
        }
        out.push_str(&text);
    }

    // Outcomes.
    out.push_str("\nOutcomes (mean cases per replication; share of arrivals)\n");
    let arrived = o.cases.arrived.mean;
    let share = |n: f64| {
        if arrived > 0.0 {
            pct(n / arrived)
        } else {
            "-".to_string()
        }
    };
    let mut rows = Vec::new();
    for (name, n) in &o.outcomes {
        rows.push(vec![name.clone(), number(n.mean), share(n.mean)]);
    }
    let open = o.cases.open.mean;
    rows.push(vec!["(still open)".into(), number(open), share(open)]);
    if stuck {
        let stuck = o.cases.stuck.mean;
        rows.push(vec!["(stuck)".into(), number(stuck), share(stuck)]);
    }
    out.push_str(&table(&rows, &[false, true, true]));

    // Cycle time.
    out.push_str(
        "\nCycle time (arrival to end of finished cases; quantiles averaged over replications)\n",
    );
    match o.cycle_time {
        Some(d) => {
            let rows = vec![
                vec!["mean".to_string(), secs_ci(&r.summary.cycle_time)],
                vec!["quantiles".to_string(), quantiles_text(&d)],
            ];
            out.push_str(&table(&rows, &[]));
        }
        None => out.push_str("  no case finished\n"),
    }

    // Queue sparklines.
    if let Some(first) = reps.first()
        && !first.roles.is_empty()
    {
        let buckets = first
            .roles
            .iter()
            .map(|s| s.queue_series.len())
            .max()
            .unwrap_or(0);
        let cols = buckets.min(SPARK_COLUMNS);
        let span = r.config.horizon.as_secs() as f64;
        let per_col = if cols > 0 { span / cols as f64 } else { span };
        out.push_str(&format!(
            "\nQueue length over time (replication 1; a column ≈ {}; each row scaled to its peak)\n",
            human_secs(per_col)
        ));
        let lines: Vec<(_, String, String)> = first
            .roles
            .iter()
            .map(|s| {
                let means: Vec<f64> = s.queue_series.iter().map(|(_, m, _)| *m).collect();
                let peak = downsample(&means, SPARK_COLUMNS)
                    .into_iter()
                    .fold(0.0, f64::max);
                let peak = if peak >= 0.95 {
                    format!("peak {peak:.1}")
                } else if peak > 0.0 {
                    format!("peak {peak:.2}")
                } else {
                    "peak 0".into()
                };
                (display(&s.role), sparkline(&means, SPARK_COLUMNS), peak)
            })
            .collect();
        // Room for the names: long ones are cut to keep lines within the width.
        let room = lines
            .iter()
            .map(|(_, spark, peak)| {
                WIDTH.saturating_sub(6 + spark.chars().count() + peak.chars().count())
            })
            .min()
            .unwrap_or(WIDTH)
            .max(8);
        let width = lines
            .iter()
            .map(|(role, _, _)| role.chars().count())
            .max()
            .unwrap_or(0)
            .min(room);
        for (role, spark, peak) in &lines {
            out.push_str(&format!(
                "  {}  {spark}  {peak}\n",
                pad(&fit(role, width), width, false)
            ));
        }
        let end = r.start + chrono::TimeDelta::seconds(r.config.horizon.as_secs() as i64);
        let from = short(cal, r.start);
        let to = short(cal, end);
        let gap = cols.saturating_sub(from.chars().count() + to.chars().count());
        if cols > 0 {
            out.push_str(&format!(
                "  {}  {from}{}{to}\n",
                pad("", width, false),
                " ".repeat(gap.max(1))
            ));
        }
    }

    // Breach heat maps.
    for sla in &o.slas {
        let by_hour = &sla.breaches_by_hour;
        let total: u64 = by_hour.iter().sum();
        let max = by_hour.iter().copied().max().unwrap_or(0);
        out.push('\n');
        push_wrapped(
            &mut out,
            &format!(
                "Breaches of {} by hour of arrival ({}, all replications; █ ≈ {max})",
                sla.rule,
                zone_name(cal)
            ),
        );
        if total == 0 {
            out.push_str("  none\n");
        } else {
            out.push_str(&heat_map(by_hour));
        }
    }
    out
}

/// Appends text wrapped to the width, continued lines indented by four.
fn push_wrapped(out: &mut String, text: &str) {
    for (k, line) in wrap(text, WIDTH - 4).iter().enumerate() {
        let indent = if k == 0 { "" } else { "    " };
        out.push_str(&format!("{indent}{line}\n"));
    }
}

/// `Mon 00:00`, for the ends of the time axis.
fn short(calendar: Option<&Calendar>, t: DateTime<Utc>) -> String {
    const FORMAT: &str = "%a %H:%M";
    match calendar {
        Some(c) => t.with_timezone(&c.tz()).format(FORMAT).to_string(),
        None => t.format(FORMAT).to_string(),
    }
}

/// `SLA first-response — First response within an hour: 1h around the clock`.
fn rule_title(w: &Workflow, rule: &str) -> String {
    let mut title = format!("SLA {rule}");
    if let Some(s) = w.slas.iter().find(|s| s.id == rule) {
        if let Some(name) = &s.name {
            title.push_str(&format!(" — {name}"));
        }
        match &s.calendar {
            Some(c) => title.push_str(&format!(": {} on {c}", s.target)),
            None => title.push_str(&format!(": {} around the clock", s.target)),
        }
    }
    title
}

/// `1 replication`, `5 replications`.
fn count_text(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How a difference is shown: as a percentage, a length of time or a count.
#[derive(Clone, Copy)]
enum Kind {
    Share,
    Time,
    Count,
}

/// A value of kind `k`.
fn value(k: Kind, x: f64) -> String {
    match k {
        Kind::Share => pct(x),
        Kind::Time => human_secs(x),
        Kind::Count => number(x),
    }
}

/// A difference of kind `k` with its sign: `+2.6%`, `-1m50s`, `+4.0`, `0.0%`.
fn signed(k: Kind, x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let fixed = |v: f64, unit: &str| {
        let text = format!("{:.1}", v.abs());
        if text == "0.0" {
            format!("0.0{unit}")
        } else if v > 0.0 {
            format!("+{text}{unit}")
        } else {
            format!("-{text}{unit}")
        }
    };
    match k {
        Kind::Share => fixed(x * 100.0, "%"),
        Kind::Time => signed_secs(x),
        Kind::Count => fixed(x, ""),
    }
}

/// The text output of `flowdrill compare`: for each headline figure (attainment per SLA
/// rule, utilisation and mean wait per role, mean cycle time, cases finished) the mean
/// under A and under B, the paired difference B − A with its 95% half-width, and `*` when
/// that interval excludes zero. `w` is the workflow as written (before either scenario).
pub fn render_comparison(w: &Workflow, c: &Comparison, labels: &RunLabels) -> String {
    let mut out = String::new();
    push_wrapped(
        &mut out,
        &format!(
            "{}: B against A, {} × {} on the same random numbers",
            workflow_title(w),
            count_text(c.a.replications.len(), "replication"),
            c.a.config.horizon
        ),
    );
    let (fa, fb) = labels.files.clone().unwrap_or_default();
    let mut head = vec![
        vec!["file".to_string(), labels.file.clone()],
        vec!["A".to_string(), format!("{} ({fa})", c.a_name)],
        vec!["B".to_string(), format!("{} ({fb})", c.b_name)],
    ];
    head.extend(run_header(w, &c.a));
    if c.b.config.discipline != c.a.config.discipline {
        head.push(vec![
            "queues (B)".into(),
            match c.b.config.discipline {
                flowdrill_core::sim::Discipline::Fifo => "fifo".into(),
                flowdrill_core::sim::Discipline::EarliestDeadline => "earliest-deadline".into(),
            },
        ]);
    }
    out.push_str(&table(&head, &[]));
    out.push('\n');

    let mut rows = vec![["figure", "A", "B", "B − A", ""].map(String::from).to_vec()];
    let mut any = false;
    let mut line =
        |rows: &mut Vec<Vec<String>>, label: String, k: Kind, a: f64, b: f64, d: &Estimate| {
            let sig = significant(d.mean, d.half_width);
            any |= sig;
            let diff = if d.half_width.is_finite() {
                let hw = match k {
                    Kind::Share => format!("{:.1}%", d.half_width * 100.0),
                    Kind::Time => human_secs(d.half_width),
                    Kind::Count => format!("{:.1}", d.half_width),
                };
                format!("{} ± {hw}", signed(k, d.mean))
            } else {
                signed(k, d.mean)
            };
            rows.push(vec![
                label,
                value(k, a),
                value(k, b),
                diff,
                if sig { "*".into() } else { String::new() },
            ]);
        };
    let find =
        |xs: &[(String, Estimate)], name: &str| xs.iter().find(|(n, _)| n == name).map(|(_, e)| *e);
    for (rule, d) in &c.difference.attainment {
        let a = find(&c.a.summary.attainment, rule).map_or(f64::NAN, |e| e.mean);
        let b = find(&c.b.summary.attainment, rule).map_or(f64::NAN, |e| e.mean);
        line(
            &mut rows,
            format!("attainment {rule}"),
            Kind::Share,
            a,
            b,
            d,
        );
    }
    for (role, d) in &c.difference.utilisation {
        let a = find(&c.a.summary.utilisation, role).map_or(f64::NAN, |e| e.mean);
        let b = find(&c.b.summary.utilisation, role).map_or(f64::NAN, |e| e.mean);
        line(
            &mut rows,
            format!("utilisation {role}"),
            Kind::Share,
            a,
            b,
            d,
        );
    }
    for (role, d) in &c.difference.wait {
        let a = find(&c.a.summary.wait, role).map_or(f64::NAN, |e| e.mean);
        let b = find(&c.b.summary.wait, role).map_or(f64::NAN, |e| e.mean);
        line(&mut rows, format!("mean wait {role}"), Kind::Time, a, b, d);
    }
    line(
        &mut rows,
        "mean cycle time".into(),
        Kind::Time,
        c.a.summary.cycle_time.mean,
        c.b.summary.cycle_time.mean,
        &c.difference.cycle_time,
    );
    line(
        &mut rows,
        "cases finished".into(),
        Kind::Count,
        c.a.summary.finished.mean,
        c.b.summary.finished.mean,
        &c.difference.finished,
    );
    out.push_str(&table(&rows, &[false, true, true, true, false]));
    out.push('\n');
    if c.a.replications.len() < 2 {
        out.push_str(
            "One replication gives no confidence interval; use --replications 2 or more.\n",
        );
    } else {
        out.push_str(
            "A and B are means per replication; B − A is the mean of the paired differences\n\
             ± its 95% half-width (in percentage points for percentages).\n",
        );
        out.push_str(if any {
            "* marks a difference whose interval excludes zero (significant).\n"
        } else {
            "No difference is significant: every interval contains zero.\n"
        });
    }
    out
}

/// The JSON output of `flowdrill simulate`: the whole result, one compact document.
pub fn render_simulation_json(r: &SimResult) -> Result<String, serde_json::Error> {
    serde_json::to_string(r).map(|s| s + "\n")
}

/// The JSON output of `flowdrill compare`: the whole comparison, one compact document.
pub fn render_comparison_json(c: &Comparison) -> Result<String, serde_json::Error> {
    serde_json::to_string(c).map(|s| s + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdrill_core::sim::scenario::Scenario;
    use flowdrill_core::sim::{SimConfig, compare, simulate};

    const TRIAGE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/benchmarks/triage-1.json"
    ));

    fn triage() -> Workflow {
        Workflow::from_json(TRIAGE).unwrap()
    }

    /// One day of the triage benchmark, two replications.
    fn config() -> SimConfig {
        SimConfig {
            horizon: flowdrill_core::Duration::from_hours(24),
            replications: 2,
            seed: 3,
            ..SimConfig::default()
        }
    }

    fn assert_fits(text: &str) {
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "longer than 100: {line}");
        }
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human_secs(0.0), "0s");
        assert_eq!(human_secs(0.04), "0s");
        assert_eq!(human_secs(4.23), "4.2s");
        assert_eq!(human_secs(42.0), "42s");
        assert_eq!(human_secs(59.4), "59s");
        assert_eq!(human_secs(60.0), "1m");
        assert_eq!(human_secs(750.0), "12m30s");
        assert_eq!(human_secs(303.0), "5m03s");
        assert_eq!(human_secs(7500.0), "2h05m");
        assert_eq!(human_secs(7200.0), "2h");
        assert_eq!(human_secs(3599.6), "1h");
        assert_eq!(human_secs(86_399.0), "1d");
        assert_eq!(human_secs(3.0 * 86_400.0 + 4.0 * 3600.0), "3d4h");
        assert_eq!(human_secs(2.0 * 86_400.0), "2d");
        assert_eq!(human_secs(-90.0), "-1m30s");
        assert_eq!(human_secs(-0.01), "0s");
        assert_eq!(human_secs(f64::NAN), "-");
        assert_eq!(human_secs(f64::INFINITY), "-");
        assert_eq!(signed_secs(90.0), "+1m30s");
        assert_eq!(signed_secs(-20.0), "-20s");
        assert_eq!(signed_secs(0.0), "0s");
    }

    #[test]
    fn shares_near_the_ends_do_not_round_to_them() {
        assert_eq!(pct(0.973), "97.3%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(pct(0.99985), ">99.9%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(0.0001), "<0.1%");
        assert_eq!(pct(f64::NAN), "-");
        assert_eq!(number(2880.0), "2880");
        assert_eq!(number(2880.44), "2880.4");
        assert_eq!(signed(Kind::Share, -0.185), "-18.5%");
        assert_eq!(signed(Kind::Share, 0.00001), "0.0%");
        assert_eq!(signed(Kind::Count, 4.0), "+4.0");
    }

    #[test]
    fn sparkline_scales_to_the_peak() {
        assert_eq!(sparkline(&[0.0, 1.0, 2.0, 4.0], 60), "▁▃▅█");
        assert_eq!(sparkline(&[0.0, 0.0, 0.0], 60), "▁▁▁");
        assert_eq!(sparkline(&[], 60), "");
        // A small queue still shows above an empty one.
        assert_eq!(sparkline(&[0.0, 0.01, 100.0], 60), "▁▂█");
    }

    #[test]
    fn long_series_are_downsampled_by_means() {
        let values: Vec<f64> = (0..120).map(f64::from).collect();
        let cols = downsample(&values, 60);
        assert_eq!(cols.len(), 60);
        assert_eq!(cols[0], 0.5);
        assert_eq!(cols[59], 118.5);
        assert_eq!(sparkline(&values, 60).chars().count(), 60);
        // Uneven runs still cover every value once.
        let odd = downsample(&[1.0; 7], 3);
        assert_eq!(odd, vec![1.0; 3]);
    }

    #[test]
    fn heat_cells_shade_by_share_of_the_max() {
        assert_eq!(heat_row(&[0, 1, 2, 3, 4], 4, 1), " ░▒▓█");
        assert_eq!(heat_row(&[0, 4], 4, 2), "  ██");
        assert_eq!(heat_row(&[0, 0], 0, 1), "  ");
    }

    #[test]
    fn heat_map_has_a_row_per_weekday() {
        let mut by_hour = vec![0u64; 168];
        by_hour[5 * 24 + 2] = 8; // Saturday 02:00
        by_hour[9] = 1; // Monday 09:00
        let map = heat_map(&by_hour);
        let lines: Vec<&str> = map.lines().collect();
        assert_eq!(lines.len(), 8, "{map}");
        assert!(lines[0].trim_start().starts_with("00    03"), "{map}");
        assert!(lines[1].starts_with("  Mon  "), "{map}");
        assert!(lines[1].ends_with("|     1"), "{map}");
        assert!(lines[6].starts_with("  Sat      ██"), "{map}");
        assert!(lines[7].starts_with("  Sun  "), "{map}");
        assert_fits(&map);
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("triage"), "triage");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        let rows = vec![LogRow {
            case_id: 7,
            activity: "reply, public".into(),
            timestamp: "2026-01-05T00:00:00Z".into(),
            resource: "agent".into(),
            lifecycle: "start",
        }];
        let mut out = Vec::new();
        write_event_log(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "case_id,activity,timestamp,resource,lifecycle\n\
             7,\"reply, public\",2026-01-05T00:00:00Z,agent,start\n"
        );
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(fit("digital-provisioning-manager", 10), "digital-p…");
        assert_eq!(fit("qa", 10), "qa");
        assert_eq!(fit("exactly-10", 10), "exactly-10");
    }

    #[test]
    fn progress_bar_fills_with_the_share_done() {
        assert_eq!(
            progress_bar("simulating", 0.45, 20),
            "simulating [#########...........]  45%"
        );
        assert_eq!(progress_bar("x", 1.5, 4), "x [####] 100%");
        assert_eq!(progress_bar("x", f64::NAN, 4), "x [....]   0%");
    }

    #[test]
    fn simulation_table_has_every_section() {
        let w = triage();
        let r = simulate(&w, &config(), &mut |_| true).unwrap();
        let labels = RunLabels {
            file: "triage-1.json".into(),
            scenario: Some(("base".into(), "base.json".into())),
            files: None,
        };
        let text = render_simulation(&w, &r, &labels);
        assert!(
            text.starts_with(
                "Benchmark workload triage-1 (triage-1): 2 replications × 1d simulated\n"
            ),
            "{text}"
        );
        for needle in [
            "  file          triage-1.json\n",
            "  scenario      base (base.json)\n",
            "  start         Mon 05 Jan 2026 00:00 +00:00\n",
            "  replications  2 (seed 3)\n",
            "  warm-up       none\n",
            "\nSLA first-response — First response within 60 minutes of arrival: \
             1h around the clock\n  attainment       ",
            "  time to stop     p50 ",
            "\nRoles (mean per replication",
            "  role       staff  utilisation",
            "\n  community      3  ",
            "\nOutcomes (mean cases per replication; share of arrivals)\n  answered  ",
            "\n  no-response  ",
            "\nCycle time (",
            "\nQueue length over time (replication 1; a column ≈ 1h;",
            "\nBreaches of first-response by hour of arrival (UTC, all replications",
        ] {
            assert!(text.contains(needle), "no {needle:?} in\n{text}");
        }
        // 24 hourly buckets, one column each.
        let spark = text
            .lines()
            .find(|l| l.starts_with("  support  ") && l.contains(" peak "))
            .unwrap_or_default();
        let blocks = spark.chars().filter(|c| SPARKS.contains(c)).count();
        assert_eq!(blocks, 24, "{spark}");
        assert_fits(&text);
    }

    #[test]
    fn simulation_json_is_the_whole_result() {
        let w = triage();
        let r = simulate(&w, &config(), &mut |_| true).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&render_simulation_json(&r).unwrap()).unwrap();
        assert_eq!(v["replications"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["config"]["seed"], 3);
        assert!(v["summary"]["attainment"].is_array());
        assert!(v["overview"]["slas"][0]["met"]["total"].is_u64());
    }

    #[test]
    fn comparison_table_marks_significant_differences() {
        let w = triage();
        let a = Scenario::from_json(r#"{"flowdrill-scenario":1,"name":"base"}"#).unwrap();
        let b = Scenario::from_json(
            r#"{"flowdrill-scenario":1,"name":"more staff","staff":{"community":4}}"#,
        )
        .unwrap();
        let cfg = SimConfig {
            replications: 3,
            ..config()
        };
        let c = compare(&w, &a, &b, &cfg, &mut |_| true).unwrap();
        let labels = RunLabels {
            file: "triage-1.json".into(),
            scenario: None,
            files: Some(("a.json".into(), "b.json".into())),
        };
        let text = render_comparison(&w, &c, &labels);
        assert!(text.contains("  A             base (a.json)\n"), "{text}");
        assert!(
            text.contains("  B             more staff (b.json)\n"),
            "{text}"
        );
        assert!(text.contains("  figure  "), "{text}");
        for row in [
            "attainment first-response",
            "utilisation community",
            "mean wait legal",
            "mean cycle time",
            "cases finished",
        ] {
            assert!(text.contains(&format!("\n  {row} ")), "no {row} in\n{text}");
        }
        let util = text
            .lines()
            .find(|l| l.trim_start().starts_with("utilisation community"))
            .unwrap_or_default();
        assert!(util.contains("% ± "), "{util}");
        assert!(
            util.trim_end().ends_with('*'),
            "a quarter more staff shows: {util}"
        );
        assert_fits(&text);
    }
}
