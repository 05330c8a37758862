//! The server's shared state: where every live workshop is, who holds which
//! credential, how many connections are open. Handed to handlers as `Arc<Hub>`.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use atelier_shared::api::{Archive, CreateWorkshop, Created, Imported, Joined};
use atelier_shared::machine::{self, NewRoom, NewWorkshop};
use atelier_shared::model::Settings;
use atelier_shared::protocol::{ErrorCode, Token};
use atelier_shared::template::Setup;
use atelier_shared::{
    Actor, CampaignId, Command, Event, JoinCode, ParticipantId, Role, RoomId, Workshop, WorkshopId,
};
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use tokio::sync::watch;
use uuid::Uuid;

use crate::catalog::{Catalog, DEFAULT_TEMPLATE};
use crate::clock;
use crate::config::Config;
use crate::export::{Lang, archive};
use crate::guard::Guards;
use crate::http::error::ApiError;
use crate::secret::{self, Digest, Secret, ServerKey, Stored};
use crate::store::{Committer, Loaded, Receipts, Record};
use crate::workshop::{self, ConnId, WorkshopHandle};

#[derive(Debug)]
pub struct Hub {
    pub config: Config,
    /// The templates and maps workshops are made from (read-only).
    pub catalog: Catalog,
    /// The resolved address people reach us at (for join links).
    pub public_url: String,
    /// Every live workshop's actor. Handles are cloned out and the map guard dropped
    /// before any `.await`: a shard lock never crosses a suspension point.
    workshops: DashMap<WorkshopId, WorkshopHandle>,
    /// Join code → workshop: read on every join, written once per workshop.
    codes: DashMap<JoinCode, WorkshopId>,
    /// Who holds which credential: read on every websocket hello, written on join.
    credentials: DashMap<ParticipantId, Credential>,
    /// Derives each workshop's organiser key (read-only access to its reports).
    key: ServerKey,
    /// Organiser keys an earlier version issued and stored (as digests now): they
    /// keep opening their workshop's reports.
    former_organisers: DashMap<WorkshopId, Digest>,
    /// Live websocket connections; a watch so that tests and health checks can wait
    /// for it to change instead of polling.
    connections: watch::Sender<usize>,
    next_conn: AtomicU64,
    /// Flipped once at shutdown; every connection watches it and says goodbye.
    shutdown: watch::Sender<bool>,
    /// Where workshops are made durable; `None`: in memory only.
    store: Option<Committer>,
    /// Paces and counts per network address.
    pub guards: Guards,
    /// One archive is read and checked at a time: what imports hold in memory is
    /// bounded by one archive, however many arrive at once.
    imports: tokio::sync::Semaphore,
}

#[derive(Debug)]
struct Credential {
    workshop: WorkshopId,
    digest: Digest,
}

/// A connection's claim on the connection budget, the server's and its address's;
/// gives both back when dropped.
#[derive(Debug)]
pub struct ConnectionSlot<'a> {
    hub: &'a Hub,
    ip: IpAddr,
    pub id: ConnId,
}

impl Drop for ConnectionSlot<'_> {
    fn drop(&mut self) {
        self.hub.guards.connections.close(self.ip);
        self.hub.connections.send_modify(|n| *n -= 1);
    }
}

/// Why a connection was not admitted.
#[derive(Debug, PartialEq, Eq)]
pub enum Full {
    Server,
    Address,
}

impl Hub {
    pub fn new(config: Config, public_url: String, store: Option<Committer>, key: ServerKey) -> Hub {
        Hub {
            catalog: Catalog::builtin(),
            public_url,
            workshops: DashMap::new(),
            codes: DashMap::new(),
            credentials: DashMap::new(),
            key,
            former_organisers: DashMap::new(),
            connections: watch::Sender::new(0),
            next_conn: AtomicU64::new(1),
            shutdown: watch::Sender::new(false),
            store,
            guards: Guards::new(&config.limits),
            imports: tokio::sync::Semaphore::new(1),
            config,
        }
    }

