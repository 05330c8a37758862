//! `GET /ws`: upgrades to a websocket sized by the configured limits, then hands the
//! two halves to [`connection::run`].

pub mod connection;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::response::Response;
use futures_util::StreamExt;

use crate::hub::Hub;

pub async fn upgrade(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let limits = &hub.config.limits;
    upgrade
        .read_buffer_size(limits.ws_read_buffer)
        .write_buffer_size(limits.ws_write_buffer)
        .max_message_size(limits.hard_message_bytes)
        .max_frame_size(limits.hard_message_bytes)
        .on_upgrade(move |socket| {
            let (sink, stream) = socket.split();
            connection::run(hub, sink, stream, peer)
        })
}
