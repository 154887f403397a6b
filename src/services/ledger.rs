//! What the ledger (台账) holds: the seed table's columns with the year's progress, every
//! report in history, every missed deadline.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::bot::texts::digest::figure;
use crate::config::Settings;
use crate::db::calendar;
use crate::db::cycle as cycle_db;
use crate::db::plan::{self, PlanRow};
use crate::domain::colour::Colour;
use crate::services::reporting;

pub struct LedgerRow {
    pub category: String,
    pub no: i64,
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub units: String,
    pub progress: String,
    pub colour: Colour,
    pub reasons: String,
    pub latest_progress: String,
    pub difficulties: String,
    pub last_report: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ReportRecord {
    pub project_id: i64,
    pub no: i64,
    pub title: String,
    pub week_start: String,
    pub version: i64,
    pub person: String,
    pub unit: Option<String>,
    pub role: String,
    pub status: String,
    pub figures: Option<String>,
    pub progress: String,
    pub difficulties: String,
    pub late: bool,
    pub submitted_at: String,
}

pub struct MissedRecord {
    pub week_start: NaiveDate,
    pub deadline: String,
    pub no: i64,
    pub title: String,
    pub unit: String,
    pub contact: String,
}

pub struct Ledger {
    pub plan_name: String,
    pub rows: Vec<LedgerRow>,
    pub reports: Vec<ReportRecord>,
    pub missed: Vec<MissedRecord>,
}

/// The whole plan's ledger, for admins and the command line.
pub async fn collect(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    now: DateTime<Utc>,
) -> anyhow::Result<Ledger> {
    collect_for(conn, settings, plan, None, now).await
}

/// The ledger of the projects in `scope` (the whole plan when `None`): a leader's workbook
/// holds nothing they could not read in the bot.
pub async fn collect_for(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    now: DateTime<Utc>,
) -> anyhow::Result<Ledger> {
    let in_scope = |id: i64| scope.is_none_or(|s| s.contains(&id));
    let calendar = calendar::load(conn, plan.id).await?;
    let projects: Vec<(i64, i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.no, c.numeral || '、' || c.name, p.title, p.summary, p.goals,
                (SELECT group_concat(name, '、') FROM (SELECT u.name FROM project_units pu JOIN units u ON u.id = pu.unit_id
                                                    WHERE pu.project_id = p.id ORDER BY pu.position))
         FROM projects p JOIN categories c ON c.id = p.category_id WHERE p.plan_id = ? ORDER BY p.no",
    )
    .bind(plan.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::new();
    for (id, no, category, title, summary, goals, units) in projects {
        if !in_scope(id) {
            continue;
        }
        let (facts, figures) = reporting::facts(conn, settings, &calendar, plan, id, now).await?;
        let verdict = reporting::verdict(settings, &facts);
        let progress = figures
            .iter()
            .map(|(m, v)| match v {
                Some(v) => format!(
                    "{}：{}（{:.0}%）",
                    m.name,
                    figure(m, Some(*v)),
                    reporting::percent(m, *v)
                ),
                None => format!("{}：{}", m.name, figure(m, None)),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let latest: Option<(String, String)> = sqlx::query_as(
            "SELECT progress, submitted_at FROM reports WHERE project_id = ? AND role = 'lead' ORDER BY submitted_at DESC, id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let open: Vec<String> = sqlx::query_scalar("SELECT DISTINCT text FROM difficulties WHERE project_id = ? AND resolved_at IS NULL ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        let last = latest
            .as_ref()
            .map(|(_, at)| local_day(at, settings))
            .unwrap_or_default();
        rows.push(LedgerRow {
            category,
            no,
            title,
            summary,
            goals,
            units: units.replace('、', "\n"),
            progress: if progress.is_empty() {
                "—（按进度跟踪）".to_owned()
            } else {
                progress
            },
            colour: verdict.colour,
            reasons: verdict.reasons.join("；"),
            latest_progress: latest.map(|(p, _)| p).unwrap_or_default(),
            difficulties: open.join("\n"),
            last_report: last,
        });
    }
    let reports: Vec<ReportRecord> = sqlx::query_as(
        "SELECT r.project_id, p.no, p.title, r.week_start, r.version, pe.display_name AS person, u.name AS unit, r.role, r.status,
                (SELECT group_concat(m.name || '=' || v.value, '；') FROM report_values v JOIN metrics m ON m.id = v.metric_id
                 WHERE v.report_id = r.id) AS figures,
                r.progress, r.difficulties, r.late, r.submitted_at
         FROM reports r JOIN projects p ON p.id = r.project_id JOIN people pe ON pe.id = r.person_id
         LEFT JOIN units u ON u.id = pe.unit_id
         WHERE p.plan_id = ? ORDER BY r.submitted_at, r.id",
    )
    .bind(plan.id)
    .fetch_all(&mut *conn)
    .await?;
    let reports = reports
        .into_iter()
        .filter(|r| in_scope(r.project_id))
        .collect();

    let contacts: Vec<_> = cycle_db::contacts_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|c| in_scope(c.project_id))
        .collect();
    let due = crate::services::cycle::expected_reports(
        conn,
        settings,
        &calendar,
        plan,
        &contacts,
        (plan.starts_on, plan.ends_on),
        now,
    )
    .await?;
    let missed = due
        .into_iter()
        .filter(|e| !e.reported)
        .map(|e| MissedRecord {
            week_start: e.week.week_start,
            deadline: e.week.deadline.format("%Y-%m-%d %H:%M").to_string(),
            no: e.contact.project_no,
            title: e.contact.title,
            unit: e.contact.unit.unwrap_or_default(),
            contact: e.contact.name,
        })
        .collect();
    Ok(Ledger {
        plan_name: plan.name.clone(),
        rows,
        reports,
        missed,
    })
}

fn local_day(at: &str, settings: &Settings) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&settings.timezone)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// The plan of a year, or the one in force now.
pub async fn plan_for(
    conn: &mut SqliteConnection,
    settings: &Settings,
    year: Option<i32>,
    now: DateTime<Utc>,
) -> anyhow::Result<PlanRow> {
    let day = match year {
        Some(year) => NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| anyhow::anyhow!("年份 {year} 无效"))?,
        None => now.with_timezone(&settings.timezone).date_naive(),
    };
    let plan = plan::plan_on(conn, day)
        .await?
        .ok_or_else(|| anyhow::anyhow!("数据库中还没有任何年度计划"))?;
    if year.is_some_and(|y| i64::from(y) != plan.year) {
        anyhow::bail!("数据库中没有 {} 年的计划", year.unwrap_or_default());
    }
    Ok(plan)
}

/// Writes the ledger of `reader`'s scope (the whole plan when `None`) under the database's
/// folder, for the sender to upload. Returns the file and the name people see.
pub async fn write_for_sending(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    reader: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(std::path::PathBuf, String)> {
    let ledger = collect_for(conn, settings, plan, scope, now).await?;
    let bytes = crate::export::ledger::workbook(&ledger)?;
    let dir = exports_dir(settings);
    std::fs::create_dir_all(&dir)?;
    let local = now.with_timezone(&settings.timezone);
    let path = dir.join(format!(
        "ledger-{}-{reader}-{}.xlsx",
        plan.year,
        now.timestamp_millis()
    ));
    std::fs::write(&path, bytes)?;
    Ok((
        path,
        format!("{}台账（{}）.xlsx", plan.year, local.format("%Y-%m-%d")),
    ))
}

/// Where files waiting to be sent are written: beside the database.
pub fn exports_dir(settings: &Settings) -> std::path::PathBuf {
    settings
        .database
        .parent()
        .map(|d| d.join("exports"))
        .unwrap_or_else(|| "exports".into())
}
