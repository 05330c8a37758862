//! The store's tables, a new store, and upgrades from older schema versions.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, params};

use super::sqlite::{APPEND_COMMAND, VERSION, append_command, beside, private, sum};
use super::{CommandKey, event_row};

/// The tables of version 3, for a new store.
const TABLES: &str = "
    CREATE TABLE workshops (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        sum INTEGER
    );
    CREATE TABLE credentials (
        participant_token TEXT PRIMARY KEY,
        workshop TEXT NOT NULL,
        sum INTEGER
    );
";

/// Version 3's log: one row per command, in the order written. `workshop` and
/// `participant` are uuids as 16 bytes; `seq` is the command's first event's
/// sequence number; `events` the events' JSON, one per line; `participant` and
/// `command` its receipt (NULL for the system's). Rows are only ever appended (the
/// key is the position), so a write of many workshops' commands touches the last
/// page or two of one table, not a page per workshop of two tables.
pub(super) const COMMANDS: &str = "
    CREATE TABLE IF NOT EXISTS commands (
        position INTEGER PRIMARY KEY,
        workshop BLOB NOT NULL,
        seq INTEGER NOT NULL,
        events TEXT NOT NULL,
        participant BLOB,
        command INTEGER,
        sum INTEGER NOT NULL
    );
";

/// The tables of versions 0 to 2 (their upgrades start from them).
const OLD_TABLES: &str = "
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

/// From version 0 to 1.
const ADD_SUMS: &str = "
    ALTER TABLE workshops ADD COLUMN sum INTEGER;
    ALTER TABLE events ADD COLUMN sum INTEGER;
    ALTER TABLE credentials ADD COLUMN sum INTEGER;
";

/// A new, whole store at `path`: written as `path.new`, flushed, then renamed.
pub(super) fn create(path: &Path) -> Result<(), rusqlite::Error> {
    let fresh = beside(path, ".new");
    let _ = std::fs::remove_file(&fresh);
    let io = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    {
        let connection = Connection::open(&fresh)?;
        connection.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
        connection.execute_batch(TABLES)?;
        connection.execute_batch(COMMANDS)?;
        connection.pragma_update(None, "user_version", VERSION)?;
        connection.close().map_err(|(_, e)| e)?;
    }
    private(&fresh, 0o600).map_err(io)?;
    File::open(&fresh).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&fresh, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The rename is durable once the directory is.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

pub(super) enum Migration {
    Newer(i64),
    Failed(rusqlite::Error),
}

/// Brings an older store's schema to [`VERSION`], in one transaction.
pub(super) fn migrate(connection: &Connection) -> Result<(), Migration> {
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(Migration::Failed)?;
    if version > VERSION {
        return Err(Migration::Newer(version));
    }
    if version == VERSION {
        return Ok(());
    }
    let mut steps = String::from("BEGIN IMMEDIATE;");
    steps.push_str(OLD_TABLES);
    if version < 1 {
        steps.push_str(ADD_SUMS);
    }
    connection.execute_batch(&steps).map_err(Migration::Failed)?;
    let upgraded = (|| {
        if version < 2 {
            hash_credentials(connection)?;
        }
        if version < 3 {
            one_row_per_command(connection)?;
        }
        connection.execute_batch(&format!("PRAGMA user_version = {VERSION}; COMMIT;"))
    })();
    if let Err(e) = upgraded {
        let _ = connection.execute_batch("ROLLBACK");
        return Err(Migration::Failed(e));
    }
    tracing::info!(from = version, to = VERSION, "store schema upgraded");
    Ok(())
}

/// From version 1 to 2: credentials that earlier versions stored in clear are
/// replaced by their digests (and, with `secure_delete`, overwritten).
fn hash_credentials(connection: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(String, String)> = connection
        .prepare("SELECT participant_token, workshop FROM credentials")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (old, workshop) in rows {
        let Some(stored) = crate::secret::Stored::parse(&old) else {
            continue;
        };
        let new = stored.to_text();
        if new != old {
            let check = sum(&[new.as_bytes(), workshop.as_bytes()]);
            connection.execute("DELETE FROM credentials WHERE participant_token = ?1", [&old])?;
            connection.execute(
                "INSERT OR REPLACE INTO credentials (participant_token, workshop, sum) VALUES (?1, ?2, ?3)",
                params![new, workshop, check],
            )?;
        }
    }
    Ok(())
}

/// From version 2 to 3: the events (a row each) and the receipts (a row each) become
/// the log of commands. Each event becomes a row (how earlier versions grouped
/// events into commands is not known; replaying is the same), carrying the receipt
/// stored with its sequence number. Each event is checked against its checksum
/// first: a damaged row is refused, never given a fresh checksum.
fn one_row_per_command(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(COMMANDS)?;
    let mut receipts: HashMap<(String, i64), CommandKey> = HashMap::new();
    {
        let mut stored = connection.prepare("SELECT workshop, participant, command, seq FROM receipts")?;
        let rows = stored.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (workshop, participant, id, seq) = row?;
            let Ok(participant) = participant.parse() else {
                return Err(damaged(format!(
                    "receipt of workshop {workshop}: participant {participant}"
                )));
            };
            receipts.insert(
                (workshop, seq),
                CommandKey {
                    participant,
                    id: id.cast_unsigned(),
                },
            );
        }
    }
    let mut events = connection.prepare(
        "SELECT e.workshop, e.seq, e.event, e.sum FROM events e \
         LEFT JOIN workshops w ON w.id = e.workshop ORDER BY w.position, e.workshop, e.seq",
    )?;
    let mut appended = connection.prepare(APPEND_COMMAND)?;
    let rows = events.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<i64>>(3)?,
        ))
    })?;
    // Events follow on within a workshop: a gap is damage the upgrade must not carry
    // over (the store would then refuse to load, already upgraded).
    let mut previous: Option<(String, i64)> = None;
    for row in rows {
        let (workshop, seq, json, check) = row?;
        event_row(&workshop, seq, &json, check).map_err(damaged)?;
        if let Some((_, before)) = previous.as_ref().filter(|(w, _)| *w == workshop)
            && seq != before + 1
        {
            return Err(damaged(format!(
                "workshop {workshop}: event {seq} follows event {before}"
            )));
        }
        previous = Some((workshop.clone(), seq));
        let Ok(id) = workshop.parse::<uuid::Uuid>() else {
            return Err(damaged(format!("workshop id {workshop}")));
        };
        let receipt = receipts.get(&(workshop, seq)).copied();
        append_command(&mut appended, id.as_bytes(), seq, &json, receipt)?;
    }
    connection.execute_batch("DROP TABLE events; DROP TABLE receipts;")
}

/// A row the upgrade cannot carry over, as an error that rolls it back.
fn damaged(reason: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(format!("the store is damaged: {reason}").into())
}
