//! A real browser in the tests (issue 16): Debian's headless Chromium opens a page the way a
//! leader's phone would, and the test reads what it shows, looks at a screenshot, and checks
//! that nothing was asked of another host.
//!
//! ```ignore
//! let link = format!("{base}/login?t={token}&next=/projects/3");
//! let visit = Browser::visit(&link, PHONE, "project-phone").await;
//! assert!(visit.text().contains("项目 3"));
//! assert_eq!(visit.other_hosts(), Vec::<String>::new());
//! assert_eq!(visit.console, Vec::<String>::new()); // nothing the CSP had to block
//! assert_eq!(png_size(&visit.screenshot), PHONE);
//! ```
//!
//! Each visit is one Chromium run with a new, empty profile: no cookie survives from one visit
//! to the next, so a visit to a signed-in page starts at its sign-in link. Chromium follows the
//! sign-in page's meta refresh (`--virtual-time-budget` lets the page's timers and loads run to
//! the end before the DOM is printed and the screenshot taken).
//!
//! Chromium talks to nothing but our [`proxy::Proxy`]: `--proxy-bypass-list=<-loopback>` sends
//! even 127.0.0.1 through it, and `--host-resolver-rules` makes every name but the proxy's fail,
//! so a request that slipped past the proxy would find no address either.
//!
//! Screenshots land in `target/screenshots/<name>.png` (look at them). The Chinese text renders
//! with the font built into the binary (`src/export/font`), so screenshots read the same on a
//! host without CJK fonts.

mod own_pages;
mod proxy;
mod web_view;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::Semaphore;

use proxy::Proxy;

/// A phone held upright (the issue's 390×844) and a desktop window.
pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 800);

/// Where Debian's package puts it; `CHROMIUM` names another binary.
const CHROMIUM: &str = "/usr/bin/chromium";

/// A run that takes longer than this has hung (a page that never finishes loading): kill it.
const DEADLINE: Duration = Duration::from_secs(60);

/// Two cores are shared by every test in the binary: two browsers at a time at most.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// Headless, no sandbox (tests run as root in CI), and none of Chromium's own traffic (updates,
/// sync, field trials), which would try Google's hosts on this closed network. Logging to
/// stderr brings the page's console: what the Content-Security-Policy blocked.
const FLAGS: [&str; 15] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--force-device-scale-factor=1",
    "--virtual-time-budget=5000",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

/// Chromium's own calls, made at the start of every run whatever the page (network time, the
/// on-device model manifest, the account check): no flag of this build turns them all off.
/// They are refused like any other host, and kept out of [`Visit::hosts`] so that it holds what
/// the page asked for; [`Visit::chromium_hosts`] shows them.
const CHROMIUM_OWN: [&str; 4] = [
    "clients2.google.com:80",
    "update.googleapis.com:80",
    "update.googleapis.com:443",
    "accounts.google.com:443",
];

/// What one visit saw.
#[derive(Debug)]
pub struct Visit {
    /// The page's DOM after every load and redirect, as Chromium serialises it.
    pub dom: String,
    /// Every `host:port` the page asked for (its own one included), each once.
    pub hosts: Vec<String>,
    /// What Chromium asked for on its own behalf (see [`CHROMIUM_OWN`]); refused too.
    pub chromium_hosts: Vec<String>,
    /// The `host:port` of the URL visited.
    pub own: String,
    /// `target/screenshots/<name>.png`.
    pub screenshot: PathBuf,
    /// The page's console messages, e.g. `"Applying inline style violates the following
    /// Content Security Policy directive …"`: a load the policy blocked never reaches the
    /// proxy, so a page that must be clean has no `other_hosts` and no console either.
    pub console: Vec<String>,
}

pub struct Browser;

