//! The TCP edge: accepts connections, counts them, and serves each with hyper.
//!
//! What a stranger could do with sockets alone is bounded here, before any request is
//! read:
//! - every connection counts against a budget of file descriptors (the process's
//!   limit, raised to its hard limit at start, minus a reserve for the store and the
//!   log): past it, a connection is answered `503` and closed at once, so the server
//!   never fails to `accept` and the reserve stays free for its own files;
//! - one network address may hold only so many connections (`sockets_per_address`):
//!   past it, its next one is answered `503`, and other addresses are not affected.
//!   Behind a reverse proxy every connection is the proxy's, so this is left to it;
//! - a connection must send a request's headers within `header_read_timeout`, and an
//!   idle kept-alive connection is closed after the same time, so silent and half-sent
//!   connections do not hold their descriptor for long.
//!
//! The count is attached to the socket itself, so a connection upgraded to a
//! websocket keeps counting until the websocket closes.
//!
//! Each socket also counts the bytes it has taken to send ([`Sent`], a request
//! extension), and keeps little unsent data in the kernel (`TCP_NOTSENT_LOWAT`): what
//! a slow reader has not taken waits in Atelier's queue, where a fresh snapshot can
//! replace it, and the websocket's writer sees each bit of progress a slow but
//! steady reader makes (`ws::connection`).

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use crate::guard::Connections;
use crate::hub::Hub;

/// Unsent bytes the kernel keeps for a socket before it says the socket is full.
/// The default lets a send buffer autotuned to megabytes fill with what a slow
/// reader cannot take; then the writer is woken only when half of it has drained.
/// With this, it is woken once less than half of this (4 KiB) is left unsent: a
/// reader's progress shows in steps of a few KiB. Data in flight is not limited.
#[cfg(any(target_os = "linux", target_os = "android"))]
const NOTSENT_LOWAT: u32 = 8 * 1024;

/// The bytes a connection's socket has taken to send so far.
#[derive(Clone, Debug, Default)]
pub struct Sent(Arc<AtomicU64>);

impl Sent {
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, bytes: usize) {
        self.0.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// Descriptors kept for the server's own use: the store's files, the log, a few
/// accepted sockets being refused.
const RESERVED_DESCRIPTORS: usize = 64;

/// How many sockets this process may hold: `configured`, within its limit of open
/// files (raised to the hard limit first, as a server should) minus a reserve.
pub fn socket_budget(configured: usize) -> usize {
    let available = open_file_limit().saturating_sub(RESERVED_DESCRIPTORS as u64);
    let available = usize::try_from(available).unwrap_or(usize::MAX);
    configured.min(available.max(1))
}

#[cfg(unix)]
fn open_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!("the limit of open files could not be read: {error}");
            1024
        }
    }
}

#[cfg(not(unix))]
fn open_file_limit() -> u64 {
    u64::MAX
}

/// The sockets open now, in all and per address.
#[derive(Debug)]
struct Budget {
    open: AtomicUsize,
    max: usize,
    per_address: Connections,
}

/// One counted socket: gives its place back when dropped, wherever it went (a
/// websocket keeps it).
#[derive(Debug)]
struct Counted {
    stream: TcpStream,
    budget: Arc<Budget>,
    ip: IpAddr,
    sent: Sent,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.budget.per_address.close(self.ip);
        self.budget.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Budget {
    fn admit(self: &Arc<Self>, stream: TcpStream, ip: IpAddr) -> Result<Counted, TcpStream> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(stream);
        }
        if !self.per_address.open(ip) {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(stream);
        }
        Ok(Counted {
            stream,
            budget: Arc::clone(self),
            ip,
            sent: Sent::default(),
        })
    }
}

