use crate::command::Command;
use crate::machine::fixture::*;
use crate::model::{Assignment, Column, ColumnKind, Settings};
use crate::rejection::{Counted, Rejection};
use crate::{ColumnId, RoomId};

fn add_room(n: u128, name: &str) -> Command {
    Command::AddRoom {
        room: RoomId::from_u128(n),
        name: name.into(),
        territory: Some(name.into()),
    }
}

#[test]
fn the_lead_adds_renames_and_removes_rooms() {
    let mut c = cast();
    c.refuse(c.inspector, add_room(0xA3, "Lozère"), Rejection::Forbidden);
    c.accept(LEAD, go(None, VOTE));
    c.accept(LEAD, add_room(0xA3, "Lozère"));
    let lozere = RoomId::from_u128(0xA3);
    assert_eq!(
        c.w.room(lozere).unwrap().step,
        VOTE,
        "a new room joins where the others are"
    );
    c.refuse(LEAD, add_room(0xA3, "Hérault"), Rejection::DuplicateId);
    c.refuse(LEAD, add_room(0xA4, "lozère"), Rejection::DuplicateLabel);
    let rename = Command::RenameRoom {
        room: lozere,
        name: "Lozère (48)".into(),
        territory: Some("Lozère".into()),
    };
    c.accept(LEAD, rename.clone());
    assert!(c.accept(LEAD, rename).is_empty());
    c.accept(LEAD, Command::RemoveRoom { room: lozere });
    assert!(c.w.room(lozere).is_none());
}

#[test]
fn a_room_with_people_or_notes_is_not_removed_and_the_last_room_stays() {
    let mut c = cast();
    c.refuse(LEAD, Command::RemoveRoom { room: AUDE }, Rejection::RoomInUse);
    let mut w = workshop();
    accept(
        &mut w,
        crate::Actor::Member(LEAD),
        Command::RemoveRoom { room: GARD },
    );
    refuse(
        &mut w,
        crate::Actor::Member(LEAD),
        Command::RemoveRoom { room: AUDE },
        Rejection::TooFew { what: Counted::Rooms },
    );
}

#[test]
fn columns_are_added_and_renamed_by_the_lead() {
    let mut c = cast();
    let column = Column {
        id: ColumnId::from_u128(0xC9),
        key: None,
        title: "Facteurs clés".into(),
        kind: ColumnKind::Open,
    };
    c.refuse(
        c.alice,
        Command::AddColumn {
            column: column.clone(),
        },
        Rejection::Forbidden,
    );
    c.accept(
        LEAD,
        Command::AddColumn {
            column: column.clone(),
        },
    );
    c.refuse(
        LEAD,
        Command::AddColumn {
            column: column.clone(),
        },
        Rejection::DuplicateId,
    );
    let nested = Column {
        id: ColumnId::from_u128(0xCA),
        title: "Sous-solutions".into(),
        kind: ColumnKind::Attached { to: SOLUTIONS },
        ..column.clone()
    };
    c.refuse(
        LEAD,
        Command::AddColumn { column: nested },
        Rejection::WrongParent,
    );
    c.refuse(
        LEAD,
        Command::RenameColumn {
            column: column.id,
            title: "besoins".into(),
        },
        Rejection::DuplicateLabel,
    );
    c.accept(
        LEAD,
        Command::RenameColumn {
            column: column.id,
            title: "Facteurs clés de succès".into(),
        },
    );
}

#[test]
fn boards_lock_per_room_or_all_by_whom_it_concerns() {
    let mut c = cast();
    let lock_gard = Command::Lock {
        room: Some(GARD),
        locked: true,
    };
    c.refuse(c.alice, lock_gard.clone(), Rejection::Forbidden);
    c.refuse(
        c.inspector,
        Command::Lock {
            room: Some(AUDE),
            locked: true,
        },
        Rejection::NotYourRoom,
    );
    c.refuse(
        c.inspector,
        Command::Lock {
            room: None,
            locked: true,
        },
        Rejection::Forbidden,
    );
    assert_eq!(c.accept(c.inspector, lock_gard.clone()).len(), 1);
    assert!(
        c.accept(c.inspector, lock_gard).is_empty(),
        "locking a locked room says nothing"
    );
    c.refuse(c.bob, post(GARD, 1, "x"), Rejection::Locked);
    c.accept(c.inspector, post(GARD, 2, "the facilitator still writes"));
    c.accept(c.alice, post(AUDE, 3, "Aude is open"));
    let events = c.accept(
        LEAD,
        Command::Lock {
            room: None,
            locked: true,
        },
    );
    assert_eq!(events.len(), 1, "only Aude changed");
    c.refuse(c.alice, post(AUDE, 4, "x"), Rejection::Locked);
}

#[test]
fn settings_are_the_leads() {
    let mut c = cast();
    let choice = Command::UpdateSettings {
        settings: Settings {
            assignment: Assignment::Choice,
            joining_open: true,
        },
    };
    c.refuse(c.inspector, choice.clone(), Rejection::Forbidden);
    assert_eq!(c.accept(LEAD, choice.clone()).len(), 1);
    assert!(c.accept(LEAD, choice).is_empty());
}

#[test]
fn the_lead_broadcasts_a_message_to_every_board_and_takes_it_down() {
    let mut c = cast();
    let say = |text: &str| Command::Broadcast { text: text.into() };
    c.refuse(c.inspector, say("Retour en plénière"), Rejection::Forbidden);
    c.refuse(c.alice, say("Retour en plénière"), Rejection::Forbidden);
    c.accept(LEAD, say("  Retour en plénière dans 2 minutes  "));
    let message = c.w.message.clone().expect("a message is up");
    assert_eq!(message.text, "Retour en plénière dans 2 minutes");
    let long = "x".repeat(crate::text::MESSAGE_MAX_CHARS + 1);
    c.refuse(
        LEAD,
        say(&long),
        Rejection::TextTooLong {
            field: crate::rejection::TextField::Message,
            len: long.len(),
            max: crate::text::MESSAGE_MAX_CHARS,
        },
    );
    c.accept(LEAD, say(""));
    assert_eq!(c.w.message, None);
    assert!(c.accept(LEAD, say(" ")).is_empty(), "nothing to take down");
}
