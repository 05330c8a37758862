//! Rebuilds the server when the browser client in `dist/` changes: the client is
//! compiled into the binary (`http::client`), and a client built after the server
//! (or a new chunk in it) must not leave a stale one inside.
//!
//! Also names the commit the binary was built from (`ATELIER_COMMIT`, shown by
//! `atelier --version` and at start-up), so that two builds of one version can be
//! told apart; `unknown` outside a git checkout (a source archive).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=../dist");
    println!("cargo:rerun-if-changed=../.git/HEAD");
    println!("cargo:rerun-if-changed=../.git/refs/heads");
    println!("cargo:rerun-if-env-changed=ATELIER_COMMIT");
    let commit = std::env::var("ATELIER_COMMIT").ok().or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()
            .filter(|out| out.status.success())?;
        String::from_utf8(out.stdout).ok().map(|s| s.trim().to_owned())
    });
    let commit = commit
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ATELIER_COMMIT={commit}");
}
