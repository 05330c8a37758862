//! Pieces shared by several pages: the shell, brand and language switch, the note
//! card and composer, the timer.
//!
//! Leptos's `#[component]` emits each component again as a `pub fn` the
//! `unreachable_pub` lint cannot see re-exported: components that are re-exported
//! carry `#[allow(unreachable_pub)]` for that reason alone (here and in
//! `board` and `cockpit`).

mod layout;
mod note;
mod timer;

pub use layout::{Brand, ContinueCampaign, LangSwitch, Shell};
pub use note::{Composer, NoteCard};
pub use timer::{TimerControls, TimerDisplay};
