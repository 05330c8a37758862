//! The connection handler driven through channels: every way a connection can end,
//! with the typed error and the close code the client gets. Time is paused where the
//! rule is about time.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use atelier_server::net::Sent;
use atelier_server::ws::connection;
use atelier_server::{Config, Hub};
use atelier_shared::api::{CreateWorkshop, RoomRequest};
use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Actor, Colour, ColumnId, Command, NoteId, Rejection, RoomId};
use axum::extract::ws::Message;
use futures_util::{Sink, Stream, sink, stream};
use tokio::sync::mpsc;
use uuid::Uuid;

type TestSink = Pin<Box<dyn Sink<Message, Error = axum::Error> + Send>>;
type TestStream = Pin<Box<dyn Stream<Item = Result<Message, axum::Error>> + Send>>;

/// The test's end of a connection: what it says, and what the server sent.
struct Peer {
    say: mpsc::Sender<Result<Message, axum::Error>>,
    heard: mpsc::Receiver<Message>,
}

/// Runs a connection over channels. `room` is how many frames may wait unread
/// between the server and the test.
fn connect(hub: &Arc<Hub>, room: usize) -> Peer {
    let (say, said) = mpsc::channel(16);
    let (tell, heard) = mpsc::channel(room);
    let sink: TestSink = Box::pin(sink::unfold(
        tell,
        |tell: mpsc::Sender<Message>, message| async move {
            tell.send(message).await.map_err(axum::Error::new)?;
            Ok::<_, axum::Error>(tell)
        },
    ));
    let stream: TestStream = Box::pin(stream::unfold(said, |mut said| async move {
        said.recv().await.map(|message| (message, said))
    }));
    let peer_addr = SocketAddr::from(([127, 0, 0, 1], 50_000));
    tokio::spawn(connection::run(
        hub.clone(),
        sink,
        stream,
        peer_addr.ip(),
        None,
        Sent::default(),
    ));
    Peer { say, heard }
}

impl Peer {
    async fn hello(&self, token: &Token) {
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: token.clone(),
        };
        self.say.send(Ok(Message::text(hello.encode()))).await.unwrap();
    }

    /// The messages of the next frame the server sends (none for a ping), within
    /// 10 s: `what` says what was awaited. The connection must still be open.
    async fn next_messages(&mut self, what: &str) -> Vec<ServerMsg> {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), self.heard.recv())
            .await
            .expect(what)
            .expect("still open");
        match frame {
            Message::Text(text) => ServerMsg::decode_frame(&text).unwrap(),
            Message::Close(_) => panic!("closed: {frame:?}"),
            Message::Ping(_) | Message::Pong(_) | Message::Binary(_) => Vec::new(),
        }
    }

    /// Everything the server sends until it closes: the messages, and the close code.
    async fn until_closed(&mut self) -> (Vec<ServerMsg>, Option<u16>) {
        let mut messages = Vec::new();
        while let Some(frame) = self.heard.recv().await {
            match frame {
                Message::Text(text) => messages.extend(ServerMsg::decode_frame(&text).unwrap()),
                Message::Close(close) => return (messages, close.map(|c| c.code)),
                Message::Ping(_) | Message::Pong(_) | Message::Binary(_) => {}
            }
        }
        (messages, None)
    }
}

fn last_error(messages: &[ServerMsg]) -> Option<ErrorCode> {
    messages.iter().rev().find_map(|m| match m {
        ServerMsg::Error { code, .. } => Some(*code),
        _ => None,
    })
}

/// A workshop of one room and one column, led by Camille.
fn one_room() -> CreateWorkshop {
    CreateWorkshop {
        title: Some("Atelier".into()),
        facilitator_name: "Camille".into(),
        rooms: vec![RoomRequest {
            name: "Salle 1".into(),
            territory: None,
        }],
        columns: vec!["Idées".into()],
        ..Default::default()
    }
}

struct Fixture {
    hub: Arc<Hub>,
    lead: Token,
}

async fn fixture(config: Config) -> Fixture {
    let hub = Arc::new(Hub::new(
        config,
        "http://atelier.test".into(),
        None,
        atelier_server::ServerKey::ephemeral(),
    ));
    let created = hub.create_workshop(one_room()).await.unwrap();
    Fixture {
        hub,
        lead: created.facilitator_secret,
    }
}

