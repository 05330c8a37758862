//! A workshop for tests: two rooms, every kind of column and step, a lead.

use std::collections::BTreeMap;

use crate::command::Command;
use crate::event::Event;
use crate::ids::{CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId, WorkshopId};
use crate::model::{
    Activity, Colour, Column, ColumnKind, Focus, PollRules, Role, Settings, Step, VoteRules, VoteScope,
    Workshop,
};
use crate::rejection::Rejection;

use super::{Actor, NewRoom, NewWorkshop, apply, check_invariants, create};

pub const AUDE: RoomId = RoomId::from_u128(0xA1);
pub const GARD: RoomId = RoomId::from_u128(0xA2);

pub const NEEDS: ColumnId = ColumnId::from_u128(0xC1);
pub const EMERGING: ColumnId = ColumnId::from_u128(0xC2);
/// Attached to `NEEDS`.
pub const SOLUTIONS: ColumnId = ColumnId::from_u128(0xC3);
/// Facilitators only.
pub const MAP: ColumnId = ColumnId::from_u128(0xC4);

/// Brainstorm in needs and emerging needs.
pub const IDEAS: StepId = StepId::from_u128(0x51);
/// Hidden, anonymous brainstorm in needs.
pub const SECRET: StepId = StepId::from_u128(0x52);
/// Vote: 3 dots, 2 per note, 1 in emerging needs, secret.
pub const VOTE: StepId = StepId::from_u128(0x53);
/// Brainstorm of solutions under needs.
pub const SOLVE: StepId = StepId::from_u128(0x54);
/// Vote on solutions: 4 dots, 2 per need, open (not secret).
pub const PICK: StepId = StepId::from_u128(0x55);
/// Characterise the 2 best needs of `VOTE`.
pub const CHARACTERISE: StepId = StepId::from_u128(0x56);
/// Problem trees of the 2 best needs of `VOTE`.
pub const TREE: StepId = StepId::from_u128(0x57);
pub const PLENARY: StepId = StepId::from_u128(0x58);
/// Workshop-wide vote on needs: 2 dots.
pub const POSITION: StepId = StepId::from_u128(0x59);
pub const TALK: StepId = StepId::from_u128(0x5A);

pub const LEAD: ParticipantId = ParticipantId::from_u128(0x1EAD);
pub const NOW: Millis = Millis(1_750_000_000_000);

fn step(id: StepId, title: &str, columns: &[ColumnId], activity: Activity) -> Step {
    Step {
        id,
        key: None,
        title: title.into(),
        instructions: String::new(),
        minutes: Some(10),
        columns: columns.to_vec(),
        activity,
    }
}

pub fn vote_rules(budget: u32, per_note: u32) -> VoteRules {
    VoteRules {
        budget,
        per_note,
        per_column: BTreeMap::new(),
        per_parent: None,
        secret: true,
        scope: VoteScope::Room,
    }
}

pub fn steps() -> Vec<Step> {
    let focus = Some(Focus { vote: VOTE, top: 2 });
    vec![
        step(
            IDEAS,
            "Proposez des besoins",
            &[NEEDS, EMERGING],
            Activity::Brainstorm {
                anonymous: false,
                hidden: false,
            },
        ),
        step(
            SECRET,
            "Besoins en secret",
            &[NEEDS],
            Activity::Brainstorm {
                anonymous: true,
                hidden: true,
            },
        ),
        step(
            VOTE,
            "Priorisez",
            &[NEEDS, EMERGING],
            Activity::Vote {
                rules: VoteRules {
                    per_column: BTreeMap::from([(EMERGING, 1)]),
                    ..vote_rules(3, 2)
                },
            },
        ),
        step(
            SOLVE,
            "Des solutions",
            &[NEEDS, SOLUTIONS],
            Activity::Brainstorm {
                anonymous: false,
                hidden: false,
            },
        ),
        step(
            PICK,
            "Choisissez des solutions",
            &[SOLUTIONS],
            Activity::Vote {
                rules: VoteRules {
                    per_parent: Some(2),
                    secret: false,
                    ..vote_rules(4, 1)
                },
            },
        ),
        step(
            CHARACTERISE,
            "Caractérisez",
            &[NEEDS],
            Activity::Characterise { focus },
        ),
        step(
            TREE,
            "Arbre à problèmes",
            &[NEEDS],
            Activity::ProblemTree { focus },
        ),
        step(PLENARY, "Plénière", &[NEEDS], Activity::Plenary),
        step(
            POSITION,
            "Positionnez-vous",
            &[NEEDS],
            Activity::Vote {
                rules: VoteRules {
                    scope: VoteScope::Workshop,
                    ..vote_rules(2, 1)
                },
            },
        ),
        step(TALK, "Témoignages", &[], Activity::Discussion),
    ]
}

pub fn spec() -> NewWorkshop {
    let column = |id, title: &str, kind| Column {
        id,
        key: None,
        title: title.into(),
        kind,
    };
    NewWorkshop {
        id: WorkshopId::from_u128(0xE0),
        campaign: CampaignId::from_u128(0xCA),
        origin: None,
        template: "test".into(),
        code: JoinCode::parse("ABCDEF").expect("valid code"),
        title: "YESS CAMP 1 — Menez l'enquête !".into(),
        settings: Settings {
            joining_open: true,
            ..Settings::default()
        },
        rooms: vec![
            NewRoom {
                id: AUDE,
                name: "Aude".into(),
                territory: Some("Aude".into()),
            },
            NewRoom {
                id: GARD,
                name: "Gard".into(),
                territory: None,
            },
        ],
        columns: vec![
            column(NEEDS, "Besoins", ColumnKind::Open),
            column(EMERGING, "Besoins émergents", ColumnKind::Open),
            column(SOLUTIONS, "Solutions", ColumnKind::Attached { to: NEEDS }),
            column(MAP, "Cartographie", ColumnKind::Facilitators),
        ],
        steps: steps(),
        notes: Vec::new(),
        lead: LEAD,
        lead_name: "Camille (animation)".into(),
        now: NOW,
    }
}

