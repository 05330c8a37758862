//! Who sees what. A participant sees their room (every room during a plenary), the
//! people in it and the facilitators; a lead sees everything. Within what one sees:
//! - a hidden note is seen by its author and the room's facilitators only, until
//!   revealed;
//! - an anonymous note's author is known to the author only (facilitators included:
//!   anonymous means anonymous);
//! - a secret vote's dots are seen by their voter and the room's facilitators; the
//!   ranking is published when the vote closes; nobody sees dots on a note they
//!   cannot see;
//! - a poll's answers are seen by everyone (a poll gathers every room), a secret
//!   poll's by the answerer and the lead only, until its counts are published.
//!
//! The server uses these rules to build each connection's snapshot ([`Workshop::view`])
//! and to decide, per event, whether a connection gets it whole, with the author left
//! out, or not at all ([`Workshop::sight`]). A client's replica, fed that way, shows
//! exactly what the server's view shows (tested in `machine::tests::properties`).

use crate::event::Event;
use crate::ids::{ParticipantId, RoomId};
use crate::model::{Ballot, Lens, Note, Participant, PollState, Role, Workshop};

/// Someone looking at the workshop, and through which lens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub id: ParticipantId,
    pub lens: Lens,
}

/// What a viewer gets of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight {
    Nothing,
    /// The event without what this viewer may not know ([`Event::redacted`]).
    Redacted,
    Full,
}

/// An event about to be sent to many viewers ([`Workshop::seeing`]).
#[derive(Clone, Copy, Debug)]
pub struct Seeing<'a> {
    workshop: &'a Workshop,
    event: &'a Event,
    /// The note an edit is about, as it now stands.
    note: Option<&'a Note>,
}

impl Seeing<'_> {
    /// What `viewer` gets of the event.
    pub fn sight(&self, viewer: &Viewer) -> Sight {
        let (workshop, event) = (self.workshop, self.event);
        let room_rule = |room: Option<RoomId>| match room {
            Some(room) if !viewer.lens.sees_room(room) => Sight::Nothing,
            _ => Sight::Full,
        };
        match event {
            Event::ParticipantJoined { participant } => workshop.person_sight(viewer, participant),
            Event::ParticipantChanged {
                participant,
                from,
                was,
            } => {
                // Whoever saw them before must learn they are gone from view.
                let before = Participant {
                    room: *from,
                    role: *was,
                    ..participant.clone()
                };
                if workshop.sees_person(viewer, &before) {
                    Sight::Full
                } else {
                    workshop.person_sight(viewer, participant)
                }
            }
            Event::NotePosted { note } => workshop.note_sight(viewer, note),
            Event::NoteEdited { room, .. } | Event::DetailsChanged { room, .. } => match self.note {
                Some(n) if workshop.note_sight(viewer, n) == Sight::Nothing => Sight::Nothing,
                _ => room_rule(Some(*room)),
            },
            Event::VoteCast {
                step, voter, note, ..
            } => {
                let ballot = Ballot {
                    step: *step,
                    voter: *voter,
                    note: *note,
                };
                if workshop.sees_ballot(viewer, &ballot) {
                    Sight::Full
                } else {
                    Sight::Nothing
                }
            }
            Event::Answered {
                step, participant, ..
            } => {
                if workshop.sees_answer(viewer, *step, *participant) {
                    Sight::Full
                } else {
                    Sight::Nothing
                }
            }
            // Everyone learns the room revealed its step; only the room gets the notes.
            Event::Revealed { room, .. } => {
                if viewer.lens.sees_room(*room) {
                    Sight::Full
                } else {
                    Sight::Redacted
                }
            }
            Event::ReadyChanged { .. }
            | Event::NoteDeleted { .. }
            | Event::NotesMerged { .. }
            | Event::NoteUngrouped { .. }
            | Event::MapImported { .. }
            | Event::VoteClosed { .. }
            | Event::VoteReopened { .. }
            | Event::PollClosed { .. }
            | Event::PollReopened { .. }
            | Event::SettingsChanged { .. }
            | Event::RoomAdded { .. }
            | Event::RoomRenamed { .. }
            | Event::RoomRemoved { .. }
            | Event::ColumnAdded { .. }
            | Event::ColumnRenamed { .. }
            | Event::Locked { .. }
            | Event::StepAdded { .. }
            | Event::StepEdited { .. }
            | Event::StepRemoved { .. }
            | Event::StepStarted { .. }
            | Event::TimerChanged { .. }
            | Event::Broadcast { .. } => room_rule(event.room()),
        }
    }
}

impl Workshop {
    pub fn viewer(&self, id: ParticipantId) -> Viewer {
        Viewer {
            id,
            lens: self.lens_of(id),
        }
    }

    /// The copy of this workshop `viewer` holds.
    pub fn view(&self, viewer: &Viewer) -> Workshop {
        Workshop {
            participants: self
                .participants
                .values()
                .filter(|p| self.sees_person(viewer, p))
                .map(|p| (p.id, p.clone()))
                .collect(),
            notes: self
                .notes
                .values()
                .filter_map(|n| self.note_as_seen(viewer, n).map(|n| (n.id, n)))
                .collect(),
            ballots: self
                .ballots
                .iter()
                .filter(|(b, _)| self.sees_ballot(viewer, b))
                .map(|(b, d)| (*b, *d))
                .collect(),
            results: self
                .results
                .iter()
                .filter(|r| r.room.is_none_or(|room| viewer.lens.sees_room(room)))
                .cloned()
                .collect(),
            polls: self
                .polls
                .iter()
                .map(|(step, poll)| {
                    let answers = poll
                        .answers
                        .iter()
                        .filter(|(who, _)| self.sees_answer(viewer, *step, **who))
                        .map(|(who, option)| (*who, *option))
                        .collect();
                    (
                        *step,
                        PollState {
                            answers,
                            counts: poll.counts.clone(),
                        },
                    )
                })
                .filter(|(_, poll)| !poll.answers.is_empty() || poll.counts.is_some())
                .collect(),
            ..self.clone_frame()
        }
    }

