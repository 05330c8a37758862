//! The JSON export, complete, and its import. An archive holds the workshops exactly
//! as the server does; importing gives each a new id, a new code and a new lead token,
//! and new ids to its campaign and its people, consistently across the archive, so a
//! campaign comes back whole (each workshop still continues the one it came from)
//! and never collides with the original if it is still here.

use std::collections::{BTreeMap, HashMap};

use atelier_shared::api::{ARCHIVE_FORMAT, ARCHIVE_VERSION, Archive};
use atelier_shared::machine::MAX_TIMER_MILLIS;
use atelier_shared::model::{Source, TimerState};
use atelier_shared::{CampaignId, Millis, ParticipantId, Role, Workshop, WorkshopId, check_invariants};
use thiserror::Error;
use uuid::Uuid;

/// Workshops one archive may bring: a campaign is a handful.
pub const MAX_WORKSHOPS: usize = 20;

pub fn export(workshops: &[Workshop], exported: Millis) -> Vec<u8> {
    let archive = Archive {
        format: ARCHIVE_FORMAT.to_owned(),
        version: ARCHIVE_VERSION,
        exported,
        workshops: workshops.to_vec(),
    };
    let mut json = serde_json::to_vec_pretty(&archive).unwrap_or_default();
    json.push(b'\n');
    json
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("this is not an Atelier archive (its format is {0:?})")]
    NotAnArchive(String),
    #[error("this archive is of version {0}; this server reads version {ARCHIVE_VERSION}")]
    Version(u32),
    #[error("the archive holds no workshop")]
    Empty,
    #[error("the archive holds {0} workshops; at most {MAX_WORKSHOPS} may be imported at once")]
    TooMany(usize),
    #[error("workshop {index} of the archive is not consistent: {reason}")]
    Invalid { index: usize, reason: String },
    #[error("workshop {0} of the archive has no lead facilitator")]
    NoLead(usize),
    #[error("workshop {index} of the archive holds an instant ({at} ms) ahead of this server's clock")]
    FromTheFuture { index: usize, at: u64 },
}

/// How far an archive's instants may run ahead of this server's clock: the server it
/// comes from may keep a slightly different time, and its timer may be running.
const CLOCK_SKEW: u64 = MAX_TIMER_MILLIS + 24 * 60 * 60 * 1000;

/// The latest instant `w` holds: its creation, arrivals, notes, message, timer.
fn latest_instant(w: &Workshop) -> Millis {
    let timer = match w.timer.state {
        TimerState::Running { ends_at } => ends_at,
        TimerState::Stopped | TimerState::Paused { .. } | TimerState::Elapsed => w.created,
    };
    let joined = w.participants.values().map(|p| p.joined);
    let posted = w.notes.values().map(|n| n.created);
    let sent = w.message.iter().map(|m| m.sent);
    [w.created, timer]
        .into_iter()
        .chain(joined)
        .chain(posted)
        .chain(sent)
        .max()
        .unwrap_or(w.created)
}

/// The archive's workshops, checked and given fresh ids, ready to be started; `now`
/// is this server's clock, `fresh` makes new ids (random in the server, counted in
/// tests).
///
/// A workshop is checked whole by the state machine's own invariants, the rules every
/// workshop satisfies after every command: the texts as a command would have left
/// them, counts and budgets within their limits, instants within the workshop's life
/// (and not ahead of `now`). What no command could make, no archive brings.
pub fn prepare(
    archive: Archive,
    now: Millis,
    mut fresh: impl FnMut() -> Uuid,
) -> Result<Vec<Workshop>, ImportError> {
    if archive.format != ARCHIVE_FORMAT {
        return Err(ImportError::NotAnArchive(archive.format));
    }
    if archive.version != ARCHIVE_VERSION {
        return Err(ImportError::Version(archive.version));
    }
    match archive.workshops.len() {
        0 => return Err(ImportError::Empty),
        n if n > MAX_WORKSHOPS => return Err(ImportError::TooMany(n)),
        _ => {}
    }
    let mut ids: HashMap<Uuid, Uuid> = HashMap::new();
    let mut new = |old: Uuid| *ids.entry(old).or_insert_with(&mut fresh);
    let mut workshops = archive.workshops;
    for (index, w) in workshops.iter_mut().enumerate() {
        let index = index + 1;
        check_invariants(w).map_err(|reason| ImportError::Invalid { index, reason })?;
        if !w.participants.values().any(|p| p.role == Role::Lead) {
            return Err(ImportError::NoLead(index));
        }
        let latest = latest_instant(w);
        if latest.0 > now.0.saturating_add(CLOCK_SKEW) {
            return Err(ImportError::FromTheFuture { index, at: latest.0 });
        }
        w.id = WorkshopId(new(w.id.0));
        w.campaign = CampaignId(new(w.campaign.0));
        w.origin = w.origin.map(|o| WorkshopId(new(o.0)));
        let participants = std::mem::take(&mut w.participants);
        w.participants = participants
            .into_values()
            .map(|mut p| {
                p.id = ParticipantId(new(p.id.0));
                (p.id, p)
            })
            .collect();
        for note in w.notes.values_mut() {
            note.author = note.author.map(|a| ParticipantId(new(a.0)));
            if let Source::Campaign { workshop, .. } = &mut note.source {
                *workshop = WorkshopId(new(workshop.0));
            }
        }
        let ballots = std::mem::take(&mut w.ballots);
        w.ballots = ballots
            .into_iter()
            .map(|(mut ballot, dots)| {
                ballot.voter = ParticipantId(new(ballot.voter.0));
                (ballot, dots)
            })
            .collect::<BTreeMap<_, _>>();
        for poll in w.polls.values_mut() {
            let answers = std::mem::take(&mut poll.answers);
            poll.answers = answers
                .into_iter()
                .map(|(who, option)| (ParticipantId(new(who.0)), option))
                .collect();
        }
        check_invariants(w).map_err(|reason| ImportError::Invalid { index, reason })?;
    }
    Ok(workshops)
}

/// The first lead facilitator of `w`: who the import's token is for.
pub fn lead(w: &Workshop) -> Option<ParticipantId> {
    w.participants
        .values()
        .filter(|p| p.role == Role::Lead)
        .min_by_key(|p| (p.joined, p.id))
        .map(|p| p.id)
}
