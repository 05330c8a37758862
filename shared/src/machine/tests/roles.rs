//! Every command × every role: exactly those the protocol names may do it
//! (`docs/protocol.md`, "who may"), and for everyone else it is refused and changes
//! nothing.
//!
//! Each case prepares a workshop where its command is valid, so a refusal can only be
//! about who sends it: the test checks that every allowed sender is accepted, which
//! proves the preparation right. Everything happens in Gard, whose facilitator is the
//! inspector; Alice, a participant of Aude, is the outsider.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::command::Command;
use crate::machine::fixture::*;
use crate::machine::{Actor, apply};
use crate::map::MapItem;
use crate::model::{Activity, Assignment, Colour, Column, ColumnKind, Field, Role, Settings, Side, Step};
use crate::{BranchId, ColumnId, ParticipantId, RoomId, StepId};

/// Who sends a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Lead,
    /// The facilitator of Gard.
    Inspector,
    /// Bob, a participant of Gard, who wrote note 1.
    Author,
    /// Dana, another participant of Gard.
    Peer,
    /// An observer in Gard.
    Observer,
    /// Alice, a participant of Aude.
    Outsider,
    /// The server itself.
    System,
}

const EVERYONE: [Who; 7] = [
    Who::Lead,
    Who::Inspector,
    Who::Author,
    Who::Peer,
    Who::Observer,
    Who::Outsider,
    Who::System,
];

const BOBS_NOTE: u128 = 1;
const DANAS_NOTE: u128 = 2;
const DANA: ParticipantId = ParticipantId::from_u128(105);
const BRANCH: BranchId = BranchId::from_u128(0xB1);
const SPARE_ROOM: RoomId = RoomId::from_u128(0xA9);

struct Scene {
    cast: Cast,
}

impl Scene {
    /// Brainstorming in both rooms; Bob and Dana have each posted a need in Gard.
    fn new() -> Scene {
        let mut cast = cast();
        admit(&mut cast.w, DANA.0.as_u128(), "Dana", Role::Participant);
        cast.accept(
            LEAD,
            Command::MoveParticipant {
                participant: DANA,
                room: Some(GARD),
            },
        );
        cast.go(IDEAS);
        let bob = cast.bob;
        cast.accept(bob, post(GARD, BOBS_NOTE, "Un tiers-lieu à Alès"));
        cast.accept(DANA, post(GARD, DANAS_NOTE, "Des bus le dimanche"));
        Scene { cast }
    }

    fn actor(&self, who: Who) -> Actor {
        Actor::Member(match who {
            Who::Lead => LEAD,
            Who::Inspector => self.cast.inspector,
            Who::Author => self.cast.bob,
            Who::Peer => DANA,
            Who::Observer => self.cast.observer,
            Who::Outsider => self.cast.alice,
            Who::System => return Actor::System,
        })
    }

    fn lead(&mut self, command: Command) {
        self.cast.accept(LEAD, command);
    }
}

fn start_timer() -> Command {
    Command::StartTimer {
        seconds: 600,
        auto_lock: false,
    }
}

fn add_branch(branch: BranchId) -> Command {
    Command::AddBranch {
        note: note_id(BOBS_NOTE),
        branch,
        side: Side::Cause,
        text: "Pas de local".into(),
    }
}

fn new_step() -> Step {
    Step {
        id: StepId::from_u128(0x5F),
        key: None,
        title: "Pause".into(),
        instructions: String::new(),
        minutes: None,
        columns: Vec::new(),
        activity: Activity::Discussion,
    }
}

/// One command, the scene it is valid in, and who may send it.
struct Case {
    prepare: fn(&mut Scene),
    command: Command,
    may: &'static [Who],
}

fn case(command: Command, may: &'static [Who]) -> Case {
    Case {
        prepare: |_| {},
        command,
        may,
    }
}

