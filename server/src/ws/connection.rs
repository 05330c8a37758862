//! One websocket connection: hello, then a reader and a writer until either ends.
//!
//! Generic over the socket's `Sink` and `Stream` so tests can drive it with channels.
//! The reader forwards commands to the workshop's actor; the actor and the reader put
//! whole frames on the connection's bounded queue; the writer merges whatever is
//! queued into one frame. Every way out says why, with a typed error and a close code.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg, claimed_version};
use atelier_shared::rejection::Paced;
use atelier_shared::{ParticipantId, Rejection, WorkshopId};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::oneshot;
use tokio::time::{MissedTickBehavior, interval_at, timeout};
use tracing::{Instrument, debug, field, info_span};

use crate::clock;
use crate::config::Limits;
use crate::guard::{self, Pace};
use crate::hub::{Full, Hub, HubError};
use crate::metrics::METRICS;
use crate::net::Sent;
use crate::workshop::outbox::{self, Frames, Kind, outbox};
use crate::workshop::{ConnId, Outbox, WorkshopHandle};

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    /// The peer closed or vanished; nothing more to say.
    PeerGone,
    /// The peer sent a close frame: the reply tungstenite has queued goes out, which
    /// completes the closing handshake (or, for an invalid close frame, carries 1002).
    PeerClosed,
    /// We close, telling the peer why.
    Error(ErrorCode, String),
    /// The peer broke the websocket protocol itself (RFC 6455 §7.4.1): a close frame
    /// with the standard code, no message, which such a peer could not read.
    Violation(u16, &'static str),
}

impl Ending {
    fn error(code: ErrorCode, message: impl Into<String>) -> Ending {
        Ending::Error(code, message.into())
    }

    /// The workshop's actor is gone (it stopped, or the server is stopping).
    fn workshop_closing() -> Ending {
        Ending::error(ErrorCode::ShuttingDown, "the workshop is closing")
    }
}

/// Serves one websocket until it ends.
///
/// `routed`: the workshop the websocket's URL names (`/ws?workshop=ID`), by which a
/// proxy in front of several nodes sent it here.
///
/// `sent`: the bytes the socket has taken to send, which tells a slow reader (still
/// taking some) from a stuck one.
pub async fn run<S, R>(
    hub: Arc<Hub>,
    mut sink: S,
    mut stream: R,
    ip: IpAddr,
    routed: Option<WorkshopId>,
    sent: Sent,
) where
    S: Sink<Message, Error = axum::Error> + Unpin,
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let slot = match hub.open_connection(ip) {
        Ok(slot) => slot,
        Err(full) => {
            let ending = match full {
                Full::Server => {
                    Ending::error(ErrorCode::ServerBusy, "the server is full; try again in a minute")
                }
                Full::Address => Ending::error(
                    ErrorCode::TooManyConnections,
                    format!(
                        "too many connections from your network address (at most {}): close other tabs",
                        hub.config.limits.connections_per_address.unwrap_or_default()
                    ),
                ),
            };
            say_goodbye(&mut sink, ending).await;
            return;
        }
    };
    let span = info_span!("conn", id = slot.id, %ip, workshop = field::Empty, participant = field::Empty);
    async {
        let limits = &hub.config.limits;
        let (handle, participant) = match greet(&hub, &mut stream, limits, routed).await {
            Ok(greeted) => greeted,
            Err(ending) => return say_goodbye(&mut sink, ending).await,
        };
        hub.guards.known.remember(ip, handle.id, Instant::now());
        tracing::Span::current()
            .record("workshop", field::display(handle.id))
            .record("participant", field::display(participant));
        debug!("greeted");

        let (outbox, queue) = outbox(limits.outbox_messages);
        let (kick, kicked) = oneshot::channel();
        if handle
            .attach(slot.id, participant, outbox.clone(), kick)
            .await
            .is_err()
        {
            return say_goodbye(&mut sink, Ending::workshop_closing()).await;
        }
        let _attached = Attached {
            handle: &handle,
            conn: slot.id,
        };
        let mut shutdown = hub.shutdown_signal();
        let mut reader = Reader {
            handle: &handle,
            conn: slot.id,
            participant,
            outbox,
            limits,
            pace: Pace::new(Instant::now()),
        };
        let ending = tokio::select! {
            ending = write(&mut sink, queue, limits, &sent) => ending,
            ending = reader.read(&mut stream) => ending,
            code = kicked => match code {
                Ok(ErrorCode::Lagging) => Ending::error(
                    ErrorCode::Lagging,
                    "this connection fell behind its room; reconnect to catch up",
                ),
                Ok(ErrorCode::WorkshopDeleted) => Ending::error(
                    ErrorCode::WorkshopDeleted,
                    "the lead facilitator deleted this workshop",
                ),
                Ok(code) => Ending::error(code, "closed by the workshop"),
                Err(_) => Ending::workshop_closing(),
            },
            _ = shutdown.wait_for(|down| *down) => {
                Ending::error(ErrorCode::ShuttingDown, "the server is restarting; reconnecting")
            }
        };
        if let Ending::Error(ErrorCode::Lagging, why) = &ending {
            // Worth an operator's eye: a client this slow cannot even be told (its
            // socket takes nothing), and reconnects to a fresh snapshot.
            tracing::info!(why, "a connection that fell behind is closed");
        } else {
            debug!(?ending, "connection ends");
        }
        let told = matches!(ending, Ending::Error(..));
        say_goodbye(&mut sink, ending).await;
        if told {
            // A client may still be sending. Closing a socket with unread data makes
            // the kernel reset it, and the reset can overtake the goodbye on its way
            // (the client then sees 1006 instead of the reason): read and drop what
            // it sends until its own close, for a moment.
            let _ = timeout(Duration::from_secs(1), async {
                while let Some(Ok(_)) = stream.next().await {}
            })
            .await;
        }
    }
    .instrument(span)
    .await
}

