//! The store on a PostgreSQL server (`--store postgres://…`), for deployments of
//! several nodes: the embedded store's tables (JSON rows with the same checksums),
//! and a lease per workshop saying which node serves it.
//!
//! **One owner per workshop.** A node serves a workshop only while it holds the
//! workshop's row in `leases`; it takes it when it creates or loads the workshop,
//! renews every lease it holds from a heartbeat thread, and gives them all back when
//! it closes. Each take raises the lease's `epoch`, and every write is *fenced*: in
//! the write's own transaction, the lease rows of the workshops it touches are read
//! `FOR SHARE` and must still carry this node's epoch. A node that lost a lease (it
//! stalled past the expiry and another node took it over) has its writes refused,
//! whatever it believes; a takeover waits for a write in flight to commit, so the
//! new owner reads everything the old one acknowledged. The (workshop, seq) key
//! refuses a fork even without leases.
//!
//! A node is named (`--node`, by default the host's name): a node that restarts
//! under the same name takes its workshops back at once instead of waiting for
//! their leases to expire.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use ::postgres::error::SqlState;
use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::{Client, NoTls};
use atelier_shared::{CampaignId, ParticipantId, Workshop, WorkshopId};

use super::{
    Acquired, CommandKey, Loaded, Locate, Receipts, Record, Store, StoreError, created_fields, created_row,
    credential_fields, credential_row, event_row, event_sum, replay,
};
use crate::secret::{ServerKey, Stored};

/// The schema's version, in `atelier_meta`.
pub const VERSION: i64 = 1;

/// Tables as the embedded store's (`store::schema`), in PostgreSQL's types, and the
/// leases. Created under an advisory lock, so that nodes starting together agree.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS atelier_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS workshops (
        position BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        sum BIGINT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS workshops_by_code ON workshops ((created::json ->> 'code'));
    CREATE TABLE IF NOT EXISTS events (
        workshop TEXT NOT NULL,
        seq BIGINT NOT NULL,
        event TEXT NOT NULL,
        sum BIGINT,
        PRIMARY KEY (workshop, seq)
    );
    CREATE TABLE IF NOT EXISTS credentials (
        participant_token TEXT PRIMARY KEY,
        workshop TEXT NOT NULL,
        sum BIGINT
    );
    CREATE INDEX IF NOT EXISTS credentials_by_workshop ON credentials (workshop);
    CREATE TABLE IF NOT EXISTS receipts (
        workshop TEXT NOT NULL,
        participant TEXT NOT NULL,
        command BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (workshop, participant, command)
    );
    CREATE TABLE IF NOT EXISTS leases (
        workshop TEXT PRIMARY KEY,
        node TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        expires TIMESTAMPTZ NOT NULL
    );
";

/// The advisory lock taken while the schema is made or checked.
const SCHEMA_LOCK: i64 = 0x0041_7465_6c69_6572; // "Atelier"

/// Takes a workshop's lease for `$2` unless another node holds it unexpired (or the
/// workshop is gone: no lease outlives its workshop); returns the new epoch, or no
/// row. Epochs only grow: a released lease keeps its row, with no node.
const TAKE: &str = "
    INSERT INTO leases (workshop, node, epoch, expires)
    SELECT $1, $2, 1, now() + make_interval(secs => $3)
    WHERE EXISTS (SELECT 1 FROM workshops WHERE id = $1)
    ON CONFLICT (workshop) DO UPDATE
        SET node = EXCLUDED.node, epoch = leases.epoch + 1, expires = EXCLUDED.expires
        WHERE leases.node = EXCLUDED.node OR leases.expires < now()
    RETURNING epoch";

/// Gives a lease back: no node holds it, and it has expired, so any node may take
/// it at once (and no heartbeat renews it).
const RELEASE: &str = "
    UPDATE leases SET node = '', expires = now() - interval '1 second'
    WHERE workshop = $1 AND node = $2 AND ($3::BIGINT IS NULL OR epoch = $3)";

/// Everything stored about one workshop.
const DELETE_WORKSHOP: [&str; 5] = [
    "DELETE FROM workshops WHERE id = $1",
    "DELETE FROM events WHERE workshop = $1",
    "DELETE FROM credentials WHERE workshop = $1",
    "DELETE FROM receipts WHERE workshop = $1",
    "DELETE FROM leases WHERE workshop = $1",
];

