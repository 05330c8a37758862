//! `atelier-bench`: drives a real Atelier server over real websockets on loopback and
//! prints Markdown tables. `cargo xtask bench` builds everything in release mode and
//! runs the scenarios of BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use atelier_bench::crowd::Shape;
use atelier_bench::load::{self, Timing};
use atelier_bench::{burst, memory};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(about)]
struct Cli {
    /// The server binary (build it with `cargo build --release`).
    #[arg(long, global = true, default_value = "target/release/atelier")]
    server: PathBuf,
    /// With the store (every acknowledged command on disk first), without, or both.
    #[arg(long, global = true, value_enum, default_value_t = Store::Both)]
    store: Store,
    /// With the store on: keep it in PostgreSQL, a fresh database per run made on
    /// the server at this URL (its user may create databases), instead of SQLite.
    #[arg(long, global = true)]
    postgres: Option<String>,
    /// With --postgres: this many nodes on the same database, behind HAProxy
    /// running deploy/haproxy.cfg.
    #[arg(long, global = true, default_value_t = 1)]
    nodes: usize,
    #[arg(long, global = true, default_value = "/usr/sbin/haproxy")]
    haproxy: PathBuf,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Scenarios 1 and 5: everyone sends at a steady rate.
    Steady {
        #[command(flatten)]
        crowd: Crowd,
        /// Operations per second per participant, one run each; 0: each sends its
        /// next command as soon as the last is acknowledged.
        #[arg(long, value_delimiter = ',', default_value = "1,5,10,20")]
        rate: Vec<f64>,
        /// Seconds measured, after the warm-up.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        #[arg(long, default_value_t = 2.0)]
        warmup: f64,
        /// Record a CPU profile of the server over the measured seconds (`perf record`).
        #[arg(long)]
        perf: Option<PathBuf>,
    },
    /// Scenario 2: the offered load rises until deliveries miss p99 < 50 ms.
    /// Rooms of 10 are 4 per workshop of 40; rooms of 7, 6 per workshop of 42.
    Capacity {
        /// Connected participants, in workshops of about 42.
        #[arg(long, value_delimiter = ',', default_value = "500,2000,10000")]
        people: Vec<usize>,
        /// People per room.
        #[arg(long, value_delimiter = ',', default_value = "42,10,7")]
        room: Vec<usize>,
        /// Offered deliveries per second, level by level.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "100000,125000,150000,175000,200000,250000,300000,350000,400000,450000,500000,600000,700000,800000,900000,1000000,1250000,1500000,2000000"
        )]
        levels: Vec<f64>,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        #[arg(long, default_value_t = 2.0)]
        warmup: f64,
        /// Searches per shape and store (a fresh server each); the summary gives each
        /// knee and their median.
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// After each search, offer twice the knee on the same connections and
        /// report that row too (nobody may be dropped).
        #[arg(long)]
        overload: bool,
    },
    /// Scenario 3: timer, 3 notes each within 10 s, 3 dots each within 10 s; then
    /// every note and dot is checked.
    Burst {
        #[command(flatten)]
        crowd: Crowd,
        /// Seconds over which the leads start their timers, one after the other;
        /// 0: all in the same instant.
        #[arg(long, value_delimiter = ',', default_value = "0,1")]
        timer_spread: Vec<f64>,
    },
    /// Scenario 4: the server's memory per idle connected participant.
    Memory {
        #[command(flatten)]
        crowd: Crowd,
        /// Participants connected between two readings.
        #[arg(long, default_value_t = 1000)]
        step: usize,
    },
}

#[derive(Clone, Copy, Debug, Args)]
struct Crowd {
    #[arg(long, default_value_t = 1)]
    workshops: usize,
    /// Participants per workshop.
    #[arg(long, default_value_t = 42)]
    participants: usize,
    /// Rooms per workshop (participants are spread evenly).
    #[arg(long, default_value_t = 1)]
    rooms: usize,
}