/// Detaches the connection from its workshop however the connection ends.
struct Attached<'a> {
    handle: &'a WorkshopHandle,
    conn: ConnId,
}

impl Drop for Attached<'_> {
    fn drop(&mut self) {
        self.handle.detach(self.conn);
    }
}

/// Waits for the hello and checks it: protocol version, then credential.
async fn greet<R>(
    hub: &Hub,
    stream: &mut R,
    limits: &Limits,
    routed: Option<WorkshopId>,
) -> Result<(WorkshopHandle, ParticipantId), Ending>
where
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let expected = || Ending::error(ErrorCode::HelloExpected, "the first message must be a hello");
    let text = loop {
        let next = timeout(limits.hello_timeout, stream.next()).await;
        match next {
            Err(_) => {
                let secs = limits.hello_timeout.as_secs();
                return Err(Ending::error(
                    ErrorCode::HelloExpected,
                    format!("no hello within {secs} s"),
                ));
            }
            Ok(None) => return Err(Ending::PeerGone),
            Ok(Some(Err(error))) => return Err(read_error(error, limits)),
            Ok(Some(Ok(Message::Text(text)))) => break text,
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(Some(Ok(Message::Close(_)))) => return Err(Ending::PeerClosed),
            Ok(Some(Ok(Message::Binary(_)))) => return Err(expected()),
        }
    };
    let mismatch = |theirs: &dyn std::fmt::Display| {
        Ending::error(
            ErrorCode::VersionMismatch,
            format!(
                "this server speaks protocol {PROTOCOL_VERSION} and the client {theirs}: reload the page"
            ),
        )
    };
    match ClientMsg::decode(&text) {
        Ok(ClientMsg::Hello { protocol, token }) => {
            if protocol != PROTOCOL_VERSION {
                return Err(mismatch(&protocol));
            }
            // With a shared store, the workshop is taken here if no node serves
            // it, or asked of the node that does (the proxy sent its people here).
            match hub.authenticate_anywhere(&token, routed).await {
                Ok(found) => Ok(found),
                Err(HubError::Moving | HubError::Elsewhere(_) | HubError::Unavailable) => Err(Ending::error(
                    ErrorCode::Moving,
                    "this workshop is moving to another server: reconnect in a moment",
                )),
                Err(_) => Err(Ending::error(
                    ErrorCode::UnknownToken,
                    "unknown credential: join the workshop again",
                )),
            }
        }
        Ok(_) => Err(expected()),
        Err(_) => match claimed_version(&text) {
            Some(theirs) if theirs != PROTOCOL_VERSION.to_string() => Err(mismatch(&theirs)),
            _ => Err(expected()),
        },
    }
}

/// The reading half: decodes client messages and acts on them.
struct Reader<'a> {
    handle: &'a WorkshopHandle,
    conn: ConnId,
    participant: ParticipantId,
    /// For answers that do not go through the actor (pong, protocol errors); shares
    /// the queue with the actor, so ordering is preserved.
    outbox: Outbox,
    limits: &'a Limits,
    /// How fast this connection has been sending.
    pace: Pace,
}

