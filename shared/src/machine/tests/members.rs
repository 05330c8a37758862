use crate::command::Command;
use crate::machine::fixture::*;
use crate::machine::*;
use crate::model::{Assignment, Lens, Role, Settings};
use crate::rejection::{Counted, TextField};
use crate::{ParticipantId, RoomId};

fn admit_command(n: u128, name: &str) -> Command {
    Command::Admit {
        participant: ParticipantId::from_u128(n),
        name: name.into(),
        role: Role::Participant,
    }
}

fn settings(assignment: Assignment) -> Command {
    Command::UpdateSettings {
        settings: Settings {
            assignment,
            joining_open: true,
        },
    }
}

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
fn a_lead_joins_no_room_and_sees_all() {
    let mut w = workshop();
    let id = admit(&mut w, 100, "Co-animatrice", Role::Lead);
    assert_eq!(w.participants[&id].room, None);
    assert_eq!(w.lens_of(id), Lens::All);
}

#[test]
fn only_the_server_admits_people() {
    let mut c = cast();
    let intruder = Command::Admit {
        participant: ParticipantId::from_u128(999),
        name: "Intrus".into(),
        role: Role::Lead,
    };
    c.refuse(LEAD, intruder.clone(), Rejection::Forbidden);
    c.refuse(c.alice, intruder, Rejection::Forbidden);
}

#[test]
fn names_are_unique_regardless_of_case_and_spacing_and_must_be_valid() {
    let mut w = workshop();
    admit(&mut w, 100, "Marie Dupont", Role::Participant);
    refuse(
        &mut w,
        Actor::System,
        admit_command(101, "  marie   DUPONT "),
        Rejection::NameTaken,
    );
    // An invisible character does not make another person of the same name.
    refuse(
        &mut w,
        Actor::System,
        admit_command(101, "Marie Du\u{200B}pont"),
        Rejection::NameTaken,
    );
    refuse(
        &mut w,
        Actor::System,
        admit_command(101, "\n"),
        Rejection::EmptyText {
            field: TextField::Name,
        },
    );
    refuse(
        &mut w,
        Actor::System,
        admit_command(100, "Autre"),
        Rejection::DuplicateId,
    );
}

#[test]
fn a_full_or_closed_workshop_admits_nobody_more() {
    let mut w = workshop();
    for i in 1..MAX_PARTICIPANTS as u128 {
        admit(&mut w, 1000 + i, &format!("P{i}"), Role::Participant);
    }
    refuse(
        &mut w,
        Actor::System,
        admit_command(1, "En trop"),
        Rejection::TooMany {
            what: Counted::Participants,
            max: MAX_PARTICIPANTS,
        },
    );
    let mut w = workshop();
    accept(
        &mut w,
        Actor::Member(LEAD),
        Command::UpdateSettings {
            settings: Settings {
                assignment: Assignment::Balanced,
                joining_open: false,
            },
        },
    );
    refuse(
        &mut w,
        Actor::System,
        admit_command(1, "En retard"),
        Rejection::JoiningClosed,
    );
}

#[test]
fn in_facilitator_mode_newcomers_wait_in_the_lobby_until_placed() {
    let mut w = workshop();
    accept(&mut w, Actor::Member(LEAD), settings(Assignment::Facilitator));
    let alice = admit(&mut w, 100, "Alice", Role::Participant);
    assert_eq!(
        (w.participants[&alice].room, w.lens_of(alice)),
        (None, Lens::Lobby)
    );
    refuse(
        &mut w,
        Actor::Member(alice),
        post(AUDE, 1, "x"),
        Rejection::NotYourRoom,
    );
    refuse(
        &mut w,
        Actor::Member(alice),
        Command::ChooseRoom { room: AUDE },
        Rejection::ChoiceNotAllowed,
    );
    let events = accept(
        &mut w,
        Actor::Member(LEAD),
        Command::MoveParticipant {
            participant: alice,
            room: Some(GARD),
        },
    );
    assert!(matches!(
        &events[..],
        [crate::Event::ParticipantChanged { from: None, .. }]
    ));
    assert_eq!(w.lens_of(alice), Lens::Room(GARD));
}

