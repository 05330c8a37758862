//! `atelier backup` and `atelier restore`.
//!
//! Copying the data directory while the server runs is not safe: SQLite's
//! write-ahead log holds the latest transactions beside the file, and a copy taken
//! between the two is torn. A backup is `VACUUM INTO`, which reads one consistent
//! snapshot (the server keeps writing meanwhile), then the copy is checked and only
//! then given its name. A restore needs the server stopped; it never deletes the
//! store it replaces.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use super::sqlite::{SqliteStore, VERSION, beside, private};

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
            write!(f, "; the previous store is kept as {}", kept.display())?;
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
    if !store.is_file() {
        return Err(failed(store, "there is no store there (check --data-dir)"));
    }
    if to.is_dir() {
        return Err(failed(
            to,
            "this is a directory: name the file to write, e.g. DIR/atelier-2026-12-03.db",
        ));
    }
    if to.exists() {
        return Err(failed(to, "a file is already there: choose a new name"));
    }
    if let Some(dir) = to.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
        return Err(failed(
            to,
            format!("the directory {} does not exist", dir.display()),
        ));
    }
    // A name nobody else uses, so that two backups at once, or a file of the
    // administrator's that happens to be called `….partial`, are never overwritten.
    let partial = beside(to, &format!(".partial-{}", unique()));
    let summary = snapshot(store, &partial)?;
    put_in_place(&partial, to).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        match e.kind() {
            ErrorKind::AlreadyExists => failed(
                to,
                "a file appeared there while the copy was made (another backup?): choose a new name",
            ),
            _ => failed(to, e),
        }
    })?;
    sync_parent(to);
    Ok(Summary {
        path: to.to_owned(),
        ..summary
    })
}

/// Puts the backup `from` in place as the store at `store`. Refused while a server
/// holds the store. The backup is copied and checked beside the store first; only
/// then is the store it replaces renamed aside (never deleted), and put back if
/// anything fails after that.
pub fn restore(from: &Path, store: &Path) -> Result<Summary, StoreError> {
    if !from.is_file() {
        return Err(failed(from, "no backup file there"));
    }
    check(from)?;
    let dir = store
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|e| failed(store, e))?;
        private(dir, 0o700).map_err(|e| failed(store, e))?;
    }
    let lock = hold(store)?;
    // Through SQLite, not as bytes: a store stopped uncleanly (or one kept aside by
    // an earlier restore) has part of its content in its write-ahead log.
    let incoming = beside(store, RESTORING);
    let _ = std::fs::remove_file(&incoming);
    snapshot(from, &incoming)?;
    let kept = if store.exists() {
        let aside = (0..)
            .map(|n| match n {
                0 => beside(store, &format!(".before-restore-{}", seconds())),
                n => beside(store, &format!(".before-restore-{}-{n}", seconds())),
            })
            .find(|aside| !aside.exists())
            .expect("some name is free");
        move_store(store, &aside).map_err(|e| failed(store, e))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&incoming, store) {
        if let Some(aside) = &kept {
            let _ = move_store(aside, store);
        }
        return Err(failed(store, e));
    }
    sync_parent(store);
    drop(lock);
    // Opened as the server will open it (an older schema is upgraded here).
    if let Err(e) = SqliteStore::open(store) {
        if let Some(aside) = &kept {
            let _lock = hold(store)?;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(beside(store, suffix));
            }
            move_store(aside, store).map_err(|e| failed(store, e))?;
        }
        return Err(e);
    }
    // Run as root on a service's directory, the restored files would be root's and
    // the service could not open them: they go to whoever owns the directory.
    for file in ["", "-wal", "-shm", ".lock"].map(|suffix| beside(store, suffix)) {
        if file.exists() {
            let _ = owned_like(dir, &file);
        }
    }
    Ok(Summary {
        path: store.to_owned(),
        kept,
        ..check(store)?
    })
}

/// Where a restore copies the backup before putting it in place. A store missing
/// beside one of these is an interrupted restore, never a first start.
pub const RESTORING: &str = ".restoring";

/// Takes the store's lock, as a server does, or says who holds it.
fn hold(store: &Path) -> Result<File, StoreError> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options
        .open(beside(store, ".lock"))
        .map_err(|e| failed(store, e))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => Err(failed(
            store,
            "a server (or another restore) is using this data directory: stop it first \
             (systemctl stop atelier, docker compose stop), then restore",
        )),
        Err(TryLockError::Error(e)) => Err(failed(store, e)),
    }
}

/// Renames a store and its write-ahead log.
fn move_store(from: &Path, to: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm", ""] {
        let file = beside(from, suffix);
        if file.exists() {
            std::fs::rename(&file, beside(to, suffix))?;
        }
    }
    Ok(())
}

/// One consistent copy of the store at `source` (with what its write-ahead log
/// holds) written to `target`, private from its first byte, checked and flushed.
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
        let summary = check(target)?;
        File::open(target)
            .and_then(|f| f.sync_all())
            .map_err(|e| failed(target, e))?;
        Ok(summary)
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(target);
    }
    copied
}

/// An existing SQLite file, read-write when possible (so that a write-ahead log
/// left by a crash is read even without its index file), read-only otherwise (a
/// backup on read-only media). Never creates a file.
fn open(path: &Path) -> Result<Connection, StoreError> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
        .map_err(|e| failed(path, format!("not a readable SQLite file: {e}")))
}

/// Gives `partial` the name `to` unless something has that name by then.
fn put_in_place(partial: &Path, to: &Path) -> std::io::Result<()> {
    // A hard link fails if `to` exists, where a rename would replace it.
    match std::fs::hard_link(partial, to) {
        Ok(()) => std::fs::remove_file(partial),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
        // A file system without hard links: check, then rename.
        Err(_) if to.exists() => Err(ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(partial, to),
    }
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
        events: count("events")?,
        bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
        kept: None,
    })
}

/// Gives `file` the owner of `dir` when they differ (only root may, and only root
/// needs to).
#[cfg(unix)]
fn owned_like(dir: &Path, file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let (dir, metadata) = (std::fs::metadata(dir)?, std::fs::metadata(file)?);
    if (dir.uid(), dir.gid()) == (metadata.uid(), metadata.gid()) {
        return Ok(());
    }
    std::os::unix::fs::chown(file, Some(dir.uid()), Some(dir.gid()))
}

#[cfg(not(unix))]
fn owned_like(_: &Path, _: &Path) -> std::io::Result<()> {
    Ok(())
}

fn seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn unique() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{}-{nanos}", std::process::id(), seconds())
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}
