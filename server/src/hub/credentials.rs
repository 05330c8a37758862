//! Who holds which credential: participants' tokens (kept as digests), and the
//! organiser keys that open a workshop's reports (derived from the server's key, or
//! stored as digests by an earlier version).

use atelier_shared::protocol::Token;
use atelier_shared::{ParticipantId, WorkshopId};
use dashmap::DashMap;

use crate::secret::{self, Digest, Secret, ServerKey, Stored};

#[derive(Debug)]
pub(super) struct Credentials {
    /// Read on every websocket hello, written on join.
    participants: DashMap<ParticipantId, Credential>,
    /// Derives each workshop's organiser key (read-only access to its reports).
    key: ServerKey,
    /// Organiser keys an earlier version issued and stored (as digests now): they
    /// keep opening their workshop's reports.
    former_organisers: DashMap<WorkshopId, Digest>,
}

#[derive(Debug)]
struct Credential {
    workshop: WorkshopId,
    digest: Digest,
}

impl Credentials {
    pub(super) fn new(key: ServerKey) -> Credentials {
        Credentials {
            participants: DashMap::new(),
            key,
            former_organisers: DashMap::new(),
        }
    }

    /// Takes back a credential the store kept for `workshop`.
    pub(super) fn keep(&self, workshop: WorkshopId, stored: Stored) {
        match stored {
            Stored::Participant(participant, digest) => {
                self.participants
                    .insert(participant, Credential { workshop, digest });
            }
            Stored::Organiser(digest) => {
                self.former_organisers.insert(workshop, digest);
            }
        }
    }

    /// A new token for `participant`, and what the store is to keep of it.
    pub(super) fn issue(&self, workshop: WorkshopId, participant: ParticipantId) -> (Token, Stored) {
        let secret = Secret::generate();
        let token = secret.token_for(participant);
        let digest = secret.digest();
        let stored = Stored::Participant(participant, digest.clone());
        self.participants
            .insert(participant, Credential { workshop, digest });
        (token, stored)
    }

    /// The token of `participant` stops working.
    pub(super) fn forget(&self, participant: &ParticipantId) {
        self.participants.remove(participant);
    }

    /// What opened workshop `id`'s reports stops working.
    pub(super) fn forget_workshop(&self, id: WorkshopId) {
        self.former_organisers.remove(&id);
    }

    /// Every credential of workshop `id` stops working here (it is served elsewhere).
    pub(super) fn forget_all_of(&self, id: WorkshopId) {
        self.participants
            .retain(|_, credential| credential.workshop != id);
        self.former_organisers.remove(&id);
    }

    /// Whose `token` is, and in which workshop, if it is genuine.
    pub(super) fn holder(&self, token: &Token) -> Option<(WorkshopId, ParticipantId)> {
        let (participant, presented) = secret::parse_token(token)?;
        let credential = self.participants.get(&participant)?;
        credential
            .digest
            .proves(&presented)
            .then_some((credential.workshop, participant))
    }

    /// Workshop `id`'s organiser key, in hex: the same every time.
    pub(super) fn organiser_key(&self, id: WorkshopId) -> String {
        self.key.organiser_key(id).hex()
    }

    /// Whether `key` (hex) opens workshop `id`'s reports.
    pub(super) fn opens_reports(&self, id: WorkshopId, key: &str) -> bool {
        Secret::from_hex(key).is_some_and(|presented| {
            let former = self
                .former_organisers
                .get(&id)
                .is_some_and(|digest| digest.proves(&presented));
            self.key.organiser_key(id).matches(&presented) | former
        })
    }
}
