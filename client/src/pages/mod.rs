//! One module per page.

mod board;
mod home;
mod join;

pub use board::BoardPage;
pub use home::HomePage;
pub use join::{JoinForm, JoinPage, NotFound};
