//! Dot votes: each voter spends a budget, at most `per_note` dots on a note, within
//! the column and parent budgets; counts stay secret until a facilitator closes the
//! vote, which publishes a ranking. A vote command sets the voter's dots on a note,
//! so it can be re-sent without counting twice; the actor applies votes one at a time,
//! so none is lost.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::Event;
use crate::ids::{NoteId, ParticipantId, RoomId, StepId};
use crate::model::{Ranked, Role, Step, VoteResult, VoteRules, VoteScope, Workshop};
use crate::rejection::Rejection;

use super::{Actor, lead, member, targets};

pub(super) fn vote(w: &Workshop, actor: Actor, note: NoteId, dots: u32) -> Result<Vec<Event>, Rejection> {
    let voter = member(w, actor)?;
    if !matches!(voter.role, Role::Participant | Role::RoomFacilitator) {
        return Err(Rejection::Forbidden);
    }
    let room = voter.room.ok_or(Rejection::NotYourRoom)?;
    let step = w.current_step(room).ok_or(Rejection::UnknownStep)?;
    let rules = step.vote_rules().ok_or(Rejection::WrongStep)?;
    let chosen = w.notes.get(&note).ok_or(Rejection::UnknownNote)?;
    // A merged note is voted for as its group.
    let note = match chosen.group {
        Some(leader) => w.notes.get(&leader).ok_or(Rejection::UnknownNote)?,
        None => chosen,
    };
    if note.hidden && note.author != Some(voter.id) {
        return Err(Rejection::UnknownNote);
    }
    if rules.scope == VoteScope::Room && note.room != room {
        return Err(Rejection::NotYourRoom);
    }
    if !step.columns.contains(&note.column) {
        return Err(Rejection::WrongStep);
    }
    if w.result(step.id, rules.tally_room(note.room)).is_some() {
        return Err(Rejection::VoteClosed);
    }
    if w.room(room).is_some_and(|r| r.locked) {
        return Err(Rejection::Locked);
    }
    if dots > rules.per_note {
        return Err(Rejection::OverNoteCap { cap: rules.per_note });
    }
    let current = w.dots(step.id, voter.id, note.id);
    if dots == current {
        return Ok(Vec::new());
    }
    if dots > current {
        // Withdrawing is always possible; spending more must fit every budget.
        let more = dots - current;
        let spent = |keep: &dyn Fn(NoteId) -> bool| spent(w, step.id, voter.id, keep);
        if spent(&|_| true) + more > rules.budget {
            return Err(Rejection::OverBudget { budget: rules.budget });
        }
        if let Some(budget) = rules.per_column.get(&note.column) {
            let in_column = spent(&|n| w.notes.get(&n).is_some_and(|n| n.column == note.column));
            if in_column + more > *budget {
                return Err(Rejection::OverColumnBudget {
                    column: note.column,
                    budget: *budget,
                });
            }
        }
        if let (Some(budget), Some(parent)) = (rules.per_parent, note.parent) {
            let under_parent = spent(&|n| w.notes.get(&n).is_some_and(|n| n.parent == Some(parent)));
            if under_parent + more > budget {
                return Err(Rejection::OverParentBudget { budget });
            }
        }
    }
    Ok(vec![Event::VoteCast {
        step: step.id,
        room: note.room,
        voter: voter.id,
        note: note.id,
        dots,
    }])
}

