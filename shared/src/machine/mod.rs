//! The pure state machine: `apply(workshop, actor, command, now)` validates a command
//! and, if it is accepted, changes the workshop and returns the events that say how.
//!
//! `decide` only reads the workshop, so a refused command cannot change anything;
//! `Workshop::apply_event` (in `evolve`) is the one place state changes, and clients
//! run it on their replicas too. `check_invariants` is what tests assert after every
//! step. One module per group of commands:
//! - `members`: joining, rooms people are in, roles, "I'm done";
//! - `rooms`: settings, rooms, columns, locks;
//! - `agenda`: steps, moving rooms through them, revealing hidden notes;
//! - `timer`: the shared countdown;
//! - `notes`: posting, editing, deleting, merging, importing maps;
//! - `details`: characterisation and problem trees;
//! - `votes`: dots, budgets, closing and ranking;
//! - `polls`: quick polls: answers, closing and counts.

mod agenda;
mod create;
mod details;
mod evolve;
mod invariants;
mod members;
mod notes;
mod polls;
mod rooms;
mod timer;
mod votes;

pub use agenda::check_step;
pub use create::{NewRoom, NewWorkshop, create};
pub use invariants::check_invariants;
pub use members::same_name;
pub use votes::tally;

use crate::command::Command;
use crate::event::Event;
use crate::ids::{Millis, ParticipantId, RoomId};
use crate::model::{Participant, Role, Workshop};
use crate::rejection::Rejection;

/// Rooms in one workshop: the seeds run 6; a large event might run 30.
pub const MAX_ROOMS: usize = 40;
/// Columns in one workshop, all steps together.
pub const MAX_COLUMNS: usize = 12;
/// Columns one step shows: more would not fit a laptop screen.
pub const MAX_STEP_COLUMNS: usize = 6;
/// Steps in an agenda: a full day's programme fits in far fewer.
pub const MAX_STEPS: usize = 30;
/// People in one workshop, facilitators and observers included.
pub const MAX_PARTICIPANTS: usize = 1_000;
/// Notes on one room's board: beyond this a board is no longer readable.
pub const MAX_NOTES_PER_ROOM: usize = 1_000;
/// Causes, or consequences, of one problem tree.
pub const MAX_BRANCHES: usize = 12;
/// Options of one quick poll.
pub const MAX_POLL_OPTIONS: usize = 12;
/// Dots one voter may have in one vote.
pub const MAX_BUDGET: u32 = 100;
/// The longest timer: a day.
pub const MAX_TIMER_SECONDS: u32 = 24 * 60 * 60;
/// The same, as the timer counts it.
pub const MAX_TIMER_MILLIS: u64 = MAX_TIMER_SECONDS as u64 * 1000;
/// A step's planned length at most, in minutes: a day.
pub const MAX_STEP_MINUTES: u32 = 24 * 60;
/// Events one workshop may count: a browser reads `seq` as a number, exact up to
/// 2^53 (and the store as a signed 64-bit integer). A workshop of 42 people makes a
/// few thousand.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Who issues a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The server itself: admitting someone who joined with the code, the timer.
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
pub fn decide(w: &Workshop, actor: Actor, command: Command, now: Millis) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::Admit {
            participant,
            name,
            role,
        } => members::admit(w, actor, participant, &name, role, now),
        Command::MoveParticipant { participant, room } => members::move_to(w, actor, participant, room),
        Command::ChooseRoom { room } => members::choose_room(w, actor, room),
        Command::SetRole { participant, role } => members::set_role(w, actor, participant, role),
        Command::SetReady { ready } => members::set_ready(w, actor, ready),

        Command::UpdateSettings { settings } => rooms::update_settings(w, actor, settings),
        Command::AddRoom {
            room,
            name,
            territory,
        } => rooms::add(w, actor, room, &name, territory.as_deref()),
        Command::RenameRoom {
            room,
            name,
            territory,
        } => rooms::rename(w, actor, room, &name, territory.as_deref()),
        Command::RemoveRoom { room } => rooms::remove(w, actor, room),
        Command::AddColumn { column } => rooms::add_column(w, actor, column),
        Command::RenameColumn { column, title } => rooms::rename_column(w, actor, column, &title),
        Command::Lock { room, locked } => rooms::lock(w, actor, room, locked),
        Command::Broadcast { text } => rooms::broadcast(w, actor, &text, now),

        Command::AddStep { step, position } => agenda::add(w, actor, step, position),
        Command::EditStep { step } => agenda::edit(w, actor, step),
        Command::RemoveStep { step } => agenda::remove(w, actor, step),
        Command::GoToStep { room, step } => agenda::go_to(w, actor, room, step),
        Command::Reveal { room } => agenda::reveal(w, actor, room),

        Command::StartTimer { seconds, auto_lock } => timer::start(w, actor, seconds, auto_lock, now),
        Command::PauseTimer => timer::pause(w, actor, now),
        Command::ResumeTimer => timer::resume(w, actor, now),
        Command::AddTime { seconds } => timer::add_time(w, actor, seconds, now),
        Command::StopTimer => timer::stop(w, actor),
        Command::TimerElapsed => timer::elapsed(w, actor, now),

        Command::PostNote {
            note,
            room,
            column,
            text,
            colour,
            parent,
        } => notes::post(
            w,
            actor,
            notes::NewNote {
                id: note,
                room,
                column,
                text: &text,
                colour,
                parent,
            },
            now,
        ),
        Command::EditNote { note, text, colour } => notes::edit(w, actor, note, &text, colour),
        Command::DeleteNote { note } => notes::delete(w, actor, note),
        Command::MergeNotes { into, notes } => notes::merge(w, actor, into, &notes),
        Command::Ungroup { note } => notes::ungroup(w, actor, note),
        Command::ImportMap {
            import,
            column,
            room,
            items,
        } => notes::import_map(w, actor, import, column, room, &items, now),

        Command::Characterise { note, field, text } => details::characterise(w, actor, note, field, &text),
        Command::AddBranch {
            note,
            branch,
            side,
            text,
        } => details::add_branch(w, actor, note, branch, side, &text),
        Command::EditBranch { note, branch, text } => details::edit_branch(w, actor, note, branch, &text),
        Command::RemoveBranch { note, branch } => details::remove_branch(w, actor, note, branch),
        Command::MoveBranch {
            note,
            branch,
            position,
        } => details::move_branch(w, actor, note, branch, position),

        Command::Vote { note, dots } => votes::vote(w, actor, note, dots),
        Command::CloseVote { room, step } if polls::is_poll(w, step) => polls::close(w, actor, room, step),
        Command::CloseVote { room, step } => votes::close(w, actor, room, step),
        Command::ReopenVote { room, step } if polls::is_poll(w, step) => polls::reopen(w, actor, room, step),
        Command::ReopenVote { room, step } => votes::reopen(w, actor, room, step),
        Command::Answer { step, option } => polls::answer(w, actor, step, option),
        Command::BreakTie { room, step, ahead } => votes::break_tie(w, actor, room, step, &ahead),
    }
}

