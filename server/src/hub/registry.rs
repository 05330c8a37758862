//! Where every live workshop is: its actor by id, and the join code that opens it.

use atelier_shared::{CampaignId, JoinCode, WorkshopId};
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

use crate::secret;
use crate::workshop::WorkshopHandle;

/// Handles are cloned out and the map guard dropped before any `.await`: a shard
/// lock never crosses a suspension point.
#[derive(Debug, Default)]
pub(super) struct Registry {
    workshops: DashMap<WorkshopId, WorkshopHandle>,
    /// Join code → workshop: read on every join, written once per workshop.
    codes: DashMap<JoinCode, WorkshopId>,
}

impl Registry {
    pub(super) fn insert(&self, handle: WorkshopHandle) {
        self.workshops.insert(handle.id, handle);
    }

    pub(super) fn get(&self, id: WorkshopId) -> Option<WorkshopHandle> {
        self.workshops.get(&id).map(|h| h.clone())
    }

    /// The workshop a code opens, if any.
    pub(super) fn by_code(&self, code: &str) -> Option<WorkshopHandle> {
        let code = JoinCode::parse(code)?;
        let id = *self.codes.get(&code)?;
        self.get(id)
    }

    /// Forgets workshop `id` and its code.
    pub(super) fn remove(&self, id: WorkshopId, code: &JoinCode) {
        self.workshops.remove(&id);
        self.codes.remove(code);
    }

    /// Records `code` as `workshop`'s (a workshop loaded from the store).
    pub(super) fn bind_code(&self, code: JoinCode, workshop: WorkshopId) {
        self.codes.insert(code, workshop);
    }

    /// A join code no live workshop uses, recorded for `workshop`.
    pub(super) fn reserve_code(&self, workshop: WorkshopId) -> JoinCode {
        loop {
            if let Entry::Vacant(slot) = self.codes.entry(secret::new_join_code()) {
                let code = slot.key().clone();
                slot.insert(workshop);
                return code;
            }
        }
    }

    /// Gives back a code reserved for a workshop that was not made after all.
    pub(super) fn release_code(&self, code: &JoinCode) {
        self.codes.remove(code);
    }

    /// The other live workshops of `campaign`.
    pub(super) fn campaign(&self, campaign: CampaignId, except: WorkshopId) -> Vec<WorkshopHandle> {
        self.workshops
            .iter()
            .filter(|h| h.campaign == campaign && h.id != except)
            .map(|h| h.clone())
            .collect()
    }

    /// Every live workshop.
    pub(super) fn all(&self) -> Vec<WorkshopHandle> {
        self.workshops.iter().map(|h| h.clone()).collect()
    }

    pub(super) fn len(&self) -> usize {
        self.workshops.len()
    }
}
