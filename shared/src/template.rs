//! Templates: a workshop's agenda, columns, vote budgets and durations as a data file
//! (`assets/templates/*.json`), so that a method is written down, not coded. A
//! template names its columns and steps by keys (`needs`, `selection`); creating a
//! workshop turns them into ids, loads the template's maps into the boards and, for a
//! workshop created from an earlier one, brings over what that one retained.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::campaign::{self, Take};
use crate::ids::{ColumnId, Millis, NoteId, StepId, WorkshopId, derived_id};
use crate::machine::NewRoom;
use crate::map::{self, MapItem};
use crate::model::{
    Activity, Column, ColumnKind, Focus, Note, PollRules, Source, Step, VoteRules, VoteScope, Workshop,
};

/// A workshop method, as written in a template file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub key: String,
    pub title: String,
    /// What the method is for, shown when choosing a template.
    pub summary: String,
    /// Rooms proposed by default (the facilitator may change them).
    #[serde(default)]
    pub rooms: Vec<TemplateRoom>,
    pub columns: Vec<TemplateColumn>,
    pub steps: Vec<TemplateStep>,
    /// Prepared lists loaded into the boards at creation.
    #[serde(default)]
    pub maps: Vec<TemplateMap>,
    /// What a workshop made from this template takes from the earlier workshop it is
    /// created from.
    #[serde(default)]
    pub campaign: Vec<Take>,
    /// Whether the facilitator names the columns (a plain brainstorm); each step then
    /// shows them all.
    #[serde(default)]
    pub custom_columns: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRoom {
    pub name: String,
    #[serde(default)]
    pub territory: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateColumn {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub kind: TemplateColumnKind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TemplateColumnKind {
    #[default]
    Open,
    Facilitators,
    Attached {
        to: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateStep {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub minutes: Option<u32>,
    #[serde(default)]
    pub columns: Vec<String>,
    pub activity: TemplateActivity,
}

/// [`Activity`], with columns and steps named by their keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TemplateActivity {
    Brainstorm {
        #[serde(default)]
        anonymous: bool,
        #[serde(default)]
        hidden: bool,
    },
    Vote {
        budget: u32,
        #[serde(default = "one")]
        per_note: u32,
        #[serde(default)]
        per_column: BTreeMap<String, u32>,
        #[serde(default)]
        per_parent: Option<u32>,
        #[serde(default = "yes")]
        secret: bool,
        #[serde(default)]
        scope: VoteScope,
    },
    /// A quick poll: the step's title is the question.
    Poll {
        options: Vec<String>,
        #[serde(default)]
        secret: bool,
    },
    Characterise {
        #[serde(default)]
        focus: Option<TemplateFocus>,
    },
    ProblemTree {
        #[serde(default)]
        focus: Option<TemplateFocus>,
    },
    Plenary,
    Discussion,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFocus {
    pub vote: String,
    pub top: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateMap {
    pub column: String,
    /// A file of `assets/maps/`, CSV or JSON by its extension.
    pub file: String,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// What is wrong with a template file.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TemplateError {
    #[error("template {0}: {1}")]
    Invalid(String, String),
}

/// The parts of a workshop a template gives, with ids.
#[derive(Clone, Debug)]
pub struct Instance {
    pub columns: Vec<Column>,
    pub steps: Vec<Step>,
    pub notes: Vec<Note>,
}

/// How a template is turned into a workshop.
#[derive(Clone, Copy, Debug)]
pub struct Setup<'a> {
    pub workshop: WorkshopId,
    /// The lead: the author of the notes the boards start with.
    pub lead: crate::ids::ParticipantId,
    pub now: crate::ids::Millis,
    pub rooms: &'a [NewRoom],
    /// Column titles chosen by the facilitator, for templates that allow it.
    pub custom_columns: &'a [String],
    /// The earlier workshop this one is created from.
    pub source: Option<&'a Workshop>,
}

impl Template {
    /// Reads a template file and checks that its keys fit together.
    pub fn parse(json: &str) -> Result<Template, TemplateError> {
        let template: Template =
            serde_json::from_str(json).map_err(|e| TemplateError::Invalid("?".into(), e.to_string()))?;
        template.check()?;
        Ok(template)
    }

    fn check(&self) -> Result<(), TemplateError> {
        let invalid = |what: String| Err(TemplateError::Invalid(self.key.clone(), what));
        let column = |key: &String| self.columns.iter().any(|c| &c.key == key);
        let step = |key: &String| self.steps.iter().any(|s| &s.key == key);
        for c in &self.columns {
            if let TemplateColumnKind::Attached { to } = &c.kind
                && !column(to)
            {
                return invalid(format!("column {} hangs under unknown column {to}", c.key));
            }
        }
        for s in &self.steps {
            if let Some(unknown) = s.columns.iter().find(|c| !column(c)) {
                return invalid(format!("step {} shows unknown column {unknown}", s.key));
            }
            match &s.activity {
                TemplateActivity::Vote { per_column, .. } => {
                    if let Some(unknown) = per_column.keys().find(|c| !s.columns.contains(c)) {
                        return invalid(format!(
                            "vote {} budgets column {unknown} it does not show",
                            s.key
                        ));
                    }
                }
                TemplateActivity::Characterise { focus: Some(f) }
                | TemplateActivity::ProblemTree { focus: Some(f) }
                    if !step(&f.vote) =>
                {
                    return invalid(format!("step {} focuses on unknown vote {}", s.key, f.vote));
                }
                _ => {}
            }
        }
        if let Some(m) = self.maps.iter().find(|m| !column(&m.column)) {
            return invalid(format!("map {} goes to unknown column {}", m.file, m.column));
        }
        if let Some(t) = self.campaign.iter().find(|t| !column(&t.into)) {
            return invalid(format!("campaign brings notes into unknown column {}", t.into));
        }
        Ok(())
    }

    /// Turns the template into columns, steps and starting notes for a new workshop.
    /// `map_file` returns the contents of a map file by name.
    pub fn instantiate(
        &self,
        setup: Setup<'_>,
        map_file: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Instance, TemplateError> {
        let invalid = |what: String| TemplateError::Invalid(self.key.clone(), what);
        let custom = self.custom_columns && !setup.custom_columns.is_empty();
        let titles: Vec<(Option<&str>, &str)> = if custom {
            setup.custom_columns.iter().map(|t| (None, t.as_str())).collect()
        } else {
            self.columns
                .iter()
                .map(|c| (Some(c.key.as_str()), c.title.as_str()))
                .collect()
        };
        let ids: Vec<ColumnId> = (0..titles.len())
            .map(|i| ColumnId(derived_id(setup.workshop.0, &[1, i as u128])))
            .collect();
        // Keys name the template's columns; custom columns have none.
        let column_id = |key: &str| -> Option<ColumnId> {
            let index = titles.iter().position(|(k, _)| *k == Some(key))?;
            ids.get(index).copied()
        };
        let mut columns = Vec::with_capacity(titles.len());
        for (i, (key, title)) in titles.iter().enumerate() {
            let kind = match self.columns.get(i).map(|c| &c.kind).filter(|_| !custom) {
                None | Some(TemplateColumnKind::Open) => ColumnKind::Open,
                Some(TemplateColumnKind::Facilitators) => ColumnKind::Facilitators,
                Some(TemplateColumnKind::Attached { to }) => ColumnKind::Attached {
                    to: column_id(to).ok_or_else(|| invalid(format!("unknown column {to}")))?,
                },
            };
            columns.push(Column {
                id: ids[i],
                key: key.map(str::to_owned),
                title: (*title).to_owned(),
                kind,
            });
        }
        let step_id = |key: &str| {
            self.steps
                .iter()
                .position(|s| s.key == key)
                .map(|i| StepId(derived_id(setup.workshop.0, &[2, i as u128])))
        };
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let shown = if custom {
                    ids.clone()
                } else {
                    s.columns.iter().filter_map(|c| column_id(c)).collect()
                };
                let focus = |f: &Option<TemplateFocus>| {
                    f.as_ref().and_then(|f| {
                        Some(Focus {
                            vote: step_id(&f.vote)?,
                            top: f.top,
                        })
                    })
                };
                let activity = match &s.activity {
                    TemplateActivity::Brainstorm { anonymous, hidden } => Activity::Brainstorm {
                        anonymous: *anonymous,
                        hidden: *hidden,
                    },
                    TemplateActivity::Vote {
                        budget,
                        per_note,
                        per_column,
                        per_parent,
                        secret,
                        scope,
                    } => Activity::Vote {
                        rules: VoteRules {
                            budget: *budget,
                            per_note: *per_note,
                            per_column: per_column
                                .iter()
                                .filter_map(|(key, b)| Some((column_id(key)?, *b)))
                                .collect(),
                            per_parent: *per_parent,
                            secret: *secret,
                            scope: *scope,
                        },
                    },
                    TemplateActivity::Characterise { focus: f } => Activity::Characterise { focus: focus(f) },
                    TemplateActivity::ProblemTree { focus: f } => Activity::ProblemTree { focus: focus(f) },
                    TemplateActivity::Poll { options, secret } => Activity::Poll {
                        rules: PollRules {
                            options: options.clone(),
                            secret: *secret,
                        },
                    },
                    TemplateActivity::Plenary => Activity::Plenary,
                    TemplateActivity::Discussion => Activity::Discussion,
                };
                Step {
                    id: StepId(derived_id(setup.workshop.0, &[2, i as u128])),
                    key: Some(s.key.clone()),
                    title: s.title.clone(),
                    instructions: s.instructions.clone(),
                    minutes: s.minutes,
                    columns: shown,
                    activity,
                }
            })
            .collect();

        let mut notes = Vec::new();
        for (map_index, m) in self.maps.iter().enumerate() {
            let Some(column) = column_id(&m.column) else {
                continue;
            };
            let text = map_file(&m.file).ok_or_else(|| invalid(format!("map file {} not found", m.file)))?;
            let items = if m.file.ends_with(".json") {
                map::parse_json(&text)
            } else {
                map::parse_csv(&text)
            }
            .map_err(|e| invalid(format!("map {}: {e}", m.file)))?;
            notes.extend(place(&setup, column, &items, |room, i| {
                NoteId(derived_id(
                    setup.workshop.0,
                    &[3, map_index as u128, room, i as u128],
                ))
            }));
        }
        if let Some(source) = setup.source {
            for (take_index, take) in self.campaign.iter().enumerate() {
                let Some(column) = column_id(&take.into) else {
                    continue;
                };
                for retained in campaign::retained(source, take) {
                    let here =
                        |r: &&NewRoom| campaign::same_place(&r.name, r.territory.as_deref(), &retained.place);
                    let Some(room) = setup.rooms.iter().find(here) else {
                        continue;
                    };
                    let id = NoteId(derived_id(
                        setup.workshop.0,
                        &[4, take_index as u128, notes.len() as u128],
                    ));
                    // One millisecond apart: boards show them in their ranking order.
                    let created = Millis(setup.now.0 + notes.len() as u64);
                    notes.push(Note {
                        colour: retained.colour,
                        source: Source::Campaign {
                            workshop: source.id,
                            note: retained.note,
                            rank: retained.ranked.map(|(rank, _)| rank),
                            votes: retained.ranked.map(|(_, votes)| votes),
                        },
                        details: retained.details,
                        ..Note::new(id, room.id, column, setup.lead, retained.text, created)
                    });
                }
            }
        }
        Ok(Instance {
            columns,
            steps,
            notes,
        })
    }
}

/// One map note per item and room, an item naming a territory going to that room only.
fn place(
    setup: &Setup<'_>,
    column: ColumnId,
    items: &[MapItem],
    id: impl Fn(u128, usize) -> NoteId,
) -> Vec<Note> {
    let mut notes = Vec::new();
    for room in setup.rooms {
        for (i, item) in items.iter().enumerate() {
            if let Some(territory) = &item.territory
                && !campaign::same_place(&room.name, room.territory.as_deref(), territory)
            {
                continue;
            }
            // One millisecond apart: boards show a map in the order it was written.
            let created = Millis(setup.now.0 + i as u64);
            notes.push(Note {
                colour: item.colour.unwrap_or_default(),
                source: Source::Map,
                ..Note::new(
                    id(room.id.0.as_u128(), i),
                    room.id,
                    column,
                    setup.lead,
                    item.text.clone(),
                    created,
                )
            });
        }
    }
    notes
}
