//! Every room at a glance: its step, people, notes and dots; opens its board.

use atelier_shared::RoomId;
use leptos::prelude::*;

use crate::derive::{self, RoomFigures};
use crate::i18n::{texts, tr};
use crate::session::Session;

/// One card per room: its step, people (connected, done), notes and dots; opens its board.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn RoomsAtAGlance(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let cards = Memo::new(move |_| {
        let online = session.online.get();
        session.read(|w| {
            let common = derive::common_step(w).map(|s| s.id);
            w.rooms
                .iter()
                .map(|r| {
                    let step = w
                        .step(r.step)
                        .filter(|s| Some(s.id) != common)
                        .map(|s| s.title.clone());
                    let tie = derive::results_step(w, r.id)
                        .is_some_and(|s| !derive::ties_at_cut(w, s, r.id).is_empty());
                    (
                        r.id,
                        r.name.clone(),
                        r.locked,
                        step,
                        derive::room_figures(w, r.id, &online),
                        tie,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel rooms-glance" aria-labelledby="glance-heading">
            <h3 id="glance-heading">{tr(|t| t.rooms_heading)}</h3>
            <ul class="room-cards" role="list">
                <For each=move || cards.get() key=|c| c.clone() let:card>
                    {
                        let (id, name, locked, other_step, figures, tie) = card;
                        let RoomFigures { people, online, ready, notes, dots, hidden } = figures;
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="room-tab"
                                    aria-current=move || (room.get() == Some(id)).then_some("true")
                                    on:click=move |_| chosen.set(Some(id))
                                >
                                    <span class="room-name">{name}</span>
                                    {locked.then(|| view! { <span class="tag">{tr(|t| t.mode_locked)}</span> })}
                                    {tie.then(|| view! { <span class="tag warn">{tr(|t| t.tie_tag)}</span> })}
                                    {other_step.map(|s| view! { <span class="room-step">{s}</span> })}
                                    <span class="room-stats">
                                        {move || format!("{} · {}", (texts().people)(people), (texts().notes)(notes))}
                                    </span>
                                    <span class="room-stats secondary">
                                        {move || {
                                            let mut parts = vec![(texts().online_short)(online), (texts().done_count)(ready)];
                                            if dots > 0 {
                                                parts.push((texts().points)(dots));
                                            }
                                            if hidden > 0 {
                                                parts.push((texts().hidden_count)(hidden));
                                            }
                                            parts.join(" · ")
                                        }}
                                    </span>
                                    <meter class="ready-meter" min="0" max=people.max(1) value=ready aria-hidden="true"></meter>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
