//! `/w/ID`: a workshop's live board. A participant sees their room; the lead sees
//! every room (tabs), the join code and links.

use atelier_shared::protocol::Token;
use atelier_shared::{Column, Note, Participant, Role, RoomId, WorkshopId};
use leptos::prelude::*;

use crate::browser;
use crate::components::{Brand, Composer, LangSwitch, NoteCard, Shell};
use crate::i18n::texts;
use crate::route::{Route, navigate};
use crate::session::{Notice, Session, Status};

/// A facilitator link carries its credential after `#k=`: fragments never reach
/// servers or their logs.
const LINK_KEY: &str = "k=";

#[component]
pub fn BoardPage(workshop: WorkshopId) -> impl IntoView {
    if let Some(token) = browser::fragment()
        .strip_prefix(LINK_KEY)
        .filter(|t| !t.is_empty())
    {
        browser::keep_credential(workshop, &Token(token.to_owned()));
        browser::replace_url(&Route::Board(workshop).path());
    }
    match browser::credential(workshop) {
        None => view! { <NotJoined/> }.into_any(),
        Some(token) => {
            let session = Session::start(workshop, token);
            on_cleanup(move || session.stop());
            provide_context(session);
            view! { <Live/> }.into_any()
        }
    }
}

#[component]
fn NotJoined() -> impl IntoView {
    view! {
        <Shell narrow=true>
            <section class="card">
                <p>{move || texts().not_joined}</p>
                <a href="/" class="button primary" on:click=move |ev| {
                    ev.prevent_default();
                    navigate(Route::Home);
                }>{move || texts().join_with_code}</a>
            </section>
        </Shell>
    }
}

#[component]
fn Live() -> impl IntoView {
    let session = expect_context::<Session>();
    let ready = Memo::new(move |_| session.workshop.with(Option::is_some));
    view! {
        <div class="page board-page">
            <Show
                when=move || ready.get()
                fallback=move || {
                    view! {
                        <header class="topbar">
                            <Brand/>
                            <StatusPill/>
                        </header>
                        <main class="waiting">
                            {move || match session.status.get() {
                                Status::Stopped(code) => view! {
                                    <div class="card">
                                        <p role="alert">{move || (texts().error)(code)}</p>
                                        <a href="/" class="button primary">{move || texts().back_home}</a>
                                    </div>
                                }.into_any(),
                                _ => view! { <p class="loading">{move || texts().one_moment}</p> }.into_any(),
                            }}
                        </main>
                    }
                }
            >
                <Board/>
            </Show>
            <NoticeToast/>
        </div>
    }
}

#[component]
fn Board() -> impl IntoView {
    let session = expect_context::<Session>();
    let me = Memo::new(move |_| -> Option<Participant> {
        let you = session.you.get()?;
        session
            .workshop
            .with(|w| w.as_ref()?.participants.get(&you).cloned())
    });
    let is_lead = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::Lead)));
    let title = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.title.clone()).unwrap_or_default())
    });
    Effect::new(move |_| browser::set_title(&format!("{} · Atelier", title.get())));
    let chosen = RwSignal::new(None::<RoomId>);
    // A participant's room is theirs; the lead looks at the room they chose.
    let room = Memo::new(move |_| {
        me.with(|m| m.as_ref().and_then(|m| m.room))
            .or_else(|| chosen.get())
            .or_else(|| session.workshop.with(|w| w.as_ref()?.rooms.first().map(|r| r.id)))
    });
    let room_name = Memo::new(move |_| {
        let room = room.get()?;
        session
            .workshop
            .with(|w| w.as_ref()?.room(room).map(|r| r.name.clone()))
    });
    // The step the room is on: its columns, title and instructions.
    let step = Memo::new(move |_| {
        let room = room.get()?;
        session.workshop.with(|w| w.as_ref()?.current_step(room).cloned())
    });
    let columns = Memo::new(move |_| {
        let Some(step) = step.get() else { return Vec::new() };
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
        <header class="topbar">
            <Brand/>
            <h1 class="workshop-title">{move || title.get()}</h1>
            <StatusPill/>
            <span class="me">
                <span class="visually-hidden">{move || texts().you_are}" "</span>
                {move || me.get().map(|m| m.name).unwrap_or_default()}
                <Show when=move || is_lead.get()>
                    <span class="badge">{move || texts().facilitator_badge}</span>
                </Show>
            </span>
            <LangSwitch/>
        </header>
        <Show when=move || is_lead.get()>
            <FacilitatorPanel room chosen/>
        </Show>
        <main class="board" aria-labelledby="room-heading">
            <h2 id="room-heading" class="room-heading">
                <span class="room-label">{move || texts().room}" "</span>
                {move || room_name.get().unwrap_or_default()}
            </h2>
            <section class="step" aria-live="polite">
                <h3 class="step-title">{move || step.get().map(|s| s.title).unwrap_or_default()}</h3>
                <p class="step-instructions">{move || step.get().map(|s| s.instructions).unwrap_or_default()}</p>
            </section>
            <div class="columns">
                <For each=move || columns.get() key=|column| column.id let:column>
                    <ColumnView room column/>
                </For>
            </div>
        </main>
    }
}