fn after(prepare: fn(&mut Scene), command: Command, may: &'static [Who]) -> Case {
    Case {
        prepare,
        command,
        may,
    }
}

const FACILITATORS: &[Who] = &[Who::Lead, Who::Inspector];
const LEAD_ONLY: &[Who] = &[Who::Lead];
const SERVER_ONLY: &[Who] = &[Who::System];

fn cases() -> Vec<Case> {
    use Who::*;
    let mut edited = steps()[0].clone();
    edited.title = "Proposez vos besoins".into();
    vec![
        // People
        case(
            Command::Admit {
                participant: ParticipantId::from_u128(999),
                name: "Nouvelle".into(),
                role: Role::Participant,
            },
            SERVER_ONLY,
        ),
        case(
            Command::MoveParticipant {
                participant: DANA,
                room: Some(AUDE),
            },
            LEAD_ONLY,
        ),
        after(
            |s| {
                s.lead(Command::UpdateSettings {
                    settings: Settings {
                        assignment: Assignment::Choice,
                        joining_open: true,
                    },
                });
                s.lead(Command::AddRoom {
                    room: SPARE_ROOM,
                    name: "Hérault".into(),
                    territory: None,
                });
            },
            Command::ChooseRoom { room: SPARE_ROOM },
            &[Author, Peer, Observer, Outsider],
        ),
        case(
            Command::SetRole {
                participant: DANA,
                role: Role::Observer,
            },
            LEAD_ONLY,
        ),
        case(Command::SetReady { ready: true }, &[Author, Peer, Outsider]),
        // Workshop and rooms
        case(
            Command::UpdateSettings {
                settings: Settings {
                    assignment: Assignment::Facilitator,
                    joining_open: false,
                },
            },
            LEAD_ONLY,
        ),
        case(
            Command::AddRoom {
                room: SPARE_ROOM,
                name: "Hérault".into(),
                territory: None,
            },
            LEAD_ONLY,
        ),
        case(
            Command::RenameRoom {
                room: GARD,
                name: "Gard rhodanien".into(),
                territory: Some("Gard".into()),
            },
            LEAD_ONLY,
        ),
        after(
            |s| {
                s.lead(Command::AddRoom {
                    room: SPARE_ROOM,
                    name: "Hérault".into(),
                    territory: None,
                })
            },
            Command::RemoveRoom { room: SPARE_ROOM },
            LEAD_ONLY,
        ),
        case(
            Command::AddColumn {
                column: Column {
                    id: ColumnId::from_u128(0xC9),
                    key: None,
                    title: "Facteurs clés".into(),
                    kind: ColumnKind::Open,
                },
            },
            LEAD_ONLY,
        ),
        case(
            Command::RenameColumn {
                column: NEEDS,
                title: "Besoins prioritaires".into(),
            },
            LEAD_ONLY,
        ),
        case(
            Command::Lock {
                room: Some(GARD),
                locked: true,
            },
            FACILITATORS,
        ),
        case(
            Command::Broadcast {
                text: "Plénière dans 5 minutes".into(),
            },
            LEAD_ONLY,
        ),
        // Agenda
        case(
            Command::AddStep {
                step: new_step(),
                position: 3,
            },
            LEAD_ONLY,
        ),
        case(Command::EditStep { step: edited }, LEAD_ONLY),
        case(Command::RemoveStep { step: TALK }, LEAD_ONLY),
        case(go(Some(GARD), SECRET), FACILITATORS),
        after(
            |s| s.lead(go(None, SECRET)),
            Command::Reveal { room: Some(GARD) },
            FACILITATORS,
        ),
        // Timer
        case(start_timer(), LEAD_ONLY),
        after(|s| s.lead(start_timer()), Command::PauseTimer, LEAD_ONLY),
        after(
            |s| {
                s.lead(start_timer());
                s.lead(Command::PauseTimer);
            },
            Command::ResumeTimer,
            LEAD_ONLY,
        ),
        after(
            |s| s.lead(start_timer()),
            Command::AddTime { seconds: 60 },
            LEAD_ONLY,
        ),
        after(|s| s.lead(start_timer()), Command::StopTimer, LEAD_ONLY),
        after(|s| s.lead(start_timer()), Command::TimerElapsed, SERVER_ONLY),
        // Notes
        case(
            post(GARD, 3, "Une épicerie solidaire"),
            &[Lead, Inspector, Author, Peer],
        ),
        case(
            Command::EditNote {
                note: note_id(BOBS_NOTE),
                text: "Un tiers-lieu à Alès et à Bagnols".into(),
                colour: Colour::Green,
            },
            &[Lead, Inspector, Author],
        ),
        case(
            Command::DeleteNote {
                note: note_id(BOBS_NOTE),
            },
            &[Lead, Inspector, Author],
        ),
        case(
            Command::MergeNotes {
                into: note_id(BOBS_NOTE),
                notes: vec![note_id(DANAS_NOTE)],
            },
            FACILITATORS,
        ),
        after(
            |s| {
                s.lead(Command::MergeNotes {
                    into: note_id(BOBS_NOTE),
                    notes: vec![note_id(DANAS_NOTE)],
                })
            },
            Command::Ungroup {
                note: note_id(DANAS_NOTE),
            },
            FACILITATORS,
        ),
        case(
            Command::ImportMap {
                import: Uuid::from_u128(0x1A),
                column: MAP,
                room: Some(GARD),
                items: vec![MapItem {
                    text: "Fablab d'Alès".into(),
                    colour: None,
                    territory: None,
                }],
            },
            FACILITATORS,
        ),
        // Characterisation and problem tree: outside their steps, facilitators only.
        case(
            Command::Characterise {
                note: note_id(BOBS_NOTE),
                field: Field::Why,
                text: "Aucun lieu de rencontre".into(),
            },
            FACILITATORS,
        ),
        case(add_branch(BRANCH), FACILITATORS),
        after(
            |s| s.lead(add_branch(BRANCH)),
            Command::EditBranch {
                note: note_id(BOBS_NOTE),
                branch: BRANCH,
                text: "Pas de local adapté".into(),
            },
            FACILITATORS,
        ),
        after(
            |s| s.lead(add_branch(BRANCH)),
            Command::RemoveBranch {
                note: note_id(BOBS_NOTE),
                branch: BRANCH,
            },
            FACILITATORS,
        ),
        after(
            |s| {
                s.lead(add_branch(BRANCH));
                s.lead(add_branch(BranchId::from_u128(0xB2)));
            },
            Command::MoveBranch {
                note: note_id(BOBS_NOTE),
                branch: BRANCH,
                position: 1,
            },
            FACILITATORS,
        ),
        // Polls: every room answers (Alice too), the lead closes.
        after(
            |s| s.cast.poll(false),
            answer(Some(1)),
            &[Inspector, Author, Peer, Outsider],
        ),
        after(
            |s| s.cast.poll(false),
            Command::CloseVote {
                room: None,
                step: POLL,
            },
            LEAD_ONLY,
        ),
        after(
            |s| {
                s.cast.poll(false);
                s.lead(Command::CloseVote {
                    room: None,
                    step: POLL,
                });
            },
            Command::ReopenVote {
                room: None,
                step: POLL,
            },
            LEAD_ONLY,
        ),
        // Votes
        after(
            |s| s.lead(go(None, VOTE)),
            vote(BOBS_NOTE, 1),
            &[Inspector, Author, Peer],
        ),
        after(
            |s| s.lead(go(None, VOTE)),
            Command::CloseVote {
                room: Some(GARD),
                step: VOTE,
            },
            FACILITATORS,
        ),
        after(
            gard_voted,
            Command::ReopenVote {
                room: Some(GARD),
                step: VOTE,
            },
            FACILITATORS,
        ),
        // Bob's and Dana's needs, no dots: tied first.
        after(
            gard_voted,
            Command::BreakTie {
                room: Some(GARD),
                step: VOTE,
                ahead: vec![note_id(BOBS_NOTE)],
            },
            FACILITATORS,
        ),
    ]
}

