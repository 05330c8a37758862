//! Who is in the workshop and where: joining, rooms, roles, the "I'm done" signal.

use crate::event::Event;
use crate::ids::{Millis, ParticipantId, RoomId};
use crate::model::{Assignment, Participant, Role, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_PARTICIPANTS, lead, member};

pub(super) fn admit(
    w: &Workshop,
    actor: Actor,
    id: ParticipantId,
    name: &str,
    role: Role,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    if actor != Actor::System {
        return Err(Rejection::Forbidden);
    }
    if !w.settings.joining_open {
        return Err(Rejection::JoiningClosed);
    }
    if w.participants.contains_key(&id) {
        return Err(Rejection::DuplicateId);
    }
    if w.participants.len() >= MAX_PARTICIPANTS {
        return Err(Rejection::TooMany {
            what: Counted::Participants,
            max: MAX_PARTICIPANTS,
        });
    }
    let name = text::name(name)?;
    if w.participants.values().any(|p| same_name(&p.name, &name)) {
        return Err(Rejection::NameTaken);
    }
    let room = match (role, w.settings.assignment) {
        (Role::Lead, _) | (_, Assignment::Facilitator | Assignment::Choice) => None,
        (_, Assignment::Balanced) => Some(least_crowded_room(w)),
    };
    Ok(vec![Event::ParticipantJoined {
        participant: Participant {
            id,
            name,
            role,
            room,
            joined: now,
            ready: false,
        },
    }])
}

/// A facilitator places someone in a room, or back in the lobby.
pub(super) fn move_to(
    w: &Workshop,
    actor: Actor,
    id: ParticipantId,
    room: Option<RoomId>,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let who = w.participants.get(&id).ok_or(Rejection::UnknownParticipant)?;
    if room.is_some_and(|r| w.room(r).is_none()) {
        return Err(Rejection::UnknownRoom);
    }
    if who.role == Role::Lead && room.is_some() {
        // A lead is in every room at once.
        return Err(Rejection::Forbidden);
    }
    Ok(relocate(who, room))
}

/// A participant picks their room, when the workshop lets them.
pub(super) fn choose_room(w: &Workshop, actor: Actor, room: RoomId) -> Result<Vec<Event>, Rejection> {
    let who = member(w, actor)?;
    if !matches!(who.role, Role::Participant | Role::Observer) {
        return Err(Rejection::Forbidden);
    }
    if w.settings.assignment != Assignment::Choice {
        return Err(Rejection::ChoiceNotAllowed);
    }
    if w.room(room).is_none() {
        return Err(Rejection::UnknownRoom);
    }
    Ok(relocate(who, Some(room)))
}

pub(super) fn set_role(
    w: &Workshop,
    actor: Actor,
    id: ParticipantId,
    role: Role,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    let who = w.participants.get(&id).ok_or(Rejection::UnknownParticipant)?;
    if who.role == role {
        return Ok(Vec::new());
    }
    let leads = w.participants.values().filter(|p| p.role == Role::Lead).count();
    if who.role == Role::Lead && leads == 1 {
        return Err(Rejection::LastLead);
    }
    // A lead has no room; someone who stops being one waits in the lobby to be placed.
    let room = if role == Role::Lead { None } else { who.room };
    Ok(vec![Event::ParticipantChanged {
        participant: Participant {
            role,
            room,
            ready: false,
            ..who.clone()
        },
        from: who.room,
        was: who.role,
    }])
}

pub(super) fn set_ready(w: &Workshop, actor: Actor, ready: bool) -> Result<Vec<Event>, Rejection> {
    let who = member(w, actor)?;
    if who.role != Role::Participant {
        return Err(Rejection::Forbidden);
    }
    let Some(room) = who.room else {
        return Err(Rejection::NotYourRoom);
    };
    if who.ready == ready {
        return Ok(Vec::new());
    }
    Ok(vec![Event::ReadyChanged {
        participant: who.id,
        room: Some(room),
        ready,
    }])
}

fn relocate(who: &Participant, room: Option<RoomId>) -> Vec<Event> {
    if who.room == room {
        return Vec::new();
    }
    vec![Event::ParticipantChanged {
        participant: Participant {
            room,
            ready: false,
            ..who.clone()
        },
        from: who.room,
        was: who.role,
    }]
}

/// Names are compared as people read them ([`text::fold`]): "Marie  Dupont" is
/// "marie dupont", and "Ali\u{200B}ce" (with a zero-width space) or "Ａｌｉｃｅ" is
/// "Alice".
pub fn same_name(a: &str, b: &str) -> bool {
    text::same(a, b)
}

/// The room with the fewest participants; the first such room on a tie, so that
/// rooms fill in the order the facilitator listed them.
fn least_crowded_room(w: &Workshop) -> RoomId {
    w.rooms
        .iter()
        .enumerate()
        .min_by_key(|(index, room)| (w.headcount(room.id), *index))
        .map(|(_, room)| room.id)
        .expect("a workshop always has at least one room (checked at creation and removal)")
}
