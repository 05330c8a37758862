//! Running commands and saying what is happening.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

#[allow(clippy::print_stdout)]
pub(crate) fn step(what: &str) {
    println!("\x1b[1;34m==>\x1b[0m {what}");
}

/// `cargo` at the repository root, the same cargo that runs xtask.
pub(crate) fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

pub(crate) trait CommandExt {
    /// Runs to completion; an error says which command failed.
    fn status_ok(&mut self) -> Result<()>;
    /// Runs to completion; returns whether it succeeded, quietly.
    fn succeeds(&mut self) -> bool;
}

impl CommandExt for Command {
    fn status_ok(&mut self) -> Result<()> {
        let status = self
            .status()
            .with_context(|| format!("cannot run {:?}", self.get_program()))?;
        if !status.success() {
            bail!("{} failed ({status})", describe(self));
        }
        Ok(())
    }

    fn succeeds(&mut self) -> bool {
        self.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