impl AsyncRead for Counted {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        if let Poll::Ready(Ok(bytes)) = written {
            this.sent.add(bytes);
        }
        written
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(bytes)) = written {
            this.sent.add(bytes);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// What a refused connection reads: a complete response with the headers every
/// response carries, then the end of the connection.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: text/plain; charset=utf-8\r\n\
retry-after: 10\r\n\
connection: close\r\n\
x-content-type-options: nosniff\r\n\
referrer-policy: no-referrer\r\n\
x-frame-options: DENY\r\n\
cross-origin-opener-policy: same-origin\r\n\
content-security-policy: default-src 'none'; frame-ancestors 'none'\r\n\
content-length: 58\r\n\
\r\n\
Too many connections from your network: try again later.\r\n";

/// Serves `app` on `listener` until `shutdown` completes, then lets every connection
/// finish (websockets are told to reconnect by the hub) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    hub: Arc<Hub>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = &hub.config.limits;
    let per_address = match hub.config.trust_forwarded_for {
        // Every connection comes from the proxy: the proxy limits per client.
        true => None,
        false => limits.sockets_per_address,
    };
    let budget = Arc::new(Budget {
        open: AtomicUsize::new(0),
        max: socket_budget(limits.max_sockets),
        per_address: Connections::new(per_address),
    });
    match per_address {
        Some(per_address) => tracing::info!(
            sockets = budget.max,
            per_address,
            "accepting connections (at most `sockets` in all, `per_address` from one address; see docs/security.md)"
        ),
        None => tracing::info!(
            sockets = budget.max,
            "accepting connections (at most `sockets` in all; no limit per address here)"
        ),
    }
    let header_timeout = limits.header_read_timeout;
    // `stop` changes when shutting down; each connection holds a clone of `alive`
    // until it ends, so `alive`'s sender knows when the last one has.
    let (stopping, stop) = watch::channel(());
    let (tracker, alive) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of descriptors despite the budget (another part of the process
                // holds many), or a connection reset before it was accepted: wait a
                // moment rather than spin.
                tracing::warn!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let ip = canonical(peer.ip());
        let stream = match budget.admit(stream, ip) {
            Ok(counted) => counted,
            Err(stream) => {
                tracing::debug!(%ip, "connection refused: over the socket budget");
                // A fresh socket's send buffer takes the whole answer at once; if it
                // does not, the peer gets what fitted. Either way it is closed now.
                let _ = stream.try_write(REFUSED);
                continue;
            }
        };
        if let Err(error) = stream.stream.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {error}");
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Err(error) = socket2::SockRef::from(&stream.stream).set_tcp_notsent_lowat(NOTSENT_LOWAT) {
            tracing::debug!("TCP_NOTSENT_LOWAT not set: {error}");
        }
        let app = app.clone();
        let (stop, alive) = (stop.clone(), alive.clone());
        tokio::spawn(async move {
            connection(stream, peer, app, header_timeout, stop).await;
            drop(alive);
        });
    }
    drop(listener);
    hub.shut_down();
    drop(stop);
    stopping.send_replace(());
    drop(stopping);
    drop(alive);
    tracker.closed().await;
    // An upgraded websocket runs in a task of its own, which hyper's connection no
    // longer waits for: wait until each has said goodbye (1001, come back later)
    // rather than let the process end under it.
    let mut websockets = hub.connections();
    if tokio::time::timeout(GOODBYE, websockets.wait_for(|open| *open == 0))
        .await
        .is_err()
    {
        tracing::warn!(
            open = *websockets.borrow(),
            "some websockets did not close in time: leaving without them"
        );
    }
    Ok(())
}

/// How long a stopping server waits for its websockets to say goodbye (each waits
/// at most 2 s for its peer), and for a request in flight to finish.
const GOODBYE: Duration = Duration::from_secs(5);

/// An IPv4 client seen through an IPv6 socket is counted as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// One connection's HTTP/1.1 exchanges (and its upgrade to a websocket).
async fn connection(
    stream: Counted,
    peer: SocketAddr,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<()>,
) {
    let sent = stream.sent.clone();
    let service = app.map_request(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(sent.clone());
        request.map(axum::body::Body::new)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let mut served = pin!(
        builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades()
    );
    tokio::select! {
        outcome = served.as_mut() => {
            if let Err(error) = outcome {
                tracing::trace!("connection ended: {error}");
            }
            return;
        }
        _ = stop.changed() => {}
    }
    served.as_mut().graceful_shutdown();
    match tokio::time::timeout(GOODBYE, served).await {
        Ok(Err(error)) => tracing::trace!("connection ended: {error}"),
        Ok(Ok(())) => {}
        // A request whose body never comes (a stalled upload, a hostile client)
        // would otherwise hold the stop, and the store's last write, for ever.
        Err(_) => tracing::warn!(%peer, "a request was still unfinished when the server stopped: cut"),
    }
}
