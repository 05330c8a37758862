//! One room's board as its step shows it, one module per kind of work: columns of
//! notes to post in or vote on ([`columns`], with the facilitator's [`tools`]), the
//! notes to characterise ([`characterise`]), problem trees ([`trees`]), every room's
//! results side by side ([`plenary`]). Also the step's head ([`head`]: presence, "I'm
//! done", the vote budget) and, for people not yet placed, the [`lobby`].

use std::collections::BTreeSet;

use atelier_shared::{Activity, NoteId, Role, RoomId, Step};
use leptos::prelude::*;

use crate::browser;
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;
mod characterise;
mod columns;
mod head;
mod lobby;
mod plenary;
mod poll;
mod tools;
mod trees;

use characterise::*;
use columns::*;
use head::*;
pub use lobby::Lobby;
use plenary::*;
use poll::*;
use tools::*;
use trees::*;

/// Where a board is looking, shared by everything drawn on it.
#[derive(Clone, Copy, Debug)]
pub struct Here {
    pub room: Memo<Option<RoomId>>,
    pub step: Memo<Option<Step>>,
    /// Whether the viewer facilitates this room.
    pub facilitates: Memo<bool>,
    /// Notes ticked for merging; `None` outside merge mode.
    pub merging: RwSignal<Option<BTreeSet<NoteId>>>,
    /// The closed vote whose results the board shows (`derive::results_step`).
    pub results: Memo<Option<Step>>,
}

impl Here {
    pub fn new(session: Session, room: Memo<Option<RoomId>>) -> Here {
        let step = Memo::new(move |_| {
            let room = room.get()?;
            session.read(|w| w.current_step(room).cloned())
        });
        let facilitates = Memo::new(move |_| {
            let (Some(me), Some(room)) = (session.you.get(), room.get()) else {
                return false;
            };
            session.read(|w| w.facilitates(me, room))
        });
        let results = Memo::new(move |_| {
            let room = room.get()?;
            session.read(|w| derive::results_step(w, room).cloned())
        });
        Here {
            room,
            step,
            facilitates,
            merging: RwSignal::new(None),
            results,
        }
    }
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn RoomBoard() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let room_name = Memo::new(move |_| {
        let room = here.room.get()?;
        session.read(|w| w.room(room).map(|r| r.name.clone()))
    });
    let locked = Memo::new(move |_| {
        let Some(room) = here.room.get() else { return false };
        session.read(|w| w.room(room).is_some_and(|r| r.locked))
    });
    let position = Memo::new(move |_| {
        let step = here.step.get()?;
        session.read(|w| Some((derive::step_number(w, step.id), w.steps.len())))
    });
    let activity = Memo::new(move |_| here.step.get().map(|s| s.activity));
    // When the facilitator moves the room on, a participant is taken to the new
    // step's title wherever they were on the page (the lead stays at the cockpit).
    let step_id = Memo::new(move |_| here.step.with(|s| s.as_ref().map(|s| s.id)));
    let is_lead = Memo::new(move |_| {
        let Some(me) = session.you.get() else { return false };
        session.read(|w| w.participants.get(&me).is_some_and(|p| p.role == Role::Lead))
    });
    Effect::new(move |shown: Option<Option<atelier_shared::StepId>>| {
        let now = step_id.get();
        if let Some(Some(before)) = shown
            && now.is_some_and(|now| now != before)
            && !is_lead.get_untracked()
        {
            browser::bring_into_view("step-title");
        }
        now
    });
    // The step's own vote is closed when its results are the ones the board shows.
    // (A poll's is closed when its counts are out.)
    let closed = Memo::new(move |_| {
        let Some(step) = here.step.with(|s| s.as_ref().map(|s| s.id)) else {
            return false;
        };
        here.results.with(|r| r.as_ref().map(|s| s.id)) == Some(step) || session.read(|w| w.poll_closed(step))
    });

