//! Headless Chromium driven through ChromeDriver (WebDriver), one fresh profile per
//! session so that two sessions are two different people.

use std::path::PathBuf;
use std::process::Stdio;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

use crate::PATIENCE;

/// A running ChromeDriver; killed when dropped, and its browsers' profiles removed.
#[derive(Debug)]
pub struct Driver {
    url: String,
    /// Every session's profile lives under this directory.
    profiles: PathBuf,
    _process: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Best effort: a browser still closing may hold a file for a moment.
        let _ = std::fs::remove_dir_all(&self.profiles);
    }
}

/// The program `env` names (`CHROME`, `CHROMEDRIVER`: absolute paths, set by `cargo
/// xtask test`), else the first of `names` on PATH, else the first of `places` that
/// exists: the search `cargo xtask test` makes (xtask/src/prerequisites.rs), which also
/// refuses snap wrappers and checks that the two major versions match.
fn program(env: &str, names: &[&str], places: &[&str]) -> String {
    if let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        assert!(
            path.is_absolute() && path.is_file(),
            "{env}={}: not an absolute path to a file",
            path.display()
        );
        return path.display().to_string();
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|name| {
            let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
            on_path.iter().map(move |dir| dir.join(&file))
        })
        .chain(places.iter().map(PathBuf::from))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{env} is not set and none of {names:?} is on PATH or in {places:?}: \
                 `cargo xtask test` finds or installs Chromium and ChromeDriver, or set {env}"
            )
        })
        .display()
        .to_string()
}

fn chromium() -> String {
    program(
        "CHROME",
        &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
            "chrome",
        ],
        &[
            "/usr/bin/chromium",
            "/usr/lib/chromium/chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
        ],
    )
}

fn chromedriver() -> String {
    program(
        "CHROMEDRIVER",
        &["chromedriver"],
        &[
            "/usr/bin/chromedriver",
            "/usr/lib/chromium/chromedriver",
            "/opt/homebrew/bin/chromedriver",
            "/usr/local/bin/chromedriver",
        ],
    )
}

impl Driver {
    /// Starts ChromeDriver on a free port and waits until it says it is ready.
    pub async fn start() -> Driver {
        let chromedriver = chromedriver();
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("address").port()
        };
        let mut process = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {chromedriver}: {e}. `cargo xtask test` installs Chromium and ChromeDriver."
                )
            });
        let stdout = process.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = async {
            while let Some(line) = lines.next_line().await.expect("read chromedriver output") {
                if line.contains("started successfully") {
                    return;
                }
            }
            panic!("chromedriver exited before it was ready");
        };
        timeout(PATIENCE, ready)
            .await
            .expect("chromedriver starts in time");
        Driver {
            url: format!("http://127.0.0.1:{port}"),
            profiles: std::env::temp_dir().join(format!("atelier-chromium-{}", uuid::Uuid::new_v4())),
            _process: process,
        }
    }

    /// A new browser, with its own empty profile (storage, cookies): a French desktop
    /// (1280 × 900).
    pub async fn session(&self) -> Client {
        self.session_as("fr-FR", (1280, 900)).await
    }

    /// A new browser preferring `lang` (`en-US`), its page `size` CSS pixels wide and
    /// high (a phone: 390 × 844).
    pub async fn session_as(&self, lang: &str, size: (u32, u32)) -> Client {
        let profile = self.profiles.join(uuid::Uuid::new_v4().to_string());
        let mut options = json!({
            "binary": chromium(),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--window-size={},{}", size.0, size.1),
                format!("--lang={lang}"),
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl": { "accept_languages": lang } },
        });
        // Headless Chromium keeps a window at least 500 px wide: a phone is emulated
        // (its width, its pixel ratio, touch), as Chromium's device mode does.
        if size.0 < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": size.0, "height": size.1, "pixelRatio": 3.0, "touch": true },
            });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        // The page's console, read back by `console_errors`.
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// ChromeDriver's log command: what the page wrote to its console since last asked.
#[derive(Debug)]
struct ReadConsole;

impl WebDriverCompatibleCommand for ReadConsole {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// The errors the page logged since the last call: exceptions, panics (a wasm panic
/// prints through `console.error`), rejected promises. Failed network requests are
/// left out: some tests cut the network on purpose, and the server refuses on purpose.
pub async fn console_errors(browser: &Client) -> Vec<String> {
    let entries = browser
        .issue_cmd(ReadConsole)
        .await
        .expect("ChromeDriver returns the browser's console");
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["level"] == "SEVERE" && e["source"] != "network")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Fails the test if the page logged any error (see [`console_errors`]).
pub async fn assert_no_console_errors(browser: &Client, who: &str) {
    let errors = console_errors(browser).await;
    assert!(
        errors.is_empty(),
        "{who}'s page logged errors:\n{}",
        errors.join("\n")
    );
}

/// Where screenshots of test runs are saved (ignored by git).
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}
