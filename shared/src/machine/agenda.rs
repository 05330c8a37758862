//! The agenda: steps, the rooms moving through them, and revealing hidden notes.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::Event;
use crate::ids::{ColumnId, NoteId, ParticipantId, RoomId, StepId};
use crate::model::{Activity, Ballot, Step, VoteRules, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{
    Actor, MAX_BUDGET, MAX_NOTES_PER_ROOM, MAX_STEP_COLUMNS, MAX_STEP_MINUTES, MAX_STEPS, lead, polls,
    targets,
};

pub(super) fn add(w: &Workshop, actor: Actor, step: Step, position: usize) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    if w.step(step.id).is_some() {
        return Err(Rejection::DuplicateId);
    }
    if w.steps.len() >= MAX_STEPS {
        return Err(Rejection::TooMany {
            what: Counted::Steps,
            max: MAX_STEPS,
        });
    }
    let step = check_step(w, step)?;
    Ok(vec![Event::StepAdded {
        step,
        position: position.min(w.steps.len()),
    }])
}

/// Replaces a step's definition. Vote rules may change while people vote, but no
/// limit may fall below what someone has already spent under it: such a change is
/// refused with the lowest value allowed (`budget_below_votes { min }`), so that the
/// facilitator decides, rather than votes silently disappearing.
pub(super) fn edit(w: &Workshop, actor: Actor, step: Step) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let current = w.step(step.id).ok_or(Rejection::UnknownStep)?;
    let step = check_step(w, step)?;
    if step == *current {
        return Ok(Vec::new());
    }
    polls::check_edit(w, current, &step)?;
    if let Some(rules) = step.vote_rules() {
        let cast = Spent::of(w, step.id);
        if let Some(old) = current.vote_rules()
            && old.scope != rules.scope
            && !cast.is_empty()
        {
            return Err(Rejection::InvalidRules {
                reason: "the scope of a vote cannot change once dots are cast".into(),
            });
        }
        cast.allows(rules)?;
    }
    Ok(vec![Event::StepEdited { step }])
}

pub(super) fn remove(w: &Workshop, actor: Actor, id: StepId) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    w.step(id).ok_or(Rejection::UnknownStep)?;
    if w.steps.len() == 1 {
        return Err(Rejection::TooFew { what: Counted::Steps });
    }
    let focused_by_another = w.steps.iter().any(|s| s.focus().is_some_and(|f| f.vote == id));
    if w.rooms.iter().any(|r| r.step == id) || focused_by_another {
        return Err(Rejection::StepInUse);
    }
    Ok(vec![Event::StepRemoved { step: id }])
}

