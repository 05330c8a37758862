//! Who receives what: the connections attached to one workshop, who is online, and
//! the frames each may see, queued without ever waiting. Each event is serialised at
//! most twice (whole, and redacted for those who may see only part of it); every
//! recipient of a version gets the same bytes.

use std::collections::HashMap;

use atelier_shared::model::Field;
use atelier_shared::protocol::{ErrorCode, PROTOCOL_VERSION, ServerMsg, event_json, event_json_frame};
use atelier_shared::{Event, NoteId, ParticipantId, RoomId, Sight, Viewer, Workshop};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::oneshot;
use tracing::{debug, warn};

use super::outbox::{Kind, Refused};
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
            .push(self.welcome(workshop, &viewer), Kind::News)
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
        let mut late = Late::default();
        let mut made = whole.into_iter();
        for (seq, event) in (first_seq..).zip(events) {
            let seeing = workshop.seeing(event);
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
                let frame = match seeing.sight(&subscriber.viewer) {
                    Sight::Nothing => continue,
                    Sight::Full => frames.whole(),
                    Sight::Redacted => frames.redacted(),
                };
                late.note(*conn, deliver(subscriber, frame.clone()));
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
            late.extend(self.deliver_to(&frame, |conn, viewer| {
                !resync.contains(&conn) && workshop.sees_person(viewer, person)
            }));
        }
        for conn in resync {
            let Some((viewer, welcome)) = self.fresh(workshop, conn) else {
                continue;
            };
            if let Some(subscriber) = self.subscribers.get_mut(&conn) {
                subscriber.viewer = viewer;
                subscriber.synced = workshop.seq;
                late.note(conn, deliver(subscriber, welcome));
            }
        }
        self.settle(workshop, late);
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
        let late = self.deliver_to(&frame, |_, viewer| {
            viewer.id != participant && viewer.lens.sees_room(room)
        });
        self.settle(workshop, late);
    }

    /// Sends one connection an answer meant for it alone (`applied`, an ack, a
    /// refusal: `kind` says whether it is a command's last). A connection that is
    /// behind first has its queued news replaced by a snapshot: an answer is never
    /// dropped.
    pub(super) fn send_to(&mut self, workshop: &Workshop, conn: ConnId, frame: Utf8Bytes, kind: Kind) {
        let Some(subscriber) = self.subscribers.get_mut(&conn) else {
            return;
        };
        let pushed = match subscriber.outbox.push(frame.clone(), kind) {
            Err(Refused::Full) => {
                self.catch_up(workshop, conn);
                match self.subscribers.get_mut(&conn) {
                    Some(subscriber) => subscriber.outbox.push(frame, kind),
                    None => return,
                }
            }
            pushed => pushed,
        };
        match pushed {
            Ok(()) => {}
            Err(Refused::Full) => self.cut_off(workshop, conn),
            Err(Refused::Closed) => self.detach(workshop, conn),
        }
    }

    /// Replaces what `conn` has queued of the room's news by a fresh snapshot (its
    /// answers stay): a connection that fell behind catches up in one frame instead
    /// of being cut off, and its queue stays bounded.
    fn catch_up(&mut self, workshop: &Workshop, conn: ConnId) {
        let Some((viewer, welcome)) = self.fresh(workshop, conn) else {
            return;
        };
        let Some(subscriber) = self.subscribers.get_mut(&conn) else {
            return;
        };
        match subscriber.outbox.catch_up(welcome) {
            Ok(()) => {
                debug!(participant = %viewer.id, "connection behind: its queued news replaced by a snapshot");
                subscriber.viewer = viewer;
                subscriber.synced = workshop.seq;
            }
            Err(Refused::Full) => self.cut_off(workshop, conn),
            Err(Refused::Closed) => self.detach(workshop, conn),
        }
    }

    /// Closes a connection whose queue its own answers fill: it sends and never
    /// reads. The client reconnects and receives a fresh snapshot.
    fn cut_off(&mut self, workshop: &Workshop, conn: ConnId) {
        if let Some(subscriber) = self.subscribers.get_mut(&conn) {
            warn!(participant = %subscriber.viewer.id, "connection reads nothing of its own answers: closing it");
            if let Some(kick) = subscriber.kick.take() {
                let _ = kick.send(ErrorCode::Lagging);
            }
        }
        self.detach(workshop, conn);
    }

    /// A fresh snapshot for `conn`'s participant, with the lens it was made for.
    fn fresh(&self, workshop: &Workshop, conn: ConnId) -> Option<(Viewer, Utf8Bytes)> {
        let viewer = workshop.viewer(self.subscribers.get(&conn)?.viewer.id);
        let welcome = self.welcome(workshop, &viewer);
        Some((viewer, welcome))
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
        let late = self.deliver_to(&frame, |_, viewer| workshop.sees_person(viewer, person));
        self.settle(workshop, late);
    }

    /// After a delivery: connections that are gone are detached, those that fell
    /// behind catch up.
    fn settle(&mut self, workshop: &Workshop, late: Late) {
        for conn in late.gone {
            self.detach(workshop, conn);
        }
        for conn in late.behind {
            self.catch_up(workshop, conn);
        }
    }

    /// Sends `frame` to the subscribers `to` picks (by connection and viewer);
    /// returns those it could not reach (see [`deliver`]).
    fn deliver_to(&mut self, frame: &Utf8Bytes, to: impl Fn(ConnId, &Viewer) -> bool) -> Late {
        let mut late = Late::default();
        for (conn, subscriber) in &mut self.subscribers {
            if to(*conn, &subscriber.viewer) {
                late.note(*conn, deliver(subscriber, frame.clone()));
            }
        }
        late
    }
}

/// The connections a delivery could not reach.
#[derive(Default)]
struct Late {
    /// Their queue is full: they catch up with a snapshot.
    behind: Vec<ConnId>,
    /// Their connection is gone.
    gone: Vec<ConnId>,
}

impl Late {
    fn note(&mut self, conn: ConnId, delivered: Result<(), Refused>) {
        match delivered {
            Ok(()) => {}
            Err(Refused::Full) if !self.behind.contains(&conn) => self.behind.push(conn),
            Err(Refused::Full) => {}
            Err(Refused::Closed) => self.gone.push(conn),
        }
    }

    fn extend(&mut self, other: Late) {
        for conn in other.behind {
            self.note(conn, Err(Refused::Full));
        }
        self.gone.extend(other.gone);
    }
}

fn presence_frame(participant: ParticipantId, online: bool) -> Utf8Bytes {
    Utf8Bytes::from(ServerMsg::Presence { participant, online }.to_frame())
}

/// Queues a piece of the room's news for a subscriber without ever waiting.
fn deliver(subscriber: &Subscriber, frame: Utf8Bytes) -> Result<(), Refused> {
    subscriber.outbox.push(frame, Kind::News)
}
