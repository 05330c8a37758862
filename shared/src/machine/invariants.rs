//! What must hold of every workshop after every step: tests check it constantly, and
//! an imported archive must pass it whole before it runs. Every text is as its
//! command would have left it (the same `text` rules), every number within the
//! limits commands enforce, every instant within the workshop's life.

use std::collections::{BTreeMap, HashSet};

use crate::ids::{ColumnId, Millis, NoteId, ParticipantId, RoomId, StepId};
use crate::model::{ColumnKind, Note, Ranked, Role, TimerState, Workshop};
use crate::text;

use super::agenda::check_step;
use super::rooms::same_label;
use super::{
    MAX_BRANCHES, MAX_BUDGET, MAX_COLUMNS, MAX_NOTES_PER_ROOM, MAX_PARTICIPANTS, MAX_ROOMS, MAX_SEQ,
    MAX_STEPS, MAX_TIMER_MILLIS, same_name,
};

/// Returns the first broken invariant, described for a failing test.
pub fn check_invariants(w: &Workshop) -> Result<(), String> {
    fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
        if ok { Ok(()) } else { Err(what()) }
    }

    ensure(text::title(&w.title).as_deref() == Ok(w.title.as_str()), || {
        format!("invalid title {:?}", w.title)
    })?;
    ensure(
        text::label(&w.template).as_deref() == Ok(w.template.as_str()),
        || format!("invalid template key {:?}", w.template),
    )?;
    ensure(w.created <= Millis::LATEST, || {
        format!("created at {}", w.created.0)
    })?;
    ensure(w.seq <= MAX_SEQ, || format!("{} events", w.seq))?;
    // Every instant the workshop holds falls between its creation and `LATEST`.
    let instant = |at: Millis, what: &dyn Fn() -> String| {
        ensure(w.created <= at && at <= Millis::LATEST, || {
            format!("{} at {}, outside the workshop's life", what(), at.0)
        })
    };
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
    let names: HashSet<_> = w.rooms.iter().map(|r| text::fold(&r.name)).collect();
    ensure(names.len() == w.rooms.len(), || "two rooms share a name".into())?;
    let column_ids: HashSet<_> = w.columns.iter().map(|c| c.id).collect();
    ensure(column_ids.len() == w.columns.len(), || {
        "two columns share an id".into()
    })?;
    let step_ids: HashSet<_> = w.steps.iter().map(|s| s.id).collect();
    ensure(step_ids.len() == w.steps.len(), || "two steps share an id".into())?;
    for room in &w.rooms {
        ensure(
            text::label(&room.name).as_deref() == Ok(room.name.as_str()),
            || format!("invalid room name {:?}", room.name),
        )?;
        ensure(
            room.territory
                .as_deref()
                .is_none_or(|t| text::label(t).as_deref() == Ok(t)),
            || format!("invalid territory {:?}", room.territory),
        )?;
        ensure(step_ids.contains(&room.step), || {
            format!("room {} is on an unknown step", room.name)
        })?;
        ensure(room.revealed.iter().all(|s| step_ids.contains(s)), || {
            format!("room {} revealed an unknown step", room.name)
        })?;
    }
    for (i, column) in w.columns.iter().enumerate() {
        ensure(
            text::label(&column.title).as_deref() == Ok(column.title.as_str()),
            || format!("invalid column title {:?}", column.title),
        )?;
        ensure(
            column
                .key
                .as_deref()
                .is_none_or(|k| text::label(k).as_deref() == Ok(k)),
            || format!("invalid column key {:?}", column.key),
        )?;
        ensure(
            !w.columns[i + 1..]
                .iter()
                .any(|c| same_label(&c.title, &column.title)),
            || format!("two columns are called {:?}", column.title),
        )?;
        if let ColumnKind::Attached { to } = column.kind {
            let parent = w.column(to).map(|c| c.kind);
            ensure(
                matches!(parent, Some(ColumnKind::Open | ColumnKind::Facilitators)),
                || format!("column {:?} hangs under no free column", column.title),
            )?;
        }
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
        instant(p.joined, &|| format!("{} joined", p.id))?;
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
        instant(note.created, &|| format!("note {} posted", note.id))?;
        check_details(note)?;
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

    if let Some(message) = &w.message {
        ensure(
            text::message(&message.text).as_deref() == Ok(message.text.as_str()),
            || "the message to every room has invalid text".into(),
        )?;
        instant(message.sent, &|| "the message to every room sent".into())?;
    }
    match w.timer.state {
        TimerState::Running { ends_at } => ensure(ends_at <= Millis::LATEST, || {
            format!("the timer ends at {}", ends_at.0)
        })?,
        TimerState::Paused { remaining } => ensure(remaining <= MAX_TIMER_MILLIS, || {
            format!("the paused timer has {remaining} ms left")
        })?,
        TimerState::Stopped | TimerState::Elapsed => {}
    }

    check_ballots(w)?;
    check_polls(w)?;
    check_results(w, &room_ids)
}

