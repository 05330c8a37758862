//! A live workshop: one task (the actor) owns its state and its subscribers; everything
//! else talks to it through a [`WorkshopHandle`], so no lock is ever held across an
//! `.await` and commands are applied one at a time, in arrival order.
//!
//! - `actor`: the task: applies, publishes at once, writes, answers once written.
//! - `fanout`: who receives what, and a fresh snapshot for whoever falls behind.
//! - [`outbox`]: a connection's queue of frames: news, and answers that stay.
//! - `pacing`: how fast one person may post notes.

mod actor;
mod fanout;
pub mod outbox;
mod pacing;

use atelier_shared::model::Field;
use atelier_shared::{
    Actor, CampaignId, Command, Event, NoteId, ParticipantId, Rejection, Workshop, WorkshopId,
};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use atelier_shared::protocol::ErrorCode;

pub use actor::spawn;

/// Identifies one websocket connection for the lifetime of the server.
pub type ConnId = u64;

pub use outbox::Outbox;

/// A cheap, cloneable address of a workshop's actor.
#[derive(Clone, Debug)]
pub struct WorkshopHandle {
    pub id: WorkshopId,
    /// Never changes: finds a campaign's workshops without asking every actor.
    pub campaign: CampaignId,
    /// Never changes: answers "what does this code open?" without asking the actor.
    pub title: Arc<str>,
    inbox: mpsc::Sender<Request>,
}

/// The actor is gone (the server is shutting down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

/// What a workshop's actor is asked to do.
#[derive(Debug)]
pub(crate) enum Request {
    /// Apply a command and tell whoever asked.
    Command {
        actor: Actor,
        command: Command,
        reply: Reply,
    },
    /// Start sending a connection what its participant may see, beginning with a
    /// `Welcome` snapshot.
    Attach {
        conn: ConnId,
        participant: ParticipantId,
        outbox: Outbox,
        /// Fired, with the reason, when the actor drops the connection.
        kick: oneshot::Sender<ErrorCode>,
        reply: oneshot::Sender<Result<(), Gone>>,
    },
    Detach {
        conn: ConnId,
    },
    /// Refuse command `id` of connection `conn` (refused before the actor, by its
    /// connection's pace), in its turn: after the answers of that connection's
    /// commands before it.
    Refuse {
        conn: ConnId,
        id: u64,
        rejection: Rejection,
    },
    /// Someone is typing in a note's field: tell the others who see it.
    Writing {
        participant: ParticipantId,
        note: NoteId,
        field: Field,
    },
    Inspect {
        reply: oneshot::Sender<Inspection>,
    },
    /// Settle what is pending, close every connection with `reason`, and stop.
    Close {
        reason: ErrorCode,
        reply: oneshot::Sender<()>,
    },
}

/// Where the outcome of a command goes.
#[derive(Debug)]
pub(crate) enum Reply {
    /// An HTTP handler waiting for the events.
    Caller(oneshot::Sender<Result<Vec<Event>, Rejection>>),
    /// A websocket: `Ack` or `Rejected` with the client's command id, on its queue.
    Socket { conn: ConnId, id: u64 },
}

/// A copy of a workshop's state and bookkeeping, for tests, health checks and reports.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub workshop: Workshop,
    pub subscribers: usize,
    /// Participants with at least one connection.
    pub online: Vec<ParticipantId>,
}

impl WorkshopHandle {
    /// Applies a command on behalf of an HTTP request and returns its events.
    pub async fn command(
        &self,
        actor: Actor,
        command: Command,
    ) -> Result<Result<Vec<Event>, Rejection>, Gone> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Command {
            actor,
            command,
            reply: Reply::Caller(reply),
        })
        .await?;
        answer.await.map_err(|_| Gone)
    }

    /// Queues a command from a websocket; waits only for room in the actor's inbox,
    /// which slows down the one connection that floods, not the room.
    pub async fn submit(
        &self,
        conn: ConnId,
        participant: ParticipantId,
        id: u64,
        command: Command,
    ) -> Result<(), Gone> {
        self.send(Request::Command {
            actor: Actor::Member(participant),
            command,
            reply: Reply::Socket { conn, id },
        })
        .await
    }

    /// Has command `id` of `conn` refused in its turn (see `Request::Refuse`).
    pub async fn refuse(&self, conn: ConnId, id: u64, rejection: Rejection) -> Result<(), Gone> {
        self.send(Request::Refuse { conn, id, rejection }).await
    }

    /// Relays "`participant` is typing in this field" (nothing is stored).
    pub async fn writing(&self, participant: ParticipantId, note: NoteId, field: Field) -> Result<(), Gone> {
        self.send(Request::Writing {
            participant,
            note,
            field,
        })
        .await
    }

    pub async fn attach(
        &self,
        conn: ConnId,
        participant: ParticipantId,
        outbox: Outbox,
        kick: oneshot::Sender<ErrorCode>,
    ) -> Result<(), Gone> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Attach {
            conn,
            participant,
            outbox,
            kick,
            reply,
        })
        .await?;
        answer.await.map_err(|_| Gone)?
    }

    /// Stops sending to a connection. Never waits: called from `Drop`.
    pub fn detach(&self, conn: ConnId) {
        if let Err(mpsc::error::TrySendError::Full(request)) = self.inbox.try_send(Request::Detach { conn }) {
            let inbox = self.inbox.clone();
            tokio::spawn(async move { inbox.send(request).await });
        }
    }

    /// Whether its actor has stopped (its workshop deleted, handed over, or lost).
    pub fn is_closed(&self) -> bool {
        self.inbox.is_closed()
    }

    pub async fn inspect(&self) -> Result<Inspection, Gone> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Inspect { reply }).await?;
        answer.await.map_err(|_| Gone)
    }

    /// Stops the actor once what it has applied is durable and answered; its
    /// connections are closed with `reason`.
    pub async fn close(&self, reason: ErrorCode) -> Result<(), Gone> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Close { reason, reply }).await?;
        answer.await.map_err(|_| Gone)
    }

    async fn send(&self, request: Request) -> Result<(), Gone> {
        self.inbox.send(request).await.map_err(|_| Gone)
    }
}

#[cfg(test)]
mod tests;
