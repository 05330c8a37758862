//! Steady load: every participant sends at a rate (or as fast as acknowledged) for a
//! while, and the run reports latencies, throughput and what it cost. The capacity
//! search raises the offered load step by step on the same connections until the
//! latency goal no longer holds.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Result;
use tokio::time::{Instant, sleep_until};

use crate::crowd::{self, Shape};
use crate::participant::{Participant, Plan, Report};
use crate::server::{Server, Usage};
use crate::stats::Latencies;

/// What one level of load measured.
#[derive(Debug, Default)]
pub struct Measured {
    pub acks: Latencies,
    pub deliveries: Latencies,
    pub rejections: usize,
    pub dropped: usize,
    pub seconds: f64,
    pub server_cpu: f64,
    pub generator_cpu: f64,
    pub server_rss_kib: u64,
}

/// How long each level lasts.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub warmup: Duration,
    pub measured: Duration,
    /// After the last send, how long answers are still awaited.
    pub drain: Duration,
}

/// The generator's time origin, shared by every run so that a note stamped in one
/// run can never pass for one of the next.
pub fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Runs one level on `participants` and gives them back with what was measured.
/// `perf`: record a CPU profile of the server over the measured window.
pub async fn level(
    server: &Server,
    participants: Vec<Participant>,
    rate: Option<f64>,
    timing: Timing,
    perf: Option<&Path>,
) -> Result<(Vec<Participant>, Measured)> {
    let count = participants.len();
    let start = Instant::now() + Duration::from_millis(100);
    let plan = Plan {
        rate,
        epoch: epoch(),
        start,
        measure_from: start + timing.warmup,
        stop_at: start + timing.warmup + timing.measured,
        drain_until: start + timing.warmup + timing.measured + timing.drain,
    };
    let period = Duration::from_secs_f64(1.0 / rate.unwrap_or(1.0));
    let runs: Vec<_> = participants
        .into_iter()
        .enumerate()
        .map(|(i, mut participant)| {
            // Spread over one period, so that the load is smooth, not in waves.
            let phase = period.mul_f64(i as f64 / count as f64);
            tokio::spawn(async move {
                let report = participant.run(plan, phase).await;
                (participant, report)
            })
        })
        .collect();

    sleep_until(plan.measure_from).await;
    let profile = perf
        .map(|file| server.profile(file, timing.measured))
        .transpose()?;
    let (server_before, generator_before) = (server.usage()?, Usage::of("self")?);
    let started = Instant::now();
    sleep_until(plan.stop_at).await;
    let (server_after, generator_after) = (server.usage()?, Usage::of("self")?);
    let wall = started.elapsed().as_secs_f64();

    let mut measured = Measured {
        seconds: timing.measured.as_secs_f64(),
        server_cpu: (server_after.cpu_seconds - server_before.cpu_seconds) / wall,
        generator_cpu: (generator_after.cpu_seconds - generator_before.cpu_seconds) / wall,
        server_rss_kib: server_after.rss_kib,
        ..Measured::default()
    };
    let mut participants = Vec::with_capacity(count);
    for run in runs {
        let (participant, report): (Participant, Report) = run.await?;
        measured.acks.merge(report.acks);
        measured.deliveries.merge(report.deliveries);
        measured.rejections += report.rejections;
        measured.dropped += usize::from(report.dropped);
        if !report.dropped {
            participants.push(participant);
        }
    }
    if let Some(mut profile) = profile {
        profile.wait().await?;
    }
    Ok((participants, measured))
}

impl Measured {
    pub fn ops_per_second(&self) -> f64 {
        self.acks.len() as f64 / self.seconds
    }

    pub fn deliveries_per_second(&self) -> f64 {
        self.deliveries.len() as f64 / self.seconds
    }

    /// The columns every load table shares, from ops/s on.
    pub const COLUMNS: &str = "ops/s | deliveries/s | ack p50 | ack p99 | delivery p50 | p95 | p99 | max | server CPU | generator CPU | server RSS | rejected | dropped |";

