//! `atelier`: parse the configuration, start tracing, bind, serve; or one of the
//! administrator's commands (`backup`, `restore`, `health`).

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use atelier_server::store::backup;
use atelier_server::store::postgres::{Leases, default_node};
use atelier_server::store::sqlite::STORE_FILE;
use atelier_server::{Config, hub_for, serve};
use atelier_shared::api::Health;
use clap::builder::BoolishValueParser;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The version and the commit built (see `build.rs`): `0.1.0 (1a2b3c4d5e6f)`.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("ATELIER_COMMIT"), ")");

/// A live participatory workshop server.
///
/// Without a command, serves workshops. The built browser client is inside the binary.
#[derive(Debug, Parser)]
#[command(version = VERSION, about, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Admin>,
    /// Address to listen on.
    #[arg(long, env = "ATELIER_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Public base URL used in join links (e.g. https://atelier.example.org).
    #[arg(long, env = "ATELIER_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Serve the browser client from this directory instead of the one built into
    /// the binary (a client built apart, e.g. `dist/`).
    #[arg(long, env = "ATELIER_STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// Directory of the store: every acknowledged change is written there first.
    #[arg(long, env = "ATELIER_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Keep the store in PostgreSQL instead of the data directory
    /// (`postgres://user:password@host/database`): several nodes naming the same
    /// database share its workshops, each served by one node at a time.
    #[arg(long = "store", env = "ATELIER_STORE", hide_env_values = true, value_parser = store_url)]
    store_url: Option<String>,
    /// This node's name among those sharing a PostgreSQL store (default: the host's
    /// name). A node restarted under the same name takes its workshops back at once.
    #[arg(long, env = "ATELIER_NODE", value_parser = node_name)]
    node: Option<String>,
    /// Seconds a node's workshops wait, after it is lost, before another node may
    /// serve them (PostgreSQL store only).
    #[arg(long, env = "ATELIER_LEASE_SECONDS", value_parser = lease_seconds)]
    lease_seconds: Option<f64>,
    /// Serve Prometheus metrics at /metrics to requests bearing this token
    /// (`Authorization: Bearer TOKEN`). Without it (or with an empty one), /metrics
    /// does not exist.
    #[arg(long, env = "ATELIER_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Keep workshops in memory only (they are lost when the server stops).
    #[arg(long, env = "ATELIER_IN_MEMORY", value_parser = BoolishValueParser::new())]
    in_memory: bool,
    /// Behind a reverse proxy: take the client's address from the last entry of
    /// X-Forwarded-For (only set this behind a proxy that writes it).
    #[arg(long, env = "ATELIER_TRUST_FORWARDED_FOR", value_parser = BoolishValueParser::new())]
    trust_forwarded_for: bool,
    /// Lift the rate limits and the per-address limits: for load tests on loopback
    /// only, never on a server people use.
    #[arg(long, env = "ATELIER_NO_RATE_LIMITS", value_parser = BoolishValueParser::new())]
    no_rate_limits: bool,
}

