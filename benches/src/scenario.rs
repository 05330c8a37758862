//! A workload from start to report: start the server, create the workshops, join and
//! connect everyone, run the plan, read the clocks, stop the server.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use atelier_shared::protocol::Token;
use futures_util::future::join_all;
use serde_json::json;
use tokio::time::{Instant, sleep_until};

use crate::http;
use crate::participant::{Participant, Plan, Report};
use crate::server::{Server, Usage};
use crate::stats::Latencies;

/// What to run.
#[derive(Clone, Debug)]
pub struct Workload {
    pub workshops: usize,
    /// Participants per workshop, spread evenly over its rooms.
    pub participants: usize,
    pub rooms: usize,
    /// Operations per second per participant; `None`: as fast as acknowledged.
    pub rate: Option<f64>,
    pub warmup: Duration,
    pub measured: Duration,
    /// Every acknowledged command on disk first.
    pub store: bool,
}

/// What a run measured.
#[derive(Debug)]
pub struct Outcome {
    pub workload: Workload,
    pub acks: Latencies,
    pub deliveries: Latencies,
    pub rejections: usize,
    pub dropped: usize,
    pub server_cpu: f64,
    pub generator_cpu: f64,
    pub server_rss_kib: u64,
}

/// Connections opened at once while setting up.
const SETUP_CONCURRENCY: usize = 64;

pub async fn run(binary: &Path, workload: Workload) -> Result<Outcome> {
    let server = Server::start(binary, workload.store).await?;
    let outcome = drive(&server, workload).await;
    server.stop().await;
    outcome
}

async fn drive(server: &Server, workload: Workload) -> Result<Outcome> {
    let host = server.host.as_str();
    let mut tokens: Vec<Token> = Vec::with_capacity(workload.workshops * workload.participants);
    for w in 0..workload.workshops {
        let rooms: Vec<_> = (0..workload.rooms)
            .map(|r| json!({ "name": format!("Salle {}", r + 1) }))
            .collect();
        let created = http::post(
            host,
            "/api/workshops",
            json!({ "facilitator_name": "Camille", "title": format!("Atelier {w}"), "rooms": rooms, "columns": ["Idées"] }),
        )
        .await?;
        let code = created["code"].as_str().context("a join code")?.to_owned();
        let names: Vec<String> = (0..workload.participants)
            .map(|p| format!("Personne {p}"))
            .collect();
        for chunk in names.chunks(SETUP_CONCURRENCY) {
            let joins = chunk
                .iter()
                .map(|name| http::post(host, "/api/join", json!({ "code": code, "name": name })));
            for joined in join_all(joins).await {
                let token = joined?["token"].as_str().context("a token")?.to_owned();
                tokens.push(Token(token));
            }
        }
    }
    let mut participants = Vec::with_capacity(tokens.len());
    let indexed: Vec<(u32, Token)> = (0..).zip(tokens).collect();
    for chunk in indexed.chunks(SETUP_CONCURRENCY) {
        let connections = chunk
            .iter()
            .map(|(index, token)| Participant::connect(host, *index, token.clone()));
        for participant in join_all(connections).await {
            participants.push(participant?);
        }
    }

    let count = participants.len();
    let epoch = Instant::now() + Duration::from_millis(200);
    let plan = Plan {
        rate: workload.rate,
        epoch,
        measure_from: epoch + workload.warmup,
        stop_at: epoch + workload.warmup + workload.measured,
        drain_until: epoch + workload.warmup + workload.measured + Duration::from_secs(2),
    };
    let period = Duration::from_secs_f64(1.0 / workload.rate.unwrap_or(1.0));
    let runs: Vec<_> = participants
        .into_iter()
        .enumerate()
        .map(|(i, participant)| {
            // Spread over one period, so that the load is smooth, not in waves.
            let phase = period.mul_f64(i as f64 / count as f64);
            tokio::spawn(participant.run(plan, phase))
        })
        .collect();

    sleep_until(plan.measure_from).await;
    let (server_before, generator_before) = (server.usage()?, Usage::of("self")?);
    let started = Instant::now();
    sleep_until(plan.stop_at).await;
    let (server_after, generator_after) = (server.usage()?, Usage::of("self")?);
    let wall = started.elapsed().as_secs_f64();

    let mut acks = Latencies::default();
    let mut deliveries = Latencies::default();
    let (mut rejections, mut dropped) = (0, 0);
    for run in runs {
        let report: Report = run.await?;
        acks.merge(report.acks);
        deliveries.merge(report.deliveries);
        rejections += report.rejections;
        dropped += usize::from(report.dropped);
    }
    Ok(Outcome {
        workload,
        acks,
        deliveries,
        rejections,
        dropped,
        server_cpu: (server_after.cpu_seconds - server_before.cpu_seconds) / wall,
        generator_cpu: (generator_after.cpu_seconds - generator_before.cpu_seconds) / wall,
        server_rss_kib: server_after.rss_kib,
    })
}

impl Outcome {
    pub const HEADER: &str = "| store | clients | rate/client | ops/s | deliveries/s | ack p50 | ack p99 | delivery p50 | p95 | p99 | max | server CPU | generator CPU | server RSS | rejected | dropped |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    /// One row of the results table (latencies in ms, CPU in cores).
    pub fn row(&mut self) -> String {
        let w = &self.workload;
        let seconds = w.measured.as_secs_f64();
        let rate = w.rate.map_or("as acked".to_owned(), |r| format!("{r}/s"));
        format!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} MiB | {} | {} |",
            if w.store { "on" } else { "off" },
            w.workshops * w.participants,
            rate,
            self.acks.len() as f64 / seconds,
            self.deliveries.len() as f64 / seconds,
            self.acks.quantile_ms(0.5),
            self.acks.quantile_ms(0.99),
            self.deliveries.quantile_ms(0.5),
            self.deliveries.quantile_ms(0.95),
            self.deliveries.quantile_ms(0.99),
            self.deliveries.quantile_ms(1.0),
            self.server_cpu,
            self.generator_cpu,
            self.server_rss_kib as f64 / 1024.0,
            self.rejections,
            self.dropped,
        )
    }
}
