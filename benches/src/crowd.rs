//! Setting a workload up: workshops created and people joined over HTTP, then every
//! participant connected on its own websocket.

use anyhow::{Context, Result};
use atelier_shared::WorkshopId;
use atelier_shared::protocol::Token;
use futures_util::future::join_all;
use serde_json::json;

use crate::http;
use crate::participant::Participant;

/// Requests or connections opened at once while setting up.
const CONCURRENCY: usize = 64;

/// The shape of the crowd.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub workshops: usize,
    /// Participants per workshop, spread evenly over its rooms.
    pub participants: usize,
    pub rooms: usize,
}

impl Shape {
    pub fn people(&self) -> usize {
        self.workshops * self.participants
    }

    /// People per room (the last room of a workshop may have fewer).
    pub fn room_size(&self) -> usize {
        self.participants.div_ceil(self.rooms)
    }
}

/// A workshop the generator created: its lead's token and its participants'.
#[derive(Debug)]
pub struct Created {
    pub workshop: WorkshopId,
    pub lead: Token,
    pub tokens: Vec<Token>,
}

/// Creates the workshops and joins everyone (nobody is connected yet).
pub async fn create(host: &str, shape: Shape) -> Result<Vec<Created>> {
    let mut created = Vec::with_capacity(shape.workshops);
    for w in 0..shape.workshops {
        let rooms: Vec<_> = (0..shape.rooms)
            .map(|r| json!({ "name": format!("Salle {}", r + 1) }))
            .collect();
        let answer = http::post(
            host,
            "/api/workshops",
            json!({ "facilitator_name": "Camille", "title": format!("Atelier {w}"), "rooms": rooms, "columns": ["Idées"] }),
        )
        .await?;
        let code = answer["code"].as_str().context("a join code")?.to_owned();
        let workshop: WorkshopId = serde_json::from_value(answer["workshop"].clone())?;
        let lead = Token(
            answer["facilitator_secret"]
                .as_str()
                .context("the lead's token")?
                .to_owned(),
        );
        let names: Vec<String> = (0..shape.participants).map(|p| format!("Personne {p}")).collect();
        let mut tokens = Vec::with_capacity(shape.participants);
        for chunk in names.chunks(CONCURRENCY) {
            let joins = chunk
                .iter()
                .map(|name| http::post(host, "/api/join", json!({ "code": code, "name": name })));
            for joined in join_all(joins).await {
                tokens.push(Token(joined?["token"].as_str().context("a token")?.to_owned()));
            }
        }
        created.push(Created {
            workshop,
            lead,
            tokens,
        });
    }
    Ok(created)
}

/// Creates the workshops, joins everyone and connects them.
pub async fn gather(host: &str, shape: Shape) -> Result<Vec<Participant>> {
    let created = create(host, shape).await?;
    connect(host, &created).await
}

/// Connects every participant of `created`, numbered in order from 0.
pub async fn connect(host: &str, created: &[Created]) -> Result<Vec<Participant>> {
    let tokens: Vec<(u32, (WorkshopId, &Token))> = (0..)
        .zip(
            created
                .iter()
                .flat_map(|w| w.tokens.iter().map(|t| (w.workshop, t))),
        )
        .collect();
    let mut participants = Vec::with_capacity(tokens.len());
    for chunk in tokens.chunks(CONCURRENCY) {
        let connections = chunk.iter().map(|(index, (workshop, token))| {
            Participant::connect(host, *index, *workshop, (*token).clone())
        });
        for participant in join_all(connections).await {
            participants.push(participant?);
        }
    }
    Ok(participants)
}
