//! Every rule of the state machine, without a socket or a runtime.

use super::fixture::*;
use super::*;
use crate::ids::{ColumnId, NoteId, RoomId};
use crate::model::{Colour, Lens, Role};
use crate::rejection::{Counted, TextField};
use crate::text::NOTE_MAX_CHARS;

mod creation {
    use super::*;

    #[test]
    fn a_valid_spec_gives_a_workshop_with_its_lead_and_no_notes() {
        let w = workshop();
        check_invariants(&w).unwrap();
        assert_eq!(w.rooms.len(), 2);
        assert_eq!(w.columns.len(), 2);
        assert_eq!(w.participants[&LEAD].role, Role::Lead);
        assert_eq!(w.participants[&LEAD].room, None);
        assert!(w.notes.is_empty());
        assert_eq!(w.seq, 0);
    }

    #[test]
    fn a_workshop_needs_a_title_a_room_and_a_column() {
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
            .map(|i| NewColumn {
                id: ColumnId::from_u128(i),
                title: format!("Colonne {i}"),
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
    }

    #[test]
    fn labels_and_the_lead_name_are_validated() {
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
    }
}

mod admission {
    use super::*;

    #[test]
    fn participants_are_spread_over_rooms_in_order() {
        let mut w = workshop();
        let rooms: Vec<_> = (0..5)
            .map(|i| {
                let id = admit(&mut w, 100 + i, &format!("Personne {i}"), Role::Participant);
                w.participants[&id].room.unwrap()
            })
            .collect();
        assert_eq!(rooms, vec![AUDE, GARD, AUDE, GARD, AUDE]);
    }

    #[test]
    fn facilitators_and_observers_do_not_unbalance_rooms() {
        let mut w = workshop();
        admit(&mut w, 100, "Inspectrice", Role::RoomFacilitator);
        admit(&mut w, 101, "Observateur", Role::Observer);
        let first = admit(&mut w, 102, "Alice", Role::Participant);
        assert_eq!(w.participants[&first].room, Some(AUDE));
    }

    #[test]
    fn a_lead_joins_no_room() {
        let mut w = workshop();
        let id = admit(&mut w, 100, "Co-animatrice", Role::Lead);
        assert_eq!(w.participants[&id].room, None);
        assert_eq!(w.lens_of(id), Lens::All);
    }

    #[test]
    fn only_the_server_admits_people() {
        let mut w = workshop();
        let alice = admit(&mut w, 100, "Alice", Role::Participant);
        for actor in [Actor::Member(LEAD), Actor::Member(alice)] {
            refuse(
                &mut w,
                actor,
                Command::Admit {
                    participant: ParticipantId::from_u128(999),
                    name: "Intrus".into(),
                    role: Role::Lead,
                },
                Rejection::Forbidden,
            );
        }
    }

    #[test]
    fn names_are_unique_regardless_of_case_and_spacing() {
        let mut w = workshop();
        admit(&mut w, 100, "Marie Dupont", Role::Participant);
        let again = Command::Admit {
            participant: ParticipantId::from_u128(101),
            name: "  marie   DUPONT ".into(),
            role: Role::Participant,
        };
        refuse(&mut w, Actor::System, again, Rejection::NameTaken);
    }

    #[test]
    fn an_id_cannot_be_admitted_twice() {
        let mut w = workshop();
        admit(&mut w, 100, "Alice", Role::Participant);
        let again = Command::Admit {
            participant: ParticipantId::from_u128(100),
            name: "Bob".into(),
            role: Role::Participant,
        };
        refuse(&mut w, Actor::System, again, Rejection::DuplicateId);
    }

    #[test]
    fn names_are_validated() {
        let mut w = workshop();
        let bad = Command::Admit {
            participant: ParticipantId::from_u128(100),
            name: "\n".into(),
            role: Role::Participant,
        };
        refuse(
            &mut w,
            Actor::System,
            bad,
            Rejection::EmptyText {
                field: TextField::Name,
            },
        );
    }

    #[test]
    fn a_full_workshop_admits_nobody_more() {
        let mut w = workshop();
        for i in 1..MAX_PARTICIPANTS as u128 {
            admit(&mut w, 1000 + i, &format!("P{i}"), Role::Participant);
        }
        let one_more = Command::Admit {
            participant: ParticipantId::from_u128(1),
            name: "En trop".into(),
            role: Role::Participant,
        };
        refuse(
            &mut w,
            Actor::System,
            one_more,
            Rejection::TooMany {
                what: Counted::Participants,
                max: MAX_PARTICIPANTS,
            },
        );
    }
}

mod notes {
    use super::*;

    struct Cast {
        w: Workshop,
        alice: ParticipantId, // Aude
        bob: ParticipantId,   // Gard
        carol: ParticipantId, // Aude
        inspector_gard: ParticipantId,
        observer_gard: ParticipantId,
    }

    fn cast() -> Cast {
        let mut w = workshop();
        let alice = admit(&mut w, 100, "Alice", Role::Participant);
        let bob = admit(&mut w, 101, "Bob", Role::Participant);
        let carol = admit(&mut w, 102, "Carol", Role::Participant);
        // Aude has two participants now, so the facilitator and observer land in Gard, then Aude.
        let inspector_gard = admit(&mut w, 103, "Inspecteur Gard", Role::RoomFacilitator);
        let observer_gard = admit(&mut w, 104, "Observatrice", Role::Observer);
        assert_eq!(w.participants[&alice].room, Some(AUDE));
        assert_eq!(w.participants[&bob].room, Some(GARD));
        assert_eq!(w.participants[&carol].room, Some(AUDE));
        assert_eq!(w.participants[&inspector_gard].room, Some(GARD));
        assert_eq!(w.participants[&observer_gard].room, Some(GARD));
        Cast {
            w,
            alice,
            bob,
            carol,
            inspector_gard,
            observer_gard,
        }
    }

    #[test]
    fn a_participant_posts_in_their_room_and_the_note_is_theirs() {
        let mut c = cast();
        let events = accept(
            &mut c.w,
            Actor::Member(c.alice),
            post(AUDE, 1, "  Mobilité rurale "),
        );
        let Event::NotePosted { note } = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(note.author, c.alice);
        assert_eq!(note.text, "Mobilité rurale");
        assert_eq!(note.created, NOW);
        assert_eq!(note.rev, 0);
        assert_eq!(c.w.notes_in(AUDE, NEEDS).len(), 1);
    }

    #[test]
    fn nobody_posts_in_a_room_they_are_not_in_except_the_lead() {
        let mut c = cast();
        refuse(
            &mut c.w,
            Actor::Member(c.alice),
            post(GARD, 1, "x"),
            Rejection::NotYourRoom,
        );
        refuse(
            &mut c.w,
            Actor::Member(c.inspector_gard),
            post(AUDE, 1, "x"),
            Rejection::NotYourRoom,
        );
        accept(&mut c.w, Actor::Member(c.inspector_gard), post(GARD, 2, "x"));
        accept(&mut c.w, Actor::Member(LEAD), post(AUDE, 3, "carte des besoins"));
        accept(&mut c.w, Actor::Member(LEAD), post(GARD, 4, "carte des besoins"));
    }

    #[test]
    fn observers_strangers_and_the_system_cannot_post() {
        let mut c = cast();
        refuse(
            &mut c.w,
            Actor::Member(c.observer_gard),
            post(GARD, 1, "x"),
            Rejection::Forbidden,
        );
        let stranger = Actor::Member(ParticipantId::from_u128(0xBAD));
        refuse(&mut c.w, stranger, post(AUDE, 1, "x"), Rejection::UnknownActor);
        refuse(&mut c.w, Actor::System, post(AUDE, 1, "x"), Rejection::Forbidden);
    }

    #[test]
    fn a_post_needs_an_existing_room_and_column_and_a_fresh_id() {
        let mut c = cast();
        let alice = Actor::Member(c.alice);
        refuse(
            &mut c.w,
            alice,
            post(RoomId::from_u128(7), 1, "x"),
            Rejection::UnknownRoom,
        );
        let mut wrong_column = post(AUDE, 1, "x");
        if let Command::PostNote { column, .. } = &mut wrong_column {
            *column = ColumnId::from_u128(7);
        }
        refuse(&mut c.w, alice, wrong_column, Rejection::UnknownColumn);
        accept(&mut c.w, alice, post(AUDE, 1, "x"));
        refuse(&mut c.w, alice, post(AUDE, 1, "re-sent"), Rejection::DuplicateId);
        refuse(
            &mut c.w,
            Actor::Member(c.carol),
            post(AUDE, 1, "same id"),
            Rejection::DuplicateId,
        );
    }

    #[test]
    fn note_text_is_validated() {
        let mut c = cast();
        let alice = Actor::Member(c.alice);
        refuse(
            &mut c.w,
            alice,
            post(AUDE, 1, " "),
            Rejection::EmptyText {
                field: TextField::Note,
            },
        );
        refuse(
            &mut c.w,
            alice,
            post(AUDE, 1, &"a".repeat(NOTE_MAX_CHARS + 1)),
            Rejection::TextTooLong {
                field: TextField::Note,
                len: NOTE_MAX_CHARS + 1,
                max: NOTE_MAX_CHARS,
            },
        );
        refuse(
            &mut c.w,
            alice,
            post(AUDE, 1, "bell\u{7}"),
            Rejection::ControlCharacters {
                field: TextField::Note,
            },
        );
        accept(&mut c.w, alice, post(AUDE, 1, "<script>alert(1)</script>"));
        assert_eq!(c.w.notes[&NoteId::from_u128(1)].text, "<script>alert(1)</script>");
    }

    #[test]
    fn a_room_board_has_a_limit() {
        let mut c = cast();
        for i in 0..MAX_NOTES_PER_ROOM as u128 {
            let command = post(AUDE, 10_000 + i, "n");
            apply(&mut c.w, Actor::Member(c.alice), command, NOW).unwrap();
        }
        refuse(
            &mut c.w,
            Actor::Member(c.carol),
            post(AUDE, 1, "one more"),
            Rejection::TooMany {
                what: Counted::Notes,
                max: MAX_NOTES_PER_ROOM,
            },
        );
        accept(
            &mut c.w,
            Actor::Member(c.bob),
            post(GARD, 2, "the other room is not full"),
        );
    }

    fn edit(n: u128, text: &str, colour: Colour) -> Command {
        Command::EditNote {
            note: NoteId::from_u128(n),
            text: text.into(),
            colour,
        }
    }

    fn delete(n: u128) -> Command {
        Command::DeleteNote {
            note: NoteId::from_u128(n),
        }
    }

    #[test]
    fn authors_edit_their_notes_and_each_edit_bumps_the_revision() {
        let mut c = cast();
        let alice = Actor::Member(c.alice);
        accept(&mut c.w, alice, post(AUDE, 1, "mobilite"));
        let events = accept(&mut c.w, alice, edit(1, "Mobilité", Colour::Pink));
        assert_eq!(
            events,
            vec![Event::NoteEdited {
                note: NoteId::from_u128(1),
                room: AUDE,
                text: "Mobilité".into(),
                colour: Colour::Pink,
                rev: 1
            }]
        );
        let note = &c.w.notes[&NoteId::from_u128(1)];
        assert_eq!(
            (note.text.as_str(), note.colour, note.rev),
            ("Mobilité", Colour::Pink, 1)
        );
    }

    #[test]
    fn an_edit_that_changes_nothing_says_nothing() {
        let mut c = cast();
        let alice = Actor::Member(c.alice);
        accept(&mut c.w, alice, post(AUDE, 1, "Mobilité"));
        assert!(accept(&mut c.w, alice, edit(1, " Mobilité ", Colour::Yellow)).is_empty());
    }

    #[test]
    fn only_authors_and_facilitators_of_the_room_change_a_note() {
        let mut c = cast();
        accept(&mut c.w, Actor::Member(c.alice), post(AUDE, 1, "de Alice"));
        accept(&mut c.w, Actor::Member(c.bob), post(GARD, 2, "de Bob"));
        refuse(
            &mut c.w,
            Actor::Member(c.carol),
            edit(1, "x", Colour::Blue),
            Rejection::NotYourNote,
        );
        refuse(
            &mut c.w,
            Actor::Member(c.carol),
            delete(1),
            Rejection::NotYourNote,
        );
        refuse(&mut c.w, Actor::Member(c.bob), delete(1), Rejection::NotYourRoom);
        refuse(
            &mut c.w,
            Actor::Member(c.inspector_gard),
            delete(1),
            Rejection::NotYourRoom,
        );
        refuse(
            &mut c.w,
            Actor::Member(c.observer_gard),
            delete(2),
            Rejection::Forbidden,
        );
        accept(
            &mut c.w,
            Actor::Member(c.inspector_gard),
            edit(2, "reformulé", Colour::Green),
        );
        accept(&mut c.w, Actor::Member(LEAD), edit(1, "reformulé", Colour::Green));
        accept(&mut c.w, Actor::Member(c.alice), delete(1));
        accept(&mut c.w, Actor::Member(c.inspector_gard), delete(2));
        assert!(c.w.notes.is_empty());
    }

    #[test]
    fn a_deleted_note_cannot_be_changed() {
        let mut c = cast();
        let alice = Actor::Member(c.alice);
        accept(&mut c.w, alice, post(AUDE, 1, "x"));
        accept(&mut c.w, alice, delete(1));
        refuse(&mut c.w, alice, delete(1), Rejection::UnknownNote);
        refuse(
            &mut c.w,
            alice,
            edit(1, "y", Colour::Blue),
            Rejection::UnknownNote,
        );
    }

    #[test]
    fn views_show_a_room_its_own_notes_and_people_and_the_lead_everything() {
        let mut c = cast();
        accept(&mut c.w, Actor::Member(c.alice), post(AUDE, 1, "Aude"));
        accept(&mut c.w, Actor::Member(c.bob), post(GARD, 2, "Gard"));
        let aude = c.w.view(c.w.lens_of(c.alice));
        assert_eq!(
            aude.notes.keys().copied().collect::<Vec<_>>(),
            vec![NoteId::from_u128(1)]
        );
        assert!(aude.participants.contains_key(&c.carol));
        assert!(aude.participants.contains_key(&LEAD), "everyone sees the lead");
        assert!(!aude.participants.contains_key(&c.bob));
        assert_eq!(aude.rooms, c.w.rooms, "every room's name is public");
        assert_eq!(c.w.view(c.w.lens_of(LEAD)), c.w);
    }
}

mod replicas {
    use super::*;

    #[test]
    fn events_about_things_a_replica_does_not_hold_change_nothing() {
        let mut replica = workshop();
        let before = replica.clone();
        replica.apply_event(&Event::NoteEdited {
            note: NoteId::from_u128(5),
            room: AUDE,
            text: "x".into(),
            colour: Colour::Blue,
            rev: 3,
        });
        replica.apply_event(&Event::NoteDeleted {
            note: NoteId::from_u128(5),
            room: AUDE,
        });
        assert_eq!(replica, before);
    }

    #[test]
    fn events_reach_the_lenses_of_their_room() {
        let event = Event::NoteDeleted {
            note: NoteId::from_u128(5),
            room: AUDE,
        };
        assert!(event.visible_through(Lens::All));
        assert!(event.visible_through(Lens::Room(AUDE)));
        assert!(!event.visible_through(Lens::Room(GARD)));
        assert!(!event.visible_through(Lens::Lobby));
    }
}

mod properties {
    //! Random sessions: whatever people send, invariants hold, refusals change nothing,
    //! and every client's replica ends equal to the server's view through its lens.

    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    enum Step {
        Admit(u8, Role),
        Post {
            who: u8,
            room: bool,
            note: u8,
            text: String,
        },
        Edit {
            who: u8,
            note: u8,
            text: String,
        },
        Delete {
            who: u8,
            note: u8,
        },
    }

    fn role() -> impl Strategy<Value = Role> {
        prop_oneof![
            6 => Just(Role::Participant),
            1 => Just(Role::RoomFacilitator),
            1 => Just(Role::Observer),
            1 => Just(Role::Lead),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zé <>&\"']{1,30}",
            1 => Just(String::new()),
            1 => Just("x".repeat(NOTE_MAX_CHARS + 1)),
            1 => Just("nul\u{0}".to_owned()),
        ]
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..12u8, role()).prop_map(|(n, r)| Step::Admit(n, r)),
            (0..13u8, any::<bool>(), 0..20u8, text()).prop_map(|(who, room, note, text)| Step::Post {
                who,
                room,
                note,
                text
            }),
            (0..13u8, 0..20u8, text()).prop_map(|(who, note, text)| Step::Edit { who, note, text }),
            (0..13u8, 0..20u8).prop_map(|(who, note)| Step::Delete { who, note }),
        ]
    }

