//! `/w/ID` and `/w/ID/report`: a workshop, live. A participant sees their room's
//! board (or every room's results in a plenary); the lead sees the cockpit above the
//! board of the room they open; the report is the case file of what was found.

use atelier_shared::protocol::Token;
use atelier_shared::{Participant, Role, RoomId, WorkshopId};
use leptos::prelude::*;

use super::report::report_view;
use crate::board::{Here, Lobby, RoomBoard};
use crate::cockpit::{LINK_KEY, cockpit_view};
use crate::components::{Brand, LangSwitch, Shell, TimerDisplay};
use crate::i18n::{texts, tr};
use crate::route::{Route, navigate};
use crate::session::{Notice, Session, Status};
use crate::{browser, derive};

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn BoardPage(workshop: WorkshopId, report: bool) -> impl IntoView {
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
            view! { <Live report/> }.into_any()
        }
    }
}

#[component]
fn NotJoined() -> impl IntoView {
    view! {
        <Shell narrow=true>
            <section class="card">
                <p>{tr(|t| t.not_joined)}</p>
                <a href="/" class="button primary" on:click=move |ev| {
                    ev.prevent_default();
                    navigate(Route::Home);
                }>{tr(|t| t.join_with_code)}</a>
            </section>
        </Shell>
    }
}

#[component]
fn Live(report: bool) -> impl IntoView {
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
                                        <a href="/" class="button primary">{tr(|t| t.back_home)}</a>
                                    </div>
                                }.into_any(),
                                _ => view! { <p class="loading">{tr(|t| t.one_moment)}</p> }.into_any(),
                            }}
                        </main>
                    }
                }
            >
                {if report {
                    view! {
                        <Suspense fallback=|| view! { <p class="loading">{tr(|t| t.one_moment)}</p> }>
                            {Suspend::new(report_view())}
                        </Suspense>
                    }
                    .into_any()
                } else {
                    view! { <Board/> }.into_any()
                }}
            </Show>
            <NoticeToast/>
        </div>
    }
}

/// The signed-in person, as the replica knows them.
pub(crate) fn me(session: Session) -> Memo<Option<Participant>> {
    Memo::new(move |_| -> Option<Participant> {
        let you = session.you.get()?;
        session.read(|w| w.participants.get(&you).cloned())
    })
}

/// The bar at the top of a live workshop: title, timer, connection, who you are.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn TopBar() -> impl IntoView {
    let session = expect_context::<Session>();
    let me = me(session);
    let facilitates = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.role.facilitates())));
    let title = Memo::new(move |_| session.read(|w| w.title.clone()));
    Effect::new(move |_| browser::set_title(&format!("{} · Atelier", title.get())));
    // The bar stays at the top of the screen however far one scrolls (with the step
    // and the dots left, on a phone), and so does the news of a lost connection.
    view! {
        <div class="live-head">
        <header class="topbar">
            <Brand/>
            <h1 class="workshop-title">{move || title.get()}</h1>
            <TimerDisplay/>
            <StatusPill/>
            <span class="me">
                <span class="visually-hidden">{tr(|t| t.you_are)}" "</span>
                {move || me.get().map(|m| m.name).unwrap_or_default()}
                <Show when=move || facilitates.get()>
                    <span class="badge">
                        {move || if me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::RoomFacilitator)) {
                            texts().room_facilitator_badge
                        } else {
                            texts().facilitator_badge
                        }}
                    </span>
                </Show>
            </span>
            <LangSwitch/>
        </header>
        {use_context::<Here>().map(|_| view! { <StepBrief/> })}
        <Show when=move || session.status.get() == Status::Reconnecting>
            <p class="connection-lost" role="status">{tr(|t| t.connection_lost)}</p>
        </Show>
        <BroadcastBanner/>
        </div>
    }
}

