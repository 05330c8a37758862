//! The embedded store: one SQLite file in write-ahead-log mode with `synchronous =
//! FULL`, so a committed transaction survives a crash of the process or the machine.
//! Rows hold JSON (the protocol's own serialisation), readable with any SQLite tool,
//! each with a checksum. Opening checks what SQLite cannot: an empty file, a log
//! without its database, a damaged log (see `wal`), another process on the files.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use atelier_shared::{ParticipantId, WorkshopId};
use rusqlite::{Connection, params};

use super::schema::{Migration, create, migrate};
use super::sqlite_errors::{classify, io_error, opening};
use super::{
    CommandKey, Loaded, Receipts, Record, Store, StoreError, created_fields, created_row, credential_fields,
    credential_row, event_row, event_sum, replay, wal,
};

/// The store's file in the data directory.
pub const STORE_FILE: &str = "atelier.db";

#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
    /// Held while the store is open: a second process on the same files is refused.
    _lock: File,
}

/// The schema's version, in SQLite's `user_version`. 0: the first schema; 1: each
/// row carries a checksum of what it holds (`sum`, NULL for rows written before);
/// 2: credentials are digests, never tokens (earlier rows are rewritten).
pub const VERSION: i64 = 2;

/// Everything stored about one workshop.
const DELETE_WORKSHOP: [&str; 4] = [
    "DELETE FROM workshops WHERE id = ?1",
    "DELETE FROM events WHERE workshop = ?1",
    "DELETE FROM credentials WHERE workshop = ?1",
    "DELETE FROM receipts WHERE workshop = ?1",
];

/// The checksum a row is stored with: CRC-32 of its fields, each followed by a NUL.
/// It catches a byte changed on disk that SQLite's own checks cannot see (inside a
/// row's text); it is no defence against someone who can write the file.
pub(super) fn sum(fields: &[&[u8]]) -> i64 {
    let mut crc = crc32fast::Hasher::new();
    for field in fields {
        crc.update(field);
        crc.update(&[0]);
    }
    i64::from(crc.finalize())
}