impl From<Crowd> for Shape {
    fn from(c: Crowd) -> Shape {
        Shape {
            workshops: c.workshops,
            participants: c.participants,
            rooms: c.rooms,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Store {
    On,
    Off,
    Both,
}

impl Store {
    fn each(self) -> Vec<bool> {
        match self {
            Store::On => vec![true],
            Store::Off => vec![false],
            Store::Both => vec![false, true],
        }
    }
}

#[allow(clippy::print_stdout)] // the tables are this program's output
fn print(text: &str) {
    println!("{text}");
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = atelier_bench::server::DEPLOYMENT.set(atelier_bench::server::Deployment {
        postgres: cli.postgres.clone(),
        nodes: cli.nodes.max(1),
        haproxy: cli.haproxy.clone(),
    });
    match run(&cli.server, cli.store, cli.scenario).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("atelier-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(server: &Path, store: Store, scenario: Scenario) -> Result<()> {
    match scenario {
        Scenario::Steady {
            crowd,
            rate,
            seconds,
            warmup,
            perf,
        } => {
            print(&load::steady_header());
            let timing = Timing {
                warmup: Duration::from_secs_f64(warmup),
                measured: Duration::from_secs_f64(seconds),
                drain: Duration::from_secs(2),
            };
            for rate in rate {
                for store in store.each() {
                    let rate = (rate > 0.0).then_some(rate);
                    let row =
                        load::steady(server, crowd.into(), rate, timing, store, perf.as_deref()).await?;
                    print(&row);
                }
            }
        }
        Scenario::Capacity {
            people,
            room,
            levels,
            seconds,
            warmup,
            runs,
            overload,
        } => {
            print(&load::capacity_header());
            let timing = Timing {
                warmup: Duration::from_secs_f64(warmup),
                measured: Duration::from_secs_f64(seconds),
                drain: Duration::from_secs(1),
            };
            let mut summary = Vec::new();
            for &people in &people {
                for &size in &room {
                    let shape = workshops_of(people, size);
                    let mut knees: Vec<Vec<f64>> = vec![Vec::new(); store.each().len()];
                    // Runs interleaved (off, on, off, on…), so that a noisy spell of
                    // the host falls on both.
                    for _ in 0..runs.max(1) {
                        for (knee, store) in knees.iter_mut().zip(store.each()) {
                            let (rows, capacity) =
                                load::capacity(server, shape, &levels, timing, store, overload).await?;
                            for row in rows {
                                print(&row);
                            }
                            knee.push(capacity);
                        }
                    }
                    for (mut knee, store) in knees.into_iter().zip(store.each()) {
                        let runs: Vec<String> = knee.iter().map(|k| format!("{k:.0}")).collect();
                        knee.sort_by(f64::total_cmp);
                        let median = knee[knee.len() / 2];
                        summary.push(format!(
                            "- {} people in rooms of {size}, store {}: **{median:.0} deliveries/s** at p99 < {} ms (median of {}: {})",
                            shape.people(),
                            load::on_off(store),
                            load::GOAL_P99_MS,
                            knee.len(),
                            runs.join(", ")
                        ));
                    }
                }
            }
            print(&format!("\nSustained capacity:\n{}", summary.join("\n")));
        }
        Scenario::Burst { crowd, timer_spread } => {
            for store in store.each() {
                for &spread in &timer_spread {
                    print(&burst::header());
                    let spread = Duration::from_secs_f64(spread);
                    print(&burst::run(server, crowd.into(), spread, store).await?);
                }
            }
        }
        Scenario::Memory { crowd, step } => {
            for store in store.each() {
                print(&memory::header());
                print(&memory::run(server, crowd.into(), step, store).await?);
            }
        }
    }
    Ok(())
}

/// About `people` in workshops of about 42, in rooms of `size`.
fn workshops_of(people: usize, size: usize) -> Shape {
    let rooms = (42 / size).max(1);
    let participants = rooms * size;
    Shape {
        workshops: (people as f64 / participants as f64).round().max(1.0) as usize,
        participants,
        rooms,
    }
}
