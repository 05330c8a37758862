//! The websocket under a session: opening it, reading what the server says into the
//! replica, reconnecting with backoff, the heartbeat.

use std::time::Duration;

use atelier_shared::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::browser;

use super::*;

impl Session {
    pub(super) fn connect(self) {
        let Ok(socket) = WebSocket::new(&browser::websocket_url(self.workshop_id)) else {
            self.schedule_reconnect();
            return;
        };
        let open = Closure::<dyn FnMut()>::new(move || self.on_open());
        let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                self.on_frame(&text);
            }
        });
        let close =
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| self.on_close(event.code()));
        socket.set_onopen(Some(open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(close.as_ref().unchecked_ref()));
        self.inner.update_value(|i| {
            i.socket = Some(socket);
            i.handlers = Some(Handlers {
                _open: open,
                _message: message,
                _close: close,
            });
        });
    }

    fn on_open(self) {
        self.inner.try_update_value(|i| {
            i.last_heard = js_sys::Date::now();
            let hello = ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                token: i.token.clone(),
            };
            if let Some(socket) = &i.socket {
                let _ = socket.send_with_str(&hello.encode());
            }
        });
    }

    fn on_frame(self, text: &str) {
        let Ok(messages) = ServerMsg::decode_frame(text) else {
            leptos::logging::warn!("unreadable frame from the server");
            return;
        };
        let mut notice = None;
        let mut welcomed = None;
        let mut presence = Vec::new();
        let mut clock = None;
        let mut writers = Vec::new();
        let alive = self.inner.try_update_value(|i| {
            i.last_heard = js_sys::Date::now();
            for message in messages {
                match message {
                    ServerMsg::Welcome {
                        you,
                        workshop,
                        online,
                        now,
                        ..
                    } => {
                        clock = Some(now.0 as f64 - js_sys::Date::now());
                        presence.clear();
                        presence.push((None, online));
                        i.attempt = 0;
                        welcomed = Some(you);
                        // Whatever was not acknowledged goes again, in order.
                        for (id, command) in i.replica.welcome(you, workshop) {
                            if let Some(socket) = &i.socket {
                                let _ = socket.send_with_str(&ClientMsg::Command { id, command }.encode());
                            }
                        }
                    }
                    ServerMsg::Event { seq, event } => i.replica.event(seq, &event),
                    ServerMsg::Applied { id } => i.replica.applied(id),
                    ServerMsg::Ack { id, .. } => i.replica.acknowledged(id),
                    ServerMsg::Rejected { id, rejection, .. } => {
                        if i.replica.refused(id, &rejection) {
                            notice = Some(Notice::Rejected(rejection));
                        }
                    }
                    ServerMsg::Error { code, .. } => {
                        if code.close_code().is_none() {
                            notice = Some(Notice::Error(code));
                        }
                    }
                    ServerMsg::Presence { participant, online } => {
                        presence.push((Some((participant, online)), Vec::new()));
                    }
                    ServerMsg::Writing {
                        participant,
                        note,
                        field,
                    } => writers.push((participant, note, field)),
                    ServerMsg::Pong { now } => {
                        // The server read its clock about half a round trip ago.
                        let arrived = js_sys::Date::now();
                        let sent = if i.ping_sent > 0.0 { i.ping_sent } else { arrived };
                        clock = Some(now.0 as f64 - (sent + arrived) / 2.0);
                    }
                }
            }
        });
        if alive.is_none() {
            return;
        }
        if let Some(you) = welcomed {
            self.you.set(Some(you));
            self.status.set(Status::Live);
        }
        if notice.is_some() {
            self.notice.set(notice);
        }
        if let Some(offset) = clock {
            self.clock_offset.set(offset);
        }

        for (change, everyone) in presence {
            self.online.update(|online| match change {
                None => *online = everyone.into_iter().collect(),
                Some((who, true)) => {
                    online.insert(who);
                }
                Some((who, false)) => {
                    online.remove(&who);
                }
            });
        }
        for (who, note, field) in writers {
            self.someone_writing(who, note, field);
        }
        self.refresh();
    }

    fn on_close(self, code: u16) {
        let Some(stopped) = self.inner.try_update_value(|i| {
            i.socket = None;
            i.stopped
        }) else {
            return;
        };
        if stopped {
            return;
        }
        match ErrorCode::from_close_code(code) {
            Some(error) if !error.retry() => {
                if matches!(error, ErrorCode::UnknownToken | ErrorCode::WorkshopDeleted) {
                    // Nothing of it is left to show: the page says why, and where to go.
                    browser::forget_credential(self.workshop_id);
                    self.workshop.set(None);
                }
                self.status.set(Status::Stopped(error));
            }
            _ => {
                self.status.set(Status::Reconnecting);
                self.schedule_reconnect();
            }
        }
    }

    /// The device is online again (a phone back in coverage, a laptop back on wifi):
    /// a connection waiting for its next try (up to 20 s away) tries now.
    pub(super) fn on_back_online(self) {
        if !matches!(self.status.get_untracked(), Status::Reconnecting) {
            return;
        }
        let now = self.inner.try_update_value(|i| {
            if i.stopped {
                return false;
            }
            if let Some(handle) = i.retry.take() {
                handle.clear();
            }
            i.attempt = 0;
            // A try still hanging on the old network is abandoned.
            if let Some(socket) = i.socket.take_if(|s| s.ready_state() != WebSocket::OPEN) {
                abandon(&socket);
            }
            i.socket.is_none()
        });
        if now == Some(true) {
            self.connect();
        }
    }

    /// Tries again after 0.5 s, 1 s, 2 s… up to 15 s, with jitter so that a room
    /// does not come back all at the same instant after a server restart.
    fn schedule_reconnect(self) {
        let delay = self.inner.try_update_value(|i| {
            let base = 500.0 * 2f64.powi(i.attempt.min(5) as i32);
            i.attempt += 1;
            base.min(15_000.0) * (1.0 + 0.3 * js_sys::Math::random())
        });
        let Some(delay) = delay else { return };
        let retry = set_timeout_with_handle(move || self.connect(), Duration::from_millis(delay as u64)).ok();
        self.inner.try_update_value(|i| i.retry = retry);
    }

    pub(super) fn heartbeat(self) {
        self.inner.try_update_value(|i| {
            let Some(socket) = i.socket.clone() else { return };
            if socket.ready_state() != WebSocket::OPEN {
                return;
            }
            if js_sys::Date::now() - i.last_heard > SILENCE {
                // Dead but not closed (laptop asleep, network gone): close to reconnect.
                let _ = socket.close();
            } else {
                i.ping_sent = js_sys::Date::now();
                let _ = socket.send_with_str(&ClientMsg::Ping.encode());
            }
        });
    }

    /// Recomputes what is shown: the confirmed replica with pending commands on top.
    pub(super) fn refresh(self) {
        let Some(view) = self
            .inner
            .try_with_value(|i| i.replica.view(browser::now()))
            .flatten()
        else {
            return;
        };
        self.workshop.try_set(Some(view.workshop));
        self.unconfirmed.try_set(view.unconfirmed);
        self.waiting.try_set(view.waiting);
    }
}

/// Closes a socket this session no longer listens to: its callbacks are detached
/// first, so its closing schedules nothing.
pub(super) fn abandon(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
    let _ = socket.close();
}
