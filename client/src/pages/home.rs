//! `/`: join a workshop with its code, or create one to facilitate.

use atelier_shared::api::{CreateWorkshop, RoomRequest, TemplateSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{JoinForm, enter_workshop};
use crate::api;
use crate::browser;
use crate::components::Shell;
use crate::i18n::{texts, tr};

#[component]
pub fn HomePage() -> impl IntoView {
    browser::set_title("Atelier");
    view! {
        <Shell>
                <h1 class="tagline">{tr(|t| t.tagline)}</h1>
                <div class="home-cards">
                    <section class="card" aria-labelledby="join-heading">
                        <h2 id="join-heading">{tr(|t| t.join_heading)}</h2>
                        <p class="intro">{tr(|t| t.join_intro)}</p>
                        <JoinForm/>
                    </section>
                    <section class="card" aria-labelledby="create-heading">
                        <h2 id="create-heading">{tr(|t| t.create_heading)}</h2>
                        <p class="intro">{tr(|t| t.create_intro)}</p>
                        <CreateForm/>
                    </section>
                </div>
        </Shell>
    }
}

/// The template a new workshop follows unless the facilitator picks another.
const DEFAULT_TEMPLATE: &str = "brainstorm-vote";

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
    let templates = RwSignal::new(Vec::<TemplateSummary>::new());
    let template = RwSignal::new(DEFAULT_TEMPLATE.to_owned());
    let title = RwSignal::new(t.title_example.to_owned());
    let name = RwSignal::new(String::new());
    let rooms = RwSignal::new(t.rooms_example.to_owned());
    let columns = RwSignal::new(t.columns_example.to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(list) = api::templates().await {
            templates.set(list);
        }
    });
    let chosen =
        Memo::new(move |_| templates.with(|list| list.iter().find(|t| t.key == template.get()).cloned()));
    let custom_columns = move || chosen.get().is_none_or(|t| t.custom_columns);
    let pick = move |key: String| {
        if let Some(summary) = templates.with_untracked(|list| list.iter().find(|t| t.key == key).cloned()) {
            title.set(summary.title.clone());
            rooms.set(summary.rooms.join("\n"));
        }
        template.set(key);
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateWorkshop {
            template: Some(template.get_untracked()),
            title: Some(title.get_untracked()),
            facilitator_name: name.get_untracked(),
            rooms: lines(&rooms.get_untracked())
                .into_iter()
                .map(|name| RoomRequest {
                    territory: Some(name.clone()),
                    name,
                })
                .collect(),
            columns: if custom_columns() {
                lines(&columns.get_untracked())
            } else {
                Vec::new()
            },
            ..CreateWorkshop::default()
        };
        enter_workshop(busy, error, async move {
            let created = api::create_workshop(&request).await?;
            Ok((created.workshop, created.facilitator_secret))
        });
    };

    view! {
        <form class="form" on:submit=submit>
            <label for="create-template">{tr(|t| t.template_label)}</label>
            <select id="create-template" on:change=move |ev| pick(event_target_value(&ev))>
                <For each=move || templates.get() key=|t| t.key.clone() let:summary>
                    <option value=summary.key.clone() selected=summary.key == template.get_untracked()>
                        {format!("{} ({} min)", summary.title, summary.minutes)}
                    </option>
                </For>
            </select>
            <p class="hint">{move || chosen.get().map(|t| t.summary).unwrap_or_default()}</p>
            <label for="create-title">{tr(|t| t.title_label)}</label>
            <input id="create-title" type="text" required bind:value=title/>
            <label for="create-name">{tr(|t| t.facilitator_name_label)}</label>
            <input id="create-name" type="text" required autocomplete="name" bind:value=name/>
            <label for="create-rooms">{tr(|t| t.rooms_label)}</label>
            <textarea id="create-rooms" rows="5" aria-describedby="create-rooms-hint" bind:value=rooms></textarea>
            <p class="hint" id="create-rooms-hint">{tr(|t| t.rooms_hint)}</p>
            <Show when=custom_columns>
                <label for="create-columns">{tr(|t| t.columns_label)}</label>
                <textarea id="create-columns" rows="3" bind:value=columns></textarea>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="button primary" disabled=move || busy.get()>
                {move || if busy.get() { texts().one_moment } else { texts().create_button }}
            </button>
        </form>
    }
}
