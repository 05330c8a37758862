//! The store's tables, a new store, and upgrades from older schema versions.

use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, params};

use super::sqlite::{VERSION, beside, private, sum};

pub(super) const SCHEMA: &str = "
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
pub(super) const ADD_SUMS: &str = "
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
        connection.execute_batch(SCHEMA)?;
        connection.execute_batch(ADD_SUMS)?;
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
    steps.push_str(SCHEMA);
    if version < 1 {
        steps.push_str(ADD_SUMS);
    }
    connection.execute_batch(&steps).map_err(Migration::Failed)?;
    let upgraded = (|| {
        if version < 2 {
            hash_credentials(connection)?;
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
