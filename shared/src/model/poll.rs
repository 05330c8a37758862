//! Reading a quick poll: who chose what, how many chose each option.

use super::{PollState, Workshop};
use crate::ids::{ParticipantId, StepId};

impl Workshop {
    /// The option `who` chose in poll `step`.
    pub fn answer(&self, step: StepId, who: ParticipantId) -> Option<u32> {
        self.polls.get(&step)?.answers.get(&who).copied()
    }

    /// Whether poll `step` is closed (its counts published).
    pub fn poll_closed(&self, step: StepId) -> bool {
        self.polls.get(&step).is_some_and(|p| p.counts.is_some())
    }

    /// How many chose each option of poll `step`: the published counts once closed,
    /// else the answers this copy of the workshop holds (all of them on the server;
    /// in a secret poll, a participant's copy holds only their own).
    pub fn poll_counts(&self, step: StepId) -> Vec<u32> {
        let options = self
            .step(step)
            .and_then(|s| s.poll_rules())
            .map_or(0, |r| r.options.len());
        match self.polls.get(&step) {
            Some(PollState {
                counts: Some(counts), ..
            }) => counts.clone(),
            Some(PollState { answers, .. }) => {
                let mut counts = vec![0; options];
                for option in answers.values() {
                    if let Some(count) = counts.get_mut(*option as usize) {
                        *count += 1;
                    }
                }
                counts
            }
            None => vec![0; options],
        }
    }
}