    /// What `viewer` gets of `event`, which has just been applied to this workshop.
    pub fn sight(&self, viewer: &Viewer, event: &Event) -> Sight {
        self.seeing(event).sight(viewer)
    }

    /// `event` ready to be judged for many viewers: what every viewer's sight of it
    /// depends on (the edited note) is looked up once.
    pub fn seeing<'a>(&'a self, event: &'a Event) -> Seeing<'a> {
        let note = match event {
            Event::NoteEdited { note, .. } | Event::DetailsChanged { note, .. } => self.notes.get(note),
            _ => None,
        };
        Seeing {
            workshop: self,
            event,
            note,
        }
    }

    /// Whether a connection of `viewer` must receive a fresh snapshot after `events`,
    /// rather than the events: its lens changed, or the rules of what it may see did
    /// (its own role, a vote's secrecy), which events alone cannot carry.
    pub fn needs_snapshot(&self, viewer: &Viewer, events: &[Event]) -> bool {
        // The fast way out first: this runs for every connection on every command.
        if events.iter().all(Event::keeps_lenses) {
            return false;
        }
        self.lens_of(viewer.id) != viewer.lens
            || events.iter().any(|e| match e {
                Event::ParticipantChanged { participant, .. } => participant.id == viewer.id,
                Event::StepEdited { .. } => true,
                _ => false,
            })
    }

    /// Whether `viewer` sees `note`, and whether with its author. Allocates nothing:
    /// it runs for every connection on every posted note.
    fn note_sight(&self, viewer: &Viewer, note: &Note) -> Sight {
        if !viewer.lens.sees_room(note.room) {
            return Sight::Nothing;
        }
        let own = note.author == Some(viewer.id);
        if note.hidden && !own && !self.facilitates(viewer.id, note.room) {
            return Sight::Nothing;
        }
        if note.anonymous && !own {
            Sight::Redacted
        } else {
            Sight::Full
        }
    }

    /// `note` as `viewer` may see it, if at all.
    pub fn note_as_seen(&self, viewer: &Viewer, note: &Note) -> Option<Note> {
        match self.note_sight(viewer, note) {
            Sight::Nothing => None,
            Sight::Full => Some(note.clone()),
            Sight::Redacted => Some(Note {
                author: None,
                ..note.clone()
            }),
        }
    }

    /// Whether `viewer` sees `p` (in their lists, their presence).
    pub fn sees_person(&self, viewer: &Viewer, p: &Participant) -> bool {
        p.id == viewer.id
            || viewer.lens == Lens::All
            || p.role == Role::Lead
            || p.room.is_some_and(|room| viewer.lens.sees_room(room))
    }

    fn person_sight(&self, viewer: &Viewer, p: &Participant) -> Sight {
        if self.sees_person(viewer, p) {
            Sight::Full
        } else {
            Sight::Nothing
        }
    }

    fn sees_ballot(&self, viewer: &Viewer, ballot: &Ballot) -> bool {
        let Some(note) = self.notes.get(&ballot.note) else {
            return false;
        };
        if self.note_sight(viewer, note) == Sight::Nothing {
            return false;
        }
        let secret = self
            .step(ballot.step)
            .and_then(|s| s.vote_rules())
            .is_none_or(|r| r.secret);
        !secret || ballot.voter == viewer.id || self.facilitates(viewer.id, note.room)
    }

    /// Whether `viewer` sees what `who` answered to poll `step`: their own answer
    /// always; in an open poll, anyone's, unless the viewer waits in the lobby; in a
    /// secret one, only the lead does. (Who sees an answer depends on the viewer's
    /// lens, not on the rooms of those who answered, which they may leave: a copy
    /// never holds an answer it would later have to forget without being told; a
    /// change of lens brings a fresh snapshot.)
    fn sees_answer(&self, viewer: &Viewer, step: crate::ids::StepId, who: ParticipantId) -> bool {
        let secret = self
            .step(step)
            .and_then(|s| s.poll_rules())
            .is_none_or(|r| r.secret);
        let open_to_all = !secret && viewer.lens != Lens::Lobby;
        open_to_all || who == viewer.id || viewer.lens == Lens::All
    }

    /// Everything but the parts each viewer sees differently.
    fn clone_frame(&self) -> Workshop {
        Workshop {
            id: self.id,
            campaign: self.campaign,
            origin: self.origin,
            template: self.template.clone(),
            title: self.title.clone(),
            code: self.code.clone(),
            created: self.created,
            settings: self.settings.clone(),
            rooms: self.rooms.clone(),
            columns: self.columns.clone(),
            steps: self.steps.clone(),
            participants: Default::default(),
            notes: Default::default(),
            ballots: Default::default(),
            results: Default::default(),
            polls: Default::default(),
            timer: self.timer,
            message: self.message.clone(),
            seq: self.seq,
        }
    }
}

impl Event {
    /// This event for viewers who may see only part of it: a note without its author
    /// (anonymous), a revealed room without its notes (another room).
    pub fn redacted(&self) -> Event {
        match self {
            Event::NotePosted { note } => Event::NotePosted {
                note: Note {
                    author: None,
                    ..note.clone()
                },
            },
            Event::Revealed { room, step, .. } => Event::Revealed {
                room: *room,
                step: *step,
                notes: Vec::new(),
            },
            other => other.clone(),
        }
    }
}
