//! A new workshop, validated as a whole: the state machine starts from a valid state.

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::{CampaignId, JoinCode, Millis, ParticipantId, RoomId, WorkshopId};
use crate::model::{Column, Note, Participant, Role, Room, Settings, Step, Timer, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::agenda::check_step;
use super::rooms::check_column;
use super::{MAX_COLUMNS, MAX_NOTES_PER_ROOM, MAX_ROOMS, MAX_STEPS};

/// Everything a workshop starts with; ids and code are chosen by the server, the rest
/// usually comes from a template (see [`crate::template`]).
#[derive(Clone, Debug)]
pub struct NewWorkshop {
    pub id: WorkshopId,
    pub campaign: CampaignId,
    pub origin: Option<WorkshopId>,
    pub template: String,
    pub code: JoinCode,
    pub title: String,
    pub settings: Settings,
    pub rooms: Vec<NewRoom>,
    pub columns: Vec<Column>,
    pub steps: Vec<Step>,
    /// Notes the boards start with (a map, the needs an earlier workshop retained).
    pub notes: Vec<Note>,
    /// The lead facilitator, who creates the workshop.
    pub lead: ParticipantId,
    pub lead_name: String,
    pub now: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRoom {
    pub id: RoomId,
    pub name: String,
    pub territory: Option<String>,
}

/// Builds the initial state of a workshop, or says what is wrong with the request.
pub fn create(spec: NewWorkshop) -> Result<Workshop, Rejection> {
    let title = text::title(&spec.title)?;
    let lead_name = text::name(&spec.lead_name)?;
    check_count(spec.rooms.len(), Counted::Rooms, MAX_ROOMS)?;
    check_count(spec.columns.len(), Counted::Columns, MAX_COLUMNS)?;
    check_count(spec.steps.len(), Counted::Steps, MAX_STEPS)?;

    let lead = Participant {
        id: spec.lead,
        name: lead_name,
        role: Role::Lead,
        room: None,
        joined: spec.now,
        ready: false,
    };
    // Columns and steps are checked as they are added, each against those before.
    let mut w = Workshop {
        id: spec.id,
        campaign: spec.campaign,
        origin: spec.origin,
        template: spec.template,
        title,
        code: spec.code,
        created: spec.now,
        settings: spec.settings,
        rooms: Vec::new(),
        columns: Vec::new(),
        steps: Vec::new(),
        participants: BTreeMap::from([(lead.id, lead)]),
        notes: BTreeMap::new(),
        ballots: BTreeMap::new(),
        results: Vec::new(),
        polls: Default::default(),
        timer: Timer::default(),
        message: None,
        seq: 0,
    };
    for column in spec.columns {
        let column = check_column(&w, column)?;
        w.columns.push(column);
    }
    for step in spec.steps {
        if w.step(step.id).is_some() {
            return Err(Rejection::DuplicateId);
        }
        let step = check_step(&w, step)?;
        w.steps.push(step);
    }
    let first_step = w.steps[0].id;
    let mut names = BTreeSet::new();
    for room in spec.rooms {
        let name = text::label(&room.name)?;
        if w.room(room.id).is_some() {
            return Err(Rejection::DuplicateId);
        }
        if !names.insert(text::fold(&name)) {
            return Err(Rejection::DuplicateLabel);
        }
        w.rooms.push(Room {
            id: room.id,
            name,
            territory: room.territory.as_deref().map(text::label).transpose()?,
            step: first_step,
            locked: false,
            revealed: BTreeSet::new(),
        });
    }
    for note in spec.notes {
        if w.notes.contains_key(&note.id) {
            return Err(Rejection::DuplicateId);
        }
        w.room(note.room).ok_or(Rejection::UnknownRoom)?;
        w.column(note.column).ok_or(Rejection::UnknownColumn)?;
        let text = text::note(&note.text)?;
        w.notes.insert(note.id, Note { text, ..note });
    }
    for room in &w.rooms {
        check_count_max(
            w.notes.values().filter(|n| n.room == room.id).count(),
            Counted::Notes,
            MAX_NOTES_PER_ROOM,
        )?;
    }
    Ok(w)
}

fn check_count(len: usize, what: Counted, max: usize) -> Result<(), Rejection> {
    if len == 0 {
        return Err(Rejection::TooFew { what });
    }
    check_count_max(len, what, max)
}

fn check_count_max(len: usize, what: Counted, max: usize) -> Result<(), Rejection> {
    if len > max {
        return Err(Rejection::TooMany { what, max });
    }
    Ok(())
}
