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
    /// Output format
    #[arg(long, value_enum, default_value_t = RouteFormat::Text)]
    pub format: RouteFormat,
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
        assert_eq!(args.format, RouteFormat::Text);
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
