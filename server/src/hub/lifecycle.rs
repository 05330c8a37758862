//! What organisers and participants do to workshops as a whole: create one (from a
//! template, or continuing a campaign), import an archive, join with a code, read
//! the reports, delete.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use atelier_shared::api::{Archive, CreateWorkshop, Created, Imported, Joined};
use atelier_shared::machine::{self, NewRoom, NewWorkshop};
use atelier_shared::model::Settings;
use atelier_shared::protocol::{ErrorCode, Token};
use atelier_shared::template::Setup;
use atelier_shared::{
    Actor, CampaignId, Command, Event, Lang, ParticipantId, Role, RoomId, Workshop, WorkshopId,
};
use uuid::Uuid;

use super::{Hub, HubError};
use crate::catalog::DEFAULT_TEMPLATE;
use crate::clock;
use crate::export::archive;
use crate::store::{Receipts, Record};
use crate::workshop::WorkshopHandle;

impl Hub {
    /// Creates a workshop from a template, with its lead facilitator, and starts its
    /// actor. Continuing a campaign, it starts from what the earlier workshop retained.
    pub async fn create_workshop(&self, request: CreateWorkshop) -> Result<Created, HubError> {
        let key = request.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
        let lang = Lang::requested(request.lang.as_deref()).map_err(HubError::BadRequest)?;
        let template = self
            .catalog
            .template(key, lang)
            .ok_or(HubError::UnknownTemplate)?;
        let source = match &request.from {
            Some(from) => Some(self.led_workshop(from.workshop, &from.token).await?.0),
            None => None,
        };
        let id = WorkshopId(Uuid::new_v4());
        let lead = ParticipantId(Uuid::new_v4());
        let now = clock::now();
        let rooms: Vec<NewRoom> = if !request.rooms.is_empty() {
            request
                .rooms
                .into_iter()
                .map(|r| (r.name, r.territory))
                .map(new_room)
                .collect()
        } else if let Some(source) = &source {
            source
                .rooms
                .iter()
                .map(|r| (r.name.clone(), r.territory.clone()))
                .map(new_room)
                .collect()
        } else {
            template
                .rooms
                .iter()
                .map(|r| (r.name.clone(), r.territory.clone()))
                .map(new_room)
                .collect()
        };
        let setup = Setup {
            workshop: id,
            lead,
            now,
            rooms: &rooms,
            custom_columns: &request.columns,
            source: source.as_ref(),
        };
        let instance = template
            .instantiate(setup, &|file| self.catalog.map(file))
            .map_err(|e| {
                tracing::error!(template = key, "template failed: {e}");
                HubError::Internal
            })?;
        let code = self.registry.reserve_code(id);
        let spec = NewWorkshop {
            id,
            campaign: source
                .as_ref()
                .map_or_else(|| CampaignId(Uuid::new_v4()), |s| s.campaign),
            origin: source.as_ref().map(|s| s.id),
            template: template.key.clone(),
            code: code.clone(),
            title: request.title.unwrap_or_else(|| template.title.clone()),
            settings: Settings::default(),
            rooms,
            columns: instance.columns,
            steps: instance.steps,
            notes: instance.notes,
            lead,
            lead_name: request.facilitator_name,
            now,
        };
        let workshop = machine::create(spec).inspect_err(|_| {
            self.registry.release_code(&code);
        })?;
        let created = self.launch(vec![(workshop, lead)]).await?;
        created.into_iter().next().ok_or(HubError::Internal)
    }

    /// New workshops, their codes reserved, each given a token for its lead: durable,
    /// all of them or none, before anyone hears of them, then started. If the store
    /// cannot write, their codes and tokens are released.
    async fn launch(&self, workshops: Vec<(Workshop, ParticipantId)>) -> Result<Vec<Created>, HubError> {
        let mut created = Vec::with_capacity(workshops.len());
        let mut records = Vec::with_capacity(2 * workshops.len());
        for (workshop, lead) in &workshops {
            let (token, stored) = self.credentials.issue(workshop.id, *lead);
            records.push(Record::Created {
                workshop: Box::new(workshop.clone()),
            });
            records.push(Record::Credential {
                workshop: workshop.id,
                credential: stored,
            });
            created.push(Created {
                workshop: workshop.id,
                join_url: format!("{}/j/{}", self.public_url, workshop.code),
                code: workshop.code.clone(),
                facilitator: *lead,
                facilitator_secret: token,
            });
        }
        if let Err(error) = self.persist(records).await {
            for (workshop, lead) in &workshops {
                self.registry.release_code(&workshop.code);
                self.credentials.forget(lead);
            }
            return Err(error);
        }
        if self.shared_store() {
            // The proxy sends each to the node it belongs with, which takes it then.
            self.let_go(workshops.iter().map(|(w, _)| w.id).collect()).await;
        } else {
            for (workshop, _) in workshops {
                self.start(workshop, Receipts::default());
            }
        }
        Ok(created)
    }