    /// Starts the actors of workshops loaded from the store, with their codes and
    /// credentials; returns how many.
    pub fn restore(&self, loaded: Loaded) -> usize {
        let count = loaded.workshops.len();
        let mut receipts = loaded.receipts;
        for workshop in loaded.workshops {
            self.codes.insert(workshop.code.clone(), workshop.id);
            let receipts = receipts.remove(&workshop.id).unwrap_or_default();
            self.start(workshop, receipts);
        }
        for (workshop, stored) in loaded.credentials {
            match Stored::parse(&stored) {
                Some(Stored::Participant(participant, digest)) => {
                    self.credentials
                        .insert(participant, Credential { workshop, digest });
                }
                Some(Stored::Organiser(digest)) => {
                    self.former_organisers.insert(workshop, digest);
                }
                None => tracing::warn!(%workshop, "a stored credential of an unknown form is ignored"),
            }
        }
        count
    }

    /// Closes the store once what was submitted is written, releasing its lock (at
    /// shutdown, or to start another hub on the same data directory). Workshops
    /// that write afterwards stop: this hub is done.
    pub fn close(&self) {
        if let Some(store) = &self.store {
            store.close();
        }
    }

    /// Makes `records` durable, when there is a store.
    async fn persist(&self, records: Vec<Record>) -> Result<(), ApiError> {
        let Some(store) = &self.store else { return Ok(()) };
        store.commit(records).await.map_err(|error| {
            tracing::error!("{error}");
            ApiError::Unavailable
        })
    }

