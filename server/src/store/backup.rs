//! `atelier backup` and `atelier restore`.
//!
//! Copying the data directory while the server runs is not safe: SQLite's
//! write-ahead log holds the latest transactions beside the file, and a copy taken
//! between the two is torn. A backup is `VACUUM INTO`, which reads one consistent
//! snapshot (the server keeps writing meanwhile), then the copy is loaded as the
//! server would load it and only then given its name. A restore needs the server
//! stopped; it loads the backup beside the store before anything else changes, and
//! never deletes the store it replaces.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::sqlite::{SqliteStore, VERSION, beside, lock, private};
use super::{Store, StoreError};

mod files;

use files::{
    STORE_FILES, owned_like, parent, put_back, put_in_place, remove_copy, same_file, seconds, set_aside,
    unique,
};

/// What a backup or a restore holds, to print.
#[derive(Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub workshops: u64,
    pub events: u64,
    pub bytes: u64,
    /// Where a restore put the store it replaced.
    pub kept: Option<PathBuf>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} workshop(s), {} event(s), {:.1} KiB",
            self.path.display(),
            self.workshops,
            self.events,
            self.bytes as f64 / 1024.0
        )?;
        if let Some(kept) = &self.kept {
            if kept.exists() {
                write!(f, "; the previous store is kept as {}", kept.display())?;
            } else {
                // Only a log or a journal was there, without its store.
                let files: Vec<String> = STORE_FILES
                    .iter()
                    .map(|suffix| beside(kept, suffix))
                    .filter(|file| file.exists())
                    .map(|file| file.display().to_string())
                    .collect();
                write!(
                    f,
                    "; what lay there without a store is kept as {}",
                    files.join(", ")
                )?;
            }
        }
        Ok(())
    }
}

fn failed(path: &Path, reason: impl ToString) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Copies the store at `store` to `to`, which must not exist. Works while a server
/// writes to the store.
pub fn backup(store: &Path, to: &Path) -> Result<Summary, StoreError> {
    match std::fs::metadata(store) {
        Ok(file) if file.is_file() => {}
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            return Err(failed(
                store,
                "permission denied: run this as the user Atelier runs as",
            ));
        }
        _ => return Err(failed(store, "there is no store there (check --data-dir)")),
    }
    if to.is_dir() {
        return Err(failed(
            to,
            "this is a directory: name the file to write, e.g. DIR/atelier-2026-12-03.db",
        ));
    }
    // `symlink_metadata`: a dangling link is something there too.
    if to.symlink_metadata().is_ok() {
        return Err(failed(to, "a file is already there: choose a new name"));
    }
    let dir = parent(to);
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is not a directory"
        } else {
            "does not exist"
        };
        return Err(failed(to, format!("{} {what}", dir.display())));
    }
    // A name nobody else uses, so that two backups at once, or a file of the
    // administrator's that happens to be called `….partial`, are never overwritten.
    let partial = beside(to, &format!(".partial-{}", unique()));
    let summary = snapshot(store, &partial)?;
    // Read as a restore (and the server) would: a backup that could not be
    // restored is not one.
    if let Err(e) = verify(&partial) {
        remove_copy(&partial);
        return Err(failed(
            store,
            format!("the copy cannot be loaded, so no backup was written: {e}"),
        ));
    }
    put_in_place(&partial, to).map_err(|e| {
        remove_copy(&partial);
        match e.kind() {
            ErrorKind::AlreadyExists => failed(
                to,
                "a file appeared there while the copy was made (another backup?): choose a new name",
            ),
            _ => failed(to, e),
        }
    })?;
    sync_dir(dir)?;
    Ok(Summary {
        path: to.to_owned(),
        ..summary
    })
}

