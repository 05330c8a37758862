//! The plenary: every room's results side by side.

use atelier_shared::RoomId;
use leptos::prelude::*;

use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// Every room's results side by side, best first: readable when shared on a call.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Plenary() -> impl IntoView {
    let session = expect_context::<Session>();
    let names = session.room_names();
    // The room the viewer belongs to (not the one a lead is looking at), first; the
    // order of the others kept.
    let mine = Memo::new(move |_| {
        let me = session.you.get()?;
        session.workshop.with(|w| w.as_ref()?.participants.get(&me)?.room)
    });
    let rooms = Memo::new(move |_| {
        let mut rooms = names.get();
        if let Some(mine) = mine.get() {
            rooms.sort_by_key(|(id, _)| *id != mine);
        }
        rooms
    });
    view! {
        <div class="plenary">
            <For each=move || rooms.get() key=|r| r.clone() let:room>
                <RoomResults room=room.0 name=room.1 own=Signal::derive(move || mine.get() == Some(room.0))/>
            </For>
        </div>
    }
}

/// One room's ranked notes, per column, from its latest closed vote (or, before any
/// vote, its notes in order); `own` when it is the viewer's room.
#[component]
fn RoomResults(room: RoomId, name: String, own: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let sections = Memo::new(move |_| {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
            results_by_column(w, room)
        })
    });
    let heading = format!("results-{room}");
    let labelled_by = heading.clone();
    view! {
        <section class="room-results" class:own-room=own aria-labelledby=labelled_by>
            <h3 id=heading>
                {name}
                <Show when=move || own.get()>
                    <span class="tag">{tr(|t| t.your_room)}</span>
                </Show>
            </h3>
            <For each=move || sections.get() key=|s| s.clone() let:section>
                <h4>{section.0.clone()}</h4>
                <ol class="ranking" role="list">
                    {section.1.into_iter().map(|(rank, text, votes)| view! {
                        <li>
                            {rank.map(|r| view! {
                                <span class="visually-hidden">{tr(|t| t.rank_title)}{tr(|t| t.colon)}</span>
                                <span class="rank">{move || (texts().rank)(r)}</span>
                            })}
                            <span class="ranked-text">{text}</span>
                            {votes.map(|v| view! { <span class="ranked-votes">{move || (texts().points)(v)}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </For>
        </section>
    }
}

/// `(column title, [(rank, text, votes)])`: ranked by the room's latest closed vote
/// when there is one (notes with at least one dot), else every shown note in order.
type ColumnResults = (String, Vec<(Option<u32>, String, Option<u32>)>);

fn results_by_column(w: &atelier_shared::Workshop, room: RoomId) -> Vec<ColumnResults> {
    if let Some((step, ranked)) = derive::latest_ranking(w, room) {
        return step
            .columns
            .iter()
            .filter_map(|c| w.column(*c))
            .map(|column| {
                let rows = ranked
                    .iter()
                    .filter(|r| r.column == column.id && r.votes > 0)
                    .filter_map(|r| {
                        let note = w.notes.get(&r.note)?;
                        Some((Some(r.rank), note.text.clone(), Some(r.votes)))
                    })
                    .collect();
                (column.title.clone(), rows)
            })
            .collect();
    }
    w.columns
        .iter()
        .map(|column| {
            let rows = w
                .notes_in(room, column.id)
                .into_iter()
                .filter(|n| !n.hidden)
                .map(|n| (None, n.text.clone(), None))
                .collect::<Vec<_>>();
            (column.title.clone(), rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}
