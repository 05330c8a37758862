//! What the build and the tests need from the machine, installed only when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::dist::WASM_TARGET;
use crate::run::{self, CommandExt};

/// The wasm32 standard library, through rustup.
pub fn wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    run::step("installing the wasm32 target (rustup)");
    Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status_ok()
}

/// binaryen's wasm-opt from npm, at the version locked in `xtask/wasm-opt/`. Returns
/// `None` (the bundle is then larger, but works) when npm is not available.
pub fn wasm_opt(root: &Path) -> Result<Option<PathBuf>> {
    let tools = root.join("target/tools/wasm-opt");
    let program = tools.join("node_modules/binaryen/bin/wasm-opt");
    let locked = root.join("xtask/wasm-opt/package-lock.json");
    let installed_lock = tools.join("package-lock.json");
    let current = program.is_file() && std::fs::read(&installed_lock).ok() == std::fs::read(&locked).ok();
    if current {
        return Ok(Some(program));
    }
    if !Command::new("npm").arg("--version").succeeds() {
        eprintln!("warning: npm not found: the client bundle is not optimised by wasm-opt");
        return Ok(None);
    }
    run::step("installing wasm-opt (binaryen, from npm)");
    std::fs::create_dir_all(&tools)?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(root.join("xtask/wasm-opt").join(file), tools.join(file))?;
    }
    Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&tools)
        .status_ok()?;
    Ok(Some(program))
}

/// Chromium and ChromeDriver from Debian's packages (same version, made for each other).
pub fn browser() -> Result<()> {
    let have = |program: &str| Command::new(program).arg("--version").succeeds();
    if have("chromium") && have("chromedriver") {
        return Ok(());
    }
    run::step("installing Chromium and ChromeDriver (Debian packages)");
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let apt = |args: &[&str]| {
        let mut command = if root_user {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    let install = [
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ];
    if !apt(&install).status().is_ok_and(|s| s.success()) {
        // A fresh machine may have no package lists yet.
        apt(&["update"]).status_ok()?;
        apt(&install).status_ok()?;
    }
    if !(have("chromium") && have("chromedriver")) {
        bail!("Chromium and ChromeDriver are still missing after apt-get install");
    }
    Ok(())
}