/// What an administrator does besides serving.
#[derive(Debug, Subcommand)]
enum Admin {
    /// Copy the store to FILE, safely, while the server runs (or not): a consistent
    /// snapshot, checked before this command says it is done.
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
        /// Directory of the store to copy.
        #[arg(long, env = "ATELIER_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Put a backup in place as the store. The server must be stopped; the current
    /// store is kept aside (`atelier.db.before-restore-…`), never deleted.
    Restore {
        /// A file written by `atelier backup`.
        file: PathBuf,
        /// Directory of the store to replace.
        #[arg(long, env = "ATELIER_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Exit 0 if the server at URL answers its health check (container health
    /// checks: no curl needed).
    Health {
        #[arg(long, default_value = "http://127.0.0.1:8080/api/health")]
        url: String,
    },
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
    // Colours for a person at a terminal; plain text for journald, `docker logs` and
    // files, or wherever NO_COLOR is set.
    let colours =
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(colours)
        .init();
    let args = Args::parse();
    match args.command {
        Some(Admin::Backup { file, data_dir }) => {
            let made = backup::backup(&data_dir.join(STORE_FILE), &file)?;
            say(&made);
            return Ok(());
        }
        Some(Admin::Restore { file, data_dir }) => {
            let restored = backup::restore(&file, &data_dir.join(STORE_FILE))?;
            say(&restored);
            if !data_dir.join("atelier.key").is_file() {
                say(&format!(
                    "note: no atelier.key in {}: the server will make a new one, and the \
                     organiser links given out before will not open (participants and \
                     facilitators are not affected). Put the old atelier.key there first if \
                     you have it.",
                    data_dir.display()
                ));
            }
            return Ok(());
        }
        Some(Admin::Health { url }) => return health(&url),
        None => {}
    }
    // From here on a signal asks for a gentle stop, even while the store loads.
    let mut stop = stop_signals();
    if args.store_url.is_some() && args.in_memory {
        anyhow::bail!("--in-memory and --store: choose one (a store in PostgreSQL, or nothing kept)");
    }
    if args.store_url.is_none() && (args.node.is_some() || args.lease_seconds.is_some()) {
        tracing::warn!("--node and --lease-seconds only matter with --store postgres://…: ignored");
    }
    if args.store_url.is_some() && args.public_url.is_none() {
        tracing::warn!(
            "with several nodes, join links and organiser links must name the proxy's address: set --public-url"
        );
    }
    let mut config = Config {
        addr: args.addr,
        public_url: args.public_url,
        static_dir: args.static_dir,
        data_dir: (!args.in_memory).then_some(args.data_dir),
        store_url: args.store_url,
        leases: Leases {
            node: args.node.unwrap_or_else(default_node),
            ttl: std::time::Duration::from_secs_f64(args.lease_seconds.unwrap_or(5.0)),
        },
        trust_forwarded_for: args.trust_forwarded_for,
        // Spaces and a carriage return (an env file edited on Windows) are not part
        // of a token; an empty one means none.
        metrics_token: args
            .metrics_token
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty()),
        ..Config::default()
    };
    if args.no_rate_limits {
        tracing::warn!("rate limits lifted (--no-rate-limits): for load tests only");
        config.limits = config.limits.unpaced();
    }
    match &config.static_dir {
        Some(dir) if !dir.join("index.html").is_file() => anyhow::bail!(
            "--static-dir {}: no index.html there (build the client with `cargo xtask dist`, \
             or leave the option out to serve the client built into this binary)",
            dir.display()
        ),
        Some(dir) => tracing::info!(dir = %dir.display(), "serving the browser client from a directory"),
        None if !atelier_server::http::client::embedded() => tracing::warn!(
            "this binary was built without the browser client: build it with \
             `cargo xtask serve` (or `cargo xtask dist` before `cargo build`), or pass --static-dir"
        ),
        None => {}
    }
    if config.metrics_token.is_some() {
        tracing::info!("Prometheus metrics at /metrics, for requests bearing the metrics token");
    }
    let listener = TcpListener::bind(config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (is it in use? try --addr 127.0.0.1:0)",
            config.addr
        )
    })?;
    let hub = hub_for(&listener, config)?;
    tracing::info!(version = VERSION, "Atelier is ready: open {}", hub.public_url);
    serve(listener, hub.clone(), async move {
        // An error only if the signal listener is gone: then stop too.
        let _ = stop.wait_for(Option::is_some).await;
    })
    .await?;
    hub.stop().await;
    tracing::info!("everything applied is written: stopped");
    Ok(())
}

/// An administrator's command prints its result on stdout, for scripts to read;
/// the server itself logs through `tracing`.
#[allow(clippy::print_stdout)]
fn say(result: &dyn std::fmt::Display) {
    println!("{result}");
}

