//! The agenda and what moves it: next step, reveal, close the vote, lock, the timer.

use atelier_shared::model::TimerState;
use atelier_shared::{Activity, Command, Step, StepId};
use leptos::prelude::*;

use crate::browser;
use crate::components::{ContinueCampaign, TimerControls};
use crate::derive::{self};
use crate::i18n::{texts, tr};
use crate::route::{Route, navigate};
use crate::session::Session;

/// The agenda and what moves it: next step, reveal, close the vote, lock, the timer.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub(super) fn Conduct() -> impl IntoView {
    let session = expect_context::<Session>();
    let current = Memo::new(move |_| session.read(|w| derive::common_step(w).cloned()));
    let next = Memo::new(move |_| session.read(|w| derive::next_step(w).cloned()));
    let steps = Memo::new(move |_| {
        session.read(|w| {
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
    });
    let all_locked =
        Memo::new(move |_| session.read(|w| !w.rooms.is_empty() && w.rooms.iter().all(|r| r.locked)));
    let hidden = Memo::new(move |_| session.read(|w| w.notes.values().any(|n| n.hidden)));
    // The current vote (or poll), whether every room's ranking (its counts) is out,
    // and whether it is a poll.
    let vote = Memo::new(move |_| {
        let step = current.get()?;
        let poll = step.poll_rules().is_some();
        if !poll {
            step.vote_rules()?;
        }
        let closed = session.read(|w| {
            if poll {
                w.poll_closed(step.id)
            } else {
                derive::closed_on(w, &step, step.id)
            }
        });
        Some((step.id, closed, poll))
    });
    // The vote the current step works from, while some room on it has no ranking yet:
    // without it, the step has nothing to work on.
    let unclosed_focus = Memo::new(move |_| {
        let step = current.get()?;
        let vote = step.focus()?.vote;
        session.read(|w| {
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
        let (minutes, ticking) = session.read_untracked(|w| {
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
    let next_closing = Memo::new(move |_| vote.get().is_some_and(|(_, closed, _)| !closed));

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
                                if let Some((vote, false, _)) = vote.get_untracked() {
                                    send(Command::CloseVote { room: None, step: vote });
                                }
                                go(id);
                            }
                        >
                            {move || if next_closing.get() {
                                let poll = vote.get().is_some_and(|(_, _, poll)| poll);
                                if poll { (texts().close_poll_and_next)(&title) } else { (texts().close_and_next)(&title) }
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
                {move || vote.get().map(|(step, closed, poll)| if closed {
                    view! {
                        <button type="button" class="button" on:click=move |_| {
                            // Its ranking (and any tie settled in it) goes until it closes again.
                            let question = if poll { texts().poll_reopen_confirm } else { texts().reopen_confirm };
                            if browser::confirm(question) {
                                send(Command::ReopenVote { room: None, step });
                            }
                        }>
                            {move || if poll { texts().poll_reopen } else { texts().reopen_vote }}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button primary" on:click=move |_| send(Command::CloseVote { room: None, step })>
                            {move || if poll { texts().poll_close } else { texts().close_vote }}
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
