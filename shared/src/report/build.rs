//! Building the report from a workshop.

use std::collections::{BTreeSet, HashMap};

use super::{
    Attached, Characterised, ColumnNotes, Figures, NoteLine, Origin, Placed, PollOption, PollReport,
    RankedNote, Ranking, Report, RoomReport, Timeline, Tree, VoteReport,
};
use crate::ids::{ColumnId, NoteId, RoomId};
use crate::model::{Column, ColumnKind, Note, Ranked, Role, Room, Source, Step, Workshop};

impl PollReport {
    /// The poll `step` of `w`, once someone answered it or it was closed.
    pub fn of(w: &Workshop, step: &Step) -> Option<PollReport> {
        let rules = step.poll_rules()?;
        w.polls.get(&step.id)?;
        let counts = w.poll_counts(step.id);
        Some(PollReport {
            question: step.title.clone(),
            open: !w.poll_closed(step.id),
            secret: rules.secret,
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
