//! What an actor asks of a workshop. Commands are validated by the state machine;
//! nothing here is trusted. Who may send each one is in `docs/protocol.md`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{BranchId, ColumnId, NoteId, ParticipantId, RoomId, StepId};
use crate::map::MapItem;
use crate::model::{Colour, Column, Field, Role, Settings, Side, Step};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    // ——— People ———
    /// Adds someone to the workshop. Only the server issues it, when someone joins
    /// with the code.
    Admit {
        participant: ParticipantId,
        name: String,
        role: Role,
    },
    /// Places someone in a room, or back in the lobby (`room: null`).
    MoveParticipant {
        participant: ParticipantId,
        room: Option<RoomId>,
    },
    /// A participant picks their room, when the workshop lets them choose.
    ChooseRoom {
        room: RoomId,
    },
    SetRole {
        participant: ParticipantId,
        role: Role,
    },
    /// "I'm done" with the current step (or not any more).
    SetReady {
        ready: bool,
    },

    // ——— Workshop and rooms ———
    UpdateSettings {
        settings: Settings,
    },
    AddRoom {
        room: RoomId,
        name: String,
        territory: Option<String>,
    },
    RenameRoom {
        room: RoomId,
        name: String,
        territory: Option<String>,
    },
    /// Removes a room nobody is in and nothing was written in.
    RemoveRoom {
        room: RoomId,
    },
    AddColumn {
        column: Column,
    },
    RenameColumn {
        column: ColumnId,
        title: String,
    },
    /// Makes boards read-only for participants: one room, or every room (`room: null`).
    Lock {
        room: Option<RoomId>,
        locked: bool,
    },

    /// Shows a message on every board, replacing the previous one; an empty text
    /// takes it down.
    Broadcast {
        text: String,
    },

    // ——— Agenda ———
    AddStep {
        step: Step,
        position: usize,
    },
    /// Replaces a step's definition (vote rules may change mid-vote, see `vote`).
    EditStep {
        step: Step,
    },
    RemoveStep {
        step: StepId,
    },
    /// Moves one room, or every room (`room: null`), to a step.
    GoToStep {
        room: Option<RoomId>,
        step: StepId,
    },
    /// Shows the notes a hidden brainstorm kept hidden, in one room or every room.
    Reveal {
        room: Option<RoomId>,
    },

    // ——— Timer (workshop-wide) ———
    StartTimer {
        seconds: u32,
        auto_lock: bool,
    },
    PauseTimer,
    ResumeTimer,
    /// Adds (or, negative, removes) time; the end never goes before now.
    AddTime {
        seconds: i32,
    },
    StopTimer,
    /// The server's clock reached the timer's end. Only the server issues it.
    TimerElapsed,

    // ——— Notes ———
    /// Posts a note; the client chooses its id so that its author sees it at once.
    PostNote {
        note: NoteId,
        room: RoomId,
        column: ColumnId,
        text: String,
        #[serde(default)]
        colour: Colour,
        /// The note it hangs under, in columns attached to another.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<NoteId>,
    },
    /// Replaces a note's text and colour.
    EditNote {
        note: NoteId,
        text: String,
        colour: Colour,
    },
    /// Deletes a note, its votes, and the notes hanging under it.
    DeleteNote {
        note: NoteId,
    },
    /// Merges duplicates into one note: they are shown, and voted for, as `into`.
    MergeNotes {
        into: NoteId,
        notes: Vec<NoteId>,
    },
    /// Takes a note out of its group (the votes stay with the group).
    Ungroup {
        note: NoteId,
    },
    /// Adds a prepared list of notes to a column of one room or every room; items
    /// naming a territory go to that territory's room only.
    ImportMap {
        /// Chosen by the client; the notes' ids derive from it.
        import: Uuid,
        column: ColumnId,
        room: Option<RoomId>,
        items: Vec<MapItem>,
    },

    // ——— Characterisation and problem tree ———
    Characterise {
        note: NoteId,
        field: Field,
        text: String,
    },
    AddBranch {
        note: NoteId,
        branch: BranchId,
        side: Side,
        text: String,
    },
    EditBranch {
        note: NoteId,
        branch: BranchId,
        text: String,
    },
    RemoveBranch {
        note: NoteId,
        branch: BranchId,
    },
    /// Moves a cause or consequence to `position` on its side.
    MoveBranch {
        note: NoteId,
        branch: BranchId,
        position: usize,
    },

    // ——— Votes ———
    /// Sets the voter's dots on a note (0 withdraws them). Setting rather than adding
    /// makes a command re-sent after a reconnection harmless.
    Vote {
        note: NoteId,
        dots: u32,
    },
    /// Closes the vote of the current step and publishes its ranking; on a poll step
    /// (`room: null`), closes the poll and publishes its counts.
    CloseVote {
        room: Option<RoomId>,
        step: StepId,
    },
    /// Opens a closed vote (or poll) again; its ranking (counts) is withdrawn.
    ReopenVote {
        room: Option<RoomId>,
        step: StepId,
    },
    /// Chooses an option (by its index) of poll `step`, which the answerer's room must
    /// be on; `null` withdraws the answer. Choosing replaces an earlier choice, so a
    /// command re-sent after a reconnection changes nothing.
    Answer {
        step: StepId,
        option: Option<u32>,
    },
    /// Settles a tie in a closed vote's ranking (when a later step keeps its "top 3"
    /// and the tie straddles the cut): the notes `ahead`, tied at one rank, keep it;
    /// the others of that tie move down behind them.
    BreakTie {
        room: Option<RoomId>,
        step: StepId,
        ahead: Vec<NoteId>,
    },
}
