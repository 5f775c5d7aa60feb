//! # flowdrill-cli
//!
//! The `flowdrill` command line over [`flowdrill_core`]:
//!
//! - `flowdrill check FILE...` validates workflow files and prints diagnostics;
//! - `flowdrill routes FILE` prints every distinct route as a decision table;
//! - `flowdrill route FILE --set NAME=VALUE... [--at RFC3339]` follows one case step by
//!   step; with `--at`, it also times the route for a case arriving then and shows each SLA
//!   rule's deadline, escalation ladder and typical outcome;
//! - `flowdrill deadline --calendar CAL.json --start RFC3339 --within DURATION` prints when
//!   a business-time target falls due, in the calendar's local offset;
//! - `flowdrill elapsed --calendar CAL.json --from RFC3339 --to RFC3339` prints the open
//!   time between two instants, as a duration such as `1h30m`;
//! - `flowdrill simulate FILE [--scenario S.json] [RUN OPTIONS] [--format table|json]`
//!   simulates cases arriving at the workflow's start nodes, queueing for staff and running
//!   against their SLA rules, over several replications; the table shows each rule's
//!   attainment and time to stop, each role's utilisation, wait and queue, outcomes, cycle
//!   time, a sparkline of each role's queue and a weekday × hour heat map of each rule's
//!   breaches by hour of arrival; JSON is the whole result as one document;
//! - `flowdrill compare FILE A.json B.json [RUN OPTIONS] [--format table|json]` runs two
//!   scenarios on the same random numbers and shows each headline figure under A and B and
//!   the difference B − A with its 95% half-width, marked `*` when significant.
//!
//! The run options are `--horizon 7d`, `--seed 1`, `--replications 10`, `--warmup 0s`,
//! `--start RFC3339` (default Monday 5 January 2026, midnight in the zone of the workflow's
//! first calendar), `--resolution 1h` (the bucket of the queue series), `--queue
//! fifo|earliest-deadline` and `--event-log out.csv` (the first replication's event log as
//! CSV with the header `case_id,activity,timestamp,resource,lifecycle`; with `compare`,
//! scenario A's). The options' defaults and rules are the core's
//! ([`flowdrill_core::sim::SimOptions::resolve`]): a scenario's `"queue"` wins over
//! `--queue`, which applies to scenarios that give none.
//! While a simulation runs, a progress bar is drawn on standard error when it is a
//! terminal.
//!
//! [`run`] does the work of a parsed command line and returns the text to print and the
//! exit status; the `render` module turns core results into text, Markdown or JSON, and
//! the `simulation` module does the same for simulation results.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod drill;
pub mod error;
pub mod render;
pub mod serve;
pub mod simulation;

use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use flowdrill_core::analysis::route::{parse_assignment, route_from};
use flowdrill_core::analysis::route_at::{RouteAtError, route_at};
use flowdrill_core::model::workflow::parse_calendar;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::{
    Discipline, LogRow, Progress, SimConfig, SimError, SimOptions, compare, simulate,
};
use flowdrill_core::time::business::parse_instant;
use flowdrill_core::{Calendar, Diagnostic, Duration, Location, Report, Workflow, route_table};

pub use cli::{Cli, Command};
pub use error::CliError;
use render::{DeadlineReport, ElapsedReport, FileReport};

