//! What the screens show, computed from the replica: room figures, vote budgets,
//! rankings, what the viewer may do. Pure functions of the workshop, so the views
//! stay declarative; "may I?" asks the state machine itself (`decide`), so a button
//! is offered exactly when the server would accept its command.

use std::collections::BTreeSet;

use atelier_shared::machine::{Actor, decide};
use atelier_shared::model::{Ranked, Role, Source, VoteResult, VoteScope};
use atelier_shared::{ColumnId, Command, NoteId, ParticipantId, RoomId, Step, StepId, Workshop};

use crate::browser;

/// What the cockpit shows of one room.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RoomFigures {
    /// Participants placed in the room.
    pub people: usize,
    /// Of whom connected now.
    pub online: usize,
    /// Of whom done with the step.
    pub ready: usize,
    /// Notes people posted (a map's are not counted), as the report counts them.
    pub notes: usize,
    /// Dots cast in the room's current vote.
    pub dots: u32,
    /// Notes waiting to be revealed.
    pub hidden: usize,
}

pub fn room_figures(w: &Workshop, room: RoomId, online: &BTreeSet<ParticipantId>) -> RoomFigures {
    let mut figures = RoomFigures::default();
    for p in w.participants.values() {
        if p.room == Some(room) && p.role == Role::Participant {
            figures.people += 1;
            figures.online += usize::from(online.contains(&p.id));
            figures.ready += usize::from(p.ready);
        }
    }
    // Counted as the report and the exports count: notes people posted, not a map's.
    for note in w.notes.values().filter(|n| n.room == room) {
        figures.notes += usize::from(note.source == Source::Posted);
        figures.hidden += usize::from(note.hidden);
    }
    if let Some(step) = w.current_step(room).filter(|s| s.vote_rules().is_some()) {
        figures.dots = w
            .ballots
            .iter()
            .filter(|(b, _)| b.step == step.id && w.notes.get(&b.note).is_some_and(|n| n.room == room))
            .map(|(_, dots)| *dots)
            .sum();
    }
    figures
}

/// Dots left to a voter in a vote step: overall, and per column with a budget.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    pub left: u32,
    pub total: u32,
    /// The columns with a budget of their own, in the step's order.
    pub columns: Vec<ColumnBudget>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnBudget {
    pub column: ColumnId,
    pub left: u32,
    pub budget: u32,
}

pub fn budget(w: &Workshop, step: &Step, voter: ParticipantId) -> Option<Budget> {
    let rules = step.vote_rules()?;
    let spent_on = |keep: &dyn Fn(NoteId) -> bool| -> u32 {
        w.ballots
            .iter()
            .filter(|(b, _)| b.step == step.id && b.voter == voter && keep(b.note))
            .map(|(_, dots)| *dots)
            .sum()
    };
    let spent = spent_on(&|_| true);
    // In the order the step shows its columns.
    let columns = step
        .columns
        .iter()
        .filter_map(|column| {
            let budget = rules.per_column.get(column)?;
            let used = spent_on(&|n| w.notes.get(&n).is_some_and(|n| n.column == *column));
            Some(ColumnBudget {
                column: *column,
                left: budget.saturating_sub(used),
                budget: *budget,
            })
        })
        .collect();
    Some(Budget {
        left: rules.budget.saturating_sub(spent),
        total: rules.budget,
        columns,
    })
}

/// The ranking that sums up `room` for now: the latest closed vote of the agenda
/// (the room's own, or the workshop-wide one) with notes of the room.
pub fn latest_ranking(w: &Workshop, room: RoomId) -> Option<(&Step, Vec<&Ranked>)> {
    w.steps.iter().rev().find_map(|step| {
        let rules = step.vote_rules()?;
        let scope = match rules.scope {
            VoteScope::Room => Some(room),
            VoteScope::Workshop => None,
        };
        let result: &VoteResult = w.result(step.id, scope)?;
        let ranked: Vec<&Ranked> = result
            .ranking
            .iter()
            .filter(|r| w.notes.get(&r.note).is_some_and(|n| n.room == room))
            .collect();
        Some((step, ranked))
    })
}

/// Whether `who` casts votes in `room`: its participants and its facilitator (not
/// the lead, not observers).
pub fn votes_in(w: &Workshop, who: ParticipantId, room: RoomId) -> bool {
    w.participants
        .get(&who)
        .is_some_and(|p| matches!(p.role, Role::Participant | Role::RoomFacilitator) && p.room == Some(room))
}

/// The ranking `room` sees of vote step `step`, once the vote is closed there.
pub fn closed_result<'w>(w: &'w Workshop, step: &Step, room: RoomId) -> Option<&'w VoteResult> {
    let rules = step.vote_rules()?;
    w.result(step.id, rules.tally_room(room))
}

/// Whether vote step `vote` is closed for every room on step `on` (a room with no
/// ranking of it has nothing to work on there).
pub fn closed_on(w: &Workshop, vote: &Step, on: StepId) -> bool {
    w.rooms
        .iter()
        .filter(|r| r.step == on)
        .all(|r| closed_result(w, vote, r.id).is_some())
}

