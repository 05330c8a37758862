//! Why a command was refused. A rejection always leaves the workshop unchanged.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::ColumnId;

/// A refused command: typed for clients (which translate it), readable for people.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    #[error("you are not a member of this workshop")]
    UnknownActor,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("you can only act in your own room")]
    NotYourRoom,
    #[error("only its author or a facilitator can change this note")]
    NotYourNote,
    #[error("no such room in this workshop")]
    UnknownRoom,
    #[error("no such column on this board")]
    UnknownColumn,
    #[error("no such note (it may have been deleted)")]
    UnknownNote,
    #[error("no such step in the agenda")]
    UnknownStep,
    #[error("no such person in this workshop")]
    UnknownParticipant,
    #[error("no such cause or consequence")]
    UnknownBranch,
    #[error("this id is already used")]
    DuplicateId,
    #[error("the {field} is empty")]
    EmptyText { field: TextField },
    #[error("the {field} is too long: {len} characters, at most {max}")]
    TextTooLong {
        field: TextField,
        len: usize,
        max: usize,
    },
    #[error("the {field} contains control characters")]
    ControlCharacters { field: TextField },
    /// Direction overrides (which reorder what is displayed) or a pile of combining
    /// marks (which spills over the text around it).
    #[error("the {field} contains characters that would garble its display")]
    UnreadableText { field: TextField },
    #[error("someone in this workshop already uses this name")]
    NameTaken,
    #[error("the same name is given twice")]
    DuplicateLabel,
    #[error("too many {what}: at most {max}")]
    TooMany { what: Counted, max: usize },
    #[error("at least one {what} is needed")]
    TooFew { what: Counted },
    #[error("the current step does not allow this")]
    WrongStep,
    #[error("the board is locked")]
    Locked,
    #[error("this vote or poll is closed: the change was not made")]
    VoteClosed,
    #[error("these notes are not part of one tie in a closed vote's ranking")]
    NotATie,
    #[error("that would be more than your {budget} dots in this vote")]
    OverBudget { budget: u32 },
    #[error("that would be more than your {budget} dots in this column")]
    OverColumnBudget { column: ColumnId, budget: u32 },
    #[error("that would be more than your {budget} dots under this note")]
    OverParentBudget { budget: u32 },
    #[error("at most {cap} dots on one note")]
    OverNoteCap { cap: u32 },
    #[error("someone has already spent {min} dots: the limit cannot go below that")]
    BudgetBelowVotes { min: u32 },
    #[error("this setting is not valid: {reason}")]
    InvalidRules { reason: String },
    #[error("only facilitators post in this column")]
    FacilitatorsOnly,
    #[error("a note of this column must hang under a note of its parent column")]
    ParentRequired,
    #[error("this note cannot hang under that one")]
    WrongParent,
    #[error("these notes cannot be merged: same room, column and parent only")]
    CannotMerge,
    #[error("this note has notes hanging under it: a facilitator must delete it")]
    HasAttachedNotes,
    #[error("this room is not empty")]
    RoomInUse,
    #[error("a room is on this step")]
    StepInUse,
    #[error("the workshop needs at least one lead facilitator")]
    LastLead,
    #[error("the facilitator places participants in rooms")]
    ChoiceNotAllowed,
    #[error("this workshop does not accept new participants")]
    JoiningClosed,
    /// Set by the server, not the state machine: a person posts, or a connection
    /// sends, faster than anyone types or clicks.
    #[error("too many {what} too quickly (at most {per_minute} a minute): try again in {retry_secs} s")]
    TooFast {
        what: Paced,
        per_minute: u32,
        retry_secs: u32,
    },
}

/// What a pace rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paced {
    /// Notes one person posts, from all their connections together.
    Notes,
    /// Messages one connection sends.
    Commands,
}

impl std::fmt::Display for Paced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Paced::Notes => "notes",
            Paced::Commands => "commands",
        })
    }
}

/// Which text a text rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Note,
    Name,
    Title,
    Label,
    Details,
    Branch,
    Message,
    /// An option of a quick poll.
    Option,
}

/// What a count rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Rooms,
    Columns,
    Steps,
    Participants,
    Notes,
    Branches,
    MapItems,
}

impl std::fmt::Display for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextField::Note => "note",
            TextField::Name => "name",
            TextField::Title => "title",
            TextField::Label => "label",
            TextField::Details => "text",
            TextField::Branch => "cause or consequence",
            TextField::Message => "message",
            TextField::Option => "poll answer",
        })
    }
}

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Counted::Rooms => "rooms",
            Counted::Columns => "columns",
            Counted::Steps => "steps",
            Counted::Participants => "participants",
            Counted::Notes => "notes",
            Counted::Branches => "causes or consequences",
            Counted::MapItems => "items in a map",
        })
    }
}
