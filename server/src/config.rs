//! Every tunable number of the server, in one place, with the reason for its default.
//!
//! Limits the browser must know too (note length, rooms, participants and notes per
//! workshop) are part of the protocol, not of one server's configuration: they are in
//! `atelier_shared::text` and `atelier_shared::machine`. `docs/security.md` lists both.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::guard::Rate;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen. Loopback by default: exposing Atelier is a deliberate choice
    /// (behind a TLS proxy).
    pub addr: SocketAddr,
    /// The address people reach the server at, used in join links. Defaults to
    /// `http://{addr}` once bound.
    pub public_url: Option<String>,
    /// A directory to serve the client from instead of the one compiled into the
    /// binary (`cargo xtask dist` writes it to `dist/`).
    pub static_dir: Option<PathBuf>,
    /// Where the store keeps workshops (`atelier.db`). `None`: in memory only, lost at
    /// exit (tests; the durability-off benchmark).
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL URL (`postgres://…`): the store is there instead of in
    /// `data_dir`, shared by every node that names the same database.
    pub store_url: Option<String>,
    /// This node's name and lease length, with `store_url`.
    pub leases: crate::store::postgres::Leases,
    /// Behind a reverse proxy, every request comes from the proxy's address: with
    /// this set, the client's address is the last one the proxy appended to
    /// `X-Forwarded-For`. Set it only behind such a proxy, or anyone could claim any
    /// address.
    pub trust_forwarded_for: bool,
    /// `/metrics` answers only requests bearing this token; `None`: no `/metrics`.
    pub metrics_token: Option<String>,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            static_dir: None,
            data_dir: None,
            store_url: None,
            leases: crate::store::postgres::Leases::default(),
            trust_forwarded_for: false,
            metrics_token: None,
            limits: Limits::default(),
        }
    }
}

