//! The cockpit's other tools: a message to every board, importing a map, deleting
//! the workshop.

use atelier_shared::Command;
use atelier_shared::map;
use atelier_shared::model::ColumnKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::i18n::{texts, tr};
use crate::session::Session;
use crate::{api, browser};

/// Deleting the workshop for good, after a confirmation; folded away by default.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn DeleteWorkshop() -> impl IntoView {
    let session = expect_context::<Session>();
    let failure = RwSignal::new(None::<String>);
    let delete = move |_| {
        if !browser::confirm(texts().delete_confirm) {
            return;
        }
        let Some(token) = session.token() else { return };
        spawn_local(async move {
            match api::delete_workshop(session.workshop_id, &token).await {
                // The server closes the connection with `workshop_deleted`, which the
                // session shows; the credential is forgotten there.
                Ok(()) => failure.set(None),
                Err(error) => failure.set(Some(error.explain(texts()))),
            }
        });
    };
    view! {
        <details class="panel danger-zone">
            <summary><h3>{tr(|t| t.delete_heading)}</h3></summary>
            <p class="intro">{tr(|t| t.delete_intro)}</p>
            <button type="button" class="button delete-button" on:click=delete>{tr(|t| t.delete_button)}</button>
            {move || failure.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </details>
    }
}

/// A message shown on every board ("Back in the main room in 2 minutes").
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Broadcast() -> impl IntoView {
    let session = expect_context::<Session>();
    let draft = RwSignal::new(String::new());
    let current = Memo::new(move |_| session.read(|w| w.message.clone()));
    let send = move |text: String| {
        if session.send(Command::Broadcast { text }).is_ok() {
            draft.set(String::new());
        }
    };
    view! {
        <details class="panel broadcast-panel">
            <summary><h3>{tr(|t| t.broadcast_heading)}</h3></summary>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                send(draft.get_untracked());
            }>
                <label for="broadcast-text">{tr(|t| t.broadcast_label)}</label>
                <textarea id="broadcast-text" rows="2" maxlength=atelier_shared::text::MESSAGE_MAX_CHARS bind:value=draft></textarea>
                <div class="actions">
                    <button type="submit" class="button small primary" disabled=move || draft.with(|d| d.trim().is_empty())>
                        {tr(|t| t.broadcast_send)}
                    </button>
                    <Show when=move || current.with(Option::is_some)>
                        <button type="button" class="button small quiet" on:click=move |_| send(String::new())>
                            {tr(|t| t.broadcast_clear)}
                        </button>
                    </Show>
                </div>
            </form>
        </details>
    }
}

/// A map (CSV, as a spreadsheet exports it, or JSON), chosen as a file or pasted, into a
/// column of one or every room.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn ImportMap() -> impl IntoView {
    let session = expect_context::<Session>();
    let columns = Memo::new(move |_| {
        session.read(|w| {
            w.columns
                .iter()
                .filter(|c| !matches!(c.kind, ColumnKind::Attached { .. }))
                .map(|c| (c.id, c.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    let rooms = session.room_names();
    let column = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<usize, String>>);
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let column_id = column
            .get_untracked()
            .parse()
            .ok()
            .or_else(|| columns.with_untracked(|c| c.first().map(|c| c.0)));
        let Some(column_id) = column_id else { return };
        let content = text.get_untracked();
        // A JSON map (an array of items) or CSV, as a spreadsheet exports it.
        let parsed = if content.trim_start().starts_with(['[', '{']) {
            map::parse_json(&content)
        } else {
            map::parse_csv(&content)
        };
        let items = match parsed {
            Ok(items) => items,
            Err(error) => {
                outcome.set(Some(Err(error.to_string())));
                return;
            }
        };
        let count = items.len();
        let command = Command::ImportMap {
            import: Uuid::from_bytes(browser::random_bytes()),
            column: column_id,
            room: room.get_untracked().parse().ok(),
            items,
        };
        match session.send(command) {
            Ok(()) => {
                text.set(String::new());
                outcome.set(Some(Ok(count)));
            }
            Err(rejection) => outcome.set(Some(Err((texts().rejection)(&rejection)))),
        }
    };
    // A file chosen on the computer fills the field, to be read before importing.
    let choose_file = move |ev: leptos::ev::Event| {
        let Some(file) = browser::chosen_file(&ev) else {
            return;
        };
        spawn_local(async move {
            match browser::read_text(&file).await {
                // A picture or a spreadsheet's binary file reads as garbage: refused
                // before it reaches the field.
                Some(content) if content.contains(['\u{FFFD}', '\0']) => {
                    outcome.set(Some(Err(texts().import_unreadable.to_owned())));
                }
                Some(content) => {
                    outcome.set(None);
                    text.set(content);
                }
                None => outcome.set(Some(Err(texts().import_unreadable.to_owned()))),
            }
        });
    };
    view! {
        <details class="panel import-panel">
            <summary><h3>{tr(|t| t.import_heading)}</h3></summary>
            <form class="form" on:submit=import>
                <p class="hint">{tr(|t| t.import_hint)}</p>
                <label for="import-column">{tr(|t| t.import_column)}</label>
                <select id="import-column" on:change=move |ev| column.set(event_target_value(&ev))>
                    {move || columns.get().into_iter().map(|(id, title)| view! {
                        <option value=id.to_string()>{title}</option>
                    }).collect_view()}
                </select>
                <label for="import-room">{tr(|t| t.import_room)}</label>
                <select id="import-room" on:change=move |ev| room.set(event_target_value(&ev))>
                    <option value="">{tr(|t| t.every_room)}</option>
                    {move || rooms.get().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string()>{name}</option>
                    }).collect_view()}
                </select>
                <label for="import-file">{tr(|t| t.import_file)}</label>
                <input id="import-file" type="file" accept=".csv,.json,.txt,text/csv,application/json" on:change=choose_file/>
                <label for="import-text">{tr(|t| t.import_text)}</label>
                <textarea id="import-text" rows="5" bind:value=text placeholder="texte;territoire"></textarea>
                <p class="error" role="alert">
                    {move || match outcome.get() {
                        Some(Err(reason)) => reason,
                        _ => String::new(),
                    }}
                </p>
                <p class="hint" role="status">
                    {move || match outcome.get() {
                        Some(Ok(n)) => (texts().imported)(n),
                        _ => String::new(),
                    }}
                </p>
                <button type="submit" class="button small primary" disabled=move || text.with(|t| t.trim().is_empty())>
                    {tr(|t| t.import_button)}
                </button>
            </form>
        </details>
    }
}
