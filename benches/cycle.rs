//! The weekly cycle at scale (issue 6): a plan of 1,000 projects and 3,000 contacts, every week
//! of 2024 stepped through, each week's prompts and reminders queued. Reports the time per week
//! and the peak memory of the process.
//!
//! `cargo bench --bench cycle`. Everything happens in a temporary SQLite file.

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use common::{CONTACTS_PER_PROJECT, PROJECTS};
use minsheng::domain::calendar::Calendar;
use minsheng::domain::cycle::{WeekPlan, to_utc};
use minsheng::jobs::cycle;

#[tokio::main]
async fn main() {
    let (_dir, settings, pool) = common::plan_with_contacts().await;

    let calendar = Calendar::official();
    let mut weeks = 0;
    let mut slowest = Duration::ZERO;
    let mut total = Duration::ZERO;
    let mut queued = 0;
    let mut steady = Duration::ZERO;
    let mut monday: NaiveDate = "2024-01-01".parse().unwrap();
    while monday.format("%Y").to_string() == "2024" {
        if let Some(week) = WeekPlan::for_week(&calendar, monday, &settings.cycle) {
            for at in [week.prompt, week.reminder] {
                let started = Instant::now();
                queued += cycle::run_due(&pool, &settings, to_utc(settings.timezone, at))
                    .await
                    .unwrap()
                    .total();
                let took = started.elapsed();
                total += took;
                slowest = slowest.max(took);
            }
            // The beats of the rest of the week find everything queued already.
            let started = Instant::now();
            assert_eq!(
                cycle::run_due(
                    &pool,
                    &settings,
                    to_utc(
                        settings.timezone,
                        week.reminder + chrono::TimeDelta::minutes(1)
                    )
                )
                .await
                .unwrap()
                .total(),
                0
            );
            steady = steady.max(started.elapsed());
            weeks += 1;
        }
        monday = monday + Days::new(7);
    }
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "{PROJECTS} projects, {} contacts, {weeks} weeks of 2024 expecting a report:",
        PROJECTS * CONTACTS_PER_PROJECT
    );
    println!("  steps queued: {queued} (outbox rows: {outbox})");
    println!(
        "  per week (prompt beat + reminder beat): mean {:?}, slowest beat {slowest:?}",
        total / weeks
    );
    println!("  a beat with nothing new to queue: at most {steady:?}");
    println!("  peak RSS of the process: {} KiB", common::peak_kib());
}
