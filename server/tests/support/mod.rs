//! What the tests of the real binary share: starting it, talking to it over plain
//! HTTP and websockets.

#![allow(dead_code)] // each test file uses its own part

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use atelier_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Command, ParticipantId, RoomId, StepId, Workshop};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Child;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) struct DataDir(pub PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the server binary on a free port; returns it and its `host:port`.
pub(crate) async fn start(data: &Path) -> (Child, String) {
    let (child, host, _) = start_in(&[], data, Paces::Lifted).await;
    (child, host)
}

/// Whether the server runs with its default paces and per-address limits, or none
/// (`--no-rate-limits`: writers post as fast as the server answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Paces {
    Default,
    Lifted,
}

/// Starts the server binary through `wrapper` (a command that runs the one after it,
/// such as `nsenter …`; none if empty) on a free port, with its store in `data`:
/// returns it, its `host:port` and the lines it logs from then on.
pub(crate) async fn start_in(
    wrapper: &[&OsStr],
    data: &Path,
    paces: Paces,
) -> (Child, String, UnboundedReceiver<String>) {
    launch(wrapper, data, paces, &[]).await
}

/// Starts the server binary with these options added; returns it, its `host:port`
/// and the lines it logs.
pub(crate) async fn start_with(data: &Path, options: &[&str]) -> (Child, String, UnboundedReceiver<String>) {
    launch(&[], data, Paces::Lifted, options).await
}

async fn launch(
    wrapper: &[&OsStr],
    data: &Path,
    paces: Paces,
    options: &[&str],
) -> (Child, String, UnboundedReceiver<String>) {
    let binary = OsStr::new(env!("CARGO_BIN_EXE_atelier"));
    let (program, before) = match wrapper.split_first() {
        Some((program, rest)) => (*program, [rest, &[binary]].concat()),
        None => (binary, Vec::new()),
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(before)
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .args((paces == Paces::Lifted).then_some("--no-rate-limits"))
        .args(options);
    spawn_ready(command).await
}

/// Starts the server binary with exactly these options; returns it, its `host:port`
/// and the lines it logs.
pub(crate) async fn start_exactly(options: &[&str]) -> (Child, String, UnboundedReceiver<String>) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"));
    command.args(options);
    spawn_ready(command).await
}

/// Runs `command` (the server) and waits until it says where it listens.
async fn spawn_ready(mut command: tokio::process::Command) -> (Child, String, UnboundedReceiver<String>) {
    let mut child = command
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
    let (logged, log) = unbounded_channel();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = logged.send(line);
        }
    });
    (child, host, log)
}

/// A JSON request over a plain connection; a `307` is followed as a browser does
/// (the same method and body, to the path it names).
pub(crate) async fn post<B: Serialize, R: DeserializeOwned>(host: &str, path: &str, body: &B) -> R {
    let body = serde_json::to_string(body).unwrap();
    let mut path = path.to_owned();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(host).await.unwrap();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, json) = answer.split_once("\r\n\r\n").unwrap();
        let location = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        });
        match location {
            Some(next) if head.starts_with("HTTP/1.1 307") => path = next,
            _ => return serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}")),
        }
    }
    panic!("redirected more than 3 times from {path}");
}

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

pub(crate) async fn send(socket: &mut Socket, message: &ClientMsg) -> bool {
    socket.send(Message::text(message.encode())).await.is_ok()
}

/// Reads until a message `pick` accepts; `None` once the connection is gone.
pub(crate) async fn next<T>(socket: &mut Socket, pick: impl Fn(ServerMsg) -> Option<T>) -> Option<T> {
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
pub(crate) async fn connect(host: &str, token: &Token) -> (Socket, Workshop, ParticipantId) {
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
pub(crate) async fn command(socket: &mut Socket, id: u64, command: Command) -> Option<bool> {
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

pub(crate) fn step_keyed(workshop: &Workshop, key: &str) -> StepId {
    workshop
        .steps
        .iter()
        .find(|s| s.key.as_deref() == Some(key))
        .unwrap()
        .id
}

pub(crate) fn room_named(workshop: &Workshop, name: &str) -> RoomId {
    workshop.rooms.iter().find(|r| r.name == name).unwrap().id
}

/// What a plain HTTP/1.0 GET got: the status, the headers (names in lower case) and
/// the body's bytes.
pub(crate) struct Got {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Got {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A GET with these request headers, over a connection of its own.
pub(crate) async fn get(host: &str, path: &str, headers: &[(&str, &str)]) -> Got {
    request(host, "GET", path, headers).await
}

/// A request without a body, over a connection of its own.
pub(crate) async fn request(host: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Got {
    let mut stream = TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {host}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Got {
        status,
        headers,
        body: answer[split + 4..].to_vec(),
    }
}