#[tokio::test]
async fn a_connection_that_cannot_keep_up_catches_up_with_a_snapshot_and_stays_open() {
    let mut config = Config::default();
    config.limits.outbox_messages = 8;
    // Only the full queue may end this connection, not a stuck write.
    config.limits.write_timeout = std::time::Duration::from_secs(3600);
    // Fifty notes in an instant: faster than anyone may post.
    config.limits.notes = None;
    let f = fixture(config).await;
    let (handle, lead) = f.hub.authenticate(&f.lead).unwrap();
    let room = handle.inspect().await.unwrap().workshop.rooms[0].id;
    let column = handle.inspect().await.unwrap().workshop.columns[0].id;
    let post = |text: String| Command::PostNote {
        note: NoteId(Uuid::new_v4()),
        room,
        column,
        text,
        colour: Colour::Yellow,
        parent: None,
    };

    // A reader that takes nothing for now: one frame fits between it and the server.
    let mut slow = connect(&f.hub, 1);
    slow.hello(&f.lead).await;
    for i in 0..50 {
        handle
            .command(Actor::Member(lead), post(format!("idée {i}")))
            .await
            .unwrap()
            .unwrap();
        if i == 25 {
            // Its own command, sent while it is far behind: its answer is kept.
            let mine = ClientMsg::Command {
                id: 99,
                command: post("la mienne".into()),
            };
            slow.say.send(Ok(Message::text(mine.encode()))).await.unwrap();
        }
    }

    // Now it reads: a fresh snapshot, then what came after it, makes every note;
    // its ack comes; no error, no close.
    let (mut events, mut acked, mut notes) = (0, false, 0);
    while !(acked && notes == 51) {
        for message in slow.next_messages("it catches up at once").await {
            match message {
                ServerMsg::Event { .. } => {
                    events += 1;
                    notes += 1;
                }
                ServerMsg::Ack { id: 99, .. } => acked = true,
                ServerMsg::Welcome { workshop, .. } => notes = workshop.notes.len(),
                ServerMsg::Error { code, .. } => panic!("told {code:?}"),
                _ => {}
            }
        }
    }
    assert!(events < 51, "the backlog was replaced, not sent: {events} events");
    let inspection = handle.inspect().await.unwrap();
    assert_eq!(inspection.subscribers, 1, "still connected");
    assert_eq!(inspection.workshop.notes.len(), 51, "nobody else was held up");
}

