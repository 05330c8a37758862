use uuid::Uuid;

use crate::command::Command;
use crate::event::Event;
use crate::machine::MAX_NOTES_PER_ROOM;
use crate::machine::fixture::*;
use crate::map::MapItem;
use crate::model::{Colour, Source};
use crate::rejection::{Counted, Rejection, TextField};
use crate::text::NOTE_MAX_CHARS;
use crate::{ColumnId, NoteId, ParticipantId, RoomId};

fn edit(n: u128, text: &str, colour: Colour) -> Command {
    Command::EditNote {
        note: note_id(n),
        text: text.into(),
        colour,
    }
}

fn delete(n: u128) -> Command {
    Command::DeleteNote { note: note_id(n) }
}

fn solution(room: RoomId, n: u128, need: u128, text: &str) -> Command {
    Command::PostNote {
        note: note_id(n),
        room,
        column: SOLUTIONS,
        text: text.into(),
        colour: Colour::Green,
        parent: Some(note_id(need)),
    }
}

#[test]
fn a_participant_posts_in_their_room_during_a_brainstorm_and_the_note_is_theirs() {
    let mut c = cast();
    let events = c.accept(c.alice, post(AUDE, 1, "  Mobilité rurale "));
    let [Event::NotePosted { note }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(note.author, Some(c.alice));
    assert_eq!(note.text, "Mobilité rurale");
    assert_eq!(
        (note.created, note.rev, note.hidden, note.anonymous),
        (NOW, 0, false, false)
    );
    assert_eq!(c.w.notes_in(AUDE, NEEDS).len(), 1);
}

#[test]
fn participants_post_only_in_a_brainstorm_showing_the_column() {
    let mut c = cast();
    c.refuse(c.alice, post_in(AUDE, SOLUTIONS, 1, "x"), Rejection::WrongStep);
    c.refuse(c.alice, post_in(AUDE, MAP, 1, "x"), Rejection::WrongStep);
    for step in [VOTE, CHARACTERISE, PLENARY, TALK] {
        c.go(step);
        c.refuse(c.alice, post(AUDE, 1, "x"), Rejection::WrongStep);
    }
    c.accept(LEAD, post(AUDE, 2, "the lead writes in any step"));
    c.accept(c.inspector, post(GARD, 3, "and the room's facilitator"));
}

#[test]
fn nobody_posts_in_a_room_they_are_not_in_except_the_lead() {
    let mut c = cast();
    c.refuse(c.alice, post(GARD, 1, "x"), Rejection::NotYourRoom);
    c.refuse(c.inspector, post(AUDE, 1, "x"), Rejection::NotYourRoom);
    c.accept(c.inspector, post(GARD, 2, "x"));
    c.accept(LEAD, post(AUDE, 3, "carte des besoins"));
}

#[test]
fn observers_strangers_and_the_system_cannot_post() {
    let mut c = cast();
    c.refuse(c.observer, post(GARD, 1, "x"), Rejection::Forbidden);
    let stranger = crate::Actor::Member(ParticipantId::from_u128(0xBAD));
    refuse(&mut c.w, stranger, post(AUDE, 1, "x"), Rejection::UnknownActor);
    refuse(
        &mut c.w,
        crate::Actor::System,
        post(AUDE, 1, "x"),
        Rejection::Forbidden,
    );
}

#[test]
fn a_post_needs_an_existing_room_and_column_and_a_fresh_id() {
    let mut c = cast();
    c.refuse(
        c.alice,
        post(RoomId::from_u128(7), 1, "x"),
        Rejection::UnknownRoom,
    );
    c.refuse(
        c.alice,
        post_in(AUDE, ColumnId::from_u128(7), 1, "x"),
        Rejection::UnknownColumn,
    );
    c.accept(c.alice, post(AUDE, 1, "x"));
    c.refuse(c.alice, post(AUDE, 1, "re-sent"), Rejection::DuplicateId);
    c.refuse(c.carol, post(AUDE, 1, "same id"), Rejection::DuplicateId);
}

#[test]
fn note_text_is_validated_and_kept_as_typed() {
    let mut c = cast();
    c.refuse(
        c.alice,
        post(AUDE, 1, " "),
        Rejection::EmptyText {
            field: TextField::Note,
        },
    );
    c.refuse(
        c.alice,
        post(AUDE, 1, &"a".repeat(NOTE_MAX_CHARS + 1)),
        Rejection::TextTooLong {
            field: TextField::Note,
            len: NOTE_MAX_CHARS + 1,
            max: NOTE_MAX_CHARS,
        },
    );
    c.refuse(
        c.alice,
        post(AUDE, 1, "bell\u{7}"),
        Rejection::ControlCharacters {
            field: TextField::Note,
        },
    );
    c.accept(c.alice, post(AUDE, 1, "<script>alert(1)</script>"));
    assert_eq!(c.w.notes[&note_id(1)].text, "<script>alert(1)</script>");
}

#[test]
fn facilitator_columns_are_for_facilitators() {
    let mut c = cast();
    let mut w = c.w.clone();
    let mut step = w.steps[0].clone();
    step.columns.push(MAP);
    accept(&mut w, crate::Actor::Member(LEAD), Command::EditStep { step });
    c.w = w;
    c.refuse(c.alice, post_in(AUDE, MAP, 1, "x"), Rejection::FacilitatorsOnly);
    c.accept(LEAD, post_in(AUDE, MAP, 1, "cartographie"));
}

#[test]
fn solutions_hang_under_a_need_of_their_room() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.accept(c.bob, post(GARD, 2, "Logement"));
    c.go(SOLVE);
    c.refuse(
        c.alice,
        post_in(AUDE, SOLUTIONS, 10, "Covoiturage"),
        Rejection::ParentRequired,
    );
    c.refuse(
        c.alice,
        solution(AUDE, 10, 2, "Covoiturage"),
        Rejection::WrongParent,
    );
    c.refuse(
        c.alice,
        solution(AUDE, 10, 99, "Covoiturage"),
        Rejection::WrongParent,
    );
    let mut with_parent = post(AUDE, 10, "x");
    if let Command::PostNote { parent, .. } = &mut with_parent {
        *parent = Some(note_id(1));
    }
    c.refuse(c.alice, with_parent, Rejection::WrongParent);
    c.accept(c.alice, solution(AUDE, 10, 1, "Covoiturage"));
    assert_eq!(c.w.notes[&note_id(10)].parent, Some(note_id(1)));
}

