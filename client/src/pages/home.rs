//! `/`: join a workshop with its code, or create one to facilitate.

use atelier_shared::api::{CreateWorkshop, RoomRequest};
use leptos::prelude::*;

use super::{JoinForm, enter_workshop};
use crate::api;
use crate::browser;
use crate::components::Shell;
use crate::i18n::texts;

#[component]
pub fn HomePage() -> impl IntoView {
    browser::set_title("Atelier");
    view! {
        <Shell>
                <h1 class="tagline">{move || texts().tagline}</h1>
                <div class="home-cards">
                    <section class="card" aria-labelledby="join-heading">
                        <h2 id="join-heading">{move || texts().join_heading}</h2>
                        <p class="intro">{move || texts().join_intro}</p>
                        <JoinForm/>
                    </section>
                    <section class="card" aria-labelledby="create-heading">
                        <h2 id="create-heading">{move || texts().create_heading}</h2>
                        <p class="intro">{move || texts().create_intro}</p>
                        <CreateForm/>
                    </section>
                </div>
        </Shell>
    }
}

/// Lines of a text area, trimmed, without blanks.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn CreateForm() -> impl IntoView {
    let t = texts();
    let title = RwSignal::new(t.title_example.to_owned());
    let name = RwSignal::new(String::new());
    let rooms = RwSignal::new(t.rooms_example.to_owned());
    let columns = RwSignal::new(t.columns_example.to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateWorkshop {
            title: Some(title.get_untracked()),
            facilitator_name: name.get_untracked(),
            rooms: lines(&rooms.get_untracked())
                .into_iter()
                .map(|name| RoomRequest {
                    territory: Some(name.clone()),
                    name,
                })
                .collect(),
            columns: lines(&columns.get_untracked()),
            ..CreateWorkshop::default()
        };
        enter_workshop(busy, error, async move {
            let created = api::create_workshop(&request).await?;
            Ok((created.workshop, created.facilitator_secret))
        });
    };

    view! {
        <form class="form" on:submit=submit>
            <label for="create-title">{move || texts().title_label}</label>
            <input id="create-title" type="text" required bind:value=title/>
            <label for="create-name">{move || texts().facilitator_name_label}</label>
            <input id="create-name" type="text" required autocomplete="name" bind:value=name/>
            <label for="create-rooms">{move || texts().rooms_label}</label>
            <textarea id="create-rooms" rows="5" aria-describedby="create-rooms-hint" bind:value=rooms></textarea>
            <p class="hint" id="create-rooms-hint">{move || texts().rooms_hint}</p>
            <label for="create-columns">{move || texts().columns_label}</label>
            <textarea id="create-columns" rows="3" bind:value=columns></textarea>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button primary" disabled=move || busy.get()>
                {move || if busy.get() { texts().one_moment } else { texts().create_button }}
            </button>
        </form>
    }
}
