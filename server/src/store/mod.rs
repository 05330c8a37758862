//! Durable storage: each workshop as created, then every event applied to it, in
//! order. Replaying the events on the created workshop rebuilds it exactly (the same
//! `apply_event` the actors and the browsers run).
//!
//! - [`Store`]: what any backend offers: write a batch atomically and durably, load
//!   everything back. A deployment that outgrows one machine implements it on a
//!   database server.
//! - [`sqlite`]: the embedded default, one file in the data directory; `schema` its
//!   tables and upgrades, `sqlite_errors` its errors as advice, `wal` the checks of
//!   its log on opening.
//! - [`postgres`]: the store on a PostgreSQL server, for several nodes: the same
//!   tables, and a lease per workshop that fences every write (one owner each).
//! - [`backup`]: `atelier backup` (a consistent copy while the server runs) and
//!   `atelier restore`.
//! - [`Committer`]: group commit. Writers hand in their records and wait; one thread
//!   writes everything that arrived meanwhile in one transaction, so durability costs
//!   one disk flush per batch, not one per command.
//!
//! The hub writes each workshop as created and each credential it issues; each
//! workshop's actor writes its events, and answers no command before they are
//! written (see `workshop::actor`).

pub mod backup;
pub mod postgres;
mod schema;
pub mod sqlite;
mod sqlite_errors;
mod wal;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use atelier_shared::{CampaignId, Event, JoinCode, ParticipantId, Workshop, WorkshopId};
use thiserror::Error;

use crate::metrics::METRICS;
use crate::secret::Stored;
use tokio::sync::oneshot;

/// One thing to make durable.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// A new workshop, as `machine::create` made it (no event applied yet).
    Created { workshop: Box<Workshop> },
    /// Events applied to a workshop, each as `protocol::event_json` wrote it (the
    /// actor serialises an event once, for the store and the wire); the first has
    /// sequence number `first_seq` (the workshop's `seq` after applying it).
    /// `command` is the participant's command that made them, when it came with an
    /// id: its receipt. A command accepted with nothing to change leaves its receipt
    /// alone: no events, `first_seq` the one it would have had. Shared, so that the
    /// writer can keep them for a retry without copying them.
    Events {
        workshop: WorkshopId,
        first_seq: u64,
        events: Arc<[String]>,
        command: Option<CommandKey>,
    },
    /// A participant's credential, or an organiser key an earlier version issued:
    /// a digest, never a token.
    Credential {
        workshop: WorkshopId,
        credential: Stored,
    },
    /// The workshop is deleted by its lead: everything about it goes.
    Deleted { workshop: WorkshopId },
}

/// A command as its sender names it: their id, and the number they chose for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommandKey {
    pub participant: ParticipantId,
    pub id: u64,
}

/// Which commands each participant had accepted lately, by the id their client chose.
/// A command re-sent after a reconnection (because its acknowledgement was lost with
/// the connection, or with a crashed server) is acknowledged again, not applied twice.
///
/// A client numbers its commands one after another from a random start at each page
/// load, so the ids accepted for one participant form a few runs. They are kept as
/// runs (`first..=last`): however many commands a client re-sends at once, none is
/// forgotten while it is being re-sent. (Single ids, each evicting the oldest, made a
/// re-send of more than the window apply every command twice.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipts {
    by_participant: HashMap<ParticipantId, Vec<Run>>,
}

/// Ids `first..=last`, all accepted (but those in a gap joined when runs ran short).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    first: u64,
    last: u64,
}

impl Receipts {
    /// Runs kept per participant. A run ends where a command was refused, and at a
    /// page load.
    pub const KEPT: usize = 256;

    /// The widest gap joined when a participant's runs are all taken: refused commands
    /// in a row. Runs further apart (other page loads) are forgotten instead, the
    /// least lately extended first.
    pub const JOINED_GAP: u64 = 256;

    pub fn contains(&self, key: CommandKey) -> bool {
        self.by_participant.get(&key.participant).is_some_and(|runs| {
            runs.iter()
                .rev()
                .any(|run| (run.first..=run.last).contains(&key.id))
        })
    }

