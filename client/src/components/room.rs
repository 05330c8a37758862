//! One room's board as its step shows it: columns of notes to post in or vote on,
//! the notes to characterise, problem trees, or (in a plenary) every room's results
//! side by side. Also the room's presence, the "I'm done" signal and, for people not
//! yet placed, the lobby.

use std::collections::{BTreeSet, HashMap};

use atelier_shared::model::{ColumnKind, Field, Side};
use atelier_shared::text::{BRANCH_MAX_CHARS, DETAILS_MAX_CHARS};
use atelier_shared::{Activity, BranchId, Column, Command, Note, NoteId, ParticipantId, Role, RoomId, Step};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::browser;
use crate::components::{Composer, NoteCard};
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

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
            session.workshop.with(|w| w.as_ref()?.current_step(room).cloned())
        });
        let facilitates = Memo::new(move |_| {
            let (Some(me), Some(room)) = (session.you.get(), room.get()) else {
                return false;
            };
            session
                .workshop
                .with(|w| w.as_ref().is_some_and(|w| w.facilitates(me, room)))
        });
        let results = Memo::new(move |_| {
            let room = room.get()?;
            session
                .workshop
                .with(|w| w.as_ref().and_then(|w| derive::results_step(w, room)).cloned())
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
        session
            .workshop
            .with(|w| w.as_ref()?.room(room).map(|r| r.name.clone()))
    });
    let locked = Memo::new(move |_| {
        let Some(room) = here.room.get() else { return false };
        session
            .workshop
            .with(|w| w.as_ref().and_then(|w| w.room(room)).is_some_and(|r| r.locked))
    });
    let position = Memo::new(move |_| {
        let step = here.step.get()?;
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| (derive::step_number(w, step.id), w.steps.len()))
        })
    });
    let activity = Memo::new(move |_| here.step.get().map(|s| s.activity));
    // When the facilitator moves the room on, a participant is taken to the new
    // step's title wherever they were on the page (the lead stays at the cockpit).
    let step_id = Memo::new(move |_| here.step.with(|s| s.as_ref().map(|s| s.id)));
    let is_lead = Memo::new(move |_| {
        let Some(me) = session.you.get() else { return false };
        session.workshop.with(|w| {
            w.as_ref()
                .and_then(|w| w.participants.get(&me))
                .is_some_and(|p| p.role == Role::Lead)
        })
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
    let closed = Memo::new(move |_| {
        let shown = here.results.with(|r| r.as_ref().map(|s| s.id));
        shown.is_some() && shown == here.step.with(|s| s.as_ref().map(|s| s.id))
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
        Some(activity) if activity.read_only() => vec![t.mode_read_only],
        Some(Activity::Vote { .. } | Activity::Characterise { .. } | Activity::ProblemTree { .. })
        | Some(Activity::Discussion | Activity::Plenary)
        | None => Vec::new(),
    }
}

/// Who is in the room, who is connected, who is done; the viewer's "I'm done".
#[component]
fn Presence() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let people = Memo::new(move |_| -> Vec<(ParticipantId, String, bool, bool)> {
        let Some(room) = here.room.get() else {
            return Vec::new();
        };
        let online = session.online.get();
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.participants
                        .values()
                        .filter(|p| p.room == Some(room) && p.role != Role::Lead)
                        .map(|p| (p.id, p.name.clone(), online.contains(&p.id), p.ready))
                        .collect()
                })
                .unwrap_or_default()
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
        session.workshop.with(|w| {
            let p = w.as_ref()?.participants.get(&me)?;
            (p.role == Role::Participant && p.room.is_some()).then_some(p.ready)
        })
    });
    let done = move || people.with(|p| p.iter().filter(|p| p.3).count());
    view! {
        <div class="presence">
            <details class="people">
                <summary>
                    {move || (texts().online_count)(people.with(|p| p.iter().filter(|p| p.2).count()), people.with(Vec::len))}
                    " · "
                    {move || (texts().done_count)(done())}
                </summary>
                <ul role="list">
                    <For each=move || people.get() key=|p| p.clone() let:person>
                        <li class:online=person.2>
                            <span class="presence-dot" aria-hidden="true"></span>
                            <span class="person-name">{person.1}</span>
                            <span class="visually-hidden">
                                {move || if person.2 { texts().online } else { texts().offline }}
                            </span>
                            {person.3.then(|| view! { <span class="tag done">{tr(|t| t.done_tag)}</span> })}
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
#[component]
fn VoteBudget() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let budget = Memo::new(move |_| {
        let me = session.you.get()?;
        let step = here.step.get()?;
        let room = here.room.get()?;
        session.workshop.with(|w| {
            let w = w.as_ref()?;
            let closed = derive::closed_result(w, &step, room).is_some();
            let voter = derive::votes_in(w, me, room);
            let budget = derive::budget(w, &step, me)?;
            let columns: Vec<(String, u32, u32)> = budget
                .columns
                .iter()
                .filter_map(|(c, left, of)| w.column(*c).map(|c| (c.title.clone(), *left, *of)))
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

/// The step's columns side by side.
#[component]
fn Columns() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let columns = Memo::new(move |_| {
        let Some(step) = here.step.get() else {
            return Vec::new();
        };
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    step.columns
                        .iter()
                        .filter_map(|c| w.column(*c).cloned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
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

/// A facilitator's tools above the columns (merging duplicates, settling a tie at the
/// cut), in their own wasm chunk: most people on a board never need them.
#[lazy]
fn facilitator_tools_view(merge: bool) -> AnyView {
    view! {
        {merge.then(|| view! { <MergeBar/> })}
        <TiesAtCut/>
    }
    .into_any()
}

/// A tie at the cut as a facilitator settles it: where it is, and the tied notes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct TieChoice {
    step: atelier_shared::StepId,
    /// The ranking it belongs to: the room's, or the workshop's.
    scope: Option<RoomId>,
    column: String,
    tie: derive::CutTie,
    notes: Vec<(NoteId, String)>,
}

/// For facilitators (only they are shown it), once the vote is closed: each tie that straddles a later step's
/// "top N", and the choice of the tied notes to keep before the next step uses them.
#[component]
fn TiesAtCut() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let ties = Memo::new(move |_| -> Vec<TieChoice> {
        let (Some(room), Some(step)) = (here.room.get(), here.results.get()) else {
            return Vec::new();
        };
        let Some(rules) = step.vote_rules() else {
            return Vec::new();
        };
        let scope = rules.tally_room(room);
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
            derive::ties_at_cut(w, &step, room)
                .into_iter()
                .map(|tie| TieChoice {
                    step: step.id,
                    scope,
                    column: w.column(tie.column).map(|c| c.title.clone()).unwrap_or_default(),
                    notes: tie
                        .notes
                        .iter()
                        .filter_map(|id| w.notes.get(id).map(|n| (*id, n.text.clone())))
                        .collect(),
                    tie,
                })
                .collect()
        })
    });
    view! {
        <For each=move || ties.get() key=|t| t.clone() let:choice>
            <SettleTie choice/>
        </For>
    }
}

#[component]
fn SettleTie(choice: TieChoice) -> impl IntoView {
    let session = expect_context::<Session>();
    let chosen = RwSignal::new(BTreeSet::<NoteId>::new());
    let TieChoice {
        step,
        scope,
        column,
        tie,
        notes,
    } = choice;
    let places = tie.places;
    let heading = (texts().tie_heading)(&column, tie.notes.len(), tie.rank, places, tie.top);
    let order: Vec<NoteId> = notes.iter().map(|n| n.0).collect();
    let keep = move |_| {
        let ahead: Vec<NoteId> =
            chosen.with_untracked(|c| order.iter().copied().filter(|n| c.contains(n)).collect());
        let _ = session.send(Command::BreakTie {
            room: scope,
            step,
            ahead,
        });
    };
    view! {
        <section class="warn-box tie-box" role="group" aria-label=heading.clone()>
            <p>{heading.clone()}</p>
            <p class="hint">{move || (texts().tie_hint)(places)}</p>
            <ul class="tie-notes" role="list">
                {notes.into_iter().map(|(id, text)| view! {
                    <li>
                        <label class="inline-check">
                            <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&id)) on:change=move |_| {
                                chosen.update(|c| {
                                    if !c.remove(&id) {
                                        c.insert(id);
                                    }
                                });
                            }/>
                            <span>{text}</span>
                        </label>
                    </li>
                }).collect_view()}
            </ul>
            <button type="button" class="button small primary" disabled=move || chosen.with(BTreeSet::len) != places on:click=keep>
                {move || (texts().tie_confirm)(places)}
            </button>
        </section>
    }
}

/// For facilitators: tick duplicates, merge them into the oldest.
#[component]
fn MergeBar() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let count = move || here.merging.with(|m| m.as_ref().map(BTreeSet::len));
    let merge = move |_| {
        let chosen: Vec<NoteId> = here.merging.with_untracked(|m| {
            m.as_ref()
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default()
        });
        // The oldest note stays; the others go inside it.
        let ordered = session.workshop.with_untracked(|w| {
            let mut notes: Vec<&Note> = w
                .as_ref()
                .map(|w| chosen.iter().filter_map(|id| w.notes.get(id)).collect())
                .unwrap_or_default();
            notes.sort_by_key(|n| (n.created, n.id));
            notes.into_iter().map(|n| n.id).collect::<Vec<_>>()
        });
        if let Some((into, rest)) = ordered.split_first()
            && session
                .send(Command::MergeNotes {
                    into: *into,
                    notes: rest.to_vec(),
                })
                .is_ok()
        {
            here.merging.set(None);
        }
    };
    view! {
        <Show when=move || here.facilitates.get()>
            <div class="merge-bar">
                {move || match count() {
                    None => view! {
                        <button type="button" class="button small" on:click=move |_| here.merging.set(Some(BTreeSet::new()))>
                            {tr(|t| t.merge_start)}
                        </button>
                    }.into_any(),
                    Some(n) => view! {
                        <span role="status">{move || (texts().merge_selected)(n)}</span>
                        <button type="button" class="button small primary" disabled=n < 2 on:click=merge>
                            {tr(|t| t.merge_confirm)}
                        </button>
                        <button type="button" class="button small quiet" on:click=move |_| here.merging.set(None)>
                            {tr(|t| t.cancel)}
                        </button>
                    }.into_any(),
                }}
            </div>
        </Show>
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
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
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
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| derive::retained(w, step.id, room))
                .unwrap_or_default()
        })
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
        session.workshop.with(|w| {
            w.as_ref()
                .is_some_and(|w| derive::may_post(w, me, room, column_id, None))
        })
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
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.notes_in(room, to)
                        .into_iter()
                        .filter(|n| !n.hidden)
                        .map(|n| (n.id, n.text.clone()))
                        .collect()
                })
                .unwrap_or_default()
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
                    session.workshop.with(|w| {
                        w.as_ref().is_some_and(|w| derive::may_post(w, me, room, column, Some(parent_id)))
                    })
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