impl Reader<'_> {
    async fn read<R>(&mut self, stream: &mut R) -> Ending
    where
        R: Stream<Item = Result<Message, axum::Error>> + Unpin,
    {
        let half = (self.outbox.limit() / 2).max(1);
        loop {
            // Every message read here may be answered through the queue the room's
            // news also takes. Once the queued frames and the answers still to come
            // for commands in flight reach half of it, stop reading until the writer
            // has drained it: a burst is slowed by TCP's own push-back instead of
            // crowding out the room's news, and however many commands a client
            // pipelines, their answers never fill the queue (which would cut it off
            // as `lagging`). A client that reads nothing at all ends by the write
            // timeout.
            if self.outbox.pending() >= half && self.outbox.room(half).await.is_err() {
                return Ending::PeerGone;
            }
            let message = match timeout(self.limits.idle_timeout, stream.next()).await {
                Err(_) => return Ending::error(ErrorCode::Idle, "no message for too long"),
                Ok(None) => return Ending::PeerGone,
                Ok(Some(Ok(Message::Close(_)))) => return Ending::PeerClosed,
                Ok(Some(Err(error))) => return read_error(error, self.limits),
                Ok(Some(Ok(message))) => message,
            };
            let outcome = match message {
                // Boxed: handling a message needs 1.2 KiB of state (a decoded
                // command, the hand-off to the actor) that an idle connection, which
                // waits here most of its life, should not keep (BENCHMARKS.md,
                // scenario 4).
                Message::Text(text) => Box::pin(self.on_text(&text)).await,
                Message::Binary(_) => {
                    self.tell(ErrorCode::Binary, "binary frames are not part of the protocol")
                }
                Message::Ping(_) | Message::Pong(_) | Message::Close(_) => Ok(()),
            };
            if let Err(ending) = outcome {
                return ending;
            }
        }
    }

    async fn on_text(&mut self, text: &str) -> Result<(), Ending> {
        let max = self.limits.max_message_bytes;
        if text.len() > max {
            return self.tell(
                ErrorCode::TooLarge,
                format!("message too large: at most {max} bytes"),
            );
        }
        let paced = self.limits.commands.map_or(Ok(()), |rate| {
            self.pace.take(rate, Instant::now()).map_err(|wait| (rate, wait))
        });
        match (ClientMsg::decode(text), paced) {
            (Ok(ClientMsg::Command { id, .. }), Err((rate, wait))) => {
                let rejection = Rejection::TooFast {
                    what: Paced::Commands,
                    per_minute: rate.in_a_minute(),
                    retry_secs: guard::seconds(wait),
                };
                if self.outbox.owed() {
                    // Answered in its turn, after the commands still being written.
                    self.outbox.promise();
                    return self
                        .handle
                        .refuse(self.conn, id, rejection)
                        .await
                        .map_err(|_| Ending::workshop_closing());
                }
                let rejected = ServerMsg::Rejected {
                    id,
                    message: rejection.to_string(),
                    rejection,
                };
                self.queue(Utf8Bytes::from(rejected.to_frame()))
            }
            (_, Err(_)) => self.tell(
                ErrorCode::RateLimited,
                "too many messages at once: this one was ignored",
            ),
            (Ok(ClientMsg::Command { id, command }), Ok(())) => {
                self.outbox.promise();
                self.handle
                    .submit(self.conn, self.participant, id, command)
                    .await
                    .map_err(|_| Ending::workshop_closing())
            }
            (Ok(ClientMsg::Writing { note, field }), Ok(())) => self
                .handle
                .writing(self.participant, note, field)
                .await
                .map_err(|_| Ending::workshop_closing()),
            (Ok(ClientMsg::Ping), Ok(())) => {
                self.queue(Utf8Bytes::from(ServerMsg::Pong { now: clock::now() }.to_frame()))
            }
            (Ok(ClientMsg::Hello { .. }), Ok(())) => self.tell(
                ErrorCode::AlreadyGreeted,
                "this connection has already said hello",
            ),
            (Err(error), Ok(())) => self.tell(ErrorCode::Malformed, format!("unreadable message: {error}")),
        }
    }

    /// Answers the client with a non-fatal error.
    fn tell(&self, code: ErrorCode, message: impl Into<String>) -> Result<(), Ending> {
        METRICS.error(code);
        let error = ServerMsg::Error {
            code,
            message: message.into(),
        };
        self.queue(Utf8Bytes::from(error.to_frame()))
    }

    fn queue(&self, frame: Utf8Bytes) -> Result<(), Ending> {
        self.outbox.push(frame, Kind::Answer).map_err(|_| {
            Ending::error(
                ErrorCode::Lagging,
                "this connection fell behind its room; reconnect to catch up",
            )
        })
    }
}

