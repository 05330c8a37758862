//! A participant's websocket, speaking the protocol the way the browser client does.

use std::collections::{BTreeSet, VecDeque};

use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Command, Event, NoteId, ParticipantId, Rejection, Workshop};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use uuid::Uuid;

use crate::{PATIENCE, TestServer};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct WsClient {
    pub socket: Socket,
    /// Who the server says we are.
    pub you: ParticipantId,
    /// The replica, kept up to date by the same `apply_event` the browser uses.
    pub workshop: Workshop,
    /// Who, among the people this connection sees, is online (from the welcome and
    /// presence messages, which `recv` absorbs).
    pub online: BTreeSet<ParticipantId>,
    /// Messages received but not yet looked at.
    inbox: VecDeque<ServerMsg>,
    next_id: u64,
}

impl std::fmt::Debug for WsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsClient")
            .field("you", &self.you)
            .finish_non_exhaustive()
    }
}

/// A random first command id, below 2^53 so that JavaScript could hold it too.
fn first_command_id() -> u64 {
    (Uuid::new_v4().as_u64_pair().0 >> 12) + 1
}

/// Opens a websocket to the server without saying anything.
pub async fn open(server: &TestServer) -> Socket {
    let (socket, _) = connect_async(format!("ws://{}/ws", server.addr))
        .await
        .expect("websocket handshake");
    socket
}

impl WsClient {
    /// Connects, says hello with `token`, and waits for the welcome.
    pub async fn connect(server: &TestServer, token: &Token) -> WsClient {
        let mut socket = open(server).await;
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: token.clone(),
        };
        socket
            .send(Message::text(hello.encode()))
            .await
            .expect("send hello");
        let mut inbox: VecDeque<ServerMsg> = read_frame(&mut socket).await.into();
        match inbox.pop_front() {
            Some(ServerMsg::Welcome {
                protocol,
                you,
                workshop,
                online,
                ..
            }) => {
                assert_eq!(protocol, PROTOCOL_VERSION);
                WsClient {
                    socket,
                    you,
                    workshop,
                    online: online.into_iter().collect(),
                    inbox,
                    // As the browser does: ids never repeat across connections.
                    next_id: first_command_id(),
                }
            }
            other => panic!("expected a welcome, got {other:?}"),
        }
    }

    /// Sends a command; returns its id.
    pub async fn send(&mut self, command: Command) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send_as(id, command).await;
        id
    }

    /// Sends a command with the id given (a re-sent command keeps its id).
    pub async fn send_as(&mut self, id: u64, command: Command) {
        let message = ClientMsg::Command { id, command };
        self.send_text(&message.encode()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket.send(Message::text(text)).await.expect("send");
    }

    /// The next message, applying events to the replica and absorbing presence and
    /// fresh snapshots (which replace the replica). Fails the test after [`PATIENCE`].
    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            if let Some(message) = self.inbox.pop_front() {
                self.absorb(&message);
                // `applied` (with a store: a command's events came, its ack follows)
                // changes nothing the tests look at.
                if matches!(
                    message,
                    ServerMsg::Presence { .. } | ServerMsg::Welcome { .. } | ServerMsg::Applied { .. }
                ) {
                    continue;
                }
                return message;
            }
            let messages = read_frame(&mut self.socket).await;
            self.inbox.extend(messages);
        }
    }

    fn absorb(&mut self, message: &ServerMsg) {
        match message {
            ServerMsg::Event { seq, event } => {
                self.workshop.apply_event(event);
                self.workshop.seq = *seq;
            }
            ServerMsg::Welcome { workshop, online, .. } => {
                self.workshop = workshop.clone();
                self.online = online.iter().copied().collect();
            }
            ServerMsg::Presence { participant, online } => {
                if *online {
                    self.online.insert(*participant);
                } else {
                    self.online.remove(participant);
                }
            }
            _ => {}
        }
    }

    /// Sends a command and waits for its outcome; returns the events received meanwhile.
    pub async fn command(&mut self, command: Command) -> Result<Vec<Event>, Rejection> {
        let id = self.send(command).await;
        self.outcome(id).await
    }

    /// Sends a command that must be accepted; returns the events received meanwhile.
    pub async fn ok(&mut self, command: Command) -> Vec<Event> {
        let described = format!("{command:?}");
        self.command(command)
            .await
            .unwrap_or_else(|rejection| panic!("{described} refused: {rejection}"))
    }

    /// Waits for the outcome of command `id`; returns the events received meanwhile.
    pub async fn outcome(&mut self, id: u64) -> Result<Vec<Event>, Rejection> {
        let mut events = Vec::new();
        loop {
            match self.recv().await {
                ServerMsg::Event { event, .. } => events.push(event),
                ServerMsg::Ack { id: acked, .. } if acked == id => return Ok(events),
                ServerMsg::Rejected {
                    id: refused,
                    rejection,
                    ..
                } if refused == id => return Err(rejection),
                other => panic!("while waiting for command {id}: {other:?}"),
            }
        }
    }

    /// A barrier: everything the workshop sent this connection before now has arrived
    /// once this returns (the actor handles requests in order). Returns those events.
    pub async fn sync(&mut self) -> Vec<Event> {
        let probe = Command::DeleteNote {
            note: NoteId(Uuid::new_v4()),
        };
        let id = self.send(probe).await;
        let mut events = Vec::new();
        loop {
            match self.recv().await {
                ServerMsg::Event { event, .. } => events.push(event),
                ServerMsg::Rejected { id: refused, .. } if refused == id => return events,
                other => panic!("while syncing: {other:?}"),
            }
        }
    }

    /// Reads messages until `done` holds (presence changes, a timer running out).
    pub async fn until(&mut self, done: impl Fn(&WsClient) -> bool) {
        while !done(self) {
            if self.inbox.is_empty() {
                let messages = read_frame(&mut self.socket).await;
                self.inbox.extend(messages);
            }
            if let Some(message) = self.inbox.pop_front() {
                self.absorb(&message);
            }
        }
    }

    /// Waits for the next event.
    pub async fn event(&mut self) -> Event {
        match self.recv().await {
            ServerMsg::Event { event, .. } => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Waits for a protocol error message.
    pub async fn error(&mut self) -> (ErrorCode, String) {
        match self.recv().await {
            ServerMsg::Error { code, message } => (code, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

/// Reads what a socket receives until the server closes it: the typed error it sent
/// first, and the close frame.
pub async fn closing(socket: &mut Socket) -> (Option<(ErrorCode, String)>, Option<CloseFrame>) {
    let mut error = None;
    loop {
        let frame = timeout(PATIENCE, socket.next())
            .await
            .expect("the server closes in time");
        match frame {
            Some(Ok(Message::Text(text))) => {
                for message in ServerMsg::decode_frame(&text).expect("a valid server frame") {
                    if let ServerMsg::Error { code, message } = message {
                        error = Some((code, message));
                    }
                }
            }
            Some(Ok(Message::Close(frame))) => return (error, frame),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (error, None),
        }
    }
}

/// The messages of the next text frame (pings are skipped). Fails the test after
/// [`PATIENCE`] or if the connection ends.
pub async fn read_frame(socket: &mut Socket) -> Vec<ServerMsg> {
    loop {
        let frame = timeout(PATIENCE, socket.next())
            .await
            .expect("a message within patience")
            .expect("the connection is open")
            .expect("a readable frame");
        match frame {
            Message::Text(text) => {
                let messages = ServerMsg::decode_frame(&text).expect("a valid server frame");
                assert!(!messages.is_empty(), "empty frame");
                return messages;
            }
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}
