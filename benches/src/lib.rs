//! Atelier's load generator. It starts the real server binary, creates workshops and
//! participants over HTTP, connects every participant over a real websocket on
//! loopback, and measures what a participant would feel.
//!
//! - [`server`]: the server process (started with or without its store), its CPU time
//!   and memory read from `/proc`, and its CPU profile (`perf`).
//! - [`http`]: the few JSON requests that set a workload up.
//! - [`crowd`]: workshops created, people joined, everyone connected.
//! - [`participant`]: one simulated participant: posts at a rate (or as fast as it is
//!   acknowledged) and times acknowledgements and other people's notes.
//! - [`scan`]: reads frames without parsing them whole, so that the generator, which
//!   shares the machine's cores with the server, stays cheap.
//! - [`stats`]: latency percentiles.
//! - [`load`]: steady load (scenarios 1 and 5) and the capacity search (scenario 2).
//! - [`burst`]: timer, notes and votes in many workshops at once, then every note and
//!   dot checked (scenario 3).
//! - [`memory`]: memory per idle connected participant (scenario 4).

pub mod burst;
pub mod crowd;
pub mod http;
pub mod load;
pub mod memory;
pub mod participant;
pub mod scan;
pub mod server;
pub mod stats;