    /// Remembers `key`: it extends the run it follows, or starts one. With `KEPT` runs
    /// already, the two nearest are joined first if close enough (so re-sending many
    /// commands, some refused, cannot push out the runs being re-sent, one by one),
    /// or else the stalest run is forgotten.
    pub fn insert(&mut self, key: CommandKey) {
        let runs = self.by_participant.entry(key.participant).or_default();
        // Usually the latest run: the client's previous command.
        if let Some(at) = runs
            .iter()
            .rposition(|run| run.last.checked_add(1) == Some(key.id))
        {
            let mut run = runs.remove(at);
            run.last = key.id;
            runs.push(run);
            return;
        }
        if runs.len() >= Self::KEPT && !join_nearest(runs) {
            runs.remove(0);
        }
        runs.push(Run {
            first: key.id,
            last: key.id,
        });
    }
}

/// Joins the two runs with the narrowest gap between them, if at most
/// [`Receipts::JOINED_GAP`]; the joined run takes the later one's place.
fn join_nearest(runs: &mut Vec<Run>) -> bool {
    let mut by_id: Vec<usize> = (0..runs.len()).collect();
    by_id.sort_by_key(|&i| runs[i].first);
    let nearest = by_id
        .windows(2)
        .filter(|pair| runs[pair[0]].last < runs[pair[1]].first)
        .min_by_key(|pair| runs[pair[1]].first - runs[pair[0]].last);
    let Some(&[low, high]) = nearest else {
        return false;
    };
    if runs[high].first - runs[low].last > Receipts::JOINED_GAP {
        return false;
    }
    let joined = Run {
        first: runs[low].first,
        last: runs[high].last,
    };
    let (stale, kept) = (low.min(high), low.max(high));
    runs[kept] = joined;
    runs.remove(stale);
    true
}

/// Everything a store holds, to rebuild the hub at start-up.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every workshop, rebuilt by replaying its events, in creation order.
    pub workshops: Vec<Workshop>,
    pub credentials: Vec<(WorkshopId, Stored)>,
    /// Each workshop's latest command receipts.
    pub receipts: HashMap<WorkshopId, Receipts>,
}

/// Why the store cannot do what was asked. Every variant says what to do next.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the store at {path} cannot be opened: {reason}")]
    Open { path: String, reason: String },
    #[error(
        "the store at {path} is damaged ({reason}); it was left untouched: stop, copy the data directory aside, and restore a backup"
    )]
    Corrupt { path: String, reason: String },
    #[error(
        "Atelier cannot write its store at {path} ({reason}): give the user that runs it write access to that directory and its files, or choose another --data-dir; nothing was changed"
    )]
    Unwritable { path: String, reason: String },
    #[error(
        "the disk holding the store at {path} is full ({reason}): free some space and start again; nothing was changed"
    )]
    Full { path: String, reason: String },
    #[error(
        "the store at {path} is in use by another process (another Atelier on the same --data-dir?): stop it first, or choose another --data-dir"
    )]
    InUse { path: String },
    /// The store cannot write anything now (a full disk, an I/O error, a read-only
    /// file, a lock held too long): what was submitted may be written once it can.
    #[error("the store cannot write for now ({0}); writes resume by themselves once it can")]
    Unavailable(String),
    /// These records can never be written (they break the store's own rules): the
    /// fault of whoever submitted them, and of no one else.
    #[error("the store refused a write: {0}")]
    Refused(String),
    #[error("the store's writer has stopped")]
    Stopped,
    /// Another node took over this workshop (this one stalled past its lease):
    /// its writes are refused, and this node stops serving it.
    #[error("workshop {0} is served by another node now; this node stops serving it")]
    NotOwner(WorkshopId),
}

impl StoreError {
    /// Whether trying the same write again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

/// A storage backend. Implementations must make `write` atomic (all of the batch or
/// none of it) and durable before returning, and tell a write that failed because of
/// what it holds ([`StoreError::Refused`]) from one the store could not do at all
/// ([`StoreError::Unavailable`]).
pub trait Store: Send + fmt::Debug + 'static {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError>;
    /// What this node serves from the start. A store shared by several nodes gives
    /// nothing here: each workshop is [acquired](Store::acquire) when asked for.
    fn load(&mut self) -> Result<Loaded, StoreError>;

