//! The pure state machine: `apply(workshop, actor, command, now)` validates a command
//! and, if it is accepted, changes the workshop and returns the events that say how.
//!
//! `decide` only reads the workshop, so a refused command cannot change anything;
//! `Workshop::apply_event` is the one place state changes, and clients run it on their
//! replicas too. `check_invariants` is what tests assert after every step.

mod create;
mod invariants;
mod members;
mod notes;

pub use create::{NewColumn, NewRoom, NewWorkshop, create};
pub use invariants::check_invariants;

use crate::command::Command;
use crate::event::Event;
use crate::ids::{Millis, ParticipantId};
use crate::model::{Participant, Workshop};
use crate::rejection::Rejection;

/// Rooms in one workshop: the seeds run 6; a large plenary event might run 30.
pub const MAX_ROOMS: usize = 40;
/// Columns per board: more would not fit a laptop screen.
pub const MAX_COLUMNS: usize = 8;
/// People in one workshop, facilitators and observers included.
pub const MAX_PARTICIPANTS: usize = 1_000;
/// Notes on one room's board: beyond this a board is no longer readable.
pub const MAX_NOTES_PER_ROOM: usize = 1_000;

/// Who issues a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The server itself (admitting someone who joined with the code).
    System,
    /// Someone in the workshop.
    Member(ParticipantId),
}

/// Validates `command` and applies its events; on refusal the workshop is untouched.
pub fn apply(
    workshop: &mut Workshop,
    actor: Actor,
    command: Command,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    let events = decide(workshop, actor, command, now)?;
    for event in &events {
        workshop.apply_event(event);
        workshop.seq += 1;
    }
    Ok(events)
}

/// The events `command` would produce, or why it is refused. Reads only.
pub fn decide(
    workshop: &Workshop,
    actor: Actor,
    command: Command,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::Admit {
            participant,
            name,
            role,
        } => members::admit(workshop, actor, participant, &name, role, now),
        Command::PostNote {
            note,
            room,
            column,
            text,
            colour,
        } => notes::post(workshop, actor, note, room, column, &text, colour, now),
        Command::EditNote { note, text, colour } => notes::edit(workshop, actor, note, &text, colour),
        Command::DeleteNote { note } => notes::delete(workshop, actor, note),
    }
}

impl Workshop {
    /// Applies an event. Total: on a client's partial replica an event about something
    /// it does not hold changes nothing rather than failing.
    pub fn apply_event(&mut self, event: &Event) {
        match event {
            Event::ParticipantJoined { participant } => {
                self.participants.insert(participant.id, participant.clone());
            }
            Event::NotePosted { note } => {
                self.notes.insert(note.id, note.clone());
            }
            Event::NoteEdited {
                note,
                text,
                colour,
                rev,
                ..
            } => {
                if let Some(existing) = self.notes.get_mut(note) {
                    existing.text.clone_from(text);
                    existing.colour = *colour;
                    existing.rev = *rev;
                }
            }
            Event::NoteDeleted { note, .. } => {
                self.notes.remove(note);
            }
        }
    }
}

/// The member behind `actor`; the system is not a member.
fn member(workshop: &Workshop, actor: Actor) -> Result<&Participant, Rejection> {
    match actor {
        Actor::System => Err(Rejection::Forbidden),
        Actor::Member(id) => workshop.participants.get(&id).ok_or(Rejection::UnknownActor),
    }
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
