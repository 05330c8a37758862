//! A sticky note on a board, and the field that writes a new one.

use atelier_shared::text::NOTE_MAX_CHARS;
use atelier_shared::{Colour, ColumnId, Command, Note, NoteId, Role, RoomId};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::browser;
use crate::i18n::texts;
use crate::session::Session;

#[component]
pub fn NoteCard(note: Note) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = note.id;
    let author = note.author;
    let author_name = Memo::new(move |_| {
        let Some(author) = author else {
            return texts().anonymous.to_owned();
        };
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.participants.get(&author))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    });
    let may_change = Memo::new(move |_| {
        let Some(you) = session.you.get() else {
            return false;
        };
        let role = session
            .workshop
            .with(|w| w.as_ref().and_then(|w| w.participants.get(&you)).map(|p| p.role));
        author == Some(you) || role.is_some_and(Role::facilitates)
    });
    let sending = Memo::new(move |_| session.unconfirmed.with(|s| s.contains(&id)));
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(note.text.clone());
    let colour = note.colour;

    let save = move || {
        let command = Command::EditNote {
            note: id,
            text: draft.get_untracked(),
            colour,
        };
        if session.send(command).is_ok() {
            editing.set(false);
        }
    };
    let delete = move |_| {
        if browser::confirm(texts().confirm_delete) {
            let _ = session.send(Command::DeleteNote { note: id });
        }
    };
    let on_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" if !ev.shift_key() => {
            ev.prevent_default();
            save();
        }
        "Escape" => editing.set(false),
        _ => {}
    };
    let text = note.text.clone();

    view! {
        <li class=format!("note note-{}", note.colour.as_str()) class:sending=sending data-note=id.to_string()>
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="note-text">{text.clone()}</p> }
            >
                <textarea
                    class="note-edit"
                    aria-label=move || texts().edit
                    maxlength=NOTE_MAX_CHARS
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_key
                    autofocus
                ></textarea>
                <div class="note-actions">
                    <button type="button" class="button small" on:click=move |_| save()>{move || texts().save}</button>
                    <button type="button" class="button small quiet" on:click=move |_| editing.set(false)>
                        {move || texts().cancel}
                    </button>
                </div>
            </Show>
            <footer class="note-meta">
                <span class="note-author">
                    {move || if sending.get() { texts().sending.to_owned() } else { author_name.get() }}
                </span>
                <Show when=move || may_change.get() && !editing.get()>
                    <span class="note-tools">
                        <button type="button" class="icon-button" on:click=move |_| editing.set(true)>
                            {move || texts().edit}
                        </button>
                        <button type="button" class="icon-button danger" on:click=delete>
                            {move || texts().delete}
                        </button>
                    </span>
                </Show>
            </footer>
        </li>
    }
}

#[component]
pub fn Composer(room: Memo<Option<RoomId>>, column: ColumnId, title: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let text = RwSignal::new(String::new());
    let colour = RwSignal::new(Colour::Yellow);
    let left = move || NOTE_MAX_CHARS as i64 - text.with(|t| t.chars().count()) as i64;
    let field_id = format!("composer-{column}");
    let title_for_label = title.clone();

    let submit = move || {
        let Some(room) = room.get_untracked() else { return };
        if text.with_untracked(|t| t.trim().is_empty()) {
            return;
        }
        let command = Command::PostNote {
            note: NoteId::from_random_bytes(browser::random_bytes()),
            room,
            column,
            text: text.get_untracked(),
            colour: colour.get_untracked(),
            parent: None,
        };
        if session.send(command).is_ok() {
            text.set(String::new());
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form class="composer" on:submit=move |ev| {
            ev.prevent_default();
            submit();
        }>
            <label class="visually-hidden" for=field_id.clone()>
                {move || (texts().new_note_label)(&title_for_label)}
            </label>
            <textarea
                id=field_id
                class=move || format!("composer-text note-{}", colour.get().as_str())
                rows="2"
                placeholder=move || texts().new_note_placeholder
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_key
            ></textarea>
            <div class="composer-row">
                <fieldset class="swatches">
                    <legend class="visually-hidden">{move || texts().colour_label}</legend>
                    {Colour::ALL
                        .into_iter()
                        .map(|c| {
                            view! {
                                <button
                                    type="button"
                                    class=format!("swatch note-{}", c.as_str())
                                    aria-pressed=move || (colour.get() == c).to_string()
                                    aria-label=move || format!("{} : {}", texts().colour_label, (texts().colour)(c))
                                    title=move || (texts().colour)(c)
                                    on:click=move |_| colour.set(c)
                                ></button>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <span class="counter" class:over=move || left() < 0 aria-live="polite">
                    {move || if left() < 40 { (texts().characters_left)(left()) } else { String::new() }}
                </span>
                <button type="submit" class="button small" disabled=move || text.with(|t| t.trim().is_empty()) || left() < 0>
                    {move || texts().add_note}
                </button>
            </div>
        </form>
    }
}
