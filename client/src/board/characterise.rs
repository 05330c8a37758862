//! Characterising the retained needs: why each matters, who it affects, how to
//! measure it; fields saved as the writer pauses.

use atelier_shared::model::Field;
use atelier_shared::text::DETAILS_MAX_CHARS;
use atelier_shared::{Command, NoteId};
use leptos::prelude::*;

use super::*;
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// The notes the step focuses on, ids and texts.
pub(super) fn focus_notes(session: Session, here: Here) -> Memo<Vec<(NoteId, String)>> {
    Memo::new(move |_| {
        let (Some(step), Some(room)) = (here.step.get(), here.room.get()) else {
            return Vec::new();
        };
        session.read(|w| {
            w.focus_notes(&step, room)
                .into_iter()
                .filter_map(|id| w.notes.get(&id).map(|n| (id, n.text.clone())))
                .collect()
        })
    })
}

/// Why each retained need matters, who it affects, how to measure it.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Characterise() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let notes = focus_notes(session, here);
    view! {
        <Show when=move || notes.with(Vec::is_empty)>
            <p class="empty">{tr(|t| t.nothing_to_work_on)}</p>
        </Show>
        <div class="dossiers">
            <For each=move || notes.get() key=|n| n.clone() let:note>
                <article class="dossier" aria-label=note.1.clone()>
                    <h3 class="dossier-title">{note.1.clone()}</h3>
                    {[Field::Why, Field::Who, Field::Measure]
                        .into_iter()
                        .map(|field| view! { <DetailField note=note.0 field/> })
                        .collect_view()}
                </article>
            </For>
        </div>
    }
}

/// One characterisation field. What is typed is kept as a draft at once (it survives
/// a step change, a lost connection, a reload) and saved a moment after the writer
/// pauses, when they leave the field, and when the field leaves the page. What
/// someone else saves never replaces text being typed: the writer is told instead.
#[component]
fn DetailField(note: NoteId, field: Field) -> impl IntoView {
    let session = expect_context::<Session>();
    let stored = session.note_details(note, move |d| d.field(field).to_owned());
    let may = session.allows(move || Command::Characterise {
        note,
        field,
        text: String::new(),
    });
    let id = format!("detail-{note}-{field:?}");
    let key = StoredValue::new(id.clone());
    let draft = session.drafts.get(&id);
    let text = RwSignal::new(draft.clone().unwrap_or_else(|| stored.get_untracked()));
    let saved = stored.get_untracked();
    let unsaved = RwSignal::new(draft.as_ref().is_some_and(|d| *d != saved));
    let draft_extends_saved = draft.is_some_and(|d| d != saved && d.starts_with(&saved));
    let focused = RwSignal::new(false);
    // Someone else saved this field while the viewer was typing in it.
    let overtaken = RwSignal::new(false);
    let pause = StoredValue::new_local(None::<TimeoutHandle>);
    // The pending save after a pause, dropped when saving happens sooner.
    let cancel_pause = move || {
        if let Some(Some(handle)) = pause.try_update_value(Option::take) {
            handle.clear();
        }
    };

    // Saving reads only the session (which outlives the field): it may run after the
    // field has left the page.
    let save = move |key: &str, quiet: bool| {
        let Some(typed) = session.drafts.get(key) else {
            return;
        };
        let command = Command::Characterise {
            note,
            field,
            text: typed,
        };
        let allowed = session.you.try_get_untracked().flatten().is_some_and(|me| {
            session
                .workshop
                .try_with_untracked(|w| w.as_ref().is_some_and(|w| derive::may(w, me, command.clone())))
                .unwrap_or(false)
        });
        // Leaving the step: keep the draft for when the room comes back to it.
        if quiet && !allowed {
            return;
        }
        if session.send(command).is_ok() {
            session.drafts.forget(key);
            let _ = unsaved.try_set(false);
            let _ = overtaken.try_set(false);
        }
    };
    // Saving by itself (a pause, leaving the field) waits while someone else's text
    // stands against the writer's: they choose.
    let auto_save = move |key: &str| {
        if overtaken.try_get_untracked() == Some(false) {
            save(key, true);
        }
    };
    // A pause, leaving the field, the field leaving the page: save unless told not to.
    let save_when_idle = move || {
        cancel_pause();
        if let Some(key) = key.try_get_value() {
            auto_save(&key);
        }
    };
    let save_now = move || {
        cancel_pause();
        if let Some(key) = key.try_get_value() {
            save(&key, false);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        session.say_writing(note, field);
        let key = key.get_value();
        session.drafts.keep(&key, &typed);
        text.set(typed);
        unsaved.set(true);
        cancel_pause();
        let later = set_timeout_with_handle(move || auto_save(&key), SAVE_AFTER_PAUSE).ok();
        pause.set_value(later);
    };
    // Others' changes: shown at once in a field nobody is typing in; announced in one
    // someone is.
    Effect::new(move |previous: Option<String>| {
        let theirs = stored.get();
        if previous.is_some_and(|p| p != theirs) {
            if theirs == text.get_untracked() {
                overtaken.set(false);
            } else if focused.get_untracked() || unsaved.get_untracked() {
                overtaken.set(true);
            } else {
                text.set(theirs.clone());
            }
        }
        theirs
    });
    on_cleanup(save_when_idle);
    // A draft that only adds to what is saved (the end of a sentence the step change
    // interrupted) is saved as soon as the field is back; any other waits for its
    // writer, who sees it marked as a draft.
    if draft_extends_saved {
        set_timeout(save_when_idle, std::time::Duration::ZERO);
    }
    // Someone else typing in this field right now.
    let writer = Memo::new(move |_| {
        let (who, _) = session.writing.with(|w| w.get(&(note, field)).copied())?;
        session.read(|w| w.participants.get(&who).map(|p| p.name.clone()))
    });
    let take_theirs = move |_| {
        session.drafts.forget(&key.get_value());
        text.set(stored.get_untracked());
        unsaved.set(false);
        overtaken.set(false);
    };
    view! {
        <div class="detail-field">
            <label for=id.clone()>{move || texts().question(field)}</label>
            <textarea
                id=id
                rows="3"
                maxlength=DETAILS_MAX_CHARS
                placeholder=move || (texts().field_hint)(field)
                prop:value=move || text.get()
                readonly=move || !may.get()
                on:input=on_input
                on:focus=move |_| focused.set(true)
                on:blur=move |_| {
                    let _ = focused.try_set(false);
                    save_when_idle();
                }
            ></textarea>
            <p class="field-writing" aria-live="polite">
                {move || writer.get().map(|name| (texts().someone_writing)(&name))}
            </p>
            <p class="field-status" role="status">
                <Show when=move || overtaken.get()>
                    {tr(|t| t.field_overtaken)}" "
                    <button type="button" class="link-button" on:click=take_theirs>{tr(|t| t.field_take_theirs)}</button>
                    " · "
                    <button type="button" class="link-button" on:click=move |_| save_now()>{tr(|t| t.field_keep_mine)}</button>
                </Show>
                <Show when=move || unsaved.get() && !overtaken.get() && !focused.get()>
                    {tr(|t| t.field_draft)}" "
                    <button type="button" class="link-button" on:click=move |_| save_now()>{tr(|t| t.save)}</button>
                </Show>
            </p>
        </div>
    }
}

/// How long a writer's pause lasts before what they typed is saved.
const SAVE_AFTER_PAUSE: std::time::Duration = std::time::Duration::from_millis(800);