/// Gard's vote, closed.
fn gard_voted(s: &mut Scene) {
    s.lead(go(None, VOTE));
    s.lead(Command::CloseVote {
        room: Some(GARD),
        step: VOTE,
    });
}

/// Fails to compile when a command is added and not listed here: then add its case.
fn variant(command: &Command) -> &'static str {
    match command {
        Command::Admit { .. } => "admit",
        Command::MoveParticipant { .. } => "move_participant",
        Command::ChooseRoom { .. } => "choose_room",
        Command::SetRole { .. } => "set_role",
        Command::SetReady { .. } => "set_ready",
        Command::UpdateSettings { .. } => "update_settings",
        Command::AddRoom { .. } => "add_room",
        Command::RenameRoom { .. } => "rename_room",
        Command::RemoveRoom { .. } => "remove_room",
        Command::AddColumn { .. } => "add_column",
        Command::RenameColumn { .. } => "rename_column",
        Command::Lock { .. } => "lock",
        Command::Broadcast { .. } => "broadcast",
        Command::AddStep { .. } => "add_step",
        Command::EditStep { .. } => "edit_step",
        Command::RemoveStep { .. } => "remove_step",
        Command::GoToStep { .. } => "go_to_step",
        Command::Reveal { .. } => "reveal",
        Command::StartTimer { .. } => "start_timer",
        Command::PauseTimer => "pause_timer",
        Command::ResumeTimer => "resume_timer",
        Command::AddTime { .. } => "add_time",
        Command::StopTimer => "stop_timer",
        Command::TimerElapsed => "timer_elapsed",
        Command::PostNote { .. } => "post_note",
        Command::EditNote { .. } => "edit_note",
        Command::DeleteNote { .. } => "delete_note",
        Command::MergeNotes { .. } => "merge_notes",
        Command::Ungroup { .. } => "ungroup",
        Command::ImportMap { .. } => "import_map",
        Command::Characterise { .. } => "characterise",
        Command::AddBranch { .. } => "add_branch",
        Command::EditBranch { .. } => "edit_branch",
        Command::RemoveBranch { .. } => "remove_branch",
        Command::MoveBranch { .. } => "move_branch",
        Command::Vote { .. } => "vote",
        Command::CloseVote { .. } => "close_vote",
        Command::ReopenVote { .. } => "reopen_vote",
        Command::BreakTie { .. } => "break_tie",
        Command::Answer { .. } => "answer",
    }
}

const VARIANTS: usize = 40;

#[test]
fn every_command_is_allowed_to_exactly_the_roles_the_protocol_names() {
    let cases = cases();
    let count = cases.len();
    let covered: BTreeSet<_> = cases.iter().map(|c| variant(&c.command)).collect();
    assert_eq!(covered.len(), VARIANTS, "every command has a case");
    let mut tried = 0;
    let mut wrong = Vec::new();
    for case in cases {
        let name = variant(&case.command);
        for who in EVERYONE {
            let mut scene = Scene::new();
            (case.prepare)(&mut scene);
            let before = scene.cast.w.clone();
            let actor = scene.actor(who);
            let outcome = apply(&mut scene.cast.w, actor, case.command.clone(), NOW);
            tried += 1;
            let allowed = case.may.contains(&who);
            match (&outcome, allowed) {
                (Ok(events), true) if !events.is_empty() || name == "timer_elapsed" => {}
                (Err(_), false) => {
                    assert_eq!(
                        scene.cast.w, before,
                        "{name} refused to {who:?} changed the workshop"
                    );
                }
                _ => wrong.push(format!("{name} by {who:?}: {outcome:?} (allowed: {allowed})")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(tried, count * EVERYONE.len());
}
