//! The task that owns one workshop: applies commands in order, then hands each
//! event to its audience ([`super::fanout`]), which sends it to the connections
//! allowed to see it. The actor wakes itself when the timer runs out.
//!
//! With a store, a command's events reach the room as soon as it is applied (its
//! author's connection gets an `applied` right after them), and its author's `ack`
//! once they are durable: the room never waits for the disk, and nobody is told
//! "done" before it is. The actor never waits for the disk
//! either: while one write is in flight it goes on applying commands, and writes
//! everything they made in one go when that write ends (the store groups the
//! writes of every workshop). Answers go out in order. If the process dies before
//! a write ends, the room may have seen events that are not stored: nobody was
//! answered for them, so their authors' clients send them again, and every client
//! reconnects to a fresh `welcome` that replaces what it held.
//!
//! A participant's command that was applied leaves a receipt (its client-chosen id,
//! stored with its events): the same command re-sent after a reconnection is
//! acknowledged without being applied again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use atelier_shared::machine::decide;
use atelier_shared::model::{Field, TimerState};
use atelier_shared::protocol::{ErrorCode, ServerMsg, event_json};
use atelier_shared::{Actor, Command, Event, NoteId, ParticipantId, Rejection, Workshop, WorkshopId, apply};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::{debug, info};

use super::fanout::{Audience, whole_frame};
use super::outbox::Kind;
use super::pacing::NotePaces;
use super::{Inspection, Reply, Request, WorkshopHandle};
use crate::clock;
use crate::config::Limits;
use crate::metrics::METRICS;
use crate::store::{CommandKey, Committer, Receipts, Record, StoreError};

/// Starts the actor of `workshop` and returns its address.
pub fn spawn(
    workshop: Workshop,
    receipts: Receipts,
    limits: &Limits,
    store: Option<Committer>,
) -> WorkshopHandle {
    let inbox_capacity = limits.inbox_requests;
    let (inbox, requests) = mpsc::channel(inbox_capacity);
    let id = workshop.id;
    let campaign = workshop.campaign;
    let title = workshop.title.as_str().into();
    let actor = WorkshopActor {
        workshop,
        audience: Audience::default(),
        receipts,
        store,
        next: Unwritten::default(),
        writing: None,
        note_paces: NotePaces::new(limits.notes),
    };
    tokio::spawn(actor.run(requests));
    WorkshopHandle {
        id,
        campaign,
        title,
        inbox,
    }
}

struct WorkshopActor {
    workshop: Workshop,
    /// The connections receiving this workshop's events.
    audience: Audience,
    /// The latest commands applied, per participant.
    receipts: Receipts,
    store: Option<Committer>,
    /// Commands applied (and published) since the write in flight began: written
    /// together when it ends.
    next: Unwritten,
    /// The write in flight, and the answers that wait for it.
    writing: Option<Writing>,
    /// How fast one person may post notes, all their connections together.
    note_paces: NotePaces,
}

/// Applied commands whose events are not written yet.
#[derive(Default)]
struct Unwritten {
    records: Vec<Record>,
    /// In the order the commands were applied, with or without events.
    answers: Vec<Answer>,
}

/// One write of the store, in flight.
struct Writing {
    done: Pin<Box<dyn Future<Output = Result<(), Arc<StoreError>>> + Send>>,
    answers: Vec<Answer>,
}

/// What to tell whoever sent a command, once its events are durable.
struct Answer {
    reply: Option<Reply>,
    outcome: Result<Vec<Event>, Rejection>,
    /// The workshop's sequence number after the command.
    seq: u64,
}

/// Requests taken from the inbox at once: amortises wake-ups under load.
const BATCH: usize = 64;

/// Applied commands waiting for the write in flight at most: past this, the actor
/// stops taking requests until the store catches up, and its full inbox slows the
/// connections that send (the disk is then the limit, and nobody is cut off).
const UNWRITTEN_AT_MOST: usize = 8192;

