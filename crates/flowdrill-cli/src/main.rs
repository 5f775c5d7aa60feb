//! The `flowdrill` binary: parses the command line, runs it, prints the result.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use flowdrill_cli::{Cli, run};

fn main() -> ExitCode {
    // Usage errors, --help and --version are handled by clap (usage errors exit 2).
    let cli = Cli::parse();
    match run(&cli) {
        Ok(out) => match io::stdout().lock().write_all(out.stdout.as_bytes()) {
            Ok(()) => ExitCode::from(out.status),
            // The reader went away (`flowdrill routes x.json | head`): nothing to report.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(out.status),
            Err(e) => {
                let _ = writeln!(io::stderr(), "error: cannot write output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {}", e.terminal_text());
            ExitCode::FAILURE
        }
    }
}
