//! The HTTP surface: the JSON API, the websocket endpoint and the built client;
//! `routing`: requests that name a workshop, for several nodes behind a proxy.

pub mod api;
pub mod client;
pub mod error;
pub mod organiser;
pub mod reports;
pub mod routing;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{delete, get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::error::ApiError;
use crate::hub::Hub;
use crate::ws;

/// Counts a workshop created or imported from `ip`, if its allowance permits.
pub fn pace_creation(hub: &Hub, ip: IpAddr) -> Result<(), ApiError> {
    hub.guards
        .creations
        .take(ip, Instant::now())
        .map_err(ApiError::too_many_requests)
}

/// The whole application; tests build exactly this.
pub fn router(hub: Arc<Hub>) -> Router {
    // Client-side routes (`/j/CODE`, `/w/ID`) all load the same page, which is
    // revalidated on every load; the bundle it names has a hash in its file name and
    // never changes, so browsers keep it.
    let (page, bundle) = client::routers(hub.config.static_dir.as_deref());
    let page = page.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    ));
    let bundle = bundle.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    ));
    let api = Router::new()
        .route("/workshops", post(api::create_workshop))
        .route("/workshops/{id}", delete(api::delete_workshop))
        .route("/workshops/{id}/organiser", get(reports::organiser))
        .route("/workshops/{id}/open", get(organiser::page).post(organiser::open))
        .route("/workshops/{id}/{file}", get(reports::export))
        .route("/join", post(api::join))
        .route("/join/{code}", get(api::code_info))
        .route("/join/{code}/qr.svg", get(api::join_qr))
        .route("/templates", get(api::templates))
        .route("/health", get(api::health))
        .layer(DefaultBodyLimit::max(hub.config.limits.max_body_bytes))
        .merge(
            Router::new()
                .route("/import", post(reports::import))
                .layer(DefaultBodyLimit::max(hub.config.limits.max_import_bytes)),
        )
        // Not the client's page: a script that calls a path that does not exist
        // must learn it, not get HTML with 200.
        .fallback(|| async { ApiError::UnknownCall })
        .method_not_allowed_fallback(|| async { ApiError::WrongMethod })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let https = hub.public_url.starts_with("https://");
    let mut app = Router::new()
        .nest("/api", api)
        .route("/ws", get(ws::upgrade))
        .route("/metrics", get(crate::metrics::serve))
        .nest("/pkg", bundle)
        .merge(page);
    for (name, value) in SECURITY_HEADERS {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    // The printable report sets its own, stricter policy.
    app = app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(APP_POLICY),
    ));
    if https {
        // Only meaningful, and only safe to promise, when served over TLS.
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    app.with_state(hub)
}

/// What the browser client needs and nothing more: its own scripts and WebAssembly,
/// its stylesheet (no inline style: the components set none), images from this
/// server (the QR code), websockets and fetches to this server. No page may frame it,
/// so no other site can overlay it to trick a click.
pub const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// On every response.
const SECURITY_HEADERS: [(header::HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    // For browsers older than `frame-ancestors`.
    (header::X_FRAME_OPTIONS, "DENY"),
    // No other site's window keeps a handle on ours (and the other way round).
    (
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
    // A workshop tool needs no camera, microphone, location or payment.
    (
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
];
