use crate::command::Command;
use crate::event::Event;
use crate::machine::fixture::*;
use crate::machine::{Actor, apply};
use crate::model::{Activity, PollRules};
use crate::rejection::Rejection;
use crate::sight::Sight;

fn close() -> Command {
    Command::CloseVote {
        room: None,
        step: POLL,
    }
}

fn reopen() -> Command {
    Command::ReopenVote {
        room: None,
        step: POLL,
    }
}

fn invalid(reason: &str) -> Rejection {
    Rejection::InvalidRules {
        reason: reason.into(),
    }
}

#[test]
fn everyone_on_the_poll_chooses_one_option_and_may_change_or_withdraw_it() {
    let mut c = cast();
    c.poll(false);
    let events = c.accept(c.alice, answer(Some(0)));
    assert_eq!(
        events,
        vec![Event::Answered {
            step: POLL,
            participant: c.alice,
            option: Some(0),
        }]
    );
    c.accept(c.bob, answer(Some(2)));
    c.accept(c.inspector, answer(Some(2)));
    assert_eq!(c.w.poll_counts(POLL), vec![1, 0, 2]);
    // The same answer again (a command re-sent after a reconnection) changes nothing.
    assert!(c.accept(c.alice, answer(Some(0))).is_empty());
    c.accept(c.alice, answer(Some(1)));
    assert_eq!(c.w.poll_counts(POLL), vec![0, 1, 2]);
    c.accept(c.bob, answer(None));
    assert_eq!(c.w.poll_counts(POLL), vec![0, 1, 1]);
    assert_eq!(c.w.answer(POLL, c.bob), None);
}

#[test]
fn answers_outside_the_poll_or_its_options_are_refused_and_change_nothing() {
    let mut c = cast();
    c.accept(
        LEAD,
        Command::AddStep {
            step: poll_step(false),
            position: 99,
        },
    );
    // The rooms are not on the poll yet.
    c.refuse(c.alice, answer(Some(0)), Rejection::WrongStep);
    c.go(POLL);
    c.refuse(c.alice, answer(Some(3)), invalid("no such option in this poll"));
    c.refuse(
        c.alice,
        answer(Some(u32::MAX)),
        invalid("no such option in this poll"),
    );
    c.refuse(c.observer, answer(Some(0)), Rejection::Forbidden);
    c.refuse(LEAD, answer(Some(0)), Rejection::Forbidden);
    c.refuse(
        c.alice,
        Command::Answer {
            step: VOTE,
            option: Some(0),
        },
        Rejection::WrongStep,
    );
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(AUDE),
            locked: true,
        },
    );
    c.refuse(c.alice, answer(Some(0)), Rejection::Locked);
    assert!(!c.w.polls.contains_key(&POLL));
}

#[test]
fn a_locked_board_keeps_answers_as_they_are_even_for_someone_no_longer_answering() {
    let mut c = cast();
    c.poll(false);
    c.accept(c.alice, answer(Some(1)));
    c.accept(c.bob, answer(Some(2)));
    c.accept(
        LEAD,
        Command::SetRole {
            participant: c.alice,
            role: crate::model::Role::Observer,
        },
    );
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(AUDE),
            locked: true,
        },
    );
    c.refuse(c.alice, answer(None), Rejection::Locked);
    assert_eq!(c.w.poll_counts(POLL), vec![0, 1, 1]);
}

#[test]
fn closing_publishes_the_counts_and_stops_answers_until_reopened() {
    let mut c = cast();
    c.poll(true);
    c.accept(c.alice, answer(Some(1)));
    c.accept(c.bob, answer(Some(1)));
    c.accept(c.carol, answer(Some(2)));
    c.refuse(c.inspector, close(), Rejection::Forbidden);
    c.refuse(
        LEAD,
        Command::CloseVote {
            room: Some(AUDE),
            step: POLL,
        },
        invalid("a poll is closed for every room at once (room: null)"),
    );
    let events = c.accept(LEAD, close());
    assert_eq!(
        events,
        vec![Event::PollClosed {
            step: POLL,
            counts: vec![0, 2, 1]
        }]
    );
    assert!(
        c.accept(LEAD, close()).is_empty(),
        "closing twice changes nothing"
    );
    c.refuse(c.inspector, answer(Some(0)), Rejection::VoteClosed);
    // Once closed, every copy shows the counts, even where answers stay secret.
    let bobs = c.w.view(&c.w.viewer(c.bob));
    assert_eq!(bobs.poll_counts(POLL), vec![0, 2, 1]);
    c.accept(LEAD, reopen());
    assert!(!c.w.poll_closed(POLL));
    c.accept(c.inspector, answer(Some(0)));
    c.accept(LEAD, close());
    assert_eq!(c.w.poll_counts(POLL), vec![1, 2, 1]);
}

