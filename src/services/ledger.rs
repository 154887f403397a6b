//! What the ledger (台账) holds: the seed table's columns with the year's progress, every
//! report in history, every missed deadline.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::calendar;
use crate::db::ledger as ledger_db;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::domain::colour::Colour;
use crate::domain::metric::Figure;
use crate::services::reporting;

pub use crate::db::ledger::ReportRecord;

/// One project's line: the seed table's columns, then where it stands.
pub struct LedgerRow {
    pub category: String,
    pub no: i64,
    pub title: String,
    pub summary: String,
    pub goals: String,
    /// The units as the seed lists them, separated by 、.
    pub units: String,
    /// Each metric against its target; empty for a project tracked by progress alone.
    pub figures: Vec<Figure>,
    pub colour: Colour,
    pub reasons: Vec<String>,
    pub latest_progress: String,
    /// Open difficulties, oldest first.
    pub difficulties: Vec<String>,
    /// The local day of the latest lead report.
    pub last_report: Option<NaiveDate>,
}

pub struct MissedRecord {
    pub week_start: NaiveDate,
    /// Local time.
    pub deadline: NaiveDateTime,
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
    let projects = ledger_db::projects(conn, plan.id).await?;
    let mut rows = Vec::new();
    for project in projects.into_iter().filter(|p| in_scope(p.id)) {
        let (facts, figures) =
            reporting::facts(conn, settings, &calendar, plan, project.id, now).await?;
        let verdict = reporting::verdict(settings, &facts);
        let latest = ledger_db::latest_lead_report(conn, project.id).await?;
        let open = ledger_db::open_difficulties(conn, project.id).await?;
        let last = latest.as_ref().map(|r| local_day(r.submitted_at, settings));
        rows.push(LedgerRow {
            category: project.category,
            no: project.no,
            title: project.title,
            summary: project.summary,
            goals: project.goals,
            units: project.units,
            figures: figures.iter().map(|(m, v)| figure(m, *v)).collect(),
            colour: verdict.colour,
            reasons: verdict.reasons,
            latest_progress: latest.map(|r| r.progress).unwrap_or_default(),
            difficulties: open,
            last_report: last,
        });
    }
    let reports = ledger_db::reports(conn, plan.id).await?;
    let reports = reports
        .into_iter()
        .filter(|r| in_scope(r.project_id))
        .collect();

    // The weeks no lead contact reported for, from the one record of who was expected when.
    let missed = crate::services::expected::of_plan(conn, settings, &calendar, plan, None, now)
        .await?
        .into_iter()
        .filter(|e| in_scope(e.project_id) && e.overdue)
        .map(|e| MissedRecord {
            week_start: e.week.week_start,
            deadline: e.week.deadline,
            no: e.no,
            contact: e.contacts(),
            title: e.title,
            unit: e.lead_unit.unwrap_or_default(),
        })
        .collect();
    Ok(Ledger {
        plan_name: plan.name.clone(),
        rows,
        reports,
        missed,
    })
}

fn local_day(at: DateTime<Utc>, settings: &Settings) -> NaiveDate {
    at.with_timezone(&settings.timezone).date_naive()
}

/// A metric's figure from its stored row and the value reported (if any).
pub fn figure(metric: &MetricRow, value: Option<f64>) -> Figure {
    Figure {
        name: metric.name.clone(),
        kind: metric.kind,
        target: metric.target,
        unit: metric.unit.clone(),
        value,
        percent: value.map(|v| reporting::percent(metric, v)),
    }
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

/// Where files waiting to be sent are written: beside the database.
pub fn exports_dir(settings: &Settings) -> std::path::PathBuf {
    settings
        .database
        .parent()
        .map(|d| d.join("exports"))
        .unwrap_or_else(|| "exports".into())
}
