//! The case file ("rapport d'enquête") of a workshop as plain data, which every export
//! format renders: per room, the rankings of closed votes, the characterisations, the
//! problem trees, the notes under each need, every column's notes and the figures;
//! for the workshop, its own votes, its quick polls, its figures and participation
//! over time.
//!
//! Built from the server's whole copy of a workshop, for facilitators and organisers:
//! it names authors, except of notes posted anonymously. Text is kept as typed; each
//! renderer escapes it for its format.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::ids::ColumnId;
use crate::ids::{Millis, NoteId, RoomId};
use crate::model::{Column, ColumnKind, Note, Ranked, Role, Room, Source, Workshop};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub template: String,
    pub created: Millis,
    pub figures: Figures,
    /// Votes counted for the whole workshop (a plenary positioning), in agenda order.
    pub votes: Vec<VoteReport>,
    /// Quick polls someone answered, in agenda order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub polls: Vec<PollReport>,
    pub rooms: Vec<RoomReport>,
    pub timeline: Timeline,
}

/// Who took part and how much.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Participants (not facilitators nor observers) in the workshop or the room.
    pub participants: usize,
    /// Of whom posted at least one note.
    pub contributors: usize,
    /// Of whom spent at least one dot.
    pub voters: usize,
    /// Notes people posted (not those from a map or an earlier workshop).
    pub notes: usize,
    /// Dots spent, in every vote.
    pub dots: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomReport {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// The step the room is on.
    pub step: String,
    pub figures: Figures,
    pub votes: Vec<VoteReport>,
    pub characterised: Vec<Characterised>,
    pub trees: Vec<Tree>,
    /// Notes hanging under others (solutions under their need).
    pub attached: Vec<Attached>,
    /// Every column's notes, as the board shows them.
    pub columns: Vec<ColumnNotes>,
}

impl RoomReport {
    /// "Aude", or "Section 1 (Aude)" when the room and its territory differ.
    pub fn label(&self) -> String {
        match &self.territory {
            Some(t) if *t != self.name => format!("{} ({t})", self.name),
            _ => self.name.clone(),
        }
    }
}

/// The ranking of one closed vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteReport {
    pub step: String,
    /// One ranking per column the vote counted, notes with at least one dot, best first.
    pub columns: Vec<Ranking>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub column: String,
    pub rows: Vec<RankedNote>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedNote {
    pub rank: u32,
    pub text: String,
    pub votes: u32,
    pub voters: u32,
    /// The note it hangs under, where ranks count per parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its room, in a ranking of the whole workshop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

/// A quick poll's question and how many chose each option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollReport {
    pub question: String,
    /// Still open when the report was made: the counts may still move.
    pub open: bool,
    /// In the poll's order.
    pub options: Vec<PollOption>,
    /// People who answered.
    pub answers: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    pub text: String,
    pub count: u32,
}

impl PollReport {
    /// The poll `step` of `w`, once someone answered it or it was closed.
    pub fn of(w: &Workshop, step: &crate::model::Step) -> Option<PollReport> {
        let rules = step.poll_rules()?;
        w.polls.get(&step.id)?;
        let counts = w.poll_counts(step.id);
        Some(PollReport {
            question: step.title.clone(),
            open: !w.poll_closed(step.id),
            options: rules
                .options
                .iter()
                .zip(&counts)
                .map(|(text, count)| PollOption {
                    text: text.clone(),
                    count: *count,
                })
                .collect(),
            answers: counts.iter().sum(),
        })
    }
}

/// Why a need matters, who it affects, how to measure it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Characterised {
    pub note: String,
    pub why: String,
    pub who: String,
    pub measure: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    pub note: String,
    pub consequences: Vec<String>,
    pub causes: Vec<String>,
}

/// The notes of one column posted under one note (the solutions to one need).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    pub column: String,
    pub parent: String,
    /// Most voted first.
    pub notes: Vec<NoteLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnNotes {
    pub column: String,
    pub notes: Vec<NoteLine>,
}

/// A note as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteLine {
    pub text: String,
    /// `None` for an anonymous note, a map's or an earlier workshop's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub origin: Origin,
    pub created: Millis,
    /// Not revealed to the room yet.
    pub hidden: bool,
    /// The note it hangs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its place in the last closed vote that counted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<Placed>,
    /// Duplicates merged into it, shown and counted as this note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<NoteLine>,
}

/// Where a note comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Posted during the workshop: a new clue.
    Posted,
    /// From a prepared map.
    Map,
    /// Retained by an earlier workshop of the campaign.
    Campaign,
}

/// A note's result in a closed vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub step: String,
    pub rank: u32,
    pub votes: u32,
    pub voters: u32,
}

/// Notes posted and people arriving, per slice of time since the workshop was created.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub start: Millis,
    pub minutes: u32,
    pub notes: Vec<u32>,
    pub arrivals: Vec<u32>,
}

