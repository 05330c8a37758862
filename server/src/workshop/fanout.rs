//! Who receives what: the connections attached to one workshop, who is online, and
//! the frames each may see, queued without ever waiting. Each event is serialised at
//! most twice (whole, and redacted for those who may see only part of it); every
//! recipient of a version gets the same bytes.

use std::collections::HashMap;

use atelier_shared::model::Field;
use atelier_shared::protocol::{ErrorCode, PROTOCOL_VERSION, ServerMsg, event_json, event_json_frame};
use atelier_shared::{Event, NoteId, ParticipantId, RoomId, Sight, Viewer, Workshop};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::warn;

use super::{ConnId, Gone, Outbox};
use crate::clock;

/// The connections of one workshop.
#[derive(Default)]
pub(super) struct Audience {
    subscribers: HashMap<ConnId, Subscriber>,
    /// Connections per participant: presence changes at the first and the last.
    online: HashMap<ParticipantId, usize>,
}

struct Subscriber {
    /// Who is looking, and through which lens, as of the last snapshot sent.
    viewer: Viewer,
    /// The sequence number that snapshot included: older events are not sent again.
    synced: u64,
    outbox: Outbox,
    kick: Option<oneshot::Sender<ErrorCode>>,
}

/// The frame of event `seq`, from its JSON (made once: the store keeps the same).
pub(super) fn whole_frame(seq: u64, json: &str) -> Utf8Bytes {
    Utf8Bytes::from(event_json_frame(seq, json))
}

/// The frames of one event, each made when someone first needs it (the whole one
/// may come made already, from the JSON the store wrote).
struct Frames<'a> {
    seq: u64,
    event: &'a Event,
    whole: Option<Utf8Bytes>,
    redacted: Option<Utf8Bytes>,
}

impl Frames<'_> {
    fn whole(&mut self) -> &Utf8Bytes {
        let (seq, event) = (self.seq, self.event);
        self.whole
            .get_or_insert_with(|| whole_frame(seq, &event_json(event)))
    }

    fn redacted(&mut self) -> &Utf8Bytes {
        let (seq, event) = (self.seq, self.event);
        self.redacted
            .get_or_insert_with(|| whole_frame(seq, &event_json(&event.redacted())))
    }
}

impl Audience {
    /// Starts sending `conn` what `participant` may see, beginning with a snapshot.
    pub(super) fn attach(
        &mut self,
        workshop: &Workshop,
        conn: ConnId,
        participant: ParticipantId,
        outbox: Outbox,
        kick: oneshot::Sender<ErrorCode>,
    ) -> Result<(), Gone> {
        let viewer = workshop.viewer(participant);
        // A fresh queue always has room for its first message.
        outbox
            .try_send(self.welcome(workshop, &viewer))
            .map_err(|_| Gone)?;
        self.subscribers.insert(
            conn,
            Subscriber {
                viewer,
                synced: workshop.seq,
                outbox,
                kick: Some(kick),
            },
        );
        self.presence(workshop, participant, 1);
        Ok(())
    }

    pub(super) fn detach(&mut self, workshop: &Workshop, conn: ConnId) {
        if let Some(subscriber) = self.subscribers.remove(&conn) {
            self.presence(workshop, subscriber.viewer.id, -1);
        }
    }

    /// Closes every connection with `reason`.
    pub(super) fn close(&mut self, reason: ErrorCode) {
        for (_, mut subscriber) in self.subscribers.drain() {
            if let Some(kick) = subscriber.kick.take() {
                let _ = kick.send(reason);
            }
        }
    }

    pub(super) fn connections(&self) -> usize {
        self.subscribers.len()
    }

    pub(super) fn online(&self) -> Vec<ParticipantId> {
        self.online.keys().copied().collect()
    }

