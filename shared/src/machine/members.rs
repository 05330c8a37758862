//! Who is in the workshop: admitting people who join with the code.

use crate::event::Event;
use crate::ids::{Millis, ParticipantId, RoomId};
use crate::model::{Participant, Role, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{Actor, MAX_PARTICIPANTS};

pub(super) fn admit(
    workshop: &Workshop,
    actor: Actor,
    id: ParticipantId,
    name: &str,
    role: Role,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    if actor != Actor::System {
        return Err(Rejection::Forbidden);
    }
    if workshop.participants.contains_key(&id) {
        return Err(Rejection::DuplicateId);
    }
    if workshop.participants.len() >= MAX_PARTICIPANTS {
        return Err(Rejection::TooMany {
            what: Counted::Participants,
            max: MAX_PARTICIPANTS,
        });
    }
    let name = text::name(name)?;
    if name_taken(workshop, &name) {
        return Err(Rejection::NameTaken);
    }
    let room = match role {
        Role::Lead => None,
        Role::RoomFacilitator | Role::Participant | Role::Observer => Some(least_crowded_room(workshop)),
    };
    Ok(vec![Event::ParticipantJoined {
        participant: Participant {
            id,
            name,
            role,
            room,
            joined: now,
        },
    }])
}

/// Names are compared as people read them: "Marie  Dupont" is "marie dupont".
pub fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    fold(a) == fold(b)
}

fn name_taken(workshop: &Workshop, name: &str) -> bool {
    workshop.participants.values().any(|p| same_name(&p.name, name))
}

/// The room with the fewest participants; the first such room on a tie, so that
/// rooms fill in the order the facilitator listed them.
fn least_crowded_room(workshop: &Workshop) -> RoomId {
    workshop
        .rooms
        .iter()
        .enumerate()
        .min_by_key(|(index, room)| (workshop.headcount(room.id), *index))
        .map(|(_, room)| room.id)
        .expect("a workshop always has at least one room (checked at creation)")
}
