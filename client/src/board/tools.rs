//! A facilitator's tools above the columns: merging duplicates, settling a tie at the cut.

use std::collections::BTreeSet;

use atelier_shared::{Command, Note, NoteId, RoomId};
use leptos::prelude::*;

use super::*;
use crate::derive;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// A facilitator's tools above the columns (merging duplicates, settling a tie at the
/// cut), in their own wasm chunk: most people on a board never need them.
#[lazy]
pub(super) fn facilitator_tools_view(merge: bool) -> AnyView {
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
        session.read(|w| {
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
        let ordered = session.read_untracked(|w| {
            let mut notes: Vec<&Note> = chosen.iter().filter_map(|id| w.notes.get(id)).collect();
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
