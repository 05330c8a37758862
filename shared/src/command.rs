//! What an actor asks of a workshop. Commands are validated by the state machine;
//! nothing here is trusted.

use serde::{Deserialize, Serialize};

use crate::ids::{ColumnId, NoteId, ParticipantId, RoomId};
use crate::model::{Colour, Role};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    /// Adds someone to the workshop. Only the server issues it, when someone joins
    /// with the code; it places participants in the least crowded room.
    Admit {
        participant: ParticipantId,
        name: String,
        role: Role,
    },
    /// Posts a note; the client chooses its id so that its author sees it at once.
    PostNote {
        note: NoteId,
        room: RoomId,
        column: ColumnId,
        text: String,
        #[serde(default)]
        colour: Colour,
    },
    /// Replaces a note's text and colour.
    EditNote {
        note: NoteId,
        text: String,
        colour: Colour,
    },
    DeleteNote {
        note: NoteId,
    },
}
