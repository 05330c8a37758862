//! The head of a room's board: who is there and done, and what a voter has left.

use atelier_shared::{Command, ParticipantId, Role};
use leptos::prelude::*;

use super::*;
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// Someone in the room, as the presence list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Present {
    id: ParticipantId,
    name: String,
    online: bool,
    done: bool,
}

/// Who is in the room, who is connected, who is done; the viewer's "I'm done".
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Presence() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let people = Memo::new(move |_| -> Vec<Present> {
        let Some(room) = here.room.get() else {
            return Vec::new();
        };
        let online = session.online.get();
        session.read(|w| {
            w.participants
                .values()
                .filter(|p| p.room == Some(room) && p.role != Role::Lead)
                .map(|p| Present {
                    id: p.id,
                    name: p.name.clone(),
                    online: online.contains(&p.id),
                    done: p.ready,
                })
                .collect()
        })
    });
    // Nothing to finish on a step that only shows (a discussion, the plenary).
    let read_only = Memo::new(move |_| {
        here.step
            .with(|s| s.as_ref().is_some_and(|s| s.activity.read_only()))
    });
    let me_ready = Memo::new(move |_| {
        let me = session.you.get()?;
        if read_only.get() {
            return None;
        }
        session.read(|w| {
            let p = w.participants.get(&me)?;
            (p.role == Role::Participant && p.room.is_some()).then_some(p.ready)
        })
    });
    let done = move || people.with(|p| p.iter().filter(|p| p.done).count());
    view! {
        <div class="presence">
            <details class="people">
                <summary>
                    {move || (texts().online_count)(people.with(|p| p.iter().filter(|p| p.online).count()), people.with(Vec::len))}
                    " · "
                    {move || (texts().done_count)(done())}
                </summary>
                <ul role="list">
                    <For each=move || people.get() key=|p| p.clone() let:person>
                        <li class:online=person.online>
                            <span class="presence-dot" aria-hidden="true"></span>
                            <span class="person-name">{person.name.clone()}</span>
                            <span class="visually-hidden">
                                {move || if person.online { texts().online } else { texts().offline }}
                            </span>
                            {person.done.then(|| view! { <span class="tag done">{tr(|t| t.done_tag)}</span> })}
                        </li>
                    </For>
                </ul>
            </details>
            {move || me_ready.get().map(|ready| view! {
                <button
                    type="button"
                    class="button small done-button"
                    class:primary=!ready
                    aria-pressed=ready.to_string()
                    on:click=move |_| {
                        let _ = session.send(Command::SetReady { ready: !ready });
                    }
                >
                    // One label; the pressed state says whether it is done (a screen
                    // reader hears "J'ai terminé, activé").
                    {move || if ready { "✓ " } else { "" }}
                    {tr(|t| t.im_done)}
                </button>
            })}
        </div>
    }
}

/// "3 points left of 5", and per column, during a vote.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn VoteBudget() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let budget = Memo::new(move |_| {
        let me = session.you.get()?;
        let step = here.step.get()?;
        let room = here.room.get()?;
        session.read(|w| {
            let closed = derive::closed_result(w, &step, room).is_some();
            let voter = derive::votes_in(w, me, room);
            let budget = derive::budget(w, &step, me)?;
            let columns: Vec<(String, u32, u32)> = budget
                .columns
                .iter()
                .filter_map(|b| w.column(b.column).map(|c| (c.title.clone(), b.left, b.budget)))
                .collect();
            Some((closed, voter, budget.left, budget.total, columns))
        })
    });
    move || {
        budget.get().map(|(closed, voter, left, total, columns)| {
            if closed {
                return view! { <p class="budget closed" role="status">{tr(|t| t.vote_closed)}</p> }
                    .into_any();
            }
            if !voter {
                return ().into_any();
            }
            view! {
                <div class="budget" role="status" aria-live="polite">
                    <strong>{move || (texts().dots_left)(left, total)}</strong>
                    {columns.into_iter().map(|(title, left, of)| view! {
                        <span class="budget-column">{move || (texts().dots_left_in)(&title, left, of)}</span>
                    }).collect_view()}
                </div>
            }
            .into_any()
        })
    }
}