    /// Takes workshop `id` for this node and reads it back; if another node serves
    /// it, and `ask`, asks that node to hand it over. A store that
    /// [`load`](Store::load)s everything never has more to give.
    fn acquire(&mut self, _id: WorkshopId, _ask: bool) -> Result<Acquired, StoreError> {
        Ok(Acquired::Absent)
    }

    /// Workshop `id` as last written, whichever node serves it (nothing is taken).
    fn peek(&mut self, _id: WorkshopId) -> Result<Option<Workshop>, StoreError> {
        Ok(None)
    }

    /// Gives workshop `id` back: another node may take it at once.
    fn release(&mut self, _id: WorkshopId) -> Result<(), StoreError> {
        Ok(())
    }

    /// The workshop a join code or a credential belongs to, among those this node
    /// does not serve.
    fn locate(&mut self, _key: &Locate) -> Result<Option<WorkshopId>, StoreError> {
        Ok(None)
    }

    /// The workshops of `campaign` as they were last written, whichever node serves
    /// them (for the campaign's reports; nothing is taken).
    fn campaign(&mut self, _campaign: CampaignId) -> Result<Vec<Workshop>, StoreError> {
        Ok(Vec::new())
    }
}

/// A workshop asked of a shared store.
#[derive(Debug)]
pub enum Acquired {
    /// Taken for this node: the workshop, its credentials and its receipts.
    Here(Box<(Workshop, Vec<Stored>, Receipts)>),
    /// Another node serves it (and was asked to hand it over, if asked to ask).
    Elsewhere,
    /// No such workshop.
    Absent,
}

/// What a workshop is looked up by.
#[derive(Debug)]
pub enum Locate {
    Code(JoinCode),
    /// A credential as stored ([`Stored::to_text`]).
    Credential(String),
}

/// A workshop as created, as both backends store it: its id, its JSON, and the
/// checksum of the two.
pub(crate) fn created_fields(workshop: &Workshop) -> Result<(String, String, i64), StoreError> {
    let json = serde_json::to_string(workshop).map_err(|e| StoreError::Refused(e.to_string()))?;
    let id = workshop.id.to_string();
    let check = sqlite::sum(&[id.as_bytes(), json.as_bytes()]);
    Ok((id, json, check))
}

/// The checksum an event of workshop `id` is stored with.
pub(crate) fn event_sum(id: &str, seq: i64, json: &str) -> i64 {
    sqlite::sum(&[id.as_bytes(), seq.to_string().as_bytes(), json.as_bytes()])
}

/// A credential as both backends store it: its text, its workshop, their checksum.
pub(crate) fn credential_fields(workshop: WorkshopId, credential: &Stored) -> (String, String, i64) {
    let stored = credential.to_text();
    let id = workshop.to_string();
    let check = sqlite::sum(&[stored.as_bytes(), id.as_bytes()]);
    (stored, id, check)
}

/// A stored workshop as created, checked against its checksum (rows from before
/// checksums have none) and read; `Err`: how the store is damaged.
pub(crate) fn created_row(id: &str, json: &str, check: Option<i64>) -> Result<Workshop, String> {
    if check.is_some_and(|check| check != sqlite::sum(&[id.as_bytes(), json.as_bytes()])) {
        return Err(format!(
            "workshop {id} was changed on disk (its checksum differs)"
        ));
    }
    serde_json::from_str(json).map_err(|e| format!("workshop {id}: {e}"))
}

/// A stored event of workshop `id`, checked and read, with its sequence number.
pub(crate) fn event_row(id: &str, seq: i64, json: &str, check: Option<i64>) -> Result<(u64, Event), String> {
    if check.is_some_and(|check| check != event_sum(id, seq, json)) {
        return Err(format!(
            "workshop {id}, event {seq} was changed on disk (its checksum differs)"
        ));
    }
    let event = decode_event(id, seq, json)?;
    let seq = u64::try_from(seq).map_err(|e| format!("workshop {id}, event {seq}: {e}"))?;
    Ok((seq, event))
}

