//! Several nodes on one shared store (PostgreSQL): a node serves the workshops the
//! proxy sends it, taking each from the store when first asked for it (its lease
//! taken, its events replayed), and hands one over when another node asks for it.
//! With the embedded store every workshop is loaded at start-up and none of this
//! runs.
//!
//! - [`Hub::find`]: the actor of a workshop, summoned from the store if need be.
//! - [`Hub::authenticate_anywhere`]: a token, whichever workshop it opens.
//! - [`Hub::serve_handovers`]: closes what other nodes ask for, then releases it.
//! - `campaign_everywhere`: a campaign's workshops, whichever node serves them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use atelier_shared::protocol::{ErrorCode, Token};
use atelier_shared::{ParticipantId, Workshop, WorkshopId};
use tokio::sync::mpsc::UnboundedReceiver;

use super::{Hub, HubError};
use crate::secret::{self, Stored};
use crate::store::{Acquired, Committer, Locate, StoreError};
use crate::workshop::WorkshopHandle;

/// How often a node asks again for a workshop another node is handing over.
const ASK_AGAIN: Duration = Duration::from_millis(100);

impl Hub {
    /// Whether workshops live in a store shared with other nodes.
    pub fn shared_store(&self) -> bool {
        self.config.store_url.is_some()
    }

    /// The store, when it is shared with other nodes.
    fn shared(&self) -> Option<Committer> {
        self.store.clone().filter(|_| self.shared_store())
    }

    /// The actor of workshop `id`: running here, or taken from the shared store.
    /// With `wait`, a workshop another node serves is asked for and waited for (as
    /// long as a lost node's lease lasts, and a little more): the proxy sent it here,
    /// so here it goes. Without, the answer is [`HubError::Elsewhere`] at once.
    pub async fn find(&self, id: WorkshopId, wait: bool) -> Result<WorkshopHandle, HubError> {
        if let Some(handle) = self.registry.get(id).filter(|h| !h.is_closed()) {
            return Ok(handle);
        }
        let Some(store) = self.shared() else {
            return Err(HubError::NoSuchWorkshop);
        };
        // One summons per workshop at a time: a room reconnecting at once waits for
        // the first of its members' summons.
        let gate = Arc::clone(&self.summoning.entry(id).or_default());
        let _turn = gate.lock().await;
        if let Some(handle) = self.registry.get(id).filter(|h| !h.is_closed()) {
            return Ok(handle);
        }
        let deadline = Instant::now() + self.config.leases.ttl + Duration::from_secs(1);
        loop {
            match store.ask(move |store| store.acquire(id, wait)).await {
                Ok(Acquired::Here(found)) => {
                    let (workshop, credentials, receipts) = *found;
                    tracing::info!(workshop = %id, seq = workshop.seq, "workshop taken from the shared store");
                    self.registry.bind_code(workshop.code.clone(), id);
                    for credential in credentials {
                        self.credentials.keep(id, credential);
                    }
                    self.start(workshop, receipts);
                    return self.registry.get(id).ok_or(HubError::Internal);
                }
                Ok(Acquired::Absent) => return Err(HubError::NoSuchWorkshop),
                Ok(Acquired::Elsewhere) if !wait => return Err(HubError::Elsewhere(id)),
                Ok(Acquired::Elsewhere) if Instant::now() >= deadline => return Err(HubError::Moving),
                Ok(Acquired::Elsewhere) => tokio::time::sleep(ASK_AGAIN).await,
                Err(error) => {
                    tracing::error!(workshop = %id, "{error}");
                    return Err(HubError::Unavailable);
                }
            }
        }
    }

    /// Who `token` belongs to, its workshop summoned here if no node serves it, or
    /// asked of the node that does when the proxy `routed` the request here by it.
    /// (A client that does not name its workshop must not pull it away from the
    /// node the proxy sends everyone else to: it is told to come back.)
    pub async fn authenticate_anywhere(
        &self,
        token: &Token,
        routed: Option<WorkshopId>,
    ) -> Result<(WorkshopHandle, ParticipantId), HubError> {
        // A token opens its own workshop only: naming another in the URL (to have
        // the proxy send it elsewhere) is refused like an unknown token.
        let mismatched = |id: WorkshopId| routed.is_some_and(|named| named != id);
        if let Some(found) = self.authenticate(token).filter(|(h, _)| !h.is_closed()) {
            if mismatched(found.0.id) {
                return Err(HubError::NoSuchWorkshop);
            }
            return Ok(found);
        }
        let (Some(store), Some((participant, secret))) = (self.shared(), secret::parse_token(token)) else {
            return Err(HubError::NoSuchWorkshop);
        };
        let stored = Stored::participant(participant, &secret).to_text();
        let located = store
            .ask(move |store| store.locate(&Locate::Credential(stored)))
            .await
            .map_err(|_| HubError::Unavailable)?;
        let id = located.ok_or(HubError::NoSuchWorkshop)?;
        if mismatched(id) {
            return Err(HubError::NoSuchWorkshop);
        }
        self.find(id, routed == Some(id)).await?;
        self.authenticate(token).ok_or(HubError::NoSuchWorkshop)
    }

