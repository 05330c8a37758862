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
        session.read(|w| w.participants.get(&me)?.room)
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
                {
                    let (id, name) = room;
                    view! { <RoomResults room=id name own=Signal::derive(move || mine.get() == Some(id))/> }
                }
            </For>
        </div>
    }
}

/// One room's ranked notes, per column, from its latest closed vote (or, before any
/// vote, its notes in order); `own` when it is the viewer's room.
#[component]
fn RoomResults(room: RoomId, name: String, own: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let sections = Memo::new(move |_| session.read(|w| results_by_column(w, room)));
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
                <h4>{section.column.clone()}</h4>
                <ol class="ranking" role="list">
                    {section.rows.into_iter().map(|ResultRow { rank, text, votes }| view! {
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

/// One column of a room's results: ranked by the room's latest closed vote when
/// there is one (notes with at least one dot), else every shown note in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ColumnResults {
    column: String,
    rows: Vec<ResultRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ResultRow {
    /// `None` before any vote.
    rank: Option<u32>,
    text: String,
    votes: Option<u32>,
}

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
                        Some(ResultRow {
                            rank: Some(r.rank),
                            text: note.text.clone(),
                            votes: Some(r.votes),
                        })
                    })
                    .collect();
                ColumnResults {
                    column: column.title.clone(),
                    rows,
                }
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
                .map(|n| ResultRow {
                    rank: None,
                    text: n.text.clone(),
                    votes: None,
                })
                .collect::<Vec<_>>();
            ColumnResults {
                column: column.title.clone(),
                rows,
            }
        })
        .filter(|c| !c.rows.is_empty())
        .collect()
}