    /// Creates a workshop from a template, with its lead facilitator, and starts its
    /// actor. Continuing a campaign, it starts from what the earlier workshop retained.
    pub async fn create_workshop(&self, request: CreateWorkshop) -> Result<Created, ApiError> {
        let key = request.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
        let lang = Lang::requested(request.lang.as_deref()).map_err(ApiError::BadRequest)?;
        let template = self
            .catalog
            .template(key, lang)
            .ok_or(ApiError::UnknownTemplate)?;
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
                ApiError::Internal
            })?;
        let code = self.reserve_code(id);
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
            self.codes.remove(&code);
        })?;
        let created = self.launch(vec![(workshop, lead)]).await?;
        created.into_iter().next().ok_or(ApiError::Internal)
    }

    /// Starts the actor of a workshop the store already holds.
    fn start(&self, workshop: Workshop, receipts: Receipts) {
        let handle = workshop::spawn(workshop, receipts, &self.config.limits, self.store.clone());
        self.workshops.insert(handle.id, handle);
    }

    /// New workshops, their codes reserved, each given a token for its lead: durable,
    /// all of them or none, before anyone hears of them, then started. If the store
    /// cannot write, their codes and tokens are released.
    async fn launch(&self, workshops: Vec<(Workshop, ParticipantId)>) -> Result<Vec<Created>, ApiError> {
        let mut created = Vec::with_capacity(workshops.len());
        let mut records = Vec::with_capacity(2 * workshops.len());
        for (workshop, lead) in &workshops {
            let (token, stored) = self.issue_credential(workshop.id, *lead);
            records.push(Record::Created {
                workshop: Box::new(workshop.clone()),
            });
            records.push(Record::Credential {
                workshop: workshop.id,
                stored,
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
                self.codes.remove(&workshop.code);
                self.credentials.remove(lead);
            }
            return Err(error);
        }
        for (workshop, _) in workshops {
            self.start(workshop, Receipts::default());
        }
        Ok(created)
    }

    /// The state and the actor of workshop `id`, if `token` is its lead's.
    async fn led_workshop(
        &self,
        id: WorkshopId,
        token: &Token,
    ) -> Result<(Workshop, WorkshopHandle), ApiError> {
        let (handle, participant) = self.authenticate(token).ok_or(ApiError::NotFacilitator)?;
        if handle.id != id {
            return Err(ApiError::NotFacilitator);
        }
        let workshop = handle
            .inspect()
            .await
            .map_err(|_| ApiError::Unavailable)?
            .workshop;
        let is_lead = workshop
            .participants
            .get(&participant)
            .is_some_and(|p| p.role == Role::Lead);
        if is_lead {
            Ok((workshop, handle))
        } else {
            Err(ApiError::NotFacilitator)
        }
    }

    /// Deletes workshop `id` for good, if `token` is its lead's: its connections are
    /// closed, then the store forgets it, then its code and tokens stop working.
    pub async fn delete_workshop(&self, id: WorkshopId, token: &Token) -> Result<(), ApiError> {
        let (workshop, handle) = self.led_workshop(id, token).await?;
        handle
            .close(ErrorCode::WorkshopDeleted)
            .await
            .map_err(|_| ApiError::Unavailable)?;
        // The actor has stopped: no event of this workshop can follow the deletion.
        // Should this write fail, the workshop is back at the next start-up, whole.
        self.persist(vec![Record::Deleted { workshop: id }]).await?;
        self.workshops.remove(&id);
        self.former_organisers.remove(&id);
        self.codes.remove(&workshop.code);
        for participant in workshop.participants.keys() {
            self.credentials.remove(participant);
        }
        Ok(())
    }

    /// The organiser key of workshop `id`, for its lead to hand on: the same every
    /// time they ask. Nothing is stored: the key is derived from the server's.
    pub async fn organiser_key(&self, id: WorkshopId, token: &Token) -> Result<String, ApiError> {
        self.led_workshop(id, token).await?;
        Ok(self.key.organiser_key(id).hex())
    }

    /// Workshop `id` as it stands, for whoever presents its organiser key or its
    /// lead's token; anyone else, and any unknown workshop, gets the same refusal.
    pub async fn readable_workshop(
        &self,
        id: WorkshopId,
        key: Option<&str>,
        lead: Option<&Token>,
    ) -> Result<Workshop, ApiError> {
        // Either credential opens it: a stale organiser cookie does not lock the
        // lead out of their own report.
        let genuine = key.and_then(Secret::from_hex).is_some_and(|presented| {
            let former = self
                .former_organisers
                .get(&id)
                .is_some_and(|digest| digest.proves(&presented));
            self.key.organiser_key(id).matches(&presented) | former
        });
        if genuine {
            let handle = self.workshop(id).ok_or(ApiError::NoAccess)?;
            return Ok(handle
                .inspect()
                .await
                .map_err(|_| ApiError::Unavailable)?
                .workshop);
        }
        match lead {
            Some(token) => match self.led_workshop(id, token).await {
                Ok((workshop, _)) => Ok(workshop),
                Err(ApiError::NotFacilitator) => Err(ApiError::NoAccess),
                Err(other) => Err(other),
            },
            None => Err(ApiError::NoAccess),
        }
    }

    /// Every live workshop of `workshop`'s campaign, itself included, in the order
    /// they were created.
    pub async fn campaign_of(&self, workshop: Workshop) -> Result<Vec<Workshop>, ApiError> {
        let others: Vec<WorkshopHandle> = self
            .workshops
            .iter()
            .filter(|h| h.campaign == workshop.campaign && h.id != workshop.id)
            .map(|h| h.clone())
            .collect();
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
    pub async fn import(&self, archive: Archive) -> Result<Imported, ApiError> {
        let workshops = archive::prepare(archive, clock::now(), Uuid::new_v4)
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let mut ready = Vec::with_capacity(workshops.len());
        for mut workshop in workshops {
            let lead = archive::lead(&workshop).ok_or(ApiError::Internal)?;
            workshop.code = self.reserve_code(workshop.id);
            ready.push((workshop, lead));
        }
        Ok(Imported {
            workshops: self.launch(ready).await?,
        })
    }

    /// A turn to read an archive; others wait for theirs, for a while.
    pub async fn import_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        let wait = Duration::from_secs(30);
        match tokio::time::timeout(wait, self.imports.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(ApiError::Unavailable),
        }
    }

    /// The workshop `code` opens, for a request from `ip`. Codes that open nothing
    /// count against the address's allowance of guesses. Once it is spent, a code
    /// opens only if this network had already shown it knows its workshop (see
    /// [`crate::guard::Known`]); any other code, right or wrong, waits for the
    /// allowance to come back, so that guessing learns nothing.
    pub fn open_code(&self, ip: IpAddr, code: &str) -> Result<WorkshopHandle, ApiError> {
        let now = Instant::now();
        let guesses = &self.guards.code_guesses;
        let found = self.by_code(code);
        if let Err(wait) = guesses.check(ip, now) {
            return match found {
                Some(handle) if self.guards.known.knows(ip, handle.id, now) => Ok(handle),
                _ => Err(ApiError::too_many_requests(wait)),
            };
        }
        match found {
            Some(handle) => {
                self.guards.known.remember(ip, handle.id, now);
                Ok(handle)
            }
            None => match guesses.take(ip, now) {
                Ok(()) => Err(ApiError::UnknownCode),
                Err(wait) => Err(ApiError::too_many_requests(wait)),
            },
        }
    }

    /// Admits `name` into the workshop with `code` and gives them their token.
    pub async fn join(&self, ip: IpAddr, code: &str, name: &str) -> Result<Joined, ApiError> {
        self.guards
            .joins
            .take(ip, Instant::now())
            .map_err(ApiError::too_many_requests)?;
        let handle = self.open_code(ip, code)?;
        let participant = ParticipantId(Uuid::new_v4());
        // The credential is durable before the participant exists: a crash in between
        // leaves a credential nobody was given (harmless), never a participant nobody
        // can be, whose name would then be taken for good.
        let (token, stored) = self.issue_credential(handle.id, participant);
        let record = Record::Credential {
            workshop: handle.id,
            stored,
        };
        let admit = Command::Admit {
            participant,
            name: name.to_owned(),
            role: Role::Participant,
        };
        let admitted = match self.persist(vec![record]).await {
            Ok(()) => match handle.command(Actor::System, admit).await {
                Ok(Ok(events)) => Ok(events),
                Ok(Err(rejection)) => Err(ApiError::Rejected(rejection)),
                Err(_) => Err(ApiError::Unavailable),
            },
            Err(error) => Err(error),
        };
        let events = admitted.inspect_err(|_| {
            self.credentials.remove(&participant);
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

    /// The workshop a code opens, if any.
    pub fn by_code(&self, code: &str) -> Option<WorkshopHandle> {
        let code = JoinCode::parse(code)?;
        let id = *self.codes.get(&code)?;
        self.workshop(id)
    }

    pub fn workshop(&self, id: WorkshopId) -> Option<WorkshopHandle> {
        self.workshops.get(&id).map(|h| h.clone())
    }

    /// Who a token belongs to, if it is genuine.
    pub fn authenticate(&self, token: &Token) -> Option<(WorkshopHandle, ParticipantId)> {
        let (participant, presented) = secret::parse_token(token)?;
        let workshop = {
            let credential = self.credentials.get(&participant)?;
            if !credential.digest.proves(&presented) {
                return None;
            }
            credential.workshop
        };
        Some((self.workshop(workshop)?, participant))
    }

    /// Takes a connection slot for a client at `ip`, unless the server, or that
    /// address's share of it, is full.
    pub fn open_connection(&self, ip: IpAddr) -> Result<ConnectionSlot<'_>, Full> {
        if !self.guards.connections.open(ip) {
            return Err(Full::Address);
        }
        let limit = self.config.limits.max_connections;
        let admitted = self.connections.send_if_modified(|n| {
            let room = *n < limit;
            if room {
                *n += 1;
            }
            room
        });
        if !admitted {
            self.guards.connections.close(ip);
            return Err(Full::Server);
        }
        Ok(ConnectionSlot {
            hub: self,
            ip,
            id: self.next_conn.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Live websocket connections, as a value that can be awaited.
    pub fn connections(&self) -> watch::Receiver<usize> {
        self.connections.subscribe()
    }

    pub fn workshop_count(&self) -> usize {
        self.workshops.len()
    }

    /// Tells every connection the server is going away.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// A new token for `participant`, and what the store is to keep of it.
    fn issue_credential(&self, workshop: WorkshopId, participant: ParticipantId) -> (Token, String) {
        let secret = Secret::generate();
        let token = secret.token_for(participant);
        let digest = secret.digest();
        let stored = Stored::Participant(participant, digest.clone()).to_text();
        self.credentials
            .insert(participant, Credential { workshop, digest });
        (token, stored)
    }

    /// A join code no live workshop uses, recorded for `workshop`.
    fn reserve_code(&self, workshop: WorkshopId) -> JoinCode {
        loop {
            if let Entry::Vacant(slot) = self.codes.entry(secret::new_join_code()) {
                let code = slot.key().clone();
                slot.insert(workshop);
                return code;
            }
        }
    }
}

fn new_room((name, territory): (String, Option<String>)) -> NewRoom {
    NewRoom {
        id: RoomId(Uuid::new_v4()),
        name,
        territory,
    }
}