    view! {
        <main class="board" aria-labelledby="room-heading">
            <div class="board-head">
                <h2 id="room-heading" class="room-heading">
                    // "Salle Aude", but "Salle 1", not "Salle Salle 1".
                    <Show when=move || {
                        let label = texts().room.to_lowercase();
                        !room_name.with(|n| n.as_deref().is_some_and(|n| n.to_lowercase().starts_with(&label)))
                    }>
                        <span class="room-label">{tr(|t| t.room)}" "</span>
                    </Show>
                    {move || room_name.get().unwrap_or_default()}
                </h2>
                <Presence/>
            </div>
            <section class="step" aria-labelledby="step-title">
                <p class="step-number">
                    {move || position.get().map(|(n, of)| (texts().step_of)(n, of))}
                </p>
                <h3 id="step-title" class="step-title" tabindex="-1">{move || here.step.get().map(|s| s.title).unwrap_or_default()}</h3>
                <p class="step-instructions">{move || here.step.get().map(|s| s.instructions).unwrap_or_default()}</p>
                <ul class="modes" role="list">
                    <Show when=move || locked.get()>
                        <li class="mode locked">{tr(|t| t.mode_locked)}</li>
                    </Show>
                    {move || modes(activity.get(), closed.get()).into_iter().map(|m| view! { <li class="mode">{m}</li> }).collect_view()}
                </ul>
                <VoteBudget/>
            </section>
            {move || {
                // Every kind of step by name: a new one must choose its board here.
                let work = match activity.get() {
                    Some(Activity::Characterise { .. }) => Work::Characterise,
                    Some(Activity::ProblemTree { .. }) => Work::ProblemTree,
                    Some(Activity::Plenary) => Work::Plenary,
                    Some(Activity::Poll { .. }) => return view! { <PollBoard/> }.into_any(),
                    Some(Activity::Brainstorm { .. } | Activity::Vote { .. } | Activity::Discussion) | None => {
                        return view! { <Columns/> }.into_any();
                    }
                };
                view! {
                    // A tie at the cut of the vote this step works from, if any.
                    <Show when=move || here.facilitates.get() && work != Work::Plenary>
                        <Suspense fallback=|| ()>{Suspend::new(facilitator_tools_view(false))}</Suspense>
                    </Show>
                    <Suspense fallback=|| view! { <p class="loading">{tr(|t| t.one_moment)}</p> }>
                        {Suspend::new(work_view(work))}
                    </Suspense>
                }
                .into_any()
            }}
        </main>
    }
}

/// The boards of the steps that come after the first votes: characterising, problem
/// trees, the plenary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Work {
    Characterise,
    ProblemTree,
    Plenary,
}

/// Those boards, compiled into their own wasm chunk and fetched when a room first
/// reaches one of them: a participant's first visit (a brainstorm, a vote) stays small.
#[lazy]
fn work_view(work: Work) -> AnyView {
    match work {
        Work::Characterise => view! { <Characterise/> }.into_any(),
        Work::ProblemTree => view! { <ProblemTrees/> }.into_any(),
        Work::Plenary => view! { <Plenary/> }.into_any(),
    }
}

/// What is special about the step, in words: anonymous, hidden, secret vote (until
/// it is closed)…
fn modes(activity: Option<Activity>, closed: bool) -> Vec<&'static str> {
    let t = texts();
    match activity {
        Some(Activity::Brainstorm { anonymous, hidden }) => {
            let mut modes = Vec::new();
            if anonymous {
                modes.push(t.mode_anonymous);
            }
            if hidden {
                modes.push(t.mode_hidden);
            }
            modes
        }
        Some(Activity::Vote { rules }) if rules.secret && !closed => vec![t.mode_secret],
        Some(Activity::Poll { rules }) => {
            let mut modes = Vec::new();
            if rules.secret && !closed {
                modes.push(t.mode_poll_secret);
            }
            if closed {
                modes.push(t.mode_poll_closed);
            }
            modes
        }
        Some(activity) if activity.read_only() => vec![t.mode_read_only],
        Some(Activity::Vote { .. } | Activity::Characterise { .. } | Activity::ProblemTree { .. })
        | Some(Activity::Discussion | Activity::Plenary)
        | None => Vec::new(),
    }
}
