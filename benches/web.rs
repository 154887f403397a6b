//! The web view's server time per page (issue 16): the overview, a project and the digests,
//! for the notice's 27-project plan and for 1,000 projects with a year of weekly reports,
//! read by an admin (the whole plan: the largest page). Each page is asked through the real
//! router, served on 127.0.0.1 and fetched with reqwest, so a figure is the server's time
//! plus a loopback round trip (well under a millisecond). Targets: under 20 ms (27 projects)
//! and under 300 ms (1,000).
//!
//! `cargo bench --bench web`. Everything happens in a temporary SQLite file.
//!
//! Measured on 2026-11-30 (release, 2 cores shared with other builds), median / slowest:
//! 27 projects: overview 4.3 / 8.8 ms, project 2.7 / 3.5 ms, digests' index 0.5 / 2.1 ms, one
//! 旬's digests 0.4 / 0.5 ms; 1,000 projects (48,000 reports): overview 148 / 149 ms, project
//! 21 / 34 ms, digests' index 5.3 / 6.7 ms, one 旬 5.9 / 7.4 ms. The overview's time is the
//! digest's own build (`services::digest::PlanReading` and `build_from`), read once for the
//! whole plan. (The digests on one page, before they were split by period: 804 KiB.)

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use chrono::{Days, NaiveDate};
use minsheng::bot::BotContext;
use minsheng::clock::ManualClock;
use minsheng::config::Settings;
use minsheng::web::{Reader, WebState, pages};
use sqlx::SqlitePool;

const ADMIN_TELEGRAM_ID: i64 = 9_000_001;

#[tokio::main]
async fn main() {
    let (_notice_dir, settings, pool) = common::notice_plan_with_contacts().await;
    let reports = common::seed_year(&pool, &settings).await;
    println!("the notice's plan: 27 projects, {reports} reports");
    measure(&pool, &settings, 20, Duration::from_millis(20)).await;
    pool.close().await;

    let (_dir, settings, pool) = common::plan_with_contacts().await;
    let reports = common::seed_year(&pool, &settings).await;
    println!("{} projects, {reports} reports", common::PROJECTS);
    measure(&pool, &settings, 5, Duration::from_millis(300)).await;
    pool.close().await;
}

/// Serves the pages as an admin on 2024-12-21 09:00 and times each page `rounds` times,
/// printing the median and the slowest against `target`.
async fn measure(pool: &SqlitePool, settings: &Settings, rounds: usize, target: Duration) {
    let base = serve(pool, settings).await;
    let client = reqwest::Client::new();
    // A project with two metrics (numbers ≡ 2 mod 3 in the synthetic plan; 2 has one in the
    // notice's) and a year of reports; the digests' index (the latest in full) and one period.
    for path in ["/", "/projects/2", "/digests", "/digests/dekad/2024-12-11"] {
        let url = format!("{base}{path}");
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let response = client.get(&url).send().await.unwrap();
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            size = response.bytes().await.unwrap().len();
            times.push(started.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        let slowest = times[times.len() - 1];
        let verdict = if slowest < target { "under" } else { "OVER" };
        println!(
            "  {path:<12} median {median:>10.2?}, slowest {slowest:>10.2?} ({verdict} {target:?}), {} KiB",
            size / 1024
        );
    }
}

/// The pages behind a layer that signs an admin in, on 127.0.0.1; returns the base address.
async fn serve(pool: &SqlitePool, settings: &Settings) -> String {
    sqlx::query(
        "INSERT OR IGNORE INTO people (telegram_id, display_name, role, joined_at)
         VALUES (?, '专班管理员', 'admin', '2023-12-01T00:00:00Z')",
    )
    .bind(ADMIN_TELEGRAM_ID)
    .execute(pool)
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let person = minsheng::db::people::by_telegram_id(&mut conn, ADMIN_TELEGRAM_ID)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    seed_digests(pool, person.id).await;
    let now = common::digest_time(settings);
    let ctx = BotContext {
        pool: pool.clone(),
        settings: Arc::new(settings.clone()),
        clock: Arc::new(ManualClock::new(now)),
    };
    let (_alive, alive) = tokio::sync::watch::channel(true);
    let reader = Reader { person };
    let router = pages::routes()
        .layer(from_fn(move |mut request: Request, next: Next| {
            request.extensions_mut().insert(reader.clone());
            next.run(request)
        }))
        .with_state(WebState { ctx, alive });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// A year of digests as sent to the admin: the ten-day digests to 12月中旬 and three
/// quarter summaries, about 8,000 characters each.
async fn seed_digests(pool: &SqlitePool, person: i64) {
    let text = "· 12. 发展改革局：充电桩安装进度滞后序时进度，需协调用地。\n".repeat(250);
    let mut periods = Vec::new();
    for month in 1..=12 {
        for day in [1, 11, 21] {
            let start = NaiveDate::from_ymd_opt(2024, month, day).unwrap();
            if start < "2024-12-21".parse().unwrap() {
                periods.push(("dekad", start));
            }
        }
    }
    for month in [1, 4, 7] {
        periods.push(("quarter", NaiveDate::from_ymd_opt(2024, month, 1).unwrap()));
    }
    for (kind, start) in periods {
        sqlx::query(
            "INSERT INTO digests (plan_id, kind, period_start, period_end, person_id, text, created_at)
             VALUES ((SELECT id FROM plans), ?, ?, ?, ?, ?, '2024-12-21T01:00:00Z')",
        )
        .bind(kind)
        .bind(start)
        .bind(start + Days::new(9))
        .bind(person)
        .bind(&text)
        .execute(pool)
        .await
        .unwrap();
    }
}
