//! SQLite's and the file system's errors, turned into advice an administrator can act on.

use std::io::ErrorKind;

use super::StoreError;

/// The right advice for a file-system error on the store's files.
pub(super) fn io_error(path: &str, error: &std::io::Error) -> StoreError {
    let reason = error.to_string();
    match error.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => StoreError::Unwritable {
            path: path.to_owned(),
            reason,
        },
        ErrorKind::StorageFull => StoreError::Full {
            path: path.to_owned(),
            reason,
        },
        _ => StoreError::Open {
            path: path.to_owned(),
            reason,
        },
    }
}

/// The right advice for SQLite's error while opening the store.
pub(super) fn opening(path: &str, error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{
        CannotOpen, DatabaseBusy, DatabaseCorrupt, DatabaseLocked, DiskFull, NotADatabase, PermissionDenied,
        ReadOnly,
    };
    let path = path.to_owned();
    let reason = error.to_string();
    match error.sqlite_error_code() {
        Some(ReadOnly | PermissionDenied | CannotOpen) => StoreError::Unwritable { path, reason },
        Some(DiskFull) => StoreError::Full { path, reason },
        Some(DatabaseBusy | DatabaseLocked) => StoreError::InUse { path },
        Some(DatabaseCorrupt | NotADatabase) => StoreError::Corrupt { path, reason },
        _ => match error {
            rusqlite::Error::ToSqlConversionFailure(inner) => match inner.downcast::<std::io::Error>() {
                Ok(io) => io_error(&path, &io),
                Err(other) => StoreError::Open {
                    path,
                    reason: other.to_string(),
                },
            },
            _ => StoreError::Open { path, reason },
        },
    }
}

/// Whether a failed statement is the fault of what it writes (refused for good) or of
/// the store's situation (a full disk, an I/O error, a read-only file, a lock: it may
/// succeed later).
pub(super) fn classify(error: rusqlite::Error) -> StoreError {
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
