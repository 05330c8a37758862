//! Sticky notes: posting, editing, deleting, merging duplicates, importing maps, and
//! who may do which when.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::campaign::same_place;
use crate::event::Event;
use crate::ids::{ColumnId, Millis, NoteId, RoomId, derived_id};
use crate::map::{MAX_ITEMS, MapItem};
use crate::model::{Colour, ColumnKind, Note, Participant, Role, Source, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_NOTES_PER_ROOM, facilitator, member, targets, works_in};

/// What a post says.
#[derive(Debug)]
pub(super) struct NewNote<'a> {
    pub id: NoteId,
    pub room: RoomId,
    pub column: ColumnId,
    pub text: &'a str,
    pub colour: Colour,
    pub parent: Option<NoteId>,
}

/// Participants post while their room brainstorms in the column, on an unlocked
/// board; facilitators post in their rooms at any time.
pub(super) fn post(
    w: &Workshop,
    actor: Actor,
    new: NewNote<'_>,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    let author = member(w, actor)?;
    if author.role == Role::Observer {
        return Err(Rejection::Forbidden);
    }
    let room = w.room(new.room).ok_or(Rejection::UnknownRoom)?;
    if !works_in(author, new.room) {
        return Err(Rejection::NotYourRoom);
    }
    let column = w.column(new.column).ok_or(Rejection::UnknownColumn)?;
    let step = w.step(room.step).ok_or(Rejection::UnknownStep)?;
    let moderator = w.facilitates(author.id, new.room);
    if !moderator {
        if room.locked {
            return Err(Rejection::Locked);
        }
        if !step.activity.posts_notes() || !step.columns.contains(&new.column) {
            return Err(Rejection::WrongStep);
        }
        if column.kind == ColumnKind::Facilitators {
            return Err(Rejection::FacilitatorsOnly);
        }
    }
    check_parent(w, column.kind, new.room, new.parent)?;
    if w.notes.contains_key(&new.id) {
        return Err(Rejection::DuplicateId);
    }
    let text = text::note(new.text)?;
    room_has_space(w, new.room, 1)?;
    // A facilitator's note outside the step's columns takes none of its modes.
    let in_step = step.columns.contains(&new.column);
    let anonymous = in_step && step.activity.anonymous_notes();
    let hidden = in_step && step.activity.hides_notes() && !room.revealed.contains(&step.id);
    Ok(vec![Event::NotePosted {
        note: Note {
            colour: new.colour,
            anonymous,
            hidden,
            parent: new.parent,
            ..Note::new(new.id, new.room, new.column, author.id, text, now)
        },
    }])
}

pub(super) fn edit(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    text: &str,
    colour: Colour,
) -> Result<Vec<Event>, Rejection> {
    let (note, _) = changeable_note(w, actor, id)?;
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
        rev: note.rev.wrapping_add(1),
    }])
}

pub(super) fn delete(w: &Workshop, actor: Actor, id: NoteId) -> Result<Vec<Event>, Rejection> {
    let (note, moderator) = changeable_note(w, actor, id)?;
    // Deleting a need would delete everyone's solutions under it: a facilitator's call.
    if !moderator && w.notes.values().any(|n| n.parent == Some(id)) {
        return Err(Rejection::HasAttachedNotes);
    }
    Ok(vec![Event::NoteDeleted {
        note: id,
        room: note.room,
    }])
}

/// Merges duplicates into `into`: same room, same column, same parent, all hidden or
/// all shown (a group must not vanish from participants' boards). Notes with notes
/// hanging under them are not merged: two needs' "3 solutions each" cannot become one
/// need's, so duplicates are merged before solutions are posted.
pub(super) fn merge(
    w: &Workshop,
    actor: Actor,
    into: NoteId,
    notes: &[NoteId],
) -> Result<Vec<Event>, Rejection> {
    let leader = w.notes.get(&into).ok_or(Rejection::UnknownNote)?;
    facilitator(w, actor, leader.room)?;
    if leader.group.is_some() {
        return Err(Rejection::CannotMerge);
    }
    let distinct: BTreeSet<NoteId> = notes.iter().copied().collect();
    if distinct.is_empty() || distinct.contains(&into) {
        return Err(Rejection::CannotMerge);
    }
    let mut merged = Vec::new();
    for id in distinct {
        let note = w.notes.get(&id).ok_or(Rejection::UnknownNote)?;
        let alike = note.room == leader.room
            && note.column == leader.column
            && note.parent == leader.parent
            && note.hidden == leader.hidden;
        let has_children = w.notes.values().any(|n| n.parent == Some(id));
        if !alike || has_children {
            return Err(Rejection::CannotMerge);
        }
        if note.group != Some(into) {
            merged.push(id);
        }
    }
    if merged.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::NotesMerged {
        room: leader.room,
        into,
        notes: merged,
    }])
}