/// Slices a timeline may use: the smallest that keeps it to `MAX_SLICES` bars.
const SLICES: [u32; 9] = [5, 10, 15, 30, 60, 120, 240, 720, 1440];
const MAX_SLICES: u64 = 24;
/// Bars a timeline has at most, whatever its span (daily slices over two months).
const MAX_BARS: u64 = 60;

impl Report {
    pub fn of(w: &Workshop) -> Report {
        let placed = placements(w);
        let workshop_votes = w
            .steps
            .iter()
            .filter_map(|step| {
                let result = w.result(step.id, None)?;
                Some(vote_report(w, &step.title, &step.columns, &result.ranking, None))
            })
            .collect();
        Report {
            title: w.title.clone(),
            template: w.template.clone(),
            created: w.created,
            figures: Figures::of(w, None),
            votes: workshop_votes,
            polls: w
                .steps
                .iter()
                .filter_map(|step| PollReport::of(w, step))
                .collect(),
            rooms: w.rooms.iter().map(|room| room_report(w, room, &placed)).collect(),
            timeline: timeline(w),
        }
    }
}

/// The notes of `room` that hang under others (solutions under their need): for each
/// attached column, each parent, oldest first, with the notes under it.
pub fn under_parents(w: &Workshop, room: RoomId) -> Vec<(&Column, &Note, Vec<&Note>)> {
    let mut groups = Vec::new();
    for column in &w.columns {
        if !matches!(column.kind, ColumnKind::Attached { .. }) {
            continue;
        }
        let children = w.notes_in(room, column.id);
        let mut parents: Vec<&Note> = children
            .iter()
            .filter_map(|c| c.parent.and_then(|p| w.notes.get(&p)))
            .collect();
        parents.sort_by_key(|p| (p.created, p.id));
        parents.dedup_by_key(|p| p.id);
        for parent in parents {
            let under = children
                .iter()
                .copied()
                .filter(|c| c.parent == Some(parent.id))
                .collect();
            groups.push((column, parent, under));
        }
    }
    groups
}

fn room_report(w: &Workshop, r: &Room, placed: &HashMap<NoteId, Placed>) -> RoomReport {
    let room = r.id;
    let votes = w
        .steps
        .iter()
        .filter_map(|step| {
            let rules = step.vote_rules()?;
            let room_tally = rules.tally_room(room)?;
            let result = w.result(step.id, Some(room_tally))?;
            Some(vote_report(
                w,
                &step.title,
                &step.columns,
                &result.ranking,
                Some(room),
            ))
        })
        .filter(|v| !v.columns.is_empty())
        .collect();
    let mut room_notes: Vec<&Note> = w.notes.values().filter(|n| n.room == room).collect();
    room_notes.sort_by_key(|n| (n.created, n.id));
    let characterised = room_notes
        .iter()
        .filter(|n| !(n.details.why.is_empty() && n.details.who.is_empty() && n.details.measure.is_empty()))
        .map(|n| Characterised {
            note: n.text.clone(),
            why: n.details.why.clone(),
            who: n.details.who.clone(),
            measure: n.details.measure.clone(),
        })
        .collect();
    let trees = room_notes
        .iter()
        .filter(|n| !(n.details.causes.is_empty() && n.details.consequences.is_empty()))
        .map(|n| Tree {
            note: n.text.clone(),
            consequences: n.details.consequences.iter().map(|b| b.text.clone()).collect(),
            causes: n.details.causes.iter().map(|b| b.text.clone()).collect(),
        })
        .collect();
    let line = |n: &Note| note_line(w, n, placed);
    let attached = under_parents(w, room)
        .into_iter()
        .map(|(column, parent, children)| {
            let mut notes: Vec<NoteLine> = children.into_iter().map(line).collect();
            notes.sort_by_key(|n| std::cmp::Reverse(n.vote.as_ref().map_or(0, |v| v.votes)));
            Attached {
                column: column.title.clone(),
                parent: parent.text.clone(),
                notes,
            }
        })
        .collect();
    let columns = w
        .columns
        .iter()
        .map(|column| ColumnNotes {
            column: column.title.clone(),
            notes: w.notes_in(room, column.id).into_iter().map(line).collect(),
        })
        .filter(|c| !c.notes.is_empty())
        .collect();
    RoomReport {
        name: r.name.clone(),
        territory: r.territory.clone(),
        step: w.step(r.step).map(|s| s.title.clone()).unwrap_or_default(),
        figures: Figures::of(w, Some(room)),
        votes,
        characterised,
        trees,
        attached,
        columns,
    }
}

/// The ranking of a closed vote, column by column, for `room` or the whole workshop.
fn vote_report(
    w: &Workshop,
    step: &str,
    columns: &[ColumnId],
    ranking: &[Ranked],
    room: Option<RoomId>,
) -> VoteReport {
    let columns = columns
        .iter()
        .filter_map(|c| w.column(*c))
        .map(|column| Ranking {
            column: column.title.clone(),
            rows: ranking
                .iter()
                .filter(|r| r.column == column.id && r.votes > 0)
                .filter_map(|r| {
                    let note = w.notes.get(&r.note)?;
                    if room.is_some_and(|room| note.room != room) {
                        return None;
                    }
                    Some(RankedNote {
                        rank: r.rank,
                        text: note.text.clone(),
                        votes: r.votes,
                        voters: r.voters,
                        parent: r.parent.and_then(|p| w.notes.get(&p)).map(|p| p.text.clone()),
                        room: room
                            .is_none()
                            .then(|| w.room(note.room).map(|r| r.name.clone()))
                            .flatten(),
                    })
                })
                .collect(),
        })
        .filter(|r| !r.rows.is_empty())
        .collect();
    VoteReport {
        step: step.to_owned(),
        columns,
    }
}

