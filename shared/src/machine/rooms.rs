//! The workshop's frame: settings, rooms, columns, and locking boards.

use std::collections::BTreeSet;

use crate::event::Event;
use crate::ids::{ColumnId, Millis, RoomId};
use crate::model::{Column, ColumnKind, Message, Room, Settings, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_COLUMNS, MAX_ROOMS, lead, targets};

pub(super) fn update_settings(
    w: &Workshop,
    actor: Actor,
    settings: Settings,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    if settings == w.settings {
        return Ok(Vec::new());
    }
    Ok(vec![Event::SettingsChanged { settings }])
}

/// Puts up, replaces or (empty text) takes down the message every board shows.
pub(super) fn broadcast(
    w: &Workshop,
    actor: Actor,
    text: &str,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let message = if text.trim().is_empty() {
        None
    } else {
        Some(Message {
            text: text::message(text)?,
            sent: now,
        })
    };
    if message.is_none() && w.message.is_none() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::Broadcast { message }])
}

pub(super) fn add(
    w: &Workshop,
    actor: Actor,
    id: RoomId,
    name: &str,
    territory: Option<&str>,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    if w.room(id).is_some() {
        return Err(Rejection::DuplicateId);
    }
    if w.rooms.len() >= MAX_ROOMS {
        return Err(Rejection::TooMany {
            what: Counted::Rooms,
            max: MAX_ROOMS,
        });
    }
    let name = text::label(name)?;
    if w.rooms.iter().any(|r| same_label(&r.name, &name)) {
        return Err(Rejection::DuplicateLabel);
    }
    // A new room joins the workshop where the others are.
    let step = w.rooms.first().map_or(w.steps[0].id, |r| r.step);
    Ok(vec![Event::RoomAdded {
        room: Room {
            id,
            name,
            territory: territory.map(text::label).transpose()?,
            step,
            locked: false,
            revealed: BTreeSet::new(),
        },
    }])
}

pub(super) fn rename(
    w: &Workshop,
    actor: Actor,
    id: RoomId,
    name: &str,
    territory: Option<&str>,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let room = w.room(id).ok_or(Rejection::UnknownRoom)?;
    let name = text::label(name)?;
    let territory = territory.map(text::label).transpose()?;
    if w.rooms.iter().any(|r| r.id != id && same_label(&r.name, &name)) {
        return Err(Rejection::DuplicateLabel);
    }
    if room.name == name && room.territory == territory {
        return Ok(Vec::new());
    }
    Ok(vec![Event::RoomRenamed {
        room: id,
        name,
        territory,
    }])
}

pub(super) fn remove(w: &Workshop, actor: Actor, id: RoomId) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    w.room(id).ok_or(Rejection::UnknownRoom)?;
    let occupied = w.participants.values().any(|p| p.room == Some(id));
    if occupied || w.notes.values().any(|n| n.room == id) {
        return Err(Rejection::RoomInUse);
    }
    if w.rooms.len() == 1 {
        return Err(Rejection::TooFew { what: Counted::Rooms });
    }
    Ok(vec![Event::RoomRemoved { room: id }])
}

pub(super) fn add_column(w: &Workshop, actor: Actor, column: Column) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let column = check_column(w, column)?;
    if w.columns.len() >= MAX_COLUMNS {
        return Err(Rejection::TooMany {
            what: Counted::Columns,
            max: MAX_COLUMNS,
        });
    }
    Ok(vec![Event::ColumnAdded { column }])
}

pub(super) fn rename_column(
    w: &Workshop,
    actor: Actor,
    id: ColumnId,
    title: &str,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let column = w.column(id).ok_or(Rejection::UnknownColumn)?;
    let title = text::label(title)?;
    if w.columns
        .iter()
        .any(|c| c.id != id && same_label(&c.title, &title))
    {
        return Err(Rejection::DuplicateLabel);
    }
    if column.title == title {
        return Ok(Vec::new());
    }
    Ok(vec![Event::ColumnRenamed { column: id, title }])
}

pub(super) fn lock(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    locked: bool,
) -> Result<Vec<Event>, Rejection> {
    let rooms = targets(w, actor, room)?;
    Ok(rooms
        .into_iter()
        .filter(|id| w.room(*id).is_some_and(|r| r.locked != locked))
        .map(|room| Event::Locked { room, locked })
        .collect())
}

/// A new column, checked against the workshop's others.
pub(super) fn check_column(w: &Workshop, column: Column) -> Result<Column, Rejection> {
    if w.column(column.id).is_some() {
        return Err(Rejection::DuplicateId);
    }
    let title = text::label(&column.title)?;
    let key = column.key.as_deref().map(text::label).transpose()?;
    if w.columns.iter().any(|c| same_label(&c.title, &title)) {
        return Err(Rejection::DuplicateLabel);
    }
    if let ColumnKind::Attached { to } = column.kind {
        // One level: solutions under needs, not solutions under solutions.
        let parent = w.column(to).ok_or(Rejection::UnknownColumn)?;
        if matches!(parent.kind, ColumnKind::Attached { .. }) {
            return Err(Rejection::WrongParent);
        }
    }
    Ok(Column { key, title, ..column })
}

/// Two rooms both called "Gard" would confuse everyone (case, invisible characters
/// and compatibility forms aside: [`text::fold`]).
pub(super) fn same_label(a: &str, b: &str) -> bool {
    text::same(a, b)
}
