//! What the build and the tests need from the machine, installed only when missing,
//! and only where that is safe: on Debian (apt-get). Elsewhere the message says what
//! to install.
//!
//! `cargo xtask test` is supported on Debian 12 or newer (and Debian-based CI); on
//! other systems when Chromium (or Chrome), a ChromeDriver of the same major version,
//! nginx, HAProxy, PostgreSQL's server programs and a C compiler are installed, with
//! `CHROME` and `CHROMEDRIVER` set when they are not found by name.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::dist::WASM_TARGET;
use crate::run::{self, CommandExt};

/// Where `cargo xtask test` works, said in the usage text and in every "missing" message.
pub(crate) const SUPPORTED: &str = "`cargo xtask test` installs what it needs on Debian 12 or newer (and Debian-based CI); \
on Ubuntu, macOS, Windows and other Linux systems install Chromium or Chrome, a ChromeDriver of the same \
major version, nginx, HAProxy, PostgreSQL and a C compiler yourself, and set CHROME and CHROMEDRIVER (absolute paths) if they \
are not found by name. `cargo xtask serve` works on all of them.";

/// Why a C compiler, and how to get one.
const C_COMPILER: &str = "a C compiler is needed to build the bundled SQLite: install build-essential \
(Debian/Ubuntu), Xcode command line tools (`xcode-select --install`, macOS), Visual Studio Build Tools (Windows)";

/// The wasm32 standard library, through rustup.
pub(crate) fn wasm_target() -> Result<()> {
    let Ok(installed) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        // A Rust without rustup (a distribution's): its sysroot may hold the target.
        let sysroot = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .args(["--print", "sysroot"])
            .output()
            .context("running rustc --print sysroot")?;
        let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
        if sysroot.join("lib/rustlib").join(WASM_TARGET).is_dir() {
            return Ok(());
        }
        bail!(
            "the {WASM_TARGET} standard library is missing and rustup is not installed: \
             install Rust with rustup (https://rustup.rs), which reads rust-toolchain.toml"
        );
    };
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

/// `npm`, which is `npm.cmd` on Windows (a batch file `Command` does not find by name).
fn npm() -> Command {
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}

/// binaryen's wasm-opt from npm, at the version locked in `xtask/wasm-opt/`. Returns
/// `None` (the bundle is then larger, but works) when npm is not available.
pub(crate) fn wasm_opt(root: &Path) -> Result<Option<PathBuf>> {
    let tools = root.join("target/tools/wasm-opt");
    // A node script: run by its shebang, or on Windows by the shim npm writes.
    let program = if cfg!(windows) {
        tools.join("node_modules/.bin/wasm-opt.cmd")
    } else {
        tools.join("node_modules/binaryen/bin/wasm-opt")
    };
    let locked = root.join("xtask/wasm-opt/package-lock.json");
    let installed_lock = tools.join("package-lock.json");
    let current = program.is_file() && std::fs::read(&installed_lock).ok() == std::fs::read(&locked).ok();
    if current {
        return Ok(Some(program));
    }
    if !npm().arg("--version").succeeds() {
        eprintln!("warning: npm not found: the client bundle is not optimised by wasm-opt");
        return Ok(None);
    }
    run::step("installing wasm-opt (binaryen, from npm)");
    std::fs::create_dir_all(&tools)?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(root.join("xtask/wasm-opt").join(file), tools.join(file))?;
    }
    npm()
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&tools)
        .status_ok()?;
    Ok(Some(program))
}

/// Fails with what to install when no C compiler is found (rusqlite compiles SQLite).
pub(crate) fn c_compiler() -> Result<()> {
    if has_c_compiler() {
        Ok(())
    } else {
        bail!("{C_COMPILER}")
    }
}

/// `$CC`, else `cc`, `gcc` or `clang`, answering `--version`. On Windows the cc crate
/// finds MSVC through the registry, which is not worth repeating here: assumed present.
fn has_c_compiler() -> bool {
    if cfg!(windows) {
        return true;
    }
    if let Some(cc) = std::env::var("CC").ok().filter(|cc| !cc.trim().is_empty()) {
        // `CC` may carry a wrapper and flags ("ccache gcc"): the first word runs.
        let mut words = cc.split_whitespace();
        let program = words.next().unwrap_or_default();
        return Command::new(program).args(words).arg("--version").succeeds();
    }
    ["cc", "gcc", "clang"]
        .iter()
        .any(|cc| Command::new(cc).arg("--version").succeeds())
}

