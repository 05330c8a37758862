use std::collections::BTreeMap;

use crate::command::Command;
use crate::event::Event;
use crate::machine::fixture::*;
use crate::machine::tally;
use crate::model::{Activity, Colour, Role, Step, VoteRules};
use crate::rejection::Rejection;
use crate::{ParticipantId, RoomId};

/// Notes 1–3 (needs) and 4 (emerging) in Aude, 5 (need) in Gard; every room voting.
fn voting() -> Cast {
    let mut c = cast();
    c.accept(c.alice, post(AUDE, 1, "Mobilité"));
    c.accept(c.carol, post(AUDE, 2, "Soins"));
    c.accept(c.carol, post(AUDE, 3, "Logement"));
    c.accept(c.alice, post_in(AUDE, EMERGING, 4, "Vieillissement"));
    c.accept(c.bob, post(GARD, 5, "Tiers-lieux"));
    c.go(VOTE);
    c
}

fn close(room: Option<RoomId>) -> Command {
    Command::CloseVote { room, step: VOTE }
}

#[test]
fn voters_spend_dots_within_the_cap_and_the_budgets() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 2));
    c.refuse(c.alice, vote(2, 3), Rejection::OverNoteCap { cap: 2 });
    c.refuse(c.alice, vote(2, 2), Rejection::OverBudget { budget: 3 });
    c.accept(c.alice, vote(4, 1));
    assert_eq!(c.w.dots(VOTE, c.alice, note_id(4)), 1);
    c.refuse(
        c.carol,
        vote(4, 2),
        Rejection::OverColumnBudget {
            column: EMERGING,
            budget: 1,
        },
    );
    c.accept(c.carol, vote(4, 1));
    c.refuse(c.alice, vote(2, 1), Rejection::OverBudget { budget: 3 });
    c.accept(c.alice, vote(1, 1));
    c.accept(c.alice, vote(2, 1));
    assert_eq!(c.w.dots(VOTE, c.alice, note_id(1)), 1);
}

#[test]
fn a_column_budget_caps_the_dots_in_its_column() {
    let mut c = voting();
    c.accept(LEAD, post_in(AUDE, EMERGING, 6, "Climat"));
    c.accept(c.alice, vote(4, 1));
    let refused = Rejection::OverColumnBudget {
        column: EMERGING,
        budget: 1,
    };
    c.refuse(c.alice, vote(6, 1), refused);
    c.accept(c.alice, vote(4, 0));
    c.accept(c.alice, vote(6, 1));
}

#[test]
fn setting_the_same_dots_again_changes_nothing_and_withdrawing_is_always_possible() {
    let mut c = voting();
    assert_eq!(c.accept(c.alice, vote(1, 2)).len(), 1);
    assert!(
        c.accept(c.alice, vote(1, 2)).is_empty(),
        "a re-sent vote counts once"
    );
    c.accept(c.alice, vote(1, 0));
    assert!(c.w.ballots.is_empty());
    assert!(c.accept(c.alice, vote(1, 0)).is_empty());
}

#[test]
fn votes_need_a_vote_step_the_voters_room_and_a_shown_column() {
    let mut c = voting();
    c.refuse(c.alice, vote(5, 1), Rejection::NotYourRoom);
    c.refuse(c.alice, vote(99, 1), Rejection::UnknownNote);
    c.accept(LEAD, go(Some(AUDE), IDEAS));
    c.refuse(c.alice, vote(1, 1), Rejection::WrongStep);
    c.accept(LEAD, go(Some(AUDE), PICK));
    c.refuse(c.alice, vote(1, 1), Rejection::WrongStep);
}

#[test]
fn the_lead_and_observers_do_not_vote_and_room_facilitators_may() {
    let mut c = voting();
    c.refuse(LEAD, vote(1, 1), Rejection::Forbidden);
    c.refuse(c.observer, vote(5, 1), Rejection::Forbidden);
    c.accept(c.inspector, vote(5, 1));
    let lobby = {
        c.accept(
            LEAD,
            Command::MoveParticipant {
                participant: c.carol,
                room: None,
            },
        );
        c.carol
    };
    c.refuse(lobby, vote(1, 1), Rejection::NotYourRoom);
}

