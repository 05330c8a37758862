//! Atelier's browser client: Leptos, rendered in the browser, compiled to wasm32.
//!
//! # Layout
//! - [`app`]: the root: language, router, current page.
//! - [`pages`]: home (join or create), join link, a workshop's board, its report.
//! - [`board`]: a room's board as its step shows it (columns, votes, ties and merging,
//!   characterisation, problem trees, plenary), its head (presence, budget), the lobby.
//! - [`cockpit`]: the lead's cockpit (agenda, rooms at a glance, invitations, people,
//!   message, map import, deletion).
//! - [`components`]: pieces several pages share: the note card and composer, the timer,
//!   the brand and language switch.
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
pub mod board;
pub mod browser;
pub mod cockpit;
pub mod components;
pub mod derive;
pub mod drafts;
pub mod i18n;
pub mod pages;
pub mod replica;
pub mod route;
pub mod session;

pub use app::App;