/// What a command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The text for standard output.
    pub stdout: String,
    /// The exit status: 0 for success, 1 when a check found errors (or warnings, with
    /// `--deny-warnings`).
    pub status: u8,
}

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Result<Output, CliError> {
    match &cli.command {
        Command::Check(args) => check(args),
        Command::Routes(args) => routes(args),
        Command::Route(args) => route(args),
        Command::Deadline(args) => deadline(args),
        Command::Elapsed(args) => elapsed(args),
        Command::Simulate(args) => simulate_command(args),
        Command::Compare(args) => compare_command(args),
        Command::Drill(cli::DrillCommand::Check(args)) => drill::check(args),
        Command::Drill(cli::DrillCommand::Report(args)) => drill::report(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// The largest input file any command reads, in bytes (16 MiB): a workflow, a calendar, a
/// simulation or drill scenario (and the workflow it names), a drill's recorded actions.
/// A larger file — or a device such as `/dev/zero` that never ends — is refused with
/// [`CliError::TooLarge`] after reading at most one byte more than this.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a UTF-8 text file of at most [`MAX_INPUT_BYTES`], naming the file in any error.
pub fn read_input(path: &Path) -> Result<String, CliError> {
    read_input_limited(path, MAX_INPUT_BYTES)
}

/// [`read_input`] with the limit given.
fn read_input_limited(path: &Path, limit: u64) -> Result<String, CliError> {
    let file = path.display().to_string();
    let read_error = |source| CliError::Read {
        file: file.clone(),
        source,
    };
    let f = fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    f.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        // A regular file has a size; a device or pipe only "more than the limit".
        let size = fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() > limit)
            .map(|m| m.len());
        return Err(CliError::TooLarge { file, limit, size });
    }
    String::from_utf8(bytes).map_err(|_| {
        read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Reads and checks one file; a file that cannot be read is an error for that file.
pub fn check_file(path: &Path) -> FileReport {
    let file = path.display().to_string();
    let report = match read_input(path) {
        Ok(text) => flowdrill_core::check(&text),
        Err(e) => Report {
            diagnostics: vec![Diagnostic::error("io", e.to_string(), Location::default())],
        },
    };
    FileReport::new(file, report)
}

fn check(args: &cli::CheckArgs) -> Result<Output, CliError> {
    let reports: Vec<FileReport> = args.files.iter().map(|f| check_file(f)).collect();
    let failed = reports
        .iter()
        .any(|r| r.errors > 0 || (args.deny_warnings && r.warnings > 0));
    let stdout = match args.format {
        cli::CheckFormat::Text => render::render_check(&reports),
        cli::CheckFormat::Json => render::render_check_json(&reports)?,
    };
    Ok(Output {
        stdout,
        status: u8::from(failed),
    })
}

/// Reads a workflow file and validates it the way `flowdrill check` does
/// ([`flowdrill_core::validate`], the function [`flowdrill_core::check`] runs after
/// parsing); a file with errors is refused with [`CliError::Invalid`], which lists them.
/// Every command that reads a workflow reads it here, so all agree on what is valid.
pub fn load(path: &Path) -> Result<Workflow, CliError> {
    load_checked(path, false).map(|(w, _)| w)
}

/// Reads a workflow file and validates it as [`load`] does. With `force`, a file with
/// errors is not refused: it is returned with its errors (`Some`), for a command with
/// `--force` to analyse anyway; without, it is refused ([`CliError::Invalid`]). A file
/// that cannot be read or parsed is refused either way.
pub fn load_checked(
    path: &Path,
    force: bool,
) -> Result<(Workflow, Option<Vec<Diagnostic>>), CliError> {
    let file = path.display().to_string();
    let text = read_input(path)?;
    let w = Workflow::from_json(&text).map_err(|source| CliError::Parse {
        file: file.clone(),
        source,
    })?;
    let errors = flowdrill_core::validate(&w).into_errors();
    if errors.is_empty() {
        Ok((w, None))
    } else if force {
        Ok((w, Some(errors)))
    } else {
        Err(CliError::Invalid {
            file,
            errors,
            force: false,
        })
    }
}

/// Reads the workflow of `route` or `routes`: refused when invalid unless `--force`, and
/// then a warning that the file is invalid, with its errors, goes to standard error.
fn load_for_analysis(path: &Path, force: bool) -> Result<Workflow, CliError> {
    let (w, errors) = load_checked(path, force).map_err(|e| match e {
        CliError::Invalid { file, errors, .. } => CliError::Invalid {
            file,
            errors,
            force: true,
        },
        e => e,
    })?;
    if let Some(errors) = errors {
        let file = path.display().to_string();
        let mut text = format!(
            "warning: {} is not a valid workflow ({} as `flowdrill check` reports); \
             analysing it anyway because of --force: the results may be wrong\n",
            render::display(&file),
            if errors.len() == 1 {
                "1 error".to_string()
            } else {
                format!("{} errors", errors.len())
            }
        );
        for d in &errors {
            text.push_str(&render::render_diagnostic(&file, d));
        }
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    Ok(w)
}

fn routes(args: &cli::RoutesArgs) -> Result<Output, CliError> {
    let w = load_for_analysis(&args.file, args.force)?;
    let file = args.file.display().to_string();
    let table = route_table(&w).map_err(|source| CliError::Route {
        file: file.clone(),
        source,
    })?;
    let stdout = match args.format {
        cli::RoutesFormat::Text => render::render_routes(&w, &table, render::WIDTH),
        cli::RoutesFormat::Markdown => render::render_routes_markdown(&table),
        cli::RoutesFormat::Json => render::render_routes_json(&file, &w, &table)?,
    };
    Ok(Output { stdout, status: 0 })
}

fn route(args: &cli::RouteArgs) -> Result<Output, CliError> {
    let arrival = args
        .at
        .as_deref()
        .map(|text| parse_instant(text).map_err(arg_error("--at")))
        .transpose()?;
    let w = load_for_analysis(&args.file, args.force)?;
    let file = args.file.display().to_string();
    let route_err = |source| CliError::Route {
        file: file.clone(),
        source,
    };
    let pairs = args.set.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let case = parse_assignment(&w, pairs).map_err(route_err)?;
    let (route, timing) = match arrival {
        None => (
            route_from(&w, args.start.as_deref(), &case).map_err(route_err)?,
            None,
        ),
        Some(at) => {
            let r = route_at(&w, args.start.as_deref(), &case, at).map_err(|e| match e {
                RouteAtError::Route(source) => route_err(source),
                RouteAtError::Timeline(source) => CliError::Timeline {
                    file: file.clone(),
                    source,
                },
            })?;
            (r.route, Some(r.timing))
        }
    };
    let stdout = match args.format {
        cli::RouteFormat::Text => render::render_route(&w, &case, &route, timing.as_ref()),
        cli::RouteFormat::Json => {
            render::render_route_json(&file, &w, &case, &route, timing.as_ref())?
        }
    };
    Ok(Output { stdout, status: 0 })
}

/// Reads a calendar file (one calendar object), naming the file in any error.
pub fn load_calendar(path: &Path) -> Result<Calendar, CliError> {
    let file = path.display().to_string();
    let text = read_input(path)?;
    parse_calendar(&text).map_err(|source| CliError::Parse { file, source })
}

/// Turns the reason a command-line value was refused into an error naming its option.
fn arg_error(flag: &'static str) -> impl Fn(String) -> CliError {
    move |message| CliError::Arg { flag, message }
}

/// Reads a `DURATION` option such as `--within 1h30m`.
fn duration_arg(flag: &'static str, text: &str) -> Result<Duration, CliError> {
    text.parse::<Duration>()
        .map_err(|e| arg_error(flag)(e.to_string()))
}

fn deadline(args: &cli::DeadlineArgs) -> Result<Output, CliError> {
    let start = parse_instant(&args.start).map_err(arg_error("--start"))?;
    // Bounded at parse: no deadline search is asked to reach past the longest duration a
    // file may hold (Duration::MAX, 36600d).
    let within =
        Duration::parse_bounded(&args.within).map_err(|e| arg_error("--within")(e.to_string()))?;
    let cal = load_calendar(&args.calendar)?;
    let file = args.calendar.display().to_string();
    let due = cal
        .deadline(start, within)
        .map_err(|source| CliError::Calendar {
            file: file.clone(),
            source,
        })?;
    let report = DeadlineReport {
        deadline: cal.to_local_rfc3339(due),
        calendar: file,
        start: cal.to_local_rfc3339(start),
        within,
    };
    let stdout = match args.format {
        cli::TimeFormat::Text => render::render_deadline(&report),
        cli::TimeFormat::Json => render::render_deadline_json(&report)?,
    };
    Ok(Output { stdout, status: 0 })
}

fn elapsed(args: &cli::ElapsedArgs) -> Result<Output, CliError> {
    let from = parse_instant(&args.from).map_err(arg_error("--from"))?;
    let to = parse_instant(&args.to).map_err(arg_error("--to"))?;
    let cal = load_calendar(&args.calendar)?;
    let file = args.calendar.display().to_string();
    let open = cal
        .try_elapsed(from, to)
        .map_err(|source| CliError::Calendar {
            file: file.clone(),
            source,
        })?;
    let report = ElapsedReport {
        elapsed: open,
        seconds: open.as_secs(),
        calendar: file,
        from: cal.to_local_rfc3339(from),
        to: cal.to_local_rfc3339(to),
    };
    let stdout = match args.format {
        cli::TimeFormat::Text => render::render_elapsed(&report),
        cli::TimeFormat::Json => render::render_elapsed_json(&report)?,
    };
    Ok(Output { stdout, status: 0 })
}

/// Reads a scenario file, naming the file in any error.
pub fn load_scenario(path: &Path) -> Result<Scenario, CliError> {
    let file = path.display().to_string();
    let text = read_input(path)?;
    Scenario::from_json(&text).map_err(|source| CliError::Parse { file, source })
}

/// The run options as the core reads them: durations parsed, nothing decided. A value
/// that is not a duration names its flag.
pub fn sim_options(args: &cli::RunArgs) -> Result<SimOptions, CliError> {
    let duration =
        |flag, text: &Option<String>| text.as_deref().map(|t| duration_arg(flag, t)).transpose();
    Ok(SimOptions {
        horizon: duration("--horizon", &args.horizon)?,
        warmup: duration("--warmup", &args.warmup)?,
        seed: args.seed,
        replications: args.replications,
        start: args.start.clone(),
        resolution: duration("--resolution", &args.resolution)?,
        queue: args.queue.map(Discipline::from),
        event_log: args.event_log.is_some(),
    })
}

/// The simulation set-up of the run options for a scenario whose queue order is
/// `scenario_queue`, by the core's rules ([`SimOptions::resolve`]: among them, the
/// scenario's queue order wins over `--queue`).
pub fn sim_config(
    args: &cli::RunArgs,
    scenario_queue: Option<Discipline>,
) -> Result<SimConfig, CliError> {
    sim_options(args)?
        .resolve(scenario_queue)
        .map_err(CliError::Options)
}

/// A simulation error, naming the workflow file, or the option at fault.
fn sim_error(file: &str) -> impl Fn(SimError) -> CliError + '_ {
    move |source| match source {
        SimError::Options(e) => CliError::Options(e),
        source => CliError::Sim {
            file: file.to_string(),
            source,
        },
    }
}

/// A progress bar on standard error, drawn only when standard error is a terminal and
/// cleared when dropped.
struct ProgressBar {
    label: &'static str,
    on: bool,
    shown: Option<u32>,
}

impl ProgressBar {
    fn new(label: &'static str) -> Self {
        ProgressBar {
            label,
            on: std::io::stderr().is_terminal(),
            shown: None,
        }
    }

    /// Redraws the bar when the percentage changed; never cancels.
    fn update(&mut self, p: Progress) -> bool {
        if !self.on {
            return true;
        }
        let percent = (p.done.clamp(0.0, 1.0) * 100.0).floor() as u32;
        if self.shown != Some(percent) {
            self.shown = Some(percent);
            let line = simulation::progress_bar(self.label, p.done, 30);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}");
            let _ = err.flush();
        }
        true
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        if self.on && self.shown.is_some() {
            let blank = " ".repeat(
                simulation::progress_bar(self.label, 1.0, 30)
                    .chars()
                    .count(),
            );
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{blank}\r");
            let _ = err.flush();
        }
    }
}

/// The `--event-log` file, created before the run so that a path that cannot be written
/// fails at once rather than after a long simulation.
struct EventLog<'a> {
    path: &'a Path,
    file: Option<fs::File>,
}

impl<'a> EventLog<'a> {
    fn create(path: Option<&'a Path>) -> Result<Option<Self>, CliError> {
        path.map(|path| {
            let file = fs::File::create(path).map_err(|source| CliError::Write {
                file: path.display().to_string(),
                source,
            })?;
            Ok(EventLog {
                path,
                file: Some(file),
            })
        })
        .transpose()
    }

    /// Writes the rows as CSV.
    fn write(mut self, rows: &[LogRow]) -> Result<(), CliError> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        simulation::write_event_log(std::io::BufWriter::new(file), rows).map_err(|source| {
            CliError::Write {
                file: self.path.display().to_string(),
                source,
            }
        })
    }
}

impl Drop for EventLog<'_> {
    /// A log that was never written (the run failed) is removed rather than left empty.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(self.path);
        }
    }
}