    /// Person 12 is the workshop's lead; 0..12 join as the steps say.
    fn person(n: u8) -> ParticipantId {
        if n == 12 {
            LEAD
        } else {
            ParticipantId::from_u128(100 + u128::from(n))
        }
    }

    fn command(step: &Step) -> (Actor, Command) {
        match step.clone() {
            Step::Admit(n, role) => (
                Actor::System,
                Command::Admit {
                    participant: person(n),
                    name: format!("Personne {n}"),
                    role,
                },
            ),
            Step::Post {
                who,
                room,
                note,
                text,
            } => (
                Actor::Member(person(who)),
                Command::PostNote {
                    note: NoteId::from_u128(u128::from(note)),
                    room: if room { AUDE } else { GARD },
                    column: NEEDS,
                    text,
                    colour: Colour::Yellow,
                },
            ),
            Step::Edit { who, note, text } => (
                Actor::Member(person(who)),
                Command::EditNote {
                    note: NoteId::from_u128(u128::from(note)),
                    text,
                    colour: Colour::Blue,
                },
            ),
            Step::Delete { who, note } => (
                Actor::Member(person(who)),
                Command::DeleteNote {
                    note: NoteId::from_u128(u128::from(note)),
                },
            ),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_sessions_keep_every_rule(steps in prop::collection::vec(step(), 1..80)) {
            let mut w = workshop();
            let lenses = [Lens::All, Lens::Room(AUDE), Lens::Room(GARD)];
            let mut replicas: Vec<Workshop> = lenses.iter().map(|l| w.view(*l)).collect();

            for step in &steps {
                let (actor, command) = command(step);
                let before = w.clone();
                match apply(&mut w, actor, command, NOW) {
                    Ok(events) => {
                        prop_assert_eq!(w.seq, before.seq + events.len() as u64);
                        for (seq, event) in (before.seq + 1..).zip(&events) {
                            for (lens, replica) in lenses.iter().zip(&mut replicas) {
                                if event.visible_through(*lens) {
                                    replica.apply_event(event);
                                }
                                replica.seq = seq;
                            }
                        }
                    }
                    Err(_) => prop_assert_eq!(&w, &before, "a refusal changed the workshop"),
                }
                if let Err(broken) = check_invariants(&w) {
                    prop_assert!(false, "after {:?}: {}", step, broken);
                }
            }
            for (lens, replica) in lenses.iter().zip(&replicas) {
                prop_assert_eq!(replica, &w.view(*lens), "replica through {:?} diverged", lens);
            }
        }
    }
}