/// The notes the step focuses on, ids and texts.
fn focus_notes(session: Session, here: Here) -> Memo<Vec<(NoteId, String)>> {
    Memo::new(move |_| {
        let (Some(step), Some(room)) = (here.step.get(), here.room.get()) else {
            return Vec::new();
        };
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
            w.focus_notes(&step, room)
                .into_iter()
                .filter_map(|id| w.notes.get(&id).map(|n| (id, n.text.clone())))
                .collect()
        })
    })
}

/// Why each retained need matters, who it affects, how to measure it.
#[component]
fn Characterise() -> impl IntoView {
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
        session
            .workshop
            .with(|w| w.as_ref()?.participants.get(&who).map(|p| p.name.clone()))
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

/// Each retained need as a tree: consequences above, causes below.
#[component]
fn ProblemTrees() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let notes = focus_notes(session, here);
    view! {
        <Show when=move || notes.with(Vec::is_empty)>
            <p class="empty">{tr(|t| t.nothing_to_work_on)}</p>
        </Show>
        <div class="trees">
            <For each=move || notes.get() key=|n| n.clone() let:note>
                <article class="tree" aria-label=note.1.clone()>
                    <Branches note=note.0 side=Side::Consequence/>
                    <h3 class="trunk">{note.1.clone()}</h3>
                    <Branches note=note.0 side=Side::Cause/>
                </article>
            </For>
        </div>
    }
}