#[component]
fn ColumnView(room: Memo<Option<RoomId>>, column: Column) -> impl IntoView {
    let session = expect_context::<Session>();
    let column_id = column.id;
    let notes = Memo::new(move |_| -> Vec<Note> {
        let Some(room) = room.get() else { return Vec::new() };
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| w.notes_in(room, column_id).into_iter().cloned().collect())
                .unwrap_or_default()
        })
    });
    let heading_id = format!("column-{column_id}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="column" aria-labelledby=labelled_by>
            <h3 id=heading_id class="column-title">
                {column.title.clone()}
                <span class="count">{move || notes.with(Vec::len)}</span>
            </h3>
            <ul class="notes" role="list">
                <For each=move || notes.get() key=|note| (note.id, note.rev) let:note>
                    <NoteCard note/>
                </For>
            </ul>
            <Show when=move || notes.with(Vec::is_empty)>
                <p class="empty">{move || texts().empty_column}</p>
            </Show>
            <Composer room column=column_id title=column.title.clone()/>
        </section>
    }
}

#[component]
fn StatusPill() -> impl IntoView {
    let session = expect_context::<Session>();
    let label = move || match session.status.get() {
        Status::Connecting => texts().status_connecting,
        Status::Live => texts().status_live,
        Status::Reconnecting => texts().status_reconnecting,
        Status::Stopped(_) => texts().status_stopped,
    };
    let class = move || match session.status.get() {
        Status::Live => "status live",
        Status::Connecting | Status::Reconnecting => "status waiting",
        Status::Stopped(_) => "status stopped",
    };
    view! { <span class=class role="status" aria-live="polite">{label}</span> }
}

#[component]
fn FacilitatorPanel(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let code = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.code.to_string()).unwrap_or_default())
    });
    let spaced = move || {
        let code = code.get();
        let (a, b) = code.split_at(code.len() / 2);
        format!("{a} {b}")
    };
    let join_link = move || format!("{}/j/{}", browser::origin(), code.get());
    let facilitator_link = move || {
        let token = session.token().map(|t| t.0).unwrap_or_default();
        format!(
            "{}/w/{}#{LINK_KEY}{token}",
            browser::origin(),
            session.workshop_id
        )
    };
    let rooms = Memo::new(move |_| {
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
            w.rooms
                .iter()
                .map(|r| {
                    let notes = w.notes.values().filter(|n| n.room == r.id).count();
                    (r.id, r.name.clone(), w.headcount(r.id), notes)
                })
                .collect::<Vec<_>>()
        })
    });

    view! {
        <aside class="facilitator" aria-labelledby="invite-heading">
            <section class="invite">
                <h2 id="invite-heading">{move || texts().invite_heading}</h2>
                <p class="intro">{move || texts().invite_intro}</p>
                <p class="join-code" aria-label=move || format!("{} {}", texts().code_label, code.get())>
                    {spaced}
                </p>
                <CopyField label=Signal::derive(move || texts().join_link.to_owned()) value=Signal::derive(join_link)/>
                <details class="private-link">
                    <summary>{move || texts().facilitator_link}</summary>
                    <p class="hint">{move || texts().facilitator_link_hint}</p>
                    <CopyField
                        label=Signal::derive(move || texts().facilitator_link.to_owned())
                        value=Signal::derive(facilitator_link)
                    />
                </details>
            </section>
            <nav class="room-tabs" aria-label=move || texts().rooms_heading>
                <h2>{move || texts().rooms_heading}</h2>
                <ul role="list">
                    <For each=move || rooms.get() key=|r| r.clone() let:entry>
                        {
                            let (id, name, people, notes) = entry;
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="room-tab"
                                        aria-current=move || (room.get() == Some(id)).then_some("true")
                                        on:click=move |_| chosen.set(Some(id))
                                    >
                                        <span class="room-name">{name}</span>
                                        <span class="room-stats">
                                            {move || format!("{} · {}", (texts().people)(people), (texts().notes)(notes))}
                                        </span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </nav>
        </aside>
    }
}

#[component]
fn CopyField(label: Signal<String>, value: Signal<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <div class="copy-field">
            <input type="text" readonly aria-label=move || label.get() prop:value=move || value.get()/>
            <button type="button" class="button small" on:click=move |_| {
                browser::copy_to_clipboard(&value.get_untracked());
                copied.set(true);
                set_timeout(
                    move || {
                        let _ = copied.try_set(false);
                    },
                    std::time::Duration::from_secs(2),
                );
            }>
                {move || if copied.get() { texts().copied } else { texts().copy }}
            </button>
        </div>
    }
}

#[component]
fn NoticeToast() -> impl IntoView {
    let session = expect_context::<Session>();
    let message = move || {
        session.notice.get().map(|notice| match notice {
            Notice::Rejected(rejection) => (texts().rejection)(&rejection),
            Notice::Error(code) => (texts().error)(code).to_owned(),
        })
    };
    view! {
        <div class="toast-area" role="alert" aria-live="assertive">
            {move || message().map(|text| view! {
                <div class="toast">
                    <span>{text}</span>
                    <button type="button" class="icon-button" on:click=move |_| session.notice.set(None)>
                        {move || texts().dismiss}
                    </button>
                </div>
            })}
        </div>
    }
}
