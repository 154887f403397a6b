//! The digest, its chart and the ledger at scale (issues 7 and 12): a plan of 1,000 projects
//! with a year of weekly reports; the whole plan's digest on 2024-12-21, its chart and the
//! workbook. Reports the time of each and of the three together, their size, the peak memory
//! of those steps (apart from seeding), and then where each step's database time goes.
//!
//! `cargo bench --bench digest`. Everything happens in a temporary SQLite file.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use common::queries;
use minsheng::bot::outgoing::split_text;
use minsheng::bot::texts::digest as say;
use minsheng::config::Settings;
use minsheng::db::plan::PlanRow;
use minsheng::domain::dekad::Period;
use minsheng::export::ledger::LedgerBook;
use minsheng::jobs::files;
use minsheng::services::ledger::LedgerSink;
use minsheng::services::{digest, ledger};

#[tokio::main]
async fn main() {
    queries::install();

    // The notice's own plan: 27 projects, three contacts each, a year of reports.
    let (_notice_dir, settings, pool) = common::notice_plan_with_contacts().await;
    let reports = common::seed_year(&pool, &settings).await;
    println!("the notice's plan: 27 projects, {reports} reports");
    let mut conn = pool.acquire().await.unwrap();
    steps(&mut conn, &settings).await;
    drop(conn);
    pool.close().await;

    let (_dir, settings, pool) = common::plan_with_contacts().await;
    let started = Instant::now();
    let reports = common::seed_year(&pool, &settings).await;
    println!(
        "{} projects, {reports} reports, written in {:?}",
        common::PROJECTS,
        started.elapsed()
    );
    let mut conn = pool.acquire().await.unwrap();
    println!("  peak RSS while seeding: {} KiB", common::peak_kib());
    common::reset_peak();
    let (plan, now) = steps(&mut conn, &settings).await;
    println!(
        "  peak RSS of the digest, chart and ledger: {} KiB",
        common::peak_kib()
    );

    // The same steps again with every statement timed (slower: for where, not how long).
    let built = queries::profile("digest", build_digest(&mut conn, &settings, &plan, now)).await;
    drop(built);
    queries::profile(
        "ledger",
        files::ledger_for_sending(&mut conn, &settings, &plan, None, 2, now),
    )
    .await
    .unwrap();
}

/// The digest on 2024-12-21, its chart and the workbook: each alone, then the three together
/// as a digest goes out. Returns the plan and the time they ran at.
async fn steps(conn: &mut sqlx::SqliteConnection, settings: &Settings) -> (PlanRow, DateTime<Utc>) {
    let now = common::digest_time(settings);
    let plan = ledger::plan_for(conn, settings, Some(2024), now)
        .await
        .unwrap();

    // Each step alone, then the three together as a digest goes out (text, chart, workbook).
    let started = Instant::now();
    let built = build_digest(conn, settings, &plan, now).await;
    let text = say::digest(&built);
    let digest_took = started.elapsed();
    let messages = split_text(&text, minsheng::bot::outgoing::MAX_TEXT).len();
    println!(
        "  digest (build + text): {digest_took:?}, {} characters in {messages} messages",
        text.chars().count()
    );

    let started = Instant::now();
    let png = chart(&built);
    println!("  chart: {:?}, {} KiB", started.elapsed(), png.len() / 1024);

    let started = Instant::now();
    let (path, _) = files::ledger_for_sending(conn, settings, &plan, None, 0, now)
        .await
        .unwrap();
    println!(
        "  ledger workbook: {:?}, {} KiB",
        started.elapsed(),
        std::fs::metadata(&path).unwrap().len() / 1024
    );

    // Where the ledger's time goes: reading alone, then writing rows, then saving.
    let started = Instant::now();
    let counts = ledger::write(conn, settings, &plan, None, now, &mut Discard)
        .await
        .unwrap();
    println!(
        "    reading alone: {:?} ({} projects, {} reports, {} missed rows)",
        started.elapsed(),
        counts.projects,
        counts.reports,
        counts.missed
    );
    let started = Instant::now();
    let mut book = LedgerBook::new(&plan.name, settings.timezone).unwrap();
    ledger::write(conn, settings, &plan, None, now, &mut book)
        .await
        .unwrap();
    let rows = started.elapsed();
    let started = Instant::now();
    let bytes = book.into_bytes().unwrap();
    println!(
        "    reading and writing rows: {rows:?}; saving: {:?} ({} KiB)",
        started.elapsed(),
        bytes.len() / 1024
    );

    let started = Instant::now();
    let built = build_digest(conn, settings, &plan, now).await;
    let _ = say::digest(&built);
    let _ = chart(&built);
    files::ledger_for_sending(conn, settings, &plan, None, 1, now)
        .await
        .unwrap();
    println!(
        "  digest + chart + ledger together: {:?}",
        started.elapsed()
    );
    (plan, now)
}

/// A ledger sink that keeps nothing: the ledger's reading without its workbook.
struct Discard;

impl LedgerSink for Discard {
    fn project(&mut self, _: &ledger::LedgerRow) -> anyhow::Result<()> {
        Ok(())
    }

    fn report(&mut self, _: &ledger::ReportLine) -> anyhow::Result<()> {
        Ok(())
    }

    fn missed(&mut self, _: &ledger::MissedRecord) -> anyhow::Result<()> {
        Ok(())
    }
}

async fn build_digest(
    conn: &mut sqlx::SqliteConnection,
    settings: &minsheng::config::Settings,
    plan: &minsheng::db::plan::PlanRow,
    now: chrono::DateTime<chrono::Utc>,
) -> digest::Digest {
    digest::build(
        conn,
        settings,
        plan,
        None,
        Period::dekad_before("2024-12-21".parse().unwrap()),
        now,
        &BTreeMap::new(),
    )
    .await
    .unwrap()
}

/// The digest's chart as it is sent.
fn chart(built: &digest::Digest) -> Vec<u8> {
    minsheng::export::chart::render(
        &format!("{} 进度", built.period.label()),
        &minsheng::export::chart::of_digest(built),
    )
    .unwrap()
}
