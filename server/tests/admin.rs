//! What an administrator meets, on the real binary: the client served from inside it,
//! `/metrics` behind its token, `atelier backup` while people write and `atelier
//! restore`, `atelier health`.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
#![cfg(unix)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use atelier_shared::api::{CreateWorkshop, Created};
use atelier_shared::{Colour, Command, NoteId};
use support::{DataDir, PATIENCE, command, connect, get, post, request, start, start_with};
use tokio::time::timeout;
use uuid::Uuid;

fn data_dir(what: &str) -> DataDir {
    DataDir(std::env::temp_dir().join(format!("atelier-{what}-{}", Uuid::new_v4())))
}

async fn workshop(host: &str) -> Created {
    post(
        host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            ..CreateWorkshop::default()
        },
    )
    .await
}

/// Runs `atelier ARGS…`; returns whether it succeeded and what it printed.
async fn atelier(args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = timeout(
        PATIENCE,
        tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"))
            .args(args)
            .env("RUST_LOG", "warn")
            .output(),
    )
    .await
    .expect("the command ends in time")
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `atelier backup FILE --data-dir DATA` (or `restore`).
async fn admin(command: &str, file: &Path, data: &Path) -> (bool, String) {
    atelier(&[os(command), file.as_os_str(), os("--data-dir"), data.as_os_str()]).await
}

fn os(text: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_its_own_client_compressed_and_revalidated() {
    let data = data_dir("client");
    // No --static-dir, and the working directory has no dist/: the client is inside.
    let (_server, host) = start(&data.0).await;

    let page = get(&host, "/", &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let html = String::from_utf8(page.body.clone()).unwrap();
    let wasm = html
        .split('"')
        .find(|s| s.starts_with("/pkg/") && s.ends_with("_bg.wasm"))
        .unwrap_or_else(|| panic!("the page names its wasm:\n{html}"))
        .to_owned();

    // A client-side route gets the same page; a missing bundle file does not.
    let route = get(&host, "/j/ABCDEF", &[]).await;
    assert_eq!((route.status, &route.body), (200, &page.body));
    assert_eq!(get(&host, "/pkg/0000000000/missing.wasm", &[]).await.status, 404);
    // A missing file is missing, not the page (a browser would parse HTML as CSS).
    assert_eq!(get(&host, "/favicon.ico", &[]).await.status, 404);
    assert_eq!(get(&host, "/static/missing.css", &[]).await.status, 404);
    // Files are read, never written.
    let post = request(&host, "POST", "/", &[("Content-Length", "0")]).await;
    assert_eq!(post.status, 405);
    // An API path that does not exist says so, in the API's own words.
    let unknown = get(&host, "/api/workshop", &[]).await;
    assert_eq!(unknown.status, 404);
    assert!(
        String::from_utf8_lossy(&unknown.body).contains("\"error\":\"not_found\""),
        "{}",
        String::from_utf8_lossy(&unknown.body)
    );
    let wrong = request(&host, "DELETE", "/api/health", &[]).await;
    assert_eq!(wrong.status, 405);
    assert!(
        String::from_utf8_lossy(&wrong.body).contains("\"error\":\"method_not_allowed\""),
        "{}",
        String::from_utf8_lossy(&wrong.body)
    );

    let plain = get(&host, &wasm, &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-type"), Some("application/wasm"));
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(
        &plain.body[..4],
        b"\0asm",
        "uncompressed to a client that accepts nothing"
    );
    assert_eq!(
        plain.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let gzip = get(&host, &wasm, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(&gzip.body[..2], [0x1f, 0x8b]);
    let brotli = get(&host, &wasm, &[("Accept-Encoding", "gzip, deflate, br")]).await;
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert!(
        brotli.body.len() < gzip.body.len() && gzip.body.len() < plain.body.len() / 2,
        "br {} < gzip {} < plain {}",
        brotli.body.len(),
        gzip.body.len(),
        plain.body.len()
    );
    assert_eq!(brotli.header("vary"), Some("accept-encoding"));
    let refused = get(&host, &wasm, &[("Accept-Encoding", "br;q=0, gzip")]).await;
    assert_eq!(refused.header("content-encoding"), Some("gzip"), "q=0 refuses br");

    // A browser revalidating the page it has gets 304 and no body.
    let tag = page.header("etag").expect("an entity tag").to_owned();
    let again = get(&host, "/", &[("If-None-Match", &tag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // As a proxy may send it: a list, the tag made weak.
    let weak = format!("\"0000\", W/{tag}");
    assert_eq!(get(&host, "/", &[("If-None-Match", &weak)]).await.status, 304);
    assert_eq!(
        get(&host, "/", &[("If-None-Match", "\"0000\"")]).await.status,
        200
    );

    // Without --metrics-token there is no /metrics at all.
    assert_eq!(get(&host, "/metrics", &[]).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_answer_only_their_token_and_count_commands_refusals_and_commits() {
    let data = data_dir("metrics");
    let token = "a-long-random-metrics-token";
    let (_server, host, _log) = start_with(&data.0, &["--metrics-token", token]).await;

    assert_eq!(get(&host, "/metrics", &[]).await.status, 401);
    let wrong = get(&host, "/metrics", &[("Authorization", "Bearer guess")]).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.header("www-authenticate"), Some("Bearer"));
    let empty = get(&host, "/metrics", &[("Authorization", "Bearer ")]).await;
    assert_eq!(empty.status, 401);
    let lower = format!("bearer {token}");
    assert_eq!(
        get(&host, "/metrics", &[("Authorization", &lower)]).await.status,
        200,
        "the scheme's name is case-insensitive"
    );

    let created = workshop(&host).await;
    let (mut lead, state, _) = connect(&host, &created.facilitator_secret).await;
    let room = state.rooms[0].id;
    let column = state.current_step(room).unwrap().columns[0];
    for id in 1..=3 {
        let note = Command::PostNote {
            note: NoteId(Uuid::new_v4()),
            room,
            column,
            text: format!("Note {id}"),
            colour: Colour::Yellow,
            parent: None,
        };
        assert_eq!(command(&mut lead, id, note).await, Some(true));
    }
    let unknown = Command::DeleteNote {
        note: NoteId(Uuid::new_v4()),
    };
    assert_eq!(command(&mut lead, 4, unknown).await, Some(false));

    let bearer = format!("Bearer {token}");
    let metrics = get(&host, "/metrics", &[("Authorization", &bearer)]).await;
    assert_eq!(metrics.status, 200);
    assert_eq!(
        metrics.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = String::from_utf8(metrics.body).unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("{series} missing:\n{text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(value("atelier_workshops_live"), 1.0);
    assert_eq!(value("atelier_connections"), 1.0);
    assert_eq!(value("atelier_commands_total"), 4.0);
    assert_eq!(
        value("atelier_commands_rejected_total{reason=\"unknown_note\"}"),
        1.0
    );
    // The workshop, the lead's credential and three notes were committed.
    let commits = value("atelier_store_commit_seconds_count");
    assert!(commits >= 4.0, "{text}");
    assert_eq!(value("atelier_store_commit_seconds_bucket{le=\"+Inf\"}"), commits);
    assert!(value("atelier_store_commit_seconds_sum") > 0.0);
    assert!(value("atelier_store_records_total") >= 5.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_metrics_token_leaves_metrics_off() {
    let data = data_dir("metrics-empty");
    let (_server, host, _log) = start_with(&data.0, &["--metrics-token", ""]).await;
    assert_eq!(get(&host, "/metrics", &[]).await.status, 404);
    assert_eq!(
        get(&host, "/metrics", &[("Authorization", "Bearer ")])
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_public_url_that_is_not_an_http_address_is_refused_at_start() {
    for wrong in [
        "atelier.example.org",
        "https://",
        "ftp://atelier.example.org",
        "https://a b.org",
        "https://user:password@atelier.example.org",
        "https://example.org/atelier",
    ] {
        let (ok, said) = atelier(&[
            os("--in-memory"),
            os("--addr"),
            os("127.0.0.1:0"),
            os("--public-url"),
            os(wrong),
        ])
        .await;
        assert!(!ok, "{wrong} accepted: {said}");
        assert!(said.contains("--public-url"), "{said}");
    }
}

/// Posts notes one after another as fast as they are acknowledged, counting the
/// acknowledgements, until `stop` is set.
async fn keep_writing(host: String, created: Created, acked: Arc<AtomicU64>, stop: Arc<AtomicU64>) {
    let (mut lead, state, _) = connect(&host, &created.facilitator_secret).await;
    let room = state.rooms[0].id;
    let column = state.current_step(room).unwrap().columns[0];
    let mut id = 0;
    while stop.load(Ordering::SeqCst) == 0 {
        id += 1;
        let note = Command::PostNote {
            note: NoteId(Uuid::new_v4()),
            room,
            column,
            text: format!("Écrite pendant la sauvegarde {id}"),
            colour: Colour::Blue,
            parent: None,
        };
        assert_eq!(command(&mut lead, id, note).await, Some(true));
        acked.fetch_add(1, Ordering::SeqCst);
    }
}

async fn notes_in(host: &str, created: &Created) -> u64 {
    let (_, state, _) = connect(host, &created.facilitator_secret).await;
    state.notes.len() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_notes_are_written_restores_every_note_acknowledged_before_it() {
    let data = data_dir("backup");
    let copies = data_dir("copies");
    std::fs::create_dir_all(&copies.0).unwrap();
    let (mut server, host) = start(&data.0).await;
    let created = workshop(&host).await;
    let acked = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicU64::new(0));
    let writer = tokio::spawn(keep_writing(
        host.clone(),
        created.clone(),
        acked.clone(),
        stop.clone(),
    ));
    while acked.load(Ordering::SeqCst) < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let mut taken = Vec::new();
    for n in 0..3 {
        let file = copies.0.join(format!("atelier-{n}.db"));
        let before = acked.load(Ordering::SeqCst);
        let (ok, said) = admin("backup", &file, &data.0).await;
        let after = acked.load(Ordering::SeqCst);
        assert!(ok, "backup {n}: {said}");
        assert!(said.contains("1 workshop(s)"), "it says what it copied: {said}");
        assert!(after > before, "notes kept being written during backup {n}");
        taken.push((file, before, after));
    }
    stop.store(1, Ordering::SeqCst);
    writer.await.unwrap();

    let (first, before, after) = &taken[0];
    let (ok, said) = admin("backup", first, &data.0).await;
    assert!(
        !ok && said.contains("already there"),
        "never over an existing file: {said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(first).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup holds people's words: private to its owner");
    }

    // A restore over a running server is refused and changes nothing.
    let (ok, said) = admin("restore", first, &data.0).await;
    assert!(!ok && said.contains("stop the server first"), "{said}");
    let everything = acked.load(Ordering::SeqCst);
    assert_eq!(notes_in(&host, &created).await, everything);

    // Restored elsewhere, each backup holds a consistent moment between its start
    // and its end: everything acknowledged before it, nothing torn.
    for (file, before, after) in &taken {
        let elsewhere = data_dir("restored");
        let (ok, said) = admin("restore", file, &elsewhere.0).await;
        assert!(ok, "{said}");
        let (_restored, other) = start(&elsewhere.0).await;
        let notes = notes_in(&other, &created).await;
        assert!(
            (*before..=*after).contains(&notes),
            "{notes} notes, acknowledged {before} before the backup and {after} after"
        );
    }

    // Restored in place once the server is stopped: the store it replaces is kept.
    server.kill().await.unwrap();
    let (ok, said) = admin("restore", first, &data.0).await;
    assert!(ok, "{said}");
    assert!(said.contains("previous store is kept"), "{said}");
    let kept = std::fs::read_dir(&data.0)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("atelier.db.before-restore-")
        });
    assert!(kept, "the replaced store is beside it");
    let (_again, host) = start(&data.0).await;
    let notes = notes_in(&host, &created).await;
    assert!(
        (*before..=*after).contains(&notes),
        "{notes} in {before}..={after}"
    );
}

#[tokio::test]
async fn restore_refuses_what_is_not_an_atelier_store() {
    let data = data_dir("not-a-store");
    std::fs::create_dir_all(&data.0).unwrap();
    let junk = data.0.join("junk.db");
    std::fs::write(&junk, b"these are not the bytes of a database").unwrap();
    let target = data.0.join("store");
    let (ok, said) = admin("restore", &junk, &target).await;
    assert!(!ok, "{said}");
    assert!(
        !Path::new(&target).join("atelier.db").exists(),
        "nothing put in place"
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn restores_into_a_new_directory_are_private_and_never_overwrite_a_kept_store() {
    let backup = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-v2.db");
    let data = data_dir("restore-twice");
    let (ok, said) = admin("restore", &backup, &data.0).await;
    assert!(ok, "{said}");
    assert!(
        said.contains("no atelier.key"),
        "the missing key is pointed out: {said}"
    );
    assert_eq!(mode(&data.0), 0o700);
    assert_eq!(mode(&data.0.join("atelier.db")), 0o600);
    assert_eq!(mode(&data.0.join("atelier.db.lock")), 0o600);

    // Twice more within the same second: each replaced store is kept apart.
    for _ in 0..2 {
        let (ok, said) = admin("restore", &backup, &data.0).await;
        assert!(ok, "{said}");
    }
    let kept: Vec<_> = std::fs::read_dir(&data.0)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("atelier.db.before-restore-"))
        .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");

    // A directory is neither a backup to restore nor a file to back up into.
    let (ok, said) = admin("restore", &data.0, &data.0).await;
    assert!(!ok && said.contains("directory"), "{said}");
    let (ok, said) = admin("backup", &data.0, &data.0).await;
    assert!(!ok && said.contains("directory"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_stopped_uncleanly_restores_whole_even_onto_itself() {
    let data = data_dir("restore-wal");
    let (mut server, host) = start(&data.0).await;
    workshop(&host).await;
    // Killed: what it wrote is in the write-ahead log beside the store.
    server.kill().await.unwrap();
    server.wait().await.unwrap();
    assert!(data.0.join("atelier.db-wal").exists());
    let store = data.0.join("atelier.db");
    let (ok, said) = admin("restore", &store, &data.0).await;
    assert!(ok && said.contains("1 workshop(s)"), "{said}");

    // The store it replaced, with its log, restores whole too.
    let kept = said
        .split("kept as ")
        .nth(1)
        .map(|rest| Path::new(rest.trim()).to_owned())
        .unwrap_or_else(|| panic!("the kept store is named: {said}"));
    let (ok, said) = admin("restore", &kept, &data.0).await;
    assert!(ok && said.contains("1 workshop(s)"), "{said}");

    // A store missing beside a restore's copy is an interrupted restore: the server
    // says so rather than start empty.
    std::fs::rename(&store, data.0.join("atelier.db.restoring")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.0.join(format!("atelier.db{suffix}")));
    }
    let (ok, said) = atelier(&[
        os("--data-dir"),
        data.0.as_os_str(),
        os("--addr"),
        os("127.0.0.1:0"),
    ])
    .await;
    assert!(!ok && said.contains("restore was interrupted"), "{said}");
    assert!(!store.exists(), "no empty store made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_a_live_store_a_damaged_backup_and_its_own_copy() {
    let data = data_dir("restore-hostile");
    let (mut server, host) = start(&data.0).await;
    workshop(&host).await;
    let backup = data.0.join("backup.db");
    let (ok, said) = admin("backup", &backup, &data.0).await;
    assert!(ok, "{said}");
    // A plain file, not in WAL mode: SQLite reads it even where it may not write
    // (a read-only backup disk).
    let header = std::fs::read(&backup).unwrap();
    assert_eq!((header[18], header[19]), (1, 1), "rollback-journal format");

    // The lock file deleted under a running server: SQLite's own lock still tells.
    std::fs::remove_file(data.0.join("atelier.db.lock")).unwrap();
    let (ok, said) = admin("restore", &backup, &data.0).await;
    assert!(!ok && said.contains("is using this data directory"), "{said}");
    server.kill().await.unwrap();
    server.wait().await.unwrap();

    // A row changed on disk passes SQLite's integrity check, not the server's sums:
    // neither restore nor backup takes it, and the store in place is untouched.
    let damaged = data.0.join("damaged.db");
    std::fs::copy(&backup, &damaged).unwrap();
    {
        let db = rusqlite::Connection::open(&damaged).unwrap();
        let changed = db
            .execute(
                "UPDATE workshops SET created = replace(created, 'Camille', 'Camilla')",
                [],
            )
            .unwrap();
        assert!(changed > 0);
    }
    let (ok, said) = admin("restore", &damaged, &data.0).await;
    assert!(!ok && said.contains("checksum"), "{said}");
    let names: Vec<String> = std::fs::read_dir(&data.0)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n == "atelier.db") && !names.iter().any(|n| n.contains("before-restore")),
        "the store in place was not moved: {names:?}"
    );
    let elsewhere = data_dir("restore-hostile-2");
    let (ok, said) = admin("restore", &damaged, &elsewhere.0).await;
    assert!(!ok && said.contains("checksum"), "{said}");
    assert!(!elsewhere.0.join("atelier.db").exists(), "nothing put in place");
    let (ok, said) = admin("backup", &data.0.join("again.db"), &damaged_dir(&damaged)).await;
    assert!(!ok, "a damaged store makes no backup: {said}");

    // The copy an interrupted restore left is not a backup to restore.
    let copy = data.0.join("atelier.db.restoring");
    std::fs::copy(&backup, &copy).unwrap();
    let (ok, said) = admin("restore", &copy, &data.0).await;
    assert!(!ok && said.contains("interrupted restore"), "{said}");
    assert!(copy.exists(), "the file given is never deleted");

    // A stray log with no store is set aside, not replayed into the restored one.
    let stray = data_dir("restore-stray");
    std::fs::create_dir_all(&stray.0).unwrap();
    std::fs::write(stray.0.join("atelier.db-wal"), vec![7u8; 4096]).unwrap();
    std::fs::write(stray.0.join("atelier.db-journal"), vec![7u8; 4096]).unwrap();
    let (ok, said) = admin("restore", &backup, &stray.0).await;
    assert!(ok && said.contains("1 workshop(s)"), "{said}");
    assert!(said.contains("without a store"), "{said}");
    assert!(!stray.0.join("atelier.db-journal").exists());
    let (_server, host) = start(&stray.0).await;
    let health = get(&host, "/api/health", &[]).await;
    assert!(String::from_utf8_lossy(&health.body).contains("\"workshops\":1"));
}

/// A data directory holding only `store` (as `atelier.db`), for `backup`.
fn damaged_dir(store: &Path) -> std::path::PathBuf {
    let dir = store.with_extension("dir");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(store, dir.join("atelier.db")).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_whether_the_server_answers() {
    let data = data_dir("health");
    let (mut server, host) = start(&data.0).await;
    let url = format!("http://{host}/api/health");
    let (ok, said) = atelier(&[os("health"), os("--url"), os(&url)]).await;
    assert!(ok, "{said}");
    server.kill().await.unwrap();
    let (ok, said) = atelier(&[os("health"), os("--url"), os(&url)]).await;
    assert!(!ok, "a stopped server is not healthy: {said}");

    // Something else answering 200 on that address is not Atelier.
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/health", other.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut stream, _) = other.accept().await.unwrap();
        // The whole request first: closing with some of it unread would reset.
        let mut asked = Vec::new();
        let mut buffer = [0u8; 256];
        while !asked.ends_with(b"\r\n\r\n") {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => asked.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = stream
            .write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>Welcome to nginx!</h1>")
            .await;
    });
    let (ok, said) = atelier(&[os("health"), os("--url"), os(&url)]).await;
    assert!(!ok && said.contains("not as Atelier"), "{said}");
}

/// A store as this release writes it (schema version 2), kept in the repository with
/// the facilitator's credential: every later release must open it, upgrading its
/// schema if it changed, with its workshop whole. `UPDATE_FIXTURE=1` writes it again
/// (only ever on purpose: it stands for the stores people already have).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_written_by_schema_version_2_opens_whole_in_this_release() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let store = fixtures.join("store-v2.db");
    let credential = fixtures.join("store-v2.json");
    let texts: Vec<String> = (1..=3)
        .map(|n| format!("Écrite avec le schéma 2, n° {n}"))
        .collect();
    if std::env::var_os("UPDATE_FIXTURE").is_some() {
        let data = data_dir("fixture");
        let (_server, host) = start(&data.0).await;
        let created = workshop(&host).await;
        let (mut lead, state, _) = connect(&host, &created.facilitator_secret).await;
        let room = state.rooms[0].id;
        let column = state.current_step(room).unwrap().columns[0];
        for (id, text) in (1..).zip(&texts) {
            let note = Command::PostNote {
                note: NoteId(Uuid::new_v4()),
                room,
                column,
                text: text.clone(),
                colour: Colour::Green,
                parent: None,
            };
            assert_eq!(command(&mut lead, id, note).await, Some(true));
        }
        let _ = std::fs::remove_file(&store);
        let (ok, said) = admin("backup", &store, &data.0).await;
        assert!(ok, "{said}");
        std::fs::write(&credential, serde_json::to_string_pretty(&created).unwrap()).unwrap();
    }
    let created: Created = serde_json::from_str(&std::fs::read_to_string(&credential).unwrap()).unwrap();
    let data = data_dir("upgrade");
    let (ok, said) = admin("restore", &store, &data.0).await;
    assert!(ok, "{said}");
    let (_server, host) = start(&data.0).await;
    let (_, state, _) = connect(&host, &created.facilitator_secret).await;
    assert_eq!(state.id, created.workshop);
    let mut found: Vec<String> = state.notes.values().map(|n| n.text.to_string()).collect();
    found.sort();
    assert_eq!(found, texts, "every note, word for word");
}