/// How a node takes and keeps its workshops.
#[derive(Clone, Debug)]
pub struct Leases {
    /// This node's name; unique among the nodes sharing a database.
    pub node: String,
    /// How long a lease lasts without renewal: how long a lost node's workshops
    /// wait before another node may take them.
    pub ttl: Duration,
}

impl Default for Leases {
    fn default() -> Self {
        Leases {
            node: default_node(),
            ttl: Duration::from_secs(5),
        }
    }
}

/// The host's name, or `atelier` where it cannot be read.
pub fn default_node() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "atelier".into())
}

/// The store on a PostgreSQL server.
pub struct PgStore {
    client: Client,
    url: String,
    /// The URL as logs and errors show it: without its password.
    shown: String,
    leases: Leases,
    /// The epoch of every lease this node holds.
    held: HashMap<WorkshopId, i64>,
    heartbeat: Heartbeat,
    /// Workshops other nodes ask this one to hand over, until the hub takes them.
    handovers: Option<tokio::sync::mpsc::UnboundedReceiver<WorkshopId>>,
    /// Whether the last renewal of the leases reached the database.
    reachable: Arc<AtomicBool>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.shown)
            .field("node", &self.leases.node)
            .field("held", &self.held.len())
            .finish()
    }
}

/// `url` without the password it may carry.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Whether `error` says the database cannot be reached (try again later), rather
/// than that it refused what was asked.
fn unreachable(error: &::postgres::Error) -> bool {
    error.is_closed()
        || error.code().is_none()
        || error.code().is_some_and(|code| {
            code.code().starts_with("08") // connection exceptions
                || code.code().starts_with("57") // operator intervention: shutting down
                || code.code().starts_with("53") // insufficient resources: disk full
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::LOCK_NOT_AVAILABLE
                || *code == SqlState::READ_ONLY_SQL_TRANSACTION
        })
}

/// What the database said, not only "db error".
fn said(error: &::postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => error.to_string(),
    }
}