/// What the tests are given: where the browser, its driver, nginx and HAProxy are.
/// (The tests find PostgreSQL's programs under /usr/lib/postgresql themselves.)
#[derive(Debug)]
pub(crate) struct TestTools {
    pub chrome: PathBuf,
    pub chromedriver: PathBuf,
    pub nginx: PathBuf,
    pub haproxy: PathBuf,
}

/// Chromium (or Chrome), a ChromeDriver of the same major version, nginx and a C
/// compiler: found, installed on Debian, or a message saying what to install.
pub(crate) fn test_tools() -> Result<TestTools> {
    let platform = Platform::current();
    let mut found = Found::look()?;
    match plan(platform, &found.missing()) {
        Plan::Ready => {}
        Plan::Advise(advice) => bail!("{advice}"),
        Plan::Apt(packages) => {
            run::step(&format!("installing {} (Debian packages)", packages.join(", ")));
            apt_install(&packages)?;
            found = Found::look()?;
            let missing = found.missing();
            if missing.any() {
                bail!(
                    "still missing after apt-get install {}: {}",
                    packages.join(" "),
                    missing.describe()
                );
            }
        }
    }
    let (Some(chrome), Some(chromedriver), Some(nginx), Some(haproxy)) =
        (found.chrome, found.chromedriver, found.nginx, found.haproxy)
    else {
        bail!("internal: a tool is missing although nothing was reported missing");
    };
    same_major_version(&chrome, &chromedriver)?;
    Ok(TestTools {
        chrome,
        chromedriver,
        nginx,
        haproxy,
    })
}

/// The system, as far as installing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    /// Debian or a derivative that is not Ubuntu: apt-get gives matching Chromium and
    /// ChromeDriver packages.
    Debian,
    /// Ubuntu or a derivative: apt's chromium is a snap, which fails in containers and CI.
    Ubuntu,
    OtherLinux,
    MacOs,
    Windows,
    Other,
}

impl Platform {
    fn current() -> Platform {
        let os_release = std::fs::read_to_string("/etc/os-release")
            .or_else(|_| std::fs::read_to_string("/usr/lib/os-release"))
            .ok();
        Platform::from(
            std::env::consts::OS,
            os_release.as_deref(),
            Path::new("/etc/debian_version").is_file(),
        )
    }

    /// From `std::env::consts::OS`, `/etc/os-release` and whether `/etc/debian_version`
    /// exists (Ubuntu has one too).
    fn from(os: &str, os_release: Option<&str>, debian_version: bool) -> Platform {
        match os {
            "macos" => Platform::MacOs,
            "windows" => Platform::Windows,
            "linux" => {
                let field = |key: &str| {
                    os_release
                        .unwrap_or_default()
                        .lines()
                        .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
                        .map(|value| value.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
                        .unwrap_or_default()
                };
                let (id, like) = (field("ID"), field("ID_LIKE"));
                let is = |name: &str| id == name || like.split_whitespace().any(|l| l == name);
                if is("ubuntu") {
                    Platform::Ubuntu
                } else if is("debian") || debian_version {
                    Platform::Debian
                } else {
                    Platform::OtherLinux
                }
            }
            _ => Platform::Other,
        }
    }
}

/// What `test` needs and did not find.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Missing {
    chrome: bool,
    chromedriver: bool,
    nginx: bool,
    haproxy: bool,
    postgres: bool,
    c_compiler: bool,
    /// Snap wrappers found and refused (they fail in containers and CI).
    snaps: Vec<PathBuf>,
}

impl Missing {
    fn any(&self) -> bool {
        self.chrome || self.chromedriver || self.nginx || self.haproxy || self.postgres || self.c_compiler
    }

    fn describe(&self) -> String {
        let mut what = Vec::new();
        if self.chrome {
            what.push("Chromium or Chrome (CHROME)");
        }
        if self.chromedriver {
            what.push("ChromeDriver (CHROMEDRIVER)");
        }
        if self.nginx {
            what.push("nginx");
        }
        if self.haproxy {
            what.push("HAProxy");
        }
        if self.postgres {
            what.push("PostgreSQL's server (initdb, pg_ctl)");
        }
        if self.c_compiler {
            what.push("a C compiler");
        }
        what.join(", ")
    }
}

