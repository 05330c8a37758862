//! Damage the store can meet on disk, and what opening it says.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

use atelier_shared::ids::{Millis, NoteId, ParticipantId, RoomId};
use atelier_shared::protocol::event_json;
use atelier_shared::{Actor, Colour, Command, Workshop, apply};
use uuid::Uuid;

use super::sqlite::SqliteStore;
use super::{Record, Store, StoreError};

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("atelier-integrity-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("atelier.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

const LEAD: ParticipantId = ParticipantId(Uuid::from_u128(0x1EAD));
const ROOM: RoomId = RoomId(Uuid::from_u128(0xA1));

fn workshop() -> Workshop {
    super::tests::workshop()
}

fn post(w: &mut Workshop, n: u128, text: &str) -> Record {
    let first_seq = w.seq + 1;
    let command = Command::PostNote {
        note: NoteId(Uuid::from_u128(n)),
        room: ROOM,
        column: w.columns[0].id,
        text: text.into(),
        colour: Colour::Green,
        parent: None,
    };
    let events = apply(w, Actor::Member(LEAD), command, Millis(1_750_000_001_000)).unwrap();
    Record::Events {
        workshop: w.id,
        first_seq,
        events: events.iter().map(event_json).collect::<Vec<_>>().into(),
        command: None,
    }
}

/// A store with a workshop and `notes` notes, each written in its own transaction,
/// left open (its log not yet folded into the database).
fn filled(path: &Path, notes: u128) -> (SqliteStore, Workshop) {
    let mut w = workshop();
    let mut store = SqliteStore::open(path).unwrap();
    store
        .write(&[Record::Created {
            workshop: Box::new(w.clone()),
        }])
        .unwrap();
    for n in 1..=notes {
        let record = post(&mut w, n, &format!("note numéro {n}"));
        store.write(&[record]).unwrap();
    }
    (store, w)
}

/// The files of a store as a crash would leave them: copied while it is open.
fn crash_copy(from: &Path, to: &TempDir) -> PathBuf {
    for suffix in ["", "-wal"] {
        std::fs::copy(with_suffix(from, suffix), with_suffix(&to.db(), suffix)).unwrap();
    }
    to.db()
}

fn refused(path: &Path) -> StoreError {
    SqliteStore::open(path)
        .and_then(|mut store| store.load())
        .expect_err("this store must not open")
}

#[test]
fn an_empty_file_where_the_store_was_is_refused_not_written_over() {
    for with_log in [false, true] {
        let dir = TempDir::new();
        let (store, _) = filled(&dir.db(), 3);
        let copy = TempDir::new();
        crash_copy(&dir.db(), &copy);
        drop(store);
        std::fs::write(copy.db(), b"").unwrap();
        if !with_log {
            std::fs::remove_file(with_suffix(&copy.db(), "-wal")).unwrap();
        }
        let error = refused(&copy.db());
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        assert!(error.to_string().contains("empty"), "{error}");
        assert_eq!(std::fs::metadata(copy.db()).unwrap().len(), 0, "left as it was");
    }
}

#[test]
fn a_log_without_its_database_is_refused() {
    let dir = TempDir::new();
    let (_store, _) = filled(&dir.db(), 3);
    let copy = TempDir::new();
    crash_copy(&dir.db(), &copy);
    std::fs::remove_file(copy.db()).unwrap();
    let error = refused(&copy.db());
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("write-ahead log"), "{error}");
    assert!(!copy.db().exists(), "no new store made over the log");
}

#[test]
fn a_damaged_byte_in_the_log_is_refused_rather_than_dropping_what_follows() {
    let dir = TempDir::new();
    let (_store, w) = filled(&dir.db(), 40);

    // As the crash left it, the store opens whole.
    let intact = TempDir::new();
    let mut store = SqliteStore::open(&crash_copy(&dir.db(), &intact)).unwrap();
    assert_eq!(store.load().unwrap().workshops, vec![w.clone()]);

    // One byte changed in the log's fifth frame: SQLite alone would open the store
    // with the notes after it silently gone.
    let damaged = TempDir::new();
    let path = crash_copy(&dir.db(), &damaged);
    let log_path = with_suffix(&path, "-wal");
    let mut log = std::fs::read(&log_path).unwrap();
    let page = u32::from_be_bytes([log[8], log[9], log[10], log[11]]) as usize;
    let at = 32 + 4 * (24 + page) + 24 + page / 2;
    log[at] ^= 0x20;
    std::fs::write(&log_path, &log).unwrap();
    let error = refused(&path);
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(
        error.to_string().contains("frame 5 of the write-ahead log"),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&log_path).unwrap(),
        log,
        "the log is left as it was"
    );
}

