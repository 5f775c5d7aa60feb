//! `flowdrill serve`: the web app and team drills on this computer's network.

use std::io::Write;
use std::net::SocketAddr;

use crate::cli::ServeArgs;
use crate::{CliError, Output};

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(args: &ServeArgs) -> Result<Output, CliError> {
    let config = flowdrill_serve::Config {
        addr: SocketAddr::new(args.host, args.port),
        data: args.data.clone(),
        nats: match &args.store {
            crate::cli::StoreChoice::Sqlite => None,
            crate::cli::StoreChoice::Nats(url) => Some(url.clone()),
        },
        www: (!args.no_www).then(|| args.www.clone()),
        allowed_origins: args.allow_origin.clone(),
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::Serve(e.into()))?;
    runtime.block_on(async {
        let bound = flowdrill_serve::bind(config)
            .await
            .map_err(CliError::Serve)?;
        let addr = bound.addr;
        let shown = if addr.ip().is_unspecified() {
            format!("http://<this computer's address>:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "flowdrill serve: listening on {addr}; open {shown} (http://localhost:{} here)\n\
             drills are kept in {}; stop with Ctrl-C",
            addr.port(),
            match &args.store {
                crate::cli::StoreChoice::Sqlite => args.data.display().to_string(),
                crate::cli::StoreChoice::Nats(url) => format!("NATS JetStream at {url}"),
            }
        );
        let _ = out.flush();
        drop(out);
        bound.serve(shutdown()).await.map_err(CliError::Serve)
    })?;
    Ok(Output {
        stdout: String::new(),
        status: 0,
    })
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
