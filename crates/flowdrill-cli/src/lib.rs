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
//!   time between two instants, as a duration such as `1h30m`.
//!
//! [`run`] does the work of a parsed command line and returns the text to print and the
//! exit status; the `render` module turns core results into text, Markdown or JSON.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod error;
pub mod render;

use std::fs;
use std::path::Path;

use flowdrill_core::business::parse_instant;
use flowdrill_core::route::{parse_assignment, route_from};
use flowdrill_core::timeline::{Pace, route_slas, timeline};
use flowdrill_core::workflow::parse_calendar;
use flowdrill_core::{Calendar, Diagnostic, Duration, Location, Report, Workflow, route_table};

pub use cli::{Cli, Command};
pub use error::CliError;
use error::io_reason;
use render::{DeadlineReport, ElapsedReport, FileReport, RouteTiming};

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
    }
}

/// Reads and checks one file; a file that cannot be read is an error for that file.
pub fn check_file(path: &Path) -> FileReport {
    let file = path.display().to_string();
    let report = match fs::read_to_string(path) {
        Ok(text) => flowdrill_core::check(&text),
        Err(e) => Report {
            diagnostics: vec![Diagnostic::error(
                "io",
                format!("cannot read {file}: {}", io_reason(&e)),
                Location::default(),
            )],
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

/// Reads a workflow file, naming the file in any error.
pub fn load(path: &Path) -> Result<Workflow, CliError> {
    let file = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|source| CliError::Read {
        file: file.clone(),
        source,
    })?;
    Workflow::from_json(&text).map_err(|source| CliError::Parse { file, source })
}

fn routes(args: &cli::RoutesArgs) -> Result<Output, CliError> {
    let w = load(&args.file)?;
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
    let w = load(&args.file)?;
    let file = args.file.display().to_string();
    let route_err = |source| CliError::Route {
        file: file.clone(),
        source,
    };
    let pairs = args.set.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let case = parse_assignment(&w, pairs).map_err(route_err)?;
    let route = route_from(&w, args.start.as_deref(), &case).map_err(route_err)?;
    let timing = match arrival {
        Some(at) => {
            let timeline_err = |source| CliError::Timeline {
                file: file.clone(),
                source,
            };
            Some(RouteTiming {
                timeline: timeline(&w, &route, at, Pace::Typical).map_err(timeline_err)?,
                slas: route_slas(&w, &route, &case, at).map_err(timeline_err)?,
            })
        }
        None => None,
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
    let text = fs::read_to_string(path).map_err(|source| CliError::Read {
        file: file.clone(),
        source,
    })?;
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
    let within = duration_arg("--within", &args.within)?;
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
    let open = cal.elapsed(from, to);
    let report = ElapsedReport {
        elapsed: open,
        seconds: open.as_secs(),
        calendar: args.calendar.display().to_string(),
        from: cal.to_local_rfc3339(from),
        to: cal.to_local_rfc3339(to),
    };
    let stdout = match args.format {
        cli::TimeFormat::Text => render::render_elapsed(&report),
        cli::TimeFormat::Json => render::render_elapsed_json(&report)?,
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
