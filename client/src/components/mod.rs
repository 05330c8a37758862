//! Pieces shared by several pages.
//!
//! Leptos's `#[component]` emits each component again as a `pub fn` the
//! `unreachable_pub` lint cannot see re-exported: components that are re-exported
//! carry `#[allow(unreachable_pub)]` for that reason alone.

mod cockpit;
mod layout;
mod note;
mod room;
mod timer;

pub use cockpit::{LINK_KEY, cockpit_view};
pub use layout::{Brand, ContinueCampaign, LangSwitch, Shell};
pub use note::{Composer, NoteCard};
pub use room::{Here, Lobby, RoomBoard};
pub use timer::{TimerControls, TimerDisplay};
