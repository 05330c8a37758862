//! What happened to a workshop. Events are facts: applying one never fails, on the
//! server's state or on a client's partial replica.

use serde::{Deserialize, Serialize};

use crate::ids::{NoteId, RoomId};
use crate::model::{Colour, Lens, Note, Participant};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    ParticipantJoined {
        participant: Participant,
    },
    NotePosted {
        note: Note,
    },
    NoteEdited {
        note: NoteId,
        room: RoomId,
        text: String,
        colour: Colour,
        rev: u32,
    },
    NoteDeleted {
        note: NoteId,
        room: RoomId,
    },
}

impl Event {
    /// The room this event happens in, or `None` when it concerns the whole workshop.
    pub fn room(&self) -> Option<RoomId> {
        match self {
            Event::ParticipantJoined { participant } => participant.room,
            Event::NotePosted { note } => Some(note.room),
            Event::NoteEdited { room, .. } | Event::NoteDeleted { room, .. } => Some(*room),
        }
    }

    /// Whether a connection looking through `lens` receives this event.
    pub fn visible_through(&self, lens: Lens) -> bool {
        match self.room() {
            Some(room) => lens.sees_room(room),
            None => true,
        }
    }
}
