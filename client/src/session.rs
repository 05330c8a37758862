//! The live connection to one workshop.
//!
//! One websocket, reopened with backoff when it drops. What the server says goes to
//! the [`Replica`] (the confirmed workshop and the commands not yet acknowledged);
//! what it shows goes to the signals the board reads. Pending commands are sent again
//! after a reconnection. This file holds what the pages use (reading the replica,
//! sending commands, who is typing); `socket` the websocket itself.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use atelier_shared::machine::{Actor, decide};
use atelier_shared::model::{Details, Field};
use atelier_shared::protocol::{ClientMsg, ErrorCode, Token};
use atelier_shared::{Command, NoteId, ParticipantId, Rejection, RoomId, Workshop, WorkshopId};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::browser;
use crate::derive;
use crate::drafts::Drafts;
use crate::replica::Replica;

mod socket;

use socket::abandon;

/// Where the connection stands, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Live,
    Reconnecting,
    /// Reconnecting would not help (outdated client, revoked credential).
    Stopped(ErrorCode),
}

/// Something to tell the user about, once.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Rejected(Rejection),
    Error(ErrorCode),
}

/// A handle on the session; `Copy`, so views capture it freely.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    pub workshop_id: WorkshopId,
    /// What to display: the confirmed replica plus pending commands.
    pub workshop: RwSignal<Option<Workshop>>,
    pub you: RwSignal<Option<ParticipantId>>,
    pub status: RwSignal<Status>,
    pub notice: RwSignal<Option<Notice>>,
    /// Notes touched by commands the server has not confirmed yet.
    pub unconfirmed: RwSignal<BTreeSet<NoteId>>,
    /// Who, among the people this viewer sees, is connected.
    pub online: RwSignal<BTreeSet<ParticipantId>>,
    /// Commands applied here that the server has not acknowledged yet.
    pub waiting: RwSignal<usize>,
    /// The server's clock minus this browser's, in milliseconds: timers show the
    /// server's time, whatever the local clock says.
    pub clock_offset: RwSignal<f64>,
    /// What the viewer has typed and not yet had accepted, field by field.
    pub drafts: Drafts,
    /// Who else is typing in which field of which note, and when they were last seen
    /// typing (this browser's clock).
    pub writing: RwSignal<BTreeMap<(NoteId, Field), (ParticipantId, f64)>>,
    inner: StoredValue<Inner, LocalStorage>,
}

struct Inner {
    token: Token,
    socket: Option<WebSocket>,
    /// The socket's callbacks, alive as long as it is; replaced (never dropped while
    /// running) at the next connection.
    handlers: Option<Handlers>,
    /// The confirmed workshop and the commands not yet acknowledged.
    replica: Replica,
    attempt: u32,
    last_heard: f64,
    /// When the last ping left, to correct the server's clock by half the round trip.
    ping_sent: f64,
    stopped: bool,
    heartbeat: Option<IntervalHandle>,
    retry: Option<TimeoutHandle>,
    /// The browser's "network is back" event, which cuts the backoff short.
    back_online: Option<WindowListenerHandle>,
    /// When this viewer last said they were typing.
    said_writing: f64,
}

struct Handlers {
    _open: Closure<dyn FnMut()>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

/// A ping this often; a connection silent for `SILENCE` is considered dead.
const HEARTBEAT: Duration = Duration::from_secs(15);
const SILENCE: f64 = 40_000.0;
/// "I am typing" goes out at most this often (milliseconds)…
const WRITING_EVERY: f64 = 2_000.0;
/// …and someone else's shows this long after the last one.
const WRITING_SHOWN: f64 = 5_000.0;

impl Session {
    /// Reads the workshop as this viewer holds it (confirmed state and commands not
    /// yet acknowledged), tracked: a memo or a view reading it updates with it. Before
    /// the first welcome, gives `T`'s default (nothing, `false`, an empty text…).
    pub fn read<T: Default>(&self, f: impl FnOnce(&Workshop) -> T) -> T {
        self.workshop.with(|w| w.as_ref().map(f).unwrap_or_default())
    }

    /// [`Session::read`], untracked: for event handlers.
    pub fn read_untracked<T: Default>(&self, f: impl FnOnce(&Workshop) -> T) -> T {
        self.workshop
            .with_untracked(|w| w.as_ref().map(f).unwrap_or_default())
    }

    pub fn start(workshop_id: WorkshopId, token: Token) -> Session {
        let session = Session {
            workshop_id,
            workshop: RwSignal::new(None),
            you: RwSignal::new(None),
            status: RwSignal::new(Status::Connecting),
            notice: RwSignal::new(None),
            unconfirmed: RwSignal::new(BTreeSet::new()),
            online: RwSignal::new(BTreeSet::new()),
            waiting: RwSignal::new(0),
            clock_offset: RwSignal::new(0.0),
            drafts: Drafts::load(workshop_id),
            writing: RwSignal::new(BTreeMap::new()),
            inner: StoredValue::new_local(Inner {
                token,
                socket: None,
                handlers: None,
                replica: Replica::new(browser::first_command_id()),
                attempt: 0,
                last_heard: js_sys::Date::now(),
                ping_sent: 0.0,
                stopped: false,
                heartbeat: None,
                retry: None,
                back_online: None,
                said_writing: 0.0,
            }),
        };
        session.connect();
        let heartbeat = set_interval_with_handle(move || session.heartbeat(), HEARTBEAT).ok();
        let back_online = window_event_listener(leptos::ev::online, move |_| session.on_back_online());
        session.inner.update_value(|i| {
            i.heartbeat = heartbeat;
            i.back_online = Some(back_online);
        });
        session
    }

