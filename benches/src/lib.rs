//! Atelier's load generator. It starts the real server binary, creates workshops and
//! participants over HTTP, connects every participant over a real websocket on
//! loopback, and measures what a participant would feel.
//!
//! - [`server`]: the server process (started with or without its store), and the
//!   CPU time and memory of a process, read from `/proc`.
//! - [`http`]: the few JSON requests that set a workload up.
//! - [`participant`]: one simulated participant: posts at a rate (or as fast as it is
//!   acknowledged) and times acknowledgements and other people's notes.
//! - [`scan`]: reads frames without parsing them whole, so that the generator, which
//!   shares the machine's cores with the server, stays cheap.
//! - [`stats`]: latency percentiles.
//! - [`scenario`]: a workload from start to report.

pub mod http;
pub mod participant;
pub mod scan;
pub mod scenario;
pub mod server;
pub mod stats;
