//! The embedded store: one SQLite file in write-ahead-log mode with `synchronous =
//! FULL`, so a committed transaction survives a crash of the process or the machine.
//! Rows hold JSON (the protocol's own serialisation), readable with any SQLite tool,
//! each with a checksum. Commands are a log, one row each, only ever appended (see
//! `schema`). Opening checks what SQLite cannot: an empty file, a log
//! without its database, a damaged log (see `wal`), another process on the files.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use atelier_shared::{Event, ParticipantId, WorkshopId};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::schema::{Migration, create, migrate};
use super::sqlite_errors::{classify, io_error, opening};
use super::{
    CommandKey, Loaded, Receipts, Record, Store, StoreError, created_fields, created_row, credential_fields,
    credential_row, decode_event, replay, wal,
};

/// The store's file in the data directory.
pub const STORE_FILE: &str = "atelier.db";

#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
    /// The last sequence number written of each workshop this process has written
    /// or loaded: events that do not come after it are refused (the log has no
    /// key on them to refuse a repeat).
    written: HashMap<WorkshopId, u64>,
    /// Held while the store is open: a second process on the same files is refused.
    _lock: File,
}

/// The schema's version, in SQLite's `user_version`. 0: the first schema; 1: each
/// row carries a checksum of what it holds (`sum`, NULL for rows written before);
/// 2: credentials are digests, never tokens (earlier rows are rewritten); 3: one row
/// per command, with its receipt, keyed by binary ids, in a log only appended to.
pub const VERSION: i64 = 3;

/// Appends a command's row to the log (`statement`: [`APPEND_COMMAND`], prepared),
/// with its checksum: by a write, and by the upgrade that made the log.
pub(super) fn append_command(
    statement: &mut rusqlite::Statement<'_>,
    workshop: &[u8; 16],
    seq: i64,
    events: &str,
    receipt: Option<CommandKey>,
) -> rusqlite::Result<()> {
    let check = command_sum(workshop, seq, events, receipt);
    statement.execute(params![
        &workshop[..],
        seq,
        events,
        receipt.map(|key| key.participant.0.as_bytes().to_vec()),
        // Stored as SQLite's signed integer, bit for bit.
        receipt.map(|key| key.id.cast_signed()),
        check
    ])?;
    Ok(())
}

/// The statement [`append_command`] runs.
pub(super) const APPEND_COMMAND: &str =
    "INSERT INTO commands (workshop, seq, events, participant, command, sum) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// The checksum of a command's row: its workshop (16 bytes), first sequence number,
/// events, and receipt.
pub(super) fn command_sum(workshop: &[u8; 16], seq: i64, events: &str, receipt: Option<CommandKey>) -> i64 {
    let seq = seq.to_le_bytes();
    let (participant, id) = receipt.map_or(([0; 16], [0; 8]), |key| {
        (*key.participant.0.as_bytes(), key.id.to_le_bytes())
    });
    sum(&[workshop, &seq, events.as_bytes(), &participant, &id])
}

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
            written: HashMap::new(),
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
            written: HashMap::new(),
            _lock: lock,
        }
        .load()
    }
}