#[test]
fn a_locked_board_or_a_closed_vote_takes_no_more_dots() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 1));
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(AUDE),
            locked: true,
        },
    );
    c.refuse(c.alice, vote(2, 1), Rejection::Locked);
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(AUDE),
            locked: false,
        },
    );
    c.accept(LEAD, close(Some(AUDE)));
    c.refuse(c.alice, vote(2, 1), Rejection::VoteClosed);
    c.refuse(c.alice, vote(1, 0), Rejection::VoteClosed);
    c.accept(c.bob, vote(5, 1));
}

#[test]
fn closing_publishes_a_ranking_per_column_with_shared_ranks() {
    let mut c = voting();
    c.accept(c.alice, vote(2, 2));
    c.accept(c.carol, vote(2, 1));
    c.accept(c.alice, vote(1, 1));
    c.accept(c.carol, vote(3, 1));
    c.accept(c.carol, vote(4, 1));
    c.refuse(c.alice, close(Some(AUDE)), Rejection::Forbidden);
    c.refuse(c.inspector, close(Some(AUDE)), Rejection::NotYourRoom);
    let events = c.accept(LEAD, close(Some(AUDE)));
    let [Event::VoteClosed { result }] = &events[..] else {
        panic!("{events:?}")
    };
    let ranks: Vec<_> = result
        .ranking
        .iter()
        .map(|r| (r.note, r.votes, r.voters, r.rank))
        .collect();
    assert_eq!(
        ranks,
        vec![
            (note_id(2), 3, 2, 1),
            (note_id(1), 1, 1, 2),
            (note_id(3), 1, 1, 2),
            (note_id(4), 1, 1, 1),
        ],
        "needs ranked among needs (1, 2, 2), emerging needs on their own"
    );
    assert!(
        c.accept(LEAD, close(Some(AUDE))).is_empty(),
        "closing twice changes nothing"
    );
    assert!(c.w.result(VOTE, Some(GARD)).is_none(), "Gard still votes");
    c.accept(c.inspector, close(Some(GARD)));
    let reopened = c.accept(
        LEAD,
        Command::ReopenVote {
            room: None,
            step: VOTE,
        },
    );
    assert_eq!(reopened.len(), 2);
    assert!(c.w.results.is_empty());
    c.accept(c.alice, vote(3, 0));
}

#[test]
fn ties_share_a_rank_and_the_next_rank_skips() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 1));
    c.accept(c.carol, vote(2, 1));
    let result = tally(&c.w, c.w.step(VOTE).unwrap(), Some(AUDE));
    let needs: Vec<_> = result
        .ranking
        .iter()
        .filter(|r| r.column == NEEDS)
        .map(|r| r.rank)
        .collect();
    assert_eq!(needs, vec![1, 1, 3]);
}

#[test]
fn a_merged_note_is_voted_for_as_its_group_and_votes_follow_the_group() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 1));
    c.accept(c.alice, vote(2, 2));
    c.accept(c.carol, vote(2, 1));
    c.accept(
        LEAD,
        Command::MergeNotes {
            into: note_id(1),
            notes: vec![note_id(2)],
        },
    );
    assert_eq!(
        c.w.dots(VOTE, c.alice, note_id(1)),
        2,
        "1 + 2, capped at 2 per note: one given back"
    );
    assert_eq!(c.w.dots(VOTE, c.carol, note_id(1)), 1);
    assert_eq!(c.w.dots(VOTE, c.alice, note_id(2)), 0);
    c.accept(c.carol, vote(2, 2));
    assert_eq!(
        c.w.dots(VOTE, c.carol, note_id(1)),
        2,
        "a vote for a member counts for its group"
    );
}

#[test]
fn deleting_a_note_gives_its_dots_back() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 2));
    // During the vote only a facilitator removes a note (a duplicate, say).
    c.accept(LEAD, Command::DeleteNote { note: note_id(1) });
    assert!(c.w.ballots.is_empty());
    c.accept(c.alice, vote(2, 2));
}

