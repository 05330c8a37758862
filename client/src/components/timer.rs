//! The shared countdown, as everyone sees it, and the lead's controls.
//!
//! The timer lives on the server (`ends_at` on the server's clock); each browser
//! shows it through its estimate of the server's clock, so every screen shows the
//! same second whatever its own clock says.

use std::time::Duration;

use atelier_shared::Command;
use atelier_shared::model::TimerState;
use leptos::prelude::*;

use crate::browser;
use crate::i18n::{texts, tr};
use crate::session::Session;

/// How long the "time is up" banner stays.
const ENDED_BANNER: Duration = Duration::from_secs(8);

/// Milliseconds left, or `None` when no timer is set.
fn remaining(state: TimerState, server_now: f64) -> Option<f64> {
    match state {
        TimerState::Stopped => None,
        TimerState::Running { ends_at } => Some((ends_at.0 as f64 - server_now).max(0.0)),
        TimerState::Paused { remaining } => Some(remaining as f64),
        TimerState::Elapsed => Some(0.0),
    }
}

/// `m:ss`, rounded up: a timer shows 0:00 only when the time is up.
fn clock_face(ms: f64) -> String {
    let seconds = (ms / 1000.0).ceil() as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn TimerDisplay() -> impl IntoView {
    let session = expect_context::<Session>();
    let state = Memo::new(move |_| session.read(|w| w.timer.state));
    let now = RwSignal::new(session.server_now());
    // Four ticks a second keep the display within a quarter second of the server's.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if matches!(state.get_untracked(), TimerState::Running { .. }) {
                now.set(session.server_now());
            }
        },
        Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    let left = move || {
        // Read the clock afresh when the state changes, not only at the next tick.
        let state = state.get();
        remaining(state, now.get().max(session.server_now()))
    };
    // The end: a chime, and for a few seconds a banner no one on a call can miss.
    let ended = RwSignal::new(false);
    Effect::new(move |previous: Option<TimerState>| {
        let current = state.get();
        if matches!(previous, Some(TimerState::Running { .. })) && current == TimerState::Elapsed {
            ended.set(true);
            browser::chime();
            set_timeout(
                move || {
                    let _ = ended.try_set(false);
                },
                ENDED_BANNER,
            );
        }
        current
    });
    let class = move || {
        let base = match state.get() {
            TimerState::Stopped => "timer stopped",
            TimerState::Running { .. } => "timer running",
            TimerState::Paused { .. } => "timer paused",
            TimerState::Elapsed => "timer elapsed",
        };
        match left() {
            Some(ms) if ms > 0.0 && ms <= 60_000.0 => format!("{base} low"),
            _ => base.to_owned(),
        }
    };
    view! {
        <div class=class role="timer" aria-label=tr(|t| t.timer_label)>
            <span class="timer-icon" aria-hidden="true"></span>
            <span class="timer-face">
                {move || left().map(clock_face).unwrap_or_else(|| "–:––".into())}
            </span>
            <span class="timer-state">
                {move || match state.get() {
                    TimerState::Stopped => texts().timer_stopped,
                    TimerState::Running { .. } => "",
                    TimerState::Paused { .. } => texts().timer_paused,
                    TimerState::Elapsed => texts().timer_elapsed,
                }}
            </span>
        </div>
        <p class="time-up" role="alert">
            {move || ended.get().then(|| view! { <span class="time-up-banner">{tr(|t| t.time_up)}</span> })}
        </p>
    }
}

/// Start (with the step's planned length), pause, resume, add time, stop.
#[allow(unreachable_pub)] // see `components` on leptos components
#[component]
pub fn TimerControls(#[prop(into)] planned: Signal<Option<u32>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let state = Memo::new(move |_| session.read(|w| w.timer.state));
    let minutes = RwSignal::new(String::new());
    let auto_lock = RwSignal::new(false);
    let send = move |command: Command| {
        let _ = session.send(command);
    };
    let start = move |_| {
        let typed = minutes.get_untracked().trim().replace(',', ".");
        let chosen = typed
            .parse::<f64>()
            .ok()
            .or_else(|| planned.get_untracked().map(f64::from))
            .unwrap_or(10.0);
        let seconds = (chosen * 60.0).round().clamp(1.0, 24.0 * 3600.0) as u32;
        send(Command::StartTimer {
            seconds,
            auto_lock: auto_lock.get_untracked(),
        });
    };
    let idle = move || matches!(state.get(), TimerState::Stopped | TimerState::Elapsed);
    view! {
        <div class="timer-controls" role="group" aria-label=tr(|t| t.timer_controls)>
            <Show
                when=idle
                fallback=move || view! {
                    {move || match state.get() {
                        TimerState::Paused { .. } => view! {
                            <button type="button" class="button small primary" on:click=move |_| send(Command::ResumeTimer)>
                                {tr(|t| t.timer_resume)}
                            </button>
                        }.into_any(),
                        _ => view! {
                            <button type="button" class="button small" on:click=move |_| send(Command::PauseTimer)>
                                {tr(|t| t.timer_pause)}
                            </button>
                        }.into_any(),
                    }}
                    <button type="button" class="button small" on:click=move |_| send(Command::AddTime { seconds: 60 })>
                        {tr(|t| t.timer_add_minute)}
                    </button>
                    <button type="button" class="button small" on:click=move |_| send(Command::AddTime { seconds: 300 })>
                        {tr(|t| t.timer_add_five)}
                    </button>
                    <button type="button" class="button small quiet" on:click=move |_| send(Command::StopTimer)>
                        {tr(|t| t.timer_stop)}
                    </button>
                }
            >
                <label class="inline-field" for="timer-minutes">{tr(|t| t.timer_minutes)}</label>
                <input
                        id="timer-minutes"
                        class="minutes-input"
                        type="text"
                        inputmode="decimal"
                        size="4"
                        placeholder=move || planned.get().unwrap_or(10).to_string()
                        bind:value=minutes
                    />
                <label class="inline-check">
                    <input type="checkbox" bind:checked=auto_lock/>
                    <span>{tr(|t| t.timer_auto_lock)}</span>
                </label>
                <button type="button" class="button small primary" on:click=start>
                    {tr(|t| t.timer_start)}
                </button>
            </Show>
        </div>
    }
}
