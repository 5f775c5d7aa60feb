//! Build, test and CI tasks for flowdrill, run as `cargo xtask <task>`.
//!
//! - `wasm`: builds the WebAssembly bindings into `www/pkg` (installing the wasm32 target,
//!   the pinned wasm-bindgen CLI and the npm dependencies when missing), copies the example
//!   library next to them, prints the sizes and checks the size budget;
//! - `build`: `wasm`, then the Vite build of the web app into `www/dist`;
//! - `serve`: `build`, then serves `www/dist` on http://127.0.0.1:8080/;
//! - `dist`: `build`, then copies `www/dist` to `dist/`, a static site;
//! - `test`: adds the wasm32 target when missing, runs the workspace tests, builds the
//!   core for `wasm32-unknown-unknown`, checks the example workflows, then `wasm`, the
//!   TypeScript check, the JavaScript unit tests, the Vite build and the browser tests;
//! - `ci`: formatting and clippy, then everything `test` does;
//! - `demo`: prints the route table of the social triage example and one route.
//!
//! Each step is printed as `==> <command>`; the first failure stops the run with a
//! non-zero exit status naming the step.

mod examples;
mod sizes;
mod web;

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const EXAMPLES: &str = "examples/workflows";
const DEMO_FILE: &str = "examples/workflows/social-triage.json";

const USAGE: &str = "\
Usage: cargo xtask <TASK> [-- <ARGS>...]

