//! Applying events: the one place a workshop changes. Total and deterministic, so the
//! server and every client replica (which holds only what its viewer may see) end in
//! the same state for what they both hold.

use std::collections::BTreeSet;

use crate::event::Event;
use crate::ids::{NoteId, StepId};
use crate::model::{Ballot, Workshop};

impl Workshop {
    /// Applies an event. An event about something this copy does not hold changes
    /// nothing rather than failing.
    pub fn apply_event(&mut self, event: &Event) {
        match event {
            Event::ParticipantJoined { participant } | Event::ParticipantChanged { participant, .. } => {
                self.participants.insert(participant.id, participant.clone());
            }
            Event::ReadyChanged {
                participant, ready, ..
            } => {
                if let Some(p) = self.participants.get_mut(participant) {
                    p.ready = *ready;
                }
            }
            Event::SettingsChanged { settings } => self.settings = settings.clone(),
            Event::RoomAdded { room } => {
                if self.room(room.id).is_none() {
                    self.rooms.push(room.clone());
                }
            }
            Event::RoomRenamed {
                room,
                name,
                territory,
            } => {
                if let Some(r) = self.room_mut(*room) {
                    r.name.clone_from(name);
                    r.territory.clone_from(territory);
                }
            }
            Event::RoomRemoved { room } => self.rooms.retain(|r| r.id != *room),
            Event::ColumnAdded { column } => {
                if self.column(column.id).is_none() {
                    self.columns.push(column.clone());
                }
            }
            Event::ColumnRenamed { column, title } => {
                if let Some(c) = self.columns.iter_mut().find(|c| c.id == *column) {
                    c.title.clone_from(title);
                }
            }
            Event::Locked { room, locked } => {
                if let Some(r) = self.room_mut(*room) {
                    r.locked = *locked;
                }
            }
            Event::StepAdded { step, position } => {
                if self.step(step.id).is_none() {
                    let at = (*position).min(self.steps.len());
                    self.steps.insert(at, step.clone());
                }
            }
            Event::StepEdited { step } => {
                if let Some(s) = self.steps.iter_mut().find(|s| s.id == step.id) {
                    *s = step.clone();
                }
            }
            Event::StepRemoved { step } => {
                self.steps.retain(|s| s.id != *step);
                self.ballots.retain(|b, _| b.step != *step);
                self.results.retain(|r| r.step != *step);
                self.polls.remove(step);
            }
            Event::StepStarted { room, step } => {
                if let Some(r) = self.room_mut(*room) {
                    r.step = *step;
                }
                for p in self.participants.values_mut().filter(|p| p.room == Some(*room)) {
                    p.ready = false;
                }
            }
            Event::Revealed { room, step, notes } => {
                if let Some(r) = self.room_mut(*room) {
                    r.revealed.insert(*step);
                }
                for note in notes {
                    // Keep what this copy knows (an author sees their anonymous note's
                    // author); notes it did not hold arrive.
                    match self.notes.get_mut(&note.id) {
                        Some(existing) => existing.hidden = false,
                        None => {
                            self.notes.insert(note.id, note.clone());
                        }
                    }
                }
            }
            Event::TimerChanged { timer } => self.timer = *timer,
            Event::Broadcast { message } => self.message = message.clone(),
            Event::NotePosted { note } => {
                self.notes.insert(note.id, note.clone());
            }
            Event::NoteEdited {
                note,
                text,
                colour,
                rev,
                ..
            } => {
                if let Some(n) = self.notes.get_mut(note) {
                    n.text.clone_from(text);
                    n.colour = *colour;
                    n.rev = *rev;
                }
            }
            Event::NoteDeleted { note, .. } => self.delete_note(*note),
            Event::NotesMerged { into, notes, .. } => self.merge_notes(*into, notes),
            Event::NoteUngrouped { note, group, .. } => {
                for id in [note, group] {
                    if let Some(n) = self.notes.get_mut(id) {
                        n.rev = n.rev.wrapping_add(1);
                    }
                }
                if let Some(n) = self.notes.get_mut(note) {
                    n.group = None;
                }
            }
            Event::MapImported { notes, .. } => {
                for note in notes {
                    self.notes.insert(note.id, note.clone());
                }
            }
            Event::DetailsChanged {
                note, details, rev, ..
            } => {
                if let Some(n) = self.notes.get_mut(note) {
                    n.details = details.clone();
                    n.rev = *rev;
                }
            }
            Event::VoteCast {
                step,
                voter,
                note,
                dots,
                ..
            } => {
                let ballot = Ballot {
                    step: *step,
                    voter: *voter,
                    note: *note,
                };
                if *dots == 0 {
                    self.ballots.remove(&ballot);
                } else {
                    self.ballots.insert(ballot, *dots);
                }
            }
            Event::VoteClosed { result } => {
                self.results
                    .retain(|r| !(r.step == result.step && r.room == result.room));
                self.results.push(result.clone());
            }
            Event::VoteReopened { step, room } => {
                self.results.retain(|r| !(r.step == *step && r.room == *room))
            }
            Event::Answered {
                step,
                participant,
                option,
            } => {
                let poll = self.polls.entry(*step).or_default();
                match option {
                    Some(option) => poll.answers.insert(*participant, *option),
                    None => poll.answers.remove(participant),
                };
                if poll.answers.is_empty() && poll.counts.is_none() {
                    self.polls.remove(step);
                }
            }
            Event::PollClosed { step, counts } => {
                self.polls.entry(*step).or_default().counts = Some(counts.clone());
            }
            Event::PollReopened { step } => {
                if let Some(poll) = self.polls.get_mut(step) {
                    poll.counts = None;
                    if poll.answers.is_empty() {
                        self.polls.remove(step);
                    }
                }
            }
        }
    }

