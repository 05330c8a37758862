//! A new workshop, validated as a whole: the state machine starts from a valid state.

use std::collections::{BTreeMap, HashSet};

use crate::ids::{ColumnId, JoinCode, Millis, ParticipantId, RoomId, WorkshopId};
use crate::model::{Column, Participant, Role, Room, Workshop};
use crate::rejection::{Counted, Rejection};
use crate::text;

use super::{MAX_COLUMNS, MAX_ROOMS};

/// Everything a workshop starts with; ids and code are chosen by the server.
#[derive(Clone, Debug)]
pub struct NewWorkshop {
    pub id: WorkshopId,
    pub code: JoinCode,
    pub title: String,
    pub rooms: Vec<NewRoom>,
    pub columns: Vec<NewColumn>,
    /// The lead facilitator, who creates the workshop.
    pub lead: ParticipantId,
    pub lead_name: String,
    pub now: Millis,
}

#[derive(Clone, Debug)]
pub struct NewRoom {
    pub id: RoomId,
    pub name: String,
    pub territory: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewColumn {
    pub id: ColumnId,
    pub title: String,
}

/// Builds the initial state of a workshop, or says what is wrong with the request.
pub fn create(spec: NewWorkshop) -> Result<Workshop, Rejection> {
    let title = text::title(&spec.title)?;
    let lead_name = text::name(&spec.lead_name)?;
    check_count(spec.rooms.len(), Counted::Rooms, MAX_ROOMS)?;
    check_count(spec.columns.len(), Counted::Columns, MAX_COLUMNS)?;

    let rooms = spec
        .rooms
        .into_iter()
        .map(|r| {
            Ok(Room {
                id: r.id,
                name: text::label(&r.name)?,
                territory: r.territory.as_deref().map(text::label).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, Rejection>>()?;
    let columns = spec
        .columns
        .into_iter()
        .map(|c| {
            Ok(Column {
                id: c.id,
                title: text::label(&c.title)?,
            })
        })
        .collect::<Result<Vec<_>, Rejection>>()?;
    unique(rooms.iter().map(|r| (r.id.0, r.name.as_str())))?;
    unique(columns.iter().map(|c| (c.id.0, c.title.as_str())))?;

    let lead = Participant {
        id: spec.lead,
        name: lead_name,
        role: Role::Lead,
        room: None,
        joined: spec.now,
    };
    Ok(Workshop {
        id: spec.id,
        title,
        code: spec.code,
        created: spec.now,
        rooms,
        columns,
        participants: BTreeMap::from([(lead.id, lead)]),
        notes: BTreeMap::new(),
        seq: 0,
    })
}

fn check_count(len: usize, what: Counted, max: usize) -> Result<(), Rejection> {
    if len == 0 {
        return Err(Rejection::TooFew { what });
    }
    if len > max {
        return Err(Rejection::TooMany { what, max });
    }
    Ok(())
}

/// Ids must differ, and so must names (case aside): two rooms both called "Gard" would
/// confuse everyone.
fn unique<'a>(items: impl Iterator<Item = (uuid::Uuid, &'a str)>) -> Result<(), Rejection> {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for (id, name) in items {
        if !ids.insert(id) {
            return Err(Rejection::DuplicateId);
        }
        if !names.insert(name.to_lowercase()) {
            return Err(Rejection::DuplicateLabel);
        }
    }
    Ok(())
}
