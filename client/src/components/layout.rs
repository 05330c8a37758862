//! The page shell, the brand mark, the language switch, and the lead's link to
//! continue a workshop as a campaign (the cockpit and the report both offer it).

use leptos::prelude::*;

use crate::browser;
use crate::i18n::{Lang, tr};
use crate::route::{Route, navigate};
use crate::session::Session;

#[allow(unreachable_pub)]
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

#[allow(unreachable_pub)] // see `components` on leptos components
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
#[allow(unreachable_pub)] // see `components` on leptos components
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

/// For a lead: the home page's creation form, set to continue this workshop as a
/// campaign (a full page load). The workshop is remembered as one this browser leads.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn ContinueCampaign() -> impl IntoView {
    let session = expect_context::<Session>();
    let remember = move |_| {
        let (title, template) = session.read_untracked(|w| (w.title.clone(), w.template.clone()));
        browser::remember_led(session.workshop_id, &title, Some(&template));
    };
    view! {
        <a class="button" href=format!("/?from={}", session.workshop_id) on:click=remember>
            {tr(|t| t.continue_campaign)}
        </a>
    }
}