#[test]
fn in_choice_mode_participants_pick_and_change_their_room() {
    let mut w = workshop();
    accept(&mut w, Actor::Member(LEAD), settings(Assignment::Choice));
    let alice = admit(&mut w, 100, "Alice", Role::Participant);
    assert_eq!(w.participants[&alice].room, None);
    accept(&mut w, Actor::Member(alice), Command::ChooseRoom { room: GARD });
    accept(&mut w, Actor::Member(alice), Command::ChooseRoom { room: AUDE });
    assert!(accept(&mut w, Actor::Member(alice), Command::ChooseRoom { room: AUDE }).is_empty());
    assert_eq!(w.participants[&alice].room, Some(AUDE));
    refuse(
        &mut w,
        Actor::Member(alice),
        Command::ChooseRoom {
            room: RoomId::from_u128(7),
        },
        Rejection::UnknownRoom,
    );
    let inspector = admit(&mut w, 101, "Inspecteur", Role::RoomFacilitator);
    refuse(
        &mut w,
        Actor::Member(inspector),
        Command::ChooseRoom { room: GARD },
        Rejection::Forbidden,
    );
}

#[test]
fn only_the_lead_moves_people_and_leads_stay_out_of_rooms() {
    let mut c = cast();
    let move_alice = Command::MoveParticipant {
        participant: c.alice,
        room: Some(GARD),
    };
    c.refuse(c.inspector, move_alice.clone(), Rejection::Forbidden);
    c.refuse(c.alice, move_alice.clone(), Rejection::Forbidden);
    c.accept(LEAD, move_alice);
    assert_eq!(c.w.participants[&c.alice].room, Some(GARD));
    let move_lead = Command::MoveParticipant {
        participant: LEAD,
        room: Some(GARD),
    };
    c.refuse(LEAD, move_lead, Rejection::Forbidden);
    let nobody = Command::MoveParticipant {
        participant: ParticipantId::from_u128(7),
        room: None,
    };
    c.refuse(LEAD, nobody, Rejection::UnknownParticipant);
}

#[test]
fn roles_change_but_the_workshop_keeps_a_lead() {
    let mut c = cast();
    let promote = Command::SetRole {
        participant: c.bob,
        role: Role::RoomFacilitator,
    };
    c.refuse(c.inspector, promote.clone(), Rejection::Forbidden);
    c.accept(LEAD, promote);
    assert!(c.w.facilitates(c.bob, GARD));
    c.refuse(
        LEAD,
        Command::SetRole {
            participant: LEAD,
            role: Role::Participant,
        },
        Rejection::LastLead,
    );
    c.accept(
        LEAD,
        Command::SetRole {
            participant: c.carol,
            role: Role::Lead,
        },
    );
    assert_eq!(c.w.participants[&c.carol].room, None, "a lead has no room");
    c.accept(
        c.carol,
        Command::SetRole {
            participant: LEAD,
            role: Role::Observer,
        },
    );
    assert_eq!(
        c.w.lens_of(LEAD),
        Lens::Lobby,
        "the former lead waits to be placed"
    );
}

#[test]
fn participants_say_they_are_done_and_moving_on_clears_it() {
    let mut c = cast();
    let events = c.accept(c.alice, Command::SetReady { ready: true });
    assert_eq!(events.len(), 1);
    assert!(c.accept(c.alice, Command::SetReady { ready: true }).is_empty());
    assert!(c.w.participants[&c.alice].ready);
    c.refuse(
        c.inspector,
        Command::SetReady { ready: true },
        Rejection::Forbidden,
    );
    c.refuse(
        c.observer,
        Command::SetReady { ready: true },
        Rejection::Forbidden,
    );
    c.accept(LEAD, go(Some(GARD), VOTE));
    assert!(c.w.participants[&c.alice].ready, "another room moved on");
    c.accept(LEAD, go(Some(AUDE), VOTE));
    assert!(!c.w.participants[&c.alice].ready);
}
