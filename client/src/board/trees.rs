//! Problem trees: causes below each retained need, consequences above.

use atelier_shared::model::Side;
use atelier_shared::text::BRANCH_MAX_CHARS;
use atelier_shared::{BranchId, Command, NoteId};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::*;
use crate::browser;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// Each retained need as a tree: consequences above, causes below.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn ProblemTrees() -> impl IntoView {
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
