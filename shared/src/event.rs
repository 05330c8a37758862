//! What happened to a workshop. Events are facts: applying one never fails, on the
//! server's state or on a client's partial replica (see `Workshop::apply_event`).

use serde::{Deserialize, Serialize};

use crate::ids::{ColumnId, NoteId, ParticipantId, RoomId, StepId};
use crate::model::{
    Colour, Column, Details, Message, Note, Participant, Role, Room, Settings, Step, Timer, VoteResult,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    ParticipantJoined {
        participant: Participant,
    },
    /// Moved to another room (or the lobby), or given another role.
    ParticipantChanged {
        participant: Participant,
        /// The room they were in.
        from: Option<RoomId>,
        /// The role they had.
        was: Role,
    },
    ReadyChanged {
        participant: ParticipantId,
        room: Option<RoomId>,
        ready: bool,
    },
    SettingsChanged {
        settings: Settings,
    },
    RoomAdded {
        room: Room,
    },
    RoomRenamed {
        room: RoomId,
        name: String,
        territory: Option<String>,
    },
    RoomRemoved {
        room: RoomId,
    },
    ColumnAdded {
        column: Column,
    },
    ColumnRenamed {
        column: ColumnId,
        title: String,
    },
    Locked {
        room: RoomId,
        locked: bool,
    },
    StepAdded {
        step: Step,
        position: usize,
    },
    StepEdited {
        step: Step,
    },
    StepRemoved {
        step: StepId,
    },
    /// A room moved to a step; its participants' "done" signals are cleared.
    StepStarted {
        room: RoomId,
        step: StepId,
    },
    /// The room's hidden notes are shown; `step` is marked revealed in the room, so
    /// notes posted later in it are visible at once.
    Revealed {
        room: RoomId,
        step: StepId,
        notes: Vec<Note>,
    },
    TimerChanged {
        timer: Timer,
    },
    /// The lead's message to everyone changed (`null`: taken down).
    Broadcast {
        message: Option<Message>,
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
    NotesMerged {
        room: RoomId,
        into: NoteId,
        notes: Vec<NoteId>,
    },
    NoteUngrouped {
        room: RoomId,
        note: NoteId,
        /// The group it leaves: copies that cannot see `note` still update its leader.
        group: NoteId,
    },
    MapImported {
        room: RoomId,
        notes: Vec<Note>,
    },
    DetailsChanged {
        note: NoteId,
        room: RoomId,
        details: Details,
        rev: u32,
    },
    VoteCast {
        step: StepId,
        room: RoomId,
        voter: ParticipantId,
        note: NoteId,
        dots: u32,
    },
    VoteClosed {
        result: VoteResult,
    },
    VoteReopened {
        step: StepId,
        room: Option<RoomId>,
    },
    Answered {
        step: StepId,
        participant: ParticipantId,
        option: Option<u32>,
    },
    PollClosed {
        step: StepId,
        counts: Vec<u32>,
    },
    PollReopened {
        step: StepId,
    },
}

impl Event {
    /// Whether this event leaves every participant's role, room and rooms' current
    /// steps as they were, so nobody's lens ([`crate::model::Lens`]) or rules of
    /// sight change with it. Only the frequent events of a board say so; any other
    /// is taken as a possible change (the fan-out then checks each connection).
    pub fn keeps_lenses(&self) -> bool {
        matches!(
            self,
            Event::NotePosted { .. }
                | Event::NoteEdited { .. }
                | Event::DetailsChanged { .. }
                | Event::NoteDeleted { .. }
                | Event::NotesMerged { .. }
                | Event::NoteUngrouped { .. }
                | Event::VoteCast { .. }
                | Event::Answered { .. }
                | Event::ReadyChanged { .. }
                | Event::TimerChanged { .. }
                | Event::Broadcast { .. }
        )
    }

    /// The room this event happens in, or `None` when it concerns the whole workshop.
    pub fn room(&self) -> Option<RoomId> {
        match self {
            Event::ParticipantJoined { participant } => participant.room,
            Event::ParticipantChanged { participant, .. } => participant.room,
            Event::ReadyChanged { room, .. } => *room,
            Event::NotePosted { note } => Some(note.room),
            Event::NoteEdited { room, .. }
            | Event::NoteDeleted { room, .. }
            | Event::NotesMerged { room, .. }
            | Event::NoteUngrouped { room, .. }
            | Event::MapImported { room, .. }
            | Event::DetailsChanged { room, .. }
            | Event::VoteCast { room, .. }
            | Event::Revealed { room, .. } => Some(*room),
            Event::VoteClosed { result } => result.room,
            Event::VoteReopened { room, .. } => *room,
            Event::Answered { .. } | Event::PollClosed { .. } | Event::PollReopened { .. } => None,
            Event::SettingsChanged { .. }
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
            | Event::Broadcast { .. } => None,
        }
    }
}