#[test]
fn a_secret_poll_shows_each_their_own_answer_and_the_lead_everything() {
    let mut c = cast();
    c.poll(true);
    c.accept(c.alice, answer(Some(0)));
    let events = c.accept(c.bob, answer(Some(2)));
    let bob = c.w.viewer(c.bob);
    let alice = c.w.viewer(c.alice);
    let inspector = c.w.viewer(c.inspector);
    let lead = c.w.viewer(LEAD);
    assert_eq!(c.w.sight(&bob, &events[0]), Sight::Full);
    assert_eq!(c.w.sight(&alice, &events[0]), Sight::Nothing);
    assert_eq!(
        c.w.sight(&inspector, &events[0]),
        Sight::Nothing,
        "a room's facilitator too"
    );
    assert_eq!(c.w.sight(&lead, &events[0]), Sight::Full);
    assert_eq!(c.w.view(&alice).poll_counts(POLL), vec![1, 0, 0]);
    assert_eq!(c.w.view(&bob).poll_counts(POLL), vec![0, 0, 1]);
    assert_eq!(c.w.view(&inspector).poll_counts(POLL), vec![0, 0, 0]);
    assert_eq!(c.w.view(&lead).poll_counts(POLL), vec![1, 0, 1]);
}

#[test]
fn an_open_poll_shows_every_answer_to_every_room() {
    let mut c = cast();
    c.poll(false);
    let events = c.accept(c.bob, answer(Some(2)));
    let alice = c.w.viewer(c.alice);
    assert_eq!(
        c.w.sight(&alice, &events[0]),
        Sight::Full,
        "Alice is in another room"
    );
    assert_eq!(c.w.view(&alice).poll_counts(POLL), vec![0, 0, 1]);
    assert_eq!(c.w.view(&c.w.viewer(c.observer)).poll_counts(POLL), vec![0, 0, 1]);
}

#[test]
fn a_poll_offers_two_to_twelve_distinct_short_options() {
    let mut c = cast();
    let with = |options: Vec<String>| {
        let mut step = poll_step(false);
        step.activity = Activity::Poll {
            rules: PollRules {
                options,
                secret: false,
            },
        };
        Command::AddStep { step, position: 0 }
    };
    let few = invalid("a poll has from 2 to 12 options");
    c.refuse(LEAD, with(vec!["Seul".into()]), few.clone());
    c.refuse(LEAD, with((0..13).map(|n| format!("Option {n}")).collect()), few);
    c.refuse(
        LEAD,
        with(vec!["Mobilité".into(), "mobilité".into()]),
        invalid("a poll cannot offer the same option twice"),
    );
    c.refuse(
        LEAD,
        with(vec!["Mobilité".into(), "x".repeat(121)]),
        Rejection::TextTooLong {
            field: crate::rejection::TextField::Option,
            len: 121,
            max: 120,
        },
    );
    // Options are cleaned like titles: spaces trimmed, markup kept as text.
    c.accept(LEAD, with(vec!["  Mobilité ".into(), "<b>Logement</b>".into()]));
    let options =
        &c.w.step(POLL)
            .and_then(|s| s.poll_rules())
            .expect("a poll")
            .options;
    assert_eq!(
        options,
        &vec!["Mobilité".to_owned(), "<b>Logement</b>".to_owned()]
    );
}

