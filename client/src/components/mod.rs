//! Pieces shared by several pages.

mod layout;
mod note;

pub use layout::{Brand, LangSwitch, Shell};
pub use note::{Composer, NoteCard};
