//! The digest and the ledger at scale (issue 7): a plan of 1,000 projects with a year of weekly
//! reports; the whole plan's digest on 2024-12-21 and the workbook. Reports the time of each,
//! their size, and the peak memory of the process.
//!
//! `cargo bench --bench digest`. Everything happens in a temporary SQLite file.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use minsheng::bot::outgoing::split_text;
use minsheng::bot::texts::digest as say;
use minsheng::domain::calendar::Calendar;
use minsheng::domain::cycle::{WeekPlan, to_utc};
use minsheng::domain::dekad::Period;
use minsheng::services::{digest, ledger};

#[tokio::main]
async fn main() {
    let (_dir, settings, pool) = common::plan_with_contacts().await;

    // A year of weekly reports from every project's lead contact, figures rising each week.
    let started = Instant::now();
    let calendar = Calendar::official();
    let mut tx = minsheng::db::begin_write(&pool).await.unwrap();
    let mut monday: NaiveDate = "2024-01-01".parse().unwrap();
    let mut week = 0;
    while monday < "2024-12-16".parse().unwrap() {
        if let Some(plan) = WeekPlan::for_week(&calendar, monday, &settings.cycle) {
            week += 1;
            let at = minsheng::db::instant(to_utc(settings.timezone, plan.reminder));
            sqlx::query(
                "INSERT INTO reports (project_id, person_id, week_start, role, status, progress, submitted_at)
                 SELECT project_id, person_id, ?, 'lead', 'on_track', '本周按计划推进，完成阶段性工作。', ? FROM assignments WHERE role = 'lead'",
            )
            .bind(monday)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO report_values (report_id, metric_id, value)
                 SELECT r.id, m.id, ? FROM reports r JOIN metrics m ON m.project_id = r.project_id WHERE r.week_start = ?",
            )
            .bind(f64::from(week) * 2.0)
            .bind(monday)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        monday = monday + Days::new(7);
    }
    tx.commit().await.unwrap();
    let reports: i64 = sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "{} projects, {reports} reports over {week} weeks, written in {:?}",
        common::PROJECTS,
        started.elapsed()
    );

    let now = to_utc(
        settings.timezone,
        "2024-12-21"
            .parse::<NaiveDate>()
            .unwrap()
            .and_time(settings.digest.time),
    );
    let mut conn = pool.acquire().await.unwrap();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), now)
        .await
        .unwrap();

    let started = Instant::now();
    let built = digest::build(
        &mut conn,
        &settings,
        &plan,
        None,
        Period::dekad_before("2024-12-21".parse().unwrap()),
        now,
        &BTreeMap::new(),
    )
    .await
    .unwrap();
    let text = say::digest(&built);
    let took = started.elapsed();
    let messages = split_text(&text, minsheng::bot::outgoing::MAX_TEXT).len();
    println!(
        "  whole-plan digest: {took:?}, {} characters in {messages} messages",
        text.chars().count()
    );

    let started = Instant::now();
    let data = ledger::collect(&mut conn, &settings, &plan, now)
        .await
        .unwrap();
    let bytes = minsheng::export::ledger::workbook(&data).unwrap();
    println!(
        "  ledger workbook: {:?}, {} KiB, {} report rows, {} missed rows",
        started.elapsed(),
        bytes.len() / 1024,
        data.reports.len(),
        data.missed.len()
    );
    println!("  peak RSS of the process: {} KiB", common::peak_kib());
}
