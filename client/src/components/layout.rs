//! The page shell, the brand mark and the language switch.

use leptos::prelude::*;

use crate::i18n::{Lang, tr};
use crate::route::{Route, navigate};

#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/" on:click=move |ev| {
            ev.prevent_default();
            navigate(Route::Home);
        }>
            <span class="brand-mark" aria-hidden="true">"A"</span>
            <span class="brand-name">"Atelier"</span>
        </a>
    }
}

#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <button
            type="button"
            class="lang-switch"
            lang=move || lang.get().other().code()
            on:click=move |_| lang.update(|l| *l = l.other())
        >
            {tr(|t| t.switch_language)}
        </button>
    }
}

/// A page with the plain top bar and centred content (home, join, errors).
#[component]
pub fn Shell(#[prop(optional)] narrow: bool, children: Children) -> impl IntoView {
    view! {
        <div class="page home">
            <header class="topbar">
                <Brand/>
                <LangSwitch/>
            </header>
            <main class="home-main" class:narrow=narrow>
                {children()}
            </main>
        </div>
    }
}
