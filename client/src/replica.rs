//! The workshop as this browser knows it: the replica the server confirmed (kept by
//! the same `apply_event` as the server's), and the commands sent but not yet
//! acknowledged, applied on top so that the board shows them at once. A refusal or
//! an acknowledgement drops a command from the list, and the view follows by itself.
//! A command the server says is `applied` (its events came, the disk not yet) stays
//! in the list, to be sent again after a reconnection, but is no longer applied on
//! top: its events are in the replica already.
//!
//! Pure: no socket, no signal, no clock of its own. The session feeds it what the
//! server says and sends what it returns; the tests here run natively.

use std::collections::BTreeSet;

use atelier_shared::{Actor, Command, Event, Millis, NoteId, ParticipantId, Rejection, Workshop, apply};

#[derive(Debug, Default)]
pub struct Replica {
    confirmed: Option<Workshop>,
    you: Option<ParticipantId>,
    pending: Vec<Pending>,
    next_id: u64,
}

#[derive(Debug)]
struct Pending {
    id: u64,
    command: Command,
    /// Sent before a reconnection: a `duplicate_id` refusal then means it was applied.
    resent: bool,
    /// Its events came (`applied`); the `ack` (on disk) has not.
    applied: bool,
}

/// What the board shows.
#[derive(Debug)]
pub struct View {
    /// The confirmed replica with the pending commands applied.
    pub workshop: Workshop,
    /// The notes those commands touch (shown as being sent).
    pub unconfirmed: BTreeSet<NoteId>,
    /// How many commands wait for the server.
    pub waiting: usize,
}

impl Replica {
    /// Numbers its commands from `first_id` (different in each page load, so that a
    /// reloaded page never reuses an id the server keeps a receipt of).
    pub fn new(first_id: u64) -> Replica {
        Replica {
            next_id: first_id,
            ..Replica::default()
        }
    }

    /// Keeps `command` until the server answers it; returns its id.
    pub fn push(&mut self, command: Command) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.push(Pending {
            id,
            command,
            resent: false,
            applied: false,
        });
        id
    }

    /// A fresh snapshot replaces the replica. Returns what was not acknowledged, to
    /// send again, in order.
    pub fn welcome(&mut self, you: ParticipantId, workshop: Workshop) -> Vec<(u64, Command)> {
        self.confirmed = Some(workshop);
        self.you = Some(you);
        self.pending
            .iter_mut()
            .map(|pending| {
                pending.resent = true;
                // The fresh replica says nothing of it: shown on top again until the
                // server answers.
                pending.applied = false;
                (pending.id, pending.command.clone())
            })
            .collect()
    }

    /// An event the server applied, numbered `seq`.
    pub fn event(&mut self, seq: u64, event: &Event) {
        if let Some(confirmed) = &mut self.confirmed {
            confirmed.apply_event(event);
            confirmed.seq = seq;
        }
    }

    /// The server applied command `id` and sent its events, not yet on disk: keep it
    /// to send again, but stop showing it on top of them.
    pub fn applied(&mut self, id: u64) {
        if let Some(pending) = self.pending.iter_mut().find(|p| p.id == id) {
            pending.applied = true;
        }
    }

    /// The server applied command `id`: its events come (or came) as events.
    pub fn acknowledged(&mut self, id: u64) {
        self.pending.retain(|p| p.id != id);
    }

    /// The server refused command `id`. Returns whether to tell the viewer: a
    /// command re-sent after a reconnection and refused as a duplicate had in fact
    /// arrived the first time.
    pub fn refused(&mut self, id: u64, rejection: &Rejection) -> bool {
        let resent = self.pending.iter().any(|p| p.id == id && p.resent);
        self.pending.retain(|p| p.id != id);
        !(resent && *rejection == Rejection::DuplicateId)
    }

    /// What to show at `now`: nothing before the first snapshot.
    pub fn view(&self, now: Millis) -> Option<View> {
        let mut workshop = self.confirmed.clone()?;
        let mut unconfirmed = BTreeSet::new();
        if let Some(you) = self.you {
            for pending in self.pending.iter().filter(|p| !p.applied) {
                if let Some(note) = touched_note(&pending.command) {
                    unconfirmed.insert(note);
                }
                // A command the state has overtaken (refused now) simply shows
                // nothing until the server says so.
                let _ = apply(&mut workshop, Actor::Member(you), pending.command.clone(), now);
            }
        }
        Some(View {
            workshop,
            unconfirmed,
            waiting: self.pending.len(),
        })
    }
}