/// What to do about what is missing.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Ready,
    /// Debian: install these packages.
    Apt(Vec<&'static str>),
    /// Anywhere else: fail, saying what to install.
    Advise(String),
}

fn plan(platform: Platform, missing: &Missing) -> Plan {
    if !missing.any() {
        return Plan::Ready;
    }
    let browser = missing.chrome || missing.chromedriver;
    let mut apt = Vec::new();
    if browser {
        apt.extend(["chromium", "chromium-driver"]);
    }
    if missing.nginx {
        // The proxy test makes its throwaway certificate with the openssl command.
        apt.extend(["nginx", "openssl"]);
    }
    if missing.haproxy {
        apt.push("haproxy");
    }
    if missing.postgres {
        apt.push("postgresql");
    }
    if missing.c_compiler {
        apt.push("build-essential");
    }
    let mut advice = vec![format!("missing: {}.", missing.describe())];
    for snap in &missing.snaps {
        advice.push(format!(
            "{} is a snap wrapper, refused: snaps fail in containers and CI.",
            snap.display()
        ));
    }
    let set_env = "then set CHROME and CHROMEDRIVER to their absolute paths if they are not on PATH";
    match platform {
        Platform::Debian => return Plan::Apt(apt),
        Platform::Ubuntu => {
            // nginx and build-essential are ordinary packages there; Chromium is not.
            apt.retain(|p| !p.starts_with("chromium"));
            if !browser {
                return Plan::Apt(apt);
            }
            advice.push(
                "On Ubuntu the chromium package is a snap: install Google Chrome \
                 (https://www.google.com/chrome/) and the ChromeDriver of the same major version \
                 (https://googlechromelabs.github.io/chrome-for-testing/), or Debian's chromium and \
                 chromium-driver packages,"
                    .to_owned(),
            );
            advice.push(format!("{set_env}."));
            if !apt.is_empty() {
                advice.push(format!("Also: sudo apt-get install {}", apt.join(" ")));
            }
        }
        Platform::MacOs => {
            if browser {
                // The chromedriver cask follows Chrome's stable release, Chromium's cask
                // its own snapshots: Chrome is the pair that matches.
                advice.push(format!(
                    "Install Chrome and a matching ChromeDriver: brew install --cask google-chrome chromedriver \
                     (or brew install --cask chromium, with the ChromeDriver of its major version); {set_env}."
                ));
            }
            if missing.nginx {
                advice.push("Install nginx: brew install nginx".to_owned());
            }
            if missing.haproxy || missing.postgres {
                advice.push(
                    "Install HAProxy and PostgreSQL: brew install haproxy postgresql \
                     (initdb on PATH), or set ATELIER_TEST_POSTGRES to a server's URL"
                        .to_owned(),
                );
            }
            if missing.c_compiler {
                advice.push("Install a C compiler: xcode-select --install".to_owned());
            }
        }
        Platform::Windows => {
            if browser {
                advice.push(format!(
                    "Install Google Chrome (winget install Google.Chrome) and the ChromeDriver of the same \
                     major version (https://googlechromelabs.github.io/chrome-for-testing/); {set_env}."
                ));
            }
            if missing.nginx {
                advice.push(
                    "Install nginx for Windows (https://nginx.org/en/download.html), nginx.exe on PATH."
                        .to_owned(),
                );
            }
            if missing.haproxy || missing.postgres {
                advice.push(
                    "The multi-node tests need HAProxy and PostgreSQL (initdb on PATH, or \
                     ATELIER_TEST_POSTGRES set to a server's URL): run them under WSL with Debian."
                        .to_owned(),
                );
            }
            if missing.c_compiler {
                advice.push("Install Visual Studio Build Tools (C++).".to_owned());
            }
        }
        Platform::OtherLinux | Platform::Other => {
            advice.push(format!(
                "Install them with the system's package manager (Chromium or Chrome with the ChromeDriver \
                 of the same major version, nginx, gcc or clang); {set_env}."
            ));
        }
    }
    advice.push(SUPPORTED.to_owned());
    Plan::Advise(advice.join("\n"))
}

/// `apt-get install`, as root or through `sudo -n`; `apt-get update` first if the
/// package lists are missing (a fresh container).
fn apt_install(packages: &[&str]) -> Result<()> {
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
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(packages);
    if !apt(&install).status().is_ok_and(|s| s.success()) {
        apt(&["update"])
            .status_ok()
            .and_then(|()| apt(&install).status_ok())
            .with_context(|| {
                format!(
                    "installing {} needs root or password-less sudo; or install them yourself: \
                     sudo apt-get install {}",
                    packages.join(", "),
                    packages.join(" ")
                )
            })?;
    }
    Ok(())
}

