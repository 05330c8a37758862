//! The store on a real PostgreSQL server: workshops come back whole, and each
//! workshop has one owner at a time — a node that lost its lease has every write
//! refused, a node handing over (or restarted under its name) does so at once.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::time::Duration;

use atelier_server::secret::{Secret, Stored};
use atelier_server::store::postgres::{Leases, PgStore};
use atelier_server::store::{Acquired, CommandKey, Locate, Record, Store, StoreError};
use atelier_shared::ids::{CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId};
use atelier_shared::machine::{NewRoom, NewWorkshop, create};
use atelier_shared::model::{Column, ColumnKind, Settings};
use atelier_shared::protocol::event_json;
use atelier_shared::{Activity, Actor, Colour, Command, Role, Step, Workshop, WorkshopId, apply};
use atelier_tests::postgres::Database;
use uuid::Uuid;

const LEAD: ParticipantId = ParticipantId(Uuid::from_u128(0x1EAD));
const ROOM: RoomId = RoomId(Uuid::from_u128(0xA1));
const COLUMN: ColumnId = ColumnId(Uuid::from_u128(0xC1));

fn workshop() -> Workshop {
    create(NewWorkshop {
        id: WorkshopId(Uuid::new_v4()),
        campaign: CampaignId(Uuid::new_v4()),
        origin: None,
        template: "brainstorm-vote".into(),
        // Codes are unique across the nodes of a store: each workshop its own.
        code: JoinCode::from_random_bytes(std::array::from_fn(|i| Uuid::new_v4().as_bytes()[i])),
        title: "Atelier des quartiers".into(),
        settings: Settings::default(),
        rooms: vec![NewRoom {
            id: ROOM,
            name: "Aude".into(),
            territory: None,
        }],
        columns: vec![Column {
            id: COLUMN,
            key: None,
            title: "Idées".into(),
            kind: ColumnKind::Open,
        }],
        steps: vec![Step {
            id: StepId(Uuid::from_u128(0x51)),
            key: None,
            title: "Proposez".into(),
            instructions: String::new(),
            minutes: None,
            columns: vec![COLUMN],
            activity: Activity::Brainstorm {
                anonymous: false,
                hidden: false,
            },
        }],
        notes: Vec::new(),
        lead: LEAD,
        lead_name: "Camille".into(),
        now: Millis(1_750_000_000_000),
    })
    .unwrap()
}

fn created(w: &Workshop) -> Record {
    Record::Created {
        workshop: Box::new(w.clone()),
    }
}

/// Applies `command` (the lead's, or the system's) and returns its record.
fn act(w: &mut Workshop, actor: Actor, command: Command) -> Record {
    let first_seq = w.seq + 1;
    let events = apply(w, actor, command, Millis(1_750_000_001_000)).unwrap();
    let command = match actor {
        Actor::Member(participant) => Some(CommandKey {
            participant,
            id: first_seq,
        }),
        Actor::System => None,
    };
    Record::Events {
        workshop: w.id,
        first_seq,
        events: events.iter().map(event_json).collect(),
        command,
    }
}

fn post(w: &mut Workshop, n: u128) -> Record {
    act(
        w,
        Actor::Member(LEAD),
        Command::PostNote {
            note: NoteId(Uuid::from_u128(n)),
            room: ROOM,
            column: COLUMN,
            text: format!("Idée n° {n} : « mobilité » <b>rurale</b>"),
            colour: Colour::Green,
            parent: None,
        },
    )
}

/// A node with long leases: in these tests, a lease changes hands only when a test
/// says so (an expiry forced in SQL, a hand-over, a restart).
fn node(db: &Database, name: &str) -> PgStore {
    PgStore::open(
        &db.url,
        Leases {
            node: name.into(),
            ttl: Duration::from_secs(60),
        },
    )
    .unwrap()
}

/// Takes workshop `id` on `node`, which must succeed.
fn acquire(node: &mut PgStore, id: WorkshopId) -> (Workshop, Vec<Stored>, atelier_server::store::Receipts) {
    match node.acquire(id, true).unwrap() {
        Acquired::Here(found) => *found,
        other => panic!("{} could not take {id}: {other:?}", node.node()),
    }
}

