//! The command line as clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, route and tabulate flowdrill workflow files.
#[derive(Debug, Parser)]
#[command(name = "flowdrill", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate workflow files and report errors and warnings
    Check(CheckArgs),
    /// Print every distinct route through a workflow, as a decision table
    Routes(RoutesArgs),
    /// Follow one case through a workflow, step by step
    Route(RouteArgs),
    /// When a business-time target falls due on a calendar
    Deadline(DeadlineArgs),
    /// The open (business) time between two instants on a calendar
    Elapsed(ElapsedArgs),
}

/// Arguments of `flowdrill check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Workflow files to check
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit with status 1 on warnings as well as errors
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Arguments of `flowdrill routes`.
#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// Workflow file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = RoutesFormat::Text)]
    pub format: RoutesFormat,
}

/// Arguments of `flowdrill route`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Workflow file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// A case attribute, e.g. --set sentiment=negative (repeat for each attribute)
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    pub set: Vec<(String, String)>,
    /// The start node to enter at (needed when the workflow has several)
    #[arg(long, value_name = "ID")]
    pub start: Option<String>,
    /// Time the route for a case arriving at this RFC 3339 instant and show its SLA
    /// deadlines, e.g. --at 2026-11-20T16:30:00-05:00
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RouteFormat::Text)]
    pub format: RouteFormat,
}

/// Arguments of `flowdrill deadline`.
#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// Calendar file: one calendar object, e.g.
    /// {"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "17:00"]]}}
    #[arg(long, value_name = "CAL.json")]
    pub calendar: PathBuf,
    /// When the clock starts, e.g. 2026-11-20T16:30:00-05:00
    #[arg(long, value_name = "RFC3339")]
    pub start: String,
    /// The business-time target, e.g. 2h, 1h30m, 3d (a day is 24 open hours)
    #[arg(long, value_name = "DURATION")]
    pub within: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TimeFormat::Text)]
    pub format: TimeFormat,
}

/// Arguments of `flowdrill elapsed`.
#[derive(Debug, Args)]
pub struct ElapsedArgs {
    /// Calendar file: one calendar object, e.g.
    /// {"timezone": "UTC", "hours": {"mon-fri": [["08:00", "17:00"]]}}
    #[arg(long, value_name = "CAL.json")]
    pub calendar: PathBuf,
    /// The first instant, e.g. 2026-11-20T21:00:00Z
    #[arg(long, value_name = "RFC3339")]
    pub from: String,
    /// The second instant (zero open time when it is not after --from)
    #[arg(long, value_name = "RFC3339")]
    pub to: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TimeFormat::Text)]
    pub format: TimeFormat,
}

/// Output formats of `flowdrill check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Readable diagnostics
    Text,
    /// A JSON array with one object per file
    Json,
}

/// Output formats of `flowdrill routes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoutesFormat {
    /// One block per route, for a terminal
    Text,
    /// The table and its routes as JSON
    Json,
    /// A Markdown pipe table
    #[value(alias = "md")]
    Markdown,
}

/// Output formats of `flowdrill route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteFormat {
    /// One line per step, for a terminal
    Text,
    /// The route as JSON
    Json,
}

/// Output formats of `flowdrill deadline` and `flowdrill elapsed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeFormat {
    /// The answer alone, on one line
    Text,
    /// The answer and its inputs as a JSON object
    Json,
}

/// Reads one `--set NAME=VALUE` argument.
pub fn parse_set(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "expected NAME=VALUE, e.g. sentiment=negative; got \"{arg}\""
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn set_splits_at_the_first_equals_sign() {
        assert_eq!(
            parse_set("asker=media"),
            Ok(("asker".into(), "media".into()))
        );
        assert_eq!(parse_set(" note = a=b "), Ok(("note".into(), "a=b".into())));
        assert_eq!(parse_set("level="), Ok(("level".into(), String::new())));
    }

    #[test]
    fn set_without_a_name_is_refused() {
        assert!(parse_set("media").is_err());
        assert!(parse_set("=media").is_err());
    }

    #[test]
    fn repeated_set_collects_every_pair() {
        let cli = Cli::try_parse_from([
            "flowdrill",
            "route",
            "w.json",
            "--set",
            "a=1",
            "--set",
            "b=x",
            "--start",
            "post",
        ])
        .unwrap();
        let Command::Route(args) = cli.command else {
            panic!("expected the route subcommand");
        };
        assert_eq!(
            args.set,
            vec![("a".into(), "1".into()), ("b".into(), "x".into())]
        );
        assert_eq!(args.start.as_deref(), Some("post"));
        assert_eq!(args.at, None);
        assert_eq!(args.format, RouteFormat::Text);
    }

    #[test]
    fn deadline_takes_its_inputs_as_text() {
        let cli = Cli::try_parse_from([
            "flowdrill",
            "deadline",
            "--calendar",
            "office.json",
            "--start",
            "2026-11-20T16:30:00-05:00",
            "--within",
            "2h",
        ])
        .unwrap();
        let Command::Deadline(args) = cli.command else {
            panic!("expected the deadline subcommand");
        };
        assert_eq!(args.calendar, PathBuf::from("office.json"));
        assert_eq!(args.start, "2026-11-20T16:30:00-05:00");
        assert_eq!(args.within, "2h");
        assert_eq!(args.format, TimeFormat::Text);
    }

    #[test]
    fn elapsed_needs_both_ends() {
        assert!(
            Cli::try_parse_from([
                "flowdrill",
                "elapsed",
                "--calendar",
                "c.json",
                "--from",
                "2026-11-20T21:00:00Z",
            ])
            .is_err()
        );
        let cli = Cli::try_parse_from([
            "flowdrill",
            "elapsed",
            "--calendar",
            "c.json",
            "--from",
            "2026-11-20T21:00:00Z",
            "--to",
            "2026-11-23T09:30:00Z",
            "--format",
            "json",
        ])
        .unwrap();
        let Command::Elapsed(args) = cli.command else {
            panic!("expected the elapsed subcommand");
        };
        assert_eq!(args.to, "2026-11-23T09:30:00Z");
        assert_eq!(args.format, TimeFormat::Json);
    }

    #[test]
    fn check_needs_at_least_one_file() {
        assert!(Cli::try_parse_from(["flowdrill", "check"]).is_err());
    }

    #[test]
    fn markdown_has_a_short_alias() {
        let cli = Cli::try_parse_from(["flowdrill", "routes", "w.json", "--format", "md"]).unwrap();
        let Command::Routes(args) = cli.command else {
            panic!("expected the routes subcommand");
        };
        assert_eq!(args.format, RoutesFormat::Markdown);
    }
}
