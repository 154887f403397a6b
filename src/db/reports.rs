//! Reports, read side for now: when each project last reported, and a project's history.

use sqlx::{FromRow, SqliteConnection};

/// The latest submission time per project of a plan.
pub async fn last_report_per_project(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT r.project_id, max(r.submitted_at) FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ? GROUP BY r.project_id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ReportLine {
    pub week_start: String,
    pub version: i64,
    pub status: String,
    pub progress: String,
    pub person_name: String,
    pub late: bool,
    pub submitted_at: String,
}

pub async fn history(
    conn: &mut SqliteConnection,
    project_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<ReportLine>> {
    sqlx::query_as(
        "SELECT r.week_start, r.version, r.status, r.progress, pe.display_name AS person_name, r.late, r.submitted_at
         FROM reports r JOIN people pe ON pe.id = r.person_id
         WHERE r.project_id = ? ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?",
    )
    .bind(project_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Whether a person has reported on a project for a week.
pub async fn has_reported(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    week_start: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM reports WHERE project_id = ? AND person_id = ? AND week_start = ?)")
        .bind(project_id)
        .bind(person_id)
        .bind(week_start)
        .fetch_one(conn)
        .await
}
