//! Atelier's browser client: Leptos, rendered in the browser, compiled to wasm32.
//!
//! # Layout
//! - [`app`]: the root: language, router, current page.
//! - [`pages`]: home (join or create), join link, a workshop's board, its report.
//! - [`components`]: the cockpit, a room's board (columns, votes, characterisation,
//!   problem trees, plenary, lobby), the note card and composer, the timer, the brand
//!   and language switch.
//! - [`derive`]: what screens show, computed from the replica (figures, budgets,
//!   rankings, "may I?" asked of the state machine).
//! - [`drafts`]: what someone typed and has not had accepted yet, kept across step
//!   changes, reconnections and reloads.
//! - [`session`]: the websocket and its reconnection; [`replica`]: the confirmed
//!   workshop with the commands not yet acknowledged on top (pure, tested natively).
//! - [`api`]: calls to the HTTP API; [`route`]: URLs and navigation;
//!   [`browser`]: storage, randomness, clipboard; [`i18n`]: every string, per language.

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod derive;
pub mod drafts;
pub mod i18n;
pub mod pages;
pub mod replica;
pub mod route;
pub mod session;

pub use app::App;