/// What was found on this machine.
#[derive(Debug, Default)]
struct Found {
    chrome: Option<PathBuf>,
    chromedriver: Option<PathBuf>,
    nginx: Option<PathBuf>,
    haproxy: Option<PathBuf>,
    postgres: bool,
    c_compiler: bool,
    snaps: Vec<PathBuf>,
}

impl Found {
    /// An error only when `CHROME` or `CHROMEDRIVER` is set and wrong: that is never
    /// worked around.
    fn look() -> Result<Found> {
        let mut snaps = Vec::new();
        let chrome = locate("CHROME", CHROME_NAMES, &chrome_locations(), &mut snaps)?;
        let chromedriver = locate("CHROMEDRIVER", &["chromedriver"], &driver_locations(), &mut snaps)?;
        Ok(Found {
            chrome,
            chromedriver,
            nginx: nginx(),
            haproxy: haproxy(),
            postgres: postgres(),
            c_compiler: has_c_compiler(),
            snaps,
        })
    }

    fn missing(&self) -> Missing {
        Missing {
            chrome: self.chrome.is_none(),
            chromedriver: self.chromedriver.is_none(),
            nginx: self.nginx.is_none(),
            haproxy: self.haproxy.is_none(),
            postgres: !self.postgres,
            c_compiler: !self.c_compiler,
            snaps: self.snaps.clone(),
        }
    }
}

/// Chromium's and Chrome's names on PATH, in the order they are preferred.
const CHROME_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// Where browsers are installed outside PATH.
fn chrome_locations() -> Vec<PathBuf> {
    let mut places: Vec<PathBuf> = [
        "/usr/bin/chromium",
        "/usr/lib/chromium/chromium",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    for base in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        if let Some(base) = std::env::var_os(base) {
            let base = PathBuf::from(base);
            places.push(base.join(r"Google\Chrome\Application\chrome.exe"));
            places.push(base.join(r"Chromium\Application\chrome.exe"));
        }
    }
    places
}

fn driver_locations() -> Vec<PathBuf> {
    [
        "/usr/bin/chromedriver",
        "/usr/lib/chromium/chromedriver",
        "/opt/homebrew/bin/chromedriver",
        "/usr/local/bin/chromedriver",
    ]
    .iter()
    .map(PathBuf::from)
    .collect()
}

/// `env` if set (an absolute path to a file, not a snap), else the first of `names` on
/// PATH, else the first of `places` that exists. Snap wrappers are skipped and noted.
fn locate(
    env: &str,
    names: &[&str],
    places: &[PathBuf],
    snaps: &mut Vec<PathBuf>,
) -> Result<Option<PathBuf>> {
    if let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&value);
        if !path.is_absolute() {
            bail!("{env}={}: give an absolute path", path.display());
        }
        if !path.is_file() {
            bail!("{env}={}: no such file", path.display());
        }
        if is_snap(&path) {
            bail!(
                "{env}={}: a snap wrapper, which fails in containers and CI; point {env} at a \
                 Chrome or Chromium installed from a .deb, a tarball or Chrome for Testing",
                path.display()
            );
        }
        return Ok(Some(path));
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let candidates = names
        .iter()
        .flat_map(|name| {
            let file = OsString::from(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            on_path.iter().map(move |dir| dir.join(&file))
        })
        .chain(places.iter().cloned());
    for candidate in candidates {
        if !candidate.is_file() {
            continue;
        }
        if is_snap(&candidate) {
            if !snaps.contains(&candidate) {
                snaps.push(candidate);
            }
            continue;
        }
        return Ok(Some(candidate));
    }
    Ok(None)
}

/// A snap, or a script that starts one (Ubuntu's `/usr/bin/chromium-browser` and
/// `/usr/bin/chromedriver` are such scripts).
fn is_snap(path: &Path) -> bool {
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    if path.starts_with("/snap/") || resolved.starts_with("/snap/") || resolved == Path::new("/usr/bin/snap")
    {
        return true;
    }
    let small = std::fs::metadata(&resolved).is_ok_and(|m| m.len() < 64 * 1024);
    small
        && std::fs::read(&resolved).is_ok_and(|bytes| {
            bytes.starts_with(b"#!") && {
                let text = String::from_utf8_lossy(&bytes);
                text.contains("/snap/bin/")
                    || text.contains("snap run")
                    || text.contains("requires the chromium snap")
            }
        })
}