/// Puts the backup `from` in place as the store at `store`. Refused while a server
/// uses the store. The backup is copied beside the store and loaded as the server
/// will load it (every checksum, the schema upgraded); only then is the store it
/// replaces renamed aside (never deleted), and put back if the last step fails.
pub fn restore(from: &Path, store: &Path) -> Result<Summary, StoreError> {
    if from.is_dir() {
        return Err(failed(from, "this is a directory: name the backup file"));
    }
    if !from.is_file() {
        return Err(failed(from, "no backup file there"));
    }
    let incoming = beside(store, RESTORING);
    if same_file(from, &incoming) {
        return Err(failed(
            from,
            "this is the unfinished copy an interrupted restore left: restore the backup \
             file itself again",
        ));
    }
    check(from)?;
    let dir = parent(store);
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|e| failed(store, e))?;
        private(dir, 0o700).map_err(|e| failed(store, e))?;
    }
    let lock = hold(store)?;
    quiesce(store)?;
    remove_copy(&incoming);
    let summary = snapshot(from, &incoming)?;
    if let Err(e) = verify(&incoming) {
        remove_copy(&incoming);
        return Err(failed(
            from,
            format!("this backup cannot be loaded, so nothing was changed: {e}"),
        ));
    }
    // Run as root on a service's directory, the restored store would be root's and
    // the service could not open it: it goes to whoever owns the directory, before
    // it takes the store's name.
    let _ = owned_like(dir, &incoming);
    // The current store, its log, or a stray log alone (which SQLite would replay
    // into the restored store): all of it goes aside, the main file first, so that
    // a crash in between leaves a log without its store, which the server refuses.
    let live = STORE_FILES
        .iter()
        .any(|suffix| beside(store, suffix).symlink_metadata().is_ok());
    let kept = if live {
        let aside = (0..)
            .map(|n| match n {
                0 => beside(store, &format!(".before-restore-{}", seconds())),
                n => beside(store, &format!(".before-restore-{}-{n}", seconds())),
            })
            .find(|aside| {
                STORE_FILES
                    .iter()
                    .all(|s| beside(aside, s).symlink_metadata().is_err())
            })
            .expect("some name is free");
        set_aside(store, &aside).map_err(|e| failed(store, e))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&incoming, store) {
        let undone = match &kept {
            Some(aside) => match put_back(aside, store) {
                Ok(()) => "; the previous store is back in place".to_owned(),
                Err(back) => format!(
                    "; putting the previous store back failed too ({back}): it is {}",
                    aside.display()
                ),
            },
            None => String::new(),
        };
        return Err(failed(store, format!("{e}{undone}")));
    }
    let _ = owned_like(dir, &beside(store, ".lock"));
    let flushed = sync_dir(dir);
    // The lock is held to the end: a server starting now waits for nothing less
    // than the whole restore.
    drop(lock);
    flushed?;
    Ok(Summary {
        path: store.to_owned(),
        kept,
        ..summary
    })
}

/// Where a restore copies the backup before putting it in place. A store missing
/// beside one of these is an interrupted restore, never a first start.
pub const RESTORING: &str = ".restoring";

/// Takes the store's lock, as a server does, or says who holds it.
fn hold(store: &Path) -> Result<File, StoreError> {
    lock(store)
        .map_err(|e| failed(store, e))?
        .ok_or_else(|| failed(store, IN_USE))
}

const IN_USE: &str = "a server, a backup or another restore is using this data directory: \
                      stop the server first (systemctl stop atelier, docker compose stop) or \
                      wait for the backup, then restore";

/// Makes sure no process has the current store open (its lock file may have been
/// deleted under a running server), and folds its write-ahead log into the file, so
/// that what is kept aside is one whole file. A store too damaged to open is left
/// as it is: it is what is being replaced.
fn quiesce(store: &Path) -> Result<(), StoreError> {
    if !store.is_file() {
        return Ok(());
    }
    let Ok(connection) = Connection::open_with_flags(store, OpenFlags::SQLITE_OPEN_READ_WRITE) else {
        return Ok(());
    };
    // Every connection to a store in WAL mode holds a shared lock on it while open:
    // an exclusive one is refused at once if a server has it.
    let exclusive = connection.execute_batch(
        "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
    );
    match exclusive {
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
        {
            Err(failed(store, IN_USE))
        }
        Err(e) => Err(failed(
            store,
            format!(
                "its log could not be folded into it ({e}): free some space and try again; nothing was changed"
            ),
        )),
        // What is kept aside must be one whole file: a crash between renaming it
        // and renaming its log could otherwise part them.
        Ok(()) if std::fs::metadata(beside(store, "-wal")).is_ok_and(|wal| wal.len() > 0) => Err(failed(
            store,
            "its log could not be folded into it (a full disk?): free some space and try again; nothing was changed",
        )),
        Ok(()) => Ok(()),
    }
}

