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
    // A name nobody else uses, so that two backups at once, or a file of the
    // administrator's that happens to be called `….partial`, are never overwritten.
    let partial = beside(to, &format!(".partial-{}", unique()));
    let source = Connection::open_with_flags(store, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| failed(store, e))?;
    source
        .busy_timeout(Duration::from_secs(10))
        .map_err(|e| failed(store, e))?;
    let target = partial
        .to_str()
        .ok_or_else(|| failed(to, "the path is not UTF-8"))?;
    source
        .execute("VACUUM INTO ?1", [target])
        .map_err(|e| failed(to, format!("the copy failed: {e}")))?;
    drop(source);
    private(&partial, 0o600).map_err(|e| failed(to, e))?;
    let summary = check(&partial).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed(to, e))?;
    std::fs::rename(&partial, to).map_err(|e| failed(to, e))?;
    sync_parent(to);
    Ok(Summary {
        path: to.to_owned(),
        ..summary
    })
}

/// Puts the backup `from` in place as the store at `store`. Refused while a server
/// holds the store; the replaced store is renamed, not deleted.
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
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options
        .open(beside(store, ".lock"))
        .map_err(|e| failed(store, e))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(failed(
                store,
                "a server is running on this data directory: stop it first \
                 (systemctl stop atelier, docker compose stop), then restore",
            ));
        }
        Err(TryLockError::Error(e)) => return Err(failed(store, e)),
    }
    let kept = if store.exists() {
        let aside = (0..)
            .map(|n| match n {
                0 => beside(store, &format!(".before-restore-{}", seconds())),
                n => beside(store, &format!(".before-restore-{}-{n}", seconds())),
            })
            .find(|aside| !aside.exists())
            .expect("some name is free");
        for suffix in ["-wal", "-shm", ""] {
            let from = beside(store, suffix);
            if from.exists() {
                std::fs::rename(&from, beside(&aside, suffix)).map_err(|e| failed(store, e))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    let incoming = beside(store, ".restoring");
    std::fs::copy(from, &incoming).map_err(|e| failed(store, e))?;
    private(&incoming, 0o600).map_err(|e| failed(store, e))?;
    File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| failed(store, e))?;
    std::fs::rename(&incoming, store).map_err(|e| failed(store, e))?;
    sync_parent(store);
    drop(lock);
    // Opened as the server will open it (an older schema is upgraded here).
    let loaded = SqliteStore::open(store)?;
    drop(loaded);
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

/// Whether `path` is a whole Atelier store this version can open; what it holds.
fn check(path: &Path) -> Result<Summary, StoreError> {
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| failed(path, e))?;
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
