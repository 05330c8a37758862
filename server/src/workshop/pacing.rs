//! How fast one person may post notes, all their connections together: counted in
//! the workshop's actor, where those connections meet.

use std::collections::HashMap;
use std::time::Instant;

use atelier_shared::rejection::Paced;
use atelier_shared::{Actor, Command, ParticipantId, Rejection};

use crate::guard::{self, Pace, Rate};

pub(super) struct NotePaces {
    /// `None`: not paced (load tests).
    rate: Option<Rate>,
    paces: HashMap<ParticipantId, Pace>,
}

impl NotePaces {
    pub(super) fn new(rate: Option<Rate>) -> NotePaces {
        NotePaces {
            rate,
            paces: HashMap::new(),
        }
    }

    /// Refuses `command` if it is a note from someone who posts too fast; otherwise
    /// the author to [`count`](NotePaces::count) once it is applied, if it is a note.
    pub(super) fn check(
        &self,
        actor: Actor,
        command: &Command,
        now: Instant,
    ) -> Result<Option<ParticipantId>, Rejection> {
        let (Actor::Member(author), Command::PostNote { .. }, Some(rate)) = (actor, command, self.rate)
        else {
            return Ok(None);
        };
        match self.paces.get(&author).map(|pace| pace.check(rate, now)) {
            Some(Err(wait)) => Err(Rejection::TooFast {
                what: Paced::Notes,
                per_minute: rate.in_a_minute(),
                retry_secs: guard::seconds(wait),
            }),
            Some(Ok(())) | None => Ok(Some(author)),
        }
    }

    /// Counts a note `author` posted.
    pub(super) fn count(&mut self, author: ParticipantId, now: Instant) {
        if let Some(rate) = self.rate {
            let pace = self.paces.entry(author).or_insert_with(|| Pace::new(now));
            let _ = pace.take(rate, now);
        }
    }
}
