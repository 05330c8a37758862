//! `kill -9` in the middle of a workshop: the real binary, real websockets, notes
//! posted as fast as they are acknowledged, the process killed without warning, then
//! started again on the same data directory. Every acknowledged note is there, once,
//! and so is the facilitator's timer.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_atelier"))
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
async fn post(host: &str, path: &str, body: Value) -> Value {
    let body = body.to_string();
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

/// Connects with `token`; returns the socket and the welcome's workshop and identity.
async fn connect(host: &str, token: &str) -> (Socket, Value, String) {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws"))
        .await
        .unwrap();
    let hello = json!({ "type": "hello", "protocol": 1, "token": token });
    socket.send(Message::text(hello.to_string())).await.unwrap();
    loop {
        let frame = timeout(PATIENCE, socket.next()).await.unwrap().unwrap().unwrap();
        let Message::Text(text) = frame else { continue };
        let messages: Vec<Value> = serde_json::from_str(&text).unwrap();
        for message in messages {
            if message["type"] == "welcome" {
                let you = message["you"].as_str().unwrap().to_owned();
                return (socket, message["workshop"].clone(), you);
            }
        }
    }
}

/// Sends one command and waits for its answer: `true` if acknowledged.
async fn command(socket: &mut Socket, id: u64, command: Value) -> bool {
    let message = json!({ "type": "command", "id": id, "command": command });
    socket.send(Message::text(message.to_string())).await.unwrap();
    loop {
        let frame = timeout(PATIENCE, socket.next()).await.unwrap().unwrap().unwrap();
        let Message::Text(text) = frame else { continue };
        let messages: Vec<Value> = serde_json::from_str(&text).unwrap();
        for message in messages {
            if message["id"] == id {
                return message["type"] == "ack";
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_note_survives_kill_9_and_none_is_doubled() {
    let data = DataDir(std::env::temp_dir().join(format!("atelier-crash-{}", Uuid::new_v4())));
    let (mut server, host) = start(&data.0).await;

    let created = post(
        &host,
        "/api/workshops",
        json!({ "facilitator_name": "Camille", "rooms": [{ "name": "Aude" }, { "name": "Gard" }], "columns": ["Idées"] }),
    )
    .await;
    let code = created["code"].as_str().unwrap().to_owned();
    let lead_token = created["facilitator_secret"].as_str().unwrap().to_owned();
    let (mut lead, _, _) = connect(&host, &lead_token).await;
    assert!(
        command(
            &mut lead,
            1,
            json!({ "kind": "start_timer", "seconds": 900, "auto_lock": false })
        )
        .await
    );

    // Four participants post notes one after another, each waiting for its ack.
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writers = Vec::new();
    for n in 0..4 {
        let joined = post(
            &host,
            "/api/join",
            json!({ "code": code, "name": format!("Personne {n}") }),
        )
        .await;
        let token = joined["token"].as_str().unwrap().to_owned();
        let (mut socket, workshop, you) = connect(&host, &token).await;
        let room = workshop["participants"][&you]["room"]
            .as_str()
            .unwrap()
            .to_owned();
        let step = workshop["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == room.as_str())
            .unwrap()["step"]
            .clone();
        let column = workshop["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == step)
            .unwrap()["columns"][0]
            .clone();
        let acked = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for id in 1.. {
                let note = Uuid::new_v4().to_string();
                let post = json!({ "kind": "post_note", "note": note, "room": room, "column": column,
                                   "text": format!("Note {id} de la personne {n}") });
                let message = json!({ "type": "command", "id": id, "command": post });
                if socket.send(Message::text(message.to_string())).await.is_err() {
                    return;
                }
                // Until the answer comes (or the server dies).
                loop {
                    let Ok(Some(Ok(frame))) = timeout(PATIENCE, socket.next()).await else {
                        return;
                    };
                    let Message::Text(text) = frame else { continue };
                    let messages: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
                    if let Some(answer) = messages.iter().find(|m| m["id"] == id) {
                        assert_eq!(answer["type"], "ack", "{answer}");
                        let _ = acked.send(note.clone());
                        break;
                    }
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
    let (_lead, workshop, _) = connect(&host, &lead_token).await;
    let notes = workshop["notes"].as_object().unwrap();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !notes.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged notes lost: {missing:?}",
        missing.len()
    );
    let texts: BTreeSet<&str> = notes.values().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), notes.len(), "no note is there twice");
    assert!(notes.len() >= acknowledged.len());
    assert_eq!(
        workshop["timer"]["state"]["state"], "running",
        "the timer survives"
    );
    eprintln!(
        "{} notes acknowledged before kill -9, {} found after the restart",
        acknowledged.len(),
        notes.len()
    );
}
