//! The step's columns side by side: notes to post, group, vote on; attached columns
//! (solutions under their need).

use std::collections::{BTreeSet, HashMap};

use atelier_shared::model::ColumnKind;
use atelier_shared::{Column, Note, NoteId};
use leptos::prelude::*;

use super::*;
use crate::components::{Composer, NoteCard};
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// The step's columns side by side.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Columns() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let columns = Memo::new(move |_| {
        let Some(step) = here.step.get() else {
            return Vec::new();
        };
        session.read(|w| {
            step.columns
                .iter()
                .filter_map(|c| w.column(*c).cloned())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || here.facilitates.get()>
            <Suspense fallback=|| ()>{Suspend::new(facilitator_tools_view(true))}</Suspense>
        </Show>
        <div class="columns">
            <For each=move || columns.get() key=|column| column.id let:column>
                <ColumnView column/>
            </For>
        </div>
    }
}

#[component]
fn ColumnView(column: Column) -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let column_id = column.id;
    // In posting order; once the step's vote is closed, best first.
    let notes = Memo::new(move |_| -> Vec<Note> {
        let Some(room) = here.room.get() else {
            return Vec::new();
        };
        let step = here.results.get();
        session.read(|w| {
            let mut notes: Vec<Note> = w.notes_in(room, column_id).into_iter().cloned().collect();
            if let Some(result) = step.as_ref().and_then(|s| derive::closed_result(w, s, room)) {
                let place: HashMap<NoteId, usize> = result
                    .ranking
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.note, i))
                    .collect();
                notes.sort_by_key(|n| place.get(&n.id).copied().unwrap_or(usize::MAX));
            }
            notes
        })
    });
    // The notes a later step works on, set apart once the vote is closed.
    let kept = Memo::new(move |_| -> BTreeSet<NoteId> {
        let (Some(room), Some(step)) = (here.room.get(), here.results.get()) else {
            return BTreeSet::new();
        };
        session.read(|w| derive::retained(w, step.id, room))
    });
    // (retained, the others), each best first.
    let split = Memo::new(move |_| {
        kept.with(|k| notes.with(|n| n.iter().cloned().partition::<Vec<_>, _>(|n| k.contains(&n.id))))
    });
    let retained = Memo::new(move |_| split.with(|s| s.0.clone()));
    let others = Memo::new(move |_| split.with(|s| s.1.clone()));
    let may_post = Memo::new(move |_| {
        let (Some(me), Some(room)) = (session.you.get(), here.room.get()) else {
            return false;
        };
        session.read(|w| derive::may_post(w, me, room, column_id, None))
    });
    let heading_id = format!("column-{column_id}");
    let labelled_by = heading_id.clone();
    let title = column.title.clone();
    let body = match column.kind {
        ColumnKind::Attached { to } => {
            view! { <Attached column=column_id to title=title.clone() notes/> }.into_any()
        }
        ColumnKind::Open | ColumnKind::Facilitators => view! {
            <Show when=move || !retained.with(Vec::is_empty)>
                <h4 class="retained-heading">{move || (texts().retained_heading)(retained.with(Vec::len))}</h4>
                <ul class="notes retained" role="list">
                    <For each=move || retained.get() key=|note| (note.id, note.rev) let:note>
                        <NoteCard note/>
                    </For>
                </ul>
                <h4 class="retained-heading others">{tr(|t| t.others_heading)}</h4>
            </Show>
            <ul class="notes" role="list">
                <For each=move || others.get() key=|note| (note.id, note.rev) let:note>
                    <NoteCard note/>
                </For>
            </ul>
            <Show when=move || notes.with(Vec::is_empty)>
                <p class="empty">{tr(|t| t.empty_column)}</p>
            </Show>
            <Show when=move || may_post.get()>
                <Composer room=here.room column=column_id title=title.clone()/>
            </Show>
        }
        .into_any(),
    };
    view! {
        <section class="column" aria-labelledby=labelled_by>
            <h3 id=heading_id class="column-title">
                {column.title.clone()}
                <span class="count" aria-label=move || (texts().notes)(notes.with(Vec::len))>
                    {move || notes.with(Vec::len)}
                </span>
            </h3>
            {body}
        </section>
    }
}

/// A column whose notes hang under another column's (solutions under their need):
/// one group per parent, each with its own composer.
#[component]
fn Attached(
    column: atelier_shared::ColumnId,
    to: atelier_shared::ColumnId,
    title: String,
    notes: Memo<Vec<Note>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let parents = Memo::new(move |_| -> Vec<(NoteId, String)> {
        let Some(room) = here.room.get() else {
            return Vec::new();
        };
        session.read(|w| {
            w.notes_in(room, to)
                .into_iter()
                .filter(|n| !n.hidden)
                .map(|n| (n.id, n.text.clone()))
                .collect()
        })
    });
    view! {
        <Show when=move || parents.with(Vec::is_empty)>
            <p class="empty">{tr(|t| t.no_parents)}</p>
        </Show>
        <For each=move || parents.get() key=|p| p.clone() let:parent>
            {
                let (parent_id, parent_text) = parent;
                let under = Memo::new(move |_| {
                    notes.with(|n| n.iter().filter(|n| n.parent == Some(parent_id)).cloned().collect::<Vec<_>>())
                });
                let may_post = Memo::new(move |_| {
                    let (Some(me), Some(room)) = (session.you.get(), here.room.get()) else { return false };
                    session.read(|w| derive::may_post(w, me, room, column, Some(parent_id)))
                });
                let label = format!("{title} — {parent_text}");
                view! {
                    <div class="attached-group">
                        <h4 class="parent-note">{parent_text.clone()}</h4>
                        <ul class="notes" role="list">
                            <For each=move || under.get() key=|note| (note.id, note.rev) let:note>
                                <NoteCard note/>
                            </For>
                        </ul>
                        <Show when=move || may_post.get()>
                            <Composer room=here.room column title=label.clone() parent=parent_id/>
                        </Show>
                    </div>
                }
            }
        </For>
    }
}
