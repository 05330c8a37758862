//! A small workshop for tests: two rooms, two columns, a lead.

use crate::command::Command;
use crate::event::Event;
use crate::ids::{ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, WorkshopId};
use crate::model::{Colour, Role, Workshop};
use crate::rejection::Rejection;

use super::{Actor, NewColumn, NewRoom, NewWorkshop, apply, check_invariants, create};

pub const AUDE: RoomId = RoomId::from_u128(0xA1);
pub const GARD: RoomId = RoomId::from_u128(0xA2);
pub const NEEDS: ColumnId = ColumnId::from_u128(0xC1);
pub const EMERGING: ColumnId = ColumnId::from_u128(0xC2);
pub const LEAD: ParticipantId = ParticipantId::from_u128(0x1EAD);
pub const NOW: Millis = Millis(1_750_000_000_000);

pub fn spec() -> NewWorkshop {
    NewWorkshop {
        id: WorkshopId::from_u128(0xE0),
        code: JoinCode::parse("ABCDEF").expect("valid code"),
        title: "YESS CAMP 1 — Menez l'enquête !".into(),
        rooms: vec![
            NewRoom {
                id: AUDE,
                name: "Aude".into(),
                territory: Some("Aude".into()),
            },
            NewRoom {
                id: GARD,
                name: "Gard".into(),
                territory: None,
            },
        ],
        columns: vec![
            NewColumn {
                id: NEEDS,
                title: "Besoins".into(),
            },
            NewColumn {
                id: EMERGING,
                title: "Besoins émergents".into(),
            },
        ],
        lead: LEAD,
        lead_name: "Camille (animation)".into(),
        now: NOW,
    }
}

pub fn workshop() -> Workshop {
    create(spec()).expect("the fixture is valid")
}

/// Admits `name` with `role`; returns their id.
pub fn admit(w: &mut Workshop, n: u128, name: &str, role: Role) -> ParticipantId {
    let id = ParticipantId::from_u128(n);
    apply(
        w,
        Actor::System,
        Command::Admit {
            participant: id,
            name: name.into(),
            role,
        },
        NOW,
    )
    .expect("admission accepted");
    id
}

pub fn post(room: RoomId, n: u128, text: &str) -> Command {
    Command::PostNote {
        note: NoteId::from_u128(n),
        room,
        column: NEEDS,
        text: text.into(),
        colour: Colour::Yellow,
    }
}

/// Applies a command that must succeed and keep the invariants.
pub fn accept(w: &mut Workshop, actor: Actor, command: Command) -> Vec<Event> {
    let before = w.seq;
    let events = apply(w, actor, command.clone(), NOW)
        .unwrap_or_else(|r| panic!("{command:?} by {actor:?} refused: {r}"));
    assert_eq!(w.seq, before + events.len() as u64);
    check_invariants(w).expect("invariants hold");
    events
}

/// Applies a command that must be refused with `expected`, leaving `w` exactly as it was.
pub fn refuse(w: &mut Workshop, actor: Actor, command: Command, expected: Rejection) {
    let before = w.clone();
    let result = apply(w, actor, command.clone(), NOW);
    assert_eq!(result, Err(expected), "{command:?} by {actor:?}");
    assert_eq!(*w, before, "a refused command changed the workshop");
}
