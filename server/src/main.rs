//! `atelier`: parse the configuration, start tracing, bind, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use atelier_server::{Config, hub_for, serve};
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// A live participatory workshop server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "ATELIER_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Public base URL used in join links (e.g. https://atelier.example.org).
    #[arg(long, env = "ATELIER_PUBLIC_URL")]
    public_url: Option<String>,
    /// Directory of the built browser client.
    #[arg(long, env = "ATELIER_STATIC_DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Directory of the store: every acknowledged change is written there first.
    #[arg(long, env = "ATELIER_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Keep workshops in memory only (they are lost when the server stops).
    #[arg(long, env = "ATELIER_IN_MEMORY")]
    in_memory: bool,
    /// Behind a reverse proxy: take the client's address from the last entry of
    /// X-Forwarded-For (only set this behind a proxy that writes it).
    #[arg(long, env = "ATELIER_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Lift the rate limits and the per-address limits: for load tests on loopback
    /// only, never on a server people use.
    #[arg(long, env = "ATELIER_NO_RATE_LIMITS")]
    no_rate_limits: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // What went wrong and what to do, without a backtrace: this is for whoever
            // runs the server, not for a debugger.
            eprintln!("atelier: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let args = Args::parse();
    let mut config = Config {
        addr: args.addr,
        public_url: args.public_url,
        static_dir: args.static_dir,
        data_dir: (!args.in_memory).then_some(args.data_dir),
        trust_forwarded_for: args.trust_forwarded_for,
        ..Config::default()
    };
    if args.no_rate_limits {
        tracing::warn!("rate limits lifted (--no-rate-limits): for load tests only");
        config.limits = config.limits.unpaced();
    }
    if !config.static_dir.join("index.html").is_file() {
        tracing::warn!(
            dir = %config.static_dir.display(),
            "the browser client is not built there: run `cargo xtask serve` from the repository"
        );
    }
    let listener = TcpListener::bind(config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (is it in use? try --addr 127.0.0.1:0)",
            config.addr
        )
    })?;
    let hub = hub_for(&listener, config)?;
    tracing::info!("Atelier is ready: open {}", hub.public_url);
    serve(listener, hub.clone(), async {
        let signal = stop_requested().await;
        tracing::info!(signal, "shutting down");
    })
    .await?;
    hub.close();
    Ok(())
}

/// Waits for Ctrl-C, or SIGTERM (what `docker stop`, `systemctl stop` and Kubernetes
/// send): both stop the server the same gentle way. Returns the signal's name.
async fn stop_requested() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            },
            Err(error) => {
                tracing::warn!("SIGTERM cannot be caught ({error}): only Ctrl-C stops gently");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
