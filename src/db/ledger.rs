//! What the ledger (台账) reads beyond the digest: the seed table's columns, each project's
//! latest lead report and open difficulties, and every report in history.

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Deserialize;
use sqlx::{FromRow, SqliteConnection};

use crate::domain::report::Status;
use crate::domain::role::AssignmentRole;

/// A project with the seed table's columns; `units` lists them lead first, joined by 、.
#[derive(Debug, Clone, FromRow)]
pub struct ProjectColumns {
    pub id: i64,
    pub no: i64,
    pub category: String,
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub units: String,
}

pub async fn projects(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<ProjectColumns>> {
    sqlx::query_as(
        "SELECT p.id, p.no, c.numeral || '、' || c.name AS category, p.title, p.summary, p.goals,
                (SELECT group_concat(name, '、') FROM (SELECT u.name FROM project_units pu JOIN units u ON u.id = pu.unit_id
                                                    WHERE pu.project_id = p.id ORDER BY pu.position)) AS units
         FROM projects p JOIN categories c ON c.id = p.category_id WHERE p.plan_id = ? ORDER BY p.no",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// What the ledger shows of a project's latest lead report.
#[derive(Debug, Clone, FromRow)]
pub struct LeadReport {
    pub project_id: i64,
    pub progress: String,
    pub submitted_at: DateTime<Utc>,
}

/// The progress text and time of each project's latest report from its lead unit, in one
/// query for the plan (each project's few reports found by `reports_by_week`).
pub async fn latest_lead_reports(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<LeadReport>> {
    sqlx::query_as(
        "SELECT r.project_id, r.progress, r.submitted_at
         FROM projects p JOIN reports r ON r.id = (
             SELECT x.id FROM reports x WHERE x.project_id = p.id AND x.role = 'lead'
             ORDER BY x.submitted_at DESC, x.id DESC LIMIT 1)
         WHERE p.plan_id = ?",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// Every open difficulty of the plan as (project, text), each text once a project, oldest
/// first.
pub async fn open_difficulties(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT d.project_id, d.text FROM difficulties d JOIN projects p ON p.id = d.project_id
         WHERE p.plan_id = ? AND d.resolved_at IS NULL
         GROUP BY d.project_id, d.text ORDER BY min(d.id)",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone, Deserialize)]
#[serde(from = "Packed")]
pub struct ReportRecord {
    /// The report's own id, to find its values; never shown.
    pub id: i64,
    pub project_id: i64,
    pub week_start: NaiveDate,
    pub version: i64,
    pub person_id: i64,
    pub role: AssignmentRole,
    pub status: Status,
    pub progress: String,
    pub difficulties: String,
    pub late: bool,
    pub submitted_at: DateTime<Utc>,
    /// `photo` or `document`, when the report has evidence.
    pub evidence_kind: Option<String>,
    /// Where its evidence is kept, relative to the data folder, once downloaded.
    pub evidence_path: Option<String>,
}

/// A report as a week's row packs it: `[id, project, week, version, person, role, status,
/// progress, difficulties, late, submitted_at, evidence_kind, evidence_path]`.
#[derive(Deserialize)]
struct Packed(
    i64,
    i64,
    NaiveDate,
    i64,
    i64,
    String,
    Status,
    String,
    String,
    u8,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
);

impl From<Packed> for ReportRecord {
    fn from(p: Packed) -> Self {
        Self {
            id: p.0,
            project_id: p.1,
            week_start: p.2,
            version: p.3,
            person_id: p.4,
            role: AssignmentRole::from_db(&p.5),
            status: p.6,
            progress: p.7,
            difficulties: p.8,
            late: p.9 != 0,
            submitted_at: p.10,
            evidence_kind: p.11,
            evidence_path: p.12,
        }
    }
}

/// Who may have written a report: a person's name and unit, read once rather than with every
/// report of a year.
#[derive(Debug, Clone, FromRow)]
pub struct Author {
    pub person_id: i64,
    pub person: String,
    pub unit: Option<String>,
}

pub async fn authors(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Author>> {
    sqlx::query_as(
        "SELECT pe.id AS person_id, pe.display_name AS person, u.name AS unit
         FROM people pe LEFT JOIN units u ON u.id = pe.unit_id",
    )
    .fetch_all(conn)
    .await
}

/// Every report of a plan, every version, week by week and within a week in the order they
/// were stored, read as a stream of weeks so a year of a large plan is never held in memory at
/// once. Each week comes packed in one row (a JSON array): the driver's cost is per row, and
/// a year of a thousand projects is fifty thousand reports but fifty-odd weeks.
pub fn reports(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> BoxStream<'_, sqlx::Result<Vec<ReportRecord>>> {
    sqlx::query_scalar::<_, String>(
        "SELECT json_group_array(json_array(r.id, r.project_id, r.week_start, r.version, r.person_id,
                    r.role, r.status, r.progress, r.difficulties, r.late, r.submitted_at,
                    r.evidence_kind, e.path) ORDER BY r.id)
         FROM reports r JOIN projects p ON p.id = r.project_id
         LEFT JOIN evidence_files e ON e.report_id = r.id AND e.state = 'stored'
         WHERE p.plan_id = ? GROUP BY r.week_start ORDER BY r.week_start",
    )
    .bind(plan_id)
    .fetch(conn)
    .map(|week| {
        week.and_then(|packed| {
            serde_json::from_str(&packed).map_err(|error| sqlx::Error::Decode(Box::new(error)))
        })
    })
    .boxed()
}

/// Every value reported in the plan as (report, metric, value): three numbers a value, read
/// once rather than a query a report.
pub async fn report_values(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, i64, f64)>> {
    sqlx::query_as(
        "SELECT v.report_id, v.metric_id, v.value FROM report_values v
         JOIN reports r ON r.id = v.report_id JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ?",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}
