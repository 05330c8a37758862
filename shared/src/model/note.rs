//! Notes: their colour, where they come from, what a room worked out about them.

use serde::{Deserialize, Serialize};

use super::is_false;
use crate::ids::{BranchId, ColumnId, Millis, NoteId, ParticipantId, RoomId, WorkshopId};

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

    pub fn parse(text: &str) -> Option<Colour> {
        Colour::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// A sticky note on a room's board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub room: RoomId,
    pub column: ColumnId,
    /// Always known to the server; `None` in the copy of someone who may not know it
    /// (an anonymous note seen by anyone but its author).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<ParticipantId>,
    pub text: String,
    pub colour: Colour,
    pub created: Millis,
    /// Bumped by every change: lets a view re-render exactly the notes that changed.
    pub rev: u32,
    /// Where the note comes from.
    #[serde(default, skip_serializing_if = "Source::is_posted")]
    pub source: Source,
    /// Posted in an anonymous brainstorm.
    #[serde(default, skip_serializing_if = "is_false")]
    pub anonymous: bool,
    /// Posted in a hidden brainstorm and not revealed yet.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// The note this one hangs under (a solution's need).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<NoteId>,
    /// The note this one was merged into: it is shown, and voted for, as that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<NoteId>,
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
}

impl Note {
    /// A note as it starts: yellow, posted, never edited, shown, in no group, hanging
    /// under nothing, without details. Callers set what differs.
    pub fn new(
        id: NoteId,
        room: RoomId,
        column: ColumnId,
        author: ParticipantId,
        text: String,
        created: Millis,
    ) -> Note {
        Note {
            id,
            room,
            column,
            author: Some(author),
            text,
            colour: Colour::default(),
            created,
            rev: 0,
            source: Source::Posted,
            anonymous: false,
            hidden: false,
            parent: None,
            group: None,
            details: Details::default(),
        }
    }
}

/// How a note came to be on the board.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    #[default]
    Posted,
    /// Imported from a map (a prepared list of needs or solutions).
    Map,
    /// Retained by an earlier workshop of the campaign.
    Campaign {
        workshop: WorkshopId,
        note: NoteId,
        /// Its rank in the vote that retained it there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank: Option<u32>,
        /// The points it had in that vote.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        votes: Option<u32>,
    },
}

impl Source {
    fn is_posted(&self) -> bool {
        *self == Source::Posted
    }
}

/// What a room worked out about a note: its characterisation and its problem tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    /// Why it matters on the territory.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// Who is affected.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub who: String,
    /// How to measure it (impact indicators).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub measure: String,
    /// Causes, shown below the need, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<Branch>,
    /// Consequences, shown above the need, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<Branch>,
}

impl Details {
    pub fn is_empty(&self) -> bool {
        *self == Details::default()
    }

    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Why => &self.why,
            Field::Who => &self.who,
            Field::Measure => &self.measure,
        }
    }

    pub fn branches(&self, side: Side) -> &Vec<Branch> {
        match side {
            Side::Cause => &self.causes,
            Side::Consequence => &self.consequences,
        }
    }

    pub fn branches_mut(&mut self, side: Side) -> &mut Vec<Branch> {
        match side {
            Side::Cause => &mut self.causes,
            Side::Consequence => &mut self.consequences,
        }
    }
}

/// A characterisation field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Why,
    Who,
    Measure,
}

/// A side of a problem tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Cause,
    Consequence,
}

/// A cause or a consequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub id: BranchId,
    pub text: String,
}
