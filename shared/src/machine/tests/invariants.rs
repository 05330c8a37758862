//! The invariants as a gate: a workshop that no command could have made (an archive
//! edited by hand, a file from elsewhere) fails them, whichever field is wrong.

use crate::ids::{BranchId, Millis};
use crate::machine::fixture::*;
use crate::machine::{MAX_BRANCHES, MAX_SEQ, check_invariants};
use crate::model::{Branch, Message, Role, TimerState, Workshop};
use crate::report::Report;

/// A workshop with a participant, a note with a characterisation, a message.
fn lived_in() -> Workshop {
    let mut w = workshop();
    let alice = admit(&mut w, 0xA11CE, "Alice", Role::Participant);
    accept(&mut w, crate::Actor::Member(alice), post(AUDE, 1, "Mobilité"));
    w.notes.get_mut(&note_id(1)).expect("posted").details.why = "Peu de bus".into();
    w.message = Some(Message {
        text: "Retour en plénière".into(),
        sent: NOW,
    });
    check_invariants(&w).expect("sound");
    w
}

fn note(w: &mut Workshop) -> &mut crate::model::Note {
    w.notes.get_mut(&note_id(1)).expect("the note")
}

/// Each change breaks a rule a command enforces; each must be caught.
#[test]
fn what_no_command_could_make_is_refused() {
    type Breakage = (&'static str, fn(&mut Workshop));
    let breakages: Vec<Breakage> = vec![
        ("a title of 20,000 characters", |w| w.title = "t".repeat(20_000)),
        ("a title reversed by U+202E", |w| {
            w.title = "Atelier \u{202E}1".into()
        }),
        ("a NUL in a room name", |w| w.rooms[0].name = "Au\0de".into()),
        ("an ESC in a territory", |w| {
            w.rooms[0].territory = Some("\u{1b}[31mAude".into())
        }),
        ("a column title of spaces", |w| w.columns[0].title = "   ".into()),
        ("two columns of one name", |w| {
            w.columns[1].title = w.columns[0].title.to_uppercase()
        }),
        ("100,000 characters of why", |w| {
            note(w).details.why = "x".repeat(100_000)
        }),
        ("a control character in a cause", |w| {
            note(w).details.causes.push(Branch {
                id: BranchId::from_u128(1),
                text: "cause\u{7}".into(),
            })
        }),
        ("too many consequences", |w| {
            note(w).details.consequences = (0..=MAX_BRANCHES as u128)
                .map(|i| Branch {
                    id: BranchId::from_u128(i + 1),
                    text: "effet".into(),
                })
                .collect()
        }),
        ("a note posted at 2^64 - 1 ms", |w| {
            note(w).created = Millis(u64::MAX)
        }),
        ("a note posted before the workshop", |w| {
            note(w).created = Millis(w.created.0 - 1)
        }),
        ("someone joining in the year 3000", |w| {
            let p = w.participants.values_mut().next().expect("a lead");
            p.joined = Millis(Millis::LATEST.0 + 1)
        }),
        ("a sequence beyond what a browser counts", |w| w.seq = MAX_SEQ + 1),
        ("a sequence the store cannot hold", |w| w.seq = i64::MAX as u64),
        ("a timer paused with a year left", |w| {
            w.timer.state = TimerState::Paused {
                remaining: 365 * 24 * 3600 * 1000,
            }
        }),
        ("a timer ending at 2^64 - 1 ms", |w| {
            w.timer.state = TimerState::Running {
                ends_at: Millis(u64::MAX),
            }
        }),
        ("a step of a million minutes", |w| {
            w.steps[0].minutes = Some(1_000_000)
        }),
        ("instructions of 5,000 characters", |w| {
            w.steps[0].instructions = "i".repeat(5_000)
        }),
        ("a message of 10,000 characters", |w| {
            w.message = Some(Message {
                text: "m".repeat(10_000),
                sent: NOW,
            })
        }),
        ("dots from someone who is not there", |w| {
            let (ballot, dots) = (
                crate::model::Ballot {
                    step: VOTE,
                    voter: crate::ParticipantId::from_u128(0xBAD),
                    note: note_id(1),
                },
                1,
            );
            w.ballots.insert(ballot, dots);
        }),
        ("a ranking of a billion votes", |w| {
            w.results.push(crate::model::VoteResult {
                step: VOTE,
                room: Some(AUDE),
                ranking: vec![crate::model::Ranked {
                    note: note_id(1),
                    column: NEEDS,
                    parent: None,
                    votes: 1_000_000_000,
                    voters: 1,
                    rank: 1,
                }],
            })
        }),
        ("a template key with a newline", |w| w.template = "a\nb".into()),
    ];
    for (what, break_it) in breakages {
        let mut w = lived_in();
        break_it(&mut w);
        assert!(check_invariants(&w).is_err(), "{what} was accepted");
    }
}

/// Even a workshop that skipped the checks (one already stored by an older server)
/// cannot make the report's timeline allocate without end.
#[test]
fn the_timeline_stays_small_whatever_the_instants() {
    let mut w = lived_in();
    w.notes.get_mut(&note_id(1)).expect("the note").created = Millis(u64::MAX);
    let timeline = Report::of(&w).timeline;
    assert!(timeline.notes.len() <= 60, "{} bars", timeline.notes.len());
    assert_eq!(timeline.notes.iter().sum::<u32>(), 1, "the note is still counted");
}
