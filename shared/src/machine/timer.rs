//! The shared countdown. The server's clock is the reference: the timer holds the
//! instant it ends, and every client computes the time left from it. Commands that
//! would change nothing (pausing a paused timer) are accepted and say nothing, so a
//! command re-sent after a reconnection is harmless.

use crate::event::Event;
use crate::ids::Millis;
use crate::model::{Timer, TimerState, Workshop};
use crate::rejection::Rejection;

use super::{Actor, MAX_TIMER_MILLIS, MAX_TIMER_SECONDS, lead};

pub(super) fn start(
    w: &Workshop,
    actor: Actor,
    seconds: u32,
    auto_lock: bool,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    if seconds == 0 || seconds > MAX_TIMER_SECONDS {
        return Err(Rejection::InvalidRules {
            reason: "a timer lasts from one second to a day".into(),
        });
    }
    changed(
        w,
        Timer {
            state: TimerState::Running {
                ends_at: Millis(now.0 + u64::from(seconds) * 1000),
            },
            auto_lock,
        },
    )
}

pub(super) fn pause(w: &Workshop, actor: Actor, now: Millis) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    match w.timer.state {
        TimerState::Running { ends_at } => changed(
            w,
            Timer {
                state: TimerState::Paused {
                    remaining: ends_at.0.saturating_sub(now.0),
                },
                ..w.timer
            },
        ),
        TimerState::Stopped | TimerState::Paused { .. } | TimerState::Elapsed => Ok(Vec::new()),
    }
}

pub(super) fn resume(w: &Workshop, actor: Actor, now: Millis) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    match w.timer.state {
        TimerState::Paused { remaining } => changed(
            w,
            Timer {
                state: TimerState::Running {
                    ends_at: Millis(now.0 + remaining),
                },
                ..w.timer
            },
        ),
        TimerState::Stopped | TimerState::Running { .. } | TimerState::Elapsed => Ok(Vec::new()),
    }
}

/// Adds time (or removes it, with a negative number). A timer that is up or stopped
/// starts again with the time added: "two more minutes!".
pub(super) fn add_time(
    w: &Workshop,
    actor: Actor,
    seconds: i32,
    now: Millis,
) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    if seconds.unsigned_abs() > MAX_TIMER_SECONDS {
        return Err(Rejection::InvalidRules {
            reason: "at most a day at a time".into(),
        });
    }
    let delta = i64::from(seconds) * 1000;
    let shift =
        |millis: u64, floor: u64| u64::try_from((millis as i64 + delta).max(floor as i64)).unwrap_or(floor);
    let state = match w.timer.state {
        TimerState::Running { ends_at } => TimerState::Running {
            ends_at: Millis(shift(ends_at.0, now.0)),
        },
        TimerState::Paused { remaining } => TimerState::Paused {
            remaining: shift(remaining, 0),
        },
        TimerState::Stopped | TimerState::Elapsed if seconds > 0 => TimerState::Running {
            ends_at: Millis(shift(now.0, now.0)),
        },
        TimerState::Stopped | TimerState::Elapsed => return Ok(Vec::new()),
    };
    // Like a timer started anew, the time left stays within a day.
    let left = match state {
        TimerState::Running { ends_at } => ends_at.0.saturating_sub(now.0),
        TimerState::Paused { remaining } => remaining,
        TimerState::Stopped | TimerState::Elapsed => 0,
    };
    if left > MAX_TIMER_MILLIS {
        return Err(Rejection::InvalidRules {
            reason: "a timer lasts from one second to a day".into(),
        });
    }
    changed(w, Timer { state, ..w.timer })
}

pub(super) fn stop(w: &Workshop, actor: Actor) -> Result<Vec<Event>, Rejection> {
    lead(w, actor)?;
    changed(
        w,
        Timer {
            state: TimerState::Stopped,
            ..w.timer
        },
    )
}

/// The server's clock passed the end: the timer is up, and if asked, every board locks.
pub(super) fn elapsed(w: &Workshop, actor: Actor, now: Millis) -> Result<Vec<Event>, Rejection> {
    if actor != Actor::System {
        return Err(Rejection::Forbidden);
    }
    let TimerState::Running { ends_at } = w.timer.state else {
        return Ok(Vec::new());
    };
    if now < ends_at {
        return Ok(Vec::new());
    }
    let mut events = vec![Event::TimerChanged {
        timer: Timer {
            state: TimerState::Elapsed,
            ..w.timer
        },
    }];
    if w.timer.auto_lock {
        events.extend(w.rooms.iter().filter(|r| !r.locked).map(|r| Event::Locked {
            room: r.id,
            locked: true,
        }));
    }
    Ok(events)
}

fn changed(w: &Workshop, timer: Timer) -> Result<Vec<Event>, Rejection> {
    if timer == w.timer {
        return Ok(Vec::new());
    }
    Ok(vec![Event::TimerChanged { timer }])
}