/// The vote whose results a room's board shows: its current step's once closed; or,
/// on a step working from a vote (characterising its best needs) or on a read-only
/// step (a discussion about "the retained needs"), the vote it follows, once closed.
pub fn results_step(w: &Workshop, room: RoomId) -> Option<&Step> {
    let current = w.current_step(room)?;
    let closed = |s: &&Step| closed_result(w, s, room).is_some();
    if current.vote_rules().is_some() {
        return Some(current).filter(closed);
    }
    if let Some(focus) = current.focus() {
        return w.step(focus.vote).filter(closed);
    }
    if !current.activity.recalls_results() {
        return None;
    }
    let index = w.steps.iter().position(|s| s.id == current.id)?;
    w.steps[..index]
        .iter()
        .rev()
        .find(|s| s.vote_rules().is_some())
        .filter(closed)
}

/// The notes of `room` that later steps work on because vote `vote` ranked them best
/// (their "top 3", ties at the cut included).
pub fn retained(w: &Workshop, vote: StepId, room: RoomId) -> BTreeSet<NoteId> {
    w.steps
        .iter()
        .filter(|s| s.focus().is_some_and(|f| f.vote == vote))
        .flat_map(|s| w.focus_notes(s, room))
        .collect()
}

/// A tie that straddles the cut of a later step's "top N" in one column: more notes
/// are kept than N because several share the last rank kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CutTie {
    pub column: ColumnId,
    /// The ranks a later step keeps.
    pub top: u32,
    /// The rank the tied notes share.
    pub rank: u32,
    /// How many of them fit above the cut.
    pub places: usize,
    pub notes: Vec<NoteId>,
}

/// The ties at the cut of `room`'s closed vote `vote`, for the facilitator to settle.
pub fn ties_at_cut(w: &Workshop, vote: &Step, room: RoomId) -> Vec<CutTie> {
    let Some(result) = closed_result(w, vote, room) else {
        return Vec::new();
    };
    let mut ties: Vec<CutTie> = Vec::new();
    for later in &w.steps {
        let Some(focus) = later.focus().filter(|f| f.vote == vote.id) else {
            continue;
        };
        for column in later.columns.iter().filter(|c| vote.columns.contains(c)) {
            // What the later step keeps from (`Workshop::focus_notes`): voted notes of
            // this room and column.
            let ranked: Vec<&Ranked> = result
                .ranking
                .iter()
                .filter(|r| r.column == *column && r.parent.is_none() && r.votes > 0)
                .filter(|r| w.notes.get(&r.note).is_some_and(|n| n.room == room))
                .collect();
            let Some(rank) = ranked.iter().map(|r| r.rank).filter(|r| *r <= focus.top).max() else {
                continue;
            };
            let notes: Vec<NoteId> = ranked.iter().filter(|r| r.rank == rank).map(|r| r.note).collect();
            let places = (focus.top - rank + 1) as usize;
            let known = ties.iter().any(|t| t.column == *column && t.rank == rank);
            if notes.len() > places && !known {
                ties.push(CutTie {
                    column: *column,
                    top: focus.top,
                    rank,
                    places,
                    notes,
                });
            }
        }
    }
    ties
}

/// A note's place in the closed vote of `step`, as its room (or the workshop) ranked it.
pub fn rank_of(w: &Workshop, step: StepId, note: NoteId) -> Option<&Ranked> {
    w.results
        .iter()
        .filter(|r| r.step == step)
        .find_map(|r| r.ranking.iter().find(|r| r.note == note))
}

/// Whether the state machine would accept `command` from `who` now.
pub fn may(w: &Workshop, who: ParticipantId, command: Command) -> bool {
    decide(w, Actor::Member(who), command, browser::now()).is_ok()
}

/// Whether `who` may post in `column` of `room` (under `parent`, in an attached column).
pub fn may_post(
    w: &Workshop,
    who: ParticipantId,
    room: RoomId,
    column: ColumnId,
    parent: Option<NoteId>,
) -> bool {
    may(
        w,
        who,
        Command::PostNote {
            note: NoteId::from_u128(0),
            room,
            column,
            text: "·".into(),
            colour: Default::default(),
            parent,
        },
    )
}

/// The step after the one the furthest room is on.
pub fn next_step(w: &Workshop) -> Option<&Step> {
    let furthest = w
        .rooms
        .iter()
        .filter_map(|r| w.steps.iter().position(|s| s.id == r.step))
        .max()?;
    w.steps.get(furthest + 1)
}

/// The step most rooms are on (the first room's, on a tie): what the cockpit drives.
pub fn common_step(w: &Workshop) -> Option<&Step> {
    let mut best: Option<(usize, StepId)> = None;
    for room in &w.rooms {
        let count = w.rooms.iter().filter(|r| r.step == room.step).count();
        if best.is_none_or(|(n, _)| count > n) {
            best = Some((count, room.step));
        }
    }
    w.step(best?.1)
}

/// The position of `step` in the agenda, from 1.
pub fn step_number(w: &Workshop, step: StepId) -> usize {
    w.steps.iter().position(|s| s.id == step).map_or(0, |i| i + 1)
}
