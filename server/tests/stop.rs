//! `docker stop`, `systemctl stop` and Kubernetes send SIGTERM: the real binary stops
//! the way Ctrl-C stops it. It says so, tells every websocket to come back later
//! (close code 1001), keeps everything it acknowledged, and exits cleanly.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
#![cfg(unix)]

mod support;

use atelier_shared::api::{CreateWorkshop, Created};
use atelier_shared::protocol::{ClientMsg, ServerMsg};
use atelier_shared::{Colour, Command, NoteId};
use futures_util::{SinkExt, StreamExt};
use support::{DataDir, PATIENCE, Paces, command, connect, post, start, start_in};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_gently_and_keeps_what_it_acknowledged() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-stop-{}", Uuid::new_v4())));
    let (mut server, host, mut log) = start_in(&[], &data.0, Paces::Lifted).await;
    let created = workshop(&host).await;
    let (mut lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let note = NoteId(Uuid::new_v4());
    let posted = first_column(&workshop, note, "Dit juste avant l'arrêt");
    assert_eq!(command(&mut lead, 1, posted).await, Some(true), "acknowledged");

    let pid = server.id().unwrap().to_string();
    sigterm(&pid);

    // The participant is told to come back later, not cut off.
    let closed = timeout(PATIENCE, async {
        while let Some(Ok(frame)) = lead.next().await {
            if let Message::Close(frame) = frame {
                return frame.map(|f| f.code);
            }
        }
        None
    })
    .await
    .expect("the websocket is closed in time");
    assert_eq!(closed, Some(CloseCode::Away), "1001: going away, come back later");

    let status = timeout(PATIENCE, server.wait())
        .await
        .expect("the server exits in time")
        .unwrap();
    assert!(status.success(), "a clean exit, not a kill: {status}");
    let mut lines = Vec::new();
    while let Ok(Some(line)) = timeout(PATIENCE, log.recv()).await {
        lines.push(line);
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("shutting down") && l.contains("SIGTERM")),
        "it says why it stops:\n{}",
        lines.join("\n")
    );

    // Started again on the same data: the acknowledged note is there.
    let (_again, host) = start(&data.0).await;
    let (_, workshop, _) = connect(&host, &created.facilitator_secret).await;
    assert!(
        workshop.notes.contains_key(&note),
        "nothing acknowledged was lost"
    );
}

