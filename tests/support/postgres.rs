//! A real PostgreSQL server for the tests: Debian's (`apt-get install postgresql`;
//! `cargo xtask test` installs it), a cluster of the tests' own in the temporary
//! directory, started on first use by whichever test needs it first and left running
//! for the next ones (a later run finds it and uses it). Each test gets a database of
//! its own, dropped with its [`Database`] guard.
//!
//! `ATELIER_TEST_POSTGRES=postgres://…` uses that server instead (its user must be
//! allowed to create databases).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

/// The port of the tests' own cluster.
const PORT: u16 = 55_432;

/// The tests' cluster's administrative URL, the cluster started if it was not.
fn server() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("ATELIER_TEST_POSTGRES") {
            return url;
        }
        let url = format!("postgres://atelier@127.0.0.1:{PORT}/postgres");
        // Test binaries run side by side: one of them starts the cluster.
        let lock = std::fs::File::create(std::env::temp_dir().join(format!("atelier-postgres-{PORT}.lock")))
            .expect("create the cluster's lock file");
        lock.lock().expect("take the cluster's lock");
        if Client::connect(&url, NoTls).is_err() {
            start_cluster();
        }
        wait_for(&url);
        url
    })
}

/// Debian's PostgreSQL programs (the newest version under /usr/lib/postgresql), or
/// those on PATH.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    let on_path = || {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .find(|dir| dir.join("initdb").is_file())
    };
    versions
        .pop()
        .map(|(_, bin)| bin)
        .or_else(on_path)
        .unwrap_or_else(|| {
            panic!(
                "no PostgreSQL (initdb) under /usr/lib/postgresql nor on PATH: `apt-get install postgresql` \
             (`cargo xtask test` does), or set ATELIER_TEST_POSTGRES to a server's URL"
            )
        })
}

/// Runs a PostgreSQL program as the user that may: PostgreSQL refuses to run as
/// root, so as root it runs as Debian's `postgres` user.
fn as_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Makes the cluster if it does not exist yet, and starts it.
fn start_cluster() {
    let bin = bin_dir();
    let dir = std::env::temp_dir().join(format!("atelier-postgres-{PORT}"));
    if !dir.join("PG_VERSION").is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cluster's directory");
        if running_as_root() {
            let chown = Command::new("chown").arg("postgres:postgres").arg(&dir).status();
            assert!(
                chown.is_ok_and(|s| s.success()),
                "chown {} to postgres",
                dir.display()
            );
        }
        let made = as_owner(&bin.join("initdb"))
            .args([
                "-U",
                "atelier",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
                "-D",
            ])
            .arg(&dir)
            .output()
            .expect("run initdb");
        assert!(
            made.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
    let options = format!("-p {PORT} -k {} -c listen_addresses=127.0.0.1", dir.display());
    let started = as_owner(&bin.join("pg_ctl"))
        .arg("-D")
        .arg(&dir)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-o", &options, "-w", "start"])
        .output()
        .expect("run pg_ctl");
    assert!(
        started.status.success(),
        "pg_ctl start failed: {}{}",
        String::from_utf8_lossy(&started.stdout),
        String::from_utf8_lossy(&started.stderr)
    );
}

fn wait_for(url: &str) {
    let start = Instant::now();
    loop {
        match Client::connect(url, NoTls) {
            Ok(_) => return,
            Err(e) if start.elapsed() > Duration::from_secs(30) => panic!("PostgreSQL at {url}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Runs `f` on a thread of its own: the synchronous driver runs a runtime of its
/// own, which cannot start on a thread of the test's.
fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f)
        .join()
        .expect("the PostgreSQL helper panicked")
}

/// A database of one test's own, dropped (with whoever is still connected) when
/// this is.
#[derive(Debug)]
pub struct Database {
    pub url: String,
    name: String,
}

impl Database {
    pub fn fresh() -> Database {
        let name = format!("atelier_{}", uuid::Uuid::new_v4().simple());
        let created = name.clone();
        let admin = off_runtime(move || {
            let admin = server().to_owned();
            let mut client = Client::connect(&admin, NoTls).expect("connect to the tests' PostgreSQL");
            client
                .batch_execute(&format!("CREATE DATABASE {created}"))
                .expect("create a test database");
            admin
        });
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("{admin}: not a URL with a database"),
        };
        Database { url, name }
    }

    /// Runs `sql` in this database (a test's own changes behind the server's back).
    pub fn execute(&self, sql: &str) {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        off_runtime(move || {
            Client::connect(&url, NoTls)
                .expect("connect to the test database")
                .batch_execute(&sql)
                .expect("run the test's SQL");
        });
    }

    /// The first column of the first row `sql` returns, as text.
    pub fn query_text(&self, sql: &str) -> Option<String> {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        off_runtime(move || {
            let mut client = Client::connect(&url, NoTls).expect("connect to the test database");
            let row = client
                .simple_query(&sql)
                .expect("run the test's query")
                .into_iter()
                .find_map(|message| match message {
                    postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_owned)),
                    _ => None,
                });
            row.flatten()
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(mut client) = Client::connect(server(), NoTls) {
                let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}
