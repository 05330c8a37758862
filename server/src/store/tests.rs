#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::PathBuf;
use std::sync::{Arc, Barrier, Mutex};

use atelier_shared::ids::{CampaignId, ColumnId, JoinCode, Millis, NoteId, ParticipantId, RoomId, StepId};
use atelier_shared::machine::{NewRoom, NewWorkshop, create};
use atelier_shared::model::{Column, ColumnKind, Settings};
use atelier_shared::protocol::event_json;
use atelier_shared::{Activity, Actor, Colour, Command, Role, Step, Workshop, WorkshopId, apply};
use uuid::Uuid;

use super::sqlite::SqliteStore;
use super::*;

/// A fresh file path in the system's temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new() -> TempFile {
        TempFile(std::env::temp_dir().join(format!("atelier-store-{}.db", Uuid::new_v4())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

pub(crate) const LEAD: ParticipantId = ParticipantId(Uuid::from_u128(0x1EAD));
pub(crate) const ROOM: RoomId = RoomId(Uuid::from_u128(0xA1));
pub(crate) const COLUMN: ColumnId = ColumnId(Uuid::from_u128(0xC1));

pub(crate) fn workshop() -> Workshop {
    create(NewWorkshop {
        id: WorkshopId(Uuid::new_v4()),
        campaign: CampaignId(Uuid::new_v4()),
        origin: None,
        template: "brainstorm-vote".into(),
        code: JoinCode::from_random_bytes([7; JoinCode::LEN]),
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

/// The record of `w` as created.
fn created(w: &Workshop) -> Record {
    Record::Created {
        workshop: Box::new(w.clone()),
    }
}

/// Applies `command` and returns it as the record a store would receive; a
/// member's command gets a receipt numbered after its first event.
fn act(w: &mut Workshop, actor: Actor, command: Command) -> Record {
    let first_seq = w.seq + 1;
    let events = apply(w, actor, command, Millis(1_750_000_001_000)).unwrap();
    let events = events.iter().map(event_json).collect::<Vec<_>>().into();
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
        events,
        command,
    }
}

fn post(w: &mut Workshop, n: u128, text: &str) -> Record {
    act(
        w,
        Actor::Member(LEAD),
        Command::PostNote {
            note: NoteId(Uuid::from_u128(n)),
            room: ROOM,
            column: COLUMN,
            text: text.into(),
            colour: Colour::Green,
            parent: None,
        },
    )
}

#[test]
fn a_workshop_is_rebuilt_exactly_from_its_creation_and_events() {
    let file = TempFile::new();
    let mut w = workshop();
    let creation = created(&w);
    let alice = ParticipantId(Uuid::from_u128(0xA11CE));
    let admitted = act(
        &mut w,
        Actor::System,
        Command::Admit {
            participant: alice,
            name: "Alice".into(),
            role: Role::Participant,
        },
    );
    let first = post(&mut w, 1, "Mobilité en zone rurale");
    let second = post(&mut w, 2, "<b>Épicerie</b> ; 'solidaire' \"ici\"");
    {
        let mut store = SqliteStore::open(&file.0).unwrap();
        store.write(&[creation, admitted]).unwrap();
        store.write(&[first, second]).unwrap();
    }
    let mut reopened = SqliteStore::open(&file.0).unwrap();
    let loaded = reopened.load().unwrap();
    assert_eq!(loaded.workshops, vec![w.clone()]);
    // The lead's two posts (events 2 and 3) left receipts; the system's admission none.
    let receipts = &loaded.receipts[&w.id];
    let key = |id| CommandKey {
        participant: LEAD,
        id,
    };
    assert!(receipts.contains(key(2)) && receipts.contains(key(3)));
    assert!(!receipts.contains(key(1)));
}

#[test]
fn receipts_keep_a_run_of_commands_however_long() {
    let key = |id| CommandKey {
        participant: LEAD,
        id,
    };
    let mut receipts = Receipts::default();
    // A page that sent far more than the window without an ack, then other pages.
    let start = u64::MAX - 3 * Receipts::KEPT as u64;
    for id in start..start + 3 * Receipts::KEPT as u64 {
        receipts.insert(key(id));
    }
    for page in 0..Receipts::KEPT as u64 - 1 {
        receipts.insert(key(page * 1000));
        receipts.insert(key(page * 1000 + 1));
    }
    assert!((start..start + 3 * Receipts::KEPT as u64).all(|id| receipts.contains(key(id))));
    assert!(receipts.contains(key(1001)) && !receipts.contains(key(1002)));
    assert!(!receipts.contains(key(start - 1)), "nothing before the run");
    // One more page: the stalest run goes, the first page's.
    receipts.insert(key(7));
    assert!(!receipts.contains(key(start)));
    assert!(receipts.contains(key(7)) && receipts.contains(key(1000)));
    let other = CommandKey {
        participant: ParticipantId(Uuid::from_u128(0xB0B)),
        id: 1000,
    };
    assert!(!receipts.contains(other), "receipts are per participant");
}

#[test]
fn runs_broken_by_refusals_are_joined_rather_than_forgotten() {
    let key = |id| CommandKey {
        participant: LEAD,
        id,
    };
    let mut receipts = Receipts::default();
    // Every other command refused: a run each, twice the window.
    let accepted: Vec<u64> = (0..2 * Receipts::KEPT as u64).map(|n| 1_000 + 2 * n).collect();
    for &id in &accepted {
        receipts.insert(key(id));
    }
    assert!(
        accepted.iter().all(|&id| receipts.contains(key(id))),
        "none forgotten"
    );
    // Another page, far away: the first page's runs are joined to make room.
    receipts.insert(key(u64::MAX / 2));
    assert!(accepted.iter().all(|&id| receipts.contains(key(id))));
    assert!(receipts.contains(key(u64::MAX / 2)));

    // Pages far apart are not joined: the stalest is forgotten.
    let mut pages = Receipts::default();
    for page in 0..=Receipts::KEPT as u64 {
        pages.insert(key(page * 1_000_000));
    }
    assert!(!pages.contains(key(0)), "the stalest page");
    assert!(!pages.contains(key(500_000)), "nothing between pages");
    assert!(pages.contains(key(1_000_000)) && pages.contains(key(Receipts::KEPT as u64 * 1_000_000)));
}

#[test]
fn receipts_keep_each_participants_latest_commands_even_huge_ids() {
    let file = TempFile::new();
    let mut w = workshop();
    let mut store = SqliteStore::open(&file.0).unwrap();
    store.write(&[created(&w)]).unwrap();
    let mut ids = Vec::new();
    for n in 0..Receipts::KEPT as u128 + 10 {
        let Record::Events {
            workshop,
            first_seq,
            events,
            ..
        } = post(&mut w, n + 1, "note")
        else {
            unreachable!()
        };
        // Ids far past SQLite's signed range, far apart (so each is a run of its
        // own, never joined, and the window is what bounds them).
        let id = u64::MAX - 1_000 * n as u64;
        ids.push(id);
        let command = Some(CommandKey {
            participant: LEAD,
            id,
        });
        store
            .write(&[Record::Events {
                workshop,
                first_seq,
                events,
                command,
            }])
            .unwrap();
    }
    let loaded = store.load().unwrap();
    let receipts = &loaded.receipts[&w.id];
    let kept = |id| {
        receipts.contains(CommandKey {
            participant: LEAD,
            id,
        })
    };
    assert!(ids[..10].iter().all(|&id| !kept(id)), "the oldest are forgotten");
    assert!(ids[10..].iter().all(|&id| kept(id)), "the latest are all kept");
}

#[test]
fn a_deleted_workshop_leaves_nothing_behind() {
    let file = TempFile::new();
    let mut kept = workshop();
    let mut gone = workshop();
    let mut store = SqliteStore::open(&file.0).unwrap();
    let secret = crate::secret::Secret::generate();
    let token =
        |w: &Workshop| crate::secret::Stored::participant(atelier_shared::ParticipantId(w.id.0), &secret);
    for (w, text) in [(&mut kept, "une note gardée"), (&mut gone, "une note effacée")] {
        let creation = created(w);
        let note = post(w, 1, text);
        let credential = Record::Credential {
            workshop: w.id,
            credential: token(w),
        };
        store.write(&[creation, note, credential]).unwrap();
    }
    store.write(&[Record::Deleted { workshop: gone.id }]).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.workshops, vec![kept.clone()]);
    assert_eq!(loaded.credentials, vec![(kept.id, token(&kept))]);
    assert_eq!(loaded.receipts.keys().collect::<Vec<_>>(), vec![&kept.id]);
    // Nor in the files: not in the database's free pages, not in its log.
    let files: String = ["", "-wal"]
        .into_iter()
        .map(|suffix| {
            let mut path = file.0.clone().into_os_string();
            path.push(suffix);
            String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned()
        })
        .collect();
    assert!(files.contains("une note gardée"), "the kept note is on disk");
    assert!(!files.contains("une note effacée"), "the deleted note is not");
}

#[test]
fn a_batch_is_written_whole_or_not_at_all() {
    let file = TempFile::new();
    let mut w = workshop();
    let mut store = SqliteStore::open(&file.0).unwrap();
    store.write(&[created(&w)]).unwrap();
    let kept = w.clone();
    let good = post(&mut w, 1, "gardée ?");
    // The same events twice: the second insert breaks the primary key.
    let error = store.write(&[good.clone(), good]).unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert_eq!(
        store.load().unwrap().workshops,
        vec![kept],
        "nothing of the failed batch stays"
    );
}

#[test]
fn a_gap_in_the_events_is_reported_not_skipped() {
    let file = TempFile::new();
    let mut w = workshop();
    let creation = created(&w);
    let _lost = post(&mut w, 1, "une");
    let after = post(&mut w, 2, "deux");
    let mut store = SqliteStore::open(&file.0).unwrap();
    store.write(&[creation, after]).unwrap();
    let error = store.load().unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("event 2 follows event 0"), "{error}");
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_was() {
    let file = TempFile::new();
    let garbage = b"these are not the droids you are looking for, nor a database".repeat(100);
    std::fs::write(&file.0, &garbage).unwrap();
    let error = SqliteStore::open(&file.0).unwrap_err();
    let message = error.to_string();
    assert!(message.contains(&file.0.display().to_string()), "{message}");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{message}");
    assert_eq!(std::fs::read(&file.0).unwrap(), garbage, "the file is untouched");
}

#[test]
fn a_truncated_store_is_refused_with_a_clear_error() {
    let file = TempFile::new();
    let mut w = workshop();
    {
        let mut store = SqliteStore::open(&file.0).unwrap();
        store.write(&[created(&w)]).unwrap();
        for n in 0..200 {
            let record = post(&mut w, n + 1, &format!("note {n} {}", "x".repeat(200)));
            store.write(&[record]).unwrap();
        }
    }
    let length = std::fs::metadata(&file.0).unwrap().len();
    assert!(
        length > 16 * 1024,
        "the store holds several pages: {length} bytes"
    );
    let file_handle = std::fs::OpenOptions::new().write(true).open(&file.0).unwrap();
    file_handle.set_len(length / 2).unwrap();
    drop(file_handle);
    let outcome = SqliteStore::open(&file.0).and_then(|mut store| store.load());
    let error = outcome.expect_err("a truncated store never loads as if it were complete");
    assert!(
        matches!(error, StoreError::Corrupt { .. }),
        "a damaged file, not a passing glitch: {error}"
    );
}

/// A store whose first write says when it has started and then waits to be let go,
/// and which records how many records each transaction carried.
#[derive(Debug)]
struct Gated {
    entered: Arc<Barrier>,
    release: Arc<Barrier>,
    first: bool,
    batches: Arc<Mutex<Vec<usize>>>,
}

impl Store for Gated {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        if self.first {
            self.first = false;
            self.entered.wait();
            self.release.wait();
        }
        self.batches.lock().unwrap().push(batch.len());
        Ok(())
    }

    fn load(&mut self) -> Result<Loaded, StoreError> {
        Ok(Loaded::default())
    }
}

#[tokio::test]
async fn submissions_that_queue_up_during_a_write_share_the_next_transaction() {
    let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let batches = Arc::new(Mutex::new(Vec::new()));
    let committer = Committer::start(Gated {
        entered: Arc::clone(&entered),
        release: Arc::clone(&release),
        first: true,
        batches: Arc::clone(&batches),
    });
    let record = |n| Record::Events {
        workshop: WorkshopId(Uuid::from_u128(n)),
        first_seq: 1,
        events: Vec::new().into(),
        command: None,
    };
    let first = committer.submit(vec![record(0)]);
    // The writer is inside the first write (a disk flush, say) while 40 more arrive.
    entered.wait();
    let waiting: Vec<_> = (1..=40).map(|n| committer.submit(vec![record(n)])).collect();
    release.wait();
    first.await.unwrap().unwrap();
    for answer in waiting {
        answer.await.unwrap().unwrap();
    }
    let batches = batches.lock().unwrap().clone();
    assert_eq!(batches.iter().sum::<usize>(), 41, "every record written once");
    assert_eq!(
        batches,
        vec![1, 40],
        "the 40 that queued up went in one transaction"
    );
    assert_eq!(committer.stats().transactions.load(Ordering::Relaxed), 2);
    assert_eq!(committer.stats().submissions.load(Ordering::Relaxed), 41);
}

#[tokio::test]
async fn the_committer_answers_once_the_records_are_on_disk() {
    let file = TempFile::new();
    let committer = Committer::start(SqliteStore::open(&file.0).unwrap());
    let mut w = workshop();
    committer.commit(vec![created(&w)]).await.unwrap();
    let record = post(&mut w, 1, "durable");
    committer.commit(vec![record]).await.unwrap();
    // A second connection to the file sees what was acknowledged.
    let loaded = SqliteStore::peek(&file.0).unwrap();
    assert_eq!(loaded.workshops, vec![w]);
}

/// A real store whose first write waits to be let go, so that what is submitted
/// meanwhile shares the next transaction.
#[derive(Debug)]
struct Held<S> {
    inner: S,
    entered: Arc<Barrier>,
    release: Arc<Barrier>,
    first: bool,
}

impl<S: Store> Store for Held<S> {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        if std::mem::replace(&mut self.first, false) {
            self.entered.wait();
            self.release.wait();
        }
        self.inner.write(batch)
    }

    fn load(&mut self) -> Result<Loaded, StoreError> {
        self.inner.load()
    }
}

#[tokio::test]
async fn one_workshops_unwritable_records_fail_no_other_workshop() {
    let file = TempFile::new();
    let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let committer = Committer::start(Held {
        inner: SqliteStore::open(&file.0).unwrap(),
        entered: Arc::clone(&entered),
        release: Arc::clone(&release),
        first: true,
    });
    let mut workshops: Vec<Workshop> = (0..6).map(|_| workshop()).collect();
    let creations = committer.submit(workshops.iter().map(created).collect());
    entered.wait();
    // While the writer is busy, every workshop submits a note; two of them are broken:
    // a sequence number SQLite cannot hold, and events already stored under theirs.
    let mut answers = Vec::new();
    for (n, w) in workshops.iter_mut().enumerate() {
        let mut record = post(w, 1, &format!("note {n}"));
        match n {
            1 => {
                let Record::Events { first_seq, .. } = &mut record else {
                    unreachable!()
                };
                *first_seq = u64::MAX;
            }
            4 => {
                // Its note goes in on its own first: the shared one then repeats it.
                let alone = record.clone();
                answers.push((n, committer.submit(vec![alone])));
            }
            _ => {}
        }
        answers.push((n, committer.submit(vec![record])));
    }
    release.wait();
    creations.await.unwrap().unwrap();
    let mut outcomes = Vec::new();
    for (n, answer) in answers {
        outcomes.push((n, answer.await.unwrap()));
    }
    for (n, outcome) in &outcomes {
        match n {
            1 => {
                let error = outcome.as_ref().unwrap_err();
                assert!(matches!(**error, StoreError::Refused(_)), "{error}");
                assert!(!error.is_transient());
            }
            // The first of workshop 4's two copies is written, the second refused.
            4 => {}
            _ => assert!(outcome.is_ok(), "workshop {n} failed: {outcome:?}"),
        }
    }
    let fours: Vec<bool> = outcomes
        .iter()
        .filter(|(n, _)| *n == 4)
        .map(|(_, o)| o.is_ok())
        .collect();
    assert_eq!(fours, [true, false], "a duplicate is refused, the original kept");
    let loaded = SqliteStore::peek(&file.0).unwrap();
    for (n, w) in workshops.iter().enumerate() {
        let stored = loaded.workshops.iter().find(|s| s.id == w.id).unwrap();
        let expected = usize::from(n != 1);
        assert_eq!(stored.notes.len(), expected, "workshop {n}");
    }
}
