//! Quick polls: every room on the poll step answers one question, one option each.
//! An answer sets the answerer's choice, so re-sending it changes nothing; closing
//! publishes the counts (which a secret poll kept to the lead until then) and refuses
//! later answers; reopening withdraws them.

use std::collections::BTreeSet;

use crate::event::Event;
use crate::ids::{RoomId, StepId};
use crate::model::{PollRules, Role, Step, Workshop};
use crate::rejection::Rejection;
use crate::text;

use super::{Actor, MAX_POLL_OPTIONS, lead, member};

pub(super) fn answer(
    w: &Workshop,
    actor: Actor,
    step: StepId,
    option: Option<u32>,
) -> Result<Vec<Event>, Rejection> {
    let who = member(w, actor)?;
    // Someone who answered and has since become an observer, a lead, or gone to the
    // lobby may still take their answer back while the poll is open (and their
    // board, if they have one, is not locked).
    let answering = matches!(who.role, Role::Participant | Role::RoomFacilitator)
        && who.room.and_then(|r| w.room(r)).is_some_and(|r| r.step == step);
    if !answering && option.is_none() && w.answer(step, who.id).is_some() && !w.poll_closed(step) {
        if who.room.and_then(|r| w.room(r)).is_some_and(|r| r.locked) {
            return Err(Rejection::Locked);
        }
        return Ok(vec![Event::Answered {
            step,
            participant: who.id,
            option: None,
        }]);
    }
    if !matches!(who.role, Role::Participant | Role::RoomFacilitator) {
        return Err(Rejection::Forbidden);
    }
    let room = who.room.ok_or(Rejection::NotYourRoom)?;
    let (step, rules) = poll_step(w, step)?;
    if w.room(room).is_some_and(|r| r.step != step.id) {
        return Err(Rejection::WrongStep);
    }
    if w.poll_closed(step.id) {
        return Err(Rejection::VoteClosed);
    }
    if w.room(room).is_some_and(|r| r.locked) {
        return Err(Rejection::Locked);
    }
    if option.is_some_and(|o| o as usize >= rules.options.len()) {
        return Err(Rejection::InvalidRules {
            reason: "no such option in this poll".into(),
        });
    }
    if w.answer(step.id, who.id) == option {
        return Ok(Vec::new());
    }
    Ok(vec![Event::Answered {
        step: step.id,
        participant: who.id,
        option,
    }])
}

/// Closes poll `step` and publishes its counts (the lead only: a poll gathers every
/// room). Closing a closed poll changes nothing.
pub(super) fn close(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<Vec<Event>, Rejection> {
    let (step, _) = whole_workshop(w, actor, room, step)?;
    if w.poll_closed(step.id) {
        return Ok(Vec::new());
    }
    Ok(vec![Event::PollClosed {
        step: step.id,
        counts: w.poll_counts(step.id),
    }])
}

/// Opens a closed poll again: answers are taken anew, the counts withdrawn.
pub(super) fn reopen(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<Vec<Event>, Rejection> {
    let (step, _) = whole_workshop(w, actor, room, step)?;
    if !w.poll_closed(step.id) {
        return Ok(Vec::new());
    }
    Ok(vec![Event::PollReopened { step: step.id }])
}

/// Whether `step` is a poll (whose close and reopen commands are the vote's).
pub(super) fn is_poll(w: &Workshop, step: StepId) -> bool {
    w.step(step).is_some_and(|s| s.poll_rules().is_some())
}

/// A poll's rules as a step is checked: two options or more, each a short line, none
/// twice.
pub(super) fn check_rules(rules: &PollRules) -> Result<PollRules, Rejection> {
    if rules.options.len() < 2 || rules.options.len() > MAX_POLL_OPTIONS {
        return Err(Rejection::InvalidRules {
            reason: format!("a poll has from 2 to {MAX_POLL_OPTIONS} options"),
        });
    }
    let options = rules
        .options
        .iter()
        .map(|o| text::option(o))
        .collect::<Result<Vec<_>, _>>()?;
    // Options that read the same (case, spacing, invisible characters, compatibility
    // forms aside) are the same option.
    let distinct: BTreeSet<String> = options.iter().map(|o| text::fold(o)).collect();
    if distinct.len() != options.len() {
        return Err(Rejection::InvalidRules {
            reason: "a poll cannot offer the same option twice".into(),
        });
    }
    Ok(PollRules {
        options,
        secret: rules.secret,
    })
}

/// Refuses an edit that would change what existing answers mean: once someone has
/// answered (or the poll was closed), the options stay as they are, and a secret
/// poll stays secret (people answered trusting it); the title may change, and an
/// open poll may become secret.
pub(super) fn check_edit(w: &Workshop, current: &Step, edited: &Step) -> Result<(), Rejection> {
    let Some(old) = current.poll_rules() else {
        return Ok(());
    };
    if !w.polls.contains_key(&current.id) {
        return Ok(());
    }
    let Some(new) = edited.poll_rules() else {
        return Err(Rejection::InvalidRules {
            reason: "a poll someone has answered stays a poll".into(),
        });
    };
    if old.options != new.options {
        return Err(Rejection::InvalidRules {
            reason: "the options of a poll cannot change once someone has answered".into(),
        });
    }
    if old.secret && !new.secret {
        return Err(Rejection::InvalidRules {
            reason: "a secret poll stays secret once someone has answered".into(),
        });
    }
    Ok(())
}

/// Refuses moving one room onto a poll or off it: a poll gathers every room, so
/// every room comes and goes together (`room: null`).
pub(super) fn check_move(w: &Workshop, room: Option<RoomId>, step: StepId) -> Result<(), Rejection> {
    let Some(room) = room else { return Ok(()) };
    let on_poll = w.current_step(room).is_some_and(|s| s.poll_rules().is_some());
    if is_poll(w, step) || on_poll {
        return Err(Rejection::InvalidRules {
            reason: "every room goes to a poll, and leaves it, together (room: null)".into(),
        });
    }
    Ok(())
}

fn poll_step(w: &Workshop, step: StepId) -> Result<(&Step, &PollRules), Rejection> {
    let step = w.step(step).ok_or(Rejection::UnknownStep)?;
    let rules = step.poll_rules().ok_or(Rejection::WrongStep)?;
    Ok((step, rules))
}

/// The poll a close or reopen names, for the lead, with no room named.
fn whole_workshop(
    w: &Workshop,
    actor: Actor,
    room: Option<RoomId>,
    step: StepId,
) -> Result<(&Step, &PollRules), Rejection> {
    lead(w, actor)?;
    if room.is_some() {
        return Err(Rejection::InvalidRules {
            reason: "a poll is closed for every room at once (room: null)".into(),
        });
    }
    poll_step(w, step)
}
