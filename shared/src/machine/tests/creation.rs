use crate::machine::fixture::*;
use crate::machine::*;
use crate::model::{Column, ColumnKind, Role};
use crate::rejection::{Counted, TextField};
use crate::{ColumnId, NoteId, RoomId, StepId};

#[test]
fn a_valid_spec_gives_a_workshop_with_its_lead_and_every_room_on_the_first_step() {
    let w = workshop();
    check_invariants(&w).unwrap();
    assert_eq!(w.rooms.len(), 2);
    assert!(w.rooms.iter().all(|r| r.step == IDEAS && !r.locked));
    assert_eq!(w.participants[&LEAD].role, Role::Lead);
    assert_eq!(w.participants[&LEAD].room, None);
    assert!(w.notes.is_empty() && w.ballots.is_empty() && w.results.is_empty());
    assert_eq!(w.seq, 0);
}

#[test]
fn a_workshop_needs_a_title_a_room_a_column_and_a_step() {
    let mut s = spec();
    s.title = "  ".into();
    assert_eq!(
        create(s).unwrap_err(),
        Rejection::EmptyText {
            field: TextField::Title
        }
    );
    let mut s = spec();
    s.rooms.clear();
    assert_eq!(create(s).unwrap_err(), Rejection::TooFew { what: Counted::Rooms });
    let mut s = spec();
    s.columns.clear();
    assert_eq!(
        create(s).unwrap_err(),
        Rejection::TooFew {
            what: Counted::Columns
        }
    );
    let mut s = spec();
    s.steps.clear();
    assert_eq!(create(s).unwrap_err(), Rejection::TooFew { what: Counted::Steps });
}

#[test]
fn too_many_rooms_or_columns_are_refused() {
    let mut s = spec();
    s.rooms = (0..=MAX_ROOMS as u128)
        .map(|i| NewRoom {
            id: RoomId::from_u128(i),
            name: format!("Salle {i}"),
            territory: None,
        })
        .collect();
    assert_eq!(
        create(s).unwrap_err(),
        Rejection::TooMany {
            what: Counted::Rooms,
            max: MAX_ROOMS
        }
    );
    let mut s = spec();
    s.columns = (0..=MAX_COLUMNS as u128)
        .map(|i| Column {
            id: ColumnId::from_u128(0x1000 + i),
            key: None,
            title: format!("Colonne {i}"),
            kind: ColumnKind::Open,
        })
        .collect();
    assert!(matches!(
        create(s),
        Err(Rejection::TooMany {
            what: Counted::Columns,
            ..
        })
    ));
}

#[test]
fn rooms_and_columns_must_have_distinct_names_and_ids() {
    let mut s = spec();
    s.rooms[1].name = "AUDE".into();
    assert_eq!(create(s).unwrap_err(), Rejection::DuplicateLabel);
    let mut s = spec();
    s.columns[1].id = s.columns[0].id;
    assert_eq!(create(s).unwrap_err(), Rejection::DuplicateId);
    let mut s = spec();
    s.steps[1].id = s.steps[0].id;
    assert_eq!(create(s).unwrap_err(), Rejection::DuplicateId);
}

#[test]
fn steps_must_show_existing_columns_and_attached_columns_a_real_parent() {
    let mut s = spec();
    s.steps[0].columns.push(ColumnId::from_u128(0xBAD));
    assert_eq!(create(s).unwrap_err(), Rejection::UnknownColumn);
    let mut s = spec();
    s.columns[2].kind = ColumnKind::Attached {
        to: ColumnId::from_u128(0xBAD),
    };
    assert_eq!(create(s).unwrap_err(), Rejection::UnknownColumn);
    let mut s = spec();
    s.steps[0].columns.clear();
    assert_eq!(
        create(s).unwrap_err(),
        Rejection::TooFew {
            what: Counted::Columns
        },
        "a brainstorm shows a column"
    );
}

#[test]
fn labels_names_and_seeded_notes_are_validated() {
    let mut s = spec();
    s.rooms[0].territory = Some("x".repeat(200));
    assert!(matches!(
        create(s),
        Err(Rejection::TextTooLong {
            field: TextField::Label,
            ..
        })
    ));
    let mut s = spec();
    s.lead_name = "\u{7}".into();
    assert_eq!(
        create(s).unwrap_err(),
        Rejection::ControlCharacters {
            field: TextField::Name
        }
    );
    let mut s = spec();
    let mut note = notes_fixture();
    note.room = RoomId::from_u128(0xBAD);
    s.notes.push(note);
    assert_eq!(create(s).unwrap_err(), Rejection::UnknownRoom);
}

#[test]
fn seeded_notes_are_on_the_boards_from_the_start() {
    let mut s = spec();
    s.notes.push(notes_fixture());
    let w = create(s).unwrap();
    check_invariants(&w).unwrap();
    assert_eq!(w.notes_in(AUDE, NEEDS).len(), 1);
    let _ = StepId::from_u128(0);
}

fn notes_fixture() -> crate::model::Note {
    crate::model::Note {
        id: NoteId::from_u128(1),
        room: AUDE,
        column: NEEDS,
        author: Some(LEAD),
        text: "Mobilité".into(),
        colour: Default::default(),
        created: NOW,
        rev: 0,
        source: crate::model::Source::Map,
        anonymous: false,
        hidden: false,
        parent: None,
        group: None,
        details: Default::default(),
    }
}
