//! The server's clock: the state machine never reads time, the server stamps it.

use std::time::{SystemTime, UNIX_EPOCH};

use atelier_shared::Millis;

pub fn now() -> Millis {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Millis(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX))
}
