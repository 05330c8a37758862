//! The workshop as the state machine sees it: rooms, agenda, participants, notes,
//! votes, polls, timer. The server holds the whole of it; a client holds what its
//! viewer may see (see [`crate::sight`]).
//!
//! This file holds the types of the workshop and its agenda; `note` the notes and
//! what rooms work out about them; `activity` what each kind of step allows;
//! `query` and `poll` reading a workshop; `ballots` how dots travel in JSON.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::{CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId, WorkshopId};

mod activity;
mod ballots;
mod note;
mod poll;
mod query;

pub use note::{Branch, Colour, Details, Field, Note, Side, Source};

/// One live session: its rooms, its agenda, who is in it, and what they did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub id: WorkshopId,
    /// The series this workshop belongs to; a workshop created from another shares it.
    pub campaign: CampaignId,
    /// The finished workshop this one was seeded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<WorkshopId>,
    /// The template it was made from (its key).
    pub template: String,
    pub title: String,
    pub code: JoinCode,
    pub created: Millis,
    pub settings: Settings,
    /// In display order.
    pub rooms: Vec<Room>,
    /// Every column any step shows, in display order.
    pub columns: Vec<Column>,
    /// The agenda, in order; never empty.
    pub steps: Vec<Step>,
    pub participants: BTreeMap<ParticipantId, Participant>,
    pub notes: BTreeMap<NoteId, Note>,
    /// Dots on notes, per vote step and voter.
    #[serde(default, with = "ballots", skip_serializing_if = "BTreeMap::is_empty")]
    pub ballots: BTreeMap<Ballot, u32>,
    /// Rankings of closed votes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<VoteResult>,
    /// Answers to quick polls, and their counts once closed, per poll step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub polls: BTreeMap<StepId, PollState>,
    pub timer: Timer,
    /// What the lead says to every room at once, shown on every board until replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Number of events applied since creation: the position a client resumes from.
    pub seq: u64,
}

/// How the facilitator runs the workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Where people who join with the code go.
    pub assignment: Assignment,
    /// Whether the code still lets new people in.
    pub joining_open: bool,
}

impl Default for Settings {
    /// Newcomers spread over the rooms; the door is open.
    fn default() -> Self {
        Settings {
            assignment: Assignment::Balanced,
            joining_open: true,
        }
    }
}

/// Where newcomers land.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// In the least crowded room, at once.
    #[default]
    Balanced,
    /// In the lobby, until a facilitator places them.
    Facilitator,
    /// In the lobby, until they choose a room themselves (and they may change).
    Choice,
}

/// A breakout room ("section"), usually one territory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// The step this room is on.
    pub step: StepId,
    /// Read-only for participants.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
    /// Hidden-until-reveal steps whose notes this room has revealed.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub revealed: BTreeSet<StepId>,
}

/// A category of notes, e.g. "Besoins prioritaires".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: ColumnId,
    /// The template's name for it (`needs`), when it comes from a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "ColumnKind::is_open")]
    pub kind: ColumnKind,
}

/// Who may post in a column, and how its notes relate to others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnKind {
    /// Anyone may post while a brainstorm shows the column.
    #[default]
    Open,
    /// Only facilitators post (maps, needs recalled from an earlier workshop).
    Facilitators,
    /// Each note hangs under a note of another column (a solution under its need).
    Attached { to: ColumnId },
}

impl ColumnKind {
    fn is_open(&self) -> bool {
        *self == ColumnKind::Open
    }
}

/// A step of the agenda: what the rooms on it do, and which columns they see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    /// The template's name for it (`selection`), when it comes from a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub title: String,
    /// What participants are asked to do, shown with the board.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructions: String,
    /// Planned length; the timer's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    pub columns: Vec<ColumnId>,
    pub activity: Activity,
}

/// What a step is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activity {
    /// Post notes in the step's columns.
    Brainstorm {
        /// Nobody but the author sees who wrote a note.
        #[serde(default, skip_serializing_if = "is_false")]
        anonymous: bool,
        /// Notes stay hidden (but from their author and the facilitators) until revealed.
        #[serde(default, skip_serializing_if = "is_false")]
        hidden: bool,
    },
    /// Spend dots on the notes of the step's columns.
    Vote { rules: VoteRules },
    /// A quick poll: the step's title is the question; one choice each among a few
    /// options ("which challenge will you work on?"). Every room answers together.
    Poll { rules: PollRules },
    /// Say why each note matters, who it affects, how to measure it.
    Characterise {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        focus: Option<Focus>,
    },
    /// Causes below a need, consequences above.
    ProblemTree {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        focus: Option<Focus>,
    },
    /// Every room's results side by side, read-only.
    Plenary,
    /// Talking, a presentation, a testimony: the board is read-only.
    Discussion,
}