/// `path` with `suffix` added to its file name (`atelier.db` → `atelier.db-wal`).
pub(super) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Takes the lock of the store at `path` (`atelier.db.lock`, made private), held as
/// long as the file returned is open; `None` if another process holds it.
pub(super) fn lock(path: &Path) -> std::io::Result<Option<File>> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(beside(path, ".lock"))?;
    match lock.try_lock() {
        Ok(()) => Ok(Some(lock)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Makes a file or directory private to the user running Atelier.
#[cfg(unix)]
pub(super) fn private(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
pub(super) fn private(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`, refusing with the right advice (and
    /// leaving every file as it is) when it is damaged, cannot be written, or is in
    /// use by another process. A new store is made whole under another name and then
    /// renamed, so an empty `atelier.db` can only be damage: it is refused, never
    /// taken for a new store.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let shown = path.display().to_string();
        let corrupt = |reason: String| StoreError::Corrupt {
            path: shown.clone(),
            reason,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(&shown, &e))?;
            private(dir, 0o700).map_err(|e| io_error(&shown, &e))?;
        }
        let Some(lock) = lock(path).map_err(|e| io_error(&shown, &e))? else {
            return Err(StoreError::InUse { path: shown });
        };
        let wal = beside(path, "-wal");
        match std::fs::metadata(path) {
            Ok(file) if file.len() == 0 => {
                return Err(corrupt(
                    "the file is empty, where a store always holds at least its schema".into(),
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let restoring = beside(path, super::backup::RESTORING);
                if restoring.exists() {
                    return Err(StoreError::Open {
                        path: shown,
                        reason: format!(
                            "it is missing and {} is there: a restore was interrupted. Run \
                             `atelier restore` again with the same backup file (the store it \
                             replaced is kept beside, as atelier.db.before-restore-…)",
                            restoring.display()
                        ),
                    });
                }
                if std::fs::metadata(&wal).is_ok_and(|log| log.len() > 0) {
                    return Err(corrupt(format!(
                        "the file is missing but its write-ahead log {} is there",
                        wal.display()
                    )));
                }
                create(path).map_err(|e| opening(&shown, e))?;
            }
            Err(e) => return Err(io_error(&shown, &e)),
        }
        match std::fs::read(&wal) {
            Ok(log) => wal::check(&log).map_err(|damage| corrupt(damage.to_string()))?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&shown, &e)),
        }
        let connection = Connection::open(path).map_err(|e| opening(&shown, e))?;
        let check: String = connection
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(|e| opening(&shown, e))?;
        if check != "ok" {
            return Err(corrupt(check));
        }
        connection
            // `secure_delete`: what is deleted (a deleted workshop, a credential the
            // upgrade replaced by its digest) is overwritten, not left in free pages.
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
            .map_err(|e| opening(&shown, e))?;
        migrate(&connection).map_err(|e| match e {
            Migration::Newer(version) => StoreError::Open {
                path: shown.clone(),
                reason: format!(
                    "its schema is version {version}, newer than this Atelier's ({VERSION}): run the newer Atelier"
                ),
            },
            Migration::Failed(e) => opening(&shown, e),
        })?;
        Ok(SqliteStore {
            connection,
            path: path.to_owned(),
            _lock: lock,
        })
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// What another connection to an open store reads (tests: what a committer
    /// acknowledged is on disk). SQLite's own locking keeps the two consistent.
    #[cfg(test)]
    pub(super) fn peek(path: &Path) -> Result<Loaded, StoreError> {
        let lock = File::open(beside(path, ".lock")).map_err(|e| io_error("test", &e))?;
        let connection = Connection::open(path).map_err(|e| opening("test", e))?;
        SqliteStore {
            connection,
            path: path.to_owned(),
            _lock: lock,
        }
        .load()
    }
}

impl Store for SqliteStore {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        let failed = classify;
        let transaction = self.connection.transaction().map_err(failed)?;
        {
            let mut created = transaction
                .prepare_cached("INSERT INTO workshops (id, created, sum) VALUES (?1, ?2, ?3)")
                .map_err(failed)?;
            let mut appended = transaction
                .prepare_cached("INSERT INTO events (workshop, seq, event, sum) VALUES (?1, ?2, ?3, ?4)")
                .map_err(failed)?;
            let mut issued = transaction
                .prepare_cached(
                    "INSERT INTO credentials (participant_token, workshop, sum) VALUES (?1, ?2, ?3)",
                )
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
                        let (id, json, check) = created_fields(workshop)?;
                        created.execute(params![id, json, check]).map_err(failed)?;
                    }
                    Record::Events {
                        workshop,
                        first_seq,
                        events,
                        command,
                    } => {
                        let first = i64::try_from(*first_seq)
                            .map_err(|e| StoreError::Refused(format!("sequence number {first_seq}: {e}")))?;
                        let id = workshop.to_string();
                        for (seq, json) in (first..).zip(events.iter()) {
                            let check = event_sum(&id, seq, json);
                            appended.execute(params![id, seq, json, check]).map_err(failed)?;
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
                    Record::Credential { workshop, credential } => {
                        let (stored, id, check) = credential_fields(*workshop, credential);
                        issued.execute(params![stored, id, check]).map_err(failed)?;
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
            .prepare("SELECT id, created, sum FROM workshops ORDER BY position")
            .map_err(|e| corrupt(e.to_string()))?;
        let mut events = self
            .connection
            .prepare("SELECT seq, event, sum FROM events WHERE workshop = ?1 ORDER BY seq")
            .map_err(|e| corrupt(e.to_string()))?;
        let rows = workshops
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })
            .map_err(|e| corrupt(e.to_string()))?;
        let mut loaded = Vec::new();
        for row in rows {
            let (id, created, check) = row.map_err(|e| corrupt(e.to_string()))?;
            let workshop = created_row(&id, &created, check).map_err(corrupt)?;
            let stored = events
                .query_map([&id], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<i64>>(2)?,
                    ))
                })
                .map_err(|e| corrupt(e.to_string()))?
                .map(|row| {
                    let (seq, json, check) = row.map_err(|e| corrupt(e.to_string()))?;
                    event_row(&id, seq, &json, check).map_err(corrupt)
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            loaded.push(replay(workshop, stored, &path)?);
        }
        let mut tokens = self
            .connection
            .prepare("SELECT participant_token, workshop, sum FROM credentials")
            .map_err(|e| corrupt(e.to_string()))?;
        let credentials = tokens
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })
            .map_err(|e| corrupt(e.to_string()))?
            .map(|row| {
                let (token, workshop, check) = row.map_err(|e| corrupt(e.to_string()))?;
                let credential = credential_row(&token, &workshop, check).map_err(corrupt)?;
                let workshop: WorkshopId = workshop
                    .parse()
                    .map_err(|_| corrupt(format!("workshop id {workshop}")))?;
                Ok(credential.map(|credential| (workshop, credential)))
            })
            .filter_map(Result::transpose)
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
