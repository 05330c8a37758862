//! The workshop as the state machine sees it: rooms, columns, participants and notes.
//! The server holds the whole of it; a client holds the part its viewer may see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, WorkshopId};

/// One live session: its rooms, who is in it, and what they wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub id: WorkshopId,
    pub title: String,
    pub code: JoinCode,
    pub created: Millis,
    /// In display order.
    pub rooms: Vec<Room>,
    /// In display order; every room's board has these columns.
    pub columns: Vec<Column>,
    pub participants: BTreeMap<ParticipantId, Participant>,
    pub notes: BTreeMap<NoteId, Note>,
    /// Number of events applied since creation: the position a client resumes from.
    pub seq: u64,
}

/// A breakout room ("section"), usually one territory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
}

/// A category of notes on every board, e.g. "Besoins prioritaires".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: ColumnId,
    pub title: String,
}

/// What someone may do in a workshop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the workshop: every room, every command.
    Lead,
    /// Runs one room ("inspecteur").
    RoomFacilitator,
    /// Posts, edits and deletes their own notes in their room.
    Participant,
    /// Reads their room, changes nothing.
    Observer,
}

impl Role {
    /// Whether this role animates (and may moderate) a room.
    pub fn facilitates(self) -> bool {
        matches!(self, Role::Lead | Role::RoomFacilitator)
    }
}

/// Someone in the workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    /// The room they work in; `None` for a lead facilitator, who sees every room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<RoomId>,
    pub joined: Millis,
}

/// The colours a note can take; the palette is the client's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    #[default]
    Yellow,
    Pink,
    Blue,
    Green,
    Orange,
    Purple,
}

impl Colour {
    pub const ALL: [Colour; 6] = [
        Colour::Yellow,
        Colour::Pink,
        Colour::Blue,
        Colour::Green,
        Colour::Orange,
        Colour::Purple,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Yellow => "yellow",
            Colour::Pink => "pink",
            Colour::Blue => "blue",
            Colour::Green => "green",
            Colour::Orange => "orange",
            Colour::Purple => "purple",
        }
    }
}

/// A sticky note on a room's board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub room: RoomId,
    pub column: ColumnId,
    pub author: ParticipantId,
    pub text: String,
    pub colour: Colour,
    pub created: Millis,
    /// Bumped by every edit: lets a view re-render exactly the notes that changed.
    pub rev: u32,
}

/// The part of a workshop a connection receives: a lead sees every room, anyone
/// else the room they are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lens {
    All,
    Room(RoomId),
    /// Someone not (yet) in any room: the workshop's frame, no board.
    Lobby,
}

impl Lens {
    /// Whether something happening in `room` is seen through this lens.
    pub fn sees_room(self, room: RoomId) -> bool {
        match self {
            Lens::All => true,
            Lens::Room(mine) => mine == room,
            Lens::Lobby => false,
        }
    }
}

impl Workshop {
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    /// What `participant` may see of this workshop.
    pub fn lens_of(&self, participant: ParticipantId) -> Lens {
        match self.participants.get(&participant) {
            Some(p) if p.role == Role::Lead => Lens::All,
            Some(Participant { room: Some(room), .. }) => Lens::Room(*room),
            _ => Lens::Lobby,
        }
    }

    /// The copy of this workshop a client seeing through `lens` holds.
    pub fn view(&self, lens: Lens) -> Workshop {
        let visible_person = |p: &Participant| match p.room {
            Some(room) => lens.sees_room(room),
            None => true,
        };
        Workshop {
            id: self.id,
            title: self.title.clone(),
            code: self.code.clone(),
            created: self.created,
            rooms: self.rooms.clone(),
            columns: self.columns.clone(),
            participants: self
                .participants
                .iter()
                .filter(|(_, p)| visible_person(p))
                .map(|(id, p)| (*id, p.clone()))
                .collect(),
            notes: self
                .notes
                .iter()
                .filter(|(_, n)| lens.sees_room(n.room))
                .map(|(id, n)| (*id, n.clone()))
                .collect(),
            seq: self.seq,
        }
    }

    /// The notes of one room and column, oldest first.
    pub fn notes_in(&self, room: RoomId, column: ColumnId) -> Vec<&Note> {
        let mut notes: Vec<&Note> = self
            .notes
            .values()
            .filter(|n| n.room == room && n.column == column)
            .collect();
        notes.sort_by_key(|n| (n.created, n.id));
        notes
    }

    /// Participants (not facilitators nor observers) currently assigned to `room`.
    pub fn headcount(&self, room: RoomId) -> usize {
        self.participants
            .values()
            .filter(|p| p.room == Some(room) && p.role == Role::Participant)
            .count()
    }
}
