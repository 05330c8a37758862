//! The task that owns one workshop: applies commands in order, then fans each event out
//! to the connections whose lens sees it. Each message is serialised once; every
//! recipient gets the same bytes.

use std::collections::HashMap;

use atelier_shared::protocol::{ErrorCode, PROTOCOL_VERSION, ServerMsg, event_frame};
use atelier_shared::{Event, Lens, ParticipantId, Workshop, apply};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use super::{ConnId, Gone, Inspection, Outbox, Reply, Request, WorkshopHandle};
use crate::clock;

/// Starts the actor of `workshop` and returns its address.
pub fn spawn(workshop: Workshop, inbox_capacity: usize) -> WorkshopHandle {
    let (inbox, requests) = mpsc::channel(inbox_capacity);
    let id = workshop.id;
    let actor = WorkshopActor {
        workshop,
        subscribers: HashMap::new(),
    };
    tokio::spawn(actor.run(requests));
    WorkshopHandle { id, inbox }
}

struct WorkshopActor {
    workshop: Workshop,
    /// Connections receiving this workshop's events, by connection.
    subscribers: HashMap<ConnId, Subscriber>,
}

struct Subscriber {
    participant: ParticipantId,
    lens: Lens,
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
        while requests.recv_many(&mut batch, BATCH).await > 0 {
            for request in batch.drain(..) {
                self.handle(request);
            }
        }
        info!(workshop = %id, "workshop actor stopped");
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::Command {
                actor,
                command,
                reply,
            } => {
                let outcome = apply(&mut self.workshop, actor, command, clock::now());
                if let Ok(events) = &outcome {
                    self.publish(events);
                }
                match reply {
                    Reply::Caller(reply) => {
                        let _ = reply.send(outcome);
                    }
                    Reply::Socket { conn, id } => {
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
            Request::Attach {
                conn,
                participant,
                outbox,
                kick,
                reply,
            } => {
                let lens = self.workshop.lens_of(participant);
                let welcome = ServerMsg::Welcome {
                    protocol: PROTOCOL_VERSION,
                    you: participant,
                    workshop: self.workshop.view(lens),
                };
                // A fresh queue always has room for its first message.
                let attached = outbox
                    .try_send(Utf8Bytes::from(welcome.to_frame()))
                    .map_err(|_| Gone);
                if attached.is_ok() {
                    let subscriber = Subscriber {
                        participant,
                        lens,
                        outbox,
                        kick: Some(kick),
                    };
                    self.subscribers.insert(conn, subscriber);
                }
                let _ = reply.send(attached);
            }
            Request::Detach { conn } => {
                self.subscribers.remove(&conn);
            }
            Request::Inspect { reply } => {
                let _ = reply.send(Inspection {
                    workshop: self.workshop.clone(),
                    subscribers: self.subscribers.len(),
                });
            }
        }
    }

    /// Sends each event, serialised once, to every connection that sees it.
    fn publish(&mut self, events: &[Event]) {
        let first_seq = self.workshop.seq + 1 - events.len() as u64;
        let mut dropped = Vec::new();
        for (seq, event) in (first_seq..).zip(events) {
            let frame = Utf8Bytes::from(event_frame(seq, event));
            for (conn, subscriber) in &mut self.subscribers {
                if event.visible_through(subscriber.lens) && !deliver(subscriber, frame.clone()) {
                    dropped.push(*conn);
                }
            }
        }
        for conn in dropped {
            self.subscribers.remove(&conn);
        }
    }

    /// Sends one connection a message meant for it alone.
    fn send_to(&mut self, conn: ConnId, frame: Utf8Bytes) {
        if let Some(subscriber) = self.subscribers.get_mut(&conn)
            && !deliver(subscriber, frame)
        {
            self.subscribers.remove(&conn);
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
            warn!(participant = %subscriber.participant, "connection lagging: closing it");
            if let Some(kick) = subscriber.kick.take() {
                let _ = kick.send(ErrorCode::Lagging);
            }
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}
