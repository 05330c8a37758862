//! Atelier's protocol and domain, shared by the server and the browser client.
//!
//! # Layout
//! - [`ids`]: newtype identifiers (uuids) and the human join code.
//! - [`model`]: the workshop: rooms, columns, participants, notes, roles, lenses.
//! - [`command`]: what an actor asks; [`event`]: what happened; [`rejection`]: why not.
//! - [`machine`]: the pure state machine, `apply(workshop, actor, command, now)`, and the
//!   invariants tests check after every step.
//! - [`text`]: what user-typed text may be (lengths, control characters).
//! - [`protocol`]: the websocket messages in each direction and the protocol version.
//! - [`api`]: the JSON bodies of the HTTP API (create, join).
//!
//! Nothing here does I/O or reads a clock: the server stamps time, the client renders.

pub mod api;
pub mod command;
pub mod event;
pub mod ids;
pub mod machine;
pub mod model;
pub mod protocol;
pub mod rejection;
pub mod text;

pub use command::Command;
pub use event::Event;
pub use ids::{ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, WorkshopId};
pub use machine::{Actor, apply, check_invariants};
pub use model::{Colour, Column, Lens, Note, Participant, Role, Room, Workshop};
pub use rejection::Rejection;