    /// The state and the actor of workshop `id`, if `token` is its lead's.
    async fn led_workshop(
        &self,
        id: WorkshopId,
        token: &Token,
    ) -> Result<(Workshop, WorkshopHandle), HubError> {
        // Requests that name a workshop by its id are routed by it.
        let (handle, participant) = match self.authenticate_anywhere(token, Some(id)).await {
            Ok(found) => found,
            Err(HubError::NoSuchWorkshop) => return Err(HubError::NotFacilitator),
            Err(other) => return Err(other),
        };
        if handle.id != id {
            return Err(HubError::NotFacilitator);
        }
        let workshop = handle
            .inspect()
            .await
            .map_err(|_| HubError::Unavailable)?
            .workshop;
        let is_lead = workshop
            .participants
            .get(&participant)
            .is_some_and(|p| p.role == Role::Lead);
        if is_lead {
            Ok((workshop, handle))
        } else {
            Err(HubError::NotFacilitator)
        }
    }

    /// Deletes workshop `id` for good, if `token` is its lead's: its connections are
    /// closed, then the store forgets it, then its code and tokens stop working.
    pub async fn delete_workshop(&self, id: WorkshopId, token: &Token) -> Result<(), HubError> {
        let (workshop, handle) = self.led_workshop(id, token).await?;
        handle
            .close(ErrorCode::WorkshopDeleted)
            .await
            .map_err(|_| HubError::Unavailable)?;
        // The actor has stopped: no event of this workshop can follow the deletion.
        // Should this write fail, the workshop is back at the next start-up, whole.
        self.persist(vec![Record::Deleted { workshop: id }]).await?;
        self.registry.remove(id, &workshop.code);
        self.credentials.forget_workshop(id);
        for participant in workshop.participants.keys() {
            self.credentials.forget(participant);
        }
        Ok(())
    }

    /// The organiser key of workshop `id`, for its lead to hand on: the same every
    /// time they ask. Nothing is stored: the key is derived from the server's.
    pub async fn organiser_key(&self, id: WorkshopId, token: &Token) -> Result<String, HubError> {
        self.led_workshop(id, token).await?;
        Ok(self.credentials.organiser_key(id))
    }

    /// Workshop `id` as it stands, for whoever presents its organiser key or its
    /// lead's token; anyone else, and any unknown workshop, gets the same refusal.
    pub async fn readable_workshop(
        &self,
        id: WorkshopId,
        key: Option<&str>,
        lead: Option<&Token>,
    ) -> Result<Workshop, HubError> {
        // Either credential opens it: a stale organiser cookie does not lock the
        // lead out of their own report.
        if key.is_some_and(|key| self.credentials.opens_reports(id, key)) {
            return match self.workshop_anywhere(id).await {
                Err(HubError::NoSuchWorkshop) => Err(HubError::NoAccess),
                other => other,
            };
        }
        let Some(token) = lead else {
            return Err(HubError::NoAccess);
        };
        // Read where the request landed: with several nodes, a report never moves
        // the workshop away from the node its people are on.
        let workshop = match self.workshop_anywhere(id).await {
            Err(HubError::NoSuchWorkshop) => return Err(HubError::NoAccess),
            other => other?,
        };
        if self.is_lead_anywhere(&workshop, token).await {
            Ok(workshop)
        } else {
            Err(HubError::NoAccess)
        }
    }

    /// Every live workshop of `workshop`'s campaign, itself included, in the order
    /// they were created.
    pub async fn campaign_of(&self, workshop: Workshop) -> Result<Vec<Workshop>, HubError> {
        if self.shared_store() {
            return self.campaign_everywhere(workshop).await;
        }
        let others = self.registry.campaign(workshop.campaign, workshop.id);
        let mut workshops = vec![workshop];
        for handle in others {
            // A workshop deleted meanwhile is simply not part of it any more.
            if let Ok(inspection) = handle.inspect().await {
                workshops.push(inspection.workshop);
            }
        }
        workshops.sort_by_key(|w| (w.created, w.id));
        Ok(workshops)
    }