#[component]
fn Branches(note: NoteId, side: Side) -> impl IntoView {
    let session = expect_context::<Session>();
    let branches = session.note_details(note, move |d| d.branches(side).clone());
    let may = session.allows(move || Command::AddBranch {
        note,
        branch: BranchId::from_u128(0),
        side,
        text: "·".into(),
    });
    let id = format!("branch-{note}-{side:?}");
    let key = StoredValue::new(id.clone());
    let draft = RwSignal::new(session.drafts.get(&id).unwrap_or_default());
    let keep = move |text: String| {
        session.drafts.note_down(&key.get_value(), &text);
        draft.set(text);
    };
    let add = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let command = Command::AddBranch {
            note,
            branch: BranchId::from_random_bytes(browser::random_bytes()),
            side,
            text,
        };
        if session.send(command).is_ok() {
            keep(String::new());
        }
    };
    let class = match side {
        Side::Cause => "branches causes",
        Side::Consequence => "branches consequences",
    };
    view! {
        <section class=class>
            <h4>{move || texts().side(side)}</h4>
            <ul role="list">
                <For each=move || branches.get() key=|b| (b.id, b.text.clone()) let:branch>
                    <li class="branch">
                        <span>{branch.text.clone()}</span>
                        <Show when=move || may.get()>
                            <button
                                type="button"
                                class="icon-button danger"
                                aria-label=(texts().remove_branch)(&branch.text)
                                on:click=move |_| {
                                    let _ = session.send(Command::RemoveBranch { note, branch: branch.id });
                                }
                            >"×"</button>
                        </Show>
                    </li>
                </For>
            </ul>
            <Show when=move || may.get()>
                <form class="branch-form" on:submit=move |ev| {
                    ev.prevent_default();
                    add();
                }>
                    <label class="visually-hidden" for=id.clone()>{move || (texts().add_branch)(side)}</label>
                    <input
                        id=id.clone()
                        type="text"
                        maxlength=BRANCH_MAX_CHARS
                        placeholder=move || (texts().add_branch)(side)
                        prop:value=move || draft.get()
                        on:input=move |ev| keep(event_target_value(&ev))
                        on:keydown=move |ev: KeyboardEvent| {
                            if ev.key() == "Escape" {
                                keep(String::new());
                            }
                        }
                    />
                    <button type="submit" class="button small">{tr(|t| t.add)}</button>
                </form>
            </Show>
        </section>
    }
}

/// Every room's results side by side, best first: readable when shared on a call.
#[component]
fn Plenary() -> impl IntoView {
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

/// For someone not in a room yet: wait, or choose a room when the workshop allows it.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn Lobby() -> impl IntoView {
    let session = expect_context::<Session>();
    let choice = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .is_some_and(|w| w.settings.assignment == atelier_shared::model::Assignment::Choice)
        })
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
