use crate::command::Command;
use crate::event::Event;
use crate::ids::Millis;
use crate::machine::fixture::*;
use crate::machine::{Actor, apply};
use crate::model::{Timer, TimerState};
use crate::rejection::Rejection;

fn at(w: &mut crate::Workshop, actor: Actor, command: Command, seconds: u64) -> Vec<Event> {
    apply(w, actor, command, Millis(NOW.0 + seconds * 1000)).unwrap()
}

#[test]
fn the_timer_runs_pauses_resumes_and_gains_time_on_the_servers_clock() {
    let mut c = cast();
    let lead = Actor::Member(LEAD);
    at(
        &mut c.w,
        lead,
        Command::StartTimer {
            seconds: 600,
            auto_lock: false,
        },
        0,
    );
    assert_eq!(
        c.w.timer.state,
        TimerState::Running {
            ends_at: Millis(NOW.0 + 600_000)
        }
    );
    at(&mut c.w, lead, Command::PauseTimer, 100);
    assert_eq!(c.w.timer.state, TimerState::Paused { remaining: 500_000 });
    assert!(at(&mut c.w, lead, Command::PauseTimer, 200).is_empty());
    at(&mut c.w, lead, Command::ResumeTimer, 300);
    assert_eq!(
        c.w.timer.state,
        TimerState::Running {
            ends_at: Millis(NOW.0 + 800_000)
        }
    );
    at(&mut c.w, lead, Command::AddTime { seconds: 120 }, 300);
    assert_eq!(
        c.w.timer.state,
        TimerState::Running {
            ends_at: Millis(NOW.0 + 920_000)
        }
    );
    at(&mut c.w, lead, Command::AddTime { seconds: -10_000 }, 400);
    assert_eq!(
        c.w.timer.state,
        TimerState::Running {
            ends_at: Millis(NOW.0 + 400_000)
        },
        "never before now"
    );
    at(&mut c.w, lead, Command::StopTimer, 400);
    assert_eq!(c.w.timer, Timer::default());
    crate::check_invariants(&c.w).unwrap();
}

#[test]
fn only_the_lead_runs_the_timer_and_only_the_server_ends_it() {
    let mut c = cast();
    let start = Command::StartTimer {
        seconds: 60,
        auto_lock: true,
    };
    c.refuse(c.inspector, start.clone(), Rejection::Forbidden);
    c.refuse(c.alice, start.clone(), Rejection::Forbidden);
    c.accept(LEAD, start);
    c.refuse(LEAD, Command::TimerElapsed, Rejection::Forbidden);
    c.refuse(
        LEAD,
        Command::StartTimer {
            seconds: 0,
            auto_lock: false,
        },
        Rejection::InvalidRules {
            reason: "a timer lasts from one second to a day".into(),
        },
    );
}

#[test]
fn time_up_locks_every_board_when_asked() {
    let mut c = cast();
    c.accept(
        LEAD,
        Command::Lock {
            room: Some(GARD),
            locked: true,
        },
    );
    at(
        &mut c.w,
        Actor::Member(LEAD),
        Command::StartTimer {
            seconds: 60,
            auto_lock: true,
        },
        0,
    );
    assert!(
        at(&mut c.w, Actor::System, Command::TimerElapsed, 59).is_empty(),
        "not yet"
    );
    let events = at(&mut c.w, Actor::System, Command::TimerElapsed, 60);
    assert_eq!(
        events.len(),
        2,
        "the timer, and Aude (Gard was locked already): {events:?}"
    );
    assert_eq!(c.w.timer.state, TimerState::Elapsed);
    assert!(c.w.rooms.iter().all(|r| r.locked));
    assert!(at(&mut c.w, Actor::System, Command::TimerElapsed, 61).is_empty());
    at(
        &mut c.w,
        Actor::Member(LEAD),
        Command::AddTime { seconds: 120 },
        62,
    );
    assert_eq!(
        c.w.timer.state,
        TimerState::Running {
            ends_at: Millis(NOW.0 + 182_000)
        },
        "two more minutes"
    );
}

#[test]
fn time_up_without_auto_lock_leaves_boards_open() {
    let mut c = cast();
    at(
        &mut c.w,
        Actor::Member(LEAD),
        Command::StartTimer {
            seconds: 1,
            auto_lock: false,
        },
        0,
    );
    let events = at(&mut c.w, Actor::System, Command::TimerElapsed, 5);
    assert_eq!(events.len(), 1);
    assert!(c.w.rooms.iter().all(|r| !r.locked));
}

#[test]
fn added_time_never_takes_a_timer_past_a_day() {
    let mut c = cast();
    let lead = Actor::Member(LEAD);
    let day = crate::machine::MAX_TIMER_SECONDS as i32;
    at(
        &mut c.w,
        lead,
        Command::StartTimer {
            seconds: 600,
            auto_lock: false,
        },
        0,
    );
    let refused = apply(&mut c.w, lead, Command::AddTime { seconds: day }, NOW);
    assert!(
        matches!(refused, Err(Rejection::InvalidRules { .. })),
        "{refused:?}"
    );
    at(&mut c.w, lead, Command::PauseTimer, 0);
    let refused = apply(&mut c.w, lead, Command::AddTime { seconds: day }, NOW);
    assert!(
        matches!(refused, Err(Rejection::InvalidRules { .. })),
        "{refused:?}"
    );
    assert_eq!(c.w.timer.state, TimerState::Paused { remaining: 600_000 });
    at(&mut c.w, lead, Command::AddTime { seconds: day - 600 }, 0);
    crate::check_invariants(&c.w).unwrap();
}
