//! The task that owns one workshop: applies commands in order, then hands each
//! event to its audience ([`super::fanout`]), which sends it to the connections
//! allowed to see it. The actor wakes itself when the timer runs out.
//!
//! With a store, nothing leaves the actor before it is durable: the commands of one
//! batch are applied, their events written in one go (the store groups the writes
//! of every workshop), and only then published and acknowledged, in order.
//!
//! A participant's command that was applied leaves a receipt (its client-chosen id,
//! stored with its events): the same command re-sent after a reconnection is
//! acknowledged without being applied again.

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
        settling: Vec::new(),
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
    /// Commands applied but not yet durable, hence not yet published nor answered.
    settling: Vec<Applied>,
    /// How fast one person may post notes, all their connections together.
    note_paces: NotePaces,
}

/// A command applied to the state, waiting for its events to be durable.
struct Applied {
    outcome: Result<Vec<Event>, Rejection>,
    /// The sequence number of its first event.
    first_seq: u64,
    /// The receipt its events are stored with.
    receipt: Option<CommandKey>,
    reply: Option<Reply>,
}

/// Requests taken from the inbox at once: amortises wake-ups under load.
const BATCH: usize = 64;

impl WorkshopActor {
    async fn run(mut self, mut requests: mpsc::Receiver<Request>) {
        let id = self.workshop.id;
        info!(workshop = %id, "workshop actor started");
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let received = match self.timer_deadline() {
                Some(deadline) => tokio::select! {
                    received = requests.recv_many(&mut batch, BATCH) => received,
                    () = tokio::time::sleep_until(deadline) => {
                        self.command(Actor::System, Command::TimerElapsed, None);
                        if !self.settle().await {
                            break;
                        }
                        continue;
                    }
                },
                None => requests.recv_many(&mut batch, BATCH).await,
            };
            if received == 0 {
                break;
            }
            let mut healthy = true;
            for request in batch.drain(..) {
                healthy = self.handle(request).await;
                if !healthy {
                    break;
                }
            }
            if !healthy || !self.settle().await {
                break;
            }
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
        // Anything but a command sees only durable, published state.
        if !matches!(request, Request::Command { .. }) && !self.settle().await {
            return false;
        }
        match request {
            Request::Command {
                actor,
                command,
                reply,
            } => {
                self.command(actor, command, Some(reply));
                // In memory, there is nothing to wait for.
                return self.store.is_some() || self.settle().await;
            }
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
                self.audience.close(reason);
                let _ = reply.send(());
                return false;
            }
        }
        true
    }

    /// Applies a command; its events are published and its answer sent by `settle`.
    /// A command already applied (its receipt is kept) is acknowledged as it stands.
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
            self.settling.push(Applied {
                outcome: Ok(Vec::new()),
                first_seq,
                receipt: None,
                reply,
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
        let receipt = key.filter(|_| outcome.as_ref().is_ok_and(|events| !events.is_empty()));
        if let Some(key) = receipt {
            self.receipts.insert(key);
        }
        self.settling.push(Applied {
            outcome,
            first_seq,
            receipt,
            reply,
        });
    }

    /// Makes the applied commands' events durable, then publishes them and answers,
    /// in order. While the store cannot write (a full disk), the workshop waits and
    /// tries again: nothing is acknowledged before it is durable, and it carries on
    /// by itself once writes succeed. `false` if the store refused these events for
    /// good: nothing is acknowledged, and the workshop stops rather than go on from a
    /// state it could not save.
    async fn settle(&mut self) -> bool {
        if self.settling.is_empty() {
            return true;
        }
        let settling = std::mem::take(&mut self.settling);
        // With a store, each event is serialised once: the store keeps the JSON, and
        // the frame for those who see it whole is made from the same bytes before the
        // JSON moves into the record.
        let mut whole: Vec<Vec<Utf8Bytes>> = Vec::new();
        if let Some(store) = &self.store {
            let mut records = Vec::new();
            for applied in &settling {
                let events = applied.outcome.as_deref().unwrap_or_default();
                let json: Vec<String> = events.iter().map(event_json).collect();
                whole.push(
                    (applied.first_seq..)
                        .zip(&json)
                        .map(|(seq, json)| whole_frame(seq, json))
                        .collect(),
                );
                if !json.is_empty() {
                    records.push(Record::Events {
                        workshop: self.workshop.id,
                        first_seq: applied.first_seq,
                        events: json,
                        command: applied.receipt,
                    });
                }
            }
            if !records.is_empty()
                && let Err(error) = durably(store, records, self.workshop.id).await
            {
                tracing::error!(workshop = %self.workshop.id, "the store refused this workshop's events, it stops: {error}");
                if matches!(*error, StoreError::NotOwner(_)) {
                    // Another node serves it now: its people reconnect there.
                    self.audience.close(ErrorCode::Moving);
                }
                return false;
            }
        }
        let mut whole = whole.into_iter();
        for applied in settling {
            let made = whole.next().unwrap_or_default();
            if let Ok(events) = &applied.outcome
                && !events.is_empty()
            {
                self.audience
                    .publish(&self.workshop, applied.first_seq, events, made);
            }
            let seq = applied.first_seq - 1 + applied.outcome.as_ref().map_or(0, |e| e.len() as u64);
            self.answer(applied.reply, applied.outcome, seq);
        }
        true
    }

    fn answer(&mut self, reply: Option<Reply>, outcome: Result<Vec<Event>, Rejection>, seq: u64) {
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
                self.audience
                    .send_to(&self.workshop, conn, Utf8Bytes::from(answer.to_frame()));
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

/// The first wait before writing again after the store could not write, doubled at
/// each failure up to [`RETRY_AT_MOST`].
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_AT_MOST: Duration = Duration::from_secs(5);

/// Commits `records`, trying again for as long as the store is unavailable (a full
/// disk, an I/O error): only a refusal of these records themselves is returned.
async fn durably(
    store: &Committer,
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