/// Per-connection and per-server limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest websocket message a client may send. A command is at most a few hundred
    /// bytes (a note is 280 characters, up to 4 bytes each); 16 KiB leaves room for
    /// escaping and future commands. A larger message is read, answered with a
    /// `too_large` error and ignored: the connection stays usable.
    pub max_message_bytes: usize,
    /// Beyond this the websocket layer stops reading at the frame header and the
    /// connection is closed (1009): nobody sends that much by mistake. Kept apart from
    /// `max_message_bytes` because cutting a connection mid-message makes the kernel
    /// reset it, and the peer may never read why.
    pub hard_message_bytes: usize,
    /// Largest HTTP request body (create and join requests are tiny).
    pub max_body_bytes: usize,
    /// Largest archive `POST /api/import` takes. A two-hour workshop of 42 people is
    /// about 200 KiB of JSON; a campaign of three, well under 1 MiB; the 20 workshops
    /// one archive may hold, 4 MiB. Archives are read one at a time (the others wait
    /// their turn), so what imports hold in memory stays within a few times this.
    pub max_import_bytes: usize,
    /// Messages queued for one connection at most. Past it, the room's news queued
    /// there is replaced by a fresh snapshot (its answers stay): a slow client catches
    /// up instead of being cut off. A healthy client drains its queue in one
    /// coalesced frame; 1,024 is more than a second of a 42-person room at 20
    /// operations per second each.
    pub outbox_messages: usize,
    /// Messages merged into one frame at most, to bound frame size.
    pub max_batch: usize,
    /// Time a new connection has to say hello.
    pub hello_timeout: Duration,
    /// A connection with no message (a browser answers our pings) for this long is dead.
    pub idle_timeout: Duration,
    /// How often the server pings: well under `idle_timeout`, and under the 60 s after
    /// which common proxies drop quiet connections.
    pub ping_interval: Duration,
    /// A peer that takes less than 1 KiB in this time, while a frame is being written
    /// to it, is gone or stuck. (A slow reader that keeps taking data is waited for.)
    pub write_timeout: Duration,
    /// Live websocket connections on this server at once.
    pub max_connections: usize,
    /// TCP connections (HTTP and websockets) at once, whatever their address. The
    /// server also keeps it under its limit of open files, minus a reserve for its
    /// own (see `net`).
    pub max_sockets: usize,
    /// TCP connections one network address may hold at once: its websockets
    /// (`connections_per_address`) and a few HTTP requests each. Past it, that
    /// address's new connections get a `503`; nobody else's do. Off behind a reverse
    /// proxy (`trust_forwarded_for`), where every connection is the proxy's.
    pub sockets_per_address: Option<usize>,
    /// Time a connection has to send a request's headers, and an idle kept-alive
    /// connection stays open. A browser sends its headers at once.
    pub header_read_timeout: Duration,
    /// Buffers of each websocket. Tungstenite's defaults (128 KiB each) would cost
    /// 256 KiB per idle participant; our messages are small. The read buffer is
    /// resident whole (tungstenite zero-fills it before each read), so it is sized for
    /// a command (a few hundred bytes); a longer message grows it as needed.
    /// BENCHMARKS.md, scenario 4, has the memory of a connection piece by piece.
    pub ws_read_buffer: usize,
    pub ws_write_buffer: usize,
    /// Requests waiting for one workshop's actor.
    pub inbox_requests: usize,

    // Paces. `None` lifts a limit (load tests on loopback: `atelier --no-rate-limits`).
    /// Messages one connection may send. Nobody clicks 30 times a second, even
    /// placing dots in a hurry; a script does. Over the pace a command is rejected
    /// (`too_fast`) and anything else answered `rate_limited`: nothing is applied.
    pub commands: Option<Rate>,
    /// Notes one person may post, all their connections together: 10 at once (pasting
    /// prepared ideas), then 30 a minute (one every 2 s: nobody types faster). This is
    /// what keeps one participant from burying a board under notes.
    pub notes: Option<Rate>,
    /// Joins from one network address. A hybrid event can put a whole room behind one
    /// venue's NAT: 60 people at once, then one a second.
    pub joins: Option<Rate>,
    /// Lookups of a code that opens nothing, from one network address: 10 typos, then
    /// one every 30 s. A guesser gets 2,880 tries a day, each with a chance of
    /// (live workshops) / 31⁶ ≈ 1 in 887 million per live workshop.
    pub code_guesses: Option<Rate>,
    /// Workshops created or imported from one network address: an organiser preparing
    /// a campaign creates a handful; 20 at once, then 30 an hour (one every 2 min).
    /// Each workshop of an imported archive counts.
    pub creations: Option<Rate>,
    /// KiB of archives one network address may import: 16 MiB at once (four of the
    /// largest), then 16 MiB an hour. With `creations`, what one address can add to
    /// the store in an hour is bounded.
    pub import_kib: Option<Rate>,
    /// Websocket connections open at once from one network address: a venue of 100
    /// people behind one NAT with two tabs each fits.
    pub connections_per_address: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 16 * 1024,
            hard_message_bytes: 64 * 1024,
            max_body_bytes: 64 * 1024,
            max_import_bytes: 4 * 1024 * 1024,
            outbox_messages: 1024,
            max_batch: 256,
            hello_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            ping_interval: Duration::from_secs(25),
            write_timeout: Duration::from_secs(10),
            max_connections: 20_000,
            max_sockets: 25_000,
            sockets_per_address: Some(400),
            header_read_timeout: Duration::from_secs(10),
            ws_read_buffer: 1024,
            ws_write_buffer: 0,
            inbox_requests: 4096,
            commands: Some(Rate::per_second(30, 60)),
            notes: Some(Rate::per_minute(30, 10)),
            joins: Some(Rate::per_minute(60, 60)),
            code_guesses: Some(Rate::per_minute(2, 10)),
            creations: Some(Rate::per_hour(30, 20)),
            import_kib: Some(Rate::per_hour(16 * 1024, 16 * 1024)),
            connections_per_address: Some(250),
        }
    }
}

impl Limits {
    /// These limits without paces nor per-address counts: for load generators, which
    /// open thousands of connections from one address and send as fast as asked.
    pub fn unpaced(self) -> Limits {
        Limits {
            commands: None,
            notes: None,
            joins: None,
            code_guesses: None,
            creations: None,
            import_kib: None,
            connections_per_address: None,
            sockets_per_address: None,
            ..self
        }
    }
}