pub(super) fn ungroup(w: &Workshop, actor: Actor, id: NoteId) -> Result<Vec<Event>, Rejection> {
    let note = w.notes.get(&id).ok_or(Rejection::UnknownNote)?;
    facilitator(w, actor, note.room)?;
    let Some(group) = note.group else {
        return Ok(Vec::new());
    };
    Ok(vec![Event::NoteUngrouped {
        room: note.room,
        note: id,
        group,
    }])
}

/// Adds a map's items as facilitator notes to a column of one room or every room.
/// Each note's id derives from the import's id, the room and the item's place, so a
/// re-sent import is refused as a duplicate instead of doubling the board.
pub(super) fn import_map(
    w: &Workshop,
    actor: Actor,
    import: Uuid,
    column: ColumnId,
    room: Option<RoomId>,
    items: &[MapItem],
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    let rooms = targets(w, actor, room)?;
    let importer = member(w, actor)?.id;
    let column_kind = w.column(column).ok_or(Rejection::UnknownColumn)?.kind;
    if matches!(column_kind, ColumnKind::Attached { .. }) {
        return Err(Rejection::ParentRequired);
    }
    if items.is_empty() {
        return Err(Rejection::TooFew {
            what: Counted::MapItems,
        });
    }
    if items.len() > MAX_ITEMS {
        return Err(Rejection::TooMany {
            what: Counted::MapItems,
            max: MAX_ITEMS,
        });
    }
    let mut events = Vec::new();
    for room_id in rooms {
        let Some(room) = w.room(room_id) else { continue };
        let mut notes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let elsewhere = item
                .territory
                .as_ref()
                .is_some_and(|t| !same_place(&room.name, room.territory.as_deref(), t));
            if elsewhere {
                continue;
            }
            let id = NoteId(derived_id(import, &[room_id.0.as_u128(), index as u128]));
            if w.notes.contains_key(&id) {
                return Err(Rejection::DuplicateId);
            }
            // One millisecond apart: boards show a map in the order it was written.
            let created = Millis(now.0 + index as u64);
            notes.push(Note {
                colour: item.colour.unwrap_or_default(),
                source: Source::Map,
                ..Note::new(id, room_id, column, importer, text::note(&item.text)?, created)
            });
        }
        if !notes.is_empty() {
            room_has_space(w, room_id, notes.len())?;
            events.push(Event::MapImported { room: room_id, notes });
        }
    }
    Ok(events)
}

/// A note `actor` may change, and whether they do so as a facilitator: their own
/// (on an unlocked board), or any in a room they facilitate.
fn changeable_note(w: &Workshop, actor: Actor, id: NoteId) -> Result<(&Note, bool), Rejection> {
    let who: &Participant = member(w, actor)?;
    if who.role == Role::Observer {
        return Err(Rejection::Forbidden);
    }
    let note = w.notes.get(&id).ok_or(Rejection::UnknownNote)?;
    if !works_in(who, note.room) {
        return Err(Rejection::NotYourRoom);
    }
    let moderator = w.facilitates(who.id, note.room);
    if !moderator {
        if note.author != Some(who.id) {
            return Err(Rejection::NotYourNote);
        }
        let room = w.room(note.room).ok_or(Rejection::UnknownRoom)?;
        if room.locked {
            return Err(Rejection::Locked);
        }
        // Only while the room brainstorms in the note's column: once a vote has
        // started, what people vote on (and what won) no longer changes under them.
        let step = w.step(room.step).ok_or(Rejection::UnknownStep)?;
        if !step.activity.posts_notes() || !step.columns.contains(&note.column) {
            return Err(Rejection::WrongStep);
        }
    }
    Ok((note, moderator))
}

/// A note hangs under a note of its column's parent column, in the same room, and only
/// there.
fn check_parent(
    w: &Workshop,
    kind: ColumnKind,
    room: RoomId,
    parent: Option<NoteId>,
) -> Result<(), Rejection> {
    match (kind, parent) {
        (ColumnKind::Attached { to }, Some(parent)) => {
            let parent = w.notes.get(&parent).ok_or(Rejection::WrongParent)?;
            let fits = parent.room == room && parent.column == to && parent.group.is_none() && !parent.hidden;
            if fits { Ok(()) } else { Err(Rejection::WrongParent) }
        }
        (ColumnKind::Attached { .. }, None) => Err(Rejection::ParentRequired),
        (ColumnKind::Open | ColumnKind::Facilitators, Some(_)) => Err(Rejection::WrongParent),
        (ColumnKind::Open | ColumnKind::Facilitators, None) => Ok(()),
    }
}

fn room_has_space(w: &Workshop, room: RoomId, adding: usize) -> Result<(), Rejection> {
    if w.notes.values().filter(|n| n.room == room).count() + adding > MAX_NOTES_PER_ROOM {
        return Err(Rejection::TooMany {
            what: Counted::Notes,
            max: MAX_NOTES_PER_ROOM,
        });
    }
    Ok(())
}
