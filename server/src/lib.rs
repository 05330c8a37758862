//! Atelier's server: one binary serving the HTTP API, the websocket hub and the built
//! browser client.
//!
//! # Layout
//! - [`config`]: every limit and default, in one struct.
//! - [`hub`]: the shared state and its use cases: the registry of live workshops
//!   (actor handles, join codes), credentials, the lifecycle (create, import, join,
//!   delete), the connection count; its own error, which `http` maps.
//! - [`workshop`]: one actor task per workshop, owning its state and subscribers.
//! - [`ws`]: the websocket endpoint; `ws::connection` is one connection's lifetime.
//! - [`net`]: the TCP edge: the accept loop, the socket budget (in all and per
//!   address) and the header timeout, before hyper and the router.
//! - [`http`]: the router, the JSON API and its error type; `http::client` serves
//!   the browser client compiled into the binary.
//! - [`export`]: reports and exports (Markdown, HTML with charts, CSV, XLSX, JSON)
//!   and the import of a JSON archive.
//! - [`catalog`]: the built-in templates and maps, compiled in.
//! - [`secret`]: randomness, tokens, their stored digests, organiser keys and
//!   constant-time checks; [`clock`]: the time.
//! - [`guard`]: paces and counts per connection, participant and network address
//!   (rate limits, code guessing and the codes a network knows, connections per
//!   address), and `ClientIp`, the address they count.
//! - [`store`]: durable storage (SQLite in the data directory, or PostgreSQL for
//!   several nodes, each workshop leased to one), its group commit,
//!   backups and restores.
//! - [`metrics`]: the counters an administrator reads at `/metrics` (Prometheus).
//!
//! Tests and `main` build the same application with [`app`] and run it with [`serve`].

pub mod catalog;
pub mod clock;
pub mod config;
pub mod export;
pub mod guard;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod net;
pub mod secret;
pub mod store;
pub mod workshop;
pub mod ws;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

pub use config::{Config, Limits};
pub use guard::Rate;
pub use hub::Hub;
pub use secret::ServerKey;
use store::postgres::PgStore;
use store::sqlite::SqliteStore;
use store::{Committer, Loaded, Store};

/// The application, routes and all, over a hub.
pub fn app(hub: Arc<Hub>) -> Router {
    http::router(hub)
}

/// The address links name when no public URL is configured: the bound one or, for a
/// wildcard bind (`0.0.0.0`), this machine's address on its default route (found by
/// a UDP socket's `connect`, which sends nothing), else the loopback. Never a
/// request's `Host` header, which anyone can forge.
fn reachable(bound: SocketAddr) -> SocketAddr {
    if !bound.ip().is_unspecified() {
        return bound;
    }
    let (local, probe, loopback): (SocketAddr, SocketAddr, IpAddr) = if bound.is_ipv4() {
        (
            (Ipv4Addr::UNSPECIFIED, 0).into(),
            (Ipv4Addr::new(192, 0, 2, 1), 9).into(),
            Ipv4Addr::LOCALHOST.into(),
        )
    } else {
        (
            (Ipv6Addr::UNSPECIFIED, 0).into(),
            (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 9).into(),
            Ipv6Addr::LOCALHOST.into(),
        )
    };
    let routed = std::net::UdpSocket::bind(local).and_then(|socket| {
        socket.connect(probe)?;
        socket.local_addr()
    });
    let ip = routed.map(|a| a.ip()).unwrap_or(loopback);
    tracing::warn!(
        "no --public-url: join links will name {ip}; set --public-url to the address participants use"
    );
    SocketAddr::new(ip, bound.port())
}

/// Builds the hub for a listener that is already bound: join links use its address
/// unless a public URL is configured. With a data directory, the store is opened and
/// every workshop it holds is running again before this returns.
pub fn hub_for(listener: &TcpListener, config: Config) -> anyhow::Result<Arc<Hub>> {
    let public_url = match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", reachable(listener.local_addr()?)),
    };
    let mut handovers = None;
    let mut reachable = None;
    let (committer, loaded, key) = match (&config.store_url, &config.data_dir) {
        (Some(url), _) => {
            // The driver runs its own small runtime: not from inside this one.
            let (url, leases) = (url.clone(), config.leases.clone());
            let opened = std::thread::spawn(move || -> Result<_, store::StoreError> {
                let mut store = PgStore::open(&url, leases)?;
                let key = store.server_key()?;
                let loaded = store.load()?;
                Ok((store, loaded, key))
            })
            .join()
            .map_err(|_| anyhow::anyhow!("opening the PostgreSQL store panicked"))?;
            let (mut store, loaded, key) = opened?;
            tracing::info!(
                node = store.node(),
                "store on PostgreSQL, shared with any other node naming it"
            );
            handovers = store.handovers();
            reachable = Some(store.reachable());
            (Some(Committer::start(store)), loaded, key)
        }
        (None, Some(dir)) => {
            let mut store = SqliteStore::open(&dir.join(store::sqlite::STORE_FILE))?;
            let loaded = store.load()?;
            let file = dir.join("atelier.key");
            let key = secret::ServerKey::kept_in(&file)
                .with_context(|| format!("the server's key {}", file.display()))?;
            (Some(Committer::start(store)), loaded, key)
        }
        (None, None) => (None, Loaded::default(), secret::ServerKey::ephemeral()),
    };
    let mut hub = Hub::new(config, public_url, committer, key);
    if let Some(reachable) = reachable {
        hub = hub.watching_store(reachable);
    }
    let restored = hub.restore(loaded);
    if restored > 0 {
        tracing::info!(workshops = restored, "workshops restored from the store");
    }
    let hub = Arc::new(hub);
    if let Some(asked) = handovers {
        tokio::spawn(Arc::clone(&hub).serve_handovers(asked));
    }
    Ok(hub)
}

/// Serves until `shutdown` completes, then tells every websocket to reconnect later.
pub async fn serve(
    listener: TcpListener,
    hub: Arc<Hub>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    net::serve(listener, app(hub.clone()), hub, shutdown).await
}
