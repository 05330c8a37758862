//! `cargo xtask`: Atelier's build tooling, in Rust, locked by the project's Cargo.lock.
//!
//! - `cargo xtask serve [-- server flags]`: build the client, build and run the server.
//! - `cargo xtask test`: install what tests need, build the client, lint, run every test.
//! - `cargo xtask dist`: build the client into `dist/` only.
//! - `cargo xtask lint`: `cargo fmt --check` and clippy on every crate and target.
//! - `cargo xtask bench [-- atelier-bench flags]`: the load generator against the
//!   release server; with no flags, the scenarios of BENCHMARKS.md.
//!
//! Each step installs what it needs (the wasm target, wasm-opt) only when it is
//! missing, so the commands work the same on a fresh machine and a warm one. `serve`
//! works on Linux, macOS and Windows (it needs a C compiler, for the bundled SQLite).
//! `test` installs Chromium, ChromeDriver, nginx and a C compiler on Debian 12 or
//! newer; elsewhere it finds them (`CHROME` and `CHROMEDRIVER` name the browser and its
//! driver by absolute path) or says what to install ([`prerequisites::SUPPORTED`]).

mod dist;
mod prerequisites;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use run::CommandExt;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("dist") => dist::build(&root()),
        Some("lint") => lint(),
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve [-- server flags] | test [-- test filter] | dist | lint | bench [-- load generator flags]>\n\n\
                 Environment: CHROME and CHROMEDRIVER, absolute paths to the browser and ChromeDriver the tests use\n\
                 (found on PATH or in the usual places otherwise; their major versions must match).\n\n{}",
                prerequisites::SUPPORTED
            );
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository's root (xtask lives one level below it).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_owned()
}

/// Builds everything and runs the server on 127.0.0.1 with its defaults.
fn serve(args: &[String]) -> Result<()> {
    let root = root();
    prerequisites::c_compiler()?;
    dist::build(&root)?;
    run::step("building and starting the server");
    let server_args = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    run::cargo(&root)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "atelier-server",
            "--bin",
            "atelier",
            "--",
        ])
        // The client just built is compiled into the binary: this runs exactly what
        // an administrator would copy to a server.
        .args(server_args)
        .status_ok()
}

/// Everything CI checks: lint, then every test, the browser ones included.
fn test(args: &[String]) -> Result<()> {
    let root = root();
    let tools = prerequisites::test_tools()?;
    dist::build(&root)?;
    lint()?;
    run::step("running the tests");
    let filter = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    run::cargo(&root)
        .args(["test", "--workspace", "--exclude", "atelier-client"])
        .args(filter)
        .env("ATELIER_DIST", root.join("dist"))
        // Found once here, so the tests use the same browser, driver and proxies.
        .env("CHROME", &tools.chrome)
        .env("CHROMEDRIVER", &tools.chromedriver)
        .env("NGINX", &tools.nginx)
        .env("HAPROXY", &tools.haproxy)
        .status_ok()?;
    // The suites that drive a server over HTTP and websockets, again with each
    // server storing in PostgreSQL as a node of several does (the multi-node,
    // PostgreSQL and durability tests above run on it already). Only on a whole run:
    // a run narrowed to some tests gets just those.
    if filter.iter().all(|arg| arg == "--no-fail-fast") {
        run::step("running the server suites again on PostgreSQL");
        run::cargo(&root)
            .args(["test", "-p", "atelier-tests"])
            .args(POSTGRES_AGAIN.iter().flat_map(|name| ["--test", name]))
            .args(filter)
            .env("ATELIER_TEST_STORE", "postgres")
            .env("ATELIER_DIST", root.join("dist"))
            .status_ok()?;
    }
    // The client's pure parts (its replica), natively: the rest of it needs a
    // browser, where the browser tests above run it.
    run::cargo(&root)
        .args(["test", "-p", "atelier-client", "--lib"])
        .args(filter)
        .status_ok()
}

/// The end-to-end suites `cargo xtask test` runs a second time on PostgreSQL.
const POSTGRES_AGAIN: &[&str] = &[
    "websocket",
    "api",
    "engine",
    "campaign",
    "hostile",
    "archives",
    "reports",
];

/// The scenarios BENCHMARKS.md reports, or one run with the flags given.
const SCENARIOS: &[(&str, &[&str])] = &[
    (
        "Scenarios 1 and 5: one workshop, 42 people in one room, 1, 5, 10 and 20 op/s each, store off and on",
        &["steady"],
    ),
    (
        "Saturation: 50 workshops of 8 (400 people), each sending as soon as acknowledged",
        &[
            "steady",
            "--workshops",
            "50",
            "--participants",
            "8",
            "--rate",
            "0",
        ],
    ),
    (
        "Scenario 2 (and 5): capacity at p99 < 50 ms, 500, 2,000 and 10,000 people in rooms of 42, 10 and 7, store off and on",
        &["capacity"],
    ),
    (
        "Scenario 3: the burst, 240 workshops of 42 people in 6 rooms",
        &[
            "burst",
            "--workshops",
            "240",
            "--participants",
            "42",
            "--rooms",
            "6",
        ],
    ),
    (
        "Scenario 4: memory per idle participant, 0 to 10,038 connections",
        &[
            "memory",
            "--workshops",
            "239",
            "--participants",
            "42",
            "--rooms",
            "6",
        ],
    ),
];

fn bench(args: &[String]) -> Result<()> {
    let root = root();
    prerequisites::c_compiler()?;
    run::step("building the server and the load generator (release)");
    run::cargo(&root)
        .args([
            "build",
            "--release",
            "--package",
            "atelier-server",
            "--package",
            "atelier-bench",
        ])
        .status_ok()?;
    let release = root.join("target/release");
    let generator = release.join(format!("atelier-bench{}", std::env::consts::EXE_SUFFIX));
    let server = release.join(format!("atelier{}", std::env::consts::EXE_SUFFIX));
    let generate = |flags: &[&str]| {
        std::process::Command::new(&generator)
            .args(flags)
            .arg("--server")
            .arg(&server)
            .status_ok()
    };
    let flags: Vec<&str> = args
        .strip_prefix(&["--".to_owned()])
        .unwrap_or(args)
        .iter()
        .map(String::as_str)
        .collect();
    if !flags.is_empty() {
        return generate(&flags);
    }
    for (title, flags) in SCENARIOS {
        run::step(title);
        generate(flags)?;
    }
    Ok(())
}

fn lint() -> Result<()> {
    let root = root();
    prerequisites::wasm_target()?;
    run::step("checking formatting");
    run::cargo(&root)
        .args(["fmt", "--all", "--", "--check"])
        .status_ok()?;
    run::step("clippy (native crates)");
    run::cargo(&root)
        .args([
            "clippy",
            "--workspace",
            "--exclude",
            "atelier-client",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .status_ok()?;
    run::step("clippy (browser client, wasm32)");
    run::cargo(&root)
        .args([
            "clippy",
            "--package",
            "atelier-client",
            "--target",
            dist::WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ])
        .status_ok()
}
