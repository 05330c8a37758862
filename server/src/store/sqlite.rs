//! The embedded store: one SQLite file in write-ahead-log mode with `synchronous =
//! FULL`, so a committed transaction survives a crash of the process or the machine.
//! Rows hold JSON (the protocol's own serialisation), readable with any SQLite tool.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use atelier_shared::protocol::Token;
use atelier_shared::{Event, ParticipantId, Workshop, WorkshopId};
use rusqlite::{Connection, params};

use super::{CommandKey, Loaded, Receipts, Record, Store, StoreError, replay};

#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS workshops (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS events (
        workshop TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (workshop, seq)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS credentials (
        participant_token TEXT PRIMARY KEY,
        workshop TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS receipts (
        workshop TEXT NOT NULL,
        participant TEXT NOT NULL,
        command INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (workshop, participant, command)
    ) WITHOUT ROWID;
";

/// Everything stored about one workshop.
const DELETE_WORKSHOP: [&str; 4] = [
    "DELETE FROM workshops WHERE id = ?1",
    "DELETE FROM events WHERE workshop = ?1",
    "DELETE FROM credentials WHERE workshop = ?1",
    "DELETE FROM receipts WHERE workshop = ?1",
];

impl SqliteStore {
    /// Opens (or creates) the store at `path`. A file that is not a sound SQLite
    /// database is refused with a clear error and left as it is.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let shown = path.display().to_string();
        let open_error = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            path: shown.clone(),
            reason,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| open_error(e.to_string()))?;
        }
        let connection = Connection::open(path).map_err(|e| open_error(e.to_string()))?;
        let check: String = connection
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        if check != "ok" {
            return Err(corrupt(check));
        }
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            .map_err(|e| open_error(e.to_string()))?;
        connection
            .execute_batch(SCHEMA)
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(SqliteStore {
            connection,
            path: path.to_owned(),
        })
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }
}

/// Whether a failed statement is the fault of what it writes (refused for good) or of
/// the store's situation (a full disk, an I/O error, a read-only file, a lock: it may
/// succeed later).
fn classify(error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{ConstraintViolation, TooBig, TypeMismatch};
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(failure.code, ConstraintViolation | TooBig | TypeMismatch) =>
        {
            StoreError::Refused(error.to_string())
        }
        rusqlite::Error::ToSqlConversionFailure(_) | rusqlite::Error::IntegralValueOutOfRange(..) => {
            StoreError::Refused(error.to_string())
        }
        _ => StoreError::Unavailable(error.to_string()),
    }
}

impl Store for SqliteStore {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        let failed = classify;
        let transaction = self.connection.transaction().map_err(failed)?;
        {
            let mut created = transaction
                .prepare_cached("INSERT INTO workshops (id, created) VALUES (?1, ?2)")
                .map_err(failed)?;
            let mut appended = transaction
                .prepare_cached("INSERT INTO events (workshop, seq, event) VALUES (?1, ?2, ?3)")
                .map_err(failed)?;
            let mut issued = transaction
                .prepare_cached("INSERT INTO credentials (participant_token, workshop) VALUES (?1, ?2)")
                .map_err(failed)?;
            // A client that reuses an id only makes its own command look re-sent: it
            // must never fail the batch, hence `OR REPLACE`.
            let mut received = transaction
                .prepare_cached(
                    "INSERT OR REPLACE INTO receipts (workshop, participant, command, seq) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(failed)?;
            for record in batch {
                match record {
                    Record::Created { workshop } => {
                        let json = serde_json::to_string(workshop)
                            .map_err(|e| StoreError::Refused(e.to_string()))?;
                        created
                            .execute(params![workshop.id.to_string(), json])
                            .map_err(failed)?;
                    }
                    Record::Events {
                        workshop,
                        first_seq,
                        events,
                        command,
                    } => {
                        let first = i64::try_from(*first_seq)
                            .map_err(|e| StoreError::Refused(format!("sequence number {first_seq}: {e}")))?;
                        for (seq, json) in (first..).zip(events) {
                            appended
                                .execute(params![workshop.to_string(), seq, json])
                                .map_err(failed)?;
                        }
                        if let Some(key) = command {
                            // Stored as SQLite's signed integer, bit for bit.
                            let id = key.id.cast_signed();
                            received
                                .execute(params![
                                    workshop.to_string(),
                                    key.participant.to_string(),
                                    id,
                                    first
                                ])
                                .map_err(failed)?;
                        }
                    }
                    Record::Credential { workshop, token } => {
                        issued
                            .execute(params![token.0, workshop.to_string()])
                            .map_err(failed)?;
                    }
                    Record::Deleted { workshop } => {
                        let id = workshop.to_string();
                        for sql in DELETE_WORKSHOP {
                            transaction
                                .prepare_cached(sql)
                                .and_then(|mut statement| statement.execute([&id]))
                                .map_err(failed)?;
                        }
                    }
                }
            }
        }
        transaction.commit().map_err(failed)
    }