#[test]
fn once_the_vote_starts_authors_no_longer_change_their_notes() {
    let mut c = voting();
    c.accept(c.carol, vote(1, 1));
    let edit = Command::EditNote {
        note: note_id(1),
        text: "Mobilité, autre chose".into(),
        colour: Colour::Yellow,
    };
    c.refuse(c.alice, edit.clone(), Rejection::WrongStep);
    c.refuse(
        c.alice,
        Command::DeleteNote { note: note_id(1) },
        Rejection::WrongStep,
    );
    // Nor after it, on a step that only shows the results.
    c.accept(LEAD, close(Some(AUDE)));
    c.refuse(c.alice, edit, Rejection::WrongStep);
}

fn edited_vote(rules: VoteRules) -> Command {
    let mut step: Step = steps().into_iter().find(|s| s.id == VOTE).unwrap();
    step.activity = Activity::Vote { rules };
    Command::EditStep { step }
}

fn rules_of(c: &Cast) -> VoteRules {
    c.w.step(VOTE).unwrap().vote_rules().unwrap().clone()
}

#[test]
fn rules_change_mid_vote_but_never_below_what_someone_spent() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 2));
    c.accept(c.alice, vote(4, 1));
    let current = rules_of(&c);
    c.refuse(
        LEAD,
        edited_vote(VoteRules {
            budget: 2,
            per_note: 2,
            ..current.clone()
        }),
        Rejection::BudgetBelowVotes { min: 3 },
    );
    c.refuse(
        LEAD,
        edited_vote(VoteRules {
            per_note: 1,
            ..current.clone()
        }),
        Rejection::BudgetBelowVotes { min: 2 },
    );
    c.accept(
        LEAD,
        edited_vote(VoteRules {
            budget: 5,
            ..current.clone()
        }),
    );
    c.accept(c.alice, vote(2, 2));
    c.accept(
        LEAD,
        edited_vote(VoteRules {
            budget: 5,
            per_note: 2,
            ..current.clone()
        }),
    );
    c.refuse(
        LEAD,
        edited_vote(VoteRules {
            budget: 5,
            per_column: BTreeMap::new(),
            scope: crate::model::VoteScope::Workshop,
            ..current.clone()
        }),
        Rejection::InvalidRules {
            reason: "the scope of a vote cannot change once dots are cast".into(),
        },
    );
    c.refuse(
        c.inspector,
        edited_vote(VoteRules { budget: 6, ..current }),
        Rejection::Forbidden,
    );
}

#[test]
fn solutions_are_chosen_per_need_and_seen_by_all_in_an_open_vote() {
    let mut c = voting();
    c.go(SOLVE);
    let solution = |n, need| Command::PostNote {
        note: note_id(n),
        room: AUDE,
        column: SOLUTIONS,
        text: format!("solution {n}"),
        colour: Colour::Green,
        parent: Some(note_id(need)),
    };
    for (n, need) in [(10, 1), (11, 1), (12, 1), (13, 2)] {
        c.accept(c.alice, solution(n, need));
    }
    c.go(PICK);
    c.accept(c.carol, vote(10, 1));
    c.accept(c.carol, vote(11, 1));
    c.refuse(c.carol, vote(12, 1), Rejection::OverParentBudget { budget: 2 });
    c.accept(c.carol, vote(13, 1));
    c.accept(c.alice, vote(12, 1));
    c.accept(
        LEAD,
        Command::CloseVote {
            room: Some(AUDE),
            step: PICK,
        },
    );
    let result = c.w.result(PICK, Some(AUDE)).unwrap();
    let under_first: Vec<_> = result
        .ranking
        .iter()
        .filter(|r| r.parent == Some(note_id(1)))
        .map(|r| r.rank)
        .collect();
    assert_eq!(
        under_first,
        vec![1, 1, 1],
        "ranked among the solutions of their need"
    );
    let under_second: Vec<_> = result
        .ranking
        .iter()
        .filter(|r| r.parent == Some(note_id(2)))
        .map(|r| r.rank)
        .collect();
    assert_eq!(under_second, vec![1]);
}