fn simulate_command(args: &cli::SimulateArgs) -> Result<Output, CliError> {
    let options = sim_options(&args.run)?;
    let scenario = args
        .scenario
        .as_deref()
        .map(|p| Ok::<_, CliError>((p, load_scenario(p)?)))
        .transpose()?;
    let w = load(&args.file)?;
    let file = args.file.display().to_string();
    let (w, queue, label) = match &scenario {
        Some((path, s)) => {
            let name = path.display().to_string();
            let (applied, queue) = s.apply(&w).map_err(|source| CliError::Scenario {
                file: name.clone(),
                source,
            })?;
            (
                applied,
                queue,
                Some((s.label("scenario").to_string(), name)),
            )
        }
        None => (w, None, None),
    };
    let cfg = options.resolve(queue).map_err(CliError::Options)?;
    // The memory bound, before anything is allocated or written.
    cfg.check_series(w.roles.len(), w.slas.len())
        .map_err(CliError::Options)?;
    let log = EventLog::create(args.run.event_log.as_deref())?;
    let result = {
        let mut bar = ProgressBar::new("simulating");
        simulate(&w, &cfg, &mut |p| bar.update(p)).map_err(sim_error(&file))?
    };
    if let Some(log) = log {
        log.write(&result.log)?;
    }
    let stdout = match args.format {
        cli::SimFormat::Table => {
            let labels = simulation::RunLabels {
                file,
                scenario: label,
                files: None,
            };
            simulation::render_simulation(&w, &result, &labels)
        }
        cli::SimFormat::Json => simulation::render_simulation_json(&result)?,
    };
    Ok(Output { stdout, status: 0 })
}

