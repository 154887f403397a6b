//! Start-up and idle footprint of the real binary (issue 2): the time from `minsheng run` on an
//! empty database to its first `getUpdates`, and the resident memory of the idle bot.
//!
//! `cargo bench --bench startup` (builds in release). Runs against the fake Bot API of the
//! integration tests on 127.0.0.1; nothing leaves the machine.

#[path = "../tests/it/fake_api.rs"]
mod fake_api;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_api::FakeApi;

const RUNS: usize = 5;
const IDLE: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut startups = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_minsheng"))
            .args(["run", "--database"])
            .arg(dir.path().join("m.db"))
            .env("TELOXIDE_TOKEN", "1:bench")
            .env("TELOXIDE_API_URL", &api.url)
            .env("MINSHENG_SEEDS", &seeds)
            .env("RUST_LOG", "warn")
            .env_remove("MINSHENG_CONFIG")
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let first = api
            .first_call_of("getUpdates", Duration::from_secs(30))
            .await
            .expect("the bot polls");
        startups.push(first - started);
        // Idle: polling with nothing to do.
        tokio::time::sleep(IDLE).await;
        rss.push(resident_kib(child.id().unwrap()));
        if rss.len() == 1 {
            let pid = child.id().unwrap();
            println!(
                "idle resident memory, first run: {} KiB anonymous (heap, stacks), {} KiB file-backed (the binary's code, libc), {} threads",
                status_kib(pid, "RssAnon:"),
                status_kib(pid, "RssFile:"),
                status_kib(pid, "Threads:")
            );
        }
        child.kill().await.unwrap();
    }
    startups.sort();
    rss.sort();
    println!("empty database → first getUpdates, {RUNS} runs:");
    println!(
        "  median {:?}, min {:?}, max {:?}",
        startups[RUNS / 2],
        startups[0],
        startups[RUNS - 1]
    );
    println!(
        "idle resident memory after {IDLE:?}: median {} KiB, max {} KiB",
        rss[RUNS / 2],
        rss[RUNS - 1]
    );
}

fn resident_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// A figure of /proc/<pid>/status (kB for sizes, a count for `Threads:`).
fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}
