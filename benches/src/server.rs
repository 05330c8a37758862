//! The server under test: the release binary in a child process, on a free loopback
//! port, in memory or with its store in a fresh data directory, or nodes on a fresh
//! PostgreSQL database (behind HAProxy when there are several).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// Where a server with its store on runs: the embedded store (one process), or
/// PostgreSQL with one or more nodes (behind HAProxy running `deploy/haproxy.cfg`
/// when more than one). Set once by `main` from the command line.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// A PostgreSQL URL whose user may create databases: each run gets its own.
    pub postgres: Option<String>,
    pub nodes: usize,
    pub haproxy: PathBuf,
}

pub static DEPLOYMENT: OnceLock<Deployment> = OnceLock::new();

#[derive(Debug)]
pub struct Server {
    nodes: Vec<Child>,
    /// The first node's process id.
    pub pid: u32,
    pids: Vec<u32>,
    /// `127.0.0.1:port`: the node, or the proxy in front of the nodes.
    pub host: String,
    data_dir: Option<PathBuf>,
    proxy: Option<(Child, PathBuf)>,
    /// The run's own database: the administrative URL and its name.
    database: Option<(String, String)>,
}

/// Starts one node of `binary` with these options; its process and `host:port`.
async fn node(binary: &Path, options: &[String]) -> Result<(Child, String)> {
    let mut command = Command::new(binary);
    command
        // Thousands of clients from one address, sending as fast as the scenario says.
        .args(["--addr", "127.0.0.1:0", "--no-rate-limits"])
        .args(options)
        .env("RUST_LOG", "warn,atelier=info,atelier_server=warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
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
    Ok((child, host))
}

/// Runs `sql` with `psql` on the server at `url`.
async fn psql(url: &str, sql: &str) -> Result<()> {
    let status = Command::new("psql")
        .args([url, "-q", "-c", sql])
        .stdout(Stdio::null())
        .status()
        .await
        .context("cannot run psql (Debian: apt-get install postgresql-client)")?;
    anyhow::ensure!(status.success(), "psql {url}: {sql} failed");
    Ok(())
}

/// `deploy/haproxy.cfg`, listening on `port`, in front of `nodes`.
fn haproxy_config(port: u16, nodes: &[String]) -> Result<String> {
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/haproxy.cfg"))?;
    let servers: String = (1..)
        .zip(nodes)
        .map(|(n, host)| format!("    server atelier{n} {host} check\n"))
        .collect();
    let mut config = String::new();
    for line in shipped.lines() {
        let trimmed = line.trim_start();
        match trimmed {
            _ if trimmed.starts_with("server ") => {}
            "bind :80" => config.push_str(&format!("    bind 127.0.0.1:{port}\n")),
            _ => {
                config.push_str(line);
                config.push('\n');
                if trimmed.starts_with("default-server ") {
                    config.push_str(&servers);
                }
            }
        }
    }
    Ok(config)
}

impl Server {
    /// Starts `binary`; with `store`, every acknowledged command is stored first, in
    /// the way [`DEPLOYMENT`] says.
    pub async fn start(binary: &Path, store: bool) -> Result<Server> {
        let deployment = DEPLOYMENT.get().cloned().unwrap_or(Deployment {
            postgres: None,
            nodes: 1,
            haproxy: PathBuf::from("/usr/sbin/haproxy"),
        });
        let mut data_dir = None;
        let mut database = None;
        let mut per_node: Vec<Vec<String>> = vec![vec!["--in-memory".into()]];
        match (&deployment.postgres, store) {
            (_, false) => {}
            (None, true) => {
                anyhow::ensure!(
                    deployment.nodes == 1,
                    "several nodes share a PostgreSQL store: give --postgres"
                );
                let dir = std::env::temp_dir().join(format!("atelier-bench-{}", uuid::Uuid::new_v4()));
                per_node = vec![vec!["--data-dir".into(), dir.display().to_string()]];
                data_dir = Some(dir);
            }
            (Some(admin), true) => {
                let name = format!("atelier_bench_{}", uuid::Uuid::new_v4().simple());
                psql(admin, &format!("CREATE DATABASE {name}")).await?;
                let (server, _) = admin
                    .rsplit_once('/')
                    .context("a PostgreSQL URL ending in /DATABASE")?;
                let url = format!("{server}/{name}");
                per_node = (1..=deployment.nodes)
                    .map(|n| {
                        vec![
                            "--store".into(),
                            url.clone(),
                            "--node".into(),
                            format!("bench{n}"),
                        ]
                    })
                    .collect();
                database = Some((admin.clone(), name));
            }
        }
        let mut nodes = Vec::new();
        let mut hosts = Vec::new();
        for options in &per_node {
            let (child, host) = node(binary, options).await?;
            nodes.push(child);
            hosts.push(host);
        }
        let pids: Vec<u32> = nodes.iter().filter_map(Child::id).collect();
        anyhow::ensure!(pids.len() == nodes.len(), "a node exited at once");
        let mut server = Server {
            nodes,
            pid: pids[0],
            pids,
            host: hosts[0].clone(),
            data_dir,
            proxy: None,
            database,
        };
        if hosts.len() > 1 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let dir = std::env::temp_dir().join(format!("atelier-bench-haproxy-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir)?;
            let file = dir.join("haproxy.cfg");
            std::fs::write(&file, haproxy_config(port, &hosts)?)?;
            let child = Command::new(&deployment.haproxy)
                .arg("-db")
                .arg("-f")
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("cannot start {}", deployment.haproxy.display()))?;
            server.proxy = Some((child, dir));
            server.host = format!("127.0.0.1:{port}");
            // Every node marked up (two good checks each).
            tokio::time::sleep(Duration::from_millis(2_500)).await;
        }
        Ok(server)
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

    /// The nodes' CPU time and resident memory, added up.
    pub fn usage(&self) -> Result<Usage> {
        let mut total = Usage::default();
        for pid in &self.pids {
            let node = Usage::of(&pid.to_string())?;
            total.cpu_seconds += node.cpu_seconds;
            total.rss_kib += node.rss_kib;
        }
        Ok(total)
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
        for (pid, child) in self.pids.iter().zip(&mut self.nodes) {
            let asked = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await
                .is_ok_and(|status| status.success());
            if !asked || timeout(Duration::from_secs(10), child.wait()).await.is_err() {
                let _ = child.kill().await;
            }
        }
        if let Some((mut proxy, dir)) = self.proxy.take() {
            let _ = proxy.kill().await;
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(dir) = self.data_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.database.take() {
            let _ = psql(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
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