Tasks:
  serve  build the web app and serve it on http://127.0.0.1:8080/ (`vite preview`)
  build  `wasm`, then `npm run build` in www (Vite: www -> www/dist)
  dist   `build`, then copy www/dist to dist/: a static site for any web server
  wasm   build the WebAssembly bindings into www/pkg: cargo (profile wasm-release),
         wasm-bindgen, wasm-opt (kept only when smaller gzipped), the example library
         in www/pkg/examples; prints the sizes and fails over the gzip budget.
         Installs the wasm32 target, the pinned wasm-bindgen CLI and the npm packages
         when missing
  test   add the wasm32 target if missing, run `cargo test --workspace`,
         build flowdrill-core for wasm32-unknown-unknown, check examples/workflows/*.json,
         then `wasm`, `npm run typecheck`, `npm test`, `npm run build` and
         `npm run test:browser` (skipped without /usr/bin/chromium unless CI is set)
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
    /// A file or directory could not be read, written, copied or removed.
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// The gzipped WebAssembly module is larger than its budget.
    OverBudget {
        /// The module's file name.
        module: String,
        /// Its gzipped size.
        gzip: u64,
        /// The budget.
        budget: u64,
    },
    /// Anything else, said in full.
    Other(String),
}

impl TaskError {
    fn io(action: &'static str, path: &Path, source: io::Error) -> TaskError {
        TaskError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
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
            TaskError::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            TaskError::OverBudget {
                module,
                gzip,
                budget,
            } => write!(
                f,
                "{}. Shrink the module (the time zones it ships are TZ_FILTER in \
                 xtask/src/web.rs) or raise WASM_GZIP_BUDGET in xtask/src/sizes.rs",
                sizes::budget_line(module, *gzip, *budget)
            ),
            TaskError::Other(msg) => f.write_str(msg),
        }
    }
}

/// What to run: a task and the arguments for the test binaries.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Test(Vec<OsString>),
    Ci(Vec<OsString>),
    Wasm,
    Build,
    Serve,
    Dist,
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
        Some("wasm") => no_args("wasm", Task::Wasm),
        Some("build") => no_args("build", Task::Build),
        Some("serve") => no_args("serve", Task::Serve),
        Some("dist") => no_args("dist", Task::Dist),
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

    /// Prints `==> command`, runs it (in the workspace root unless the command says
    /// otherwise) and fails unless it succeeds; prints how long it took.
    fn step(&self, step: &str, mut command: Command) -> Result<(), TaskError> {
        let shown = show(&command, &self.root);
        println!("==> {shown}");
        if command.get_current_dir().is_none() {
            command.current_dir(&self.root);
        }
        let started = Instant::now();
        let status = command.status().map_err(|source| TaskError::Spawn {
            step: step.into(),
            command: shown.clone(),
            source,
        })?;
        if status.success() {
            println!("    {step}: {:.1}s", started.elapsed().as_secs_f64());
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
        let files = examples::json_files(&self.root.join(EXAMPLES))?;
        Ok(files
            .iter()
            .filter_map(|f| f.file_name())
            .map(|name| format!("{EXAMPLES}/{}", name.to_string_lossy()))
            .collect())
    }

    fn test(&self, test_args: &[OsString]) -> Result<(), TaskError> {
        self.ensure_wasm_target()?;

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

        self.test_web()
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

/// An argument as a POSIX shell would need it: quoted when it holds anything special.
fn quote(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@' | '%')
        });
    if plain {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
}

/// A command as it would be typed in `root`: `cd DIR && ` when it runs elsewhere, the
/// environment variables it sets, the program and its arguments, quoted where needed.
fn show(c: &Command, root: &Path) -> String {
    let mut out = String::new();
    if let Some(dir) = c.get_current_dir() {
        let dir = dir.strip_prefix(root).unwrap_or(dir);
        if !dir.as_os_str().is_empty() {
            out.push_str(&format!("cd {} && ", quote(&dir.to_string_lossy())));
        }
    }
    for (name, value) in c.get_envs() {
        if let Some(value) = value {
            out.push_str(&format!(
                "{}={} ",
                name.to_string_lossy(),
                quote(&value.to_string_lossy())
            ));
        }
    }
    // Show `cargo` rather than the full path cargo was started from, and programs in the
    // workspace relative to it.
    let program = Path::new(c.get_program());
    if program.file_stem().is_some_and(|s| s == "cargo") {
        out.push_str("cargo");
    } else {
        let program = program.strip_prefix(root).unwrap_or(program);
        out.push_str(&quote(&program.to_string_lossy()));
    }
    for a in c.get_args() {
        out.push(' ');
        out.push_str(&quote(&a.to_string_lossy()));
    }
    out
}

fn main() -> ExitCode {
    let result = parse_args(env::args_os().skip(1).collect()).and_then(|task| {
        let runner = Runner::new();
        match task {
            Task::Test(args) => runner.test(&args),
            Task::Ci(args) => runner.ci(&args),
            Task::Wasm => runner
                .wasm()
                .and_then(|modules| sizes::check_budgets(&modules, sizes::WASM_GZIP_BUDGET)),
            Task::Build => runner.build(),
            Task::Serve => runner.serve(),
            Task::Dist => runner.dist(),
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
        let root = Path::new("/work/repo");
        let mut c = Command::new("/home/me/.cargo/bin/cargo");
        c.args(["run", "--", "check", "a b.json"]);
        assert_eq!(show(&c, root), "cargo run -- check 'a b.json'");
        let mut r = Command::new("rustup");
        r.args(["target", "add", WASM_TARGET]);
        assert_eq!(show(&r, root), "rustup target add wasm32-unknown-unknown");
        let mut f = Command::new("cargo");
        f.args(["run", "--", "route", "--set", "asker=media", "it's"]);
        assert_eq!(
            show(&f, root),
            r"cargo run -- route --set asker=media 'it'\''s'"
        );
    }

    #[test]
    fn commands_show_where_they_run_and_what_they_set() {
        let root = Path::new("/work/repo");
        let mut c = Command::new("npm");
        c.args(["run", "build"]).current_dir(root.join("www"));
        assert_eq!(show(&c, root), "cd www && npm run build");
        let mut o = Command::new(root.join("www/node_modules/.bin/wasm-opt"));
        o.args(["-Oz", "www/pkg/m.wasm"]);
        assert_eq!(
            show(&o, root),
            "www/node_modules/.bin/wasm-opt -Oz www/pkg/m.wasm"
        );
        let mut b = Command::new("cargo");
        b.args(["build", "-p", "flowdrill-wasm"])
            .env("CHRONO_TZ_TIMEZONE_FILTER", "^(UTC|Europe/[A-Za-z_]+)$")
            .current_dir(root);
        assert_eq!(
            show(&b, root),
            "CHRONO_TZ_TIMEZONE_FILTER='^(UTC|Europe/[A-Za-z_]+)$' cargo build -p flowdrill-wasm"
        );
    }

    #[test]
    fn the_new_tasks_parse_and_take_no_arguments() {
        assert_eq!(parse_args(args(&["wasm"])).ok(), Some(Task::Wasm));
        assert_eq!(parse_args(args(&["build"])).ok(), Some(Task::Build));
        assert_eq!(parse_args(args(&["serve"])).ok(), Some(Task::Serve));
        assert_eq!(parse_args(args(&["dist"])).ok(), Some(Task::Dist));
        for bad in [&["wasm", "--", "x"][..], &["serve", "--", "--port"]] {
            assert!(
                matches!(parse_args(args(bad)), Err(TaskError::Usage(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_over_budget_module_says_how_to_fix_it() {
        let e = TaskError::OverBudget {
            module: "flowdrill_wasm_bg.wasm".into(),
            gzip: 419_129,
            budget: 300 * 1024,
        };
        let msg = e.to_string();
        assert!(
            msg.contains("OVER the 300.0 KiB budget by 109.3 KiB"),
            "{msg}"
        );
        assert!(
            msg.contains("TZ_FILTER") && msg.contains("WASM_GZIP_BUDGET"),
            "{msg}"
        );
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
