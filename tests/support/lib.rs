//! What the end-to-end tests share: a real server on a free loopback port, a small
//! HTTP client, websocket clients that speak the protocol, and headless Chromium.
//!
//! # Layout
//! - [`server`]: `TestServer::start()`, creating workshops and joining them over HTTP.
//! - [`client`]: `WsClient`, a participant's websocket, with `sync()` as a barrier.
//! - [`browser`]: ChromeDriver and Chromium sessions for browser tests.
//! - [`axe`]: axe-core run in a page, failing on serious or critical violations.
//! - [`workshop`]: finding a template's steps and columns by key, checking replicas.
//! - [`nginx`]: `deploy/nginx.conf` run for real in front of a test server.
//! - [`page`]: finding and using a page by its words (labels, buttons, texts).
//! - [`postgres`]: a PostgreSQL server of the tests' own, a fresh database per test.
//! - [`fixture`]: a YESS CAMP campaign played out, the same every time: the golden
//!   files of the exports (the server's `tests/export.rs` includes this file) and
//!   the archives the browser and report tests import.

pub mod axe;
pub mod browser;
pub mod client;
pub mod fixture;
pub mod nginx;
pub mod page;
pub mod postgres;
pub mod server;
pub mod workshop;

pub use client::WsClient;
pub use server::TestServer;

use std::time::Duration;

/// How long a test waits for something that should happen at once on loopback
/// before it fails (generous: CI machines are shared and slow).
pub const PATIENCE: Duration = Duration::from_secs(10);
