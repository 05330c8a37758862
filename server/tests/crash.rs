//! `kill -9` in the middle of a workshop: the real binary, real websockets, notes
//! posted as fast as they are acknowledged, the process killed without warning, then
//! started again on the same data directory. Every acknowledged note is there, once,
//! and so is the facilitator's timer.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use atelier_shared::api::{CreateWorkshop, Created, JoinRequest, Joined, RoomRequest};
use atelier_shared::model::TimerState;
use atelier_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Colour, Command, NoteId, ParticipantId, Workshop};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Child;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

const PATIENCE: Duration = Duration::from_secs(20);

struct DataDir(PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the server binary on a free port; returns it and its `host:port`.
async fn start(data: &Path) -> (Child, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"))
        .args(["--addr", "127.0.0.1:0", "--static-dir"])
        .arg(data)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let host = timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.find("http://") {
                let rest = &line[at + "http://".len()..];
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '\u{1b}')
                    .unwrap_or(rest.len());
                return rest[..end].to_owned();
            }
        }
        panic!("the server exited before it was ready");
    })
    .await
    .expect("the server starts in time");
    // Keep reading its output so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, host)
}

/// A JSON request over a plain connection.
async fn post<B: Serialize, R: DeserializeOwned>(host: &str, path: &str, body: &B) -> R {
    let body = serde_json::to_string(body).unwrap();
    let mut stream = TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (_, json) = answer.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn send(socket: &mut Socket, message: &ClientMsg) -> bool {
    socket.send(Message::text(message.encode())).await.is_ok()
}

/// Reads until a message `pick` accepts; `None` once the connection is gone.
async fn next<T>(socket: &mut Socket, pick: impl Fn(ServerMsg) -> Option<T>) -> Option<T> {
    loop {
        let Ok(Some(Ok(frame))) = timeout(PATIENCE, socket.next()).await else {
            return None;
        };
        let Message::Text(text) = frame else { continue };
        if let Some(found) = ServerMsg::decode_frame(&text)
            .unwrap()
            .into_iter()
            .find_map(&pick)
        {
            return Some(found);
        }
    }
}

/// Connects with `token`; returns the socket, the welcome's workshop and who we are.
async fn connect(host: &str, token: &Token) -> (Socket, Workshop, ParticipantId) {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws"))
        .await
        .unwrap();
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: token.clone(),
    };
    assert!(send(&mut socket, &hello).await);
    let (workshop, you) = next(&mut socket, |m| match m {
        ServerMsg::Welcome { workshop, you, .. } => Some((workshop, you)),
        _ => None,
    })
    .await
    .expect("a welcome");
    (socket, workshop, you)
}

/// Sends a command and waits for its answer: `Some(true)` if acknowledged, `None` if
/// the connection went away first.
async fn command(socket: &mut Socket, id: u64, command: Command) -> Option<bool> {
    if !send(socket, &ClientMsg::Command { id, command }).await {
        return None;
    }
    next(socket, |m| match m {
        ServerMsg::Ack { id: acked, .. } if acked == id => Some(true),
        ServerMsg::Rejected { id: refused, .. } if refused == id => Some(false),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_note_survives_kill_9_and_none_is_doubled() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-crash-{}", Uuid::new_v4())));
    let (mut server, host) = start(&data.0).await;

    let room = |name: &str| RoomRequest {
        name: name.into(),
        territory: None,
    };
    let created: Created = post(
        &host,
        "/api/workshops",
        &CreateWorkshop {
            facilitator_name: "Camille".into(),
            rooms: vec![room("Aude"), room("Gard")],
            columns: vec!["Idées".into()],
            ..CreateWorkshop::default()
        },
    )
    .await;
    let (mut lead, _, _) = connect(&host, &created.facilitator_secret).await;
    let timer = Command::StartTimer {
        seconds: 900,
        auto_lock: false,
    };
    assert_eq!(command(&mut lead, 1, timer).await, Some(true));

    // Four participants post notes one after another, each waiting for its ack.
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<NoteId>();
    let mut writers = Vec::new();
    for n in 0..4 {
        let request = JoinRequest {
            code: created.code.to_string(),
            name: format!("Personne {n}"),
        };
        let joined: Joined = post(&host, "/api/join", &request).await;
        let (mut socket, workshop, _) = connect(&host, &joined.token).await;
        let room = joined.room.expect("placed in a room");
        let column = workshop.current_step(room).unwrap().columns[0];
        let acked = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for id in 1.. {
                let note = NoteId(Uuid::new_v4());
                let post = Command::PostNote {
                    note,
                    room,
                    column,
                    text: format!("Note {id} de la personne {n}"),
                    colour: Colour::Yellow,
                    parent: None,
                };
                // Until the server dies.
                match command(&mut socket, id, post).await {
                    Some(accepted) => {
                        assert!(accepted, "note {id} of person {n} refused");
                        let _ = acked.send(note);
                    }
                    None => return,
                }
            }
        }));
    }
    drop(acked_tx);

    // Mid-stream, with writes in flight: kill -9.
    let mut acknowledged = BTreeSet::new();
    while acknowledged.len() < 150 {
        acknowledged.insert(acked_rx.recv().await.unwrap());
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    while let Ok(note) = acked_rx.try_recv() {
        acknowledged.insert(note);
    }

    // Started again on the same directory.
    let (_server, host) = start(&data.0).await;
    let (_lead, workshop, _) = connect(&host, &created.facilitator_secret).await;
    let notes = &workshop.notes;
    let missing: Vec<&NoteId> = acknowledged.iter().filter(|id| !notes.contains_key(id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged notes lost: {missing:?}",
        missing.len()
    );
    let texts: BTreeSet<&str> = notes.values().map(|n| n.text.as_str()).collect();
    assert_eq!(texts.len(), notes.len(), "no note is there twice");
    assert!(notes.len() >= acknowledged.len());
    assert!(
        matches!(workshop.timer.state, TimerState::Running { .. }),
        "the timer survives"
    );
    eprintln!(
        "{} notes acknowledged before kill -9, {} found after the restart",
        acknowledged.len(),
        notes.len()
    );
}
