//! Campaigns: a series of workshops where each starts from what the previous one
//! retained (workshop 2 recalls, per territory, the needs workshop 1 ranked best).

use serde::{Deserialize, Serialize};

use crate::ids::NoteId;
use crate::model::{Colour, Details, Note, Workshop};

/// What a new workshop takes from the one it is created from, into its column `into`,
/// room by room (the room of the same territory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Take {
    #[serde(flatten)]
    pub what: Taken,
    pub into: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Taken {
    /// The notes ranked `top` or better by a closed vote (ties at the cut are all
    /// taken, notes without dots never), in one column or every column it counted.
    Ranked {
        /// The vote step's key; by default the last vote that was closed.
        #[serde(default)]
        vote: Option<String>,
        #[serde(default)]
        column: Option<String>,
        top: u32,
    },
    /// Every note of a column (what the earlier workshop itself was given).
    Column { column: String },
}

/// A note retained by a finished workshop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retained {
    /// The territory (or, without one, the name) of the room it was retained in.
    pub place: String,
    pub note: NoteId,
    pub text: String,
    pub colour: Colour,
    pub details: Details,
    /// Its rank and points in the vote that retained it (none for a whole column).
    pub ranked: Option<(u32, u32)>,
}

/// The notes `take` retains from `source`, room by room, best first.
pub fn retained(source: &Workshop, take: &Take) -> Vec<Retained> {
    let column_id = |key: &str| {
        source
            .columns
            .iter()
            .find(|c| c.key.as_deref() == Some(key))
            .map(|c| c.id)
    };
    let notes: Vec<(&Note, Option<(u32, u32)>)> = match &take.what {
        Taken::Column { column } => {
            let Some(column) = column_id(column) else {
                return Vec::new();
            };
            source
                .rooms
                .iter()
                .flat_map(|room| source.notes_in(room.id, column))
                .map(|note| (note, None))
                .collect()
        }
        Taken::Ranked { vote, column, top } => {
            let vote = match vote {
                Some(key) => source.steps.iter().find(|s| s.key.as_deref() == Some(key)),
                None => source
                    .steps
                    .iter()
                    .rev()
                    .find(|s| s.vote_rules().is_some() && source.results.iter().any(|r| r.step == s.id)),
            };
            let Some(vote) = vote else { return Vec::new() };
            let wanted = column.as_deref().map(column_id);
            source
                .results
                .iter()
                .filter(|r| r.step == vote.id)
                .flat_map(|r| &r.ranking)
                .filter(|ranked| wanted.is_none_or(|w| w == Some(ranked.column)))
                .filter(|ranked| ranked.rank <= *top && ranked.votes > 0)
                .filter_map(|ranked| {
                    let note = source.notes.get(&ranked.note)?;
                    Some((note, Some((ranked.rank, ranked.votes))))
                })
                .collect()
        }
    };
    notes
        .into_iter()
        .filter_map(|(note, ranked)| {
            let room = source.room(note.room)?;
            Some(Retained {
                place: room.territory.clone().unwrap_or_else(|| room.name.clone()),
                note: note.id,
                text: note.text.clone(),
                colour: note.colour,
                details: note.details.clone(),
                ranked,
            })
        })
        .collect()
}

/// Whether the room called `name`, of `territory`, is the room of `place` (a territory
/// or a room's name), case aside.
pub fn same_place(name: &str, territory: Option<&str>, place: &str) -> bool {
    let place = place.trim().to_lowercase();
    name.to_lowercase() == place || territory.is_some_and(|t| t.to_lowercase() == place)
}
