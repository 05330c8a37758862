//! The task that owns one workshop: applies commands in order, then sends each event
//! to the connections allowed to see it. Each event is serialised at most twice (whole,
//! and redacted for those who may see only part of it); every recipient of a version
//! gets the same bytes. The actor also keeps presence, and wakes itself when the
//! timer runs out.
//!
//! With a store, nothing leaves the actor before it is durable: the commands of one
//! batch are applied, their events written in one go (the store groups the writes
//! of every workshop), and only then published and acknowledged, in order.
//!
//! A participant's command that was applied leaves a receipt (its client-chosen id,
//! stored with its events): the same command re-sent after a reconnection is
//! acknowledged without being applied again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use atelier_shared::machine::decide;
use atelier_shared::model::{Field, TimerState};
use atelier_shared::protocol::{
    ErrorCode, PROTOCOL_VERSION, ServerMsg, event_frame, event_json, event_json_frame,
};
use atelier_shared::rejection::Paced;
use atelier_shared::{
    Actor, Command, Event, NoteId, ParticipantId, Rejection, Sight, Viewer, Workshop, WorkshopId, apply,
};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::{ConnId, Gone, Inspection, Outbox, Reply, Request, WorkshopHandle};
use crate::clock;
use crate::config::Limits;
use crate::guard::{self, Pace, Rate};
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
        subscribers: HashMap::new(),
        online: HashMap::new(),
        receipts,
        store,
        settling: Vec::new(),
        notes_rate: limits.notes,
        note_paces: HashMap::new(),
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
    /// Connections receiving this workshop's events, by connection.
    subscribers: HashMap<ConnId, Subscriber>,
    /// Connections per participant: presence changes at the first and the last.
    online: HashMap<ParticipantId, usize>,
    /// The latest commands applied, per participant.
    receipts: Receipts,
    store: Option<Committer>,
    /// Commands applied but not yet durable, hence not yet published nor answered.
    settling: Vec<Applied>,
    /// How fast one person may post notes, all their connections together.
    notes_rate: Option<Rate>,
    note_paces: HashMap<ParticipantId, Pace>,
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

