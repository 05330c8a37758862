//! Atelier's protocol and domain, shared by the server and the browser client.
//!
//! # Layout
//! - [`ids`]: newtype identifiers (uuids) and the human join code.
//! - [`model`]: the workshop: rooms, agenda of steps (what each kind allows:
//!   `Activity`'s methods), participants, notes, votes, quick polls, timer.
//! - [`command`]: what an actor asks; [`event`]: what happened; [`rejection`]: why not.
//! - [`machine`]: the pure state machine, `apply(workshop, actor, command, now)`, one
//!   module per group of commands, and the invariants tests check after every step.
//! - [`sight`]: who sees what (hidden notes, anonymity, secret votes and polls), per
//!   viewer.
//! - [`template`]: methods as data files; [`map`]: prepared lists (CSV, JSON);
//!   [`campaign`]: what a workshop takes from the one before.
//! - [`text`]: what user-typed text may be (lengths, control characters).
//! - [`report`]: the case file of a workshop as plain data, which the exports render.
//! - [`protocol`]: the websocket messages in each direction and the protocol version.
//! - [`api`]: the JSON bodies of the HTTP API (create, join, templates).
//! - [`vocab`]: the languages and the words both sides show (characterisation
//!   questions, tree sides, export formats).
//!
//! Nothing here does I/O or reads a clock: the server stamps time, the client renders.

pub mod api;
pub mod campaign;
pub mod command;
pub mod event;
pub mod ids;
pub mod machine;
pub mod map;
pub mod model;
pub mod protocol;
pub mod rejection;
pub mod report;
pub mod sight;
pub mod template;
pub mod text;
pub mod vocab;

pub use command::Command;
pub use event::Event;
pub use ids::{
    BranchId, CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId, WorkshopId,
};
pub use machine::{Actor, apply, check_invariants};
pub use model::{Activity, Colour, Column, Lens, Note, Participant, Role, Room, Step, VoteRules, Workshop};
pub use rejection::Rejection;
pub use sight::{Sight, Viewer};
pub use vocab::Lang;
