//! The case file ("rapport d'enquête") of a workshop as plain data, which every export
//! format renders: per room, the rankings of closed votes, the characterisations, the
//! problem trees, the notes under each need, every column's notes and the figures;
//! for the workshop, its own votes, its quick polls, its figures and participation
//! over time.
//!
//! Built from the server's whole copy of a workshop, for facilitators and organisers:
//! it names authors, except of notes posted anonymously. Text is kept as typed; each
//! renderer escapes it for its format.

use serde::{Deserialize, Serialize};

use crate::ids::Millis;

mod build;

pub use build::under_parents;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub template: String,
    pub created: Millis,
    pub figures: Figures,
    /// Votes counted for the whole workshop (a plenary positioning), in agenda order.
    pub votes: Vec<VoteReport>,
    /// Quick polls someone answered, in agenda order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub polls: Vec<PollReport>,
    pub rooms: Vec<RoomReport>,
    pub timeline: Timeline,
}

/// Who took part and how much.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Participants (not facilitators nor observers) in the workshop or the room.
    pub participants: usize,
    /// Of whom posted at least one note.
    pub contributors: usize,
    /// Of whom spent at least one dot.
    pub voters: usize,
    /// Notes people posted (not those from a map or an earlier workshop).
    pub notes: usize,
    /// Dots spent, in every vote.
    pub dots: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomReport {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// The step the room is on.
    pub step: String,
    pub figures: Figures,
    pub votes: Vec<VoteReport>,
    pub characterised: Vec<Characterised>,
    pub trees: Vec<Tree>,
    /// Notes hanging under others (solutions under their need).
    pub attached: Vec<Attached>,
    /// Every column's notes, as the board shows them.
    pub columns: Vec<ColumnNotes>,
}

impl RoomReport {
    /// "Aude", or "Section 1 (Aude)" when the room and its territory differ.
    pub fn label(&self) -> String {
        match &self.territory {
            Some(t) if *t != self.name => format!("{} ({t})", self.name),
            _ => self.name.clone(),
        }
    }
}

/// The ranking of one closed vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteReport {
    pub step: String,
    /// One ranking per column the vote counted, notes with at least one dot, best first.
    pub columns: Vec<Ranking>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub column: String,
    pub rows: Vec<RankedNote>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedNote {
    pub rank: u32,
    pub text: String,
    pub votes: u32,
    pub voters: u32,
    /// The note it hangs under, where ranks count per parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its room, in a ranking of the whole workshop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

/// A quick poll's question and how many chose each option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollReport {
    pub question: String,
    /// Still open when the report was made: the counts may still move.
    pub open: bool,
    /// Counts kept from participants until it closes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// In the poll's order.
    pub options: Vec<PollOption>,
    /// People who answered.
    pub answers: u32,
}

/// `count` of `total` in whole percent, rounded (2 of 3 is 67).
pub fn percent(count: u32, total: u32) -> u32 {
    (u64::from(count) * 100 + u64::from(total) / 2)
        .checked_div(u64::from(total))
        .map_or(0, |p| p as u32)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    pub text: String,
    pub count: u32,
}

/// Why a need matters, who it affects, how to measure it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Characterised {
    pub note: String,
    pub why: String,
    pub who: String,
    pub measure: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    pub note: String,
    pub consequences: Vec<String>,
    pub causes: Vec<String>,
}

/// The notes of one column posted under one note (the solutions to one need).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    pub column: String,
    pub parent: String,
    /// Most voted first.
    pub notes: Vec<NoteLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnNotes {
    pub column: String,
    pub notes: Vec<NoteLine>,
}

/// A note as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteLine {
    pub text: String,
    /// `None` for an anonymous note, a map's or an earlier workshop's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub origin: Origin,
    pub created: Millis,
    /// Not revealed to the room yet.
    pub hidden: bool,
    /// The note it hangs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its place in the last closed vote that counted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<Placed>,
    /// Duplicates merged into it, shown and counted as this note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<NoteLine>,
}

/// Where a note comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Posted during the workshop: a new clue.
    Posted,
    /// From a prepared map.
    Map,
    /// Retained by an earlier workshop of the campaign.
    Campaign,
}

/// A note's result in a closed vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub step: String,
    pub rank: u32,
    pub votes: u32,
    pub voters: u32,
}

/// Notes posted and people arriving, per slice of time since the workshop was created.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub start: Millis,
    pub minutes: u32,
    pub notes: Vec<u32>,
    pub arrivals: Vec<u32>,
}
