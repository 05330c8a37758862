//! Why a command was refused. A rejection always leaves the workshop unchanged.

use serde::{Deserialize, Serialize};
use thiserror::Error;

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
    #[error("someone in this workshop already uses this name")]
    NameTaken,
    #[error("the same name is given twice")]
    DuplicateLabel,
    #[error("too many {what}: at most {max}")]
    TooMany { what: Counted, max: usize },
    #[error("at least one {what} is needed")]
    TooFew { what: Counted },
}

/// Which text a text rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Note,
    Name,
    Title,
    Label,
}

/// What a count rejection is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Rooms,
    Columns,
    Participants,
    Notes,
}

impl std::fmt::Display for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextField::Note => "note",
            TextField::Name => "name",
            TextField::Title => "title",
            TextField::Label => "label",
        })
    }
}

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Counted::Rooms => "rooms",
            Counted::Columns => "columns",
            Counted::Participants => "participants",
            Counted::Notes => "notes",
        })
    }
}