/// Closes a vote in one room or every room (a workshop-wide vote: the lead only) and
/// publishes the rankings. Closing a closed vote changes nothing.
pub(super) fn close(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<Vec<Event>, Rejection> {
    let (step, rules) = vote_step(w, step)?;
    Ok(tallied_rooms(w, actor, room, rules)?
        .into_iter()
        .filter(|scope| w.result(step.id, *scope).is_none())
        .map(|scope| Event::VoteClosed {
            result: tally(w, step, scope),
        })
        .collect())
}

/// Opens a closed vote again: its ranking is withdrawn until it closes anew.
pub(super) fn reopen(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<Vec<Event>, Rejection> {
    let (step, rules) = vote_step(w, step)?;
    Ok(tallied_rooms(w, actor, room, rules)?
        .into_iter()
        .filter(|scope| w.result(step.id, *scope).is_some())
        .map(|scope| Event::VoteReopened {
            step: step.id,
            room: scope,
        })
        .collect())
}

/// Settles a tie in a closed ranking, one room's (or the workshop's): the notes
/// `ahead`, which share one rank, keep it; the rest of that tie moves down behind
/// them (a tie of four at rank 2, two of them ahead: 2, 2, 4, 4). Published as the
/// ranking closed anew, so every copy of the workshop replaces its ranking.
pub(super) fn break_tie(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
    ahead: &[NoteId],
) -> Result<Vec<Event>, Rejection> {
    let (step, rules) = vote_step(w, step)?;
    let scopes = tallied_rooms(w, actor, room, rules)?;
    let [scope] = scopes[..] else {
        return Err(Rejection::NotATie);
    };
    let result = w.result(step.id, scope).ok_or(Rejection::NotATie)?;
    let first = ahead
        .first()
        .and_then(|n| result.ranking.iter().find(|r| r.note == *n))
        .ok_or(Rejection::NotATie)?;
    let (column, parent, rank) = (first.column, first.parent, first.rank);
    let tied = |r: &Ranked| r.column == column && r.parent == parent && r.rank == rank;
    // Sorted by column, parent and votes, a tie's notes are contiguous.
    let start = result.ranking.iter().position(tied).ok_or(Rejection::NotATie)?;
    let size = result.ranking[start..].iter().take_while(|r| tied(r)).count();
    let tie: BTreeSet<NoteId> = result.ranking[start..start + size]
        .iter()
        .map(|r| r.note)
        .collect();
    let chosen: BTreeSet<NoteId> = ahead.iter().copied().collect();
    if ahead.len() >= size || chosen.len() != ahead.len() || !chosen.is_subset(&tie) {
        return Err(Rejection::NotATie);
    }
    let (front, mut behind): (Vec<Ranked>, Vec<Ranked>) = result.ranking[start..start + size]
        .iter()
        .cloned()
        .partition(|r| chosen.contains(&r.note));
    for r in &mut behind {
        r.rank += ahead.len() as u32;
    }
    let mut ranking = result.ranking.clone();
    ranking.splice(start..start + size, front.into_iter().chain(behind));
    Ok(vec![Event::VoteClosed {
        result: VoteResult {
            step: step.id,
            room: scope,
            ranking,
        },
    }])
}

/// The ranking of vote `step` over one room's notes, or (`room: None`) every room's.
/// Ranks are per column and, when the vote counts per parent, per parent; ties share
/// a rank (1, 2, 2, 4), broken for display by age.
pub fn tally(w: &Workshop, step: &Step, room: Option<RoomId>) -> VoteResult {
    let per_parent = step.vote_rules().is_some_and(|r| r.per_parent.is_some());
    let mut counts: BTreeMap<NoteId, (u32, u32)> = BTreeMap::new();
    for (ballot, dots) in w.ballots.iter().filter(|(b, _)| b.step == step.id) {
        let entry = counts.entry(ballot.note).or_default();
        entry.0 += dots;
        entry.1 += 1;
    }
    let mut eligible: Vec<_> = w
        .notes
        .values()
        .filter(|n| step.columns.contains(&n.column) && n.group.is_none() && !n.hidden)
        .filter(|n| room.is_none_or(|r| n.room == r))
        .collect();
    let column_order = |column| {
        step.columns
            .iter()
            .position(|c| *c == column)
            .unwrap_or(usize::MAX)
    };
    let parent_order = |parent: Option<NoteId>| {
        let parent = if per_parent { parent } else { None };
        parent.and_then(|p| w.notes.get(&p)).map(|p| (p.created, p.id))
    };
    eligible.sort_by_key(|n| {
        let (votes, _) = counts.get(&n.id).copied().unwrap_or_default();
        (
            column_order(n.column),
            parent_order(n.parent),
            std::cmp::Reverse(votes),
            n.created,
            n.id,
        )
    });
    let mut ranking: Vec<Ranked> = Vec::with_capacity(eligible.len());
    let mut group_start = 0;
    for (index, note) in eligible.iter().enumerate() {
        let (votes, voters) = counts.get(&note.id).copied().unwrap_or_default();
        let parent = if per_parent { note.parent } else { None };
        // Sorted above, each group's notes are contiguous, best first.
        let rank = match ranking.last() {
            Some(previous) if previous.column == note.column && previous.parent == parent => {
                if previous.votes == votes {
                    previous.rank
                } else {
                    (index - group_start) as u32 + 1
                }
            }
            _ => {
                group_start = index;
                1
            }
        };
        ranking.push(Ranked {
            note: note.id,
            column: note.column,
            parent,
            votes,
            voters,
            rank,
        });
    }
    VoteResult {
        step: step.id,
        room,
        ranking,
    }
}

fn vote_step(w: &Workshop, step: StepId) -> Result<(&Step, &VoteRules), Rejection> {
    let step = w.step(step).ok_or(Rejection::UnknownStep)?;
    let rules = step.vote_rules().ok_or(Rejection::WrongStep)?;
    Ok((step, rules))
}

/// The rankings a close or reopen concerns: one per room asked for, or the one
/// workshop-wide ranking.
fn tallied_rooms(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    rules: &VoteRules,
) -> Result<Vec<Option<RoomId>>, Rejection> {
    match rules.scope {
        VoteScope::Room => Ok(targets(w, actor, room)?.into_iter().map(Some).collect()),
        VoteScope::Workshop => lead(w, actor).map(|_| vec![None]),
    }
}

/// Dots `voter` spent in vote `step` on the notes `keep` accepts.
fn spent(w: &Workshop, step: StepId, voter: ParticipantId, keep: &dyn Fn(NoteId) -> bool) -> u32 {
    w.ballots
        .iter()
        .filter(|(b, _)| b.step == step && b.voter == voter && keep(b.note))
        .map(|(_, dots)| *dots)
        .sum()
}
