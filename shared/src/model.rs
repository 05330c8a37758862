//! The workshop as the state machine sees it: rooms, agenda, participants, notes,
//! votes, timer. The server holds the whole of it; a client holds what its viewer may
//! see (see [`crate::sight`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::{
    BranchId, CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId, WorkshopId,
};

mod activity;
mod poll;

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

/// Ballots travel as a list: JSON object keys can only be strings.
mod ballots {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Ballot;

    #[derive(Serialize, Deserialize)]
    struct Entry {
        #[serde(flatten)]
        ballot: Ballot,
        dots: u32,
    }

    pub(super) fn serialize<S: Serializer>(
        ballots: &BTreeMap<Ballot, u32>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(ballots.iter().map(|(ballot, dots)| Entry {
            ballot: *ballot,
            dots: *dots,
        }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<Ballot, u32>, D::Error> {
        let entries = Vec::<Entry>::deserialize(deserializer)?;
        Ok(entries.into_iter().map(|e| (e.ballot, e.dots)).collect())
    }
}

impl Workshop {
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub fn room_mut(&mut self, id: RoomId) -> Option<&mut Room> {
        self.rooms.iter_mut().find(|r| r.id == id)
    }

    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The step `room` is on.
    pub fn current_step(&self, room: RoomId) -> Option<&Step> {
        self.step(self.room(room)?.step)
    }

    /// What `participant` may see of this workshop.
    pub fn lens_of(&self, participant: ParticipantId) -> Lens {
        match self.participants.get(&participant) {
            Some(p) if p.role == Role::Lead => Lens::All,
            Some(Participant { room: Some(room), .. }) => {
                let together = self.current_step(*room).is_some_and(|s| s.gathers_rooms());
                if together {
                    Lens::Plenary(*room)
                } else {
                    Lens::Room(*room)
                }
            }
            _ => Lens::Lobby,
        }
    }

    /// Whether `participant` facilitates `room`: a lead everywhere, a room facilitator
    /// in theirs.
    pub fn facilitates(&self, participant: ParticipantId, room: RoomId) -> bool {
        self.participants.get(&participant).is_some_and(|p| match p.role {
            Role::Lead => true,
            Role::RoomFacilitator => p.room == Some(room),
            Role::Participant | Role::Observer => false,
        })
    }

    /// The notes of one room and column as a board shows them: groups' members are
    /// shown inside their leader, oldest first.
    pub fn notes_in(&self, room: RoomId, column: ColumnId) -> Vec<&Note> {
        let mut notes: Vec<&Note> = self
            .notes
            .values()
            .filter(|n| n.room == room && n.column == column && n.group.is_none())
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

    /// The ranking of vote `step` for `room` (or the workshop), once closed.
    pub fn result(&self, step: StepId, room: Option<RoomId>) -> Option<&VoteResult> {
        self.results.iter().find(|r| r.step == step && r.room == room)
    }

    /// Dots `voter` has on `note` in vote `step`.
    pub fn dots(&self, step: StepId, voter: ParticipantId, note: NoteId) -> u32 {
        self.ballots
            .get(&Ballot { step, voter, note })
            .copied()
            .unwrap_or(0)
    }

    /// The notes a characterise or problem-tree step works on in `room`: the best
    /// ranked by its focus vote, or every note of its columns.
    pub fn focus_notes(&self, step: &Step, room: RoomId) -> Vec<NoteId> {
        match step.focus() {
            Some(Focus { vote, top }) => {
                let scope_room = self
                    .step(vote)
                    .and_then(Step::vote_rules)
                    .map_or(Some(room), |rules| rules.tally_room(room));
                self.result(vote, scope_room)
                    .map(|result| {
                        result
                            .ranking
                            .iter()
                            .filter(|r| r.rank <= top && r.votes > 0 && step.columns.contains(&r.column))
                            .filter(|r| self.notes.get(&r.note).is_some_and(|n| n.room == room))
                            .map(|r| r.note)
                            .collect()
                    })
                    .unwrap_or_default()
            }
            None => step
                .columns
                .iter()
                .flat_map(|column| self.notes_in(room, *column))
                .map(|n| n.id)
                .collect(),
        }
    }
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