/// Answers name known people and an option their poll offers; a poll's entry is
/// never empty; published counts have one figure per option.
fn check_polls(w: &Workshop) -> Result<(), String> {
    for (step, poll) in &w.polls {
        let rules = w
            .step(*step)
            .and_then(|s| s.poll_rules())
            .ok_or_else(|| format!("answers to {step}, which is not a poll"))?;
        if poll.answers.is_empty() && poll.counts.is_none() {
            return Err(format!("an empty entry for poll {step}"));
        }
        for (who, option) in &poll.answers {
            if !w.participants.contains_key(who) || *option as usize >= rules.options.len() {
                return Err(format!("answer {option} of {who} to poll {step}"));
            }
        }
        if poll
            .counts
            .as_ref()
            .is_some_and(|c| c.len() != rules.options.len())
        {
            return Err(format!("counts of poll {step} do not match its options"));
        }
    }
    Ok(())
}

/// A note's characterisation and problem tree: every text as a command would have
/// left it, within the number of branches, each branch once.
fn check_details(note: &Note) -> Result<(), String> {
    let d = &note.details;
    for field in [&d.why, &d.who, &d.measure] {
        if text::details(field).as_deref() != Ok(field.as_str()) {
            return Err(format!("note {} has an invalid characterisation", note.id));
        }
    }
    let mut ids = HashSet::new();
    for side in [&d.causes, &d.consequences] {
        if side.len() > MAX_BRANCHES {
            return Err(format!(
                "note {} has {} branches on one side",
                note.id,
                side.len()
            ));
        }
        for branch in side {
            if !ids.insert(branch.id) || text::branch(&branch.text).as_deref() != Ok(branch.text.as_str()) {
                return Err(format!("note {} has a repeated or invalid branch", note.id));
            }
        }
    }
    Ok(())
}

/// Rankings of closed votes: one per vote and room, of rooms that exist, with counts
/// no vote could exceed.
fn check_results(w: &Workshop, rooms: &HashSet<RoomId>) -> Result<(), String> {
    let most_votes = MAX_BUDGET as usize * MAX_PARTICIPANTS;
    let most_ranked = MAX_NOTES_PER_ROOM * MAX_ROOMS;
    let mut seen = HashSet::new();
    for result in &w.results {
        if !seen.insert((result.step, result.room)) {
            return Err(format!("vote {} is ranked twice for one room", result.step));
        }
        if result.room.is_some_and(|r| !rooms.contains(&r)) || result.ranking.len() > most_ranked {
            return Err(format!("vote {} is ranked for an unknown room", result.step));
        }
        let sound = |r: &Ranked| {
            r.rank >= 1
                && r.rank as usize <= result.ranking.len()
                && r.votes as usize <= most_votes
                && r.voters as usize <= MAX_PARTICIPANTS
                && r.voters <= r.votes
        };
        if !result.ranking.iter().all(sound) {
            return Err(format!("vote {} has an impossible ranking", result.step));
        }
    }
    Ok(())
}

/// Dots are on existing, ungrouped notes, and within every limit of their vote.
fn check_ballots(w: &Workshop) -> Result<(), String> {
    let mut total: BTreeMap<(StepId, ParticipantId), u32> = BTreeMap::new();
    let mut column: BTreeMap<(StepId, ParticipantId, ColumnId), u32> = BTreeMap::new();
    let mut parent: BTreeMap<(StepId, ParticipantId, NoteId), u32> = BTreeMap::new();
    for (ballot, dots) in &w.ballots {
        if !w.participants.contains_key(&ballot.voter) {
            return Err(format!("dots from an unknown voter {}", ballot.voter));
        }
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
