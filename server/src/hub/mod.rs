//! The server's shared state, handed to handlers as `Arc<Hub>`, and the use cases
//! that change it.
//!
//! - [`registry`]: where every live workshop is (its actor, its join code).
//! - [`credentials`]: who holds which token; which key opens which reports.
//! - [`lifecycle`]: create, continue, import, join, read the reports, delete.
//! - [`nodes`]: several nodes on a shared store: workshops taken from it when
//!   asked for, handed over when another node asks.
//! - [`error`]: why the hub refused ([`HubError`]), which `http` turns into a
//!   status; nothing here knows HTTP.
//!
//! This module keeps what the rest share: the connection budget, the store, the
//! shutdown signal.

mod credentials;
mod error;
mod lifecycle;
mod nodes;
mod registry;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use atelier_shared::protocol::{ErrorCode, Token};
use atelier_shared::{ParticipantId, Workshop, WorkshopId};
use tokio::sync::watch;

pub use error::HubError;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::guard::Guards;
use crate::secret::ServerKey;
use crate::store::{Committer, Loaded, Receipts, Record};
use crate::workshop::{self, ConnId, WorkshopHandle};
use credentials::Credentials;
use registry::Registry;

#[derive(Debug)]
pub struct Hub {
    pub config: Config,
    /// The templates and maps workshops are made from (read-only).
    pub catalog: Catalog,
    /// The resolved address people reach us at (for join links).
    pub public_url: String,
    registry: Registry,
    credentials: Credentials,
    /// Live websocket connections; a watch so that tests and health checks can wait
    /// for it to change instead of polling.
    connections: watch::Sender<usize>,
    next_conn: AtomicU64,
    /// Flipped once at shutdown; every connection watches it and says goodbye.
    shutdown: watch::Sender<bool>,
    /// Where workshops are made durable; `None`: in memory only.
    store: Option<Committer>,
    /// Paces and counts per network address.
    pub guards: Guards,
    /// One archive is read and checked at a time: what imports hold in memory is
    /// bounded by one archive, however many arrive at once.
    imports: tokio::sync::Semaphore,
    /// With a shared store: whether it answered lately (the health check says).
    store_reachable: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Workshops being taken from a shared store, one summons each at a time.
    summoning: dashmap::DashMap<WorkshopId, std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// A connection's claim on the connection budget, the server's and its address's;
/// gives both back when dropped.
#[derive(Debug)]
pub struct ConnectionSlot<'a> {
    hub: &'a Hub,
    ip: IpAddr,
    pub id: ConnId,
}

impl Drop for ConnectionSlot<'_> {
    fn drop(&mut self) {
        self.hub.guards.connections.close(self.ip);
        self.hub.connections.send_modify(|n| *n -= 1);
    }
}

/// Why a connection was not admitted.
#[derive(Debug, PartialEq, Eq)]
pub enum Full {
    Server,
    Address,
}

impl Hub {
    pub fn new(config: Config, public_url: String, store: Option<Committer>, key: ServerKey) -> Hub {
        Hub {
            catalog: Catalog::builtin(),
            public_url,
            registry: Registry::default(),
            credentials: Credentials::new(key),
            connections: watch::Sender::new(0),
            next_conn: AtomicU64::new(1),
            shutdown: watch::Sender::new(false),
            store,
            guards: Guards::new(&config.limits),
            imports: tokio::sync::Semaphore::new(1),
            summoning: dashmap::DashMap::new(),
            store_reachable: None,
            config,
        }
    }

