use crate::command::Command;
use crate::event::Event;
use crate::machine::fixture::*;
use crate::model::{Lens, Role};
use crate::sight::Sight;

#[test]
fn a_participant_sees_their_room_and_the_lead_everything() {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Aude"));
    c.accept(c.bob, post(GARD, 2, "Gard"));
    let alice = c.w.view(&c.w.viewer(c.alice));
    assert_eq!(alice.notes.keys().copied().collect::<Vec<_>>(), vec![note_id(1)]);
    assert!(alice.participants.contains_key(&c.carol) && alice.participants.contains_key(&LEAD));
    assert!(!alice.participants.contains_key(&c.bob));
    assert_eq!(alice.rooms, c.w.rooms, "every room's name and step is public");
    assert_eq!(c.w.view(&c.w.viewer(LEAD)), c.w);
}

#[test]
fn hidden_notes_show_to_their_author_and_the_rooms_facilitators_only() {
    let mut c = cast();
    c.go(SECRET);
    let events = c.accept(c.bob, post(GARD, 1, "caché"));
    let sight = |c: &Cast, who| c.w.sight(&c.w.viewer(who), &events[0]);
    assert_eq!(sight(&c, c.bob), Sight::Full);
    assert_eq!(
        sight(&c, c.inspector),
        Sight::Redacted,
        "the facilitator sees it, not who wrote it"
    );
    assert_eq!(sight(&c, LEAD), Sight::Redacted);
    assert_eq!(sight(&c, c.observer), Sight::Nothing);
    assert_eq!(sight(&c, c.alice), Sight::Nothing);
    assert!(c.w.view(&c.w.viewer(c.observer)).notes.is_empty());
    assert_eq!(c.w.view(&c.w.viewer(c.inspector)).notes[&note_id(1)].author, None);
    assert_eq!(
        c.w.view(&c.w.viewer(c.bob)).notes[&note_id(1)].author,
        Some(c.bob)
    );
}

#[test]
fn secret_dots_show_to_their_voter_and_facilitators_until_the_ranking() {
    let mut c = cast();
    c.accept(c.bob, post(GARD, 1, "Tiers-lieux"));
    c.go(VOTE);
    let events = c.accept(c.bob, vote(1, 1));
    let sight = |c: &Cast, who| c.w.sight(&c.w.viewer(who), &events[0]);
    assert_eq!(sight(&c, c.bob), Sight::Full);
    assert_eq!(sight(&c, c.inspector), Sight::Full);
    assert_eq!(sight(&c, c.observer), Sight::Nothing);
    assert!(c.w.view(&c.w.viewer(c.observer)).ballots.is_empty());
    let closed = c.accept(
        LEAD,
        Command::CloseVote {
            room: Some(GARD),
            step: VOTE,
        },
    );
    assert_eq!(
        c.w.sight(&c.w.viewer(c.observer), &closed[0]),
        Sight::Full,
        "the ranking is public"
    );
    assert_eq!(
        c.w.sight(&c.w.viewer(c.alice), &closed[0]),
        Sight::Nothing,
        "to the room"
    );
}

#[test]
fn in_a_plenary_participants_see_every_room_and_get_a_fresh_snapshot() {
    let mut c = cast();
    c.accept(c.bob, post(GARD, 1, "Tiers-lieux"));
    let before = c.w.viewer(c.alice);
    assert_eq!(before.lens, Lens::Room(AUDE));
    let events = c.accept(LEAD, go(None, PLENARY));
    assert!(c.w.needs_snapshot(&before, &events));
    let after = c.w.viewer(c.alice);
    assert_eq!(after.lens, Lens::Plenary(AUDE));
    assert!(c.w.view(&after).notes.contains_key(&note_id(1)));
    assert!(!c.w.needs_snapshot(&c.w.viewer(LEAD), &events));
}

#[test]
fn someone_whose_role_changes_gets_a_fresh_snapshot() {
    let mut c = cast();
    let events = c.accept(
        LEAD,
        Command::SetRole {
            participant: c.bob,
            role: Role::RoomFacilitator,
        },
    );
    let bob = c.w.viewer(c.bob);
    assert!(c.w.needs_snapshot(&bob, &events));
    assert!(!c.w.needs_snapshot(&c.w.viewer(c.alice), &events));
    assert_eq!(
        c.w.sight(&c.w.viewer(c.alice), &events[0]),
        Sight::Nothing,
        "Bob is in another room"
    );
    assert!(matches!(events[0], Event::ParticipantChanged { .. }));
}
