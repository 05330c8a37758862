//! Scenario 4: the server's memory per idle participant. Everyone joins first, then
//! connects step by step; the server's RSS after each step gives the slope, the
//! memory one more connected participant costs. The generator's own RSS is read too.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;

use crate::crowd::{self, Shape};
use crate::load::{on_off, rule};
use crate::participant::Participant;
use crate::server::{Server, Usage};

/// Time for the server to settle after a step (allocations returned, pings answered).
const SETTLE: Duration = Duration::from_secs(2);

/// Returns the table and the slope's summary.
pub async fn run(binary: &Path, shape: Shape, step: usize, store: bool) -> Result<String> {
    Server::with(binary, store, async |server| {
        drive(server, shape, step, store).await
    })
    .await
}

async fn drive(server: &Server, shape: Shape, step: usize, store: bool) -> Result<String> {
    let host = server.host.as_str();
    tokio::time::sleep(SETTLE).await;
    let empty = server.usage()?.rss_kib;
    let created = crowd::create(host, shape).await?;
    tokio::time::sleep(SETTLE).await;
    let joined = server.usage()?.rss_kib;
    let people = shape.people();
    let mut out = format!(
        "| {} | {} × {} | 0 | {:.1} MiB | — | {:.1} MiB |\n",
        on_off(store),
        shape.workshops,
        shape.participants,
        joined as f64 / 1024.0,
        Usage::of("self")?.rss_kib as f64 / 1024.0
    );
    let mut points = vec![(0.0, joined as f64)];
    let mut readers = Vec::with_capacity(people);
    let mut connected = 0;
    for chunk in created.chunks(step.div_ceil(shape.participants).max(1)) {
        let participants = crowd::connect(host, chunk).await?;
        connected += participants.len();
        // Idle, but reading: pings are answered, as a browser tab would.
        readers.extend(participants.into_iter().map(|p: Participant| {
            tokio::spawn(async move {
                let mut socket = p.socket;
                while let Some(Ok(_)) = socket.next().await {}
            })
        }));
        tokio::time::sleep(SETTLE).await;
        let rss = server.usage()?.rss_kib;
        points.push((connected as f64, rss as f64));
        out.push_str(&format!(
            "| {} | {} × {} | {connected} | {:.1} MiB | {:.2} KiB | {:.1} MiB |\n",
            on_off(store),
            shape.workshops,
            shape.participants,
            rss as f64 / 1024.0,
            (rss as f64 - joined as f64) / connected as f64,
            Usage::of("self")?.rss_kib as f64 / 1024.0
        ));
    }
    let dropped = readers.iter().filter(|r| r.is_finished()).count();
    for reader in &readers {
        reader.abort();
    }
    out.push_str(&format!(
        "\nSlope (least squares over the {} points): **{:.2} KiB per connected participant**; joining (state, credentials) cost {:.2} KiB per participant before anyone connected (RSS {:.1} → {:.1} MiB); {dropped} connections dropped.\n",
        points.len(),
        slope(&points),
        (joined as f64 - empty as f64) / people as f64,
        empty as f64 / 1024.0,
        joined as f64 / 1024.0,
    ));
    Ok(out)
}

pub fn header() -> String {
    let header =
        "| store | workshops × people | connected | server RSS | per connection since 0 | generator RSS |";
    format!("{header}\n{}", rule(header.matches('|').count() - 1))
}

/// The least-squares slope of y over x.
pub fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let covariance: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    covariance / variance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line_and_of_noise_around_it() {
        assert_eq!(slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]), 2.0);
        let noisy = [(0.0, 0.0), (1.0, 1.5), (2.0, 1.5), (3.0, 3.0)];
        assert!((slope(&noisy) - 0.9).abs() < 1e-9, "{}", slope(&noisy));
    }
}
