//! One simulated participant on its own websocket. Under a steady load it posts notes
//! until it has [`NOTES_EACH`], then edits them in turn (so a room never fills up),
//! each text stamped with its author and the instant it was sent. It times the
//! acknowledgement of its own commands and the arrival of everybody else's.

use std::collections::VecDeque;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use atelier_shared::protocol::{ClientMsg, PROTOCOL_VERSION, ServerMsg, Token};
use atelier_shared::{Colour, ColumnId, Command, NoteId, ParticipantId, RoomId, Workshop, WorkshopId};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep_until};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::scan::{note_text, scan};
use crate::stats::Latencies;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Notes each participant owns before it starts editing them.
pub const NOTES_EACH: usize = 8;

/// Opens a websocket and says hello: the socket, the welcome's workshop, and who we are.
/// The URL names the workshop, as the browser's does, for a proxy in front of
/// several nodes.
pub async fn handshake(
    host: &str,
    workshop: WorkshopId,
    token: Token,
) -> Result<(Socket, Workshop, ParticipantId)> {
    // Tungstenite's default 128 KiB read buffer, filled on every read, would make the
    // generator cost 130 KiB per connection; frames of a few KiB need far less.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    // TCP_NODELAY, as a browser sets it.
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
        format!("ws://{host}/ws?workshop={workshop}"),
        Some(config),
        true,
    )
    .await?;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token,
    };
    socket.send(Message::text(hello.encode())).await?;
    let frame = socket.next().await.context("closed before the welcome")??;
    let text = frame.into_text()?;
    match ServerMsg::decode_frame(&text)?.into_iter().next() {
        Some(ServerMsg::Welcome { workshop, you, .. }) => Ok((socket, workshop, you)),
        _ => bail!("expected a welcome: {text}"),
    }
}

/// Sends one command.
pub async fn send(socket: &mut Socket, id: u64, command: Command) -> Result<()> {
    let message = ClientMsg::Command { id, command };
    socket.send(Message::text(message.encode())).await?;
    Ok(())
}

/// A participant connected and welcomed, ready to run.
#[derive(Debug)]
pub struct Participant {
    pub index: u32,
    pub socket: Socket,
    pub room: RoomId,
    pub column: ColumnId,
    /// Command ids already used on this connection.
    pub sent: u64,
    /// Notes posted, in order.
    pub mine: Vec<NoteId>,
}

/// When to act, shared by every participant of a run.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Operations per second; `None`: the next as soon as the last is acknowledged.
    pub rate: Option<f64>,
    /// The generator's time origin: note stamps count from it, in every run.
    pub epoch: Instant,
    /// When sending starts.
    pub start: Instant,
    /// Samples before this are warm-up, not counted.
    pub measure_from: Instant,
    /// No command is sent after this.
    pub stop_at: Instant,
    /// Reading stops here: what is still in flight is lost from the counts.
    pub drain_until: Instant,
}

/// What a participant measured.
#[derive(Debug, Default)]
pub struct Report {
    /// Sent → its `ack`, for commands sent in the measured window.
    pub acks: Latencies,
    /// Someone else's note sent → here, for notes sent in the measured window.
    pub deliveries: Latencies,
    pub rejections: usize,
    /// The connection dropped before the end.
    pub dropped: bool,
}

impl Participant {
    pub async fn connect(host: &str, index: u32, workshop: WorkshopId, token: Token) -> Result<Participant> {
        let (socket, workshop, you) = handshake(host, workshop, token).await?;
        let room = workshop
            .participants
            .get(&you)
            .and_then(|p| p.room)
            .context("placed in a room")?;
        let column = workshop.current_step(room).context("a current step")?.columns[0];
        Ok(Participant {
            index,
            socket,
            room,
            column,
            sent: 0,
            mine: Vec::with_capacity(NOTES_EACH),
        })
    }

    /// Runs the plan (phase: this participant's offset within a period, so that the
    /// load is smooth, not in waves); returns what was measured. A participant can
    /// run several plans one after the other.
    pub async fn run(&mut self, plan: Plan, phase: Duration) -> Report {
        let mut report = Report::default();
        // Send instants of commands awaiting their ack, oldest first.
        let mut in_flight: VecDeque<Instant> = VecDeque::new();
        let mut ticker = interval_at(
            plan.start + phase,
            Duration::from_secs_f64(1.0 / plan.rate.unwrap_or(1.0)),
        );
        ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
        let open_loop = plan.rate.is_some();
        let measured_from = plan.measure_from.duration_since(plan.epoch).as_micros() as u64;
        if !open_loop && self.send_next(&plan, &mut in_flight).await.is_err() {
            report.dropped = true;
            return report;
        }
        loop {
            tokio::select! {
                frame = self.socket.next() => {
                    let Some(Ok(frame)) = frame else {
                        report.dropped = true;
                        break;
                    };
                    let Message::Text(text) = frame else { continue };
                    let now = Instant::now();
                    let since_epoch = now.saturating_duration_since(plan.epoch).as_micros() as u64;
                    let seen = scan(&text);
                    report.rejections += seen.rejections.len();
                    for _ in 0..seen.acks.len() + seen.rejections.len() {
                        if let Some(sent) = in_flight.pop_front()
                            && sent >= plan.measure_from
                        {
                            report.acks.record(now.duration_since(sent).as_micros() as u64);
                        }
                    }
                    for (author, sent) in seen.notes {
                        if author != self.index && sent >= measured_from {
                            report.deliveries.record(since_epoch.saturating_sub(sent));
                        }
                    }
                    if !open_loop
                        && in_flight.is_empty()
                        && now < plan.stop_at
                        && self.send_next(&plan, &mut in_flight).await.is_err()
                    {
                        report.dropped = true;
                        break;
                    }
                }
                _ = ticker.tick(), if open_loop && Instant::now() < plan.stop_at => {
                    if self.send_next(&plan, &mut in_flight).await.is_err() {
                        report.dropped = true;
                        break;
                    }
                }
                () = sleep_until(plan.drain_until) => break,
            }
        }
        report
    }

    /// Posts a note, or edits one of ours once we have enough, stamped with now.
    async fn send_next(&mut self, plan: &Plan, in_flight: &mut VecDeque<Instant>) -> Result<()> {
        let now = Instant::now();
        let text = note_text(
            self.index,
            now.saturating_duration_since(plan.epoch).as_micros() as u64,
        );
        let command = if self.mine.len() < NOTES_EACH {
            self.post(text)
        } else {
            Command::EditNote {
                note: self.mine[(self.sent as usize) % NOTES_EACH],
                text,
                colour: Colour::Blue,
            }
        };
        in_flight.push_back(now);
        self.command(command).await
    }

    /// A new note of ours in our room's first column (remembered in `mine`).
    pub fn post(&mut self, text: String) -> Command {
        let note = NoteId(uuid::Uuid::new_v4());
        self.mine.push(note);
        Command::PostNote {
            note,
            room: self.room,
            column: self.column,
            text,
            colour: Colour::Yellow,
            parent: None,
        }
    }

    /// Sends a command with the connection's next id.
    pub async fn command(&mut self, command: Command) -> Result<()> {
        self.sent += 1;
        send(&mut self.socket, self.sent, command).await
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