impl Browser {
    /// Opens `url` (an `http://127.0.0.1:PORT/…` address) in a window of `size` (width, height
    /// in CSS pixels, device scale 1), and saves its screenshot as `name`. Panics, with
    /// Chromium's own words, when Chromium is missing, fails, or runs past 60 seconds.
    /// Await it on the runtime that serves the page: Chromium waits on the server, and a
    /// current-thread test runtime only serves while this future is pending.
    pub async fn visit(url: &str, size: (u32, u32), name: &str) -> Visit {
        let own = authority_of(url);
        let proxy = Proxy::start(own.clone()).await;
        let screenshot = screenshot_path(name);
        let args = [
            format!("--proxy-server=http://127.0.0.1:{}", proxy.port),
            format!("--window-size={},{}", size.0, size.1),
            format!("--screenshot={}", screenshot.display()),
            "--dump-dom".to_owned(),
        ];
        let output = chromium(&args, url).await;
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && screenshot.is_file(),
            "Chromium failed on {url} ({}):\n{}",
            output.status,
            last_lines(&said)
        );
        let (chromium_hosts, hosts) = proxy
            .hosts()
            .into_iter()
            .partition(|h| CHROMIUM_OWN.contains(&h.as_str()));
        Visit {
            dom: String::from_utf8_lossy(&output.stdout).into_owned(),
            hosts,
            chromium_hosts,
            own,
            screenshot,
            console: console(&said),
        }
    }
}

/// One Chromium run on `url` with [`FLAGS`] and `args`, in a new profile, within the deadline.
async fn chromium(args: &[String], url: &str) -> Output {
    let chromium = chromium_at(&chromium_path()).unwrap_or_else(|e| panic!("{e}"));
    let scratch = tempfile::tempdir().unwrap();
    let _slot = BROWSERS.acquire().await.unwrap();
    let child = Command::new(chromium)
        .args(FLAGS)
        .args(args)
        .arg(format!(
            "--user-data-dir={}",
            scratch.path().join("profile").display()
        ))
        .arg(url)
        .env("FONTCONFIG_FILE", fonts_conf(scratch.path()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own group, so a run past the deadline is killed with its renderers.
        .process_group(0)
        .spawn()
        .unwrap();
    let group = child.id().unwrap();
    let Ok(output) = tokio::time::timeout(DEADLINE, child.wait_with_output()).await else {
        kill_group(group);
        panic!("Chromium did not finish {url} within {DEADLINE:?}");
    };
    output.unwrap()
}

impl Visit {
    /// The hosts asked for that are not the page's own: what must stay empty.
    pub fn other_hosts(&self) -> Vec<String> {
        self.hosts
            .iter()
            .filter(|h| **h != self.own)
            .cloned()
            .collect()
    }

    /// The text a reader sees: the DOM after `</head>` without its tags, entities decoded,
    /// runs of white space as one space.
    pub fn text(&self) -> String {
        let mut body = self.dom.as_str();
        if let Some((_, after_head)) = body.split_once("</head>") {
            body = after_head;
        }
        let mut text = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The width and height a PNG's header declares.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "{} is a PNG",
        path.display()
    );
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from)
}

/// The browser to run, or what to do about its absence. Not a skip: CI installs it
/// (`.ci/run`), and a developer without it should be told, not shown a green run.
fn chromium_at(path: &Path) -> Result<PathBuf, String> {
    if path.is_file() {
        return Ok(path.to_owned());
    }
    Err(format!(
        "the browser tests need Chromium at {}: install Debian's package with \
         `apt-get install chromium` (as root), or set CHROMIUM to its path",
        path.display()
    ))
}

/// `127.0.0.1:8080` for `http://127.0.0.1:8080/login?t=…`; the port is always written.
fn authority_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("an absolute URL");
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    if authority.contains(':') {
        return authority.to_owned();
    }
    let port = if scheme == "https" { 443 } else { 80 };
    format!("{authority}:{port}")
}

/// `target/screenshots/<name>.png`, its folder made and any older file removed, so a file there
/// is always this run's.
fn screenshot_path(name: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    path
}

/// A fontconfig file: the system's fonts plus the CJK font built into the binary.
fn fonts_conf(scratch: &Path) -> PathBuf {
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/export/font");
    let conf = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
         <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n\
         <dir>{}</dir>\n<cachedir>{}</cachedir>\n</fontconfig>\n",
        fonts.display(),
        scratch.join("fontconfig").display()
    );
    let path = scratch.join("fonts.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

fn kill_group(group: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
}

/// The console lines of Chromium's log (`[…:INFO:CONSOLE:1] "message", source: url (1)`),
/// from the message on.
fn console(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(|l| {
            l.split_once("] ")
                .map_or(l, |(_, message)| message)
                .to_owned()
        })
        .collect()
}

/// Chromium's last words without the D-Bus complaints every headless run makes.
fn last_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.contains("dbus")).collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