pub(super) fn go_to(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<Vec<Event>, Rejection> {
    w.step(step).ok_or(Rejection::UnknownStep)?;
    let rooms = targets(w, actor, room)?;
    polls::check_move(w, room, step)?;
    Ok(rooms
        .into_iter()
        .filter(|id| w.room(*id).is_some_and(|r| r.step != step))
        .map(|room| Event::StepStarted { room, step })
        .collect())
}

/// Shows a room's hidden notes. The revealed copies leave out the authors of
/// anonymous notes: the event goes to the whole room.
pub(super) fn reveal(w: &Workshop, actor: Actor, room: Option<RoomId>) -> Result<Vec<Event>, Rejection> {
    let rooms = targets(w, actor, room)?;
    let mut events = Vec::new();
    for id in rooms {
        let Some(room) = w.room(id) else { continue };
        let hidden_step = w.step(room.step).is_some_and(|s| s.activity.hides_notes());
        let notes: Vec<_> = w
            .notes
            .values()
            .filter(|n| n.room == id && n.hidden)
            .map(|n| {
                let mut shown = n.clone();
                shown.hidden = false;
                if shown.anonymous {
                    shown.author = None;
                }
                shown
            })
            .collect();
        if !notes.is_empty() || (hidden_step && !room.revealed.contains(&room.step)) {
            events.push(Event::Revealed {
                room: id,
                step: room.step,
                notes,
            });
        }
    }
    Ok(events)
}

/// A step as given, checked against the workshop: its texts, its columns, its rules.
pub fn check_step(w: &Workshop, step: Step) -> Result<Step, Rejection> {
    let title = text::title(&step.title)?;
    let instructions = text::details(&step.instructions)?;
    let key = step.key.as_deref().map(text::label).transpose()?;
    if step.minutes.is_some_and(|m| m == 0 || m > MAX_STEP_MINUTES) {
        return Err(Rejection::InvalidRules {
            reason: "a step lasts from one minute to a day".into(),
        });
    }
    let columns: BTreeSet<ColumnId> = step.columns.iter().copied().collect();
    if columns.len() != step.columns.len() {
        return Err(Rejection::DuplicateId);
    }
    if step.columns.len() > MAX_STEP_COLUMNS {
        return Err(Rejection::TooMany {
            what: Counted::Columns,
            max: MAX_STEP_COLUMNS,
        });
    }
    if step.columns.iter().any(|c| w.column(*c).is_none()) {
        return Err(Rejection::UnknownColumn);
    }
    if step.activity.needs_columns() && step.columns.is_empty() {
        return Err(Rejection::TooFew {
            what: Counted::Columns,
        });
    }
    let mut step = step;
    match &mut step.activity {
        Activity::Vote { rules } => check_rules(rules, &columns)?,
        Activity::Poll { rules } => *rules = polls::check_rules(rules)?,
        Activity::Characterise { focus: Some(focus) } | Activity::ProblemTree { focus: Some(focus) } => {
            let is_vote = w.step(focus.vote).is_some_and(|s| s.vote_rules().is_some());
            let top = usize::try_from(focus.top).unwrap_or(usize::MAX);
            if !is_vote || top == 0 || top > MAX_NOTES_PER_ROOM {
                return Err(Rejection::InvalidRules {
                    reason: "the focus must name a vote step and keep at least the first rank".into(),
                });
            }
        }
        Activity::Brainstorm { .. }
        | Activity::Characterise { focus: None }
        | Activity::ProblemTree { focus: None }
        | Activity::Plenary
        | Activity::Discussion => {}
    }
    Ok(Step {
        key,
        title,
        instructions,
        ..step
    })
}

fn check_rules(rules: &VoteRules, columns: &BTreeSet<ColumnId>) -> Result<(), Rejection> {
    let invalid = |reason: &str| {
        Err(Rejection::InvalidRules {
            reason: reason.into(),
        })
    };
    if rules.budget == 0 || rules.budget > MAX_BUDGET {
        return invalid("a voter has between 1 and 100 dots");
    }
    if rules.per_note == 0 || rules.per_note > rules.budget {
        return invalid("the dots per note are between 1 and the budget");
    }
    for (column, budget) in &rules.per_column {
        if !columns.contains(column) {
            return invalid("a column budget names a column the step does not show");
        }
        if *budget == 0 || *budget > rules.budget {
            return invalid("a column budget is between 1 and the budget");
        }
    }
    if rules.per_parent.is_some_and(|b| b == 0 || b > rules.budget) {
        return invalid("the budget per parent is between 1 and the budget");
    }
    Ok(())
}

/// What the voters of one step have spent: the measure a new rule must allow.
struct Spent {
    total: BTreeMap<ParticipantId, u32>,
    column: BTreeMap<(ParticipantId, ColumnId), u32>,
    parent: BTreeMap<(ParticipantId, NoteId), u32>,
    note: u32,
}

impl Spent {
    fn of(w: &Workshop, step: StepId) -> Spent {
        let mut spent = Spent {
            total: BTreeMap::new(),
            column: BTreeMap::new(),
            parent: BTreeMap::new(),
            note: 0,
        };
        for (Ballot { voter, note, .. }, dots) in w.ballots.iter().filter(|(b, _)| b.step == step) {
            *spent.total.entry(*voter).or_default() += dots;
            spent.note = spent.note.max(*dots);
            if let Some(n) = w.notes.get(note) {
                *spent.column.entry((*voter, n.column)).or_default() += dots;
                if let Some(parent) = n.parent {
                    *spent.parent.entry((*voter, parent)).or_default() += dots;
                }
            }
        }
        spent
    }

    fn is_empty(&self) -> bool {
        self.total.is_empty()
    }

    fn allows(&self, rules: &VoteRules) -> Result<(), Rejection> {
        let most = |values: &mut dyn Iterator<Item = u32>| values.max().unwrap_or(0);
        let below = |limit: u32, min: u32| {
            if limit < min {
                Err(Rejection::BudgetBelowVotes { min })
            } else {
                Ok(())
            }
        };
        below(rules.budget, most(&mut self.total.values().copied()))?;
        below(rules.per_note, self.note)?;
        for (column, budget) in &rules.per_column {
            below(
                *budget,
                most(
                    &mut self
                        .column
                        .iter()
                        .filter(|((_, c), _)| c == column)
                        .map(|(_, d)| *d),
                ),
            )?;
        }
        if let Some(budget) = rules.per_parent {
            below(budget, most(&mut self.parent.values().copied()))?;
        }
        Ok(())
    }
}