    /// Those columns' values (latencies in ms, CPU in cores).
    pub fn cells(&mut self) -> String {
        format!(
            "{:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} MiB | {} | {} |",
            self.ops_per_second(),
            self.deliveries_per_second(),
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

/// Table separator for `columns` columns.
pub fn rule(columns: usize) -> String {
    format!("|{}", "---|".repeat(columns))
}

fn columns(header: &str) -> usize {
    header.matches('|').count() - 1
}

/// One steady run: scenario 1 (and 5, with the store on and off).
pub async fn steady(
    binary: &Path,
    shape: Shape,
    rate: Option<f64>,
    timing: Timing,
    store: bool,
    perf: Option<&Path>,
) -> Result<String> {
    let (_, mut measured) = Server::with(binary, store, async |server| {
        let participants = crowd::gather(&server.host, shape).await?;
        level(server, participants, rate, timing, perf).await
    })
    .await?;
    let rate = rate.map_or("as acked".to_owned(), |r| format!("{r}/s"));
    Ok(format!(
        "| {} | {} | {} | {rate} | {}",
        on_off(store),
        shape.people(),
        shape.room_size(),
        measured.cells()
    ))
}

pub fn steady_header() -> String {
    let header = format!("| store | clients | room | rate/client | {}", Measured::COLUMNS);
    format!("{header}\n{}", rule(columns(&header)))
}

/// The latency every delivery must meet for a level to count (scenario 2).
pub const GOAL_P99_MS: f64 = 50.0;

/// Scenario 2: the offered load rises level by level (deliveries per second) on the
/// same connections; each level is a row. The capacity is the last level whose p99
/// met the goal with nothing dropped and what was offered delivered. With
/// `overload`, twice that is then offered on the same connections, as one more row
/// marked "2× knee". Returns the rows and the capacity in deliveries per second.
pub async fn capacity(
    binary: &Path,
    shape: Shape,
    levels: &[f64],
    timing: Timing,
    store: bool,
    overload: bool,
) -> Result<(Vec<String>, f64)> {
    Server::with(binary, store, async |server| {
        let mut participants = crowd::gather(&server.host, shape).await?;
        let people = shape.people();
        let fan_out = (shape.room_size() - 1) as f64;
        let (mut rows, mut capacity, mut missed) = (Vec::new(), 0.0, false);
        // One level on the same connections: its row, whether it held, and what
        // was delivered.
        let mut offer = async |offered: f64, note: &str| -> Result<(String, bool, f64)> {
            let rate = offered / (people as f64 * fan_out);
            let taken = std::mem::take(&mut participants);
            let (back, mut measured) = level(server, taken, Some(rate), timing, None).await?;
            participants = back;
            let delivered = measured.deliveries_per_second();
            let p99 = measured.deliveries.quantile_ms(0.99);
            let holds = p99 < GOAL_P99_MS && measured.dropped == 0 && delivered >= 0.9 * offered;
            let row = format!(
                "| {} | {people} | {} | {offered:.0}{note} | {rate:.2}/s | {} {} |",
                on_off(store),
                shape.room_size(),
                measured.cells(),
                if holds { "yes" } else { "**no**" }
            );
            Ok((row, holds, delivered))
        };
        for &offered in levels {
            let (row, holds, delivered) = offer(offered, "").await?;
            rows.push(row);
            if !holds {
                missed = true;
                break;
            }
            capacity = delivered;
        }
        if overload && missed && capacity > 0.0 {
            rows.push(offer(2.0 * capacity, " (2× knee)").await?.0);
        }
        Ok((rows, capacity))
    })
    .await
}

pub fn capacity_header() -> String {
    let header = format!(
        "| store | clients | room | offered deliveries/s | rate/client | {} p99 < {GOAL_P99_MS} ms |",
        Measured::COLUMNS
    );
    format!("{header}\n{}", rule(columns(&header)))
}

pub fn on_off(store: bool) -> &'static str {
    if store { "on" } else { "off" }
}