#[test]
fn a_workshop_wide_vote_spans_every_room_with_one_ranking() {
    let mut c = voting();
    c.go(POSITION);
    c.accept(c.alice, vote(5, 1));
    c.accept(c.bob, vote(1, 1));
    c.accept(c.bob, vote(5, 1));
    c.refuse(c.bob, vote(2, 1), Rejection::OverBudget { budget: 2 });
    c.refuse(
        c.inspector,
        Command::CloseVote {
            room: Some(GARD),
            step: POSITION,
        },
        Rejection::Forbidden,
    );
    let events = c.accept(
        LEAD,
        Command::CloseVote {
            room: None,
            step: POSITION,
        },
    );
    let [Event::VoteClosed { result }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(result.room, None);
    assert_eq!((result.ranking[0].note, result.ranking[0].votes), (note_id(5), 2));
    assert_eq!(result.ranking.len(), 4, "the needs of both rooms");
}

#[test]
fn many_voters_never_exceed_their_budgets_whatever_the_order() {
    let mut c = voting();
    let admitted: Vec<ParticipantId> = (0..20)
        .map(|i| admit(&mut c.w, 500 + i, &format!("Votant {i}"), Role::Participant))
        .collect();
    let voters: Vec<_> = admitted
        .into_iter()
        .filter(|p| c.w.participants[p].room == Some(AUDE))
        .collect();
    for (i, voter) in voters.iter().enumerate() {
        for note in [1, 2, 3, 4, 2, 1] {
            let _ = crate::machine::apply(
                &mut c.w,
                crate::Actor::Member(*voter),
                vote(note, 1 + (i as u32 % 2)),
                NOW,
            );
        }
    }
    crate::check_invariants(&c.w).unwrap();
    let result = tally(&c.w, c.w.step(VOTE).unwrap(), Some(AUDE));
    let counted: u32 = result.ranking.iter().map(|r| r.votes).sum();
    assert_eq!(
        counted,
        c.w.ballots.values().sum::<u32>(),
        "every dot in the ranking, once"
    );
}

#[test]
fn a_facilitator_settles_a_tie_at_the_cut_and_the_next_step_keeps_its_top_n() {
    let mut c = voting();
    c.accept(c.alice, vote(1, 2));
    c.accept(c.carol, vote(2, 1));
    c.accept(c.carol, vote(3, 1));
    let settle = |ahead: &[u128]| Command::BreakTie {
        room: Some(AUDE),
        step: VOTE,
        ahead: ahead.iter().map(|n| note_id(*n)).collect(),
    };
    c.refuse(LEAD, settle(&[3]), Rejection::NotATie);
    c.accept(LEAD, close(Some(AUDE)));
    let characterise = c.w.step(CHARACTERISE).unwrap().clone();
    assert_eq!(
        c.w.focus_notes(&characterise, AUDE).len(),
        3,
        "a tie at rank 2 straddles the cut of the top 2"
    );
    c.refuse(LEAD, settle(&[2, 3]), Rejection::NotATie);
    c.refuse(LEAD, settle(&[1, 3]), Rejection::NotATie);
    c.refuse(LEAD, settle(&[3, 3]), Rejection::NotATie);
    c.refuse(LEAD, settle(&[]), Rejection::NotATie);
    c.refuse(LEAD, settle(&[5]), Rejection::NotATie);
    c.refuse(c.alice, settle(&[3]), Rejection::Forbidden);
    c.refuse(c.inspector, settle(&[3]), Rejection::NotYourRoom);

    let events = c.accept(LEAD, settle(&[3]));
    assert!(matches!(&events[..], [Event::VoteClosed { .. }]), "{events:?}");
    let needs: Vec<_> =
        c.w.result(VOTE, Some(AUDE))
            .unwrap()
            .ranking
            .iter()
            .filter(|r| r.column == NEEDS)
            .map(|r| (r.note, r.votes, r.rank))
            .collect();
    assert_eq!(
        needs,
        vec![(note_id(1), 2, 1), (note_id(3), 1, 2), (note_id(2), 1, 3)]
    );
    assert_eq!(c.w.focus_notes(&characterise, AUDE), vec![note_id(1), note_id(3)]);
    c.refuse(LEAD, settle(&[2]), Rejection::NotATie);

    // Closed anew, the vote is counted afresh: the tie is back for the facilitator.
    c.accept(
        LEAD,
        Command::ReopenVote {
            room: Some(AUDE),
            step: VOTE,
        },
    );
    c.accept(LEAD, close(Some(AUDE)));
    assert_eq!(c.w.focus_notes(&characterise, AUDE).len(), 3);
}
