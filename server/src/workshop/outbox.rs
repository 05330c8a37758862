//! A connection's queue of outgoing frames: the workshop's actor (and the
//! connection's own reader) put frames in without ever waiting; the connection's
//! writer takes whatever has queued up and sends it as one frame.
//!
//! Two things a general-purpose channel does not do:
//! - it costs nothing while empty: no slots are reserved up front (tokio's channel
//!   allocates a block of 32), and what a burst grew is given back once drained,
//!   so an idle connection holds a few dozen bytes here;
//! - it tells **news** (events, presence, a snapshot: what a fresh snapshot
//!   replaces) from **answers** (acks, refusals, pongs, errors: meant for this
//!   connection alone, never replaceable). When a connection falls behind, its
//!   queued news is swapped for one fresh snapshot ([`Outbox::catch_up`]) and its
//!   answers stay, in order: a slow reader catches up instead of being cut off.
//!
//! It also counts the answers still to come for the commands the connection's
//! reader has handed to the actor ([`Outbox::promise`]): the reader stops reading
//! while those and the queued frames reach its bound, so however fast a client
//! pipelines, its answers alone never fill the queue.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::Notify;

/// Whether a queued frame may be replaced by a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    News,
    Answer,
    /// The last answer to a command (its ack or refusal): settles what the reader
    /// promised for it.
    Reply,
}

/// Answer frames one command may bring: `applied` (with a store), then its `ack`
/// or refusal.
pub const PER_COMMAND: usize = 2;

/// Why a frame was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The queue holds its limit: the connection is behind.
    Full,
    /// The connection's writer is gone.
    Closed,
}

/// The putting side; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox(Arc<Shared>);

/// The taking side, held by the connection's writer; the queue closes when it drops.
#[derive(Debug)]
pub struct Frames(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Wakes the writer: frames arrived.
    arrived: Notify,
    /// Wakes the reader waiting for room: frames were taken.
    drained: Notify,
    limit: usize,
}

#[derive(Debug, Default)]
struct State {
    frames: VecDeque<(Utf8Bytes, Kind)>,
    /// Answer frames still to come for commands in flight ([`PER_COMMAND`] each).
    promised: usize,
    closed: bool,
}

impl State {
    /// Frames queued and answers still to come.
    fn pending(&self) -> usize {
        self.frames.len() + self.promised
    }
}

/// Slots kept once a burst is drained; a larger queue (or the writer's batch) is
/// given back.
pub const KEPT: usize = 4;

/// A queue of at most `limit` frames.
pub fn outbox(limit: usize) -> (Outbox, Frames) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        arrived: Notify::new(),
        drained: Notify::new(),
        limit: limit.max(1),
    });
    (Outbox(Arc::clone(&shared)), Frames(shared))
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing is left half-done under this lock: a panic elsewhere cannot have
        // broken the queue.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Outbox {
    /// Queues `frame` unless the queue is full or closed.
    pub fn push(&self, frame: Utf8Bytes, kind: Kind) -> Result<(), Refused> {
        self.add(self.0.state(), frame, kind)
    }

    /// Replaces the queued news by `snapshot`, after the queued answers (which
    /// keep their order). `Full` if answers alone fill the queue: a client that
    /// never reads while it keeps sending.
    pub fn catch_up(&self, snapshot: Utf8Bytes) -> Result<(), Refused> {
        let mut state = self.0.state();
        state.frames.retain(|(_, kind)| *kind != Kind::News);
        self.add(state, snapshot, Kind::News)
    }

    /// Queues `frame` under the lock already taken, then wakes the writer.
    fn add(&self, mut state: MutexGuard<'_, State>, frame: Utf8Bytes, kind: Kind) -> Result<(), Refused> {
        if state.closed {
            return Err(Refused::Closed);
        }
        if state.frames.len() >= self.0.limit {
            return Err(Refused::Full);
        }
        if kind == Kind::Reply {
            state.promised = state.promised.saturating_sub(PER_COMMAND);
        }
        state.frames.push_back((frame, kind));
        drop(state);
        self.0.arrived.notify_one();
        Ok(())
    }

    /// Frames queued, and answers still to come for commands in flight.
    pub fn pending(&self) -> usize {
        self.0.state().pending()
    }

    /// Whether answers are still owed to commands handed to the actor.
    pub fn owed(&self) -> bool {
        self.0.state().promised > 0
    }

    /// Counts the answers a command handed to the actor will bring, until its
    /// [`Kind::Reply`] comes.
    pub fn promise(&self) {
        self.0.state().promised += PER_COMMAND;
    }

    /// The most frames the queue holds.
    pub fn limit(&self) -> usize {
        self.0.limit
    }

    /// Waits until fewer than `below` frames are queued or promised; `Closed` if
    /// the writer is gone.
    pub async fn room(&self, below: usize) -> Result<(), Refused> {
        loop {
            let drained = self.0.drained.notified();
            {
                let state = self.0.state();
                if state.closed {
                    return Err(Refused::Closed);
                }
                if state.pending() < below {
                    return Ok(());
                }
            }
            drained.await;
        }
    }
}

