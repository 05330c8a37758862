use crate::command::Command;
use crate::machine::MAX_BRANCHES;
use crate::machine::fixture::*;
use crate::model::{Field, Side};
use crate::rejection::{Counted, Rejection, TextField};
use crate::{BranchId, Event};

/// Alice's "Mobilité" (3 dots) and Carol's "Soins" (1) lead Aude's vote; "Logement"
/// has none; the vote is closed and the room characterises.
fn characterising() -> Cast {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.accept(c.carol, post(AUDE, 2, "Soins"));
    c.accept(c.carol, post(AUDE, 3, "Logement"));
    c.go(VOTE);
    c.accept(c.alice, vote(1, 2));
    c.accept(c.carol, vote(1, 1));
    c.accept(c.carol, vote(2, 1));
    c.accept(
        LEAD,
        Command::CloseVote {
            room: None,
            step: VOTE,
        },
    );
    c.go(CHARACTERISE);
    c
}

fn why(n: u128, text: &str) -> Command {
    Command::Characterise {
        note: note_id(n),
        field: Field::Why,
        text: text.into(),
    }
}

fn branch(n: u128, b: u128, side: Side, text: &str) -> Command {
    Command::AddBranch {
        note: note_id(n),
        branch: BranchId::from_u128(b),
        side,
        text: text.into(),
    }
}

#[test]
fn the_room_characterises_the_needs_its_vote_retained() {
    let mut c = characterising();
    c.accept(c.carol, why(1, "Les villages sont isolés"));
    c.accept(
        c.alice,
        Command::Characterise {
            note: note_id(1),
            field: Field::Who,
            text: "Les personnes âgées, les jeunes sans permis".into(),
        },
    );
    let details = &c.w.notes[&note_id(1)].details;
    assert_eq!(
        (details.why.as_str(), details.who.as_str()),
        (
            "Les villages sont isolés",
            "Les personnes âgées, les jeunes sans permis"
        )
    );
    c.accept(c.alice, why(2, "Déserts médicaux"));
    c.refuse(c.alice, why(3, "pas retenu"), Rejection::WrongStep);
    assert!(c.accept(c.alice, why(2, " Déserts médicaux ")).is_empty());
    c.accept(c.alice, why(2, ""));
    assert!(c.w.notes[&note_id(2)].details.why.is_empty());
}

#[test]
fn characterising_waits_for_its_step_but_not_for_facilitators() {
    let mut c = characterising();
    c.accept(LEAD, go(None, TREE));
    c.refuse(c.alice, why(1, "trop tard"), Rejection::WrongStep);
    c.accept(LEAD, why(1, "noté par l'animation"));
    c.refuse(c.observer, why(1, "x"), Rejection::Forbidden);
    c.refuse(c.bob, why(1, "x"), Rejection::NotYourRoom);
    c.refuse(
        LEAD,
        why(1, &"x".repeat(1001)),
        Rejection::TextTooLong {
            field: TextField::Details,
            len: 1001,
            max: 1000,
        },
    );
}

#[test]
fn problem_trees_grow_causes_and_consequences_in_order() {
    let mut c = characterising();
    c.refuse(c.alice, branch(1, 1, Side::Cause, "x"), Rejection::WrongStep);
    c.accept(LEAD, go(None, TREE));
    c.accept(
        c.alice,
        branch(1, 1, Side::Cause, "Pas de transport à la demande"),
    );
    c.accept(c.carol, branch(1, 2, Side::Cause, "Horaires de bus inadaptés"));
    c.accept(c.carol, branch(1, 3, Side::Consequence, "Isolement des aînés"));
    c.refuse(c.carol, branch(1, 3, Side::Cause, "x"), Rejection::DuplicateId);
    c.accept(
        c.alice,
        Command::MoveBranch {
            note: note_id(1),
            branch: BranchId::from_u128(2),
            position: 0,
        },
    );
    c.accept(
        c.alice,
        Command::EditBranch {
            note: note_id(1),
            branch: BranchId::from_u128(1),
            text: "Pas de transport à la demande le soir".into(),
        },
    );
    let events = c.accept(
        c.alice,
        Command::RemoveBranch {
            note: note_id(1),
            branch: BranchId::from_u128(3),
        },
    );
    assert!(matches!(&events[..], [Event::DetailsChanged { rev, .. }] if *rev == 6));
    let causes: Vec<_> = c.w.notes[&note_id(1)]
        .details
        .causes
        .iter()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(
        causes,
        [
            "Horaires de bus inadaptés",
            "Pas de transport à la demande le soir"
        ]
    );
    assert!(c.w.notes[&note_id(1)].details.consequences.is_empty());
    c.refuse(
        c.alice,
        Command::RemoveBranch {
            note: note_id(1),
            branch: BranchId::from_u128(3),
        },
        Rejection::UnknownBranch,
    );
}

#[test]
fn a_tree_has_a_size_and_branches_are_one_short_line() {
    let mut c = characterising();
    c.accept(LEAD, go(None, TREE));
    for b in 0..MAX_BRANCHES as u128 {
        c.accept(c.alice, branch(1, 100 + b, Side::Consequence, "conséquence"));
    }
    c.refuse(
        c.alice,
        branch(1, 1, Side::Consequence, "de trop"),
        Rejection::TooMany {
            what: Counted::Branches,
            max: MAX_BRANCHES,
        },
    );
    c.accept(c.alice, branch(1, 1, Side::Cause, "l'autre côté a de la place"));
    c.refuse(
        c.alice,
        branch(1, 2, Side::Cause, "deux\nlignes"),
        Rejection::ControlCharacters {
            field: TextField::Branch,
        },
    );
}
