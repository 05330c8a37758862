//! What the server counts for its administrator, served at `/metrics` in
//! Prometheus's text format when `--metrics-token` is set (and only to requests
//! bearing that token: the counts say how busy the server is and what it refuses).
//!
//! The counters are process-wide atomics, written where things happen (the actors,
//! the connections, the store's writer thread) without locks on the hot paths.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use atelier_shared::Rejection;
use atelier_shared::protocol::ErrorCode;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::hub::Hub;

/// Upper bounds of the store's commit-time buckets, in seconds.
const COMMIT_BOUNDS: [f64; 12] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The process's counters.
pub static METRICS: Metrics = Metrics::new();

#[derive(Debug)]
pub struct Metrics {
    commands: AtomicU64,
    commit_buckets: [AtomicU64; COMMIT_BOUNDS.len()],
    commit_count: AtomicU64,
    commit_micros: AtomicU64,
    commit_records: AtomicU64,
    rejected: Mutex<BTreeMap<String, u64>>,
    disconnects: Mutex<BTreeMap<String, u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    const fn new() -> Metrics {
        Metrics {
            commands: AtomicU64::new(0),
            commit_buckets: [const { AtomicU64::new(0) }; COMMIT_BOUNDS.len()],
            commit_count: AtomicU64::new(0),
            commit_micros: AtomicU64::new(0),
            commit_records: AtomicU64::new(0),
            rejected: Mutex::new(BTreeMap::new()),
            disconnects: Mutex::new(BTreeMap::new()),
            errors: Mutex::new(BTreeMap::new()),
        }
    }

    /// A command reached a workshop's actor.
    pub fn command(&self) {
        self.commands.fetch_add(1, Ordering::Relaxed);
    }

    /// A command was refused, for `rejection`'s reason.
    pub fn rejected(&self, rejection: &Rejection) {
        count(&self.rejected, code_of(rejection));
    }

    /// The server closed a connection with `code` (`lagging`, `idle`, …).
    pub fn disconnected(&self, code: ErrorCode) {
        count(&self.disconnects, code_of(&code));
    }

    /// The server answered a message with a non-fatal error `code`.
    pub fn error(&self, code: ErrorCode) {
        count(&self.errors, code_of(&code));
    }

    /// One transaction of `records` took `took` to be durable.
    pub fn committed(&self, records: usize, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(bucket) = COMMIT_BOUNDS.iter().position(|&bound| seconds <= bound) {
            self.commit_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.commit_count.fetch_add(1, Ordering::Relaxed);
        self.commit_records.fetch_add(records as u64, Ordering::Relaxed);
        self.commit_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// Everything, in Prometheus's text exposition format.
    pub fn render(&self, hub: &Hub) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        gauge(
            "atelier_workshops_live",
            "Workshops loaded in memory, each with its actor.",
            hub.workshop_count() as u64,
        );
        gauge(
            "atelier_connections",
            "Open websocket connections.",
            *hub.connections().borrow() as u64,
        );
        let _ = writeln!(
            out,
            "# HELP atelier_commands_total Commands received by workshops (applied or refused).\n\
             # TYPE atelier_commands_total counter\natelier_commands_total {}",
            self.commands.load(Ordering::Relaxed)
        );
        labelled(
            &mut out,
            "atelier_commands_rejected_total",
            "Commands refused, by reason.",
            "reason",
            &self.rejected,
        );
        labelled(
            &mut out,
            "atelier_disconnects_total",
            "Connections the server closed, by reason (lagging: could not keep up).",
            "reason",
            &self.disconnects,
        );
        labelled(
            &mut out,
            "atelier_connection_errors_total",
            "Messages answered with a non-fatal error, by code.",
            "code",
            &self.errors,
        );
        let name = "atelier_store_commit_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time to make one group-commit transaction durable.\n# TYPE {name} histogram"
        );
        let mut below = 0;
        for (bound, bucket) in COMMIT_BOUNDS.iter().zip(&self.commit_buckets) {
            below += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {below}");
        }
        let count = self.commit_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}\n{name}_count {count}",
            self.commit_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "# HELP atelier_store_records_total Records made durable.\n\
             # TYPE atelier_store_records_total counter\natelier_store_records_total {}",
            self.commit_records.load(Ordering::Relaxed)
        );
        out
    }
}

fn count(map: &Mutex<BTreeMap<String, u64>>, key: String) {
    let mut map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    *map.entry(key).or_default() += 1;
}

fn labelled(out: &mut String, name: &str, help: &str, label: &str, map: &Mutex<BTreeMap<String, u64>>) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    let map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for (key, value) in map.iter() {
        let _ = writeln!(out, "{name}{{{label}=\"{key}\"}} {value}");
    }
}

/// The wire name of a code: `lagging`, `vote_closed`… (snake case, no quoting needed).
fn code_of(value: &impl serde::Serialize) -> String {
    let code = match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        Ok(serde_json::Value::Object(fields)) => fields
            .get("code")
            .and_then(|c| c.as_str())
            .unwrap_or("other")
            .to_owned(),
        _ => "other".to_owned(),
    };
    if code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        code
    } else {
        "other".to_owned()
    }
}

/// `GET /metrics`: the counters, to a request bearing the configured token.
pub async fn serve(State(hub): State<std::sync::Arc<Hub>>, headers: HeaderMap) -> Response {
    // An empty token would open /metrics to anyone: it means none.
    let Some(expected) = hub.config.metrics_token.as_ref().filter(|t| !t.is_empty()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The scheme's name is case-insensitive (RFC 9110); the token is not.
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or_default();
    // Digests compared, so the time taken says nothing about the token.
    if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        let mut refused = (StatusCode::UNAUTHORIZED, "a bearer token is needed\n").into_response();
        refused
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return refused;
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        METRICS.render(&hub),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_wire_names() {
        assert_eq!(code_of(&ErrorCode::Lagging), "lagging");
        assert_eq!(code_of(&Rejection::VoteClosed), "vote_closed");
    }

    #[test]
    fn commit_times_fall_in_cumulative_buckets() {
        let metrics = Metrics::new();
        metrics.committed(3, Duration::from_micros(700));
        metrics.committed(1, Duration::from_secs(9));
        assert_eq!(metrics.commit_buckets[0].load(Ordering::Relaxed), 0);
        assert_eq!(metrics.commit_buckets[1].load(Ordering::Relaxed), 1);
        assert_eq!(
            metrics.commit_count.load(Ordering::Relaxed),
            2,
            "the slow one counts in +Inf only"
        );
        assert_eq!(metrics.commit_records.load(Ordering::Relaxed), 4);
    }
}