/// The writing half: merges whatever is queued into one frame, and pings.
async fn write<S>(sink: &mut S, queue: Frames, limits: &Limits, sent: &Sent) -> Ending
where
    S: Sink<Message, Error = axum::Error> + Unpin,
{
    // Grows only when frames queue up: an idle connection keeps no slots.
    let mut batch = Vec::new();
    let start = tokio::time::Instant::now() + limits.ping_interval;
    let mut ping = interval_at(start, limits.ping_interval);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let ping_due = tokio::select! {
            () = queue.take(&mut batch, limits.max_batch) => false,
            _ = ping.tick() => true,
        };
        let message = if ping_due {
            Message::Ping(Default::default())
        } else {
            // Let the tasks ready to run (the room's actor, other connections) add to
            // the batch first. Under load one write then carries several events: the
            // write, not the event, is what costs (BENCHMARKS.md, "where the time
            // goes"). When the server is idle this is one trip through the scheduler.
            tokio::task::yield_now().await;
            let room = limits.max_batch.saturating_sub(batch.len());
            queue.try_take(&mut batch, room);
            let frame = if batch.len() == 1 {
                batch.pop().unwrap_or_default()
            } else {
                let joined = ServerMsg::join_frames(batch.iter().map(|f| f.as_str()));
                batch.clear();
                Utf8Bytes::from(joined)
            };
            if batch.capacity() > outbox::KEPT {
                // What a burst grew is given back: an idle connection keeps none.
                batch = Vec::new();
            }
            Message::Text(frame)
        };
        if let Err(ending) = send(sink, message, limits, sent).await {
            return ending;
        }
    }
}

/// Bytes a peer must take in `write_timeout` while a frame is being written to it.
/// The kernel tells of progress in steps of a few KiB (`net`), so in practice a
/// reader taking less than about 500 B/s for a while is closed.
const PROGRESS: u64 = 1024;

/// Writes one frame, however long a slow but steady reader takes over it (a fresh
/// snapshot of a busy workshop, to someone on a poor link): a peer is stuck only
/// when its socket took less than [`PROGRESS`] bytes in a whole `write_timeout`.
/// Meanwhile what the room says queues up, and is replaced by a snapshot.
async fn send<S>(sink: &mut S, message: Message, limits: &Limits, sent: &Sent) -> Result<(), Ending>
where
    S: Sink<Message, Error = axum::Error> + Unpin,
{
    let mut sending = sink.send(message);
    let mut before = sent.bytes();
    loop {
        match timeout(limits.write_timeout, &mut sending).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(_)) => return Err(Ending::PeerGone),
            Err(_) => {
                let now = sent.bytes();
                if now.saturating_sub(before) < PROGRESS {
                    return Err(Ending::error(
                        ErrorCode::Lagging,
                        "the connection is not accepting data",
                    ));
                }
                before = now;
            }
        }
    }
}

/// Maps a failed read to how the connection ends: an oversized message is the one
/// failure worth explaining; a broken frame gets the standard close code (1007 for
/// text that is not UTF-8, 1002 for the rest: reserved bits or opcodes, an unmasked
/// frame, an oversized ping); anything else means the peer is gone.
fn read_error(error: axum::Error, limits: &Limits) -> Ending {
    match error.into_inner().downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => {
            let max = limits.hard_message_bytes;
            Ending::error(
                ErrorCode::TooLarge,
                format!("message too large: at most {max} bytes"),
            )
        }
        Some(tungstenite::Error::Utf8(_)) => Ending::Violation(1007, "text that is not UTF-8"),
        // The peer dropped its socket: nobody is left to tell.
        Some(tungstenite::Error::Protocol(
            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
        )) => Ending::PeerGone,
        Some(tungstenite::Error::Protocol(_)) => Ending::Violation(1002, "not a valid websocket frame"),
        _ => Ending::PeerGone,
    }
}

/// Sends the typed error and a close frame carrying its code, then lets go.
async fn say_goodbye<S>(sink: &mut S, ending: Ending)
where
    S: Sink<Message, Error = axum::Error> + Unpin,
{
    let (code, message) = match ending {
        Ending::PeerGone => return,
        Ending::PeerClosed => {
            let _ = timeout(Duration::from_secs(2), sink.flush()).await;
            return;
        }
        Ending::Violation(code, reason) => {
            let close = CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            };
            let _ = timeout(Duration::from_secs(2), sink.send(Message::Close(Some(close)))).await;
            return;
        }
        Ending::Error(code, message) => (code, message),
    };
    METRICS.disconnected(code);
    let error = ServerMsg::Error {
        code,
        message: message.clone(),
    };
    let close = CloseFrame {
        code: code.close_code().unwrap_or(1000),
        reason: Utf8Bytes::from(truncate(&message, 120)),
    };
    let goodbye = async {
        sink.send(Message::Text(Utf8Bytes::from(error.to_frame())))
            .await?;
        sink.send(Message::Close(Some(close))).await
    };
    let _ = timeout(Duration::from_secs(2), goodbye).await;
}

/// A close reason is at most 123 bytes; cut on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