pub fn workshop() -> Workshop {
    create(spec()).expect("the fixture is valid")
}

/// Admits `name` with `role`; returns their id.
pub fn admit(w: &mut Workshop, n: u128, name: &str, role: Role) -> ParticipantId {
    let id = ParticipantId::from_u128(n);
    apply(
        w,
        Actor::System,
        Command::Admit {
            participant: id,
            name: name.into(),
            role,
        },
        NOW,
    )
    .expect("admission accepted");
    id
}

pub fn note_id(n: u128) -> NoteId {
    NoteId::from_u128(n)
}

pub fn post_in(room: RoomId, column: ColumnId, n: u128, text: &str) -> Command {
    Command::PostNote {
        note: note_id(n),
        room,
        column,
        text: text.into(),
        colour: Colour::Yellow,
        parent: None,
    }
}

pub fn post(room: RoomId, n: u128, text: &str) -> Command {
    post_in(room, NEEDS, n, text)
}

pub fn go(room: Option<RoomId>, step: StepId) -> Command {
    Command::GoToStep { room, step }
}

pub fn vote(n: u128, dots: u32) -> Command {
    Command::Vote {
        note: note_id(n),
        dots,
    }
}

/// Applies a command that must succeed and keep the invariants.
pub fn accept(w: &mut Workshop, actor: Actor, command: Command) -> Vec<Event> {
    let before = w.seq;
    let events = apply(w, actor, command.clone(), NOW)
        .unwrap_or_else(|r| panic!("{command:?} by {actor:?} refused: {r}"));
    assert_eq!(w.seq, before + events.len() as u64);
    check_invariants(w).unwrap_or_else(|broken| panic!("after {command:?}: {broken}"));
    events
}

/// Applies a command that must be refused with `expected`, leaving `w` exactly as it was.
pub fn refuse(w: &mut Workshop, actor: Actor, command: Command, expected: Rejection) {
    let before = w.clone();
    let result = apply(w, actor, command.clone(), NOW);
    assert_eq!(result, Err(expected), "{command:?} by {actor:?}");
    assert_eq!(*w, before, "a refused command changed the workshop");
}

/// Lead, Alice and Carol (Aude), Bob (Gard), a facilitator of Gard, an observer (Gard).
#[derive(Debug)]
pub struct Cast {
    pub w: Workshop,
    pub alice: ParticipantId,
    pub bob: ParticipantId,
    pub carol: ParticipantId,
    pub inspector: ParticipantId,
    pub observer: ParticipantId,
}

pub fn cast() -> Cast {
    let mut w = workshop();
    let alice = admit(&mut w, 100, "Alice", Role::Participant);
    let bob = admit(&mut w, 101, "Bob", Role::Participant);
    let carol = admit(&mut w, 102, "Carol", Role::Participant);
    // Aude has two participants now, so the next two land in Gard.
    let inspector = admit(&mut w, 103, "Inspecteur Gard", Role::RoomFacilitator);
    let observer = admit(&mut w, 104, "Observatrice", Role::Observer);
    assert_eq!(w.participants[&alice].room, Some(AUDE));
    assert_eq!(w.participants[&bob].room, Some(GARD));
    assert_eq!(w.participants[&carol].room, Some(AUDE));
    assert_eq!(w.participants[&inspector].room, Some(GARD));
    assert_eq!(w.participants[&observer].room, Some(GARD));
    Cast {
        w,
        alice,
        bob,
        carol,
        inspector,
        observer,
    }
}

impl Cast {
    pub fn accept(&mut self, who: ParticipantId, command: Command) -> Vec<Event> {
        accept(&mut self.w, Actor::Member(who), command)
    }

    pub fn refuse(&mut self, who: ParticipantId, command: Command, expected: Rejection) {
        refuse(&mut self.w, Actor::Member(who), command, expected)
    }

    /// Moves every room to `step`, as the lead.
    pub fn go(&mut self, step: StepId) {
        self.accept(LEAD, go(None, step));
    }

    /// Adds quick poll [`POLL`] at the end of the agenda and moves every room to it.
    pub fn poll(&mut self, secret: bool) {
        let end = self.w.steps.len();
        self.accept(
            LEAD,
            Command::AddStep {
                step: poll_step(secret),
                position: end,
            },
        );
        self.go(POLL);
    }
}

/// A quick poll (not in [`steps`]: added live, as a facilitator would).
pub const POLL: StepId = StepId::from_u128(0x5B);

/// "Sur quel défi voulez-vous travailler ?": three options.
pub fn poll_step(secret: bool) -> Step {
    step(
        POLL,
        "Sur quel défi voulez-vous travailler ?",
        &[],
        Activity::Poll {
            rules: PollRules {
                options: vec!["Mobilité".into(), "Logement".into(), "Alimentation".into()],
                secret,
            },
        },
    )
}

pub fn answer(option: Option<u32>) -> Command {
    Command::Answer { step: POLL, option }
}
