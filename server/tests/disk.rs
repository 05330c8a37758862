//! A full disk in the middle of a workshop, on the real binary: its data directory is
//! a small tmpfs of its own (a private mount namespace, so nothing on the machine
//! fills up), which the test fills and frees while people post.
//!
//! While the disk is full nothing is acknowledged (nothing is durable), the server
//! keeps answering, and no workshop stops; once space is freed, the commands that
//! waited are written and acknowledged by themselves, without a restart, and a
//! restart on the same files finds every acknowledged note once.
//!
//! Linux only, and it needs the right to mount (root, as in CI): `unshare -m` makes
//! the namespace, `nsenter` runs the server and the filler inside it.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod support;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use atelier_shared::api::{CreateWorkshop, Created, JoinRequest, Joined, RoomRequest};
use atelier_shared::protocol::ClientMsg;
use atelier_shared::{Colour, Command, NoteId, RoomId, Workshop};
use support::{DataDir, PATIENCE, Paces, Socket, connect, next, post, send, start_in};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;
use uuid::Uuid;

/// A private mount namespace with `dir` as an 8 MiB tmpfs, held open by a sleeping
/// process whose id names it.
async fn small_disk(dir: &Path) -> Child {
    std::fs::create_dir_all(dir).unwrap();
    let mut holder = tokio::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=8m atelier-test "$0" && echo mounted && exec sleep 100000"#)
        .arg(dir)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("util-linux's unshare");
    let mut lines = BufReader::new(holder.stdout.take().unwrap()).lines();
    let said = timeout(PATIENCE, lines.next_line()).await.unwrap().unwrap();
    assert_eq!(
        said.as_deref(),
        Some("mounted"),
        "a tmpfs in a private mount namespace (this test needs the right to mount)"
    );
    holder
}

/// Runs a shell line inside the holder's mount namespace.
async fn inside(holder: &Child, line: &str, dir: &Path) {
    let pid = holder.id().unwrap().to_string();
    let _ = tokio::process::Command::new("nsenter")
        .args(["-t", &pid, "-m", "sh", "-c", line])
        .arg(dir)
        .status()
        .await
        .unwrap();
}

fn note(room: RoomId, column: atelier_shared::ColumnId, n: usize) -> (NoteId, Command) {
    let id = NoteId(Uuid::new_v4());
    // Long enough that each note needs new pages in the write-ahead log.
    let text = format!("Note {n} : {}", "une cantine solidaire au village ".repeat(15));
    let command = Command::PostNote {
        note: id,
        room,
        column,
        text: text.chars().take(atelier_shared::text::NOTE_MAX_CHARS).collect(),
        colour: Colour::Yellow,
        parent: None,
    };
    (id, command)
}

/// The acknowledgement of command `id`, if it comes within `wait`.
async fn acked_within(socket: &mut Socket, id: u64, wait: Duration) -> bool {
    let answer = timeout(
        wait,
        next(socket, |m| match m {
            atelier_shared::protocol::ServerMsg::Ack { id: acked, .. } if acked == id => Some(true),
            atelier_shared::protocol::ServerMsg::Rejected { id: refused, .. } if refused == id => Some(false),
            _ => None,
        }),
    )
    .await;
    answer == Ok(Some(true))
}

async fn health(host: &str) -> bool {
    let request = async {
        let mut stream = tokio::net::TcpStream::connect(host).await.ok()?;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let ask = format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(ask.as_bytes()).await.ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.ok()?;
        Some(answer.starts_with("HTTP/1.1 200"))
    };
    timeout(Duration::from_secs(5), request).await.ok().flatten() == Some(true)
}