/// An event as stored (the protocol's JSON), read; `Err`: how the store is damaged.
pub(crate) fn decode_event(
    workshop: impl fmt::Display,
    seq: impl fmt::Display,
    json: &str,
) -> Result<Event, String> {
    serde_json::from_str(json).map_err(|e| format!("workshop {workshop}, event {seq}: {e}"))
}

/// A stored credential of workshop `id`, checked; `None` (and a warning) for a form
/// this version does not know.
pub(crate) fn credential_row(token: &str, id: &str, check: Option<i64>) -> Result<Option<Stored>, String> {
    if check.is_some_and(|check| check != sqlite::sum(&[token.as_bytes(), id.as_bytes()])) {
        return Err(format!(
            "a credential of workshop {id} was changed on disk (its checksum differs)"
        ));
    }
    let parsed = Stored::parse(token);
    if parsed.is_none() {
        tracing::warn!(workshop = %id, "a stored credential of an unknown form is ignored");
    }
    Ok(parsed)
}

/// Rebuilds a workshop from its creation and its events, checking they follow on.
pub fn replay(
    mut workshop: Workshop,
    events: impl IntoIterator<Item = (u64, Event)>,
    path: &str,
) -> Result<Workshop, StoreError> {
    for (seq, event) in events {
        if seq != workshop.seq + 1 {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                reason: format!(
                    "workshop {}: event {seq} follows event {}",
                    workshop.id, workshop.seq
                ),
            });
        }
        workshop.apply_event(&event);
        workshop.seq = seq;
    }
    Ok(workshop)
}

type Waiter = oneshot::Sender<Result<(), Arc<StoreError>>>;

/// Group commit in front of a [`Store`]: one writer thread, fed by a channel.
///
/// Submissions come from different workshops and share a transaction only to share
/// its disk flush: when a shared transaction fails, each submission is written again
/// on its own, so one workshop's unwritable records never fail another's.
#[derive(Debug, Clone)]
pub struct Committer {
    queue: mpsc::Sender<Job>,
    stats: Arc<CommitStats>,
}

/// Logs a failed write, and the first success after an outage (not every retry).
fn report(outcome: &Result<(), StoreError>, failing: &mut bool) {
    match outcome {
        Err(error) if error.is_transient() => {
            if !std::mem::replace(failing, true) {
                tracing::error!("{error}");
            }
        }
        Err(error) => tracing::error!("{error}"),
        Ok(()) => {
            if std::mem::replace(failing, false) {
                tracing::info!("the store writes again");
            }
        }
    }
}

/// How much group commit saved: batches written versus submissions.
#[derive(Debug, Default)]
pub struct CommitStats {
    pub submissions: AtomicU64,
    pub transactions: AtomicU64,
}

/// A question put to the store between two writes (`Committer::ask`).
type Question = Box<dyn FnOnce(&mut dyn Store) + Send>;

/// What the writer thread is asked to do.
enum Job {
    Write(Vec<Record>, Waiter),
    Ask(Question),
    /// Write what came before, close the store (its lock is released), then answer.
    Close(mpsc::Sender<()>),
}

/// Submissions written together at most, so that one batch's latency stays bounded.
const MAX_GROUP: usize = 512;

