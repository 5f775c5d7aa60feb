//! Errors that stop a command.

use std::fmt;
use std::io;

use flowdrill_core::sim::scenario::ScenarioError;
use flowdrill_core::sim::{SimError, SimOptionError};
use flowdrill_core::time::business::CalendarError;
use flowdrill_core::time::timeline::TimelineError;
use flowdrill_core::{ParseError, RouteError};

/// Why a command could not do its work. Displayed after `error: ` as one line (but for
/// [`CliError::Invalid`], which lists the file's errors on the lines after).
#[derive(Debug)]
pub enum CliError {
    /// A file could not be read.
    Read {
        /// The file as named on the command line.
        file: String,
        /// What went wrong.
        source: io::Error,
    },
    /// A file is larger than [`crate::MAX_INPUT_BYTES`].
    TooLarge {
        /// The file as named on the command line.
        file: String,
        /// The limit, in bytes.
        limit: u64,
        /// The file's size, when it has one (a regular file); a device or pipe has none.
        size: Option<u64>,
    },
    /// A file is not a readable workflow (or calendar).
    Parse {
        /// The file as named on the command line.
        file: String,
        /// Where and what.
        source: ParseError,
    },
    /// A route or the route table could not be computed.
    Route {
        /// The file as named on the command line.
        file: String,
        /// Why.
        source: RouteError,
    },
    /// A command-line value could not be read (a timestamp or a duration).
    Arg {
        /// The option, e.g. `--start`.
        flag: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A run option breaks the core's rule for it.
    Options(SimOptionError),
    /// A deadline could not be computed on a calendar.
    Calendar {
        /// The calendar file as named on the command line.
        file: String,
        /// Why.
        source: CalendarError,
    },
    /// A route could not be put on the calendar.
    Timeline {
        /// The workflow file as named on the command line.
        file: String,
        /// Why.
        source: TimelineError,
    },
    /// A simulation could not run.
    Sim {
        /// The workflow file as named on the command line.
        file: String,
        /// Why.
        source: SimError,
    },
    /// A scenario does not fit the workflow.
    Scenario {
        /// The scenario file as named on the command line.
        file: String,
        /// Why.
        source: ScenarioError,
    },
    /// A drill scenario does not fit its workflow, or an action cannot be replayed.
    Drill {
        /// The file concerned, as named on the command line.
        file: String,
        /// Why.
        source: flowdrill_core::drill::DrillError,
    },
    /// An output file could not be written.
    Write {
        /// The file as named on the command line.
        file: String,
        /// What went wrong.
        source: io::Error,
    },
    /// A workflow file has what `flowdrill check` calls errors, so a command that needs a
    /// valid workflow refuses it.
    Invalid {
        /// The file as named on the command line.
        file: String,
        /// The errors, as `flowdrill check` reports them (warnings left out).
        errors: Vec<flowdrill_core::Diagnostic>,
        /// Whether the command has `--force` to analyse an invalid file anyway (`route`,
        /// `routes`), so the message can say so.
        force: bool,
    },
    /// Output could not be written as JSON.
    Json(serde_json::Error),
    /// The drill server could not start or stopped with an error.
    Serve(flowdrill_serve::ServeError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Read { file, source } => {
                write!(f, "cannot read {file}: {}", io_reason(source))
            }
            CliError::TooLarge { file, limit, size } => {
                let mib = limit / (1024 * 1024);
                match size {
                    Some(n) => write!(
                        f,
                        "cannot read {file}: it is {n} bytes, over the limit of {mib} MiB ({limit} bytes) for an input file"
                    ),
                    None => write!(
                        f,
                        "cannot read {file}: it is more than {mib} MiB ({limit} bytes), the limit for an input file (and not a regular file)"
                    ),
                }
            }
            CliError::Parse { file, source } => write!(f, "{file}: {source}"),
            CliError::Route { file, source } => write!(f, "{file}: {source}"),
            CliError::Arg { flag, message } => write!(f, "{flag}: {message}"),
            // The core's message starts with the option's name, which is the flag's; the
            // memory bound's names the options that change it, which become flags too.
            CliError::Options(e @ SimOptionError::SeriesPoints { .. }) => write!(
                f,
                "--{}",
                e.to_string().replace(
                    "expected a coarser resolution, fewer replications or a shorter horizon",
                    "use a coarser --resolution, fewer --replications or a shorter --horizon"
                )
            ),
            CliError::Options(e) => write!(f, "--{e}"),
            CliError::Calendar { file, source } => write!(f, "{file}: {source}"),
            CliError::Timeline { file, source } => write!(f, "{file}: {source}"),
            // The core's advice ("raise the limit") names no option of the command line,
            // where the limits are fixed: the advice here is the option that exists.
            CliError::Sim {
                file,
                source: SimError::Limit { what, limit, at },
            } => write!(
                f,
                "{file}: stopped at {at}: more than {limit} {what}, the most one simulated run may have (a runaway model?); a shorter --horizon simulates less"
            ),
            CliError::Sim { file, source } => write!(f, "{file}: {source}"),
            // The file named is the scenario, so the error's own "scenario: " is dropped.
            CliError::Scenario { file, source } => write!(f, "{file}: {}", source.0),
            CliError::Drill { file, source } => write!(f, "{file}: {source}"),
            CliError::Write { file, source } => {
                write!(f, "cannot write {file}: {}", io_reason(source))
            }
            CliError::Json(e) => write!(f, "cannot write JSON: {e}"),
            CliError::Serve(e) => write!(f, "serve: {e}"),
            CliError::Invalid {
                file,
                errors,
                force,
            } => {
                let file = crate::render::display(file);
                let n = errors.len();
                let noun = if n == 1 { "error" } else { "errors" };
                write!(
                    f,
                    "{file} is not a valid workflow: {n} {noun}, as `flowdrill check` reports"
                )?;
                if *force {
                    write!(f, " (pass --force to analyse it anyway)")?;
                }
                for d in errors {
                    write!(
                        f,
                        "\n{}",
                        crate::render::render_diagnostic(&file, d).trim_end()
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl CliError {
    /// The message as it is printed to a terminal after `error: `: control characters in
    /// names from files or the command line are escaped ([`crate::render::display`]), so
    /// the message stays on its line and cannot drive the terminal.
    ///
    /// [`CliError::Invalid`] is the exception that spans several lines: one per error,
    /// each already made safe to print.
    pub fn terminal_text(&self) -> String {
        match self {
            CliError::Invalid { .. } => self.to_string(),
            _ => crate::render::display(&self.to_string()).into_owned(),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Read { source, .. } => Some(source),
            CliError::TooLarge { .. } => None,
            CliError::Parse { source, .. } => Some(source),
            CliError::Route { source, .. } => Some(source),
            CliError::Arg { .. } => None,
            CliError::Options(e) => Some(e),
            CliError::Calendar { source, .. } => Some(source),
            CliError::Timeline { source, .. } => Some(source),
            CliError::Sim { source, .. } => Some(source),
            CliError::Scenario { source, .. } => Some(source),
            CliError::Drill { source, .. } => Some(source),
            CliError::Write { source, .. } => Some(source),
            CliError::Json(e) => Some(e),
            CliError::Serve(e) => Some(e),
            CliError::Invalid { .. } => None,
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        CliError::Json(e)
    }
}

/// An I/O error in words, without the operating system's error number:
/// `No such file or directory` rather than `No such file or directory (os error 2)`.
pub fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reason_drops_the_error_number() {
        let e = io::Error::from_raw_os_error(2);
        let reason = io_reason(&e);
        assert!(!reason.contains("os error"), "{reason}");
        assert!(!reason.is_empty());
    }

    #[test]
    fn io_reason_keeps_custom_messages() {
        let e = io::Error::other("stream did not contain valid UTF-8");
        assert_eq!(io_reason(&e), "stream did not contain valid UTF-8");
    }

    #[test]
    fn the_simulation_limit_names_an_option_that_exists() {
        let e = CliError::Sim {
            file: "w.json".into(),
            source: SimError::Limit {
                what: "events",
                limit: 200_000_000,
                at: "day 12".into(),
            },
        };
        let text = e.to_string();
        assert!(!text.contains("raise the limit"), "{text}");
        assert!(
            text.starts_with("w.json: stopped at day 12: more than 200000000 events"),
            "{text}"
        );
        assert!(text.contains("--horizon"), "{text}");
    }

    #[test]
    fn errors_name_the_file() {
        let e = CliError::Route {
            file: "w.json".into(),
            source: RouteError::NoStart,
        };
        assert_eq!(e.to_string(), "w.json: the workflow has no start node");
    }

    #[test]
    fn argument_errors_name_the_option() {
        let e = CliError::Arg {
            flag: "--within",
            message: "\"1.5h\" is not a duration".into(),
        };
        assert_eq!(e.to_string(), "--within: \"1.5h\" is not a duration");
    }

    #[test]
    fn simulation_and_scenario_errors_name_their_file() {
        let e = CliError::Sim {
            file: "w.json".into(),
            source: SimError::NoArrivals,
        };
        assert_eq!(
            e.to_string(),
            "w.json: no start node has \"arrivals\"; give at least one a rate or a schedule"
        );
        let e = CliError::Scenario {
            file: "s.json".into(),
            source: ScenarioError("staff: unknown role \"x\"".into()),
        };
        assert_eq!(e.to_string(), "s.json: staff: unknown role \"x\"");
        let e = CliError::Write {
            file: "/nowhere/log.csv".into(),
            source: io::Error::from_raw_os_error(2),
        };
        assert!(
            e.to_string().starts_with("cannot write /nowhere/log.csv: "),
            "{e}"
        );
        assert!(!e.to_string().contains("os error"), "{e}");
    }

    #[test]
    fn option_errors_name_the_flag() {
        let e = CliError::Options(SimOptionError::Resolution {
            value: flowdrill_core::Duration::from_secs(30),
        });
        assert_eq!(
            e.to_string(),
            "--resolution: 30s is under a minute; expected at least 1m"
        );
    }

    #[test]
    fn calendar_errors_name_the_calendar_file() {
        let e = CliError::Calendar {
            file: "never.json".into(),
            source: CalendarError::NeverOpen,
        };
        let text = e.to_string();
        assert!(
            text.starts_with("never.json: the calendar is never open"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}