impl WorkshopActor {
    async fn run(mut self, mut requests: mpsc::Receiver<Request>) {
        let id = self.workshop.id;
        info!(workshop = %id, "workshop actor started");
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let deadline = self.timer_deadline();
            let taking = self.next.answers.len() < UNWRITTEN_AT_MOST;
            let healthy = tokio::select! {
                written = written(&mut self.writing) => self.written(written),
                received = requests.recv_many(&mut batch, BATCH), if taking => {
                    if received == 0 {
                        // Every handle is gone: write what is pending, and stop.
                        self.flush().await;
                        break;
                    }
                    let mut healthy = true;
                    for request in batch.drain(..) {
                        healthy = self.handle(request).await;
                        if !healthy {
                            break;
                        }
                    }
                    healthy
                }
                () = until(deadline) => {
                    self.command(Actor::System, Command::TimerElapsed, None);
                    true
                }
            };
            if !healthy {
                break;
            }
            self.write_next();
        }
        info!(workshop = %id, "workshop actor stopped");
    }

    /// When the running timer ends, on this process's monotonic clock.
    fn timer_deadline(&self) -> Option<Instant> {
        let TimerState::Running { ends_at } = self.workshop.timer.state else {
            return None;
        };
        let left = ends_at.0.saturating_sub(clock::now().0);
        Some(Instant::now() + Duration::from_millis(left))
    }

    /// Handles one request; `false` if the workshop must stop (closed, or its store
    /// failed).
    async fn handle(&mut self, request: Request) -> bool {
        match request {
            Request::Command {
                actor,
                command,
                reply,
            } => self.command(actor, command, Some(reply)),
            Request::Refuse { conn, id, rejection } => self.later(Answer {
                reply: Some(Reply::Socket { conn, id }),
                outcome: Err(rejection),
                seq: self.workshop.seq,
            }),
            Request::Attach {
                conn,
                participant,
                outbox,
                kick,
                reply,
            } => {
                let attached = self
                    .audience
                    .attach(&self.workshop, conn, participant, outbox, kick);
                let _ = reply.send(attached);
            }
            Request::Detach { conn } => self.audience.detach(&self.workshop, conn),
            Request::Writing {
                participant,
                note,
                field,
            } => self.writing(participant, note, field),
            Request::Inspect { reply } => {
                let _ = reply.send(Inspection {
                    workshop: self.workshop.clone(),
                    subscribers: self.audience.connections(),
                    online: self.audience.online(),
                });
            }
            Request::Close { reason, reply } => {
                // What was applied is written (and answered) before the doors close:
                // a node handing the workshop over leaves nothing behind.
                self.flush().await;
                self.audience.close(reason);
                let _ = reply.send(());
                return false;
            }
        }
        true
    }

    /// Applies a command and publishes its events at once; its answer goes out once
    /// they are durable (`written`), at once without a store. A command already
    /// applied (its receipt is kept) is acknowledged as it stands.
    fn command(&mut self, actor: Actor, command: Command, reply: Option<Reply>) {
        METRICS.command();
        let first_seq = self.workshop.seq + 1;
        let key = match (actor, &reply) {
            (Actor::Member(participant), Some(Reply::Socket { id, .. })) => {
                Some(CommandKey { participant, id: *id })
            }
            _ => None,
        };
        if key.is_some_and(|key| self.receipts.contains(key)) {
            debug!(?key, "command re-sent: acknowledged again, not applied");
            // Answered after anything still being written (the original among it).
            self.later(Answer {
                reply,
                outcome: Ok(Vec::new()),
                seq: first_seq - 1,
            });
            return;
        }
        let now = std::time::Instant::now();
        let outcome = self.note_paces.check(actor, &command, now).and_then(|author| {
            let applied = apply(&mut self.workshop, actor, command, clock::now());
            if let (Some(author), Ok(_)) = (author, &applied) {
                self.note_paces.count(author, now);
            }
            applied
        });
        // Accepted, even with nothing to change (a lock of a locked room): re-sent
        // after a later command undid that state, it must not apply then, nor after a
        // restart (its receipt is stored alone).
        let receipt = key.filter(|_| outcome.is_ok());
        if let Some(key) = receipt {
            self.receipts.insert(key);
        }
        let seq = self.workshop.seq;
        if let Ok(events) = &outcome
            && events.is_empty()
            && receipt.is_some()
            && self.store.is_some()
        {
            self.next.records.push(Record::Events {
                workshop: self.workshop.id,
                first_seq,
                events: Arc::from([]),
                command: receipt,
            });
        } else if let Ok(events) = &outcome
            && !events.is_empty()
        {
            // Each event is serialised once: the store keeps the JSON, and the frame
            // for those who see it whole is made from the same bytes.
            let json: Vec<String> = events.iter().map(event_json).collect();
            let whole = (first_seq..)
                .zip(&json)
                .map(|(seq, json)| whole_frame(seq, json))
                .collect();
            self.audience.publish(&self.workshop, first_seq, events, whole);
            if self.store.is_some() {
                if let Some(Reply::Socket { conn, id }) = &reply {
                    // Its author's page takes these events as its command's, until the ack.
                    let applied = Utf8Bytes::from(ServerMsg::Applied { id: *id }.to_frame());
                    self.audience
                        .send_to(&self.workshop, *conn, applied, Kind::Answer);
                }
                self.next.records.push(Record::Events {
                    workshop: self.workshop.id,
                    first_seq,
                    events: json.into(),
                    command: receipt,
                });
            }
        }
        self.later(Answer { reply, outcome, seq });
    }

    /// Answers once what was applied before is durable: at once without a store, or
    /// when nothing is being written or waits to be.
    fn later(&mut self, answer: Answer) {
        if self.store.is_none() || (self.writing.is_none() && self.next.records.is_empty()) {
            self.answer(answer);
        } else {
            self.next.answers.push(answer);
        }
    }

    /// Starts writing what was applied since the last write, if nothing is in flight.
    fn write_next(&mut self) {
        if self.writing.is_some() {
            return;
        }
        let Some(store) = &self.store else {
            return;
        };
        let Unwritten { records, answers } = std::mem::take(&mut self.next);
        if records.is_empty() {
            // Answers of commands that wrote nothing, behind a write that ended.
            for answer in answers {
                self.answer(answer);
            }
            return;
        }
        let done = Box::pin(durably(store.clone(), records, self.workshop.id));
        self.writing = Some(Writing { done, answers });
    }

    /// The write in flight ended: its answers go out, or the workshop stops. `false`
    /// if the store refused these events for good: the workshop stops rather than
    /// go on from a state it could not save, and nothing after them is answered.
    fn written(&mut self, outcome: Result<(), Arc<StoreError>>) -> bool {
        let Some(writing) = self.writing.take() else {
            return true;
        };
        match outcome {
            Ok(()) => {
                for answer in writing.answers {
                    self.answer(answer);
                }
                true
            }
            Err(error) => {
                tracing::error!(workshop = %self.workshop.id, "the store refused this workshop's events, it stops: {error}");
                // Its people reconnect: to another node that serves it now, or to
                // this one once it is served again from what is stored.
                let reason = if matches!(*error, StoreError::NotOwner(_)) {
                    ErrorCode::Moving
                } else {
                    ErrorCode::ShuttingDown
                };
                self.audience.close(reason);
                false
            }
        }
    }

    /// Writes everything applied, and answers it (or, if the store refuses it, stops
    /// answering and closes the connections: see `written`).
    async fn flush(&mut self) {
        self.write_next();
        while let Some(writing) = &mut self.writing {
            let outcome = writing.done.as_mut().await;
            if !self.written(outcome) {
                return;
            }
            self.write_next();
        }
    }

    fn answer(&mut self, Answer { reply, outcome, seq }: Answer) {
        match reply {
            None => {}
            Some(Reply::Caller(reply)) => {
                let _ = reply.send(outcome);
            }
            Some(Reply::Socket { conn, id }) => {
                let answer = match outcome {
                    Ok(_) => ServerMsg::Ack { id, seq },
                    Err(rejection) => {
                        debug!(conn, %rejection, "command refused");
                        METRICS.rejected(&rejection);
                        ServerMsg::Rejected {
                            id,
                            message: rejection.to_string(),
                            rejection,
                        }
                    }
                };
                let answer = Utf8Bytes::from(answer.to_frame());
                self.audience.send_to(&self.workshop, conn, answer, Kind::Reply);
            }
        }
    }

    /// Tells those who see `note` (but the writer) that `participant` is typing in
    /// `field`, if they may write there: the same rule as saving it.
    fn writing(&mut self, participant: ParticipantId, note: NoteId, field: Field) {
        let Some((room, text)) = self
            .workshop
            .notes
            .get(&note)
            .map(|n| (n.room, n.details.field(field).to_owned()))
        else {
            return;
        };
        let may = decide(
            &self.workshop,
            Actor::Member(participant),
            Command::Characterise { note, field, text },
            clock::now(),
        );
        if may.is_err() {
            return;
        }
        self.audience
            .writing(&self.workshop, participant, room, note, field);
    }
}

/// The end of the write in flight; never, if there is none.
async fn written(writing: &mut Option<Writing>) -> Result<(), Arc<StoreError>> {
    match writing {
        Some(writing) => writing.done.as_mut().await,
        None => std::future::pending().await,
    }
}

/// `deadline`; never, without one.
async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The first wait before writing again after the store could not write, doubled at
/// each failure up to [`RETRY_AT_MOST`].
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_AT_MOST: Duration = Duration::from_secs(5);

/// Commits `records`, trying again for as long as the store is unavailable (a full
/// disk, an I/O error): only a refusal of these records themselves is returned.
async fn durably(
    store: Committer,
    records: Vec<Record>,
    workshop: WorkshopId,
) -> Result<(), Arc<StoreError>> {
    let mut wait = RETRY_FIRST;
    let mut waited = false;
    loop {
        match store.commit(records.clone()).await {
            Err(error) if error.is_transient() => {
                if !waited {
                    tracing::warn!(%workshop, "waiting for the store to write again: {error}");
                    waited = true;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RETRY_AT_MOST);
            }
            Ok(()) if waited => {
                tracing::info!(%workshop, "the store writes again: the workshop carries on");
                return Ok(());
            }
            outcome => return outcome,
        }
    }
}