#[test]
fn once_answered_a_polls_options_stay_but_its_title_and_secrecy_may_change() {
    let mut c = cast();
    c.poll(false);
    // No answer yet: the options may change.
    let mut step = poll_step(false);
    if let Activity::Poll { rules } = &mut step.activity {
        rules.options.push("Emploi".into());
    }
    c.accept(LEAD, Command::EditStep { step: step.clone() });
    c.accept(c.alice, answer(Some(3)));
    c.refuse(
        LEAD,
        Command::EditStep {
            step: poll_step(false),
        },
        invalid("the options of a poll cannot change once someone has answered"),
    );
    step.title = "Quel défi ?".into();
    if let Activity::Poll { rules } = &mut step.activity {
        rules.secret = true;
    }
    c.accept(LEAD, Command::EditStep { step });
    assert_eq!(c.w.answer(POLL, c.alice), Some(3));
    // Removing the step (once the rooms have moved on) removes its answers.
    c.go(TALK);
    c.accept(LEAD, Command::RemoveStep { step: POLL });
    assert!(c.w.polls.is_empty());
    let _ = apply(&mut c.w, Actor::Member(c.alice), answer(Some(0)), NOW).expect_err("no poll any more");
}

#[test]
fn a_secret_poll_stays_secret_once_answered_and_options_that_read_alike_are_one() {
    let mut c = cast();
    c.poll(true);
    c.accept(c.alice, answer(Some(0)));
    // Making it public would show everyone what people answered in confidence.
    c.refuse(
        LEAD,
        Command::EditStep {
            step: poll_step(false),
        },
        invalid("a secret poll stays secret once someone has answered"),
    );
    let mut talk = poll_step(true);
    talk.activity = Activity::Discussion;
    c.refuse(
        LEAD,
        Command::EditStep { step: talk },
        invalid("a poll someone has answered stays a poll"),
    );

    let with = |options: &[&str]| {
        let mut step = poll_step(false);
        step.id = crate::StepId::from_u128(0x5C);
        step.activity = Activity::Poll {
            rules: PollRules {
                options: options.iter().map(|o| (*o).to_owned()).collect(),
                secret: false,
            },
        };
        Command::AddStep { step, position: 0 }
    };
    let twice = invalid("a poll cannot offer the same option twice");
    for pair in [
        ["Pas du tout", "Pas  du tout"],
        ["Pas du tout", "Pas\u{a0}du tout"],
        ["Oui", "Oui\u{200b}"],
        ["Oui", "O\u{ad}ui"],
    ] {
        c.refuse(LEAD, with(&pair), twice.clone());
    }
    // A bad option is named as such, not as the title.
    c.refuse(
        LEAD,
        with(&["Oui", ""]),
        Rejection::EmptyText {
            field: crate::rejection::TextField::Option,
        },
    );
}

#[test]
fn every_room_goes_to_a_poll_and_leaves_it_together() {
    let mut c = cast();
    c.accept(
        LEAD,
        Command::AddStep {
            step: poll_step(false),
            position: 99,
        },
    );
    let together = invalid("every room goes to a poll, and leaves it, together (room: null)");
    c.refuse(LEAD, go(Some(AUDE), POLL), together.clone());
    c.go(POLL);
    c.refuse(c.inspector, go(Some(GARD), IDEAS), together.clone());
    c.refuse(LEAD, go(Some(GARD), IDEAS), together);
    c.go(IDEAS);
}

#[test]
fn someone_no_longer_answering_may_still_take_their_answer_back_while_it_is_open() {
    let mut c = cast();
    c.poll(false);
    c.accept(c.alice, answer(Some(1)));
    c.accept(c.bob, answer(Some(1)));
    c.accept(
        LEAD,
        Command::SetRole {
            participant: c.alice,
            role: crate::model::Role::Observer,
        },
    );
    c.refuse(c.alice, answer(Some(0)), Rejection::Forbidden);
    c.accept(c.alice, answer(None));
    assert_eq!(c.w.poll_counts(POLL), vec![0, 1, 0]);
    c.accept(
        LEAD,
        Command::MoveParticipant {
            participant: c.bob,
            room: None,
        },
    );
    c.accept(LEAD, close());
    c.refuse(c.bob, answer(None), Rejection::NotYourRoom);
}

#[test]
fn people_waiting_in_the_lobby_see_no_ones_answers_but_their_own() {
    let mut c = cast();
    c.poll(false);
    c.accept(c.alice, answer(Some(2)));
    let events = c.accept(c.bob, answer(Some(0)));
    c.accept(
        LEAD,
        Command::MoveParticipant {
            participant: c.alice,
            room: None,
        },
    );
    let alice = c.w.viewer(c.alice);
    assert_eq!(c.w.sight(&alice, &events[0]), Sight::Nothing);
    assert_eq!(c.w.view(&alice).poll_counts(POLL), vec![0, 0, 1], "her own only");
}