    /// The workshop a join code opens in the shared store, when no workshop here
    /// has it.
    pub(super) async fn locate_code(&self, code: &str) -> Result<Option<WorkshopId>, HubError> {
        let (Some(store), Some(code)) = (self.shared(), atelier_shared::JoinCode::parse(code)) else {
            return Ok(None);
        };
        store
            .ask(move |store| store.locate(&Locate::Code(code)))
            .await
            .map_err(|_| HubError::Unavailable)
    }

    /// Workshop `id` to read (a report): as it stands here, or, served by another
    /// node, as the store last holds it. Reading never moves a workshop.
    pub(super) async fn workshop_anywhere(&self, id: WorkshopId) -> Result<Workshop, HubError> {
        let handle = match self.find(id, false).await {
            Ok(handle) => Some(handle),
            Err(HubError::Elsewhere(_)) => None,
            Err(other) => return Err(other),
        };
        if let Some(handle) = handle {
            return Ok(handle
                .inspect()
                .await
                .map_err(|_| HubError::Unavailable)?
                .workshop);
        }
        let store = self.store.clone().ok_or(HubError::NoSuchWorkshop)?;
        store
            .ask(move |store| store.peek(id))
            .await
            .map_err(|_| HubError::Unavailable)?
            .ok_or(HubError::NoSuchWorkshop)
    }

    /// Whether `token` is the lead's of `workshop`, wherever it is served.
    pub(super) async fn is_lead_anywhere(&self, workshop: &Workshop, token: &Token) -> bool {
        let Some((participant, secret)) = secret::parse_token(token) else {
            return false;
        };
        let genuine = match self.authenticate(token) {
            Some((handle, who)) => handle.id == workshop.id && who == participant,
            None => match self.shared() {
                Some(store) => {
                    let stored = Stored::participant(participant, &secret).to_text();
                    store
                        .ask(move |store| store.locate(&Locate::Credential(stored)))
                        .await
                        .is_ok_and(|found| found == Some(workshop.id))
                }
                None => false,
            },
        };
        genuine
            && workshop
                .participants
                .get(&participant)
                .is_some_and(|p| p.role == atelier_shared::Role::Lead)
    }

    /// Every workshop of `workshop`'s campaign, whichever node serves it: those served
    /// here as they stand, the others as the store last holds them (everything their
    /// nodes acknowledged).
    pub(super) async fn campaign_everywhere(&self, workshop: Workshop) -> Result<Vec<Workshop>, HubError> {
        let Some(store) = self.store.clone() else {
            return Ok(vec![workshop]);
        };
        let campaign = workshop.campaign;
        let stored = store
            .ask(move |store| store.campaign(campaign))
            .await
            .map_err(|_| HubError::Unavailable)?;
        let mut workshops = vec![workshop];
        for other in stored {
            if workshops[0].id == other.id {
                continue;
            }
            let live = match self.registry.get(other.id).filter(|h| !h.is_closed()) {
                Some(handle) => handle.inspect().await.ok().map(|i| i.workshop),
                None => None,
            };
            workshops.push(live.unwrap_or(other));
        }
        workshops.sort_by_key(|w| (w.created, w.id));
        Ok(workshops)
    }

    /// Hands over each workshop another node asks for: its connections are told to
    /// come back (through the proxy, to the node that asked), its actor stops once
    /// what it acknowledged is written, then its lease is released.
    pub async fn serve_handovers(self: Arc<Self>, mut asked: UnboundedReceiver<WorkshopId>) {
        while let Some(id) = asked.recv().await {
            // Not served here (any more), its lease may still be this node's: one it
            // had just made, or one an earlier process of this node left.
            if let Some(handle) = self.registry.get(id) {
                let code = handle.inspect().await.ok().map(|i| i.workshop.code);
                let _ = handle.close(ErrorCode::Moving).await;
                if let Some(code) = code {
                    self.registry.remove(id, &code);
                }
            }
            self.credentials.forget_all_of(id);
            if let Some(store) = &self.store {
                match store.ask(move |store| store.release(id)).await {
                    Ok(()) => {
                        tracing::info!(workshop = %id, "workshop handed over to the node that asked for it")
                    }
                    Err(error) => {
                        tracing::warn!(workshop = %id, "not released ({error}): its lease expires by itself")
                    }
                }
            }
        }
    }

    /// Releases workshops just made, so that the node the proxy sends them to takes
    /// them at once (shared store only).
    pub(super) async fn let_go(&self, ids: Vec<WorkshopId>) {
        let Some(store) = self.shared() else {
            return;
        };
        let released = store
            .ask(move |store| {
                for id in ids {
                    store.release(id)?;
                }
                Ok::<(), StoreError>(())
            })
            .await;
        if let Err(error) = released {
            tracing::warn!("new workshops not released ({error}): their leases expire by themselves");
        }
    }
}
