//! What a room works out about a note: its characterisation (why it matters, who is
//! affected, how to measure it) and its problem tree (causes, consequences).
//!
//! A room's participants write them together while the room is on a step of that
//! kind, on the notes the step focuses on; facilitators may at any time. Every change
//! carries the note's whole details, so applying it twice is harmless.

use crate::event::Event;
use crate::ids::{BranchId, NoteId};
use crate::model::{Activity, Branch, Details, Field, Note, Role, Side, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_BRANCHES, member, works_in};

/// Which kind of step opens a detail to participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Work {
    Characterise,
    ProblemTree,
}

pub(super) fn characterise(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    field: Field,
    text: &str,
) -> Result<Vec<Event>, Rejection> {
    let note = workable_note(w, actor, id, Work::Characterise)?;
    let text = text::details(text)?;
    if note.details.field(field) == text {
        return Ok(Vec::new());
    }
    let mut details = note.details.clone();
    match field {
        Field::Why => details.why = text,
        Field::Who => details.who = text,
        Field::Measure => details.measure = text,
    }
    Ok(changed(note, details))
}

pub(super) fn add_branch(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    branch: BranchId,
    side: Side,
    text: &str,
) -> Result<Vec<Event>, Rejection> {
    let note = workable_note(w, actor, id, Work::ProblemTree)?;
    let text = text::branch(text)?;
    let all = note.details.causes.iter().chain(&note.details.consequences);
    if all.clone().any(|b| b.id == branch) {
        return Err(Rejection::DuplicateId);
    }
    if note.details.branches(side).len() >= MAX_BRANCHES {
        return Err(Rejection::TooMany {
            what: Counted::Branches,
            max: MAX_BRANCHES,
        });
    }
    let mut details = note.details.clone();
    details.branches_mut(side).push(Branch { id: branch, text });
    Ok(changed(note, details))
}

pub(super) fn edit_branch(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    branch: BranchId,
    text: &str,
) -> Result<Vec<Event>, Rejection> {
    let note = workable_note(w, actor, id, Work::ProblemTree)?;
    let text = text::branch(text)?;
    let mut details = note.details.clone();
    let (side, index) = locate(&details, branch)?;
    let target = &mut details.branches_mut(side)[index];
    if target.text == text {
        return Ok(Vec::new());
    }
    target.text = text;
    Ok(changed(note, details))
}

pub(super) fn remove_branch(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    branch: BranchId,
) -> Result<Vec<Event>, Rejection> {
    let note = workable_note(w, actor, id, Work::ProblemTree)?;
    let mut details = note.details.clone();
    let (side, index) = locate(&details, branch)?;
    details.branches_mut(side).remove(index);
    Ok(changed(note, details))
}

pub(super) fn move_branch(
    w: &Workshop,
    actor: Actor,
    id: NoteId,
    branch: BranchId,
    position: usize,
) -> Result<Vec<Event>, Rejection> {
    let note = workable_note(w, actor, id, Work::ProblemTree)?;
    let mut details = note.details.clone();
    let (side, index) = locate(&details, branch)?;
    let branches = details.branches_mut(side);
    let moved = branches.remove(index);
    let position = position.min(branches.len());
    if position == index {
        return Ok(Vec::new());
    }
    branches.insert(position, moved);
    Ok(changed(note, details))
}

fn locate(details: &Details, branch: BranchId) -> Result<(Side, usize), Rejection> {
    [Side::Cause, Side::Consequence]
        .into_iter()
        .find_map(|side| {
            details
                .branches(side)
                .iter()
                .position(|b| b.id == branch)
                .map(|i| (side, i))
        })
        .ok_or(Rejection::UnknownBranch)
}

fn changed(note: &Note, details: Details) -> Vec<Event> {
    vec![Event::DetailsChanged {
        note: note.id,
        room: note.room,
        details,
        rev: note.rev.wrapping_add(1),
    }]
}

/// A note whose details `actor` may write now.
fn workable_note(w: &Workshop, actor: Actor, id: NoteId, work: Work) -> Result<&Note, Rejection> {
    let who = member(w, actor)?;
    if who.role == Role::Observer {
        return Err(Rejection::Forbidden);
    }
    let note = w.notes.get(&id).ok_or(Rejection::UnknownNote)?;
    if note.hidden && note.author != Some(who.id) && !w.facilitates(who.id, note.room) {
        return Err(Rejection::UnknownNote);
    }
    if !works_in(who, note.room) {
        return Err(Rejection::NotYourRoom);
    }
    if note.group.is_some() {
        // A merged note's group speaks for it.
        return Err(Rejection::CannotMerge);
    }
    if w.facilitates(who.id, note.room) {
        return Ok(note);
    }
    let room = w.room(note.room).ok_or(Rejection::UnknownRoom)?;
    if room.locked {
        return Err(Rejection::Locked);
    }
    let step = w.step(room.step).ok_or(Rejection::UnknownStep)?;
    let step_work = match &step.activity {
        Activity::Characterise { .. } => Some(Work::Characterise),
        Activity::ProblemTree { .. } => Some(Work::ProblemTree),
        Activity::Brainstorm { .. }
        | Activity::Vote { .. }
        | Activity::Poll { .. }
        | Activity::Plenary
        | Activity::Discussion => None,
    };
    let open = step_work == Some(work) && w.focus_notes(step, note.room).contains(&id);
    if open { Ok(note) } else { Err(Rejection::WrongStep) }
}
