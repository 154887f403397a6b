//! The weekly cycle at scale (issue 6): a plan of 1,000 projects and 3,000 contacts, every week
//! of 2024 stepped through, each week's prompts and reminders queued. Reports the time per week
//! and the peak memory of the process.
//!
//! `cargo bench --bench cycle`. Everything happens in a temporary SQLite file.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use minsheng::config::Settings;
use minsheng::domain::calendar::Calendar;
use minsheng::domain::cycle::{WeekPlan, to_utc};
use minsheng::domain::metric::{Comparison, MetricKind, Target};
use minsheng::domain::seed::{
    CategorySeed, MetricSeed, PlanInfo, PlanSeed, ProjectSeed, UnitKind, UnitSeed,
};
use minsheng::services::{cycle, seeding};

const PROJECTS: u32 = 1000;
const CONTACTS_PER_PROJECT: u32 = 3;
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn plan() -> PlanSeed {
    let date = |s: &str| s.parse::<NaiveDate>().unwrap();
    let units: Vec<UnitSeed> = (0..50)
        .map(|n| UnitSeed {
            name: format!("单位{n}"),
            kind: UnitKind::Department,
            group: None,
        })
        .collect();
    let projects = (1..=PROJECTS)
        .map(|no| ProjectSeed {
            no,
            category: NUMERALS[(no % 10) as usize].to_owned(),
            title: format!("实事项目{no}"),
            summary: "概述".to_owned(),
            goals: "目标".to_owned(),
            units: vec![format!("单位{}", no % 50), format!("单位{}", (no + 1) % 50)],
            deadline: date("2024-12-31"),
            metrics: (0..(no % 3))
                .map(|m| MetricSeed {
                    name: format!("指标{m}"),
                    target: Target {
                        kind: MetricKind::Number,
                        value: Some(100.0),
                        unit: Some("个".to_owned()),
                        comparison: Some(Comparison::Reach),
                        baseline: None,
                    },
                })
                .collect(),
        })
        .collect();
    PlanSeed {
        plan: PlanInfo {
            year: 2024,
            name: "基准测试计划".to_owned(),
            document: None,
            issued_on: None,
            starts_on: date("2024-01-01"),
            ends_on: date("2024-12-31"),
            timezone: "Asia/Shanghai".to_owned(),
        },
        units,
        categories: NUMERALS
            .iter()
            .map(|n| CategorySeed {
                numeral: (*n).to_owned(),
                name: format!("第{n}类"),
            })
            .collect(),
        projects,
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [(
        "MINSHENG_DATABASE".to_owned(),
        dir.path().join("b.db").display().to_string(),
    )]
    .into();
    let settings = Settings::from_layers(None, &env).unwrap();
    let pool = minsheng::db::connect(&settings.database).await.unwrap();
    seeding::load(&pool, &plan(), chrono::Utc::now())
        .await
        .unwrap();
    let mut tx = minsheng::db::begin_write(&pool).await.unwrap();
    for n in 0..PROJECTS * CONTACTS_PER_PROJECT {
        let project = n / CONTACTS_PER_PROJECT + 1;
        sqlx::query(
            "INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
             VALUES (?, ?, 'contact', (SELECT id FROM units WHERE name = ?), '2023-12-01T00:00:00Z')",
        )
        .bind(1_000_000 + i64::from(n))
        .bind(format!("联络员{n}"))
        .bind(format!("单位{}", project % 50))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO assignments (project_id, person_id, role, assigned_at)
             VALUES ((SELECT id FROM projects WHERE no = ?), last_insert_rowid(), ?, '2023-12-01T00:00:00Z')",
        )
        .bind(project)
        .bind(if n % CONTACTS_PER_PROJECT == 0 { "lead" } else { "co" })
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

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
    println!("  peak RSS of the process: {} KiB", peak_kib());
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}
