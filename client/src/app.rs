//! The application root: language, router, and the page for the current route.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::Lang;
use crate::pages::{BoardPage, HomePage, JoinPage, NotFound};
use crate::route::{Route, provide_router};

const LANG_KEY: &str = "atelier:lang";

#[component]
pub fn App() -> impl IntoView {
    // What this browser chose before; on a first visit, the first of the browser's
    // preferred languages that Atelier speaks; French otherwise.
    let remembered = browser::load(LANG_KEY).and_then(|code| Lang::parse(&code));
    let preferred = || {
        browser::preferred_languages()
            .iter()
            .find_map(|code| Lang::parse(code))
    };
    let lang = RwSignal::new(remembered.or_else(preferred).unwrap_or(Lang::Fr));
    provide_context(lang);
    Effect::new(move |_| {
        let lang = lang.get();
        browser::set_document_language(lang.code());
        browser::save(LANG_KEY, lang.code());
    });
    let route = provide_router();
    move || match route.get() {
        Route::Home => view! { <HomePage/> }.into_any(),
        Route::Join(code) => view! { <JoinPage code/> }.into_any(),
        Route::Board(workshop) => view! { <BoardPage workshop report=false/> }.into_any(),
        Route::Report(workshop) => view! { <BoardPage workshop report=true/> }.into_any(),
        Route::NotFound => view! { <NotFound/> }.into_any(),
    }
}