/// Each note's place in the last closed vote (in agenda order) that counted it.
fn placements(w: &Workshop) -> HashMap<NoteId, Placed> {
    let mut placed = HashMap::new();
    for step in w.steps.iter().filter(|s| s.vote_rules().is_some()) {
        for result in w.results.iter().filter(|r| r.step == step.id) {
            for r in &result.ranking {
                placed.insert(
                    r.note,
                    Placed {
                        step: step.title.clone(),
                        rank: r.rank,
                        votes: r.votes,
                        voters: r.voters,
                    },
                );
            }
        }
    }
    placed
}

fn note_line(w: &Workshop, n: &Note, placed: &HashMap<NoteId, Placed>) -> NoteLine {
    let author = match n.source {
        Source::Posted if !n.anonymous => n
            .author
            .and_then(|a| w.participants.get(&a))
            .map(|p| p.name.clone()),
        _ => None,
    };
    let mut merged: Vec<&Note> = w.notes.values().filter(|m| m.group == Some(n.id)).collect();
    merged.sort_by_key(|m| (m.created, m.id));
    NoteLine {
        text: n.text.clone(),
        author,
        origin: match n.source {
            Source::Posted => Origin::Posted,
            Source::Map => Origin::Map,
            Source::Campaign { .. } => Origin::Campaign,
        },
        created: n.created,
        hidden: n.hidden,
        parent: n.parent.and_then(|p| w.notes.get(&p)).map(|p| p.text.clone()),
        vote: placed.get(&n.id).cloned(),
        merged: merged.into_iter().map(|m| note_line(w, m, placed)).collect(),
    }
}

impl Figures {
    /// The figures of the whole workshop, or of one room.
    pub fn of(w: &Workshop, room: Option<RoomId>) -> Figures {
        let here = |r: RoomId| room.is_none_or(|room| room == r);
        let participants = w
            .participants
            .values()
            .filter(|p| p.role == Role::Participant && (room.is_none() || p.room == room))
            .count();
        let posted = || {
            w.notes
                .values()
                .filter(move |n| here(n.room) && n.source == Source::Posted)
        };
        let contributors: BTreeSet<_> = posted()
            .filter_map(|n| n.author)
            .filter(|a| w.participants.get(a).is_some_and(|p| p.role == Role::Participant))
            .collect();
        let mut voters = BTreeSet::new();
        let mut dots = 0;
        for (ballot, n) in &w.ballots {
            if w.notes.get(&ballot.note).is_some_and(|note| here(note.room)) {
                dots += n;
                voters.insert(ballot.voter);
            }
        }
        Figures {
            participants,
            contributors: contributors.len(),
            voters: voters.len(),
            notes: posted().count(),
            dots,
        }
    }

    /// Participants, contributors, voters, notes, dots: the columns of a summary table.
    pub fn counts(&self) -> [u64; 5] {
        [
            self.participants as u64,
            self.contributors as u64,
            self.voters as u64,
            self.notes as u64,
            u64::from(self.dots),
        ]
    }
}

fn timeline(w: &Workshop) -> Timeline {
    let start = w.created.0;
    let notes: Vec<u64> = w
        .notes
        .values()
        .filter(|n| n.source == Source::Posted)
        .map(|n| n.created.0.saturating_sub(start))
        .collect();
    let arrivals: Vec<u64> = w
        .participants
        .values()
        .filter(|p| p.role == Role::Participant)
        .map(|p| p.joined.0.saturating_sub(start))
        .collect();
    let Some(span) = notes.iter().chain(&arrivals).copied().max() else {
        return Timeline {
            start: w.created,
            minutes: SLICES[0],
            ..Timeline::default()
        };
    };
    let minutes = SLICES
        .into_iter()
        .find(|m| span / (u64::from(*m) * 60_000) < MAX_SLICES)
        .unwrap_or(SLICES[SLICES.len() - 1]);
    let slice = u64::from(minutes) * 60_000;
    // A workshop reopened weeks later keeps its bars to a screen: what comes after the
    // last one is counted in it.
    let count = usize::try_from((span / slice + 1).min(MAX_BARS)).unwrap_or(1);
    let tally = |times: &[u64]| {
        let mut bars = vec![0u32; count];
        for t in times {
            let i = usize::try_from(t / slice).unwrap_or(count - 1).min(count - 1);
            bars[i] += 1;
        }
        bars
    };
    Timeline {
        start: w.created,
        minutes,
        notes: tally(&notes),
        arrivals: tally(&arrivals),
    }
}
