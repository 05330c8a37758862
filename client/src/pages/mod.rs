//! One module per page, and what the join and create forms share.

mod board;
mod home;
mod join;
mod report;

use std::future::Future;

use atelier_shared::WorkshopId;
use atelier_shared::protocol::Token;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub use board::BoardPage;
pub use home::HomePage;
pub use join::{JoinForm, JoinPage, NotFound};

use crate::api::Failure;
use crate::browser;
use crate::i18n::{Lang, Texts};
use crate::route::{Route, go};

/// Sends a form's create or join request: `busy` while it runs; on success this browser
/// keeps the credential and opens the board; on failure `error` says why in plain words.
fn enter_workshop(
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    request: impl Future<Output = Result<(WorkshopId, Token), Failure>> + 'static,
) {
    busy.set(true);
    error.set(None);
    // Tasks run outside the component tree: take what they need from it now.
    let router = expect_context::<RwSignal<Route>>();
    let lang = expect_context::<RwSignal<Lang>>();
    spawn_local(async move {
        match request.await {
            Ok((workshop, token)) => {
                browser::keep_credential(workshop, &token);
                go(router, Route::Board(workshop));
            }
            Err(failure) => {
                error.set(Some(failure.explain(Texts::of(lang.get_untracked()))));
                busy.set(false);
            }
        }
    });
}