    /// Starts the workshops of a JSON archive anew, each with a new code and its
    /// lead's new token (see `export::archive`).
    pub async fn import(&self, archive: Archive) -> Result<Imported, HubError> {
        let workshops = archive::prepare(archive, clock::now(), Uuid::new_v4)
            .map_err(|e| HubError::BadRequest(e.to_string()))?;
        let mut ready = Vec::with_capacity(workshops.len());
        for mut workshop in workshops {
            let lead = archive::lead(&workshop).ok_or(HubError::Internal)?;
            workshop.code = self.registry.reserve_code(workshop.id);
            ready.push((workshop, lead));
        }
        Ok(Imported {
            workshops: self.launch(ready).await?,
        })
    }

    /// A turn to read an archive; others wait for theirs, for a while.
    pub async fn import_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, HubError> {
        let wait = Duration::from_secs(30);
        match tokio::time::timeout(wait, self.imports.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(HubError::Unavailable),
        }
    }

    /// The workshop `code` opens, for a request from `ip`. Codes that open nothing
    /// count against the address's allowance of guesses. Once it is spent, a code
    /// opens only if this network had already shown it knows its workshop (see
    /// [`crate::guard::Known`]); any other code, right or wrong, waits for the
    /// allowance to come back, so that guessing learns nothing.
    ///
    /// With a shared store, a code no workshop here has is looked up in the store,
    /// and a request the proxy did not route by the code's workshop is sent to ask
    /// again naming it ([`HubError::Elsewhere`]), after the guess is counted: the
    /// workshop then lives where the proxy sends its people.
    pub async fn open_code(
        &self,
        ip: IpAddr,
        code: &str,
        routed: Option<WorkshopId>,
    ) -> Result<WorkshopHandle, HubError> {
        let now = Instant::now();
        let guesses = &self.guards.code_guesses;
        let local = self.by_code(code).filter(|h| !h.is_closed());
        let found = match &local {
            Some(handle) => Some(handle.id),
            None => self.locate_code(code).await?,
        };
        if let Err(wait) = guesses.check(ip, now) {
            if !found.is_some_and(|id| self.guards.known.knows(ip, id, now)) {
                return Err(HubError::TooManyRequests { wait });
            }
        } else if found.is_none() {
            return match guesses.take(ip, now) {
                Ok(()) => Err(HubError::UnknownCode),
                Err(wait) => Err(HubError::TooManyRequests { wait }),
            };
        }
        let Some(id) = found else {
            return Err(HubError::UnknownCode);
        };
        self.guards.known.remember(ip, id, now);
        if self.shared_store() && routed != Some(id) {
            // The proxy sends the request, named by its workshop, to the node the
            // workshop belongs with (even when it is here: it may be due back there).
            return Err(HubError::Elsewhere(id));
        }
        match local {
            Some(handle) => Ok(handle),
            None => self.find(id, true).await,
        }
    }

    /// Admits `name` into the workshop with `code` and gives them their token.
    pub async fn join(
        &self,
        ip: IpAddr,
        code: &str,
        name: &str,
        routed: Option<WorkshopId>,
    ) -> Result<Joined, HubError> {
        // The code first: a join sent on to its workshop's node (several nodes) is
        // counted once, there; an unknown code costs a guess instead.
        let handle = self.open_code(ip, code, routed).await?;
        self.guards
            .joins
            .take(ip, Instant::now())
            .map_err(|wait| HubError::TooManyRequests { wait })?;
        let participant = ParticipantId(Uuid::new_v4());
        // The credential is durable before the participant exists: a crash in between
        // leaves a credential nobody was given (harmless), never a participant nobody
        // can be, whose name would then be taken for good.
        let (token, stored) = self.credentials.issue(handle.id, participant);
        let record = Record::Credential {
            workshop: handle.id,
            credential: stored,
        };
        let admit = Command::Admit {
            participant,
            name: name.to_owned(),
            role: Role::Participant,
        };
        let admitted = match self.persist(vec![record]).await {
            Ok(()) => match handle.command(Actor::System, admit).await {
                Ok(Ok(events)) => Ok(events),
                Ok(Err(rejection)) => Err(HubError::Rejected(rejection)),
                Err(_) => Err(HubError::Unavailable),
            },
            Err(error) => Err(error),
        };
        let events = admitted.inspect_err(|_| {
            self.credentials.forget(&participant);
        })?;
        let room = events.iter().find_map(|e| match e {
            Event::ParticipantJoined { participant: p } if p.id == participant => p.room,
            _ => None,
        });
        Ok(Joined {
            workshop: handle.id,
            participant,
            room,
            token,
        })
    }
}

fn new_room((name, territory): (String, Option<String>)) -> NewRoom {
    NewRoom {
        id: RoomId(Uuid::new_v4()),
        name,
        territory,
    }
}
