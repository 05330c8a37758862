//! The server under test: the release binary in a child process, on a free loopback
//! port, in memory or with its store in a fresh data directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

#[derive(Debug)]
pub struct Server {
    child: Child,
    pub pid: u32,
    /// `127.0.0.1:port`.
    pub host: String,
    data_dir: Option<PathBuf>,
}

impl Server {
    /// Starts `binary`; with `store`, every acknowledged command is on disk first.
    pub async fn start(binary: &Path, store: bool) -> Result<Server> {
        let mut command = Command::new(binary);
        command
            // Thousands of clients from one address, sending as fast as the scenario says.
            .args(["--addr", "127.0.0.1:0", "--no-rate-limits"])
            .env("RUST_LOG", "warn,atelier=info,atelier_server=warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let data_dir =
            store.then(|| std::env::temp_dir().join(format!("atelier-bench-{}", uuid::Uuid::new_v4())));
        match &data_dir {
            Some(dir) => command.arg("--data-dir").arg(dir),
            None => command.arg("--in-memory"),
        };
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let mut lines = BufReader::new(child.stdout.take().context("piped stdout")?).lines();
        let host = timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(at) = line.find("http://") {
                    let rest = &line[at + "http://".len()..];
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    return Ok(rest[..end].to_owned());
                }
            }
            bail!("the server exited before it was ready")
        })
        .await
        .context("the server did not start in 30 s")??;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server {
            child,
            pid,
            host,
            data_dir,
        })
    }

    /// Starts `binary`, runs `work` against it, and stops it (its data directory goes
    /// with it) whatever `work` returns.
    pub async fn with<T>(
        binary: &Path,
        store: bool,
        work: impl AsyncFnOnce(&Server) -> Result<T>,
    ) -> Result<T> {
        let server = Server::start(binary, store).await?;
        let outcome = work(&server).await;
        server.stop().await;
        outcome
    }

    pub fn usage(&self) -> Result<Usage> {
        Usage::of(&self.pid.to_string())
    }

    /// Starts recording a CPU profile of the server (`perf record`, call graphs) into
    /// `file` for `duration`.
    pub fn profile(&self, file: &Path, duration: Duration) -> Result<Child> {
        Command::new("perf")
            .args(["record", "-e", "cpu-clock", "-F", "499", "-g", "-p"])
            .arg(self.pid.to_string())
            .arg("-o")
            .arg(file)
            .arg("--")
            .args(["sleep", &format!("{}", duration.as_secs_f64())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start perf (Debian: apt-get install linux-perf)")
    }

    /// Asks the server to stop (SIGTERM, as a service manager would), and kills it if
    /// it has not within 10 s.
    pub async fn stop(mut self) {
        let asked = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await
            .is_ok_and(|status| status.success());
        if !asked || timeout(Duration::from_secs(10), self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
        if let Some(dir) = self.data_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A process's CPU time and resident memory, from `/proc`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// User and system time, in seconds.
    pub cpu_seconds: f64,
    pub rss_kib: u64,
}

/// Linux reports CPU time in clock ticks: 100 per second on every mainstream
/// configuration (`getconf CLK_TCK`).
const TICKS_PER_SECOND: f64 = 100.0;

impl Usage {
    /// `process` is a pid or `self`.
    pub fn of(process: &str) -> Result<Usage> {
        let stat = std::fs::read_to_string(format!("/proc/{process}/stat"))?;
        // The command name may hold spaces: fields are counted after its `)`.
        let after = stat.rsplit_once(')').context("a /proc stat line")?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after `)`.
        let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
        let status = std::fs::read_to_string(format!("/proc/{process}/status"))?;
        let rss_kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        Ok(Usage {
            cpu_seconds: ticks / TICKS_PER_SECOND,
            rss_kib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_used_some_memory_and_no_negative_time() {
        let usage = Usage::of("self").unwrap();
        assert!(usage.rss_kib > 100, "{usage:?}");
        assert!(usage.cpu_seconds >= 0.0);
    }
}
