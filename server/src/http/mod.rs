//! The HTTP surface: the JSON API, the websocket endpoint and the built client.

pub mod api;
pub mod error;
pub mod reports;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{delete, get, post};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::hub::Hub;
use crate::ws;

/// The whole application; tests build exactly this.
pub fn router(hub: Arc<Hub>) -> Router {
    let static_dir = &hub.config.static_dir;
    // Client-side routes (`/j/CODE`, `/w/ID`) all load the same page, which is
    // revalidated on every load; the bundle it names has a hash in its file name and
    // never changes, so browsers keep it.
    let page = ServeDir::new(static_dir)
        .precompressed_gzip()
        .fallback(ServeFile::new(static_dir.join("index.html")).precompressed_gzip());
    let page = Router::new()
        .fallback_service(page)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    let bundle = Router::new()
        .fallback_service(ServeDir::new(static_dir.join("pkg")).precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    let api = Router::new()
        .route("/workshops", post(api::create_workshop))
        .route("/workshops/{id}", delete(api::delete_workshop))
        .route("/workshops/{id}/organiser", get(reports::organiser))
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
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .nest("/api", api)
        .route("/ws", get(ws::upgrade))
        .nest("/pkg", bundle)
        .merge(page)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(hub)
}