#[test]
fn a_room_board_has_a_limit() {
    let mut c = cast();
    for i in 0..MAX_NOTES_PER_ROOM as u128 {
        crate::machine::apply(
            &mut c.w,
            crate::Actor::Member(c.alice),
            post(AUDE, 10_000 + i, "n"),
            NOW,
        )
        .unwrap();
    }
    c.refuse(
        c.carol,
        post(AUDE, 1, "one more"),
        Rejection::TooMany {
            what: Counted::Notes,
            max: MAX_NOTES_PER_ROOM,
        },
    );
    c.accept(c.bob, post(GARD, 2, "the other room is not full"));
}

#[test]
fn authors_edit_their_notes_and_each_edit_bumps_the_revision() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "mobilite"));
    let events = c.accept(c.alice, edit(1, "Mobilité", Colour::Pink));
    assert_eq!(
        events,
        vec![Event::NoteEdited {
            note: note_id(1),
            room: AUDE,
            text: "Mobilité".into(),
            colour: Colour::Pink,
            rev: 1
        }]
    );
    assert!(
        c.accept(c.alice, edit(1, " Mobilité ", Colour::Pink)).is_empty(),
        "no change, no event"
    );
}

#[test]
fn only_authors_and_facilitators_of_the_room_change_a_note() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "de Alice"));
    c.accept(c.bob, post(GARD, 2, "de Bob"));
    c.refuse(c.carol, edit(1, "x", Colour::Blue), Rejection::NotYourNote);
    c.refuse(c.carol, delete(1), Rejection::NotYourNote);
    c.refuse(c.bob, delete(1), Rejection::NotYourRoom);
    c.refuse(c.inspector, delete(1), Rejection::NotYourRoom);
    c.refuse(c.observer, delete(2), Rejection::Forbidden);
    c.accept(c.inspector, edit(2, "reformulé", Colour::Green));
    c.accept(LEAD, edit(1, "reformulé", Colour::Green));
    c.accept(c.alice, delete(1));
    c.accept(c.inspector, delete(2));
    assert!(c.w.notes.is_empty());
    c.refuse(c.alice, delete(1), Rejection::UnknownNote);
}

#[test]
fn a_locked_board_keeps_authors_from_changing_their_notes() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "avant"));
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(AUDE),
            locked: true,
        },
    );
    c.refuse(c.alice, edit(1, "après", Colour::Blue), Rejection::Locked);
    c.refuse(c.alice, delete(1), Rejection::Locked);
    c.accept(LEAD, edit(1, "modéré", Colour::Blue));
}

#[test]
fn deleting_a_need_takes_its_solutions_and_only_a_facilitator_may() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.go(SOLVE);
    c.accept(c.carol, solution(AUDE, 10, 1, "Covoiturage"));
    c.refuse(c.alice, delete(1), Rejection::HasAttachedNotes);
    c.accept(LEAD, delete(1));
    assert!(c.w.notes.is_empty());
}

