//! The command line as clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, route, tabulate and simulate flowdrill workflow files.
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
    /// Simulate cases arriving, queueing for staff and running against their SLAs
    Simulate(SimulateArgs),
    /// Simulate two scenarios on the same random numbers and compare their headline figures
    Compare(CompareArgs),
    /// Fire drills: check a drill scenario, or write the report of a recorded drill
    #[command(subcommand)]
    Drill(DrillCommand),
    /// Serve the web app and host team drills: people on the network join with a link
    Serve(ServeArgs),
}

/// Where `flowdrill serve` keeps drills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// An SQLite file under `--data`.
    Sqlite,
    /// NATS JetStream at this URL.
    Nats(String),
}

fn parse_store(s: &str) -> Result<StoreChoice, String> {
    if s == "sqlite" {
        Ok(StoreChoice::Sqlite)
    } else if s.starts_with("nats://") || s.starts_with("tls://") {
        Ok(StoreChoice::Nats(s.to_string()))
    } else {
        Err(format!(
            "expected `sqlite` or a NATS URL like nats://127.0.0.1:4222, not {s:?}"
        ))
    }
}

/// Arguments of `flowdrill serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on (0.0.0.0: every network interface, so that others on the
    /// network can join; 127.0.0.1: this computer only)
    #[arg(long, default_value = "0.0.0.0")]
    pub host: std::net::IpAddr,
    /// Where drills and their logs are kept (created if missing)
    #[arg(long, value_name = "DIR", default_value = "flowdrill-data")]
    pub data: PathBuf,
    /// Where drills are kept: `sqlite` (a file under --data, one server) or
    /// `nats://host:4222` (NATS JetStream, shared by several servers behind a load balancer)
    #[arg(long, value_name = "sqlite|nats://HOST:PORT", default_value = "sqlite", value_parser = parse_store)]
    pub store: StoreChoice,
    /// The built web app to serve (`npm run build` in www/ writes it)
    #[arg(long, value_name = "DIR", default_value = "www/dist")]
    pub www: PathBuf,
    /// Host drills only, without serving the web app
    #[arg(long, conflicts_with = "www")]
    pub no_www: bool,
    /// Also accept browser pages from this origin (e.g. an intranet page with the widget);
    /// repeat for several
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
}

/// `flowdrill drill ...`
#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Check drill scenarios against the workflows they drill
    Check(DrillCheckArgs),
    /// Replay a recorded drill (scenario plus action log) and write its after-action report
    Report(DrillReportArgs),
}

/// Arguments of `flowdrill drill check`.
#[derive(Debug, Args)]
pub struct DrillCheckArgs {
    /// Drill scenario files
    #[arg(value_name = "SCENARIO", required = true)]
    pub files: Vec<PathBuf>,
}

/// Arguments of `flowdrill drill report`.
#[derive(Debug, Args)]
pub struct DrillReportArgs {
    /// The drill scenario (it names the workflow file, relative to itself)
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The action log: a JSON array of actions, as the drill view saves it
    #[arg(value_name = "ACTIONS")]
    pub actions: PathBuf,
    /// What to print
    #[arg(long, value_enum, default_value_t = DrillFormat::Markdown)]
    pub format: DrillFormat,
    /// Also write report.md, report.html, report.json and events.csv into this directory
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Output of `flowdrill drill report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrillFormat {
    /// The after-action report as Markdown
    Markdown,
    /// The report as one self-contained HTML page
    Html,
    /// The report as JSON
    Json,
    /// The event log as CSV (case_id, activity, timestamp, resource, lifecycle)
    Csv,
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
    /// Analyse the file even when `flowdrill check` finds errors in it (its errors are
    /// printed on standard error, with a warning that the file is invalid)
    #[arg(long)]
    pub force: bool,
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
    /// Analyse the file even when `flowdrill check` finds errors in it (its errors are
    /// printed on standard error, with a warning that the file is invalid)
    #[arg(long)]
    pub force: bool,
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

/// Arguments of `flowdrill simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Workflow file (at least one start node needs "arrivals")
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// A scenario file of what-if overrides, e.g.
    /// {"flowdrill-scenario": 1, "name": "more staff", "staff": {"community": 4}}
    #[arg(long, value_name = "S.json")]
    pub scenario: Option<PathBuf>,
    /// How the run is set up
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
}

/// Arguments of `flowdrill compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Workflow file (at least one start node needs "arrivals")
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The first scenario file, A (the baseline)
    #[arg(value_name = "A.json")]
    pub a: PathBuf,
    /// The second scenario file, B; differences are B − A
    #[arg(value_name = "B.json")]
    pub b: PathBuf,
    /// How both runs are set up
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
}