fn compare_command(args: &cli::CompareArgs) -> Result<Output, CliError> {
    // The run's set-up; `compare` gives each scenario its own queue order, if it has one.
    let cfg = sim_config(&args.run, None)?;
    let a = load_scenario(&args.a)?;
    let b = load_scenario(&args.b)?;
    let w = load(&args.file)?;
    let file = args.file.display().to_string();
    // Apply each scenario here first so that an error names its file, and check each
    // run's memory bound before anything is allocated or written.
    for (path, s) in [(&args.a, &a), (&args.b, &b)] {
        let (applied, queue) = s.apply(&w).map_err(|source| CliError::Scenario {
            file: path.display().to_string(),
            source,
        })?;
        cfg.clone()
            .for_scenario(queue)
            .check_series(applied.roles.len(), applied.slas.len())
            .map_err(CliError::Options)?;
    }
    let log = EventLog::create(args.run.event_log.as_deref())?;
    let result = {
        let mut bar = ProgressBar::new("comparing");
        compare(&w, &a, &b, &cfg, &mut |p| bar.update(p)).map_err(sim_error(&file))?
    };
    if let Some(log) = log {
        log.write(&result.a.log)?;
    }
    let stdout = match args.format {
        cli::SimFormat::Table => {
            let labels = simulation::RunLabels {
                file,
                scenario: None,
                files: Some((args.a.display().to_string(), args.b.display().to_string())),
            };
            simulation::render_comparison(&w, &result, &labels)
        }
        cli::SimFormat::Json => simulation::render_comparison_json(&result)?,
    };
    Ok(Output { stdout, status: 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::Write;

    fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("flowdrill-cli-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        path
    }

    #[test]
    fn syntax_errors_are_located() {
        let r = check_file(&write_temp(
            "syntax.json",
            "{\"flowdrill\": 1,\n  \"id\": }",
        ));
        assert_eq!(r.errors, 1);
        let d = &r.diagnostics[0];
        assert_eq!(d.code, "syntax");
        assert_eq!(d.location.line, Some(2));
        assert!(d.location.column.is_some());
    }

    #[test]
    fn version_errors_are_reported() {
        let r = check_file(&write_temp(
            "version.json",
            r#"{"flowdrill": 9, "id": "x"}"#,
        ));
        assert_eq!(r.errors, 1);
        assert_eq!(r.diagnostics[0].code, "version");
    }

    #[test]
    fn a_missing_file_is_an_error_for_that_file() {
        let r = check_file(Path::new("/nonexistent/flowdrill/missing.json"));
        assert_eq!(r.errors, 1);
        assert_eq!(r.diagnostics[0].code, "io");
        assert!(
            r.diagnostics[0]
                .message
                .starts_with("cannot read /nonexistent/flowdrill/missing.json: "),
            "{}",
            r.diagnostics[0].message
        );
    }

    #[test]
    fn load_names_the_file() {
        let e = load(Path::new("/nonexistent/flowdrill/missing.json")).unwrap_err();
        assert!(matches!(e, CliError::Read { .. }));
        assert!(
            e.to_string()
                .starts_with("cannot read /nonexistent/flowdrill/missing.json: ")
        );
    }
}