/// `atelier health`: one GET over plain HTTP/1.0, with std only; 200 or failure.
fn health(url: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    use std::time::Duration;

    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("{url}: only http:// URLs (the server itself, not its proxy)"))?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    let address = authority
        .to_socket_addrs()
        .with_context(|| format!("{authority}: not an address"))?
        .next()
        .with_context(|| format!("{authority}: no address"))?;
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
        .with_context(|| format!("cannot connect to {authority}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let timed_out = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            anyhow::anyhow!("{authority} did not answer within 5 s")
        }
        _ => anyhow::Error::new(e).context(format!("reading {authority}'s answer")),
    };
    let request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut answer = Vec::new();
    stream
        .take(64 * 1024)
        .read_to_end(&mut answer)
        .map_err(timed_out)?;
    let status = String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let answer = String::from_utf8_lossy(&answer);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    if status.split_whitespace().nth(1) != Some("200") {
        anyhow::bail!("unhealthy: {url} answered {status:?}")
    }
    // A proxy's or another program's page answers 200 too: only Atelier's own
    // answer counts.
    let atelier = serde_json::from_str::<Health>(body.trim()).is_ok_and(|health| health.status == "ok");
    if !atelier {
        anyhow::bail!("{url} answered 200 but not as Atelier's health check: is it the right address?")
    }
    say(&format!("healthy: {}", body.trim()));
    Ok(())
}

/// `--public-url`: an absolute http(s) URL, as join links and QR codes need.
fn public_url(given: &str) -> Result<String, String> {
    let rest = given
        .strip_prefix("https://")
        .or_else(|| given.strip_prefix("http://"))
        .ok_or("start it with https:// (or http://), e.g. https://atelier.example.org")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || given.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("give a whole address, e.g. https://atelier.example.org".into());
    }
    if rest.contains(['?', '#']) {
        return Err("no query nor fragment: the base address only".into());
    }
    if host.contains('@') {
        return Err("no user name nor password: they would be in every join link".into());
    }
    if !rest[host.len()..].trim_end_matches('/').is_empty() {
        return Err("Atelier is served at the root of its address, not under a path: \
                    give https://atelier.example.org, not …/atelier"
            .into());
    }
    Ok(given.to_owned())
}

/// `--store`: a PostgreSQL URL, or nothing (the data directory's store).
fn store_url(given: &str) -> Result<String, String> {
    let given = given.trim();
    if given.starts_with("postgres://") || given.starts_with("postgresql://") {
        Ok(given.to_owned())
    } else {
        Err(
            "a PostgreSQL URL, e.g. postgres://atelier:PASSWORD@db.example.org/atelier \
             (without --store, the store is in --data-dir)"
                .into(),
        )
    }
}

/// `--node`: a name an administrator can read in logs and in the `leases` table.
fn node_name(given: &str) -> Result<String, String> {
    let name = given.trim();
    let valid = (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(name.to_owned())
    } else {
        Err("1 to 63 letters, digits, '-', '_' or '.', different for each node (e.g. atelier1)".into())
    }
}

/// `--lease-seconds`: long enough to ride out a pause, short enough to fail over.
fn lease_seconds(given: &str) -> Result<f64, String> {
    match given.trim().parse::<f64>() {
        Ok(seconds) if (1.0..=600.0).contains(&seconds) => Ok(seconds),
        _ => Err("a number of seconds from 1 to 600 (default 5)".into()),
    }
}

/// Catches SIGINT (Ctrl-C) and SIGTERM from now on: the first asks for a gentle stop
/// (the value turns to its name); a second one ends the process at once, for an
/// administrator who will not wait (what was acknowledged is on disk already).
fn stop_signals() -> tokio::sync::watch::Receiver<Option<&'static str>> {
    let (asked, stop) = tokio::sync::watch::channel(None);
    let mut signals = Signals::catch();
    tokio::spawn(async move {
        loop {
            let signal = signals.next().await;
            if asked.borrow().is_some() {
                tracing::warn!(
                    signal,
                    "asked again to stop: exiting now, without waiting for the workshops to write \
                     what they applied (everything acknowledged is on disk)"
                );
                std::process::exit(1);
            }
            // Said here, so that it is said before a second signal ends the process.
            tracing::info!(signal, "shutting down");
            asked.send_replace(Some(signal));
        }
    });
    stop
}

/// The signals that stop the server, caught (not their default action) once made.
struct Signals {
    #[cfg(unix)]
    caught: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn catch() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
                (Ok(interrupt), Ok(terminate)) => Signals {
                    caught: Some((interrupt, terminate)),
                },
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!("SIGTERM cannot be caught ({error}): only Ctrl-C stops gently");
                    Signals { caught: None }
                }
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal's name.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        if let Some((interrupt, terminate)) = &mut self.caught {
            return tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            };
        }
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}
