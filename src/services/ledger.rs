//! What the ledger (台账) holds: the notice annex's columns with the year's progress, every
//! report in history, every missed deadline; written line by line into a [`LedgerSink`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use futures::TryStreamExt;
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::calendar;
use crate::db::ledger::{self as ledger_db, LeadReport};
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::domain::colour::State;
use crate::domain::metric::Figure;
use crate::services::expected::{self, Expected};
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
    /// A colour only with a report behind it.
    pub state: State,
    /// Why the colour; none without one.
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

/// One report of the 报送记录 sheet: the stored row, its project and author, and its figures
/// against their metrics.
pub struct ReportLine<'a> {
    pub record: ReportRecord,
    pub no: i64,
    pub title: &'a str,
    pub person: &'a str,
    pub unit: Option<&'a str>,
    pub figures: Vec<Figure>,
}

/// Where the ledger's lines go as they are read, sheet by sheet and each sheet in order (the
/// workbook writes rows straight to disk): every project, then every report, then every
/// missed deadline.
pub trait LedgerSink {
    fn project(&mut self, row: &LedgerRow) -> anyhow::Result<()>;
    fn report(&mut self, line: &ReportLine<'_>) -> anyhow::Result<()>;
    fn missed(&mut self, missed: &MissedRecord) -> anyhow::Result<()>;
}

/// How many lines of each kind a ledger held.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LedgerCounts {
    pub projects: usize,
    pub reports: usize,
    pub missed: usize,
}

/// Writes the ledger of the projects in `scope` (the whole plan when `None`) into `sink`: a
/// leader's workbook holds nothing they could not read in the bot. Reports stream from the
/// database (only their values, three numbers each, are read ahead), so a year of a large plan
/// is never held in memory.
pub async fn write(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    now: DateTime<Utc>,
    sink: &mut impl LedgerSink,
) -> anyhow::Result<LedgerCounts> {
    let in_scope = |id: i64| scope.is_none_or(|s| s.contains(&id));
    let calendar = calendar::load(conn, plan.id).await?;
    // Who was expected when, read once: the colours' missed weeks and the 未按时报送 sheet.
    let expected = expected::of_plan(conn, settings, &calendar, plan, None, now).await?;
    let mut counts = LedgerCounts::default();
    let mut titles: HashMap<i64, (i64, String)> = HashMap::new();
    for (id, row) in project_rows(conn, settings, plan, &expected, now).await? {
        titles.insert(id, (row.no, row.title.clone()));
        if in_scope(id) {
            sink.project(&row)?;
            counts.projects += 1;
        }
    }

    let metrics: HashMap<i64, MetricRow> = plan::metrics_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut values: HashMap<i64, Vec<(&MetricRow, f64)>> = HashMap::new();
    for (report, metric, value) in ledger_db::report_values(conn, plan.id).await? {
        if let Some(metric) = metrics.get(&metric) {
            values.entry(report).or_default().push((metric, value));
        }
    }
    let authors: HashMap<i64, ledger_db::Author> = ledger_db::authors(conn)
        .await?
        .into_iter()
        .map(|a| (a.person_id, a))
        .collect();
    let mut reports = ledger_db::reports(conn, plan.id);
    while let Some(week) = reports.try_next().await? {
        for record in week {
            if !in_scope(record.project_id) {
                continue;
            }
            let mut reported = values.remove(&record.id).unwrap_or_default();
            reported.sort_by_key(|(m, _)| m.position);
            let figures = reported
                .into_iter()
                .map(|(metric, value)| figure(metric, Some(value)))
                .collect();
            let (no, title) = titles
                .get(&record.project_id)
                .map_or((0, ""), |(no, title)| (*no, title.as_str()));
            let author = authors.get(&record.person_id);
            sink.report(&ReportLine {
                no,
                title,
                person: author.map_or("", |a| a.person.as_str()),
                unit: author.and_then(|a| a.unit.as_deref()),
                record,
                figures,
            })?;
            counts.reports += 1;
        }
    }
    drop(reports);

    for missed in missed(expected, scope) {
        sink.missed(&missed)?;
        counts.missed += 1;
    }
    Ok(counts)
}

/// Every project's line, by number, with its id: the facts behind the colours, the latest
/// lead reports and the open difficulties are read for the whole plan, not project by project.
async fn project_rows(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    expected: &[Expected],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(i64, LedgerRow)>> {
    let mut latest: HashMap<i64, LeadReport> = ledger_db::latest_lead_reports(conn, plan.id)
        .await?
        .into_iter()
        .map(|r| (r.project_id, r))
        .collect();
    let mut open: HashMap<i64, Vec<String>> = HashMap::new();
    for (project, text) in ledger_db::open_difficulties(conn, plan.id).await? {
        open.entry(project).or_default().push(text);
    }
    let mut facts = reporting::facts_given(conn, settings, plan, expected, now).await?;
    let led = reporting::led_projects(conn, plan).await?;
    let mut rows = Vec::new();
    for project in ledger_db::projects(conn, plan.id).await? {
        let (facts, figures) = facts
            .remove(&project.id)
            .ok_or_else(|| anyhow::anyhow!("项目 {} 的事实缺失", project.no))?;
        let verdict = reporting::verdict(settings, &facts);
        let state = State::of(&verdict, facts.status.is_some(), led.contains(&project.id));
        let latest = latest.remove(&project.id);
        rows.push((
            project.id,
            LedgerRow {
                category: project.category,
                no: project.no,
                title: project.title,
                summary: project.summary,
                goals: project.goals,
                units: project.units,
                figures: figures.iter().map(|(m, v)| figure(m, *v)).collect(),
                state,
                reasons: if state.colour().is_some() {
                    verdict.reasons
                } else {
                    Vec::new()
                },
                last_report: latest.as_ref().map(|r| local_day(r.submitted_at, settings)),
                latest_progress: latest.map(|r| r.progress).unwrap_or_default(),
                difficulties: open.remove(&project.id).unwrap_or_default(),
            },
        ));
    }
    Ok(rows)
}

/// The weeks no lead contact reported for by the deadline, in the plan's dates, by week.
fn missed(expected: Vec<Expected>, scope: Option<&HashSet<i64>>) -> Vec<MissedRecord> {
    let in_scope = |id: i64| scope.is_none_or(|s| s.contains(&id));
    expected
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
        .collect()
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