fn logged(log: &mut UnboundedReceiver<String>, what: &str) -> bool {
    let mut found = false;
    while let Ok(line) = log.try_recv() {
        found |= line.contains(what);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_pauses_the_workshop_and_it_resumes_by_itself_once_freed() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-disk-{}", Uuid::new_v4())));
    let holder = small_disk(&data.0).await;
    let pid = holder.id().unwrap().to_string();
    let wrapper: Vec<&OsStr> = ["nsenter", "-t", &pid, "-m", "--"].map(OsStr::new).to_vec();
    let (server, host, mut log) = start_in(&wrapper, &data.0, Paces::Lifted).await;

    let created: Created = post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            rooms: vec![RoomRequest {
                name: "Aude".into(),
                territory: None,
            }],
            columns: vec!["Idées".into()],
            ..CreateWorkshop::default()
        },
    )
    .await;
    let request = JoinRequest {
        code: created.code.to_string(),
        name: "Alice".into(),
    };
    let alice: Joined = post(&host, "/api/join", &request).await;
    let (mut socket, workshop, _) = connect(&host, &alice.token).await;
    let room = workshop.rooms[0].id;
    let column = workshop.current_step(room).unwrap().columns[0];
    let mut acked = Vec::new();
    for n in 0..5 {
        let (id, command) = note(room, column, n);
        assert!(
            send(
                &mut socket,
                &ClientMsg::Command {
                    id: n as u64 + 1,
                    command
                }
            )
            .await
        );
        assert!(acked_within(&mut socket, n as u64 + 1, PATIENCE).await);
        acked.push(id);
    }

    // The disk fills up. Posting goes on until a note is not acknowledged.
    inside(&holder, r#"cat /dev/zero > "$0/filler" 2>/dev/null"#, &data.0).await;
    let mut waiting = None;
    for n in 5..400 {
        let (id, command) = note(room, column, n);
        let number = n as u64 + 1;
        assert!(send(&mut socket, &ClientMsg::Command { id: number, command }).await);
        if acked_within(&mut socket, number, Duration::from_secs(3)).await {
            acked.push(id);
        } else {
            waiting = Some((number, id));
            break;
        }
    }
    let (number, pending) = waiting.expect("a full disk stops acknowledgements");
    assert!(health(&host).await, "the server answers while its disk is full");
    assert!(
        logged(&mut log, "waiting for the store to write again"),
        "the log says the workshop waits for the store"
    );

    // Space comes back: the note that waited is written and acknowledged, without a
    // restart, and the workshop takes new notes.
    inside(&holder, r#"rm -f "$0/filler""#, &data.0).await;
    assert!(
        acked_within(&mut socket, number, Duration::from_secs(15)).await,
        "the note that waited is acknowledged once the disk has room"
    );
    acked.push(pending);
    let (id, command) = note(room, column, 1000);
    assert!(send(&mut socket, &ClientMsg::Command { id: 1001, command }).await);
    assert!(acked_within(&mut socket, 1001, PATIENCE).await);
    acked.push(id);
    assert!(logged(&mut log, "the store writes again"), "the log says so");

    // Nothing acknowledged is lost, nothing is doubled: a restart on the same files.
    drop(socket);
    drop(server);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_server, host, _) = start_in(&wrapper, &data.0, Paces::Lifted).await;
    let (_, after, _): (Socket, Workshop, _) = connect(&host, &created.facilitator_secret).await;
    for id in &acked {
        assert!(after.notes.contains_key(id), "acknowledged note {id:?} kept");
    }
    assert_eq!(after.notes.len(), acked.len(), "each note once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_directory_is_reported_as_such_not_as_damage() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-readonly-{}", Uuid::new_v4())));
    {
        let (_server, host, _) = start_in(&[], &data.0, Paces::Lifted).await;
        let _: Created = post(
            &host,
            "/api/workshops",
            &CreateWorkshop {
                facilitator_name: "Camille".into(),
                ..CreateWorkshop::default()
            },
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = std::fs::read(data.0.join("atelier.db")).unwrap();
    // The same directory, mounted read-only in a namespace of its own.
    let run = tokio::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(r#"mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$1" --addr 127.0.0.1:0 --data-dir "$0""#)
        .arg(&data.0)
        .arg(env!("CARGO_BIN_EXE_atelier"))
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output();
    let output = timeout(PATIENCE, run).await.expect("it stops at once").unwrap();
    assert!(
        !output.status.success(),
        "it does not serve from a store it cannot write"
    );
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("write access"), "says what to do: {said}");
    assert!(
        !said.contains("damaged"),
        "a read-only store is not damaged: {said}"
    );
    assert_eq!(
        std::fs::read(data.0.join("atelier.db")).unwrap(),
        before,
        "untouched"
    );
}
