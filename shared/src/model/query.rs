//! Reading a workshop: its rooms, steps, lenses, notes and votes.

use super::{Ballot, Column, Focus, Lens, Note, Participant, Role, Room, Step, VoteResult, Workshop};
use crate::ids::{ColumnId, NoteId, ParticipantId, RoomId, StepId};

impl Workshop {
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub fn room_mut(&mut self, id: RoomId) -> Option<&mut Room> {
        self.rooms.iter_mut().find(|r| r.id == id)
    }

    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The step `room` is on.
    pub fn current_step(&self, room: RoomId) -> Option<&Step> {
        self.step(self.room(room)?.step)
    }

    /// What `participant` may see of this workshop.
    pub fn lens_of(&self, participant: ParticipantId) -> Lens {
        match self.participants.get(&participant) {
            Some(p) if p.role == Role::Lead => Lens::All,
            Some(Participant { room: Some(room), .. }) => {
                let together = self.current_step(*room).is_some_and(|s| s.gathers_rooms());
                if together {
                    Lens::Plenary(*room)
                } else {
                    Lens::Room(*room)
                }
            }
            _ => Lens::Lobby,
        }
    }

    /// Whether `participant` facilitates `room`: a lead everywhere, a room facilitator
    /// in theirs.
    pub fn facilitates(&self, participant: ParticipantId, room: RoomId) -> bool {
        self.participants.get(&participant).is_some_and(|p| match p.role {
            Role::Lead => true,
            Role::RoomFacilitator => p.room == Some(room),
            Role::Participant | Role::Observer => false,
        })
    }

    /// The notes of one room and column as a board shows them: groups' members are
    /// shown inside their leader, oldest first.
    pub fn notes_in(&self, room: RoomId, column: ColumnId) -> Vec<&Note> {
        let mut notes: Vec<&Note> = self
            .notes
            .values()
            .filter(|n| n.room == room && n.column == column && n.group.is_none())
            .collect();
        notes.sort_by_key(|n| (n.created, n.id));
        notes
    }

    /// Participants (not facilitators nor observers) currently assigned to `room`.
    pub fn headcount(&self, room: RoomId) -> usize {
        self.participants
            .values()
            .filter(|p| p.room == Some(room) && p.role == Role::Participant)
            .count()
    }

    /// The ranking of vote `step` for `room` (or the workshop), once closed.
    pub fn result(&self, step: StepId, room: Option<RoomId>) -> Option<&VoteResult> {
        self.results.iter().find(|r| r.step == step && r.room == room)
    }

    /// Dots `voter` has on `note` in vote `step`.
    pub fn dots(&self, step: StepId, voter: ParticipantId, note: NoteId) -> u32 {
        self.ballots
            .get(&Ballot { step, voter, note })
            .copied()
            .unwrap_or(0)
    }

    /// The notes a characterise or problem-tree step works on in `room`: the best
    /// ranked by its focus vote, or every note of its columns.
    pub fn focus_notes(&self, step: &Step, room: RoomId) -> Vec<NoteId> {
        match step.focus() {
            Some(Focus { vote, top }) => {
                let scope_room = self
                    .step(vote)
                    .and_then(Step::vote_rules)
                    .map_or(Some(room), |rules| rules.tally_room(room));
                self.result(vote, scope_room)
                    .map(|result| {
                        result
                            .ranking
                            .iter()
                            .filter(|r| r.rank <= top && r.votes > 0 && step.columns.contains(&r.column))
                            .filter(|r| self.notes.get(&r.note).is_some_and(|n| n.room == room))
                            .map(|r| r.note)
                            .collect()
                    })
                    .unwrap_or_default()
            }
            None => step
                .columns
                .iter()
                .flat_map(|column| self.notes_in(room, *column))
                .map(|n| n.id)
                .collect(),
        }
    }
}