/// `/usr/sbin/nginx` (Debian's, which the proxy test uses), else `nginx` on PATH;
/// counted missing without the `openssl` command, which makes the test's certificate.
fn nginx() -> Option<PathBuf> {
    if !Command::new("openssl").arg("version").succeeds() {
        return None;
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let file = format!("nginx{}", std::env::consts::EXE_SUFFIX);
    std::iter::once(PathBuf::from("/usr/sbin/nginx"))
        .chain(on_path.iter().map(|dir| dir.join(&file)))
        .find(|candidate| candidate.is_file() && Command::new(candidate).arg("-v").succeeds())
}

/// `/usr/sbin/haproxy` (Debian's), else `haproxy` on PATH: the multi-node tests run
/// `deploy/haproxy.cfg` with it.
fn haproxy() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    std::iter::once(PathBuf::from("/usr/sbin/haproxy"))
        .chain(on_path.iter().map(|dir| dir.join("haproxy")))
        .find(|candidate| candidate.is_file() && Command::new(candidate).arg("-v").succeeds())
}

/// Debian's PostgreSQL server programs (`/usr/lib/postgresql/VERSION/bin/initdb`),
/// which the tests use to run a cluster of their own.
fn postgres() -> bool {
    std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .any(|version| version.path().join("bin/initdb").is_file())
}

/// ChromeDriver drives only the browser of its own major version: checked here, so a
/// mismatch is one clear message instead of every browser test failing.
fn same_major_version(chrome: &Path, chromedriver: &Path) -> Result<()> {
    let version = |program: &Path| {
        Command::new(program)
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| major_version(&String::from_utf8_lossy(&o.stdout)))
    };
    match (version(chrome), version(chromedriver)) {
        (Some(browser), Some(driver)) if browser != driver => bail!(
            "{} is version {browser} but {} is version {driver}: ChromeDriver only drives the browser \
             of its own major version. Install a matching pair (Debian: chromium and chromium-driver; \
             elsewhere https://googlechromelabs.github.io/chrome-for-testing/) and set CHROME and CHROMEDRIVER.",
            chrome.display(),
            chromedriver.display()
        ),
        (Some(_), Some(_)) => Ok(()),
        // Chrome on Windows prints no version: the tests will tell.
        _ => {
            eprintln!(
                "warning: cannot read the versions of {} and {}: they must share their major version",
                chrome.display(),
                chromedriver.display()
            );
            Ok(())
        }
    }
}