#[test]
fn a_changed_character_in_a_stored_note_is_refused() {
    let dir = TempDir::new();
    let (store, _) = filled(&dir.db(), 5);
    // Closing folds the log into the database file, where the note's text lies.
    drop(store);
    assert!(!with_suffix(&dir.db(), "-wal").exists());
    let mut bytes = std::fs::read(dir.db()).unwrap();
    let text = "note numéro 3".as_bytes();
    let at = bytes.windows(text.len()).position(|w| w == text).unwrap();
    bytes[at] = b'v'; // "vote numéro 3": SQLite's own checks cannot see it
    std::fs::write(dir.db(), &bytes).unwrap();
    let error = refused(&dir.db());
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("changed on disk"), "{error}");
}

#[test]
fn a_store_in_use_by_another_process_is_refused() {
    let dir = TempDir::new();
    let (_store, _) = filled(&dir.db(), 1);
    let error = SqliteStore::open(&dir.db()).unwrap_err();
    assert!(matches!(error, StoreError::InUse { .. }), "{error}");
    assert!(error.to_string().contains("another Atelier"), "{error}");
}

#[test]
fn a_store_of_the_first_schema_is_upgraded_keeps_its_workshops_and_forgets_clear_tokens() {
    use crate::secret::{Secret, Stored};
    let dir = TempDir::new();
    let (lead_secret, organiser_secret) = (Secret::generate(), Secret::generate());
    let clear = [
        lead_secret.token_for(LEAD).0,
        format!("organiser.{}", organiser_secret.hex()),
    ];
    let mut w = workshop();
    let created = w.clone();
    let note = post(&mut w, 1, "écrite avant les sommes");
    {
        // The schema as the first release wrote it, with no version and no sums.
        let old = rusqlite::Connection::open(dir.db()).unwrap();
        old.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE workshops (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, created TEXT NOT NULL);
             CREATE TABLE events (workshop TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
                 PRIMARY KEY (workshop, seq)) WITHOUT ROWID;
             CREATE TABLE credentials (participant_token TEXT PRIMARY KEY, workshop TEXT NOT NULL);
             CREATE TABLE receipts (workshop TEXT NOT NULL, participant TEXT NOT NULL, command INTEGER NOT NULL,
                 seq INTEGER NOT NULL, PRIMARY KEY (workshop, participant, command)) WITHOUT ROWID;",
        )
        .unwrap();
        old.execute(
            "INSERT INTO workshops (id, created) VALUES (?1, ?2)",
            (w.id.to_string(), serde_json::to_string(&created).unwrap()),
        )
        .unwrap();
        let Record::Events { events, .. } = note else {
            unreachable!()
        };
        old.execute(
            "INSERT INTO events (workshop, seq, event) VALUES (?1, 1, ?2)",
            (w.id.to_string(), &events[0]),
        )
        .unwrap();
        for token in &clear {
            old.execute(
                "INSERT INTO credentials (participant_token, workshop) VALUES (?1, ?2)",
                (token, w.id.to_string()),
            )
            .unwrap();
        }
    }
    let mut store = SqliteStore::open(&dir.db()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.workshops, vec![w.clone()]);
    // The credentials are digests now, each proving the secret it replaced.
    let mut stored: Vec<_> = loaded.credentials.iter().map(|(_, s)| s.clone()).collect();
    stored.sort_by_key(|s| matches!(s, Stored::Organiser(_)));
    let [Stored::Participant(who, lead), Stored::Organiser(organiser)] = &stored[..] else {
        panic!("{stored:?}")
    };
    assert_eq!(*who, LEAD);
    assert!(lead.proves(&lead_secret) && organiser.proves(&organiser_secret));
    let more = post(&mut w, 2, "écrite après");
    store.write(&[more]).unwrap();
    assert_eq!(store.load().unwrap().workshops, vec![w]);
    drop(store);
    let version = number(
        &rusqlite::Connection::open(dir.db()).unwrap(),
        "PRAGMA user_version",
    );
    assert_eq!(version, super::sqlite::VERSION);
    // Nowhere in the files is a secret left, not even in free pages.
    for suffix in ["", "-wal"] {
        let bytes = std::fs::read(with_suffix(&dir.db(), suffix)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [&lead_secret, &organiser_secret] {
            assert!(
                !text.contains(&secret.hex()),
                "a secret is left in atelier.db{suffix}"
            );
        }
    }
}

#[test]
fn a_newer_schema_is_refused_with_what_to_do() {
    let dir = TempDir::new();
    drop(filled(&dir.db(), 1));
    rusqlite::Connection::open(dir.db())
        .unwrap()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    let error = refused(&dir.db());
    assert!(error.to_string().contains("version 7"), "{error}");
    assert!(error.to_string().contains("newer Atelier"), "{error}");
}