/// On a phone, under the top bar: the step (a link to its instructions), the dots
/// left during a vote, and a way to the note box in one tap.
#[component]
fn StepBrief() -> impl IntoView {
    let session = expect_context::<Session>();
    let here = expect_context::<Here>();
    let position = Memo::new(move |_| {
        let step = here.step.get()?;
        session.read(|w| Some((derive::step_number(w, step.id), w.steps.len(), step.title.clone())))
    });
    let budget = Memo::new(move |_| {
        let (me, step, room) = (session.you.get()?, here.step.get()?, here.room.get()?);
        session.read(|w| {
            let open = derive::closed_result(w, &step, room).is_none();
            let budget = derive::budget(w, &step, me)?;
            (open && derive::votes_in(w, me, room)).then_some((budget.left, budget.total))
        })
    });
    let posting = Memo::new(move |_| {
        here.step
            .with(|s| s.as_ref().is_some_and(|s| s.activity.posts_notes()))
    });
    view! {
        <div class="step-brief">
            <a href="#step-title" class="step-brief-title" on:click=move |ev| {
                ev.prevent_default();
                browser::bring_into_view("step-title");
            }>
                {move || position.get().map(|(n, of, title)| format!("{n}/{of} · {title}"))}
            </a>
            {move || budget.get().map(|(left, total)| view! {
                <span class="step-brief-dots">{move || (texts().dots_brief)(left, total)}</span>
            })}
            <Show when=move || posting.get()>
                <button type="button" class="button small primary" on:click=move |_| browser::focus_first(".composer-text")>
                    {tr(|t| t.write_note)}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn Board() -> impl IntoView {
    let session = expect_context::<Session>();
    let me = me(session);
    let is_lead = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::Lead)));
    let placed = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.room.is_some())));
    let chosen = RwSignal::new(None::<RoomId>);
    // A participant's room is theirs; the lead looks at the room they chose.
    let room = Memo::new(move |_| {
        me.with(|m| m.as_ref().and_then(|m| m.room))
            .or_else(|| chosen.get())
            .or_else(|| session.read(|w| w.rooms.first().map(|r| r.id)))
    });
    provide_context(Here::new(session, room));

    view! {
        <TopBar/>
        <Show when=move || is_lead.get()>
            <Suspense fallback=|| view! { <p class="loading cockpit-loading">{tr(|t| t.one_moment)}</p> }>
                {move || Suspend::new(cockpit_view(room, chosen))}
            </Suspense>
        </Show>
        <Show when=move || is_lead.get() || placed.get() fallback=|| view! { <Lobby/> }>
            <RoomBoard/>
        </Show>
    }
}

/// The lead's message to everyone, until taken down.
#[component]
fn BroadcastBanner() -> impl IntoView {
    let session = expect_context::<Session>();
    let message = Memo::new(move |_| session.read(|w| w.message.clone()));
    // Closed by this person until the lead sends another one (it stays on screen
    // above the board, which a long message could hide on a phone).
    let dismissed = RwSignal::new(None::<String>);
    move || {
        message.get().filter(|m| dismissed.with(|d| d.as_ref() != Some(&m.text))).map(|m| {
            let text = m.text.clone();
            view! {
                <div class="broadcast" role="status" aria-live="polite">
                    <span class="broadcast-label">{tr(|t| t.broadcast_banner)}</span>
                    <p class="broadcast-text">{m.text}</p>
                    <button type="button" class="icon-button broadcast-close" on:click=move |_| dismissed.set(Some(text.clone()))>
                        {tr(|t| t.dismiss)}
                    </button>
                </div>
            }
        })
    }
}

#[component]
fn StatusPill() -> impl IntoView {
    let session = expect_context::<Session>();
    let label = move || {
        let status = match session.status.get() {
            Status::Connecting => texts().status_connecting,
            Status::Live => texts().status_live,
            Status::Reconnecting => texts().status_reconnecting,
            Status::Stopped(_) => texts().status_stopped,
        };
        match session.waiting.get() {
            0 => status.to_owned(),
            n if session.status.get() != Status::Live => format!("{status} {}", (texts().waiting_changes)(n)),
            _ => status.to_owned(),
        }
    };
    let class = move || match session.status.get() {
        Status::Live => "status status-live",
        Status::Connecting | Status::Reconnecting => "status status-waiting",
        Status::Stopped(_) => "status status-stopped",
    };
    view! {
        <span class=class role="status" aria-live="polite">
            <span class="status-text">{label}</span>
        </span>
    }
}

#[component]
fn NoticeToast() -> impl IntoView {
    let session = expect_context::<Session>();
    // A refusal is news for a moment, not a fixture: it goes after 10 s (or at once,
    // with its close button), and a newer one restarts the count.
    let shown = StoredValue::new(0_u32);
    Effect::new(move |_| {
        if session.notice.with(Option::is_none) {
            return;
        }
        let generation = shown.get_value().wrapping_add(1);
        shown.set_value(generation);
        set_timeout(
            move || {
                if shown.try_get_value() == Some(generation) {
                    session.notice.try_set(None);
                }
            },
            std::time::Duration::from_secs(10),
        );
    });
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
                        {tr(|t| t.dismiss)}
                    </button>
                </div>
            })}
        </div>
    }
}
