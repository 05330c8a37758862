use std::collections::BTreeMap;

use crate::command::Command;
use crate::event::Event;
use crate::machine::fixture::*;
use crate::model::{Activity, Focus, Step, VoteRules};
use crate::rejection::{Counted, Rejection};
use crate::{ColumnId, StepId};

fn new_step(n: u128) -> Step {
    Step {
        id: StepId::from_u128(n),
        key: None,
        title: "Facteurs clés de succès".into(),
        instructions: "Quels facteurs feront réussir ces projets ?".into(),
        minutes: Some(15),
        columns: vec![NEEDS],
        activity: Activity::Brainstorm {
            anonymous: false,
            hidden: false,
        },
    }
}

#[test]
fn the_lead_adds_edits_and_removes_steps() {
    let mut c = cast();
    let step = new_step(0x5F);
    c.refuse(
        c.inspector,
        Command::AddStep {
            step: step.clone(),
            position: 1,
        },
        Rejection::Forbidden,
    );
    c.accept(
        LEAD,
        Command::AddStep {
            step: step.clone(),
            position: 1,
        },
    );
    assert_eq!(c.w.steps[1].id, step.id);
    c.refuse(
        LEAD,
        Command::AddStep {
            step: step.clone(),
            position: 0,
        },
        Rejection::DuplicateId,
    );
    let edited = Step {
        title: "Facteurs clés".into(),
        ..step.clone()
    };
    c.accept(LEAD, Command::EditStep { step: edited.clone() });
    assert!(c.accept(LEAD, Command::EditStep { step: edited }).is_empty());
    c.accept(LEAD, Command::RemoveStep { step: step.id });
    assert!(c.w.step(step.id).is_none());
    c.refuse(
        LEAD,
        Command::RemoveStep { step: step.id },
        Rejection::UnknownStep,
    );
}

#[test]
fn steps_in_use_stay() {
    let mut c = cast();
    c.refuse(LEAD, Command::RemoveStep { step: IDEAS }, Rejection::StepInUse);
    c.refuse(LEAD, Command::RemoveStep { step: VOTE }, Rejection::StepInUse);
    let mut w = workshop();
    for step in steps().iter().skip(1).rev() {
        if step.id != VOTE {
            accept(
                &mut w,
                crate::Actor::Member(LEAD),
                Command::RemoveStep { step: step.id },
            );
        }
    }
    accept(&mut w, crate::Actor::Member(LEAD), go(None, VOTE));
    accept(
        &mut w,
        crate::Actor::Member(LEAD),
        Command::RemoveStep { step: IDEAS },
    );
    refuse(
        &mut w,
        crate::Actor::Member(LEAD),
        Command::RemoveStep { step: VOTE },
        Rejection::TooFew { what: Counted::Steps },
    );
}

#[test]
fn steps_are_checked_like_everything_else() {
    let mut c = cast();
    let mut bad = new_step(0x5F);
    bad.columns.push(ColumnId::from_u128(0xBAD));
    c.refuse(
        LEAD,
        Command::AddStep {
            step: bad,
            position: 0,
        },
        Rejection::UnknownColumn,
    );
    let mut bad = new_step(0x5F);
    bad.title = "\u{1b}[2J".into();
    c.refuse(
        LEAD,
        Command::AddStep {
            step: bad,
            position: 0,
        },
        Rejection::ControlCharacters {
            field: crate::rejection::TextField::Title,
        },
    );
    let invalid_rules = [
        VoteRules {
            budget: 0,
            ..vote_rules(3, 1)
        },
        VoteRules {
            per_note: 4,
            ..vote_rules(3, 4)
        },
        VoteRules {
            per_column: BTreeMap::from([(EMERGING, 1)]),
            ..vote_rules(3, 1)
        },
        VoteRules {
            per_parent: Some(0),
            ..vote_rules(3, 1)
        },
    ];
    for rules in invalid_rules {
        let step = Step {
            activity: Activity::Vote { rules },
            ..new_step(0x5F)
        };
        let refused = crate::machine::apply(
            &mut c.w.clone(),
            crate::Actor::Member(LEAD),
            Command::AddStep { step, position: 0 },
            NOW,
        );
        assert!(
            matches!(refused, Err(Rejection::InvalidRules { .. })),
            "{refused:?}"
        );
    }
    let unfocused = Step {
        activity: Activity::Characterise {
            focus: Some(Focus { vote: IDEAS, top: 3 }),
        },
        ..new_step(0x5F)
    };
    let refused = crate::machine::apply(
        &mut c.w,
        crate::Actor::Member(LEAD),
        Command::AddStep {
            step: unfocused,
            position: 0,
        },
        NOW,
    );
    assert!(
        matches!(refused, Err(Rejection::InvalidRules { .. })),
        "a focus names a vote"
    );
}

#[test]
fn the_lead_moves_every_room_and_a_room_facilitator_theirs() {
    let mut c = cast();
    let events = c.accept(LEAD, go(None, VOTE));
    assert_eq!(events.len(), 2);
    assert!(c.w.rooms.iter().all(|r| r.step == VOTE));
    assert!(c.accept(LEAD, go(None, VOTE)).is_empty(), "already there");
    c.accept(c.inspector, go(Some(GARD), SOLVE));
    assert_eq!(
        (c.w.room(AUDE).unwrap().step, c.w.room(GARD).unwrap().step),
        (VOTE, SOLVE)
    );
    c.refuse(c.inspector, go(Some(AUDE), SOLVE), Rejection::NotYourRoom);
    c.refuse(c.inspector, go(None, SOLVE), Rejection::Forbidden);
    c.refuse(c.alice, go(Some(AUDE), SOLVE), Rejection::Forbidden);
    c.refuse(LEAD, go(None, StepId::from_u128(7)), Rejection::UnknownStep);
}

#[test]
fn hidden_notes_are_revealed_by_room_and_later_ones_are_visible_at_once() {
    let mut c = cast();
    c.go(SECRET);
    let posted = c.accept(c.alice, post(AUDE, 1, "en secret"));
    assert!(matches!(&posted[..], [Event::NotePosted { note }] if note.hidden && note.anonymous));
    c.accept(c.bob, post(GARD, 2, "en secret aussi"));
    c.refuse(
        c.alice,
        crate::command::Command::Reveal { room: Some(AUDE) },
        Rejection::Forbidden,
    );
    c.refuse(
        c.inspector,
        crate::command::Command::Reveal { room: Some(AUDE) },
        Rejection::NotYourRoom,
    );
    let events = c.accept(c.inspector, crate::command::Command::Reveal { room: Some(GARD) });
    let [Event::Revealed { notes, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].author, None, "the revealed copy keeps the author secret");
    assert_eq!(
        c.w.notes[&note_id(2)].author,
        Some(c.bob),
        "the workshop still knows"
    );
    assert!(!c.w.notes[&note_id(2)].hidden && c.w.notes[&note_id(1)].hidden);
    let after = c.accept(c.bob, post(GARD, 3, "après la révélation"));
    assert!(matches!(&after[..], [Event::NotePosted { note }] if !note.hidden));
    c.accept(LEAD, crate::command::Command::Reveal { room: None });
    assert!(c.w.notes.values().all(|n| !n.hidden));
    assert!(
        c.accept(LEAD, crate::command::Command::Reveal { room: None })
            .is_empty()
    );
}
