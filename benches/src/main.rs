//! `atelier-bench`: drives a real Atelier server over real websockets on loopback and
//! prints one Markdown table row per run. `cargo xtask bench` builds everything in
//! release mode and runs the scenarios of BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use atelier_bench::scenario::{self, Outcome, Workload};
use clap::{Parser, ValueEnum};

#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// The server binary (build it with `cargo build --release`).
    #[arg(long, default_value = "target/release/atelier")]
    server: PathBuf,
    #[arg(long, default_value_t = 1)]
    workshops: usize,
    /// Participants per workshop.
    #[arg(long, default_value_t = 42)]
    participants: usize,
    /// Rooms per workshop (participants are spread evenly).
    #[arg(long, default_value_t = 1)]
    rooms: usize,
    /// Operations per second per participant; 0: each sends its next command as soon
    /// as the last is acknowledged.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// With the store (every acknowledged command on disk first), without, or both.
    #[arg(long, value_enum, default_value_t = Store::Both)]
    store: Store,
    /// Print the table's header first.
    #[arg(long)]
    header: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Store {
    On,
    Off,
    Both,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let stores = match args.store {
        Store::On => vec![true],
        Store::Off => vec![false],
        Store::Both => vec![false, true],
    };
    #[allow(clippy::print_stdout)] // the table is this program's output
    if args.header {
        println!("{}", Outcome::HEADER);
    }
    for store in stores {
        let workload = Workload {
            workshops: args.workshops,
            participants: args.participants,
            rooms: args.rooms,
            rate: (args.rate > 0.0).then_some(args.rate),
            warmup: Duration::from_secs_f64(args.warmup),
            measured: Duration::from_secs_f64(args.seconds),
            store,
        };
        match scenario::run(&args.server, workload).await {
            #[allow(clippy::print_stdout)]
            Ok(mut outcome) => println!("{}", outcome.row()),
            Err(error) => {
                eprintln!("atelier-bench: {error:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