    fn load(&mut self) -> Result<Loaded, StoreError> {
        let path = self.shown();
        let corrupt = |reason: String| StoreError::Corrupt {
            path: path.clone(),
            reason,
        };
        let mut workshops = self
            .connection
            .prepare("SELECT id, created FROM workshops ORDER BY position")
            .map_err(|e| corrupt(e.to_string()))?;
        let mut events = self
            .connection
            .prepare("SELECT seq, event FROM events WHERE workshop = ?1 ORDER BY seq")
            .map_err(|e| corrupt(e.to_string()))?;
        let rows = workshops
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
            .map_err(|e| corrupt(e.to_string()))?;
        let mut loaded = Vec::new();
        for row in rows {
            let (id, created) = row.map_err(|e| corrupt(e.to_string()))?;
            let workshop: Workshop =
                serde_json::from_str(&created).map_err(|e| corrupt(format!("workshop {id}: {e}")))?;
            let stored = events
                .query_map([&id], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))
                .map_err(|e| corrupt(e.to_string()))?
                .map(|row| {
                    let (seq, json) = row.map_err(|e| corrupt(e.to_string()))?;
                    let event: Event = serde_json::from_str(&json)
                        .map_err(|e| corrupt(format!("workshop {id}, event {seq}: {e}")))?;
                    let seq = u64::try_from(seq).map_err(|e| corrupt(e.to_string()))?;
                    Ok((seq, event))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            loaded.push(replay(workshop, stored, &path)?);
        }
        let mut tokens = self
            .connection
            .prepare("SELECT participant_token, workshop FROM credentials")
            .map_err(|e| corrupt(e.to_string()))?;
        let credentials = tokens
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
            .map_err(|e| corrupt(e.to_string()))?
            .map(|row| {
                let (token, workshop) = row.map_err(|e| corrupt(e.to_string()))?;
                let workshop: WorkshopId = workshop
                    .parse()
                    .map_err(|_| corrupt(format!("workshop id {workshop}")))?;
                Ok((workshop, Token(token)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut receipts: HashMap<WorkshopId, Receipts> = HashMap::new();
        let mut stored = self
            .connection
            .prepare("SELECT workshop, participant, command FROM receipts ORDER BY workshop, seq")
            .map_err(|e| corrupt(e.to_string()))?;
        let rows = stored
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| corrupt(e.to_string()))?;
        for row in rows {
            let (workshop, participant, id) = row.map_err(|e| corrupt(e.to_string()))?;
            let workshop: WorkshopId = workshop
                .parse()
                .map_err(|_| corrupt(format!("workshop id {workshop}")))?;
            let participant: ParticipantId = participant
                .parse()
                .map_err(|_| corrupt(format!("participant id {participant}")))?;
            receipts.entry(workshop).or_default().insert(CommandKey {
                participant,
                id: id.cast_unsigned(),
            });
        }
        Ok(Loaded {
            workshops: loaded,
            credentials,
            receipts,
        })
    }
}