impl Frames {
    /// Waits for frames and moves up to `max` into `into`, oldest first.
    pub async fn take(&self, into: &mut Vec<Utf8Bytes>, max: usize) {
        loop {
            let arrived = self.0.arrived.notified();
            if self.try_take(into, max) > 0 {
                return;
            }
            arrived.await;
        }
    }

    /// Moves up to `max` queued frames into `into` without waiting; how many.
    pub fn try_take(&self, into: &mut Vec<Utf8Bytes>, max: usize) -> usize {
        let took = {
            let mut state = self.0.state();
            let took = state.frames.len().min(max);
            into.extend(state.frames.drain(..took).map(|(frame, _)| frame));
            if state.frames.is_empty() && state.frames.capacity() > KEPT {
                state.frames = VecDeque::new();
            }
            took
        };
        if took > 0 {
            self.0.drained.notify_one();
        }
        took
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.closed = true;
        state.frames = VecDeque::new();
        drop(state);
        self.0.drained.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(frames: &[Utf8Bytes]) -> Vec<&str> {
        frames.iter().map(Utf8Bytes::as_str).collect()
    }

    #[test]
    fn catching_up_keeps_the_answers_in_order_and_one_snapshot() {
        let (outbox, frames) = outbox(4);
        outbox.push("e1".into(), Kind::News).unwrap();
        outbox.push("ack1".into(), Kind::Answer).unwrap();
        outbox.push("e2".into(), Kind::News).unwrap();
        outbox.push("ack2".into(), Kind::Answer).unwrap();
        assert_eq!(outbox.push("e3".into(), Kind::News), Err(Refused::Full));
        outbox.catch_up("welcome".into()).unwrap();
        let mut taken = Vec::new();
        assert_eq!(frames.try_take(&mut taken, 10), 3);
        assert_eq!(text(&taken), ["ack1", "ack2", "welcome"]);
    }

    #[test]
    fn answers_that_fill_the_queue_cannot_be_replaced() {
        let (outbox, _frames) = outbox(2);
        outbox.push("ack1".into(), Kind::Answer).unwrap();
        outbox.push("ack2".into(), Kind::Answer).unwrap();
        assert_eq!(outbox.catch_up("welcome".into()), Err(Refused::Full));
    }

    #[test]
    fn a_command_counts_until_its_reply_and_replies_survive_a_catch_up() {
        let (outbox, frames) = outbox(8);
        outbox.promise();
        outbox.promise();
        assert_eq!(
            outbox.pending(),
            2 * PER_COMMAND,
            "answers owed count before they come"
        );
        outbox.push("applied1".into(), Kind::Answer).unwrap();
        outbox.push("e1".into(), Kind::News).unwrap();
        outbox.push("ack1".into(), Kind::Reply).unwrap();
        assert_eq!(outbox.pending(), 3 + PER_COMMAND, "the first command is settled");
        outbox.catch_up("welcome".into()).unwrap();
        let mut taken = Vec::new();
        frames.try_take(&mut taken, 10);
        assert_eq!(text(&taken), ["applied1", "ack1", "welcome"]);
        assert_eq!(outbox.pending(), PER_COMMAND, "the second is still owed");
    }

    #[test]
    fn a_drained_burst_gives_its_memory_back() {
        let (outbox, frames) = outbox(1024);
        for n in 0..100 {
            outbox.push(format!("e{n}").into(), Kind::News).unwrap();
        }
        let mut taken = Vec::new();
        assert_eq!(frames.try_take(&mut taken, 60), 60);
        assert!(outbox.0.state().frames.capacity() >= 40, "still in use");
        assert_eq!(frames.try_take(&mut taken, 60), 40);
        assert_eq!(outbox.0.state().frames.capacity(), 0);
        assert_eq!(taken.len(), 100);
    }

    #[tokio::test]
    async fn the_writer_gone_closes_the_queue_and_wakes_whoever_waits_for_room() {
        let (outbox, frames) = outbox(2);
        outbox.push("a".into(), Kind::News).unwrap();
        outbox.push("b".into(), Kind::News).unwrap();
        let waiting = tokio::spawn({
            let outbox = outbox.clone();
            async move { outbox.room(1).await }
        });
        tokio::task::yield_now().await;
        drop(frames);
        assert_eq!(waiting.await.unwrap(), Err(Refused::Closed));
        assert_eq!(outbox.push("c".into(), Kind::Answer), Err(Refused::Closed));
    }

    #[tokio::test]
    async fn the_writer_wakes_for_a_frame_put_while_it_waits() {
        let (outbox, frames) = outbox(8);
        let writer = tokio::spawn(async move {
            let mut taken = Vec::new();
            frames.take(&mut taken, 8).await;
            taken
        });
        tokio::task::yield_now().await;
        outbox.push("late".into(), Kind::News).unwrap();
        let taken = writer.await.unwrap();
        assert_eq!(text(&taken), ["late"]);
    }
}