/// A client that pipelines far more commands than its queue holds, with the store
/// on (whose acks come in batches, once written), and reads late: the server stops
/// reading it while the answers it owes would fill the queue, so its answers never
/// do, and it is slowed, not cut off as `lagging`.
/// A hub with a store (whose acks come once written, in batches) and one workshop
/// of one room and one column: the hub, the lead's token, where notes go, and the
/// store's directory (removed when dropped).
async fn with_store(config: Config) -> (Arc<Hub>, Token, RoomId, ColumnId, TempDir) {
    let data = TempDir(std::env::temp_dir().join(format!("atelier-conn-{}", Uuid::new_v4())));
    std::fs::create_dir_all(&data.0).unwrap();
    let store = atelier_server::store::sqlite::SqliteStore::open(&data.0.join("atelier.db")).unwrap();
    let hub = Arc::new(Hub::new(
        config,
        "http://atelier.test".into(),
        Some(atelier_server::store::Committer::start(store)),
        atelier_server::ServerKey::ephemeral(),
    ));
    let created = hub.create_workshop(one_room()).await.unwrap();
    let (handle, _) = hub.authenticate(&created.facilitator_secret).unwrap();
    let workshop = handle.inspect().await.unwrap().workshop;
    let (room, column) = (workshop.rooms[0].id, workshop.columns[0].id);
    (hub, created.facilitator_secret, room, column, data)
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn post_note(id: u64, room: RoomId, column: ColumnId) -> Message {
    let command = Command::PostNote {
        note: NoteId(Uuid::new_v4()),
        room,
        column,
        text: format!("idée {id}"),
        colour: Colour::Yellow,
        parent: None,
    };
    Message::text(ClientMsg::Command { id, command }.encode())
}

/// A client that pipelines far more commands than its queue holds, with the store
/// on (whose acks come in batches, once written), and reads late: the server stops
/// reading it while the answers it owes would fill the queue, so its answers never
/// do, and it is slowed, not cut off as `lagging`.
#[tokio::test]
async fn a_client_pipelining_many_commands_is_slowed_not_cut_off() {
    let mut config = Config::default();
    config.limits.outbox_messages = 8;
    config.limits.write_timeout = std::time::Duration::from_secs(3600);
    config.limits.commands = None;
    config.limits.notes = None;
    let (hub, token, room, column, _data) = with_store(config).await;
    let handle = hub.authenticate(&token).unwrap().0;
    let created_secret = token;
    let mut client = connect(&hub, 1);
    client.hello(&created_secret).await;
    const SENT: u64 = 60;
    let (progress, mut sent) = mpsc::unbounded_channel();
    let say = client.say.clone();
    tokio::spawn(async move {
        for id in 1..=SENT {
            if say.send(Ok(post_note(id, room, column))).await.is_err() {
                return;
            }
            let _ = progress.send(id);
        }
    });
    // It reads nothing until 16 commands are out (what its side of the connection
    // holds, so they go out whether or not the server reads): twice what its queue
    // of 8 holds.
    while sent.recv().await.expect("the client sends") < 16 {}

    let mut acked = std::collections::BTreeSet::new();
    while acked.len() < SENT as usize {
        for message in client.next_messages("the answers come").await {
            match message {
                ServerMsg::Ack { id, .. } => assert!(acked.insert(id), "{id} acknowledged twice"),
                ServerMsg::Error { code, .. } => panic!("told {code:?} after {} acks", acked.len()),
                ServerMsg::Rejected { id, message, .. } => panic!("{id} refused: {message}"),
                _ => {}
            }
        }
    }
    let inspection = handle.inspect().await.unwrap();
    assert_eq!(inspection.subscribers, 1, "still connected");
    assert_eq!(
        inspection.workshop.notes.len(),
        SENT as usize,
        "every command applied once"
    );
    hub.stop().await;
}

/// Past its pace a client's commands are refused `too_fast` by its connection, before
/// the workshop: those refusals still come in their turn, after the acks of the
/// commands before them, which wait for the store.
#[tokio::test]
async fn commands_past_the_pace_are_answered_in_their_turn() {
    let mut config = Config::default();
    config.limits.notes = None; // only the connection's pace: 30/s, 60 at once
    let (hub, token, room, column, _data) = with_store(config).await;
    let mut client = connect(&hub, 1024);
    client.hello(&token).await;
    const SENT: u64 = 150;
    for id in 1..=SENT {
        client.say.send(Ok(post_note(id, room, column))).await.unwrap();
    }
    let (mut answered, mut refused) = (Vec::new(), 0);
    while answered.len() < SENT as usize {
        for message in client.next_messages("the answers come").await {
            match message {
                ServerMsg::Ack { id, .. } => answered.push(id),
                ServerMsg::Rejected { id, rejection, .. } => {
                    assert!(
                        matches!(rejection, Rejection::TooFast { .. }),
                        "{id}: {rejection:?}"
                    );
                    refused += 1;
                    answered.push(id);
                }
                _ => {}
            }
        }
    }
    assert!(refused > 0 && refused < SENT, "some paced, some not: {refused}");
    assert_eq!(answered, (1..=SENT).collect::<Vec<_>>(), "answered in order");
    hub.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_silent_connection_is_pinged_then_closed_after_the_idle_timeout() {
    let f = fixture(Config::default()).await;
    let idle = f.hub.config.limits.idle_timeout;
    let mut peer = connect(&f.hub, 16);
    peer.hello(&f.lead).await;
    let started = tokio::time::Instant::now();
    let mut pings = 0;
    let close = loop {
        match peer.heard.recv().await.unwrap() {
            Message::Ping(_) => pings += 1,
            Message::Close(close) => break close.map(|c| c.code),
            _ => {}
        }
    };
    assert_eq!(close, Some(4009));
    assert!(started.elapsed() >= idle);
    assert!(pings >= 2, "pinged every {:?}", f.hub.config.limits.ping_interval);
}

#[tokio::test(start_paused = true)]
async fn a_connection_answering_pings_stays_open() {
    let f = fixture(Config::default()).await;
    let idle = f.hub.config.limits.idle_timeout;
    let mut peer = connect(&f.hub, 16);
    peer.hello(&f.lead).await;
    let started = tokio::time::Instant::now();
    while started.elapsed() < idle * 3 {
        match peer.heard.recv().await.unwrap() {
            Message::Ping(payload) => peer.say.send(Ok(Message::Pong(payload))).await.unwrap(),
            Message::Close(close) => panic!("closed while answering pings: {close:?}"),
            _ => {}
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_says_hello_is_closed() {
    let f = fixture(Config::default()).await;
    let mut peer = connect(&f.hub, 16);
    let (messages, close) = peer.until_closed().await;
    assert_eq!(last_error(&messages), Some(ErrorCode::HelloExpected));
    assert_eq!(close, Some(4000));
    assert_eq!(*f.hub.connections().borrow(), 0);
}

#[tokio::test]
async fn a_full_server_turns_new_connections_away_politely() {
    let mut config = Config::default();
    config.limits.max_connections = 1;
    let f = fixture(config).await;
    let first = connect(&f.hub, 16);
    first.hello(&f.lead).await;
    let mut connections = f.hub.connections();
    connections.wait_for(|n| *n == 1).await.unwrap();

    let mut second = connect(&f.hub, 16);
    let (messages, close) = second.until_closed().await;
    assert_eq!(last_error(&messages), Some(ErrorCode::ServerBusy));
    assert_eq!(close, Some(1013));
}

#[tokio::test]
async fn shutting_down_tells_every_connection_to_come_back() {
    let f = fixture(Config::default()).await;
    let mut peer = connect(&f.hub, 16);
    peer.hello(&f.lead).await;
    assert!(matches!(
        ServerMsg::decode_frame(peer.heard.recv().await.unwrap().to_text().unwrap()).unwrap()[0],
        ServerMsg::Welcome { .. }
    ));
    f.hub.shut_down();
    let (messages, close) = peer.until_closed().await;
    assert_eq!(last_error(&messages), Some(ErrorCode::ShuttingDown));
    assert_eq!(close, Some(1001));
    assert!(ErrorCode::ShuttingDown.retry());
}
