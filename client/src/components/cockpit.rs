//! The lead facilitator's cockpit ("le QG"): every room at a glance, the agenda and
//! what moves everyone along, the timer, a message to all rooms, people and their
//! rooms, invitations (code, link, QR code), importing a map, and deleting the
//! workshop once it is over.

use atelier_shared::map;
use atelier_shared::model::{Assignment, ColumnKind, TimerState};
use atelier_shared::{Activity, Command, ParticipantId, Role, RoomId, Step, StepId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::{ContinueCampaign, TimerControls};
use crate::derive::{self, RoomFigures};
use crate::i18n::{texts, tr};
use crate::route::{Route, navigate};
use crate::session::Session;
use crate::{api, browser};

/// A facilitator link carries its credential after `#k=`: fragments never reach
/// servers or their logs.
pub const LINK_KEY: &str = "k=";

/// The cockpit, compiled into its own wasm chunk and fetched the first time it is
/// shown: only leads need it, so participants' phones never download it.
#[lazy]
pub fn cockpit_view(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> AnyView {
    view! { <Cockpit room chosen/> }.into_any()
}

#[component]
fn Cockpit(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> impl IntoView {
    view! {
        <section class="cockpit" aria-labelledby="cockpit-heading">
            <h2 id="cockpit-heading" class="visually-hidden">{tr(|t| t.cockpit_heading)}</h2>
            <div class="cockpit-grid">
                <Conduct/>
                <div class="cockpit-side">
                    <RoomsAtAGlance room chosen/>
                    <div class="cockpit-tools">
                        <Invite/>
                        <People/>
                        <Broadcast/>
                        <ImportMap/>
                        <DeleteWorkshop/>
                    </div>
                </div>
            </div>
        </section>
    }
}

/// The agenda and what moves it: next step, reveal, close the vote, lock, the timer.
#[component]
fn Conduct() -> impl IntoView {
    let session = expect_context::<Session>();
    let workshop = session.workshop;
    let current = Memo::new(move |_| workshop.with(|w| w.as_ref().and_then(derive::common_step).cloned()));
    let next = Memo::new(move |_| workshop.with(|w| w.as_ref().and_then(derive::next_step).cloned()));
    let steps = Memo::new(move |_| {
        workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.steps
                        .iter()
                        .enumerate()
                        .map(|(index, s)| AgendaLine {
                            number: index + 1,
                            step: s.clone(),
                            rooms_here: w.rooms.iter().filter(|r| r.step == s.id).count(),
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let all_locked = Memo::new(move |_| {
        workshop.with(|w| {
            w.as_ref()
                .is_some_and(|w| !w.rooms.is_empty() && w.rooms.iter().all(|r| r.locked))
        })
    });
    let hidden =
        Memo::new(move |_| workshop.with(|w| w.as_ref().is_some_and(|w| w.notes.values().any(|n| n.hidden))));
    // The current vote, and whether every room's ranking is out.
    let vote = Memo::new(move |_| {
        let step = current.get()?;
        step.vote_rules()?;
        let closed = workshop.with(|w| w.as_ref().is_some_and(|w| derive::closed_on(w, &step, step.id)));
        Some((step.id, closed))
    });
    // The vote the current step works from, while some room on it has no ranking yet:
    // without it, the step has nothing to work on.
    let unclosed_focus = Memo::new(move |_| {
        let step = current.get()?;
        let vote = step.focus()?.vote;
        workshop.with(|w| {
            let w = w.as_ref()?;
            let vote = w.step(vote)?;
            (!derive::closed_on(w, vote, step.id)).then(|| (vote.id, vote.title.clone()))
        })
    });
    let planned = Signal::derive(move || current.get().and_then(|s| s.minutes));
    // A brainstorm's modes, switchable while it runs.
    let modes = Memo::new(move |_| brainstorm_modes(&current.get()?));
    let set_mode = move |anonymous: bool, hidden: bool| {
        if let Some(step) = current.get_untracked() {
            set_modes(session, step, anonymous, hidden);
        }
    };
    let send = move |command: Command| {
        let _ = session.send(command);
    };
    // The timer follows the steps unless the lead says otherwise (kept per browser).
    let timer_follows = RwSignal::new(browser::load(TIMER_FOLLOWS).as_deref() != Some("no"));
    let go = move |step: StepId| {
        if session.send(Command::GoToStep { room: None, step }).is_err() || !timer_follows.get_untracked() {
            return;
        }
        let (minutes, ticking) = workshop.with_untracked(|w| {
            let Some(w) = w.as_ref() else { return (None, false) };
            let ticking = matches!(
                w.timer.state,
                TimerState::Running { .. } | TimerState::Paused { .. }
            );
            (w.step(step).and_then(|s| s.minutes), ticking)
        });
        match minutes {
            Some(minutes) => send(Command::StartTimer {
                seconds: minutes.saturating_mul(60),
                auto_lock: false,
            }),
            // A step without a planned length: the last step's countdown stops.
            None if ticking => send(Command::StopTimer),
            None => {}
        }
    };
    // Moving on from an open vote closes it first: the next steps work from its ranking.
    let next_closing = Memo::new(move |_| vote.get().is_some_and(|(_, closed)| !closed));

    view! {
        <section class="panel conduct" aria-labelledby="conduct-heading">
            <h3 id="conduct-heading">{tr(|t| t.conduct_heading)}</h3>
            <p class="current-step">
                <span class="hint">{tr(|t| t.current_step)}</span>
                <strong>{move || current.get().map(|s| s.title).unwrap_or_default()}</strong>
            </p>
            <div class="actions">
                {move || next.get().map(|step: Step| {
                    let id = step.id;
                    let title = step.title.clone();
                    view! {
                        <button
                            type="button"
                            class="button"
                            class:primary=move || !next_closing.get()
                            on:click=move |_| {
                                if let Some((vote, false)) = vote.get_untracked() {
                                    send(Command::CloseVote { room: None, step: vote });
                                }
                                go(id);
                            }
                        >
                            {move || if next_closing.get() {
                                (texts().close_and_next)(&title)
                            } else {
                                (texts().next_step)(&title)
                            }}
                        </button>
                    }
                })}
                <Show when=move || hidden.get()>
                    <button type="button" class="button" on:click=move |_| send(Command::Reveal { room: None })>
                        {tr(|t| t.reveal_all)}
                    </button>
                </Show>
                {move || vote.get().map(|(step, closed)| if closed {
                    view! {
                        <button type="button" class="button" on:click=move |_| {
                            // Its ranking (and any tie settled in it) goes until it closes again.
                            if browser::confirm(texts().reopen_confirm) {
                                send(Command::ReopenVote { room: None, step });
                            }
                        }>
                            {tr(|t| t.reopen_vote)}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button primary" on:click=move |_| send(Command::CloseVote { room: None, step })>
                            {tr(|t| t.close_vote)}
                        </button>
                    }.into_any()
                })}
                <button
                    type="button"
                    class="button"
                    aria-pressed=move || all_locked.get().to_string()
                    on:click=move |_| send(Command::Lock { room: None, locked: !all_locked.get_untracked() })
                >
                    {move || if all_locked.get() { texts().unlock_all } else { texts().lock_all }}
                </button>
                <a
                    class="button"
                    href=move || Route::Report(session.workshop_id).path()
                    on:click=move |ev| {
                        ev.prevent_default();
                        navigate(Route::Report(session.workshop_id));
                    }
                >{tr(|t| t.report_link)}</a>
                <ContinueCampaign/>
            </div>
            {move || unclosed_focus.get().map(|(vote, title)| view! {
                <div class="warn-box" role="alert">
                    <p>{(texts().focus_vote_open)(&title)}</p>
                    <button type="button" class="button small primary" on:click=move |_| send(Command::CloseVote { room: None, step: vote })>
                        {(texts().close_vote_named)(&title)}
                    </button>
                </div>
            })}
            {move || modes.get().map(|(anonymous, hidden)| view! {
                <div class="step-modes">
                    <label class="inline-check">
                        <input type="checkbox" prop:checked=hidden on:change=move |_| set_mode(anonymous, !hidden)/>
                        <span>{tr(|t| t.mode_hidden)}</span>
                    </label>
                    <label class="inline-check">
                        <input type="checkbox" prop:checked=anonymous on:change=move |_| set_mode(!anonymous, hidden)/>
                        <span>{tr(|t| t.mode_anonymous)}</span>
                    </label>
                </div>
            })}
            <div class="timer-panel">
                <h4>{tr(|t| t.timer_heading)}</h4>
                <TimerControls planned/>
                <label class="inline-check">
                    <input type="checkbox" prop:checked=move || timer_follows.get() on:change=move |_| {
                        let follows = !timer_follows.get_untracked();
                        timer_follows.set(follows);
                        browser::save(TIMER_FOLLOWS, if follows { "yes" } else { "no" });
                    }/>
                    <span>{tr(|t| t.timer_follows)}</span>
                </label>
            </div>
            <details class="agenda">
                <summary>{tr(|t| t.agenda_heading)}</summary>
                <ol role="list">
                    <For each=move || steps.get() key=|line| format!("{}·{}·{:?}", line.number, line.rooms_here, line.step) let:line>
                        <AgendaEntry line current=Signal::derive(move || current.get().map(|s| s.id)) go/>
                    </For>
                </ol>
            </details>
        </section>
    }
}

/// Where the lead keeps the "timer follows the steps" choice.
const TIMER_FOLLOWS: &str = "atelier:timer-follows";

/// One step of the agenda as the cockpit lists it.
#[derive(Clone, Debug, PartialEq)]
struct AgendaLine {
    number: usize,
    step: Step,
    rooms_here: usize,
}

/// A brainstorm's modes: `(anonymous, hidden)`.
fn brainstorm_modes(step: &Step) -> Option<(bool, bool)> {
    match step.activity {
        Activity::Brainstorm { anonymous, hidden } => Some((anonymous, hidden)),
        _ => None,
    }
}

/// A brainstorm's modes (anonymous, hidden) set on its definition: before it starts
/// as well as while it runs.
fn set_modes(session: Session, mut step: Step, anonymous: bool, hidden: bool) {
    step.activity = Activity::Brainstorm { anonymous, hidden };
    let _ = session.send(Command::EditStep { step });
}

/// One line of the agenda: its title and length, the rooms on it, a button that says
/// where it goes, and a brainstorm's modes, settable before it starts.
#[component]
fn AgendaEntry(
    line: AgendaLine,
    current: Signal<Option<StepId>>,
    go: impl Fn(StepId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let AgendaLine {
        number,
        step,
        rooms_here,
    } = line;
    let id = step.id;
    let title = step.title.clone();
    let modes = brainstorm_modes(&step);
    let go_label = {
        let title = title.clone();
        move || (texts().go_to_step)(number, &title)
    };
    view! {
        <li aria-current=move || (current.get() == Some(id)).then_some("step")>
            <span class="agenda-title">{title.clone()}</span>
            {step.minutes.map(|m| view! { <span class="hint">{format!(" · {m} min")}</span> })}
            {(rooms_here > 0).then(|| view! {
                <span class="tag">{move || (texts().rooms_here)(rooms_here)}</span>
            })}
            <button type="button" class="icon-button" aria-label=go_label on:click=move |_| go(id)>
                {tr(|t| t.go_here)}
            </button>
            {modes.map(|(anonymous, hidden)| {
                let step = StoredValue::new(step.clone());
                view! {
                    <span class="agenda-modes">
                        <label class="inline-check">
                            <input type="checkbox" prop:checked=hidden on:change=move |_| set_modes(session, step.get_value(), anonymous, !hidden)/>
                            <span>{tr(|t| t.mode_hidden_short)}<span class="visually-hidden">{format!(" — {}", step.with_value(|s| s.title.clone()))}</span></span>
                        </label>
                        <label class="inline-check">
                            <input type="checkbox" prop:checked=anonymous on:change=move |_| set_modes(session, step.get_value(), !anonymous, hidden)/>
                            <span>{tr(|t| t.mode_anonymous_short)}<span class="visually-hidden">{format!(" — {}", step.with_value(|s| s.title.clone()))}</span></span>
                        </label>
                    </span>
                }
            })}
        </li>
    }
}

/// One card per room: its step, people (connected, done), notes and dots; opens its board.
#[component]
fn RoomsAtAGlance(room: Memo<Option<RoomId>>, chosen: RwSignal<Option<RoomId>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let cards = Memo::new(move |_| {
        let online = session.online.get();
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
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

/// The code, the link, the QR code, and the lead's private link.
#[component]
fn Invite() -> impl IntoView {
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
    let joining_open = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().is_some_and(|w| w.settings.joining_open))
    });
    let assignment = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().map(|w| w.settings.assignment))
    });
    let set_assignment = move |value: String| {
        let chosen = match value.as_str() {
            "facilitator" => Assignment::Facilitator,
            "choice" => Assignment::Choice,
            _ => Assignment::Balanced,
        };
        let settings = session
            .workshop
            .with_untracked(|w| w.as_ref().map(|w| w.settings.clone()));
        if let Some(mut settings) = settings {
            settings.assignment = chosen;
            let _ = session.send(Command::UpdateSettings { settings });
        }
    };
    let toggle_door = move |_| {
        let settings = session
            .workshop
            .with_untracked(|w| w.as_ref().map(|w| w.settings.clone()));
        if let Some(mut settings) = settings {
            settings.joining_open = !settings.joining_open;
            let _ = session.send(Command::UpdateSettings { settings });
        }
    };
    // Until the lead has copied their own link once, the cockpit asks them to: it is
    // their only way back from another device, or if this browser forgets.
    let kept_key = format!("atelier:link-kept:{}", session.workshop_id);
    let kept = RwSignal::new(browser::load(&kept_key).is_some());
    let keep_link = move |_| {
        browser::copy_to_clipboard(&facilitator_link());
        browser::save(&kept_key, "yes");
        kept.set(true);
    };
    view! {
        <Show when=move || !kept.get()>
            <div class="warn-box keep-link" role="note">
                <p>{tr(|t| t.keep_link_prompt)}</p>
                <button type="button" class="button small primary" on:click=keep_link.clone()>{tr(|t| t.keep_link_button)}</button>
            </div>
        </Show>
        // Open beside the rooms on a wide screen; folded below them on a narrow one.
        <details class="panel invite" open=browser::wide()>
            <summary><h3>{tr(|t| t.invite_heading)}</h3></summary>
            <p class="intro">{tr(|t| t.invite_intro)}</p>
            <div class="invite-body">
                <div>
                    <p class="join-code" aria-label=move || format!("{} {}", texts().code_label, code.get())>{spaced}</p>
                    <CopyField label=Signal::derive(move || texts().join_link.to_owned()) value=Signal::derive(join_link)/>
                    <label for="assignment">{tr(|t| t.assignment_label)}</label>
                    <select id="assignment" on:change=move |ev| set_assignment(event_target_value(&ev))>
                        {[(Assignment::Balanced, "balanced"), (Assignment::Choice, "choice"), (Assignment::Facilitator, "facilitator")]
                            .into_iter()
                            .map(|(mode, value)| view! {
                                <option value=value selected=move || assignment.get() == Some(mode)>
                                    {move || (texts().assignment)(mode)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                    <label class="inline-check">
                        <input type="checkbox" prop:checked=move || !joining_open.get() on:change=toggle_door/>
                        <span>{tr(|t| t.close_door)}</span>
                    </label>
                </div>
                <img
                    class="qr"
                    width="160"
                    height="160"
                    src=move || format!("/api/join/{}/qr.svg", code.get())
                    alt=move || (texts().qr_alt)(&join_link())
                />
            </div>
            <details class="private-link">
                <summary>{tr(|t| t.facilitator_link)}</summary>
                <p class="hint">{tr(|t| t.facilitator_link_hint)}</p>
                <CopyField
                    label=Signal::derive(move || texts().facilitator_link.to_owned())
                    value=Signal::derive(facilitator_link)
                />
            </details>
        </details>
    }
}

/// Deleting the workshop for good, after a confirmation; folded away by default.
#[component]
fn DeleteWorkshop() -> impl IntoView {
    let session = expect_context::<Session>();
    let failure = RwSignal::new(None::<String>);
    let delete = move |_| {
        if !browser::confirm(texts().delete_confirm) {
            return;
        }
        let Some(token) = session.token() else { return };
        spawn_local(async move {
            match api::delete_workshop(session.workshop_id, &token).await {
                // The server closes the connection with `workshop_deleted`, which the
                // session shows; the credential is forgotten there.
                Ok(()) => failure.set(None),
                Err(error) => failure.set(Some(error.explain(texts()))),
            }
        });
    };
    view! {
        <details class="panel danger-zone">
            <summary><h3>{tr(|t| t.delete_heading)}</h3></summary>
            <p class="intro">{tr(|t| t.delete_intro)}</p>
            <button type="button" class="button delete-button" on:click=delete>{tr(|t| t.delete_button)}</button>
            {move || failure.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </details>
    }
}

/// Everyone but the viewer, with their room and their role: the lead places people,
/// appoints a facilitator per room and co-leads who share the cockpit. The lobby first.
#[component]
fn People() -> impl IntoView {
    let session = expect_context::<Session>();
    let rooms = session.room_names();
    let people = Memo::new(move |_| {
        let online = session.online.get();
        session.workshop.with(|w| {
            let Some(w) = w.as_ref() else { return Vec::new() };
            let me = session.you.get();
            let mut people: Vec<(ParticipantId, String, Option<RoomId>, bool, Role)> = w
                .participants
                .values()
                .filter(|p| Some(p.id) != me)
                .map(|p| (p.id, p.name.clone(), p.room, online.contains(&p.id), p.role))
                .collect();
            people.sort_by_key(|p| (p.2.is_some(), p.1.to_lowercase()));
            people
        })
    });
    let waiting = move || people.with(|p| p.iter().filter(|p| p.2.is_none()).count());
    view! {
        <details class="panel people-panel">
            <summary>
                <h3>{tr(|t| t.people_heading)}</h3>
                <span class="tag">{move || (texts().people)(people.with(Vec::len))}</span>
                <Show when=move || { waiting() > 0 }>
                    <span class="tag warn">{move || (texts().in_lobby)(waiting())}</span>
                </Show>
            </summary>
            <ul class="people-list" role="list">
                <For each=move || people.get() key=|p| p.clone() let:person>
                    {
                        let (id, name, room, online, role) = person;
                        let select_id = format!("move-{id}");
                        let role_label = format!("{} — {}", texts().role_label, name);
                        view! {
                            <li class:online=online>
                                <span class="presence-dot" aria-hidden="true"></span>
                                <label for=select_id.clone()>{name.clone()}</label>
                                <select class="role-select" aria-label=role_label on:change=move |ev| {
                                    let chosen = match event_target_value(&ev).as_str() {
                                        "lead" => Role::Lead,
                                        "room_facilitator" => Role::RoomFacilitator,
                                        "observer" => Role::Observer,
                                        _ => Role::Participant,
                                    };
                                    let _ = session.send(Command::SetRole { participant: id, role: chosen });
                                }>
                                    {[(Role::Participant, "participant"), (Role::RoomFacilitator, "room_facilitator"), (Role::Lead, "lead"), (Role::Observer, "observer")]
                                        .into_iter()
                                        .map(|(r, value)| view! {
                                            <option value=value selected=role == r>{move || (texts().role_choice)(r)}</option>
                                        })
                                        .collect_view()}
                                </select>
                                <select id=select_id disabled=role == Role::Lead on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    let room = value.parse::<RoomId>().ok();
                                    let _ = session.send(Command::MoveParticipant { participant: id, room });
                                }>
                                    <option value="" selected=room.is_none()>{tr(|t| t.lobby)}</option>
                                    {move || rooms.get().into_iter().map(|(rid, rname)| view! {
                                        <option value=rid.to_string() selected=room == Some(rid)>{rname}</option>
                                    }).collect_view()}
                                </select>
                            </li>
                        }
                    }
                </For>
            </ul>
        </details>
    }
}

/// A message shown on every board ("Back in the main room in 2 minutes").
#[component]
fn Broadcast() -> impl IntoView {
    let session = expect_context::<Session>();
    let draft = RwSignal::new(String::new());
    let current = Memo::new(move |_| {
        session
            .workshop
            .with(|w| w.as_ref().and_then(|w| w.message.clone()))
    });
    let send = move |text: String| {
        if session.send(Command::Broadcast { text }).is_ok() {
            draft.set(String::new());
        }
    };
    view! {
        <details class="panel broadcast-panel">
            <summary><h3>{tr(|t| t.broadcast_heading)}</h3></summary>
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                send(draft.get_untracked());
            }>
                <label for="broadcast-text">{tr(|t| t.broadcast_label)}</label>
                <textarea id="broadcast-text" rows="2" maxlength=atelier_shared::text::MESSAGE_MAX_CHARS bind:value=draft></textarea>
                <div class="actions">
                    <button type="submit" class="button small primary" disabled=move || draft.with(|d| d.trim().is_empty())>
                        {tr(|t| t.broadcast_send)}
                    </button>
                    <Show when=move || current.with(Option::is_some)>
                        <button type="button" class="button small quiet" on:click=move |_| send(String::new())>
                            {tr(|t| t.broadcast_clear)}
                        </button>
                    </Show>
                </div>
            </form>
        </details>
    }
}

/// A map (CSV, as a spreadsheet exports it, or JSON), chosen as a file or pasted, into a
/// column of one or every room.
#[component]
fn ImportMap() -> impl IntoView {
    let session = expect_context::<Session>();
    let columns = Memo::new(move |_| {
        session.workshop.with(|w| {
            w.as_ref()
                .map(|w| {
                    w.columns
                        .iter()
                        .filter(|c| !matches!(c.kind, ColumnKind::Attached { .. }))
                        .map(|c| (c.id, c.title.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let rooms = session.room_names();
    let column = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<usize, String>>);
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let column_id = column
            .get_untracked()
            .parse()
            .ok()
            .or_else(|| columns.with_untracked(|c| c.first().map(|c| c.0)));
        let Some(column_id) = column_id else { return };
        let content = text.get_untracked();
        // A JSON map (an array of items) or CSV, as a spreadsheet exports it.
        let parsed = if content.trim_start().starts_with(['[', '{']) {
            map::parse_json(&content)
        } else {
            map::parse_csv(&content)
        };
        let items = match parsed {
            Ok(items) => items,
            Err(error) => {
                outcome.set(Some(Err(error.to_string())));
                return;
            }
        };
        let count = items.len();
        let command = Command::ImportMap {
            import: Uuid::from_bytes(browser::random_bytes()),
            column: column_id,
            room: room.get_untracked().parse().ok(),
            items,
        };
        match session.send(command) {
            Ok(()) => {
                text.set(String::new());
                outcome.set(Some(Ok(count)));
            }
            Err(rejection) => outcome.set(Some(Err((texts().rejection)(&rejection)))),
        }
    };
    // A file chosen on the computer fills the field, to be read before importing.
    let choose_file = move |ev: leptos::ev::Event| {
        let Some(file) = browser::chosen_file(&ev) else {
            return;
        };
        spawn_local(async move {
            match browser::read_text(&file).await {
                // A picture or a spreadsheet's binary file reads as garbage: refused
                // before it reaches the field.
                Some(content) if content.contains(['\u{FFFD}', '\0']) => {
                    outcome.set(Some(Err(texts().import_unreadable.to_owned())));
                }
                Some(content) => {
                    outcome.set(None);
                    text.set(content);
                }
                None => outcome.set(Some(Err(texts().import_unreadable.to_owned()))),
            }
        });
    };
    view! {
        <details class="panel import-panel">
            <summary><h3>{tr(|t| t.import_heading)}</h3></summary>
            <form class="form" on:submit=import>
                <p class="hint">{tr(|t| t.import_hint)}</p>
                <label for="import-column">{tr(|t| t.import_column)}</label>
                <select id="import-column" on:change=move |ev| column.set(event_target_value(&ev))>
                    {move || columns.get().into_iter().map(|(id, title)| view! {
                        <option value=id.to_string()>{title}</option>
                    }).collect_view()}
                </select>
                <label for="import-room">{tr(|t| t.import_room)}</label>
                <select id="import-room" on:change=move |ev| room.set(event_target_value(&ev))>
                    <option value="">{tr(|t| t.every_room)}</option>
                    {move || rooms.get().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string()>{name}</option>
                    }).collect_view()}
                </select>
                <label for="import-file">{tr(|t| t.import_file)}</label>
                <input id="import-file" type="file" accept=".csv,.json,.txt,text/csv,application/json" on:change=choose_file/>
                <label for="import-text">{tr(|t| t.import_text)}</label>
                <textarea id="import-text" rows="5" bind:value=text placeholder="texte;territoire"></textarea>
                <p class="error" role="alert">
                    {move || match outcome.get() {
                        Some(Err(reason)) => reason,
                        _ => String::new(),
                    }}
                </p>
                <p class="hint" role="status">
                    {move || match outcome.get() {
                        Some(Ok(n)) => (texts().imported)(n),
                        _ => String::new(),
                    }}
                </p>
                <button type="submit" class="button small primary" disabled=move || text.with(|t| t.trim().is_empty())>
                    {tr(|t| t.import_button)}
                </button>
            </form>
        </details>
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
