//! What the ledger (台账) reads beyond the digest: the seed table's columns, each project's
//! latest lead report and open difficulties, and every report in history.

use chrono::{DateTime, Utc};
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
    pub progress: String,
    pub submitted_at: DateTime<Utc>,
}

/// The progress text and time of a project's latest report from its lead unit.
pub async fn latest_lead_report(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Option<LeadReport>> {
    sqlx::query_as(
        "SELECT progress, submitted_at FROM reports WHERE project_id = ? AND role = 'lead'
         ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(project_id)
    .fetch_optional(conn)
    .await
}

pub async fn open_difficulties(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT text FROM difficulties WHERE project_id = ? AND resolved_at IS NULL ORDER BY id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
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
    pub role: AssignmentRole,
    pub status: Status,
    pub figures: Option<String>,
    pub progress: String,
    pub difficulties: String,
    pub late: bool,
    pub submitted_at: String,
}

/// Every report of a plan, every version, oldest first.
pub async fn reports(conn: &mut SqliteConnection, plan_id: i64) -> sqlx::Result<Vec<ReportRecord>> {
    sqlx::query_as(
        "SELECT r.project_id, p.no, p.title, r.week_start, r.version, pe.display_name AS person, u.name AS unit, r.role, r.status,
                (SELECT group_concat(m.name || '=' || v.value, '；') FROM report_values v JOIN metrics m ON m.id = v.metric_id
                 WHERE v.report_id = r.id) AS figures,
                r.progress, r.difficulties, r.late, r.submitted_at
         FROM reports r JOIN projects p ON p.id = r.project_id JOIN people pe ON pe.id = r.person_id
         LEFT JOIN units u ON u.id = pe.unit_id
         WHERE p.plan_id = ? ORDER BY r.submitted_at, r.id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}
