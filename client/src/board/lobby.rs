//! For someone not in a room yet: wait, or choose a room.

use atelier_shared::Command;
use leptos::prelude::*;

use crate::i18n::tr;
use crate::session::Session;

/// For someone not in a room yet: wait, or choose a room when the workshop allows it.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn Lobby() -> impl IntoView {
    let session = expect_context::<Session>();
    let choice = Memo::new(move |_| {
        session.read(|w| w.settings.assignment == atelier_shared::model::Assignment::Choice)
    });
    let rooms = session.room_names();
    view! {
        <main class="board lobby" aria-labelledby="lobby-heading">
            <section class="card">
                <h2 id="lobby-heading" class="lobby-heading">{tr(|t| t.lobby_heading)}</h2>
                <Show
                    when=move || choice.get()
                    fallback=move || view! { <p>{tr(|t| t.lobby_wait)}</p> }
                >
                    <p>{tr(|t| t.lobby_choose)}</p>
                    <ul class="room-choices" role="list">
                        <For each=move || rooms.get() key=|r| r.clone() let:room>
                            <li>
                                <button type="button" class="button" on:click=move |_| {
                                    let _ = session.send(Command::ChooseRoom { room: room.0 });
                                }>
                                    // No headcount: who is in which room is not shown to
                                    // someone not yet in one (`sight.rs`), so it would read 0.
                                    {room.1.clone()}
                                </button>
                            </li>
                        </For>
                    </ul>
                </Show>
            </section>
        </main>
    }
}
