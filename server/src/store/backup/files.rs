//! Moving a store's files about safely: aside, back, into place; who owns them.

use std::io::ErrorKind;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::sqlite::beside;

/// A store's files: itself, then what SQLite keeps beside it (a write-ahead log and
/// its index, or a rollback journal), any of which it would apply to a new file of
/// the same name.
pub(super) const STORE_FILES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Moves the store away from its name: the main file first.
pub(super) fn set_aside(store: &Path, aside: &Path) -> std::io::Result<()> {
    for suffix in STORE_FILES {
        let file = beside(store, suffix);
        if file.symlink_metadata().is_ok() {
            std::fs::rename(&file, beside(aside, suffix))?;
        }
    }
    Ok(())
}

/// Moves a store kept aside back to its name: the main file last, so that a crash
/// in between never leaves a store without the log it needs.
pub(super) fn put_back(aside: &Path, store: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm", "-journal", ""] {
        let file = beside(aside, suffix);
        if file.symlink_metadata().is_ok() {
            std::fs::rename(&file, beside(store, suffix))?;
        }
    }
    Ok(())
}

/// Removes a copy and whatever SQLite left beside it.
pub(super) fn remove_copy(copy: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm", ".lock"] {
        let _ = std::fs::remove_file(beside(copy, suffix));
    }
}

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub(super) fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Gives `partial` the name `to` unless something has that name by then.
pub(super) fn put_in_place(partial: &Path, to: &Path) -> std::io::Result<()> {
    // A hard link fails if `to` exists, where a rename would replace it.
    match std::fs::hard_link(partial, to) {
        Ok(()) => std::fs::remove_file(partial),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
        // A file system without hard links: check, then rename.
        Err(_) if to.symlink_metadata().is_ok() => Err(ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(partial, to),
    }
}

/// Gives `file` the owner of `dir` when they differ (only root may, and only root
/// needs to).
#[cfg(unix)]
pub(super) fn owned_like(dir: &Path, file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let (dir, metadata) = (std::fs::metadata(dir)?, std::fs::metadata(file)?);
    if (dir.uid(), dir.gid()) == (metadata.uid(), metadata.gid()) {
        return Ok(());
    }
    std::os::unix::fs::chown(file, Some(dir.uid()), Some(dir.gid()))
}

#[cfg(not(unix))]
pub(super) fn owned_like(_: &Path, _: &Path) -> std::io::Result<()> {
    Ok(())
}

pub(super) fn seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(super) fn unique() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{}-{nanos}", std::process::id(), seconds())
}
