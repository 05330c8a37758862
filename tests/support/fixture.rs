//! A campaign played out in full, the same every time: YESS CAMP 1 in its six
//! territories (the map of needs, new and emerging needs, the vote, the
//! characterisations, the problem trees), then YESS CAMP 2 starting from the needs it
//! retained (solutions under each need, voted). Every export's golden files are made
//! from it, and the browser test imports its archive. Some notes are hostile on
//! purpose. Test data: not part of the server (`server/tests/export.rs` includes
//! this file by its path).

use atelier_shared::machine::{self, NewRoom, NewWorkshop};
use atelier_shared::model::{Field, Settings, Side};
use atelier_shared::template::Setup;
use atelier_shared::{
    Actor, BranchId, CampaignId, ColumnId, Command, JoinCode, Millis, NoteId, ParticipantId, Role, RoomId,
    StepId, Workshop, WorkshopId,
};

use atelier_server::catalog::Catalog;

/// 12 March 2026, 09:00 UTC: the first workshop opens.
pub const OPENED: Millis = Millis(1_773_306_000_000);
/// When the exports say they were made: the afternoon of the second workshop.
pub const GENERATED: Millis = Millis(OPENED.0 + 7 * DAY + 3 * HOUR);

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// Texts that must come out of every format as typed, and inert.
pub const HOSTILE: [&str; 3] = [
    "<script>alert('note')</script> Épicerie <b>solidaire</b>",
    "=HYPERLINK(\"http://evil.example\",\"Cliquez\")",
    "| Tiers-lieu | [lien](javascript:alert(1)) **gras** & co",
];

const NAMES: [&str; 12] = [
    "Alice Martin",
    "Bruno Garcia",
    "Chloé Bernard",
    "David Roux",
    "Émilie Fabre",
    "François Vidal",
    "Gaëlle Blanc",
    "Hugo Mercier",
    "Inès Bonnet",
    "Julien Lefèvre",
    "Karine Morel",
    "Lucas Girard",
];

const NEW_NEEDS: [&str; 6] = [
    HOSTILE[0],
    "Accès aux soins : maisons de santé itinérantes",
    "Garde d'enfants aux horaires décalés",
    "Reprise des commerces par des coopératives",
    "Logement des saisonniers",
    "Formation au numérique des seniors",
];

const EMERGING: [&str; 6] = [
    HOSTILE[1],
    "Adaptation au manque d'eau",
    "Précarité énergétique des ménages",
    "Isolement des jeunes ruraux",
    "Tourisme durable hors saison",
    "Reconversion des friches industrielles",
];

const SOLUTIONS: [&str; 3] = [
    "Épicerie itinérante coopérative",
    HOSTILE[2],
    "Plateforme de covoiturage solidaire",
];

pub fn lead_of_first() -> ParticipantId {
    ParticipantId::from_u128(0x1EAD_0001)
}

fn room_id(workshop: u128, i: usize) -> RoomId {
    RoomId::from_u128(workshop << 16 | i as u128)
}

fn person(workshop: u128, i: usize) -> ParticipantId {
    ParticipantId::from_u128(workshop << 32 | 0x9000 | i as u128)
}

fn note_id(workshop: u128, i: usize) -> NoteId {
    NoteId::from_u128(workshop << 32 | 0x5000 | i as u128)
}

/// Runs `command`; the fixture is a script, so a refusal is a bug in it.
fn run(w: &mut Workshop, actor: Actor, command: Command, at: Millis) {
    if let Err(rejection) = machine::apply(w, actor, command.clone(), at) {
        panic!("the fixture's {command:?} was refused: {rejection:?}");
    }
}

fn step(w: &Workshop, key: &str) -> StepId {
    w.steps
        .iter()
        .find(|s| s.key.as_deref() == Some(key))
        .map(|s| s.id)
        .unwrap_or_else(|| panic!("the template has no step {key}"))
}

/// The lead sends every room to the step `key`; returns its id.
fn every_room_to(w: &mut Workshop, lead: ParticipantId, key: &str, at: Millis) -> StepId {
    let step = step(w, key);
    run(w, Actor::Member(lead), Command::GoToStep { room: None, step }, at);
    step
}

fn column(w: &Workshop, key: &str) -> ColumnId {
    w.columns
        .iter()
        .find(|c| c.key.as_deref() == Some(key))
        .map(|c| c.id)
        .unwrap_or_else(|| panic!("the template has no column {key}"))
}