/// The member behind `actor`; the system is not a member.
fn member(w: &Workshop, actor: Actor) -> Result<&Participant, Rejection> {
    match actor {
        Actor::System => Err(Rejection::Forbidden),
        Actor::Member(id) => w.participants.get(&id).ok_or(Rejection::UnknownActor),
    }
}

/// The member behind `actor`, if they are a lead facilitator.
fn lead(w: &Workshop, actor: Actor) -> Result<&Participant, Rejection> {
    let who = member(w, actor)?;
    if who.role == Role::Lead {
        Ok(who)
    } else {
        Err(Rejection::Forbidden)
    }
}

/// The member behind `actor`, if they facilitate `room` (which must exist).
fn facilitator(w: &Workshop, actor: Actor, room: RoomId) -> Result<&Participant, Rejection> {
    let who = member(w, actor)?;
    if w.room(room).is_none() {
        return Err(Rejection::UnknownRoom);
    }
    match who.role {
        Role::Lead => Ok(who),
        Role::RoomFacilitator if who.room == Some(room) => Ok(who),
        Role::RoomFacilitator => Err(Rejection::NotYourRoom),
        Role::Participant | Role::Observer => Err(Rejection::Forbidden),
    }
}

/// The rooms a room-level command applies to: one room its facilitator names, or
/// (`None`) every room, which only a lead may ask for.
fn targets(w: &Workshop, actor: Actor, room: Option<RoomId>) -> Result<Vec<RoomId>, Rejection> {
    match room {
        Some(room) => facilitator(w, actor, room).map(|_| vec![room]),
        None => lead(w, actor).map(|_| w.rooms.iter().map(|r| r.id).collect()),
    }
}

/// Whether `who` may write on `room`'s board: a lead anywhere, anyone else in theirs.
fn works_in(who: &Participant, room: RoomId) -> bool {
    who.role == Role::Lead || who.room == Some(room)
}

/// A workshop for tests (the `fixture` feature lends it to other crates' tests).
#[cfg(any(test, feature = "fixture"))]
pub mod fixture;
#[cfg(test)]
mod tests;