/// The note a command changes, to mark it as being sent.
fn touched_note(command: &Command) -> Option<NoteId> {
    match command {
        Command::PostNote { note, .. }
        | Command::EditNote { note, .. }
        | Command::DeleteNote { note }
        | Command::Vote { note, .. }
        | Command::Ungroup { note }
        | Command::Characterise { note, .. }
        | Command::AddBranch { note, .. }
        | Command::EditBranch { note, .. }
        | Command::RemoveBranch { note, .. }
        | Command::MoveBranch { note, .. } => Some(*note),
        Command::MergeNotes { into, .. } => Some(*into),
        Command::Admit { .. }
        | Command::MoveParticipant { .. }
        | Command::ChooseRoom { .. }
        | Command::SetRole { .. }
        | Command::SetReady { .. }
        | Command::UpdateSettings { .. }
        | Command::AddRoom { .. }
        | Command::RenameRoom { .. }
        | Command::RemoveRoom { .. }
        | Command::AddColumn { .. }
        | Command::RenameColumn { .. }
        | Command::Lock { .. }
        | Command::Broadcast { .. }
        | Command::AddStep { .. }
        | Command::EditStep { .. }
        | Command::RemoveStep { .. }
        | Command::GoToStep { .. }
        | Command::Reveal { .. }
        | Command::StartTimer { .. }
        | Command::PauseTimer
        | Command::ResumeTimer
        | Command::AddTime { .. }
        | Command::StopTimer
        | Command::TimerElapsed
        | Command::ImportMap { .. }
        | Command::CloseVote { .. }
        | Command::ReopenVote { .. }
        | Command::BreakTie { .. }
        | Command::Answer { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use atelier_shared::machine::fixture::{AUDE, NOW, cast, note_id, post};

    use super::*;

    fn ready() -> (Replica, ParticipantId, Workshop) {
        let cast = cast();
        let mut replica = Replica::new(1);
        assert!(
            replica.view(NOW).is_none(),
            "nothing to show before the first snapshot"
        );
        let resend = replica.welcome(cast.alice, cast.w.clone());
        assert!(resend.is_empty());
        (replica, cast.alice, cast.w)
    }

    #[test]
    fn a_command_shows_at_once_and_stays_once_the_server_confirms_it() {
        let (mut replica, alice, mut server) = ready();
        let id = replica.push(post(AUDE, 1, "Mobilité"));
        let view = replica.view(NOW).unwrap();
        assert!(view.workshop.notes.contains_key(&note_id(1)));
        assert_eq!(view.unconfirmed, BTreeSet::from([note_id(1)]));
        assert_eq!(view.waiting, 1);

        // The server applies it: its event, then its acknowledgement.
        let events = apply(&mut server, Actor::Member(alice), post(AUDE, 1, "Mobilité"), NOW).unwrap();
        for event in &events {
            replica.event(server.seq, event);
        }
        replica.acknowledged(id);
        let view = replica.view(NOW).unwrap();
        assert_eq!(view.workshop, server, "the replica is the server's state");
        assert!(view.unconfirmed.is_empty());
        assert_eq!(view.waiting, 0);
    }

    #[test]
    fn an_applied_command_shows_once_and_goes_again_if_the_server_lost_it() {
        let (mut replica, alice, before) = ready();
        let mut server = before.clone();
        let id = replica.push(post(AUDE, 1, "Mobilité"));
        // Its event comes, then `applied`: shown as the server has it, still kept.
        let events = apply(&mut server, Actor::Member(alice), post(AUDE, 1, "Mobilité"), NOW).unwrap();
        for event in &events {
            replica.event(server.seq, event);
        }
        replica.applied(id);
        let view = replica.view(NOW).unwrap();
        assert_eq!(view.workshop, server, "not applied a second time on top");
        assert!(view.unconfirmed.is_empty());
        assert_eq!(view.waiting, 1, "not on disk yet");
        // The server died before writing it: the fresh snapshot lacks it, so it is
        // shown on top again and sent again.
        let resend = replica.welcome(alice, before);
        assert_eq!(resend.len(), 1);
        assert_eq!(resend[0].0, id);
        let view = replica.view(NOW).unwrap();
        assert_eq!(view.unconfirmed, BTreeSet::from([note_id(1)]));
        assert!(view.workshop.notes.contains_key(&note_id(1)));
    }

    #[test]
    fn a_refused_command_leaves_the_view_as_the_server_has_it_and_is_told() {
        let (mut replica, _, server) = ready();
        let id = replica.push(post(AUDE, 1, "Mobilité"));
        assert!(replica.refused(id, &Rejection::Locked), "the viewer is told");
        let view = replica.view(NOW).unwrap();
        assert_eq!(view.workshop, server);
        assert_eq!(view.waiting, 0);
    }

    #[test]
    fn after_a_reconnection_what_was_not_acknowledged_goes_again_in_order() {
        let (mut replica, alice, server) = ready();
        let first = replica.push(post(AUDE, 1, "Un"));
        let second = replica.push(post(AUDE, 2, "Deux"));
        assert!(second > first);
        replica.acknowledged(first);
        let third = replica.push(post(AUDE, 3, "Trois"));

        let resend = replica.welcome(alice, server.clone());
        let ids: Vec<u64> = resend.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [second, third]);
        assert_eq!(replica.view(NOW).unwrap().waiting, 2);

        // Re-sent, the second had in fact arrived before the connection dropped: its
        // refusal as a duplicate is not news. A fresh command refused is.
        assert!(!replica.refused(second, &Rejection::DuplicateId));
        assert!(replica.refused(third, &Rejection::Locked));
        let fresh = replica.push(post(AUDE, 4, "Quatre"));
        assert!(replica.refused(fresh, &Rejection::DuplicateId));
        assert_eq!(replica.view(NOW).unwrap().waiting, 0);
    }
}