#[test]
fn duplicates_merge_into_a_group_in_the_same_room_column_and_parent() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.accept(c.carol, post(AUDE, 2, "Transports"));
    c.accept(c.carol, post(AUDE, 3, "Bus"));
    c.accept(c.alice, post_in(AUDE, EMERGING, 4, "Autre colonne"));
    c.accept(c.bob, post(GARD, 5, "Autre salle"));
    let merge = |into: u128, notes: &[u128]| Command::MergeNotes {
        into: note_id(into),
        notes: notes.iter().map(|n| note_id(*n)).collect(),
    };
    c.refuse(c.alice, merge(1, &[2]), Rejection::Forbidden);
    c.refuse(c.inspector, merge(1, &[2]), Rejection::NotYourRoom);
    c.refuse(LEAD, merge(1, &[4]), Rejection::CannotMerge);
    c.refuse(LEAD, merge(1, &[5]), Rejection::CannotMerge);
    c.refuse(LEAD, merge(1, &[1]), Rejection::CannotMerge);
    c.refuse(LEAD, merge(1, &[]), Rejection::CannotMerge);
    c.accept(LEAD, merge(2, &[3]));
    c.accept(LEAD, merge(1, &[2]));
    assert_eq!(
        c.w.notes[&note_id(3)].group,
        Some(note_id(1)),
        "a group's members follow it"
    );
    assert_eq!(c.w.notes_in(AUDE, NEEDS).len(), 1);
    c.refuse(LEAD, merge(2, &[1]), Rejection::CannotMerge);
    assert!(c.accept(LEAD, merge(1, &[2, 3])).is_empty());
    c.accept(LEAD, Command::Ungroup { note: note_id(2) });
    assert_eq!(c.w.notes_in(AUDE, NEEDS).len(), 2);
    assert!(c.accept(LEAD, Command::Ungroup { note: note_id(2) }).is_empty());
}

#[test]
fn hidden_and_shown_notes_are_not_merged_together() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "visible"));
    c.go(SECRET);
    c.accept(c.carol, post(AUDE, 2, "caché"));
    c.refuse(
        LEAD,
        Command::MergeNotes {
            into: note_id(2),
            notes: vec![note_id(1)],
        },
        Rejection::CannotMerge,
    );
}

#[test]
fn needs_with_solutions_under_them_are_not_merged() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.accept(c.carol, post(AUDE, 2, "Transports"));
    c.go(SOLVE);
    c.accept(c.carol, solution(AUDE, 10, 2, "Covoiturage"));
    c.refuse(
        LEAD,
        Command::MergeNotes {
            into: note_id(1),
            notes: vec![note_id(2)],
        },
        Rejection::CannotMerge,
    );
}

fn items(texts: &[(&str, Option<&str>)]) -> Vec<MapItem> {
    texts
        .iter()
        .map(|(text, territory)| MapItem {
            text: (*text).into(),
            colour: None,
            territory: territory.map(str::to_owned),
        })
        .collect()
}

#[test]
fn a_map_goes_into_every_room_or_one_and_territorial_items_to_their_room() {
    let mut c = cast();
    let import = Uuid::from_u128(1);
    let map = Command::ImportMap {
        import,
        column: MAP,
        room: None,
        items: items(&[
            ("Mobilité", None),
            ("Vignoble", Some("aude")),
            ("Cévennes", Some("Gard")),
        ]),
    };
    c.refuse(c.inspector, map.clone(), Rejection::Forbidden);
    let events = c.accept(LEAD, map.clone());
    assert_eq!(events.len(), 2);
    let texts = |room| {
        c.w.notes_in(room, MAP)
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(AUDE), ["Mobilité", "Vignoble"]);
    assert_eq!(texts(GARD), ["Mobilité", "Cévennes"]);
    assert!(
        c.w.notes
            .values()
            .all(|n| n.source == Source::Map && n.author == Some(LEAD))
    );
    c.refuse(LEAD, map, Rejection::DuplicateId);

    let own_room = Command::ImportMap {
        import: Uuid::from_u128(2),
        column: NEEDS,
        room: Some(GARD),
        items: items(&[("Tiers-lieux", None)]),
    };
    c.accept(c.inspector, own_room);
    assert_eq!(c.w.notes_in(GARD, NEEDS).len(), 1);
}

#[test]
fn maps_are_checked_item_by_item() {
    let mut c = cast();
    let import = |column, list: Vec<MapItem>| Command::ImportMap {
        import: Uuid::from_u128(3),
        column,
        room: None,
        items: list,
    };
    c.refuse(
        LEAD,
        import(MAP, Vec::new()),
        Rejection::TooFew {
            what: Counted::MapItems,
        },
    );
    c.refuse(
        LEAD,
        import(MAP, items(&[("ok", None), ("", None)])),
        Rejection::EmptyText {
            field: TextField::Note,
        },
    );
    c.refuse(
        LEAD,
        import(SOLUTIONS, items(&[("ok", None)])),
        Rejection::ParentRequired,
    );
    let many: Vec<_> = (0..=crate::map::MAX_ITEMS)
        .map(|i| (format!("idée {i}"), None))
        .collect();
    let many: Vec<(&str, Option<&str>)> = many.iter().map(|(t, r)| (t.as_str(), *r)).collect();
    c.refuse(
        LEAD,
        import(MAP, items(&many)),
        Rejection::TooMany {
            what: Counted::MapItems,
            max: crate::map::MAX_ITEMS,
        },
    );
    let _ = NoteId::from_u128(0);
}
