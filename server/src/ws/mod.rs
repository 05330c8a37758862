//! `GET /ws`: checks where the page that opens it comes from, upgrades to a websocket
//! sized by the configured limits, then hands the two halves to [`connection::run`].

pub mod connection;

use std::sync::Arc;

use axum::Extension;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::guard::ClientIp;
use crate::hub::Hub;
use crate::net::Sent;

pub async fn upgrade(
    State(hub): State<Arc<Hub>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: axum::http::Uri,
    sent: Option<Extension<Sent>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &hub.public_url) {
        tracing::debug!(%ip, origin = ?headers.get(header::ORIGIN), "websocket from another site refused");
        let refusal = "this websocket only serves pages of this Atelier server";
        return (StatusCode::FORBIDDEN, refusal).into_response();
    }
    let routed = crate::http::routing::workshop_param(uri.query());
    let limits = &hub.config.limits;
    upgrade
        .read_buffer_size(limits.ws_read_buffer)
        .write_buffer_size(limits.ws_write_buffer)
        .max_message_size(limits.hard_message_bytes)
        .max_frame_size(limits.hard_message_bytes)
        .on_upgrade(move |socket| {
            let (sink, stream) = socket.split();
            // Served by `net::serve`, the socket counts what it sends; otherwise (a
            // router served some other way) a write has `write_timeout` in all.
            let sent = sent.map(|Extension(sent)| sent).unwrap_or_default();
            connection::run(hub, sink, stream, ip, routed, sent)
        })
}

/// Browsers say which site a websocket is opened from. Only our own pages may open
/// one: the configured public address, or whatever address the browser used to reach
/// us (its `Host`). Another site's page could not read a visitor's token, but it
/// could still spend the visitor's address's connection allowance. Programs that are
/// not browsers send no `Origin`; they hold no one else's credentials and are let in.
fn origin_allowed(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(authority) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    authority(public_url).is_some_and(|ours| ours.eq_ignore_ascii_case(origin))
        || host.is_some_and(|host| host.eq_ignore_ascii_case(origin))
}

/// `host[:port]` of an `http(s)://host[:port][/path]` address.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let end = rest.find('/').unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_our_own_pages_open_websockets() {
        let public = "https://atelier.example.org";
        let allowed = |origin, host| origin_allowed(&headers(origin, host), public);
        assert!(allowed(Some("https://atelier.example.org"), "10.0.0.2:8080"));
        assert!(allowed(Some("http://192.168.1.10:8080"), "192.168.1.10:8080"));
        assert!(allowed(None, "atelier.example.org"), "not a browser");
        assert!(!allowed(Some("https://evil.example"), "atelier.example.org"));
        assert!(!allowed(
            Some("https://atelier.example.org.evil.example"),
            "atelier.example.org"
        ));
        assert!(
            !allowed(Some("null"), "atelier.example.org"),
            "sandboxed or file pages"
        );
    }
}