    /// Sends each event to every connection that may see it, whole or redacted
    /// (`whole`: the whole frames, when made already); connections whose view
    /// changed in a way events cannot carry get a fresh snapshot instead.
    pub(super) fn publish(
        &mut self,
        workshop: &Workshop,
        first_seq: u64,
        events: &[Event],
        whole: Vec<Utf8Bytes>,
    ) {
        let resync: Vec<ConnId> = self
            .subscribers
            .iter()
            .filter(|(_, subscriber)| workshop.needs_snapshot(&subscriber.viewer, events))
            .map(|(conn, _)| *conn)
            .collect();
        let mut dropped = Vec::new();
        let mut made = whole.into_iter();
        for (seq, event) in (first_seq..).zip(events) {
            let mut frames = Frames {
                seq,
                event,
                whole: made.next(),
                redacted: None,
            };
            for (conn, subscriber) in &mut self.subscribers {
                // A snapshot taken after this event already holds it.
                if resync.contains(conn) || seq <= subscriber.synced {
                    continue;
                }
                let frame = match workshop.sight(&subscriber.viewer, event) {
                    Sight::Nothing => continue,
                    Sight::Full => frames.whole(),
                    Sight::Redacted => frames.redacted(),
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
            let frame = presence_frame(person.id, true);
            dropped.extend(self.deliver_to(&frame, |conn, viewer| {
                !resync.contains(&conn) && workshop.sees_person(viewer, person)
            }));
        }
        for conn in resync {
            let Some(participant) = self.subscribers.get(&conn).map(|s| s.viewer.id) else {
                continue;
            };
            let viewer = workshop.viewer(participant);
            let welcome = self.welcome(workshop, &viewer);
            if let Some(subscriber) = self.subscribers.get_mut(&conn) {
                subscriber.viewer = viewer;
                subscriber.synced = workshop.seq;
                if !deliver(subscriber, welcome) {
                    dropped.push(conn);
                }
            }
        }
        self.drop_all(workshop, dropped);
    }

    /// Tells those who see `room` (but the writer) that `participant` is typing in
    /// `note`'s `field`.
    pub(super) fn writing(
        &mut self,
        workshop: &Workshop,
        participant: ParticipantId,
        room: RoomId,
        note: NoteId,
        field: Field,
    ) {
        let frame = Utf8Bytes::from(
            ServerMsg::Writing {
                participant,
                note,
                field,
            }
            .to_frame(),
        );
        let dropped = self.deliver_to(&frame, |_, viewer| {
            viewer.id != participant && viewer.lens.sees_room(room)
        });
        self.drop_all(workshop, dropped);
    }

    /// Sends one connection a message meant for it alone.
    pub(super) fn send_to(&mut self, workshop: &Workshop, conn: ConnId, frame: Utf8Bytes) {
        if let Some(subscriber) = self.subscribers.get_mut(&conn)
            && !deliver(subscriber, frame)
        {
            self.detach(workshop, conn);
        }
    }

    /// The snapshot for `viewer`: their view, the server's clock, who is online.
    fn welcome(&self, workshop: &Workshop, viewer: &Viewer) -> Utf8Bytes {
        let view = workshop.view(viewer);
        let online = self
            .online
            .keys()
            .filter(|p| view.participants.contains_key(p))
            .copied()
            .collect();
        let welcome = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            you: viewer.id,
            workshop: view,
            now: clock::now(),
            online,
        };
        Utf8Bytes::from(welcome.to_frame())
    }

    /// Counts a connection in (`+1`) or out (`-1`); tells those who see the
    /// participant when they come online or leave.
    fn presence(&mut self, workshop: &Workshop, participant: ParticipantId, change: isize) {
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
        let Some(person) = workshop.participants.get(&participant) else {
            return;
        };
        let frame = presence_frame(participant, after > 0);
        let dropped = self.deliver_to(&frame, |_, viewer| workshop.sees_person(viewer, person));
        self.drop_all(workshop, dropped);
    }

    fn drop_all(&mut self, workshop: &Workshop, dropped: Vec<ConnId>) {
        for conn in dropped {
            self.detach(workshop, conn);
        }
    }

    /// Sends `frame` to the subscribers `to` picks (by connection and viewer);
    /// returns those that must be dropped (see [`deliver`]).
    fn deliver_to(&mut self, frame: &Utf8Bytes, to: impl Fn(ConnId, &Viewer) -> bool) -> Vec<ConnId> {
        self.subscribers
            .iter_mut()
            .filter(|(conn, subscriber)| to(**conn, &subscriber.viewer))
            .filter_map(|(conn, subscriber)| (!deliver(subscriber, frame.clone())).then_some(*conn))
            .collect()
    }
}

fn presence_frame(participant: ParticipantId, online: bool) -> Utf8Bytes {
    Utf8Bytes::from(ServerMsg::Presence { participant, online }.to_frame())
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