/// The run options shared by `flowdrill simulate` and `flowdrill compare`, as typed. Their
/// defaults and rules are the core's ([`flowdrill_core::sim::SimOptions::resolve`]); an
/// option left out takes the core's default.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// How long cases arrive for, e.g. 7d, 30d, 12h; 1m to 3660d [default: 7d]
    #[arg(long, value_name = "DURATION")]
    pub horizon: Option<String>,
    /// The seed of every random draw; the same seed gives the same results [default: 1]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// How many independent replications, 1 to 1000 (at least 2 for confidence
    /// intervals) [default: 10]
    #[arg(long, value_name = "N")]
    pub replications: Option<u32>,
    /// The initial period left out of the statistics, e.g. 2d; shorter than the horizon
    /// [default: none]
    #[arg(long, value_name = "DURATION")]
    pub warmup: Option<String>,
    /// When the run starts, e.g. 2026-01-05T00:00:00-05:00 (default: Monday 5 January 2026,
    /// midnight in the zone of the workflow's first calendar, else UTC)
    #[arg(long, value_name = "RFC3339")]
    pub start: Option<String>,
    /// The bucket width of the queue-length series, e.g. 1h, 15m; at least 1m [default: 1h]
    #[arg(long, value_name = "DURATION")]
    pub resolution: Option<String>,
    /// Queue order for every role whose scenario gives none: a scenario's "queue" wins
    /// over this [default: fifo]
    #[arg(long, value_enum, value_name = "ORDER")]
    pub queue: Option<QueueOrder>,
    /// Write the event log of the first replication as CSV
    /// (case_id,activity,timestamp,resource,lifecycle); with compare, scenario A's
    #[arg(long, value_name = "out.csv")]
    pub event_log: Option<PathBuf>,
}

/// How each role's queue is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueueOrder {
    /// First come, first served
    Fifo,
    /// The case whose SLA deadline is earliest first
    EarliestDeadline,
}

impl From<QueueOrder> for flowdrill_core::sim::Discipline {
    fn from(q: QueueOrder) -> Self {
        match q {
            QueueOrder::Fifo => flowdrill_core::sim::Discipline::Fifo,
            QueueOrder::EarliestDeadline => flowdrill_core::sim::Discipline::EarliestDeadline,
        }
    }
}

/// Output formats of `flowdrill simulate` and `flowdrill compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// Tables and text charts, for a person
    Table,
    /// The whole result as one JSON document
    Json,
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
    fn simulate_has_defaults() {
        let cli = Cli::try_parse_from(["flowdrill", "simulate", "w.json"]).unwrap();
        let Command::Simulate(args) = cli.command else {
            panic!("expected the simulate subcommand");
        };
        // Every run option left out is left to the core's defaults.
        assert_eq!(args.run.horizon, None);
        assert_eq!(args.run.seed, None);
        assert_eq!(args.run.replications, None);
        assert_eq!(args.run.warmup, None);
        assert_eq!(args.run.resolution, None);
        assert_eq!(args.run.queue, None);
        assert_eq!(args.run.start, None);
        assert_eq!(args.run.event_log, None);
        assert_eq!(args.scenario, None);
        assert_eq!(args.format, SimFormat::Table);
    }

    #[test]
    fn simulate_reads_every_option() {
        let cli = Cli::try_parse_from([
            "flowdrill",
            "simulate",
            "w.json",
            "--scenario",
            "s.json",
            "--horizon",
            "30d",
            "--seed",
            "7",
            "--replications",
            "20",
            "--warmup",
            "2d",
            "--start",
            "2026-01-05T00:00:00Z",
            "--resolution",
            "15m",
            "--queue",
            "earliest-deadline",
            "--format",
            "json",
            "--event-log",
            "out.csv",
        ])
        .unwrap();
        let Command::Simulate(args) = cli.command else {
            panic!("expected the simulate subcommand");
        };
        assert_eq!(args.scenario, Some(PathBuf::from("s.json")));
        assert_eq!(args.run.horizon.as_deref(), Some("30d"));
        assert_eq!(args.run.seed, Some(7));
        assert_eq!(args.run.replications, Some(20));
        assert_eq!(args.run.resolution.as_deref(), Some("15m"));
        assert_eq!(args.run.queue, Some(QueueOrder::EarliestDeadline));
        assert_eq!(args.run.event_log, Some(PathBuf::from("out.csv")));
        assert_eq!(args.format, SimFormat::Json);
    }

    #[test]
    fn replications_are_read_as_given_and_ruled_on_by_the_core() {
        let cli = Cli::try_parse_from(["flowdrill", "simulate", "w.json", "--replications", "0"])
            .unwrap();
        let Command::Simulate(args) = cli.command else {
            panic!("expected the simulate subcommand");
        };
        assert_eq!(args.run.replications, Some(0));
        assert!(
            Cli::try_parse_from(["flowdrill", "simulate", "w.json", "--replications", "-1"])
                .is_err()
        );
    }

    #[test]
    fn compare_needs_two_scenarios() {
        assert!(Cli::try_parse_from(["flowdrill", "compare", "w.json", "a.json"]).is_err());
        let cli =
            Cli::try_parse_from(["flowdrill", "compare", "w.json", "a.json", "b.json"]).unwrap();
        let Command::Compare(args) = cli.command else {
            panic!("expected the compare subcommand");
        };
        assert_eq!(args.a, PathBuf::from("a.json"));
        assert_eq!(args.b, PathBuf::from("b.json"));
        assert_eq!(args.run.replications, None);
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