/// The notes a step works on: those ranked best by an earlier vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focus {
    pub vote: StepId,
    /// Ranks kept (ties at the cut are all kept).
    pub top: u32,
}

/// The rules of a vote step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRules {
    /// Dots each voter may spend in the step.
    pub budget: u32,
    /// Dots one voter may put on one note.
    pub per_note: u32,
    /// Dots each voter may spend in a column ("3 priority needs and 2 emerging ones").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_column: BTreeMap<ColumnId, u32>,
    /// Dots each voter may spend under one parent note ("3 solutions per need").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_parent: Option<u32>,
    /// Counts stay secret until the vote is closed (voters see their own dots).
    pub secret: bool,
    pub scope: VoteScope,
}

/// The options of a quick poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollRules {
    /// What one may choose, in display order; an answer names one by its index.
    pub options: Vec<String>,
    /// Counts stay secret until the poll is closed (each sees their own choice; the
    /// lead sees everything).
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
}

/// One poll's answers (as far as a viewer may see them) and, once it is closed, its
/// published counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollState {
    /// The option each person chose.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<ParticipantId, u32>,
    /// Answers per option, published when the poll closes; `None` while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<Vec<u32>>,
}

/// Which notes a voter chooses among.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteScope {
    /// Their room's notes; each room has its own ranking.
    #[default]
    Room,
    /// Every room's notes, one ranking for the workshop (a plenary positioning).
    Workshop,
}

/// What someone may do in a workshop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the workshop: every room, every command.
    Lead,
    /// Runs one room ("inspecteur").
    RoomFacilitator,
    /// Posts, votes, edits and deletes their own notes in their room.
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
    /// The room they work in; `None` for a lead (who sees every room) and for people
    /// waiting in the lobby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<RoomId>,
    pub joined: Millis,
    /// "I'm done" with the current step; cleared when their room moves on.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ready: bool,
}

/// Whose dots on which note in which vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ballot {
    pub step: StepId,
    pub voter: ParticipantId,
    pub note: NoteId,
}

/// The ranking of a closed vote, for one room or (`room: None`) the whole workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResult {
    pub step: StepId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<RoomId>,
    /// Every eligible note, best first.
    pub ranking: Vec<Ranked>,
}

/// A note's place in a ranking. Ranks are per column and, where the vote counts per
/// parent, per parent; tied notes share a rank (1, 2, 2, 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub note: NoteId,
    pub column: ColumnId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<NoteId>,
    pub votes: u32,
    /// Distinct voters who gave it at least one dot.
    pub voters: u32,
    pub rank: u32,
}

/// A message from the lead to everyone ("Back in the main room in 2 minutes").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
    pub sent: Millis,
}

/// The shared countdown, authoritative on the server: clients compute the time left
/// from `ends_at` and the server's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub state: TimerState,
    /// Lock every board when the time is up.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_lock: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TimerState {
    #[default]
    Stopped,
    Running {
        ends_at: Millis,
    },
    Paused {
        /// Milliseconds left when it was paused.
        remaining: u64,
    },
    /// Time is up.
    Elapsed,
}

/// The part of a workshop a connection receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lens {
    /// A lead: every room.
    All,
    /// Someone in a room.
    Room(RoomId),
    /// Someone whose room is in a plenary step: every room, read-only, and their own.
    Plenary(RoomId),
    /// Someone not (yet) in any room: the workshop's frame, no board.
    Lobby,
}

impl Lens {
    /// Whether something happening in `room` is seen through this lens.
    pub fn sees_room(self, room: RoomId) -> bool {
        match self {
            Lens::All | Lens::Plenary(_) => true,
            Lens::Room(mine) => mine == room,
            Lens::Lobby => false,
        }
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Step {
    /// Whether the rooms on this step look at every room's board together.
    pub fn gathers_rooms(&self) -> bool {
        self.activity.gathers_rooms()
    }

    /// The earlier vote whose best notes this step works on, and the ranks it keeps.
    pub fn focus(&self) -> Option<Focus> {
        self.activity.focus()
    }

    pub fn vote_rules(&self) -> Option<&VoteRules> {
        self.activity.vote_rules()
    }

    pub fn poll_rules(&self) -> Option<&PollRules> {
        self.activity.poll_rules()
    }
}

impl VoteRules {
    /// The room a ballot on a note of `room` is counted for.
    pub fn tally_room(&self, room: RoomId) -> Option<RoomId> {
        match self.scope {
            VoteScope::Room => Some(room),
            VoteScope::Workshop => None,
        }
    }
}
