//! A sticky note on a board, and the field that writes a new one.
//!
//! A card shows what its viewer may know and do with it: who wrote it (unless
//! anonymous), whether it is still hidden, where it came from, the notes merged into
//! it, the viewer's dots during a vote, its rank once the vote is closed, and the
//! edit, delete and merge tools to those allowed.

use atelier_shared::model::Source;
use atelier_shared::text::NOTE_MAX_CHARS;
use atelier_shared::{Colour, ColumnId, Command, Note, NoteId, RoomId};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::board::Here;
use crate::browser;
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// The viewer's dots on a note during a vote, and what they may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dots {
    mine: u32,
    /// Everyone's, when the viewer may see them.
    total: Option<u32>,
    can_add: bool,
    can_remove: bool,
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn NoteCard(note: Note) -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let id = note.id;
    let author = note.author;
    let you = session.you;
    // A map's or an earlier workshop's note has no author to show: its tag says where
    // it comes from.
    let posted = note.source == Source::Posted;
    let author_name = Memo::new(move |_| {
        if !posted {
            return String::new();
        }
        let Some(author) = author else {
            return texts().anonymous.to_owned();
        };
        let name = session.read(|w| {
            w.participants
                .get(&author)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        });
        if note.anonymous && you.get() == Some(author) {
            (texts().you_anonymously)(&name)
        } else {
            name
        }
    });
    let may_edit = session.allows(move || Command::EditNote {
        note: id,
        text: "·".into(),
        colour: Colour::Yellow,
    });
    let may_delete = session.allows(move || Command::DeleteNote { note: id });
    let dots = Memo::new(move |_| -> Option<Dots> {
        let me = you.get()?;
        let step = here.step.get()?;
        let rules = step.vote_rules()?;
        session.read(|w| {
            let note = w.notes.get(&id)?;
            // Once closed, the card shows the result instead.
            let closed = derive::closed_result(w, &step, note.room).is_some();
            if !step.columns.contains(&note.column) || note.hidden || closed {
                return None;
            }
            let mine = w.dots(step.id, me, id);
            let facilitates = w.facilitates(me, note.room);
            let total = (!rules.secret || facilitates).then(|| {
                w.ballots
                    .iter()
                    .filter(|(b, _)| b.step == step.id && b.note == id)
                    .map(|(_, d)| *d)
                    .sum()
            });
            let vote = |dots| derive::may(w, me, Command::Vote { note: id, dots });
            Some(Dots {
                mine,
                total,
                can_add: vote(mine + 1),
                can_remove: mine > 0 && vote(mine - 1),
            })
        })
    });
    let rank = Memo::new(move |_| {
        let step = here.results.get()?;
        session.read(|w| derive::rank_of(w, step.id, id).cloned())
    });
    let members = Memo::new(move |_| -> Vec<(NoteId, String)> {
        session.read(|w| {
            w.notes
                .values()
                .filter(|n| n.group == Some(id))
                .map(|n| (n.id, n.text.clone()))
                .collect()
        })
    });
    let facilitates = Memo::new(move |_| here.facilitates.get());
    let sending = Memo::new(move |_| session.unconfirmed.with(|s| s.contains(&id)));
    let selected = Memo::new(move |_| here.merging.with(|m| m.as_ref().map(|set| set.contains(&id))));
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
    let vote = move |dots: u32| {
        let _ = session.send(Command::Vote { note: id, dots });
    };
    let text = note.text.clone();
    let label_text = note.text.clone();
    let label = move |f: fn(&str) -> String| f(&label_text);
    let label_add = label.clone();
    let label_remove = label.clone();
    let label_select = label;
    // Named after the note, for a screen reader's list of buttons (Copy: used deep
    // inside nested views).
    let named = StoredValue::new(note.text.clone());
    let source = note.source;
    let hidden = note.hidden;
    let anonymous = note.anonymous;

    view! {
        <li
            class=format!("note note-{}", note.colour.as_str())
            class:sending=sending
            class:hidden-note=hidden
            class:selected=move || selected.get() == Some(true)
            data-note=id.to_string()
        >
            {move || rank.get().map(|r| view! {
                <p class="ranked-line" class:unvoted=r.votes == 0>
                    {(r.votes > 0).then(|| view! {
                        <span class="visually-hidden">{tr(|t| t.rank_title)}{tr(|t| t.colon)}</span>
                        <span class="rank" title=tr(|t| t.rank_title)>{(texts().rank)(r.rank)}</span>
                    })}
                    <span class="ranked-votes">{(texts().points)(r.votes)}</span>
                </p>
            })}
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="note-text">{text.clone()}</p> }
            >
                <textarea
                    class="note-edit"
                    aria-label=tr(|t| t.edit)
                    maxlength=NOTE_MAX_CHARS
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_key
                    autofocus
                ></textarea>
                <div class="note-actions">
                    <button type="button" class="button small" on:click=move |_| save()>{tr(|t| t.save)}</button>
                    <button type="button" class="button small quiet" on:click=move |_| editing.set(false)>
                        {tr(|t| t.cancel)}
                    </button>
                </div>
            </Show>
            <Show when=move || !members.with(Vec::is_empty)>
                <details class="group-members">
                    <summary>{move || (texts().merged_count)(members.with(Vec::len))}</summary>
                    <ul role="list">
                        <For each=move || members.get() key=|m| m.clone() let:member>
                            <li>
                                <span>{member.1}</span>
                                <Show when=move || facilitates.get()>
                                    <button type="button" class="icon-button" on:click=move |_| {
                                        let _ = session.send(Command::Ungroup { note: member.0 });
                                    }>{tr(|t| t.ungroup)}</button>
                                </Show>
                            </li>
                        </For>
                    </ul>
                </details>
            </Show>
            <div class="note-badges">
                {hidden.then(|| view! { <span class="tag">{tr(|t| t.hidden_tag)}</span> })}
                {anonymous.then(|| view! { <span class="tag">{tr(|t| t.anonymous_tag)}</span> })}
                {match source {
                    Source::Posted => None,
                    Source::Map => Some(view! { <span class="tag">{tr(|t| t.map_tag)}</span> }.into_any()),
                    Source::Campaign { rank: Some(rank), votes: Some(votes), .. } => Some(
                        view! { <span class="tag campaign-rank">{move || (texts().campaign_ranked)(rank, votes)}</span> }
                            .into_any(),
                    ),
                    Source::Campaign { .. } => {
                        Some(view! { <span class="tag">{tr(|t| t.campaign_tag)}</span> }.into_any())
                    }
                }}
            </div>
            {move || dots.get().map(|d| view! {
                <div class="vote" role="group" aria-label=tr(|t| t.your_dots)>
                    <button
                        type="button"
                        class="dot-button"
                        aria-label=label_remove.clone()(texts().remove_dot)
                        disabled=!d.can_remove
                        on:click=move |_| vote(d.mine.saturating_sub(1))
                    >"−"</button>
                    <span class="dots" role="img" aria-label=move || (texts().dots_given)(d.mine)>
                        {(0..d.mine).map(|_| view! { <span class="dot" aria-hidden="true"></span> }).collect_view()}
                        <span class="dots-count" aria-hidden="true">{d.mine}</span>
                    </span>
                    <button
                        type="button"
                        class="dot-button"
                        aria-label=label_add.clone()(texts().add_dot)
                        disabled=!d.can_add
                        on:click=move |_| vote(d.mine + 1)
                    >"+"</button>
                    {d.total.map(|total| view! { <span class="dots-total">{move || (texts().points)(total)}</span> })}
                </div>
            })}
            <footer class="note-meta">
                <span class="note-author">
                    {move || if sending.get() { texts().sending.to_owned() } else { author_name.get() }}
                </span>
                {move || selected.get().map(|on| {
                    let label = label_select.clone()(texts().select_note);
                    view! {
                        <label class="inline-check merge-check">
                            <input type="checkbox" prop:checked=on on:change=move |_| {
                                here.merging.update(|m| {
                                    if let Some(set) = m
                                        && !set.remove(&id)
                                    {
                                        set.insert(id);
                                    }
                                });
                            }/>
                            <span class="visually-hidden">{label}</span>
                        </label>
                    }
                })}
                <Show when=move || !editing.get() && (may_edit.get() || may_delete.get())>
                    <span class="note-tools">
                        <Show when=move || may_edit.get()>
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=move || named.with_value(|text| (texts().edit_note)(text))
                                on:click=move |_| editing.set(true)
                            >
                                {tr(|t| t.edit)}
                            </button>
                        </Show>
                        <Show when=move || may_delete.get()>
                            <button
                                type="button"
                                class="icon-button danger"
                                aria-label=move || named.with_value(|text| (texts().delete_note)(text))
                                on:click=delete
                            >
                                {tr(|t| t.delete)}
                            </button>
                        </Show>
                    </span>
                </Show>
            </footer>
        </li>
    }
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn Composer(
    room: Memo<Option<RoomId>>,
    column: ColumnId,
    title: String,
    #[prop(optional)] parent: Option<NoteId>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let field_id = match parent {
        Some(parent) => format!("composer-{column}-{parent}"),
        None => format!("composer-{column}"),
    };
    // A note being written outlives the step that offered the field.
    let key = StoredValue::new(field_id.clone());
    let text = RwSignal::new(session.drafts.get(&field_id).unwrap_or_default());
    let colour = RwSignal::new(Colour::Yellow);
    let left = move || NOTE_MAX_CHARS as i64 - text.with(|t| t.chars().count()) as i64;
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
            parent,
        };
        if session.send(command).is_ok() {
            text.set(String::new());
            session.drafts.forget(&key.get_value());
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form class="composer" class:compact=parent.is_some() on:submit=move |ev| {
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
                placeholder=tr(|t| t.new_note_placeholder)
                prop:value=move || text.get()
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    session.drafts.note_down(&key.get_value(), &typed);
                    text.set(typed);
                }
                on:keydown=on_key
            ></textarea>
            <div class="composer-row">
                <fieldset class="swatches">
                    <legend class="visually-hidden">{tr(|t| t.colour_label)}</legend>
                    {Colour::ALL
                        .into_iter()
                        .map(|c| {
                            view! {
                                <button
                                    type="button"
                                    class=format!("swatch note-{}", c.as_str())
                                    aria-pressed=move || (colour.get() == c).to_string()
                                    aria-label=move || format!("{}{}{}", texts().colour_label, texts().colon, (texts().colour)(c))
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
                    {tr(|t| t.add_note)}
                </button>
            </div>
        </form>
    }
}
