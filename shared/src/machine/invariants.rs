//! What must hold of every workshop after every step; tests check it constantly.

use std::collections::{BTreeMap, HashSet};

use crate::ids::{ColumnId, NoteId, ParticipantId, StepId};
use crate::model::{ColumnKind, Role, Workshop};
use crate::text;

use super::agenda::check_step;
use super::{MAX_COLUMNS, MAX_NOTES_PER_ROOM, MAX_PARTICIPANTS, MAX_ROOMS, MAX_STEPS, same_name};

/// Returns the first broken invariant, described for a failing test.
pub fn check_invariants(w: &Workshop) -> Result<(), String> {
    fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
        if ok { Ok(()) } else { Err(what()) }
    }

    ensure((1..=MAX_ROOMS).contains(&w.rooms.len()), || {
        format!("{} rooms", w.rooms.len())
    })?;
    ensure((1..=MAX_COLUMNS).contains(&w.columns.len()), || {
        format!("{} columns", w.columns.len())
    })?;
    ensure((1..=MAX_STEPS).contains(&w.steps.len()), || {
        format!("{} steps", w.steps.len())
    })?;
    let room_ids: HashSet<_> = w.rooms.iter().map(|r| r.id).collect();
    ensure(room_ids.len() == w.rooms.len(), || "two rooms share an id".into())?;
    let names: HashSet<_> = w.rooms.iter().map(|r| r.name.to_lowercase()).collect();
    ensure(names.len() == w.rooms.len(), || "two rooms share a name".into())?;
    let column_ids: HashSet<_> = w.columns.iter().map(|c| c.id).collect();
    ensure(column_ids.len() == w.columns.len(), || {
        "two columns share an id".into()
    })?;
    let step_ids: HashSet<_> = w.steps.iter().map(|s| s.id).collect();
    ensure(step_ids.len() == w.steps.len(), || "two steps share an id".into())?;
    for room in &w.rooms {
        ensure(step_ids.contains(&room.step), || {
            format!("room {} is on an unknown step", room.name)
        })?;
    }
    for step in &w.steps {
        let checked = check_step(w, step.clone()).map_err(|e| format!("step {:?}: {e}", step.title))?;
        ensure(checked == *step, || {
            format!("step {:?} is not in its checked form", step.title)
        })?;
    }

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
        ensure(p.role != Role::Lead || p.room.is_none(), || {
            format!("lead {} is in a room", p.id)
        })?;
        ensure(p.room.is_none_or(|r| room_ids.contains(&r)), || {
            format!("{} is in an unknown room", p.id)
        })?;
        ensure(
            !p.ready || (p.room.is_some() && p.role == Role::Participant),
            || format!("{} is done without being a participant in a room", p.id),
        )?;
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
        let column = w
            .column(note.column)
            .ok_or_else(|| format!("note {} in an unknown column", note.id))?;
        ensure(
            note.author.is_some_and(|a| w.participants.contains_key(&a)),
            || format!("note {} has no known author", note.id),
        )?;
        ensure(
            text::note(&note.text).as_deref() == Ok(note.text.as_str()),
            || format!("note {} has invalid text", note.id),
        )?;
        match (column.kind, note.parent.and_then(|p| w.notes.get(&p))) {
            (ColumnKind::Attached { to }, Some(parent)) => {
                ensure(parent.room == note.room && parent.column == to, || {
                    format!("note {} hangs under a note of another room or column", note.id)
                })?;
            }
            (ColumnKind::Attached { .. }, None) => {
                return Err(format!("note {} hangs under nothing", note.id));
            }
            (_, parent) => ensure(parent.is_none() && note.parent.is_none(), || {
                format!("note {} hangs under a note in a free column", note.id)
            })?,
        }
        if let Some(group) = note.group {
            let leader = w
                .notes
                .get(&group)
                .ok_or_else(|| format!("note {} is in a vanished group", note.id))?;
            ensure(leader.group.is_none() && leader.room == note.room, || {
                format!("note {} is in a nested or foreign group", note.id)
            })?;
        }
    }
    for room in &w.rooms {
        let count = w.notes.values().filter(|n| n.room == room.id).count();
        ensure(count <= MAX_NOTES_PER_ROOM, || {
            format!("{count} notes in {}", room.name)
        })?;
    }

    check_ballots(w)
}

/// Dots are on existing, ungrouped notes, and within every limit of their vote.
fn check_ballots(w: &Workshop) -> Result<(), String> {
    let mut total: BTreeMap<(StepId, ParticipantId), u32> = BTreeMap::new();
    let mut column: BTreeMap<(StepId, ParticipantId, ColumnId), u32> = BTreeMap::new();
    let mut parent: BTreeMap<(StepId, ParticipantId, NoteId), u32> = BTreeMap::new();
    for (ballot, dots) in &w.ballots {
        let note = w
            .notes
            .get(&ballot.note)
            .ok_or_else(|| format!("dots on a vanished note {}", ballot.note))?;
        if *dots == 0 || note.group.is_some() {
            return Err(format!(
                "ballot {ballot:?} has {dots} dots on a note of group {:?}",
                note.group
            ));
        }
        let Some(rules) = w.step(ballot.step).and_then(|s| s.vote_rules()) else {
            continue;
        };
        if *dots > rules.per_note {
            return Err(format!("{dots} dots on one note, cap {}", rules.per_note));
        }
        *total.entry((ballot.step, ballot.voter)).or_default() += dots;
        *column
            .entry((ballot.step, ballot.voter, note.column))
            .or_default() += dots;
        if let Some(p) = note.parent {
            *parent.entry((ballot.step, ballot.voter, p)).or_default() += dots;
        }
    }
    let rules = |step: StepId| w.step(step).and_then(|s| s.vote_rules());
    for ((step, voter), spent) in total {
        if rules(step).is_some_and(|r| spent > r.budget) {
            return Err(format!("{voter} spent {spent} dots, over budget"));
        }
    }
    for ((step, voter, c), spent) in column {
        if rules(step)
            .and_then(|r| r.per_column.get(&c))
            .is_some_and(|b| spent > *b)
        {
            return Err(format!("{voter} spent {spent} dots in a column, over its budget"));
        }
    }
    for ((step, voter, _), spent) in parent {
        if rules(step).and_then(|r| r.per_parent).is_some_and(|b| spent > b) {
            return Err(format!(
                "{voter} spent {spent} dots under one note, over its budget"
            ));
        }
    }
    Ok(())
}