/// A store as version 2 wrote it: a row per event, a row per receipt, text keys.
fn version_two(path: &Path, w: &Workshop, created: &Workshop, events: &[String], receipt_seq: i64) {
    let old = rusqlite::Connection::open(path).unwrap();
    old.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE workshops (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, created TEXT NOT NULL, sum INTEGER);
         CREATE TABLE events (workshop TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, sum INTEGER,
             PRIMARY KEY (workshop, seq)) WITHOUT ROWID;
         CREATE TABLE credentials (participant_token TEXT PRIMARY KEY, workshop TEXT NOT NULL, sum INTEGER);
         CREATE TABLE receipts (workshop TEXT NOT NULL, participant TEXT NOT NULL, command INTEGER NOT NULL,
             seq INTEGER NOT NULL, PRIMARY KEY (workshop, participant, command)) WITHOUT ROWID;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    let (id, json, check) = super::created_fields(created).unwrap();
    old.execute(
        "INSERT INTO workshops (id, created, sum) VALUES (?1, ?2, ?3)",
        (&id, json, check),
    )
    .unwrap();
    for (seq, event) in (1..).zip(events) {
        old.execute(
            "INSERT INTO events (workshop, seq, event, sum) VALUES (?1, ?2, ?3, ?4)",
            (&id, seq, event, super::event_sum(&id, seq, event)),
        )
        .unwrap();
    }
    old.execute(
        "INSERT INTO receipts (workshop, participant, command, seq) VALUES (?1, ?2, ?3, ?4)",
        (w.id.to_string(), LEAD.to_string(), -7_i64, receipt_seq),
    )
    .unwrap();
}

/// The one number `sql` answers.
fn number(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0)).unwrap()
}

fn events_of(record: Record) -> Vec<String> {
    let Record::Events { events, .. } = record else {
        unreachable!()
    };
    events.to_vec()
}

#[test]
fn a_version_two_store_becomes_a_log_of_commands_with_its_receipts() {
    let dir = TempDir::new();
    let mut w = workshop();
    let created = w.clone();
    let mut events = events_of(post(&mut w, 1, "une"));
    events.extend(events_of(post(&mut w, 2, "deux")));
    version_two(&dir.db(), &w, &created, &events, 2);

    let mut store = SqliteStore::open(&dir.db()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.workshops, vec![w.clone()]);
    let key = super::CommandKey {
        participant: LEAD,
        id: (-7_i64).cast_unsigned(),
    };
    assert!(loaded.receipts[&w.id].contains(key), "the receipt came along");
    // The next command follows on, and a repeat of the last is refused.
    let third = post(&mut w, 3, "trois");
    let mut repeat = third.clone();
    store.write(&[third]).unwrap();
    if let Record::Events { first_seq, .. } = &mut repeat {
        *first_seq = 2;
    }
    assert!(matches!(store.write(&[repeat]), Err(StoreError::Refused(_))));
    assert_eq!(store.load().unwrap().workshops, vec![w]);
    drop(store);
    let db = rusqlite::Connection::open(dir.db()).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, ["commands", "credentials", "workshops"]);
    assert_eq!(number(&db, "SELECT count(*) FROM commands"), 3);
}

#[test]
fn a_damaged_row_stops_the_upgrade_and_leaves_version_two_as_it_was() {
    let dir = TempDir::new();
    let mut w = workshop();
    let created = w.clone();
    let events = events_of(post(&mut w, 1, "une"));
    version_two(&dir.db(), &w, &created, &events, 1);
    {
        let old = rusqlite::Connection::open(dir.db()).unwrap();
        old.execute("UPDATE events SET event = replace(event, 'une', 'Une')", [])
            .unwrap();
    }
    let error = refused(&dir.db());
    assert!(error.to_string().contains("changed on disk"), "{error}");
    let db = rusqlite::Connection::open(dir.db()).unwrap();
    assert_eq!(number(&db, "PRAGMA user_version"), 2, "rolled back whole");
    assert_eq!(number(&db, "SELECT count(*) FROM events"), 1);
}

#[test]
fn a_missing_event_stops_the_upgrade_before_anything_is_rewritten() {
    let dir = TempDir::new();
    let mut w = workshop();
    let created = w.clone();
    let mut events = events_of(post(&mut w, 1, "une"));
    events.extend(events_of(post(&mut w, 2, "deux")));
    events.extend(events_of(post(&mut w, 3, "trois")));
    version_two(&dir.db(), &w, &created, &events, 1);
    {
        let old = rusqlite::Connection::open(dir.db()).unwrap();
        old.execute("DELETE FROM events WHERE seq = 2", []).unwrap();
    }
    let error = refused(&dir.db());
    assert!(error.to_string().contains("event 3 follows event 1"), "{error}");
    let db = rusqlite::Connection::open(dir.db()).unwrap();
    assert_eq!(number(&db, "PRAGMA user_version"), 2, "left as it was");
}
