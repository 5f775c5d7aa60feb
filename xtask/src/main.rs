//! Build, test and CI tasks for flowdrill, run as `cargo xtask <task>`.
//!
//! - `test`: adds the wasm32 target when missing, runs the workspace tests, builds the
//!   core for `wasm32-unknown-unknown` and checks the example workflows;
//! - `ci`: formatting and clippy, then everything `test` does;
//! - `demo`: prints the route table of the social triage example and one route.
//!
//! Each step is printed as `==> <command>`; the first failure stops the run with a
//! non-zero exit status naming the step. Only the standard library is used.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const EXAMPLES: &str = "examples/workflows";
const DEMO_FILE: &str = "examples/workflows/social-triage.json";

const USAGE: &str = "\
Usage: cargo xtask <TASK> [-- <ARGS>...]

Tasks:
  test   add the wasm32 target if missing, run `cargo test --workspace`,
         build flowdrill-core for wasm32-unknown-unknown, check examples/workflows/*.json
  ci     `cargo fmt --all --check`, `cargo clippy --workspace --all-targets -- -D warnings`,
         then everything `test` does
  demo   `flowdrill routes` and `flowdrill route` on examples/workflows/social-triage.json
  help   print this message

Arguments after `--` are passed to the test binaries by `cargo test`
(`cargo xtask test -- --nocapture` runs `cargo test --workspace -- --nocapture`).";

/// Why a task stopped.
#[derive(Debug)]
enum TaskError {
    /// The command line was not understood.
    Usage(String),
    /// A step could not be started.
    Spawn {
        step: String,
        command: String,
        source: io::Error,
    },
    /// A step ran and failed.
    Failed {
        step: String,
        command: String,
        status: String,
    },
    /// A directory could not be listed.
    ReadDir { dir: PathBuf, source: io::Error },
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Usage(msg) => f.write_str(msg),
            TaskError::Spawn {
                step,
                command,
                source,
            } => write!(f, "step \"{step}\" could not start `{command}`: {source}"),
            TaskError::Failed {
                step,
                command,
                status,
            } => write!(f, "step \"{step}\" failed: `{command}` {status}"),
            TaskError::ReadDir { dir, source } => {
                write!(f, "cannot list {}: {source}", dir.display())
            }
        }
    }
}

/// What to run: a task and the arguments for the test binaries.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Test(Vec<OsString>),
    Ci(Vec<OsString>),
    Demo,
    Help,
}

fn parse_args(args: Vec<OsString>) -> Result<Task, TaskError> {
    let mut args = args.into_iter();
    let Some(task) = args.next() else {
        return Err(TaskError::Usage("no task given".into()));
    };
    let rest: Vec<OsString> = args.collect();
    let passed = match rest.split_first() {
        None => Vec::new(),
        Some((dashes, after)) if dashes == "--" => after.to_vec(),
        Some((other, _)) => {
            return Err(TaskError::Usage(format!(
                "unexpected argument \"{}\" (put arguments for the tests after `--`)",
                other.to_string_lossy()
            )));
        }
    };
    let no_args = |name: &str, task: Task| {
        if passed.is_empty() {
            Ok(task)
        } else {
            Err(TaskError::Usage(format!("`{name}` takes no arguments")))
        }
    };
    match task.to_str() {
        Some("test") => Ok(Task::Test(passed)),
        Some("ci") => Ok(Task::Ci(passed)),
        Some("demo") => no_args("demo", Task::Demo),
        Some("help" | "-h" | "--help") => no_args("help", Task::Help),
        _ => Err(TaskError::Usage(format!(
            "unknown task \"{}\"",
            task.to_string_lossy()
        ))),
    }
}

/// Runs the steps of a task in the workspace root.
struct Runner {
    root: PathBuf,
    cargo: OsString,
}

impl Runner {
    fn new() -> Self {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        Runner {
            root: manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf(),
            cargo: env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        }
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.cargo);
        c.args(args);
        c
    }

    /// Prints `==> command`, runs it in the workspace root and fails unless it succeeds.
    fn step(&self, step: &str, mut command: Command) -> Result<(), TaskError> {
        let shown = show(&command);
        println!("==> {shown}");
        let status =
            command
                .current_dir(&self.root)
                .status()
                .map_err(|source| TaskError::Spawn {
                    step: step.into(),
                    command: shown.clone(),
                    source,
                })?;
        if status.success() {
            Ok(())
        } else {
            Err(TaskError::Failed {
                step: step.into(),
                command: shown,
                status: match status.code() {
                    Some(code) => format!("exited with status {code}"),
                    None => "was stopped by a signal".into(),
                },
            })
        }
    }

    /// True when rustup can be run; a missing rustup is not an error.
    fn has_rustup(&self) -> bool {
        Command::new("rustup")
            .arg("--version")
            .current_dir(&self.root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn wasm_target_installed(&self) -> bool {
        Command::new("rustup")
            .args(["target", "list", "--installed"])
            .current_dir(&self.root)
            .output()
            .is_ok_and(|o| {
                o.status.success()
                    && String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .any(|l| l.trim() == WASM_TARGET)
            })
    }

    /// The example workflow files, sorted, relative to the workspace root.
    fn example_files(&self) -> Result<Vec<String>, TaskError> {
        let dir = self.root.join(EXAMPLES);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(TaskError::ReadDir { dir, source }),
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| TaskError::ReadDir {
                dir: dir.clone(),
                source,
            })?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".json") && entry.path().is_file() {
                files.push(format!("{EXAMPLES}/{name}"));
            }
        }
        files.sort();
        Ok(files)
    }

    fn test(&self, test_args: &[OsString]) -> Result<(), TaskError> {
        if !self.has_rustup() {
            println!("==> rustup not found; assuming the {WASM_TARGET} target is installed");
        } else if !self.wasm_target_installed() {
            let mut c = Command::new("rustup");
            c.args(["target", "add", WASM_TARGET]);
            self.step("add wasm target", c)?;
        }

        let mut c = self.cargo(&["test", "--workspace"]);
        if !test_args.is_empty() {
            c.arg("--").args(test_args);
        }
        self.step("test", c)?;

        let c = self.cargo(&["build", "-p", "flowdrill-core", "--target", WASM_TARGET]);
        self.step("wasm build", c)?;

        let files = self.example_files()?;
        if files.is_empty() {
            println!("==> no {EXAMPLES}/*.json yet; skipping the example check");
        } else {
            let mut c = self.cargo(&["run", "-p", "flowdrill-cli", "--", "check"]);
            c.args(&files);
            self.step("check examples", c)?;
        }
        Ok(())
    }

    fn ci(&self, test_args: &[OsString]) -> Result<(), TaskError> {
        self.step("fmt", self.cargo(&["fmt", "--all", "--check"]))?;
        let clippy = self.cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]);
        self.step("clippy", clippy)?;
        self.test(test_args)
    }

    fn demo(&self) -> Result<(), TaskError> {
        let flowdrill = |args: &[&str]| {
            let mut c = self.cargo(&["run", "--quiet", "-p", "flowdrill-cli", "--"]);
            c.args(args);
            c
        };
        self.step("routes", flowdrill(&["routes", DEMO_FILE]))?;
        let route = flowdrill(&[
            "route",
            DEMO_FILE,
            "--set",
            "asker=media",
            "--set",
            "sentiment=negative",
            "--set",
            "situation=crisis",
        ]);
        self.step("route", route)
    }
}

/// A command as it would be typed (arguments with spaces quoted).
fn show(c: &Command) -> String {
    // Show `cargo` rather than the full path cargo was started from.
    let program = if Path::new(c.get_program())
        .file_stem()
        .is_some_and(|s| s == "cargo")
    {
        "cargo".into()
    } else {
        c.get_program().to_string_lossy()
    };
    let mut out = program.into_owned();
    for a in c.get_args() {
        let a = a.to_string_lossy();
        out.push(' ');
        if a.is_empty() || a.contains(char::is_whitespace) {
            out.push_str(&format!("'{a}'"));
        } else {
            out.push_str(&a);
        }
    }
    out
}

fn main() -> ExitCode {
    let result = parse_args(env::args_os().skip(1).collect()).and_then(|task| {
        let runner = Runner::new();
        match task {
            Task::Test(args) => runner.test(&args),
            Task::Ci(args) => runner.ci(&args),
            Task::Demo => runner.demo(),
            Task::Help => {
                println!("{USAGE}");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(TaskError::Usage(msg)) => {
            eprintln!("xtask: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn tasks_parse() {
        assert_eq!(parse_args(args(&["test"])).ok(), Some(Task::Test(vec![])));
        assert_eq!(parse_args(args(&["ci"])).ok(), Some(Task::Ci(vec![])));
        assert_eq!(parse_args(args(&["demo"])).ok(), Some(Task::Demo));
        assert_eq!(parse_args(args(&["--help"])).ok(), Some(Task::Help));
    }

    #[test]
    fn arguments_after_dashes_go_to_the_tests() {
        assert_eq!(
            parse_args(args(&["test", "--", "--nocapture", "routes"])).ok(),
            Some(Task::Test(args(&["--nocapture", "routes"])))
        );
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in [
            &[][..],
            &["tset"],
            &["test", "--nocapture"],
            &["demo", "--", "x"],
        ] {
            assert!(
                matches!(parse_args(args(bad)), Err(TaskError::Usage(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn commands_are_shown_as_typed() {
        let mut c = Command::new("/home/me/.cargo/bin/cargo");
        c.args(["run", "--", "check", "a b.json"]);
        assert_eq!(show(&c), "cargo run -- check 'a b.json'");
        let mut r = Command::new("rustup");
        r.args(["target", "add", WASM_TARGET]);
        assert_eq!(show(&r), "rustup target add wasm32-unknown-unknown");
    }

    #[test]
    fn failures_name_the_step() {
        let e = TaskError::Failed {
            step: "clippy".into(),
            command: "cargo clippy".into(),
            status: "exited with status 101".into(),
        };
        assert_eq!(
            e.to_string(),
            "step \"clippy\" failed: `cargo clippy` exited with status 101"
        );
    }
}