/// `148` from "Chromium 148.0.7778.167 built on Debian" or "ChromeDriver 148.0.7778.167 (…)".
fn major_version(text: &str) -> Option<u32> {
    text.split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()) && word.contains('.'))
        .and_then(|word| word.split('.').next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
    const UBUNTU: &str = "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n";
    const MINT: &str = "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n";
    const FEDORA: &str = "NAME=\"Fedora Linux\"\nID=fedora\n";

    #[test]
    fn platforms_are_told_apart() {
        assert_eq!(Platform::from("linux", Some(DEBIAN), true), Platform::Debian);
        // Ubuntu has /etc/debian_version too.
        assert_eq!(Platform::from("linux", Some(UBUNTU), true), Platform::Ubuntu);
        assert_eq!(Platform::from("linux", Some(MINT), true), Platform::Ubuntu);
        assert_eq!(Platform::from("linux", Some(FEDORA), false), Platform::OtherLinux);
        assert_eq!(Platform::from("linux", None, true), Platform::Debian);
        assert_eq!(Platform::from("linux", None, false), Platform::OtherLinux);
        assert_eq!(Platform::from("macos", None, false), Platform::MacOs);
        assert_eq!(Platform::from("windows", None, false), Platform::Windows);
        assert_eq!(Platform::from("freebsd", None, false), Platform::Other);
    }

    fn everything_missing() -> Missing {
        Missing {
            chrome: true,
            chromedriver: true,
            nginx: true,
            haproxy: true,
            postgres: true,
            c_compiler: true,
            snaps: Vec::new(),
        }
    }

    #[test]
    fn nothing_missing_means_nothing_to_do() {
        for platform in [
            Platform::Debian,
            Platform::Ubuntu,
            Platform::MacOs,
            Platform::Windows,
        ] {
            assert_eq!(plan(platform, &Missing::default()), Plan::Ready);
        }
    }

    #[test]
    fn debian_installs_what_is_missing() {
        assert_eq!(
            plan(Platform::Debian, &everything_missing()),
            Plan::Apt(vec![
                "chromium",
                "chromium-driver",
                "nginx",
                "openssl",
                "haproxy",
                "postgresql",
                "build-essential"
            ])
        );
        let only_nginx = Missing {
            nginx: true,
            ..Missing::default()
        };
        assert_eq!(
            plan(Platform::Debian, &only_nginx),
            Plan::Apt(vec!["nginx", "openssl"])
        );
        let only_driver = Missing {
            chromedriver: true,
            ..Missing::default()
        };
        assert_eq!(
            plan(Platform::Debian, &only_driver),
            Plan::Apt(vec!["chromium", "chromium-driver"])
        );
    }

    #[test]
    fn ubuntu_never_installs_the_chromium_snap() {
        let missing = Missing {
            snaps: vec![PathBuf::from("/snap/bin/chromium")],
            ..everything_missing()
        };
        let Plan::Advise(advice) = plan(Platform::Ubuntu, &missing) else {
            panic!("Ubuntu without a browser is advised, not installed");
        };
        assert!(
            advice.contains("/snap/bin/chromium is a snap wrapper"),
            "{advice}"
        );
        assert!(advice.contains("Google Chrome"), "{advice}");
        assert!(advice.contains("CHROME and CHROMEDRIVER"), "{advice}");
        assert!(
            advice.contains("sudo apt-get install nginx openssl haproxy postgresql build-essential"),
            "{advice}"
        );
        assert!(advice.contains("Debian 12"), "{advice}");
        // With a browser, the rest is ordinary packages.
        let only_nginx = Missing {
            nginx: true,
            ..Missing::default()
        };
        assert_eq!(
            plan(Platform::Ubuntu, &only_nginx),
            Plan::Apt(vec!["nginx", "openssl"])
        );
    }

    #[test]
    fn macos_and_windows_are_told_what_to_install() {
        let Plan::Advise(mac) = plan(Platform::MacOs, &everything_missing()) else {
            panic!("macOS is advised");
        };
        assert!(
            mac.contains("brew install --cask google-chrome chromedriver"),
            "{mac}"
        );
        assert!(mac.contains("brew install nginx"), "{mac}");
        assert!(mac.contains("xcode-select --install"), "{mac}");
        assert!(!mac.contains("apt-get"), "{mac}");
        let Plan::Advise(windows) = plan(Platform::Windows, &everything_missing()) else {
            panic!("Windows is advised");
        };
        assert!(windows.contains("chrome-for-testing"), "{windows}");
        assert!(windows.contains("Visual Studio Build Tools"), "{windows}");
        assert!(!windows.contains("apt-get"), "{windows}");
        let Plan::Advise(other) = plan(Platform::OtherLinux, &everything_missing()) else {
            panic!("other Linux systems are advised");
        };
        assert!(other.contains("package manager"), "{other}");
        assert!(!other.contains("apt-get"), "{other}");
    }

    #[test]
    fn versions_are_read() {
        assert_eq!(
            major_version("Chromium 148.0.7778.167 built on Debian GNU/Linux 12 (bookworm)"),
            Some(148)
        );
        assert_eq!(major_version("Google Chrome 126.0.6478.126 "), Some(126));
        assert_eq!(
            major_version(
                "ChromeDriver 148.0.7778.167 (65db666ac2cf205fcc36db8bb5b9cd87f94808ac-refs/branch-heads/7778@{#2783})"
            ),
            Some(148)
        );
        assert_eq!(major_version(""), None);
    }

    #[test]
    fn snap_scripts_are_recognised() {
        let dir = std::env::temp_dir().join(format!("xtask-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let wrapper = dir.join("chromium-browser");
        std::fs::write(&wrapper, "#!/bin/sh\nexec /snap/bin/chromium \"$@\"\n").expect("write");
        let plain = dir.join("chromium");
        std::fs::write(&plain, "#!/bin/sh\nexec /usr/lib/chromium/chromium \"$@\"\n").expect("write");
        assert!(is_snap(&wrapper));
        assert!(!is_snap(&plain));
        assert!(is_snap(Path::new("/snap/bin/chromium")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