/// Commands pipelined without end in four workshops, SIGTERM in the middle: the
/// server stops taking them, and whatever it applied (sent as `applied` or `ack`)
/// is written before it exits, though the connection closed before its `ack`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_writes_everything_it_applied_before_exiting() {
    const WORKSHOPS: usize = 4;
    let data = DataDir(std::env::temp_dir().join(format!("atelier-stop-{}", Uuid::new_v4())));
    let (mut server, host, _log) = start_in(&[], &data.0, Paces::Lifted).await;
    let (applied_tx, mut applied_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut leads = Vec::new();
    for _ in 0..WORKSHOPS {
        let created = workshop(&host).await;
        let (mut lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
        let note = NoteId(Uuid::new_v4());
        let posted = first_column(&workshop, note, "edit 1");
        assert_eq!(command(&mut lead, 1, posted).await, Some(true));
        let (mut sink, mut stream) = lead.split();
        // Edits, each with its id in its text, as fast as the server takes them.
        tokio::spawn(async move {
            for id in 2.. {
                let command = Command::EditNote {
                    note,
                    text: format!("edit {id}"),
                    colour: Colour::Blue,
                };
                let frame = Message::text(ClientMsg::Command { id, command }.encode());
                if sink.send(frame).await.is_err() {
                    break; // the server has stopped taking them
                }
            }
        });
        // The last command the server said it applied (`applied` or `ack`).
        let applied = applied_tx.clone();
        let reading = tokio::spawn(async move {
            let (mut last, mut closed) = (1, None);
            while let Some(Ok(frame)) = stream.next().await {
                if let Message::Close(frame) = &frame {
                    closed = frame.as_ref().map(|f| f.code);
                }
                let Message::Text(text) = frame else { continue };
                for message in ServerMsg::decode_frame(&text).unwrap() {
                    if let ServerMsg::Applied { id } | ServerMsg::Ack { id, .. } = message {
                        last = last.max(id);
                        let _ = applied.send(());
                    }
                }
            }
            (last, closed)
        });
        leads.push((created.facilitator_secret, note, reading));
    }

    // SIGTERM once a few thousand are in, while more keep coming.
    for _ in 0..4_000 {
        applied_rx.recv().await.expect("the server applies commands");
    }
    let pid = server.id().unwrap().to_string();
    sigterm(&pid);
    let status = timeout(PATIENCE, server.wait())
        .await
        .expect("the server exits in time")
        .unwrap();
    assert!(status.success(), "a clean exit: {status}");

    let (_again, host) = start(&data.0).await;
    for (token, note, reading) in leads {
        let (last, closed) = timeout(PATIENCE, reading)
            .await
            .expect("the websocket is closed in time")
            .unwrap();
        // Told to come back later, though it was still sending: not reset.
        assert_eq!(closed, Some(CloseCode::Away), "1001, going away");
        let (_, workshop, _) = connect(&host, &token).await;
        // It may have applied (and written) more than it could tell before the
        // connection closed: never less.
        let written: u64 = workshop.notes[&note].text["edit ".len()..].parse().unwrap();
        assert!(
            written >= last,
            "command {last} was said applied, but only {written} was written"
        );
    }
}

/// A stop that waits (here for a client that never answers the goodbye) can be cut
/// short: a second signal ends the process at once, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_ends_a_waiting_stop_at_once() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-stop-{}", Uuid::new_v4())));
    let (mut server, host, mut log) = start_in(&[], &data.0, Paces::Lifted).await;
    let created = workshop(&host).await;
    // A participant that reads nothing, with a small receive buffer: once the room's
    // news fills it, the server's goodbye to it waits (2 s at most).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(host.parse().unwrap()).await.unwrap();
    let (mut silent, _) = tokio_tungstenite::client_async(format!("ws://{host}/ws"), stream)
        .await
        .unwrap();
    let hello = ClientMsg::Hello {
        protocol: atelier_shared::protocol::PROTOCOL_VERSION,
        token: created.facilitator_secret.clone(),
    };
    silent.send(Message::text(hello.encode())).await.unwrap();
    let (mut lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let room = workshop.rooms[0].id;
    let column = workshop.current_step(room).unwrap().columns[0];
    for id in 1..=400 {
        let posted = Command::PostNote {
            note: NoteId(Uuid::new_v4()),
            room,
            column,
            text: "x".repeat(atelier_shared::text::NOTE_MAX_CHARS),
            colour: Colour::Yellow,
            parent: None,
        };
        assert_eq!(command(&mut lead, id, posted).await, Some(true));
    }
    let pid = server.id().unwrap().to_string();
    sigterm(&pid);
    timeout(PATIENCE, async {
        while let Some(line) = log.recv().await {
            if line.contains("shutting down") {
                return;
            }
        }
        panic!("the server exited without saying it stops");
    })
    .await
    .expect("it says it stops");
    sigterm(&pid);
    let started = std::time::Instant::now();
    let status = timeout(PATIENCE, server.wait())
        .await
        .expect("the server exits")
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "at once, not after the goodbye's 2 s: {:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), Some(1), "not a clean stop: {status}");
    let mut lines = Vec::new();
    while let Ok(Some(line)) = timeout(PATIENCE, log.recv()).await {
        lines.push(line);
    }
    assert!(
        lines.iter().any(|l| l.contains("asked again to stop")),
        "it says why:\n{}",
        lines.join("\n")
    );
}

/// A request whose body never comes (a stalled upload, a hostile client) does not
/// hold the stop: it is cut after a few seconds, and the server exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_comes_does_not_hold_the_stop() {
    use tokio::io::AsyncWriteExt;
    let data = DataDir(std::env::temp_dir().join(format!("atelier-stop-{}", Uuid::new_v4())));
    let (mut server, host, mut log) = start_in(&[], &data.0, Paces::Lifted).await;
    let mut stalled = tokio::net::TcpStream::connect(&host).await.unwrap();
    stalled
        .write_all(
            format!(
                "POST /api/join HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{\"code\":"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // The request has reached the server (its headers are read) before the signal.
    let health = support::get(&host, "/api/health", &[]).await;
    assert_eq!(health.status, 200);
    let pid = server.id().unwrap().to_string();
    sigterm(&pid);
    let started = std::time::Instant::now();
    let status = timeout(PATIENCE, server.wait())
        .await
        .expect("the server exits though a request is unfinished")
        .unwrap();
    assert!(status.success(), "a clean exit: {status}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let mut lines = Vec::new();
    while let Ok(Some(line)) = timeout(PATIENCE, log.recv()).await {
        lines.push(line);
    }
    assert!(
        lines.iter().any(|l| l.contains("still unfinished")),
        "it says what it cut:\n{}",
        lines.join("\n")
    );
    drop(stalled);
}

/// A workshop led by Camille.
async fn workshop(host: &str) -> Created {
    let asked = CreateWorkshop {
        facilitator_name: "Camille".into(),
        ..CreateWorkshop::default()
    };
    post(host, "/api/workshops", &asked).await
}

/// Sends SIGTERM to process `pid`.
fn sigterm(pid: &str) {
    let sent = std::process::Command::new("kill")
        .args(["-TERM", pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -TERM {pid}");
}

/// Posts `note` with `text` in the first room's first column of the current step.
fn first_column(workshop: &atelier_shared::Workshop, note: NoteId, text: &str) -> Command {
    let room = workshop.rooms[0].id;
    Command::PostNote {
        note,
        room,
        column: workshop.current_step(room).unwrap().columns[0],
        text: text.into(),
        colour: Colour::Yellow,
        parent: None,
    }
}
