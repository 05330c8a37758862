//! What must hold of every workshop after every step; tests check it constantly.

use std::collections::HashSet;

use crate::model::{Role, Workshop};
use crate::text;

use super::{MAX_COLUMNS, MAX_NOTES_PER_ROOM, MAX_PARTICIPANTS, MAX_ROOMS, members::same_name};

/// Returns the first broken invariant, described for a failing test.
pub fn check_invariants(w: &Workshop) -> Result<(), String> {
    fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
        if ok { Ok(()) } else { Err(what()) }
    }

    ensure(!w.rooms.is_empty() && w.rooms.len() <= MAX_ROOMS, || {
        format!("{} rooms", w.rooms.len())
    })?;
    ensure(!w.columns.is_empty() && w.columns.len() <= MAX_COLUMNS, || {
        format!("{} columns", w.columns.len())
    })?;
    let room_ids: HashSet<_> = w.rooms.iter().map(|r| r.id).collect();
    ensure(room_ids.len() == w.rooms.len(), || "two rooms share an id".into())?;
    let column_ids: HashSet<_> = w.columns.iter().map(|c| c.id).collect();
    ensure(column_ids.len() == w.columns.len(), || {
        "two columns share an id".into()
    })?;

    ensure(w.participants.len() <= MAX_PARTICIPANTS, || {
        "too many participants".into()
    })?;
    ensure(w.participants.values().any(|p| p.role == Role::Lead), || {
        "no lead facilitator".into()
    })?;
    let people: Vec<_> = w.participants.iter().collect();
    for (i, (id, p)) in people.iter().enumerate() {
        ensure(**id == p.id, || {
            format!("participant {} filed under {}", p.id, id)
        })?;
        ensure(text::name(&p.name).as_deref() == Ok(p.name.as_str()), || {
            format!("invalid name {:?}", p.name)
        })?;
        match (p.role, p.room) {
            (Role::Lead, None) => {}
            (Role::Lead, Some(_)) => return Err(format!("lead {} is in a room", p.id)),
            (_, None) => return Err(format!("{} {:?} has no room", p.id, p.role)),
            (_, Some(room)) => ensure(room_ids.contains(&room), || {
                format!("{} is in an unknown room", p.id)
            })?,
        }
        for (_, other) in &people[i + 1..] {
            ensure(!same_name(&p.name, &other.name), || {
                format!("name {:?} used twice", p.name)
            })?;
        }
    }

    for (id, note) in &w.notes {
        ensure(*id == note.id, || format!("note {} filed under {}", note.id, id))?;
        ensure(room_ids.contains(&note.room), || {
            format!("note {} in an unknown room", note.id)
        })?;
        ensure(column_ids.contains(&note.column), || {
            format!("note {} in an unknown column", note.id)
        })?;
        let author = w.participants.get(&note.author);
        ensure(author.is_some_and(|a| a.role != Role::Observer), || {
            format!("note {} has no valid author", note.id)
        })?;
        ensure(
            text::note(&note.text).as_deref() == Ok(note.text.as_str()),
            || format!("note {} has invalid text", note.id),
        )?;
    }
    for room in &w.rooms {
        let count = w.notes.values().filter(|n| n.room == room.id).count();
        ensure(count <= MAX_NOTES_PER_ROOM, || {
            format!("{count} notes in {}", room.name)
        })?;
    }
    Ok(())
}