fn open(
    catalog: &Catalog,
    template: &str,
    number: u128,
    title: &str,
    lead: ParticipantId,
    at: Millis,
    source: Option<&Workshop>,
) -> Workshop {
    let template = catalog
        .template(template, atelier_shared::Lang::Fr)
        .unwrap_or_else(|| panic!("no template {template}"));
    let id = WorkshopId::from_u128(number);
    let rooms: Vec<NewRoom> = template
        .rooms
        .iter()
        .enumerate()
        .map(|(i, r)| NewRoom {
            id: room_id(number, i),
            name: r.name.clone(),
            territory: r.territory.clone(),
        })
        .collect();
    let setup = Setup {
        workshop: id,
        lead,
        now: at,
        rooms: &rooms,
        custom_columns: &[],
        source,
    };
    let instance = template
        .instantiate(setup, &|file| catalog.map(file))
        .unwrap_or_else(|e| panic!("{e}"));
    let spec = NewWorkshop {
        id,
        campaign: source.map_or(CampaignId::from_u128(0xCA), |s| s.campaign),
        origin: source.map(|s| s.id),
        template: template.key.clone(),
        code: JoinCode::from_random_bytes([number as u8; JoinCode::LEN]),
        title: title.to_owned(),
        settings: Settings::default(),
        rooms,
        columns: instance.columns,
        steps: instance.steps,
        notes: instance.notes,
        lead,
        lead_name: "Nadia Benali".to_owned(),
        now: at,
    };
    machine::create(spec).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Admits `count` people per room, placed by the lead, a minute apart.
fn admit(w: &mut Workshop, number: u128, count: usize, lead: ParticipantId, from: Millis) {
    for i in 0..w.rooms.len() * count {
        let at = Millis(from.0 + i as u64 * MINUTE / 2);
        let participant = person(number, i);
        let admit = Command::Admit {
            participant,
            name: NAMES[i % NAMES.len()].to_owned(),
            role: Role::Participant,
        };
        run(w, Actor::System, admit, at);
        let room = Some(w.rooms[i % w.rooms.len()].id);
        run(
            w,
            Actor::Member(lead),
            Command::MoveParticipant { participant, room },
            at,
        );
    }
}

/// YESS CAMP 1, played to its plenary in six rooms of two.
pub fn yess_camp_1(catalog: &Catalog) -> Workshop {
    let lead = lead_of_first();
    let mut w = open(
        catalog,
        "yess-camp-1",
        0xA1,
        "YESS CAMP Occitanie — Enquête sur les besoins",
        lead,
        OPENED,
        None,
    );
    let lead_acts = Actor::Member(lead);
    admit(&mut w, 0xA1, 2, lead, Millis(OPENED.0 + 2 * MINUTE));
    let rooms = w.rooms.len();
    let (needs, emerging) = (column(&w, "needs"), column(&w, "emerging"));

    let at = |minutes: u64| Millis(OPENED.0 + minutes * MINUTE);
    every_room_to(&mut w, lead, "clues", at(25));
    // Each room adds a new need and two emerging ones; Aude's are hostile.
    let mut posted = vec![[NoteId::from_u128(0); 3]; rooms];
    for r in 0..rooms {
        let (a, b) = (person(0xA1, r), person(0xA1, r + rooms));
        let room = w.rooms[r].id;
        let notes = [
            (a, needs, NEW_NEEDS[r].to_owned()),
            (b, emerging, EMERGING[r].to_owned()),
            (a, emerging, format!("{} (bis)", EMERGING[(r + 1) % rooms])),
        ];
        for (k, (author, column, text)) in notes.into_iter().enumerate() {
            let note = note_id(0xA1, r * 8 + k);
            posted[r][k] = note;
            let post = Command::PostNote {
                note,
                room,
                column,
                text,
                colour: Default::default(),
                parent: None,
            };
            run(
                &mut w,
                Actor::Member(author),
                post,
                at(30 + (r * 3 + k) as u64 * 3),
            );
        }
    }
    // Two duplicates merged in Gard.
    run(
        &mut w,
        lead_acts,
        Command::MergeNotes {
            into: posted[1][1],
            notes: vec![posted[1][2]],
        },
        at(80),
    );

    let selection = every_room_to(&mut w, lead, "selection", at(85));
    for r in 0..rooms {
        let room = w.rooms[r].id;
        let map: Vec<NoteId> = w.notes_in(room, needs).iter().map(|n| n.id).collect();
        let map: Vec<NoteId> = map.into_iter().filter(|n| *n != posted[r][0]).collect();
        let (a, b) = (person(0xA1, r), person(0xA1, r + rooms));
        // Both put a dot on the room's new need and on the map's need number r; then
        // each on a need of their own.
        let ballots = [
            (a, posted[r][0]),
            (b, posted[r][0]),
            (a, map[r % map.len()]),
            (b, map[r % map.len()]),
            (a, map[(r + 3) % map.len()]),
            (b, map[(r + 5) % map.len()]),
            (a, posted[r][1]),
            (b, posted[r][1]),
        ];
        for (i, (voter, note)) in ballots.into_iter().enumerate() {
            run(
                &mut w,
                Actor::Member(voter),
                Command::Vote { note, dots: 1 },
                at(90 + i as u64),
            );
        }
        if r != 1 {
            run(
                &mut w,
                Actor::Member(b),
                Command::Vote {
                    note: posted[r][2],
                    dots: 1,
                },
                at(99),
            );
        }
        let close = Command::CloseVote {
            room: Some(room),
            step: selection,
        };
        run(&mut w, lead_acts, close, at(100));
    }

    every_room_to(&mut w, lead, "characterise", at(105));
    for (r, notes) in posted.iter().enumerate() {
        let a = person(0xA1, r);
        let note = notes[0];
        let answers = [
            (
                Field::Why,
                "Trois commerces ont fermé en deux ans ; les anciens font 30 km pour le pain.",
            ),
            (
                Field::Who,
                "Les personnes âgées sans voiture, les familles monoparentales.",
            ),
            (
                Field::Measure,
                "Nombre de villages sans commerce ; temps d'accès au premier service.",
            ),
        ];
        for (i, (field, text)) in answers.into_iter().enumerate() {
            let command = Command::Characterise {
                note,
                field,
                text: text.to_owned(),
            };
            run(&mut w, Actor::Member(a), command, at(110 + i as u64));
        }
    }

    every_room_to(&mut w, lead, "tree", at(120));
    for (r, notes) in posted.iter().enumerate() {
        let b = person(0xA1, r + rooms);
        let note = notes[0];
        let branches = [
            (Side::Consequence, "Départ des jeunes ménages"),
            (Side::Consequence, "Isolement des aînés"),
            (Side::Cause, "Baisse de la population active"),
            (Side::Cause, "Concurrence des grandes surfaces"),
        ];
        for (i, (side, text)) in branches.into_iter().enumerate() {
            let command = Command::AddBranch {
                note,
                branch: BranchId::from_u128(0xB0_0000 | (r * 8 + i) as u128),
                side,
                text: text.to_owned(),
            };
            run(&mut w, Actor::Member(b), command, at(125 + i as u64));
        }
    }
    every_room_to(&mut w, lead, "report", at(140));
    w
}

/// YESS CAMP 2, a week later, from the needs the first retained: one participant per
/// room proposes solutions under the needs, then the room votes.
pub fn yess_camp_2(catalog: &Catalog, first: &Workshop) -> Workshop {
    let lead = ParticipantId::from_u128(0x1EAD_0002);
    let opened = Millis(OPENED.0 + 7 * DAY);
    let mut w = open(
        catalog,
        "yess-camp-2",
        0xA2,
        "YESS CAMP Occitanie — Les suspects",
        lead,
        opened,
        Some(first),
    );
    let lead_acts = Actor::Member(lead);
    admit(&mut w, 0xA2, 1, lead, Millis(opened.0 + 2 * MINUTE));
    let at = |minutes: u64| Millis(opened.0 + minutes * MINUTE);
    let (needs, solutions) = (column(&w, "needs"), column(&w, "solutions"));
    every_room_to(&mut w, lead, "suspects", at(30));
    let rooms = w.rooms.len();
    for r in 0..rooms {
        let room = w.rooms[r].id;
        let p = person(0xA2, r);
        let recalled: Vec<NoteId> = w.notes_in(room, needs).iter().map(|n| n.id).collect();
        for (k, text) in SOLUTIONS.iter().enumerate() {
            let Some(parent) = recalled.get(k % 2).copied() else {
                continue;
            };
            let post = Command::PostNote {
                note: note_id(0xA2, r * 8 + k),
                room,
                column: solutions,
                text: (*text).to_owned(),
                colour: Default::default(),
                parent: Some(parent),
            };
            run(&mut w, Actor::Member(p), post, at(35 + (r * 3 + k) as u64));
        }
    }
    let lineup = every_room_to(&mut w, lead, "lineup", at(70));
    for r in 0..rooms {
        let room = w.rooms[r].id;
        let p = person(0xA2, r);
        for k in 0..SOLUTIONS.len() {
            let note = note_id(0xA2, r * 8 + k);
            if w.notes.contains_key(&note) && (k + r) % 3 != 2 {
                run(
                    &mut w,
                    Actor::Member(p),
                    Command::Vote { note, dots: 1 },
                    at(75 + k as u64),
                );
            }
        }
        let close = Command::CloseVote {
            room: Some(room),
            step: lineup,
        };
        run(&mut w, lead_acts, close, at(85));
    }
    every_room_to(&mut w, lead, "report", at(90));
    w
}

/// Both workshops, in the order they were created.
pub fn campaign(catalog: &Catalog) -> Vec<Workshop> {
    let first = yess_camp_1(catalog);
    let second = yess_camp_2(catalog, &first);
    vec![first, second]
}