    /// Has the health check follow whether a shared store answers.
    pub fn watching_store(mut self, reachable: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Hub {
        self.store_reachable = Some(reachable);
        self
    }

    /// Whether this node can do its work: always, but on a shared store it cannot
    /// reach.
    pub fn healthy(&self) -> bool {
        self.store_reachable
            .as_ref()
            .is_none_or(|reachable| reachable.load(Ordering::Relaxed))
    }

    /// Starts the actors of workshops loaded from the store, with their codes and
    /// credentials; returns how many.
    pub fn restore(&self, loaded: Loaded) -> usize {
        let count = loaded.workshops.len();
        let mut receipts = loaded.receipts;
        for workshop in loaded.workshops {
            self.registry.bind_code(workshop.code.clone(), workshop.id);
            let receipts = receipts.remove(&workshop.id).unwrap_or_default();
            self.start(workshop, receipts);
        }
        for (workshop, stored) in loaded.credentials {
            self.credentials.keep(workshop, stored);
        }
        count
    }

    /// Stops this hub for good (a server shutting down): every workshop writes what
    /// it has applied and answers it, then closes its connections (`ShuttingDown`);
    /// then the store is closed. Nothing applied is left unwritten.
    pub async fn stop(&self) {
        let closing = futures_util::future::join_all(
            self.registry
                .all()
                .into_iter()
                .map(|workshop| async move { workshop.close(ErrorCode::ShuttingDown).await }),
        );
        // A workshop already stopped (its store refused it) has nothing to write.
        let _ = closing.await;
        if let Some(store) = self.store.clone() {
            // `close` waits on the writer's thread: not on this runtime's.
            if tokio::task::spawn_blocking(move || store.close()).await.is_err() {
                tracing::error!("the store could not be closed cleanly");
            }
        }
    }

    /// Closes the store once what was submitted is written, releasing its lock (at
    /// shutdown, or to start another hub on the same data directory). Workshops
    /// that write afterwards stop, and what they applied but had not yet submitted
    /// is lost, as in a crash: a server shutting down calls [`Hub::stop`].
    pub fn close(&self) {
        if let Some(store) = &self.store {
            store.close();
        }
    }

    /// Makes `records` durable, when there is a store.
    async fn persist(&self, records: Vec<Record>) -> Result<(), HubError> {
        let Some(store) = &self.store else { return Ok(()) };
        store.commit(records).await.map_err(|error| {
            tracing::error!("{error}");
            HubError::Unavailable
        })
    }

    /// Starts the actor of a workshop the store already holds.
    fn start(&self, workshop: Workshop, receipts: Receipts) {
        let handle = workshop::spawn(workshop, receipts, &self.config.limits, self.store.clone());
        self.registry.insert(handle);
    }

    /// The workshop a code opens, if any.
    pub fn by_code(&self, code: &str) -> Option<WorkshopHandle> {
        self.registry.by_code(code)
    }

    pub fn workshop(&self, id: WorkshopId) -> Option<WorkshopHandle> {
        self.registry.get(id)
    }

    /// Who a token belongs to, if it is genuine.
    pub fn authenticate(&self, token: &Token) -> Option<(WorkshopHandle, ParticipantId)> {
        let (workshop, participant) = self.credentials.holder(token)?;
        Some((self.workshop(workshop)?, participant))
    }

    /// Takes a connection slot for a client at `ip`, unless the server, or that
    /// address's share of it, is full.
    pub fn open_connection(&self, ip: IpAddr) -> Result<ConnectionSlot<'_>, Full> {
        if !self.guards.connections.open(ip) {
            return Err(Full::Address);
        }
        let limit = self.config.limits.max_connections;
        let admitted = self.connections.send_if_modified(|n| {
            let room = *n < limit;
            if room {
                *n += 1;
            }
            room
        });
        if !admitted {
            self.guards.connections.close(ip);
            return Err(Full::Server);
        }
        Ok(ConnectionSlot {
            hub: self,
            ip,
            id: self.next_conn.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Live websocket connections, as a value that can be awaited.
    pub fn connections(&self) -> watch::Receiver<usize> {
        self.connections.subscribe()
    }

    pub fn workshop_count(&self) -> usize {
        self.registry.len()
    }

    /// Tells every connection the server is going away.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }
}