fn events_stored(db: &Database, w: WorkshopId) -> u64 {
    db.query_text(&format!("SELECT count(*) FROM events WHERE workshop = '{w}'"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_workshop_comes_back_whole_with_its_credentials_and_receipts() {
    let db = Database::fresh();
    let mut w = workshop();
    let alice = ParticipantId(Uuid::from_u128(0xA11CE));
    let secret = Secret::generate();
    let mut a = node(&db, "a");
    assert!(a.load().unwrap().workshops.is_empty());
    let key = a.server_key().unwrap();
    a.write(&[created(&w)]).unwrap();
    let admitted = act(
        &mut w,
        Actor::System,
        Command::Admit {
            participant: alice,
            name: "Alice".into(),
            role: Role::Participant,
        },
    );
    a.write(&[
        admitted,
        Record::Credential {
            workshop: w.id,
            credential: Stored::participant(alice, &secret),
        },
    ])
    .unwrap();
    let batch: Vec<Record> = (1..=5).map(|n| post(&mut w, n)).collect();
    a.write(&batch).unwrap();
    drop(a);

    let mut b = node(&db, "b");
    assert_eq!(
        b.server_key().unwrap().to_hex(),
        key.to_hex(),
        "every node derives the same organiser keys"
    );
    assert!(
        b.load().unwrap().workshops.is_empty(),
        "taken when asked for, not at start-up"
    );
    let stored = Stored::participant(alice, &secret);
    assert_eq!(b.locate(&Locate::Code(w.code.clone())).unwrap(), Some(w.id));
    assert_eq!(
        b.locate(&Locate::Credential(stored.to_text())).unwrap(),
        Some(w.id)
    );
    let (loaded, credentials, receipts) = acquire(&mut b, w.id);
    assert_eq!(loaded, w);
    assert_eq!(credentials, vec![stored]);
    let receipts = &receipts;
    assert!(receipts.contains(CommandKey {
        participant: LEAD,
        id: w.seq
    }));
    assert!(!receipts.contains(CommandKey {
        participant: LEAD,
        id: w.seq + 1
    }));
}

#[test]
fn a_batch_is_written_whole_or_not_at_all() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut a = node(&db, "a");
    a.load().unwrap();
    a.write(&[created(&w)]).unwrap();
    let first = post(&mut w, 1);
    a.write(std::slice::from_ref(&first)).unwrap();
    let second = post(&mut w, 2);
    // The same event again (a fork of the history) spoils the batch it is in.
    let error = a.write(&[second, first]).unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert_eq!(events_stored(&db, w.id), 1);
}

#[test]
fn a_second_node_leaves_a_live_nodes_workshops_alone_until_they_are_handed_over() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut a = node(&db, "a");
    a.load().unwrap();
    a.write(&[created(&w), post(&mut w, 1)]).unwrap();

    let mut asked = a.handovers().unwrap();
    let mut b = node(&db, "b");
    assert!(
        matches!(b.acquire(w.id, true).unwrap(), Acquired::Elsewhere),
        "a serves it"
    );
    // `a` hears that `b` wants it (its hub then closes the workshop and releases it).
    let heard = std::thread::spawn(move || asked.blocking_recv()).join().unwrap();
    assert_eq!(heard, Some(w.id));
    a.write(&[post(&mut w, 2)]).unwrap();
    assert!(matches!(
        b.acquire(WorkshopId(Uuid::new_v4()), true).unwrap(),
        Acquired::Absent
    ));

    // A clean stop gives the leases back: no waiting for them to expire.
    drop(a);
    assert_eq!(acquire(&mut b, w.id).0, w);
    b.write(&[post(&mut w, 3)]).unwrap();
    assert_eq!(events_stored(&db, w.id), 3);
}

#[test]
fn a_node_that_lost_its_lease_has_every_write_refused() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut a = node(&db, "a");
    a.load().unwrap();
    a.write(&[created(&w), post(&mut w, 1)]).unwrap();
    // `a` stalls (a long pause, a partition) past its lease; `b` takes over.
    db.execute("UPDATE leases SET expires = now() - interval '1 second'");
    let mut b = node(&db, "b");
    assert_eq!(acquire(&mut b, w.id).0, w, "b reads all a acknowledged");

    // `a` wakes up believing it still serves the workshop, with its own next event.
    let mut stale = w.clone();
    let refused = a.write(&[post(&mut stale, 2)]).unwrap_err();
    assert!(
        matches!(refused, StoreError::NotOwner(id) if id == w.id),
        "{refused}"
    );
    assert!(!refused.is_transient(), "the workshop stops on this node");
    // Even a record that does not collide with b's history is refused.
    let credential = Record::Credential {
        workshop: w.id,
        credential: Stored::participant(LEAD, &Secret::generate()),
    };
    assert!(matches!(a.write(&[credential]), Err(StoreError::NotOwner(_))));
    assert_eq!(events_stored(&db, w.id), 1);

    // The new owner carries on from what was acknowledged.
    b.write(&[post(&mut w, 2)]).unwrap();
    assert_eq!(events_stored(&db, w.id), 2);
    assert!(matches!(
        a.write(&[post(&mut stale, 3)]),
        Err(StoreError::NotOwner(_))
    ));

    // `a`'s other workshops are not affected by the loss of this one.
    let mut other = workshop();
    a.write(&[created(&other), post(&mut other, 1)]).unwrap();
}