/// Opens `path` as the server does and reads every workshop (checksums included);
/// leaves no file of its own beside it.
fn verify(path: &Path) -> Result<(), StoreError> {
    let loaded = SqliteStore::open(path).and_then(|mut store| store.load().map(drop));
    let _ = std::fs::remove_file(beside(path, ".lock"));
    loaded?;
    // Opening it as the server does put it in WAL mode, which SQLite can read only
    // where it may write an index beside it: the copy goes back to a plain file, so
    // that it restores from read-only media too (the server turns WAL on again).
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|e| failed(path, e))?;
    connection
        .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .map_err(|e| failed(path, e))?;
    drop(connection);
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed(path, format!("it could not be flushed to disk: {e}")))
}

/// One consistent copy of the store at `source` (with what its write-ahead log
/// holds) written to `target`, private from its first byte, and flushed.
/// Nothing is left at `target` if it fails.
fn snapshot(source: &Path, target: &Path) -> Result<Summary, StoreError> {
    let name = target
        .to_str()
        .ok_or_else(|| failed(target, "the path is not UTF-8"))?;
    // Made empty and private before SQLite writes into it (VACUUM INTO accepts an
    // empty file), so no other user can open it while the copy is written.
    let mut options = OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(target).map_err(|e| failed(target, e))?;
    let copied = (|| {
        let connection = open(source)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| failed(source, e))?;
        connection
            .execute("VACUUM INTO ?1", [name])
            .map_err(|e| failed(target, format!("the copy failed: {e}")))?;
        drop(connection);
        // What it holds, and that it is a store at all; its integrity and every
        // checksum are for `verify`, which loads it whole.
        let summary = contents(target, &open(target)?)?;
        File::open(target)
            .and_then(|f| f.sync_all())
            .map_err(|e| failed(target, e))?;
        Ok(summary)
    })();
    if copied.is_err() {
        remove_copy(target);
    }
    copied
}

/// An existing SQLite file, read-write when possible (so that a write-ahead log
/// left by a crash is read even without its index file), read-only otherwise (a
/// backup on read-only media). Never creates a file.
fn open(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
        .map_err(|e| failed(path, format!("not a readable SQLite file: {e}")))?;
    // A file in WAL mode on read-only media opens, but cannot be read without an
    // index SQLite may not create there: read it as an unchanging file instead.
    if connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .is_ok()
    {
        return Ok(connection);
    }
    let uri = url_path(path).ok_or_else(|| failed(path, "the path is not UTF-8"))?;
    Connection::open_with_flags(
        format!("file:{uri}?immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| failed(path, format!("not a readable SQLite file: {e}")))
}

/// `path` for a `file:` URI: `%`, `?` and `#` escaped.
fn url_path(path: &Path) -> Option<String> {
    let text = path.to_str()?;
    Some(text.replace('%', "%25").replace('?', "%3f").replace('#', "%23"))
}

/// Whether `path` is a whole Atelier store this version can open; what it holds.
fn check(path: &Path) -> Result<Summary, StoreError> {
    let connection = open(path)?;
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| failed(path, format!("not a readable SQLite file: {e}")))?;
    if integrity != "ok" {
        return Err(failed(path, format!("the copy is damaged: {integrity}")));
    }
    contents(path, &connection)
}

/// Whether the SQLite file at `path` is an Atelier store this version can open;
/// what it holds.
fn contents(path: &Path, connection: &Connection) -> Result<Summary, StoreError> {
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| failed(path, e))?;
    if version > VERSION {
        return Err(failed(
            path,
            format!("its schema is version {version}, newer than this Atelier's ({VERSION})"),
        ));
    }
    let count = |table: &str| -> Result<u64, StoreError> {
        connection
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| u64::try_from(n).unwrap_or_default())
            .map_err(|e| failed(path, format!("not an Atelier store: {e}")))
    };
    Ok(Summary {
        path: path.to_owned(),
        workshops: count("workshops")?,
        // A log row holds a command's events, one per line; a store from before
        // version 3 has a row per event.
        events: count("(SELECT 1 FROM commands, json_each('[' || replace(events, char(10), ',') || ']'))")
            .or_else(|_| count("events"))?,
        bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
        kept: None,
    })
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| failed(dir, format!("the directory could not be flushed to disk: {e}")))
}