    /// The credential this session uses (the lead shows it as a private link).
    pub fn token(&self) -> Option<Token> {
        self.inner.try_with_value(|i| i.token.clone())
    }

    /// Whether the state machine would accept the command `make` builds from this
    /// viewer now: a button is offered exactly when its command would pass.
    pub fn allows(self, make: impl Fn() -> Command + Send + Sync + 'static) -> Memo<bool> {
        Memo::new(move |_| {
            let Some(me) = self.you.get() else { return false };
            self.workshop
                .with(|w| w.as_ref().is_some_and(|w| derive::may(w, me, make())))
        })
    }

    /// Something read from a note's details (its characterisation, its tree), or the
    /// default while the note is not there.
    pub fn note_details<T>(
        self,
        note: NoteId,
        read: impl Fn(&Details) -> T + Send + Sync + 'static,
    ) -> Memo<T>
    where
        T: Default + Clone + PartialEq + Send + Sync + 'static,
    {
        Memo::new(move |_| {
            self.workshop.with(|w| {
                w.as_ref()
                    .and_then(|w| w.notes.get(&note))
                    .map(|n| read(&n.details))
                    .unwrap_or_default()
            })
        })
    }

    /// The rooms, in order: id and name.
    pub fn room_names(self) -> Memo<Vec<(RoomId, String)>> {
        Memo::new(move |_| {
            self.workshop.with(|w| {
                w.as_ref()
                    .map(|w| w.rooms.iter().map(|r| (r.id, r.name.clone())).collect())
                    .unwrap_or_default()
            })
        })
    }

    /// The server's clock, in milliseconds since 1970.
    pub fn server_now(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset.get_untracked()
    }

    /// Applies `command` at once and sends it; refuses at once what the server
    /// would refuse (the rules are the same code).
    pub fn send(&self, command: Command) -> Result<(), Rejection> {
        // Every access is `try_`: a field leaving the page (a step change) may save
        // its text while the board that held it is being taken down.
        let Some(you) = self.you.try_get_untracked().flatten() else {
            return Err(Rejection::UnknownActor);
        };
        let checked = self
            .workshop
            .try_with_untracked(|w| {
                w.as_ref()
                    .map(|w| decide(w, Actor::Member(you), command.clone(), browser::now()))
            })
            .flatten();
        if let Some(Err(rejection)) = checked {
            self.notice.try_set(Some(Notice::Rejected(rejection.clone())));
            return Err(rejection);
        }
        let live = self.status.try_get_untracked() == Some(Status::Live);
        self.inner.try_update_value(|i| {
            let id = i.replica.push(command.clone());
            if live && let Some(socket) = &i.socket {
                let _ = socket.send_with_str(&ClientMsg::Command { id, command }.encode());
            }
        });
        self.refresh();
        Ok(())
    }

    /// Tells the others who see `note` that the viewer is typing in `field`: sent at
    /// most every few seconds, and only while connected (it is worth nothing later).
    pub fn say_writing(&self, note: NoteId, field: Field) {
        let now = js_sys::Date::now();
        self.inner.try_update_value(|i| {
            if now - i.said_writing < WRITING_EVERY {
                return;
            }
            if let Some(socket) = &i.socket
                && self.status.try_get_untracked() == Some(Status::Live)
            {
                i.said_writing = now;
                let _ = socket.send_with_str(&ClientMsg::Writing { note, field }.encode());
            }
        });
    }

    /// Someone else's typing, shown until they have been quiet for `WRITING_SHOWN`.
    fn someone_writing(self, participant: ParticipantId, note: NoteId, field: Field) {
        let seen = js_sys::Date::now();
        self.writing.try_update(|w| {
            w.insert((note, field), (participant, seen));
        });
        set_timeout(
            move || {
                self.writing.try_update(|w| {
                    if w.get(&(note, field)).is_some_and(|(_, at)| *at == seen) {
                        w.remove(&(note, field));
                    }
                });
            },
            Duration::from_millis(WRITING_SHOWN as u64),
        );
    }

    /// Closes the connection for good (the page is going away).
    pub fn stop(&self) {
        self.inner.try_update_value(|i| {
            i.stopped = true;
            if let Some(handle) = i.heartbeat.take() {
                handle.clear();
            }
            if let Some(handle) = i.retry.take() {
                handle.clear();
            }
            if let Some(handle) = i.back_online.take() {
                handle.remove();
            }
            if let Some(socket) = i.socket.take() {
                abandon(&socket);
            }
        });
    }
}