    /// Removes a note, the notes hanging under it, and their dots; its group's members
    /// stand alone again.
    fn delete_note(&mut self, note: NoteId) {
        let mut doomed = BTreeSet::from([note]);
        loop {
            let children: Vec<NoteId> = self
                .notes
                .values()
                .filter(|n| n.parent.is_some_and(|p| doomed.contains(&p)) && !doomed.contains(&n.id))
                .map(|n| n.id)
                .collect();
            if children.is_empty() {
                break;
            }
            doomed.extend(children);
        }
        for id in &doomed {
            self.notes.remove(id);
        }
        self.ballots.retain(|b, _| !doomed.contains(&b.note));
        for n in self.notes.values_mut() {
            if n.group.is_some_and(|g| doomed.contains(&g)) {
                n.group = None;
                n.rev = n.rev.wrapping_add(1);
            }
        }
    }

    /// Puts `notes` (and their own members) in `into`'s group; their dots move to
    /// `into`, each voter's capped by the vote's per-note limit (the excess is given
    /// back).
    fn merge_notes(&mut self, into: NoteId, notes: &[NoteId]) {
        let merged: BTreeSet<NoteId> = notes.iter().copied().collect();
        for n in self.notes.values_mut() {
            if merged.contains(&n.id) || n.group.is_some_and(|g| merged.contains(&g)) {
                n.group = Some(into);
                n.rev = n.rev.wrapping_add(1);
            }
        }
        if let Some(leader) = self.notes.get_mut(&into) {
            leader.rev = leader.rev.wrapping_add(1);
        }
        let moving: Vec<(Ballot, u32)> = self
            .ballots
            .iter()
            .filter(|(b, _)| merged.contains(&b.note))
            .map(|(b, d)| (*b, *d))
            .collect();
        for (ballot, dots) in moving {
            self.ballots.remove(&ballot);
            let target = Ballot { note: into, ..ballot };
            let cap = self.per_note_cap(ballot.step);
            let total = (self.ballots.get(&target).copied().unwrap_or(0) + dots).min(cap);
            self.ballots.insert(target, total);
        }
    }

    fn per_note_cap(&self, step: StepId) -> u32 {
        self.step(step)
            .and_then(|s| s.vote_rules())
            .map_or(u32::MAX, |rules| rules.per_note)
    }
}