impl Store for SqliteStore {
    fn write(&mut self, batch: &[Record]) -> Result<(), StoreError> {
        let failed = classify;
        // The last sequence numbers this batch writes, and the workshops it deletes:
        // kept once it is committed.
        let mut written: HashMap<WorkshopId, u64> = HashMap::new();
        let mut deleted = Vec::new();
        let transaction = self.connection.transaction().map_err(failed)?;
        {
            let mut created = transaction
                .prepare_cached("INSERT INTO workshops (id, created, sum) VALUES (?1, ?2, ?3)")
                .map_err(failed)?;
            let mut appended = transaction.prepare_cached(APPEND_COMMAND).map_err(failed)?;
            let mut issued = transaction
                .prepare_cached(
                    "INSERT INTO credentials (participant_token, workshop, sum) VALUES (?1, ?2, ?3)",
                )
                .map_err(failed)?;
            for record in batch {
                match record {
                    Record::Created { workshop } => {
                        let (id, json, check) = created_fields(workshop)?;
                        created.execute(params![id, json, check]).map_err(failed)?;
                        written.insert(workshop.id, workshop.seq);
                    }
                    Record::Events {
                        workshop,
                        first_seq,
                        events,
                        command,
                    } => {
                        let first = i64::try_from(*first_seq)
                            .map_err(|e| StoreError::Refused(format!("sequence number {first_seq}: {e}")))?;
                        let last = written.get(workshop).or_else(|| self.written.get(workshop));
                        if let Some(last) = last.filter(|last| *first_seq <= **last) {
                            return Err(StoreError::Refused(format!(
                                "workshop {workshop}: event {first_seq} written again (the last was {last})"
                            )));
                        }
                        // A receipt alone (a command that changed nothing) names the
                        // event it would have made, and none is written.
                        if !events.is_empty() {
                            written.insert(*workshop, first_seq + events.len() as u64 - 1);
                        }
                        let json: Cow<'_, str> = match &events[..] {
                            [one] => Cow::Borrowed(one),
                            many => Cow::Owned(many.join("\n")),
                        };
                        append_command(&mut appended, workshop.0.as_bytes(), first, &json, *command)
                            .map_err(failed)?;
                    }
                    Record::Credential { workshop, credential } => {
                        let (stored, id, check) = credential_fields(*workshop, credential);
                        issued.execute(params![stored, id, check]).map_err(failed)?;
                    }
                    Record::Deleted { workshop } => {
                        // The log has no index by workshop (it would cost every write
                        // a page per workshop): deleting one reads the whole log.
                        let (text, bytes) = (workshop.to_string(), &workshop.0.as_bytes()[..]);
                        let everything: [(&str, &dyn rusqlite::ToSql); 3] = [
                            ("DELETE FROM workshops WHERE id = ?1", &text),
                            ("DELETE FROM credentials WHERE workshop = ?1", &text),
                            ("DELETE FROM commands WHERE workshop = ?1", &bytes),
                        ];
                        for (sql, key) in everything {
                            transaction
                                .prepare_cached(sql)
                                .and_then(|mut statement| statement.execute([key]))
                                .map_err(failed)?;
                        }
                        written.remove(workshop);
                        deleted.push(*workshop);
                    }
                }
            }
        }
        transaction.commit().map_err(failed)?;
        for workshop in &deleted {
            self.written.remove(workshop);
        }
        self.written.extend(written);
        if !deleted.is_empty() {
            // The log still holds the deleted rows' pages as they were: fold it into
            // the database now (where `secure_delete` has zeroed them) and empty it.
            // Deletions are rare; a reader holding the log (a backup) only delays it.
            if let Err(error) = self.connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
                tracing::warn!("after a deletion, the store's log could not be emptied yet: {error}");
            }
        }
        Ok(())
    }

    fn load(&mut self) -> Result<Loaded, StoreError> {
        let path = self.shown();
        let corrupt = |reason: String| StoreError::Corrupt {
            path: path.clone(),
            reason,
        };
        // The log, read once in the order written, sorted out by workshop.
        let mut commands = self
            .connection
            .prepare(
                "SELECT workshop, seq, events, participant, command, sum FROM commands ORDER BY position",
            )
            .map_err(|e| corrupt(e.to_string()))?;
        let rows = commands
            .query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<Vec<u8>>>(3)?,
                    row.get::<_, Option<i64>>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            })
            .map_err(|e| corrupt(e.to_string()))?;
        let mut logged: HashMap<WorkshopId, Vec<(u64, Event)>> = HashMap::new();
        let mut receipts: HashMap<WorkshopId, Receipts> = HashMap::new();
        for row in rows {
            let (workshop, seq, json, participant, id, check) = row.map_err(|e| corrupt(e.to_string()))?;
            let (workshop, receipt) =
                command_row(&workshop, seq, &json, participant, id, check).map_err(&corrupt)?;
            let events = logged.entry(workshop).or_default();
            let first =
                u64::try_from(seq).map_err(|e| corrupt(format!("workshop {workshop}, event {seq}: {e}")))?;
            for (seq, json) in (first..).zip(json.lines()) {
                events.push((seq, decode_event(workshop, seq, json).map_err(&corrupt)?));
            }
            if let Some(key) = receipt {
                receipts.entry(workshop).or_default().insert(key);
            }
        }
        let mut workshops = self
            .connection
            .prepare("SELECT id, created, sum FROM workshops ORDER BY position")
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
            let workshop = created_row(&id, &created, check).map_err(&corrupt)?;
            let events = logged.remove(&workshop.id).unwrap_or_default();
            let workshop = replay(workshop, events, &path)?;
            self.written.insert(workshop.id, workshop.seq);
            loaded.push(workshop);
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
        Ok(Loaded {
            workshops: loaded,
            credentials,
            receipts,
        })
    }
}

/// A row of the log, checked against its checksum: its workshop and its receipt.
fn command_row(
    workshop: &[u8],
    seq: i64,
    json: &str,
    participant: Option<Vec<u8>>,
    id: Option<i64>,
    check: i64,
) -> Result<(WorkshopId, Option<CommandKey>), String> {
    let uuid = |bytes: &[u8]| Uuid::from_slice(bytes).map_err(|e| format!("a command's id: {e}"));
    let workshop = WorkshopId(uuid(workshop)?);
    let receipt = match (participant, id) {
        (Some(participant), Some(id)) => Some(CommandKey {
            participant: ParticipantId(uuid(&participant)?),
            id: id.cast_unsigned(),
        }),
        (None, None) => None,
        _ => return Err(format!("workshop {workshop}, event {seq}: half a receipt")),
    };
    if check != command_sum(workshop.0.as_bytes(), seq, json, receipt) {
        return Err(format!(
            "workshop {workshop}, event {seq} was changed on disk (its checksum differs)"
        ));
    }
    Ok((workshop, receipt))
}
