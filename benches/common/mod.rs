//! A synthetic plan for the benchmarks: 1,000 projects, 3,000 contacts.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use minsheng::domain::calendar::Calendar;
use minsheng::domain::cycle::{WeekPlan, to_utc};
use minsheng::domain::metric::{Comparison, MetricKind, Target};
use minsheng::domain::seed::{
    CategorySeed, MetricSeed, PlanInfo, PlanSeed, ProjectSeed, UnitKind, UnitSeed,
};
use std::collections::HashMap;

use minsheng::config::Settings;
use minsheng::services::seeding;
use sqlx::SqlitePool;
use tempfile::TempDir;

pub const PROJECTS: u32 = 1000;
pub const CONTACTS_PER_PROJECT: u32 = 3;
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

pub fn plan() -> PlanSeed {
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

/// 3,000 contacts, three to a project (the first its lead), assigned before the year began.
pub async fn admit_contacts(pool: &SqlitePool) {
    let mut tx = minsheng::db::begin_write(pool).await.unwrap();
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
}

/// The peak resident memory of this process, from /proc.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

/// A temporary database holding the synthetic plan and its contacts, with settings that point
/// at it.
pub async fn plan_with_contacts() -> (TempDir, Settings, SqlitePool) {
    let (dir, settings, pool) = empty_database().await;
    seeding::load(&pool, &plan(), chrono::Utc::now())
        .await
        .unwrap();
    admit_contacts(&pool).await;
    (dir, settings, pool)
}

/// A temporary database with its schema, and settings that point at it.
async fn empty_database() -> (TempDir, Settings, SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [(
        "MINSHENG_DATABASE".to_owned(),
        dir.path().join("b.db").display().to_string(),
    )]
    .into();
    let settings = Settings::from_layers(None, &env).unwrap();
    let pool = minsheng::db::connect(&settings.database).await.unwrap();
    (dir, settings, pool)
}

pub mod queries;

/// A temporary database holding the notice's own plan (seeds/2024.toml, 27 projects) with
/// three contacts a project, the first of its lead unit.
pub async fn notice_plan_with_contacts() -> (TempDir, Settings, SqlitePool) {
    let (dir, settings, pool) = empty_database().await;
    let seed = seeding::read_file(std::path::Path::new("seeds/2024.toml")).unwrap();
    seeding::load(&pool, &seed, chrono::Utc::now())
        .await
        .unwrap();
    let mut tx = minsheng::db::begin_write(&pool).await.unwrap();
    let projects: Vec<(i64, i64)> =
        sqlx::query_as("SELECT p.id, pu.unit_id FROM projects p JOIN project_units pu ON pu.project_id = p.id AND pu.role = 'lead'")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    for (n, (project, unit)) in projects
        .iter()
        .flat_map(|p| std::iter::repeat_n(*p, CONTACTS_PER_PROJECT as usize))
        .enumerate()
    {
        sqlx::query(
            "INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
             VALUES (?, ?, 'contact', ?, '2023-12-01T00:00:00Z')",
        )
        .bind(2_000_000 + n as i64)
        .bind(format!("联络员{n}"))
        .bind(unit)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO assignments (project_id, person_id, role, assigned_at)
             VALUES (?, last_insert_rowid(), ?, '2023-12-01T00:00:00Z')",
        )
        .bind(project)
        .bind(if n % CONTACTS_PER_PROJECT as usize == 0 {
            "lead"
        } else {
            "co"
        })
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    (dir, settings, pool)
}

/// Forgets the peak resident memory so far (Linux: "5" into clear_refs resets VmHWM), so the
/// next [`peak_kib`] is the peak of what follows.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A year of weekly reports from every project's lead contact, figures rising each week;
/// returns how many reports there are.
pub async fn seed_year(pool: &SqlitePool, settings: &Settings) -> i64 {
    let calendar = Calendar::official();
    let mut tx = minsheng::db::begin_write(pool).await.unwrap();
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
    sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The moment the benchmarks read at: the ten-day digest of 2024-12-21, at its time.
pub fn digest_time(settings: &Settings) -> chrono::DateTime<chrono::Utc> {
    let day: NaiveDate = "2024-12-21".parse().unwrap();
    to_utc(settings.timezone, day.and_time(settings.digest.time))
}
