//! `/j/CODE`: a join link; only the name is left to type. Also the join form itself
//! and the page for unknown addresses.

use atelier_shared::JoinCode;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::enter_workshop;
use crate::api;
use crate::browser;
use crate::components::Shell;
use crate::i18n::{texts, tr};
use crate::route::{Route, navigate};

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn JoinPage(code: String) -> impl IntoView {
    let title = RwSignal::new(None::<String>);
    let unknown = RwSignal::new(false);
    // This browser already joined: the way back, before any form.
    let joined = RwSignal::new(None::<atelier_shared::WorkshopId>);
    let lookup = code.clone();
    spawn_local(async move {
        match api::code_info(&lookup).await {
            Ok(info) => {
                browser::set_title(&format!("{} · Atelier", info.title));
                title.set(Some(info.title));
                if browser::credential(info.workshop).is_some() {
                    joined.set(Some(info.workshop));
                }
            }
            Err(api::Failure::Refused(_)) => unknown.set(true),
            Err(api::Failure::Unreachable | api::Failure::Unreadable) => {}
        }
    });
    view! {
        <Shell narrow=true>
                <section class="card" aria-labelledby="join-heading">
                    <p class="intro">{tr(|t| t.joining)}</p>
                    <h1 id="join-heading" class="workshop-title">
                        {move || title.get().unwrap_or_else(|| texts().join_heading.to_owned())}
                    </h1>
                    <Show when=move || unknown.get()>
                        <p class="error" role="alert">{tr(|t| t.unknown_code)}</p>
                    </Show>
                    {move || joined.get().map(|workshop| view! {
                        <a class="button primary" href=Route::Board(workshop).path() on:click=move |ev| {
                            ev.prevent_default();
                            navigate(Route::Board(workshop));
                        }>{tr(|t| t.come_back)}</a>
                    })}
                    <JoinForm code=code.clone()/>
                </section>
        </Shell>
    }
}

/// Code and name, nothing else.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn JoinForm(#[prop(optional, into)] code: Option<String>) -> impl IntoView {
    let from_link = code.is_some();
    let code = RwSignal::new(code.unwrap_or_default());
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (typed_code, typed_name) = (code.get_untracked(), name.get_untracked());
        if JoinCode::parse(&typed_code).is_none() {
            error.set(Some(texts().unknown_code.to_owned()));
            return;
        }
        enter_workshop(busy, error, async move {
            // Someone who already joined from this browser (who left the page, or
            // tapped the logo) comes back as themselves, not as a new name.
            if let Ok(info) = api::code_info(&typed_code).await
                && let Some(token) = browser::credential(info.workshop)
            {
                return Ok((info.workshop, token));
            }
            let joined = api::join(&typed_code, &typed_name).await?;
            Ok((joined.workshop, joined.token))
        });
    };

    view! {
        <form class="form" on:submit=submit>
            <Show when=move || !from_link>
                <label for="join-code">{tr(|t| t.code_label)}</label>
                <input
                    id="join-code"
                    class="code-input"
                    type="text"
                    required
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    maxlength="9"
                    aria-describedby="join-code-hint"
                    bind:value=code
                />
                <p class="hint" id="join-code-hint">{tr(|t| t.code_hint)}</p>
            </Show>
            <label for="join-name">{tr(|t| t.name_label)}</label>
            <input
                id="join-name"
                type="text"
                required
                autocomplete="name"
                aria-describedby="join-name-hint"
                bind:value=name
            />
            <p class="hint" id="join-name-hint">{tr(|t| t.name_hint)}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button primary" disabled=move || busy.get()>
                {move || if busy.get() { texts().one_moment } else { texts().join_button }}
            </button>
        </form>
    }
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Shell narrow=true>
            <section class="card">
                <h1>{tr(|t| t.page_not_found)}</h1>
                <a href="/" class="button primary">{tr(|t| t.back_home)}</a>
            </section>
        </Shell>
    }
}
