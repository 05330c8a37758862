//! The task that owns one workshop: applies commands in order, then sends each event
//! to the connections allowed to see it. Each event is serialised at most twice (whole,
//! and redacted for those who may see only part of it); every recipient of a version
//! gets the same bytes. The actor also keeps presence, and wakes itself when the
//! timer runs out.

use std::collections::HashMap;
use std::time::Duration;

use atelier_shared::model::TimerState;
use atelier_shared::protocol::{ErrorCode, PROTOCOL_VERSION, ServerMsg, event_frame};
use atelier_shared::{Actor, Command, Event, ParticipantId, Sight, Viewer, Workshop, apply};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::{ConnId, Gone, Inspection, Outbox, Reply, Request, WorkshopHandle};
use crate::clock;

/// Starts the actor of `workshop` and returns its address.
pub fn spawn(workshop: Workshop, inbox_capacity: usize) -> WorkshopHandle {
    let (inbox, requests) = mpsc::channel(inbox_capacity);
    let id = workshop.id;
    let title = workshop.title.as_str().into();
    let actor = WorkshopActor {
        workshop,
        subscribers: HashMap::new(),
        online: HashMap::new(),
    };
    tokio::spawn(actor.run(requests));
    WorkshopHandle { id, title, inbox }
}

struct WorkshopActor {
    workshop: Workshop,
    /// Connections receiving this workshop's events, by connection.
    subscribers: HashMap<ConnId, Subscriber>,
    /// Connections per participant: presence changes at the first and the last.
    online: HashMap<ParticipantId, usize>,
}

struct Subscriber {
    /// Who is looking, and through which lens, as of the last snapshot sent.
    viewer: Viewer,
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
                        continue;
                    }
                },
                None => requests.recv_many(&mut batch, BATCH).await,
            };
            if received == 0 {
                break;
            }
            for request in batch.drain(..) {
                self.handle(request);
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

    fn handle(&mut self, request: Request) {
        match request {
            Request::Command {
                actor,
                command,
                reply,
            } => self.command(actor, command, Some(reply)),
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
                            outbox,
                            kick: Some(kick),
                        },
                    );
                    self.presence(participant, 1);
                }
                let _ = reply.send(attached);
            }
            Request::Detach { conn } => self.drop_subscriber(conn),
            Request::Inspect { reply } => {
                let _ = reply.send(Inspection {
                    workshop: self.workshop.clone(),
                    subscribers: self.subscribers.len(),
                    online: self.online.keys().copied().collect(),
                });
            }
        }
    }

    fn command(&mut self, actor: Actor, command: Command, reply: Option<Reply>) {
        let outcome = apply(&mut self.workshop, actor, command, clock::now());
        if let Ok(events) = &outcome
            && !events.is_empty()
        {
            self.publish(events);
        }
        match reply {
            None => {}
            Some(Reply::Caller(reply)) => {
                let _ = reply.send(outcome);
            }
            Some(Reply::Socket { conn, id }) => {
                let answer = match outcome {
                    Ok(_) => ServerMsg::Ack {
                        id,
                        seq: self.workshop.seq,
                    },
                    Err(rejection) => {
                        debug!(conn, %rejection, "command refused");
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
    /// serialised once per version; connections whose view changed in a way events
    /// cannot carry get a fresh snapshot instead.
    fn publish(&mut self, events: &[Event]) {
        let workshop = &self.workshop;
        let mut resync = Vec::new();
        let mut dropped = Vec::new();
        for (conn, subscriber) in &self.subscribers {
            if workshop.needs_snapshot(&subscriber.viewer, events) {
                resync.push(*conn);
            }
        }
        let first_seq = workshop.seq + 1 - events.len() as u64;
        for (seq, event) in (first_seq..).zip(events) {
            let mut whole: Option<Utf8Bytes> = None;
            let mut redacted: Option<Utf8Bytes> = None;
            for (conn, subscriber) in &mut self.subscribers {
                if resync.contains(conn) {
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
            for (conn, subscriber) in &mut self.subscribers {
                if !resync.contains(conn)
                    && workshop.sees_person(&subscriber.viewer, person)
                    && !deliver(subscriber, frame.clone())
                {
                    dropped.push(*conn);
                }
            }
        }
        for conn in resync {
            let Some(participant) = self.subscribers.get(&conn).map(|s| s.viewer.id) else {
                continue;
            };
            let viewer = self.workshop.viewer(participant);
            let welcome = self.welcome(&viewer);
            if let Some(subscriber) = self.subscribers.get_mut(&conn) {
                subscriber.viewer = viewer;
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
        let mut dropped = Vec::new();
        for (conn, subscriber) in &mut self.subscribers {
            if self.workshop.sees_person(&subscriber.viewer, person) && !deliver(subscriber, frame.clone()) {
                dropped.push(*conn);
            }
        }
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