struct Subscriber {
    /// Who is looking, and through which lens, as of the last snapshot sent.
    viewer: Viewer,
    /// The sequence number that snapshot included: older events are not sent again.
    synced: u64,
    outbox: Outbox,
    kick: Option<oneshot::Sender<ErrorCode>>,
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
        let request = match request {
            Request::Command {
                actor,
                command,
                reply,
            } => {
                self.command(actor, command, Some(reply));
                // In memory, there is nothing to wait for.
                return self.store.is_some() || self.settle().await;
            }
            // Whatever comes next sees only durable, published state.
            other => {
                if !self.settle().await {
                    return false;
                }
                other
            }
        };
        match request {
            Request::Command { .. } => {}
            Request::Attach {
                conn,
                participant,
                outbox,
                kick,
                reply,
            } => {
                let viewer = self.workshop.viewer(participant);
                // A fresh queue always has room for its first message.
                let attached = outbox.try_send(self.welcome(&viewer)).map_err(|_| Gone);
                if attached.is_ok() {
                    self.subscribers.insert(
                        conn,
                        Subscriber {
                            viewer,
                            synced: self.workshop.seq,
                            outbox,
                            kick: Some(kick),
                        },
                    );
                    self.presence(participant, 1);
                }
                let _ = reply.send(attached);
            }
            Request::Detach { conn } => self.drop_subscriber(conn),
            Request::Writing {
                participant,
                note,
                field,
            } => self.writing(participant, note, field),
            Request::Inspect { reply } => {
                let _ = reply.send(Inspection {
                    workshop: self.workshop.clone(),
                    subscribers: self.subscribers.len(),
                    online: self.online.keys().copied().collect(),
                });
            }
            Request::Close { reason, reply } => {
                for (_, mut subscriber) in self.subscribers.drain() {
                    if let Some(kick) = subscriber.kick.take() {
                        let _ = kick.send(reason);
                    }
                }
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
        // Notes are paced per person here, where all their connections meet.
        let posting = match (actor, &command) {
            (Actor::Member(author), Command::PostNote { .. }) => self.notes_rate.map(|rate| (author, rate)),
            _ => None,
        };
        let now = std::time::Instant::now();
        let too_fast = posting.and_then(|(author, rate)| {
            let wait = self.note_paces.get(&author)?.check(rate, now).err()?;
            Some(Rejection::TooFast {
                what: Paced::Notes,
                per_minute: rate.in_a_minute(),
                retry_secs: guard::seconds(wait),
            })
        });
        let outcome = match too_fast {
            Some(rejection) => Err(rejection),
            None => apply(&mut self.workshop, actor, command, clock::now()),
        };
        if let Some((author, rate)) = posting
            && outcome.is_ok()
        {
            let pace = self.note_paces.entry(author).or_insert_with(|| Pace::new(now));
            let _ = pace.take(rate, now);
        }
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
        // the frame for those who see it whole is made from the same bytes.
        let mut frames: Vec<Vec<Utf8Bytes>> = Vec::new();
        if let Some(store) = &self.store {
            let mut records = Vec::new();
            for applied in &settling {
                let events = applied.outcome.as_deref().unwrap_or_default();
                let json: Vec<String> = events.iter().map(event_json).collect();
                frames.push(
                    (applied.first_seq..)
                        .zip(&json)
                        .map(|(seq, json)| Utf8Bytes::from(event_json_frame(seq, json)))
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
                return false;
            }
        }
        let mut frames = frames.into_iter();
        for applied in settling {
            let whole = frames.next().unwrap_or_default();
            if let Ok(events) = &applied.outcome
                && !events.is_empty()
            {
                self.publish(applied.first_seq, events, whole);
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
                self.send_to(conn, Utf8Bytes::from(answer.to_frame()));
            }
        }
    }

    /// Sends each event to every connection that may see it, whole or redacted,
    /// serialised once per version (`whole`: the whole frames, when already made);
    /// connections whose view changed in a way events cannot carry get a fresh
    /// snapshot instead.
    fn publish(&mut self, first_seq: u64, events: &[Event], whole: Vec<Utf8Bytes>) {
        let workshop = &self.workshop;
        let mut resync = Vec::new();
        let mut dropped = Vec::new();
        for (conn, subscriber) in &self.subscribers {
            if workshop.needs_snapshot(&subscriber.viewer, events) {
                resync.push(*conn);
            }
        }
        let mut made = whole.into_iter();
        for (seq, event) in (first_seq..).zip(events) {
            let mut whole: Option<Utf8Bytes> = made.next();
            let mut redacted: Option<Utf8Bytes> = None;
            for (conn, subscriber) in &mut self.subscribers {
                // A snapshot taken after this event already holds it.
                if resync.contains(conn) || seq <= subscriber.synced {
                    continue;
                }
                let frame = match workshop.sight(&subscriber.viewer, event) {
                    Sight::Nothing => continue,
                    Sight::Full => whole.get_or_insert_with(|| Utf8Bytes::from(event_frame(seq, event))),
                    Sight::Redacted => {
                        redacted.get_or_insert_with(|| Utf8Bytes::from(event_frame(seq, &event.redacted())))
                    }
                };
                if !deliver(subscriber, frame.clone()) {
                    dropped.push(*conn);
                }
            }
        }
        // Someone who comes into view (moved into a room, promoted) may already be
        // connected: those who now see them learn it.
        for event in events {
            let person = match event {
                Event::ParticipantJoined { participant } | Event::ParticipantChanged { participant, .. } => {
                    participant
                }
                _ => continue,
            };
            if !self.online.contains_key(&person.id) {
                continue;
            }
            let frame = Utf8Bytes::from(
                ServerMsg::Presence {
                    participant: person.id,
                    online: true,
                }
                .to_frame(),
            );
            dropped.extend(deliver_to(&mut self.subscribers, &frame, |conn, viewer| {
                !resync.contains(&conn) && workshop.sees_person(viewer, person)
            }));
        }
        for conn in resync {
            let Some(participant) = self.subscribers.get(&conn).map(|s| s.viewer.id) else {
                continue;
            };
            let viewer = self.workshop.viewer(participant);
            let welcome = self.welcome(&viewer);
            if let Some(subscriber) = self.subscribers.get_mut(&conn) {
                subscriber.viewer = viewer;
                subscriber.synced = self.workshop.seq;
                if !deliver(subscriber, welcome) {
                    dropped.push(conn);
                }
            }
        }
        for conn in dropped {
            self.drop_subscriber(conn);
        }
    }

    /// The snapshot for `viewer`: their view, the server's clock, who is online.
    fn welcome(&self, viewer: &Viewer) -> Utf8Bytes {
        let workshop = self.workshop.view(viewer);
        let online = self
            .online
            .keys()
            .filter(|p| workshop.participants.contains_key(p))
            .copied()
            .collect();
        let welcome = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            you: viewer.id,
            workshop,
            now: clock::now(),
            online,
        };
        Utf8Bytes::from(welcome.to_frame())
    }

    /// Counts a connection in (`+1`) or out (`-1`); tells those who see the
    /// participant when they come online or leave.
    fn presence(&mut self, participant: ParticipantId, change: isize) {
        let count = self.online.entry(participant).or_default();
        let before = *count;
        *count = count.saturating_add_signed(change);
        let after = *count;
        if after == 0 {
            self.online.remove(&participant);
        }
        if (before == 0) == (after == 0) {
            return;
        }
        let Some(person) = self.workshop.participants.get(&participant) else {
            return;
        };
        let frame = Utf8Bytes::from(
            ServerMsg::Presence {
                participant,
                online: after > 0,
            }
            .to_frame(),
        );
        let dropped = deliver_to(&mut self.subscribers, &frame, |_, viewer| {
            self.workshop.sees_person(viewer, person)
        });
        for conn in dropped {
            self.drop_subscriber(conn);
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
        let frame = Utf8Bytes::from(
            ServerMsg::Writing {
                participant,
                note,
                field,
            }
            .to_frame(),
        );
        let dropped = deliver_to(&mut self.subscribers, &frame, |_, viewer| {
            viewer.id != participant && viewer.lens.sees_room(room)
        });
        for conn in dropped {
            self.drop_subscriber(conn);
        }
    }

    fn drop_subscriber(&mut self, conn: ConnId) {
        if let Some(subscriber) = self.subscribers.remove(&conn) {
            self.presence(subscriber.viewer.id, -1);
        }
    }

    /// Sends one connection a message meant for it alone.
    fn send_to(&mut self, conn: ConnId, frame: Utf8Bytes) {
        if let Some(subscriber) = self.subscribers.get_mut(&conn)
            && !deliver(subscriber, frame)
        {
            self.drop_subscriber(conn);
        }
    }
}

/// Sends `frame` to the subscribers `to` picks (by connection and viewer); returns
/// those that must be dropped (see [`deliver`]).
fn deliver_to(
    subscribers: &mut HashMap<ConnId, Subscriber>,
    frame: &Utf8Bytes,
    to: impl Fn(ConnId, &Viewer) -> bool,
) -> Vec<ConnId> {
    subscribers
        .iter_mut()
        .filter(|(conn, subscriber)| to(**conn, &subscriber.viewer))
        .filter_map(|(conn, subscriber)| (!deliver(subscriber, frame.clone())).then_some(*conn))
        .collect()
}

/// Queues a frame for a subscriber without ever waiting. Returns false when the
/// subscriber must be dropped: its connection is gone, or it fell so far behind that
/// it is closed (the client reconnects and receives a fresh snapshot).
fn deliver(subscriber: &mut Subscriber, frame: Utf8Bytes) -> bool {
    match subscriber.outbox.try_send(frame) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            warn!(participant = %subscriber.viewer.id, "connection lagging: closing it");
            if let Some(kick) = subscriber.kick.take() {
                let _ = kick.send(ErrorCode::Lagging);
            }
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
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