#[test]
fn a_node_restarted_under_its_name_takes_its_workshops_back_at_once() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut before = node(&db, "atelier-1");
    before.load().unwrap();
    before.write(&[created(&w), post(&mut w, 1)]).unwrap();
    // `kill -9`: the process is gone without handing anything back, its leases
    // still run for a minute. The same node, started again, does not wait.
    let mut after = node(&db, "atelier-1");
    assert_eq!(acquire(&mut after, w.id).0, w);
    // Were the old process still writing (two processes under one name, by mistake),
    // the epoch fences it off: one history, never two.
    let mut stale = w.clone();
    assert!(matches!(
        before.write(&[post(&mut stale, 2)]),
        Err(StoreError::NotOwner(_))
    ));
    after.write(&[post(&mut w, 2)]).unwrap();
    assert_eq!(events_stored(&db, w.id), 2);
}

#[test]
fn a_deleted_workshop_leaves_nothing_behind_not_even_its_lease() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut a = node(&db, "a");
    a.load().unwrap();
    a.write(&[created(&w), post(&mut w, 1)]).unwrap();
    a.write(&[Record::Deleted { workshop: w.id }]).unwrap();
    for table in ["workshops", "events", "credentials", "receipts", "leases"] {
        assert_eq!(
            db.query_text(&format!("SELECT count(*) FROM {table}")).as_deref(),
            Some("0"),
            "{table}"
        );
    }
}

#[test]
fn a_wrong_address_is_refused_with_advice_and_no_password_shown() {
    let error = PgStore::open(
        "postgres://atelier:hunter2@127.0.0.1:1/atelier",
        Leases {
            node: "a".into(),
            ttl: Duration::from_secs(5),
        },
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("check that PostgreSQL runs"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");
}

#[test]
fn a_node_whose_connection_was_cut_writes_again_on_a_new_one() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut a = node(&db, "a");
    a.write(&[created(&w), post(&mut w, 1)]).unwrap();
    // The database restarts, or a failover moves its address: connections are cut.
    db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    let next = post(&mut w, 2);
    let mut outcome = a.write(std::slice::from_ref(&next));
    if let Err(error) = &outcome {
        // What was in flight is refused as "try again", never as the batch's fault.
        assert!(error.is_transient(), "{error}");
        outcome = a.write(std::slice::from_ref(&next));
    }
    outcome.unwrap();
    assert_eq!(events_stored(&db, w.id), 2);
}

#[test]
fn a_campaign_is_read_whole_whichever_node_serves_each_workshop() {
    let db = Database::fresh();
    let mut first = workshop();
    let mut second = workshop();
    second.campaign = first.campaign;
    let elsewhere = workshop();
    let (mut a, mut b) = (node(&db, "a"), node(&db, "b"));
    a.write(&[created(&first), post(&mut first, 1)]).unwrap();
    b.write(&[created(&second), post(&mut second, 1), post(&mut second, 2)])
        .unwrap();
    a.write(&[created(&elsewhere)]).unwrap();
    let campaign = a.campaign(first.campaign).unwrap();
    assert_eq!(
        campaign,
        vec![first.clone(), second.clone()],
        "both, each as last written"
    );
    // Reading takes nothing: b still serves its workshop.
    b.write(&[post(&mut second, 3)]).unwrap();
}

#[test]
fn a_released_lease_is_free_at_once_and_never_renewed_by_its_former_holder() {
    let db = Database::fresh();
    let w = workshop();
    // Short leases: the heartbeat renews every third of a second.
    let mut a = PgStore::open(
        &db.url,
        Leases {
            node: "a".into(),
            ttl: Duration::from_secs(1),
        },
    )
    .unwrap();
    a.write(&[created(&w)]).unwrap();
    // As the hub does with a new workshop, so that the node the proxy picks takes it.
    a.release(w.id).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let mut b = node(&db, "b");
    assert_eq!(acquire(&mut b, w.id).0, w, "a's heartbeat did not take it back");
    assert!(matches!(
        a.write(&[Record::Deleted { workshop: w.id }]),
        Err(StoreError::NotOwner(_))
    ));
}

#[test]
fn leases_an_earlier_process_left_are_free_when_the_node_starts_again() {
    let db = Database::fresh();
    let mut w = workshop();
    let mut before = node(&db, "atelier-1");
    before.write(&[created(&w), post(&mut w, 1)]).unwrap();
    // Killed: its lease runs for a minute. Started again, it serves nothing yet,
    // and another node asked for the workshop takes it at once.
    std::mem::forget(before);
    let _after = node(&db, "atelier-1");
    let mut other = node(&db, "atelier-2");
    assert_eq!(acquire(&mut other, w.id).0, w);
}

#[test]
fn asking_for_a_workshop_another_node_serves_is_a_choice() {
    let db = Database::fresh();
    let w = workshop();
    let mut a = node(&db, "a");
    a.write(&[created(&w)]).unwrap();
    let mut asked = a.handovers().unwrap();
    let mut b = node(&db, "b");
    assert!(matches!(b.acquire(w.id, false).unwrap(), Acquired::Elsewhere));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        asked.try_recv().is_err(),
        "not asked: a request not routed by it must not move it"
    );
    assert!(matches!(b.acquire(w.id, true).unwrap(), Acquired::Elsewhere));
    let heard = std::thread::spawn(move || asked.blocking_recv()).join().unwrap();
    assert_eq!(heard, Some(w.id));
}
