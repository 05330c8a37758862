//! The reverse proxy administrators are given, `deploy/nginx.conf`, run for real: the
//! very file, its placeholders (ports, certificate, upstream) replaced, in a throwaway
//! prefix with a self-signed certificate. Debian's nginx (`/usr/sbin/nginx`, or
//! `$NGINX`) runs it as a child of the test, on loopback ports; no root needed.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::json;

use crate::PATIENCE;

/// The site file shipped in `deploy/`.
pub fn site_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf")
}

/// Two free loopback ports, for plain HTTP and for HTTPS. Chosen before the server
/// starts, so that it can be told its public address.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    pub http: u16,
    pub https: u16,
}

impl Ports {
    pub fn free() -> Ports {
        // Both probes are held at once, so the two ports differ.
        let http = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let https = TcpListener::bind("127.0.0.1:0").expect("a free port");
        Ports {
            http: http.local_addr().expect("address").port(),
            https: https.local_addr().expect("address").port(),
        }
    }

    /// What people type: `https://127.0.0.1:PORT`.
    pub fn public_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.https)
    }
}

/// A running nginx; stopped when dropped, and its prefix (configuration, certificate,
/// logs) removed.
#[derive(Debug)]
pub struct Nginx {
    pub ports: Ports,
    dir: PathBuf,
    process: Option<Child>,
}

impl Nginx {
    /// Starts nginx with `deploy/nginx.conf` in front of the Atelier server at
    /// `upstream`, on `ports`, and waits until it accepts connections.
    pub fn start(ports: Ports, upstream: SocketAddr) -> Nginx {
        let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".to_owned());
        assert!(
            Path::new(&nginx).is_file(),
            "no nginx at {nginx} (set NGINX, or `apt-get install nginx`; `cargo xtask test` installs it)"
        );
        let dir = std::env::temp_dir().join(format!("atelier-nginx-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create the nginx prefix");
        self_signed_certificate(&dir);
        let site = std::fs::read_to_string(site_file()).expect("read deploy/nginx.conf");
        std::fs::write(dir.join("atelier.conf"), render(&site, ports, upstream, &dir))
            .expect("write the site");
        std::fs::write(dir.join("nginx.conf"), main_config(&dir)).expect("write nginx.conf");

        let args = |extra: &[&str]| {
            let mut command = Command::new(&nginx);
            command
                .args(["-e", "stderr", "-p"])
                .arg(&dir)
                .arg("-c")
                .arg(dir.join("nginx.conf"))
                .args(extra);
            command
        };
        let checked = args(&["-t", "-q"]).output().expect("run nginx -t");
        assert!(
            checked.status.success(),
            "nginx -t refuses deploy/nginx.conf as rendered in {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&checked.stderr)
        );
        let stderr = std::fs::File::create(dir.join("stderr.log")).expect("create stderr.log");
        let process = args(&[])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {nginx}: {e}"));
        let mut nginx = Nginx {
            ports,
            dir,
            process: Some(process),
        };
        nginx.wait_until_listening();
        nginx
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let exited = self
                .process
                .as_mut()
                .and_then(|p| p.try_wait().expect("nginx's status"));
            if let Some(status) = exited {
                panic!("nginx exited ({status}):\n{}", self.logs());
            }
            let listening = [self.ports.http, self.ports.https]
                .iter()
                .all(|port| TcpStream::connect(("127.0.0.1", *port)).is_ok());
            if listening {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "nginx does not listen on {:?}:\n{}",
                self.ports,
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `https://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.ports.public_url())
    }

    /// nginx's access log so far: one line per request, `"GET /ws HTTP/1.1" 101 …`.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }

    /// What nginx said on stderr and in its error log, for failure messages.
    pub fn logs(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "--- stderr\n{}--- error.log\n{}",
            read("stderr.log"),
            read("error.log")
        )
    }
}

impl Drop for Nginx {
    /// SIGTERM, as `systemctl stop` does: the master stops its workers too (a SIGKILL
    /// would leave them holding the ports). SIGKILL if it takes too long.
    fn drop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &process.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(process.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = process.kill();
            let _ = process.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `fullchain.pem` and `privkey.pem` in `dir`, for `127.0.0.1`, as Let's Encrypt
/// names them.
fn self_signed_certificate(dir: &Path) {
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
        ])
        .arg(dir.join("privkey.pem"))
        .arg("-out")
        .arg(dir.join("fullchain.pem"))
        .output()
        .expect("run openssl (apt-get install openssl)");
    assert!(
        made.status.success(),
        "openssl cannot make a certificate:\n{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// `site` with what an administrator would change changed: the ports (loopback
/// only, no IPv6: CI machines may have none), the certificate's directory, Atelier's
/// address. Every placeholder must be found: if the file changes, this fails rather
/// than test something else.
pub fn render(site: &str, ports: Ports, upstream: SocketAddr, dir: &Path) -> String {
    let replacements = [
        ("listen 80;", format!("listen 127.0.0.1:{};", ports.http)),
        ("listen 443 ssl", format!("listen 127.0.0.1:{} ssl", ports.https)),
        (
            "/etc/letsencrypt/live/atelier.example.org/",
            format!("{}/", dir.display()),
        ),
        ("server 127.0.0.1:8080;", format!("server {upstream};")),
    ];
    let mut rendered: String = site
        .lines()
        .filter(|line| !line.trim_start().starts_with("listen [::]"))
        .map(|line| format!("{line}\n"))
        .collect();
    for (placeholder, value) in replacements {
        assert!(
            rendered.contains(placeholder),
            "deploy/nginx.conf no longer has {placeholder:?}: update tests/support/nginx.rs"
        );
        rendered = rendered.replace(placeholder, &value);
    }
    rendered
}

/// The rest of an nginx configuration, as Debian's `/etc/nginx/nginx.conf` is around
/// `sites-enabled/`, with every path in `dir`.
fn main_config(dir: &Path) -> String {
    let dir = dir.display();
    let mime = Path::new("/etc/nginx/mime.types");
    let mime = if mime.is_file() {
        format!("include {};", mime.display())
    } else {
        String::new()
    };
    format!(
        "daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;

events {{
    worker_connections 256;
}}

http {{
    {mime}
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    include {dir}/atelier.conf;
}}
"
    )
}

/// Makes `browser` accept the test's self-signed certificate (pages and their
/// websockets), as `--ignore-certificate-errors` would, through ChromeDriver's
/// DevTools bridge.
pub async fn accept_any_certificate(browser: &Client) {
    browser
        .issue_cmd(DevTools {
            method: "Security.setIgnoreCertificateErrors",
            params: json!({ "ignore": true }),
        })
        .await
        .expect("Chromium ignores certificate errors");
}

/// ChromeDriver's `goog/cdp/execute`: one DevTools command.
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