/// A write error as the committer needs it: transient or the batch's fault.
fn classify(error: ::postgres::Error) -> StoreError {
    if unreachable(&error) {
        StoreError::Unavailable(said(&error))
    } else {
        StoreError::Refused(said(&error))
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host/db`), makes
    /// or checks its tables, and starts renewing this node's leases.
    pub fn open(url: &str, leases: Leases) -> Result<PgStore, StoreError> {
        let shown = without_password(url);
        let open_error = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        if leases.node.trim().is_empty() {
            return Err(open_error("a node needs a name (--node)".into()));
        }
        let mut client = Client::connect(url, NoTls).map_err(|e| open_error(connect_advice(&e)))?;
        let mut schema = client.transaction().map_err(|e| open_error(said(&e)))?;
        schema
            .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(|e| open_error(said(&e)))?;
        schema.batch_execute(SCHEMA).map_err(|e| open_error(said(&e)))?;
        schema
            .execute(
                "INSERT INTO atelier_meta (key, value) VALUES ('version', $1) ON CONFLICT (key) DO NOTHING",
                &[&VERSION.to_string()],
            )
            .map_err(|e| open_error(said(&e)))?;
        let version: String = schema
            .query_one("SELECT value FROM atelier_meta WHERE key = 'version'", &[])
            .map_err(|e| open_error(said(&e)))?
            .get(0);
        if version.parse::<i64>().map_or(true, |v| v > VERSION) {
            return Err(open_error(format!(
                "its schema is version {version}, newer than this Atelier's ({VERSION}): run the newer Atelier"
            )));
        }
        schema.commit().map_err(|e| open_error(said(&e)))?;
        // Leases an earlier process of this node left (it was killed): this process
        // serves none of them yet, so each is free for whichever node is asked.
        let live: usize = client
            .query(
                "WITH old AS (SELECT workshop, expires > now() AS live FROM leases WHERE node = $1 FOR UPDATE) \
                 UPDATE leases SET node = '', expires = now() - interval '1 second' FROM old \
                 WHERE leases.workshop = old.workshop RETURNING old.live",
                &[&leases.node],
            )
            .map_err(|e| open_error(said(&e)))?
            .iter()
            .filter(|row| row.get::<_, bool>(0))
            .count();
        if live > 0 {
            // Expected after this node was killed; otherwise two processes share a
            // name and take workshops from each other (safely: writes are fenced).
            tracing::warn!(
                workshops = live,
                node = %leases.node,
                "leases under this node's name were still running: handed back. If another process \
                 runs as this node (two nodes on one host without --node?), give each its own --node"
            );
        }
        let (asked, handovers) = tokio::sync::mpsc::unbounded_channel();
        let reachable = Arc::new(AtomicBool::new(true));
        let heartbeat = Heartbeat::start(url, &leases, asked, Arc::clone(&reachable))
            .map_err(|e| open_error(connect_advice(&e)))?;
        Ok(PgStore {
            client,
            url: url.to_owned(),
            shown,
            leases,
            held: HashMap::new(),
            heartbeat,
            handovers: Some(handovers),
            reachable,
        })
    }

    /// The key organiser links are derived from, shared by every node: made by the
    /// first node that asks, read by the others.
    pub fn server_key(&mut self) -> Result<ServerKey, StoreError> {
        let fresh = ServerKey::ephemeral().to_hex();
        let open_error = |reason: String| StoreError::Open {
            path: self.shown.clone(),
            reason,
        };
        self.client
            .execute(
                "INSERT INTO atelier_meta (key, value) VALUES ('server_key', $1) ON CONFLICT (key) DO NOTHING",
                &[&fresh],
            )
            .map_err(|e| open_error(said(&e)))?;
        let kept: String = self
            .client
            .query_one("SELECT value FROM atelier_meta WHERE key = 'server_key'", &[])
            .map_err(|e| open_error(said(&e)))?
            .get(0);
        ServerKey::from_hex(&kept).ok_or_else(|| StoreError::Corrupt {
            path: self.shown.clone(),
            reason: "the server key in atelier_meta is not 64 hex digits".into(),
        })
    }

    /// The workshops other nodes ask this one to hand over (once: the hub takes it).
    pub fn handovers(&mut self) -> Option<tokio::sync::mpsc::UnboundedReceiver<WorkshopId>> {
        self.handovers.take()
    }

    /// Whether the database answered the last renewal of this node's leases: a node
    /// that cannot reach it says so in its health check, so that the proxy sends
    /// its people to a node that can.
    pub fn reachable(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.reachable)
    }

    /// This node's name.
    pub fn node(&self) -> &str {
        &self.leases.node
    }

    /// Takes the lease of `workshop` for this node; `false` if another node holds it.
    fn take(&mut self, workshop: WorkshopId) -> Result<bool, ::postgres::Error> {
        let ttl = self.leases.ttl.as_secs_f64();
        let row = self
            .client
            .query_opt(TAKE, &[&workshop.to_string(), &self.leases.node, &ttl])?;
        match row {
            Some(row) => {
                self.held.insert(workshop, row.get(0));
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Reconnects after the database went away (a restart, a failover); the next
    /// write is tried on the new connection.
    fn reconnect(&mut self) -> Result<(), StoreError> {
        if !self.client.is_closed() {
            return Ok(());
        }
        self.client =
            Client::connect(&self.url, NoTls).map_err(|e| StoreError::Unavailable(connect_advice(&e)))?;
        tracing::info!(store = %self.shown, "reconnected to the database");
        Ok(())
    }

    /// Reads one workshop whose lease this node holds: its creation replayed with
    /// its events, its credentials and its receipts.
    fn read(&mut self, id: WorkshopId) -> Result<(Workshop, Vec<Stored>, Receipts), StoreError> {
        let shown = self.shown.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            path: shown.clone(),
            reason,
        };
        let key = id.to_string();
        let row = self
            .client
            .query_one("SELECT created, sum FROM workshops WHERE id = $1", &[&key])
            .map_err(|e| corrupt(e.to_string()))?;
        let workshop = created_row(&key, row.get(0), row.get(1)).map_err(corrupt)?;
        let events = self
            .client
            .query(
                "SELECT seq, event, sum FROM events WHERE workshop = $1 ORDER BY seq",
                &[&key],
            )
            .map_err(|e| corrupt(e.to_string()))?
            .into_iter()
            .map(|row| event_row(&key, row.get(0), row.get(1), row.get(2)).map_err(corrupt))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let workshop = replay(workshop, events, &self.shown)?;
        let mut credentials = Vec::new();
        for row in self
            .client
            .query(
                "SELECT participant_token, sum FROM credentials WHERE workshop = $1",
                &[&key],
            )
            .map_err(|e| corrupt(e.to_string()))?
        {
            credentials.extend(credential_row(row.get(0), &key, row.get(1)).map_err(corrupt)?);
        }
        let mut receipts = Receipts::default();
        for row in self
            .client
            .query(
                "SELECT participant, command FROM receipts WHERE workshop = $1 ORDER BY seq, command",
                &[&key],
            )
            .map_err(|e| corrupt(e.to_string()))?
        {
            let (participant, command): (String, i64) = (row.get(0), row.get(1));
            let participant: ParticipantId = participant
                .parse()
                .map_err(|_| corrupt(format!("participant id {participant}")))?;
            receipts.insert(CommandKey {
                participant,
                id: command.cast_unsigned(),
            });
        }
        Ok((workshop, credentials, receipts))
    }
}

/// What to do when the database cannot be reached.
fn connect_advice(error: &::postgres::Error) -> String {
    format!(
        "{}: check that PostgreSQL runs and that the URL (host, port, database, user, password) is right",
        said(error)
    )
}

/// Events and receipts gathered from a batch, as columns (the events' JSON
/// borrowed from the batch, not copied).
#[derive(Default)]
struct Appended<'a> {
    events: (Vec<String>, Vec<i64>, Vec<&'a str>, Vec<i64>),
    receipts: (Vec<String>, Vec<String>, Vec<i64>, Vec<i64>),
}

impl Appended<'_> {
    /// Writes what was gathered, in one statement per table, and empties it.
    fn write(&mut self, transaction: &mut ::postgres::Transaction<'_>) -> Result<(), StoreError> {
        let events = std::mem::take(&mut self.events);
        if !events.0.is_empty() {
            transaction
                .execute(
                    "INSERT INTO events (workshop, seq, event, sum) \
                     SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::BIGINT[])",
                    &[&events.0, &events.1, &events.2, &events.3],
                )
                .map_err(classify)?;
        }
        let receipts = std::mem::take(&mut self.receipts);
        if !receipts.0.is_empty() {
            // A client that reuses an id only makes its own command look re-sent: the
            // last of a batch's receipts with one key is kept.
            transaction
                .execute(
                    "INSERT INTO receipts (workshop, participant, command, seq) \
                     SELECT DISTINCT ON (w, p, c) w, p, c, s \
                     FROM unnest($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[]) AS r(w, p, c, s) \
                     ORDER BY w, p, c, s DESC \
                     ON CONFLICT (workshop, participant, command) DO UPDATE SET seq = EXCLUDED.seq",
                    &[&receipts.0, &receipts.1, &receipts.2, &receipts.3],
                )
                .map_err(classify)?;
        }
        Ok(())
    }
}

/// The workshops a batch writes to, other than those it creates.
fn touched(batch: &[Record]) -> BTreeSet<WorkshopId> {
    let created: BTreeSet<WorkshopId> = batch
        .iter()
        .filter_map(|record| match record {
            Record::Created { workshop } => Some(workshop.id),
            _ => None,
        })
        .collect();
    batch
        .iter()
        .filter_map(|record| match record {
            Record::Created { .. } => None,
            Record::Events { workshop, .. }
            | Record::Credential { workshop, .. }
            | Record::Deleted { workshop } => Some(*workshop),
        })
        .filter(|id| !created.contains(id))
        .collect()
}

impl Store for PgStore {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        self.reconnect()?;
        let fenced = touched(batch);
        let node = self.leases.node.clone();
        let ttl = self.leases.ttl.as_secs_f64();
        let mut transaction = self.client.transaction().map_err(classify)?;
        // The fence: every lease this batch writes under is still ours, and stays
        // ours (a takeover waits) until this transaction ends.
        if !fenced.is_empty() {
            let ids: Vec<String> = fenced.iter().map(ToString::to_string).collect();
            let rows = transaction
                .query(
                    "SELECT workshop, epoch FROM leases WHERE workshop = ANY($1) AND node = $2 FOR SHARE",
                    &[&ids, &node],
                )
                .map_err(classify)?;
            let current: HashMap<String, i64> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
            for id in &fenced {
                let ours = self.held.get(id);
                if ours.is_none() || current.get(&id.to_string()) != ours {
                    self.held.remove(id);
                    return Err(StoreError::NotOwner(*id));
                }
            }
        }
        // Events and receipts go in one statement each per batch (arrays unnested),
        // not one round trip per row: a batch is a handful of round trips.
        let mut appended = Appended::default();
        let mut taken = Vec::new();
        for record in batch {
            match record {
                Record::Created { workshop } => {
                    let (id, json, check) = created_fields(workshop)?;
                    transaction
                        .execute(
                            "INSERT INTO workshops (id, created, sum) VALUES ($1, $2, $3)",
                            &[&id, &json, &check],
                        )
                        .map_err(classify)?;
                    let epoch: i64 = transaction
                        .query_opt(TAKE, &[&id, &node, &ttl])
                        .map_err(classify)?
                        .ok_or(StoreError::NotOwner(workshop.id))?
                        .get(0);
                    taken.push((workshop.id, epoch));
                }
                Record::Events {
                    workshop,
                    first_seq,
                    events,
                    command,
                } => {
                    let first = i64::try_from(*first_seq)
                        .map_err(|e| StoreError::Refused(format!("sequence number {first_seq}: {e}")))?;
                    let id = workshop.to_string();
                    for (seq, json) in (first..).zip(events.iter()) {
                        appended.events.0.push(id.clone());
                        appended.events.1.push(seq);
                        appended.events.2.push(json.as_str());
                        appended.events.3.push(event_sum(&id, seq, json));
                    }
                    if let Some(key) = command {
                        appended.receipts.0.push(id);
                        appended.receipts.1.push(key.participant.to_string());
                        appended.receipts.2.push(key.id.cast_signed());
                        appended.receipts.3.push(first);
                    }
                }
                Record::Credential { workshop, credential } => {
                    let (stored, id, check) = credential_fields(*workshop, credential);
                    transaction
                        .execute(
                            "INSERT INTO credentials (participant_token, workshop, sum) VALUES ($1, $2, $3)",
                            &[&stored, &id, &check],
                        )
                        .map_err(classify)?;
                }
                Record::Deleted { workshop } => {
                    // What came before the deletion in this batch is written first.
                    appended.write(&mut transaction)?;
                    let id = workshop.to_string();
                    for sql in DELETE_WORKSHOP {
                        transaction.execute(sql, &[&id]).map_err(classify)?;
                    }
                }
            }
        }
        appended.write(&mut transaction)?;
        transaction.commit().map_err(classify)?;
        self.held.extend(taken);
        for record in batch {
            if let Record::Deleted { workshop } = record {
                self.held.remove(workshop);
            }
        }
        Ok(())
    }

    /// Nothing: with a store shared by several nodes, each workshop is acquired by
    /// the node the proxy sends it to, when it is first asked for.
    fn load(&mut self) -> Result<Loaded, StoreError> {
        Ok(Loaded::default())
    }

    fn acquire(&mut self, id: WorkshopId, ask: bool) -> Result<Acquired, StoreError> {
        self.reconnect()?;
        let key = id.to_string();
        if !self.take(id).map_err(classify)? {
            let exists = self
                .client
                .query_opt("SELECT 1 FROM workshops WHERE id = $1", &[&key])
                .map_err(classify)?
                .is_some();
            if !exists {
                return Ok(Acquired::Absent);
            }
            if ask {
                // Its owner hands it over between two of its writes (see `Heartbeat`).
                self.client
                    .execute("SELECT pg_notify('atelier_handover', $1)", &[&key])
                    .map_err(classify)?;
            }
            return Ok(Acquired::Elsewhere);
        }
        let read = self.read(id);
        if read.is_err() {
            let _ = self.release(id);
        }
        Ok(Acquired::Here(Box::new(read?)))
    }

    fn release(&mut self, id: WorkshopId) -> Result<(), StoreError> {
        self.reconnect()?;
        // Held here, or left by an earlier process under this node's name.
        let epoch = self.held.remove(&id);
        self.client
            .execute(RELEASE, &[&id.to_string(), &self.leases.node, &epoch])
            .map_err(classify)?;
        Ok(())
    }

    fn peek(&mut self, id: WorkshopId) -> Result<Option<Workshop>, StoreError> {
        self.reconnect()?;
        let exists = self
            .client
            .query_opt("SELECT 1 FROM workshops WHERE id = $1", &[&id.to_string()])
            .map_err(classify)?
            .is_some();
        if !exists {
            return Ok(None);
        }
        Ok(Some(self.read(id)?.0))
    }

    fn campaign(&mut self, campaign: CampaignId) -> Result<Vec<Workshop>, StoreError> {
        self.reconnect()?;
        let ids: Vec<String> = self
            .client
            .query(
                "SELECT id FROM workshops WHERE created::json ->> 'campaign' = $1 ORDER BY position",
                &[&campaign.to_string()],
            )
            .map_err(classify)?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut workshops = Vec::with_capacity(ids.len());
        for id in ids {
            let Ok(id) = id.parse() else { continue };
            // Each is whole as far as it goes: events only ever follow on, and the
            // replay stops at the last one it reads.
            workshops.push(self.read(id)?.0);
        }
        Ok(workshops)
    }

    fn locate(&mut self, key: &Locate) -> Result<Option<WorkshopId>, StoreError> {
        self.reconnect()?;
        let row = match key {
            Locate::Code(code) => self.client.query_opt(
                "SELECT id FROM workshops WHERE created::json ->> 'code' = $1",
                &[&code.to_string()],
            ),
            Locate::Credential(stored) => self.client.query_opt(
                "SELECT workshop FROM credentials WHERE participant_token = $1",
                &[stored],
            ),
        }
        .map_err(classify)?;
        Ok(row.and_then(|row| row.get::<_, String>(0).parse().ok()))
    }
}

impl Drop for PgStore {
    /// Gives back every lease at once: another node may serve these workshops now
    /// rather than when the leases expire.
    fn drop(&mut self) {
        self.heartbeat.stop();
        if self.client.is_closed() {
            return;
        }
        let ids: Vec<String> = self.held.keys().map(ToString::to_string).collect();
        let released = self.client.execute(
            "UPDATE leases SET node = '', expires = now() - interval '1 second' WHERE workshop = ANY($1) AND node = $2",
            &[&ids, &self.leases.node],
        );
        match released {
            Ok(count) => tracing::info!(workshops = count, "leases handed back"),
            Err(error) => {
                tracing::warn!("the leases could not be handed back ({error}); they expire by themselves")
            }
        }
    }
}

/// The thread that renews this node's leases, on its own connection.
struct Heartbeat {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Heartbeat {
    /// Renews the leases every third of their length, and between renewals
    /// listens for other nodes asking for one of this node's workshops.
    fn start(
        url: &str,
        leases: &Leases,
        asked: tokio::sync::mpsc::UnboundedSender<WorkshopId>,
        reachable: Arc<AtomicBool>,
    ) -> Result<Heartbeat, ::postgres::Error> {
        let connect = |url: &str| -> Result<Client, ::postgres::Error> {
            let mut client = Client::connect(url, NoTls)?;
            client.batch_execute("LISTEN atelier_handover")?;
            Ok(client)
        };
        let mut client = connect(url)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let (url, node, ttl) = (url.to_owned(), leases.node.clone(), leases.ttl);
        let period = ttl / 3;
        let thread = thread::Builder::new()
            .name("atelier-leases".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    if client.is_closed()
                        && let Ok(fresh) = connect(&url)
                    {
                        client = fresh;
                    }
                    let renewed = client.execute(
                        "UPDATE leases SET expires = now() + make_interval(secs => $2) WHERE node = $1",
                        &[&node, &ttl.as_secs_f64()],
                    );
                    // Said once when renewals stop, once when they come back.
                    let was = reachable.swap(renewed.is_ok(), Ordering::Relaxed);
                    match renewed {
                        Ok(_) if !was => tracing::info!("leases renewed again"),
                        Err(error) if was => tracing::error!(
                            "this node's leases cannot be renewed ({error}): once they expire, other nodes may take its workshops, and its writes to them are refused"
                        ),
                        _ => {}
                    }
                    // Until the next renewal, in short waits so that stopping is
                    // prompt: requests for workshops (any node's: each keeps its own).
                    let started = std::time::Instant::now();
                    while started.elapsed() < period && !stopped.load(Ordering::Relaxed) {
                        if client.is_closed() {
                            thread::sleep(Duration::from_millis(50));
                            continue;
                        }
                        let wait = Duration::from_millis(50).min(period.saturating_sub(started.elapsed()));
                        let mut notifications = client.notifications();
                        let mut heard = notifications.timeout_iter(wait);
                        while let Ok(Some(notification)) = heard.next() {
                            if let Ok(id) = notification.payload().parse() {
                                let _ = asked.send(id);
                            }
                        }
                    }
                }
            })
            .expect("spawn the lease heartbeat thread");
        Ok(Heartbeat {
            stop,
            thread: Some(thread),
        })
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