impl Committer {
    /// Starts the writer thread; it stops when every `Committer` clone is dropped.
    pub fn start(mut store: impl Store) -> Committer {
        let (queue, inbox) = mpsc::channel::<Job>();
        let stats = Arc::new(CommitStats::default());
        let counted = Arc::clone(&stats);
        thread::Builder::new()
            .name("atelier-store".into())
            .spawn(move || {
                // Block for the first submission, then take whatever else has queued
                // up while the previous transaction was being flushed.
                let mut failing = false;
                let mut closing = None;
                while let Ok(first) = inbox.recv() {
                    let (mut batch, first) = match first {
                        Job::Write(records, waiter) => (records, waiter),
                        Job::Ask(question) => {
                            question(&mut store);
                            continue;
                        }
                        Job::Close(done) => {
                            closing = Some(done);
                            break;
                        }
                    };
                    let mut waiters = vec![(0..batch.len(), first)];
                    // A question that arrives during the gathering is answered after
                    // the batch, in the order it was asked.
                    let mut asked = None;
                    while waiters.len() < MAX_GROUP && closing.is_none() && asked.is_none() {
                        match inbox.try_recv() {
                            Ok(Job::Write(records, waiter)) => {
                                let start = batch.len();
                                batch.extend(records);
                                waiters.push((start..batch.len(), waiter));
                            }
                            Ok(Job::Ask(question)) => asked = Some(question),
                            Ok(Job::Close(done)) => closing = Some(done),
                            Err(_) => break,
                        }
                    }
                    counted.transactions.fetch_add(1, Ordering::Relaxed);
                    let started = Instant::now();
                    let outcome = store.write(&batch);
                    if outcome.is_ok() {
                        METRICS.committed(batch.len(), started.elapsed());
                    }
                    if outcome.is_ok() || waiters.len() == 1 {
                        report(&outcome, &mut failing);
                        let outcome = outcome.map_err(Arc::new);
                        for (_, waiter) in waiters {
                            let _ = waiter.send(outcome.clone());
                        }
                    } else {
                        // Someone's records broke the shared transaction: each on its own.
                        for (records, waiter) in waiters {
                            counted.transactions.fetch_add(1, Ordering::Relaxed);
                            let outcome = store.write(&batch[records]);
                            report(&outcome, &mut failing);
                            let _ = waiter.send(outcome.map_err(Arc::new));
                        }
                    }
                    if let Some(question) = asked {
                        question(&mut store);
                    }
                    if closing.is_some() {
                        break;
                    }
                }
                // Whatever is still queued is answered `Stopped` as the inbox drops.
                drop(inbox);
                drop(store);
                if let Some(done) = closing {
                    let _ = done.send(());
                }
            })
            .expect("spawn the store's writer thread");
        Committer { queue, stats }
    }

    /// Hands `records` to the writer; the answer comes once they are on disk.
    pub fn submit(&self, records: Vec<Record>) -> oneshot::Receiver<Result<(), Arc<StoreError>>> {
        let (reply, answer) = oneshot::channel();
        self.stats.submissions.fetch_add(1, Ordering::Relaxed);
        if let Err(mpsc::SendError(Job::Write(_, reply))) = self.queue.send(Job::Write(records, reply)) {
            let _ = reply.send(Err(Arc::new(StoreError::Stopped)));
        }
        answer
    }

    /// Writes `records` and waits until they are durable.
    pub async fn commit(&self, records: Vec<Record>) -> Result<(), Arc<StoreError>> {
        self.submit(records)
            .await
            .unwrap_or_else(|_| Err(Arc::new(StoreError::Stopped)))
    }

    /// Runs `question` on the store's thread, after what was submitted before; the
    /// answer is `Stopped` if the writer has stopped.
    pub async fn ask<T: Send + 'static>(
        &self,
        question: impl FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, Arc<StoreError>> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Ask(Box::new(move |store| {
            let _ = reply.send(question(store));
        }));
        if self.queue.send(job).is_err() {
            return Err(Arc::new(StoreError::Stopped));
        }
        match answer.await {
            Ok(outcome) => outcome.map_err(Arc::new),
            Err(_) => Err(Arc::new(StoreError::Stopped)),
        }
    }

    /// Writes what was submitted before, then closes the store and releases its
    /// lock: another process (or a restarted hub) may open it once this returns.
    /// Later submissions are answered `Stopped`.
    pub fn close(&self) {
        let (done, closed) = mpsc::channel();
        if self.queue.send(Job::Close(done)).is_ok() {
            let _ = closed.recv();
        }
    }

    pub fn stats(&self) -> &CommitStats {
        &self.stats
    }
}

#[cfg(test)]
mod integrity_tests;
#[cfg(test)]
pub(crate) mod tests;
