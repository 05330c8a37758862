//! Pieces shared by several pages.

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
