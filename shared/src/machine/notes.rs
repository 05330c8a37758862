//! Sticky notes: posting, editing and deleting, and who may do which.

use crate::event::Event;
use crate::ids::{ColumnId, Millis, NoteId, RoomId};
use crate::model::{Colour, Note, Participant, Role, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_NOTES_PER_ROOM, member};

#[allow(clippy::too_many_arguments)]
pub(super) fn post(
    workshop: &Workshop,
    actor: Actor,
    id: NoteId,
    room: RoomId,
    column: ColumnId,
    text: &str,
    colour: Colour,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    let author = member(workshop, actor)?;
    if author.role == Role::Observer {
        return Err(Rejection::Forbidden);
    }
    if workshop.room(room).is_none() {
        return Err(Rejection::UnknownRoom);
    }
    if !works_in(author, room) {
        return Err(Rejection::NotYourRoom);
    }
    if workshop.column(column).is_none() {
        return Err(Rejection::UnknownColumn);
    }
    if workshop.notes.contains_key(&id) {
        return Err(Rejection::DuplicateId);
    }
    let text = text::note(text)?;
    if workshop.notes.values().filter(|n| n.room == room).count() >= MAX_NOTES_PER_ROOM {
        return Err(Rejection::TooMany {
            what: Counted::Notes,
            max: MAX_NOTES_PER_ROOM,
        });
    }
    Ok(vec![Event::NotePosted {
        note: Note {
            id,
            room,
            column,
            author: author.id,
            text,
            colour,
            created: now,
            rev: 0,
        },
    }])
}

pub(super) fn edit(
    workshop: &Workshop,
    actor: Actor,
    id: NoteId,
    text: &str,
    colour: Colour,
) -> Result<Vec<Event>, Rejection> {
    let note = changeable_note(workshop, actor, id)?;
    let text = text::note(text)?;
    if note.text == text && note.colour == colour {
        // A re-sent or empty edit: nothing happened, nothing to tell.
        return Ok(Vec::new());
    }
    Ok(vec![Event::NoteEdited {
        note: id,
        room: note.room,
        text,
        colour,
        rev: note.rev + 1,
    }])
}

pub(super) fn delete(workshop: &Workshop, actor: Actor, id: NoteId) -> Result<Vec<Event>, Rejection> {
    let note = changeable_note(workshop, actor, id)?;
    Ok(vec![Event::NoteDeleted {
        note: id,
        room: note.room,
    }])
}

/// A note `actor` may change: their own, or any in a room they facilitate.
fn changeable_note(workshop: &Workshop, actor: Actor, id: NoteId) -> Result<&Note, Rejection> {
    let who = member(workshop, actor)?;
    if who.role == Role::Observer {
        return Err(Rejection::Forbidden);
    }
    let note = workshop.notes.get(&id).ok_or(Rejection::UnknownNote)?;
    if !works_in(who, note.room) {
        return Err(Rejection::NotYourRoom);
    }
    let moderates = who.role.facilitates();
    if note.author != who.id && !moderates {
        return Err(Rejection::NotYourNote);
    }
    Ok(note)
}

/// Whether `who` may write on `room`'s board: a lead anywhere, anyone else in their room.
fn works_in(who: &Participant, room: RoomId) -> bool {
    who.role == Role::Lead || who.room == Some(room)
}
